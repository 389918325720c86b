import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine

/// The request context of the Takt API: the authenticated user, once the auth middleware has run.
public struct TaktContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var user: User?
    /// The peer's IP address (the client that failed authentication is throttled by it), "unknown" when the channel has none.
    public var client: String
    /// The digest of this request for idempotency, set when it carries an `Idempotency-Key` (``Engine/requestDigest(method:target:body:)``).
    var requestDigest: String?
    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.user = nil
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
    // Literal, valid header names: constructing them cannot fail.
    static let requestID = HTTPField.Name("X-Request-ID")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
    static let correlationID = HTTPField.Name("X-Correlation-ID")!
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
}

