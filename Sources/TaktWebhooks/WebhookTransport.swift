import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import TaktCore

/// Sends one webhook request and answers the receiver's status code; throws when no answer came (refused, timed out,
/// TLS failed). The deliverer's one door to the network, so that a test can count and shape what goes out.
public protocol WebhookTransport: Sendable {
    func post(url: String, headers: [(String, String)], body: Data, timeout: Duration) async throws -> Int
}

/// The real transport: AsyncHTTPClient (HTTP/1.1 and HTTP/2, TLS for `https`), redirects not followed.
public final class HTTPClientTransport: WebhookTransport {
    private let client: HTTPClient

    public init() {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(30))
        // The deliverer retries with its own backoff and records why an attempt failed: a refused connection must fail
        // the attempt at once with that reason, not be retried inside the client until the attempt's deadline (which
        // made every attempt at a receiver that is down last the whole timeout and read "deadline exceeded").
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func post(url: String, headers: [(String, String)], body: Data, timeout: Duration) async throws -> Int {
        // Never hand the client a URL it would trap on (a port beyond 65535): the attempt fails, the server goes on.
        if let problem = WebhookTarget.problem(with: url) { throw WebhookTargetRefused(message: problem) }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let seconds = max(1, timeout.components.seconds)
        let response = try await client.execute(request, timeout: .seconds(seconds))
        // Read (and drop) a bounded part of the answer so the connection can be reused.
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return Int(response.status.code)
    }

    /// Closes the client's connections (call once, when the deliverer stopped).
    public func shutdown() async {
        try? await client.shutdown()
    }
}

/// A stored target the transport will not send to (a URL that breaks ``WebhookTarget/problem(with:)``).
struct WebhookTargetRefused: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
