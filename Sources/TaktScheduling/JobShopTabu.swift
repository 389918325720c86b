import Foundation

/// The fast inner engine for classic (chain-structured, single-machine-per-operation) job shops:
/// a tabu search on critical blocks of the disjunctive graph (N5 swaps and N7-style insertions at
/// block ends), scored with the Nowicki–Smutnicki / Balas–Vazacopoulos approximate evaluation.
///
/// All state lives in flat buffers allocated once; the inner loop does not allocate.
/// One engine belongs to one thread.
final class JobShopTabuEngine {
    let n: Int
    let machineCount: Int
    let dur: UnsafeMutablePointer<Int>
    let mach: UnsafeMutablePointer<Int>
    let jp: UnsafeMutablePointer<Int>
    let js: UnsafeMutablePointer<Int>
    let mStart: UnsafeMutablePointer<Int>
    let seq: UnsafeMutablePointer<Int>
    let pos: UnsafeMutablePointer<Int>
    let mp: UnsafeMutablePointer<Int>
    let ms: UnsafeMutablePointer<Int>
    let head: UnsafeMutablePointer<Int>
    let tail: UnsafeMutablePointer<Int>
    let topo: UnsafeMutablePointer<Int>
    let indeg: UnsafeMutablePointer<Int>
    let path: UnsafeMutablePointer<Int>
    let segR: UnsafeMutablePointer<Int>
    let segOrder: UnsafeMutablePointer<Int>
    let tabu: UnsafeMutablePointer<Int32>
    let movesFrom: UnsafeMutablePointer<Int>
    let movesTo: UnsafeMutablePointer<Int>
    let moveCapacity: Int
    var rng: SplitMix64
    var makespan = 0

    /// - Parameters: operations are numbered 0..<n; `jobPred`/`jobSucc` give the routing chains (-1 for none).
    init(durations: [Int], machines: [Int], jobPred: [Int], jobSucc: [Int], machineCount: Int, seed: UInt64) {
        n = durations.count
        self.machineCount = machineCount
        func alloc(_ count: Int) -> UnsafeMutablePointer<Int> {
            let p = UnsafeMutablePointer<Int>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            return p
        }
        dur = alloc(n)
        mach = alloc(n)
        jp = alloc(n)
        js = alloc(n)
        mStart = alloc(machineCount + 1)
        seq = alloc(n)
        pos = alloc(n)
        mp = alloc(n)
        ms = alloc(n)
        head = alloc(n)
        tail = alloc(n)
        topo = alloc(n)
        indeg = alloc(n)
        path = alloc(n)
        segR = alloc(n)
        segOrder = alloc(n)
        moveCapacity = 4 * n + 16
        movesFrom = alloc(moveCapacity)
        movesTo = alloc(moveCapacity)
        tabu = UnsafeMutablePointer<Int32>.allocate(capacity: max(n * n, 1))
        tabu.initialize(repeating: 0, count: max(n * n, 1))
        rng = SplitMix64(seed: seed)
        var counts = [Int](repeating: 0, count: machineCount)
        for i in 0..<n {
            dur[i] = durations[i]
            mach[i] = machines[i]
            jp[i] = jobPred[i]
            js[i] = jobSucc[i]
            counts[machines[i]] += 1
        }
        mStart[0] = 0
        for k in 0..<machineCount { mStart[k + 1] = mStart[k] + counts[k] }
    }

    deinit {
        for p in [dur, mach, jp, js, mStart, seq, pos, mp, ms, head, tail, topo, indeg, path, segR, segOrder, movesFrom, movesTo] {
            p.deallocate()
        }
        tabu.deallocate()
    }

    /// Loads machine sequences (one list of operation numbers per machine).
    func load(_ sequences: [[Int]]) {
        for k in 0..<machineCount {
            let base = mStart[k]
            for (i, op) in sequences[k].enumerated() {
                seq[base + i] = op
            }
        }
        rebuildLinks()
    }

    func rebuildLinks() {
        for k in 0..<machineCount {
            let a = mStart[k]
            let b = mStart[k + 1]
            for i in a..<b {
                let op = seq[i]
                pos[op] = i
                mp[op] = i > a ? seq[i - 1] : -1
                ms[op] = i + 1 < b ? seq[i + 1] : -1
            }
        }
    }

    /// The current machine sequences.
    func sequences() -> [[Int]] {
        (0..<machineCount).map { k in (mStart[k]..<mStart[k + 1]).map { seq[$0] } }
    }

    func copySequence(into buffer: inout [Int]) {
        for i in 0..<n { buffer[i] = seq[i] }
    }

    func restoreSequence(from buffer: [Int]) {
        for i in 0..<n { seq[i] = buffer[i] }
        rebuildLinks()
    }

    /// Recomputes heads and tails in topological order; returns false when the graph has a cycle.
    @inline(__always)
    func evaluate() -> Bool {
        var qt = 0
        for i in 0..<n {
            var d = 0
            if jp[i] >= 0 { d += 1 }
            if mp[i] >= 0 { d += 1 }
            indeg[i] = d
            if d == 0 {
                topo[qt] = i
                qt += 1
            }
        }
        var qh = 0
        var cmax = 0
        while qh < qt {
            let u = topo[qh]
            qh += 1
            var h = 0
            let a = jp[u]
            if a >= 0 { h = head[a] + dur[a] }
            let b = mp[u]
            if b >= 0 {
                let e = head[b] + dur[b]
                if e > h { h = e }
            }
            head[u] = h
            let f = h + dur[u]
            if f > cmax { cmax = f }
            let c = js[u]
            if c >= 0 {
                indeg[c] -= 1
                if indeg[c] == 0 {
                    topo[qt] = c
                    qt += 1
                }
            }
            let d = ms[u]
            if d >= 0 {
                indeg[d] -= 1
                if indeg[d] == 0 {
                    topo[qt] = d
                    qt += 1
                }
            }
        }
        if qt < n { return false }
        var i = n - 1
        while i >= 0 {
            let u = topo[i]
            var t = 0
            let c = js[u]
            if c >= 0 { t = tail[c] + dur[c] }
            let d = ms[u]
            if d >= 0 {
                let e = tail[d] + dur[d]
                if e > t { t = e }
            }
            tail[u] = t
            i -= 1
        }
        makespan = cmax
        return true
    }

    /// Finds one critical path (random end among ties); returns its length in `path`.
    func criticalPath() -> Int {
        var end = -1
        var ties = 0
        for i in 0..<n where head[i] + dur[i] == makespan && tail[i] == 0 {
            ties += 1
            if rng.below(ties) == 0 { end = i }
        }
        if end < 0 { return 0 }
        var len = 0
        var u = end
        while true {
            path[len] = u
            len += 1
            let b = mp[u]
            let a = jp[u]
            let viaM = b >= 0 && head[b] + dur[b] == head[u]
            let viaJ = a >= 0 && head[a] + dur[a] == head[u]
            if viaM && viaJ {
                u = rng.below(4) == 0 ? a : b
            } else if viaM {
                u = b
            } else if viaJ {
                u = a
            } else {
                break
            }
        }
        // reverse into forward order
        var i = 0
        var j = len - 1
        while i < j {
            let t = path[i]
            path[i] = path[j]
            path[j] = t
            i += 1
            j -= 1
        }
        return len
    }

    /// Generates N7-style moves on the blocks of the current critical path into movesFrom/movesTo.
    func generateMoves() -> Int {
        let len = criticalPath()
        var count = 0
        var i = 0
        // blocks as ranges of positions in the machine sequences
        while i < len {
            var j = i
            while j + 1 < len && ms[path[j]] == path[j + 1] { j += 1 }
            let a = pos[path[i]]
            let b = pos[path[j]]
            let first = (i == 0)
            let last = (j == len - 1)
            if b > a && count + 4 * (b - a + 1) < moveCapacity {
                if !first {
                    // internal / last ops to the front of the block
                    for k in (a + 1)...b {
                        movesFrom[count] = k
                        movesTo[count] = a
                        count += 1
                    }
                }
                if !last {
                    // first / internal ops to the end of the block
                    for k in a..<b {
                        movesFrom[count] = k
                        movesTo[count] = b
                        count += 1
                    }
                }
                if b - a >= 3 {
                    // first op into the interior, last op into the interior
                    if !first || !last {
                        for k in (a + 2)..<b {
                            movesFrom[count] = a
                            movesTo[count] = k
                            count += 1
                        }
                        for k in (a + 1)..<(b - 1) {
                            movesFrom[count] = b
                            movesTo[count] = k
                            count += 1
                        }
                    }
                }
            }
            i = j + 1
        }
        return count
    }

    /// Approximate makespan after moving the op at seq position `from` to position `to` (same machine).
    @inline(__always)
    func estimate(from: Int, to: Int) -> Int {
        let u = seq[from]
        let k = mach[u]
        let lo = min(from, to)
        let hi = max(from, to)
        var len = 0
        if from < to {
            for p in (from + 1)...to {
                segOrder[len] = seq[p]
                len += 1
            }
            segOrder[len] = u
            len += 1
        } else {
            segOrder[len] = u
            len += 1
            for p in to..<from {
                segOrder[len] = seq[p]
                len += 1
            }
        }
        var prevEnd = 0
        if lo > mStart[k] {
            let x = seq[lo - 1]
            prevEnd = head[x] + dur[x]
        }
        for t in 0..<len {
            let x = segOrder[t]
            var r = prevEnd
            let a = jp[x]
            if a >= 0 {
                let e = head[a] + dur[a]
                if e > r { r = e }
            }
            segR[t] = r
            prevEnd = r + dur[x]
        }
        var nextQ = 0
        if hi + 1 < mStart[k + 1] {
            let y = seq[hi + 1]
            nextQ = tail[y] + dur[y]
        }
        var est = 0
        var t = len - 1
        while t >= 0 {
            let x = segOrder[t]
            var q = nextQ
            let c = js[x]
            if c >= 0 {
                let e = tail[c] + dur[c]
                if e > q { q = e }
            }
            let v = segR[t] + dur[x] + q
            if v > est { est = v }
            nextQ = q + dur[x]
            t -= 1
        }
        return est
    }

    @inline(__always)
    func isTabu(from: Int, to: Int, iteration: Int32) -> Bool {
        let u = seq[from]
        if from < to {
            for p in (from + 1)...to where tabu[seq[p] * n + u] > iteration { return true }
        } else {
            for p in to..<from where tabu[u * n + seq[p]] > iteration { return true }
        }
        return false
    }

    @inline(__always)
    func recordTabu(from: Int, to: Int, until: Int32) {
        // called before applying: forbid restoring the arcs the move reverses
        let u = seq[from]
        if from < to {
            for p in (from + 1)...to { tabu[u * n + seq[p]] = until }
        } else {
            for p in to..<from { tabu[seq[p] * n + u] = until }
        }
    }

    /// Moves the op at seq position `from` to position `to`, updating links.
    @inline(__always)
    func apply(from: Int, to: Int) {
        let u = seq[from]
        if from < to {
            for p in from..<to { seq[p] = seq[p + 1] }
        } else {
            var p = from
            while p > to {
                seq[p] = seq[p - 1]
                p -= 1
            }
        }
        seq[to] = u
        let k = mach[u]
        let lo = min(from, to)
        let hi = max(from, to)
        let a = mStart[k]
        let b = mStart[k + 1]
        let l = max(lo - 1, a)
        let h = min(hi + 1, b - 1)
        for i in l...h {
            let op = seq[i]
            pos[op] = i
            mp[op] = i > a ? seq[i - 1] : -1
            ms[op] = i + 1 < b ? seq[i + 1] : -1
        }
    }

    /// Builds an active schedule with Giffler–Thompson and a randomised priority rule, leaving it loaded.
    /// - Parameter rule: 0 most work remaining, 1 shortest processing time, 2 most operations remaining, 3 random.
    func buildGifflerThompson(jobFirstOps: [Int], rule: Int, noise: Double) {
        let jobs = jobFirstOps.count
        var next = jobFirstOps
        var jobReady = [Int](repeating: 0, count: jobs)
        var machFree = [Int](repeating: 0, count: machineCount)
        var fill = [Int](repeating: 0, count: machineCount)
        var remainingWork = [Int](repeating: 0, count: jobs)
        var remainingOps = [Int](repeating: 0, count: jobs)
        for j in 0..<jobs {
            var o = jobFirstOps[j]
            while o >= 0 {
                remainingWork[j] += dur[o]
                remainingOps[j] += 1
                o = js[o]
            }
        }
        var scheduled = 0
        while scheduled < n {
            var bestC = Int.max
            var bestM = -1
            for j in 0..<jobs where next[j] >= 0 {
                let o = next[j]
                let c = max(jobReady[j], machFree[mach[o]]) + dur[o]
                if c < bestC {
                    bestC = c
                    bestM = mach[o]
                }
            }
            var chosen = -1
            var chosenScore = -Double.infinity
            for j in 0..<jobs where next[j] >= 0 {
                let o = next[j]
                guard mach[o] == bestM else { continue }
                let s = max(jobReady[j], machFree[bestM])
                guard s < bestC || (s == bestC && dur[o] == 0) else { continue }
                var score: Double
                switch rule {
                case 0: score = Double(remainingWork[j])
                case 1: score = -Double(dur[o])
                case 2: score = Double(remainingOps[j])
                default: score = 0
                }
                score *= 1 + noise * (rng.unit() - 0.5)
                score += rng.unit() * 1e-6
                if score > chosenScore {
                    chosenScore = score
                    chosen = j
                }
            }
            if chosen < 0 {
                // zero-length corner case: take the op achieving bestC
                for j in 0..<jobs where next[j] >= 0 && mach[next[j]] == bestM {
                    chosen = j
                    break
                }
            }
            let o = next[chosen]
            let s = max(jobReady[chosen], machFree[bestM])
            jobReady[chosen] = s + dur[o]
            machFree[bestM] = s + dur[o]
            seq[mStart[bestM] + fill[bestM]] = o
            fill[bestM] += 1
            remainingWork[chosen] -= dur[o]
            remainingOps[chosen] -= 1
            next[chosen] = js[o]
            scheduled += 1
        }
        rebuildLinks()
    }
}

/// Limits for an anytime search.
public struct SearchLimits: Hashable, Sendable, Codable {
    /// Wall-clock limit in seconds (nil: none). With a time limit the result depends on machine speed.
    public var timeLimit: Double?
    /// Iteration limit per worker (nil: none). With only an iteration limit a run is fully deterministic for a seed.
    public var iterationLimit: Int?

    /// Creates limits; at least one should be set, or the search stops after its constructive phase.
    public init(timeLimit: Double? = nil, iterationLimit: Int? = nil) {
        self.timeLimit = timeLimit
        self.iterationLimit = iterationLimit
    }
}

/// The result of ``JobShopSolver/solve(_:limits:seed:threads:lowerBound:)``.
public struct JobShopSolution: Sendable, Equatable {
    /// Operation numbers per machine in processing order; operation `k` of job `j` is `offset[j] + k`.
    public var machineSequences: [[Int]]
    /// Start time of every operation (jobs concatenated in order).
    public var starts: [Int]
    /// The makespan.
    public var makespan: Int
    /// Iterations performed, summed over workers.
    public var iterations: Int
}

/// A makespan solver for classic job shops: constructive rules, then parallel tabu searches.
public enum JobShopSolver {
    /// Solves a job-shop instance for minimum makespan.
    ///
    /// Runs `threads` independent tabu searches with seeds derived from `seed` and returns the best.
    /// With only an iteration limit the result is the same for the same seed on every run.
    /// - Parameters:
    ///   - instance: the instance.
    ///   - limits: time and/or iteration limits (per worker).
    ///   - seed: the base seed.
    ///   - threads: number of parallel workers (at least 1).
    ///   - lowerBound: stop early once this makespan is reached (defaults to the trivial bound).
    /// - Returns: the best schedule found.
    public static func solve(
        _ instance: JobShopInstance,
        limits: SearchLimits,
        seed: UInt64 = 1,
        threads: Int = 2,
        lowerBound: Int? = nil
    ) -> JobShopSolution {
        let clock = ContinuousClock()
        let started = clock.now
        let deadline = limits.timeLimit.map { started.advanced(by: .seconds($0)) }
        let workers = max(1, threads)
        let results = ResultSlots<JobShopSolution>(count: workers)
        let bound = lowerBound ?? instance.trivialLowerBound
        if workers == 1 {
            results.set(0, runWorker(instance, limits: limits, deadline: deadline, seed: SplitMix64.derive(seed, 0), bound: bound))
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                results.set(w, runWorker(instance, limits: limits, deadline: deadline, seed: SplitMix64.derive(seed, w), bound: bound))
            }
        }
        let all = results.values()
        var best = all[0]
        var iterations = 0
        for r in all {
            iterations += r.iterations
            if r.makespan < best.makespan { best = r }
        }
        best.iterations = iterations
        return best
    }

    static func runWorker(
        _ instance: JobShopInstance,
        limits: SearchLimits,
        deadline: ContinuousClock.Instant?,
        seed: UInt64,
        bound: Int
    ) -> JobShopSolution {
        var durations: [Int] = []
        var machines: [Int] = []
        var jobPred: [Int] = []
        var jobSucc: [Int] = []
        var firstOps: [Int] = []
        for job in instance.jobs {
            let base = durations.count
            firstOps.append(job.isEmpty ? -1 : base)
            for (k, s) in job.enumerated() {
                durations.append(s.duration)
                machines.append(s.machine)
                jobPred.append(k == 0 ? -1 : base + k - 1)
                jobSucc.append(k == job.count - 1 ? -1 : base + k + 1)
            }
        }
        let firsts = firstOps.filter { $0 >= 0 }
        let engine = JobShopTabuEngine(
            durations: durations,
            machines: machines,
            jobPred: jobPred,
            jobSucc: jobSucc,
            machineCount: instance.machineCount,
            seed: seed
        )
        let n = durations.count
        var search = TabuSearchDriver(engine: engine, deadline: deadline, iterationLimit: limits.iterationLimit, lowerBound: bound)
        // constructive phase: several randomised priority rules, keep the best
        var bestSeq = [Int](repeating: 0, count: n)
        var bestC = Int.max
        for attempt in 0..<12 {
            engine.buildGifflerThompson(jobFirstOps: firsts, rule: attempt % 4, noise: attempt < 4 ? 0 : 0.3)
            _ = engine.evaluate()
            if engine.makespan < bestC {
                bestC = engine.makespan
                engine.copySequence(into: &bestSeq)
            }
        }
        engine.restoreSequence(from: bestSeq)
        _ = engine.evaluate()
        search.run()
        engine.restoreSequence(from: search.bestSequence)
        _ = engine.evaluate()
        var starts = [Int](repeating: 0, count: n)
        for i in 0..<n { starts[i] = engine.head[i] }
        return JobShopSolution(machineSequences: engine.sequences(), starts: starts, makespan: engine.makespan, iterations: search.iterations)
    }
}

/// The tabu search loop with elite restarts around a ``JobShopTabuEngine``.
struct TabuSearchDriver {
    let engine: JobShopTabuEngine
    let deadline: ContinuousClock.Instant?
    let iterationLimit: Int?
    let lowerBound: Int
    var iterations = 0
    var bestSequence: [Int]
    var bestMakespan = Int.max

    init(engine: JobShopTabuEngine, deadline: ContinuousClock.Instant?, iterationLimit: Int?, lowerBound: Int) {
        self.engine = engine
        self.deadline = deadline
        self.iterationLimit = iterationLimit
        self.lowerBound = lowerBound
        bestSequence = [Int](repeating: 0, count: engine.n)
    }

    mutating func run() {
        let e = engine
        let n = e.n
        let jobsPerMachine = max(1, n / max(1, e.machineCount))
        let tenureMin = 10 + jobsPerMachine / max(1, e.machineCount)
        let tenureSpan = max(2, (tenureMin * 4) / 10)
        let stallLimit = 2_000 + 10 * n
        e.copySequence(into: &bestSequence)
        bestMakespan = e.makespan
        // elite pool
        var elite: [(makespan: Int, seq: [Int])] = [(bestMakespan, bestSequence)]
        let eliteSize = 6
        var sinceImprove = 0
        var iteration: Int32 = 1
        let clock = ContinuousClock()
        if bestMakespan <= lowerBound { return }
        while true {
            if let limit = iterationLimit, iterations >= limit { break }
            if let deadline, iterations & 63 == 0, clock.now >= deadline { break }
            if deadline == nil && iterationLimit == nil { break }
            iterations += 1
            iteration += 1
            let count = e.generateMoves()
            if count == 0 {
                // the critical path has no movable block: this solution is optimal for its path; restart
                sinceImprove = stallLimit
            } else {
                var bestEst = Int.max
                var bestIdx = -1
                var ties = 0
                var fallbackIdx = -1
                var fallbackEst = Int.max
                for m in 0..<count {
                    let from = e.movesFrom[m]
                    let to = e.movesTo[m]
                    let est = e.estimate(from: from, to: to)
                    let tabu = e.isTabu(from: from, to: to, iteration: iteration)
                    if !tabu || est < bestMakespan {
                        if est < bestEst {
                            bestEst = est
                            bestIdx = m
                            ties = 1
                        } else if est == bestEst {
                            ties += 1
                            if e.rng.below(ties) == 0 { bestIdx = m }
                        }
                    } else if est < fallbackEst || (est == fallbackEst && e.rng.below(2) == 0) {
                        fallbackEst = est
                        fallbackIdx = m
                    }
                }
                let chosen = bestIdx >= 0 ? bestIdx : fallbackIdx
                let from = e.movesFrom[chosen]
                let to = e.movesTo[chosen]
                let tenure = Int32(tenureMin + e.rng.below(tenureSpan))
                e.recordTabu(from: from, to: to, until: iteration + tenure)
                e.apply(from: from, to: to)
                if !e.evaluate() {
                    e.apply(from: to, to: from)
                    _ = e.evaluate()
                    sinceImprove += 1
                } else if e.makespan < bestMakespan {
                    bestMakespan = e.makespan
                    e.copySequence(into: &bestSequence)
                    sinceImprove = 0
                    if bestMakespan <= lowerBound { break }
                } else {
                    sinceImprove += 1
                }
            }
            if sinceImprove >= stallLimit {
                // keep the solution the stalled phase ended on in the elite pool (if good enough), then restart from an elite one
                if let worst = elite.indices.max(by: { elite[$0].makespan < elite[$1].makespan }) {
                    if elite.count < eliteSize {
                        var s = [Int](repeating: 0, count: n)
                        e.copySequence(into: &s)
                        elite.append((e.makespan, s))
                    } else if e.makespan < elite[worst].makespan {
                        var s = [Int](repeating: 0, count: n)
                        e.copySequence(into: &s)
                        elite[worst] = (e.makespan, s)
                    }
                }
                let pick = e.rng.below(2) == 0 ? elite.indices.min(by: { elite[$0].makespan < elite[$1].makespan }) ?? 0 : e.rng.below(elite.count)
                e.restoreSequence(from: elite[pick].seq)
                _ = e.evaluate()
                perturb(steps: 2 + e.rng.below(6))
                iteration += Int32(tenureMin + tenureSpan + 1)
                sinceImprove = 0
            }
        }
    }

    /// Applies a few random critical-block moves, ignoring tabu status.
    mutating func perturb(steps: Int) {
        let e = engine
        for _ in 0..<steps {
            let count = e.generateMoves()
            if count == 0 { return }
            let m = e.rng.below(count)
            let from = e.movesFrom[m]
            let to = e.movesTo[m]
            e.apply(from: from, to: to)
            if !e.evaluate() {
                e.apply(from: to, to: from)
                _ = e.evaluate()
            } else if e.makespan < bestMakespan {
                bestMakespan = e.makespan
                e.copySequence(into: &bestSequence)
            }
        }
    }
}
