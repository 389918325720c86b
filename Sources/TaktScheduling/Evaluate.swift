/// Decoding a given plan, and improving one from where it stands: the building blocks of what-if simulation,
/// where "do nothing" means keeping every operation's resource and sequence and letting the times shift.
extension Scheduler {
    /// Times a plan given as a resource per operation and a sequence per resource (semi-active: every operation as
    /// early as its predecessors, its place in its resource's sequence, its calendar and frozen operations allow).
    /// - Parameters:
    ///   - problem: the problem.
    ///   - assignment: `assignment[i]` is the resource of operation `i` (ignored for frozen operations, which keep theirs).
    ///   - sequences: `sequences[r]` lists the non-frozen operations on resource `r` in processing order; every
    ///     non-frozen operation must appear exactly once, on its assigned resource (frozen ones listed are skipped).
    ///   - notBefore: optional earliest starts per operation (e.g. the start a published plan gave it).
    /// - Returns: the schedule, or nil when the plan is malformed (an ineligible resource, an operation missing or
    ///   repeated) or its sequences contradict the precedences (a cycle).
    public static func evaluate(
        _ problem: SchedulingProblem,
        assignment: [ResourceID],
        sequences: [[OperationID]],
        notBefore: [Int?]? = nil
    ) -> Schedule? {
        let model = CompiledProblem(problem)
        guard let state = solutionState(model, assignment: assignment, sequences: sequences),
            let timing = model.decode(state, floor: notBefore.flatMap { $0.count == model.opCount ? $0 : nil })
        else { return nil }
        return model.schedule(state, timing)
    }

    /// Improves a plan by the general improvement search, starting from `schedule` (not from a constructive rule).
    /// Deterministic for a seed: there is only an iteration limit, no time limit.
    /// - Parameters:
    ///   - problem: the problem; set its `previous` to make a stability objective meaningful.
    ///   - schedule: the starting plan (a schedule of `problem`; its resources and start order give the sequences).
    ///   - objective: what to minimise.
    ///   - iterationLimit: search iterations.
    ///   - seed: the search's seed.
    /// - Returns: the best schedule found (never worse than `schedule` by `objective`), or nil when `schedule` does not
    ///   fit `problem`.
    public static func improve(
        _ problem: SchedulingProblem,
        from schedule: Schedule,
        objective: ObjectiveSpec,
        iterationLimit: Int,
        seed: UInt64 = 1
    ) -> Schedule? {
        guard schedule.operations.count == problem.operations.count else { return nil }
        let model = CompiledProblem(problem)
        let start = model.state(from: schedule)
        guard let startTiming = model.decode(start) else { return nil }
        var search = GeneralSearch(model: model, spec: objective, seed: seed, deadline: nil, iterationLimit: max(0, iterationLimit))
        let best = search.run(from: start)
        guard let timing = model.decode(best) else { return model.schedule(start, startTiming) }
        let withSetups = objective.objectives.contains(.totalSetup)
        let a = objective.score(model.values(best, timing, withSetups: withSetups))
        let b = objective.score(model.values(start, startTiming, withSetups: withSetups))
        return GeneralSearch.better(b, a) ? model.schedule(start, startTiming) : model.schedule(best, timing)
    }

    static func solutionState(_ model: CompiledProblem, assignment: [ResourceID], sequences: [[OperationID]]) -> SolutionState? {
        guard assignment.count == model.opCount, sequences.count <= model.resourceCount else { return nil }
        var mode = [Int](repeating: 0, count: model.opCount)
        for o in 0..<model.opCount {
            if let fm = model.fixedMode[o] {
                mode[o] = fm
            } else {
                guard let m = model.modes[o].firstIndex(where: { $0.resource == assignment[o] }) else { return nil }
                mode[o] = m
            }
        }
        var seen = [Bool](repeating: false, count: model.opCount)
        var seqs = [[Int]](repeating: [], count: model.resourceCount)
        for (r, list) in sequences.enumerated() {
            for id in list {
                let o = id.rawValue
                guard o >= 0, o < model.opCount else { return nil }
                if model.fixedMode[o] != nil { continue }
                guard !seen[o], model.modes[o][mode[o]].resource.rawValue == r else { return nil }
                seen[o] = true
                seqs[r].append(o)
            }
        }
        for o in 0..<model.opCount where model.fixedMode[o] == nil && !seen[o] { return nil }
        return SolutionState(mode: mode, sequences: seqs)
    }
}
