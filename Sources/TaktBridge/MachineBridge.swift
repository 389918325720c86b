public import Foundation
public import Logging
import Synchronization
public import TaktCore
import TaktEngine
public import TaktMQTT
import TaktMachineData
public import TaktService

/// What the bridge needs of the plant: in the server's process (``PlantService``) or over the API (`takt bridge`).
public protocol MachineDataPlant: Sendable {
    /// The plant's clock.
    var now: @Sendable () -> Date { get }
    /// The mapping and its work centers' readings.
    func machineDataView() async throws -> MachineDataView
    /// Submits as the plant (`system`); the types of the events recorded. A refusal by the plant's rules throws
    /// ``DomainError`` (final: the bridge counts it and goes on); any other error means the plant could not take the
    /// command now (the bridge holds the message and tries again).
    func submitMachineData(_ command: Command) async throws -> [String]
    /// Where the front ends read the bridge's status; nil when they run elsewhere.
    var machineDataBoard: MachineDataBoard? { get }
}

extension PlantService: MachineDataPlant {
    public func machineDataView() async throws -> MachineDataView { await read { $0.machineDataView } }
    public func submitMachineData(_ command: Command) async throws -> [String] {
        try await submit(CommandEnvelope(command: command, actor: .system)).events.map(\.type)
    }
    public var machineDataBoard: MachineDataBoard? { machineData }
}

/// The machine-data bridge: an MQTT client subscribed to Sparkplug B (`spBv1.0/#`) and to the mapping's JSON topics,
/// whose messages become the plant's machine states, counts and production reports (``MachineDataIngest`` decides,
/// this carries out).
///
/// Everything happens on one serial queue: a message (on the MQTT network thread) waits there until its commands are
/// committed to the plant's log, so the broker is held back while the plant is busy (nothing queues in memory), and the
/// library acknowledges a QoS-1 message only once it has been handed to the bridge (see ``MQTTClient``). A timer on the
/// same queue records states that have held for the debounce time and follows changes of the mapping.
public final class MachineBridge: Sendable {
    let plant: any MachineDataPlant
    let ingest: Mutex<MachineDataIngest>
    let connection: Mutex<MachineDataStatus.Connection>
    let client: Mutex<MQTTClient?> = Mutex(nil)
    let queue = DispatchQueue(label: "takt.machine-data")
    let stopped = Atomic<Bool>(false)
    let ticks = Atomic<Int>(0)
    let followEvery: Int
    let extraFilters: [String]
    let logger: Logger
    /// Messages handed over by the network thread and not yet done (at most one: the thread waits for each).
    let waiting = Atomic<Int>(0)
    /// Why the plant is not taking commands now (nil while it takes them), commands tried again, and the reason last
    /// logged for the mapping (so an unreachable server is logged when it starts and when it ends, not every tick).
    let plantTrouble = Mutex<(now: String?, retried: Int, mapping: String?)>((nil, 0, nil))
    /// As a Sparkplug primary host application: its STATE topic and the timestamp of this run's birth and will.
    let hostState: (topic: String, timestamp: Int64)?
    /// The first wait before trying a command again when the plant is unavailable; it doubles up to ``maximumRetryDelay``.
    let retryDelay: Duration
    static let maximumRetryDelay = Duration.seconds(10)

    /// The topic filter of Sparkplug B.
    public static let sparkplugFilter = "spBv1.0/#"

    /// Starts the bridge: reads the plant's mapping, connects (in the background, retrying) and subscribes.
    /// - Parameters:
    ///   - subscribe: more topic filters to listen to, so that topics no rule maps yet are counted and listed.
    ///   - sparkplugHostID: act as a Sparkplug 3.0 primary host application with this ID: `spBv1.0/STATE/{id}` says
    ///     `{"online":true,…}` (retained) on every connection and `{"online":false,…}` as the last will and on a clean
    ///     stop, so edge nodes configured for this host know when Takt listens.
    public static func start(
        service plant: any MachineDataPlant,
        options: MQTTOptions,
        subscribe: [String] = [],
        sparkplugHostID: String? = nil,
        tick: Duration = .milliseconds(200),
        retryDelay: Duration = .milliseconds(500),
        logger: Logger
    ) async throws -> MachineBridge {
        var options = options
        var hostState: (topic: String, timestamp: Int64)?
        if let id = sparkplugHostID {
            if let problem = SparkplugTopic.hostIDProblem(id) { throw MQTTError(problem) }
            let state = (topic: SparkplugTopic.hostState(id), timestamp: Int64((plant.now().timeIntervalSince1970 * 1000).rounded()))
            options.will = (state.topic, SparkplugTopic.hostStatePayload(online: false, timestamp: state.timestamp))
            options.willRetain = true
            hostState = state
        }
        let view = try await plant.machineDataView()
        let tickMilliseconds = max(1, Int(tick.components.seconds * 1000 + tick.components.attoseconds / 1_000_000_000_000_000))
        let bridge = MachineBridge(
            plant: plant,
            options: options,
            view: view,
            subscribe: subscribe,
            followEvery: max(1, 500 / tickMilliseconds),
            retryDelay: retryDelay,
            hostState: hostState,
            logger: logger
        )
        let client = try MQTTClient(
            options,
            events: MQTTClient.Events(
                onMessage: { [weak bridge] message in bridge?.handle(message) },
                onConnection: { [weak bridge] up, why in bridge?.connectionChanged(up, why) }
            )
        )
        bridge.client.withLock { $0 = client }
        bridge.connection.withLock { $0.sparkplugHostID = sparkplugHostID }
        bridge.resubscribe(client: client, mapping: view.mapping)
        try client.start()
        plant.machineDataBoard?.attach { [weak bridge] in bridge?.status() ?? MachineDataStatus() }
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

    init(
        plant: any MachineDataPlant,
        options: MQTTOptions,
        view: MachineDataView,
        subscribe: [String],
        followEvery: Int,
        retryDelay: Duration,
        hostState: (topic: String, timestamp: Int64)? = nil,
        logger: Logger
    ) {
        self.plant = plant
        self.retryDelay = retryDelay
        self.hostState = hostState
        self.followEvery = followEvery
        self.ingest = Mutex(MachineDataIngest(view))
        self.connection = Mutex(MachineDataStatus.Connection(broker: "\(options.host):\(options.port)", clientID: options.clientID))
        self.extraFilters = subscribe
        self.logger = logger
    }

    /// Stops: no more messages are taken; the broker keeps the persistent session's messages for the next start.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        let client = client.withLock { $0 }
        if let hostState, let client, client.isConnected {
            // A clean stop sends no last will: say offline ourselves (same timestamp as this run's birth).
            _ = try? client.publish(hostState.topic, SparkplugTopic.hostStatePayload(online: false, timestamp: hostState.timestamp), retain: true)
            _ = client.waitForAcknowledgements(timeout: 2)
        }
        client?.stop()
        queue.sync {}  // the last message handed over is done
        plant.machineDataBoard?.detach()
    }

    /// The status (connection, counts, problems, unmapped topics, edge nodes, machines).
    public func status() -> MachineDataStatus {
        let connection = connection.withLock { $0 }
        var s = ingest.withLock { $0.currentStatus(connection: connection) }
        s.queued = waiting.load(ordering: .relaxed)
        (s.plantUnavailable, s.commandsRetried) = plantTrouble.withLock { ($0.now, $0.retried) }
        return s
    }

    // MARK: On the serial queue

    func handle(_ message: MQTTMessage) {
        if stopped.load(ordering: .relaxed) { return }  // stopping: the broker keeps it for the next start
        if let hostState, message.topic == hostState.topic {
            // Our own STATE: another session's will (or anyone) saying offline while we listen is corrected at once.
            let said = (try? JSONSerialization.jsonObject(with: message.payload)) as? [String: Any]
            if said?["online"] as? Bool != true, !stopped.load(ordering: .relaxed) { announceOnline() }
            return
        }
        let depth = waiting.add(1, ordering: .relaxed).newValue
        queue.sync {
            let now = plant.now()
            let effects = ingest.withLock { i in
                i.noteQueue(depth: depth)
                return i.receive(topic: message.topic, payload: message.payload, at: now)
            }
            carryOut(effects, topic: message.topic)
        }
        waiting.subtract(1, ordering: .relaxed)
    }

    func onTick() {
        let now = plant.now()
        let effects = ingest.withLock { $0.tick(now) }
        carryOut(effects, topic: "(debounce)")
        // The mapping is read again about every half second (a bridge on its own asks the server for it).
        if ticks.add(1, ordering: .relaxed).newValue % followEvery == 0 { followMapping() }
    }

    /// The plant's mapping changed: take it, and subscribe to its JSON topics.
    func followMapping() {
        let fetched: Result<MachineDataView, any Error>? = blocking {
            do { return .success(try await self.plant.machineDataView()) } catch { return .failure(error) }
        }
        guard let fetched else { return }  // stopping
        guard case .success(let view) = fetched else {
            if case .failure(let error) = fetched {
                let why = "\(error)"
                let isNew = plantTrouble.withLock { t in
                    defer { t.mapping = why }
                    return t.mapping != why
                }
                if isNew { logger.warning("machine data: cannot read the plant's mapping (\(why)); trying again every half second") }
            }
            return
        }
        let wasFailing = plantTrouble.withLock { t in
            defer { t.mapping = nil }
            return t.mapping != nil
        }
        if wasFailing { logger.info("machine data: the plant's mapping can be read again") }
        let now = plant.now()
        let rebirths = ingest.withLock { i -> [MachineDataEffect]? in
            guard i.mapping != view.mapping else { return nil }
            return i.remap(view, at: now)
        }
        guard let rebirths, let client = client.withLock({ $0 }) else { return }
        carryOut(rebirths, topic: "(mapping)")
        logger.info("machine-signal mapping changed: \(view.mapping.rules.count) rules")
        resubscribe(client: client, mapping: view.mapping)
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
            announceOnline()
        } else if !stopped.load(ordering: .relaxed) {
            logger.warning("machine data: not connected to the MQTT broker (\(why)); retrying")
        }
    }

    /// As a primary host application, says online on the STATE topic (retained, QoS 1).
    func announceOnline() {
        guard let hostState, let client = client.withLock({ $0 }) else { return }
        do {
            _ = try client.publish(hostState.topic, SparkplugTopic.hostStatePayload(online: true, timestamp: hostState.timestamp), retain: true)
        } catch {
            logger.warning("machine data: cannot publish the Sparkplug host STATE: \(error)")
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
        case .count(let wc, let good, let scrap, let goodCounter, let scrapCounter, let goodSource, let scrapSource, let reportProduction):
            let command = Command.recordMachineCount(
                RecordMachineCount(
                    workCenter: wc,
                    count: good,
                    scrap: scrap > 0 ? scrap : nil,
                    goodCounter: goodCounter,
                    scrapCounter: scrapCounter,
                    goodCounterSource: goodSource,
                    scrapCounterSource: scrapSource,
                    reportProduction: reportProduction ? true : nil
                )
            )
            guard let types = await submit(command, topic: topic, ignoring: []), reportProduction else { return }
            ingest.withLock { $0.noteProduction(reported: types.contains("quantityReported")) }
        }
    }

    /// Submits as the plant (`system`). A refusal by the plant's rules is final: counted and shown on the status page.
    /// Any other failure (the server unreachable or failing, the token refused, the store failing) holds the message:
    /// the command is tried again, waiting ``retryDelay`` and doubling up to ``maximumRetryDelay``, until the plant
    /// takes it or the bridge stops, so nothing is dropped while the plant is away. The recorded events' types, nil when
    /// refused (or stopped while waiting).
    @discardableResult
    func submit(_ command: Command, topic: String, ignoring rules: Set<String>) async -> [String]? {
        var delay = retryDelay
        var since: ContinuousClock.Instant?
        let clock = ContinuousClock()
        while true {
            do {
                let types = try await plant.submitMachineData(command)
                if let since {
                    plantTrouble.withLock { $0.now = nil }
                    logger.info("machine data: the plant takes commands again after \(Self.seconds(clock.now - since)) s")
                }
                return types
            } catch let error as DomainError {
                let first = error.violations.first ?? Violation(field: "command", rule: "refused", message: "\(error)")
                if since != nil { plantTrouble.withLock { $0.now = nil } }
                if rules.contains(first.rule) { return nil }
                let now = plant.now()
                ingest.withLock { $0.commandRefused(first, topic: topic, at: now) }
                logger.warning("machine data: the plant refused \(command.typeName): \(first.field): \(first.message)")
                return nil
            } catch {
                let why = "\(error)"
                let changed = plantTrouble.withLock { t in
                    defer { t.now = why }
                    return t.now != why
                }
                if since == nil { since = clock.now }
                if changed {
                    logger.warning(
                        "machine data: the plant cannot take \(command.typeName) now (\(why)); holding the message and trying again"
                    )
                }
                guard await pause(delay) else {
                    logger.notice("machine data: stopped while waiting for the plant; the broker keeps what was not taken")
                    return nil
                }
                plantTrouble.withLock { $0.retried += 1 }
                delay = min(delay * 2, Self.maximumRetryDelay)
            }
        }
    }

    /// Waits `duration` in short slices; false as soon as the bridge stops.
    func pause(_ duration: Duration) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: duration)
        while clock.now < end {
            if stopped.load(ordering: .relaxed) { return false }
            try? await Task.sleep(for: min(.milliseconds(100), end - clock.now))
        }
        return !stopped.load(ordering: .relaxed)
    }

    static func seconds(_ d: Duration) -> String {
        String(format: "%.1f", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }

    /// Runs async work from the bridge's queue (never a thread of Swift's pool) and waits for it; nil when the bridge
    /// stops first. The work needs a thread of Swift's pool; ``stop()`` may be called on one and block it, so once the
    /// bridge is stopping this gives up waiting (the work still finishes on its own). Otherwise two bridges stopping at
    /// once on a two-core machine hold both threads of the pool while their queues wait for it: a deadlock (seen).
    @discardableResult
    func blocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T? {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let value = await work()
            result.withLock { $0 = value }
            done.signal()
        }
        while true {
            if let value = result.withLock({ $0 }) { return value }
            if stopped.load(ordering: .relaxed) { return nil }
            _ = done.wait(timeout: .now() + .milliseconds(50))
        }
    }
}
