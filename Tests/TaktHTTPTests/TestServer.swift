import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
@testable import TaktApp
@testable import TaktEngine
import TaktHTTP

/// A real Takt server for a test: the Hummingbird app on a free loopback port, on a real SQLite file.
struct TestServer: Sendable {
    static let adminToken = "test-admin-token-0123456789"
    let baseURL: String
    let engine: Engine
    let databasePath: String

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any], "not a JSON object: \(text)")
        }
    }

    /// Sends a request; `token` nil sends no Authorization header.
    func send(_ method: HTTPMethod, _ path: String, token: String? = TestServer.adminToken, body: String? = nil,
              headers extra: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 32 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
    }

    /// Runs `body` against a fresh server; stops the server afterwards.
    /// - Parameters:
    ///   - demo: generate the demo plant first.
    ///   - databasePath: reuse a database file (default: a new temporary one).
    ///   - clock: the engine's clock (default: the real time).
    ///   - seed, scale: the demo plant's (default 42 and 1).
    static func run<T: Sendable>(demo: Bool = false, databasePath: String? = nil, clock: (@Sendable () -> Date)? = nil, seed: UInt64 = 42,
                                 scale: Int = 1, timeouts: HTTPTimeouts = HTTPTimeouts(),
                                 _ body: @Sendable (TestServer) async throws -> T) async throws -> T {
        let path = databasePath ?? temporaryDatabasePath()
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let engine = try await TaktApplication.openEngine(databasePath: path, logger: logger, now: clock ?? { Date() })
        _ = try await TaktApplication.prepare(
            engine: engine,
            configuration: ServerConfiguration(databasePath: path, demo: demo, seed: seed, scale: scale, bootstrapToken: adminToken),
            now: Date(timeIntervalSince1970: 1_795_478_400), logger: logger)  // 2026-11-24
        let port = Mutex<Int?>(nil)
        let app = TaktApplication.makeApplication(engine: engine, host: "127.0.0.1", port: 0, logger: logger, timeouts: timeouts) { p in
            port.withLock { $0 = p }
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var bound: Int?
            for _ in 0..<500 {  // at most 10 s
                bound = port.withLock { $0 }
                if bound != nil { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let p = try #require(bound, "the server did not start within 10 s")
            let server = TestServer(baseURL: "http://127.0.0.1:\(p)", engine: engine, databasePath: path)
            do {
                let result = try await body(server)
                group.cancelAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    static func temporaryDatabasePath() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takt-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("takt.sqlite").path
    }
}

// MARK: - Helpers shared by the API tests

/// A fresh API token for a user (of the demo plant), issued by the admin.
func issueToken(_ s: TestServer, for user: String) async throws -> String {
    let issued = try await s.send(.POST, "/api/v1/users/\(user)/tokens", body: #"{"label":"test"}"#)
    #expect(issued.status == 201, "\(issued.text)")
    return try #require(try issued.json()["secret"] as? String)
}

/// The events of a command's answer.
func events(_ reply: TestServer.Reply) throws -> [[String: Any]] {
    try #require(try reply.json()["events"] as? [[String: Any]], "no events: \(reply.text)")
}

/// The types of the events of a command's answer, in order.
func eventTypes(_ reply: TestServer.Reply) throws -> [String] {
    try events(reply).compactMap { $0["type"] as? String }
}
