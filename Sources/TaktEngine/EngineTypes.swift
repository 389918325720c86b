import Foundation
public import TaktCore
public import TaktStore

/// Who submits a command: a user, or the system itself (bootstrap, demo seeding).
public enum Actor: Sendable, Hashable, CustomStringConvertible {
    case user(User.ID)
    case system
    public var description: String {
        switch self {
        case .user(let id): id.rawValue
        case .system: "system"
        }
    }
}

/// A command with its metadata, as submitted to the engine.
public struct CommandEnvelope: Sendable {
    public var command: Command
    public var actor: Actor
    /// When set, a repeat with the same key by the same actor is applied once and answers the same.
    public var idempotencyKey: String?
    /// Ties events to the request that caused them; generated when absent.
    public var correlationID: String?
    /// A front end's own rule about the state, checked by the engine after the idempotency lookup and the role check and
    /// before the command is decided, atomically with it (e.g. `POST` creates only: the entity must not exist yet).
    /// A repeat of a keyed command replays the first answer without checking it again.
    public var precondition: (@Sendable (PlantState) throws -> Void)?
    /// What identifies the request behind a keyed command (``Engine/requestDigest(method:target:body:)``); nil: the command
    /// itself. The same key with another request is refused.
    public var requestDigest: String?
    /// The password re-entered for an electronic signature, when the command needs one (never stored).
    public var signature: SignatureCredential?
    /// Set by the engine once it verified the credential for this actor.
    var verified: VerifiedCredential?
    /// The AI agent that caused the command, when one did: recorded as an `agentActed` event in the same commit.
    public var agent: AgentAct?
    public init(
        command: Command,
        actor: Actor,
        idempotencyKey: String? = nil,
        correlationID: String? = nil,
        precondition: (@Sendable (PlantState) throws -> Void)? = nil,
        requestDigest: String? = nil,
        signature: SignatureCredential? = nil
    ) {
        self.command = command
        self.actor = actor
        self.idempotencyKey = idempotencyKey
        self.correlationID = correlationID
        self.precondition = precondition
        self.requestDigest = requestDigest
        self.signature = signature
    }
}

/// The answer to an accepted command: the events it appended.
public struct CommandOutcome: Sendable {
    public var events: [RecordedEvent]
    /// True when this answer is a replay for a repeated idempotency key.
    public var replayed: Bool
    public init(events: [RecordedEvent], replayed: Bool) {
        self.events = events
        self.replayed = replayed
    }
    /// The decoded domain events, in order.
    public func domainEvents() throws -> [Event] {
        let decoder = TaktJSON.decoder
        return try events.map { try Event(type: $0.type, payload: $0.payload, decoder: decoder) }
    }
}

/// Errors of the engine that are not domain rule violations.
public struct EngineError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The actor's roles do not allow the command.
        case forbidden
        /// The idempotency key was used before for a different request.
        case idempotencyKeyReused
        /// The idempotency key is malformed.
        case invalidIdempotencyKey
        /// The store failed (an append or a read); nothing was applied. Retrying is safe.
        case storage
        /// Something that should not happen happened (the optimizer produced an invalid schedule, an event the command
        /// should have recorded is missing, a recorded event cannot be read): a fault of the server, which a retry does
        /// not mend. The message goes to the server log, never to the user.
        case `internal`
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code.rawValue): \(message)" }
}

extension EngineError: PresentableError {
    /// `forbidden` 403; `idempotency-key-reused` 409; a malformed key 400 `bad-request`; `storage-unavailable` 503 (safe to
    /// retry); `internal` 500 with the message kept for the log.
    public var presentation: ErrorPresentation {
        switch code {
        case .forbidden:
            .forbidden(message)
        case .idempotencyKeyReused:
            ErrorPresentation(
                status: 409,
                code: .idempotencyKeyReused,
                title: "Idempotency key reused",
                message: message,
                violations: [Violation(field: "Idempotency-Key", rule: "reused", message: message)]
            )
        case .invalidIdempotencyKey:
            .badRequest(message, [Violation(field: "Idempotency-Key", rule: "format", message: message)])
        case .storage:
            .storageUnavailable
        case .internal:
            .internal
        }
    }
}
