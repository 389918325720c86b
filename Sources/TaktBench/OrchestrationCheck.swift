public import Foundation
import Logging
import Synchronization
import TaktApp
import TaktCore
import TaktDemo
import TaktEngine
import TaktOrchestration
import TaktOrchestrator
import TaktPlanning
import TaktScheduling
import TaktStore

/// `takt check orchestration`: invariants that must hold whatever happens, checked on demo plants of random seeds and
/// scales under random sequences of disruptions. Each run builds a demo plant in an in-memory log, publishes a schedule,
/// starts the orchestrator's lanes as `takt serve` does, and then applies random steps through the engine (machines down,
/// slow and back, holds placed and released, missing lots, overruns, rush orders, absences, promises, operations started on
/// an alternative work center, approvals of proposed actions, new schedules, outcome requests), letting the orchestrator
/// react after each and checking:
///
/// - **down**: no plan made after a machine was reported down (a published schedule, an exception's action, a capable-to-promise
///   answer) starts an operation on it inside its down window (an operation already running there may pause over it);
/// - **held**: no proposed action reserves a lot that is held or missing;
/// - **promise**: capable-to-promise answers for the items probed, without an internal error;
/// - **action**: an exception whose predicted outcome is worse than its baseline has an action or says why none; every action
///   takes lateness away (outcome requests excepted: their options are what was asked) and costs less than doing nothing;
///   ranks follow cost; cost terms add up;
/// - **figures**: the moved-operations figure counts the moved operations listed (at most 50 listed);
/// - **once**: no event raises two exceptions; no two open exceptions share a subject; no assessment fails;
/// - **verified**: an approved action is carried out and verified.
///
/// Determinism (the same inputs give the same numbers) is checked by running a scenario twice and comparing what it wrote.
/// A failure prints the seed, the scale and the steps, and `takt check orchestration --seed S --scale K --steps N` replays it.
public struct OrchestrationCheck: Sendable {
    public var seed: UInt64
    public var scale: Int
    public var steps: Int
    /// Wednesday 25 November 2026, 06:00 UTC (07:00 in the demo plant), the morning after the demo starts.
    public var start = Date(timeIntervalSince1970: 1_795_586_400)
    /// How long to wait for the orchestrator after a step.
    public var timeout: Duration = .seconds(120)

    public init(seed: UInt64, scale: Int, steps: Int) {
        self.seed = seed
        self.scale = scale
        self.steps = steps
    }

    public struct Violation: Sendable, CustomStringConvertible {
        public var step: Int
        public var invariant: String
        public var detail: String
        public var description: String { "step \(step) [\(invariant)] \(detail)" }
    }

    public struct Report: Sendable {
        public var seed: UInt64
        public var scale: Int
        /// What each step did, in words (a refused command says why).
        public var steps: [String]
        public var violations: [Violation]
        public var exceptions: Int
        public var actionsExecuted: Int
        public var seconds: Double
        /// Every exception as written (kind, subject, figures, actions and their costs), for comparing two runs.
        public var fingerprint: [String]
        public var replay: String { "takt check orchestration --seed \(seed) --scale \(scale) --steps \(steps.count)" }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs one scenario.
    public func run(progress: @Sendable (String) -> Void = { _ in }) async throws -> Report {
        let began = ContinuousClock.now
        let logger = Logger(label: "takt.check") { _ in SwiftLogNoOpLogHandler() }
        let time = Mutex(start)
        let engine = try await Engine.open(store: InMemoryEventStore(), now: { time.withLock { $0 } }, logger: logger)
        _ = try await engine.bootstrapAdminIfEmpty(token: "check-admin-token")
        let demoDay = start.addingTimeInterval(-86_400)
        _ = try await TaktApplication.seedDemo(engine: engine, seed: seed, scale: scale, now: demoDay, logger: logger)
        var random = SeededRandom(seed: seed &* 0x9E37_79B9 &+ UInt64(scale))
        try await publish(engine, seed: random.next() % 1000, now: start)

        let lanes = Orchestrator.lanes(engine: engine, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in lanes { group.addTask { await lane.run() } }
            defer { group.cancelAll() }
            for lane in lanes where !(await lane.waitUntilIdle(timeout: timeout)) {
                throw Failure(description: "the orchestrator did not start within \(timeout)")
            }
            var log: [String] = []
            var violations: [Violation] = []
            for n in 1...max(1, steps) {
                time.withLock { $0 = $0.addingTimeInterval(Double(1 + random.below(30)) * 60) }
                let before = await engine.committedSequence
                let step = await self.step(n, engine: engine, random: &random)
                log.append(step.text)
                progress("step \(n)/\(steps): \(step.text)")
                if let error = step.unexpected { violations.append(Violation(step: n, invariant: "refused", detail: error)) }
                for lane in lanes where !(await lane.waitUntilIdle(timeout: timeout)) {
                    violations.append(
                        Violation(step: n, invariant: "once", detail: "the \(lane.lane?.rawValue ?? "") lane did not catch up within \(timeout)")
                    )
                }
                violations += await check(n, engine: engine, since: before, approved: step.approved, random: &random)
                for lane in lanes {
                    let stats = await lane.statistics
                    if stats.assessmentFailures > 0 {
                        violations.append(
                            Violation(
                                step: n,
                                invariant: "once",
                                detail: "\(stats.assessmentFailures) assessment(s) failed in the \(lane.lane?.rawValue ?? "") lane"
                            )
                        )
                    }
                }
                if !violations.isEmpty { break }
            }
            let state = await engine.read { $0 }
            let executed = state.exceptions.values.flatMap(\.actions).filter { $0.status == .executed }.count
            return Report(
                seed: seed,
                scale: scale,
                steps: log,
                violations: violations,
                exceptions: state.exceptions.count,
                actionsExecuted: executed,
                seconds: Double((ContinuousClock.now - began).components.seconds),
                fingerprint: Self.fingerprint(state)
            )
        }
    }

    // MARK: Steps

    struct Step {
        var text: String
        /// A command failed in a way no input should cause (anything but the plant refusing it with reasons).
        var unexpected: String?
        /// The exception and action approved by this step, to be carried out and verified.
        var approved: (PlantException.ID, String)?
    }

    /// One random step, through the engine as the people who would do it (the admin stands in for each role).
    func step(_ n: Int, engine: Engine, random: inout SeededRandom) async -> Step {
        let state = await engine.read { $0 }
        let now = engine.now()
        // Approvals twice as often as the rest: carrying actions out and verifying them is half of what is checked.
        let kinds = [
            "down", "slow", "back", "supplier-hold", "release", "missing", "delay", "rush", "absence", "promise", "alternative", "approve",
            "publish", "outcome", "approve",
        ]
        for offset in 0..<kinds.count {
            let kind = kinds[(random.below(kinds.count) + offset) % kinds.count]
            guard let (text, commands) = plan(kind, state: state, now: now, random: &random) else { continue }
            var step = Step(text: text)
            for (command, actor) in commands {
                do {
                    let outcome = try await engine.submit(CommandEnvelope(command: command, actor: actor, correlationID: "check-\(n)"))
                    if case .approveAction(let d) = command, outcome.events.contains(where: { $0.type == "actionApproved" }),
                        await engine.read({ $0.exceptions[d.exception]?.actions.first { $0.id == d.action }?.status == .approved })
                    {
                        step.approved = (d.exception, d.action)
                    }
                } catch let error as DomainError {
                    step.text += " — refused: \(error.summary)"
                    break
                } catch {
                    step.unexpected = "\(command.typeName): \(error)"
                    break
                }
            }
            return step
        }
        return Step(text: "nothing left to do")
    }

    /// The commands of a step of `kind`, picked from the plant as it is; nil when nothing fits.
    func plan(_ kind: String, state: PlantState, now: Date, random: inout SeededRandom) -> (String, [(Command, Actor)])? {
        let admin = Actor.user("admin")
        func pick<T>(_ list: [T]) -> T? { list.isEmpty ? nil : list[random.below(list.count)] }
        let busy = Set((state.publishedSchedule?.steps ?? []).filter { $0.end > now }.map(\.workCenter))
        let machines = state.workCenters.keys.filter { busy.contains($0) }.sorted()
        func machineState(_ wc: WorkCenter.ID) -> MachineState? { state.machineStates[wc]?.last?.state }
        switch kind {
        case "down":
            guard let wc = pick(machines.filter { machineState($0) != .down }) else { return nil }
            let until = random.below(3) == 0 ? nil : now.addingTimeInterval(Double(60 * (1 + random.below(10))) * 60)
            return (
                "\(wc) goes down\(until.map { " until \(TaktJSON.formatDate($0))" } ?? "")",
                [(.setMachineState(SetMachineState(workCenter: wc, state: .down, reason: "check: breakdown", expectedUntil: until)), admin)]
            )
        case "slow":
            guard let wc = pick(machines.filter { machineState($0) != .down && machineState($0) != .slow }) else { return nil }
            let actual = Double(3 + random.below(7))
            let until = random.below(2) == 0 ? nil : now.addingTimeInterval(Double(60 * (2 + random.below(20))) * 60)
            return (
                "\(wc) runs at \(Int(actual * 10))%",
                [
                    (
                        .setMachineState(
                            SetMachineState(
                                workCenter: wc,
                                state: .slow,
                                reason: "check: worn tool",
                                actualRate: actual,
                                idealRate: 10,
                                expectedUntil: until
                            )
                        ), admin
                    )
                ]
            )
        case "back":
            guard let wc = pick(state.machineStates.keys.filter { [.down, .slow].contains(machineState($0)) }.sorted()) else { return nil }
            return ("\(wc) runs again", [(.setMachineState(SetMachineState(workCenter: wc, state: .running)), admin)])
        case "supplier-hold":
            let held = Set(state.holds.values.filter { !$0.released }.compactMap(\.supplierLot))
            let lots = state.lots.values.filter { $0.status == .available && $0.supplierLot != nil && !held.contains($0.supplierLot ?? "") }
                .sorted { $0.id < $1.id }
            guard let lot = pick(lots) else { return nil }
            return (
                "quality holds supplier lot \(lot.supplierLot ?? "")",
                [
                    (
                        .placeHold(
                            PlaceHold(
                                supplier: lot.supplier,
                                supplierLot: lot.supplierLot,
                                reason: "check: supplier notice"
                            )
                        ), admin
                    )
                ]
            )
        case "release":
            guard let hold = pick(state.holds.values.filter { !$0.released }.map(\.id).sorted()) else { return nil }
            return ("quality releases \(hold)", [(.releaseHold(ReleaseHold(hold: hold, reason: "check: re-inspected")), admin)])
        case "missing":
            let lots = Set(state.reservations.values.map(\.lot)).filter { state.missingLots[$0] == nil && state.lots[$0]?.status.isInStock == true }
                .sorted()
            guard let lot = pick(lots) else { return nil }
            return ("lot \(lot) is missing", [(.reportMaterialMissing(ReportMaterialMissing(lot: lot, note: "check: not at its rack")), admin)])
        case "delay":
            let ops = (state.publishedSchedule?.steps ?? []).filter { step in
                state.productionOrders[step.productionOrder].map { !$0.status.isTerminal } == true
                    && state.operations[step.productionOrder]?.first { $0.sequence == step.sequence }?.status != .completed
            }
            guard let op = pick(ops) else { return nil }
            let extra = 30 + random.below(600)
            return (
                "\(op.productionOrder) op \(op.sequence) runs \(extra) min late",
                [
                    (
                        .reportOperationDelay(
                            ReportOperationDelay(
                                productionOrder: op.productionOrder,
                                sequence: op.sequence,
                                extraMinutes: extra,
                                reason: "check: overrun"
                            )
                        ), admin
                    )
                ]
            )
        case "rush":
            let items = state.routings.values.map(\.item).filter { state.items[$0]?.kind == .finished }.sorted()
            guard let item = pick(items), let customer = pick(state.customers.keys.sorted()) else { return nil }
            let id = SalesOrder.ID("SO-CHECK-\(state.salesOrders.count + 1)")
            let date = now.addingTimeInterval(Double(2 + random.below(9)) * 86_400)
            return (
                "rush order \(id) for \(item)",
                [
                    (
                        .createSalesOrder(
                            NewSalesOrder(
                                id: id,
                                customer: customer,
                                priority: 1,
                                lines: [
                                    SalesOrderLine(line: 10, item: item, quantity: Double(1 + random.below(5)), requestedDate: date)
                                ]
                            )
                        ), admin
                    )
                ]
            )
        case "absence":
            guard
                let user = pick(
                    state.users.values.filter {
                        $0.active && $0.has(.operator) && !state.isAbsent($0.id, from: now, until: now.addingTimeInterval(1))
                    }
                    .map(\.id).sorted()
                )
            else { return nil }
            let until = now.addingTimeInterval(Double(4 + random.below(44)) * 3600)
            return ("\(user) is away", [(.reportAbsence(ReportAbsence(user: user, until: until, reason: "check: sick")), admin)])
        case "promise":
            let lines = state.salesOrders.values.filter { $0.status == .open }.flatMap { so in so.lines.map { (so.id, $0.line) } }
                .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
            guard let (so, line) = pick(lines) else { return nil }
            let date = now.addingTimeInterval(Double(1 + random.below(10)) * 86_400)
            return (
                "\(so) line \(line) promised",
                [(.promiseSalesOrderLine(PromiseSalesOrderLine(salesOrder: so, line: line, promisedDate: date)), admin)]
            )
        case "alternative":
            let running = Set(state.operations.values.flatMap { $0 }.filter { $0.status == .running }.compactMap(\.workCenter))
            var options: [(ProductionOrder.ID, Int, WorkCenter.ID)] = []
            for step in state.publishedSchedule?.steps ?? [] {
                guard let po = state.productionOrders[step.productionOrder], po.status == .released || po.status == .inProgress,
                    let progress = state.operations[po.id], progress.first(where: { $0.sequence == step.sequence })?.status == .waiting,
                    progress.filter({ $0.sequence < step.sequence }).allSatisfy({ $0.status == .completed }),
                    let op = state.routings[po.routing]?.operations.first(where: { $0.sequence == step.sequence }),
                    let other = op.workCenters.map(\.workCenter).first(where: { $0 != step.workCenter && !running.contains($0) })
                else { continue }
                options.append((po.id, step.sequence, other))
            }
            guard let (po, seq, wc) = pick(options) else { return nil }
            // Set-up as a supervisor would do it: every interlock overridden, then started where it was not planned.
            let overrides = Interlock.allCases.map {
                (
                    Command.overrideInterlock(
                        OverrideInterlock(
                            productionOrder: po,
                            operation: seq,
                            interlock: $0,
                            reason: "check: set-up"
                        )
                    ), Actor.system
                )
            }
            return (
                "\(po) op \(seq) starts on \(wc)",
                overrides + [(.startOperation(StartOperation(productionOrder: po, operation: seq, workCenter: wc)), .system)]
            )
        case "approve":
            let open = state.exceptions.values.filter { $0.status == .open && !$0.actions.isEmpty }.sorted { $0.id < $1.id }
            guard let e = pick(open), let action = e.actions.first(where: { $0.status == .proposed }) else { return nil }
            let approvals = max(1, action.pendingApprovals.count)
            return (
                "approve \(e.id) \(action.id) (\(action.title))",
                Array(repeating: (.approveAction(DecideAction(exception: e.id, action: action.id, comment: "check")), admin), count: approvals)
            )
        case "publish":
            guard let published = try? Self.schedule(state, seed: random.next() % 1000, now: now) else { return nil }
            return ("publish \(published.id)", [(.publishSchedule(published), admin)])
        case "outcome":
            let items = state.routings.values.map(\.item).filter { state.items[$0]?.kind == .finished }.sorted()
            guard let item = pick(items) else { return nil }
            let date = now.addingTimeInterval(Double(1 + random.below(14)) * 86_400)
            guard
                let e = try? Orchestration.plan(
                    .rushOrder(item: item, quantity: Double(1 + random.below(8)), date: date, customer: nil),
                    text: nil,
                    state: state,
                    now: now,
                    by: "admin"
                )
            else { return nil }
            return ("outcome request: rush \(item)", [(.raiseException(e), admin)])
        default:
            return nil
        }
    }

    // MARK: Invariants

    func check(_ n: Int, engine: Engine, since: Int64, approved: (PlantException.ID, String)?, random: inout SeededRandom) async -> [Violation] {
        var out: [Violation] = []
        func fail(_ invariant: String, _ detail: String) { out.append(Violation(step: n, invariant: invariant, detail: detail)) }
        let state = await engine.read { $0 }
        let now = engine.now()
        let events = (try? await engine.events(after: since, limit: 100_000)) ?? []
        let running = Set(
            state.operations.flatMap { id, ops in ops.filter { $0.status == .running || $0.status == .paused }.map { "\(id)#\($0.sequence)" } }
        )

        /// Steps starting on a down work center inside its window, by the facts known at `at`.
        func downStarts(_ steps: [ScheduledStep], at: Date) -> [String] {
            let facts = PlantPicture(state: state, now: at).known(at: at).facts
            var windows: [WorkCenter.ID: [Range<Date>]] = [:]
            for f in facts where f.disruption.kind == .machineDown || (f.disruption.kind == .qualityHold && f.disruption.workCenter != nil) {
                guard let wc = f.disruption.workCenter, let until = f.disruption.until, until > f.disruption.from else { continue }
                windows[wc, default: []].append(f.disruption.from..<until)
            }
            return steps.filter { step in
                !running.contains("\(step.productionOrder)#\(step.sequence)") && step.start >= at
                    && (windows[step.workCenter] ?? []).contains { $0.contains(step.start) }
            }.map { "\($0.productionOrder) op \($0.sequence) on \($0.workCenter) at \(TaktJSON.formatDate($0.start))" }
        }

        // Schedules published in this step.
        for e in events where e.type == "schedulePublished" {
            guard let s = try? TaktJSON.decoder.decode(PublishedSchedule.self, from: e.payload) else { continue }
            let bad = downStarts(s.steps, at: e.recordedAt)
            if !bad.isEmpty { fail("down", "\(s.id) starts \(bad.prefix(3).joined(separator: "; ")) inside a downtime") }
        }

        // Exceptions written in this step.
        var perSource: [Int64: Int] = [:]
        for e in events where e.type == "exceptionRaised" || e.type == "exceptionUpdated" {
            guard let x = try? TaktJSON.decoder.decode(PlantException.self, from: e.payload) else {
                fail("once", "event \(e.sequence) is not an exception")
                continue
            }
            if let source = x.sourceSequence { perSource[source, default: 0] += 1 }
            let at = x.updatedAt ?? x.raisedAt
            let b = x.impact.baseline
            let p = x.impact.predicted
            let worse =
                p.weightedTardinessMinutes > b.weightedTardinessMinutes + 1e-6 || p.lateCustomerLines > b.lateCustomerLines
                || p.customerLatenessMinutes > b.customerLatenessMinutes
            if worse && x.actions.isEmpty && (x.actionNotes ?? []).isEmpty {
                fail("action", "\(x.id) (\(x.kind.rawValue)) makes the plan worse and has neither an action nor a reason why none")
            }
            let listed = x.impact.operations.count  // the 50 that move most, and those the event named
            if listed < min(p.movedOperations, 50) || listed > p.movedOperations {
                fail("figures", "\(x.id): \(p.movedOperations) operations move, \(listed) listed")
            }
            let nothing = CostModel().terms(p).reduce(0) { $0 + $1.cost }
            let costs = x.actions.map(\.cost)
            if costs != costs.sorted() { fail("action", "\(x.id): actions not ranked by cost \(costs)") }
            for a in x.actions {
                if abs(a.costTerms.reduce(0) { $0 + $1.cost } - a.cost) > 0.01 {
                    fail("action", "\(x.id) \(a.id): cost terms do not add up to \(a.cost)")
                }
                let q = a.predicted
                let helps =
                    q.weightedTardinessMinutes < p.weightedTardinessMinutes - 1e-6 || q.lateCustomerLines < p.lateCustomerLines
                    || q.customerLatenessMinutes < p.customerLatenessMinutes
                if x.kind != .outcomeRequest {
                    if !helps { fail("action", "\(x.id) \(a.id) “\(a.title)” takes no lateness away") }
                    if a.cost >= nothing + 0.01 { fail("action", "\(x.id) \(a.id) “\(a.title)” costs \(a.cost), doing nothing \(nothing)") }
                }
                for command in a.steps.flatMap(\.commands) {
                    if case .reserveLot(let r) = command, !state.isUsable(lot: r.lot) && state.exceptions[x.id]?.status == .open {
                        fail("held", "\(x.id) \(a.id) reserves \(r.lot), which is held or missing")
                    }
                }
                if let schedule = a.schedule {
                    let bad = downStarts(schedule.steps, at: at)
                    if !bad.isEmpty { fail("down", "\(x.id) \(a.id) “\(a.title)” starts \(bad.prefix(3).joined(separator: "; ")) inside a downtime") }
                }
            }
        }
        for (source, count) in perSource where count > 1 { fail("once", "event \(source) raised \(count) exceptions") }
        // Every event a playbook matches gets its exception: raised or updated for its subject by it or by a later event of the
        // same subject in the step (one command's alike events are assessed once).
        var written: [String: Int64] = [:]  // subject → last sequence of an exception written for it
        for e in events where e.type == "exceptionRaised" || e.type == "exceptionUpdated" {
            if let x = try? TaktJSON.decoder.decode(PlantException.self, from: e.payload) {
                written[x.subject] = max(written[x.subject] ?? 0, e.sequence)
            }
        }
        for e in events where e.type != "exceptionRaised" && e.type != "exceptionUpdated" {
            guard let event = try? Event(type: e.type, payload: e.payload, decoder: TaktJSON.decoder),
                let trigger = Orchestration.trigger(event, sequence: e.sequence, recordedAt: e.recordedAt, state: state)
            else { continue }
            if (written[trigger.subject] ?? 0) < e.sequence && state.exceptionBySource[e.sequence] == nil {
                fail("once", "event \(e.sequence) (\(e.type)) matches \(trigger.playbook.id) but no exception was written for \(trigger.subject)")
            }
        }
        var subjects: [String: [PlantException.ID]] = [:]
        for x in state.exceptions.values where x.status == .open && x.request == nil { subjects[x.subject, default: []].append(x.id) }
        for (subject, ids) in subjects where ids.count > 1 { fail("once", "open exceptions \(ids.sorted()) share the subject \(subject)") }

        // An approved action is carried out and verified.
        if let (id, action) = approved {
            let x = state.exceptions[id]
            let status = x?.actions.first { $0.id == action }?.status
            if status == .approved || status == .proposed {
                fail("verified", "\(id) \(action) was approved but not carried out")
            } else if status == .executed, x?.verifications.contains(where: { $0.action == action }) != true {
                fail("verified", "\(id) \(action) was carried out but not verified")
            }
        }

        // Capable-to-promise for a few items.
        let items = state.routings.values.map(\.item).filter { state.items[$0]?.kind != .purchased }.sorted()
        for _ in 0..<min(2, items.count) {
            let item = items[random.below(items.count)]
            let at = TaktJSON.wholeSeconds(now)
            do {
                let events = try state.decide(
                    .createProductionOrder(NewProductionOrder(id: "PROMISE-QUERY", item: item, quantity: Double(1 + random.below(6)), dueDate: at)),
                    actor: nil,
                    now: at
                )
                guard case .productionOrderCreated(let order)? = events.first else { continue }
                // Solved on a thread of its own, off Swift's cooperative pool (tests run beside it).
                let answer = try await Self.offload { () -> Result<PromiseAnswer, PlanningError> in
                    do throws(PlanningError) {
                        return .success(
                            try PlanningProblem.capableToPromise(
                                order,
                                in: state,
                                keeping: state.publishedSchedule,
                                origin: at,
                                options: SchedulingOptions(limits: SearchLimits(iterationLimit: 200), seed: 1, threads: 1)
                            )
                        )
                    } catch { return .failure(error) }
                }.get()
                let bad = downStarts(answer.steps, at: at)
                if !bad.isEmpty { fail("down", "capable-to-promise for \(item) starts \(bad.prefix(3).joined(separator: "; ")) inside a downtime") }
            } catch let error as PlanningError {
                fail("promise", "capable-to-promise for \(item) failed: \(error.message)")
            } catch {
                continue  // the plant refuses the order itself (e.g. an item without a routing): not the promise's fault
            }
        }
        return out
    }

    // MARK: Helpers

    /// Heavy synchronous work on a thread of its own.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: work()) }
        }
    }

    func publish(_ engine: Engine, seed: UInt64, now: Date) async throws {
        let state = await engine.read { $0 }
        let published = try Self.schedule(state, seed: seed, now: now)
        _ = try await engine.submit(CommandEnvelope(command: .publishSchedule(published), actor: .user("admin"), correlationID: "check-schedule"))
    }

    /// Schedules every open order (iteration-limited, one thread: the same plan everywhere) as the next published schedule.
    static func schedule(_ state: PlantState, seed: UInt64, now: Date) throws -> PublishedSchedule {
        let planning = try PlanningProblem(state: state, origin: now)
        let result = try Scheduler.solve(
            planning.problem,
            options: SchedulingOptions(limits: SearchLimits(iterationLimit: 150), seed: seed, threads: 1)
        )
        let number = (state.publishedSchedule.flatMap { Int($0.id.rawValue.dropFirst(4)) } ?? 0) + 1
        return planning.published(result.schedule, id: .init(String(format: "SCH-%06d", number)))
    }

    /// What the run wrote, in order: one line per exception (the same seed must give the same lines).
    static func fingerprint(_ state: PlantState) -> [String] {
        state.exceptions.values.sorted { $0.id < $1.id }.map { x in
            let k = x.impact.predicted
            return
                "\(x.id) \(x.kind.rawValue) \(x.subject) \(x.status.rawValue) late \(k.lateOrders)/\(k.totalLatenessMinutes) lines \(k.lateCustomerLines) moved \(k.movedOperations) "
                + x.actions.map { "\($0.id):\($0.title):\($0.cost):\($0.status.rawValue)" }.joined(separator: ",")
        }
    }
}
