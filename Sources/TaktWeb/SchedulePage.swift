import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

/// How much time one Gantt view shows.
enum Zoom: String, CaseIterable, Sendable {
    case shift, day, week
    var seconds: TimeInterval {
        switch self {
        case .shift: 8 * 3600
        case .day: 86400
        case .week: 7 * 86400
        }
    }
    /// Seconds between labelled ticks.
    var tick: TimeInterval {
        switch self {
        case .shift: 3600
        case .day: 2 * 3600
        case .week: 86400
        }
    }
    /// The start of the view that contains `date`, in the plant's time zone: the shift (06:00, 14:00 or 22:00) or the day.
    func floor(_ date: Date, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let midnight = calendar.startOfDay(for: date)
        switch self {
        case .shift:
            let yesterday = calendar.date(byAdding: .day, value: -1, to: midnight) ?? midnight
            let starts =
                [calendar.date(bySettingHour: 22, minute: 0, second: 0, of: yesterday)]
                + [6, 14, 22].map { calendar.date(bySettingHour: $0, minute: 0, second: 0, of: midnight) }
            return starts.compactMap { $0 }.filter { $0 <= date }.max() ?? midnight
        case .day, .week:
            return midnight
        }
    }
}

/// A Gantt chart of a schedule for some work centers, drawn as SVG on the server.
struct Gantt {
    var state: PlantState
    var schedule: PublishedSchedule?
    var workCenters: [WorkCenter.ID]
    var from: Date
    var to: Date
    var now: Date
    /// The plant's time zone: the axis and the tooltips read in it.
    var zone: TimeZone
    /// Operations to outline as changed (when comparing with another schedule).
    var changed: Set<String> = []
    var title: String

    static let labelWidth = 150.0
    static let chartWidth = 1100.0
    static let rowHeight = 38.0
    static let axisHeight = 30.0

    func x(_ d: Date) -> Double {
        Gantt.labelWidth + max(0, min(1, d.timeIntervalSince(from) / to.timeIntervalSince(from))) * Gantt.chartWidth
    }

    static func key(_ s: ScheduledStep) -> String { "\(s.productionOrder.rawValue)/\(s.sequence)" }

    /// A stable colour per production order.
    static func color(_ id: ProductionOrder.ID) -> String {
        var h: UInt32 = 2_166_136_261
        for b in id.rawValue.utf8 { h = (h ^ UInt32(b)) &* 16_777_619 }
        let hue = Int(h % 360)
        return "hsl(\(hue) 55% 62%)"
    }

    func render() -> Node {
        let width = Gantt.labelWidth + Gantt.chartWidth + 10
        let height = Gantt.axisHeight + Double(workCenters.count) * Gantt.rowHeight + 6
        let late = Set(schedule?.lateOrders ?? [])
        var byWC: [WorkCenter.ID: [ScheduledStep]] = [:]
        for s in schedule?.steps ?? [] where s.end > from && s.start < to { byWC[s.workCenter, default: []].append(s) }
        let span = to.timeIntervalSince(from)
        let tick = span <= 8 * 3600 ? 3600.0 : (span <= 86400 ? 7200.0 : 86400.0)
        // Ticks on the plant's clock: every hour, every other hour, or at midnight.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        var ticks: [Date] = []
        var t = calendar.startOfDay(for: from)
        while t <= to {
            if t >= from { ticks.append(t) }
            guard
                let next = tick >= 86400
                    ? calendar.date(byAdding: .day, value: 1, to: t) : calendar.date(byAdding: .hour, value: Int(tick / 3600), to: t),
                next > t
            else { break }
            t = next
        }

        return el(
            "svg",
            [
                "class": "gantt", "viewBox": "0 0 \(Int(width)) \(Int(height))", "role": "img", "aria-label": title,
                "xmlns": "http://www.w3.org/2000/svg",
            ]
        ) {
            el("defs") {
                el("pattern", ["id": "hatch", "width": "6", "height": "6", "patternUnits": "userSpaceOnUse", "patternTransform": "rotate(45)"]) {
                    el("rect", ["width": "6", "height": "6", "fill": "#eaecf0"])
                    el("line", ["x1": "0", "y1": "0", "x2": "0", "y2": "6", "stroke": "#98a2b3", "stroke-width": "2"])
                }
                el("pattern", ["id": "setup", "width": "5", "height": "5", "patternUnits": "userSpaceOnUse", "patternTransform": "rotate(-45)"]) {
                    el("rect", ["width": "5", "height": "5", "fill": "rgba(0,0,0,0.18)"])
                    el("line", ["x1": "0", "y1": "0", "x2": "0", "y2": "5", "stroke": "rgba(255,255,255,0.6)", "stroke-width": "1.5"])
                }
            }
            // Time axis.
            for d in ticks {
                let xx = x(d)
                el("line", ["x1": f(xx), "y1": f(Gantt.axisHeight - 6), "x2": f(xx), "y2": f(height), "stroke": "#eaecf0"])
                el(
                    "text",
                    ["x": f(xx + 3), "y": "18", "font-size": "12", "fill": "#5b6675"],
                    text: tick >= 86400 ? Format.date(d, zone) : (Format.time(d, zone) == "00:00" ? Format.date(d, zone) : Format.time(d, zone))
                )
            }
            for (row, wc) in workCenters.enumerated() {
                let y = Gantt.axisHeight + Double(row) * Gantt.rowHeight
                el("rect", ["x": "0", "y": f(y), "width": f(width), "height": f(Gantt.rowHeight), "fill": row % 2 == 0 ? "#fafbfc" : "#ffffff"])
                el("a", ["href": "/schedule?wc=\(urlEncode(wc.rawValue))"]) {
                    el("text", ["x": "8", "y": f(y + 23), "font-size": "13", "font-weight": "600", "fill": "#1c2430"], text: wc.rawValue)
                }
                // Planned downtime (hatched) and machine down periods (red).
                for d in state.workCenters[wc]?.plannedDowntime ?? [] where d.end > from && d.start < to {
                    el(
                        "rect",
                        [
                            "x": f(x(d.start)), "y": f(y + 2), "width": f(max(1, x(d.end) - x(d.start))), "height": f(Gantt.rowHeight - 4),
                            "fill": "url(#hatch)", "class": "downtime",
                        ]
                    ) { el("title", text: "Planned downtime: \(d.reason), \(Format.dateTime(d.start, zone))–\(Format.dateTime(d.end, zone))") }
                }
                for period in downPeriods(wc) where period.end > from && period.start < to {
                    el(
                        "rect",
                        [
                            "x": f(x(period.start)), "y": f(y + 2), "width": f(max(2, x(period.end) - x(period.start))),
                            "height": f(Gantt.rowHeight - 4), "fill": "rgba(217,45,32,0.22)", "stroke": "#d92d20", "class": "machine-down",
                        ]
                    ) {
                        el("title", text: "Machine down: \(period.reason), from \(Format.dateTime(period.start, zone))")
                    }
                }
                for s in byWC[wc] ?? [] {
                    let x0 = x(s.start)
                    let x1 = max(x(s.end), x0 + 2)
                    let isLate = late.contains(s.productionOrder) || (state.productionOrders[s.productionOrder].map { s.end > $0.dueDate } ?? false)
                    let setup = setupMinutes(s) * 60
                    let setupEnd = x(min(s.end, s.start.addingTimeInterval(setup)))
                    let moved = changed.contains(Gantt.key(s))
                    el(
                        "a",
                        [
                            "href": "/orders/\(urlEncode(state.productionOrders[s.productionOrder]?.pegging?.salesOrder.rawValue ?? ""))",
                            "class": "bar",
                        ]
                    ) {
                        el(
                            "rect",
                            [
                                "x": f(x0), "y": f(y + 6), "width": f(x1 - x0), "height": f(Gantt.rowHeight - 12), "rx": "3",
                                "fill": Gantt.color(s.productionOrder), "stroke": isLate ? "#d92d20" : (moved ? "#1f5fbf" : "#475467"),
                                "stroke-width": isLate || moved ? "2.5" : "0.8", "stroke-dasharray": moved ? "5 3" : nil,
                                "data-op": Gantt.key(s), "class": isLate ? "op late" : "op",
                            ]
                        )
                        if setup > 0 && setupEnd - x0 >= 2 {
                            el(
                                "rect",
                                ["x": f(x0), "y": f(y + 6), "width": f(setupEnd - x0), "height": f(Gantt.rowHeight - 12), "fill": "url(#setup)"]
                            )
                        }
                        if x1 - x0 > 62 {
                            el(
                                "text",
                                ["x": f(x0 + 4), "y": f(y + 23), "font-size": "11", "fill": "#101828"],
                                text: s.productionOrder.rawValue.replacingOccurrences(of: "PO-0000", with: "PO-") + " · \(s.sequence)"
                            )
                        }
                        el(
                            "title",
                            text:
                                "\(s.productionOrder) op \(s.sequence) \(s.name) on \(s.workCenter): \(Format.dateTime(s.start, zone)) – \(Format.time(s.end, zone))"
                                + (setup > 0 ? ", setup \(Format.minutes(setup / 60))" : "") + (isLate ? " — LATE" : "") + (moved ? " — moved" : "")
                        )
                    }
                }
            }
            if now > from && now < to {
                el(
                    "line",
                    ["x1": f(x(now)), "y1": f(Gantt.axisHeight - 8), "x2": f(x(now)), "y2": f(height), "stroke": "#1f5fbf", "stroke-width": "2"]
                )
                el("text", ["x": f(x(now) + 3), "y": f(Gantt.axisHeight - 10), "font-size": "10", "fill": "#1f5fbf"], text: "now")
            }
        }
    }

    func setupMinutes(_ s: ScheduledStep) -> Double {
        guard let po = state.productionOrders[s.productionOrder], let routing = state.routings[po.routing],
            let op = routing.operations.first(where: { $0.sequence == s.sequence }),
            let e = op.workCenters.first(where: { $0.workCenter == s.workCenter })
        else { return 0 }
        return e.setupMinutes
    }

    struct DownPeriod {
        var start: Date
        var end: Date
        var reason: String
    }

    /// Machine down periods from the recorded machine states: from each `down` until the next change (or now).
    func downPeriods(_ wc: WorkCenter.ID) -> [DownPeriod] {
        let changes = state.machineStates[wc] ?? []
        var result: [DownPeriod] = []
        for (i, c) in changes.enumerated() where c.state == .down {
            let end = i + 1 < changes.count ? changes[i + 1].at : max(now, c.at)
            result.append(DownPeriod(start: c.at, end: end, reason: c.reason ?? "no reason given"))
        }
        return result
    }
}

private func f(_ v: Double) -> String { String(format: "%.1f", v) }

extension TaktWeb {
    func schedulePage(_ request: Request, _ viewer: Viewer) async -> PageContent {
        let q = request.uri.queryParameters
        let state = await service.read { $0 }
        let now = now()
        let flash = await sessions.takeFlash(viewer.sessionID)
        let run = await runPanel(viewer, state: state, flash: flash)
        let zoom = q["zoom"].flatMap { Zoom(rawValue: String($0)) } ?? .day
        let wcParam = q["wc"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let compare = q["compare"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let schedule = state.publishedSchedule
        let zone = state.plantTimeZone
        let defaultStart = zoom.floor(now, in: zone)
        let from = q["at"].flatMap { Format.parseMinute(String($0), zone) }.map { zoom.floor($0, in: zone) } ?? defaultStart
        let to = from.addingTimeInterval(zoom.seconds)
        let allWCs = state.workCenters.keys.sorted()
        let shown = wcParam.map { [WorkCenter.ID($0)] }.flatMap { ids in ids.allSatisfy { state.workCenters[$0] != nil } ? ids : nil } ?? allWCs

        func link(at: Date? = nil, zoom z: Zoom? = nil) -> String {
            var parts: [String] = []
            if let wcParam { parts.append("wc=\(urlEncode(wcParam))") }
            parts.append("zoom=\((z ?? zoom).rawValue)")
            parts.append("at=\(urlEncode(Format.minute(at ?? from, zone)))")
            if let compare { parts.append("compare=\(urlEncode(compare))") }
            return "/schedule?" + parts.joined(separator: "&")
        }

        // The proposed action to compare with, when asked.
        var proposed: (PlantException, ProposedAction)?
        var compareError: String?
        if let compare {
            let parts = compare.split(separator: "/", maxSplits: 1).map(String.init)
            if parts.count == 2, let e = state.exceptions[PlantException.ID(parts[0])], let a = e.actions.first(where: { $0.id == parts[1] }) {
                if a.schedule != nil { proposed = (e, a) } else { compareError = "Action \(compare) does not change the schedule." }
            } else {
                compareError = "There is no proposed action \(compare)."
            }
        }

        let toolbar = el("div", ["class": "toolbar"]) {
            el("a", ["class": "button", "href": link(at: from.addingTimeInterval(-zoom.seconds)), "rel": "prev", "id": "prev"], text: "← Earlier")
            el("a", ["class": "button", "href": link(at: defaultStart)], text: "Now")
            el("a", ["class": "button", "href": link(at: from.addingTimeInterval(zoom.seconds)), "rel": "next", "id": "next"], text: "Later →")
            el("strong", text: "\(Format.dateTime(from, zone)) – \(Format.dateTime(to, zone)) (\(zone.identifier))")
            el("span", ["class": "spacer"]) {}
            el("span", ["class": "seg", "role": "group", "aria-label": "Zoom"]) {
                for z in Zoom.allCases {
                    el("a", ["href": link(zoom: z), "aria-current": z == zoom ? "true" : nil], text: z.rawValue)
                }
            }
            el("form", ["method": "get", "action": "/schedule", "class": "inline"]) {
                el("label", ["for": "wc"], text: "Work center")
                el("select", ["id": "wc", "name": "wc"]) {
                    el("option", ["value": "", "selected": flag(wcParam == nil)], text: "all")
                    for id in allWCs { el("option", ["value": id.rawValue, "selected": flag(wcParam == id.rawValue)], text: id.rawValue) }
                }
                Pages.hidden("zoom", zoom.rawValue)
                Pages.hidden("at", Format.minute(from, zone))
                if let compare { Pages.hidden("compare", compare) }
                el("button", ["type": "submit"], text: "Show")
            }
        }
        let legend = el("div", ["class": "legend"]) {
            el("span", ["class": "l-order"], text: "operation (colour = order)")
            el("span", ["class": "l-setup"], text: "setup (hatched start of a bar)")
            el("span", ["class": "l-late"], text: "red outline = order late")
            el("span", ["class": "l-down"], text: "machine down")
            el("span", ["class": "l-planned"], text: "planned downtime")
        }

        let summary: Node =
            if let schedule {
                el("p", ["class": "muted", "id": "schedule-id"]) {
                    "Published schedule "
                    el("strong", text: schedule.id.rawValue)
                    " · \(schedule.steps.count) operations · \(schedule.lateOrders.count) late orders · setup \(Format.minutes(Double(schedule.totalSetupMinutes)))"
                }
            } else {
                el(
                    "p",
                    ["class": "empty", "id": "schedule-id"],
                    text: "No schedule is published yet. A planner runs one and publishes it on this page (or with POST /api/v1/schedule/runs); "
                        + "planned downtime and machine states are shown below."
                )
            }
        let body: Node
        if let proposed, let alt = proposed.1.schedule {
            let (exception, action) = proposed
            let before = Dictionary((schedule?.steps ?? []).map { (Gantt.key($0), $0) }, uniquingKeysWith: { a, _ in a })
            let changed = Set(
                alt.steps.filter { s in before[Gantt.key(s)].map { $0.start != s.start || $0.workCenter != s.workCenter } ?? true }.map(Gantt.key)
            )
            body = fragment {
                toolbar
                summary
                el("p") {
                    "Comparing with "
                    Pages.link("\(exception.id.rawValue) / \(action.id): \(action.title)", "/exceptions/\(urlEncode(exception.id.rawValue))")
                    " — \(changed.count) operations move. \(action.effect)"
                }
                el("div", ["class": "compare"]) {
                    el("section") {
                        el("h2", text: "Published (\(schedule?.id.rawValue ?? "none"))")
                        Gantt(
                            state: state,
                            schedule: schedule,
                            workCenters: shown,
                            from: from,
                            to: to,
                            now: now,
                            zone: zone,
                            title: "Published schedule"
                        ).render()
                    }
                    el("section") {
                        el("h2", text: "With \(action.id) (\(alt.id.rawValue))")
                        Gantt(
                            state: state,
                            schedule: alt,
                            workCenters: shown,
                            from: from,
                            to: to,
                            now: now,
                            zone: zone,
                            changed: changed,
                            title: "Schedule with action \(action.id)"
                        ).render()
                    }
                }
                legend
            }
        } else {
            body = fragment {
                if let compareError { Pages.flash(Flash(kind: .error, title: "Cannot compare", lines: [compareError])) }
                toolbar
                summary
                run
                Gantt(
                    state: state,
                    schedule: schedule,
                    workCenters: shown,
                    from: from,
                    to: to,
                    now: now,
                    zone: zone,
                    title: schedule.map { "Published schedule \($0.id.rawValue)" } ?? "No schedule"
                ).render()
                legend
            }
        }
        var content = PageContent(title: wcParam.map { "Schedule · \($0)" } ?? "Schedule", body: body)
        content.flash = flash
        return content
    }
}
