public import ArgumentParser
import Foundation
import TaktApp
import TaktBench

extension ReadSet: ExpressibleByArgument {}

/// `takt bench reads`: command latency alone and while readers loop over the heaviest reads (docs/benchmarks.md).
struct BenchReadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reads",
        abstract: "Does a heavy read delay a command? Command latency alone and while readers loop over the week Gantt, a dispatch "
            + "list and a lot trace, through the real server on the demo plant."
    )

    @Option(help: "Demo plant scale.")
    var scale = 10
    @Option(help: "Commands timed alone, and again under reads (after 5 warm-ups).")
    var commands = 200
    @Option(help: "Reader tasks, each on its own connection, looping over the heavy reads.")
    var readers = 2
    @Option(
        help: ArgumentHelp(
            "What the readers read: 'pages' (week Gantt, dispatch list, lot trace) or 'computed' (plant figures, dispatch list, production orders: the reads that computed inside the engine before the service seam)."
        )
    )
    var reads: ReadSet = .pages
    @Option(help: "Search iterations of the schedule run that publishes the plan.")
    var iterations = 200
    @Option(help: "Seed of the schedule run.")
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
        guard (1...100).contains(scale), (1...100_000).contains(commands), (1...64).contains(readers), (1...1_000_000).contains(iterations) else {
            throw ValidationError("--scale must be 1 to 100, --commands 1 to 100000, --readers 1 to 64, --iterations 1 to 1000000")
        }
    }

    func run() async throws {
        let directory = dir ?? (NSTemporaryDirectory() + "takt-bench-reads-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if dir == nil { try? FileManager.default.removeItem(atPath: directory) } }
        var bench = ReadsBenchmark(directory: directory)
        bench.scale = scale
        bench.commands = commands
        bench.readers = readers
        bench.readSet = reads
        bench.iterations = iterations
        bench.seed = seed
        bench.clockStart = clockStart.date
        let progress = Progress()
        let figures = try await bench.run { progress.say($0) }
        progress.done()
        for line in ReadsBenchmark.report(figures, scale: scale, readers: readers, reads: reads) { print(line) }
    }
}

/// `takt bench mqtt`: machine data end to end through a real Mosquitto broker (docs/benchmarks.md).
struct BenchMQTTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mqtt",
        abstract: "Machine data through a real broker: Sparkplug messages/s published → committed, and a state change on the broker → "
            + "the orchestrator's exception (median, p99), beside mosquitto_pub → mosquitto_sub.",
        discussion: "Without --mqtt it starts its own Mosquitto on a free loopback port (Debian: apt-get install mosquitto mosquitto-clients)."
    )

    @Option(help: ArgumentHelp("A broker to use instead of starting one.", valueName: "host:port"))
    var mqtt: String?
    @Option(help: "Sparkplug DDATA messages published for the ingest figure.")
    var messages = 5_000
    @Option(help: "State changes timed for the reaction figure.")
    var trials = 30
    @Option(help: "Simulated machines (the work centers with the most scheduled work first).")
    var machines = 10
    @Option(help: "Directory for the temporary database (default: a new temporary directory).")
    var dir: String?

    func validate() throws {
        if let mqtt { _ = try BrokerAddress(mqtt, option: "--mqtt") }
        guard (1...1_000_000).contains(messages), (1...10_000).contains(trials), (1...1_000).contains(machines) else {
            throw ValidationError("--messages must be 1 to 1000000, --trials 1 to 10000, --machines 1 to 1000")
        }
    }

    func run() async throws {
        let directory = dir ?? (NSTemporaryDirectory() + "takt-bench-mqtt-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if dir == nil { try? FileManager.default.removeItem(atPath: directory) } }
        var broker: Process?
        let address: BrokerAddress
        if let mqtt {
            address = try BrokerAddress(mqtt, option: "--mqtt")
        } else {
            let (process, port) = try Self.startMosquitto(directory: directory)
            broker = process
            address = try BrokerAddress("127.0.0.1:\(port)", option: "--mqtt")
        }
        defer {
            if let broker, broker.isRunning {
                broker.terminate()
                for _ in 0..<500 where broker.isRunning { usleep(10_000) }
            }
        }
        var bench = MQTTBenchmark(port: address.port, directory: directory)
        bench.host = address.host
        bench.messages = messages
        bench.trials = trials
        bench.machines = machines
        let progress = Progress()
        let figures = try await bench.run { progress.say($0) }
        progress.done()
        for line in MQTTBenchmark.report(figures, machines: machines, trials: trials) { print(line) }
    }

    /// Mosquitto on a free loopback port, ready (at most 5 s).
    static func startMosquitto(directory: String) throws -> (Process, Int) {
        guard
            let binary = ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto"].first(where: FileManager.default.isExecutableFile)
        else { throw CLIError("mosquitto is not installed (apt-get install mosquitto mosquitto-clients), or give --mqtt host:port") }
        for port in (20_000..<20_000 + 200).shuffled().prefix(20) {
            let config = directory + "/mosquitto.conf"
            try
                "listener \(port) 127.0.0.1\nallow_anonymous true\nmax_queued_messages 1000000\nmax_inflight_messages 100\n\(getuid() == 0 ? "user root\n" : "")"
                .write(toFile: config, atomically: true, encoding: .utf8)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: binary)
            p.arguments = ["-c", config]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            for _ in 0..<100 where p.isRunning {
                usleep(20_000)
                let probe = Process()
                probe.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_pub")
                probe.arguments = ["-h", "127.0.0.1", "-p", String(port), "-t", "takt/bench/probe", "-m", "x"]
                probe.standardError = FileHandle.nullDevice
                try? probe.run()
                for _ in 0..<400 where probe.isRunning { usleep(5_000) }
                if probe.terminationStatus == 0 { return (p, port) }
            }
            if p.isRunning { p.terminate() }
        }
        throw CLIError("could not start mosquitto on a free loopback port")
    }
}
