import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TaktCore
import TaktEngine
import TaktService

// Work instructions and engineering changes on the web, under the Quality section: the list of work instructions, one
// with its revisions, the diff between two and its attachments shown inline (images as pictures, PDFs as links); the
// engineering changes with the forms to raise, attach to, submit, approve or reject (signed when the policy says so)
// and release one. Every change is the same command the API submits; the plant decides.

extension TaktWeb {
    func addEngineeringRoutes<Context: RequestContext>(to router: Router<Context>) {
        let web = self
        page(router, "/work-instructions", .quality) { _, _, v in await web.workInstructionsPage(v) }
        page(router, "/work-instructions/{id}", .quality) { r, c, v in await web.workInstructionPage(r, v, id: c.parameters.get("id") ?? "") }
        page(router, "/engineering-changes", .quality) { r, _, v in await web.engineeringChangesPage(r, v) }
        page(router, "/engineering-changes/{id}", .quality) { _, c, v in await web.engineeringChangePage(v, id: c.parameters.get("id") ?? "") }
        // Raising is answered on the same page when refused, with what was typed kept (a long text is not lost).
        post(router, "/engineering-changes", binding: .session) { request, _, form in
            guard var viewer = await web.viewer(request) else { return Response.redirect(to: "/signin", type: .normal) }
            viewer.section = .quality
            guard Section.quality.allows(viewer.user) else {
                return web.html(
                    web.layout(viewer, PageContent(title: "Not for your role", body: Pages.forbidden(.quality, viewer.user))),
                    status: .forbidden
                )
            }
            do {
                let (next, flash) = try await web.raiseEngineeringChange(viewer, form: form)
                if let flash { await web.sessions.setFlash(viewer.sessionID, flash) }
                return Response.redirect(to: next, type: .normal)
            } catch {
                var flash = Web.flash(for: error, reference: web.report(error, request))
                flash.form = "raise"
                var content = await web.engineeringChangesPage(request, viewer, typed: form.fields, refusal: flash)
                content.status = HTTPResponse.Status(code: ErrorPresentation.of(error).status)
                return web.html(web.layout(viewer, content), status: content.status)
            }
        }
        action(router, "/engineering-changes/{id}/attachments", .quality) { _, c, v, form in
            try await web.attachToEngineeringChange(v, form: form, id: c.parameters.get("id") ?? "")
        }
        action(router, "/engineering-changes/{id}/{verb}", .quality) { _, c, v, form in
            try await web.engineeringChangeStep(
                v,
                form: form,
                id: c.parameters.get("id") ?? "",
                verb: c.parameters.get("verb") ?? "",
                client: Web.client(c)
            )
        }
        // Attachments are open to every signed-in user (an operator reads the pictures of the instruction they acknowledge).
        router.get("/attachments/:id") { request, context in
            guard await web.viewer(request) != nil else {
                return Response.redirect(to: "/signin?next=" + urlEncode(request.uri.description), type: .found)
            }
            let id = Attachment.ID(context.parameters.get("id") ?? "")
            guard let attachment = await web.service.read({ $0.attachments[id] }) else {
                return web.html(
                    Pages.message(title: "No such attachment", lines: ["Attachment '\(id)' does not exist."], link: ("/", "Back to Takt")),
                    status: .notFound
                )
            }
            return Self.attachmentResponse(attachment)
        }
    }

    /// The bytes as uploaded, shown inline under their file name, never sniffed as another type.
    static func attachmentResponse(_ attachment: Attachment) -> Response {
        var headers: HTTPFields = [
            .contentType: attachment.contentType.rawValue,
            .contentDisposition: attachment.inlineContentDisposition,
            .cacheControl: "private, max-age=3600",
        ]
        if let nosniff = HTTPField.Name("X-Content-Type-Options") { headers[nosniff] = "nosniff" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: attachment.content.data)))
    }

    /// Links between the two pages, shown at the top of each.
    static func engineeringTabs(_ current: String) -> Node {
        el("p", ["class": "tabs"]) {
            for (path, title) in [
                ("/quality", "Quality board"), ("/work-instructions", "Work instructions"), ("/engineering-changes", "Engineering changes"),
            ] {
                el("a", ["href": path, "aria-current": path == current ? "page" : nil], text: title)
                " "
            }
        }
    }

    // MARK: - Work instructions

    func workInstructionsPage(_ viewer: Viewer) async -> PageContent {
        let state = await service.read { $0 }
        let open = state.engineeringChanges.values.filter { $0.status != .released && $0.status != .rejected }
        let body = fragment {
            Self.engineeringTabs("/work-instructions")
            el(
                "p",
                ["class": "muted"],
                text:
                    "A released work instruction changes only through an engineering change; operators acknowledge the current revision before they start."
            )
            Pages.table(
                ["Work instruction", "Title", "Revision", "Revisions", "Attachments", "Operations bound", "Open changes"],
                state.workInstructions.values.sorted { $0.id < $1.id }.map { wi -> [Node] in
                    let bound = state.routings.values.sorted { $0.id < $1.id }.flatMap { r in
                        r.operations.filter { $0.workInstruction == wi.id }.map { "\(r.id.rawValue)/\($0.sequence)" }
                    }
                    let changes = open.filter { $0.workInstruction?.workInstruction == wi.id }.map(\.id.rawValue).sorted()
                    return [
                        Pages.link(wi.id.rawValue, "/work-instructions/\(urlEncode(wi.id.rawValue))"), .text(wi.title), Pages.badge(wi.revision, ""),
                        .text(String(state.history(of: wi.id)?.revisions.count ?? 1)), .text(String(wi.attachments.count)),
                        .text(bound.joined(separator: ", ").nilIfEmpty ?? "–"), .text(changes.joined(separator: ", ").nilIfEmpty ?? "–"),
                    ]
                },
                empty: "No work instruction is defined.",
                id: "work-instructions"
            )
        }
        return PageContent(title: "Work instructions", body: body)
    }

    func workInstructionPage(_ request: Request, _ viewer: Viewer, id: String) async -> PageContent {
        let state = await service.read { $0 }
        let wiID = WorkInstruction.ID(id)
        guard let wi = state.workInstructions[wiID], let history = state.history(of: wiID) else {
            return PageContent(title: "No such work instruction", body: el("p", text: "Work instruction '\(id)' does not exist."), status: .notFound)
        }
        let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { a, _ in a })
        let names = history.revisions.map(\.revision)
        let toName = query["to"].flatMap { names.contains($0) ? $0 : nil } ?? wi.revision
        let toIndex = names.lastIndex(of: toName) ?? names.count - 1
        let fromName = query["from"].flatMap { names.contains($0) ? $0 : nil } ?? names[max(0, toIndex - 1)]
        let fromIndex = names.lastIndex(of: fromName) ?? 0
        let shown = history.revisions[toIndex]
        let zone = state.plantTimeZone
        let body = fragment {
            Self.engineeringTabs("/work-instructions")
            el("section", ["class": "panel", "id": "current"]) {
                el("h2", text: "Revision \(shown.revision)\(shown.revision == wi.revision ? " (current)" : "")")
                el("pre", ["class": "instruction", "id": "instruction-text"], text: shown.text.isEmpty ? "(no text)" : shown.text)
                Self.attachmentsView(shown.attachments, state: state)
                if viewer.may(.createEngineeringChange) {
                    el("p") {
                        Pages.link(
                            "Propose a new revision (engineering change)",
                            "/engineering-changes?workInstruction=\(urlEncode(wi.id.rawValue))#raise"
                        )
                    }
                }
            }
            el("section", ["class": "panel", "id": "revisions"]) {
                el("h2", text: "Revisions")
                Pages.table(
                    ["Revision", "Title", "Released", "Engineering change", "Attachments", ""],
                    history.revisions.reversed().map { rev -> [Node] in
                        [
                            .text(rev.revision), .text(rev.title), .text(rev.releasedAt.map { Format.dateTime($0, zone) } ?? "defined directly"),
                            rev.engineeringChange.map { Pages.link($0.rawValue, "/engineering-changes/\(urlEncode($0.rawValue))") } ?? .text("–"),
                            .text(String(rev.attachments.count)),
                            Pages.link("show", "/work-instructions/\(urlEncode(wi.id.rawValue))?to=\(urlEncode(rev.revision))#current"),
                        ]
                    },
                    empty: "No revision."
                )
            }
            el("section", ["class": "panel", "id": "diff"]) {
                el("h2", text: "What changed from \(fromName) to \(toName)")
                el("form", ["method": "get", "action": "/work-instructions/\(urlEncode(wi.id.rawValue))#diff", "class": "inline"]) {
                    el("label", ["for": "diff-from"], text: "From")
                    el("select", ["name": "from", "id": "diff-from"]) {
                        for n in names { el("option", ["value": n, "selected": n == fromName ? "" : nil], text: n) }
                    }
                    el("label", ["for": "diff-to"], text: "to")
                    el("select", ["name": "to", "id": "diff-to"]) {
                        for n in names { el("option", ["value": n, "selected": n == toName ? "" : nil], text: n) }
                    }
                    el("button", ["type": "submit"], text: "Compare")
                }
                Self.diffView(TextDiff(old: history.revisions[fromIndex].text, new: history.revisions[toIndex].text))
            }
        }
        return PageContent(title: "\(wi.id.rawValue) · \(wi.title)", body: body)
    }

    /// Images inline, PDFs as links; each names its file and size.
    static func attachmentsView(_ ids: [Attachment.ID], state: PlantState) -> Node {
        guard !ids.isEmpty else { return el("p", ["class": "muted"], text: "No attachments.") }
        return el("div", ["class": "attachments"]) {
            for id in ids {
                if let a = state.attachments[id] {
                    let href = "/attachments/\(urlEncode(a.id.rawValue))"
                    el("figure", ["class": "attachment"]) {
                        if a.contentType.isImage {
                            el("a", ["href": href]) { void("img", ["src": href, "alt": a.filename, "loading": "lazy", "style": nil]) }
                        }
                        el("figcaption") {
                            el("a", ["href": href], text: a.filename)
                            " (\(a.contentType == .pdf ? "PDF" : "image"), \(Self.size(a.size)), \(a.id.rawValue))"
                        }
                    }
                } else {
                    el("p", text: "\(id.rawValue) (missing)")
                }
            }
        }
    }

    static func size(_ bytes: Int) -> String {
        bytes >= 1024 * 1024 ? String(format: "%.1f MiB", Double(bytes) / 1_048_576) : bytes >= 1024 ? "\(bytes / 1024) KiB" : "\(bytes) bytes"
    }

    /// A line diff as a table: removed lines marked −, added +, with their line numbers.
    static func diffView(_ diff: TextDiff) -> Node {
        fragment {
            el("p", ["class": "muted"], text: "\(diff.added) line\(diff.added == 1 ? "" : "s") added, \(diff.removed) removed")
            el("table", ["class": "diff", "id": "diff-lines"]) {
                el("thead") {
                    el("tr") {
                        el("th", text: "old")
                        el("th", text: "new")
                        el("th", text: "")
                        el("th", text: "text")
                    }
                }
                el("tbody") {
                    for line in diff.lines {
                        el("tr", ["class": "diff-\(line.change.rawValue)"]) {
                            el("td", text: line.old.map(String.init) ?? "")
                            el("td", text: line.new.map(String.init) ?? "")
                            el("td", text: line.change == .added ? "+" : line.change == .removed ? "−" : "")
                            el("td") { el("code", text: line.text.isEmpty ? " " : line.text) }
                        }
                    }
                }
            }
        }
    }

    // MARK: - Engineering changes

    /// The list and the form to raise a change; `typed` refills the form after a refusal.
    func engineeringChangesPage(_ request: Request, _ viewer: Viewer, typed: [String: String]? = nil, refusal: Flash? = nil) async -> PageContent {
        let state = await service.read { $0 }
        let taken = refusal == nil ? await sessions.takeFlash(viewer.sessionID) : nil
        let flash = refusal ?? taken
        let query = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { a, _ in a })
        let status = query["status"].flatMap(EngineeringChangeStatus.init(rawValue:))
        let changes = state.engineeringChanges.values.filter { status == nil || $0.status == status }.sorted { $0.id > $1.id }
        let start = query["workInstruction"].flatMap { state.workInstructions[WorkInstruction.ID($0)] }
        let zone = state.plantTimeZone
        let body = fragment {
            Self.engineeringTabs("/engineering-changes")
            el("p") {
                "Show: "
                Pages.link("all", "/engineering-changes")
                for s in EngineeringChangeStatus.allCases {
                    " · "
                    Pages.link(s.rawValue, "/engineering-changes?status=\(s.rawValue)")
                }
            }
            Pages.table(
                ["Change", "Title", "Status", "Proposes", "Raised by", "Raised", "Waiting for"],
                changes.map { eco -> [Node] in
                    [
                        Pages.link(eco.id.rawValue, "/engineering-changes/\(urlEncode(eco.id.rawValue))"), .text(eco.title),
                        Pages.badge(eco.status.rawValue, Self.tone(eco.status)), .text(Self.proposes(eco)),
                        .text(eco.createdBy?.rawValue ?? "system"), .text(Format.dateTime(eco.createdAt, zone)),
                        .text(eco.status == .submitted ? eco.pendingRoles.map(\.rawValue).joined(separator: ", ") : "–"),
                    ]
                },
                empty: "No engineering change\(status.map { " is \($0.rawValue)" } ?? " yet").",
                id: "engineering-changes"
            )
            if viewer.may(.createEngineeringChange) {
                Self.raiseForm(state: state, start: start, flash: flash, typed: typed)
            }
        }
        var content = PageContent(title: "Engineering changes", body: body)
        content.flash = flash
        return content
    }

    static func tone(_ status: EngineeringChangeStatus) -> String {
        switch status {
        case .draft: ""
        case .submitted: "warn"
        case .approved, .released: "ok"
        case .rejected: "bad"
        }
    }

    static func proposes(_ eco: EngineeringChange) -> String {
        var parts: [String] = []
        if let p = eco.workInstruction {
            parts.append("\(p.workInstruction.rawValue) \(eco.baseRevision.map { "\($0) → " } ?? "new, ")\(p.revision ?? "?")")
        }
        for c in eco.routingChanges { parts.append("\(c.routing.rawValue) op \(c.operation)") }
        return parts.joined(separator: "; ")
    }

    /// The form that raises a change: a new revision of a work instruction (its text prefilled from the current one when
    /// chosen), and one routing change.
    static func raiseForm(state: PlantState, start: WorkInstruction?, flash: Flash?, typed: [String: String]? = nil) -> Node {
        let formID = "raise"
        func field(_ name: String, _ label: String, _ size: String = "24", value: String? = nil, placeholder: String? = nil) -> Node {
            el("span", ["class": "field"]) {
                el("label", ["for": "\(formID)-\(name)"], text: label)
                void(
                    "input",
                    [
                        "type": "text", "name": name, "id": "\(formID)-\(name)", "size": size, "value": typed?[name] ?? value,
                        "placeholder": placeholder,
                    ]
                )
                Pages.fieldError(flash, form: formID, field: Self.formField(name), id: "\(formID)-\(name)-error")
            }
        }
        return el("section", ["class": "panel", "id": "raise"]) {
            el("h2", text: "Raise an engineering change")
            el("p", ["class": "muted"], text: "Choose a work instruction to start from its current text; attach images and PDFs on the draft's page.")
            el("form", ["method": "get", "action": "/engineering-changes#raise", "class": "inline"]) {
                el("label", ["for": "start-wi"], text: "Start from")
                el("select", ["name": "workInstruction", "id": "start-wi"]) {
                    for wi in state.workInstructions.values.sorted(by: { $0.id < $1.id }) {
                        el(
                            "option",
                            ["value": wi.id.rawValue, "selected": wi.id == start?.id ? "" : nil],
                            text: "\(wi.id.rawValue) rev \(wi.revision) · \(wi.title)"
                        )
                    }
                }
                el("button", ["type": "submit"], text: "Load its text")
            }
            el("form", ["method": "post", "action": "/engineering-changes", "id": formID]) {
                Pages.hidden("form", formID)
                Pages.hidden("back", "/engineering-changes" + (start.map { "?workInstruction=\(urlEncode($0.id.rawValue))" } ?? "") + "#raise")
                field("title", "Title", "40")
                field("reason", "Reason", "60")
                el("fieldset") {
                    el("legend", text: "New work instruction revision (optional)")
                    field("workInstruction", "Work instruction", "18", value: start?.id.rawValue, placeholder: "e.g. WI-MACH-210")
                    field("wiTitle", "Title of the revision", "30", value: start?.title)
                    field("revision", "Revision (empty: the next)", "6")
                    el("span", ["class": "field"]) {
                        el("label", ["for": "\(formID)-text"], text: "Text")
                        el(
                            "textarea",
                            ["name": "text", "id": "\(formID)-text", "rows": "8", "cols": "80"],
                            text: typed?["text"] ?? start?.text ?? ""
                        )
                        Pages.fieldError(flash, form: formID, field: "workInstruction.text", id: "\(formID)-text-error")
                    }
                    if let start, !start.attachments.isEmpty {
                        el("label") {
                            void("input", ["type": "checkbox", "name": "keepAttachments", "value": "1", "checked": ""])
                            " keep its \(start.attachments.count) attachment\(start.attachments.count == 1 ? "" : "s") (\(start.attachments.map(\.rawValue).joined(separator: ", ")))"
                        }
                        Pages.hidden("attachments", start.attachments.map(\.rawValue).joined(separator: ","))
                    }
                }
                el("fieldset") {
                    el("legend", text: "Routing change (optional)")
                    field("routing", "Routing", "14", placeholder: "e.g. RT-HOUS-100")
                    field("operation", "Operation", "4", placeholder: "10")
                    field("workCenter", "Primary work center", "14")
                    field("setupMinutes", "Setup min", "5")
                    field("runMinutesPerUnit", "Run min/unit", "5")
                    field("bindWorkInstruction", "Bind work instruction", "14")
                }
                el("button", ["type": "submit", "id": "\(formID)-submit"], text: "Raise (as a draft)")
            }
        }
    }

    /// The form field a command field's refusal is shown beside.
    static func formField(_ name: String) -> String {
        switch name {
        case "workInstruction": "workInstruction.workInstruction"
        case "wiTitle": "workInstruction.title"
        case "revision": "workInstruction.revision"
        case "routing": "routingChanges[0].routing"
        case "operation": "routingChanges[0].operation"
        case "workCenter": "routingChanges[0].workCenter"
        case "setupMinutes": "routingChanges[0].setupMinutes"
        case "runMinutesPerUnit": "routingChanges[0].runMinutesPerUnit"
        case "bindWorkInstruction": "routingChanges[0].workInstruction"
        default: name
        }
    }

    func raiseEngineeringChange(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        var proposal: ProposedRevision?
        if let wi = form.trimmed("workInstruction") {
            let keep = form["keepAttachments"] == "1" ? TaktWeb.list(form["attachments"]).map { Attachment.ID($0) } : []
            proposal = ProposedRevision(
                workInstruction: .init(wi),
                title: form.trimmed("wiTitle"),
                text: (form["text"] ?? "").replacingOccurrences(of: "\r\n", with: "\n"),
                attachments: keep,
                revision: form.trimmed("revision")
            )
        }
        var changes: [RoutingChange] = []
        if let routing = form.trimmed("routing") {
            func number(_ name: String) throws -> Double? {
                guard let text = form.trimmed(name) else { return nil }
                guard let value = Double(text.replacingOccurrences(of: ",", with: ".")) else {
                    throw DomainError.invalid(Self.formField(name), "number", "\(name) must be a number (got '\(text.prefix(40))')")
                }
                return value
            }
            guard let op = form.trimmed("operation").flatMap({ Int($0) }) else {
                throw DomainError.invalid("routingChanges[0].operation", "required", "give the operation's sequence number, e.g. 10")
            }
            changes.append(
                RoutingChange(
                    routing: .init(routing),
                    operation: op,
                    workCenter: form.trimmed("workCenter").map { WorkCenter.ID($0) },
                    setupMinutes: try number("setupMinutes"),
                    runMinutesPerUnit: try number("runMinutesPerUnit"),
                    workInstruction: form.trimmed("bindWorkInstruction").map { WorkInstruction.ID($0) }
                )
            )
        }
        let outcome = try await submit(
            .createEngineeringChange(
                CreateEngineeringChange(
                    title: form.trimmed("title") ?? "",
                    reason: form.trimmed("reason") ?? "",
                    workInstruction: proposal,
                    routingChanges: changes
                )
            ),
            as: viewer
        )
        var created: EngineeringChange?
        for case .engineeringChangeCreated(let eco) in (try? outcome.domainEvents()) ?? [] { created = eco }
        let id = created?.id.rawValue ?? ""
        return (
            "/engineering-changes/\(urlEncode(id))",
            Flash(kind: .success, title: "Raised \(id) (a draft)", lines: ["Attach images or PDFs if needed, then submit it for approval."])
        )
    }

    func engineeringChangePage(_ viewer: Viewer, id: String) async -> PageContent {
        let state = await service.read { $0 }
        let flash = await sessions.takeFlash(viewer.sessionID)
        guard let eco = state.engineeringChanges[EngineeringChange.ID(id)] else {
            return PageContent(
                title: "No such engineering change",
                body: el("p", text: "Engineering change '\(id)' does not exist."),
                status: .notFound
            )
        }
        let zone = state.plantTimeZone
        let base = "/engineering-changes/\(urlEncode(eco.id.rawValue))"
        let signs = state.signatureRequirement(for: .approveEngineeringChange(.init(engineeringChange: eco.id)), actor: viewer.user.id) != nil
        let body = fragment {
            Self.engineeringTabs("/engineering-changes")
            el("section", ["class": "panel", "id": "summary"]) {
                el("p") {
                    Pages.badge(eco.status.rawValue, Self.tone(eco.status))
                    " raised by \(eco.createdBy?.rawValue ?? "system") on \(Format.dateTime(eco.createdAt, zone))"
                    if eco.status == .submitted { " · waiting for approval by \(eco.pendingRoles.map(\.rawValue).joined(separator: " and "))" }
                    if let by = eco.releasedBy, let at = eco.releasedAt { " · released by \(by.rawValue) on \(Format.dateTime(at, zone))" }
                }
                el("p", text: "Reason: \(eco.reason)")
                if let note = eco.rejectionNote { el("p", ["class": "bad"], text: "Rejected by \(eco.rejectedBy?.rawValue ?? "?"): \(note)") }
                if !eco.approvals.isEmpty {
                    el("ul") {
                        for a in eco.approvals {
                            el(
                                "li",
                                text:
                                    "Approved as \(a.role.rawValue) by \(a.user.rawValue) on \(Format.dateTime(a.at, zone))\(a.note.map { ": \($0)" } ?? "")"
                            )
                        }
                    }
                }
                if let signatures = eco.signatures, !signatures.isEmpty {
                    el("ul", ["class": "signatures"]) {
                        for s in signatures {
                            el("li", text: "Signed (\(s.meaning.rawValue)) by \(s.signerName) on \(Format.dateTime(s.at, zone)): \(s.statement)")
                        }
                    }
                }
            }
            if let p = eco.workInstruction {
                el("section", ["class": "panel", "id": "revision"]) {
                    el(
                        "h2",
                        text:
                            "\(p.workInstruction.rawValue) \(eco.baseRevision.map { "revision \($0) → " } ?? "(new) ")\(p.revision ?? "?") · \(p.title ?? "")"
                    )
                    Self.diffView(state.textDiff(of: eco) ?? TextDiff(lines: []))
                    el("h3", text: "Attachments of the new revision")
                    Self.attachmentsView(p.attachments, state: state)
                    if eco.status == .draft, viewer.may(.uploadAttachment) {
                        el(
                            "form",
                            ["method": "post", "action": "\(base)/attachments", "id": "attach", "enctype": "multipart/form-data", "class": "inline"]
                        ) {
                            Pages.hidden("form", "attach")
                            Pages.hidden("back", base + "#revision")
                            el("label", ["for": "attach-file"], text: "Attach a PNG, JPEG or PDF (at most 2 MiB)")
                            void("input", ["type": "file", "name": "file", "id": "attach-file", "accept": "image/png,image/jpeg,application/pdf"])
                            el("button", ["type": "submit", "id": "attach-submit"], text: "Attach")
                            Pages.fieldError(flash, form: "attach", field: "content", id: "attach-content-error")
                            Pages.fieldError(flash, form: "attach", field: "contentType", id: "attach-type-error")
                        }
                    }
                }
            }
            if !eco.routingChanges.isEmpty {
                el("section", ["class": "panel", "id": "routing"]) {
                    el("h2", text: "Routing changes")
                    Pages.table(
                        ["Routing", "Operation", "Before", "After"],
                        eco.routingChanges.enumerated().map { (i, c) -> [Node] in
                            let before = i < eco.routingBefore.count ? eco.routingBefore[i] : nil
                            let after = before.map { PlantState.applying(c, to: $0) }
                            return [
                                .text(c.routing.rawValue), .text("\(c.operation) \(before?.name ?? "")"), .text(Self.describe(before)),
                                .text(Self.describe(after)),
                            ]
                        },
                        empty: "None."
                    )
                }
            }
            el("section", ["class": "panel", "id": "steps"]) {
                el("h2", text: "Next step")
                switch eco.status {
                case .draft:
                    if viewer.may(.submitEngineeringChange) {
                        el("form", ["method": "post", "action": "\(base)/submit", "class": "inline", "id": "submit"]) {
                            Pages.hidden("form", "submit")
                            Pages.hidden("back", base)
                            el("button", ["type": "submit", "id": "submit-button"], text: "Submit for approval")
                        }
                    }
                case .submitted where !Self.mayDecide(eco, viewer: viewer, state: state):
                    el(
                        "p",
                        text: "Waiting for approval by \(eco.pendingRoles.map(\.rawValue).joined(separator: " and "))"
                            + (eco.createdBy == viewer.user.id ? "; the author does not approve their own change." : ".")
                    )
                case .submitted:
                    el("form", ["method": "post", "action": "\(base)/decide", "id": "decide"]) {
                        Pages.hidden("form", "decide")
                        Pages.hidden("back", base + "#steps")
                        el("span", ["class": "field"]) {
                            el("label", ["for": "decide-note"], text: "Note (required to reject)")
                            void("input", ["type": "text", "name": "note", "id": "decide-note", "size": "50"])
                            Pages.fieldError(flash, form: "decide", field: "note", id: "decide-note-error")
                        }
                        if signs {
                            el("span", ["class": "field"]) {
                                el("label", ["for": "decide-password"], text: "Your password (electronic signature)")
                                void("input", ["type": "password", "name": "password", "id": "decide-password", "autocomplete": "current-password"])
                                Pages.fieldError(flash, form: "decide", field: "password", id: "decide-password-error")
                            }
                        }
                        el("button", ["type": "submit", "name": "decision", "value": "approve", "id": "approve-button"], text: "Approve")
                        el("button", ["type": "submit", "name": "decision", "value": "reject", "id": "reject-button"], text: "Reject")
                    }
                case .approved:
                    if viewer.may(.releaseEngineeringChange) {
                        el("form", ["method": "post", "action": "\(base)/release", "class": "inline", "id": "release"]) {
                            Pages.hidden("form", "release")
                            Pages.hidden("back", base)
                            el("button", ["type": "submit", "id": "release-button"], text: "Release: operators must acknowledge the new revision")
                        }
                    }
                case .released:
                    if let p = eco.workInstruction {
                        el("p") {
                            Pages.link(
                                "\(p.workInstruction.rawValue) and its revisions",
                                "/work-instructions/\(urlEncode(p.workInstruction.rawValue))"
                            )
                        }
                    } else {
                        el("p", text: "Released.")
                    }
                case .rejected:
                    el("p", text: "Rejected; raise a new change to try again.")
                }
            }
        }
        var content = PageContent(title: "\(eco.id.rawValue) · \(eco.title)", body: body)
        content.flash = flash
        return content
    }

    /// Whether the viewer may decide the change: a role it still waits for (an admin for any), and not its author unless
    /// the policy allows it. The plant checks it again when the decision is submitted.
    static func mayDecide(_ eco: EngineeringChange, viewer: Viewer, state: PlantState) -> Bool {
        let user = viewer.user
        if eco.createdBy == user.id, state.engineeringChangeRule.authorMayApprove != true { return false }
        return user.has(.admin) || eco.pendingRoles.contains { user.has($0) }
    }

    static func describe(_ op: RoutingOperation?) -> String {
        guard let op else { return "–" }
        let centers = op.workCenters.map {
            "\($0.workCenter.rawValue) (setup \(Format.quantity($0.setupMinutes)) min, run \(Format.quantity($0.runMinutesPerUnit)) min/unit)"
        }
        return centers.joined(separator: "; ") + (op.workInstruction.map { "; instruction \($0.rawValue)" } ?? "")
    }

    func attachToEngineeringChange(_ viewer: Viewer, form: Form, id: String) async throws -> (String, Flash?) {
        guard let file = form.files["file"], !file.filename.isEmpty else {
            throw DomainError.invalid("content", "required", "choose a file to attach")
        }
        let outcome = try await submit(
            .uploadAttachment(
                UploadAttachment(
                    filename: file.filename,
                    contentType: file.contentType ?? "",
                    content: Data(file.bytes),
                    engineeringChange: EngineeringChange.ID(id)
                )
            ),
            as: viewer
        )
        var added: Attachment?
        for case .attachmentUploaded(let a) in (try? outcome.domainEvents()) ?? [] { added = a }
        return (
            "/engineering-changes/\(urlEncode(id))#revision",
            Flash(kind: .success, title: "Attached \(file.filename)", lines: ["\(added?.id.rawValue ?? ""), \(Self.size(file.bytes.count))."])
        )
    }

    func engineeringChangeStep(_ viewer: Viewer, form: Form, id: String, verb: String, client: String) async throws -> (String, Flash?) {
        let ref = EngineeringChange.ID(id)
        let back = "/engineering-changes/\(urlEncode(id))"
        switch verb {
        case "submit":
            try await submit(.submitEngineeringChange(EngineeringChangeRef(engineeringChange: ref)), as: viewer)
            return (back, Flash(kind: .success, title: "Submitted \(id) for approval", lines: []))
        case "decide":
            let decision = DecideEngineeringChange(engineeringChange: ref, note: form.trimmed("note"))
            let approving = form["decision"] != "reject"
            let command: Command = approving ? .approveEngineeringChange(decision) : .rejectEngineeringChange(decision)
            try await submit(command, as: viewer, signature: await signature(for: command, viewer: viewer, form: form, client: client))
            return (back, Flash(kind: .success, title: approving ? "Approved \(id)" : "Rejected \(id)", lines: []))
        case "release":
            let outcome = try await submit(.releaseEngineeringChange(EngineeringChangeRef(engineeringChange: ref)), as: viewer)
            var revision: String?
            for case .engineeringChangeReleased(let r) in (try? outcome.domainEvents()) ?? [] { revision = r.revision }
            return (
                back,
                Flash(
                    kind: .success,
                    title: "Released \(id)",
                    lines: revision.map { ["Revision \($0) is current: operators acknowledge it before they start."] } ?? []
                )
            )
        default:
            throw DomainError.notFound("verb", "no such step '\(verb.prefix(40))'; submit, decide or release")
        }
    }
}
