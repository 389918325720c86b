public import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
public import TaktAgents
import TaktCore
import TaktEngine
import TaktOrchestration
public import TaktService
import TaktStore

/// The Takt web app: server-rendered pages over the service, served by the same server as the JSON API.
/// Pages read the plant with `service.read` and change it only by submitting the same commands the API submits,
/// as the signed-in user; the plant decides, and its refusals are shown in words.
public struct TaktWeb: Sendable {
    public let service: any PlantServing
    public let logger: Logger
    let sessions: SessionStore
    /// Mark cookies `Secure` (the server is reached over TLS, directly or through a TLS-terminating proxy).
    public let secureCookies: Bool
    let csrf: CSRFTokens
    /// Schedule runs planned on the schedule page and not yet published, by session.
    let drafts = ScheduleDrafts()
    /// The language front door's model (`TAKT_LLM_URL`): the outcome form asks it what the offline parser does not understand.
    public let languageModel: (any ChatModel)?
    /// What a person typed on a document's verification form that the plant refused, by session (DocumentsPage.swift).
    let documentDrafts = DocumentDrafts()
    /// The plant's clock (injected in tests): session idle time and sign-in throttling follow it.
    public var now: @Sendable () -> Date { service.now }

    /// - Parameters:
    ///   - secureCookies: add `Secure` to every cookie and take `https` as the server's own scheme (`takt serve --secure-cookies`).
    ///   - sessionIdleLimit: a session unused for this long ends (seconds).
    public init(
        service: any PlantServing,
        logger: Logger,
        secureCookies: Bool = false,
        sessionIdleLimit: TimeInterval = SessionStore.defaultIdleLimit,
        languageModel: (any ChatModel)? = nil
    ) {
        self.languageModel = languageModel
        self.service = service
        self.logger = logger
        self.secureCookies = secureCookies
        self.sessions = SessionStore(idleLimit: sessionIdleLimit)
        self.csrf = CSRFTokens()
    }

    static let cookieName = "takt_session"
    /// The sign-in nonce cookie: binds the sign-in form's token to this browser (login CSRF).
    static let signInCookieName = "takt_signin"

    /// A `Set-Cookie` value: HttpOnly, SameSite=Strict, and Secure when configured; `maxAge: 0` deletes the cookie.
    func setCookie(_ name: String, _ value: String, path: String = "/", maxAge: Int? = nil) -> String {
        "\(name)=\(value); Path=\(path); HttpOnly; SameSite=Strict" + (secureCookies ? "; Secure" : "") + (maxAge.map { "; Max-Age=\($0)" } ?? "")
    }

    /// Registers every page, form action, the static files and the live-update stream on `router`.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let web = self
        router.get("/") { request, _ in
            guard let viewer = await web.viewer(request) else { return Response.redirect(to: "/signin", type: .found) }
            return Response.redirect(to: Section.home(for: viewer.user).path, type: .found)
        }
        router.get("/signin") { request, _ in await web.signInPage(request) }
        post(router, "/signin", binding: .signIn) { request, context, form in await web.signIn(request, form: form, client: Web.client(context)) }
        post(router, "/signout", binding: .session) { request, _, _ in await web.signOut(request) }
        router.get("/static/takt.css") { _, _ in Self.asset(Assets.css, type: "text/css; charset=utf-8") }
        router.get("/static/takt.js") { _, _ in Self.asset(Assets.js, type: "text/javascript; charset=utf-8") }
        router.get("/web/events") { request, _ in await web.liveStream(request) }

        page(router, "/tower", .tower) { r, _, v in await web.controlTower(r, v) }
        page(router, "/schedule", .schedule) { r, _, v in await web.schedulePage(r, v) }
        page(router, "/schedule/move", .schedule) { r, _, v in await web.moveOperationPage(r, v) }
        action(router, "/schedule/move", .schedule) { _, _, v, form in try await web.publishMove(v, form: form) }
        page(router, "/exceptions", .exceptions) { r, _, v in await web.inboxPage(r, v) }
        page(router, "/exceptions/{id}", .exceptions) { r, c, v in await web.exceptionPage(r, v, id: c.parameters.get("id") ?? "") }
        action(router, "/exceptions/{id}/actions/{action}/{decision}", .exceptions) { r, c, v, form in
            try await web.decide(
                v,
                form: form,
                exception: c.parameters.get("id") ?? "",
                action: c.parameters.get("action") ?? "",
                decision: c.parameters.get("decision") ?? "",
                client: Web.client(c)
            )
        }
        action(router, "/outcome-requests", .exceptions) { r, _, v, form in try await web.outcomeRequest(v, form: form) }
        page(router, "/terminal", .terminal) { r, _, v in await web.terminalIndex(r, v) }
        page(router, "/terminal/{wc}", .terminal) { r, c, v in await web.terminalPage(r, v, workCenter: c.parameters.get("wc") ?? "") }
        action(router, "/terminal/{wc}/{verb}", .terminal) { r, c, v, form in
            try await web.terminalAction(v, form: form, workCenter: c.parameters.get("wc") ?? "", verb: c.parameters.get("verb") ?? "")
        }
        page(router, "/orders", .orders) { r, _, v in await web.ordersPage(r, v) }
        page(router, "/orders/{id}", .orders) { r, c, v in await web.orderPage(r, v, id: c.parameters.get("id") ?? "") }
        page(router, "/production-orders", .orders) { r, _, v in await web.productionOrdersPage(r, v) }
        page(router, "/production-orders/{id}", .orders) { r, c, v in await web.productionOrderPage(r, v, id: c.parameters.get("id") ?? "") }
        page(router, "/genealogy", .genealogy) { r, _, v in await web.genealogyPage(r, v) }
        page(router, "/warehouse", .warehouse) { r, _, v in await web.warehousePage(r, v) }
        page(router, "/quality", .quality) { r, _, v in await web.qualityPage(r, v) }
        page(router, "/admin", .admin) { r, _, v in try await web.usersAndTokensPage(r, v) }
        action(router, "/admin/tokens", .admin) { r, _, v, form in try await web.issueToken(v, form: form) }
        page(router, "/admin/webhooks", .admin) { r, _, v in try await web.webhooksPage(r, v) }
        action(router, "/admin/webhooks", .admin) { r, _, v, form in try await web.createWebhook(v, form: form) }
        action(router, "/admin/webhooks/dead-letters/{id}/replay", .admin) { r, c, v, _ in
            try await web.replayDeadLetter(v, id: c.parameters.get("id") ?? "")
        }
        addPrintRoutes(to: router)
        addSetupRoutes(to: router)
        addBoardActionRoutes(to: router)
        addEngineeringRoutes(to: router)  // work instructions and engineering changes, under Quality (EngineeringPages.swift)
        addDocumentRoutes(to: router)
        addMachineDataRoutes(to: router)  // the MQTT bridge's status and the machine-signal mapping (MachineDataPage.swift)
    }

    // MARK: - Route helpers

    /// A page: signed-in users whose roles allow the section; others are sent to sign in or told they may not.
    func page<Context: RequestContext>(
        _ router: Router<Context>,
        _ path: String,
        _ section: Section,
        _ body: @escaping @Sendable (Request, Context, Viewer) async throws -> PageContent
    ) {
        let web = self
        router.get(RouterPath(path)) { request, context in
            guard var viewer = await web.viewer(request) else {
                return Response.redirect(to: "/signin?next=" + urlEncode(request.uri.description), type: .found)
            }
            viewer.section = section
            guard section.allows(viewer.user) else {
                return web.html(
                    web.layout(viewer, PageContent(title: "Not for your role", body: Pages.forbidden(section, viewer.user))),
                    status: .forbidden
                )
            }
            do {
                var content = try await body(request, context, viewer)
                if content.flash == nil { content.flash = await web.sessions.takeFlash(viewer.sessionID) }
                return web.html(web.layout(viewer, content), status: content.status)
            } catch {
                let reference = web.report(error, request)
                let p = ErrorPresentation.of(error)
                let content = PageContent(
                    title: p.isInternal ? "Something went wrong" : p.title,
                    body: el("div") {
                        el("p", text: "The page could not be shown: \(p.lines.joined(separator: "; "))")
                        if p.isInternal { el("p", ["class": "reference"], text: Web.quote(reference)) }
                    }
                )
                return web.html(web.layout(viewer, content), status: HTTPResponse.Status(code: p.status))
            }
        }
    }

    /// Every state-changing route of the web app goes through here: the form is read, then refused with 403 (and
    /// nothing done) unless the request comes from this server's own origin and carries the form token bound to
    /// this browser's session (or, for signing in, to its sign-in nonce).
    func post<Context: RequestContext>(
        _ router: Router<Context>,
        _ path: String,
        binding: FormBinding,
        _ body: @escaping @Sendable (Request, Context, Form) async throws -> Response
    ) {
        let web = self
        router.post(RouterPath(path)) { request, context in
            let form = await Form.read(request)
            if let refusal = web.forgeryRefusal(request, form: form, binding: binding) { return refusal }
            return try await body(request, context, form)
        }
    }

    /// What a form token is bound to.
    enum FormBinding: Sendable { case session, signIn }

    /// A 403 page when `request` may be forged (foreign origin, missing or wrong token), nil when it may go ahead.
    func forgeryRefusal(_ request: Request, form: Form, binding: FormBinding) -> Response? {
        let verdict = OriginCheck.verdict(
            origin: request.headers[.origin],
            referer: request.headers[.referer],
            authority: request.head.authority,
            secure: secureCookies
        )
        let reason: String
        if case .foreign(let origin) = verdict {
            reason = "It was sent from another site (\(origin.prefix(200))), not from this server's own pages."
        } else {
            let bound: CSRFTokens.Binding? =
                switch binding {
                case .session: Web.cookie(Self.cookieName, in: request).map { .session($0) }
                case .signIn: Web.cookie(Self.signInCookieName, in: request).map { .signIn(nonce: $0) }
                }
            if let bound, csrf.verify(form[CSRFTokens.field], for: bound) { return nil }
            reason =
                form[CSRFTokens.field] == nil
                ? "It did not carry the form's security token."
                : "Its security token does not belong to this browser's session (the page may be from before you signed in again)."
        }
        logger.warning("web form refused as possibly forged", metadata: ["path": "\(request.uri.path)", "reason": "\(reason)"])
        let page = Pages.message(
            title: "Form refused",
            lines: [
                reason, "Nothing was changed. Open the page again from Takt itself and send the form from there.",
            ],
            link: binding == .signIn ? ("/signin", "Sign in") : ("/", "Back to Takt")
        )
        return html(page, status: .forbidden)
    }

    /// A form action: signed-in users whose roles allow the section; the handler returns where to go next and what
    /// to tell the user there (Post/Redirect/Get). A thrown error becomes an error message on the page sent from.
    func action<Context: RequestContext>(
        _ router: Router<Context>,
        _ path: String,
        _ section: Section,
        _ body: @escaping @Sendable (Request, Context, Viewer, Form) async throws -> (String, Flash?)
    ) {
        let web = self
        post(router, path, binding: .session) { request, context, form in
            guard let viewer = await web.viewer(request) else { return Response.redirect(to: "/signin", type: .normal) }
            let back = Redirect.local(form["back"]) ?? web.refererPath(request) ?? section.path
            guard section.allows(viewer.user) else {
                await web.sessions.setFlash(
                    viewer.sessionID,
                    Flash(
                        kind: .error,
                        title: "Not allowed",
                        lines: ["Your roles do not include \(section.title)."]
                    )
                )
                return Response.redirect(to: back, type: .normal)
            }
            do {
                let (next, flash) = try await body(request, context, viewer, form)
                if let flash { await web.sessions.setFlash(viewer.sessionID, flash) }
                return Response.redirect(to: Redirect.target(next, fallback: section.path), type: .normal)
            } catch {
                var flash = Web.flash(for: error, reference: web.report(error, request))
                flash.form = form.trimmed("form")
                flash.typed = (error as? TypedRefusal)?.typed
                await web.sessions.setFlash(viewer.sessionID, flash)
                return Response.redirect(to: back, type: .normal)
            }
        }
    }

    /// The path and query of a same-origin Referer (where a refused form should send the user back to).
    func refererPath(_ request: Request) -> String? {
        guard let referer = request.headers[.referer],
            OriginCheck.verdict(origin: nil, referer: referer, authority: request.head.authority, secure: secureCookies) == .sameOrigin,
            let url = URL(string: referer)
        else { return nil }
        let path = url.path.isEmpty ? "/" : url.path
        return Redirect.local(url.query.map { path + "?" + $0 } ?? path)
    }

    /// Submits a command as the signed-in user, exactly as the API does.
    @discardableResult
    /// Submits a command as the signed-in user; `signature` carries the password re-entered on a form that signs.
    func submit(_ command: Command, as viewer: Viewer, signature: SignatureCredential? = nil) async throws -> CommandOutcome {
        try await service.submit(CommandEnvelope(command: command, actor: .user(viewer.user.id), correlationID: nil, signature: signature))
    }

    func html(_ node: Node, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        if let frameOptions = HTTPField.Name("X-Frame-Options") { headers[frameOptions] = "DENY" }
        headers[.contentSecurityPolicy] =
            "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "<!DOCTYPE html>" + node.render())))
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: "public, max-age=300"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }

    // MARK: - Sign-in

    /// The signed-in user of a request: a live session whose token is not revoked and whose user is active.
    func viewer(_ request: Request) async -> Viewer? {
        guard let id = Web.cookie(Self.cookieName, in: request), let session = await sessions.touch(id, now: now()) else { return nil }
        let user = await service.read { state -> User? in
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

    /// The sign-in page, its form bound to this browser's sign-in nonce (a new nonce cookie when it has none).
    func signInPage(
        _ request: Request,
        next: String? = nil,
        error: String? = nil,
        status: HTTPResponse.Status = .ok,
        headers extra: HTTPFields = [:]
    ) async -> Response {
        let next = Redirect.local(next ?? request.uri.queryParameters["next"].map(String.init)) ?? ""
        let existing = Web.cookie(Self.signInCookieName, in: request).flatMap { Web.isNonce($0) ? $0 : nil }
        let nonce = existing ?? CSRFTokens.nonce()
        var response = html(CSRFTokens.protect(Pages.signIn(next: next, error: error), token: csrf.token(for: .signIn(nonce: nonce))), status: status)
        if existing == nil { response.headers.append(HTTPField(name: .setCookie, value: setCookie(Self.signInCookieName, nonce, path: "/signin"))) }
        response.headers.append(contentsOf: extra)
        return response
    }

    /// Signs in with a token: throttled per client address after failures (``Engine/authenticate(tokenSecret:client:)``);
    /// on success any session the browser had ends and a new session ID is issued (no session fixation).
    func signIn(_ request: Request, form: Form, client: String) async -> Response {
        let secret = (form["token"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let refused = "That token is unknown, revoked, or belongs to an inactive user. Scan your badge again or ask an administrator for a new token."
        guard !secret.isEmpty else { return await signInPage(request, next: form["next"], error: refused, status: .unauthorized) }
        let user: User
        switch await service.authenticate(tokenSecret: secret, client: client) {
        case .user(let u, _): user = u
        case .refused:
            logger.notice("web sign-in refused", metadata: ["client": "\(client)"])
            return await signInPage(request, next: form["next"], error: refused, status: .unauthorized)
        case .throttled(let retryAfter):
            let seconds = max(1, Int(retryAfter.rounded(.up)))
            logger.warning("web sign-in throttled", metadata: ["client": "\(client)", "retryAfter": "\(seconds)"])
            var headers = HTTPFields()
            headers[.retryAfter] = String(seconds)
            return await signInPage(
                request,
                next: form["next"],
                error: Web.throttledMessage(seconds: seconds, now: now()),
                status: .tooManyRequests,
                headers: headers
            )
        }
        let hash = PlantService.hash(secret: secret)
        guard let token = await service.read({ $0.tokensByHash[hash] }) else {
            return await signInPage(request, next: form["next"], error: refused, status: .unauthorized)
        }
        if let old = Web.cookie(Self.cookieName, in: request) { await sessions.end(old) }  // rotate: never keep a pre-sign-in ID
        let id = await sessions.create(user: user.id, token: token, now: now())
        logger.info("web sign-in", metadata: ["user": "\(user.id)", "client": "\(client)"])
        var next = Redirect.local(form["next"]) ?? ""
        if next.isEmpty || next.hasPrefix("/signin") { next = Section.home(for: user).path }
        var response = Response.redirect(to: next, type: .normal)
        response.headers.append(HTTPField(name: .setCookie, value: setCookie(Self.cookieName, id)))
        response.headers.append(HTTPField(name: .setCookie, value: setCookie(Self.signInCookieName, "", path: "/signin", maxAge: 0)))
        return response
    }

    func signOut(_ request: Request) async -> Response {
        if let id = Web.cookie(Self.cookieName, in: request) { await sessions.end(id) }
        var response = Response.redirect(to: "/signin", type: .normal)
        response.headers[.setCookie] = setCookie(Self.cookieName, "", maxAge: 0)
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
    case tower, schedule, exceptions, terminal
    case machineData = "machine-data"
    case orders, genealogy, warehouse, quality, setup, admin, documents

    var title: String {
        switch self {
        case .tower: "Control tower"
        case .schedule: "Schedule"
        case .exceptions: "Exceptions"
        case .terminal: "Terminal"
        case .machineData: "Machine data"
        case .orders: "Orders"
        case .genealogy: "Genealogy"
        case .warehouse: "Warehouse"
        case .quality: "Quality"
        case .setup: "Setup"
        case .admin: "Users & tokens"
        case .documents: "Documents"
        }
    }
    var path: String { "/" + rawValue }

    var roles: Set<Role> {
        switch self {
        case .tower: [.planner, .supervisor, .quality, .warehouse, .sales]
        case .schedule: [.planner, .supervisor, .sales, .operator]
        case .exceptions: [.planner, .supervisor, .quality, .warehouse, .sales]
        case .terminal: [.supervisor, .operator]
        // The bridge and the machines' signals: whoever runs or plans the floor; admins and supervisors change the mapping.
        case .machineData: [.supervisor, .operator, .planner, .quality]
        case .orders: [.planner, .supervisor, .sales, .quality, .warehouse, .operator]
        case .genealogy: [.planner, .supervisor, .quality, .warehouse]
        case .warehouse: [.planner, .supervisor, .warehouse]
        case .quality: [.planner, .supervisor, .quality]
        // Master data: planners (and admins) change it; the others who plan or stage from it may look (each form's command decides).
        case .setup: [.planner, .supervisor, .warehouse, .sales, .quality]
        case .admin: []
        // Certificates: quality; delivery notes: warehouse; customer orders: sales and planners (the plant checks each kind).
        case .documents: [.quality, .warehouse, .supervisor, .sales, .planner]
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
    /// The files of a multipart form, by field name, byte for byte (FormUpload.swift).
    var files: [String: UploadedFile] = [:]
    subscript(_ name: String) -> String? { fields[name] }

    func trimmed(_ name: String) -> String? {
        let v = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return v.isEmpty ? nil : v
    }

    static func read(_ request: Request) async -> Form {
        if let boundary = multipartBoundary(request.headers[.contentType]) {  // a file upload (FormUpload.swift)
            guard let buffer = try? await request.body.collect(upTo: multipartLimit) else { return Form(fields: [:]) }
            return multipart(Array(buffer: buffer), boundary: boundary)
        }
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

    /// The network address of the client (the throttle's key): the peer's IP address, without its port.
    /// Behind a reverse proxy this is the proxy's address (forwarded headers are not trusted: any client can send them).
    static func client<Context: RequestContext>(_ context: Context) -> String {
        guard let address = (context as? any RemoteAddressRequestContext)?.remoteAddress else { return "unknown" }
        return address.ipAddress ?? "\(address)"
    }

    /// A sign-in nonce as this server makes them: 64 lowercase hex digits.
    static func isNonce(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The words of a throttled sign-in: how long to wait and until when (UTC).
    static func throttledMessage(seconds: Int, now: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "HH:mm:ss"
        let until = formatter.string(from: now.addingTimeInterval(TimeInterval(seconds)))
        let wait = seconds == 1 ? "1 second" : seconds < 120 ? "\(seconds) seconds" : "\((seconds + 59) / 60) minutes"
        return "Too many failed sign-ins from this device. Try again in \(wait) (after \(until) UTC). "
            + "If you have lost your badge or token, ask an administrator for a new one."
    }

    /// An error in words, for a person: the rules it broke, one after the other (a fault of the server says only that
    /// something went wrong; ``TaktWeb/report(_:_:)`` gives the reference).
    static func words(_ error: any Error) -> String {
        ErrorPresentation.of(error).lines.joined(separator: "; ")
    }

    /// The message shown after a refused form: interlocks listed one per line, in the plant's own words; a fault of the
    /// server with the reference (`reference`, the request ID) the user can quote.
    static func flash(for error: any Error, reference: String?) -> Flash {
        let p = ErrorPresentation.of(error)
        var fields: [String: String] = [:]
        for v in p.violations where !v.field.isEmpty { fields[v.field] = fields[v.field].map { $0 + "; " + v.message } ?? v.message }
        if p.code == .interlock { return Flash(kind: .interlock, title: "Not yet — the plant says:", lines: p.lines, fields: fields) }
        return Flash(kind: .error, title: p.title, lines: p.lines + (p.isInternal ? [quote(reference)] : []), fields: fields)
    }

    /// The line that gives the user the reference of a fault of the server.
    static func quote(_ reference: String?) -> String {
        "Please tell your administrator, and quote this reference: \(reference ?? "(none)")."
    }

    /// The request's ID (``ProblemMiddleware`` sets it on every request; a new one if it did not run).
    static func requestID(_ request: Request) -> String {
        HTTPField.Name("X-Request-ID").flatMap { request.headers[$0] } ?? UUID().uuidString.lowercased()
    }
}

extension TaktWeb {
    /// Logs an error a page or form could not get past, with the request's ID; returns that ID, the reference the page shows.
    func report(_ error: any Error, _ request: Request) -> String {
        let reference = Web.requestID(request)
        let p = ErrorPresentation.of(error)
        if p.status >= 500 {
            logger.error(
                p.isInternal ? "internal error" : "\(p.code) failure",
                metadata: [
                    "requestId": "\(reference)", "path": "\(request.uri.path)", "error": "\(String(reflecting: error))",
                ]
            )
        }
        return reference
    }
}

/// A refusal by the web layer itself (a missing field), in words.
struct WebError: PresentableError, Sendable {
    var title: String
    var message: String
    init(_ title: String, _ message: String) {
        self.title = title
        self.message = message
    }
    static func missing(_ what: String) -> WebError { WebError("Something is missing", "Please fill in \(what).") }
    /// 400 `bad-request` with the refusal's own title and words (a form that cannot be sent as it is).
    var presentation: ErrorPresentation {
        ErrorPresentation(status: 400, code: .badRequest, title: title, message: message)
    }
}
