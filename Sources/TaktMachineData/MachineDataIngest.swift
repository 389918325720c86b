public import Foundation
public import TaktCore

/// What the bridge should do after a message: record a machine state or a count, or publish (a rebirth request).
public enum MachineDataEffect: Sendable, Hashable {
    /// A work center's new state, held since `since`; `reason` says which signal said so.
    case state(workCenter: WorkCenter.ID, state: MachineState, since: Date, reason: String?, actualRate: Double?, idealRate: Double?)
    /// Parts counted since the last count (from the machine's counters, which are given too, with the signals they were
    /// read from).
    case count(
        workCenter: WorkCenter.ID,
        good: Double,
        scrap: Double,
        goodCounter: Double?,
        scrapCounter: Double?,
        goodCounterSource: String?,
        scrapCounterSource: String?,
        reportProduction: Bool
    )
    /// A message for the broker (a Sparkplug NCMD asking an edge node for a rebirth).
    case publish(topic: String, payload: Data)
}

/// The machine-data bridge's logic, pure: messages in (topic, bytes, when received), effects out. It keeps the Sparkplug
/// sessions, the mapping, each machine's signals and debouncer, and the status the bridge shows. The bridge (I/O)
/// carries the effects out: commands to the plant, messages to the broker.
///
/// Counts come from the machine's own counters: a reading minus the last one *of the same signal* is the parts made
/// since (a smaller reading in data is a reset, counted from zero; a smaller reading in a birth certificate, or the
/// first reading of another signal, is a new baseline: the edge node started over, and what it counted before is not
/// known to be new). The last readings are taken from the plant's log when the bridge starts
/// (``init(mapping:state:)``), so a message missed while the bridge was away is counted with the next reading. A state
/// counts once it has held for the mapping's debounce time; a running machine whose rate (or cycle time) is below its
/// rule's `slowBelow` share of the ideal is slow.
public struct MachineDataIngest: Sendable {
    public private(set) var mapping: MachineSignalMapping
    public private(set) var status = MachineDataStatus()
    var nodes: [String: SparkplugNode] = [:]
    var nodeInfo: [String: (lastMessageAt: Date?, rebirthRequests: Int, lastRebirthAt: Date?)] = [:]
    var machines: [WorkCenter.ID: Machine] = [:]
    /// The edge nodes (`group/edgeNode`) the mapping names: only they are followed (their sessions kept). Another node's
    /// births list its metrics as unmapped, and nothing else of it is kept, so a flood of unknown nodes holds no memory
    /// and locks no real one out.
    var followed: Set<String> = []

    /// At most one rebirth request to an edge node in this many seconds.
    public static let rebirthInterval: TimeInterval = 5

    struct Machine: Sendable {
        var debouncer: StateDebouncer
        var state: MachineState?
        var stateReason: String?
        var rate: Double?
        var rateRule: MachineSignalRule?
        var goodCounter: Double?
        var scrapCounter: Double?
        /// The signals the counters were last read from (nil: read from the log without one).
        var goodSource: String?
        var scrapSource: String?
        var status: MachineDataStatus.Machine
    }

    /// - Parameter state: the plant, for each machine's recorded state and last counter readings.
    public init(mapping: MachineSignalMapping, state: PlantState? = nil) {
        self.init(state?.machineDataView(for: mapping) ?? MachineDataView(mapping: mapping, machines: []))
    }

    /// - Parameter view: the plant's mapping, each machine's recorded state and last counter readings.
    public init(_ view: MachineDataView) {
        self.mapping = view.mapping
        self.followed = Self.edgeNodes(view.mapping)
        let readings = Dictionary(view.machines.map { ($0.workCenter, $0) }, uniquingKeysWith: { a, _ in a })
        for wc in Set(mapping.rules.map(\.workCenter)) {
            let r = readings[wc]
            var m = Machine(
                debouncer: StateDebouncer(hold: mapping.debounce, recorded: r?.state),
                status: MachineDataStatus.Machine(workCenter: wc)
            )
            m.goodCounter = r?.goodCounter
            m.scrapCounter = r?.scrapCounter
            m.goodSource = r?.goodCounterSource
            m.scrapSource = r?.scrapCounterSource
            m.status.goodCounter = m.goodCounter
            m.status.scrapCounter = m.scrapCounter
            machines[wc] = m
        }
    }

    /// A new mapping (in `view`, with the readings of its work centers): machines it no longer maps are forgotten, the
    /// debounce time applies from now on, and every edge node online is asked for a rebirth (its birth certificates carry
    /// every metric's current value, read by the new rules).
    public mutating func remap(_ view: MachineDataView, at now: Date) -> [MachineDataEffect] {
        let new = view.mapping
        let fresh = MachineDataIngest(view)
        for (wc, var m) in fresh.machines {
            if let old = machines[wc] {
                m = old
                m.debouncer.hold = new.debounce
            }
            machines[wc] = m
        }
        for wc in machines.keys where fresh.machines[wc] == nil { machines[wc] = nil }
        mapping = new
        followed = fresh.followed
        for key in nodes.keys where !followed.contains(key) { (nodes[key], nodeInfo[key]) = (nil, nil) }
        // Now-mapped sources are no longer listed as unmapped.
        let mappedSources = Set(new.rules.map(\.source.description))
        status.unmapped.removeAll { mappedSources.contains($0.source) }
        // Every followed node is asked for a rebirth (one not seen yet may be online: its birth brings its values).
        return followed.sorted().compactMap { key in
            if let node = nodes[key], !node.online { return nil }
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return nil }
            let node = nodes[key] ?? SparkplugNode(group: parts[0], edgeNode: parts[1])
            nodeInfo[key, default: (nil, 0, nil)].rebirthRequests += 1
            nodeInfo[key]?.lastRebirthAt = now
            let request = node.rebirthRequest(at: now)
            return .publish(topic: request.topic.description, payload: request.payload)
        }
    }

    /// `group/edgeNode` of every Sparkplug source of `mapping`.
    static func edgeNodes(_ mapping: MachineSignalMapping) -> Set<String> {
        Set(mapping.rules.compactMap { r in r.source.group.flatMap { g in r.source.edgeNode.map { "\(g)/\($0)" } } })
    }

    /// The status with the sessions' and machines' current picture.
    public func currentStatus(connection: MachineDataStatus.Connection? = nil) -> MachineDataStatus {
        var s = status
        s.connection = connection
        s.mappingRules = mapping.rules.count
        s.edgeNodes = nodes.keys.sorted().prefix(MachineDataStatus.maximumListed).compactMap { key in
            guard let node = nodes[key] else { return nil }
            let info = nodeInfo[key]
            return MachineDataStatus.EdgeNode(
                group: node.group,
                edgeNode: node.edgeNode,
                online: node.online,
                devices: node.onlineDevices.filter { !$0.isEmpty }.sorted(),
                lastMessageAt: info?.lastMessageAt,
                rebirthRequests: info?.rebirthRequests ?? 0
            )
        }
        s.machines = machines.keys.sorted().compactMap { machines[$0]?.status }
        s.unmapped.sort { ($0.messages, $1.source) > ($1.messages, $0.source) }
        return s
    }

    // MARK: Messages

    /// Takes one message: the effects to carry out, in order.
    public mutating func receive(topic: String, payload: Data, at now: Date) -> [MachineDataEffect] {
        status.messagesReceived += 1
        if topic.hasPrefix(SparkplugTopic.namespace + "/") {
            return receiveSparkplug(topic: topic, payload: payload, at: now)
        }
        if mapping.jsonTopics.contains(topic) {
            return receiveJSON(topic: topic, payload: payload, at: now)
        }
        status.unmappedSeen(topic, at: now)
        return []
    }

    /// Time has passed: states that have now held long enough.
    public mutating func tick(_ now: Date) -> [MachineDataEffect] {
        var effects: [MachineDataEffect] = []
        for wc in machines.keys.sorted() {
            guard var m = machines[wc] else { continue }
            if let change = m.debouncer.tick(now) { effects.append(stateEffect(wc, m, change)) }
            machines[wc] = m
        }
        status.statesRecorded += effects.count
        return effects
    }

    mutating func refuse(_ v: Violation, topic: String, at: Date) {
        status.refuse(MachineDataStatus.Problem(at: at, topic: String(topic.prefix(300)), field: v.field, rule: v.rule, message: v.message))
    }

    mutating func receiveSparkplug(topic: String, payload: Data, at now: Date) -> [MachineDataEffect] {
        let parsed: SparkplugTopic
        do {
            parsed = try SparkplugTopic(parsing: topic)
        } catch {
            refuse(error, topic: topic, at: now)
            return []
        }
        if parsed.type == .ncmd || parsed.type == .dcmd || parsed.type == .state { return [] }  // commands (ours too): not data
        let decoded: SparkplugPayload
        do {
            decoded = try SparkplugPayload(decoding: payload)
        } catch {
            refuse(error, topic: topic, at: now)
            return []
        }
        let key = "\(parsed.group)/\(parsed.edgeNode)"
        guard followed.contains(key) else {
            // No rule names this edge node: its births' metrics are listed (so rules can be written for them), nothing
            // else of it is kept.
            if parsed.type == .nbirth || parsed.type == .dbirth {
                for metric in decoded.metrics where metric.name != "bdSeq" && !metric.name.isEmpty {
                    let source = MachineSignalSource.sparkplug(
                        group: parsed.group,
                        edgeNode: parsed.edgeNode,
                        device: parsed.device,
                        metric: metric.name
                    )
                    status.unmappedSeen(source.description, at: now)
                }
            }
            return []
        }
        var node = nodes[key] ?? SparkplugNode(group: parsed.group, edgeNode: parsed.edgeNode)
        let outcome = node.receive(parsed, decoded)
        nodes[key] = node
        nodeInfo[key, default: (nil, 0, nil)].lastMessageAt = now
        switch outcome {
        case .metrics(let device, let metrics, let birth):
            var effects: [MachineDataEffect] = []
            var touched: Set<WorkCenter.ID> = []
            for metric in metrics {
                let source = MachineSignalSource.sparkplug(group: parsed.group, edgeNode: parsed.edgeNode, device: device, metric: metric.name)
                do {
                    guard
                        let signal = try mapping.map(
                            group: parsed.group,
                            edgeNode: parsed.edgeNode,
                            device: device,
                            metric: metric,
                            receivedAt: now
                        )
                    else {
                        if !birth, metric.name != "bdSeq" { status.unmappedSeen(source.description, at: now) }
                        continue
                    }
                    touched.insert(signal.workCenter)
                    effects += take(signal, source: source, birth: birth, at: now)
                } catch {
                    refuse(error, topic: topic, at: now)
                }
            }
            for wc in touched.sorted() { effects += settle(wc, at: now) }
            return effects
        case .died(let device):
            distrust(group: parsed.group, edgeNode: parsed.edgeNode, device: device)
            return []
        case .rebirthNeeded(let reason):
            refuse(reason, topic: topic, at: now)
            distrust(group: parsed.group, edgeNode: parsed.edgeNode, device: nil)
            var info = nodeInfo[key] ?? (nil, 0, nil)
            if let last = info.lastRebirthAt, now.timeIntervalSince(last) < Self.rebirthInterval, now >= last { return [] }
            info.lastRebirthAt = now
            info.rebirthRequests += 1
            nodeInfo[key] = info
            let request = node.rebirthRequest(at: now)
            return [.publish(topic: request.topic.description, payload: request.payload)]
        case .ignored:
            return []
        }
    }

    /// The machines whose signals come from this edge node (or only its `device`) are no longer trusted: it died, or a
    /// gap made its data untrustworthy until its rebirth.
    mutating func distrust(group: String, edgeNode: String, device: String?) {
        for (wc, var m) in machines where m.status.signalsTrusted {
            let sources = mapping.rules.filter { $0.workCenter == wc }.map(\.source)
            if sources.contains(where: { $0.group == group && $0.edgeNode == edgeNode && (device == nil || $0.device == device) }) {
                m.status.signalsTrusted = false
                machines[wc] = m
            }
        }
    }

    mutating func receiveJSON(topic: String, payload: Data, at now: Date) -> [MachineDataEffect] {
        guard payload.count <= SparkplugPayload.maximumBytes else {
            let message = "a message on \(topic) has \(payload.count) bytes, over the 1 MiB a message may have"
            refuse(Violation(field: "payload", rule: "max-size", message: message), topic: topic, at: now)
            return []
        }
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: payload) else {
            refuse(Violation(field: "payload", rule: "json", message: "a message on \(topic) must be a JSON object"), topic: topic, at: now)
            return []
        }
        var effects: [MachineDataEffect] = []
        var touched: Set<WorkCenter.ID> = []
        for key in object.keys.sorted() {
            let source = MachineSignalSource.json(topic: topic, field: key)
            let value: SparkplugValue =
                switch object[key] {
                case .bool(let b)?: .bool(b)
                case .number(let n)?: .double(n)
                case .string(let s)?: .string(s)
                default: .unsupported
                }
            do {
                guard let signal = try mapping.map(source, value: value, at: now, name: "\(topic): \(key)") else {
                    status.unmappedSeen(source.description, at: now)
                    continue
                }
                touched.insert(signal.workCenter)
                effects += take(signal, source: source, birth: false, at: now)
            } catch {
                refuse(error, topic: topic, at: now)
            }
        }
        for wc in touched.sorted() { effects += settle(wc, at: now) }
        return effects
    }

    // MARK: Signals

    /// One mapped value: counts become effects at once; states and rates are settled per machine after the message.
    /// `birth`: the value came in a Sparkplug birth certificate (a new session of its edge node).
    mutating func take(_ signal: MappedSignal, source: MachineSignalSource, birth: Bool, at now: Date) -> [MachineDataEffect] {
        status.signalsMapped += 1
        let wc = signal.workCenter
        var m =
            machines[wc]
            ?? Machine(debouncer: StateDebouncer(hold: mapping.debounce), status: MachineDataStatus.Machine(workCenter: wc))
        m.status.lastSignalAt = now
        m.status.signalsTrusted = true
        defer { machines[wc] = m }
        switch (signal.signal, signal.value) {
        case (.state, .state(let s)):
            m.state = s
            m.stateReason = signal.reason(source: source)
            m.status.signalledState = s
        case (.rate, .number(let r)):
            m.rate = r
            m.rateRule = signal.rule
            m.status.rate = r
            m.status.idealRate = signal.rule.idealRate
        case (.cycleTime, .number(let seconds)):
            m.rate = seconds > 0 ? 3600 / seconds : 0
            m.rateRule = signal.rule
            m.status.rate = m.rate
            m.status.idealRate = signal.rule.idealRate
        case (.goodCount, .number(let reading)), (.scrapCount, .number(let reading)):
            let good = signal.signal == .goodCount
            let from = source.description
            let (last, lastSource) = good ? (m.goodCounter, m.goodSource) : (m.scrapCounter, m.scrapSource)
            if good {
                (m.goodCounter, m.goodSource) = (reading, from)
            } else {
                (m.scrapCounter, m.scrapSource) = (reading, from)
            }
            m.status.goodCounter = m.goodCounter
            m.status.scrapCounter = m.scrapCounter
            // A first reading (no earlier one, in the log either) is the baseline: when its parts were made is unknown. So
            // is the first reading of another signal than the last one (its counter is another counter), and a smaller
            // reading in a birth certificate (the edge node started over, from a value of its own).
            guard let last, lastSource == nil || lastSource == from, !(birth && reading < last) else { return [] }
            let made = reading >= last ? reading - last : reading  // smaller, within a session: the counter was reset
            guard made > 0 else { return [] }
            status.countsRecorded += 1
            return [
                .count(
                    workCenter: wc,
                    good: good ? made : 0,
                    scrap: good ? 0 : made,
                    goodCounter: m.goodCounter,
                    scrapCounter: m.scrapCounter,
                    goodCounterSource: m.goodSource,
                    scrapCounterSource: m.scrapSource,
                    reportProduction: signal.rule.reportProduction ?? false
                )
            ]
        default:
            break
        }
        return []
    }

    /// The state a machine's signals say now, through its debouncer.
    mutating func settle(_ wc: WorkCenter.ID, at now: Date) -> [MachineDataEffect] {
        guard var m = machines[wc] else { return [] }
        defer { machines[wc] = m }
        var state = m.state
        if let rate = m.rate, let rule = m.rateRule, let ideal = rule.idealRate, ideal > 0 {
            let running = state == nil || state == .running || state == .slow
            if running {
                if rate <= 0 {
                    if state == nil { state = .idle }
                } else {
                    state = rate < ideal * (rule.slowBelow ?? MachineSignalRule.defaultSlowBelow) ? .slow : .running
                }
            }
        }
        guard let state else { return [] }
        m.status.signalledState = state
        guard let change = m.debouncer.observe(state, at: now) else { return [] }
        status.statesRecorded += 1
        return [stateEffect(wc, m, change)]
    }

    func stateEffect(_ wc: WorkCenter.ID, _ m: Machine, _ change: (state: MachineState, since: Date)) -> MachineDataEffect {
        let slow = change.state == .slow
        let ideal = m.rateRule?.idealRate
        return .state(
            workCenter: wc,
            state: change.state,
            since: change.since,
            reason: change.state == .down ? (m.stateReason ?? "signal") : nil,
            actualRate: slow ? m.rate : nil,
            idealRate: slow ? ideal : nil
        )
    }

    /// Records that the plant refused a command the bridge sent (the status counts it).
    public mutating func commandRefused(_ v: Violation, topic: String, at: Date) {
        status.commandsRefused += 1
        refuse(v, topic: topic, at: at)
        status.messagesRefused -= 1  // the message itself was taken
    }

    /// Records what the bridge carried out.
    public mutating func noteProduction(reported: Bool) {
        if reported { status.productionReported += 1 } else { status.countsWithoutOperation += 1 }
    }

    public mutating func noteQueue(depth: Int) {
        status.queued = depth
        status.maximumQueued = max(status.maximumQueued, depth)
    }
}
