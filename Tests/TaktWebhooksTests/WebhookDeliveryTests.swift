import CoreMetrics
import Crypto
import Foundation
import Logging
import MetricsTestKit
import TaktCore
import TaktEngine
import TaktService
import TaktStore
import TaktStoreSQLite
import Testing

@testable import TaktWebhooks

/// The deliverer against a real HTTP receiver on 127.0.0.1: signatures, a receiver down for a while, dead letters and their
/// replay, a restart. The waits between attempts are injected (recorded, never slept), and the signature's clock is fixed.
@Suite("Webhook delivery")
struct WebhookDeliveryTests {
    static let now = Date(timeIntervalSince1970: 1_795_478_400)  // 2026-11-24T00:00:00Z
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func engine(_ store: any EventStore = InMemoryEventStore()) async throws -> Engine {
        try await Engine.open(store: store, now: { WebhookDeliveryTests.now }, logger: quiet)
    }

    @discardableResult
    static func subscribe(
        _ engine: Engine,
        id: WebhookSubscription.ID,
        url: String,
        types: [String] = ["siteDefined"],
        conditions: [WebhookCondition] = [],
        secret: String = PlantService.newWebhookSecret()
    ) async throws -> String {
        let new = NewWebhookSubscription(id: id, url: url, eventTypes: types, conditions: conditions, secret: secret)
        _ = try await engine.submit(CommandEnvelope(command: .createWebhookSubscription(new), actor: .system))
        return secret
    }

    /// Defines sites `first...last`; answers the sequence of the last event.
    @discardableResult
    static func defineSites(_ engine: Engine, _ range: ClosedRange<Int>) async throws -> Int64 {
        var last: Int64 = 0
        for i in range {
            let outcome = try await engine.submit(
                CommandEnvelope(command: .defineSite(Site(id: .init("S-\(i)"), name: "Site \(i)", timeZone: "UTC")), actor: .system)
            )
            last = outcome.events.last?.sequence ?? last
        }
        return last
    }

    static func deliverer(
        _ engine: Engine,
        transport: any WebhookTransport,
        attempts: Int = 8,
        loopbackOnly: Bool = false,
        waits: Waits = Waits(),
        metrics: (any MetricsFactory)? = nil
    ) -> WebhookDeliverer {
        WebhookDeliverer(
            engine: engine,
            transport: transport,
            options: .init(
                retry: WebhookRetryPolicy(attempts: attempts),
                loopbackOnly: loopbackOnly,
                idle: .milliseconds(50),
                // Generous: on a loaded 2-core CI machine a loopback answer can take seconds, and a timed-out attempt
                // would add a retry the tests do not expect. No test here relies on a receiver that never answers.
                timeout: .seconds(60),
                metrics: metrics
            ),
            now: { WebhookDeliveryTests.now },
            sleep: { try await waits.wait($0) },
            logger: quiet
        )
    }

    /// Runs the deliverer while `body` runs, then stops it.
    static func running<T: Sendable>(_ deliverer: WebhookDeliverer, _ body: () async throws -> T) async throws -> T {
        let task = Task { await deliverer.run() }
        do {
            let result = try await body()
            task.cancel()
            await task.value
            return result
        } catch {
            task.cancel()
            await task.value
            throw error
        }
    }

    static func json(_ request: Receiver.Request) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
    }

    static func eventIDs(_ receiver: Receiver) -> [String] { receiver.received.compactMap { $0.headers["takt-event-id"] } }

    // MARK: - Signatures

    @Test("Each event is POSTed as {id, type, sequence, occurredAt, data} with a Takt-Signature the receiver verifies with the secret")
    func signedDelivery() async throws {
        let engine = try await Self.engine()
        let receiver = Receiver()
        try await receiver.start()
        let filtered = Receiver()
        try await filtered.start()
        let secret = try await Self.subscribe(engine, id: "WH-ALL", url: receiver.url)
        try await Self.subscribe(engine, id: "WH-ONE", url: filtered.url, conditions: [WebhookCondition(field: "id", equals: "S-2")])
        let transport = HTTPClientTransport()
        let deliverer = Self.deliverer(engine, transport: transport)
        let last = try await Self.running(deliverer) {
            let last = try await Self.defineSites(engine, 1...3)
            #expect(await deliverer.waitUntilHandled("WH-ALL", through: last))
            #expect(await deliverer.waitUntilHandled("WH-ONE", through: last))
            return last
        }
        await transport.shutdown()
        try await receiver.stop()
        try await filtered.stop()

        let requests = receiver.received
        #expect(requests.count == 3)
        for (i, request) in requests.enumerated() {
            let body = try Self.json(request)
            let sequence = last - 2 + Int64(i)
            #expect(body["id"] as? String == "evt-\(sequence)")
            #expect(body["type"] as? String == "siteDefined")
            #expect((body["sequence"] as? NSNumber)?.int64Value == sequence)
            #expect(body["occurredAt"] as? String == "2026-11-24T00:00:00Z")
            #expect((body["data"] as? [String: Any])?["id"] as? String == "S-\(i + 1)")
            #expect(request.headers["takt-event-id"] == "evt-\(sequence)")
            #expect(request.headers["takt-event-type"] == "siteDefined")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.path == "/hook")

            // The signature, checked independently of the server's code: HMAC-SHA256 of "t.body" under the secret.
            let header = try #require(request.headers["takt-signature"])
            let parts = Dictionary(
                uniqueKeysWithValues: header.split(separator: ",").map { p in
                    let kv = p.split(separator: "=", maxSplits: 1)
                    return (String(kv[0]), String(kv[1]))
                }
            )
            #expect(parts["t"] == "1795478400")
            var message = Data("\(parts["t"] ?? "").".utf8)
            message.append(request.body)
            let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
            #expect(parts["v1"] == mac.map { String(format: "%02x", $0) }.joined())
            // And with the helper a Swift receiver would use: tampering, another secret or an old timestamp fail.
            #expect(WebhookSignature.verify(header, secret: secret, body: request.body, now: Self.now))
            #expect(!WebhookSignature.verify(header, secret: secret, body: request.body + Data(" ".utf8), now: Self.now))
            #expect(!WebhookSignature.verify(header, secret: PlantService.newWebhookSecret(), body: request.body, now: Self.now))
            #expect(!WebhookSignature.verify(header, secret: secret, body: request.body, now: Self.now.addingTimeInterval(3600)))
        }
        // The subscription with a condition got only the event that meets it.
        #expect(filtered.received.compactMap { try? Self.json($0)["data"] as? [String: Any] }.map { $0["id"] as? String } == ["S-2"])
    }

    // MARK: - A receiver down for a while

    @Test(
        "A receiver down for a while gets every event once it is back, in order, none lost; commands commit meanwhile; the waits follow the backoff"
    )
    func receiverDownThenUp() async throws {
        let engine = try await Self.engine()
        let receiver = Receiver()
        try await receiver.start()
        try await Self.subscribe(engine, id: "WH-1", url: receiver.url)
        try await receiver.stop()  // down before the first event
        // The deliverer's first wait holds until the test has committed more commands (so commands cannot depend on
        // delivery), and on its third wait the receiver comes back.
        let gate = Gate()
        let waits = Waits(hooks: [
            1: { await gate.wait() },
            3: { try await receiver.start() },
        ])
        let transport = HTTPClientTransport()
        let deliverer = Self.deliverer(engine, transport: transport, waits: waits)
        let last = try await Self.running(deliverer) {
            try await Self.defineSites(engine, 1...2)
            #expect(await waits.waitUntil(count: 1), "the deliverer never failed an attempt")
            // Delivery is stuck in its first wait; commands still commit.
            let last = try await Self.defineSites(engine, 3...6)
            await gate.open()
            #expect(await deliverer.waitUntilHandled("WH-1", through: last))
            return last
        }
        await transport.shutdown()
        try await receiver.stop()

        let ids = Self.eventIDs(receiver)
        let expected = (last - 5...last).map { WebhookDeliverer.eventID(sequence: $0) }
        // Every event, in order; a duplicate only of an event sent again (at least once), never out of order.
        var firstSeen: [String] = []
        for id in ids where !firstSeen.contains(id) { firstSeen.append(id) }
        #expect(firstSeen == expected)
        #expect(ids.count == expected.count, "nothing was sent twice here: \(ids)")
        let stats = await deliverer.statistics
        #expect(await waits.durations == [.seconds(5), .seconds(10), .seconds(20)], "statistics: \(stats)")
        #expect(stats.failedAttempts == 3 && stats.delivered == 6 && stats.deadLetters == 0)
        #expect(await engine.read { $0.webhookDeadLetters.isEmpty })
    }

    // MARK: - Dead letters and replay

    @Test("After its attempts an event becomes a dead letter and delivery goes on; a replay delivers it again; bookkeeping is never delivered")
    func deadLetterAndReplay() async throws {
        let engine = try await Self.engine()
        let receiver = Receiver()
        try await receiver.start()
        receiver.answer(with: 503)
        try await Self.subscribe(engine, id: "WH-1", url: receiver.url, types: ["*"])
        let waits = Waits()
        let transport = HTTPClientTransport()
        let metrics = TestMetrics()
        let deliverer = Self.deliverer(engine, transport: transport, attempts: 3, waits: waits, metrics: metrics)
        let (first, second) = try await Self.running(deliverer) {
            let first = try await Self.defineSites(engine, 1...1)
            let second = try await Self.defineSites(engine, 2...2)
            #expect(await deliverer.waitUntilHandled("WH-1", through: second))
            let letters = await engine.read { $0.webhookDeadLetters.values.sorted { $0.id < $1.id } }
            #expect(letters.map(\.eventSequence) == [first, second])
            #expect(letters.allSatisfy { $0.attempts == 3 && $0.lastError == "HTTP 503" && $0.status == .open && $0.eventType == "siteDefined" })

            // The receiver is fixed; the admin replays the first dead letter.
            receiver.answer(with: 204)
            let replay = try await engine.submit(
                CommandEnvelope(command: .replayWebhookDeadLetter(WebhookDeadLetterRef(deadLetter: letters[0].id)), actor: .system)
            )
            let replayed = try #require(replay.events.last?.sequence)
            #expect(await deliverer.waitUntilHandled("WH-1", through: replayed))
            // A second replay of the same letter is refused.
            await #expect(throws: DomainError.self) {
                try await engine.submit(
                    CommandEnvelope(command: .replayWebhookDeadLetter(WebhookDeadLetterRef(deadLetter: letters[0].id)), actor: .system)
                )
            }
            return (first, second)
        }
        await transport.shutdown()
        try await receiver.stop()

        // 3 failed attempts each, then the replay's one success; the dead-letter and replay events were never sent.
        let ids = Self.eventIDs(receiver)
        let a = WebhookDeliverer.eventID(sequence: first)
        let b = WebhookDeliverer.eventID(sequence: second)
        #expect(ids == [a, a, a, b, b, b, a])
        #expect(receiver.received.allSatisfy { $0.headers["takt-event-type"] == "siteDefined" })
        #expect(receiver.received.map { $0.headers["takt-delivery-attempt"] } == ["1", "2", "3", "1", "2", "3", "1"])
        let letters = await engine.read { $0.webhookDeadLetters.values.sorted { $0.id < $1.id } }
        #expect(letters.map(\.status) == [.replayed, .open])
        #expect(await waits.durations == [.seconds(5), .seconds(10), .seconds(5), .seconds(10)])
        // /metrics counts the same: six failed attempts, two dead letters, one replay taken up and delivered.
        func counted(_ outcome: String) throws -> Int64 {
            try metrics.expectCounter("takt_webhook_events_total", [("outcome", outcome)]).totalValue
        }
        #expect(try counted("failed_attempt") == 6)
        #expect(try counted("dead_lettered") == 2)
        #expect(try counted("replayed") == 1)
        #expect(try counted("delivered") == 1)
    }

    @Test("With --webhooks-loopback-only a target elsewhere is never contacted: the event becomes a dead letter naming the rule")
    func loopbackOnlyDeliverer() async throws {
        let engine = try await Self.engine()
        try await Self.subscribe(engine, id: "WH-FAR", url: "http://192.0.2.1/hook")
        let transport = HTTPClientTransport()
        let deliverer = Self.deliverer(engine, transport: transport, attempts: 2, loopbackOnly: true)
        try await Self.running(deliverer) {
            let last = try await Self.defineSites(engine, 1...1)
            #expect(await deliverer.waitUntilHandled("WH-FAR", through: last))
        }
        await transport.shutdown()
        let letter = try #require(await engine.read { $0.webhookDeadLetters.values.first })
        #expect(letter.lastError.contains("--webhooks-loopback-only"))
        #expect(await deliverer.statistics.delivered == 0)
    }

    // MARK: - Restart

    @Test("A restarted deliverer resumes from its stored position: nothing delivered before is sent again, nothing after is missed")
    func restartResumes() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("takt-webhooks-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let engine = try await Self.engine(try SQLiteEventStore(path: path))
        let receiver = Receiver()
        try await receiver.start()
        try await Self.subscribe(engine, id: "WH-1", url: receiver.url)
        let transport = HTTPClientTransport()
        let firstRun = Self.deliverer(engine, transport: transport)
        let early = try await Self.running(firstRun) {
            let last = try await Self.defineSites(engine, 1...3)
            #expect(await firstRun.waitUntilHandled("WH-1", through: last))
            return last
        }
        #expect(try await engine.store.loadCursor(WebhookDeliverer.cursorName("WH-1")) == early)
        let late = try await Self.defineSites(engine, 4...5)  // while no deliverer runs
        let secondRun = Self.deliverer(engine, transport: transport)
        try await Self.running(secondRun) {
            #expect(await secondRun.waitUntilHandled("WH-1", through: late))
        }
        await transport.shutdown()
        try await receiver.stop()
        #expect(Self.eventIDs(receiver) == (early - 2...late).map { WebhookDeliverer.eventID(sequence: $0) })
    }

    @Test("The retry policy doubles the wait from the first, up to the maximum")
    func retrySchedule() {
        #expect(WebhookRetryPolicy().schedule == [5, 10, 20, 40, 80, 160, 320].map { Duration.seconds($0) })
        #expect(
            WebhookRetryPolicy(attempts: 5, firstDelay: .seconds(60), maximumDelay: .seconds(200)).schedule
                == [60, 120, 200, 200].map { Duration.seconds($0) }
        )
        #expect(WebhookRetryPolicy(attempts: 1).schedule.isEmpty)
    }
}

// MARK: - Test helpers

/// Records the deliverer's waits instead of sleeping; a hook may run on the n-th wait (from 1).
actor Waits {
    private(set) var durations: [Duration] = []
    private let hooks: [Int: @Sendable () async throws -> Void]
    init(hooks: [Int: @Sendable () async throws -> Void] = [:]) { self.hooks = hooks }

    func wait(_ duration: Duration) async throws {
        durations.append(duration)
        if let hook = hooks[durations.count] { try await hook() }
    }

    /// Polls until `count` waits were recorded (bounded).
    nonisolated func waitUntil(count: Int, timeout: Duration = .seconds(120)) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if await durations.count >= count { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }
}

/// Holds its waiters until opened.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
    func open() {
        isOpen = true
        for w in waiters { w.resume() }
        waiters = []
    }
}
