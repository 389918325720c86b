import Foundation
import TaktCore
import TaktScheduling

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
        _ order: ProductionOrder, in state: PlantState, keeping schedule: PublishedSchedule?, origin: Date, options: SchedulingOptions
    ) throws(PlanningError) -> PromiseAnswer {
        var plant = state
        plant.productionOrders[order.id] = order
        var planning = try PlanningProblem(state: plant, origin: origin, pegLast: [order.id])
        if let schedule {
            let placed = Dictionary(schedule.steps.map { ("\($0.productionOrder)#\($0.sequence)", $0) }, uniquingKeysWith: { a, _ in a })
            let resource = Dictionary(uniqueKeysWithValues: planning.workCenters.enumerated().map { ($1, $0) })
            for (i, ref) in planning.operations.enumerated() where ref.productionOrder != order.id {
                guard let step = placed["\(ref.productionOrder)#\(ref.sequence)"], let r = resource[step.workCenter] else { continue }
                planning.problem.operations[i].fixed = FixedPlacement(
                    resource: ResourceID(r), start: minutes(step.start, from: planning.origin))
            }
            // A frozen operation's predecessors must be frozen too, and end before it starts (the new order may take
            // stock a frozen operation was counting on): free any operation for which that does not hold.
            var changed = true
            while changed {
                changed = false
                for i in planning.problem.operations.indices where planning.problem.operations[i].fixed != nil {
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
        let result: SchedulingResult
        do {
            result = try Scheduler.solve(planning.problem, options: options)
        } catch {
            throw PlanningError(message: "the plant cannot be scheduled: \(error)")
        }
        guard result.violations.isEmpty else {
            throw PlanningError(message: "the published schedule no longer fits the plant (\(result.violations.prefix(2))); publish a new one first")
        }
        guard let j = planning.orders.firstIndex(of: order.id) else {
            throw PlanningError(message: "the order was not part of the problem")
        }
        let mine = result.schedule.operations.filter { planning.problem.operations[$0.operation.rawValue].order.rawValue == j }
        let steps = planning.steps(mine).sorted { $0.sequence < $1.sequence }
        let end = mine.map(\.end).max() ?? 0
        return PromiseAnswer(item: order.item, quantity: order.quantity, routing: order.routing, earliestCompletion: planning.date(end),
                             steps: steps, basedOn: schedule?.id)
    }
}
