import Foundation
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

// Running and publishing a schedule from the schedule page: the service plans (the same use case, roles and limits as the
// API's schedule runs) and the result is kept for this browser's session only, shown with its makespan and late orders;
// the planner then publishes it (`publishSchedule`, checked by the plant again) or throws it away.

/// Schedules planned on the page and not yet published, by session (in memory: a restart forgets them).
actor ScheduleDrafts {
    private var drafts: [String: PublishedSchedule] = [:]
    func get(_ session: String) -> PublishedSchedule? { drafts[session] }
    func set(_ session: String, _ schedule: PublishedSchedule?) {
        drafts[session] = schedule
        if drafts.count > 1_000, let any = drafts.keys.first(where: { $0 != session }) { drafts[any] = nil }
    }
}

extension TaktWeb {
    func addScheduleActionRoutes<Context: RequestContext>(to router: Router<Context>) {
        let web = self
        action(router, "/schedule/runs", .schedule) { _, _, v, form in try await web.planSchedule(v, form: form) }
        action(router, "/schedule/publish", .schedule) { _, _, v, form in try await web.publishDraft(v, form: form) }
        action(router, "/schedule/discard", .schedule) { _, _, v, _ in
            await web.drafts.set(v.sessionID, nil)
            return ("/schedule", Flash(kind: .success, title: "Run thrown away", lines: ["The published schedule is unchanged."]))
        }
    }

    func planSchedule(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        let seconds = try form.trimmed("timeLimitSeconds").map { _ in try Self.number(form, "timeLimitSeconds", "the time limit") }
        let iterations = try form.trimmed("iterations").map { _ in try Self.integer(form, "iterations", "the iterations") }
        let seed = form.trimmed("seed").flatMap { UInt64($0) }
        let run = ScheduleRunRequest(timeLimitSeconds: seconds, seed: seed, iterations: iterations)
        let draft = try await service.planSchedule(run, by: Caller(user: viewer.user))
        await drafts.set(viewer.sessionID, draft)
        return (
            "/schedule#run",
            Flash(
                kind: .success,
                title: "Schedule \(draft.id) planned — not published yet",
                lines: ["Makespan \(Format.minutes(Double(draft.makespanMinutes))), \(draft.lateOrders.count) late orders. Publish it below."]
            )
        )
    }

    func publishDraft(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        guard let draft = await drafts.get(viewer.sessionID) else {
            throw WebError("Nothing to publish", "Run the schedule first; a run is kept for this browser until it is published.")
        }
        guard form.trimmed("schedule") == draft.id.rawValue else {
            throw WebError("A newer run", "The run shown when you sent the form is no longer the latest one; look at it again, then publish.")
        }
        try await submit(.publishSchedule(draft), as: viewer)
        await drafts.set(viewer.sessionID, nil)
        return (
            "/schedule",
            Flash(kind: .success, title: "Published \(draft.id)", lines: ["The floor now works to \(draft.id): \(draft.steps.count) operations."])
        )
    }

    /// The run form, and the run not yet published with its figures beside the published schedule's.
    func runPanel(_ viewer: Viewer, state: PlantState, flash: Flash?) async -> Node {
        guard UseCase.runSchedule.allows(viewer.user) else { return .fragment([]) }
        let draft = await drafts.get(viewer.sessionID)
        let published = state.publishedSchedule
        let zone = state.plantTimeZone
        return el("section", ["class": "panel", "id": "run"]) {
            el("h2", text: "Run the scheduler")
            el("form", ["method": "post", "action": "/schedule/runs", "class": "inline", "id": "run-form"]) {
                Pages.hidden("form", "run-form")
                el("label", ["for": "run-seconds"], text: "Search for (s)")
                void("input", ["type": "text", "id": "run-seconds", "name": "timeLimitSeconds", "size": "4", "placeholder": "2"])
                Pages.fieldError(flash, form: "run-form", field: "timeLimitSeconds", id: "run-seconds-error")
                el("label", ["for": "run-iterations"], text: "or iterations")
                void("input", ["type": "text", "id": "run-iterations", "name": "iterations", "size": "6"])
                Pages.fieldError(flash, form: "run-form", field: "iterations", id: "run-iterations-error")
                el("label", ["for": "run-seed"], text: "seed")
                void("input", ["type": "text", "id": "run-seed", "name": "seed", "size": "4"])
                el("button", ["type": "submit", "class": "primary", "id": "run-submit"], text: "Run")
            }
            if let draft {
                let orders = Set(draft.steps.map(\.productionOrder)).count
                el("div", ["id": "draft"]) {
                    el("h3", text: "Run \(draft.id.rawValue), planned \(Format.dateTime(draft.origin, zone)) — not published")
                    Pages.table(
                        ["", "This run", "Published" + (published.map { " (\($0.id.rawValue))" } ?? "")],
                        [
                            [
                                .text("Makespan"), .text(Format.minutes(Double(draft.makespanMinutes))),
                                .text(published.map { Format.minutes(Double($0.makespanMinutes)) } ?? "–"),
                            ],
                            [
                                .text("Late orders"), .text(String(draft.lateOrders.count)),
                                .text(published.map { String($0.lateOrders.count) } ?? "–"),
                            ],
                            [
                                .text("Weighted tardiness"), .text(Format.minutes(draft.weightedTardinessMinutes)),
                                .text(published.map { Format.minutes($0.weightedTardinessMinutes) } ?? "–"),
                            ],
                            [
                                .text("Setup"), .text(Format.minutes(Double(draft.totalSetupMinutes))),
                                .text(published.map { Format.minutes(Double($0.totalSetupMinutes)) } ?? "–"),
                            ],
                            [
                                .text("Operations (orders)"), .text("\(draft.steps.count) (\(orders))"),
                                .text(published.map { "\($0.steps.count) (\(Set($0.steps.map(\.productionOrder)).count))" } ?? "–"),
                            ],
                        ],
                        empty: "",
                        id: "draft-figures"
                    )
                    if !draft.lateOrders.isEmpty {
                        el("p", ["id": "draft-late"]) {
                            el("strong", text: "Late in this run: ")
                            draft.lateOrders.prefix(30).map(\.rawValue).joined(separator: ", ") + (draft.lateOrders.count > 30 ? " …" : "")
                        }
                    }
                    if viewer.may(.publishSchedule) {
                        el("form", ["method": "post", "action": "/schedule/publish", "class": "inline", "id": "publish-form"]) {
                            Pages.hidden("schedule", draft.id.rawValue)
                            el("button", ["type": "submit", "class": "primary", "id": "publish"], text: "Publish \(draft.id.rawValue)")
                        }
                    }
                    el("form", ["method": "post", "action": "/schedule/discard", "class": "inline"]) {
                        el("button", ["type": "submit", "id": "discard"], text: "Throw away")
                    }
                }
            }
        }
    }
}
