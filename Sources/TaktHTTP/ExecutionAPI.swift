import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

/// Shop-floor execution through the API: operations of production orders, interlock overrides, inspections,
/// lot consumption and production, clocking in and out, machine states and counts, work instructions, labour.
extension TaktAPI {
    var executionRoutes: [APIRoute] {
        let service = service
        let now = now
        let op = "/api/v1/production-orders/{id}/operations/{seq}"
        let opParameters: [APIRoute.Parameter] = [
            .path("id", "production order ID"), .path("seq", "the routing operation's sequence number"),
            .idempotencyKey,
        ]

        /// The production order and operation a route's path names.
        @Sendable func operationRef(_ ctx: TaktContext) throws -> (ProductionOrder.ID, Int) {
            let id = try ctx.parameters.require("id")
            let text = try ctx.parameters.require("seq")
            guard let seq = Int(text) else {
                throw Problem.badRequest("seq", "type", "the operation's sequence number must be an integer (got '\(text)')")
            }
            return (ProductionOrder.ID(id), seq)
        }

        var r: [APIRoute] = [
            APIRoute(
                method: .get,
                path: "/api/v1/reason-codes",
                operationID: "getReasonCodes",
                summary: "The plant's reason lists: scrap reason codes (a report with scrap must name one), and the andon reasons "
                    + "the terminal offers for a machine down or slow",
                tag: "Execution",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "ReasonCodeLists",
                parameters: []
            ) { _, ctx in
                _ = try ctx.requireUser()
                let scrap = await service.read { $0.scrapReasonCodes }
                return try JSONIO.response(ReasonCodeLists(scrap: scrap, down: ReasonCodes.down, slow: ReasonCodes.slow))
            },
            APIRoute(
                method: .get,
                path: "/api/v1/production-orders/{id}/operations",
                operationID: "listOperations",
                summary: "The execution record of a production order's operations, in routing order",
                tag: "Execution",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "OperationList",
                parameters: [.path("id", "production order ID")]
            ) { _, ctx in
                _ = try ctx.requireUser()
                let id = ProductionOrder.ID(try ctx.parameters.require("id"))
                let list = try await service.read { state throws -> OperationList in
                    guard state.productionOrders[id] != nil else { throw Problem.notFound("production order '\(id)' does not exist") }
                    return OperationList(productionOrder: id, items: state.operations[id] ?? [])
                }
                return try JSONIO.response(list)
            },
            APIRoute(
                method: .post,
                path: op + "/start",
                operationID: "startOperation",
                summary: "Start an operation: every interlock must pass or be overridden",
                tag: "Execution",
                requiresAuth: true,
                roles: CommandKind.startOperation.sortedRoles,
                requestSchema: "StartRequest",
                requestBodyRequired: false,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: opParameters
            ) { request, ctx in
                let (po, seq) = try operationRef(ctx)
                let body = try await JSONIO.decode(StartRequest.self, from: request, context: ctx, orEmpty: StartRequest())
                return try await submitReturningEvents(
                    .startOperation(.init(productionOrder: po, operation: seq, workCenter: body.workCenter, operator: body.operator)),
                    request: request,
                    context: ctx
                )
            },
            APIRoute(
                method: .post,
                path: op + "/pause",
                operationID: "pauseOperation",
                summary: "Pause a running operation, with a reason",
                tag: "Execution",
                requiresAuth: true,
                roles: CommandKind.pauseOperation.sortedRoles,
                requestSchema: "ReasonRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: opParameters
            ) { request, ctx in
                let (po, seq) = try operationRef(ctx)
                let body = try await JSONIO.decode(ReasonRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .pauseOperation(.init(productionOrder: po, operation: seq, reason: body.reason)),
                    request: request,
                    context: ctx
                )
            },
            APIRoute(
                method: .post,
                path: op + "/resume",
                operationID: "resumeOperation",
                summary: "Resume a paused operation: the operator's interlocks and the work center's state are checked again",
                tag: "Execution",
                requiresAuth: true,
                roles: CommandKind.resumeOperation.sortedRoles,
                requestSchema: "ResumeRequest",
                requestBodyRequired: false,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: opParameters
            ) { request, ctx in
                let (po, seq) = try operationRef(ctx)
                let body = try await JSONIO.decode(ResumeRequest.self, from: request, context: ctx, orEmpty: ResumeRequest())
                return try await submitReturningEvents(
                    .resumeOperation(.init(productionOrder: po, operation: seq, operator: body.operator)),
                    request: request,
                    context: ctx
                )
            },
            APIRoute(
                method: .post,
                path: op + "/report",
                operationID: "reportQuantity",
                summary: "Report good, scrapped and rework quantities made since the last report",
                tag: "Execution",
                requiresAuth: true,
                roles: CommandKind.reportQuantity.sortedRoles,
                requestSchema: "QuantityRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: opParameters
            ) { request, ctx in
                let (po, seq) = try operationRef(ctx)
                let body = try await JSONIO.decode(QuantityRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(.reportQuantity(body.command(po, seq)), request: request, context: ctx)
            },
            APIRoute(
                method: .post,
                path: op + "/complete",
                operationID: "completeOperation",
                summary: "Complete an operation, optionally reporting a last quantity; the order completes with its last operation",
                tag: "Execution",
                requiresAuth: true,
                roles: CommandKind.completeOperation.sortedRoles,
                requestSchema: "QuantityRequest",
                requestBodyRequired: false,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: opParameters
            ) { request, ctx in
                let (po, seq) = try operationRef(ctx)
                let body = try await JSONIO.decode(QuantityRequest.self, from: request, context: ctx, orEmpty: QuantityRequest())
                return try await submitReturningEvents(.completeOperation(body.command(po, seq)), request: request, context: ctx)
            },
            APIRoute(
                method: .post,
                path: op + "/overrides",
                operationID: "overrideInterlock",
                summary: "Let one interlock pass on this operation, with a recorded reason",
                tag: "Execution",
                requiresAuth: true,
                roles: CommandKind.overrideInterlock.sortedRoles,
                requestSchema: "OverrideRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: opParameters
            ) { request, ctx in
                let (po, seq) = try operationRef(ctx)
                let body = try await JSONIO.decode(OverrideRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .overrideInterlock(.init(productionOrder: po, operation: seq, interlock: body.interlock, reason: body.reason, lot: body.lot)),
                    request: request,
                    context: ctx
                )
            },
            APIRoute(
                method: .post,
                path: op + "/inspections",
                operationID: "recordInspection",
                summary: "Record an inspection of an operation; a pass releases the next operation where the routing asks for one",
                tag: "Execution",
                requiresAuth: true,
                roles: CommandKind.recordInspection.sortedRoles,
                requestSchema: "InspectionRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: opParameters
            ) { request, ctx in
                let (po, seq) = try operationRef(ctx)
                let body = try await JSONIO.decode(InspectionRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .recordInspection(.init(productionOrder: po, operation: seq, passed: body.passed, note: body.note)),
                    request: request,
                    context: ctx
                )
            },
            APIRoute(
                method: .post,
                path: op + "/consume",
                operationID: "consumeLot",
                summary: "Consume a quantity of a lot into the operation (genealogy)",
                tag: "Execution",
                requiresAuth: true,
                roles: CommandKind.consumeLot.sortedRoles,
                requestSchema: "ConsumeRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: opParameters
            ) { request, ctx in
                let (po, seq) = try operationRef(ctx)
                let body = try await JSONIO.decode(ConsumeRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .consumeLot(.init(productionOrder: po, operation: seq, lot: body.lot, quantity: body.quantity)),
                    request: request,
                    context: ctx
                )
            },
            APIRoute(
                method: .get,
                path: op + "/consumption-proposal",
                operationID: "proposeConsumption",
                summary: "What scanning a lot into the operation should consume: what the operation still needs of the lot's "
                    + "component, capped by what the lot can give without taking other orders' reservations, and what would refuse it",
                tag: "Execution",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "ConsumptionProposal",
                parameters: [
                    .path("id", "production order ID"), .path("seq", "the routing operation's sequence number"),
                    .init(name: "lot", location: .query, description: "the scanned lot's ID", schema: "string", required: true),
                ]
            ) { request, ctx in
                _ = try ctx.requireUser()
                let (po, seq) = try operationRef(ctx)
                let q = try queryParameters(request, allowed: ["lot"])
                guard let lot = q["lot"], !lot.isEmpty else {
                    throw Problem.badRequest("lot", "required", "the query parameter lot is required: the scanned lot's ID")
                }
                let proposal = try await service.read { state throws(DomainError) -> ConsumptionProposal in
                    try state.consumptionProposal(productionOrder: po, operation: seq, lot: Lot.ID(lot))
                }
                return try JSONIO.response(proposal)
            },
            APIRoute(
                method: .post,
                path: op + "/produce",
                operationID: "produceLot",
                summary: "Book an output lot of the order's item, or one lot per serial number",
                tag: "Execution",
                requiresAuth: true,
                roles: CommandKind.produceLot.sortedRoles,
                requestSchema: "ProduceRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: opParameters
            ) { request, ctx in
                let (po, seq) = try operationRef(ctx)
                let body = try await JSONIO.decode(ProduceRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .produceLot(
                        .init(
                            productionOrder: po,
                            operation: seq,
                            lot: body.lot,
                            quantity: body.quantity,
                            serials: body.serials,
                            location: body.location
                        )
                    ),
                    request: request,
                    context: ctx
                )
            },

            // Labour
            APIRoute(
                method: .post,
                path: "/api/v1/work-centers/{id}/clock-in",
                operationID: "clockIn",
                summary: "Clock in at a work center (clocking out of any other first)",
                tag: "Execution",
                requiresAuth: true,
                roles: CommandKind.clockIn.sortedRoles,
                requestSchema: "UserRequest",
                requestBodyRequired: false,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "work center ID"), .idempotencyKey]
            ) { request, ctx in
                let id = WorkCenter.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(UserRequest.self, from: request, context: ctx, orEmpty: UserRequest())
                return try await submitReturningEvents(.clockIn(.init(workCenter: id, user: body.user)), request: request, context: ctx)
            },
            APIRoute(
                method: .post,
                path: "/api/v1/clock-out",
                operationID: "clockOut",
                summary: "Clock out",
                tag: "Execution",
                requiresAuth: true,
                roles: CommandKind.clockOut.sortedRoles,
                requestSchema: "UserRequest",
                requestBodyRequired: false,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let body = try await JSONIO.decode(UserRequest.self, from: request, context: ctx, orEmpty: UserRequest())
                return try await submitReturningEvents(.clockOut(.init(user: body.user)), request: request, context: ctx)
            },
            APIRoute(
                method: .get,
                path: "/api/v1/work-centers/{id}/clocked-in",
                operationID: "listClockedIn",
                summary: "Who is clocked in at a work center now",
                tag: "Execution",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "ClockedInList",
                parameters: [.path("id", "work center ID")]
            ) { _, ctx in
                _ = try ctx.requireUser()
                let id = WorkCenter.ID(try ctx.parameters.require("id"))
                let list = try await service.read { state throws -> ClockedInList in
                    guard state.workCenters[id] != nil else { throw Problem.notFound("work center '\(id)' does not exist") }
                    let here = state.clockedIn.values.filter { $0.workCenter == id }.sorted { ($0.since, $0.user) < ($1.since, $1.user) }
                    return ClockedInList(workCenter: id, items: here)
                }
                return try JSONIO.response(list)
            },
            APIRoute(
                method: .get,
                path: "/api/v1/labour",
                operationID: "getLabour",
                summary: "Labour in a time window: clock-in sessions (open ones with end null) and the minutes each operator "
                    + "worked on each operation. Admins, supervisors and planners see everyone; others see themselves.",
                tag: "Execution",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "LabourReport",
                parameters: [
                    .query("user", "only this user (others than admins, supervisors and planners: only themselves)"),
                    .query("workCenter", "only at this work center"),
                    .query("from", "window start, ISO 8601 (default: 24 hours before `to`)"),
                    .query("to", "window end, ISO 8601 (default: now)"),
                ]
            ) { request, ctx in
                let me = try ctx.requireUser()
                let q = try queryParameters(request, allowed: ["user", "workCenter", "from", "to"])
                var user = q["user"].map { User.ID($0) }
                if !UseCase.readOthersLabour.allows(me) {
                    if let user, user != me.id { try UseCase.readOthersLabour.authorize(me) }
                    user = me.id
                }
                let (from, to) = try timeWindow(q, now: now())
                let workCenter = q["workCenter"].map { WorkCenter.ID($0) }
                let (who, at) = (user, now())
                let report = await service.read { LabourReport(state: $0, user: who, workCenter: workCenter, from: from, to: to, now: at) }
                return try JSONIO.response(report)
            },

            // Machines
            APIRoute(
                method: .post,
                path: "/api/v1/work-centers/{id}/machine-state",
                operationID: "setMachineState",
                summary: "Record a work center's machine state: running, slow, setup, idle, or down (with a reason)",
                tag: "Execution",
                requiresAuth: true,
                roles: CommandKind.setMachineState.sortedRoles,
                requestSchema: "MachineStateRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "work center ID"), .idempotencyKey]
            ) { request, ctx in
                let id = WorkCenter.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(MachineStateRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .setMachineState(
                        .init(
                            workCenter: id,
                            state: body.state,
                            reason: body.reason,
                            actualRate: body.actualRate,
                            idealRate: body.idealRate,
                            expectedUntil: body.expectedUntil
                        )
                    ),
                    request: request,
                    context: ctx
                )
            },
            APIRoute(
                method: .get,
                path: "/api/v1/work-centers/{id}/machine-states",
                operationID: "listMachineStates",
                summary: "A work center's machine-state history in a window, starting with the state in force at `from`",
                tag: "Execution",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "MachineStateHistory",
                parameters: [
                    .path("id", "work center ID"),
                    .query("from", "window start, ISO 8601 (default: 24 hours before `to`)"),
                    .query("to", "window end, ISO 8601 (default: now)"),
                ]
            ) { request, ctx in
                _ = try ctx.requireUser()
                let id = WorkCenter.ID(try ctx.parameters.require("id"))
                let q = try queryParameters(request, allowed: ["from", "to"])
                let (from, to) = try timeWindow(q, now: now())
                let history = try await service.read { state throws -> MachineStateHistory in
                    guard state.workCenters[id] != nil else { throw Problem.notFound("work center '\(id)' does not exist") }
                    return MachineStateHistory(workCenter: id, from: from, to: to, all: state.machineStates[id] ?? [])
                }
                return try JSONIO.response(history)
            },
            APIRoute(
                method: .post,
                path: "/api/v1/work-centers/{id}/counts",
                operationID: "recordMachineCount",
                summary: "Record a piece count signalled by the machine (the increment since the last one)",
                tag: "Execution",
                requiresAuth: true,
                roles: CommandKind.recordMachineCount.sortedRoles,
                requestSchema: "CountRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "work center ID"), .idempotencyKey]
            ) { request, ctx in
                let id = WorkCenter.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(CountRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(.recordMachineCount(.init(workCenter: id, count: body.count)), request: request, context: ctx)
            },
        ]

        // Work instructions
        r += collection(
            CollectionSpec<WorkInstruction>(
                path: "work-instructions",
                schema: "WorkInstruction",
                noun: "work instruction",
                select: { $0.workInstructions },
                filters: [
                    Filter(name: "revision", description: "current revision") { [$0.revision] }
                ]
            ),
            define: Command.defineWorkInstruction
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/work-instructions/{id}/acknowledge",
                operationID: "acknowledgeWorkInstruction",
                summary: "Acknowledge having read the current revision of a work instruction",
                tag: "Execution",
                requiresAuth: true,
                requestSchema: "AcknowledgeRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "work instruction ID"), .idempotencyKey]
            ) { request, ctx in
                let id = WorkInstruction.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(AcknowledgeRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .acknowledgeWorkInstruction(.init(workInstruction: id, revision: body.revision)),
                    request: request,
                    context: ctx
                )
            }
        )
        return r
    }
}

/// The query parameters of a request, refusing any not in `allowed` and any given twice.
func queryParameters(_ request: Request, allowed: [String]) throws -> [String: String] {
    var out: [String: String] = [:]
    for (key, value) in request.uri.queryParameters {
        let name = String(key)
        guard allowed.contains(name) else {
            throw Problem.badRequest(name, "unknown-parameter", "unknown query parameter '\(name)'; this accepts: \(allowed.joined(separator: ", "))")
        }
        guard out[name] == nil else { throw Problem.badRequest(name, "repeated", "query parameter '\(name)' is given twice") }
        out[name] = String(value)
    }
    return out
}

/// The window `from`…`to` of a query: ISO 8601 instants, `to` defaulting to now and `from` to 24 hours before `to`.
func timeWindow(_ query: [String: String], now: Date) throws -> (from: Date, to: Date) {
    func date(_ name: String) throws -> Date? {
        guard let text = query[name] else { return nil }
        guard let date = TaktJSON.parseDate(text) else {
            throw Problem.badRequest(name, "date-time", "\(name) must be an ISO 8601 date and time, e.g. 2026-11-24T06:00:00Z (got '\(text)')")
        }
        return date
    }
    let to = try date("to") ?? TaktJSON.wholeSeconds(now)
    let from = try date("from") ?? to.addingTimeInterval(-86_400)
    guard from < to else { throw Problem.badRequest("from", "range", "from must be before to") }
    return (from, to)
}

/// Minutes of `start`…`end` that fall within `from`…`to`, to the hundredth.
func overlapMinutes(_ start: Date, _ end: Date, from: Date, to: Date) -> Double {
    let seconds = min(end, to).timeIntervalSince(max(start, from))
    return seconds > 0 ? (seconds / 60 * 100).rounded() / 100 : 0
}

// MARK: - Request bodies

struct StartRequest: Codable, Sendable {
    /// Optional when the operation has one eligible work center, or the operator is clocked in at one of them.
    var workCenter: WorkCenter.ID?
    /// Who does the work; the signed-in user when left out (someone else only for a supervisor).
    var `operator`: User.ID?
}

struct ResumeRequest: Codable, Sendable {
    var `operator`: User.ID?
}

/// Quantities made since the last report; each is 0 when left out.
struct QuantityRequest: Codable, Sendable {
    var good: Double?
    var scrap: Double?
    var scrapReason: String?
    var rework: Double?

    func command(_ order: ProductionOrder.ID, _ operation: Int) -> ReportQuantity {
        ReportQuantity(
            productionOrder: order,
            operation: operation,
            good: good ?? 0,
            scrap: scrap ?? 0,
            scrapReason: scrapReason,
            rework: rework ?? 0
        )
    }
}

struct OverrideRequest: Codable, Sendable {
    var interlock: Interlock
    var reason: String
    /// For a lot interlock: the one lot the override is for (all lots when left out).
    var lot: Lot.ID?
    init(interlock: Interlock, reason: String, lot: Lot.ID? = nil) {
        self.interlock = interlock
        self.reason = reason
        self.lot = lot
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(interlock, forKey: .interlock)
        try c.encode(reason, forKey: .reason)
        try c.encode(lot, forKey: .lot)
    }
}

struct InspectionRequest: Codable, Sendable {
    var passed: Bool
    var note: String?
}

struct ConsumeRequest: Codable, Sendable {
    var lot: Lot.ID
    var quantity: Double
}

struct ProduceRequest: Codable, Sendable {
    var lot: Lot.ID?
    var quantity: Double?
    var serials: [Lot.ID]?
    var location: Location.ID
}

/// Names the user to clock in or out; the signed-in user when left out.
struct UserRequest: Codable, Sendable {
    var user: User.ID?
}

struct MachineStateRequest: Codable, Sendable {
    var state: MachineState
    var reason: String?
    var actualRate: Double?
    var idealRate: Double?
    var expectedUntil: Date?
}

struct CountRequest: Codable, Sendable {
    var count: Double
}

struct AcknowledgeRequest: Codable, Sendable {
    var revision: String
}

// MARK: - Answers

struct OperationList: Codable, Sendable {
    var productionOrder: ProductionOrder.ID
    var items: [OperationProgress]
}

struct ClockedInList: Codable, Sendable {
    var workCenter: WorkCenter.ID
    var items: [ClockIn]
}

struct MachineStateHistory: Codable, Sendable {
    var workCenter: WorkCenter.ID
    var from: Date
    var to: Date
    /// The state in force at `from` (if any was ever recorded), then every change up to `to`.
    var items: [MachineStateChange]

    init(workCenter: WorkCenter.ID, from: Date, to: Date, items: [MachineStateChange]) {
        self.workCenter = workCenter
        self.from = from
        self.to = to
        self.items = items
    }

    init(workCenter: WorkCenter.ID, from: Date, to: Date, all: [MachineStateChange]) {
        let inForce = all.last { $0.at <= from }
        let changes = all.filter { $0.at > from && $0.at <= to }
        self.init(workCenter: workCenter, from: from, to: to, items: (inForce.map { [$0] } ?? []) + changes)
    }
}

/// Who worked where, and on what, within a time window.
struct LabourReport: Codable, Sendable {
    /// A clock-in session; `end` is null while the user is still clocked in.
    struct Session: Codable, Sendable {
        var user: User.ID
        var workCenter: WorkCenter.ID
        var start: Date
        var end: Date?
        /// Minutes of the session within the window (an open session counts until now).
        var minutes: Double

        init(user: User.ID, workCenter: WorkCenter.ID, start: Date, end: Date?, minutes: Double) {
            self.user = user
            self.workCenter = workCenter
            self.start = start
            self.end = end
            self.minutes = minutes
        }
        enum CodingKeys: String, CodingKey { case user, workCenter, start, end, minutes }
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                user: try c.decode(User.ID.self, forKey: .user),
                workCenter: try c.decode(WorkCenter.ID.self, forKey: .workCenter),
                start: try c.decode(Date.self, forKey: .start),
                end: try c.decode(Date?.self, forKey: .end),
                minutes: try c.decode(Double.self, forKey: .minutes)
            )
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(user, forKey: .user)
            try c.encode(workCenter, forKey: .workCenter)
            try c.encode(start, forKey: .start)
            if let end { try c.encode(end, forKey: .end) } else { try c.encodeNil(forKey: .end) }
            try c.encode(minutes, forKey: .minutes)
        }
    }

    /// The minutes one operator worked on one operation of a production order at one work center.
    struct OperationLabour: Codable, Sendable {
        var productionOrder: ProductionOrder.ID
        var operation: Int
        var name: String
        var workCenter: WorkCenter.ID
        var `operator`: User.ID
        var minutes: Double
    }

    var from: Date
    var to: Date
    var sessions: [Session]
    var operations: [OperationLabour]

    init(from: Date, to: Date, sessions: [Session], operations: [OperationLabour]) {
        self.from = from
        self.to = to
        self.sessions = sessions
        self.operations = operations
    }

    /// Sessions and operation segments that touch the window, filtered by user and work center.
    init(state: PlantState, user: User.ID?, workCenter: WorkCenter.ID?, from: Date, to: Date, now: Date) {
        func wanted(_ u: User.ID, _ wc: WorkCenter.ID) -> Bool { (user == nil || user == u) && (workCenter == nil || workCenter == wc) }
        var sessions: [Session] = []
        for s in state.labourSessions where wanted(s.user, s.workCenter) && s.start <= to && s.end >= from {
            sessions.append(
                Session(
                    user: s.user,
                    workCenter: s.workCenter,
                    start: s.start,
                    end: s.end,
                    minutes: overlapMinutes(s.start, s.end, from: from, to: to)
                )
            )
        }
        for c in state.clockedIn.values where wanted(c.user, c.workCenter) && c.since <= to && max(now, c.since) >= from {
            sessions.append(
                Session(
                    user: c.user,
                    workCenter: c.workCenter,
                    start: c.since,
                    end: nil,
                    minutes: overlapMinutes(c.since, now, from: from, to: to)
                )
            )
        }
        sessions.sort { ($0.start, $0.user, $0.workCenter) < ($1.start, $1.user, $1.workCenter) }

        struct Key: Hashable { var order: ProductionOrder.ID, operation: Int, workCenter: WorkCenter.ID, worker: User.ID }
        var minutes: [Key: Double] = [:]
        var names: [Key: String] = [:]
        for (order, operations) in state.operations {
            for op in operations {
                for segment in op.segments {
                    guard let worker = segment.operator, wanted(worker, segment.workCenter) else { continue }
                    let end = segment.end ?? max(now, segment.start)
                    guard segment.start <= to, end >= from else { continue }
                    let key = Key(order: order, operation: op.sequence, workCenter: segment.workCenter, worker: worker)
                    minutes[key, default: 0] += overlapMinutes(segment.start, end, from: from, to: to)
                    names[key] = op.name
                }
            }
        }
        let operations = minutes.map { key, total in
            OperationLabour(
                productionOrder: key.order,
                operation: key.operation,
                name: names[key] ?? "",
                workCenter: key.workCenter,
                operator: key.worker,
                minutes: (total * 100).rounded() / 100
            )
        }.sorted {
            ($0.productionOrder, $0.operation, $0.operator, $0.workCenter) < ($1.productionOrder, $1.operation, $1.operator, $1.workCenter)
        }
        self.init(from: from, to: to, sessions: sessions, operations: operations)
    }
}

/// The body of `GET /api/v1/reason-codes`.
struct ReasonCodeLists: Codable, Sendable {
    var scrap: [ReasonCode]
    var down: [ReasonCode]
    var slow: [ReasonCode]
}
