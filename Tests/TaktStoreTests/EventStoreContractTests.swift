import Foundation
import TaktCore
import TaktStore
import TaktStoreSQLite
import Testing

// MARK: - Store factories

/// Every event store implementation the contract is run against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inMemory = "in-memory"
    case sqlite = "SQLite"
    var testDescription: String { rawValue }
}

/// A fresh, empty store; for SQLite a new file in its own temporary directory, removed when this goes away.
final class ScratchStore: Sendable {
    let store: any EventStore
    let directory: URL?

    init(_ kind: StoreKind) throws {
        switch kind {
        case .inMemory:
            store = InMemoryEventStore()
            directory = nil
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takt-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            directory = dir
            store = try SQLiteEventStore(path: dir.appendingPathComponent("events.sqlite").path)
        }
    }

    deinit {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }
}

/// Whole seconds: the resolution of the log.
let recordedAt = Date(timeIntervalSince1970: 1_795_392_000)  // 2026-11-23T00:00:00Z

/// A command record with `count` events named `type` (`type.1`, `type.2`, …) and JSON payloads.
func command(
    _ type: String,
    events count: Int = 1,
    actor: String = "planner",
    key: String? = nil,
    digest: String = "d0",
    correlation: String? = nil
) -> CommandRecord {
    CommandRecord(
        actor: actor,
        idempotencyKey: key,
        requestDigest: digest,
        correlationID: correlation ?? "corr-\(type)",
        recordedAt: recordedAt,
        events: (1...max(1, count)).map { i in NewEvent(type: "\(type).\(i)", payload: Data(#"{"n":\#(i)}"#.utf8)) }
    )
}

/// The error an async store call throws, or nil when it succeeds.
func storeError<T>(_ body: () async throws(StoreError) -> T) async -> StoreError? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}

// MARK: - The contract

@Suite("Event store contract")
struct EventStoreContractTests {
    @Test("A new log is empty, and the first event is number 1", arguments: StoreKind.allCases)
    func emptyLog(kind: StoreKind) async throws {
        let s = try ScratchStore(kind)
        #expect(try await s.store.lastSequence() == 0)
        #expect(try await s.store.read(after: 0, limit: 100).isEmpty)
        #expect(try await s.store.loadSnapshot() == nil)
        let appended = try await s.store.append([command("siteDefined")], expectedLastSequence: 0)
        #expect(appended.map { $0.map(\.sequence) } == [[1]])
        #expect(try await s.store.lastSequence() == 1)
    }

    @Test("Sequences are gapless across the commands of one call and across calls", arguments: StoreKind.allCases)
    func gaplessSequences(kind: StoreKind) async throws {
        let s = try ScratchStore(kind)
        let first = try await s.store.append(
            [command("lotCreated", events: 2), command("lotMoved"), command("orderReleased", events: 3)],
            expectedLastSequence: 0
        )
        #expect(first.map { $0.map(\.sequence) } == [[1, 2], [3], [4, 5, 6]])
        let second = try await s.store.append([command("lotStatusChanged", events: 2)], expectedLastSequence: 6)
        #expect(second.map { $0.map(\.sequence) } == [[7, 8]])

        let all = try await s.store.read(after: 0, limit: 1_000)
        #expect(all.map(\.sequence) == Array(1...8))
        #expect(all == (first + second).flatMap { $0 }, "what is read back equals what append answered")
        #expect(try await s.store.lastSequence() == 8)
    }

    @Test(
        "Recorded events carry the command's actor, time, correlation, key and the event's type and payload",
        arguments: StoreKind.allCases
    )
    func recordedFields(kind: StoreKind) async throws {
        let s = try ScratchStore(kind)
        let keyed = command("lotMoved", events: 2, actor: "warehouse", key: "move-L-1", correlation: "req-42")
        _ = try await s.store.append([keyed, command("lotCreated")], expectedLastSequence: 0)
        let events = try await s.store.read(after: 0, limit: 10)
        try #require(events.count == 3)
        #expect(events[0].actor == "warehouse")
        #expect(events[0].recordedAt == recordedAt)
        #expect(events[0].type == "lotMoved.1")
        #expect(events[1].type == "lotMoved.2")
        #expect(events[1].payload == Data(#"{"n":2}"#.utf8))
        #expect(events[0].correlationID == "req-42" && events[1].correlationID == "req-42")
        #expect(events[0].idempotencyKey == "move-L-1" && events[1].idempotencyKey == "move-L-1")
        #expect(events[2].idempotencyKey == nil)
        #expect(events[2].actor == "planner")
    }

    @Test(
        "An append with a stale expected sequence is refused as a concurrency conflict and appends nothing",
        arguments: StoreKind.allCases
    )
    func staleExpectedSequence(kind: StoreKind) async throws {
        let s = try ScratchStore(kind)
        _ = try await s.store.append([command("a", events: 3)], expectedLastSequence: 0)

        let behind = await storeError { () async throws(StoreError) in
            try await s.store.append([command("b"), command("c", key: "k-stale")], expectedLastSequence: 1)
        }
        #expect(behind?.code == .concurrencyConflict)
        let ahead = await storeError { () async throws(StoreError) in
            try await s.store.append([command("b")], expectedLastSequence: 9)
        }
        #expect(ahead?.code == .concurrencyConflict)
        let onEmptyExpectation = await storeError { () async throws(StoreError) in
            try await s.store.append([command("b")], expectedLastSequence: 0)
        }
        #expect(onEmptyExpectation?.code == .concurrencyConflict)

        #expect(try await s.store.lastSequence() == 3)
        #expect(try await s.store.read(after: 0, limit: 100).map(\.type) == ["a.1", "a.2", "a.3"])
        #expect(
            try await s.store.idempotencyRecords(actor: "planner", keys: ["k-stale"]).isEmpty,
            "the refused call recorded no idempotency key"
        )
    }

    @Test(
        "A batch in which one command reuses a recorded idempotency key appends nothing of the batch",
        arguments: StoreKind.allCases
    )
    func duplicateKeyBatchIsAtomic(kind: StoreKind) async throws {
        let s = try ScratchStore(kind)
        _ = try await s.store.append([command("release", key: "K-1", digest: "first")], expectedLastSequence: 0)

        let error = await storeError { () async throws(StoreError) in
            try await s.store.append(
                [command("before", events: 2, key: "K-2"), command("reuse", key: "K-1", digest: "other"), command("after")],
                expectedLastSequence: 1
            )
        }
        #expect(error?.code == .duplicateIdempotencyKey)
        #expect(try await s.store.lastSequence() == 1)
        #expect(try await s.store.read(after: 0, limit: 100).map(\.type) == ["release.1"])
        let records = try await s.store.idempotencyRecords(actor: "planner", keys: ["K-1", "K-2"])
        #expect(records["K-2"] == nil, "the key of the batch's earlier command was not recorded either")
        #expect(records["K-1"]?.requestDigest == "first", "the original record is untouched")

        // The log is still usable right after the refused batch.
        let next = try await s.store.append([command("before", events: 2, key: "K-2")], expectedLastSequence: 1)
        #expect(next.map { $0.map(\.sequence) } == [[2, 3]])
    }

    @Test("The same key twice within one batch is refused as a duplicate and appends nothing", arguments: StoreKind.allCases)
    func duplicateKeyWithinBatch(kind: StoreKind) async throws {
        let s = try ScratchStore(kind)
        let error = await storeError { () async throws(StoreError) in
            try await s.store.append([command("a", key: "K"), command("b", key: "K")], expectedLastSequence: 0)
        }
        #expect(error?.code == .duplicateIdempotencyKey)
        #expect(try await s.store.lastSequence() == 0)
        #expect(try await s.store.idempotencyRecords(actor: "planner", keys: ["K"]).isEmpty)
    }

    @Test("Reading pages through the log: after, limit, past the end, limit 0", arguments: StoreKind.allCases)
    func readPaging(kind: StoreKind) async throws {
        let s = try ScratchStore(kind)
        _ = try await s.store.append((1...10).map { command("e\($0)") }, expectedLastSequence: 0)

        #expect(try await s.store.read(after: 0, limit: 3).map(\.sequence) == [1, 2, 3])
        #expect(try await s.store.read(after: 3, limit: 3).map(\.sequence) == [4, 5, 6])
        #expect(try await s.store.read(after: 8, limit: 5).map(\.sequence) == [9, 10], "a short last page")
        #expect(try await s.store.read(after: 10, limit: 5).isEmpty, "nothing after the last event")
        #expect(try await s.store.read(after: 50, limit: 5).isEmpty, "nothing far past the end")
        #expect(try await s.store.read(after: 0, limit: 0).isEmpty, "limit 0 reads nothing")
        #expect(try await s.store.read(after: 4, limit: 1).map(\.type) == ["e5.1"])

        // Paging with the last sequence read visits every event exactly once.
        var seen: [Int64] = []
        var position: Int64 = 0
        for _ in 0..<20 {
            let page = try await s.store.read(after: position, limit: 4)
            if page.isEmpty { break }
            seen += page.map(\.sequence)
            position = page.last?.sequence ?? position
        }
        #expect(seen == Array(1...10))
    }

    @Test("Idempotency records are kept per actor; another actor's same key is independent", arguments: StoreKind.allCases)
    func idempotencyRecordsPerActor(kind: StoreKind) async throws {
        let s = try ScratchStore(kind)
        _ = try await s.store.append(
            [command("x", events: 2, actor: "planner", key: "shift-1", digest: "planner-digest"), command("unkeyed")],
            expectedLastSequence: 0
        )
        // Another actor may use the same key: it is a different record, not a duplicate.
        _ = try await s.store.append(
            [command("y", events: 3, actor: "supervisor", key: "shift-1", digest: "supervisor-digest")],
            expectedLastSequence: 3
        )

        let planner = try await s.store.idempotencyRecords(actor: "planner", keys: ["shift-1", "never-used"])
        #expect(planner.count == 1, "missing keys are absent")
        #expect(
            planner["shift-1"]
                == IdempotencyRecord(
                    actor: "planner",
                    key: "shift-1",
                    requestDigest: "planner-digest",
                    firstSequence: 1,
                    lastSequence: 2
                )
        )
        let supervisor = try await s.store.idempotencyRecords(actor: "supervisor", keys: ["shift-1"])
        #expect(
            supervisor["shift-1"]
                == IdempotencyRecord(
                    actor: "supervisor",
                    key: "shift-1",
                    requestDigest: "supervisor-digest",
                    firstSequence: 4,
                    lastSequence: 6
                )
        )
        #expect(try await s.store.idempotencyRecords(actor: "quality", keys: ["shift-1"]).isEmpty)
        #expect(try await s.store.idempotencyRecords(actor: "planner", keys: []).isEmpty)
    }

    @Test("A snapshot is saved, loaded back, and replaced by the next one", arguments: StoreKind.allCases)
    func snapshots(kind: StoreKind) async throws {
        let s = try ScratchStore(kind)
        #expect(try await s.store.loadSnapshot() == nil)
        let first = Snapshot(sequence: 12, schemaVersion: 1, state: Data(#"{"sequence":12}"#.utf8))
        try await s.store.saveSnapshot(first)
        #expect(try await s.store.loadSnapshot() == first)
        let second = Snapshot(sequence: 40, schemaVersion: 2, state: Data(#"{"sequence":40,"more":true}"#.utf8))
        try await s.store.saveSnapshot(second)
        #expect(try await s.store.loadSnapshot() == second)
        #expect(try await s.store.lastSequence() == 0, "a snapshot is not part of the log")
    }
}

// MARK: - SQLite specifics

@Suite("SQLite event store")
struct SQLiteEventStoreTests {
    @Test("The log, idempotency records and snapshot survive closing and reopening the file")
    func survivesReopen() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takt-reopen-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("events.sqlite").path

        var written: [RecordedEvent] = []
        let snapshot = Snapshot(sequence: 3, schemaVersion: 1, state: Data("{}".utf8))
        do {
            let store = try SQLiteEventStore(path: path)
            written = try await store.append(
                [command("lotCreated", events: 2, key: "K-1", digest: "dig"), command("lotMoved")],
                expectedLastSequence: 0
            ).flatMap { $0 }
            try await store.saveSnapshot(snapshot)
        }

        let reopened = try SQLiteEventStore(path: path)
        #expect(try await reopened.lastSequence() == 3)
        #expect(try await reopened.read(after: 0, limit: 10) == written)
        #expect(
            try await reopened.idempotencyRecords(actor: "planner", keys: ["K-1"])["K-1"]
                == IdempotencyRecord(
                    actor: "planner",
                    key: "K-1",
                    requestDigest: "dig",
                    firstSequence: 1,
                    lastSequence: 2
                )
        )
        #expect(try await reopened.loadSnapshot() == snapshot)
        // The reopened log continues where it ended, and still refuses the recorded key.
        let next = try await reopened.append([command("lotStatusChanged")], expectedLastSequence: 3)
        #expect(next.map { $0.map(\.sequence) } == [[4]])
        let duplicate = await storeError { () async throws(StoreError) in
            try await reopened.append([command("again", key: "K-1", digest: "dig")], expectedLastSequence: 4)
        }
        #expect(duplicate?.code == .duplicateIdempotencyKey)
    }

    @Test("The store runs in WAL mode with synchronous FULL, so an acknowledged append is durable")
    func durabilityPragmas() async throws {
        let s = try ScratchStore(.sqlite)
        let store = try #require(s.store as? SQLiteEventStore)
        let pragmas = try await store.pragmas()
        #expect(pragmas.journalMode.lowercased() == "wal")
        #expect(pragmas.synchronous == 2, "2 is FULL")
    }

    @Test("Opening a path that cannot be a database is refused as a storage error")
    func unopenablePath() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("takt-missing-\(UUID().uuidString)/nested/events.sqlite").path
        #expect(throws: StoreError.self) { try SQLiteEventStore(path: path) }
        do {
            _ = try SQLiteEventStore(path: path)
        } catch {
            #expect(error.code == .storage)
        }
    }
}
