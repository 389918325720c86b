import Foundation
import NIOHTTP1
import Testing

@testable import TaktCore
@testable import TaktEngine

/// Issue 12, symptom 9, through the real server on the demo plant (seed 42) on the test's clock (Wednesday 25 November
/// 2026, 06:00 UTC): the headline figures follow one definition (PlantKPIs in TaktCore, docs/kpis.md), count the orders
/// made to stock, say plainly when there is no forecast, and never show an OEE ratio the record cannot support.
@Suite("Plant KPIs: one definition per figure (issue 12)")
struct PlantKPITests {
    static let now = "2026-11-25T06:00:00Z"

    @Test("Without a published schedule there is no forecast: no ratio, a statement that says so, and only orders already past due are late")
    func noScheduleNoForecast() async throws {
        try await ClockedServer.run { s, _ in
            let planner = try await issueToken(s, for: "planner")
            let reply = try await s.send(.GET, "/api/v1/kpis", token: planner)
            #expect(reply.status == 200, "\(reply.text)")
            let delivery = try #require(try reply.json()["delivery"] as? [String: Any])
            #expect(delivery["schedule"] == nil && delivery["onTimeRatio"] == nil)
            let entries = try #require(delivery["entries"] as? [[String: Any]])
            let oracle = try await Oracle.open(s)
            #expect(entries.count == oracle.lines.count + oracle.stock.count, "every open customer line and stock order is listed")
            let late = entries.filter { $0["verdict"] as? String == "late" }
            #expect(!late.isEmpty, "the demo has stock orders already past due")
            #expect(late.allSatisfy { ($0["due"] as? String ?? "") < Self.now }, "without a schedule only what is past due is late")
            #expect(entries.allSatisfy { ["late", "not-forecast"].contains($0["verdict"] as? String ?? "") })
            #expect(
                delivery["statement"] as? String
                    == "No schedule is published, so nothing is forecast: \(oracle.lines.count) customer lines and \(oracle.stock.count) stock orders are open, \(late.count) of them already late"
            )
        }
    }

    @Test(
        "With a published schedule the on-time forecast counts customer lines and stock orders, says what it counts, and lists the late stock orders"
    )
    func forecastCountsStockOrders() async throws {
        try await ClockedServer.run { s, _ in
            let planner = try await issueToken(s, for: "planner")
            let run = try await s.send(.POST, "/api/v1/schedule/runs", token: planner, body: #"{"iterations":300,"seed":7}"#)
            try #require(run.status == 201, "\(run.text)")
            let schedule = try run.json()
            let scheduleID = try #require(schedule["id"] as? String)
            // The finish of each scheduled order: the end of its last step.
            var end: [String: String] = [:]
            for step in try #require(schedule["steps"] as? [[String: Any]]) {
                let po = step["productionOrder"] as? String ?? ""
                let e = step["end"] as? String ?? ""
                if e > end[po, default: ""] { end[po] = e }
            }

            let reply = try await s.send(.GET, "/api/v1/kpis", token: planner)
            #expect(reply.status == 200, "\(reply.text)")
            let delivery = try #require(try reply.json()["delivery"] as? [String: Any])
            #expect(delivery["schedule"] as? String == scheduleID)
            let entries = try #require(delivery["entries"] as? [[String: Any]])
            let oracle = try await Oracle.open(s)

            // Every open stock order is there, judged against its own due date by the schedule (never before now).
            let stock = entries.filter { $0["kind"] as? String == "stock-order" }
            #expect(Set(stock.compactMap { ($0["productionOrders"] as? [String])?.first }) == oracle.stock)
            for e in stock {
                let po = try #require((e["productionOrders"] as? [String])?.first)
                let due = try #require(e["due"] as? String)
                let expected: String
                if let finish = end[po].map({ max($0, Self.now) }) {
                    #expect(e["finish"] as? String == finish, "\(po)")
                    let slack = (iso(due)?.timeIntervalSince(iso(finish) ?? .distantPast) ?? 0) / 60
                    expected = slack < 0 ? "late" : (slack < 1440 ? "at-risk" : "on-time")
                } else {
                    expected = due < Self.now ? "late" : "not-forecast"
                }
                #expect(e["verdict"] as? String == expected, "\(po) due \(due), scheduled to finish \(end[po] ?? "–")")
            }
            // The schedule's own late orders that are made to stock are late here too.
            let scheduleLate = Set((schedule["lateOrders"] as? [String] ?? []).filter { oracle.stock.contains($0) })
            let lateStock = Set(stock.filter { $0["verdict"] as? String == "late" }.compactMap { ($0["productionOrders"] as? [String])?.first })
            #expect(scheduleLate.isSubset(of: lateStock), "late in \(scheduleID): \(scheduleLate.sorted()); late here: \(lateStock.sorted())")
            #expect(!lateStock.isEmpty, "the demo has stock orders that cannot be on time")

            // Customer lines: all open ones, with their pegged orders.
            let lines = entries.filter { $0["kind"] as? String == "customer-line" }
            #expect(Set(lines.map { "\($0["salesOrder"] ?? "")#\($0["line"] ?? "")" }) == oracle.lines)

            // The counts add up and the statement says what was counted.
            let judged = entries.filter { $0["verdict"] as? String != "not-forecast" }
            let onTime = judged.filter { $0["verdict"] as? String != "late" }.count
            let judgedLines = judged.filter { $0["kind"] as? String == "customer-line" }.count
            #expect(delivery["counted"] as? Int == judged.count && delivery["onTime"] as? Int == onTime)
            #expect(delivery["late"] as? Int == judged.count - onTime)
            #expect(delivery["customerLines"] as? Int == judgedLines && delivery["stockOrders"] as? Int == judged.count - judgedLines)
            #expect(judged.count - judgedLines > 0, "stock orders are counted")
            let ratio = try #require(delivery["onTimeRatio"] as? Double)
            #expect(abs(ratio - Double(onTime) / Double(judged.count)) < 1e-9)
            let statement = try #require(delivery["statement"] as? String)
            #expect(
                statement.hasPrefix(
                    "\(onTime) of \(judged.count) on time: \(judgedLines) customer lines, \(judged.count - judgedLines) stock orders, by \(scheduleID)"
                ),
                "\(statement)"
            )
        }
    }

    @Test(
        "An operation started and completed within minutes: WC-MILL-1's OEE flags a data issue instead of a performance of 8,100 %, in /oee, /oee by shift and /kpis alike"
    )
    func oeeDataIssue() async throws {
        try await ClockedServer.run { s, clock in
            let t = try await ShopFloor.prepare(s)
            let op = ShopFloorTruthTests.op
            try #require(try await s.send(.POST, op + "/start", token: t.anna, body: "{}").status == 200)
            clock.advance(minutes: 2)
            let done = try await s.send(.POST, op + "/complete", token: t.anna, body: #"{"good":9}"#)
            try #require(done.status == 200, "\(done.text)")
            clock.advance(minutes: 8)

            let window = "from=2026-11-25T06:00:00Z&to=2026-11-25T06:10:00Z"
            var reports = [
                try #require(
                    (try await s.send(.GET, "/api/v1/work-centers/WC-MILL-1/oee?\(window)", token: t.supervisor).json()["items"] as? [[String: Any]])?
                        .first
                ),
                try #require(
                    (try await s.send(.GET, "/api/v1/work-centers/WC-MILL-1/oee?\(window)&by=shift", token: t.supervisor).json()["items"]
                        as? [[String: Any]])?.first
                ),
                try #require(
                    (try await s.send(.GET, "/api/v1/oee?\(window)", token: t.supervisor).json()["items"] as? [[String: Any]])?.first {
                        $0["workCenter"] as? String == "WC-MILL-1"
                    }
                ),
            ]
            let kpis = try await s.send(.GET, "/api/v1/kpis?\(window)", token: t.supervisor)
            #expect(kpis.status == 200, "\(kpis.text)")
            if let r = (try? kpis.json()["oee"] as? [[String: Any]])?.first(where: { $0["workCenter"] as? String == "WC-MILL-1" }) {
                reports.append(r)
            }
            #expect(reports.count == 4, "/kpis answers WC-MILL-1's OEE too")
            for r in reports {
                // 9 housings at 18 ideal minutes (162) booked against 2 minutes of production: 81 times the ideal rate.
                #expect(r["actualProductionTime"] as? Double == 2 && r["idealProductionTime"] as? Double == 162)
                #expect(r["performance"] is NSNull && r["oee"] is NSNull, "\(r)")
                #expect(r["availability"] as? Double == 0.2 && r["quality"] as? Double == 1)
                let issues = try #require(r["dataIssues"] as? [[String: Any]])
                #expect(issues.map { $0["rule"] as? String } == ["performance-above-ideal"])
                #expect(
                    issues.first?["message"] as? String
                        == "the units booked at WC-MILL-1 need 2 h 42 min at the routing's ideal rate, but only 2 min of "
                        + "production time were recorded in planned time (81.0 times the ideal rate); the machine states, the booked quantities or "
                        + "the routing's run time per unit are wrong, so performance and OEE are not shown"
                )
            }
            // Every ratio any report answers lies in [0, 1].
            let plant = try #require(try await s.send(.GET, "/api/v1/kpis", token: t.supervisor).json()["oee"] as? [[String: Any]])
            for r in plant {
                for key in ["availability", "performance", "quality", "oee"] {
                    if let v = r[key] as? Double { #expect((0...1).contains(v), "\(r["workCenter"] ?? "") \(key) \(v)") }
                }
            }
        }
    }

    @Test("GET /api/v1/kpis needs a token; its OEE window is optional, ISO 8601, from before to, at most 366 days; unknown parameters are refused")
    func kpiRefusals() async throws {
        try await ClockedServer.run { s, _ in
            #expect(try await s.send(.GET, "/api/v1/kpis", token: nil).status == 401)
            let reversed = try await s.send(.GET, "/api/v1/kpis?from=2026-11-25T06:00:00Z&to=2026-11-24T06:00:00Z")
            #expect(reversed.status == 400 && reversed.text.contains("to must be after from"), "\(reversed.text)")
            let bad = try await s.send(.GET, "/api/v1/kpis?from=yesterday")
            #expect(bad.status == 400 && bad.text.contains("ISO 8601"))
            let long = try await s.send(.GET, "/api/v1/kpis?from=2024-01-01T00:00:00Z")
            #expect(long.status == 400 && long.text.contains("at most 366 days"))
            let unknown = try await s.send(.GET, "/api/v1/kpis?days=7")
            #expect(unknown.status == 400 && unknown.text.contains("unknown query parameter 'days'"))
            // The default window is the last 7 days.
            let k = try await s.send(.GET, "/api/v1/kpis").json()
            #expect(k["oeeFrom"] as? String == "2026-11-18T06:00:00Z" && k["oeeTo"] as? String == Self.now)
        }
    }
}

/// What is open in the plant, read from the state itself: customer lines of open sales orders not shipped in full
/// (`SO#line`), and open production orders pegged to none of them (made to stock).
private enum Oracle {
    static func open(_ s: TestServer) async throws -> (lines: Set<String>, stock: Set<String>) {
        await s.engine.read { st in
            var lines = Set<String>()
            for so in st.salesOrders.values where so.status == .open {
                for line in so.lines where st.shippedQuantity(salesOrder: so.id, line: line.line) < line.quantity {
                    lines.insert("\(so.id)#\(line.line)")
                }
            }
            let stock = st.productionOrders.values.filter { po in
                [.planned, .released, .inProgress].contains(po.status) && !(po.pegging.map { lines.contains("\($0.salesOrder)#\($0.line)") } ?? false)
            }.map(\.id.rawValue)
            return (lines, Set(stock))
        }
    }
}
