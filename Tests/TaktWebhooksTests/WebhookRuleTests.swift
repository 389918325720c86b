import Foundation
import Logging
import TaktCore
import TaktEngine
import TaktService
import TaktStore
import Testing

/// The rules of subscriptions and dead letters, through the engine (roles) and the service (the server's target policy).
@Suite("Webhook rules")
struct WebhookRuleTests {
    static func engine() async throws -> Engine {
        try await Engine.open(store: InMemoryEventStore(), now: { WebhookDeliveryTests.now }, logger: WebhookDeliveryTests.quiet)
    }

    static func create(_ url: String, types: [String] = ["lotMoved"], secret: String = PlantService.newWebhookSecret()) -> Command {
        .createWebhookSubscription(NewWebhookSubscription(url: url, eventTypes: types, secret: secret))
    }

    /// The (field, rule) pairs a refusal names.
    static func refusal(_ engine: Engine, _ command: Command, as actor: Actor = .system) async -> [String] {
        do {
            _ = try await engine.submit(CommandEnvelope(command: command, actor: actor))
            return []
        } catch let error as DomainError {
            return error.violations.map { "\($0.field)|\($0.rule)" }
        } catch {
            return ["\(error)"]
        }
    }

    @Test("A bad URL is refused naming the field and the rule, each kind of bad in words")
    func badURLs() async throws {
        let engine = try await Self.engine()
        for url in [
            "", "not a url", "ftp://example.com/hook", "http:///nohost", "https://user:pw@example.com/hook", "https://example.com/#frag",
            // A port the network cannot have: once accepted, it stopped the server at the first delivery.
            "http://127.0.0.1:99999/x", "http://127.0.0.1:0/x",
        ] {
            #expect(await Self.refusal(engine, Self.create(url)) == ["url|http-url"], "\(url)")
        }
        #expect(await Self.refusal(engine, Self.create("https://erp.example.com/takt/events")) == [])
        #expect(await Self.refusal(engine, Self.create("https://erp.example.com:65535/takt/events")) == [])
    }

    @Test("Unknown event types, webhook bookkeeping, a bad secret and bad conditions are refused, all at once")
    func badFields() async throws {
        let engine = try await Self.engine()
        let command = Command.createWebhookSubscription(
            NewWebhookSubscription(
                url: "http://127.0.0.1:1/x",
                eventTypes: ["lotTeleported", "webhookDeadLettered", "lotMoved"],
                conditions: [WebhookCondition(field: "a.b", equals: "x")],
                secret: "hunter2"
            )
        )
        #expect(
            Set(await Self.refusal(engine, command))
                == ["eventTypes[0]|one-of", "eventTypes[1]|not-delivered", "secret|secret-format", "conditions[0].field|field-name"]
        )
        #expect(await Self.refusal(engine, Self.create("http://127.0.0.1:1/x", types: [])) == ["eventTypes|required"])
    }

    @Test("Only admins manage webhooks: a planner is refused every webhook command")
    func nonAdminRefused() async throws {
        let engine = try await Self.engine()
        _ = try await engine.submit(CommandEnvelope(command: .createUser(User(id: "pl", name: "Pat Planner", roles: [.planner])), actor: .system))
        _ = try await engine.submit(CommandEnvelope(command: Self.create("http://127.0.0.1:1/x"), actor: .system))
        for command in [
            Self.create("http://127.0.0.1:1/y"), .updateWebhookSubscription(UpdateWebhookSubscription(subscription: "WH-000001", active: false)),
            .deleteWebhookSubscription(WebhookSubscriptionRef(subscription: "WH-000001")),
            .replayWebhookDeadLetter(WebhookDeadLetterRef(deadLetter: "WDL-000001")),
        ] {
            await #expect(throws: EngineError.self, "\(command.typeName)") {
                try await engine.submit(CommandEnvelope(command: command, actor: .user("pl")))
            }
        }
        #expect(await engine.read { $0.webhookSubscriptions.count } == 1)
    }

    @Test("Updates merge; a paused subscription keeps its secret; delete removes it; a dead letter of a deleted subscription is not replayed")
    func lifecycle() async throws {
        let engine = try await Self.engine()
        let secret = PlantService.newWebhookSecret()
        _ = try await engine.submit(CommandEnvelope(command: Self.create("http://127.0.0.1:1/x", secret: secret), actor: .system))
        _ = try await engine.submit(
            CommandEnvelope(command: .updateWebhookSubscription(UpdateWebhookSubscription(subscription: "WH-000001", active: false)), actor: .system)
        )
        let paused = try #require(await engine.read { $0.webhookSubscriptions["WH-000001"] })
        #expect(!paused.active && paused.secret == secret && paused.eventTypes == ["lotMoved"] && paused.url == "http://127.0.0.1:1/x")
        _ = try await engine.submit(
            CommandEnvelope(
                command: .recordWebhookDeadLetter(
                    RecordWebhookDeadLetter(
                        subscription: "WH-000001",
                        eventSequence: 1,
                        eventType: "webhookSubscriptionCreated",
                        attempts: 8,
                        lastError: "HTTP 500"
                    )
                ),
                actor: .system
            )
        )
        // The same event is not recorded twice as an open dead letter (a restart may try).
        #expect(
            await Self.refusal(
                engine,
                .recordWebhookDeadLetter(
                    RecordWebhookDeadLetter(
                        subscription: "WH-000001",
                        eventSequence: 1,
                        eventType: "webhookSubscriptionCreated",
                        attempts: 8,
                        lastError: "HTTP 500"
                    )
                )
            ) == ["eventSequence|exists"]
        )
        _ = try await engine.submit(
            CommandEnvelope(command: .deleteWebhookSubscription(WebhookSubscriptionRef(subscription: "WH-000001")), actor: .system)
        )
        #expect(await engine.read { $0.webhookSubscriptions.isEmpty && $0.webhookDeadLetters.count == 1 })
        #expect(
            await Self.refusal(engine, .replayWebhookDeadLetter(WebhookDeadLetterRef(deadLetter: "WDL-000001"))) == [
                "deadLetter|subscription-deleted"
            ]
        )
        // Replaying the log gives the same state.
        var rebuilt = PlantState()
        for e in try await engine.events(after: 0, limit: 100) {
            rebuilt.apply(try Event(type: e.type, payload: e.payload, decoder: TaktJSON.decoder), sequence: e.sequence)
        }
        #expect(rebuilt == (await engine.snapshot()))
    }

    @Test("The secret never leaves the server: the events are redacted, and only admins may read them")
    func redaction() async throws {
        let engine = try await Self.engine()
        let secret = PlantService.newWebhookSecret()
        #expect(secret.hasPrefix("whsec_") && secret.count == 49)
        let outcome = try await engine.submit(CommandEnvelope(command: Self.create("http://127.0.0.1:1/x", secret: secret), actor: .system))
        let event = try #require(try outcome.domainEvents().last)
        guard case .webhookSubscriptionCreated(let shown) = event.redacted else {
            Issue.record("not a creation")
            return
        }
        #expect(shown.secret == Redaction.marker)
        #expect(!String(decoding: try event.redacted.encodePayload(TaktJSON.encoder), as: UTF8.self).contains(secret))
        #expect(event.isVisible(to: [.admin]))
        #expect(!event.isVisible(to: [.supervisor, .planner, .quality, .warehouse, .sales, .operator]))
    }

    @Test("With the loopback-only policy the service refuses a target elsewhere, naming the rule; this machine is allowed")
    func loopbackPolicy() async throws {
        let engine = try await Self.engine()
        let service = PlantService(engine: engine, webhookTargets: .loopbackOnly)
        await #expect(throws: DomainError.self) {
            try await service.submit(CommandEnvelope(command: Self.create("https://erp.example.com/hook"), actor: .system))
        }
        do {
            _ = try await service.submit(CommandEnvelope(command: Self.create("https://erp.example.com/hook"), actor: .system))
        } catch let error as DomainError {
            #expect(error.violations.map(\.rule) == ["loopback-only"] && error.violations.map(\.field) == ["url"])
        }
        for url in ["http://127.0.0.1:9/x", "http://localhost/x", "http://[::1]:9/x"] {
            _ = try await service.submit(CommandEnvelope(command: Self.create(url), actor: .system))
        }
        let batch = await service.submitBatch([
            CommandEnvelope(command: Self.create("http://10.0.0.1/x"), actor: .system),
            CommandEnvelope(command: Self.create("http://127.0.0.2/x"), actor: .system),
        ])
        #expect(batch.map { (try? $0.get()) != nil } == [false, true])
        #expect(await engine.read { $0.webhookSubscriptions.count } == 4)
    }
}
