import Foundation

// Incoming documents: `receiveDocument` reads a document into a record (DocumentExtraction.swift), `verifyDocument`
// takes a person's corrections, checks the record against the plant and records its effect in the same commit (a
// delivery note's receipts; a certificate's results; a customer order's sales-order proposal), `rejectDocument` sets it
// aside, `defineDocumentTemplate` keeps how one sender's documents are read. The orchestrator reacts to `documentVerified`
// (a certificate out of spec → a hold proposal; a customer order → its sales order assessed like a rush request).

// MARK: - Decide

extension PlantState {
    func decideDocuments(_ command: Command, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        switch command {
        case .receiveDocument(let r): return try decideReceiveDocument(r, actor: actor, now: now)
        case .verifyDocument(let v): return try decideVerifyDocument(v, actor: actor, now: now)
        case .rejectDocument(let r):
            let document = try openDocument(r.document, actor: actor)
            var v = Validator()
            v.name(r.reason, "reason")
            try v.throwIfAny()
            return [.documentRejected(DocumentRejected(document: document.id, reason: r.reason, by: actor, at: now))]
        case .defineDocumentTemplate(let t):
            try validate(t)
            return [.documentTemplateDefined(t)]
        default:
            return []
        }
    }

    func decideReceiveDocument(_ r: ReceiveDocument, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        let id = r.id ?? IncomingDocument.ID(String(format: "DOC-%06d", nextDocumentNumber))
        if documents[id] != nil { throw .conflict("id", "exists", "document '\(id)' already exists") }
        var v = Validator()
        v.code(id, "id")
        v.name(r.filename, "filename")
        var template: DocumentTemplate?
        if let tid = r.template {
            if let t = documentTemplates[tid] {
                v.check(
                    t.kind == r.kind,
                    "template",
                    "kind-mismatch",
                    "template '\(tid)' reads \(t.kind.words)s, not \(r.kind.words)s"
                )
                template = t
            } else {
                v.add("template", "unknown-reference", "template '\(tid)' does not exist")
            }
        }
        try v.throwIfAny()
        if r.template == nil {
            let first = (r.pages.first ?? "").lowercased()
            template = documentTemplates.values.filter { $0.kind == r.kind }.sorted { $0.id < $1.id }
                .first { t in t.match.contains { !$0.isEmpty && first.contains($0.lowercased()) } }
        }
        let reading = try DocumentExtraction.read(pages: r.pages, kind: r.kind, format: r.format, template: template)
        let document = IncomingDocument(
            id: id,
            kind: r.kind,
            format: r.format,
            filename: r.filename,
            template: template?.id,
            pages: r.pages,
            fields: reading.fields,
            rows: reading.rows,
            issues: reading.issues,
            receivedBy: actor,
            receivedAt: now
        )
        return [.documentReceived(document)]
    }

    /// A document that still waits for a decision, which `actor` may take.
    func openDocument(_ id: IncomingDocument.ID, actor: User.ID?) throws(DomainError) -> IncomingDocument {
        guard let document = documents[id] else { throw .notFound("document", "document '\(id)' does not exist") }
        guard document.status == .received else {
            throw .conflict(
                "document",
                "status",
                "document '\(id)' is already \(document.status.rawValue); only a received document can be verified or rejected"
            )
        }
        if let actor {
            let roles = users[actor]?.roles ?? []
            guard roles.contains(.admin) || !document.kind.verifiers.isDisjoint(with: roles) else {
                throw .forbidden(
                    "document",
                    "role",
                    "a \(document.kind.words) is verified by \(document.kind.verifiers.sorted().map(\.rawValue).joined(separator: " or ")), not by \(actor)"
                )
            }
        }
        return document
    }

    func decideVerifyDocument(_ cmd: VerifyDocument, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        let document = try openDocument(cmd.document, actor: actor)
        var fields = document.fields
        var rows = document.rows
        var v = Validator()
        for (i, c) in (cmd.corrections ?? []).enumerated() {
            let f = "corrections[\(i)]"
            if c.value.count > 200 { v.add("\(f).value", "max-length", "\(f).value must be at most 200 characters") }
            if ValueLimits.forbiddenControl(in: c.value, allowingLineBreaks: false) != nil {
                v.add("\(f).value", "control-character", "\(f).value must be one line")
            }
            if let j = fields.firstIndex(where: { $0.name == c.field }) {
                Self.correct(&fields[j], c.value)
            } else if let (row, column) = Self.cell(c.field), document.kind.columns.contains(column), row >= 0, row <= rows.count,
                row < DocumentLimits.maximumRows
            {
                if row == rows.count { rows.append(DocumentRow(cells: [])) }
                if let k = rows[row].cells.firstIndex(where: { $0.name == column }) {
                    Self.correct(&rows[row].cells[k], c.value)
                } else {
                    rows[row].cells.append(DocumentField(name: column, value: c.value, corrected: true))
                }
            } else {
                v.add(
                    "\(f).field",
                    "unknown-field",
                    "'\(c.field)' is not a field of a \(document.kind.words): one of \(document.kind.fields.joined(separator: ", ")) "
                        + "or rows[n].\(document.kind.columns.joined(separator: "|"))"
                )
            }
        }
        try v.throwIfAny()
        // A row a person emptied entirely is dropped.
        rows.removeAll { row in row.cells.allSatisfy { ($0.value ?? "").trimmingCharacters(in: .whitespaces).isEmpty } }
        var problems = DocumentExtraction.problems(kind: document.kind, fields: fields, rows: rows)
        if rows.isEmpty {
            problems.append(
                Violation(
                    field: "rows",
                    rule: "required",
                    message: "a \(document.kind.words) needs at least one row (\(document.kind.requiredColumns.joined(separator: ", ")))"
                )
            )
        }
        if !problems.isEmpty { throw DomainError(.invalid, problems) }
        let verified = IncomingDocument(
            id: document.id,
            kind: document.kind,
            format: document.format,
            filename: document.filename,
            template: document.template,
            pages: [],
            fields: fields,
            rows: rows,
            issues: [],
            receivedBy: document.receivedBy,
            receivedAt: document.receivedAt
        )
        let check: DocumentCheck
        var effects: [Event] = []
        switch document.kind {
        case .certificate: check = try checkCertificate(verified)
        case .deliveryNote: (check, effects) = try checkDeliveryNote(verified, location: cmd.location, actor: actor, now: now)
        case .customerOrder: check = try checkCustomerOrder(verified, actor: actor, now: now)
        }
        let event = DocumentVerified(document: document.id, kind: document.kind, fields: fields, rows: rows, check: check, by: actor, at: now)
        return [.documentVerified(event)] + effects
    }

    static func correct(_ field: inout DocumentField, _ value: String) {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        guard trimmed != (field.value ?? "").trimmingCharacters(in: .whitespaces) else { return }
        if field.corrected != true { field.extracted = field.value }
        field.value = trimmed.isEmpty ? nil : trimmed
        field.corrected = true
    }

    /// `rows[2].quantity` → (2, "quantity").
    static func cell(_ field: String) -> (Int, String)? {
        guard field.hasPrefix("rows["), let close = field.firstIndex(of: "]") else { return nil }
        let number = field[field.index(field.startIndex, offsetBy: 5)..<close]
        let rest = field[field.index(after: close)...]
        guard let n = Int(number), rest.hasPrefix(".") else { return nil }
        return (n, String(rest.dropFirst()))
    }

    // MARK: Certificates

    /// Every value against the item's inspection plan (its incoming plan when it has one): all of the plan's
    /// characteristics must be given, each a number within the limits (or pass/fail for an attribute).
    func checkCertificate(_ d: IncomingDocument) throws(DomainError) -> DocumentCheck {
        let itemText = d.value("item") ?? ""
        guard let item = items[Item.ID(itemText)] ?? items.values.first(where: { $0.id.rawValue.lowercased() == itemText.lowercased() }) else {
            throw .invalid("item", "unknown-reference", "item '\(itemText)' does not exist")
        }
        let plans = inspectionPlans.values.filter { $0.item == item.id }.sorted {
            ($0.operation == nil ? 0 : 1, $0.id) < ($1.operation == nil ? 0 : 1, $1.id)
        }
        guard let plan = plans.first else {
            throw .conflict(
                "item",
                "no-inspection-plan",
                "item '\(item.id)' has no inspection plan, so its certificate cannot be checked against limits"
            )
        }
        var v = Validator()
        var results: [CertificateResult] = []
        var given = Set<String>()
        for (i, row) in d.rows.enumerated() {
            let name = row.value("characteristic") ?? ""
            let key = DocumentExtraction.normalize(name)
            guard
                let c = plan.characteristics.first(where: {
                    DocumentExtraction.normalize($0.id) == key || DocumentExtraction.normalize($0.name) == key
                        || DocumentExtraction.normalize($0.id.replacingOccurrences(of: "-", with: " ")) == key
                })
            else {
                v.add(
                    "rows[\(i)].characteristic",
                    "unknown-characteristic",
                    "'\(name)' is not a characteristic of \(plan.id) (\(plan.characteristics.map(\.name).joined(separator: ", ")))"
                )
                continue
            }
            given.insert(c.id)
            let text = row.value("value") ?? ""
            switch c.kind {
            case .variable:
                guard let value = DocumentExtraction.number(text) else {
                    v.add("rows[\(i)].value", "number", "value '\(text)' of \(c.name) is not a number")
                    continue
                }
                let passed = (c.lowerLimit.map { value >= $0 } ?? true) && (c.upperLimit.map { value <= $0 } ?? true)
                results.append(
                    CertificateResult(
                        characteristic: c.id,
                        name: c.name,
                        value: value,
                        lowerLimit: c.lowerLimit,
                        upperLimit: c.upperLimit,
                        unit: c.unit,
                        passed: passed
                    )
                )
            case .attribute:
                let word = text.lowercased()
                let pass = ["pass", "passed", "ok", "conform", "conforms", "yes", "1"].contains(word)
                let fail = ["fail", "failed", "nok", "not ok", "no", "0", "reject"].contains(word)
                guard pass || fail else {
                    v.add("rows[\(i)].value", "pass-fail", "value '\(text)' of \(c.name) must be pass or fail")
                    continue
                }
                results.append(
                    CertificateResult(
                        characteristic: c.id,
                        name: c.name,
                        value: pass ? 1 : 0,
                        lowerLimit: nil,
                        upperLimit: nil,
                        unit: nil,
                        passed: pass
                    )
                )
            }
        }
        for c in plan.characteristics where !given.contains(c.id) {
            v.add("rows", "missing-characteristic", "the certificate gives no value for \(c.name) (\(c.id)) of \(plan.id)")
        }
        try v.throwIfAny()
        let supplier = d.value("supplier") ?? ""
        let supplierLot = d.value("supplierLot") ?? ""
        let lots = self.lots.values.filter {
            $0.status.isInStock && $0.supplierLot?.lowercased() == supplierLot.lowercased() && $0.supplier?.lowercased() == supplier.lowercased()
        }.map(\.id).sorted()
        let out = results.filter { !$0.passed }
        var check = DocumentCheck(
            summary: out.isEmpty
                ? "all \(results.count) values within the limits of \(plan.id)"
                : "\(out.count) of \(results.count) values out of spec: "
                    + out.map { r in "\(r.name) \(Self.figure(r.value))\(r.unit.map { " \($0)" } ?? "") (\(Self.limits(r)))" }.joined(separator: "; ")
        )
        check.inspectionPlan = plan.id
        check.results = results
        check.outOfSpec = out.count
        check.lots = lots
        return check
    }

    static func figure(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e12 ? String(Int(x)) : String(x) }

    static func limits(_ r: CertificateResult) -> String {
        switch (r.lowerLimit, r.upperLimit) {
        case (let lo?, let hi?): "limits \(figure(lo))–\(figure(hi))"
        case (let lo?, nil): "at least \(figure(lo))"
        case (nil, let hi?): "at most \(figure(hi))"
        case (nil, nil): r.passed ? "pass" : "fail"
        }
    }

    // MARK: Delivery notes

    /// Each line against an open expected receipt of the purchase order (same item and supplier, no more than is still
    /// open), received as a lot in the same commit; one line that does not fit refuses the whole note.
    func checkDeliveryNote(_ d: IncomingDocument, location: Location.ID?, actor: User.ID?, now: Date) throws(DomainError) -> (DocumentCheck, [Event])
    {
        let supplier = d.value("supplier") ?? ""
        let po = d.value("purchaseOrder") ?? ""
        let note = d.value("deliveryNote") ?? ""
        let receiving =
            location
            ?? locations.values.filter { $0.active && $0.kind == .receiving }.map(\.id).min()
        guard let receiving else {
            throw .conflict("location", "required", "the plant has no active receiving location; name one to receive the delivery at")
        }
        var state = self
        var events: [Event] = []
        var received: [Lot.ID] = []
        var expected: [ExpectedReceipt.ID] = []
        var v = Validator()
        for (i, row) in d.rows.enumerated() {
            let f = "rows[\(i)]"
            let itemText = row.value("item") ?? ""
            guard let item = items[Item.ID(itemText)] else {
                v.add("\(f).item", "unknown-reference", "item '\(itemText)' does not exist")
                continue
            }
            let quantity = DocumentExtraction.number(row.value("quantity") ?? "") ?? 0
            let open = state.expectedReceipts.values.filter {
                $0.status == .open && $0.item == item.id && $0.reference.lowercased() == po.lowercased()
                    && $0.supplier.lowercased() == supplier.lowercased() && $0.openQuantity > 0
            }.sorted { ($0.expectedDate, $0.id) < ($1.expectedDate, $1.id) }
            guard let receipt = open.first else {
                v.add(
                    "\(f).item",
                    "no-expected-receipt",
                    "purchase order '\(po)' expects no open delivery of \(item.id) from \(supplier)"
                )
                continue
            }
            guard quantity <= receipt.openQuantity else {
                v.add(
                    "\(f).quantity",
                    "over-delivery",
                    "\(Self.figure(quantity)) of \(item.id) delivered, but only \(Self.figure(receipt.openQuantity)) are still open on \(receipt.id) (\(po))"
                )
                continue
            }
            let lot = Lot.ID("\(d.id)-\(i + 1)")
            let receive = ReceiveLot(
                id: lot,
                item: item.id,
                quantity: quantity,
                location: receiving,
                supplier: supplier,
                supplierLot: row.value("supplierLot") ?? "",
                deliveryNote: note,
                expectedReceipt: receipt.id
            )
            do {
                let made = try state.decideReceive(receive, actor: actor, now: now)
                for e in made { state.apply(e, sequence: state.sequence) }
                events += made
                received.append(lot)
                if !expected.contains(receipt.id) { expected.append(receipt.id) }
            } catch {
                for violation in error.violations {
                    let field = ["location", "deliveryNote", "supplier"].contains(violation.field) ? violation.field : "\(f).\(violation.field)"
                    v.add(field, violation.rule, violation.message)
                }
            }
        }
        try v.throwIfAny()
        var check = DocumentCheck(
            summary:
                "received \(received.count) lot\(received.count == 1 ? "" : "s") at \(receiving) against \(expected.map(\.rawValue).joined(separator: ", ")) (\(po))"
        )
        check.received = received
        check.expectedReceipts = expected
        return (check, events)
    }

    // MARK: Customer orders

    /// The customer's order against the sales order it names (or the one an earlier document of the same purchase order
    /// proposed): unchanged → nothing to do; changed or new → a proposed sales order for the orchestrator to assess.
    func checkCustomerOrder(_ d: IncomingDocument, actor: User.ID?, now: Date) throws(DomainError) -> DocumentCheck {
        let customerText = d.value("customer") ?? ""
        let wanted = customerText.lowercased()
        guard
            let customer = customers[Customer.ID(customerText)]
                ?? customers.values.sorted(by: { $0.id < $1.id }).first(where: {
                    $0.id.rawValue.lowercased() == wanted || $0.name.lowercased() == wanted
                })
        else {
            throw .invalid("customer", "unknown-reference", "'\(customerText)' is not a customer of the plant (by ID or name)")
        }
        guard customer.active else { throw .conflict("customer", "inactive", "customer '\(customer.id)' is deactivated; reactivate it first") }
        let po = d.value("purchaseOrder") ?? ""
        let zone = plantTimeZone
        var lines: [SalesOrderLine] = []
        var v = Validator()
        for (i, row) in d.rows.enumerated() {
            let itemText = row.value("item") ?? ""
            guard let item = items[Item.ID(itemText)] else {
                v.add("rows[\(i)].item", "unknown-reference", "item '\(itemText)' does not exist")
                continue
            }
            let quantity = DocumentExtraction.number(row.value("quantity") ?? "") ?? 0
            let day = DocumentExtraction.day(row.value("date") ?? "") ?? ""
            guard let date = PlantDay.end(of: day, in: zone) else {
                v.add("rows[\(i)].date", "date", "date '\(row.value("date") ?? "")' is not a date")
                continue
            }
            lines.append(SalesOrderLine(line: i + 1, item: item.id, quantity: quantity, requestedDate: date))
        }
        try v.throwIfAny()
        // The sales order this document is about.
        var existing: SalesOrder?
        if let named = d.value("salesOrder") {
            guard let so = salesOrders[SalesOrder.ID(named)] else {
                throw .invalid("salesOrder", "unknown-reference", "sales order '\(named)' does not exist")
            }
            guard so.customer == customer.id else {
                throw .conflict("salesOrder", "customer-mismatch", "sales order '\(so.id)' is \(so.customer)'s, not \(customer.id)'s")
            }
            guard so.status == .open else { throw .conflict("salesOrder", "status", "sales order '\(so.id)' is \(so.status.rawValue), not open") }
            existing = so
        } else {
            existing = documents.values.filter {
                $0.kind == .customerOrder && $0.status == .verified && $0.value("purchaseOrder")?.lowercased() == po.lowercased()
                    && $0.check?.proposedSalesOrder?.customer == customer.id
            }
            .sorted { ($0.decidedAt ?? $0.receivedAt, $0.id) > ($1.decidedAt ?? $1.receivedAt, $1.id) }
            .lazy.compactMap { $0.check?.proposedSalesOrder.flatMap { self.salesOrders[$0.id] } }
            .first { $0.status == .open }
        }
        let id = SalesOrder.ID("SO-\(d.id.rawValue)")
        var check = DocumentCheck(summary: "")
        if let existing {
            var changes: [String] = []
            let day = { (date: Date) in date.formatted(Date.ISO8601FormatStyle(timeZone: zone).year().month().day()) }
            // A customer's purchase order does not carry the sales order's line numbers (10, 20 …): its rows match the
            // sales order's lines in order, and keep their numbers; rows beyond them are new lines numbered after them.
            let previous = existing.lines.sorted { $0.line < $1.line }
            let last = previous.last?.line ?? 0
            let step = previous.count > 1 ? max(1, previous[1].line - previous[0].line) : max(1, last)
            for i in lines.indices {
                lines[i].line = i < previous.count ? previous[i].line : last + step * (i - previous.count + 1)
            }
            for (i, line) in lines.enumerated() {
                guard i < previous.count else {
                    changes.append("line \(line.line) is new: \(Self.figure(line.quantity)) × \(line.item) by \(day(line.requestedDate))")
                    continue
                }
                let old = previous[i]
                if old.item != line.item { changes.append("line \(line.line): item \(old.item) → \(line.item)") }
                if old.quantity != line.quantity {
                    changes.append("line \(line.line): quantity \(Self.figure(old.quantity)) → \(Self.figure(line.quantity))")
                }
                if day(old.requestedDate) != day(line.requestedDate) {
                    changes.append("line \(line.line): date \(day(old.requestedDate)) → \(day(line.requestedDate))")
                }
            }
            for old in previous.dropFirst(lines.count) {
                changes.append("line \(old.line) (\(Self.figure(old.quantity)) × \(old.item)) is no longer ordered")
            }
            check.replaces = existing.id
            check.changes = changes
            guard !changes.isEmpty else {
                check.summary = "matches \(existing.id): nothing to change"
                check.proposedLines = 0
                return check
            }
            check.summary = "changes \(existing.id): " + changes.joined(separator: "; ")
        } else {
            check.summary = "a new order: \(lines.count) line\(lines.count == 1 ? "" : "s") proposed as \(id)"
        }
        let proposal = NewSalesOrder(id: id, customer: customer.id, priority: existing?.priority, lines: lines)
        // The proposal must be one the plant would take.
        do {
            _ = try decide(.createSalesOrder(proposal), actor: actor, now: now)
        } catch {
            throw DomainError(
                error.kind,
                error.violations.map { x in
                    Violation(
                        field: x.field.hasPrefix("lines[") ? "rows[" + x.field.dropFirst("lines[".count) : (x.field == "id" ? "salesOrder" : x.field),
                        rule: x.rule,
                        message: x.message
                    )
                }
            )
        }
        check.proposedSalesOrder = proposal
        check.proposedLines = lines.count
        return check
    }

    // MARK: Templates

    func validate(_ t: DocumentTemplate) throws(DomainError) {
        var v = Validator()
        v.code(t.id, "id")
        v.name(t.name, "name")
        if let party = t.party { v.name(party, "party") }
        v.check(t.match.count <= 20, "match", "max-count", "a template has at most 20 match texts")
        for (i, m) in t.match.enumerated() { v.name(m, "match[\(i)]") }
        v.check(t.fields.count <= 20, "fields", "max-count", "a template has at most 20 fields")
        var seen = Set<String>()
        for (i, f) in t.fields.enumerated() {
            v.check(
                t.kind.fields.contains(f.name),
                "fields[\(i)].name",
                "unknown-field",
                "'\(f.name)' is not a field of a \(t.kind.words) (\(t.kind.fields.joined(separator: ", ")))"
            )
            v.check(seen.insert(f.name).inserted, "fields[\(i)].name", "unique", "field '\(f.name)' has two patterns")
            v.check(
                DocumentExtraction.compile(f.pattern) != nil,
                "fields[\(i)].pattern",
                "pattern",
                "the pattern of \(f.name) is not a regular expression (at most 500 characters)"
            )
        }
        if let table = t.table {
            v.check(DocumentExtraction.compile(table.header) != nil, "table.header", "pattern", "the table's header is not a regular expression")
            if let s = table.separator {
                v.check(DocumentExtraction.compile(s) != nil, "table.separator", "pattern", "the table's separator is not a regular expression")
            }
            for (i, c) in table.columns.enumerated() {
                v.check(
                    t.kind.columns.contains(c),
                    "table.columns[\(i)]",
                    "unknown-column",
                    "'\(c)' is not a column of a \(t.kind.words) (\(t.kind.columns.joined(separator: ", ")))"
                )
            }
            for c in t.kind.requiredColumns where !table.columns.contains(c) {
                v.add("table.columns", "required", "a \(t.kind.words)'s table has a \(c) column")
            }
            v.check(Set(table.columns).count == table.columns.count, "table.columns", "unique", "a column is named twice")
        }
        try v.throwIfAny()
    }

    // MARK: - Apply

    mutating func applyDocuments(_ event: Event) {
        switch event {
        case .documentReceived(let d):
            documents[d.id] = d
            if let n = PlantState.number(in: d.id.rawValue, prefix: "DOC-"), n >= nextDocumentNumber { nextDocumentNumber = n + 1 }
        case .documentVerified(let v):
            documents[v.document]?.fields = v.fields
            documents[v.document]?.rows = v.rows
            documents[v.document]?.issues = []
            documents[v.document]?.check = v.check
            documents[v.document]?.status = .verified
            documents[v.document]?.decidedBy = v.by
            documents[v.document]?.decidedAt = v.at
        case .documentRejected(let r):
            documents[r.document]?.status = .rejected
            documents[r.document]?.rejectReason = r.reason
            documents[r.document]?.decidedBy = r.by
            documents[r.document]?.decidedAt = r.at
        case .documentTemplateDefined(let t):
            documentTemplates[t.id] = t
        default:
            break
        }
    }
}
