import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
public import Prometheus
import TaktEngine
import TaktHTTP
import TaktOrchestrator

/// The server's metrics in Prometheus' text format at `GET /metrics` (docs/integration.md, "Metrics and traces").
///
/// Counters and histograms are kept as things happen (the engine's commands, events and commits; the API's requests; the
/// orchestrator's reaction times); the gauges below are read when Prometheus scrapes, so they are never stale:
///
/// - `takt_log_sequence`: the last sequence number committed to the event log;
/// - `takt_orchestrator_queue_depth{lane}`: events committed that a lane of the orchestrator has not handled yet;
/// - `takt_store_size_bytes`: the database's files on disk (the SQLite file and its write-ahead log).
public struct ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics factory the engine, the API and the orchestrator record into.
    public let factory: PrometheusMetricsFactory
    /// When set, a scrape must carry `Authorization: Bearer <token>` (`TAKT_METRICS_TOKEN`).
    public let token: String?

    /// Histogram buckets for durations: from half a millisecond (a command alone) to ten seconds (a schedule run).
    public static let durationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
        .seconds(10),
    ]

    public init(token: String? = nil) {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        self.registry = registry
        self.factory = factory
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Serves `GET /metrics` on `router`: samples the gauges, then renders every series.
    /// - Parameters:
    ///   - databasePath: the SQLite file whose size is reported (nil: no size).
    func addRoute(to router: Router<TaktContext>, engine: Engine, orchestrators: [Orchestrator], databasePath: String?) {
        let registry = registry
        let sequence = registry.makeGauge(name: "takt_log_sequence", help: "The last sequence number committed to the event log.")
        let size = registry.makeGauge(name: "takt_store_size_bytes", help: "The database's files on disk (SQLite file and write-ahead log).")
        let depths = orchestrators.map { orchestrator in
            (
                orchestrator,
                registry.makeGauge(
                    name: "takt_orchestrator_queue_depth",
                    labels: [("lane", orchestrator.lane?.rawValue ?? "all")],
                    help: "Events committed that the orchestrator's lane has not handled yet."
                )
            )
        }
        let expected = token.map { Data(SHA256.hash(data: Data("Bearer \($0)".utf8))) }
        router.get("metrics") { request, _ -> Response in
            if let expected {
                let given = Data(SHA256.hash(data: Data((request.headers[.authorization] ?? "").utf8)))
                guard given == expected else {
                    return Response(
                        status: .unauthorized,
                        headers: [.wwwAuthenticate: "Bearer realm=\"takt-metrics\"", .contentType: "text/plain; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: "metrics need the token set in TAKT_METRICS_TOKEN (Authorization: Bearer …)\n"))
                    )
                }
            }
            let committed = await engine.committedSequence
            sequence.set(Double(committed))
            for (orchestrator, gauge) in depths {
                let handled = await orchestrator.handledPosition ?? committed
                gauge.set(Double(max(0, committed - handled)))
            }
            if let databasePath { size.set(Double(Self.fileBytes(databasePath))) }
            var bytes: [UInt8] = []
            registry.emit(into: &bytes)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes))
            )
        }
    }

    /// The bytes of a SQLite database on disk: its file, its write-ahead log and its shared-memory index.
    static func fileBytes(_ path: String) -> Int64 {
        ["", "-wal", "-shm"].reduce(0) { sum, suffix in
            let attributes = try? FileManager.default.attributesOfItem(atPath: path + suffix)
            return sum + ((attributes?[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }
}
