import Foundation
import TaktCore
import TaktPlanning
import TaktScheduling
import Testing

/// The one picture of the plant that every plan is built on: the facts read from the plant, their assumed ends, and how a
/// plan respects them.
@Suite("One picture of the plant")
struct PlantPictureTests {
    static let origin = TaktJSON.parseDate("2026-11-23T07:00:00Z") ?? Date(timeIntervalSince1970: 0)

    static func record(_ command: Command, on state: inout PlantState, at date: Date = origin) throws {
        for event in try state.decide(command, actor: nil, now: date) { state.apply(event, sequence: state.sequence + 1) }
    }

    /// The machining work center with the most operations that can run nowhere else.
    static func soleMachine(_ state: PlantState) throws -> WorkCenter.ID {
        var count: [WorkCenter.ID: Int] = [:]
        for r in state.routings.values {
            for op in r.operations where op.workCenters.count == 1 { count[op.workCenters[0].workCenter, default: 0] += 1 }
        }
        return try #require(count.filter { state.workCenters[$0.key]?.kind == .machining }.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key)
    }

    @Test(
        "A machine reported down: the fact runs to its reported end; without one, to the playbook's assumption; long past it, the assumption from now"
    )
    func downFactsAndTheirEnds() throws {
        var state = try demoState()
        let wc = try Self.soleMachine(state)
        let reported = Self.origin.addingTimeInterval(6 * 3600)
        try Self.record(.setMachineState(SetMachineState(workCenter: wc, state: .down, reason: "spindle", expectedUntil: reported)), on: &state)
        var fact = try #require(PlantPicture(state: state, now: Self.origin).facts.first { $0.subject == "machine-down:\(wc)" })
        #expect(fact.disruption.from == Self.origin && fact.disruption.until == reported && fact.assumption == nil)

        try Self.record(.setMachineState(SetMachineState(workCenter: wc, state: .down, reason: "still broken")), on: &state)
        fact = try #require(PlantPicture(state: state, now: Self.origin, assumptions: PlanningAssumptions(minutes: [.machineDown: 90])).facts.first)
        #expect(fact.disruption.until == Self.origin.addingTimeInterval(90 * 60))
        #expect(fact.assumption?.contains("assumed 1 h 30 min") == true, "\(fact.assumption ?? "")")

        let later = Self.origin.addingTimeInterval(10 * 3600)
        fact = try #require(PlantPicture(state: state, now: later, assumptions: PlanningAssumptions(minutes: [.machineDown: 90])).facts.first)
        #expect(fact.disruption.until == later.addingTimeInterval(90 * 60), "overdue and still down: the assumption from now")

        try Self.record(.setMachineState(SetMachineState(workCenter: wc, state: .running)), on: &state)
        #expect(PlantPicture(state: state, now: later).facts.isEmpty, "back running: nothing left to respect")
    }

    @Test("A plan on the plant's picture starts nothing on a down machine inside its downtime; the picture without the fact does")
    func plansRespectTheDowntime() throws {
        var state = try demoState()
        let wc = try Self.soleMachine(state)
        let until = Self.origin.addingTimeInterval(12 * 3600)
        try Self.record(.setMachineState(SetMachineState(workCenter: wc, state: .down, reason: "spindle", expectedUntil: until)), on: &state)
        func starts(_ picture: PlantPicture?) throws -> [Date] {
            let planning = try PlanningProblem(state: state, origin: Self.origin, picture: picture)
            let result = try Scheduler.solve(
                planning.problem,
                options: SchedulingOptions(limits: SearchLimits(iterationLimit: 50), seed: 1, threads: 1)
            )
            #expect(result.violations.isEmpty)
            let running = Set(state.operations.flatMap { id, ops in ops.filter { $0.status == .running }.map { "\(id)#\($0.sequence)" } })
            return planning.steps(result.schedule.operations).filter {
                $0.workCenter == wc && !running.contains("\($0.productionOrder)#\($0.sequence)")
            }
            .map(\.start)
        }
        let window = Self.origin..<until
        #expect(try starts(nil).allSatisfy { !window.contains($0) }, "the plant's picture keeps the machine free")
        let without = PlantPicture(state: state, now: Self.origin).excluding(["machine-down:\(wc)"])
        #expect(try starts(without).contains { window.contains($0) }, "without the fact, work is planned on it (the test can fail)")
    }

    @Test("A slow machine loses its share of the window; a hold stops its work center and its orders; facts learned later are left out when asked")
    func slowHoldAndKnownAt() throws {
        var state = try demoState()
        let wc = try Self.soleMachine(state)
        try Self.record(
            .setMachineState(
                SetMachineState(
                    workCenter: wc,
                    state: .slow,
                    reason: "worn",
                    actualRate: 4,
                    idealRate: 10,
                    expectedUntil: Self.origin.addingTimeInterval(8 * 3600)
                )
            ),
            on: &state
        )
        let later = Self.origin.addingTimeInterval(3600)
        try Self.record(.placeHold(PlaceHold(workCenter: "WC-TEST-1", reason: "calibration overdue")), on: &state, at: later)
        let picture = PlantPicture(state: state, now: later)
        let slow = try #require(picture.facts.first { $0.subject == "machine-slow:\(wc)" })
        #expect(abs((slow.disruption.rateFactor ?? 0) - 0.4) < 1e-9)
        let hold = try #require(picture.facts.first { $0.disruption.kind == .qualityHold })
        #expect(hold.disruption.workCenter == "WC-TEST-1" && hold.since == later)
        #expect(picture.known(at: Self.origin).facts.map(\.subject) == [slow.subject], "the hold came after")

        // The slow machine: the plan's calendar loses 60 % of the working minutes in the window.
        let base = try PlanningProblem(state: state, origin: later, picture: PlantPicture(facts: []))
        let slowed = try PlanningProblem(state: state, origin: later, picture: PlantPicture(facts: [slow]))
        let r = try #require(base.workCenters.firstIndex(of: wc))
        let window = TimeWindow(start: 0, end: 7 * 60)
        let working = PlanningProblem.workingWindows(in: window, of: base.problem.resources[r].calendar).reduce(0) { $0 + $1.length }
        let left = PlanningProblem.workingWindows(in: window, of: slowed.problem.resources[r].calendar).reduce(0) { $0 + $1.length }
        #expect(working > 0 && abs(Double(left) - Double(working) * 0.4) <= 2, "\(left) of \(working) working minutes left")
        // The held work center does not work until the hold's assumed end.
        let held = try PlanningProblem(state: state, origin: later, picture: PlantPicture(facts: [hold]))
        let t = try #require(held.workCenters.firstIndex(of: "WC-TEST-1"))
        #expect(PlanningProblem.workingWindows(in: TimeWindow(start: 0, end: 24 * 60), of: held.problem.resources[t].calendar).isEmpty)
    }
}
