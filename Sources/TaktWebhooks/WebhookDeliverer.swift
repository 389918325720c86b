public import CoreMetrics
public import Foundation
public import Logging
public import TaktCore
public import TaktEngine
import TaktStore

/// When the deliverer tries again: after attempt `n` fails it waits `firstDelay × 2^(n−1)`, at most `maximumDelay`; after
/// `attempts` failures it records a dead letter and goes on with the next event.
public struct WebhookRetryPolicy: Sendable, Hashable {
    public var attempts: Int
    public var firstDelay: Duration
    public var maximumDelay: Duration

    /// The default: 8 attempts, waiting 5 s, 10 s, 20 s, 40 s, 80 s, 160 s and 320 s between them (about 10½ minutes).
    public init(attempts: Int = 8, firstDelay: Duration = .seconds(5), maximumDelay: Duration = .seconds(600)) {
        self.attempts = max(1, attempts)
        self.firstDelay = firstDelay
        self.maximumDelay = maximumDelay
    }

    /// The wait after attempt `attempt` (from 1) failed.
    public func delay(after attempt: Int) -> Duration {
        var d = firstDelay
        for _ in 1..<max(1, attempt) {
            d = d * 2
            if d >= maximumDelay { return maximumDelay }
        }
        return min(d, maximumDelay)
    }

    /// Every wait, in order.
    public var schedule: [Duration] { (1..<max(1, attempts)).map(delay(after:)) }
}

/// Delivers the plant's events to webhook subscriptions, from the log (docs/integration.md, "Webhooks").
///
/// **From the log, off the command path.** Every active subscription has a worker that follows the log (``LogFollower``)
/// from its own position, stored in the store as cursor `webhook:<subscription>`; a command never waits for a delivery.
/// **At least once, in order.** A worker POSTs one event at a time and saves its position after the event was delivered
/// or dead-lettered; a crash between the two sends the event again after the restart, so a receiver may see an event
/// twice (the same `Takt-Event-Id`), never miss one. **Retries.** A failure (no answer, or a status other than 2xx) is
/// tried again after the policy's waits; after the last attempt the worker records a dead letter (a command, as the
/// system) and goes on. **Replay.** An admin's `replayWebhookDeadLetter` is in the log: the worker of that subscription
/// meets it in order and delivers the dead letter's event again (a failed replay records a new dead letter).
///
/// The clock of the signature's timestamp and the waits between attempts are injected, so tests never wait on the wall
/// clock. Run it with ``run()`` in the application's service group; it stops when its task is cancelled.
public actor WebhookDeliverer {
    public struct Options: Sendable {
        public var retry: WebhookRetryPolicy
        /// Refuse (and dead-letter) every target that is not this machine (`--webhooks-loopback-only`).
        public var loopbackOnly: Bool
        /// How long a worker waits for new events before it looks again (other writers' events show up after it).
        public var idle: Duration
        /// How long one request may take.
        public var timeout: Duration
        /// Where `takt_webhook_events_total{outcome}` is counted (nil: nowhere; docs/integration.md, "Metrics and traces").
        public var metrics: (any MetricsFactory)?
        public init(
            retry: WebhookRetryPolicy = WebhookRetryPolicy(),
            loopbackOnly: Bool = false,
            idle: Duration = .seconds(1),
            timeout: Duration = .seconds(10),
            metrics: (any MetricsFactory)? = nil
        ) {
            self.metrics = metrics
            self.retry = retry
            self.loopbackOnly = loopbackOnly
            self.idle = idle
            self.timeout = timeout
        }
    }

    public struct Statistics: Sendable, Hashable {
        /// Requests a receiver accepted (2xx), replays included.
        public var delivered = 0
        /// Attempts that failed (each retry counts).
        public var failedAttempts = 0
        public var deadLetters = 0
        public var replays = 0
    }

    public nonisolated let engine: Engine
    nonisolated let transport: any WebhookTransport
    nonisolated let options: Options
    nonisolated let now: @Sendable () -> Date
    nonisolated let sleep: @Sendable (Duration) async throws -> Void
    nonisolated let logger: Logger
    private var workers: [WebhookSubscription.ID: (generation: Int, task: Task<Void, Never>)] = [:]
    private var generation = 0
    /// Per subscription: the position saved (every event up to it was delivered or dead-lettered).
    private var positions: [WebhookSubscription.ID: Int64] = [:]
    public private(set) var statistics = Statistics()
    /// `takt_webhook_events_total{outcome}`, by ``Tally``.
    private let counters: [Tally: Counter]

    /// - Parameters:
    ///   - engine: the engine whose log it follows and through which it records dead letters (as the system).
    ///   - transport: what sends the requests (``HTTPClientTransport`` in the server).
    ///   - now: the clock of the signature's timestamp (the wall clock in the server: receivers compare it with theirs).
    ///   - sleep: how it waits between attempts.
    public init(
        engine: Engine,
        transport: any WebhookTransport,
        options: Options = Options(),
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        logger: Logger = Logger(label: "takt.webhooks")
    ) {
        self.engine = engine
        self.transport = transport
        self.options = options
        self.now = now
        self.sleep = sleep
        self.logger = logger
        var counters: [Tally: Counter] = [:]
        if let factory = options.metrics {
            for tally in Tally.allCases {
                counters[tally] = Counter(label: "takt_webhook_events_total", dimensions: [("outcome", tally.rawValue)], factory: factory)
            }
        }
        self.counters = counters
    }

    /// The cursor a subscription's position is stored under.
    public static func cursorName(_ id: WebhookSubscription.ID) -> String { "webhook:\(id.rawValue)" }

    // MARK: - Running

    /// Keeps one worker per active subscription until the task is cancelled: starts workers for new or resumed
    /// subscriptions, stops those of paused or deleted ones.
    public func run() async {
        logger.info("webhook deliverer started", metadata: ["loopbackOnly": "\(options.loopbackOnly)"])
        var seen = await engine.committedSequence
        while !Task.isCancelled {
            await reconcile()
            _ = await engine.waitForCommit(after: seen, timeout: options.idle)
            seen = await engine.committedSequence
        }
        let running = workers.values.map { $0.task }
        workers = [:]
        for task in running { task.cancel() }
        for task in running { await task.value }
        logger.info("webhook deliverer stopped")
    }

    private func reconcile() async {
        // A lookup, not a computation: on a snapshot (copy-on-write), never queued behind the read threads' heavy pages.
        let state = await engine.snapshot()
        let active = Set(state.webhookSubscriptions.values.filter(\.active).map(\.id))
        for (id, worker) in workers where !active.contains(id) {
            worker.task.cancel()
            workers[id] = nil
        }
        for id in active where workers[id] == nil {
            generation += 1
            let g = generation
            workers[id] = (generation: g, task: Task { await self.work(id, generation: g) })
        }
    }

    private func finished(_ id: WebhookSubscription.ID, generation g: Int) {
        if workers[id]?.generation == g { workers[id] = nil }
    }

    private func saved(_ id: WebhookSubscription.ID, _ position: Int64) { positions[id] = position }

    /// What happens to an event on its way to a subscriber, as counted.
    enum Tally: String, CaseIterable {
        case delivered
        case failedAttempt = "failed_attempt"
        case deadLettered = "dead_lettered"
        case replayed
    }

    private func count(_ tally: Tally) {
        switch tally {
        case .delivered: statistics.delivered += 1
        case .failedAttempt: statistics.failedAttempts += 1
        case .deadLettered: statistics.deadLetters += 1
        case .replayed: statistics.replays += 1
        }
        counters[tally]?.increment()
    }

    /// The position saved for a subscription (nil before its worker started): every event up to it was delivered or
    /// dead-lettered.
    public func position(of id: WebhookSubscription.ID) -> Int64? { positions[id] }

    /// Waits until the subscription's worker has handled every event up to `sequence`, at most `timeout`.
    public nonisolated func waitUntilHandled(_ id: WebhookSubscription.ID, through sequence: Int64, timeout: Duration = .seconds(120)) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if let p = await position(of: id), p >= sequence { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    // MARK: - A subscription's worker

    private enum Outcome { case skipped, delivered, deadLettered, stop }

    private nonisolated func work(_ id: WebhookSubscription.ID, generation g: Int) async {
        let store = await engine.store
        let name = Self.cursorName(id)
        guard let start = await engine.snapshot().webhookStarts[id] else {
            await finished(id, generation: g)
            return
        }
        var stored: Int64?
        while stored == nil, !Task.isCancelled {
            do {
                stored = max(start, try await store.loadCursor(name) ?? start)
            } catch {
                logger.error("reading a webhook's position failed; retrying", metadata: ["subscription": "\(id)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
        guard var position = stored else {
            await finished(id, generation: g)
            return
        }
        var savedPosition = position
        await saved(id, position)
        var follower = engine.follow(after: position, pageSize: 100, idle: options.idle).makeAsyncIterator()
        following: while !Task.isCancelled {
            let step: LogFollower.Step?
            do {
                step = try await follower.next()
            } catch {
                if Task.isCancelled { break }
                logger.error("reading the log failed; retrying", metadata: ["subscription": "\(id)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
                continue
            }
            guard let step else { break }
            guard case .events(let page) = step else { continue }
            for recorded in page {
                if Task.isCancelled { break following }
                let outcome = await handle(recorded, for: id)
                if case .stop = outcome { break following }
                position = recorded.sequence
                if case .skipped = outcome { continue }
                // Saved after every delivery: a restart sends at most the event in flight again.
                if (try? await store.saveCursor(name, position: position)) != nil {
                    savedPosition = position
                    await saved(id, position)
                }
            }
            if position != savedPosition, (try? await store.saveCursor(name, position: position)) != nil {
                savedPosition = position
                await saved(id, position)
            }
        }
        // The last save runs outside the cancelled task (a cancelled task's database call is refused).
        if position != savedPosition {
            let p = position
            let ok = await Task.detached { (try? await store.saveCursor(name, position: p)) != nil }.value
            if ok { await saved(id, p) }
        }
        await finished(id, generation: g)
    }

    private nonisolated func current(_ id: WebhookSubscription.ID) async -> WebhookSubscription? {
        await engine.snapshot().webhookSubscriptions[id]
    }

    private nonisolated func handle(_ recorded: RecordedEvent, for id: WebhookSubscription.ID) async -> Outcome {
        guard let subscription = await current(id), subscription.active else { return .stop }
        if recorded.type == EventKind.webhookDeadLetterReplayed.rawValue {
            guard let event = try? Event(type: recorded.type, payload: recorded.payload, decoder: TaktJSON.decoder),
                case .webhookDeadLetterReplayed(let replay) = event, replay.subscription == id
            else { return .skipped }
            guard let original = await recordedEvent(at: replay.eventSequence) else { return .stop }
            await count(.replayed)
            return await deliver(original, to: id, replayOf: replay.deadLetter)
        }
        guard subscription.wants(type: recorded.type) else { return .skipped }
        guard let body = Self.body(of: recorded), subscription.accepts(data: body.data) else { return .skipped }
        return await deliver(recorded, to: id, replayOf: nil)
    }

    /// The recorded event at `sequence`, read again from the store (retried until it is read or the task is cancelled).
    private nonisolated func recordedEvent(at sequence: Int64) async -> RecordedEvent? {
        while !Task.isCancelled {
            do {
                return try await engine.events(after: sequence - 1, limit: 1).first
            } catch {
                logger.error("reading an event to replay failed; retrying", metadata: ["sequence": "\(sequence)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
        return nil
    }

    /// POSTs one event until the receiver takes it or the attempts are spent; then records a dead letter.
    private nonisolated func deliver(_ recorded: RecordedEvent, to id: WebhookSubscription.ID, replayOf: WebhookDeadLetter.ID?) async -> Outcome {
        guard let body = Self.body(of: recorded) else { return .skipped }
        let policy = options.retry
        var lastError = "not attempted"
        var attempts = 0
        for attempt in 1...policy.attempts {
            if Task.isCancelled { return .stop }
            guard let subscription = await current(id), subscription.active else { return .stop }
            attempts = attempt
            if options.loopbackOnly && !WebhookTarget.isLoopback(subscription.url) {
                lastError = "refused: \(subscription.url) is not a loopback address (the server runs with --webhooks-loopback-only)"
            } else {
                let timestamp = Int(now().timeIntervalSince1970)
                let headers = [
                    ("Content-Type", "application/json"),
                    ("User-Agent", "Takt-Webhooks/1"),
                    ("Takt-Event-Id", body.id),
                    ("Takt-Event-Type", recorded.type),
                    ("Takt-Delivery-Attempt", "\(attempt)"),
                    (WebhookSignature.header, WebhookSignature.value(secret: subscription.secret, timestamp: timestamp, body: body.json)),
                ]
                do {
                    let status = try await transport.post(url: subscription.url, headers: headers, body: body.json, timeout: options.timeout)
                    if (200..<300).contains(status) {
                        await count(.delivered)
                        return .delivered
                    }
                    lastError = "HTTP \(status)"
                } catch {
                    lastError = Self.describe(error)
                }
            }
            await count(.failedAttempt)
            logger.notice(
                "webhook delivery failed",
                metadata: ["subscription": "\(id)", "event": "\(recorded.sequence)", "attempt": "\(attempt)", "error": "\(lastError)"]
            )
            if attempt < policy.attempts {
                do { try await sleep(policy.delay(after: attempt)) } catch { return .stop }
            }
        }
        return await recordDeadLetter(recorded, to: id, attempts: attempts, lastError: lastError, replayOf: replayOf)
    }

    private nonisolated func recordDeadLetter(
        _ recorded: RecordedEvent,
        to id: WebhookSubscription.ID,
        attempts: Int,
        lastError: String,
        replayOf: WebhookDeadLetter.ID?
    ) async -> Outcome {
        let command = Command.recordWebhookDeadLetter(
            RecordWebhookDeadLetter(
                subscription: id,
                eventSequence: recorded.sequence,
                eventType: recorded.type,
                attempts: attempts,
                lastError: lastError,
                replayOf: replayOf
            )
        )
        while !Task.isCancelled {
            do {
                _ = try await engine.submit(CommandEnvelope(command: command, actor: .system, correlationID: "webhook:\(id.rawValue)"))
                await count(.deadLettered)
                logger.warning("webhook event dead-lettered", metadata: ["subscription": "\(id)", "event": "\(recorded.sequence)"])
                return .deadLettered
            } catch let error as DomainError {
                // Already recorded (a restart handles the event again), or the subscription is gone: nothing more to do.
                logger.notice("dead letter not recorded", metadata: ["subscription": "\(id)", "error": "\(error)"])
                return .deadLettered
            } catch {
                logger.error("recording a dead letter failed; retrying", metadata: ["subscription": "\(id)", "error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
        return .stop
    }

    // MARK: - The request's body

    /// The body sent: `{"data": …, "id": …, "occurredAt": …, "sequence": …, "type": …}` (keys sorted), the event's data
    /// with every secret redacted.
    struct Body {
        var id: String
        /// The event's data alone (conditions are checked on it).
        var data: Data
        var json: Data
    }

    private struct Payload: Encodable {
        var id: String
        var type: String
        var sequence: Int64
        var occurredAt: Date
        var data: JSONValue
    }

    /// The event's ID as receivers see it (`Takt-Event-Id`): the same on every attempt and every replay.
    public static func eventID(sequence: Int64) -> String { "evt-\(sequence)" }

    static func body(of recorded: RecordedEvent) -> Body? {
        guard let event = try? Event(type: recorded.type, payload: recorded.payload, decoder: TaktJSON.decoder),
            let data = try? event.redacted.encodePayload(TaktJSON.encoder),
            let value = try? TaktJSON.decoder.decode(JSONValue.self, from: data)
        else { return nil }
        let id = eventID(sequence: recorded.sequence)
        let payload = Payload(id: id, type: recorded.type, sequence: recorded.sequence, occurredAt: recorded.recordedAt, data: value)
        guard let json = try? TaktJSON.encoder.encode(payload) else { return nil }
        return Body(id: id, data: data, json: json)
    }

    /// A failure in one line without control characters, at most 300 characters (it goes into the log as a dead letter).
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error).unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : String($0) }.joined()
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? "request failed" : String(trimmed.prefix(300))
    }
}
