import Foundation
import TaktCore
import TaktDemo
import TaktPlanning
import TaktScheduling
import Testing

/// The demo plant as a plant state, generated for Monday 2026-11-23.
func demoState(scale: Int = 1) throws -> PlantState {
    let start = try #require(TaktJSON.parseDate("2026-11-23T00:00:00Z"))
    var state = PlantState()
    for command in DemoPlant.commands(seed: 7, scale: scale, start: start) {
        let events = try state.decide(command, actor: nil, now: start)
        for event in events { state.apply(event, sequence: state.sequence + 1) }
    }
    return state
}

@Suite("The plant as a scheduling problem")
struct PlanningProblemTests {
    @Test("Every open production order of the demo plant becomes an order with its routing as a chain of operations")
    func openOrdersBecomeOrders() throws {
        let state = try demoState()
        let origin = try #require(TaktJSON.parseDate("2026-11-23T07:00:00Z"))
        let planning = try PlanningProblem(state: state, origin: origin)
        try planning.problem.validate()
        let open = state.productionOrders.values.filter { [.planned, .released, .inProgress].contains($0.status) }
        #expect(planning.orders.count == open.count)
        #expect(planning.workCenters.count == state.workCenters.count)
        let expectedOperations = open.reduce(0) { $0 + (state.routings[$1.routing]?.operations.count ?? 0) }
        #expect(planning.problem.operations.count == expectedOperations)
        // Due dates in minutes from the origin; weights from priority.
        for (j, id) in planning.orders.enumerated() {
            let po = try #require(state.productionOrders[id])
            #expect(planning.problem.orders[j].due == Int((po.dueDate.timeIntervalSince(origin) / 60).rounded(.down)))
            #expect(planning.problem.orders[j].weight == Double(6 - po.priority))
        }
        // Operations of one order form a chain in routing sequence.
        for (i, op) in planning.problem.operations.enumerated() where i > 0 && planning.problem.operations[i - 1].order == op.order {
            #expect(op.predecessors.map(\.predecessor) == [OperationID(i - 1)])
        }
    }

    @Test(
        "What the shop floor has done is not planned again: a completed operation drops out, a running one stays where it runs for its remaining run time"
    )
    func executedOperations() throws {
        var state = try demoState()
        let start = try #require(TaktJSON.parseDate("2026-11-23T07:00:00Z"))
        // A released housing order (two operations, no BOM staging needed when the system acts with an override).
        let po = try #require(
            state.productionOrders.values.filter { $0.status == .released }
                .first { (state.routings[$0.routing]?.operations.count ?? 0) >= 2 }
        )
        let steps = try #require(state.routings[po.routing]?.operations)
        func run(_ command: Command) throws {
            for event in try state.decide(command, actor: nil, now: start) { state.apply(event, sequence: state.sequence + 1) }
        }
        for step in steps.prefix(2) {
            for interlock in [Interlock.materialNotStaged, .previousOperationNotReported, .inspectionNotPassed] {
                try run(.overrideInterlock(OverrideInterlock(productionOrder: po.id, operation: step.sequence, interlock: interlock, reason: "test")))
            }
        }
        try run(.startOperation(StartOperation(productionOrder: po.id, operation: steps[0].sequence, workCenter: steps[0].workCenters[0].workCenter)))
        try run(.completeOperation(ReportQuantity(productionOrder: po.id, operation: steps[0].sequence, good: po.quantity)))
        let wc = steps[1].workCenters[0]
        try run(.startOperation(StartOperation(productionOrder: po.id, operation: steps[1].sequence, workCenter: wc.workCenter)))
        try run(.reportQuantity(ReportQuantity(productionOrder: po.id, operation: steps[1].sequence, good: 2)))

        let planning = try PlanningProblem(state: state, origin: start)
        try planning.problem.validate()
        let mine = planning.operations.enumerated().filter { $0.element.productionOrder == po.id }
        #expect(!mine.contains { $0.element.sequence == steps[0].sequence })
        let running = try #require(mine.first { $0.element.sequence == steps[1].sequence })
        let op = planning.problem.operations[running.offset]
        let resource = try #require(planning.workCenters.firstIndex(of: wc.workCenter))
        #expect(op.fixed == FixedPlacement(resource: ResourceID(resource), start: 0))
        #expect(op.modes == [Mode(resource: ResourceID(resource), duration: Int((wc.runMinutesPerUnit * (po.quantity - 2)).rounded(.up)))])
        #expect(op.predecessors.isEmpty)
        let result = try Scheduler.solve(planning.problem, options: SchedulingOptions(limits: SearchLimits(iterationLimit: 200)))
        #expect(ScheduleChecker.violations(of: result.schedule, in: planning.problem).isEmpty)
    }

    @Test("Durations are setup plus run time times quantity, on each eligible work center")
    func durations() throws {
        let state = try demoState()
        let planning = try PlanningProblem(state: state, origin: try #require(TaktJSON.parseDate("2026-11-23T07:00:00Z")))
        let ref = planning.operations[0]
        let po = try #require(state.productionOrders[ref.productionOrder])
        let step = try #require(state.routings[po.routing]?.operations.first { $0.sequence == ref.sequence })
        let modes = planning.problem.operations[0].modes
        #expect(modes.count == step.workCenters.count)
        for (mode, eligible) in zip(modes, step.workCenters) {
            #expect(planning.workCenters[mode.resource.rawValue] == eligible.workCenter)
            #expect(mode.duration == Int((eligible.setupMinutes + eligible.runMinutesPerUnit * po.quantity).rounded(.up)))
        }
    }

    @Test("Shifts become working time in the site's time zone: Monday 06:00–22:00 Berlin is 05:00–21:00 UTC")
    func shiftsInSiteTime() throws {
        let state = try demoState()
        let origin = try #require(TaktJSON.parseDate("2026-11-23T00:00:00Z"))  // Monday, 01:00 in Berlin
        let planning = try PlanningProblem(state: state, origin: origin)
        let lathe = try #require(planning.workCenters.firstIndex(where: { $0.rawValue.contains("LATHE") }))
        let breaks = planning.problem.resources[lathe].calendar.breaks
        // Working from minute 300 (05:00 UTC) to minute 1260 (21:00 UTC) on Monday.
        #expect(breaks.contains { $0.start <= 299 && $0.end == 300 })
        #expect(breaks.contains { $0.start == 1260 })
        #expect(!breaks.contains { $0.start < 1260 && $0.end > 300 })
    }

    /// Working minutes of `window` on a calendar: its length less the breaks inside it.
    static func workingMinutes(_ window: TimeWindow, _ calendar: ResourceCalendar) -> Int {
        window.length - calendar.breaks.reduce(0) { $0 + max(0, min($1.end, window.end) - max($1.start, window.start)) }
    }

    @Test(
        "A schedule of the demo plant passes the independent checker; each operation starts in its shift and gets its minutes of working time, pausing over shift gaps"
    )
    func solvedScheduleIsValid() throws {
        let state = try demoState()
        let planning = try PlanningProblem(state: state, origin: try #require(TaktJSON.parseDate("2026-11-23T07:00:00Z")))
        let result = try Scheduler.solve(planning.problem, options: SchedulingOptions(limits: SearchLimits(iterationLimit: 200), seed: 3, threads: 1))
        #expect(result.violations.isEmpty, "\(result.violations.prefix(3))")
        #expect(ScheduleChecker.violations(of: result.schedule, in: planning.problem).isEmpty)
        for placed in result.schedule.operations {
            let calendar = planning.problem.resources[placed.resource.rawValue].calendar
            let op = planning.problem.operations[placed.operation.rawValue]
            #expect(
                !calendar.breaks.contains { $0.start <= placed.start && $0.end > placed.start },
                "\(planning.operations[placed.operation.rawValue]) starts in a break"
            )
            #expect(
                Self.workingMinutes(TimeWindow(start: placed.start, end: placed.end), calendar) >= (op.duration(on: placed.resource) ?? 0),
                "\(planning.operations[placed.operation.rawValue]) gets its working minutes"
            )
        }
    }

    @Test("A big order whose operation takes longer than a day's two shifts is planned across days, not pushed past the horizon")
    func operationLongerThanAShift() throws {
        var state = try demoState()
        let origin = try #require(TaktJSON.parseDate("2026-11-23T07:00:00Z"))
        let routing = try #require(
            state.routings.values.filter { ($0.operations.first?.workCenters.first?.runMinutesPerUnit ?? 0) > 0 }.min { $0.id < $1.id }
        )
        let first = try #require(routing.operations.first?.workCenters.first)
        let quantity = (2_000 / first.runMinutesPerUnit).rounded(.up)  // more than 2,000 minutes of work: two days of two shifts
        let events = try state.decide(
            .createProductionOrder(
                NewProductionOrder(
                    id: "PO-BIG",
                    item: routing.item,
                    quantity: quantity,
                    routing: routing.id,
                    dueDate: origin.addingTimeInterval(20 * 86_400)
                )
            ),
            actor: nil,
            now: origin
        )
        for event in events { state.apply(event, sequence: state.sequence + 1) }
        let planning = try PlanningProblem(state: state, origin: origin)
        let result = try Scheduler.solve(planning.problem, options: SchedulingOptions(limits: SearchLimits(iterationLimit: 100), seed: 1, threads: 1))
        #expect(result.violations.isEmpty)
        let i = try #require(planning.operations.firstIndex { $0.productionOrder == "PO-BIG" && $0.sequence == routing.operations[0].sequence })
        let placed = result.schedule.operations[i]
        let calendar = planning.problem.resources[placed.resource.rawValue].calendar
        let duration = try #require(planning.problem.operations[i].duration(on: placed.resource))
        #expect(duration > 2_000)
        #expect(Self.workingMinutes(TimeWindow(start: placed.start, end: placed.end), calendar) == duration, "it gets exactly its working minutes")
        #expect(placed.end - placed.start > duration, "it pauses over the nights")
        // The failure this guards against pushed it to minute 42,250 (past the 28-day horizon); a queue of days ahead of it is real.
        #expect(placed.end < 14 * 24 * 60, "it ends within two weeks, not at the end of the 28-day horizon: \(placed)")
    }

    @Test("An order whose routing no longer exists is named in the error")
    func missingRouting() throws {
        var state = try demoState()
        let id = try #require(state.productionOrders.values.first { $0.status == .planned }?.id)
        state.productionOrders[id]?.routing = "RT-GONE"
        #expect(throws: PlanningError.self) { try PlanningProblem(state: state, origin: Date(timeIntervalSince1970: 1_795_000_000)) }
    }

    @Test("Capable-to-promise fits a new order around the published schedule without moving any scheduled operation")
    func promiseKeepsTheSchedule() throws {
        let state = try demoState()
        let origin = try #require(TaktJSON.parseDate("2026-11-23T07:00:00Z"))
        let planning = try PlanningProblem(state: state, origin: origin)
        let result = try Scheduler.solve(planning.problem, options: SchedulingOptions(limits: SearchLimits(iterationLimit: 100), seed: 2, threads: 1))
        let published = PublishedSchedule(
            id: "SCH-000001",
            origin: origin,
            steps: result.schedule.operations.map { p in
                let ref = planning.operations[p.operation.rawValue]
                return ScheduledStep(
                    productionOrder: ref.productionOrder,
                    sequence: ref.sequence,
                    name: ref.name,
                    workCenter: planning.workCenters[p.resource.rawValue],
                    start: planning.date(p.start),
                    end: planning.date(p.end)
                )
            },
            weightedTardinessMinutes: 0,
            makespanMinutes: 0,
            totalSetupMinutes: 0,
            lateOrders: []
        )
        let template = try #require(state.productionOrders.values.filter { $0.status == .planned }.min { $0.id < $1.id })
        let order = ProductionOrder(
            id: "PROMISE-QUERY",
            item: template.item,
            quantity: 5,
            routing: template.routing,
            dueDate: origin,
            createdAt: origin
        )
        let answer = try PlanningProblem.capableToPromise(
            order,
            in: state,
            keeping: published,
            origin: origin,
            options: SchedulingOptions(limits: SearchLimits(iterationLimit: 100), seed: 1, threads: 1)
        )
        #expect(answer.basedOn == "SCH-000001")
        #expect(answer.steps.count == state.routings[template.routing]?.operations.count)
        #expect(answer.earliestCompletion == answer.steps.map(\.end).max())
        // The new order's operations use capacity the schedule leaves free: no overlap with any published step.
        for step in answer.steps {
            let clash = published.steps.first { $0.workCenter == step.workCenter && $0.start < step.end && step.start < $0.end }
            #expect(clash == nil, "\(step) overlaps \(String(describing: clash))")
        }
    }
}
