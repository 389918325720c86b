public import Foundation
public import TaktCore
public import TaktEngine
public import TaktStore
public import Tracing

/// The one seam between front ends and the engine, as the server implements ``PlantServing``: every use case a front
/// end may call (the API, the web app, the CLI, and next the MCP server and the integrations). Front ends parse a
/// request and format an answer; the rules — who may do what, which values are allowed, how a schedule run or a
/// promise is made — live here or below, once.
///
/// Reads never compute inside the engine's actor: ``read(_:)`` takes a copy of the committed state (copy-on-write, so
/// the copy is cheap) and runs the caller's work on the caller's task, so a heavy page never delays a command.
///
/// The service does not assume that its engine is the only writer: followers read the store (``follow(after:idle:)``),
/// and the engine's notification only wakes them early.
public struct PlantService: Sendable {
    let engine: Engine
    /// Where the spans of commands and schedule runs go: the process's tracer (a no-op unless `takt serve` was given an
    /// OTLP endpoint), or a test's.
    let tracer: any Tracer
    /// Which receivers a webhook subscription may name (`takt serve --webhooks-loopback-only`: this machine only).
    public let webhookTargets: WebhookTargetPolicy
    /// How an uploaded PDF becomes text (Documents.swift): `pdftotext -layout`, or a test's reader.
    public let pdfText: PDFTextReader
    /// The machine-data bridge's status, when `takt serve` runs one.
    public let machineData: MachineDataBoard

    public init(
        engine: Engine,
        webhookTargets: WebhookTargetPolicy = .any,
        tracer: any Tracer = InstrumentationSystem.tracer,
        pdfText: PDFTextReader = .pdftotext,
        machineData: MachineDataBoard = MachineDataBoard()
    ) {
        self.engine = engine
        self.machineData = machineData
        self.webhookTargets = webhookTargets
        self.tracer = tracer
        self.pdfText = pdfText
    }

    /// The plant's clock (injected: tests run on a fixed one).
    public var now: @Sendable () -> Date { engine.now }

    // MARK: - Reads

    /// Runs `body` on a copy of the committed state, outside the engine's actor.
    public func read<T: Sendable, Failure: Error>(
        _ body: @escaping @Sendable (PlantState) throws(Failure) -> T
    ) async throws(Failure) -> T {
        try await engine.read(body)
    }

    /// A copy of the committed state.
    public func snapshot() async -> PlantState { await engine.snapshot() }

    /// The sequence of the last committed event.
    public var committedSequence: Int64 { get async { await engine.committedSequence } }

    /// Up to `limit` events after `after`, as stored.
    public func events(after: Int64, limit: Int) async throws -> [RecordedEvent] {
        try await engine.events(after: after, limit: limit)
    }

    /// Follows the log from `position` (see ``LogFollower``): the one loop every stream and follower uses.
    public func follow(after position: Int64, pageSize: Int = 500, idle: Duration = .seconds(1)) -> LogSteps {
        engine.follow(after: position, pageSize: pageSize, idle: idle)
    }

    /// Waits until an event after `position` is committed, at most `timeout`; true when there is one.
    public func waitForCommit(after position: Int64, timeout: Duration) async -> Bool {
        await engine.waitForCommit(after: position, timeout: timeout)
    }

    // MARK: - Identity

    public func authenticate(tokenSecret: String, client: String) async -> Engine.Authentication {
        await engine.authenticate(tokenSecret: tokenSecret, client: client)
    }

    public func authenticate(user: User.ID, password: String, client: String) async -> Engine.Authentication {
        await engine.authenticate(user: user, password: password, client: client)
    }

    public func setPassword(
        of user: User.ID,
        to password: String,
        current: String?,
        by actor: Actor,
        client: String
    ) async throws
        -> CommandOutcome
    {
        try await engine.setPassword(of: user, to: password, current: current, by: actor, client: client)
    }

    /// Lowercase hex SHA-256 of a token secret (what the log keeps instead of the secret).
    public static func hash(secret: String) -> String { Engine.hash(secret: secret) }

    /// A new random token secret.
    public static func newTokenSecret() -> String { Engine.newTokenSecret() }

    /// A new random webhook signing secret (256 bits): `whsec_` and 43 base64url characters.
    public static func newWebhookSecret() -> String {
        WebhookSubscription.secretPrefix + Engine.newTokenSecret().dropFirst("takt_".count)
    }

    /// The digest that identifies an HTTP request for idempotency.
    public static func requestDigest(method: String, target: String, body: some Sequence<UInt8>) -> String {
        Engine.requestDigest(method: method, target: target, body: body)
    }

    // MARK: - Commands

    /// Validates and applies one command (see ``Engine/submit(_:)``).
    /// A span `command <type>` (a child of the request's) covers the wait for the group commit and the commit.
    public func submit(_ envelope: CommandEnvelope) async throws -> CommandOutcome {
        try await tracer.withSpan("command \(envelope.command.typeName)", ofKind: .internal) { span in
            span.attributes["takt.command"] = envelope.command.typeName
            try webhookTargets.check(envelope.command)
            let outcome = try await engine.submit(envelope)
            span.attributes["takt.events"] = outcome.events.count
            span.attributes["takt.replayed"] = outcome.replayed
            return outcome
        }
    }

    /// Validates and applies commands in order, each with its own answer (one span, `command batch`).
    public func submitBatch(_ envelopes: [CommandEnvelope]) async -> [Result<CommandOutcome, any Error>] {
        await tracer.withSpan("command batch", ofKind: .internal) { span in
            span.attributes["takt.commands"] = envelopes.count
            // A command the server's webhook policy refuses is answered with its refusal; the others are submitted as usual.
            let refusals = envelopes.map { e -> (any Error)? in
                do { try webhookTargets.check(e.command) } catch { return error }
                return nil
            }
            let allowed = envelopes.enumerated().filter { refusals[$0.offset] == nil }.map(\.element)
            var answers = await engine.submitBatch(allowed).makeIterator()
            let results = refusals.map { refusal -> Result<CommandOutcome, any Error> in
                if let refusal { return .failure(refusal) }
                return answers.next() ?? .failure(EngineError(.internal, "a batch answer is missing"))
            }
            span.attributes["takt.refused"] = results.count { if case .failure = $0 { true } else { false } }
            return results
        }
    }

    /// The first answer to a repeated keyed request, if `caller`'s key was recorded for `actor` (nil: compute it).
    func recordedAnswer(for caller: Caller, as actor: Actor, key: String?) async throws -> CommandOutcome? {
        guard let key, let digest = caller.requestDigest else { return nil }
        return try await engine.recordedAnswer(actor: actor, idempotencyKey: key, requestDigest: digest)
    }

    /// Master-data changes from the log (who changed what, before and after).
    public func masterDataChanges(subject: String?) async throws -> [MasterDataChange] {
        try await engine.masterDataChanges(subject: subject)
    }
}
