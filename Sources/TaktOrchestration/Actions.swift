import Foundation
import TaktCore
import TaktPlanning
import TaktScheduling

/// Candidate actions: each generated only where it applies, simulated on the disrupted plan, and carried by the
/// ordinary commands that would do it.
enum Actions {
    /// A kind of action the playbook lists: proposed (simulated), or not, with the reason in words.
    enum Considered {
        case proposed(Candidate)
        case notProposed(String)
    }

    static func consider(_ kind: ActionKind, _ ctx: Context) throws(OrchestrationError) -> Considered {
        if let c = try candidate(kind, ctx) { return .proposed(c) }
        return .notProposed("\(kind.rawValue): \(whyNot(kind, ctx))")
    }

    static func candidate(_ kind: ActionKind, _ ctx: Context) throws(OrchestrationError) -> Candidate? {
        switch kind {
        case .moveToAlternativeWorkCenter: return try moveCandidate(ctx)
        case .resequence: return resequenceCandidate(ctx)
        case .addOvertime: return overtimeCandidate(ctx)
        case .pickAnotherLot: return materialCandidate(ctx, substitute: false)
        case .substituteMaterial: return materialCandidate(ctx, substitute: true)
        case .expeditePurchase: return expediteCandidate(ctx)
        case .repromise: return repromiseCandidate(ctx)
        case .reinspectAndRelease: return reinspectCandidate(ctx)
        case .insertOrder: return try insertCandidate(ctx)
        case .remake: return try remakeCandidate(ctx)
        case .splitLot, .expediteTransfer, .cancelOrder, .takeDown, .placeHold, .takeOrder: return nil
        }
    }

    static func publishStep(
        _ ctx: Context,
        _ sc: Scenario,
        _ schedule: Schedule,
        kind: ActionKind,
        summary: String
    ) -> (ActionStep, PublishedSchedule) {
        let published = ctx.publish(sc, schedule)
        return (ActionStep(kind: kind, summary: summary, commands: [.publishSchedule(published)]), published)
    }

    // MARK: Move to alternative work centers

    /// Operations delayed by the disruption, those on the disrupted work center (or of the late order) first, biggest shift first.
    static func delayedOperations(_ ctx: Context) -> [Int] {
        let sc = ctx.disrupted
        var list: [(Int, Int, Int)] = []  // (priority, -shift, op)
        for s in ctx.doNothing.schedule.operations {
            let key = sc.key(s.operation.rawValue)
            guard sc.problem.operations[s.operation.rawValue].fixed == nil, sc.problem.operations[s.operation.rawValue].modes.count > 1 else {
                continue
            }
            let shift = s.start - (ctx.baselineStart(key)?.start ?? s.start)
            let onTarget = sc.planning.workCenters[s.resource.rawValue] == ctx.disruption.workCenter || key.order == ctx.disruption.productionOrder
            guard shift > 0 || (onTarget && ctx.disruption.kind == .operationLate) else { continue }
            list.append((onTarget ? 0 : 1, -shift, s.operation.rawValue))
        }
        return list.sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }.map(\.2)
    }

    /// Greedy: each operation in turn to the eligible work center (not `avoid`) that lowers `score` most, if any does.
    static func moveToAlternatives(
        _ ctx: Context,
        ops: [Int],
        avoid: WorkCenter.ID?,
        score: (Outcome) -> Double
    )
        throws(OrchestrationError) -> (outcome: Outcome, moved: [Int: ResourceID])?
    {
        let sc = ctx.disrupted
        var plan = ctx.doNothingPlan
        var outcome = ctx.doNothing
        var best = score(outcome)
        var moved: [Int: ResourceID] = [:]
        for i in ops.prefix(ctx.sim.options.maxOperationsToMove) {
            var trialBest: (Plan, Outcome, Double, ResourceID)?
            for m in sc.problem.operations[i].modes where m.resource != plan.assignment[i] && sc.planning.workCenters[m.resource.rawValue] != avoid {
                let trial = ctx.sim.moving([i: m.resource], in: sc, from: plan, schedule: outcome.schedule)
                guard let s = Scheduler.evaluate(sc.problem, assignment: trial.assignment, sequences: trial.sequences, notBefore: trial.floor) else {
                    continue
                }
                let o = ctx.sim.measure(sc, s)
                let c = score(o)
                if c < (trialBest?.2 ?? best) - 1e-9 { trialBest = (trial, o, c, m.resource) }
            }
            if let t = trialBest {
                plan = t.0
                outcome = t.1
                best = t.2
                moved[i] = t.3
            }
        }
        return moved.isEmpty ? nil : (outcome, moved)
    }

    static func documentChecks(_ ctx: Context, _ moved: [Int: ResourceID], _ outcome: Outcome) -> [CheckDue] {
        let sc = ctx.disrupted
        var out: [CheckDue] = []
        for (i, r) in moved.sorted(by: { $0.key < $1.key }) {
            let key = sc.key(i)
            let wc = sc.planning.workCenters[r.rawValue]
            guard let po = ctx.state.productionOrders[key.order] ?? ctx.newOrder,
                let wi = ctx.state.routings[po.routing]?.operations.first(where: { $0.sequence == key.sequence })?.workInstruction
            else { continue }
            let revision = ctx.state.workInstructions[wi]?.revision ?? "?"
            out.append(
                CheckDue(
                    kind: "document",
                    text:
                        "If \(key.order) operation \(key.sequence) moves to \(wc): the operators there must have acknowledged \(wi) rev \(revision)",
                    productionOrder: key.order,
                    due: sc.date(outcome.schedule.operations[i].start)
                )
            )
        }
        return out
    }

    static func moveCandidate(_ ctx: Context) throws(OrchestrationError) -> Candidate? {
        let avoid = ctx.disruption.kind == .machineDown || ctx.disruption.kind == .machineSlow ? ctx.disruption.workCenter : nil
        guard let (outcome, moved) = try moveToAlternatives(ctx, ops: delayedOperations(ctx), avoid: avoid, score: { ctx.cost($0) }) else {
            return nil
        }
        let sc = ctx.disrupted
        let list = moved.sorted { $0.key < $1.key }.map { i, r in "\(sc.key(i).order) \(sc.key(i).sequence) → \(sc.planning.workCenters[r.rawValue])"
        }
        let (step, published) = publishStep(
            ctx,
            sc,
            outcome.schedule,
            kind: .moveToAlternativeWorkCenter,
            summary:
                "Move \(moved.count) operation\(moved.count == 1 ? "" : "s") to alternative work centers (\(list.prefix(6).joined(separator: ", "))\(list.count > 6 ? ", …" : "")) and publish the plan"
        )
        let targets = Set(moved.values.map { sc.planning.workCenters[$0.rawValue].rawValue }).sorted()
        return Candidate(
            kind: .moveToAlternativeWorkCenter,
            title: "Move work to \(targets.joined(separator: ", "))",
            steps: [step],
            outcome: outcome,
            schedule: published,
            checks: documentChecks(ctx, moved, outcome)
        )
    }

    // MARK: Resequence

    static func resequenceCandidate(_ ctx: Context) -> Candidate? {
        let schedule = ctx.sim.resequence(ctx.disrupted, from: ctx.doNothing.schedule)
        guard schedule != ctx.doNothing.schedule else { return nil }
        let outcome = ctx.sim.measure(ctx.disrupted, schedule)
        let (step, published) = publishStep(
            ctx,
            ctx.disrupted,
            schedule,
            kind: .resequence,
            summary: "Resequence the plan (iteration-limited search, weighted tardiness against stability) and publish it"
        )
        return Candidate(kind: .resequence, title: "Resequence the plan", steps: [step], outcome: outcome, schedule: published)
    }

    // MARK: Overtime

    /// The work center to give overtime: the disrupted one, else the one whose operations were delayed most.
    static func bottleneck(_ ctx: Context) -> WorkCenter.ID? {
        if let wc = ctx.disruption.workCenter { return wc }
        var delay: [WorkCenter.ID: Int] = [:]
        for s in ctx.doNothing.schedule.operations {
            let key = ctx.disrupted.key(s.operation.rawValue)
            let shift = s.start - (ctx.baselineStart(key)?.start ?? s.start)
            if shift > 0 { delay[ctx.disrupted.planning.workCenters[s.resource.rawValue], default: 0] += shift }
        }
        return delay.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
    }

    /// Overtime on `wc` right after the first shift end at or after `after`: the shortest of the option's steps that
    /// removes the new lateness, else the cheapest.
    static func overtime(
        _ ctx: Context,
        wc: WorkCenter.ID,
        after: Date,
        releases: [OpKey: Date] = [:],
        reason: String,
        plan planFor: ((Scenario) -> Plan)? = nil,
        score: (Outcome) -> Double
    ) -> (Overtime, Scenario, Outcome)? {
        guard let r = ctx.base.resourceIndex[wc] else { return nil }
        let t = max(0, ctx.base.minutes(after))
        // Overtime goes in the first shift gap after `after` — never while the plant knows the work center is down or held.
        let down = ctx.base.planning.picture.facts.compactMap { f -> TimeWindow? in
            guard f.disruption.workCenter == wc, f.disruption.kind == .machineDown || f.disruption.kind == .qualityHold,
                let until = f.disruption.until
            else { return nil }
            return TimeWindow(start: ctx.base.minutes(f.disruption.from), end: ctx.base.minutesUp(until))
        }
        var free: [TimeWindow] = []
        for b in ctx.base.problem.resources[r].calendar.breaks where b.start >= t && b.end > b.start {
            var pieces = [b]
            for d in down {
                pieces = pieces.flatMap { p -> [TimeWindow] in
                    guard d.end > p.start, d.start < p.end else { return [p] }
                    return [TimeWindow(start: p.start, end: d.start), TimeWindow(start: d.end, end: p.end)].filter { $0.end > $0.start }
                }
            }
            free += pieces
        }
        guard let gap = free.first else { return nil }
        var best: (Overtime, Scenario, Outcome, Double)?
        for step in ctx.sim.options.overtimeSteps where step > 0 {
            let end = min(gap.end, gap.start + step)
            guard end > gap.start else { continue }
            let o = Overtime(workCenter: wc, start: ctx.base.date(gap.start), end: ctx.base.date(end), reason: reason)
            let sc = ctx.variant(overtime: [o], releases: releases)
            guard let s = try? ctx.sim.decode(sc, planFor?(sc) ?? ctx.sim.referencePlan(sc)) else { continue }
            let outcome = ctx.sim.measure(sc, s)
            let c = score(outcome)
            if best == nil || c < (best?.3 ?? 0) - 1e-9 { best = (o, sc, outcome, c) }
            if outcome.kpis.totalLatenessMinutes <= ctx.baseline.kpis.totalLatenessMinutes { break }
        }
        return best.map { ($0.0, $0.1, $0.2) }
    }

    static func overtimeCandidate(_ ctx: Context) -> Candidate? {
        guard let wc = bottleneck(ctx) else { return nil }
        let d = ctx.disruption
        let after = d.kind == .machineDown ? (d.until ?? d.from) : max(d.from, ctx.sim.now)
        guard let (o, sc, outcome) = overtime(ctx, wc: wc, after: after, reason: "Recover the plan: \(d.kind.rawValue)", score: { ctx.cost($0) }),
            outcome.kpis.overtimeMinutes > ctx.doNothing.kpis.overtimeMinutes
        else { return nil }
        let length = Int(o.end.timeIntervalSince(o.start) / 60)
        let (publish, published) = publishStep(ctx, sc, outcome.schedule, kind: .addOvertime, summary: "Publish the plan that uses the overtime")
        let used = outcome.kpis.overtimeMinutes - ctx.doNothing.kpis.overtimeMinutes
        let step = ActionStep(
            kind: .addOvertime,
            summary:
                "Schedule \(Analysis.duration(length)) overtime on \(wc) from \(Analysis.stamp(o.start, ctx.state)) (the plan works \(Analysis.duration(used)) of it)",
            commands: [.scheduleOvertime(o)] + publish.commands
        )
        return Candidate(
            kind: .addOvertime,
            title: Self.overtimeTitle(scheduled: length, used: used, on: wc),
            steps: [step],
            outcome: outcome,
            schedule: published,
            overtimeOn: wc,
            overtimeScheduled: length
        )
    }

    /// "Schedule 4 h overtime on WC-MILL-1 (2 h 30 min worked)": what is scheduled, and what the plan works of it.
    static func overtimeTitle(scheduled: Int, used: Int, on wc: WorkCenter.ID) -> String {
        "Schedule \(Analysis.duration(scheduled)) overtime on \(wc)" + (used == scheduled ? "" : " (\(Analysis.duration(used)) worked)")
    }

    // MARK: Material

    /// The orders a material disruption stops, with the component and what they still need.
    static func materialNeeds(_ ctx: Context) -> [(key: OpKey, order: ProductionOrder, component: BOMComponent, need: Double)] {
        ctx.disruption.components.flatMap { materialNeeds(ctx, $0) }
    }

    /// The orders one material disruption (or one part of a compound one) stops.
    static func materialNeeds(_ ctx: Context, _ d: Disruption) -> [(key: OpKey, order: ProductionOrder, component: BOMComponent, need: Double)] {
        guard [.materialMissing, .qualityHold, .shortageProjected, .supplierReceiptLate].contains(d.kind) else { return [] }
        let bad = Analysis.badLots(d, state: ctx.state)
        let item = d.item ?? d.lots.first.flatMap { ctx.state.lots[$0]?.item }
        var out: [(OpKey, ProductionOrder, BOMComponent, Double)] = []
        for key in Analysis.materialAffected(d, state: ctx.state) {
            guard let order = ctx.state.productionOrders[key.order], let item,
                let c = Analysis.component(for: item, of: order, state: ctx.state)
            else { continue }
            let need = ctx.state.openNeed(order, c, excluding: bad)
            if need > 1e-9 { out.append((key, order, c, need)) }
        }
        return out
    }

    /// When material staged now is at the line: now plus the line-side location's staging lead.
    static func stagedBy(_ ctx: Context, _ key: OpKey) -> Date {
        let wc = ctx.disrupted.index[key].map { ctx.disrupted.planning.workCenters[ctx.doNothing.schedule.operations[$0].resource.rawValue] }
        let lead = wc.flatMap { ctx.state.lineSide(of: $0)?.stagingLeadMinutes } ?? 0
        return ctx.sim.now.addingTimeInterval(lead * 60)
    }

    static func materialCandidate(_ ctx: Context, substitute: Bool) -> Candidate? {
        let state = ctx.state
        let bad = Analysis.badLots(ctx.disruption, state: state)
        var taken: [Lot.ID: Double] = [:]
        var commands: [Command] = []
        var releases: [OpKey: Date] = [:]
        var picked: [String] = []
        for (key, order, c, need) in materialNeeds(ctx) where order.status == .released || order.status == .inProgress {
            let items = substitute ? c.substitutes : [c.item]
            guard !items.isEmpty else { continue }
            let lots = state.lots.values.filter { items.contains($0.item) && !bad.contains($0.id) && state.isUsable(lot: $0.id) }
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            var open = need
            var plan: [(Lot.ID, Double)] = []
            for lot in lots where open > 1e-9 {
                let free = state.availableToReserve(lot: lot.id) - taken[lot.id, default: 0]
                guard free > 1e-9 else { continue }
                let q = min(free, open)
                plan.append((lot.id, q))
                open -= q
            }
            guard open <= 1e-9 else { continue }
            for rid in (state.reservationsByOrder[order.id] ?? []).sorted() {
                guard let r = state.reservations[rid], bad.contains(r.lot), r.component == c.item else { continue }
                commands.append(.unreserveLot(UnreserveLot(reservation: rid, reason: "Lot \(r.lot) cannot be used: \(ctx.disruption.kind.rawValue)")))
            }
            for (lot, q) in plan {
                taken[lot, default: 0] += q
                commands.append(.reserveLot(ReserveLot(productionOrder: order.id, lot: lot, quantity: q)))
                picked.append("\(lot) (\(state.lots[lot]?.item.rawValue ?? "")) for \(order.id)")
            }
            releases[key] = stagedBy(ctx, key)
        }
        guard !commands.isEmpty else { return nil }
        let sc = ctx.variant(releases: releases)
        guard let schedule = try? ctx.sim.decode(sc, ctx.sim.referencePlan(sc)) else { return nil }
        let kind: ActionKind = substitute ? .substituteMaterial : .pickAnotherLot
        let step = ActionStep(
            kind: kind,
            summary:
                "\(substitute ? "Use approved substitute" : "Pick another lot"): reserve \(picked.joined(separator: ", ")); a staging task goes out for each",
            commands: commands
        )
        return Candidate(
            kind: kind,
            title: substitute ? "Use substitute material" : "Pick another lot",
            steps: [step],
            outcome: ctx.sim.measure(sc, schedule)
        )
    }

    /// For each item the disruption (or each of its parts) makes short: its next open purchase order re-announced for the
    /// earliest an expedited delivery can come; the operations waiting for it can start then.
    static func expediteCandidate(_ ctx: Context) -> Candidate? {
        let earliest = ctx.sim.now.addingTimeInterval(Double(ctx.sim.options.expediteLeadMinutes) * 60)
        var releases: [OpKey: Date] = [:]
        var steps: [ActionStep] = []
        var expedited: [ExpectedReceipt.ID] = []
        var number = ctx.state.nextExpectedReceiptNumber
        for d in ctx.disruption.components {
            guard let item = d.item ?? d.lots.first.flatMap({ ctx.state.lots[$0]?.item }), let until = d.until, earliest < until,
                let receipt = ctx.state.expectedReceipts.values.filter({
                    $0.item == item && $0.status == .open && $0.openQuantity > 0 && $0.expectedDate > earliest
                })
                .min(by: { ($0.expectedDate, $0.id) < ($1.expectedDate, $1.id) })
            else { continue }
            let needs = materialNeeds(ctx, d)
            guard !needs.isEmpty else { continue }
            for n in needs { releases[n.key] = earliest }
            let newID = ExpectedReceipt.ID(String(format: "ER-%06d", number))
            number += 1
            expedited.append(receipt.id)
            steps.append(
                ActionStep(
                    kind: .expeditePurchase,
                    summary:
                        "Ask \(receipt.supplier) to deliver \(Analysis.number(receipt.openQuantity)) \(item) by \(Analysis.stamp(earliest, ctx.state)) instead of \(Analysis.stamp(receipt.expectedDate, ctx.state)); the receipt is re-announced as \(newID)",
                    commands: [
                        .cancelExpectedReceipt(CancelExpectedReceipt(expectedReceipt: receipt.id, reason: "Expedited as \(newID)")),
                        .expectReceipt(
                            ExpectReceipt(
                                id: newID,
                                item: item,
                                quantity: receipt.openQuantity,
                                expectedDate: earliest,
                                supplier: receipt.supplier,
                                reference: "\(receipt.reference) (expedited, was \(receipt.id))"
                            )
                        ),
                    ]
                )
            )
        }
        guard !steps.isEmpty else { return nil }
        let sc = ctx.variant(releases: releases)
        guard let schedule = try? ctx.sim.decode(sc, ctx.sim.referencePlan(sc)) else { return nil }
        let title =
            expedited.count == 1
            ? "Expedite \(expedited[0])"
            : "Expedite \(expedited.count) purchase orders (\(expedited.prefix(4).map(\.rawValue).joined(separator: ", "))\(expedited.count > 4 ? ", …" : ""))"
        return Candidate(kind: .expeditePurchase, title: title, steps: steps, outcome: ctx.sim.measure(sc, schedule))
    }

    static func reinspectCandidate(_ ctx: Context) -> Candidate? {
        let d = ctx.disruption
        let holds = ctx.state.holds.values.filter { h in !h.released && h.lots.contains { d.lots.contains($0.lot) } }.sorted { $0.id < $1.id }
        guard !holds.isEmpty else { return nil }
        let available = ctx.sim.now.addingTimeInterval(Double(ctx.sim.options.reinspectionMinutes) * 60)
        // Re-inspected and released: the hold ends when the re-inspection does (held material, orders and finished goods free then).
        var released = d
        released.until = min(d.until ?? available, available)
        let sc = Context.variant(ctx.base, released, ctx.sim)
        guard let schedule = try? ctx.sim.decode(sc, ctx.sim.referencePlan(sc)) else { return nil }
        let step = ActionStep(
            kind: .reinspectAndRelease,
            summary:
                "Quality re-inspects \(d.lots.map(\.rawValue).joined(separator: ", ")) (about \(Analysis.duration(ctx.sim.options.reinspectionMinutes))) and releases \(holds.map(\.id.rawValue).joined(separator: ", "))",
            commands: holds.map { .releaseHold(ReleaseHold(hold: $0.id, reason: "Re-inspected and found conforming")) }
        )
        return Candidate(
            kind: .reinspectAndRelease,
            title: "Re-inspect and release \(holds.map(\.id.rawValue).joined(separator: ", "))",
            steps: [step],
            outcome: ctx.sim.measure(sc, schedule)
        )
    }

    // MARK: Re-promise

    /// The next midnight (site time) at or after a date.
    static func nextDay(_ date: Date, state: PlantState) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = state.sites.values.sorted { $0.id < $1.id }.first.flatMap { TimeZone(identifier: $0.timeZone) } ?? .gmt
        let start = calendar.startOfDay(for: date)
        return start == date ? date : calendar.date(byAdding: .day, value: 1, to: start) ?? date.addingTimeInterval(86_400)
    }

    static func repromiseCandidate(_ ctx: Context) -> Candidate? {
        let d = ctx.disruption
        // The line whose promise does not fit is late in the baseline too (the promise is recorded): it is re-promised as well.
        let infeasible = d.kind == .promiseNotFeasible ? d.salesOrder.flatMap { so in d.line.map { LineKey(salesOrder: so, line: $0) } } : nil
        var promises: [LineKey: Date] = [:]
        for (key, line) in ctx.doNothing.lines.sorted(by: { $0.key < $1.key })
        where line.late > (ctx.baseline.lines[key]?.late ?? 0) || (key == infeasible && line.late > 0) {
            guard ctx.state.salesOrders[key.salesOrder]?.status == .open else { continue }
            promises[key] = nextDay(line.completion, state: ctx.state)
        }
        guard !promises.isEmpty else { return nil }
        // Its production then works to the new promise instead of the one that did not fit.
        var scenario = ctx.disrupted
        var schedule = ctx.doNothing.schedule
        if let infeasible, let date = promises[infeasible] {
            var agreed = d
            agreed.date = date
            scenario = Context.variant(ctx.base, agreed, ctx.sim)
            schedule = (try? ctx.sim.decode(scenario, ctx.doNothingPlan)) ?? schedule
        }
        let outcome = ctx.sim.measure(scenario, schedule, promises: promises)
        let sorted = promises.sorted { $0.key < $1.key }
        let step = ActionStep(
            kind: .repromise,
            summary:
                "Promise \(sorted.map { "\($0.key.salesOrder) line \($0.key.line) for \(Analysis.stamp($0.value, ctx.state))" }.joined(separator: "; "))",
            commands: sorted.map {
                .promiseSalesOrderLine(PromiseSalesOrderLine(salesOrder: $0.key.salesOrder, line: $0.key.line, promisedDate: $0.value))
            }
        )
        return Candidate(
            kind: .repromise,
            title: "Re-promise \(promises.count) customer line\(promises.count == 1 ? "" : "s")",
            steps: [step],
            outcome: outcome,
            repromised: promises.count
        )
    }

    // MARK: Insert a rush order

    /// Whether free stock covers every component of an order (then it can be released and reserve at once).
    static func materialAllows(_ order: ProductionOrder, state: PlantState) -> Bool {
        guard let bom = state.bom(of: order.item) else { return true }
        return bom.components.allSatisfy { c in
            let items = Set([c.item] + c.substitutes)
            let free = state.lots.values.filter { items.contains($0.item) }.reduce(0.0) { $0 + state.availableToReserve(lot: $1.id) }
            return free >= c.quantity * order.quantity - 1e-9
        }
    }

    static func insertStep(_ order: ProductionOrder, _ ctx: Context) -> ActionStep {
        var commands: [Command] = [
            .createProductionOrder(
                NewProductionOrder(
                    id: order.id,
                    item: order.item,
                    quantity: order.quantity,
                    routing: order.routing,
                    dueDate: order.dueDate,
                    priority: order.priority,
                    pegging: order.pegging
                )
            )
        ]
        let release = materialAllows(order, state: ctx.state)
        if release { commands.append(.releaseProductionOrder(ProductionOrderRef(productionOrder: order.id))) }
        return ActionStep(
            kind: .insertOrder,
            summary:
                "Create \(order.id) for \(Analysis.number(order.quantity)) \(order.item) due \(Analysis.stamp(order.dueDate, ctx.state))\(release ? " and release it (material is in stock)" : "; release it once material is in stock")",
            commands: commands
        )
    }

    /// The plan with the new order's operations placed by their latest start (due date less their work), not last.
    static func insertedPlan(_ ctx: Context, _ sc: Scenario, order: ProductionOrder, due: Date? = nil) -> Plan {
        insertedPlan(ctx, sc, orders: [(order.id, due ?? order.dueDate)])
    }

    /// The plan with new orders' operations placed by their latest start (due date less their work), not last.
    static func insertedPlan(_ ctx: Context, _ sc: Scenario, orders: [(id: ProductionOrder.ID, due: Date)]) -> Plan {
        let reference = ctx.sim.referencePlan(sc)
        var key = [Double](repeating: 0, count: sc.problem.operations.count)
        for i in key.indices {
            key[i] = Double(
                reference.floor[i] ?? sc.problem.operations[i].fixed?.start ?? Int(1e9)
                    + (sc.problem.orders[sc.problem.operations[i].order.rawValue].due ?? 0)
            )
        }
        for order in orders {
            let mine = sc.index.filter { $0.key.order == order.id }.map(\.value)
            let work = mine.reduce(0) { $0 + (sc.problem.operations[$1].modes.map(\.duration).min() ?? 0) }
            let latest = Double(sc.minutes(order.due) - work)
            for i in mine { key[i] = latest + Double(sc.problem.operations[i].modes.map(\.duration).min() ?? 0) * 1e-6 }
        }
        return ctx.sim.plan(sc, assignment: reference.assignment, key: key, floor: reference.floor)
    }

    static func insertCandidate(_ ctx: Context) throws(OrchestrationError) -> Candidate? {
        guard let order = ctx.newOrder else { return nil }
        let schedule = try ctx.sim.decode(ctx.disrupted, insertedPlan(ctx, ctx.disrupted, order: order))
        let outcome = ctx.sim.measure(ctx.disrupted, schedule)
        let (publish, published) = publishStep(
            ctx,
            ctx.disrupted,
            schedule,
            kind: .insertOrder,
            summary: "Publish the plan with \(order.id) inserted by its latest start"
        )
        var step = insertStep(order, ctx)
        step.commands += publish.commands
        return Candidate(kind: .insertOrder, title: "Insert \(order.id) by its latest start", steps: [step], outcome: outcome, schedule: published)
    }

    // MARK: Re-make what a hold keeps from the customer

    /// Finished goods under the exception's hold that serve an open customer line: a new production order for the held
    /// quantity of each, pegged to the same line, due by the line's date, inserted by its latest start and published. The
    /// line is then served by the new order instead of waiting for the hold.
    static func remakeCandidate(_ ctx: Context) throws(OrchestrationError) -> Candidate? {
        let d = ctx.disruption
        guard d.kind == .qualityHold else { return nil }
        let state = ctx.state
        var held: [ProductionOrder.ID: Double] = [:]
        for lot in d.lots {
            guard let l = state.lots[lot], l.status.isInStock, let po = l.productionOrder, ctx.disrupted.finished[po] != nil else { continue }
            held[po, default: 0] += l.quantity
        }
        guard !held.isEmpty else { return nil }
        var variant = state
        var made: [(old: ProductionOrder.ID, order: ProductionOrder)] = []
        for (po, quantity) in held.sorted(by: { $0.key < $1.key }) {
            guard let old = state.productionOrders[po], let peg = old.pegging,
                let line = state.salesOrders[peg.salesOrder]?.lines.first(where: { $0.line == peg.line })
            else { continue }
            let order = try Assessment.newProductionOrder(
                item: old.item,
                quantity: quantity,
                due: line.dueDate,
                pegging: peg,
                state: variant,
                now: ctx.sim.now
            )
            variant.apply(.productionOrderCreated(order), sequence: variant.sequence + 1)
            made.append((po, order))
        }
        guard !made.isEmpty else { return nil }
        var sc = try ctx.sim.base(variant, excluding: ctx.excluded)
        sc.reference = ctx.baselineScenario.reference
        ctx.sim.overlay(d, on: &sc)
        for m in made { sc.finished[m.old] = nil }  // the line no longer waits for the held goods
        let schedule = try ctx.sim.decode(sc, insertedPlan(ctx, sc, orders: made.map { ($0.order.id, $0.order.dueDate) }))
        let outcome = ctx.sim.measure(sc, schedule)
        var commands: [Command] = []
        var parts: [String] = []
        for m in made {
            commands.append(
                .createProductionOrder(
                    NewProductionOrder(
                        id: m.order.id,
                        item: m.order.item,
                        quantity: m.order.quantity,
                        routing: m.order.routing,
                        dueDate: m.order.dueDate,
                        priority: m.order.priority,
                        pegging: m.order.pegging
                    )
                )
            )
            let release = materialAllows(m.order, state: state)
            if release { commands.append(.releaseProductionOrder(ProductionOrderRef(productionOrder: m.order.id))) }
            parts.append(
                "\(m.order.id) for \(Analysis.number(m.order.quantity)) \(m.order.item) (instead of \(m.old)'s held goods) due \(Analysis.stamp(m.order.dueDate, state))"
                    + (release ? ", released" : ", to release once material is in stock")
            )
        }
        let published = ctx.publish(sc, schedule)
        commands.append(.publishSchedule(published))
        let step = ActionStep(
            kind: .remake,
            summary: "Re-make what the hold keeps from the customer: create \(parts.joined(separator: "; ")); publish the plan",
            commands: commands
        )
        return Candidate(
            kind: .remake,
            title: "Re-make \(made.map { "\(Analysis.number($0.order.quantity)) \($0.order.item)" }.joined(separator: ", ")) for the customer",
            steps: [step],
            outcome: outcome,
            schedule: published
        )
    }

    // MARK: Why an action kind was not proposed

    static func whyNot(_ kind: ActionKind, _ ctx: Context) -> String {
        let d = ctx.disruption
        let item = d.item ?? d.lots.first.flatMap { ctx.state.lots[$0]?.item }
        switch kind {
        case .moveToAlternativeWorkCenter:
            return delayedOperations(ctx).isEmpty
                ? "no operation the disruption delays can run on another work center"
                : "no alternative work center lowers the cost of the delayed operations"
        case .resequence: return "the search found no sequence better than the plan as it stands"
        case .addOvertime:
            guard let wc = bottleneck(ctx) else { return "no work center is delayed" }
            return "overtime after the next shift end on \(wc) does not lower the cost"
        case .pickAnotherLot:
            if materialNeeds(ctx).isEmpty { return "no order is stopped for want of this material" }
            return
                "no other usable lot of \(item?.rawValue ?? "the item") is free (available, not reserved, not held or missing) for a released order"
        case .substituteMaterial:
            return "\(item?.rawValue ?? "the item") has no approved substitute with free usable stock for the orders it stops"
        case .expeditePurchase:
            guard let item else { return "the disruption names no item" }
            return
                "no open purchase order of \(item) arrives after the earliest an expedited delivery could come (\(Analysis.duration(ctx.sim.options.expediteLeadMinutes)) from now) and before the material is back"
        case .repromise: return "no customer line becomes later"
        case .reinspectAndRelease: return "no active hold is on the lots concerned"
        case .insertOrder: return "no new order to insert"
        case .remake: return "no finished goods under this hold serve an open customer line"
        case .splitLot, .expediteTransfer, .cancelOrder, .takeDown: return "not simulated by Takt for playbook exceptions"
        case .placeHold, .takeOrder: return "proposed only for a verified incoming document"
        }
    }
}
