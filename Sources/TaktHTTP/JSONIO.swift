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
        return try TaktJSON.decoder.decode(T.self, from: Data(buffer.readableBytesView))
    }

    /// Decodes the request body as `T`, or answers `empty` when the request has no body (every field is optional).
    static func decode<T: Decodable>(_: T.Type, from request: Request, context: TaktContext, orEmpty empty: T) async throws -> T {
        let buffer = try await body(of: request, context: context)
        guard buffer.readableBytes > 0 else { return empty }
        return try TaktJSON.decoder.decode(T.self, from: Data(buffer.readableBytesView))
    }

    private static func body(of request: Request, context: TaktContext) async throws -> ByteBuffer {
        var request = request
        do {
            return try await request.collectBody(upTo: context.maxUploadSize)
        } catch {
            throw Problem(status: .contentTooLarge, code: "too-large", title: "Body too large",
                          detail: "the body must be at most \(context.maxUploadSize) bytes")
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

    /// One recorded event as JSON, with its payload embedded as is.
    static func eventJSON(_ e: RecordedEvent) -> String {
        var s = "{\"actor\":\(quote(e.actor)),\"correlationId\":\(quote(e.correlationID)),\"data\":"
        s += String(decoding: e.payload, as: UTF8.self)
        s += ",\"idempotencyKey\":\(e.idempotencyKey.map(quote) ?? "null"),\"recordedAt\":\(quote(TaktJSON.formatDate(e.recordedAt)))"
        s += ",\"sequence\":\(e.sequence),\"type\":\(quote(e.type))}"
        return s
    }

    static func eventsJSON(_ events: [RecordedEvent], extra: String = "") -> Data {
        Data(("{\"events\":[" + events.map(eventJSON).joined(separator: ",") + "]" + extra + "}").utf8)
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
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
