import Foundation
import TaktCore

/// A node of an HTML (or inline SVG) document. Text and attribute values are escaped when rendered; only
/// ``Node/raw(_:)`` is written as it is, and it is used for constants of this module (CSS, JS), never for data.
public enum Node: Sendable, Equatable {
    case element(String, [Attribute], [Node])
    /// An element without children or end tag (`<br>`, `<input>`, `<meta>`).
    case void(String, [Attribute])
    case text(String)
    case raw(String)
    case fragment([Node])

    /// The document as HTML.
    public func render() -> String {
        var out = ""
        out.reserveCapacity(4096)
        render(into: &out)
        return out
    }

    public func render(into out: inout String) {
        switch self {
        case .element(let tag, let attributes, let children):
            out += "<"
            out += tag
            for a in attributes { a.render(into: &out) }
            out += ">"
            for child in children { child.render(into: &out) }
            out += "</"
            out += tag
            out += ">"
        case .void(let tag, let attributes):
            out += "<"
            out += tag
            for a in attributes { a.render(into: &out) }
            out += ">"
        case .text(let text): escape(text, into: &out)
        case .raw(let html): out += html
        case .fragment(let nodes): for n in nodes { n.render(into: &out) }
        }
    }
}

/// An attribute; a nil value leaves it out, an empty one renders as a bare boolean attribute (`autofocus`).
public struct Attribute: Sendable, Equatable {
    public var name: String
    public var value: String?
    public init(_ name: String, _ value: String?) {
        self.name = name
        self.value = value
    }
    func render(into out: inout String) {
        guard let value else { return }
        out += " "
        out += name
        if value.isEmpty { return }
        out += "=\""
        escape(value, into: &out)
        out += "\""
    }
}

/// Escapes `&`, `<`, `>`, `"` and `'`: safe in text and in double- or single-quoted attribute values.
public func escape(_ text: String, into out: inout String) {
    // Fast path: most text has nothing to escape.
    if !text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) {
        out += text
        return
    }
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(scalar)
        }
    }
}

public func escape(_ text: String) -> String {
    var out = ""
    escape(text, into: &out)
    return out
}

// MARK: - Building

@resultBuilder
public enum HTMLBuilder {
    public static func buildExpression(_ node: Node) -> [Node] { [node] }
    public static func buildExpression(_ text: String) -> [Node] { [.text(text)] }
    public static func buildExpression(_ nodes: [Node]) -> [Node] { nodes }
    public static func buildExpression(_ nothing: Void) -> [Node] { [] }
    public static func buildBlock(_ parts: [Node]...) -> [Node] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Node]?) -> [Node] { part ?? [] }
    public static func buildEither(first: [Node]) -> [Node] { first }
    public static func buildEither(second: [Node]) -> [Node] { second }
    public static func buildArray(_ parts: [[Node]]) -> [Node] { parts.flatMap { $0 } }
    public static func buildLimitedAvailability(_ part: [Node]) -> [Node] { part }
}

/// An element: `el("a", ["href": "/x", "class": "btn"]) { "Go" }`. Attributes keep their order.
public func el(_ tag: String, _ attributes: KeyValuePairs<String, String?> = [:], @HTMLBuilder _ children: () -> [Node] = { [] }) -> Node {
    .element(tag, attributes.map { Attribute($0.key, $0.value) }, children())
}

/// An element with text content only.
public func el(_ tag: String, _ attributes: KeyValuePairs<String, String?> = [:], text: String) -> Node {
    .element(tag, attributes.map { Attribute($0.key, $0.value) }, [.text(text)])
}

/// A void element (`input`, `br`, `meta`, `link`).
public func void(_ tag: String, _ attributes: KeyValuePairs<String, String?> = [:]) -> Node {
    .void(tag, attributes.map { Attribute($0.key, $0.value) })
}

public func fragment(@HTMLBuilder _ children: () -> [Node]) -> Node { .fragment(children()) }

/// `""` when true (a bare boolean attribute), nil (left out) when false.
public func flag(_ on: Bool) -> String? { on ? "" : nil }

// MARK: - Formatting shared by the pages

enum Format {
    /// Dates are shown in the plant's time zone (``PlantState/plantTimeZone``), as the people there read clocks.
    private struct Key: Hashable {
        var pattern: String
        var zone: String
    }
    nonisolated(unsafe) private static var formatters: [Key: DateFormatter] = [:]
    private static let lock = NSLock()

    /// A formatter for `pattern` in `zone`, made once and kept (formatters are costly to make); used under the lock.
    private static func formatter(_ pattern: String, _ zone: TimeZone) -> DateFormatter {
        let key = Key(pattern: pattern, zone: zone.identifier)
        if let f = formatters[key] { return f }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_GB")
        f.timeZone = zone
        f.dateFormat = pattern
        formatters[key] = f
        return f
    }

    static func string(_ pattern: String, _ d: Date, _ zone: TimeZone) -> String {
        lock.lock()
        defer { lock.unlock() }
        return formatter(pattern, zone).string(from: d)
    }
    /// "Fri 4 Dec 14:30"; a date given as a day (the end of a plant day, ``PlantDay``) as the day alone, "Fri 4 Dec".
    static func dateTime(_ d: Date, _ zone: TimeZone) -> String {
        string(PlantDay.isEndOfDay(d, in: zone) ? "EEE d MMM" : "EEE d MMM HH:mm", d, zone)
    }
    /// "Mon 7 Dec 10:46–18:46" within a day; "Mon 7 Dec 18:46 – Tue 8 Dec 10:46" when the range ends on another day.
    static func range(_ from: Date, _ to: Date, _ zone: TimeZone) -> String {
        let sameDay = PlantDay.calendar(zone).isDate(from, inSameDayAs: to)
        return sameDay
            ? "\(string("EEE d MMM HH:mm", from, zone))–\(time(to, zone))"
            : "\(string("EEE d MMM HH:mm", from, zone)) – \(string("EEE d MMM HH:mm", to, zone))"
    }
    static func date(_ d: Date, _ zone: TimeZone) -> String { string("EEE d MMM", d, zone) }
    static func time(_ d: Date, _ zone: TimeZone) -> String { string("HH:mm", d, zone) }
    static func day(_ d: Date, _ zone: TimeZone) -> String { string("yyyy-MM-dd", d, zone) }
    static func minute(_ d: Date, _ zone: TimeZone) -> String { string("yyyy-MM-dd'T'HH:mm", d, zone) }
    /// `2026-11-25T06:00` or `2026-11-25`, read in `zone`.
    static func parseMinute(_ s: String, _ zone: TimeZone) -> Date? {
        lock.lock()
        defer { lock.unlock() }
        return formatter("yyyy-MM-dd'T'HH:mm", zone).date(from: s) ?? formatter("yyyy-MM-dd", zone).date(from: s)
    }

    static func quantity(_ q: Double) -> String {
        q.rounded() == q ? String(Int(q)) : String(format: "%.2f", q)
    }
    /// "1 stock order", "3 stock orders".
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
    /// "85 %"; below 10 % with one decimal ("0.4 %"), so a small figure does not read as nothing.
    static func percent(_ p: Double?) -> String {
        guard let p else { return "–" }
        let x = p * 100
        return x > 0 && x < 9.95 && (x * 10).rounded() != x.rounded() * 10 ? String(format: "%.1f %%", x) : String(format: "%.0f %%", x)
    }
    /// "3 h 20 min", "45 min", "2 d 4 h".
    static func minutes(_ m: Double) -> String {
        let total = Int(m.rounded())
        if abs(total) < 60 { return "\(total) min" }
        let sign = total < 0 ? "−" : ""
        let a = abs(total)
        if a < 24 * 60 { return a % 60 == 0 ? "\(sign)\(a / 60) h" : "\(sign)\(a / 60) h \(a % 60) min" }
        let d = a / 1440
        let h = (a % 1440) / 60
        return h == 0 ? "\(sign)\(d) d" : "\(sign)\(d) d \(h) h"
    }
}

/// Percent-encodes a query value or path segment.
func urlEncode(_ s: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
}
