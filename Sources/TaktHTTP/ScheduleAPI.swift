import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktPlanning
import TaktScheduling

/// Scheduling through the API: run the optimizer on the plant, publish the schedule, read dispatch lists.
extension TaktAPI {
    var scheduleRoutes: [APIRoute] {
        let engine = engine
        let now = now
        return [
            APIRoute(method: .post, path: "/api/v1/schedule/runs", operationID: "runSchedule",
                     summary: "Schedule every open production order with finite capacity and publish the result",
                     tag: "Schedule", requiresAuth: true, roles: [.admin, .planner], requestSchema: "ScheduleRunRequest",
                     successStatus: 201, responseSchema: "PublishedSchedule", parameters: [.idempotencyKey]) { request, ctx in
                let user = try ctx.requireUser()
                guard user.has(.admin) || user.has(.planner) else {
                    throw EngineError(.forbidden, "publishSchedule needs one of the roles: admin, planner")
                }
                let run = try await JSONIO.decode(ScheduleRunRequest.self, from: request, context: ctx)
                let limit = run.timeLimitSeconds ?? (run.iterations == nil ? 2 : 60)
                guard limit > 0, limit <= 60 else {
                    throw Problem.badRequest("timeLimitSeconds", "range", "timeLimitSeconds must be greater than 0 and at most 60 (got \(limit))")
                }
                if let n = run.iterations, !(1...100_000).contains(n) {
                    throw Problem.badRequest("iterations", "range", "iterations must be from 1 to 100000 (got \(n))")
                }
                let state = await engine.read { $0 }
                let planning: PlanningProblem
                do throws(PlanningError) {
                    planning = try PlanningProblem(state: state, origin: now(), horizonDays: 28)
                } catch {
                    throw DomainError.invalid("(plant)", "not-schedulable", error.message)
                }
                let number = (state.publishedSchedule.flatMap { Int($0.id.rawValue.dropFirst(4)) } ?? 0) + 1
                // An iteration limit makes the run reproducible: one thread, so the same iterations are searched everywhere.
                let result = try Scheduler.solve(planning.problem, options: SchedulingOptions(
                    limits: SearchLimits(timeLimit: limit, iterationLimit: run.iterations), seed: run.seed ?? 1, threads: run.iterations == nil ? 2 : 1))
                guard result.violations.isEmpty else {
                    throw EngineError(.storage, "the optimizer produced an invalid schedule: \(result.violations.prefix(3))")
                }
                let published = planning.published(result.schedule, id: .init(String(format: "SCH-%06d", number)))
                // Shortages projected against the new schedule are recorded beside it: answer with the schedule itself.
                return try await submitReturningEvent(.publishSchedule(published), type: "schedulePublished", request: request, context: ctx,
                                                      status: .created)
            },
            APIRoute(method: .post, path: "/api/v1/schedule/promise", operationID: "capableToPromise",
                     summary: "The earliest date a new order could be finished without moving the orders already scheduled",
                     tag: "Schedule", requiresAuth: true, roles: [.admin, .planner, .sales], requestSchema: "PromiseQuery",
                     successStatus: 200, responseSchema: "PromiseAnswer", parameters: []) { request, ctx in
                let user = try ctx.requireUser()
                guard user.has(.admin) || user.has(.planner) || user.has(.sales) else {
                    throw EngineError(.forbidden, "capable-to-promise needs one of the roles: admin, planner, sales")
                }
                let query = try await JSONIO.decode(PromiseQuery.self, from: request, context: ctx)
                let state = await engine.read { $0 }
                let at = TaktJSON.wholeSeconds(now())
                // Validate the order exactly as creating it would, without creating it.
                let events = try state.decide(
                    .createProductionOrder(NewProductionOrder(id: "PROMISE-QUERY", item: query.item, quantity: query.quantity,
                                                              routing: query.routing, dueDate: at, priority: query.priority)),
                    actor: user.id, now: at)
                guard case .productionOrderCreated(let order)? = events.first else {
                    throw EngineError(.storage, "the order could not be formed")
                }
                let answer: PromiseAnswer
                do throws(PlanningError) {
                    answer = try PlanningProblem.capableToPromise(
                        order, in: state, keeping: state.publishedSchedule, origin: at,
                        options: SchedulingOptions(limits: SearchLimits(timeLimit: 0.5, iterationLimit: 500), seed: 1, threads: 1))
                } catch {
                    throw DomainError.conflict("(plant)", "not-schedulable", error.message)
                }
                return try JSONIO.response(answer)
            },
            APIRoute(method: .get, path: "/api/v1/schedule", operationID: "getSchedule", summary: "The published schedule",
                     tag: "Schedule", requiresAuth: true, successStatus: 200, responseSchema: "PublishedSchedule", parameters: []) { _, ctx in
                _ = try ctx.requireUser()
                guard let schedule = await engine.read({ $0.publishedSchedule }) else {
                    throw Problem.notFound("no schedule is published yet; a planner publishes one with POST /api/v1/schedule/runs")
                }
                return try JSONIO.response(schedule)
            },
            APIRoute(method: .get, path: "/api/v1/work-centers/{id}/dispatch-list", operationID: "getDispatchList",
                     summary: "What a work center should run next (by the published schedule, else by due date and priority), "
                        + "and whether the signed-in user could start each operation now",
                     tag: "Schedule", requiresAuth: true, successStatus: 200, responseSchema: "DispatchList",
                     parameters: [.path("id", "work center ID")]) { _, ctx in
                let user = try ctx.requireUser()
                let id = WorkCenter.ID(try ctx.parameters.require("id"))
                let at = now()
                let list = try await engine.read { state throws -> DispatchList in
                    guard state.workCenters[id] != nil else { throw Problem.notFound("work center '\(id)' does not exist") }
                    return DispatchList(state: state, workCenter: id, operator: user.id, now: at)
                }
                return try JSONIO.response(list)
            },
        ]
    }
}

struct PromiseQuery: Codable, Sendable {
    var item: Item.ID
    var quantity: Double
    var routing: Routing.ID?
    var priority: Int?
}

struct ScheduleRunRequest: Codable, Sendable {
    /// How long the optimizer may improve the schedule (default 2 s, at most 60 s).
    var timeLimitSeconds: Double?
    var seed: UInt64?
    /// Stop after this many search iterations on one thread (a reproducible run).
    var iterations: Int?
}
