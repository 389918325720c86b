import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

/// Quality through the API: inspection plans and results, what an operation still waits for, nonconformances with
/// their dispositions and approvals, and holds (see docs/quality.md). The rules are the core's; a route turns a path and
/// a body into a command, or reads the plant state. Reads are open to every signed-in user.
extension TaktAPI {
    var qualityRoutes: [APIRoute] {
        let service = service
        let tag = "Quality"
        let ncParameters: [APIRoute.Parameter] = [.path("id", "nonconformance ID"), .idempotencyKey]

        var r: [APIRoute] = []

        // MARK: Inspection plans

        let planRoles = CommandKind.defineInspectionPlan.sortedRoles
        r += collection(
            CollectionSpec<InspectionPlan>(
                path: "inspection-plans",
                schema: "InspectionPlan",
                noun: "inspection plan",
                select: { $0.inspectionPlans },
                filters: [
                    Filter(name: "item", description: "the item it inspects") { [$0.item.rawValue] },
                    Filter(name: "operation", description: "the routing operation (sequence number) it inspects") {
                        $0.operation.map { [String($0)] } ?? []
                    },
                    Filter(name: "frequency", description: "first-piece, every-lot or every-n") { [$0.frequency.rawValue] },
                ],
                tag: tag
            ),
            define: Command.defineInspectionPlan
        ).map { route in
            var route = route
            if route.method != .get { route.roles = planRoles }
            return route
        }

        // MARK: Inspection results

        r += collection(
            CollectionSpec<InspectionResult>(
                path: "inspection-results",
                schema: "InspectionResult",
                noun: "inspection result",
                select: { Dictionary($0.inspectionResults.map { ($0.id, $0) }, uniquingKeysWith: { $1 }) },
                filters: [
                    Filter(name: "productionOrder", description: "the production order inspected") { $0.productionOrder.map { [$0.rawValue] } ?? [] },
                    Filter(name: "operation", description: "the operation (sequence number) inspected") { $0.operation.map { [String($0)] } ?? [] },
                    Filter(name: "lot", description: "the lot inspected") { $0.lot.map { [$0.rawValue] } ?? [] },
                    Filter(name: "plan", description: "inspection plan ID") { [$0.plan.rawValue] },
                    Filter(name: "item", description: "item ID") { [$0.item.rawValue] },
                    Filter(name: "passed", description: "true or false") { [String($0.passed)] },
                ],
                tag: tag
            ),
            define: nil
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/inspection-results",
                operationID: "recordInspectionResult",
                summary: "Record an inspection against a plan: one measurement per characteristic and sample, for a production "
                    + "order operation and/or a lot. Pass or fail follows from the limits; a failed result opens a nonconformance "
                    + "(its event is in the answer), a passed one may complete the order or release an incoming lot from quarantine",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.recordInspectionResult.sortedRoles,
                requestSchema: "RecordInspectionResult",
                successStatus: 201,
                responseSchema: "EventList",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let body = try await JSONIO.decode(RecordInspectionResult.self, from: request, context: ctx)
                let outcome = try await submit(.recordInspectionResult(body), request: request, context: ctx)
                return JSONIO.response(JSONIO.eventsJSON(outcome.events), status: outcome.replayed ? .ok : .created, headers: replayHeaders(outcome))
            }
        )
        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/production-orders/{id}/operations/{seq}/inspection",
                operationID: "getOperationInspection",
                summary: "What an operation still waits for in inspection (for the operator terminal): whether it is outstanding, "
                    + "the plan to follow, passed results against those required, lots still to inspect, its results and open "
                    + "nonconformances",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "InspectionStatus",
                parameters: [.path("id", "production order ID"), .path("seq", "the operation's sequence number")]
            ) { _, ctx in
                _ = try ctx.requireUser()
                let id = ProductionOrder.ID(try ctx.parameters.require("id"))
                let text = try ctx.parameters.require("seq")
                guard let seq = Int(text) else {
                    throw Problem.badRequest("seq", "type", "the operation's sequence number must be an integer (got '\(text)')")
                }
                let status = try await service.read { state throws -> InspectionStatus in
                    guard state.productionOrders[id] != nil else { throw Problem.notFound("production order '\(id)' does not exist") }
                    guard let status = InspectionStatus(state: state, order: id, operation: seq) else {
                        throw Problem.notFound("production order '\(id)' has no operation \(seq)")
                    }
                    return status
                }
                return try JSONIO.response(status)
            }
        )

        // MARK: Nonconformances

        r += collection(
            CollectionSpec<Nonconformance>(
                path: "nonconformances",
                schema: "Nonconformance",
                noun: "nonconformance",
                select: { $0.nonconformances },
                filters: [
                    Filter(name: "status", description: "open, awaiting-approval, in-rework or closed") { [$0.status.rawValue] },
                    Filter(name: "severity", description: "minor, major or critical") { [$0.severity.rawValue] },
                    Filter(name: "lot", description: "names this lot") { $0.lots.map(\.rawValue) },
                    Filter(name: "item", description: "item ID") { $0.item.map { [$0.rawValue] } ?? [] },
                    Filter(name: "productionOrder", description: "production order ID") { $0.productionOrder.map { [$0.rawValue] } ?? [] },
                    Filter(name: "workCenter", description: "found at this work center") { $0.workCenter.map { [$0.rawValue] } ?? [] },
                ],
                tag: tag
            ),
            define: nil
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/nonconformances",
                operationID: "openNonconformance",
                summary: "Open a nonconformance: what is wrong, how severe, and what it affects (lots, a production order "
                    + "operation, a work center or a location); numbered NC-000001, …",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.openNonconformance.sortedRoles,
                requestSchema: "OpenNonconformance",
                successStatus: 201,
                responseSchema: "Nonconformance",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let body = try await JSONIO.decode(OpenNonconformance.self, from: request, context: ctx)
                return try await submitReturningEvent(
                    .openNonconformance(body),
                    type: "nonconformanceOpened",
                    request: request,
                    context: ctx,
                    status: .created
                )
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/nonconformances/{id}/disposition",
                operationID: "dispositionNonconformance",
                summary: "Decide what happens to an open nonconformance: scrap, rework, use as is or return to the supplier. "
                    + "Decided by quality it is carried out at once; proposed by a supervisor it waits for quality's approval",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.dispositionNonconformance.sortedRoles,
                requestSchema: "DispositionRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: ncParameters
            ) { request, ctx in
                let id = Nonconformance.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(DispositionRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .dispositionNonconformance(
                        DispositionNonconformance(
                            nonconformance: id,
                            disposition: body.disposition,
                            reason: body.reason,
                            workCenter: body.workCenter
                        )
                    ),
                    request: request,
                    context: ctx,
                    signature: body.signature
                )
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/nonconformances/{id}/approval",
                operationID: "approveDisposition",
                summary: "Approve a supervisor's proposed disposition (it is then carried out), or reject it with a note "
                    + "(the nonconformance is open again); an empty body approves",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.approveDisposition.sortedRoles,
                requestSchema: "ApprovalRequest",
                requestBodyRequired: false,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: ncParameters
            ) { request, ctx in
                let id = Nonconformance.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(ApprovalRequest.self, from: request, context: ctx, orEmpty: ApprovalRequest())
                return try await submitReturningEvents(
                    .approveDisposition(ApproveDisposition(nonconformance: id, approved: body.approved ?? true, note: body.note)),
                    request: request,
                    context: ctx,
                    signature: body.signature
                )
            }
        )

        // MARK: Holds

        r += collection(
            CollectionSpec<Hold>(
                path: "holds",
                schema: "Hold",
                noun: "hold",
                select: { $0.holds },
                filters: [
                    Filter(name: "status", description: "active or released") { [$0.released ? "released" : "active"] },
                    Filter(name: "kind", description: "lot, supplier-lot, production-order or work-center") { [$0.kind.rawValue] },
                    Filter(name: "lot", description: "holds this lot (named, or reached through the genealogy)") { h in
                        Array(Set((h.lot.map { [$0.rawValue] } ?? []) + h.lots.map(\.lot.rawValue)))
                    },
                    Filter(name: "supplierLot", description: "the supplier's lot number held") { $0.supplierLot.map { [$0] } ?? [] },
                    Filter(name: "productionOrder", description: "holds this production order (named, or as work in progress)") { h in
                        Array(Set((h.productionOrder.map { [$0.rawValue] } ?? []) + h.orders.map(\.rawValue)))
                    },
                    Filter(name: "workCenter", description: "holds this work center") { $0.workCenter.map { [$0.rawValue] } ?? [] },
                ],
                tag: tag
            ),
            define: nil
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/holds",
                operationID: "placeHold",
                summary: "Place a quality hold on exactly one of a lot, a supplier lot (every lot of it and, through the "
                    + "genealogy, every lot made from it), a production order or a work center. The answer lists the lots put "
                    + "on hold, the orders held and the affected lots already shipped, for a customer notification",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.placeHold.sortedRoles,
                requestSchema: "PlaceHold",
                successStatus: 201,
                responseSchema: "Hold",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let body = try await JSONIO.decode(PlaceHold.self, from: request, context: ctx)
                return try await submitReturningEvent(.placeHold(body), type: "holdPlaced", request: request, context: ctx, status: .created)
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/holds/{id}/release",
                operationID: "releaseHold",
                summary: "Release a hold, with a reason: its lots go back to their status before the hold (unless another "
                    + "hold still holds them), its orders and work center may work again",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.releaseHold.sortedRoles,
                requestSchema: "ReasonRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "hold ID"), .idempotencyKey]
            ) { request, ctx in
                let id = Hold.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(ReasonRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .releaseHold(ReleaseHold(hold: id, reason: body.reason)),
                    request: request,
                    context: ctx,
                    signature: body.signature
                )
            }
        )
        return r
    }
}

// MARK: - Request bodies

/// A disposition of a nonconformance; the path names the nonconformance.
struct DispositionRequest: Codable, Sendable {
    var disposition: DispositionKind
    var reason: String
    /// Rework only: where the rework runs; where the nonconformance was found when left out.
    var workCenter: WorkCenter.ID?
    /// Required when quality decides (approved at once): the password re-entered and the meaning.
    var signature: SignatureInput?
}

/// Quality's decision on a proposed disposition; approves when left out.
struct ApprovalRequest: Codable, Sendable {
    var approved: Bool?
    /// Required when rejecting.
    var note: String?
    /// Quality's electronic signature: the password re-entered and the meaning (approved or reviewed; rejected).
    var signature: SignatureInput?
}

// MARK: - Answers

/// What one operation of a production order still waits for in inspection, for the operator terminal.
struct InspectionStatus: Codable, Sendable {
    var productionOrder: ProductionOrder.ID
    var operation: Int
    var name: String
    var item: Item.ID
    /// The routing step asks for an inspection, or an inspection plan exists for the item at this operation.
    var inspectionRequired: Bool
    /// The service's verdict: the next operation does not start and the order does not complete until this is false.
    var outstanding: Bool
    /// The plan that decides (absent: the routing's inspection, recorded with `POST …/inspections`, decides).
    var plan: InspectionPlan?
    /// With a plan: the passed results it asks for (first piece: 1; every N: one per N units reported, at least one;
    /// every lot: one per output lot, at least one).
    var requiredResults: Int?
    /// Passed results of the plan for this operation (without a plan: 1 when the routing's inspection passed, else 0).
    var passedResults: Int
    /// Every-lot plans: output lots of the order without a passed result.
    var lotsToInspect: [Lot.ID]
    /// Every result recorded for this order operation, oldest first.
    var results: [InspectionResult]
    /// Nonconformances on this order operation that are not closed.
    var openNonconformances: [Nonconformance.ID]

    init(
        productionOrder: ProductionOrder.ID,
        operation: Int,
        name: String,
        item: Item.ID,
        inspectionRequired: Bool,
        outstanding: Bool,
        plan: InspectionPlan?,
        requiredResults: Int?,
        passedResults: Int,
        lotsToInspect: [Lot.ID],
        results: [InspectionResult],
        openNonconformances: [Nonconformance.ID]
    ) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.name = name
        self.item = item
        self.inspectionRequired = inspectionRequired
        self.outstanding = outstanding
        self.plan = plan
        self.requiredResults = requiredResults
        self.passedResults = passedResults
        self.lotsToInspect = lotsToInspect
        self.results = results
        self.openNonconformances = openNonconformances
    }

    /// Nil when the order or its operation does not exist.
    init?(state: PlantState, order id: ProductionOrder.ID, operation seq: Int) {
        guard let order = state.productionOrders[id], let op = state.operations[id]?.first(where: { $0.sequence == seq }) else { return nil }
        let plan = op.isRework ? nil : state.inspectionPlan(for: order.item, operation: seq)
        let results = state.inspectionResults.filter { $0.productionOrder == id && $0.operation == seq }
        var required: Int?
        var passed = op.inspectionPassed ? 1 : 0
        var toInspect: [Lot.ID] = []
        if let plan {
            let passing = results.filter { $0.passed && $0.plan == plan.id }
            passed = passing.count
            switch plan.frequency {
            case .firstPiece:
                required = 1
            case .everyN:
                required = PlantState.inspectionsNeeded(reported: op.reported, everyUnits: plan.everyUnits ?? 1)
            case .everyLot:
                let outputs = state.outputsByOrder[id] ?? []
                let passedLots = Set(passing.compactMap(\.lot))
                toInspect = outputs.filter { !passedLots.contains($0) }
                required = max(1, outputs.count)
            }
        }
        let open = state.nonconformances.values.filter { $0.productionOrder == id && $0.operation == seq && $0.status != .closed }
            .map(\.id).sorted()
        self.init(
            productionOrder: id,
            operation: seq,
            name: op.name,
            item: order.item,
            inspectionRequired: !op.isRework && (op.inspectionRequired || plan != nil),
            outstanding: state.inspectionOutstanding(productionOrder: id, operation: seq),
            plan: plan,
            requiredResults: required,
            passedResults: passed,
            lotsToInspect: toInspect,
            results: results,
            openNonconformances: open
        )
    }
}
