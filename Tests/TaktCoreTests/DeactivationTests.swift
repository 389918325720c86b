import Foundation
import TaktCore
import Testing

/// Master data that is deactivated stays for history and for what already uses it, but is offered for nothing new.
@Suite("Deactivated master data")
struct DeactivationTests {
    @Test("Old logs (no `active` field) load as active; a deactivated entity encodes and decodes as such")
    func decoding() throws {
        let old = #"{"id":"PUMP","name":"Pump","kind":"finished"}"#
        #expect(try TaktJSON.decoder.decode(Item.self, from: Data(old.utf8)).active)
        let skill = try TaktJSON.decoder.decode(Skill.self, from: Data(#"{"id":"S","name":"Weld"}"#.utf8))
        #expect(skill.active)
        let routing = Routing(id: "R", item: "PUMP", operations: [], active: false)
        #expect(try TaktJSON.decoder.decode(Routing.self, from: TaktJSON.encoder.encode(routing)) == routing)
        let location = try TaktJSON.decoder.decode(Location.self, from: Data(#"{"id":"L","name":"L","site":"S","kind":"store"}"#.utf8))
        #expect(location.active && location.workCenter == nil)
        let bom = try TaktJSON.decoder.decode(BOM.self, from: Data(#"{"id":"B","item":"P","components":[]}"#.utf8))
        #expect(bom.active)
    }

    @Test("A deactivated item cannot be put on a new production or sales order; reactivated, it can")
    func item() {
        var plant = TestPlant.pumpShop()
        var pump = plant.state.items["PUMP"]!
        pump.active = false
        plant.accept(.defineItem(pump))
        let order = Command.createProductionOrder(NewProductionOrder(item: "PUMP", quantity: 1, dueDate: day(5)))
        plant.expectRejected(order, .invalid, field: "item", rule: "inactive")
        plant.expectRejected(SalesOrderTests.order(), .invalid, field: "lines[0].item", rule: "inactive")
        pump.active = true
        plant.accept(.defineItem(pump))
        plant.accept(order)
    }

    @Test("A deactivated routing is not chosen nor nameable; a deactivated BOM stops new orders of its item")
    func routingAndBOM() {
        var plant = TestPlant.pumpShop()
        var routing = plant.state.routings["RT-PUMP"]!
        routing.active = false
        plant.accept(.defineRouting(routing))
        plant.expectRejected(
            .createProductionOrder(NewProductionOrder(item: "PUMP", quantity: 1, dueDate: day(5))),
            .invalid,
            field: "routing",
            rule: "required"
        )
        plant.expectRejected(
            .createProductionOrder(NewProductionOrder(item: "PUMP", quantity: 1, routing: "RT-PUMP", dueDate: day(5))),
            .invalid,
            field: "routing",
            rule: "inactive"
        )
        var bom = plant.state.boms["BOM-HOUSING"]!
        bom.active = false
        plant.accept(.defineBOM(bom))
        plant.expectRejected(
            .createProductionOrder(NewProductionOrder(item: "HOUSING", quantity: 1, dueDate: day(5))),
            .invalid,
            field: "item",
            rule: "inactive-bom"
        )
    }

    @Test("A deactivated work center or skill cannot be newly named by a routing; a routing that already names it may be saved")
    func workCenterAndSkill() {
        var plant = TestPlant.pumpShop()
        var lathe = plant.state.workCenters["WC-LATHE-1"]!
        lathe.active = false
        plant.accept(.defineWorkCenter(lathe))
        plant.expectRejected(
            .defineRouting(TestPlant.routing("RT-NEW", item: "PUMP", on: "WC-LATHE-1")),
            .invalid,
            field: "operations[0].workCenters[0].workCenter",
            rule: "inactive"
        )
        // RT-HOUSING already runs on the lathe: deactivating the routing itself is still possible.
        var housing = plant.state.routings["RT-HOUSING"]!
        housing.active = false
        plant.accept(.defineRouting(housing))

        var skill = plant.state.skills["assembly"]!
        skill.active = false
        plant.accept(.defineSkill(skill))
        var withSkill = TestPlant.routing("RT-NEW2", item: "PUMP", on: "WC-ASSY-1")
        withSkill.operations[0].requiredSkill = "assembly"
        plant.expectRejected(.defineRouting(withSkill), .invalid, field: "operations[0].requiredSkill", rule: "inactive")
    }

    @Test("Nothing may be created in or moved into a deactivated location; a deactivated customer takes no new order")
    func locationAndCustomer() {
        var plant = TestPlant.pumpShop()
        plant.accept(.createLot(NewLot(id: "LOT-1", item: "CASTING", quantity: 5, location: "LOC-STORE", supplierLot: "S-1")))
        plant.accept(.defineLocation(Location(id: "LOC-B", name: "Store B", site: "PLANT-1", kind: .store, active: false)))
        plant.expectRejected(
            .createLot(NewLot(id: "LOT-2", item: "CASTING", quantity: 5, location: "LOC-B", supplierLot: "S-2")),
            .invalid,
            field: "location",
            rule: "inactive"
        )
        plant.expectRejected(.moveLot(MoveLot(lot: "LOT-1", to: "LOC-B")), .conflict, field: "to", rule: "inactive")

        var customer = plant.state.customers["CUST-1"]!
        customer.active = false
        plant.accept(.defineCustomer(customer))
        plant.expectRejected(SalesOrderTests.order(), .invalid, field: "customer", rule: "inactive")
    }
}
