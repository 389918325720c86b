public import Foundation

/// The one JSON dialect of Takt: ISO 8601 dates in UTC with whole seconds, sorted keys.
///
/// Dates are truncated to whole seconds on the way in, so that a state rebuilt from the log
/// equals the live state exactly. Dates are accepted as `2026-11-24T08:30:00Z`, with fractional
/// seconds or an offset, or as a calendar date `2026-11-24` (midnight UTC). A date that does not exist (2026-02-30, a 25th
/// hour) is refused, not rolled over; commands further accept only dates in 2000–2200 (``ValueLimits``).
public enum TaktJSON {
    /// A JSON string literal: quotes, backslashes and every control character escaped, and the line and paragraph
    /// separators too, so the text can never end a line of a JSON-lines log or a script it is embedded in.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    public static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(formatDate(date))
        }
        return e
    }

    /// Reads dates as the log writes them; a date without a time (`2026-11-24`) is a day in UTC (see ``decoder(plantTimeZone:)``).
    public static var decoder: JSONDecoder { decoder(plantTimeZone: TimeZone(secondsFromGMT: 0) ?? .gmt) }

    /// Reads dates as the log writes them; a date without a time is a day of the plant's calendar in `zone`: the end of that
    /// day for a deadline field (`dueDate`, `requestedDate`, `promisedDate`, `due`), else its start (``PlantDay``).
    public static func decoder(plantTimeZone zone: TimeZone) -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let text = try c.decode(String.self)
            if text.utf8.count == 10, let day = PlantDay.date(text, field: decoder.codingPath.last?.stringValue, in: zone) { return day }
            guard let date = parseDate(text) else {
                throw DecodingError.dataCorruptedError(
                    in: c,
                    debugDescription: "expected an ISO 8601 date such as 2026-11-24T08:30:00Z or 2026-11-24, got '\(text)'"
                )
            }
            return date
        }
        return d
    }

    public static func formatDate(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 0) ?? .gmt))
    }

    public static func parseDate(_ text: String) -> Date? {
        guard isCalendarDate(text) else { return nil }
        let parsed: Date?
        if text.count == 10 {
            parsed = try? Date(text + "T00:00:00Z", strategy: Date.ISO8601FormatStyle())
        } else if let d = try? Date(text, strategy: Date.ISO8601FormatStyle()) {
            parsed = d
        } else {
            parsed = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        }
        return parsed.map(wholeSeconds)
    }

    /// Whether `text` names a date that exists: `YYYY-MM-DD`, optionally followed by `THH:MM:SS`, a fraction of a second
    /// and `Z` or an offset `±HH:MM`, with a month 01–12, a day that the month has (2026-02-30 does not exist; 29 February
    /// only in a leap year), hours 00–23, minutes and seconds 00–59 and an offset within ±18:00. Foundation's ISO 8601
    /// parser rolls impossible dates over (2026-02-30 becomes 2 March); this refuses them instead.
    public static func isCalendarDate(_ text: String) -> Bool {
        let b = Array(text.utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var n = 0
            for i in from..<(from + count) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                n = n * 10 + Int(b[i] - 48)
            }
            return n
        }
        func at(_ i: Int, _ c: UInt8) -> Bool { i < b.count && b[i] == c }
        guard b.count >= 10, let year = digits(0, 4), at(4, 45), let month = digits(5, 2), at(7, 45), let day = digits(8, 2) else {
            return false
        }
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard day <= days else { return false }
        if b.count == 10 { return true }
        guard at(10, 84), let hour = digits(11, 2), at(13, 58), let minute = digits(14, 2), at(16, 58), let second = digits(17, 2),
            hour < 24, minute < 60, second < 60
        else { return false }
        var i = 19
        if at(i, 46) {
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57, i - start < 9 { i += 1 }
            guard i > start else { return false }
        }
        if at(i, 90) { return i + 1 == b.count }
        guard at(i, 43) || at(i, 45), let oh = digits(i + 1, 2), at(i + 3, 58), let om = digits(i + 4, 2), i + 6 == b.count else { return false }
        return oh * 60 + om <= 18 * 60 && om < 60
    }

    /// Truncates to whole seconds (the resolution of the log).
    public static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }
}

/// Any JSON value, for payloads carried through without a static type.
public enum JSONValue: Codable, Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n):
            if n == n.rounded(), abs(n) < 1e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

/// A closed set of words (an enum with string raw values): read from JSON, a word outside the set is refused naming
/// the words allowed (`'bogus' is not one of state, good-count, …`) rather than a Swift type's name.
public protocol StringChoice: RawRepresentable, CaseIterable, Decodable where RawValue == String {}

extension StringChoice {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let word = try container.decode(String.self)
        guard let value = Self(rawValue: word) else {
            let allowed = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(word.prefix(60))' is not one of \(allowed)")
        }
        self = value
    }
}
