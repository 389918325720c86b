public import CoreMetrics
import Crypto
public import Foundation
public import Logging
public import TaktCore
public import TaktStore

/// Handles commands and answers queries over the plant state.
///
/// Every command is validated against the current state, its events are appended to the store
/// atomically, and only then is the state seen by readers. Commands that arrive while a commit is
/// under way are committed together in the next transaction (group commit), each with its own answer.
public actor Engine {
    public let store: any EventStore
    /// The clock commands are decided at (injected so tests control time); answers that depend on the time use it too.
    public nonisolated let now: @Sendable () -> Date
    private let logger: Logger
    private let snapshotInterval: Int64

    private var state: PlantState
    private var lastSnapshot: Int64
    /// True while a leader is committing a batch.
    private var committing = false
    /// True while `state` holds events that are not yet durable; readers wait.
    private var dirty = false
    private var queue: [Pending] = []
    private var readWaiters: [CheckedContinuation<Void, Never>] = []
    let notifier = CommitNotifier()
    /// Correlation IDs for commands that bring none: a random prefix per engine start and a counter.
    private let correlationPrefix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
    private var correlationCounter: UInt64 = 0
    /// Commands, events and commit times, when a metrics factory was given (EngineMetrics.swift).
    private var metrics: EngineMetrics?

    private func nextCorrelationID() -> String {
        correlationCounter += 1
        return "c-\(correlationPrefix)-\(correlationCounter)"
    }

    /// Commands waiting for the next commit, with the caller to answer (nil for the leader's own).
    private struct Pending {
        var envelopes: [CommandEnvelope]
        var continuation: CheckedContinuation<[Result<CommandOutcome, any Error>], Never>?
        /// All or nothing: committed alone, and not at all when one of its commands is refused (``submitAtomically(_:)``).
        var atomic = false
    }

    private init(
        store: any EventStore,
        state: PlantState,
        lastSnapshot: Int64,
        now: @escaping @Sendable () -> Date,
        logger: Logger,
        snapshotInterval: Int64,
        metrics: EngineMetrics?
    ) {
        self.store = store
        self.metrics = metrics
        self.state = state
        self.lastSnapshot = lastSnapshot
        self.now = now
        self.logger = logger
        self.snapshotInterval = snapshotInterval
        notifier.publish(state.sequence)
    }

    /// Opens the engine on a store: loads the latest usable snapshot and replays the log after it.
    /// - Parameters:
    ///   - store: the event log.
    ///   - now: the clock (injected so tests control time).
    ///   - snapshotInterval: save a snapshot after this many new events.
    ///   - metrics: where commands, events and commit times are counted (nil: nowhere).
    /// - Throws: ``EngineError`` `storage` when the log cannot be read or an event cannot be decoded.
    public static func open(
        store: any EventStore,
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "takt.engine"),
        snapshotInterval: Int64 = 100_000,
        metrics: (any MetricsFactory)? = nil
    ) async throws -> Engine {
        let (state, snap) = try await Engine.load(from: store, logger: logger)
        return Engine(
            store: store,
            state: state,
            lastSnapshot: snap,
            now: now,
            logger: logger,
            snapshotInterval: snapshotInterval,
            metrics: metrics.map(EngineMetrics.init(factory:))
        )
    }

    static func load(from store: any EventStore, logger: Logger, useSnapshot: Bool = true) async throws -> (PlantState, Int64) {
        var state = PlantState()
        var snapshotSequence: Int64 = 0
        if useSnapshot, let snap = try await store.loadSnapshot() {
            if snap.schemaVersion == PlantState.schemaVersion, let decoded = try? TaktJSON.decoder.decode(PlantState.self, from: snap.state) {
                state = decoded
                snapshotSequence = snap.sequence
            } else {
                logger.notice("ignoring snapshot of schema \(snap.schemaVersion); replaying the whole log")
            }
        }
        try await replay(store: store, into: &state)
        return (state, snapshotSequence)
    }

    /// Folds every event after `state.sequence` into `state`.
    public static func replay(store: any EventStore, into state: inout PlantState) async throws {
        let decoder = TaktJSON.decoder
        while true {
            let page = try await store.read(after: state.sequence, limit: 2_000)
            if page.isEmpty { break }
            for e in page {
                do {
                    state.apply(try Event(type: e.type, payload: e.payload, decoder: decoder), sequence: e.sequence)
                } catch {
                    throw EngineError(.internal, "event \(e.sequence) (\(e.type)) cannot be decoded: \(error)")
                }
            }
        }
    }

    // MARK: - Queries

    /// Runs `body` on a copy of the committed state (never on events that are not yet durable), outside the actor:
    /// the copy is taken on the actor (copy-on-write, so it is cheap) and the work runs on a read thread
    /// (``ReadWorkers``), off Swift's cooperative pool, so a heavy read never delays a command.
    public nonisolated func read<T: Sendable, Failure: Error>(
        _ body: @escaping @Sendable (PlantState) throws(Failure) -> T
    ) async throws(Failure) -> T {
        let state = await snapshot()
        return try await ReadWorkers.shared.run { () throws(Failure) -> T in try body(state) }
    }

    /// A copy of the committed state.
    public func snapshot() async -> PlantState {
        while dirty { await withCheckedContinuation { readWaiters.append($0) } }
        return state
    }

    /// The sequence of the last committed event.
    public var committedSequence: Int64 {
        get async {
            while dirty { await withCheckedContinuation { readWaiters.append($0) } }
            return state.sequence
        }
    }

    /// The active user behind an API token secret, if the token is valid (no throttling: for trusted callers).
    public func authenticate(tokenSecret: String) async -> User? {
        await authenticateToken(secret: tokenSecret)?.user
    }

    /// The active user behind an API token secret and the token itself (its label, its read-only flag), if valid.
    func authenticateToken(secret: String) async -> (user: User, token: APIToken)? {
        let hash = Engine.hash(secret: secret)
        return await read { state in
            guard let user = state.user(forTokenHash: hash), let token = state.token(forHash: hash) else { return nil }
            return (user, token)
        }
    }

    /// The answer to an authentication attempt from a client.
    public enum Authentication: Sendable, Equatable {
        /// Who signed in; with a token, the token (nil for a password).
        case user(User, token: APIToken? = nil)
        /// The secret is unknown, revoked, or its user inactive.
        case refused
        /// Too many failures from this client or for this account: try again after this many seconds (nothing was checked).
        case throttled(retryAfter: TimeInterval)
    }

    /// Failed attempts per client and per account; every front end authenticates through this engine, so one throttle.
    private var throttle = AuthThrottle()

    /// Authenticates a token secret sent by `client` (its network address), with exponential back-off after failures
    /// (``AuthThrottle``): a throttled client is refused before its secret is looked at.
    public func authenticate(tokenSecret: String, client: String) async -> Authentication {
        let keys: [AuthThrottle.Key] = [.client(client)]
        let at = now()
        if let wait = throttle.retryAfter(keys, now: at) { return .throttled(retryAfter: wait) }
        guard let (user, token) = await authenticateToken(secret: tokenSecret) else {
            throttle.failed(keys, now: at)
            return .refused
        }
        throttle.succeeded(keys)
        return .user(user, token: token)
    }

    /// Applies a throttle decision for other credentials (a password sign-in): `check` before verifying, then `record`.
    public func throttleRetryAfter(client: String, account: String?) -> TimeInterval? {
        throttle.retryAfter(Self.keys(client: client, account: account), now: now())
    }

    public func throttleRecord(client: String, account: String?, success: Bool) {
        let keys = Self.keys(client: client, account: account)
        if success { throttle.succeeded(keys) } else { throttle.failed(keys, now: now()) }
    }

    private static func keys(client: String, account: String?) -> [AuthThrottle.Key] {
        [.client(client)] + (account.map { [.account($0)] } ?? [])
    }

    /// Lowercase hex SHA-256 of a token secret.
    public static func hash(secret: String) -> String {
        hex(SHA256.hash(data: Data(secret.utf8)))
    }

    /// A new random token secret (256 bits), e.g. `takt_3q2…`.
    public static func newTokenSecret() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let b64 = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return "takt_" + b64
    }

    // MARK: - Commands

    /// Validates and applies one command.
    /// - Returns: the events appended (or, for a repeated idempotency key, those appended the first time).
    /// - Throws: ``DomainError`` when the command breaks a rule, ``EngineError`` when the actor may not submit it,
    ///   the key was reused for another request, or the store failed. Nothing is applied then.
    public func submit(_ envelope: CommandEnvelope) async throws -> CommandOutcome {
        guard let result = await submitBatch([envelope]).first else {
            throw EngineError(.internal, "the command was not processed")
        }
        return try result.get()
    }

    /// Submits several commands at once from many tasks; they are committed in as few transactions as possible,
    /// each with its own answer (one invalid command does not stop the others).
    public func submitAll(_ envelopes: [CommandEnvelope]) async -> [Result<CommandOutcome, any Error>] {
        await withTaskGroup(of: (Int, Result<CommandOutcome, any Error>).self) { group in
            for (i, e) in envelopes.enumerated() {
                group.addTask {
                    do { return (i, .success(try await self.submit(e))) } catch { return (i, .failure(error)) }
                }
            }
            var out = [Result<CommandOutcome, any Error>](repeating: .failure(EngineError(.internal, "not run")), count: envelopes.count)
            for await (i, r) in group { out[i] = r }
            return out
        }
    }

    /// Validates and applies commands in order: each sees the effects of the ones before it, and all accepted
    /// ones are committed in one transaction with whatever else is waiting (group commit). Each command gets its
    /// own answer; a rejected one does not stop the others.
    ///
    /// The first caller while no commit is under way becomes the leader: it commits its batch, then everything
    /// that queued up meanwhile, batch after batch, and answers the waiting callers.
    public func submitBatch(_ envelopes: [CommandEnvelope]) async -> [Result<CommandOutcome, any Error>] {
        await enqueue(envelopes, atomic: false)
    }

    /// Validates and applies commands in order, all or nothing: every command is decided on the state its predecessors
    /// leave, and their events are appended in one transaction only when every one of them is accepted. When one is
    /// refused, nothing is applied: the refused ones answer their error, the others ``AtomicBatchRefused``. An import uses
    /// it: one transaction, or none.
    public func submitAtomically(_ envelopes: [CommandEnvelope]) async -> [Result<CommandOutcome, any Error>] {
        await enqueue(envelopes, atomic: true)
    }

    private func enqueue(_ envelopes: [CommandEnvelope], atomic: Bool) async -> [Result<CommandOutcome, any Error>] {
        if committing {
            return await withCheckedContinuation { queue.append(Pending(envelopes: envelopes, continuation: $0, atomic: atomic)) }
        }
        committing = true
        queue.append(Pending(envelopes: envelopes, continuation: nil, atomic: atomic))
        var mine: [Result<CommandOutcome, any Error>] = []
        while !queue.isEmpty {
            // Ordinary batches are committed together; an atomic one alone, when its turn comes.
            let batch = queue.first?.atomic == true ? [queue[0]] : Array(queue.prefix { !$0.atomic })
            queue.removeFirst(batch.count)
            let envelopes = batch.flatMap(\.envelopes)
            let results = await process(envelopes, atomic: batch.first?.atomic == true)
            metrics?.count(envelopes, results)
            var offset = 0
            for pending in batch {
                let answer = Array(results[offset..<offset + pending.envelopes.count])
                offset += pending.envelopes.count
                if let c = pending.continuation { c.resume(returning: answer) } else { mine = answer }
            }
            if !readWaiters.isEmpty {
                let waiters = readWaiters
                readWaiters.removeAll()
                for waiter in waiters { waiter.resume() }
                await Task.yield()
            }
        }
        committing = false
        return mine
    }

    /// How often a batch is decided again when another writer appended to the log first.
    static let conflictRetries = 3

    /// Decides and applies a batch, appends it in one transaction, and answers each command.
    ///
    /// The engine does not assume it is the log's only writer: when another writer appended first (several servers on one
    /// database), it catches up with the log and decides the batch again on the new state, a few times at most.
    private func process(_ batch: [CommandEnvelope], atomic: Bool = false, attempt: Int = 0) async -> [Result<CommandOutcome, any Error>] {
        let before = state  // copy-on-write: what to return to when the append fails
        var results = [Result<CommandOutcome, any Error>?](repeating: nil, count: batch.count)
        // 1. Idempotency: look up every keyed command's record, per actor.
        var known: [String: [String: IdempotencyRecord]] = [:]
        let keyed = Dictionary(grouping: batch.compactMap { e in e.idempotencyKey.map { (e.actor.description, $0) } }, by: \.0)
        for (actor, pairs) in keyed {
            do {
                known[actor] = try await store.idempotencyRecords(actor: actor, keys: pairs.map(\.1))
            } catch {
                return batch.map { _ in .failure(EngineError(.storage, "\(error)")) }
            }
        }
        // 2. Decide and apply in order.
        let time = TaktJSON.wholeSeconds(now())
        let encoder = TaktJSON.encoder
        let startSequence = state.sequence
        var records: [CommandRecord] = []
        var recordIndex: [Int: Int] = [:]  // batch index → records index
        var keyInBatch: [String: Int] = [:]  // actor+key → batch index that owns it
        var replays: [Int: IdempotencyRecord] = [:]
        var sameBatchReplays: [Int: Int] = [:]
        for (i, e) in batch.enumerated() {
            let actor = e.actor.description
            do {
                // The request digest matters only for keyed commands (to refuse a key reused for another request).
                // A front end that derives the command from its request (a fresh token secret, a schedule computed now) names
                // the request by its own digest, so a repeat of the request is recognised whatever command it derives.
                let digest = e.idempotencyKey == nil ? "" : try e.requestDigest ?? Engine.digest(e.command, encoder: encoder)
                if let key = e.idempotencyKey {
                    guard !key.isEmpty, key.utf8.count <= 200 else {
                        throw EngineError(.invalidIdempotencyKey, "Idempotency-Key must be 1–200 characters")
                    }
                    if let record = known[actor]?[key] {
                        guard record.requestDigest == digest else {
                            throw EngineError(.idempotencyKeyReused, "idempotency key '\(key)' was already used for a different request")
                        }
                        replays[i] = record
                        continue
                    }
                    if let owner = keyInBatch[actor + "\u{1F}" + key], let ownerRecord = recordIndex[owner] {
                        guard records[ownerRecord].requestDigest == digest else {
                            throw EngineError(.idempotencyKeyReused, "idempotency key '\(key)' was already used for a different request")
                        }
                        sameBatchReplays[i] = owner
                        continue
                    }
                }
                try authorize(e)
                try e.precondition?(state)
                // Dates in whole seconds, as the log holds them, so that a replay always gives the live state.
                var events = try state.decide(e.command.truncatingDates(), actor: e.actor.userID, now: time)
                // Signatures.swift: a signed command's password is verified here, before anything is applied.
                if let signed = try signatureEvent(state: state, envelope: e, signed: events, at: time, encoder: encoder) {
                    events.append(signed)
                }
                if let agent = e.agent { events.append(.agentActed(agent)) }
                var newEvents: [NewEvent] = []
                for event in events {
                    newEvents.append(NewEvent(type: event.typeName, payload: try event.encodePayload(encoder)))
                }
                var seq = state.sequence
                for event in events {
                    seq += 1
                    state.apply(event, sequence: seq)
                }
                dirty = true
                recordIndex[i] = records.count
                if let key = e.idempotencyKey { keyInBatch[actor + "\u{1F}" + key] = i }
                records.append(
                    CommandRecord(
                        actor: actor,
                        idempotencyKey: e.idempotencyKey,
                        requestDigest: digest,
                        correlationID: e.correlationID ?? nextCorrelationID(),
                        recordedAt: time,
                        events: newEvents
                    )
                )
            } catch {
                results[i] = .failure(error)
            }
        }
        // An atomic batch with a refused command: nothing of it is applied.
        if atomic, results.contains(where: { $0 != nil }) {
            state = before
            dirty = false
            return results.map { $0 ?? .failure(AtomicBatchRefused()) }
        }
        // 3. Append what was accepted, atomically.
        if !records.isEmpty {
            do {
                let started = ContinuousClock.now
                let appended = try await store.append(records, expectedLastSequence: startSequence)
                metrics?.recordCommit(ContinuousClock.now - started)
                for (i, r) in recordIndex { results[i] = .success(CommandOutcome(events: appended[r], replayed: false)) }
                for (i, owner) in sameBatchReplays {
                    if case .success(let outcome)? = results[owner] {
                        results[i] = .success(CommandOutcome(events: outcome.events, replayed: true))
                    } else {
                        results[i] = results[owner]
                    }
                }
                dirty = false
                notifier.publish(state.sequence)
                await snapshotIfDue()
            } catch {
                let movedOn = error.code == .concurrencyConflict || error.code == .duplicateIdempotencyKey
                if movedOn {
                    logger.notice("another writer appended first; catching up with the log: \(error)")
                } else {
                    logger.error("append failed, catching up with the log: \(error)")
                }
                state = before
                do {
                    var caughtUp = before  // still `dirty`, so nothing else touches the state meanwhile
                    try await Engine.replay(store: store, into: &caughtUp)
                    state = caughtUp
                } catch {
                    logger.critical("catching up with the log failed, reloading it whole: \(error)")
                    do {
                        (state, lastSnapshot) = try await Engine.load(from: store, logger: logger)
                    } catch {
                        logger.critical("reloading state failed: \(error)")
                    }
                }
                dirty = false
                if movedOn && attempt < Self.conflictRetries {
                    notifier.publish(state.sequence)
                    return await process(batch, atomic: atomic, attempt: attempt + 1)
                }
                let failure = EngineError(.storage, "the command could not be stored: \(error)")
                for i in recordIndex.keys { results[i] = .failure(failure) }
                for i in sameBatchReplays.keys { results[i] = .failure(failure) }
            }
        }
        // 4. Replays of commands recorded earlier.
        for (i, record) in replays {
            do {
                let events = try await store.read(after: record.firstSequence - 1, limit: Int(record.lastSequence - record.firstSequence + 1))
                results[i] = .success(CommandOutcome(events: events, replayed: true))
            } catch {
                results[i] = .failure(EngineError(.storage, "\(error)"))
            }
        }
        return results.map { $0 ?? .failure(EngineError(.internal, "the command was not processed")) }
    }

    /// The answer a keyed request already got, when `key` was recorded for `actor`: its events, replayed. Nil when the key
    /// is new. A use case that computes its command first (a schedule run, an outcome request) asks this before computing,
    /// so a retry costs a lookup, not a search.
    /// - Throws: ``EngineError`` `idempotencyKeyReused` when the key was used for another request, `storage` when the
    ///   store fails.
    public nonisolated func recordedAnswer(actor: Actor, idempotencyKey key: String, requestDigest: String) async throws -> CommandOutcome? {
        let records: [String: IdempotencyRecord]
        do {
            records = try await store.idempotencyRecords(actor: actor.description, keys: [key])
        } catch {
            throw EngineError(.storage, "\(error)")
        }
        guard let record = records[key] else { return nil }
        guard record.requestDigest == requestDigest else {
            throw EngineError(.idempotencyKeyReused, "idempotency key '\(key)' was already used for a different request")
        }
        do {
            let events = try await store.read(after: record.firstSequence - 1, limit: Int(record.lastSequence - record.firstSequence + 1))
            return CommandOutcome(events: events, replayed: true)
        } catch {
            throw EngineError(.storage, "\(error)")
        }
    }

    private func authorize(_ e: CommandEnvelope) throws {
        guard case .user(let id) = e.actor else { return }
        guard let user = state.users[id], user.active else {
            throw EngineError(.forbidden, "user '\(id)' is unknown or inactive")
        }
        if user.has(.admin) { return }
        let allowed = e.command.allowedRoles
        guard !allowed.isDisjoint(with: user.roles) else {
            let names = allowed.sorted().map(\.rawValue).joined(separator: ", ")
            throw EngineError(.forbidden, "\(e.command.typeName) needs one of the roles: \(names)")
        }
        if case .issueAPIToken(let issue) = e.command, issue.user != id {
            throw EngineError(.forbidden, "only an admin may issue tokens for another user")
        }
        if case .setPassword(let set) = e.command, set.user != id || e.verified?.user != id {
            throw EngineError(
                .forbidden,
                set.user != id
                    ? "only an admin may set another user's password"
                    : "changing your own password needs your current password (POST /api/v1/users/\(id)/password)"
            )
        }
    }

    /// The digest that identifies an HTTP request for idempotency: its method, path with query, and body bytes.
    public static func requestDigest(method: String, target: String, body: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(data: Data("\(method) \(target)\n".utf8))
        hasher.update(data: Data(body))
        return "request:" + hex(hasher.finalize().prefix(16))
    }

    static func digest(_ command: Command, encoder: JSONEncoder) throws -> String {
        let data = try encoder.encode(command)
        return hex(SHA256.hash(data: data).prefix(16))
    }

    /// Folds into the state whatever other writers appended to the log since this engine last looked (several servers
    /// on one database); followers then see it. Returns the committed sequence.
    @discardableResult
    public func catchUp() async throws -> Int64 {
        let decoder = TaktJSON.decoder
        for _ in 0..<100_000 {  // pages of 2,000: bounded, and far more than any log holds between two looks
            while dirty { await withCheckedContinuation { readWaiters.append($0) } }
            let from = state.sequence
            let page = try await store.read(after: from, limit: 2_000)
            if page.isEmpty { return state.sequence }
            // A commit of this engine may have landed while reading: then read again from where it left the state.
            guard state.sequence == from, !dirty else { continue }
            var next = state
            for e in page {
                do {
                    next.apply(try Event(type: e.type, payload: e.payload, decoder: decoder), sequence: e.sequence)
                } catch {
                    throw EngineError(.internal, "event \(e.sequence) (\(e.type)) cannot be decoded: \(error)")
                }
            }
            state = next
            notifier.publish(state.sequence)
        }
        return state.sequence
    }

    // MARK: - Snapshots

    private func snapshotIfDue() async {
        guard state.sequence - lastSnapshot >= snapshotInterval else { return }
        await saveSnapshot()
    }

    /// Stores the current state as a snapshot, so the next start replays only what follows.
    public func saveSnapshot() async {
        while dirty { await withCheckedContinuation { readWaiters.append($0) } }
        do {
            let data = try TaktJSON.encoder.encode(state)
            let sequence = state.sequence
            try await store.saveSnapshot(Snapshot(sequence: sequence, schemaVersion: PlantState.schemaVersion, state: data))
            lastSnapshot = sequence
        } catch {
            logger.warning("saving a snapshot failed (the log is intact; start-up will replay more): \(error)")
        }
    }

    // MARK: - The log

    /// Up to `limit` events after `after`.
    public func events(after: Int64, limit: Int) async throws -> [RecordedEvent] {
        try await store.read(after: after, limit: limit)
    }

    /// Follows the log from `position`: pages of events as they are committed, and `.idle` when nothing came for `idle`
    /// (see ``LogFollower``). The one way anything follows the log: the API's and the web's event streams, the
    /// orchestrator, the benchmarks.
    public nonisolated func follow(after position: Int64, pageSize: Int = 500, idle: Duration = .seconds(1)) -> LogFollower {
        LogFollower(engine: self, position: position, pageSize: pageSize, idle: idle)
    }

    nonisolated func waitForCommit(after position: Int64) async { await notifier.wait(after: position) }

    // MARK: - Bootstrap

    /// On an empty plant: creates the user `admin` with a token. Returns the token secret when it did.
    /// - Parameter token: the secret to use (from `TAKT_BOOTSTRAP_TOKEN`); a random one when nil.
    public func bootstrapAdminIfEmpty(token: String?) async throws -> String? {
        let hasUsers = await read { !$0.users.isEmpty }
        if hasUsers { return nil }
        let secret = token ?? Engine.newTokenSecret()
        _ = try await submit(CommandEnvelope(command: .createUser(User(id: "admin", name: "Administrator", roles: [.admin])), actor: .system))
        _ = try await submit(
            CommandEnvelope(
                command: .issueAPIToken(IssueAPIToken(user: "admin", secretHash: Engine.hash(secret: secret), label: "bootstrap")),
                actor: .system
            )
        )
        return secret
    }
}

extension Actor {
    var userID: User.ID? {
        if case .user(let id) = self { return id }
        return nil
    }
}

extension Engine {
    /// Waits until an event after `position` is committed, at most `timeout`.
    /// - Returns: true when there is a newer event, false on time-out.
    public nonisolated func waitForCommit(after position: Int64, timeout: Duration) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.notifier.wait(after: position)
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}

/// Lowercase hexadecimal of some bytes.
func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}
