public import Foundation
public import TaktCore

/// Sparkplug B traffic of an edge node whose devices are a plant's work centers, for demos, tests and benchmarks
/// (`takt simulate machines`): births, then every step each machine's state, good and scrap counters and rate, with
/// micro-stops, one slowdown and one breakdown in every cycle of ``cycle`` seconds. Pure and seeded: the same seed and
/// steps give the same messages. ``mapping`` is the mapping that reads its traffic.
public struct MachineSimulator: Sendable {
    /// State codes on the wire, as many machines send them.
    public static let stateCodes: [String: MachineState] = ["0": .idle, "1": .running, "2": .setup, "3": .down]
    /// The reasons the simulated controller gives its codes (a real plant's come from its PLC's fault list).
    public static let reasons: [String: String] = ["2": "Changeover", "3": "Machine breakdown"]
    public static let metricNames = (state: "State", good: "Good Count", scrap: "Scrap Count", rate: "Rate")
    /// A scenario repeats every 10 minutes: the slowdown from 30 s to 3.5 min, the breakdown from 1.5 to 4 min.
    public static let cycle: TimeInterval = 600

    public struct Machine: Sendable, Hashable {
        public var workCenter: WorkCenter.ID
        /// Parts an hour at full speed.
        public var idealRate: Double
        public var code: Int64 = 1
        public var good: Double = 0
        public var scrap: Double = 0
        public var rate: Double = 0
        /// Parts made but not yet whole (counters count whole parts).
        var partial: Double = 0
        /// A micro-stop's end.
        var stoppedUntil: TimeInterval?
    }

    public let group: String
    public let edgeNode: String
    public private(set) var machines: [Machine]
    /// Which machine slows down and which breaks down in each cycle (indices; the same when there is one machine).
    public let slowdown: Int
    public let breakdown: Int
    var rng: SimulatorRandom
    var seq: UInt64 = 0
    public private(set) var bdSeq: UInt64 = 0
    var started: Date?
    var published: [WorkCenter.ID: Machine] = [:]

    public init(group: String = "Takt", edgeNode: String, workCenters: [WorkCenter.ID], seed: UInt64, idealRate: Double = 60) {
        self.group = group
        self.edgeNode = edgeNode
        var rng = SimulatorRandom(seed: seed)
        self.machines = workCenters.map { Machine(workCenter: $0, idealRate: idealRate, good: Double(rng.next() % 5_000)) }
        let n = max(1, workCenters.count)
        self.slowdown = Int(rng.next() % UInt64(n))
        self.breakdown = n > 1 ? (slowdown + 1 + Int(rng.next() % UInt64(n - 1))) % n : slowdown
        self.rng = rng
    }

    /// The mapping that reads this simulator's traffic (state codes, counters, rate against the ideal).
    public var mapping: MachineSignalMapping {
        var rules: [MachineSignalRule] = []
        for m in machines {
            func source(_ metric: String) -> MachineSignalSource {
                .sparkplug(group: group, edgeNode: edgeNode, device: m.workCenter.rawValue, metric: metric)
            }
            rules.append(
                MachineSignalRule(
                    source: source(Self.metricNames.state),
                    workCenter: m.workCenter,
                    signal: .state,
                    stateCodes: Self.stateCodes,
                    reasons: Self.reasons
                )
            )
            rules.append(MachineSignalRule(source: source(Self.metricNames.good), workCenter: m.workCenter, signal: .goodCount))
            rules.append(MachineSignalRule(source: source(Self.metricNames.scrap), workCenter: m.workCenter, signal: .scrapCount))
            rules.append(MachineSignalRule(source: source(Self.metricNames.rate), workCenter: m.workCenter, signal: .rate, idealRate: m.idealRate))
        }
        return MachineSignalMapping(rules: rules)
    }

    func topic(_ type: SparkplugMessageType, device: WorkCenter.ID? = nil) -> String {
        SparkplugTopic(group: group, type: type, edgeNode: edgeNode, device: device?.rawValue).description
    }

    mutating func nextSeq() -> UInt64 {
        defer { seq = (seq + 1) % SparkplugNode.sequenceModulus }
        return seq
    }

    static func alias(_ metric: Int) -> UInt64 { UInt64(metric + 1) }

    func metrics(_ m: Machine, at now: Date, birth: Bool) -> [SparkplugMetric] {
        let names = [Self.metricNames.state, Self.metricNames.good, Self.metricNames.scrap, Self.metricNames.rate]
        let values: [SparkplugValue] = [.int(m.code), .unsigned(UInt64(m.good)), .unsigned(UInt64(m.scrap)), .double((m.rate * 10).rounded() / 10)]
        let old = published[m.workCenter]
        let oldValues: [SparkplugValue]? = old.map {
            [.int($0.code), .unsigned(UInt64($0.good)), .unsigned(UInt64($0.scrap)), .double(($0.rate * 10).rounded() / 10)]
        }
        return names.indices.compactMap { i in
            if !birth, let oldValues, oldValues[i] == values[i] { return nil }
            return SparkplugMetric(name: birth ? names[i] : "", alias: Self.alias(i), timestamp: now, value: values[i])
        }
    }

    /// The last will to register with the broker before connecting: the NDEATH of the next birth's `bdSeq`.
    public func will() -> (topic: String, payload: Data) {
        let payload = SparkplugPayload(seq: nil, timestamp: nil, metrics: [SparkplugMetric(name: "bdSeq", value: .unsigned(bdSeq))])
        return (topic(.ndeath), payload.serialized())
    }

    /// NBIRTH and a DBIRTH per machine, with every metric's name and alias (a new session: `seq` starts at 0).
    public mutating func births(at now: Date) -> [(topic: String, payload: Data)] {
        if started == nil { started = now }
        seq = 0
        var out: [(String, Data)] = []
        let node = SparkplugPayload(
            seq: nextSeq(),
            timestamp: now,
            metrics: [
                SparkplugMetric(name: "bdSeq", timestamp: now, value: .unsigned(bdSeq)),
                SparkplugMetric(name: "Node Control/Rebirth", timestamp: now, value: .bool(false)),
            ]
        )
        out.append((topic(.nbirth), node.serialized()))
        for m in machines {
            out.append(
                (
                    topic(.dbirth, device: m.workCenter),
                    SparkplugPayload(seq: nextSeq(), timestamp: now, metrics: metrics(m, at: now, birth: true)).serialized()
                )
            )
            published[m.workCenter] = m
        }
        return out
    }

    /// The NDEATH of this session; the next births are a new session (`bdSeq` + 1).
    public mutating func death() -> (topic: String, payload: Data) {
        let message = will()
        bdSeq = (bdSeq + 1) % 256
        return message
    }

    /// Sets machine `index`'s state code (0 idle, 1 running, 2 setup, 3 down) now: the DDATA payload that says so.
    public mutating func set(_ index: Int, code: Int64, at now: Date) -> Data {
        machines[index].code = code
        machines[index].rate = code == 1 ? machines[index].idealRate : 0
        let m = machines[index]
        published[m.workCenter] = m
        let metrics = [
            SparkplugMetric(name: "", alias: Self.alias(0), timestamp: now, value: .int(code)),
            SparkplugMetric(name: "", alias: Self.alias(3), timestamp: now, value: .double(m.rate)),
        ]
        return SparkplugPayload(seq: nextSeq(), timestamp: now, metrics: metrics).serialized()
    }

    /// Moves every machine on by `elapsed` seconds to `now` and answers DDATA for those whose metrics changed.
    public mutating func step(at now: Date, elapsed: TimeInterval) -> [(topic: String, payload: Data)] {
        if started == nil { started = now }
        let t = now.timeIntervalSince(started ?? now).truncatingRemainder(dividingBy: Self.cycle)
        var out: [(String, Data)] = []
        for i in machines.indices {
            var m = machines[i]
            var factor = 0.95 + Double(rng.next() % 100) / 1_000  // 95–105 % of the ideal
            if let until = m.stoppedUntil, t < until {
                m.code = 0
                factor = 0
            } else {
                m.stoppedUntil = nil
                m.code = 1
                if rng.next() % 200 == 0 {  // a micro-stop of 5–20 s, about every 3 minutes
                    m.stoppedUntil = t + 5 + Double(rng.next() % 16)
                }
            }
            if i == slowdown, t >= 30, t < 210 { factor = min(factor, 0.55) }
            if i == breakdown, t >= 90, t < 240 {
                m.code = 3
                factor = 0
            }
            m.rate = m.idealRate * factor
            m.partial += m.rate * elapsed / 3600
            let whole = m.partial.rounded(.down)
            if whole > 0 {
                m.partial -= whole
                let scrapped = rng.next() % 50 == 0 ? 1.0 : 0  // about 2 % scrap
                m.scrap += min(scrapped, whole)
                m.good += whole - min(scrapped, whole)
            }
            machines[i] = m
            let changed = metrics(m, at: now, birth: false)
            if !changed.isEmpty {
                out.append((topic(.ddata, device: m.workCenter), SparkplugPayload(seq: nextSeq(), timestamp: now, metrics: changed).serialized()))
                published[m.workCenter] = m
            }
        }
        return out
    }
}

/// A small seeded generator (SimulatorRandom64) for the simulator.
struct SimulatorRandom: Sendable, Hashable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
