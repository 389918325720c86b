public import Foundation
public import TaktCore
public import TaktScheduling

/// Capable-to-promise: the earliest date a new order could be finished, fitted into the capacity the
/// published schedule leaves free, without moving any order already scheduled.
public struct PromiseAnswer: Codable, Sendable, Hashable {
    public var item: Item.ID
    public var quantity: Double
    public var routing: Routing.ID
    /// When the last operation of the new order would end.
    public var earliestCompletion: Date
    /// The operations of the new order as they would run.
    public var steps: [ScheduledStep]
    /// The schedule it was fitted into (nil: none published, so every open order was scheduled afresh with it).
    public var basedOn: PublishedSchedule.ID?
}

extension PlanningProblem {
    /// Finds the earliest completion of `order` (not yet in the plant) when the orders of `schedule` keep their places.
    /// - Parameters:
    ///   - order: the hypothetical order, as ``PlantState/decide(_:actor:now:)`` would create it.
    ///   - state: the plant without the order.
    ///   - schedule: the published schedule to keep (operations it does not hold are scheduled with the new order).
    ///   - origin: now.
    /// - Throws: ``PlanningError`` when the plant cannot be scheduled or the published schedule no longer fits it.
    public static func capableToPromise(
        _ order: ProductionOrder,
        in state: PlantState,
        keeping schedule: PublishedSchedule?,
        origin: Date,
        options: SchedulingOptions
    ) throws(PlanningError) -> PromiseAnswer {
        var plant = state
        plant.productionOrders[order.id] = order
        var planning = try PlanningProblem(state: plant, origin: origin, pegLast: [order.id])
        // Operations the published schedule places that the new order must not move, unless the plant has moved on since
        // (a machine went down, an operation overran): those are planned afresh, as few as it takes.
        var unfrozen = Set<Int>()
        var result: SchedulingResult?
        for _ in 0..<6 {
            var attempt = planning
            if let schedule { freeze(schedule, in: &attempt, except: order.id, unfrozen: unfrozen) }
            let solved: SchedulingResult
            do {
                solved = try Scheduler.solve(attempt.problem, options: options)
            } catch {
                throw PlanningError(message: "the plant cannot be scheduled: \(error)")
            }
            if solved.violations.isEmpty {
                planning = attempt
                result = solved
                break
            }
            // Free every frozen operation a violation names, and those after it on its resource.
            var named = Set<Int>()
            for v in solved.violations {
                switch v {
                case .ineligibleResource(let o, _), .wrongDuration(let o, _, _), .calendar(let o, _), .precedence(let o, _), .release(let o),
                    .frozenMoved(let o):
                    named.insert(o.rawValue)
                case .overlap(_, let a, let b): named.formUnion([a.rawValue, b.rawValue])
                case .operationCount, .misplacedEntry, .invalidProblem: break
                }
            }
            let before = unfrozen.count
            for o in named {
                unfrozen.insert(o)
                guard let f = attempt.problem.operations[o].fixed else { continue }
                for (k, op) in attempt.problem.operations.enumerated() where op.fixed?.resource == f.resource && (op.fixed?.start ?? 0) >= f.start {
                    unfrozen.insert(k)
                }
            }
            if unfrozen.count == before {
                throw PlanningError(
                    message: "the published schedule no longer fits the plant (\(solved.violations.prefix(2))); publish a new one first"
                )
            }
        }
        guard let result else {
            throw PlanningError(message: "the published schedule no longer fits the plant; publish a new one first")
        }
        guard let j = planning.orders.firstIndex(of: order.id) else {
            throw PlanningError(message: "the order was not part of the problem")
        }
        let mine = result.schedule.operations.filter { planning.problem.operations[$0.operation.rawValue].order.rawValue == j }
        let steps = planning.steps(mine).sorted { $0.sequence < $1.sequence }
        let end = mine.map(\.end).max() ?? 0
        return PromiseAnswer(
            item: order.item,
            quantity: order.quantity,
            routing: order.routing,
            earliestCompletion: planning.date(end),
            steps: steps,
            basedOn: schedule?.id
        )
    }

    /// Fixes the operations of `schedule` where it placed them, except the new order's, those in `unfrozen`, those already
    /// fixed (running where they run), those published in the past or on a work center they can no longer use; then frees
    /// any fixed operation whose predecessors are not fixed to end before it starts (the new order may take stock a frozen
    /// operation was counting on).
    static func freeze(_ schedule: PublishedSchedule, in planning: inout PlanningProblem, except order: ProductionOrder.ID, unfrozen: Set<Int>) {
        let placed = Dictionary(schedule.steps.map { ("\($0.productionOrder)#\($0.sequence)", $0) }, uniquingKeysWith: { a, _ in a })
        let resource = Dictionary(uniqueKeysWithValues: planning.workCenters.enumerated().map { ($1, $0) })
        var frozen = Set<Int>()
        for (i, ref) in planning.operations.enumerated()
        where ref.productionOrder != order && planning.problem.operations[i].fixed == nil && !unfrozen.contains(i) {
            guard let step = placed["\(ref.productionOrder)#\(ref.sequence)"], let r = resource[step.workCenter],
                planning.problem.operations[i].duration(on: ResourceID(r)) != nil
            else { continue }
            let start = minutes(step.start, from: planning.origin)
            guard start >= max(0, planning.problem.operations[i].release) else { continue }
            planning.problem.operations[i].fixed = FixedPlacement(resource: ResourceID(r), start: start)
            frozen.insert(i)
        }
        var changed = true
        while changed {
            changed = false
            for i in frozen.sorted() where planning.problem.operations[i].fixed != nil {
                let op = planning.problem.operations[i]
                let free = op.predecessors.contains { p in
                    let pred = planning.problem.operations[p.predecessor.rawValue]
                    guard let f = pred.fixed, let start = op.fixed?.start else { return true }
                    let d = pred.duration(on: f.resource) ?? 0
                    let lag = p.transferFraction.map { Precedence.transferLag(fraction: $0, duration: d) } ?? d
                    return f.start + lag > start
                }
                if free {
                    planning.problem.operations[i].fixed = nil
                    changed = true
                }
            }
        }
    }
}
