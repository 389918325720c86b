import Foundation
import TaktCore
import TaktDemo
import TaktOrchestration
import TaktPlanning
import TaktScheduling
import Testing

/// The demo pump plant built in memory through decide and apply, with a schedule published first (as a planner does
/// with POST /api/v1/schedule/runs, but iteration-limited so the tests are deterministic).
enum OrchestrationFixture {
    /// The demo's start: midnight UTC, Tuesday 24 November 2026.
    static let start = TaktJSON.parseDate("2026-11-24T00:00:00Z") ?? Date(timeIntervalSince1970: 0)
    /// "Now" in the tests: 08:00 in Berlin, the early shift is running.
    static let now = start.addingTimeInterval(7 * 3600)

    static let scaleOne: PlantState = build(scale: 1)

    static func build(scale: Int) -> PlantState {
        var state = PlantState()
        for command in DemoPlant.commands(seed: 42, scale: scale, start: start) {
            guard let events = try? state.decide(command, actor: nil, now: start) else { continue }
            for event in events { state.apply(event, sequence: state.sequence + 1) }
        }
        publish(&state)
        return state
    }

    /// Schedules every open order and publishes the result as `SCH-000001`.
    static func publish(_ state: inout PlantState) {
        guard let planning = try? PlanningProblem(state: state, origin: now),
            let result = try? Scheduler.solve(
                planning.problem,
                options: SchedulingOptions(limits: SearchLimits(iterationLimit: 200), seed: 1, threads: 1)
            )
        else { return }
        _ = try? record(.publishSchedule(planning.published(result.schedule, id: "SCH-000001")), on: &state)
    }

    /// Decides and applies a command as the plant would (the orchestrator runs as the system actor).
    @discardableResult
    static func record(_ command: Command, on state: inout PlantState, at date: Date = now) throws -> [Event] {
        let events = try state.decide(command, actor: nil, now: date)
        for event in events { state.apply(event, sequence: state.sequence + 1) }
        return events
    }

    /// Carries out every command of an action's steps in order; the first rejection fails the test.
    static func execute(
        _ action: ProposedAction,
        on state: inout PlantState,
        at date: Date = now,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        for step in action.steps {
            for command in step.commands {
                do {
                    try record(command, on: &state, at: date)
                } catch {
                    Issue.record("\(action.id) \(step.kind.rawValue): \(command.typeName) was rejected: \(error)", sourceLocation: sourceLocation)
                    return false
                }
            }
        }
        return true
    }

    static func playbook(_ kind: DisruptionKind, actions: [ActionKind], severity: ExceptionSeverity = .medium) -> Playbook {
        Playbook(
            id: Playbook.ID("PB-\(kind.rawValue.uppercased())"),
            name: "Test \(kind.rawValue)",
            event: "machineStateChanged",
            exceptionKind: kind,
            severity: severity,
            functions: [.production],
            actions: actions,
            assumedDurationMinutes: 480
        )
    }

    static func trigger(_ disruption: Disruption, actions: [ActionKind], subject: String, title: String, sequence: Int64 = 1000) -> Trigger {
        Trigger(
            playbook: playbook(disruption.kind, actions: actions),
            disruption: disruption,
            subject: subject,
            title: title,
            sourceSequence: sequence,
            sourceEvent: "test"
        )
    }

    /// The machining work center with the most scheduled minutes in the next two days.
    static func busiestMachining(_ state: PlantState) -> WorkCenter.ID? {
        var load: [WorkCenter.ID: Double] = [:]
        for step in state.publishedSchedule?.steps ?? []
        where state.workCenters[step.workCenter]?.kind == .machining
            && step.start < now.addingTimeInterval(2 * 86_400) && step.end > now
        {
            load[step.workCenter, default: 0] += step.end.timeIntervalSince(step.start)
        }
        return load.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
    }
}
