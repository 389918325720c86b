public import Foundation
public import TaktCore

/// What the analysis could not do, in words a planner can act on.
public struct OrchestrationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The input field at fault (e.g. `text`, `date`, `salesOrder`), or `(plant)`.
    public var field: String
    public var rule: String
    public var message: String
    public init(field: String, rule: String, message: String) {
        self.field = field
        self.rule = rule
        self.message = message
    }
    public var description: String { "\(field): \(message) [\(rule)]" }
}

extension OrchestrationError: PresentableError {
    /// 422 `invalid-command`: the request (in words or structured) names something the plan cannot be made of; the field
    /// and rule say what.
    public var presentation: ErrorPresentation {
        .invalidCommand(message, [Violation(field: field, rule: rule, message: message)])
    }
}

/// An event a playbook reacts to, turned into a disruption the simulation understands.
public struct Trigger: Sendable, Hashable {
    public var playbook: Playbook
    public var disruption: Disruption
    /// e.g. `machine-slow:MILL-1`; a newer exception on the same subject supersedes an open one.
    public var subject: String
    /// A one-line title for the inbox, e.g. "MILL-1 runs at 60% of its ideal rate".
    public var title: String
    public var sourceSequence: Int64
    public var sourceEvent: String
    public init(playbook: Playbook, disruption: Disruption, subject: String, title: String, sourceSequence: Int64, sourceEvent: String) {
        self.playbook = playbook
        self.disruption = disruption
        self.subject = subject
        self.title = title
        self.sourceSequence = sourceSequence
        self.sourceEvent = sourceEvent
    }
}

/// The orchestrator's pure analysis: which events matter, what they do to the plan, what could be done about it,
/// and whether what was done worked. Every function reads a `PlantState` and returns values; nothing here writes.
public enum Orchestration {
    /// The playbook that matches `event` (the first enabled one, by ID, whose event type and conditions match) and
    /// the disruption it describes, or nil when no playbook cares about the event.
    public static func trigger(_ event: Event, sequence: Int64, recordedAt: Date, state: PlantState) -> Trigger? {
        Triggers.match(event, sequence: sequence, recordedAt: recordedAt, state: state)
    }

    /// The subject (and kind) an event would raise an exception on, without simulating: cheap, for deciding who handles it.
    public static func subject(_ event: Event, recordedAt: Date, state: PlantState) -> (subject: String, kind: DisruptionKind)? {
        Triggers.subject(event, recordedAt: recordedAt, state: state)
    }

    /// The exception for a trigger: impact by simulation with and without the disruption, the playbook's candidate
    /// actions each simulated and ranked by the cost model. Its `id` is a placeholder; the plant numbers it.
    public static func assess(
        _ trigger: Trigger,
        state: PlantState,
        now: Date,
        options: AnalysisOptions = AnalysisOptions()
    ) throws(OrchestrationError)
        -> PlantException
    {
        if trigger.sourceEvent == EventKind.documentVerified.rawValue {
            return try DocumentAssessment.assess(trigger, state: state, now: now, options: options)
        }
        return try Assessment.assess(trigger, state: state, now: now, options: options)
    }

    /// Up to three plan options for an outcome a user asks for, as an exception of kind `outcome-request` whose
    /// actions are the options (each a sequence of steps with its predicted KPIs and the approvals it needs).
    public static func plan(
        _ request: OutcomeRequest,
        text: String?,
        state: PlantState,
        now: Date,
        by user: User.ID?,
        options: AnalysisOptions = AnalysisOptions()
    ) throws(OrchestrationError) -> PlantException {
        try OutcomePlanner.plan(request, text: text, state: state, now: now, by: user, options: options)
    }

    /// After an action was carried out: simulate the exception's disruption again on the plant as it now is (its
    /// published schedule kept, right-shifted where the disruption pushes it) and compare with what the action
    /// predicted. It passes when late customer lines and late orders are not above the prediction and total lateness
    /// is at most max(30 min, 10 %) above it; the text gives both sets of numbers.
    public static func verify(
        _ exception: PlantException,
        action: ProposedAction,
        state: PlantState,
        now: Date,
        options: AnalysisOptions = AnalysisOptions()
    ) -> Verification {
        Assessment.verify(exception, action: action, state: state, now: now, options: options)
    }

    /// An approved plan carried out on the plant as it is: every operation kept on the work center and in the order the
    /// plan gives it, timed again on today's picture of the plant (a machine that went down since the plan was made, a hold,
    /// a new overrun), as the published schedule. The plan's intent survives; its times follow what the plant now knows.
    /// Nil when the plant cannot be planned (the caller then publishes the plan as approved).
    public static func retime(_ schedule: PublishedSchedule, state: PlantState, now: Date) -> PublishedSchedule? {
        var plant = state
        plant.publishedSchedule = schedule  // the plan to keep: its work centers, sequences and starts
        let sim = Simulator(now: now, options: AnalysisOptions())
        guard let sc = try? sim.base(plant), let timed = try? sim.decode(sc, sim.referencePlan(sc)) else { return nil }
        return sim.published(sc, timed, id: schedule.id)
    }

    /// Reads an outcome request written in plain English (deterministic, offline), e.g.
    /// "expedite SO-10012 to 2026-12-01", "fit a rush order for 20 P-NB-32-160 by Friday",
    /// "take MILL-1 down from 2026-12-02 06:00 to 14:00", "what if PO-000031 is cancelled".
    public static func parse(_ text: String, state: PlantState, now: Date) throws(OrchestrationError) -> OutcomeRequest {
        try RequestParser.parse(text, state: state, now: now)
    }
}
