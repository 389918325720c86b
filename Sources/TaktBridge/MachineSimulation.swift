public import Foundation
import Synchronization
public import TaktCore
public import TaktMQTT
public import TaktMachineData

/// An edge node of simulated machines publishing Sparkplug B to a broker (`takt simulate machines`,
/// `takt serve --simulate`): births on connecting (and whenever asked for a rebirth), then a step every interval, with
/// its NDEATH registered as the last will.
public final class MachineSimulation: Sendable {
    let simulator: Mutex<MachineSimulator>
    let client: MQTTClient
    /// Births are due (a new connection, or the host asked for a rebirth).
    let asked: Flag

    final class Flag: Sendable {
        let value = Atomic<Bool>(true)
        func set() { value.store(true, ordering: .relaxed) }
        func take() -> Bool { value.exchange(false, ordering: .relaxed) }
    }
    let published = Atomic<Int>(0)
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - now: the plant's clock (the messages' timestamps).
    public init(simulator: MachineSimulator, options: MQTTOptions, now: @escaping @Sendable () -> Date) throws(MQTTError) {
        var options = options
        options.will = simulator.will()
        options.cleanSession = true
        self.simulator = Mutex(simulator)
        self.now = now
        let asked = Flag()
        self.asked = asked
        let ncmd = SparkplugTopic(group: simulator.group, type: .ncmd, edgeNode: simulator.edgeNode).description
        self.client = try MQTTClient(
            options,
            events: MQTTClient.Events(
                onMessage: { message in
                    guard message.topic == ncmd, let payload = try? SparkplugPayload(decoding: message.payload) else { return }
                    if payload.metrics.contains(where: { $0.name == "Node Control/Rebirth" && $0.value == .bool(true) }) {
                        asked.set()
                    }
                },
                onConnection: { up, _ in if up { asked.set() } }  // a new connection: births first
            )
        )
        client.subscribe(ncmd, qos: 0)
    }

    /// Messages published so far.
    public var messagesPublished: Int { published.load(ordering: .relaxed) }
    public var isConnected: Bool { client.isConnected }

    public func start() throws(MQTTError) { try client.start() }

    /// One step: births when connected anew or asked, then the machines moved on by `elapsed` seconds.
    public func step(elapsed: TimeInterval) {
        guard client.isConnected else { return }
        let at = now()
        let messages = simulator.withLock { sim in
            var out: [(topic: String, payload: Data)] = []
            if asked.take() { out += sim.births(at: at) }
            out += sim.step(at: at, elapsed: elapsed)
            return out
        }
        for m in messages {
            do {
                try client.publish(m.topic, m.payload, qos: 1)
                published.add(1, ordering: .relaxed)
            } catch {
                asked.set()  // lost on the way: start a new session with births
                return
            }
        }
    }

    /// Steps every `interval` until the task is cancelled.
    public func run(every interval: Duration = .seconds(1)) async {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        while !Task.isCancelled {
            step(elapsed: seconds)
            try? await Task.sleep(for: interval)
        }
    }

    /// Publishes the NDEATH and disconnects.
    public func stop() {
        let death = simulator.withLock { $0.death() }
        try? client.publish(death.topic, death.payload, qos: 1)
        _ = client.waitForAcknowledgements(timeout: 2)
        client.stop()
    }
}
