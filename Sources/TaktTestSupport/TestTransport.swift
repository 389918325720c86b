import AsyncHTTPClient
public import Foundation
import HTTPTypes
public import Hummingbird
import HummingbirdTesting
import NIOCore
public import NIOHTTP1

/// How a test's requests reach the application.
public enum TestTransport: Sendable {
    /// In process: each request is handed to the router directly, without a socket, a port or an HTTP client. The
    /// default; what the server does between the socket and the router (timeouts, streaming) is not exercised.
    case router
    /// Over a real loopback socket with an HTTP client, for what needs one: timeouts, raw sockets, event streams.
    case live
}

/// A connection to an application under test, in process or live, with one way to send a request.
public struct TestConnection: Sendable {
    public let transport: TestTransport
    /// The address requests go to: the live server's `http://127.0.0.1:port`, or `http://localhost` in process (the
    /// authority the in-process router sees, so that an `Origin` made from it is this site's own).
    public let baseURL: String
    /// The live server's port; nil in process.
    public let port: Int?
    private let execute: @Sendable (HTTPMethod, String, [(String, String)], Data?) async throws -> TestReply

    /// Sends a request with exactly these headers (none added but Content-Length) and returns the whole answer. Redirects
    /// are not followed, so a test sees them.
    public func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: Data? = nil) async throws -> TestReply {
        try await execute(method, path, headers, body)
    }

    /// Runs `body` with a connection to the application `makeApp` builds (it is given the callback to call with the bound
    /// port), over `transport`; stops the application afterwards.
    public static func run<App: ApplicationProtocol, T: Sendable>(
        _ transport: TestTransport,
        app makeApp: (_ onServerRunning: @escaping @Sendable (Int) async -> Void) -> App,
        body: @Sendable (TestConnection) async throws -> T
    ) async throws -> T {
        switch transport {
        case .router: try await inProcess(makeApp { _ in }, body: body)
        case .live: try await live(makeApp, body: body)
        }
    }

    private static func inProcess<App: ApplicationProtocol, T: Sendable>(
        _ app: App,
        body: @Sendable (TestConnection) async throws -> T
    ) async throws -> T {
        try await app.test(.router) { client in
            let connection = TestConnection(transport: .router, baseURL: "http://localhost", port: nil) { method, path, headers, data in
                var fields = HTTPFields()
                for (name, value) in headers {
                    guard let field = HTTPField.Name(name) else { throw TestSupportError("not a header name: \(name)") }
                    fields.append(HTTPField(name: field, value: value))
                }
                let response = try await client.executeRequest(
                    uri: path,
                    method: HTTPRequest.Method(rawValue: method.rawValue) ?? .get,
                    headers: fields,
                    body: data.map { ByteBuffer(bytes: $0) }
                )
                var reply = HTTPHeaders()
                for field in response.headers { reply.add(name: field.name.rawName, value: field.value) }
                return TestReply(status: response.status.code, headers: reply, body: Data(response.body.readableBytesView))
            }
            return try await body(connection)
        }
    }

    /// The HTTP client of live tests: it does not follow redirects, as the in-process transport does not.
    static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    private static func live<App: ApplicationProtocol, T: Sendable>(
        _ makeApp: (_ onServerRunning: @escaping @Sendable (Int) async -> Void) -> App,
        body: @Sendable (TestConnection) async throws -> T
    ) async throws -> T {
        // The bound port arrives through a stream; if the server stops before binding, the stream ends with nothing.
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = makeApp { port in continuation.yield(port) }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { continuation.finish() }
                try await app.run()
            }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.waitForAll()  // rethrows why the server stopped
                throw TestSupportError("the server stopped before it listened")
            }
            let base = "http://127.0.0.1:\(port)"
            let connection = TestConnection(transport: .live, baseURL: base, port: port) { method, path, headers, data in
                var request = HTTPClientRequest(url: base + path)
                request.method = method
                for (name, value) in headers { request.headers.add(name: name, value: value) }
                if let data { request.body = .bytes(ByteBuffer(bytes: data)) }
                let response = try await client.execute(request, timeout: .seconds(120))
                let buffer = try await response.body.collect(upTo: 64 << 20)
                return TestReply(status: Int(response.status.code), headers: response.headers, body: Data(buffer.readableBytesView))
            }
            return try await body(connection)
        }
    }
}
