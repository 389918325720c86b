import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktTestSupport
import Testing

/// The admin's webhooks page: subscriptions without secrets, a form that shows the new secret once, dead letters with a
/// Replay button that goes through the form token like every form.
@Suite("Webhooks in the web app")
struct WebhooksWebTests {
    @Test("An admin adds a subscription (secret shown once), sees a dead letter and replays it; a planner may not see the page")
    func adminPage() async throws {
        try await WebServer.run { s in
            let admin = try await s.signIn(WebServer.adminToken)
            let empty = try await s.send(.GET, "/admin/webhooks", cookie: admin)
            #expect(empty.status == 200 && empty.text.contains("No webhook subscriptions."), "\(empty.text.prefix(500))")

            let added = try await s.send(
                .POST,
                "/admin/webhooks",
                cookie: admin,
                form: [("url", "https://erp.example.com/takt"), ("eventTypes", "lotsShipped, lotMoved")]
            )
            #expect(added.status == 303 && added.location == "/admin/webhooks")
            let secret = try #require(await s.engine.read { $0.webhookSubscriptions["WH-000001"]?.secret })
            #expect(await s.engine.read { $0.webhookSubscriptions["WH-000001"]?.eventTypes } == ["lotsShipped", "lotMoved"])
            let shown = try await s.send(.GET, "/admin/webhooks", cookie: admin)
            #expect(shown.text.contains(secret), "the flash shows the secret once")
            let again = try await s.send(.GET, "/admin/webhooks", cookie: admin)
            #expect(!again.text.contains(secret) && again.text.contains("https://erp.example.com/takt"))

            // A bad URL is refused in words.
            _ = try await s.send(.POST, "/admin/webhooks", cookie: admin, form: [("url", "ftp://x"), ("eventTypes", "*")])
            #expect(try await s.send(.GET, "/admin/webhooks", cookie: admin).text.contains("http or https"))

            _ = try await s.engine.submit(
                CommandEnvelope(
                    command: .recordWebhookDeadLetter(
                        RecordWebhookDeadLetter(
                            subscription: "WH-000001",
                            eventSequence: 2,
                            eventType: "siteDefined",
                            attempts: 8,
                            lastError: "HTTP 503"
                        )
                    ),
                    actor: .system
                )
            )
            let listed = try await s.send(.GET, "/admin/webhooks", cookie: admin)
            #expect(listed.text.contains("WDL-000001") && listed.text.contains("HTTP 503") && listed.text.contains("id=\"replay-WDL-000001\""))
            // Without the form token the replay is refused and nothing happens.
            let forged = try await s.send(.POST, "/admin/webhooks/dead-letters/WDL-000001/replay", cookie: admin, form: [], formToken: .some(nil))
            #expect(forged.status == 403)
            #expect(await s.engine.read { $0.webhookDeadLetters["WDL-000001"]?.status } == .open)
            let replayed = try await s.send(.POST, "/admin/webhooks/dead-letters/WDL-000001/replay", cookie: admin, form: [])
            #expect(replayed.status == 303)
            #expect(await s.engine.read { $0.webhookDeadLetters["WDL-000001"]?.status } == .replayed)
            #expect(!(try await s.send(.GET, "/admin/webhooks", cookie: admin).text.contains("id=\"replay-WDL-000001\"")))

            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            #expect(try await s.send(.GET, "/admin/webhooks", cookie: planner).status == 403)
            let refused = try await s.send(.POST, "/admin/webhooks", cookie: planner, form: [("url", "https://x.example.com"), ("eventTypes", "*")])
            #expect(refused.status == 303)
            #expect(await s.engine.read { $0.webhookSubscriptions.count } == 1)
        }
    }
}
