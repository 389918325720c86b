import Foundation
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

/// Webhooks, for admins: the subscriptions (never their secrets), a form to add one (its secret shown once), and the dead
/// letters with a Replay button. The same commands as the API (docs/integration.md, "Webhooks").
extension TaktWeb {
    func webhooksPage(_ request: Request, _ viewer: Viewer) async throws -> PageContent {
        try UseCase.readWebhooks.authorize(viewer.user)
        let (subscriptions, letters) = await service.read { s in
            (s.webhookSubscriptions.values.sorted { $0.id < $1.id }.map(\.redacted), s.webhookDeadLetters.values.sorted { $0.id > $1.id })
        }
        let body = fragment {
            el("p", ["class": "muted"]) {
                "Takt POSTs each event a subscription wants to its URL, signed with the subscription's secret (header Takt-Signature), "
                "retrying with backoff; what still fails becomes a dead letter below, to replay once the receiver is fixed. "
                "See docs/integration.md, Webhooks."
            }
            el("h2", text: "Subscriptions")
            Pages.table(
                ["ID", "URL", "Event types", "Conditions", "State"],
                subscriptions.map { s in
                    [
                        .text(s.id.rawValue), .text(s.url), .text(s.eventTypes.joined(separator: ", ")),
                        .text(s.conditions.map { "\($0.field) = \($0.equals)" }.joined(separator: ", ")),
                        Pages.badge(s.active ? "active" : "paused", s.active ? "ok" : "info"),
                    ]
                },
                empty: "No webhook subscriptions.",
                id: "webhooks"
            )
            el("form", ["method": "post", "action": "/admin/webhooks", "class": "inline toolbar", "id": "new-webhook"]) {
                el("label", ["for": "webhook-url"], text: "URL")
                void("input", ["type": "url", "id": "webhook-url", "name": "url", "placeholder": "https://erp.example.com/takt", "size": "36"])
                el("label", ["for": "webhook-types"], text: "Event types")
                void(
                    "input",
                    ["type": "text", "id": "webhook-types", "name": "eventTypes", "placeholder": "* or lotsShipped, productionOrderCompleted"]
                )
                el("button", ["type": "submit", "id": "create-webhook"], text: "Add subscription")
            }
            el("h2", text: "Dead letters")
            Pages.table(
                ["ID", "Subscription", "Event", "Type", "Attempts", "Last error", "Recorded", "State", ""],
                letters.map { d in
                    [
                        .text(d.id.rawValue), .text(d.subscription.rawValue), .text(String(d.eventSequence)), .text(d.eventType),
                        .text(String(d.attempts)), .text(d.lastError), .text(TaktJSON.formatDate(d.at)),
                        Pages.badge(d.status.rawValue, d.status == .open ? "warn" : "info"),
                        d.status == .open
                            ? el(
                                "form",
                                ["method": "post", "action": "/admin/webhooks/dead-letters/\(urlEncode(d.id.rawValue))/replay", "class": "inline"]
                            ) {
                                el("button", ["type": "submit", "id": "replay-\(d.id.rawValue)"], text: "Replay")
                            } : .text(d.replayedBy.map { "replayed by \($0)" } ?? "replayed"),
                    ]
                },
                empty: "No dead letters.",
                id: "dead-letters"
            )
        }
        return PageContent(title: "Webhooks", body: body)
    }

    func createWebhook(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        guard let url = form.trimmed("url") else { throw WebError.missing("the URL") }
        let types = (form.trimmed("eventTypes") ?? "*").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let secret = PlantService.newWebhookSecret()
        let outcome = try await submit(.createWebhookSubscription(NewWebhookSubscription(url: url, eventTypes: types, secret: secret)), as: viewer)
        guard case .webhookSubscriptionCreated(let s)? = try outcome.domainEvents().last else { return ("/admin/webhooks", nil) }
        return ("/admin/webhooks", Flash(kind: .success, title: "Subscription \(s.id): signing secret, shown once", lines: [secret]))
    }

    func replayDeadLetter(_ viewer: Viewer, id: String) async throws -> (String, Flash?) {
        try await submit(.replayWebhookDeadLetter(WebhookDeadLetterRef(deadLetter: .init(id))), as: viewer)
        return ("/admin/webhooks", Flash(kind: .success, title: "Dead letter \(id) replayed", lines: ["Its event is being delivered again."]))
    }
}
