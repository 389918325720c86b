import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktTestSupport
import Testing

/// Webhook subscriptions and dead letters through the API, in process: the secret shown once, never again; the rules'
/// refusals as problem+json naming the field and rule; admins only.
@Suite("Webhooks through the API")
struct WebhooksAPITests {
    @Test("Create answers the secret once; list, get and update never show it; delete removes the subscription")
    func lifecycle() async throws {
        try await TestServer.run(demo: true) { s in
            let created = try await s.send(
                .POST,
                "/api/v1/webhooks",
                body:
                    #"{"url":"https://erp.example.com/takt","eventTypes":["lotsShipped"],"conditions":[{"field":"salesOrder","equals":"SO-1"}],"description":"ERP"}"#
            )
            #expect(created.status == 201, "\(created.text)")
            let json = try created.json()
            let secret = try #require(json["secret"] as? String)
            #expect(secret.hasPrefix("whsec_") && secret.count == 49)
            let subscription = try #require(json["subscription"] as? [String: Any])
            let id = try #require(subscription["id"] as? String)
            #expect(id == "WH-000001" && subscription["secret"] as? String == "[redacted]" && subscription["active"] as? Bool == true)
            #expect(await s.engine.read { $0.webhookSubscriptions["WH-000001"]?.secret } == secret)

            let list = try await s.send(.GET, "/api/v1/webhooks")
            #expect(list.status == 200 && !list.text.contains(secret) && list.text.contains("erp.example.com"), "\(list.text)")
            let one = try await s.send(.GET, "/api/v1/webhooks/\(id)")
            #expect(one.status == 200 && !one.text.contains(secret))
            #expect(try await s.send(.GET, "/api/v1/webhooks/WH-NOPE").status == 404)

            let paused = try await s.send(.PATCH, "/api/v1/webhooks/\(id)", body: #"{"active":false}"#)
            #expect(paused.status == 200, "\(paused.text)")
            #expect(try paused.json()["active"] as? Bool == false && !paused.text.contains(secret))
            #expect(try paused.json()["url"] as? String == "https://erp.example.com/takt")
            // Neither the event log nor the command answer carries the secret.
            let events = try await s.send(.GET, "/api/v1/events?limit=500&after=\(await s.engine.committedSequence - 5)")
            #expect(events.status == 200 && events.text.contains("webhookSubscriptionUpdated") && !events.text.contains(secret))

            let deleted = try await s.send(.DELETE, "/api/v1/webhooks/\(id)")
            #expect(deleted.status == 200, "\(deleted.text)")
            #expect(try eventTypes(deleted) == ["webhookSubscriptionDeleted"])
            #expect(try await s.send(.GET, "/api/v1/webhooks/\(id)").status == 404)
        }
    }

    @Test("A bad URL, an unknown event type and a missing field are refused with 4xx naming the field and the rule")
    func refusals() async throws {
        try await TestServer.run(demo: true) { s in
            let bad = try await s.send(.POST, "/api/v1/webhooks", body: #"{"url":"ftp://erp.example.com","eventTypes":["lotTeleported"]}"#)
            #expect(bad.status == 422, "\(bad.text)")
            let errors = (try bad.json()["errors"] as? [[String: Any]] ?? []).map { "\($0["field"] ?? "")|\($0["rule"] ?? "")" }
            #expect(Set(errors) == ["url|http-url", "eventTypes[0]|one-of"], "\(errors)")
            #expect(try await s.send(.POST, "/api/v1/webhooks", body: #"{"eventTypes":["*"]}"#).status == 400)
            #expect(try await s.send(.PATCH, "/api/v1/webhooks/WH-NOPE", body: #"{"active":true}"#).status == 404)
            #expect(try await s.send(.POST, "/api/v1/webhooks/dead-letters/WDL-NOPE/replay").status == 404)
            #expect(try await s.send(.GET, "/api/v1/webhooks/dead-letters?status=closed").status == 400)
        }
    }

    @Test("A planner may neither read nor change webhooks (403); an admin may")
    func adminsOnly() async throws {
        try await TestServer.run(demo: true) { s in
            let planner = try await issueToken(s, for: "planner")
            #expect(try await s.send(.GET, "/api/v1/webhooks", token: planner).status == 403)
            #expect(try await s.send(.GET, "/api/v1/webhooks/dead-letters", token: planner).status == 403)
            let refused = try await s.send(.POST, "/api/v1/webhooks", token: planner, body: #"{"url":"https://erp.example.com","eventTypes":["*"]}"#)
            #expect(refused.status == 403, "\(refused.text)")
            #expect(await s.engine.read { $0.webhookSubscriptions.isEmpty })
        }
    }

    @Test("Dead letters are listed, filtered, and replayed once")
    func deadLetters() async throws {
        try await TestServer.run(demo: true) { s in
            let created = try await s.send(.POST, "/api/v1/webhooks", body: #"{"id":"WH-ERP","url":"https://erp.example.com","eventTypes":["*"]}"#)
            #expect(created.status == 201)
            _ = try await s.engine.submit(
                CommandEnvelope(
                    command: .recordWebhookDeadLetter(
                        RecordWebhookDeadLetter(
                            subscription: "WH-ERP",
                            eventSequence: 3,
                            eventType: "siteDefined",
                            attempts: 8,
                            lastError: "HTTP 503"
                        )
                    ),
                    actor: .system
                )
            )
            let open = try await s.send(.GET, "/api/v1/webhooks/dead-letters?status=open&subscription=WH-ERP")
            let items = try #require(try open.json()["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["id"] as? String == "WDL-000001" && items[0]["lastError"] as? String == "HTTP 503")
            let replayed = try await s.send(.POST, "/api/v1/webhooks/dead-letters/WDL-000001/replay")
            #expect(replayed.status == 200, "\(replayed.text)")
            #expect(try eventTypes(replayed) == ["webhookDeadLetterReplayed"])
            #expect(try await s.send(.POST, "/api/v1/webhooks/dead-letters/WDL-000001/replay").status == 409)
            let after = try await s.send(.GET, "/api/v1/webhooks/dead-letters?status=open")
            #expect((try after.json()["items"] as? [Any])?.isEmpty == true)
        }
    }
}
