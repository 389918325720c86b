import Foundation
import TaktCore
import Testing

/// A lathe cell that turns and drills pump housings from purchased castings, with its people.
///
/// Routing RT-HOUSING: 10 "Turn housing" on WC-LATHE-1 (skill cnc-turning, work instruction WI-TURN-1 rev B,
/// inspection required, transfer batch 2), 20 "Drill flange holes" on WC-DRILL-1. The casting is consumed at
/// operation 10 and must be staged at LS-LATHE-1. People: Anna (certified), Ben (certification expired),
/// Carl (not certified), Sara (supervisor), Quinn (quality).
struct LatheCell {
    var plant = TestPlant()
    var clock = testNow.addingTimeInterval(6 * 3600)  // 06:00 UTC

    static let order: ProductionOrder.ID = "PO-H-1"

    init(transferBatch: Double? = 2, release: Bool = true, stage: Double = 10) {
        let shift = Shift(name: "Early", days: Weekday.allCases, start: "06:00", end: "14:00")
        plant.accept(.defineSite(Site(id: "PLANT-1", name: "Pump plant", timeZone: "UTC")))
        plant.accept(.defineSkill(Skill(id: "cnc-turning", name: "CNC turning")))
        plant.accept(.defineWorkCenter(WorkCenter(id: "WC-LATHE-1", name: "CNC lathe 1", site: "PLANT-1", kind: .machining, shifts: [shift])))
        plant.accept(.defineWorkCenter(WorkCenter(id: "WC-DRILL-1", name: "Drill 1", site: "PLANT-1", kind: .machining, shifts: [shift])))
        plant.accept(.defineLocation(Location(id: "LOC-STORE", name: "Main store", site: "PLANT-1", kind: .store)))
        plant.accept(
            .defineLocation(Location(id: "LS-LATHE-1", name: "Lathe 1 line side", site: "PLANT-1", kind: .lineSide, workCenter: "WC-LATHE-1"))
        )
        plant.accept(.defineItem(Item(id: "HOUSING", name: "Machined housing", kind: .semiFinished)))
        plant.accept(.defineItem(Item(id: "CASTING", name: "Housing casting", kind: .purchased)))
        plant.accept(.defineItem(Item(id: "CASTING-ALT", name: "Housing casting, second source", kind: .purchased)))
        plant.accept(.defineItem(Item(id: "SHAFT", name: "Shaft", kind: .purchased)))
        plant.accept(
            .defineBOM(
                BOM(
                    id: "BOM-HOUSING",
                    item: "HOUSING",
                    components: [.init(item: "CASTING", quantity: 1, substitutes: ["CASTING-ALT"], operation: 10)]
                )
            )
        )
        plant.accept(
            .defineWorkInstruction(
                WorkInstruction(id: "WI-TURN-1", title: "Turn housing", revision: "B", text: "Clamp on the flange; turn bore to H7.")
            )
        )
        plant.accept(
            .defineRouting(
                Routing(
                    id: "RT-HOUSING",
                    item: "HOUSING",
                    operations: [
                        RoutingOperation(
                            sequence: 10,
                            name: "Turn housing",
                            workCenters: [.init(workCenter: "WC-LATHE-1", setupMinutes: 30, runMinutesPerUnit: 12)],
                            requiredSkill: "cnc-turning",
                            workInstruction: "WI-TURN-1",
                            transferBatch: transferBatch,
                            inspectionRequired: true
                        ),
                        RoutingOperation(
                            sequence: 20,
                            name: "Drill flange holes",
                            workCenters: [.init(workCenter: "WC-DRILL-1", setupMinutes: 10, runMinutesPerUnit: 4)]
                        ),
                    ]
                )
            )
        )
        let until = testNow.addingTimeInterval(30 * 86_400)
        plant.accept(
            .createUser(
                User(id: "op-anna", name: "Anna Berger", roles: [.operator], certifications: [.init(skill: "cnc-turning", validUntil: until)])
            )
        )
        plant.accept(
            .createUser(
                User(
                    id: "op-ben",
                    name: "Ben Okafor",
                    roles: [.operator],
                    certifications: [.init(skill: "cnc-turning", validUntil: testNow.addingTimeInterval(-5 * 86_400))]
                )
            )
        )
        plant.accept(.createUser(User(id: "op-carl", name: "Carl Vogt", roles: [.operator])))
        plant.accept(.createUser(User(id: "sup-sara", name: "Sara Lind", roles: [.supervisor])))
        plant.accept(.createUser(User(id: "qa-quinn", name: "Quinn Hale", roles: [.quality])))
        plant.accept(
            .createLot(
                NewLot(
                    id: "CAST-1",
                    item: "CASTING",
                    quantity: 20,
                    location: "LOC-STORE",
                    supplierLot: "GS-2611-0042",
                    supplier: "Giesserei Sauerland"
                )
            )
        )
        plant.accept(.createLot(NewLot(id: "SHAFT-1", item: "SHAFT", quantity: 50, location: "LOC-STORE", supplierLot: "ST-77")))
        if stage > 0 {
            plant.accept(
                .createLot(
                    NewLot(
                        id: "CAST-2",
                        item: "CASTING",
                        quantity: stage,
                        location: "LS-LATHE-1",
                        supplierLot: "GS-2611-0043",
                        supplier: "Giesserei Sauerland"
                    )
                )
            )
        }
        plant.accept(.createProductionOrder(NewProductionOrder(id: LatheCell.order, item: "HOUSING", quantity: 10, dueDate: day(5))))
        if release { plant.accept(.releaseProductionOrder(ProductionOrderRef(productionOrder: LatheCell.order))) }
    }

    var state: PlantState { plant.state }
    func op(_ sequence: Int) -> OperationProgress? { state.operations[LatheCell.order]?.first { $0.sequence == sequence } }

    /// Moves the clock on by `minutes`.
    mutating func wait(_ minutes: Double) { clock = clock.addingTimeInterval(minutes * 60) }

    /// `by` does `command` now; a refusal is a test failure.
    @discardableResult
    mutating func act(_ command: Command, by actor: User.ID?, sourceLocation: SourceLocation = #_sourceLocation) -> [Event] {
        do {
            let events = try state.decide(command, actor: actor, now: clock)
            for event in events { plant.state.apply(event, sequence: state.sequence + 1) }
            return events
        } catch {
            Issue.record("\(command.typeName) by \(actor?.rawValue ?? "system") was refused: \(error)", sourceLocation: sourceLocation)
            return []
        }
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

    /// Anna clocked in at the lathe with the current work instruction read.
    mutating func annaReady() {
        act(.clockIn(ClockInCommand(workCenter: "WC-LATHE-1")), by: "op-anna")
        act(.acknowledgeWorkInstruction(AcknowledgeWorkInstruction(workInstruction: "WI-TURN-1", revision: "B")), by: "op-anna")
    }

    static func start(_ sequence: Int = 10, on workCenter: WorkCenter.ID? = nil, operator: User.ID? = nil) -> Command {
        .startOperation(StartOperation(productionOrder: order, operation: sequence, workCenter: workCenter, operator: `operator`))
    }
    static func report(_ sequence: Int = 10, good: Double, scrap: Double = 0, reason: String? = nil, rework: Double = 0) -> Command {
        .reportQuantity(ReportQuantity(productionOrder: order, operation: sequence, good: good, scrap: scrap, scrapReason: reason, rework: rework))
    }
    static func complete(_ sequence: Int = 10, good: Double = 0, scrap: Double = 0, reason: String? = nil) -> Command {
        .completeOperation(ReportQuantity(productionOrder: order, operation: sequence, good: good, scrap: scrap, scrapReason: reason))
    }
    static func override(_ interlock: Interlock, _ sequence: Int = 10, reason: String = "Approved by shift lead") -> Command {
        .overrideInterlock(OverrideInterlock(productionOrder: order, operation: sequence, interlock: interlock, reason: reason))
    }
    static func consume(_ lot: Lot.ID, _ quantity: Double, _ sequence: Int = 10) -> Command {
        .consumeLot(ConsumeLot(productionOrder: order, operation: sequence, lot: lot, quantity: quantity))
    }
}

@Suite("Shop-floor execution")
struct ExecutionTests {
    @Test("Anna turns ten housings across a pause: the order starts, the lathe runs and idles, and actual time is recorded against planned")
    func operationLifecycle() throws {
        var cell = LatheCell()
        cell.annaReady()
        let started = cell.act(LatheCell.start(), by: "op-anna")
        #expect(started.map(\.typeName) == ["productionOrderStarted", "operationStarted", "machineStateChanged"])
        #expect(cell.state.productionOrders[LatheCell.order]?.status == .inProgress)
        #expect(cell.state.machineStates["WC-LATHE-1"]?.last?.state == .running)
        #expect(cell.op(10)?.plannedMinutes == 150)  // 30 setup + 12 min × 10

        cell.wait(60)
        cell.act(LatheCell.report(good: 4), by: "op-anna")
        cell.act(.pauseOperation(PauseOperation(productionOrder: LatheCell.order, operation: 10, reason: "Lunch break")), by: "op-anna")
        #expect(cell.op(10)?.status == .paused)
        #expect(cell.state.machineStates["WC-LATHE-1"]?.last?.state == .idle)
        cell.refused(LatheCell.start(), by: "op-anna", rule: "status")

        cell.wait(30)  // paused time is not worked time
        cell.act(.resumeOperation(ResumeOperation(productionOrder: LatheCell.order, operation: 10)), by: "op-anna")
        cell.wait(90)
        let done = cell.act(LatheCell.complete(good: 5, scrap: 1, reason: "porosity"), by: "op-anna")
        #expect(done.map(\.typeName) == ["quantityReported", "operationCompleted", "machineStateChanged"])
        let op = try #require(cell.op(10))
        #expect(op.status == .completed)
        #expect((op.good, op.scrap) == (9, 1))
        #expect(op.actualMinutes == 150)
        #expect(op.segments.map(\.operator) == ["op-anna", "op-anna"])
        if case .operationCompleted(let c) = done[1] {
            #expect((c.plannedMinutes, c.actualMinutes) == (150, 150))
        }
        // Operation 20 remains, so the order is still in progress.
        #expect(cell.state.productionOrders[LatheCell.order]?.status == .inProgress)
        let reports = cell.state.productionReports["WC-LATHE-1"] ?? []
        #expect(reports.map(\.good) == [4, 5])
        #expect(reports.last?.scrapReason == "porosity")
        #expect(reports.last?.idealMinutesPerUnit == 12)
    }

    @Test(
        "A machine's count reported as production lands on the operation running there, scrap included; with none running it stays a machine count"
    )
    func machineCountReportedAsProduction() throws {
        var cell = LatheCell()
        let count = { (good: Double, scrap: Double?) in
            Command.recordMachineCount(
                RecordMachineCount(workCenter: "WC-LATHE-1", count: good, scrap: scrap, goodCounter: nil, scrapCounter: nil, reportProduction: true)
            )
        }
        // Nothing runs on the lathe yet: the count is recorded, no production is reported.
        #expect(cell.act(count(2, nil), by: nil).map(\.typeName) == ["machineCounted"])
        #expect(cell.state.productionReports["WC-LATHE-1"]?.isEmpty ?? true)

        cell.annaReady()
        cell.act(LatheCell.start(), by: "op-anna")
        let counted = cell.act(count(3, 1), by: nil)
        #expect(counted.map(\.typeName) == ["machineCounted", "quantityReported"])
        let op = try #require(cell.op(10))
        #expect((op.good, op.scrap) == (3, 1), "the running operation got the machine's good parts and its scrap")
        #expect(cell.state.productionReports["WC-LATHE-1"]?.last?.scrapReason == "other")
        #expect((cell.state.machineCounts["WC-LATHE-1"] ?? []).map(\.count) == [2, 3])

        // A count of scrap alone is reported too; the order's quantity does not cap what the machine made.
        #expect(cell.act(count(0, 2), by: nil).map(\.typeName) == ["machineCounted", "quantityReported"])
        #expect(cell.act(count(20, nil), by: nil).map(\.typeName) == ["machineCounted", "quantityReported"])
        #expect(cell.op(10).map { ($0.good, $0.scrap) } ?? (0, 0) == (23, 3))
    }

    @Test("Scrap needs a reason code, a report needs a quantity, and completing needs something reported")
    func quantityRules() {
        var cell = LatheCell()
        cell.annaReady()
        cell.act(LatheCell.start(), by: "op-anna")
        cell.refused(LatheCell.report(good: 0, scrap: 2), by: "op-anna", rule: "required")
        cell.refused(LatheCell.report(good: 0, scrap: 2, reason: "gremlins"), by: "op-anna", rule: "unknown-code")
        cell.refused(LatheCell.report(good: 0), by: "op-anna", rule: "required")
        cell.refused(LatheCell.report(good: -1), by: "op-anna", rule: "non-negative")
        cell.refused(LatheCell.complete(), by: "op-anna", rule: "required")
        cell.refused(LatheCell.report(30, good: 1), by: "op-anna", rule: "not-found")
    }

    @Test("The last operation completing completes the order, once the turned housings have passed inspection")
    func orderFollowsOperations() {
        var cell = LatheCell(transferBatch: nil)
        cell.annaReady()
        cell.act(LatheCell.start(), by: "op-anna")
        cell.act(LatheCell.complete(good: 10), by: "op-anna")
        cell.act(
            .recordInspection(RecordInspection(productionOrder: LatheCell.order, operation: 10, passed: true, note: "Bore 52.01 mm")),
            by: "qa-quinn"
        )
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-DRILL-1")), by: "op-anna")
        cell.act(LatheCell.start(20), by: "op-anna")
        let done = cell.act(LatheCell.complete(20, good: 10), by: "op-anna")
        #expect(done.last?.typeName == "productionOrderCompleted")
        #expect(cell.state.productionOrders[LatheCell.order]?.status == .completed)
    }

    // MARK: Interlocks: each refusal, in words, and the override path

    @Test("Order not released: the lathe refuses to start a planned order until a supervisor overrides")
    func orderNotReleased() {
        var cell = LatheCell(release: false)
        cell.annaReady()
        let message = cell.refused(LatheCell.start(), by: "op-anna", rule: Interlock.orderNotReleased.rawValue)
        #expect(message == "production order 'PO-H-1' is planned, not released; a planner or supervisor must release it first")
        cell.act(LatheCell.override(.orderNotReleased, reason: "Customer rush, planner on the phone"), by: "sup-sara")
        let events = cell.act(LatheCell.start(), by: "op-anna")
        #expect(events.first?.typeName == "productionOrderStarted")
        #expect(cell.op(10)?.overrides.first?.by == "sup-sara")
    }

    @Test("Previous operation not reported: drilling waits for turning, unless overlap lets it start after the transfer batch")
    func previousOperation() {
        var cell = LatheCell(transferBatch: nil)
        cell.annaReady()
        cell.act(LatheCell.start(), by: "op-anna")
        cell.act(LatheCell.report(good: 3), by: "op-anna")
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-DRILL-1")), by: "op-carl")
        let message = cell.refused(LatheCell.start(20), by: "op-carl", rule: Interlock.previousOperationNotReported.rawValue)
        #expect(message == "operation 10 'Turn housing' is running, not completed (3 of 10 good reported)")
        cell.act(LatheCell.override(.previousOperationNotReported, 20), by: "sup-sara")
        cell.act(LatheCell.override(.inspectionNotPassed, 20), by: "sup-sara")
        cell.act(LatheCell.start(20), by: "op-carl")
        #expect(cell.op(20)?.status == .running)

        var overlap = LatheCell(transferBatch: 5)
        overlap.annaReady()
        overlap.act(LatheCell.start(), by: "op-anna")
        overlap.act(LatheCell.report(good: 3), by: "op-anna")
        overlap.act(.clockIn(ClockInCommand(workCenter: "WC-DRILL-1")), by: "op-carl")
        let early = overlap.refused(LatheCell.start(20), by: "op-carl", rule: Interlock.previousOperationNotReported.rawValue)
        #expect(early == "operation 10 'Turn housing' has reported 3 good; overlap allows starting once 5 are reported")
        overlap.act(LatheCell.report(good: 2), by: "op-anna")
        // The transfer batch is there; only the inspection of operation 10 still stands in the way.
        overlap.refused(LatheCell.start(20), by: "op-carl", rule: Interlock.inspectionNotPassed.rawValue)
        #expect(
            overlap.state.startBlockers(
                productionOrder: LatheCell.order,
                operation: 20,
                workCenter: "WC-DRILL-1",
                operator: "op-carl",
                now: overlap.clock
            )
            .map(\.rule) == [Interlock.inspectionNotPassed.rawValue]
        )
    }

    @Test("Required inspection not passed: drilling waits for quality's pass; a failed result keeps it waiting")
    func inspectionNotPassed() {
        var cell = LatheCell(transferBatch: nil)
        cell.annaReady()
        cell.act(LatheCell.start(), by: "op-anna")
        cell.act(LatheCell.complete(good: 10), by: "op-anna")
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-DRILL-1")), by: "op-carl")
        let message = cell.refused(LatheCell.start(20), by: "op-carl", rule: Interlock.inspectionNotPassed.rawValue)
        #expect(message == "operation 10 'Turn housing' needs a passed inspection before operation 20 can start")
        cell.act(
            .recordInspection(RecordInspection(productionOrder: LatheCell.order, operation: 10, passed: false, note: "Bore oversize")),
            by: "qa-quinn"
        )
        cell.refused(LatheCell.start(20), by: "op-carl", rule: Interlock.inspectionNotPassed.rawValue)
        cell.act(
            .recordInspection(RecordInspection(productionOrder: LatheCell.order, operation: 10, passed: true, note: "Re-measured: in tolerance")),
            by: "qa-quinn"
        )
        cell.act(LatheCell.start(20), by: "op-carl")

        var overridden = LatheCell(transferBatch: nil)
        overridden.annaReady()
        overridden.act(LatheCell.start(), by: "op-anna")
        overridden.act(LatheCell.complete(good: 10), by: "op-anna")
        overridden.act(.clockIn(ClockInCommand(workCenter: "WC-DRILL-1")), by: "op-carl")
        overridden.act(LatheCell.override(.inspectionNotPassed, 20, reason: "Inspector on site, measured on the machine"), by: "sup-sara")
        overridden.act(LatheCell.start(20), by: "op-carl")
    }

    @Test("Operator not clocked in, or clocked in at another machine")
    func notClockedIn() {
        var cell = LatheCell()
        cell.act(.acknowledgeWorkInstruction(AcknowledgeWorkInstruction(workInstruction: "WI-TURN-1", revision: "B")), by: "op-anna")
        let message = cell.refused(LatheCell.start(), by: "op-anna", rule: Interlock.operatorNotClockedIn.rawValue)
        #expect(message == "Anna Berger (op-anna) is not clocked in; clock in at WC-LATHE-1 first")
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-DRILL-1")), by: "op-anna")
        let elsewhere = cell.refused(LatheCell.start(), by: "op-anna", rule: Interlock.operatorNotClockedIn.rawValue)
        #expect(elsewhere == "Anna Berger (op-anna) is clocked in at WC-DRILL-1, not at WC-LATHE-1")
        cell.act(LatheCell.override(.operatorNotClockedIn, reason: "Badge reader broken"), by: "sup-sara")
        cell.act(LatheCell.start(), by: "op-anna")
    }

    @Test("Operator not certified for the required skill")
    func notCertified() {
        var cell = LatheCell()
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-LATHE-1")), by: "op-carl")
        cell.act(.acknowledgeWorkInstruction(AcknowledgeWorkInstruction(workInstruction: "WI-TURN-1", revision: "B")), by: "op-carl")
        let message = cell.refused(LatheCell.start(), by: "op-carl", rule: Interlock.operatorNotCertified.rawValue)
        #expect(message == "Carl Vogt is not certified for CNC turning, which operation 10 'Turn housing' requires")
        cell.act(LatheCell.override(.operatorNotCertified, reason: "Trainee under Anna's supervision"), by: "sup-sara")
        cell.act(LatheCell.start(), by: "op-carl")
    }

    @Test("Operator's certification expired")
    func certificationExpired() {
        var cell = LatheCell()
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-LATHE-1")), by: "op-ben")
        cell.act(.acknowledgeWorkInstruction(AcknowledgeWorkInstruction(workInstruction: "WI-TURN-1", revision: "B")), by: "op-ben")
        let message = cell.refused(LatheCell.start(), by: "op-ben", rule: Interlock.certificationExpired.rawValue)
        #expect(message == "Ben Okafor's certification for CNC turning expired on 2026-11-19; operation 10 needs it")
        cell.act(LatheCell.override(.certificationExpired, reason: "Renewal exam passed, paperwork pending"), by: "sup-sara")
        cell.act(LatheCell.start(), by: "op-ben")
    }

    @Test("Work instruction not acknowledged, or only an older revision acknowledged")
    func workInstructionNotAcknowledged() {
        var cell = LatheCell()
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-LATHE-1")), by: "op-anna")
        let never = cell.refused(LatheCell.start(), by: "op-anna", rule: Interlock.workInstructionNotAcknowledged.rawValue)
        #expect(never == "Anna Berger has not acknowledged revision B of work instruction WI-TURN-1 'Turn housing'")
        cell.act(.acknowledgeWorkInstruction(AcknowledgeWorkInstruction(workInstruction: "WI-TURN-1", revision: "B")), by: "op-anna")
        // Engineering issues revision C through a change quality approves: Anna must read it again.
        let proposal = ProposedRevision(workInstruction: "WI-TURN-1", text: "New clamping.")
        cell.act(
            .createEngineeringChange(CreateEngineeringChange(title: "New clamping", reason: "Chatter", workInstruction: proposal)),
            by: "sup-sara"
        )
        cell.act(.submitEngineeringChange(EngineeringChangeRef(engineeringChange: "ECO-000001")), by: "sup-sara")
        cell.act(.approveEngineeringChange(DecideEngineeringChange(engineeringChange: "ECO-000001")), by: "qa-quinn")
        cell.act(.releaseEngineeringChange(EngineeringChangeRef(engineeringChange: "ECO-000001")), by: "qa-quinn")
        let old = cell.refused(LatheCell.start(), by: "op-anna", rule: Interlock.workInstructionNotAcknowledged.rawValue)
        #expect(old == "Anna Berger acknowledged revision B, but the current revision is C of work instruction WI-TURN-1 'Turn housing'")
        cell.refused(
            .acknowledgeWorkInstruction(AcknowledgeWorkInstruction(workInstruction: "WI-TURN-1", revision: "B")),
            by: "op-anna",
            rule: "not-current"
        )
        cell.act(LatheCell.override(.workInstructionNotAcknowledged, reason: "Change affects the next batch only"), by: "sup-sara")
        cell.act(LatheCell.start(), by: "op-anna")
    }

    @Test("Required material not staged at the line side")
    func materialNotStaged() {
        var cell = LatheCell(stage: 6)
        cell.annaReady()
        let message = cell.refused(LatheCell.start(), by: "op-anna", rule: Interlock.materialNotStaged.rawValue)
        #expect(message == "10 ea of CASTING are needed at LS-LATHE-1, but only 6 are there")
        // An approved substitute on the line side counts.
        cell.act(.createLot(NewLot(id: "ALT-1", item: "CASTING-ALT", quantity: 4, location: "LS-LATHE-1", supplierLot: "FW-9")), by: nil)
        #expect(
            cell.state.startBlockers(productionOrder: LatheCell.order, operation: 10, workCenter: "WC-LATHE-1", operator: "op-anna", now: cell.clock)
                .isEmpty
        )

        var short = LatheCell(stage: 0)
        short.annaReady()
        short.refused(LatheCell.start(), by: "op-anna", rule: Interlock.materialNotStaged.rawValue)
        short.act(LatheCell.override(.materialNotStaged, reason: "Forklift bringing castings now"), by: "sup-sara")
        short.act(LatheCell.start(), by: "op-anna")
    }

    @Test("The machine is down: nothing starts on it until it is back, or a supervisor overrides")
    func workCenterDown() {
        var cell = LatheCell()
        cell.annaReady()
        cell.act(.setMachineState(SetMachineState(workCenter: "WC-LATHE-1", state: .down, reason: "Spindle failure")), by: "op-anna")
        let message = cell.refused(LatheCell.start(), by: "op-anna", rule: Interlock.workCenterDown.rawValue)
        #expect(message == "WC-LATHE-1 is down (Spindle failure) since 2026-11-24T06:00:00Z")
        cell.refused(.setMachineState(SetMachineState(workCenter: "WC-LATHE-1", state: .down)), by: "op-anna", rule: "required")
        cell.act(LatheCell.override(.workCenterDown, reason: "Manual deburring only"), by: "sup-sara")
        cell.act(LatheCell.start(), by: "op-anna")
        #expect(cell.state.machineStates["WC-LATHE-1"]?.last?.state == .down)  // an override does not repair the machine
    }

    @Test("Every failing interlock is named at once, and an override needs a reason")
    func severalAtOnce() throws {
        var cell = LatheCell(release: false, stage: 0)
        let error = try #require(cell.plant.rejection(of: LatheCell.start(operator: "op-carl")))
        #expect(error.kind == .conflict)
        #expect(
            Set(error.violations.map(\.rule)) == [
                Interlock.orderNotReleased.rawValue, Interlock.operatorNotClockedIn.rawValue, Interlock.operatorNotCertified.rawValue,
                Interlock.workInstructionNotAcknowledged.rawValue, Interlock.materialNotStaged.rawValue,
            ]
        )
        cell.refused(LatheCell.override(.materialNotStaged, reason: "  "), by: "sup-sara", rule: "required")
        cell.act(LatheCell.override(.materialNotStaged), by: "sup-sara")
        cell.refused(LatheCell.override(.materialNotStaged), by: "sup-sara", rule: "already-overridden")
    }

    @Test("An operator cannot start work in someone else's name; a supervisor can")
    func onBehalf() {
        var cell = LatheCell()
        cell.annaReady()
        cell.refused(LatheCell.start(operator: "op-anna"), by: "op-carl", rule: "self-only")
        cell.act(LatheCell.start(operator: "op-anna"), by: "sup-sara")
        #expect(cell.op(10)?.segments.first?.operator == "op-anna")
    }

    @Test("A lathe with capacity 1 runs one operation at a time")
    func busyWorkCenter() {
        var cell = LatheCell()
        cell.annaReady()
        cell.act(LatheCell.start(), by: "op-anna")
        cell.act(.createProductionOrder(NewProductionOrder(id: "PO-H-2", item: "HOUSING", quantity: 2, dueDate: day(6))), by: nil)
        cell.act(.releaseProductionOrder(ProductionOrderRef(productionOrder: "PO-H-2")), by: nil)
        let message = cell.refused(.startOperation(StartOperation(productionOrder: "PO-H-2", operation: 10)), by: "sup-sara", rule: "busy")
        #expect(message == "WC-LATHE-1 is already running PO-H-1 op 10; pause or complete it first")
    }

    // MARK: Lots

    @Test("Scanning castings into turning: the right item is consumed, a held lot and a wrong item are refused until overridden")
    func consumeLots() {
        var cell = LatheCell()
        cell.annaReady()
        cell.act(LatheCell.start(), by: "op-anna")
        cell.act(LatheCell.consume("CAST-2", 6), by: "op-anna")
        #expect(cell.state.lots["CAST-2"]?.quantity == 4)
        cell.act(LatheCell.consume("CAST-2", 4), by: "op-anna")
        #expect(cell.state.lots["CAST-2"]?.status == .consumed)
        cell.refused(LatheCell.consume("CAST-2", 1), by: "op-anna", rule: "not-in-stock")
        let tooMuch = cell.refused(LatheCell.consume("CAST-1", 25), by: "op-anna", rule: "exceeds-lot")
        #expect(tooMuch == "lot 'CAST-1' holds 20 ea; 25 cannot be consumed from it")
        cell.refused(LatheCell.consume("NO-SUCH-LOT", 1), by: "op-anna", rule: "not-found")

        let wrong = cell.refused(LatheCell.consume("SHAFT-1", 1), by: "op-anna", rule: Interlock.lotWrongItem.rawValue)
        #expect(wrong == "lot 'SHAFT-1' is SHAFT, which is not in the bill of materials of HOUSING (it takes CASTING) nor an approved substitute")

        cell.act(.setLotStatus(SetLotStatus(lot: "CAST-1", status: .onHold, reason: "Supplier notice: possible mix-up")), by: nil)
        let held = cell.refused(LatheCell.consume("CAST-1", 1), by: "op-anna", rule: Interlock.lotOnHold.rawValue)
        #expect(held == "lot 'CAST-1' is on hold; quality must release it before it can be used")

        cell.act(LatheCell.override(.lotOnHold, reason: "Quality cleared by phone, paperwork follows"), by: "sup-sara")
        // CAST-1 and SHAFT-1 lie in the store, not at the lathe's line side: that too needs the supervisor.
        let away = cell.refused(LatheCell.consume("CAST-1", 1), by: "op-anna", rule: Interlock.lotNotAtLineSide.rawValue)
        #expect(away == "lot 'CAST-1' is at LOC-STORE, not at the line side of WC-LATHE-1 (LS-LATHE-1); the warehouse stages it there first")
        cell.act(LatheCell.override(.lotNotAtLineSide, reason: "Carried from the store by hand"), by: "sup-sara")
        cell.act(LatheCell.consume("CAST-1", 1), by: "op-anna")
        cell.act(LatheCell.override(.lotWrongItem, reason: "Shaft used as a test plug"), by: "sup-sara")
        cell.act(LatheCell.consume("SHAFT-1", 1), by: "op-anna")

        let consumed = cell.state.consumptionsByOrder[LatheCell.order] ?? []
        #expect(consumed.map(\.lot) == ["CAST-2", "CAST-2", "CAST-1", "SHAFT-1"])
        // Each consumption records the interlocks it passed only by an override.
        #expect(consumed.map(\.overridden) == [[], [], [.lotOnHold, .lotNotAtLineSide], [.lotWrongItem, .lotNotAtLineSide]])
        #expect(consumed.allSatisfy { $0.workCenter == "WC-LATHE-1" && $0.by == "op-anna" && $0.operation == 10 })
        #expect(cell.state.consumptionsByLot["CAST-1"]?.first?.quantity == 1)
    }

    @Test("An approved substitute casting is accepted without an override")
    func substitute() {
        var cell = LatheCell()
        cell.annaReady()
        cell.act(LatheCell.start(), by: "op-anna")
        cell.act(.createLot(NewLot(id: "ALT-1", item: "CASTING-ALT", quantity: 4, location: "LS-LATHE-1", supplierLot: "FW-9")), by: nil)
        cell.act(LatheCell.consume("ALT-1", 2), by: "op-anna")
    }

    @Test("Lots cannot be consumed into an operation that has not started")
    func consumeNeedsRunningOperation() {
        let cell = LatheCell()
        cell.refused(LatheCell.consume("CAST-2", 1), by: "op-anna", rule: "status")
    }

    @Test("Turned housings are booked as an output lot or as serial numbers, each traceable to the order")
    func produceLots() {
        var cell = LatheCell()
        cell.annaReady()
        cell.act(LatheCell.start(), by: "op-anna")
        let produce = { (lot: Lot.ID?, quantity: Double?, serials: [Lot.ID]?) -> Command in
            .produceLot(
                ProduceLot(productionOrder: LatheCell.order, operation: 10, lot: lot, quantity: quantity, serials: serials, location: "LOC-STORE")
            )
        }
        cell.act(produce("H-LOT-1", 4, nil), by: "op-anna")
        cell.act(produce(nil, nil, ["SN-1001", "SN-1002"]), by: "op-anna")
        #expect(cell.state.outputsByOrder[LatheCell.order] == ["H-LOT-1", "SN-1001", "SN-1002"])
        #expect(cell.state.lots["SN-1002"]?.quantity == 1)
        #expect(cell.state.lots["H-LOT-1"]?.item == "HOUSING")
        cell.refused(produce("H-LOT-1", 1, nil), by: "op-anna", rule: "exists")
        cell.refused(produce(nil, nil, ["SN-9", "SN-9"]), by: "op-anna", rule: "unique")
        cell.refused(produce("H-LOT-2", nil, nil), by: "op-anna", rule: "required")
        cell.refused(produce(nil, nil, nil), by: "op-anna", rule: "one-of")
    }

    // MARK: Labour and machines

    @Test("Anna's day: clocking in at the lathe, moving to the drill, clocking out — who worked where and for how long")
    func labour() throws {
        var cell = LatheCell()
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-LATHE-1")), by: "op-anna")
        cell.refused(.clockIn(ClockInCommand(workCenter: "WC-LATHE-1")), by: "op-anna", rule: "already-clocked-in")
        cell.wait(240)
        let moved = cell.act(.clockIn(ClockInCommand(workCenter: "WC-DRILL-1")), by: "op-anna")
        #expect(moved.map(\.typeName) == ["operatorClockedOut", "operatorClockedIn"])
        cell.wait(120)
        cell.act(.clockOut(ClockOutCommand()), by: "op-anna")
        cell.refused(.clockOut(ClockOutCommand()), by: "op-anna", rule: "not-clocked-in")
        #expect(cell.state.labourSessions.map(\.workCenter) == ["WC-LATHE-1", "WC-DRILL-1"])
        #expect(cell.state.labourSessions.map(\.minutes) == [240, 120])
        #expect(cell.state.clockedIn["op-anna"] == nil)
        cell.refused(.clockIn(ClockInCommand(workCenter: "WC-LATHE-1", user: "op-anna")), by: "op-carl", rule: "self-only")
        cell.act(.clockIn(ClockInCommand(workCenter: "WC-LATHE-1", user: "op-anna")), by: "sup-sara")
        cell.refused(.clockIn(ClockInCommand(workCenter: "WC-NOWHERE")), by: "op-carl", rule: "not-found")
    }

    @Test("Machine states are a history per work center: down needs a reason, a repeated state is refused, counts must be positive")
    func machineStates() {
        var cell = LatheCell()
        cell.act(.setMachineState(SetMachineState(workCenter: "WC-LATHE-1", state: .setup)), by: "op-anna")
        cell.wait(20)
        cell.act(.setMachineState(SetMachineState(workCenter: "WC-LATHE-1", state: .slow, actualRate: 4, idealRate: 5)), by: "op-anna")
        cell.refused(
            .setMachineState(SetMachineState(workCenter: "WC-LATHE-1", state: .slow, actualRate: 4, idealRate: 5)),
            by: "op-anna",
            rule: "unchanged"
        )
        cell.refused(.setMachineState(SetMachineState(workCenter: "WC-LATHE-1", state: .slow, idealRate: 0)), by: "op-anna", rule: "positive")
        cell.act(.recordMachineCount(RecordMachineCount(workCenter: "WC-LATHE-1", count: 12)), by: nil)
        cell.refused(.recordMachineCount(RecordMachineCount(workCenter: "WC-LATHE-1", count: 0)), by: nil, rule: "positive")
        #expect(cell.state.machineStates["WC-LATHE-1"]?.map(\.state) == [.setup, .slow])
        #expect(cell.state.machineCounts["WC-LATHE-1"]?.map(\.count) == [12])
    }

    @Test("A supervisor reports an absence: the person must exist, it must end after it starts and after now, and say why")
    func absences() {
        var cell = LatheCell()
        let tomorrow = cell.clock.addingTimeInterval(86_400)
        cell.refused(.reportAbsence(ReportAbsence(user: "op-nobody", until: tomorrow, reason: "sick")), by: "sup-sara", rule: "not-found")
        cell.refused(
            .reportAbsence(ReportAbsence(user: "op-anna", from: tomorrow, until: tomorrow.addingTimeInterval(-3600), reason: "sick")),
            by: "sup-sara",
            rule: "after-from"
        )
        cell.refused(
            .reportAbsence(
                ReportAbsence(
                    user: "op-anna",
                    from: cell.clock.addingTimeInterval(-7200),
                    until: cell.clock.addingTimeInterval(-60),
                    reason: "sick"
                )
            ),
            by: "sup-sara",
            rule: "after-now"
        )
        cell.refused(.reportAbsence(ReportAbsence(user: "op-anna", until: tomorrow, reason: "  ")), by: "sup-sara", rule: "required")
        cell.refused(
            .reportAbsence(ReportAbsence(user: "op-anna", until: tomorrow.addingTimeInterval(400 * 86_400), reason: "leave")),
            by: "sup-sara",
            rule: "range"
        )
        cell.act(.reportAbsence(ReportAbsence(user: "op-anna", until: tomorrow, reason: "sick")), by: "sup-sara")
        let absence = cell.state.absences["op-anna"]?.first
        #expect(absence?.from == cell.clock && absence?.until == tomorrow && absence?.by == "sup-sara" && absence?.reason == "sick")
        #expect(cell.state.isAbsent("op-anna", from: cell.clock.addingTimeInterval(3600), until: cell.clock.addingTimeInterval(7200)))
        #expect(!cell.state.isAbsent("op-anna", from: tomorrow, until: tomorrow.addingTimeInterval(3600)))
    }

    @Test("Maintenance's repair time goes with a down or slow state: it must lie ahead, it does not apply to running, and a new estimate is recorded")
    func expectedRepairTime() {
        var cell = LatheCell()
        let tomorrow = cell.clock.addingTimeInterval(86_400)
        cell.refused(
            .setMachineState(
                SetMachineState(workCenter: "WC-LATHE-1", state: .down, reason: "spindle", expectedUntil: cell.clock.addingTimeInterval(-60))
            ),
            by: "sup-sara",
            rule: "after-now"
        )
        cell.refused(
            .setMachineState(SetMachineState(workCenter: "WC-LATHE-1", state: .running, expectedUntil: tomorrow)),
            by: "sup-sara",
            rule: "not-applicable"
        )
        cell.act(
            .setMachineState(SetMachineState(workCenter: "WC-LATHE-1", state: .down, reason: "spindle", expectedUntil: tomorrow)),
            by: "sup-sara"
        )
        let later = tomorrow.addingTimeInterval(4 * 3600)
        cell.act(.setMachineState(SetMachineState(workCenter: "WC-LATHE-1", state: .down, reason: "spindle", expectedUntil: later)), by: "sup-sara")
        #expect(cell.state.machineStates["WC-LATHE-1"]?.map(\.expectedUntil) == [tomorrow, later])
    }

    @Test("Releasing an order reports its material: required against what is available and not reserved for other orders, with the shortage")
    func releaseReportsMaterial() throws {
        var cell = LatheCell(release: false, stage: 0)
        let events = cell.act(.releaseProductionOrder(ProductionOrderRef(productionOrder: LatheCell.order)), by: nil)
        guard case .productionOrderReleased(let t) = try #require(events.first) else {
            Issue.record("not a release")
            return
        }
        #expect(t.material == [MaterialCheck(item: "CASTING", required: 10, available: 20)])
        cell.act(.createProductionOrder(NewProductionOrder(id: "PO-H-2", item: "HOUSING", quantity: 25, dueDate: day(6))), by: nil)
        let second = cell.act(.releaseProductionOrder(ProductionOrderRef(productionOrder: "PO-H-2")), by: nil)
        guard case .productionOrderReleased(let t2) = try #require(second.first) else { return }
        // 20 castings in stock, 10 of them reserved by the first release: 25 needed, 10 free, 15 short.
        #expect(t2.material == [MaterialCheck(item: "CASTING", required: 25, available: 10)])
        #expect(t2.material?.first?.shortBy == 15)
    }

    @Test("A routing naming a work instruction that does not exist is rejected")
    func routingNeedsInstruction() {
        let cell = LatheCell()
        cell.plant.expectRejected(
            .defineRouting(
                Routing(
                    id: "RT-X",
                    item: "HOUSING",
                    operations: [
                        RoutingOperation(
                            sequence: 10,
                            name: "Turn",
                            workCenters: [.init(workCenter: "WC-LATHE-1", setupMinutes: 1, runMinutesPerUnit: 1)],
                            workInstruction: "WI-NONE"
                        )
                    ]
                )
            ),
            .invalid,
            field: "operations[0].workInstruction",
            rule: "unknown-reference"
        )
    }
}
