import Foundation
import Logging
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktOrchestrator
import TaktStore
import TaktTestSupport
import Testing

/// Orchestration through the real server (with its orchestrator running) on a small hand-made plant. Exceptions are
/// raised by hand through the engine as the system, so these tests do not depend on the analysis.
@Suite("Orchestration through the API")
struct OrchestrationAPITests {
    static let day = Date(timeIntervalSince1970: 1_795_564_800)  // Wed 25 Nov 2026, 00:00 UTC

    /// A site, a work center and one user per role the tests need; returns their tokens.
    static func seed(_ s: TestServer) async throws -> [String: String] {
        for command: Command in [
            .defineSite(Site(id: "PLANT-1", name: "Plant")),
            .defineWorkCenter(WorkCenter(id: "WC-1", name: "Mill 1", site: "PLANT-1", kind: .machining)),
            .createUser(User(id: "planner", name: "Paula", roles: [.planner])),
            .createUser(User(id: "supervisor", name: "Stefan", roles: [.supervisor])),
            .createUser(User(id: "sales", name: "Miriam", roles: [.sales])),
            .createUser(User(id: "operator", name: "Anna", roles: [.operator])),
        ] {
            _ = try await s.engine.submit(CommandEnvelope(command: command, actor: .system))
        }
        var tokens: [String: String] = [:]
        for user in ["planner", "supervisor", "sales", "operator"] { tokens[user] = try await issueToken(s, for: user) }
        return tokens
    }

    /// Raises a hand-made exception as the system; returns its ID.
    @discardableResult
    static func raise(_ s: TestServer, _ exception: PlantException) async throws -> String {
        let outcome = try await s.engine.submit(CommandEnvelope(command: .raiseException(exception), actor: .system))
        let event = try #require(outcome.events.first { $0.type == "exceptionRaised" })
        return try TaktJSON.decoder.decode(PlantException.self, from: event.payload).id.rawValue
    }

    static func ids(_ reply: TestServer.Reply) throws -> [String] {
        try #require(try reply.json()["items"] as? [[String: Any]], "\(reply.text)").compactMap { $0["id"] as? String }
    }

    static func violations(_ reply: TestServer.Reply) throws -> [(field: String, rule: String)] {
        try #require(try reply.json()["errors"] as? [[String: Any]], "\(reply.text)").map {
            ($0["field"] as? String ?? "", $0["rule"] as? String ?? "")
        }
    }

    @Test("The inbox lists open and executing exceptions newest first, filters by function, severity, status and kind, and names a bad filter")
    func inboxFilters() async throws {
        try await TestServer.run { s in
            let tokens = try await Self.seed(s)
            let sales = try #require(tokens["sales"])
            try await Self.raise(
                s,
                handMadeException(
                    subject: "a",
                    at: Self.day,
                    kind: .machineDown,
                    severity: .high,
                    functions: [.production],
                    approvals: [.supervisor]
                )
            )
            try await Self.raise(
                s,
                handMadeException(
                    subject: "b",
                    at: Self.day.addingTimeInterval(60),
                    kind: .materialMissing,
                    severity: .medium,
                    functions: [.warehouse, .production],
                    approvals: [.supervisor]
                )
            )
            try await Self.raise(
                s,
                handMadeException(
                    subject: "c",
                    at: Self.day.addingTimeInterval(120),
                    kind: .qualityHold,
                    severity: .critical,
                    functions: [.quality],
                    approvals: [.supervisor]
                )
            )
            let dismissed = try await s.send(
                .POST,
                "/api/v1/exceptions/EXC-000003/dismiss",
                token: tokens["planner"],
                body: #"{"reason":"false alarm"}"#
            )
            #expect(dismissed.status == 200, "\(dismissed.text)")

            let inbox = try await s.send(.GET, "/api/v1/exceptions", token: sales)
            #expect(inbox.status == 200, "\(inbox.text)")
            #expect(try Self.ids(inbox) == ["EXC-000002", "EXC-000001"], "newest first, the dismissed one left out")
            let first = try #require((try inbox.json()["items"] as? [[String: Any]])?.first)
            #expect(
                first["severity"] as? String == "medium" && first["status"] as? String == "open" && first["kind"] as? String == "material-missing"
            )
            #expect(first["lateOrdersPredicted"] as? Int == 2 && first["lateOrdersBefore"] as? Int == 0 && first["ordersAffected"] as? Int == 1)
            let top = try #require(first["topAction"] as? [String: Any])
            #expect(top["id"] as? String == "A1" && top["effect"] as? String == "late orders 2 → 0, +2 h overtime")

            #expect(try Self.ids(await s.send(.GET, "/api/v1/exceptions?function=production", token: sales)) == ["EXC-000002", "EXC-000001"])
            #expect(try Self.ids(await s.send(.GET, "/api/v1/exceptions?function=warehouse", token: sales)) == ["EXC-000002"])
            #expect(try Self.ids(await s.send(.GET, "/api/v1/exceptions?severity=high", token: sales)) == ["EXC-000001"])
            #expect(try Self.ids(await s.send(.GET, "/api/v1/exceptions?severity=high,medium&kind=machine-down", token: sales)) == ["EXC-000001"])
            #expect(try Self.ids(await s.send(.GET, "/api/v1/exceptions?status=dismissed", token: sales)) == ["EXC-000003"])
            #expect(try Self.ids(await s.send(.GET, "/api/v1/exceptions?status=all", token: sales)) == ["EXC-000003", "EXC-000002", "EXC-000001"])
            #expect(
                try Self.ids(await s.send(.GET, "/api/v1/exceptions?function=quality", token: sales)).isEmpty,
                "dismissed: not in the default inbox"
            )

            let bad = try await s.send(.GET, "/api/v1/exceptions?severity=dire", token: sales)
            #expect(bad.status == 400)
            #expect(try Self.violations(bad).map(\.field) == ["severity"])
            let unknown = try await s.send(.GET, "/api/v1/exceptions?colour=red", token: sales)
            #expect(try unknown.status == 400 && Self.violations(unknown).map(\.field) == ["colour"])
            #expect(try await s.send(.GET, "/api/v1/exceptions", token: nil).status == 401)
        }
    }

    @Test("An exception's detail carries its cause chain, impact, ranked actions with effects and cost terms, and approvals; an unknown one is 404")
    func detail() async throws {
        try await TestServer.run { s in
            let tokens = try await Self.seed(s)
            let id = try await Self.raise(s, handMadeException(subject: "machine-down:WC-1", at: Self.day, approvals: [.supervisor]))
            let reply = try await s.send(.GET, "/api/v1/exceptions/\(id)", token: tokens["operator"])
            #expect(reply.status == 200, "\(reply.text)")
            let e = try reply.json()
            #expect(e["id"] as? String == id && e["subject"] as? String == "machine-down:WC-1" && e["status"] as? String == "open")
            #expect((e["causeChain"] as? [[String: Any]])?.first?["text"] as? String == "machine-down:WC-1")
            let impact = try #require(e["impact"] as? [String: Any])
            #expect((impact["predicted"] as? [String: Any])?["lateOrders"] as? Int == 2)
            #expect((impact["orders"] as? [[String: Any]])?.first?["lateMinutes"] as? Int == 150)
            let actions = try #require(e["actions"] as? [[String: Any]])
            #expect(actions.map { $0["rank"] as? Int } == [1, 2])
            #expect(actions.first?["approvals"] as? [String] == ["supervisor"])
            #expect((actions.first?["costTerms"] as? [[String: Any]])?.first?["cost"] as? Double == 240)
            #expect(
                ((actions.first?["steps"] as? [[String: Any]])?.first?["commands"] as? [[String: Any]])?.first?["type"] as? String
                    == "scheduleOvertime"
            )
            #expect(try await s.send(.GET, "/api/v1/exceptions/EXC-999999", token: tokens["operator"]).status == 404)
        }
    }

    @Test(
        "A planner may not approve what needs a supervisor (403, nothing recorded); the supervisor's approval is carried out by the orchestrator as the system, recorded and verified"
    )
    func approvalExecutesTheAction() async throws {
        try await TestServer.run(clock: TestClock(Self.day)) { s in
            // The orchestrator beside the server, as `takt serve` runs it.
            let orchestrator = Orchestrator(engine: s.engine, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await orchestrator.run() }
                defer { group.cancelAll() }
                #expect(await orchestrator.waitUntilIdle(after: 0, timeout: .seconds(60)), "the orchestrator has taken its position")
                try await Self.approveAndExecute(s)
            }
        }
    }

    static func approveAndExecute(_ s: TestServer) async throws {
        do {
            let tokens = try await Self.seed(s)
            let id = try await Self.raise(s, handMadeException(subject: "machine-down:WC-1", at: Self.day, approvals: [.supervisor]))
            let path = "/api/v1/exceptions/\(id)/actions/A1/approve"

            let before = await s.engine.committedSequence
            let refused = try await s.send(.POST, path, token: tokens["planner"], body: #"{"comment":"looks fine"}"#)
            #expect(refused.status == 403, "\(refused.text)")
            #expect(refused.text.contains("supervisor"), "the plant's message names the role needed: \(refused.text)")
            #expect(await s.engine.committedSequence == before, "nothing recorded")
            #expect(await s.engine.read { $0.exceptions[.init(id)]?.actions.first?.status } == .proposed)

            let approved = try await s.send(.POST, path, token: tokens["supervisor"], body: #"{"comment":"two people stay"}"#)
            #expect(approved.status == 200, "\(approved.text)")
            let event = try #require(try events(approved).first)
            #expect(event["type"] as? String == "actionApproved")
            #expect((event["data"] as? [String: Any])?["fullyApproved"] as? Bool == true)
            let approval = try #require(event["sequence"] as? Int)

            // The orchestrator carries it out: the overtime, the record of the execution, the verification.
            // A bounded wait (at most 60 s, as for the orchestrator elsewhere) for an asynchronous reaction: only a
            // reaction that never comes fails it.
            var exception: PlantException?
            for _ in 0..<3_000 {
                exception = await s.engine.read { $0.exceptions[.init(id)] }
                if exception?.verifications.isEmpty == false { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let done = try #require(exception)
            #expect(done.actions.first?.status == .executed)
            #expect(done.verifications.count == 1 && done.verifications.first?.action == "A1")
            #expect(done.status == .resolved || done.status == .open, "verified either way: \(done.status)")
            let log = try await s.engine.events(after: Int64(approval), limit: 100)
            #expect(Array(log.map(\.type).prefix(3)) == ["overtimeScheduled", "actionExecuted", "exceptionVerified"])
            #expect(log.prefix(3).allSatisfy { $0.actor == "system" && $0.correlationID == "approval:\(id)/A1" }, "audited, the approval as cause")
            #expect(await s.engine.read { $0.overtime["WC-1"]?.count } == 1)

            // Decided actions take no second decision.
            #expect(try await s.send(.POST, path, token: tokens["supervisor"], body: "{}").status == 409)
        }
    }

    @Test(
        "Rejecting needs a comment (422 naming comment, nothing recorded); with one the action is rejected. Dismissing needs a reason and closes the exception"
    )
    func rejectAndDismiss() async throws {
        try await TestServer.run { s in
            let tokens = try await Self.seed(s)
            let id = try await Self.raise(s, handMadeException(subject: "machine-down:WC-1", at: Self.day, approvals: [.supervisor]))
            let reject = "/api/v1/exceptions/\(id)/actions/A1/reject"
            let before = await s.engine.committedSequence
            for body in [#"{}"#, #"{"comment":"  "}"#] {
                let reply = try await s.send(.POST, reject, token: tokens["supervisor"], body: body)
                #expect(reply.status == 422, "\(reply.text)")
                #expect(try Self.violations(reply).map(\.field) == ["comment"])
            }
            #expect(await s.engine.committedSequence == before)
            let rejected = try await s.send(.POST, reject, token: tokens["supervisor"], body: #"{"comment":"nobody can stay late"}"#)
            #expect(rejected.status == 200, "\(rejected.text)")
            #expect(try eventTypes(rejected) == ["actionRejected"])
            #expect(await s.engine.read { $0.exceptions[.init(id)]?.actions.first?.status } == .rejected)
            #expect(
                try await s.send(
                    .POST,
                    "/api/v1/exceptions/\(id)/actions/A9/reject",
                    token: tokens["supervisor"],
                    body: #"{"comment":"no"}"#
                ).status == 404
            )

            let dismiss = "/api/v1/exceptions/\(id)/dismiss"
            let blank = try await s.send(.POST, dismiss, token: tokens["planner"], body: #"{"reason":" "}"#)
            #expect(try blank.status == 422 && Self.violations(blank).map(\.field) == ["reason"])
            #expect(try await s.send(.POST, dismiss, token: tokens["operator"], body: #"{"reason":"x"}"#).status == 403)
            let dismissed = try await s.send(.POST, dismiss, token: tokens["planner"], body: #"{"reason":"handled by phone"}"#)
            #expect(try dismissed.status == 200 && eventTypes(dismissed) == ["exceptionDismissed"], "\(dismissed.text)")
            let detail = try await s.send(.GET, "/api/v1/exceptions/\(id)", token: tokens["planner"]).json()
            #expect(detail["status"] as? String == "dismissed" && detail["dismissReason"] as? String == "handled by phone")
            #expect(try await s.send(.POST, dismiss, token: tokens["planner"], body: #"{"reason":"again"}"#).status == 409)
        }
    }

    @Test("Playbooks: PUT defines and bumps the version, GET returns it; an invalid playbook is 422 naming the field; a wrong role is 403")
    func playbooks() async throws {
        try await TestServer.run { s in
            let tokens = try await Self.seed(s)
            let path = "/api/v1/playbooks/PB-SLOW"
            let body =
                #"{"name":"Machine slowdown","event":"machineStateChanged","conditions":[{"field":"state","op":"eq","value":"slow"}],"exceptionKind":"machine-slow","actions":["add-overtime","resequence"],"automatic":["resequence"]}"#
            #expect(try await s.send(.PUT, path, token: tokens["operator"], body: body).status == 403)
            let first = try await s.send(.PUT, path, token: tokens["planner"], body: body)
            #expect(first.status == 200, "\(first.text)")
            #expect(try try first.json()["version"] as? Int == 1 && first.json()["id"] as? String == "PB-SLOW")
            let second = try await s.send(
                .PUT,
                path,
                token: tokens["planner"],
                body: body.replacingOccurrences(of: "Machine slowdown", with: "Slow machine")
            )
            #expect(try second.json()["version"] as? Int == 2)
            let read = try await s.send(.GET, path, token: tokens["operator"]).json()
            #expect(read["version"] as? Int == 2 && read["name"] as? String == "Slow machine" && read["enabled"] as? Bool == true)
            #expect(read["severity"] as? String == "medium")
            #expect(try Self.ids(await s.send(.GET, "/api/v1/playbooks", token: tokens["operator"])) == ["PB-SLOW"])

            let unknownEvent = try await s.send(
                .PUT,
                path,
                token: tokens["planner"],
                body: body.replacingOccurrences(of: "machineStateChanged", with: "machineExploded")
            )
            #expect(unknownEvent.status == 422, "\(unknownEvent.text)")
            #expect(try Self.violations(unknownEvent).map(\.field) == ["event"])
            let notSubset = try await s.send(
                .PUT,
                path,
                token: tokens["planner"],
                body: body.replacingOccurrences(of: #""automatic":["resequence"]"#, with: #""automatic":["split-lot"]"#)
            )
            #expect(try notSubset.status == 422 && Self.violations(notSubset).map(\.field) == ["automatic"], "\(notSubset.text)")
            let badKind = try await s.send(
                .PUT,
                path,
                token: tokens["planner"],
                body: body.replacingOccurrences(of: "machine-slow", with: "gremlins")
            )
            #expect(try badKind.status == 400 && Self.violations(badKind).map(\.field) == ["exceptionKind"], "\(badKind.text)")
            let mismatch = try await s.send(
                .PUT,
                path,
                token: tokens["planner"],
                body: body.replacingOccurrences(of: #"{"name""#, with: #"{"id":"PB-OTHER","name""#)
            )
            #expect(try mismatch.status == 400 && Self.violations(mismatch).map(\.field) == ["id"])
            #expect(try await s.send(.GET, path, token: tokens["operator"]).json()["version"] as? Int == 2, "refused definitions change nothing")
        }
    }

    @Test("The approval policy is read by anyone and replaced by a planner; a kind listed twice is 422")
    func approvalPolicy() async throws {
        try await TestServer.run { s in
            let tokens = try await Self.seed(s)
            let standard = try await s.send(.GET, "/api/v1/approval-policy", token: tokens["operator"])
            #expect(standard.status == 200)
            #expect((try standard.json()["rules"] as? [[String: Any]])?.count == ApprovalPolicy.standard.rules.count)
            let policy = #"{"rules":[{"action":"add-overtime","roles":["supervisor","planner"]},{"action":"resequence","roles":[]}]}"#
            #expect(try await s.send(.PUT, "/api/v1/approval-policy", token: tokens["sales"], body: policy).status == 403)
            #expect(try await s.send(.PUT, "/api/v1/approval-policy", token: tokens["planner"], body: policy).status == 200)
            #expect(await s.engine.read { $0.approvalPolicy.roles(for: [.addOvertime]) } == [.supervisor, .planner])
            let twice = try await s.send(
                .PUT,
                "/api/v1/approval-policy",
                token: tokens["planner"],
                body: #"{"rules":[{"action":"resequence","roles":[]},{"action":"resequence","roles":["planner"]}]}"#
            )
            #expect(try twice.status == 422 && Self.violations(twice).map(\.field) == ["rules[1].action"], "\(twice.text)")
        }
    }

    @Test("An outcome request the parser does not understand is 422 naming text; a body with neither or both forms is 400; an operator may not ask")
    func outcomeRequestErrors() async throws {
        try await TestServer.run { s in
            let tokens = try await Self.seed(s)
            let before = await s.engine.committedSequence
            let nonsense = try await s.send(.POST, "/api/v1/outcome-requests", token: tokens["planner"], body: #"{"text":"make me a sandwich"}"#)
            #expect(nonsense.status == 422, "\(nonsense.text)")
            #expect(try Self.violations(nonsense).map(\.field) == ["text"])
            let neither = try await s.send(.POST, "/api/v1/outcome-requests", token: tokens["planner"], body: #"{}"#)
            #expect(try neither.status == 400 && Self.violations(neither).map(\.field) == ["text"])
            let badKind = try await s.send(.POST, "/api/v1/outcome-requests", token: tokens["sales"], body: #"{"request":{"kind":"teleport"}}"#)
            #expect(try badKind.status == 400 && Self.violations(badKind).first?.field == "request.kind", "\(badKind.text)")
            #expect(
                try await s.send(.POST, "/api/v1/outcome-requests", token: tokens["operator"], body: #"{"text":"expedite SO-1 to 2026-12-01"}"#)
                    .status == 403
            )
            #expect(await s.engine.committedSequence == before, "nothing recorded")
        }
    }

    @Test(
        "A planner asks in words to take a mill down: 201 with up to three options and their approvals, recorded as raised by the planner and written by the system; the same request structured, by an admin, is written as the admin"
    )
    func outcomeRequest() async throws {
        let morning = Date(timeIntervalSince1970: 1_795_582_800)  // Wed 25 Nov 2026, 05:00 UTC
        try await TestServer.run(demo: true, clock: TestClock(morning)) { s in
            let planner = try await issueToken(s, for: "planner")
            let scheduled = try await s.send(.POST, "/api/v1/schedule/runs", token: planner, body: #"{"timeLimitSeconds":1}"#)
            #expect(scheduled.status == 201, "\(scheduled.text)")
            let text = "take WC-MILL-1 down from 2026-11-26 06:00 to 14:00"
            let reply = try await s.send(.POST, "/api/v1/outcome-requests", token: planner, body: #"{"text":"\#(text)"}"#)
            #expect(reply.status == 201, "\(reply.text)")
            let e = try reply.json()
            #expect(e["kind"] as? String == "outcome-request" && e["raisedBy"] as? String == "planner" && e["requestText"] as? String == text)
            #expect((e["request"] as? [String: Any])?["kind"] as? String == "take-down")
            let options = try #require(e["actions"] as? [[String: Any]])
            #expect((1...3).contains(options.count))
            #expect(options.allSatisfy { ($0["approvals"] as? [String])?.isEmpty == false && ($0["effect"] as? String)?.isEmpty == false })
            let id = try #require(e["id"] as? String)
            let raised = try await s.engine.events(after: 0, limit: 100_000).last { $0.type == "exceptionRaised" }
            #expect(raised?.actor == "system", "raiseException is the orchestrator's command; the planner's request is written for them")
            // Answered by its options: not an open exception (not in the default inbox), listed as answered.
            #expect(try Self.ids(await s.send(.GET, "/api/v1/exceptions?kind=outcome-request", token: planner)) == [])
            #expect(try Self.ids(await s.send(.GET, "/api/v1/exceptions?kind=outcome-request&status=answered", token: planner)) == [id])

            let structured = #"{"request":{"kind":"take-down","workCenter":"WC-MILL-1","from":"2026-11-27T06:00:00Z","to":"2026-11-27T10:00:00Z"}}"#
            let byAdmin = try await s.send(.POST, "/api/v1/outcome-requests", body: structured)
            #expect(byAdmin.status == 201, "\(byAdmin.text)")
            #expect(try byAdmin.json()["raisedBy"] as? String == "admin")
            #expect(try await s.engine.events(after: 0, limit: 100_000).last { $0.type == "exceptionRaised" }?.actor == "admin")
        }
    }

    @Test("Reporting an operation's delay and scheduling overtime record their events; bad input names the field")
    func delayAndOvertime() async throws {
        try await TestServer.run { s in
            let tokens = try await Self.seed(s)
            let overtime = "/api/v1/work-centers/WC-1/overtime"
            let ok = try await s.send(
                .POST,
                overtime,
                token: tokens["supervisor"],
                body: #"{"start":"2026-11-25T14:00:00Z","end":"2026-11-25T16:00:00Z","reason":"catch up"}"#
            )
            #expect(try ok.status == 200 && eventTypes(ok) == ["overtimeScheduled"], "\(ok.text)")
            #expect((try events(ok).first?["data"] as? [String: Any])?["by"] as? String == "supervisor")
            let backwards = try await s.send(
                .POST,
                overtime,
                token: tokens["supervisor"],
                body: #"{"start":"2026-11-25T16:00:00Z","end":"2026-11-25T14:00:00Z","reason":"catch up"}"#
            )
            #expect(try backwards.status == 422 && Self.violations(backwards).map(\.field) == ["end"])
            #expect(
                try await s.send(
                    .POST,
                    overtime,
                    token: tokens["planner"],
                    body: #"{"start":"2026-11-25T14:00:00Z","end":"2026-11-25T16:00:00Z","reason":"x"}"#
                ).status == 403
            )
            let missing = try await s.send(.POST, overtime, token: tokens["supervisor"], body: #"{"start":"2026-11-25T14:00:00Z","reason":"x"}"#)
            #expect(try missing.status == 400 && Self.violations(missing).map(\.field) == ["end"])

            let delay = try await s.send(
                .POST,
                "/api/v1/production-orders/PO-NOPE/operations/10/delay",
                token: tokens["supervisor"],
                body: #"{"extraMinutes":45,"reason":"tool change"}"#
            )
            #expect(delay.status == 404, "\(delay.text)")
            let zero = try await s.send(
                .POST,
                "/api/v1/production-orders/PO-NOPE/operations/10/delay",
                token: tokens["supervisor"],
                body: #"{"extraMinutes":0,"reason":"tool change"}"#
            )
            #expect(try zero.status == 422 && Self.violations(zero).map(\.field) == ["extraMinutes"])
            #expect(
                try await s.send(
                    .POST,
                    "/api/v1/production-orders/PO-1/operations/ten/delay",
                    token: tokens["supervisor"],
                    body: #"{"extraMinutes":5,"reason":"x"}"#
                ).status == 400
            )
        }
    }
}
