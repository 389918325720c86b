import Foundation
import HTTPTypes
public import Hummingbird
public import NIOCore
public import TaktCore
import TaktEngine
import TaktService

/// The request context of the Takt API: the authenticated user, once the auth middleware has run.
public struct TaktContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var user: User?
    /// The peer's address (the key of the sign-in throttle).
    public let remoteAddress: SocketAddress?
    /// The peer's IP address (the client that failed authentication is throttled by it), "unknown" when the channel has none.
    public var client: String
    /// The digest of this request for idempotency, set when it carries an `Idempotency-Key` (``Engine/requestDigest(method:target:body:)``).
    var requestDigest: String?
    /// The plant's time zone, read before a request body is decoded: a date without a time in a body is a day of the
    /// plant's calendar (``PlantDay``).
    var plantTimeZone = TimeZone(secondsFromGMT: 0) ?? .gmt
    /// The connection, to stop reading from a client whose body is late.
    let channel: any Channel
    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
        self.user = nil
        self.remoteAddress = source.channel.remoteAddress
        self.client = source.channel.remoteAddress?.ipAddress ?? "unknown"
        self.requestDigest = nil
    }
    /// Request bodies up to 8 MiB (batches of commands).
    public var maxUploadSize: Int { 8 * 1024 * 1024 }

    /// The authenticated user, or a 401.
    func requireUser() throws -> User {
        guard let user else { throw Problem.unauthorized("send an API token as 'Authorization: Bearer <token>'") }
        return user
    }
}

extension HTTPField.Name {
    static let requestID = literal("X-Request-ID")
    static let idempotencyKey = literal("Idempotency-Key")
    static let idempotentReplayed = literal("Idempotent-Replayed")
    static let correlationID = literal("X-Correlation-ID")
    static let lastEventID = literal("Last-Event-ID")

    /// A header name written in the code. These are valid names, so this cannot fail unless one is mistyped, which
    /// stops the server at the name's first use (and every test that sends a request).
    private static func literal(_ name: String) -> Self {
        guard let valid = Self(name) else { preconditionFailure("'\(name)' is not a valid HTTP header name") }
        return valid
    }
}

/// How long the server waits for a client. Slow or silent clients cannot hold connections: a connection with nothing
/// to read for `idle` is closed (between requests, while a request's head arrives, between body chunks), and a body
/// still arriving `body` after the server started reading it is answered 408 and the connection closed.
public struct HTTPTimeouts: Sendable, Equatable {
    public var idle: Duration
    public var body: Duration
    public init(idle: Duration = .seconds(30), body: Duration = .seconds(60)) {
        self.idle = idle
        self.body = body
    }
}
