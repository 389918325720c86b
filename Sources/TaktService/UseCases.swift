public import TaktCore
public import TaktEngine

/// The use cases a front end may call that are not a single command, with the roles that may call them. A command's
/// roles are the command registry's; these are the only other role lists, and every front end (API, web app, CLI, MCP)
/// asks this table — none keeps its own.
public enum UseCase: String, CaseIterable, Sendable {
    /// Run the optimizer on the plant and publish the schedule (the roles of `publishSchedule`).
    case runSchedule
    /// Capable-to-promise: the earliest date a new order could be finished.
    case promise
    /// Ask for an outcome ("expedite SO-10012 to 2026-12-01") and get plan options as an exception.
    case requestOutcome
    /// See another user's labour (everyone sees their own).
    case readOthersLabour
    /// See another user's API tokens, never their secrets (everyone sees their own).
    case readOthersTokens
    /// See the webhook subscriptions (never their secrets) and their dead letters.
    case readWebhooks

    /// The roles that may call it (admins may call every use case).
    public var roles: Set<Role> {
        switch self {
        case .runSchedule: [.admin, .planner]
        case .promise: [.admin, .planner, .sales]
        case .requestOutcome: [.admin, .planner, .sales, .supervisor]
        case .readOthersLabour: [.admin, .supervisor, .planner]
        case .readOthersTokens: [.admin]
        case .readWebhooks: [.admin]
        }
    }

    /// Refuses a user who holds none of the roles (an `EngineError` `forbidden`, as a command would be refused).
    public func authorize(_ user: User) throws(EngineError) {
        guard user.active else { throw EngineError(.forbidden, "user '\(user.id)' is inactive") }
        if user.has(.admin) || !roles.isDisjoint(with: user.roles) { return }
        throw EngineError(.forbidden, "\(summary) needs one of the roles: \(roles.sorted().map(\.rawValue).joined(separator: ", "))")
    }

    /// True when the user may call it.
    public func allows(_ user: User) -> Bool { (try? authorize(user)) != nil }

    /// How a refusal names it.
    public var summary: String {
        switch self {
        case .runSchedule: "a schedule run"
        case .promise: "capable-to-promise"
        case .requestOutcome: "an outcome request"
        case .readOthersLabour: "seeing another user's labour"
        case .readOthersTokens: "seeing another user's tokens"
        case .readWebhooks: "seeing webhook subscriptions"
        }
    }
}

/// Who asks, with the request's metadata: what every use case needs to know about its caller.
public struct Caller: Sendable {
    public var user: User
    /// A repeat with the same key is applied once and answers the same.
    public var idempotencyKey: String?
    /// Identifies the request for idempotency when the command is derived from it (a schedule computed now).
    public var requestDigest: String?
    public var correlationID: String?
    /// The AI agent calling for the user, when one is: what it causes is recorded with it (`agentActed`).
    public var agent: AgentAct?

    public init(
        user: User,
        idempotencyKey: String? = nil,
        requestDigest: String? = nil,
        correlationID: String? = nil,
        agent: AgentAct? = nil
    ) {
        self.user = user
        self.idempotencyKey = idempotencyKey
        self.requestDigest = requestDigest
        self.correlationID = correlationID
        self.agent = agent
    }

    /// A command submitted for this caller: as its user, with its key, correlation and agent.
    public func envelope(_ command: Command) -> CommandEnvelope {
        var e = CommandEnvelope(
            command: command,
            actor: .user(user.id),
            idempotencyKey: idempotencyKey,
            correlationID: correlationID,
            requestDigest: requestDigest
        )
        e.agent = agent
        return e
    }
}

/// Which receivers webhook subscriptions may name: the server's own policy, on top of the core's rules for a URL.
public enum WebhookTargetPolicy: String, Sendable {
    /// Any `http` or `https` URL.
    case any
    /// This machine only (`localhost`, `127.0.0.0/8`, `::1`): `takt serve --webhooks-loopback-only`, for tests and demos.
    case loopbackOnly

    /// Refuses a command that would point a subscription elsewhere than the policy allows.
    public func check(_ command: Command) throws(DomainError) {
        guard self == .loopbackOnly else { return }
        let url: String? =
            switch command {
            case .createWebhookSubscription(let new): new.url
            case .updateWebhookSubscription(let update): update.url
            default: nil
            }
        if let url, WebhookTarget.problem(with: url) == nil, !WebhookTarget.isLoopback(url) {
            throw .invalid(
                "url",
                "loopback-only",
                "url must name this machine (localhost, 127.0.0.1 or ::1): the server runs with --webhooks-loopback-only"
            )
        }
    }
}
