public import Foundation
import Logging
import TaktApp
import TaktCore
import TaktDemo
import TaktEngine
import TaktOrchestrator
import TaktPlanning
import TaktScheduling
import TaktStore
import TaktStoreSQLite

/// `takt bench react`: how fast the orchestrator reacts. The demo plant at scale N in a temporary SQLite database, a
/// published schedule, the orchestrator following the log; then K disruptive events committed one at a time (machines
/// slow or down on busy work centers, missing material for reserved lots, holds on supplier lots, operation delays) and,
/// for each, the time from its commit returning to the `exceptionRaised` event for it being committed.
public struct ReactBenchmark: Sendable {
    public var scale = 1
    public var events = 20
    /// The burst after the one-at-a-time events: a schedule publish, `burst` routine events (promises) and `burstUrgent`
    /// urgent ones (machines down or slow), all committed at once; the urgent ones are timed to their exceptions.
    public var burst = 0
    public var burstUrgent = 5
    public var seed: UInt64 = 1
    /// The plant's clock starts here (nil: the wall clock); see ``TaktApplication/benchmarkClockStart``.
    public var clockStart: Date? = TaktApplication.benchmarkClockStart
    /// How long to wait for the exception of one event.
    public var timeout: Duration = .seconds(30)
    public var directory: String

    public init(directory: String) { self.directory = directory }

    public struct Sample: Sendable {
        public var kind: String
        public var milliseconds: Double
        /// Ranked actions the exception proposed (0 when the disruption made nothing later that an action could help).
        public var actions: Int
    }

    public struct Figures: Sendable {
        public var scale: Int
        public var samples: [Sample]
        public var setupSeconds: Double
        public var scheduledSteps: Int
        /// The burst: each urgent event's commit → exception time, the events committed, and how long until both lanes
        /// had handled everything.
        public var burstUrgent: [Double] = []
        public var burstEvents = 0
        public var burstDrainSeconds = 0.0

        public func percentile(_ p: Double, of values: [Double]? = nil) -> Double {
            let sorted = (values ?? samples.map(\.milliseconds)).sorted()
            guard !sorted.isEmpty else { return 0 }
            let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(sorted.count - 1, max(0, rank))]
        }

        /// A small table per kind, then one JSON line.
        public var report: [String] {
            func row(_ kind: String, _ cells: [String]) -> String {
                "  " + kind.padding(toLength: 22, withPad: " ", startingAt: 0)
                    + cells.map { String(repeating: " ", count: Swift.max(0, 11 - $0.count)) + $0 }.joined()
            }
            func ms(_ v: Double) -> String { String(format: "%.1f", v) }
            var lines = ["react (demo scale \(scale), \(samples.count) events, SQLite WAL synchronous=FULL; commit → exceptionRaised committed)"]
            lines.append(row("kind", ["n", "p50 ms", "p99 ms", "max ms", "w/ actions"]))
            for kind in Set(samples.map(\.kind)).sorted() {
                let mine = samples.filter { $0.kind == kind }
                let values = mine.map(\.milliseconds)
                lines.append(
                    row(
                        kind,
                        [
                            "\(values.count)", ms(percentile(50, of: values)), ms(percentile(99, of: values)), ms(values.max() ?? 0),
                            "\(mine.filter { $0.actions > 0 }.count)",
                        ]
                    )
                )
            }
            let all = samples.map(\.milliseconds)
            let withActions = samples.filter { $0.actions > 0 }.count
            lines.append(row("all", ["\(all.count)", ms(percentile(50)), ms(percentile(99)), ms(all.max() ?? 0), "\(withActions)"]))
            if burstEvents > 0 {
                lines.append("burst: a schedule publish and \(burstEvents - 1) events committed at once; urgent events (commit → exception):")
                lines.append(
                    row(
                        "urgent",
                        [
                            "\(burstUrgent.count)", ms(percentile(50, of: burstUrgent)), ms(percentile(99, of: burstUrgent)),
                            ms(burstUrgent.max() ?? 0), "",
                        ]
                    )
                )
                lines.append(String(format: "  everything handled by both lanes after %.1f s", burstDrainSeconds))
            }
            lines.append(
                String(
                    format:
                        "{\"scale\": %d, \"events\": %d, \"p50_ms\": %.1f, \"p99_ms\": %.1f, \"max_ms\": %.1f, \"mean_ms\": %.1f, \"exceptions_with_actions\": %d, \"with_actions_p99_ms\": %.1f, \"setup_s\": %.1f, \"scheduled_steps\": %d, \"burst_events\": %d, \"burst_urgent_p50_ms\": %.1f, \"burst_urgent_p99_ms\": %.1f, \"burst_drain_s\": %.1f}",
                    scale,
                    samples.count,
                    percentile(50),
                    percentile(99),
                    all.max() ?? 0,
                    all.isEmpty ? 0 : all.reduce(0, +) / Double(all.count),
                    withActions,
                    percentile(99, of: samples.filter { $0.actions > 0 }.map(\.milliseconds)),
                    setupSeconds,
                    scheduledSteps,
                    burstEvents,
                    percentile(50, of: burstUrgent),
                    percentile(99, of: burstUrgent),
                    burstDrainSeconds
                )
            )
            return lines
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Builds the plant, runs the events and returns the figures. `progress` receives a line per step.
    public func run(progress: @Sendable (String) -> Void) async throws -> Figures {
        let logger = Logger(label: "takt.bench") { _ in SwiftLogNoOpLogHandler() }
        let path = directory + "/react.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let clock = ContinuousClock()
        let setupStart = clock.now
        let store = try SQLiteEventStore(path: path)
        let engine = try await Engine.open(store: store, now: TaktApplication.clock(startingAt: clockStart), logger: logger)
        progress("generating the demo plant (scale \(scale))")
        _ = try await engine.bootstrapAdminIfEmpty(token: "bench-admin-token")
        let now = engine.now()
        _ = try await TaktApplication.seedDemo(engine: engine, seed: 42, scale: scale, now: now, logger: logger)
        progress("scheduling and publishing")
        let steps = try await publishSchedule(engine: engine, now: now)

        let lanes = Orchestrator.lanes(engine: engine, logger: logger)  // as `takt serve` runs them
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in lanes { group.addTask { await lane.run() } }
            defer { group.cancelAll() }
            for lane in lanes {
                guard await lane.waitUntilIdle(timeout: .seconds(60)) else {
                    throw Failure(description: "the orchestrator did not start within 60 s")
                }
            }
            let setupSeconds = seconds(clock.now - setupStart)
            var random = SeededRandom(seed: seed)
            var samples: [Sample] = []
            for n in 1...events {
                guard let (kind, command) = await nextDisruption(engine: engine, n: n, random: &random) else {
                    throw Failure(description: "found nothing left to disrupt for event \(n)")
                }
                progress("event \(n)/\(events): \(kind)")
                let outcome = try await engine.submit(CommandEnvelope(command: command, actor: .user("admin"), correlationID: "bench-react-\(n)"))
                let committed = clock.now
                let sources = Set(outcome.events.map(\.sequence))
                guard let last = outcome.events.last?.sequence else { throw Failure(description: "event \(n) (\(kind)) recorded nothing") }
                guard
                    let exception = try await waitForException(
                        engine: engine,
                        sources: sources,
                        after: last,
                        deadline: committed.advanced(by: timeout)
                    )
                else {
                    throw Failure(
                        description: "no exception raised for event \(n) (\(kind), \(command.typeName), sequence \(last)) within \(timeout)"
                    )
                }
                samples.append(Sample(kind: kind, milliseconds: seconds(clock.now - committed) * 1000, actions: exception.actions.count))
                // One at a time: the orchestrator has handled everything, including what it wrote itself.
                for lane in lanes { _ = await lane.waitUntilIdle(timeout: timeout) }
            }
            var figures = Figures(scale: scale, samples: samples, setupSeconds: setupSeconds, scheduledSteps: steps)
            if burst > 0 {
                progress("burst: a schedule publish, \(burst) promises and \(burstUrgent) machines down or slow at once")
                try await runBurst(engine: engine, lanes: lanes, random: &random, into: &figures)
            }
            return figures
        }
    }

    /// The burst: everything submitted concurrently; each urgent event timed from its commit to its exception's commit.
    private func runBurst(engine: Engine, lanes: [Orchestrator], random: inout SeededRandom, into figures: inout Figures) async throws {
        let state = await engine.read { $0 }
        let now = engine.now()
        var commands: [(Command, Bool)] = []  // (command, urgent)
        // A new plan: the warehouse projects its shortages again, one event per item.
        let planning: PlanningProblem
        do throws(PlanningError) { planning = try PlanningProblem(state: state, origin: now) } catch {
            throw Failure(description: "the plant cannot be scheduled: \(error.message)")
        }
        let result = try Scheduler.solve(
            planning.problem,
            options: SchedulingOptions(limits: SearchLimits(timeLimit: 60, iterationLimit: 100), seed: seed &+ 1, threads: 1)
        )
        let number = (state.publishedSchedule.flatMap { Int($0.id.rawValue.dropFirst(4)) } ?? 0) + 1
        commands.append((.publishSchedule(planning.published(result.schedule, id: .init(String(format: "SCH-%06d", number)))), false))
        // Sales promises dates that production may not make (routine).
        let lines = state.salesOrders.values.filter { $0.status == .open }.flatMap { so in so.lines.map { (so.id, $0.line) } }
            .sorted { ($0.0, $0.1) < ($1.0, $1.1) }
        for _ in 0..<min(burst, lines.count) {
            let (so, line) = lines[random.below(lines.count)]
            commands.append(
                (
                    .promiseSalesOrderLine(
                        PromiseSalesOrderLine(salesOrder: so, line: line, promisedDate: now.addingTimeInterval(Double(1 + random.below(3)) * 86_400))
                    ), false
                )
            )
        }
        // Machines go down or slow on busy work centers (urgent).
        var load: [WorkCenter.ID: Int] = [:]
        for step in state.publishedSchedule?.steps ?? [] { load[step.workCenter, default: 0] += 1 }
        // The busiest work centers, those not disrupted yet first (a machine already slow can still go down).
        let busy = load.keys.sorted { a, b in
            let (da, db) = (
                [.down, .slow].contains(state.machineStates[a]?.last?.state), [.down, .slow].contains(state.machineStates[b]?.last?.state)
            )
            return (da ? 1 : 0, -(load[a] ?? 0), a) < (db ? 1 : 0, -(load[b] ?? 0), b)
        }
        for (k, wc) in busy.prefix(burstUrgent).enumerated() {
            commands.append(
                (
                    k.isMultiple(of: 2)
                        ? .setMachineState(SetMachineState(workCenter: wc, state: .down, reason: "burst: breakdown"))
                        : .setMachineState(SetMachineState(workCenter: wc, state: .slow, reason: "burst: worn tool", actualRate: 5, idealRate: 10)),
                    true
                )
            )
        }
        // Interleave the urgent ones among the routine ones, after the publish.
        var order = Array(commands.dropFirst())
        order.sort { a, b in a.1 == b.1 ? false : !a.1 }
        let urgentCount = order.filter(\.1).count
        var mixed: [(Command, Bool)] = [commands[0]]
        var routine = order.filter { !$0.1 }
        var urgent = order.filter(\.1)
        while !routine.isEmpty || !urgent.isEmpty {
            for _ in 0..<max(1, routine.count / max(1, urgent.count)) where !routine.isEmpty { mixed.append(routine.removeFirst()) }
            if !urgent.isEmpty { mixed.append(urgent.removeFirst()) }
        }
        let clock = ContinuousClock()
        let began = clock.now
        let timings = try await withThrowingTaskGroup(of: Double?.self) { group in
            for (n, (command, isUrgent)) in mixed.enumerated() {
                group.addTask {
                    let outcome = try await engine.submit(CommandEnvelope(command: command, actor: .user("admin"), correlationID: "bench-burst-\(n)"))
                    guard isUrgent, let last = outcome.events.last?.sequence else { return nil }
                    let committed = clock.now
                    guard
                        try await waitForException(
                            engine: engine,
                            sources: Set(outcome.events.map(\.sequence)),
                            after: last,
                            deadline: committed.advanced(by: timeout)
                        ) != nil
                    else {
                        throw Failure(description: "no exception for the urgent burst event \(n) (\(command.typeName)) within \(timeout)")
                    }
                    return seconds(clock.now - committed) * 1000
                }
            }
            var out: [Double] = []
            for try await t in group { if let t { out.append(t) } }
            return out
        }
        for lane in lanes { _ = await lane.waitUntilIdle(timeout: .seconds(600)) }
        figures.burstUrgent = timings
        figures.burstEvents = mixed.count
        figures.burstDrainSeconds = seconds(clock.now - began)
        if timings.count != urgentCount { throw Failure(description: "\(urgentCount - timings.count) urgent burst events were not timed") }
    }

    /// Waits on the log for an `exceptionRaised` whose source is one of `sources`.
    private func waitForException(
        engine: Engine,
        sources: Set<Int64>,
        after start: Int64,
        deadline: ContinuousClock.Instant
    ) async throws
        -> PlantException?
    {
        // The plant indexes exceptions by their source event: look there after each commit (decoding every exception in the
        // log, each with its actions' schedules, would cost more than what is measured).
        let clock = ContinuousClock()
        while clock.now < deadline {
            let position = await engine.committedSequence  // before looking: a commit after the look wakes the wait at once
            let found = await engine.read { state in
                sources.sorted().lazy.compactMap { state.exceptionBySource[$0] }.first.flatMap { state.exceptions[$0] }
            }
            if let found { return found }
            let left = deadline - clock.now
            guard left > .zero else { break }
            _ = await engine.waitForCommit(after: max(position, start), timeout: min(left, .seconds(1)))
        }
        return nil
    }

    /// The next disruption, picked from the plant as it is: kinds in turn, targets at random among real IDs.
    private func nextDisruption(engine: Engine, n: Int, random: inout SeededRandom) async -> (String, Command)? {
        let candidates = await engine.read { s -> Candidates in
            var load: [WorkCenter.ID: Int] = [:]
            for step in s.publishedSchedule?.steps ?? [] { load[step.workCenter, default: 0] += 1 }
            let busy: [WorkCenter.ID] = load.keys.sorted { a, b in
                let (la, lb) = (load[a] ?? 0, load[b] ?? 0)
                return la != lb ? la > lb : a < b
            }
            let running = busy.filter { wc in ![.down, .slow].contains(s.machineStates[wc]?.last?.state) }  // not disrupted already
            let staging = s.stagingTasks.values.filter { $0.status == .open || $0.status == .picked }.map(\.id).sorted()
            var supplierLots: [String: String] = [:]
            for lot in s.lots.values where lot.status == .available {
                if let supplier = lot.supplier, let number = lot.supplierLot { supplierLots[number] = supplier }
            }
            let held = Set(s.holds.values.filter { !$0.released }.compactMap(\.supplierLot))
            let supplier = supplierLots.filter { !held.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.value, $0.key) }
            var operations: [(ProductionOrder.ID, Int)] = []
            for step in s.publishedSchedule?.steps ?? [] {
                guard let po = s.productionOrders[step.productionOrder], !po.status.isTerminal,
                    s.operations[po.id]?.first(where: { $0.sequence == step.sequence })?.status != .completed
                else { continue }
                operations.append((step.productionOrder, step.sequence))
            }
            return Candidates(busy: Array(running.prefix(8)), staging: staging, supplierLots: supplier, operations: operations)
        }
        let kinds = ["machine-slow", "material-missing", "operation-delay", "machine-down", "supplier-lot-hold"]
        for offset in 0..<kinds.count {
            let kind = kinds[(n - 1 + offset) % kinds.count]
            switch kind {
            case "machine-slow" where !candidates.busy.isEmpty:
                let wc = candidates.busy[random.below(candidates.busy.count)]
                return (kind, .setMachineState(SetMachineState(workCenter: wc, state: .slow, reason: "worn tool", actualRate: 6, idealRate: 10)))
            case "machine-down" where !candidates.busy.isEmpty:
                let wc = candidates.busy[random.below(candidates.busy.count)]
                return (kind, .setMachineState(SetMachineState(workCenter: wc, state: .down, reason: "spindle failure")))
            case "material-missing" where !candidates.staging.isEmpty:
                let task = candidates.staging[random.below(candidates.staging.count)]
                return (kind, .reportMaterialMissing(ReportMaterialMissing(stagingTask: task, note: "not on the rack")))
            case "operation-delay" where !candidates.operations.isEmpty:
                let (po, seq) = candidates.operations[random.below(candidates.operations.count)]
                return (
                    kind,
                    .reportOperationDelay(
                        ReportOperationDelay(
                            productionOrder: po,
                            sequence: seq,
                            extraMinutes: 60 + random.below(240),
                            reason: "tool change took longer"
                        )
                    )
                )
            case "supplier-lot-hold" where !candidates.supplierLots.isEmpty:
                let (supplier, lot) = candidates.supplierLots[random.below(candidates.supplierLots.count)]
                return (kind, .placeHold(PlaceHold(supplier: supplier, supplierLot: lot, reason: "supplier reports a wrong alloy")))
            default:
                continue
            }
        }
        return nil
    }

    private struct Candidates: Sendable {
        var busy: [WorkCenter.ID]
        var staging: [StagingTask.ID]
        var supplierLots: [(String, String)]
        var operations: [(ProductionOrder.ID, Int)]
    }

    /// Schedules the open orders (300 search iterations, so every run sees the same plan) and publishes the schedule, as
    /// `POST /api/v1/schedule/runs` does.
    private func publishSchedule(engine: Engine, now: Date) async throws -> Int {
        let state = await engine.read { $0 }
        let planning: PlanningProblem
        do throws(PlanningError) {
            planning = try PlanningProblem(state: state, origin: now, horizonDays: 28)
        } catch {
            throw Failure(description: "the demo plant cannot be scheduled: \(error.message)")
        }
        let result = try Scheduler.solve(
            planning.problem,
            options: SchedulingOptions(limits: SearchLimits(timeLimit: 60, iterationLimit: 300), seed: seed, threads: 1)
        )  // repeatable
        let published = planning.published(result.schedule, id: "SCH-000001")
        _ = try await engine.submit(
            CommandEnvelope(command: .publishSchedule(published), actor: .user("admin"), correlationID: "bench-react-schedule")
        )
        return published.steps.count
    }
}
