import Crypto
import Foundation
import GRDB
import TaktStore
import TaktStoreSQLite
import Testing

/// A log of 23 events in 10 commands, checkpointed every 5 events, in its own directory.
private final class AuditedLog: Sendable {
    let directory: URL
    let path: String
    let key = Curve25519.Signing.PrivateKey()

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("takt-audit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("events.sqlite").path
        let store = try open()
        var last: Int64 = 0
        for i in 0..<10 {
            let appended = try await store.append(
                [command("itemDefined\(i)", events: 1 + i % 3, actor: i % 2 == 0 ? "planner" : "system")],
                expectedLastSequence: last
            )
            last = appended.last?.last?.sequence ?? last
        }
    }

    func open() throws -> SQLiteEventStore { try SQLiteEventStore(path: path, auditKey: .key(key), checkpointInterval: 5) }

    /// Changes the database behind Takt's back, as someone with the file would.
    func tamper(_ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")  // as someone editing the file would
            try db.execute(sql: sql)
        }
    }

    func verify(trusting trusted: Curve25519.Signing.PublicKey? = nil) async throws -> AuditReport {
        try await open().verify(trustedKey: trusted ?? key.publicKey)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

@Suite("The audit trail: a hash chain with signed checkpoints")
struct AuditTrailTests {
    @Test("An untouched log verifies: every event checked, every checkpoint signed by the key")
    func intact() async throws {
        let log = try await AuditedLog()
        let report = try await log.verify()
        #expect(report.isIntact)
        #expect(report.eventsChecked == 19)
        #expect(report.checkpointsChecked == 3, "crossing 5, 10 and 15 wrote a checkpoint each")
        #expect(report.lastCheckpoint == 15)
        try await log.open().checkpoint(at: recordedAt)
        #expect(try await log.verify().checkpointsChecked == 4, "a checkpoint at shutdown signs the head")
    }

    @Test("An edited payload is found and named")
    func edited() async throws {
        let log = try await AuditedLog()
        try log.tamper("UPDATE events SET payload = CAST('{\"n\":99}' AS BLOB) WHERE sequence = 7")
        let broken = try #require(try await log.verify().firstBreak)
        #expect(broken.sequence == 7)
        #expect(broken.problem == .edited)
        #expect(broken.message.contains("edited"))
    }

    @Test("An edited actor or time is found too: the hash covers everything the log stores")
    func editedActor() async throws {
        let log = try await AuditedLog()
        try log.tamper("UPDATE events SET actor = 'someone-else' WHERE sequence = 3")
        #expect(try await log.verify().firstBreak?.sequence == 3)
        let other = try await AuditedLog()
        try other.tamper("UPDATE events SET recorded_at = recorded_at + 3600 WHERE sequence = 12")
        #expect(try await other.verify().firstBreak?.sequence == 12)
    }

    @Test("A deleted event is found: the sequence has a gap")
    func deleted() async throws {
        let log = try await AuditedLog()
        try log.tamper("DELETE FROM events WHERE sequence = 9")
        let broken = try #require(try await log.verify().firstBreak)
        #expect(broken.sequence == 9)
        #expect(broken.problem == .deleted)
    }

    @Test("The last events deleted are found by the checkpoint that signed them")
    func truncated() async throws {
        let log = try await AuditedLog()
        try log.tamper("DELETE FROM events WHERE sequence >= 14")
        let signed = try await log.open().checkpoints().map(\.sequence)
        let broken = try #require(try await log.verify().firstBreak)
        #expect(broken.problem == .checkpointMismatch)
        #expect(broken.sequence == signed.first { $0 >= 14 }, "the first checkpoint past the cut")
    }

    @Test("Two events swapped are found as reordered, whether or not their hashes moved with them")
    func reordered() async throws {
        func swap(_ columns: [String]) -> String {
            let sets = columns.map { "\($0) = (SELECT \($0) FROM moved WHERE moved.sequence = 21 - events.sequence)" }
            return "CREATE TEMP TABLE moved AS SELECT * FROM events WHERE sequence IN (10, 11); "
                + "UPDATE events SET \(sets.joined(separator: ", ")) WHERE sequence IN (10, 11)"
        }
        let swapContent = swap(["type", "payload", "correlation_id", "actor", "recorded_at", "idempotency_key"])
        let log = try await AuditedLog()
        try log.tamper(swapContent)
        let broken = try #require(try await log.verify().firstBreak)
        #expect(broken.sequence == 10)
        #expect(broken.problem == .reordered)
        #expect(broken.message.contains("recorded at 11"))

        let withHashes = try await AuditedLog()
        try withHashes.tamper(swap(["type", "payload", "correlation_id", "actor", "recorded_at", "idempotency_key", "hash"]))
        let moved = try #require(try await withHashes.verify().firstBreak)
        #expect(moved.sequence == 10)
        #expect(moved.problem == .reordered)
    }

    @Test("A rewritten chain (edit, then every later hash recomputed) is caught by the signed checkpoint")
    func rewritten() async throws {
        let log = try await AuditedLog()
        try log.tamper("UPDATE events SET payload = CAST('{\"n\":42}' AS BLOB) WHERE sequence = 4")
        // Recompute the chain from 4 on, as an attacker who knows the algorithm would.
        let queue = try DatabaseQueue(path: log.path)
        try await queue.write { db in
            var previous = try Data.fetchOne(db, sql: "SELECT hash FROM events WHERE sequence = 3")!
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT sequence, recorded_at, actor, type, payload, correlation_id, idempotency_key FROM events WHERE sequence >= 4 ORDER BY sequence"
            ) {
                let event = RecordedEvent(
                    sequence: row[0],
                    recordedAt: Date(timeIntervalSince1970: Double(row[1] as Int64)),
                    actor: row[2],
                    type: row[3],
                    payload: row[4],
                    correlationID: row[5],
                    idempotencyKey: row[6]
                )
                previous = AuditChain.hash(event, previous: previous)
                try db.execute(sql: "UPDATE events SET hash = ? WHERE sequence = ?", arguments: [previous, event.sequence])
            }
        }
        let signed = try await log.open().checkpoints().map(\.sequence)
        let broken = try #require(try await log.verify().firstBreak)
        #expect(broken.problem == .checkpointMismatch)
        #expect(broken.sequence == signed.first { $0 >= 4 }, "the first checkpoint after the edit")
    }

    @Test("Checkpoints signed by another key are refused")
    func foreignKey() async throws {
        let log = try await AuditedLog()
        let broken = try #require(try await log.verify(trusting: Curve25519.Signing.PrivateKey().publicKey).firstBreak)
        #expect(broken.problem == .badSignature)
    }

    @Test("A log written before the hash chain is chained once when opened, then verifies")
    func migratesOldLog() async throws {
        let log = try await AuditedLog()
        try log.tamper(
            """
            DROP TABLE audit_checkpoints; ALTER TABLE events DROP COLUMN hash;
            DELETE FROM grdb_migrations WHERE identifier = 'v3-hash-chain'
            """
        )
        let report = try await log.verify()
        #expect(report.isIntact)
        #expect(report.eventsChecked == 19)
        #expect(report.checkpointsChecked == 0)
        // And appending goes on from the chained head.
        let store = try log.open()
        _ = try await store.append([command("more")], expectedLastSequence: 19)
        #expect(try await log.verify().eventsChecked == 20)
    }

    @Test("The audit key is created beside the database, readable by its owner only, and reused")
    func keyFile() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takt-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("t.sqlite").path
        let first = try SQLiteEventStore(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path + ".audit-key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let again = try SQLiteEventStore(path: path)
        #expect(first.auditKey?.publicKey.rawRepresentation == again.auditKey?.publicKey.rawRepresentation)
    }
}
