/// Improvement search for general problems: tabu search over the operations on a critical chain (the chain of
/// binding constraints behind the worst late order or the makespan), with adjacent swaps on a resource and
/// reassignment of an operation to another eligible resource. Every candidate is scored by a full decode.
struct GeneralSearch {
    let model: CompiledProblem
    let spec: ObjectiveSpec
    let floor: [Int?]?
    var rng: SplitMix64
    let deadline: ContinuousClock.Instant?
    let iterationLimit: Int?
    let candidateLimit: Int

    private(set) var iterations = 0

    init(
        model: CompiledProblem,
        spec: ObjectiveSpec,
        floor: [Int?]? = nil,
        seed: UInt64,
        deadline: ContinuousClock.Instant?,
        iterationLimit: Int?,
        candidateLimit: Int = 24
    ) {
        self.model = model
        self.spec = spec
        self.floor = floor
        self.rng = SplitMix64(seed: seed)
        self.deadline = deadline
        self.iterationLimit = iterationLimit
        self.candidateLimit = candidateLimit
    }

    var needsSetups: Bool { spec.objectives.contains(.totalSetup) }

    func score(_ s: SolutionState) -> (score: [Double], timing: Timing, values: ObjectiveValues)? {
        guard let t = model.decode(s, floor: floor) else { return nil }
        let v = model.values(s, t, withSetups: needsSetups)
        return (spec.score(v), t, v)
    }

    static func better(_ a: [Double], _ b: [Double]) -> Bool {
        for i in 0..<min(a.count, b.count) {
            if a[i] < b[i] - 1e-9 { return true }
            if a[i] > b[i] + 1e-9 { return false }
        }
        return false
    }

    enum Move {
        case swap(resource: Int, index: Int)  // swap sequences[resource][index-1] and [index]
        case reassign(op: Int, mode: Int, index: Int)

        func movedOperation(_ s: SolutionState) -> Int {
            switch self {
            case .swap(let r, let i): s.sequences[r][i]
            case .reassign(let o, _, _): o
            }
        }
    }

    func applied(_ move: Move, to s: SolutionState) -> SolutionState {
        var s = s
        switch move {
        case .swap(let r, let i):
            s.sequences[r].swapAt(i - 1, i)
        case .reassign(let o, let m, let index):
            let from = model.modes[o][s.mode[o]].resource.rawValue
            if let k = s.sequences[from].firstIndex(of: o) { s.sequences[from].remove(at: k) }
            s.mode[o] = m
            let to = model.modes[o][m].resource.rawValue
            s.sequences[to].insert(o, at: min(index, s.sequences[to].count))
        }
        return s
    }

    /// The operation to explain: the end of the makespan, of a late order (by weighted tardiness) or a moved op.
    mutating func target(_ s: SolutionState, _ t: Timing) -> Int {
        let objectives = spec.objectives
        let pick = objectives.isEmpty ? Objective.makespan : objectives[rng.below(4) == 0 ? rng.below(objectives.count) : 0]
        switch pick {
        case .weightedTardiness:
            var last = [Int](repeating: -1, count: model.problem.orders.count)
            for o in 0..<model.opCount {
                let j = model.problem.operations[o].order.rawValue
                if last[j] < 0 || t.end[o] > t.end[last[j]] { last[j] = o }
            }
            var total = 0.0
            var chosen = -1
            for order in model.problem.orders {
                guard let due = order.due, last[order.id.rawValue] >= 0 else { continue }
                let late = Double(t.end[last[order.id.rawValue]] - due) * order.weight
                if late > 0 {
                    total += late
                    if rng.unit() * total < late { chosen = last[order.id.rawValue] }
                }
            }
            if chosen >= 0 { return chosen }
        case .stability:
            var count = 0
            var chosen = -1
            for o in 0..<model.opCount {
                if let p = model.previousStart[o], p != t.start[o] {
                    count += 1
                    if rng.below(count) == 0 { chosen = o }
                }
            }
            if chosen >= 0 { return chosen }
        case .makespan, .totalSetup:
            break
        }
        var best = 0
        for o in 0..<model.opCount where t.end[o] > t.end[best] || (t.end[o] == t.end[best] && rng.below(2) == 0) { best = o }
        return best
    }

    /// Candidate moves along the binding chain that ends at `target`.
    mutating func moves(_ s: SolutionState, _ t: Timing, target: Int) -> [Move] {
        var position = [Int](repeating: -1, count: model.opCount)
        for seq in s.sequences {
            for (i, o) in seq.enumerated() { position[o] = i }
        }
        var result: [Move] = []
        var o = target
        var steps = 0
        while o >= 0 && steps < model.opCount {
            steps += 1
            if model.fixedMode[o] != nil { break }
            let r = model.modes[o][s.mode[o]].resource.rawValue
            let i = position[o]
            // swap with the resource predecessor when it is binding (or adjacent in time)
            var next = -1
            if i > 0 {
                let q = s.sequences[r][i - 1]
                if t.end[q] + model.setup(resource: r, from: q, to: o) >= t.start[o] {
                    result.append(.swap(resource: r, index: i))
                    next = q
                }
            }
            if i + 1 < s.sequences[r].count && rng.below(3) == 0 {
                result.append(.swap(resource: r, index: i + 1))
            }
            // reassignment to every other eligible resource, near the same time
            if model.modes[o].count > 1 {
                for (m, md) in model.modes[o].enumerated() where m != s.mode[o] {
                    let seq = s.sequences[md.resource.rawValue]
                    var k = 0
                    while k < seq.count && t.start[seq[k]] < t.start[o] { k += 1 }
                    result.append(.reassign(op: o, mode: m, index: k))
                    if k > 0 { result.append(.reassign(op: o, mode: m, index: k - 1)) }
                }
            }
            if next < 0 {
                // follow a binding predecessor
                let d = model.modes[o][s.mode[o]].duration
                for p in model.preds[o] {
                    let bound: Int
                    if p.fraction < 0 {
                        bound = t.end[p.op]
                    } else {
                        let pd = model.modes[p.op][s.mode[p.op]].duration
                        bound = max(t.start[p.op] + Precedence.transferLag(fraction: p.fraction, duration: pd), t.end[p.op] - d)
                    }
                    if bound == t.start[o] {
                        next = p.op
                        break
                    }
                }
            }
            o = next
        }
        return result
    }

    /// Runs the tabu search from `initial`; returns the best state found and its decode.
    mutating func run(from initial: SolutionState) -> SolutionState {
        guard var current = score(initial) else { return initial }
        var state = initial
        var best = state
        var bestScore = current.score
        var tabuUntil = [Int](repeating: 0, count: model.opCount)
        var sinceImprove = 0
        let stall = 200 + model.opCount / 2
        let clock = ContinuousClock()
        while true {
            if let limit = iterationLimit, iterations >= limit { break }
            if let deadline, clock.now >= deadline { break }
            if deadline == nil && iterationLimit == nil { break }
            iterations += 1
            let tgt = target(state, current.timing)
            var candidates = moves(state, current.timing, target: tgt)
            if candidates.isEmpty {
                sinceImprove += 1
            } else {
                while candidates.count > candidateLimit {
                    candidates.swapAt(rng.below(candidates.count), candidates.count - 1)
                    candidates.removeLast()
                }
                var chosen: (SolutionState, (score: [Double], timing: Timing, values: ObjectiveValues), Int)?
                for mv in candidates {
                    let op = mv.movedOperation(state)
                    let next = applied(mv, to: state)
                    guard let sc = score(next) else { continue }
                    let isTabu = tabuUntil[op] > iterations
                    if isTabu && !GeneralSearch.better(sc.score, bestScore) { continue }
                    if chosen == nil || GeneralSearch.better(sc.score, chosen?.1.score ?? []) {
                        chosen = (next, sc, op)
                    }
                    if let deadline, clock.now >= deadline { break }
                }
                if let (next, sc, op) = chosen {
                    state = next
                    current = sc
                    tabuUntil[op] = iterations + 3 + rng.below(8)
                    if GeneralSearch.better(sc.score, bestScore) {
                        best = state
                        bestScore = sc.score
                        sinceImprove = 0
                    } else {
                        sinceImprove += 1
                    }
                } else {
                    sinceImprove += 1
                }
            }
            if sinceImprove > stall {
                state = best
                if let sc = score(best) { current = sc }
                sinceImprove = 0
            }
        }
        return best
    }
}
