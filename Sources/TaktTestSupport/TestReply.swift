public import Foundation
public import NIOHTTP1
import TaktCore

/// A server's answer as a test reads it: the status, the headers and the body, whichever transport carried it.
public struct TestReply: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data

    public init(status: Int, headers: HTTPHeaders, body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Where a redirect points.
    public var location: String? { headers.first(name: "Location") }

    /// The body as an untyped JSON object; fails the test when it is not one.
    public func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw TestSupportError("not a JSON object (status \(status)): \(text.prefix(500))")
        }
        return object
    }

    /// The body decoded into `type` in Takt's JSON dialect (ISO dates); the error names the status and the body when it
    /// does not fit.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        do {
            return try TaktJSON.decoder.decode(T.self, from: body)
        } catch {
            throw TestSupportError("the answer (status \(status)) is not a \(T.self): \(error)\n\(text.prefix(500))")
        }
    }
}

/// A harness could not do what a test asked of it; the message says what and why.
public struct TestSupportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
