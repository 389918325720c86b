import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

extension TaktWeb {
    /// Every production order, searchable by order, item or customer order, filtered by status; the forecast beside each
    /// open one is the delivery forecast's (the control tower's figures).
    func productionOrdersPage(_ request: Request, _ viewer: Viewer) async -> PageContent {
        let query = request.uri.queryParameters
        let q = query["q"].map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        let statusText = query["status"].map(String.init) ?? ""
        let status = ProductionOrderStatus(rawValue: statusText)
        let unknownStatus = !statusText.isEmpty && status == nil
        let state = await service.read { $0 }
        let verdicts = Self.verdicts(state.deliveryForecast(now: now()))
        let needle = q.lowercased()
        let orders = state.productionOrders.values.filter { po in
            (status == nil || po.status == status)
                && (needle.isEmpty || po.id.rawValue.lowercased().contains(needle) || po.item.rawValue.lowercased().contains(needle)
                    || (state.items[po.item]?.name.lowercased().contains(needle) ?? false)
                    || (po.pegging?.salesOrder.rawValue.lowercased().contains(needle) ?? false))
        }.sorted { (Self.rank($0.status), $0.dueDate, $0.id) < (Self.rank($1.status), $1.dueDate, $1.id) }
        let shown = orders.prefix(300)
        let body = fragment {
            Pages.ordersTabs(current: "production")
            if unknownStatus {
                Pages.flash(
                    Flash(
                        kind: .error,
                        title: "Unknown status",
                        lines: [
                            "status must be one of \(ProductionOrderStatus.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(statusText.prefix(40))'); every status is shown."
                        ]
                    )
                )
            }
            el("form", ["method": "get", "action": "/production-orders", "class": "inline toolbar"]) {
                void(
                    "input",
                    [
                        "type": "search", "name": "q", "value": q, "placeholder": "order, item or customer order",
                        "aria-label": "Search production orders",
                    ]
                )
                el("select", ["name": "status", "aria-label": "Status"]) {
                    el("option", ["value": ""], text: "any status")
                    for s in ProductionOrderStatus.allCases {
                        el("option", ["value": s.rawValue, "selected": flag(s == status)], text: s.rawValue)
                    }
                }
                el("button", ["type": "submit"], text: "Filter")
                el("span", ["class": "spacer"])
                el("span", ["class": "muted"], text: "\(orders.count) of \(state.productionOrders.count) orders")
            }
            Pages.table(
                ["Production order", "Item", "Qty", "Due", "Priority", "Status", "For", "Forecast"],
                shown.map { po in
                    [
                        Pages.link(po.id.rawValue, Pages.productionOrderPath(po.id)),
                        .text("\(po.item.rawValue)" + (state.items[po.item].map { " · \($0.name)" } ?? "")),
                        .text(Format.quantity(po.quantity)),
                        .text(Format.dateTime(po.dueDate, state.plantTimeZone)),
                        .text(String(po.priority)),
                        Pages.badge(po.status.rawValue, Self.tone(po.status)),
                        Pages.demand(po.pegging),
                        verdicts[po.id].map { Pages.badge($0.words, $0.tone) } ?? .text("–"),
                    ]
                },
                empty: "No production orders match.",
                id: "production-orders"
            )
            if orders.count > shown.count { el("p", ["class": "muted"], text: "The first \(shown.count) are shown; search to narrow.") }
        }
        return PageContent(title: "Production orders", body: body)
    }

    /// One production order: what it makes, for whom, its operations as planned and as run, material and lots, its
    /// forecast and the open exceptions about it.
    func productionOrderPage(_ request: Request, _ viewer: Viewer, id: String) async -> PageContent {
        let state = await service.read { $0 }
        guard let po = state.productionOrders[ProductionOrder.ID(id)] else {
            return PageContent(
                title: "Not found",
                body: el("p") {
                    "There is no production order \(id). "
                    Pages.link("Search production orders", "/production-orders?q=\(urlEncode(id))")
                },
                status: .notFound
            )
        }
        let zone = state.plantTimeZone
        let forecast = state.deliveryForecast(now: now()).entries.first { $0.productionOrders.contains(po.id) }
        let exceptions = state.exceptions.values.filter {
            ($0.status == .open || $0.status == .executing) && $0.impact.affected.productionOrders.contains(po.id)
        }.sorted { ($0.raisedAt, $0.id) > ($1.raisedAt, $1.id) }
        let body = fragment {
            Pages.ordersTabs(current: "production")
            el("div", ["class": "kpis"]) {
                el("span") {
                    "Makes "
                    el("b", text: "\(Format.quantity(po.quantity)) × \(po.item.rawValue)")
                    if let name = state.items[po.item]?.name { " (\(name))" }
                }
                el("span") {
                    "Due "
                    el("b", text: Format.dateTime(po.dueDate, zone))
                }
                el("span") {
                    "Priority "
                    el("b", text: String(po.priority))
                }
                el("span") {
                    "Status "
                    Pages.badge(po.status.rawValue, Self.tone(po.status))
                }
                el("span") {
                    "For "
                    Pages.demand(po.pegging)
                }
                if let forecast {
                    el("span") {
                        "Forecast "
                        Pages.badge(forecast.verdict.words, forecast.verdict.tone)
                        " " + (forecast.finish.map { "finish " + Format.dateTime($0, zone) } ?? (forecast.note ?? ""))
                    }
                }
            }
            if let reason = po.cancelReason { el("p", ["class": "muted"], text: "Cancelled: \(reason)") }
            if !exceptions.isEmpty {
                el("h2", text: "Open exceptions")
                el("ul") {
                    for e in exceptions {
                        el("li") { Pages.link("\(e.id.rawValue) · \(e.title)", "/exceptions/\(urlEncode(e.id.rawValue))") }
                    }
                }
            }
            orderOperations(po, state)
        }
        return PageContent(title: "Production order \(po.id.rawValue)", body: body)
    }

    /// A production order's operations (as routed, scheduled and run), then the lots it made and consumed.
    func orderOperations(_ po: ProductionOrder, _ state: PlantState) -> Node {
        let zone = state.plantTimeZone
        let ops = state.operations[po.id] ?? []
        let routing = state.routings[po.routing]?.operations ?? []
        let steps = Dictionary(
            (state.publishedSchedule?.steps ?? []).filter { $0.productionOrder == po.id }.map { ($0.sequence, $0) },
            uniquingKeysWith: { a, _ in a }
        )
        let outputs = state.outputsByOrder[po.id] ?? []
        let consumed = state.consumptionsByOrder[po.id] ?? []
        return fragment {
            Pages.table(
                ["Op", "Operation", "Work center", "Status", "Good / scrap", "Scheduled", "Started", "Completed", ""],
                routing.map { op in
                    let p = ops.first { $0.sequence == op.sequence }
                    let s = steps[op.sequence]
                    let wc = p?.workCenter?.rawValue ?? s?.workCenter.rawValue
                    return [
                        .text(String(op.sequence)), .text(op.name),
                        wc.map { Pages.link($0, "/schedule?wc=\(urlEncode($0))") }
                            ?? .text(op.workCenters.map(\.workCenter.rawValue).joined(separator: " / ")),
                        .text(p?.status.rawValue ?? "waiting"),
                        .text(p.map { "\(Format.quantity($0.good)) / \(Format.quantity($0.scrap))" } ?? "–"),
                        .text(s.map { Format.range($0.start, $0.end, zone) } ?? "–"),
                        .text(p?.startedAt.map { Format.dateTime($0, zone) } ?? "–"),
                        .text(p?.completedAt.map { Format.dateTime($0, zone) } ?? "–"),
                        s != nil && (p?.status ?? .waiting) == .waiting
                            ? Pages.link("Move…", "/schedule/move?op=\(urlEncode(po.id.rawValue))%2F\(op.sequence)")
                            : .text(""),
                    ]
                },
                empty: "No routing."
            )
            el("p") {
                "Lots made: "
                if outputs.isEmpty { "none yet" }
                for (i, lot) in outputs.enumerated() {
                    if i > 0 { ", " }
                    Pages.link(lot.rawValue, "/genealogy?lot=\(urlEncode(lot.rawValue))")
                }
                " · lots consumed: "
                if consumed.isEmpty { "none yet" }
                for (i, c) in consumed.prefix(20).enumerated() {
                    if i > 0 { ", " }
                    Pages.link(c.lot.rawValue, "/genealogy?lot=\(urlEncode(c.lot.rawValue))")
                }
            }
        }
    }

    /// The forecast verdict of each production order: that of the entry (customer line or stock order) it serves.
    static func verdicts(_ forecast: DeliveryForecast) -> [ProductionOrder.ID: DeliveryVerdict] {
        var out: [ProductionOrder.ID: DeliveryVerdict] = [:]
        for entry in forecast.entries {
            for po in entry.productionOrders { out[po] = entry.verdict }
        }
        return out
    }

    static func rank(_ status: ProductionOrderStatus) -> Int {
        switch status {
        case .inProgress: 0
        case .released: 1
        case .planned: 2
        case .completed: 3
        case .cancelled: 4
        }
    }

    static func tone(_ status: ProductionOrderStatus) -> String {
        switch status {
        case .completed: "ok"
        case .inProgress: "info"
        case .cancelled: "bad"
        case .planned, .released: ""
        }
    }
}

extension Pages {
    /// Whom a production order serves: its customer order line (linked), or "stock".
    static func demand(_ pegging: Pegging?) -> Node {
        guard let p = pegging else { return .text("stock") }
        return link("\(p.salesOrder.rawValue) line \(p.line)", "/orders/\(urlEncode(p.salesOrder.rawValue))")
    }

    /// Where a production order's page is.
    static func productionOrderPath(_ id: ProductionOrder.ID) -> String { "/production-orders/\(urlEncode(id.rawValue))" }

    /// Customer orders | production orders.
    static func ordersTabs(current: String) -> Node {
        el("nav", ["class": "seg toolbar", "aria-label": "Orders"]) {
            el("a", ["href": "/orders", "aria-current": current == "customer" ? "true" : nil], text: "Customer orders")
            el("a", ["href": "/production-orders", "aria-current": current == "production" ? "true" : nil], text: "Production orders")
        }
    }
}
