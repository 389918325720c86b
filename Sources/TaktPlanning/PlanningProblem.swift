public import Foundation
public import TaktCore
public import TaktScheduling

/// The plant's open production orders as a scheduling problem, with the way back from the
/// optimizer's integer IDs and minutes to work centers, orders, routing operations and dates.
///
/// Time is in whole minutes from `origin`. Work centers become resources whose calendars are their
/// shifts (in the site's time zone) over the horizon, minus planned downtime; after the horizon a
/// resource counts as working. Each open order (planned, released, in progress) becomes an order with
/// its due date and a weight from its priority (priority 1 → weight 5 … priority 5 → weight 1); its routing
/// operations become a chain, with a transfer batch turned into an overlap, and each eligible work center
/// into a mode lasting setup + run × quantity minutes of working time (an operation pauses over shift gaps and planned
/// downtime and goes on afterwards, so one longer than a shift is planned across shifts). An operation consuming a
/// semi-finished item that stock does not cover waits for the open orders making it (``pegSemiFinishedSupply(_:)``).
public struct PlanningProblem: Sendable {
    public var problem: SchedulingProblem
    /// Minute 0.
    public var origin: Date
    /// `workCenters[r]` is resource `r`.
    public var workCenters: [WorkCenter.ID]
    /// `orders[j]` is order `j`.
    public var orders: [ProductionOrder.ID]
    /// `operations[i]` is operation `i`: the order and the routing operation's sequence number.
    public var operations: [OperationRef]
    /// `setupFamilies[f]` is setup family `f`.
    public var setupFamilies: [String]
    /// The facts imposed on the problem (what the plant knows, less what the caller left out).
    public var picture = PlantPicture(facts: [])

    public struct OperationRef: Sendable, Hashable {
        public var productionOrder: ProductionOrder.ID
        public var sequence: Int
        public var name: String
    }

    /// The date of a minute of this problem.
    public func date(_ minute: Int) -> Date { origin.addingTimeInterval(Double(minute) * 60) }
}

/// Why the plant cannot be turned into a scheduling problem.
public struct PlanningError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension PlanningError: PresentableError {
    /// 409 `conflict` on `(plant)`, rule `not-schedulable`: the plant as it stands cannot be scheduled (a routing or the
    /// work centers an order needs are missing); changing the plant, not the request, mends it.
    public var presentation: ErrorPresentation {
        .conflict(message, [Violation(field: "(plant)", rule: "not-schedulable", message: message)])
    }
}

extension PlanningProblem {
    /// Builds the problem from the plant's state.
    /// - Parameters:
    ///   - state: the plant.
    ///   - origin: minute 0 (cut to the minute).
    ///   - horizonDays: how far ahead shifts are laid out.
    ///   - pegLast: orders served last when stock and supply of semi-finished items are shared out (a capable-to-promise
    ///     query must not take what the scheduled orders count on).
    ///   - picture: the facts the plan respects (machines down or slow, holds, missing lots, overruns, absences); default
    ///     everything the plant knows at `origin` (``PlantPicture/init(state:now:assumptions:)``). A simulation passes the
    ///     picture less the fact its exception is about.
    /// - Throws: ``PlanningError`` when an order's routing is missing or none of an operation's work centers exists.
    public init(
        state: PlantState,
        origin: Date,
        horizonDays: Int = 28,
        pegLast: Set<ProductionOrder.ID> = [],
        picture: PlantPicture? = nil
    )
        throws(PlanningError)
    {
        let picture = picture ?? PlantPicture(state: state, now: origin)
        var delays: [TaktCore.OperationRef: Int] = [:]
        for fact in picture.facts where fact.disruption.kind == .operationLate {
            guard let po = fact.disruption.productionOrder, let seq = fact.disruption.sequence else { continue }
            let key = TaktCore.OperationRef(productionOrder: po, operation: seq)
            delays[key] = (delays[key] ?? 0).saturatingAdd(fact.disruption.extraMinutes ?? 0)
        }
        let origin = Date(timeIntervalSince1970: (origin.timeIntervalSince1970 / 60).rounded(.down) * 60)
        let workCenters = state.workCenters.keys.sorted()
        let resourceIndex = Dictionary(uniqueKeysWithValues: workCenters.enumerated().map { ($1, $0) })
        let families = Set(state.workCenters.values.flatMap(\.setupFamilies)).union(
            state.routings.values.flatMap { $0.operations.compactMap(\.setupFamily) }
        ).sorted()
        let familyIndex = Dictionary(uniqueKeysWithValues: families.enumerated().map { ($1, $0) })

        var resources: [Resource] = []
        for (r, id) in workCenters.enumerated() {
            guard let wc = state.workCenters[id] else { continue }
            // Shifts, plus any overtime scheduled on the work center.
            let overtime = (state.overtime[id] ?? []).map {
                TimeWindow(
                    start: PlanningProblem.minutes($0.start, from: origin),
                    end: PlanningProblem.minutes($0.end, from: origin, roundingUp: true)
                )
            }.filter { $0.end > 0 }
            var calendar =
                wc.shifts.isEmpty
                ? ResourceCalendar.alwaysOpen
                : ResourceCalendar(
                    workingWindows: PlanningProblem.workingWindows(wc.shifts, zone: state.timeZone(of: wc), origin: origin, days: horizonDays)
                        + overtime
                )
            for d in wc.plannedDowntime {
                calendar = calendar.adding(
                    TimeWindow(
                        start: PlanningProblem.minutes(d.start, from: origin),
                        end: PlanningProblem.minutes(d.end, from: origin, roundingUp: true)
                    )
                )
            }
            resources.append(Resource(id: ResourceID(r), name: wc.name, calendar: calendar, setup: PlanningProblem.setupRule(wc, families: families)))
        }

        let open = state.productionOrders.values
            .filter { [.planned, .released, .inProgress].contains($0.status) }
            .sorted { $0.id < $1.id }
        var orders: [Order] = []
        var orderIDs: [ProductionOrder.ID] = []
        var operations: [SchedulingOperation] = []
        var refs: [OperationRef] = []
        var fixedUntil: [Int: Int] = [:]  // per resource: where the started operations placed so far end
        for po in open {
            guard let routing = state.routings[po.routing] else {
                throw PlanningError(message: "production order '\(po.id)' names routing '\(po.routing)', which does not exist")
            }
            let j = OrderID(orders.count)
            orders.append(
                Order(
                    id: j,
                    name: po.id.rawValue,
                    release: 0,
                    due: PlanningProblem.minutes(po.dueDate, from: origin),
                    weight: Double(6 - min(5, max(1, po.priority)))
                )
            )
            orderIDs.append(po.id)
            var previous: (id: OperationID, transferFraction: Double?)?
            let progress = Dictionary((state.operations[po.id] ?? []).map { ($0.sequence, $0) }, uniquingKeysWith: { a, _ in a })
            for step in routing.operations {
                let done = progress[step.sequence]
                if done?.status == .completed { continue }  // executed: nothing left to schedule
                // A reported overrun lengthens the operation wherever it runs.
                let extra = delays[TaktCore.OperationRef(productionOrder: po.id, operation: step.sequence)] ?? 0
                // A deactivated work center is not offered while the operation has an active one.
                let offered = step.workCenters.filter { state.workCenters[$0.workCenter]?.active != false }
                var modes = (offered.isEmpty ? step.workCenters : offered).compactMap { e -> Mode? in
                    guard let r = resourceIndex[e.workCenter] else { return nil }
                    return Mode(
                        resource: ResourceID(r),
                        duration: PlanningProblem.duration(e.setupMinutes + e.runMinutesPerUnit * po.quantity, extra: extra)
                    )
                }
                guard !modes.isEmpty else {
                    throw PlanningError(message: "operation \(step.sequence) of routing '\(routing.id)' has no existing work center")
                }
                // A started operation stays where it runs, from now, for the run time of what is still to be made.
                var fixed: FixedPlacement?
                if let done, done.status == .running || done.status == .paused, let wc = done.workCenter, let r = resourceIndex[wc],
                    let e = step.workCenters.first(where: { $0.workCenter == wc })
                {
                    let remaining = max(1, PlanningProblem.duration(e.runMinutesPerUnit * max(0, po.quantity - done.reported), extra: extra))
                    let start = fixedUntil[r] ?? 0
                    modes = [Mode(resource: ResourceID(r), duration: remaining)]
                    fixed = FixedPlacement(resource: ResourceID(r), start: start)
                    fixedUntil[r] = start.saturatingAdd(remaining)
                }
                let id = OperationID(operations.count)
                operations.append(
                    SchedulingOperation(
                        id: id,
                        order: j,
                        name: "\(po.id) \(step.sequence) \(step.name)",
                        modes: modes,
                        predecessors: fixed != nil ? [] : previous.map { [Precedence($0.id, transferFraction: $0.transferFraction)] } ?? [],
                        setupFamily: fixed != nil ? nil : step.setupFamily.flatMap { familyIndex[$0] },
                        splittable: true,  // work stops at the shift's end and goes on in the next shift, as on the shop floor
                        fixed: fixed
                    )
                )
                refs.append(OperationRef(productionOrder: po.id, sequence: step.sequence, name: step.name))
                let fraction = step.transferBatch.flatMap { batch in batch < po.quantity ? batch / po.quantity : nil }
                previous = (id, fraction)
            }
        }
        self.init(
            problem: SchedulingProblem(resources: resources, orders: orders, operations: operations),
            origin: origin,
            workCenters: workCenters,
            orders: orderIDs,
            operations: refs,
            setupFamilies: families
        )
        pegSemiFinishedSupply(state, last: pegLast)
        self.picture = picture
        var published: [TaktCore.OperationRef: ScheduledStep] = [:]
        for step in state.publishedSchedule?.steps ?? [] {
            let key = TaktCore.OperationRef(productionOrder: step.productionOrder, operation: step.sequence)
            if published[key] == nil { published[key] = step }
        }
        for fact in picture.facts where fact.disruption.kind != .operationLate {
            impose(fact.disruption, state: state, published: published)
        }
    }

    /// Whole minutes from `origin` to `date` (negative before it).
    static func minutes(_ date: Date, from origin: Date, roundingUp: Bool = false) -> Int {
        let m = date.timeIntervalSince(origin) / 60
        return Int(saturating: roundingUp ? m.rounded(.up) : m.rounded(.down))
    }

    /// The longest an operation is planned to take: ten years of minutes. Any value the plant holds — even a quantity of
    /// 1e308 or a run time that an older version let into the log — yields a duration in 0…this, never a trap; such an
    /// order is planned at the end of the schedule and shows as late, for a planner to correct or cancel.
    public static let longestOperationMinutes = 10 * 366 * 24 * 60

    /// Whole minutes of `minutes` (rounded up) plus `extra`, within 0…``longestOperationMinutes``; NaN counts as the longest.
    static func duration(_ minutes: Double, extra: Int = 0) -> Int {
        let cap = longestOperationMinutes
        let base = minutes.isNaN ? cap : Int(saturating: minutes.rounded(.up), bound: cap)
        return max(0, min(cap, base.saturatingAdd(extra)))
    }

    /// The shifts laid out by ``ShiftCalendar`` from `origin` to the end of the `days`-th local day after it
    /// (night shifts starting that day included), as whole minutes from `origin`.
    static func workingWindows(_ shifts: [Shift], zone: TimeZone, origin: Date, days: Int) -> [TimeWindow] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let end =
            calendar.date(byAdding: .day, value: days + 1, to: calendar.startOfDay(for: origin))
            ?? origin.addingTimeInterval(Double(days + 1) * 86_400)
        return ShiftCalendar.occurrences(shifts, zone: zone, from: origin, to: end).map {
            TimeWindow(start: minutes($0.start, from: origin), end: minutes($0.end, from: origin))
        }
    }

    static func setupRule(_ wc: WorkCenter, families: [String]) -> SetupRule {
        guard !wc.setupFamilies.isEmpty else { return .none }
        if wc.setupTransitions.isEmpty {
            let t = duration(wc.defaultChangeoverMinutes)
            return t == 0 ? .none : .changeover(t)
        }
        var matrix = Array(repeating: Array(repeating: duration(wc.defaultChangeoverMinutes), count: families.count), count: families.count)
        for i in families.indices { matrix[i][i] = 0 }
        let index = Dictionary(uniqueKeysWithValues: families.enumerated().map { ($1, $0) })
        for t in wc.setupTransitions {
            if let from = index[t.from], let to = index[t.to] { matrix[from][to] = duration(t.minutes) }
        }
        return .matrix(matrix)
    }
}
