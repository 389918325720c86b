import Foundation
import NIOCore
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktService
import TaktTestSupport
import Testing

/// Issue 16, item 7 (the inbox: owner, snooze, dismiss, grouping; answered outcome requests are not open exceptions) and
/// item 2's schedule page (run, look, publish).
@Suite("The inbox acts; the schedule is run and published from its page (issue 16)")
struct InboxActionsWebTests {
    static func exception(_ wc: String, _ title: String) -> PlantException {
        PlantException(
            id: "EXC-000000",
            kind: .machineDown,
            title: title,
            subject: "machine-down:\(wc)",
            disruption: Disruption(kind: .machineDown, workCenter: .init(wc), from: WebServer.morning),
            raisedAt: WebServer.morning,
            severity: .high,
            functions: [.production],
            causeChain: [CauseLink(kind: "event", text: "\(wc) went down")],
            impact: Impact(baseline: PlanKPIs(), predicted: PlanKPIs(lateOrders: 2)),
            actions: []
        )
    }

    static func raise(_ s: WebServer, _ e: PlantException) async throws -> String {
        let outcome = try await s.engine.submit(CommandEnvelope(command: .raiseException(e), actor: .system, correlationID: nil))
        return try #require(outcome.exceptionID?.rawValue)
    }

    @Test("Snooze hides an exception from the inbox until the time; the plant's clock brings it back by itself")
    func snoozeThenBack() async throws {
        let clock = TestClock(WebServer.morning)
        try await WebServer.run(clock: clock) { s in
            let id = try await Self.raise(s, Self.exception("WC-MILL-1", "WC-MILL-1 is down"))
            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            let inbox = try await s.send(.GET, "/exceptions", cookie: planner)
            #expect(Floor.row(containing: ">\(id)<", in: inbox.text)?.contains("id=\"snooze-\(id)-submit\"") == true)

            let snooze = try await s.send(
                .POST,
                "/exceptions/\(id)/snooze",
                cookie: planner,
                form: [("form", "snooze-\(id)"), ("hours", "4"), ("back", "/exceptions")]
            )
            #expect(snooze.status == 303 && snooze.location == "/exceptions")
            #expect(await s.engine.read { $0.exceptions[.init(id)]?.snoozedUntil } == WebServer.morning.addingTimeInterval(4 * 3600))
            let hidden = try await s.send(.GET, "/exceptions", cookie: planner)
            #expect(!(hidden.text.components(separatedBy: "id=\"snoozed\"").first ?? "").contains(">\(id)<"), "not in the inbox")
            #expect(hidden.text.contains("Snoozed (1)"), "listed apart, folded")

            clock.advance(minutes: 3 * 60 + 59)
            let still = try await s.send(.GET, "/exceptions", cookie: planner)
            #expect(!(still.text.components(separatedBy: "id=\"snoozed\"").first ?? "").contains(">\(id)<"))
            clock.advance(minutes: 1)
            let back = try await s.send(.GET, "/exceptions", cookie: planner)
            #expect(Floor.row(containing: ">\(id)<", in: back.text) != nil, "back at the time, by the plant's clock")
            #expect(!back.text.contains("Snoozed ("))
        }
    }

    @Test("Snoozing into the past is refused beside the field in the plant’s words; an owner who does not work the inbox is refused; nothing changes")
    func snoozeRefused() async throws {
        try await WebServer.run { s in
            let id = try await Self.raise(s, Self.exception("WC-MILL-1", "WC-MILL-1 is down"))
            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            let before = await s.engine.committedSequence
            let past = try await s.send(
                .POST,
                "/exceptions/\(id)/snooze",
                cookie: planner,
                form: [("form", "snooze-\(id)"), ("until", "2026-11-01T08:00"), ("back", "/exceptions/\(id)")]
            )
            #expect(past.location == "/exceptions/\(id)")
            #expect(await s.engine.committedSequence == before)
            let page = try await s.send(.GET, "/exceptions/\(id)", cookie: planner)
            let error = try #require(BoardActionsWebTests.fieldError("snooze-\(id)-error", in: page.text))
            #expect(error.contains("snooze until a time later than now"), "\(error)")

            try await Self.system(s, .createUser(User(id: "op-bob", name: "Bob", roles: [.operator])))
            let bob = try await s.send(
                .POST,
                "/exceptions/\(id)/owner",
                cookie: planner,
                form: [("form", "owner-\(id)"), ("owner", "op-bob"), ("back", "/exceptions/\(id)")]
            )
            #expect(bob.status == 303)
            #expect(await s.engine.read { $0.exceptions[.init(id)]?.owner } == nil)
            #expect(try await s.send(.GET, "/exceptions/\(id)", cookie: planner).text.contains("does not work the exception inbox"))
        }
    }

    static func system(_ s: WebServer, _ command: Command) async throws {
        _ = try await s.engine.submit(CommandEnvelope(command: command, actor: .system, correlationID: nil))
    }

    @Test("Take an exception, hand it to someone, see only mine; group the inbox by work center; dismiss with a reason")
    func ownerGroupDismiss() async throws {
        try await WebServer.run { s in
            let mill = try await Self.raise(s, Self.exception("WC-MILL-1", "WC-MILL-1 is down"))
            let lathe = try await Self.raise(s, Self.exception("WC-LATHE-1", "WC-LATHE-1 is down"))
            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            let take = try await s.send(
                .POST,
                "/exceptions/\(mill)/owner",
                cookie: planner,
                form: [("form", "owner-\(mill)"), ("owner", "me"), ("back", "/exceptions")]
            )
            #expect(take.status == 303)
            #expect(await s.engine.read { $0.exceptions[.init(mill)]?.owner } == "planner")
            let mine = try await s.send(.GET, "/exceptions?owner=me", cookie: planner)
            #expect(Floor.row(containing: ">\(mill)<", in: mine.text) != nil)
            #expect(Floor.row(containing: ">\(lathe)<", in: mine.text) == nil)

            _ = try await s.send(
                .POST,
                "/exceptions/\(lathe)/owner",
                cookie: planner,
                form: [("form", "owner-\(lathe)"), ("owner", "supervisor"), ("back", "/exceptions")]
            )
            #expect(await s.engine.read { $0.exceptions[.init(lathe)]?.owner } == "supervisor")

            let grouped = try await s.send(.GET, "/exceptions?group=work-center", cookie: planner)
            #expect(grouped.text.contains("id=\"group-WC-MILL-1\"") && grouped.text.contains("id=\"group-WC-LATHE-1\""))
            let millGroup = try #require(grouped.text.components(separatedBy: "id=\"group-WC-MILL-1\"").last)
            #expect(millGroup.components(separatedBy: "</section>").first?.contains(">\(mill)<") == true)
            #expect(millGroup.components(separatedBy: "</section>").first?.contains(">\(lathe)<") == false)

            let noReason = try await s.send(
                .POST,
                "/exceptions/\(mill)/dismiss",
                cookie: planner,
                form: [("form", "dismiss-\(mill)"), ("reason", " ")],
                headers: [("Referer", s.baseURL + "/exceptions/\(mill)")]
            )
            #expect(noReason.location == "/exceptions/\(mill)")
            let told = try await s.send(.GET, "/exceptions/\(mill)", cookie: planner)
            #expect(BoardActionsWebTests.fieldError("dismiss-\(mill)-error", in: told.text)?.contains("say why the exception is dismissed") == true)
            let dismissed = try await s.send(
                .POST,
                "/exceptions/\(mill)/dismiss",
                cookie: planner,
                form: [("form", "dismiss-\(mill)"), ("reason", "repaired within the hour")]
            )
            #expect(dismissed.status == 303)
            #expect(await s.engine.read { $0.exceptions[.init(mill)]?.status } == .dismissed)
            #expect(Floor.row(containing: ">\(mill)<", in: try await s.send(.GET, "/exceptions", cookie: planner).text) == nil)
        }
    }

    @Test("An answered what-if request is not an open exception: it is answered, listed apart, and counts nowhere as open")
    func answeredRequestIsNotOpen() async throws {
        try await WebServer.run { s in
            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            let order = try #require(
                await s.engine.read { st in
                    st.productionOrders.values.filter { $0.status == .released || $0.status == .planned }.map(\.id).sorted().first?.rawValue
                }
            )
            let reply = try await s.send(.POST, "/outcome-requests", cookie: planner, form: [("text", "what if \(order) is cancelled")])
            #expect(reply.status == 303)
            let id = try #require(await s.engine.read { st in st.exceptions.values.first { $0.request != nil }?.id })
            let e = try #require(await s.engine.read { $0.exceptions[id] })
            #expect(e.status == .answered)
            #expect(e.owner == "planner", "the asker owns the answer")
            #expect(await s.engine.read { $0.inbox(at: WebServer.morning).contains { $0.id == id } } == false)
            let inbox = try await s.send(.GET, "/exceptions", cookie: planner)
            let open = inbox.text.components(separatedBy: "id=\"answered\"").first ?? ""
            #expect(!open.contains(">\(id.rawValue)<"), "not among the open exceptions")
            #expect(inbox.text.contains("Answered requests (1)"))
            // Its options can still be decided.
            if let action = e.actions.first {
                let detail = try await s.send(.GET, "/exceptions/\(id.rawValue)", cookie: planner)
                #expect(detail.text.contains("id=\"approve-\(action.id)\""))
            }
        }
    }

    @Test("A planner runs the scheduler from the page, sees makespan and late orders, then publishes; a supervisor may not run")
    func runAndPublish() async throws {
        try await WebServer.run { s in
            let sup = try await s.signIn(try await s.issueToken(for: "supervisor"))
            #expect(!(try await s.send(.GET, "/schedule", cookie: sup).text.contains("id=\"run-form\"")))
            let refused = try await s.send(.POST, "/schedule/runs", cookie: sup, form: [("form", "run-form"), ("iterations", "50")])
            #expect(refused.status == 303)
            #expect(try await s.send(.GET, "/schedule", cookie: sup).text.contains("needs one of the roles: admin, planner"))

            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            let page = try await s.send(.GET, "/schedule", cookie: planner)
            #expect(page.text.contains("id=\"run-form\""))
            #expect(!page.text.contains("A planner publishes one with POST"))
            let bad = try await s.send(.POST, "/schedule/runs", cookie: planner, form: [("form", "run-form"), ("iterations", "0")])
            #expect(bad.status == 303)
            let told = try await s.send(.GET, "/schedule", cookie: planner)
            #expect(BoardActionsWebTests.fieldError("run-iterations-error", in: told.text)?.contains("iterations must be from 1 to 100000") == true)

            let run = try await s.send(.POST, "/schedule/runs", cookie: planner, form: [("form", "run-form"), ("iterations", "200"), ("seed", "7")])
            #expect(run.status == 303)
            #expect(await s.engine.read { $0.publishedSchedule } == nil, "a run alone publishes nothing")
            let shown = try await s.send(.GET, "/schedule", cookie: planner)
            let figures = try #require(Floor.row(containing: ">Makespan<", in: shown.text))
            #expect(figures.contains(" h") || figures.contains(" min"), "\(figures)")
            #expect(shown.text.contains(">Late orders<"))
            #expect(shown.text.contains("id=\"publish\""))

            let publish = try await s.send(.POST, "/schedule/publish", cookie: planner, form: [("schedule", "SCH-000001")])
            #expect(publish.status == 303)
            let published = try #require(await s.engine.read { $0.publishedSchedule })
            #expect(published.id == "SCH-000001" && !published.steps.isEmpty)
            let after = try await s.send(.GET, "/schedule", cookie: planner)
            #expect(after.text.contains("Published SCH-000001"))
            #expect(!after.text.contains("id=\"publish\""), "the run is published, nothing left to publish")
        }
    }
}
