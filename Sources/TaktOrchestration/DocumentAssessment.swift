import Foundation
import TaktCore
import TaktPlanning

// What the orchestrator makes of a verified incoming document (docs/documents.md):
// - a certificate of analysis with values out of spec: an exception (kind quality-hold) whose impact is the plan with
//   the supplier lot's stock held, and whose action is the hold itself, for quality to approve;
// - a customer order that is new or changed: an exception (kind rush-order) that assesses the proposed sales order as a
//   rush request (its production inserted into the plan, with overtime or resequencing where that helps), every action
//   starting with taking the order (and cancelling the sales order it replaces), for sales to approve.

extension EventReading {
    func documentDisruption(_ v: DocumentVerified, kind: DisruptionKind, until: Date?) -> Found? {
        let subject = "document:\(v.document)"
        func value(_ name: String) -> String { v.fields.first { $0.name == name }?.value ?? "?" }
        switch v.kind {
        case .certificate:
            guard kind == .qualityHold, (v.check.outOfSpec ?? 0) > 0 else { return nil }
            let item = Item.ID(value("item"))
            let d = Disruption(kind: kind, from: recordedAt, until: until, item: state.items[item] != nil ? item : nil, lots: v.check.lots ?? [])
            let title =
                "Certificate \(v.document) from \(value("supplier")): supplier lot \(value("supplierLot")) of \(item) is out of spec (\(v.check.summary))"
            return Found(disruption: d, subject: subject, title: title)
        case .customerOrder:
            guard kind == .rushOrder, let so = v.check.proposedSalesOrder, let line = so.lines.first else { return nil }
            let d = Disruption(kind: kind, from: recordedAt, item: line.item, quantity: line.quantity, date: line.requestedDate)
            let customer = state.customers[so.customer]?.name ?? so.customer.rawValue
            var title =
                "Customer order \(value("purchaseOrder")) from \(customer) (\(v.document)): \(number(line.quantity)) × \(line.item) by \(date(line.requestedDate))"
            if so.lines.count > 1 { title += " (+\(so.lines.count - 1) more line\(so.lines.count == 2 ? "" : "s"))" }
            title += v.check.replaces.map { ", changing \($0)" } ?? ", a new sales order"
            return Found(disruption: d, subject: subject, title: title)
        case .deliveryNote:
            return nil
        }
    }
}

enum DocumentAssessment {
    static func assess(_ trigger: Trigger, state: PlantState, now: Date, options: AnalysisOptions) throws(OrchestrationError) -> PlantException {
        let id = IncomingDocument.ID(String(trigger.subject.dropFirst("document:".count)))
        guard let document = state.documents[id], let check = document.check else {
            throw OrchestrationError(field: "document", rule: "unknown-reference", message: "document '\(id)' is not a verified document")
        }
        switch document.kind {
        case .certificate: return try certificate(trigger, document, check, state: state, now: now, options: options)
        case .customerOrder: return try customerOrder(trigger, document, check, state: state, now: now, options: options)
        case .deliveryNote:
            throw OrchestrationError(
                field: "document",
                rule: "no-assessment",
                message: "a delivery note takes effect when verified; nothing to assess"
            )
        }
    }

    // MARK: Certificates

    static func certificate(
        _ trigger: Trigger,
        _ document: IncomingDocument,
        _ check: DocumentCheck,
        state: PlantState,
        now: Date,
        options: AnalysisOptions
    ) throws(OrchestrationError) -> PlantException {
        var d = trigger.disruption
        d.lots = d.lots.filter { state.lots[$0]?.status.isInStock == true }
        try Assessment.validate(d, state: state)
        if d.until == nil {
            d.until = d.from.addingTimeInterval(Double(trigger.playbook.assumedDurationMinutes ?? options.assumedDurationMinutes) * 60)
        }
        let sim = Simulator(now: now, options: options)
        let ctx = try Context(state: state, disruption: d, sim: sim, subject: trigger.subject)
        let supplier = document.value("supplier") ?? ""
        let supplierLot = document.value("supplierLot") ?? ""
        var candidates: [Candidate] = []
        var notes: [String] = []
        var tasks = trigger.playbook.tasks
        let held = state.holds.values.first {
            !$0.released && $0.kind == .supplierLot && $0.supplier?.lowercased() == supplier.lowercased()
                && $0.supplierLot?.lowercased() == supplierLot.lowercased()
        }
        let inPlant = state.lots.values.contains {
            $0.supplier?.lowercased() == supplier.lowercased() && $0.supplierLot?.lowercased() == supplierLot.lowercased()
        }
        if let held {
            notes.append("place-hold: supplier lot \(supplierLot) of \(supplier) is already under \(held.id)")
        } else if !inPlant {
            notes.append("place-hold: no lot from \(supplier) carries supplier lot \(supplierLot) yet, so there is nothing to hold")
            tasks.append(
                ExceptionTask(
                    role: .warehouse,
                    text: "When supplier lot \(supplierLot) from \(supplier) arrives, receive it into quarantine, not into stock"
                )
            )
        } else {
            // The plant's lot names as they are stored (the hold compares them exactly).
            let lot = state.lots.values.sorted { $0.id < $1.id }.first {
                $0.supplier?.lowercased() == supplier.lowercased() && $0.supplierLot?.lowercased() == supplierLot.lowercased()
            }
            let hold = PlaceHold(
                supplier: lot?.supplier ?? supplier,
                supplierLot: lot?.supplierLot ?? supplierLot,
                reason: Analysis.clamp("Certificate \(document.id) out of spec: \(check.summary)", to: 200)
            )
            let count = d.lots.count
            candidates.append(
                Candidate(
                    kind: .placeHold,
                    title: "Hold supplier lot \(hold.supplierLot ?? supplierLot) of \(hold.supplier ?? supplier)",
                    steps: [
                        ActionStep(
                            kind: .placeHold,
                            summary:
                                "Place a quality hold on supplier lot \(hold.supplierLot ?? supplierLot) (\(count) lot\(count == 1 ? "" : "s") in stock, "
                                + "and everything made from it)",
                            commands: [.placeHold(hold)]
                        )
                    ],
                    outcome: ctx.doNothing,
                    note: "The certificate says: \(check.summary)"
                )
            )
        }
        return Assessment.exception(trigger, d, ctx, candidates: candidates, notes: notes, tasks: tasks, options: options)
    }

    // MARK: Customer orders

    static func customerOrder(
        _ trigger: Trigger,
        _ document: IncomingDocument,
        _ check: DocumentCheck,
        state: PlantState,
        now: Date,
        options: AnalysisOptions
    ) throws(OrchestrationError) -> PlantException {
        guard let so = check.proposedSalesOrder else {
            throw OrchestrationError(field: "document", rule: "no-proposal", message: "document '\(document.id)' proposes no sales order")
        }
        var d = trigger.disruption
        try Assessment.validate(d, state: state)
        let sim = Simulator(now: now, options: options)
        // Its production, when the item is made here (a traded item has none).
        let newOrder = try? Assessment.rushOrder(&d, state: state, now: now)
        if newOrder == nil { d.productionOrder = nil }
        let ctx = try Context(state: state, disruption: d, sim: sim, newOrder: newOrder, subject: trigger.subject)
        var take: [Command] = []
        if let old = check.replaces {
            take.append(
                .cancelSalesOrder(
                    CancelSalesOrder(
                        salesOrder: old,
                        reason: Analysis.clamp(
                            "Replaced by \(so.id): the customer's changed order \(document.value("purchaseOrder") ?? "") (\(document.id))",
                            to: 200
                        )
                    )
                )
            )
        }
        take.append(.createSalesOrder(so))
        let takeStep = ActionStep(
            kind: .takeOrder,
            summary: (check.replaces.map { "Replace \($0) by \(so.id)" } ?? "Take sales order \(so.id)")
                + " for \(so.customer): " + so.lines.map { "\(Analysis.number($0.quantity)) × \($0.item)" }.joined(separator: ", "),
            commands: take
        )
        var candidates: [Candidate] = []
        var notes: [String] = []
        for kind in trigger.playbook.actions {
            switch try Actions.consider(kind, ctx) {
            case .proposed(let c): candidates.append(c)
            case .notProposed(let why): notes.append(why)
            }
        }
        candidates = Assessment.worthApproving(candidates, ctx, notes: &notes)
        let insert = newOrder.map { Actions.insertStep($0, ctx) }
        candidates = candidates.map { c in
            var c = c
            if c.kind != .insertOrder, let insert { c.steps.insert(insert, at: 0) }
            c.steps.insert(takeStep, at: 0)
            return c
        }
        // Always: take the order and make it after the work already planned.
        candidates.append(
            Candidate(
                kind: .takeOrder,
                title: newOrder.map { "Take \(so.id) and make it (\($0.id)) after the work already planned" } ?? "Take \(so.id)",
                steps: [takeStep] + (insert.map { [$0] } ?? []),
                outcome: ctx.doNothing,
                note: check.changes.flatMap { $0.isEmpty ? nil : "Changes: " + $0.joined(separator: "; ") }
            )
        )
        return Assessment.exception(trigger, d, ctx, candidates: candidates, notes: notes, tasks: trigger.playbook.tasks, options: options)
    }
}
