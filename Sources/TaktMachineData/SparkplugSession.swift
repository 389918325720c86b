public import Foundation
public import TaktCore

/// What Takt knows of one Sparkplug edge node (a group and a node ID): whether it is online, the aliases its birth
/// certificates declared, the sequence number it should send next, and its devices. Pure: ``receive(_:_:)`` takes a
/// topic and a decoded payload and answers what happened; the bridge carries out a rebirth request it answers.
public struct SparkplugNode: Sendable, Hashable {
    public var group: String
    public var edgeNode: String
    public var online = false
    /// The `bdSeq` of the current birth: an NDEATH with another one is of an earlier session, and ignored.
    public var birthDeathSequence: UInt64?
    /// The sequence number expected next (0 … 255, wrapping), nil before a birth.
    public var expectedSeq: UInt64?
    /// Metric names by alias, of the node and of each device (key "" for the node).
    public var aliases: [String: [UInt64: String]] = [:]
    /// Devices born and not dead.
    public var onlineDevices: Set<String> = []
    /// Online, but its data is not taken until it is born again (a gap in its sequence numbers was seen).
    public var awaitingRebirth = false

    public init(group: String, edgeNode: String) {
        self.group = group
        self.edgeNode = edgeNode
    }
}

/// What a message did to an edge node's session.
public enum SparkplugOutcome: Sendable, Hashable {
    /// A birth or data message taken: its metrics with names resolved, for the node (`device` nil) or a device.
    case metrics(device: String?, [SparkplugMetric], birth: Bool)
    /// The node or a device died: every signal it carried is unknown from now on.
    case died(device: String?)
    /// The message cannot be trusted (data before a birth, a gap in the sequence, an alias no birth declared): it is
    /// dropped, and the node should be asked for a rebirth.
    case rebirthNeeded(reason: Violation)
    /// A message of an earlier session (a late NDEATH) or a command: nothing to do.
    case ignored(reason: String)
}

extension SparkplugNode {
    /// The sequence numbers wrap after 255.
    public static let sequenceModulus: UInt64 = 256

    /// Takes one message of this node (the topic's group and edge node must be this node's).
    public mutating func receive(_ topic: SparkplugTopic, _ payload: SparkplugPayload) -> SparkplugOutcome {
        switch topic.type {
        case .nbirth:
            online = true
            awaitingRebirth = false
            onlineDevices = []
            aliases = ["": Self.aliases(payload.metrics)]
            birthDeathSequence = payload.metrics.first { $0.name == "bdSeq" }?.value.number.map { UInt64($0) }
            expectedSeq = ((payload.seq ?? 0) + 1) % Self.sequenceModulus
            return .metrics(device: nil, Self.named(payload.metrics, aliases: aliases[""] ?? [:]).metrics, birth: true)
        case .ndeath:
            let bdSeq = payload.metrics.first { $0.name == "bdSeq" }?.value.number.map { UInt64($0) }
            if let bdSeq, let current = birthDeathSequence, bdSeq != current {
                return .ignored(reason: "NDEATH of an earlier session (bdSeq \(bdSeq), the current birth's is \(current))")
            }
            online = false
            onlineDevices = []
            expectedSeq = nil
            return .died(device: nil)
        case .ndata, .dbirth, .ddata, .ddeath:
            if online, awaitingRebirth {
                return .rebirthNeeded(
                    reason: Violation(
                        field: "topic",
                        rule: "awaiting-rebirth",
                        message: "\(topic.type.rawValue) from \(group)/\(edgeNode) after a gap in its sequence: waiting for its rebirth"
                    )
                )
            }
            guard online, let expected = expectedSeq else {
                return .rebirthNeeded(
                    reason: Violation(
                        field: "topic",
                        rule: "before-birth",
                        message: "\(topic.type.rawValue) from \(group)/\(edgeNode) before its NBIRTH"
                    )
                )
            }
            guard let seq = payload.seq else {
                return .rebirthNeeded(reason: Violation(field: "seq", rule: "required", message: "\(topic.type.rawValue) without seq"))
            }
            guard seq == expected else {
                expectedSeq = nil  // nothing after a gap is trusted until the rebirth
                awaitingRebirth = true
                return .rebirthNeeded(
                    reason: Violation(
                        field: "seq",
                        rule: "sequence-gap",
                        message: "\(group)/\(edgeNode) sent seq \(seq) where \(expected) was expected: messages were lost"
                    )
                )
            }
            expectedSeq = (seq + 1) % Self.sequenceModulus
            let device = topic.device
            switch topic.type {
            case .dbirth:
                let key = device ?? ""
                aliases[key] = Self.aliases(payload.metrics)
                onlineDevices.insert(key)
                return .metrics(device: device, Self.named(payload.metrics, aliases: aliases[key] ?? [:]).metrics, birth: true)
            case .ddeath:
                onlineDevices.remove(device ?? "")
                return .died(device: device)
            default:
                let key = device ?? ""
                if device != nil, !onlineDevices.contains(key) {
                    return .rebirthNeeded(
                        reason: Violation(field: "topic", rule: "before-birth", message: "DDATA from device \(key) before its DBIRTH")
                    )
                }
                let (metrics, unknown) = Self.named(payload.metrics, aliases: aliases[key] ?? [:])
                if let alias = unknown.first {
                    return .rebirthNeeded(
                        reason: Violation(
                            field: "alias",
                            rule: "unknown-alias",
                            message: "alias \(alias) of \(device ?? edgeNode) was not declared by its birth certificate"
                        )
                    )
                }
                return .metrics(device: device, metrics, birth: false)
            }
        case .ncmd, .dcmd, .state:
            return .ignored(reason: "\(topic.type.rawValue) is not machine data")
        }
    }

    /// The command that asks this node for a rebirth (NCMD with `Node Control/Rebirth` = true).
    public func rebirthRequest(at now: Date) -> (topic: SparkplugTopic, payload: Data) {
        let payload = SparkplugPayload(
            seq: nil,
            timestamp: now,
            metrics: [SparkplugMetric(name: "Node Control/Rebirth", timestamp: now, value: .bool(true))]
        )
        return (SparkplugTopic(group: group, type: .ncmd, edgeNode: edgeNode), payload.serialized())
    }

    static func aliases(_ metrics: [SparkplugMetric]) -> [UInt64: String] {
        var out: [UInt64: String] = [:]
        for m in metrics where !m.name.isEmpty {
            if let alias = m.alias { out[alias] = m.name }
        }
        return out
    }

    /// The metrics with their names (from the aliases when a metric has none), and the aliases nobody declared.
    static func named(_ metrics: [SparkplugMetric], aliases: [UInt64: String]) -> (metrics: [SparkplugMetric], unknown: [UInt64]) {
        var out: [SparkplugMetric] = []
        var unknown: [UInt64] = []
        for var m in metrics {
            if m.name.isEmpty {
                guard let alias = m.alias, let name = aliases[alias] else {
                    unknown.append(m.alias ?? 0)
                    continue
                }
                m.name = name
            }
            out.append(m)
        }
        return (out, unknown)
    }
}
