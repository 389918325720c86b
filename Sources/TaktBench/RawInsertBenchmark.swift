import Foundation
import GRDB

/// The physical limit for the ingest benchmark: plain SQLite inserts of rows shaped like events,
/// with the same journal mode and `synchronous` setting as ``SQLiteEventStore``, and no Takt code around them.
public enum RawInsertBenchmark {
    /// Inserts `rows` rows of `payloadBytes` bytes each, `batchSize` rows per transaction.
    /// - Returns: rows per second.
    public static func run(path: String, rows: Int, payloadBytes: Int, batchSize: Int) throws -> Double {
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let pool = try DatabasePool(path: path, configuration: config)
        try pool.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS raw_events (
                        sequence INTEGER PRIMARY KEY NOT NULL, recorded_at INTEGER NOT NULL, actor TEXT NOT NULL,
                        type TEXT NOT NULL, payload BLOB NOT NULL, correlation_id TEXT NOT NULL, idempotency_key TEXT)
                    """
            )
        }
        let payload = Data(repeating: UInt8(ascii: "x"), count: payloadBytes)
        var next = try pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(sequence) FROM raw_events") ?? 0 }
        let clock = ContinuousClock()
        let started = clock.now
        var done = 0
        while done < rows {
            let n = min(batchSize, rows - done)
            let first = next
            try pool.write { db in
                let statement = try db.cachedStatement(
                    sql: """
                        INSERT INTO raw_events (sequence, recorded_at, actor, type, payload, correlation_id, idempotency_key)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """
                )
                for i in 1...n {
                    try statement.execute(arguments: [
                        first + Int64(i), 1_800_000_000, "admin", "lotCreated", payload,
                        "0f8a4c2e-1b3d-4e5f-8a9b-0c1d2e3f4a5b", nil,
                    ])
                }
            }
            next += Int64(n)
            done += n
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(rows) / max(seconds, 1e-9)
    }
}
