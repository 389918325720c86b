import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import Testing

/// Issue 6, "Done when": an outcome request of each of the four kinds on the demo plant (seed 42, a schedule
/// published, Wed 25 Nov 2026 07:00 in the plant), once in plain English and once as JSON: both read as the same
/// request and both answer with one to three options, each with its predicted KPIs and the approvals it needs.
@Suite("Outcome requests in English and JSON", .serialized)
struct OutcomeRequestScenarioTests {
    static let plant = TimeZone(identifier: "Europe/Berlin")!

    /// A date at a wall-clock time in the plant.
    static func local(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = plant
        return calendar.date(from: DateComponents(year: y, month: m, day: d, hour: h, minute: min))!
    }

    /// The plant's calendar day of a date, as `yyyy-MM-dd`, and the end of that day (23:59:59), as the parser reads a bare date.
    static func day(_ date: Date) -> (text: String, end: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = plant
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return (String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!), local(c.year!, c.month!, c.day!, 23, 59).addingTimeInterval(59))
    }

    /// Asks in English and in JSON; checks both answers and returns them.
    static func ask(
        _ sc: DemoScenario,
        english: String,
        json: String,
        kind: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (words: [String: Any], structured: [String: Any]) {
        let planner = try sc.token("planner")
        let words = try await sc.s.send(.POST, "/api/v1/outcome-requests", token: planner, body: #"{"text":"\#(english)"}"#)
        #expect(words.status == 201, "\(english): \(words.text)", sourceLocation: sourceLocation)
        let structured = try await sc.s.send(.POST, "/api/v1/outcome-requests", token: planner, body: #"{"request":\#(json)}"#)
        #expect(structured.status == 201, "\(json): \(structured.text)", sourceLocation: sourceLocation)
        let (a, b) = (try words.json(), try structured.json())
        let requestA = try #require(a["request"] as? [String: Any])
        let requestB = try #require(b["request"] as? [String: Any])
        #expect(requestA["kind"] as? String == kind, sourceLocation: sourceLocation)
        #expect(
            NSDictionary(dictionary: requestA).isEqual(to: requestB),
            "the same request: \(requestA) vs \(requestB)",
            sourceLocation: sourceLocation
        )
        #expect(a["requestText"] as? String == english && b["requestText"] == nil, sourceLocation: sourceLocation)
        for e in [a, b] {
            #expect(e["kind"] as? String == "outcome-request" && e["raisedBy"] as? String == "planner", sourceLocation: sourceLocation)
            let options = try #require(e["actions"] as? [[String: Any]])
            #expect((1...3).contains(options.count), "up to three options: \(options.count)", sourceLocation: sourceLocation)
            #expect(options.compactMap { $0["rank"] as? Int } == Array(1...max(1, options.count)), sourceLocation: sourceLocation)
            for option in options {
                let kpis = try KPIs(option["predicted"])
                #expect(kpis.lateOrders >= 0 && kpis.totalLateness >= 0 && kpis.customerLateness >= 0, sourceLocation: sourceLocation)
                let approvals = try #require(option["approvals"] as? [String], "approvals listed: \(option)")
                #expect(approvals.allSatisfy { Role(rawValue: $0) != nil }, sourceLocation: sourceLocation)
                #expect(
                    (option["steps"] as? [[String: Any]])?.isEmpty == false && (option["effect"] as? String)?.isEmpty == false,
                    sourceLocation: sourceLocation
                )
            }
        }
        // Asked the same way about the same plant, the options are the same.
        let optionsA = try #require(a["actions"] as? [[String: Any]]).map { "\($0["title"] ?? "") \(try KPIs($0["predicted"]))" }
        let optionsB = try #require(b["actions"] as? [[String: Any]]).map { "\($0["title"] ?? "") \(try KPIs($0["predicted"]))" }
        #expect(optionsA == optionsB, sourceLocation: sourceLocation)
        return (a, b)
    }

    @Test(
        "Expedite a sales order to a date, in English and JSON: the same request, one to three options with KPIs and approvals; an option brings the line forward"
    )
    func expedite() async throws {
        try await DemoScenario.run(orchestrate: false) { sc in
            // The rule: the open one-line sales order whose pegged production order is scheduled to finish first among those
            // finishing two days or more from now; asked for the day before.
            let (so, end) = try #require(
                await sc.s.engine.read { state -> (SalesOrder.ID, Date)? in
                    var best: (SalesOrder.ID, Date)?
                    for po in state.productionOrders.values where [.planned, .released].contains(po.status) {
                        guard let peg = po.pegging, let order = state.salesOrders[peg.salesOrder], order.status == .open, order.lines.count == 1,
                            let end = DisruptionScenarioTests.scheduledEnd(state, po.id), end > DemoScenario.morning.addingTimeInterval(2 * 86_400)
                        else { continue }
                        if best == nil || (end, peg.salesOrder) < (best!.1, best!.0) { best = (peg.salesOrder, end) }
                    }
                    return best
                }
            )
            let target = Self.day(end.addingTimeInterval(-86_400))
            let (words, _) = try await Self.ask(
                sc,
                english: "expedite \(so) to \(target.text)",
                json: #"{"kind":"expedite-sales-order","salesOrder":"\#(so)","date":"\#(isoString(target.end))"}"#,
                kind: "expedite-sales-order"
            )
            let request = try #require(words["request"] as? [String: Any])
            #expect(request["salesOrder"] as? String == so.rawValue && iso(request["date"] as? String ?? "") == target.end)
        }
    }

    @Test("A rush order for an item, a quantity and a date, in English and JSON: the same request, one to three options with KPIs and approvals")
    func rush() async throws {
        try await DemoScenario.run(orchestrate: false) { sc in
            let item = try #require(
                await sc.s.engine.read { state -> Item.ID? in
                    let open = state.productionOrders.values.filter {
                        [.planned, .released].contains($0.status) && state.items[$0.item]?.kind == .finished
                    }
                    return Dictionary(grouping: open, by: \.item).max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.key
                }
            )
            let target = Self.day(DemoScenario.morning.addingTimeInterval(3 * 86_400))
            let (words, _) = try await Self.ask(
                sc,
                english: "fit a rush order for 5 \(item) by \(target.text)",
                json: #"{"kind":"rush-order","item":"\#(item)","quantity":5,"date":"\#(isoString(target.end))"}"#,
                kind: "rush-order"
            )
            let request = try #require(words["request"] as? [String: Any])
            #expect(
                request["item"] as? String == item.rawValue && request["quantity"] as? Double == 5
                    && iso(request["date"] as? String ?? "") == target.end
            )
        }
    }

    @Test("Take a work center down from T1 to T2, in English and JSON: the same request, one to three options with KPIs and approvals")
    func takeDown() async throws {
        try await DemoScenario.run(orchestrate: false) { sc in
            // The rule: the work center with the most scheduled work from Thursday 06:00 to Friday 14:00, taken down for that time.
            let (from, to) = (Self.local(2026, 11, 26, 6, 0), Self.local(2026, 11, 27, 14, 0))
            let wc = try #require(
                await sc.s.engine.read { state in
                    state.publishedSchedule?.busiestWorkCenter(from: from, hours: to.timeIntervalSince(from) / 3600)
                }
            )
            let (words, _) = try await Self.ask(
                sc,
                english: "take \(wc) down from 2026-11-26 06:00 to 2026-11-27 14:00",
                json: #"{"kind":"take-down","workCenter":"\#(wc)","from":"\#(isoString(from))","to":"\#(isoString(to))"}"#,
                kind: "take-down"
            )
            let request = try #require(words["request"] as? [String: Any])
            #expect(request["workCenter"] as? String == wc.rawValue)
            #expect(
                iso(request["from"] as? String ?? "") == from && iso(request["to"] as? String ?? "") == to,
                "06:00–14:00 in the plant: \(request)"
            )
        }
    }

    @Test("What if an order is cancelled, in English and JSON: the same request, one to three options with KPIs and approvals")
    func cancel() async throws {
        try await DemoScenario.run(orchestrate: false) { sc in
            // The rule: the open production order the published schedule finishes latest after its due date.
            let order = try #require(
                await sc.s.engine.read { state -> ProductionOrder.ID? in
                    state.productionOrders.values.filter { [.planned, .released].contains($0.status) }
                        .compactMap { po in DisruptionScenarioTests.scheduledEnd(state, po.id).map { ($0.timeIntervalSince(po.dueDate), po.id) } }
                        .max { $0 < $1 }?.1
                }
            )
            let (words, _) = try await Self.ask(
                sc,
                english: "what if \(order) is cancelled",
                json: #"{"kind":"cancel-order","order":"\#(order)"}"#,
                kind: "cancel-order"
            )
            #expect((words["request"] as? [String: Any])?["order"] as? String == order.rawValue)
        }
    }

    @Test("An English request the parser does not understand is 422 naming text, and nothing is recorded")
    func badEnglish() async throws {
        try await DemoScenario.run(orchestrate: false) { sc in
            let before = await sc.s.engine.committedSequence
            let reply = try await sc.s.send(
                .POST,
                "/api/v1/outcome-requests",
                token: try sc.token("planner"),
                body: #"{"text":"please make the plant faster"}"#
            )
            #expect(reply.status == 422, "\(reply.text)")
            let errors = try #require(try reply.json()["errors"] as? [[String: Any]])
            #expect(errors.map { $0["field"] as? String } == ["text"])
            #expect(await sc.s.engine.committedSequence == before, "nothing recorded")
        }
    }
}
