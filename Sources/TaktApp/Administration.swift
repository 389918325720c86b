import Crypto
import Foundation
public import Logging
public import TaktCore
public import TaktEngine
public import TaktStore
import TaktStoreSQLite

/// What the server's own console may do on its database: recover admin access, verify the audit trail.
public enum Administration {
    /// Issues a new API token for an active admin, on the server's machine, straight into the database (no HTTP):
    /// the way back when every admin token is lost. Refuses while `takt serve` holds the database, so the running
    /// server never misses the token; the log records it as done by the system, labelled as a console recovery.
    /// - Returns: the token's ID and its secret (shown once).
    public static func issueAdminToken(databasePath: String, user: User.ID, label: String?, logger: Logger) async throws -> (APIToken.ID, String) {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw ConsoleError(message: "there is no database at \(databasePath) (give the server's --db)")
        }
        guard let lock = try DatabaseLock(database: databasePath) else {
            throw ConsoleError(message: "takt serve is running on \(databasePath): stop it, run this again, then start the server")
        }
        defer { withExtendedLifetime(lock) {} }
        let engine = try await TaktApplication.openEngine(databasePath: databasePath, logger: logger)
        let admins = await engine.read { s in s.users.values.filter { $0.active && $0.has(.admin) }.map(\.id.rawValue).sorted() }
        guard let person = await engine.read({ $0.users[user] }) else {
            throw ConsoleError(message: "there is no user '\(user)'; active admins: \(admins.joined(separator: ", "))")
        }
        guard person.active, person.has(.admin) else {
            throw ConsoleError(message: "user '\(user)' is not an active admin; active admins: \(admins.joined(separator: ", "))")
        }
        let secret = Engine.newTokenSecret()
        let outcome = try await engine.submit(
            CommandEnvelope(
                command: .issueAPIToken(
                    IssueAPIToken(
                        user: user,
                        secretHash: Engine.hash(secret: secret),
                        label: label ?? "recovery: takt admin issue-token on the server's console"
                    )
                ),
                actor: .system,
                correlationID: "console-recovery"
            )
        )
        guard case .apiTokenIssued(let token)? = try outcome.domainEvents().last else {
            throw ConsoleError(message: "the token was not issued")
        }
        await engine.saveSnapshot()
        return (token.id, secret)
    }

    /// Verifies the whole audit trail of a database: the hash chain and the signed checkpoints.
    /// - Parameter publicKeyHex: the trusted public key (hex); by default the one in `<database>.audit-key` when present.
    public static func verifyAudit(
        databasePath: String,
        publicKeyHex: String?,
        progress: (@Sendable (Int64) -> Void)? = nil
    ) async throws -> (AuditReport, trustedKey: String?) {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw ConsoleError(message: "there is no database at \(databasePath)")
        }
        var trusted: Curve25519.Signing.PublicKey?
        if let hex = publicKeyHex {
            guard let bytes = Data(hex: hex), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes) else {
                throw ConsoleError(message: "--public-key must be 64 hex characters (an Ed25519 public key)")
            }
            trusted = key
        }
        let keyPath = AuditKeyFile.path(forDatabase: databasePath)
        let source: AuditKeySource = FileManager.default.fileExists(atPath: keyPath) ? .besideDatabase : .none
        let store = try SQLiteEventStore(path: databasePath, auditKey: source)
        let key = trusted ?? store.auditKey?.publicKey
        let report = try await store.verify(trustedKey: key, progress: progress)
        return (report, key.map(AuditKeyFile.hex))
    }
}

extension Administration {
    /// Master-data changes from the database's log (read only; the server may be running).
    public static func masterDataChanges(databasePath: String, subject: String?, logger: Logger) async throws -> [MasterDataChange] {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw ConsoleError(message: "there is no database at \(databasePath)")
        }
        let store = try SQLiteEventStore(path: databasePath, auditKey: .none)
        let engine = try await Engine.open(store: store, logger: logger)
        return try await engine.masterDataChanges(subject: subject)
    }
}

public struct ConsoleError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension Data {
    init?(hex: String) {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out = Data(capacity: chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let b = UInt8(String(decoding: chars[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(b)
            i += 2
        }
        self = out
    }
}
