public import Foundation
public import Logging
import TaktApp
import TaktCore
public import TaktEngine
import TaktStore
import TaktStoreSQLite

/// The demo plant as tests use it: an engine on a fresh store, the admin user with a known token, and the generated
/// demo plant at a seed and scale, all on a clock the test holds.
public enum TestPlant {
    /// Tuesday 24 November 2026, 00:00 UTC: the day the tests' demo plant starts, and where a ``TestClock`` stands unless told.
    public static let demoDay = Date(timeIntervalSince1970: 1_795_478_400)
    /// Wednesday 25 November 2026, 06:00 UTC (07:00 in the plant): the morning after the demo plant's start.
    public static let morning = Date(timeIntervalSince1970: 1_795_586_400)
    /// The admin's API token on every test plant.
    public static let adminToken = "test-admin-token-0123456789"
    /// A logger that says nothing.
    public static let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Where the plant's log is kept.
    public enum Storage: Sendable {
        /// In memory: the fastest, gone with the engine.
        case inMemory
        /// A SQLite file, as `takt serve` keeps it (it can be reopened, as after a restart).
        case sqlite(path: String)
    }

    /// An engine on `storage` with the admin user and token; with `demo`, the demo plant generated for ``demoDay`` (only on
    /// an empty log, as `takt serve --demo` does).
    /// - Parameter clock: the plant's clock (a ``TestClock``'s `read`); never the wall clock.
    public static func engine(
        storage: Storage = .inMemory,
        demo: Bool = true,
        seed: UInt64 = 42,
        scale: Int = 1,
        clock: @escaping @Sendable () -> Date,
        adminToken: String = adminToken,
        logger: Logger = quietLogger
    ) async throws -> Engine {
        let engine: Engine
        let path: String
        switch storage {
        case .inMemory:
            engine = try await Engine.open(store: InMemoryEventStore(), now: clock, logger: logger)
            path = ":memory:"
        case .sqlite(let file):
            engine = try await TaktApplication.openEngine(databasePath: file, logger: logger, now: clock)
            path = file
        }
        _ = try await TaktApplication.prepare(
            engine: engine,
            configuration: ServerConfiguration(databasePath: path, demo: demo, seed: seed, scale: scale, bootstrapToken: adminToken),
            now: demoDay,
            logger: logger
        )
        return engine
    }

    /// A path for a new SQLite database in a directory of its own under the temporary directory.
    public static func temporaryDatabasePath() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takt-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("takt.sqlite").path
    }
}
