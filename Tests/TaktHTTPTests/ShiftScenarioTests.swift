import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktTestSupport
import Testing

@testable import TaktCore

/// One early shift of the demo plant (seed 42), driven through the real server and the SQLite log:
/// Wednesday 25 November 2026, 06:00–14:00 in Neustadt (Europe/Berlin, UTC+1).
///
/// PO-000007 makes 30 machined housings MH-NB-32-160 (9 of them this morning): operation 10 mills the flanges on WC-MILL-1
/// (45 min setup, 18 min per unit), operation 20 turns the bore on a lathe. Anna mills, Deniz turns;
/// the mill has a coolant leak in the middle of the morning.
@Suite("A shift on the shop floor, end to end")
struct ShiftScenarioTests {
    /// 06:00 local = 05:00 UTC.
    static let shiftStart = Date(timeIntervalSince1970: 1_795_582_800)

    @Test(
        "The early shift on the housing line: clock in, set up, mill, a coolant leak stops the mill for 45 minutes, finish, turn, book the housings; the genealogy and the mill's OEE come out as worked by hand"
    )
    func earlyShift() async throws {
        let clock = TestClock(Self.shiftStart)
        try await TestServer.run(demo: true, clock: clock) { s in
            let anna = try await issueToken(s, for: "op-anna")
            let deniz = try await issueToken(s, for: "op-deniz")
            let warehouse = try await issueToken(s, for: "warehouse")
            let supervisor = try await issueToken(s, for: "supervisor")
            let mill = "/api/v1/production-orders/PO-000007/operations/10"
            let lathe = "/api/v1/production-orders/PO-000007/operations/20"

            // The castings: one lot of 10 already beside the mill, a second one brought from the store.
            let (stagedLot, storeLot, storeQuantity) = try #require(
                await s.engine.read { st -> (Lot.ID, Lot.ID, Double)? in
                    let castings = st.lots.values.filter { $0.item == "CH-NB-32-160" && $0.status == .available }
                    guard let staged = castings.first(where: { $0.location == "LS-MILL-1" }),
                        let store = castings.filter({ $0.location == "LOC-STORE" && $0.quantity >= 4 }).min(by: { $0.id < $1.id })
                    else { return nil }
                    return (staged.id, store.id, store.quantity)
                }
            )
            #expect(await s.engine.read { $0.lots[stagedLot]?.quantity } == 10)

            // 06:00 Anna clocks in at the mill and reads the current work instruction.
            try ok(await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/clock-in", token: anna))
            try ok(await s.send(.POST, "/api/v1/work-instructions/WI-MACH-210/acknowledge", token: anna, body: #"{"revision":"B"}"#))
            // Only 10 of the 30 castings are staged: the start is refused, in words.
            let refused = try await s.send(.POST, mill + "/start", token: anna)
            #expect(refused.status == 409)
            #expect(refused.text.contains("30 ea of CH-NB-32-160 are needed at LS-MILL-1, but only 10 are there"))
            try ok(await s.send(.POST, "/api/v1/lots/\(storeLot)/move", token: warehouse, body: #"{"to":"LS-MILL-1"}"#))

            // 06:10–06:40 setup; 06:40 she starts milling and scans the castings in.
            clock.advance(minutes: 10)
            try ok(await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/machine-state", token: anna, body: #"{"state":"setup"}"#))
            clock.advance(minutes: 30)
            try ok(await s.send(.POST, mill + "/start", token: anna))
            try ok(await s.send(.POST, mill + "/consume", token: anna, body: #"{"lot":"\#(stagedLot)","quantity":5}"#))
            try ok(await s.send(.POST, mill + "/consume", token: anna, body: #"{"lot":"\#(storeLot)","quantity":4}"#))

            // 07:40 four good housings.
            clock.advance(minutes: 60)
            try ok(await s.send(.POST, mill + "/report", token: anna, body: #"{"good":4}"#))

            // 08:00 coolant leak: the mill is down and Anna pauses; she cannot resume while it is down.
            clock.advance(minutes: 20)
            try ok(
                await s.send(
                    .POST,
                    "/api/v1/work-centers/WC-MILL-1/machine-state",
                    token: anna,
                    body: #"{"state":"down","reason":"Coolant leak at the spindle"}"#
                )
            )
            try ok(await s.send(.POST, mill + "/pause", token: anna, body: #"{"reason":"Mill down: coolant leak"}"#))
            clock.advance(minutes: 20)
            let whileDown = try await s.send(.POST, mill + "/resume", token: anna)
            #expect(whileDown.status == 409)
            #expect(whileDown.text.contains("WC-MILL-1 is down (Coolant leak at the spindle) since 2026-11-25T07:00:00Z"))

            // 08:45 maintenance has fixed it; Anna resumes.
            clock.advance(minutes: 25)
            try ok(await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/machine-state", token: supervisor, body: #"{"state":"running"}"#))
            try ok(await s.send(.POST, mill + "/resume", token: anna))

            // 09:45 three good and one with porosity; 10:30 the last good one, and she completes.
            clock.advance(minutes: 60)
            try ok(await s.send(.POST, mill + "/report", token: anna, body: #"{"good":3,"scrap":1,"scrapReason":"porosity"}"#))
            clock.advance(minutes: 45)
            let milled = try ok(await s.send(.POST, mill + "/complete", token: anna, body: #"{"good":1}"#))
            let completed = try #require(try events(milled).first { $0["type"] as? String == "operationCompleted" }?["data"] as? [String: Any])
            // Worked 06:40–08:00 and 08:45–10:30: 80 + 105 = 185 minutes, against 45 + 30 × 18 = 585 planned.
            #expect(completed["actualMinutes"] as? Double == 185)
            #expect(completed["plannedMinutes"] as? Double == 585)
            #expect(completed["good"] as? Double == 8)
            #expect(completed["scrap"] as? Double == 1)
            try ok(await s.send(.POST, "/api/v1/clock-out", token: anna))

            // 10:40 Deniz turns the bore on lathe 1 and books the 8 housings as lot MH-PO8-001 at 12:40.
            clock.advance(minutes: 10)
            try ok(await s.send(.POST, "/api/v1/work-centers/WC-LATHE-1/clock-in", token: deniz))
            try ok(await s.send(.POST, "/api/v1/work-instructions/WI-MACH-220/acknowledge", token: deniz, body: #"{"revision":"A"}"#))
            try ok(await s.send(.POST, lathe + "/start", token: deniz))
            clock.advance(minutes: 120)
            try ok(await s.send(.POST, lathe + "/produce", token: deniz, body: #"{"lot":"MH-PO8-001","quantity":8,"location":"LOC-STORE"}"#))
            let turned = try ok(await s.send(.POST, lathe + "/complete", token: deniz, body: #"{"good":8}"#))
            #expect(try events(turned).map { $0["type"] as? String }.last == "productionOrderCompleted")
            try ok(await s.send(.POST, "/api/v1/clock-out", token: deniz))

            // Backward: the housings came from the two casting lots, 5 + 4, milled by Anna on WC-MILL-1.
            let back = try ok(await s.send(.GET, "/api/v1/lots/MH-PO8-001/trace?direction=backward", token: supervisor)).json()
            let backLots = try #require(back["lots"] as? [[String: Any]])
            #expect(Set(backLots.compactMap { $0["id"] as? String }) == ["MH-PO8-001", stagedLot.rawValue, storeLot.rawValue])
            let links = try #require(back["links"] as? [[String: Any]])
            #expect(links.count == 2)
            #expect(
                Set(links.compactMap { link in (link["lot"] as? String).map { "\($0)=\(link["quantity"] as? Double ?? -1)" } })
                    == ["\(stagedLot)=5.0", "\(storeLot)=4.0"]
            )
            #expect(
                links.allSatisfy { $0["by"] as? String == "op-anna" && $0["workCenter"] as? String == "WC-MILL-1" && $0["operation"] as? Int == 10 }
            )
            let suppliers = try #require(back["supplierLots"] as? [[String: Any]])
            #expect(suppliers.count == 2)
            #expect(suppliers.allSatisfy { ($0["supplierLot"] as? String)?.isEmpty == false })
            let order = try #require((back["orders"] as? [[String: Any]])?.first)
            #expect(order["id"] as? String == "PO-000007")
            #expect(Set(order["operators"] as? [String] ?? []) == ["op-anna", "op-deniz"])
            #expect(Set(order["workCenters"] as? [String] ?? []) == ["WC-MILL-1", "WC-LATHE-1"])

            // Forward: the store lot's castings ended up in the housings; what is left of it is still in stock.
            let forward = try ok(await s.send(.GET, "/api/v1/lots/\(storeLot)/trace?direction=forward", token: supervisor)).json()
            let forwardLots = try #require(forward["lots"] as? [[String: Any]])
            #expect(forwardLots.compactMap { $0["id"] as? String } == [storeLot.rawValue, "MH-PO8-001"])
            #expect(forwardLots.first?["quantity"] as? Double == storeQuantity - 4)
            #expect(await s.engine.read { $0.lots[stagedLot]?.quantity } == 5)

            // The mill's early shift (480 planned minutes), by hand:
            //   06:00–06:10 no state (idle) 10 · 06:10–06:40 setup 30 · 06:40–08:00 running 80
            //   08:00–08:45 down 45 · 08:45–10:30 running 105 · 10:30–14:00 idle 210
            //   APT = 185, availability = 185 / 480; ideal = 9 units × 18 min = 162, performance = 162 / 185;
            //   quality = 8 / 9; OEE = 162 × 8 / (480 × 9) = 0.3.
            //   Losses: down 45 (coolant leak), setup 30, idle 220, speed 185 − 162 = 23, scrap 1 × 18 = 18 ideal minutes.
            let from = "2026-11-25T05:00:00Z"
            let to = "2026-11-25T13:00:00Z"
            // Read once the shift is over: a window is counted only up to now (docs/kpis.md).
            let during = try ok(await s.send(.GET, "/api/v1/work-centers/WC-MILL-1/oee?from=\(from)&to=\(to)", token: supervisor)).json()
            let sofar = try #require((during["items"] as? [[String: Any]])?.first)
            #expect((sofar["plannedBusyTime"] as? Double ?? 480) < 480, "before the shift ends, only the minutes so far are planned")
            clock.set(TaktJSON.parseDate(to) ?? .distantPast)
            let oee = try ok(await s.send(.GET, "/api/v1/work-centers/WC-MILL-1/oee?from=\(from)&to=\(to)", token: supervisor)).json()
            let figures = try #require((oee["items"] as? [[String: Any]])?.first)
            #expect(figures["plannedBusyTime"] as? Double == 480)
            #expect(figures["actualProductionTime"] as? Double == 185)
            #expect(figures["setupTime"] as? Double == 30)
            #expect(figures["downTime"] as? Double == 45)
            #expect(figures["idleTime"] as? Double == 220)
            #expect(figures["producedQuantity"] as? Double == 9)
            #expect(figures["goodQuantity"] as? Double == 8)
            #expect(figures["idealProductionTime"] as? Double == 162)
            try expectClose(figures["availability"], 185.0 / 480)
            try expectClose(figures["performance"], 162.0 / 185)
            try expectClose(figures["quality"], 8.0 / 9)
            try expectClose(figures["oee"], 0.3)
            let losses = try #require(figures["losses"] as? [String: Any])
            let down = try #require(losses["down"] as? [[String: Any]])
            #expect(down.count == 1)
            #expect(down.first?["reason"] as? String == "Coolant leak at the spindle")
            #expect(down.first?["minutes"] as? Double == 45)
            #expect(losses["setupMinutes"] as? Double == 30)
            #expect(losses["idleMinutes"] as? Double == 220)
            try expectClose(losses["speedLossMinutes"], 23)
            let scrap = try #require((losses["scrap"] as? [[String: Any]])?.first)
            #expect(scrap["reason"] as? String == "porosity")
            #expect(scrap["quantity"] as? Double == 1)
            #expect(scrap["idealMinutes"] as? Double == 18)

            // By shift, read at 22:00 when the late shift (14:00–22:00) is over: it stood idle, so it has an availability
            // of 0 and no performance.
            clock.set(TaktJSON.parseDate("2026-11-25T21:00:00Z") ?? .distantPast)
            let byShift = try ok(
                await s.send(
                    .GET,
                    "/api/v1/work-centers/WC-MILL-1/oee?from=\(from)&to=2026-11-25T21:00:00Z&by=shift",
                    token: supervisor
                )
            ).json()
            let shifts = try #require(byShift["items"] as? [[String: Any]])
            #expect(shifts.compactMap { $0["shift"] as? String } == ["Early", "Late"])
            try expectClose(shifts.first?["oee"], 0.3)
            #expect(shifts.last?["availability"] as? Double == 0)
            #expect(shifts.last?["performance"] is NSNull)

            // Who worked where: Anna 06:00–10:30 at the mill, Deniz 10:40–12:40 at the lathe.
            let labour = try ok(await s.send(.GET, "/api/v1/labour?from=\(from)&to=\(to)", token: supervisor)).json()
            let sessions = try #require(labour["sessions"] as? [[String: Any]])
            let minutes = Dictionary(
                uniqueKeysWithValues: sessions.compactMap { s -> (String, Double)? in
                    guard let user = s["user"] as? String, let m = s["minutes"] as? Double else { return nil }
                    return (user, m)
                }
            )
            #expect(minutes == ["op-anna": 270, "op-deniz": 120])
        }
    }
}

/// Expects a 2xx answer and returns it.
@discardableResult
private func ok(_ r: TestServer.Reply, sourceLocation: SourceLocation = #_sourceLocation) throws -> TestServer.Reply {
    #expect((200..<300).contains(r.status), "\(r.status): \(r.text)", sourceLocation: sourceLocation)
    return r
}

private func expectClose(_ value: Any?, _ expected: Double, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let x = try #require(value as? Double, "not a number: \(String(describing: value))", sourceLocation: sourceLocation)
    #expect(abs(x - expected) < 1e-9, "\(x) ≠ \(expected)", sourceLocation: sourceLocation)
}
