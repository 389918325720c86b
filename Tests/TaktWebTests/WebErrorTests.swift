import TaktCore
import TaktEngine
import Testing

@testable import TaktWeb

@Suite("How the web app words an error")
struct WebErrorTests {
    @Test("A refusal of the web layer is 400 bad-request with its own title and words, not retry-safe")
    func webError() {
        let p = WebError.missing("what you want to achieve").presentation
        #expect(p.status == 400 && p.code == .badRequest)
        #expect(p.title == "Something is missing" && p.message == "Please fill in what you want to achieve.")
        #expect(p.violations.isEmpty && !p.retrySafe && p.headers.isEmpty)
        #expect(Web.words(WebError("A comment is needed", "Say why.")) == "Say why.")
    }

    @Test("A flash after a refused form: interlocks one per line; a fault of the server with the reference; a rule without one")
    func flashes() {
        let locks = DomainError(.conflict, [Violation(field: "lot", rule: Interlock.lotOnHold.rawValue, message: "lot L-1 is on hold")])
        let interlock = Web.flash(for: locks, reference: "ref-1")
        #expect(interlock.kind == .interlock && interlock.lines == ["lot L-1 is on hold"])

        let bug = Web.flash(for: EngineError(.internal, "event 12 cannot be decoded"), reference: "ref-2")
        #expect(bug.kind == .error && bug.title == "Internal error")
        #expect(bug.lines.last == "Please tell your administrator, and quote this reference: ref-2.")
        #expect(!bug.lines.joined().contains("event 12"))

        let store = Web.flash(for: EngineError(.storage, "disk full"), reference: "ref-3")
        #expect(store.title == "The event store is unavailable" && !store.lines.joined().contains("ref-3"))

        let rule = Web.flash(for: DomainError.invalid("quantity", "positive", "quantity must be greater than zero"), reference: "ref-4")
        #expect(rule.title == "The command breaks a rule" && rule.lines == ["quantity must be greater than zero"])
    }
}
