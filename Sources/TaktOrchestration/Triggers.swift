import Foundation
import TaktCore
import TaktPlanning

/// Turns a recorded event into the disruption a playbook describes.
///
/// For an event, the enabled playbooks whose `event` is the event's type are tried in order of their IDs; the first
/// whose conditions hold on the event's document (payload + `context`, see ``PlaybookConditions``) and for which the
/// event describes a disruption of the playbook's `exceptionKind` wins. `state` is the plant *after* the event.
/// Pure: the same event, state and recording time always give the same trigger.
enum Triggers {
    static func match(_ event: Event, sequence: Int64, recordedAt: Date, state: PlantState) -> Trigger? {
        guard let (reading, playbooks) = holding(event, recordedAt: recordedAt, state: state) else { return nil }
        for playbook in playbooks {
            guard let found = reading.disruption(for: playbook) else { continue }
            return Trigger(
                playbook: playbook,
                disruption: found.disruption,
                subject: found.subject,
                title: Analysis.clamp(found.title),
                sourceSequence: sequence,
                sourceEvent: event.typeName
            )
        }
        return nil
    }

    /// The enabled playbooks for the event's type whose conditions hold on its document, in order of their IDs, with the
    /// reading they were judged on; nil when no playbook listens to the event's type.
    private static func holding(_ event: Event, recordedAt: Date, state: PlantState) -> (EventReading, [Playbook])? {
        let name = event.typeName
        let candidates = state.playbooks.values.filter { $0.enabled && $0.event == name }.sorted { $0.id < $1.id }
        guard !candidates.isEmpty else { return nil }
        let reading = EventReading(event: event, state: state, recordedAt: recordedAt)
        let document = PlaybookConditions.document(for: event, context: reading.context().fields)
        return (reading, candidates.filter { PlaybookConditions.holds($0.conditions, in: document) })
    }

    /// The subject the event would raise an exception on, without simulating or building the disruption: the first enabled
    /// playbook for the event's type whose conditions hold decides the kind (cheap; the orchestrator uses it to assess the
    /// events of one command on one subject once).
    static func subject(_ event: Event, recordedAt: Date, state: PlantState) -> (subject: String, kind: DisruptionKind)? {
        guard let (reading, playbooks) = holding(event, recordedAt: recordedAt, state: state) else { return nil }
        for playbook in playbooks {
            if let subject = reading.subject(playbook.exceptionKind) { return (subject, playbook.exceptionKind) }
        }
        return nil
    }

    /// The context fields derived for an event (what `context.…` conditions see), for documentation and tests.
    static func context(_ event: Event, recordedAt: Date, state: PlantState) -> [String: JSONValue] {
        EventReading(event: event, state: state, recordedAt: recordedAt).context().fields
    }
}

extension Playbook {
    /// The playbook's assumed duration, else the default for its kind.
    var assumedDuration: TimeInterval? {
        (assumedDurationMinutes ?? PlanningAssumptions.defaultMinutes(exceptionKind)).map { Double($0) * 60 }
    }
}

/// One event read against the plant: its context fields and the disruption it describes.
struct EventReading {
    let event: Event
    let state: PlantState
    let recordedAt: Date

    struct Found {
        var disruption: Disruption
        var subject: String
        var title: String
    }

    // MARK: Context

    func context() -> ContextBuilder {
        var c = ContextBuilder()
        switch event {
        case .machineStateChanged(let m):
            c.merge(workCenterContext(m.workCenter))
            c.set("previousState", previousMachineState(m)?.rawValue)
            c.set("rateFactor", rateFactor(m))
            c.set("scheduledOperations", state.publishedSchedule.map { s in s.steps.filter { $0.workCenter == m.workCenter && $0.end > m.at }.count })

        case .operationDelayReported(let r):
            c.merge(operationContext(r.productionOrder, r.sequence))
            if let order = state.productionOrders[r.productionOrder], let completion = scheduledCompletion(order.id) {
                let predicted = completion.addingTimeInterval(Double(r.extraMinutes) * 60)
                let due = customerDate(order) ?? order.dueDate
                c.set("predictedCompletion", predicted)
                c.set("lateMinutes", max(0, minutes(predicted.timeIntervalSince(due))))
                c.set("customerLate", customerDate(order).map { predicted > $0 })
            }

        case .quantityReported(let q):
            c.merge(operationContext(q.productionOrder, q.operation))
            c.set("workCenter", q.workCenter.rawValue)
            let reported = q.good + q.scrap + q.rework
            c.set("scrapRate", reported > 0 ? q.scrap / reported : nil)
            c.set("operationScrap", progress(q.productionOrder, q.operation)?.scrap)
            c.set("remakeMinutes", remakeMinutes(q))

        case .materialMissing(let m):
            let lots = m.lots.compactMap { state.lots[$0] }
            if let first = lots.first { c.merge(itemContext(first.item)) }
            c.set("quantity", lots.isEmpty ? nil : lots.reduce(0) { $0 + $1.quantity })
            c.set("lotCount", m.lots.count)
            c.merge(affectedContext(m.affected))

        case .shortageProjected(let s):
            c.merge(itemContext(s.shortage.item))
            c.merge(affectedContext(s.shortage.affected))
            if let next = nextReceipt(s.shortage.item, from: s.shortage.from) {
                c.set("nextReceiptDate", next.expectedDate)
                c.set("nextReceiptQuantity", next.openQuantity)
            }

        case .holdPlaced(let h):
            if let item = heldItem(h) { c.merge(itemContext(item)) }
            c.set("lotCount", h.lots.count)
            c.set("quantity", heldQuantity(h))
            c.set("orderCount", h.orders.count)
            c.set("shippedCount", h.shipped.count)

        case .receiptExpected(let e):
            c.merge(itemContext(e.item))
            if let previous = previousReceipt(e) {
                c.set("previousReceipt", previous.id.rawValue)
                c.set("previousExpectedDate", previous.expectedDate)
                c.set("delayMinutes", minutes(e.expectedDate.timeIntervalSince(previous.expectedDate)))
            }
            c.set("shortBy", state.shortages[e.item]?.shortBy)

        case .salesOrderCreated(let so):
            c.merge(customerContext(so.customer))
            c.set("lineCount", so.lines.count)
            if let line = so.lines.first {
                c.merge(itemContext(line.item))
                c.set("quantity", line.quantity)
                c.set("requestedDate", line.requestedDate)
                c.set("promisedDate", line.promisedDate)
            }

        case .salesOrderLinePromised(let p):
            if let so = state.salesOrders[p.salesOrder] {
                c.merge(customerContext(so.customer))
                c.set("priority", so.priority)
                if let line = so.lines.first(where: { $0.line == p.line }) {
                    c.merge(itemContext(line.item))
                    c.set("quantity", line.quantity)
                    c.set("requestedDate", line.requestedDate)
                }
            }
            let pegged = peggedOrders(p.salesOrder, line: p.line)
            c.set("productionOrders", pegged.map(\.id.rawValue))
            if let (order, needed) = latestPegged(pegged) {
                c.set("productionOrder", order.id.rawValue)
                c.set("dueDate", order.dueDate)
                c.set("scheduledCompletion", scheduledCompletion(order.id))
                c.set("promiseGapMinutes", minutes(needed.timeIntervalSince(p.promisedDate)))
            }

        case .salesOrderCancelled(let x):
            if let so = state.salesOrders[x.salesOrder] {
                c.merge(customerContext(so.customer))
                c.set("priority", so.priority)
                c.set("lineCount", so.lines.count)
                if let line = so.lines.first {
                    c.merge(itemContext(line.item))
                    c.set("quantity", line.quantity)
                }
            }
            let pegged = peggedOrders(x.salesOrder, line: nil)
            c.set("productionOrders", pegged.map(\.id.rawValue))
            c.set("startedOrders", pegged.filter { $0.status == .inProgress }.count)

        case .absenceReported(let a):
            let cover = Analysis.cover(for: a.user, from: a.from, until: a.until, state: state)
            c.set("hours", a.until.timeIntervalSince(a.from) / 3600)
            c.set("skills", cover.keys.map(\.rawValue).sorted())
            c.set("uncoveredSkills", cover.filter { $0.value.isEmpty }.keys.map(\.rawValue).sorted())
            c.set("clockedInAt", state.clockedIn[a.user]?.workCenter.rawValue)

        default:
            break
        }
        return c
    }

    private func itemContext(_ id: Item.ID) -> ContextBuilder {
        var c = ContextBuilder()
        c.set("item", id.rawValue)
        if let item = state.items[id] {
            c.set("itemKind", item.kind.rawValue)
            c.set("itemName", item.name)
            c.set("unit", item.unit.rawValue)
        }
        return c
    }

    private func customerContext(_ id: Customer.ID) -> ContextBuilder {
        var c = ContextBuilder()
        c.set("customer", id.rawValue)
        if let customer = state.customers[id] {
            c.set("customerName", customer.name)
            c.set("customerPriority", customer.priority)
        }
        return c
    }

    private func workCenterContext(_ id: WorkCenter.ID) -> ContextBuilder {
        var c = ContextBuilder()
        c.set("workCenter", id.rawValue)
        if let wc = state.workCenters[id] {
            c.set("workCenterName", wc.name)
            c.set("workCenterKind", wc.kind.rawValue)
        }
        return c
    }

    private func orderContext(_ id: ProductionOrder.ID) -> ContextBuilder {
        var c = ContextBuilder()
        c.set("productionOrder", id.rawValue)
        guard let order = state.productionOrders[id] else { return c }
        c.merge(itemContext(order.item))
        c.set("quantity", order.quantity)
        c.set("priority", order.priority)
        c.set("dueDate", order.dueDate)
        c.set("orderStatus", order.status.rawValue)
        if let peg = order.pegging {
            c.set("salesOrder", peg.salesOrder.rawValue)
            c.set("line", peg.line)
            if let so = state.salesOrders[peg.salesOrder] { c.merge(customerContext(so.customer)) }
            c.set("customerDate", customerDate(order))
        }
        if let completion = scheduledCompletion(id) {
            c.set("scheduledCompletion", completion)
            c.set("slackMinutes", minutes((customerDate(order) ?? order.dueDate).timeIntervalSince(completion)))
        }
        return c
    }

    private func operationContext(_ id: ProductionOrder.ID, _ sequence: Int) -> ContextBuilder {
        var c = orderContext(id)
        c.set("sequence", sequence)
        if let p = progress(id, sequence) {
            c.set("operationName", p.name)
            c.set("operationStatus", p.status.rawValue)
        }
        if let wc = workCenter(of: id, sequence) { c.merge(workCenterContext(wc)) }
        if let step = scheduledStep(id, sequence) {
            c.set("scheduledStart", step.start)
            c.set("scheduledEnd", step.end)
        }
        return c
    }

    private func affectedContext(_ affected: [AffectedOperation]) -> ContextBuilder {
        var c = ContextBuilder()
        c.set("affectedOperations", affected.count)
        var orders: [String] = []
        for a in affected where !orders.contains(a.productionOrder.rawValue) { orders.append(a.productionOrder.rawValue) }
        c.set("productionOrders", orders)
        c.set("earliestNeed", affected.map { $0.start ?? $0.dueDate }.min())
        c.set("priority", affected.compactMap { state.productionOrders[$0.productionOrder]?.priority }.min())
        return c
    }

    // MARK: Disruption

    /// What an exception of `kind` about this event is about (its subject), read from the event alone: a newer event on
    /// the same subject updates the open exception, and events of one command on one subject are assessed once.
    func subject(_ kind: DisruptionKind) -> String? {
        switch event {
        case .machineStateChanged(let m): "\(kind.rawValue):\(m.workCenter)"
        case .operationDelayReported(let r): "\(kind.rawValue):\(r.productionOrder)/\(r.sequence)"
        case .quantityReported(let q): "\(kind.rawValue):\(q.productionOrder)/\(q.operation)"
        case .materialMissing(let m): m.lots.first.map { "\(kind.rawValue):\($0)" }
        case .shortageProjected: kind.rawValue  // every projected shortage is one exception
        case .holdPlaced(let h): "\(kind.rawValue):\(h.id)"
        case .receiptExpected(let e): "\(kind.rawValue):\(e.reference)/\(e.item)"
        case .salesOrderCreated(let so): "\(kind.rawValue):\(so.id)"
        case .salesOrderLinePromised(let p): "promise:\(p.salesOrder)/\(p.line)"
        case .salesOrderCancelled(let x): "\(kind.rawValue):\(x.salesOrder)"
        case .absenceReported(let a): "\(kind.rawValue):\(a.user)"
        case .documentVerified(let v): "document:\(v.document)"
        default: nil
        }
    }

    func disruption(for playbook: Playbook) -> Found? {
        let kind = playbook.exceptionKind
        let assumed = playbook.assumedDuration
        func after(_ date: Date) -> Date? { assumed.map { date.addingTimeInterval($0) } }
        switch event {
        case .machineStateChanged(let m):
            let wc = m.workCenter.rawValue
            // The repair time reported with the state, else the playbook's assumption.
            var d = Disruption(kind: kind, workCenter: m.workCenter, from: m.at, until: m.expectedUntil ?? after(m.at))
            var title: String
            if kind == .machineSlow {
                guard let factor = rateFactor(m), factor > 0, factor < 1 else { return nil }
                d.rateFactor = factor
                title = "\(wc) runs at \(Int(saturating: (factor * 100).rounded()))% of its ideal rate"
                if let actual = m.actualRate, let ideal = m.idealRate { title += " (\(number(actual))/h instead of \(number(ideal))/h)" }
            } else if m.state == .down {
                title = "\(wc) is down"
            } else {
                title = "\(wc) is \(m.state.rawValue)"
            }
            if let reason = m.reason { title += ": \(reason)" }
            if let until = m.expectedUntil { title += ", expected back \(date(until))" }
            return Found(disruption: d, subject: subject(kind) ?? "", title: title)

        case .operationDelayReported(let r):
            let wc = workCenter(of: r.productionOrder, r.sequence)
            let d = Disruption(
                kind: kind,
                workCenter: wc,
                from: r.at,
                productionOrder: r.productionOrder,
                sequence: r.sequence,
                extraMinutes: r.extraMinutes,
                item: state.productionOrders[r.productionOrder]?.item
            )
            var title = "\(r.productionOrder) op \(r.sequence)"
            if let name = progress(r.productionOrder, r.sequence)?.name { title += " \(name)" }
            title += " runs \(duration(minutes: r.extraMinutes)) late"
            if let wc { title += " on \(wc)" }
            title += ": \(r.reason)"
            return Found(disruption: d, subject: subject(kind) ?? "", title: title)

        case .quantityReported(let q):
            guard q.scrap > 0 || kind != .scrapBeyondPlan else { return nil }
            let item = state.productionOrders[q.productionOrder]?.item
            let remake = remakeMinutes(q)
            let d = Disruption(
                kind: kind,
                workCenter: q.workCenter,
                from: q.at,
                productionOrder: q.productionOrder,
                sequence: q.operation,
                extraMinutes: remake,
                item: item,
                quantity: q.scrap
            )
            var title = "\(q.productionOrder) op \(q.operation) scrapped \(number(q.scrap))"
            if let item { title += " × \(item)" }
            title += " on \(q.workCenter)"
            if let reason = q.scrapReason { title += " (\(reason))" }
            if let remake { title += ": about \(duration(minutes: remake)) to remake" }
            return Found(disruption: d, subject: subject(kind) ?? "", title: title)

        case .materialMissing(let m):
            guard let firstID = m.lots.first else { return nil }
            let lots = m.lots.compactMap { state.lots[$0] }
            let item = lots.first?.item
            let quantity = lots.filter { $0.item == item }.reduce(0) { $0 + $1.quantity }
            let d = Disruption(
                kind: kind,
                from: m.at,
                until: after(m.at),
                item: item,
                lots: m.lots,
                quantity: item == nil ? nil : quantity,
                operations: m.affected.map { OperationRef(productionOrder: $0.productionOrder, operation: $0.operation) }
            )
            var what = m.lots.prefix(3).map(\.rawValue).joined(separator: ", ")
            if m.lots.count > 3 { what += " and \(m.lots.count - 3) more" }
            if m.lots.count == 1, let lot = lots.first { what += " (\(number(lot.quantity)) × \(lot.item))" }
            let carrier = m.handlingUnit.map { "Pallet \($0) with " } ?? (m.lots.count == 1 ? "Lot " : "Lots ")
            let verb = m.lots.count == 1 || m.handlingUnit != nil ? "is" : "are"
            return Found(disruption: d, subject: subject(kind) ?? "", title: "\(carrier)\(what) \(verb) missing at \(m.location)")

        case .shortageProjected(let s):
            // One cause, one exception: every shortage the plant projects now that the playbook accepts, one part per item
            // (a schedule publish records one event per item; each of them re-assesses the same exception in place).
            var shortages = state.shortages.values.filter { shortage in
                guard shortage.item != s.shortage.item else { return false }
                let event = Event.shortageProjected(ShortageProjected(shortage: shortage, at: s.at))
                let reading = EventReading(event: event, state: state, recordedAt: recordedAt)
                return PlaybookConditions.holds(playbook.conditions, in: PlaybookConditions.document(for: event, context: reading.context().fields))
            }
            shortages.append(s.shortage)
            shortages.sort { ($0.from, $0.item) < ($1.from, $1.item) }
            var parts: [Disruption] = []
            var words: [String] = []
            for shortage in shortages {
                let next = nextReceipt(shortage.item, from: shortage.from)
                parts.append(
                    Disruption(
                        kind: kind,
                        from: shortage.from,
                        until: next?.expectedDate ?? after(shortage.from),
                        item: shortage.item,
                        quantity: shortage.shortBy,
                        operations: shortage.affected.map { OperationRef(productionOrder: $0.productionOrder, operation: $0.operation) }
                    )
                )
                words.append(
                    "\(shortage.item) short by \(number(shortage.shortBy))\(unit(shortage.item)) from \(date(shortage.from))"
                        + (next.map { " (next receipt \(date($0.expectedDate)))" } ?? " (no receipt expected)")
                )
            }
            guard let first = parts.first else { return nil }
            var d = first
            if parts.count > 1 {
                d = Disruption(kind: kind, from: parts.map(\.from).min() ?? first.from, until: parts.compactMap(\.until).max())
                d.parts = parts
            }
            let title =
                parts.count == 1
                ? words[0].replacingOccurrences(of: " short by ", with: " runs short by ")
                : "\(parts.count) items projected short: " + words.prefix(3).joined(separator: "; ") + (parts.count > 3 ? "; …" : "")
            return Found(disruption: d, subject: subject(kind) ?? "", title: title)

        case .holdPlaced(let h):
            let item = heldItem(h)
            let orders = Set(h.orders + [h.productionOrder].compactMap { $0 }).sorted()
            var d = Disruption(
                kind: kind,
                workCenter: h.workCenter,
                from: h.placedAt,
                until: after(h.placedAt),
                productionOrder: h.productionOrder,
                item: item,
                lots: h.lots.map(\.lot),
                quantity: heldQuantity(h),
                orders: orders.isEmpty ? nil : orders
            )
            if h.kind == .lot, d.lots.isEmpty, let lot = h.lot { d.lots = [lot] }
            let target: String =
                switch h.kind {
                case .supplierLot: "Supplier lot \(h.supplierLot ?? "?") from \(h.supplier ?? "?")"
                case .lot: "Lot \(h.lot?.rawValue ?? "?")"
                case .productionOrder: "Order \(h.productionOrder?.rawValue ?? "?")"
                case .workCenter: "Work center \(h.workCenter?.rawValue ?? "?")"
                }
            var title = "\(target) is on hold"
            if h.lots.count > 0 {
                title += ": \(h.lots.count) lot\(h.lots.count == 1 ? "" : "s")"
                if let item { title += " of \(item)" }
            }
            title += " (\(h.reason))"
            return Found(disruption: d, subject: subject(kind) ?? "", title: title)

        case .receiptExpected(let e):
            guard let previous = previousReceipt(e) else { return nil }
            if kind == .supplierReceiptLate, e.expectedDate <= previous.expectedDate { return nil }
            let d = Disruption(
                kind: kind,
                from: previous.expectedDate,
                until: e.expectedDate,
                item: e.item,
                quantity: e.openQuantity,
                date: e.expectedDate
            )
            let late = minutes(e.expectedDate.timeIntervalSince(previous.expectedDate))
            let title =
                "Delivery \(e.reference) of \(number(e.quantity))\(unit(e.item)) \(e.item) from \(e.supplier) moves from "
                + "\(date(previous.expectedDate)) to \(date(e.expectedDate)) (\(duration(minutes: late)) later)"
            return Found(disruption: d, subject: subject(kind) ?? "", title: title)

        case .salesOrderCreated(let so):
            guard let line = so.lines.first else { return nil }
            let customer = state.customers[so.customer]?.name ?? so.customer.rawValue
            let due = line.dueDate
            let d = Disruption(kind: kind, from: recordedAt, item: line.item, quantity: line.quantity, salesOrder: so.id, line: line.line, date: due)
            var title =
                "\(kind == .rushOrder ? "Rush order" : "Sales order") \(so.id) from \(customer): \(number(line.quantity)) × \(line.item) by \(date(due))"
            if so.lines.count > 1 { title += " (+\(so.lines.count - 1) more line\(so.lines.count == 2 ? "" : "s"))" }
            return Found(disruption: d, subject: subject(kind) ?? "", title: title)

        case .salesOrderLinePromised(let p):
            let line = state.salesOrders[p.salesOrder]?.lines.first { $0.line == p.line }
            let latest = latestPegged(peggedOrders(p.salesOrder, line: p.line))
            if kind == .promiseNotFeasible, latest == nil { return nil }
            let gap = latest.map { minutes($0.needed.timeIntervalSince(p.promisedDate)) }
            let d = Disruption(
                kind: kind,
                from: recordedAt,
                productionOrder: latest?.order.id,
                extraMinutes: gap.map { max(0, $0) },
                item: line?.item,
                quantity: line?.quantity,
                salesOrder: p.salesOrder,
                line: p.line,
                date: p.promisedDate
            )
            var title = "\(p.salesOrder) line \(p.line) is promised for \(date(p.promisedDate))"
            if let latest {
                title += ", but \(latest.order.id) " + (scheduledCompletion(latest.order.id) == latest.needed ? "is scheduled to finish" : "is due")
                title += " \(date(latest.needed))"
            }
            return Found(disruption: d, subject: subject(kind) ?? "", title: title)

        case .salesOrderCancelled(let x):
            let so = state.salesOrders[x.salesOrder]
            let line = so?.lines.first
            let orders = peggedOrders(x.salesOrder, line: nil)
            let d = Disruption(kind: kind, from: recordedAt, item: line?.item, quantity: line?.quantity, salesOrder: x.salesOrder, line: line?.line)
            var title = "\(x.salesOrder)"
            if let so { title += " from \(state.customers[so.customer]?.name ?? so.customer.rawValue)" }
            title += " was cancelled (\(x.reason))"
            if !orders.isEmpty { title += "; \(orders.count) production order\(orders.count == 1 ? "" : "s") no longer needed" }
            return Found(disruption: d, subject: subject(kind) ?? "", title: title)

        case .absenceReported(let a):
            guard kind == .operatorAbsent else { return nil }
            let d = Disruption(kind: kind, workCenter: state.clockedIn[a.user]?.workCenter, from: a.from, until: a.until, person: a.user)
            let name = state.users[a.user].map { "\($0.name) (\(a.user))" } ?? a.user.rawValue
            return Found(disruption: d, subject: subject(kind) ?? "", title: "\(name) is away until \(date(a.until)): \(a.reason)")

        case .documentVerified(let v):
            return documentDisruption(v, kind: kind, until: after(recordedAt))

        default:
            return nil
        }
    }

    // MARK: Reading the plant

    func rateFactor(_ m: MachineStateChange) -> Double? {
        guard let actual = m.actualRate, let ideal = m.idealRate, ideal > 0 else { return nil }
        return actual / ideal
    }

    /// The machine state before this change (the history in `state` already ends with it).
    func previousMachineState(_ m: MachineStateChange) -> MachineState? {
        guard let history = state.machineStates[m.workCenter], let last = history.last else { return nil }
        return last == m ? history.dropLast().last?.state : last.state
    }

    func progress(_ id: ProductionOrder.ID, _ sequence: Int) -> OperationProgress? {
        state.operations[id]?.first { $0.sequence == sequence }
    }

    func scheduledStep(_ id: ProductionOrder.ID, _ sequence: Int) -> ScheduledStep? {
        state.publishedSchedule?.steps.first { $0.productionOrder == id && $0.sequence == sequence }
    }

    func scheduledCompletion(_ id: ProductionOrder.ID) -> Date? {
        state.publishedSchedule?.steps.filter { $0.productionOrder == id }.map(\.end).max()
    }

    /// Where an operation runs: where it was started, else its rework work center, else where the published
    /// schedule puts it, else the routing's first eligible work center.
    func workCenter(of id: ProductionOrder.ID, _ sequence: Int) -> WorkCenter.ID? {
        if let p = progress(id, sequence), let wc = p.workCenter ?? p.reworkWorkCenter { return wc }
        if let step = scheduledStep(id, sequence) { return step.workCenter }
        guard let order = state.productionOrders[id], let routing = state.routings[order.routing] else { return nil }
        return routing.operations.first { $0.sequence == sequence }?.workCenters.first?.workCenter
    }

    /// Run minutes to make the scrapped quantity again on the same work center.
    func remakeMinutes(_ q: ProductionReport) -> Int? {
        guard q.scrap > 0 else { return nil }
        var perUnit = q.idealMinutesPerUnit
        if let order = state.productionOrders[q.productionOrder], let routing = state.routings[order.routing],
            let eligible = routing.operations.first(where: { $0.sequence == q.operation })?.workCenters.first(where: { $0.workCenter == q.workCenter }
            )
        {
            perUnit = eligible.runMinutesPerUnit
        }
        guard perUnit > 0 else { return nil }
        return Int(saturating: (q.scrap * perUnit).rounded(.up))
    }

    /// The customer's date for the line an order serves: promised, else requested.
    func customerDate(_ order: ProductionOrder) -> Date? {
        guard let peg = order.pegging, let line = state.salesOrders[peg.salesOrder]?.lines.first(where: { $0.line == peg.line }) else { return nil }
        return line.dueDate
    }

    /// Open (not completed or cancelled) production orders pegged to a sales order (and line).
    func peggedOrders(_ so: SalesOrder.ID, line: Int?) -> [ProductionOrder] {
        state.productionOrders.values
            .filter { o in o.pegging?.salesOrder == so && (line == nil || o.pegging?.line == line) && !o.status.isTerminal }
            .sorted { $0.id < $1.id }
    }

    /// The pegged order finishing last, by the later of its due date and its scheduled completion.
    func latestPegged(_ orders: [ProductionOrder]) -> (order: ProductionOrder, needed: Date)? {
        var best: (order: ProductionOrder, needed: Date)?
        for order in orders {
            let needed = max(order.dueDate, scheduledCompletion(order.id) ?? order.dueDate)
            if needed > best?.needed ?? .distantPast { best = (order, needed) }
        }
        return best
    }

    /// The first open expected receipt of an item on or after a date (else the latest before it).
    func nextReceipt(_ item: Item.ID, from: Date) -> ExpectedReceipt? {
        let open = state.expectedReceipts.values.filter { $0.item == item && $0.status == .open && $0.openQuantity > 0 }
            .sorted { ($0.expectedDate, $0.id) < ($1.expectedDate, $1.id) }
        // A receipt due before `from` is already counted in what made the shortage: only a later one ends it.
        return open.first { $0.expectedDate >= from }
    }

    /// The delivery this announcement replaces: another expected receipt of the same item, supplier and reference
    /// (the last announced, by ID). A receipt's date cannot be changed in place, so a later date is announced as a
    /// new expected receipt (usually after cancelling the old one).
    func previousReceipt(_ e: ExpectedReceipt) -> ExpectedReceipt? {
        state.expectedReceipts.values
            .filter {
                $0.id != e.id && $0.item == e.item && $0.reference.lowercased() == e.reference.lowercased()
                    && $0.supplier.lowercased() == e.supplier.lowercased()
            }
            .max { $0.id < $1.id }
    }

    func heldItem(_ h: Hold) -> Item.ID? {
        h.lots.first?.item ?? h.lot.flatMap { state.lots[$0]?.item } ?? h.productionOrder.flatMap { state.productionOrders[$0]?.item }
    }

    func heldQuantity(_ h: Hold) -> Double? {
        let lots = h.lots.compactMap { state.lots[$0.lot] }
        return lots.isEmpty ? nil : lots.reduce(0) { $0 + $1.quantity }
    }

    // MARK: Words

    func minutes(_ seconds: TimeInterval) -> Int { Int(saturating: (seconds / 60).rounded()) }

    func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.2f", value)
    }

    func unit(_ item: Item.ID) -> String {
        guard let unit = state.items[item]?.unit, unit != .each, unit != .piece else { return "" }
        return " \(unit.rawValue)"
    }

    func duration(minutes: Int) -> String {
        if minutes < 120 { return "\(minutes) min" }
        if minutes < 48 * 60 { return minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes / 60) h \(minutes % 60) min" }
        let days = Double(minutes) / 1440
        return days == days.rounded() ? "\(Int(days)) days" : String(format: "%.1f days", days)
    }

    /// A date in the plant's time zone (its first site's), e.g. `2026-12-01 14:00`.
    func date(_ date: Date) -> String {
        Analysis.stamp(date, state)
    }
}
