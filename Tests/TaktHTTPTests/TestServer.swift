import Foundation
import Hummingbird
import NIOHTTP1
import TaktHTTP
import TaktTestSupport
import Testing

@testable import TaktApp
@testable import TaktEngine

/// A Takt server for a test: the Hummingbird application on a SQLite file, reached in process through its router
/// (the default) or over a loopback socket (`transport: .live`), with the plant's clock standing still until the test moves it.
struct TestServer: Sendable {
    static let adminToken = TestPlant.adminToken

    /// An answer as the tests read it (the support library's ``TestReply``, kept here so that every file of this target
    /// reads it without importing the library).
    struct Reply: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
        init(_ reply: TestReply) { (status, headers, body) = (reply.status, reply.headers, reply.body) }
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> [String: Any] { try TestReply(status: status, headers: headers, body: body).json() }
        /// The body decoded into `type` (Takt's JSON: ISO dates); the error names the status and the body when it does not fit.
        func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T { try TestReply(status: status, headers: headers, body: body).decode(type) }
    }

    let connection: TestConnection
    let engine: Engine
    let databasePath: String

    /// The live server's address (`http://127.0.0.1:port`), or `http://localhost` in process.
    var baseURL: String { connection.baseURL }
    /// The live server's port (0 in process).
    var port: Int { connection.port ?? 0 }

    /// Sends a request; `token` nil sends no Authorization header; a body is sent as JSON.
    func send(
        _ method: HTTPMethod,
        _ path: String,
        token: String? = TestServer.adminToken,
        body: String? = nil,
        headers extra: [(String, String)] = []
    ) async throws -> Reply {
        var headers: [(String, String)] = []
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        headers += extra
        if body != nil { headers.append(("Content-Type", "application/json")) }
        return Reply(try await connection.send(method, path, headers: headers, body: body.map { Data($0.utf8) }))
    }

    /// Runs `body` against a fresh server; stops the server afterwards.
    /// - Parameters:
    ///   - demo: generate the demo plant first (for 2026-11-24).
    ///   - databasePath: reuse a database file (default: a new temporary one).
    ///   - clock: the plant's clock (default: standing at 2026-11-24 00:00 UTC, ``TestPlant/demoDay``).
    ///   - seed, scale: the demo plant's (default 42 and 1).
    ///   - transport: in process (default) or over a real socket.
    static func run<T: Sendable>(
        demo: Bool = false,
        databasePath: String? = nil,
        clock: TestClock = TestClock(),
        seed: UInt64 = 42,
        scale: Int = 1,
        timeouts: HTTPTimeouts = HTTPTimeouts(),
        transport: TestTransport = .router,
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        try await serve(
            demo: demo,
            databasePath: databasePath,
            clock: clock.read,
            seed: seed,
            scale: scale,
            timeouts: timeouts,
            transport: transport,
            body
        )
    }

    /// The old path, kept for the suites that still pass the clock as a function and send their own requests to
    /// ``baseURL`` with an HTTP client (RoleMatrixTests): a live server by default. The clock should stand still, or move
    /// only when the test says so.
    static func run<T: Sendable>(
        demo: Bool = false,
        databasePath: String? = nil,
        clock: @escaping @Sendable () -> Date,
        seed: UInt64 = 42,
        scale: Int = 1,
        timeouts: HTTPTimeouts = HTTPTimeouts(),
        transport: TestTransport = .live,
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        try await serve(
            demo: demo,
            databasePath: databasePath,
            clock: clock,
            seed: seed,
            scale: scale,
            timeouts: timeouts,
            transport: transport,
            body
        )
    }

    private static func serve<T: Sendable>(
        demo: Bool,
        databasePath: String?,
        clock: @escaping @Sendable () -> Date,
        seed: UInt64,
        scale: Int,
        timeouts: HTTPTimeouts,
        transport: TestTransport,
        _ body: @Sendable (TestServer) async throws -> T
    ) async throws -> T {
        let path = databasePath ?? TestPlant.temporaryDatabasePath()
        let logger = TestPlant.quietLogger
        let engine = try await TestPlant.engine(storage: .sqlite(path: path), demo: demo, seed: seed, scale: scale, clock: clock)
        return try await TestConnection.run(
            transport,
            app: { onRunning in
                TaktApplication.makeApplication(
                    engine: engine,
                    host: "127.0.0.1",
                    port: 0,
                    logger: logger,
                    timeouts: timeouts,
                    onServerRunning: onRunning
                )
            },
            body: { connection in
                try await body(TestServer(connection: connection, engine: engine, databasePath: path))
            }
        )
    }

    static func temporaryDatabasePath() -> String { TestPlant.temporaryDatabasePath() }
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
