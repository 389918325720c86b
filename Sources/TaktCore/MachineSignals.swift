public import Foundation

// The mapping from what machines publish to what Takt records, as data in the plant's log: a Sparkplug device's metric
// (or a plain MQTT topic's JSON field) → a work center and a signal, with the transform of its values (state codes, a
// unit factor). The machine-data bridge looks each metric up here; what no rule maps is counted and listed by the
// bridge, never dropped silently. Defined with the `defineMachineSignalMapping` command (the whole mapping at once).

/// What a signal means for the plant.
public enum MachineSignalKind: String, StringChoice, Codable, Sendable, CaseIterable {
    /// The machine's state, from a code (`stateCodes`) or a word (running, slow, setup, idle, down).
    case state
    /// Good parts made: the machine's counter, which only grows (a smaller reading is a reset, counted from zero).
    case goodCount = "good-count"
    /// Scrapped parts: a counter like `good-count`.
    case scrapCount = "scrap-count"
    /// The current rate (parts an hour after `factor`); below `slowBelow` × `idealRate` a running machine is slow.
    case rate
    /// The last cycle's time (seconds after `factor`); above `idealRate`'s cycle by `slowBelow` a running machine is slow.
    case cycleTime = "cycle-time"
}

/// Where a signal comes from: a Sparkplug metric of an edge node's device, or a field of a plain JSON topic.
public struct MachineSignalSource: Codable, Sendable, Hashable, CustomStringConvertible {
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

    /// `group/edgeNode/device: metric` for Sparkplug, `topic: field` for JSON.
    public var description: String {
        if let topic { return "\(topic): \(field ?? "")" }
        return [group, edgeNode, device].compactMap { $0 }.joined(separator: "/") + ": " + (metric ?? "")
    }
}

/// One rule of the mapping.
public struct MachineSignalRule: Codable, Sendable, Hashable {
    public var source: MachineSignalSource
    public var workCenter: WorkCenter.ID
    public var signal: MachineSignalKind
    /// For `state`: the machine's codes (as text, "1", "RUN") → Takt's states. Without it, the words themselves.
    public var stateCodes: [String: MachineState]?
    /// For `state`: the machine's codes (as text) → the reason in the plant's words ("3": "Spindle drive fault"), recorded
    /// with a down state (and shown with any state). Without it, the reason names the signal and the code it sent.
    public var reasons: [String: String]?
    /// For numbers: multiplied before use (e.g. 60 for parts a minute → an hour).
    public var factor: Double?
    /// For `rate` and `cycle-time`: the work center's ideal rate, parts an hour (required for them).
    public var idealRate: Double?
    /// For `rate` and `cycle-time`: a running machine below this share of its ideal rate is slow (default 0.9).
    public var slowBelow: Double?
    /// For counts: also report the quantities on the operation running at the work center (a production report), not
    /// only the machine's count.
    public var reportProduction: Bool?

    public static let defaultSlowBelow = 0.9
    public static let maximumReasons = 1_000

    public init(
        source: MachineSignalSource,
        workCenter: WorkCenter.ID,
        signal: MachineSignalKind,
        stateCodes: [String: MachineState]? = nil,
        reasons: [String: String]? = nil,
        factor: Double? = nil,
        idealRate: Double? = nil,
        slowBelow: Double? = nil,
        reportProduction: Bool? = nil
    ) {
        self.source = source
        self.workCenter = workCenter
        self.signal = signal
        self.stateCodes = stateCodes
        self.reasons = reasons
        self.factor = factor
        self.idealRate = idealRate
        self.slowBelow = slowBelow
        self.reportProduction = reportProduction
    }
}

/// The plant's mapping: its rules and how long a machine's new state must hold before it is recorded.
public struct MachineSignalMapping: Codable, Sendable, Hashable {
    public var rules: [MachineSignalRule]
    /// A machine's new state is recorded once it has held this long (seconds; default 1), so a chattering signal does
    /// not flood the log. 0 records every change at once.
    public var debounceSeconds: Double?

    public static let defaultDebounceSeconds = 1.0
    public static let maximumRules = 2_000

    public init(rules: [MachineSignalRule], debounceSeconds: Double? = nil) {
        self.rules = rules
        self.debounceSeconds = debounceSeconds
    }

    public var debounce: TimeInterval { debounceSeconds ?? Self.defaultDebounceSeconds }

    /// Every rule broken, each naming the rule's index and field: a source that is neither a whole Sparkplug metric nor
    /// a whole JSON field, a source mapped twice, a factor that is not a positive finite number, state codes on a
    /// signal that is not a state, a rate without its ideal, a work center the plant does not have (when `workCenters`
    /// is given).
    public func violations(workCenters: Set<WorkCenter.ID>? = nil) -> [Violation] {
        var out: [Violation] = []
        if rules.count > Self.maximumRules {
            out.append(Violation(field: "rules", rule: "max-count", message: "a mapping has at most \(Self.maximumRules) rules (got \(rules.count))"))
        }
        if let d = debounceSeconds, !(d.isFinite && d >= 0 && d <= 600) {
            out.append(Violation(field: "debounceSeconds", rule: "range", message: "debounceSeconds must be between 0 and 600 (got \(d))"))
        }
        var seen: [MachineSignalSource: Int] = [:]
        for (i, rule) in rules.enumerated() {
            let s = rule.source
            let sparkplug = [s.group, s.edgeNode, s.metric].allSatisfy { !($0 ?? "").isEmpty }
            let json = !(s.topic ?? "").isEmpty && !(s.field ?? "").isEmpty
            let partlyJSON = s.topic != nil || s.field != nil
            let partlySparkplug = s.group != nil || s.edgeNode != nil || s.device != nil || s.metric != nil
            if sparkplug == json || (sparkplug && partlyJSON) || (json && partlySparkplug) {
                out.append(
                    Violation(
                        field: "rules[\(i)].source",
                        rule: "one-of",
                        message: "a source is either a Sparkplug metric (group, edgeNode, metric; device optional) or a JSON field (topic, field)"
                    )
                )
            }
            for (name, value) in [("topic", s.topic), ("group", s.group), ("edgeNode", s.edgeNode), ("device", s.device)] {
                if let value, value.contains(where: { "+#".contains($0) }) {
                    out.append(
                        Violation(
                            field: "rules[\(i)].source.\(name)",
                            rule: "no-wildcard",
                            message: "\(name) names one topic level exactly; MQTT wildcards (+, #) are not allowed"
                        )
                    )
                }
            }
            if let first = seen[s] {
                out.append(Violation(field: "rules[\(i)].source", rule: "unique", message: "the same source is mapped by rules[\(first)]"))
            } else {
                seen[s] = i
            }
            if let workCenters, !workCenters.contains(rule.workCenter) {
                out.append(
                    Violation(field: "rules[\(i)].workCenter", rule: "exists", message: "work center '\(rule.workCenter)' does not exist")
                )
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
            if let reasons = rule.reasons {
                if rule.signal != .state {
                    out.append(
                        Violation(
                            field: "rules[\(i)].reasons",
                            rule: "state-only",
                            message: "reasons name a state signal's codes, not \(rule.signal.rawValue)"
                        )
                    )
                } else if reasons.count > MachineSignalRule.maximumReasons {
                    out.append(
                        Violation(
                            field: "rules[\(i)].reasons",
                            rule: "max-count",
                            message: "a rule has at most \(MachineSignalRule.maximumReasons) reasons (got \(reasons.count))"
                        )
                    )
                } else {
                    for (code, reason) in reasons.sorted(by: { $0.key < $1.key }) {
                        let words = reason.trimmingCharacters(in: .whitespacesAndNewlines)
                        if code.isEmpty || words.isEmpty || code.count > 40 || words.count > 200 {
                            out.append(
                                Violation(
                                    field: "rules[\(i)].reasons",
                                    rule: "format",
                                    message: "each reason is a code of 1 to 40 characters and words of 1 to 200 (code '\(code.prefix(40))')"
                                )
                            )
                            break
                        }
                    }
                }
            }
            let paced = rule.signal == .rate || rule.signal == .cycleTime
            if paced {
                if let ideal = rule.idealRate {
                    if !(ideal.isFinite && ideal > 0) {
                        out.append(
                            Violation(field: "rules[\(i)].idealRate", rule: "positive", message: "idealRate must be a positive number (got \(ideal))")
                        )
                    }
                } else {
                    out.append(
                        Violation(
                            field: "rules[\(i)].idealRate",
                            rule: "required",
                            message: "a \(rule.signal.rawValue) signal needs the work center's ideal rate (parts an hour) to tell slow from running"
                        )
                    )
                }
                if let s = rule.slowBelow, !(s.isFinite && s > 0 && s <= 1) {
                    out.append(
                        Violation(
                            field: "rules[\(i)].slowBelow",
                            rule: "range",
                            message: "slowBelow is a share of the ideal rate, above 0 and at most 1 (got \(s))"
                        )
                    )
                }
            } else {
                if rule.idealRate != nil {
                    out.append(
                        Violation(field: "rules[\(i)].idealRate", rule: "rate-only", message: "idealRate applies to rate and cycle-time signals")
                    )
                }
                if rule.slowBelow != nil {
                    out.append(
                        Violation(field: "rules[\(i)].slowBelow", rule: "rate-only", message: "slowBelow applies to rate and cycle-time signals")
                    )
                }
            }
            if rule.reportProduction != nil, rule.signal != .goodCount, rule.signal != .scrapCount {
                out.append(
                    Violation(
                        field: "rules[\(i)].reportProduction",
                        rule: "count-only",
                        message: "reportProduction applies to good-count and scrap-count signals"
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

    /// The JSON topics the mapping reads (each once, in the rules' order).
    public var jsonTopics: [String] {
        var seen = Set<String>()
        return rules.compactMap(\.source.topic).filter { seen.insert($0).inserted }
    }
}

/// What the machine-data bridge reads of the plant when it starts and whenever the mapping changes: the mapping and,
/// for each mapped work center, its recorded state and the machine's last counter readings (from which counting
/// resumes). `GET /api/v1/machine-data/readings` serves it to a bridge running on its own (`takt bridge`).
public struct MachineDataView: Codable, Sendable, Hashable {
    public struct Reading: Codable, Sendable, Hashable {
        public var workCenter: WorkCenter.ID
        public var state: MachineState?
        public var goodCounter: Double?
        public var scrapCounter: Double?
        /// The signals those readings came from (nil when recorded without one).
        public var goodCounterSource: String?
        public var scrapCounterSource: String?
        public init(
            workCenter: WorkCenter.ID,
            state: MachineState? = nil,
            goodCounter: Double? = nil,
            scrapCounter: Double? = nil,
            goodCounterSource: String? = nil,
            scrapCounterSource: String? = nil
        ) {
            self.workCenter = workCenter
            self.state = state
            self.goodCounter = goodCounter
            self.scrapCounter = scrapCounter
            self.goodCounterSource = goodCounterSource
            self.scrapCounterSource = scrapCounterSource
        }
    }
    public var mapping: MachineSignalMapping
    public var machines: [Reading]
    public init(mapping: MachineSignalMapping, machines: [Reading]) {
        self.mapping = mapping
        self.machines = machines
    }
}

extension PlantState {
    /// The mapping and the readings of its work centers (see ``MachineDataView``).
    public var machineDataView: MachineDataView { machineDataView(for: machineSignalMapping) }

    /// `mapping` and the readings of its work centers.
    public func machineDataView(for mapping: MachineSignalMapping) -> MachineDataView {
        let machines = Set(mapping.rules.map(\.workCenter)).sorted().map { wc in
            let counts = machineCounts[wc] ?? []
            let good = counts.last { $0.goodCounter != nil }
            let scrap = counts.last { $0.scrapCounter != nil }
            return MachineDataView.Reading(
                workCenter: wc,
                state: machineStates[wc]?.last?.state,
                goodCounter: good?.goodCounter,
                scrapCounter: scrap?.scrapCounter,
                goodCounterSource: good?.goodCounterSource,
                scrapCounterSource: scrap?.scrapCounterSource
            )
        }
        return MachineDataView(mapping: mapping, machines: machines)
    }
}
