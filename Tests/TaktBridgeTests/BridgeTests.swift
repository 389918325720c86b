import Foundation
import Logging
import Synchronization
import TaktBridge
import TaktCore
import TaktDemo
import TaktEngine
import TaktMQTT
import TaktMachineData
import TaktService
import TaktTestSupport
import Testing

/// A demo plant with the machine-data bridge on a real broker, and an edge node (the simulator) publishing to it.
struct BridgeRig: Sendable {
    let broker: Broker
    let engine: Engine
    let service: PlantService
    let clock: TestClock
    let workCenters: [WorkCenter.ID]

    static func make(machines: Int = 3, storage: TestPlant.Storage = .inMemory) async throws -> BridgeRig {
        let broker = try Broker()
        let clock = TestClock(TestPlant.morning)
        let engine = try await TestPlant.engine(storage: storage, clock: clock.read)
        let wcs = await engine.read { $0.workCenters.keys.sorted().prefix(machines).map { $0 } }
        return BridgeRig(broker: broker, engine: engine, service: PlantService(engine: engine), clock: clock, workCenters: wcs)
    }

    func simulator(seed: UInt64 = 1) -> MachineSimulator {
        MachineSimulator(edgeNode: "Line1", workCenters: workCenters, seed: seed)
    }

    /// The simulator, with its mapping (every state recorded at once, no debounce) defined as the plant's.
    func mappedSimulator(seed: UInt64 = 1) async throws -> MachineSimulator {
        let sim = simulator(seed: seed)
        var mapping = sim.mapping
        mapping.debounceSeconds = 0
        try await define(mapping)
        return sim
    }

    func define(_ mapping: MachineSignalMapping) async throws {
        _ = try await service.submit(CommandEnvelope(command: .defineMachineSignalMapping(mapping), actor: .system))
    }

    func bridge(clientID: String = "takt-test", subscribe: [String] = []) async throws -> MachineBridge {
        try await MachineBridge.start(
            service: service,
            options: MQTTOptions(port: broker.port, clientID: clientID),
            subscribe: subscribe,
            tick: .milliseconds(50),
            logger: TestPlant.quietLogger
        )
    }

    /// An MQTT client publishing as an edge node, connected before it answers.
    func publisher(
        _ id: String = "edge-node",
        will: (topic: String, payload: Data)? = nil,
        subscribe: [String] = [],
        received: Inbox? = nil
    )
        async throws -> MQTTClient
    {
        var options = MQTTOptions(port: broker.port, clientID: id, cleanSession: true, reconnectDelay: 1, reconnectMaximum: 1)
        options.will = will
        let client = try MQTTClient(options, events: .init(onMessage: { m in received?.messages.withLock { $0.append(m) } }))
        for filter in subscribe { client.subscribe(filter) }
        try client.start()
        await eventually("the publisher is connected") { client.isConnected }
        return client
    }

    func publish(_ client: MQTTClient, _ messages: [(topic: String, payload: Data)]) throws {
        for m in messages { try client.publish(m.topic, m.payload) }
        #expect(client.waitForAcknowledgements(timeout: 10), "the broker acknowledged every message")
    }

    func counted(_ wc: WorkCenter.ID) async -> Double {
        await engine.read { ($0.machineCounts[wc] ?? []).reduce(0) { $0 + $1.count } }
    }

    func state(_ wc: WorkCenter.ID) async -> MachineState? {
        await engine.read { $0.machineStates[wc]?.last?.state }
    }
}

/// The plant behind a link that can go down: while `down`, every call fails as an unreachable server's would (not a
/// refusal by the plant's rules); `refuse` makes the plant refuse every command by a rule instead.
final class FlakyPlant: MachineDataPlant {
    struct Unreachable: Error, CustomStringConvertible { var description: String { "connection refused (test)" } }
    let service: PlantService
    let down = Mutex(false)
    let failedCalls = Mutex(0)
    init(_ service: PlantService) { self.service = service }
    var now: @Sendable () -> Date { service.now }
    var machineDataBoard: MachineDataBoard? { service.machineDataBoard }
    func machineDataView() async throws -> MachineDataView {
        if down.withLock({ $0 }) { throw Unreachable() }
        return try await service.machineDataView()
    }
    func submitMachineData(_ command: Command) async throws -> [String] {
        if down.withLock({ $0 }) {
            failedCalls.withLock { $0 += 1 }
            throw Unreachable()
        }
        return try await service.submitMachineData(command)
    }
}

/// Messages a test client received.
final class Inbox: Sendable {
    let messages = Mutex<[MQTTMessage]>([])
}

@Suite("Machine data through a real MQTT broker", .serialized)
struct BridgeTests {
    @Test("Births, data and a death from a Sparkplug edge node become machine states and counts; the death is shown")
    func birthDataDeath() async throws {
        let rig = try await BridgeRig.make()
        var sim = try await rig.mappedSimulator()
        let bridge = try await rig.bridge()
        defer { bridge.stop() }
        await eventually("the bridge is connected") { bridge.status().connection?.connected == true }
        let edge = try await rig.publisher(will: sim.will())
        defer { edge.stop() }

        let t0 = rig.clock.read()
        try rig.publish(edge, sim.births(at: t0))
        let baseline = Dictionary(uniqueKeysWithValues: sim.machines.map { ($0.workCenter, $0.good) })
        for s in 1...120 { try rig.publish(edge, sim.step(at: t0.addingTimeInterval(Double(s)), elapsed: 1)) }
        for m in sim.machines {
            let made = m.good - baseline[m.workCenter]!
            await eventually("\(m.workCenter)'s \(made) good parts are counted") { await rig.counted(m.workCenter) == made }
        }
        // The simulator breaks a machine down from 90 s on: its state is down, with the signal named as the reason.
        let broken = sim.machines[sim.breakdown].workCenter
        await eventually("\(broken) is down") { await rig.state(broken) == .down }
        let reason = await rig.engine.read { $0.machineStates[broken]?.last?.reason }
        #expect(
            reason?.hasPrefix("Machine breakdown (code 3 from ") == true && reason?.contains("State") == true,
            "the reason is the plant's words for the code, with the signal: \(reason ?? "nil")"
        )

        try rig.publish(edge, [sim.death()])
        await eventually("the edge node is shown offline") { bridge.status().edgeNodes.first?.online == false }
        let status = bridge.status()
        #expect(status.machines.allSatisfy { !$0.signalsTrusted }, "its machines' signals are no longer trusted")
        #expect(status.messagesRefused == 0, "\(status.problems)")
        #expect(status.countsRecorded > 0 && status.statesRecorded > 0)
    }

    @Test("A gap in seq drops the message and asks the edge node for a rebirth; after it, data is taken again")
    func sequenceGapAndRebirth() async throws {
        let rig = try await BridgeRig.make(machines: 1)
        var sim = try await rig.mappedSimulator(seed: 3)
        let bridge = try await rig.bridge()
        defer { bridge.stop() }
        let commands = Inbox()
        let edge = try await rig.publisher(subscribe: ["spBv1.0/Takt/NCMD/Line1"], received: commands)
        defer { edge.stop() }
        await eventually("the bridge is connected") { bridge.status().connection?.connected == true }

        let t0 = rig.clock.read()
        // (The simulator's slowdown and breakdown are over after 4 minutes: from then on it makes parts.)
        try rig.publish(edge, sim.births(at: t0))
        let wc = rig.workCenters[0]
        let baseline = sim.machines[0].good
        try rig.publish(edge, sim.step(at: t0.addingTimeInterval(300), elapsed: 300))
        let before = sim.machines[0].good
        await eventually("the first minutes are counted") { await rig.counted(wc) == before - baseline }
        let countedBefore = await rig.counted(wc)

        // One message lost on the way: the next one's seq skips.
        #expect(!sim.step(at: t0.addingTimeInterval(360), elapsed: 60).isEmpty)
        try rig.publish(edge, sim.step(at: t0.addingTimeInterval(420), elapsed: 60))
        await eventually("a rebirth is requested") { commands.messages.withLock { !$0.isEmpty } }
        let request = try #require(commands.messages.withLock { $0.first })
        let payload = try SparkplugPayload(decoding: request.payload)
        #expect(payload.metrics.contains { $0.name == "Node Control/Rebirth" && $0.value == .bool(true) })
        #expect(bridge.status().refusedByRule["sequence-gap"] == 1)
        #expect(await rig.counted(wc) == countedBefore, "nothing after the gap was taken")

        // The rebirth: the counter in the birth certificate carries the parts of the lost messages.
        try rig.publish(edge, sim.births(at: t0.addingTimeInterval(421)))
        let total = sim.machines[0].good
        await eventually("the parts of the lost messages are counted with the rebirth") { await rig.counted(wc) == total - baseline }
        #expect(countedBefore < total - baseline)
        #expect(bridge.status().edgeNodes.first?.online == true)
    }

    @Test("Malformed payloads, bad topics and unknown topics are counted and shown; the bridge goes on")
    func malformedPayloads() async throws {
        let rig = try await BridgeRig.make(machines: 1)
        var sim = rig.simulator(seed: 5)
        var mapping = sim.mapping
        mapping.debounceSeconds = 0
        mapping.rules.append(
            MachineSignalRule(source: .json(topic: "plant/press/state", field: "state"), workCenter: rig.workCenters[0], signal: .state)
        )
        try await rig.define(mapping)
        let bridge = try await rig.bridge(subscribe: ["plant/#"])
        defer { bridge.stop() }
        await eventually("the bridge is connected") { bridge.status().connection?.connected == true }
        let edge = try await rig.publisher()
        defer { edge.stop() }

        var garbage = Data()
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 { garbage.append(UInt8.random(in: 0...255, using: &rng)) }
        try rig.publish(
            edge,
            [
                ("spBv1.0/Takt/DDATA/Line1/\(rig.workCenters[0])", Data([0x0A, 0xFF, 0xFF])),  // truncated protobuf
                ("spBv1.0/Takt/DDATA/Line1/\(rig.workCenters[0])", garbage),
                ("spBv1.0/only-two", Data()),
                ("plant/press/state", Data("not json".utf8)),
                ("plant/press/state", Data(#"{"state": "exploded"}"#.utf8)),
                ("plant/unknown/topic", Data(#"{"x": 1}"#.utf8)),
            ]
        )
        await eventually("all six messages are received") { bridge.status().messagesReceived >= 6 }
        let status = bridge.status()
        #expect(status.refusedByRule["json"] == 1, "\(status.refusedByRule)")
        #expect(status.refusedByRule["state-code"] == 1, "\(status.refusedByRule)")
        #expect(status.unmapped.contains { $0.source == "plant/unknown/topic" }, "\(status.unmapped)")
        #expect(status.messagesRefused >= 4, "\(status.problems)")
        #expect(status.problems.allSatisfy { !$0.message.isEmpty && !$0.rule.isEmpty })

        // Still taking good messages.
        let t0 = rig.clock.read()
        try rig.publish(edge, sim.births(at: t0))
        try rig.publish(edge, [("plant/press/state", Data(#"{"state": "down"}"#.utf8))])
        await eventually("the JSON state is recorded") { await rig.state(rig.workCenters[0]) == .down }
    }

    @Test("A broker restart loses nothing: counts queued for the bridge and the parts made meanwhile arrive")
    func brokerRestart() async throws {
        let rig = try await BridgeRig.make(machines: 2)
        var sim = try await rig.mappedSimulator(seed: 7)
        var bridge = try await rig.bridge(clientID: "takt-restart")
        await eventually("the bridge is connected") { bridge.status().connection?.connected == true }
        var edge = try await rig.publisher()
        let t0 = rig.clock.read()
        try rig.publish(edge, sim.births(at: t0))
        let baseline = sim.machines.map(\.good)
        for s in 1...30 { try rig.publish(edge, sim.step(at: t0.addingTimeInterval(Double(s)), elapsed: 1)) }

        // The bridge goes away; the edge node publishes on; the broker keeps the bridge's messages (persistent session)
        // and is restarted with them.
        bridge.stop()
        for s in 31...60 { try rig.publish(edge, sim.step(at: t0.addingTimeInterval(Double(s)), elapsed: 1)) }
        edge.stop()
        try rig.broker.restart()
        bridge = try await rig.bridge(clientID: "takt-restart")
        defer { bridge.stop() }
        await eventually("the bridge is connected again") { bridge.status().connection?.connected == true }
        // The edge node reconnects: a new session, births first (Sparkplug), then data.
        edge = try await rig.publisher()
        defer { edge.stop() }
        _ = sim.death()
        try rig.publish(edge, sim.births(at: t0.addingTimeInterval(61)))
        for s in 62...90 { try rig.publish(edge, sim.step(at: t0.addingTimeInterval(Double(s)), elapsed: 1)) }
        for (i, m) in sim.machines.enumerated() {
            let made = m.good - baseline[i]
            await eventually("every one of \(m.workCenter)'s \(made) parts is counted once") { await rig.counted(m.workCenter) == made }
        }
        #expect(await rig.engine.read { $0.machineCounts.values.joined().allSatisfy { $0.goodCounter != nil } })
    }

    @Test(
        "The plant unreachable for a while: machine data waits (shown on the status, nothing refused or dropped) and once it is back every part is counted once"
    )
    func plantAwayForAWhile() async throws {
        let rig = try await BridgeRig.make(machines: 2)
        var sim = try await rig.mappedSimulator(seed: 11)
        let plant = FlakyPlant(rig.service)
        let bridge = try await MachineBridge.start(
            service: plant,
            options: MQTTOptions(port: rig.broker.port, clientID: "takt-flaky"),
            tick: .milliseconds(50),
            retryDelay: .milliseconds(20),
            logger: TestPlant.quietLogger
        )
        defer { bridge.stop() }
        await eventually("the bridge is connected") { bridge.status().connection?.connected == true }
        let edge = try await rig.publisher()
        defer { edge.stop() }
        let t0 = rig.clock.read()
        try rig.publish(edge, sim.births(at: t0))
        let baseline = sim.machines.map(\.good)
        for s in 1...20 { try rig.publish(edge, sim.step(at: t0.addingTimeInterval(Double(s)), elapsed: 1)) }
        for (i, m) in sim.machines.enumerated() {
            await eventually("\(m.workCenter)'s first parts are counted") { await rig.counted(m.workCenter) == m.good - baseline[i] }
        }

        // The plant goes away; the edge node publishes on (the broker holds what the bridge cannot take yet).
        plant.down.withLock { $0 = true }
        for s in 21...60 { try rig.publish(edge, sim.step(at: t0.addingTimeInterval(Double(s)), elapsed: 1)) }
        await eventually("the bridge tried the plant several times") { plant.failedCalls.withLock { $0 } >= 3 }
        let waiting = bridge.status()
        #expect(waiting.plantUnavailable?.contains("connection refused") == true, "the status says why: \(waiting.plantUnavailable ?? "nil")")
        #expect(waiting.commandsRefused == 0, "a plant that is away refuses nothing: \(waiting.problems)")

        plant.down.withLock { $0 = false }
        for s in 61...70 { try rig.publish(edge, sim.step(at: t0.addingTimeInterval(Double(s)), elapsed: 1)) }
        for (i, m) in sim.machines.enumerated() {
            let made = m.good - baseline[i]
            await eventually("every one of \(m.workCenter)'s \(made) parts is counted once") { await rig.counted(m.workCenter) == made }
        }
        let after = bridge.status()
        #expect(after.plantUnavailable == nil, "the status clears once the plant takes commands")
        #expect(after.commandsRetried >= 3 && after.commandsRefused == 0 && after.messagesRefused == 0, "\(after.problems)")
        let breakdown = sim.machines[sim.breakdown].workCenter
        #expect(await rig.state(breakdown) != nil, "states were recorded too")
    }

    @Test(
        "As the Sparkplug primary host, the bridge says online on its STATE topic (retained) and offline when it stops; another host's STATE is no refusal"
    )
    func primaryHostState() async throws {
        let rig = try await BridgeRig.make(machines: 1)
        let bridge = try await MachineBridge.start(
            service: rig.service,
            options: MQTTOptions(port: rig.broker.port, clientID: "takt-host"),
            sparkplugHostID: "takt",
            tick: .milliseconds(50),
            logger: TestPlant.quietLogger
        )
        await eventually("the bridge is connected") { bridge.status().connection?.connected == true }
        #expect(bridge.status().connection?.sparkplugHostID == "takt")
        // An edge node arriving later reads the retained STATE: online, with this run's timestamp.
        let inbox = Inbox()
        let edge = try await rig.publisher("edge-reads-state", subscribe: [SparkplugTopic.hostState("takt")], received: inbox)
        defer { edge.stop() }
        func said() -> [(online: Bool, timestamp: Int64)] {
            inbox.messages.withLock { $0 }.compactMap { m in
                guard let o = (try? JSONSerialization.jsonObject(with: m.payload)) as? [String: Any], let online = o["online"] as? Bool,
                    let t = o["timestamp"] as? NSNumber
                else { return nil }
                return (online, t.int64Value)
            }
        }
        await eventually("the retained STATE says online") { said().first?.online == true }
        let birth = try #require(said().first)
        #expect(birth.timestamp == Int64((TestPlant.morning.timeIntervalSince1970 * 1000).rounded()))

        // Another host application's STATE on the same broker is not machine data, and not a refusal.
        try rig.publish(edge, [("spBv1.0/STATE/scada-2", SparkplugTopic.hostStatePayload(online: true, timestamp: 1))])
        // Someone says offline on our topic while we listen: the bridge says online again at once.
        try rig.publish(edge, [(SparkplugTopic.hostState("takt"), SparkplugTopic.hostStatePayload(online: false, timestamp: birth.timestamp))])
        await eventually("the bridge corrects a false offline") { said().count >= 3 && said().last?.online == true }

        bridge.stop()
        await eventually("a clean stop says offline, with the birth's timestamp") { said().last?.online == false }
        #expect(said().last?.timestamp == birth.timestamp)
        #expect(bridge.status().messagesRefused == 0, "\(bridge.status().problems)")
    }

    @Test("A mapping change takes effect at once: a metric listed as unmapped is read once a rule maps it")
    func mappingChanges() async throws {
        let rig = try await BridgeRig.make(machines: 1)
        var sim = rig.simulator(seed: 9)
        var mapping = sim.mapping
        mapping.debounceSeconds = 0
        let full = mapping
        mapping.rules.removeAll { $0.signal == .goodCount }
        try await rig.define(mapping)
        let bridge = try await rig.bridge()
        defer { bridge.stop() }
        await eventually("the bridge is connected") { bridge.status().connection?.connected == true }
        let edge = try await rig.publisher()
        defer { edge.stop() }
        let t0 = rig.clock.read()
        try rig.publish(edge, sim.births(at: t0))
        try rig.publish(edge, sim.step(at: t0.addingTimeInterval(300), elapsed: 300))
        await eventually("the good counter is listed as unmapped") {
            bridge.status().unmapped.contains { $0.source.hasSuffix(": Good Count") }
        }
        #expect(await rig.counted(rig.workCenters[0]) == 0)

        try await rig.define(full)
        await eventually("the bridge follows the new mapping") { bridge.status().mappingRules == full.rules.count }
        #expect(bridge.status().edgeNodes.first?.rebirthRequests == 1, "the edge node is asked for its current values")
        // The first reading after the change is the baseline; the next ones count.
        let before = sim.machines[0].good
        for minute in 6...9 { try rig.publish(edge, sim.step(at: t0.addingTimeInterval(Double(minute * 60)), elapsed: 60)) }
        let after = sim.machines[0].good
        await eventually("the counts after the change are recorded") { await rig.counted(rig.workCenters[0]) > 0 }
        #expect(await rig.counted(rig.workCenters[0]) <= after - before)

        // A bad mapping is refused whole, naming the rule and the field.
        var bad = full
        bad.rules[0].workCenter = "WC-NOPE"
        bad.rules[1].factor = -2
        await #expect(throws: DomainError.self) { try await rig.define(bad) }
        do { try await rig.define(bad) } catch let e as DomainError {
            #expect(e.violations.map(\.field).contains("rules[0].workCenter"))
            #expect(e.violations.map(\.field).contains("rules[1].factor"))
        }
    }
}
