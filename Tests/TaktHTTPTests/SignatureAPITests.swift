import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktStore
import TaktTestSupport
import Testing

/// Passwords and electronic signatures (21 CFR Part 11 §11.50, §11.200) through the real server on the demo plant,
/// on a clock the test moves: quality re-enters its password to approve a disposition or release a hold; the record
/// shows who signed, when and what it means; the signature is bound to its record; the password is never answered
/// or logged.
@Suite("Electronic signatures through the API")
struct SignatureAPITests {
    static let morning = Date(timeIntervalSince1970: 1_795_582_800)  // Wed 25 Nov 2026, 05:00 UTC

    /// A nonconformance on a fresh lot with a use-as-is disposition proposed by the supervisor; answers its ID.
    static func proposedUseAsIs(_ s: TestServer, supervisor: String, lot: String) async throws -> String {
        let item = try #require(await s.engine.read { $0.items.values.filter { $0.kind == .purchased }.map(\.id.rawValue).min() })
        let created = try await s.send(
            .POST,
            "/api/v1/lots",
            body: #"{"id":"\#(lot)","item":"\#(item)","quantity":5,"location":"LOC-STORE","supplier":"ACME","supplierLot":"S-1"}"#
        )
        #expect(created.status == 201, "\(created.text)")
        let opened = try await s.send(
            .POST,
            "/api/v1/nonconformances",
            token: supervisor,
            body: #"{"description":"burr on the flange","severity":"minor","lots":["\#(lot)"]}"#
        )
        #expect(opened.status == 201, "\(opened.text)")
        let nc = try #require(try opened.json()["id"] as? String)
        let proposed = try await s.send(
            .POST,
            "/api/v1/nonconformances/\(nc)/disposition",
            token: supervisor,
            body: #"{"disposition":"use-as-is","reason":"deburred by hand"}"#
        )
        #expect(proposed.status == 200, "\(proposed.text)")
        return nc
    }

    @Test(
        "Approving a disposition: without a password it is refused naming signature.password, with a wrong one 403, with an unknown meaning 422 — nothing applied each time; with the right one it is applied and the nonconformance shows who signed, when and what it means"
    )
    func approvalNeedsTheSignersPassword() async throws {
        let clock = TestClock(Self.morning)
        try await TestServer.run(demo: true, clock: clock) { s in
            let quality = try await issueToken(s, for: "quality")
            let supervisor = try await issueToken(s, for: "supervisor")
            try await setPassword(s, for: "quality")
            let nc = try await Self.proposedUseAsIs(s, supervisor: supervisor, lot: "LOT-SIGN-1")
            let path = "/api/v1/nonconformances/\(nc)/approval"
            let before = await s.engine.committedSequence

            let bare = try await s.send(.POST, path, token: quality)
            #expect(bare.status == 422, "\(bare.text)")
            #expect(try fields(bare).contains("signature.password"))
            let wrong = try await s.send(.POST, path, token: quality, body: #"{\#(signature("approved", password: "not the password at all"))}"#)
            #expect(wrong.status == 403, "\(wrong.text)")
            #expect(try rules(wrong).contains("wrong-password"))
            let meaningless = try await s.send(.POST, path, token: quality, body: #"{\#(signature("released"))}"#)
            #expect(meaningless.status == 422, "\(meaningless.text)")
            #expect(try fields(meaningless).contains("signature.meaning"))
            #expect(await s.engine.committedSequence == before, "nothing applied")
            #expect(try await s.send(.GET, "/api/v1/nonconformances/\(nc)", token: quality).json()["status"] as? String == "awaiting-approval")

            clock.advance(minutes: 7)
            let approved = try await s.send(.POST, path, token: quality, body: #"{"note":"checked the permit",\#(signature("approved"))}"#)
            #expect(approved.status == 200, "\(approved.text)")
            #expect(try eventTypes(approved) == ["dispositionDecided", "nonconformanceClosed", "recordSigned"])
            let record = try await s.send(.GET, "/api/v1/nonconformances/\(nc)", token: supervisor).json()
            #expect(record["status"] as? String == "closed")
            let signatures = try #require(record["signatures"] as? [[String: Any]])
            #expect(signatures.count == 1)
            let sig = try #require(signatures.first)
            #expect(sig["signer"] as? String == "quality")
            #expect((sig["signerName"] as? String)?.isEmpty == false)
            #expect(sig["signerName"] as? String == (await s.engine.read { $0.users["quality"]?.name }))
            #expect(sig["meaning"] as? String == "approved")
            #expect(sig["at"] as? String == TaktJSON.formatDate(TaktJSON.wholeSeconds(clock.now)), "the plant clock's time")
            #expect((sig["record"] as? [String: Any])?["id"] as? String == nc)
            #expect((sig["binding"] as? String)?.count == 64)
            // The signature in the log verifies against the events it signs.
            let last = await s.engine.committedSequence
            #expect(try await s.engine.verifySignature(at: last) == true)
        }
    }

    @Test(
        "A signature is bound to its record: moved to another nonconformance, or put after another record's events, its binding no longer verifies; a signed request's idempotency key cannot be replayed on another record"
    )
    func signatureCannotBeCopied() async throws {
        let clock = TestClock(Self.morning)
        try await TestServer.run(demo: true, clock: clock) { s in
            let quality = try await issueToken(s, for: "quality")
            let supervisor = try await issueToken(s, for: "supervisor")
            try await setPassword(s, for: "quality")
            let first = try await Self.proposedUseAsIs(s, supervisor: supervisor, lot: "LOT-SIGN-A")
            let second = try await Self.proposedUseAsIs(s, supervisor: supervisor, lot: "LOT-SIGN-B")
            let key = [("Idempotency-Key", "approve-once")]
            let a = try await s.send(
                .POST,
                "/api/v1/nonconformances/\(first)/approval",
                token: quality,
                body: #"{\#(signature("approved"))}"#,
                headers: key
            )
            #expect(a.status == 200, "\(a.text)")
            // The same key (and signature) sent for the other record is refused; that record stays unapproved.
            let replay = try await s.send(
                .POST,
                "/api/v1/nonconformances/\(second)/approval",
                token: quality,
                body: #"{\#(signature("approved"))}"#,
                headers: key
            )
            #expect(replay.status == 409, "\(replay.text)")
            #expect(try await s.send(.GET, "/api/v1/nonconformances/\(second)", token: quality).json()["status"] as? String == "awaiting-approval")
            let b = try await s.send(.POST, "/api/v1/nonconformances/\(second)/approval", token: quality, body: #"{\#(signature("reviewed"))}"#)
            #expect(b.status == 200, "\(b.text)")

            let log = try await s.engine.events(after: 0, limit: 100_000)
            let signedAt = log.filter { $0.type == "recordSigned" }
            #expect(signedAt.count == 2)
            let (sigA, eventsA) = try signed(signedAt[0], in: log)
            let (sigB, eventsB) = try signed(signedAt[1], in: log)
            #expect(Engine.verify(sigA, signing: eventsA) && Engine.verify(sigB, signing: eventsB))
            var moved = sigA
            moved.record = SignedRecord(kind: .nonconformance, id: second)
            #expect(!Engine.verify(moved, signing: eventsA), "copied to another record")
            #expect(!Engine.verify(sigA, signing: eventsB), "put after another record's events")
            var reworded = sigA
            reworded.meaning = .reviewed
            #expect(!Engine.verify(reworded, signing: eventsA), "its meaning changed")
        }
    }

    @Test("Releasing a hold is signed with the meaning 'released'; the hold shows the signature")
    func holdReleaseIsSigned() async throws {
        let clock = TestClock(Self.morning)
        try await TestServer.run(demo: true, clock: clock) { s in
            let quality = try await issueToken(s, for: "quality")
            try await setPassword(s, for: "quality")
            let item = try #require(await s.engine.read { $0.items.values.filter { $0.kind == .purchased }.map(\.id.rawValue).min() })
            let created = try await s.send(
                .POST,
                "/api/v1/lots",
                body: #"{"id":"LOT-HOLD-S","item":"\#(item)","quantity":5,"location":"LOC-STORE","supplier":"ACME","supplierLot":"S-1"}"#
            )
            #expect(created.status == 201, "\(created.text)")
            let hold = try await s.send(.POST, "/api/v1/holds", token: quality, body: #"{"lot":"LOT-HOLD-S","reason":"certificate missing"}"#)
            let id = try #require(try hold.json()["id"] as? String)
            let unsigned = try await s.send(.POST, "/api/v1/holds/\(id)/release", token: quality, body: #"{"reason":"certificate arrived"}"#)
            #expect(unsigned.status == 422, "\(unsigned.text)")
            #expect(try fields(unsigned).contains("signature.password"))
            #expect(try await s.send(.GET, "/api/v1/holds/\(id)", token: quality).json()["released"] as? Bool == false)
            let released = try await s.send(
                .POST,
                "/api/v1/holds/\(id)/release",
                token: quality,
                body: #"{"reason":"certificate arrived",\#(signature("released"))}"#
            )
            #expect(released.status == 200, "\(released.text)")
            let record = try await s.send(.GET, "/api/v1/holds/\(id)", token: quality).json()
            #expect(record["released"] as? Bool == true)
            let sig = try #require((record["signatures"] as? [[String: Any]])?.first)
            #expect(sig["meaning"] as? String == "released" && sig["signer"] as? String == "quality")
        }
    }

    @Test(
        "Passwords: an admin sets anyone's; a user changes their own only with the current one; another user's is 403; a short one is 422 naming password; neither the password nor its hash is in any answer, and the password is in no event"
    )
    func passwords() async throws {
        let clock = TestClock(Self.morning)
        try await TestServer.run(demo: true, clock: clock) { s in
            let anna = try await issueToken(s, for: "op-anna")
            let short = try await s.send(.POST, "/api/v1/users/op-anna/password", body: #"{"password":"short"}"#)
            #expect(short.status == 422 || short.status == 400, "\(short.text)")
            #expect(short.text.contains("password"))
            let set = try await s.send(.POST, "/api/v1/users/op-anna/password", body: #"{"password":"\#(testPassword)"}"#)
            #expect(set.status == 200, "\(set.text)")
            #expect(try set.json()["user"] as? String == "op-anna")
            let stored = try #require(await s.engine.read { $0.passwords["op-anna"] })
            #expect(stored.algorithm == "scrypt" && stored.n == Passwords.n && stored.r == Passwords.r && stored.p == Passwords.p)
            #expect(!set.text.contains(stored.hash) && !set.text.contains(stored.salt) && !set.text.contains(testPassword))

            #expect(try await s.send(.POST, "/api/v1/users/quality/password", token: anna, body: #"{"password":"\#(testPassword)"}"#).status == 403)
            let noCurrent = try await s.send(.POST, "/api/v1/users/op-anna/password", token: anna, body: #"{"password":"a brand new passphrase"}"#)
            #expect(noCurrent.status == 422, "\(noCurrent.text)")
            #expect(try fields(noCurrent).contains("currentPassword"))
            let wrongCurrent = try await s.send(
                .POST,
                "/api/v1/users/op-anna/password",
                token: anna,
                body: #"{"password":"a brand new passphrase","currentPassword":"not it at all"}"#
            )
            #expect(wrongCurrent.status == 403, "\(wrongCurrent.text)")
            // Through /commands a user cannot skip the current password with a hash of their own.
            let forged =
                #"{"type":"setPassword","data":{"user":"op-anna","hash":{"algorithm":"scrypt","n":16384,"r":8,"p":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA==","hash":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}}}"#
            #expect(try await s.send(.POST, "/api/v1/commands", token: anna, body: forged).status == 403)
            let changed = try await s.send(
                .POST,
                "/api/v1/users/op-anna/password",
                token: anna,
                body: #"{"password":"a brand new passphrase","currentPassword":"\#(testPassword)"}"#
            )
            #expect(changed.status == 200, "\(changed.text)")
            let new = try #require(await s.engine.read { $0.passwords["op-anna"] })
            #expect(new.salt != stored.salt, "a fresh salt per password")
            #expect(Passwords.verify("a brand new passphrase", against: new) && !Passwords.verify(testPassword, against: new))

            // No answer of the user API and no event carries either password.
            for path in ["/api/v1/users", "/api/v1/users/op-anna", "/api/v1/users/op-anna/tokens"] {
                let text = try await s.send(.GET, path).text
                #expect(!text.contains(testPassword) && !text.contains("brand new passphrase") && !text.contains(new.hash), "\(path)")
            }
            let log = try await s.engine.events(after: 0, limit: 100_000)
            #expect(log.contains { $0.type == "passwordSet" })
            #expect(
                !log.contains {
                    String(decoding: $0.payload, as: UTF8.self).contains(testPassword)
                        || String(decoding: $0.payload, as: UTF8.self).contains("brand new passphrase")
                }
            )
        }
    }

    @Test("Wrong signing passwords are throttled per account: after a few, even the right one waits; after the wait it signs")
    func wrongPasswordsAreThrottled() async throws {
        let clock = TestClock(Self.morning)
        try await TestServer.run(demo: true, clock: clock) { s in
            let quality = try await issueToken(s, for: "quality")
            let supervisor = try await issueToken(s, for: "supervisor")
            try await setPassword(s, for: "quality")
            let nc = try await Self.proposedUseAsIs(s, supervisor: supervisor, lot: "LOT-SIGN-T")
            let path = "/api/v1/nonconformances/\(nc)/approval"
            var answers: [String] = []
            for _ in 0..<8 {
                let wrong = try await s.send(.POST, path, token: quality, body: #"{\#(signature("approved", password: "guess guess guess"))}"#)
                answers += try rules(wrong)
            }
            #expect(answers.prefix(5).allSatisfy { $0 == "wrong-password" })
            #expect(answers.last == "throttled", "\(answers)")
            let throttled = try await s.send(.POST, path, token: quality, body: #"{\#(signature("approved"))}"#)
            #expect(throttled.status == 403, "\(throttled.text)")
            #expect(try rules(throttled) == ["throttled"], "even the right password waits")
            #expect(await s.engine.read { $0.nonconformances[.init(nc)]?.status == .awaitingApproval })
            clock.advance(minutes: 10)
            #expect(try await s.send(.POST, path, token: quality, body: #"{\#(signature("approved"))}"#).status == 200)
        }
    }
}

// MARK: - Helpers shared by the API tests

/// The password the tests give users that sign.
let testPassword = "correct horse battery staple"

/// Sets a demo user's password, as the admin.
func setPassword(_ s: TestServer, for user: String, _ password: String = testPassword) async throws {
    let set = try await s.send(.POST, "/api/v1/users/\(user)/password", body: #"{"password":"\#(password)"}"#)
    #expect(set.status == 200, "\(set.text)")
}

/// The `"signature": {…}` member of a request body.
func signature(_ meaning: String, password: String = testPassword) -> String {
    #""signature":{"password":"\#(password)","meaning":"\#(meaning)"}"#
}

private func fields(_ reply: TestServer.Reply) throws -> [String] {
    try #require(try reply.json()["errors"] as? [[String: Any]], "no errors: \(reply.text)").compactMap { $0["field"] as? String }
}

private func rules(_ reply: TestServer.Reply) throws -> [String] {
    try #require(try reply.json()["errors"] as? [[String: Any]], "no errors: \(reply.text)").compactMap { $0["rule"] as? String }
}

/// A recorded signature and the events it says it signs (those right before it).
private func signed(_ event: RecordedEvent, in log: [RecordedEvent]) throws -> (ElectronicSignature, [RecordedEvent]) {
    let sig = try TaktJSON.decoder.decode(ElectronicSignature.self, from: event.payload)
    let events = log.filter { $0.sequence < event.sequence && $0.sequence >= event.sequence - Int64(sig.signedEvents) }
    return (sig, events)
}
