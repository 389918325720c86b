import CMosquitto
public import Foundation
import Synchronization

/// A message received from the broker.
public struct MQTTMessage: Sendable, Hashable {
    public var topic: String
    public var payload: Data
    public var qos: Int
    public var retained: Bool
    public init(topic: String, payload: Data, qos: Int = 1, retained: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retained = retained
    }
}

/// How to reach a broker.
public struct MQTTOptions: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var clientID: String
    /// False keeps a persistent session: the broker queues QoS-1 messages for the client while it is away.
    public var cleanSession: Bool
    public var username: String?
    public var password: String?
    /// TLS: the CA certificate file (or directory) that signs the broker's certificate; a client certificate and key
    /// when the broker asks for one.
    public var caFile: String?
    public var caPath: String?
    public var certFile: String?
    public var keyFile: String?
    public var keepAlive: Int
    /// Reconnecting waits this long first, doubling up to `reconnectMaximum` seconds.
    public var reconnectDelay: Int
    public var reconnectMaximum: Int
    /// A last will: published by the broker if the client vanishes (Sparkplug's NDEATH).
    public var will: (topic: String, payload: Data)? {
        get { willTopic.map { ($0, willPayload ?? Data()) } }
        set {
            willTopic = newValue?.topic
            willPayload = newValue?.payload
        }
    }
    var willTopic: String?
    var willPayload: Data?
    /// The broker keeps the last will as the topic's retained message (Sparkplug's host STATE).
    public var willRetain = false

    public init(
        host: String = "127.0.0.1",
        port: Int = 1883,
        clientID: String,
        cleanSession: Bool = false,
        username: String? = nil,
        password: String? = nil,
        caFile: String? = nil,
        caPath: String? = nil,
        certFile: String? = nil,
        keyFile: String? = nil,
        keepAlive: Int = 30,
        reconnectDelay: Int = 1,
        reconnectMaximum: Int = 30
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.cleanSession = cleanSession
        self.username = username
        self.password = password
        self.caFile = caFile
        self.caPath = caPath
        self.certFile = certFile
        self.keyFile = keyFile
        self.keepAlive = keepAlive
        self.reconnectDelay = reconnectDelay
        self.reconnectMaximum = reconnectMaximum
    }

    public static func == (l: MQTTOptions, r: MQTTOptions) -> Bool {
        l.host == r.host && l.port == r.port && l.clientID == r.clientID && l.cleanSession == r.cleanSession && l.username == r.username
            && l.password == r.password && l.caFile == r.caFile && l.caPath == r.caPath && l.certFile == r.certFile
            && l.keyFile == r.keyFile && l.keepAlive == r.keepAlive && l.willTopic == r.willTopic && l.willPayload == r.willPayload
            && l.willRetain == r.willRetain
    }
    public func hash(into h: inout Hasher) {
        h.combine(host)
        h.combine(port)
        h.combine(clientID)
    }
}

/// A failure of the MQTT client, in words.
public struct MQTTError: Error, Sendable, CustomStringConvertible {
    public var description: String
    init(_ what: String, _ rc: Int32) { description = "\(what): \(String(cString: mosquitto_strerror(rc)))" }
    public init(_ description: String) { self.description = description }
}

/// An MQTT client over the Eclipse Mosquitto client library (libmosquitto), with its own network thread.
///
/// It connects in the background and reconnects after a lost connection with a doubling delay, subscribing again each
/// time. The network thread waits with poll(2), not the library's own loop: libmosquitto 2.0's loop uses select(2) and
/// gives up for good on a socket numbered 1024 or above, which a busy server (or a test process) reaches. `onMessage` is called on the library's network thread, one message at a time: while it runs, the client reads
/// nothing more from the broker, so a slow receiver holds the broker back (backpressure) instead of queueing in memory.
/// A QoS-1 message is acknowledged by the library when the handler has it (libmosquitto 2.0.11, Debian 12, sends the
/// PUBACK just before calling the handler; later versions just after it returns).
public final class MQTTClient: Sendable {
    public struct Events: Sendable {
        public var onMessage: @Sendable (MQTTMessage) -> Void
        /// Connected (true) or lost (false), with the reason in words.
        public var onConnection: @Sendable (Bool, String) -> Void
        public init(
            onMessage: @escaping @Sendable (MQTTMessage) -> Void = { _ in },
            onConnection: @escaping @Sendable (Bool, String) -> Void = { _, _ in }
        ) {
            self.onMessage = onMessage
            self.onConnection = onConnection
        }
    }

    struct State {
        var subscriptions: [String: Int32] = [:]
        var connected = false
        var stopped = false
        var started = false
        var unacknowledged: Set<Int32> = []
        /// Acknowledgements that came before `publish` noted the message id (the network thread is that quick).
        var early: Set<Int32> = []
    }

    final class Box: Sendable {
        let events: Events
        let state = Mutex(State())
        init(events: Events) { self.events = events }
    }

    nonisolated(unsafe) let handle: OpaquePointer
    let box: Box
    public let options: MQTTOptions
    /// A pipe that wakes the network thread when there is something to send (or to stop).
    let wake: (read: Int32, write: Int32)
    /// Set by the network thread when it has ended.
    let ended = DispatchSemaphore(value: 0)

    private static let initialised: Bool = {
        mosquitto_lib_init()
        return true
    }()

    public init(_ options: MQTTOptions, events: Events) throws(MQTTError) {
        _ = Self.initialised
        self.options = options
        let box = Box(events: events)
        self.box = box
        let userdata = Unmanaged.passUnretained(box).toOpaque()
        guard let handle = mosquitto_new(options.clientID, options.cleanSession, userdata) else {
            throw MQTTError("cannot create an MQTT client (client id '\(options.clientID)')")
        }
        self.handle = handle
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            mosquitto_destroy(handle)
            throw MQTTError("cannot create the network thread's pipe")
        }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        self.wake = (fds[0], fds[1])
        mosquitto_threaded_set(handle, true)  // publish and subscribe come from other threads
        var rc: Int32 = MOSQ_ERR_SUCCESS.rawValue
        if let user = options.username {
            rc = mosquitto_username_pw_set(handle, user, options.password)
            if rc != 0 {
                mosquitto_destroy(handle)
                throw MQTTError("username", rc)
            }
        }
        if options.caFile != nil || options.caPath != nil {
            rc = mosquitto_tls_set(handle, options.caFile, options.caPath, options.certFile, options.keyFile, nil)
            if rc != 0 {
                mosquitto_destroy(handle)
                throw MQTTError("TLS", rc)
            }
        }
        if let topic = options.willTopic {
            let payload = options.willPayload ?? Data()
            rc = payload.withUnsafeBytes { mosquitto_will_set(handle, topic, Int32(payload.count), $0.baseAddress, 1, options.willRetain) }
            if rc != 0 {
                mosquitto_destroy(handle)
                throw MQTTError("last will", rc)
            }
        }
        mosquitto_max_inflight_messages_set(handle, 100)
        mosquitto_connect_callback_set(handle) { mosq, userdata, rc in
            guard let mosq, let userdata else { return }
            let box = Unmanaged<Box>.fromOpaque(userdata).takeUnretainedValue()
            let subscriptions = box.state.withLock { s in
                s.connected = rc == 0
                return s.subscriptions
            }
            if rc == 0 {
                for (filter, qos) in subscriptions.sorted(by: { $0.key < $1.key }) { mosquitto_subscribe(mosq, nil, filter, qos) }
            }
            box.events.onConnection(rc == 0, rc == 0 ? "connected" : String(cString: mosquitto_connack_string(rc)))
        }
        mosquitto_disconnect_callback_set(handle) { _, userdata, rc in
            guard let userdata else { return }
            let box = Unmanaged<Box>.fromOpaque(userdata).takeUnretainedValue()
            box.state.withLock { $0.connected = false }
            box.events.onConnection(false, rc == 0 ? "disconnected" : String(cString: mosquitto_strerror(rc)))
        }
        mosquitto_message_callback_set(handle) { _, userdata, message in
            guard let userdata, let message else { return }
            let box = Unmanaged<Box>.fromOpaque(userdata).takeUnretainedValue()
            let m = message.pointee
            let topic = m.topic.map { String(cString: $0) } ?? ""
            let payload = m.payload.map { Data(bytes: $0, count: Int(m.payloadlen)) } ?? Data()
            box.events.onMessage(MQTTMessage(topic: topic, payload: payload, qos: Int(m.qos), retained: m.retain))
        }
        mosquitto_publish_callback_set(handle) { _, userdata, mid in
            guard let userdata else { return }
            let box = Unmanaged<Box>.fromOpaque(userdata).takeUnretainedValue()
            box.state.withLock { s in
                if s.unacknowledged.remove(mid) == nil { s.early.insert(mid) }
            }
        }
    }

    deinit {
        stop()
        mosquitto_destroy(handle)
        close(wake.read)
        close(wake.write)
    }

    /// Starts the network thread, which connects in the background (failures are retried; `onConnection` tells).
    public func start() throws(MQTTError) {
        let first = box.state.withLock { s in
            defer { s.started = true }
            return !s.started
        }
        guard first else { return }
        let thread = Thread { [self] in self.network() }
        thread.name = "takt.mqtt"
        thread.start()
    }

    var isStopped: Bool { box.state.withLock { $0.stopped } }

    /// The network thread: connect (again) with a doubling delay, then read, write and keep alive, waiting with poll.
    func network() {
        defer { ended.signal() }
        var connectedOnce = false
        var failures = 0
        while !isStopped {
            if mosquitto_socket(handle) < 0 {
                let rc =
                    connectedOnce
                    ? mosquitto_reconnect(handle) : mosquitto_connect(handle, options.host, Int32(options.port), Int32(options.keepAlive))
                if rc != MOSQ_ERR_SUCCESS.rawValue {
                    box.events.onConnection(false, String(cString: mosquitto_strerror(rc)))
                    let delay = min(
                        Double(max(1, options.reconnectMaximum)),
                        Double(max(1, options.reconnectDelay)) * pow(2, Double(min(failures, 10)))
                    )
                    failures += 1
                    pause(seconds: delay)
                    continue
                }
                connectedOnce = true
                failures = 0
            }
            let socket = mosquitto_socket(handle)
            guard socket >= 0 else { continue }
            var fds = [
                pollfd(fd: socket, events: Int16(POLLIN) | (mosquitto_want_write(handle) ? Int16(POLLOUT) : 0), revents: 0),
                pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
            ]
            _ = poll(&fds, 2, 1000)
            if fds[1].revents != 0 { drainWake() }
            var rc = MOSQ_ERR_SUCCESS.rawValue
            if fds[0].revents & Int16(POLLIN | POLLERR | POLLHUP) != 0 { rc = mosquitto_loop_read(handle, 1) }
            if rc == MOSQ_ERR_SUCCESS.rawValue, mosquitto_socket(handle) >= 0, mosquitto_want_write(handle) {
                rc = mosquitto_loop_write(handle, 1)
            }
            if rc == MOSQ_ERR_SUCCESS.rawValue { rc = mosquitto_loop_misc(handle) }
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                // The connection is lost (the library called the disconnect callback): close what is left and reconnect.
                box.state.withLock { $0.connected = false }
                if mosquitto_socket(handle) >= 0, !isStopped { mosquitto_disconnect(handle) }
                pause(seconds: Double(max(1, options.reconnectDelay)))
            }
        }
        // Stopping: send the DISCONNECT (and whatever waits before it), at most for a second.
        for _ in 0..<100 where mosquitto_socket(handle) >= 0 && mosquitto_want_write(handle) {
            if mosquitto_loop_write(handle, 1) != MOSQ_ERR_SUCCESS.rawValue { break }
            usleep(10_000)
        }
    }

    /// Waits, waking early when stopped.
    func pause(seconds: Double) {
        var left = seconds
        while left > 0, !isStopped {
            var fd = pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)
            _ = poll(&fd, 1, Int32(min(left, 0.25) * 1000))
            drainWake()
            left -= 0.25
        }
    }

    func drainWake() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wake.read, &buffer, buffer.count) > 0 {}
    }

    func wakeUp() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    /// Subscribes now (when connected) and after every reconnection.
    public func subscribe(_ filter: String, qos: Int = 1) {
        let connected = box.state.withLock { s in
            s.subscriptions[filter] = Int32(qos)
            return s.connected
        }
        if connected {
            mosquitto_subscribe(handle, nil, filter, Int32(qos))
            wakeUp()
        }
    }

    public func unsubscribe(_ filter: String) {
        let connected = box.state.withLock { s in
            s.subscriptions[filter] = nil
            return s.connected
        }
        if connected {
            mosquitto_unsubscribe(handle, nil, filter)
            wakeUp()
        }
    }

    public var subscriptions: [String] { box.state.withLock { $0.subscriptions.keys.sorted() } }
    public var isConnected: Bool { box.state.withLock { $0.connected } }

    /// Publishes (queued by the library while disconnected, within its limits); answers the message id.
    @discardableResult
    public func publish(_ topic: String, _ payload: Data, qos: Int = 1, retain: Bool = false) throws(MQTTError) -> Int32 {
        var mid: Int32 = 0
        let rc = payload.withUnsafeBytes { mosquitto_publish(handle, &mid, topic, Int32(payload.count), $0.baseAddress, Int32(qos), retain) }
        if rc != 0 { throw MQTTError("publish to \(topic)", rc) }
        wakeUp()
        if qos > 0 {
            box.state.withLock { s in
                if s.early.remove(mid) == nil { s.unacknowledged.insert(mid) }
            }
        }
        return mid
    }

    /// QoS-1 messages published and not yet acknowledged by the broker.
    public var unacknowledged: Int { box.state.withLock { $0.unacknowledged.count } }

    /// Waits until the broker acknowledged every QoS-1 message published, at most `timeout` seconds; true when it did.
    public func waitForAcknowledgements(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while unacknowledged > 0 {
            if Date() >= deadline { return false }
            usleep(2_000)
        }
        return true
    }

    /// Disconnects cleanly (no last will) and stops the network thread (waiting for it at most 5 s).
    public func stop() {
        let (already, started) = box.state.withLock { s in
            defer { s.stopped = true }
            return (s.stopped, s.started)
        }
        guard !already else { return }
        if mosquitto_socket(handle) >= 0 { mosquitto_disconnect(handle) }
        wakeUp()
        if started { _ = ended.wait(timeout: .now() + 5) }
    }
}
