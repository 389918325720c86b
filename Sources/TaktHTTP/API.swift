public import CoreMetrics
public import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
public import TaktAgents
public import TaktCore
import TaktEngine
public import TaktService
import TaktStore

/// The Takt HTTP API: every route under `/api/v1`, plus `/healthz`.
public struct TaktAPI: Sendable {
    public let service: any PlantServing
    public let logger: Logger
    /// The server's version, reported by `/healthz` and the OpenAPI document.
    public let version: String
    /// The clock for answers that depend on the time (a dispatch list's interlocks, open labour): the service's.
    public var now: @Sendable () -> Date { service.now }

    /// A request body must have arrived this long after the server began reading it.
    public let bodyTimeout: Duration
    /// Where request counts and durations go (``RequestMetricsMiddleware``); nil counts nothing.
    public let metrics: (any MetricsFactory)?
    /// Start a span per request (Hummingbird's `TracingMiddleware`, into the tracer bootstrapped by `takt serve`
    /// `--otlp-endpoint`), continuing the caller's trace when it sends `traceparent`.
    public let tracing: Bool
    /// The language front door's model (`TAKT_LLM_URL`), or nil: `POST /api/v1/ask` then answers with the offline parser only.
    public let languageModel: (any ChatModel)?

    public init(
        service: any PlantServing,
        logger: Logger,
        version: String,
        bodyTimeout: Duration = HTTPTimeouts().body,
        metrics: (any MetricsFactory)? = nil,
        tracing: Bool = false,
        languageModel: (any ChatModel)? = nil
    ) {
        self.languageModel = languageModel
        self.tracing = tracing
        self.service = service
        self.logger = logger
        self.version = version
        self.bodyTimeout = bodyTimeout
        self.metrics = metrics
    }

    /// A router with every route of ``routes`` registered, errors rendered as problem+json.
    public func router() -> Router<TaktContext> {
        let router = Router(context: TaktContext.self)
        // Outermost, so that it sees the status the problem middleware renders (and the web app's routes, added later).
        if let metrics { router.add(middleware: RequestMetricsMiddleware<TaktContext>(factory: metrics)) }
        if tracing { router.add(middleware: TracingMiddleware<TaktContext>(redactingQueryParameters: ["token", "secret", "password"])) }
        router.add(middleware: ProblemMiddleware<TaktContext>(logger: logger))
        let all = routes
        let bodyTimeout = bodyTimeout
        for route in all {
            let handler = route.handler
            let requiresAuth = route.requiresAuth
            let service = service
            router.on(RouterPath(route.routerPath), method: route.method) { request, context in
                var context = context
                var request = request
                // The order is the contract: who you are (401, 429), then which request this is (an Idempotency-Key's
                // repeat is recognised by the service before roles and state are looked at), then the route.
                if requiresAuth {
                    let (user, token) = try await authenticate(request, client: context.client, service: service)
                    context.user = user
                    // A read-only token reads: every method that may change the plant is refused before its body is read.
                    if token?.readOnly == true, request.method != .get, request.method != .head {
                        throw Problem(
                            status: .forbidden,
                            code: "forbidden",
                            title: "Forbidden",
                            detail:
                                "token '\(token?.id.rawValue ?? "")' is read-only: it may only read (GET); ask an admin for a token that may write"
                        )
                    }
                }
                if request.method != .get && request.method != .head {
                    let body = try await JSONIO.collectBody(of: &request, context: context, timeout: bodyTimeout)
                    // A date alone in the body is a day of the plant's calendar: read its time zone (only then).
                    if PlantDay.mentionsDay(in: body.readableBytesView) { context.plantTimeZone = await service.read { $0.plantTimeZone } }
                    guard request.headers[.idempotencyKey] != nil else { return try await handler(request, context) }
                    let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                    context.requestDigest = PlantService.requestDigest(method: request.method.rawValue, target: target, body: body.readableBytesView)
                }
                return try await handler(request, context)
            }
        }
        // A known path with a method it does not serve: 405 naming the methods it does (not 404, which says the path is unknown).
        var methodsByPath: [String: Set<HTTPRequest.Method>] = [:]
        for route in all { methodsByPath[route.routerPath, default: []].insert(route.method) }
        let standard: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options]
        for (path, methods) in methodsByPath {
            let allow = standard.filter(methods.contains).map(\.rawValue).joined(separator: ", ")
            for method in standard where !methods.contains(method) {
                router.on(RouterPath(path), method: method) { request, _ -> Response in
                    var problem = Problem(
                        status: .methodNotAllowed,
                        code: "method-not-allowed",
                        title: "Method not allowed",
                        detail: "\(request.method.rawValue) is not served on this path; it serves: \(allow)"
                    )
                    problem.headers[.allow] = allow
                    throw problem
                }
            }
        }
        return router
    }

    /// Every route, in the order the OpenAPI document lists them.
    public var routes: [APIRoute] {
        var r: [APIRoute] = []
        r.append(
            APIRoute(
                method: .get,
                path: "/healthz",
                operationID: "health",
                summary: "Liveness: the server answers and its log is readable",
                tag: "System",
                requiresAuth: false,
                successStatus: 200,
                responseSchema: "Health",
                parameters: []
            ) { _, _ in
                let sequence = await service.committedSequence
                return try JSONIO.response(Health(status: "ok", version: version, sequence: sequence))
            }
        )
        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/openapi.json",
                operationID: "openapi",
                summary: "This API's OpenAPI 3.1 document",
                tag: "System",
                requiresAuth: false,
                successStatus: 200,
                responseSchema: nil,
                parameters: []
            ) { _, _ in
                JSONIO.response(try openAPIDocument())
            }
        )
        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/users/me",
                operationID: "whoAmI",
                summary: "The signed-in user",
                tag: "Identity",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "User",
                parameters: []
            ) { _, ctx in
                try JSONIO.response(try ctx.requireUser())
            }
        )
        r += collection(
            CollectionSpec<Site>(path: "sites", schema: "Site", noun: "site", select: { $0.sites }, filters: []),
            define: Command.defineSite
        )
        r += collection(
            CollectionSpec<Skill>(path: "skills", schema: "Skill", noun: "skill", select: { $0.skills }, filters: []),
            define: Command.defineSkill
        )
        r += collection(
            CollectionSpec<WorkCenter>(
                path: "work-centers",
                schema: "WorkCenter",
                noun: "work center",
                select: { $0.workCenters },
                filters: [
                    Filter(name: "site", description: "site ID") { [$0.site.rawValue] },
                    Filter(name: "kind", description: "machining, welding, paint, assembly, test, packing or other") { [$0.kind.rawValue] },
                    Filter(name: "setupFamily", description: "runs this setup family") { $0.setupFamilies },
                ]
            ),
            define: Command.defineWorkCenter
        )
        r += collection(
            CollectionSpec<Location>(
                path: "locations",
                schema: "Location",
                noun: "location",
                select: { $0.locations },
                filters: [
                    Filter(name: "site", description: "site ID") { [$0.site.rawValue] },
                    Filter(name: "kind", description: "store, receiving, line-side, shipping or quarantine") { [$0.kind.rawValue] },
                    Filter(name: "workCenter", description: "the work center a line-side location feeds") {
                        $0.workCenter.map { [$0.rawValue] } ?? []
                    },
                ]
            ),
            define: Command.defineLocation
        )
        r += collection(
            CollectionSpec<Item>(
                path: "items",
                schema: "Item",
                noun: "item",
                select: { $0.items },
                filters: [
                    Filter(name: "kind", description: "purchased, semi-finished or finished") { [$0.kind.rawValue] },
                    Filter(name: "unit", description: "unit of measure") { [$0.unit.rawValue] },
                ]
            ),
            define: Command.defineItem
        )
        r += collection(
            CollectionSpec<BOM>(
                path: "boms",
                schema: "BOM",
                noun: "bill of materials",
                select: { $0.boms },
                filters: [
                    Filter(name: "item", description: "the item the BOM makes") { [$0.item.rawValue] },
                    Filter(name: "component", description: "contains this component item") { $0.components.map(\.item.rawValue) },
                ]
            ),
            define: Command.defineBOM
        )
        r += collection(
            CollectionSpec<Routing>(
                path: "routings",
                schema: "Routing",
                noun: "routing",
                select: { $0.routings },
                filters: [
                    Filter(name: "item", description: "the item the routing makes") { [$0.item.rawValue] },
                    Filter(name: "workCenter", description: "uses this work center") {
                        $0.operations.flatMap { $0.workCenters.map(\.workCenter.rawValue) }
                    },
                ]
            ),
            define: Command.defineRouting
        )
        r += collection(
            CollectionSpec<Customer>(
                path: "customers",
                schema: "Customer",
                noun: "customer",
                select: { $0.customers },
                filters: [
                    Filter(name: "priority", description: "1 (highest) to 5") { [String($0.priority)] }
                ]
            ),
            define: Command.defineCustomer
        )
        r += collection(
            CollectionSpec<SalesOrder>(
                path: "sales-orders",
                schema: "SalesOrder",
                noun: "sales order",
                select: { $0.salesOrders },
                filters: [
                    Filter(name: "customer", description: "customer ID") { [$0.customer.rawValue] },
                    Filter(name: "status", description: "open, shipped or cancelled") { [$0.status.rawValue] },
                    Filter(name: "item", description: "has a line for this item") { $0.lines.map(\.item.rawValue) },
                    Filter(name: "priority", description: "1 (highest) to 5") { [String($0.priority)] },
                ]
            ),
            define: nil
        )
        r += collection(
            CollectionSpec<ProductionOrder>(
                path: "production-orders",
                schema: "ProductionOrder",
                noun: "production order",
                select: { $0.productionOrders },
                filters: [
                    Filter(name: "status", description: "planned, released, in-progress, completed or cancelled") { [$0.status.rawValue] },
                    Filter(name: "item", description: "item ID") { [$0.item.rawValue] },
                    Filter(name: "routing", description: "routing ID") { [$0.routing.rawValue] },
                    Filter(name: "priority", description: "1 (highest) to 5") { [String($0.priority)] },
                    Filter(name: "salesOrder", description: "pegged to this sales order") { $0.pegging.map { [$0.salesOrder.rawValue] } ?? [] },
                ]
            ),
            define: nil
        )
        r += collection(
            CollectionSpec<Lot>(
                path: "lots",
                schema: "Lot",
                noun: "lot",
                select: { $0.lots },
                filters: [
                    Filter(name: "item", description: "item ID") { [$0.item.rawValue] },
                    Filter(name: "location", description: "location ID") { [$0.location.rawValue] },
                    Filter(name: "status", description: "available, on-hold, quarantine, consumed, shipped, scrapped or returned") {
                        [$0.status.rawValue]
                    },
                    Filter(name: "supplierLot", description: "the supplier's lot number") { $0.supplierLot.map { [$0] } ?? [] },
                    Filter(name: "productionOrder", description: "made by this production order") { $0.productionOrder.map { [$0.rawValue] } ?? [] },
                ]
            ),
            define: nil
        )
        r += collection(
            CollectionSpec<User>(
                path: "users",
                schema: "User",
                noun: "user",
                select: { $0.users },
                filters: [
                    Filter(name: "role", description: "has this role") { $0.roles.map(\.rawValue) },
                    Filter(name: "active", description: "true or false") { [String($0.active)] },
                ],
                readRoles: Redaction.identityReaders
            ),
            define: nil
        )
        r +=
            orderRoutes + lotRoutes + userRoutes + passwordRoutes + commandRoutes + eventRoutes + scheduleRoutes + executionRoutes + traceOEERoutes
            + warehouseRoutes + qualityRoutes + orchestrationRoutes
        r += exchangeRoutes  // CSV import and export (ExchangeAPI.swift)
        r += webhookRoutes  // webhook subscriptions and dead letters (WebhooksAPI.swift)
        r += engineeringRoutes  // work instruction revisions, attachments, engineering changes (EngineeringAPI.swift)
        r += documentRoutes  // incoming documents and their templates (DocumentsAPI.swift)
        r += machineDataRoutes  // the machine-signal mapping and the machine-data bridge's status (MachineDataAPI.swift)
        return r
    }

    // MARK: - Collections

    func collection<E: Codable & Sendable & Identifiable>(_ spec: CollectionSpec<E>, define: (@Sendable (E) -> Command)?) -> [APIRoute]
    where E.ID: Comparable & Sendable & CustomStringConvertible {
        let base = "/api/v1/\(spec.path)"
        let service = service
        var routes: [APIRoute] = []
        let filterParams =
            [
                APIRoute.Parameter.query("limit", "page size, 1–500 (default 50)", schema: "integer"),
                .query("after", "cursor: the `next` value of the previous page"),
            ]
            + spec.filters.map { APIRoute.Parameter.query($0.name, "filter: \($0.description)") }
        routes.append(
            APIRoute(
                method: .get,
                path: base,
                operationID: "list\(spec.schema)s",
                summary: "List \(spec.noun)s (paged, filterable)",
                tag: spec.tag ?? spec.schema,
                requiresAuth: true,
                roles: spec.readRoles.map { $0.sorted() },
                successStatus: 200,
                responseSchema: "Page<\(spec.schema)>",
                parameters: filterParams
            ) { request, ctx in
                try checkRead(spec.readRoles, ctx)
                let all = await service.read { spec.select($0) }
                let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
                return try JSONIO.response(try spec.page(all, query: query))
            }
        )
        routes.append(
            APIRoute(
                method: .get,
                path: base + "/{id}",
                operationID: "get\(spec.schema)",
                summary: "One \(spec.noun)",
                tag: spec.tag ?? spec.schema,
                requiresAuth: true,
                roles: spec.readRoles.map { $0.sorted() },
                successStatus: 200,
                responseSchema: spec.schema,
                parameters: [.path("id", "\(spec.noun) ID")]
            ) { request, ctx in
                try checkRead(spec.readRoles, ctx)
                let id = try ctx.parameters.require("id")
                let all = await service.read { spec.select($0) }
                guard let entity = all.first(where: { $0.key.description == id })?.value else {
                    throw Problem.notFound("\(spec.noun) '\(id)' does not exist")
                }
                return try JSONIO.response(entity)
            }
        )
        if let define {
            routes.append(
                APIRoute(
                    method: .post,
                    path: base,
                    operationID: "create\(spec.schema)",
                    summary: "Define a new \(spec.noun)",
                    tag: spec.tag ?? spec.schema,
                    requiresAuth: true,
                    requestSchema: spec.schema,
                    successStatus: 201,
                    responseSchema: spec.schema,
                    parameters: [.idempotencyKey]
                ) { request, ctx in
                    let entity = try await JSONIO.decode(E.self, from: request, context: ctx)
                    // POST creates only. The service checks it after the idempotency lookup and the role check, atomically with
                    // the command: a retry replays the first answer, a wrong role gets 403, and only then an existing ID 409.
                    let id = entity.id
                    let createOnly: @Sendable (PlantState) throws -> Void = { state in
                        if spec.select(state)[id] != nil {
                            throw DomainError.conflict("id", "exists", "\(spec.noun) '\(id)' already exists; use PUT \(base)/\(id) to change it")
                        }
                    }
                    return try await submitReturningEntity(define(entity), request: request, context: ctx, status: .created, precondition: createOnly)
                }
            )
            routes.append(
                APIRoute(
                    method: .put,
                    path: base + "/{id}",
                    operationID: "put\(spec.schema)",
                    summary: "Define or replace a \(spec.noun)",
                    tag: spec.tag ?? spec.schema,
                    requiresAuth: true,
                    requestSchema: spec.schema,
                    successStatus: 200,
                    responseSchema: spec.schema,
                    parameters: [.path("id", "\(spec.noun) ID"), .idempotencyKey]
                ) { request, ctx in
                    let id = try ctx.parameters.require("id")
                    let entity = try await JSONIO.decode(E.self, from: request, context: ctx)
                    guard entity.id.description == id else {
                        throw Problem.badRequest("id", "path-mismatch", "the body's id '\(entity.id)' differs from the path's '\(id)'")
                    }
                    return try await submitReturningEntity(define(entity), request: request, context: ctx, status: .ok)
                }
            )
        }
        return routes
    }

    // MARK: - Orders

    var orderRoutes: [APIRoute] {
        let po = "/api/v1/production-orders"
        var r: [APIRoute] = [
            APIRoute(
                method: .post,
                path: "/api/v1/sales-orders",
                operationID: "createSalesOrder",
                summary: "Enter a customer order",
                tag: "SalesOrder",
                requiresAuth: true,
                roles: CommandKind.createSalesOrder.sortedRoles,
                requestSchema: "NewSalesOrder",
                successStatus: 201,
                responseSchema: "SalesOrder",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let new = try await JSONIO.decode(NewSalesOrder.self, from: request, context: ctx)
                return try await submitReturningEntity(.createSalesOrder(new), request: request, context: ctx, status: .created)
            },
            APIRoute(
                method: .post,
                path: "/api/v1/sales-orders/{id}/lines/{line}/promise",
                operationID: "promiseSalesOrderLine",
                summary: "Promise a delivery date for one line",
                tag: "SalesOrder",
                requiresAuth: true,
                roles: CommandKind.promiseSalesOrderLine.sortedRoles,
                requestSchema: "PromiseRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "sales order ID"), .path("line", "line number"), .idempotencyKey]
            ) { request, ctx in
                let id = try ctx.parameters.require("id")
                let line = try ctx.parameters.require("line", as: Int.self)
                let body = try await JSONIO.decode(PromiseRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .promiseSalesOrderLine(.init(salesOrder: .init(id), line: line, promisedDate: body.promisedDate)),
                    request: request,
                    context: ctx
                )
            },
            APIRoute(
                method: .post,
                path: "/api/v1/sales-orders/{id}/cancel",
                operationID: "cancelSalesOrder",
                summary: "Cancel a customer order",
                tag: "SalesOrder",
                requiresAuth: true,
                roles: CommandKind.cancelSalesOrder.sortedRoles,
                requestSchema: "ReasonRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "sales order ID"), .idempotencyKey]
            ) { request, ctx in
                let id = try ctx.parameters.require("id")
                let body = try await JSONIO.decode(ReasonRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .cancelSalesOrder(.init(salesOrder: .init(id), reason: body.reason)),
                    request: request,
                    context: ctx
                )
            },
            APIRoute(
                method: .post,
                path: po,
                operationID: "createProductionOrder",
                summary: "Create a planned production order",
                tag: "ProductionOrder",
                requiresAuth: true,
                roles: CommandKind.createProductionOrder.sortedRoles,
                requestSchema: "NewProductionOrder",
                successStatus: 201,
                responseSchema: "ProductionOrder",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let new = try await JSONIO.decode(NewProductionOrder.self, from: request, context: ctx)
                return try await submitReturningEntity(.createProductionOrder(new), request: request, context: ctx, status: .created)
            },
            APIRoute(
                method: .post,
                path: po + "/{id}/cancel",
                operationID: "cancelProductionOrder",
                summary: "Cancel a production order",
                tag: "ProductionOrder",
                requiresAuth: true,
                roles: CommandKind.cancelProductionOrder.sortedRoles,
                requestSchema: "ReasonRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "production order ID"), .idempotencyKey]
            ) { request, ctx in
                let id = try ctx.parameters.require("id")
                let body = try await JSONIO.decode(ReasonRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .cancelProductionOrder(.init(productionOrder: .init(id), reason: body.reason)),
                    request: request,
                    context: ctx
                )
            },
        ]
        let transitions: [(String, String, [Role], @Sendable (ProductionOrderRef) -> Command)] = [
            ("release", "Release a planned order to the shop floor", CommandKind.releaseProductionOrder.sortedRoles, Command.releaseProductionOrder),
            ("start", "Mark a released order as in progress", CommandKind.startProductionOrder.sortedRoles, Command.startProductionOrder),
            ("complete", "Complete an order in progress", CommandKind.completeProductionOrder.sortedRoles, Command.completeProductionOrder),
        ]
        for (verb, summary, roles, make) in transitions {
            r.append(
                APIRoute(
                    method: .post,
                    path: po + "/{id}/\(verb)",
                    operationID: "\(verb)ProductionOrder",
                    summary: summary,
                    tag: "ProductionOrder",
                    requiresAuth: true,
                    roles: roles,
                    successStatus: 200,
                    responseSchema: "EventList",
                    parameters: [.path("id", "production order ID"), .idempotencyKey]
                ) { request, ctx in
                    let id = try ctx.parameters.require("id")
                    return try await submitReturningEvents(make(.init(productionOrder: .init(id))), request: request, context: ctx)
                }
            )
        }
        return r
    }

    // MARK: - Lots

    var lotRoutes: [APIRoute] {
        [
            APIRoute(
                method: .post,
                path: "/api/v1/lots",
                operationID: "createLot",
                summary: "Receive or record a lot",
                tag: "Lot",
                requiresAuth: true,
                roles: CommandKind.createLot.sortedRoles,
                requestSchema: "NewLot",
                successStatus: 201,
                responseSchema: "Lot",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let new = try await JSONIO.decode(NewLot.self, from: request, context: ctx)
                return try await submitReturningEntity(.createLot(new), request: request, context: ctx, status: .created)
            },
            APIRoute(
                method: .post,
                path: "/api/v1/lots/{id}/move",
                operationID: "moveLot",
                summary: "Move a lot to another location",
                tag: "Lot",
                requiresAuth: true,
                roles: CommandKind.moveLot.sortedRoles,
                requestSchema: "MoveRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "lot ID"), .idempotencyKey]
            ) { request, ctx in
                let id = try ctx.parameters.require("id")
                let body = try await JSONIO.decode(MoveRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(.moveLot(.init(lot: .init(id), to: body.to)), request: request, context: ctx)
            },
            APIRoute(
                method: .post,
                path: "/api/v1/lots/{id}/status",
                operationID: "setLotStatus",
                summary: "Hold, quarantine, release or scrap a lot",
                tag: "Lot",
                requiresAuth: true,
                roles: CommandKind.setLotStatus.sortedRoles,
                requestSchema: "LotStatusRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "lot ID"), .idempotencyKey]
            ) { request, ctx in
                let id = try ctx.parameters.require("id")
                let body = try await JSONIO.decode(LotStatusRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .setLotStatus(.init(lot: .init(id), status: body.status, reason: body.reason)),
                    request: request,
                    context: ctx
                )
            },
        ]
    }

    // MARK: - Users and tokens

    var userRoutes: [APIRoute] {
        let service = service
        return [
            APIRoute(
                method: .post,
                path: "/api/v1/users",
                operationID: "createUser",
                summary: "Create a user with roles",
                tag: "User",
                requiresAuth: true,
                roles: CommandKind.createUser.sortedRoles,
                requestSchema: "User",
                successStatus: 201,
                responseSchema: "User",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let user = try await JSONIO.decode(User.self, from: request, context: ctx)
                return try await submitReturningEntity(.createUser(user), request: request, context: ctx, status: .created)
            },
            APIRoute(
                method: .put,
                path: "/api/v1/users/{id}",
                operationID: "updateUser",
                summary: "Change a user's name, roles, certifications or activity",
                tag: "User",
                requiresAuth: true,
                roles: CommandKind.updateUser.sortedRoles,
                requestSchema: "User",
                successStatus: 200,
                responseSchema: "User",
                parameters: [.path("id", "user ID"), .idempotencyKey]
            ) { request, ctx in
                let id = try ctx.parameters.require("id")
                let user = try await JSONIO.decode(User.self, from: request, context: ctx)
                guard user.id.rawValue == id else {
                    throw Problem.badRequest("id", "path-mismatch", "the body's id '\(user.id)' differs from the path's '\(id)'")
                }
                return try await submitReturningEntity(.updateUser(user), request: request, context: ctx, status: .ok)
            },
            APIRoute(
                method: .get,
                path: "/api/v1/users/{id}/tokens",
                operationID: "listTokens",
                summary: "A user's API tokens (never their secrets)",
                tag: "User",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "TokenList",
                parameters: [.path("id", "user ID")]
            ) { _, ctx in
                let id = try ctx.parameters.require("id")
                let me = try ctx.requireUser()
                if me.id.rawValue != id { try UseCase.readOthersTokens.authorize(me) }
                let tokens = await service.read { s in s.tokens.values.filter { $0.user.rawValue == id }.sorted { $0.id < $1.id } }
                return try JSONIO.response(TokenList(items: tokens.map(\.redacted)))
            },
            APIRoute(
                method: .post,
                path: "/api/v1/users/{id}/tokens",
                operationID: "issueToken",
                summary: "Issue an API token; the secret is in this answer only",
                tag: "User",
                requiresAuth: true,
                requestSchema: "TokenRequest",
                successStatus: 201,
                responseSchema: "IssuedToken",
                parameters: [.path("id", "user ID"), .idempotencyKey]
            ) { request, ctx in
                let id = try ctx.parameters.require("id")
                let body = try await JSONIO.decode(TokenRequest.self, from: request, context: ctx)
                let secret = PlantService.newTokenSecret()
                let outcome = try await submit(
                    .issueAPIToken(.init(user: .init(id), secretHash: PlantService.hash(secret: secret), label: body.label, readOnly: body.readOnly)),
                    request: request,
                    context: ctx
                )
                guard case .apiTokenIssued(let token)? = try outcome.domainEvents().last else {
                    throw EngineError(.internal, "token issue produced no token")
                }
                // A replay cannot repeat the secret: only its hash was ever stored.
                let issued = IssuedToken(token: token.redacted, secret: outcome.replayed ? nil : secret)
                return try JSONIO.response(issued, status: outcome.replayed ? .ok : .created, headers: replayHeaders(outcome))
            },
            APIRoute(
                method: .delete,
                path: "/api/v1/users/{id}/tokens/{token}",
                operationID: "revokeToken",
                summary: "Revoke an API token",
                tag: "User",
                requiresAuth: true,
                roles: CommandKind.revokeAPIToken.sortedRoles,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "user ID"), .path("token", "token ID"), .idempotencyKey]
            ) { request, ctx in
                let user = try ctx.parameters.require("id")
                let token = try ctx.parameters.require("token")
                // The token must be that user's: revoking through another user's path is refused (after the role check).
                let ownedByUser: @Sendable (PlantState) throws -> Void = { state in
                    guard let t = state.tokens[.init(token)], t.user.rawValue == user else {
                        throw DomainError.notFound("token", "user '\(user)' has no token '\(token)'")
                    }
                }
                return try await submitReturningEvents(
                    .revokeAPIToken(.init(token: .init(token))),
                    request: request,
                    context: ctx,
                    precondition: ownedByUser
                )
            },
        ]
    }

    // MARK: - Commands

    var commandRoutes: [APIRoute] {
        let service = service
        return [
            APIRoute(
                method: .post,
                path: "/api/v1/commands",
                operationID: "submitCommand",
                summary: "Submit any command as {\"type\": …, \"data\": …}",
                tag: "Command",
                requiresAuth: true,
                requestSchema: "Command",
                successStatus: 201,
                responseSchema: "EventList",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let signed = try await JSONIO.decode(SignedCommand.self, from: request, context: ctx)
                let outcome = try await submit(signed.command, request: request, context: ctx, signature: signed.signature)
                return JSONIO.response(JSONIO.eventsJSON(outcome.events), status: outcome.replayed ? .ok : .created, headers: replayHeaders(outcome))
            },
            APIRoute(
                method: .post,
                path: "/api/v1/commands/batch",
                operationID: "submitBatch",
                summary: "Submit up to 10,000 commands in order, committed together; each gets its own answer",
                tag: "Command",
                requiresAuth: true,
                requestSchema: "CommandBatch",
                successStatus: 200,
                responseSchema: "BatchResult",
                parameters: []
            ) { request, ctx in
                let user = try ctx.requireUser()
                let batch = try await JSONIO.decode(CommandBatch.self, from: request, context: ctx)
                guard (1...10_000).contains(batch.commands.count) else {
                    throw Problem.badRequest("commands", "size", "a batch holds 1 to 10,000 commands (got \(batch.commands.count))")
                }
                let correlation = request.headers[.correlationID]
                let envelopes = batch.commands.map {
                    CommandEnvelope(
                        command: $0.command,
                        actor: .user(user.id),
                        idempotencyKey: $0.idempotencyKey,
                        correlationID: correlation,
                        signature: credential($0.signature, context: ctx)
                    )
                }
                let results = await service.submitBatch(envelopes)
                var parts: [String] = []
                var accepted = 0
                for result in results {
                    switch result {
                    case .success(let outcome):
                        accepted += 1
                        parts.append(
                            "{\"ok\":true,\"replayed\":\(outcome.replayed),\"events\":[" + outcome.events.map(JSONIO.eventJSON).joined(separator: ",")
                                + "]}"
                        )
                    case .failure(let error):
                        let problem = Problem.from(error, requestID: request.headers[.requestID], logger: logger)
                        let json = (try? TaktJSON.encoder.encode(problem)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
                        parts.append("{\"ok\":false,\"problem\":\(json)}")
                    }
                }
                let body = "{\"accepted\":\(accepted),\"rejected\":\(results.count - accepted),\"results\":[" + parts.joined(separator: ",") + "]}"
                return JSONIO.response(Data(body.utf8))
            },
        ]
    }

    // MARK: - The event log

    var eventRoutes: [APIRoute] {
        let service = service
        return [
            APIRoute(
                method: .get,
                path: "/api/v1/events",
                operationID: "listEvents",
                summary: "Page through the event log",
                tag: "Event",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "EventPage",
                parameters: [
                    .query("after", "return events with a sequence greater than this (default 0)", schema: "integer"),
                    .query("limit", "at most this many, 1–1000 (default 100)", schema: "integer"),
                ]
            ) { request, ctx in
                let reader = try ctx.requireUser()
                let q = request.uri.queryParameters
                for (key, _) in q where key != "after" && key != "limit" {
                    throw Problem.badRequest(String(key), "unknown-parameter", "unknown query parameter '\(key)'; this list accepts: after, limit")
                }
                let after = try intParameter(q["after"].map(String.init), name: "after", default: 0, range: 0...Int64.max)
                let limit = try intParameter(q["limit"].map(String.init), name: "limit", default: 100, range: 1...1000)
                let events = try await service.events(after: after, limit: Int(limit))
                let last = await service.committedSequence
                // `next` is the last sequence read, shown or not: a reader pages past what it may not see.
                let next = events.last?.sequence ?? after
                let visible = events.filter { JSONIO.isVisible($0, to: reader.roles) }
                return JSONIO.response(JSONIO.eventsJSON(visible, extra: ",\"next\":\(next),\"lastSequence\":\(last)"))
            },
            APIRoute(
                method: .get,
                path: "/api/v1/events/stream",
                operationID: "streamEvents",
                summary: "Live event stream (server-sent events); resumes after `Last-Event-ID` or `after`",
                tag: "Event",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: nil,
                responseContentType: "text/event-stream",
                parameters: [
                    .query("after", "start after this sequence (default: now)", schema: "integer"),
                    .init(name: "Last-Event-ID", location: .header, description: "resume after this sequence"),
                ]
            ) { request, ctx in
                let reader = try ctx.requireUser()
                let header = request.headers[.lastEventID]
                let query = request.uri.queryParameters["after"].map(String.init)
                let start: Int64
                if let text = header ?? query {
                    start = try intParameter(text, name: header != nil ? "Last-Event-ID" : "after", default: 0, range: 0...Int64.max)
                } else {
                    start = await service.committedSequence
                }
                return sseResponse(service: service, after: start, roles: reader.roles)
            },
        ]
    }

    // MARK: - Helpers

    /// Submits a command as the signed-in user, with the request's Idempotency-Key and correlation ID.
    /// Every rule a route adds about the state goes in `precondition`, never before this call: the service looks the key up
    /// first (a retry answers the first answer), then checks the roles, then the precondition, then decides.
    func submit(
        _ command: Command,
        request: Request,
        context: TaktContext,
        precondition: (@Sendable (PlantState) throws -> Void)? = nil,
        signature: SignatureInput? = nil
    ) async throws -> CommandOutcome {
        let user = try context.requireUser()
        return try await service.submit(
            CommandEnvelope(
                command: command,
                actor: .user(user.id),
                idempotencyKey: request.headers[.idempotencyKey],
                correlationID: request.headers[.correlationID],
                precondition: precondition,
                requestDigest: context.requestDigest,
                signature: credential(signature, context: context)
            )
        )
    }

    /// The signed-in caller of a use case, with the request's idempotency key, digest and correlation ID.
    func caller(_ request: Request, _ context: TaktContext) throws -> Caller {
        Caller(
            user: try context.requireUser(),
            idempotencyKey: request.headers[.idempotencyKey],
            requestDigest: context.requestDigest,
            correlationID: request.headers[.correlationID]
        )
    }

    /// Answers with the payload of an outcome's first event of `type` (201 or, for a replay, 200).
    func answer(_ outcome: CommandOutcome, event type: String, status: HTTPResponse.Status) throws -> Response {
        guard let event = outcome.events.first(where: { $0.type == type }) else {
            throw EngineError(.internal, "the command recorded no \(type) event")
        }
        return JSONIO.response(try publicPayload(event), status: outcome.replayed ? .ok : status, headers: replayHeaders(outcome))
    }

    /// Answers with the entity as recorded in the command's last event (so a replay answers the same).
    func submitReturningEntity(
        _ command: Command,
        request: Request,
        context: TaktContext,
        status: HTTPResponse.Status,
        precondition: (@Sendable (PlantState) throws -> Void)? = nil
    ) async throws -> Response {
        let outcome = try await submit(command, request: request, context: context, precondition: precondition)
        guard let last = outcome.events.last else { throw EngineError(.internal, "the command produced no event") }
        return JSONIO.response(try publicPayload(last), status: outcome.replayed ? .ok : status, headers: replayHeaders(outcome))
    }

    /// A recorded event's payload as it may leave the server.
    func publicPayload(_ event: RecordedEvent) throws -> Data {
        guard let payload = JSONIO.publicPayload(event) else { throw EngineError(.internal, "event \(event.sequence) cannot be decoded") }
        return payload
    }

    /// Answers with the payload of the command's first event of `type`, wherever it sits among the command's events
    /// (a command may record others beside it, e.g. projected shortages).
    func submitReturningEvent(
        _ command: Command,
        type: String,
        request: Request,
        context: TaktContext,
        status: HTTPResponse.Status
    ) async throws -> Response {
        try answer(try await submit(command, request: request, context: context), event: type, status: status)
    }

    func submitReturningEvents(
        _ command: Command,
        request: Request,
        context: TaktContext,
        precondition: (@Sendable (PlantState) throws -> Void)? = nil,
        signature: SignatureInput? = nil
    ) async throws
        -> Response
    {
        let outcome = try await submit(command, request: request, context: context, precondition: precondition, signature: signature)
        return JSONIO.response(JSONIO.eventsJSON(outcome.events), headers: replayHeaders(outcome))
    }

    func replayHeaders(_ outcome: CommandOutcome) -> HTTPFields {
        var h: HTTPFields = [:]
        if outcome.replayed { h[.idempotentReplayed] = "true" }
        if let last = outcome.events.last { h[.correlationID] = last.correlationID }
        return h
    }
}

func checkRead(_ roles: Set<Role>?, _ context: TaktContext) throws {
    let user = try context.requireUser()
    if let roles, !user.has(.admin), roles.isDisjoint(with: user.roles) {
        throw EngineError(.forbidden, "reading this needs one of the roles: \(roles.sorted().map(\.rawValue).joined(separator: ", "))")
    }
}

func intParameter(_ text: String?, name: String, default value: Int64, range: ClosedRange<Int64>) throws -> Int64 {
    guard let text else { return value }
    guard let n = Int64(text), range.contains(n) else {
        throw Problem.badRequest(name, "range", "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound) (got '\(text)')")
    }
    return n
}

/// The user behind the request's bearer token. A client that keeps sending bad tokens is slowed down
/// (``Engine/authenticate(tokenSecret:client:)``, shared with the web sign-in): 429 with `Retry-After` until its wait is over.
public func authenticate(_ request: Request, client: String, service: any PlantServing) async throws -> (User, APIToken?) {
    guard let header = request.headers[.authorization] else {
        throw Problem.unauthorized("send an API token as 'Authorization: Bearer <token>'")
    }
    let parts = header.split(separator: " ", maxSplits: 1)
    guard parts.count == 2, parts[0].lowercased() == "bearer" else {
        throw Problem.unauthorized("the Authorization header must be 'Bearer <token>'")
    }
    switch await service.authenticate(tokenSecret: String(parts[1]).trimmingCharacters(in: .whitespaces), client: client) {
    case .user(let user, let token):
        return (user, token)
    case .refused:
        throw Problem.unauthorized("the token is unknown, revoked, or its user is inactive")
    case .throttled(let retryAfter):
        let seconds = max(1, Int(retryAfter.rounded(.up)))
        var problem = Problem(
            status: .tooManyRequests,
            code: "too-many-requests",
            title: "Too many failed authentications",
            detail: "too many bad tokens from this address; try again in \(seconds) s"
        )
        problem.headers[.retryAfter] = String(seconds)
        throw problem
    }
}

// MARK: - Request and response bodies

struct Health: Codable, Sendable {
    var status: String
    var version: String
    var sequence: Int64
}
struct PromiseRequest: Codable, Sendable { var promisedDate: Date }
struct ReasonRequest: Codable, Sendable {
    var reason: String
    /// Required where the action is signed (releasing a hold).
    var signature: SignatureInput?
}
struct MoveRequest: Codable, Sendable { var to: Location.ID }
struct LotStatusRequest: Codable, Sendable {
    var status: LotStatus
    var reason: String
}
struct AskRequest: Codable, Sendable { var text: String }
struct TokenRequest: Codable, Sendable {
    var label: String
    var readOnly: Bool?
}
struct TokenList: Codable, Sendable { var items: [APIToken] }
struct IssuedToken: Codable, Sendable {
    var token: APIToken
    /// The secret, shown once; left out on an idempotent replay (only its hash was stored).
    var secret: String?
}
struct CommandBatch: Codable, Sendable {
    struct Entry: Codable, Sendable {
        var command: Command
        var idempotencyKey: String?
        /// Where the command is signed: the password re-entered and the meaning.
        var signature: SignatureInput?
        init(from decoder: any Decoder) throws {
            command = try Command(from: decoder)
            let c = try decoder.container(keyedBy: Keys.self)
            idempotencyKey = try c.decodeIfPresent(String.self, forKey: .idempotencyKey)
            signature = try c.decodeIfPresent(SignatureInput.self, forKey: .signature)
        }
        func encode(to encoder: any Encoder) throws {
            try command.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encodeIfPresent(idempotencyKey, forKey: .idempotencyKey)
            try c.encodeIfPresent(signature, forKey: .signature)
        }
        enum Keys: String, CodingKey { case idempotencyKey, signature }
    }
    var commands: [Entry]
}
