import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

/// Passwords and electronic signatures through the API (docs/security/sign.md). The rules are the core's and the
/// service's: which commands need a signature, the password rule, hashing, verification and throttling.
extension TaktAPI {
    var passwordRoutes: [APIRoute] {
        let service = service
        return [
            APIRoute(
                method: .post,
                path: "/api/v1/users/{id}/password",
                operationID: "setPassword",
                summary: "Set a user's password (an admin for anyone; a user for themself with `currentPassword`). It is hashed "
                    + "with scrypt; neither it nor its hash is ever answered. Needed to sign electronically and to sign in with a password",
                tag: "User",
                requiresAuth: true,
                roles: Role.allCases.sorted(),
                requestSchema: "PasswordRequest",
                successStatus: 200,
                responseSchema: "PasswordChanged",
                parameters: [.path("id", "user ID")]
            ) { request, ctx in
                let id = User.ID(try ctx.parameters.require("id"))
                let me = try ctx.requireUser()
                let body = try await JSONIO.decode(PasswordRequest.self, from: request, context: ctx)
                let outcome = try await service.setPassword(
                    of: id,
                    to: body.password,
                    current: body.currentPassword,
                    by: .user(me.id),
                    client: "api:\(me.id)"
                )
                guard case .passwordSet(let set)? = try outcome.domainEvents().first else {
                    throw EngineError(.internal, "setting the password recorded no event")
                }
                return try JSONIO.response(PasswordChanged(user: set.user, at: set.at))
            }
        ]
    }

    /// The signature a request body carries, as the service takes it (the client key throttles wrong passwords per user).
    func credential(_ input: SignatureInput?, context: TaktContext) -> SignatureCredential? {
        guard let input, let user = context.user else { return nil }
        return SignatureCredential(password: input.password, meaning: input.meaning, client: "api:\(user.id)")
    }
}

/// An electronic signature given with a request: the password re-entered and what the signature means.
struct SignatureInput: Codable, Sendable {
    var password: String
    var meaning: String
}

struct PasswordRequest: Codable, Sendable {
    var password: String
    var currentPassword: String?
}

struct PasswordChanged: Codable, Sendable {
    var user: User.ID
    var at: Date
}

/// A command as `/commands` takes it: `{"type": …, "data": …}`, with a `"signature"` beside them where the command is signed.
struct SignedCommand: Decodable, Sendable {
    var command: Command
    var signature: SignatureInput?
    enum CodingKeys: String, CodingKey { case signature }
    init(from decoder: any Decoder) throws {
        command = try Command(from: decoder)
        signature = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(SignatureInput.self, forKey: .signature)
    }
}
