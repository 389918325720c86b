import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktTestSupport
import Testing

/// The production-order pages, the control tower's charts and the Gantt's truths, through the real server.
@Suite("Production orders, charts and the Gantt in the web app")
struct PlanningPagesWebTests {
    @Test("Searching PO-000006 finds the production order, from its own list and from the customer orders' search; its page shows its operations")
    func productionOrders() async throws {
        try await WebServer.run { s in
            let cookie = try await s.signIn(WebServer.adminToken)
            let list = try await s.send(.GET, "/production-orders?q=PO-000006", cookie: cookie)
            #expect(list.status == 200)
            #expect(list.text.contains("href=\"/production-orders/PO-000006\""))
            #expect(!list.text.contains("href=\"/production-orders/PO-000007\""), "the search narrows the list")
            let fromOrders = try await s.send(.GET, "/orders?q=po-000006", cookie: cookie)
            #expect(fromOrders.text.contains("href=\"/production-orders/PO-000006\""), "a production order's ID typed in the orders search")

            let po = try #require(await s.engine.read { $0.productionOrders["PO-000006"] })
            let page = try await s.send(.GET, "/production-orders/PO-000006", cookie: cookie)
            #expect(page.status == 200)
            #expect(page.text.contains("<h1>Production order PO-000006</h1>"))
            let operations = await s.engine.read { $0.routings[po.routing]?.operations ?? [] }
            #expect(!operations.isEmpty)
            for op in operations { #expect(page.text.contains(">\(op.name)<"), "\(op.name) is listed") }

            let missing = try await s.send(.GET, "/production-orders/PO-999999", cookie: cookie)
            #expect(missing.status == 404)
            #expect(missing.text.contains("There is no production order PO-999999"))

            let released = try await s.send(.GET, "/production-orders?status=released", cookie: cookie)
            let releasedIDs = await s.engine.read { $0.productionOrders.values.filter { $0.status == .released }.map(\.id.rawValue) }
            let plannedIDs = await s.engine.read { $0.productionOrders.values.filter { $0.status == .planned }.map(\.id.rawValue) }
            for id in releasedIDs.prefix(5) { #expect(released.text.contains("/production-orders/\(id)\"")) }
            for id in plannedIDs.prefix(5) { #expect(!released.text.contains("/production-orders/\(id)\""), "\(id) is planned, not released") }
            let bogus = try await s.send(.GET, "/production-orders?status=%3Cb%3Edone", cookie: cookie)
            #expect(bogus.status == 200 && bogus.text.contains("status must be one of planned, released"), "an unknown filter is named, not ignored")
            #expect(!bogus.text.contains("<b>done"))
        }
    }

    @Test("Every production order is a link, whether or not a customer order waits for it")
    func stockOrdersAreLinks() async throws {
        try await WebServer.run { s in
            let cookie = try await s.signIn(WebServer.adminToken)
            let tower = try await s.send(.GET, "/tower", cookie: cookie)
            let wip = await s.engine.read { $0.productionOrders.values.filter { $0.status == .inProgress }.map(\.id.rawValue) }
            #expect(!wip.isEmpty)
            for id in wip.sorted().prefix(12) { #expect(tower.text.contains("href=\"/production-orders/\(id)\"")) }
        }
    }

    @Test("The control tower draws four charts, each an image with a title and its figures as a table")
    func charts() async throws {
        try await WebServer.run { s in
            let cookie = try await s.signIn(WebServer.adminToken)
            _ = try await Self.schedule(s)
            let tower = try await s.send(.GET, "/tower", cookie: cookie)
            for title in ["Plant OEE by day", "On-time delivery by week", "Scrap by reason", "Work-center load"] {
                #expect(tower.text.contains("<h2>\(title)"), "\(title)")
            }
            // With a published schedule the load chart is an image with a table of the same figures.
            #expect(tower.text.contains("id=\"chart-load\""))
            #expect(tower.text.contains("aria-labelledby=\"chart-load-t chart-load-d\""))
            #expect(tower.text.contains("Figures as a table"))
            let trends = await s.engine.read { $0.trends(now: WebServer.morning) }
            let first = try #require(trends.load?.first)
            #expect(tower.text.contains(first.workCenter.rawValue))
        }
    }

    @Test("The Gantt shades time outside shifts and lists the schedule's late orders with their due dates as days")
    func gantt() async throws {
        try await WebServer.run { s in
            let cookie = try await s.signIn(WebServer.adminToken)
            let schedule = try await Self.schedule(s)
            let week = try await s.send(.GET, "/schedule?zoom=week", cookie: cookie)
            #expect(week.status == 200)
            #expect(week.text.contains("class=\"off-shift\""), "nights and the weekend are shaded")
            #expect(week.text.contains("class=\"gantt-list\""), "a phone gets the operations as a list")
            let day = try await s.send(.GET, "/schedule", cookie: cookie)
            #expect(day.text.contains("06:00 –"), "the day view starts at the first shift, not at midnight")
            #expect(day.text.contains("Production orders \(schedule.id.rawValue) finishes late (\(schedule.lateOrders.count))"))
            for id in schedule.lateOrders { #expect(day.text.contains("href=\"/production-orders/\(id.rawValue)\"")) }
        }
    }

    @Test("Moving an operation by hand shows the simulated effect first; the planner publishes it; a wrong work center or an operator is refused")
    func moveAnOperation() async throws {
        try await WebServer.run { s in
            let cookie = try await s.signIn(WebServer.adminToken)
            let schedule = try await Self.schedule(s)
            // An operation that could also run elsewhere, moved a day later to its other work center.
            let state = await s.engine.read { $0 }
            let candidate = schedule.steps.first { step in
                guard let po = state.productionOrders[step.productionOrder],
                    (state.operations[po.id]?.first { $0.sequence == step.sequence }?.status ?? .waiting) == .waiting,
                    let op = state.routings[po.routing]?.operations.first(where: { $0.sequence == step.sequence })
                else { return false }
                return op.workCenters.count > 1
            }
            let step = try #require(candidate, "the demo has operations with alternative work centers")
            let po = try #require(state.productionOrders[step.productionOrder])
            let other = try #require(
                state.routings[po.routing]?.operations.first { $0.sequence == step.sequence }?.workCenters.map(\.workCenter).first {
                    $0 != step.workCenter
                }
            )
            let at = step.start.addingTimeInterval(86_400)
            let query = "op=\(step.productionOrder.rawValue)%2F\(step.sequence)&wc=\(other.rawValue)&t=\(Int(at.timeIntervalSince1970))"
            let page = try await s.send(.GET, "/schedule/move?\(query)", cookie: cookie)
            #expect(page.status == 200, "\(page.text.prefix(500))")
            #expect(page.text.contains("Simulated, not published"))
            #expect(page.text.contains("id=\"move-effect\""))
            #expect(await s.engine.read { $0.publishedSchedule?.id } == schedule.id, "looking publishes nothing")

            let published = try await s.send(
                .POST,
                "/schedule/move",
                cookie: cookie,
                form: [
                    ("op", "\(step.productionOrder.rawValue)/\(step.sequence)"), ("wc", other.rawValue), ("t", String(Int(at.timeIntervalSince1970))),
                ]
            )
            #expect(published.status == 303)
            let now = try #require(await s.engine.read { $0.publishedSchedule })
            #expect(now.id != schedule.id)
            let moved = try #require(now.steps.first { $0.productionOrder == step.productionOrder && $0.sequence == step.sequence })
            #expect(moved.workCenter == other)
            #expect(moved.start >= at.addingTimeInterval(-60), "no earlier than the planner asked")

            // A work center that cannot run it: refused in words, naming the field.
            let wrong = try await s.send(.GET, "/schedule/move?op=\(step.productionOrder.rawValue)%2F\(step.sequence)&wc=WC-PACK-1", cookie: cookie)
            #expect(wrong.status == 400)
            #expect(wrong.text.contains("cannot run"))
            let garbage = try await s.send(.GET, "/schedule/move?op=%3Cscript%3E&wc=x", cookie: cookie)
            #expect(garbage.status == 400)
            #expect(!garbage.text.contains("<script>"))

            // An operator may look at the schedule but not publish one.
            let anna = try await s.signIn(try await s.issueToken(for: "op-anna"))
            let refused = try await s.send(
                .POST,
                "/schedule/move",
                cookie: anna,
                form: [
                    ("op", "\(step.productionOrder.rawValue)/\(step.sequence)"), ("wc", step.workCenter.rawValue),
                    ("t", String(Int(at.timeIntervalSince1970))),
                ]
            )
            #expect(refused.status == 303)
            #expect(await s.engine.read { $0.publishedSchedule?.id } == now.id, "nothing published by an operator")
        }
    }

    /// Runs and publishes a schedule through the API, as a planner would; the plant's published schedule.
    static func schedule(_ s: WebServer) async throws -> PublishedSchedule {
        let reply = try await s.connection.send(
            .POST,
            "/api/v1/schedule/runs",
            headers: [("Authorization", "Bearer \(WebServer.adminToken)"), ("Content-Type", "application/json")],
            body: Data(#"{"timeLimitSeconds": 1}"#.utf8)
        )
        #expect(reply.status == 201 || reply.status == 200, "\(reply.text.prefix(300))")
        return try #require(await s.engine.read { $0.publishedSchedule })
    }
}
