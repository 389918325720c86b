import Foundation
import TaktCore
import TaktMachineData
import Testing

private let t0 = Date(timeIntervalSince1970: 1_795_586_400)

private let mill = MachineSignalSource.sparkplug(group: "plant-1", edgeNode: "line-3", device: "MILL-1", metric: "State")
private let mapping = MachineSignalMapping(rules: [
    MachineSignalRule(source: mill, workCenter: "WC-MILL-1", signal: .state, stateCodes: ["1": .running, "2": .idle, "3": .down]),
    MachineSignalRule(
        source: .sparkplug(group: "plant-1", edgeNode: "line-3", device: "MILL-1", metric: "Rate/min"),
        workCenter: "WC-MILL-1",
        signal: .rate,
        factor: 60,
        idealRate: 120
    ),
    MachineSignalRule(
        source: .sparkplug(group: "plant-1", edgeNode: "line-3", device: "MILL-1", metric: "Good"),
        workCenter: "WC-MILL-1",
        signal: .goodCount
    ),
])

private func map(_ metric: String, _ value: SparkplugValue) throws(Violation) -> MappedSignal? {
    try mapping.map(group: "plant-1", edgeNode: "line-3", device: "MILL-1", metric: SparkplugMetric(name: metric, value: value), receivedAt: t0)
}

@Suite("Machine signals: the mapping as data, and a state that must hold before it counts")
struct SignalMappingTests {
    @Test("A state code, a rate in parts a minute and a count become the work center's signals in Takt's terms")
    func mapsSignals() throws {
        let state = try #require(try map("State", .int(3)))
        #expect(state.workCenter == "WC-MILL-1" && state.signal == .state && state.value == .state(.down) && state.at == t0)
        #expect(try map("State", .string("idle"))?.value == .state(.idle), "a word Takt knows needs no code")
        #expect(try map("Rate/min", .double(1.5))?.value == .number(90))
        #expect(try map("Good", .unsigned(120))?.value == .number(120))
        #expect(try map("Temperature", .double(80)) == nil, "an unmapped metric is nil, for the bridge to count")
    }

    @Test("A value the rule cannot read is refused naming the metric and the rule")
    func refusesUnreadableValues() {
        for (metric, value, rule) in [
            ("State", SparkplugValue.int(9), "state-code"), ("State", .null, "state-code"), ("Good", .string("many"), "number"),
            ("Rate/min", .double(-1), "non-negative"),
        ] {
            do {
                _ = try map(metric, value)
                Issue.record("\(metric) \(value) was mapped")
            } catch {
                #expect(error.rule == rule && error.field == "MILL-1/\(metric)", "\(error)")
            }
        }
    }

    @Test("A mapping is checked as a whole: half a source, a source mapped twice, a bad factor, codes on a count")
    func checksMapping() {
        let bad = MachineSignalMapping(rules: [
            MachineSignalRule(source: MachineSignalSource(group: "g", metric: "m"), workCenter: "WC-1", signal: .state),
            MachineSignalRule(source: mill, workCenter: "WC-1", signal: .state),
            MachineSignalRule(source: mill, workCenter: "WC-2", signal: .goodCount, stateCodes: ["1": .running], factor: 0),
            MachineSignalRule(source: .json(topic: "plant/mill-2", field: "count"), workCenter: "WC-2", signal: .goodCount),
            MachineSignalRule(
                source: MachineSignalSource(group: "g", edgeNode: "e", metric: "m", topic: "stray"),
                workCenter: "WC-2",
                signal: .state
            ),
        ])
        let found = Set(bad.violations().map { "\($0.field) \($0.rule)" })
        #expect(
            found == [
                "rules[0].source one-of", "rules[2].source unique", "rules[2].factor positive", "rules[2].stateCodes state-only",
                "rules[4].source one-of",
            ]
        )
        #expect(mapping.violations().isEmpty)
    }

    @Test(
        "A down state carries the plant's words for the machine's code; without them the signal and the code; never more than a state's reason may hold"
    )
    func reasonsForCodes() throws {
        var worded = mapping
        worded.rules[0].reasons = ["3": "  Spindle drive fault "]
        let down = try #require(try worded.map(mill, value: .int(3), at: t0, name: "MILL-1/State"))
        #expect(down.reason(source: mill) == "Spindle drive fault (code 3 from \(mill))")
        let idle = try #require(try worded.map(mill, value: .int(2), at: t0, name: "MILL-1/State"))
        #expect(idle.reason(source: mill) == "signal \(mill) sent 2", "a code without words names the signal and the code")

        let long = MachineSignalSource.json(topic: String(repeating: "plant/", count: 60) + "mill", field: "state")
        var wide = MachineSignalMapping(rules: [
            MachineSignalRule(source: long, workCenter: "WC-1", signal: .state, reasons: ["down": String(repeating: "x", count: 200)])
        ])
        let signal = try #require(try wide.map(long, value: .string("down"), at: t0, name: "state"))
        #expect(signal.reason(source: long).count == 200, "clamped: a state with a longer reason would be refused")

        wide.rules[0].reasons = ["": "nothing", "4": "Door open"]
        wide.rules.append(MachineSignalRule(source: mill, workCenter: "WC-1", signal: .goodCount, reasons: ["1": "Running"]))
        let found = Set(wide.violations().map { "\($0.field) \($0.rule)" })
        #expect(found == ["rules[0].reasons format", "rules[1].reasons state-only"])
        wide.rules[0].reasons = Dictionary(uniqueKeysWithValues: (0...MachineSignalRule.maximumReasons).map { ("\($0)", "r") })
        #expect(wide.violations().map(\.rule).contains("max-count"))
    }

    @Test("A chattering state does not count; a state that holds counts once, from when it started")
    func debounces() {
        var d = StateDebouncer(hold: 5, recorded: .running)
        #expect(d.observe(.idle, at: t0) == nil)
        #expect(d.observe(.running, at: t0.addingTimeInterval(1)) == nil, "back to running within the hold: nothing")
        #expect(d.tick(t0.addingTimeInterval(30)) == nil)
        #expect(d.observe(.down, at: t0.addingTimeInterval(40)) == nil)
        #expect(d.observe(.down, at: t0.addingTimeInterval(42)) == nil)
        let change = d.tick(t0.addingTimeInterval(45))
        #expect(change?.state == .down && change?.since == t0.addingTimeInterval(40))
        #expect(d.recorded == .down && d.tick(t0.addingTimeInterval(99)) == nil, "recorded once")
    }

    @Test("Random chatter, seeded: every recorded change held for the hold time, and no two in a row are the same state")
    func randomChatter() {
        for seed in UInt64(1)...30 {
            var rng = SplitMix(state: seed)
            var d = StateDebouncer(hold: 3, recorded: .running)
            var at = t0
            var last: MachineState = .running
            var readings: [(MachineState, Date)] = []
            for _ in 0..<300 {
                at = at.addingTimeInterval(Double(1 + rng.next() % 4))  // readings 1 to 4 s apart
                let state = MachineState.allCases[Int(rng.next() % UInt64(MachineState.allCases.count))]
                readings.append((state, at))
                if let change = d.observe(state, at: at) {
                    #expect(change.state != last, "seed \(seed): the same state recorded twice")
                    #expect(at.timeIntervalSince(change.since) >= 3, "seed \(seed): recorded before it held")
                    // Every reading since it started was that state.
                    #expect(readings.filter { $0.1 >= change.since }.allSatisfy { $0.0 == change.state }, "seed \(seed)")
                    last = change.state
                }
            }
        }
    }
}
