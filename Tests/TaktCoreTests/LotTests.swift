import TaktCore
import Testing

@Suite("Lots")
struct LotTests {
    @Test("A lot quantity must be greater than zero", arguments: [0.0, -10])
    func quantity(quantity: Double) {
        TestPlant.pumpShop().expectRejected(TestPlant.castingLot("LOT-1", quantity: quantity), .invalid, field: "quantity", rule: "positive")
    }

    @Test("A lot at a location that does not exist is rejected")
    func unknownLocation() {
        TestPlant.pumpShop().expectRejected(
            .createLot(NewLot(id: "LOT-1", item: "CASTING", quantity: 5, location: "LOC-NOWHERE", supplierLot: "GS-1")),
            .invalid,
            field: "location",
            rule: "unknown-reference"
        )
    }

    @Test("A purchased lot without the supplier's lot number is rejected", arguments: [nil, "", "   "] as [String?])
    func purchasedLotNeedsSupplierLot(supplierLot: String?) {
        TestPlant.pumpShop().expectRejected(
            TestPlant.castingLot("LOT-1", supplierLot: supplierLot),
            .invalid,
            field: "supplierLot",
            rule: "required"
        )
    }

    @Test("A lot of a made item needs no supplier lot and may name the released order that made it, not a planned one")
    func madeLot() {
        var plant = TestPlant.pumpShop()
        plant.accept(TestPlant.pumpOrder("PO-000001"))
        plant.expectRejected(
            .createLot(NewLot(id: "LOT-2", item: "PUMP", quantity: 4, location: "LOC-STORE", productionOrder: "PO-000001")),
            .invalid,
            field: "productionOrder",
            rule: "status"
        )
        plant.accept(.releaseProductionOrder(ProductionOrderRef(productionOrder: "PO-000001")))
        plant.accept(.createLot(NewLot(id: "LOT-2", item: "PUMP", quantity: 4, location: "LOC-STORE", productionOrder: "PO-000001")))
        #expect(plant.state.lots["LOT-2"]?.productionOrder == "PO-000001")
        plant.expectRejected(
            .createLot(NewLot(id: "LOT-3", item: "HOUSING", quantity: 4, location: "LOC-STORE", productionOrder: "PO-000001")),
            .invalid,
            field: "productionOrder",
            rule: "item-mismatch"
        )
    }

    @Test("A quarantined lot moves only to a quarantine location")
    func quarantinedLotStaysInQuarantine() {
        var plant = TestPlant.pumpShop()
        plant.accept(TestPlant.castingLot("LOT-Q", supplierLot: "S-1"))
        plant.accept(.setLotStatus(SetLotStatus(lot: "LOT-Q", status: .quarantine, reason: "Certificate missing")))
        plant.accept(.defineLocation(Location(id: "LOC-QA", name: "Quarantine cage", site: "PLANT-1", kind: .quarantine)))
        plant.accept(.defineLocation(Location(id: "LOC-RCV", name: "Receiving", site: "PLANT-1", kind: .receiving)))
        plant.expectRejected(.moveLot(MoveLot(lot: "LOT-Q", to: "LOC-RCV")), .conflict, field: "to", rule: "quarantine")
        plant.accept(.moveLot(MoveLot(lot: "LOT-Q", to: "LOC-QA")))
        #expect(plant.state.lots["LOT-Q"]?.location == "LOC-QA")
    }

    @Test("A lot on hold cannot be moved")
    func heldLotStays() {
        var plant = TestPlant.pumpShop()
        plant.accept(TestPlant.castingLot("LOT-1"))
        plant.accept(.setLotStatus(SetLotStatus(lot: "LOT-1", status: .onHold, reason: "Porosity suspected")))
        let violation = plant.expectRejected(.moveLot(MoveLot(lot: "LOT-1", to: "LOC-QUARANTINE")), .conflict, field: "lot", rule: "on-hold")
        #expect(violation?.message.contains("on hold") == true)
        #expect(plant.state.lots["LOT-1"]?.location == "LOC-STORE")
    }

    @Test("A lot in quarantine can be moved to the quarantine cage")
    func quarantinedLotMoves() {
        var plant = TestPlant.pumpShop()
        plant.accept(TestPlant.castingLot("LOT-1"))
        plant.accept(.setLotStatus(SetLotStatus(lot: "LOT-1", status: .quarantine, reason: "Incoming inspection")))
        plant.accept(.moveLot(MoveLot(lot: "LOT-1", to: "LOC-QUARANTINE")))
        #expect(plant.state.lots["LOT-1"]?.location == "LOC-QUARANTINE")
    }

    @Test("Moving a lot to where it already is, or setting the status it has, is a conflict")
    func noOpChanges() {
        var plant = TestPlant.pumpShop()
        plant.accept(TestPlant.castingLot("LOT-1"))
        plant.expectRejected(.moveLot(MoveLot(lot: "LOT-1", to: "LOC-STORE")), .conflict, field: "to", rule: "same-location")
        plant.expectRejected(
            .setLotStatus(SetLotStatus(lot: "LOT-1", status: .available, reason: "ok")),
            .conflict,
            field: "status",
            rule: "unchanged"
        )
    }

    @Test("Consumed and shipped are set by execution, not directly")
    func statusNotSettable() {
        var plant = TestPlant.pumpShop()
        plant.accept(TestPlant.castingLot("LOT-1"))
        plant.expectRejected(
            .setLotStatus(SetLotStatus(lot: "LOT-1", status: .consumed, reason: "used")),
            .invalid,
            field: "status",
            rule: "not-settable"
        )
    }
}
