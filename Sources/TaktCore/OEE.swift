public import Foundation

// Overall equipment effectiveness per ISO 22400-2, computed from the execution record: the machine-state
// history of a work center gives its times, the production reports booked there its quantities, and its
// shifts (minus planned downtime) its planned busy time.

/// OEE of one work center over a window `[from, to)`, with the ISO 22400-2 times and quantities it rests on
/// and where the losses went. Times are in minutes, quantities in the units reported.
///
/// - Times come from the machine-state history. The state in force at `from` is the last change at or before
///   `from`; time without any recorded state counts as idle. Only time inside the planned intervals counts.
/// - Quantities come from production reports. A report is attributed to the moment it is booked: it counts
///   when its `at` lies in `[from, to)`, whatever span of work it stands for and whether or not that moment
///   lies in planned time.
/// - A stretch in `slow` counts as production time only while an operation runs on the work center (its work
///   segments): `slow` is a condition a person reports ("it makes 30 an hour instead of 50 until tomorrow") and stands
///   until someone reports another state, through the gaps between operations; without work, the slow machine is
///   available but not producing, so that time counts as idle (ADOT). `running` counts as reported.
/// - A ratio is nil when its denominator is 0 (no planned time, no production time, nothing produced) —
///   never NaN or infinity.
/// - Every ratio lies in [0, 1], as ISO 22400 defines them. Availability and quality cannot leave it; performance
///   can only when the record is wrong: more was booked than the ideal rate allows in the recorded production time
///   (quantities booked for work the machine states do not show, outside planned time — see
///   ``unplannedProductionTime`` — or an ideal time set too high). Then performance and OEE are nil, not a figure
///   above 100 %, and ``dataIssues`` says what is wrong in words; the times and quantities are kept as recorded.
public struct OEEReport: Codable, Sendable, Hashable {
    public var workCenter: WorkCenter.ID
    public var from: Date
    public var to: Date
    /// The shift occurrence this report covers; nil for a plain window.
    public var shift: String?

    // MARK: Times (ISO 22400-2), minutes

    /// PBT, planned busy time: the window's planned intervals (shifts minus planned downtime; the whole window
    /// minus planned downtime when the work center has no shifts).
    public var plannedBusyTime: Double
    /// APT, actual production time: time in `running`, or in `slow` while an operation runs there, within planned busy time.
    public var actualProductionTime: Double
    /// AUST, actual unit setup time: time in `setup` within planned busy time.
    public var setupTime: Double
    /// ADET, actual unit delay time: time `down` within planned busy time.
    public var downTime: Double
    /// ADOT, actual unit down time in ISO's sense of "available but not producing": time `idle`, with no
    /// recorded state, or `slow` with no operation running, within planned busy time.
    public var idleTime: Double
    /// Production time (as APT counts it) inside the window but outside planned busy time (overtime, production
    /// through a break or planned downtime). Not part of any KPI; shown so a data issue can be explained.
    public var unplannedProductionTime: Double

    // MARK: Quantities

    /// PQ, produced quantity: good + scrap + rework.
    public var producedQuantity: Double
    /// GQ, good quantity.
    public var goodQuantity: Double
    public var scrapQuantity: Double
    public var reworkQuantity: Double
    /// PRI × PQ: Σ ideal minutes per unit × units produced, over the reports in the window.
    public var idealProductionTime: Double
    /// Sum of machine piece counts signalled in the window, for comparison with the booked quantities; nil when
    /// the machine signalled none. Not used in any KPI.
    public var machineCount: Double?

    // MARK: KPIs

    /// APT / PBT.
    public var availability: Double?
    /// ISO "effectiveness": PRI × PQ / APT; nil when it would exceed 1 (see ``dataIssues``).
    public var performance: Double?
    /// ISO "quality ratio": GQ / PQ.
    public var quality: Double?
    /// availability × performance × quality; nil when any of them is.
    public var oee: Double?

    /// What is wrong with the record behind the figures, in words; empty when nothing is. A report with an issue
    /// shows no performance and no OEE rather than a figure that cannot be true.
    public var dataIssues: [DataIssue]

    /// Where the planned busy time and the quantities went.
    public var losses: Losses

    /// A flaw in the recorded data that makes a KPI meaningless.
    public struct DataIssue: Codable, Sendable, Hashable {
        /// `performance-above-ideal`: more was booked than the ideal rate allows in the recorded production time;
        /// `quantity-without-production-time`: quantities were booked but no production time was recorded.
        public var rule: String
        public var message: String
        public init(rule: String, message: String) {
            self.rule = rule
            self.message = message
        }
    }

    /// The loss breakdown: availability losses (down by reason, setup, idle), performance losses (speed) and
    /// quality losses (scrap by reason, rework).
    public struct Losses: Codable, Sendable, Hashable {
        /// Down time by reason, longest first.
        public var down: [DownLoss]
        /// Same as ``OEEReport/setupTime``.
        public var setupMinutes: Double
        /// Same as ``OEEReport/idleTime``; includes ``noStateMinutes``.
        public var idleMinutes: Double
        /// The part of the idle minutes with no recorded machine state at all (before the first state change).
        public var noStateMinutes: Double
        /// APT − PRI × PQ, not below 0: production time not covered by the ideal time of what was produced.
        public var speedLossMinutes: Double
        /// Minutes in state `slow` within planned busy time (part of APT), alongside the speed loss.
        public var slowMinutes: Double
        /// Scrap by reason, most ideal minutes first.
        public var scrap: [ScrapLoss]
        public var reworkQuantity: Double
        /// Ideal minutes spent on the units sent to rework.
        public var reworkIdealMinutes: Double

        public init(
            down: [DownLoss] = [],
            setupMinutes: Double = 0,
            idleMinutes: Double = 0,
            noStateMinutes: Double = 0,
            speedLossMinutes: Double = 0,
            slowMinutes: Double = 0,
            scrap: [ScrapLoss] = [],
            reworkQuantity: Double = 0,
            reworkIdealMinutes: Double = 0
        ) {
            self.down = down
            self.setupMinutes = setupMinutes
            self.idleMinutes = idleMinutes
            self.noStateMinutes = noStateMinutes
            self.speedLossMinutes = speedLossMinutes
            self.slowMinutes = slowMinutes
            self.scrap = scrap
            self.reworkQuantity = reworkQuantity
            self.reworkIdealMinutes = reworkIdealMinutes
        }
    }

    /// Down time of one reason.
    public struct DownLoss: Codable, Sendable, Hashable {
        /// The reason given when the machine went down; nil when none was recorded.
        public var reason: String?
        public var minutes: Double
        /// How many times the machine went down for this reason (stops contributing planned time to the window).
        public var stops: Int
        public init(reason: String?, minutes: Double, stops: Int) {
            self.reason = reason
            self.minutes = minutes
            self.stops = stops
        }
    }

    /// Scrap of one reason.
    public struct ScrapLoss: Codable, Sendable, Hashable {
        /// The scrap reason reported; nil when none was given.
        public var reason: String?
        public var quantity: Double
        /// Ideal minutes spent on the scrapped units (ideal minutes per unit × quantity).
        public var idealMinutes: Double
        public init(reason: String?, quantity: Double, idealMinutes: Double) {
            self.reason = reason
            self.quantity = quantity
            self.idealMinutes = idealMinutes
        }
    }

    public init(
        workCenter: WorkCenter.ID,
        from: Date,
        to: Date,
        shift: String? = nil,
        plannedBusyTime: Double = 0,
        actualProductionTime: Double = 0,
        setupTime: Double = 0,
        downTime: Double = 0,
        idleTime: Double = 0,
        unplannedProductionTime: Double = 0,
        producedQuantity: Double = 0,
        goodQuantity: Double = 0,
        scrapQuantity: Double = 0,
        reworkQuantity: Double = 0,
        idealProductionTime: Double = 0,
        machineCount: Double? = nil,
        availability: Double? = nil,
        performance: Double? = nil,
        quality: Double? = nil,
        oee: Double? = nil,
        dataIssues: [DataIssue] = [],
        losses: Losses = Losses()
    ) {
        self.workCenter = workCenter
        self.from = from
        self.to = to
        self.shift = shift
        self.plannedBusyTime = plannedBusyTime
        self.actualProductionTime = actualProductionTime
        self.setupTime = setupTime
        self.downTime = downTime
        self.idleTime = idleTime
        self.unplannedProductionTime = unplannedProductionTime
        self.producedQuantity = producedQuantity
        self.goodQuantity = goodQuantity
        self.scrapQuantity = scrapQuantity
        self.reworkQuantity = reworkQuantity
        self.idealProductionTime = idealProductionTime
        self.machineCount = machineCount
        self.availability = availability
        self.performance = performance
        self.quality = quality
        self.oee = oee
        self.dataIssues = dataIssues
        self.losses = losses
    }
}

// Encoding writes absent ratios, shift, machine count and reasons as explicit nulls, so a dashboard sees every
// field; decoding is synthesized.
extension OEEReport {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(workCenter, forKey: .workCenter)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
        try c.encode(shift, forKey: .shift)
        try c.encode(plannedBusyTime, forKey: .plannedBusyTime)
        try c.encode(actualProductionTime, forKey: .actualProductionTime)
        try c.encode(setupTime, forKey: .setupTime)
        try c.encode(downTime, forKey: .downTime)
        try c.encode(idleTime, forKey: .idleTime)
        try c.encode(unplannedProductionTime, forKey: .unplannedProductionTime)
        try c.encode(producedQuantity, forKey: .producedQuantity)
        try c.encode(goodQuantity, forKey: .goodQuantity)
        try c.encode(scrapQuantity, forKey: .scrapQuantity)
        try c.encode(reworkQuantity, forKey: .reworkQuantity)
        try c.encode(idealProductionTime, forKey: .idealProductionTime)
        try c.encode(machineCount, forKey: .machineCount)
        try c.encode(availability, forKey: .availability)
        try c.encode(performance, forKey: .performance)
        try c.encode(quality, forKey: .quality)
        try c.encode(oee, forKey: .oee)
        try c.encode(dataIssues, forKey: .dataIssues)
        try c.encode(losses, forKey: .losses)
    }
}

extension OEEReport.DownLoss {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reason, forKey: .reason)
        try c.encode(minutes, forKey: .minutes)
        try c.encode(stops, forKey: .stops)
    }
}

extension OEEReport.ScrapLoss {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reason, forKey: .reason)
        try c.encode(quantity, forKey: .quantity)
        try c.encode(idealMinutes, forKey: .idealMinutes)
    }
}

extension PlantState {
    /// OEE of a work center over `[from, to)` (see ``OEEReport``). An empty or reversed window gives a report
    /// with zero times and nil ratios. A window reaching past `now` ends at `now`: time that has not passed has no
    /// state, production or planned time to count (the last state is never carried into the future).
    /// - Returns: nil when the work center does not exist.
    public func oee(workCenter: WorkCenter.ID, from: Date, to: Date, now: Date = .distantFuture) -> OEEReport? {
        guard let wc = workCenters[workCenter] else { return nil }
        let to = max(from, min(to, now))
        let planned = ShiftCalendar.plannedIntervals(for: wc, zone: timeZone(of: wc), from: from, to: to)
        return oeeReport(wc, from: from, to: to, shift: nil, planned: planned)
    }

    /// One report per shift occurrence overlapping `[from, to)`, each clipped to the window, in time order.
    /// Empty when the work center does not exist or has no shifts. Planned downtime inside a shift is taken out
    /// of that shift's planned busy time; a report booked exactly at a shift change counts for the later shift.
    /// Shifts after `now` are left out and the one under way ends at `now`, as for ``oee(workCenter:from:to:now:)``.
    public func oeeByShift(workCenter: WorkCenter.ID, from: Date, to: Date, now: Date = .distantFuture) -> [OEEReport] {
        let to = min(to, now)
        guard let wc = workCenters[workCenter], from < to else { return [] }
        let zone = timeZone(of: wc)
        return ShiftCalendar.occurrences(wc.shifts, zone: zone, from: from, to: to).map { occurrence in
            let start = max(from, occurrence.start)
            let end = min(to, occurrence.end)
            // This shift's own time minus planned downtime — not the union with other shifts that overlap it.
            let downtime = ShiftCalendar.merged(
                wc.plannedDowntime.filter { $0.start < end && $0.end > start && $0.start < $0.end }
                    .map { DateInterval(start: $0.start, end: $0.end) }
            )
            let planned = ShiftCalendar.subtracting(downtime, from: [DateInterval(start: start, end: end)])
            return oeeReport(wc, from: start, to: end, shift: occurrence.name, planned: planned)
        }
    }

    /// The report for `[from, to)` with planned intervals `planned` (sorted, merged, inside the window).
    func oeeReport(_ wc: WorkCenter, from: Date, to: Date, shift: String?, planned: [DateInterval]) -> OEEReport {
        var report = OEEReport(workCenter: wc.id, from: from, to: to, shift: shift)
        report.plannedBusyTime = planned.reduce(0) { $0 + $1.duration } / 60

        // Times: walk the state changes in force during the window, each stretch cut to the planned intervals.
        let history = machineStates[wc.id] ?? []
        // When work ran there (and of it, inside planned time): read from the operations only if the window has a slow stretch.
        var workTimes: (all: [DateInterval], planned: [DateInterval])?
        func work() -> (all: [DateInterval], planned: [DateInterval]) {
            if let w = workTimes { return w }
            let all = workIntervals(on: wc.id, until: to)
            let times = (all: all, planned: Self.intersection(planned, all))
            workTimes = times
            return times
        }
        var down: [String?: (minutes: Double, stops: Int)] = [:]
        var p = 0  // first planned interval that may overlap the current stretch
        func account(_ start: Date, _ end: Date, _ change: MachineStateChange?) {
            guard start < end else { return }
            while p < planned.count, planned[p].end <= start { p += 1 }
            var inside: TimeInterval = 0
            var q = p
            while q < planned.count, planned[q].start < end {
                inside += max(0, min(end, planned[q].end).timeIntervalSince(max(start, planned[q].start)))
                q += 1
            }
            let minutes = inside / 60
            switch change?.state {
            case .running?: report.actualProductionTime += minutes
            case .slow?:
                // Slow while an operation runs is production at a reduced rate; slow without work is idle.
                let working = Self.seconds(of: work().planned, from: start, to: end) / 60
                report.actualProductionTime += working
                report.losses.slowMinutes += working
                report.idleTime += minutes - working
            case .setup?: report.setupTime += minutes
            case .down?:
                report.downTime += minutes
                if minutes > 0 {
                    let key = change?.reason
                    down[key, default: (0, 0)].minutes += minutes
                    down[key, default: (0, 0)].stops += 1
                }
            case .idle?: report.idleTime += minutes
            case nil:
                report.idleTime += minutes
                report.losses.noStateMinutes += minutes
            }
            if change?.state == .running {
                report.unplannedProductionTime += (end.timeIntervalSince(start) - inside) / 60
            } else if change?.state == .slow {
                report.unplannedProductionTime +=
                    (Self.seconds(of: work().all, from: start, to: end) - Self.seconds(of: work().planned, from: start, to: end)) / 60
            }
        }
        var i = history.partitioningIndex { $0.at > from }  // first change after `from`
        var current: MachineStateChange? = i > 0 ? history[i - 1] : nil
        var t = from
        while i < history.count, history[i].at < to {
            account(t, history[i].at, current)
            t = max(t, history[i].at)
            current = history[i]
            i += 1
        }
        account(t, to, current)

        // Quantities: the reports booked in the window.
        let reports = productionReports[wc.id] ?? []
        var scrap: [String?: (quantity: Double, minutes: Double)] = [:]
        for r in reports[reports.partitioningIndex { $0.at >= from }..<reports.partitioningIndex { $0.at >= to }] {
            report.goodQuantity += r.good
            report.scrapQuantity += r.scrap
            report.reworkQuantity += r.rework
            report.idealProductionTime += r.idealMinutesPerUnit * (r.good + r.scrap + r.rework)
            report.losses.reworkIdealMinutes += r.idealMinutesPerUnit * r.rework
            if r.scrap != 0 {
                scrap[r.scrapReason, default: (0, 0)].quantity += r.scrap
                scrap[r.scrapReason, default: (0, 0)].minutes += r.idealMinutesPerUnit * r.scrap
            }
        }
        report.producedQuantity = report.goodQuantity + report.scrapQuantity + report.reworkQuantity
        let counts = machineCounts[wc.id] ?? []
        let counted = counts[counts.partitioningIndex { $0.at >= from }..<counts.partitioningIndex { $0.at >= to }]
        report.machineCount = counted.isEmpty ? nil : counted.reduce(0) { $0 + $1.count }

        // KPIs, bounded to [0, 1]: a performance above 1 is a flaw in the record, not a figure.
        report.availability = ratio(report.actualProductionTime, report.plannedBusyTime)
        report.performance = ratio(report.idealProductionTime, report.actualProductionTime)
        report.quality = ratio(report.goodQuantity, report.producedQuantity)
        report.dataIssues = dataIssues(of: report, workCenter: wc.id)
        if report.dataIssues.contains(where: { $0.rule == OEEReport.performanceAboveIdeal }) { report.performance = nil }
        if let a = report.availability, let p = report.performance, let q = report.quality { report.oee = a * p * q }

        // Losses.
        report.losses.setupMinutes = report.setupTime
        report.losses.idleMinutes = report.idleTime
        report.losses.speedLossMinutes = max(0, report.actualProductionTime - report.idealProductionTime)
        report.losses.reworkQuantity = report.reworkQuantity
        report.losses.down = down.map { OEEReport.DownLoss(reason: $0.key, minutes: $0.value.minutes, stops: $0.value.stops) }
            .sorted { ($0.minutes, $1.reason ?? "\u{10FFFF}") > ($1.minutes, $0.reason ?? "\u{10FFFF}") }
        report.losses.scrap = scrap.map { OEEReport.ScrapLoss(reason: $0.key, quantity: $0.value.quantity, idealMinutes: $0.value.minutes) }
            .sorted { ($0.idealMinutes, $0.quantity, $1.reason ?? "\u{10FFFF}") > ($1.idealMinutes, $1.quantity, $0.reason ?? "\u{10FFFF}") }
        return report
    }
}

extension OEEReport {
    static let performanceAboveIdeal = "performance-above-ideal"
    static let quantityWithoutProductionTime = "quantity-without-production-time"
    /// Performance may exceed 1 by this much before it is a data issue (rounding of booked times).
    static let performanceTolerance = 1e-6
}

extension PlantState {
    /// The flaws in `report`'s record that make a KPI meaningless, in words.
    func dataIssues(of report: OEEReport, workCenter: WorkCenter.ID) -> [OEEReport.DataIssue] {
        var issues: [OEEReport.DataIssue] = []
        let outside =
            report.unplannedProductionTime > 0.5
            ? "; \(minutes(report.unplannedProductionTime)) of production were recorded outside planned time, which no KPI counts" : ""
        if report.producedQuantity > 0 && report.actualProductionTime <= 0 {
            issues.append(
                .init(
                    rule: OEEReport.quantityWithoutProductionTime,
                    message:
                        "\(quantity(report.producedQuantity)) units (\(minutes(report.idealProductionTime)) of ideal time) were booked at \(workCenter), but no production time was recorded in its planned time\(outside); the machine states do not show when it produced, so performance and OEE cannot be computed"
                )
            )
        } else if let p = report.performance, p > 1 + OEEReport.performanceTolerance {
            issues.append(
                .init(
                    rule: OEEReport.performanceAboveIdeal,
                    message:
                        "the units booked at \(workCenter) need \(minutes(report.idealProductionTime)) at the routing's ideal rate, but only \(minutes(report.actualProductionTime)) of production time were recorded in planned time (\(String(format: "%.1f", p)) times the ideal rate)\(outside); the machine states, the booked quantities or the routing's run time per unit are wrong, so performance and OEE are not shown"
                )
            )
        }
        return issues
    }

    private func minutes(_ m: Double) -> String {
        let total = Int(saturating: m.rounded())
        if total < 60 { return m < 10 && m != m.rounded() ? String(format: "%.1f min", m) : "\(total) min" }
        return total % 60 == 0 ? "\(total / 60) h" : "\(total / 60) h \(total % 60) min"
    }

    private func quantity(_ q: Double) -> String { Self.number((q * 1000).rounded() / 1000) }

    /// When operations ran on a work center before `until`: their work segments (an open one runs until `until`), merged.
    func workIntervals(on workCenter: WorkCenter.ID, until: Date) -> [DateInterval] {
        var intervals: [DateInterval] = []
        for ops in operations.values {
            for op in ops where op.startedAt != nil {
                for segment in op.segments where segment.workCenter == workCenter && segment.start < until {
                    intervals.append(DateInterval(start: segment.start, end: max(segment.start, min(segment.end ?? until, until))))
                }
            }
        }
        return ShiftCalendar.merged(intervals)
    }

    /// Both lists sorted and merged; their common time, sorted and merged.
    static func intersection(_ a: [DateInterval], _ b: [DateInterval]) -> [DateInterval] {
        var out: [DateInterval] = []
        var i = 0
        var j = 0
        while i < a.count, j < b.count {
            let start = max(a[i].start, b[j].start)
            let end = min(a[i].end, b[j].end)
            if start < end { out.append(DateInterval(start: start, end: end)) }
            if a[i].end < b[j].end { i += 1 } else { j += 1 }
        }
        return out
    }

    /// Seconds of the sorted, merged `list` inside `[from, to)`.
    static func seconds(of list: [DateInterval], from: Date, to: Date) -> TimeInterval {
        var k = list.partitioningIndex { $0.end > from }
        var total: TimeInterval = 0
        while k < list.count, list[k].start < to {
            total += max(0, min(to, list[k].end).timeIntervalSince(max(from, list[k].start)))
            k += 1
        }
        return total
    }
}

/// `numerator / denominator`, nil when the denominator is not above 0.
private func ratio(_ numerator: Double, _ denominator: Double) -> Double? {
    denominator > 0 ? numerator / denominator : nil
}

extension RandomAccessCollection {
    /// The index of the first element for which `isAfter` holds, in a collection where it holds for a suffix
    /// (binary search; `endIndex` when it holds for none).
    fileprivate func partitioningIndex(where isAfter: (Element) -> Bool) -> Index {
        var lo = startIndex
        var count = self.count
        while count > 0 {
            let half = count / 2
            let mid = index(lo, offsetBy: half)
            if isAfter(self[mid]) {
                count = half
            } else {
                lo = index(after: mid)
                count -= half + 1
            }
        }
        return lo
    }
}
