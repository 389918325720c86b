import Foundation
import NIOCore
public import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 client for the benchmarks: one keep-alive connection to a server on this machine, plain HTTP,
/// one request at a time, no redirects followed. The benchmarks need no more, and the `takt` binary then links no
/// general HTTP client and no TLS.
public enum LoopbackHTTP {
    /// Opens a connection to `127.0.0.1:port`, runs `body` with it, then closes it.
    public static func withConnection<T: Sendable>(
        port: Int,
        _ body: (inout LoopbackHTTPConnection) async throws -> T
    ) async throws -> T {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var connection = LoopbackHTTPConnection(port: port, inbound: inbound.makeAsyncIterator(), outbound: outbound)
            return try await body(&connection)
        }
    }
}

/// One open keep-alive connection (see ``LoopbackHTTP/withConnection(port:_:)``).
public struct LoopbackHTTPConnection {
    let port: Int
    var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>

    /// Sends one request and reads its whole answer. `body` goes with `contentType` (JSON unless told otherwise).
    public mutating func send(
        _ method: HTTPMethod,
        _ path: String,
        headers: [(String, String)] = [],
        body: String? = nil,
        contentType: String = "application/json"
    ) async throws -> LoopbackHTTPReply {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: "127.0.0.1:\(port)")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        var parts: [HTTPClientRequestPart] = []
        if let body {
            let bytes = ByteBuffer(string: body)
            head.headers.add(name: "Content-Type", value: contentType)
            head.headers.add(name: "Content-Length", value: String(bytes.readableBytes))
            parts = [.head(head), .body(.byteBuffer(bytes)), .end(nil)]
        } else {
            parts = [.head(head), .end(nil)]
        }
        try await outbound.write(contentsOf: parts)

        var status = 0
        var answerHeaders = HTTPHeaders()
        var collected = ByteBuffer()
        while let part = try await inbound.next() {
            switch part {
            case .head(let h):
                status = Int(h.status.code)
                answerHeaders = h.headers
            case .body(var chunk):
                collected.writeBuffer(&chunk)
            case .end:
                return LoopbackHTTPReply(status: status, headers: answerHeaders, body: Array(collected.readableBytesView))
            }
        }
        throw BenchError(message: "the server closed the connection before answering \(method) \(path)")
    }
}

/// A whole HTTP answer.
public struct LoopbackHTTPReply: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    public var text: String { String(decoding: body, as: UTF8.self) }
}

extension LoopbackHTTPConnection {
    /// Signs in to the web app with an API token through the sign-in form, as a browser does (the form's nonce cookie and
    /// security token), and returns the session cookie (`takt_session=…`) for the next requests.
    public mutating func signIn(token: String) async throws -> String {
        let form = try await send(.GET, "/signin")
        guard let nonce = form.headers["Set-Cookie"].first(where: { $0.hasPrefix("takt_signin=") })?.split(separator: ";").first.map(String.init),
            let marker = form.text.range(of: "name=\"_csrf\" value=\""),
            let end = form.text[marker.upperBound...].firstIndex(of: "\"")
        else { throw BenchError(message: "the sign-in page has no form token") }
        let formToken = String(form.text[marker.upperBound..<end])
        let signIn = try await send(
            .POST,
            "/signin",
            headers: [("Cookie", nonce)],
            body: "_csrf=\(formToken)&token=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token),
            contentType: "application/x-www-form-urlencoded"
        )
        guard signIn.status == 303,
            let cookie = signIn.headers["Set-Cookie"].first(where: { $0.hasPrefix("takt_session=") })?.split(separator: ";").first.map(String.init)
        else { throw BenchError(message: "sign-in answered \(signIn.status)") }
        return cookie
    }
}
