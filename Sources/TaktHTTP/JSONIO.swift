import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TaktCore
import TaktStore

enum JSONIO {
    /// Decodes the request body as `T`, naming the field that is missing or malformed.
    static func decode<T: Decodable>(_: T.Type, from request: Request, context: TaktContext) async throws -> T {
        let buffer = try await body(of: request, context: context)
        guard buffer.readableBytes > 0 else { throw Problem.badRequest("(body)", "required", "a JSON body is required") }
        try requireJSONContentType(request)
        return try TaktJSON.decoder(plantTimeZone: context.plantTimeZone).decode(T.self, from: Data(buffer.readableBytesView))
    }

    /// Decodes the request body as `T`, or answers `empty` when the request has no body (every field is optional).
    static func decode<T: Decodable>(_: T.Type, from request: Request, context: TaktContext, orEmpty empty: T) async throws -> T {
        let buffer = try await body(of: request, context: context)
        guard buffer.readableBytes > 0 else { return empty }
        try requireJSONContentType(request)
        return try TaktJSON.decoder(plantTimeZone: context.plantTimeZone).decode(T.self, from: Data(buffer.readableBytesView))
    }

    /// A JSON body must say so: `Content-Type: application/json`, optionally with `charset=utf-8`; anything else is a 415
    /// (a body sent as `text/plain` or a form is not parsed as JSON by accident, e.g. from a cross-site form).
    static func requireJSONContentType(_ request: Request) throws {
        let value = request.headers[.contentType] ?? ""
        if let problem = contentTypeProblem(value) { throw problem }
    }

    /// Nil when `value` is a JSON content type this API accepts, else the problem that names the rule.
    static func contentTypeProblem(_ value: String) -> Problem? {
        let parts = value.split(separator: ";", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let refuse = { (why: String) -> Problem in
            Problem(
                status: .unsupportedMediaType,
                code: "unsupported-media-type",
                title: "Unsupported media type",
                detail: why,
                errors: [Violation(field: "Content-Type", rule: "application/json", message: why)]
            )
        }
        guard let media = parts.first, !media.isEmpty else {
            return refuse("a JSON body needs the header 'Content-Type: application/json'")
        }
        guard media == "application/json" else {
            return refuse("the header Content-Type must be application/json (got '\(value)')")
        }
        for parameter in parts.dropFirst() where !parameter.isEmpty {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0] == "charset", ["utf-8", "\"utf-8\""].contains(pair[1]) else {
                return refuse("the header Content-Type may only add charset=utf-8 to application/json (got '\(value)')")
            }
        }
        return nil
    }

    private static func body(of request: Request, context: TaktContext) async throws -> ByteBuffer {
        var request = request
        return try await collectBody(of: &request, context: context)
    }

    /// Collects the body within `timeout` (checked as chunks arrive; the idle timeout bounds the wait for each chunk) and
    /// leaves it in `request`, to be read again. A late body is a 408 and the connection stops reading (it closes after the answer).
    static func collectBody(of request: inout Request, context: TaktContext, timeout: Duration) async throws -> ByteBuffer {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var collected = ByteBuffer()
        let tooLarge = Problem(
            status: .contentTooLarge,
            code: "too-large",
            title: "Body too large",
            detail: "the body must be at most \(context.maxUploadSize) bytes"
        )
        for try await var chunk in request.body {
            guard clock.now <= deadline else {
                context.channel.close(mode: .input, promise: nil)
                throw Problem(
                    status: .requestTimeout,
                    code: "request-timeout",
                    title: "Request timeout",
                    detail: "the body did not arrive within \(timeout); send it at once"
                )
            }
            guard collected.readableBytes + chunk.readableBytes <= context.maxUploadSize else { throw tooLarge }
            collected.writeBuffer(&chunk)
        }
        request.body = .init(buffer: collected)
        return collected
    }

    /// Collects the body (at most the context's upload size) and leaves it in `request`, to be read again.
    static func collectBody(of request: inout Request, context: TaktContext) async throws -> ByteBuffer {
        do {
            return try await request.collectBody(upTo: context.maxUploadSize)
        } catch {
            throw Problem(
                status: .contentTooLarge,
                code: "too-large",
                title: "Body too large",
                detail: "the body must be at most \(context.maxUploadSize) bytes"
            )
        }
    }

    static func response(_ data: Data, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        response(try TaktJSON.encoder.encode(value), status: status, headers: headers)
    }

    /// The payload as it may leave the server (``Event/redacted``); nil when it cannot be decoded (then it is not sent).
    static func publicPayload(_ e: RecordedEvent) -> Data? {
        guard let event = try? Event(type: e.type, payload: e.payload, decoder: TaktJSON.decoder) else { return nil }
        let redacted = event.redacted
        if redacted == event { return e.payload }
        return try? redacted.encodePayload(TaktJSON.encoder)
    }

    /// Whether a reader with `roles` may see the event (``Event/isVisible(to:)``); an event that cannot be decoded is hidden.
    static func isVisible(_ e: RecordedEvent, to roles: [Role]) -> Bool {
        guard let event = try? Event(type: e.type, payload: e.payload, decoder: TaktJSON.decoder) else { return false }
        return event.isVisible(to: roles)
    }

    /// One recorded event as JSON, with its payload embedded, its secrets redacted.
    static func eventJSON(_ e: RecordedEvent) -> String {
        var s = "{\"actor\":\(TaktJSON.quoted(e.actor)),\"correlationId\":\(TaktJSON.quoted(e.correlationID)),\"data\":"
        s += publicPayload(e).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        s +=
            ",\"idempotencyKey\":\(e.idempotencyKey.map(TaktJSON.quoted) ?? "null"),\"recordedAt\":\(TaktJSON.quoted(TaktJSON.formatDate(e.recordedAt)))"
        s += ",\"sequence\":\(e.sequence),\"type\":\(TaktJSON.quoted(e.type))}"
        return s
    }

    static func eventsJSON(_ events: [RecordedEvent], extra: String = "") -> Data {
        Data(("{\"events\":[" + events.map(eventJSON).joined(separator: ",") + "]" + extra + "}").utf8)
    }

}

/// A page of a list: the items, the cursor for the next page, and the total after filtering.
struct Page<T: Encodable>: Encodable {
    var items: [T]
    /// `null` on the last page (always present, so clients need not guess).
    var next: String?
    var total: Int

    enum CodingKeys: String, CodingKey { case items, next, total }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        if let next { try c.encode(next, forKey: .next) } else { try c.encodeNil(forKey: .next) }
        try c.encode(total, forKey: .total)
    }
}
