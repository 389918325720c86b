import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A real HTTP receiver on 127.0.0.1 (SwiftNIO): records every request it gets and answers with the status it is told.
/// It can go down (its listener and every open connection closed, so requests are refused) and come back on the same port.
final class Receiver: @unchecked Sendable {
    struct Request: Sendable {
        var path: String
        /// Header names lowercased.
        var headers: [String: String]
        var body: Data
    }

    private let lock = NSLock()
    private var requests: [Request] = []
    private var answer = 200
    private var listener: (any Channel)?
    private var connections: [ObjectIdentifier: any Channel] = [:]
    private(set) var port = 0

    var received: [Request] { lock.withLock { requests } }

    /// The status later requests are answered with.
    func answer(with status: Int) { lock.withLock { answer = status } }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// Starts listening (on a free port the first time, on the same port after ``stop()``).
    func start() async throws {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                do {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(receiver: self))
                    self.opened(channel)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: port).get()
        lock.withLock {
            listener = channel
            port = channel.localAddress?.port ?? 0
        }
    }

    /// Goes down: no new connection is accepted and every open one is closed.
    func stop() async throws {
        let (listening, open) = lock.withLock { () -> ((any Channel)?, [any Channel]) in
            defer {
                listener = nil
                connections = [:]
            }
            return (listener, Array(connections.values))
        }
        try await listening?.close()
        for c in open { try? await c.close() }
    }

    private func opened(_ channel: any Channel) {
        lock.withLock { connections[ObjectIdentifier(channel)] = channel }
        channel.closeFuture.whenComplete { [self] _ in lock.withLock { _ = connections.removeValue(forKey: ObjectIdentifier(channel)) } }
    }

    fileprivate func record(_ request: Request) -> Int {
        lock.withLock {
            requests.append(request)
            return answer
        }
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let receiver: Receiver
        var head: HTTPRequestHead?
        var body = Data()
        init(receiver: Receiver) { self.receiver = receiver }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                body = Data()
            case .body(var buffer):
                body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
            case .end:
                guard let head else { return }
                var headers: [String: String] = [:]
                for (name, value) in head.headers { headers[name.lowercased()] = value }
                let status = receiver.record(Request(path: head.uri, headers: headers, body: body))
                let response = HTTPResponseHead(version: head.version, status: .init(statusCode: status), headers: ["content-length": "0"])
                context.write(wrapOutboundOut(.head(response)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                self.head = nil
            }
        }
    }
}
