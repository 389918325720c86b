import Foundation
import TaktCore
import TaktOrchestration
import Testing

@Suite("Assessing a disruption")
struct AssessmentTests {
    typealias F = OrchestrationFixture

    static let slowdown: (state: PlantState, trigger: Trigger, workCenter: WorkCenter.ID)? = {
        let state = F.scaleOne
        guard let wc = F.busiestMachining(state) else { return nil }
        let d = Disruption(kind: .machineSlow, workCenter: wc, from: F.now, until: F.now.addingTimeInterval(48 * 3600), rateFactor: 0.3)
        let trigger = F.trigger(
            d,
            actions: [.moveToAlternativeWorkCenter, .resequence, .addOvertime, .repromise],
            subject: "machine-slow:\(wc)",
            title: "\(wc) runs at 30% of its ideal rate"
        )
        return (state, trigger, wc)
    }()

    @Test("A slowdown on the busiest machining center moves operations and makes orders late, in numbers")
    func slowdownImpact() throws {
        let (state, trigger, wc) = try #require(Self.slowdown)
        let e = try Orchestration.assess(trigger, state: state, now: F.now)
        #expect(e.impact.predicted.totalLatenessMinutes > e.impact.baseline.totalLatenessMinutes)
        #expect(e.impact.predicted.lateOrders >= e.impact.baseline.lateOrders)
        #expect(!e.impact.operations.isEmpty && e.impact.operations.count <= 50)
        #expect(e.impact.operations.allSatisfy { $0.shiftMinutes == Int($0.newStart.timeIntervalSince($0.plannedStart) / 60) })
        let shifts = e.impact.operations.map { abs($0.shiftMinutes) }
        #expect(shifts == shifts.sorted(by: >), "biggest shift first")
        #expect(!e.impact.orders.isEmpty)
        #expect(e.impact.orders.allSatisfy { $0.predictedCompletion > $0.plannedCompletion })
        #expect(e.impact.affected.workCenters.contains(wc))
        #expect(e.causeChain.first?.kind == "event")
        let effects = e.causeChain.filter { $0.kind == "effect" }.map(\.text)
        #expect(effects.contains { $0.contains("start up to") && $0.contains("later") })
        #expect(effects.contains { $0.hasPrefix("Late production orders \(e.impact.baseline.lateOrders) → \(e.impact.predicted.lateOrders)") })
        #expect(e.severity >= .medium)
        #expect(e.subject == "machine-slow:\(wc)")
    }

    @Test(
        "An eight-hour slowdown at 30 % costs the work center 70 % of those eight hours, not weeks: long operations pause over the night instead of waiting for a window they fit in"
    )
    func slowdownCostsItsLostCapacity() throws {
        let state = F.scaleOne
        let wc = try #require(state.publishedSchedule?.busiestWorkCenter(from: F.now, hours: 8))
        let d = Disruption(kind: .machineSlow, workCenter: wc, from: F.now, until: F.now.addingTimeInterval(8 * 3600), rateFactor: 0.3)
        let e = try Orchestration.assess(
            F.trigger(d, actions: [.resequence], subject: "machine-slow:\(wc)", title: "\(wc) runs slow"),
            state: state,
            now: F.now
        )
        #expect(e.impact.predicted.totalLatenessMinutes >= e.impact.baseline.totalLatenessMinutes)
        #expect(!e.impact.operations.isEmpty, "work on \(wc) moves")
        // 8 h × 70 % = 336 min of lost work; with the nights and a weekend in between no operation moves by three days.
        let most = e.impact.operations.map(\.shiftMinutes).max() ?? 0
        #expect(most > 0 && most < 3 * 24 * 60, "the biggest move is \(most) min")
    }

    @Test("The best action reduces lateness, the plant accepts its commands, and verification passes afterwards")
    func bestActionVerifies() throws {
        let (state, trigger, _) = try #require(Self.slowdown)
        let e = try Orchestration.assess(trigger, state: state, now: F.now)
        let best = try #require(e.actions.first)
        #expect(best.rank == 1 && best.id == "A1")
        #expect(e.actions.map(\.rank) == Array(1...e.actions.count))
        #expect(e.actions.map(\.cost) == e.actions.map(\.cost).sorted())
        #expect(best.predicted.totalLatenessMinutes < e.impact.predicted.totalLatenessMinutes)
        #expect(best.effect.hasPrefix("late orders \(e.impact.predicted.lateOrders) → \(best.predicted.lateOrders), total lateness −"))
        #expect(best.rationale.contains("less than doing nothing"))
        #expect(best.costTerms.reduce(0) { $0 + $1.cost } == best.cost)
        #expect(best.approvals == state.approvalPolicy.roles(for: best.steps.map(\.kind)))
        for action in e.actions {
            var copy = state
            #expect(F.execute(action, on: &copy), "\(action.id) \(action.title)")
        }
        var after = state
        try #require(F.execute(best, on: &after))
        #expect(after.publishedSchedule?.id == "SCH-000002")
        let verification = Orchestration.verify(e, action: best, state: after, now: F.now)
        #expect(verification.passed, "\(verification.text)")
        #expect(verification.text.contains("Expected late orders \(best.scope?.predicted.lateOrders ?? -1)"))
    }

    @Test("Material missing at the line: pick another lot of the same item; the reservation goes out and the plan holds")
    func materialMissingPicksAnotherLot() throws {
        var state = F.scaleOne
        // A reserved lot of a released order for which another lot of the item could stand in.
        let candidates = state.reservations.values.sorted { $0.id < $1.id }.filter { r in
            state.productionOrders[r.productionOrder]?.status == .released
        }
        var chosen: Reservation?
        for r in candidates
        where state.lots.values.contains(where: { $0.item == r.item && $0.id != r.lot && state.availableToReserve(lot: $0.id) >= r.quantity }) {
            chosen = r
            break
        }
        if chosen == nil, let r = candidates.first {
            // No spare lot in the demo: a second delivery of the item arrives.
            try F.record(
                .receiveLot(
                    ReceiveLot(
                        id: "LOT-SPARE",
                        item: r.item,
                        quantity: r.quantity * 2,
                        location: "LOC-RECEIVING",
                        supplier: "Spare Supplier",
                        supplierLot: "SP-1",
                        deliveryNote: "DN-1"
                    )
                ),
                on: &state
            )
            chosen = r
        }
        let reservation = try #require(chosen)
        try F.record(.reportMaterialMissing(ReportMaterialMissing(lot: reservation.lot)), on: &state)
        let d = Disruption(
            kind: .materialMissing,
            from: F.now,
            until: F.now.addingTimeInterval(3 * 86_400),
            item: reservation.item,
            lots: [reservation.lot]
        )
        let trigger = F.trigger(
            d,
            actions: [.pickAnotherLot, .expeditePurchase, .resequence],
            subject: "material-missing:\(reservation.lot)",
            title: "Lot \(reservation.lot) cannot be found"
        )
        let e = try Orchestration.assess(trigger, state: state, now: F.now)
        #expect(e.impact.predicted.totalLatenessMinutes >= e.impact.baseline.totalLatenessMinutes)
        #expect(e.impact.operations.contains { $0.productionOrder == reservation.productionOrder && $0.shiftMinutes > 0 })
        let pick = try #require(e.actions.first { $0.steps.first?.kind == .pickAnotherLot })
        #expect(pick.approvals == [.warehouse])
        let reserves = pick.steps.flatMap(\.commands).compactMap { c -> ReserveLot? in if case .reserveLot(let r) = c { r } else { nil } }
        #expect(reserves.contains { $0.productionOrder == reservation.productionOrder && $0.lot != reservation.lot })
        #expect(pick.predicted.totalLatenessMinutes <= e.impact.predicted.totalLatenessMinutes)
        var after = state
        let events = try #require(F.execute(pick, on: &after) ? after : nil)
        #expect(
            events.stagingTasks.values.contains {
                $0.productionOrder == reservation.productionOrder && $0.lot != reservation.lot && $0.status == .open
            }
        )
        let verification = Orchestration.verify(e, action: pick, state: after, now: F.now)
        #expect(verification.passed, "\(verification.text)")
    }

    @Test("A quality hold on a reserved lot: re-inspect and release, then the material is usable and the plan holds")
    func qualityHoldReinspects() throws {
        var state = F.scaleOne
        // A reserved lot of a released order whose item has no other free usable stock: holding it stops the order.
        let reservation = try #require(
            state.reservations.values.sorted { $0.id < $1.id }.first { r in
                guard state.productionOrders[r.productionOrder]?.status == .released, state.lots[r.lot]?.status == .available else { return false }
                let others = state.lots.values.filter { $0.item == r.item && $0.id != r.lot && state.isUsable(lot: $0.id) }
                    .reduce(0.0) { $0 + state.availableToReserve(lot: $1.id) }
                return others < 1e-9
            }
        )
        try F.record(.placeHold(PlaceHold(lot: reservation.lot, reason: "Supplier reports a possible mix-up")), on: &state)
        #expect(state.lots[reservation.lot]?.status == .onHold)
        let d = Disruption(
            kind: .qualityHold,
            from: F.now,
            until: F.now.addingTimeInterval(5 * 86_400),
            item: reservation.item,
            lots: [reservation.lot]
        )
        let trigger = F.trigger(
            d,
            actions: [.reinspectAndRelease, .pickAnotherLot],
            subject: "quality-hold:\(reservation.lot)",
            title: "Lot \(reservation.lot) is on hold"
        )
        let e = try Orchestration.assess(trigger, state: state, now: F.now)
        #expect(e.impact.checksDue.contains { $0.kind == "inspection" && $0.lot == reservation.lot })
        #expect(e.impact.operations.contains { $0.productionOrder == reservation.productionOrder })
        let release = try #require(e.actions.first { $0.steps.first?.kind == .reinspectAndRelease })
        #expect(release.approvals == [.quality])
        #expect(release.steps.flatMap(\.commands).contains { if case .releaseHold = $0 { true } else { false } })
        #expect(release.predicted.totalLatenessMinutes <= e.impact.predicted.totalLatenessMinutes)
        var after = state
        try #require(F.execute(release, on: &after))
        #expect(after.lots[reservation.lot]?.status == .available)
        let verification = Orchestration.verify(e, action: release, state: after, now: F.now)
        #expect(verification.passed, "\(verification.text)")
    }

    @Test("A late semi-finished component delays the assembly order that needs it (cross-order pegging)")
    func semiFinishedDelaysParent() throws {
        let state = F.scaleOne
        let scheduled = Set(state.publishedSchedule?.steps.map(\.productionOrder) ?? [])
        let children = state.productionOrders.values.filter { po in
            isOpenOrder(po) && state.items[po.item]?.kind == .semiFinished && scheduled.contains(po.id)
        }.sorted { ($0.dueDate, $0.id) < ($1.dueDate, $1.id) }
        var found: (child: ProductionOrder, parent: OrderLateness)?
        for child in children.prefix(12) {
            guard let last = state.routings[child.routing]?.operations.last else { continue }
            let d = Disruption(kind: .operationLate, from: F.now, productionOrder: child.id, sequence: last.sequence, extraMinutes: 3 * 1440)
            let trigger = F.trigger(d, actions: [], subject: "operation-late:\(child.id)", title: "\(child.id) runs 3 days late")
            let e = try Orchestration.assess(trigger, state: state, now: F.now)
            let parents = e.impact.orders.filter { o in
                guard let po = state.productionOrders[o.productionOrder], po.id != child.id else { return false }
                return state.boms.values.contains { $0.item == po.item && $0.components.contains { $0.item == child.item } }
            }
            if let p = parents.first {
                found = (child, p)
                break
            }
        }
        let (child, parent) = try #require(found, "no parent order was delayed by a late component")
        #expect(parent.changeMinutes > 0)
        #expect(parent.productionOrder != child.id)
    }

    @Test("A rush sales order line without production: insert an order under the plant's next number, then verify")
    func rushOrderInserted() throws {
        var state = F.scaleOne
        let item = try #require(state.items.values.filter { $0.kind == .finished }.map(\.id).sorted().first)
        let customer = try #require(state.customers.keys.sorted().first)
        let due = F.now.addingTimeInterval(6 * 86_400)
        try F.record(
            .createSalesOrder(
                NewSalesOrder(
                    id: "SO-RUSH",
                    customer: customer,
                    priority: 1,
                    lines: [SalesOrderLine(line: 10, item: item, quantity: 2, requestedDate: due)]
                )
            ),
            on: &state
        )
        let d = Disruption(kind: .rushOrder, from: F.now, item: item, quantity: 2, salesOrder: "SO-RUSH", line: 10, date: due)
        let trigger = F.trigger(d, actions: [.insertOrder, .resequence, .repromise], subject: "rush-order:SO-RUSH", title: "Rush order SO-RUSH")
        let e = try Orchestration.assess(trigger, state: state, now: F.now)
        let expected = ProductionOrder.ID(String(format: "PO-%06d", state.nextProductionOrderNumber))
        #expect(e.disruption.productionOrder == expected)
        #expect(e.impact.orders.contains { $0.productionOrder == expected && $0.salesOrder == "SO-RUSH" })
        let insert = try #require(e.actions.first { $0.steps.first?.kind == .insertOrder })
        for action in e.actions {
            guard case .createProductionOrder(let new)? = action.steps.first?.commands.first else {
                Issue.record("\(action.id) does not create the rush order first")
                continue
            }
            #expect(new.id == expected && new.pegging == Pegging(salesOrder: "SO-RUSH", line: 10))
            var copy = state
            #expect(F.execute(action, on: &copy))
        }
        var after = state
        try #require(F.execute(insert, on: &after))
        #expect(after.productionOrders[expected]?.pegging?.salesOrder == "SO-RUSH")
        let verification = Orchestration.verify(e, action: insert, state: after, now: F.now)
        #expect(verification.passed, "\(verification.text)")
    }

    @Test(
        "Anna, the only certified miller, is away for two days: milling work waits until she is back and orders finish later; her turning work can be covered by Deniz"
    )
    func operatorAbsent() throws {
        var state = F.scaleOne
        let until = F.now.addingTimeInterval(48 * 3600)
        try F.record(.reportAbsence(ReportAbsence(user: "op-anna", until: until, reason: "sick")), on: &state)
        let event = Event.absenceReported(try #require(state.absences["op-anna"]?.last))
        let trigger = try #require(
            Orchestration.trigger(event, sequence: state.sequence, recordedAt: F.now, state: state),
            "PB-OPERATOR-ABSENT matches"
        )
        #expect(trigger.playbook.id == "PB-OPERATOR-ABSENT" && trigger.disruption.person == "op-anna" && trigger.disruption.until == until)
        #expect(trigger.title.hasPrefix("Anna Keller (op-anna) is away until "), "\(trigger.title)")
        let e = try Orchestration.assess(trigger, state: state, now: F.now)
        let milling = e.impact.labour.filter { $0.text.contains("Nobody else is certified for cnc-milling") }
        #expect(!milling.isEmpty, "\(e.impact.labour.map(\.text))")
        #expect(milling.allSatisfy { $0.minutes > 0 && $0.text.hasSuffix("waits until Anna Keller is back") })
        let turning = e.impact.labour.filter { $0.text.contains("cnc-turning work") }
        #expect(!turning.isEmpty && turning.allSatisfy { $0.text.contains("certified and not away: op-deniz") }, "\(e.impact.labour.map(\.text))")
        // Milling operations planned in her absence start only when she is back.
        let back = until
        let milled = e.impact.operations.filter { m in
            Set(milling.map(\.workCenter)).contains(m.fromWorkCenter) && m.plannedStart < back
        }
        #expect(!milled.isEmpty && milled.allSatisfy { $0.newStart >= back.addingTimeInterval(-60) }, "\(milled.prefix(3))")
        #expect(e.impact.predicted.totalLatenessMinutes >= e.impact.baseline.totalLatenessMinutes)
        #expect(e.functions.contains(.labour))
        #expect(e.impact.affected.people.contains("op-anna"))
    }

    @Test("Someone away whose skills others hold moves no work: the labour list says who can stand in")
    func operatorAbsentWithCover() throws {
        var state = F.scaleOne
        // Deniz turns and assembles; Anna also turns, Carla also assembles (Deniz's own assembly certificate has expired).
        try F.record(.reportAbsence(ReportAbsence(user: "op-deniz", until: F.now.addingTimeInterval(24 * 3600), reason: "training")), on: &state)
        let event = Event.absenceReported(try #require(state.absences["op-deniz"]?.last))
        let trigger = try #require(Orchestration.trigger(event, sequence: state.sequence, recordedAt: F.now, state: state))
        let e = try Orchestration.assess(trigger, state: state, now: F.now)
        #expect(e.impact.operations.isEmpty, "nothing waits: \(e.impact.operations.prefix(3))")
        #expect(
            !e.impact.labour.isEmpty && e.impact.labour.allSatisfy { $0.text.contains("certified and not away") },
            "\(e.impact.labour.map(\.text))"
        )
        #expect(e.actions.isEmpty, "no action is better than doing nothing")
    }

    @Test("The same input gives the same exception")
    func deterministic() throws {
        let (state, trigger, _) = try #require(Self.slowdown)
        let a = try Orchestration.assess(trigger, state: state, now: F.now)
        let b = try Orchestration.assess(trigger, state: state, now: F.now)
        #expect(a == b)
    }

    @Test("Unknown references are refused, naming the field")
    func unknownReferences() {
        let state = F.scaleOne
        func field(_ d: Disruption) -> String? {
            do {
                _ = try Orchestration.assess(F.trigger(d, actions: [.resequence], subject: "x", title: "x"), state: state, now: F.now)
                return nil
            } catch {
                #expect(error.rule == "unknown-reference")
                return error.field
            }
        }
        #expect(field(Disruption(kind: .machineDown, workCenter: "WC-NOPE", from: F.now)) == "workCenter")
        #expect(
            field(Disruption(kind: .operationLate, from: F.now, productionOrder: "PO-999999", sequence: 10, extraMinutes: 60)) == "productionOrder"
        )
        #expect(field(Disruption(kind: .materialMissing, from: F.now, lots: ["LOT-NOPE"])) == "lots[0]")
        #expect(field(Disruption(kind: .salesOrderChanged, from: F.now, salesOrder: "SO-NOPE")) == "salesOrder")
    }
}

/// Whether a production order is still to be made.
func isOpenOrder(_ po: ProductionOrder) -> Bool { [.planned, .released, .inProgress].contains(po.status) }
