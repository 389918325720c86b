import Foundation
import TaktAgents
import TaktCore
import TaktPlanning
import TaktService

/// The schemas of every command's `data` and every event's payload, and of the types they contain, derived from the
/// Swift types by ``SchemaRecorder`` over the registries (``CommandKind``, ``EventKind``).
///
/// The types give the structure: which fields there are, which are required (`decode`) and which may be left out
/// (`decodeIfPresent`), their JSON types, lists, enumerations and references. What the types do not say — the words
/// of each field and the rules the plant checks (patterns, lengths, ranges) — comes from the entry of the same name in
/// ``OpenAPISchemas/schemas``, merged onto the recorded structure. A test holds the two together: every recorded field
/// has words, and every field with words was recorded.
enum DerivedSchemas {
    /// Types that read one key first and decode the rest according to its value: the key and every value it takes.
    /// Decoding from nothing cannot guess these; the recorder checks that the type accepts each value listed.
    static let discriminators: [String: SchemaRecorder.Discriminator] = [
        "OutcomeRequest": .init(key: "kind", values: ["expedite-sales-order", "rush-order", "take-down", "cancel-order"])
    ]

    /// Types referred to by name but not derived. `Command` (inside an action's steps) is the registry's own
    /// envelope, `{"type": …, "data": …}`: its schema is one alternative per ``CommandKind``, built from the registry
    /// in ``OpenAPISchemas``, since decoding from nothing reads a single `type`.
    static let notDerived: Set<String> = ["Command"]

    /// The bodies the routes read and answer that no command or event carries, by their Swift types (the name a route
    /// gives its `requestSchema` or `responseSchema` is the type's name). The types inside them are found by the
    /// recorder.
    static let routeBodies: [any Decodable.Type] = [
        AbsenceList.self, AbsenceRequest.self, AcknowledgeRequest.self, ApprovalRequest.self, ClockedInList.self,
        ConfirmRequest.self, ConsumeRequest.self, ConsumptionProposal.self, CountRequest.self, DecisionRequest.self,
        DelayRequest.self, DeliveryForecast.self, DispatchList.self, DispositionRequest.self, ExceptionInbox.self,
        HandlingUnitRequest.self, Health.self, InspectionRequest.self, InspectionStatus.self, IssuedToken.self,
        LabourReport.self, LotStatusRequest.self, LotTrace.self, LotsRequest.self, MachineStateHistory.self,
        MachineStateRequest.self, MoveRequest.self, OEEReport.self, OperationList.self, OutcomeRequestBody.self,
        OverrideRequest.self, OvertimeRequest.self, OwnerRequest.self, SnoozeRequest.self, PasswordChanged.self, PasswordRequest.self, PlantKPIs.self,
        PlantOEE.self, Problem.self, ProduceRequest.self, ProjectedAvailability.self, PromiseAnswer.self,
        PromiseQuery.self, PromiseRequest.self, QuantityRequest.self, ReasonRequest.self, ReservationList.self,
        ResumeRequest.self, ScheduleRunRequest.self, ShipRequest.self, ShortRequest.self, ShortageList.self,
        SignatureInput.self, SplitRequest.self, StagingTaskList.self, StartRequest.self, StockList.self, TokenList.self,
        TokenRequest.self, UserRequest.self, WorkCenterOEE.self, WebhookRequest.self, WebhookUpdateRequest.self, CreatedWebhook.self,
        WebhookList.self, WebhookDeadLetterList.self, ReasonCodeLists.self, AskRequest.self, FrontDoorAnswer.self,
        WorkInstructionHistory.self, TextDiff.self, AttachmentInfo.self,
        VerifyDocumentRequest.self, RejectDocumentRequest.self, MachineDataStatus.self, MachineDataView.self,
    ]

    /// Components named otherwise than their Swift type, because the type is nested under a short name
    /// (`OEEReport.Losses` is `OEELosses` in the document).
    static let renamed = [
        "TaktCore.OEEReport.Losses": "OEELosses", "TaktCore.OEEReport.DataIssue": "OEEDataIssue",
        "TaktCore.DispatchList.Entry": "DispatchEntry", "TaktHTTP.LabourReport.Session": "LabourReportSession",
        "TaktCore.LotTrace.Link": "TraceLink", "TaktAgents.FrontDoorAnswer.ToolCall": "AskToolCall", "TaktCore.TextDiff.Line": "TextDiffLine",
        "TaktCore.MachineDataStatus.Connection": "MachineDataConnection", "TaktCore.MachineDataStatus.Problem": "MachineDataProblem",
        "TaktCore.MachineDataStatus.Unmapped": "UnmappedSignal", "TaktCore.MachineDataStatus.EdgeNode": "EdgeNodeStatus",
        "TaktCore.MachineDataStatus.Machine": "MachineSignalStatus", "TaktCore.MachineDataView.Reading": "MachineDataReading",
    ]

    /// What the recorder found over every payload of both registries.
    struct Recording: Sendable {
        var components: [String: RecordedComponent]
        /// Component names in the order they were first met.
        var order: [String]
        var problems: [String]
        /// Keys a type writes but never reads, by component name.
        var writtenOnly: [String: Set<String>]
    }

    /// Records every command and event payload type and every route body, and every type inside them.
    static func record() -> Recording {
        let recorder = SchemaRecorder(discriminators: discriminators, skipping: notDerived, renamed: renamed)
        for kind in CommandKind.allCases { recorder.shape(ofAny: kind.spec.payload) }
        for kind in EventKind.allCases { recorder.shape(ofAny: kind.spec.payload) }
        for body in routeBodies { recorder.shape(ofAny: body) }
        return Recording(
            components: recorder.components,
            order: recorder.order,
            problems: recorder.problems,
            writtenOnly: recorder.writtenOnly
        )
    }

    static let recording = record()

    /// The derived components, each merged with the words and rules of its entry in the table.
    static func components(annotations: [String: JSONValue]) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (name, component) in recording.components {
            out[name] = schema(component, annotation: annotations[name]?.members ?? [:], writtenOnly: recording.writtenOnly[name] ?? [])
        }
        return out
    }

    /// A recorded component as JSON Schema: a closed object, or one closed object per value of its telling key.
    static func schema(_ component: RecordedComponent, annotation: [String: JSONValue], writtenOnly: Set<String> = []) -> JSONValue {
        switch component {
        case .object(let fields):
            return objectSchema(fields, annotation: annotation, writtenOnly: writtenOnly)
        case .oneOf(let key, let variants):
            let handVariants = annotation["oneOf"]?.elements ?? []
            var out = annotation
            out["oneOf"] = .array(
                variants.map { variant in
                    let hand = handVariants.first { $0.members?["properties"]?.members?[key]?.members?["const"] == .string(variant.value) }
                    var schema = objectSchema(variant.fields, annotation: hand?.members ?? [:]).members ?? [:]
                    var properties = schema["properties"]?.members ?? [:]
                    properties[key] = .object(["const": .string(variant.value)])
                    schema["properties"] = .object(properties)
                    return .object(schema)
                }
            )
            return .object(out)
        }
    }

    /// A closed object: the recorded fields, required as decoding requires them, each with the words of the table.
    /// A field the type writes but never reads (`writtenOnly`) has no recorded shape: the table's schema is taken as
    /// written, and the field is optional, since a request leaves it out.
    static func objectSchema(_ fields: [RecordedField], annotation: [String: JSONValue], writtenOnly: Set<String> = []) -> JSONValue {
        var out = annotation
        let hand = annotation["properties"]?.members ?? [:]
        out["type"] = .string("object")
        out["additionalProperties"] = .bool(false)
        var properties = Dictionary(
            uniqueKeysWithValues: fields.map { field in
                (field.name, fieldSchema(field.shape, annotation: hand[field.name]?.members ?? [:]))
            }
        )
        for name in writtenOnly { properties[name] = hand[name] ?? .object([:]) }
        out["properties"] = .object(properties)
        let required = fields.filter(\.required).map { JSONValue.string($0.name) }
        out["required"] = required.isEmpty ? nil : .array(required)
        return .object(out)
    }

    /// Keywords that say what a value is; the recorded shape decides them. Every other keyword of the table (words,
    /// patterns, lengths, ranges, formats, constants) is kept.
    private static let structural = ["type", "$ref", "items", "enum", "properties", "required", "additionalProperties", "oneOf"]

    /// One value's schema: its recorded shape, with the table's words and rules.
    static func fieldSchema(_ shape: RecordedShape, annotation: [String: JSONValue]) -> JSONValue {
        var out = annotation
        for keyword in structural { out[keyword] = nil }
        func type(_ name: String) {
            // The table may allow null beside the type (a field written as an explicit null).
            if case .array(let types)? = annotation["type"], types.contains(.string(name)) {
                out["type"] = .array(types)
            } else {
                out["type"] = .string(name)
            }
        }
        switch shape {
        case .string:
            type("string")
            if let words = annotation["enum"] { out["enum"] = words }
        case .date:
            type("string")
            out["format"] = .string("date-time")
        case .integer:
            type("integer")
        case .number:
            type("number")
        case .boolean:
            type("boolean")
        case .any:
            return .object(annotation)
        case .enumeration(let values):
            if case .number? = values.first { type("integer") } else { type("string") }
            out["enum"] = .array(values)
        case .array(let element):
            type("array")
            out["items"] = fieldSchema(element, annotation: annotation["items"]?.members ?? [:])
        case .dictionary(let value):
            type("object")
            if case .object(let keys)? = annotation["properties"] {
                // The table names the keys the plant writes (a rule the type does not state): each has the value's shape.
                out["properties"] = .object(keys.mapValues { fieldSchema(value, annotation: $0.members ?? [:]) })
                out["additionalProperties"] = .bool(false)
            } else {
                out["additionalProperties"] = fieldSchema(value, annotation: annotation["additionalProperties"]?.members ?? [:])
            }
        case .reference(let name):
            var ref: [String: JSONValue] = ["$ref": .string("#/components/schemas/\(name)")]
            ref["description"] = annotation["description"]
            return .object(ref)
        }
        return .object(out)
    }
}

extension JSONValue {
    /// The members of an object; nil for any other value.
    var members: [String: JSONValue]? {
        if case .object(let members) = self { members } else { nil }
    }

    /// The elements of an array; nil for any other value.
    var elements: [JSONValue]? {
        if case .array(let elements) = self { elements } else { nil }
    }
}
