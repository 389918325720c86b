import Foundation
import HTTPTypes
import TaktCore
import TaktEngine
import TaktService

extension TaktWeb {
    /// The page frame: header with the sections the user's roles open, the flash message, then the page.
    /// Every `<form method="post">` in it carries the session's form token (``CSRFTokens/protect(_:token:)``).
    func layout(_ viewer: Viewer, _ content: PageContent) -> Node {
        CSRFTokens.protect(frame(viewer, content), token: csrf.token(for: .session(viewer.sessionID)))
    }

    private func frame(_ viewer: Viewer, _ content: PageContent) -> Node {
        el("html", ["lang": "en"]) {
            el("head") {
                void("meta", ["charset": "utf-8"])
                void("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
                el("title", text: content.title + " · Takt")
                void("link", ["rel": "stylesheet", "href": "/static/takt.css"])
                el("script", ["src": "/static/takt.js", "defer": ""])
            }
            el("body", ["class": content.large ? "large" : nil, "data-live": "1"]) {
                el("header", ["class": "top"]) {
                    el("a", ["class": "brand", "href": "/"], text: "Takt")
                    // The same links twice: a bar on wide screens, a menu that folds on tablets and phones (CSS picks one).
                    el("nav", ["class": "sections", "aria-label": "Sections"]) { sectionLinks(viewer) }
                    el("details", ["class": "menu"]) {
                        el("summary", text: "☰ " + (viewer.section?.title ?? "Menu"))
                        el("nav", ["aria-label": "Sections (menu)"]) { sectionLinks(viewer) }
                    }
                    el("div", ["class": "who"]) {
                        el("span", ["class": "user", "title": viewer.user.roles.map(\.rawValue).joined(separator: ", ")]) {
                            viewer.user.name
                            el("small", text: " · " + viewer.user.roles.map(\.rawValue).sorted().joined(separator: ", "))
                        }
                        el("span", ["id": "live", "class": "live", "title": "Live updates"], text: "●")
                        el("form", ["method": "post", "action": "/signout"]) {
                            el("button", ["type": "submit", "class": "link"], text: "Sign out")
                        }
                    }
                }
                el("main", ["id": "main"]) {
                    if let flash = content.flash { Pages.flash(flash) }
                    el("h1", text: content.title)
                    content.body
                }
            }
        }
    }
}

extension TaktWeb {
    /// A link to every section the viewer's roles open, the current one marked.
    fileprivate func sectionLinks(_ viewer: Viewer) -> Node {
        .fragment(
            Section.allCases.filter { $0.allows(viewer.user) }.map { section in
                el("a", ["href": section.path, "aria-current": viewer.section == section ? "page" : nil], text: section.title)
            }
        )
    }
}

/// Pieces shared by the pages.
enum Pages {
    static func flash(_ f: Flash) -> Node {
        el("div", ["class": "flash \(f.kind.rawValue)", "role": f.kind == .success ? "status" : "alert"]) {
            el("strong", text: f.title)
            if f.lines.count == 1 {
                el("p", text: f.lines[0])
            } else if !f.lines.isEmpty {
                el("ul") { for line in f.lines { el("li", text: line) } }
            }
        }
    }

    static func forbidden(_ section: Section, _ user: User) -> Node {
        el("p") {
            "\(section.title) is for the roles: \(section.roles.map(\.rawValue).sorted().joined(separator: ", ")). "
            "You are signed in as \(user.name) (\(user.roles.map(\.rawValue).joined(separator: ", ")))."
        }
    }

    /// A figure on a dashboard: a big number that links to its detail.
    static func figure(_ label: String, _ value: String, href: String, tone: String = "", note: String? = nil) -> Node {
        el("a", ["class": "figure \(tone)", "href": href]) {
            el("span", ["class": "value"], text: value)
            el("span", ["class": "label"], text: label)
            if let note { el("span", ["class": "note"], text: note) }
        }
    }

    static func table(_ headers: [String], _ rows: [[Node]], empty: String, id: String? = nil) -> Node {
        if rows.isEmpty { return el("p", ["class": "empty"], text: empty) }
        return el("div", ["class": "scroll"]) {
            el("table", ["id": id]) {
                el("thead") { el("tr") { for h in headers { el("th", ["scope": "col"], text: h) } } }
                el("tbody") {
                    for row in rows { el("tr") { for cell in row { el("td") { cell } } } }
                }
            }
        }
    }

    static func link(_ text: String, _ href: String) -> Node { el("a", ["href": href], text: text) }

    static func badge(_ text: String, _ tone: String) -> Node { el("span", ["class": "badge \(tone)"], text: text) }

    /// A production order, linked to its page.
    static func orderLink(_ id: ProductionOrder.ID) -> Node {
        link(id.rawValue, productionOrderPath(id))
    }

    static func hidden(_ name: String, _ value: String) -> Node { void("input", ["type": "hidden", "name": name, "value": value]) }

    /// A page of its own with a message and one link (a refused form).
    static func message(title: String, lines: [String], link: (href: String, text: String)) -> Node {
        el("html", ["lang": "en"]) {
            el("head") {
                void("meta", ["charset": "utf-8"])
                el("title", text: title + " · Takt")
                void("link", ["rel": "stylesheet", "href": "/static/takt.css"])
            }
            el("body", ["class": "signin"]) {
                el("main", ["class": "signin-box"]) {
                    el("h1", text: title)
                    flash(Flash(kind: .error, title: title, lines: lines))
                    el("p") { el("a", ["href": link.href, "class": "button"], text: link.text) }
                }
            }
        }
    }

    static func signIn(next: String, error: String?) -> Node {
        el("html", ["lang": "en"]) {
            el("head") {
                void("meta", ["charset": "utf-8"])
                void("meta", ["name": "viewport", "content": "width=device-width, initial-scale=1"])
                el("title", text: "Sign in · Takt")
                void("link", ["rel": "stylesheet", "href": "/static/takt.css"])
            }
            el("body", ["class": "signin"]) {
                el("main", ["class": "signin-box"]) {
                    el("h1", text: "Takt")
                    el("p", text: "Scan your badge, or type or paste your API token.")
                    if let error { flash(Flash(kind: .error, title: "Not signed in", lines: [error])) }
                    el("form", ["method": "post", "action": "/signin", "id": "signin"]) {
                        hidden("next", next)
                        el("label", ["for": "token"], text: "Token")
                        void(
                            "input",
                            [
                                "type": "password", "id": "token", "name": "token", "autocomplete": "off", "autofocus": "",
                                "required": "", "spellcheck": "false",
                            ]
                        )
                        el("button", ["type": "submit", "class": "primary"], text: "Sign in")
                    }
                    el("p", ["class": "hint"]) {
                        "An administrator issues tokens on the Users & tokens page (or with POST /api/v1/users/{id}/tokens). "
                        "The first administrator's token is printed by takt serve on an empty database."
                    }
                }
            }
        }
    }
}
