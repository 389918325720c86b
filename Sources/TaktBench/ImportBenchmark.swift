public import Foundation
import Logging
import TaktApp
import TaktCore
import TaktEngine
import TaktExchange
import TaktService

/// `takt bench import`: the demo plant at a scale, exported to CSV, then imported into an empty SQLite database as one
/// transaction, through the same service call `takt import` and `POST /api/v1/imports` make; then imported again (which
/// must change nothing). The copy is compared with the original (``ComparablePlant``).
public struct ImportBenchmark: Sendable {
    public var scale = 10
    public var seed: UInt64 = 42
    public var clockStart: Date? = TaktApplication.benchmarkClockStart
    public var directory: String

    public init(directory: String) { self.directory = directory }

    public struct Figures: Sendable {
        public var exportSeconds = 0.0
        public var importSeconds = 0.0
        public var reimportSeconds = 0.0
        public var bytes = 0
        public var rows = 0
        public var commands = 0
        public var events = 0
        public var samePlant = false
        public var differences: [String] = []
        public var reimportCommands = 0
    }

    public func run(progress: @escaping @Sendable (String) -> Void) async throws -> Figures {
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        let clock = TaktApplication.clock(startingAt: clockStart)
        var figures = Figures()
        func fresh(_ name: String) -> String {
            let path = directory + "/\(name).sqlite"
            for suffix in ["", "-wal", "-shm", ".audit-key", ".lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            return path
        }
        progress("generating the demo plant at scale \(scale)…")
        let source = try await TaktApplication.openEngine(databasePath: fresh("bench-import-source"), logger: logger, now: clock)
        _ = try await TaktApplication.prepare(
            engine: source,
            configuration: ServerConfiguration(
                databasePath: directory + "/source",
                demo: true,
                seed: seed,
                scale: scale,
                bootstrapToken: Engine.newTokenSecret()
            ),
            now: clock(),
            logger: logger
        )
        progress("exporting…")
        var started = ContinuousClock.now
        let tables = await PlantService(engine: source).exportAllCSV()
        figures.exportSeconds = Self.seconds(since: started)
        let files = tables.map { CSVFile(name: $0.kind.fileName, data: Data($0.text.utf8)) }
        figures.bytes = files.reduce(0) { $0 + $1.data.count }

        let target = try await TaktApplication.openEngine(databasePath: fresh("bench-import-target"), logger: logger, now: clock)
        _ = try await TaktApplication.prepare(
            engine: target,
            configuration: ServerConfiguration(databasePath: directory + "/target", bootstrapToken: Engine.newTokenSecret()),
            now: clock(),
            logger: logger
        )
        let service = PlantService(engine: target)
        started = ContinuousClock.now
        let summary = try await service.importCSV(files, by: .console) { progress("import: " + $0) }
        figures.importSeconds = Self.seconds(since: started)
        figures.rows = summary.counts.values.reduce(0) { $0 + $1.rows }
        figures.commands = summary.commands
        figures.events = summary.events

        progress("importing the same files again…")
        started = ContinuousClock.now
        let again = try await service.importCSV(files, by: .console)
        figures.reimportSeconds = Self.seconds(since: started)
        figures.reimportCommands = again.commands

        let original = ComparablePlant(await source.snapshot())
        let copy = ComparablePlant(await target.snapshot())
        figures.differences = copy.differences(from: original)
        figures.samePlant = copy == original
        return figures
    }

    public static func report(_ f: Figures, scale: Int) -> [String] {
        [
            "CSV export and import (demo scale \(scale), SQLite WAL, synchronous=FULL)",
            String(format: "  export, every kind          %8.2f s  (%d bytes)", f.exportSeconds, f.bytes),
            String(
                format: "  import into an empty plant  %8.2f s  (%d rows, %d commands, %d events, one transaction)",
                f.importSeconds,
                f.rows,
                f.commands,
                f.events
            ),
            String(format: "  import the same again       %8.2f s  (%d commands)", f.reimportSeconds, f.reimportCommands),
            "  same plant after the round trip: \(f.samePlant)" + (f.differences.isEmpty ? "" : " — " + f.differences.joined(separator: "; ")),
            String(
                format:
                    "{\"scale\": %d, \"export_s\": %.3f, \"import_s\": %.3f, \"reimport_s\": %.3f, \"rows\": %d, \"commands\": %d, \"events\": %d, \"bytes\": %d, ",
                scale,
                f.exportSeconds,
                f.importSeconds,
                f.reimportSeconds,
                f.rows,
                f.commands,
                f.events,
                f.bytes
            )
                + "\"same_plant\": \(f.samePlant), \"reimport_commands\": \(f.reimportCommands)}",
        ]
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
