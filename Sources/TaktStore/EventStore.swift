public import Foundation

/// An event about to be appended: its type name and JSON payload.
public struct NewEvent: Sendable, Hashable {
    public var type: String
    public var payload: Data
    public init(type: String, payload: Data) {
        self.type = type
        self.payload = payload
    }
}

/// An event as the log holds it.
public struct RecordedEvent: Sendable, Hashable {
    /// Position in the log: 1, 2, 3, … without gaps.
    public var sequence: Int64
    public var recordedAt: Date
    /// User ID of the actor, or `system`.
    public var actor: String
    public var type: String
    /// The event's JSON payload.
    public var payload: Data
    /// Shared by all events of one command (and of commands caused by one request).
    public var correlationID: String
    public var idempotencyKey: String?
    public init(
        sequence: Int64,
        recordedAt: Date,
        actor: String,
        type: String,
        payload: Data,
        correlationID: String,
        idempotencyKey: String?
    ) {
        self.sequence = sequence
        self.recordedAt = recordedAt
        self.actor = actor
        self.type = type
        self.payload = payload
        self.correlationID = correlationID
        self.idempotencyKey = idempotencyKey
    }
}

/// One accepted command's events, appended together with its idempotency record.
public struct CommandRecord: Sendable, Hashable {
    public var actor: String
    public var idempotencyKey: String?
    /// Digest of the request, so that a key reused for a different request can be refused.
    public var requestDigest: String
    public var correlationID: String
    public var recordedAt: Date
    public var events: [NewEvent]
    public init(
        actor: String,
        idempotencyKey: String?,
        requestDigest: String,
        correlationID: String,
        recordedAt: Date,
        events: [NewEvent]
    ) {
        self.actor = actor
        self.idempotencyKey = idempotencyKey
        self.requestDigest = requestDigest
        self.correlationID = correlationID
        self.recordedAt = recordedAt
        self.events = events
    }
}

/// What the store remembers of a command submitted with an idempotency key.
public struct IdempotencyRecord: Sendable, Hashable {
    public var actor: String
    public var key: String
    public var requestDigest: String
    public var firstSequence: Int64
    public var lastSequence: Int64
    public init(actor: String, key: String, requestDigest: String, firstSequence: Int64, lastSequence: Int64) {
        self.actor = actor
        self.key = key
        self.requestDigest = requestDigest
        self.firstSequence = firstSequence
        self.lastSequence = lastSequence
    }
}

/// A serialized projection and the log position it reflects.
public struct Snapshot: Sendable, Hashable {
    public var sequence: Int64
    public var schemaVersion: Int
    public var state: Data
    public init(sequence: Int64, schemaVersion: Int, state: Data) {
        self.sequence = sequence
        self.schemaVersion = schemaVersion
        self.state = state
    }
}

/// Why an append or read failed.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The log moved on since the caller read it (another writer appended first).
        case concurrencyConflict
        /// The idempotency key was recorded meanwhile by another writer.
        case duplicateIdempotencyKey
        /// The database failed (disk full, I/O error, corruption).
        case storage
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code.rawValue): \(message)" }
}

/// The append-only event log: the system of record.
///
/// Implementations must make ``append(_:expectedLastSequence:)`` atomic and durable before it returns:
/// either every event of every command in the call is stored, with consecutive sequence numbers
/// following `expectedLastSequence`, together with the idempotency records, or nothing is.
public protocol EventStore: Sendable {
    /// Appends the commands' events in one transaction.
    /// - Parameters:
    ///   - commands: the accepted commands, in order.
    ///   - expectedLastSequence: the sequence the caller's state reflects; the first new event gets the next one.
    /// - Returns: the recorded events of each command, in the same order.
    /// - Throws: ``StoreError`` with `concurrencyConflict` when the log has moved on, `duplicateIdempotencyKey`
    ///   when a key was recorded meanwhile, `storage` when the database fails. Nothing is appended then.
    func append(_ commands: [CommandRecord], expectedLastSequence: Int64) async throws(StoreError) -> [[RecordedEvent]]

    /// Up to `limit` events with a sequence greater than `after`, in order.
    func read(after: Int64, limit: Int) async throws(StoreError) -> [RecordedEvent]

    /// The sequence of the last event, 0 for an empty log.
    func lastSequence() async throws(StoreError) -> Int64

    /// The idempotency records of `actor` for the given keys (missing keys are absent from the result).
    func idempotencyRecords(actor: String, keys: [String]) async throws(StoreError) -> [String: IdempotencyRecord]

    func loadSnapshot() async throws(StoreError) -> Snapshot?
    func saveSnapshot(_ snapshot: Snapshot) async throws(StoreError)

    /// The position a named follower of the log (e.g. `orchestrator`) has handled up to, or nil when it never saved one.
    func loadCursor(_ name: String) async throws(StoreError) -> Int64?
    /// Records that the follower `name` has handled every event up to `position` (replacing the previous position).
    /// - Throws: ``StoreError`` `storage` when the database fails.
    func saveCursor(_ name: String, position: Int64) async throws(StoreError)
}

extension EventStore {
    /// Stores that keep no cursors (test doubles) refuse, so a follower never silently starts over.
    public func loadCursor(_ name: String) async throws(StoreError) -> Int64? {
        throw StoreError(.storage, "this store keeps no cursors")
    }
    public func saveCursor(_ name: String, position: Int64) async throws(StoreError) {
        throw StoreError(.storage, "this store keeps no cursors")
    }
}
