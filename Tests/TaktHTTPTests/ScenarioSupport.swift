import Foundation
import Logging
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktOrchestrator
import TaktStore
import TaktTestSupport
import Testing

/// The demo plant behind the real server with the orchestrator running beside it (as `takt serve` runs them), on a
/// fixed clock, with a schedule published (iteration-limited, so the same on every machine) and a token for each office role.
struct DemoScenario: Sendable {
    /// Wednesday 25 November 2026, 06:00 UTC (07:00 in the plant): the morning after the demo plant's start.
    static let morning = Date(timeIntervalSince1970: 1_795_586_400)
    static let roles = ["planner", "supervisor", "quality", "warehouse", "sales"]

    let s: TestServer
    let tokens: [String: String]
    let orchestrator: Orchestrator

    func token(_ role: String) throws -> String { try #require(tokens[role], "no token for \(role)") }

    /// - Parameter orchestrate: run the orchestrator (started after the schedule is published, so it begins at the end of
    ///   the log as `takt serve` would and does not spend the test's time on the shortages the publication projects).
    ///   - seed: the demo plant's seed (default 42).
    ///   - clock: the plant's clock (default: fixed at ``morning``).
    static func run(
        orchestrate: Bool = true,
        seed: UInt64 = 42,
        clock: TestClock? = nil,
        _ body: @Sendable (DemoScenario) async throws -> Void
    ) async throws {
        try await TestServer.run(demo: true, clock: clock ?? TestClock(morning), seed: seed) { s in
            var tokens: [String: String] = [:]
            for role in roles { tokens[role] = try await issueToken(s, for: role) }
            let published = try await s.send(.POST, "/api/v1/schedule/runs", token: tokens["planner"], body: #"{"iterations":300,"seed":7}"#)
            try #require(published.status == 201, "\(published.text)")
            try #require(await s.engine.read { $0.publishedSchedule?.steps.isEmpty == false }, "a schedule is published")
            let orchestrator = Orchestrator(engine: s.engine, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            guard orchestrate else { return try await body(DemoScenario(s: s, tokens: tokens, orchestrator: orchestrator)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await orchestrator.run() }
                defer { group.cancelAll() }
                #expect(
                    await orchestrator.waitUntilIdle(after: await s.engine.committedSequence, timeout: .seconds(60)),
                    "the orchestrator has taken its position"
                )
                try await body(DemoScenario(s: s, tokens: tokens, orchestrator: orchestrator))
            }
        }
    }

    /// Sends a command through the API and requires success; returns the log's sequence before it (its events come after).
    @discardableResult
    func submit(_ path: String, as role: String, body: String, status: Int = 200) async throws -> Int64 {
        let before = await s.engine.committedSequence
        let reply = try await s.send(.POST, path, token: try token(role), body: body)
        try #require(reply.status == status, "\(path): \(reply.text)")
        return before
    }

    /// Waits (at most 30 s) for the exception of `kind` raised from an event after `after`; returns its detail.
    func exception(kind: String, after: Int64) async throws -> [String: Any] {
        let planner = try token("planner")
        for _ in 0..<300 {
            let inbox = try await s.send(.GET, "/api/v1/exceptions?kind=\(kind)&status=all", token: planner)
            try #require(inbox.status == 200, "\(inbox.text)")
            let items = try #require(try inbox.json()["items"] as? [[String: Any]])
            for item in items {
                guard let id = item["id"] as? String else { continue }
                let detail = try await s.send(.GET, "/api/v1/exceptions/\(id)", token: planner)
                try #require(detail.status == 200, "\(detail.text)")
                let e = try detail.json()
                if let source = e["sourceSequence"] as? Int, Int64(source) > after { return e }
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let raised = await s.engine.read { $0.exceptions.values.map { "\($0.id) \($0.kind) \($0.subject)" } }
        let stats = await orchestrator.statistics
        Issue.record("no \(kind) exception within 30 s; the plant has: \(raised); orchestrator: \(stats)")
        throw CancellationError()
    }

    /// The exception's detail, read again.
    func detail(_ id: String) async throws -> [String: Any] {
        let reply = try await s.send(.GET, "/api/v1/exceptions/\(id)", token: try token("planner"))
        try #require(reply.status == 200, "\(reply.text)")
        return try reply.json()
    }
}

/// The figures of a plan as the API shows them.
struct KPIs: Equatable, CustomStringConvertible {
    var lateOrders: Int
    var totalLateness: Int
    var lateCustomerLines: Int
    var customerLateness: Int
    var overtime: Int
    init(_ json: Any?) throws {
        let k = try #require(json as? [String: Any], "no KPIs")
        lateOrders = try #require(k["lateOrders"] as? Int)
        totalLateness = try #require(k["totalLatenessMinutes"] as? Int)
        lateCustomerLines = try #require(k["lateCustomerLines"] as? Int)
        customerLateness = try #require(k["customerLatenessMinutes"] as? Int)
        overtime = try #require(k["overtimeMinutes"] as? Int)
    }
    /// Lateness of orders and of customer lines together: what a disruption adds and an action should take away.
    var lateness: Int { totalLateness + customerLateness }
    var description: String {
        "late orders \(lateOrders) (\(totalLateness) min), late lines \(lateCustomerLines) (\(customerLateness) min), overtime \(overtime) min"
    }
}

/// What every scenario asserts once the exception is up: the impact in numbers, an action that takes away new
/// lateness, refusal by a wrong role with nothing recorded, approval by every right role, execution by the
/// orchestrator as the system with the approval as cause, and verification. Returns the executed exception.
struct ScenarioCheck: @unchecked Sendable {
    let scenario: DemoScenario
    let exception: [String: Any]
    var id: String { exception["id"] as? String ?? "?" }
    var impact: [String: Any] { exception["impact"] as? [String: Any] ?? [:] }
    var actions: [[String: Any]] { exception["actions"] as? [[String: Any]] ?? [] }
    var orders: [[String: Any]] { impact["orders"] as? [[String: Any]] ?? [] }
    var moves: [[String: Any]] { impact["operations"] as? [[String: Any]] ?? [] }

    func baseline() throws -> KPIs { try KPIs(impact["baseline"]) }
    func predicted() throws -> KPIs { try KPIs(impact["predicted"]) }

    /// The new lateness is real and adds up: more minutes late than the baseline (and no fewer late orders or lines),
    /// and the rise in total lateness is no more than the sum of the listed orders' later completions (orders finishing
    /// earlier only lower it).
    func assertNewLateness(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (b, p) = (try baseline(), try predicted())
        #expect(p.lateness > b.lateness, "the disruption makes something late: \(b) → \(p)", sourceLocation: sourceLocation)
        #expect(p.lateOrders + p.lateCustomerLines >= b.lateOrders + b.lateCustomerLines, "\(b) → \(p)", sourceLocation: sourceLocation)
        #expect(!orders.isEmpty, "the orders finishing later are listed", sourceLocation: sourceLocation)
        // An order the disruption brings (a rush order) has no baseline: all its lateness is new.
        let known = await scenario.s.engine.read { state in Set(state.productionOrders.keys.map(\.rawValue)) }
        let change = orders.map { o in
            known.contains(o["productionOrder"] as? String ?? "") ? o["changeMinutes"] as? Int ?? 0 : o["lateMinutes"] as? Int ?? 0
        }.reduce(0, +)
        #expect(orders.allSatisfy { ($0["changeMinutes"] as? Int ?? 0) >= 0 }, sourceLocation: sourceLocation)
        #expect(
            p.totalLateness - b.totalLateness <= change,
            "lateness rises by \(p.totalLateness - b.totalLateness) min, the listed orders finish \(change) min later in all",
            sourceLocation: sourceLocation
        )
        for o in orders {
            let late = o["lateMinutes"] as? Int ?? -1
            let due = (o["dueDate"] as? String).flatMap(iso)
            let done = (o["predictedCompletion"] as? String).flatMap(iso)
            if let due, let done {
                #expect(
                    late == max(0, Int((done.timeIntervalSince(due) / 60).rounded(.up))),
                    "lateMinutes = predicted completion − due: \(o)",
                    sourceLocation: sourceLocation
                )
            }
        }
    }

    /// The listed late orders (late after the disruption).
    var lateOrders: [[String: Any]] { orders.filter { ($0["lateMinutes"] as? Int ?? 0) > 0 } }

    /// The best-ranked action that lowers the new lateness (`reducing`), after checking ranks and effects.
    func reducingAction(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(!actions.isEmpty, "ranked actions", sourceLocation: sourceLocation)
        #expect(actions.compactMap { $0["rank"] as? Int } == Array(1...max(1, actions.count)), sourceLocation: sourceLocation)
        let costs = actions.compactMap { $0["cost"] as? Double }
        #expect(costs == costs.sorted(), "ranked by cost: \(costs)", sourceLocation: sourceLocation)
        #expect(
            actions.allSatisfy { ($0["effect"] as? String)?.isEmpty == false && ($0["approvals"] as? [String])?.isEmpty == false },
            sourceLocation: sourceLocation
        )
        let p = try predicted()
        let reducing = try actions.filter { try KPIs($0["predicted"]).lateness < p.lateness }
        let listed = try actions.map { "\($0["id"] ?? "") \($0["title"] ?? ""): \(try KPIs($0["predicted"]))" }
        let action = try #require(reducing.first, "an action lowers the new lateness \(p): \(listed)", sourceLocation: sourceLocation)
        return action
    }

    /// Refusal by a role the action does not name (403, nothing recorded), then approval by each role it names
    /// (the last one 200 with fullyApproved). Returns the sequence of the last approval.
    func approve(_ action: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int64 {
        let s = scenario.s
        let actionID = try #require(action["id"] as? String)
        let approvals = try #require(action["approvals"] as? [String])
        let path = "/api/v1/exceptions/\(id)/actions/\(actionID)/approve"
        let wrong = try #require(DemoScenario.roles.first { !approvals.contains($0) }, "a role the action does not need")
        let before = await s.engine.committedSequence
        let refused = try await s.send(.POST, path, token: try scenario.token(wrong), body: #"{"comment":"not mine to decide"}"#)
        #expect(refused.status == 403, "\(wrong) may not approve what needs \(approvals): \(refused.text)", sourceLocation: sourceLocation)
        #expect(await s.engine.committedSequence == before, "nothing recorded", sourceLocation: sourceLocation)
        #expect(
            await s.engine.read { $0.exceptions[.init(id)]?.actions.first { $0.id == actionID }?.status } == .proposed,
            sourceLocation: sourceLocation
        )

        var last: Int64 = 0
        for (n, role) in approvals.enumerated() {
            // Where the approval policy marks the action signed (re-inspect and release), the approver re-enters a password.
            try await setPassword(s, for: role)
            let approved = try await s.send(.POST, path, token: try scenario.token(role), body: #"{"comment":"go ahead",\#(signature("approved"))}"#)
            #expect(approved.status == 200, "\(role): \(approved.text)", sourceLocation: sourceLocation)
            let event = try #require(try events(approved).first)
            #expect(event["type"] as? String == "actionApproved", sourceLocation: sourceLocation)
            #expect((event["data"] as? [String: Any])?["fullyApproved"] as? Bool == (n == approvals.count - 1), sourceLocation: sourceLocation)
            last = Int64(try #require(event["sequence"] as? Int))
        }
        return last
    }

    /// Waits (at most 30 s) for the orchestrator to carry the action out and verify it; checks the log: the action's
    /// commands, its record and its verification, all written by the system under `approval:<exception>/<action>`.
    func executed(_ action: [String: Any], after approval: Int64, sourceLocation: SourceLocation = #_sourceLocation) async throws -> PlantException {
        let s = scenario.s
        let actionID = try #require(action["id"] as? String)
        var exception: PlantException?
        for _ in 0..<300 {
            exception = await s.engine.read { $0.exceptions[.init(id)] }
            if exception?.verifications.contains(where: { $0.action == actionID }) == true { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let done = try #require(exception)
        let verification = try #require(done.verifications.first { $0.action == actionID }, "verified within 30 s", sourceLocation: sourceLocation)
        #expect(done.actions.first { $0.id == actionID }?.status == .executed, sourceLocation: sourceLocation)

        let correlation = "approval:\(id)/\(actionID)"
        let log = try await s.engine.events(after: approval, limit: 10_000).filter { $0.correlationID == correlation }
        let types = log.map(\.type)
        let commands = (action["steps"] as? [[String: Any]] ?? []).flatMap { $0["commands"] as? [[String: Any]] ?? [] }
        #expect(!commands.isEmpty, "the action is carried out as commands", sourceLocation: sourceLocation)
        #expect(Array(types.suffix(2)) == ["actionExecuted", "exceptionVerified"], "\(types)", sourceLocation: sourceLocation)
        #expect(types.count >= commands.count + 2, "every command wrote its events: \(types)", sourceLocation: sourceLocation)
        #expect(log.allSatisfy { $0.actor == "system" }, "carried out by the system", sourceLocation: sourceLocation)
        let record = try TaktJSON.decoder.decode(ActionExecuted.self, from: try #require(log.first { $0.type == "actionExecuted" }).payload)
        #expect(record.error == nil, "\(record.error ?? "")", sourceLocation: sourceLocation)
        #expect(record.eventSequences == log.dropLast(2).map(\.sequence), sourceLocation: sourceLocation)

        // The verification: the plan after the action is no worse than predicted, so the exception is resolved.
        #expect(verification.passed, "\(verification.text)", sourceLocation: sourceLocation)
        // Judged on what the action is about: its scope's predicted figures (the orders it touches and their customer lines).
        let executedAction = try #require(done.actions.first { $0.id == actionID })
        let scope = try #require(executedAction.scope, "the action names what it is about", sourceLocation: sourceLocation)
        #expect(verification.expected == scope.predicted, sourceLocation: sourceLocation)
        #expect(
            !scope.productionOrders.isEmpty && verification.text.contains("the action is about"),
            "\(verification.text)",
            sourceLocation: sourceLocation
        )
        #expect(verification.observed.lateOrders <= verification.expected.lateOrders, sourceLocation: sourceLocation)
        #expect(done.status == (verification.passed ? .resolved : .open), "\(done.status): \(verification.text)", sourceLocation: sourceLocation)
        let api = try await scenario.detail(id)
        #expect(api["status"] as? String == (verification.passed ? "resolved" : "open"), sourceLocation: sourceLocation)
        return done
    }
}

func iso(_ text: String) -> Date? { try? Date(text, strategy: .iso8601) }

func isoString(_ date: Date) -> String { date.formatted(.iso8601) }
