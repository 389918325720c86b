import Foundation
import TaktCore
import TaktDemo
import TaktPlanning
import TaktScheduling
import Testing

/// A log written before quantities were bounded can hold orders no command may create today. The plant must still
/// plan: such values give long (capped) operations, never a trap.
@Suite("Planning a plant whose log holds hostile values")
struct HostileLogTests {
    static let origin = TaktJSON.parseDate("2026-11-23T07:00:00Z") ?? Date(timeIntervalSince1970: 0)

    /// The demo plant plus orders that an older server let into the log, applied as events (not decided).
    static func plant(quantities: [Double], dueDate: Date? = nil) throws -> (PlantState, [ProductionOrder.ID]) {
        var state = try demoState()
        let template = try #require(state.productionOrders.values.filter { $0.status == .planned }.min { $0.id < $1.id })
        var ids: [ProductionOrder.ID] = []
        for (i, q) in quantities.enumerated() {
            let id = ProductionOrder.ID("PO-OLD-\(i)")
            let order = ProductionOrder(
                id: id,
                item: template.item,
                quantity: q,
                routing: template.routing,
                dueDate: dueDate ?? template.dueDate,
                createdAt: origin
            )
            // Through the log's JSON, as a restart would read it.
            let written = Event.productionOrderCreated(order)
            let event = try Event(type: written.typeName, payload: written.encodePayload(TaktJSON.encoder), decoder: TaktJSON.decoder)
            state.apply(event, sequence: state.sequence + 1)
            ids.append(id)
        }
        return (state, ids)
    }

    @Test(
        "An order of 1e308 units in the log: the plant still schedules, the order's operations last at most ten years, and capable-to-promise answers",
        arguments: [1e308, 1e-300, 1_000_000_000_000]
    )
    func hugeOrderSchedules(quantity: Double) throws {
        let (state, ids) = try Self.plant(quantities: [quantity])
        let planning = try PlanningProblem(state: state, origin: Self.origin)
        try planning.problem.validate()
        let j = try #require(planning.orders.firstIndex(of: ids[0]))
        let ops = planning.problem.operations.filter { $0.order.rawValue == j }
        #expect(!ops.isEmpty)
        for op in ops {
            for mode in op.modes { #expect((0...PlanningProblem.longestOperationMinutes).contains(mode.duration)) }
        }
        let result = try Scheduler.solve(planning.problem, options: SchedulingOptions(limits: SearchLimits(iterationLimit: 50), seed: 1, threads: 1))
        #expect(result.violations.isEmpty, "\(result.violations.prefix(3))")
        let published = planning.published(result.schedule, id: "SCH-000001")
        #expect(published.steps.contains { $0.productionOrder == ids[0] })
        // Publishing it records the shortages it projects: every event can be stored (no infinite or NaN quantity).
        let events = try state.decide(.publishSchedule(published), actor: nil, now: Self.origin)
        for event in events {
            do {
                _ = try event.encodePayload(TaktJSON.encoder)
            } catch {
                Issue.record("\(event.typeName) cannot be stored: \(error)")
            }
        }

        let template = try #require(state.productionOrders[ids[0]])
        let query = ProductionOrder(
            id: "PROMISE-QUERY",
            item: template.item,
            quantity: 5,
            routing: template.routing,
            dueDate: Self.origin,
            createdAt: Self.origin
        )
        let answer = try PlanningProblem.capableToPromise(
            query,
            in: state,
            keeping: published,
            origin: Self.origin,
            options: SchedulingOptions(limits: SearchLimits(iterationLimit: 50), seed: 1, threads: 1)
        )
        #expect(answer.earliestCompletion > Self.origin)
    }

    @Test("A due date in year 0001 from an old log is planned as very late, not as an overflow")
    func ancientDueDate() throws {
        let year1 = try #require(TaktJSON.parseDate("0001-01-01T00:00:00Z"))
        let (state, ids) = try Self.plant(quantities: [3], dueDate: year1)
        let planning = try PlanningProblem(state: state, origin: Self.origin)
        let j = try #require(planning.orders.firstIndex(of: ids[0]))
        #expect((planning.problem.orders[j].due ?? 0) < -1_000_000_000)
        let result = try Scheduler.solve(planning.problem, options: SchedulingOptions(limits: SearchLimits(iterationLimit: 20), seed: 1, threads: 1))
        #expect(result.violations.isEmpty)
    }

    @Test("Durations saturate: any minutes, even infinite or NaN, become 0 … ten years")
    func durations() {
        let cap = PlanningProblem.longestOperationMinutes
        #expect(cap == 10 * 366 * 24 * 60)
        #expect(Precedence.transferLag(fraction: .nan, duration: 10) == 10)
        #expect(Precedence.transferLag(fraction: .infinity, duration: 10) == 10)
        #expect(Precedence.transferLag(fraction: 0.25, duration: 10) == 3)
    }
}
