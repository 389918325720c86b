import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktPlanning
import TaktService

/// Scheduling through the API: run the optimizer on the plant, publish the schedule, read dispatch lists.
extension TaktAPI {
    var scheduleRoutes: [APIRoute] {
        let service = service
        let now = now
        return [
            APIRoute(
                method: .post,
                path: "/api/v1/schedule/runs",
                operationID: "runSchedule",
                summary: "Schedule every open production order with finite capacity and publish the result",
                tag: "Schedule",
                requiresAuth: true,
                roles: UseCase.runSchedule.roles.sorted(),
                requestSchema: "ScheduleRunRequest",
                successStatus: 201,
                responseSchema: "PublishedSchedule",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                try UseCase.runSchedule.authorize(try ctx.requireUser())  // 403 before the body is looked at
                let run = try await JSONIO.decode(ScheduleRunRequest.self, from: request, context: ctx)
                let outcome = try await service.runSchedule(run, by: try caller(request, ctx))
                // Shortages projected against the new schedule are recorded beside it: answer with the schedule itself.
                return try answer(outcome, event: "schedulePublished", status: .created)
            },
            APIRoute(
                method: .post,
                path: "/api/v1/schedule/promise",
                operationID: "capableToPromise",
                summary: "The earliest date a new order could be finished without moving the orders already scheduled",
                tag: "Schedule",
                requiresAuth: true,
                roles: UseCase.promise.roles.sorted(),
                requestSchema: "PromiseQuery",
                successStatus: 200,
                responseSchema: "PromiseAnswer",
                parameters: []
            ) { request, ctx in
                try UseCase.promise.authorize(try ctx.requireUser())
                let query = try await JSONIO.decode(PromiseQuery.self, from: request, context: ctx)
                let answer = try await service.promise(query, by: try caller(request, ctx))
                return try JSONIO.response(answer)
            },
            APIRoute(
                method: .get,
                path: "/api/v1/schedule",
                operationID: "getSchedule",
                summary: "The published schedule",
                tag: "Schedule",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "PublishedSchedule",
                parameters: []
            ) { _, ctx in
                _ = try ctx.requireUser()
                guard let schedule = await service.read({ $0.publishedSchedule }) else {
                    throw Problem.notFound("no schedule is published yet; a planner publishes one with POST /api/v1/schedule/runs")
                }
                return try JSONIO.response(schedule)
            },
            APIRoute(
                method: .get,
                path: "/api/v1/work-centers/{id}/dispatch-list",
                operationID: "getDispatchList",
                summary: "What a work center should run next (by the published schedule, else by due date and priority), "
                    + "and whether the signed-in user could start each operation now",
                tag: "Schedule",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "DispatchList",
                parameters: [.path("id", "work center ID")]
            ) { _, ctx in
                let user = try ctx.requireUser()
                let id = WorkCenter.ID(try ctx.parameters.require("id"))
                let at = now()
                let list = try await service.read { state throws -> DispatchList in
                    guard state.workCenters[id] != nil else { throw Problem.notFound("work center '\(id)' does not exist") }
                    return DispatchList(state: state, workCenter: id, operator: user.id, now: at)
                }
                return try JSONIO.response(list)
            },
        ]
    }
}
