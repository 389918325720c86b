import Foundation

/// Options for ``Scheduler/solve(_:options:)``.
public struct SchedulingOptions: Hashable, Sendable, Codable {
    /// What to minimise.
    public var objective: ObjectiveSpec
    /// Time and/or iteration limits for the improvement search.
    public var limits: SearchLimits
    /// The base seed; workers use seeds derived from it.
    public var seed: UInt64
    /// Parallel workers (each runs its own search; the best result wins).
    public var threads: Int
    /// The constructive rules to try (the best start is kept).
    public var rules: [DispatchRule]

    /// Creates options.
    public init(
        objective: ObjectiveSpec = .lexicographic([.weightedTardiness, .makespan]),
        limits: SearchLimits = SearchLimits(timeLimit: 1),
        seed: UInt64 = 1,
        threads: Int = 2,
        rules: [DispatchRule] = DispatchRule.allCases
    ) {
        self.objective = objective
        self.limits = limits
        self.seed = seed
        self.threads = threads
        self.rules = rules
    }
}

/// What one step of a late order's critical chain waited for.
public enum DelayCause: Hashable, Sendable, Codable {
    /// The resource was busy with this operation (plus setup).
    case resource(ResourceID, busyWith: OperationID)
    /// A predecessor (routing step or assembly component) had to finish (or deliver a transfer batch).
    case predecessor(OperationID)
    /// The operation's or order's release (material availability).
    case release
    /// The operation is frozen at its start.
    case frozen
    /// The operation waited for working time in the resource calendar (or a frozen operation), or nothing bound it.
    case calendarOrIdle
}

/// One step of a critical chain, from the order's last operation backwards.
public struct ChainStep: Hashable, Sendable, Codable {
    /// The operation.
    public var operation: OperationID
    /// Where it ran.
    public var resource: ResourceID
    /// Its start.
    public var start: Int
    /// Its end.
    public var end: Int
    /// What its start waited for.
    public var cause: DelayCause
}

/// Why an order is late: its critical chain walked back from its last operation.
public struct LatenessExplanation: Hashable, Sendable, Codable {
    /// The late order.
    public var order: OrderID
    /// Its completion time.
    public var completion: Int
    /// Its due date.
    public var due: Int
    /// completion − due (positive).
    public var lateness: Int
    /// Resources on the chain where an operation waited because the resource was busy, most recent first.
    public var resources: [ResourceID]
    /// Predecessor operations on the chain whose completion an operation waited for, most recent first.
    public var predecessors: [OperationID]
    /// The chain itself, from the last operation backwards.
    public var chain: [ChainStep]
}

/// The result of a solve or a repair.
public struct SchedulingResult: Hashable, Sendable, Codable {
    /// The best schedule found.
    public var schedule: Schedule
    /// Its objective values.
    public var objectives: ObjectiveValues
    /// One explanation per late order.
    public var lateness: [LatenessExplanation]
    /// What the independent checker found (empty for a valid schedule).
    public var violations: [ScheduleViolation]
    /// Search iterations performed over all workers.
    public var iterations: Int
    /// The constructive rule that gave the starting schedule (nil for the pure job-shop engine or repair).
    public var startRule: DispatchRule?
}

/// The finite-capacity scheduler: a constructive start and an anytime improvement search.
public enum Scheduler {
    /// Schedules a problem.
    ///
    /// Results are reproducible for a seed when only an iteration limit is set; with a time limit they depend on
    /// how many iterations fit. Pure job shops with a makespan objective use the fast ``JobShopSolver`` engine.
    /// - Parameters:
    ///   - problem: the problem.
    ///   - options: objective, limits, seed and threads.
    /// - Returns: the best schedule found, checked by ``ScheduleChecker``.
    /// - Throws: ``SchedulingProblemError`` when the problem is malformed.
    public static func solve(
        _ problem: SchedulingProblem,
        options: SchedulingOptions = SchedulingOptions()
    ) throws(SchedulingProblemError)
        -> SchedulingResult
    {
        try problem.validate()
        let clock = ContinuousClock()
        let deadline = options.limits.timeLimit.map { clock.now.advanced(by: .seconds($0)) }
        if let instance = pureJobShop(problem, objective: options.objective) {
            let sol = JobShopSolver.solve(instance, limits: options.limits, seed: options.seed, threads: options.threads)
            let schedule = Schedule(
                operations: problem.operations.map { op in
                    let s = sol.starts[op.id.rawValue]
                    return ScheduledOperation(operation: op.id, resource: op.modes[0].resource, start: s, end: s + op.modes[0].duration)
                }
            )
            return result(problem, schedule, iterations: sol.iterations, rule: nil)
        }
        let model = CompiledProblem(problem)
        var rng = SplitMix64(seed: options.seed)
        var bestStart: (SolutionState, [Double], DispatchRule)?
        let rules = options.rules.isEmpty ? DispatchRule.allCases : options.rules
        for rule in rules {
            let s = model.construct(rule: rule, rng: &rng)
            guard let t = model.decode(s) else { continue }
            let sc = options.objective.score(model.values(s, t, withSetups: true))
            if bestStart == nil || GeneralSearch.better(sc, bestStart?.1 ?? []) { bestStart = (s, sc, rule) }
        }
        guard let (start, _, rule) = bestStart else {
            throw .invalidValue("no constructive rule produced a schedule")
        }
        let workers = max(1, options.threads)
        let slots = ResultSlots<(SolutionState, Int)>(count: workers)
        let work: @Sendable (Int) -> Void = { w in
            var search = GeneralSearch(
                model: model,
                spec: options.objective,
                seed: SplitMix64.derive(options.seed, w),
                deadline: deadline,
                iterationLimit: options.limits.iterationLimit
            )
            let best = search.run(from: start)
            slots.set(w, (best, search.iterations))
        }
        if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        var best = start
        var bestScore: [Double]?
        var iterations = 0
        for (s, it) in slots.values() {
            iterations += it
            guard let t = model.decode(s) else { continue }
            let sc = options.objective.score(model.values(s, t, withSetups: true))
            if bestScore == nil || GeneralSearch.better(sc, bestScore ?? []) {
                best = s
                bestScore = sc
            }
        }
        guard let timing = model.decode(best) else { throw .invalidValue("internal: best solution does not decode") }
        return result(problem, model.schedule(best, timing), iterations: iterations, rule: rule)
    }

    static func result(_ problem: SchedulingProblem, _ schedule: Schedule, iterations: Int, rule: DispatchRule?) -> SchedulingResult {
        SchedulingResult(
            schedule: schedule,
            objectives: ObjectiveValues.of(schedule, in: problem),
            lateness: explainLateness(schedule, in: problem),
            violations: ScheduleChecker.violations(of: schedule, in: problem),
            iterations: iterations,
            startRule: rule
        )
    }

    /// The problem as a classic job shop, when it is one and only the makespan matters.
    static func pureJobShop(_ p: SchedulingProblem, objective: ObjectiveSpec) -> JobShopInstance? {
        guard objective.objectives.first == .makespan, p.previous == nil else { return nil }
        if p.resources.contains(where: { !$0.calendar.breaks.isEmpty || $0.setup != .none }) { return nil }
        var jobs = [[JobShopInstance.Step]](repeating: [], count: p.orders.count)
        var lastOfOrder = [Int](repeating: -1, count: p.orders.count)
        for op in p.operations {
            guard op.modes.count == 1, op.fixed == nil, op.release == 0, p.orders[op.order.rawValue].release == 0 else { return nil }
            let j = op.order.rawValue
            if lastOfOrder[j] < 0 {
                guard op.predecessors.isEmpty else { return nil }
            } else {
                guard op.predecessors.count == 1, op.predecessors[0].predecessor.rawValue == lastOfOrder[j],
                    op.predecessors[0].transferFraction == nil, op.id.rawValue == lastOfOrder[j] + 1
                else { return nil }
            }
            lastOfOrder[j] = op.id.rawValue
            jobs[j].append(JobShopInstance.Step(machine: op.modes[0].resource.rawValue, duration: op.modes[0].duration))
        }
        // operation numbering must be job-major for the engine's start times to map back
        var expected = 0
        for (j, job) in jobs.enumerated() {
            for k in 0..<job.count where p.operations[expected + k].order.rawValue != j { return nil }
            expected += job.count
        }
        return JobShopInstance(name: "problem", machineCount: p.resources.count, jobs: jobs)
    }

    /// Explains every late order by walking its critical chain back from its last operation.
    /// - Parameters:
    ///   - schedule: a schedule of `problem`.
    ///   - problem: the problem.
    public static func explainLateness(_ schedule: Schedule, in problem: SchedulingProblem) -> [LatenessExplanation] {
        guard schedule.operations.count == problem.operations.count,
            schedule.operations.enumerated().allSatisfy({ $0.offset == $0.element.operation.rawValue }),
            schedule.operations.allSatisfy({ $0.resource.rawValue >= 0 && $0.resource.rawValue < problem.resources.count }),
            (try? problem.validate()) != nil
        else { return [] }
        var last = [Int](repeating: -1, count: problem.orders.count)
        for s in schedule.operations {
            let j = problem.operations[s.operation.rawValue].order.rawValue
            if last[j] < 0 || s.end > schedule.operations[last[j]].end { last[j] = s.operation.rawValue }
        }
        let sequences = schedule.sequences(resourceCount: problem.resources.count)
        var prevOnResource = [Int](repeating: -1, count: problem.operations.count)
        for seq in sequences {
            for i in seq.indices.dropFirst() { prevOnResource[seq[i].operation.rawValue] = seq[i - 1].operation.rawValue }
        }
        var out: [LatenessExplanation] = []
        for order in problem.orders {
            guard let due = order.due, last[order.id.rawValue] >= 0 else { continue }
            let completion = schedule.operations[last[order.id.rawValue]].end
            guard completion > due else { continue }
            var chain: [ChainStep] = []
            var resources: [ResourceID] = []
            var predecessors: [OperationID] = []
            var o = last[order.id.rawValue]
            var visited = Set<Int>()
            while o >= 0 && visited.insert(o).inserted {
                let s = schedule.operations[o]
                let op = problem.operations[o]
                var cause = DelayCause.calendarOrIdle
                var next = -1
                if op.fixed != nil {
                    cause = .frozen
                } else {
                    let q = prevOnResource[o]
                    let rule = problem.resources[s.resource.rawValue].setup
                    if q >= 0 && schedule.operations[q].end + rule.time(from: problem.operations[q].setupFamily, to: op.setupFamily) == s.start {
                        cause = .resource(s.resource, busyWith: OperationID(q))
                        next = q
                    } else if let p = op.predecessors.first(where: { p in
                        let ps = schedule.operations[p.predecessor.rawValue]
                        if let f = p.transferFraction {
                            let pd = problem.operations[p.predecessor.rawValue].duration(on: ps.resource) ?? 0
                            return max(ps.start + Precedence.transferLag(fraction: f, duration: pd), ps.end - (s.end - s.start)) == s.start
                        }
                        return ps.end == s.start
                    }) {
                        cause = .predecessor(p.predecessor)
                        next = p.predecessor.rawValue
                    } else if s.start == max(op.release, problem.orders[op.order.rawValue].release) {
                        cause = .release
                    }
                }
                chain.append(ChainStep(operation: OperationID(o), resource: s.resource, start: s.start, end: s.end, cause: cause))
                switch cause {
                case .resource(let r, _): if !resources.contains(r) { resources.append(r) }
                case .predecessor(let p): predecessors.append(p)
                default: break
                }
                o = next
            }
            out.append(
                LatenessExplanation(
                    order: order.id,
                    completion: completion,
                    due: due,
                    lateness: completion - due,
                    resources: resources,
                    predecessors: predecessors,
                    chain: chain
                )
            )
        }
        return out
    }
}
