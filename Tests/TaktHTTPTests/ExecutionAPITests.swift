import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOHTTP1
import Synchronization
import TaktStoreSQLite
import TaktTestSupport
import Testing

@testable import TaktApp
@testable import TaktCore
@testable import TaktEngine
@testable import TaktHTTP

/// Shop-floor execution through the real server on the demo plant (seed 42), on a clock the test moves:
/// the plant's "now" is Wednesday 25 November 2026, 06:00 UTC, the morning after the demo was generated.
@Suite("Shop-floor execution through the API")
struct ExecutionAPITests {
    @Test(
        "Anna mills the flanges of PO-000007 on WC-MILL-1: clocks in, acknowledges WI-MACH-210 rev B, starts once the warehouse stages the castings, consumes, reports, completes and books the housings"
    )
    func annaMillsHousingFlanges() async throws {
        try await ClockedServer.run { s, clock in
            let anna = try await issueToken(s, for: "op-anna")
            let warehouse = try await issueToken(s, for: "warehouse")
            let op = "/api/v1/production-orders/PO-000007/operations/10"

            // The order's operations, before anything ran.
            let before = try await s.send(.GET, "/api/v1/production-orders/PO-000007/operations", token: anna)
            #expect(before.status == 200, "\(before.text)")
            let ops = try #require(try before.json()["items"] as? [[String: Any]])
            #expect(ops.map { $0["sequence"] as? Int } == [10, 20])
            #expect(ops.allSatisfy { $0["status"] as? String == "waiting" })
            #expect(try await s.send(.GET, "/api/v1/production-orders/PO-999999/operations", token: anna).status == 404)

            // Clock in (no body: the signed-in user); she is listed at the mill.
            let clockIn = try await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/clock-in", token: anna)
            #expect(clockIn.status == 200, "\(clockIn.text)")
            #expect(try eventTypes(clockIn) == ["operatorClockedIn"])
            let here = try await s.send(.GET, "/api/v1/work-centers/WC-MILL-1/clocked-in", token: anna).json()
            #expect((here["items"] as? [[String: Any]])?.map { $0["user"] as? String } == ["op-anna"])

            // Only the current revision of the work instruction can be acknowledged.
            let wi = try await s.send(.GET, "/api/v1/work-instructions/WI-MACH-210", token: anna).json()
            #expect(wi["revision"] as? String == "B")
            let stale = try await s.send(.POST, "/api/v1/work-instructions/WI-MACH-210/acknowledge", token: anna, body: #"{"revision":"A"}"#)
            #expect(stale.status == 409)
            #expect(try stale.json()["type"] as? String == "urn:takt:problem:conflict")
            let ack = try await s.send(.POST, "/api/v1/work-instructions/WI-MACH-210/acknowledge", token: anna, body: #"{"revision":"B"}"#)
            #expect(ack.status == 200, "\(ack.text)")
            #expect(try eventTypes(ack) == ["workInstructionAcknowledged"])

            // 10 castings are staged beside the mill, the order needs 30: the warehouse brings a lot from the store.
            let storeLot = try #require(
                await s.engine.read { st in
                    st.lots.values.filter { $0.item == "CH-NB-32-160" && $0.status == .available && $0.location == "LOC-STORE" && $0.quantity >= 20 }
                        .map(\.id).sorted().first
                },
                "a lot of housing castings CH-NB-32-160 in the store"
            )
            let moved = try await s.send(.POST, "/api/v1/lots/\(storeLot)/move", token: warehouse, body: #"{"to":"LS-MILL-1"}"#)
            #expect(moved.status == 200, "\(moved.text)")

            // Start: the work center is the one she is clocked in at; the order and the mill start running.
            let start = try await s.send(.POST, op + "/start", token: anna, body: "{}", headers: [("Idempotency-Key", "anna-start-po8-10")])
            #expect(start.status == 200, "\(start.text)")
            #expect(try eventTypes(start) == ["operationStarted", "machineStateChanged"])
            let started = try #require(try events(start).first?["data"] as? [String: Any])
            #expect(started["operator"] as? String == "op-anna")
            #expect(started["workCenter"] as? String == "WC-MILL-1")
            #expect(started["plannedMinutes"] as? Double == 585, "45 min setup + 30 × 18 min")
            let replay = try await s.send(.POST, op + "/start", token: anna, body: "{}", headers: [("Idempotency-Key", "anna-start-po8-10")])
            #expect(replay.status == 200)
            #expect(replay.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(replay.body == start.body)

            // Consume the staged castings; a lot of another item is refused by an interlock.
            let staged = try #require(
                await s.engine.read { st in
                    st.lots.values.filter { $0.item == "CH-NB-32-160" && $0.location == "LS-MILL-1" }.map(\.id).sorted()
                }
            )
            for lot in staged {
                let quantity = try #require(await s.engine.read { $0.lots[lot]?.quantity })
                let consumed = try await s.send(.POST, op + "/consume", token: anna, body: #"{"lot":"\#(lot)","quantity":\#(quantity)}"#)
                #expect(consumed.status == 200, "\(consumed.text)")
                #expect(try eventTypes(consumed) == ["lotConsumed"])
            }
            let wrong = try #require(
                await s.engine.read { st in
                    st.lots.values.first { $0.item == "CH-NB-50-200" && $0.status == .available }?.id
                }
            )
            let refused = try await s.send(.POST, op + "/consume", token: anna, body: #"{"lot":"\#(wrong)","quantity":1}"#)
            #expect(refused.status == 409)
            #expect(try refused.json()["type"] as? String == "urn:takt:problem:interlock")
            #expect(refused.text.contains(Interlock.lotWrongItem.rawValue))

            // Report after 45 minutes; scrap needs a reason.
            clock.advance(minutes: 45)
            let noReason = try await s.send(.POST, op + "/report", token: anna, body: #"{"good":4,"scrap":1}"#)
            #expect(noReason.status == 422)
            #expect(noReason.text.contains("scrapReason"))
            let report = try await s.send(.POST, op + "/report", token: anna, body: #"{"good":4,"scrap":1,"scrapReason":"porosity"}"#)
            #expect(report.status == 200, "\(report.text)")
            #expect(try eventTypes(report) == ["quantityReported"])

            // Complete after 30 more minutes with the last 4 good; the mill goes idle.
            clock.advance(minutes: 30)
            let complete = try await s.send(.POST, op + "/complete", token: anna, body: #"{"good":4}"#)
            #expect(complete.status == 200, "\(complete.text)")
            #expect(try eventTypes(complete) == ["quantityReported", "operationCompleted", "machineStateChanged"])
            let completed = try #require(try events(complete)[1]["data"] as? [String: Any])
            #expect(completed["good"] as? Double == 8)
            #expect(completed["scrap"] as? Double == 1)
            #expect(completed["actualMinutes"] as? Double == 75)

            // The machined housings go to the lathe's line side for the next operation.
            let produced = try await s.send(.POST, op + "/produce", token: anna, body: #"{"lot":"MH-PO8-001","quantity":8,"location":"LS-LATHE-1"}"#)
            #expect(produced.status == 200, "\(produced.text)")
            #expect(try eventTypes(produced) == ["lotProduced"])
            let lot = try await s.send(.GET, "/api/v1/lots/MH-PO8-001", token: anna).json()
            #expect(lot["item"] as? String == "MH-NB-32-160")
            #expect(lot["productionOrder"] as? String == "PO-000007")

            let after = try #require(
                try await s.send(.GET, "/api/v1/production-orders/PO-000007/operations", token: anna).json()["items"] as? [[String: Any]]
            )
            #expect(after.first?["status"] as? String == "completed")
            #expect(after.first?["good"] as? Double == 8)
            #expect((after.first?["segments"] as? [[String: Any]])?.count == 1)
            #expect(after.last?["status"] as? String == "waiting")
            #expect(try await s.send(.GET, "/api/v1/production-orders/PO-000007", token: anna).json()["status"] as? String == "in-progress")

            let out = try await s.send(.POST, "/api/v1/clock-out", token: anna)
            #expect(out.status == 200, "\(out.text)")
            #expect(try eventTypes(out) == ["operatorClockedOut"])
            #expect((try await s.send(.GET, "/api/v1/work-centers/WC-MILL-1/clocked-in", token: anna).json()["items"] as? [Any])?.isEmpty == true)
        }
    }

    @Test(
        "Anna's start of PO-000007 op 10 before the castings are staged is refused by the material-not-staged interlock; she cannot override it, the supervisor can, and then she starts"
    )
    func interlockAndSupervisorOverride() async throws {
        try await ClockedServer.run { s, _ in
            let anna = try await issueToken(s, for: "op-anna")
            let supervisor = try await issueToken(s, for: "supervisor")
            let quality = try await issueToken(s, for: "quality")
            let op = "/api/v1/production-orders/PO-000007/operations/10"

            // Not clocked in, not acknowledged, not staged: every interlock is named at once.
            let first = try await s.send(.POST, op + "/start", token: anna, body: #"{"workCenter":"WC-MILL-1"}"#)
            #expect(first.status == 409)
            #expect(first.headers.first(name: "Content-Type") == "application/problem+json")
            let problem = try first.json()
            #expect(problem["type"] as? String == "urn:takt:problem:interlock")
            #expect(problem["title"] as? String == "Interlock")
            #expect(problem["status"] as? Int == 409)
            #expect(
                Set(try rules(problem)) == [
                    Interlock.operatorNotClockedIn.rawValue, Interlock.workInstructionNotAcknowledged.rawValue,
                    Interlock.materialNotStaged.rawValue,
                ]
            )

            #expect(try await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/clock-in", token: anna).status == 200)
            #expect(
                try await s.send(.POST, "/api/v1/work-instructions/WI-MACH-210/acknowledge", token: anna, body: #"{"revision":"B"}"#).status == 200
            )
            let second = try await s.send(.POST, op + "/start", token: anna)
            #expect(second.status == 409)
            let left = try second.json()
            #expect(left["type"] as? String == "urn:takt:problem:interlock")
            #expect(try rules(left) == [Interlock.materialNotStaged.rawValue])
            #expect((left["detail"] as? String)?.contains("LS-MILL-1") == true, "\(left)")

            // An operator may not override; nor may anyone without a reason; the supervisor may, once.
            let body = #"{"interlock":"material-not-staged","reason":"4 castings on the cart beside the mill, counted"}"#
            let denied = try await s.send(.POST, op + "/overrides", token: anna, body: body)
            #expect(denied.status == 403)
            #expect(try denied.json()["type"] as? String == "urn:takt:problem:forbidden")
            #expect(
                try await s.send(.POST, op + "/overrides", token: supervisor, body: #"{"interlock":"material-not-staged","reason":" "}"#).status
                    == 422
            )
            #expect(
                try await s.send(.POST, op + "/overrides", token: supervisor, body: #"{"interlock":"no-such-interlock","reason":"x"}"#).status == 400
            )
            let allowed = try await s.send(.POST, op + "/overrides", token: supervisor, body: body)
            #expect(allowed.status == 200, "\(allowed.text)")
            #expect(try eventTypes(allowed) == ["interlockOverridden"])
            let again = try await s.send(.POST, op + "/overrides", token: supervisor, body: body)
            #expect(again.status == 409)
            #expect(try again.json()["type"] as? String == "urn:takt:problem:conflict", "not an interlock: a plain conflict")

            // Now she starts; starting twice is a plain conflict, not an interlock.
            let start = try await s.send(.POST, op + "/start", token: anna)
            #expect(start.status == 200, "\(start.text)")
            let twice = try await s.send(.POST, op + "/start", token: anna)
            #expect(twice.status == 409)
            #expect(try twice.json()["type"] as? String == "urn:takt:problem:conflict")
            let record = try #require(
                try await s.send(.GET, "/api/v1/production-orders/PO-000007/operations", token: anna).json()["items"] as? [[String: Any]]
            )
            let overrides = try #require(record.first?["overrides"] as? [[String: Any]])
            #expect(overrides.map { $0["interlock"] as? String } == ["material-not-staged"])
            #expect(overrides.first?["by"] as? String == "supervisor")

            // Inspections are for quality, not for the operator.
            #expect(try await s.send(.POST, op + "/inspections", token: anna, body: #"{"passed":true}"#).status == 403)
            let inspected = try await s.send(.POST, op + "/inspections", token: quality, body: #"{"passed":true,"note":"flange flatness 0.02 mm"}"#)
            #expect(inspected.status == 200, "\(inspected.text)")
            #expect(try eventTypes(inspected) == ["inspectionRecorded"])

            // Without a token: 401; a malformed sequence number: 400.
            #expect(try await s.send(.POST, op + "/pause", token: nil, body: #"{"reason":"x"}"#).status == 401)
            #expect(
                try await s.send(.POST, "/api/v1/production-orders/PO-000007/operations/ten/pause", token: anna, body: #"{"reason":"x"}"#).status
                    == 400
            )
        }
    }

    @Test(
        "The dispatch lists of WC-MILL-1, WC-LATHE-2 and WC-ASSY-1 tell Anna and Carla what they can start: planned PO-000030 and PO-000007's turning wait, WC-MILL-1 down for a spindle failure blocks; running work shows, completed work leaves"
    )
    func dispatchListShowsWhatCanStart() async throws {
        try await ClockedServer.run { s, _ in
            let anna = try await issueToken(s, for: "op-anna")
            let carla = try await issueToken(s, for: "op-carla")
            let supervisor = try await issueToken(s, for: "supervisor")

            // Carla at assembly: PO-000030 is planned, not released.
            let assembly = try await dispatch(s, "WC-ASSY-1", token: carla)
            let planned = try #require(entry(assembly, "PO-000030", 10), "PO-000030 op 10 on WC-ASSY-1's list")
            #expect(planned["orderStatus"] as? String == "planned")
            #expect(planned["operationStatus"] as? String == "waiting")
            #expect(planned["canStart"] as? Bool == false)
            #expect(try blockerRules(planned).contains(Interlock.orderNotReleased.rawValue))
            #expect(try blockerRules(planned).contains(Interlock.operatorNotClockedIn.rawValue))

            // PO-000007's turning (op 20) waits for its milling; it is listed on the alternative lathe too.
            for wc in ["WC-LATHE-1", "WC-LATHE-2"] {
                let turning = try #require(entry(try await dispatch(s, wc, token: anna), "PO-000007", 20), "PO-000007 op 20 on \(wc)")
                #expect(turning["canStart"] as? Bool == false)
                #expect(try blockerRules(turning).contains(Interlock.previousOperationNotReported.rawValue))
            }

            // Anna gets everything in place for PO-000007 op 10: it can start.
            #expect(try await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/clock-in", token: anna).status == 200)
            #expect(
                try await s.send(.POST, "/api/v1/work-instructions/WI-MACH-210/acknowledge", token: anna, body: #"{"revision":"B"}"#).status == 200
            )
            let op = "/api/v1/production-orders/PO-000007/operations/10"
            #expect(
                try await s.send(
                    .POST,
                    op + "/overrides",
                    token: supervisor,
                    body: #"{"interlock":"material-not-staged","reason":"castings on the cart"}"#
                ).status == 200
            )
            let ready = try #require(entry(try await dispatch(s, "WC-MILL-1", token: anna), "PO-000007", 10))
            #expect(ready["canStart"] as? Bool == true, "\(ready)")
            #expect((ready["blockers"] as? [Any])?.isEmpty == true)
            #expect(
                entry(try await dispatch(s, "WC-MILL-2", token: anna), "PO-000007", 10) != nil,
                "waiting work is listed on every eligible work center"
            )
            // The same operation, seen by Carla (not clocked in there, not certified for milling), cannot start.
            let forCarla = try #require(entry(try await dispatch(s, "WC-MILL-1", token: carla), "PO-000007", 10))
            #expect(forCarla["canStart"] as? Bool == false)
            #expect(try blockerRules(forCarla).contains(Interlock.operatorNotCertified.rawValue))

            // The mill goes down: the start is blocked by the work center, then it is repaired.
            let down = try await s.send(
                .POST,
                "/api/v1/work-centers/WC-MILL-1/machine-state",
                token: supervisor,
                body: #"{"state":"down","reason":"spindle failure"}"#
            )
            #expect(down.status == 200, "\(down.text)")
            let blocked = try #require(entry(try await dispatch(s, "WC-MILL-1", token: anna), "PO-000007", 10))
            #expect(blocked["canStart"] as? Bool == false)
            #expect(try blockerRules(blocked) == [Interlock.workCenterDown.rawValue])
            let refused = try await s.send(.POST, op + "/start", token: anna)
            #expect(refused.status == 409)
            #expect(try rules(try refused.json()) == [Interlock.workCenterDown.rawValue])
            #expect(
                try await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/machine-state", token: supervisor, body: #"{"state":"down"}"#).status == 422
            )
            #expect(
                try await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/machine-state", token: supervisor, body: #"{"state":"idle"}"#).status == 200
            )

            // Running: listed, not startable, no blockers. Completed: gone.
            #expect(try await s.send(.POST, op + "/start", token: anna).status == 200)
            let running = try #require(entry(try await dispatch(s, "WC-MILL-1", token: anna), "PO-000007", 10))
            #expect(running["operationStatus"] as? String == "running")
            #expect(running["canStart"] as? Bool == false)
            #expect((running["blockers"] as? [Any])?.isEmpty == true)
            #expect(entry(try await dispatch(s, "WC-MILL-2", token: anna), "PO-000007", 10) == nil, "it runs on WC-MILL-1, not on the alternative")
            #expect(try await s.send(.POST, op + "/complete", token: anna, body: #"{"good":9}"#).status == 200)
            #expect(entry(try await dispatch(s, "WC-MILL-1", token: anna), "PO-000007", 10) == nil)
            // With the milling done, the turning's only blockers are Anna's own (clocked in at the mill, WI-MACH-220 unread).
            let next = try #require(entry(try await dispatch(s, "WC-LATHE-1", token: anna), "PO-000007", 20))
            #expect(Set(try blockerRules(next)) == [Interlock.operatorNotClockedIn.rawValue, Interlock.workInstructionNotAcknowledged.rawValue])
        }
    }

    @Test(
        "Anna's morning on WC-MILL-1: 40 minutes milling PO-000007, a 15-minute pause, 20 minutes more; the labour report shows 60 minutes on op 10 and her 90-minute clock-in, and the mill's machine states follow"
    )
    func labourAndMachineStates() async throws {
        try await ClockedServer.run { s, clock in
            let anna = try await issueToken(s, for: "op-anna")
            let ben = try await issueToken(s, for: "op-ben")
            let planner = try await issueToken(s, for: "planner")
            let supervisor = try await issueToken(s, for: "supervisor")
            let op = "/api/v1/production-orders/PO-000007/operations/10"
            let clockedInAt = clock.now

            #expect(try await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/clock-in", token: anna).status == 200)
            #expect(
                try await s.send(.POST, "/api/v1/work-instructions/WI-MACH-210/acknowledge", token: anna, body: #"{"revision":"B"}"#).status == 200
            )
            #expect(
                try await s.send(
                    .POST,
                    op + "/overrides",
                    token: supervisor,
                    body: #"{"interlock":"material-not-staged","reason":"castings on the cart"}"#
                ).status == 200
            )
            clock.advance(minutes: 5)
            let startedAt = clock.now
            #expect(try await s.send(.POST, op + "/start", token: anna).status == 200)
            clock.advance(minutes: 40)
            let pause = try await s.send(.POST, op + "/pause", token: anna, body: #"{"reason":"waiting for the crane"}"#)
            #expect(pause.status == 200, "\(pause.text)")
            #expect(try eventTypes(pause) == ["operationPaused", "machineStateChanged"])
            clock.advance(minutes: 15)
            let resume = try await s.send(.POST, op + "/resume", token: anna)
            #expect(resume.status == 200, "\(resume.text)")
            #expect(try eventTypes(resume) == ["operationResumed", "machineStateChanged"])
            #expect(try await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/counts", token: anna, body: #"{"count":6}"#).status == 200)
            clock.advance(minutes: 20)
            #expect(try await s.send(.POST, op + "/complete", token: anna, body: #"{"good":9}"#).status == 200)
            clock.advance(minutes: 10)

            // Still clocked in: the session is open (end null) and counts until now.
            let open = try await s.send(.GET, "/api/v1/labour", token: anna)
            #expect(open.status == 200, "\(open.text)")
            let openReport = try open.json()
            let session = try #require((openReport["sessions"] as? [[String: Any]])?.first)
            #expect(session["user"] as? String == "op-anna")
            #expect(session["end"] is NSNull)
            #expect(session["minutes"] as? Double == 90)
            let worked = try #require((openReport["operations"] as? [[String: Any]])?.first)
            #expect(worked["productionOrder"] as? String == "PO-000007")
            #expect(worked["operation"] as? Int == 10)
            #expect(worked["operator"] as? String == "op-anna")
            #expect(worked["workCenter"] as? String == "WC-MILL-1")
            #expect(worked["minutes"] as? Double == 60)

            // After clocking out, the planner sees the closed session; a window cuts the minutes.
            #expect(try await s.send(.POST, "/api/v1/clock-out", token: anna, body: "{}").status == 200)
            let all = try await s.send(.GET, "/api/v1/labour?workCenter=WC-MILL-1", token: planner).json()
            let closed = try #require((all["sessions"] as? [[String: Any]])?.first)
            #expect((closed["end"] as? String).flatMap(TaktJSON.parseDate) == clockedInAt.addingTimeInterval(90 * 60))
            let from = TaktJSON.formatDate(startedAt.addingTimeInterval(30 * 60))
            let windowed = try await s.send(.GET, "/api/v1/labour?user=op-anna&from=\(from)", token: planner).json()
            #expect((windowed["operations"] as? [[String: Any]])?.first?["minutes"] as? Double == 30)
            #expect((windowed["sessions"] as? [[String: Any]])?.first?["minutes"] as? Double == 55)
            // Another operator sees only himself; asking for Anna is forbidden.
            let own = try await s.send(.GET, "/api/v1/labour", token: ben).json()
            #expect((own["sessions"] as? [Any])?.isEmpty == true)
            #expect(try await s.send(.GET, "/api/v1/labour?user=op-anna", token: ben).status == 403)
            #expect(try await s.send(.GET, "/api/v1/labour?shift=early", token: planner).status == 400)

            // The mill: running at the start, idle at the pause, running again, idle at completion.
            let history = try await s.send(.GET, "/api/v1/work-centers/WC-MILL-1/machine-states", token: planner).json()
            let states = try #require(history["items"] as? [[String: Any]])
            #expect(states.map { $0["state"] as? String } == ["running", "idle", "running", "idle"])
            // From just after the pause: the idle state in force then comes first.
            let later = TaktJSON.formatDate(startedAt.addingTimeInterval(45 * 60))
            let window = try await s.send(.GET, "/api/v1/work-centers/WC-MILL-1/machine-states?from=\(later)", token: planner).json()
            #expect((window["items"] as? [[String: Any]])?.map { $0["state"] as? String } == ["idle", "running", "idle"])
            let bad = try await s.send(
                .GET,
                "/api/v1/work-centers/WC-MILL-1/machine-states?from=\(later)&to=\(TaktJSON.formatDate(startedAt))",
                token: planner
            )
            #expect(bad.status == 400)
            #expect(try await s.send(.GET, "/api/v1/work-centers/WC-NOPE/machine-states", token: planner).status == 404)
        }
    }
}

// MARK: - Helpers

/// The Takt server on the demo plant, like ``TestServer``, but with a clock the test moves (for the engine and the API alike).
enum ClockedServer {
    /// Wednesday 25 November 2026, 06:00 UTC (07:00 in the plant): the morning after the demo plant's start.
    static let morning = Date(timeIntervalSince1970: 1_795_586_400)

    static func run<T: Sendable>(_ body: @Sendable (TestServer, PlantClock) async throws -> T) async throws -> T {
        let clock = TestClock(morning)
        return try await TestServer.run(demo: true, clock: clock) { server in try await body(server, PlantClock(clock: clock)) }
    }
}

/// The plant clock a ``ClockedServer`` test moves: the support library's ``TestClock``, seen through a type of this target
/// so that every file here can move it without importing the library.
struct PlantClock: Sendable {
    let clock: TestClock
    var now: Date { clock.now }
    func advance(minutes: Double) { clock.advance(minutes: minutes) }
}

/// A fresh API token for a user of the demo plant, issued by the admin.
/// The rules of a problem's violations.
private func rules(_ problem: [String: Any]) throws -> [String] {
    try #require(problem["errors"] as? [[String: Any]], "no errors: \(problem)").compactMap { $0["rule"] as? String }
}

private func blockerRules(_ entry: [String: Any]) throws -> [String] {
    try #require(entry["blockers"] as? [[String: Any]], "no blockers: \(entry)").compactMap { $0["rule"] as? String }
}

private func dispatch(_ s: TestServer, _ workCenter: String, token: String) async throws -> [[String: Any]] {
    let reply = try await s.send(.GET, "/api/v1/work-centers/\(workCenter)/dispatch-list", token: token)
    #expect(reply.status == 200, "\(reply.text)")
    let list = try reply.json()
    #expect(list["orderedBy"] as? String == "due-date")
    return try #require(list["items"] as? [[String: Any]])
}

private func entry(_ items: [[String: Any]], _ order: String, _ sequence: Int) -> [String: Any]? {
    items.first { $0["productionOrder"] as? String == order && $0["sequence"] as? Int == sequence }
}
