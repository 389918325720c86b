import Foundation
import TaktCore
import TaktPlanning
import TaktScheduling

/// The plan with and without a disruption, on which impact and actions are measured.
struct Context {
    let state: PlantState
    let disruption: Disruption
    let sim: Simulator
    /// The plant (with a rush order inserted, when the disruption brings one), before the overlay.
    let base: Scenario
    let baselineScenario: Scenario
    let baselinePlan: Plan
    let baseline: Outcome
    let disrupted: Scenario
    let doNothingPlan: Plan
    let doNothing: Outcome
    /// The rush order the disruption brings, not yet in the plant.
    let newOrder: ProductionOrder?
    let scheduleID: PublishedSchedule.ID
    /// The exception's subject (nil for a plan option that has none).
    let subject: String?
    /// The plant facts left out of the baseline (the exception's own).
    let excluded: Set<String>

    /// Whether the disruption's end is an assumption rather than something the plant reported.
    var assumedEnd: Bool {
        let d = disruption
        switch d.kind {
        case .materialMissing, .qualityHold: return true
        case .machineDown, .machineSlow:
            guard let wc = d.workCenter else { return true }
            return state.machineStates[wc]?.last(where: { $0.at <= d.from })?.expectedUntil == nil
        case .shortageProjected:
            guard let item = d.item, let until = d.until else { return true }
            return !state.expectedReceipts.values.contains { $0.item == item && $0.status == .open && $0.expectedDate == until }
        default: return false
        }
    }

    /// - Parameters:
    ///   - variant: the plant as it would be (e.g. with an order cancelled) for the disrupted plan; default the plant.
    ///   - keepStarts: whether the disrupted plan keeps operations from starting before their published start.
    ///   - subject: the exception's subject: the plant fact it is about is left out of the baseline (with the facts the
    ///     disruption itself names, ``Disruption/subjects``) and comes back as the disruption.
    ///   - knownAt: when given, the plant's facts learned after it are left out (verification).
    init(
        state: PlantState,
        disruption d: Disruption,
        sim: Simulator,
        newOrder: ProductionOrder? = nil,
        variant: PlantState? = nil,
        keepStarts: Bool = true,
        subject: String? = nil,
        knownAt: Date? = nil
    ) throws(OrchestrationError) {
        self.state = state
        self.disruption = d
        self.sim = sim
        self.newOrder = newOrder
        self.subject = subject
        let number = (state.publishedSchedule.flatMap { Int($0.id.rawValue.dropFirst(4)) } ?? 0) + 1
        scheduleID = .init(String(format: "SCH-%06d", number))
        let excluded = d.subjects.union(subject.map { [$0] } ?? [])
        self.excluded = excluded
        var raw = try sim.base(state, excluding: excluded, knownAt: knownAt)
        baselinePlan = sim.referencePlan(raw)
        let baselineSchedule = try sim.decode(raw, baselinePlan)
        // Every plan is measured against this one: an operation moves when it starts at another minute or on another work center.
        var reference: [OpKey: (start: Int, resource: Int)] = [:]
        for s in baselineSchedule.operations { reference[raw.key(s.operation.rawValue)] = (s.start, s.resource.rawValue) }
        raw.reference = reference
        self.baselineScenario = raw
        baseline = sim.measure(raw, baselineSchedule)
        var withOrder = variant ?? state
        if let newOrder { withOrder.productionOrders[newOrder.id] = newOrder }
        if newOrder == nil && variant == nil {
            base = raw
        } else {
            var other = try sim.base(withOrder, excluding: excluded, knownAt: knownAt)
            other.reference = reference
            base = other
        }
        disrupted = Context.variant(base, d, sim)
        var plan = sim.referencePlan(disrupted)
        if !keepStarts { plan.floor = plan.floor.map { _ in nil } }
        doNothingPlan = plan
        doNothing = sim.measure(disrupted, try sim.decode(disrupted, doNothingPlan))
    }

    static func variant(_ base: Scenario, _ d: Disruption, _ sim: Simulator, overtime: [Overtime] = [], releases: [OpKey: Date] = [:]) -> Scenario {
        var sc = base
        sim.addOvertime(overtime, to: &sc)
        sim.overlay(d, on: &sc)
        sim.release(releases, on: &sc)
        return sc
    }

    func variant(overtime: [Overtime] = [], releases: [OpKey: Date] = [:]) -> Scenario {
        Context.variant(base, disruption, sim, overtime: overtime, releases: releases)
    }

    func cost(_ o: Outcome, repromised: Int = 0, kinds: [ActionKind] = []) -> Double {
        sim.options.costModel.terms(o.kpis, repromised: repromised, kinds: kinds).reduce(0) { $0 + $1.cost }
    }

    func publish(_ sc: Scenario, _ schedule: Schedule) -> PublishedSchedule { sim.published(sc, schedule, id: scheduleID) }

    /// Start minute of an operation in the baseline, by key.
    func baselineStart(_ key: OpKey) -> (start: Int, end: Int, wc: WorkCenter.ID)? {
        guard let i = baselineScenario.index[key] else { return nil }
        let s = baseline.schedule.operations[i]
        return (s.start, s.end, baselineScenario.planning.workCenters[s.resource.rawValue])
    }
}

/// A simulated candidate before ranking.
struct Candidate {
    var kind: ActionKind
    var title: String
    var steps: [ActionStep]
    var outcome: Outcome
    var repromised: Int = 0
    var schedule: PublishedSchedule?
    var checks: [CheckDue] = []
    var overtimeOn: WorkCenter.ID?
    var note: String?
    /// Minutes of overtime the action schedules (the plan may work less of it).
    var overtimeScheduled: Int?
    /// For a plan option: whether it meets the date asked for.
    var target: TargetCheck?
    var kinds: [ActionKind] { steps.map(\.kind) }
}

enum Assessment {
    static func assess(_ trigger: Trigger, state: PlantState, now: Date, options: AnalysisOptions) throws(OrchestrationError) -> PlantException {
        var d = trigger.disruption
        try validate(d, state: state)
        if d.until == nil, d.kind != .rushOrder {
            d.until = d.from.addingTimeInterval(Double(trigger.playbook.assumedDurationMinutes ?? options.assumedDurationMinutes) * 60)
        }
        let sim = Simulator(now: now, options: options)
        var newOrder: ProductionOrder?
        if d.kind == .rushOrder {
            newOrder = try rushOrder(&d, state: state, now: now)
        }
        let ctx = try Context(state: state, disruption: d, sim: sim, newOrder: newOrder, subject: trigger.subject)
        var candidates: [Candidate] = []
        var notes: [String] = []
        for kind in trigger.playbook.actions {
            switch try Actions.consider(kind, ctx) {
            case .proposed(let c): candidates.append(c)
            case .notProposed(let why): notes.append(why)
            }
        }
        if let newOrder {
            let insert = Actions.insertStep(newOrder, ctx)
            candidates = candidates.map { c in
                var c = c
                if c.kind != .insertOrder { c.steps.insert(insert, at: 0) }
                return c
            }
        }
        candidates = worthApproving(candidates, ctx, notes: &notes)
        return exception(trigger, d, ctx, candidates: candidates, notes: notes, tasks: trigger.playbook.tasks, options: options)
    }

    /// The exception a playbook raises, whatever raised it (a disruption, a request, a document): the candidates ranked,
    /// the impact with the checks the actions need, the cause chain and severity, the operations listed, the playbook's
    /// tasks and a task per customer whose shipped goods are reached, and who is told.
    static func exception(
        _ trigger: Trigger,
        _ d: Disruption,
        _ ctx: Context,
        candidates: [Candidate],
        notes: [String],
        tasks: [ExceptionTask],
        options: AnalysisOptions
    ) -> PlantException {
        let actions = rank(candidates, ctx, order: trigger.playbook.actions)
        var impact = Impacts.impact(ctx)
        for c in candidates where c.kind == .moveToAlternativeWorkCenter { impact.checksDue += c.checks }
        let (chain, severity, functions) = Impacts.chain(
            trigger.title,
            sourceEvent: trigger.sourceEvent,
            impact: impact,
            ctx: ctx,
            least: trigger.playbook.severity
        )
        impact.operations = Impacts.listed(impact.operations, ctx.disruption, most: options.maxListedOperations)
        return PlantException(
            id: "EXC-000000",
            kind: trigger.playbook.exceptionKind,
            title: trigger.title,
            subject: trigger.subject,
            disruption: d,
            sourceSequence: trigger.sourceSequence,
            sourceEvent: trigger.sourceEvent,
            playbook: trigger.playbook.id,
            playbookVersion: trigger.playbook.version,
            raisedAt: ctx.sim.now,
            severity: severity,
            functions: functions,
            causeChain: chain,
            impact: impact,
            actions: actions,
            tasks: tasks + customerTasks(impact, ctx),
            notify: notify(trigger.playbook.notify, impact),
            actionNotes: notes.isEmpty ? nil : notes
        )
    }

    /// The candidates worth anyone's approval: an action must take away some of what the disruption does (lateness, late
    /// customer lines) and cost less than doing nothing. Each one left out is named in `notes`, with why.
    static func worthApproving(_ candidates: [Candidate], _ ctx: Context, notes: inout [String]) -> [Candidate] {
        let nothing = ctx.cost(ctx.doNothing)
        var kept: [Candidate] = []
        for c in candidates {
            let cost = ctx.sim.options.costModel.terms(c.outcome.kpis, repromised: c.repromised, kinds: c.kinds).reduce(0) { $0 + $1.cost }
            let a = ctx.doNothing.kpis
            let b = c.outcome.kpis
            let helps =
                b.weightedTardinessMinutes < a.weightedTardinessMinutes - 1e-9 || b.lateCustomerLines < a.lateCustomerLines
                || b.customerLatenessMinutes < a.customerLatenessMinutes
            if !helps {
                notes.append("\(c.kind.rawValue): “\(c.title)” was simulated but takes none of the lateness away")
            } else if cost >= nothing - 1e-9 {
                notes.append(
                    "\(c.kind.rawValue): “\(c.title)” was simulated but costs \(Analysis.number(cost)) points, no less than doing nothing (\(Analysis.number(nothing)))"
                )
            } else {
                kept.append(c)
            }
        }
        return kept
    }

    /// One task for sales per customer whose shipped goods the hold reached: tell them, agree a return or replacement.
    static func customerTasks(_ impact: Impact, _ ctx: Context) -> [ExceptionTask] {
        let notices = impact.shipped ?? []
        var byCustomer: [String: [ShippedLotNotice]] = [:]
        for n in notices { byCustomer[n.customer?.rawValue ?? "", default: []].append(n) }
        let hold = ctx.subject.map { String($0.dropFirst("quality-hold:".count)) } ?? "the hold"
        return byCustomer.sorted { $0.key < $1.key }.map { customer, list in
            let name = ctx.state.customers[Customer.ID(customer)]?.name ?? (customer.isEmpty ? "the customer" : customer)
            let what = list.map { n in
                "lot \(n.lot) (\(n.item)\(n.salesOrder.map { ", \($0)" } ?? "")\(n.salesOrderLine.map { " line \($0)" } ?? ""))"
            }
            return ExceptionTask(
                role: .sales,
                text:
                    "Tell \(name)\(customer.isEmpty ? "" : " (\(customer))") that \(what.joined(separator: ", ")) shipped under \(hold): a recall candidate; agree a return or a replacement"
            )
        }
    }

    /// The playbook's roles, and sales when customers must be told.
    static func notify(_ roles: [Role], _ impact: Impact) -> [Role] {
        var out = roles
        if !(impact.shipped ?? []).isEmpty, !out.contains(.sales) { out.append(.sales) }
        return out
    }

    /// Checks that every reference of a disruption exists.
    static func validate(_ d: Disruption, state: PlantState) throws(OrchestrationError) {
        func unknown(_ field: String, _ what: String) -> OrchestrationError {
            OrchestrationError(field: field, rule: "unknown-reference", message: "\(what) does not exist")
        }
        if let wc = d.workCenter, state.workCenters[wc] == nil { throw unknown("workCenter", "work center '\(wc)'") }
        if let po = d.productionOrder, state.productionOrders[po] == nil, d.kind != .rushOrder {
            throw unknown("productionOrder", "production order '\(po)'")
        }
        if let item = d.item, state.items[item] == nil { throw unknown("item", "item '\(item)'") }
        for (i, lot) in d.lots.enumerated() where state.lots[lot] == nil { throw unknown("lots[\(i)]", "lot '\(lot)'") }
        if let u = d.person, state.users[u] == nil { throw unknown("person", "user '\(u)'") }
        if let so = d.salesOrder {
            guard let order = state.salesOrders[so] else { throw unknown("salesOrder", "sales order '\(so)'") }
            if let line = d.line, !order.lines.contains(where: { $0.line == line }) { throw unknown("line", "line \(line) of sales order '\(so)'") }
        }
        if let f = d.rateFactor, !(f > 0 && f <= 1) {
            throw OrchestrationError(field: "rateFactor", rule: "range", message: "rateFactor must be above 0 and at most 1 (got \(f))")
        }
        if let until = d.until, until < d.from { throw OrchestrationError(field: "until", rule: "after-from", message: "until is before from") }
    }

    /// The production order a rush order disruption brings, numbered as the plant will number it; nil when an open
    /// order already serves the line (or was named and exists).
    static func rushOrder(_ d: inout Disruption, state: PlantState, now: Date) throws(OrchestrationError) -> ProductionOrder? {
        if let po = d.productionOrder, let order = state.productionOrders[po], Analysis.isOpen(order) { return nil }
        if let so = d.salesOrder, let line = d.line,
            state.productionOrders.values.contains(where: { $0.pegging == Pegging(salesOrder: so, line: line) && Analysis.isOpen($0) })
        {
            return nil
        }
        let line = d.salesOrder.flatMap { state.salesOrders[$0] }?.lines.first { $0.line == d.line }
        guard let item = d.item ?? line?.item else {
            throw OrchestrationError(field: "item", rule: "required", message: "a rush order names the item (or a sales order line)")
        }
        let order = try newProductionOrder(
            item: item,
            quantity: d.quantity ?? line?.quantity ?? 1,
            due: d.date ?? line.map(\.dueDate) ?? now,
            pegging: line.map { _ in Pegging(salesOrder: d.salesOrder ?? "", line: d.line ?? 0) },
            state: state,
            now: now
        )
        d.productionOrder = order.id
        return order
    }

    /// A production order as ``PlantState/decide(_:actor:now:)`` would create it, with the plant's next number.
    static func newProductionOrder(
        item: Item.ID,
        quantity: Double,
        due: Date,
        pegging: Pegging?,
        state: PlantState,
        now: Date
    )
        throws(OrchestrationError) -> ProductionOrder
    {
        let id = ProductionOrder.ID(String(format: "PO-%06d", state.nextProductionOrderNumber))
        let routing = state.routings.values.filter { $0.item == item }.map(\.id).sorted().first
        let events: [Event]
        do {
            events = try state.decide(
                .createProductionOrder(
                    NewProductionOrder(
                        id: id,
                        item: item,
                        quantity: quantity,
                        routing: routing,
                        dueDate: due,
                        priority: 1,
                        pegging: pegging
                    )
                ),
                actor: nil,
                now: now
            )
        } catch {
            let v = error.violations.first
            throw OrchestrationError(field: v?.field ?? "item", rule: v?.rule ?? "invalid", message: v?.message ?? "\(error)")
        }
        guard case .productionOrderCreated(let order)? = events.first else {
            throw OrchestrationError(field: "item", rule: "invalid", message: "the order could not be formed")
        }
        return order
    }

    /// Ranks candidates by cost (ties: the playbook's order), numbers them A1…, writes effect and rationale.
    static func rank(_ candidates: [Candidate], _ ctx: Context, order: [ActionKind]) -> [ProposedAction] {
        let model = ctx.sim.options.costModel
        let scored = candidates.enumerated().map { (i, c) -> (Candidate, [CostTerm], Double, Int) in
            let terms = model.terms(c.outcome.kpis, repromised: c.repromised, kinds: c.kinds)
            return (c, terms, terms.reduce(0) { $0 + $1.cost }, order.firstIndex(of: c.kind) ?? (order.count + i))
        }.sorted { ($0.2, $0.3) < ($1.2, $1.3) }
        let nothing = ctx.cost(ctx.doNothing)
        return scored.enumerated().map { (i, entry) in
            let (c, terms, cost, _) = entry
            var why = "Rank \(i + 1) of \(scored.count): cost \(Analysis.number(cost)) points"
            let biggest = terms.filter { $0.cost > 0 }.sorted { $0.cost > $1.cost }.prefix(2)
                .map { "\($0.name) \(Analysis.number($0.cost))" }
            if !biggest.isEmpty { why += " (mostly \(biggest.joined(separator: ", ")))" }
            why +=
                cost < nothing - 1e-9
                ? ", \(Analysis.number(nothing - cost)) points less than doing nothing (\(Analysis.number(nothing)))"
                : ", no better than doing nothing (\(Analysis.number(nothing)))"
            if i + 1 < scored.count {
                let next = scored[i + 1]
                why += "; \(Analysis.number(next.2 - cost)) points cheaper than A\(i + 2) (\(next.0.title))"
                if next.2 - cost < 1e-9 { why += ", preferred by the playbook's order" }
            }
            if i > 0 { why += "; A1 (\(scored[0].0.title)) costs \(Analysis.number(cost - scored[0].2)) points less" }
            if c.outcome.kpis.totalLatenessMinutes <= ctx.baseline.kpis.totalLatenessMinutes
                && c.outcome.kpis.lateCustomerLines <= ctx.baseline.kpis.lateCustomerLines
            {
                why += "; it removes all the lateness the disruption adds"
            }
            if let note = c.note { why += ". \(note)" }
            var action = ProposedAction(
                id: "A\(i + 1)",
                title: c.title,
                steps: c.steps,
                predicted: c.outcome.kpis,
                effect: effect(c, ctx),
                cost: (cost * 100).rounded() / 100,
                costTerms: terms,
                rank: i + 1,
                rationale: why + ".",
                approvals: ctx.state.approvalPolicy.roles(for: c.kinds),
                schedule: c.schedule
            )
            action.target = c.target
            let scope = self.scope(c, ctx)
            action.scope = ActionScope(productionOrders: scope.sorted(), predicted: c.outcome.kpis(on: scope))
            return action
        }
    }

    /// The orders an action is about: those whose completion the disruption or the action changes (against the plan as it
    /// stands and against doing nothing), the orders the disruption names, and those serving a customer line whose
    /// completion changes.
    static func scope(_ c: Candidate, _ ctx: Context) -> Set<ProductionOrder.ID> {
        func completions(_ o: Outcome) -> [ProductionOrder.ID: Int] {
            var out: [ProductionOrder.ID: Int] = [:]
            for (j, order) in o.orders.enumerated() { if let done = o.completion[j] { out[order.id] = done } }
            return out
        }
        let (base, nothing, action) = (completions(ctx.baseline), completions(ctx.doNothing), completions(c.outcome))
        var scope = Set<ProductionOrder.ID>()
        for id in Set(base.keys).union(nothing.keys).union(action.keys) where base[id] != nothing[id] || base[id] != action[id] {
            scope.insert(id)
        }
        for (key, line) in c.outcome.lines
        where ctx.baseline.lines[key]?.completion != line.completion || ctx.doNothing.lines[key]?.completion != line.completion {
            scope.formUnion(c.outcome.lineOrders[key] ?? [])
        }
        for (key, line) in ctx.doNothing.lines where ctx.baseline.lines[key]?.completion != line.completion {
            scope.formUnion(ctx.doNothing.lineOrders[key] ?? [])
        }
        if let po = ctx.disruption.productionOrder { scope.insert(po) }
        scope.formUnion(ctx.disruption.orders ?? [])
        return scope
    }

    /// "late orders 3 → 1, total lateness −14 h 5 min, +2 h overtime on WC-MILL-2", against doing nothing.
    static func effect(_ c: Candidate, _ ctx: Context) -> String {
        let a = ctx.doNothing.kpis
        let b = c.outcome.kpis
        var parts = [
            "late orders \(a.lateOrders) → \(b.lateOrders)", "total lateness \(Analysis.signed(b.totalLatenessMinutes - a.totalLatenessMinutes))",
        ]
        if a.lateCustomerLines != b.lateCustomerLines { parts.append("late customer lines \(a.lateCustomerLines) → \(b.lateCustomerLines)") }
        if b.overtimeMinutes > a.overtimeMinutes {
            parts.append(
                "+\(Analysis.duration(b.overtimeMinutes - a.overtimeMinutes)) overtime worked\(c.overtimeScheduled.map { " of \(Analysis.duration($0)) scheduled" } ?? "")\(c.overtimeOn.map { " on \($0)" } ?? "")"
            )
        }
        if b.movedOperations != a.movedOperations { parts.append("moved operations \(a.movedOperations) → \(b.movedOperations)") }
        if c.repromised > 0 { parts.append("\(c.repromised) customer line\(c.repromised == 1 ? "" : "s") re-promised") }
        return parts.joined(separator: ", ")
    }

    // MARK: Verification

    /// Judges an executed action on what it is about: the exception's disruption simulated again on the plant as it now is,
    /// with the facts learned after the action was approved left out, and the figures taken on the action's scope (the
    /// orders it predicted, and the customer lines they serve). An unrelated event elsewhere in the plant therefore neither
    /// passes nor fails it. Without a scope (an exception recorded before scopes existed) the whole plant is compared.
    static func verify(_ exception: PlantException, action: ProposedAction, state: PlantState, now: Date, options: AnalysisOptions) -> Verification {
        let sim = Simulator(now: now, options: options)
        var d = exception.disruption
        // A promise that did not fit is measured against the promise the line has now (a re-promise changed it).
        if d.kind == .promiseNotFeasible, let so = d.salesOrder, let line = d.line,
            let promised = state.salesOrders[so]?.lines.first(where: { $0.line == line })?.promisedDate
        {
            d.date = promised
        }
        let approved = action.decisions.filter(\.approved).map(\.at).max()
        let scope = action.scope.map { Set($0.productionOrders) }
        let expected = action.scope?.predicted ?? action.predicted
        let observed: PlanKPIs
        do {
            var newOrder: ProductionOrder?
            if d.kind == .rushOrder { newOrder = try rushOrder(&d, state: state, now: now) }
            let outcome = try Context(state: state, disruption: d, sim: sim, newOrder: newOrder, subject: exception.subject, knownAt: approved)
                .doNothing
            observed = scope.map { outcome.kpis(on: $0) } ?? outcome.kpis
        } catch {
            return Verification(
                action: action.id,
                expected: expected,
                observed: PlanKPIs(),
                passed: false,
                text: "The plan could not be simulated again: \(error.message)",
                at: now
            )
        }
        let tolerance = max(30, Int((Double(expected.totalLatenessMinutes) * 0.1).rounded(.up)))
        var failures: [String] = []
        if observed.lateCustomerLines > expected.lateCustomerLines {
            failures.append("late customer lines \(observed.lateCustomerLines) > \(expected.lateCustomerLines) predicted")
        }
        if observed.lateOrders > expected.lateOrders { failures.append("late orders \(observed.lateOrders) > \(expected.lateOrders) predicted") }
        if observed.totalLatenessMinutes > expected.totalLatenessMinutes + tolerance {
            failures.append(
                "total lateness \(Analysis.duration(observed.totalLatenessMinutes)) exceeds the predicted \(Analysis.duration(expected.totalLatenessMinutes)) by more than \(Analysis.duration(tolerance))"
            )
        }
        let on: String
        if let scope {
            let list = scope.sorted().map(\.rawValue)
            on =
                "on the \(scope.count) order\(scope.count == 1 ? "" : "s") the action is about (\(list.prefix(6).joined(separator: ", "))\(list.count > 6 ? ", …" : "")) and the customer lines they serve"
        } else {
            on = "on the whole plant"
        }
        let later = approved.map { " Facts the plant learned after the approval at \(Analysis.stamp($0, state)) are left out." } ?? ""
        let figures =
            "Expected late orders \(expected.lateOrders), late customer lines \(expected.lateCustomerLines), total lateness \(Analysis.duration(expected.totalLatenessMinutes)); observed \(observed.lateOrders), \(observed.lateCustomerLines), \(Analysis.duration(observed.totalLatenessMinutes))"
        let text =
            failures.isEmpty
            ? "Verified \(on): \(figures) (tolerance \(Analysis.duration(tolerance))).\(later)"
            : "Not as predicted \(on): \(failures.joined(separator: "; ")). \(figures).\(later)"
        return Verification(action: action.id, expected: expected, observed: observed, passed: failures.isEmpty, text: text, at: now)
    }
}
