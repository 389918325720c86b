public import Foundation
import Logging
import TaktApp
import TaktBridge
import TaktCore
import TaktEngine
import TaktMQTT
import TaktMachineData
import TaktOrchestrator
import TaktService

/// `takt bench mqtt`: machine data end to end through a real Mosquitto broker (docs/benchmarks.md).
///
/// 1. Ingest: an edge node publishes `messages` Sparkplug DDATA messages (QoS 1), each one a machine's new counter
///    reading; the figure is messages a second from the first publish until the last count is committed to the plant's
///    log (SQLite, as `takt serve` keeps it).
/// 2. Reaction: `trials` times, a machine's state goes to down on the broker; the time to the recorded state and to the
///    orchestrator's exception (median and p99), with the mapping's debounce at 0.
/// 3. The ceiling: `mosquitto_pub -l` → `mosquitto_sub -C` of the same number of QoS-1 messages on the same broker.
public struct MQTTBenchmark: Sendable {
    public var host = "127.0.0.1"
    public var port: Int
    public var directory: String
    public var messages = 5_000
    public var trials = 30
    public var machines = 10
    public var seed: UInt64 = 1

    public init(port: Int, directory: String) {
        self.port = port
        self.directory = directory
    }

    public struct Figures: Sendable {
        public var messages: Int
        public var ingestSeconds: Double
        public var ceilingSeconds: Double?
        public var stateMs: [Double]
        public var exceptionMs: [Double]
        public var loadAverage: Double?
        public var refused: Int
    }

    public func run(progress: @escaping @Sendable (String) -> Void) async throws -> Figures {
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).flatMap { $0.split(separator: " ").first.flatMap { Double($0) } }
        let path = directory + "/bench-mqtt.sqlite"
        let start = TaktApplication.benchmarkClockStart ?? Date()
        let clock = TaktApplication.clock(startingAt: start)
        progress("generating the demo plant…")
        let engine = try await TaktApplication.openEngine(databasePath: path, logger: logger, now: clock)
        _ = try await TaktApplication.prepare(
            engine: engine,
            configuration: ServerConfiguration(databasePath: path, demo: true, seed: 42, scale: 1, bootstrapToken: "bench-token-0123456789"),
            now: start,
            logger: logger
        )
        let service = PlantService(engine: engine)
        guard let admin = await engine.read({ $0.users["admin"] }) else { throw BenchError(message: "the demo plant has no admin") }
        progress("publishing a schedule…")
        _ = try await service.runSchedule(ScheduleRunRequest(seed: 7, iterations: 200), by: Caller(user: admin))
        let now = engine.now()
        let busy = await engine.read { s -> [WorkCenter.ID] in
            let minutes = s.publishedSchedule?.scheduledMinutes(from: now, until: now.addingTimeInterval(8 * 3600)) ?? [:]
            return minutes.filter { $0.value > 0 }.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }.map(\.key)
        }
        let all = await engine.read { $0.workCenters.values.filter(\.active).map(\.id).sorted() }
        let ids = Array((busy + all.filter { !busy.contains($0) }).prefix(max(1, machines)))
        var simulator = MachineSimulator(edgeNode: "Bench", workCenters: ids, seed: seed)
        var mapping = simulator.mapping
        mapping.debounceSeconds = 0
        _ = try await service.submit(CommandEnvelope(command: .defineMachineSignalMapping(mapping), actor: .system))

        let orchestrator = Orchestrator(engine: engine, logger: logger)
        let orchestration = Task { await orchestrator.run() }
        defer { orchestration.cancel() }
        _ = await orchestrator.waitUntilIdle(after: await engine.committedSequence, timeout: .seconds(120))

        let bridge = try await MachineBridge.start(
            service: service,
            options: MQTTOptions(host: host, port: port, clientID: "takt-bench-\(ProcessInfo.processInfo.processIdentifier)", cleanSession: true),
            logger: logger
        )
        defer { bridge.stop() }
        let edge = try MQTTClient(
            MQTTOptions(host: host, port: port, clientID: "bench-edge-\(ProcessInfo.processInfo.processIdentifier)", cleanSession: true),
            events: .init()
        )
        try edge.start()
        defer { edge.stop() }
        for _ in 0..<500 where !(edge.isConnected && bridge.status().connection?.connected == true) { try await Task.sleep(for: .milliseconds(10)) }
        guard edge.isConnected, bridge.status().connection?.connected == true else {
            throw BenchError(message: "cannot connect to the broker at \(host):\(port)")
        }

        // 1. Ingest: births, then messages with a new counter reading each (a machine making a part every 10 s).
        var t = now
        for m in simulator.births(at: t) { try edge.publish(m.topic, m.payload) }
        _ = edge.waitForAcknowledgements(timeout: 30)
        let receivedBefore = bridge.status().messagesReceived
        var batch: [(topic: String, payload: Data)] = []
        while batch.count < messages {
            t = t.addingTimeInterval(10)
            batch += simulator.step(at: t, elapsed: 600).filter { $0.topic.contains("/DDATA/") }
        }
        progress("ingest: publishing \(batch.count) messages…")
        let clockStart = ContinuousClock.now
        for m in batch { try edge.publish(m.topic, m.payload) }
        // A message is done once its commands are committed: all received and none waiting is all durable.
        for _ in 0..<600_000 {
            let s = bridge.status()
            if s.messagesReceived - receivedBefore >= batch.count && s.queued == 0 { break }
            try await Task.sleep(for: .milliseconds(1))
        }
        let ingestSeconds = seconds(ContinuousClock.now - clockStart)

        // 2. Reaction: down on the broker → recorded → the orchestrator's exception.
        var stateMs: [Double] = []
        var exceptionMs: [Double] = []
        for trial in 0..<trials {
            progress("reaction: trial \(trial + 1) of \(trials)…")
            let i = trial % ids.count
            let wc = ids[i]
            let device = SparkplugTopic(group: simulator.group, type: .ddata, edgeNode: simulator.edgeNode, device: wc.rawValue).description
            try edge.publish(device, simulator.set(i, code: 1, at: t))
            for _ in 0..<5_000 where await engine.read({ $0.machineStates[wc]?.last?.state }) != .running {
                try await Task.sleep(for: .milliseconds(1))
            }
            _ = await orchestrator.waitUntilIdle(after: await engine.committedSequence, timeout: .seconds(60))
            t = t.addingTimeInterval(1)
            let down = simulator.set(i, code: 3, at: t)
            let before = await engine.committedSequence
            let sent = ContinuousClock.now
            try edge.publish(device, down)
            var recorded: Int64?
            for _ in 0..<100_000 {
                recorded = await engine.read { s in (s.machineStates[wc]?.last?.state == .down) ? s.sequence : nil }
                if recorded != nil { break }
                try await Task.sleep(for: .microseconds(200))
            }
            guard let recorded, recorded > before else { throw BenchError(message: "the down state of \(wc) was never recorded") }
            stateMs.append(seconds(ContinuousClock.now - sent) * 1000)
            for _ in 0..<100_000 {
                let raised = await engine.read { s in
                    s.exceptions.values.contains { $0.subject == "machine-down:\(wc)" && ($0.sourceSequence ?? 0) > before }
                }
                if raised { break }
                try await Task.sleep(for: .microseconds(200))
            }
            exceptionMs.append(seconds(ContinuousClock.now - sent) * 1000)
        }

        // 3. The ceiling: the same number of QoS-1 messages through mosquitto_pub → mosquitto_sub.
        progress("ceiling: mosquitto_pub → mosquitto_sub…")
        let ceiling = try? Self.mosquittoCeiling(host: host, port: port, messages: batch.count, payloadBytes: batch.first?.payload.count ?? 40)
        return Figures(
            messages: batch.count,
            ingestSeconds: ingestSeconds,
            ceilingSeconds: ceiling,
            stateMs: stateMs,
            exceptionMs: exceptionMs,
            loadAverage: load,
            refused: bridge.status().messagesRefused
        )
    }

    /// Seconds for `messages` QoS-1 messages from `mosquitto_pub -l` to be received by `mosquitto_sub -C`.
    static func mosquittoCeiling(host: String, port: Int, messages: Int, payloadBytes: Int) throws -> Double {
        let sub = Process()
        sub.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
        sub.arguments = ["-h", host, "-p", String(port), "-t", "takt/bench/ceiling", "-q", "1", "-C", String(messages), "-i", "bench-ceiling-sub"]
        sub.standardOutput = FileHandle.nullDevice
        try sub.run()
        usleep(300_000)  // subscribed
        let line = String(repeating: "x", count: max(1, payloadBytes)) + "\n"
        let input = Pipe()
        let publisher = Process()
        publisher.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_pub")
        publisher.arguments = ["-h", host, "-p", String(port), "-t", "takt/bench/ceiling", "-q", "1", "-l", "-i", "bench-ceiling-pub"]
        publisher.standardInput = input
        let started = ContinuousClock.now
        try publisher.run()
        let data = Data(String(repeating: line, count: messages).utf8)
        input.fileHandleForWriting.write(data)
        try input.fileHandleForWriting.close()
        for _ in 0..<60_000 where sub.isRunning { usleep(1_000) }
        let elapsed = seconds(ContinuousClock.now - started)
        if sub.isRunning { sub.terminate() }
        for _ in 0..<5_000 where publisher.isRunning { usleep(1_000) }
        if publisher.isRunning { publisher.terminate() }
        return elapsed
    }

    public static func report(_ f: Figures, machines: Int, trials: Int) -> [String] {
        func p(_ values: [Double], _ q: Double) -> Double {
            guard !values.isEmpty else { return 0 }
            let s = values.sorted()
            return s[min(s.count - 1, Int((Double(s.count - 1) * q).rounded(.up)))]
        }
        func r(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
        let rate = Double(f.messages) / max(f.ingestSeconds, 1e-9)
        let ceiling = f.ceilingSeconds.map { Double(f.messages) / max($0, 1e-9) }
        var lines = [
            "Machine data through Mosquitto (\(machines) machines, \(f.messages) Sparkplug DDATA messages at QoS 1, SQLite log)",
            "  ingest, publish → committed count:   \(r(rate, 0)) messages/s (\(r(f.ingestSeconds, 2)) s)",
            "  ceiling, mosquitto_pub → mosquitto_sub: " + (ceiling.map { "\(r($0, 0)) messages/s" } ?? "not measured (mosquitto_pub/sub missing)"),
            "  state change on the broker → recorded state:      median \(r(median(f.stateMs), 2)) ms, p99 \(r(p(f.stateMs, 0.99), 2)) ms",
            "  state change on the broker → orchestrator's exception: median \(r(median(f.exceptionMs), 1)) ms, p99 \(r(p(f.exceptionMs, 0.99), 1)) ms (\(trials) trials, debounce 0)",
            "  messages refused: \(f.refused)",
        ]
        if let l = f.loadAverage {
            lines.append("  load average (1 min) when it started: \(r(l, 2)) on \(ProcessInfo.processInfo.activeProcessorCount) cores")
        }
        var json: [String: Any] = [
            "benchmark": "mqtt", "machines": machines, "messages": f.messages,
            "ingest_messages_per_s": (rate * 10).rounded() / 10,
            "state_median_ms": (median(f.stateMs) * 100).rounded() / 100, "state_p99_ms": (p(f.stateMs, 0.99) * 100).rounded() / 100,
            "exception_median_ms": (median(f.exceptionMs) * 10).rounded() / 10, "exception_p99_ms": (p(f.exceptionMs, 0.99) * 10).rounded() / 10,
            "trials": trials, "refused": f.refused,
        ]
        if let ceiling { json["ceiling_messages_per_s"] = (ceiling * 10).rounded() / 10 }
        if let l = f.loadAverage { json["load_average_1m"] = l }
        let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data()
        lines.append(String(decoding: data, as: UTF8.self))
        return lines
    }
}
