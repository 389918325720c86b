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
            WeightedObjective(.weightedTardiness, weight: 10), WeightedObjective(.stability, weight: 1),
        ]),
        limits: SearchLimits = SearchLimits(timeLimit: 0.05, iterationLimit: 200), seed: UInt64 = 1
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
        _ problem: SchedulingProblem, current: Schedule, change: ScheduleChange, options: RepairOptions = RepairOptions()
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
                })
        }
        p.previous = previous
        try p.validate()
        let model = CompiledProblem(p)
        // sequences of the existing operations, in their current start order
        let existing = previous.operations.count
        var mode = [Int](repeating: 0, count: model.opCount)
        var seqs = [[Int]](repeating: [], count: model.resourceCount)
        var estStart = [Int](repeating: 0, count: model.opCount)
        var estEnd = [Int](repeating: 0, count: model.opCount)
        for o in 0..<existing {
            let s = previous.operations[o]
            mode[o] = model.fixedMode[o] ?? (model.modes[o].firstIndex { $0.resource == s.resource } ?? 0)
            estStart[o] = s.start
            estEnd[o] = s.end
            if model.fixedMode[o] == nil { seqs[model.modes[o][mode[o]].resource.rawValue].append(o) }
        }
        for r in seqs.indices {
            seqs[r].sort { (previous.operations[$0].start, previous.operations[$0].end, $0) < (previous.operations[$1].start, previous.operations[$1].end, $1) }
        }
        // new operations: to the mode that can finish first, inserted by time
        if existing < model.opCount {
            var loadEnd = [Int](repeating: 0, count: model.resourceCount)
            for r in seqs.indices { loadEnd[r] = seqs[r].last.map { estEnd[$0] } ?? 0 }
            for o in existing..<model.opCount {
                if let fm = model.fixedMode[o] {
                    mode[o] = fm
                    estStart[o] = model.fixedStart[o]
                    estEnd[o] = model.fixedEnd(o, duration: model.modes[o][fm].duration)
                    continue
                }
                var est = model.release[o]
                for pr in model.preds[o] { est = max(est, estEnd[pr.op]) }
                var best = (finish: Int.max, mode: 0, index: 0, start: 0)
                for (m, md) in model.modes[o].enumerated() {
                    let seq = seqs[md.resource.rawValue]
                    // the first gap after est in the current sequence that holds the operation
                    var k = 0
                    while k < seq.count && estEnd[seq[k]] <= est { k += 1 }
                    var t = est
                    while k < seq.count && estStart[seq[k]] < t + md.duration {
                        t = max(t, estEnd[seq[k]])
                        k += 1
                    }
                    if t + md.duration < best.finish { best = (t + md.duration, m, k, t) }
                }
                mode[o] = best.mode
                estStart[o] = best.start
                estEnd[o] = best.finish
                seqs[model.modes[o][best.mode].resource.rawValue].insert(o, at: best.index)
            }
        }
        let state = SolutionState(mode: mode, sequences: seqs)
        let floor: [Int?] = (0..<model.opCount).map { $0 < existing ? previous.operations[$0].start : nil }
        var search = GeneralSearch(
            model: model, spec: options.objective, floor: floor, seed: options.seed,
            deadline: options.limits.timeLimit.map { ContinuousClock().now.advanced(by: .seconds($0)) },
            iterationLimit: options.limits.iterationLimit, candidateLimit: 12)
        guard model.decode(state, floor: floor) != nil else {
            throw .invalidValue("the change makes the current sequences cyclic")
        }
        let relocated = relocate(state, previous: previous, existing: existing, model: model, search: search)
        let best = search.run(from: relocated)
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

    /// Moves operations that the change pushed later to an idle gap at their old start on another eligible
    /// resource, when that improves the objective: this stops the ripple at its source.
    static func relocate(
        _ state: SolutionState, previous: Schedule, existing: Int, model: CompiledProblem, search: GeneralSearch
    ) -> SolutionState {
        guard var current = search.score(state) else { return state }
        var s = state
        var attempts = 0
        var candidates = (0..<existing).filter { current.timing.start[$0] != previous.operations[$0].start && model.modes[$0].count > 1 }
        candidates.sort { previous.operations[$0].start < previous.operations[$1].start }
        for o in candidates.prefix(64) where model.fixedMode[o] == nil {
            guard current.timing.start[o] != previous.operations[o].start else { continue }
            let want = previous.operations[o].start
            for (m, md) in model.modes[o].enumerated() where m != s.mode[o] {
                let r = md.resource.rawValue
                let w = model.place(o, mode: m, earliest: want)
                guard w.start == want else { continue }
                let seq = s.sequences[r]
                var k = 0
                while k < seq.count && current.timing.start[seq[k]] < w.start { k += 1 }
                if k > 0 {
                    let q = seq[k - 1]
                    if current.timing.end[q] + model.setup(resource: r, from: q, to: o) > w.start { continue }
                }
                if k < seq.count {
                    let q = seq[k]
                    if w.end + model.setup(resource: r, from: o, to: q) > current.timing.start[q] { continue }
                }
                attempts += 1
                let trial = search.applied(.reassign(op: o, mode: m, index: k), to: s)
                if let sc = search.score(trial), GeneralSearch.better(sc.score, current.score) {
                    s = trial
                    current = sc
                    break
                }
            }
            if attempts > 48 { break }
        }
        return s
    }
}
