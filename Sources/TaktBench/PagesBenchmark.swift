public import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import TaktApp
import TaktCore
import TaktEngine

/// `takt bench pages`: every page of the web app rendered through the real server (HTTP on loopback, a signed-in
/// session, the demo plant with a published schedule and the exception the orchestrator raised for a real slowdown), timed
/// per request.
public struct PagesBenchmark: Sendable {
    public var scale = 1
    public var runs = 50
    /// The plant's clock starts here (nil: the wall clock); see ``TaktApplication/benchmarkClockStart``.
    public var clockStart: Date? = TaktApplication.benchmarkClockStart
    public var directory: String

    public init(directory: String) { self.directory = directory }

    public struct PageTiming: Sendable {
        public var name: String
        public var path: String
        public var medianMs: Double
        public var p99Ms: Double
        public var bytes: Int
    }

    public func run(progress: @escaping @Sendable (String) -> Void) async throws -> [PageTiming] {
        let path = directory + "/bench-pages-\(scale).sqlite"
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
        let app = TaktApplication.makeApplication(engine: engine, host: "127.0.0.1", port: 0, logger: logger, orchestrate: true) { p in
            port.withLock { $0 = p }
        }
        return try await measure(app: app, engine: engine, port: port, token: token, progress: progress)
    }

    private func measure(
        app: some ApplicationProtocol,
        engine: Engine,
        port: PortBox,
        token: String,
        progress: @escaping @Sendable (String) -> Void
    ) async throws -> [PageTiming] {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            defer { group.cancelAll() }
            var bound: Int?
            for _ in 0..<1000 {
                bound = port.withLock { $0 }
                if bound != nil { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            guard let p = bound else { throw BenchError(message: "the server did not start") }
            return try await LoopbackHTTP.withConnection(port: p) { http in
                try await measure(&http, engine: engine, token: token, progress: progress)
            }
        }
    }

    private func measure(
        _ http: inout LoopbackHTTPConnection,
        engine: Engine,
        token: String,
        progress: @escaping @Sendable (String) -> Void
    ) async throws -> [PageTiming] {
        // A published schedule (300 search iterations: the same plan on every machine).
        progress("publishing a schedule…")
        let run = try await send(&http, .POST, "/api/v1/schedule/runs", bearer: token, body: #"{"iterations":300,"seed":7}"#)
        guard run.status == 201 else { throw BenchError(message: "schedule run answered \(run.status): \(run.text.prefix(300))") }
        let (schedule, wc, lot, salesOrder) = await engine.read { s in
            (
                s.publishedSchedule, s.workCenters.keys.sorted().first?.rawValue ?? "",
                s.outputsByOrder.values.flatMap { $0 }.sorted().first?.rawValue
                    ?? s.lots.keys.sorted().first?.rawValue ?? "", s.salesOrders.keys.sorted().first?.rawValue ?? ""
            )
        }
        let productionOrder = await engine.read { s in s.productionOrders.values.filter { $0.status == .released }.map(\.id.rawValue).min() ?? "" }
        // A real disruption: the work center with the most work until tomorrow evening runs at 30 % of its rate until then
        // (the repair time maintenance reports); the orchestrator (running in the server, as in `takt serve`) raises the
        // exception with its simulated actions.
        progress("slowing down the busiest work center and waiting for the exception…")
        let now = engine.now()
        guard let busiest = schedule?.busiestWorkCenter(from: now, hours: 39) else {
            throw BenchError(message: "the published schedule has no work in the next 39 hours; choose another --clock-start")
        }
        let until = TaktJSON.formatDate(now.addingTimeInterval(39 * 3600))
        let slow = try await send(
            &http,
            .POST,
            "/api/v1/work-centers/\(busiest)/machine-state",
            bearer: token,
            body: #"{"state":"slow","actualRate":3,"idealRate":10,"reason":"worn tooling","expectedUntil":"\#(until)"}"#
        )
        guard slow.status == 200 else { throw BenchError(message: "the slowdown answered \(slow.status): \(slow.text.prefix(300))") }
        var raised: PlantException?
        for _ in 0..<600 where raised == nil {  // at most 60 s
            raised = await engine.read { $0.exceptions.values.first { $0.kind == .machineSlow } }
            if raised == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        guard let exception = raised else { throw BenchError(message: "no exception was raised for the slowdown of \(busiest) within 60 s") }
        guard let action = exception.actions.first(where: { $0.schedule != nil }) else {
            throw BenchError(
                message: "the slowdown of \(busiest) made nothing later, so no action carries a schedule to compare; choose another --clock-start"
            )
        }
        let exceptionID = exception.id.rawValue
        // A production order in the published schedule, and its first operation there (what a drag on the Gantt simulates).
        let firstStep = await engine.read {
            $0.publishedSchedule?.steps.min { ($0.start, $0.productionOrder.rawValue) < ($1.start, $1.productionOrder.rawValue) }
        }
        guard let firstStep else { throw BenchError(message: "no schedule is published to move an operation in") }
        let scheduledOrder = firstStep.productionOrder.rawValue
        let moveOperation = "\(scheduledOrder)%2F\(firstStep.sequence)"

        // Sign in as the admin (every page is open to the admin), through the sign-in form as a browser does: its nonce
        // cookie and the form's security token.
        let cookie = try await http.signIn(token: token)
        let pages: [(String, String)] = [
            ("control tower", "/tower"), ("schedule (day)", "/schedule?zoom=day"), ("schedule (week)", "/schedule?zoom=week"),
            ("schedule compare", "/schedule?zoom=week&compare=\(exceptionID)/\(action.id)"), ("exception inbox", "/exceptions"),
            ("exception detail", "/exceptions/\(exceptionID)"), ("terminal index", "/terminal"), ("terminal", "/terminal/\(wc)"),
            ("orders", "/orders"), ("order detail", "/orders/\(salesOrder)"), ("genealogy", "/genealogy?lot=\(lot)"),
            ("warehouse board", "/warehouse"), ("quality board", "/quality"), ("users & tokens", "/admin"),
            ("production orders", "/production-orders"), ("production order", "/production-orders/\(scheduledOrder)"),
            ("move an operation", "/schedule/move?op=\(moveOperation)"),
            ("traveler", "/print/orders/\(productionOrder)"), ("lot label", "/print/lots/\(lot)"), ("pick list", "/print/pick-list"),
            ("setup", "/setup"), ("setup: routings", "/setup/routings"), ("setup: work center form", "/setup/work-centers/form?id=\(wc)"),
        ]
        var timings: [PageTiming] = []
        for (index, (name, path)) in pages.enumerated() {
            var samples: [Double] = []
            var bytes = 0
            for i in 0..<(runs + 2) {
                let start = ContinuousClock.now
                let reply = try await send(&http, .GET, path, cookie: cookie)
                let elapsed = ContinuousClock.now - start
                guard reply.status == 200 else { throw BenchError(message: "\(path) answered \(reply.status)") }
                bytes = reply.body.count
                if i >= 2 { samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000) }  // 2 warm-ups
                if i % 5 == 0 { progress("page \(index + 1)/\(pages.count) \(name): \(i)/\(runs + 2)") }
            }
            samples.sort()
            let median = samples[samples.count / 2]
            let p99 = samples[min(samples.count - 1, Int((Double(samples.count) * 0.99).rounded(.up)) - 1)]
            timings.append(PageTiming(name: name, path: path, medianMs: median, p99Ms: p99, bytes: bytes))
        }
        return timings
    }

    func send(
        _ http: inout LoopbackHTTPConnection,
        _ method: HTTPMethod,
        _ path: String,
        bearer: String? = nil,
        cookie: String? = nil,
        body: String? = nil
    ) async throws -> LoopbackHTTPReply {
        var headers: [(String, String)] = []
        if let bearer { headers.append(("Authorization", "Bearer \(bearer)")) }
        if let cookie { headers.append(("Cookie", cookie)) }
        return try await http.send(method, path, headers: headers, body: body)
    }
}

/// The port the server bound, once it runs.
final class PortBox: Sendable {
    private let value = Mutex<Int?>(nil)
    func withLock<T>(_ body: (inout Int?) -> T) -> T { value.withLock { body(&$0) } }
}

struct BenchError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
