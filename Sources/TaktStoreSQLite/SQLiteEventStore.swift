public import Crypto
public import Foundation
import GRDB
public import TaktStore

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
    /// The key that signs the audit checkpoints (nil: the store chains events but signs nothing).
    public let auditKey: Curve25519.Signing.PrivateKey?
    /// A signed checkpoint is written whenever the log crosses a multiple of this many events.
    public let checkpointInterval: Int64

    /// Opens (creating if needed) the store at `path` and runs its migrations.
    /// - Parameters:
    ///   - auditKey: signs the checkpoints; by default the key in `<path>.audit-key` (created, mode 0600, on first use).
    ///   - checkpointInterval: events between signed checkpoints.
    /// - Throws: ``StoreError`` with code `storage` when the file cannot be opened or migrated.
    public init(path: String, auditKey: AuditKeySource = .besideDatabase, checkpointInterval: Int64 = 1_000) throws(StoreError) {
        self.path = path
        self.checkpointInterval = max(1, checkpointInterval)
        switch auditKey {
        case .none: self.auditKey = nil
        case .key(let key): self.auditKey = key
        case .besideDatabase: self.auditKey = try AuditKeyFile.loadOrCreate(at: AuditKeyFile.path(forDatabase: path))
        }
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
                    """
            )
        }
        m.registerMigration("v2-cursors") { db in
            try db.execute(
                sql: """
                    CREATE TABLE cursors (
                        name TEXT PRIMARY KEY NOT NULL CHECK (name <> ''),
                        position INTEGER NOT NULL CHECK (position >= 0)
                    ) WITHOUT ROWID;
                    """
            )
        }
        m.registerMigration("v3-hash-chain") { db in
            // Every event gets the hash of its content and of its predecessor's hash; an existing log is chained once, here.
            try db.execute(sql: "ALTER TABLE events ADD COLUMN hash BLOB")
            try db.execute(
                sql: """
                    CREATE TABLE audit_checkpoints (
                        sequence INTEGER PRIMARY KEY NOT NULL REFERENCES events(sequence),
                        hash BLOB NOT NULL,
                        signed_at INTEGER NOT NULL,
                        public_key BLOB NOT NULL,
                        signature BLOB NOT NULL
                    );
                    """
            )
            var previous = AuditChain.genesis
            var after: Int64 = 0
            let update = try db.makeStatement(sql: "UPDATE events SET hash = ? WHERE sequence = ?")
            while true {
                let page = try Self.fetchEvents(db, after: after, limit: 5_000)
                if page.isEmpty { break }
                for (event, _) in page {
                    previous = AuditChain.hash(event, previous: previous)
                    try update.execute(arguments: [previous, event.sequence])
                    after = event.sequence
                }
            }
        }
        return m
    }

    static func fetchEvents(_ db: Database, after: Int64, limit: Int) throws -> [(RecordedEvent, Data?)] {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT sequence, recorded_at, actor, type, payload, correlation_id, idempotency_key, hash
                FROM events WHERE sequence > ? ORDER BY sequence LIMIT ?
                """,
            arguments: [after, max(0, limit)]
        )
        var out: [(RecordedEvent, Data?)] = []
        while let row = try rows.next() {
            out.append(
                (
                    RecordedEvent(
                        sequence: row[0],
                        recordedAt: Date(timeIntervalSince1970: Double(row[1] as Int64)),
                        actor: row[2],
                        type: row[3],
                        payload: row[4],
                        correlationID: row[5],
                        idempotencyKey: row[6]
                    ),
                    row[7]
                )
            )
        }
        return out
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
                        INSERT INTO events (sequence, recorded_at, actor, type, payload, correlation_id, idempotency_key, hash)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """
                )
                var previous =
                    last == 0
                    ? AuditChain.genesis
                    : try Data.fetchOne(db, sql: "SELECT hash FROM events WHERE sequence = ?", arguments: [last]) ?? AuditChain.genesis
                let insertKey = try db.cachedStatement(
                    sql: """
                        INSERT INTO idempotency_keys (actor, idempotency_key, request_digest, first_sequence, last_sequence)
                        VALUES (?, ?, ?, ?, ?)
                        """
                )
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
                        let event = RecordedEvent(
                            sequence: next,
                            recordedAt: Date(timeIntervalSince1970: Double(seconds)),
                            actor: c.actor,
                            type: e.type,
                            payload: e.payload,
                            correlationID: c.correlationID,
                            idempotencyKey: c.idempotencyKey
                        )
                        previous = AuditChain.hash(event, previous: previous)
                        try insertEvent.execute(arguments: [next, seconds, c.actor, e.type, e.payload, c.correlationID, c.idempotencyKey, previous])
                        recorded.append(event)
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
                if let key = auditKey, next / checkpointInterval > last / checkpointInterval, let at = commands.last?.recordedAt {
                    try Self.insert(try AuditCheckpoint.sign(sequence: next, hash: previous, signedAt: at, key: key), db)
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
            return try await pool.read { db in try Self.fetchEvents(db, after: after, limit: limit).map(\.0) }
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
                        """
                )
                for key in keys {
                    if let row = try Row.fetchOne(statement, arguments: [actor, key]) {
                        out[key] = IdempotencyRecord(
                            actor: actor,
                            key: key,
                            requestDigest: row[0],
                            firstSequence: row[1],
                            lastSequence: row[2]
                        )
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
                    arguments: [snapshot.sequence, snapshot.schemaVersion, snapshot.state]
                )
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
                    arguments: [name, position]
                )
            }
        } catch {
            throw StoreError(.storage, "saving cursor '\(name)' failed: \(error)")
        }
    }

    // MARK: - Audit trail

    static func insert(_ c: AuditCheckpoint, _ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO audit_checkpoints (sequence, hash, signed_at, public_key, signature) VALUES (?, ?, ?, ?, ?)",
            arguments: [c.sequence, c.hash, Int64(c.signedAt.timeIntervalSince1970), c.publicKey, c.signature]
        )
    }

    /// Signs the log's head now (at shutdown, or on demand), unless it is already signed. Returns the checkpoint written.
    @discardableResult
    public func checkpoint(at now: Date) async throws(StoreError) -> AuditCheckpoint? {
        guard let key = auditKey else { return nil }
        do {
            return try await pool.write { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM events ORDER BY sequence DESC LIMIT 1"),
                    let hash = row[1] as Data?
                else { return nil }
                let sequence: Int64 = row[0]
                if try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM audit_checkpoints") == sequence { return nil }
                let c = try AuditCheckpoint.sign(sequence: sequence, hash: hash, signedAt: now, key: key)
                try Self.insert(c, db)
                return c
            }
        } catch {
            throw StoreError(.storage, "writing the audit checkpoint failed: \(error)")
        }
    }

    /// The signed checkpoints, oldest first.
    public func checkpoints() async throws(StoreError) -> [AuditCheckpoint] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT sequence, hash, signed_at, public_key, signature FROM audit_checkpoints ORDER BY sequence").map {
                    AuditCheckpoint(
                        sequence: $0[0],
                        hash: $0[1],
                        signedAt: Date(timeIntervalSince1970: Double($0[2] as Int64)),
                        publicKey: $0[3],
                        signature: $0[4]
                    )
                }
            }
        } catch {
            throw StoreError(.storage, "reading the audit checkpoints failed: \(error)")
        }
    }

    /// Checks the whole log: every link of the hash chain, gapless sequences, and every checkpoint against `trustedKey`
    /// (by default the public half of this store's audit key). Reads page by page.
    public func verify(
        trustedKey: Curve25519.Signing.PublicKey? = nil,
        progress: (@Sendable (Int64) -> Void)? = nil
    ) async throws(StoreError) -> AuditReport {
        let checkpoints = try await checkpoints()
        var verifier = AuditVerifier(checkpointSequences: Set(checkpoints.map(\.sequence)))
        var after: Int64 = 0
        do {
            while verifier.report.firstBreak == nil {
                let from = after
                let page = try await pool.read { db in try Self.fetchEvents(db, after: from, limit: 2_000) }
                guard let last = page.last else { break }
                var lookahead: [Int64: Data] = [:]
                for (e, h) in page { if let h { lookahead[e.sequence] = h } }
                verifier.feed(page.map { (event: $0.0, storedHash: $0.1) }, lookahead: lookahead)
                after = last.0.sequence
                progress?(after)
            }
        } catch {
            throw StoreError(.storage, "reading the log failed: \(error)")
        }
        verifier.finish(checkpoints: checkpoints, trustedKey: trustedKey ?? auditKey?.publicKey)
        return verifier.report
    }
}

/// Where a store's audit key comes from.
public enum AuditKeySource: Sendable {
    /// `<database>.audit-key`, created on first use.
    case besideDatabase
    case key(Curve25519.Signing.PrivateKey)
    /// No signing (benchmarks of raw append speed).
    case none
}

/// The audit key file: the 32 raw bytes of an Ed25519 private key, readable by the server's user only.
public enum AuditKeyFile {
    public static func path(forDatabase path: String) -> String { path + ".audit-key" }

    public static func loadOrCreate(at path: String) throws(StoreError) -> Curve25519.Signing.PrivateKey {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            guard let data = fm.contents(atPath: path), let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: data) else {
                throw StoreError(.storage, "the audit key \(path) cannot be read or is not an Ed25519 key")
            }
            return key
        }
        let key = Curve25519.Signing.PrivateKey()
        guard fm.createFile(atPath: path, contents: key.rawRepresentation, attributes: [.posixPermissions: 0o600]) else {
            throw StoreError(.storage, "cannot create the audit key \(path)")
        }
        return key
    }

    /// The public key as lowercase hex (what an auditor keeps apart from the server).
    public static func hex(_ key: Curve25519.Signing.PublicKey) -> String {
        key.rawRepresentation.map { String(format: "%02x", $0) }.joined()
    }
}
