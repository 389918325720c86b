public import Foundation

/// The range and resolution of every quantity the core holds (order, lot, receipt, consumption, report, BOM line,
/// reservation, shipment, promise query …).
///
/// A quantity is a finite decimal with at most six decimal places (a resolution of one millionth of the item's unit of
/// measure) and at most 1,000,000,000. Quantities stay `Double` on the wire and in the log, but every sum and difference
/// the stock, warehouse and execution paths keep is rounded back to the resolution (``exact(_:)``), so adding and taking
/// away never leaves residue: 0.1 + 0.2 is held as 0.3 and 10 − 0.1 × 20 as 8. Below 2⁵³ millionths (9 × 10⁹ units) a
/// `Double` holds every six-decimal value exactly as the nearest binary value, which is what a JSON number carries.
public enum Quantity {
    /// The largest quantity a command may carry.
    public static let maximum: Double = 1_000_000_000
    /// The smallest step between two quantities.
    public static let resolution: Double = 0.000_001
    /// Units of resolution per unit of measure.
    static let scale: Double = 1_000_000

    /// The bound of derived quantities (sums, requirements, projections): ±10¹⁵. Only values that an older version let
    /// into the log (an order of 1e308) reach it; holding them there keeps every answer a finite JSON number.
    public static let ceiling: Double = 1e15

    /// `value` rounded to the resolution (the nearest millionth), within ±``ceiling``; NaN counts as 0.
    public static func exact(_ value: Double) -> Double {
        if value.isNaN { return 0 }
        if abs(value) >= 9e9 { return min(ceiling, max(-ceiling, value.rounded())) }
        return (value * 1_000_000).rounded() / 1_000_000
    }

    /// Whether `value` is already at the resolution (at most six decimal places).
    public static func isAtResolution(_ value: Double) -> Bool { exact(value) == value }

    /// The sum of `values`, at the resolution.
    public static func sum<S: Sequence>(_ values: S) -> Double where S.Element == Double {
        exact(values.reduce(0, +))
    }
}

extension Int {
    /// The integer nearest below or equal to `value`'s rounding, clamped to ±`bound`; NaN gives 0. Arithmetic that turns a
    /// quantity or a time into whole minutes goes through this, so no value the core holds (even one an older version let
    /// into the log, such as 1e308) can trap the process.
    public init(saturating value: Double, bound: Int = Int.saturationBound) {
        if value.isNaN {
            self = 0
        } else if value >= Double(bound) {
            self = bound
        } else if value <= -Double(bound) {
            self = -bound
        } else {
            self = Int(value)
        }
    }

    /// ±2⁵⁰: far beyond any minute count or quantity the plant uses, and far enough below `Int.max` that a few of them
    /// added together cannot overflow.
    public static let saturationBound = 1 << 50

    /// `self + other`, clamped to ±``saturationBound`` instead of trapping.
    public func saturatingAdd(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        if overflow { return other > 0 ? Int.saturationBound : -Int.saturationBound }
        return Swift.max(-Int.saturationBound, Swift.min(Int.saturationBound, sum))
    }
}

/// The limits every value in every command obeys, whatever its field (``CommandValues``).
public enum ValueLimits {
    /// The earliest date a command may carry (2000-01-01T00:00:00Z).
    public static let earliestDate = Date(timeIntervalSince1970: 946_684_800)
    /// The first date a command may no longer carry (2201-01-01T00:00:00Z): dates run to the end of 2200.
    public static let endOfDates = Date(timeIntervalSince1970: 7_289_654_400)
    /// The largest magnitude of any number in a command (a quantity has the tighter ``Quantity/maximum``).
    public static let maximumNumber: Double = 1_000_000_000_000
    /// The most characters one text field may hold (a name holds at most 200).
    public static let maximumTextLength = 10_000

    /// Whether `date` lies in the plausible range 2000-01-01 … 2200-12-31.
    public static func isPlausible(_ date: Date) -> Bool { date >= earliestDate && date < endOfDates }

    /// The first control character of `text` that a text field may not hold: any of Unicode's control characters (Cc),
    /// except tab, line feed and carriage return when `allowingLineBreaks` (long free text such as notes and
    /// descriptions).
    public static func forbiddenControl(in text: String, allowingLineBreaks: Bool) -> Unicode.Scalar? {
        text.unicodeScalars.first { s in
            guard s.properties.generalCategory == .control else { return false }
            return !(allowingLineBreaks && (s == "\t" || s == "\n" || s == "\r"))
        }
    }

    /// How a forbidden scalar is shown in a message.
    static func describe(_ s: Unicode.Scalar) -> String { String(format: "U+%04X", s.value) }
}

extension Validator {
    /// A quantity: finite, greater than zero (or zero too when `allowZero`), at most ``Quantity/maximum``, and with at most
    /// six decimal places.
    public mutating func quantity(_ value: Double, _ field: String, allowZero: Bool = false) {
        guard value.isFinite else {
            add(field, "finite", "\(field) must be a finite number (got \(value))")
            return
        }
        if allowZero {
            check(value >= 0, field, "non-negative", "\(field) must not be negative (got \(value))")
        } else {
            check(value > 0, field, "positive", "\(field) must be greater than zero (got \(value))")
        }
        check(value <= Quantity.maximum, field, "maximum", "\(field) must be at most 1,000,000,000 (got \(value))")
        if value > 0, value <= Quantity.maximum {
            check(
                Quantity.isAtResolution(value),
                field,
                "resolution",
                "\(field) may have at most six decimal places; the smallest quantity is 0.000001 (got \(value))"
            )
        }
    }
}

/// Checks every value a command carries, whatever its field, against ``ValueLimits``: numbers are finite and at most
/// 10¹² in magnitude, dates lie in 2000–2200, text holds no control character (tab and line breaks aside) and at most
/// 10,000 characters. ``PlantState/decide(_:actor:now:)`` runs it first, so a hostile value is refused by the one rule
/// however it arrived (HTTP, web form, CLI, orchestrator); the field-specific rules (quantities, names, codes) follow.
public enum CommandValues {
    /// The violations of `command`, with fields named as in its JSON payload (`lines[0].requestedDate`).
    public static func violations(of command: Command) -> [Violation] {
        let sink = InspectionSink()
        let encoder = InspectingEncoder(codingPath: [], sink: sink)
        do {
            try command.encode(to: encoder)
        } catch {
            sink.violations.append(Violation(field: "(command)", rule: "encodable", message: "the command could not be read: \(error)"))
        }
        return sink.violations
    }

    /// Throws the violations of `command` as one ``DomainError``.
    public static func check(_ command: Command) throws(DomainError) {
        let found = violations(of: command)
        if !found.isEmpty { throw DomainError(.invalid, found) }
    }
}

// MARK: - The inspecting encoder

/// Collects violations; one per field at most, a bounded number in all.
final class InspectionSink {
    var violations: [Violation] = []
    private var fields = Set<String>()
    static let limit = 50

    func add(_ path: [any CodingKey], _ rule: String, _ message: (String) -> String) {
        let field = Self.field(path)
        guard violations.count < Self.limit, fields.insert(field).inserted else { return }
        violations.append(Violation(field: field, rule: rule, message: message(field)))
    }

    /// `data.lines[0].quantity` → `lines[0].quantity` (the payload's own path, as the field-specific rules name it).
    static func field(_ path: [any CodingKey]) -> String {
        var keys = path[...]
        if keys.first?.stringValue == "data", keys.first?.intValue == nil { keys = keys.dropFirst() }
        var out = ""
        for k in keys {
            if let i = k.intValue { out += "[\(i)]" } else { out += out.isEmpty ? k.stringValue : ".\(k.stringValue)" }
        }
        return out.isEmpty ? "(value)" : out
    }

    func number(_ value: Double, _ path: [any CodingKey]) {
        if !value.isFinite {
            add(path, "finite") { "\($0) must be a finite number (got \(value))" }
        } else if Self.isQuantity(path), abs(value) > Quantity.maximum {
            // The same words as the field's own rule (``Validator/quantity``), whichever of the two sees it first.
            add(path, "maximum") { "\($0) must be at most 1,000,000,000 (got \(value))" }
        } else if abs(value) > ValueLimits.maximumNumber {
            add(path, "maximum") { "\($0) must be at most 1,000,000,000,000 in magnitude (got \(value))" }
        }
    }

    /// A field holding a quantity (`quantity`, `receivedQuantity`, …): bounded by ``Quantity/maximum``.
    static func isQuantity(_ path: [any CodingKey]) -> Bool {
        guard let last = path.last(where: { $0.intValue == nil })?.stringValue.lowercased() else { return false }
        return last.hasSuffix("quantity")
    }

    func integer<T: BinaryInteger>(_ value: T, _ path: [any CodingKey]) {
        if value > 1_000_000_000_000 || value < -1_000_000_000_000 {
            add(path, "maximum") { "\($0) must be at most 1,000,000,000,000 in magnitude (got \(value))" }
        }
    }

    func text(_ value: String, _ path: [any CodingKey]) {
        if let bad = ValueLimits.forbiddenControl(in: value, allowingLineBreaks: true) {
            add(path, "control-character") { "\($0) must not contain the control character \(ValueLimits.describe(bad))" }
        } else if value.utf8.count > ValueLimits.maximumTextLength, value.count > ValueLimits.maximumTextLength {
            add(path, "max-length") { "\($0) must be at most \(ValueLimits.maximumTextLength) characters (got \(value.count))" }
        }
    }

    func date(_ value: Date, _ path: [any CodingKey]) {
        if !ValueLimits.isPlausible(value) {
            add(path, "date-range") { "\($0) must lie between 2000-01-01 and 2200-12-31 (got \(TaktJSON.formatDate(value)))" }
        }
    }

    func key(_ key: any CodingKey, _ path: [any CodingKey]) {
        guard key.intValue == nil else { return }
        if ValueLimits.forbiddenControl(in: key.stringValue, allowingLineBreaks: false) != nil || key.stringValue.utf8.count > 200 {
            add(path + [key], "key") { "\($0): a key must be at most 200 characters without control characters" }
        }
    }

    /// Inspects a nested value: dates and numbers by their meaning, everything else by its own encoding.
    func value<T: Encodable>(_ value: T, _ path: [any CodingKey]) throws {
        if let date = value as? Date {
            self.date(date, path)
        } else if let d = value as? Double {
            number(d, path)
        } else if let s = value as? String {
            text(s, path)
        } else if value is AttachmentBytes {
            return  // a file's bytes, bounded by the upload's own size rule (``PlantState/maximumAttachmentBytes``)
        } else {
            try value.encode(to: InspectingEncoder(codingPath: path, sink: self))
        }
    }
}

struct InspectionKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
    static let `super` = InspectionKey(stringValue: "super")
}

struct InspectingEncoder: Encoder {
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    let sink: InspectionSink

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedInspector<Key>(codingPath: codingPath, sink: sink))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { UnkeyedInspector(codingPath: codingPath, sink: sink) }
    func singleValueContainer() -> any SingleValueEncodingContainer { SingleInspector(codingPath: codingPath, sink: sink) }
}

struct KeyedInspector<Key: CodingKey>: KeyedEncodingContainerProtocol {
    var codingPath: [any CodingKey]
    let sink: InspectionSink

    private func at(_ key: Key) -> [any CodingKey] {
        sink.key(key, codingPath)
        return codingPath + [key]
    }
    mutating func encodeNil(forKey key: Key) throws {}
    mutating func encode(_ value: Bool, forKey key: Key) throws {}
    mutating func encode(_ value: String, forKey key: Key) throws { sink.text(value, at(key)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { sink.number(value, at(key)) }
    mutating func encode(_ value: Float, forKey key: Key) throws { sink.number(Double(value), at(key)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { sink.integer(value, at(key)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws {}
    mutating func encode(_ value: Int16, forKey key: Key) throws {}
    mutating func encode(_ value: Int32, forKey key: Key) throws {}
    mutating func encode(_ value: Int64, forKey key: Key) throws { sink.integer(value, at(key)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { sink.integer(value, at(key)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws {}
    mutating func encode(_ value: UInt16, forKey key: Key) throws {}
    mutating func encode(_ value: UInt32, forKey key: Key) throws {}
    mutating func encode(_ value: UInt64, forKey key: Key) throws { sink.integer(value, at(key)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try sink.value(value, at(key)) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedInspector<NestedKey>(codingPath: at(key), sink: sink))
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        UnkeyedInspector(codingPath: at(key), sink: sink)
    }
    mutating func superEncoder() -> any Encoder { InspectingEncoder(codingPath: codingPath + [InspectionKey.super], sink: sink) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { InspectingEncoder(codingPath: at(key), sink: sink) }
}

struct UnkeyedInspector: UnkeyedEncodingContainer {
    var codingPath: [any CodingKey]
    let sink: InspectionSink
    var count = 0

    init(codingPath: [any CodingKey], sink: InspectionSink) {
        self.codingPath = codingPath
        self.sink = sink
    }
    private mutating func next() -> [any CodingKey] {
        defer { count += 1 }
        return codingPath + [InspectionKey(intValue: count)]
    }
    mutating func encodeNil() throws { count += 1 }
    mutating func encode(_ value: Bool) throws { count += 1 }
    mutating func encode(_ value: String) throws { sink.text(value, next()) }
    mutating func encode(_ value: Double) throws { sink.number(value, next()) }
    mutating func encode(_ value: Float) throws { sink.number(Double(value), next()) }
    mutating func encode(_ value: Int) throws { sink.integer(value, next()) }
    mutating func encode(_ value: Int8) throws { count += 1 }
    mutating func encode(_ value: Int16) throws { count += 1 }
    mutating func encode(_ value: Int32) throws { count += 1 }
    mutating func encode(_ value: Int64) throws { sink.integer(value, next()) }
    mutating func encode(_ value: UInt) throws { sink.integer(value, next()) }
    mutating func encode(_ value: UInt8) throws { count += 1 }
    mutating func encode(_ value: UInt16) throws { count += 1 }
    mutating func encode(_ value: UInt32) throws { count += 1 }
    mutating func encode(_ value: UInt64) throws { sink.integer(value, next()) }
    mutating func encode<T: Encodable>(_ value: T) throws { try sink.value(value, next()) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedInspector<NestedKey>(codingPath: next(), sink: sink))
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { UnkeyedInspector(codingPath: next(), sink: sink) }
    mutating func superEncoder() -> any Encoder { InspectingEncoder(codingPath: next(), sink: sink) }
}

struct SingleInspector: SingleValueEncodingContainer {
    var codingPath: [any CodingKey]
    let sink: InspectionSink
    mutating func encodeNil() throws {}
    mutating func encode(_ value: Bool) throws {}
    mutating func encode(_ value: String) throws { sink.text(value, codingPath) }
    mutating func encode(_ value: Double) throws { sink.number(value, codingPath) }
    mutating func encode(_ value: Float) throws { sink.number(Double(value), codingPath) }
    mutating func encode(_ value: Int) throws { sink.integer(value, codingPath) }
    mutating func encode(_ value: Int8) throws {}
    mutating func encode(_ value: Int16) throws {}
    mutating func encode(_ value: Int32) throws {}
    mutating func encode(_ value: Int64) throws { sink.integer(value, codingPath) }
    mutating func encode(_ value: UInt) throws { sink.integer(value, codingPath) }
    mutating func encode(_ value: UInt8) throws {}
    mutating func encode(_ value: UInt16) throws {}
    mutating func encode(_ value: UInt32) throws {}
    mutating func encode(_ value: UInt64) throws { sink.integer(value, codingPath) }
    mutating func encode<T: Encodable>(_ value: T) throws { try sink.value(value, codingPath) }
}
