import Foundation
public import TaktCore

/// How the analysis simulates and ranks: the cost model, the assumptions it makes where the plant does not say, and
/// the search effort of the one action that searches. Every default is documented; nothing here reads a clock.
public struct AnalysisOptions: Sendable, Hashable {
    /// The weights actions are ranked by.
    public var costModel: CostModel
    /// How long a disruption without a known end is assumed to last when its playbook does not say (minutes).
    public var assumedDurationMinutes: Int
    /// How long quality needs to re-inspect a held lot before it can be used again (minutes). Default 120.
    public var reinspectionMinutes: Int
    /// The earliest an expedited purchase can arrive, after now (minutes). Default 1 day.
    public var expediteLeadMinutes: Int
    /// Overtime windows tried after the shift end nearest the disruption, shortest first (minutes). Default 2 h, then 4 h.
    public var overtimeSteps: [Int]
    /// Iterations of the resequencing search (deterministic: never a time limit). Default 300.
    public var resequenceIterations: Int
    /// Caps the iterations on large plans: at most this many divided by the number of operations (each iteration
    /// decodes the whole plan a few dozen times). Default 150 000: 300 iterations up to 500 operations, about 105 at
    /// demo scale 10 (1 400 operations), never fewer than 30.
    public var resequenceWork: Int
    /// Weight of the stability objective (minutes an operation moves) against weighted tardiness in the resequencing
    /// search. Default 0.05: moving 20 operation-minutes costs as much as one weighted minute late.
    public var resequenceStabilityWeight: Double
    /// The seed of the resequencing search.
    public var seed: UInt64
    /// At most this many operations are tried one by one on their alternative work centers. Default 16.
    public var maxOperationsToMove: Int
    /// At most this many moved operations are listed in an impact (the biggest shift first). Default 50.
    public var maxListedOperations: Int

    public init(
        costModel: CostModel = CostModel(),
        assumedDurationMinutes: Int = 240,
        reinspectionMinutes: Int = 120,
        expediteLeadMinutes: Int = 1440,
        overtimeSteps: [Int] = [120, 240],
        resequenceIterations: Int = 300,
        resequenceWork: Int = 150_000,
        resequenceStabilityWeight: Double = 0.05,
        seed: UInt64 = 1,
        maxOperationsToMove: Int = 16,
        maxListedOperations: Int = 50
    ) {
        self.costModel = costModel
        self.assumedDurationMinutes = assumedDurationMinutes
        self.reinspectionMinutes = reinspectionMinutes
        self.expediteLeadMinutes = expediteLeadMinutes
        self.overtimeSteps = overtimeSteps
        self.resequenceIterations = resequenceIterations
        self.resequenceWork = resequenceWork
        self.resequenceStabilityWeight = resequenceStabilityWeight
        self.seed = seed
        self.maxOperationsToMove = maxOperationsToMove
        self.maxListedOperations = maxListedOperations
    }
}

/// A transparent, linear cost model: every term is a quantity of the simulated plan times a weight, and an action's
/// cost is their sum. Lower is better. The defaults say what a planner trades: one late customer line is worth an hour
/// of priority-1 lateness; overtime costs twice a weighted minute late.
public struct CostModel: Sendable, Hashable, Codable {
    /// Per minute of weighted tardiness (priority weight 1–5 × minutes late). Default 1.
    public var weightedTardinessPerMinute: Double
    /// Per customer line finishing after its promised (else requested) date. Default 60.
    public var lateCustomerLine: Double
    /// Per minute of overtime the plan uses. Default 2.
    public var overtimePerMinute: Double
    /// Per minute of setup. Default 0.5.
    public var setupPerMinute: Double
    /// Per operation moved against the published schedule. Default 5.
    public var movedOperation: Double
    /// Per customer line promised a later date. Default 120.
    public var repromisedLine: Double
    /// A fixed cost for doing an action of a kind at all (e.g. the premium of an expedited purchase). Defaults:
    /// expedite-purchase 150, substitute-material 80, re-inspect-and-release 40, pick-another-lot 20, insert-order 0.
    public var fixed: [ActionKind: Double]

    public init(
        weightedTardinessPerMinute: Double = 1,
        lateCustomerLine: Double = 60,
        overtimePerMinute: Double = 2,
        setupPerMinute: Double = 0.5,
        movedOperation: Double = 5,
        repromisedLine: Double = 120,
        fixed: [ActionKind: Double] = [.expeditePurchase: 150, .substituteMaterial: 80, .reinspectAndRelease: 40, .pickAnotherLot: 20]
    ) {
        self.weightedTardinessPerMinute = weightedTardinessPerMinute
        self.lateCustomerLine = lateCustomerLine
        self.overtimePerMinute = overtimePerMinute
        self.setupPerMinute = setupPerMinute
        self.movedOperation = movedOperation
        self.repromisedLine = repromisedLine
        self.fixed = fixed
    }

    /// The terms of a plan's cost, and their sum.
    /// - Parameters:
    ///   - kpis: the plan's figures.
    ///   - repromised: customer lines the action promises later.
    ///   - kinds: the action's step kinds (for fixed costs).
    public func terms(_ kpis: PlanKPIs, repromised: Int = 0, kinds: [ActionKind] = []) -> [CostTerm] {
        var out = [
            CostTerm(name: "weighted tardiness", quantity: kpis.weightedTardinessMinutes, unit: "min", weight: weightedTardinessPerMinute),
            CostTerm(name: "late customer lines", quantity: Double(kpis.lateCustomerLines), unit: "lines", weight: lateCustomerLine),
            CostTerm(name: "overtime", quantity: Double(kpis.overtimeMinutes), unit: "min", weight: overtimePerMinute),
            CostTerm(name: "setup", quantity: Double(kpis.setupMinutes), unit: "min", weight: setupPerMinute),
            CostTerm(name: "moved operations", quantity: Double(kpis.movedOperations), unit: "operations", weight: movedOperation),
        ]
        if repromised > 0 {
            out.append(CostTerm(name: "re-promised lines", quantity: Double(repromised), unit: "lines", weight: repromisedLine))
        }
        for kind in kinds {
            if let f = fixed[kind], f != 0 { out.append(CostTerm(name: "\(kind.rawValue) (fixed)", quantity: 1, unit: "action", weight: f)) }
        }
        return out
    }
}
