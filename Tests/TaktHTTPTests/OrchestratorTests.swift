import Foundation
import Logging
import Synchronization
import TaktApp
import TaktCore
import TaktEngine
import TaktOrchestration
import TaktOrchestrator
import TaktStore
import Testing

/// The orchestrator on a real SQLite file with a stand-in analysis (a machine going down raises an exception whose one
/// action schedules overtime and needs a supervisor), so these tests do not depend on the simulation.
@Suite("Orchestrator: following the log")
struct OrchestratorTests {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    static let day = Date(timeIntervalSince1970: 1_795_564_800)  // Wed 25 Nov 2026, 00:00 UTC

    /// Counts the analysis calls, so a test sees what was assessed and verified.
    final class Calls: Sendable {
        let assessed = Mutex(0)
        let verified = Mutex(0)
    }

    static func analysis(_ calls: Calls, failing: Bool = false) -> Orchestrator.Analysis {
        Orchestrator.Analysis(
            trigger: { event, sequence, recordedAt, _ in
                guard case .machineStateChanged(let change) = event, change.state == .down else { return nil }
                let playbook = Playbook(id: "PB-DOWN", name: "Down", event: "machineStateChanged", exceptionKind: .machineDown)
                return Trigger(
                    playbook: playbook,
                    disruption: Disruption(kind: .machineDown, workCenter: change.workCenter, from: recordedAt),
                    subject: "machine-down:\(change.workCenter)",
                    title: "\(change.workCenter) is down",
                    sourceSequence: sequence,
                    sourceEvent: "machineStateChanged"
                )
            },
            assess: { (trigger, _, now) throws(OrchestrationError) in
                calls.assessed.withLock { $0 += 1 }
                if failing { throw OrchestrationError(field: "(plant)", rule: "test", message: "the simulation failed") }
                return handMadeException(subject: trigger.subject, at: now, source: trigger.sourceSequence, approvals: [.supervisor])
            },
            verify: { _, action, _, now in
                calls.verified.withLock { $0 += 1 }
                return Verification(
                    action: action.id,
                    expected: action.predicted,
                    observed: action.predicted,
                    passed: true,
                    text: "as predicted",
                    at: now
                )
            }
        )
    }

    static func seed(_ engine: Engine) async throws {
        for command: Command in [
            .defineSite(Site(id: "PLANT-1", name: "Plant")),
            .defineWorkCenter(WorkCenter(id: "WC-1", name: "Mill 1", site: "PLANT-1", kind: .machining)),
            .createUser(User(id: "supervisor", name: "Sam", roles: [.supervisor])),
        ] {
            _ = try await engine.submit(CommandEnvelope(command: command, actor: .system))
        }
    }

    /// Runs an orchestrator on `engine` while `body` runs, then stops it.
    static func withOrchestrator<T: Sendable>(
        _ engine: Engine,
        _ analysis: Orchestrator.Analysis,
        _ body: @Sendable (Orchestrator) async throws -> T
    ) async throws -> T {
        let orchestrator = Orchestrator(engine: engine, logger: quiet, analysis: analysis)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await orchestrator.run() }
            do {
                let result = try await body(orchestrator)
                group.cancelAll()
                try await group.waitForAll()
                return result
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }

    /// Waits until the orchestrator has handled everything, including what it wrote itself meanwhile.
    static func settle(_ orchestrator: Orchestrator, _ engine: Engine) async -> Bool {
        for _ in 0..<20 {
            let end = await engine.committedSequence
            guard await orchestrator.waitUntilIdle(after: end, timeout: .seconds(60)) else { return false }
            if await engine.committedSequence == end { return true }
        }
        return false
    }

    static func count(_ engine: Engine, _ type: String) async throws -> Int {
        try await engine.events(after: 0, limit: 10_000).filter { $0.type == type }.count
    }

    @Test(
        "A triggering event raises one exception as the system, keyed and correlated by its sequence; an approval is carried out, recorded and verified"
    )
    func raisesExecutesAndVerifies() async throws {
        let path = TestServer.temporaryDatabasePath()
        let engine = try await TaktApplication.openEngine(databasePath: path, logger: Self.quiet, now: { Self.day })
        try await Self.seed(engine)
        let calls = Calls()
        try await Self.withOrchestrator(engine, Self.analysis(calls)) { orchestrator in
            #expect(await orchestrator.waitUntilIdle(timeout: .seconds(60)))
            let down = try await engine.submit(
                CommandEnvelope(
                    command: .setMachineState(SetMachineState(workCenter: "WC-1", state: .down, reason: "spindle failure")),
                    actor: .system
                )
            )
            let source = try #require(down.events.last?.sequence)
            #expect(await orchestrator.waitUntilIdle(timeout: .seconds(60)))
            let raised = try await engine.events(after: source, limit: 100).filter { $0.type == "exceptionRaised" }
            #expect(raised.count == 1)
            #expect(raised.first?.actor == "system")
            #expect(raised.first?.idempotencyKey == "orchestrator:event:\(source)")
            #expect(raised.first?.correlationID == "event:\(source)")
            let exception = try #require(await engine.read { $0.exceptions["EXC-000001"] })
            #expect(exception.sourceSequence == source && exception.status == .open)

            let approved = try await engine.submit(
                CommandEnvelope(
                    command: .approveAction(DecideAction(exception: "EXC-000001", action: "A1", comment: "go")),
                    actor: .user("supervisor")
                )
            )
            let approval = try #require(approved.events.last?.sequence)
            #expect(await orchestrator.waitUntilIdle(after: approval, timeout: .seconds(60)))
            #expect(await orchestrator.waitUntilIdle(timeout: .seconds(60)))
            let after = try await engine.events(after: approval, limit: 100)
            #expect(after.map(\.type) == ["overtimeScheduled", "actionExecuted", "exceptionVerified"])
            #expect(after.allSatisfy { $0.actor == "system" && $0.correlationID == "approval:EXC-000001/A1" })
            #expect(after.first?.idempotencyKey == "orchestrator:exec:EXC-000001:A1:1")
            let state = await engine.read { $0 }
            #expect(state.exceptions["EXC-000001"]?.status == .resolved)
            #expect(state.exceptions["EXC-000001"]?.actions.first?.status == .executed)
            #expect(state.overtime["WC-1"]?.count == 1)
            let executed = try TaktJSON.decoder.decode(ActionExecuted.self, from: try #require(after.dropFirst().first?.payload))
            #expect(executed.eventSequences == [after[0].sequence] && executed.error == nil)
            #expect(calls.assessed.withLock { $0 } == 1 && calls.verified.withLock { $0 } == 1)
        }
    }

    @Test(
        "Restarted on the same SQLite file, even from a position saved before its last writes, the orchestrator raises no second exception and carries out nothing twice"
    )
    func restartHandlesEachEventOnce() async throws {
        let path = TestServer.temporaryDatabasePath()
        let calls = Calls()
        var before: Int64 = 0
        do {
            let engine = try await TaktApplication.openEngine(databasePath: path, logger: Self.quiet, now: { Self.day })
            try await Self.seed(engine)
            before = await engine.committedSequence
            try await Self.withOrchestrator(engine, Self.analysis(calls)) { orchestrator in
                #expect(await orchestrator.waitUntilIdle(timeout: .seconds(60)))
                _ = try await engine.submit(
                    CommandEnvelope(
                        command: .setMachineState(SetMachineState(workCenter: "WC-1", state: .down, reason: "spindle failure")),
                        actor: .system
                    )
                )
                #expect(await orchestrator.waitUntilIdle(timeout: .seconds(60)))
                _ = try await engine.submit(
                    CommandEnvelope(
                        command: .approveAction(DecideAction(exception: "EXC-000001", action: "A1")),
                        actor: .user("supervisor")
                    )
                )
                #expect(await Self.settle(orchestrator, engine))
                #expect(await engine.read { $0.exceptions["EXC-000001"]?.status } == .resolved)
            }
            #expect(try await engine.store.loadCursor("orchestrator") == (await engine.committedSequence), "stopped at the end of the log")
        }

        // A plain restart: the stored position is at the end, nothing is handled again.
        var end: Int64 = 0
        do {
            let engine = try await TaktApplication.openEngine(databasePath: path, logger: Self.quiet, now: { Self.day })
            end = await engine.committedSequence
            try await Self.withOrchestrator(engine, Self.analysis(calls)) { orchestrator in
                #expect(await orchestrator.waitUntilIdle(timeout: .seconds(60)))
                #expect(await orchestrator.statistics.eventsHandled == 0)
            }
            #expect(await engine.committedSequence == end)
        }

        // A crash before the position was saved: the position is back before the machine went down. Everything is handled
        // again, and every write finds its idempotency key (or the plant's record of the source event): nothing new.
        do {
            let engine = try await TaktApplication.openEngine(databasePath: path, logger: Self.quiet, now: { Self.day })
            try await engine.store.saveCursor("orchestrator", position: before)
            let (before, end) = (before, end)
            try await Self.withOrchestrator(engine, Self.analysis(calls)) { orchestrator in
                #expect(await orchestrator.waitUntilIdle(after: end, timeout: .seconds(60)))
                #expect(await orchestrator.statistics.eventsHandled == Int(end - before))
            }
            #expect(await engine.committedSequence == end, "nothing was written again")
            #expect(try await Self.count(engine, "exceptionRaised") == 1)
            #expect(try await Self.count(engine, "overtimeScheduled") == 1)
            #expect(try await Self.count(engine, "actionExecuted") == 1)
            #expect(try await Self.count(engine, "exceptionVerified") == 1)
            #expect(await engine.read { $0.exceptions.count } == 1)
            #expect(try await engine.store.loadCursor("orchestrator") == end)
        }
    }

    @Test("An event whose assessment fails is logged and skipped, not retried: the orchestrator moves past it and raises nothing")
    func assessmentFailureIsSkipped() async throws {
        let engine = try await Engine.open(store: InMemoryEventStore(), now: { Self.day }, logger: Self.quiet)
        try await Self.seed(engine)
        let calls = Calls()
        try await Self.withOrchestrator(engine, Self.analysis(calls, failing: true)) { orchestrator in
            #expect(await orchestrator.waitUntilIdle(timeout: .seconds(60)))
            _ = try await engine.submit(
                CommandEnvelope(
                    command: .setMachineState(SetMachineState(workCenter: "WC-1", state: .down, reason: "spindle failure")),
                    actor: .system
                )
            )
            #expect(await orchestrator.waitUntilIdle(timeout: .seconds(60)))
            #expect(await orchestrator.statistics.assessmentFailures == 1)
            // A later event is handled normally; the failed one is not assessed again.
            _ = try await engine.submit(
                CommandEnvelope(command: .setMachineState(SetMachineState(workCenter: "WC-1", state: .running)), actor: .system)
            )
            #expect(await orchestrator.waitUntilIdle(timeout: .seconds(60)))
        }
        #expect(calls.assessed.withLock { $0 } == 1)
        #expect(await engine.read { $0.exceptions.isEmpty })
    }

    @Test("A step that fails stops the action: the execution is recorded with the error, later steps are not run, and the exception is open again")
    func failingStepStopsTheAction() async throws {
        let engine = try await Engine.open(store: InMemoryEventStore(), now: { Self.day }, logger: Self.quiet)
        try await Self.seed(engine)
        let calls = Calls()
        try await Self.withOrchestrator(engine, Self.analysis(calls)) { orchestrator in
            #expect(await orchestrator.waitUntilIdle(timeout: .seconds(60)))
            var exception = handMadeException(subject: "test:failing", at: Self.day, approvals: [.supervisor])
            let good = Overtime(
                workCenter: "WC-1",
                start: Self.day.addingTimeInterval(14 * 3600),
                end: Self.day.addingTimeInterval(16 * 3600),
                reason: "catch up"
            )
            var bad = good
            bad.workCenter = "WC-NOPE"
            exception.actions[0].steps = [
                ActionStep(
                    kind: .addOvertime,
                    summary: "overtime",
                    commands: [
                        .scheduleOvertime(good), .scheduleOvertime(bad),
                        .scheduleOvertime(good),
                    ]
                )
            ]
            _ = try await engine.submit(CommandEnvelope(command: .raiseException(exception), actor: .system))
            _ = try await engine.submit(
                CommandEnvelope(
                    command: .approveAction(DecideAction(exception: "EXC-000001", action: "A1")),
                    actor: .user("supervisor")
                )
            )
            #expect(await orchestrator.waitUntilIdle(timeout: .seconds(60)))
            #expect(await orchestrator.waitUntilIdle(timeout: .seconds(60)))
        }
        let state = await engine.read { $0 }
        #expect(state.exceptions["EXC-000001"]?.status == .open)
        #expect(state.exceptions["EXC-000001"]?.actions.first?.status == .failed)
        #expect(state.overtime["WC-1"]?.count == 1, "the first step stays, the third never ran")
        let executed = try #require(try await engine.events(after: 0, limit: 1000).last { $0.type == "actionExecuted" })
        let record = try TaktJSON.decoder.decode(ActionExecuted.self, from: executed.payload)
        #expect(record.error?.contains("step 2") == true && record.error?.contains("WC-NOPE") == true, "\(record.error ?? "no error")")
        #expect(record.eventSequences.count == 1)
        #expect(calls.verified.withLock { $0 } == 0, "a failed action is not verified")
    }
}

/// An exception as the analysis would raise it, with one action (A1): two hours of overtime on WC-1.
func handMadeException(
    subject: String,
    at now: Date,
    source: Int64? = nil,
    kind: DisruptionKind = .machineDown,
    severity: ExceptionSeverity = .high,
    functions: [PlantFunction] = [.production],
    approvals: [Role],
    workCenter: WorkCenter.ID = "WC-1"
) -> PlantException {
    let overtime = Overtime(
        workCenter: workCenter,
        start: now.addingTimeInterval(14 * 3600),
        end: now.addingTimeInterval(16 * 3600),
        reason: "catch up"
    )
    let action = ProposedAction(
        id: "A1",
        title: "Two hours of overtime on \(workCenter)",
        steps: [ActionStep(kind: .addOvertime, summary: "overtime 14:00–16:00", commands: [.scheduleOvertime(overtime)])],
        predicted: PlanKPIs(overtimeMinutes: 120),
        effect: "late orders 2 → 0, +2 h overtime",
        cost: 240,
        costTerms: [CostTerm(name: "overtime", quantity: 120, unit: "minute", weight: 2)],
        rank: 1,
        rationale: "removes all new lateness",
        approvals: approvals
    )
    let second = ProposedAction(
        id: "A2",
        title: "Re-promise",
        steps: [],
        predicted: PlanKPIs(lateOrders: 2),
        effect: "late orders stay 2",
        cost: 900,
        costTerms: [CostTerm(name: "late customer lines", quantity: 2, unit: "line", weight: 450)],
        rank: 2,
        rationale: "keeps the plan",
        approvals: [.sales]
    )
    return PlantException(
        id: "EXC-NEW",
        kind: kind,
        title: "\(subject) hurts",
        subject: subject,
        disruption: Disruption(kind: kind, workCenter: workCenter, from: now),
        sourceSequence: source,
        raisedAt: now,
        severity: severity,
        functions: functions,
        causeChain: [CauseLink(kind: "event", text: subject, refs: [workCenter.rawValue])],
        impact: Impact(
            baseline: PlanKPIs(),
            predicted: PlanKPIs(lateOrders: 2, totalLatenessMinutes: 300),
            orders: [
                OrderLateness(
                    productionOrder: "PO-000001",
                    priority: 2,
                    dueDate: now,
                    plannedCompletion: now,
                    predictedCompletion: now.addingTimeInterval(9000),
                    lateMinutes: 150,
                    changeMinutes: 150
                )
            ]
        ),
        actions: [action, second]
    )
}
