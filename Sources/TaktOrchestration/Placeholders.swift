import Foundation
import TaktCore

// TEMPORARY during development of issue 6: replaced by the real implementations (and this file deleted) before landing.

public struct AnalysisOptions: Sendable, Hashable {
    public init() {}
}
enum Triggers {
    static func match(_ event: Event, sequence: Int64, recordedAt: Date, state: PlantState) -> Trigger? { nil }
}
enum Assessment {
    static func assess(_ trigger: Trigger, state: PlantState, now: Date, options: AnalysisOptions) throws(OrchestrationError) -> PlantException {
        throw OrchestrationError(field: "(plant)", rule: "unimplemented", message: "not yet built")
    }
    static func verify(_ exception: PlantException, action: ProposedAction, state: PlantState, now: Date, options: AnalysisOptions) -> Verification {
        Verification(action: action.id, expected: action.predicted, observed: action.predicted, passed: false, text: "not yet built", at: now)
    }
}
enum OutcomePlanner {
    static func plan(_ request: OutcomeRequest, text: String?, state: PlantState, now: Date, by user: User.ID?, options: AnalysisOptions)
        throws(OrchestrationError) -> PlantException
    {
        throw OrchestrationError(field: "(plant)", rule: "unimplemented", message: "not yet built")
    }
}
