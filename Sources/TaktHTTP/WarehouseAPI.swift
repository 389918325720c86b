import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

/// The warehouse through the API: receipts and expected receipts, stock, handling units, reservations, staging tasks,
/// projected availability and shortages, and shipping (see docs/warehouse.md). The rules are the core's; a route
/// turns a path and a body into a command, or reads the plant state.
extension TaktAPI {
    var warehouseRoutes: [APIRoute] {
        let service = service
        let now = now
        let tag = "Warehouse"
        let unitParameters: [APIRoute.Parameter] = [.path("id", "handling unit ID"), .idempotencyKey]
        let taskParameters: [APIRoute.Parameter] = [.path("id", "staging task ID"), .idempotencyKey]

        var r: [APIRoute] = []

        // MARK: Receipts

        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/receipts",
                operationID: "receiveLot",
                summary: "Receive a delivery: a new lot of a purchased item at a receiving (or quarantine) location, with the "
                    + "supplier, the supplier's lot number and the delivery note; naming an open expected receipt counts it against that",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.receiveLot.sortedRoles,
                requestSchema: "ReceiveLot",
                successStatus: 201,
                responseSchema: "LotReceived",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let body = try await JSONIO.decode(ReceiveLot.self, from: request, context: ctx)
                return try await submitReturningEvent(.receiveLot(body), type: "lotReceived", request: request, context: ctx, status: .created)
            }
        )
        r += collection(
            CollectionSpec<ExpectedReceipt>(
                path: "expected-receipts",
                schema: "ExpectedReceipt",
                noun: "expected receipt",
                select: { $0.expectedReceipts },
                filters: [
                    Filter(name: "item", description: "item ID") { [$0.item.rawValue] },
                    Filter(name: "supplier", description: "the supplier's name") { [$0.supplier] },
                    Filter(name: "status", description: "open, received or cancelled") { [$0.status.rawValue] },
                    Filter(name: "reference", description: "the purchase order or call-off") { [$0.reference] },
                ],
                tag: tag
            ),
            define: nil
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/expected-receipts",
                operationID: "expectReceipt",
                summary: "Announce a delivery a supplier is due to make (numbered ER-000001, … when no id is given); it counts "
                    + "in projected availability until received or cancelled",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.expectReceipt.sortedRoles,
                requestSchema: "ExpectReceipt",
                successStatus: 201,
                responseSchema: "ExpectedReceipt",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let body = try await JSONIO.decode(ExpectReceipt.self, from: request, context: ctx)
                return try await submitReturningEvent(.expectReceipt(body), type: "receiptExpected", request: request, context: ctx, status: .created)
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/expected-receipts/{id}/cancel",
                operationID: "cancelExpectedReceipt",
                summary: "Cancel an open expected receipt, with a reason",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.cancelExpectedReceipt.sortedRoles,
                requestSchema: "ReasonRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "expected receipt ID"), .idempotencyKey]
            ) { request, ctx in
                let id = ExpectedReceipt.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(ReasonRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .cancelExpectedReceipt(CancelExpectedReceipt(expectedReceipt: id, reason: body.reason)),
                    request: request,
                    context: ctx
                )
            }
        )

        // MARK: Stock

        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/stock",
                operationID: "getStock",
                summary: "Lots in stock (available, on hold, in quarantine) with what is reserved of each, what is free to "
                    + "reserve, the handling unit carrying it and the supplier's lot number; by item, location and lot",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "StockList",
                parameters: [.query("item", "only this item"), .query("location", "only at this location")]
            ) { request, ctx in
                _ = try ctx.requireUser()
                let q = try queryParameters(request, allowed: ["item", "location"])
                let item = q["item"].map { Item.ID($0) }
                let location = q["location"].map { Location.ID($0) }
                let lines = await service.read { $0.stock(item: item, location: location) }
                return try JSONIO.response(StockList(items: lines))
            }
        )

        // MARK: Handling units

        r += collection(
            CollectionSpec<HandlingUnit>(
                path: "handling-units",
                schema: "HandlingUnit",
                noun: "handling unit",
                select: { $0.handlingUnits },
                filters: [
                    Filter(name: "location", description: "location ID") { [$0.location.rawValue] },
                    Filter(name: "kind", description: "pallet, box, container or other") { [$0.kind.rawValue] },
                    Filter(name: "lot", description: "carries this lot") { $0.lots.map(\.rawValue) },
                ],
                tag: tag
            ),
            define: nil
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/handling-units",
                operationID: "createHandlingUnit",
                summary: "Make up a pallet, box or container at a location, with lots in stock there that are on no other unit",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.createHandlingUnit.sortedRoles,
                requestSchema: "HandlingUnitRequest",
                successStatus: 201,
                responseSchema: "HandlingUnit",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let body = try await JSONIO.decode(HandlingUnitRequest.self, from: request, context: ctx)
                return try await submitReturningEvent(
                    .createHandlingUnit(CreateHandlingUnit(id: body.id, kind: body.kind ?? .pallet, location: body.location, lots: body.lots ?? [])),
                    type: "handlingUnitCreated",
                    request: request,
                    context: ctx,
                    status: .created
                )
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/handling-units/{id}/move",
                operationID: "moveHandlingUnit",
                summary: "Move a handling unit with every lot on it (a unit carrying a lot on hold does not move; one carrying a "
                    + "quarantined lot moves only to a quarantine location)",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.moveHandlingUnit.sortedRoles,
                requestSchema: "MoveRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: unitParameters
            ) { request, ctx in
                let id = HandlingUnit.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(MoveRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .moveHandlingUnit(MoveHandlingUnit(handlingUnit: id, to: body.to)),
                    request: request,
                    context: ctx
                )
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/handling-units/{id}/split",
                operationID: "splitHandlingUnit",
                summary: "Take lots off a handling unit onto a new one at the same location",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.splitHandlingUnit.sortedRoles,
                requestSchema: "SplitRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: unitParameters
            ) { request, ctx in
                let id = HandlingUnit.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(SplitRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .splitHandlingUnit(SplitHandlingUnit(handlingUnit: id, newHandlingUnit: body.newHandlingUnit, kind: body.kind, lots: body.lots)),
                    request: request,
                    context: ctx
                )
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/handling-units/{id}/add",
                operationID: "addToHandlingUnit",
                summary: "Put lots on a handling unit: in stock at its location and on no other unit",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.addToHandlingUnit.sortedRoles,
                requestSchema: "LotsRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: unitParameters
            ) { request, ctx in
                let id = HandlingUnit.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(LotsRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .addToHandlingUnit(HandlingUnitLots(handlingUnit: id, lots: body.lots)),
                    request: request,
                    context: ctx
                )
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/handling-units/{id}/remove",
                operationID: "removeFromHandlingUnit",
                summary: "Take lots off a handling unit (they stay where they are)",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.removeFromHandlingUnit.sortedRoles,
                requestSchema: "LotsRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: unitParameters
            ) { request, ctx in
                let id = HandlingUnit.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(LotsRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .removeFromHandlingUnit(HandlingUnitLots(handlingUnit: id, lots: body.lots)),
                    request: request,
                    context: ctx
                )
            }
        )

        // MARK: Reservations

        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/production-orders/{id}/reservations",
                operationID: "listReservations",
                summary: "The material set aside for a production order: its open reservations, by ID",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "ReservationList",
                parameters: [.path("id", "production order ID")]
            ) { _, ctx in
                _ = try ctx.requireUser()
                let id = ProductionOrder.ID(try ctx.parameters.require("id"))
                let list = try await service.read { state throws -> ReservationList in
                    guard state.productionOrders[id] != nil else { throw Problem.notFound("production order '\(id)' does not exist") }
                    let items = (state.reservationsByOrder[id] ?? []).compactMap { state.reservations[$0] }.sorted { $0.id < $1.id }
                    return ReservationList(productionOrder: id, items: items)
                }
                return try JSONIO.response(list)
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/reservations",
                operationID: "reserveLot",
                summary: "Set a quantity of a lot aside for a released production order (with a staging task to bring it to "
                    + "line side); by default what the lot has free, up to what the order still needs",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.reserveLot.sortedRoles,
                requestSchema: "ReserveLot",
                successStatus: 201,
                responseSchema: "Reservation",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let body = try await JSONIO.decode(ReserveLot.self, from: request, context: ctx)
                return try await submitReturningEvent(.reserveLot(body), type: "lotReserved", request: request, context: ctx, status: .created)
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/reservations/{id}/release",
                operationID: "releaseReservation",
                summary: "Release a reservation, with a reason; its staging task, if not yet staged, is cancelled",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.unreserveLot.sortedRoles,
                requestSchema: "ReasonRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "reservation ID"), .idempotencyKey]
            ) { request, ctx in
                let id = Reservation.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(ReasonRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .unreserveLot(UnreserveLot(reservation: id, reason: body.reason)),
                    request: request,
                    context: ctx
                )
            }
        )

        // MARK: Staging

        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/staging-tasks",
                operationID: "listStagingTasks",
                summary: "Staging tasks with where each lot is, the line side it goes to and by when (needed by = the published "
                    + "schedule's start less the line side's staging lead time); the most urgent first, unscheduled last",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "StagingTaskList",
                parameters: [
                    .query("productionOrder", "only this production order's"),
                    .query("status", "open, picked, staged, short, missing or cancelled"),
                    .query("workCenter", "only those for operations on this work center"),
                ]
            ) { request, ctx in
                _ = try ctx.requireUser()
                let q = try queryParameters(request, allowed: ["productionOrder", "status", "workCenter"])
                let status = try q["status"].map { text in
                    guard let s = StagingTaskStatus(rawValue: text) else {
                        let all = StagingTaskStatus.allCases.map(\.rawValue).joined(separator: ", ")
                        throw Problem.badRequest("status", "enum", "status must be one of \(all) (got '\(text)')")
                    }
                    return s
                }
                let order = q["productionOrder"].map { ProductionOrder.ID($0) }
                let workCenter = q["workCenter"].map { WorkCenter.ID($0) }
                let items = await service.read { state in
                    state.stagingTasks(productionOrder: order).filter { view in
                        (status == nil || view.task.status == status) && (workCenter == nil || view.workCenter == workCenter)
                    }
                }
                return try JSONIO.response(StagingTaskList(items: items))
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/staging-tasks/{id}/pick",
                operationID: "pickStagingTask",
                summary: "Pick an open staging task: the lot is on its way (held lots cannot be picked)",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.pickStagingTask.sortedRoles,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: taskParameters
            ) { request, ctx in
                let id = StagingTask.ID(try ctx.parameters.require("id"))
                return try await submitReturningEvents(.pickStagingTask(StagingTaskRef(stagingTask: id)), request: request, context: ctx)
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/staging-tasks/{id}/confirm",
                operationID: "confirmStagingTask",
                summary: "Confirm a staging task: the whole lot moves to line side (by default that of the work center the "
                    + "operation runs on)",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.confirmStagingTask.sortedRoles,
                requestSchema: "ConfirmRequest",
                requestBodyRequired: false,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: taskParameters
            ) { request, ctx in
                let id = StagingTask.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(ConfirmRequest.self, from: request, context: ctx, orEmpty: ConfirmRequest())
                return try await submitReturningEvents(
                    .confirmStagingTask(ConfirmStagingTask(stagingTask: id, to: body.to)),
                    request: request,
                    context: ctx
                )
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/staging-tasks/{id}/short",
                operationID: "reportStagingShort",
                summary: "Report that less of the lot was found than the task needs: the lot's quantity is corrected to what "
                    + "was found and the reservation shrinks; the task can still be confirmed",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.reportStagingShort.sortedRoles,
                requestSchema: "ShortRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: taskParameters
            ) { request, ctx in
                let id = StagingTask.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(ShortRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .reportStagingShort(ReportStagingShort(stagingTask: id, foundQuantity: body.foundQuantity)),
                    request: request,
                    context: ctx
                )
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/missing-material",
                operationID: "reportMaterialMissing",
                summary: "Report material that cannot be found (a staging task's lot, a handling unit or a lot): the answer's "
                    + "materialMissing event names every production order and operation it stops; their reservations are released",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.reportMaterialMissing.sortedRoles,
                requestSchema: "ReportMaterialMissing",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let body = try await JSONIO.decode(ReportMaterialMissing.self, from: request, context: ctx)
                return try await submitReturningEvents(.reportMaterialMissing(body), request: request, context: ctx)
            }
        )

        // MARK: Projected availability and shortages

        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/items/{id}/projected-availability",
                operationID: "getProjectedAvailability",
                summary: "An item's projected availability: available stock now, open expected receipts, and what open orders "
                    + "still need at the scheduled start of the consuming operation (the due date when unscheduled), in time "
                    + "order with the running projection, and where it first goes short",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "ProjectedAvailability",
                parameters: [.path("id", "item ID")]
            ) { _, ctx in
                _ = try ctx.requireUser()
                let id = Item.ID(try ctx.parameters.require("id"))
                let at = TaktJSON.wholeSeconds(now())
                let answer = try await service.read { state throws -> ProjectedAvailability in
                    guard state.items[id] != nil else { throw Problem.notFound("item '\(id)' does not exist") }
                    return ProjectedAvailability(item: id, at: at, entries: state.projectedAvailability(item: id, now: at))
                }
                return try JSONIO.response(answer)
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/material-checks",
                operationID: "checkMaterial",
                summary: "Project availability again (of the items named, else of every item with a requirement or a recorded "
                    + "shortage) and record shortages that appeared, changed or went away",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.checkMaterial.sortedRoles,
                requestSchema: "CheckMaterial",
                requestBodyRequired: false,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let body = try await JSONIO.decode(CheckMaterial.self, from: request, context: ctx, orEmpty: CheckMaterial())
                return try await submitReturningEvents(.checkMaterial(body), request: request, context: ctx)
            }
        )
        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/shortages",
                operationID: "listShortages",
                summary: "The projected shortages last recorded (by a schedule, a release, an expected receipt or a material "
                    + "check), earliest first, with the operations they stop",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "ShortageList",
                parameters: [.query("item", "only this item"), .query("productionOrder", "only those that stop this production order")]
            ) { request, ctx in
                _ = try ctx.requireUser()
                let q = try queryParameters(request, allowed: ["item", "productionOrder"])
                let item = q["item"].map { Item.ID($0) }
                let order = q["productionOrder"].map { ProductionOrder.ID($0) }
                let items = await service.read { state in
                    state.shortages.values.filter { s in
                        (item == nil || s.item == item) && (order == nil || s.affected.contains { $0.productionOrder == order })
                    }.sorted { ($0.from, $0.item) < ($1.from, $1.item) }
                }
                return try JSONIO.response(ShortageList(items: items))
            }
        )

        // MARK: Shipping

        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/sales-orders/{id}/lines/{line}/shipments",
                operationID: "shipLots",
                summary: "Ship lots to the customer against a sales order line (available, unreserved lots of the line's item, "
                    + "up to its open quantity); the order is shipped once every line is",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.shipLots.sortedRoles,
                requestSchema: "ShipRequest",
                successStatus: 201,
                responseSchema: "Shipment",
                parameters: [.path("id", "sales order ID"), .path("line", "line number"), .idempotencyKey]
            ) { request, ctx in
                let id = SalesOrder.ID(try ctx.parameters.require("id"))
                let text = try ctx.parameters.require("line")
                guard let line = Int(text) else { throw Problem.badRequest("line", "type", "the line number must be an integer (got '\(text)')") }
                let body = try await JSONIO.decode(ShipRequest.self, from: request, context: ctx)
                return try await submitReturningEvent(
                    .shipLots(ShipLots(salesOrder: id, line: line, lots: body.lots)),
                    type: "lotsShipped",
                    request: request,
                    context: ctx,
                    status: .created
                )
            }
        )
        r += collection(
            CollectionSpec<Shipment>(
                path: "shipments",
                schema: "Shipment",
                noun: "shipment",
                select: { $0.shipments },
                filters: [
                    Filter(name: "salesOrder", description: "sales order ID") { [$0.salesOrder.rawValue] },
                    Filter(name: "customer", description: "customer ID") { [$0.customer.rawValue] },
                    Filter(name: "item", description: "item ID") { [$0.item.rawValue] },
                    Filter(name: "lot", description: "shipped this lot") { $0.lots.map(\.lot.rawValue) },
                ],
                tag: tag
            ),
            define: nil
        )
        return r
    }
}

// MARK: - Request bodies

/// Make up a handling unit; `kind` is a pallet and `lots` empty when left out.
struct HandlingUnitRequest: Codable, Sendable {
    var id: HandlingUnit.ID
    var kind: HandlingUnitKind?
    var location: Location.ID
    var lots: [Lot.ID]?
}

struct SplitRequest: Codable, Sendable {
    var newHandlingUnit: HandlingUnit.ID
    var kind: HandlingUnitKind?
    var lots: [Lot.ID]
}

struct LotsRequest: Codable, Sendable {
    var lots: [Lot.ID]
}

struct ConfirmRequest: Codable, Sendable {
    var to: Location.ID?
}

struct ShortRequest: Codable, Sendable {
    var foundQuantity: Double
}

struct ShipRequest: Codable, Sendable {
    var lots: [Lot.ID]
}

// MARK: - Answers

struct StockList: Codable, Sendable {
    var items: [StockLine]
}

struct ReservationList: Codable, Sendable {
    var productionOrder: ProductionOrder.ID
    var items: [Reservation]
}

struct StagingTaskList: Codable, Sendable {
    var items: [StagingTaskView]
}

struct ShortageList: Codable, Sendable {
    var items: [ProjectedShortage]
}

/// An item's projected availability as of `at`, and where it first goes short.
struct ProjectedAvailability: Codable, Sendable {
    var item: Item.ID
    /// The time the projection starts from (the plant's clock).
    var at: Date
    /// Available stock now: the sum of the stock entries.
    var available: Double
    var entries: [ProjectionEntry]
    /// When the projection first goes negative; absent when it never does.
    var shortFrom: Date?
    /// The worst deficit (0 when it never goes short).
    var shortBy: Double

    init(item: Item.ID, at: Date, available: Double, entries: [ProjectionEntry], shortFrom: Date?, shortBy: Double) {
        self.item = item
        self.at = at
        self.available = available
        self.entries = entries
        self.shortFrom = shortFrom
        self.shortBy = shortBy
    }

    init(item: Item.ID, at: Date, entries: [ProjectionEntry]) {
        let short = entries.filter { $0.projected < -1e-9 }
        self.init(
            item: item,
            at: at,
            available: entries.filter { $0.kind == .stock }.reduce(0) { $0 + $1.quantity },
            entries: entries,
            shortFrom: short.first?.at,
            shortBy: max(0, -(short.map(\.projected).min() ?? 0))
        )
    }
}
