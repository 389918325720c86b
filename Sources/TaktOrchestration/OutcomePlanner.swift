import Foundation
import TaktCore
import TaktPlanning
import TaktScheduling

/// Outcome requests: up to three plan options, each a sequence of steps simulated like an action.
enum OutcomePlanner {
    static func plan(
        _ request: OutcomeRequest,
        text: String?,
        state: PlantState,
        now: Date,
        by user: User.ID?,
        options: AnalysisOptions
    )
        throws(OrchestrationError) -> PlantException
    {
        let sim = Simulator(now: now, options: options)
        let built: (title: String, ref: String, ctx: Context, options: [Candidate])
        switch request {
        case .expediteSalesOrder(let so, let line, let date): built = try expedite(so, line: line, date: date, state: state, sim: sim)
        case .rushOrder(let item, let quantity, let date, let customer):
            built = try rush(item, quantity: quantity, date: date, customer: customer, state: state, sim: sim)
        case .takeDown(let wc, let from, let to): built = try takeDown(wc, from: from, to: to, state: state, sim: sim)
        case .cancelOrder(let order): built = try cancel(order, state: state, sim: sim)
        }
        let ctx = built.ctx
        let actions = Assessment.rank(Array(built.options.prefix(3)), ctx, order: [])
        var impact = Impacts.impact(ctx)
        for c in built.options where c.kinds.contains(.moveToAlternativeWorkCenter) { impact.checksDue += c.checks }
        var (chain, severity, functions) = Impacts.chain(built.title, sourceEvent: nil, impact: impact, ctx: ctx, least: .medium)
        chain[0].kind = "request"
        impact.operations = Impacts.listed(impact.operations, ctx.disruption, most: options.maxListedOperations)
        if let text, !text.isEmpty { chain[0].text += " (asked as “\(text)”)" }
        // An ask no option meets is said plainly, in data as well as in words.
        var notes: [String] = []
        let targets = actions.compactMap(\.target)
        if let first = targets.first, !targets.contains(where: \.met) {
            let best = targets.max { $0.marginMinutes < $1.marginMinutes } ?? first
            notes.append(
                "No option meets \(Analysis.stamp(first.requested, state)) for \(first.subject): the best has it done \(best.achieved.map { Analysis.stamp($0, state) } ?? "?"), \(Analysis.duration(-best.marginMinutes)) late"
            )
        }
        if actions.isEmpty { notes.append("No option could be simulated for this request") }
        return PlantException(
            id: "EXC-000000",
            kind: .outcomeRequest,
            title: Analysis.clamp(built.title),
            subject: "outcome:\(request.kindName):\(built.ref)",
            disruption: ctx.disruption,
            request: request,
            requestText: text,
            raisedAt: now,
            raisedBy: user,
            severity: severity,
            functions: functions,
            causeChain: chain,
            impact: impact,
            actions: actions,
            notify: Array(Set(actions.flatMap(\.approvals))).sorted { $0.rawValue < $1.rawValue },
            actionNotes: notes.isEmpty ? nil : notes
        )
    }

    private static func unknown(_ field: String, _ what: String) -> OrchestrationError {
        OrchestrationError(field: field, rule: "unknown-reference", message: "\(what) does not exist")
    }

    /// "meets 2026-12-01 00:00 (done 2026-11-30 14:10)" or "misses … by 3 h", in plant time.
    private static func meets(_ done: Date?, _ date: Date, _ state: PlantState) -> String {
        guard let done else { return "nothing left to produce" }
        let late = Int((done.timeIntervalSince(date) / 60).rounded(.up))
        return late <= 0
            ? "meets \(Analysis.stamp(date, state)) (done \(Analysis.stamp(done, state)))"
            : "misses \(Analysis.stamp(date, state)) by \(Analysis.duration(late)) (done \(Analysis.stamp(done, state)))"
    }

    private static func completion(_ o: Outcome, _ sc: Scenario, of orders: Set<ProductionOrder.ID>) -> Int? {
        sc.planning.orders.enumerated().compactMap { orders.contains($1) ? o.completion[$0] : nil }.max()
    }

    /// Whether an option has `orders` done by `date`, in data.
    private static func targetCheck(_ label: String, _ o: Outcome, _ sc: Scenario, of orders: Set<ProductionOrder.ID>, by date: Date) -> TargetCheck {
        TargetCheck(subject: label, requested: date, achieved: completion(o, sc, of: orders).map(sc.date))
    }

    // MARK: Expedite a sales order

    static func expedite(
        _ so: SalesOrder.ID,
        line: Int?,
        date: Date,
        state: PlantState,
        sim: Simulator
    ) throws(OrchestrationError)
        -> (String, String, Context, [Candidate])
    {
        guard let order = state.salesOrders[so] else { throw unknown("salesOrder", "sales order '\(so)'") }
        guard order.status == .open else {
            throw OrchestrationError(field: "salesOrder", rule: "status", message: "sales order '\(so)' is \(order.status.rawValue)")
        }
        if let line, !order.lines.contains(where: { $0.line == line }) { throw unknown("line", "line \(line) of sales order '\(so)'") }
        let targets = Set(
            state.productionOrders.values.filter {
                Analysis.isOpen($0) && $0.pegging?.salesOrder == so && (line == nil || $0.pegging?.line == line)
            }.map(\.id)
        )
        guard !targets.isEmpty else {
            throw OrchestrationError(
                field: "salesOrder",
                rule: "no-production",
                message: "no open production order serves \(so)\(line.map { " line \($0)" } ?? "")"
            )
        }
        let d = Disruption(kind: .outcomeRequest, from: sim.now, salesOrder: so, line: line, date: date)
        let ctx = try Context(state: state, disruption: d, sim: sim)
        let sc = ctx.disrupted
        let target = sc.minutes(date)
        // Each option is judged by the plan's cost plus the priority-1 weight for every minute the order misses the date.
        let score: (Outcome) -> Double = { o in
            ctx.cost(o) + 5 * Double(max(0, (completion(o, sc, of: targets) ?? Int.min) - target))
        }
        let label = "\(so)\(line.map { " line \($0)" } ?? "")"
        var out: [Candidate] = []

        // A: resequence with the order's due date pulled in to D.
        var pulled = sc
        for (j, id) in sc.planning.orders.enumerated() where targets.contains(id) {
            pulled.problem.orders[j].due = min(pulled.problem.orders[j].due ?? Int.max, target)
            pulled.problem.orders[j].weight = 5
        }
        let resequenced = sim.resequence(pulled, from: ctx.doNothing.schedule)
        let a = sim.measure(sc, resequenced)
        let (stepA, publishedA) = Actions.publishStep(
            ctx,
            sc,
            resequenced,
            kind: .resequence,
            summary: "Resequence the plan with \(label)'s orders due by \(Analysis.stamp(date, ctx.state)) and publish it"
        )
        out.append(
            Candidate(
                kind: .resequence,
                title: "Resequence with \(label) due by \(Analysis.stamp(date, ctx.state))",
                steps: [stepA],
                outcome: a,
                schedule: publishedA,
                note: "\(label) \(meets(completion(a, sc, of: targets).map(sc.date), date, ctx.state))",
                target: targetCheck(label, a, sc, of: targets, by: date)
            )
        )

        // B: move its operations (and those of the components pegged to it) to alternative work centers.
        var ops = Set(sc.index.filter { targets.contains($0.key.order) }.map(\.value))
        for i in ops { for p in sc.problem.operations[i].predecessors { ops.insert(p.predecessor.rawValue) } }
        let movable = ops.filter { sc.problem.operations[$0].fixed == nil && sc.problem.operations[$0].modes.count > 1 }.sorted()
        if let (b, moved) = try Actions.moveToAlternatives(ctx, ops: movable, avoid: nil, score: score) {
            let (stepB, publishedB) = Actions.publishStep(
                ctx,
                sc,
                b.schedule,
                kind: .moveToAlternativeWorkCenter,
                summary: "Move \(moved.count) operation\(moved.count == 1 ? "" : "s") of \(label) to alternative work centers and publish the plan"
            )
            out.append(
                Candidate(
                    kind: .moveToAlternativeWorkCenter,
                    title: "Move \(label)'s work to alternative work centers",
                    steps: [stepB],
                    outcome: b,
                    schedule: publishedB,
                    checks: Actions.documentChecks(ctx, moved, b),
                    note: "\(label) \(meets(completion(b, sc, of: targets).map(sc.date), date, ctx.state))",
                    target: targetCheck(label, b, sc, of: targets, by: date)
                )
            )
        }

        // C: overtime on the work center carrying most of its work.
        var load: [WorkCenter.ID: Int] = [:]
        for i in ops {
            let s = ctx.doNothing.schedule.operations[i]
            load[sc.planning.workCenters[s.resource.rawValue], default: 0] += s.end - s.start
        }
        if let wc = load.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key,
            let (o, osc, c) = Actions.overtime(ctx, wc: wc, after: sim.now, reason: "Expedite \(label)", score: score)
        {
            let (publish, published) = Actions.publishStep(
                ctx,
                osc,
                c.schedule,
                kind: .addOvertime,
                summary: "Publish the plan that uses the overtime"
            )
            let length = Int(o.end.timeIntervalSince(o.start) / 60)
            let step = ActionStep(
                kind: .addOvertime,
                summary: "Schedule \(Analysis.duration(length)) overtime on \(wc) from \(Analysis.stamp(o.start, ctx.state))",
                commands: [.scheduleOvertime(o)] + publish.commands
            )
            out.append(
                Candidate(
                    kind: .addOvertime,
                    title: "Overtime on \(wc) for \(label)",
                    steps: [step],
                    outcome: c,
                    schedule: published,
                    overtimeOn: wc,
                    note: "\(label) \(meets(completion(c, osc, of: targets).map(osc.date), date, ctx.state))",
                    overtimeScheduled: length,
                    target: targetCheck(label, c, osc, of: targets, by: date)
                )
            )
        }
        return ("Expedite \(label) to \(Analysis.stamp(date, ctx.state))", so.rawValue, ctx, out)
    }

    // MARK: Rush order

    static func rush(
        _ item: Item.ID,
        quantity: Double,
        date: Date,
        customer: Customer.ID?,
        state: PlantState,
        sim: Simulator
    )
        throws(OrchestrationError) -> (String, String, Context, [Candidate])
    {
        guard state.items[item] != nil else { throw unknown("item", "item '\(item)'") }
        if let customer, state.customers[customer] == nil { throw unknown("customer", "customer '\(customer)'") }
        guard quantity > 0 else { throw OrchestrationError(field: "quantity", rule: "positive", message: "quantity must be greater than 0") }
        let order = try Assessment.newProductionOrder(item: item, quantity: quantity, due: date, pegging: nil, state: state, now: sim.now)
        let d = Disruption(kind: .rushOrder, from: sim.now, productionOrder: order.id, item: item, quantity: quantity, date: date)
        let ctx = try Context(state: state, disruption: d, sim: sim, newOrder: order)
        let sc = ctx.disrupted
        let mine: Set<ProductionOrder.ID> = [order.id]
        let label = "\(Analysis.number(quantity)) \(item)"
        let insert = Actions.insertStep(order, ctx)
        var out: [Candidate] = []

        // A: insert by its latest start, then resequence.
        let inserted = try sim.decode(sc, Actions.insertedPlan(ctx, sc, order: order))
        let resequenced = sim.resequence(sc, from: inserted)
        let a = sim.measure(sc, resequenced)
        let (stepA, publishedA) = Actions.publishStep(
            ctx,
            sc,
            resequenced,
            kind: .resequence,
            summary: "Resequence the plan around \(order.id) and publish it"
        )
        out.append(
            Candidate(
                kind: .insertOrder,
                title: "Insert \(order.id) and resequence",
                steps: [insert, stepA],
                outcome: a,
                schedule: publishedA,
                note: "\(order.id) \(meets(completion(a, sc, of: mine).map(sc.date), date, ctx.state))",
                target: targetCheck(order.id.rawValue, a, sc, of: mine, by: date)
            )
        )

        // B: insert and add overtime where its work is heaviest.
        var load: [WorkCenter.ID: Int] = [:]
        for (key, i) in sc.index where key.order == order.id {
            let s = inserted.operations[i]
            load[sc.planning.workCenters[s.resource.rawValue], default: 0] += s.end - s.start
        }
        let target = sc.minutes(date)
        let score: (Outcome) -> Double = { o in ctx.cost(o) + 5 * Double(max(0, (completion(o, sc, of: mine) ?? Int.min) - target)) }
        if let wc = load.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key,
            let (o, osc, b) = Actions.overtime(
                ctx,
                wc: wc,
                after: sim.now,
                reason: "Rush order \(order.id)",
                plan: { Actions.insertedPlan(ctx, $0, order: order) },
                score: score
            )
        {
            let (publish, published) = Actions.publishStep(
                ctx,
                osc,
                b.schedule,
                kind: .addOvertime,
                summary: "Publish the plan that uses the overtime"
            )
            let length = Int(o.end.timeIntervalSince(o.start) / 60)
            let step = ActionStep(
                kind: .addOvertime,
                summary: "Schedule \(Analysis.duration(length)) overtime on \(wc) from \(Analysis.stamp(o.start, ctx.state))",
                commands: [.scheduleOvertime(o)] + publish.commands
            )
            out.append(
                Candidate(
                    kind: .insertOrder,
                    title: "Insert \(order.id) with overtime on \(wc)",
                    steps: [insert, step],
                    outcome: b,
                    schedule: published,
                    overtimeOn: wc,
                    note: "\(order.id) \(meets(completion(b, osc, of: mine).map(osc.date), date, ctx.state))",
                    overtimeScheduled: length,
                    target: targetCheck(order.id.rawValue, b, osc, of: mine, by: date)
                )
            )
        }

        // C: insert without disturbing anyone and promise the earliest date it can be done.
        let appended = ctx.doNothing.schedule
        if let done = completion(ctx.doNothing, sc, of: mine) {
            let promise = Actions.nextDay(sc.date(done), state: state)
            var promised = order
            promised.dueDate = promise
            var psc = sc
            if let j = sc.planning.orders.firstIndex(of: order.id) { psc.problem.orders[j].due = sc.minutes(promise) }
            let c = sim.measure(psc, appended)
            let (publish, published) = Actions.publishStep(
                ctx,
                sc,
                appended,
                kind: .insertOrder,
                summary: "Publish the plan with \(order.id) after the work already planned"
            )
            var step = Actions.insertStep(promised, ctx)
            step.summary += "; promise \(Analysis.stamp(promise, ctx.state)) to the customer"
            step.commands += publish.commands
            out.append(
                Candidate(
                    kind: .insertOrder,
                    title: "Insert \(order.id) after planned work and promise \(Analysis.stamp(promise, ctx.state))",
                    steps: [step],
                    outcome: c,
                    schedule: published,
                    note: "\(order.id) \(meets(sc.date(done), date, ctx.state))",
                    target: TargetCheck(subject: order.id.rawValue, requested: date, achieved: sc.date(done))
                )
            )
        }
        return ("Fit a rush order for \(label) by \(Analysis.stamp(date, ctx.state))", "\(item):\(Analysis.number(quantity))", ctx, out)
    }

    // MARK: Take a work center down

    static func takeDown(
        _ wc: WorkCenter.ID,
        from: Date,
        to: Date,
        state: PlantState,
        sim: Simulator
    ) throws(OrchestrationError)
        -> (String, String, Context, [Candidate])
    {
        guard var center = state.workCenters[wc] else { throw unknown("workCenter", "work center '\(wc)'") }
        guard to > from else {
            throw OrchestrationError(field: "to", rule: "after-from", message: "the work center must come back after it goes down")
        }
        let d = Disruption(kind: .machineDown, workCenter: wc, from: from, until: to)
        let ctx = try Context(state: state, disruption: d, sim: sim)
        let sc = ctx.disrupted
        center.plannedDowntime.append(Downtime(start: from, end: to, reason: "Taken down on request"))
        let down = ActionStep(
            kind: .takeDown,
            summary: "Plan downtime on \(wc) from \(Analysis.stamp(from, ctx.state)) to \(Analysis.stamp(to, ctx.state))",
            commands: [.defineWorkCenter(center)]
        )
        func lateNote(_ o: Outcome) -> String {
            let newly = o.lines.filter { $0.value.late > (ctx.baseline.lines[$0.key]?.late ?? 0) }.sorted { $0.key < $1.key }
            guard !newly.isEmpty else { return "No customer line becomes later" }
            return "Becomes late: "
                + newly.prefix(5).map { "\($0.key.salesOrder) line \($0.key.line) (\(Analysis.duration($0.value.late)))" }.joined(separator: ", ")
                + (newly.count > 5 ? " and \(newly.count - 5) more" : "")
        }
        var out: [Candidate] = []
        let (publishA, publishedA) = Actions.publishStep(
            ctx,
            sc,
            ctx.doNothing.schedule,
            kind: .takeDown,
            summary: "Publish the plan shifted around the downtime"
        )
        out.append(
            Candidate(
                kind: .takeDown,
                title: "Take \(wc) down and let the plan shift",
                steps: [down, publishA],
                outcome: ctx.doNothing,
                schedule: publishedA,
                note: lateNote(ctx.doNothing)
            )
        )
        let affected = Actions.delayedOperations(ctx)
        if let (b, moved) = try Actions.moveToAlternatives(ctx, ops: affected, avoid: wc, score: { ctx.cost($0) }) {
            let (stepB, publishedB) = Actions.publishStep(
                ctx,
                sc,
                b.schedule,
                kind: .moveToAlternativeWorkCenter,
                summary: "Move \(moved.count) operation\(moved.count == 1 ? "" : "s") off \(wc) to alternative work centers and publish the plan"
            )
            out.append(
                Candidate(
                    kind: .takeDown,
                    title: "Take \(wc) down and move its work to alternative work centers",
                    steps: [down, stepB],
                    outcome: b,
                    schedule: publishedB,
                    checks: Actions.documentChecks(ctx, moved, b),
                    note: lateNote(b)
                )
            )
        }
        if let (o, osc, c) = Actions.overtime(ctx, wc: wc, after: to, reason: "Catch up after planned downtime", score: { ctx.cost($0) }) {
            let (publish, published) = Actions.publishStep(
                ctx,
                osc,
                c.schedule,
                kind: .addOvertime,
                summary: "Publish the plan that uses the overtime"
            )
            let step = ActionStep(
                kind: .addOvertime,
                summary:
                    "Schedule \(Analysis.duration(Int(o.end.timeIntervalSince(o.start) / 60))) overtime on \(wc) from \(Analysis.stamp(o.start, ctx.state))",
                commands: [.scheduleOvertime(o)] + publish.commands
            )
            out.append(
                Candidate(
                    kind: .takeDown,
                    title: "Take \(wc) down with overtime afterwards",
                    steps: [down, step],
                    outcome: c,
                    schedule: published,
                    overtimeOn: wc,
                    note: lateNote(c)
                )
            )
        }
        return ("Take \(wc) down from \(Analysis.stamp(from, ctx.state)) to \(Analysis.stamp(to, ctx.state))", wc.rawValue, ctx, out)
    }

    // MARK: Cancel an order

    static func cancel(_ ref: String, state: PlantState, sim: Simulator) throws(OrchestrationError) -> (String, String, Context, [Candidate]) {
        var variant = state
        var commands: [Command] = []
        let reason = "Cancelled on request (what-if option)"
        if let po = state.productionOrders[ProductionOrder.ID(ref)] {
            guard Analysis.isOpen(po) else {
                throw OrchestrationError(field: "order", rule: "status", message: "production order '\(ref)' is \(po.status.rawValue)")
            }
            variant.productionOrders[po.id]?.status = .cancelled
            commands.append(.cancelProductionOrder(CancelProductionOrder(productionOrder: po.id, reason: reason)))
        } else if let so = state.salesOrders[SalesOrder.ID(ref)] {
            guard so.status == .open else {
                throw OrchestrationError(field: "order", rule: "status", message: "sales order '\(ref)' is \(so.status.rawValue)")
            }
            variant.salesOrders[so.id]?.status = .cancelled
            commands.append(.cancelSalesOrder(CancelSalesOrder(salesOrder: so.id, reason: reason)))
            for po in state.productionOrders.values.filter({ $0.pegging?.salesOrder == so.id && Analysis.isOpen($0) }).sorted(by: { $0.id < $1.id }) {
                variant.productionOrders[po.id]?.status = .cancelled
                commands.append(.cancelProductionOrder(CancelProductionOrder(productionOrder: po.id, reason: "\(reason): \(so.id) is cancelled")))
            }
        } else {
            throw unknown("order", "order '\(ref)' (a production order PO-… or a sales order SO-…)")
        }
        let d = Disruption(kind: .outcomeRequest, from: sim.now)
        let ctx = try Context(state: state, disruption: d, sim: sim, variant: variant, keepStarts: false)
        let sc = ctx.disrupted
        let cancelStep = ActionStep(
            kind: .cancelOrder,
            summary:
                "Cancel \(ref)\(commands.count > 1 ? " and the \(commands.count - 1) production order\(commands.count == 2 ? "" : "s") serving it" : "")",
            commands: commands
        )
        let freed = ctx.baselineScenario.problem.operations.indices.filter { i in sc.index[ctx.baselineScenario.key(i)] == nil }
            .reduce(0) { $0 + ctx.baseline.schedule.operations[$1].end - ctx.baseline.schedule.operations[$1].start }
        var out: [Candidate] = []
        let (publishA, publishedA) = Actions.publishStep(
            ctx,
            sc,
            ctx.doNothing.schedule,
            kind: .cancelOrder,
            summary: "Publish the plan with the remaining work moved up"
        )
        out.append(
            Candidate(
                kind: .cancelOrder,
                title: "Cancel \(ref)",
                steps: [cancelStep, publishA],
                outcome: ctx.doNothing,
                schedule: publishedA,
                note: "Frees \(Analysis.duration(freed)) of capacity"
            )
        )
        let resequenced = sim.resequence(sc, from: ctx.doNothing.schedule)
        if resequenced != ctx.doNothing.schedule {
            let b = sim.measure(sc, resequenced)
            let (stepB, publishedB) = Actions.publishStep(
                ctx,
                sc,
                resequenced,
                kind: .resequence,
                summary: "Resequence the remaining work and publish the plan"
            )
            out.append(
                Candidate(
                    kind: .cancelOrder,
                    title: "Cancel \(ref) and resequence",
                    steps: [cancelStep, stepB],
                    outcome: b,
                    schedule: publishedB,
                    note: "Frees \(Analysis.duration(freed)) of capacity"
                )
            )
        }
        return ("What if \(ref) is cancelled", ref, ctx, out)
    }
}
