import Foundation
import NIOHTTP1
import TaktEngine
import TaktTestSupport
import Testing

@testable import TaktCore

/// Quality through the real server on the demo plant (seed 42), on a clock the test moves: inspection plans and results,
/// the operator terminal's view of an operation's inspection, nonconformances with dispositions and approvals, and holds.
/// PO-000007 mills 30 housings MH-NB-32-160 from castings CH-NB-32-160 on WC-MILL-1 (operation 10).
@Suite("Quality through the API")
struct QualityAPITests {
    static let morning = Date(timeIntervalSince1970: 1_795_582_800)  // Wed 25 Nov 2026, 05:00 UTC
    static let mill = "/api/v1/production-orders/PO-000007/operations/10"

    @Test(
        "A plan at the mill: an incomplete result is a 422 naming the missing characteristic and records nothing; a flatness out of limits opens a nonconformance; the supervisor's use-as-is waits for quality's approval; a passed first piece clears the operation on the terminal"
    )
    func inspectionAtTheMill() async throws {
        let clock = TestClock(Self.morning)
        try await TestServer.run(demo: true, clock: clock) { s in
            let quality = try await issueToken(s, for: "quality")
            let supervisor = try await issueToken(s, for: "supervisor")
            let anna = try await issueToken(s, for: "op-anna")

            // Quality defines the plan; an operator may not.
            let plan =
                #"{"id":"IP-MH-NB-10","name":"Milled flanges","item":"MH-NB-32-160","operation":10,"characteristics":[{"id":"flatness","name":"Flange flatness","kind":"variable","upperLimit":0.05,"unit":"mm"},{"id":"porosity","name":"No visible porosity","kind":"attribute"}]}"#
            #expect(try await s.send(.POST, "/api/v1/inspection-plans", token: anna, body: plan).status == 403)
            let defined = try accepted(await s.send(.POST, "/api/v1/inspection-plans", token: quality, body: plan)).json()
            #expect(defined["revision"] as? Int == 1)
            #expect(defined["frequency"] as? String == "first-piece")
            let plans = try await s.send(.GET, "/api/v1/inspection-plans?item=MH-NB-32-160&operation=10", token: anna).json()
            #expect(plans["total"] as? Int == 1)

            // The terminal: operation 10 waits for its first piece.
            let terminal = "/api/v1/production-orders/PO-000007/operations/10/inspection"
            var status = try accepted(await s.send(.GET, terminal, token: anna)).json()
            #expect(status["inspectionRequired"] as? Bool == true)
            #expect(status["outstanding"] as? Bool == true)
            #expect(status["requiredResults"] as? Int == 1 && status["passedResults"] as? Int == 0)
            #expect((status["plan"] as? [String: Any])?["id"] as? String == "IP-MH-NB-10")
            #expect(try await s.send(.GET, "/api/v1/production-orders/PO-000007/operations/99/inspection", token: anna).status == 404)

            // Anna starts milling (the supervisor lets the partly staged castings pass).
            try accepted(await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/clock-in", token: anna))
            try accepted(await s.send(.POST, "/api/v1/work-instructions/WI-MACH-210/acknowledge", token: anna, body: #"{"revision":"B"}"#))
            try accepted(
                await s.send(
                    .POST,
                    Self.mill + "/overrides",
                    token: supervisor,
                    body: #"{"interlock":"material-not-staged","reason":"castings on the cart"}"#
                )
            )
            try accepted(await s.send(.POST, Self.mill + "/start", token: anna))
            clock.advance(minutes: 70)

            // A result without the porosity check is refused as a whole, naming what is missing; nothing is recorded.
            let incomplete = try await s.send(
                .POST,
                "/api/v1/inspection-results",
                token: anna,
                body: #"{"plan":"IP-MH-NB-10","productionOrder":"PO-000007","measurements":[{"characteristic":"flatness","value":0.03}]}"#
            )
            #expect(incomplete.status == 422, "\(incomplete.text)")
            let problem = try incomplete.json()
            let errors = try #require(problem["errors"] as? [[String: Any]])
            #expect(errors.contains { $0["field"] as? String == "measurements" && $0["rule"] as? String == "missing-characteristic" })
            #expect(incomplete.text.contains("porosity"))
            #expect(try await s.send(.GET, "/api/v1/inspection-results?productionOrder=PO-000007", token: anna).json()["total"] as? Int == 0)
            #expect(try await s.send(.GET, "/api/v1/nonconformances", token: anna).json()["total"] as? Int == 0)
            #expect(await s.engine.read { $0.inspectionResults.isEmpty && $0.nonconformances.isEmpty })

            // Flatness 0.08 mm against at most 0.05 mm: the result fails and opens a nonconformance at the mill.
            let failed = try accepted(
                await s.send(
                    .POST,
                    "/api/v1/inspection-results",
                    token: anna,
                    body:
                        #"{"plan":"IP-MH-NB-10","productionOrder":"PO-000007","measurements":[{"characteristic":"flatness","value":0.08},{"characteristic":"porosity","passed":true}],"note":"first piece"}"#
                )
            )
            #expect(failed.status == 201)
            #expect(try types(failed) == ["inspectionResultRecorded", "nonconformanceOpened"])
            let result = try #require(try payload(failed, "inspectionResultRecorded"))
            #expect(result["passed"] as? Bool == false)
            #expect(result["operation"] as? Int == 10, "the plan's operation")
            #expect(result["by"] as? String == "op-anna")
            let opened = try #require(try payload(failed, "nonconformanceOpened"))
            let nc = try #require(opened["id"] as? String)
            #expect(opened["severity"] as? String == "major")
            #expect(opened["productionOrder"] as? String == "PO-000007")
            #expect(opened["workCenter"] as? String == "WC-MILL-1")
            #expect(opened["inspectionResult"] as? String == result["id"] as? String)
            #expect((opened["description"] as? String)?.contains("'flatness' 0.08 mm is above the upper limit 0.05 mm") == true, "\(opened)")
            let open = try await s.send(.GET, "/api/v1/nonconformances?status=open&productionOrder=PO-000007", token: anna).json()
            #expect((open["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [nc])
            status = try await s.send(.GET, terminal, token: anna).json()
            #expect(status["outstanding"] as? Bool == true)
            #expect((status["results"] as? [Any])?.count == 1)
            #expect(status["openNonconformances"] as? [String] == [nc])

            // The supervisor proposes use-as-is: it waits for quality; the supervisor cannot approve it.
            let proposed = try accepted(
                await s.send(
                    .POST,
                    "/api/v1/nonconformances/\(nc)/disposition",
                    token: supervisor,
                    body: #"{"disposition":"use-as-is","reason":"within the customer's deviation permit DP-17"}"#
                )
            )
            #expect(try types(proposed) == ["nonconformanceDispositioned"])
            var record = try await s.send(.GET, "/api/v1/nonconformances/\(nc)", token: anna).json()
            #expect(record["status"] as? String == "awaiting-approval")
            #expect((record["disposition"] as? [String: Any])?["decidedBy"] as? String == "supervisor")
            #expect((record["disposition"] as? [String: Any])?["approvedBy"] == nil)
            #expect(try await s.send(.POST, "/api/v1/nonconformances/\(nc)/approval", token: supervisor).status == 403)
            #expect(try await s.send(.GET, "/api/v1/nonconformances?status=awaiting-approval", token: quality).json()["total"] as? Int == 1)

            // Quality approves (an empty body approves): the nonconformance is closed as used as is.
            clock.advance(minutes: 10)
            try await setPassword(s, for: "quality")
            let approved = try accepted(
                await s.send(
                    .POST,
                    "/api/v1/nonconformances/\(nc)/approval",
                    token: quality,
                    body: #"{\#(signature("approved"))}"#
                )
            )
            #expect(try types(approved) == ["dispositionDecided", "nonconformanceClosed", "recordSigned"])
            record = try await s.send(.GET, "/api/v1/nonconformances/\(nc)", token: anna).json()
            #expect(record["status"] as? String == "closed")
            #expect((record["disposition"] as? [String: Any])?["approvedBy"] as? String == "quality")
            #expect(record["closedBy"] as? String == "quality")
            let again = try await s.send(
                .POST,
                "/api/v1/nonconformances/\(nc)/disposition",
                token: quality,
                body: #"{"disposition":"scrap","reason":"x"}"#
            )
            #expect(again.status == 409, "a closed nonconformance takes no disposition: \(again.text)")

            // The next first piece passes: the terminal shows the operation cleared.
            let passed = try accepted(
                await s.send(
                    .POST,
                    "/api/v1/inspection-results",
                    token: anna,
                    body:
                        #"{"plan":"IP-MH-NB-10","productionOrder":"PO-000007","operation":10,"measurements":[{"characteristic":"flatness","value":0.02},{"characteristic":"porosity","passed":true}]}"#
                )
            )
            #expect(try types(passed) == ["inspectionResultRecorded"])
            #expect(try payload(passed, "inspectionResultRecorded")?["passed"] as? Bool == true)
            status = try await s.send(.GET, terminal, token: anna).json()
            #expect(status["outstanding"] as? Bool == false)
            #expect(status["passedResults"] as? Int == 1)
            #expect((status["results"] as? [Any])?.count == 2)
            #expect(status["openNonconformances"] as? [String] == [])
            let results = try await s.send(.GET, "/api/v1/inspection-results?plan=IP-MH-NB-10&passed=false", token: anna).json()
            #expect((results["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [result["id"] as? String])
            #expect(try await s.send(.GET, "/api/v1/inspection-results?colour=red", token: anna).status == 400)
        }
    }

    @Test(
        "A supplier-lot hold lists the lots it put on hold; a held lot is neither consumed nor shipped (409); a supervisor may not release it, quality does and the lots are available again"
    )
    func supplierLotHold() async throws {
        let clock = TestClock(Self.morning)
        try await TestServer.run(demo: true, clock: clock) { s in
            let quality = try await issueToken(s, for: "quality")
            let supervisor = try await issueToken(s, for: "supervisor")
            let anna = try await issueToken(s, for: "op-anna")
            let warehouse = try await issueToken(s, for: "warehouse")

            // The castings staged beside the mill, and the supplier lot they came from.
            let (lot, supplier, supplierLot) = try #require(
                await s.engine.read { st -> (Lot.ID, String, String)? in
                    guard
                        let lot = st.lots.values.filter({ $0.item == "CH-NB-32-160" && $0.location == "LS-MILL-1" && $0.status == .available })
                            .min(by: { $0.id < $1.id }), let supplier = lot.supplier, let number = lot.supplierLot
                    else { return nil }
                    return (lot.id, supplier, number)
                }
            )
            let sameSupplierLot = await s.engine.read { st in
                st.lots.values.filter { $0.supplier == supplier && $0.supplierLot == supplierLot && $0.status.isInStock }.map(\.id.rawValue).sorted()
            }
            let body = #"{"supplier":"\#(supplier)","supplierLot":"\#(supplierLot)","reason":"Supplier notice: wrong alloy in this melt"}"#
            #expect(try await s.send(.POST, "/api/v1/holds", token: supervisor, body: body).status == 403)
            let placed = try accepted(await s.send(.POST, "/api/v1/holds", token: quality, body: body))
            #expect(placed.status == 201)
            let hold = try placed.json()
            let id = try #require(hold["id"] as? String)
            #expect(hold["kind"] as? String == "supplier-lot")
            let held = try #require(hold["lots"] as? [[String: Any]])
            #expect(held.compactMap { $0["lot"] as? String }.sorted() == sameSupplierLot)
            #expect(held.first { $0["lot"] as? String == lot.rawValue }?["previousStatus"] as? String == "available")
            #expect(try await s.send(.GET, "/api/v1/lots/\(lot)", token: anna).json()["status"] as? String == "on-hold")
            let active = try await s.send(.GET, "/api/v1/holds?status=active&lot=\(lot)", token: anna).json()
            #expect((active["items"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            let one = try accepted(await s.send(.GET, "/api/v1/holds/\(id)", token: anna)).json()
            #expect((one["lots"] as? [Any])?.count == held.count)
            #expect(one["shipped"] as? [Any] != nil && one["orders"] as? [Any] != nil)

            // Anna starts milling, but the held castings are not consumed.
            try accepted(await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/clock-in", token: anna))
            try accepted(await s.send(.POST, "/api/v1/work-instructions/WI-MACH-210/acknowledge", token: anna, body: #"{"revision":"B"}"#))
            try accepted(
                await s.send(
                    .POST,
                    Self.mill + "/overrides",
                    token: supervisor,
                    body: #"{"interlock":"material-not-staged","reason":"castings come from the store"}"#
                )
            )
            try accepted(await s.send(.POST, Self.mill + "/start", token: anna))
            let consume = try await s.send(.POST, Self.mill + "/consume", token: anna, body: #"{"lot":"\#(lot)","quantity":1}"#)
            #expect(consume.status == 409, "\(consume.text)")
            #expect(try rules(consume).contains("lot-on-hold"))

            // A finished lot on hold is not shipped.
            let (customer, item) = try #require(
                await s.engine.read { st -> (String, String)? in
                    guard let c = st.customers.keys.min(), let i = st.items.values.filter({ $0.kind == .finished }).map(\.id).min() else {
                        return nil
                    }
                    return (c.rawValue, i.rawValue)
                }
            )
            try accepted(
                await s.send(
                    .POST,
                    "/api/v1/sales-orders",
                    body:
                        #"{"id":"SO-HOLD-1","customer":"\#(customer)","lines":[{"line":1,"item":"\#(item)","quantity":2,"requestedDate":"2026-12-01T00:00:00Z"}]}"#
                )
            )
            try accepted(await s.send(.POST, "/api/v1/lots", body: #"{"id":"FG-HOLD-1","item":"\#(item)","quantity":2,"location":"LOC-SHIPPING"}"#))
            let lotHold = try accepted(
                await s.send(
                    .POST,
                    "/api/v1/holds",
                    token: quality,
                    body: #"{"lot":"FG-HOLD-1","reason":"leak test records incomplete"}"#
                )
            ).json()
            #expect(lotHold["kind"] as? String == "lot")
            let ship = try await s.send(.POST, "/api/v1/sales-orders/SO-HOLD-1/lines/1/shipments", token: warehouse, body: #"{"lots":["FG-HOLD-1"]}"#)
            #expect(ship.status == 409, "\(ship.text)")
            #expect(try rules(ship).contains("on-hold"))
            #expect(try await s.send(.GET, "/api/v1/holds?status=active", token: anna).json()["total"] as? Int == 2)

            // Release: not by the supervisor; by quality, with a reason: the castings are available again.
            clock.advance(minutes: 30)
            try await setPassword(s, for: "quality")
            let refused = try await s.send(.POST, "/api/v1/holds/\(id)/release", token: supervisor, body: #"{"reason":"looks fine"}"#)
            #expect(refused.status == 403, "\(refused.text)")
            #expect(try await s.send(.GET, "/api/v1/lots/\(lot)", token: anna).json()["status"] as? String == "on-hold")
            #expect(try await s.send(.POST, "/api/v1/holds/\(id)/release", token: quality, body: "{}").status == 400, "the reason is required")
            let released = try accepted(
                await s.send(
                    .POST,
                    "/api/v1/holds/\(id)/release",
                    token: quality,
                    body: #"{"reason":"Supplier confirmed the alloy by certificate",\#(signature("released"))}"#
                )
            )
            #expect(try types(released).first == "holdReleased")
            #expect(try types(released).dropFirst().dropLast().allSatisfy { $0 == "lotStatusChanged" })
            #expect(try types(released).last == "recordSigned")
            let restored = try #require(try payload(released, "holdReleased")?["restoredLots"] as? [[String: Any]])
            #expect(restored.compactMap { $0["lot"] as? String }.sorted() == sameSupplierLot)
            #expect(try await s.send(.GET, "/api/v1/lots/\(lot)", token: anna).json()["status"] as? String == "available")
            let record = try await s.send(.GET, "/api/v1/holds/\(id)", token: anna).json()
            #expect(record["released"] as? Bool == true && record["releasedBy"] as? String == "quality")
            #expect(try await s.send(.GET, "/api/v1/holds?status=released", token: anna).json()["total"] as? Int == 1)
            #expect(try await s.send(.POST, "/api/v1/holds/\(id)/release", token: quality, body: #"{"reason":"twice"}"#).status == 409)
            try accepted(await s.send(.POST, Self.mill + "/consume", token: anna, body: #"{"lot":"\#(lot)","quantity":1}"#))
        }
    }
}

// MARK: - Helpers

/// A fresh API token for a user of the demo plant, issued by the admin.
/// Expects a 2xx answer and returns it.
@discardableResult
private func accepted(_ r: TestServer.Reply, sourceLocation: SourceLocation = #_sourceLocation) throws -> TestServer.Reply {
    #expect((200..<300).contains(r.status), "\(r.status): \(r.text)", sourceLocation: sourceLocation)
    return r
}

private func types(_ reply: TestServer.Reply) throws -> [String] {
    try #require(try reply.json()["events"] as? [[String: Any]], "no events: \(reply.text)").compactMap { $0["type"] as? String }
}

/// The data of the first event of `type` in an answer's events.
private func payload(_ reply: TestServer.Reply, _ type: String) throws -> [String: Any]? {
    let events = try #require(try reply.json()["events"] as? [[String: Any]], "no events: \(reply.text)")
    return events.first { $0["type"] as? String == type }?["data"] as? [String: Any]
}

/// The rules of a problem's violations.
private func rules(_ reply: TestServer.Reply) throws -> [String] {
    try #require(try reply.json()["errors"] as? [[String: Any]], "no errors: \(reply.text)").compactMap { $0["rule"] as? String }
}
