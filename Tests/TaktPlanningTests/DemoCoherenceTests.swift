import Foundation
import TaktCore
import TaktPlanning
import TaktScheduling
import Testing

@testable import TaktDemo

/// A fresh demo plant is coherent: its semi-finished orders follow the finished demand (the generator's MRP run) and its
/// purchased material follows the order book, so the first published schedule projects only the shortages the demo
/// means to have — the one late purchase order of each product line — and not dozens.
@Suite("A coherent demo plant")
struct DemoCoherenceTests {
    /// The demo's start as `takt serve --demo --clock-start 2026-11-25T06:00:00Z` gives it: midnight UTC of a Wednesday,
    /// the commands decided at the clock's start.
    static let start = TaktJSON.parseDate("2026-11-25T00:00:00Z") ?? Date(timeIntervalSince1970: 0)
    static let now = start.addingTimeInterval(6 * 3600)

    /// A demo plant built through decide and apply, with every command it rejected.
    struct Built {
        var state = PlantState()
        var rejections: [String] = []
    }

    static func build(seed: UInt64, scale: Int) -> Built {
        var built = Built()
        for (index, command) in DemoPlant.commands(seed: seed, scale: scale, start: start).enumerated() {
            do {
                for event in try built.state.decide(command, actor: nil, now: now) { built.state.apply(event, sequence: built.state.sequence + 1) }
            } catch {
                built.rejections.append("#\(index) \(command.typeName): \(error)")
            }
        }
        return built
    }

    /// Schedules every open order (iteration-limited, so the plan is the same on every run) and publishes it, as a planner
    /// does first thing with POST /api/v1/schedule/runs; returns the shortages the publish projected.
    static func publish(_ state: inout PlantState) throws -> [ProjectedShortage] {
        let planning = try PlanningProblem(state: state, origin: now)
        let result = try Scheduler.solve(planning.problem, options: SchedulingOptions(limits: SearchLimits(iterationLimit: 200), seed: 1, threads: 1))
        let events = try state.decide(.publishSchedule(planning.published(result.schedule, id: "SCH-000001")), actor: nil, now: now)
        for event in events { state.apply(event, sequence: state.sequence + 1) }
        return events.compactMap { if case .shortageProjected(let s) = $0 { s.shortage } else { nil } }
    }

    static let plants: [(UInt64, Int)] = [1, 7, 42, 99].flatMap { seed in [1, 2, 5].map { (seed, $0) } }

    /// The bound: only the items of the late purchase orders — one per product line, one supplier's order for at most two
    /// items, so at most `2 × scale` items in all — and each of them an item whose purchase order arrives more than a week
    /// out. That is the real shortage the demo plants on purpose; anything else
    /// short would be the generator's own incoherence (parts nobody planned, material nobody bought). Before the first
    /// schedule (requirements at the orders' due dates) the same holds, and nothing is left over from the releases the
    /// generator recorded while its store was still being filled.
    @Test(
        "The first schedule of a fresh demo projects only the deliberate shortages: one late purchase order per product line",
        arguments: plants
    )
    func onlyDeliberateShortages(seed: UInt64, scale: Int) throws {
        var built = Self.build(seed: seed, scale: scale)
        #expect(built.rejections.isEmpty, "\(built.rejections.prefix(3))")
        Self.expectOnlyDeliberate(built.state, scale: scale, "seed \(seed) scale \(scale), before any schedule")

        let projected = try Self.publish(&built.state)
        #expect(projected.count == built.state.shortages.count)
        #expect(!built.state.shortages.isEmpty, "seed \(seed) scale \(scale): the late supplier's item is short")
        Self.expectOnlyDeliberate(built.state, scale: scale, "seed \(seed) scale \(scale), after the first schedule")
    }

    static func expectOnlyDeliberate(_ state: PlantState, scale: Int, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let weekOut = start.addingTimeInterval(7 * 86_400)
        let lateReceipts = state.expectedReceipts.values.filter { $0.openQuantity > 0 && $0.expectedDate > weekOut }
        #expect(
            Set(lateReceipts.map(\.reference)).count <= scale,
            "\(context): one late purchase order per product line",
            sourceLocation: sourceLocation
        )
        let short = state.shortages.keys.sorted()
        #expect(short.count <= 2 * scale, "\(context): \(short.count) items short: \(short)", sourceLocation: sourceLocation)
        for item in short {
            #expect(state.items[item]?.kind == .purchased, "\(context): \(item) is made in the plant, and short", sourceLocation: sourceLocation)
            #expect(
                lateReceipts.contains { $0.item == item },
                "\(context): \(item) is short without a late purchase order",
                sourceLocation: sourceLocation
            )
        }
    }

    /// The MRP property itself, read from the plant: for every semi-finished item, whatever the open orders consuming it
    /// need by a date is there by the workday before — in stock, or made by open orders due before it.
    @Test("Semi-finished parts are planned ahead of the orders that consume them", arguments: [(UInt64(7), 1), (42, 2), (99, 5)])
    func partsAheadOfTheirConsumers(seed: UInt64, scale: Int) throws {
        let state = Self.build(seed: seed, scale: scale).state
        let open = state.productionOrders.values.filter { [.planned, .released, .inProgress].contains($0.status) }
        for item in state.items.values where item.kind == .semiFinished {
            let stock = state.lots.values.filter { $0.item == item.id && $0.status == .available }.reduce(0) { $0 + $1.quantity }
            let supply = open.filter { $0.item == item.id }.map { ($0.dueDate, $0.quantity) }
            let demand = open.compactMap { order in
                state.bom(of: order.item)?.components.first { $0.item == item.id }.map { (order.dueDate, $0.quantity * order.quantity) }
            }
            for (due, _) in demand {
                let needed = demand.filter { $0.0 <= due }.reduce(0) { $0 + $1.1 }
                let ready = stock + supply.filter { $0.0 < due }.reduce(0) { $0 + $1.1 }
                #expect(ready >= needed - 1e-9, "\(item.id): \(needed) needed by \(TaktJSON.formatDate(due)), \(ready) ready")
            }
        }
    }

    @Test("Semi-finished orders come in whole batches, and about 60 orders per product line in all", arguments: [(UInt64(1), 1), (7, 2), (42, 5)])
    func batchesAndCounts(seed: UInt64, scale: Int) throws {
        let state = Self.build(seed: seed, scale: scale).state
        let orders = Array(state.productionOrders.values)
        #expect(Double(orders.count) >= 60 * Double(scale) * 0.9 && Double(orders.count) <= 60 * Double(scale) * 1.15, "\(orders.count) orders")
        let sizes = DemoCatalog.batchSizes
        let batch = ["PU": sizes.unit, "MH": sizes.housing, "MI": sizes.impeller, "SH": sizes.shaft, "BP": sizes.baseplate]
        let semi = orders.filter { state.items[$0.item]?.kind == .semiFinished }
        #expect(Set(semi.map { String($0.item.rawValue.prefix(2)) }) == Set(batch.keys), "every kind of part is made")
        for order in semi {
            let size = try #require(batch[String(order.item.rawValue.prefix(2))])
            #expect((order.quantity / size).rounded() * size == order.quantity, "\(order.id) makes \(order.quantity) of \(order.item)")
        }
    }
}

/// The MRP run on a small hand-made structure: a pump of one unit (and a purchased motor), a unit of two housings.
@Suite("The demo's MRP run")
struct DemoMRPTests {
    static var mrp: DemoMRP {
        DemoMRP(
            components: [
                "P": [BOMComponent(item: "U", quantity: 1), BOMComponent(item: "MOT", quantity: 1)],
                "U": [BOMComponent(item: "H", quantity: 2)],
            ],
            planned: ["U", "H"],
            batch: { $0 == "U" ? 10 : 25 },
            leadDays: { item, quantity in item == "P" ? 1 : Int((quantity / 10).rounded(.up)) },  // a unit batch of 10 takes a day
            workdaysBefore: { day, days in day - days }
        )
    }

    @Test("Parts are planned level by level, after every item that consumes them")
    func levels() {
        #expect(Self.mrp.planningOrder(from: ["P"]) == ["U", "H"])
    }

    @Test("Net requirements: stock first, then whole batches due when the parent starts, serving later parents, with the most urgent priority")
    func netting() {
        let top = [
            DemoMRP.Order(key: 0, item: "P", quantity: 4, dueDay: 10, priority: 3),
            DemoMRP.Order(key: 1, item: "P", quantity: 8, dueDay: 12, priority: 1),
            DemoMRP.Order(key: 2, item: "P", quantity: 9, dueDay: 20, priority: 4),
        ]
        let made = Self.mrp.run(top: top, stock: ["U": 2], firstKey: 10)
        // Units: 4 + 8 + 9 needed on days 9, 11 and 19; 2 in stock. The first batch (due day 9) covers P0's 2 and P1's 8;
        // P2's 9 need a second batch, due day 19.
        let units = made.filter { $0.item == "U" }
        #expect(units.map(\.quantity) == [10, 10])
        #expect(units.map(\.dueDay) == [9, 19])
        #expect(units.map(\.priority) == [1, 4])
        #expect(units.first?.consumers == [DemoMRP.Peg(consumer: 0, quantity: 2), DemoMRP.Peg(consumer: 1, quantity: 8)])
        // Housings: each unit batch needs 20, a day before it is due (a batch of 10 units takes a day): 25 due day 8 covers
        // the first 20; the second batch's 20 take the 5 left over and a new batch of 25 due day 18.
        let housings = made.filter { $0.item == "H" }
        #expect(housings.map(\.quantity) == [25, 25])
        #expect(housings.map(\.dueDay) == [8, 18])
        #expect(housings.last?.consumers == [DemoMRP.Peg(consumer: units[1].key, quantity: 15)])
        #expect(made.map(\.key) == Array(10..<14), "keys follow on from the given orders'")
        #expect(!made.contains { $0.item == "MOT" }, "purchased material is left to purchasing")
    }

    @Test("Stock nets at every level: units in stock plan nothing below them; housings in stock lower the housings planned")
    func stockAtEveryLevel() {
        let top = [DemoMRP.Order(key: 0, item: "P", quantity: 4, dueDay: 10, priority: 3)]
        #expect(Self.mrp.run(top: top, stock: ["U": 4], firstKey: 1).isEmpty)
        let made = Self.mrp.run(top: top, stock: ["H": 8], firstKey: 1)
        #expect(made.map(\.item) == ["U", "H"])
        #expect(made.last?.consumers == [DemoMRP.Peg(consumer: 1, quantity: 12)], "20 housings for the unit batch, 8 of them in stock")
    }
}
