import ArgumentParser
import Foundation
import Logging
import TaktApp
import TaktB2MML
import TaktBench
import TaktCore
import TaktExchange
import TaktService

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import CSV files (or, with --format b2mml, ISA-95 B2MML V0701 messages) into the plant as one transaction: every row "
            + "checked first, every problem listed, or all applied.",
        discussion: "Each file is named <kind>.csv (kinds: \(CSVKind.allCases.map(\.rawValue).joined(separator: ", "))); the formats are in "
            + "docs/integration.md. Importing the same files again changes nothing. Works straight on the database: stop takt serve "
            + "first (or use POST /api/v1/imports). A new database gets its admin first, as takt serve makes it. Exit status 1 when "
            + "the import was refused."
    )

    @Option(help: "The SQLite database file (created if missing).")
    var db = "takt.sqlite"
    @Option(help: "csv, or b2mml for ISA-95 B2MML V0701 messages (each FILE one message; docs/integration.md).")
    var format: ExchangeFormat = .csv
    @Argument(help: "The CSV files (a directory: every <kind>.csv in it), or the B2MML messages (a directory: every .xml in it).")
    var files: [String]

    func run() async throws {
        var logger = Logger(label: "takt.import")
        logger.logLevel = .warning
        let token = ProcessInfo.processInfo.environment["TAKT_BOOTSTRAP_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let db = db
        switch format {
        case .csv:
            // A directory: every <kind>.csv in it.
            let inputs = try readFiles { dir in CSVKind.allCases.map { "\(dir)/\($0.fileName)" }.filter { FileManager.default.fileExists(atPath: $0) }
            }
            .map { CSVFile(name: $0.name, data: $0.data) }
            guard !inputs.isEmpty else { throw CLIError("no CSV file to import") }
            try await Self.apply(kindName: \.fileName) { progress in
                try await Administration.importCSV(databasePath: db, files: inputs, bootstrapToken: token, logger: logger, progress: progress)
            }
        case .b2mml:
            // The messages, in the order given (a directory's .xml files in name order), imported as one transaction.
            let messages = try readFiles { dir in
                ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.lowercased().hasSuffix(".xml") }.sorted()
                    .map { "\(dir)/\($0)" }
            }
            .map { B2MMLMessage(name: $0.name, data: $0.data) }
            guard !messages.isEmpty else { throw CLIError("no B2MML message to import") }
            try await Self.apply(kindName: \.rawValue) { progress in
                try await Administration.importB2MML(databasePath: db, messages: messages, bootstrapToken: token, logger: logger, progress: progress)
            }
        }
    }

    /// The files named on the command line, a directory standing for the files `inDirectory` lists in it.
    func readFiles(inDirectory: (String) -> [String]) throws -> [(name: String, data: Data)] {
        var read: [(name: String, data: Data)] = []
        for path in files {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw CLIError("there is no file \(path)") }
            for p in isDirectory.boolValue ? inDirectory(path) : [path] {
                guard let data = FileManager.default.contents(atPath: p) else { throw CLIError("cannot read \(p)") }
                read.append((URL(fileURLWithPath: p).lastPathComponent, data))
            }
        }
        return read
    }

    /// Runs an import with progress on a terminal, then prints what it did per kind (named by `kindName`), or the
    /// refusal with every problem on standard error (exit status 1).
    static func apply(
        kindName: (CSVKind) -> String,
        _ run: (@escaping @Sendable (String) -> Void) async throws -> Administration.ConsoleImport
    ) async throws {
        let started = ContinuousClock.now
        let progress = Progress()
        let result: Administration.ConsoleImport
        do {
            result = try await console { try await run { progress.say($0) } }
        } catch let refused as ImportRefused {
            progress.done()
            FileHandle.standardError.write(Data((refused.description + "\n").utf8))
            throw ExitCode(1)
        }
        progress.done()
        if let startup = result.startup, startup.createdAdmin {
            print("new database: created the user 'admin'" + (startup.tokenFile.map { "; its token is in \($0)" } ?? " with TAKT_BOOTSTRAP_TOKEN"))
        }
        let s = result.summary
        for kind in CSVKind.allCases {
            guard let c = s.counts[kind.rawValue] else { continue }
            print(
                "\(kindName(kind).padding(toLength: 24, withPad: " ", startingAt: 0)) \(c.rows) rows: \(c.created) created, \(c.changed) changed, \(c.unchanged) unchanged"
            )
        }
        print(s.commands == 0 ? "nothing to change" : "applied \(s.commands) commands (\(s.events) events) in one transaction")
        print(String(format: "time: %.2f s", seconds(since: started)))
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// The formats `takt import` and `takt export` read and write.
enum ExchangeFormat: String, ExpressibleByArgument, CaseIterable {
    case csv
    case b2mml
}

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the plant as CSV, one file per kind, into a directory (the format takt import reads); or, with --format b2mml, "
            + "as ISA-95 B2MML V0701 messages.",
        discussion: "Reads the database only: the server may be running. Shipped sales orders, lots no longer in stock, tokens and "
            + "passwords are not exported."
    )

    @Option(help: "The SQLite database file.")
    var db = "takt.sqlite"
    @Option(help: "csv, or b2mml: OperationsPerformance.xml and MaterialInformation.xml (ISA-95 B2MML V0701).")
    var format: ExchangeFormat = .csv
    @Option(help: "With --format b2mml: MaterialInformation.xml holds only this lot and the lots it came from.")
    var lot: String?
    @Argument(help: "The directory to write into (created if missing).")
    var directory: String

    func run() async throws {
        var logger = Logger(label: "takt.export")
        logger.logLevel = .warning
        if format == .b2mml {
            let messages = try await Self.console {
                try await Administration.exportB2MML(databasePath: db, lot: lot.map { Lot.ID($0) }, logger: logger)
            }
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (message, xml) in messages {
                guard let xml else {
                    print("\(message.fileName): nothing to report, not written")
                    continue
                }
                try Data(xml.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent(message.fileName), options: .atomic)
                print("\(message.fileName.padding(toLength: 28, withPad: " ", startingAt: 0)) \(xml.utf8.count) bytes")
            }
            return
        }
        let progress = Progress()
        progress.say("reading \(db)…")
        let tables = try await Self.console { try await Administration.exportCSV(databasePath: db, logger: logger) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (kind, text) in tables {
            progress.say("writing \(kind.fileName)…")
            try Data(text.utf8).write(to: URL(fileURLWithPath: directory).appendingPathComponent(kind.fileName), options: .atomic)
        }
        progress.done()
        for (kind, text) in tables {
            let rows = (try? CSVTable.read(Data(text.utf8)).0.rows.count) ?? 0
            print("\(kind.fileName.padding(toLength: 24, withPad: " ", startingAt: 0)) \(rows) rows")
        }
        print("wrote \(tables.count) files to \(directory)")
    }
}

/// `takt bench import`: the demo plant exported to CSV and imported into an empty database (docs/benchmarks.md).
struct BenchImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "The demo plant exported to CSV, then imported into an empty database as one transaction, then imported again; "
            + "times, and whether the copy is the same plant."
    )

    @Option(help: "Demo plant scale.")
    var scale = 10
    @Option(help: "Seed of the demo plant.")
    var seed: UInt64 = 42
    @Option(help: ArgumentHelp("Where the plant's clock starts: an ISO 8601 date-time, or 'now' for the wall clock.", valueName: "date-time"))
    var clockStart: BenchClockStart = BenchClockStart(date: TaktApplication.benchmarkClockStart)
    @Option(help: "Directory for the temporary databases (default: a new temporary directory).")
    var dir: String?

    func validate() throws {
        guard (1...100).contains(scale) else { throw ValidationError("--scale must be 1 to 100") }
    }

    func run() async throws {
        let directory = dir ?? (NSTemporaryDirectory() + "takt-bench-import-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if dir == nil { try? FileManager.default.removeItem(atPath: directory) } }
        var bench = ImportBenchmark(directory: directory)
        bench.scale = scale
        bench.seed = seed
        bench.clockStart = clockStart.date
        let progress = Progress()
        let figures = try await bench.run { progress.say($0) }
        progress.done()
        for line in ImportBenchmark.report(figures, scale: scale) { print(line) }
        if !figures.samePlant { throw ExitCode(1) }
    }
}
