import Foundation
import TaktCore
import TaktPlanning
import TaktScheduling

/// Impact across functions: the plan with the disruption (and no action) against the plan without it.
enum Impacts {
    /// The impact with every moved operation (the caller caps the list once the cause chain is written).
    static func impact(_ ctx: Context) -> Impact {
        let state = ctx.state
        let sc = ctx.disrupted
        let options = ctx.sim.options
        var moves: [OperationMove] = []
        var movedKeys: [OpKey: (before: (start: Int, end: Int, wc: WorkCenter.ID), after: ScheduledOperation)] = [:]
        for s in ctx.doNothing.schedule.operations {
            let key = sc.key(s.operation.rawValue)
            guard let before = ctx.baselineStart(key) else { continue }
            let wc = sc.planning.workCenters[s.resource.rawValue]
            guard s.start != before.start || wc != before.wc else { continue }
            movedKeys[key] = (before, s)
            moves.append(
                OperationMove(
                    productionOrder: key.order,
                    sequence: key.sequence,
                    name: sc.planning.operations[s.operation.rawValue].name,
                    workCenter: wc,
                    fromWorkCenter: before.wc,
                    plannedStart: sc.date(before.start),
                    newStart: sc.date(s.start),
                    plannedEnd: sc.date(before.end),
                    newEnd: sc.date(s.end),
                    shiftMinutes: s.start - before.start
                )
            )
        }
        moves.sort { (abs($0.shiftMinutes), $1.productionOrder, $1.sequence) > (abs($1.shiftMinutes), $0.productionOrder, $0.sequence) }

        // Orders that finish later than planned.
        var baselineCompletion: [ProductionOrder.ID: Int] = [:]
        for (j, id) in ctx.baselineScenario.planning.orders.enumerated() { baselineCompletion[id] = ctx.baseline.completion[j] }
        var orders: [OrderLateness] = []
        for (j, id) in sc.planning.orders.enumerated() {
            guard let c = ctx.doNothing.completion[j], let po = state.productionOrders[id] ?? ctx.newOrder.flatMap({ $0.id == id ? $0 : nil }) else {
                continue
            }
            let before = baselineCompletion[id]
            if let before, c <= before { continue }
            var due = po.dueDate
            var customer: Customer.ID?
            if let peg = po.pegging, let so = state.salesOrders[peg.salesOrder], so.status == .open,
                let line = so.lines.first(where: { $0.line == peg.line })
            {
                due = line.dueDate
                customer = so.customer
            }
            let done = sc.date(c)
            orders.append(
                OrderLateness(
                    productionOrder: id,
                    salesOrder: po.pegging?.salesOrder,
                    line: po.pegging?.line,
                    customer: customer,
                    priority: po.priority,
                    dueDate: due,
                    plannedCompletion: before.map(sc.date) ?? due,
                    predictedCompletion: done,
                    lateMinutes: max(0, Int((done.timeIntervalSince(due) / 60).rounded(.up))),
                    changeMinutes: before.map { c - $0 } ?? 0
                )
            )
        }
        // Finished goods that can ship only later (a hold keeps them back): the completed order that made them.
        for (id, ready) in sc.finished.sorted(by: { $0.key < $1.key }) {
            guard let before = ctx.baselineScenario.finished[id], ready > before, let po = state.productionOrders[id],
                let peg = po.pegging, let so = state.salesOrders[peg.salesOrder], let line = so.lines.first(where: { $0.line == peg.line })
            else { continue }
            let due = line.dueDate
            orders.append(
                OrderLateness(
                    productionOrder: id,
                    salesOrder: so.id,
                    line: line.line,
                    customer: so.customer,
                    priority: po.priority,
                    dueDate: due,
                    plannedCompletion: before,
                    predictedCompletion: ready,
                    lateMinutes: max(0, Int((ready.timeIntervalSince(due) / 60).rounded(.up))),
                    changeMinutes: Int((ready.timeIntervalSince(before) / 60).rounded(.up))
                )
            )
        }
        orders.sort { ($1.lateMinutes, $1.changeMinutes, $0.productionOrder) < ($0.lateMinutes, $0.changeMinutes, $1.productionOrder) }

        // Staging tasks not yet at line side whose operation moves.
        var staging: [StagingMove] = []
        for task in state.stagingTasks.values.sorted(by: { $0.id < $1.id }) where task.status == .open || task.status == .picked {
            guard let m = movedKeys[OpKey(order: task.productionOrder, sequence: task.operation)] else { continue }
            func neededBy(_ start: Int, _ wc: WorkCenter.ID) -> Date {
                sc.date(start).addingTimeInterval(-(state.lineSide(of: wc)?.stagingLeadMinutes ?? 0) * 60)
            }
            staging.append(
                StagingMove(
                    task: task.id,
                    lot: task.lot,
                    productionOrder: task.productionOrder,
                    sequence: task.operation,
                    neededByBefore: neededBy(m.before.start, m.before.wc),
                    neededByAfter: neededBy(m.after.start, sc.planning.workCenters[m.after.resource.rawValue])
                )
            )
        }

        let labour = labourShortfalls(ctx)

        // Checks that become due.
        var checks: [CheckDue] = []
        for (key, m) in movedKeys.sorted(by: { $0.key < $1.key }) {
            guard let po = state.productionOrders[key.order],
                let op = state.routings[po.routing]?.operations.first(where: { $0.sequence == key.sequence }),
                op.inspectionRequired
            else { continue }
            checks.append(
                CheckDue(
                    kind: "inspection",
                    text:
                        "Inspection of \(key.order) operation \(key.sequence) (\(op.name)) is now due at \(Analysis.stamp(sc.date(m.after.end), ctx.state))",
                    productionOrder: key.order,
                    due: sc.date(m.after.end)
                )
            )
        }
        for lot in ctx.disruption.lots where state.lots[lot]?.status == .onHold || !state.activeHolds(onLot: lot).isEmpty {
            let due = ctx.sim.now.addingTimeInterval(Double(options.reinspectionMinutes) * 60)
            checks.append(
                CheckDue(
                    kind: "inspection",
                    text: "Re-inspect held lot \(lot) before it is used (\(Analysis.duration(options.reinspectionMinutes)) assumed)",
                    lot: lot,
                    due: due
                )
            )
        }

        // Everything touched.
        var affectedOrders = Set(orders.map(\.productionOrder))
        for key in movedKeys.keys { affectedOrders.insert(key.order) }
        var workCenters = Set(moves.flatMap { [$0.workCenter, $0.fromWorkCenter] })
        if let wc = ctx.disruption.workCenter { workCenters.insert(wc) }
        var people = Set(state.clockedIn.values.filter { workCenters.contains($0.workCenter) }.map(\.user))
        if let p = ctx.disruption.person { people.insert(p) }
        let affected = AffectedRefs(
            productionOrders: affectedOrders.sorted(),
            salesOrders: Set(orders.compactMap(\.salesOrder)).sorted(),
            lots: Array(Set(ctx.disruption.lots + staging.map(\.lot))).sorted(),
            workCenters: workCenters.sorted(),
            people: people.sorted()
        )
        var impact = Impact(
            baseline: ctx.baseline.kpis,
            predicted: ctx.doNothing.kpis,
            operations: moves,
            orders: orders,
            stagingTasks: staging,
            labour: labour,
            checksDue: checks,
            affected: affected
        )
        let shipped = shippedNotices(ctx)
        impact.shipped = shipped.isEmpty ? nil : shipped
        if !shipped.isEmpty {
            impact.affected.salesOrders = Array(Set(impact.affected.salesOrders + shipped.compactMap(\.salesOrder))).sorted()
            impact.affected.lots = Array(Set(impact.affected.lots + shipped.map(\.lot))).sorted()
        }
        let assumptions = self.assumptions(ctx)
        impact.assumptions = assumptions.isEmpty ? nil : assumptions
        return impact
    }

    /// The lots the exception's hold reached that already left the plant (each a customer to tell, a recall candidate).
    static func shippedNotices(_ ctx: Context) -> [ShippedLotNotice] {
        guard ctx.disruption.kind == .qualityHold, let subject = ctx.subject, subject.hasPrefix("quality-hold:") else { return [] }
        let id = Hold.ID(String(subject.dropFirst("quality-hold:".count)))
        return ctx.state.holds[id]?.shipped ?? []
    }

    /// What the simulation assumed: the exception's own end where nobody reported one, then the plant's other facts it kept.
    static func assumptions(_ ctx: Context) -> [String] {
        var out: [String] = []
        let d = ctx.disruption
        if let until = d.until, d.kind != .operationLate, d.kind != .rushOrder, d.kind != .outcomeRequest {
            out.append("This disruption lasts until \(Analysis.stamp(until, ctx.state))\(ctx.assumedEnd ? " (assumed: no end was reported)" : "")")
        }
        out += ctx.baselineScenario.planning.picture.descriptions(ctx.state).map { "Also in the plan: \($0)" }
        return out
    }

    /// For an absent person: the work in the absence that needs one of their skills, and who else could do it.
    /// Otherwise: work centers that get at least 30 min more work in the next 24 h with nobody certified clocked in there.
    static func labourShortfalls(_ ctx: Context) -> [LabourShortfall] {
        if let person = ctx.disruption.person { return absenceShortfalls(ctx, person) }
        let state = ctx.state
        let sc = ctx.disrupted
        let now = ctx.sim.now
        func certified(_ user: User, _ skill: Skill.ID?) -> Bool {
            guard user.active, user.has(.operator) else { return false }
            guard let skill else { return true }
            return user.certifications.contains { $0.skill == skill && ($0.validUntil.map { $0 > now } ?? true) }
        }
        func work(_ outcome: Outcome, _ scenario: Scenario) -> [WorkCenter.ID: (minutes: Int, skills: Set<Skill.ID>)] {
            var out: [WorkCenter.ID: (minutes: Int, skills: Set<Skill.ID>)] = [:]
            for s in outcome.schedule.operations where s.start < 1440 && s.end > 0 {
                let wc = scenario.planning.workCenters[s.resource.rawValue]
                var entry = out[wc] ?? (0, [])
                entry.minutes += min(s.end, 1440) - max(s.start, 0)
                if let skill = Analysis.requiredSkill(scenario.key(s.operation.rawValue), state: state) { entry.skills.insert(skill) }
                out[wc] = entry
            }
            return out
        }
        let after = work(ctx.doNothing, sc)
        var out: [LabourShortfall] = []
        let before = work(ctx.baseline, ctx.baselineScenario)
        for (wc, load) in after.sorted(by: { $0.key < $1.key }) {
            let rise = load.minutes - (before[wc]?.minutes ?? 0)
            guard rise >= 30 else { continue }
            let here = state.clockedIn.values.filter { $0.workCenter == wc }.compactMap { state.users[$0.user] }
            let covered = load.skills.allSatisfy { skill in here.contains { certified($0, skill) } } && !here.isEmpty
            guard !covered else { continue }
            let skills = load.skills.map(\.rawValue).sorted().joined(separator: ", ")
            out.append(
                LabourShortfall(
                    workCenter: wc,
                    minutes: rise,
                    text:
                        "\(wc) gets \(Analysis.duration(rise)) more work in the next 24 h and nobody\(skills.isEmpty ? "" : " certified for \(skills)") is clocked in there"
                )
            )
        }
        return out
    }

    /// Work in an absence that needs one of the person's skills, per work center and skill, with who can cover it.
    static func absenceShortfalls(_ ctx: Context, _ person: User.ID) -> [LabourShortfall] {
        let state = ctx.state
        var out: [LabourShortfall] = []
        let d = ctx.disruption
        let until = d.until ?? d.from.addingTimeInterval(24 * 3600)
        let (from, back) = (ctx.baselineScenario.minutes(d.from), ctx.baselineScenario.minutesUp(until))
        let cover = Analysis.cover(for: person, from: d.from, until: until, state: state)
        var needed: [String: (wc: WorkCenter.ID, skill: Skill.ID, minutes: Int)] = [:]
        for s in ctx.baseline.schedule.operations where s.start < back && s.end > from {
            let key = ctx.baselineScenario.key(s.operation.rawValue)
            guard let skill = Analysis.requiredSkill(key, state: state), cover[skill] != nil else { continue }
            let wc = ctx.baselineScenario.planning.workCenters[s.resource.rawValue]
            needed["\(wc)|\(skill)", default: (wc, skill, 0)].minutes += min(s.end, back) - max(s.start, from)
        }
        let name = state.users[person]?.name ?? person.rawValue
        for (_, n) in needed.sorted(by: { $0.key < $1.key }) where n.minutes > 0 {
            let others = cover[n.skill] ?? []
            out.append(
                LabourShortfall(
                    workCenter: n.wc,
                    minutes: n.minutes,
                    text: others.isEmpty
                        ? "Nobody else is certified for \(n.skill): \(Analysis.duration(n.minutes)) of work on \(n.wc) waits until \(name) is back"
                        : "\(Analysis.duration(n.minutes)) of \(n.skill) work on \(n.wc) needs someone else while \(name) is away; certified and not away: \(others.map(\.rawValue).prefix(4).joined(separator: ", "))"
                )
            )
        }
        return out
    }

    /// The cause chain (event first, then one effect per kind), the severity and the functions concerned.
    static func chain(
        _ title: String,
        sourceEvent: String?,
        impact: Impact,
        ctx: Context,
        least: ExceptionSeverity
    )
        -> ([CauseLink], ExceptionSeverity, [PlantFunction])
    {
        let d = ctx.disruption
        var links = [
            CauseLink(
                kind: "event",
                text: title,
                refs: ([sourceEvent].compactMap { $0 }
                    + [d.workCenter?.rawValue, d.productionOrder?.rawValue, d.item?.rawValue, d.salesOrder?.rawValue, d.person?.rawValue].compactMap {
                        $0
                    } + d.lots.map(\.rawValue))
            )
        ]
        // The functions it really touches: where it comes from, then each kind of effect found (not the playbook's whole list).
        var functions = Set([origin(d.kind)])
        var byWC: [WorkCenter.ID: [OperationMove]] = [:]
        for m in impact.operations { byWC[m.workCenter, default: []].append(m) }
        for (wc, list) in byWC.sorted(by: { $0.key < $1.key }) {
            let later = list.filter { $0.shiftMinutes > 0 }
            if let worst = later.map(\.shiftMinutes).max() {
                links.append(
                    CauseLink(
                        kind: "effect",
                        text: "\(later.count) operation\(later.count == 1 ? "" : "s") on \(wc) start up to \(Analysis.duration(worst)) later",
                        refs: [wc.rawValue] + later.map(\.productionOrder.rawValue)
                    )
                )
            }
            let earlier = list.filter { $0.shiftMinutes < 0 }
            if let best = earlier.map(\.shiftMinutes).min() {
                links.append(
                    CauseLink(
                        kind: "effect",
                        text: "\(earlier.count) operation\(earlier.count == 1 ? "" : "s") on \(wc) start up to \(Analysis.duration(best)) earlier",
                        refs: [wc.rawValue] + earlier.map(\.productionOrder.rawValue)
                    )
                )
            }
            functions.insert(.production)
        }
        let b = impact.baseline
        let p = impact.predicted
        if p.lateOrders != b.lateOrders || p.totalLatenessMinutes != b.totalLatenessMinutes {
            links.append(
                CauseLink(
                    kind: "effect",
                    text:
                        "Late production orders \(b.lateOrders) → \(p.lateOrders), total lateness \(Analysis.duration(b.totalLatenessMinutes)) → \(Analysis.duration(p.totalLatenessMinutes))",
                    refs: impact.orders.filter { $0.lateMinutes > 0 }.map(\.productionOrder.rawValue)
                )
            )
            functions.insert(.planning)
        }
        var severity = least
        var lineTexts: [(String, [String])] = []
        var seen = Set<LineKey>()
        for o in impact.orders where o.lateMinutes > 0 {
            guard let so = o.salesOrder, let line = o.line, seen.insert(LineKey(salesOrder: so, line: line)).inserted else { continue }
            let wasLate = ctx.baseline.lines[LineKey(salesOrder: so, line: line)].map { $0.late } ?? 0
            guard o.lateMinutes > wasLate else { continue }
            let name = o.customer.flatMap { ctx.state.customers[$0]?.name } ?? o.customer?.rawValue ?? "the customer"
            let verb =
                wasLate > 0
                ? "becomes \(Analysis.duration(o.lateMinutes)) late (was \(Analysis.duration(wasLate)))"
                : "becomes \(Analysis.duration(o.lateMinutes)) late"
            lineTexts.append(("\(so) line \(line) for \(name) \(verb)", [so.rawValue, o.productionOrder.rawValue]))
            severity = max(severity, .high)
            if ctx.state.salesOrders[so]?.priority == 1 { severity = .critical }
            functions.insert(.sales)
        }
        for (text, refs) in lineTexts.prefix(5) { links.append(CauseLink(kind: "effect", text: text, refs: refs)) }
        if lineTexts.count > 5 {
            links.append(
                CauseLink(kind: "effect", text: "\(lineTexts.count - 5) more customer lines become late", refs: lineTexts.dropFirst(5).flatMap(\.1))
            )
        }
        if !impact.stagingTasks.isEmpty {
            let shifts = impact.stagingTasks.compactMap { s in
                s.neededByAfter.flatMap { a in s.neededByBefore.map { Int(a.timeIntervalSince($0) / 60) } }
            }
            let worst = shifts.max(by: { abs($0) < abs($1) }) ?? 0
            links.append(
                CauseLink(
                    kind: "effect",
                    text:
                        "\(impact.stagingTasks.count) staging task\(impact.stagingTasks.count == 1 ? " is" : "s are") needed at another time (up to \(Analysis.duration(worst)) \(worst >= 0 ? "later" : "earlier"))",
                    refs: impact.stagingTasks.map(\.task.rawValue)
                )
            )
            functions.insert(.warehouse)
        }
        for l in impact.labour {
            links.append(CauseLink(kind: "effect", text: l.text, refs: [l.workCenter.rawValue]))
            functions.insert(.labour)
        }
        if let shipped = impact.shipped, !shipped.isEmpty {
            let customers = Set(shipped.compactMap(\.customer)).sorted()
            let names = customers.map { ctx.state.customers[$0]?.name ?? $0.rawValue }
            links.append(
                CauseLink(
                    kind: "effect",
                    text:
                        "\(shipped.count) affected lot\(shipped.count == 1 ? " has" : "s have") already shipped to \(names.isEmpty ? "customers" : names.joined(separator: ", ")): recall candidates, the customer\(customers.count == 1 ? "" : "s") must be told",
                    refs: shipped.map(\.lot.rawValue) + shipped.compactMap { $0.salesOrder?.rawValue }
                )
            )
            severity = max(severity, .high)
            functions.insert(.sales)
            functions.insert(.quality)
        }
        let inspections = impact.checksDue.filter { $0.kind == "inspection" }
        if !inspections.isEmpty {
            links.append(
                CauseLink(
                    kind: "effect",
                    text: "\(inspections.count) inspection\(inspections.count == 1 ? "" : "s") due at a new time",
                    refs: inspections.compactMap { $0.productionOrder?.rawValue ?? $0.lot?.rawValue }
                )
            )
            functions.insert(.quality)
        }
        let documents = impact.checksDue.filter { $0.kind == "document" }
        if !documents.isEmpty {
            links.append(
                CauseLink(
                    kind: "effect",
                    text:
                        "\(documents.count) work instruction acknowledgement\(documents.count == 1 ? "" : "s") to check if work moves to alternative work centers",
                    refs: documents.compactMap { $0.productionOrder?.rawValue }
                )
            )
            functions.insert(.quality)
        }
        return (links, severity, functions.sorted())
    }

    /// The operations an exception lists: the `most` that move most, and those the event itself named (the operations a
    /// missing pallet stops, the late operation) even when others move more.
    static func listed(_ moves: [OperationMove], _ d: Disruption, most: Int) -> [OperationMove] {
        var named = Set((d.components.flatMap { $0.operations ?? [] }).map { "\($0.productionOrder)#\($0.operation)" })
        if let po = d.productionOrder, let seq = d.sequence { named.insert("\(po)#\(seq)") }
        let top = Array(moves.prefix(most))
        let extra = moves.dropFirst(most).filter { named.contains("\($0.productionOrder)#\($0.sequence)") }
        return top + extra
    }

    /// The function a kind of disruption comes from.
    static func origin(_ kind: DisruptionKind) -> PlantFunction {
        switch kind {
        case .machineDown, .machineSlow, .operationLate, .scrapBeyondPlan: .production
        case .materialMissing, .shortageProjected: .warehouse
        case .qualityHold: .quality
        case .operatorAbsent: .labour
        case .supplierReceiptLate: .purchasing
        case .rushOrder, .salesOrderChanged, .promiseNotFeasible: .sales
        case .outcomeRequest: .planning
        }
    }
}
