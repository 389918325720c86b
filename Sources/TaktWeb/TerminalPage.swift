import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

extension TaktWeb {
    func terminalIndex(_ request: Request, _ viewer: Viewer) async -> PageContent {
        let state = await service.read { $0 }
        let mine = state.clockedIn[viewer.user.id]?.workCenter
        let rows: [[Node]] = state.workCenters.values.sorted { $0.id < $1.id }.map { wc in
            let here = state.clockedIn.values.filter { $0.workCenter == wc.id }.map { state.users[$0.user]?.name ?? $0.user.rawValue }.sorted()
            let machine = state.machineStates[wc.id]?.last
            return [
                el(
                    "a",
                    ["href": "/terminal/\(urlEncode(wc.id.rawValue))", "class": "button"],
                    text: wc.id.rawValue + (mine == wc.id ? " (you)" : "")
                ),
                .text(wc.name), .text(wc.kind.rawValue),
                machine.map { Pages.badge($0.state.rawValue, $0.state == .down ? "bad" : ($0.state == .running ? "ok" : "")) } ?? .text("–"),
                .text(here.isEmpty ? "nobody" : here.joined(separator: ", ")),
            ]
        }
        return PageContent(
            title: "Operator terminal",
            body: fragment {
                el("p", text: mine.map { "You are clocked in at \($0)." } ?? "Choose your work center.")
                Pages.table(
                    ["Work center", "Name", "Kind", "Machine", "Clocked in"],
                    rows,
                    empty: "No work centers are defined.",
                    id: "work-centers"
                )
            },
            large: true
        )
    }

    func terminalPage(_ request: Request, _ viewer: Viewer, workCenter id: String) async -> PageContent {
        let wcID = WorkCenter.ID(id)
        let now = now()
        let (state, list) = await service.read { s in (s, DispatchList(state: s, workCenter: wcID, operator: viewer.user.id, now: now)) }
        guard let wc = state.workCenters[wcID] else {
            return PageContent(title: "Not found", body: el("p", text: "There is no work center \(id)."), status: .notFound, large: true)
        }
        let base = "/terminal/\(urlEncode(id))"
        let clock = state.clockedIn[viewer.user.id]
        let here = clock?.workCenter == wcID
        let machine = state.machineStates[wcID]?.last
        let focus = request.uri.queryParameters["order"].map(String.init)
        let active = list.items.filter { $0.operationStatus == .running || $0.operationStatus == .paused }
        let waiting = list.items.filter { $0.operationStatus == .waiting }
        // The running and paused work, the next few, and the order just scanned.
        var cards = active + waiting.prefix(max(0, 6 - active.count))
        if let focus {
            let scanned = waiting.filter { $0.productionOrder.rawValue == focus && !cards.map(\.productionOrder).contains($0.productionOrder) }
            cards = scanned + cards
        }
        let shownKeys = Set(cards.map { "\($0.productionOrder.rawValue)/\($0.sequence)" })
        let later = waiting.filter { !shownKeys.contains("\($0.productionOrder.rawValue)/\($0.sequence)") }
        // A scanned lot waits for the operator to confirm (or change) the quantity the plant proposes.
        let q = request.uri.queryParameters
        let prompt: Node? = q["lot"].map { lot in
            let order = ProductionOrder.ID(q["po"].map(String.init) ?? "")
            let sequence = q["op"].flatMap { Int(String($0)) } ?? 0
            do throws(DomainError) {
                let proposal = try state.consumptionProposal(productionOrder: order, operation: sequence, lot: Lot.ID(String(lot)))
                return consumePrompt(proposal, state: state, viewer: viewer, base: base)
            } catch {
                return el("section", ["class": "panel", "id": "consume"]) {
                    el("p", ["class": "blockers"], text: Web.words(error))
                    Pages.link("Back to the dispatch list", base)
                }
            }
        }

        let body = fragment {
            el("form", ["method": "post", "action": base + "/scan", "class": "scan", "id": "scan-form"]) {
                el("label", ["for": "scan"], text: "Scan")
                void(
                    "input",
                    [
                        "type": "text", "id": "scan", "name": "code", "class": "scanfield", "autofocus": prompt == nil ? "" : nil,
                        "autocomplete": "off", "placeholder": "lot or order barcode", "spellcheck": "false",
                    ]
                )
                el("button", ["type": "submit", "class": "primary"], text: "Enter")
            }
            if let prompt { prompt }
            el("div", ["class": "toolbar"]) {
                el("strong", text: "\(wc.name)")
                if let machine {
                    Pages.badge("machine \(machine.state.rawValue)" + (machine.reason.map { ": \($0)" } ?? ""), machine.state == .down ? "bad" : "ok")
                }
                el("span", ["class": "spacer"]) {}
                el("a", ["href": "/print/pick-list?workCenter=\(urlEncode(id))", "id": "wc-pick-list"], text: "Pick list")
                if here, let clock {
                    el("span", text: "Clocked in since \(Format.time(clock.since, state.plantTimeZone))")
                    el("form", ["method": "post", "action": base + "/clock-out", "class": "inline"]) {
                        el("button", ["type": "submit", "id": "clock-out"], text: "Clock out")
                    }
                } else {
                    if let clock { el("span", ["class": "muted"], text: "You are clocked in at \(clock.workCenter).") }
                    el("form", ["method": "post", "action": base + "/clock-in", "class": "inline"]) {
                        el("button", ["type": "submit", "class": "primary", "id": "clock-in"], text: "Clock in here")
                    }
                }
            }
            andonPanel(wcID, machine: machine, state: state, base: base)
            if let booked = q["booked"].map(String.init), let lot = state.lots[Lot.ID(booked)] { bookedPanel(lot, state: state) }
            el(
                "p",
                ["class": "muted"],
                text:
                    "Dispatch list by \(list.orderedBy == "schedule" ? "the published schedule \(list.schedule?.rawValue ?? "")" : "due date and priority (no schedule published)") — \(list.items.count) operations."
            )
            if cards.isEmpty { el("p", ["class": "empty"], text: "Nothing to run here.") }
            for entry in cards {
                operationCard(entry, state: state, viewer: viewer, base: base, focused: focus == entry.productionOrder.rawValue, now: now)
            }
            if !later.isEmpty {
                el("h2", text: "Later")
                Pages.table(
                    ["Order", "Op", "Item", "Qty", "Planned start", "Due", "Can start"],
                    later.prefix(30).map { e in
                        [
                            .text(e.productionOrder.rawValue), .text("\(e.sequence) \(e.name)"), .text(e.item.rawValue),
                            .text(Format.quantity(e.quantity)),
                            .text(e.start.map { Format.dateTime($0, state.plantTimeZone) } ?? "–"),
                            .text(Format.dateTime(e.dueDate, state.plantTimeZone)),
                            e.canStart ? Pages.badge("yes", "ok") : .text(e.blockers.first?.message ?? "no"),
                        ]
                    },
                    empty: ""
                )
            }
        }
        return PageContent(title: "Terminal · \(wcID.rawValue)", body: body, large: true)
    }

    /// The quantity prompt after a lot is scanned: what the operation still needs, the proposed quantity (editable),
    /// what stops it in the plant's words, and for a supervisor a way to let an interlock pass for this lot, with a reason.
    private func consumePrompt(_ p: ConsumptionProposal, state: PlantState, viewer: Viewer, base: String) -> Node {
        let itemName = state.items[p.item]?.name ?? p.item.rawValue
        let back = base + "?lot=\(urlEncode(p.lot.rawValue))&po=\(urlEncode(p.productionOrder.rawValue))&op=\(p.operation)#consume"
        func hidden() -> Node {
            fragment {
                Pages.hidden("order", p.productionOrder.rawValue)
                Pages.hidden("operation", String(p.operation))
                Pages.hidden("lot", p.lot.rawValue)
                Pages.hidden("back", back)
            }
        }
        let canOverride = viewer.hasAny(CommandKind.overrideInterlock.sortedRoles)
        return el("section", ["class": "panel consume", "id": "consume"]) {
            el(
                "h2",
                text: "Lot \(p.lot.rawValue): \(Format.quantity(p.inLot)) \(p.unit) of \(itemName) (\(p.item.rawValue)) at \(p.location.rawValue)"
            )
            el("p", ["id": "consume-summary"], text: p.summary + ".")
            if !p.blockers.isEmpty {
                el("div", ["class": "blockers", "role": "note", "id": "consume-blockers"]) {
                    el("strong", text: "Not yet — the plant says:")
                    el("ul") { for b in p.blockers { el("li", text: b.message) } }
                    let passable = p.blockers.compactMap { Interlock(rawValue: $0.rule) }.filter(\.isLotInterlock)
                    if !passable.isEmpty && !canOverride {
                        el("p", text: "A supervisor can let \(passable.count == 1 ? "it" : "them") pass for this lot, with a reason.")
                    }
                    if canOverride {
                        for interlock in passable {
                            el("form", ["method": "post", "action": base + "/override", "class": "inline"]) {
                                hidden()
                                Pages.hidden("interlock", interlock.rawValue)
                                void(
                                    "input",
                                    [
                                        "type": "text", "name": "reason", "id": "override-reason-\(interlock.rawValue)", "size": "30",
                                        "placeholder": "why it is safe", "aria-label": "Reason to let \(interlock.rawValue) pass",
                                    ]
                                )
                                el(
                                    "button",
                                    ["type": "submit", "id": "override-\(interlock.rawValue)"],
                                    text: "Let \(interlock.rawValue) pass for this lot"
                                )
                            }
                        }
                    }
                }
            }
            el("form", ["method": "post", "action": base + "/consume", "class": "inline", "id": "consume-form"]) {
                hidden()
                el("label", ["for": "consume-quantity"], text: "Quantity (\(p.unit))")
                void(
                    "input",
                    [
                        "type": "number", "id": "consume-quantity", "name": "quantity", "min": "0", "step": "any", "size": "6",
                        "inputmode": "decimal", "autofocus": "", "value": p.proposed > 1e-9 ? Self.plain(p.proposed) : nil,
                    ]
                )
                el(
                    "button",
                    ["type": "submit", "class": "primary", "id": "consume-confirm"],
                    text: "Consume into \(p.productionOrder.rawValue) op \(p.operation)"
                )
                Pages.link("Cancel", base)
            }
        }
    }

    /// A quantity as a form field value: no grouping, a dot for decimals.
    static func plain(_ q: Double) -> String {
        q == q.rounded() && abs(q) < 1e15 ? String(Int64(q)) : String(q)
    }

    private func operationCard(_ e: DispatchList.Entry, state: PlantState, viewer: Viewer, base: String, focused: Bool, now: Date) -> Node {
        let key = "\(e.productionOrder.rawValue)-\(e.sequence)"
        let order = e.productionOrder.rawValue
        let step = state.productionOrders[e.productionOrder].flatMap { state.routings[$0.routing] }?.operations.first { $0.sequence == e.sequence }
        let instruction = step?.workInstruction.flatMap { state.workInstructions[$0] }
        let acknowledged = instruction.map { state.acknowledgements[viewer.user.id]?[$0.id] == $0.revision } ?? true
        let progress = state.operations[e.productionOrder]?.first { $0.sequence == e.sequence }
        func hidden() -> Node {
            fragment {
                Pages.hidden("order", order)
                Pages.hidden("operation", String(e.sequence))
            }
        }
        return el("article", ["class": "op-card \(e.operationStatus.rawValue)", "id": "op-\(key)", "data-focused": focused ? "1" : nil]) {
            el("h3") {
                "\(order) · op \(e.sequence) \(e.name) "
                Pages.badge(e.operationStatus.rawValue, e.operationStatus == .running ? "ok" : (e.operationStatus == .paused ? "warn" : "info"))
            }
            el("p") {
                "\(Format.quantity(e.quantity)) × \(state.items[e.item]?.name ?? e.item.rawValue) (\(e.item.rawValue)) · due \(Format.dateTime(e.dueDate, state.plantTimeZone))"
                if let s = e.start, let end = e.end {
                    " · planned \(Format.range(s, end, state.plantTimeZone))"
                }
                if let p = progress, p.good + p.scrap > 0 { " · reported \(Format.quantity(p.good)) good, \(Format.quantity(p.scrap)) scrap" }
            }
            if let wi = instruction {
                el("div", ["class": "wi"]) {
                    el("strong", text: "Work instruction \(wi.id.rawValue) rev \(wi.revision): \(wi.title)")
                    if !wi.text.isEmpty { el("pre", text: wi.text) }
                    if !wi.attachments.isEmpty { Self.attachmentsView(wi.attachments, state: state) }
                    if acknowledged {
                        Pages.badge("acknowledged", "ok")
                    } else {
                        el("form", ["method": "post", "action": base + "/ack", "class": "inline"]) {
                            Pages.hidden("instruction", wi.id.rawValue)
                            Pages.hidden("revision", wi.revision)
                            el("button", ["type": "submit", "class": "primary", "id": "ack-\(key)"], text: "I have read revision \(wi.revision)")
                        }
                    }
                }
            }
            if !e.blockers.isEmpty {
                el("div", ["class": "blockers", "role": "note"]) {
                    el("strong", text: "Before this can start:")
                    el("ul") { for b in e.blockers { el("li", text: b.message) } }
                }
            }
            if e.operationStatus == .running || e.operationStatus == .paused,
                let counter = state.operationCounter(productionOrder: e.productionOrder, operation: e.sequence, now: now)
            {
                counterView(counter, key: key)
            }
            el("div", ["class": "forms"]) {
                switch e.operationStatus {
                case .waiting:
                    el("form", ["method": "post", "action": base + "/start", "class": "inline"]) {
                        hidden()
                        el("button", ["type": "submit", "class": "primary", "id": "start-\(key)"], text: "Start")
                    }
                case .running:
                    el("form", ["method": "post", "action": base + "/report", "class": "inline"]) {
                        hidden()
                        el("label", ["for": "good-\(key)"], text: "Good")
                        void(
                            "input",
                            ["type": "number", "id": "good-\(key)", "name": "good", "min": "0", "step": "any", "size": "5", "inputmode": "decimal"]
                        )
                        el("label", ["for": "scrap-\(key)"], text: "Scrap")
                        void(
                            "input",
                            ["type": "number", "id": "scrap-\(key)", "name": "scrap", "min": "0", "step": "any", "size": "4", "inputmode": "decimal"]
                        )
                        el("label", ["for": "scrap-reason-\(key)"], text: "Reason")
                        el("select", ["name": "scrapReason", "id": "scrap-reason-\(key)"]) {
                            el("option", ["value": ""], text: "— no scrap —")
                            for r in state.scrapReasonCodes { el("option", ["value": r.code], text: r.label) }
                        }
                        el("button", ["type": "submit", "id": "report-\(key)"], text: "Report")
                        el(
                            "button",
                            ["type": "submit", "class": "primary", "id": "complete-\(key)", "formaction": base + "/complete"],
                            text: "Complete"
                        )
                    }
                    el("form", ["method": "post", "action": base + "/pause", "class": "inline"]) {
                        hidden()
                        el("select", ["name": "reason", "aria-label": "Pause reason"]) {
                            for r in ["break", "waiting for material", "waiting for maintenance", "tool change", "quality check", "other"] {
                                el("option", ["value": r], text: r)
                            }
                        }
                        el("button", ["type": "submit", "id": "pause-\(key)"], text: "Pause")
                    }
                case .paused:
                    if let reason = progress?.pauseReason { el("span", text: "Paused: \(reason)") }
                    el("form", ["method": "post", "action": base + "/resume", "class": "inline"]) {
                        hidden()
                        el("button", ["type": "submit", "class": "primary", "id": "resume-\(key)"], text: "Resume")
                    }
                case .completed:
                    Pages.badge("completed", "ok")
                }
            }
            if e.operationStatus == .running || e.operationStatus == .paused {
                bookLotForm(e, state: state, base: base, key: key)
            }
            el("p", ["class": "card-links"]) {
                el("a", ["href": "/print/orders/\(urlEncode(order))", "id": "traveler-\(key)"], text: "Traveler")
                " · "
                el("a", ["href": "/print/pick-list?order=\(urlEncode(order))"], text: "Pick list")
            }
        }
    }

    /// The andon: report the machine down or slow, with a reason from the plant's lists, or back to running.
    private func andonPanel(_ wc: WorkCenter.ID, machine: MachineStateChange?, state: PlantState, base: String) -> Node {
        let current = machine?.state
        let ideal = state.idealRate(at: wc)
        let alarm = current == .down || current == .slow
        return el("details", ["class": "panel andon", "id": "andon", "open": alarm ? "" : nil]) {
            el("summary", text: alarm ? "Andon — machine \(current?.rawValue ?? "")" : "Andon — report the machine down or slow")
            el("div", ["class": "andon-forms"]) {
                if let current, current != .running {
                    el("form", ["method": "post", "action": base + "/andon", "class": "andon-running"]) {
                        Pages.hidden("state", MachineState.running.rawValue)
                        el("button", ["type": "submit", "class": "primary", "id": "andon-running"], text: "Back to running")
                    }
                }
                el("form", ["method": "post", "action": base + "/andon", "class": "andon-down"]) {
                    Pages.hidden("state", MachineState.down.rawValue)
                    el("label", ["for": "down-reason"], text: "Why is it down?")
                    el("select", ["name": "reason", "id": "down-reason", "required": ""]) {
                        el("option", ["value": ""], text: "— pick a reason —")
                        for r in ReasonCodes.down { el("option", ["value": r.code], text: r.label) }
                    }
                    void("input", ["type": "text", "name": "note", "id": "down-note", "placeholder": "details (optional)", "maxlength": "120"])
                    el("button", ["type": "submit", "class": "danger", "id": "andon-down"], text: "Machine down")
                }
                el("form", ["method": "post", "action": base + "/andon", "class": "andon-slow"]) {
                    Pages.hidden("state", MachineState.slow.rawValue)
                    el("label", ["for": "slow-reason"], text: "Why is it slow?")
                    el("select", ["name": "reason", "id": "slow-reason", "required": ""]) {
                        el("option", ["value": ""], text: "— pick a reason —")
                        for r in ReasonCodes.slow { el("option", ["value": r.code], text: r.label) }
                    }
                    el("label", ["for": "actual-rate"], text: "Makes now (per hour)")
                    void(
                        "input",
                        [
                            "type": "number", "name": "actualRate", "id": "actual-rate", "min": "0", "step": "any", "size": "5",
                            "inputmode": "decimal", "required": "",
                        ]
                    )
                    el("label", ["for": "ideal-rate"], text: "Ideal (per hour)")
                    void(
                        "input",
                        [
                            "type": "number", "name": "idealRate", "id": "ideal-rate", "min": "0", "step": "any", "size": "5", "inputmode": "decimal",
                            "value": ideal.map { Self.plain(($0 * 100).rounded() / 100) },
                        ]
                    )
                    el("button", ["type": "submit", "class": "warn", "id": "andon-slow"], text: "Running slow")
                }
            }
        }
    }

    /// Good against target and the time worked, from the plant's state and clock; the script only lets the time tick.
    private func counterView(_ c: OperationCounter, key: String) -> Node {
        el("div", ["class": "counter", "id": "counter-\(key)"]) {
            el("span", ["class": "count"]) {
                el("strong", ["id": "good-count-\(key)"], text: Format.quantity(c.good))
                el("span", text: " / \(Format.quantity(c.target)) good")
                if c.scrap > 0 { el("span", ["class": "muted"], text: " · \(Format.quantity(c.scrap)) scrap") }
            }
            el("span", ["class": "elapsed"]) {
                el(
                    "span",
                    [
                        "class": "timer", "id": "timer-\(key)", "data-elapsed": String(Int(c.workedSeconds.rounded(.down))),
                        "data-ticking": c.ticking ? "1" : nil,
                    ],
                    text: Self.clock(c.workedSeconds)
                )
                if let planned = c.plannedMinutes { el("span", ["class": "muted"], text: " of \(Format.minutes(planned)) planned") }
                if !c.ticking { el("span", ["class": "muted"], text: " (paused)") }
            }
        }
    }

    /// Seconds as h:mm:ss.
    static func clock(_ seconds: Double) -> String {
        let t = max(0, Int(seconds.rounded(.down)))
        let h = t / 3600
        let m = (t % 3600) / 60
        let s = t % 60
        return "\(h):" + (m < 10 ? "0" : "") + "\(m):" + (s < 10 ? "0" : "") + "\(s)"
    }

    /// Book the lot an operation makes: the plant proposes a lot ID, the good quantity not yet booked, and the line side.
    private func bookLotForm(_ e: DispatchList.Entry, state: PlantState, base: String, key: String) -> Node {
        let proposal = state.outputProposal(productionOrder: e.productionOrder, operation: e.sequence)
        let isLast =
            state.nextOperation(of: e.productionOrder).map { next in
                let all = state.operations[e.productionOrder] ?? []
                return all.last?.sequence == next.sequence
            } ?? false
        return el("details", ["class": "book", "id": "book-\(key)", "open": isLast ? "" : nil]) {
            el("summary", text: "Book the lot made and print its label")
            el("form", ["method": "post", "action": base + "/produce", "class": "inline"]) {
                Pages.hidden("order", e.productionOrder.rawValue)
                Pages.hidden("operation", String(e.sequence))
                el("label", ["for": "lot-\(key)"], text: "Lot")
                void("input", ["type": "text", "name": "lot", "id": "lot-\(key)", "size": "14", "value": proposal?.lot.rawValue, "required": ""])
                el("label", ["for": "lot-qty-\(key)"], text: "Quantity")
                void(
                    "input",
                    [
                        "type": "number", "name": "quantity", "id": "lot-qty-\(key)", "min": "0", "step": "any", "size": "6", "inputmode": "decimal",
                        "required": "", "value": proposal.flatMap { $0.quantity > 1e-9 ? Self.plain($0.quantity) : nil },
                    ]
                )
                el("label", ["for": "lot-loc-\(key)"], text: "To")
                el("select", ["name": "location", "id": "lot-loc-\(key)"]) {
                    for loc in state.locations.values.sorted(by: { $0.id < $1.id }) where loc.kind != .receiving && loc.kind != .shipping {
                        el(
                            "option",
                            ["value": loc.id.rawValue, "selected": loc.id == proposal?.location ? "" : nil],
                            text: "\(loc.id.rawValue) \(loc.name)"
                        )
                    }
                }
                el("button", ["type": "submit", "class": "primary", "id": "produce-\(key)"], text: "Book lot")
            }
            if let p = proposal, p.booked > 1e-9 {
                el("p", ["class": "muted"], text: "Already booked into lots of \(e.productionOrder.rawValue): \(Format.quantity(p.booked)).")
            }
        }
    }

    /// After a lot is booked: its label, to print on paper or send to a thermal printer.
    private func bookedPanel(_ lot: Lot, state: PlantState) -> Node {
        let id = urlEncode(lot.id.rawValue)
        return el("section", ["class": "panel booked", "id": "booked"]) {
            el("p") {
                el("strong", text: "Lot \(lot.id.rawValue)")
                " — \(Format.quantity(lot.quantity)) \(state.items[lot.item]?.unit.rawValue ?? "") of \(lot.item.rawValue) at \(lot.location.rawValue)."
            }
            el("p") {
                el("a", ["class": "button primary", "href": "/print/lots/\(id)", "id": "print-label"], text: "Print label")
                " "
                el("a", ["class": "button", "href": "/print/lots/\(id)/label.zpl", "id": "zpl-label"], text: "ZPL for the label printer")
            }
        }
    }

    /// The terminal's buttons and the scan field: each is one plant command as the signed-in user.
    func terminalAction(_ viewer: Viewer, form: Form, workCenter id: String, verb: String) async throws -> (String, Flash?) {
        let wc = WorkCenter.ID(id)
        let back = "/terminal/\(urlEncode(id))"
        func order() throws -> ProductionOrder.ID {
            guard let o = form.trimmed("order") else { throw WebError.missing("the order") }
            return ProductionOrder.ID(o)
        }
        func operation() throws -> Int {
            guard let s = form.trimmed("operation"), let n = Int(s) else { throw WebError.missing("the operation") }
            return n
        }
        func number(_ name: String) throws -> Double {
            guard let s = form.trimmed(name) else { return 0 }
            guard let v = Double(s.replacingOccurrences(of: ",", with: ".")), v >= 0 else {
                throw WebError("Not a number", "\(name) must be a number of 0 or more (got “\(s)”).")
            }
            return v
        }
        func ok(_ title: String, _ line: String? = nil) -> (String, Flash?) {
            (back, Flash(kind: .success, title: title, lines: line.map { [$0] } ?? []))
        }

        switch verb {
        case "clock-in":
            try await submit(.clockIn(ClockInCommand(workCenter: wc)), as: viewer)
            return ok("Clocked in at \(id)")
        case "clock-out":
            try await submit(.clockOut(ClockOutCommand(user: nil)), as: viewer)
            return ok("Clocked out")
        case "ack":
            guard let wi = form.trimmed("instruction"), let rev = form.trimmed("revision") else { throw WebError.missing("the work instruction") }
            try await submit(.acknowledgeWorkInstruction(AcknowledgeWorkInstruction(workInstruction: .init(wi), revision: rev)), as: viewer)
            return ok("Acknowledged \(wi) revision \(rev)")
        case "start":
            let o = try order()
            let n = try operation()
            try await submit(.startOperation(StartOperation(productionOrder: o, operation: n, workCenter: wc)), as: viewer)
            return ok("Started \(o) op \(n)")
        case "pause":
            let o = try order()
            let n = try operation()
            try await submit(.pauseOperation(PauseOperation(productionOrder: o, operation: n, reason: form.trimmed("reason") ?? "other")), as: viewer)
            return ok("Paused \(o) op \(n)")
        case "resume":
            let o = try order()
            let n = try operation()
            try await submit(.resumeOperation(ResumeOperation(productionOrder: o, operation: n)), as: viewer)
            return ok("Resumed \(o) op \(n)")
        case "report", "complete":
            let o = try order()
            let n = try operation()
            let q = ReportQuantity(
                productionOrder: o,
                operation: n,
                good: try number("good"),
                scrap: try number("scrap"),
                scrapReason: form.trimmed("scrapReason")
            )
            if verb == "report" {
                guard q.good + q.scrap > 0 else {
                    throw WebError("Nothing to report", "Enter the good or scrapped quantity made since the last report.")
                }
                try await submit(.reportQuantity(q), as: viewer)
                return ok("Reported \(Format.quantity(q.good)) good, \(Format.quantity(q.scrap)) scrap on \(o) op \(n)")
            }
            try await submit(.completeOperation(q), as: viewer)
            return ok("Completed \(o) op \(n)")
        case "andon":
            guard let text = form.trimmed("state"), let machine = MachineState(rawValue: text) else { throw WebError.missing("the machine state") }
            func rate(_ name: String) throws -> Double? { form.trimmed(name) == nil ? nil : try number(name) }
            let actual = try rate("actualRate")
            let ideal = try rate("idealRate")
            let call = try await service.read { s throws(DomainError) in
                try s.andonCall(
                    workCenter: wc,
                    state: machine,
                    reasonCode: form.trimmed("reason"),
                    note: form.trimmed("note"),
                    actualRate: actual,
                    idealRate: ideal
                )
            }
            try await submit(.setMachineState(call), as: viewer)
            switch machine {
            case .down: return ok("\(id) reported down", call.reason.map { "Reason: \($0)." })
            case .slow:
                return ok(
                    "\(id) reported slow",
                    "\(call.reason ?? "slow"): \(Format.quantity(call.actualRate ?? 0))/h instead of \(Format.quantity(call.idealRate ?? 0))/h."
                )
            default: return ok("\(id) is \(machine.rawValue)")
            }
        case "produce":
            let o = try order()
            let n = try operation()
            guard let lot = form.trimmed("lot") else { throw WebError.missing("the lot ID") }
            guard let location = form.trimmed("location") else { throw WebError.missing("where the lot goes") }
            guard form.trimmed("quantity") != nil else { throw WebError("How much?", "Enter how much lot \(lot) holds.") }
            let quantity = try number("quantity")
            try await submit(
                .produceLot(ProduceLot(productionOrder: o, operation: n, lot: Lot.ID(lot), quantity: quantity, location: Location.ID(location))),
                as: viewer
            )
            return (
                back + "?booked=\(urlEncode(lot))#booked",
                Flash(
                    kind: .success,
                    title: "Booked lot \(lot)",
                    lines: ["\(Format.quantity(quantity)) from \(o) op \(n) to \(location). Print its label below."]
                )
            )
        case "scan":
            return try await scan(viewer, code: form.trimmed("code") ?? "", workCenter: wc, back: back)
        case "consume":
            return try await consume(viewer, form: form, back: back)
        case "override":
            let o = try order()
            let n = try operation()
            guard let lot = form.trimmed("lot") else { throw WebError.missing("the lot") }
            guard let text = form.trimmed("interlock"), let interlock = Interlock(rawValue: text) else {
                throw WebError.missing("the interlock to let pass")
            }
            guard let reason = form.trimmed("reason") else {
                throw WebError("A reason is needed", "Say why it is safe to let \(text) pass for lot \(lot); the reason is recorded with your name.")
            }
            try await submit(
                .overrideInterlock(OverrideInterlock(productionOrder: o, operation: n, interlock: interlock, reason: reason, lot: Lot.ID(lot))),
                as: viewer
            )
            let prompt = back + "?lot=\(urlEncode(lot))&po=\(urlEncode(o.rawValue))&op=\(n)#consume"
            return (
                prompt, Flash(kind: .success, title: "\(text) lets lot \(lot) pass on \(o) op \(n)", lines: ["Recorded with your reason: \(reason)"])
            )
        default:
            throw WebError("Unknown button", "The terminal does not know “\(verb)”.")
        }
    }

    /// A scanned code: a lot asks for the quantity to consume into the operation running here (the plant proposes what
    /// the operation still needs); an order shows its operation.
    func scan(_ viewer: Viewer, code: String, workCenter wc: WorkCenter.ID, back: String) async throws -> (String, Flash?) {
        guard !code.isEmpty else { throw WebError.missing("a code (scan a lot or an order)") }
        let state = await service.read { $0 }
        if let lot = state.lots[Lot.ID(code)] {
            do throws(DomainError) {
                _ = try state.lotInStock(lot.id)
            } catch {
                throw WebError("Nothing left to scan", Web.words(error))
            }
            guard let (order, op) = state.operationConsuming(lot.item, at: wc) else {
                throw WebError("No operation is running here", "Start the operation first, then scan lot \(code) to consume it.")
            }
            return (back + "?lot=\(urlEncode(code))&po=\(urlEncode(order.rawValue))&op=\(op.sequence)#consume", nil)
        }
        if let po = state.productionOrders[ProductionOrder.ID(code)] {
            let list = DispatchList(state: state, workCenter: wc, operator: viewer.user.id, now: now())
            if list.items.contains(where: { $0.productionOrder == po.id }) {
                return (back + "?order=\(urlEncode(code))#op-\(urlEncode(code))", nil)
            }
            throw WebError("Not at \(wc.rawValue)", Self.elsewhere(po, at: wc, state: state))
        }
        throw WebError("Unknown code", "“\(code)” is neither a lot nor a production order.")
    }

    /// Why a scanned order is not on this work center's list, and where its next operation is.
    static func elsewhere(_ po: ProductionOrder, at wc: WorkCenter.ID, state: PlantState) -> String {
        let id = po.id.rawValue
        switch po.status {
        case .completed, .cancelled: return "\(id) is \(po.status.rawValue): nothing is left to run on it."
        default: break
        }
        guard let next = state.nextOperation(of: po.id) else { return "\(id) has no operation left to run." }
        let places = next.workCenters.map(\.rawValue)
        let there =
            places.isEmpty
            ? "no work center" : places.count == 1 ? places[0] : places.dropLast().joined(separator: ", ") + " or " + (places.last ?? "")
        let what = "op \(next.sequence) \(next.name)"
        if next.workCenters.contains(wc) {
            return
                "\(id) has no operation waiting at \(wc.rawValue) now: its next operation, \(what), is \(next.status.rawValue) and is planned for \(there)."
        }
        return "\(id) has no operation at \(wc.rawValue). Its next operation is \(what) at \(there) (\(next.status.rawValue))."
    }

    /// The confirmed quantity of a scanned lot: one `consumeLot` command; the answer says what was taken, what is left,
    /// which interlocks passed by a supervisor's override and which reservations of other orders gave way.
    func consume(_ viewer: Viewer, form: Form, back: String) async throws -> (String, Flash?) {
        guard let o = form.trimmed("order"), let s = form.trimmed("operation"), let n = Int(s) else { throw WebError.missing("the operation") }
        guard let lot = form.trimmed("lot") else { throw WebError.missing("the lot") }
        guard let text = form.trimmed("quantity") else { throw WebError("How much?", "Enter how much of lot \(lot) to consume.") }
        guard let quantity = Double(text.replacingOccurrences(of: ",", with: ".")), quantity > 0 else {
            throw WebError("How much?", "The quantity of lot \(lot) to consume must be a number above 0 (got “\(text)”).")
        }
        let outcome = try await submit(
            .consumeLot(ConsumeLot(productionOrder: ProductionOrder.ID(o), operation: n, lot: Lot.ID(lot), quantity: quantity)),
            as: viewer
        )
        let state = await service.read { $0 }
        let unit = state.lots[Lot.ID(lot)].flatMap { state.items[$0.item] }?.unit.rawValue ?? ""
        var lines: [String] = []
        for case .lotConsumed(let c) in (try? outcome.domainEvents()) ?? [] {
            let left = state.lots[c.lot]?.quantity ?? 0
            lines.append(
                "\(Format.quantity(c.quantity)) \(unit) of \(c.item.rawValue) into \(c.productionOrder.rawValue) op \(c.operation); "
                    + (left > 1e-9 ? "\(Format.quantity(left)) \(unit) left in lot \(c.lot.rawValue)." : "lot \(c.lot.rawValue) is now empty.")
            )
            for i in c.overridden { lines.append("Passed by a supervisor's override: \(i.rawValue).") }
            for d in c.displaced {
                var line =
                    "Took \(Format.quantity(d.quantity)) \(unit) reserved for \(d.productionOrder.rawValue) (reservation \(d.reservation.rawValue)"
                line += d.remaining > 1e-9 ? ", \(Format.quantity(d.remaining)) \(unit) still reserved" : ", released"
                if let t = d.stagingTask { line += "; staging task \(t.rawValue) \(d.stagingTaskStatus?.rawValue ?? "unchanged")" }
                lines.append(line + ").")
            }
        }
        let home = back.split(separator: "?", maxSplits: 1).first.map(String.init) ?? back
        return (home, Flash(kind: .success, title: "Consumed lot \(lot)", lines: lines))
    }
}
