public import Foundation
public import TaktCore

// The mapping from what machines publish to what Takt records, as data: a Sparkplug device's metric (or a plain MQTT
// topic's JSON field) → a work center and a signal, with the transform of its values (state codes, a unit factor).
// Pure: the bridge looks each metric up here; what no rule maps is counted and listed by the bridge, never dropped
// silently.

/// What a signal means for the plant.
public enum MachineSignalKind: String, Codable, Sendable, CaseIterable {
    /// The machine's state, from a code (`stateCodes`) or a word (running, slow, setup, idle, down).
    case state
    /// Good parts made, a counter that only grows (a reset is a new count from zero).
    case goodCount = "good-count"
    /// Scrapped parts, a counter.
    case scrapCount = "scrap-count"
    /// The current rate (parts an hour after `factor`); below the work center's ideal it makes the machine slow.
    case rate
    /// The last cycle's time (seconds after `factor`).
    case cycleTime = "cycle-time"
}

/// Where a signal comes from: a Sparkplug metric of an edge node's device, or a field of a plain JSON topic.
public struct MachineSignalSource: Codable, Sendable, Hashable {
    /// Sparkplug: group, edge node, device (nil: the node itself) and metric name.
    public var group: String?
    public var edgeNode: String?
    public var device: String?
    public var metric: String?
    /// Plain MQTT: the topic and the JSON field (a key of the top-level object).
    public var topic: String?
    public var field: String?

    public init(
        group: String? = nil,
        edgeNode: String? = nil,
        device: String? = nil,
        metric: String? = nil,
        topic: String? = nil,
        field: String? = nil
    ) {
        self.group = group
        self.edgeNode = edgeNode
        self.device = device
        self.metric = metric
        self.topic = topic
        self.field = field
    }

    public static func sparkplug(group: String, edgeNode: String, device: String?, metric: String) -> MachineSignalSource {
        MachineSignalSource(group: group, edgeNode: edgeNode, device: device, metric: metric)
    }
    public static func json(topic: String, field: String) -> MachineSignalSource {
        MachineSignalSource(topic: topic, field: field)
    }
}

/// One rule of the mapping.
public struct MachineSignalRule: Codable, Sendable, Hashable {
    public var source: MachineSignalSource
    public var workCenter: WorkCenter.ID
    public var signal: MachineSignalKind
    /// For `state`: the machine's codes (as text, "1", "RUN") → Takt's states.
    public var stateCodes: [String: MachineState]?
    /// For numbers: multiplied before use (e.g. 60 for parts a minute → an hour).
    public var factor: Double?

    public init(
        source: MachineSignalSource,
        workCenter: WorkCenter.ID,
        signal: MachineSignalKind,
        stateCodes: [String: MachineState]? = nil,
        factor: Double? = nil
    ) {
        self.source = source
        self.workCenter = workCenter
        self.signal = signal
        self.stateCodes = stateCodes
        self.factor = factor
    }
}

/// A value mapped: the work center, the signal and its value in Takt's terms.
public struct MappedSignal: Sendable, Hashable {
    public enum Value: Sendable, Hashable {
        case state(MachineState)
        case number(Double)
    }
    public var workCenter: WorkCenter.ID
    public var signal: MachineSignalKind
    public var value: Value
    public var at: Date
    public init(workCenter: WorkCenter.ID, signal: MachineSignalKind, value: Value, at: Date) {
        self.workCenter = workCenter
        self.signal = signal
        self.value = value
        self.at = at
    }
}

/// The plant's mapping: its rules, checked as a whole.
public struct MachineSignalMapping: Codable, Sendable, Hashable {
    public var rules: [MachineSignalRule]
    public init(rules: [MachineSignalRule]) { self.rules = rules }

    /// Every rule broken, each naming the rule's index and field: a source that is neither a whole Sparkplug metric nor
    /// a whole JSON field, a source mapped twice, a factor that is not a positive finite number, state codes on a
    /// signal that is not a state.
    public func violations() -> [Violation] {
        var out: [Violation] = []
        var seen: [MachineSignalSource: Int] = [:]
        for (i, rule) in rules.enumerated() {
            let s = rule.source
            let sparkplug = [s.group, s.edgeNode, s.metric].allSatisfy { !($0 ?? "").isEmpty }
            let json = !(s.topic ?? "").isEmpty && !(s.field ?? "").isEmpty
            if sparkplug == json {
                out.append(
                    Violation(
                        field: "rules[\(i)].source",
                        rule: "one-of",
                        message: "a source is either a Sparkplug metric (group, edgeNode, metric; device optional) or a JSON field (topic, field)"
                    )
                )
            }
            if let first = seen[s] {
                out.append(Violation(field: "rules[\(i)].source", rule: "unique", message: "the same source is mapped by rules[\(first)]"))
            } else {
                seen[s] = i
            }
            if let f = rule.factor, !(f.isFinite && f > 0) {
                out.append(Violation(field: "rules[\(i)].factor", rule: "positive", message: "factor must be a positive number (got \(f))"))
            }
            if rule.stateCodes != nil, rule.signal != .state {
                out.append(
                    Violation(
                        field: "rules[\(i)].stateCodes",
                        rule: "state-only",
                        message: "state codes map a state signal, not \(rule.signal.rawValue)"
                    )
                )
            }
        }
        return out
    }

    /// The rule for a source, nil when none maps it.
    public func rule(for source: MachineSignalSource) -> MachineSignalRule? {
        rules.first { $0.source == source }
    }

    /// A Sparkplug metric in Takt's terms; nil when no rule maps it (the bridge counts it as unmapped); a value the
    /// rule cannot read (an unknown state code, a string for a count) is a ``Violation`` naming the metric.
    public func map(
        group: String,
        edgeNode: String,
        device: String?,
        metric: SparkplugMetric,
        receivedAt: Date
    ) throws(Violation) -> MappedSignal? {
        guard let rule = rule(for: .sparkplug(group: group, edgeNode: edgeNode, device: device, metric: metric.name)) else { return nil }
        let at = metric.timestamp ?? receivedAt
        let name = "\(device ?? edgeNode)/\(metric.name)"
        switch rule.signal {
        case .state:
            let code: String? =
                switch metric.value {
                case .string(let s): s.trimmingCharacters(in: .whitespaces)
                case .bool(let b): b ? "true" : "false"
                default: metric.value.number.map { $0 == $0.rounded() ? String(Int64($0)) : String($0) }
                }
            guard let code else {
                throw Violation(field: name, rule: "state-code", message: "\(name) sent no state code")
            }
            if let state = rule.stateCodes?[code] ?? MachineState(rawValue: code.lowercased()) {
                return MappedSignal(workCenter: rule.workCenter, signal: .state, value: .state(state), at: at)
            }
            throw Violation(field: name, rule: "state-code", message: "\(name) sent state code '\(code.prefix(40))', which the mapping does not know")
        case .goodCount, .scrapCount, .rate, .cycleTime:
            guard let number = metric.value.number, number.isFinite else {
                throw Violation(field: name, rule: "number", message: "\(name) is a \(rule.signal.rawValue) and sent no number")
            }
            let value = number * (rule.factor ?? 1)
            guard value >= 0 else {
                throw Violation(field: name, rule: "non-negative", message: "\(name) sent \(value), below zero")
            }
            return MappedSignal(workCenter: rule.workCenter, signal: rule.signal, value: .number(value), at: at)
        }
    }
}

/// A machine's state as its signal reports it, debounced: a new state counts once it has held for `hold` seconds, so a
/// chattering signal (running, idle, running within a second) does not flood the log. Pure: it answers the change to
/// record, if any, when told of a reading or of the time passing.
public struct StateDebouncer: Sendable, Hashable {
    public var hold: TimeInterval
    /// The state last recorded.
    public private(set) var recorded: MachineState?
    /// A different state seen, and since when, not yet held long enough.
    public private(set) var pendingState: MachineState?
    public private(set) var pendingSince: Date?

    public init(hold: TimeInterval, recorded: MachineState? = nil) {
        self.hold = hold
        self.recorded = recorded
    }

    /// A reading at `at`: the change to record now (the state and since when it holds), or nil.
    public mutating func observe(_ state: MachineState, at: Date) -> (state: MachineState, since: Date)? {
        if state == recorded {
            pendingState = nil
            pendingSince = nil
            return nil
        }
        if pendingState != state {
            pendingState = state
            pendingSince = at
        }
        return tick(at)
    }

    /// Time has passed without a reading: the pending state, once held for `hold`, is the change to record.
    public mutating func tick(_ now: Date) -> (state: MachineState, since: Date)? {
        guard let state = pendingState, let since = pendingSince, now.timeIntervalSince(since) >= hold else { return nil }
        recorded = state
        pendingState = nil
        pendingSince = nil
        return (state, since)
    }
}
