import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

/// Webhook subscriptions and their dead letters (docs/integration.md, "Webhooks"). Parsing and formatting only: the rules
/// are the plant's (``PlantState/decideWebhooks(_:actor:now:)``) and the server's target policy is the service's.
extension TaktAPI {
    var webhookRoutes: [APIRoute] {
        let service = service
        let admin = CommandKind.createWebhookSubscription.sortedRoles
        return [
            APIRoute(
                method: .get,
                path: "/api/v1/webhooks",
                operationID: "listWebhooks",
                summary: "Webhook subscriptions, by ID (never their secrets)",
                tag: "Webhooks",
                requiresAuth: true,
                roles: UseCase.readWebhooks.roles.sorted(),
                successStatus: 200,
                responseSchema: "WebhookList",
                parameters: []
            ) { _, ctx in
                try UseCase.readWebhooks.authorize(try ctx.requireUser())
                let items = await service.read { s in s.webhookSubscriptions.values.sorted { $0.id < $1.id }.map(\.redacted) }
                return try JSONIO.response(WebhookList(items: items))
            },
            APIRoute(
                method: .post,
                path: "/api/v1/webhooks",
                operationID: "createWebhook",
                summary: "Subscribe a URL to events; the signing secret is in this answer only",
                tag: "Webhooks",
                requiresAuth: true,
                roles: admin,
                requestSchema: "WebhookRequest",
                successStatus: 201,
                responseSchema: "CreatedWebhook",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                try Self.requireRoles(of: .createWebhookSubscription, ctx)  // before the body: a refused role is 403, whatever it sent
                let body = try await JSONIO.decode(WebhookRequest.self, from: request, context: ctx)
                let secret = PlantService.newWebhookSecret()
                let outcome = try await submit(
                    .createWebhookSubscription(
                        NewWebhookSubscription(
                            id: body.id,
                            url: body.url,
                            eventTypes: body.eventTypes,
                            conditions: body.conditions,
                            description: body.description,
                            secret: secret
                        )
                    ),
                    request: request,
                    context: ctx
                )
                guard case .webhookSubscriptionCreated(let subscription)? = try outcome.domainEvents().last else {
                    throw EngineError(.internal, "creating a webhook produced no subscription")
                }
                // Shown once: a replay of the same request does not repeat it.
                let created = CreatedWebhook(subscription: subscription.redacted, secret: outcome.replayed ? nil : secret)
                return try JSONIO.response(created, status: outcome.replayed ? .ok : .created, headers: replayHeaders(outcome))
            },
            APIRoute(
                method: .get,
                path: "/api/v1/webhooks/dead-letters",
                operationID: "listWebhookDeadLetters",
                summary: "Events a webhook gave up on after its retries, newest first; replay one to deliver it again",
                tag: "Webhooks",
                requiresAuth: true,
                roles: UseCase.readWebhooks.roles.sorted(),
                successStatus: 200,
                responseSchema: "WebhookDeadLetterList",
                parameters: [
                    .query("status", "filter: open or replayed"),
                    .query("subscription", "filter: the subscription's ID"),
                ]
            ) { request, ctx in
                try UseCase.readWebhooks.authorize(try ctx.requireUser())
                let q = request.uri.queryParameters
                let status = try q["status"].map { raw -> WebhookDeadLetterStatus in
                    guard let s = WebhookDeadLetterStatus(rawValue: String(raw)) else {
                        throw Problem.badRequest("status", "one-of", "status must be open or replayed (got '\(raw)')")
                    }
                    return s
                }
                let subscription = q["subscription"].map { WebhookSubscription.ID(String($0)) }
                let items = await service.read { s in
                    s.webhookDeadLetters.values
                        .filter { (status == nil || $0.status == status) && (subscription == nil || $0.subscription == subscription) }
                        .sorted { $0.id > $1.id }
                }
                return try JSONIO.response(WebhookDeadLetterList(items: items))
            },
            APIRoute(
                method: .post,
                path: "/api/v1/webhooks/dead-letters/{id}/replay",
                operationID: "replayWebhookDeadLetter",
                summary: "Deliver a dead letter's event again (a failed replay records a new dead letter)",
                tag: "Webhooks",
                requiresAuth: true,
                roles: CommandKind.replayWebhookDeadLetter.sortedRoles,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "dead letter ID"), .idempotencyKey]
            ) { request, ctx in
                let id = try ctx.parameters.require("id")
                return try await submitReturningEvents(
                    .replayWebhookDeadLetter(WebhookDeadLetterRef(deadLetter: .init(id))),
                    request: request,
                    context: ctx
                )
            },
            APIRoute(
                method: .get,
                path: "/api/v1/webhooks/{id}",
                operationID: "getWebhook",
                summary: "One webhook subscription (never its secret)",
                tag: "Webhooks",
                requiresAuth: true,
                roles: UseCase.readWebhooks.roles.sorted(),
                successStatus: 200,
                responseSchema: "WebhookSubscription",
                parameters: [.path("id", "subscription ID")]
            ) { _, ctx in
                try UseCase.readWebhooks.authorize(try ctx.requireUser())
                let id = WebhookSubscription.ID(try ctx.parameters.require("id"))
                guard let subscription = await service.read({ $0.webhookSubscriptions[id] }) else {
                    throw Problem.notFound("webhook subscription '\(id)' does not exist")
                }
                return try JSONIO.response(subscription.redacted)
            },
            APIRoute(
                method: .patch,
                path: "/api/v1/webhooks/{id}",
                operationID: "updateWebhook",
                summary: "Change a webhook subscription: the fields sent replace its own (`active: false` pauses it; on resuming it "
                    + "gets what it missed)",
                tag: "Webhooks",
                requiresAuth: true,
                roles: CommandKind.updateWebhookSubscription.sortedRoles,
                requestSchema: "WebhookUpdateRequest",
                successStatus: 200,
                responseSchema: "WebhookSubscription",
                parameters: [.path("id", "subscription ID"), .idempotencyKey]
            ) { request, ctx in
                try Self.requireRoles(of: .updateWebhookSubscription, ctx)
                let id = WebhookSubscription.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(WebhookUpdateRequest.self, from: request, context: ctx)
                let update = UpdateWebhookSubscription(
                    subscription: id,
                    url: body.url,
                    eventTypes: body.eventTypes,
                    conditions: body.conditions,
                    description: body.description,
                    active: body.active
                )
                return try await submitReturningEntity(.updateWebhookSubscription(update), request: request, context: ctx, status: .ok)
            },
            APIRoute(
                method: .delete,
                path: "/api/v1/webhooks/{id}",
                operationID: "deleteWebhook",
                summary: "Delete a webhook subscription (nothing more is sent to it; its dead letters stay listed)",
                tag: "Webhooks",
                requiresAuth: true,
                roles: CommandKind.deleteWebhookSubscription.sortedRoles,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "subscription ID"), .idempotencyKey]
            ) { request, ctx in
                let id = try ctx.parameters.require("id")
                return try await submitReturningEvents(
                    .deleteWebhookSubscription(WebhookSubscriptionRef(subscription: .init(id))),
                    request: request,
                    context: ctx
                )
            },
        ]
    }
}

extension TaktAPI {
    /// Refuses a user who may not submit `kind` (the command's roles, from its registry entry), before the body is read.
    static func requireRoles(of kind: CommandKind, _ ctx: TaktContext) throws {
        let user = try ctx.requireUser()
        guard user.active, user.has(.admin) || !kind.roles.isDisjoint(with: user.roles) else {
            throw EngineError(.forbidden, "\(kind.rawValue) needs one of the roles: \(kind.sortedRoles.map(\.rawValue).joined(separator: ", "))")
        }
    }
}

/// A new subscription, as a client asks for it (the server adds the secret).
struct WebhookRequest: Codable, Sendable {
    var id: WebhookSubscription.ID?
    var url: String
    var eventTypes: [String]
    var conditions: [WebhookCondition]?
    var description: String?
}

/// A change to a subscription: the fields sent replace the subscription's.
struct WebhookUpdateRequest: Codable, Sendable {
    var url: String?
    var eventTypes: [String]?
    var conditions: [WebhookCondition]?
    var description: String?
    var active: Bool?
}

struct CreatedWebhook: Codable, Sendable {
    var subscription: WebhookSubscription
    var secret: String?
}

struct WebhookList: Codable, Sendable { var items: [WebhookSubscription] }
struct WebhookDeadLetterList: Codable, Sendable { var items: [WebhookDeadLetter] }
