import Foundation
import TaktCore
import TaktPlanning
import TaktScheduling

// The simulation behind impact, actions and verification: the plant as a scheduling problem, cross-order pegging,
// a disruption overlay, plans kept from the published schedule and decoded (never searched, except to resequence),
// and the KPIs of a decoded plan. Deterministic: the same state, disruption and now give the same numbers.

/// An operation of a production order, by its routing sequence.
struct OpKey: Hashable, Comparable {
    var order: ProductionOrder.ID
    var sequence: Int
    static func < (a: Self, b: Self) -> Bool { (a.order, a.sequence) < (b.order, b.sequence) }
}

/// A sales order line.
struct LineKey: Hashable, Comparable {
    var salesOrder: SalesOrder.ID
    var line: Int
    static func < (a: Self, b: Self) -> Bool { (a.salesOrder, a.line) < (b.salesOrder, b.line) }
}

/// The plant (or a variant of it) as a scheduling problem, with the way back to orders and operations.
struct Scenario {
    var state: PlantState
    var planning: PlanningProblem
    var index: [OpKey: Int]
    /// Overtime windows in the plan, by resource: the plant's own and those an action adds.
    var overtime: [(resource: Int, window: TimeWindow)]
    var resourceIndex: [WorkCenter.ID: Int]
    /// The published schedule's steps, by operation.
    var published: [OpKey: ScheduledStep]
    /// The plan as it stands (the baseline), by operation: an operation *moves* when a plan starts it at another minute or on
    /// another work center. Nil until the baseline is decoded (the baseline itself moves nothing).
    var reference: [OpKey: (start: Int, resource: Int)]?
    /// Completed production orders serving an open customer line that has not shipped in full: when their goods are ready
    /// to ship (their completion, or the assumed end of a hold on them).
    var finished: [ProductionOrder.ID: Date] = [:]

    var problem: SchedulingProblem {
        get { planning.problem }
        set { planning.problem = newValue }
    }
    func key(_ i: Int) -> OpKey { OpKey(order: planning.operations[i].productionOrder, sequence: planning.operations[i].sequence) }
    func minutes(_ date: Date) -> Int { Int((date.timeIntervalSince(planning.origin) / 60).rounded(.down)) }
    func minutesUp(_ date: Date) -> Int { Int((date.timeIntervalSince(planning.origin) / 60).rounded(.up)) }
    func date(_ minute: Int) -> Date { planning.date(minute) }
}

/// A plan in the form the decoder takes: a resource per operation, a sequence per resource, earliest starts.
struct Plan {
    var assignment: [ResourceID]
    var sequences: [[OperationID]]
    var floor: [Int?]
}

/// A decoded plan and its figures.
struct Outcome {
    var schedule: Schedule
    var kpis: PlanKPIs
    /// Completion minute per order index of the scenario (nil: nothing left to schedule).
    var completion: [Int?]
    /// Customer lines served by open production, with their completion and the date measured against.
    var lines: [LineKey: (completion: Date, due: Date, late: Int)]
    /// Per order index: the order, its due minute and its priority weight (so figures can be taken on part of the plan).
    var orders: [(id: ProductionOrder.ID, due: Int?, weight: Double)] = []
    /// The production orders serving each line.
    var lineOrders: [LineKey: Set<ProductionOrder.ID>] = [:]

    /// The lateness figures on some orders only, and the customer lines they serve: what an action is judged on. Overtime,
    /// setup and moved operations are plant-wide and left at 0.
    func kpis(on scope: Set<ProductionOrder.ID>) -> PlanKPIs {
        var k = PlanKPIs()
        for (j, o) in orders.enumerated() where scope.contains(o.id) {
            guard let c = completion[j], let due = o.due, c > due else { continue }
            k.lateOrders += 1
            k.totalLatenessMinutes += c - due
            k.weightedTardinessMinutes += o.weight * Double(c - due)
        }
        for (key, l) in lines where l.late > 0 && !(lineOrders[key] ?? []).isDisjoint(with: scope) {
            k.lateCustomerLines += 1
            k.customerLatenessMinutes += l.late
        }
        k.weightedTardinessMinutes = (k.weightedTardinessMinutes * 100).rounded() / 100
        return k
    }
}

struct Simulator {
    let now: Date
    let options: AnalysisOptions

    // MARK: Problems

    /// The plant's open orders as a problem (with cross-order pegging, see `PlanningProblem.pegSemiFinishedSupply`) on
    /// the plant's picture: every fact it knows, less `excluding` (the subjects of the exception being simulated), and
    /// only those known at `knownAt` when given (verification leaves out what came after the action).
    func base(_ state: PlantState, excluding: Set<String> = [], knownAt: Date? = nil) throws(OrchestrationError) -> Scenario {
        let planning: PlanningProblem
        do {
            var picture = PlantPicture(state: state, now: now).excluding(excluding)
            if let knownAt { picture = picture.known(at: knownAt) }
            planning = try PlanningProblem(state: state, origin: now, picture: picture)
        } catch {
            throw OrchestrationError(field: "(plant)", rule: "not-schedulable", message: error.message)
        }
        var index: [OpKey: Int] = [:]
        for (i, ref) in planning.operations.enumerated() { index[OpKey(order: ref.productionOrder, sequence: ref.sequence)] = i }
        let resourceIndex = Dictionary(uniqueKeysWithValues: planning.workCenters.enumerated().map { ($1, $0) })
        var sc = Scenario(
            state: state,
            planning: planning,
            index: index,
            overtime: [],
            resourceIndex: resourceIndex,
            published: Analysis.publishedSteps(state)
        )
        for po in state.productionOrders.values where po.status == .completed {
            guard let peg = po.pegging, let so = state.salesOrders[peg.salesOrder], so.status == .open,
                let line = so.lines.first(where: { $0.line == peg.line }),
                state.shippedQuantity(salesOrder: so.id, line: line.line) < line.quantity - 1e-9
            else { continue }
            sc.finished[po.id] = po.completedAt ?? now
        }
        for fact in planning.picture.facts where fact.disruption.kind == .qualityHold {
            holdFinishedGoods(fact.disruption, on: &sc)
        }
        for (wc, list) in state.overtime {
            guard let r = resourceIndex[wc] else { continue }
            for o in list {
                let w = TimeWindow(start: sc.minutes(o.start), end: sc.minutesUp(o.end))
                if w.end > 0 { sc.overtime.append((r, w)) }
            }
        }
        return sc
    }

    /// Adds overtime windows to a scenario exactly as planning adds the plant's overtime: working time over the shift
    /// gaps, planned downtime still down.
    func addOvertime(_ list: [Overtime], to sc: inout Scenario) {
        for o in list {
            guard let r = sc.resourceIndex[o.workCenter], let wc = sc.state.workCenters[o.workCenter] else { continue }
            let w = TimeWindow(start: sc.minutes(o.start), end: sc.minutesUp(o.end))
            var breaks: [TimeWindow] = []
            for b in sc.problem.resources[r].calendar.breaks {
                if b.end <= w.start || b.start >= w.end {
                    breaks.append(b)
                    continue
                }
                if b.start < w.start { breaks.append(TimeWindow(start: b.start, end: w.start)) }
                if b.end > w.end { breaks.append(TimeWindow(start: w.end, end: b.end)) }
            }
            for d in wc.plannedDowntime { breaks.append(TimeWindow(start: sc.minutes(d.start), end: sc.minutesUp(d.end))) }
            sc.problem.resources[r].calendar = ResourceCalendar(breaks: breaks)
            // Overtime does not bring back a machine the plant knows is down (or a work center under a hold).
            for fact in sc.planning.picture.facts
            where fact.disruption.workCenter == o.workCenter
                && (fact.disruption.kind == .machineDown || fact.disruption.kind == .qualityHold)
            {
                sc.planning.impose(
                    Disruption(kind: .machineDown, workCenter: o.workCenter, from: fact.disruption.from, until: fact.disruption.until),
                    state: sc.state
                )
            }
            sc.overtime.append((r, w))
        }
    }

    /// What the exception assumes, laid over a scenario of the plant as it is (less the fact the exception is about):
    /// capacity and material through the one translation planning uses (``PlanningProblem/impose(_:state:published:)``),
    /// orders and promises here (a changed or infeasible promise pulls its production's due date in).
    func overlay(_ d: Disruption, on sc: inout Scenario) {
        var d = d
        if d.until == nil { d.until = d.from.addingTimeInterval(Double(options.assumedDurationMinutes) * 60) }
        switch d.kind {
        case .salesOrderChanged, .promiseNotFeasible:
            guard let so = d.salesOrder, let date = d.date else { return }
            for (j, id) in sc.planning.orders.enumerated() {
                guard let po = sc.state.productionOrders[id], po.pegging?.salesOrder == so, d.line == nil || po.pegging?.line == d.line else {
                    continue
                }
                sc.problem.orders[j].due = min(sc.problem.orders[j].due ?? Int.max, sc.minutes(date))
            }
        case .qualityHold:
            holdFinishedGoods(d, on: &sc)
            fallthrough
        default:
            var published: [OperationRef: ScheduledStep] = [:]
            for (key, step) in sc.published { published[OperationRef(productionOrder: key.order, operation: key.sequence)] = step }
            sc.planning.impose(d, state: sc.state, published: published)
        }
    }

    /// Finished goods a hold puts on hold cannot ship before the hold's (assumed) end.
    func holdFinishedGoods(_ d: Disruption, on sc: inout Scenario) {
        guard let until = d.until else { return }
        for lot in d.lots {
            guard let po = sc.state.lots[lot]?.productionOrder, let ready = sc.finished[po] else { continue }
            sc.finished[po] = max(ready, until)
        }
    }

    /// Sets the earliest start of operations (material available at a date).
    func release(_ releases: [OpKey: Date], on sc: inout Scenario) {
        for (key, date) in releases {
            guard let i = sc.index[key], sc.problem.operations[i].fixed == nil else { continue }
            sc.problem.operations[i].release = max(0, sc.minutesUp(date))
        }
    }

    // MARK: Plans

    /// The published schedule kept: every operation on its published work center and in its published order (and not
    /// before its published start); operations it does not hold go after them by earliest due date, on their first
    /// eligible work center. Sequences follow one precedence-respecting order, so they never deadlock.
    func referencePlan(_ sc: Scenario) -> Plan {
        let published = sc.published
        let ops = sc.problem.operations
        var assignment = [ResourceID](repeating: ResourceID(0), count: ops.count)
        var key = [Double](repeating: 0, count: ops.count)
        var floor = [Int?](repeating: nil, count: ops.count)
        for (i, op) in ops.enumerated() {
            if let f = op.fixed {
                assignment[i] = f.resource
                key[i] = Double(f.start)
                continue
            }
            if let step = published[sc.key(i)], let r = sc.resourceIndex[step.workCenter], op.duration(on: ResourceID(r)) != nil {
                assignment[i] = ResourceID(r)
                key[i] = Double(sc.minutes(step.start))
                floor[i] = sc.minutes(step.start)
            } else {
                assignment[i] = op.modes[0].resource
                key[i] = 1e9 + Double(sc.problem.orders[op.order.rawValue].due ?? 1_000_000_000)
            }
        }
        return plan(sc, assignment: assignment, key: key, floor: floor)
    }

    /// Sequences from a priority per operation, in one topological order of the precedences (lowest key first).
    func plan(_ sc: Scenario, assignment: [ResourceID], key: [Double], floor: [Int?]) -> Plan {
        let ops = sc.problem.operations
        var indegree = ops.map(\.predecessors.count)
        var successors = [[Int]](repeating: [], count: ops.count)
        for op in ops { for p in op.predecessors { successors[p.predecessor.rawValue].append(op.id.rawValue) } }
        var heap = MinHeap()
        for i in ops.indices where indegree[i] == 0 { heap.push(key[i], i) }
        var sequences = [[OperationID]](repeating: [], count: sc.problem.resources.count)
        while let i = heap.pop() {
            if ops[i].fixed == nil { sequences[assignment[i].rawValue].append(OperationID(i)) }
            for s in successors[i] {
                indegree[s] -= 1
                if indegree[s] == 0 { heap.push(key[s], s) }
            }
        }
        return Plan(assignment: assignment, sequences: sequences, floor: floor)
    }

    /// The plan with these operations moved to other resources, placed by their start in `schedule`, not held to floors.
    func moving(_ moves: [Int: ResourceID], in sc: Scenario, from plan: Plan, schedule: Schedule) -> Plan {
        var assignment = plan.assignment
        var floor = plan.floor
        for (i, r) in moves {
            assignment[i] = r
            floor[i] = nil
        }
        let key = schedule.operations.map { Double($0.start) + Double($0.end - $0.start) * 1e-6 }
        return self.plan(sc, assignment: assignment, key: key, floor: floor)
    }

    func decode(_ sc: Scenario, _ plan: Plan) throws(OrchestrationError) -> Schedule {
        guard let s = Scheduler.evaluate(sc.problem, assignment: plan.assignment, sequences: plan.sequences, notBefore: plan.floor) else {
            throw OrchestrationError(
                field: "(plant)",
                rule: "not-schedulable",
                message: "the plan could not be timed (its sequences contradict the routings)"
            )
        }
        return s
    }

    /// Resequencing: the improvement search from a plan, weighted tardiness against stability, iteration-limited.
    func resequence(_ sc: Scenario, from schedule: Schedule) -> Schedule {
        var problem = sc.problem
        problem.previous = schedule
        let spec = ObjectiveSpec.weighted([
            WeightedObjective(.weightedTardiness, weight: 1), WeightedObjective(.stability, weight: options.resequenceStabilityWeight),
        ])
        let iterations = max(30, min(options.resequenceIterations, options.resequenceWork / max(1, problem.operations.count)))
        return Scheduler.improve(problem, from: schedule, objective: spec, iterationLimit: iterations, seed: options.seed)
            ?? schedule
    }

    // MARK: Figures

    /// The KPIs of a schedule, measured against due dates, customer dates (`promises` override them) and the
    /// published schedule.
    func measure(_ sc: Scenario, _ schedule: Schedule, promises: [LineKey: Date] = [:]) -> Outcome {
        let problem = sc.problem
        var completion = [Int?](repeating: nil, count: problem.orders.count)
        for s in schedule.operations {
            let j = problem.operations[s.operation.rawValue].order.rawValue
            completion[j] = max(completion[j] ?? Int.min, s.end)
        }
        var k = PlanKPIs()
        var orders = sc.planning.orders.enumerated().map { (j, id) in (id: id, due: problem.orders[j].due, weight: problem.orders[j].weight) }
        // A completed order whose goods a hold keeps back is done only when they can be used: it counts like an open order
        // finishing then (an order completed in the past counts nowhere).
        for (id, ready) in sc.finished.sorted(by: { $0.key < $1.key }) where ready > now {
            guard let po = sc.state.productionOrders[id] else { continue }
            orders.append((id, sc.minutes(po.dueDate), Double(6 - min(5, max(1, po.priority)))))
            completion.append(sc.minutesUp(ready))
        }
        for (j, order) in orders.enumerated() {
            guard let c = completion[j], let due = order.due, c > due else { continue }
            k.lateOrders += 1
            k.totalLatenessMinutes += c - due
            k.weightedTardinessMinutes += order.weight * Double(c - due)
        }
        var lines: [LineKey: (completion: Date, due: Date, late: Int)] = [:]
        var lineOrders: [LineKey: Set<ProductionOrder.ID>] = [:]
        func serve(_ id: ProductionOrder.ID, done: Date) {
            guard let peg = sc.state.productionOrders[id]?.pegging, let so = sc.state.salesOrders[peg.salesOrder], so.status == .open,
                let line = so.lines.first(where: { $0.line == peg.line })
            else { return }
            let key = LineKey(salesOrder: so.id, line: line.line)
            lineOrders[key, default: []].insert(id)
            let due = promises[key] ?? line.dueDate
            if let old = lines[key], old.completion >= done { return }
            lines[key] = (done, due, DeliveryForecast.minutesLate(finish: done, due: due))
        }
        for (j, id) in sc.planning.orders.enumerated() {
            if let c = completion[j] { serve(id, done: sc.date(c)) }
        }
        // A line its finished goods serve is done when they can ship (a hold keeps them back).
        for (id, ready) in sc.finished.sorted(by: { $0.key < $1.key }) { serve(id, done: ready) }
        for l in lines.values where l.late > 0 {
            k.lateCustomerLines += 1
            k.customerLatenessMinutes += l.late
        }
        for (r, w) in sc.overtime {
            for s in schedule.operations where s.resource.rawValue == r {
                k.overtimeMinutes += max(0, min(s.end, w.end) - max(s.start, w.start))
            }
        }
        k.setupMinutes = ObjectiveValues.of(schedule, in: problem).totalSetup
        if let reference = sc.reference {
            for s in schedule.operations {
                guard let before = reference[sc.key(s.operation.rawValue)] else { continue }
                if before.start != s.start || before.resource != s.resource.rawValue { k.movedOperations += 1 }
            }
        }
        k.weightedTardinessMinutes = (k.weightedTardinessMinutes * 100).rounded() / 100
        return Outcome(schedule: schedule, kpis: k, completion: completion, lines: lines, orders: orders, lineOrders: lineOrders)
    }

    /// A schedule as the plant publishes it.
    func published(_ sc: Scenario, _ schedule: Schedule, id: PublishedSchedule.ID) -> PublishedSchedule {
        sc.planning.published(schedule, id: id, on: sc.problem)
    }
}

/// A binary min-heap of (key, index), ties by index.
struct MinHeap {
    private var items: [(Double, Int)] = []
    private static func less(_ a: (Double, Int), _ b: (Double, Int)) -> Bool { a.0 < b.0 || (a.0 == b.0 && a.1 < b.1) }
    mutating func push(_ key: Double, _ value: Int) {
        items.append((key, value))
        var c = items.count - 1
        while c > 0 {
            let p = (c - 1) / 2
            guard Self.less(items[c], items[p]) else { break }
            items.swapAt(c, p)
            c = p
        }
    }
    mutating func pop() -> Int? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var p = 0
            while true {
                let l = 2 * p + 1
                let r = l + 1
                var m = p
                if l < items.count && Self.less(items[l], items[m]) { m = l }
                if r < items.count && Self.less(items[r], items[m]) { m = r }
                if m == p { break }
                items.swapAt(p, m)
                p = m
            }
        }
        return top.1
    }
}
