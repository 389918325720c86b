import Foundation

/// An error that knows how it reads to a person and how a front end answers it. The API renders its presentation as
/// problem+json, the web app as words on the page; neither asks which type the error is.
///
/// An error that does not conform is a fault of the server: it is shown as ``ErrorPresentation/internal``, its
/// details go to the server log only.
public protocol PresentableError: Error {
    /// How the error is shown to the user and answered by every front end.
    var presentation: ErrorPresentation { get }
}

/// What a front end shows of an error: an HTTP status and a stable code, a title and a message for people, the
/// fields and rules that failed, whether the same request may simply be sent again, and headers the answer carries.
public struct ErrorPresentation: Sendable, Hashable {
    /// A stable name of the kind of error; the API's problem type is `urn:takt:problem:<code>`. A struct rather than an
    /// enum, so that a front end may add its own (the API's `too-large`, `method-not-allowed`) without breaking anyone.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The command is malformed or breaks a model rule (422).
        public static let invalidCommand = Code(rawValue: "invalid-command")
        /// The request itself cannot be read: malformed JSON, a missing field, a bad header (400).
        public static let badRequest = Code(rawValue: "bad-request")
        /// The caller did not say who they are (401).
        public static let unauthorized = Code(rawValue: "unauthorized")
        /// The caller's roles do not allow it (403).
        public static let forbidden = Code(rawValue: "forbidden")
        /// The thing asked for or referred to does not exist (404).
        public static let notFound = Code(rawValue: "not-found")
        /// The plant's state does not allow it now: wrong status, already exists (409).
        public static let conflict = Code(rawValue: "conflict")
        /// Shop-floor interlocks refused the action; a supervisor may override them (409).
        public static let interlock = Code(rawValue: "interlock")
        /// The idempotency key was used before for another request (409).
        public static let idempotencyKeyReused = Code(rawValue: "idempotency-key-reused")
        /// Too many failed attempts; `Retry-After` says when to try again (429).
        public static let tooManyRequests = Code(rawValue: "too-many-requests")
        /// The event store failed; nothing was applied; safe to retry (503).
        public static let storageUnavailable = Code(rawValue: "storage-unavailable")
        /// Something that should not happen happened: a fault of the server, not of the request (500).
        public static let `internal` = Code(rawValue: "internal")
    }

    /// A header the answer carries besides the body, e.g. `Retry-After`.
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The HTTP status of the answer (other front ends read its class: 4xx the request, 5xx the server).
    public var status: Int
    public var code: Code
    /// A short title for people, the same for every error of this code (the problem's `title`).
    public var title: String
    /// What went wrong in this case, in words (the problem's `detail`).
    public var message: String
    /// Every field and rule that failed (the problem's `errors`).
    public var violations: [Violation]
    /// True when sending the same request again (with the same idempotency key) is safe and may succeed.
    public var retrySafe: Bool
    public var headers: [Header]

    public init(
        status: Int,
        code: Code,
        title: String,
        message: String,
        violations: [Violation] = [],
        retrySafe: Bool = false,
        headers: [Header] = []
    ) {
        self.status = status
        self.code = code
        self.title = title
        self.message = message
        self.violations = violations
        self.retrySafe = retrySafe
        self.headers = headers
    }

    /// A fault of the server that a retry would not mend: its message says nothing of the internals, and a front end
    /// gives the user a reference (the request ID) under which the server logged the details.
    public var isInternal: Bool { status >= 500 && !retrySafe }

    /// The lines a person reads: each failed rule's message, or the message when no field is named.
    public var lines: [String] { violations.isEmpty ? [message] : violations.map(\.message) }

    /// The presentation of any error: its own when it has one, otherwise ``internal``.
    public static func of(_ error: any Error) -> ErrorPresentation {
        (error as? any PresentableError)?.presentation ?? .internal
    }

    // MARK: - The standard presentations (status, code and title are part of the API's contract)

    /// The command breaks a rule of the model: 422 `invalid-command`.
    public static func invalidCommand(_ message: String, _ violations: [Violation]) -> ErrorPresentation {
        ErrorPresentation(status: 422, code: .invalidCommand, title: "The command breaks a rule", message: message, violations: violations)
    }
    /// The request cannot be read: 400 `bad-request`.
    public static func badRequest(_ message: String, _ violations: [Violation]) -> ErrorPresentation {
        ErrorPresentation(status: 400, code: .badRequest, title: "The request is malformed", message: message, violations: violations)
    }
    /// Not allowed for the caller's roles: 403 `forbidden`.
    public static func forbidden(_ message: String, _ violations: [Violation] = []) -> ErrorPresentation {
        ErrorPresentation(status: 403, code: .forbidden, title: "Not allowed for your roles", message: message, violations: violations)
    }
    /// Does not exist: 404 `not-found`.
    public static func notFound(_ message: String, _ violations: [Violation] = []) -> ErrorPresentation {
        ErrorPresentation(status: 404, code: .notFound, title: "Not found", message: message, violations: violations)
    }
    /// The plant's state does not allow it: 409 `conflict`.
    public static func conflict(_ message: String, _ violations: [Violation]) -> ErrorPresentation {
        ErrorPresentation(
            status: 409,
            code: .conflict,
            title: "The command conflicts with the plant's state",
            message: message,
            violations: violations
        )
    }
    /// Interlocks refused a shop-floor action: 409 `interlock`.
    public static func interlock(_ message: String, _ violations: [Violation]) -> ErrorPresentation {
        ErrorPresentation(status: 409, code: .interlock, title: "Interlock", message: message, violations: violations)
    }
    /// The store failed and nothing was applied: 503 `storage-unavailable`, safe to retry with the same key, after the
    /// second `Retry-After` asks for.
    public static let storageUnavailable = ErrorPresentation(
        status: 503,
        code: .storageUnavailable,
        title: "The event store is unavailable",
        message: "the command was not stored; it is safe to retry it with the same Idempotency-Key",
        retrySafe: true,
        headers: [Header("Retry-After", "1")]
    )
    /// A fault of the server: 500 `internal`, no retry, no internals; the request ID identifies it in the server log.
    public static let `internal` = ErrorPresentation(
        status: 500,
        code: .internal,
        title: "Internal error",
        message: "an unexpected error occurred; the request ID identifies it in the server log"
    )
}
