import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktTestSupport
import Testing

@testable import TaktWeb

/// Issue 13, findings 5 (same-site CSRF), 7 (open redirect) and 8 (sign-in throttling) in the web app, and its cookies.
@Suite("The web app refuses forged forms, off-site redirects and guessing (issue 13)")
struct WebSecurityTests {
    // MARK: - Redirects (finding 7)

    @Test("Only a local path is a redirect target; every hostile variant goes home instead")
    func redirectTargets() {
        let hostile = [
            "/\\evil.example/", "//evil.example", "/%5Cevil.example", "/%5cevil.example", "https://evil.example", "http:evil.example",
            "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "%2F%2Fevil.example", "/%2F/evil.example", "/%252F/evil.example",
            "/%25255Cevil.example", "\\\\evil.example", "javascript:alert(1)", " /tower", "", "tower", "/tower\u{0}", "/%00/x",
            "/\u{200B}/evil.example", "/%zz%5C", "\\/evil.example", "/\u{85}/evil.example",
        ]
        for target in hostile {
            #expect(Redirect.local(target) == nil, "\(target.debugDescription) must not be a redirect target")
            #expect(Redirect.target(target, fallback: "/tower") == "/tower")
        }
        #expect(Redirect.local(nil) == nil)
        for local in ["/", "/tower", "/terminal/WC-MILL-1?lot=CAST-33&po=PO-000007&op=10", "/orders/SO-10001#PO-000002", "/genealogy?lot=A%20B"] {
            #expect(Redirect.local(local) == local)
        }
    }

    @Test("Signing in with next=/\\evil.example/ lands on the user's home page; a form's back field cannot send the browser off-site")
    func signInAndBackRedirects() async throws {
        try await WebServer.run { s in
            for next in ["/\\evil.example/", "//evil.example/", "/%5Cevil.example", "https://evil.example/"] {
                let (nonce, token) = try await s.signInForm()
                let reply = try await s.send(
                    .POST,
                    "/signin",
                    cookie: nonce,
                    form: [("token", WebServer.adminToken), ("next", next)],
                    formToken: token
                )
                #expect(reply.status == 303)
                #expect(reply.location == "/tower", "next=\(next) redirected to \(reply.location ?? "nothing")")
            }
            let (nonce, token) = try await s.signInForm()
            let good = try await s.send(
                .POST,
                "/signin",
                cookie: nonce,
                form: [("token", WebServer.adminToken), ("next", "/orders/SO-10001")],
                formToken: token
            )
            #expect(good.location == "/orders/SO-10001", "a local next is kept")

            // The sign-in page does not even render a hostile next into its form.
            let page = try await s.send(.GET, "/signin?next=%2F%5Cevil.example%2F")
            #expect(!page.text.contains("evil.example"))

            // A refused form goes back to its back field, only when local.
            let admin = try await s.signIn(WebServer.adminToken)
            for back in ["/\\evil.example/", "//evil.example", "/%5Cevil.example"] {
                let refused = try await s.send(.POST, "/admin/tokens", cookie: admin, form: [("user", ""), ("back", back)])
                #expect(refused.status == 303)
                #expect(refused.location == "/admin", "back=\(back) redirected to \(refused.location ?? "nothing")")
            }
            let local = try await s.send(.POST, "/admin/tokens", cookie: admin, form: [("user", ""), ("back", "/admin?x=1")])
            #expect(local.location == "/admin?x=1")
        }
    }

    // MARK: - CSRF (finding 5)

    @Test("A form token verifies only for its own session or sign-in nonce")
    func tokensAreBound() {
        let tokens = CSRFTokens()
        let mine = tokens.token(for: .session("a"))
        #expect(tokens.verify(mine, for: .session("a")))
        #expect(!tokens.verify(mine, for: .session("b")))
        #expect(!tokens.verify(mine, for: .signIn(nonce: "a")))
        #expect(!tokens.verify("", for: .session("a")))
        #expect(!tokens.verify(nil, for: .session("a")))
        #expect(!tokens.verify(String(mine.dropLast()), for: .session("a")))
        #expect(!CSRFTokens().verify(mine, for: .session("a")), "another server start has another key")
    }

    @Test("Every post form gets the token as its first field; get forms do not")
    func protectAddsTheField() {
        let page = el("main") {
            el("form", ["method": "post", "action": "/a"]) { el("div") { el("form", ["method": "POST", "action": "/b"]) { "x" } } }
            el("form", ["method": "get", "action": "/c"]) { "y" }
        }
        let html = CSRFTokens.protect(page, token: "T0K").render()
        #expect(
            html == "<main><form method=\"post\" action=\"/a\"><input type=\"hidden\" name=\"_csrf\" value=\"T0K\"><div>"
                + "<form method=\"POST\" action=\"/b\"><input type=\"hidden\" name=\"_csrf\" value=\"T0K\">x</form></div></form>"
                + "<form method=\"get\" action=\"/c\">y</form></main>"
        )
    }

    @Test("The Origin check accepts the server's own origin only")
    func originCheck() {
        func verdict(_ origin: String?, referer: String? = nil, host: String = "takt.example:8080", secure: Bool = false) -> OriginCheck.Verdict {
            OriginCheck.verdict(origin: origin, referer: referer, authority: host, secure: secure)
        }
        #expect(verdict("http://takt.example:8080") == .sameOrigin)
        #expect(verdict("http://TAKT.example:8080") == .sameOrigin)
        #expect(verdict("http://takt.example:9090") == .foreign("http://takt.example:9090"), "same host, another port")
        #expect(verdict("http://other.takt.example:8080") == .foreign("http://other.takt.example:8080"), "a sibling subdomain")
        #expect(verdict("null") == .foreign("null"))
        #expect(verdict(nil) == .unknown)
        #expect(verdict(nil, referer: "http://takt.example:8080/admin") == .sameOrigin)
        #expect(verdict(nil, referer: "http://takt.example:9090/x") == .foreign("http://takt.example:9090/x"))
        #expect(verdict("https://takt.example", host: "takt.example") == .sameOrigin, "behind a TLS proxy that keeps the Host")
        #expect(
            verdict("http://takt.example", host: "takt.example", secure: true) == .foreign("http://takt.example"),
            "with --secure-cookies the server's origin is https only"
        )
        #expect(verdict("https://takt.example", host: "takt.example", secure: true) == .sameOrigin)
    }

    @Test(
        "Issuing a token from a form without the token, with another session's token, or from another origin is refused with 403 and issues nothing"
    )
    func forgedFormsAreRefused() async throws {
        try await WebServer.run { s in
            let admin = try await s.signIn(WebServer.adminToken)
            let other = try await s.signIn(WebServer.adminToken)  // the same admin in another browser
            let otherToken = try #require(s.formTokens[other])
            func tokens() async -> Int { await s.engine.read { $0.tokens.count } }
            let before = await tokens()
            let sequence = await s.engine.committedSequence

            let missing = try await s.send(.POST, "/admin/tokens", cookie: admin, form: [("user", "planner")], formToken: .some(nil))
            #expect(missing.status == 403)
            #expect(missing.text.contains("did not carry the form&#39;s security token"), "\(missing.text)")
            #expect(missing.text.contains("Nothing was changed"))

            let stolen = try await s.send(.POST, "/admin/tokens", cookie: admin, form: [("user", "planner")], formToken: otherToken)
            #expect(stolen.status == 403)
            #expect(stolen.text.contains("does not belong to this browser&#39;s session"))

            let own = try #require(URL(string: s.baseURL))
            let sibling = "http://\(try #require(own.host)):\((own.port ?? 80) + 1)"
            let foreign = try await s.send(.POST, "/admin/tokens", cookie: admin, form: [("user", "planner")], headers: [("Origin", sibling)])
            #expect(foreign.status == 403, "a page on the same host and another port")
            #expect(foreign.text.contains("another site"))
            let foreignReferer = try await s.send(
                .POST,
                "/admin/tokens",
                cookie: admin,
                form: [("user", "planner")],
                headers: [("Referer", sibling + "/attack.html")]
            )
            #expect(foreignReferer.status == 403)

            #expect(await tokens() == before, "no token was issued")
            #expect(await s.engine.committedSequence == sequence, "nothing was recorded")

            let genuine = try await s.send(.POST, "/admin/tokens", cookie: admin, form: [("user", "planner")], headers: [("Origin", s.baseURL)])
            #expect(genuine.status == 303 && genuine.location == "/admin")
            #expect(await tokens() == before + 1)
            let withoutOrigin = try await s.send(.POST, "/admin/tokens", cookie: admin, form: [("user", "planner")])
            #expect(withoutOrigin.status == 303, "no Origin header: the token alone decides")
            #expect(await tokens() == before + 2)
        }
    }

    @Test("Starting an operation and signing out need the token too; a refused sign-out leaves the session signed in")
    func otherFormsNeedTheToken() async throws {
        try await WebServer.run { s in
            let anna = try await s.signIn(try await s.issueToken(for: "op-anna"))
            let sequence = await s.engine.committedSequence
            let start = try await s.send(
                .POST,
                "/terminal/WC-MILL-1/clock-in",
                cookie: anna,
                form: [("back", "/terminal/WC-MILL-1")],
                formToken: .some(nil)
            )
            #expect(start.status == 403)
            #expect(await s.engine.committedSequence == sequence)
            let clockIn = try await s.send(.POST, "/terminal/WC-MILL-1/clock-in", cookie: anna, form: [("back", "/terminal/WC-MILL-1")])
            #expect(clockIn.status == 303)
            #expect(await s.engine.committedSequence > sequence, "with the token the clock-in is recorded")

            #expect(try await s.send(.POST, "/signout", cookie: anna, form: [], formToken: .some(nil)).status == 403)
            #expect(try await s.send(.GET, "/terminal", cookie: anna).status == 200, "still signed in")
            #expect(try await s.send(.POST, "/signout", cookie: anna, form: []).status == 303)
            #expect(try await s.send(.GET, "/terminal", cookie: anna).status == 302)
        }
    }

    @Test("Every post form on every page carries the session's token")
    func everyFormCarriesTheToken() async throws {
        try await WebServer.run { s in
            let admin = try await s.signIn(WebServer.adminToken)
            let token = try #require(s.formTokens[admin])
            var forms = 0
            for path in [
                "/tower", "/schedule", "/exceptions", "/terminal", "/terminal/WC-MILL-1", "/orders", "/genealogy", "/warehouse", "/quality", "/admin",
            ] {
                let html = try await s.send(.GET, path, cookie: admin).text
                var rest = html[...]
                while let open = rest.range(of: "<form ") {
                    let tagEnd = try #require(rest[open.upperBound...].firstIndex(of: ">"))
                    let tag = rest[open.lowerBound...tagEnd]
                    let after = rest[rest.index(after: tagEnd)...]
                    if tag.contains("method=\"post\"") {
                        forms += 1
                        #expect(after.hasPrefix("<input type=\"hidden\" name=\"_csrf\" value=\"\(token)\">"), "\(path): \(tag)")
                    }
                    rest = after
                }
            }
            #expect(forms >= 15, "the pages have many post forms (\(forms) found)")
        }
    }

    @Test("Signing in needs the sign-in page's token (login CSRF): without it, with another browser's, or from another origin it is refused")
    func loginCSRF() async throws {
        try await WebServer.run { s in
            let (nonce, token) = try await s.signInForm()
            let (_, otherToken) = try await s.signInForm()
            let none = try await s.send(.POST, "/signin", cookie: nonce, form: [("token", WebServer.adminToken)], formToken: .some(nil))
            #expect(none.status == 403 && none.headers["Set-Cookie"].isEmpty)
            let noCookie = try await s.send(.POST, "/signin", form: [("token", WebServer.adminToken)], formToken: token)
            #expect(noCookie.status == 403)
            let other = try await s.send(.POST, "/signin", cookie: nonce, form: [("token", WebServer.adminToken)], formToken: otherToken)
            #expect(other.status == 403)
            let foreign = try await s.send(
                .POST,
                "/signin",
                cookie: nonce,
                form: [("token", WebServer.adminToken)],
                formToken: token,
                headers: [("Origin", "http://evil.example")]
            )
            #expect(foreign.status == 403 && foreign.headers["Set-Cookie"].isEmpty)
            let genuine = try await s.send(
                .POST,
                "/signin",
                cookie: nonce,
                form: [("token", WebServer.adminToken)],
                formToken: token,
                headers: [("Origin", s.baseURL)]
            )
            #expect(genuine.status == 303)
        }
    }

    // MARK: - Throttling (finding 8)

    @Test("After repeated wrong tokens a sign-in is answered 429 saying when to try again, even with the right token; after the wait it works")
    func signInThrottled() async throws {
        let clock = TestClock(WebServer.morning)
        try await WebServer.run(clock: clock) { s in
            let (nonce, token) = try await s.signInForm()
            func attempt(_ secret: String) async throws -> WebServer.Reply {
                try await s.send(.POST, "/signin", cookie: nonce, form: [("token", secret)], formToken: token)
            }
            for i in 1...6 {
                #expect(try await attempt("guess-\(i)").status == 401, "attempt \(i) is checked")
            }
            let throttled = try await attempt(WebServer.adminToken)
            #expect(throttled.status == 429)
            #expect(throttled.headers.first(name: "Retry-After") == "1")
            #expect(
                throttled.text.contains("Too many failed sign-ins from this device. Try again in 1 second (after 06:00:01 UTC)"),
                "\(throttled.text)"
            )
            #expect(!throttled.headers["Set-Cookie"].contains { $0.hasPrefix("takt_session=") }, "no session while throttled")

            clock.advance(minutes: 2.0 / 60)
            #expect(try await attempt("guess-7").status == 401)
            let longer = try await attempt(WebServer.adminToken)
            #expect(longer.status == 429, "the wait doubles")
            #expect(longer.headers.first(name: "Retry-After") == "2")

            clock.advance(minutes: 3.0 / 60)
            let ok = try await attempt(WebServer.adminToken)
            #expect(ok.status == 303, "after the wait the right token signs in")
        }
    }

    // MARK: - Cookies

    @Test("With --secure-cookies every cookie is Secure; without, none is")
    func secureCookies() async throws {
        try await WebServer.run(secureCookies: true) { s in
            let page = try await s.send(.GET, "/signin")
            #expect(page.headers["Set-Cookie"].allSatisfy { $0.contains("; Secure") && $0.contains("HttpOnly") && $0.contains("SameSite=Strict") })
            let (nonce, token) = try await s.signInForm()
            // The server's own origin is https now: a form from http://host:port is another origin, one from https is not.
            let reply = try await s.send(
                .POST,
                "/signin",
                cookie: nonce,
                form: [("token", WebServer.adminToken)],
                formToken: token,
                headers: [("Origin", s.baseURL.replacingOccurrences(of: "http:", with: "https:"))]
            )
            #expect(reply.status == 303)
            #expect(reply.headers["Set-Cookie"].count == 2)
            #expect(reply.headers["Set-Cookie"].allSatisfy { $0.contains("; Secure") })
        }
        try await WebServer.run { s in
            let page = try await s.send(.GET, "/signin")
            #expect(!page.headers["Set-Cookie"].isEmpty)
            #expect(page.headers["Set-Cookie"].allSatisfy { !$0.contains("Secure") })
        }
    }

    @Test("Signing in issues a new session ID and ends the one the browser brought; an idle session ends after 14 hours")
    func sessionRotationAndIdleExpiry() async throws {
        let clock = TestClock(WebServer.morning)
        try await WebServer.run(clock: clock) { s in
            let first = try await s.signIn(WebServer.adminToken)
            let (nonce, token) = try await s.signInForm()
            let again = try await s.send(.POST, "/signin", cookie: first + "; " + nonce, form: [("token", WebServer.adminToken)], formToken: token)
            #expect(again.status == 303)
            let second = try #require(
                again.headers["Set-Cookie"].first { $0.hasPrefix("takt_session=") }?.split(separator: ";").first.map(String.init)
            )
            #expect(second != first, "a new session ID")
            #expect(again.headers["Set-Cookie"].contains { $0.hasPrefix("takt_signin=;") && $0.contains("Max-Age=0") }, "the sign-in nonce is spent")
            #expect(try await s.send(.GET, "/tower", cookie: first).status == 302, "the old session ended")
            #expect(try await s.send(.GET, "/tower", cookie: second).status == 200)

            clock.advance(minutes: 13 * 60 + 59)
            #expect(try await s.send(.GET, "/tower", cookie: second).status == 200, "used within 14 hours: still signed in")
            clock.advance(minutes: 14 * 60 + 1)
            let idle = try await s.send(.GET, "/tower", cookie: second)
            #expect(idle.status == 302 && idle.location?.hasPrefix("/signin") == true, "idle over 14 hours: signed out")
        }
    }
}
