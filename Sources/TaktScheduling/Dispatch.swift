import Foundation

/// A priority rule for the constructive start.
public enum DispatchRule: String, Hashable, Sendable, Codable, CaseIterable {
    /// Apparent tardiness cost: weight / duration × exp(−slack / (k × mean duration)).
    case atc
    /// Earliest due date first.
    case edd
    /// Most work remaining first.
    case mwkr
    /// Shortest processing time first.
    case spt
}

extension CompiledProblem {
    /// Builds a schedule with a Giffler–Thompson style generation scheme: among ready operations, those that can
    /// start before the earliest possible completion compete, and the rule picks one; each operation goes to the
    /// eligible resource where it finishes first.
    func construct(rule: DispatchRule, rng: inout SplitMix64, noise: Double = 0) -> SolutionState {
        let n = opCount
        var mode = [Int](repeating: 0, count: n)
        var seqs = [[Int]](repeating: [], count: resourceCount)
        var start = [Int](repeating: 0, count: n)
        var end = [Int](repeating: 0, count: n)
        var lastOnResource = [Int](repeating: -1, count: resourceCount)
        var remainingPreds = preds.map(\.count)
        var ready: [Int] = []
        var done = [Bool](repeating: false, count: n)
        // frozen operations first, at their fixed times
        for o in 0..<n {
            if let fm = fixedMode[o] {
                mode[o] = fm
                start[o] = fixedStart[o]
                end[o] = fixedEnd(o, duration: modes[o][fm].duration)
                done[o] = true
            }
        }
        for o in 0..<n where done[o] {
            for v in succs[o] { remainingPreds[v] -= 1 }
        }
        for o in 0..<n where !done[o] && remainingPreds[o] == 0 { ready.append(o) }
        var candStart = [Int](repeating: 0, count: n)
        var candEnd = [Int](repeating: 0, count: n)
        var candMode = [Int](repeating: 0, count: n)
        while !ready.isEmpty {
            var minEnd = Int.max
            for o in ready {
                var bestEnd = Int.max
                var bestStart = 0
                var bestMode = 0
                for (m, md) in modes[o].enumerated() {
                    mode[o] = m
                    var t = precedenceBound(o, duration: md.duration, start: start, end: end, modeOf: mode)
                    let r = md.resource.rawValue
                    let q = lastOnResource[r]
                    if q >= 0 { t = max(t, end[q] + setup(resource: r, from: q, to: o)) }
                    let w = place(o, mode: m, earliest: t)
                    if w.end < bestEnd || (w.end == bestEnd && md.duration < modes[o][bestMode].duration) {
                        bestEnd = w.end
                        bestStart = w.start
                        bestMode = m
                    }
                }
                candStart[o] = bestStart
                candEnd[o] = bestEnd
                candMode[o] = bestMode
                minEnd = min(minEnd, bestEnd)
            }
            var chosenIndex = 0
            var chosenScore = -Double.infinity
            for (i, o) in ready.enumerated() where candStart[o] < minEnd || candEnd[o] == minEnd {
                let d = Double(modes[o][candMode[o]].duration)
                let order = problem.orders[problem.operations[o].order.rawValue]
                var score: Double
                switch rule {
                case .atc:
                    let due = Double(order.due ?? Int.max / 4)
                    let slack = max(0, due - Double(remainingWork[o]) - Double(candStart[o]))
                    score = order.weight / max(d, 1) * exp(-slack / (2 * meanDuration))
                case .edd:
                    score = -Double(order.due ?? Int.max / 4) + Double(remainingWork[o]) * 1e-6
                case .mwkr:
                    score = Double(remainingWork[o])
                case .spt:
                    score = -d
                }
                if noise > 0 { score += abs(score) * noise * (rng.unit() - 0.5) }
                if score > chosenScore {
                    chosenScore = score
                    chosenIndex = i
                }
            }
            let o = ready[chosenIndex]
            ready.swapAt(chosenIndex, ready.count - 1)
            ready.removeLast()
            mode[o] = candMode[o]
            start[o] = candStart[o]
            end[o] = candEnd[o]
            let r = modes[o][mode[o]].resource.rawValue
            seqs[r].append(o)
            lastOnResource[r] = o
            done[o] = true
            for v in succs[o] {
                remainingPreds[v] -= 1
                if remainingPreds[v] == 0 && !done[v] { ready.append(v) }
            }
        }
        return SolutionState(mode: mode, sequences: seqs)
    }
}
