import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization
import TaktEngine
import TaktService
import TaktStore

extension TaktWeb {
    /// Server-sent events for the pages: one `change` message per batch of committed events, carrying the last
    /// sequence and the event types (no payloads: a page fetches what it shows). Signed in by the session cookie,
    /// since a browser's EventSource cannot send the API's bearer token. Ends on graceful shutdown.
    func liveStream(_ request: Request) async -> Response {
        guard await viewer(request) != nil else {
            return Response(
                status: .unauthorized,
                headers: [.contentType: "text/plain"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "sign in first"))
            )
        }
        let service = service
        let start = await service.committedSequence
        let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { writer in
                let stopping = Atomic<Bool>(false)
                try await withGracefulShutdownHandler {
                    var idle = 0
                    try await writer.write(ByteBuffer(string: "retry: 3000\n: takt live updates after \(start)\n\n"))
                    for try await step in service.follow(after: start, pageSize: 1000) {
                        if stopping.load(ordering: .relaxed) { break }
                        guard case .events(let page) = step, let position = page.last?.sequence else {
                            idle += 1
                            if idle >= 15 {
                                idle = 0
                                try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                            }
                            continue
                        }
                        idle = 0
                        let types = Array(Set(page.map(\.type))).sorted().map { "\"\($0)\"" }.joined(separator: ",")
                        try await writer.write(
                            ByteBuffer(string: "id: \(position)\nevent: change\ndata: {\"sequence\":\(position),\"types\":[\(types)]}\n\n")
                        )
                    }
                } onGracefulShutdown: {
                    stopping.store(true, ordering: .relaxed)
                }
                try await writer.finish(nil)
            }
        )
    }
}
