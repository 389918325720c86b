public import Foundation

// What a work center should run next, shared by the JSON API (`GET /api/v1/work-centers/{id}/dispatch-list`)
// and the web operator terminal, so both show the same order and the same interlocks.

/// The operations a work center should run, in order, with what stops the requesting operator from starting each.
public struct DispatchList: Codable, Sendable {
    public struct Entry: Codable, Sendable {
        public var productionOrder: ProductionOrder.ID
        public var sequence: Int
        public var name: String
        public var item: Item.ID
        public var quantity: Double
        public var orderStatus: ProductionOrderStatus
        public var priority: Int
        public var dueDate: Date
        public var start: Date?
        public var end: Date?
        public var operationStatus: OperationStatus
        /// Whether the requesting user could start it here now (false once it runs or is paused).
        public var canStart: Bool
        /// The interlocks that stop the requesting user from starting it here now, after overrides.
        public var blockers: [Violation]

        public init(
            productionOrder: ProductionOrder.ID,
            sequence: Int,
            name: String,
            item: Item.ID,
            quantity: Double,
            orderStatus: ProductionOrderStatus,
            priority: Int,
            dueDate: Date,
            start: Date? = nil,
            end: Date? = nil,
            operationStatus: OperationStatus,
            canStart: Bool,
            blockers: [Violation]
        ) {
            self.productionOrder = productionOrder
            self.sequence = sequence
            self.name = name
            self.item = item
            self.quantity = quantity
            self.orderStatus = orderStatus
            self.priority = priority
            self.dueDate = dueDate
            self.start = start
            self.end = end
            self.operationStatus = operationStatus
            self.canStart = canStart
            self.blockers = blockers
        }
    }
    public var workCenter: WorkCenter.ID
    /// `schedule` when ordered by the published schedule, `due-date` when by due date then priority.
    public var orderedBy: String
    public var schedule: PublishedSchedule.ID?
    public var items: [Entry]

    /// Operations of planned, released and started orders that are not completed, evaluated for `user` as the operator.
    public init(state: PlantState, workCenter: WorkCenter.ID, operator user: User.ID?, now: Date) {
        self.workCenter = workCenter
        let open: Set<ProductionOrderStatus> = [.planned, .released, .inProgress]
        func entry(_ po: ProductionOrder, _ sequence: Int, _ name: String, start: Date?, end: Date?) -> Entry? {
            let progress = state.operations[po.id]?.first { $0.sequence == sequence }
            let status = progress?.status ?? .waiting
            // Done, or running (or paused) on another of its eligible work centers: not this one's business.
            if status == .completed || (status != .waiting && progress?.workCenter != workCenter) { return nil }
            let blockers =
                status == .waiting
                ? state.startBlockers(productionOrder: po.id, operation: sequence, workCenter: workCenter, operator: user, now: now) : []
            return Entry(
                productionOrder: po.id,
                sequence: sequence,
                name: name,
                item: po.item,
                quantity: po.quantity,
                orderStatus: po.status,
                priority: po.priority,
                dueDate: po.dueDate,
                start: start,
                end: end,
                operationStatus: status,
                canStart: status == .waiting && blockers.isEmpty,
                blockers: blockers
            )
        }
        if let schedule = state.publishedSchedule {
            orderedBy = "schedule"
            self.schedule = schedule.id
            items = schedule.steps.compactMap { step in
                guard step.workCenter == workCenter, let po = state.productionOrders[step.productionOrder], open.contains(po.status)
                else { return nil }
                return entry(po, step.sequence, step.name, start: step.start, end: step.end)
            }
        } else {
            orderedBy = "due-date"
            schedule = nil
            items = state.productionOrders.values.filter { open.contains($0.status) }.flatMap { po -> [Entry] in
                (state.routings[po.routing]?.operations ?? []).filter { op in op.workCenters.contains { $0.workCenter == workCenter } }
                    .compactMap { op in entry(po, op.sequence, op.name, start: nil, end: nil) }
            }.sorted { ($0.dueDate, $0.priority, $0.productionOrder, $0.sequence) < ($1.dueDate, $1.priority, $1.productionOrder, $1.sequence) }
        }
    }
}
