import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

extension DeliveryVerdict {
    /// The badge's words and colour.
    var words: String {
        switch self {
        case .onTime: "on time"
        case .atRisk: "at risk"
        case .late: "late"
        case .notForecast: "not forecast"
        }
    }
    var tone: String {
        switch self {
        case .onTime: "ok"
        case .atRisk: "warn"
        case .late: "bad"
        case .notForecast: ""
        }
    }
}

extension TaktWeb {
    func controlTower(_ request: Request, _ viewer: Viewer) async -> PageContent {
        let now = now()
        let (state, k) = await service.read { s in (s, s.kpis(now: now)) }
        let d = k.delivery
        let late = d.entries.filter { $0.verdict == .late }
        let atRisk = d.entries.filter { $0.verdict == .atRisk }
        let wipOrders = state.productionOrders.values.filter { $0.status == .inProgress }

        let body = fragment {
            el("div", ["class": "figures"]) {
                Pages.figure(
                    "on-time delivery forecast",
                    d.onTimeRatio.map { Format.percent($0) } ?? "no forecast",
                    href: "#deliveries",
                    tone: d.onTimeRatio.map { $0 >= 0.95 ? "ok" : ($0 >= 0.85 ? "warn" : "bad") } ?? "",
                    note: d.statement
                )
                Pages.figure(
                    "late orders",
                    String(late.count),
                    href: "#deliveries",
                    tone: late.isEmpty ? "ok" : "bad",
                    note:
                        "\(Format.count(late.filter { $0.kind == .customerLine }.count, "customer line")), \(Format.count(late.filter { $0.kind == .stockOrder }.count, "stock order"))"
                )
                Pages.figure(
                    "at risk (< 1 day in hand)",
                    String(atRisk.count),
                    href: "#deliveries",
                    tone: atRisk.isEmpty ? "ok" : "warn",
                    note: d.schedule == nil ? "no schedule published" : nil
                )
                Pages.figure(
                    "orders in progress (WIP)",
                    String(k.ordersInProgress),
                    href: "#wip",
                    note: "\(Format.count(k.operationsRunning + k.operationsPaused, "operation")) running or paused"
                )
                Pages.figure("open exceptions", String(k.openExceptions), href: "/exceptions", tone: k.openExceptions == 0 ? "ok" : "warn")
                Pages.figure("active holds", String(k.activeHolds), href: "/quality#holds", tone: k.activeHolds == 0 ? "ok" : "warn")
                Pages.figure(
                    "projected shortages",
                    String(k.projectedShortages),
                    href: "/warehouse#shortages",
                    tone: k.projectedShortages == 0 ? "ok" : "bad"
                )
            }
            el("div", ["class": "grid"]) {
                el("section", ["class": "panel"]) {
                    el("h2", text: "Open exceptions by function")
                    if k.openExceptionsByFunction.isEmpty {
                        el("p", ["class": "empty"], text: "No open exceptions.")
                    } else {
                        el("ul") {
                            for f in PlantFunction.allCases where k.openExceptionsByFunction[f.rawValue] != nil {
                                el("li") {
                                    Pages.link(f.rawValue, "/exceptions?function=\(f.rawValue)")
                                    ": \(k.openExceptionsByFunction[f.rawValue] ?? 0)"
                                }
                            }
                        }
                    }
                }
                el("section", ["class": "panel", "id": "wip"]) {
                    el("h2", text: "Work in progress")
                    Pages.table(
                        ["Order", "Item", "Qty", "Operations"],
                        wipOrders.sorted { $0.id < $1.id }.prefix(12).map { po in
                            let ops = state.operations[po.id] ?? []
                            let done = ops.filter { $0.status == .completed }.count
                            return [
                                Pages.orderLink(po.id, state: state), .text(po.item.rawValue), .text(Format.quantity(po.quantity)),
                                .text("\(done) of \(ops.count) done" + (ops.first { $0.status == .running }.map { ", running \($0.name)" } ?? "")),
                            ]
                        },
                        empty: "Nothing is in progress."
                    )
                }
            }
            el("section", ["class": "panel", "id": "oee"]) {
                el("h2", text: "OEE by work center, last \(PlantKPIs.oeeDays) days")
                Pages.table(
                    ["Work center", "OEE", "Availability", "Performance", "Quality", "Down", "Good / scrap", "Data"],
                    k.oee.map { r in
                        [
                            Pages.link(r.workCenter.rawValue, "/schedule?wc=\(urlEncode(r.workCenter.rawValue))"),
                            Pages.meter(r.oee),
                            .text(Format.percent(r.availability)), .text(Format.percent(r.performance)), .text(Format.percent(r.quality)),
                            .text(Format.minutes(r.downTime)), .text("\(Format.quantity(r.goodQuantity)) / \(Format.quantity(r.scrapQuantity))"),
                            r.dataIssues.isEmpty
                                ? .text("")
                                : el("span", ["class": "data-issue"]) {
                                    Pages.badge("data issue", "warn")
                                    " " + r.dataIssues.map(\.message).joined(separator: "; ")
                                },
                        ]
                    },
                    empty: "No work centers.",
                    id: "oee-table"
                )
                el(
                    "p",
                    ["class": "muted"],
                    text:
                        "Per ISO 22400; every ratio is at most 100 %. Where the record cannot be true (more booked than the ideal rate allows in the recorded production time), performance and OEE show “–” and the data issue says why."
                )
            }
            el("section", ["class": "panel", "id": "deliveries"]) {
                el("h2", text: "Late and at-risk orders")
                el("p", ["class": "muted", "id": "delivery-statement"], text: d.statement)
                let shown = late + atRisk
                Pages.table(
                    ["Order", "Customer", "Line", "Item", "Due", "Forecast finish", "In hand", "Status"],
                    shown.map { e in
                        let order: Node =
                            switch e.kind {
                            case .customerLine: Pages.link(e.salesOrder?.rawValue ?? "", "/orders/\(urlEncode(e.salesOrder?.rawValue ?? ""))")
                            case .stockOrder: el("span", text: "\(e.productionOrders.first?.rawValue ?? "") (stock)")
                            }
                        return [
                            order, .text(e.customer.map { state.customers[$0]?.name ?? $0.rawValue } ?? "–"), .text(e.line.map(String.init) ?? "–"),
                            .text("\(Format.quantity(e.quantity)) × \(e.item.rawValue)"), .text(Format.dateTime(e.due, state.plantTimeZone)),
                            .text(e.finish.map { Format.dateTime($0, state.plantTimeZone) } ?? (e.note ?? "–")),
                            .text(e.slackMinutes.map { Format.minutes($0) } ?? "–"), Pages.badge(e.verdict.words, e.verdict.tone),
                        ]
                    },
                    empty: d.schedule == nil
                        ? "No schedule is published, so nothing is forecast; nothing open is past its due date."
                        : "Every forecast order finishes with more than a day in hand.",
                    id: "late-orders"
                )
            }
        }
        return PageContent(title: "Control tower", body: body)
    }
}

extension Pages {
    /// A horizontal meter for a fraction, drawn as a tiny SVG (the CSP forbids inline styles).
    static func meter(_ fraction: Double?) -> Node {
        let f = max(0, min(1, fraction ?? 0))
        let color = f >= 0.65 ? "#1d7a46" : (f >= 0.4 ? "#f79009" : "#d92d20")
        return el("span", ["class": "meter"]) {
            el("svg", ["width": "120", "height": "10", "viewBox": "0 0 100 10", "role": "img", "aria-label": Format.percent(fraction)]) {
                el("rect", ["x": "0", "y": "0", "width": "100", "height": "10", "rx": "5", "fill": "#e4e7ec"])
                el("rect", ["x": "0", "y": "0", "width": String(format: "%.1f", f * 100), "height": "10", "rx": "5", "fill": color])
            }
            " " + Format.percent(fraction)
        }
    }
}
