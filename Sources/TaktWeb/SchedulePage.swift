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

    /// The start of the view containing `date`; a day starts at the plant's first shift start (06:00 when the earliest
    /// shift starts then), not at midnight, so the day's work is not split at its left edge.
    func floor(_ date: Date, in zone: TimeZone, dayStartMinute: Int) -> Date {
        guard self == .day, dayStartMinute > 0 else { return floor(date, in: zone) }
        let calendar = PlantDay.calendar(zone)
        let midnight = calendar.startOfDay(for: date)
        let start = calendar.date(byAdding: .minute, value: dayStartMinute, to: midnight) ?? midnight
        if start <= date { return start }
        let yesterday = calendar.date(byAdding: .day, value: -1, to: midnight) ?? midnight
        return calendar.date(byAdding: .minute, value: dayStartMinute, to: yesterday) ?? yesterday
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
    /// Where the changed operations were before (drawn as dashed outlines, when comparing).
    var ghosts: [ScheduledStep] = []
    /// Whether a planner may drag operations (the script then sends the drop to `/schedule/move`).
    var movable = false
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

    /// The chart, and the list that replaces it on a phone.
    func view() -> Node {
        fragment {
            render()
            list()
        }
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
                // For dragging: the time window, the geometry and the rows (the script turns a drop into a move request).
                "data-movable": movable ? "1" : nil, "data-from": String(Int(from.timeIntervalSince1970)),
                "data-to": String(Int(to.timeIntervalSince1970)), "data-label-width": f(Gantt.labelWidth),
                "data-chart-width": f(Gantt.chartWidth), "data-row-height": f(Gantt.rowHeight), "data-axis-height": f(Gantt.axisHeight),
                "data-rows": workCenters.map(\.rawValue).joined(separator: ","),
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
                    ) { el("title", text: "Planned downtime: \(d.reason), \(Format.range(d.start, d.end, zone))") }
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
                for period in slowPeriods(wc) where period.end > from && period.start < to {
                    el(
                        "rect",
                        [
                            "x": f(x(period.start)), "y": f(y + 2), "width": f(max(2, x(period.end) - x(period.start))),
                            "height": f(Gantt.rowHeight - 4), "class": "machine-slow",
                        ]
                    ) {
                        el("title", text: "Machine slow: \(period.reason), \(Format.range(period.start, period.end, zone))")
                    }
                }
                for g in ghosts where g.workCenter == wc && g.end > from && g.start < to {
                    el(
                        "rect",
                        [
                            "x": f(x(g.start)), "y": f(y + 6), "width": f(max(2, x(g.end) - x(g.start))), "height": f(Gantt.rowHeight - 12),
                            "rx": "3", "class": "ghost",
                        ]
                    ) { el("title", text: "\(g.productionOrder) op \(g.sequence) was here: \(Format.range(g.start, g.end, zone))") }
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
                            "href": Pages.productionOrderPath(s.productionOrder),
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
                                "\(s.productionOrder) op \(s.sequence) \(s.name) on \(s.workCenter): \(Format.range(s.start, s.end, zone))"
                                + (setup > 0 ? ", setup \(Format.minutes(setup / 60))" : "") + (isLate ? " — LATE" : "") + (moved ? " — moved" : "")
                        )
                    }
                }
                // Time outside the work center's shifts, drawn over the bars (they fade there): a bar across a weekend is not work.
                for gap in offShift(wc) {
                    el(
                        "rect",
                        [
                            "x": f(x(gap.start)), "y": f(y), "width": f(max(0.5, x(gap.end) - x(gap.start))), "height": f(Gantt.rowHeight),
                            "class": "off-shift",
                        ]
                    ) { el("title", text: "Outside shifts: \(Format.range(gap.start, gap.end, zone))") }
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

    /// The same operations as a list per work center, for screens too narrow for the chart (CSS shows one or the other).
    func list() -> Node {
        let late = Set(schedule?.lateOrders ?? [])
        var byWC: [WorkCenter.ID: [ScheduledStep]] = [:]
        for s in schedule?.steps ?? [] where s.end > from && s.start < to { byWC[s.workCenter, default: []].append(s) }
        return el("div", ["class": "gantt-list"]) {
            for wc in workCenters {
                let steps = (byWC[wc] ?? []).sorted { ($0.start, Gantt.key($0)) < ($1.start, Gantt.key($1)) }
                el("h3", text: wc.rawValue + (downPeriods(wc).contains { $0.end > now && $0.start <= now } ? " · down" : ""))
                if steps.isEmpty {
                    el("p", ["class": "empty"], text: "Nothing planned in this view.")
                } else {
                    el("ul") {
                        for s in steps {
                            el("li", ["class": changed.contains(Gantt.key(s)) ? "moved" : nil]) {
                                Pages.link("\(s.productionOrder.rawValue) op \(s.sequence)", Pages.productionOrderPath(s.productionOrder))
                                " \(s.name) · \(Format.range(s.start, s.end, zone))"
                                if late.contains(s.productionOrder) {
                                    " "
                                    Pages.badge("late", "bad")
                                }
                                if changed.contains(Gantt.key(s)) {
                                    " "
                                    Pages.badge("moved", "info")
                                }
                            }
                        }
                    }
                }
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
    func downPeriods(_ wc: WorkCenter.ID) -> [DownPeriod] { periods(wc, .down) }

    /// Periods the machine ran slow: until the next change, else until the reported end (or now); the reason says the rate.
    func slowPeriods(_ wc: WorkCenter.ID) -> [DownPeriod] { periods(wc, .slow) }

    private func periods(_ wc: WorkCenter.ID, _ kind: MachineState) -> [DownPeriod] {
        let changes = state.machineStates[wc] ?? []
        var result: [DownPeriod] = []
        for (i, c) in changes.enumerated() where c.state == kind {
            let end = i + 1 < changes.count ? changes[i + 1].at : max(c.expectedUntil ?? now, now, c.at)
            var reason = c.reason ?? "no reason given"
            if kind == .slow, let actual = c.actualRate, let ideal = c.idealRate {
                reason += " (\(Format.quantity(actual)) of \(Format.quantity(ideal)) per hour)"
            }
            result.append(DownPeriod(start: c.at, end: end, reason: reason))
        }
        return result
    }

    /// The parts of the view outside the work center's planned busy time (its shifts minus planned downtime): nights,
    /// weekends and holidays. Nothing when the work center has no shifts (it works around the clock).
    func offShift(_ wc: WorkCenter.ID) -> [DateInterval] {
        guard let center = state.workCenters[wc], !center.shifts.isEmpty else { return [] }
        let planned = ShiftCalendar.plannedIntervals(for: center, zone: state.timeZone(of: center), from: from, to: to)
        var gaps: [DateInterval] = []
        var cursor = from
        for interval in planned.sorted(by: { $0.start < $1.start }) {
            if interval.start > cursor { gaps.append(DateInterval(start: cursor, end: interval.start)) }
            cursor = max(cursor, interval.end)
        }
        if cursor < to { gaps.append(DateInterval(start: cursor, end: to)) }
        // Planned downtime is drawn hatched on its own: leave it out of the grey.
        let downtime = center.plannedDowntime
        return gaps.filter { gap in !downtime.contains { $0.start <= gap.start && $0.end >= gap.end } }
    }
}

private func f(_ v: Double) -> String { String(format: "%.1f", v) }

extension Gantt {
    /// An operation of one schedule and where it was in another.
    struct Move {
        var before: ScheduledStep?
        var after: ScheduledStep
    }

    /// The operations of `after` that start at another minute, or on another work center, than in `before` (the rule
    /// of the "moved operations" figure, docs/kpis.md), or are not in it; in the order they start.
    static func moves(from before: [ScheduledStep], to after: [ScheduledStep]) -> [Move] {
        let old = Dictionary(before.map { (key($0), $0) }, uniquingKeysWith: { a, _ in a })
        func minute(_ d: Date) -> Int { Int((d.timeIntervalSince1970 / 60).rounded(.down)) }
        return after.compactMap { s in
            guard let b = old[key(s)] else { return Move(before: nil, after: s) }
            return minute(b.start) != minute(s.start) || b.workCenter != s.workCenter ? Move(before: b, after: s) : nil
        }.sorted { ($0.after.start, key($0.after)) < ($1.after.start, key($1.after)) }
    }
}

extension Gantt {
    /// The moved operations as a table: where each was, where it goes, by how much it shifts.
    static func movesTable(_ moves: [Move], _ state: PlantState, empty: String) -> Node {
        let zone = state.plantTimeZone
        return Pages.table(
            ["Operation", "Before", "After", "Shift"],
            moves.map { m in
                [
                    el("span") {
                        Pages.orderLink(m.after.productionOrder)
                        " op \(m.after.sequence) \(m.after.name)"
                    },
                    .text(m.before.map { "\($0.workCenter.rawValue) · \(Format.range($0.start, $0.end, zone))" } ?? "not in the published schedule"),
                    .text("\(m.after.workCenter.rawValue) · \(Format.range(m.after.start, m.after.end, zone))"),
                    .text(m.before.map { Format.minutes(m.after.start.timeIntervalSince($0.start) / 60) } ?? "–"),
                ]
            },
            empty: empty,
            id: "moved-operations"
        )
    }
}

extension TaktWeb {
    /// The published schedule's late orders: due, planned finish and by how much, latest first.
    static func lateOrders(_ schedule: PublishedSchedule, _ state: PlantState) -> Node {
        let zone = state.plantTimeZone
        var finish: [ProductionOrder.ID: Date] = [:]
        for step in schedule.steps where step.end > (finish[step.productionOrder] ?? .distantPast) { finish[step.productionOrder] = step.end }
        let rows = schedule.lateOrders.compactMap { id -> (ProductionOrder, Date)? in
            guard let po = state.productionOrders[id], let end = finish[id] else { return nil }
            return (po, end)
        }.sorted { ($0.1.timeIntervalSince($0.0.dueDate), $0.0.id) > ($1.1.timeIntervalSince($1.0.dueDate), $1.0.id) }
        return el("section", ["id": "late"]) {
            el("h2", text: "Production orders \(schedule.id.rawValue) finishes late (\(rows.count))")
            el(
                "p",
                ["class": "muted"],
                text:
                    "As the plan stands: each order's last planned operation ends after its due date. The control tower's late orders are the delivery forecast's (customer lines and stock orders, judged from now)."
            )
            Pages.table(
                ["Order", "Item", "Due", "Planned finish", "Late by", "For"],
                rows.map { po, end in
                    [
                        Pages.orderLink(po.id), .text("\(Format.quantity(po.quantity)) × \(po.item.rawValue)"),
                        .text(Format.dateTime(po.dueDate, zone)), .text(Format.dateTime(end, zone)),
                        .text(Format.minutes(end.timeIntervalSince(po.dueDate) / 60)),
                        Pages.demand(po.pegging),
                    ]
                },
                empty: "No order in this schedule finishes after its due date.",
                id: "late-orders"
            )
        }
    }
}

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
        let dayStart = state.workCenters.values.flatMap(\.shifts).compactMap { $0.minutes?.start }.min() ?? 0
        let defaultStart = zoom.floor(now, in: zone, dayStartMinute: dayStart)
        let from = q["at"].flatMap { Format.parseMinute(String($0), zone) }.map { zoom.floor($0, in: zone, dayStartMinute: dayStart) } ?? defaultStart
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
            el("span", ["class": "l-off"], text: "outside shifts")
            el("span", ["class": "l-slow"], text: "machine slow")
            if compare != nil { el("span", ["class": "l-ghost"], text: "where a moved operation was") }
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
            let moves = Gantt.moves(from: schedule?.steps ?? [], to: alt.steps)
            let changed = Set(moves.map { Gantt.key($0.after) })
            let rows =
                wcParam != nil
                ? shown
                : (moves.isEmpty ? shown : allWCs.filter { wc in moves.contains { $0.after.workCenter == wc || $0.before?.workCenter == wc } })
            body = fragment {
                toolbar
                summary
                el("p") {
                    "Comparing with "
                    Pages.link("\(exception.id.rawValue) / \(action.id): \(action.title)", "/exceptions/\(urlEncode(exception.id.rawValue))")
                    " — \(Format.count(moves.count, "operation")) move against the published schedule. \(action.effect)"
                }
                if moves.count != action.predicted.movedOperations {
                    el(
                        "p",
                        ["class": "muted"],
                        text:
                            "The action's own figure is \(action.predicted.movedOperations) moved operations: it was measured against the plan as the plant stood when it was assessed (with every disruption the plant knew then, such as another machine down or slow), not against the published schedule drawn here."
                    )
                }
                el(
                    "p",
                    ["class": "muted"],
                    text:
                        "Moved operations are outlined in blue at their new place; a dashed outline shows where each was. Only the work centers they touch are shown."
                )
                Gantt(
                    state: state,
                    schedule: alt,
                    workCenters: rows,
                    from: from,
                    to: to,
                    now: now,
                    zone: zone,
                    changed: changed,
                    ghosts: moves.compactMap(\.before),
                    title:
                        "Schedule with action \(action.id) (\(alt.id.rawValue)), moved operations against \(schedule?.id.rawValue ?? "no schedule")"
                ).view()
                legend
                el("h2", text: "Moved operations")
                Gantt.movesTable(moves, state, empty: "No operation moves.")
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
                    movable: viewer.has(.planner),
                    title: schedule.map { "Published schedule \($0.id.rawValue)" } ?? "No schedule"
                ).view()
                if viewer.has(.planner) && schedule != nil {
                    el(
                        "p",
                        ["class": "muted"],
                        text:
                            "Drag an operation to another time or work center to see what the move would do before publishing it (or use Move on a production order's page)."
                    )
                }
                legend
                if let schedule { Self.lateOrders(schedule, state) }
            }
        }
        var content = PageContent(title: wcParam.map { "Schedule · \($0)" } ?? "Schedule", body: body)
        content.flash = flash
        return content
    }
}
