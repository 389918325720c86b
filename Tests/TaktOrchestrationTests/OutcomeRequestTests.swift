import Foundation
import TaktCore
import TaktOrchestration
import Testing

@Suite("Outcome requests")
struct OutcomeRequestTests {
    typealias F = OrchestrationFixture

    /// Every option's commands are accepted in order on a copy of the plant; returns the plant after the first.
    static func checkOptions(_ e: PlantException, _ state: PlantState, sourceLocation: SourceLocation = #_sourceLocation) -> PlantState? {
        #expect(e.kind == .outcomeRequest, sourceLocation: sourceLocation)
        #expect((1...3).contains(e.actions.count), "\(e.actions.count) options", sourceLocation: sourceLocation)
        #expect(e.causeChain.first?.kind == "request", sourceLocation: sourceLocation)
        var first: PlantState?
        for action in e.actions {
            #expect(!action.approvals.isEmpty && !action.effect.isEmpty && !action.rationale.isEmpty, sourceLocation: sourceLocation)
            #expect(action.approvals == state.approvalPolicy.roles(for: action.steps.map(\.kind)), sourceLocation: sourceLocation)
            var copy = state
            if F.execute(action, on: &copy, sourceLocation: sourceLocation), first == nil { first = copy }
        }
        return first
    }

    @Test("Expedite a sales order to a date: options say whether the date is met")
    func expedite() throws {
        let state = F.scaleOne
        let po = try #require(
            state.productionOrders.values.filter { $0.status == .released && $0.pegging != nil }.min { ($0.dueDate, $0.id) < ($1.dueDate, $1.id) }
        )
        let so = try #require(po.pegging?.salesOrder)
        let date = po.dueDate.addingTimeInterval(-2 * 86_400)
        let e = try Orchestration.plan(
            .expediteSalesOrder(salesOrder: so, line: nil, date: date),
            text: "expedite \(so)",
            state: state,
            now: F.now,
            by: "planner"
        )
        #expect(e.subject == "outcome:expedite-sales-order:\(so)")
        #expect(e.raisedBy == "planner" && e.requestText == "expedite \(so)")
        #expect(e.actions.allSatisfy { $0.rationale.contains("meets") || $0.rationale.contains("misses") })
        let after = try #require(Self.checkOptions(e, state))
        let best = try #require(e.actions.first)
        let verification = Orchestration.verify(e, action: best, state: after, now: F.now)
        #expect(verification.passed, "\(verification.text)")
    }

    @Test("A rush order is inserted under the number the plant gives it, with three ways to fit it")
    func rushOrder() throws {
        let state = F.scaleOne
        let item = try #require(state.items.values.filter { $0.kind == .finished }.map(\.id).sorted().first)
        let date = F.now.addingTimeInterval(5 * 86_400)
        let e = try Orchestration.plan(.rushOrder(item: item, quantity: 2, date: date, customer: nil), text: nil, state: state, now: F.now, by: nil)
        #expect(e.actions.count == 3)
        let expected = ProductionOrder.ID(String(format: "PO-%06d", state.nextProductionOrderNumber))
        for action in e.actions {
            guard case .createProductionOrder(let new)? = action.steps.first?.commands.first else {
                Issue.record("\(action.id) does not start by creating the order")
                continue
            }
            #expect(new.id == expected && new.item == item && new.quantity == 2)
        }
        let after = try #require(Self.checkOptions(e, state))
        #expect(after.productionOrders[expected] != nil)
        #expect(after.publishedSchedule?.steps.contains { $0.productionOrder == expected } == true)
        let verification = Orchestration.verify(e, action: e.actions[0], state: after, now: F.now)
        #expect(verification.passed, "\(verification.text)")
    }

    @Test("Taking a work center down plans the downtime and shows who becomes late")
    func takeDown() throws {
        let state = F.scaleOne
        let wc = try #require(F.busiestMachining(state))
        let from = F.now.addingTimeInterval(3600)
        let to = F.now.addingTimeInterval(9 * 3600)
        let e = try Orchestration.plan(.takeDown(workCenter: wc, from: from, to: to), text: nil, state: state, now: F.now, by: nil)
        #expect(e.subject == "outcome:take-down:\(wc)")
        #expect(e.impact.predicted.totalLatenessMinutes >= e.impact.baseline.totalLatenessMinutes)
        for action in e.actions {
            guard case .defineWorkCenter(let center)? = action.steps.first?.commands.first else {
                Issue.record("\(action.id) does not plan the downtime first")
                continue
            }
            #expect(center.id == wc && center.plannedDowntime.contains { $0.start == from && $0.end == to })
        }
        let after = try #require(Self.checkOptions(e, state))
        let verification = Orchestration.verify(e, action: e.actions[0], state: after, now: F.now)
        #expect(verification.passed, "\(verification.text)")
    }

    @Test("What if a production order is cancelled: capacity is freed and nobody gets later")
    func cancelProductionOrder() throws {
        let state = F.scaleOne
        let po = try #require(state.productionOrders.values.filter { $0.status == .released }.map(\.id).sorted().first)
        let e = try Orchestration.plan(.cancelOrder(order: po.rawValue), text: nil, state: state, now: F.now, by: nil)
        #expect(
            e.actions.first?.steps.first?.commands.first
                == .cancelProductionOrder(CancelProductionOrder(productionOrder: po, reason: "Cancelled on request (what-if option)"))
        )
        #expect(e.actions.allSatisfy { $0.rationale.contains("Frees") })
        #expect(e.actions.allSatisfy { $0.predicted.totalLatenessMinutes <= e.impact.baseline.totalLatenessMinutes })
        let after = try #require(Self.checkOptions(e, state))
        #expect(after.productionOrders[po]?.status == .cancelled)
        let verification = Orchestration.verify(e, action: e.actions[0], state: after, now: F.now)
        #expect(verification.passed, "\(verification.text)")
    }

    @Test("What if a sales order is cancelled: it and the production serving it are cancelled")
    func cancelSalesOrder() throws {
        let state = F.scaleOne
        let so = try #require(state.productionOrders.values.filter { $0.status == .planned }.compactMap(\.pegging?.salesOrder).sorted().first)
        let e = try Orchestration.plan(.cancelOrder(order: so.rawValue), text: nil, state: state, now: F.now, by: nil)
        let commands = e.actions.first?.steps.first?.commands ?? []
        #expect(commands.first == .cancelSalesOrder(CancelSalesOrder(salesOrder: so, reason: "Cancelled on request (what-if option)")))
        #expect(commands.dropFirst().allSatisfy { if case .cancelProductionOrder = $0 { true } else { false } } && commands.count >= 2)
        _ = try #require(Self.checkOptions(e, state))
    }

    @Test("Unknown references in a request are refused, naming the field")
    func unknownReferences() {
        let state = F.scaleOne
        func field(_ r: OutcomeRequest) -> String? {
            do {
                _ = try Orchestration.plan(r, text: nil, state: state, now: F.now, by: nil)
                return nil
            } catch {
                #expect(error.rule == "unknown-reference")
                return error.field
            }
        }
        #expect(field(.expediteSalesOrder(salesOrder: "SO-NOPE", line: nil, date: F.now)) == "salesOrder")
        #expect(field(.rushOrder(item: "NOPE", quantity: 1, date: F.now, customer: nil)) == "item")
        #expect(field(.takeDown(workCenter: "WC-NOPE", from: F.now, to: F.now.addingTimeInterval(3600))) == "workCenter")
        #expect(field(.cancelOrder(order: "XX-1")) == "order")
    }

    @Test("The same request gives the same options")
    func deterministic() throws {
        let state = F.scaleOne
        let item = try #require(state.items.values.filter { $0.kind == .finished }.map(\.id).sorted().first)
        let r = OutcomeRequest.rushOrder(item: item, quantity: 3, date: F.now.addingTimeInterval(4 * 86_400), customer: nil)
        #expect(
            try Orchestration.plan(r, text: nil, state: state, now: F.now, by: nil)
                == Orchestration.plan(r, text: nil, state: state, now: F.now, by: nil)
        )
    }
}
