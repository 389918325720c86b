import Foundation
import TaktCore
import Testing

@testable import TaktHTTP

@Suite("Schema recorder")
struct SchemaRecorderTests {
    @Test("`decode` makes a required field and `decodeIfPresent` an optional one; primitives and dates get their JSON types")
    func requiredAndOptional() throws {
        let recorder = SchemaRecorder()
        #expect(recorder.shape(of: Gadget.self) == .reference("Gadget"))
        #expect(recorder.problems.isEmpty, "\(recorder.problems)")
        let fields = try #require(objectFields(recorder, "Gadget"))
        #expect(fields["name"] == RecordedField(name: "name", shape: .string, required: true))
        #expect(fields["note"] == RecordedField(name: "note", shape: .string, required: false))
        #expect(fields["count"]?.shape == .integer)
        #expect(fields["ratio"]?.shape == .number)
        #expect(fields["on"]?.shape == .boolean)
        #expect(fields["at"]?.shape == .date)
        #expect(fields["at"]?.required == true)
        #expect(fields["lookup"] == RecordedField(name: "lookup", shape: .dictionary(.integer), required: false))
    }

    @Test("Arrays record their element; nested types become references recorded once; a type that contains itself stops")
    func arraysAndReferences() throws {
        let recorder = SchemaRecorder()
        recorder.shape(of: Gadget.self)
        let fields = try #require(objectFields(recorder, "Gadget"))
        #expect(fields["tags"]?.shape == .array(.string))
        #expect(fields["parts"]?.shape == .array(.reference("Part")))
        #expect(fields["spare"] == RecordedField(name: "spare", shape: .reference("Part"), required: false))
        let part = try #require(objectFields(recorder, "Part"))
        #expect(part["children"]?.shape == .array(.reference("Part")))
        #expect(part["parent"] == RecordedField(name: "parent", shape: .reference("Part"), required: false))
        #expect(recorder.order.filter { $0 == "Part" }.count == 1)
        #expect(recorder.problems.isEmpty, "\(recorder.problems)")
    }

    @Test("Identifiers are strings; CaseIterable enums are the list of their raw values, strings or integers")
    func enumsAndIdentifiers() throws {
        let recorder = SchemaRecorder()
        recorder.shape(of: Gadget.self)
        let fields = try #require(objectFields(recorder, "Gadget"))
        #expect(fields["id"]?.shape == .string)
        #expect(fields["colour"]?.shape == .enumeration([.string("red"), .string("green")]))
        #expect(fields["days"]?.shape == .array(.enumeration((1...7).map { .number(Double($0)) })))
        #expect(recorder.shape(of: Lot.ID.self) == .string)
    }

    @Test("A type that validates in init(from:) is built from values it accepts; one it refuses is a problem, not a silent gap")
    func validation() throws {
        let recorder = SchemaRecorder()
        recorder.shape(of: Picky.self)
        #expect(recorder.problems.isEmpty, "\(recorder.problems)")
        #expect(objectFields(recorder, "Picky")?["size"]?.required == true)
        let refusing = SchemaRecorder()
        refusing.shape(of: Refusing.self)
        #expect(refusing.problems.count == 1)
        // What was read before the refusal is still recorded.
        #expect(objectFields(refusing, "Refusing")?["size"] != nil)
    }

    @Test("A type that branches on a key is recorded as one alternative per declared value; a value it refuses is a problem")
    func discriminatedEnum() throws {
        let recorder = SchemaRecorder(discriminators: ["Figure": .init(key: "kind", values: ["circle", "square"])])
        #expect(recorder.shape(of: Figure.self) == .reference("Figure"))
        #expect(recorder.problems.isEmpty, "\(recorder.problems)")
        guard case .oneOf(let key, let variants)? = recorder.components["Figure"] else {
            Issue.record("Figure was not recorded as alternatives: \(String(describing: recorder.components["Figure"]))")
            return
        }
        #expect(key == "kind")
        #expect(variants.map(\.value) == ["circle", "square"])
        #expect(variants[0].fields.map(\.name) == ["kind", "radius"])
        #expect(variants[1].fields.map(\.name) == ["kind", "side", "rounded"])
        #expect(variants[1].fields.last?.required == false)

        let wrong = SchemaRecorder(discriminators: ["Figure": .init(key: "kind", values: ["circle", "hexagon"])])
        wrong.shape(of: Figure.self)
        #expect(wrong.problems.count == 1 && wrong.problems.first?.contains("hexagon") == true, "\(wrong.problems)")
    }

    @Test("A field a type writes but never reads is found by encoding the value the recorder built")
    func writtenOnly() {
        let recorder = SchemaRecorder()
        recorder.shape(of: Need.self)
        #expect(recorder.writtenOnly["Need"] == ["shortBy"])
        #expect(recorder.writtenOnly["Part"] == nil)
    }

    @Test("Every command and event payload of the registries is recorded, without a problem")
    func registriesRecord() {
        let recording = DerivedSchemas.recording
        #expect(recording.problems.isEmpty, "\(recording.problems)")
        for kind in CommandKind.allCases {
            #expect(recording.components[kind.spec.payloadName] != nil, "\(kind.rawValue): \(kind.spec.payloadName) not recorded")
        }
        for kind in EventKind.allCases {
            #expect(recording.components[kind.spec.payloadName] != nil, "\(kind.rawValue): \(kind.spec.payloadName) not recorded")
        }
    }

    @Test("Every recorded field has words in the table, and every field the table describes exists in the type")
    func tableMatchesTypes() throws {
        let table = Dictionary(uniqueKeysWithValues: OpenAPISchemas.schemas.map { ($0.name, $0.schema.json) })
        for (name, component) in DerivedSchemas.recording.components {
            let entry = try #require(table[name]?.members, "\(name) is recorded but has no entry in OpenAPISchemas.schemas")
            #expect(entry["description"]?.stringValue?.isEmpty == false, "\(name) has no words")
            switch component {
            case .object(let fields):
                let written = DerivedSchemas.recording.writtenOnly[name] ?? []
                check(name, recorded: fields + written.map { RecordedField(name: $0, shape: .any, required: false) }, described: entry)
            case .oneOf(let key, let variants):
                let described = entry["oneOf"]?.elements ?? []
                #expect(described.count == variants.count, "\(name): \(described.count) described alternatives, \(variants.count) recorded")
                for variant in variants {
                    let hand = described.first { $0.members?["properties"]?.members?[key]?.members?["const"] == .string(variant.value) }
                    let members = try #require(hand?.members, "\(name): no described alternative for \(key) \(variant.value)")
                    check("\(name) (\(variant.value))", recorded: variant.fields.filter { $0.name != key }, described: members, skipping: key)
                }
            }
        }
    }

    @Test("The table of words lists exactly the derived components; the schemas written whole are not derived")
    func tablesSplitAsDerived() {
        let recorded = Set(DerivedSchemas.recording.components.keys)
        let annotated = Set(OpenAPISchemas.annotations.map(\.name))
        #expect(
            annotated == recorded,
            "annotated only: \(annotated.subtracting(recorded).sorted()); recorded only: \(recorded.subtracting(annotated).sorted())"
        )
        #expect(Set(OpenAPISchemas.handWritten.map(\.name)).isDisjoint(with: recorded))
        #expect(OpenAPISchemas.handWritten.map(\.name) == ["Command", "CommandBatch", "BatchResult", "Event", "EventList", "EventPage"])
    }

    @Test("The document's derived components carry the recorded structure and the table's words")
    func derivedComponentsInDocument() throws {
        let components = OpenAPISchemas.components
        let user = try #require(components["User"]?.members)
        let required = Set((user["required"]?.elements ?? []).compactMap(\.stringValue))
        #expect(required == ["id", "name", "roles"])
        let roles = user["properties"]?.members?["roles"]?.members
        #expect(roles?["type"] == .string("array"))
        #expect(roles?["minItems"] == .number(1), "the table's rule is kept")
        #expect(roles?["items"]?.members?["enum"] == .array(Role.allCases.map { .string($0.rawValue) }))
        let certifications = user["properties"]?.members?["certifications"]?.members
        #expect(certifications?["items"]?.members?["$ref"] == .string("#/components/schemas/Certification"))
        #expect(certifications?["description"]?.stringValue?.isEmpty == false)
    }

    private func check(_ name: String, recorded: [RecordedField], described: [String: JSONValue], skipping: String? = nil) {
        let properties = described["properties"]?.members ?? [:]
        let recordedNames = Set(recorded.map(\.name))
        let describedNames = Set(properties.keys).subtracting([skipping].compactMap { $0 })
        #expect(
            recordedNames.subtracting(describedNames).isEmpty,
            "\(name): fields without words: \(recordedNames.subtracting(describedNames).sorted())"
        )
        #expect(
            describedNames.subtracting(recordedNames).isEmpty,
            "\(name): words for fields the type lacks: \(describedNames.subtracting(recordedNames).sorted())"
        )
        for field in recorded {
            let words = properties[field.name]?.members?["description"]?.stringValue
            #expect(words?.isEmpty == false, "\(name).\(field.name) has no description")
        }
    }

    private func objectFields(_ recorder: SchemaRecorder, _ name: String) -> [String: RecordedField]? {
        guard case .object(let fields)? = recorder.components[name] else { return nil }
        return Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0) })
    }
}

// MARK: - Types to record

private enum Colour: String, Codable, CaseIterable { case red, green }

private struct Gadget: Decodable {
    var id: Identifier<Gadget>
    var name: String
    var note: String?
    var count: Int
    var ratio: Double
    var on: Bool
    var at: Date
    var tags: [String]
    var parts: [Part]
    var spare: Part?
    var colour: Colour
    var days: [Weekday]
    var lookup: [String: Int]?
}

private struct Part: Decodable {
    var children: [Part]
    var parent: Box?
    enum CodingKeys: String, CodingKey { case children, parent }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        children = try c.decode([Part].self, forKey: .children)
        parent = try c.decodeIfPresent(Part.self, forKey: .parent).map(Box.init)
    }
}

private final class Box: Sendable {
    init(_ part: Part) {}
}

/// Writes what it lacks, which it never reads.
private struct Need: Codable {
    var required: Double
    var available: Double
    enum CodingKeys: String, CodingKey { case required, available, shortBy }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        required = try c.decode(Double.self, forKey: .required)
        available = try c.decode(Double.self, forKey: .available)
    }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(required, forKey: .required)
        try c.encode(available, forKey: .available)
        try c.encode(max(0, required - available), forKey: .shortBy)
    }
}

/// Refuses a size that is not positive, as many plant types do.
private struct Picky: Decodable {
    var size: Int
    enum CodingKeys: String, CodingKey { case size }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        size = try c.decode(Int.self, forKey: .size)
        guard size > 0 else { throw DecodingError.dataCorruptedError(forKey: .size, in: c, debugDescription: "not positive") }
    }
}

/// Refuses every size.
private struct Refusing: Decodable {
    enum CodingKeys: String, CodingKey { case size, after }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        _ = try c.decode(Int.self, forKey: .size)
        throw DecodingError.dataCorruptedError(forKey: .size, in: c, debugDescription: "never")
    }
}

/// Reads `kind`, then the fields of that kind.
private enum Figure: Decodable {
    case circle(radius: Double)
    case square(side: Double, rounded: Bool?)
    enum CodingKeys: String, CodingKey { case kind, radius, side, rounded }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "circle": self = .circle(radius: try c.decode(Double.self, forKey: .radius))
        case "square": self = .square(side: try c.decode(Double.self, forKey: .side), rounded: try c.decodeIfPresent(Bool.self, forKey: .rounded))
        default: throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown kind")
        }
    }
}
