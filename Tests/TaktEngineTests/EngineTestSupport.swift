import Foundation
import TaktCore
import TaktDemo
import TaktEngine
import TaktStore
import TaktStoreSQLite
import Testing

/// The fixed clock of the engine tests: 08:00 UTC on Monday, 23 November 2026 (whole seconds).
let fixedDate = Date(timeIntervalSince1970: 1_795_392_000 + 8 * 3_600)
/// The demo plant's start: midnight UTC of the same day.
let demoStart = Date(timeIntervalSince1970: 1_795_392_000)

/// The stores the engine is run on.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inMemory = "in-memory"
    case sqlite = "SQLite"
    var testDescription: String { rawValue }
}

/// A fresh store; for SQLite a file in its own temporary directory (removed when this goes away), which can be
/// reopened as a new store instance, as after a restart.
final class ScratchStore: Sendable {
    let kind: StoreKind
    let store: any EventStore
    let directory: URL?

    init(_ kind: StoreKind) throws {
        self.kind = kind
        switch kind {
        case .inMemory:
            store = InMemoryEventStore()
            directory = nil
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takt-engine-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            directory = dir
            store = try SQLiteEventStore(path: dir.appendingPathComponent("events.sqlite").path)
        }
    }

    /// The same log as after a restart: a new SQLite store instance on the same file, or the same in-memory store.
    func reopened() throws -> any EventStore {
        guard let directory else { return store }
        return try SQLiteEventStore(path: directory.appendingPathComponent("events.sqlite").path)
    }

    /// An engine on this store with the fixed clock; no automatic snapshots unless asked for.
    func engine(snapshotInterval: Int64 = .max) async throws -> Engine {
        try await Engine.open(store: store, now: { fixedDate }, snapshotInterval: snapshotInterval)
    }

    deinit {
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }
}

/// Opens an engine with the fixed clock and no automatic snapshots.
func openEngine(_ store: any EventStore) async throws -> Engine {
    try await Engine.open(store: store, now: { fixedDate }, snapshotInterval: .max)
}

// MARK: - Submitting

extension Engine {
    /// Submits `command` as `actor`.
    @discardableResult
    func run(_ command: Command, as actor: Actor = .system, key: String? = nil) async throws -> CommandOutcome {
        try await submit(CommandEnvelope(command: command, actor: actor, idempotencyKey: key))
    }

    /// The current state (committed).
    func snapshotState() async -> PlantState { await read { $0 } }

    /// The whole log.
    func log() async throws -> [RecordedEvent] { try await events(after: 0, limit: 1_000_000) }
}

/// The error `body` throws, or nil (recorded as an issue) when it succeeds.
func rejection(
    _ body: () async throws -> some Any,
    sourceLocation: SourceLocation = #_sourceLocation
) async -> (any Error)? {
    do {
        _ = try await body()
        Issue.record("expected the command to be refused, it was accepted", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Expects a domain rejection of `kind` naming `field` and `rule`.
func expectDomainError(
    _ error: (any Error)?,
    _ kind: DomainError.Kind,
    field: String,
    rule: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let domain = error as? DomainError else {
        Issue.record("expected a DomainError, got \(String(describing: error))", sourceLocation: sourceLocation)
        return
    }
    #expect(domain.kind == kind, "\(domain)", sourceLocation: sourceLocation)
    #expect(
        domain.violations.contains { $0.field == field && $0.rule == rule },
        "expected \(field) [\(rule)] in \(domain)",
        sourceLocation: sourceLocation
    )
}

/// Expects an engine error with `code`.
func expectEngineError(
    _ error: (any Error)?,
    _ code: EngineError.Code,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let engineError = error as? EngineError
    #expect(engineError?.code == code, "expected \(code), got \(String(describing: error))", sourceLocation: sourceLocation)
}

// MARK: - Plants

/// The demo plant (scale 1, seed 7) seeded through one `submitBatch` by the system; every command must be accepted.
func seedDemoPlant(_ engine: Engine, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let commands = DemoPlant.commands(seed: 7, scale: 1, start: demoStart)
    let results = await engine.submitBatch(commands.map { CommandEnvelope(command: $0, actor: .system) })
    #expect(results.count == commands.count, sourceLocation: sourceLocation)
    for (i, r) in results.enumerated() {
        if case .failure(let error) = r {
            Issue.record("demo command #\(i) \(commands[i].typeName) was refused: \(error)", sourceLocation: sourceLocation)
        }
    }
}

/// A small shop, built by the system: a site, a store and a quarantine cage, a made item, and one user per role
/// (`admin`, `planner`, `supervisor`, `op-anna`, `quality`, `warehouse`, `sales`).
func seedSmallShop(_ engine: Engine) async throws {
    try await engine.run(.defineSite(Site(id: "PLANT-1", name: "Pump plant", timeZone: "Europe/Berlin")))
    try await engine.run(.defineLocation(Location(id: "LOC-STORE", name: "Main store", site: "PLANT-1", kind: .store)))
    try await engine.run(.defineLocation(Location(id: "LOC-QUARANTINE", name: "Quarantine", site: "PLANT-1", kind: .quarantine)))
    try await engine.run(.defineItem(Item(id: "HOUSING", name: "Machined housing 50-200", kind: .semiFinished)))
    let people: [(User.ID, Role)] = [
        ("admin", .admin), ("planner", .planner), ("supervisor", .supervisor), ("op-anna", .operator), ("quality", .quality),
        ("warehouse", .warehouse), ("sales", .sales),
    ]
    for (id, role) in people {
        try await engine.run(.createUser(User(id: id, name: "User \(id)", roles: [role])))
    }
}

/// A command receiving `quantity` machined housings as lot `id` into the main store.
func housingLot(_ id: Lot.ID, quantity: Double = 10) -> Command {
    .createLot(NewLot(id: id, item: "HOUSING", quantity: quantity, location: "LOC-STORE"))
}

/// A valid secret hash for a token numbered `n`.
func secretHash(_ n: Int) -> String { Engine.hash(secret: "secret-\(n)") }
