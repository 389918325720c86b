public import Foundation
public import TaktCore

/// How cells are written and read: numbers with a `.`, lists separated by `;`, dates in the plant's time zone.
/// Not `Sendable`: it keeps its date formatters (costly to make) for the one import or export that uses it.
public struct CSVValues {
    /// The plant's time zone: every date is written with its offset, and a date without one is read in it.
    public let timeZone: TimeZone
    private let writer = ISO8601DateFormatter()
    private let withOffset = ISO8601DateFormatter()
    private let withFraction = ISO8601DateFormatter()
    private let local = DateFormatter()
    private static let localPatterns = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd"]

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        writer.timeZone = timeZone
        writer.formatOptions = [.withInternetDateTime]
        withOffset.formatOptions = [.withInternetDateTime]
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = timeZone
        local.isLenient = false
    }

    /// The plant's time zone: that of its first site by ID (UTC when it has none).
    public static func plantTimeZone(_ sites: some Collection<Site>) -> TimeZone {
        let first = sites.sorted { $0.id < $1.id }.first
        return first.flatMap { TimeZone(identifier: $0.timeZone) } ?? TimeZone(secondsFromGMT: 0) ?? .gmt
    }

    // MARK: Writing

    /// `2026-11-24T07:00:00+01:00`: whole seconds, the plant's offset at that instant.
    public func format(_ date: Date) -> String { writer.string(from: date) }
    public func format(_ date: Date?) -> String { date.map(format) ?? "" }

    /// The shortest text that reads back as the same number: `2`, `0.4`, `1.25`.
    public static func format(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }
    public static func format(_ number: Double?) -> String { number.map(format) ?? "" }
    public static func format(_ number: Int?) -> String { number.map(String.init) ?? "" }
    public static func list(_ values: [String]) -> String { values.joined(separator: ";") }

    // MARK: Reading

    /// A date-time with an offset (`…Z`, `…+01:00`), a local date-time (`2026-11-24T07:00`, `…:00`, a space for the `T`) or
    /// a date (`2026-11-24`, midnight) in the plant's time zone; nil when it is none of these.
    public func date(_ text: String) -> Date? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.count >= 10, t.count <= 40 else { return nil }
        if let d = withOffset.date(from: t) { return d }
        if let d = withFraction.date(from: t) { return TaktJSON.wholeSeconds(d) }
        for pattern in Self.localPatterns {
            local.dateFormat = pattern
            if let d = local.date(from: t), local.string(from: d) == t { return d }
        }
        return nil
    }

    /// A finite decimal number written with a `.` (no thousands separators).
    public static func number(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E") }),
            let d = Double(t), d.isFinite
        else { return nil }
        return d
    }

    public static func integer(_ text: String) -> Int? { Int(text.trimmingCharacters(in: .whitespaces)) }

    public static func boolean(_ text: String) -> Bool? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "yes", "1": true
        case "false", "no", "0": false
        default: nil
        }
    }

    /// The values of a `;`-separated cell, trimmed, empty ones left out.
    public static func list(_ text: String) -> [String] {
        text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    // MARK: Weekdays

    static let weekdayNames: [Weekday: String] = [
        .monday: "mon", .tuesday: "tue", .wednesday: "wed", .thursday: "thu", .friday: "fri", .saturday: "sat", .sunday: "sun",
    ]
    /// `mon` or `monday` (any case).
    static func weekday(_ text: String) -> Weekday? {
        let t = text.lowercased()
        return Weekday.allCases.first { weekdayNames[$0] == t || fullName($0) == t }
    }
    private static func fullName(_ day: Weekday) -> String {
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][day.rawValue - 1]
    }
}
