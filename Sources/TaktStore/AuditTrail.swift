public import Crypto
public import Foundation

/// The log's hash chain (21 CFR Part 11 §11.10(e)): every event carries the SHA-256 of its own content and of its
/// predecessor's hash, so editing, deleting or reordering a stored event breaks the chain from that point on; signed
/// checkpoints fix the chain's head at intervals, so a rewrite of the whole chain after a checkpoint is detected too.
public enum AuditChain {
    /// The predecessor of event 1.
    public static let genesis = Data(repeating: 0, count: 32)

    /// SHA-256 over a canonical, length-prefixed encoding of everything the log stores about the event, and the
    /// previous event's hash. `sequence` is passed apart so a verifier can ask "would this content fit at M?".
    public static func hash(_ event: RecordedEvent, sequence: Int64? = nil, previous: Data) -> Data {
        var h = SHA256()
        h.update(data: Data("takt-event-v1".utf8))
        func int(_ v: Int64) { withUnsafeBytes(of: v.bigEndian) { h.update(bufferPointer: $0) } }
        func bytes(_ d: Data) {
            int(Int64(d.count))
            h.update(data: d)
        }
        func text(_ s: String?) {
            guard let s else {
                int(-1)
                return
            }
            bytes(Data(s.utf8))
        }
        int(sequence ?? event.sequence)
        int(Int64(event.recordedAt.timeIntervalSince1970.rounded(.down)))
        text(event.actor)
        text(event.type)
        text(event.correlationID)
        text(event.idempotencyKey)
        bytes(event.payload)
        bytes(previous)
        return Data(h.finalize())
    }
}

/// A signed statement "the log's event `sequence` has hash `hash`", made by the server's audit key.
public struct AuditCheckpoint: Sendable, Hashable {
    public var sequence: Int64
    public var hash: Data
    public var signedAt: Date
    /// The raw Ed25519 public key that signed it.
    public var publicKey: Data
    public var signature: Data
    public init(sequence: Int64, hash: Data, signedAt: Date, publicKey: Data, signature: Data) {
        self.sequence = sequence
        self.hash = hash
        self.signedAt = signedAt
        self.publicKey = publicKey
        self.signature = signature
    }

    /// The bytes signed: a domain tag, the sequence, the hash and the signing time (whole seconds).
    public static func message(sequence: Int64, hash: Data, signedAt: Date) -> Data {
        var d = Data("takt-audit-checkpoint-v1".utf8)
        withUnsafeBytes(of: sequence.bigEndian) { d.append(contentsOf: $0) }
        d.append(hash)
        withUnsafeBytes(of: Int64(signedAt.timeIntervalSince1970.rounded(.down)).bigEndian) { d.append(contentsOf: $0) }
        return d
    }

    public static func sign(sequence: Int64, hash: Data, signedAt: Date, key: Curve25519.Signing.PrivateKey) throws -> AuditCheckpoint {
        let at = Date(timeIntervalSince1970: signedAt.timeIntervalSince1970.rounded(.down))
        let signature = try key.signature(for: message(sequence: sequence, hash: hash, signedAt: at))
        return AuditCheckpoint(sequence: sequence, hash: hash, signedAt: at, publicKey: key.publicKey.rawRepresentation, signature: signature)
    }

    /// True when the signature is valid for `publicKey` (the auditor's trusted key, not merely the one stored beside it).
    public func isValid(for publicKey: Curve25519.Signing.PublicKey) -> Bool {
        publicKey.rawRepresentation == self.publicKey
            && publicKey.isValidSignature(signature, for: Self.message(sequence: sequence, hash: hash, signedAt: signedAt))
    }
}

/// The result of checking the whole log: what was checked and the first broken link, if any.
public struct AuditReport: Sendable, Equatable {
    public enum Problem: String, Sendable, Equatable {
        /// The event's content no longer matches the hash recorded with it.
        case edited
        /// A sequence number is missing: an event was deleted.
        case deleted
        /// The event's content belongs at another position: events were reordered.
        case reordered
        /// The event has no hash (written outside Takt, or the hash was removed).
        case unhashed
        /// A checkpoint's signature is not valid for the trusted key.
        case badSignature
        /// A signed checkpoint disagrees with the log: the chain was rewritten after it was signed, or events after it removed.
        case checkpointMismatch
    }
    public struct Break: Sendable, Equatable {
        public var sequence: Int64
        public var problem: Problem
        public var message: String
    }
    public var eventsChecked: Int64 = 0
    public var checkpointsChecked: Int = 0
    public var lastSequence: Int64 = 0
    /// The sequence of the last signed checkpoint (events after it are chained but not yet signed).
    public var lastCheckpoint: Int64 = 0
    public var firstBreak: Break?
    public var isIntact: Bool { firstBreak == nil }
}

/// Checks a log page by page (bounded memory for content; 32 bytes per event for the stored hashes' window).
public struct AuditVerifier: Sendable {
    private var previous = AuditChain.genesis
    private var expected: Int64 = 1
    /// Recent stored hashes by sequence, to recognise an event moved within `window` positions.
    private var recent: [Int64: Data] = [:]
    private let window: Int64 = 16
    public private(set) var report = AuditReport()
    /// Every stored hash by sequence for the checkpoints to be compared with (only those at checkpoint positions are kept).
    private var atCheckpoints: [Int64: Data] = [:]
    private let checkpointSequences: Set<Int64>

    public init(checkpointSequences: Set<Int64>) {
        self.checkpointSequences = checkpointSequences
    }

    /// Feeds the next events of the log in order, each with the hash stored beside it (nil when none). Stops at the first break.
    public mutating func feed(_ page: [(event: RecordedEvent, storedHash: Data?)], lookahead: [Int64: Data] = [:]) {
        for (event, stored) in page {
            guard report.firstBreak == nil else { return }
            if event.sequence != expected {
                let what =
                    event.sequence > expected
                    ? (expected == event.sequence - 1 ? "event \(expected) is missing" : "events \(expected)–\(event.sequence - 1) are missing")
                    : "event \(event.sequence) appears again after \(expected - 1)"
                fail(expected, .deleted, "\(what): the log was cut here (the next stored event is \(event.sequence))")
                return
            }
            guard let stored else {
                fail(
                    event.sequence,
                    .unhashed,
                    "event \(event.sequence) (\(event.type)) has no hash: it was written outside Takt or its hash removed"
                )
                return
            }
            let computed = AuditChain.hash(event, previous: previous)
            if computed != stored {
                if let origin = movedFrom(event, stored: stored, lookahead: lookahead) {
                    fail(
                        event.sequence,
                        .reordered,
                        "event \(event.sequence) (\(event.type)) holds the event recorded at \(origin): events were reordered"
                    )
                } else {
                    fail(event.sequence, .edited, "event \(event.sequence) (\(event.type)) does not match its recorded hash: it was edited")
                }
                return
            }
            recent[event.sequence] = stored
            recent[event.sequence - window * 2] = nil
            if checkpointSequences.contains(event.sequence) { atCheckpoints[event.sequence] = stored }
            previous = stored
            expected += 1
            report.eventsChecked += 1
            report.lastSequence = event.sequence
        }
    }

    /// Checks the signed checkpoints against the chain that was verified, with the trusted public key.
    public mutating func finish(checkpoints: [AuditCheckpoint], trustedKey: Curve25519.Signing.PublicKey?) {
        for checkpoint in checkpoints.sorted(by: { $0.sequence < $1.sequence }) {
            guard report.firstBreak == nil else { return }
            if let key = trustedKey, !checkpoint.isValid(for: key) {
                fail(checkpoint.sequence, .badSignature, "the checkpoint at event \(checkpoint.sequence) is not signed by the audit key")
                return
            }
            guard let hash = atCheckpoints[checkpoint.sequence] else {
                fail(
                    checkpoint.sequence,
                    .checkpointMismatch,
                    "the checkpoint signed at event \(checkpoint.sequence) names an event the log no longer holds (the log ends at \(report.lastSequence)): events were removed"
                )
                return
            }
            if hash != checkpoint.hash {
                fail(
                    checkpoint.sequence,
                    .checkpointMismatch,
                    "the log's hash at event \(checkpoint.sequence) differs from the one signed in its checkpoint: events up to \(checkpoint.sequence) were rewritten after signing"
                )
                return
            }
            report.checkpointsChecked += 1
            report.lastCheckpoint = checkpoint.sequence
        }
    }

    /// The position the event's content was recorded at, when it fits the chain there (within the window).
    private func movedFrom(_ event: RecordedEvent, stored: Data, lookahead: [Int64: Data]) -> Int64? {
        var known = recent
        known[event.sequence] = stored
        for (k, v) in lookahead { known[k] = v }
        let previousHashes = Set(known.values).union([previous, AuditChain.genesis])
        let targets = Set(known.values)
        for m in max(1, event.sequence - window)...(event.sequence + window) where m != event.sequence {
            for p in previousHashes where targets.contains(AuditChain.hash(event, sequence: m, previous: p)) { return m }
        }
        return nil
    }

    private mutating func fail(_ sequence: Int64, _ problem: AuditReport.Problem, _ message: String) {
        report.firstBreak = AuditReport.Break(sequence: sequence, problem: problem, message: message)
    }
}
