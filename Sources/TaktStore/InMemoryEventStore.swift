import Foundation

/// An event store in memory, for tests and tools. Same contract as the durable stores, no durability.
public actor InMemoryEventStore: EventStore {
    private var events: [RecordedEvent] = []
    private var keys: [String: IdempotencyRecord] = [:]
    private var snapshot: Snapshot?
    private var cursors: [String: Int64] = [:]

    public init() {}

    public func append(_ commands: [CommandRecord], expectedLastSequence: Int64) throws(StoreError) -> [[RecordedEvent]] {
        let last = Int64(events.count)
        guard last == expectedLastSequence else {
            throw StoreError(.concurrencyConflict, "expected the log at \(expectedLastSequence), it is at \(last)")
        }
        var seenKeys = Set<String>()
        for c in commands {
            if let key = c.idempotencyKey {
                let k = c.actor + "\u{1F}" + key
                if keys[k] != nil || !seenKeys.insert(k).inserted {
                    throw StoreError(.duplicateIdempotencyKey, "idempotency key '\(key)' of '\(c.actor)' is already recorded")
                }
            }
        }
        var next = last
        var result: [[RecordedEvent]] = []
        var newEvents: [RecordedEvent] = []
        var newKeys: [String: IdempotencyRecord] = [:]
        for c in commands {
            let first = next + 1
            let recorded = c.events.map { e -> RecordedEvent in
                next += 1
                return RecordedEvent(
                    sequence: next,
                    recordedAt: c.recordedAt,
                    actor: c.actor,
                    type: e.type,
                    payload: e.payload,
                    correlationID: c.correlationID,
                    idempotencyKey: c.idempotencyKey
                )
            }
            if let key = c.idempotencyKey {
                newKeys[c.actor + "\u{1F}" + key] = IdempotencyRecord(
                    actor: c.actor,
                    key: key,
                    requestDigest: c.requestDigest,
                    firstSequence: first,
                    lastSequence: next
                )
            }
            newEvents += recorded
            result.append(recorded)
        }
        events += newEvents
        keys.merge(newKeys) { a, _ in a }
        return result
    }

    public func read(after: Int64, limit: Int) -> [RecordedEvent] {
        let start = Int(max(0, after))
        guard start < events.count, limit > 0 else { return [] }
        return Array(events[start..<min(events.count, start + limit)])
    }

    public func lastSequence() -> Int64 { Int64(events.count) }

    public func idempotencyRecords(actor: String, keys wanted: [String]) -> [String: IdempotencyRecord] {
        var out: [String: IdempotencyRecord] = [:]
        for k in wanted { if let r = keys[actor + "\u{1F}" + k] { out[k] = r } }
        return out
    }

    public func loadSnapshot() -> Snapshot? { snapshot }
    public func saveSnapshot(_ snapshot: Snapshot) { self.snapshot = snapshot }

    public func loadCursor(_ name: String) -> Int64? { cursors[name] }
    public func saveCursor(_ name: String, position: Int64) { cursors[name] = position }
}
