import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

/// Exactly-once handling across a crash, on a real `takt serve` process (both orchestrator lanes inside it): disruptions are
/// committed one after another and the server is killed with SIGKILL after each, at varying moments of the orchestrator's
/// work (before it reads the event, while it simulates, between its write and saving its position). Whatever the moment,
/// after the restarts every disruption has exactly one exception.
@Suite("Durability of the orchestrator")
struct OrchestratorCrashTests {
    static func call(
        _ base: String,
        token: String,
        _ method: HTTPMethod,
        _ path: String,
        _ body: String? = nil,
        key: String? = nil
    ) async throws
        -> (Int, [String: Any])
    {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let key { request.headers.add(name: "Idempotency-Key", value: key) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 64 << 20)
        let json = (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), json)
    }

    @Test(
        "Six slowdowns, the server killed with SIGKILL after each at a different moment: every slowdown has exactly one exception after the restarts"
    )
    func exactlyOnceAcrossSIGKILL() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takt-orch-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let database = dir.appendingPathComponent("plant.sqlite").path
        let token = "orchestrator-crash-admin-token"
        let arguments = ["--demo", "--clock-start", "2026-11-25T06:00:00Z"]
        var server = try ServerProcess(database: database, token: token, arguments: arguments)
        var base = "http://127.0.0.1:\(server.port)"

        let (published, schedule) = try await Self.call(base, token: token, .POST, "/api/v1/schedule/runs", #"{"iterations":150,"seed":3}"#)
        #expect(published == 201)
        var load: [String: Int] = [:]
        for step in schedule["steps"] as? [[String: Any]] ?? [] { load[step["workCenter"] as? String ?? "", default: 0] += 1 }
        let centers = load.keys.filter { !$0.isEmpty }.sorted { (load[$0] ?? 0, $1) > (load[$1] ?? 0, $0) }.prefix(6)
        try #require(centers.count == 6)

        var sources: [Int] = []
        for (k, wc) in centers.enumerated() {
            let (status, answer) = try await Self.call(
                base,
                token: token,
                .POST,
                "/api/v1/work-centers/\(wc)/machine-state",
                #"{"state":"slow","reason":"crash test \#(k)","actualRate":4,"idealRate":10}"#,
                key: "slow-\(k)"
            )
            #expect(status == 200, "\(answer)")
            let sequence = try #require((answer["events"] as? [[String: Any]])?.first?["sequence"] as? Int)
            sources.append(sequence)
            // Kill at a different point of the orchestrator's work each time: at once, then later and later.
            if k > 0 { try await Task.sleep(for: .milliseconds(60 * k)) }
            server.kill9()
            server = try ServerProcess(database: database, token: token, arguments: arguments)
            base = "http://127.0.0.1:\(server.port)"
        }
        defer { server.kill9() }

        // After the last restart the orchestrator catches up: every slowdown gets its exception, none gets two.
        var raised: [Int: Int] = [:]
        for _ in 0..<600 {  // at most 60 s
            raised = [:]
            var after = 0
            for _ in 0..<100 {
                let (_, page) = try await Self.call(base, token: token, .GET, "/api/v1/events?after=\(after)&limit=1000")
                let events = page["events"] as? [[String: Any]] ?? []
                if events.isEmpty { break }
                for e in events where ["exceptionRaised", "exceptionUpdated"].contains(e["type"] as? String ?? "") {
                    if let source = (e["data"] as? [String: Any])?["sourceSequence"] as? Int { raised[source, default: 0] += 1 }
                }
                after = events.last?["sequence"] as? Int ?? after
            }
            if sources.allSatisfy({ raised[$0] != nil }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        for source in sources {
            #expect(raised[source] == 1, "slowdown event \(source) raised \(raised[source] ?? 0) exceptions")
        }
        #expect(raised.values.allSatisfy { $0 == 1 }, "no event raised twice: \(raised.filter { $0.value > 1 })")
    }
}
