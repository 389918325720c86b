import Foundation
import TaktCore
import TaktStore
import Testing

@testable import TaktEngine

/// The registry of commands and events (``CommandKind``, ``EventKind``) against the enums the core switches on: every
/// case is coded through its declaration, and the JSON on the wire is the declaration's payload under its name.
@Suite("One declaration per command and event")
struct RegistryTests {
    @Test("No two declarations share a wire name, and the type name lists are the registry's")
    func namesAreUnique() {
        #expect(Set(CommandKind.allCases.map(\.rawValue)).count == CommandKind.allCases.count)
        #expect(Set(EventKind.allCases.map(\.rawValue)).count == EventKind.allCases.count)
        #expect(Command.typeNames == CommandKind.allCases.map(\.spec.name))
        #expect(Event.typeNames == EventKind.allCases.map(\.spec.name))
        for kind in CommandKind.allCases {
            #expect(kind.spec.kind == kind)
            #expect(kind.roles.contains(.admin), "\(kind.rawValue): admins may submit every command")
            #expect(!kind.spec.summary.isEmpty && kind.spec.summary.hasSuffix("."), "\(kind.rawValue): a one-line summary")
        }
        for kind in EventKind.allCases {
            #expect(kind.spec.kind == kind)
            #expect(!kind.spec.summary.isEmpty && kind.spec.summary.hasSuffix("."), "\(kind.rawValue): a one-line summary")
        }
    }

    @Test("Every command kind has a sample; each sample reports its entry's name and roles, and codes as exactly {type, data: its payload}")
    func commandsCodeThroughTheirEntry() throws {
        #expect(Set(Samples.commands.map(\.kind)) == Set(CommandKind.allCases), "the samples should use every command kind")
        for command in Samples.commands {
            let spec = command.kind.spec
            #expect(command.typeName == spec.name)
            #expect(command.allowedRoles == spec.roles)
            // The payload is of the declared type, and the JSON is that payload under the name: nothing else.
            let payload = try #require(Mirror(reflecting: command).children.first, "\(spec.name) carries no payload")
            #expect(payload.label == spec.name, "the case of Command is named as its kind")
            #expect(type(of: payload.value) == spec.payload, "\(spec.name): payload \(type(of: payload.value)), declared \(spec.payload)")
            let value = try #require(payload.value as? any Encodable)
            let json = try encoded(command)
            #expect(json == .object(["type": .string(spec.name), "data": try encoded(value)]), "\(spec.name): \(json)")
            // Decoding goes back to the same case; encoding again gives the same bytes.
            let bytes = try TaktJSON.encoder.encode(command)
            let decoded = try TaktJSON.decoder.decode(Command.self, from: bytes)
            #expect(decoded == command, "\(spec.name) does not round-trip")
            #expect(try TaktJSON.encoder.encode(decoded) == bytes)
        }
    }

    @Test("An unknown command type is refused, naming every type the registry knows")
    func unknownCommandType() {
        let json = Data(#"{"type":"defineNothing","data":{}}"#.utf8)
        #expect {
            try TaktJSON.decoder.decode(Command.self, from: json)
        } throws: { error in
            "\(error)".contains("unknown command type 'defineNothing'") && "\(error)".contains(CommandKind.allCases.last?.rawValue ?? "?")
        }
        #expect(throws: (any Error).self) { try Event(type: "nothingHappened", payload: Data("{}".utf8), decoder: TaktJSON.decoder) }
    }

    @Test("Every event kind is in the engine's log of the samples; each stored event decodes through its entry and encodes back to the same bytes")
    func eventsCodeThroughTheirEntry() async throws {
        let engine = try await Samples.engineWithEveryEvent()
        let stored = try await engine.events(after: 0, limit: 1000)
        #expect(Set(stored.map(\.type)) == Set(EventKind.allCases.map(\.rawValue)), "the samples should produce every event kind")
        for record in stored {
            let event = try Event(type: record.type, payload: record.payload, decoder: TaktJSON.decoder)
            let spec = event.kind.spec
            #expect(event.typeName == record.type && spec.name == record.type)
            let payload = try #require(Mirror(reflecting: event).children.first, "\(record.type) carries no payload")
            #expect(payload.label == spec.name, "the case of Event is named as its kind")
            #expect(type(of: payload.value) == spec.payload, "\(spec.name): payload \(type(of: payload.value)), declared \(spec.payload)")
            #expect(try event.encodePayload(TaktJSON.encoder) == record.payload, "\(record.type): the stored bytes differ when written again")
        }
    }
}
