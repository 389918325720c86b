import Foundation
import TaktStore
import TaktStoreSQLite
import Testing

@Suite("Event store contract: cursors of log followers")
struct CursorContractTests {
    @Test(
        "A cursor never saved reads as nil; a saved one reads back, is replaced by the next save, and is kept per name",
        arguments: StoreKind.allCases
    )
    func cursorsRoundTrip(kind: StoreKind) async throws {
        let s = try ScratchStore(kind)
        #expect(try await s.store.loadCursor("orchestrator") == nil)
        try await s.store.saveCursor("orchestrator", position: 7)
        #expect(try await s.store.loadCursor("orchestrator") == 7)
        try await s.store.saveCursor("orchestrator", position: 12)
        #expect(try await s.store.loadCursor("orchestrator") == 12)
        #expect(try await s.store.loadCursor("mailer") == nil, "cursors are kept per name")
        try await s.store.saveCursor("mailer", position: 0)
        #expect(try await s.store.loadCursor("mailer") == 0)
        #expect(try await s.store.loadCursor("orchestrator") == 12)
    }

    @Test("A saved cursor survives closing and reopening the SQLite file, beside the log")
    func cursorSurvivesReopen() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takt-cursor-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("events.sqlite").path
        do {
            let store = try SQLiteEventStore(path: path)
            _ = try await store.append([command("lotCreated", events: 3)], expectedLastSequence: 0)
            try await store.saveCursor("orchestrator", position: 2)
        }
        let reopened = try SQLiteEventStore(path: path)
        #expect(try await reopened.loadCursor("orchestrator") == 2)
        #expect(try await reopened.lastSequence() == 3)
    }
}
