import Foundation
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

// Interlocks a supervisor can let pass: the operations of a work center with what stops them from starting (the same
// dispatch list the terminal and the API show), and a form to override one with a reason. The terminal may link here:
// `GET /interlocks?wc=WC-MILL-1&operator=op-anna`; the form posts to `POST /interlocks/override`.

extension TaktWeb {
    func interlocksPage(_ request: Request, _ viewer: Viewer) async -> PageContent {
        let q = request.uri.queryParameters
        let flash = await sessions.takeFlash(viewer.sessionID)
        let now = now()
        let state = await service.read { $0 }
        let wcs = state.workCenters.keys.sorted()
        let wc = q["wc"].map { WorkCenter.ID(String($0)) }.flatMap { state.workCenters[$0] == nil ? nil : $0 } ?? wcs.first
        // Whose start is checked: the operator asked for, else the first one clocked in at the work center.
        let clockedHere = state.clockedIn.values.filter { $0.workCenter == wc }.map(\.user).sorted()
        let worker = q["operator"].map { User.ID(String($0)) }.flatMap { state.users[$0] == nil ? nil : $0 } ?? clockedHere.first
        let list = wc.map { DispatchList(state: state, workCenter: $0, operator: worker, now: now) }
        let may = viewer.may(.overrideInterlock)
        let body = fragment {
            el("form", ["method": "get", "action": "/interlocks", "class": "inline toolbar"]) {
                el("label", ["for": "wc"], text: "Work center")
                el("select", ["id": "wc", "name": "wc"]) {
                    for id in wcs { el("option", ["value": id.rawValue, "selected": flag(id == wc)], text: id.rawValue) }
                }
                el("label", ["for": "operator"], text: "Operator")
                void("input", ["type": "text", "id": "operator", "name": "operator", "value": worker?.rawValue, "size": "10"])
                el("button", ["type": "submit"], text: "Show")
            }
            if !may {
                el("p", ["class": "muted"], text: "Only a supervisor can let an interlock pass; you can see what stops each operation.")
            }
            let blocked = (list?.items ?? []).filter { !$0.blockers.isEmpty }
            Pages.table(
                ["Order", "Operation", "Status", "What stops it"] + (may ? ["Override"] : []),
                blocked.map { e -> [Node] in
                    let passable = e.blockers.compactMap { Interlock(rawValue: $0.rule) }.filter { !$0.isLotInterlock && Self.overridable($0) }
                    let cells: [Node] = [
                        .text(e.productionOrder.rawValue), .text("\(e.sequence) \(e.name)"), .text(e.operationStatus.rawValue),
                        el("ul") { for b in e.blockers { el("li", text: b.message) } },
                    ]
                    return cells
                        + (may
                            ? [
                                fragment {
                                    for interlock in passable {
                                        let formID = "override-\(e.productionOrder.rawValue)-\(e.sequence)-\(interlock.rawValue)"
                                        el("form", ["method": "post", "action": "/interlocks/override", "class": "inline", "id": formID]) {
                                            Pages.hidden("form", formID)
                                            Pages.hidden("order", e.productionOrder.rawValue)
                                            Pages.hidden("operation", String(e.sequence))
                                            Pages.hidden("interlock", interlock.rawValue)
                                            Pages.hidden("back", request.uri.description)
                                            void(
                                                "input",
                                                [
                                                    "type": "text", "name": "reason", "size": "24", "placeholder": "reason",
                                                    "aria-label": "Reason to let \(interlock.rawValue) pass", "id": formID + "-reason",
                                                ]
                                            )
                                            el("button", ["type": "submit", "id": formID + "-submit"], text: "Let \(interlock.rawValue) pass")
                                            Pages.fieldError(flash, form: formID, field: "reason", id: formID + "-reason-error")
                                        }
                                    }
                                }
                            ] : [])
                },
                empty: wc.map { "Nothing waiting at \($0) is stopped by an interlock." } ?? "There is no work center.",
                id: "interlocks"
            )
        }
        var content = PageContent(title: "Interlocks" + (wc.map { " · \($0)" } ?? ""), body: body)
        content.flash = flash
        return content
    }

    /// Interlocks a quality hold sets are released by quality, never overridden; the rest a supervisor may let pass.
    static func overridable(_ i: Interlock) -> Bool { i != .orderOnHold && i != .workCenterOnHold }

    func overrideInterlock(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        guard let interlock = Interlock(rawValue: form.trimmed("interlock") ?? "") else {
            throw DomainError.invalid("interlock", "required", "name the interlock to let pass")
        }
        let order = ProductionOrder.ID(form.trimmed("order") ?? "")
        let operation = try Self.integer(form, "operation", "the operation")
        try await submit(
            .overrideInterlock(
                OverrideInterlock(
                    productionOrder: order,
                    operation: operation,
                    interlock: interlock,
                    reason: form.trimmed("reason") ?? "",
                    lot: form.trimmed("lot").map { Lot.ID($0) }
                )
            ),
            as: viewer
        )
        return (
            Redirect.local(form["back"]) ?? "/interlocks",
            Flash(kind: .success, title: "Override recorded", lines: ["\(interlock.rawValue) passes for \(order) op \(operation)."])
        )
    }
}
