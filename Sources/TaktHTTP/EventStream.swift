import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization
import TaktCore
import TaktEngine
import TaktService
import TaktStore

/// Server-sent events: every event after `after`, then live ones as they are committed.
/// Each message carries `id: <sequence>` so a client resumes with `Last-Event-ID`.
/// A comment line every 15 s keeps proxies from closing an idle stream and detects gone clients;
/// on graceful shutdown the stream ends, so clients reconnect after the restart or to another instance.
/// Only the events a reader with `roles` may see are sent (``Event/isVisible(to:)``), their secrets redacted.
func sseResponse(service: any PlantServing, after: Int64, roles: [Role]) -> Response {
    let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
    return Response(
        status: .ok,
        headers: headers,
        body: ResponseBody { writer in
            let stopping = Atomic<Bool>(false)
            try await withGracefulShutdownHandler {
                var idleSeconds = 0
                try await writer.write(ByteBuffer(string: ": takt event stream after \(after)\n\n"))
                for try await step in service.follow(after: after) {
                    if stopping.load(ordering: .relaxed) { break }
                    guard case .events(let page) = step else {
                        idleSeconds += 1
                        if idleSeconds >= 15 {
                            idleSeconds = 0
                            try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        }
                        continue
                    }
                    idleSeconds = 0
                    var chunk = ""
                    for e in page where JSONIO.isVisible(e, to: roles) {
                        chunk += "id: \(e.sequence)\nevent: \(e.type)\ndata: \(JSONIO.eventJSON(e))\n\n"
                    }
                    if !chunk.isEmpty { try await writer.write(ByteBuffer(string: chunk)) }
                }
            } onGracefulShutdown: {
                stopping.store(true, ordering: .relaxed)
            }
            try await writer.finish(nil)
        }
    )
}
