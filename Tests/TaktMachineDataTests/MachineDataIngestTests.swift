import Foundation
import TaktCore
import TaktMachineData
import Testing

/// Replays one seed: `TAKT_SEED=123 swift test --filter MachineDataIngestTests`.
private let seeds: [UInt64] = ProcessInfo.processInfo.environment["TAKT_SEED"].flatMap(UInt64.init).map { [$0] } ?? Array(1...40)
private let t0 = Date(timeIntervalSince1970: 1_795_586_400)

@Suite("Machine-data ingest: messages in, the plant's states and counts out")
struct MachineDataIngestTests {
    /// Sums the parts the effects count per work center.
    static func counted(_ effects: [MachineDataEffect]) -> [WorkCenter.ID: Double] {
        var out: [WorkCenter.ID: Double] = [:]
        for case .count(let wc, let good, let scrap, _, _, _, _, _) in effects { out[wc, default: 0] += good + scrap }
        return out
    }

    @Test(
        "Random traffic with lost, repeated and garbled messages, seeded: parts are never counted twice, and after a rebirth every part is counted once"
    )
    func randomTraffic() {
        for seed in seeds {
            var rng = SplitMix(state: seed)
            var sim = MachineSimulator(edgeNode: "Line", workCenters: ["WC-A", "WC-B", "WC-C"], seed: seed)
            var ingest = MachineDataIngest(mapping: sim.mapping)
            var counted: [WorkCenter.ID: Double] = [:]
            func take(_ messages: [(topic: String, payload: Data)], at: Date) {
                for m in messages {
                    let effects = ingest.receive(topic: m.topic, payload: m.payload, at: at)
                    for (wc, n) in Self.counted(effects) { counted[wc, default: 0] += n }
                }
            }
            var t = t0
            take(sim.births(at: t), at: t)
            let baseline = Dictionary(uniqueKeysWithValues: sim.machines.map { ($0.workCenter, $0.good + $0.scrap) })
            for _ in 0..<200 {
                t = t.addingTimeInterval(Double(rng.next() % 30 + 1))
                var messages = sim.step(at: t, elapsed: 30)
                switch rng.next() % 10 {
                case 0: messages.removeAll()  // lost
                case 1: messages += messages  // delivered twice (QoS 1 redelivery)
                case 2: messages = messages.map { ($0.topic, Data($0.payload.shuffled(using: &rng))) }  // garbled
                case 3: take(sim.births(at: t), at: t)  // the node was born again
                default: break
                }
                take(messages, at: t)
                for m in sim.machines {
                    #expect(
                        counted[m.workCenter, default: 0] <= m.good + m.scrap - baseline[m.workCenter]!,
                        "seed \(seed): \(m.workCenter) is never counted beyond its counters"
                    )
                }
            }
            // A final rebirth: every part made since the first birth is counted exactly once.
            t = t.addingTimeInterval(1)
            take(sim.births(at: t), at: t)
            for m in sim.machines {
                #expect(counted[m.workCenter, default: 0] == m.good + m.scrap - baseline[m.workCenter]!, "seed \(seed): \(m.workCenter)")
            }
            let status = ingest.currentStatus()
            #expect(status.messagesReceived >= status.messagesRefused, "seed \(seed)")
        }
    }

    @Test("A restart resumes from the counters in the log: parts made while the bridge was away are counted with the next reading")
    func resumesFromTheLog() {
        var sim = MachineSimulator(edgeNode: "Line", workCenters: ["WC-A"], seed: 4)
        var state = PlantState()
        state.machineCounts["WC-A"] = [MachineCount(workCenter: "WC-A", count: 3, at: t0, goodCounter: sim.machines[0].good - 5, scrapCounter: 0)]
        var ingest = MachineDataIngest(mapping: sim.mapping, state: state)
        let effects = sim.births(at: t0).flatMap { ingest.receive(topic: $0.topic, payload: $0.payload, at: t0) }
        #expect(Self.counted(effects)["WC-A"] == 5, "the five parts made since the last count in the log")
    }

    /// A JSON counter rule on `topic`'s field `good` for WC-A.
    static func counterRule(_ topic: String) -> MachineSignalRule {
        MachineSignalRule(source: .json(topic: topic, field: "good"), workCenter: "WC-A", signal: .goodCount)
    }

    static func reading(_ ingest: inout MachineDataIngest, _ topic: String, _ value: String) -> Double? {
        Self.counted(ingest.receive(topic: topic, payload: Data(#"{"good": \#(value)}"#.utf8), at: t0))["WC-A"]
    }

    @Test(
        "A counter read from another signal (the mapping changed, live or while the bridge was away) starts a new baseline; it is never compared with the old one"
    )
    func anotherSignalIsANewBaseline() {
        var ingest = MachineDataIngest(mapping: MachineSignalMapping(rules: [Self.counterRule("m/1")]))
        #expect(Self.reading(&ingest, "m/1", "100") == nil, "the first reading is the baseline")
        #expect(Self.reading(&ingest, "m/1", "110") == 10)
        let moved = MachineSignalMapping(rules: [Self.counterRule("m/2")])
        _ = ingest.remap(MachineDataView(mapping: moved, machines: []), at: t0)
        #expect(Self.reading(&ingest, "m/2", "5000") == nil, "another machine's counter: a baseline, not 4,890 parts")
        #expect(Self.reading(&ingest, "m/2", "5003") == 3)

        // The same through the log: the last count names the signal its counter came from.
        var state = PlantState()
        let old = MachineSignalSource.json(topic: "m/1", field: "good").description
        state.machineCounts["WC-A"] = [MachineCount(workCenter: "WC-A", count: 10, at: t0, goodCounter: 110, goodCounterSource: old)]
        var restarted = MachineDataIngest(mapping: moved, state: state)
        #expect(Self.reading(&restarted, "m/2", "5000") == nil)
        var resumed = MachineDataIngest(mapping: MachineSignalMapping(rules: [Self.counterRule("m/1")]), state: state)
        #expect(Self.reading(&resumed, "m/1", "117") == 7, "the same signal resumes from the log's reading")
        let effects = resumed.receive(topic: "m/1", payload: Data(#"{"good": 120}"#.utf8), at: t0)
        #expect(effects.contains { if case .count(_, _, _, 120, _, old, _, _) = $0 { true } else { false } }, "the count names its signal")
    }

    @Test(
        "A smaller counter in a birth certificate is a new baseline (the edge node started over); within a session a smaller one is a reset, counted from zero"
    )
    func smallerCounters() throws {
        var sim = MachineSimulator(edgeNode: "Line", workCenters: ["WC-A"], seed: 1)
        var ingest = MachineDataIngest(mapping: sim.mapping)
        var counted = 0.0
        func take(_ messages: [(topic: String, payload: Data)]) {
            for m in messages { counted += Self.counted(ingest.receive(topic: m.topic, payload: m.payload, at: t0))["WC-A"] ?? 0 }
        }
        take(sim.births(at: t0))
        take(sim.step(at: t0.addingTimeInterval(600), elapsed: 600))
        let before = counted
        #expect(before > 0)
        // The simulator restarts with counters of its own, lower than the last ones: nothing is counted for them.
        var again = try #require(
            (2...200).lazy.map { MachineSimulator(edgeNode: "Line", workCenters: ["WC-A"], seed: $0) }.first {
                $0.machines[0].good + $0.machines[0].scrap < sim.machines[0].good + sim.machines[0].scrap
            }
        )
        let start = again.machines[0].good + again.machines[0].scrap
        take(again.births(at: t0.addingTimeInterval(601)))
        #expect(counted == before, "a restarted edge node's lower counters are a baseline, not thousands of parts")
        take(again.step(at: t0.addingTimeInterval(1201), elapsed: 600))
        #expect(counted == before + again.machines[0].good + again.machines[0].scrap - start, "then counted from them")

        var json = MachineDataIngest(mapping: MachineSignalMapping(rules: [Self.counterRule("m/1")]))
        _ = Self.reading(&json, "m/1", "100")
        #expect(Self.reading(&json, "m/1", "4") == 4, "a counter reset within a session: the 4 parts since")
    }

    @Test("A counter reading beyond what the plant records is refused by rule and does not become the last reading")
    func hugeCounterRefused() {
        var ingest = MachineDataIngest(mapping: MachineSignalMapping(rules: [Self.counterRule("m/1")]))
        _ = Self.reading(&ingest, "m/1", "100")
        #expect(Self.reading(&ingest, "m/1", "1e300") == nil)
        #expect(ingest.currentStatus().refusedByRule["maximum"] == 1)
        #expect(Self.reading(&ingest, "m/1", "120") == 20, "compared with the last good reading, 100")
        #expect(ingest.currentStatus().machines.first?.goodCounter == 120)
    }

    @Test(
        "Births from a thousand edge nodes no rule names are listed as unmapped and keep nothing: a real node is followed after them, and shown alone"
    )
    func floodOfUnknownNodes() {
        var sim = MachineSimulator(edgeNode: "Line", workCenters: ["WC-A"], seed: 2)
        var ingest = MachineDataIngest(mapping: sim.mapping)
        let group = sim.mapping.rules[0].source.group ?? ""
        for i in 0..<1_500 {
            let birth = SparkplugPayload(seq: 0, timestamp: t0, metrics: [SparkplugMetric(name: "Temperature", value: .double(Double(i)))])
            #expect(ingest.receive(topic: "spBv1.0/\(group)/NBIRTH/Flood-\(i)", payload: birth.serialized(), at: t0).isEmpty)
            _ = ingest.receive(topic: "spBv1.0/\(group)/NDATA/Flood-\(i)", payload: birth.serialized(), at: t0)
        }
        var counted = 0.0
        for m in sim.births(at: t0) + sim.step(at: t0.addingTimeInterval(600), elapsed: 600) {
            counted += Self.counted(ingest.receive(topic: m.topic, payload: m.payload, at: t0))["WC-A"] ?? 0
        }
        #expect(counted > 0, "the real edge node is followed")
        let status = ingest.currentStatus()
        #expect(status.edgeNodes.map(\.edgeNode) == ["Line"], "only the node the mapping names is shown")
        #expect(status.messagesRefused == 0, "\(status.problems.prefix(3))")
        #expect(status.unmapped.count == MachineDataStatus.maximumListed && status.unmappedNotListed == 1_500 - MachineDataStatus.maximumListed)
        #expect(status.unmapped.contains { $0.source == "\(group)/Flood-0: Temperature" })
    }

    @Test("After a gap the node's machines are not trusted until its rebirth, and what comes meanwhile says it waits for that rebirth")
    func gapDistrustsUntilRebirth() throws {
        var sim = MachineSimulator(edgeNode: "Line", workCenters: ["WC-A"], seed: 3)
        var ingest = MachineDataIngest(mapping: sim.mapping)
        for m in sim.births(at: t0) { _ = ingest.receive(topic: m.topic, payload: m.payload, at: t0) }
        _ = sim.step(at: t0.addingTimeInterval(1), elapsed: 1)  // lost
        for m in sim.step(at: t0.addingTimeInterval(2), elapsed: 1) + sim.step(at: t0.addingTimeInterval(3), elapsed: 1) {
            _ = ingest.receive(topic: m.topic, payload: m.payload, at: t0)
        }
        var status = ingest.currentStatus()
        #expect(status.machines.first?.signalsTrusted == false && status.edgeNodes.first?.online == true)
        #expect(status.refusedByRule["sequence-gap"] == 1 && status.refusedByRule["awaiting-rebirth", default: 0] >= 1, "\(status.refusedByRule)")
        for m in sim.births(at: t0.addingTimeInterval(4)) { _ = ingest.receive(topic: m.topic, payload: m.payload, at: t0) }
        status = ingest.currentStatus()
        #expect(status.machines.first?.signalsTrusted == true, "trusted again after the rebirth")
    }

    @Test("JSON messages: too big, not an object, and a null where a state or a count is due are each refused by their rule")
    func jsonRefusals() {
        let state = MachineSignalRule(source: .json(topic: "m/1", field: "state"), workCenter: "WC-A", signal: .state)
        var ingest = MachineDataIngest(mapping: MachineSignalMapping(rules: [state, Self.counterRule("m/1")]))
        for payload in [String(repeating: " ", count: 1_100_000) + "{}", "[1, 2]", "{\"state\": null}", "{\"good\": null}", "{\"good\": \"many\"}"] {
            _ = ingest.receive(topic: "m/1", payload: Data(payload.utf8), at: t0)
        }
        let status = ingest.currentStatus()
        #expect(status.refusedByRule == ["max-size": 1, "json": 1, "state-code": 1, "number": 2], "\(status.refusedByRule)")
        #expect(status.messagesReceived == 5)
    }

    @Test("A state must hold for the debounce time; a rate below the ideal makes a running machine slow, with both rates")
    func debounceAndSlow() throws {
        let rule = MachineSignalRule(source: .json(topic: "m/1", field: "rate"), workCenter: "WC-A", signal: .rate, idealRate: 100)
        let state = MachineSignalRule(source: .json(topic: "m/1", field: "state"), workCenter: "WC-A", signal: .state)
        var ingest = MachineDataIngest(mapping: MachineSignalMapping(rules: [rule, state], debounceSeconds: 2))
        func send(_ json: String, _ s: Double) -> [MachineDataEffect] {
            ingest.receive(topic: "m/1", payload: Data(json.utf8), at: t0.addingTimeInterval(s))
        }
        #expect(send(#"{"state": "running", "rate": 95}"#, 0).isEmpty, "not held yet")
        #expect(ingest.tick(t0.addingTimeInterval(1)).isEmpty)
        let running = ingest.tick(t0.addingTimeInterval(2))
        #expect(running.count == 1)
        #expect(send(#"{"rate": 50}"#, 3).isEmpty)
        #expect(send(#"{"rate": 95}"#, 4).isEmpty, "a dip shorter than the debounce records nothing")
        #expect(ingest.tick(t0.addingTimeInterval(10)).isEmpty)
        _ = send(#"{"rate": 40}"#, 11)
        let slow = ingest.tick(t0.addingTimeInterval(13))
        guard case .state(_, .slow, let since, _, let actual, let ideal)? = slow.first else {
            Issue.record("slow expected: \(slow)")
            return
        }
        #expect(since == t0.addingTimeInterval(11) && actual == 40 && ideal == 100)
        #expect(send(#"{"state": "bogus"}"#, 14).isEmpty)
        #expect(ingest.currentStatus().refusedByRule["state-code"] == 1)
        #expect(ingest.receive(topic: "other/topic", payload: Data("x".utf8), at: t0).isEmpty)
        #expect(ingest.currentStatus().unmapped.map(\.source) == ["other/topic"])
    }
}
