import Foundation
public import TaktCore
public import TaktEngine
import TaktOrchestration

/// An outcome asked for in words ("expedite SO-10012 to 2026-12-01") or in its structured form.
public enum OutcomeAsk: Sendable, Hashable {
    case words(String)
    case structured(OutcomeRequest)
}

extension PlantService {
    /// Asks for an outcome, in words or structured: the orchestration analysis plans up to three options, recorded as an exception raised by the
    /// caller. The same rule for every front end: the roles of ``UseCase/requestOutcome``; the exception is written by
    /// the server on the caller's behalf (raising exceptions is the orchestrator's command), with the caller's
    /// idempotency key kept apart from everyone else's.
    /// - Returns: the outcome of `raiseException` (its `exceptionRaised` or `exceptionUpdated` event holds the options).
    public func requestOutcome(_ ask: OutcomeAsk, by caller: Caller) async throws -> CommandOutcome {
        let user = caller.user
        try UseCase.requestOutcome.authorize(user)
        let actor: Actor = user.has(.admin) ? .user(user.id) : .system
        let key = caller.idempotencyKey.map { user.has(.admin) ? $0 : "outcome:\(user.id):\($0)" }
        // A retry of a keyed request answers the first one's options without planning again.
        if let first = try await recordedAnswer(for: caller, as: actor, key: key) { return first }
        let state = await snapshot()
        let now = now()
        let outcome: OutcomeRequest
        let words: String?
        switch ask {
        case .words(let t):
            let trimmed = t.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                throw DomainError.invalid("text", "required", "say what outcome you want, e.g. \"expedite SO-10012 to 2026-12-01\"")
            }
            do throws(OrchestrationError) {
                outcome = try Orchestration.parse(trimmed, state: state, now: now)
            } catch {
                throw DomainError.invalid("text", error.rule, error.message)
            }
            words = trimmed
        case .structured(let s):
            outcome = s
            words = nil
        }
        var exception: PlantException
        do throws(OrchestrationError) {
            exception = try Orchestration.plan(outcome, text: words, state: state, now: now, by: user.id)
        } catch {
            let field = words != nil ? "text" : (error.field == "(plant)" ? "request" : "request.\(error.field)")
            throw DomainError.invalid(field, error.rule, error.message)
        }
        exception.raisedBy = user.id
        if exception.request == nil { exception.request = outcome }
        if exception.requestText == nil { exception.requestText = words }
        var envelope = CommandEnvelope(
            command: .raiseException(exception),
            actor: actor,
            idempotencyKey: key,
            correlationID: caller.correlationID,
            requestDigest: caller.requestDigest
        )
        envelope.agent = caller.agent
        return try await submit(envelope)
    }
}

extension CommandOutcome {
    /// The exception an outcome request or a raised exception recorded (its ID), if any.
    public var exceptionID: PlantException.ID? {
        for case .exceptionRaised(let e) in (try? domainEvents()) ?? [] { return e.id }
        for case .exceptionUpdated(let e) in (try? domainEvents()) ?? [] { return e.id }
        return nil
    }
}
