import Foundation
import GRDB
import TaktStore

/// The default event store: one SQLite file in WAL mode, through GRDB.
///
/// Durability: `PRAGMA synchronous = FULL`. In WAL mode this makes SQLite fsync the write-ahead log
/// at every commit, so an acknowledged command survives both a process crash and a power loss
/// (on a disk that honours fsync). `NORMAL` would survive a process crash but could lose the last
/// commits on a power loss; Takt trades that speed for never losing an acknowledged command, and
/// regains throughput by committing concurrent commands together (group commit).
public final class SQLiteEventStore: EventStore {
    private let pool: DatabasePool
    public let path: String

    /// Opens (creating if needed) the store at `path` and runs its migrations.
    /// - Throws: ``StoreError`` with code `storage` when the file cannot be opened or migrated.
    public init(path: String) throws(StoreError) {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError(.storage, "cannot open the event store at \(path): \(error)")
        }
    }

    /// Schema migrations, named and append-only: a shipped migration is never edited.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-event-log") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        sequence INTEGER PRIMARY KEY NOT NULL CHECK (sequence > 0),
                        recorded_at INTEGER NOT NULL,
                        actor TEXT NOT NULL,
                        type TEXT NOT NULL,
                        payload BLOB NOT NULL,
                        correlation_id TEXT NOT NULL,
                        idempotency_key TEXT
                    );
                    CREATE TABLE idempotency_keys (
                        actor TEXT NOT NULL,
                        idempotency_key TEXT NOT NULL,
                        request_digest TEXT NOT NULL,
                        first_sequence INTEGER NOT NULL REFERENCES events(sequence),
                        last_sequence INTEGER NOT NULL REFERENCES events(sequence),
                        PRIMARY KEY (actor, idempotency_key)
                    ) WITHOUT ROWID;
                    CREATE TABLE snapshots (
                        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                        sequence INTEGER NOT NULL,
                        schema_version INTEGER NOT NULL,
                        state BLOB NOT NULL
                    );
                    """)
        }
        m.registerMigration("v2-cursors") { db in
            try db.execute(
                sql: """
                    CREATE TABLE cursors (
                        name TEXT PRIMARY KEY NOT NULL CHECK (name <> ''),
                        position INTEGER NOT NULL CHECK (position >= 0)
                    ) WITHOUT ROWID;
                    """)
        }
        return m
    }

    /// The journal mode and synchronous setting in force, for the docs and a test.
    public func pragmas() async throws -> (journalMode: String, synchronous: Int) {
        try await pool.read { db in
            let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?"
            let sync = try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            return (mode, sync)
        }
    }

    public func append(_ commands: [CommandRecord], expectedLastSequence: Int64) async throws(StoreError) -> [[RecordedEvent]] {
        do {
            return try await pool.write { db in
                let last = try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM events") ?? 0
                guard last == expectedLastSequence else {
                    throw StoreError(.concurrencyConflict, "expected the log at \(expectedLastSequence), it is at \(last)")
                }
                let insertEvent = try db.cachedStatement(
                    sql: """
                        INSERT INTO events (sequence, recorded_at, actor, type, payload, correlation_id, idempotency_key)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """)
                let insertKey = try db.cachedStatement(
                    sql: """
                        INSERT INTO idempotency_keys (actor, idempotency_key, request_digest, first_sequence, last_sequence)
                        VALUES (?, ?, ?, ?, ?)
                        """)
                var next = last
                var result: [[RecordedEvent]] = []
                result.reserveCapacity(commands.count)
                for c in commands {
                    let first = next + 1
                    let seconds = Int64(c.recordedAt.timeIntervalSince1970.rounded(.down))
                    var recorded: [RecordedEvent] = []
                    recorded.reserveCapacity(c.events.count)
                    for e in c.events {
                        next += 1
                        try insertEvent.execute(arguments: [next, seconds, c.actor, e.type, e.payload, c.correlationID, c.idempotencyKey])
                        recorded.append(
                            RecordedEvent(
                                sequence: next, recordedAt: Date(timeIntervalSince1970: Double(seconds)), actor: c.actor,
                                type: e.type, payload: e.payload, correlationID: c.correlationID, idempotencyKey: c.idempotencyKey))
                    }
                    if let key = c.idempotencyKey, next >= first {
                        do {
                            try insertKey.execute(arguments: [c.actor, key, c.requestDigest, first, next])
                        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                            throw StoreError(.duplicateIdempotencyKey, "idempotency key '\(key)' of '\(c.actor)' is already recorded")
                        }
                    }
                    result.append(recorded)
                }
                return result
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw StoreError(.concurrencyConflict, "another writer appended at the same position")
        } catch {
            throw StoreError(.storage, "append failed: \(error)")
        }
    }

    public func read(after: Int64, limit: Int) async throws(StoreError) -> [RecordedEvent] {
        do {
            return try await pool.read { db in
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT sequence, recorded_at, actor, type, payload, correlation_id, idempotency_key
                        FROM events WHERE sequence > ? ORDER BY sequence LIMIT ?
                        """,
                    arguments: [after, max(0, limit)])
                var out: [RecordedEvent] = []
                while let row = try rows.next() {
                    out.append(
                        RecordedEvent(
                            sequence: row[0], recordedAt: Date(timeIntervalSince1970: Double(row[1] as Int64)), actor: row[2],
                            type: row[3], payload: row[4], correlationID: row[5], idempotencyKey: row[6]))
                }
                return out
            }
        } catch {
            throw StoreError(.storage, "read failed: \(error)")
        }
    }

    public func lastSequence() async throws(StoreError) -> Int64 {
        do {
            return try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM events") ?? 0 }
        } catch {
            throw StoreError(.storage, "read failed: \(error)")
        }
    }

    public func idempotencyRecords(actor: String, keys: [String]) async throws(StoreError) -> [String: IdempotencyRecord] {
        guard !keys.isEmpty else { return [:] }
        do {
            return try await pool.read { db in
                var out: [String: IdempotencyRecord] = [:]
                let statement = try db.cachedStatement(
                    sql: """
                        SELECT request_digest, first_sequence, last_sequence FROM idempotency_keys
                        WHERE actor = ? AND idempotency_key = ?
                        """)
                for key in keys {
                    if let row = try Row.fetchOne(statement, arguments: [actor, key]) {
                        out[key] = IdempotencyRecord(
                            actor: actor, key: key, requestDigest: row[0], firstSequence: row[1], lastSequence: row[2])
                    }
                }
                return out
            }
        } catch {
            throw StoreError(.storage, "read failed: \(error)")
        }
    }

    public func loadSnapshot() async throws(StoreError) -> Snapshot? {
        do {
            return try await pool.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT sequence, schema_version, state FROM snapshots WHERE id = 1")
                else { return nil }
                return Snapshot(sequence: row[0], schemaVersion: row[1], state: row[2])
            }
        } catch {
            throw StoreError(.storage, "reading the snapshot failed: \(error)")
        }
    }

    public func saveSnapshot(_ snapshot: Snapshot) async throws(StoreError) {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO snapshots (id, sequence, schema_version, state) VALUES (1, ?, ?, ?)",
                    arguments: [snapshot.sequence, snapshot.schemaVersion, snapshot.state])
            }
        } catch {
            throw StoreError(.storage, "saving the snapshot failed: \(error)")
        }
    }

    public func loadCursor(_ name: String) async throws(StoreError) -> Int64? {
        do {
            return try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT position FROM cursors WHERE name = ?", arguments: [name]) }
        } catch {
            throw StoreError(.storage, "reading cursor '\(name)' failed: \(error)")
        }
    }

    public func saveCursor(_ name: String, position: Int64) async throws(StoreError) {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: "INSERT INTO cursors (name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position",
                    arguments: [name, position])
            }
        } catch {
            throw StoreError(.storage, "saving cursor '\(name)' failed: \(error)")
        }
    }
}
