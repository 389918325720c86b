import Foundation
public import TaktCore
public import TaktScheduling

extension PlanningProblem {
    /// Placed operations of this problem in the plant's terms: one step each, by start (then order, sequence).
    public func steps(_ placed: [ScheduledOperation]) -> [ScheduledStep] {
        placed.map { placed in
            let ref = operations[placed.operation.rawValue]
            return ScheduledStep(
                productionOrder: ref.productionOrder,
                sequence: ref.sequence,
                name: ref.name,
                workCenter: workCenters[placed.resource.rawValue],
                start: date(placed.start),
                end: date(placed.end)
            )
        }.sorted { ($0.start, $0.productionOrder, $0.sequence) < ($1.start, $1.productionOrder, $1.sequence) }
    }

    /// A schedule of this problem as the plant publishes it, with its figures.
    /// - Parameters:
    ///   - schedule: a schedule of `problem` (or of `variant`).
    ///   - id: the published schedule's ID.
    ///   - variant: the problem the figures are taken on when it differs from `problem` (a simulation's disrupted copy,
    ///     same operations); nil for `problem`.
    public func published(_ schedule: Schedule, id: PublishedSchedule.ID, on variant: SchedulingProblem? = nil) -> PublishedSchedule {
        let on = variant ?? problem
        let values = ObjectiveValues.of(schedule, in: on)
        let late = Scheduler.explainLateness(schedule, in: on).filter { $0.lateness > 0 }.map { orders[$0.order.rawValue] }
        return PublishedSchedule(
            id: id,
            origin: origin,
            steps: steps(schedule.operations),
            weightedTardinessMinutes: values.weightedTardiness,
            makespanMinutes: values.makespan,
            totalSetupMinutes: values.totalSetup,
            lateOrders: late.sorted()
        )
    }
}
