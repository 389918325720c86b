import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

/// Reads over the execution record: lot genealogy (trace a lot backward to its supplier lots or forward to
/// finished lots) and OEE (per ISO 22400-2) of a work center or of the whole plant over a time window.
extension TaktAPI {
    /// The longest OEE window a request may ask for, in days.
    static let maxOEEWindowDays = 366
    /// The most lots a trace may list.
    static let maxTraceLimit = 100_000
    /// The lots a trace lists when `limit` is left out.
    static let defaultTraceLimit = 10_000

    var traceOEERoutes: [APIRoute] {
        let service = service
        let now = now
        let windowParameters: [APIRoute.Parameter] = [
            .init(
                name: "from",
                location: .query,
                description: "window start, ISO 8601 (e.g. 2026-11-25T05:00:00Z)",
                schema: "string",
                required: true
            ),
            .init(
                name: "to",
                location: .query,
                description: "window end (excluded), ISO 8601; after `from` and at most \(TaktAPI.maxOEEWindowDays) days after it",
                schema: "string",
                required: true
            ),
            .query(
                "by",
                "`window` (default): one report for the whole window; `shift`: one report per shift occurrence "
                    + "overlapping the window, clipped to it, in time order (none for a work center without shifts)"
            ),
        ]
        return [
            APIRoute(
                method: .get,
                path: "/api/v1/lots/{id}/trace",
                operationID: "traceLot",
                summary: "A lot's genealogy: backward to the supplier lots it came from, or forward to the lots it went into, "
                    + "with the production orders, work centers and operators that joined them",
                tag: "Execution",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "LotTrace",
                parameters: [
                    .path("id", "lot ID"),
                    .init(
                        name: "direction",
                        location: .query,
                        description: "`backward` (where the lot came from) or `forward` (where it went)",
                        schema: "string",
                        required: true
                    ),
                    .query(
                        "limit",
                        "the most lots to list, 1–\(TaktAPI.maxTraceLimit) (default \(TaktAPI.defaultTraceLimit)); "
                            + "beyond it the trace stops and `truncated` is true",
                        schema: "integer"
                    ),
                ]
            ) { request, ctx in
                _ = try ctx.requireUser()
                let id = Lot.ID(try ctx.parameters.require("id"))
                let q = try queryParameters(request, allowed: ["direction", "limit"])
                let directions = TraceDirection.allCases.map(\.rawValue).joined(separator: " or ")
                guard let text = q["direction"] else {
                    throw Problem.badRequest("direction", "required", "the query parameter direction is required: \(directions)")
                }
                guard let direction = TraceDirection(rawValue: text) else {
                    throw Problem.badRequest("direction", "enum", "direction must be \(directions) (got '\(text)')")
                }
                var limit = TaktAPI.defaultTraceLimit
                if let text = q["limit"] {
                    guard let n = Int(text), (1...TaktAPI.maxTraceLimit).contains(n) else {
                        throw Problem.badRequest("limit", "range", "limit must be an integer from 1 to \(TaktAPI.maxTraceLimit) (got '\(text)')")
                    }
                    limit = n
                }
                let state = await service.read { $0 }
                guard let trace = state.trace(id, direction: direction, limit: limit) else {
                    throw Problem.notFound("lot '\(id)' does not exist")
                }
                return try JSONIO.response(trace)
            },
            APIRoute(
                method: .get,
                path: "/api/v1/work-centers/{id}/oee",
                operationID: "getWorkCenterOEE",
                summary: "OEE of a work center over a window (ISO 22400-2): availability, performance, quality, the times and "
                    + "quantities they rest on and where the losses went; one report for the window or one per shift",
                tag: "Execution",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "WorkCenterOEE",
                parameters: [.path("id", "work center ID")] + windowParameters
            ) { request, ctx in
                _ = try ctx.requireUser()
                let id = WorkCenter.ID(try ctx.parameters.require("id"))
                let q = try queryParameters(request, allowed: ["from", "to", "by"])
                let (from, to) = try oeeWindow(q)
                let by = try oeeGrouping(q)
                let state = await service.read { $0 }
                guard state.workCenters[id] != nil else { throw Problem.notFound("work center '\(id)' does not exist") }
                return try JSONIO.response(
                    WorkCenterOEE(
                        workCenter: id,
                        from: from,
                        to: to,
                        by: by,
                        items: oeeReports(state, workCenter: id, from: from, to: to, by: by, now: now())
                    )
                )
            },
            APIRoute(
                method: .get,
                path: "/api/v1/oee",
                operationID: "getPlantOEE",
                summary: "OEE of every work center over a window (ISO 22400-2), by work center ID; one report per work center, "
                    + "or one per shift",
                tag: "Execution",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "PlantOEE",
                parameters: windowParameters
            ) { request, ctx in
                _ = try ctx.requireUser()
                let q = try queryParameters(request, allowed: ["from", "to", "by"])
                let (from, to) = try oeeWindow(q)
                let by = try oeeGrouping(q)
                let state = await service.read { $0 }
                let at = now()
                let items = state.workCenters.keys.sorted().flatMap { oeeReports(state, workCenter: $0, from: from, to: to, by: by, now: at) }
                return try JSONIO.response(PlantOEE(from: from, to: to, by: by, items: items))
            },
            APIRoute(
                method: .get,
                path: "/api/v1/kpis",
                operationID: "getPlantKPIs",
                summary: "The plant's headline figures, as the control tower shows them (docs/kpis.md): the on-time delivery "
                    + "forecast over customer lines and stock orders with what it counts, work in progress, open exceptions, holds, "
                    + "shortages, and OEE by work center with its data issues",
                tag: "Execution",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "PlantKPIs",
                parameters: [
                    .query("from", "start of the OEE window, ISO 8601 (default: \(PlantKPIs.oeeDays) days before `to`)"),
                    .query("to", "end of the OEE window (excluded), ISO 8601 (default: now); at most \(TaktAPI.maxOEEWindowDays) days after `from`"),
                ]
            ) { request, ctx in
                _ = try ctx.requireUser()
                let q = try queryParameters(request, allowed: ["from", "to"])
                let at = TaktJSON.wholeSeconds(now())
                var window = q
                if window["to"] == nil { window["to"] = TaktJSON.formatDate(at) }
                if window["from"] == nil, let to = window["to"].flatMap(TaktJSON.parseDate) {
                    window["from"] = TaktJSON.formatDate(to.addingTimeInterval(-Double(PlantKPIs.oeeDays) * 86_400))
                }
                let (from, to) = try oeeWindow(window)
                let kpis = await service.read { $0.kpis(now: at, oeeFrom: from, oeeTo: to) }
                return try JSONIO.response(kpis)
            },
        ]
    }
}

/// The reports of one work center: one for the window, or one per shift occurrence; never beyond `now`.
private func oeeReports(_ state: PlantState, workCenter: WorkCenter.ID, from: Date, to: Date, by: OEEGrouping, now: Date) -> [OEEReport] {
    switch by {
    case .window: state.oee(workCenter: workCenter, from: from, to: to, now: now).map { [$0] } ?? []
    case .shift: state.oeeByShift(workCenter: workCenter, from: from, to: to, now: now)
    }
}

/// The required window `from`…`to` of an OEE query: ISO 8601 instants, `from` before `to`, at most
/// ``TaktAPI/maxOEEWindowDays`` days apart.
func oeeWindow(_ query: [String: String]) throws -> (from: Date, to: Date) {
    func date(_ name: String) throws -> Date {
        guard let text = query[name] else {
            throw Problem.badRequest(
                name,
                "required",
                "the query parameter \(name) is required: an ISO 8601 date and time, e.g. 2026-11-24T06:00:00Z"
            )
        }
        guard let date = TaktJSON.parseDate(text) else {
            throw Problem.badRequest(name, "date-time", "\(name) must be an ISO 8601 date and time, e.g. 2026-11-24T06:00:00Z (got '\(text)')")
        }
        return date
    }
    let from = try date("from")
    let to = try date("to")
    guard from < to else { throw Problem.badRequest("to", "range", "to must be after from") }
    let days = TaktAPI.maxOEEWindowDays
    guard to.timeIntervalSince(from) <= Double(days) * 86_400 else {
        throw Problem.badRequest(
            "to",
            "range",
            "the window may span at most \(days) days (got \(Int((to.timeIntervalSince(from) / 86_400).rounded(.up))))"
        )
    }
    return (from, to)
}

/// The `by` of an OEE query, `window` when left out.
func oeeGrouping(_ query: [String: String]) throws -> OEEGrouping {
    guard let text = query["by"] else { return .window }
    guard let by = OEEGrouping(rawValue: text) else {
        throw Problem.badRequest("by", "enum", "by must be \(OEEGrouping.allCases.map(\.rawValue).joined(separator: " or ")) (got '\(text)')")
    }
    return by
}

// MARK: - Answers

/// How OEE reports split a window.
enum OEEGrouping: String, Codable, Sendable, CaseIterable {
    /// One report for the whole window.
    case window
    /// One report per shift occurrence overlapping the window, clipped to it.
    case shift
}

/// OEE of one work center over a window: one report (`window`) or one per shift occurrence (`shift`).
struct WorkCenterOEE: Codable, Sendable {
    var workCenter: WorkCenter.ID
    var from: Date
    var to: Date
    var by: OEEGrouping
    var items: [OEEReport]
}

/// OEE of every work center over a window, by work center ID (then, with `shift`, in time order).
struct PlantOEE: Codable, Sendable {
    var from: Date
    var to: Date
    var by: OEEGrouping
    var items: [OEEReport]
}
