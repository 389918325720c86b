import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktScheduling
import Testing

@testable import TaktOrchestration

/// Issue 6, "Done when": the six classic disruptions on the demo plant (seed 42), through the real server with the
/// orchestrator running, on a fixed clock (Wed 25 Nov 2026, 07:00 in the plant) after a planner published a
/// schedule. Each test picks what it disrupts from the plant by a rule, sends the event as the role that would,
/// waits for the playbook's exception and checks its impact in numbers, an action that takes the new lateness
/// away, refusal by a wrong role, approval by the right ones, execution and verification.
@Suite("The six classic disruptions, end to end", .serialized)
struct DisruptionScenarioTests {
    static let now = DemoScenario.morning

    /// The end of an order's last published step.
    static func scheduledEnd(_ state: PlantState, _ order: ProductionOrder.ID) -> Date? {
        state.publishedSchedule?.steps.filter { $0.productionOrder == order }.map(\.end).max()
    }

    // MARK: 1. A delayed semi-finished component

    @Test(
        "A delayed semi-finished component (PB-COMPONENT-LATE): the component's and its pegged parent's completions move, the parent's customer line is late; overtime or a move takes the lateness away"
    )
    func delayedComponent() async throws {
        try await DemoScenario.run { sc in
            let s = sc.s
            // The rule: among the semi-finished orders the plan pegs to a parent operation that consumes them, the one whose
            // parent, on time today, is due soonest after the component is scheduled to finish (gap = parent due − component
            // end); delay the component's first open operation by that gap plus a shift (minutes of work, so its end moves by at
            // least that much), so the parent cannot start the consuming operation before its own due date.
            let pick = try #require(
                try await s.engine.read { state throws -> (child: ProductionOrder.ID, sequence: Int, parent: ProductionOrder.ID, gap: Int)? in
                    let scenario = try Simulator(now: Self.now, options: AnalysisOptions()).base(state)
                    var best: (child: ProductionOrder.ID, sequence: Int, parent: ProductionOrder.ID, gap: Int)?
                    for (i, op) in scenario.problem.operations.enumerated() {
                        let parent = scenario.key(i).order
                        for p in op.predecessors {
                            let child = scenario.key(p.predecessor.rawValue).order
                            guard child != parent, let c = state.productionOrders[child], state.items[c.item]?.kind == .semiFinished,
                                let po = state.productionOrders[parent], let end = Self.scheduledEnd(state, parent), end <= po.dueDate,
                                let childEnd = Self.scheduledEnd(state, child),
                                let first = state.publishedSchedule?.steps.filter({ $0.productionOrder == child && $0.end > Self.now })
                                    .min(by: { ($0.start, $0.sequence) < ($1.start, $1.sequence) })
                            else { continue }
                            let gap = Int(po.dueDate.timeIntervalSince(childEnd) / 60)
                            guard gap >= 0 else { continue }
                            if best == nil || (gap, child, parent) < (best!.gap, best!.child, best!.parent) {
                                best = (child, first.sequence, parent, gap)
                            }
                        }
                    }
                    return best
                },
                "the demo has a semi-finished order pegged to a parent"
            )
            let delay = pick.gap + 8 * 60
            let source = try await sc.submit(
                "/api/v1/production-orders/\(pick.child)/operations/\(pick.sequence)/delay",
                as: "supervisor",
                body: #"{"extraMinutes":\#(delay),"reason":"spindle bearing replaced, the batch waits"}"#
            )

            let e = try await sc.exception(kind: "operation-late", after: source)
            #expect(
                e["playbook"] as? String == "PB-COMPONENT-LATE" && ["high", "critical"].contains(e["severity"] as? String ?? ""),
                "at least the playbook's severity"
            )
            #expect(e["subject"] as? String == "operation-late:\(pick.child)/\(pick.sequence)")
            #expect((e["disruption"] as? [String: Any])?["extraMinutes"] as? Int == delay)
            let check = ScenarioCheck(scenario: sc, exception: e)
            try await check.assertNewLateness()
            let orders = Dictionary(check.orders.map { ($0["productionOrder"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            // The component finishes later by about the delay (the shift calendar may stretch it), and so does its parent.
            let childChange = try #require(orders[pick.child.rawValue]?["changeMinutes"] as? Int, "the component is listed: \(orders.keys.sorted())")
            #expect(childChange >= delay, "the component finishes \(childChange) min later for a \(delay) min delay")
            let parent = try #require(orders[pick.parent.rawValue], "the pegged parent is listed: \(orders.keys.sorted())")
            #expect(parent["changeMinutes"] as? Int ?? 0 > 0 && parent["lateMinutes"] as? Int ?? 0 > 0, "the parent is late: \(parent)")
            #expect(
                check.moves.contains { $0["productionOrder"] as? String == pick.parent.rawValue && ($0["shiftMinutes"] as? Int ?? 0) > 0 },
                "the parent's operations move later"
            )
            if let so = parent["salesOrder"] as? String {
                #expect(((check.impact["affected"] as? [String: Any])?["salesOrders"] as? [String] ?? []).contains(so))
            }
            let action = try check.reducingAction()
            let approval = try await check.approve(action)
            _ = try await check.executed(action, after: approval)
        }
    }

    // MARK: 2. A missing pallet

    @Test(
        "A missing pallet (PB-MATERIAL-MISSING): the reserved lot's operation waits, its order is late and its staging task moves; another lot is picked and the lateness is gone"
    )
    func missingPallet() async throws {
        try await DemoScenario.run { sc in
            let s = sc.s
            // The rule: the reserved lot whose operation is scheduled first (ties: the lot ID), among lots of an item with
            // other stock to pick from.
            let pick = try #require(
                await s.engine.read { state -> (lot: Lot.ID, order: ProductionOrder.ID, sequence: Int, start: Date)? in
                    var best: (lot: Lot.ID, order: ProductionOrder.ID, sequence: Int, start: Date)?
                    for r in state.reservations.values {
                        guard
                            let step = state.publishedSchedule?.steps.first(where: {
                                $0.productionOrder == r.productionOrder && $0.sequence == r.operation
                            }),
                            step.start > Self.now, state.lots[r.lot]?.status == .available
                        else { continue }
                        if best == nil || (step.start, r.lot) < (best!.start, best!.lot) {
                            best = (r.lot, r.productionOrder, r.operation, step.start)
                        }
                    }
                    return best
                },
                "the demo has reserved lots for scheduled operations"
            )
            let source = try await sc.submit(
                "/api/v1/missing-material",
                as: "warehouse",
                body: #"{"lot":"\#(pick.lot)","note":"pallet not at its location"}"#
            )

            let e = try await sc.exception(kind: "material-missing", after: source)
            #expect(e["playbook"] as? String == "PB-MATERIAL-MISSING" && e["subject"] as? String == "material-missing:\(pick.lot)")
            let check = ScenarioCheck(scenario: sc, exception: e)
            try await check.assertNewLateness()
            #expect(((check.impact["affected"] as? [String: Any])?["lots"] as? [String] ?? []).contains(pick.lot.rawValue))
            let move = try #require(
                check.moves.first { $0["productionOrder"] as? String == pick.order.rawValue && $0["sequence"] as? Int == pick.sequence },
                "the operation needing the lot moves"
            )
            #expect(move["shiftMinutes"] as? Int ?? 0 > 0)
            #expect(check.orders.contains { $0["productionOrder"] as? String == pick.order.rawValue && ($0["changeMinutes"] as? Int ?? 0) > 0 })
            let action = try check.reducingAction()
            let approval = try await check.approve(action)
            _ = try await check.executed(action, after: approval)
        }
    }

    // MARK: 3. A machine slowdown

    @Test(
        "A machine slowdown (PB-MACHINE-SLOW): the busiest work center at 30 % of its rate moves its own operations later and makes orders later; a ranked action takes lateness away"
    )
    func machineSlowdown() async throws {
        try await DemoScenario.run { sc in
            let s = sc.s
            let (wc, minutes) = try #require(
                await s.engine.read { state -> (WorkCenter.ID, Int)? in
                    guard let schedule = state.publishedSchedule, let wc = schedule.busiestWorkCenter(from: Self.now, hours: 8) else { return nil }
                    return (wc, schedule.scheduledMinutes(from: Self.now, until: Self.now.addingTimeInterval(8 * 3600))[wc] ?? 0)
                }
            )
            #expect(minutes > 4 * 60, "the busiest work center of the next eight hours has more than half a shift of work: \(minutes) min")
            let source = try await sc.submit(
                "/api/v1/work-centers/\(wc)/machine-state",
                as: "supervisor",
                body: #"{"state":"slow","actualRate":3,"idealRate":10,"reason":"worn tool, coolant pressure low"}"#
            )

            let e = try await sc.exception(kind: "machine-slow", after: source)
            #expect(e["playbook"] as? String == "PB-MACHINE-SLOW" && e["subject"] as? String == "machine-slow:\(wc)")
            let disruption = try #require(e["disruption"] as? [String: Any])
            #expect(disruption["rateFactor"] as? Double == 0.3 && disruption["workCenter"] as? String == wc.rawValue)
            let check = ScenarioCheck(scenario: sc, exception: e)
            try await check.assertNewLateness()
            let own = check.moves.filter { $0["fromWorkCenter"] as? String == wc.rawValue && ($0["shiftMinutes"] as? Int ?? 0) > 0 }
            #expect(!own.isEmpty, "operations of \(wc) move later")
            #expect(((check.impact["affected"] as? [String: Any])?["workCenters"] as? [String] ?? []).contains(wc.rawValue))
            let action = try check.reducingAction()
            let approval = try await check.approve(action)
            _ = try await check.executed(action, after: approval)
        }
    }

    // MARK: 4. A quality hold on a supplier lot

    @Test(
        "A quality hold on a supplier lot (PB-SUPPLIER-LOT-HOLD): the held lots' operations wait, a re-inspection becomes due, orders are late; quality re-inspects and releases"
    )
    func supplierLotHold() async throws {
        try await DemoScenario.run { sc in
            let s = sc.s
            // The rule: the supplier lot of the reserved lot whose operation is scheduled first.
            let pick = try #require(
                await s.engine.read { state -> (supplier: String, supplierLot: String, lot: Lot.ID, order: ProductionOrder.ID, start: Date)? in
                    var best: (supplier: String, supplierLot: String, lot: Lot.ID, order: ProductionOrder.ID, start: Date)?
                    for r in state.reservations.values {
                        guard let lot = state.lots[r.lot], lot.status == .available, let supplier = lot.supplier, let supplierLot = lot.supplierLot,
                            let step = state.publishedSchedule?.steps.first(where: {
                                $0.productionOrder == r.productionOrder && $0.sequence == r.operation
                            }),
                            step.start > Self.now
                        else { continue }
                        if best == nil || (step.start, r.lot) < (best!.start, best!.lot) {
                            best = (supplier, supplierLot, r.lot, r.productionOrder, step.start)
                        }
                    }
                    return best
                },
                "the demo has reserved supplier lots"
            )
            let source = try await sc.submit(
                "/api/v1/holds",
                as: "quality",
                body: #"{"supplier":"\#(pick.supplier)","supplierLot":"\#(pick.supplierLot)","reason":"supplier reports a wrong heat treatment"}"#,
                status: 201
            )

            let e = try await sc.exception(kind: "quality-hold", after: source)
            #expect(e["playbook"] as? String == "PB-SUPPLIER-LOT-HOLD" && ["high", "critical"].contains(e["severity"] as? String ?? ""))
            let lots = (e["disruption"] as? [String: Any])?["lots"] as? [String] ?? []
            #expect(lots.contains(pick.lot.rawValue), "the reserved lot is held: \(lots)")
            let check = ScenarioCheck(scenario: sc, exception: e)
            try await check.assertNewLateness()
            let checks = check.impact["checksDue"] as? [[String: Any]] ?? []
            #expect(
                checks.contains { $0["lot"] as? String == pick.lot.rawValue && $0["kind"] as? String == "inspection" },
                "a re-inspection is due: \(checks)"
            )
            #expect(check.orders.contains { $0["productionOrder"] as? String == pick.order.rawValue && ($0["changeMinutes"] as? Int ?? 0) > 0 })
            let action = try check.reducingAction()
            let approval = try await check.approve(action)
            _ = try await check.executed(action, after: approval)
        }
    }

    // MARK: 5. A promise that does not fit capacity

    @Test(
        "An order promise that does not fit capacity (PB-PROMISE-CAPACITY): the line promised a day before its production can finish is late by about that day; an action removes the lateness"
    )
    func promiseBeyondCapacity() async throws {
        try await DemoScenario.run { sc in
            let s = sc.s
            // The rule: the open line served by one open production order that finishes last in the schedule, promised a
            // day (and a bit) before it finishes.
            let pick = try #require(
                await s.engine.read { state -> (so: SalesOrder.ID, line: Int, order: ProductionOrder.ID, end: Date)? in
                    var best: (so: SalesOrder.ID, line: Int, order: ProductionOrder.ID, end: Date)?
                    for po in state.productionOrders.values where [.planned, .released].contains(po.status) {
                        guard let peg = po.pegging, state.salesOrders[peg.salesOrder]?.status == .open,
                            state.productionOrders.values.filter({ $0.pegging == peg }).count == 1,
                            let end = Self.scheduledEnd(state, po.id), end > Self.now.addingTimeInterval(3 * 86_400)
                        else { continue }
                        if best == nil || (end, po.id) > (best!.end, best!.order) { best = (peg.salesOrder, peg.line, po.id, end) }
                    }
                    return best
                },
                "the demo has a pegged order"
            )
            let promised = pick.end.addingTimeInterval(-26 * 3600)
            let source = try await sc.submit(
                "/api/v1/sales-orders/\(pick.so)/lines/\(pick.line)/promise",
                as: "sales",
                body: #"{"promisedDate":"\#(isoString(promised))"}"#
            )

            let e = try await sc.exception(kind: "promise-not-feasible", after: source)
            #expect(e["playbook"] as? String == "PB-PROMISE-CAPACITY" && e["subject"] as? String == "promise:\(pick.so)/\(pick.line)")
            let gap = try #require((e["disruption"] as? [String: Any])?["extraMinutes"] as? Int)
            #expect(gap >= 26 * 60, "the promise gap is at least the 26 h before the scheduled end: \(gap)")
            let check = ScenarioCheck(scenario: sc, exception: e)
            let (b, p) = (try check.baseline(), try check.predicted())
            // The pegged order is now due at the promise, 26 h before it finishes: one more late order, 26 h more lateness.
            // (The baseline is the plant as it is, with the promise already recorded, so the line is late against it in
            // both plans and the order, whose completion does not move, is not listed among the orders finishing later.)
            #expect(p.lateOrders == b.lateOrders + 1, "the promised line's order is now late: \(b) → \(p)")
            #expect(p.totalLateness - b.totalLateness == 26 * 60, "by the 26 h of the gap: \(b) → \(p)")
            #expect(p.lateCustomerLines >= 1 && p.customerLateness >= 26 * 60, "the promised line is late against its promise: \(p)")
            let action = try check.reducingAction()
            let approval = try await check.approve(action)
            _ = try await check.executed(action, after: approval)
        }
    }

    // MARK: 6. A rush request from sales

    @Test(
        "A rush request from sales (PB-RUSH-ORDER): a priority-1 order for three days out does not fit as is; inserting it (or its alternative) removes the lateness"
    )
    func rushOrder() async throws {
        try await DemoScenario.run { sc in
            let s = sc.s
            // The rule: the finished item with the most open production orders (it is made on this plant's lines), the
            // quantity of its smallest open order, for the first customer, three days out.
            let pick = try #require(
                await s.engine.read { state -> (item: Item.ID, quantity: Double, customer: Customer.ID)? in
                    let open = state.productionOrders.values.filter {
                        [.planned, .released].contains($0.status) && state.items[$0.item]?.kind == .finished
                    }
                    let byItem = Dictionary(grouping: open, by: \.item)
                    guard let (item, orders) = byItem.max(by: { ($0.value.count, $1.key) < ($1.value.count, $0.key) }),
                        let customer = state.customers.keys.min()
                    else { return nil }
                    return (item, orders.map(\.quantity).min() ?? 1, customer)
                }
            )
            let date = Self.now.addingTimeInterval(3 * 86_400)
            let body =
                #"{"id":"SO-90001","customer":"\#(pick.customer)","priority":1,"lines":[{"line":10,"item":"\#(pick.item)","quantity":\#(pick.quantity),"requestedDate":"\#(isoString(date))"}]}"#
            let source = try await sc.submit("/api/v1/sales-orders", as: "sales", body: body, status: 201)

            let e = try await sc.exception(kind: "rush-order", after: source)
            #expect(e["playbook"] as? String == "PB-RUSH-ORDER" && e["subject"] as? String == "rush-order:SO-90001")
            let disruption = try #require(e["disruption"] as? [String: Any])
            #expect(disruption["item"] as? String == pick.item.rawValue && disruption["quantity"] as? Double == pick.quantity)
            let check = ScenarioCheck(scenario: sc, exception: e)
            try await check.assertNewLateness()
            let action = try check.reducingAction()
            let approval = try await check.approve(action)
            _ = try await check.executed(action, after: approval)
        }
    }
}
