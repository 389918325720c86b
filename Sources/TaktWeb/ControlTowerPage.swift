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
        let (state, k, trends) = await service.read { s in (s, s.kpis(now: now), s.trends(now: now)) }
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
            Self.trendCharts(trends, state)
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
                                Pages.orderLink(po.id), .text(po.item.rawValue), .text(Format.quantity(po.quantity)),
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
                            case .stockOrder:
                                el("span") {
                                    if let po = e.productionOrders.first { Pages.orderLink(po) }
                                    " (stock)"
                                }
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

extension TaktWeb {
    /// The control tower's four charts (docs/kpis.md "Trends and charts"): OEE by day, on-time delivery by week, scrap by
    /// reason and the load ahead.
    static func trendCharts(_ t: PlantTrends, _ state: PlantState) -> Node {
        let zone = state.plantTimeZone
        let oee = Chart(
            id: "chart-oee",
            title: "Plant OEE by day, last \(t.oee.count) days",
            description: "Each day's OEE of the work centers, weighted by their planned busy time that day (ISO 22400); today so far.",
            points: t.oee.map { d in
                Chart.Point(
                    label: Format.string("d MMM", d.from, zone),
                    value: d.oee,
                    text: Format.percent(d.oee),
                    tone: d.oee.map { $0 >= 0.65 ? "ok" : ($0 >= 0.4 ? "warn" : "bad") } ?? ""
                )
            },
            maximum: 1,
            headers: ["Day", "OEE"]
        )
        let delivery = Chart(
            id: "chart-delivery",
            title: "On-time delivery by week, last \(t.delivery.count) weeks",
            description:
                "Customer lines completed by a shipment in each week (from Monday), and the share shipped by their promised, else requested, date.",
            points: t.delivery.map { w in
                Chart.Point(
                    label: Format.string("d MMM", w.from, zone),
                    value: w.ratio,
                    text: w.ratio.map { "\(Format.percent($0)) (\(w.onTime) of \(w.delivered))" } ?? "none delivered",
                    tone: w.ratio.map { $0 >= 0.95 ? "ok" : ($0 >= 0.85 ? "warn" : "bad") } ?? ""
                )
            },
            maximum: 1,
            headers: ["Week from", "On time"]
        )
        let scrap = Chart(
            id: "chart-scrap",
            title: "Scrap by reason, last \(Int((t.scrapTo.timeIntervalSince(t.scrapFrom) / 86_400).rounded())) days",
            description: "Units scrapped per reason as booked with production reports, largest first; the line is the cumulative share (Pareto).",
            points: t.scrap.prefix(10).map { r in
                Chart.Point(
                    label: r.reason,
                    value: r.quantity,
                    text: "\(Format.quantity(r.quantity)) units in \(Format.count(r.reports, "report"))",
                    line: r.cumulativeShare,
                    tone: "bad"
                )
            },
            maximum: nil,
            headers: ["Reason", "Scrapped", "Cumulative share"],
            lineText: { Format.percent($0) }
        )
        let load = t.load.map { loads in
            Chart(
                id: "chart-load",
                title: "Work-center load, next \(Int((t.loadTo.timeIntervalSince(t.loadFrom) / 86_400).rounded())) days",
                description: "Published operations inside each work center's planned busy time, against that time (shifts minus planned downtime).",
                points: loads.map { l in
                    Chart.Point(
                        label: l.workCenter.rawValue,
                        value: l.ratio,
                        text: l.ratio.map { "\(Format.percent($0)) (\(Format.minutes(l.scheduledMinutes)) of \(Format.minutes(l.availableMinutes)))" }
                            ?? "no planned time",
                        tone: l.ratio.map { $0 > 1 ? "bad" : ($0 > 0.85 ? "warn" : "ok") } ?? ""
                    )
                },
                maximum: max(1, loads.compactMap(\.ratio).max() ?? 1),
                headers: ["Work center", "Load"],
                reference: (1, "100 %")
            )
        }
        return el("section", ["class": "charts", "id": "trends", "aria-label": "Trends"]) {
            el("div", ["class": "panel"]) {
                oee.columns(empty: "No work center has an OEE on these days: no machine states or production reports were recorded.")
            }
            el("div", ["class": "panel"]) { delivery.columns(empty: "No customer line was completed by a shipment in these weeks.") }
            el("div", ["class": "panel"]) { scrap.columns(empty: "No scrap was booked in this window.") }
            el("div", ["class": "panel"]) {
                if let load {
                    load.bars()
                } else {
                    el("h2", text: "Work-center load")
                    el("p", ["class": "empty"], text: "No schedule is published, so there is no load to show.")
                }
            }
        }
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
