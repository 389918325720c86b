import Foundation
public import TaktCore
public import TaktEngine
public import TaktPlanning
import TaktScheduling

/// How long and how hard a schedule run may search.
public struct ScheduleRunRequest: Codable, Sendable, Hashable {
    /// How long the optimizer may improve the schedule (default 2 s, or 60 s with `iterations`; at most 60 s).
    public var timeLimitSeconds: Double?
    public var seed: UInt64?
    /// Stop after this many search iterations on one thread: a reproducible run (1 to 100,000).
    public var iterations: Int?

    public init(timeLimitSeconds: Double? = nil, seed: UInt64? = nil, iterations: Int? = nil) {
        self.timeLimitSeconds = timeLimitSeconds
        self.seed = seed
        self.iterations = iterations
    }

    /// The search limits the request asks for, checked.
    func options() throws(DomainError) -> SchedulingOptions {
        let limit = timeLimitSeconds ?? (iterations == nil ? 2 : 60)
        var v = Validator()
        v.check(
            limit > 0 && limit <= 60,
            "timeLimitSeconds",
            "range",
            "timeLimitSeconds must be greater than 0 and at most 60 (got \(limit))"
        )
        if let n = iterations {
            v.check((1...100_000).contains(n), "iterations", "range", "iterations must be from 1 to 100000 (got \(n))")
        }
        try v.throwIfAny()
        // An iteration limit makes the run reproducible: one thread, so the same iterations are searched everywhere.
        return SchedulingOptions(
            limits: SearchLimits(timeLimit: limit, iterationLimit: iterations),
            seed: seed ?? 1,
            threads: iterations == nil ? 2 : 1
        )
    }
}

/// A new order to promise: what it would make and how many.
public struct PromiseQuery: Codable, Sendable, Hashable {
    public var item: Item.ID
    public var quantity: Double
    public var routing: Routing.ID?
    public var priority: Int?

    public init(item: Item.ID, quantity: Double, routing: Routing.ID? = nil, priority: Int? = nil) {
        self.item = item
        self.quantity = quantity
        self.routing = routing
        self.priority = priority
    }
}

extension PlantService {
    /// How far ahead a schedule run plans.
    public static let scheduleHorizonDays = 28

    /// Schedules every open production order with finite capacity from now and publishes the result (the next
    /// `SCH-nnnnnn`). The search runs on a thread of its own, never on the pool that serves requests.
    /// - Returns: the outcome of `publishSchedule` (a repeat of an idempotency key answers the first run's).
    public func runSchedule(_ run: ScheduleRunRequest, by caller: Caller) async throws -> CommandOutcome {
        try UseCase.runSchedule.authorize(caller.user)
        _ = try run.options()
        // A retry of a keyed run answers the first run's schedule without searching again.
        if let first = try await recordedAnswer(for: caller, as: .user(caller.user.id), key: caller.idempotencyKey) { return first }
        let published = try await planSchedule(run, by: caller)
        return try await submit(
            CommandEnvelope(
                command: .publishSchedule(published),
                actor: .user(caller.user.id),
                idempotencyKey: caller.idempotencyKey,
                correlationID: caller.correlationID,
                requestDigest: caller.requestDigest
            )
        )
    }

    /// Schedules every open production order as ``runSchedule(_:by:)`` does, with the same roles and limits, and returns
    /// the schedule without publishing it: a planner looks at its makespan and late orders first, then publishes it with
    /// `publishSchedule` (the plant checks it again then).
    public func planSchedule(_ run: ScheduleRunRequest, by caller: Caller) async throws -> PublishedSchedule {
        try UseCase.runSchedule.authorize(caller.user)
        let options = try run.options()
        let state = await snapshot()
        let origin = now()
        let published = try await offPool { () throws -> PublishedSchedule in
            let planning: PlanningProblem
            do throws(PlanningError) {
                planning = try PlanningProblem(state: state, origin: origin, horizonDays: Self.scheduleHorizonDays)
            } catch {
                throw DomainError.invalid("(plant)", "not-schedulable", error.message)
            }
            let result = try Scheduler.solve(planning.problem, options: options)
            guard result.violations.isEmpty else {
                throw EngineError(.internal, "the optimizer produced an invalid schedule: \(result.violations.prefix(3))")
            }
            let number = (state.publishedSchedule.flatMap { Int($0.id.rawValue.dropFirst(4)) } ?? 0) + 1
            return planning.published(result.schedule, id: .init(String(format: "SCH-%06d", number)))
        }
        return published
    }

    /// The earliest date a new order could be finished without moving the orders already scheduled. The order is
    /// checked exactly as creating it would be, and not created.
    public func promise(_ query: PromiseQuery, by caller: Caller) async throws -> PromiseAnswer {
        try UseCase.promise.authorize(caller.user)
        let state = await snapshot()
        let at = TaktJSON.wholeSeconds(now())
        let order = try state.formProductionOrder(
            NewProductionOrder(item: query.item, quantity: query.quantity, routing: query.routing, dueDate: at, priority: query.priority),
            now: at
        )
        return try await offPool { () throws -> PromiseAnswer in
            do throws(PlanningError) {
                return try PlanningProblem.capableToPromise(
                    order,
                    in: state,
                    keeping: state.publishedSchedule,
                    origin: at,
                    options: SchedulingOptions(limits: SearchLimits(timeLimit: 0.5, iterationLimit: 500), seed: 1, threads: 1)
                )
            } catch {
                throw DomainError.conflict("(plant)", "not-schedulable", error.message)
            }
        }
    }
}

/// Runs CPU-heavy work (an optimizer search) on a thread of its own, so that it never occupies a thread of Swift's
/// cooperative pool, which serves every request and the engine.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try work() })
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}
