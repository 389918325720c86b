import Foundation
public import Logging
public import TaktB2MML
public import TaktCore
import TaktEngine
public import TaktExchange
public import TaktService
import TaktStoreSQLite

/// `takt import` and `takt export` on the server's own machine, straight on its database.
extension Administration {
    /// What a console import did, and the admin token it made when the database was new.
    public struct ConsoleImport: Sendable {
        public var summary: ImportSummary
        public var startup: StartupReport?
    }

    /// Imports CSV files into the database as one transaction (``PlantService/importCSV(_:by:progress:)``), recorded as the
    /// system's. Refuses while `takt serve` holds the database. A new database first gets its admin user and token, as
    /// `takt serve` would make them (`TAKT_BOOTSTRAP_TOKEN`, else a random one written to `<database>.admin-token`).
    /// - Throws: ``ImportRefused`` listing every problem (nothing applied), ``ConsoleError`` when the server runs.
    public static func importCSV(
        databasePath: String,
        files: [CSVFile],
        bootstrapToken: String?,
        logger: Logger,
        progress: (@Sendable (String) -> Void)? = nil
    ) async throws -> ConsoleImport {
        try await consoleImport(databasePath: databasePath, bootstrapToken: bootstrapToken, logger: logger) {
            try await $0.importCSV(files, by: .console, progress: progress)
        }
    }

    /// An import from the console: refused while `takt serve` holds the database; on an empty database the admin user is
    /// made first, as `takt serve` would; a snapshot is saved afterwards.
    private static func consoleImport(
        databasePath: String,
        bootstrapToken: String?,
        logger: Logger,
        _ apply: (PlantService) async throws -> ImportSummary
    ) async throws -> ConsoleImport {
        guard let lock = try DatabaseLock(database: databasePath) else {
            throw ConsoleError(
                message: "takt serve is running on \(databasePath): stop it, import, then start the server (or import through the API)"
            )
        }
        defer { withExtendedLifetime(lock) {} }
        let engine = try await TaktApplication.openEngine(databasePath: databasePath, logger: logger)
        var startup: StartupReport?
        if await engine.committedSequence == 0 {
            startup = try await TaktApplication.prepare(
                engine: engine,
                configuration: ServerConfiguration(databasePath: databasePath, bootstrapToken: bootstrapToken),
                logger: logger
            )
        }
        let summary = try await apply(PlantService(engine: engine))
        await engine.saveSnapshot()
        return ConsoleImport(summary: summary, startup: startup)
    }

    /// Imports B2MML messages into the database as one transaction (``PlantService/importB2MML(_:by:progress:)``), as
    /// ``importCSV(databasePath:files:bootstrapToken:logger:progress:)`` does CSV files.
    public static func importB2MML(
        databasePath: String,
        messages: [B2MMLMessage],
        bootstrapToken: String?,
        logger: Logger,
        progress: (@Sendable (String) -> Void)? = nil
    ) async throws -> ConsoleImport {
        try await consoleImport(databasePath: databasePath, bootstrapToken: bootstrapToken, logger: logger) {
            try await $0.importB2MML(messages, by: .console, progress: progress)
        }
    }

    /// The database's plant as B2MML messages (read only; the server may be running): each message's text, or nil when
    /// it has nothing to report (no order has run).
    public static func exportB2MML(databasePath: String, lot: Lot.ID?, logger: Logger) async throws -> [(message: B2MMLExportMessage, xml: String?)] {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw ConsoleError(message: "there is no database at \(databasePath) (give the server's --db)")
        }
        let store = try SQLiteEventStore(path: databasePath, auditKey: .none)
        let engine = try await Engine.open(store: store, logger: logger)
        let service = PlantService(engine: engine)
        // A lot asked for by name must exist, as the API answers 404 (not "nothing to report").
        if let lot, await !service.read({ $0.lots[lot] != nil }) { throw ConsoleError(message: "there is no lot '\(lot)'") }
        var out: [(message: B2MMLExportMessage, xml: String?)] = []
        for message in B2MMLExportMessage.allCases {
            do {
                out.append((message, try await service.exportB2MML(message, lot: message == .materialInformation ? lot : nil, by: nil)))
            } catch is B2MMLNothingToExport {
                out.append((message, nil))
            }
        }
        return out
    }

    /// Every kind of the database's plant as CSV text, from one state (read only; the server may be running).
    public static func exportCSV(databasePath: String, logger: Logger) async throws -> [(kind: CSVKind, text: String)] {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw ConsoleError(message: "there is no database at \(databasePath) (give the server's --db)")
        }
        let store = try SQLiteEventStore(path: databasePath, auditKey: .none)
        let engine = try await Engine.open(store: store, logger: logger)
        return await PlantService(engine: engine).exportAllCSV()
    }
}
