import Foundation
import TaktCore
import Testing

@Suite("Secrets never leave the server")
struct RedactionTests {
    @Test("A password's scrypt salt and hash are redacted, and only identity readers see that it was set")
    func passwordSet() {
        let set = Event.passwordSet(
            PasswordSet(
                user: "op-anna",
                hash: PasswordHash(n: 32_768, r: 8, p: 1, salt: "c2FsdA==", hash: "aGFzaA=="),
                by: "admin",
                at: Date(timeIntervalSince1970: 1_800_000_000)
            )
        )
        guard case .passwordSet(let out) = set.redacted else {
            Issue.record("still a password event")
            return
        }
        #expect(out.hash.salt == Redaction.marker)
        #expect(out.hash.hash == Redaction.marker)
        #expect(out.user == "op-anna")
        #expect(set.isVisible(to: [.admin]))
        #expect(!set.isVisible(to: [.operator, .quality]))
    }
}
