public import Foundation

// Passwords and electronic signatures (21 CFR Part 11 §11.50, §11.200), the pure part.
//
// The core never sees a password: the engine hashes it (scrypt) and the core stores the hash with its parameters
// (`passwordSet`). Which commands need a signature, what it binds to and what it may mean is decided here, once,
// for every front end (``PlantState/signatureRequirement(for:actor:)``); the engine verifies the re-entered
// password before the command is decided and appends the signature record (`recordSigned`) in the same commit.

// MARK: - Passwords

/// A memory-hard password hash as stored: the algorithm and its parameters travel with it, so they can be raised later
/// (a hash made with weaker parameters still verifies, and the next password change uses the stronger ones).
public struct PasswordHash: Codable, Sendable, Hashable {
    /// Always "scrypt" for now.
    public var algorithm: String
    /// scrypt cost N (a power of two), block size r and parallelism p.
    public var n: Int
    public var r: Int
    public var p: Int
    /// Base64 of the random salt (per user, per password).
    public var salt: String
    /// Base64 of the derived key.
    public var hash: String
    public init(algorithm: String = "scrypt", n: Int, r: Int, p: Int, salt: String, hash: String) {
        self.algorithm = algorithm
        self.n = n
        self.r = r
        self.p = p
        self.salt = salt
        self.hash = hash
    }
}

/// Sets a user's password (the engine hashed it; an admin for anyone, a user for themself after re-entering the old one).
public struct SetPassword: Codable, Sendable, Hashable {
    public var user: User.ID
    public var hash: PasswordHash
    public init(user: User.ID, hash: PasswordHash) {
        self.user = user
        self.hash = hash
    }
}

/// A password was set. Carries the hash: the event log must redact it for readers.
public struct PasswordSet: Codable, Sendable, Hashable {
    public var user: User.ID
    public var hash: PasswordHash
    public var by: User.ID?
    public var at: Date
    public init(user: User.ID, hash: PasswordHash, by: User.ID?, at: Date) {
        self.user = user
        self.hash = hash
        self.by = by
        self.at = at
    }
}

// MARK: - Electronic signatures

/// What a signature means (§11.50(a)(3)).
public enum SignatureMeaning: String, StringChoice, Codable, Sendable, CaseIterable {
    case approved, rejected, released, reviewed, verified, responsible
}

/// The kind of record a signature is part of.
public enum SignedRecordKind: String, StringChoice, Codable, Sendable, CaseIterable {
    case nonconformance, hold, exception
    case engineeringChange = "engineering-change"
}

/// The record a signature belongs to.
public struct SignedRecord: Codable, Sendable, Hashable, CustomStringConvertible {
    public var kind: SignedRecordKind
    public var id: String
    public init(kind: SignedRecordKind, id: String) {
        self.kind = kind
        self.id = id
    }
    public var description: String { "\(kind.rawValue) \(id)" }
}

/// An electronic signature as recorded (§11.50): who (ID and printed name), when (the plant clock), what it means,
/// what was signed, and a binding: a SHA-256 over the record's identity, the signature's own fields and the content
/// of the events it signs (the events of the same command, just before it in the log), so it cannot be copied to
/// another record or moved to other events without the check failing (§11.70).
public struct ElectronicSignature: Codable, Sendable, Hashable {
    public var signer: User.ID
    public var signerName: String
    public var meaning: SignatureMeaning
    public var at: Date
    public var record: SignedRecord
    /// The command signed ("approveDisposition", …).
    public var action: String
    /// What was signed, in words ("approve the use-as-is disposition of NC-000001").
    public var statement: String
    /// How many events right before this signature's event (of the same command) it signs.
    public var signedEvents: Int
    /// Lowercase hex SHA-256 binding (see the type's description).
    public var binding: String
    public init(
        signer: User.ID,
        signerName: String,
        meaning: SignatureMeaning,
        at: Date,
        record: SignedRecord,
        action: String,
        statement: String,
        signedEvents: Int,
        binding: String
    ) {
        self.signer = signer
        self.signerName = signerName
        self.meaning = meaning
        self.at = at
        self.record = record
        self.action = action
        self.statement = statement
        self.signedEvents = signedEvents
        self.binding = binding
    }

    /// The text the binding hashes, besides the signed events: the version, the signer, the meaning, the time, the
    /// record's identity, the action and the number of events, one per line.
    public var bindingPreamble: String {
        [
            "takt-esig-v1", signer.rawValue, signerName, meaning.rawValue, TaktJSON.formatDate(at), record.kind.rawValue, record.id, action,
            statement, String(signedEvents),
        ].joined(separator: "\n")
    }
}

/// What a command needs signed, when it needs a signature.
public struct SignatureRequirement: Sendable, Hashable {
    public var record: SignedRecord
    /// The meanings the signer may give (the first is the usual one).
    public var meanings: [SignatureMeaning]
    public var statement: String
    public init(record: SignedRecord, meanings: [SignatureMeaning], statement: String) {
        self.record = record
        self.meanings = meanings
        self.statement = statement
    }
}

extension PlantState {
    /// Whether a command by `actor` needs the actor's electronic signature, on what record and with what meaning.
    /// The system (actor nil) never signs: what it carries out was signed when it was approved.
    ///
    /// Signed: quality's approval or rejection of a proposed disposition; a disposition quality decides (it is approved at
    /// once, use-as-is included); releasing a hold; approving or rejecting an exception action whose steps the approval
    /// policy marks `signed`; approving or rejecting an engineering change when the policy's engineering-change rule is
    /// `signed` (the standard rule is).
    public func signatureRequirement(for command: Command, actor: User.ID?) -> SignatureRequirement? {
        guard let actor else { return nil }
        switch command {
        case .approveDisposition(let a):
            guard let nc = nonconformances[a.nonconformance] else { return nil }
            let kind = nc.disposition?.kind.rawValue ?? "proposed"
            return SignatureRequirement(
                record: SignedRecord(kind: .nonconformance, id: nc.id.rawValue),
                meanings: a.approved ? [.approved, .reviewed] : [.rejected],
                statement: "\(a.approved ? "approve" : "reject") the \(kind) disposition of \(nc.id)"
            )
        case .dispositionNonconformance(let d):
            guard let nc = nonconformances[d.nonconformance], isQuality(actor) else { return nil }
            return SignatureRequirement(
                record: SignedRecord(kind: .nonconformance, id: nc.id.rawValue),
                meanings: [.approved],
                statement: "decide and approve the \(d.disposition.rawValue) disposition of \(nc.id)"
            )
        case .releaseHold(let r):
            guard let hold = holds[r.hold] else { return nil }
            return SignatureRequirement(
                record: SignedRecord(kind: .hold, id: hold.id.rawValue),
                meanings: [.released],
                statement: "release \(hold.id)"
            )
        case .approveAction(let d), .rejectAction(let d):
            guard let exception = exceptions[d.exception], let action = exception.actions.first(where: { $0.id == d.action }) else { return nil }
            let signedKinds = Set(approvalPolicy.rules.filter { $0.signed == true }.map(\.action))
            guard action.steps.contains(where: { signedKinds.contains($0.kind) }) else { return nil }
            let approving = if case .approveAction = command { true } else { false }
            return SignatureRequirement(
                record: SignedRecord(kind: .exception, id: exception.id.rawValue),
                meanings: approving ? [.approved, .reviewed] : [.rejected],
                statement: "\(approving ? "approve" : "reject") action \(action.id) (\(action.title)) of \(exception.id)"
            )
        case .approveEngineeringChange(let d), .rejectEngineeringChange(let d):
            guard let eco = engineeringChanges[d.engineeringChange], engineeringChangeRule.signed == true else { return nil }
            let approving = if case .approveEngineeringChange = command { true } else { false }
            let what = eco.workInstruction.map { p in "\(p.workInstruction) revision \(p.revision ?? "?")" } ?? "routing changes"
            return SignatureRequirement(
                record: SignedRecord(kind: .engineeringChange, id: eco.id.rawValue),
                meanings: approving ? [.approved, .reviewed] : [.rejected],
                statement: "\(approving ? "approve" : "reject") engineering change \(eco.id) (\(eco.title): \(what))"
            )
        default:
            return nil
        }
    }

    /// Validates a password hash's form (the engine made it; a client sending `setPassword` itself must too).
    func validate(_ set: SetPassword) throws(DomainError) {
        var v = Validator()
        guard let user = users[set.user] else { throw .notFound("user", "user '\(set.user)' does not exist") }
        v.check(user.active, "user", "inactive", "user '\(set.user)' is inactive")
        let h = set.hash
        v.check(h.algorithm == "scrypt", "hash.algorithm", "supported", "the only password hash is scrypt")
        v.check(h.n >= 1 << 14 && h.n <= 1 << 20 && h.n & (h.n - 1) == 0, "hash.n", "range", "scrypt N is a power of two from 2^14 to 2^20")
        v.check((8...32).contains(h.r), "hash.r", "range", "scrypt r is 8 to 32")
        v.check((1...16).contains(h.p), "hash.p", "range", "scrypt p is 1 to 16")
        v.check((Data(base64Encoded: h.salt)?.count ?? 0) >= 16, "hash.salt", "length", "the salt is base64 of at least 16 random bytes")
        v.check((Data(base64Encoded: h.hash)?.count ?? 0) >= 32, "hash.hash", "length", "the hash is base64 of at least 32 bytes")
        try v.throwIfAny()
    }

    /// Folds a recorded signature into the record it belongs to.
    mutating func applySignature(_ s: ElectronicSignature) {
        switch s.record.kind {
        case .nonconformance:
            let id = Nonconformance.ID(s.record.id)
            guard var record = nonconformances[id] else { return }
            record.signatures = (record.signatures ?? []) + [s]
            nonconformances[id] = record
        case .hold:
            let id = Hold.ID(s.record.id)
            guard var record = holds[id] else { return }
            record.signatures = (record.signatures ?? []) + [s]
            holds[id] = record
        case .exception:
            let id = PlantException.ID(s.record.id)
            guard var record = exceptions[id] else { return }
            record.signatures = (record.signatures ?? []) + [s]
            exceptions[id] = record
        case .engineeringChange:
            let id = EngineeringChange.ID(s.record.id)
            guard var record = engineeringChanges[id] else { return }
            record.signatures = (record.signatures ?? []) + [s]
            engineeringChanges[id] = record
        }
    }
}
