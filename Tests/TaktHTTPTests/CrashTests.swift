import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `takt` executable built beside this test bundle.
func taktExecutable() throws -> URL {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = dir.appendingPathComponent("takt")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    Issue.record("the takt executable is not built beside the tests (\(CommandLine.arguments[0])); run the README's test command")
    throw CancellationError()
}

/// A `takt serve` child process on a free port.
final class ServerProcess: Sendable {
    let process: Process
    let port: Int

    init(database: String, token: String, arguments: [String] = []) throws {
        let process = Process()
        process.executableURL = try taktExecutable()
        process.arguments = ["serve", "--db", database, "--port", "0", "--log-level", "warning"] + arguments
        var env = ProcessInfo.processInfo.environment
        env["TAKT_BOOTSTRAP_TOKEN"] = token
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read stdout until the server says where it listens (at most 30 s).
        var text = ""
        let deadline = ContinuousClock.now + .seconds(30)  // a bound on a child process, not the plant clock
        var found: Int?
        while found == nil && ContinuousClock.now < deadline && process.isRunning {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let range = text.range(of: "listening on http://127.0.0.1:") {
                found = Int(text[range.upperBound...].prefix { $0.isNumber })
            }
        }
        self.process = process
        guard let port = found else {
            process.terminate()
            throw ServerError(message: "takt serve did not report its port; it printed: \(text)")
        }
        self.port = port
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    struct ServerError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// The IDs the server acknowledged, shared by the writer tasks.
final class Acknowledged: Sendable {
    private let ids = Mutex<Set<String>>([])
    func insert(_ id: String) { ids.withLock { _ = $0.insert(id) } }
    var count: Int { ids.withLock { $0.count } }
    var all: Set<String> { ids.withLock { $0 } }
}

@Suite("Durability")
struct CrashTests {
    static func post(_ base: String, token: String, _ path: String, _ body: String, key: String) async throws -> Int {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Idempotency-Key", value: key)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    @Test("A server killed with SIGKILL during a stream of acknowledged commands loses none of them on restart")
    func sigkillLosesNothingAcknowledged() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takt-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let database = dir.appendingPathComponent("plant.sqlite").path
        let token = "crash-test-admin-token"
        let server = try ServerProcess(database: database, token: token)
        let base = "http://127.0.0.1:\(server.port)"

        // Four writers stream item definitions; each acknowledged one (201) is remembered.
        let acknowledged = Acknowledged()
        let killAfter = 300
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for n in 0..<10_000 {
                        let id = "CRASH-\(writer)-\(n)"
                        let status: Int
                        do {
                            status = try await CrashTests.post(
                                base,
                                token: token,
                                "/api/v1/items",
                                #"{"id":"\#(id)","name":"Part \#(n)","kind":"purchased","unit":"ea"}"#,
                                key: id
                            )
                        } catch {
                            return  // the server is gone
                        }
                        if status == 201 { acknowledged.insert(id) }
                    }
                }
            }
            group.addTask {
                for _ in 0..<3_000 {  // at most 60 s
                    if acknowledged.count >= killAfter { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                server.kill9()  // while the writers still have requests in flight
            }
            try await group.waitForAll()
        }
        let acked = acknowledged.all
        #expect(acked.count >= killAfter)

        // Restart on the same file: every acknowledged item is there, and the log has no gap.
        let restarted = try ServerProcess(database: database, token: token)
        defer { restarted.kill9() }
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(restarted.port)/api/v1/items?limit=500")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        var present = Set<String>()
        var after: String?
        for _ in 0..<200 {
            var page = request
            if let after { page.url += "&after=\(after)" }
            let response = try await HTTPClient.shared.execute(page, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 32 << 20)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
            for item in json["items"] as? [[String: Any]] ?? [] { if let id = item["id"] as? String { present.insert(id) } }
            after = json["next"] as? String
            if after == nil { break }
        }
        let lost = acked.subtracting(present)
        #expect(lost.isEmpty, "acknowledged but lost after SIGKILL: \(lost.sorted().prefix(10))")

        var eventsRequest = HTTPClientRequest(url: "http://127.0.0.1:\(restarted.port)/api/v1/events?limit=1000")
        eventsRequest.headers.add(name: "Authorization", value: "Bearer \(token)")
        var sequences: [Int] = []
        var position = 0
        for _ in 0..<100 {
            var page = eventsRequest
            page.url += "&after=\(position)"
            let response = try await HTTPClient.shared.execute(page, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 32 << 20)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
            let events = json["events"] as? [[String: Any]] ?? []
            if events.isEmpty { break }
            sequences += events.compactMap { $0["sequence"] as? Int }
            position = sequences.last ?? position
        }
        #expect(sequences == Array(1...max(1, sequences.count)), "the log must be gapless after a crash")
        #expect(sequences.count == present.count + 2)  // + the admin user and its token
        try? FileManager.default.removeItem(at: dir)
    }
}
