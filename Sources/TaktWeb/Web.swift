import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TaktCore
import TaktEngine
import TaktStore
import TaktOrchestration

/// The Takt web app: server-rendered pages over the engine, served by the same server as the JSON API.
/// Pages read the plant with `engine.read` and change it only by submitting the same commands the API submits,
/// as the signed-in user; the plant decides, and its refusals are shown in words.
public struct TaktWeb: Sendable {
    public let engine: Engine
    public let logger: Logger
    let sessions: SessionStore
    public var now: @Sendable () -> Date { engine.now }

    public init(engine: Engine, logger: Logger) {
        self.engine = engine
        self.logger = logger
        self.sessions = SessionStore()
    }

    static let cookieName = "takt_session"

    /// Registers every page, form action, the static files and the live-update stream on `router`.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let web = self
        router.get("/") { request, _ in
            guard let viewer = await web.viewer(request) else { return Response.redirect(to: "/signin", type: .found) }
            return Response.redirect(to: Section.home(for: viewer.user).path, type: .found)
        }
        router.get("/signin") { request, _ in await web.signInPage(request) }
        router.post("/signin") { request, _ in await web.signIn(request) }
        router.post("/signout") { request, _ in await web.signOut(request) }
        router.get("/static/takt.css") { _, _ in Self.asset(Assets.css, type: "text/css; charset=utf-8") }
        router.get("/static/takt.js") { _, _ in Self.asset(Assets.js, type: "text/javascript; charset=utf-8") }
        router.get("/web/events") { request, _ in await web.liveStream(request) }

        page(router, "/tower", .tower) { r, _, v in await web.controlTower(r, v) }
        page(router, "/schedule", .schedule) { r, _, v in await web.schedulePage(r, v) }
        page(router, "/exceptions", .exceptions) { r, _, v in await web.inboxPage(r, v) }
        page(router, "/exceptions/{id}", .exceptions) { r, c, v in await web.exceptionPage(r, v, id: c.parameters.get("id") ?? "") }
        action(router, "/exceptions/{id}/actions/{action}/{decision}", .exceptions) { r, c, v, form in
            try await web.decide(v, form: form, exception: c.parameters.get("id") ?? "", action: c.parameters.get("action") ?? "",
                                 decision: c.parameters.get("decision") ?? "")
        }
        action(router, "/outcome-requests", .exceptions) { r, _, v, form in try await web.outcomeRequest(v, form: form) }
        page(router, "/terminal", .terminal) { r, _, v in await web.terminalIndex(r, v) }
        page(router, "/terminal/{wc}", .terminal) { r, c, v in await web.terminalPage(r, v, workCenter: c.parameters.get("wc") ?? "") }
        action(router, "/terminal/{wc}/{verb}", .terminal) { r, c, v, form in
            try await web.terminalAction(v, form: form, workCenter: c.parameters.get("wc") ?? "", verb: c.parameters.get("verb") ?? "")
        }
        page(router, "/orders", .orders) { r, _, v in await web.ordersPage(r, v) }
        page(router, "/orders/{id}", .orders) { r, c, v in await web.orderPage(r, v, id: c.parameters.get("id") ?? "") }
        page(router, "/genealogy", .genealogy) { r, _, v in await web.genealogyPage(r, v) }
        page(router, "/warehouse", .warehouse) { r, _, v in await web.warehousePage(r, v) }
        page(router, "/quality", .quality) { r, _, v in await web.qualityPage(r, v) }
        page(router, "/admin", .admin) { r, _, v in await web.adminPage(r, v) }
        action(router, "/admin/tokens", .admin) { r, _, v, form in try await web.issueToken(v, form: form) }
    }

    // MARK: - Route helpers

    /// A page: signed-in users whose roles allow the section; others are sent to sign in or told they may not.
    func page<Context: RequestContext>(_ router: Router<Context>, _ path: String, _ section: Section,
                                       _ body: @escaping @Sendable (Request, Context, Viewer) async throws -> PageContent) {
        let web = self
        router.get(RouterPath(path)) { request, context in
            guard var viewer = await web.viewer(request) else {
                return Response.redirect(to: "/signin?next=" + urlEncode(request.uri.description), type: .found)
            }
            viewer.section = section
            guard section.allows(viewer.user) else {
                return web.html(web.layout(viewer, PageContent(title: "Not for your role", body: Pages.forbidden(section, viewer.user))),
                                status: .forbidden)
            }
            do {
                var content = try await body(request, context, viewer)
                if content.flash == nil { content.flash = await web.sessions.takeFlash(viewer.sessionID) }
                return web.html(web.layout(viewer, content), status: content.status)
            } catch {
                web.logger.error("page \(path) failed: \(error)")
                let content = PageContent(title: "Something went wrong", body: el("p", text: "The page could not be shown: \(Web.words(error))"))
                return web.html(web.layout(viewer, content), status: .internalServerError)
            }
        }
    }

    /// A form action: signed-in users whose roles allow the section; the handler returns where to go next and what
    /// to tell the user there (Post/Redirect/Get). A thrown error becomes an error message on the page sent from.
    func action<Context: RequestContext>(_ router: Router<Context>, _ path: String, _ section: Section,
                                         _ body: @escaping @Sendable (Request, Context, Viewer, Form) async throws -> (String, Flash?)) {
        let web = self
        router.post(RouterPath(path)) { request, context in
            guard let viewer = await web.viewer(request) else { return Response.redirect(to: "/signin", type: .normal) }
            let form = await Form.read(request)
            let back = form["back"].flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") ? $0 : nil } ?? Web.refererPath(request) ?? section.path
            guard section.allows(viewer.user) else {
                await web.sessions.setFlash(viewer.sessionID, Flash(kind: .error, title: "Not allowed",
                                                                    lines: ["Your roles do not include \(section.title)."]))
                return Response.redirect(to: back, type: .normal)
            }
            do {
                let (next, flash) = try await body(request, context, viewer, form)
                if let flash { await web.sessions.setFlash(viewer.sessionID, flash) }
                return Response.redirect(to: next, type: .normal)
            } catch {
                await web.sessions.setFlash(viewer.sessionID, Web.flash(for: error))
                return Response.redirect(to: back, type: .normal)
            }
        }
    }

    /// Submits a command as the signed-in user, exactly as the API does.
    @discardableResult
    func submit(_ command: Command, as viewer: Viewer) async throws -> CommandOutcome {
        try await engine.submit(CommandEnvelope(command: command, actor: .user(viewer.user.id), correlationID: nil))
    }

    func html(_ node: Node, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "<!DOCTYPE html>" + node.render())))
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=300"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: - Sign-in

    /// The signed-in user of a request: a live session whose token is not revoked and whose user is active.
    func viewer(_ request: Request) async -> Viewer? {
        guard let id = Web.cookie(Self.cookieName, in: request), let session = await sessions.touch(id, now: Date()) else { return nil }
        let user = await engine.read { state -> User? in
            guard let token = state.tokens[session.token], !token.revoked, token.user == session.user,
                let user = state.users[session.user], user.active
            else { return nil }
            return user
        }
        guard let user else {
            await sessions.end(id)
            return nil
        }
        return Viewer(user: user, sessionID: id, section: nil)
    }

    func signInPage(_ request: Request, error: String? = nil, status: HTTPResponse.Status = .ok) async -> Response {
        let next = request.uri.queryParameters["next"].map(String.init) ?? ""
        return html(Pages.signIn(next: next, error: error), status: status)
    }

    func signIn(_ request: Request) async -> Response {
        let form = await Form.read(request)
        let secret = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty, let user = await engine.authenticate(tokenSecret: secret) else {
            return await signInPage(request, error: "That token is unknown, revoked, or belongs to an inactive user. Scan your badge again "
                                    + "or ask an administrator for a new token.", status: .unauthorized)
        }
        let hash = Engine.hash(secret: secret)
        guard let token = await engine.read({ $0.tokensByHash[hash] }) else {
            return await signInPage(request, error: "That token is not known.", status: .unauthorized)
        }
        let id = await sessions.create(user: user.id, token: token, now: Date())
        logger.info("web sign-in", metadata: ["user": "\(user.id)"])
        var next = form["next"] ?? ""
        if !next.hasPrefix("/") || next.hasPrefix("//") || next.hasPrefix("/signin") { next = Section.home(for: user).path }
        var response = Response.redirect(to: next, type: .normal)
        response.headers[.setCookie] = "\(Self.cookieName)=\(id); Path=/; HttpOnly; SameSite=Strict"
        return response
    }

    func signOut(_ request: Request) async -> Response {
        if let id = Web.cookie(Self.cookieName, in: request) { await sessions.end(id) }
        var response = Response.redirect(to: "/signin", type: .normal)
        response.headers[.setCookie] = "\(Self.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
        return response
    }
}

/// The signed-in user of a page.
struct Viewer: Sendable {
    var user: User
    var sessionID: String
    var section: Section?
    func has(_ role: Role) -> Bool { user.has(.admin) || user.has(role) }
    func hasAny(_ roles: [Role]) -> Bool { roles.contains { has($0) } }
}

/// What a page handler returns: the layout wraps it.
struct PageContent: Sendable {
    var title: String
    var body: Node
    var status: HTTPResponse.Status = .ok
    var flash: Flash?
    /// Large type for the shop floor (the operator terminal).
    var large = false
    init(title: String, body: Node, status: HTTPResponse.Status = .ok, large: Bool = false) {
        self.title = title
        self.body = body
        self.status = status
        self.large = large
    }
}

/// The parts of the web app, each open to some roles (admins see everything).
enum Section: String, CaseIterable, Sendable {
    case tower, schedule, exceptions, terminal, orders, genealogy, warehouse, quality, admin

    var title: String {
        switch self {
        case .tower: "Control tower"
        case .schedule: "Schedule"
        case .exceptions: "Exceptions"
        case .terminal: "Terminal"
        case .orders: "Orders"
        case .genealogy: "Genealogy"
        case .warehouse: "Warehouse"
        case .quality: "Quality"
        case .admin: "Users & tokens"
        }
    }
    var path: String { "/" + rawValue }

    var roles: Set<Role> {
        switch self {
        case .tower: [.planner, .supervisor, .quality, .warehouse, .sales]
        case .schedule: [.planner, .supervisor, .sales, .operator]
        case .exceptions: [.planner, .supervisor, .quality, .warehouse, .sales]
        case .terminal: [.supervisor, .operator]
        case .orders: [.planner, .supervisor, .sales, .quality, .warehouse, .operator]
        case .genealogy: [.planner, .supervisor, .quality, .warehouse]
        case .warehouse: [.planner, .supervisor, .warehouse]
        case .quality: [.planner, .supervisor, .quality]
        case .admin: []
        }
    }
    func allows(_ user: User) -> Bool { user.has(.admin) || !roles.isDisjoint(with: user.roles) }

    /// Where a user lands after signing in.
    static func home(for user: User) -> Section {
        if user.has(.admin) || user.has(.planner) || user.has(.supervisor) || user.has(.sales) { return .tower }
        if user.has(.operator) { return .terminal }
        if user.has(.warehouse) { return .warehouse }
        if user.has(.quality) { return .quality }
        return .orders
    }
}

/// A submitted `application/x-www-form-urlencoded` form.
struct Form: Sendable {
    var fields: [String: String]
    subscript(_ name: String) -> String? { fields[name] }

    func trimmed(_ name: String) -> String? {
        let v = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return v.isEmpty ? nil : v
    }

    static func read(_ request: Request) async -> Form {
        guard let buffer = try? await request.body.collect(upTo: 256 * 1024) else { return Form(fields: [:]) }
        return parse(String(buffer: buffer))
    }

    static func parse(_ text: String) -> Form {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            guard let key = parts.first.map(decode) else { continue }
            fields[key] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return Form(fields: fields)
    }
}

enum Web {
    static func cookie(_ name: String, in request: Request) -> String? {
        guard let header = request.headers[.cookie] else { return nil }
        for part in header.split(separator: ";") {
            let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0] == name { return String(kv[1]) }
        }
        return nil
    }

    /// The path and query of a same-origin Referer (where a refused form should send the user back to).
    static func refererPath(_ request: Request) -> String? {
        guard let referer = request.headers[.referer], let url = URL(string: referer), let host = url.host,
            let own = request.head.authority, own.hasPrefix(host)
        else { return nil }
        let path = url.path.isEmpty ? "/" : url.path
        return url.query.map { path + "?" + $0 } ?? path
    }

    /// An error in words, for a person.
    static func words(_ error: any Error) -> String {
        switch error {
        case let e as DomainError: e.violations.map(\.message).joined(separator: "; ")
        case let e as EngineError: e.message
        case let e as OrchestrationError: e.message
        case let e as WebError: e.message
        default: "\(error)"
        }
    }

    /// The message shown after a refused form: interlocks listed one per line, in the plant's own words.
    static func flash(for error: any Error) -> Flash {
        switch error {
        case let e as DomainError:
            let interlocks = Set(Interlock.allCases.map(\.rawValue))
            if e.violations.contains(where: { interlocks.contains($0.rule) }) {
                return Flash(kind: .interlock, title: "Not yet — the plant says:", lines: e.violations.map(\.message))
            }
            let title = switch e.kind {
            case .invalid: "That was not accepted"
            case .notFound: "Not found"
            case .conflict: "That cannot be done now"
            case .forbidden: "Not allowed for your role"
            }
            return Flash(kind: .error, title: title, lines: e.violations.map(\.message))
        case let e as EngineError:
            return Flash(kind: .error, title: e.code == .forbidden ? "Not allowed for your role" : "The server could not do that", lines: [e.message])
        case let e as OrchestrationError:
            return Flash(kind: .error, title: "The planner could not answer", lines: [e.message])
        case let e as WebError:
            return Flash(kind: .error, title: e.title, lines: [e.message])
        default:
            return Flash(kind: .error, title: "Something went wrong", lines: ["\(error)"])
        }
    }
}

/// A refusal by the web layer itself (a missing field), in words.
struct WebError: Error, Sendable {
    var title: String
    var message: String
    init(_ title: String, _ message: String) {
        self.title = title
        self.message = message
    }
    static func missing(_ what: String) -> WebError { WebError("Something is missing", "Please fill in \(what).") }
}
