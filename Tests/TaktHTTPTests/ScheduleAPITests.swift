import Foundation
import NIOHTTP1
import TaktEngine
import TaktPlanning
import TaktTestSupport
import Testing

@testable import TaktCore

@Suite("Scheduling through the API")
struct ScheduleAPITests {
    @Test("A planner schedules the demo plant; the schedule is published as an event and drives each work center's dispatch list")
    func scheduleAndDispatch() async throws {
        try await TestServer.run(demo: true) { s in
            // Before any schedule: the dispatch list falls back to due date and priority.
            let before = try await s.send(.GET, "/api/v1/work-centers/WC-ASSY-1/dispatch-list").json()
            #expect(before["orderedBy"] as? String == "due-date")
            #expect(try await s.send(.GET, "/api/v1/schedule").status == 404)

            let run = try await s.send(.POST, "/api/v1/schedule/runs", body: #"{"timeLimitSeconds": 0.3, "seed": 5}"#)
            #expect(run.status == 201, "\(run.text)")
            let schedule = try run.json()
            #expect(schedule["id"] as? String == "SCH-000001")
            let steps = try #require(schedule["steps"] as? [[String: Any]])
            let open = await s.engine.read { st in
                st.productionOrders.values.filter { [.planned, .released, .inProgress].contains($0.status) }
                    .reduce(0) { $0 + (st.routings[$1.routing]?.operations.count ?? 0) }
            }
            #expect(steps.count == open)
            // The schedule is in the log and in the state.
            let last = try await s.send(.GET, "/api/v1/events?after=\(await s.engine.committedSequence - 1)").json()
            #expect((last["events"] as? [[String: Any]])?.first?["type"] as? String == "schedulePublished")
            #expect(try await s.send(.GET, "/api/v1/schedule").json()["id"] as? String == "SCH-000001")

            // No work center runs two operations at once.
            let byWorkCenter = Dictionary(grouping: steps, by: { $0["workCenter"] as? String ?? "" })
            for (wc, list) in byWorkCenter {
                let windows = list.compactMap { step -> (Date, Date)? in
                    guard let a = (step["start"] as? String).flatMap(TaktJSON.parseDate),
                        let b = (step["end"] as? String).flatMap(TaktJSON.parseDate)
                    else { return nil }
                    return (a, b)
                }.sorted { $0.0 < $1.0 }
                for (x, y) in zip(windows, windows.dropFirst()) { #expect(x.1 <= y.0, "\(wc) runs two operations at once") }
            }

            // The dispatch list follows the published schedule, next first.
            let wc = try #require(steps.first?["workCenter"] as? String)
            let list = try await s.send(.GET, "/api/v1/work-centers/\(wc)/dispatch-list").json()
            #expect(list["orderedBy"] as? String == "schedule")
            #expect(list["schedule"] as? String == "SCH-000001")
            let starts = (list["items"] as? [[String: Any]] ?? []).compactMap { $0["start"] as? String }
            #expect(starts == starts.sorted())

            // A second run gets the next number.
            let again = try await s.send(.POST, "/api/v1/schedule/runs", body: #"{"timeLimitSeconds": 0.1}"#)
            #expect(try again.json()["id"] as? String == "SCH-000002")
        }
    }

    @Test(
        "Only planners publish schedules; a bad time limit or iteration count and an unknown work center are named; an iteration-limited run is repeatable"
    )
    func unhappyPaths() async throws {
        try await TestServer.run(demo: true) { s in
            let operatorToken = try await userToken(s, id: "op-zoe", roles: ["operator"])
            let refused = try await s.send(.POST, "/api/v1/schedule/runs", token: operatorToken, body: "{}")
            #expect(refused.status == 403)
            let bad = try await s.send(.POST, "/api/v1/schedule/runs", body: #"{"timeLimitSeconds": 600}"#)
            #expect(bad.status == 422)  // a value out of range breaks a rule (the body itself is well formed)
            #expect(bad.text.contains("timeLimitSeconds"))
            let badIterations = try await s.send(.POST, "/api/v1/schedule/runs", body: #"{"iterations": 0}"#)
            #expect(badIterations.status == 422 && badIterations.text.contains("iterations must be from 1 to 100000"), "\(badIterations.text)")
            // The same plant, seed and iterations give the same plan: the plant clock stands still between the runs, and
            // publishing the first does not change what the second starts from.
            let first = try await s.send(.POST, "/api/v1/schedule/runs", body: #"{"iterations": 50, "seed": 3}"#)
            let second = try await s.send(.POST, "/api/v1/schedule/runs", body: #"{"iterations": 50, "seed": 3}"#)
            #expect(first.status == 201 && second.status == 201, "\(first.text.prefix(300)) \(second.text.prefix(300))")
            let a = try first.decode(PublishedSchedule.self)
            let b = try second.decode(PublishedSchedule.self)
            #expect(a.id != b.id, "each run is published under its own number")
            #expect(a.origin == b.origin && a.origin == TestPlant.demoDay, "both start from the plant clock's instant")
            #expect(a.steps.count > 100, "the demo plant's open operations at 2026-11-24 00:00 (145 at seed 42)")
            #expect(a.steps == b.steps, "the same steps")
            #expect(a.weightedTardinessMinutes == b.weightedTardinessMinutes && a.lateOrders == b.lateOrders)
            #expect(try await s.send(.GET, "/api/v1/work-centers/WC-NOPE/dispatch-list").status == 404)
        }
    }

    @Test("Sales asks when 5 more pumps could be ready: the answer fits around the published schedule and creates nothing")
    func capableToPromise() async throws {
        try await TestServer.run(demo: true) { s in
            let salesToken = try await userToken(s, id: "sam-sales", roles: ["sales"])
            #expect(try await s.send(.POST, "/api/v1/schedule/runs", body: #"{"timeLimitSeconds": 0.3}"#).status == 201)
            let item = try #require(
                await s.engine.read { st in
                    st.items.values.filter { $0.kind == .finished }.map(\.id).sorted().first { id in st.routings.values.contains { $0.item == id } }
                }
            )
            let before = await s.engine.committedSequence
            let reply = try await s.send(.POST, "/api/v1/schedule/promise", token: salesToken, body: #"{"item":"\#(item)","quantity":5}"#)
            #expect(reply.status == 200, "\(reply.text)")
            let answer = try reply.decode(PromiseAnswer.self)
            #expect(answer.basedOn == "SCH-000001")
            #expect(answer.item.rawValue == item.rawValue && answer.quantity == 5)
            #expect(!answer.steps.isEmpty)
            #expect(answer.steps.last?.end == answer.earliestCompletion)
            #expect(answer.earliestCompletion > TestPlant.demoDay, "after the plant clock's now")
            #expect(await s.engine.committedSequence == before, "a promise query creates nothing")

            // Bad queries are named: a purchased item, a negative quantity; operators may not ask.
            let purchased = try #require(await s.engine.read { $0.items.values.first { $0.kind == .purchased }?.id })
            let refused = try await s.send(.POST, "/api/v1/schedule/promise", body: #"{"item":"\#(purchased)","quantity":5}"#)
            #expect(refused.status == 422)
            #expect(refused.text.contains("not-made"))
            #expect(try await s.send(.POST, "/api/v1/schedule/promise", body: #"{"item":"\#(item)","quantity":-1}"#).status == 422)
            let operatorToken = try await userToken(s, id: "op-ute", roles: ["operator"])
            #expect(
                try await s.send(.POST, "/api/v1/schedule/promise", token: operatorToken, body: #"{"item":"\#(item)","quantity":5}"#).status == 403
            )
        }
    }
}
