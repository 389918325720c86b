import Crypto
public import Foundation
public import TaktCore
public import TaktStore
import _CryptoExtras

// Passwords (scrypt) and electronic signatures, the engine's part: hashing and verifying credentials at the edge,
// throttled like every other authentication (``AuthThrottle``), and the signature record with its binding. Which
// commands need a signature is the core's rule (``PlantState/signatureRequirement(for:actor:)``).

/// A password re-entered at the moment of signing, with the meaning the signer gives the signature. Never stored or logged.
public struct SignatureCredential: Sendable, CustomStringConvertible {
    public var password: String
    /// One of ``SignatureMeaning``'s raw values ("approved", "released", …).
    public var meaning: String
    /// The client's address (or another key) for throttling wrong passwords.
    public var client: String
    public init(password: String, meaning: String, client: String) {
        self.password = password
        self.meaning = meaning
        self.client = client
    }
    public var description: String { "SignatureCredential(meaning: \(meaning), password: <redacted>)" }
}

/// A credential the engine verified for this envelope (set only by the engine).
struct VerifiedCredential: Sendable {
    var user: User.ID
    var meaning: SignatureMeaning?
}

/// The password rules and the scrypt parameters new hashes are made with.
public enum Passwords {
    public static let minimumLength = 12
    public static let maximumLength = 256
    /// scrypt N = 2^15, r = 8, p = 1 (32 MiB, tens of milliseconds); stored with each hash, so they can be raised later.
    public static let n = 1 << 15, r = 8, p = 1
    static let keyLength = 32, saltLength = 16

    /// The rule a new password must meet; throws naming `field`.
    public static func check(_ password: String, field: String = "password") throws(DomainError) {
        let count = password.count
        guard count >= minimumLength else {
            throw .invalid(field, "min-length", "a password has at least \(minimumLength) characters (this one has \(count))")
        }
        guard count <= maximumLength else {
            throw .invalid(field, "max-length", "a password has at most \(maximumLength) characters")
        }
        guard !password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalid(field, "characters", "a password holds no control characters")
        }
    }

    /// A new scrypt hash of `password` with a fresh random salt.
    public static func hash(_ password: String) throws -> PasswordHash {
        var rng = SystemRandomNumberGenerator()
        let salt = Data((0..<saltLength).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let key = try derive(password, salt: salt, n: n, r: r, p: p)
        return PasswordHash(n: n, r: r, p: p, salt: salt.base64EncodedString(), hash: key.base64EncodedString())
    }

    /// True when `password` matches `stored` (with the parameters stored beside it; compared in constant time).
    public static func verify(_ password: String, against stored: PasswordHash) -> Bool {
        guard stored.algorithm == "scrypt", let salt = Data(base64Encoded: stored.salt), let expected = Data(base64Encoded: stored.hash),
            password.count <= maximumLength,
            let key = try? derive(password, salt: salt, n: stored.n, r: stored.r, p: stored.p, length: expected.count)
        else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(key, expected) { difference |= a ^ b }
        return difference == 0 && key.count == expected.count
    }

    static func derive(_ password: String, salt: Data, n: Int, r: Int, p: Int, length: Int = keyLength) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Data(password.utf8),
            salt: salt,
            outputByteCount: length,
            rounds: n,
            blockSize: r,
            parallelism: p
        )
        return key.withUnsafeBytes { Data($0) }
    }
}

extension Engine {
    // MARK: - Passwords

    /// Sets `user`'s password. An admin may set anyone's; a user may change their own after re-entering the current one
    /// (`current`). The password is hashed here (scrypt); only the hash reaches the log. Wrong current passwords are
    /// throttled per client and account.
    /// - Throws: ``DomainError`` naming `password` or `currentPassword`, ``EngineError`` `forbidden`.
    public func setPassword(
        of user: User.ID,
        to password: String,
        current: String?,
        by actor: Actor,
        client: String
    ) async throws
        -> CommandOutcome
    {
        try Passwords.check(password)
        var verified: VerifiedCredential? = nil
        if case .user(let id) = actor {
            let isAdmin = await read { $0.users[id].map { $0.active && $0.has(.admin) } ?? false }
            if !isAdmin {
                guard id == user else { throw EngineError(.forbidden, "only an admin may set another user's password") }
                guard let current, !current.isEmpty else {
                    throw DomainError.invalid("currentPassword", "required", "changing your own password needs your current password")
                }
                try await checkPassword(current, of: id, client: client, field: "currentPassword")
                verified = VerifiedCredential(user: id, meaning: nil)
            }
        }
        let hash = try await Task.detached { try Passwords.hash(password) }.value
        var envelope = CommandEnvelope(command: .setPassword(SetPassword(user: user, hash: hash)), actor: actor)
        envelope.verified = verified
        return try await submit(envelope)
    }

    /// Signs in with a user ID and password (the web page's password sign-in), throttled per client and account.
    public func authenticate(user id: User.ID, password: String, client: String) async -> Authentication {
        if let wait = throttleRetryAfter(client: client, account: id.rawValue) { return .throttled(retryAfter: wait) }
        let (user, stored) = await read { s in (s.users[id], s.passwords[id]) }
        let ok: Bool
        if let stored {
            ok = await Task.detached { Passwords.verify(password, against: stored) }.value
        } else {
            ok = false
        }
        guard ok, let user, user.active else {
            throttleRecord(client: client, account: id.rawValue, success: false)
            return .refused
        }
        throttleRecord(client: client, account: id.rawValue, success: true)
        return .user(user)
    }

    /// Verifies `password` for `user` or throws (throttled; a throttled attempt is refused before the password is looked at).
    func checkPassword(_ password: String, of user: User.ID, client: String, field: String) async throws {
        if let wait = throttleRetryAfter(client: client, account: user.rawValue) {
            throw DomainError.forbidden(field, "throttled", "too many wrong passwords; try again in \(Int(wait.rounded(.up))) s")
        }
        guard let stored = await read({ $0.passwords[user] }) else {
            throttleRecord(client: client, account: user.rawValue, success: false)
            throw DomainError.forbidden(
                field,
                "no-password",
                "user '\(user)' has no password yet; an admin sets one (POST /api/v1/users/\(user)/password)"
            )
        }
        let ok = await Task.detached { Passwords.verify(password, against: stored) }.value
        throttleRecord(client: client, account: user.rawValue, success: ok)
        guard ok else { throw DomainError.forbidden(field, "wrong-password", "the password is wrong; nothing was applied") }
    }

    // MARK: - Signatures

    /// In the commit path, once the command was decided (nothing is applied yet): when the core says it needs a
    /// signature, the envelope must carry the actor's password and a meaning the action allows. The password is verified
    /// here (throttled per client and account; a wrong role, a typo or a conflict was refused before, without spending an
    /// attempt), and the signature event to append after `signed` is made. Nil when the command needs no signature.
    /// Verifying on the engine's actor holds the group commit for one scrypt (tens of milliseconds): signatures are rare.
    func signatureEvent(state: PlantState, envelope e: CommandEnvelope, signed: [Event], at time: Date, encoder: JSONEncoder) throws -> Event? {
        guard case .user(let id) = e.actor, let requirement = state.signatureRequirement(for: e.command, actor: id) else { return nil }
        let allowed = requirement.meanings.map(\.rawValue).joined(separator: " or ")
        guard let credential = e.signature, !credential.password.isEmpty else {
            throw DomainError.invalid(
                "signature.password",
                "required",
                "to \(requirement.statement) you sign electronically: re-enter your password in signature.password "
                    + "and give the meaning in signature.meaning (\(allowed))"
            )
        }
        guard let meaning = SignatureMeaning(rawValue: credential.meaning), requirement.meanings.contains(meaning) else {
            throw DomainError.invalid(
                "signature.meaning",
                "one-of",
                "the signature to \(requirement.statement) means \(allowed) (got '\(credential.meaning)')"
            )
        }
        if let wait = throttleRetryAfter(client: credential.client, account: id.rawValue) {
            throw DomainError.forbidden("signature.password", "throttled", "too many wrong passwords; try again in \(Int(wait.rounded(.up))) s")
        }
        let ok = state.passwords[id].map { Passwords.verify(credential.password, against: $0) } ?? false
        throttleRecord(client: credential.client, account: id.rawValue, success: ok)
        guard ok else {
            throw state.passwords[id] == nil
                ? DomainError.forbidden(
                    "signature.password",
                    "no-password",
                    "user '\(id)' has no password yet; an admin sets one (POST /api/v1/users/\(id)/password)"
                )
                : DomainError.forbidden("signature.password", "wrong-password", "the password is wrong; nothing was applied")
        }
        var signature = ElectronicSignature(
            signer: id,
            signerName: state.users[id]?.name ?? id.rawValue,
            meaning: meaning,
            at: time,
            record: requirement.record,
            action: e.command.typeName,
            statement: requirement.statement,
            signedEvents: signed.count,
            binding: ""
        )
        signature.binding = try Engine.binding(of: signature, events: signed.map { ($0.typeName, try $0.encodePayload(encoder)) })
        return .recordSigned(signature)
    }

    /// The binding of a signature to its record: SHA-256 over its preamble and each signed event's type and payload.
    public static func binding(of signature: ElectronicSignature, events: [(type: String, payload: Data)]) throws -> String {
        var h = SHA256()
        h.update(data: Data(signature.bindingPreamble.utf8))
        for e in events {
            h.update(data: Data("\n\(e.type)\n\(e.payload.count)\n".utf8))
            h.update(data: e.payload)
        }
        return hex(h.finalize())
    }

    /// True when `signature` is bound to exactly these events (the ones right before it in the log, of its command).
    public static func verify(_ signature: ElectronicSignature, signing events: [RecordedEvent]) -> Bool {
        guard events.count == signature.signedEvents,
            let expected = try? binding(of: signature, events: events.map { ($0.type, $0.payload) })
        else { return false }
        return expected == signature.binding
    }

    /// Checks the signature recorded at `sequence` against the events of the log it signs.
    /// - Returns: nil when there is no signature there; otherwise whether it is intact.
    public func verifySignature(at sequence: Int64) async throws -> Bool? {
        guard let event = try await events(after: sequence - 1, limit: 1).first, event.sequence == sequence, event.type == "recordSigned" else {
            return nil
        }
        let signature = try TaktJSON.decoder.decode(ElectronicSignature.self, from: event.payload)
        guard signature.signedEvents > 0, sequence - Int64(signature.signedEvents) >= 1 else { return false }
        let signed = try await events(after: sequence - 1 - Int64(signature.signedEvents), limit: signature.signedEvents)
        return Engine.verify(signature, signing: signed.filter { $0.correlationID == event.correlationID })
    }
}
