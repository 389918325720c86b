import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TaktEngine
import TaktStore

/// Server-sent events: every event after `after`, then live ones as they are committed.
/// Each message carries `id: <sequence>` so a client resumes with `Last-Event-ID`.
/// A comment line every 15 s keeps proxies from closing an idle stream and detects gone clients.
func sseResponse(engine: Engine, after: Int64) -> Response {
    let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache"]
    return Response(status: .ok, headers: headers, body: ResponseBody { writer in
        var position = after
        try await writer.write(ByteBuffer(string: ": takt event stream after \(after)\n\n"))
        while !Task.isCancelled {
            let page = try await engine.events(after: position, limit: 500)
            if page.isEmpty {
                if await !engine.waitForCommit(after: position, timeout: .seconds(15)) {
                    try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                }
                continue
            }
            var chunk = ""
            for e in page {
                chunk += "id: \(e.sequence)\nevent: \(e.type)\ndata: \(JSONIO.eventJSON(e))\n\n"
                position = e.sequence
            }
            try await writer.write(ByteBuffer(string: chunk))
        }
        try await writer.finish(nil)
    })
}
