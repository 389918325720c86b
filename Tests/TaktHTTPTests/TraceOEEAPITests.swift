import Foundation
import NIOHTTP1
import TaktTestSupport
import Testing

@testable import TaktCore
@testable import TaktEngine

/// Lot genealogy and OEE through the real server on the demo plant (seed 42), on the clock the test moves
/// (see ``ClockedServer``): Wednesday 25 November 2026, 06:00 UTC, 07:00 in the plant (Europe/Berlin), where
/// the Early shift runs 05:00–13:00 UTC and the Late shift 13:00–21:00 UTC.
@Suite("Lot trace and OEE through the API")
struct TraceOEEAPITests {
    @Test(
        "The housings Anna mills from the staged castings trace backward to those castings and their supplier lots, with PO-000007, WC-MILL-1 and Anna; each casting traces forward to the housings; a limit truncates"
    )
    func traceProducedLot() async throws {
        try await ClockedServer.run { s, clock in
            let castings = try await millPO8(s, clock)
            let reader = try await issueToken(s, for: "op-ben")

            // Backward: the housings, then the castings consumed into PO-000007 (all purchased, so all supplier lots).
            let back = try await s.send(.GET, "/api/v1/lots/MH-PO8-001/trace?direction=backward", token: reader)
            #expect(back.status == 200, "\(back.text)")
            let trace = try back.json()
            #expect(trace["root"] as? String == "MH-PO8-001")
            #expect(trace["direction"] as? String == "backward")
            #expect(trace["truncated"] as? Bool == false)
            let lots = try list(trace, "lots")
            #expect(lots.map { $0["id"] as? String } == ["MH-PO8-001"] + castings)
            #expect(lots.map { $0["depth"] as? Int } == [0] + castings.map { _ in 1 })
            #expect(lots.first?["productionOrder"] as? String == "PO-000007")
            #expect(lots.first?["quantity"] as? Double == 3)
            #expect(lots.dropFirst().allSatisfy { $0["status"] as? String == "consumed" && $0["productionOrder"] == nil })
            let orders = try list(trace, "orders")
            #expect(orders.map { $0["id"] as? String } == ["PO-000007"])
            #expect(orders.first?["workCenters"] as? [String] == ["WC-MILL-1"])
            #expect(orders.first?["operators"] as? [String] == ["op-anna"])
            let operations = try #require(orders.first?["operations"] as? [[String: Any]])
            #expect(operations.map { $0["sequence"] as? Int } == [10, 20])
            #expect(operations.first?["status"] as? String == "completed")
            #expect(operations.first?["operators"] as? [String] == ["op-anna"])
            let links = try list(trace, "links")
            #expect(links.map { $0["lot"] as? String } == castings)
            #expect(
                links.allSatisfy {
                    $0["productionOrder"] as? String == "PO-000007" && $0["outputs"] as? [String] == ["MH-PO8-001"]
                        && $0["workCenter"] as? String == "WC-MILL-1" && $0["by"] as? String == "op-anna" && $0["operation"] as? Int == 10
                }
            )
            let suppliers = try list(trace, "supplierLots")
            #expect(suppliers.map { $0["lot"] as? String } == castings)
            #expect(suppliers.allSatisfy { ($0["supplierLot"] as? String)?.isEmpty == false && $0["supplier"] is String })
            #expect(try list(trace, "shipped").isEmpty)

            // Forward from each casting: PO-000007 made the housings from it.
            for casting in castings {
                let forward = try await s.send(.GET, "/api/v1/lots/\(casting)/trace?direction=forward", token: reader)
                #expect(forward.status == 200, "\(forward.text)")
                let f = try forward.json()
                #expect(f["direction"] as? String == "forward")
                #expect(try list(f, "lots").map { $0["id"] as? String } == [casting, "MH-PO8-001"])
                #expect(try list(f, "lots").map { $0["depth"] as? Int } == [0, 1])
                #expect(try list(f, "links").map { $0["lot"] as? String } == [casting])
                #expect(try list(f, "orders").map { $0["id"] as? String } == ["PO-000007"])
                #expect(try list(f, "supplierLots").isEmpty)
                #expect(try list(f, "shipped").isEmpty)
                #expect(f["truncated"] as? Bool == false)
            }

            // A limit of one lot: only the root, truncated.
            let short = try await s.send(.GET, "/api/v1/lots/MH-PO8-001/trace?direction=backward&limit=1", token: reader).json()
            #expect(try list(short, "lots").map { $0["id"] as? String } == ["MH-PO8-001"])
            #expect(short["truncated"] as? Bool == true)
            // A purchased lot nothing consumed: itself, and (backward) its own supplier lot.
            let untouched = try #require(
                await s.engine.read { st in
                    st.lots.values.filter { $0.item == "CH-NB-32-160" && $0.status == .available }.map(\.id).sorted().first
                }
            )
            let alone = try await s.send(.GET, "/api/v1/lots/\(untouched)/trace?direction=backward", token: reader).json()
            #expect(try list(alone, "lots").count == 1)
            #expect(try list(alone, "supplierLots").map { $0["lot"] as? String } == [untouched.rawValue])
        }
    }

    @Test("A trace needs a known lot, direction backward or forward, and a limit from 1 to 100000")
    func traceRefusals() async throws {
        try await ClockedServer.run { s, _ in
            let reader = try await issueToken(s, for: "op-ben")
            let lot = try #require(await s.engine.read { st in st.lots.keys.sorted().first })
            let base = "/api/v1/lots/\(lot)/trace"

            let missing = try await s.send(.GET, base, token: reader)
            #expect(missing.status == 400)
            let problem = try missing.json()
            #expect(try fields(problem) == ["direction"])
            #expect((problem["detail"] as? String).map { $0.contains("backward") && $0.contains("forward") } == true, "\(problem)")
            let wrong = try await s.send(.GET, base + "?direction=sideways", token: reader)
            #expect(wrong.status == 400)
            #expect(try fields(try wrong.json()) == ["direction"])
            #expect(wrong.text.contains("sideways") && wrong.text.contains("backward") && wrong.text.contains("forward"))

            for limit in ["0", "-1", "100001", "ten", "2.5", ""] {
                let bad = try await s.send(.GET, base + "?direction=forward&limit=\(limit)", token: reader)
                #expect(bad.status == 400, "limit=\(limit): \(bad.text)")
                #expect(try fields(try bad.json()) == ["limit"], "limit=\(limit)")
            }
            #expect(try await s.send(.GET, base + "?direction=forward&limit=100000", token: reader).status == 200)
            #expect(try await s.send(.GET, base + "?direction=forward&depth=2", token: reader).status == 400)

            let unknown = try await s.send(.GET, "/api/v1/lots/NO-SUCH-LOT/trace?direction=backward", token: reader)
            #expect(unknown.status == 404)
            #expect(try unknown.json()["type"] as? String == "urn:takt:problem:not-found")
            #expect(unknown.text.contains("NO-SUCH-LOT"))
            #expect(try await s.send(.GET, base + "?direction=backward", token: nil).status == 401)
        }
    }

    @Test(
        "OEE of WC-MILL-1 from 06:00 to 14:00 UTC: Anna's 75 minutes on PO-000007 (4 made, 3 good), an hour down for tool breakage across the shift change, half an hour running after; split into the Early and Late shifts; and the plant's OEE"
    )
    func workCenterOEE() async throws {
        try await ClockedServer.run { s, clock in
            let start = clock.now  // 06:00 UTC
            _ = try await millPO8(s, clock)  // running 06:00–07:15, then idle
            let supervisor = try await issueToken(s, for: "supervisor")
            let planner = try await issueToken(s, for: "planner")
            clock.advance(minutes: 12 * 60 + 30 - 7 * 60 - 15)  // 12:30
            let down = try await s.send(
                .POST,
                "/api/v1/work-centers/WC-MILL-1/machine-state",
                token: supervisor,
                body: #"{"state":"down","reason":"tool breakage"}"#
            )
            #expect(down.status == 200, "\(down.text)")
            clock.advance(minutes: 60)  // 13:30
            #expect(
                try await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/machine-state", token: supervisor, body: #"{"state":"running"}"#).status
                    == 200
            )
            clock.advance(minutes: 30)  // 14:00
            #expect(
                try await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/machine-state", token: supervisor, body: #"{"state":"idle"}"#).status == 200
            )

            let from = TaktJSON.formatDate(start)
            let to = TaktJSON.formatDate(start.addingTimeInterval(8 * 3600))
            let reply = try await s.send(.GET, "/api/v1/work-centers/WC-MILL-1/oee?from=\(from)&to=\(to)", token: planner)
            #expect(reply.status == 200, "\(reply.text)")
            let answer = try reply.json()
            #expect(answer["workCenter"] as? String == "WC-MILL-1")
            #expect(answer["from"] as? String == from)
            #expect(answer["to"] as? String == to)
            #expect(answer["by"] as? String == "window")
            let items = try list(answer, "items")
            #expect(items.count == 1)
            let window = try #require(items.first)
            #expect(window["shift"] is NSNull)
            #expect(window["plannedBusyTime"] as? Double == 480)
            #expect(window["actualProductionTime"] as? Double == 105)
            #expect(window["downTime"] as? Double == 60)
            #expect(window["idleTime"] as? Double == 315)
            #expect(window["setupTime"] as? Double == 0)
            #expect(window["producedQuantity"] as? Double == 4)
            #expect(window["goodQuantity"] as? Double == 3)
            #expect(window["scrapQuantity"] as? Double == 1)
            #expect(window["idealProductionTime"] as? Double == 72)
            #expect(window["machineCount"] is NSNull)
            #expect(close(window["availability"], 105.0 / 480))
            #expect(close(window["performance"], 72.0 / 105))
            #expect(close(window["quality"], 0.75))
            #expect(close(window["oee"], 105.0 / 480 * 72 / 105 * 0.75))
            let losses = try #require(window["losses"] as? [String: Any])
            let downs = try list(losses, "down")
            #expect(downs.count == 1)
            #expect(downs.first?["reason"] as? String == "tool breakage")
            #expect(downs.first?["minutes"] as? Double == 60)
            #expect(downs.first?["stops"] as? Int == 1)
            #expect(try list(losses, "scrap").map { $0["reason"] as? String } == ["porosity"])
            #expect(try list(losses, "scrap").first?["idealMinutes"] as? Double == 18)
            #expect(losses["speedLossMinutes"] as? Double == 33)

            // By shift: the Early shift to 13:00 has the production and half the stop, the Late shift the rest.
            let byShift = try await s.send(.GET, "/api/v1/work-centers/WC-MILL-1/oee?from=\(from)&to=\(to)&by=shift", token: planner)
            #expect(byShift.status == 200, "\(byShift.text)")
            let split = try byShift.json()
            #expect(split["by"] as? String == "shift")
            let shifts = try list(split, "items")
            #expect(shifts.map { $0["shift"] as? String } == ["Early", "Late"])
            let change = TaktJSON.formatDate(start.addingTimeInterval(7 * 3600))  // 13:00 UTC = 14:00 in Berlin
            #expect(shifts.map { $0["from"] as? String } == [from, change])
            #expect(shifts.map { $0["to"] as? String } == [change, to])
            #expect(shifts.map { $0["plannedBusyTime"] as? Double } == [420, 60])
            #expect(shifts.map { $0["actualProductionTime"] as? Double } == [75, 30])
            #expect(shifts.map { $0["downTime"] as? Double } == [30, 30])
            #expect(shifts.map { $0["producedQuantity"] as? Double } == [4, 0])
            #expect(close(shifts.first?["performance"], 72.0 / 75))
            #expect(shifts.last?["performance"] as? Double == 0)
            #expect(shifts.last?["quality"] is NSNull, "nothing produced in the Late shift")
            #expect(shifts.last?["oee"] is NSNull)
            #expect(shifts.compactMap { (($0["losses"] as? [String: Any])?["down"] as? [[String: Any]])?.first?["stops"] as? Int } == [1, 1])

            // The plant: every work center by ID, the mill's report the same as above.
            let plant = try await s.send(.GET, "/api/v1/oee?from=\(from)&to=\(to)", token: planner)
            #expect(plant.status == 200, "\(plant.text)")
            let all = try plant.json()
            #expect(all["workCenter"] == nil)
            #expect(all["by"] as? String == "window")
            let reports = try list(all, "items")
            let ids = reports.compactMap { $0["workCenter"] as? String }
            let workCenters = await s.engine.read { $0.workCenters.keys.map(\.rawValue).sorted() }
            #expect(ids == workCenters)
            let mill = try #require(reports.first { $0["workCenter"] as? String == "WC-MILL-1" })
            #expect(NSDictionary(dictionary: mill).isEqual(to: window))
            let idle = try #require(reports.first { $0["workCenter"] as? String == "WC-MILL-2" })
            #expect(idle["plannedBusyTime"] as? Double == 480)
            #expect(idle["availability"] as? Double == 0)
            #expect((idle["losses"] as? [String: Any])?["noStateMinutes"] as? Double == 480)
            let plantShifts = try list(try await s.send(.GET, "/api/v1/oee?from=\(from)&to=\(to)&by=shift", token: planner).json(), "items")
            #expect(plantShifts.count == 2 * workCenters.count)
            #expect(plantShifts.filter { $0["workCenter"] as? String == "WC-MILL-1" }.map { $0["shift"] as? String } == ["Early", "Late"])
        }
    }

    @Test("OEE needs from and to as ISO 8601, to after from, at most 366 days apart, by window or shift, and a known work center")
    func oeeRefusals() async throws {
        try await ClockedServer.run { s, clock in
            let reader = try await issueToken(s, for: "op-ben")
            let from = TaktJSON.formatDate(clock.now)
            let to = TaktJSON.formatDate(clock.now.addingTimeInterval(3600))
            let cases: [(query: String, field: String)] = [
                ("", "from"), ("?to=\(to)", "from"), ("?from=\(from)", "to"), ("?from=yesterday&to=\(to)", "from"),
                ("?from=\(from)&to=2026-13-45T00:00:00Z", "to"), ("?from=\(from)&to=\(from)", "to"), ("?from=\(to)&to=\(from)", "to"),
                ("?from=2026-01-01&to=2027-01-03", "to"), ("?from=\(from)&to=\(to)&by=hour", "by"),
                ("?from=\(from)&to=\(to)&shift=Early", "shift"),
            ]
            for path in ["/api/v1/work-centers/WC-MILL-1/oee", "/api/v1/oee"] {
                for (query, field) in cases {
                    let reply = try await s.send(.GET, path + query, token: reader)
                    #expect(reply.status == 400, "\(path)\(query): \(reply.text)")
                    #expect(try fields(try reply.json()) == [field], "\(path)\(query): \(reply.text)")
                }
                // 366 days is the longest window; a date alone is midnight UTC.
                let year = try await s.send(.GET, path + "?from=2026-01-01&to=2027-01-02", token: reader)
                #expect(year.status == 200, "\(year.text)")
                #expect(try year.json()["to"] as? String == "2027-01-02T00:00:00Z")
            }
            let unknown = try await s.send(.GET, "/api/v1/work-centers/WC-NOPE/oee?from=\(from)&to=\(to)", token: reader)
            #expect(unknown.status == 404)
            #expect(unknown.text.contains("WC-NOPE"))
            #expect(try await s.send(.GET, "/api/v1/oee?from=\(from)&to=\(to)", token: nil).status == 401)
        }
    }
}

// MARK: - Helpers

/// Anna mills 4 housings for PO-000007 on WC-MILL-1 from the castings staged beside it, starting now (06:00):
/// starts (the supervisor lets the material-not-staged interlock pass), consumes the staged castings, reports 2 good
/// and 1 scrapped (porosity) at 06:45, completes with 1 more good at 07:15 and books them as lot MH-PO8-001 of 3.
/// - Returns: the consumed casting lots, in the order consumed.
private func millPO8(_ s: TestServer, _ clock: PlantClock) async throws -> [String] {
    let anna = try await issueToken(s, for: "op-anna")
    let supervisor = try await issueToken(s, for: "supervisor")
    let op = "/api/v1/production-orders/PO-000007/operations/10"
    #expect(try await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/clock-in", token: anna).status == 200)
    #expect(try await s.send(.POST, "/api/v1/work-instructions/WI-MACH-210/acknowledge", token: anna, body: #"{"revision":"B"}"#).status == 200)
    #expect(
        try await s.send(
            .POST,
            op + "/overrides",
            token: supervisor,
            body: #"{"interlock":"material-not-staged","reason":"castings on the cart"}"#
        ).status == 200
    )
    let start = try await s.send(.POST, op + "/start", token: anna)
    #expect(start.status == 200, "\(start.text)")
    let staged = await s.engine.read { st in
        st.lots.values.filter { $0.item == "CH-NB-32-160" && $0.location == "LS-MILL-1" }.map { ($0.id.rawValue, $0.quantity) }
            .sorted { $0.0 < $1.0 }
    }
    #expect(!staged.isEmpty, "castings staged beside the mill")
    for (lot, quantity) in staged {
        let consumed = try await s.send(.POST, op + "/consume", token: anna, body: #"{"lot":"\#(lot)","quantity":\#(quantity)}"#)
        #expect(consumed.status == 200, "\(consumed.text)")
    }
    clock.advance(minutes: 45)
    let report = try await s.send(.POST, op + "/report", token: anna, body: #"{"good":2,"scrap":1,"scrapReason":"porosity"}"#)
    #expect(report.status == 200, "\(report.text)")
    clock.advance(minutes: 30)
    let complete = try await s.send(.POST, op + "/complete", token: anna, body: #"{"good":1}"#)
    #expect(complete.status == 200, "\(complete.text)")
    let produced = try await s.send(.POST, op + "/produce", token: anna, body: #"{"lot":"MH-PO8-001","quantity":3,"location":"LS-LATHE-1"}"#)
    #expect(produced.status == 200, "\(produced.text)")
    return staged.map(\.0)
}

/// A fresh API token for a user of the demo plant, issued by the admin.
private func list(_ object: [String: Any], _ key: String) throws -> [[String: Any]] {
    try #require(object[key] as? [[String: Any]], "no list \(key) in \(object)")
}

/// The fields a problem names.
private func fields(_ problem: [String: Any]) throws -> [String] {
    try #require(problem["errors"] as? [[String: Any]], "no errors: \(problem)").compactMap { $0["field"] as? String }
}

/// A JSON number within 1e-9 of `expected`.
private func close(_ value: Any?, _ expected: Double) -> Bool {
    guard let n = value as? Double else { return false }
    return abs(n - expected) < 1e-9
}
