import Foundation
import NIOHTTP1
import Synchronization
import TaktApp
import TaktCore
import TaktEngine
import TaktService
import TaktTestSupport
import Testing

/// The web app over a service double: a fault of the server inside a form's use case, shown to the user with the
/// reference the server logged it under. In process, no socket; the plant the pages read is the state the test gives.
@Suite("The web app over a scripted service")
struct ServiceDoubleWebTests {
    /// A plant with only the admin user and its token (``TestPlant/adminToken``): what sign-in and the pages read.
    static func plant() async throws -> PlantState {
        let clock = TestClock(TestPlant.morning)
        return try await TestPlant.engine(demo: false, clock: clock.read).snapshot()
    }

    /// The value of the hidden form token in a page.
    static func formToken(in html: String) -> String? {
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func form(_ fields: [(String, String)]) -> Data {
        Data(fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }.joined(separator: "&").utf8)
    }

    static let formType = ("Content-Type", "application/x-www-form-urlencoded")

    /// Signs in with the admin's token through the sign-in form; the session cookie.
    static func signIn(_ c: TestConnection) async throws -> String {
        let page = try await c.send(.GET, "/signin")
        let nonce = try #require(page.headers["Set-Cookie"].first { $0.hasPrefix("takt_signin=") }?.split(separator: ";").first)
        let token = try #require(formToken(in: page.text))
        let signedIn = try await c.send(
            .POST,
            "/signin",
            headers: [("Cookie", String(nonce)), formType],
            body: form([("token", TestPlant.adminToken), ("next", "/exceptions"), ("_csrf", token)])
        )
        #expect(signedIn.status == 303, "\(signedIn.text)")
        let session = try #require(signedIn.headers["Set-Cookie"].first { $0.hasPrefix("takt_session=") }?.split(separator: ";").first)
        return String(session)
    }

    @Test("A fault of the server in an outcome request is shown as 'something went wrong' with the reference to quote, no internals")
    func internalErrorShowsReference() async throws {
        let state = try await Self.plant()
        let admin = try #require(state.users["admin"])
        let service = ScriptedService(clock: TestClock(TestPlant.morning)) { s in
            s.state = state
            s.signIn(TestPlant.adminToken, as: admin)
            s.requestOutcome = { _, _ in throw EngineError(.internal, "the planner's cache lost SO-000012's lines") }
        }
        try await TestConnection.run(service: service) { c in
            let cookie = try await Self.signIn(c)
            let inbox = try await c.send(.GET, "/exceptions", headers: [("Cookie", cookie)])
            #expect(inbox.status == 200)
            let token = try #require(Self.formToken(in: inbox.text))
            let sent = try await c.send(
                .POST,
                "/outcome-requests",
                headers: [("Cookie", cookie), Self.formType, ("X-Request-ID", "req-web-7")],
                body: Self.form([("text", "expedite SO-000012 to 2026-12-01"), ("back", "/exceptions"), ("_csrf", token)])
            )
            #expect(sent.status == 303)
            #expect(sent.headers.first(name: "Location") == "/exceptions")
            let shown = try await c.send(.GET, "/exceptions", headers: [("Cookie", cookie)])
            #expect(shown.status == 200)
            #expect(shown.text.contains("Internal error"))
            #expect(shown.text.contains("quote this reference: req-web-7"), "\(shown.text.prefix(3000))")
            #expect(!shown.text.contains("planner&#39;s cache") && !shown.text.contains("planner's cache") && !shown.text.contains("lost SO-000012"))
            // The message is shown once.
            let again = try await c.send(.GET, "/exceptions", headers: [("Cookie", cookie)])
            #expect(!again.text.contains("req-web-7"))
        }
        #expect(service.calls.all.filter { $0 == "requestOutcome(_:by:)" }.count == 1)
    }

    @Test("A store failure in a form is shown as retry-safe, without a reference; a rule's refusal in its own words")
    func storeFailureAndRule() async throws {
        let state = try await Self.plant()
        let admin = try #require(state.users["admin"])
        let answers = [
            EngineError(.storage, "disk I/O error") as any Error & Sendable,
            DomainError.invalid("text", "unknown-order", "there is no sales order SO-999999"),
        ]
        let calls = Counter()
        let service = ScriptedService(clock: TestClock(TestPlant.morning)) { s in
            s.state = state
            s.signIn(TestPlant.adminToken, as: admin)
            s.requestOutcome = { _, _ in throw answers[min(calls.next(), answers.count - 1)] }
        }
        try await TestConnection.run(service: service) { c in
            let cookie = try await Self.signIn(c)
            for expected in ["The event store is unavailable", "there is no sales order SO-999999"] {
                let inbox = try await c.send(.GET, "/exceptions", headers: [("Cookie", cookie)])
                let token = try #require(Self.formToken(in: inbox.text))
                let sent = try await c.send(
                    .POST,
                    "/outcome-requests",
                    headers: [("Cookie", cookie), Self.formType, ("X-Request-ID", "req-web-8")],
                    body: Self.form([("text", "expedite SO-999999"), ("back", "/exceptions"), ("_csrf", token)])
                )
                #expect(sent.status == 303)
                let shown = try await c.send(.GET, "/exceptions", headers: [("Cookie", cookie)])
                #expect(shown.text.contains(expected), "\(shown.text.prefix(3000))")
                #expect(!shown.text.contains("req-web-8"), "only a fault of the server gives a reference")
            }
        }
    }

    final class Counter: Sendable {
        private let count = Mutex(0)
        /// The count before this call.
        func next() -> Int {
            count.withLock { n in
                n += 1
                return n - 1
            }
        }
    }
}
