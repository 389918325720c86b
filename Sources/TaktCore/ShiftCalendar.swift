public import Foundation

// Shifts as concrete time: the one place where a work center's recurring shifts (local wall-clock times
// in its site's time zone) become date intervals, and planned downtime is taken out of them. Planning
// (working windows of the scheduler) and OEE (planned busy time) both build on it.

/// One concrete occurrence of a shift: the shift's name and the instants it starts and ends.
public struct ShiftOccurrence: Codable, Sendable, Hashable {
    public var name: String
    public var start: Date
    public var end: Date
    public init(name: String, start: Date, end: Date) {
        self.name = name
        self.start = start
        self.end = end
    }
    /// `[start, end)`.
    public var interval: DateInterval { DateInterval(start: start, end: max(start, end)) }
    /// Length in minutes.
    public var minutes: Double { end.timeIntervalSince(start) / 60 }
}

/// Lays shifts out in real time.
///
/// Shift times are local wall-clock times: a 06:00–14:00 shift starts at 06:00 on the site's clock on
/// every day it runs, so on the day clocks change it still starts at 06:00 local and a night shift
/// 22:00–06:00 across the change lasts 7 or 9 hours. A local time that does not exist (skipped when
/// clocks go forward) resolves to the first instant after the gap; one that occurs twice (when clocks go
/// back) resolves to its first occurrence.
public enum ShiftCalendar {
    /// Every occurrence of `shifts` that overlaps `[from, to)`, whole (not clipped to the window), sorted by
    /// start, then name. A shift whose `end` is not after its `start` runs past midnight into the next day and
    /// belongs to the day it starts on (a Friday 22:00–06:00 shift ends on Saturday morning); `start == end`
    /// is a 24-hour shift. Malformed shifts (see ``Shift/minutes``) are skipped.
    public static func occurrences(_ shifts: [Shift], zone: TimeZone, from: Date, to: Date) -> [ShiftOccurrence] {
        guard from < to else { return [] }
        let valid = shifts.compactMap { s in s.minutes.map { (shift: s, start: $0.start, end: $0.end > $0.start ? $0.end : $0.end + 1440) } }
        guard !valid.isEmpty else { return [] }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        // A shift is at most 24 hours long and starts at most at 24:00 of its day, so shifts that can
        // overlap the window start on the local day before `from`, or later.
        guard var day = calendar.date(byAdding: .day, value: -1, to: calendar.startOfDay(for: from)) else { return [] }
        var result: [ShiftOccurrence] = []
        while day < to {
            // Calendar weekday: 1 = Sunday … 7 = Saturday; ours: 1 = Monday … 7 = Sunday.
            let weekday = (calendar.component(.weekday, from: day) + 5) % 7 + 1
            for v in valid where v.shift.days.contains(where: { $0.rawValue == weekday }) {
                guard let start = localTime(v.start, on: day, calendar), let end = localTime(v.end, on: day, calendar),
                    start < end, start < to, end > from
                else { continue }
                result.append(ShiftOccurrence(name: v.shift.name, start: start, end: end))
            }
            guard let next = calendar.date(byAdding: .day, value: 1, to: day), next > day else { break }
            day = next
        }
        return result.sorted { ($0.start, $0.name) < ($1.start, $1.name) }
    }

    /// The planned time of `workCenter` within `[from, to)`: its shift occurrences minus its planned downtime,
    /// clipped to the window, merged and sorted. A work center without shifts is planned the whole window
    /// (minus planned downtime).
    public static func plannedIntervals(for workCenter: WorkCenter, zone: TimeZone, from: Date, to: Date) -> [DateInterval] {
        guard from < to else { return [] }
        let shiftTime: [DateInterval]
        if workCenter.shifts.isEmpty {
            shiftTime = [DateInterval(start: from, end: to)]
        } else {
            shiftTime = merged(
                occurrences(workCenter.shifts, zone: zone, from: from, to: to).map {
                    DateInterval(start: max($0.start, from), end: min($0.end, to))
                }
            )
        }
        let downtime = workCenter.plannedDowntime
            .filter { $0.start < to && $0.end > from && $0.start < $0.end }
            .map { DateInterval(start: $0.start, end: $0.end) }
        return subtracting(merged(downtime), from: shiftTime)
    }

    // MARK: Interval arithmetic

    /// Non-empty intervals, sorted by start, overlapping or touching ones joined.
    static func merged(_ intervals: [DateInterval]) -> [DateInterval] {
        var out: [DateInterval] = []
        for i in intervals.filter({ $0.duration > 0 }).sorted(by: { $0.start < $1.start }) {
            if let last = out.last, i.start <= last.end {
                out[out.count - 1] = DateInterval(start: last.start, end: max(last.end, i.end))
            } else {
                out.append(i)
            }
        }
        return out
    }

    /// `base` minus `holes`; both sorted, merged.
    static func subtracting(_ holes: [DateInterval], from base: [DateInterval]) -> [DateInterval] {
        guard !holes.isEmpty else { return base }
        var out: [DateInterval] = []
        var h = 0
        for b in base {
            var cursor = b.start
            while h < holes.count, holes[h].end <= cursor { h += 1 }
            var k = h
            while k < holes.count, holes[k].start < b.end {
                if holes[k].start > cursor { out.append(DateInterval(start: cursor, end: holes[k].start)) }
                cursor = max(cursor, holes[k].end)
                k += 1
            }
            if cursor < b.end { out.append(DateInterval(start: cursor, end: b.end)) }
        }
        return out
    }

    /// The instant `minutes` after local midnight of `day` (minutes may reach into the next day), read as wall-clock time.
    static func localTime(_ minutes: Int, on day: Date, _ calendar: Calendar) -> Date? {
        let date = minutes >= 1440 ? calendar.date(byAdding: .day, value: minutes / 1440, to: day) : day
        guard let date else { return nil }
        var c = calendar.dateComponents([.year, .month, .day], from: date)
        c.hour = (minutes % 1440) / 60
        c.minute = minutes % 60
        c.second = 0
        return calendar.date(from: c)
    }
}

extension PlantState {
    /// The plant's time zone, for dates shown to people: its first site's (by ID), else UTC.
    public var plantTimeZone: TimeZone {
        sites.values.min { $0.id < $1.id }.flatMap { TimeZone(identifier: $0.timeZone) } ?? TimeZone(secondsFromGMT: 0) ?? .gmt
    }

    /// The time zone of a work center's site (UTC when the site or its zone is unknown); its shifts are in this zone.
    public func timeZone(of workCenter: WorkCenter) -> TimeZone {
        sites[workCenter.site].flatMap { TimeZone(identifier: $0.timeZone) } ?? TimeZone(secondsFromGMT: 0) ?? .gmt
    }
}
