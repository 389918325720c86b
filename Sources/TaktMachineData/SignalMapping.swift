public import Foundation
public import TaktCore

// Reading a mapped signal: a Sparkplug metric (or a JSON value) in Takt's terms, by the plant's mapping
// (``MachineSignalMapping``, in TaktCore, defined in the log). And the debouncer of a machine's state.

extension MachineSignalMapping {
    /// A Sparkplug metric in Takt's terms; nil when no rule maps it (the bridge counts it as unmapped); a value the
    /// rule cannot read (an unknown state code, a string for a count) is a ``Violation`` naming the metric.
    public func map(
        group: String,
        edgeNode: String,
        device: String?,
        metric: SparkplugMetric,
        receivedAt: Date
    ) throws(Violation) -> MappedSignal? {
        try map(
            .sparkplug(group: group, edgeNode: edgeNode, device: device, metric: metric.name),
            value: metric.value,
            at: metric.timestamp ?? receivedAt,
            name: "\(device ?? edgeNode)/\(metric.name)"
        )
    }

    /// A value from `source` in Takt's terms; nil when no rule maps the source. `name` names the value in a refusal.
    public func map(_ source: MachineSignalSource, value: SparkplugValue, at: Date, name: String) throws(Violation) -> MappedSignal? {
        guard let rule = rule(for: source) else { return nil }
        switch rule.signal {
        case .state:
            let code: String? =
                switch value {
                case .string(let s): s.trimmingCharacters(in: .whitespaces)
                case .bool(let b): b ? "true" : "false"
                default: value.number.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int64($0)) : String($0) }
                }
            guard let code, !code.isEmpty else {
                throw Violation(field: name, rule: "state-code", message: "\(name) sent no state code")
            }
            if let state = rule.stateCodes?[code] ?? MachineState(rawValue: code.lowercased()) {
                return MappedSignal(workCenter: rule.workCenter, signal: .state, value: .state(state), at: at, rule: rule, code: code)
            }
            throw Violation(field: name, rule: "state-code", message: "\(name) sent state code '\(code.prefix(40))', which the mapping does not know")
        case .goodCount, .scrapCount, .rate, .cycleTime:
            guard let number = value.number, number.isFinite else {
                throw Violation(field: name, rule: "number", message: "\(name) is a \(rule.signal.rawValue) and sent no number")
            }
            let mapped = number * (rule.factor ?? 1)
            guard mapped >= 0, mapped.isFinite else {
                throw Violation(field: name, rule: "non-negative", message: "\(name) sent \(mapped), below zero")
            }
            // A counter beyond what the plant records as a quantity is refused here, before it could become the last
            // reading the next one is compared with.
            if rule.signal == .goodCount || rule.signal == .scrapCount, mapped > Quantity.maximum {
                throw Violation(field: name, rule: "maximum", message: "\(name) sent \(mapped), beyond a counter's 1,000,000,000")
            }
            return MappedSignal(workCenter: rule.workCenter, signal: rule.signal, value: .number(mapped), at: at, rule: rule)
        }
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
    /// The rule that mapped it (its ideal rate, its threshold, whether counts are reported as production).
    public var rule: MachineSignalRule
    /// For a state: the code the machine sent, as text.
    public var code: String?
    public init(workCenter: WorkCenter.ID, signal: MachineSignalKind, value: Value, at: Date, rule: MachineSignalRule, code: String? = nil) {
        self.workCenter = workCenter
        self.signal = signal
        self.value = value
        self.at = at
        self.rule = rule
        self.code = code
    }

    /// The reason a state is recorded with: the plant's words for the code (and the code), or the signal and the code;
    /// at most 200 characters (what a machine state's reason may hold), so a long topic never gets a state refused.
    public func reason(source: MachineSignalSource) -> String {
        let text: String
        if let code, let words = rule.reasons?[code]?.trimmingCharacters(in: .whitespacesAndNewlines), !words.isEmpty {
            text = "\(words) (code \(code) from \(source))"
        } else if let code {
            text = "signal \(source) sent \(code)"
        } else {
            text = "signal \(source)"
        }
        return text.count <= 200 ? text : String(text.prefix(199)) + "…"
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
