import Foundation
import TaktCore

// MARK: - What the recorder finds

/// The JSON shape of a value, as its Swift type decodes it.
indirect enum RecordedShape: Equatable, Sendable {
    /// A string, including a single-value wrapper such as ``Identifier``.
    case string
    /// An instant, written as a string (``TaktJSON`` reads ISO 8601).
    case date
    case integer
    case number
    case boolean
    /// Any JSON value (``JSONValue``).
    case any
    /// One of a closed list of values: the raw values of a `CaseIterable` enum.
    case enumeration([JSONValue])
    case array(RecordedShape)
    /// An object whose keys are free and whose values all have one shape.
    case dictionary(RecordedShape)
    /// A type with fields of its own, recorded once as a component under its Swift name.
    case reference(String)
}

/// One field of a recorded object: its key, its shape, and whether decoding requires it (`decode`) or lets it be left
/// out (`decodeIfPresent`).
struct RecordedField: Equatable, Sendable {
    var name: String
    var shape: RecordedShape
    var required: Bool
}

/// One alternative of a type that reads a key first and decodes the rest according to it.
struct RecordedVariant: Equatable, Sendable {
    /// The value of the telling key, e.g. `rush-order`.
    var value: String
    var fields: [RecordedField]
}

/// A recorded component: an object, or alternatives told apart by one key.
enum RecordedComponent: Equatable, Sendable {
    case object([RecordedField])
    case oneOf(key: String, [RecordedVariant])

    /// Every field name the component has, in any alternative.
    var fieldNames: Set<String> {
        switch self {
        case .object(let fields): Set(fields.map(\.name))
        case .oneOf(_, let variants): Set(variants.flatMap { $0.fields.map(\.name) })
        }
    }
}

// MARK: - The recorder

/// Records the JSON shape of `Decodable` types by "decoding" them from nothing: it hands each `init(from:)` a decoder
/// that answers every request with a plausible value and writes down what was asked for.
///
/// A keyed container's `decode` makes a required field, `decodeIfPresent` an optional one. Strings, numbers, booleans
/// and dates become their JSON types (dates are strings, as ``TaktJSON`` reads them); a `CaseIterable` enum with
/// `String` or `Int` raw values becomes the list of its raw values; an array or a dictionary records its element type
/// once; a type that decodes a single value (an ``Identifier``) is that value's shape; a type with keys is recorded
/// once, as a component named after the Swift type, and referred to by name (so a type that contains itself stops).
///
/// A type that reads a key first and branches on its value (``OutcomeRequest`` reads `kind`) cannot be found out by
/// decoding from nothing: its telling key and values are declared in ``discriminators``, and each value is recorded as
/// one alternative. A declared value the type refuses is a ``problems`` entry.
///
/// Whatever the recorder could not build — a type whose `init(from:)` refused the values handed to it — is listed in
/// ``problems``, so that a test can insist there are none: a refused value would cut the recording short.
final class SchemaRecorder {
    /// A key read first and the values it may take, for types that branch on it.
    struct Discriminator: Sendable {
        var key: String
        var values: [String]
    }

    /// The components recorded so far, by Swift type name.
    private(set) var components: [String: RecordedComponent] = [:]
    /// The order in which components were first recorded.
    private(set) var order: [String] = []
    /// What could not be recorded, in words.
    private(set) var problems: [String] = []
    /// Keys a type writes but does not read, by component name: found by encoding the value the recorder built.
    private(set) var writtenOnly: [String: Set<String>] = [:]

    private let discriminators: [String: Discriminator]
    private let skipped: Set<String>
    private let renamed: [String: String]
    private var inProgress: Set<String> = []

    /// - Parameters:
    ///   - discriminators: the telling key and its values, by type name, for types that branch on a key.
    ///   - skipped: types referred to by name but not recorded, because their schema is built another way; a field of
    ///     such a type can be recorded only where no value is needed (a list, or a field that may be left out).
    ///   - renamed: component names that differ from the Swift type's name, by the type's full name.
    init(discriminators: [String: Discriminator] = [:], skipping skipped: Set<String> = [], renamed: [String: String] = [:]) {
        self.discriminators = discriminators
        self.skipped = skipped
        self.renamed = renamed
    }

    /// The shape of a type, recording the components it uses.
    @discardableResult
    func shape<T: Decodable>(of type: T.Type) -> RecordedShape {
        build(type).shape
    }

    /// The shape of a type given as a metatype value.
    @discardableResult
    func shape(ofAny type: any Decodable.Type) -> RecordedShape {
        shape(of: type)
    }

    /// The component name a type is recorded under: its Swift name, unless renamed (by its full name, e.g.
    /// `TaktCore.OEEReport.Losses`).
    func name(of type: Any.Type) -> String {
        renamed[String(reflecting: type)] ?? String(describing: type)
    }

    /// Builds a value of `T` while recording its shape; the value is nil when `T` refused every value handed to it.
    func build<T: Decodable>(_ type: T.Type, forced: [String: String] = [:]) -> (value: T?, shape: RecordedShape) {
        if let primitive = Self.primitive(type) { return primitive }
        if let cases = Self.cases(of: type) { return (cases.first as? T, .enumeration(cases.values)) }
        if type is JSONValue.Type { return (JSONValue.null as? T, .any) }
        if let sequence = type as? any RecordableSequence.Type {
            return (sequence.recordedEmpty as? T, .array(shape(ofAny: sequence.recordedElement)))
        }
        if let dictionary = type as? any RecordableDictionary.Type {
            return (dictionary.recordedEmpty as? T, .dictionary(shape(ofAny: dictionary.recordedValue)))
        }
        if let optional = type as? any RecordableOptional.Type {
            return (optional.recordedNone as? T, shape(ofAny: optional.recordedWrapped))
        }
        let name = self.name(of: type)
        if inProgress.contains(name) || skipped.contains(name) { return (nil, .reference(name)) }
        inProgress.insert(name)
        defer { inProgress.remove(name) }
        if forced.isEmpty, let discriminator = discriminators[name] {
            return buildVariants(type, name: name, discriminator: discriminator)
        }
        let decoder = RecordingDecoder(recorder: self, forced: forced)
        var value: T?
        do {
            value = try T(from: decoder)
        } catch {
            problems.append("\(name): \(error)")
        }
        switch decoder.kind {
        case .keyed:
            register(name, .object(decoder.fields))
            if let value { recordWrittenOnly(name, value, read: Set(decoder.fields.map(\.name))) }
            return (value, .reference(name))
        case .single(let shape):
            return (value, shape)
        case .unkeyed(let element):
            return (value, .array(element ?? .any))
        case .none:
            problems.append("\(name): asked for no container")
            return (value, .any)
        }
    }

    private func buildVariants<T: Decodable>(_ type: T.Type, name: String, discriminator: Discriminator) -> (value: T?, shape: RecordedShape) {
        var first: T?
        var variants: [RecordedVariant] = []
        for value in discriminator.values {
            let decoder = RecordingDecoder(recorder: self, forced: [discriminator.key: value])
            do {
                let built = try T(from: decoder)
                if first == nil { first = built }
            } catch {
                problems.append("\(name) with \(discriminator.key) \(value): \(error)")
            }
            variants.append(RecordedVariant(value: value, fields: decoder.fields))
        }
        register(name, .oneOf(key: discriminator.key, variants))
        return (first, .reference(name))
    }

    /// Encodes the value built and notes the keys it writes that decoding never read (a computed `shortBy`, say).
    private func recordWrittenOnly<T>(_ name: String, _ value: T, read: Set<String>) {
        guard writtenOnly[name] == nil, let encodable = value as? any Encodable,
            let data = try? TaktJSON.encoder.encode(encodable),
            case .object(let members)? = try? TaktJSON.decoder.decode(JSONValue.self, from: data)
        else { return }
        let extra = Set(members.keys).subtracting(read)
        if !extra.isEmpty { writtenOnly[name] = extra }
    }

    private func register(_ name: String, _ component: RecordedComponent) {
        guard components[name] == nil else { return }
        components[name] = component
        order.append(name)
    }

    /// Strings, numbers, booleans and dates, with a value every validation seen so far accepts.
    private static func primitive<T>(_ type: T.Type) -> (value: T?, shape: RecordedShape)? {
        switch type {
        case is String.Type: ("x" as? T, .string)
        // A file's bytes, base64 on the wire: "x" is no base64.
        case is AttachmentBytes.Type: (AttachmentBytes(Data([0x25])) as? T, .string)
        case is Date.Type: (Date(timeIntervalSince1970: 1_767_225_600) as? T, .date)
        case is Bool.Type: (true as? T, .boolean)
        case is Int.Type: (1 as? T, .integer)
        case is Int64.Type: (Int64(1) as? T, .integer)
        case is Int32.Type: (Int32(1) as? T, .integer)
        case is Int16.Type: (Int16(1) as? T, .integer)
        case is Int8.Type: (Int8(1) as? T, .integer)
        case is UInt.Type: (UInt(1) as? T, .integer)
        case is UInt64.Type: (UInt64(1) as? T, .integer)
        case is UInt32.Type: (UInt32(1) as? T, .integer)
        case is UInt16.Type: (UInt16(1) as? T, .integer)
        case is UInt8.Type: (UInt8(1) as? T, .integer)
        case is UUID.Type: (UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)) as? T, .string)
        case is Double.Type: (1.0 as? T, .number)
        case is Float.Type: (Float(1) as? T, .number)
        case is Decimal.Type: (Decimal(1) as? T, .number)
        default: nil
        }
    }

    /// The raw values of a `CaseIterable` enum with `String` or `Int` raw values, and its first case.
    private static func cases<T>(of type: T.Type) -> (first: Any?, values: [JSONValue])? {
        guard let iterable = type as? any CaseIterable.Type else { return nil }
        return rawValues(iterable)
    }

    private static func rawValues<C: CaseIterable>(_ type: C.Type) -> (first: Any?, values: [JSONValue])? {
        var values: [JSONValue] = []
        for value in C.allCases {
            guard let raw = (value as? any RawRepresentable)?.rawValue else { return nil }
            switch raw {
            case let text as String: values.append(.string(text))
            case let number as Int: values.append(.number(Double(number)))
            default: return nil
            }
        }
        return (C.allCases.first, values)
    }
}

// MARK: - Collections, recorded by their element type

/// An array or a set: recorded by its element type, built empty.
protocol RecordableSequence {
    static var recordedElement: any Decodable.Type { get }
    static var recordedEmpty: Self { get }
}

extension Array: RecordableSequence where Element: Decodable {
    static var recordedElement: any Decodable.Type { Element.self }
    static var recordedEmpty: Self { [] }
}

extension Set: RecordableSequence where Element: Decodable {
    static var recordedElement: any Decodable.Type { Element.self }
    static var recordedEmpty: Self { [] }
}

/// A dictionary with string keys: recorded by its value type, built empty.
protocol RecordableDictionary {
    static var recordedValue: any Decodable.Type { get }
    static var recordedEmpty: Self { get }
}

extension Dictionary: RecordableDictionary where Key == String, Value: Decodable {
    static var recordedValue: any Decodable.Type { Value.self }
    static var recordedEmpty: Self { [:] }
}

/// An optional decoded with `decode(T?.self, …)`: recorded by its wrapped type, built as nil.
protocol RecordableOptional {
    static var recordedWrapped: any Decodable.Type { get }
    static var recordedNone: Self { get }
}

extension Optional: RecordableOptional where Wrapped: Decodable {
    static var recordedWrapped: any Decodable.Type { Wrapped.self }
    static var recordedNone: Self { nil }
}

// MARK: - The decoder handed to init(from:)

/// A value the recorder could not build, so the type that needed it could not be built either.
struct RecordingError: Error, CustomStringConvertible {
    var description: String
}

private final class RecordingDecoder: Decoder {
    enum Kind {
        case none
        case keyed
        case single(RecordedShape)
        case unkeyed(RecordedShape?)
    }

    let recorder: SchemaRecorder
    let forced: [String: String]
    var kind = Kind.none
    var fields: [RecordedField] = []

    init(recorder: SchemaRecorder, forced: [String: String]) {
        self.recorder = recorder
        self.forced = forced
    }

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        if case .none = kind { kind = .keyed }
        return KeyedDecodingContainer(RecordingKeyedContainer<Key>(decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        if case .none = kind { kind = .unkeyed(nil) }
        return RecordingUnkeyedContainer(decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        RecordingSingleValueContainer(decoder: self)
    }

    /// Records a field once, by its key; a later reading of the same key keeps the first.
    func record(_ key: String, _ shape: RecordedShape, required: Bool) {
        guard !fields.contains(where: { $0.name == key }) else { return }
        fields.append(RecordedField(name: key, shape: shape, required: required))
    }

    func value<T: Decodable>(_ type: T.Type, key: String, required: Bool) throws -> T? {
        if type is String.Type, let value = forced[key] {
            record(key, .string, required: required)
            return value as? T
        }
        let built = recorder.build(type)
        record(key, built.shape, required: required)
        if required, built.value == nil { throw RecordingError(description: "no \(type) could be built for `\(key)`") }
        return built.value
    }
}

private struct RecordingKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: RecordingDecoder

    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { [] }
    func contains(_ key: Key) -> Bool { true }
    func decodeNil(forKey key: Key) throws -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try read(type, key) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try readIfPresent(type, key) }

    private func read<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T {
        guard let value = try decoder.value(type, key: key.stringValue, required: true) else {
            throw RecordingError(description: "no \(type) for `\(key.stringValue)`")
        }
        return value
    }

    private func readIfPresent<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
        try decoder.value(type, key: key.stringValue, required: false)
    }

    // The primitive overloads, so that each reading is recorded as itself (the defaults would make every
    // `decodeIfPresent` a `decode`).
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try read(type, key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try read(type, key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try read(type, key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try read(type, key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try read(type, key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try read(type, key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try read(type, key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try read(type, key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try read(type, key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try read(type, key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try read(type, key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try read(type, key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try read(type, key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try read(type, key) }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try readIfPresent(type, key) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try readIfPresent(type, key) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try readIfPresent(type, key) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try readIfPresent(type, key) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try readIfPresent(type, key) }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try readIfPresent(type, key) }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try readIfPresent(type, key) }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try readIfPresent(type, key) }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try readIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try readIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try readIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try readIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try readIfPresent(type, key) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try readIfPresent(type, key) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        throw RecordingError(description: "a nested container at `\(key.stringValue)` is not recorded")
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw RecordingError(description: "a nested list at `\(key.stringValue)` is not recorded")
    }

    func superDecoder() throws -> any Decoder { decoder }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        throw RecordingError(description: "a super decoder at `\(key.stringValue)` is not recorded")
    }
}

/// A list read element by element (a type that decodes an unkeyed container itself): one element is recorded.
private struct RecordingUnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: RecordingDecoder
    var codingPath: [any CodingKey] { [] }
    var count: Int? { 1 }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex >= 1 }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type) }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try decodeValue(type) }
    mutating func decode(_ type: String.Type) throws -> String { try decodeValue(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try decodeValue(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try decodeValue(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try decodeValue(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try decodeValue(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try decodeValue(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try decodeValue(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try decodeValue(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try decodeValue(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeValue(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeValue(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeValue(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeValue(type) }

    private mutating func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        currentIndex += 1
        let built = decoder.recorder.build(type)
        decoder.kind = .unkeyed(built.shape)
        guard let value = built.value else { throw RecordingError(description: "no \(type) could be built for a list element") }
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        throw RecordingError(description: "a nested container in a list is not recorded")
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw RecordingError(description: "a nested list in a list is not recorded")
    }

    mutating func superDecoder() throws -> any Decoder { decoder }
}

private struct RecordingSingleValueContainer: SingleValueDecodingContainer {
    let decoder: RecordingDecoder
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { false }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type) }

    func decode(_ type: Bool.Type) throws -> Bool { try decodeValue(type) }
    func decode(_ type: String.Type) throws -> String { try decodeValue(type) }
    func decode(_ type: Double.Type) throws -> Double { try decodeValue(type) }
    func decode(_ type: Float.Type) throws -> Float { try decodeValue(type) }
    func decode(_ type: Int.Type) throws -> Int { try decodeValue(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decodeValue(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decodeValue(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decodeValue(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decodeValue(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decodeValue(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeValue(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeValue(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeValue(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeValue(type) }

    private func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        let built = decoder.recorder.build(type)
        decoder.kind = .single(built.shape)
        guard let value = built.value else { throw RecordingError(description: "no \(type) could be built for a single value") }
        return value
    }
}
