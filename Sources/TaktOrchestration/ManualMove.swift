public import Foundation
public import TaktCore

/// A planner's move of one operation in the published schedule (a drag on the Gantt), simulated before anything is
/// published: the operation goes to the work center and no earlier than the start the planner chose; every other
/// operation keeps its work center and its order, and the whole plan is timed again on the plant as it is (routings,
/// shifts, machine states, other work in the way), exactly as an approved action's plan is (``Orchestration/retime``).
public struct ManualMove: Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var sequence: Int
    public var workCenter: WorkCenter.ID
    /// The earliest start the planner asked for.
    public var start: Date

    public init(productionOrder: ProductionOrder.ID, sequence: Int, workCenter: WorkCenter.ID, start: Date) {
        self.productionOrder = productionOrder
        self.sequence = sequence
        self.workCenter = workCenter
        self.start = start
    }

    /// The published schedule timed again as it is (`before`) and with the move (`after`, under the next schedule ID,
    /// ready to publish); the refusal names the field when the move cannot be made.
    public struct Result: Sendable, Hashable {
        public var before: PublishedSchedule
        public var after: PublishedSchedule
        /// Where the moved operation lands (it may start later than asked: the work center is busy or off shift).
        public var moved: ScheduledStep
    }

    public func simulate(state: PlantState, now: Date) throws(OrchestrationError) -> Result {
        guard let published = state.publishedSchedule else {
            throw OrchestrationError(field: "schedule", rule: "not-published", message: "no schedule is published: there is nothing to move in")
        }
        guard let index = published.steps.firstIndex(where: { $0.productionOrder == productionOrder && $0.sequence == sequence }) else {
            throw OrchestrationError(
                field: "operation",
                rule: "not-scheduled",
                message: "\(productionOrder) operation \(sequence) is not in \(published.id.rawValue)"
            )
        }
        guard let po = state.productionOrders[productionOrder],
            let op = state.routings[po.routing]?.operations.first(where: { $0.sequence == sequence })
        else {
            throw OrchestrationError(field: "operation", rule: "unknown-reference", message: "\(productionOrder) has no operation \(sequence)")
        }
        guard op.workCenters.contains(where: { $0.workCenter == workCenter }) else {
            let eligible = op.workCenters.map(\.workCenter.rawValue).joined(separator: ", ")
            throw OrchestrationError(
                field: "workCenter",
                rule: "not-eligible",
                message: "\(workCenter) cannot run \(productionOrder) operation \(sequence) (\(op.name)); it runs on: \(eligible)"
            )
        }
        guard start >= now.addingTimeInterval(-60) else {
            throw OrchestrationError(field: "start", rule: "in-the-past", message: "an operation cannot be planned to start in the past")
        }
        var plan = published
        let step = plan.steps[index]
        plan.steps[index].workCenter = workCenter
        plan.steps[index].start = start
        plan.steps[index].end = start.addingTimeInterval(step.end.timeIntervalSince(step.start))
        guard let before = Orchestration.retime(published, state: state, now: now),
            var after = Orchestration.retime(plan, state: state, now: now)
        else {
            throw OrchestrationError(field: "(plant)", rule: "not-schedulable", message: "the plant could not be planned with this move")
        }
        let number = (Int(published.id.rawValue.dropFirst(4)) ?? 0) + 1
        after.id = .init(String(format: "SCH-%06d", number))
        guard let landed = after.steps.first(where: { $0.productionOrder == productionOrder && $0.sequence == sequence }) else {
            throw OrchestrationError(
                field: "operation",
                rule: "not-scheduled",
                message: "the move left \(productionOrder) operation \(sequence) out of the plan"
            )
        }
        return Result(before: before, after: after, moved: landed)
    }
}
