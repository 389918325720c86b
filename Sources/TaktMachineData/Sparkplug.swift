public import Foundation
import SwiftProtobuf
public import TaktCore

// Sparkplug B (Eclipse Tahu's specification) as pure types: the topic namespace, the payload decoded into metrics with
// their names, and a session per edge node that follows birth and death certificates and the message sequence, and
// says when to ask for a rebirth. No I/O here: the MQTT bridge feeds it bytes and carries out what it answers.
// The payload types are generated once from Tahu's sparkplug_b.proto (Generated/, EPL-2.0) with swift-protobuf's
// protoc-gen-swift; see Generated/README.md to regenerate.

/// What a message on the Sparkplug B namespace is.
public enum SparkplugMessageType: String, Sendable, CaseIterable {
    case nbirth = "NBIRTH"
    case ndeath = "NDEATH"
    case ndata = "NDATA"
    case ncmd = "NCMD"
    case dbirth = "DBIRTH"
    case ddeath = "DDEATH"
    case ddata = "DDATA"
    case dcmd = "DCMD"
    case state = "STATE"

    /// Device-level messages name a device after the edge node.
    public var isDevice: Bool { [.dbirth, .ddeath, .ddata, .dcmd].contains(self) }
}

/// A topic `spBv1.0/{group}/{type}/{edge node}[/{device}]`.
public struct SparkplugTopic: Sendable, Hashable, CustomStringConvertible {
    public static let namespace = "spBv1.0"
    public var group: String
    public var type: SparkplugMessageType
    public var edgeNode: String
    public var device: String?

    public init(group: String, type: SparkplugMessageType, edgeNode: String, device: String? = nil) {
        self.group = group
        self.type = type
        self.edgeNode = edgeNode
        self.device = device
    }

    /// Reads a topic; anything else is a ``Violation`` naming the field and the rule, as every refusal in Takt.
    public init(parsing topic: String) throws(Violation) {
        let parts = topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.first == Self.namespace else {
            throw Violation(field: "topic", rule: "namespace", message: "topic '\(topic.prefix(200))' is not in the \(Self.namespace) namespace")
        }
        // A host application's STATE (Sparkplug 3.0): spBv1.0/STATE/{host id}; the host id is kept as the edge node.
        if parts.count == 3, parts[1] == SparkplugMessageType.state.rawValue, !parts[2].isEmpty {
            self.group = ""
            self.type = .state
            self.edgeNode = parts[2]
            self.device = nil
            return
        }
        guard parts.count >= 3, let type = SparkplugMessageType(rawValue: parts[2]) else {
            throw Violation(
                field: "topic",
                rule: "message-type",
                message: "topic '\(topic.prefix(200))' names no Sparkplug message type (NBIRTH, NDATA, DBIRTH, DDATA, …)"
            )
        }
        let expected = type.isDevice ? 5 : 4
        guard parts.count == expected, parts.allSatisfy({ !$0.isEmpty }) else {
            throw Violation(
                field: "topic",
                rule: "levels",
                message: "a \(type.rawValue) topic has \(expected) non-empty levels (got '\(topic.prefix(200))')"
            )
        }
        self.group = parts[1]
        self.type = type
        self.edgeNode = parts[3]
        self.device = type.isDevice ? parts[4] : nil
    }

    public var description: String {
        if type == .state { return [Self.namespace, type.rawValue, edgeNode].joined(separator: "/") }
        return [Self.namespace, group, type.rawValue, edgeNode].joined(separator: "/") + (device.map { "/" + $0 } ?? "")
    }

    /// A primary host application's STATE topic (Sparkplug 3.0), where it says it is online (retained) and where its
    /// last will says it is offline.
    public static func hostState(_ hostID: String) -> String { "\(namespace)/\(SparkplugMessageType.state.rawValue)/\(hostID)" }

    /// Why `hostID` cannot name a Sparkplug host application (nil when it can): one topic level, no MQTT wildcards.
    public static func hostIDProblem(_ hostID: String) -> String? {
        if hostID.isEmpty || hostID.count > 100 { return "a Sparkplug host ID has 1 to 100 characters" }
        if hostID.contains(where: { "/+#".contains($0) }) { return "a Sparkplug host ID is one topic level: no '/', '+' or '#' (got '\(hostID)')" }
        return nil
    }

    /// The JSON payload of a host STATE message: `{"online":true,"timestamp":1795586400000}` (milliseconds since 1970).
    public static func hostStatePayload(online: Bool, timestamp: Int64) -> Data {
        Data(#"{"online":\#(online),"timestamp":\#(timestamp)}"#.utf8)
    }
}

/// A metric's value, as far as machine data needs it.
public enum SparkplugValue: Sendable, Hashable {
    case int(Int64)
    case unsigned(UInt64)
    case double(Double)
    case bool(Bool)
    case string(String)
    case bytes(Data)
    case null
    /// A kind of value Takt does not read (data sets, templates, extensions).
    case unsupported

    /// The value as a number, when it is one (a boolean is 0 or 1).
    public var number: Double? {
        switch self {
        case .int(let v): Double(v)
        case .unsigned(let v): Double(v)
        case .double(let v): v.isFinite ? v : nil
        case .bool(let v): v ? 1 : 0
        case .string(let s): Double(s.trimmingCharacters(in: .whitespaces))
        case .bytes, .null, .unsupported: nil
        }
    }
}

/// One metric of a payload, its name resolved (from the birth certificate when the message sends only the alias).
public struct SparkplugMetric: Sendable, Hashable {
    public var name: String
    public var alias: UInt64?
    /// When the edge node acquired the value (the metric's timestamp, else the payload's).
    public var timestamp: Date?
    public var value: SparkplugValue
    public init(name: String, alias: UInt64? = nil, timestamp: Date? = nil, value: SparkplugValue) {
        self.name = name
        self.alias = alias
        self.timestamp = timestamp
        self.value = value
    }
}

/// A payload decoded: its sequence number, timestamp and metrics (names as sent: possibly only aliases).
public struct SparkplugPayload: Sendable, Hashable {
    public var seq: UInt64?
    public var timestamp: Date?
    public var metrics: [SparkplugMetric]

    /// The largest payload read (a burst of bigger messages cannot grow memory without bound).
    public static let maximumBytes = 1 << 20
    /// The most metrics of one payload.
    public static let maximumMetrics = 10_000

    /// Decodes a Sparkplug B payload; malformed bytes are a ``Violation`` (rule `protobuf`), never a crash.
    public init(decoding bytes: Data) throws(Violation) {
        guard bytes.count <= Self.maximumBytes else {
            throw Violation(field: "payload", rule: "max-size", message: "a payload is at most \(Self.maximumBytes) bytes (got \(bytes.count))")
        }
        let raw: Org_Eclipse_Tahu_Protobuf_Payload
        do {
            raw = try Org_Eclipse_Tahu_Protobuf_Payload(serializedBytes: bytes)
        } catch {
            throw Violation(field: "payload", rule: "protobuf", message: "the payload is not a Sparkplug B protobuf message: \(error)")
        }
        guard raw.metrics.count <= Self.maximumMetrics else {
            throw Violation(
                field: "metrics",
                rule: "max-count",
                message: "a payload has at most \(Self.maximumMetrics) metrics (got \(raw.metrics.count))"
            )
        }
        seq = raw.hasSeq ? raw.seq : nil
        timestamp = raw.hasTimestamp ? Self.date(raw.timestamp) : nil
        let payloadTime = timestamp
        metrics = raw.metrics.map { m in
            SparkplugMetric(
                name: m.hasName ? m.name : "",
                alias: m.hasAlias ? m.alias : nil,
                timestamp: m.hasTimestamp ? Self.date(m.timestamp) : payloadTime,
                value: Self.value(m)
            )
        }
    }

    public init(seq: UInt64?, timestamp: Date?, metrics: [SparkplugMetric]) {
        self.seq = seq
        self.timestamp = timestamp
        self.metrics = metrics
    }

    /// The payload as Sparkplug B bytes (for the simulator, the rebirth command and tests).
    public func serialized() -> Data {
        var raw = Org_Eclipse_Tahu_Protobuf_Payload()
        if let seq { raw.seq = seq }
        if let timestamp { raw.timestamp = UInt64(max(0, (timestamp.timeIntervalSince1970 * 1000).rounded())) }
        raw.metrics = metrics.map { m in
            var r = Org_Eclipse_Tahu_Protobuf_Payload.Metric()
            if !m.name.isEmpty { r.name = m.name }
            if let alias = m.alias { r.alias = alias }
            if let t = m.timestamp { r.timestamp = UInt64(max(0, (t.timeIntervalSince1970 * 1000).rounded())) }
            switch m.value {
            case .int(let v):
                r.datatype = 4
                r.longValue = UInt64(bitPattern: v)
            case .unsigned(let v):
                r.datatype = 8
                r.longValue = v
            case .double(let v):
                r.datatype = 10
                r.doubleValue = v
            case .bool(let v):
                r.datatype = 11
                r.booleanValue = v
            case .string(let v):
                r.datatype = 12
                r.stringValue = v
            case .bytes(let v):
                r.datatype = 17
                r.bytesValue = v
            case .null, .unsupported:
                r.isNull = true
            }
            return r
        }
        return (try? raw.serializedBytes()) ?? Data()
    }

    static func date(_ milliseconds: UInt64) -> Date? {
        // Beyond the year 9999 a timestamp is not a time (a counter sent as a timestamp): ignored.
        milliseconds <= 253_402_300_799_000 ? Date(timeIntervalSince1970: Double(milliseconds) / 1000) : nil
    }

    static func value(_ m: Org_Eclipse_Tahu_Protobuf_Payload.Metric) -> SparkplugValue {
        if m.hasIsNull && m.isNull { return .null }
        switch m.value {
        case .intValue(let v)?:
            // Int8/16/32 travel as uint32 in two's complement.
            switch m.datatype {
            case 1: return .int(Int64(Int8(truncatingIfNeeded: v)))
            case 2: return .int(Int64(Int16(truncatingIfNeeded: v)))
            case 3: return .int(Int64(Int32(bitPattern: v)))
            default: return .unsigned(UInt64(v))
            }
        case .longValue(let v)?: return m.datatype == 4 || m.datatype == 13 ? .int(Int64(bitPattern: v)) : .unsigned(v)
        case .floatValue(let v)?: return .double(Double(v))
        case .doubleValue(let v)?: return .double(v)
        case .booleanValue(let v)?: return .bool(v)
        case .stringValue(let v)?: return .string(v)
        case .bytesValue(let v)?: return .bytes(v)
        case .datasetValue?, .templateValue?, .extensionValue?: return .unsupported
        case nil: return .null
        }
    }
}
