import Foundation
import HTTPTypes
import Hummingbird
import TaktAgents
import TaktCore
import TaktEngine
import TaktOrchestration
import TaktService
import TaktStore

extension TaktWeb {
    func inboxPage(_ request: Request, _ viewer: Viewer) async -> PageContent {
        let q = request.uri.queryParameters
        let function = q["function"].flatMap { PlantFunction(rawValue: String($0)) }
        let showAll = q["status"].map(String.init) == "all"
        let grouping = q["group"].flatMap { InboxGrouping(rawValue: String($0)) }
        let mine = q["owner"].map(String.init) == "me"
        let state = await service.read { $0 }
        let now = now()
        let flash = await sessions.takeFlash(viewer.sessionID)
        // The plant's inbox: open and being carried out, not snoozed (by the plant's clock); or every exception.
        let base =
            showAll
            ? state.exceptions.values.sorted { ($1.severity, $0.raisedAt, $0.id) < ($0.severity, $1.raisedAt, $1.id) }
            : state.inbox(at: now)
        let list =
            base
            .filter { e in function.map { e.functions.contains($0) } ?? true }
            .filter { !mine || $0.owner == viewer.user.id }
        let answered = state.exceptions.values.filter { $0.status == .answered && !$0.isSnoozed(at: now) }
            .sorted { ($0.owner == viewer.user.id ? 0 : 1, $1.raisedAt, $0.id) < ($1.owner == viewer.user.id ? 0 : 1, $0.raisedAt, $1.id) }
        let snoozed = state.snoozed(at: now)
        let zone = state.plantTimeZone
        func query(group: InboxGrouping?? = .none, owner: Bool? = nil) -> String {
            var parts: [String] = []
            if let function { parts.append("function=\(function.rawValue)") }
            if showAll { parts.append("status=all") }
            let g: InboxGrouping? =
                switch group {
                case .some(let x): x
                case .none: grouping
                }
            if let g { parts.append("group=\(g.rawValue)") }
            if owner ?? mine { parts.append("owner=me") }
            return "/exceptions" + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
        }
        let back = query()
        func rows(_ list: [PlantException]) -> [[Node]] {
            list.map { e in
                [
                    Pages.link(e.id.rawValue, "/exceptions/\(urlEncode(e.id.rawValue))"), Pages.badge(e.severity.rawValue, Self.tone(e.severity)),
                    .text(e.title), .text(e.functions.map(\.rawValue).joined(separator: ", ")),
                    .text("late orders \(e.impact.baseline.lateOrders) → \(e.impact.predicted.lateOrders)"),
                    .text(e.actions.first.map { "\($0.id): \($0.title)" } ?? "–"),
                    Pages.badge(e.status.rawValue, e.status == .open ? "warn" : "info"),
                    .text(Format.dateTime(e.raisedAt, zone)),
                    .text(e.owner.map { state.users[$0]?.name ?? $0.rawValue } ?? "–"),
                    Self.inboxForms(e, state: state, viewer: viewer, flash: flash, back: back, compact: true),
                ]
            }
        }
        let headers = ["Exception", "Severity", "What happened", "Functions", "Impact", "Best action", "Status", "Raised", "Owner", ""]
        let mayAsk = (try? UseCase.requestOutcome.authorize(viewer.user)) != nil
        let body = fragment {
            if mayAsk {
                el("section", ["class": "panel", "id": "outcome"]) {
                    el("h2", text: "Ask for an outcome")
                    el("form", ["method": "post", "action": "/outcome-requests", "class": "inline", "id": "outcome-form"]) {
                        el("label", ["for": "outcome-text", "class": "muted"], text: "In plain English:")
                        void(
                            "input",
                            [
                                "type": "text", "id": "outcome-text", "name": "text", "size": "70", "required": "",
                                "placeholder":
                                    "expedite SO-10012 to 2026-12-01 · fit a rush order for 20 P-NB-32-160 by Friday · what if PO-000031 is cancelled",
                            ]
                        )
                        el("button", ["type": "submit", "class": "primary"], text: "Plan options")
                    }
                }
            }
            el("div", ["class": "toolbar"]) {
                el("span", ["class": "seg", "role": "group", "aria-label": "Function"]) {
                    el(
                        "a",
                        ["href": showAll ? "/exceptions?status=all" : "/exceptions", "aria-current": function == nil ? "true" : nil],
                        text: "all"
                    )
                    for f in PlantFunction.allCases {
                        el(
                            "a",
                            [
                                "href": "/exceptions?function=\(f.rawValue)" + (showAll ? "&status=all" : ""),
                                "aria-current": function == f ? "true" : nil,
                            ],
                            text: f.rawValue
                        )
                    }
                }
                el("span", ["class": "seg", "role": "group", "aria-label": "Group by"]) {
                    el("a", ["href": query(group: .some(nil)), "aria-current": grouping == nil ? "true" : nil], text: "no groups")
                    for g in InboxGrouping.allCases {
                        el(
                            "a",
                            ["href": query(group: .some(g)), "aria-current": grouping == g ? "true" : nil, "id": "group-\(g.rawValue)"],
                            text: "by \(g.rawValue)"
                        )
                    }
                }
                el("a", ["href": query(owner: !mine), "aria-current": mine ? "true" : nil, "id": "mine"], text: mine ? "Everyone's" : "Mine")
                el("span", ["class": "spacer"]) {}
                el("a", ["href": showAll ? "/exceptions" : "/exceptions?status=all"], text: showAll ? "Only open" : "Include closed")
            }
            let empty = function.map { "No exceptions for \($0.rawValue)." } ?? "The inbox is empty: nothing needs a decision."
            if let grouping {
                if list.isEmpty { el("p", ["class": "empty"], text: empty) }
                for group in state.grouped(list, by: grouping) {
                    el("section", ["class": "group", "id": "group-\(group.key)"]) {
                        el("h2", text: "\(group.key) (\(group.exceptions.count))")
                        Pages.table(headers, rows(group.exceptions), empty: "")
                    }
                }
            } else {
                Pages.table(headers, rows(list), empty: empty, id: "inbox")
            }
            if !answered.isEmpty && !showAll {
                el("section", ["class": "panel", "id": "answered"]) {
                    el("h2", text: "Answered requests (\(answered.count))")
                    el(
                        "p",
                        ["class": "muted"],
                        text: "Outcomes people asked for, answered with plan options: approve one on its page, or dismiss the request. "
                            + "They are not open exceptions."
                    )
                    Pages.table(headers, rows(answered), empty: "", id: "answered-requests")
                }
            }
            if !snoozed.isEmpty {
                el("details", ["class": "panel", "id": "snoozed"]) {
                    el("summary", text: "Snoozed (\(snoozed.count))")
                    Pages.table(headers, rows(snoozed), empty: "", id: "snoozed-list")
                }
            }
        }
        var content = PageContent(title: "Exception inbox", body: body)
        content.flash = flash
        return content
    }

    static func tone(_ s: ExceptionSeverity) -> String {
        switch s {
        case .low: "info"
        case .medium: "warn"
        case .high, .critical: "bad"
        }
    }

    func exceptionPage(_ request: Request, _ viewer: Viewer, id: String) async -> PageContent {
        let state = await service.read { $0 }
        guard let e = state.exceptions[PlantException.ID(id)] else {
            var p = PageContent(title: "Not found", body: el("p", text: "There is no exception \(id)."), status: .notFound)
            p.flash = nil
            return p
        }
        let back = "/exceptions/\(urlEncode(e.id.rawValue))"
        let flash = await sessions.takeFlash(viewer.sessionID)
        let body = fragment {
            el("div", ["class": "panel", "id": "handling"]) {
                el(
                    "p",
                    text: "Owner: \(e.owner.map { state.users[$0]?.name ?? $0.rawValue } ?? "nobody yet")"
                        + (e.snoozedUntil.map { $0 > now() ? " · snoozed until \(Format.dateTime($0, state.plantTimeZone))" : "" } ?? "")
                        + (e.dismissReason.map { " · dismissed: \($0)" } ?? "")
                )
                Self.inboxForms(e, state: state, viewer: viewer, flash: flash, back: back, compact: false)
            }
            el("p") {
                Pages.badge(e.severity.rawValue, Self.tone(e.severity))
                " "
                Pages.badge(e.status.rawValue, e.status == .open ? "warn" : "info")
                " \(e.kind.rawValue) · raised \(Format.dateTime(e.raisedAt, state.plantTimeZone))" + (e.raisedBy.map { " by \($0)" } ?? "")
                    + (e.updatedAt.map {
                        " · assessed again \(Format.dateTime($0, state.plantTimeZone))" + ((e.updates ?? 0) > 1 ? " (\(e.updates ?? 0) times)" : "")
                    } ?? "")
                    + " · functions: \(e.functions.map(\.rawValue).joined(separator: ", "))"
            }
            if let text = e.requestText {
                el("p") {
                    el("strong", text: "Asked: ")
                    "“\(text)”"
                }
            }
            el("div", ["class": "grid"]) {
                el("section", ["class": "panel"]) {
                    el("h2", text: "Cause chain")
                    el("ol", ["class": "chain"]) {
                        for link in e.causeChain { el("li", ["class": link.kind], text: link.text) }
                    }
                }
                el("section", ["class": "panel"]) {
                    el("h2", text: "Impact")
                    Self.kpiLine("Without action", e.impact.predicted, versus: e.impact.baseline)
                    Pages.table(
                        ["Order", "Customer order", "Due", "Planned", "Predicted", "Late"],
                        e.impact.orders.prefix(15).map { o in
                            [
                                Pages.orderLink(o.productionOrder),
                                .text(o.salesOrder.map { "\($0)" + (o.line.map { " / \($0)" } ?? "") } ?? "–"),
                                .text(Format.dateTime(o.dueDate, state.plantTimeZone)),
                                .text(Format.dateTime(o.plannedCompletion, state.plantTimeZone)),
                                .text(Format.dateTime(o.predictedCompletion, state.plantTimeZone)),
                                .text(o.lateMinutes > 0 ? Format.minutes(Double(o.lateMinutes)) : "on time"),
                            ]
                        },
                        empty: "No order changes its finish."
                    )
                    let moved = e.impact.predicted.movedOperations
                    if moved > 0 || !e.impact.operations.isEmpty {
                        let listed = e.impact.operations.count
                        el(
                            "p",
                            ["class": "muted"],
                            text: "\(moved) operation\(moved == 1 ? "" : "s") move"
                                + (listed < moved ? " (\(listed) are listed in the API: those that move most, and those the event names)" : "")
                                + "; \(e.impact.stagingTasks.count) staging tasks move; \(e.impact.checksDue.count) checks become due."
                        )
                    }
                    for l in e.impact.labour { el("p", text: l.text) }
                    if let shipped = e.impact.shipped, !shipped.isEmpty {
                        el("h3", text: "Already shipped: recall candidates")
                        Pages.table(
                            ["Lot", "Item", "Customer order", "Customer"],
                            shipped.map { n in
                                [
                                    .text(n.lot.rawValue), .text(n.item.rawValue),
                                    .text(n.salesOrder.map { "\($0)" + (n.salesOrderLine.map { " / \($0)" } ?? "") } ?? "–"),
                                    .text(n.customer.map { state.customers[$0]?.name ?? $0.rawValue } ?? "–"),
                                ]
                            },
                            empty: ""
                        )
                    }
                    if let assumptions = e.impact.assumptions, !assumptions.isEmpty {
                        el("details") {
                            el("summary", text: "What the simulation took as given")
                            el("ul") { for a in assumptions { el("li", text: a) } }
                        }
                    }
                }
            }
            el("h2", text: "Ranked actions")
            if e.actions.isEmpty { el("p", ["class": "empty"], text: "No action was proposed.") }
            if let notes = e.actionNotes, !notes.isEmpty {
                el("details", ["id": "action-notes", "open": e.actions.isEmpty ? "" : nil]) {
                    el("summary", text: e.actions.isEmpty ? "Why no action is proposed" : "Considered and not proposed")
                    el("ul") { for n in notes { el("li", text: n) } }
                }
            }
            for a in e.actions.sorted(by: { $0.rank < $1.rank }) {
                let pending = a.pendingApprovals
                let needed = pending.isEmpty ? [Role.planner, .supervisor] : pending
                let mayDecide = viewer.hasAny(needed)
                el("article", ["class": a.rank == 1 ? "action best" : "action", "id": "action-\(a.id)"]) {
                    el("h3") {
                        "\(a.rank). \(a.title) "
                        Pages.badge(
                            a.status.rawValue,
                            a.status == .approved || a.status == .executed ? "ok" : (a.status == .rejected || a.status == .failed ? "bad" : "info")
                        )
                    }
                    if let t = a.target {
                        el("p") {
                            Pages.badge(t.met ? "meets the date" : "misses the date", t.met ? "ok" : "bad")
                            " \(t.subject): asked for \(Format.dateTime(t.requested, state.plantTimeZone)), "
                                + (t.achieved.map { "done \(Format.dateTime($0, state.plantTimeZone))" } ?? "nothing left to make")
                                + (t.marginMinutes >= 0
                                    ? ", \(Format.minutes(Double(t.marginMinutes))) in hand" : ", \(Format.minutes(Double(-t.marginMinutes))) late")
                        }
                    }
                    el("p", text: a.effect)
                    Self.kpiLine("Predicted", a.predicted, versus: e.impact.predicted)
                    el(
                        "p",
                        ["class": "muted"],
                        text:
                            "Cost \(String(format: "%.0f", a.cost)) points (\(a.costTerms.filter { $0.cost != 0 }.map { "\($0.name) \(String(format: "%.0f", $0.cost))" }.joined(separator: " + "))) — \(a.rationale)"
                    )
                    if !a.steps.isEmpty {
                        el("ol") { for s in a.steps { el("li", text: s.summary) } }
                    }
                    el("p", ["class": "muted"]) {
                        "Needs approval by: " + (a.approvals.isEmpty ? "planner or supervisor" : a.approvals.map(\.rawValue).joined(separator: ", "))
                        for d in a.decisions {
                            void("br")
                            "\(d.approved ? "Approved" : "Rejected") by \(d.user) as \(d.role.rawValue), \(Format.dateTime(d.at, state.plantTimeZone))"
                                + (d.comment.map { ": “\($0)”" } ?? "")
                        }
                    }
                    if a.schedule != nil {
                        el("p") {
                            Pages.link("Compare the schedule side by side", "/schedule?compare=\(urlEncode(e.id.rawValue + "/" + a.id))&zoom=week")
                        }
                    }
                    if e.status.awaitsDecision && a.status == .proposed {
                        if mayDecide {
                            el(
                                "form",
                                [
                                    "method": "post", "action": "/exceptions/\(urlEncode(e.id.rawValue))/actions/\(urlEncode(a.id))/approve",
                                    "class": "decide",
                                ]
                            ) {
                                Pages.hidden("back", back)
                                el("label", ["for": "comment-\(a.id)"], text: "Comment (required to reject)")
                                el("textarea", ["id": "comment-\(a.id)", "name": "comment", "rows": "2"]) {}
                                let decision = DecideAction(exception: e.id, action: a.id, comment: nil)
                                if let signing = state.signatureRequirement(for: .approveAction(decision), actor: viewer.user.id) {
                                    // 21 CFR Part 11 §11.200: the signer re-enters the password at the moment of signing.
                                    el(
                                        "p",
                                        ["class": "muted"],
                                        text: "Electronic signature: deciding this action signs it. Approving means "
                                            + "“\(signing.meanings.first?.rawValue ?? "approved")” — you \(signing.statement); rejecting means “rejected”. "
                                            + "Signed as \(viewer.user.name) (\(viewer.user.id.rawValue))."
                                    )
                                    el("label", ["for": "password-\(a.id)"], text: "Your password")
                                    void(
                                        "input",
                                        [
                                            "type": "password", "id": "password-\(a.id)", "name": "password", "autocomplete": "current-password",
                                            "required": "required",
                                        ]
                                    )
                                }
                                el("div", ["class": "toolbar"]) {
                                    el(
                                        "button",
                                        ["type": "submit", "class": "primary", "name": "decision", "value": "approve", "id": "approve-\(a.id)"],
                                        text: "Approve"
                                    )
                                    el(
                                        "button",
                                        [
                                            "type": "submit", "class": "danger", "name": "decision", "value": "reject", "id": "reject-\(a.id)",
                                            "formaction": "/exceptions/\(urlEncode(e.id.rawValue))/actions/\(urlEncode(a.id))/reject",
                                        ],
                                        text: "Reject"
                                    )
                                }
                            }
                        } else {
                            el(
                                "p",
                                ["class": "muted"],
                                text: "Waiting for \(needed.map(\.rawValue).joined(separator: " or ")); your roles cannot decide this action."
                            )
                        }
                    }
                }
            }
            if let signatures = e.signatures, !signatures.isEmpty {
                el("h2", text: "Electronic signatures")
                el("ul") {
                    for sig in signatures {
                        el(
                            "li",
                            text: "\(sig.signerName) (\(sig.signer.rawValue)), \(Format.dateTime(sig.at, state.plantTimeZone)), "
                                + "meaning “\(sig.meaning.rawValue)”: \(sig.statement)"
                        )
                    }
                }
            }
            if !e.tasks.isEmpty {
                el("h2", text: "Tasks")
                el("ul") { for t in e.tasks { el("li", text: "\(t.role.rawValue): \(t.text)") } }
            }
            for v in e.verifications {
                el("p", ["class": v.passed ? "flash success" : "flash error"], text: "Verification of \(v.action): \(v.text)")
            }
        }
        var content = PageContent(title: "\(e.id.rawValue): \(e.title)", body: body)
        content.flash = flash
        return content
    }

    static func kpiLine(_ label: String, _ k: PlanKPIs, versus base: PlanKPIs) -> Node {
        func delta(_ a: Int, _ b: Int) -> String { a == b ? "\(a)" : "\(b) → \(a)" }
        return el("div", ["class": "kpis"]) {
            el("span") { el("b", text: label) }
            el("span") {
                "late orders "
                el("b", text: delta(k.lateOrders, base.lateOrders))
            }
            el("span") {
                "late customer lines "
                el("b", text: delta(k.lateCustomerLines, base.lateCustomerLines))
            }
            el("span") {
                "lateness "
                el("b", text: Format.minutes(Double(k.totalLatenessMinutes)))
            }
            el("span") {
                "overtime "
                el("b", text: Format.minutes(Double(k.overtimeMinutes)))
            }
            el("span") {
                "moved ops "
                el("b", text: String(k.movedOperations))
            }
        }
    }

    /// Approve or reject, as the signed-in user; the plant checks the role the action needs.
    func decide(_ viewer: Viewer, form: Form, exception: String, action: String, decision: String, client: String) async throws -> (String, Flash?) {
        let back = "/exceptions/\(urlEncode(exception))"
        let comment = form.trimmed("comment")
        let d = DecideAction(exception: PlantException.ID(exception), action: action, comment: comment)
        /// The signature, when the plant's rule asks for one: the password typed on the form, the rule's meaning.
        func signature(_ command: Command) async -> SignatureCredential? {
            guard let need = await service.read({ $0.signatureRequirement(for: command, actor: viewer.user.id) }) else { return nil }
            return SignatureCredential(password: form["password"] ?? "", meaning: need.meanings.first?.rawValue ?? "approved", client: client)
        }
        switch decision {
        case "approve":
            try await submit(.approveAction(d), as: viewer, signature: await signature(.approveAction(d)))
            let status = await service.read { $0.exceptions[d.exception]?.actions.first { $0.id == action }?.status }
            let done = status == .approved
            return (
                back,
                Flash(
                    kind: .success,
                    title: done ? "Approved" : "Your approval is recorded",
                    lines: [done ? "Action \(action) is approved and will be carried out." : "Action \(action) still needs other approvals."]
                )
            )
        case "reject":
            guard comment != nil else { throw WebError("A comment is needed", "Say why you reject action \(action).") }
            try await submit(.rejectAction(d), as: viewer, signature: await signature(.rejectAction(d)))
            return (back, Flash(kind: .success, title: "Rejected", lines: ["Action \(action) is rejected."]))
        default:
            throw WebError("Unknown decision", "Choose approve or reject.")
        }
    }

    /// An outcome request in plain English, through the language front door: the offline parser plans what it
    /// understands (the options are shown as an exception); what it does not goes to the language model when one is
    /// configured, and the answer names the model and every tool it called.
    func outcomeRequest(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        guard let text = form.trimmed("text") else { throw WebError.missing("what you want to achieve") }
        guard text.count <= 4_000 else { throw WebError("Too long", "Say it in at most 4000 characters.") }
        let answer = try await LanguageFrontDoor(service: service, model: languageModel).ask(text, by: Caller(user: viewer.user))
        let target = answer.exception.map { "/exceptions/\(urlEncode($0.rawValue))" } ?? "/exceptions#outcome"
        switch answer.answeredBy {
        case .parser:
            return (target, Flash(kind: .success, title: "Plan options ready", lines: ["For: “\(text)”"]))
        case .model:
            let calls = answer.toolCalls.map { "\($0.ok ? "✓" : "✗") \($0.tool)(\($0.arguments))" + ($0.ok ? "" : " — \($0.result)") }
            return (
                target,
                Flash(
                    kind: .success,
                    title: "Answered by the language model \(answer.model ?? "")",
                    lines: ["For: “\(text)”", answer.text] + (calls.isEmpty ? ["It called no tool."] : ["Tools it called:"] + calls)
                )
            )
        }
    }
}
