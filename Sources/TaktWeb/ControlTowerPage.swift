import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine

/// A customer order line measured against the published schedule.
struct LineForecast: Sendable {
    enum Verdict: String, Sendable { case onTime = "on time", atRisk = "at risk", late, unplanned = "not scheduled", shipped }
    var salesOrder: SalesOrder
    var line: SalesOrderLine
    var orders: [ProductionOrder.ID]
    var due: Date
    var predicted: Date?
    var verdict: Verdict
    var slackMinutes: Double? { predicted.map { due.timeIntervalSince($0) / 60 } }

    var tone: String {
        switch verdict {
        case .onTime, .shipped: "ok"
        case .atRisk: "warn"
        case .late: "bad"
        case .unplanned: ""
        }
    }

    /// Every line of the open customer orders: finished when its last pegged production order finishes by the
    /// published schedule (or finished already); at risk when less than a day is left in hand.
    static func all(_ state: PlantState, now: Date) -> [LineForecast] {
        var finish: [ProductionOrder.ID: Date] = [:]
        for step in state.publishedSchedule?.steps ?? [] where (finish[step.productionOrder] ?? .distantPast) < step.end {
            finish[step.productionOrder] = step.end
        }
        var pegged: [String: [ProductionOrder]] = [:]
        for po in state.productionOrders.values where po.status != .cancelled {
            if let p = po.pegging { pegged["\(p.salesOrder.rawValue)#\(p.line)", default: []].append(po) }
        }
        var result: [LineForecast] = []
        for so in state.salesOrders.values where so.status == .open {
            for line in so.lines {
                let pos = pegged["\(so.id.rawValue)#\(line.line)"] ?? []
                let due = line.promisedDate ?? line.requestedDate
                let shipped = state.shippedQuantity(salesOrder: so.id, line: line.line) >= line.quantity
                var predicted: Date?
                if !pos.isEmpty {
                    var latest = Date.distantPast
                    var known = true
                    for po in pos {
                        if po.status == .completed { latest = max(latest, po.completedAt ?? now) }
                        else if let f = finish[po.id] { latest = max(latest, f) }
                        else { known = false }
                    }
                    predicted = known ? latest : nil
                }
                let verdict: Verdict
                if shipped { verdict = .shipped }
                else if let predicted {
                    let slack = due.timeIntervalSince(predicted)
                    verdict = slack < 0 ? .late : (slack < 24 * 3600 ? .atRisk : .onTime)
                } else { verdict = .unplanned }
                result.append(LineForecast(salesOrder: so, line: line, orders: pos.map(\.id).sorted(), due: due, predicted: predicted, verdict: verdict))
            }
        }
        return result.sorted { ($0.due, $0.salesOrder.id, $0.line.line) < ($1.due, $1.salesOrder.id, $1.line.line) }
    }
}

extension TaktWeb {
    func controlTower(_ request: Request, _ viewer: Viewer) async -> PageContent {
        let state = await engine.read { $0 }
        let now = now()
        let lines = LineForecast.all(state, now: now)
        let judged = lines.filter { $0.verdict != .unplanned }
        let onTime = judged.filter { $0.verdict == .onTime || $0.verdict == .atRisk || $0.verdict == .shipped }.count
        let late = lines.filter { $0.verdict == .late }
        let atRisk = lines.filter { $0.verdict == .atRisk }
        let otd = judged.isEmpty ? nil : Double(onTime) / Double(judged.count)
        let wipOrders = state.productionOrders.values.filter { $0.status == .inProgress }
        let running = state.operations.values.flatMap { $0 }.filter { $0.status == .running || $0.status == .paused }
        let openExceptions = state.exceptions.values.filter { $0.status == .open || $0.status == .executing }
        let holds = state.holds.values.filter { !$0.released }
        let shortages = state.shortages.values.sorted { $0.from < $1.from }
        var byFunction: [PlantFunction: Int] = [:]
        for e in openExceptions { for f in e.functions { byFunction[f, default: 0] += 1 } }

        let from = now.addingTimeInterval(-7 * 86400)
        let oee = state.workCenters.values.sorted { $0.id < $1.id }.compactMap { wc in state.oee(workCenter: wc.id, from: from, to: now) }

        let body = fragment {
            el("div", ["class": "figures"]) {
                Pages.figure("on-time delivery forecast", otd.map { Format.percent($0) } ?? "–", href: "#customer-lines",
                             tone: (otd ?? 1) >= 0.95 ? "ok" : ((otd ?? 1) >= 0.85 ? "warn" : "bad"),
                             note: "\(onTime) of \(judged.count) lines, by \(state.publishedSchedule?.id.rawValue ?? "no schedule")")
                Pages.figure("late customer lines", String(late.count), href: "#customer-lines", tone: late.isEmpty ? "ok" : "bad")
                Pages.figure("at risk (< 1 day in hand)", String(atRisk.count), href: "#customer-lines", tone: atRisk.isEmpty ? "ok" : "warn")
                Pages.figure("orders in progress (WIP)", String(wipOrders.count), href: "#wip", note: "\(running.count) operations running or paused")
                Pages.figure("open exceptions", String(openExceptions.count), href: "/exceptions", tone: openExceptions.isEmpty ? "ok" : "warn")
                Pages.figure("active holds", String(holds.count), href: "/quality#holds", tone: holds.isEmpty ? "ok" : "warn")
                Pages.figure("projected shortages", String(shortages.count), href: "/warehouse#shortages", tone: shortages.isEmpty ? "ok" : "bad")
            }
            el("div", ["class": "grid"]) {
                el("section", ["class": "panel"]) {
                    el("h2", text: "Open exceptions by function")
                    if byFunction.isEmpty {
                        el("p", ["class": "empty"], text: "No open exceptions.")
                    } else {
                        el("ul") {
                            for f in PlantFunction.allCases where byFunction[f] != nil {
                                el("li") {
                                    Pages.link(f.rawValue, "/exceptions?function=\(f.rawValue)")
                                    ": \(byFunction[f] ?? 0)"
                                }
                            }
                        }
                    }
                }
                el("section", ["class": "panel", "id": "wip"]) {
                    el("h2", text: "Work in progress")
                    Pages.table(["Order", "Item", "Qty", "Operations"], wipOrders.sorted { $0.id < $1.id }.prefix(12).map { po in
                        let ops = state.operations[po.id] ?? []
                        let done = ops.filter { $0.status == .completed }.count
                        return [Pages.orderLink(po.id, state: state), .text(po.item.rawValue), .text(Format.quantity(po.quantity)),
                                .text("\(done) of \(ops.count) done" + (ops.first { $0.status == .running }.map { ", running \($0.name)" } ?? ""))]
                    }, empty: "Nothing is in progress.")
                }
            }
            el("section", ["class": "panel", "id": "oee"]) {
                el("h2", text: "OEE by work center, last 7 days")
                Pages.table(["Work center", "OEE", "Availability", "Performance", "Quality", "Down", "Good / scrap"], oee.map { r in
                    return [Pages.link(r.workCenter.rawValue, "/schedule?wc=\(urlEncode(r.workCenter.rawValue))"),
                            Pages.meter(r.oee),
                            .text(Format.percent(r.availability)), .text(Format.percent(r.performance)), .text(Format.percent(r.quality)),
                            .text(Format.minutes(r.downTime)), .text("\(Format.quantity(r.goodQuantity)) / \(Format.quantity(r.scrapQuantity))")]
                }, empty: "No work centers.")
            }
            el("section", ["class": "panel", "id": "customer-lines"]) {
                el("h2", text: "Late and at-risk customer orders")
                let shown = lines.filter { $0.verdict == .late || $0.verdict == .atRisk }
                Pages.table(["Sales order", "Customer", "Line", "Item", "Due", "Forecast finish", "In hand", "Status"], shown.map { f in
                    [Pages.link(f.salesOrder.id.rawValue, "/orders/\(urlEncode(f.salesOrder.id.rawValue))"),
                     .text(state.customers[f.salesOrder.customer]?.name ?? f.salesOrder.customer.rawValue), .text(String(f.line.line)),
                     .text("\(Format.quantity(f.line.quantity)) × \(f.line.item.rawValue)"), .text(Format.dateTime(f.due, state.plantTimeZone)),
                     .text(f.predicted.map { Format.dateTime($0, state.plantTimeZone) } ?? "–"), .text(f.slackMinutes.map { Format.minutes($0) } ?? "–"),
                     Pages.badge(f.verdict.rawValue, f.tone)]
                }, empty: "Every scheduled customer line finishes with more than a day in hand.")
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
