import Foundation
import TaktCore
import TaktDemo
import TaktOrchestration
import Testing

/// A planner types what they want in plain English; Takt reads it the same way every time, offline.
@Suite("Outcome requests in plain English")
struct RequestParserTests {
    /// Wednesday 25 November 2026, 09:30 in Berlin (the demo plant's time zone).
    static let now = ISO8601DateFormatter().date(from: "2026-11-25T08:30:00Z")!
    static let plant: PlantState = {
        var state = PlantState()
        let start = ISO8601DateFormatter().date(from: "2026-11-25T00:00:00Z")!
        for command in DemoPlant.commands(seed: 42, scale: 1, start: start) {
            guard let events = try? state.decide(command, actor: nil, now: start) else { continue }
            for e in events { state.apply(e, sequence: state.sequence + 1) }
        }
        return state
    }()

    static func berlin(_ text: String) -> Date {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "Europe/Berlin")
        f.dateFormat = text.count > 16 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
        return f.date(from: text)!
    }

    func parse(_ text: String) throws -> OutcomeRequest {
        try Orchestration.parse(text, state: Self.plant, now: Self.now)
    }

    var salesOrder: SalesOrder.ID { Self.plant.salesOrders.keys.sorted()[3] }
    var productionOrder: ProductionOrder.ID { Self.plant.productionOrders.keys.sorted()[30] }
    var finished: Item.ID { Self.plant.items.values.filter { $0.kind == .finished }.map(\.id).sorted()[0] }

    @Test("A sales planner expedites a sales order to a date (ISO date means the end of that day)")
    func expedite() throws {
        #expect(
            try parse("expedite \(salesOrder) to 2026-12-01")
                == .expediteSalesOrder(salesOrder: salesOrder, line: nil, date: Self.berlin("2026-12-01 23:59:59"))
        )
        #expect(
            try parse("Can we pull in sales order \(salesOrder.rawValue.lowercased()) line 2 to Friday?")
                == .expediteSalesOrder(salesOrder: salesOrder, line: 2, date: Self.berlin("2026-11-27 23:59:59"))
        )
        #expect(
            try parse("ship \(salesOrder) by tomorrow 14:00")
                == .expediteSalesOrder(salesOrder: salesOrder, line: nil, date: Self.berlin("2026-11-26 14:00"))
        )
    }

    @Test("Sales asks to fit a rush order for an item, a quantity and a date, optionally for a customer")
    func rush() throws {
        #expect(
            try parse("fit a rush order for 20 \(finished) by Friday")
                == .rushOrder(item: finished, quantity: 20, date: Self.berlin("2026-11-27 23:59:59"), customer: nil)
        )
        #expect(
            try parse("rush 5 x \(finished.rawValue.lowercased()) for CUST-0003 by Dec 4")
                == .rushOrder(item: finished, quantity: 5, date: Self.berlin("2026-12-04 23:59:59"), customer: "CUST-0003")
        )
        #expect(
            try parse("we need 12 \(finished) in 3 days")
                == .rushOrder(item: finished, quantity: 12, date: Self.berlin("2026-11-28 23:59:59"), customer: nil)
        )
    }

    @Test("Maintenance takes a work center down from one time to another, or for a while; MILL-1 means WC-MILL-1")
    func takeDown() throws {
        #expect(
            try parse("take MILL-1 down from 2026-12-02 06:00 to 14:00")
                == .takeDown(workCenter: "WC-MILL-1", from: Self.berlin("2026-12-02 06:00"), to: Self.berlin("2026-12-02 14:00"))
        )
        #expect(
            try parse("WC-LATHE-2 maintenance tomorrow 6am for 4 hours")
                == .takeDown(workCenter: "WC-LATHE-2", from: Self.berlin("2026-11-26 06:00"), to: Self.berlin("2026-11-26 10:00"))
        )
    }

    @Test("What if an order is cancelled: a production order, or a sales order, in shorthand too")
    func cancel() throws {
        #expect(try parse("what if \(productionOrder) is cancelled") == .cancelOrder(order: productionOrder.rawValue))
        let short = "PO-" + String(Int(productionOrder.rawValue.dropFirst(3))!)
        #expect(try parse("What if we cancel \(short)?") == .cancelOrder(order: productionOrder.rawValue))
        #expect(try parse("what if \(salesOrder) gets cancelled") == .cancelOrder(order: salesOrder.rawValue))
    }

    @Test("The same text gives the same request whatever the case and punctuation")
    func deterministic() throws {
        let a = try parse("Expedite \(salesOrder) to 2026-12-01.")
        #expect(try parse("EXPEDITE \(salesOrder.rawValue.lowercased()), to 2026-12-01!") == a)
    }

    @Test("Requests it cannot read are refused with the field and what would be understood")
    func refusals() {
        func failure(_ text: String) -> OrchestrationError? {
            do {
                _ = try parse(text)
                return nil
            } catch let e as OrchestrationError { return e } catch { return nil }
        }
        #expect(failure("")?.rule == "required")
        #expect(failure("make everything faster")?.rule == "not-understood")
        #expect(failure("make everything faster")?.message.contains("expedite SO-10012 to 2026-12-01") == true)
        let unknown = failure("expedite SO-99999 to 2026-12-01")
        #expect(unknown?.field == "salesOrder")
        #expect(unknown?.rule == "unknown-reference")
        #expect(failure("expedite \(salesOrder) soon")?.rule == "missing-date")
        #expect(failure("rush \(finished) by Friday")?.rule == "missing-quantity")
        #expect(failure("take MILL-1 down from 2026-12-02 06:00")?.rule == "missing-end")
        #expect(failure("expedite \(salesOrder) to 2026-02-30")?.rule == "date")
        #expect(failure("take MILL-1 down from 2026-12-02 14:00 to 06:00")?.rule == "window")
    }
}
