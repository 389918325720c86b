import Foundation
import TaktCore
import TaktPlanning
import TaktScheduling
import Testing

@testable import TaktOrchestration

@Suite("Plans respect what the plant knows")
struct OvertimeOnADownMachineTests {
    typealias F = OrchestrationFixture

    @Test(
        "Overtime proposed on a work center the plant knows is down goes in a shift gap after the downtime, and the plan that uses it starts nothing there inside the downtime"
    )
    func overtimeDoesNotReopenADownMachine() throws {
        var state = F.scaleOne
        // The work center with the most published work starting in the next two hours: what a wrongly reopened machine would run.
        var early: [WorkCenter.ID: Int] = [:]
        for step in state.publishedSchedule?.steps ?? [] where step.start >= F.now && step.start < F.now.addingTimeInterval(7200) {
            early[step.workCenter, default: 0] += 1
        }
        let wc = try #require(early.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key)
        let until = F.now.addingTimeInterval(6 * 3600)
        try F.record(.setMachineState(SetMachineState(workCenter: wc, state: .down, reason: "breakdown", expectedUntil: until)), on: &state)

        // Any disruption elsewhere will do: the plan as it is, with overtime asked for on the down work center from now.
        let ctx = try Context(
            state: state,
            disruption: Disruption(kind: .outcomeRequest, from: F.now),
            sim: Simulator(now: F.now, options: AnalysisOptions())
        )
        let (overtime, sc, outcome) = try #require(Actions.overtime(ctx, wc: wc, after: F.now, reason: "test", score: { ctx.cost($0) }))
        #expect(overtime.start >= until, "overtime from \(overtime.start), the machine is down until \(until)")
        let running = Set(state.operations.flatMap { id, ops in ops.filter { $0.status == .running }.map { "\(id)#\($0.sequence)" } })
        let inside = sc.planning.steps(outcome.schedule.operations).filter {
            $0.workCenter == wc && $0.start >= F.now && $0.start < until && !running.contains("\($0.productionOrder)#\($0.sequence)")
        }
        #expect(inside.isEmpty, "starts inside the downtime: \(inside.map { "\($0.productionOrder) \($0.sequence) at \($0.start)" })")
    }
}
