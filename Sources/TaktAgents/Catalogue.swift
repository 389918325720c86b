import Foundation
import TaktCore
import TaktEngine
import TaktService

extension AgentTools {
    /// Every tool, in the order an agent sees them: reads, then proposals, then decisions.
    static func catalogue(_ service: any PlantServing) -> [AgentTool] {
        reads(service) + proposals(service) + decisions(service)
    }

    // MARK: - Reads

    static func reads(_ service: any PlantServing) -> [AgentTool] {
        [
            AgentTool(
                name: "plant_status",
                title: "Plant status",
                description: "The control tower's figures now: delivery forecast (on time, at risk, late customer lines and stock "
                    + "orders), orders in progress, running and paused operations, open exceptions by function, active holds, "
                    + "projected shortages and OEE per work center. Start here to see how the plant stands.",
                kind: .read,
                inputSchema: Schema.object([:])
            ) { _, _ in
                let now = service.now()
                let k = await service.read { $0.kpis(now: now) }
                let d = k.delivery
                let statement = d.statement.hasSuffix(".") ? d.statement : d.statement + "."
                let text =
                    "\(statement) Orders in progress: \(k.ordersInProgress); operations running: \(k.operationsRunning), "
                    + "paused: \(k.operationsPaused); open exceptions: \(k.openExceptions); active holds: \(k.activeHolds); "
                    + "items with a projected shortage: \(k.projectedShortages)."
                var kpis = k
                kpis.delivery.entries = []  // the orders are list_orders' answer
                return ToolAnswer(text: text, data: try .of(kpis))
            },
            AgentTool(
                name: "list_orders",
                title: "Orders and their forecast",
                description: "Customer order lines and stock production orders with their due date, forecast finish and verdict "
                    + "(on-time, at-risk, late) against the published schedule. Filter by verdict, customer or sales order.",
                kind: .read,
                inputSchema: Schema.object([
                    "verdict": Schema.string("only orders with this verdict", enum: DeliveryVerdict.allCases.map(\.rawValue)),
                    "customer": Schema.string("only this customer's lines, e.g. CUST-001"),
                    "salesOrder": Schema.string("only this sales order, e.g. SO-10012"),
                    "limit": Schema.integer("at most this many (default 50)", minimum: 1, maximum: 500),
                ])
            ) { args, _ in
                let verdictText = try args.string("verdict")
                let verdict: DeliveryVerdict? = try verdictText.map { t throws(ToolFailure) in
                    guard let v = DeliveryVerdict(rawValue: t) else {
                        throw ToolFailure(
                            message: "verdict: must be one of \(DeliveryVerdict.allCases.map(\.rawValue).joined(separator: ", ")) [one-of]",
                            code: "invalid-argument"
                        )
                    }
                    return v
                }
                let customer = try args.string("customer")
                let salesOrder = try args.string("salesOrder")
                let limit = try args.int("limit", in: 1...500) ?? 50
                let now = service.now()
                let forecast = await service.read { $0.deliveryForecast(now: now) }
                let all = forecast.entries.filter {
                    (verdict == nil || $0.verdict == verdict) && (customer == nil || $0.customer?.rawValue == customer)
                        && (salesOrder == nil || $0.salesOrder?.rawValue == salesOrder)
                }
                let shown = Array(all.prefix(limit))
                let text =
                    "\(all.count) order(s) match; \(forecast.statement)"
                    + (all.count > shown.count ? " Showing the first \(shown.count)." : "")
                return ToolAnswer(text: text, data: try .of(shown))
            },
            AgentTool(
                name: "dispatch_list",
                title: "Dispatch list of a work center",
                description: "What a work center should run next, in order, with what blocks each operation (material, "
                    + "instructions, interlocks).",
                kind: .read,
                inputSchema: Schema.object(["workCenter": Schema.string("the work center, e.g. WC-LATHE-1")], required: ["workCenter"])
            ) { args, caller in
                let id = WorkCenter.ID(try args.required("workCenter"))
                let now = service.now()
                let list = try await service.read { state throws(ToolFailure) -> DispatchList in
                    guard state.workCenters[id] != nil else {
                        throw ToolFailure(message: "workCenter: '\(id)' does not exist [unknown-reference]", code: "not-found")
                    }
                    return DispatchList(state: state, workCenter: id, operator: caller.user.id, now: now)
                }
                return ToolAnswer(text: "Dispatch list of \(id).", data: try .of(list))
            },
            AgentTool(
                name: "work_center_schedule",
                title: "Schedule of a work center",
                description: "The published schedule's operations on one work center (order, operation, start, end), optionally "
                    + "within a window.",
                kind: .read,
                inputSchema: Schema.object(
                    [
                        "workCenter": Schema.string("the work center, e.g. WC-MILL-1"),
                        "from": Schema.string("only operations ending after this date-time (ISO 8601)"),
                        "to": Schema.string("only operations starting before this date-time (ISO 8601)"),
                    ],
                    required: ["workCenter"]
                )
            ) { args, _ in
                let id = WorkCenter.ID(try args.required("workCenter"))
                let from = try args.date("from")
                let to = try args.date("to")
                let (schedule, exists) = await service.read { ($0.publishedSchedule, $0.workCenters[id] != nil) }
                guard exists else { throw ToolFailure(message: "workCenter: '\(id)' does not exist [unknown-reference]", code: "not-found") }
                guard let schedule else { return ToolAnswer(text: "No schedule is published yet.", data: .array([])) }
                let steps = schedule.steps.filter { step in
                    step.workCenter == id && (from.map { step.end > $0 } ?? true) && (to.map { step.start < $0 } ?? true)
                }.sorted { $0.start < $1.start }
                return ToolAnswer(text: "\(steps.count) operation(s) of \(schedule.id) on \(id).", data: try .of(steps))
            },
            AgentTool(
                name: "list_exceptions",
                title: "Exceptions",
                description: "Exceptions (disruptions and answered outcome requests) with their impact and proposed actions: "
                    + "each action's predicted figures, cost, the roles that must approve it and its status. Default: those "
                    + "waiting for a decision.",
                kind: .read,
                inputSchema: Schema.object([
                    "status": Schema.string("only this status (default: open and answered)", enum: ExceptionStatus.allCases.map(\.rawValue)),
                    "limit": Schema.integer("at most this many, newest first (default 20)", minimum: 1, maximum: 200),
                ])
            ) { args, _ in
                let statusText = try args.string("status")
                let status: ExceptionStatus? = try statusText.map { t throws(ToolFailure) in
                    guard let s = ExceptionStatus(rawValue: t) else {
                        throw ToolFailure(
                            message: "status: must be one of \(ExceptionStatus.allCases.map(\.rawValue).joined(separator: ", ")) [one-of]",
                            code: "invalid-argument"
                        )
                    }
                    return s
                }
                let limit = try args.int("limit", in: 1...200) ?? 20
                let all = await service.read { Array($0.exceptions.values) }
                    .filter { e in status.map { e.status == $0 } ?? e.status.awaitsDecision }
                    .sorted { ($0.raisedAt, $0.id.rawValue) > ($1.raisedAt, $1.id.rawValue) }
                let shown = all.prefix(limit).map(ExceptionDigest.init)
                let lines = shown.map { "\($0.id) [\($0.status)] \($0.title): \($0.actions.count) action(s)" }
                return ToolAnswer(text: (["\(all.count) exception(s)."] + lines).joined(separator: "\n"), data: try .of(shown))
            },
            AgentTool(
                name: "get_exception",
                title: "One exception in full",
                description: "An exception with its cause chain, impact (orders made late, operations moved), every proposed "
                    + "action with its steps, predicted figures, cost terms, approvals needed and decisions so far.",
                kind: .read,
                inputSchema: Schema.object(["exception": Schema.string("the exception, e.g. EXC-000003")], required: ["exception"])
            ) { args, _ in
                let id = PlantException.ID(try args.required("exception"))
                guard let e = await service.read({ $0.exceptions[id] }) else {
                    throw ToolFailure(message: "exception: '\(id)' does not exist [unknown-reference]", code: "not-found")
                }
                return ToolAnswer(text: "\(e.id) [\(e.status.rawValue)] \(e.title)", data: try .of(e))
            },
            AgentTool(
                name: "trace_lot",
                title: "Lot trace",
                description: "Where a lot came from (backward: the orders and lots it was made of) or where it went (forward: "
                    + "what consumed it, down to shipments).",
                kind: .read,
                inputSchema: Schema.object(
                    [
                        "lot": Schema.string("the lot, e.g. LOT-000042"),
                        "direction": Schema.string("backward (default) or forward", enum: TraceDirection.allCases.map(\.rawValue)),
                    ],
                    required: ["lot"]
                )
            ) { args, _ in
                let lot = Lot.ID(try args.required("lot"))
                let directionText = try args.string("direction") ?? "backward"
                guard let direction = TraceDirection(rawValue: directionText) else {
                    throw ToolFailure(message: "direction: must be backward or forward [one-of]", code: "invalid-argument")
                }
                guard let trace = await service.read({ $0.trace(lot, direction: direction) }) else {
                    throw ToolFailure(message: "lot: '\(lot)' does not exist [unknown-reference]", code: "not-found")
                }
                return ToolAnswer(text: "\(direction.rawValue.capitalized) trace of \(lot).", data: try .of(trace))
            },
            AgentTool(
                name: "oee",
                title: "OEE",
                description: "OEE (ISO 22400: availability × performance × quality) per work center over a window, with the "
                    + "times it is made of. Default window: the 24 hours before now.",
                kind: .read,
                inputSchema: Schema.object([
                    "workCenter": Schema.string("only this work center (default: all)"),
                    "from": Schema.string("window start, ISO 8601 date-time"),
                    "to": Schema.string("window end, ISO 8601 date-time"),
                ])
            ) { args, _ in
                let now = service.now()
                let to = try args.date("to") ?? now
                let from = try args.date("from") ?? to.addingTimeInterval(-86_400)
                guard from < to else { throw ToolFailure(message: "from: must be before to [order]", code: "invalid-argument") }
                let only = try args.string("workCenter").map { WorkCenter.ID($0) }
                let reports = try await service.read { state throws(ToolFailure) -> [OEEReport] in
                    if let only, state.workCenters[only] == nil {
                        throw ToolFailure(message: "workCenter: '\(only)' does not exist [unknown-reference]", code: "not-found")
                    }
                    let ids = only.map { [$0] } ?? state.workCenters.keys.sorted { $0.rawValue < $1.rawValue }
                    return ids.compactMap { state.oee(workCenter: $0, from: from, to: to, now: now) }
                }
                return ToolAnswer(text: "OEE of \(reports.count) work center(s).", data: try .of(reports))
            },
            AgentTool(
                name: "stock_and_shortages",
                title: "Stock and shortages",
                description: "Stock on hand by item and location (quantity, lots, status) and the projected shortages of the "
                    + "published schedule (from when, by how much, which operations wait).",
                kind: .read,
                inputSchema: Schema.object([
                    "item": Schema.string("only this item"),
                    "location": Schema.string("only this location (stock only)"),
                ])
            ) { args, _ in
                let item = try args.string("item").map { Item.ID($0) }
                let location = try args.string("location").map { Location.ID($0) }
                let (stock, shortages) = await service.read { state in
                    (
                        state.stock(item: item, location: location),
                        state.shortages.values.filter { item == nil || $0.item == item }.sorted {
                            ($0.from, $0.item.rawValue) < ($1.from, $1.item.rawValue)
                        }
                    )
                }
                return ToolAnswer(
                    text: "\(stock.count) stock line(s); \(shortages.count) projected shortage(s).",
                    data: .object(["stock": try .of(stock), "shortages": try .of(shortages)])
                )
            },
            AgentTool(
                name: "list_holds",
                title: "Holds",
                description: "Quality holds that are not released: what they hold (lot, supplier lot, order, work center), why, "
                    + "and the lots they put on hold.",
                kind: .read,
                inputSchema: Schema.object([:])
            ) { _, _ in
                let holds = await service.read { $0.holds.values.filter { !$0.released }.sorted { $0.id.rawValue < $1.id.rawValue } }
                return ToolAnswer(text: "\(holds.count) active hold(s).", data: try .of(holds))
            },
        ]
    }

    // MARK: - Proposals

    static func proposals(_ service: any PlantServing) -> [AgentTool] {
        [
            AgentTool(
                name: "request_outcome",
                title: "Ask for an outcome",
                description: "Ask the plant for an outcome and get up to three plan options, each simulated on the plant with its "
                    + "predicted figures and the approvals it needs; nothing is changed until an option is approved. Give "
                    + "either `text` (e.g. \"expedite SO-10012 to 2026-12-09\", \"fit a rush order for 20 P-NB-32-160 by Friday\", "
                    + "\"take WC-MILL-1 down from 2026-12-08 06:00 to 14:00\", \"what if PO-000031 is cancelled\") or a "
                    + "structured `request` object (kind expedite-sales-order | rush-order | take-down | cancel-order).",
                kind: .propose,
                inputSchema: Schema.object([
                    "text": Schema.string("the outcome in words"),
                    "request": .object([
                        "type": .string("object"),
                        "description": .string(
                            "structured: {kind: expedite-sales-order, salesOrder, line?, date} | {kind: rush-order, item, quantity, "
                                + "date, customer?} | {kind: take-down, workCenter, from, to} | {kind: cancel-order, order}"
                        ),
                    ]),
                ])
            ) { args, caller in
                let ask: OutcomeAsk
                switch (try args.string("text"), args.values["request"]) {
                case (let text?, nil), (let text?, .null?):
                    ask = .words(text)
                case (nil, let request?) where request != .null:
                    do {
                        ask = .structured(try TaktJSON.decoder.decode(OutcomeRequest.self, from: try TaktJSON.encoder.encode(request)))
                    } catch {
                        throw ToolFailure(message: "request: not a structured outcome request (\(error)) [schema]", code: "invalid-argument")
                    }
                default:
                    throw ToolFailure(message: "text: give exactly one of text and request [one-of]", code: "invalid-argument")
                }
                let outcome = try await service.requestOutcome(ask, by: Caller(user: caller.user, agent: caller.act("request_outcome")))
                guard let id = outcome.exceptionID, let e = await service.read({ $0.exceptions[id] }) else {
                    throw ToolFailure(message: "the request recorded no exception [internal]", code: "internal")
                }
                let digest = ExceptionDigest(e)
                let lines = digest.actions.map { "  \($0.id): \($0.title) — \($0.effect) (approval: \($0.approvals.joined(separator: ", ")))" }
                return ToolAnswer(
                    text: (["\(e.id): \(e.title). Options (approve one with approve_action):"] + lines).joined(separator: "\n"),
                    data: try .of(digest)
                )
            },
            AgentTool(
                name: "recommend_action",
                title: "Propose an action for an exception",
                description: "Propose one of an exception's simulated actions to the people who must approve it, with your "
                    + "reasons. It is recorded on the action (with your agent's name) and shown in the inbox; it approves "
                    + "nothing and changes no plan. Use it when you may not, or should not, approve yourself.",
                kind: .propose,
                inputSchema: Schema.object(
                    [
                        "exception": Schema.string("the exception, e.g. EXC-000003"),
                        "action": Schema.string("the action's ID within the exception, e.g. A2"),
                        "comment": Schema.string("why this action: the figures and trade-offs that decide it (required)"),
                    ],
                    required: ["exception", "action", "comment"]
                )
            ) { args, caller in
                let r = RecommendAction(
                    exception: PlantException.ID(try args.required("exception")),
                    action: try args.required("action"),
                    comment: try args.required("comment")
                )
                let caller = Caller(user: caller.user, agent: caller.act("recommend_action"))
                _ = try await service.submit(caller.envelope(.recommendAction(r)))
                guard let e = await service.read({ $0.exceptions[r.exception] }),
                    let action = e.actions.first(where: { $0.id == r.action })
                else { throw ToolFailure(message: "exception: '\(r.exception)' is gone [internal]", code: "internal") }
                let approvers = action.pendingApprovals.map(\.rawValue).joined(separator: ", ")
                return ToolAnswer(
                    text: "\(action.id) of \(e.id) recommended; it waits for approval by \(approvers.isEmpty ? "nobody" : approvers).",
                    data: try .of(ExceptionDigest(e))
                )
            },
        ]
    }

    // MARK: - Decisions

    static func decisions(_ service: any PlantServing) -> [AgentTool] {
        func decide(_ approving: Bool) -> AgentTool {
            let name = approving ? "approve_action" : "reject_action"
            return AgentTool(
                name: name,
                title: approving ? "Approve an action" : "Reject an action",
                description: approving
                    ? "Approve a proposed action of an exception. Allowed only when your user holds a role the approval policy "
                        + "asks for (exactly as in the web app); once every role needed has approved, the orchestrator carries "
                        + "it out (a new published schedule, overtime, a hold released …). Refused approvals record nothing."
                    : "Reject a proposed action of an exception, with a comment that says why (required). Needs a role the "
                        + "approval policy asks for.",
                kind: .decide,
                inputSchema: Schema.object(
                    [
                        "exception": Schema.string("the exception, e.g. EXC-000003"),
                        "action": Schema.string("the action's ID within the exception, e.g. A1"),
                        "comment": Schema.string(approving ? "why (optional)" : "why it is rejected (required)"),
                    ],
                    required: approving ? ["exception", "action"] : ["exception", "action", "comment"]
                )
            ) { args, caller in
                let decision = DecideAction(
                    exception: PlantException.ID(try args.required("exception")),
                    action: try args.required("action"),
                    comment: try args.string("comment")
                )
                let caller = Caller(user: caller.user, agent: caller.act(name))
                _ = try await service.submit(caller.envelope(approving ? .approveAction(decision) : .rejectAction(decision)))
                guard let e = await service.read({ $0.exceptions[decision.exception] }),
                    let action = e.actions.first(where: { $0.id == decision.action })
                else { throw ToolFailure(message: "exception: '\(decision.exception)' is gone [internal]", code: "internal") }
                let pending = action.pendingApprovals.map(\.rawValue)
                let text =
                    approving
                    ? "\(action.id) of \(e.id) approved by \(caller.user.id)"
                        + (pending.isEmpty ? "; the orchestrator carries it out." : "; still needs: \(pending.joined(separator: ", ")).")
                    : "\(action.id) of \(e.id) rejected by \(caller.user.id)."
                return ToolAnswer(text: text, data: try .of(ExceptionDigest(e)))
            }
        }
        return [decide(true), decide(false)]
    }
}

/// An exception as an agent reads it in a list: what, how bad, and the options with their figures.
struct ExceptionDigest: Codable, Sendable {
    struct Option: Codable, Sendable {
        var id: String
        var title: String
        var effect: String
        var rank: Int
        var cost: Double
        var predicted: PlanKPIs
        var approvals: [String]
        var pendingApprovals: [String]
        var status: String
        var recommendations: [ActionRecommendation]?
    }
    var id: String
    var kind: String
    var title: String
    var status: String
    var severity: String
    var raisedAt: Date
    var baseline: PlanKPIs
    var predictedWithoutAction: PlanKPIs
    var actions: [Option]
    var notes: [String]?

    init(_ e: PlantException) {
        id = e.id.rawValue
        kind = e.kind.rawValue
        title = e.title
        status = e.status.rawValue
        severity = e.severity.rawValue
        raisedAt = e.raisedAt
        baseline = e.impact.baseline
        predictedWithoutAction = e.impact.predicted
        actions = e.actions.map {
            Option(
                id: $0.id,
                title: $0.title,
                effect: $0.effect,
                rank: $0.rank,
                cost: $0.cost,
                predicted: $0.predicted,
                approvals: $0.approvals.map(\.rawValue),
                pendingApprovals: $0.pendingApprovals.map(\.rawValue),
                status: $0.status.rawValue,
                recommendations: $0.recommendations
            )
        }
        notes = e.actionNotes
    }
}
