public import Foundation

/// The figures the control tower draws as charts, each with one definition (docs/kpis.md "Trends and charts"): the
/// plant's OEE by day, on-time delivery by week, scrap by reason (a Pareto) and the load of each work center ahead.
public struct PlantTrends: Codable, Sendable, Hashable {
    /// The plant's OEE on one plant day: the work centers' OEE weighted by their planned busy time that day.
    public struct DayOEE: Codable, Sendable, Hashable {
        /// The plant day, `yyyy-MM-dd` in the plant's time zone.
        public var day: String
        public var from: Date
        public var to: Date
        /// Σ (OEE × planned busy time) / Σ planned busy time over the work centers with an OEE that day; nil when none has.
        public var oee: Double?
        /// Σ planned busy time of those work centers, minutes.
        public var plannedBusyMinutes: Double
    }

    /// Customer lines delivered in one plant week (Monday to Sunday), and how many of them on time.
    public struct WeekDelivery: Codable, Sendable, Hashable {
        /// The Monday the week starts on, `yyyy-MM-dd`.
        public var week: String
        public var from: Date
        public var to: Date
        /// Lines whose last shipment (the one that completed the line) was in the week.
        public var delivered: Int
        /// Of those, lines whose completing shipment was at or before the promised (else requested) date.
        public var onTime: Int
        /// onTime / delivered; nil when nothing was delivered.
        public var ratio: Double?
    }

    /// Scrap booked for one reason in the window.
    public struct ScrapReason: Codable, Sendable, Hashable {
        /// The reason as booked; "no reason given" when none was.
        public var reason: String
        /// Σ scrapped units (in each item's own unit).
        public var quantity: Double
        /// Production reports with scrap for this reason.
        public var reports: Int
        /// This reason's and every larger reason's share of all scrap in the window (0–1): the Pareto line.
        public var cumulativeShare: Double
    }

    /// One work center's planned work against its planned busy time in the window ahead.
    public struct Load: Codable, Sendable, Hashable {
        public var workCenter: WorkCenter.ID
        /// Minutes of the published schedule's operations on it that fall inside its planned busy time in the window.
        public var scheduledMinutes: Double
        /// Planned busy time in the window (shifts minus planned downtime), minutes.
        public var availableMinutes: Double
        /// scheduled / available; nil without planned busy time.
        public var ratio: Double?
    }

    public var at: Date
    public var oee: [DayOEE]
    public var delivery: [WeekDelivery]
    public var scrapFrom: Date
    public var scrapTo: Date
    public var scrap: [ScrapReason]
    public var loadFrom: Date
    public var loadTo: Date
    /// Nil without a published schedule.
    public var load: [Load]?
}

extension PlantState {
    /// The trends at `now`: OEE of the last `days` plant days (today so far included), delivery of the last `weeks` plant
    /// weeks (this one so far included), scrap of the last `scrapDays` days, and load from now over `loadDays` days.
    public func trends(now: Date, days: Int = 14, weeks: Int = 8, scrapDays: Int = 30, loadDays: Int = 7) -> PlantTrends {
        let zone = plantTimeZone
        let calendar = PlantDay.calendar(zone)
        let today = calendar.startOfDay(for: now)
        let dayFormat = Date.ISO8601FormatStyle(timeZone: zone).year().month().day()

        var oeeDays: [PlantTrends.DayOEE] = []
        let centers = workCenters.values.sorted { $0.id < $1.id }
        for back in stride(from: max(1, days) - 1, through: 0, by: -1) {
            guard let from = calendar.date(byAdding: .day, value: -back, to: today),
                let end = calendar.date(byAdding: .day, value: 1, to: from)
            else { continue }
            let to = min(end, now)
            guard from < to else { continue }
            var weighted = 0.0
            var busy = 0.0
            for wc in centers {
                guard let report = oee(workCenter: wc.id, from: from, to: to, now: now), let value = report.oee, report.plannedBusyTime > 0 else {
                    continue
                }
                weighted += value * report.plannedBusyTime
                busy += report.plannedBusyTime
            }
            oeeDays.append(
                PlantTrends.DayOEE(
                    day: from.formatted(dayFormat),
                    from: from,
                    to: to,
                    oee: busy > 0 ? weighted / busy : nil,
                    plannedBusyMinutes: busy
                )
            )
        }

        // Delivery: the shipment that completes each line, by plant week.
        var weekStarts: [Date] = []
        var monday = calendar.startOfDay(for: now)
        while calendar.component(.weekday, from: monday) != 2 {
            guard let previous = calendar.date(byAdding: .day, value: -1, to: monday) else { break }
            monday = previous
        }
        for back in stride(from: max(1, weeks) - 1, through: 0, by: -1) {
            if let start = calendar.date(byAdding: .day, value: -7 * back, to: monday) { weekStarts.append(start) }
        }
        var completions: [(at: Date, onTime: Bool)] = []
        for (id, shipmentIDs) in shipmentsBySalesOrder {
            guard let order = salesOrders[id] else { continue }
            let sorted = shipmentIDs.compactMap { shipments[$0] }.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
            for line in order.lines {
                var shipped = 0.0
                for s in sorted where s.line == line.line {
                    shipped += s.quantity
                    if shipped + 1e-9 >= line.quantity {
                        completions.append((s.at, s.at <= line.dueDate))
                        break
                    }
                }
            }
        }
        let delivery = weekStarts.compactMap { start -> PlantTrends.WeekDelivery? in
            guard let end = calendar.date(byAdding: .day, value: 7, to: start) else { return nil }
            let inWeek = completions.filter { $0.at >= start && $0.at < end }
            let onTime = inWeek.filter(\.onTime).count
            return PlantTrends.WeekDelivery(
                week: start.formatted(dayFormat),
                from: start,
                to: end,
                delivered: inWeek.count,
                onTime: onTime,
                ratio: inWeek.isEmpty ? nil : Double(onTime) / Double(inWeek.count)
            )
        }

        // Scrap by reason, largest first.
        let scrapFrom = now.addingTimeInterval(-Double(scrapDays) * 86_400)
        var byReason: [String: (quantity: Double, reports: Int)] = [:]
        for reports in productionReports.values {
            for r in reports where r.scrap > 0 && r.at >= scrapFrom && r.at <= now {
                let reason = r.scrapReason?.trimmingCharacters(in: .whitespaces).nonEmpty ?? "no reason given"
                byReason[reason, default: (0, 0)].quantity += r.scrap
                byReason[reason, default: (0, 0)].reports += 1
            }
        }
        let total = byReason.values.reduce(0) { $0 + $1.quantity }
        var running = 0.0
        let scrap = byReason.sorted { ($1.value.quantity, $0.key) < ($0.value.quantity, $1.key) }.map { reason, v -> PlantTrends.ScrapReason in
            running += v.quantity
            return PlantTrends.ScrapReason(reason: reason, quantity: v.quantity, reports: v.reports, cumulativeShare: total > 0 ? running / total : 0)
        }

        // Load ahead: published work inside planned busy time.
        let loadTo = now.addingTimeInterval(Double(loadDays) * 86_400)
        let load = publishedSchedule.map { schedule -> [PlantTrends.Load] in
            let steps = Dictionary(grouping: schedule.steps, by: \.workCenter)
            return centers.map { wc in
                let planned = ShiftCalendar.plannedIntervals(for: wc, zone: timeZone(of: wc), from: now, to: loadTo)
                let available = planned.reduce(0) { $0 + $1.duration } / 60
                var scheduled = 0.0
                for step in steps[wc.id] ?? [] where step.end > now && step.start < loadTo {
                    for interval in planned {
                        let start = max(interval.start, step.start)
                        let end = min(interval.end, step.end)
                        if start < end { scheduled += end.timeIntervalSince(start) / 60 }
                    }
                }
                return PlantTrends.Load(
                    workCenter: wc.id,
                    scheduledMinutes: scheduled.rounded(),
                    availableMinutes: available.rounded(),
                    ratio: available > 0 ? scheduled / available : nil
                )
            }
        }
        return PlantTrends(
            at: now,
            oee: oeeDays,
            delivery: delivery,
            scrapFrom: scrapFrom,
            scrapTo: now,
            scrap: scrap,
            loadFrom: now,
            loadTo: loadTo,
            load: load
        )
    }
}

extension String {
    /// Nil when empty.
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
