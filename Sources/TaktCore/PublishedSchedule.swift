public import Foundation

/// One operation of a production order placed on a work center by a schedule.
public struct ScheduledStep: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    /// The routing operation's sequence number.
    public var sequence: Int
    public var name: String
    public var workCenter: WorkCenter.ID
    public var start: Date
    public var end: Date
    public init(productionOrder: ProductionOrder.ID, sequence: Int, name: String, workCenter: WorkCenter.ID, start: Date, end: Date) {
        self.productionOrder = productionOrder
        self.sequence = sequence
        self.name = name
        self.workCenter = workCenter
        self.start = start
        self.end = end
    }
}

/// The schedule the plant works to: where and when every open operation runs, with its key figures.
/// Dispatch lists are read from it.
public struct PublishedSchedule: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<PublishedSchedule>
    public var id: ID
    /// The time the schedule was computed from.
    public var origin: Date
    public var steps: [ScheduledStep]
    /// Sum over orders of priority weight × minutes late.
    public var weightedTardinessMinutes: Double
    public var makespanMinutes: Int
    public var totalSetupMinutes: Int
    /// Orders that finish after their due date.
    public var lateOrders: [ProductionOrder.ID]
    public init(
        id: ID,
        origin: Date,
        steps: [ScheduledStep],
        weightedTardinessMinutes: Double,
        makespanMinutes: Int,
        totalSetupMinutes: Int,
        lateOrders: [ProductionOrder.ID]
    ) {
        self.id = id
        self.origin = origin
        self.steps = steps
        self.weightedTardinessMinutes = weightedTardinessMinutes
        self.makespanMinutes = makespanMinutes
        self.totalSetupMinutes = totalSetupMinutes
        self.lateOrders = lateOrders
    }
}

extension PublishedSchedule {
    /// Minutes of scheduled work per work center between two instants (steps cut to the window).
    public func scheduledMinutes(from: Date, until: Date) -> [WorkCenter.ID: Int] {
        var out: [WorkCenter.ID: Int] = [:]
        for step in steps where step.end > from && step.start < until {
            out[step.workCenter, default: 0] = (out[step.workCenter] ?? 0).saturatingAdd(
                Int(saturating: min(step.end, until).timeIntervalSince(max(step.start, from)) / 60)
            )
        }
        return out
    }

    /// The work center with the most scheduled minutes in the next `hours` from `from` (ties: the smaller ID); nil when
    /// nothing is scheduled then.
    public func busiestWorkCenter(from: Date, hours: Double) -> WorkCenter.ID? {
        scheduledMinutes(from: from, until: from.addingTimeInterval(hours * 3600)).filter { $0.value > 0 }
            .max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
    }
}

extension PlantState {
    func validate(_ schedule: PublishedSchedule) throws(DomainError) {
        var v = Validator()
        v.code(schedule.id, "id")
        for (i, step) in schedule.steps.enumerated() {
            let f = "steps[\(i)]"
            guard let order = productionOrders[step.productionOrder] else {
                v.add("\(f).productionOrder", "unknown-reference", "production order '\(step.productionOrder)' does not exist")
                continue
            }
            v.check(!order.status.isTerminal, "\(f).productionOrder", "status", "production order '\(order.id)' is \(order.status.rawValue)")
            v.check(workCenters[step.workCenter] != nil, "\(f).workCenter", "unknown-reference", "work center '\(step.workCenter)' does not exist")
            let routing = routings[order.routing]
            let op = routing?.operations.first { $0.sequence == step.sequence }
            v.check(op != nil, "\(f).sequence", "unknown-reference", "routing '\(order.routing)' has no operation \(step.sequence)")
            if let op {
                v.check(
                    op.workCenters.contains { $0.workCenter == step.workCenter },
                    "\(f).workCenter",
                    "not-eligible",
                    "work center '\(step.workCenter)' may not run operation \(step.sequence) of '\(order.id)'"
                )
            }
            v.check(step.end >= step.start, "\(f).end", "after-start", "\(f) ends before it starts")
        }
        try v.throwIfAny()
    }
}
