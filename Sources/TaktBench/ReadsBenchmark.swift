public import Foundation
import Hummingbird
import Logging
import NIOHTTP1
import Synchronization
import TaktApp
import TaktCore
import TaktEngine

/// `takt bench reads`: does a heavy read delay a command? On the demo plant with a published schedule, served by the real
/// application on loopback, a cheap command (a new skill) is submitted one after the other through `POST /api/v1/commands`,
/// first alone, then while reader tasks loop over the heaviest reads: the web app's week Gantt, the busiest work
/// center's dispatch list and a lot's trace. Each command and each read is timed from request to whole answer.
///
/// It uses only `TaktApplication.openEngine`, `prepare` and `makeApplication` and HTTP, so the same file measures older
/// code too.
public struct ReadsBenchmark: Sendable {
    public var scale = 10
    /// Commands timed in each phase (alone, then under reads), after a few warm-ups.
    public var commands = 200
    /// Reader tasks, each on its own connection.
    public var readers = 2
    /// Which reads the readers loop over.
    public var readSet = ReadSet.pages
    /// The schedule run that publishes the plan the reads show (search iterations and seed: the same plan on every machine).
    public var iterations = 200
    public var seed: UInt64 = 1
    /// The plant's clock starts here (nil: the wall clock); see ``TaktApplication/benchmarkClockStart``.
    public var clockStart: Date? = TaktApplication.benchmarkClockStart
    public var directory: String

    public init(directory: String) { self.directory = directory }

    /// Every timing, in milliseconds.
    public struct Figures: Sendable {
        public var commandAlone: [Double] = []
        public var commandUnderReads: [Double] = []
        /// Every read during the second phase, by page name.
        public var reads: [String: [Double]] = [:]
        public var readsPerSecond: Double = 0
        /// Steps in the published schedule (what the Gantt and the dispatch list show).
        public var scheduledSteps = 0
        public var pages: [(name: String, path: String)] = []
        public var allReads: [Double] { reads.values.flatMap { $0 } }
    }

    public func run(progress: @escaping @Sendable (String) -> Void) async throws -> Figures {
        let path = directory + "/bench-reads-\(scale).sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        let token = Engine.newTokenSecret()
        progress("generating the demo plant at scale \(scale)…")
        let engine = try await TaktApplication.openEngine(databasePath: path, logger: logger, now: TaktApplication.clock(startingAt: clockStart))
        _ = try await TaktApplication.prepare(
            engine: engine,
            configuration: ServerConfiguration(databasePath: path, demo: true, scale: scale, bootstrapToken: token),
            now: engine.now(),
            logger: logger
        )
        let port = PortBox()
        // No orchestrator: the commands timed here raise no exception, and its work would only add noise.
        let app = TaktApplication.makeApplication(engine: engine, host: "127.0.0.1", port: 0, logger: logger) { p in
            port.withLock { $0 = p }
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            defer { group.cancelAll() }
            var bound: Int?
            for _ in 0..<1000 {
                bound = port.withLock { $0 }
                if bound != nil { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            guard let p = bound else { throw BenchError(message: "the server did not start") }
            return try await measure(port: p, engine: engine, token: token, progress: progress)
        }
    }

    private func measure(port: Int, engine: Engine, token: String, progress: @escaping @Sendable (String) -> Void) async throws -> Figures {
        var figures = Figures()
        let bearer = [("Authorization", "Bearer \(token)")]
        // The publication, the choice of pages and the sign-in, on one connection.
        let (pages, cookie) = try await LoopbackHTTP.withConnection(port: port) { http in
            progress("publishing a schedule (\(iterations) iterations)…")
            let run = try await http.send(.POST, "/api/v1/schedule/runs", headers: bearer, body: #"{"iterations":\#(iterations),"seed":\#(seed)}"#)
            guard run.status == 201 else { throw BenchError(message: "the schedule run answered \(run.status): \(run.text.prefix(300))") }
            let now = engine.now()
            let (steps, busiest, lot) = await engine.read { s in
                (
                    s.publishedSchedule?.steps.count ?? 0, s.publishedSchedule?.busiestWorkCenter(from: now, hours: 7 * 24)?.rawValue,
                    s.outputsByOrder.values.flatMap { $0 }.sorted().first?.rawValue ?? s.lots.keys.sorted().first?.rawValue
                )
            }
            guard let busiest else {
                throw BenchError(message: "the published schedule has no work in the coming week; choose another --clock-start")
            }
            var pages: [(name: String, path: String)]
            switch readSet {
            case .pages:
                pages = [
                    ("schedule (week)", "/schedule?zoom=week"),
                    ("dispatch list", "/api/v1/work-centers/\(busiest)/dispatch-list"),
                ]
                if let lot { pages.append(("lot trace", "/api/v1/lots/\(lot)/trace?direction=backward")) }
            case .computed:
                pages = [
                    ("plant figures", "/api/v1/kpis"),
                    ("dispatch list", "/api/v1/work-centers/\(busiest)/dispatch-list"),
                    ("production orders", "/api/v1/production-orders?limit=500"),
                ]
            }
            figures.scheduledSteps = steps
            let cookie = try await http.signIn(token: token)
            return (pages, cookie)
        }
        figures.pages = pages
        let readHeaders = [("Cookie", cookie), ("Authorization", "Bearer \(token)")]

        // Phase 1: commands alone. Phase 2: the same commands while the readers loop.
        let commands = self.commands
        func command(_ http: inout LoopbackHTTPConnection, _ n: Int) async throws -> Double {
            let body = #"{"type":"defineSkill","data":{"id":"BENCH-SKILL-\#(n)","name":"Bench skill \#(n)"}}"#
            let start = ContinuousClock.now
            let reply = try await http.send(.POST, "/api/v1/commands", headers: bearer, body: body)
            let ms = milliseconds(ContinuousClock.now - start)
            guard reply.status == 201 else { throw BenchError(message: "the command answered \(reply.status): \(reply.text.prefix(300))") }
            return ms
        }
        figures.commandAlone = try await LoopbackHTTP.withConnection(port: port) { http in
            for n in 1...5 { _ = try await command(&http, n) }  // warm-ups
            var samples: [Double] = []
            for i in 0..<commands {
                samples.append(try await command(&http, 6 + i))
                if i % 20 == 0 { progress("commands alone: \(i)/\(commands)") }
            }
            return samples
        }

        let shared = ReadersShared()
        let readers = self.readers
        let began = ContinuousClock.now
        let (underReads, reads, readSeconds) = try await withThrowingTaskGroup(of: [String: [Double]].self) { group in
            for r in 0..<readers {
                group.addTask {
                    try await LoopbackHTTP.withConnection(port: port) { http in
                        var samples: [String: [Double]] = [:]
                        // Bounded: at most a million reads per reader; the commands end long before.
                        for i in 0..<1_000_000 where !shared.stop.load(ordering: .relaxed) {
                            let page = pages[(i + r) % pages.count]
                            let start = ContinuousClock.now
                            let reply = try await http.send(.GET, page.path, headers: readHeaders)
                            let ms = milliseconds(ContinuousClock.now - start)
                            guard reply.status == 200 else {
                                throw BenchError(message: "\(page.path) answered \(reply.status): \(reply.text.prefix(300))")
                            }
                            samples[page.name, default: []].append(ms)
                            shared.reads.add(1, ordering: .relaxed)
                        }
                        return samples
                    }
                }
            }
            // The readers are under way (each has finished a read) before the first timed command; at most 10 minutes.
            for _ in 0..<60_000 where shared.reads.load(ordering: .relaxed) < readers { try await Task.sleep(for: .milliseconds(10)) }
            let timed: [Double]
            do {
                timed = try await LoopbackHTTP.withConnection(port: port) { http in
                    var samples: [Double] = []
                    for i in 0..<commands {
                        samples.append(try await command(&http, 6 + commands + i))
                        if i % 10 == 0 {
                            progress("commands under \(readers) readers: \(i)/\(commands), \(shared.reads.load(ordering: .relaxed)) reads")
                        }
                    }
                    return samples
                }
            } catch {
                shared.stop.store(true, ordering: .relaxed)
                throw error
            }
            shared.stop.store(true, ordering: .relaxed)
            let seconds = milliseconds(ContinuousClock.now - began) / 1000
            var reads: [String: [Double]] = [:]
            for try await samples in group { reads.merge(samples) { $0 + $1 } }
            return (timed, reads, seconds)
        }
        figures.commandUnderReads = underReads
        figures.reads = reads
        figures.readsPerSecond = Double(reads.values.map(\.count).reduce(0, +)) / max(readSeconds, 1e-9)
        return figures
    }

    /// The report: a table of medians and p99, then one JSON line.
    public static func report(_ f: Figures, scale: Int, readers: Int, reads: ReadSet = .pages) -> [String] {
        func row(_ name: String, _ values: [Double]) -> String {
            "  " + name.padding(toLength: 28, withPad: " ", startingAt: 0)
                + String(format: " %9.1f %9.1f %9.1f %7d", quantile(values, 0.5), quantile(values, 0.99), values.max() ?? 0, values.count)
        }
        var lines = [
            "commands beside heavy reads (demo scale \(scale), \(f.scheduledSteps) scheduled steps, \(readers) readers, reads: \(reads.rawValue), HTTP on loopback)",
            "                               median ms    p99 ms    max ms   count",
            row("command alone", f.commandAlone),
            row("command under reads", f.commandUnderReads),
            row("read (all pages)", f.allReads),
        ]
        for page in f.pages { lines.append(row("read: " + page.name, f.reads[page.name] ?? [])) }
        lines.append(String(format: "  reads per second            %9.1f", f.readsPerSecond))
        lines.append(
            String(
                format: "{\"command_alone_p50_ms\": %.2f, \"command_alone_p99_ms\": %.2f, \"command_under_reads_p50_ms\": %.2f, "
                    + "\"command_under_reads_p99_ms\": %.2f, \"read_p50_ms\": %.1f, \"read_p99_ms\": %.1f, \"reads_per_s\": %.1f, "
                    + "\"scale\": %d, \"readers\": %d, \"commands\": %d, \"reads\": \"" + reads.rawValue + "\"}",
                quantile(f.commandAlone, 0.5),
                quantile(f.commandAlone, 0.99),
                quantile(f.commandUnderReads, 0.5),
                quantile(f.commandUnderReads, 0.99),
                quantile(f.allReads, 0.5),
                quantile(f.allReads, 0.99),
                f.readsPerSecond,
                scale,
                readers,
                f.commandAlone.count
            )
        )
        return lines
    }
}

/// The reads the reader tasks loop over.
public enum ReadSet: String, CaseIterable, Sendable {
    /// What a person looks at: the web app's week Gantt, the busiest work center's dispatch list, a lot's backward trace.
    case pages
    /// Reads that computed their answer inside the engine actor before the service seam (issue 14): the plant's figures
    /// (`/api/v1/kpis`, OEE over every work center and on-time over every order), the busiest work center's dispatch
    /// list, and the list of production orders.
    case computed
}

/// What the reader tasks and the commander share: when to stop, and how many reads are done.
final class ReadersShared: Sendable {
    let stop = Atomic(false)
    let reads = Atomic(0)
}

/// The `q` quantile of `values` (nearest rank); 0 for none.
func quantile(_ values: [Double], _ q: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * q).rounded(.up)) - 1))]
}

private func milliseconds(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}
