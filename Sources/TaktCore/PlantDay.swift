public import Foundation

/// Calendar days of the plant, in its time zone. One rule for every front end: a date given without a time
/// (`2026-12-04`) is a day of the plant's calendar. Where it says *by when* (a due, requested or promised date) it means
/// the end of that day — the last whole second, 23:59:59 in the plant's zone — so an order due today is on time all day;
/// anywhere else (a window's start or end, a clock start) it means the start of that day, 00:00 in the plant's zone.
public enum PlantDay {
    /// Field names (JSON keys and CSV columns) whose date-only value means "by the end of that day".
    public static let deadlineFields: Set<String> = [
        "dueDate", "requestedDate", "promisedDate", "due", "due_date", "requested_date", "promised_date",
    ]

    /// Whether `field` names a deadline (see ``deadlineFields``).
    public static func isDeadline(_ field: String?) -> Bool { field.map(deadlineFields.contains) ?? false }

    /// A Gregorian calendar in `zone`.
    public static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// 00:00 of the day `text` (`YYYY-MM-DD`, a day that exists) in `zone`; nil for anything else.
    public static func start(of text: String, in zone: TimeZone) -> Date? {
        guard text.utf8.count == 10, TaktJSON.isCalendarDate(text) else { return nil }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return calendar(zone).date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    /// 23:59:59 of the day `text` in `zone` (the second before the next day starts, whatever daylight saving does).
    public static func end(of text: String, in zone: TimeZone) -> Date? {
        guard let start = start(of: text, in: zone) else { return nil }
        return endOfDay(containing: start, in: zone)
    }

    /// The last whole second of the plant day that contains `date`.
    public static func endOfDay(containing date: Date, in zone: TimeZone) -> Date {
        let calendar = calendar(zone)
        let start = calendar.startOfDay(for: date)
        let next = calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86_400)
        return next.addingTimeInterval(-1)
    }

    /// The day `text` read for `field`: its end for a deadline field, else its start.
    public static func date(_ text: String, field: String?, in zone: TimeZone) -> Date? {
        isDeadline(field) ? end(of: text, in: zone) : start(of: text, in: zone)
    }

    /// Whether `date` is the last second of a plant day: a date given without a time (shown as the day alone).
    /// (The wall clock there reads 23:59:59.)
    public static func isEndOfDay(_ date: Date, in zone: TimeZone) -> Bool {
        let t = date.timeIntervalSince1970
        guard t.rounded(.down) == t else { return false }
        let local = Int64(t) + Int64(zone.secondsFromGMT(for: date))
        return ((local % 86_400) + 86_400) % 86_400 == 86_399
    }

    /// Whether a JSON text holds a string that is a date alone (`"2026-12-04"`): only then does reading it need the
    /// plant's time zone.
    public static func mentionsDay(in json: some Sequence<UInt8>) -> Bool {
        let b = Array(json)
        func digit(_ i: Int) -> Bool { (0x30...0x39).contains(b[i]) }
        var i = 0
        // The 12 bytes `"DDDD-DD-DD"`: quote, 4 digits, dash, 2 digits, dash, 2 digits, quote.
        while i + 11 < b.count {
            if b[i] == 0x22, b[i + 5] == 0x2D, b[i + 8] == 0x2D, b[i + 11] == 0x22,
                digit(i + 1), digit(i + 2), digit(i + 3), digit(i + 4), digit(i + 6), digit(i + 7), digit(i + 9), digit(i + 10)
            {
                return true
            }
            i += 1
        }
        return false
    }
}
