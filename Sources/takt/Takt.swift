import ArgumentParser
import Foundation
import Logging
import TaktApp
import TaktBench
import TaktCore
import TaktHTTP
import TaktMQTT
import TaktMachineData

@main
struct Takt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "takt",
        abstract: "Takt: manufacturing operations orchestration.",
        version: TaktApplication.version,
        subcommands: [
            Serve.self, Bench.self, ScheduleCommand.self, Check.self, Admin.self, Audit.self, OpenAPICommand.self, ImportCommand.self,
            ExportCommand.self, MCPCommand.self, SimulateCommand.self, BridgeCommand.self,
        ]
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Takt server (HTTP API) on an embedded SQLite database.")

    @Option(help: "The SQLite database file (created if missing).")
    var db = "takt.sqlite"
    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"
    @Option(help: "The TCP port (0 picks a free one).")
    var port = 8080
    @Flag(help: "Mark the web app's cookies Secure: set this when browsers reach Takt over HTTPS (directly or through a TLS proxy).")
    var secureCookies = false
    @Flag(help: "On an empty database, generate the demo plant (a pump manufacturer).")
    var demo = false
    @Option(help: "Seed of the demo plant generator.")
    var seed: UInt64 = 42
    @Option(help: "Size of the demo plant: 1 ≈ 12 work centers, 40 items, 60 production orders; N is N times that.")
    var scale = 1
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "info"
    @Option(help: "Log format: text (one line for people) or json (one JSON object per line, for a log shipper).")
    var logFormat = "text"
    @Option(
        help: ArgumentHelp(
            "For demos, training and tests on a throwaway database: the plant's clock starts at this instant and runs on from there.",
            discussion: "An ISO 8601 date-time, e.g. 2026-11-25T06:00:00Z. Every event is recorded at this clock's time.",
            valueName: "date-time"
        )
    )
    var clockStart: String?
    @Option(
        help: ArgumentHelp(
            "Close a connection with nothing to read for this many seconds (between requests, while a request's head or body arrives).",
            valueName: "seconds"
        )
    )
    var idleTimeout = 30
    @Option(help: ArgumentHelp("Answer 408 and close when a request body is still arriving this many seconds after it began.", valueName: "seconds"))
    var bodyTimeout = 60
    @Flag(
        help:
            "Do not serve Prometheus metrics at /metrics (served by default; TAKT_METRICS_TOKEN, when set, is the bearer token a scrape must carry)."
    )
    var noMetrics = false
    @Option(
        help: ArgumentHelp(
            "Send OpenTelemetry traces (a span per request) over OTLP/HTTP to this collector, e.g. http://127.0.0.1:4318. Off by default.",
            discussion: "OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT in the environment also turn traces on.",
            valueName: "url"
        )
    )
    var otlpEndpoint: String?
    @Flag(
        name: .customLong("no-webhooks"),
        help: "Do not deliver webhooks (subscriptions are kept; delivery resumes where it stopped when started without it)."
    )
    var noWebhooks = false
    @Flag(help: "Webhook subscriptions may only name this machine (localhost, 127.0.0.1, ::1): for tests and demos.")
    var webhooksLoopbackOnly = false
    @Option(
        help: ArgumentHelp(
            "Watch this folder for incoming documents: a file put in its certificate-of-analysis/, delivery-note/ or customer-order/ "
                + "folder is received (then moved to processed/, or to rejected/ beside NAME.error.txt).",
            valueName: "dir"
        )
    )
    var documentsFolder: String?
    @Option(help: "Seconds between two scans of --documents-folder.")
    var documentsInterval = 5
    @OptionGroup var machineData: MachineDataOptions
    @Flag(help: "Simulate the plant's machines on the --mqtt broker (Sparkplug B: running, micro-stops, a slowdown, a breakdown).")
    var simulate = false
    @Option(help: "The machine simulation's seed.")
    var simulateSeed: UInt64 = 1

    func validate() throws {
        guard (1...3600).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be from 1 to 3600 seconds (got \(idleTimeout))") }
        guard (1...3600).contains(bodyTimeout) else { throw ValidationError("--body-timeout must be from 1 to 3600 seconds (got \(bodyTimeout))") }
        if let clockStart, TaktJSON.parseDate(clockStart) == nil {
            throw ValidationError("--clock-start must be an ISO 8601 date-time such as 2026-11-25T06:00:00Z (got '\(clockStart)')")
        }
        guard (1...3600).contains(documentsInterval) else {
            throw ValidationError("--documents-interval must be from 1 to 3600 seconds (got \(documentsInterval))")
        }
        guard (1...1000).contains(scale) else { throw ValidationError("--scale must be from 1 to 1000 (got \(scale))") }
        if simulate, machineData.mqtt == nil { throw ValidationError("--simulate publishes to the --mqtt broker: give --mqtt host:port too") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535 (got \(port))") }
        if let otlpEndpoint, let problem = TraceExport.problem(with: otlpEndpoint) { throw ValidationError(problem) }
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format must be text or json (got '\(logFormat)')") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of: trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let json = logFormat == "json"
        LoggingSystem.bootstrap { label in
            if json {
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "takt")
        let token = ProcessInfo.processInfo.environment["TAKT_BOOTSTRAP_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let configuration = ServerConfiguration(
            databasePath: db,
            host: host,
            port: port,
            demo: demo,
            seed: seed,
            scale: scale,
            bootstrapToken: token,
            clockStart: clockStart.flatMap(TaktJSON.parseDate),
            secureCookies: secureCookies,
            timeouts: HTTPTimeouts(idle: .seconds(idleTimeout), body: .seconds(bodyTimeout)),
            metrics: !noMetrics,
            metricsToken: ProcessInfo.processInfo.environment["TAKT_METRICS_TOKEN"],
            otlpEndpoint: otlpEndpoint,
            webhooks: !noWebhooks,
            webhooksLoopbackOnly: webhooksLoopbackOnly,
            languageModel: try languageModel(),
            documentsFolder: documentsFolder,
            documentsInterval: .seconds(documentsInterval),
            machineData: try machineData.broker().map {
                MachineDataConfiguration(
                    broker: $0,
                    subscribe: machineData.mqttSubscribe,
                    simulate: simulate,
                    simulateSeed: simulateSeed,
                    sparkplugHostID: machineData.sparkplugHostId
                )
            }
        )
        if let model = configuration.languageModel as? OpenAIChatModel {
            logger.info("the language front door asks \(model.name) at \(model.endpoint) what the offline parser does not understand")
        }
        do {
            try await TaktApplication.serve(configuration, logger: logger) { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        } catch  where ListenFailure.isAddressInUse(error) {
            throw CLIError("port \(port) on \(host) is already in use: stop the other server or choose another --port")
        }
    }
}

extension Serve {
    /// The model `TAKT_LLM_URL` configures, or nil; a malformed URL stops start-up with its reason.
    func languageModel() throws -> OpenAIChatModel? {
        do { return try OpenAIChatModel.fromEnvironment() } catch let error as ConsoleError { throw CLIError(error.message) }
    }
}

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks; each prints its figures and ends with one JSON line.",
        subcommands: [
            BenchIngestCommand.self, BenchJSSPCommand.self, BenchRepairCommand.self, BenchTraceCommand.self, BenchReactCommand.self,
            BenchPagesCommand.self, BenchReadsCommand.self, BenchImportCommand.self, BenchMQTTCommand.self,
        ]
    )
}

struct BenchIngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Commands per second appended durably (single and batched), next to raw SQLite inserts."
    )

    @Option(help: "Commands submitted one per transaction, per round.")
    var single = 1_000
    @Option(help: "Commands submitted in batches, per round.")
    var batched = 20_000
    @Option(help: "Commands per batch (one transaction each).")
    var batchSize = 500
    @Option(help: "Rounds; the figures are medians.")
    var rounds = 3
    @Option(help: "Demo plant scale to ingest into.")
    var scale = 1
    @Option(help: "Directory for the temporary databases (default: a new temporary directory).")
    var dir: String?
    @Flag(help: "Count commands, events and commits into a Prometheus registry, as takt serve does.")
    var metrics = false

    func validate() throws {
        guard single >= 1, batched >= 1, batchSize >= 1, rounds >= 1, (1...100).contains(scale) else {
            throw ValidationError("--single, --batched, --batch-size and --rounds must be at least 1, --scale 1 to 100")
        }
    }

    func run() async throws {
        let directory = dir ?? (NSTemporaryDirectory() + "takt-bench-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var bench = IngestBenchmark(directory: directory)
        bench.singleCommands = single
        bench.batchCommands = batched
        bench.batchSize = batchSize
        bench.rounds = rounds
        bench.scale = scale
        bench.metrics = metrics
        let progress = Progress()
        let f = try await bench.run { progress.say($0) }
        progress.done()
        if dir == nil { try? FileManager.default.removeItem(atPath: directory) }
        print("ingest (SQLite WAL, synchronous=FULL, demo scale \(scale), \(rounds) rounds, medians\(metrics ? ", metrics on" : ""))")
        print(String(format: "  single command per transaction   %10.0f commands/s", f.singlePerSecond))
        print(String(format: "  batches of %-5d                  %10.0f commands/s", batchSize, f.batchPerSecond))
        print(String(format: "  raw SQLite, batches of %-5d      %10.0f rows/s (%d-byte payload)", batchSize, f.rawPerSecond, f.payloadBytes))
        print(String(format: "  raw SQLite, one row/transaction  %10.0f rows/s", f.rawSinglePerSecond))
        print(String(format: "  batch / raw                      %10.2f", f.batchPerSecond / max(f.rawPerSecond, 1)))
        print(
            String(
                format:
                    "{\"batch_per_second\": %.0f, \"single_per_second\": %.0f, \"raw_sqlite_per_second\": %.0f, \"raw_sqlite_single_per_second\": %.0f, \"batch_size\": %d, \"payload_bytes\": %d, \"metrics\": %d}",
                f.batchPerSecond,
                f.singlePerSecond,
                f.rawPerSecond,
                f.rawSinglePerSecond,
                batchSize,
                f.payloadBytes,
                metrics ? 1 : 0
            )
        )
    }
}

struct BenchTraceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Lot trace times, backward and forward, on a plant of many lots built in memory."
    )

    @Option(help: "Lots in the plant, spread evenly over the BOM levels.")
    var lots = 1_000_000
    @Option(help: "BOM levels: one purchased, the rest made.")
    var levels = 8
    @Option(help: "Seed of the plant and of the lots traced.")
    var seed: UInt64 = 1
    @Option(help: "Traces timed in each direction.")
    var samples = 1_000

    func validate() throws {
        guard lots >= levels, (2...20).contains(levels), samples >= 1 else {
            throw ValidationError("--levels must be 2 to 20, --lots at least --levels, --samples at least 1")
        }
    }

    func run() async throws {
        var bench = TraceBenchmark()
        bench.lots = lots
        bench.levels = levels
        bench.seed = seed
        bench.samples = samples
        let progress = Progress()
        let figures = bench.run { progress.say($0) }
        progress.done()
        for line in figures.report { print(line) }
    }
}

struct BenchReactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "react",
        abstract: "Orchestrator reaction time: disruptive events committed one at a time on the demo plant, each timed from its "
            + "commit to the commit of the exception it raises."
    )

    @Option(help: "Demo plant scale (1 ≈ 12 work centers, 60 production orders).")
    var scale = 1
    @Option(help: "Disruptive events to commit, one at a time.")
    var events = 20
    @Option(
        help:
            "Then a burst, all committed at once: a schedule publish, this many promises (routine) and --burst-urgent machines down or slow; 0: no burst."
    )
    var burst = 0
    @Option(help: "Urgent events in the burst (machines down or slow), each timed to its exception.")
    var burstUrgent = 5
    @Option(help: "Seed of the choice of events and targets.")
    var seed: UInt64 = 1
    @Option(
        help: ArgumentHelp(
            "Where the plant's clock starts: an ISO 8601 date-time, or 'now' for the wall clock.",
            discussion: "Default: 2026-11-25T06:00:00Z, a Wednesday morning, so runs on any day see the same shifts and work.",
            valueName: "date-time"
        )
    )
    var clockStart: BenchClockStart = BenchClockStart(date: TaktApplication.benchmarkClockStart)
    @Option(help: "Directory for the temporary database (default: a new temporary directory).")
    var dir: String?

    func validate() throws {
        guard (1...100).contains(scale), (1...10_000).contains(events) else {
            throw ValidationError("--scale must be 1 to 100, --events 1 to 10000")
        }
        guard (0...10_000).contains(burst), (1...100).contains(burstUrgent) else {
            throw ValidationError("--burst must be 0 to 10000, --burst-urgent 1 to 100")
        }
    }

    func run() async throws {
        let directory = dir ?? (NSTemporaryDirectory() + "takt-bench-react-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if dir == nil { try? FileManager.default.removeItem(atPath: directory) } }
        var bench = ReactBenchmark(directory: directory)
        bench.scale = scale
        bench.events = events
        bench.burst = burst
        bench.burstUrgent = burstUrgent
        bench.seed = seed
        bench.clockStart = clockStart.date
        let progress = Progress()
        do {
            let figures = try await bench.run { progress.say($0) }
            progress.done()
            for line in figures.report { print(line) }
        } catch let failure as ReactBenchmark.Failure {
            progress.done()
            throw CLIError(failure.description)
        }
    }
}

struct BenchPagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pages",
        abstract: "Every web page rendered through the real server on the demo plant: median and p99 per page (target: p99 ≤ 300 ms)."
    )

    @Option(help: "Demo plant scale.")
    var scale = 1
    @Option(help: "Requests per page (after 2 warm-ups).")
    var runs = 50
    @Option(
        help: ArgumentHelp(
            "Where the plant's clock starts: an ISO 8601 date-time, or 'now' for the wall clock.",
            discussion: "Default: 2026-11-25T06:00:00Z, a Wednesday morning, so runs on any day see the same shifts and work.",
            valueName: "date-time"
        )
    )
    var clockStart: BenchClockStart = BenchClockStart(date: TaktApplication.benchmarkClockStart)
    @Option(help: "Directory for the temporary database (default: a new temporary directory).")
    var dir: String?

    func validate() throws {
        guard (1...100).contains(scale), (1...10_000).contains(runs) else { throw ValidationError("--scale must be 1 to 100, --runs 1 to 10000") }
    }

    func run() async throws {
        let directory = dir ?? (NSTemporaryDirectory() + "takt-bench-pages-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var bench = PagesBenchmark(directory: directory)
        bench.scale = scale
        bench.runs = runs
        bench.clockStart = clockStart.date
        let progress = Progress()
        let timings = try await bench.run { progress.say($0) }
        progress.done()
        if dir == nil { try? FileManager.default.removeItem(atPath: directory) }
        print("web pages through the real server (demo scale \(scale), \(runs) requests per page, HTTP on loopback)")
        print("  page                 median ms    p99 ms    KiB")
        for t in timings {
            print(
                "  " + t.name.padding(toLength: 20, withPad: " ", startingAt: 0)
                    + String(format: " %9.1f %9.1f %6.0f", t.medianMs, t.p99Ms, Double(t.bytes) / 1024)
            )
        }
        let maxP99 = timings.map(\.p99Ms).max() ?? 0
        print(
            String(
                format: "{\"pages\": %d, \"max_p99_ms\": %.1f, \"max_median_ms\": %.1f, \"scale\": %d, \"runs\": %d}",
                timings.count,
                maxP99,
                timings.map(\.medianMs).max() ?? 0,
                scale,
                runs
            )
        )
    }
}

/// `--clock-start` of a benchmark: a date-time, or `now` (the wall clock).
struct BenchClockStart: ExpressibleByArgument, Sendable {
    var date: Date?
    init(date: Date?) { self.date = date }
    init?(argument: String) {
        if argument == "now" {
            date = nil
        } else if let d = TaktJSON.parseDate(argument) {
            date = d
        } else {
            return nil
        }
    }
    var defaultValueDescription: String { date.map(TaktJSON.formatDate) ?? "now" }
}

/// Progress lines on a terminal (stderr), nothing when stderr is not a terminal.
final class Progress: Sendable {
    let enabled = isatty(2) == 1
    func say(_ line: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
    }
    func done() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}

/// An error for the command line: printed as its message.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

/// `host:port` of an MQTT broker, checked.
struct BrokerAddress {
    var host: String
    var port: Int
    init(_ text: String, option: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else {
            throw ValidationError("\(option) must be host:port, e.g. 127.0.0.1:1883 (got '\(text)')")
        }
        host = String(parts[0])
        self.port = port
    }
}
