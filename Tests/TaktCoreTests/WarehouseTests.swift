import Foundation
import TaktCore
import Testing

/// The pump plant's warehouse: goods-in, the main store, quarantine, shipping, and the line side of lathe 1.
///
/// Housings (HOUSING) are turned on WC-LATHE-1 (operation 10, which consumes one casting each; CASTING-ALT from the
/// second foundry is an approved substitute) and drilled (operation 20). Pumps (PUMP) are assembled on WC-ASSY-1.
/// LS-LATHE-1 wants its material 60 minutes before an operation starts. People: Wanda (warehouse), Paul (planner),
/// Quinn (quality), Otto (operator).
struct PumpWarehouse {
    var state = PlantState()
    var clock = testNow.addingTimeInterval(6 * 3600)  // 06:00 UTC
    /// Every event accepted, in order.
    var log: [Event] = []

    init() {
        let shift = Shift(name: "Early", days: Weekday.allCases, start: "06:00", end: "14:00")
        let setup: [Command] = [
            .defineSite(Site(id: "PLANT-1", name: "Pump plant", timeZone: "UTC")),
            .defineWorkCenter(WorkCenter(id: "WC-LATHE-1", name: "CNC lathe 1", site: "PLANT-1", kind: .machining, shifts: [shift])),
            .defineWorkCenter(WorkCenter(id: "WC-ASSY-1", name: "Assembly line 1", site: "PLANT-1", kind: .assembly, shifts: [shift])),
            .defineLocation(Location(id: "LOC-RECV", name: "Goods-in dock", site: "PLANT-1", kind: .receiving)),
            .defineLocation(Location(id: "LOC-STORE", name: "Main store", site: "PLANT-1", kind: .store)),
            .defineLocation(Location(id: "LOC-QUARANTINE", name: "Quarantine cage", site: "PLANT-1", kind: .quarantine)),
            .defineLocation(Location(id: "LOC-SHIP", name: "Shipping lane", site: "PLANT-1", kind: .shipping)),
            .defineLocation(
                Location(
                    id: "LS-LATHE-1",
                    name: "Lathe 1 line side",
                    site: "PLANT-1",
                    kind: .lineSide,
                    workCenter: "WC-LATHE-1",
                    stagingLeadMinutes: 60
                )
            ),
            .defineItem(Item(id: "PUMP", name: "Pump 50-200", kind: .finished)),
            .defineItem(Item(id: "HOUSING", name: "Machined housing 50-200", kind: .semiFinished)),
            .defineItem(Item(id: "CASTING", name: "Housing casting 50-200", kind: .purchased)),
            .defineItem(Item(id: "CASTING-ALT", name: "Housing casting, second foundry", kind: .purchased)),
            .defineBOM(
                BOM(
                    id: "BOM-HOUSING",
                    item: "HOUSING",
                    components: [.init(item: "CASTING", quantity: 1, substitutes: ["CASTING-ALT"], operation: 10)]
                )
            ),
            .defineBOM(BOM(id: "BOM-PUMP", item: "PUMP", components: [.init(item: "HOUSING", quantity: 1)])),
            .defineRouting(
                Routing(
                    id: "RT-HOUSING",
                    item: "HOUSING",
                    operations: [
                        RoutingOperation(
                            sequence: 10,
                            name: "Turn housing",
                            workCenters: [.init(workCenter: "WC-LATHE-1", setupMinutes: 30, runMinutesPerUnit: 12)]
                        ),
                        RoutingOperation(
                            sequence: 20,
                            name: "Drill flange holes",
                            workCenters: [.init(workCenter: "WC-LATHE-1", setupMinutes: 10, runMinutesPerUnit: 4)]
                        ),
                    ]
                )
            ),
            .defineRouting(TestPlant.routing("RT-PUMP", item: "PUMP", on: "WC-ASSY-1")),
            .defineCustomer(Customer(id: "CUST-1", name: "Stadtwerke Nordhafen", priority: 2)),
            .createUser(User(id: "wh-wanda", name: "Wanda Roth", roles: [.warehouse])),
            .createUser(User(id: "pl-paul", name: "Paul Weber", roles: [.planner])),
            .createUser(User(id: "qa-quinn", name: "Quinn Hale", roles: [.quality])),
            .createUser(User(id: "op-otto", name: "Otto Kern", roles: [.operator])),
        ]
        for command in setup { act(command, by: nil) }
    }

    mutating func wait(hours: Double) { clock = clock.addingTimeInterval(hours * 3600) }

    /// `by` does `command` now; a refusal is a test failure.
    @discardableResult
    mutating func act(_ command: Command, by actor: User.ID?, sourceLocation: SourceLocation = #_sourceLocation) -> [Event] {
        do {
            let events = try state.decide(command.truncatingDates(), actor: actor, now: clock)
            for event in events { state.apply(event, sequence: state.sequence + 1) }
            log += events
            return events
        } catch {
            Issue.record("\(command.typeName) by \(actor?.rawValue ?? "system") was refused: \(error)", sourceLocation: sourceLocation)
            return []
        }
    }

    /// The refusal of `command`, which must be of `kind` and name `field` and `rule`; returns its message. Checks that nothing changed.
    @discardableResult
    func refused(
        _ command: Command,
        by actor: User.ID? = nil,
        _ kind: DomainError.Kind,
        field: String,
        rule: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> String? {
        var copy = state
        do {
            let events = try copy.decide(command, actor: actor, now: clock)
            Issue.record("\(command.typeName) was accepted (\(events.map(\.typeName))); expected \(field) [\(rule)]", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.kind == kind, "kind of \(error)", sourceLocation: sourceLocation)
            let violation = error.violations.first { $0.field == field && $0.rule == rule }
            #expect(violation != nil, "expected \(field) [\(rule)] in \(error)", sourceLocation: sourceLocation)
            copy.sequence = state.sequence
            #expect(copy == state, "a refused command changed nothing", sourceLocation: sourceLocation)
            return violation?.message
        }
    }

    // Commands of the plant.

    static func receive(
        _ id: Lot.ID,
        _ item: Item.ID = "CASTING",
        quantity: Double = 10,
        at location: Location.ID = "LOC-RECV",
        supplierLot: String = "GS-2611-0042",
        note: String = "LS-88412",
        expected: ExpectedReceipt.ID? = nil
    ) -> Command {
        .receiveLot(
            ReceiveLot(
                id: id,
                item: item,
                quantity: quantity,
                location: location,
                supplier: "Giesserei Sauerland",
                supplierLot: supplierLot,
                deliveryNote: note,
                expectedReceipt: expected
            )
        )
    }
    static func housingOrder(_ id: ProductionOrder.ID, quantity: Double, due: Date = day(10)) -> Command {
        .createProductionOrder(NewProductionOrder(id: id, item: "HOUSING", quantity: quantity, dueDate: due))
    }
    static func release(_ id: ProductionOrder.ID) -> Command { .releaseProductionOrder(ProductionOrderRef(productionOrder: id)) }
    static func step(_ order: ProductionOrder.ID, _ sequence: Int = 10, start: Date, hours: Double = 3) -> ScheduledStep {
        ScheduledStep(
            productionOrder: order,
            sequence: sequence,
            name: sequence == 10 ? "Turn housing" : "Drill flange holes",
            workCenter: "WC-LATHE-1",
            start: start,
            end: start.addingTimeInterval(hours * 3600)
        )
    }
    static func publish(_ id: PublishedSchedule.ID, _ steps: [ScheduledStep]) -> Command {
        .publishSchedule(
            PublishedSchedule(
                id: id,
                origin: testNow,
                steps: steps,
                weightedTardinessMinutes: 0,
                makespanMinutes: 0,
                totalSetupMinutes: 0,
                lateOrders: []
            )
        )
    }
    static func hold(_ lot: Lot.ID, _ status: LotStatus = .onHold) -> Command {
        .setLotStatus(SetLotStatus(lot: lot, status: status, reason: "Porosity found on a sister lot"))
    }

    func reservations(of order: ProductionOrder.ID) -> [Reservation] {
        (state.reservationsByOrder[order] ?? []).compactMap { state.reservations[$0] }.sorted { $0.id < $1.id }
    }
    func task(of order: ProductionOrder.ID) -> StagingTask? {
        state.stagingTasks.values.filter { $0.productionOrder == order }.min { $0.id < $1.id }
    }
}

extension Event {
    var shortage: ProjectedShortage? { if case .shortageProjected(let s) = self { s.shortage } else { nil } }
    var missing: MaterialMissing? { if case .materialMissing(let m) = self { m } else { nil } }
}

@Suite("Warehouse")
struct WarehouseTests {
    // MARK: Receipts

    @Test("Castings from Giesserei Sauerland arrive at goods-in with supplier lot and delivery note, fulfilling the expected receipt")
    func receipt() throws {
        var plant = PumpWarehouse()
        plant.act(
            .expectReceipt(ExpectReceipt(item: "CASTING", quantity: 20, expectedDate: day(2), supplier: "Giesserei Sauerland", reference: "PO-4711")),
            by: "pl-paul"
        )
        let er = try #require(plant.state.expectedReceipts["ER-000001"])
        #expect(er.status == .open && er.openQuantity == 20)

        let events = plant.act(PumpWarehouse.receive("CAST-1", quantity: 12, expected: "ER-000001"), by: "wh-wanda")
        #expect(events.map(\.typeName) == ["lotReceived"])
        let lot = try #require(plant.state.lots["CAST-1"])
        #expect(lot.location == "LOC-RECV" && lot.status == .available && lot.quantity == 12)
        #expect(lot.supplier == "Giesserei Sauerland" && lot.supplierLot == "GS-2611-0042" && lot.deliveryNote == "LS-88412")
        #expect(plant.state.expectedReceipts["ER-000001"]?.openQuantity == 8)
        plant.act(PumpWarehouse.receive("CAST-2", quantity: 8, supplierLot: "GS-2611-0043", note: "LS-88419", expected: "ER-000001"), by: "wh-wanda")
        #expect(plant.state.expectedReceipts["ER-000001"]?.status == .received)
        #expect(plant.state.expectedReceipts["ER-000001"]?.receivedLots == ["CAST-1", "CAST-2"])

        // Received into the quarantine cage, a lot starts in quarantine.
        plant.act(PumpWarehouse.receive("CAST-Q", at: "LOC-QUARANTINE"), by: "wh-wanda")
        #expect(plant.state.lots["CAST-Q"]?.status == .quarantine)

        let stock = plant.state.stock(item: "CASTING", location: "LOC-RECV")
        #expect(stock.map(\.lot) == ["CAST-1", "CAST-2"])
        #expect(stock.map(\.availableToReserve) == [12, 8])
    }

    @Test("A receipt with bad input is refused field by field and changes nothing")
    func receiptRefusals() {
        var plant = PumpWarehouse()
        plant.act(PumpWarehouse.receive("CAST-1"), by: "wh-wanda")
        plant.act(
            .expectReceipt(
                ExpectReceipt(id: "ER-ALT", item: "CASTING-ALT", quantity: 5, expectedDate: day(3), supplier: "Fonderia Nord", reference: "PO-4712")
            ),
            by: "pl-paul"
        )
        plant.refused(PumpWarehouse.receive("CAST-1"), .conflict, field: "id", rule: "exists")
        let store = plant.refused(PumpWarehouse.receive("CAST-9", at: "LOC-STORE"), .invalid, field: "location", rule: "not-receiving")
        #expect(store == "location 'LOC-STORE' is a store location; deliveries are received at a receiving (or quarantine) location")
        plant.refused(PumpWarehouse.receive("CAST-9", note: "  "), .invalid, field: "deliveryNote", rule: "required")
        plant.refused(PumpWarehouse.receive("CAST-9", quantity: 0), .invalid, field: "quantity", rule: "positive")
        plant.refused(PumpWarehouse.receive("CAST-9", "BRONZE"), .invalid, field: "item", rule: "unknown-reference")
        let made = plant.refused(PumpWarehouse.receive("PUMP-9", "PUMP"), .invalid, field: "item", rule: "not-purchased")
        #expect(made == "item 'PUMP' is finished; only purchased material is received from a supplier")
        plant.refused(PumpWarehouse.receive("CAST-9", expected: "ER-NONE"), .invalid, field: "expectedReceipt", rule: "unknown-reference")
        let mismatch = plant.refused(PumpWarehouse.receive("CAST-9", expected: "ER-ALT"), .invalid, field: "expectedReceipt", rule: "item-mismatch")
        #expect(mismatch == "expected receipt 'ER-ALT' is for 'CASTING-ALT', not 'CASTING'")
        plant.refused(PumpWarehouse.receive("ALT-9", "CASTING-ALT", expected: "ER-ALT"), .invalid, field: "supplier", rule: "supplier-mismatch")
        plant.refused(
            .expectReceipt(ExpectReceipt(item: "CASTING", quantity: -1, expectedDate: day(1), supplier: "Giesserei Sauerland", reference: "")),
            .invalid,
            field: "reference",
            rule: "required"
        )
        plant.act(.cancelExpectedReceipt(CancelExpectedReceipt(expectedReceipt: "ER-ALT", reason: "Second source not qualified")), by: "pl-paul")
        #expect(plant.state.expectedReceipts["ER-ALT"]?.status == .cancelled)
        plant.refused(
            .cancelExpectedReceipt(CancelExpectedReceipt(expectedReceipt: "ER-ALT", reason: "again")),
            .conflict,
            field: "expectedReceipt",
            rule: "status"
        )
        plant.refused(PumpWarehouse.receive("ALT-9", "CASTING-ALT", expected: "ER-ALT"), .invalid, field: "expectedReceipt", rule: "status")
    }

    // MARK: Handling units

    @Test("Pallet P-1042 is moved to the store with its castings, and found there; a lot taken off alone leaves the pallet")
    func palletMovedAndFound() throws {
        var plant = PumpWarehouse()
        plant.act(PumpWarehouse.receive("CAST-1"), by: "wh-wanda")
        plant.act(PumpWarehouse.receive("CAST-2", supplierLot: "GS-2611-0043"), by: "wh-wanda")
        plant.act(
            .createHandlingUnit(CreateHandlingUnit(id: "P-1042", kind: .pallet, location: "LOC-RECV", lots: ["CAST-1", "CAST-2"])),
            by: "wh-wanda"
        )
        let moved = plant.act(.moveHandlingUnit(MoveHandlingUnit(handlingUnit: "P-1042", to: "LOC-STORE")), by: "wh-wanda")
        #expect(moved.map(\.typeName) == ["handlingUnitMoved", "lotMoved", "lotMoved"])

        // Where is pallet P-1042? And which pallet carries CAST-2?
        let pallet = try #require(plant.state.handlingUnits["P-1042"])
        #expect(pallet.location == "LOC-STORE" && pallet.lots == ["CAST-1", "CAST-2"])
        #expect(plant.state.handlingUnit(carrying: "CAST-2")?.id == "P-1042")
        #expect(plant.state.lots["CAST-1"]?.location == "LOC-STORE")
        #expect(plant.state.stock(location: "LOC-STORE").map(\.handlingUnit) == ["P-1042", "P-1042"])

        plant.refused(.moveHandlingUnit(MoveHandlingUnit(handlingUnit: "P-1042", to: "LOC-STORE")), .conflict, field: "to", rule: "same-location")
        plant.refused(
            .moveHandlingUnit(MoveHandlingUnit(handlingUnit: "P-9999", to: "LOC-SHIP")),
            .notFound,
            field: "handlingUnit",
            rule: "not-found"
        )
        plant.refused(.moveHandlingUnit(MoveHandlingUnit(handlingUnit: "P-1042", to: "LOC-NOWHERE")), .notFound, field: "to", rule: "not-found")

        // A lot moved on its own comes off the pallet.
        plant.act(.moveLot(MoveLot(lot: "CAST-2", to: "LOC-SHIP")), by: "wh-wanda")
        #expect(plant.state.handlingUnits["P-1042"]?.lots == ["CAST-1"])
        #expect(plant.state.handlingUnit(carrying: "CAST-2") == nil)
    }

    @Test("A pallet carrying a held lot stays where it is; with a quarantined lot it may only go to quarantine")
    func heldPalletDoesNotMove() {
        var plant = PumpWarehouse()
        plant.act(PumpWarehouse.receive("CAST-1"), by: "wh-wanda")
        plant.act(PumpWarehouse.receive("CAST-2", supplierLot: "GS-2611-0043"), by: "wh-wanda")
        plant.act(.createHandlingUnit(CreateHandlingUnit(id: "P-1042", location: "LOC-RECV", lots: ["CAST-1", "CAST-2"])), by: "wh-wanda")
        plant.act(PumpWarehouse.hold("CAST-2"), by: "qa-quinn")
        let held = plant.refused(
            .moveHandlingUnit(MoveHandlingUnit(handlingUnit: "P-1042", to: "LOC-STORE")),
            .conflict,
            field: "handlingUnit",
            rule: "on-hold"
        )
        #expect(held == "lot 'CAST-2' on P-1042 is on hold and cannot be moved until quality releases it")

        plant.act(PumpWarehouse.hold("CAST-2", .quarantine), by: "qa-quinn")
        let quarantined = plant.refused(
            .moveHandlingUnit(MoveHandlingUnit(handlingUnit: "P-1042", to: "LOC-STORE")),
            .conflict,
            field: "handlingUnit",
            rule: "quarantine"
        )
        #expect(quarantined == "lot 'CAST-2' on P-1042 is in quarantine, so P-1042 may only move to a quarantine location")
        plant.act(.moveHandlingUnit(MoveHandlingUnit(handlingUnit: "P-1042", to: "LOC-QUARANTINE")), by: "wh-wanda")
        #expect(plant.state.lots["CAST-2"]?.location == "LOC-QUARANTINE")
    }

    @Test("Pallet P-1042 is split: two castings go onto box B-7, which then moves on its own; bad splits are refused")
    func split() {
        var plant = PumpWarehouse()
        for (i, id) in ["CAST-1", "CAST-2", "CAST-3"].enumerated() {
            plant.act(PumpWarehouse.receive(Lot.ID(id), supplierLot: "GS-2611-00\(40 + i)"), by: "wh-wanda")
        }
        plant.act(PumpWarehouse.receive("CAST-9", supplierLot: "GS-2611-0099"), by: "wh-wanda")
        plant.act(.createHandlingUnit(CreateHandlingUnit(id: "P-1042", location: "LOC-RECV", lots: ["CAST-1", "CAST-2", "CAST-3"])), by: "wh-wanda")

        let notOn = plant.refused(
            .splitHandlingUnit(SplitHandlingUnit(handlingUnit: "P-1042", newHandlingUnit: "B-7", lots: ["CAST-2", "CAST-9"])),
            .invalid,
            field: "lots[1]",
            rule: "not-on-unit"
        )
        #expect(notOn == "lot 'CAST-9' is not on P-1042 (it carries CAST-1, CAST-2, CAST-3)")
        plant.refused(
            .splitHandlingUnit(SplitHandlingUnit(handlingUnit: "P-1042", newHandlingUnit: "B-7", lots: ["CAST-404"])),
            .invalid,
            field: "lots[0]",
            rule: "unknown-reference"
        )
        plant.refused(
            .splitHandlingUnit(SplitHandlingUnit(handlingUnit: "P-1042", newHandlingUnit: "B-7", lots: [])),
            .invalid,
            field: "lots",
            rule: "required"
        )
        plant.refused(
            .splitHandlingUnit(SplitHandlingUnit(handlingUnit: "P-1042", newHandlingUnit: "P-1042", lots: ["CAST-1"])),
            .conflict,
            field: "newHandlingUnit",
            rule: "exists"
        )

        plant.act(
            .splitHandlingUnit(SplitHandlingUnit(handlingUnit: "P-1042", newHandlingUnit: "B-7", kind: .box, lots: ["CAST-2", "CAST-3"])),
            by: "wh-wanda"
        )
        #expect(plant.state.handlingUnits["P-1042"]?.lots == ["CAST-1"])
        #expect(plant.state.handlingUnits["B-7"]?.lots == ["CAST-2", "CAST-3"])
        #expect(plant.state.handlingUnits["B-7"]?.kind == .box)
        #expect(plant.state.handlingUnit(carrying: "CAST-3")?.id == "B-7")
        plant.act(.moveHandlingUnit(MoveHandlingUnit(handlingUnit: "B-7", to: "LOC-STORE")), by: "wh-wanda")
        #expect(plant.state.lots["CAST-1"]?.location == "LOC-RECV")
        #expect(plant.state.lots["CAST-3"]?.location == "LOC-STORE")

        // Adding and removing lots.
        let elsewhere = plant.refused(
            .addToHandlingUnit(HandlingUnitLots(handlingUnit: "B-7", lots: ["CAST-9"])),
            .invalid,
            field: "lots[0]",
            rule: "wrong-location"
        )
        #expect(elsewhere == "lot 'CAST-9' is at LOC-RECV, not at LOC-STORE; move it there first")
        plant.refused(
            .addToHandlingUnit(HandlingUnitLots(handlingUnit: "P-1042", lots: ["CAST-1"])),
            .invalid,
            field: "lots[0]",
            rule: "on-other-unit"
        )
        plant.act(.addToHandlingUnit(HandlingUnitLots(handlingUnit: "P-1042", lots: ["CAST-9"])), by: "wh-wanda")
        #expect(plant.state.handlingUnits["P-1042"]?.lots == ["CAST-1", "CAST-9"])
        plant.refused(
            .removeFromHandlingUnit(HandlingUnitLots(handlingUnit: "P-1042", lots: ["CAST-3"])),
            .invalid,
            field: "lots[0]",
            rule: "not-on-unit"
        )
        plant.act(.removeFromHandlingUnit(HandlingUnitLots(handlingUnit: "P-1042", lots: ["CAST-1"])), by: "wh-wanda")
        #expect(plant.state.handlingUnits["P-1042"]?.lots == ["CAST-9"])
        #expect(plant.state.handlingUnit(carrying: "CAST-1") == nil)
        plant.refused(
            .createHandlingUnit(CreateHandlingUnit(id: "P-2000", location: "LOC-STORE", lots: ["CAST-9"])),
            .invalid,
            field: "lots[0]",
            rule: "wrong-location"
        )
    }

    // MARK: Reservations

    /// Castings received a day apart: CAST-A (6), CAST-B (6), CAST-C (6), and an older second-source lot ALT-1 (4).
    static func castingStock() -> PumpWarehouse {
        var plant = PumpWarehouse()
        plant.act(PumpWarehouse.receive("ALT-1", "CASTING-ALT", quantity: 4, supplierLot: "FN-17"), by: "wh-wanda")
        for (i, id) in ["CAST-A", "CAST-B", "CAST-C"].enumerated() {
            plant.wait(hours: 24)
            plant.act(PumpWarehouse.receive(Lot.ID(id), quantity: 6, supplierLot: "GS-2611-00\(50 + i)"), by: "wh-wanda")
            plant.act(.moveLot(MoveLot(lot: Lot.ID(id), to: "LOC-STORE")), by: "wh-wanda")
        }
        return plant
    }

    @Test("Releasing housing orders reserves castings oldest first, substitutes last, each with a staging task")
    func releaseReservesOldestFirst() throws {
        var plant = Self.castingStock()
        plant.act(PumpWarehouse.housingOrder("PO-H-1", quantity: 10), by: "pl-paul")
        let released = plant.act(PumpWarehouse.release("PO-H-1"), by: "pl-paul")
        #expect(released.map(\.typeName) == ["productionOrderReleased", "lotReserved", "stagingTaskCreated", "lotReserved", "stagingTaskCreated"])
        #expect(plant.reservations(of: "PO-H-1").map { "\($0.lot):\($0.quantity)" } == ["CAST-A:6.0", "CAST-B:4.0"])
        #expect(plant.reservations(of: "PO-H-1").allSatisfy { $0.operation == 10 && $0.component == "CASTING" })
        #expect(plant.state.availableToReserve(lot: "CAST-B") == 2)

        plant.act(PumpWarehouse.housingOrder("PO-H-2", quantity: 11), by: "pl-paul")
        plant.act(PumpWarehouse.release("PO-H-2"), by: "pl-paul")
        #expect(plant.reservations(of: "PO-H-2").map { "\($0.lot):\($0.quantity)" } == ["CAST-B:2.0", "CAST-C:6.0", "ALT-1:3.0"])
        #expect(plant.state.stagingTasks.count == 5)
        let stock = plant.state.stock(item: "CASTING")
        #expect(stock.map(\.reserved) == [6, 6, 6])
        #expect(stock.map(\.availableToReserve) == [0, 0, 0])
    }

    @Test("Manual reservations: the planner reserves and unreserves; bad reservations are refused with the numbers")
    func manualReservations() throws {
        var plant = Self.castingStock()
        plant.act(PumpWarehouse.housingOrder("PO-H-1", quantity: 10), by: "pl-paul")
        plant.refused(.reserveLot(ReserveLot(productionOrder: "PO-H-1", lot: "CAST-A")), .conflict, field: "productionOrder", rule: "status")
        plant.act(PumpWarehouse.release("PO-H-1"), by: "pl-paul")
        let first = try #require(plant.reservations(of: "PO-H-1").first)
        plant.act(.unreserveLot(UnreserveLot(reservation: first.id, reason: "Keep CAST-A for the rush order")), by: "pl-paul")
        #expect(plant.state.stagingTasks[try #require(first.stagingTask)]?.status == .cancelled)
        #expect(plant.state.availableToReserve(lot: "CAST-A") == 6)
        plant.refused(.unreserveLot(UnreserveLot(reservation: first.id, reason: "again")), .notFound, field: "reservation", rule: "not-found")

        let tooMany = plant.refused(
            .reserveLot(ReserveLot(productionOrder: "PO-H-1", lot: "CAST-B", quantity: 3)),
            .invalid,
            field: "quantity",
            rule: "exceeds-available"
        )
        #expect(tooMany == "lot 'CAST-B' has 2 ea free to reserve (6 in the lot, 4 reserved); 3 is too many")
        let need = plant.refused(
            .reserveLot(ReserveLot(productionOrder: "PO-H-1", lot: "CAST-C", quantity: 6.5)),
            .invalid,
            field: "quantity",
            rule: "exceeds-need"
        )
        #expect(need == "PO-H-1 still needs 6 ea of CASTING; 6.5 is more than that")
        plant.act(.createLot(NewLot(id: "PUMP-SN-1", item: "PUMP", quantity: 1, location: "LOC-SHIP")), by: "wh-wanda")
        let wrong = plant.refused(
            .reserveLot(ReserveLot(productionOrder: "PO-H-1", lot: "PUMP-SN-1")),
            .invalid,
            field: "lot",
            rule: "not-a-component"
        )
        #expect(wrong == "lot 'PUMP-SN-1' is PUMP, which is not in the bill of materials of HOUSING (it takes CASTING) nor an approved substitute")
        plant.refused(.reserveLot(ReserveLot(productionOrder: "PO-H-1", lot: "CAST-404")), .notFound, field: "lot", rule: "not-found")
        plant.act(PumpWarehouse.hold("CAST-C"), by: "qa-quinn")
        let held = plant.refused(.reserveLot(ReserveLot(productionOrder: "PO-H-1", lot: "CAST-C")), .conflict, field: "lot", rule: "on-hold")
        #expect(held == "lot 'CAST-C' is on hold; it cannot be reserved until quality releases it")

        // Without a quantity, what the lot has free up to what the order needs.
        plant.act(.reserveLot(ReserveLot(productionOrder: "PO-H-1", lot: "ALT-1")), by: "pl-paul")
        #expect(plant.reservations(of: "PO-H-1").map { "\($0.lot):\($0.quantity)" } == ["CAST-B:4.0", "ALT-1:4.0"])
        plant.act(.reserveLot(ReserveLot(productionOrder: "PO-H-1", lot: "CAST-A")), by: "pl-paul")
        #expect(plant.reservations(of: "PO-H-1").last.map { "\($0.lot):\($0.quantity)" } == "CAST-A:2.0")
        let full = plant.refused(
            .reserveLot(ReserveLot(productionOrder: "PO-H-1", lot: "CAST-A")),
            .conflict,
            field: "productionOrder",
            rule: "fully-reserved"
        )
        #expect(full == "PO-H-1 needs no more CASTING: 10 ea required, 0 consumed, 10 reserved")
    }

    @Test("Consumption uses up the reservation; cancelling the order releases the rest and cancels its staging tasks")
    func consumptionAndCancellationRelease() throws {
        var plant = Self.castingStock()
        plant.act(PumpWarehouse.housingOrder("PO-H-1", quantity: 10), by: "pl-paul")
        plant.act(PumpWarehouse.release("PO-H-1"), by: "pl-paul")
        plant.act(
            .overrideInterlock(
                OverrideInterlock(
                    productionOrder: "PO-H-1",
                    operation: 10,
                    interlock: .materialNotStaged,
                    reason: "Castings come straight from the store for this trial"
                )
            ),
            by: nil
        )
        plant.act(
            .overrideInterlock(
                OverrideInterlock(
                    productionOrder: "PO-H-1",
                    operation: 10,
                    interlock: .lotNotAtLineSide,
                    reason: "Castings come straight from the store for this trial"
                )
            ),
            by: nil
        )
        plant.act(.startOperation(StartOperation(productionOrder: "PO-H-1", operation: 10)), by: nil)
        plant.act(.consumeLot(ConsumeLot(productionOrder: "PO-H-1", operation: 10, lot: "CAST-A", quantity: 6)), by: nil)
        #expect(plant.reservations(of: "PO-H-1").map { "\($0.lot):\($0.quantity)" } == ["CAST-B:4.0"])
        #expect(plant.state.reservationsByLot["CAST-A"] == nil)
        // Consuming a lot it had not reserved still leaves no more reserved than the order needs.
        plant.act(.consumeLot(ConsumeLot(productionOrder: "PO-H-1", operation: 10, lot: "CAST-C", quantity: 1)), by: nil)
        #expect(plant.reservations(of: "PO-H-1").map { "\($0.lot):\($0.quantity)" } == ["CAST-B:3.0"])
        let task = try #require(plant.state.stagingTasks.values.first { $0.lot == "CAST-B" && $0.productionOrder == "PO-H-1" })
        #expect(task.quantity == 3)

        plant.act(.cancelProductionOrder(CancelProductionOrder(productionOrder: "PO-H-1", reason: "Customer withdrew")), by: "pl-paul")
        #expect(plant.reservations(of: "PO-H-1").isEmpty)
        #expect(plant.state.stagingTasks[task.id]?.status == .cancelled)
        #expect(plant.state.availableToReserve(lot: "CAST-B") == 6)
    }

    // MARK: Staging

    @Test("A staging task brings CAST-A to lathe 1's line side an hour before the scheduled start, and the material interlock passes")
    func stagingPassesInterlock() throws {
        var plant = PumpWarehouse()
        plant.act(PumpWarehouse.receive("CAST-A", quantity: 12), by: "wh-wanda")
        plant.act(.moveLot(MoveLot(lot: "CAST-A", to: "LOC-STORE")), by: "wh-wanda")
        plant.act(PumpWarehouse.housingOrder("PO-H-1", quantity: 10), by: "pl-paul")
        plant.act(PumpWarehouse.release("PO-H-1"), by: "pl-paul")
        let start = day(1).addingTimeInterval(8 * 3600)
        plant.act(PumpWarehouse.publish("SCH-1", [PumpWarehouse.step("PO-H-1", start: start)]), by: "pl-paul")

        let view = try #require(plant.state.stagingTasks(productionOrder: "PO-H-1").first)
        #expect(view.from == "LOC-STORE" && view.workCenter == "WC-LATHE-1" && view.to == "LS-LATHE-1")
        #expect(view.scheduledStart == start)
        #expect(view.neededBy == start.addingTimeInterval(-3600))
        let blockers = plant.state.startBlockers(productionOrder: "PO-H-1", operation: 10, workCenter: "WC-LATHE-1", operator: nil, now: plant.clock)
        #expect(blockers.map(\.rule) == ["material-not-staged"])

        // The schedule moves: needed-by follows it.
        plant.act(PumpWarehouse.publish("SCH-2", [PumpWarehouse.step("PO-H-1", start: start.addingTimeInterval(2 * 3600))]), by: "pl-paul")
        #expect(plant.state.stagingTasks(productionOrder: "PO-H-1").first?.neededBy == start.addingTimeInterval(3600))

        let id = view.task.id
        plant.act(.pickStagingTask(StagingTaskRef(stagingTask: id)), by: "wh-wanda")
        #expect(plant.state.stagingTasks[id]?.status == .picked && plant.state.stagingTasks[id]?.pickedBy == "wh-wanda")
        plant.refused(.pickStagingTask(StagingTaskRef(stagingTask: id)), .conflict, field: "stagingTask", rule: "status")
        let confirmed = plant.act(.confirmStagingTask(ConfirmStagingTask(stagingTask: id)), by: "wh-wanda")
        #expect(confirmed.map(\.typeName) == ["lotMoved", "stagingTaskConfirmed"])
        #expect(plant.state.lots["CAST-A"]?.location == "LS-LATHE-1")
        #expect(plant.state.stagingTasks[id]?.status == .staged && plant.state.stagingTasks[id]?.stagedTo == "LS-LATHE-1")
        #expect(
            plant.state.startBlockers(productionOrder: "PO-H-1", operation: 10, workCenter: "WC-LATHE-1", operator: nil, now: plant.clock).isEmpty
        )
        plant.refused(.confirmStagingTask(ConfirmStagingTask(stagingTask: id)), .conflict, field: "stagingTask", rule: "status")
        plant.refused(.confirmStagingTask(ConfirmStagingTask(stagingTask: "STG-999999")), .notFound, field: "stagingTask", rule: "not-found")
    }

    @Test("A held lot cannot be picked or staged; a short pick corrects the lot to what was found")
    func stagingRefusalsAndShort() throws {
        var plant = PumpWarehouse()
        plant.act(PumpWarehouse.receive("CAST-A", quantity: 12), by: "wh-wanda")
        plant.act(PumpWarehouse.receive("CAST-B", quantity: 12, supplierLot: "GS-2611-0051"), by: "wh-wanda")
        plant.act(PumpWarehouse.housingOrder("PO-H-1", quantity: 10), by: "pl-paul")
        plant.act(PumpWarehouse.release("PO-H-1"), by: "pl-paul")
        let id = try #require(plant.task(of: "PO-H-1")?.id)
        plant.act(PumpWarehouse.hold("CAST-A"), by: "qa-quinn")
        let held = plant.refused(.confirmStagingTask(ConfirmStagingTask(stagingTask: id)), .conflict, field: "stagingTask", rule: "on-hold")
        #expect(held == "lot 'CAST-A' of staging task \(id) is on hold; held lots cannot be staged until quality releases them")
        plant.refused(.pickStagingTask(StagingTaskRef(stagingTask: id)), .conflict, field: "stagingTask", rule: "on-hold")
        plant.act(.setLotStatus(SetLotStatus(lot: "CAST-A", status: .available, reason: "Sister lot cleared")), by: "qa-quinn")

        plant.refused(
            .reportStagingShort(ReportStagingShort(stagingTask: id, foundQuantity: 10)),
            .invalid,
            field: "foundQuantity",
            rule: "not-short"
        )
        plant.refused(
            .reportStagingShort(ReportStagingShort(stagingTask: id, foundQuantity: 0)),
            .invalid,
            field: "foundQuantity",
            rule: "none-found"
        )
        plant.refused(
            .reportStagingShort(ReportStagingShort(stagingTask: id, foundQuantity: -2)),
            .invalid,
            field: "foundQuantity",
            rule: "non-negative"
        )
        plant.act(.reportStagingShort(ReportStagingShort(stagingTask: id, foundQuantity: 7)), by: "wh-wanda")
        #expect(plant.state.lots["CAST-A"]?.quantity == 7)
        #expect(plant.state.stagingTasks[id]?.status == .short)
        #expect(plant.reservations(of: "PO-H-1").map(\.quantity) == [7])
        // The rest is reserved again from the next lot, and the short task is still staged with what was found.
        plant.act(.reserveLot(ReserveLot(productionOrder: "PO-H-1", lot: "CAST-B")), by: "pl-paul")
        #expect(plant.reservations(of: "PO-H-1").map(\.quantity) == [7, 3])
        plant.act(.confirmStagingTask(ConfirmStagingTask(stagingTask: id)), by: "wh-wanda")
        #expect(plant.state.lots["CAST-A"]?.location == "LS-LATHE-1")
    }

    @Test("Pallet P-1042 cannot be found: materialMissing names PO-H-1 operation 10 and when it was due to start")
    func missingPallet() throws {
        var plant = PumpWarehouse()
        plant.act(PumpWarehouse.receive("CAST-A", quantity: 6), by: "wh-wanda")
        plant.act(PumpWarehouse.receive("CAST-B", quantity: 6, supplierLot: "GS-2611-0051"), by: "wh-wanda")
        plant.act(.createHandlingUnit(CreateHandlingUnit(id: "P-1042", location: "LOC-RECV", lots: ["CAST-A", "CAST-B"])), by: "wh-wanda")
        plant.act(.moveHandlingUnit(MoveHandlingUnit(handlingUnit: "P-1042", to: "LOC-STORE")), by: "wh-wanda")
        plant.act(PumpWarehouse.housingOrder("PO-H-1", quantity: 8), by: "pl-paul")
        plant.act(PumpWarehouse.housingOrder("PO-H-2", quantity: 2), by: "pl-paul")
        plant.act(PumpWarehouse.release("PO-H-1"), by: "pl-paul")
        plant.act(PumpWarehouse.release("PO-H-2"), by: "pl-paul")
        let start1 = day(1).addingTimeInterval(8 * 3600)
        let start2 = day(1).addingTimeInterval(12 * 3600)
        plant.act(
            PumpWarehouse.publish("SCH-1", [PumpWarehouse.step("PO-H-1", start: start1), PumpWarehouse.step("PO-H-2", start: start2)]),
            by: "pl-paul"
        )

        #expect(plant.state.stagingTasks(productionOrder: "PO-H-1").map(\.handlingUnit) == ["P-1042", "P-1042"])
        let events = plant.act(.reportMaterialMissing(ReportMaterialMissing(handlingUnit: "P-1042", note: "Not at bin A-04-2")), by: "wh-wanda")
        let missing = try #require(events.first?.missing)
        #expect(missing.lots == ["CAST-A", "CAST-B"] && missing.handlingUnit == "P-1042" && missing.location == "LOC-STORE")
        #expect(
            missing.affected == [
                AffectedOperation(productionOrder: "PO-H-1", operation: 10, start: start1, dueDate: day(10), quantity: 8),
                AffectedOperation(productionOrder: "PO-H-2", operation: 10, start: start2, dueDate: day(10), quantity: 2),
            ]
        )
        #expect(plant.reservations(of: "PO-H-1").isEmpty)
        #expect(plant.state.stagingTasks.values.allSatisfy { $0.status == .missing })
        #expect(plant.state.stock(location: "LOC-STORE").allSatisfy { $0.missing && $0.availableToReserve == 0 })
        let again = plant.refused(.reserveLot(ReserveLot(productionOrder: "PO-H-1", lot: "CAST-A")), .conflict, field: "lot", rule: "missing")
        #expect(again?.hasPrefix("lot 'CAST-A' was reported missing at ") == true)
        plant.refused(.reportMaterialMissing(ReportMaterialMissing(lot: "CAST-A")), .conflict, field: "lot", rule: "already-missing")
        plant.refused(
            .reportMaterialMissing(ReportMaterialMissing(handlingUnit: "P-1042", lot: "CAST-A")),
            .invalid,
            field: "stagingTask",
            rule: "one-of"
        )

        // Found in the wrong aisle: moving it clears the report.
        plant.act(.moveHandlingUnit(MoveHandlingUnit(handlingUnit: "P-1042", to: "LOC-RECV")), by: "wh-wanda")
        #expect(plant.state.missingLots.isEmpty)
        #expect(plant.state.availableToReserve(lot: "CAST-A") == 6)
    }

    @Test("A staging task reported missing names its order even when unscheduled")
    func missingTask() throws {
        var plant = PumpWarehouse()
        plant.act(PumpWarehouse.receive("CAST-A", quantity: 12), by: "wh-wanda")
        plant.act(PumpWarehouse.housingOrder("PO-H-1", quantity: 5, due: day(4)), by: "pl-paul")
        plant.act(PumpWarehouse.release("PO-H-1"), by: "pl-paul")
        let id = try #require(plant.task(of: "PO-H-1")?.id)
        let events = plant.act(.reportMaterialMissing(ReportMaterialMissing(stagingTask: id)), by: "wh-wanda")
        #expect(
            events.first?.missing?.affected == [AffectedOperation(productionOrder: "PO-H-1", operation: 10, start: nil, dueDate: day(4), quantity: 5)]
        )
        #expect(plant.state.stagingTasks[id]?.status == .missing)
        plant.refused(.reportMaterialMissing(ReportMaterialMissing(stagingTask: id)), .conflict, field: "stagingTask", rule: "status")
    }

    // MARK: Projected availability

    @Test("A casting shortage is projected when the schedule is published, names PO-H-2 and when, and resolves when a receipt is expected")
    func projectedShortage() throws {
        var plant = PumpWarehouse()
        plant.act(PumpWarehouse.receive("CAST-A", quantity: 10), by: "wh-wanda")
        plant.act(PumpWarehouse.housingOrder("PO-H-1", quantity: 8, due: day(5)), by: "pl-paul")
        plant.act(PumpWarehouse.housingOrder("PO-H-2", quantity: 6, due: day(6)), by: "pl-paul")
        let start1 = day(1).addingTimeInterval(8 * 3600)
        let start2 = day(2).addingTimeInterval(8 * 3600)
        let published = plant.act(
            PumpWarehouse.publish("SCH-1", [PumpWarehouse.step("PO-H-1", start: start1), PumpWarehouse.step("PO-H-2", start: start2)]),
            by: "pl-paul"
        )
        #expect(published.map(\.typeName) == ["shortageProjected", "schedulePublished"])
        let shortage = try #require(published.first?.shortage)
        #expect(
            shortage
                == ProjectedShortage(
                    item: "CASTING",
                    from: start2,
                    shortBy: 4,
                    affected: [
                        AffectedOperation(productionOrder: "PO-H-2", operation: 10, start: start2, dueDate: day(6), quantity: 4)
                    ]
                )
        )
        #expect(plant.state.shortages["CASTING"] == shortage)

        let projection = plant.state.projectedAvailability(item: "CASTING", now: plant.clock)
        #expect(projection.map(\.kind) == [.stock, .requirement, .requirement])
        #expect(projection.map(\.projected) == [10, 2, -4])
        #expect(projection.last?.productionOrder == "PO-H-2" && projection.last?.scheduled == true)

        // The same shortage is not recorded twice.
        #expect(plant.act(.checkMaterial(CheckMaterial()), by: "pl-paul").isEmpty)
        plant.act(PumpWarehouse.release("PO-H-1"), by: "pl-paul")
        #expect(plant.state.shortages["CASTING"] == shortage)

        // Castings expected the day before PO-H-2 starts: resolved.
        let expected = plant.act(
            .expectReceipt(ExpectReceipt(item: "CASTING", quantity: 5, expectedDate: day(2), supplier: "Giesserei Sauerland", reference: "PO-4711")),
            by: "pl-paul"
        )
        #expect(expected.map(\.typeName) == ["receiptExpected", "shortageResolved"])
        #expect(plant.state.shortages.isEmpty)
        #expect(plant.state.projectedAvailability(item: "CASTING", now: plant.clock).map(\.projected) == [10, 2, 7, 1])

        // Cancelled, the shortage is back; a smaller receipt leaves a smaller one, recorded in its new shape.
        plant.act(.cancelExpectedReceipt(CancelExpectedReceipt(expectedReceipt: "ER-000001", reason: "Foundry cannot deliver")), by: "pl-paul")
        #expect(plant.state.shortages["CASTING"] == shortage)
        plant.act(
            .expectReceipt(ExpectReceipt(item: "CASTING", quantity: 2, expectedDate: day(1), supplier: "Giesserei Sauerland", reference: "PO-4713")),
            by: "pl-paul"
        )
        #expect(plant.state.shortages["CASTING"]?.shortBy == 2)
        plant.refused(.checkMaterial(CheckMaterial(items: ["BRONZE"])), .invalid, field: "items[0]", rule: "unknown-reference")
    }

    @Test("An unscheduled order's requirement falls on its due date, and a reserved substitute carries its share")
    func unscheduledAndSubstitutes() throws {
        var plant = PumpWarehouse()
        plant.act(PumpWarehouse.receive("ALT-1", "CASTING-ALT", quantity: 3, supplierLot: "FN-17"), by: "wh-wanda")
        plant.act(PumpWarehouse.housingOrder("PO-H-1", quantity: 5, due: day(3)), by: "pl-paul")
        let released = plant.act(PumpWarehouse.release("PO-H-1"), by: "pl-paul")
        let shortage = try #require(released.compactMap(\.shortage).first)
        #expect(
            shortage
                == ProjectedShortage(
                    item: "CASTING",
                    from: day(3),
                    shortBy: 2,
                    affected: [
                        AffectedOperation(productionOrder: "PO-H-1", operation: 10, start: nil, dueDate: day(3), quantity: 2)
                    ]
                )
        )
        #expect(plant.state.projectedAvailability(item: "CASTING-ALT", now: plant.clock).map(\.projected) == [3, 0])
    }

    // MARK: Shipping

    @Test("Finished pumps ship to Stadtwerke Nordhafen in two shipments; a held pump and an over-shipment are refused")
    func shipping() throws {
        var plant = PumpWarehouse()
        let line = SalesOrderLine(line: 1, item: "PUMP", quantity: 3, requestedDate: day(7))
        let spare = SalesOrderLine(line: 2, item: "HOUSING", quantity: 1, requestedDate: day(7))
        plant.act(.createSalesOrder(NewSalesOrder(id: "SO-1", customer: "CUST-1", lines: [line, spare])), by: nil)
        for n in 1...4 { plant.act(.createLot(NewLot(id: Lot.ID("PUMP-SN-\(n)"), item: "PUMP", quantity: 1, location: "LOC-SHIP")), by: "wh-wanda") }
        plant.act(.createLot(NewLot(id: "HSG-1", item: "HOUSING", quantity: 1, location: "LOC-SHIP")), by: "wh-wanda")
        plant.act(PumpWarehouse.hold("PUMP-SN-4"), by: "qa-quinn")

        let held = plant.refused(.shipLots(ShipLots(salesOrder: "SO-1", line: 1, lots: ["PUMP-SN-4"])), .conflict, field: "lots[0]", rule: "on-hold")
        #expect(held == "lot 'PUMP-SN-4' is on hold; held lots cannot be shipped until quality releases them")
        let wrong = plant.refused(
            .shipLots(ShipLots(salesOrder: "SO-1", line: 1, lots: ["HSG-1"])),
            .invalid,
            field: "lots[0]",
            rule: "item-mismatch"
        )
        #expect(wrong == "lot 'HSG-1' is HOUSING; line 1 of SO-1 is for PUMP")
        plant.refused(.shipLots(ShipLots(salesOrder: "SO-1", line: 1, lots: ["PUMP-SN-404"])), .invalid, field: "lots[0]", rule: "unknown-reference")
        plant.refused(.shipLots(ShipLots(salesOrder: "SO-1", line: 9, lots: ["PUMP-SN-1"])), .notFound, field: "line", rule: "not-found")
        plant.refused(.shipLots(ShipLots(salesOrder: "SO-404", line: 1, lots: ["PUMP-SN-1"])), .notFound, field: "salesOrder", rule: "not-found")

        let first = plant.act(.shipLots(ShipLots(salesOrder: "SO-1", line: 1, lots: ["PUMP-SN-1"])), by: "wh-wanda")
        #expect(first.map(\.typeName) == ["lotsShipped"])
        let shipment = try #require(plant.state.shipments["SHP-000001"])
        #expect(shipment.customer == "CUST-1" && shipment.lots == [ShipmentLot(lot: "PUMP-SN-1", quantity: 1)] && shipment.by == "wh-wanda")
        #expect(plant.state.lots["PUMP-SN-1"]?.status == .shipped)
        #expect(plant.state.shipmentByLot["PUMP-SN-1"] == "SHP-000001")
        let again = plant.refused(
            .shipLots(ShipLots(salesOrder: "SO-1", line: 1, lots: ["PUMP-SN-1"])),
            .conflict,
            field: "lots[0]",
            rule: "already-shipped"
        )
        #expect(again == "lot 'PUMP-SN-1' was already shipped in SHP-000001")

        plant.act(.setLotStatus(SetLotStatus(lot: "PUMP-SN-4", status: .available, reason: "Retested, passed")), by: "qa-quinn")
        let over = plant.refused(
            .shipLots(ShipLots(salesOrder: "SO-1", line: 1, lots: ["PUMP-SN-2", "PUMP-SN-3", "PUMP-SN-4"])),
            .conflict,
            field: "lots",
            rule: "exceeds-open-quantity"
        )
        #expect(over == "line 1 of SO-1 has 2 ea of PUMP open (3 ordered, 1 shipped); these lots hold 3")
        plant.act(.shipLots(ShipLots(salesOrder: "SO-1", line: 1, lots: ["PUMP-SN-2", "PUMP-SN-3"])), by: "wh-wanda")
        #expect(plant.state.salesOrders["SO-1"]?.status == .open)  // the spare housing is still to ship
        let last = plant.act(.shipLots(ShipLots(salesOrder: "SO-1", line: 2, lots: ["HSG-1"])), by: "wh-wanda")
        #expect(last.map(\.typeName) == ["lotsShipped", "salesOrderShipped"])
        #expect(plant.state.salesOrders["SO-1"]?.status == .shipped)
        #expect(plant.state.shippedQuantity(salesOrder: "SO-1", line: 1) == 3)
        plant.refused(.shipLots(ShipLots(salesOrder: "SO-1", line: 1, lots: ["PUMP-SN-4"])), .conflict, field: "salesOrder", rule: "status")
    }

    // MARK: Roles, wire format, replay

    @Test("Warehouse work is for the warehouse, planning for planners")
    func roles() {
        let receive = PumpWarehouse.receive("CAST-1")
        #expect(receive.allowedRoles.contains(.warehouse) && !receive.allowedRoles.contains(.operator))
        #expect(Command.shipLots(ShipLots(salesOrder: "SO-1", line: 1, lots: [])).allowedRoles == [.admin, .warehouse])
        #expect(Command.reserveLot(ReserveLot(productionOrder: "PO-1", lot: "L")).allowedRoles == [.admin, .planner])
        #expect(Command.checkMaterial(CheckMaterial()).allowedRoles.contains(.warehouse))
        #expect(Command.typeNames.count == Set(Command.typeNames).count)
        #expect(Event.typeNames.count == Set(Event.typeNames).count)
    }

    @Test("Replaying the warehouse's events, through their stored JSON, into a fresh state gives an equal state")
    func replay() throws {
        var plant = Self.castingStock()
        plant.act(.createHandlingUnit(CreateHandlingUnit(id: "P-1042", location: "LOC-STORE", lots: ["CAST-A", "CAST-B"])), by: "wh-wanda")
        plant.act(
            .expectReceipt(
                ExpectReceipt(
                    item: "CASTING",
                    quantity: 5,
                    expectedDate: day(9).addingTimeInterval(0.7),
                    supplier: "Giesserei Sauerland",
                    reference: "PO-4711"
                )
            ),
            by: "pl-paul"
        )
        plant.act(PumpWarehouse.housingOrder("PO-H-1", quantity: 10), by: "pl-paul")
        plant.act(PumpWarehouse.housingOrder("PO-H-2", quantity: 20), by: "pl-paul")
        plant.act(PumpWarehouse.release("PO-H-1"), by: "pl-paul")
        plant.act(
            PumpWarehouse.publish("SCH-1", [PumpWarehouse.step("PO-H-1", start: day(4)), PumpWarehouse.step("PO-H-2", start: day(5))]),
            by: "pl-paul"
        )
        plant.act(.splitHandlingUnit(SplitHandlingUnit(handlingUnit: "P-1042", newHandlingUnit: "B-7", lots: ["CAST-B"])), by: "wh-wanda")
        plant.act(.reportMaterialMissing(ReportMaterialMissing(handlingUnit: "B-7")), by: "wh-wanda")
        let task = try #require(plant.state.stagingTasks.values.filter { $0.status == .open }.min { $0.id < $1.id })
        plant.act(.confirmStagingTask(ConfirmStagingTask(stagingTask: task.id)), by: "wh-wanda")
        plant.act(PumpWarehouse.receive("CAST-D", quantity: 5, expected: "ER-000001"), by: "wh-wanda")
        plant.act(.checkMaterial(CheckMaterial()), by: "pl-paul")
        plant.act(
            .createSalesOrder(
                NewSalesOrder(id: "SO-1", customer: "CUST-1", lines: [SalesOrderLine(line: 1, item: "PUMP", quantity: 1, requestedDate: day(7))])
            ),
            by: nil
        )
        plant.act(.createLot(NewLot(id: "PUMP-SN-1", item: "PUMP", quantity: 1, location: "LOC-SHIP")), by: "wh-wanda")
        plant.act(.shipLots(ShipLots(salesOrder: "SO-1", line: 1, lots: ["PUMP-SN-1"])), by: "wh-wanda")
        #expect(plant.log.contains { $0.typeName == "shortageProjected" })

        var fresh = PlantState()
        for (i, event) in plant.log.enumerated() {
            let payload = try event.encodePayload(TaktJSON.encoder)
            fresh.apply(try Event(type: event.typeName, payload: payload, decoder: TaktJSON.decoder), sequence: Int64(i + 1))
        }
        #expect(fresh == plant.state)

        // Commands survive their wire format too.
        let commands: [Command] = [
            PumpWarehouse.receive("CAST-X", expected: "ER-1"),
            .expectReceipt(ExpectReceipt(item: "CASTING", quantity: 1, expectedDate: day(1), supplier: "S", reference: "R")),
            .splitHandlingUnit(SplitHandlingUnit(handlingUnit: "P-1", newHandlingUnit: "P-2", kind: .box, lots: ["L"])),
            .reportMaterialMissing(ReportMaterialMissing(handlingUnit: "P-1")), .checkMaterial(CheckMaterial(items: ["CASTING"])),
            .shipLots(ShipLots(salesOrder: "SO-1", line: 1, lots: ["L"])),
        ]
        for command in commands {
            let data = try TaktJSON.encoder.encode(command)
            #expect(try TaktJSON.decoder.decode(Command.self, from: data) == command)
        }
    }
}
