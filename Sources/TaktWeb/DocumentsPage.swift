import Foundation
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

/// The values a person typed on a document's form when the plant refused them: shown again (once) on the form, so a
/// refusal costs nothing but the correction it asks for. Kept in memory, per session and document.
actor DocumentDrafts {
    private var drafts: [String: [String: String]] = [:]
    func take(_ session: String, _ document: String) -> [String: String] { drafts.removeValue(forKey: session + "\u{0}" + document) ?? [:] }
    func set(_ session: String, _ document: String, _ values: [String: String]) {
        if drafts.count > 1_000 { drafts.removeAll() }
        drafts[session + "\u{0}" + document] = values
    }
}

/// Incoming documents (docs/documents.md): the list with an upload form (text, CSV or PDF), and one document's record —
/// every field with the page and line it was read from, editable until it is verified; Verify (with the corrections) or
/// Reject. The same service calls and commands as the API.
extension TaktWeb {
    func addDocumentRoutes<Context: RequestContext>(to router: Router<Context>) {
        let web = self
        page(router, "/documents", .documents) { r, _, v in await web.documentsPage(r, v) }
        action(router, "/documents", .documents) { _, _, v, form in try await web.uploadDocument(v, form: form) }
        page(router, "/documents/{id}", .documents) { r, c, v in await web.documentPage(r, v, id: c.parameters.get("id") ?? "") }
        action(router, "/documents/{id}/verify", .documents) { _, c, v, form in
            try await web.verifyDocument(v, form: form, id: c.parameters.get("id") ?? "")
        }
        action(router, "/documents/{id}/reject", .documents) { _, c, v, form in
            try await web.rejectDocument(v, form: form, id: c.parameters.get("id") ?? "")
        }
    }

    func documentsPage(_ request: Request, _ viewer: Viewer) async -> PageContent {
        let (documents, templates, zone) = await service.read { s in
            (s.documents.values.sorted { $0.id > $1.id }, s.documentTemplates.values.sorted { $0.id < $1.id }, s.plantTimeZone)
        }
        let body = fragment {
            el("p", ["class": "muted"]) {
                "Certificates of analysis, supplier delivery notes and customer purchase orders, as text, CSV or PDF. Each is read into a "
                "record that a person verifies or corrects before it takes effect (docs/documents.md)."
            }
            el("form", ["method": "post", "action": "/documents", "enctype": "multipart/form-data", "class": "inline toolbar", "id": "upload"]) {
                el("label", ["for": "document-kind"], text: "Kind")
                el("select", ["id": "document-kind", "name": "kind"]) {
                    for kind in DocumentKind.allCases { el("option", ["value": kind.rawValue], text: kind.words) }
                }
                el("label", ["for": "document-file"], text: "File")
                void(
                    "input",
                    ["type": "file", "id": "document-file", "name": "file", "accept": ".pdf,.txt,.csv,application/pdf,text/plain,text/csv"]
                )
                el("button", ["type": "submit", "id": "upload-document"], text: "Upload")
            }
            el("h2", text: "Documents")
            Pages.table(
                ["ID", "Kind", "File", "Status", "Received", "Needs", "Result"],
                documents.map { d in
                    [
                        Pages.link(d.id.rawValue, "/documents/\(urlEncode(d.id.rawValue))"), .text(d.kind.words), .text(d.filename),
                        Pages.badge(d.status.rawValue, d.status == .received ? "warn" : d.status == .verified ? "ok" : "info"),
                        .text(Format.dateTime(d.receivedAt, zone)),
                        .text(
                            d.status == .received
                                ? (d.issues.isEmpty ? "verification" : "\(d.issues.count) correction\(d.issues.count == 1 ? "" : "s")") : ""
                        ),
                        .text(d.check?.summary ?? d.rejectReason ?? ""),
                    ]
                },
                empty: "No documents yet: upload one above, send one to POST /api/v1/documents, or drop it in the watched folder.",
                id: "documents"
            )
            el("h2", text: "Templates")
            Pages.table(
                ["ID", "Name", "Kind", "For", "Selected by"],
                templates.map { t in
                    [.text(t.id.rawValue), .text(t.name), .text(t.kind.words), .text(t.party ?? ""), .text(t.match.joined(separator: ", "))]
                },
                empty: "No templates: every document is read generically. Define one with PUT /api/v1/document-templates/{id}.",
                id: "templates"
            )
        }
        return PageContent(title: "Documents", body: body)
    }

    func documentPage(_ request: Request, _ viewer: Viewer, id: String) async -> PageContent {
        let flash = await sessions.takeFlash(viewer.sessionID)
        let typed = await documentDrafts.take(viewer.sessionID, id)
        let found = await service.read { s -> (IncomingDocument, [Location], TimeZone)? in
            guard let d = s.documents[IncomingDocument.ID(id)] else { return nil }
            let receiving = s.locations.values.filter { $0.active && ($0.kind == .receiving || $0.kind == .quarantine) }.sorted { $0.id < $1.id }
            return (d, receiving, s.plantTimeZone)
        }
        guard let (d, receiving, zone) = found else {
            return PageContent(title: "Not found", body: el("p", text: "There is no document \(id)."), status: .notFound)
        }
        let open = d.status == .received
        let errors = flash?.fields ?? [:]
        func source(_ s: FieldSource?) -> Node {
            guard let s else { return .text("—") }
            return el(
                "span",
                ["class": "source", "title": s.text],
                text: "page \(s.page), line \(s.line): \(s.text.trimmingCharacters(in: .whitespaces))"
            )
        }
        func input(_ name: String, _ value: String?, label: String) -> Node {
            fragment {
                void(
                    "input",
                    [
                        "type": "text", "name": name, "value": typed[name] ?? value ?? "", "aria-label": label, "size": "18",
                        "readonly": open ? nil : "readonly", "class": errors[label] != nil ? "invalid" : nil,
                    ]
                )
                if let e = errors[label] { el("span", ["class": "field-error"], text: e) }
            }
        }
        let issues = Dictionary(d.issues.map { ($0.field, $0.message) }, uniquingKeysWith: { a, b in a + "; " + b })
        let columns = d.kind.columns
        let rowHeaders = ["#"] + columns.map { DocumentExtraction.label($0) + (d.kind.requiredColumns.contains($0) ? " *" : "") } + ["Read from"]
        var rowCells: [[Node]] = []
        for (i, row) in d.rows.enumerated() {
            var cells: [Node] = [.text(String(i + 1))]
            for c in columns { cells.append(input("r.\(i).\(c)", row.cells.first { $0.name == c }?.value, label: "rows[\(i)].\(c)")) }
            cells.append(source(row.source))
            rowCells.append(cells)
        }
        if open {
            var cells: [Node] = [.text("+")]
            for c in columns { cells.append(input("r.\(d.rows.count).\(c)", nil, label: "rows[\(d.rows.count)].\(c)")) }
            cells.append(.text("a row the reading missed"))
            rowCells.append(cells)
        }
        var content = PageContent(
            title: "\(d.id): \(d.kind.words)",
            body: fragment {
                el("p") {
                    Pages.badge(d.status.rawValue, d.status == .received ? "warn" : d.status == .verified ? "ok" : "info")
                    " \(d.filename) (\(d.format.rawValue)), received \(Format.dateTime(d.receivedAt, zone)) by \(d.receivedBy?.rawValue ?? "the watched folder")"
                    d.template.map { "; read with template \($0)" } ?? "; read generically"
                }
                if let check = d.check {
                    el("div", ["class": "flash success", "id": "check"]) {
                        el("strong", text: "Checked: ")
                        check.summary
                        if let so = check.proposedSalesOrder {
                            el(
                                "p",
                                text:
                                    "Proposed \(so.id) for \(so.customer); the orchestrator assesses it like a rush request — see the exception inbox."
                            )
                        }
                        if (check.outOfSpec ?? 0) > 0 {
                            el("p", text: "Out of spec: the orchestrator proposes a hold on the supplier lot — see the exception inbox.")
                        }
                    }
                }
                if let reason = d.rejectReason { el("p", ["class": "flash error"], text: "Rejected: \(reason)") }
                if open && !d.issues.isEmpty {
                    el("div", ["class": "flash error", "id": "issues"]) {
                        el("strong", text: "To correct before verifying:")
                        el("ul") { for i in d.issues { el("li", text: "\(i.field): \(i.message)") } }
                    }
                }
                el("form", ["method": "post", "action": "/documents/\(urlEncode(d.id.rawValue))/verify", "id": "verify"]) {
                    Pages.hidden("form", "verify")
                    el("h2", text: "Fields")
                    Pages.table(
                        ["Field", "Value", "Read from", ""],
                        d.fields.map { f in
                            [
                                .text(DocumentExtraction.label(f.name) + (d.kind.requiredFields.contains(f.name) ? " *" : "")),
                                input("f.\(f.name)", f.value, label: f.name),
                                source(f.source),
                                .text(f.corrected == true ? "corrected (read: \(f.extracted ?? "nothing"))" : issues[f.name] ?? ""),
                            ]
                        },
                        empty: "",
                        id: "fields"
                    )
                    el("h2", text: "Rows")
                    Pages.table(rowHeaders, rowCells, empty: "No rows.", id: "rows")
                    if open {
                        if d.kind == .deliveryNote {
                            el("label", ["for": "location"], text: "Receive at")
                            el("select", ["id": "location", "name": "location"]) {
                                for l in receiving { el("option", ["value": l.id.rawValue], text: "\(l.id) — \(l.name)") }
                            }
                        }
                        el("button", ["type": "submit", "id": "verify-document"], text: "Verify")
                    }
                }
                if open {
                    el(
                        "form",
                        ["method": "post", "action": "/documents/\(urlEncode(d.id.rawValue))/reject", "class": "inline toolbar", "id": "reject"]
                    ) {
                        el("label", ["for": "reason"], text: "Reason")
                        void("input", ["type": "text", "id": "reason", "name": "reason", "size": "40", "placeholder": "e.g. not our supplier"])
                        el("button", ["type": "submit", "id": "reject-document"], text: "Reject")
                    }
                }
                el("details") {
                    el("summary", text: "The document's text")
                    for (i, page) in d.pages.enumerated() {
                        el("h3", text: "Page \(i + 1)")
                        el("pre", ["class": "document-text"], text: page)
                    }
                }
            }
        )
        content.flash = flash
        return content
    }

    func uploadDocument(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        guard let file = form.files["file"], !file.bytes.isEmpty else { throw WebError.missing("the file (a PDF, text or CSV document)") }
        guard let kind = form.trimmed("kind").flatMap(DocumentKind.init(rawValue:)) else { throw WebError.missing("the kind of document") }
        let upload = DocumentUpload(kind: kind, filename: file.filename, contentType: file.contentType, bytes: Data(file.bytes))
        let outcome = try await service.receiveDocument(upload, by: Caller(user: viewer.user))
        guard case .documentReceived(let d)? = try outcome.domainEvents().first else { return ("/documents", nil) }
        let lines =
            d.issues.isEmpty
            ? ["Check each value against the document and verify it."]
            : ["Correct what is marked before verifying:"] + d.issues.map { "\($0.field): \($0.message)" }
        return ("/documents/\(urlEncode(d.id.rawValue))", Flash(kind: .success, title: "\(d.id) read from \(d.filename)", lines: lines))
    }

    func verifyDocument(_ viewer: Viewer, form: Form, id: String) async throws -> (String, Flash?) {
        guard let d = await service.read({ $0.documents[IncomingDocument.ID(id)] }) else {
            throw DomainError.notFound("document", "document '\(id)' does not exist")
        }
        var corrections: [DocumentCorrection] = []
        for f in d.fields {
            let given = (form["f.\(f.name)"] ?? f.value ?? "").trimmingCharacters(in: .whitespaces)
            if given != (f.value ?? "") { corrections.append(DocumentCorrection(field: f.name, value: given)) }
        }
        for i in 0...d.rows.count {
            for c in d.kind.columns {
                let old = i < d.rows.count ? d.rows[i].cells.first { $0.name == c }?.value ?? "" : ""
                let given = (form["r.\(i).\(c)"] ?? old).trimmingCharacters(in: .whitespaces)
                if given != old { corrections.append(DocumentCorrection(field: "rows[\(i)].\(c)", value: given)) }
            }
        }
        let location = d.kind == .deliveryNote ? form.trimmed("location").map { Location.ID($0) } : nil
        let outcome: CommandOutcome
        do {
            outcome = try await submit(
                .verifyDocument(VerifyDocument(document: d.id, corrections: corrections.isEmpty ? nil : corrections, location: location)),
                as: viewer
            )
        } catch {
            // Refused: the form shows what was typed again, with the refusal beside its field.
            await documentDrafts.set(viewer.sessionID, id, form.fields.filter { $0.key.hasPrefix("f.") || $0.key.hasPrefix("r.") })
            throw error
        }
        var summary = "Verified."
        if case .documentVerified(let v)? = try outcome.domainEvents().first { summary = v.check.summary }
        let corrected = corrections.isEmpty ? [] : ["\(corrections.count) correction\(corrections.count == 1 ? "" : "s") recorded."]
        return ("/documents/\(urlEncode(id))", Flash(kind: .success, title: "\(id) verified", lines: [summary] + corrected))
    }

    func rejectDocument(_ viewer: Viewer, form: Form, id: String) async throws -> (String, Flash?) {
        try await submit(.rejectDocument(RejectDocument(document: .init(id), reason: form["reason"] ?? "")), as: viewer)
        return ("/documents/\(urlEncode(id))", Flash(kind: .success, title: "\(id) rejected", lines: ["It takes no effect."]))
    }
}
