import Foundation
import NIOHTTP1
import TaktApp
import TaktCore
import TaktEngine
import TaktTestSupport
import Testing

/// `GET /metrics`: what Prometheus scrapes, counted as things happen and read as the text format says.
@Suite struct MetricsTests {
    /// A server as `takt serve` builds it, with metrics, on a SQLite file, in process.
    static func withServer<T: Sendable>(
        token: String? = nil,
        metrics enabled: Bool = true,
        _ body: @Sendable (TestConnection, Engine, String) async throws -> T
    ) async throws -> T {
        let clock = TestClock()
        let path = TestPlant.temporaryDatabasePath()
        let metrics = enabled ? ServerMetrics(token: token) : nil
        let engine = try await TaktApplication.openEngine(databasePath: path, logger: TestPlant.quietLogger, now: clock.read, metrics: metrics)
        _ = try await TaktApplication.prepare(
            engine: engine,
            configuration: ServerConfiguration(databasePath: path, demo: true, bootstrapToken: TestPlant.adminToken),
            now: TestPlant.demoDay,
            logger: TestPlant.quietLogger
        )
        return try await TestConnection.run(
            .router,
            app: { running in
                TaktApplication.makeApplication(
                    engine: engine,
                    host: "127.0.0.1",
                    port: 0,
                    logger: TestPlant.quietLogger,
                    orchestrate: true,
                    metrics: metrics,
                    databasePath: path,
                    onServerRunning: running
                )
            },
            body: { try await body($0, engine, path) }
        )
    }

    static let admin = [("Authorization", "Bearer \(TestPlant.adminToken)")]

    static func command(_ connection: TestConnection, _ json: String) async throws -> Int {
        try await connection.send(.POST, "/api/v1/commands", headers: admin + [("Content-Type", "application/json")], body: Data(json.utf8)).status
    }

    static func scrape(_ connection: TestConnection, headers: [(String, String)] = []) async throws -> Exposition {
        let reply = try await connection.send(.GET, "/metrics", headers: headers)
        #expect(reply.status == 200)
        #expect(reply.headers.first(name: "Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        return try Exposition(String(decoding: reply.body, as: UTF8.self))
    }

    @Test func commandsAreCountedByTypeAndOutcomeAndRequestsByRouteTemplate() async throws {
        try await Self.withServer { connection, engine, _ in
            let before = try await Self.scrape(connection)
            let state = await engine.snapshot()
            let item = try #require(state.productionOrders.values.map(\.item).sorted().first)
            let accepted = #"{"type":"createProductionOrder","data":{"id":"PO-METRICS-1","item":"\#(item)","quantity":5,"dueDate":"2026-12-01"}}"#
            #expect(try await Self.command(connection, accepted) == 201)
            let refused = #"{"type":"createProductionOrder","data":{"id":"PO-METRICS-2","item":"\#(item)","quantity":-1,"dueDate":"2026-12-01"}}"#
            #expect(try await Self.command(connection, refused) == 422)
            for wc in state.workCenters.keys.sorted().prefix(3) {
                _ = try await connection.send(.GET, "/api/v1/work-centers/\(wc)/dispatch-list", headers: Self.admin)
            }
            _ = try await connection.send(.GET, "/no/such/page/\(UUID().uuidString)")
            let after = try await Self.scrape(connection)

            let acceptedLabels = ["command": "createProductionOrder", "outcome": "accepted"]
            let refusedLabels = ["command": "createProductionOrder", "outcome": "refused"]
            #expect(after.value("takt_commands_total", acceptedLabels) == (before.value("takt_commands_total", acceptedLabels) ?? 0) + 1)
            #expect(after.value("takt_commands_total", refusedLabels) == (before.value("takt_commands_total", refusedLabels) ?? 0) + 1)
            // The demo plant went through the same engine: its commands are counted too.
            #expect((before.value("takt_commands_total", ["command": "defineWorkCenter", "outcome": "accepted"]) ?? 0) >= 1)
            #expect(after.value("takt_log_sequence", [:]) == Double(await engine.committedSequence))
            #expect((after.value("takt_events_appended_total", [:]) ?? 0) > (before.value("takt_events_appended_total", [:]) ?? 0))
            #expect((after.value("takt_store_size_bytes", [:]) ?? 0) > 0)

            // Requests by the route's template, never the path a client sent.
            let dispatch = ["route": "/api/v1/work-centers/{id}/dispatch-list", "method": "GET", "status": "2xx"]
            #expect(after.value("takt_http_requests_total", dispatch) == 3)
            #expect(after.value("takt_http_requests_total", ["route": "unmatched", "method": "GET", "status": "4xx"]) == 1)
            #expect(!after.samples.contains { $0.labels.values.contains { $0.contains("PO-METRICS") || $0.contains("/no/such") } })
            let commands = ["route": "/api/v1/commands", "method": "POST", "status": "4xx"]
            #expect(after.value("takt_http_requests_total", commands) == 1)

            // A histogram's buckets are cumulative and end in +Inf, which equals its count.
            let buckets = after.samples.filter {
                $0.name == "takt_http_request_duration_seconds_bucket" && $0.labels["route"] == "/api/v1/work-centers/{id}/dispatch-list"
            }
            #expect(buckets.count == ServerMetrics.durationBuckets.count + 1)
            #expect(zip(buckets, buckets.dropFirst()).allSatisfy { $0.value <= $1.value })
            #expect(buckets.last?.labels["le"] == "+Inf")
            let count = after.value(
                "takt_http_request_duration_seconds_count",
                ["route": "/api/v1/work-centers/{id}/dispatch-list", "method": "GET"]
            )
            #expect(buckets.last?.value == count)
            #expect(count == 3)
            // Every lane's queue depth is there; commit times were recorded.
            #expect(after.value("takt_orchestrator_queue_depth", ["lane": "urgent"]) != nil)
            #expect(after.value("takt_orchestrator_queue_depth", ["lane": "routine"]) != nil)
            #expect((after.value("takt_store_commit_duration_seconds_count", [:]) ?? 0) >= 1)
        }
    }

    @Test func aScrapeNeedsTheTokenWhenOneIsSet() async throws {
        try await Self.withServer(token: "scrape-secret-0123") { connection, _, _ in
            let bare = try await connection.send(.GET, "/metrics")
            #expect(bare.status == 401)
            #expect(bare.headers.first(name: "WWW-Authenticate")?.contains("Bearer") == true)
            #expect(try await connection.send(.GET, "/metrics", headers: [("Authorization", "Bearer wrong")]).status == 401)
            // An API token is not the scrape token.
            #expect(try await connection.send(.GET, "/metrics", headers: Self.admin).status == 401)
            let exposition = try await Self.scrape(connection, headers: [("Authorization", "Bearer scrape-secret-0123")])
            #expect(exposition.value("takt_log_sequence", [:]) != nil)
        }
    }

    @Test func withoutMetricsThereIsNoMetricsPage() async throws {
        try await Self.withServer(metrics: false) { connection, _, _ in
            let reply = try await connection.send(.GET, "/metrics")
            #expect(reply.status == 404)
        }
    }
}

/// Prometheus' text exposition format, read strictly enough for a test: `name{label="value",…} number` lines, `#` comments.
struct Exposition {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    var samples: [Sample] = []

    init(_ text: String) throws {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "),
                let value = Double(line[line.index(after: space)...].replacingOccurrences(of: "+Inf", with: "inf"))
            else { throw TestSupportError("not a sample line: \(line)") }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else {
                samples.append(Sample(name: String(series), labels: [:], value: value))
                continue
            }
            var labels: [String: String] = [:]
            let body = series[series.index(after: brace)..<(series.lastIndex(of: "}") ?? series.endIndex)]
            // Label values in Takt's series hold no commas or quotes (route templates, wire names, lanes).
            for pair in body.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { throw TestSupportError("not a label: \(pair) in \(line)") }
                labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
            }
            samples.append(Sample(name: String(series[..<brace]), labels: labels, value: value))
        }
    }

    /// The value of the one sample of `name` whose labels are exactly `labels` (nil: none).
    func value(_ name: String, _ labels: [String: String]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }
}
