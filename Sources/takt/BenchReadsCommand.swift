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
