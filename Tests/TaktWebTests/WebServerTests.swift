import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import TaktApp
import TaktCore
import TaktEngine
import TaktTestSupport
import Testing

/// A Takt server with the demo plant, reached in process through its router (or over a loopback socket with
/// `transport: .live`), and a browser-like client that keeps each session's form token and does not follow redirects (so
/// a test sees them).
struct WebServer: Sendable {
    static let adminToken = TestPlant.adminToken
    /// Wednesday 25 November 2026, 06:00 UTC: the morning after the demo plant's start.
    static let morning = Date(timeIntervalSince1970: 1_795_478_400 + 30 * 3600)
    let connection: TestConnection
    let engine: Engine
    /// The form token of each signed-in session (by cookie), read from the pages as a browser would.
    let formTokens = FormTokens()

    /// Where the pages are: the live server's address, or `http://localhost` in process (the site an `Origin` names).
    var baseURL: String { connection.baseURL }

    final class FormTokens: Sendable {
        let byCookie = Mutex<[String: String]>([:])
        subscript(_ cookie: String) -> String? { byCookie.withLock { $0[cookie] } }
        func set(_ cookie: String, _ token: String) { byCookie.withLock { $0[cookie] = token } }
    }

    /// The value of the hidden form token field in a page, if any.
    static func formToken(in html: String) -> String? {
        guard let range = html.range(of: "name=\"_csrf\" value=\"") else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    typealias Reply = TestReply

    /// Sends a request as a browser would; a form posted with a signed-in session's cookie carries that session's form
    /// token, as the pages' forms do, unless `formToken` says otherwise (nil: none at all).
    func send(
        _ method: HTTPMethod,
        _ path: String,
        cookie: String? = nil,
        form: [(String, String)]? = nil,
        formToken: String?? = .none,
        headers extra: [(String, String)] = []
    ) async throws -> Reply {
        var headers: [(String, String)] = []
        if let cookie { headers.append(("Cookie", cookie)) }
        headers += extra
        var body: Data?
        if var form {
            let token: String? =
                switch formToken {
                case .some(let explicit): explicit
                case .none: cookie.flatMap { formTokens[$0] }
                }
            if let token, !form.contains(where: { $0.0 == "_csrf" }) { form.append(("_csrf", token)) }
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
            let encoded = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }.joined(separator: "&")
            body = Data(encoded.utf8)
        }
        return try await connection.send(method, path, headers: headers, body: body)
    }

    /// The sign-in page's nonce cookie (`takt_signin=…`) and its form token, as a browser gets them.
    func signInForm() async throws -> (cookie: String, token: String) {
        let page = try await send(.GET, "/signin")
        let setCookie = try #require(page.headers["Set-Cookie"].first { $0.hasPrefix("takt_signin=") })
        return (String(try #require(setCookie.split(separator: ";").first)), try #require(Self.formToken(in: page.text)))
    }

    /// Signs in with a token through the sign-in form and returns the session cookie (`name=value`); remembers the
    /// session's form token (read from its home page) for later form posts.
    func signIn(_ token: String) async throws -> String {
        let (nonce, formToken) = try await signInForm()
        let reply = try await send(.POST, "/signin", cookie: nonce, form: [("token", token)], formToken: formToken)
        #expect(reply.status == 303, "\(reply.text)")
        let setCookie = try #require(reply.headers["Set-Cookie"].first { $0.hasPrefix("takt_session=") })
        let cookie = String(try #require(setCookie.split(separator: ";").first))
        let home = try await send(.GET, try #require(reply.location), cookie: cookie)
        formTokens.set(cookie, try #require(Self.formToken(in: home.text), "the home page has the sign-out form and its token"))
        return cookie
    }

    func issueToken(for user: String) async throws -> String {
        let secret = Engine.newTokenSecret()
        _ = try await engine.submit(
            CommandEnvelope(
                command: .issueAPIToken(IssueAPIToken(user: .init(user), secretHash: Engine.hash(secret: secret), label: "test")),
                actor: .system,
                correlationID: nil
            )
        )
        return secret
    }

    /// - Parameters:
    ///   - clock: the plant's clock (default: standing still at ``morning``).
    ///   - transport: in process (default) or over a real socket.
    static func run<T: Sendable>(
        clock: TestClock = TestClock(morning),
        secureCookies: Bool = false,
        transport: TestTransport = .router,
        _ body: @Sendable (WebServer) async throws -> T
    ) async throws -> T {
        let path = TestPlant.temporaryDatabasePath()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let logger = TestPlant.quietLogger
        let engine = try await TestPlant.engine(storage: .sqlite(path: path), clock: clock.read)
        return try await TestConnection.run(
            transport,
            app: { onRunning in
                TaktApplication.makeApplication(
                    engine: engine,
                    host: "127.0.0.1",
                    port: 0,
                    logger: logger,
                    secureCookies: secureCookies,
                    onServerRunning: onRunning
                )
            },
            body: { connection in
                try await body(WebServer(connection: connection, engine: engine))
            }
        )
    }
}

@Suite("The web app through the real server")
struct WebServerTests {
    @Test("Signing in sets an HttpOnly, SameSite=Strict session cookie; a wrong token is refused; signing out ends the session")
    func signInAndOut() async throws {
        try await WebServer.run { s in
            let anonymous = try await s.send(.GET, "/tower")
            #expect(anonymous.status == 302)
            #expect(anonymous.location?.hasPrefix("/signin") == true)

            let (nonce, formToken) = try await s.signInForm()
            let wrong = try await s.send(.POST, "/signin", cookie: nonce, form: [("token", "not-a-token")], formToken: formToken)
            #expect(wrong.status == 401)
            #expect(wrong.text.contains("unknown, revoked"))

            let reply = try await s.send(.POST, "/signin", cookie: nonce, form: [("token", WebServer.adminToken)], formToken: formToken)
            #expect(reply.status == 303)
            let cookie = try #require(reply.headers["Set-Cookie"].first { $0.hasPrefix("takt_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            let session = String(try #require(cookie.split(separator: ";").first))

            let tower = try await s.send(.GET, "/tower", cookie: session)
            #expect(tower.status == 200)
            #expect(tower.text.contains("<h1>Control tower</h1>"))
            #expect(tower.headers.first(name: "Content-Security-Policy")?.contains("default-src 'self'") == true)

            #expect(try await s.send(.POST, "/signout", cookie: session, form: [], formToken: WebServer.formToken(in: tower.text)).status == 303)
            #expect(try await s.send(.GET, "/tower", cookie: session).status == 302)
        }
    }

    @Test("Every page of the demo plant renders for the admin")
    func everyPageRenders() async throws {
        try await WebServer.run { s in
            let cookie = try await s.signIn(WebServer.adminToken)
            let lot = try #require(await s.engine.read { $0.lots.keys.sorted().first })
            let pages: [(String, String)] = [
                ("/tower", "Control tower"), ("/schedule", "Schedule"), ("/schedule?zoom=week", "Schedule"), ("/schedule?zoom=shift", "Schedule"),
                ("/exceptions", "Exception inbox"), ("/terminal", "Operator terminal"), ("/terminal/WC-MILL-1", "Terminal · WC-MILL-1"),
                ("/orders", "Customer orders"), ("/orders/SO-10001", "Customer order SO-10001"), ("/genealogy", "Genealogy"),
                ("/genealogy?lot=\(lot)", "Genealogy"), ("/warehouse", "Warehouse board"), ("/quality", "Quality board"),
                ("/admin", "Users &amp; tokens"),
            ]
            for (path, title) in pages {
                let reply = try await s.send(.GET, path, cookie: cookie)
                #expect(reply.status == 200, "\(path): \(reply.status)")
                #expect(reply.text.contains("<h1>\(title)</h1>"), "\(path) lacks its title")
            }
            #expect(try await s.send(.GET, "/static/takt.css").status == 200)
            #expect(try await s.send(.GET, "/static/takt.js").text.contains("EventSource"))
        }
    }

    @Test("An operator sees the terminal, not the admin page; a refused start shows the interlocks in words")
    func operatorRoleAndInterlocks() async throws {
        try await WebServer.run { s in
            let anna = try await s.signIn(try await s.issueToken(for: "op-anna"))
            let home = try await s.send(.GET, "/", cookie: anna)
            #expect(home.location == "/terminal")
            let admin = try await s.send(.GET, "/admin", cookie: anna)
            #expect(admin.status == 403)
            let terminal = try await s.send(.GET, "/terminal/WC-MILL-1", cookie: anna)
            #expect(terminal.status == 200)
            #expect(!terminal.text.contains("href=\"/admin\""), "no admin link for an operator")
            #expect(terminal.text.contains("autofocus"))

            let start = try await s.send(.POST, "/terminal/WC-MILL-1/start", cookie: anna, form: [("order", "PO-000007"), ("operation", "10")])
            #expect(start.status == 303)
            let after = try await s.send(.GET, start.location ?? "/terminal/WC-MILL-1", cookie: anna)
            #expect(after.text.contains("flash interlock"), "the refusal is shown as an interlock")
            #expect(after.text.contains("clock"), "the interlock says to clock in")
        }
    }

    @Test("Approving an action in the inbox records the decision as the signed-in planner; the operator may not decide")
    func approveInInbox() async throws {
        try await WebServer.run { s in
            let schedule = PublishedSchedule(
                id: "SCH-000777",
                origin: WebServer.morning,
                steps: [],
                weightedTardinessMinutes: 0,
                makespanMinutes: 0,
                totalSetupMinutes: 0,
                lateOrders: []
            )
            let exception = PlantException(
                id: "EXC-000001",
                kind: .machineDown,
                title: "WC-MILL-1 is down",
                subject: "machine-down:WC-MILL-1",
                disruption: Disruption(kind: .machineDown, workCenter: "WC-MILL-1", from: WebServer.morning),
                raisedAt: WebServer.morning,
                severity: .high,
                functions: [.production],
                causeChain: [CauseLink(kind: "event", text: "WC-MILL-1 went down")],
                impact: Impact(baseline: PlanKPIs(), predicted: PlanKPIs(lateOrders: 2)),
                actions: [
                    ProposedAction(
                        id: "A1",
                        title: "Move to WC-MILL-2",
                        steps: [],
                        predicted: PlanKPIs(),
                        effect: "late orders 2 → 0",
                        cost: 10,
                        costTerms: [],
                        rank: 1,
                        rationale: "cheapest",
                        approvals: [.planner],
                        schedule: schedule
                    )
                ]
            )
            _ = try await s.engine.submit(CommandEnvelope(command: .raiseException(exception), actor: .system, correlationID: nil))
            let id = try #require(await s.engine.read { $0.exceptions.keys.first })

            let anna = try await s.signIn(try await s.issueToken(for: "op-anna"))
            #expect(try await s.send(.GET, "/exceptions", cookie: anna).status == 403)

            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            let inbox = try await s.send(.GET, "/exceptions", cookie: planner)
            #expect(inbox.text.contains("WC-MILL-1 is down"))
            let detail = try await s.send(.GET, "/exceptions/\(id)", cookie: planner)
            #expect(detail.text.contains("approve-A1"))

            let noComment = try await s.send(.POST, "/exceptions/\(id)/actions/A1/reject", cookie: planner, form: [("comment", "")])
            #expect(noComment.status == 303)
            #expect(try await s.send(.GET, "/exceptions/\(id)", cookie: planner).text.contains("A comment is needed"))

            let approve = try await s.send(.POST, "/exceptions/\(id)/actions/A1/approve", cookie: planner, form: [("comment", "go")])
            #expect(approve.status == 303)
            let status = await s.engine.read { $0.exceptions[id]?.actions.first?.status }
            #expect(status == .approved)
            let decision = await s.engine.read { $0.exceptions[id]?.actions.first?.decisions.first }
            #expect(decision?.user == "planner")
            #expect(decision?.comment == "go")

            let compare = try await s.send(.GET, "/schedule?compare=\(id)/A1", cookie: planner)
            #expect(compare.text.contains("SCH-000777"))
        }
    }

    @Test(
        "An action the policy marks as signed asks for the planner's password on the page; without it or with a wrong one nothing is decided; with it the approval is signed"
    )
    func signedApprovalInTheInbox() async throws {
        try await WebServer.run { s in
            _ = try await s.engine.submit(
                CommandEnvelope(
                    command: .defineApprovalPolicy(
                        ApprovalPolicy(rules: [ApprovalPolicy.ApprovalRule(action: .resequence, roles: [.planner], signed: true)])
                    ),
                    actor: .system
                )
            )
            let exception = PlantException(
                id: "EXC-000001",
                kind: .machineDown,
                title: "WC-MILL-1 is down",
                subject: "machine-down:WC-MILL-1",
                disruption: Disruption(kind: .machineDown, workCenter: "WC-MILL-1", from: WebServer.morning),
                raisedAt: WebServer.morning,
                severity: .high,
                functions: [.production],
                causeChain: [CauseLink(kind: "event", text: "WC-MILL-1 went down")],
                impact: Impact(baseline: PlanKPIs(), predicted: PlanKPIs(lateOrders: 2)),
                actions: [
                    ProposedAction(
                        id: "A1",
                        title: "Resequence WC-MILL-1",
                        steps: [ActionStep(kind: .resequence, summary: "run other work first", commands: [])],
                        predicted: PlanKPIs(),
                        effect: "late orders 2 → 0",
                        cost: 10,
                        costTerms: [],
                        rank: 1,
                        rationale: "cheapest",
                        approvals: [.planner],
                        schedule: nil
                    )
                ]
            )
            _ = try await s.engine.submit(CommandEnvelope(command: .raiseException(exception), actor: .system, correlationID: nil))
            let id = try #require(await s.engine.read { $0.exceptions.keys.first })
            _ = try await s.engine.setPassword(of: "planner", to: "correct horse battery", current: nil, by: .system, client: "test")

            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            let detail = try await s.send(.GET, "/exceptions/\(id)", cookie: planner)
            #expect(detail.text.contains("Electronic signature"))
            #expect(detail.text.contains("password-A1"))

            let without = try await s.send(.POST, "/exceptions/\(id)/actions/A1/approve", cookie: planner, form: [("comment", "go")])
            #expect(without.status == 303)
            let wrong = try await s.send(
                .POST,
                "/exceptions/\(id)/actions/A1/approve",
                cookie: planner,
                form: [("comment", "go"), ("password", "guess")]
            )
            #expect(wrong.status == 303)
            #expect(await s.engine.read { $0.exceptions[id]?.actions.first?.status } == .proposed, "nothing decided without the right password")

            let signed = try await s.send(
                .POST,
                "/exceptions/\(id)/actions/A1/approve",
                cookie: planner,
                form: [("comment", "go"), ("password", "correct horse battery")]
            )
            #expect(signed.status == 303)
            #expect(await s.engine.read { $0.exceptions[id]?.actions.first?.status } == .approved)
            let signature = try #require(await s.engine.read { $0.exceptions[id]?.signatures?.first })
            #expect(signature.signer == "planner")
            #expect(signature.meaning == .approved)
            let page = try await s.send(.GET, "/exceptions/\(id)", cookie: planner)
            #expect(page.text.contains("Electronic signatures"))
            #expect(page.text.contains("meaning “approved”"))
        }
    }

    @Test("The outcome-request box shows the planner's answer in words, also while it is not built")
    func outcomeRequest() async throws {
        try await WebServer.run { s in
            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            let reply = try await s.send(.POST, "/outcome-requests", cookie: planner, form: [("text", "what if PO-000031 is cancelled")])
            #expect(reply.status == 303)
            let page = try await s.send(.GET, reply.location ?? "/exceptions", cookie: planner)
            #expect(page.text.contains("class=\"flash"), "the answer or the error is shown")
        }
    }
}
