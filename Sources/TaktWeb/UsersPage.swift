import Foundation
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

/// Users & tokens, for admins: the users (search, create, edit, deactivate — the setup screens of ``SetupKind/users``),
/// their tokens with a Revoke button, and issuing a token that is shown once with a badge to print.
extension TaktWeb {
    func usersAndTokensPage(_ request: Request, _ viewer: Viewer) async throws -> PageContent {
        let q = (request.uri.queryParameters["q"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
        let (users, tokens) = await service.read { s in
            (s.users.values.sorted { $0.id < $1.id }, s.tokens.values.sorted { $0.id < $1.id })
        }
        let query = q.lowercased()
        let shown = users.filter {
            query.isEmpty || $0.id.rawValue.lowercased().contains(query) || $0.name.lowercased().contains(query)
                || $0.roles.contains { $0.rawValue.contains(query) }
        }
        let body = fragment {
            el("p", ["class": "muted"]) {
                "Users and their sign-in tokens. Issue a token to print a badge (its barcode signs the user in at a terminal); "
                "the secret is shown once and only its hash is stored. Revoke a lost badge's token below."
            }
            el("p") {
                Pages.link("Create, edit or deactivate users, import or export users.csv →", "/admin/users")
                " · "
                Pages.link("Webhooks: subscriptions and dead letters →", "/admin/webhooks")
            }
            el("form", ["method": "get", "action": "/admin", "class": "inline toolbar", "role": "search"]) {
                el("label", ["for": "q"], text: "Search")
                void("input", ["type": "search", "id": "q", "name": "q", "value": q, "placeholder": "user, name or role"])
                el("button", ["type": "submit"], text: "Filter")
            }
            Pages.table(
                ["User", "Name", "Roles", "State", "Active tokens", ""],
                shown.map { u in
                    [
                        Pages.link(u.id.rawValue, "/admin/users/form?id=" + urlEncode(u.id.rawValue)), .text(u.name),
                        .text(u.roles.map(\.rawValue).joined(separator: ", ")),
                        Pages.badge(u.active ? "active" : "inactive", u.active ? "ok" : "info"),
                        .text(String(tokens.filter { $0.user == u.id && !$0.revoked }.count)),
                        el("form", ["method": "post", "action": "/admin/badge", "class": "inline"]) {
                            Pages.hidden("user", u.id.rawValue)
                            el("button", ["type": "submit", "id": "issue-\(u.id.rawValue)", "disabled": flag(!u.active)], text: "Issue token")
                        },
                    ]
                },
                empty: q.isEmpty ? "No users." : "No user matches “\(q)”.",
                id: "users"
            )
            el("h2", text: "Tokens")
            Pages.table(
                ["Token", "User", "Label", "Issued", "State", ""],
                tokens.filter { t in shown.contains { $0.id == t.user } }.map { t in
                    [
                        .text(t.id.rawValue), .text(t.user.rawValue), .text(t.label), .text(TaktJSON.formatDate(t.issuedAt)),
                        Pages.badge(t.revoked ? "revoked" : "valid", t.revoked ? "info" : "ok"),
                        t.revoked
                            ? .text("")
                            : el("form", ["method": "post", "action": "/admin/tokens/revoke", "class": "inline"]) {
                                Pages.hidden("token", t.id.rawValue)
                                el("button", ["type": "submit", "id": "revoke-\(t.id.rawValue)"], text: "Revoke")
                            },
                    ]
                },
                empty: "No tokens.",
                id: "tokens"
            )
        }
        return PageContent(title: "Users & tokens", body: body)
    }

    func revokeToken(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        guard let token = form.trimmed("token") else { throw WebError.missing("the token") }
        try await submit(.revokeAPIToken(APITokenRef(token: .init(token))), as: viewer)
        return (
            "/admin",
            Flash(kind: .success, title: "Token \(token) revoked", lines: ["Whoever holds it can no longer sign in or call the API with it."])
        )
    }

    /// Issues a token and answers with the page that shows its secret once, with the badge to print (name, roles, the
    /// secret as a Code 128 barcode and as text). Nothing about the secret is kept.
    func issueBadge(_ viewer: Viewer, form: Form) async throws -> Answer {
        guard let id = form.trimmed("user") else { throw WebError.missing("the user") }
        let secret = PlantService.newTokenSecret()
        let outcome = try await submit(
            .issueAPIToken(
                IssueAPIToken(user: .init(id), secretHash: PlantService.hash(secret: secret), label: "web badge: issued by \(viewer.user.id)")
            ),
            as: viewer
        )
        guard let user = await service.read({ $0.users[.init(id)] }) else { throw WebError.missing("the user") }
        var token = ""
        if case .apiTokenIssued(let t)? = try outcome.domainEvents().last { token = t.id.rawValue }
        return .bare(Self.badge(user: user, secret: secret, token: token))
    }

    /// A page of its own, styled for printing: the badge, and (on screen only) the secret and how to use it.
    static func badge(user: User, secret: String, token: String) -> Node {
        el("html", ["lang": "en"]) {
            el("head") {
                void("meta", ["charset": "utf-8"])
                void("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
                el("title", text: "Badge for \(user.name) · Takt")
                void("link", ["rel": "stylesheet", "href": "/static/takt.css"])
            }
            el("body", ["class": "badge-page"]) {
                el("main") {
                    el("div", ["class": "flash success no-print", "role": "status"]) {
                        el("strong", text: "Token \(token) for \(user.id) — shown once")
                        el("p") {
                            "Print this badge now (your browser's Print, or Ctrl+P): the secret is not kept and cannot be shown again. "
                            "Scanning the barcode at the sign-in page signs \(user.name) in. "
                        }
                        el("p") { el("code", ["id": "secret"], text: secret) }
                        el("p") { Pages.link("← Users & tokens", "/admin") }
                    }
                    el("section", ["class": "badge", "id": "badge"]) {
                        el("p", ["class": "badge-plant"], text: "Takt")
                        el("p", ["class": "badge-name"], text: user.name)
                        el("p", ["class": "badge-roles"], text: user.roles.map(\.rawValue).sorted().joined(separator: " · "))
                        el("p", ["class": "badge-id"], text: "ID " + user.id.rawValue)
                        Code128.svg(secret, module: 1.5, height: 50, caption: false)
                        el("p", ["class": "badge-secret"], text: secret)
                    }
                }
            }
        }
    }
}
