import Foundation
import HTTPTypes
import Hummingbird
import TaktAgents
import TaktCore
import TaktEngine
import TaktOrchestration
import TaktService
import TaktStore

/// Orchestration through the API: the exception inbox and its detail, approving, rejecting and dismissing, outcome
/// requests, playbooks and the approval policy, and the two facts the floor reports for the orchestrator (an operation's
/// delay, overtime). The analysis is TaktOrchestration's and the rules the core's; a route only turns a request into a
/// command or reads the plant state. Reads are open to every signed-in user.
extension TaktAPI {
    var orchestrationRoutes: [APIRoute] {
        let service = service
        let tag = "Orchestration"
        let actionParameters: [APIRoute.Parameter] = [
            .path("id", "exception ID"), .path("action", "action ID within the exception, e.g. `A1`"),
            .idempotencyKey,
        ]
        var r: [APIRoute] = []

        // MARK: The inbox

        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/exceptions",
                operationID: "listExceptions",
                summary: "The exception inbox, newest first: by default the open exceptions and those being carried out. Each "
                    + "filter takes one value or several separated by commas",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "ExceptionInbox",
                parameters: [
                    .query("function", "production, warehouse, quality, sales, purchasing, labour or planning"),
                    .query("severity", "low, medium, high or critical"),
                    .query(
                        "status",
                        "open, answered (an outcome request answered by its options), executing, resolved, dismissed or superseded (default: open,executing); `all` for every status"
                    ),
                    .query("kind", "the disruption kind, e.g. machine-down"),
                ]
            ) { request, ctx in
                _ = try ctx.requireUser()
                let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
                let filter = try InboxFilter(query: query)
                let all = await service.read { Array($0.exceptions.values) }
                let items = all.filter(filter.matches).sorted { a, b in
                    a.raisedAt != b.raisedAt ? a.raisedAt > b.raisedAt : a.id > b.id
                }.map(ExceptionSummary.init)
                return try JSONIO.response(ExceptionInbox(items: items, total: items.count))
            }
        )
        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/exceptions/{id}",
                operationID: "getException",
                summary: "One exception in full: its cause chain, impact across functions, ranked actions with predicted effects "
                    + "and cost terms, approvals and verifications",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "PlantException",
                parameters: [.path("id", "exception ID")]
            ) { _, ctx in
                _ = try ctx.requireUser()
                let id = PlantException.ID(try ctx.parameters.require("id"))
                guard let exception = await service.read({ $0.exceptions[id] }) else { throw Problem.notFound("exception '\(id)' does not exist") }
                return try JSONIO.response(exception)
            }
        )

        // MARK: Decisions

        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/exceptions/{id}/actions/{action}/approve",
                operationID: "approveAction",
                summary: "Approve an action in one of the roles it needs; the last approval it needs sets it to be carried out "
                    + "by the orchestrator. A user without any of those roles is refused (403)",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.approveAction.sortedRoles,
                requestSchema: "DecisionRequest",
                requestBodyRequired: false,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: actionParameters
            ) { request, ctx in
                let (id, action) = try actionRef(ctx)
                let body = try await JSONIO.decode(DecisionRequest.self, from: request, context: ctx, orEmpty: DecisionRequest())
                return try await submitReturningEvents(
                    .approveAction(DecideAction(exception: id, action: action, comment: body.comment)),
                    request: request,
                    context: ctx,
                    signature: body.signature
                )
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/exceptions/{id}/actions/{action}/reject",
                operationID: "rejectAction",
                summary: "Reject an action, saying why in `comment` (required)",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.rejectAction.sortedRoles,
                requestSchema: "DecisionRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: actionParameters
            ) { request, ctx in
                let (id, action) = try actionRef(ctx)
                let body = try await JSONIO.decode(DecisionRequest.self, from: request, context: ctx, orEmpty: DecisionRequest())
                return try await submitReturningEvents(
                    .rejectAction(DecideAction(exception: id, action: action, comment: body.comment)),
                    request: request,
                    context: ctx,
                    signature: body.signature
                )
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/exceptions/{id}/dismiss",
                operationID: "dismissException",
                summary: "Close an open exception without action, saying why",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.dismissException.sortedRoles,
                requestSchema: "ReasonRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "exception ID"), .idempotencyKey]
            ) { request, ctx in
                let id = PlantException.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(ReasonRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .dismissException(DismissException(exception: id, reason: body.reason)),
                    request: request,
                    context: ctx
                )
            }
        )

        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/exceptions/{id}/owner",
                operationID: "assignException",
                summary: "Give an exception an owner (take it on yourself, or hand it to someone who works the inbox); "
                    + "`owner` left out takes the owner away",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.assignException.sortedRoles,
                requestSchema: "OwnerRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "exception ID"), .idempotencyKey]
            ) { request, ctx in
                let id = PlantException.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(OwnerRequest.self, from: request, context: ctx, orEmpty: OwnerRequest())
                return try await submitReturningEvents(
                    .assignException(AssignException(exception: id, owner: body.owner)),
                    request: request,
                    context: ctx
                )
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/exceptions/{id}/snooze",
                operationID: "snoozeException",
                summary: "Hide an open exception (or an answered request) from the inbox until a time, by the plant's clock; "
                    + "`until` left out wakes it now",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.snoozeException.sortedRoles,
                requestSchema: "SnoozeRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "exception ID"), .idempotencyKey]
            ) { request, ctx in
                let id = PlantException.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(SnoozeRequest.self, from: request, context: ctx, orEmpty: SnoozeRequest())
                return try await submitReturningEvents(
                    .snoozeException(SnoozeException(exception: id, until: body.until)),
                    request: request,
                    context: ctx
                )
            }
        )

        // MARK: Outcome requests

        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/outcome-requests",
                operationID: "requestOutcome",
                summary: "Ask for an outcome, in words (`text`, e.g. \"expedite SO-10012 to 2026-12-01\") or as a structured "
                    + "`request`; the answer is an exception whose actions are up to three plan options, each with its predicted "
                    + "KPIs and the approvals it needs",
                tag: tag,
                requiresAuth: true,
                roles: UseCase.requestOutcome.roles.sorted(),
                requestSchema: "OutcomeRequestBody",
                successStatus: 201,
                responseSchema: "PlantException",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                try UseCase.requestOutcome.authorize(try ctx.requireUser())
                let body = try await JSONIO.decode(OutcomeRequestBody.self, from: request, context: ctx)
                let ask: OutcomeAsk
                switch (body.text, body.request) {
                case (let text?, nil): ask = .words(text)
                case (nil, let structured?): ask = .structured(structured)
                default: throw Problem.badRequest("text", "one-of", "send exactly one of `text` and `request`")
                }
                let outcome = try await service.requestOutcome(ask, by: try caller(request, ctx))
                guard let event = outcome.events.first(where: { $0.type == "exceptionRaised" || $0.type == "exceptionUpdated" }) else {
                    throw EngineError(.internal, "raiseException recorded no exceptionRaised event")
                }
                return JSONIO.response(event.payload, status: outcome.replayed ? .ok : .created, headers: replayHeaders(outcome))
            }
        )

        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/ask",
                operationID: "ask",
                summary: "Ask in words (the language front door): the offline parser plans an outcome request it understands; when it "
                    + "does not and a language model is configured (`TAKT_LLM_URL`), the model answers with the agent tools (reads and "
                    + "proposals, never decisions); the answer says who answered and which tools were called",
                tag: tag,
                requiresAuth: true,
                requestSchema: "AskRequest",
                successStatus: 200,
                responseSchema: "FrontDoorAnswer",
                parameters: []
            ) { request, ctx in
                let body = try await JSONIO.decode(AskRequest.self, from: request, context: ctx)
                let text = body.text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty else { throw Problem.badRequest("text", "required", "say what you want, e.g. \"expedite SO-10012 to Friday\"") }
                guard text.count <= 4_000 else { throw Problem.badRequest("text", "max-length", "text is at most 4000 characters") }
                let answer = try await LanguageFrontDoor(service: service, model: languageModel).ask(text, by: try caller(request, ctx))
                return try JSONIO.response(answer)
            }
        )

        // MARK: Playbooks and the approval policy

        let playbookRoles = CommandKind.definePlaybook.sortedRoles
        r += collection(
            CollectionSpec<Playbook>(
                path: "playbooks",
                schema: "Playbook",
                noun: "playbook",
                select: { $0.playbooks },
                filters: [
                    Filter(name: "event", description: "the event type that triggers it") { [$0.event] },
                    Filter(name: "exceptionKind", description: "the kind of exception it raises") { [$0.exceptionKind.rawValue] },
                    Filter(name: "enabled", description: "true or false") { [String($0.enabled)] },
                ],
                tag: tag
            ),
            define: nil
        )
        r.append(
            APIRoute(
                method: .put,
                path: "/api/v1/playbooks/{id}",
                operationID: "putPlaybook",
                summary: "Define or replace a playbook; the plant numbers its versions 1, 2, … (a `version` in the body is "
                    + "ignored). The body's `id` may be left out; when given it must match the path. Left-out lists are empty, "
                    + "`enabled` is true and `severity` medium",
                tag: tag,
                requiresAuth: true,
                roles: playbookRoles,
                requestSchema: "Playbook",
                successStatus: 200,
                responseSchema: "Playbook",
                parameters: [.path("id", "playbook ID"), .idempotencyKey]
            ) { request, ctx in
                let id = try ctx.parameters.require("id")
                guard case .object(var object) = try await JSONIO.decode(JSONValue.self, from: request, context: ctx) else {
                    throw Problem.badRequest("(body)", "type", "the body must be a JSON object (a playbook)")
                }
                if let given = object["id"] {
                    guard given == .string(id) else {
                        throw Problem.badRequest("id", "path-mismatch", "the body's id differs from the path's '\(id)'")
                    }
                }
                object["id"] = .string(id)
                // Left-out fields get the playbook's own defaults (Playbook's decoder, in the core).
                let playbook = try TaktJSON.decoder.decode(Playbook.self, from: TaktJSON.encoder.encode(JSONValue.object(object)))
                return try await submitReturningEntity(.definePlaybook(playbook), request: request, context: ctx, status: .ok)
            }
        )
        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/approval-policy",
                operationID: "getApprovalPolicy",
                summary: "Which roles must approve each kind of action (kinds not listed need a planner)",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "ApprovalPolicy",
                parameters: []
            ) { _, ctx in
                _ = try ctx.requireUser()
                return try JSONIO.response(await service.read { $0.approvalPolicy })
            }
        )
        r.append(
            APIRoute(
                method: .put,
                path: "/api/v1/approval-policy",
                operationID: "putApprovalPolicy",
                summary: "Replace the approval policy; it applies to the actions of exceptions raised from now on",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.defineApprovalPolicy.sortedRoles,
                requestSchema: "ApprovalPolicy",
                successStatus: 200,
                responseSchema: "ApprovalPolicy",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let policy = try await JSONIO.decode(ApprovalPolicy.self, from: request, context: ctx)
                return try await submitReturningEntity(.defineApprovalPolicy(policy), request: request, context: ctx, status: .ok)
            }
        )

        // MARK: Facts for the orchestrator

        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/production-orders/{id}/operations/{seq}/delay",
                operationID: "reportOperationDelay",
                summary: "Report that an operation runs late, by how many minutes and why; planning takes the delay into "
                    + "account and a playbook may raise an exception for it",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.reportOperationDelay.sortedRoles,
                requestSchema: "DelayRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "production order ID"), .path("seq", "the routing operation's sequence number"), .idempotencyKey]
            ) { request, ctx in
                let id = ProductionOrder.ID(try ctx.parameters.require("id"))
                let text = try ctx.parameters.require("seq")
                guard let seq = Int(text) else {
                    throw Problem.badRequest("seq", "type", "the operation's sequence number must be an integer (got '\(text)')")
                }
                let body = try await JSONIO.decode(DelayRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .reportOperationDelay(
                        ReportOperationDelay(productionOrder: id, sequence: seq, extraMinutes: body.extraMinutes, reason: body.reason)
                    ),
                    request: request,
                    context: ctx
                )
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/work-centers/{id}/overtime",
                operationID: "scheduleOvertime",
                summary: "Schedule overtime on a work center outside its shifts (at most 24 hours); planning may use it",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.scheduleOvertime.sortedRoles,
                requestSchema: "OvertimeRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "work center ID"), .idempotencyKey]
            ) { request, ctx in
                let id = WorkCenter.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(OvertimeRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .scheduleOvertime(Overtime(workCenter: id, start: body.start, end: body.end, reason: body.reason)),
                    request: request,
                    context: ctx
                )
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/users/{id}/absences",
                operationID: "reportAbsence",
                summary: "Report that someone is away from `from` (default now) until `until`, and why; the orchestrator works "
                    + "out whose work nobody else certified can do",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.reportAbsence.sortedRoles,
                requestSchema: "AbsenceRequest",
                successStatus: 201,
                responseSchema: "Absence",
                parameters: [.path("id", "user ID"), .idempotencyKey]
            ) { request, ctx in
                let id = User.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(AbsenceRequest.self, from: request, context: ctx)
                return try await submitReturningEvent(
                    .reportAbsence(ReportAbsence(user: id, from: body.from, until: body.until, reason: body.reason)),
                    type: "absenceReported",
                    request: request,
                    context: ctx,
                    status: .created
                )
            }
        )
        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/users/{id}/absences",
                operationID: "listAbsences",
                summary: "Someone's reported absences, oldest first",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "AbsenceList",
                parameters: [.path("id", "user ID")]
            ) { _, ctx in
                _ = try ctx.requireUser()
                let id = User.ID(try ctx.parameters.require("id"))
                let list = try await service.read { state throws -> AbsenceList in
                    guard state.users[id] != nil else { throw Problem.notFound("user '\(id)' does not exist") }
                    return AbsenceList(user: id, items: state.absences[id] ?? [])
                }
                return try JSONIO.response(list)
            }
        )
        return r
    }
}

/// The exception and action a decision route's path names.
private func actionRef(_ ctx: TaktContext) throws -> (PlantException.ID, String) {
    (PlantException.ID(try ctx.parameters.require("id")), try ctx.parameters.require("action"))
}

/// The inbox's filters, read from the query; unknown parameters and values are refused, naming the parameter.
struct InboxFilter: Sendable {
    var functions: Set<PlantFunction>?
    var severities: Set<ExceptionSeverity>?
    var statuses: Set<ExceptionStatus>? = [.open, .executing]
    var kinds: Set<DisruptionKind>?

    init(query: [(String, String)]) throws {
        func values<T: RawRepresentable & CaseIterable>(_ name: String, _ text: String, _: T.Type) throws -> Set<T> where T.RawValue == String {
            var out = Set<T>()
            for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
                guard let v = T(rawValue: part) else {
                    let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
                    throw Problem.badRequest(name, "enum", "\(name) '\(part)' is not one of: \(allowed)")
                }
                out.insert(v)
            }
            guard !out.isEmpty else { throw Problem.badRequest(name, "required", "\(name) needs a value") }
            return out
        }
        for (name, value) in query {
            switch name {
            case "function": functions = try values(name, value, PlantFunction.self)
            case "severity": severities = try values(name, value, ExceptionSeverity.self)
            case "status": statuses = value == "all" ? nil : try values(name, value, ExceptionStatus.self)
            case "kind": kinds = try values(name, value, DisruptionKind.self)
            default:
                throw Problem.badRequest(
                    name,
                    "unknown-parameter",
                    "unknown query parameter '\(name)'; this list accepts: function, severity, status, kind"
                )
            }
        }
    }

    func matches(_ e: PlantException) -> Bool {
        if let functions, functions.isDisjoint(with: e.functions) { return false }
        if let severities, !severities.contains(e.severity) { return false }
        if let statuses, !statuses.contains(e.status) { return false }
        if let kinds, !kinds.contains(e.kind) { return false }
        return true
    }
}

// MARK: - Request and response bodies

/// One line of the inbox.
struct ExceptionSummary: Codable, Sendable {
    struct TopAction: Codable, Sendable {
        var id: String
        var title: String
        var effect: String
        var status: ActionStatus
        var approvals: [Role]
    }
    var id: PlantException.ID
    var kind: DisruptionKind
    var title: String
    var severity: ExceptionSeverity
    var functions: [PlantFunction]
    var status: ExceptionStatus
    var raisedAt: Date
    var raisedBy: User.ID?
    /// Late production orders without the disruption, and with it (no action taken).
    var lateOrdersBefore: Int
    var lateOrdersPredicted: Int
    /// Orders the disruption makes late or later.
    var ordersAffected: Int
    var actions: Int
    var topAction: TopAction?

    init(_ e: PlantException) {
        id = e.id
        kind = e.kind
        title = e.title
        severity = e.severity
        functions = e.functions
        status = e.status
        raisedAt = e.raisedAt
        raisedBy = e.raisedBy
        lateOrdersBefore = e.impact.baseline.lateOrders
        lateOrdersPredicted = e.impact.predicted.lateOrders
        ordersAffected = e.impact.orders.count
        actions = e.actions.count
        topAction = e.actions.min { $0.rank < $1.rank }.map {
            TopAction(id: $0.id, title: $0.title, effect: $0.effect, status: $0.status, approvals: $0.approvals)
        }
    }
}

struct ExceptionInbox: Codable, Sendable {
    var items: [ExceptionSummary]
    var total: Int
}

struct DecisionRequest: Codable, Sendable {
    var comment: String?
    /// Required when the approval policy marks one of the action's kinds `signed`.
    var signature: SignatureInput?
}

/// Either the request in words or in its structured form.
struct OutcomeRequestBody: Codable, Sendable {
    var text: String?
    var request: OutcomeRequest?
}

struct DelayRequest: Codable, Sendable {
    var extraMinutes: Int
    var reason: String
}

struct AbsenceRequest: Codable, Sendable {
    var from: Date?
    var until: Date
    var reason: String
}

struct AbsenceList: Codable, Sendable {
    var user: User.ID
    var items: [Absence]
}

struct OvertimeRequest: Codable, Sendable {
    var start: Date
    var end: Date
    var reason: String
}

/// The body of `POST /api/v1/exceptions/{id}/owner`.
struct OwnerRequest: Codable, Sendable {
    var owner: User.ID?
}

/// The body of `POST /api/v1/exceptions/{id}/snooze`.
struct SnoozeRequest: Codable, Sendable {
    var until: Date?
}
