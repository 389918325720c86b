import Foundation
public import TaktCore

/// Evaluates a playbook's conditions against the document made from a triggering event: the event's payload as
/// Takt writes it (``TaktJSON/encoder``), with a `context` object the trigger derives from the plant state
/// (e.g. `context.itemKind`, `context.priority`, `context.promiseGapMinutes`). Pure: no clock, no state.
///
/// - Paths are dotted (`state`, `shortage.shortBy`, `context.itemKind`); a numeric segment indexes an array
///   (`lots.0.item`).
/// - A field that is absent, or JSON `null`, is missing: every operator except `exists` is false on it.
/// - Numbers compare numerically, strings (dates are ISO 8601 strings in UTC, so they sort as time) lexically,
///   booleans only by `eq`, `ne` and `in`; comparing a number with a string is false.
/// - `eq`: equal; `ne`: present and not equal; `gt`, `gte`, `lt`, `lte`: ordered comparison of two numbers or two
///   strings; `in`: equal to one element of the value (an array); `contains`: a string field contains the value as a
///   substring, or an array field has an element equal to the value; `exists`: the field is present (with the value
///   `false`: the field is missing).
public enum PlaybookConditions {
    /// True when every condition holds (an empty list always holds).
    public static func holds(_ conditions: [PlaybookCondition], in document: JSONValue) -> Bool {
        conditions.allSatisfy { holds($0, in: document) }
    }

    public static func holds(_ condition: PlaybookCondition, in document: JSONValue) -> Bool {
        let field = value(at: condition.field, in: document)
        if condition.op == .exists {
            let wanted: Bool = if case .bool(let b)? = condition.value { b } else { true }
            return (field != nil) == wanted
        }
        guard let field, let expected = condition.value else { return false }
        switch condition.op {
        case .eq: return equal(field, expected)
        case .ne: return !equal(field, expected)
        case .gt: return compare(field, expected).map { $0 > 0 } ?? false
        case .gte: return compare(field, expected).map { $0 >= 0 } ?? false
        case .lt: return compare(field, expected).map { $0 < 0 } ?? false
        case .lte: return compare(field, expected).map { $0 <= 0 } ?? false
        case .in:
            guard case .array(let options) = expected else { return false }
            return options.contains { equal(field, $0) }
        case .contains:
            switch (field, expected) {
            case (.string(let s), .string(let part)): return s.contains(part)
            case (.array(let elements), _): return elements.contains { equal($0, expected) }
            default: return false
            }
        case .exists: return true
        }
    }

    /// The value at a dotted path, or nil when a segment is missing or the value is `null`.
    public static func value(at path: String, in document: JSONValue) -> JSONValue? {
        var current = document
        for segment in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case .object(let fields):
                guard let next = fields[String(segment)] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(segment), elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        if case .null = current { return nil }
        return current
    }

    /// The document conditions are evaluated against: the event's payload object plus `context`.
    public static func document(for event: Event, context: [String: JSONValue]) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        if let data = try? event.encodePayload(TaktJSON.encoder), let payload = try? JSONDecoder().decode(JSONValue.self, from: data) {
            if case .object(let o) = payload { fields = o } else { fields["value"] = payload }
        }
        fields["context"] = .object(context)
        return .object(fields)
    }

    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): x == y
        default: a == b
        }
    }

    /// −1, 0 or 1 for two numbers or two strings; nil for anything else.
    static func compare(_ a: JSONValue, _ b: JSONValue) -> Int? {
        switch (a, b) {
        case (.number(let x), .number(let y)): x < y ? -1 : x > y ? 1 : 0
        case (.string(let x), .string(let y)): x < y ? -1 : x > y ? 1 : 0
        default: nil
        }
    }
}

/// Building `context` objects: JSON values from model values, leaving out what is unknown.
struct ContextBuilder {
    private(set) var fields: [String: JSONValue] = [:]

    mutating func set(_ key: String, _ value: String?) { if let value { fields[key] = .string(value) } }
    mutating func set(_ key: String, _ value: Double?) { if let value, value.isFinite { fields[key] = .number(value) } }
    mutating func set(_ key: String, _ value: Int?) { if let value { fields[key] = .number(Double(value)) } }
    mutating func set(_ key: String, _ value: Bool?) { if let value { fields[key] = .bool(value) } }
    mutating func set(_ key: String, _ value: Date?) { if let value { fields[key] = .string(TaktJSON.formatDate(value)) } }
    mutating func set(_ key: String, _ values: [String]) { fields[key] = .array(values.map { .string($0) }) }
    mutating func merge(_ other: ContextBuilder) { fields.merge(other.fields) { _, new in new } }
}
