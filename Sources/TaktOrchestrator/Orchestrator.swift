public import CoreMetrics
public import Foundation
public import Logging
public import TaktCore
public import TaktEngine
public import TaktOrchestration
import TaktStore

/// Follows the event log and acts on it: raises an exception for every event a playbook cares about, carries out
/// approved actions as ordinary commands, and verifies what they did.
///
/// **Once-only handling.** The orchestrator keeps its position in the store (cursor `orchestrator`) and saves it after
/// every event that caused a write (and at the end of every page). Every write it makes carries an idempotency key
/// derived from the event it handles (`orchestrator:event:<sequence>`, `orchestrator:exec:<exception>:<action>:<n>`, …),
/// so when it crashes between a write and saving its position, handling the event again finds the key recorded and
/// writes nothing new; the plant also refuses a second exception for the same source event.
///
/// Run it with ``run()`` inside the application's service group; it stops when its task is cancelled.
///
/// **Urgent first.** `takt serve` runs two orchestrators side by side, each a *lane* with its own position in the log
/// (``lanes(engine:logger:)``): the urgent lane handles what stops or slows the floor now (a machine down or slow, missing
/// material, a hold, a late operation, scrap, an absence, a rush order) and the decisions people wait for (approvals,
/// execution, verification); the routine lane handles projections and paperwork (shortages, late supplier deliveries,
/// promises, cancelled orders). A machine going down is therefore never queued behind a flood of routine events. Each lane
/// simulates on its own thread, off Swift's cooperative pool, so a long simulation does not stall the server's requests.
public actor Orchestrator {
    /// Which events an orchestrator handles.
    public enum Lane: String, Sendable, CaseIterable {
        case urgent, routine

        /// The lane of a kind of disruption.
        public static func of(_ kind: DisruptionKind) -> Lane {
            switch kind {
            case .shortageProjected, .supplierReceiptLate, .promiseNotFeasible, .salesOrderChanged, .outcomeRequest: .routine
            case .machineDown, .machineSlow, .operationLate, .scrapBeyondPlan, .materialMissing, .qualityHold, .operatorAbsent, .rushOrder: .urgent
            }
        }

        /// The name its position is stored under (the urgent lane keeps the name a single orchestrator always had).
        public var cursorName: String { self == .urgent ? "orchestrator" : "orchestrator-\(rawValue)" }
    }

    /// The orchestrators `takt serve` runs: one per lane.
    public static func lanes(
        engine: Engine,
        logger: Logger = Logger(label: "takt.orchestrator"),
        analysis: Analysis = .standard(),
        metrics: (any MetricsFactory)? = nil
    ) -> [Orchestrator] {
        Lane.allCases.map {
            Orchestrator(engine: engine, logger: logger, cursorName: $0.cursorName, analysis: analysis, lane: $0, metrics: metrics)
        }
    }

    public nonisolated let engine: Engine
    public nonisolated let cursorName: String
    /// The events it handles (nil: all of them, as one orchestrator).
    public nonisolated let lane: Lane?
    /// Where it simulates: its own thread, not the cooperative pool.
    private let queue: DispatchQueue
    private let logger: Logger
    private let analysis: Analysis
    /// `takt_orchestrator_reaction_seconds{lane}`: from reading an event off the log to having handled it (nil: not measured).
    private let reaction: CoreMetrics.Timer?
    /// The position handled so far (every event up to it is done); nil until ``run()`` loaded it.
    private var position: Int64?
    /// The position last saved in the store: a restart resumes after it.
    private var saved: Int64?
    /// Counters for tests, the benchmark and logs.
    public private(set) var statistics = Statistics()
    /// The subject the last event of a command's run of alike events triggers, by its sequence (kept for the page at hand).
    private var laterSubjects: [Int64: String?] = [:]

    public struct Statistics: Sendable, Hashable {
        public var eventsHandled = 0
        public var exceptionsRaised = 0
        public var assessmentFailures = 0
        public var actionsExecuted = 0
        public var actionsFailed = 0
        public var verifications = 0
        /// Events left to a later event of the same command on the same subject (one assessment for both).
        public var coalesced = 0
    }

    /// The analysis the orchestrator runs: TaktOrchestration's, or a stand-in for tests.
    public struct Analysis: Sendable {
        public var trigger: @Sendable (_ event: Event, _ sequence: Int64, _ recordedAt: Date, _ state: PlantState) -> Trigger?
        public var assess: @Sendable (_ trigger: Trigger, _ state: PlantState, _ now: Date) throws(OrchestrationError) -> PlantException
        public var verify: @Sendable (_ exception: PlantException, _ action: ProposedAction, _ state: PlantState, _ now: Date) -> Verification
        /// Which kinds of exception an event of a type may raise (nil: any); cheap, read before the event is decoded.
        public var kinds: @Sendable (_ type: String, _ state: PlantState) -> Set<DisruptionKind>?
        /// The subject and kind an event would raise an exception on, without simulating (nil: unknown until triggered).
        public var subject: @Sendable (_ event: Event, _ recordedAt: Date, _ state: PlantState) -> (subject: String, kind: DisruptionKind)?
        public init(
            trigger: @escaping @Sendable (Event, Int64, Date, PlantState) -> Trigger?,
            assess: @escaping @Sendable (Trigger, PlantState, Date) throws(OrchestrationError) -> PlantException,
            verify: @escaping @Sendable (PlantException, ProposedAction, PlantState, Date) -> Verification,
            kinds: @escaping @Sendable (String, PlantState) -> Set<DisruptionKind>? = { _, _ in nil },
            subject: @escaping @Sendable (Event, Date, PlantState) -> (subject: String, kind: DisruptionKind)? = { _, _, _ in nil }
        ) {
            self.trigger = trigger
            self.assess = assess
            self.verify = verify
            self.kinds = kinds
            self.subject = subject
        }

        /// ``Orchestration``'s triggers, assessment and verification.
        public static func standard(options: AnalysisOptions = AnalysisOptions()) -> Analysis {
            Analysis(
                trigger: { Orchestration.trigger($0, sequence: $1, recordedAt: $2, state: $3) },
                assess: { (trigger, state, now) throws(OrchestrationError) in
                    try Orchestration.assess(trigger, state: state, now: now, options: options)
                },
                verify: { Orchestration.verify($0, action: $1, state: $2, now: $3, options: options) },
                kinds: { type, state in Set(state.playbooks.values.filter { $0.enabled && $0.event == type }.map(\.exceptionKind)) },
                subject: { Orchestration.subject($0, recordedAt: $1, state: $2) }
            )
        }
    }

    /// - Parameters:
    ///   - engine: the engine whose log it follows and through which it writes (as `system`).
    ///   - cursorName: the name its position is stored under.
    ///   - analysis: the analysis to run (default: TaktOrchestration's).
    ///   - lane: the events it handles (nil: all of them).
    ///   - metrics: where its reaction times are recorded (nil: nowhere).
    public init(
        engine: Engine,
        logger: Logger = Logger(label: "takt.orchestrator"),
        cursorName: String = "orchestrator",
        analysis: Analysis = .standard(),
        lane: Lane? = nil,
        metrics: (any MetricsFactory)? = nil
    ) {
        self.reaction = metrics.map {
            CoreMetrics.Timer(label: "takt_orchestrator_reaction_seconds", dimensions: [("lane", lane?.rawValue ?? "all")], factory: $0)
        }
        self.engine = engine
        self.logger = logger
        self.cursorName = cursorName
        self.analysis = analysis
        self.lane = lane
        self.queue = DispatchQueue(label: "takt.orchestrator.\(lane?.rawValue ?? "all")", qos: .utility)
    }

    /// Runs a simulation on the lane's own thread.
    private func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }

    // MARK: - Running

    /// Follows the log from the stored position until the task is cancelled. On the first start (no stored position) it
    /// starts at the end of the log: what happened before the orchestrator existed is history, not news.
    /// It returns when its task is cancelled; failures to read the log or save the position are logged and retried.
    public func run() async {
        guard let start = await loadStart() else { return }
        position = start
        saved = start
        logger.info("orchestrator following the log", metadata: ["after": "\(start)", "lane": "\(lane?.rawValue ?? "all")"])
        var failures = 0
        var follower = engine.follow(after: start, pageSize: 200).makeAsyncIterator()
        while !Task.isCancelled {
            let step: LogFollower.Step?
            do {
                step = try await follower.next()
                failures = 0
            } catch {
                if Task.isCancelled { break }
                failures += 1
                logger.error("reading the log failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(min(5_000, 100 * failures)))
                continue
            }
            guard let step else { break }
            guard case .events(let page) = step else { continue }
            let read = ContinuousClock.now
            var unsaved = false
            laterSubjects = [:]
            for (n, recorded) in page.enumerated() {
                if Task.isCancelled { break }
                let wrote = await handle(recorded, later: page[(n + 1)...])
                reaction?.recordNanoseconds((ContinuousClock.now - read).nanoseconds)
                position = recorded.sequence
                statistics.eventsHandled += 1
                unsaved = true
                if wrote {
                    await saveCursor(recorded.sequence)
                    unsaved = false
                }
            }
            if unsaved, let p = position { await saveCursor(p) }
        }
        // The last save runs outside the cancelled task (a cancelled task's database call is refused); it is awaited.
        if let p = position, p != saved {
            let store = await engine.store
            let name = cursorName
            let ok = await Task.detached { (try? await store.saveCursor(name, position: p)) != nil }.value
            if ok { saved = p }
        }
        logger.info("orchestrator stopped", metadata: ["position": "\(saved ?? 0)", "lane": "\(lane?.rawValue ?? "all")"])
    }

    /// The position handled and saved so far (nil before ``run()`` started): a restart resumes after it.
    public var handledPosition: Int64? { saved }

    /// Waits until every event up to `sequence` has been handled and the position saved, at most `timeout`.
    /// - Returns: true when it was, false on time-out.
    public nonisolated func waitUntilIdle(after sequence: Int64, timeout: Duration = .seconds(30)) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if let p = await handledPosition, p >= sequence { return true }
            if Task.isCancelled { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// Waits until every event committed so far has been handled.
    public nonisolated func waitUntilIdle(timeout: Duration = .seconds(30)) async -> Bool {
        await waitUntilIdle(after: await engine.committedSequence, timeout: timeout)
    }

    private func loadStart() async -> Int64? {
        var attempt = 0
        while !Task.isCancelled {
            do {
                if let saved = try await engine.store.loadCursor(cursorName) { return saved }
                let end = await engine.committedSequence
                try await engine.store.saveCursor(cursorName, position: end)
                return end
            } catch {
                if Task.isCancelled { return nil }  // stopping (e.g. the server could not start): nothing to report
                attempt += 1
                logger.error("reading the orchestrator's position failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(min(5_000, 100 * attempt)))
            }
        }
        return nil
    }

    private func saveCursor(_ sequence: Int64) async {
        // Bounded: a store that keeps failing costs a re-handling after restart, which the idempotency keys make harmless.
        for attempt in 1...5 where !Task.isCancelled {
            do {
                try await engine.store.saveCursor(cursorName, position: sequence)
                saved = max(saved ?? 0, sequence)
                return
            } catch {
                logger.error("saving the orchestrator's position failed", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                try? await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
    }

    // MARK: - Handling one event

    /// Handles one recorded event. Returns true when it wrote something.
    /// - Parameter later: the events after it already read; a later one from the same command on the same subject makes
    ///   this one redundant (its assessment will cover both), so a command that records many alike events is assessed once.
    func handle(_ recorded: RecordedEvent, later: ArraySlice<RecordedEvent> = []) async -> Bool {
        // Most events concern nobody here: only decode (exceptions carry whole schedules) what a playbook listens to, an
        // approval to carry out, or an exception a playbook may approve automatically.
        let (type, routine, lane, kinds) = (recorded.type, self.lane == .routine, self.lane, analysis.kinds)
        let relevant = await engine.read { state in
            (kinds(type, state).map { k in k.contains { lane == nil || Lane.of($0) == lane } } ?? true)
                || (!routine && type == "actionApproved")
                || (!routine && type == "exceptionRaised" && state.playbooks.values.contains { $0.enabled && !$0.automatic.isEmpty })
        }
        guard relevant else { return false }
        let event: Event
        do {
            event = try Event(type: recorded.type, payload: recorded.payload, decoder: TaktJSON.decoder)
        } catch {
            logger.error("cannot decode event; skipped", metadata: ["sequence": "\(recorded.sequence)", "error": "\(error)"])
            return false
        }
        var wrote = false
        if lane != .routine {  // decisions people wait for are urgent
            switch event {
            case .exceptionRaised(let exception):
                wrote = await approveAutomatically(exception) || wrote
            case .actionApproved(let decided) where decided.fullyApproved:
                wrote = await execute(exception: decided.exception, action: decided.action) || wrote
            default:
                break
            }
        }
        wrote = await raiseIfTriggered(event, recorded: recorded, later: later) || wrote
        return wrote
    }

    /// (a) A playbook cares about the event: assess it and raise the exception.
    private func raiseIfTriggered(_ event: Event, recorded: RecordedEvent, later: ArraySlice<RecordedEvent>) async -> Bool {
        let state = await engine.read { $0 }
        if state.exceptionBySource[recorded.sequence] != nil { return false }  // raised before a crash
        // Cheap first: the subject, without simulating. Another lane's kind is not ours; and when the last event of the same
        // command and type read so far is about the same subject, its assessment covers this one.
        if let mine = analysis.subject(event, recorded.recordedAt, state) {
            if let lane, Lane.of(mine.kind) != lane { return false }
            if let last = later.last(where: { $0.correlationID == recorded.correlationID && $0.type == recorded.type }) {
                if laterSubjects[last.sequence] == nil {
                    let e = try? Event(type: last.type, payload: last.payload, decoder: TaktJSON.decoder)
                    laterSubjects[last.sequence] = .some(e.flatMap { analysis.subject($0, last.recordedAt, state)?.subject })
                }
                if laterSubjects[last.sequence] == .some(mine.subject) {
                    statistics.coalesced += 1
                    return false
                }
            }
        }
        guard let trigger = analysis.trigger(event, recorded.sequence, recorded.recordedAt, state) else {
            return false
        }
        if let lane, Lane.of(trigger.playbook.exceptionKind) != lane { return false }  // the other lane's
        var exception: PlantException
        let (analyze, now) = (analysis, engine.now())
        let assessed = await offload { () -> Result<PlantException, OrchestrationError> in
            do throws(OrchestrationError) { return .success(try analyze.assess(trigger, state, now)) } catch { return .failure(error) }
        }
        do {
            exception = try assessed.get()
        } catch {
            statistics.assessmentFailures += 1
            logger.error(
                "assessing the event failed; skipped",
                metadata: [
                    "sequence": "\(recorded.sequence)", "playbook": "\(trigger.playbook.id)", "error": "\(error)",
                ]
            )
            return false
        }
        if exception.sourceSequence == nil { exception.sourceSequence = recorded.sequence }
        if exception.sourceEvent == nil { exception.sourceEvent = recorded.type }
        if exception.playbook == nil {
            exception.playbook = trigger.playbook.id
            exception.playbookVersion = trigger.playbook.version
        }
        let done = await write(
            .raiseException(exception),
            key: "orchestrator:event:\(recorded.sequence)",
            correlation: "event:\(recorded.sequence)"
        )
        switch done {
        case .written: statistics.exceptionsRaised += 1
        case .failed(let error):
            statistics.assessmentFailures += 1
            logger.error("the plant refused the exception; skipped", metadata: ["sequence": "\(recorded.sequence)", "error": "\(error)"])
        case .replayed, .alreadyDone: break
        }
        return true
    }

    /// Automatic actions: the top-ranked action needs no approval and the playbook lists its kinds as automatic. The
    /// system approves it (the approval is the audited cause of what follows), and the approval's event starts execution.
    private func approveAutomatically(_ exception: PlantException) async -> Bool {
        guard let playbookID = exception.playbook, let top = exception.actions.min(by: { $0.rank < $1.rank }),
            top.approvals.isEmpty, !top.steps.isEmpty
        else { return false }
        let playbook = await engine.read { $0.playbooks[playbookID] }
        guard let playbook, top.steps.allSatisfy({ playbook.automatic.contains($0.kind) }) else { return false }
        let current = await engine.read { $0.exceptions[exception.id] }
        guard current?.status == .open, current?.actions.first(where: { $0.id == top.id })?.status == .proposed else { return false }
        let outcome = await write(
            .approveAction(DecideAction(exception: exception.id, action: top.id, comment: "automatic by playbook '\(playbookID)'")),
            key: "orchestrator:auto:\(exception.id):\(top.id)",
            correlation: "approval:\(exception.id)/\(top.id)"
        )
        if case .failed(let error) = outcome {
            logger.warning(
                "the plant refused the automatic approval",
                metadata: [
                    "exception": "\(exception.id)", "action": "\(top.id)", "error": "\(error)",
                ]
            )
        }
        return true
    }

    /// (b) An approved action: its steps' commands in order, then the record of what happened, then (c) verification.
    private func execute(exception id: PlantException.ID, action actionID: String) async -> Bool {
        guard
            let (exception, action) = await engine.read({ s -> (PlantException, ProposedAction)? in
                guard let e = s.exceptions[id], let a = e.actions.first(where: { $0.id == actionID }) else { return nil }
                return (e, a)
            })
        else {
            logger.error("approved action not found", metadata: ["exception": "\(id)", "action": "\(actionID)"])
            return false
        }
        // Already recorded (handled before a crash): nothing to do but make sure it was verified.
        guard action.status == .approved, exception.status == .executing else {
            if action.status == .executed { return await verify(exception: id, action: actionID) }
            return false
        }
        let correlation = "approval:\(id)/\(actionID)"
        var sequences: [Int64] = []
        var failure: String?
        var n = 0
        steps: for step in action.steps {
            for planned in step.commands {
                n += 1
                // A schedule is published as approved, timed again on the plant as it is now (what it learned since the plan was made).
                var command = planned
                if case .publishSchedule(let schedule) = planned {
                    let (state, now) = (await engine.read { $0 }, engine.now())
                    if let timed = await offload({ Orchestration.retime(schedule, state: state, now: now) }) { command = .publishSchedule(timed) }
                }
                switch await write(command, key: "orchestrator:exec:\(id):\(actionID):\(n)", correlation: correlation) {
                case .written(let outcome), .replayed(let outcome):
                    sequences += outcome.events.map(\.sequence)
                case .alreadyDone:
                    break
                case .failed(let error):
                    failure = "step \(n) (\(command.typeName)): \(error)"
                    break steps
                }
            }
        }
        let record = ActionExecuted(exception: id, action: actionID, eventSequences: sequences, error: failure, at: engine.now())
        switch await write(.recordActionExecution(record), key: "orchestrator:record:\(id):\(actionID)", correlation: correlation) {
        case .failed(let error):
            logger.error("recording the execution failed", metadata: ["exception": "\(id)", "action": "\(actionID)", "error": "\(error)"])
            return true
        default:
            break
        }
        if let failure {
            statistics.actionsFailed += 1
            logger.warning(
                "action failed; the exception is open again",
                metadata: ["exception": "\(id)", "action": "\(actionID)", "error": "\(failure)"]
            )
            return true
        }
        statistics.actionsExecuted += 1
        _ = await verify(exception: id, action: actionID)
        return true
    }

    /// (c) Simulates the exception's disruption on the plant as it now is and records whether the action worked.
    private func verify(exception id: PlantException.ID, action actionID: String) async -> Bool {
        let state = await engine.read { $0 }
        guard let exception = state.exceptions[id], exception.status == .executing,
            let action = exception.actions.first(where: { $0.id == actionID }), action.status == .executed
        else { return false }
        let (analysis, now) = (self.analysis, engine.now())
        let verification = await offload { analysis.verify(exception, action, state, now) }
        let outcome = await write(
            .verifyException(ExceptionVerified(exception: id, verification: verification)),
            key: "orchestrator:verify:\(id):\(actionID)",
            correlation: "approval:\(id)/\(actionID)"
        )
        if case .written = outcome { statistics.verifications += 1 }
        return true
    }

    // MARK: - Writing

    enum WriteOutcome {
        case written(CommandOutcome)
        /// The key was recorded with the same request: the events of the first time.
        case replayed(CommandOutcome)
        /// The key (or the source event) was recorded with another request before: done before a restart.
        case alreadyDone
        case failed(String)
    }

    /// Submits one command as the system with an idempotency key; a key already used means the write happened before.
    private func write(_ command: Command, key: String, correlation: String) async -> WriteOutcome {
        do {
            let outcome = try await engine.submit(CommandEnvelope(command: command, actor: .system, idempotencyKey: key, correlationID: correlation))
            return outcome.replayed ? .replayed(outcome) : .written(outcome)
        } catch let error as EngineError where error.code == .idempotencyKeyReused {
            return .alreadyDone
        } catch let error as DomainError where error.violations.contains(where: { $0.rule == "already-raised" }) {
            return .alreadyDone
        } catch let error as DomainError {
            return .failed(error.summary)
        } catch let error as EngineError {
            return .failed(error.message)
        } catch {
            return .failed("\(error)")
        }
    }
}
