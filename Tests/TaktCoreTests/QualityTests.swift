import Foundation
import TaktCore
import Testing

/// The pump plant's quality cell: housings are turned on WC-LATHE-1 (operation 10) and drilled on WC-DRILL-1
/// (operation 20) from purchased castings; pumps are assembled on WC-ASSY-1 from housings.
///
/// Inspection plan IP-HOUSING-TURN (unless left out) checks the first turned housing: bore diameter
/// 52.00–52.05 mm and no porosity. People: Anna (operator), Sara (supervisor), Quinn (quality).
/// Every accepted event is kept in `log`, so a test can replay the plant from it.
struct PumpQuality {
    var state = PlantState()
    var log: [Event] = []
    var clock = testNow.addingTimeInterval(6 * 3600)  // 06:00 UTC

    static let housingOrder: ProductionOrder.ID = "PO-H-1"
    static let plan: InspectionPlan.ID = "IP-HOUSING-TURN"

    init(plan: Bool = true) {
        let shift = Shift(name: "Early", days: Weekday.allCases, start: "06:00", end: "14:00")
        act(.defineSite(Site(id: "PLANT-1", name: "Pump plant", timeZone: "UTC")), by: nil)
        for (id, name, kind) in [
            ("WC-LATHE-1", "CNC lathe 1", WorkCenterKind.machining), ("WC-DRILL-1", "Drill 1", .machining),
            ("WC-ASSY-1", "Assembly line 1", .assembly),
        ] {
            act(.defineWorkCenter(WorkCenter(id: .init(id), name: name, site: "PLANT-1", kind: kind, shifts: [shift])), by: nil)
        }
        act(.defineLocation(Location(id: "LOC-STORE", name: "Main store", site: "PLANT-1", kind: .store)), by: nil)
        act(.defineLocation(Location(id: "LOC-QUARANTINE", name: "Quarantine", site: "PLANT-1", kind: .quarantine)), by: nil)
        act(.defineLocation(Location(id: "LOC-SHIPPING", name: "Shipping dock", site: "PLANT-1", kind: .shipping)), by: nil)
        act(.defineItem(Item(id: "PUMP", name: "Pump 50-200", kind: .finished)), by: nil)
        act(.defineItem(Item(id: "HOUSING", name: "Machined housing 50-200", kind: .semiFinished)), by: nil)
        act(.defineItem(Item(id: "CASTING", name: "Housing casting 50-200", kind: .purchased)), by: nil)
        act(.defineBOM(BOM(id: "BOM-PUMP", item: "PUMP", components: [.init(item: "HOUSING", quantity: 1)])), by: nil)
        act(.defineBOM(BOM(id: "BOM-HOUSING", item: "HOUSING", components: [.init(item: "CASTING", quantity: 1)])), by: nil)
        act(
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
                            workCenters: [.init(workCenter: "WC-DRILL-1", setupMinutes: 10, runMinutesPerUnit: 4)]
                        ),
                    ]
                )
            ),
            by: nil
        )
        act(.defineRouting(TestPlant.routing("RT-PUMP", item: "PUMP", on: "WC-ASSY-1")), by: nil)
        act(.defineCustomer(Customer(id: "CUST-1", name: "Stadtwerke Nordhafen", priority: 2)), by: nil)
        act(.createUser(User(id: "op-anna", name: "Anna Berger", roles: [.operator])), by: nil)
        act(.createUser(User(id: "sup-sara", name: "Sara Lind", roles: [.supervisor])), by: nil)
        act(.createUser(User(id: "qa-quinn", name: "Quinn Hale", roles: [.quality])), by: nil)
        act(TestPlant.castingLot("CAST-1", quantity: 20, supplierLot: "GS-2611-0042"), by: nil)
        act(TestPlant.castingLot("CAST-2", quantity: 20, supplierLot: "GS-2611-0077"), by: nil)
        if plan {
            act(
                .defineInspectionPlan(
                    InspectionPlan(
                        id: PumpQuality.plan,
                        name: "First housing off the lathe",
                        item: "HOUSING",
                        operation: 10,
                        characteristics: [
                            .variable("bore-diameter", "Bore diameter", lower: 52.00, upper: 52.05, unit: "mm", target: 52.02),
                            .attribute("porosity", "No visible porosity"),
                        ]
                    )
                ),
                by: "qa-quinn"
            )
        }
    }

    mutating func wait(_ minutes: Double) { clock = clock.addingTimeInterval(minutes * 60) }

    /// `by` does `command` now; a refusal is a test failure.
    @discardableResult
    mutating func act(_ command: Command, by actor: User.ID?, sourceLocation: SourceLocation = #_sourceLocation) -> [Event] {
        do {
            let events = try state.decide(command, actor: actor, now: clock)
            for event in events {
                state.apply(event, sequence: state.sequence + 1)
                log.append(event)
            }
            return events
        } catch {
            Issue.record("\(command.typeName) by \(actor?.rawValue ?? "system") was refused: \(error)", sourceLocation: sourceLocation)
            return []
        }
    }

    /// Applies `event` as if it had been recorded (for what this branch has no command for, such as shipping).
    mutating func record(_ event: Event) {
        state.apply(event, sequence: state.sequence + 1)
        log.append(event)
    }

    /// The refusal of `command` by `actor` now, which must name `rule`; returns its message.
    @discardableResult
    func refused(_ command: Command, by actor: User.ID?, rule: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        do {
            _ = try state.decide(command, actor: actor, now: clock)
            Issue.record(
                "\(command.typeName) by \(actor?.rawValue ?? "system") was accepted; expected a refusal [\(rule)]",
                sourceLocation: sourceLocation
            )
            return nil
        } catch {
            let violation = error.violations.first { $0.rule == rule }
            #expect(violation != nil, "expected [\(rule)] in \(error)", sourceLocation: sourceLocation)
            return violation?.message
        }
    }

    /// Releases housing order `id` of `quantity` and has Anna start turning it (consuming castings from CAST-1).
    mutating func startTurning(_ id: ProductionOrder.ID = housingOrder, quantity: Double = 4) {
        act(.createProductionOrder(NewProductionOrder(id: id, item: "HOUSING", quantity: quantity, dueDate: day(5))), by: nil)
        act(.releaseProductionOrder(ProductionOrderRef(productionOrder: id)), by: "sup-sara")
        if state.clockedIn["op-anna"]?.workCenter != "WC-LATHE-1" { act(.clockIn(ClockInCommand(workCenter: "WC-LATHE-1")), by: "op-anna") }
        act(.startOperation(StartOperation(productionOrder: id, operation: 10)), by: "op-anna")
        act(.consumeLot(ConsumeLot(productionOrder: id, operation: 10, lot: "CAST-1", quantity: quantity)), by: "op-anna")
    }

    static func bore(_ value: Double, porosity: Bool = true, order: ProductionOrder.ID = housingOrder) -> Command {
        .recordInspectionResult(
            RecordInspectionResult(
                plan: plan,
                productionOrder: order,
                measurements: [.value("bore-diameter", value), .attribute("porosity", porosity)]
            )
        )
    }
    static func complete(_ order: ProductionOrder.ID, _ sequence: Int, good: Double) -> Command {
        .completeOperation(ReportQuantity(productionOrder: order, operation: sequence, good: good))
    }
    static func start(_ order: ProductionOrder.ID, _ sequence: Int) -> Command {
        .startOperation(StartOperation(productionOrder: order, operation: sequence))
    }
}

@Suite("Quality: inspections, nonconformances, holds")
struct QualityTests {
    // MARK: Inspection plans and results

    @Test("A bore turned to 52.09 mm fails the first-piece inspection and opens a nonconformance at the lathe")
    func outOfLimitsOpensNonconformance() throws {
        var cell = PumpQuality()
        cell.startTurning()
        let events = cell.act(PumpQuality.bore(52.09), by: "op-anna")
        #expect(events.map(\.typeName) == ["inspectionResultRecorded", "nonconformanceOpened"])
        let result = try #require(cell.state.inspectionResults.last)
        #expect(result.id == "IR-000001")
        #expect(!result.passed)
        #expect(result.measurements.map(\.passed) == [false, true])
        #expect((result.by, result.at, result.planRevision) == ("op-anna", cell.clock, 1))
        let nc = try #require(cell.state.nonconformances["NC-000001"])
        #expect(nc.status == .open)
        #expect(nc.severity == .major)
        #expect(nc.inspectionResult == "IR-000001")
        #expect((nc.productionOrder, nc.operation, nc.workCenter) == (PumpQuality.housingOrder, 10, "WC-LATHE-1"))
        #expect(
            nc.description
                == "Inspection IR-000001 to plan 'IP-HOUSING-TURN' revision 1 failed: 'bore-diameter' 52.09 mm is above the upper limit 52.05 mm (sample 1)"
        )

        // Within limits (the limits themselves included) it passes, and opens nothing.
        let passed = cell.act(PumpQuality.bore(52.05), by: "qa-quinn")
        #expect(passed.map(\.typeName) == ["inspectionResultRecorded"])
        #expect(cell.state.inspectionResults.last?.passed == true)
        #expect(cell.state.nonconformances.count == 1)
    }

    @Test(
        "A result without the porosity check, with an unknown characteristic, without a number or with the wrong samples is refused and records nothing"
    )
    func incompleteResultRefused() {
        var cell = PumpQuality()
        cell.startTurning()
        let before = cell.state
        let onlyBore = Command.recordInspectionResult(
            RecordInspectionResult(
                plan: PumpQuality.plan,
                productionOrder: PumpQuality.housingOrder,
                measurements: [.value("bore-diameter", 52.02)]
            )
        )
        let missing = cell.refused(onlyBore, by: "op-anna", rule: "missing-characteristic")
        #expect(missing == "no result for 'porosity' (No visible porosity); plan 'IP-HOUSING-TURN' requires every characteristic")

        let unknown = Command.recordInspectionResult(
            RecordInspectionResult(
                plan: PumpQuality.plan,
                productionOrder: PumpQuality.housingOrder,
                measurements: [
                    .value("bore-diameter", 52.02), .attribute("porosity", true), .value("flatness", 0.01),
                ]
            )
        )
        #expect(
            cell.refused(unknown, by: "op-anna", rule: "unknown-characteristic")
                == "plan 'IP-HOUSING-TURN' revision 1 has no characteristic 'flatness'; it checks bore-diameter, porosity"
        )

        let noNumber = Command.recordInspectionResult(
            RecordInspectionResult(
                plan: PumpQuality.plan,
                productionOrder: PumpQuality.housingOrder,
                measurements: [
                    Measurement(characteristic: "bore-diameter"), .attribute("porosity", true),
                ]
            )
        )
        #expect(
            cell.refused(noNumber, by: "op-anna", rule: "required")
                == "'bore-diameter' (Bore diameter) is a variable characteristic; record the measured value in mm"
        )

        let secondSample = Command.recordInspectionResult(
            RecordInspectionResult(
                plan: PumpQuality.plan,
                productionOrder: PumpQuality.housingOrder,
                measurements: [
                    .value("bore-diameter", 52.02), .value("bore-diameter", 52.03, sample: 2), .attribute("porosity", true),
                ]
            )
        )
        #expect(
            cell.refused(secondSample, by: "op-anna", rule: "sample-count")
                == "sample 2 of 'bore-diameter' is outside 1–1; plan 'IP-HOUSING-TURN' takes 1 sample"
        )

        // Nothing was recorded by any of them.
        #expect(cell.state == before)
        #expect(cell.state.inspectionResults.isEmpty)
        #expect(cell.state.nonconformances.isEmpty)

        // A redefinition with two samples raises the revision; one sample is then too few.
        cell.act(
            .defineInspectionPlan(
                InspectionPlan(
                    id: PumpQuality.plan,
                    name: "First housing off the lathe",
                    item: "HOUSING",
                    operation: 10,
                    characteristics: [
                        .variable("bore-diameter", "Bore diameter", lower: 52.00, upper: 52.05, unit: "mm"),
                        .attribute("porosity", "No visible porosity"),
                    ],
                    sampleSize: 2
                )
            ),
            by: "qa-quinn"
        )
        #expect(cell.state.inspectionPlans[PumpQuality.plan]?.revision == 2)
        #expect(
            cell.refused(PumpQuality.bore(52.02), by: "op-anna", rule: "sample-count")
                == "'bore-diameter' has 1 of 2 samples; sample 2 is missing"
        )
    }

    @Test("Plans are checked: a variable needs limits in order, an attribute takes none, the operation must exist, every-n needs its units")
    func planRules() {
        let cell = PumpQuality(plan: false)
        func plan(
            _ characteristics: [Characteristic],
            operation: Int? = 10,
            frequency: InspectionFrequency = .firstPiece,
            every: Double? = nil
        ) -> Command {
            .defineInspectionPlan(
                InspectionPlan(
                    id: "IP-X",
                    name: "Check",
                    item: "HOUSING",
                    operation: operation,
                    characteristics: characteristics,
                    frequency: frequency,
                    everyUnits: every
                )
            )
        }
        cell.refused(plan([Characteristic(id: "bore", name: "Bore", kind: .variable, unit: "mm")]), by: "qa-quinn", rule: "required")
        #expect(
            cell.refused(plan([.variable("bore", "Bore", lower: 52.05, upper: 52.00, unit: "mm")]), by: "qa-quinn", rule: "order")
                == "the upper limit 52 of 'bore' is below its lower limit 52.05"
        )
        cell.refused(plan([Characteristic(id: "burr", name: "No burrs", kind: .attribute, upperLimit: 1)]), by: "qa-quinn", rule: "attribute")
        #expect(
            cell.refused(plan([.attribute("burr", "No burrs")], operation: 30), by: "qa-quinn", rule: "unknown-reference")
                == "no routing of 'HOUSING' has an operation 30"
        )
        cell.refused(plan([.attribute("burr", "No burrs")], frequency: .everyN), by: "qa-quinn", rule: "required")
        cell.refused(plan([]), by: "qa-quinn", rule: "required")
    }

    @Test("A first-piece plan on turning gates drilling until a first housing passes, and the order then completes")
    func firstPieceGatesNextOperation() {
        var cell = PumpQuality()
        cell.startTurning()
        cell.act(PumpQuality.complete(PumpQuality.housingOrder, 10, good: 4), by: "op-anna")
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-DRILL-1")), by: "op-anna")
        let message = cell.refused(PumpQuality.start(PumpQuality.housingOrder, 20), by: "op-anna", rule: Interlock.inspectionNotPassed.rawValue)
        #expect(
            message
                == "operation 10 'Turn housing' needs a passed inspection (plan 'IP-HOUSING-TURN', first piece: no passed result yet) before operation 20 can start"
        )
        #expect(cell.state.inspectionOutstanding(productionOrder: PumpQuality.housingOrder, operation: 10))

        cell.act(PumpQuality.bore(52.08), by: "qa-quinn")  // a failed result keeps drilling waiting
        cell.refused(PumpQuality.start(PumpQuality.housingOrder, 20), by: "op-anna", rule: Interlock.inspectionNotPassed.rawValue)
        cell.act(PumpQuality.bore(52.03), by: "qa-quinn")
        #expect(!cell.state.inspectionOutstanding(productionOrder: PumpQuality.housingOrder, operation: 10))
        cell.act(PumpQuality.start(PumpQuality.housingOrder, 20), by: "op-anna")
        let done = cell.act(PumpQuality.complete(PumpQuality.housingOrder, 20, good: 4), by: "op-anna")
        #expect(done.last?.typeName == "productionOrderCompleted")
    }

    @Test("An every-5 plan on turning asks for one passed result per 5 housings reported, rounded up")
    func everyNUnits() {
        var cell = PumpQuality(plan: false)
        cell.act(
            .defineInspectionPlan(
                InspectionPlan(
                    id: "IP-BORE-5",
                    name: "Bore every 5",
                    item: "HOUSING",
                    operation: 10,
                    characteristics: [.variable("bore-diameter", "Bore diameter", lower: 52.00, upper: 52.05, unit: "mm")],
                    frequency: .everyN,
                    everyUnits: 5
                )
            ),
            by: "qa-quinn"
        )
        cell.startTurning(quantity: 8)
        let bore = Command.recordInspectionResult(
            RecordInspectionResult(plan: "IP-BORE-5", productionOrder: PumpQuality.housingOrder, measurements: [.value("bore-diameter", 52.02)])
        )
        cell.act(bore, by: "op-anna")
        cell.act(PumpQuality.complete(PumpQuality.housingOrder, 10, good: 8), by: "op-anna")
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-DRILL-1")), by: "op-anna")
        let message = cell.refused(PumpQuality.start(PumpQuality.housingOrder, 20), by: "op-anna", rule: Interlock.inspectionNotPassed.rawValue)
        #expect(
            message
                == "operation 10 'Turn housing' needs a passed inspection (plan 'IP-BORE-5', every 5 units: 1 of 2 passed results for 8 reported) before operation 20 can start"
        )
        cell.act(bore, by: "qa-quinn")
        cell.act(PumpQuality.start(PumpQuality.housingOrder, 20), by: "op-anna")
    }

    @Test("An every-lot plan on drilling holds the order's completion until each housing lot has passed; the last pass completes it")
    func everyLot() {
        var cell = PumpQuality(plan: false)
        cell.act(
            .defineInspectionPlan(
                InspectionPlan(
                    id: "IP-FLANGE",
                    name: "Flange holes per lot",
                    item: "HOUSING",
                    operation: 20,
                    characteristics: [.attribute("hole-pattern", "Hole pattern fits gauge G-12")],
                    frequency: .everyLot
                )
            ),
            by: "qa-quinn"
        )
        cell.startTurning()
        cell.act(PumpQuality.complete(PumpQuality.housingOrder, 10, good: 4), by: "op-anna")
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-DRILL-1")), by: "op-anna")
        cell.act(PumpQuality.start(PumpQuality.housingOrder, 20), by: "op-anna")
        for lot: Lot.ID in ["HSG-1", "HSG-2"] {
            cell.act(
                .produceLot(ProduceLot(productionOrder: PumpQuality.housingOrder, operation: 20, lot: lot, quantity: 2, location: "LOC-STORE")),
                by: "op-anna"
            )
        }
        let completed = cell.act(PumpQuality.complete(PumpQuality.housingOrder, 20, good: 4), by: "op-anna")
        #expect(!completed.map(\.typeName).contains("productionOrderCompleted"))
        func gauge(_ lot: Lot.ID) -> Command {
            .recordInspectionResult(RecordInspectionResult(plan: "IP-FLANGE", lot: lot, measurements: [.attribute("hole-pattern", true)]))
        }
        #expect(cell.act(gauge("HSG-1"), by: "qa-quinn").map(\.typeName) == ["inspectionResultRecorded"])
        #expect(cell.state.inspectionResults.last?.productionOrder == PumpQuality.housingOrder)
        #expect(cell.state.inspectionResults.last?.operation == 20)
        #expect(cell.act(gauge("HSG-2"), by: "qa-quinn").map(\.typeName) == ["inspectionResultRecorded", "productionOrderCompleted"])
    }

    @Test("A casting delivery with an incoming inspection plan waits in quarantine until it passes")
    func incomingInspection() {
        var cell = PumpQuality(plan: false)
        cell.act(
            .defineInspectionPlan(
                InspectionPlan(
                    id: "IP-CASTING-IN",
                    name: "Incoming castings",
                    item: "CASTING",
                    characteristics: [.attribute("certificate", "Material certificate 3.1 present")]
                )
            ),
            by: "qa-quinn"
        )
        cell.act(TestPlant.castingLot("CAST-3", quantity: 10, supplierLot: "GS-2611-0101"), by: "sup-sara")
        #expect(cell.state.lots["CAST-3"]?.status == .quarantine)
        let events = cell.act(
            .recordInspectionResult(RecordInspectionResult(plan: "IP-CASTING-IN", lot: "CAST-3", measurements: [.attribute("certificate", true)])),
            by: "qa-quinn"
        )
        #expect(events.map(\.typeName) == ["inspectionResultRecorded", "lotStatusChanged"])
        #expect(cell.state.lots["CAST-3"]?.status == .available)
    }

    // MARK: Nonconformances and dispositions

    @Test("Use-as-is proposed by the supervisor waits for quality's approval; decided by quality it is approved and closed at once")
    func useAsIsNeedsQuality() throws {
        var cell = PumpQuality()
        cell.startTurning()
        cell.act(PumpQuality.bore(52.06), by: "op-anna")
        let useAsIs = Command.dispositionNonconformance(
            DispositionNonconformance(
                nonconformance: "NC-000001",
                disposition: .useAsIs,
                reason: "0.01 mm oversize is within the customer's deviation permit DP-77"
            )
        )
        let proposed = cell.act(useAsIs, by: "sup-sara")
        #expect(proposed.map(\.typeName) == ["nonconformanceDispositioned"])
        let waiting = try #require(cell.state.nonconformances["NC-000001"])
        #expect(waiting.status == .awaitingApproval)
        #expect(waiting.disposition?.decidedBy == "sup-sara")
        #expect(waiting.disposition?.approvedAt == nil)
        #expect(
            cell.refused(.approveDisposition(ApproveDisposition(nonconformance: "NC-000001")), by: "sup-sara", rule: "quality-approval")
                == "a use-as-is disposition is approved by quality, not by sup-sara"
        )
        #expect(!Command.approveDisposition(ApproveDisposition(nonconformance: "NC-000001")).allowedRoles.contains(.supervisor))
        cell.refused(useAsIs, by: "sup-sara", rule: "status")  // one proposal at a time

        let approved = cell.act(.approveDisposition(ApproveDisposition(nonconformance: "NC-000001", note: "Permit checked")), by: "qa-quinn")
        #expect(approved.map(\.typeName) == ["dispositionDecided", "nonconformanceClosed"])
        let closed = try #require(cell.state.nonconformances["NC-000001"])
        #expect(closed.status == .closed)
        #expect(closed.disposition?.approvedBy == "qa-quinn")

        // Decided by quality: approved at once.
        cell.act(PumpQuality.bore(52.07), by: "op-anna")
        let direct = cell.act(
            .dispositionNonconformance(DispositionNonconformance(nonconformance: "NC-000002", disposition: .useAsIs, reason: "Permit DP-77")),
            by: "qa-quinn"
        )
        #expect(direct.map(\.typeName) == ["nonconformanceDispositioned", "nonconformanceClosed"])
        #expect(cell.state.nonconformances["NC-000002"]?.status == .closed)
        #expect(cell.state.nonconformances["NC-000002"]?.disposition?.approvedBy == "qa-quinn")

        // A rejected proposal reopens the nonconformance.
        cell.act(PumpQuality.bore(52.10), by: "op-anna")
        cell.act(
            .dispositionNonconformance(DispositionNonconformance(nonconformance: "NC-000003", disposition: .useAsIs, reason: "Looks fine")),
            by: "sup-sara"
        )
        cell.refused(.approveDisposition(ApproveDisposition(nonconformance: "NC-000003", approved: false)), by: "qa-quinn", rule: "required")
        cell.act(
            .approveDisposition(ApproveDisposition(nonconformance: "NC-000003", approved: false, note: "0.05 mm is beyond the permit")),
            by: "qa-quinn"
        )
        #expect(cell.state.nonconformances["NC-000003"]?.status == .open)
        #expect(cell.state.nonconformances["NC-000003"]?.disposition == nil)
    }

    @Test(
        "Burrs on a finished housing lot: rework reopens the order with an operation that runs through start, report and complete, and closes the NC"
    )
    func reworkOperation() throws {
        var cell = PumpQuality(plan: false)
        cell.startTurning()
        cell.act(PumpQuality.complete(PumpQuality.housingOrder, 10, good: 4), by: "op-anna")
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-DRILL-1")), by: "op-anna")
        cell.act(PumpQuality.start(PumpQuality.housingOrder, 20), by: "op-anna")
        cell.act(
            .produceLot(ProduceLot(productionOrder: PumpQuality.housingOrder, operation: 20, lot: "HSG-1", quantity: 4, location: "LOC-STORE")),
            by: "op-anna"
        )
        cell.act(PumpQuality.complete(PumpQuality.housingOrder, 20, good: 4), by: "op-anna")
        #expect(cell.state.productionOrders[PumpQuality.housingOrder]?.status == .completed)

        cell.act(
            .openNonconformance(
                OpenNonconformance(description: "Burrs on the flange holes", severity: .minor, lots: ["HSG-1"], location: "LOC-STORE")
            ),
            by: "sup-sara"
        )
        #expect(
            cell.refused(
                .dispositionNonconformance(DispositionNonconformance(nonconformance: "NC-000001", disposition: .rework, reason: "Deburr")),
                by: "qa-quinn",
                rule: "required"
            ) == "name the work center where NC-000001 is reworked"
        )
        let events = cell.act(
            .dispositionNonconformance(
                DispositionNonconformance(
                    nonconformance: "NC-000001",
                    disposition: .rework,
                    reason: "Deburr flange holes",
                    workCenter: "WC-DRILL-1"
                )
            ),
            by: "qa-quinn"
        )
        #expect(events.map(\.typeName) == ["nonconformanceDispositioned", "reworkOperationAdded"])
        #expect(cell.state.productionOrders[PumpQuality.housingOrder]?.status == .inProgress)
        let rework = try #require(cell.state.operations[PumpQuality.housingOrder]?.last)
        #expect((rework.sequence, rework.name, rework.reworkOf, rework.status) == (21, "Rework NC-000001", "NC-000001", .waiting))
        #expect(cell.state.nonconformances["NC-000001"]?.status == .inRework)
        #expect(cell.state.nonconformances["NC-000001"]?.reworkOperation == 21)

        let started = cell.act(PumpQuality.start(PumpQuality.housingOrder, 21), by: "op-anna")
        #expect(started.map(\.typeName).contains("operationStarted"))
        cell.act(.reportQuantity(ReportQuantity(productionOrder: PumpQuality.housingOrder, operation: 21, good: 3)), by: "op-anna")
        let done = cell.act(PumpQuality.complete(PumpQuality.housingOrder, 21, good: 1), by: "op-anna")
        #expect(
            done.map(\.typeName) == [
                "quantityReported", "operationCompleted", "machineStateChanged", "productionOrderCompleted", "nonconformanceClosed",
            ]
        )
        #expect(cell.state.productionOrders[PumpQuality.housingOrder]?.status == .completed)
        #expect(cell.state.nonconformances["NC-000001"]?.status == .closed)
    }

    @Test("Scrap and return to supplier change the lots' status and close the NC; a made lot cannot go back to a supplier")
    func scrapAndReturn() {
        var cell = PumpQuality(plan: false)
        cell.act(
            .openNonconformance(
                OpenNonconformance(
                    description: "Cracked castings in delivery GS-2611-0077",
                    severity: .critical,
                    lots: ["CAST-2"],
                    location: "LOC-STORE"
                )
            ),
            by: "op-anna"
        )
        let returned = cell.act(
            .dispositionNonconformance(
                DispositionNonconformance(
                    nonconformance: "NC-000001",
                    disposition: .returnToSupplier,
                    reason: "Supplier credit note"
                )
            ),
            by: "qa-quinn"
        )
        #expect(returned.map(\.typeName) == ["nonconformanceDispositioned", "lotStatusChanged", "nonconformanceClosed"])
        #expect(cell.state.lots["CAST-2"]?.status == .returned)
        cell.refused(.moveLot(MoveLot(lot: "CAST-2", to: "LOC-QUARANTINE")), by: "sup-sara", rule: "not-in-stock")

        cell.startTurning()
        cell.act(
            .produceLot(ProduceLot(productionOrder: PumpQuality.housingOrder, operation: 10, lot: "HSG-1", quantity: 1, location: "LOC-STORE")),
            by: "op-anna"
        )
        cell.act(.openNonconformance(OpenNonconformance(description: "Housing dropped", severity: .major, lots: ["HSG-1"])), by: "op-anna")
        #expect(
            cell.refused(
                .dispositionNonconformance(DispositionNonconformance(nonconformance: "NC-000002", disposition: .returnToSupplier, reason: "No")),
                by: "qa-quinn",
                rule: "not-purchased"
            ) == "lot 'HSG-1' was made by order 'PO-H-1', not bought; it cannot be returned to a supplier"
        )
        cell.act(
            .dispositionNonconformance(DispositionNonconformance(nonconformance: "NC-000002", disposition: .scrap, reason: "Cracked")),
            by: "qa-quinn"
        )
        #expect(cell.state.lots["HSG-1"]?.status == .scrapped)
        #expect(cell.state.nonconformances["NC-000002"]?.status == .closed)
        cell.refused(.openNonconformance(OpenNonconformance(description: " ", severity: .minor)), by: "op-anna", rule: "required")
    }

    // MARK: Holds

    @Test(
        "A hold on supplier lot GS-2611-0042 reaches castings, housings and pumps in stock, in WIP and shipped; blocks them; its release restores them"
    )
    func supplierLotHoldCascades() throws {
        var cell = PumpQuality(plan: false)
        // 4 housings from CAST-1 → HSG-1.
        cell.startTurning()
        cell.act(PumpQuality.complete(PumpQuality.housingOrder, 10, good: 4), by: "op-anna")
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-DRILL-1")), by: "op-anna")
        cell.act(PumpQuality.start(PumpQuality.housingOrder, 20), by: "op-anna")
        cell.act(
            .produceLot(ProduceLot(productionOrder: PumpQuality.housingOrder, operation: 20, lot: "HSG-1", quantity: 4, location: "LOC-STORE")),
            by: "op-anna"
        )
        cell.act(PumpQuality.complete(PumpQuality.housingOrder, 20, good: 4), by: "op-anna")
        // PO-P-1 (for SO-1) makes pumps PUMP-1 (shipped) and PUMP-2 (in stock); PO-P-2 is still assembling.
        cell.act(
            .createSalesOrder(
                NewSalesOrder(id: "SO-1", customer: "CUST-1", lines: [.init(line: 1, item: "PUMP", quantity: 2, requestedDate: day(9))])
            ),
            by: nil
        )
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-ASSY-1")), by: "op-anna")
        cell.act(
            .createProductionOrder(
                NewProductionOrder(id: "PO-P-1", item: "PUMP", quantity: 2, dueDate: day(9), pegging: Pegging(salesOrder: "SO-1", line: 1))
            ),
            by: nil
        )
        cell.act(.releaseProductionOrder(ProductionOrderRef(productionOrder: "PO-P-1")), by: "sup-sara")
        cell.act(PumpQuality.start("PO-P-1", 10), by: "op-anna")
        cell.act(.consumeLot(ConsumeLot(productionOrder: "PO-P-1", operation: 10, lot: "HSG-1", quantity: 2)), by: "op-anna")
        cell.act(
            .produceLot(ProduceLot(productionOrder: "PO-P-1", operation: 10, serials: ["PUMP-1", "PUMP-2"], location: "LOC-STORE")),
            by: "op-anna"
        )
        cell.act(PumpQuality.complete("PO-P-1", 10, good: 2), by: "op-anna")
        cell.record(.lotStatusChanged(LotStatusChanged(lot: "PUMP-1", from: .available, to: .shipped, reason: "Delivered to Stadtwerke Nordhafen")))
        cell.act(.createProductionOrder(NewProductionOrder(id: "PO-P-2", item: "PUMP", quantity: 2, dueDate: day(9))), by: nil)
        cell.act(.releaseProductionOrder(ProductionOrderRef(productionOrder: "PO-P-2")), by: "sup-sara")
        cell.act(PumpQuality.start("PO-P-2", 10), by: "op-anna")
        cell.act(.consumeLot(ConsumeLot(productionOrder: "PO-P-2", operation: 10, lot: "HSG-1", quantity: 1)), by: "op-anna")

        let hold = Command.placeHold(
            PlaceHold(supplier: "Giesserei Sauerland", supplierLot: "GS-2611-0042", reason: "Supplier reports porosity in melt 0042")
        )
        #expect(!hold.allowedRoles.contains(.supervisor))
        let events = cell.act(hold, by: "qa-quinn")
        #expect(events.map(\.typeName) == ["holdPlaced", "lotStatusChanged", "lotStatusChanged", "lotStatusChanged"])
        let placed = try #require(cell.state.holds["HOLD-000001"])
        #expect(placed.kind == .supplierLot)
        #expect(placed.lots.map(\.lot) == ["CAST-1", "HSG-1", "PUMP-2"])
        #expect(placed.lots.map(\.previousStatus) == [.available, .available, .available])
        #expect(placed.orders == ["PO-P-2"])
        #expect(
            placed.shipped == [
                ShippedLotNotice(lot: "PUMP-1", item: "PUMP", productionOrder: "PO-P-1", salesOrder: "SO-1", salesOrderLine: 1, customer: "CUST-1")
            ]
        )
        for lot: Lot.ID in ["CAST-1", "HSG-1", "PUMP-2"] { #expect(cell.state.lots[lot]?.status == .onHold) }
        #expect(cell.state.lots["CAST-2"]?.status == .available)  // another supplier lot is untouched

        // Held lots are not consumed or moved; the held order does not resume, and no supervisor overrides a hold.
        #expect(
            cell.refused(
                .consumeLot(ConsumeLot(productionOrder: "PO-P-2", operation: 10, lot: "HSG-1", quantity: 1)),
                by: "op-anna",
                rule: Interlock.lotOnHold.rawValue
            )
                == "lot 'HSG-1' is on hold; quality must release it before it can be used"
        )
        cell.refused(.moveLot(MoveLot(lot: "PUMP-2", to: "LOC-SHIPPING")), by: "sup-sara", rule: "on-hold")
        cell.act(.pauseOperation(PauseOperation(productionOrder: "PO-P-2", operation: 10, reason: "Quality hold")), by: "op-anna")
        #expect(
            cell.refused(
                .resumeOperation(ResumeOperation(productionOrder: "PO-P-2", operation: 10)),
                by: "op-anna",
                rule: Interlock.orderOnHold.rawValue
            )
                == "production order 'PO-P-2' is on hold (HOLD-000001: Supplier reports porosity in melt 0042); quality must release it before work continues"
        )
        cell.refused(
            .overrideInterlock(OverrideInterlock(productionOrder: "PO-P-2", operation: 10, interlock: .orderOnHold, reason: "Rush")),
            by: "sup-sara",
            rule: "quality-hold"
        )
        cell.refused(.setLotStatus(SetLotStatus(lot: "HSG-1", status: .available, reason: "Looks fine")), by: "qa-quinn", rule: "under-hold")

        // A second hold on one housing lot: releasing the supplier-lot hold leaves that lot held.
        cell.act(.placeHold(PlaceHold(lot: "HSG-1", reason: "Bore gauge out of calibration")), by: "qa-quinn")
        cell.refused(.releaseHold(ReleaseHold(hold: "HOLD-000001", reason: " ")), by: "qa-quinn", rule: "required")
        let released = cell.act(.releaseHold(ReleaseHold(hold: "HOLD-000001", reason: "Supplier's X-ray report: melt 0042 sound")), by: "qa-quinn")
        #expect(released.map(\.typeName) == ["holdReleased", "lotStatusChanged", "lotStatusChanged"])
        if case .holdReleased(let r) = released.first {
            #expect(r.restoredLots.map(\.lot) == ["CAST-1", "PUMP-2"])
            #expect(r.stillHeldLots == ["HSG-1"])
            #expect(r.releasedOrders == ["PO-P-2"])
        }
        #expect(cell.state.lots["CAST-1"]?.status == .available)
        #expect(cell.state.lots["PUMP-2"]?.status == .available)
        #expect(cell.state.lots["HSG-1"]?.status == .onHold)
        cell.act(.resumeOperation(ResumeOperation(productionOrder: "PO-P-2", operation: 10)), by: "op-anna")
        cell.refused(.releaseHold(ReleaseHold(hold: "HOLD-000001", reason: "Again")), by: "qa-quinn", rule: "released")

        cell.act(.releaseHold(ReleaseHold(hold: "HOLD-000002", reason: "Gauge recalibrated, bores re-measured")), by: "qa-quinn")
        #expect(cell.state.lots["HSG-1"]?.status == .available)
        cell.act(.consumeLot(ConsumeLot(productionOrder: "PO-P-2", operation: 10, lot: "HSG-1", quantity: 1)), by: "op-anna")
    }

    @Test("A hold on the lathe stops turning from starting until quality releases it")
    func workCenterHold() {
        var cell = PumpQuality(plan: false)
        cell.act(.placeHold(PlaceHold(workCenter: "WC-LATHE-1", reason: "Coolant contamination")), by: "qa-quinn")
        cell.act(.createProductionOrder(NewProductionOrder(id: "PO-H-1", item: "HOUSING", quantity: 4, dueDate: day(5))), by: nil)
        cell.act(.releaseProductionOrder(ProductionOrderRef(productionOrder: "PO-H-1")), by: "sup-sara")
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-LATHE-1")), by: "op-anna")
        #expect(
            cell.refused(PumpQuality.start("PO-H-1", 10), by: "op-anna", rule: Interlock.workCenterOnHold.rawValue)
                == "WC-LATHE-1 is on hold (HOLD-000001: Coolant contamination); quality must release it before work continues"
        )
        cell.refused(.placeHold(PlaceHold(workCenter: "WC-LATHE-1", reason: "Again")), by: "qa-quinn", rule: "already-held")
        cell.refused(.placeHold(PlaceHold(lot: "CAST-1", workCenter: "WC-LATHE-1", reason: "Both")), by: "qa-quinn", rule: "one-of")
        cell.refused(
            .placeHold(PlaceHold(supplier: "Giesserei Sauerland", supplierLot: "GS-0000", reason: "Unknown")),
            by: "qa-quinn",
            rule: "not-found"
        )
        cell.act(.releaseHold(ReleaseHold(hold: "HOLD-000001", reason: "Coolant replaced")), by: "qa-quinn")
        cell.act(PumpQuality.start("PO-H-1", 10), by: "op-anna")
    }

    @Test("Releasing a hold is quality's: the engine's role table leaves out supervisors and operators")
    func releaseNeedsQuality() {
        let release = Command.releaseHold(ReleaseHold(hold: "HOLD-000001", reason: "OK"))
        #expect(release.allowedRoles == [.admin, .quality])
        #expect(!release.allowedRoles.contains(.supervisor))
        #expect(Command.recordInspectionResult(RecordInspectionResult(plan: "IP", measurements: [])).allowedRoles.contains(.operator))
        #expect(
            Command.dispositionNonconformance(DispositionNonconformance(nonconformance: "NC-1", disposition: .scrap, reason: "x")).allowedRoles
                == [.admin, .quality, .supervisor]
        )
    }

    // MARK: Replay

    @Test("Replaying the recorded quality events, through their JSON, rebuilds the same plant")
    func replay() throws {
        var cell = PumpQuality()
        cell.startTurning()
        cell.act(PumpQuality.bore(52.09), by: "op-anna")
        cell.act(
            .dispositionNonconformance(DispositionNonconformance(nonconformance: "NC-000001", disposition: .rework, reason: "Re-bore")),
            by: "sup-sara"
        )
        cell.act(.approveDisposition(ApproveDisposition(nonconformance: "NC-000001")), by: "qa-quinn")
        cell.act(PumpQuality.bore(52.02), by: "qa-quinn")
        cell.act(.placeHold(PlaceHold(supplier: "Giesserei Sauerland", supplierLot: "GS-2611-0042", reason: "Melt 0042")), by: "qa-quinn")
        cell.act(.releaseHold(ReleaseHold(hold: "HOLD-000001", reason: "Cleared")), by: "qa-quinn")
        #expect(cell.state.operations[PumpQuality.housingOrder]?.last?.isRework == true)

        var replayed = PlantState()
        for (i, event) in cell.log.enumerated() {
            let payload = try event.encodePayload(TaktJSON.encoder)
            let decoded = try Event(type: event.typeName, payload: payload, decoder: TaktJSON.decoder)
            #expect(decoded == event)
            replayed.apply(decoded, sequence: Int64(i + 1))
        }
        #expect(replayed == cell.state)
    }
}
