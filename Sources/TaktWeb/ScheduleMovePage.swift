import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktOrchestration
import TaktService

/// Moving one operation of the published schedule by hand (a drag on the Gantt, or the form): the page shows the
/// simulated effect first; a planner then publishes it, as the same `publishSchedule` command the API takes.
extension TaktWeb {
    /// The move a request asks for: `op=PO-000002/10`, `wc=WC-MILL-2`, and `at=2026-11-26T08:00` (plant time) or
    /// `t=<seconds since 1970>` (what a drag on the chart sends).
    static func requestedMove(_ fields: [String: String], state: PlantState) throws -> ManualMove {
        let zone = state.plantTimeZone
        let op = fields["op"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let parts = op.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, let sequence = Int(parts[1]) else {
            throw WebError("Which operation?", "op must name an operation as ORDER/SEQUENCE, e.g. PO-000002/10 (got '\(op.prefix(60))').")
        }
        let step = state.publishedSchedule?.steps.first { $0.productionOrder.rawValue == parts[0] && $0.sequence == sequence }
        let wc = fields["wc"].flatMap { $0.isEmpty ? nil : WorkCenter.ID($0) } ?? step?.workCenter
        guard let wc else { throw WebError("Which work center?", "wc must name the work center to move the operation to.") }
        let start: Date
        if let t = fields["t"].flatMap(Double.init), t.isFinite, abs(t) < 1e11 {
            start = Date(timeIntervalSince1970: (t / 60).rounded(.down) * 60)
        } else if let at = fields["at"], !at.isEmpty {
            guard let d = Format.parseMinute(at, zone) else {
                throw WebError("When?", "at must be a date and time such as 2026-11-26T08:00, in the plant's time (got '\(at.prefix(40))').")
            }
            start = d
        } else if let step {
            start = step.start
        } else {
            throw WebError("When?", "at must say when the operation should start.")
        }
        return ManualMove(productionOrder: .init(parts[0]), sequence: sequence, workCenter: wc, start: start)
    }

    func moveOperationPage(_ request: Request, _ viewer: Viewer) async -> PageContent {
        var query: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { query[String(k)] = String(v) }
        let fields = query
        let now = now()
        let answer: Result<(ManualMove, ManualMove.Result, PlantState), any Error> = await service.read { state in
            do {
                let move = try Self.requestedMove(fields, state: state)
                return .success((move, try move.simulate(state: state, now: now), state))
            } catch {
                return .failure(error)
            }
        }
        switch answer {
        case .failure(let error):
            return PageContent(
                title: "Move an operation",
                body: fragment {
                    Pages.flash(Web.flash(for: error, reference: nil))
                    el("p") { Pages.link("Back to the schedule", "/schedule") }
                },
                status: .badRequest
            )
        case .success(let (move, result, state)):
            return PageContent(title: "Move \(move.productionOrder.rawValue) op \(move.sequence)", body: moveBody(move, result, state, viewer, now))
        }
    }

    private func moveBody(_ move: ManualMove, _ r: ManualMove.Result, _ state: PlantState, _ viewer: Viewer, _ now: Date) -> Node {
        let zone = state.plantTimeZone
        let moves = Gantt.moves(from: r.before.steps, to: r.after.steps)
        let eligible =
            state.productionOrders[move.productionOrder].flatMap { po in
                state.routings[po.routing]?.operations.first { $0.sequence == move.sequence }?.workCenters.map(\.workCenter)
            } ?? [move.workCenter]
        let rows = state.workCenters.keys.sorted().filter { wc in moves.contains { $0.after.workCenter == wc || $0.before?.workCenter == wc } }
        let windowStart = Zoom.day.floor(min(r.moved.start, moves.map(\.after.start).min() ?? r.moved.start), in: zone)
        let fields = [
            ("op", "\(move.productionOrder.rawValue)/\(move.sequence)"), ("wc", move.workCenter.rawValue), ("at", Format.minute(move.start, zone)),
        ]
        func figure(_ label: String, _ before: String, _ after: String) -> [Node] { [.text(label), .text(before), .text(after)] }
        return fragment {
            el("p") {
                "Simulated, not published: "
                Pages.orderLink(move.productionOrder)
                " op \(move.sequence) on "
                el("strong", text: r.moved.workCenter.rawValue)
                ", \(Format.range(r.moved.start, r.moved.end, zone))"
                if r.moved.start > move.start.addingTimeInterval(59) {
                    " — later than the \(Format.dateTime(move.start, zone)) asked for: the work center is busy or off shift until then."
                }
            }
            el("form", ["method": "get", "action": "/schedule/move", "class": "inline toolbar"]) {
                Pages.hidden("op", "\(move.productionOrder.rawValue)/\(move.sequence)")
                el("label", ["for": "move-wc"], text: "Work center")
                el("select", ["id": "move-wc", "name": "wc"]) {
                    for wc in eligible { el("option", ["value": wc.rawValue, "selected": flag(wc == move.workCenter)], text: wc.rawValue) }
                }
                el("label", ["for": "move-at"], text: "Start no earlier than")
                void("input", ["id": "move-at", "name": "at", "type": "datetime-local", "value": Format.minute(move.start, zone)])
                el("button", ["type": "submit"], text: "Simulate")
            }
            Pages.table(
                ["Figure", "\(state.publishedSchedule?.id.rawValue ?? "The plan") as the plant stands now", "With the move"],
                [
                    figure("Late orders", String(r.before.lateOrders.count), String(r.after.lateOrders.count)),
                    figure(
                        "Weighted tardiness",
                        Format.minutes(r.before.weightedTardinessMinutes),
                        Format.minutes(r.after.weightedTardinessMinutes)
                    ),
                    figure("Setup", Format.minutes(Double(r.before.totalSetupMinutes)), Format.minutes(Double(r.after.totalSetupMinutes))),
                    figure("Makespan", Format.minutes(Double(r.before.makespanMinutes)), Format.minutes(Double(r.after.makespanMinutes))),
                    figure("Operations that move", "–", String(moves.count)),
                ],
                empty: "",
                id: "move-effect"
            )
            if let published = state.publishedSchedule, published.lateOrders.count != r.before.lateOrders.count {
                el(
                    "p",
                    ["class": "muted"],
                    text:
                        "Both columns time the plan again on the plant as it is now (machines down or slow, holds, overruns), so they can differ from the figures \(published.id.rawValue) was published with (\(Format.count(published.lateOrders.count, "late order")))."
                )
            }
            let newlyLate = Set(r.after.lateOrders).subtracting(r.before.lateOrders).sorted()
            if !newlyLate.isEmpty {
                el("p", ["class": "flash error"], text: "Late with this move: " + newlyLate.map(\.rawValue).joined(separator: ", "))
            }
            if viewer.has(.planner) {
                el("form", ["method": "post", "action": "/schedule/move", "class": "inline toolbar"]) {
                    for (k, v) in fields { Pages.hidden(k, v) }
                    el("button", ["type": "submit", "class": "primary", "id": "publish-move"], text: "Publish this plan as \(r.after.id.rawValue)")
                }
            } else {
                el("p", ["class": "muted"], text: "A planner publishes schedules; this page shows the effect only.")
            }
            Gantt(
                state: state,
                schedule: r.after,
                workCenters: rows.isEmpty ? [move.workCenter] : rows,
                from: windowStart,
                to: windowStart.addingTimeInterval(Zoom.week.seconds),
                now: now,
                zone: zone,
                changed: Set(moves.map { Gantt.key($0.after) }),
                ghosts: moves.compactMap(\.before),
                title: "The plan with the move, against the published schedule"
            ).view()
            el("h2", text: "Operations that move")
            Gantt.movesTable(moves, state, empty: "Nothing moves: the plan already has this operation there.")
        }
    }

    /// Publishes the move as simulated now (the plant may have changed since the page was shown).
    func publishMove(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        let now = now()
        let (result, zone) = try await service.read { state throws -> (ManualMove.Result, TimeZone) in
            (try Self.requestedMove(form.fields, state: state).simulate(state: state, now: now), state.plantTimeZone)
        }
        try await submit(.publishSchedule(result.after), as: viewer)
        return (
            "/schedule",
            Flash(
                kind: .success,
                title: "Published \(result.after.id.rawValue)",
                lines: [
                    "\(result.moved.productionOrder) op \(result.moved.sequence) on \(result.moved.workCenter) from \(Format.dateTime(result.moved.start, zone));"
                        + " \(result.after.lateOrders.count) late orders (\(result.before.lateOrders.count) before)."
                ]
            )
        )
    }
}
