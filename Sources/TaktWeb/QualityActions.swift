import Foundation
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

// The quality board's actions: record an inspection against its plan, open a nonconformance, decide its disposition,
// place and release holds, and let a quarantined lot into stock. The plant checks roles and rules; dispositions and
// releases that the plant signs ask for the password at the moment of signing (21 CFR Part 11 §11.200).

extension TaktWeb {
    func addQualityActionRoutes<Context: RequestContext>(to router: Router<Context>) {
        let web = self
        action(router, "/quality/inspections", .quality) { _, _, v, form in try await web.recordInspection(v, form: form) }
        action(router, "/quality/nonconformances", .quality) { _, _, v, form in try await web.openNonconformance(v, form: form) }
        action(router, "/quality/nonconformances/{id}/disposition", .quality) { _, c, v, form in
            try await web.disposition(v, form: form, id: c.parameters.get("id") ?? "", client: Web.client(c))
        }
        action(router, "/quality/holds", .quality) { _, _, v, form in try await web.placeHold(v, form: form) }
        action(router, "/quality/holds/{id}/release", .quality) { _, c, v, form in
            try await web.releaseHold(v, form: form, id: c.parameters.get("id") ?? "", client: Web.client(c))
        }
        action(router, "/quality/lots/{id}/status", .quality) { _, c, v, form in
            try await web.setLotStatus(v, form: form, lot: c.parameters.get("id") ?? "")
        }
        page(router, "/interlocks", .terminal) { r, _, v in await web.interlocksPage(r, v) }
        action(router, "/interlocks/override", .terminal) { _, _, v, form in try await web.overrideInterlock(v, form: form) }
    }

    /// The signature a command needs by the plant's rule, from the password typed on the form; nil when it needs none.
    func signature(for command: Command, viewer: Viewer, form: Form, client: String) async -> SignatureCredential? {
        guard let need = await service.read({ $0.signatureRequirement(for: command, actor: viewer.user.id) }) else { return nil }
        return SignatureCredential(password: form["password"] ?? "", meaning: need.meanings.first?.rawValue ?? "approved", client: client)
    }

    func recordInspection(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        let planID = InspectionPlan.ID(form.trimmed("plan") ?? "")
        guard let plan = await service.read({ $0.inspectionPlans[planID] }) else {
            throw DomainError.notFound("plan", "inspection plan '\(planID)' does not exist")
        }
        var measurements: [TaktCore.Measurement] = []
        for c in plan.characteristics {
            for sample in 1...max(1, plan.sampleSize) {
                let field = "m.\(c.id).\(sample)"
                guard let text = form.trimmed(field) else { continue }
                switch c.kind {
                case .variable:
                    guard let value = Double(text.replacingOccurrences(of: ",", with: ".")) else {
                        throw DomainError.invalid(field, "number", "\(c.name) (sample \(sample)) must be a number (got '\(text.prefix(40))')")
                    }
                    measurements.append(.value(c.id, value, sample: sample))
                case .attribute:
                    measurements.append(.attribute(c.id, text == "pass", sample: sample))
                }
            }
        }
        let order = form.trimmed("productionOrder").map { ProductionOrder.ID($0) }
        let operation = form.trimmed("operation").flatMap { Int($0) }
        let outcome = try await submit(
            .recordInspectionResult(
                RecordInspectionResult(
                    plan: planID,
                    productionOrder: order,
                    operation: operation,
                    lot: form.trimmed("lot").map { Lot.ID($0) },
                    measurements: measurements,
                    note: form.trimmed("note")
                )
            ),
            as: viewer
        )
        var result: InspectionResult?
        for case .inspectionResultRecorded(let r) in (try? outcome.domainEvents()) ?? [] { result = r }
        let passed = result?.passed ?? false
        return (
            "/quality#due",
            Flash(
                kind: passed ? .success : .error,
                title: "Inspection \(result?.id.rawValue ?? "") \(passed ? "passed" : "failed")",
                lines: [
                    "\(plan.name) on \(order.map { "\($0) op \(operation ?? 0)" } ?? "the lot"): "
                        + (result?.measurements.filter { !$0.passed }.map { "\($0.characteristic) out of limits" }.joined(separator: ", ")
                            .nilIfEmpty ?? "every characteristic within its limits")
                        + "."
                ]
            )
        )
    }

    func openNonconformance(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        let severity = Severity(rawValue: form.trimmed("severity") ?? "") ?? .major
        let outcome = try await submit(
            .openNonconformance(
                OpenNonconformance(
                    description: form.trimmed("description") ?? "",
                    severity: severity,
                    lots: Self.list(form["lots"]).map { Lot.ID($0) },
                    productionOrder: form.trimmed("productionOrder").map { ProductionOrder.ID($0) },
                    operation: form.trimmed("operation").flatMap { Int($0) },
                    workCenter: form.trimmed("workCenter").map { WorkCenter.ID($0) }
                )
            ),
            as: viewer
        )
        var id: String?
        for case .nonconformanceOpened(let n) in (try? outcome.domainEvents()) ?? [] { id = n.id.rawValue }
        return ("/quality#ncs", Flash(kind: .success, title: "Opened \(id ?? "a nonconformance")", lines: [form.trimmed("description") ?? ""]))
    }

    func disposition(_ viewer: Viewer, form: Form, id: String, client: String) async throws -> (String, Flash?) {
        guard let kind = DispositionKind(rawValue: form.trimmed("disposition") ?? "") else {
            throw DomainError.invalid("disposition", "required", "choose scrap, rework, use as is or return to supplier")
        }
        let command = Command.dispositionNonconformance(
            DispositionNonconformance(
                nonconformance: .init(id),
                disposition: kind,
                reason: form.trimmed("reason") ?? "",
                workCenter: form.trimmed("workCenter").map { WorkCenter.ID($0) }
            )
        )
        try await submit(command, as: viewer, signature: await signature(for: command, viewer: viewer, form: form, client: client))
        let status = await service.read { $0.nonconformances[.init(id)]?.status.rawValue } ?? "?"
        return ("/quality#ncs", Flash(kind: .success, title: "Disposition of \(id): \(kind.rawValue)", lines: ["\(id) is now \(status)."]))
    }

    func placeHold(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        let target = form.trimmed("target")
        let on = form.trimmed("on") ?? "lot"
        let hold = PlaceHold(
            lot: on == "lot" ? target.map { Lot.ID($0) } : nil,
            supplier: on == "supplier-lot" ? form.trimmed("supplier") : nil,
            supplierLot: on == "supplier-lot" ? target : nil,
            productionOrder: on == "production-order" ? target.map { ProductionOrder.ID($0) } : nil,
            workCenter: on == "work-center" ? target.map { WorkCenter.ID($0) } : nil,
            reason: form.trimmed("reason") ?? ""
        )
        let outcome = try await submit(.placeHold(hold), as: viewer)
        var placed: Hold?
        for case .holdPlaced(let h) in (try? outcome.domainEvents()) ?? [] { placed = h }
        return (
            "/quality#holds",
            Flash(
                kind: .success,
                title: "Placed \(placed?.id.rawValue ?? "a hold")",
                lines: ["\(placed?.lots.count ?? 0) lots and \(placed?.orders.count ?? 0) orders held: \(hold.reason)"]
            )
        )
    }

    func releaseHold(_ viewer: Viewer, form: Form, id: String, client: String) async throws -> (String, Flash?) {
        let command = Command.releaseHold(ReleaseHold(hold: .init(id), reason: form.trimmed("reason") ?? ""))
        try await submit(command, as: viewer, signature: await signature(for: command, viewer: viewer, form: form, client: client))
        return ("/quality#holds", Flash(kind: .success, title: "Released \(id)", lines: ["The lots it held are back to what they were before."]))
    }

    func setLotStatus(_ viewer: Viewer, form: Form, lot: String) async throws -> (String, Flash?) {
        guard let status = LotStatus(rawValue: form.trimmed("status") ?? "") else {
            throw DomainError.invalid("status", "required", "choose the lot's new status")
        }
        try await submit(.setLotStatus(SetLotStatus(lot: .init(lot), status: status, reason: form.trimmed("reason") ?? "")), as: viewer)
        return ("/quality#quarantine", Flash(kind: .success, title: "Lot \(lot) is \(status.rawValue)", lines: []))
    }

    static func list(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" }).map(String.init)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}

// MARK: - The forms on the quality board

extension TaktWeb {
    /// The lots in quarantine (by status, or lying at a quarantine location while in stock), with a form to let one into
    /// stock for roles that may set a lot's status.
    static func quarantinePanel(_ state: PlantState, viewer: Viewer, flash: Flash?) -> Node {
        let lots = state.quarantinedLots()
        let may = viewer.may(.setLotStatus)
        return el("section", ["class": "panel", "id": "quarantine"]) {
            el("h2", text: "Lots in quarantine")
            Pages.table(
                ["Lot", "Item", "Qty", "Location", "Status", "Supplier lot"] + (may ? ["Decide"] : []),
                lots.map { l -> [Node] in
                    let formID = "lot-\(l.id.rawValue)"
                    let cells: [Node] = [
                        Pages.link(l.id.rawValue, "/genealogy?lot=\(urlEncode(l.id.rawValue))"), .text(l.item.rawValue),
                        .text(Format.quantity(l.quantity)), .text(l.location.rawValue),
                        Pages.badge(l.status.rawValue, l.status == .quarantine ? "warn" : ""),
                        .text([l.supplier, l.supplierLot].compactMap { $0 }.joined(separator: " / ").nilIfEmpty ?? "–"),
                    ]
                    return cells
                        + (may
                            ? [
                                el(
                                    "form",
                                    ["method": "post", "action": "/quality/lots/\(urlEncode(l.id.rawValue))/status", "class": "inline", "id": formID]
                                ) {
                                    Pages.hidden("form", formID)
                                    el("select", ["name": "status", "aria-label": "New status"]) {
                                        el("option", ["value": LotStatus.available.rawValue], text: "release to stock")
                                        el("option", ["value": LotStatus.onHold.rawValue], text: "put on hold")
                                        el("option", ["value": LotStatus.scrapped.rawValue], text: "scrap")
                                    }
                                    void(
                                        "input",
                                        ["type": "text", "name": "reason", "size": "18", "placeholder": "reason", "id": "\(formID)-reason"]
                                    )
                                    el("button", ["type": "submit", "id": "\(formID)-submit"], text: "Set")
                                    Pages.fieldError(flash, form: formID, field: "reason", id: "\(formID)-reason-error")
                                    Pages.fieldError(flash, form: formID, field: "status", id: "\(formID)-status-error")
                                }
                            ] : [])
                },
                empty: "No lot is in quarantine.",
                id: "quarantine-lots"
            )
        }
    }

    /// The form of one inspection that is due: the plan's characteristics with their limits, one input per sample.
    static func inspectionForm(
        plan: InspectionPlan,
        order: ProductionOrder.ID?,
        operation: Int?,
        lot: Lot.ID?,
        viewer: Viewer,
        flash: Flash?
    ) -> Node {
        let formID = "inspect-\(order?.rawValue ?? lot?.rawValue ?? plan.id.rawValue)-\(operation ?? 0)"
        return el("form", ["method": "post", "action": "/quality/inspections", "class": "inspection", "id": formID]) {
            el(
                "p",
                ["class": "muted"],
                text:
                    "\(plan.name) (\(plan.id.rawValue) rev \(plan.revision)), item \(plan.item.rawValue), \(plan.sampleSize) sample\(plan.sampleSize == 1 ? "" : "s")"
            )
            Pages.hidden("form", formID)
            Pages.hidden("plan", plan.id.rawValue)
            if let order {
                Pages.hidden("productionOrder", order.rawValue)
                if let operation { Pages.hidden("operation", String(operation)) }
                if let lot { Pages.hidden("lot", lot.rawValue) }
            } else {
                // Against a plan chosen from the list: the order and operation, or the lot, it was measured on.
                for (name, label, size) in [("productionOrder", "Order", "10"), ("operation", "Op", "3"), ("lot", "Lot", "12")] {
                    el("span", ["class": "field"]) {
                        el("label", ["for": "\(formID)-\(name)"], text: label)
                        void(
                            "input",
                            [
                                "type": "text", "name": name, "id": "\(formID)-\(name)", "size": size,
                                "value": name == "operation" ? plan.operation.map(String.init) : nil,
                            ]
                        )
                        Pages.fieldError(flash, form: formID, field: name, id: "\(formID)-\(name)-error")
                    }
                }
            }
            el("table", ["class": "characteristics"]) {
                el("thead") {
                    el("tr") {
                        for h in ["Characteristic", "Limits"] + (1...max(1, plan.sampleSize)).map({ "Sample \($0)" }) {
                            el("th", ["scope": "col"], text: h)
                        }
                    }
                }
                el("tbody") {
                    for c in plan.characteristics {
                        el("tr") {
                            el("td", text: c.name)
                            el("td", ["class": "limits"], text: Self.limits(c))
                            for sample in 1...max(1, plan.sampleSize) {
                                let field = "m.\(c.id).\(sample)"
                                let input = "\(formID)-\(c.id)-\(sample)"
                                el("td") {
                                    switch c.kind {
                                    case .variable:
                                        void(
                                            "input",
                                            [
                                                "type": "text", "inputmode": "decimal", "size": "7", "name": field, "id": input,
                                                "aria-label": "\(c.name), sample \(sample)",
                                            ]
                                        )
                                    case .attribute:
                                        el("select", ["name": field, "id": input, "aria-label": "\(c.name), sample \(sample)"]) {
                                            el("option", ["value": ""], text: "–")
                                            el("option", ["value": "pass"], text: "pass")
                                            el("option", ["value": "fail"], text: "fail")
                                        }
                                    }
                                    Pages.fieldError(flash, form: formID, field: field, id: input + "-error")
                                }
                            }
                        }
                    }
                }
            }
            Pages.fieldError(flash, form: formID, field: "measurements", id: formID + "-measurements-error")
            void("input", ["type": "text", "name": "note", "size": "30", "placeholder": "note (optional)", "aria-label": "Note"])
            el("button", ["type": "submit", "class": "primary", "id": formID + "-submit"], text: "Record result")
        }
    }

    /// Every inspection plan, each with a link that opens its form; the chosen plan's form.
    static func plansPanel(_ state: PlantState, chosen: InspectionPlan.ID?, viewer: Viewer, flash: Flash?) -> Node {
        let plans = state.inspectionPlans.values.sorted { $0.id < $1.id }
        let may = viewer.may(.recordInspectionResult)
        return el("section", ["class": "panel", "id": "plans"]) {
            el("h2", text: "Inspection plans")
            Pages.table(
                ["Plan", "Name", "Item", "Operation", "Characteristics"],
                plans.map { p in
                    [
                        may ? Pages.link(p.id.rawValue, "/quality?plan=\(urlEncode(p.id.rawValue))#plans") : .text(p.id.rawValue),
                        .text(p.name), .text(p.item.rawValue), .text(p.operation.map(String.init) ?? "–"),
                        .text(p.characteristics.map { "\($0.name) \(limits($0))" }.joined(separator: "; ")),
                    ]
                },
                empty: "No inspection plan is defined.",
                id: "plan-list"
            )
            if may, let chosen, let plan = state.inspectionPlans[chosen] {
                el("h3", text: "Record a result against \(plan.id.rawValue)")
                inspectionForm(plan: plan, order: nil, operation: nil, lot: nil, viewer: viewer, flash: flash)
            }
        }
    }

    static func limits(_ c: Characteristic) -> String {
        switch c.kind {
        case .attribute: return "pass / fail"
        case .variable:
            let unit = c.unit.map { " " + $0 } ?? ""
            switch (c.lowerLimit, c.upperLimit) {
            case let (l?, u?):
                return "\(Format.quantity(l)) – \(Format.quantity(u))\(unit)" + (c.target.map { " (target \(Format.quantity($0)))" } ?? "")
            case let (l?, nil): return "≥ \(Format.quantity(l))\(unit)"
            case let (nil, u?): return "≤ \(Format.quantity(u))\(unit)"
            case (nil, nil): return "any" + unit
            }
        }
    }

    /// The password field of a form the plant signs, with what signing means.
    static func signing(_ requirement: SignatureRequirement?, viewer: Viewer, id: String) -> Node {
        guard let requirement else { return .fragment([]) }
        return fragment {
            el(
                "p",
                ["class": "muted"],
                text: "Electronic signature: this signs as “\(requirement.meanings.first?.rawValue ?? "approved")” — you \(requirement.statement). "
                    + "Signed as \(viewer.user.name) (\(viewer.user.id.rawValue))."
            )
            el("label", ["for": id], text: "Your password")
            void("input", ["type": "password", "id": id, "name": "password", "autocomplete": "current-password", "required": "required"])
        }
    }

    static func dispositionForm(_ nc: Nonconformance, state: PlantState, viewer: Viewer, flash: Flash?) -> Node {
        let formID = "dispose-\(nc.id.rawValue)"
        let sample = Command.dispositionNonconformance(DispositionNonconformance(nonconformance: nc.id, disposition: .scrap, reason: ""))
        return el("form", ["method": "post", "action": "/quality/nonconformances/\(urlEncode(nc.id.rawValue))/disposition", "id": formID]) {
            Pages.hidden("form", formID)
            el("select", ["name": "disposition", "aria-label": "Disposition", "id": formID + "-kind"]) {
                for k in DispositionKind.allCases { el("option", ["value": k.rawValue], text: k.rawValue) }
            }
            void(
                "input",
                ["type": "text", "name": "reason", "size": "20", "placeholder": "reason", "id": formID + "-reason", "aria-label": "Reason"]
            )
            Pages.fieldError(flash, form: formID, field: "reason", id: formID + "-reason-error")
            void("input", ["type": "text", "name": "workCenter", "size": "10", "placeholder": "rework at (WC)", "aria-label": "Rework work center"])
            Pages.fieldError(flash, form: formID, field: "workCenter", id: formID + "-workCenter-error")
            signing(state.signatureRequirement(for: sample, actor: viewer.user.id), viewer: viewer, id: formID + "-password")
            el("button", ["type": "submit", "id": formID + "-submit"], text: "Decide")
        }
    }

    static func releaseForm(_ hold: Hold, state: PlantState, viewer: Viewer, flash: Flash?) -> Node {
        let formID = "release-\(hold.id.rawValue)"
        let sample = Command.releaseHold(ReleaseHold(hold: hold.id, reason: ""))
        return el("form", ["method": "post", "action": "/quality/holds/\(urlEncode(hold.id.rawValue))/release", "id": formID]) {
            Pages.hidden("form", formID)
            void(
                "input",
                ["type": "text", "name": "reason", "size": "20", "placeholder": "why it may go", "id": formID + "-reason", "aria-label": "Reason"]
            )
            Pages.fieldError(flash, form: formID, field: "reason", id: formID + "-reason-error")
            signing(state.signatureRequirement(for: sample, actor: viewer.user.id), viewer: viewer, id: formID + "-password")
            el("button", ["type": "submit", "id": formID + "-submit"], text: "Release")
        }
    }

    static func newNonconformanceForm(viewer: Viewer, flash: Flash?) -> Node {
        let formID = "nc-new"
        return el("form", ["method": "post", "action": "/quality/nonconformances", "id": formID, "class": "receipt"]) {
            Pages.hidden("form", formID)
            el("span", ["class": "field"]) {
                el("label", ["for": "nc-description"], text: "What is wrong")
                void("input", ["type": "text", "name": "description", "id": "nc-description", "size": "30"])
                Pages.fieldError(flash, form: formID, field: "description", id: "nc-description-error")
            }
            el("span", ["class": "field"]) {
                el("label", ["for": "nc-severity"], text: "Severity")
                el("select", ["name": "severity", "id": "nc-severity"]) {
                    for s in Severity.allCases { el("option", ["value": s.rawValue, "selected": flag(s == .major)], text: s.rawValue) }
                }
            }
            el("span", ["class": "field"]) {
                el("label", ["for": "nc-lots"], text: "Lots")
                void("input", ["type": "text", "name": "lots", "id": "nc-lots", "size": "14"])
                Pages.fieldError(flash, form: formID, field: "lots", id: "nc-lots-error")
            }
            el("span", ["class": "field"]) {
                el("label", ["for": "nc-order"], text: "Order")
                void("input", ["type": "text", "name": "productionOrder", "id": "nc-order", "size": "10"])
                Pages.fieldError(flash, form: formID, field: "productionOrder", id: "nc-order-error")
            }
            el("span", ["class": "field"]) {
                el("label", ["for": "nc-operation"], text: "Op")
                void("input", ["type": "text", "name": "operation", "id": "nc-operation", "size": "3"])
            }
            el("button", ["type": "submit", "class": "primary", "id": "nc-submit"], text: "Open nonconformance")
        }
    }

    static func placeHoldForm(viewer: Viewer, flash: Flash?) -> Node {
        let formID = "hold-new"
        return el("form", ["method": "post", "action": "/quality/holds", "id": formID, "class": "receipt"]) {
            Pages.hidden("form", formID)
            el("span", ["class": "field"]) {
                el("label", ["for": "hold-on"], text: "Hold")
                el("select", ["name": "on", "id": "hold-on"]) {
                    for k in HoldTargetKind.allCases { el("option", ["value": k.rawValue], text: k.rawValue) }
                }
            }
            el("span", ["class": "field"]) {
                el("label", ["for": "hold-target"], text: "Which")
                void("input", ["type": "text", "name": "target", "id": "hold-target", "size": "14"])
                for f in ["lot", "supplierLot", "productionOrder", "workCenter", "target"] {
                    Pages.fieldError(flash, form: formID, field: f, id: "hold-\(f)-error")
                }
            }
            el("span", ["class": "field"]) {
                el("label", ["for": "hold-supplier"], text: "Supplier (for a supplier lot)")
                void("input", ["type": "text", "name": "supplier", "id": "hold-supplier", "size": "14"])
            }
            el("span", ["class": "field"]) {
                el("label", ["for": "hold-reason"], text: "Reason")
                void("input", ["type": "text", "name": "reason", "id": "hold-reason", "size": "24"])
                Pages.fieldError(flash, form: formID, field: "reason", id: "hold-reason-error")
            }
            el("button", ["type": "submit", "class": "danger", "id": "hold-submit"], text: "Place hold")
        }
    }
}
