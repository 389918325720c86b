import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TaktCore
import TaktExchange
import TaktService

/// Setting up the plant: a list, a search, a form to create or edit and a button to deactivate for every kind of master
/// data, with CSV export and import on each list. Every form submits the command the API takes (``SetupKind/build``), as
/// the signed-in user: the plant's rules and roles decide, and a refusal is shown beside the field it names, the form
/// keeping what was typed.
extension TaktWeb {
    /// Registers the setup pages and forms (and the users' pages under Users & tokens).
    func addSetupRoutes<Context: RequestContext>(to router: Router<Context>) {
        let web = self
        page(router, "/setup", .setup) { _, _, v in await web.setupIndex(v) }
        for kind in SetupKind.all {
            page(router, kind.base, kind.section) { r, _, v in try await web.setupList(kind, r, v) }
            page(router, kind.base + "/form", kind.section) { r, _, v in
                try await web.setupFormPage(kind, v, id: r.uri.queryParameters["id"].map(String.init))
            }
            formPost(router, kind.base + "/save", kind.section) { _, v, form in try await web.setupSave(kind, v, form: form) }
            if kind.setActive != nil {
                action(router, kind.base + "/active", kind.section) { _, _, v, form in try await web.setupSetActive(kind, v, form: form) }
            }
            router.get(RouterPath(kind.base + "/export.csv")) { request, _ in await web.setupExport(kind, request) }
            formPost(router, kind.base + "/import", kind.section) { _, v, form in try await web.setupImport(kind, v, form: form) }
        }
        action(router, "/admin/tokens/revoke", .admin) { _, _, v, form in try await web.revokeToken(v, form: form) }
        formPost(router, "/admin/badge", .admin) { _, v, form in try await web.issueBadge(v, form: form) }
    }

    /// A form whose answer is a page (a refused form shown again with its input and errors, an import's preview), not a
    /// redirect: signed-in users whose roles allow the section, the form token checked as for every form.
    func formPost<Context: RequestContext>(
        _ router: Router<Context>,
        _ path: String,
        _ section: Section,
        _ body: @escaping @Sendable (Request, Viewer, Form) async throws -> Answer
    ) {
        let web = self
        post(router, path, binding: .session) { request, _, form in
            guard var viewer = await web.viewer(request) else { return Response.redirect(to: "/signin", type: .normal) }
            viewer.section = section
            guard section.allows(viewer.user) else {
                return web.html(
                    web.layout(viewer, PageContent(title: "Not for your role", body: Pages.forbidden(section, viewer.user))),
                    status: .forbidden
                )
            }
            do {
                switch try await body(request, viewer, form) {
                case .redirect(let next, let flash):
                    if let flash { await web.sessions.setFlash(viewer.sessionID, flash) }
                    return Response.redirect(to: Redirect.target(next, fallback: section.path), type: .normal)
                case .page(let content):
                    return web.html(web.layout(viewer, content), status: content.status)
                case .bare(let node):
                    return web.html(node)
                }
            } catch {
                let reference = web.report(error, request)
                let flash = Web.flash(for: error, reference: reference)
                var content = PageContent(title: flash.title, body: el("p") { Pages.link("Back to \(section.title)", section.path) })
                content.flash = flash
                content.status = HTTPResponse.Status(code: ErrorPresentation.of(error).status)
                return web.html(web.layout(viewer, content), status: content.status)
            }
        }
    }

    enum Answer: Sendable {
        case redirect(String, Flash?)
        case page(PageContent)
        /// A page of its own, without the app's frame (a badge to print).
        case bare(Node)
    }

    func may(_ viewer: Viewer, _ kind: CommandKind) -> Bool { viewer.user.has(.admin) || !kind.roles.isDisjoint(with: viewer.user.roles) }
    func mayExchange(_ viewer: Viewer, _ kind: SetupKind) -> Bool { (try? PlantService.authorize(kind.csv, user: viewer.user)) != nil }

    // MARK: - Pages

    func setupIndex(_ viewer: Viewer) async -> PageContent {
        let counts = await service.read { s in SetupKind.all.map { ($0, $0.rows(s).count) } }
        let body = fragment {
            el("p", ["class": "muted"]) {
                "The plant's master data: what is made and bought, how and where. Every form submits the same command as the API, "
                "so the same rules and roles apply. Each list exports and imports CSV in the format of takt export / takt import."
            }
            el("div", ["class": "figures"]) {
                for (kind, n) in counts where kind.section.allows(viewer.user) {
                    Pages.figure(kind.title, String(n), href: kind.base)
                }
            }
        }
        return PageContent(title: "Setup", body: body)
    }

    func setupList(_ kind: SetupKind, _ request: Request, _ viewer: Viewer) async throws -> PageContent {
        let q = (request.uri.queryParameters["q"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
        let show = request.uri.queryParameters["show"].map(String.init) ?? "all"
        let all = await service.read { kind.rows($0) }
        let query = q.lowercased()
        let rows = all.filter { $0.matches(query) && (show == "all" || (show == "active") == $0.active) }
        let editable = may(viewer, kind.command)
        let body = fragment {
            el("form", ["method": "get", "action": kind.base, "class": "inline toolbar", "role": "search", "id": "filter"]) {
                el("label", ["for": "q"], text: "Search")
                void("input", ["type": "search", "id": "q", "name": "q", "value": q, "placeholder": "ID, name, …"])
                if kind.setActive != nil {
                    el("label", ["for": "show"], text: "Show")
                    el("select", ["id": "show", "name": "show"]) {
                        for (value, label) in [("all", "all"), ("active", "active only"), ("inactive", "inactive only")] {
                            el("option", ["value": value, "selected": flag(show == value)], text: label)
                        }
                    }
                }
                el("button", ["type": "submit"], text: "Filter")
                if editable { el("a", ["class": "button primary", "href": kind.base + "/form", "id": "new"], text: "New \(kind.singular)") }
                if mayExchange(viewer, kind) {
                    el(
                        "a",
                        ["class": "button", "href": kind.base + "/export.csv", "id": "export", "download": kind.csv.fileName],
                        text: "Export CSV"
                    )
                }
            }
            el("p", ["class": "muted", "id": "count"], text: "\(rows.count) of \(all.count) \(kind.title.lowercased())")
            Pages.table(
                kind.columns + ["", ""],
                rows.map { row in
                    [Pages.link(row.id, kind.base + "/form?id=" + urlEncode(row.id))] + row.cells.map { Node.text($0) } + [
                        kind.setActive == nil ? .text("") : Pages.badge(row.active ? "active" : "inactive", row.active ? "ok" : "info"),
                        (kind.setActive != nil && editable)
                            ? el("form", ["method": "post", "action": kind.base + "/active", "class": "inline"]) {
                                Pages.hidden("id", row.id)
                                Pages.hidden("active", row.active ? "false" : "true")
                                el(
                                    "button",
                                    ["type": "submit", "id": (row.active ? "deactivate-" : "activate-") + row.id],
                                    text: row.active ? "Deactivate" : "Reactivate"
                                )
                            } : .text(""),
                    ]
                },
                empty: q.isEmpty ? "No \(kind.title.lowercased()) yet." : "Nothing matches “\(q)”.",
                id: kind.slug
            )
            if mayExchange(viewer, kind) { importForm(kind, csv: "") }
        }
        return PageContent(title: kind.title, body: body)
    }

    func importForm(_ kind: SetupKind, csv: String) -> Node {
        el("details", ["class": "import", "open": flag(!csv.isEmpty)]) {
            el("summary", text: "Import CSV")
            el("form", ["method": "post", "action": kind.base + "/import", "id": "import", "enctype": "multipart/form-data"]) {
                el("p", ["class": "muted"]) {
                    "Choose \(kind.csv.fileName) or paste its contents (the format takt export writes; columns: \(kind.csv.header.joined(separator: ", "))). "
                    "Check shows every problem, row by row, before anything is applied; Apply applies the whole file in one transaction."
                }
                el("label", ["for": "file"], text: "File")
                void("input", ["type": "file", "id": "file", "name": "file", "accept": ".csv,text/csv"])
                el("label", ["for": "csv"], text: "or its contents")
                el("textarea", ["id": "csv", "name": "csv", "rows": "8", "cols": "80", "spellcheck": "false"], text: csv)
                el("button", ["type": "submit", "name": "step", "value": "check", "id": "check"], text: "Check")
            }
        }
    }

    func setupFormPage(_ kind: SetupKind, _ viewer: Viewer, id: String?) async throws -> PageContent {
        let (values, fields) = await service.read { s in (id.flatMap { kind.values(s, $0) }, kind.fields(s)) }
        if let id, values == nil { throw DomainError.notFound("id", "\(kind.singular) '\(id)' does not exist") }
        return setupForm(kind, viewer, fields: fields, values: values ?? [:], editing: id, errors: [:])
    }

    /// The form, filled with `values`, each field's refusals beside it.
    func setupForm(
        _ kind: SetupKind,
        _ viewer: Viewer,
        fields: [SetupField],
        values: [String: String],
        editing: String?,
        errors: [String: [String]]
    ) -> PageContent {
        let editable = may(viewer, kind.command)
        let body = fragment {
            el("p") { Pages.link("← \(kind.title)", kind.base) }
            if !editable { el("p", ["class": "muted"], text: "Your roles may look at \(kind.title.lowercased()) but not change them.") }
            el("form", ["method": "post", "action": kind.base + "/save", "class": "setup", "id": "setup-form", "novalidate": ""]) {
                if let editing { Pages.hidden("original", editing) }
                for field in fields {
                    fieldNode(field, value: values[field.name] ?? "", errors: errors[field.name] ?? [], fixed: editing != nil && field.fixedOnEdit)
                }
                if editable { el("button", ["type": "submit", "class": "primary", "id": "save"], text: editing == nil ? "Create" : "Save") }
            }
        }
        var content = PageContent(title: editing.map { "\(kind.singular.capitalizedFirst) \($0)" } ?? "New \(kind.singular)", body: body)
        if !errors.isEmpty {
            content.status = .unprocessableContent
            content.flash = Flash(
                kind: .error,
                title: "Not saved — please correct the fields marked below",
                lines: errors.values.flatMap { $0 }.sorted()
            )
        }
        return content
    }

    private func fieldNode(_ field: SetupField, value: String, errors: [String], fixed: Bool) -> Node {
        let id = "f-" + field.name
        let describedBy = [errors.isEmpty ? nil : "err-" + field.name, field.hint == nil ? nil : "hint-" + field.name].compactMap { $0 }.joined(
            separator: " "
        )
        return el("div", ["class": errors.isEmpty ? "field" : "field invalid"]) {
            el("label", ["for": id], text: field.label)
            switch field.input {
            case .text, .number:
                void(
                    "input",
                    [
                        "type": "text", "id": id, "name": field.name, "value": value, "readonly": flag(fixed),
                        "inputmode": { if case .number = field.input { return "decimal" } else { return nil } }(),
                        "aria-invalid": errors.isEmpty ? nil : "true", "aria-describedby": describedBy.isEmpty ? nil : describedBy,
                    ]
                )
            case .select(let choices):
                el("select", ["id": id, "name": field.name, "aria-invalid": errors.isEmpty ? nil : "true"]) {
                    if !choices.contains(where: { $0.0 == value }) {
                        el("option", ["value": value, "selected": ""], text: value.isEmpty ? "— choose —" : value)
                    }
                    for (v, label) in choices { el("option", ["value": v, "selected": flag(v == value)], text: label) }
                }
            case .checks(let choices):
                let chosen = Set(value.split(separator: ",").map(String.init))
                el("span", ["class": "checks", "id": id]) {
                    for c in choices {
                        el("label") {
                            void("input", ["type": "checkbox", "name": "\(field.name)-\(c)", "value": "on", "checked": flag(chosen.contains(c))])
                            " " + c
                        }
                    }
                }
            case .lines:
                el(
                    "textarea",
                    [
                        "id": id, "name": field.name, "rows": "6", "cols": "80", "spellcheck": "false",
                        "aria-invalid": errors.isEmpty ? nil : "true", "aria-describedby": describedBy.isEmpty ? nil : describedBy,
                    ],
                    text: value
                )
            }
            if let hint = field.hint { el("small", ["class": "hint", "id": "hint-" + field.name], text: hint) }
            for e in errors { el("p", ["class": "field-error", "id": "err-" + field.name], text: e) }
        }
    }

    // MARK: - Forms

    func setupSave(_ kind: SetupKind, _ viewer: Viewer, form: Form) async throws -> Answer {
        let (state, fields) = await service.read { s in (s, kind.fields(s)) }
        var values: [String: String] = [:]
        for field in fields {
            if case .checks(let choices) = field.input {
                values[field.name] = choices.filter { form["\(field.name)-\($0)"] != nil }.joined(separator: ",")
            } else {
                values[field.name] = form[field.name] ?? ""
            }
        }
        let editing = form.trimmed("original")
        if let editing { values["id"] = editing }
        values["id"] = values["id"]?.trimmingCharacters(in: .whitespacesAndNewlines)
        func refused(_ error: any Error) throws -> Answer {
            let p = ErrorPresentation.of(error)
            guard p.status < 500, p.code != .forbidden else { throw error }
            var errors: [String: [String]] = [:]
            let names = Set(fields.map(\.name))
            for v in p.violations.isEmpty ? [Violation(field: "", rule: p.code.rawValue, message: p.message)] : p.violations {
                let head = String(v.field.prefix { $0 != "." && $0 != "[" })
                errors[names.contains(head) ? head : "id", default: []].append(v.message)
            }
            return .page(setupForm(kind, viewer, fields: fields, values: values, editing: editing, errors: errors))
        }
        let id = values["id"] ?? ""
        if editing == nil, kind.values(state, id) != nil {
            return try refused(
                DomainError.conflict("id", "exists", "\(kind.singular) '\(id)' already exists; open it from the list to change it")
            )
        }
        do {
            try await submit(try kind.build(state, values), as: viewer)
        } catch {
            return try refused(error)
        }
        let verb = editing == nil ? "created" : "saved"
        return .redirect(kind.base, Flash(kind: .success, title: "\(kind.singular.capitalizedFirst) \(id) \(verb)", lines: []))
    }

    func setupSetActive(_ kind: SetupKind, _ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        guard let id = form.trimmed("id"), let setActive = kind.setActive else { throw WebError.missing("the \(kind.singular)") }
        let active = form["active"] == "true"
        let command = try await service.read { s in try setActive(s, id, active) }
        try await submit(command, as: viewer)
        return (
            kind.base, Flash(kind: .success, title: "\(kind.singular.capitalizedFirst) \(id) \(active ? "reactivated" : "deactivated")", lines: [])
        )
    }

    // MARK: - CSV

    /// The kind as CSV, as `takt export` writes it, for a signed-in user whose roles allow the kind.
    func setupExport(_ kind: SetupKind, _ request: Request) async -> Response {
        guard let viewer = await viewer(request) else {
            return Response.redirect(to: "/signin?next=" + urlEncode(kind.base), type: .found)
        }
        do {
            let text = try await service.exportCSV(kind.csv, by: viewer.user)
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                    .contentDisposition: "attachment; filename=\"\(kind.csv.fileName)\"",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(string: text))
            )
        } catch {
            let p = ErrorPresentation.of(error)
            return html(
                Pages.message(title: p.title, lines: p.lines, link: (kind.base, "Back to \(kind.title)")),
                status: HTTPResponse.Status(code: p.status)
            )
        }
    }

    /// Checks a pasted file (every row's problems, or what it would create and change) or, with `step=apply`, applies
    /// it in one transaction; a refused apply shows the problems again and changes nothing.
    func setupImport(_ kind: SetupKind, _ viewer: Viewer, form: Form) async throws -> Answer {
        let file = form["file"] ?? ""
        let csv = file.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? form["csv"] ?? "" : file
        guard !csv.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw WebError.missing("the CSV text") }
        let files = [CSVFile(name: kind.csv.fileName, kind: kind.csv, data: Data(csv.utf8))]
        let caller = Caller(user: viewer.user, correlationID: nil)
        let apply = form["step"] == "apply"
        var issues: [ImportIssue] = []
        var summary: ImportSummary?
        var changes: [ImportChange] = []
        do {
            if apply {
                summary = try await service.importCSV(files, by: .user(caller), progress: nil)
            } else {
                let preview = try await service.previewCSV(files, by: caller)
                (summary, changes) = (preview.summary, preview.changes)
            }
        } catch let refused as ImportRefused {
            issues = refused.issues
        }
        if apply, let summary {
            let c = summary.counts[kind.csv.rawValue] ?? ImportCounts()
            return .redirect(
                kind.base,
                Flash(
                    kind: .success,
                    title: "Imported \(kind.csv.fileName)",
                    lines: ["\(c.created) created, \(c.changed) changed, \(c.unchanged) unchanged."]
                )
            )
        }
        let body = fragment {
            el("p") { Pages.link("← \(kind.title)", kind.base) }
            if let summary {
                let c = summary.counts[kind.csv.rawValue] ?? ImportCounts()
                el("div", ["class": "flash success", "role": "status", "id": "preview"]) {
                    el("strong", text: "The file is clean: nothing has been applied yet")
                    el(
                        "p",
                        text: "\(Format.count(c.rows, "row")): \(c.created) would be created, \(c.changed) changed, \(c.unchanged) left as they are."
                    )
                }
                Pages.table(
                    ["ID", "Would be", "Fields that change"],
                    changes.map { c in
                        [
                            .text(c.id), Pages.badge(c.created ? "created" : "changed", c.created ? "ok" : "warn"),
                            .text(c.created ? "" : c.fields.joined(separator: ", ")),
                        ]
                    },
                    empty: "Nothing would change: every row matches the plant.",
                    id: "changes"
                )
                el("form", ["method": "post", "action": kind.base + "/import", "id": "apply-form", "enctype": "multipart/form-data"]) {
                    Pages.hidden("csv", csv)
                    el("button", ["type": "submit", "name": "step", "value": "apply", "class": "primary", "id": "apply"], text: "Apply")
                }
            } else {
                el("div", ["class": "flash error", "role": "alert", "id": "problems"]) {
                    el("strong", text: "\(Format.count(issues.count, "problem")) — nothing was applied")
                    el("p", text: "Correct the file and check it again.")
                }
                Pages.table(
                    ["File", "Row", "Column", "Rule", "Problem"],
                    issues.map { i in [.text(i.file), .text(i.row.map(String.init) ?? ""), .text(i.column ?? ""), .text(i.rule), .text(i.message)] },
                    empty: "",
                    id: "issues"
                )
            }
            importForm(kind, csv: csv)
        }
        var content = PageContent(title: "Import \(kind.csv.fileName)", body: body)
        if summary == nil { content.status = .unprocessableContent }
        return .page(content)
    }
}

extension String {
    /// The first letter in upper case: "work center" → "Work center".
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
