import Foundation

/// The one JSON dialect of Takt: ISO 8601 dates in UTC with whole seconds, sorted keys.
///
/// Dates are truncated to whole seconds on the way in, so that a state rebuilt from the log
/// equals the live state exactly. Dates are accepted as `2026-11-24T08:30:00Z`, with fractional
/// seconds or an offset, or as a calendar date `2026-11-24` (midnight UTC).
public enum TaktJSON {
    public static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(formatDate(date))
        }
        return e
    }

    public static var decoder: JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let text = try c.decode(String.self)
            guard let date = parseDate(text) else {
                throw DecodingError.dataCorruptedError(
                    in: c, debugDescription: "expected an ISO 8601 date such as 2026-11-24T08:30:00Z or 2026-11-24, got '\(text)'")
            }
            return date
        }
        return d
    }

    public static func formatDate(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(secondsFromGMT: 0) ?? .gmt))
    }

    public static func parseDate(_ text: String) -> Date? {
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
