/// A scheduling objective (all are minimised).
public enum Objective: String, Hashable, Sendable, Codable, CaseIterable {
    /// Sum over orders of weight × max(0, completion − due).
    case weightedTardiness
    /// The latest end of any operation.
    case makespan
    /// Sum of setup times between consecutive operations on every resource.
    case totalSetup
    /// Sum over operations of |start − start in the previous schedule| (0 without a previous schedule).
    case stability
}

/// How objectives combine into one comparison.
public enum ObjectiveSpec: Hashable, Sendable, Codable {
    /// Compare objectives in this order; a later one only breaks ties of the earlier ones.
    case lexicographic([Objective])
    /// Minimise the weighted sum of the objectives.
    case weighted([WeightedObjective])

    /// The objectives this spec uses, most important first.
    public var objectives: [Objective] {
        switch self {
        case .lexicographic(let list): list
        case .weighted(let list): list.sorted { $0.weight > $1.weight }.map(\.objective)
        }
    }

    /// The comparison key of `values`: smaller is better, compared lexicographically.
    public func score(_ values: ObjectiveValues) -> [Double] {
        switch self {
        case .lexicographic(let list):
            return list.map { values.value(of: $0) }
        case .weighted(let list):
            return [list.reduce(0) { $0 + $1.weight * values.value(of: $1.objective) }]
        }
    }
}

/// An objective with its weight in a weighted sum.
public struct WeightedObjective: Hashable, Sendable, Codable {
    /// The objective.
    public var objective: Objective
    /// Its weight.
    public var weight: Double
    /// Creates a term.
    public init(_ objective: Objective, weight: Double) {
        self.objective = objective
        self.weight = weight
    }
}

/// The objective values of a schedule.
public struct ObjectiveValues: Hashable, Sendable, Codable {
    /// The latest end.
    public var makespan: Int
    /// Sum of weight × tardiness over orders with a due date.
    public var weightedTardiness: Double
    /// Sum of tardiness (unweighted).
    public var totalTardiness: Int
    /// Number of orders that finish after their due date.
    public var lateOrders: Int
    /// Sum of setup times.
    public var totalSetup: Int
    /// Sum of |start − previous start| over operations that are in the previous schedule.
    public var stabilityShift: Int
    /// Number of operations whose start or resource differs from the previous schedule.
    public var movedOperations: Int

    /// The value of one objective.
    public func value(of objective: Objective) -> Double {
        switch objective {
        case .weightedTardiness: weightedTardiness
        case .makespan: Double(makespan)
        case .totalSetup: Double(totalSetup)
        case .stability: Double(stabilityShift)
        }
    }

    /// Computes the values of a complete schedule.
    /// - Parameters:
    ///   - schedule: a schedule of `problem` (one placement per operation).
    ///   - problem: the problem, including its previous schedule if any.
    public static func of(_ schedule: Schedule, in problem: SchedulingProblem) -> ObjectiveValues {
        var completion = [Int](repeating: Int.min, count: problem.orders.count)
        var makespan = 0
        for s in schedule.operations where s.operation.rawValue >= 0 && s.operation.rawValue < problem.operations.count {
            makespan = max(makespan, s.end)
            let o = problem.operations[s.operation.rawValue].order.rawValue
            completion[o] = max(completion[o], s.end)
        }
        var wt = 0.0
        var tt = 0
        var late = 0
        for order in problem.orders {
            guard let due = order.due, completion[order.id.rawValue] != Int.min else { continue }
            let t = max(0, completion[order.id.rawValue] - due)
            if t > 0 {
                late += 1
                tt += t
                wt += order.weight * Double(t)
            }
        }
        var setup = 0
        for (r, list) in schedule.sequences(resourceCount: problem.resources.count).enumerated() where list.count > 1 {
            let rule = problem.resources[r].setup
            if rule == .none { continue }
            for i in 1..<list.count
            where list[i - 1].operation.rawValue >= 0 && list[i - 1].operation.rawValue < problem.operations.count
                && list[i].operation.rawValue >= 0 && list[i].operation.rawValue < problem.operations.count
            {
                setup += rule.time(
                    from: problem.operations[list[i - 1].operation.rawValue].setupFamily,
                    to: problem.operations[list[i].operation.rawValue].setupFamily
                )
            }
        }
        var shift = 0
        var moved = 0
        if let previous = problem.previous {
            for s in schedule.operations {
                guard let p = previous[s.operation] else { continue }
                shift += abs(s.start - p.start)
                if s.start != p.start || s.resource != p.resource { moved += 1 }
            }
        }
        return ObjectiveValues(
            makespan: makespan,
            weightedTardiness: wt,
            totalTardiness: tt,
            lateOrders: late,
            totalSetup: setup,
            stabilityShift: shift,
            movedOperations: moved
        )
    }
}
