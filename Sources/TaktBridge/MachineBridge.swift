public import Foundation
public import Logging
import Synchronization
public import TaktCore
import TaktEngine
public import TaktMQTT
import TaktMachineData
public import TaktService

/// The machine-data bridge: an MQTT client subscribed to Sparkplug B (`spBv1.0/#`) and to the mapping's JSON topics,
/// whose messages become the plant's machine states, counts and production reports (``MachineDataIngest`` decides,
/// this carries out).
///
/// Everything happens on one serial queue: a message (on the MQTT network thread) waits there until its commands are
/// committed to the plant's log, so the broker is held back while the plant is busy (nothing queues in memory), and the
/// library acknowledges a QoS-1 message only once it has been handed to the bridge (see ``MQTTClient``). A timer on the
/// same queue records states that have held for the debounce time and follows changes of the mapping.
public final class MachineBridge: Sendable {
    let service: PlantService
    let ingest: Mutex<MachineDataIngest>
    let connection: Mutex<MachineDataStatus.Connection>
    let client: Mutex<MQTTClient?> = Mutex(nil)
    let queue = DispatchQueue(label: "takt.machine-data")
    let stopped = Atomic<Bool>(false)
    let extraFilters: [String]
    let logger: Logger
    /// Messages handed over by the network thread and not yet done (at most one: the thread waits for each).
    let waiting = Atomic<Int>(0)

    /// The topic filter of Sparkplug B.
    public static let sparkplugFilter = "spBv1.0/#"

    /// Starts the bridge: reads the plant's mapping, connects (in the background, retrying) and subscribes.
    /// - Parameters:
    ///   - subscribe: more topic filters to listen to, so that topics no rule maps yet are counted and listed.
    public static func start(
        service: PlantService,
        options: MQTTOptions,
        subscribe: [String] = [],
        tick: Duration = .milliseconds(200),
        logger: Logger
    ) async throws -> MachineBridge {
        let state = await service.snapshot()
        let bridge = MachineBridge(service: service, options: options, state: state, subscribe: subscribe, logger: logger)
        let client = try MQTTClient(
            options,
            events: MQTTClient.Events(
                onMessage: { [weak bridge] message in bridge?.handle(message) },
                onConnection: { [weak bridge] up, why in bridge?.connectionChanged(up, why) }
            )
        )
        bridge.client.withLock { $0 = client }
        bridge.resubscribe(client: client, mapping: state.machineSignalMapping)
        try client.start()
        service.machineData.attach { [weak bridge] in bridge?.status() ?? MachineDataStatus() }
        let micros = UInt32(max(1_000, tick.components.seconds * 1_000_000 + tick.components.attoseconds / 1_000_000_000_000))
        let ticker = Thread { [weak bridge] in
            while let b = bridge, !b.stopped.load(ordering: .relaxed) {
                b.queue.sync { b.onTick() }
                usleep(micros)
            }
        }
        ticker.name = "takt.machine-data.tick"
        ticker.start()
        return bridge
    }

    init(service: PlantService, options: MQTTOptions, state: PlantState, subscribe: [String], logger: Logger) {
        self.service = service
        self.ingest = Mutex(MachineDataIngest(mapping: state.machineSignalMapping, state: state))
        self.connection = Mutex(MachineDataStatus.Connection(broker: "\(options.host):\(options.port)", clientID: options.clientID))
        self.extraFilters = subscribe
        self.logger = logger
    }

    /// Stops: no more messages are taken; the broker keeps the persistent session's messages for the next start.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        let client = client.withLock { $0 }
        client?.stop()
        queue.sync {}  // the last message handed over is done
        service.machineData.detach()
    }

    /// The status (connection, counts, problems, unmapped topics, edge nodes, machines).
    public func status() -> MachineDataStatus {
        let connection = connection.withLock { $0 }
        var s = ingest.withLock { $0.currentStatus(connection: connection) }
        s.queued = waiting.load(ordering: .relaxed)
        return s
    }

    // MARK: On the serial queue

    func handle(_ message: MQTTMessage) {
        let depth = waiting.add(1, ordering: .relaxed).newValue
        queue.sync {
            let now = service.now()
            let effects = ingest.withLock { i in
                i.noteQueue(depth: depth)
                return i.receive(topic: message.topic, payload: message.payload, at: now)
            }
            carryOut(effects, topic: message.topic)
        }
        waiting.subtract(1, ordering: .relaxed)
    }

    func onTick() {
        let now = service.now()
        let effects = ingest.withLock { $0.tick(now) }
        carryOut(effects, topic: "(debounce)")
        followMapping()
    }

    /// The plant's mapping changed: take it, and subscribe to its JSON topics.
    func followMapping() {
        let state = blocking { await self.service.snapshot() }
        let now = service.now()
        let rebirths = ingest.withLock { i -> [MachineDataEffect]? in
            guard i.mapping != state.machineSignalMapping else { return nil }
            return i.remap(state.machineSignalMapping, state: state, at: now)
        }
        guard let rebirths, let client = client.withLock({ $0 }) else { return }
        carryOut(rebirths, topic: "(mapping)")
        logger.info("machine-signal mapping changed: \(state.machineSignalMapping.rules.count) rules")
        resubscribe(client: client, mapping: state.machineSignalMapping)
    }

    func resubscribe(client: MQTTClient, mapping: MachineSignalMapping) {
        let wanted = Set([Self.sparkplugFilter] + extraFilters + mapping.jsonTopics)
        for filter in client.subscriptions where !wanted.contains(filter) { client.unsubscribe(filter) }
        for filter in wanted.sorted() where !client.subscriptions.contains(filter) { client.subscribe(filter, qos: 1) }
        connection.withLock { $0.subscriptions = wanted.sorted() }
    }

    func connectionChanged(_ up: Bool, _ why: String) {
        connection.withLock { c in
            if up {
                c.connects += 1
            } else if c.connected {
                c.disconnects += 1
            }
            c.connected = up
            if !up { c.lastError = why }
        }
        if up {
            logger.info("machine data: connected to the MQTT broker")
        } else {
            logger.warning("machine data: not connected to the MQTT broker (\(why)); retrying")
        }
    }

    /// Carries out effects in order, each command committed before the next (and before the message is done).
    func carryOut(_ effects: [MachineDataEffect], topic: String) {
        guard !effects.isEmpty else { return }
        blocking {
            for effect in effects { await self.carryOut(effect, topic: topic) }
        }
    }

    func carryOut(_ effect: MachineDataEffect, topic: String) async {
        switch effect {
        case .publish(let to, let payload):
            do { try client.withLock({ $0 })?.publish(to, payload, qos: 0) } catch {
                logger.warning("machine data: cannot publish to \(to): \(error)")
            }
        case .state(let wc, let state, _, let reason, let actualRate, let idealRate):
            let command = Command.setMachineState(
                SetMachineState(workCenter: wc, state: state, reason: reason, actualRate: actualRate, idealRate: idealRate)
            )
            await submit(command, topic: topic, ignoring: ["unchanged"])
        case .count(let wc, let good, let scrap, let goodCounter, let scrapCounter, let reportProduction):
            let command = Command.recordMachineCount(
                RecordMachineCount(workCenter: wc, count: good, scrap: scrap > 0 ? scrap : nil, goodCounter: goodCounter, scrapCounter: scrapCounter)
            )
            guard await submit(command, topic: topic, ignoring: []) else { return }
            guard reportProduction else { return }
            let running = await service.read { state in Self.runningOperation(at: wc, in: state) }
            guard let (order, sequence) = running else {
                ingest.withLock { $0.noteProduction(reported: false) }
                return
            }
            let report = Command.reportQuantity(
                ReportQuantity(
                    productionOrder: order,
                    operation: sequence,
                    good: good,
                    scrap: scrap,
                    scrapReason: scrap > 0 ? "counted as scrap by the machine" : nil
                )
            )
            if await submit(report, topic: topic, ignoring: []) { ingest.withLock { $0.noteProduction(reported: true) } }
        }
    }

    /// The operation running at a work center (the one started last when several are).
    static func runningOperation(at wc: WorkCenter.ID, in state: PlantState) -> (ProductionOrder.ID, Int)? {
        var best: (ProductionOrder.ID, Int, Date)?
        for (order, operations) in state.operations {
            for op in operations where op.status == .running && op.workCenter == wc {
                let started = op.startedAt ?? .distantPast
                if best == nil || started > best!.2 || (started == best!.2 && order.rawValue < best!.0.rawValue) {
                    best = (order, op.sequence, started)
                }
            }
        }
        return best.map { ($0.0, $0.1) }
    }

    /// Submits as the plant (`system`); a refusal is counted and shown on the status page. True when recorded.
    @discardableResult
    func submit(_ command: Command, topic: String, ignoring rules: Set<String>) async -> Bool {
        do {
            _ = try await service.submit(CommandEnvelope(command: command, actor: .system))
            return true
        } catch let error as DomainError {
            let first = error.violations.first ?? Violation(field: "command", rule: "refused", message: "\(error)")
            if rules.contains(first.rule) { return false }
            let now = service.now()
            ingest.withLock { $0.commandRefused(first, topic: topic, at: now) }
            logger.warning("machine data: the plant refused \(command.typeName): \(first.field): \(first.message)")
            return false
        } catch {
            let now = service.now()
            ingest.withLock { $0.commandRefused(Violation(field: "command", rule: "failed", message: "\(error)"), topic: topic, at: now) }
            logger.error("machine data: \(command.typeName) failed: \(error)")
            return false
        }
    }

    /// Runs async work from the bridge's queue (never a thread of Swift's pool) and waits for it.
    func blocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let value = await work()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLock { $0! }
    }
}
