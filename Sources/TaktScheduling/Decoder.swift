/// Flat, precomputed view of a ``SchedulingProblem`` used by the schedule builders.
struct CompiledProblem: Sendable {
    let problem: SchedulingProblem
    let opCount: Int
    let resourceCount: Int
    /// Per operation: release (max of op and order release).
    let release: [Int]
    let family: [Int?]
    let splittable: [Bool]
    let modes: [[Mode]]
    let fixedMode: [Int?]
    /// Predecessors as (op, transfer fraction or -1).
    let preds: [[(op: Int, fraction: Double)]]
    let succs: [[Int]]
    let calendars: [ResourceCalendar]
    let setups: [SetupRule]
    /// Frozen operations per resource, sorted by start.
    let fixedOnResource: [[Int]]
    let fixedStart: [Int]
    /// Longest remaining path (with shortest modes) from the op's start to the end of its downstream chain.
    let remainingWork: [Int]
    let previousStart: [Int?]
    let hasSetups: Bool
    let meanDuration: Double

    init(_ problem: SchedulingProblem) {
        self.problem = problem
        opCount = problem.operations.count
        resourceCount = problem.resources.count
        release = problem.operations.map { max($0.release, problem.orders[$0.order.rawValue].release) }
        family = problem.operations.map(\.setupFamily)
        splittable = problem.operations.map(\.splittable)
        modes = problem.operations.map(\.modes)
        fixedMode = problem.operations.map { op in
            op.fixed.flatMap { f in op.modes.firstIndex { $0.resource == f.resource } }
        }
        fixedStart = problem.operations.map { $0.fixed?.start ?? 0 }
        preds = problem.operations.map { op in op.predecessors.map { ($0.predecessor.rawValue, $0.transferFraction ?? -1) } }
        var s = [[Int]](repeating: [], count: problem.operations.count)
        for op in problem.operations {
            for p in op.predecessors { s[p.predecessor.rawValue].append(op.id.rawValue) }
        }
        succs = s
        calendars = problem.resources.map(\.calendar)
        setups = problem.resources.map(\.setup)
        hasSetups = problem.resources.contains { $0.setup != .none }
        var fixedLists = [[Int]](repeating: [], count: problem.resources.count)
        for op in problem.operations {
            if let f = op.fixed { fixedLists[f.resource.rawValue].append(op.id.rawValue) }
        }
        let starts = fixedStart
        fixedOnResource = fixedLists.map { $0.sorted { starts[$0] < starts[$1] } }
        // remaining work in reverse topological order
        var indeg = s.map(\.count)
        var order: [Int] = indeg.indices.filter { indeg[$0] == 0 }
        var h = 0
        let predLists = preds
        while h < order.count {
            let u = order[h]
            h += 1
            for p in predLists[u] {
                indeg[p.op] -= 1
                if indeg[p.op] == 0 { order.append(p.op) }
            }
        }
        var rw = [Int](repeating: 0, count: problem.operations.count)
        for u in order {
            let own = problem.operations[u].modes.map(\.duration).min() ?? 0
            var down = 0
            for v in s[u] { down = max(down, rw[v]) }
            rw[u] = own + down
        }
        remainingWork = rw
        previousStart = problem.operations.map { problem.previous?[$0.id]?.start }
        let total = problem.operations.reduce(0.0) { $0 + Double($1.modes.map(\.duration).min() ?? 0) }
        meanDuration = problem.operations.isEmpty ? 1 : max(1, total / Double(problem.operations.count))
    }

    @inline(__always)
    func setup(resource r: Int, from a: Int, to b: Int) -> Int {
        hasSetups ? setups[r].time(from: family[a], to: family[b]) : 0
    }

    /// Places non-fixed op `o` in mode `m` no earlier than `earliest`, avoiding breaks and frozen operations.
    func place(_ o: Int, mode m: Int, earliest: Int) -> TimeWindow {
        let mode = modes[o][m]
        let r = mode.resource.rawValue
        var t = earliest
        while true {
            let w = calendars[r].place(earliest: t, duration: mode.duration, splittable: splittable[o])
            var conflict = false
            for f in fixedOnResource[r] {
                let fd = modes[f][fixedMode[f] ?? 0].duration
                let fEnd = fixedEnd(f, duration: fd)
                let before = setup(resource: r, from: f, to: o)
                let after = setup(resource: r, from: o, to: f)
                if w.start < fEnd + before && fixedStart[f] < w.end + after {
                    t = fEnd + before
                    conflict = true
                    break
                }
            }
            if !conflict { return w }
        }
    }

    /// Where a frozen operation ends: a splittable one pauses over every break from its start on (including one it
    /// starts in: a running job waits out the night), a non-splittable one runs straight through.
    func fixedEnd(_ f: Int, duration: Int) -> Int {
        guard splittable[f] else { return fixedStart[f] + duration }
        let r = modes[f][fixedMode[f] ?? 0].resource.rawValue
        return calendars[r].place(earliest: fixedStart[f], duration: duration, splittable: true).end
    }

    /// Earliest start of `o` allowed by its releases and its (already timed) predecessors, for duration `d`.
    @inline(__always)
    func precedenceBound(_ o: Int, duration d: Int, start: [Int], end: [Int], modeOf: [Int]) -> Int {
        var t = release[o]
        for p in preds[o] {
            if p.fraction < 0 {
                t = max(t, end[p.op])
            } else {
                let pd = modes[p.op][modeOf[p.op]].duration
                t = max(t, start[p.op] + Precedence.transferLag(fraction: p.fraction, duration: pd), end[p.op] - d)
            }
        }
        return t
    }
}

/// A solution in search form: a mode per operation and a sequence of non-frozen operations per resource.
struct SolutionState: Sendable, Equatable {
    var mode: [Int]
    var sequences: [[Int]]
}

/// Timed result of decoding a ``SolutionState``.
struct Timing: Sendable {
    var start: [Int]
    var end: [Int]
}

extension CompiledProblem {
    /// Semi-active decoding: every operation as early as its predecessors, its resource sequence, its
    /// calendar and frozen operations allow (and not before `floor`, if given). Returns nil on a cycle.
    func decode(_ s: SolutionState, floor: [Int?]? = nil) -> Timing? {
        let n = opCount
        var start = [Int](repeating: 0, count: n)
        var end = [Int](repeating: 0, count: n)
        var prevOnResource = [Int](repeating: -1, count: n)
        var nextOnResource = [Int](repeating: -1, count: n)
        for seq in s.sequences {
            var last = -1
            for o in seq {
                prevOnResource[o] = last
                if last >= 0 { nextOnResource[last] = o }
                last = o
            }
        }
        var indeg = [Int](repeating: 0, count: n)
        var queue = [Int]()
        queue.reserveCapacity(n)
        for o in 0..<n {
            indeg[o] = preds[o].count + (prevOnResource[o] >= 0 ? 1 : 0)
            if indeg[o] == 0 { queue.append(o) }
        }
        var h = 0
        while h < queue.count {
            let o = queue[h]
            h += 1
            let m = s.mode[o]
            let d = modes[o][m].duration
            if fixedMode[o] != nil {
                start[o] = fixedStart[o]
                end[o] = fixedEnd(o, duration: d)
            } else {
                var t = precedenceBound(o, duration: d, start: start, end: end, modeOf: s.mode)
                let q = prevOnResource[o]
                if q >= 0 { t = max(t, end[q] + setup(resource: modes[o][m].resource.rawValue, from: q, to: o)) }
                if let floor, let f = floor[o] { t = max(t, f) }
                let w = place(o, mode: m, earliest: t)
                start[o] = w.start
                end[o] = w.end
            }
            for v in succs[o] {
                indeg[v] -= 1
                if indeg[v] == 0 { queue.append(v) }
            }
            let v = nextOnResource[o]
            if v >= 0 {
                indeg[v] -= 1
                if indeg[v] == 0 { queue.append(v) }
            }
        }
        if h < n { return nil }
        return Timing(start: start, end: end)
    }

    func schedule(_ s: SolutionState, _ t: Timing) -> Schedule {
        Schedule(
            operations: (0..<opCount).map { o in
                ScheduledOperation(operation: OperationID(o), resource: modes[o][s.mode[o]].resource, start: t.start[o], end: t.end[o])
            }
        )
    }

    /// Fast objective values from a timing (setups only when asked).
    func values(_ s: SolutionState, _ t: Timing, withSetups: Bool) -> ObjectiveValues {
        var completion = [Int](repeating: Int.min, count: problem.orders.count)
        var makespan = 0
        for o in 0..<opCount {
            makespan = max(makespan, t.end[o])
            let j = problem.operations[o].order.rawValue
            if t.end[o] > completion[j] { completion[j] = t.end[o] }
        }
        var wt = 0.0
        var tt = 0
        var late = 0
        for order in problem.orders {
            guard let due = order.due, completion[order.id.rawValue] != Int.min else { continue }
            let x = completion[order.id.rawValue] - due
            if x > 0 {
                late += 1
                tt += x
                wt += order.weight * Double(x)
            }
        }
        var setupTotal = 0
        if withSetups && hasSetups {
            setupTotal = ObjectiveValues.of(schedule(s, t), in: problem).totalSetup
        }
        var shift = 0
        var moved = 0
        if let previous = problem.previous {
            for o in 0..<opCount {
                guard let p = previousStart[o] else { continue }
                shift += abs(t.start[o] - p)
                if t.start[o] != p || previous.operations[o].resource != modes[o][s.mode[o]].resource { moved += 1 }
            }
        }
        return ObjectiveValues(
            makespan: makespan,
            weightedTardiness: wt,
            totalTardiness: tt,
            lateOrders: late,
            totalSetup: setupTotal,
            stabilityShift: shift,
            movedOperations: moved
        )
    }

    /// The search form of an existing schedule (sequences in start order).
    func state(from schedule: Schedule) -> SolutionState {
        var mode = [Int](repeating: 0, count: opCount)
        var seqs = [[Int]](repeating: [], count: resourceCount)
        for o in 0..<opCount {
            let sched = schedule.operations[o]
            mode[o] = modes[o].firstIndex { $0.resource == sched.resource } ?? 0
            if let fm = fixedMode[o] { mode[o] = fm }
            if fixedMode[o] == nil { seqs[modes[o][mode[o]].resource.rawValue].append(o) }
        }
        for r in 0..<resourceCount {
            seqs[r].sort {
                (schedule.operations[$0].start, schedule.operations[$0].end, $0) < (schedule.operations[$1].start, schedule.operations[$1].end, $1)
            }
        }
        return SolutionState(mode: mode, sequences: seqs)
    }
}
