import Foundation

/// A change to apply to a schedule that is already running.
public enum ScheduleChange: Hashable, Sendable, Codable {
    /// The resource cannot work during the window (a breakdown or unplanned maintenance).
    case resourceDown(ResourceID, TimeWindow)
    /// The operation takes longer than planned: its duration on its current resource becomes `newDuration`.
    case operationDelayed(OperationID, newDuration: Int)
    /// A new (rush) order with its operations; their IDs continue the problem's numbering.
    case orderInserted(Order, [SchedulingOperation])
    /// The order is cancelled: its operations are removed and later operations renumbered.
    case orderCancelled(OrderID)
}

/// Options for ``Repairer/repair(_:current:change:options:)``.
public struct RepairOptions: Hashable, Sendable, Codable {
    /// What the short improvement minimises; stability should be part of it.
    public var objective: ObjectiveSpec
    /// Limits for the short improvement after the right-shift repair (a few dozen milliseconds is typical).
    public var limits: SearchLimits
    /// The seed of the improvement search.
    public var seed: UInt64

    /// Creates options.
    public init(
        objective: ObjectiveSpec = .weighted([
            WeightedObjective(.weightedTardiness, weight: 1), WeightedObjective(.stability, weight: 1),
        ]),
        limits: SearchLimits = SearchLimits(timeLimit: 0.05, iterationLimit: 200),
        seed: UInt64 = 1
    ) {
        self.objective = objective
        self.limits = limits
        self.seed = seed
    }
}

/// The outcome of a repair.
public struct RepairOutcome: Hashable, Sendable, Codable {
    /// The changed problem; its `previous` is the schedule before the change (renumbered after a cancellation).
    public var problem: SchedulingProblem
    /// The repaired schedule with its objectives, explanations and checker verdict.
    public var result: SchedulingResult
    /// Operations whose start or resource changed (new operations not counted).
    public var movedOperations: Int
    /// Mean |start shift| over the moved operations (0 when none moved).
    public var meanShift: Double
}

/// Repairs a running schedule after a change, moving as little as possible: operations keep their resource
/// sequences and are only shifted right, new operations are inserted by time, then a short stability-weighted
/// tabu search improves the result.
public enum Repairer {
    /// Repairs `current` after `change`.
    /// - Parameters:
    ///   - problem: the problem `current` was made for.
    ///   - current: the current schedule.
    ///   - change: what happened.
    ///   - options: objective and limits of the improvement.
    /// - Returns: the changed problem and the repaired schedule.
    /// - Throws: ``SchedulingProblemError`` when the change refers to something unknown or makes the problem invalid.
    public static func repair(
        _ problem: SchedulingProblem,
        current: Schedule,
        change: ScheduleChange,
        options: RepairOptions = RepairOptions()
    ) throws(SchedulingProblemError) -> RepairOutcome {
        guard current.operations.count == problem.operations.count else {
            throw .invalidValue("the current schedule has \(current.operations.count) operations, the problem \(problem.operations.count)")
        }
        var p = problem
        var previous = current
        switch change {
        case .resourceDown(let r, let window):
            guard r.rawValue >= 0 && r.rawValue < p.resources.count else { throw .unknownReference("resource \(r)") }
            p.resources[r.rawValue].calendar = p.resources[r.rawValue].calendar.adding(window)
        case .operationDelayed(let o, let newDuration):
            guard o.rawValue >= 0 && o.rawValue < p.operations.count else { throw .unknownReference("operation \(o)") }
            guard newDuration >= 0 else { throw .invalidValue("negative duration \(newDuration) for \(o)") }
            let r = current.operations[o.rawValue].resource
            for i in p.operations[o.rawValue].modes.indices where p.operations[o.rawValue].modes[i].resource == r {
                p.operations[o.rawValue].modes[i].duration = newDuration
            }
        case .orderInserted(let order, let ops):
            guard order.id.rawValue == p.orders.count else { throw .badID("new order must have id \(OrderID(p.orders.count))") }
            p.orders.append(order)
            p.operations.append(contentsOf: ops)
        case .orderCancelled(let id):
            guard id.rawValue >= 0 && id.rawValue < p.orders.count else { throw .unknownReference("order \(id)") }
            var newIndex = [Int](repeating: -1, count: p.operations.count)
            var kept: [SchedulingOperation] = []
            for op in p.operations where op.order != id {
                newIndex[op.id.rawValue] = kept.count
                kept.append(op)
            }
            for i in kept.indices {
                kept[i].id = OperationID(i)
                kept[i].predecessors = kept[i].predecessors.compactMap { pr in
                    let k = newIndex[pr.predecessor.rawValue]
                    return k < 0 ? nil : Precedence(OperationID(k), transferFraction: pr.transferFraction)
                }
            }
            p.operations = kept
            previous = Schedule(
                operations: current.operations.compactMap { s in
                    let k = newIndex[s.operation.rawValue]
                    return k < 0 ? nil : ScheduledOperation(operation: OperationID(k), resource: s.resource, start: s.start, end: s.end)
                }
            )
        }
        p.previous = previous
        try p.validate()
        let model = CompiledProblem(p)
        let existing = previous.operations.count
        let state = reinsert(model: model, previous: previous, existing: existing)
        let floor: [Int?] = (0..<model.opCount).map { $0 < existing ? previous.operations[$0].start : nil }
        var search = GeneralSearch(
            model: model,
            spec: options.objective,
            floor: floor,
            seed: options.seed,
            deadline: options.limits.timeLimit.map { ContinuousClock().now.advanced(by: .seconds($0)) },
            iterationLimit: options.limits.iterationLimit,
            candidateLimit: 12
        )
        guard model.decode(state, floor: floor) != nil else {
            throw .invalidValue("the change makes the current sequences cyclic")
        }
        let best = search.run(from: state)
        guard let timing = model.decode(best, floor: floor) else { throw .invalidValue("internal: repaired solution does not decode") }
        let schedule = model.schedule(best, timing)
        let result = Scheduler.result(p, schedule, iterations: search.iterations, rule: nil)
        var moved = 0
        var shift = 0
        for o in 0..<existing {
            let a = previous.operations[o]
            let b = schedule.operations[o]
            if a.start != b.start || a.resource != b.resource {
                moved += 1
                shift += abs(a.start - b.start)
            }
        }
        return RepairOutcome(problem: p, result: result, movedOperations: moved, meanShift: moved == 0 ? 0 : Double(shift) / Double(moved))
    }

    /// Insertion repair: every operation keeps its placement unless the changed problem invalidates it
    /// (calendar, duration, or a predecessor that moved); invalidated and new operations are re-inserted,
    /// in time order, into the earliest gap at or after their old start on the eligible resource where they
    /// finish first. Operations that are not hit never move, so the ripple stops wherever there is slack.
    static func reinsert(model: CompiledProblem, previous: Schedule, existing: Int) -> SolutionState {
        let n = model.opCount
        var mode = [Int](repeating: 0, count: n)
        var start = [Int](repeating: 0, count: n)
        var end = [Int](repeating: 0, count: n)
        var placed = [Bool](repeating: false, count: n)
        var timeline = [[Int]](repeating: [], count: model.resourceCount)
        var pending: [Int] = []
        for o in 0..<n {
            if let fm = model.fixedMode[o] {
                mode[o] = fm
                start[o] = model.fixedStart[o]
                end[o] = model.fixedEnd(o, duration: model.modes[o][fm].duration)
                placed[o] = true
            } else if o < existing {
                let p = previous.operations[o]
                guard let m = model.modes[o].firstIndex(where: { $0.resource == p.resource }) else {
                    pending.append(o)
                    continue
                }
                mode[o] = m
                let w = model.calendars[p.resource.rawValue].place(
                    earliest: p.start,
                    duration: model.modes[o][m].duration,
                    splittable: model.splittable[o]
                )
                if w.start == p.start && w.end == p.end {
                    start[o] = p.start
                    end[o] = p.end
                    placed[o] = true
                } else {
                    pending.append(o)
                }
            } else {
                pending.append(o)
            }
            if placed[o] { timeline[model.modes[o][mode[o]].resource.rawValue].append(o) }
        }
        for r in timeline.indices { timeline[r].sort { (start[$0], end[$0], $0) < (start[$1], end[$1], $1) } }
        // placed operations whose predecessors are pending or violated become pending too
        func violated(_ o: Int) -> Bool {
            for p in model.preds[o] {
                if !placed[p.op] { return true }
                if p.fraction < 0 {
                    if start[o] < end[p.op] { return true }
                } else {
                    let pd = model.modes[p.op][mode[p.op]].duration
                    if start[o] < start[p.op] + Precedence.transferLag(fraction: p.fraction, duration: pd) || end[o] < end[p.op] {
                        return true
                    }
                }
            }
            return false
        }
        func unplace(_ o: Int) {
            placed[o] = false
            let r = model.modes[o][mode[o]].resource.rawValue
            if let k = timeline[r].firstIndex(of: o) { timeline[r].remove(at: k) }
            pending.append(o)
        }
        var changed = true
        while changed {
            changed = false
            for o in 0..<n where placed[o] && model.fixedMode[o] == nil && violated(o) {
                unplace(o)
                changed = true
            }
        }
        while !pending.isEmpty {
            // the ready pending operation with the earliest old start (or earliest bound for new ones)
            var pick = -1
            var pickKey = Int.max
            for (i, o) in pending.enumerated() where model.preds[o].allSatisfy({ placed[$0.op] }) {
                let key = o < existing ? previous.operations[o].start : model.release[o]
                if key < pickKey || (key == pickKey && pick >= 0 && o < pending[pick]) {
                    pickKey = key
                    pick = i
                }
            }
            guard pick >= 0 else { break }
            let o = pending.remove(at: pick)
            var best = (finish: Int.max, start: 0, mode: 0)
            for (m, md) in model.modes[o].enumerated() {
                mode[o] = m
                var t = model.precedenceBound(o, duration: md.duration, start: start, end: end, modeOf: mode)
                if o < existing { t = max(t, previous.operations[o].start) }
                let r = md.resource.rawValue
                let line = timeline[r]
                var k = 0
                while k < line.count && end[line[k]] <= t { k += 1 }
                var w = TimeWindow(start: t, end: t)
                while true {
                    if k > 0 { t = max(t, end[line[k - 1]] + model.setup(resource: r, from: line[k - 1], to: o)) }
                    w = model.calendars[r].place(earliest: t, duration: md.duration, splittable: model.splittable[o])
                    if k < line.count && w.end + model.setup(resource: r, from: o, to: line[k]) > start[line[k]] {
                        t = max(t, end[line[k]])
                        k += 1
                        continue
                    }
                    break
                }
                let stay = o < existing && previous.operations[o].resource == md.resource
                if w.end < best.finish || (w.end == best.finish && stay) { best = (w.end, w.start, m) }
            }
            mode[o] = best.mode
            start[o] = best.start
            end[o] = best.finish
            placed[o] = true
            let r = model.modes[o][best.mode].resource.rawValue
            var k = 0
            while k < timeline[r].count && (start[timeline[r][k]], end[timeline[r][k]]) <= (start[o], end[o]) { k += 1 }
            timeline[r].insert(o, at: k)
            for v in model.succs[o] where placed[v] && model.fixedMode[v] == nil && violated(v) { unplace(v) }
        }
        var seqs = [[Int]](repeating: [], count: model.resourceCount)
        for r in timeline.indices { seqs[r] = timeline[r].filter { model.fixedMode[$0] == nil } }
        return SolutionState(mode: mode, sequences: seqs)
    }
}
