import Foundation
import TaktCore
import TaktDemo
import Testing

@testable import TaktOrchestration

/// The demo plant (seed 42, scale 1) built through decide and apply, and commands recorded on top of it.
enum TriggerFixture {
    static let now = TaktJSON.parseDate("2026-11-24T00:00:00Z") ?? Date(timeIntervalSince1970: 0)
    /// Later than the demo's start, during the working day.
    static let at = now.addingTimeInterval(9 * 3600)

    static let demo: PlantState = {
        var state = PlantState()
        for command in DemoPlant.commands(seed: 42, scale: 1, start: now) {
            guard let events = try? state.decide(command, actor: nil, now: now) else { continue }
            for event in events { state.apply(event, sequence: state.sequence + 1) }
        }
        return state
    }()

    /// Records a command on `state` at `at` and returns its events; `state` is then the plant after them.
    static func record(_ command: Command, on state: inout PlantState, at date: Date = at, actor: User.ID? = "planner") throws -> [Event] {
        let events = try state.decide(command, actor: actor, now: date)
        for event in events { state.apply(event, sequence: state.sequence + 1) }
        return events
    }

    /// The trigger for the first event of `command` of type `type`, on the plant after the command.
    static func trigger(_ command: Command, type: String, on state: inout PlantState, at date: Date = at) throws -> Trigger? {
        let events = try record(command, on: &state, at: date)
        let event = try #require(events.first { $0.typeName == type }, "\(command.typeName) recorded no \(type): \(events.map(\.typeName))")
        return Orchestration.trigger(event, sequence: state.sequence, recordedAt: date, state: state)
    }

    static func hours(_ h: Double, after date: Date = at) -> Date { date.addingTimeInterval(h * 3600) }

    /// An open production order of an item kind with an operation that is not completed.
    static func openOperation(_ state: PlantState, kind: ItemKind) -> (ProductionOrder, OperationProgress)? {
        for order in state.productionOrders.values.sorted(by: { $0.id < $1.id })
        where !order.status.isTerminal && state.items[order.item]?.kind == kind {
            if let op = state.operations[order.id]?.first(where: { $0.status != .completed }) { return (order, op) }
        }
        return nil
    }
}

@Suite("Triggers: events into disruptions, on the demo plant")
struct TriggerTests {
    typealias F = TriggerFixture

    @Test("The demo plant ships its playbooks, each at version 1 and enabled")
    func demoShipsPlaybooks() {
        #expect(F.demo.playbooks.count == DemoPlaybooks.all.count)
        #expect(Set(F.demo.playbooks.keys) == Set(DemoPlaybooks.all.map(\.id)))
        #expect(F.demo.playbooks.values.allSatisfy { $0.version == 1 && $0.enabled })
    }

    @Test("A machine slowing to 30 of 50 per hour is a slowdown at 60 % for the assumed eight hours")
    func machineSlow() throws {
        var state = F.demo
        let wc = try #require(state.workCenters.keys.sorted().first)
        let t = try #require(
            try F.trigger(
                .setMachineState(SetMachineState(workCenter: wc, state: .slow, reason: "worn tool", actualRate: 30, idealRate: 50)),
                type: "machineStateChanged",
                on: &state
            )
        )
        #expect(t.playbook.id == "PB-MACHINE-SLOW")
        #expect(t.disruption.kind == .machineSlow)
        #expect(t.disruption.workCenter == wc)
        #expect(abs((t.disruption.rateFactor ?? 0) - 0.6) < 1e-9)
        #expect(t.disruption.from == F.at)
        #expect(t.disruption.until == F.hours(8))
        #expect(t.subject == "machine-slow:\(wc)")
        #expect(t.title.contains("\(wc) runs at 60%"), "\(t.title)")
        #expect(t.sourceEvent == "machineStateChanged")
        #expect(t.sourceSequence == state.sequence)
    }

    @Test("A machine going down is a breakdown assumed to last two hours; back to running raises nothing")
    func machineDown() throws {
        var state = F.demo
        let wc = try #require(state.workCenters.keys.sorted().last)
        let t = try #require(
            try F.trigger(
                .setMachineState(SetMachineState(workCenter: wc, state: .down, reason: "spindle failure")),
                type: "machineStateChanged",
                on: &state
            )
        )
        #expect(t.playbook.id == "PB-MACHINE-DOWN")
        #expect(t.disruption.kind == .machineDown)
        #expect(t.disruption.until == F.hours(2))
        #expect(t.disruption.rateFactor == nil)
        #expect(t.subject == "machine-down:\(wc)")
        #expect(t.title == "\(wc) is down: spindle failure")
        let back = try F.trigger(
            .setMachineState(SetMachineState(workCenter: wc, state: .running)),
            type: "machineStateChanged",
            on: &state,
            at: F.hours(1)
        )
        #expect(back == nil)
    }

    @Test("A breakdown with the repair time maintenance reported lasts until then, not the playbook's two hours")
    func machineDownUntilRepaired() throws {
        var state = F.demo
        let wc = try #require(state.workCenters.keys.sorted().last)
        let t = try #require(
            try F.trigger(
                .setMachineState(
                    SetMachineState(
                        workCenter: wc,
                        state: .down,
                        reason: "spindle failure",
                        expectedUntil: F.hours(30)
                    )
                ),
                type: "machineStateChanged",
                on: &state
            )
        )
        #expect(t.disruption.until == F.hours(30))
        #expect(t.title.hasPrefix("\(wc) is down: spindle failure, expected back "), "\(t.title)")
    }

    @Test("A slowdown without rates describes no slowdown, so nothing is raised")
    func slowWithoutRates() throws {
        var state = F.demo
        let wc = try #require(state.workCenters.keys.sorted().first)
        #expect(try F.trigger(.setMachineState(SetMachineState(workCenter: wc, state: .slow)), type: "machineStateChanged", on: &state) == nil)
    }

    @Test("A disabled playbook does not fire; the next matching one by ID does")
    func disabledPlaybook() throws {
        var state = F.demo
        var slow = try #require(state.playbooks["PB-MACHINE-SLOW"])
        slow.enabled = false
        _ = try F.record(.definePlaybook(slow), on: &state)
        #expect(state.playbooks["PB-MACHINE-SLOW"]?.version == 2)
        let wc = try #require(state.workCenters.keys.sorted().first)
        let command = Command.setMachineState(SetMachineState(workCenter: wc, state: .slow, actualRate: 30, idealRate: 50))
        var copy = state
        #expect(try F.trigger(command, type: "machineStateChanged", on: &copy) == nil)

        // Another enabled playbook for slow machines, with a later ID, now takes the event.
        var other = slow
        other.id = "PB-ZZ-SLOW"
        other.enabled = true
        other.assumedDurationMinutes = 60
        _ = try F.record(.definePlaybook(other), on: &state)
        let t = try #require(try F.trigger(command, type: "machineStateChanged", on: &state))
        #expect(t.playbook.id == "PB-ZZ-SLOW")
        #expect(t.disruption.until == F.hours(1))
    }

    @Test("A reported delay on a semi-finished component is operation-late with order, operation, minutes and work center")
    func componentLate() throws {
        var state = F.demo
        let (order, op) = try #require(F.openOperation(state, kind: .semiFinished))
        let routing = try #require(state.routings[order.routing])
        let expectedWC = op.workCenter ?? routing.operations.first { $0.sequence == op.sequence }?.workCenters.first?.workCenter
        let t = try #require(
            try F.trigger(
                .reportOperationDelay(
                    ReportOperationDelay(productionOrder: order.id, sequence: op.sequence, extraMinutes: 90, reason: "tool breakage")
                ),
                type: "operationDelayReported",
                on: &state
            )
        )
        #expect(t.playbook.id == "PB-COMPONENT-LATE")
        #expect(t.playbook.actions == [.addOvertime, .moveToAlternativeWorkCenter, .resequence, .repromise])
        #expect(t.disruption.kind == .operationLate)
        #expect(t.disruption.productionOrder == order.id)
        #expect(t.disruption.sequence == op.sequence)
        #expect(t.disruption.extraMinutes == 90)
        #expect(t.disruption.workCenter != nil)
        #expect(t.disruption.workCenter == expectedWC)
        #expect(t.disruption.item == order.item)
        #expect(t.subject == "operation-late:\(order.id)/\(op.sequence)")
        #expect(t.title.contains("90 min late"), "\(t.title)")
    }

    @Test("A reported delay on a finished pump's order goes to the general late-operation playbook")
    func finishedLate() throws {
        var state = F.demo
        let (order, op) = try #require(F.openOperation(state, kind: .finished))
        let t = try #require(
            try F.trigger(
                .reportOperationDelay(
                    ReportOperationDelay(productionOrder: order.id, sequence: op.sequence, extraMinutes: 150, reason: "missing fixture")
                ),
                type: "operationDelayReported",
                on: &state
            )
        )
        #expect(t.playbook.id == "PB-OPERATION-LATE")
        #expect(t.disruption.extraMinutes == 150)
        #expect(t.title.contains("2 h 30 min late"), "\(t.title)")
    }

    @Test("Scrap is scrap-beyond-plan with the run minutes to make it again; a report without scrap raises nothing")
    func scrap() throws {
        var state = F.demo
        let (order, op) = try #require(F.openOperation(state, kind: .semiFinished))
        let routing = try #require(state.routings[order.routing])
        let eligible = try #require(routing.operations.first { $0.sequence == op.sequence }?.workCenters.first)
        let report = ProductionReport(
            productionOrder: order.id,
            operation: op.sequence,
            workCenter: eligible.workCenter,
            good: 6,
            scrap: 4,
            scrapReason: "porosity",
            idealMinutesPerUnit: 1,
            at: F.at,
            by: "op-1"
        )
        state.apply(.quantityReported(report), sequence: state.sequence + 1)
        let t = try #require(Orchestration.trigger(.quantityReported(report), sequence: state.sequence, recordedAt: F.at, state: state))
        #expect(t.playbook.id == "PB-SCRAP")
        #expect(t.disruption.kind == .scrapBeyondPlan)
        #expect(t.disruption.quantity == 4)
        #expect(t.disruption.extraMinutes == Int((4 * eligible.runMinutesPerUnit).rounded(.up)))
        #expect(t.disruption.workCenter == eligible.workCenter)
        #expect(t.subject == "scrap-beyond-plan:\(order.id)/\(op.sequence)")

        var clean = report
        clean.scrap = 0
        #expect(Orchestration.trigger(.quantityReported(clean), sequence: state.sequence, recordedAt: F.at, state: state) == nil)
    }

    @Test("A missing lot is material-missing with the lot, its item and quantity, assumed gone for a day")
    func materialMissing() throws {
        var state = F.demo
        let lot = try #require(state.lots.values.filter { $0.location == "LOC-STORE" && $0.status == .available }.sorted { $0.id < $1.id }.first)
        let t = try #require(
            try F.trigger(
                .reportMaterialMissing(ReportMaterialMissing(lot: lot.id, note: "not on its rack")),
                type: "materialMissing",
                on: &state
            )
        )
        #expect(t.playbook.id == "PB-MATERIAL-MISSING")
        #expect(t.playbook.automatic.isEmpty)
        #expect(t.disruption.kind == .materialMissing)
        #expect(t.disruption.lots == [lot.id])
        #expect(t.disruption.item == lot.item)
        #expect(t.disruption.quantity == lot.quantity)
        #expect(t.disruption.from == F.at)
        #expect(t.disruption.until == F.hours(24))
        #expect(t.subject == "material-missing:\(lot.id)")
        #expect(t.title.contains("\(lot.id) (\(Int(lot.quantity)) × \(lot.item))") && t.title.hasSuffix("missing at LOC-STORE"), "\(t.title)")
    }

    @Test("A projected shortage lasts until the next expected receipt, else for the assumed five days")
    func shortage() throws {
        var state = F.demo
        let item = try #require(state.items.values.filter { $0.kind == .purchased }.map(\.id).sorted().first)
        let from = F.hours(48)
        let shortage = ShortageProjected(shortage: ProjectedShortage(item: item, from: from, shortBy: 12, affected: []), at: F.at)
        let open = state.expectedReceipts.values.filter { $0.item == item && $0.status == .open }
        for receipt in open {
            _ = try F.record(.cancelExpectedReceipt(CancelExpectedReceipt(expectedReceipt: receipt.id, reason: "test")), on: &state)
        }
        let none = try #require(Orchestration.trigger(.shortageProjected(shortage), sequence: 1, recordedAt: F.at, state: state))
        #expect(none.playbook.id == "PB-SHORTAGE")
        #expect(none.disruption.kind == .shortageProjected)
        // One exception for every shortage the plant projects: the event's item is one part, beside those already recorded.
        let part = try #require(none.disruption.components.first { $0.item == item })
        #expect(none.disruption.components.count == state.shortages.values.filter { $0.item != item && $0.shortBy > 0 }.count + 1)
        #expect(part.quantity == 12)
        #expect(part.from == from)
        #expect(part.until == from.addingTimeInterval(7200 * 60))
        #expect(none.subject == "shortage-projected")
        #expect(none.title.contains(item.rawValue) || none.disruption.components.count > 3, "\(none.title)")
        #expect(none.title.count <= 200)

        let arrives = F.hours(96)
        _ = try F.record(
            .expectReceipt(ExpectReceipt(id: "ER-T1", item: item, quantity: 50, expectedDate: arrives, supplier: "Acme", reference: "PO-T1")),
            on: &state
        )
        let next = try #require(Orchestration.trigger(.shortageProjected(shortage), sequence: 2, recordedAt: F.at, state: state))
        #expect(next.disruption.components.first { $0.item == item }?.until == arrives)
    }

    @Test("A hold on a supplier lot is a quality hold on the held lots, assumed two days; a hold on one lot raises nothing")
    func supplierLotHold() throws {
        var state = F.demo
        let lot = try #require(state.lots.values.filter { $0.supplierLot != nil && $0.status == .available }.sorted { $0.id < $1.id }.first)
        let events = try F.record(.placeHold(PlaceHold(supplier: lot.supplier, supplierLot: lot.supplierLot, reason: "supplier notice")), on: &state)
        let event = try #require(events.first { $0.typeName == "holdPlaced" })
        guard case .holdPlaced(let hold) = event else {
            Issue.record("no hold")
            return
        }
        let t = try #require(Orchestration.trigger(event, sequence: state.sequence, recordedAt: F.at, state: state))
        #expect(t.playbook.id == "PB-SUPPLIER-LOT-HOLD")
        #expect(t.playbook.tasks.map(\.role) == [.quality, .planner])
        #expect(t.disruption.kind == .qualityHold)
        #expect(t.disruption.lots == hold.lots.map(\.lot))
        #expect(t.disruption.lots.contains(lot.id))
        #expect(t.disruption.item == lot.item)
        #expect(t.disruption.from == F.at)
        #expect(t.disruption.until == F.hours(48))
        #expect(t.subject == "quality-hold:\(hold.id)")
        #expect(t.title.hasPrefix("Supplier lot \(lot.supplierLot ?? "")"), "\(t.title)")

        let other = try #require(state.lots.values.filter { $0.status == .available }.sorted { $0.id < $1.id }.first)
        #expect(try F.trigger(.placeHold(PlaceHold(lot: other.id, reason: "dropped")), type: "holdPlaced", on: &state) == nil)
    }

    @Test("A delivery re-announced later is supplier-receipt-late from the old date to the new; earlier or first announcements raise nothing")
    func supplierLate() throws {
        var state = F.demo
        let item = try #require(state.items.values.filter { $0.kind == .purchased }.map(\.id).sorted().first)
        let first = ExpectReceipt(id: "ER-T1", item: item, quantity: 40, expectedDate: F.hours(72), supplier: "Gießerei Nord", reference: "PO-4711")
        #expect(try F.trigger(.expectReceipt(first), type: "receiptExpected", on: &state) == nil)
        _ = try F.record(.cancelExpectedReceipt(CancelExpectedReceipt(expectedReceipt: "ER-T1", reason: "supplier moved the date")), on: &state)
        var later = first
        later.id = "ER-T2"
        later.expectedDate = F.hours(144)
        let t = try #require(try F.trigger(.expectReceipt(later), type: "receiptExpected", on: &state))
        #expect(t.playbook.id == "PB-SUPPLIER-LATE")
        #expect(t.disruption.kind == .supplierReceiptLate)
        #expect(t.disruption.item == item)
        #expect(t.disruption.quantity == 40)
        #expect(t.disruption.from == F.hours(72))
        #expect(t.disruption.until == F.hours(144))
        #expect(t.disruption.date == F.hours(144))
        #expect(t.subject == "supplier-receipt-late:PO-4711/\(item)")
        #expect(t.title.contains("3 days later"), "\(t.title)")

        var earlier = first
        earlier.id = "ER-T3"
        earlier.expectedDate = F.hours(100)
        #expect(try F.trigger(.expectReceipt(earlier), type: "receiptExpected", on: &state) == nil)
    }

    @Test("A priority-1 sales order is a rush order with line 1's item, quantity and date; priority 3 raises nothing")
    func rushOrder() throws {
        var state = F.demo
        let customer = try #require(state.customers.keys.sorted().first)
        let pump = try #require(state.items.values.filter { $0.kind == .finished }.map(\.id).sorted().first)
        let date = F.hours(24 * 6)
        let lines = [
            SalesOrderLine(line: 10, item: pump, quantity: 20, requestedDate: date),
            SalesOrderLine(line: 20, item: pump, quantity: 5, requestedDate: date),
        ]
        let t = try #require(
            try F.trigger(
                .createSalesOrder(NewSalesOrder(id: "SO-RUSH", customer: customer, priority: 1, lines: lines)),
                type: "salesOrderCreated",
                on: &state
            )
        )
        #expect(t.playbook.id == "PB-RUSH-ORDER")
        #expect(t.playbook.actions == [.insertOrder, .addOvertime, .repromise])
        #expect(t.disruption.kind == .rushOrder)
        #expect(t.disruption.salesOrder == "SO-RUSH")
        #expect(t.disruption.line == 10)
        #expect(t.disruption.item == pump)
        #expect(t.disruption.quantity == 20)
        #expect(t.disruption.date == date)
        #expect(t.subject == "rush-order:SO-RUSH")
        #expect(
            try F.trigger(
                .createSalesOrder(NewSalesOrder(id: "SO-CALM", customer: customer, priority: 3, lines: lines)),
                type: "salesOrderCreated",
                on: &state
            ) == nil
        )
    }

    @Test("A promise before the pegged order's due date is not feasible by the gap in minutes; a later promise raises nothing")
    func promise() throws {
        var state = F.demo
        let order = try #require(state.productionOrders.values.filter { !$0.status.isTerminal && $0.pegging != nil }.sorted { $0.id < $1.id }.first)
        let peg = try #require(order.pegging)
        let pegged = state.productionOrders.values.filter { $0.pegging == peg && !$0.status.isTerminal }
        let needed = try #require(pegged.map(\.dueDate).max())
        let promised = needed.addingTimeInterval(-36 * 3600)
        let t = try #require(
            try F.trigger(
                .promiseSalesOrderLine(PromiseSalesOrderLine(salesOrder: peg.salesOrder, line: peg.line, promisedDate: promised)),
                type: "salesOrderLinePromised",
                on: &state
            )
        )
        #expect(t.playbook.id == "PB-PROMISE-CAPACITY")
        #expect(t.disruption.kind == .promiseNotFeasible)
        #expect(t.disruption.salesOrder == peg.salesOrder)
        #expect(t.disruption.line == peg.line)
        #expect(t.disruption.date == promised)
        #expect(t.disruption.extraMinutes == 36 * 60)
        #expect(pegged.map(\.id).contains(try #require(t.disruption.productionOrder)))
        #expect(t.subject == "promise:\(peg.salesOrder)/\(peg.line)")

        let fine = needed.addingTimeInterval(24 * 3600)
        #expect(
            try F.trigger(
                .promiseSalesOrderLine(PromiseSalesOrderLine(salesOrder: peg.salesOrder, line: peg.line, promisedDate: fine)),
                type: "salesOrderLinePromised",
                on: &state
            ) == nil
        )
    }

    @Test("A promise is measured against the published schedule's completion when it is later than the due date")
    func promiseAgainstSchedule() throws {
        var state = F.demo
        let order = try #require(state.productionOrders.values.filter { !$0.status.isTerminal && $0.pegging != nil }.sorted { $0.id < $1.id }.first)
        let peg = try #require(order.pegging)
        let others = state.productionOrders.values.filter { $0.pegging == peg && !$0.status.isTerminal && $0.id != order.id }
        let finish = ([order.dueDate] + others.map(\.dueDate)).max()!.addingTimeInterval(5 * 86_400)
        let step = ScheduledStep(
            productionOrder: order.id,
            sequence: 10,
            name: "Pack",
            workCenter: try #require(state.workCenters.keys.sorted().first),
            start: finish.addingTimeInterval(-3600),
            end: finish
        )
        state.publishedSchedule = PublishedSchedule(
            id: "SCH-T",
            origin: F.now,
            steps: [step],
            weightedTardinessMinutes: 0,
            makespanMinutes: 0,
            totalSetupMinutes: 0,
            lateOrders: []
        )
        let promised = finish.addingTimeInterval(-2 * 3600)
        let t = try #require(
            try F.trigger(
                .promiseSalesOrderLine(PromiseSalesOrderLine(salesOrder: peg.salesOrder, line: peg.line, promisedDate: promised)),
                type: "salesOrderLinePromised",
                on: &state
            )
        )
        #expect(t.disruption.productionOrder == order.id)
        #expect(t.disruption.extraMinutes == 120)
        #expect(t.title.contains("is scheduled to finish"), "\(t.title)")
    }

    @Test("A cancelled sales order is sales-order-changed")
    func cancelled() throws {
        var state = F.demo
        let so = try #require(state.salesOrders.values.filter { $0.status == .open }.map(\.id).sorted().first)
        let t = try #require(
            try F.trigger(.cancelSalesOrder(CancelSalesOrder(salesOrder: so, reason: "customer withdrew")), type: "salesOrderCancelled", on: &state)
        )
        #expect(t.playbook.id == "PB-SALES-ORDER-CANCELLED")
        #expect(t.disruption.kind == .salesOrderChanged)
        #expect(t.disruption.salesOrder == so)
        #expect(t.disruption.from == F.at)
        #expect(t.subject == "sales-order-changed:\(so)")
        #expect(t.title.contains("customer withdrew"))
    }

    @Test("Events no playbook cares about raise nothing")
    func unrelatedEvent() throws {
        var state = F.demo
        let lot = try #require(state.lots.values.filter { $0.location == "LOC-STORE" && $0.status == .available }.sorted { $0.id < $1.id }.first)
        let events = try F.record(.moveLot(MoveLot(lot: lot.id, to: "LOC-SHIPPING")), on: &state)
        for event in events {
            #expect(Orchestration.trigger(event, sequence: 1, recordedAt: F.at, state: state) == nil)
        }
    }

    @Test("Context: an operation delay sees the order's item kind, priority and work center")
    func operationContext() throws {
        var state = F.demo
        let (order, op) = try #require(F.openOperation(state, kind: .semiFinished))
        let events = try F.record(
            .reportOperationDelay(ReportOperationDelay(productionOrder: order.id, sequence: op.sequence, extraMinutes: 30, reason: "x")),
            on: &state
        )
        let context = Triggers.context(try #require(events.first), recordedAt: F.at, state: state)
        #expect(context["itemKind"] == .string("semi-finished"))
        #expect(context["item"] == .string(order.item.rawValue))
        #expect(context["priority"] == .number(Double(order.priority)))
        #expect(context["workCenter"] != nil)
        #expect(context["dueDate"] == .string(TaktJSON.formatDate(order.dueDate)))
    }
}
