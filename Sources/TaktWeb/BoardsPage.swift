import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

// The warehouse board, the quality board and the users & tokens page.

extension TaktWeb {
    func warehousePage(_ request: Request, _ viewer: Viewer) async -> PageContent {
        let (state, tasks) = await service.read { s in (s, s.stagingTasks()) }
        // A refused form's words go beside its field (and on top, as usual).
        let flash = await sessions.takeFlash(viewer.sessionID)
        let open = tasks.filter { $0.task.status.isOpen }.sorted {
            ($0.neededBy ?? .distantFuture, $0.task.id) < ($1.neededBy ?? .distantFuture, $1.task.id)
        }
        let now = now()
        let units = state.handlingUnits.values.sorted { $0.id < $1.id }
        let shortages = state.shortages.values.sorted { $0.from < $1.from }
        let body = fragment {
            el("div", ["class": "figures"]) {
                Pages.figure("open staging tasks", String(open.count), href: "#staging", tone: open.isEmpty ? "ok" : "")
                Pages.figure(
                    "overdue",
                    String(open.filter { ($0.neededBy ?? .distantFuture) < now }.count),
                    href: "#staging",
                    tone: open.contains { ($0.neededBy ?? .distantFuture) < now } ? "bad" : "ok"
                )
                Pages.figure("handling units", String(units.count), href: "#units")
                Pages.figure("projected shortages", String(shortages.count), href: "#shortages", tone: shortages.isEmpty ? "ok" : "bad")
                Pages.figure("missing lots", String(state.missingLots.count), href: "#missing", tone: state.missingLots.isEmpty ? "ok" : "warn")
            }
            el("section", ["class": "panel", "id": "staging"]) {
                el("h2", text: "Staging tasks")
                Pages.table(
                    ["Task", "Needed by", "Lot", "Qty", "From", "Handling unit", "To", "For", "Status", ""],
                    open.prefix(100).map { v in
                        let late = (v.neededBy ?? .distantFuture) < now
                        return [
                            .text(v.task.id.rawValue),
                            late
                                ? Pages.badge(v.neededBy.map { Format.dateTime($0, state.plantTimeZone) } ?? "–", "bad")
                                : .text(v.neededBy.map { Format.dateTime($0, state.plantTimeZone) } ?? "–"),
                            Pages.link(v.task.lot.rawValue, "/genealogy?lot=\(urlEncode(v.task.lot.rawValue))"),
                            .text(Format.quantity(v.task.quantity)),
                            .text(v.from?.rawValue ?? "–"), .text(v.handlingUnit?.rawValue ?? "–"), .text(v.to?.rawValue ?? "–"),
                            .text("\(v.task.productionOrder) op \(v.task.operation)" + (v.workCenter.map { " on \($0)" } ?? "")),
                            Pages.badge(v.task.status.rawValue, v.task.status == .short ? "bad" : (v.task.status == .picked ? "info" : "")),
                            Self.stagingForms(v, viewer: viewer, flash: flash),
                        ]
                    },
                    empty: "Nothing to stage.",
                    id: "staging-tasks"
                )
            }
            Self.receivingPanel(state, viewer: viewer, flash: flash)
            Self.shippingPanel(state, viewer: viewer, flash: flash)
            el("div", ["class": "grid"]) {
                el("section", ["class": "panel", "id": "shortages"]) {
                    el("h2", text: "Projected shortages")
                    Pages.table(
                        ["Item", "From", "Short by", "Operations affected"],
                        shortages.map { s in
                            [
                                .text(s.item.rawValue), .text(Format.dateTime(s.from, state.plantTimeZone)), .text(Format.quantity(s.shortBy)),
                                .text(
                                    s.affected.prefix(4).map { "\($0.productionOrder) op \($0.operation)" }.joined(separator: ", ")
                                        + (s.affected.count > 4 ? " …" : "")
                                ),
                            ]
                        },
                        empty: "No shortage is projected against the published schedule."
                    )
                }
                el("section", ["class": "panel", "id": "units"]) {
                    el("h2", text: "Pallets and other handling units")
                    Pages.table(
                        ["Unit", "Kind", "Location", "Lots", "Qty"],
                        units.prefix(60).map { u in
                            [
                                .text(u.id.rawValue), .text(u.kind.rawValue), .text(u.location.rawValue),
                                .text(u.lots.map(\.rawValue).joined(separator: ", ")),
                                .text(Format.quantity(u.lots.reduce(0) { $0 + (state.lots[$1]?.quantity ?? 0) })),
                            ]
                        },
                        empty: "No handling units."
                    )
                }
            }
            if !state.missingLots.isEmpty {
                el("section", ["class": "panel", "id": "missing"]) {
                    el("h2", text: "Lots reported missing")
                    Pages.table(
                        ["Lot", "Since"],
                        state.missingLots.sorted { $0.key < $1.key }.map {
                            [
                                Pages.link($0.key.rawValue, "/genealogy?lot=\(urlEncode($0.key.rawValue))"),
                                .text(Format.dateTime($0.value, state.plantTimeZone)),
                            ]
                        },
                        empty: ""
                    )
                }
            }
        }
        var content = PageContent(title: "Warehouse board", body: body)
        content.flash = flash
        return content
    }

    func qualityPage(_ request: Request, _ viewer: Viewer) async -> PageContent {
        let state = await service.read { $0 }
        let flash = await sessions.takeFlash(viewer.sessionID)
        let quarantined = state.quarantinedLots()
        // Inspections due: completed operations whose required inspection has not passed yet.
        var due: [(ProductionOrder.ID, OperationProgress, String)] = []
        for (po, ops) in state.operations {
            guard let order = state.productionOrders[po], !order.status.isTerminal || order.status == .completed,
                let routing = state.routings[order.routing]
            else { continue }
            for op in ops where op.status == .completed || op.status == .running {
                if routing.operations.first(where: { $0.sequence == op.sequence })?.inspectionRequired == true,
                    state.inspectionOutstanding(productionOrder: po, operation: op.sequence)
                {
                    due.append((po, op, state.inspectionPlan(for: order.item, operation: op.sequence)?.name ?? "inspection"))
                }
            }
        }
        due.sort { ($0.0, $0.1.sequence) < ($1.0, $1.1.sequence) }
        let ncs = state.nonconformances.values.filter { $0.status.rawValue != "closed" }.sorted { $0.openedAt > $1.openedAt }
        let holds = state.holds.values.filter { !$0.released }.sorted { $0.placedAt > $1.placedAt }
        let recent = state.inspectionResults.suffix(10).reversed()
        let body = fragment {
            Self.engineeringTabs("/quality")
            el("div", ["class": "figures"]) {
                Pages.figure("inspections due", String(due.count), href: "#due", tone: due.isEmpty ? "ok" : "warn")
                Pages.figure("open nonconformances", String(ncs.count), href: "#ncs", tone: ncs.isEmpty ? "ok" : "warn")
                Pages.figure("active holds", String(holds.count), href: "#holds", tone: holds.isEmpty ? "ok" : "bad")
                Pages.figure("lots on hold", String(holds.reduce(0) { $0 + $1.lots.count }), href: "#holds")
                Pages.figure("lots in quarantine", String(quarantined.count), href: "#quarantine", tone: quarantined.isEmpty ? "ok" : "warn")
            }
            el("section", ["class": "panel", "id": "due"]) {
                el("h2", text: "Inspections due")
                let mayInspect = viewer.may(.recordInspectionResult)
                Pages.table(
                    ["Order", "Operation", "Work center", "Plan", "Operation status"] + (mayInspect ? ["Record the result"] : []),
                    due.map { d -> [Node] in
                        let plan = state.productionOrders[d.0].flatMap { state.inspectionPlan(for: $0.item, operation: d.1.sequence) }
                        let cells: [Node] = [
                            Pages.orderLink(d.0), .text("\(d.1.sequence) \(d.1.name)"), .text(d.1.workCenter?.rawValue ?? "–"),
                            .text(d.2), .text(d.1.status.rawValue),
                        ]
                        return cells
                            + (mayInspect
                                ? [
                                    plan.map {
                                        Self.inspectionForm(plan: $0, order: d.0, operation: d.1.sequence, lot: nil, viewer: viewer, flash: flash)
                                    } ?? .text("no inspection plan for this operation")
                                ] : [])
                    },
                    empty: "No inspection is waiting."
                )
            }
            Self.quarantinePanel(state, viewer: viewer, flash: flash)
            Self.plansPanel(
                state,
                chosen: request.uri.queryParameters["plan"].map { InspectionPlan.ID(String($0)) },
                viewer: viewer,
                flash: flash
            )
            el("section", ["class": "panel", "id": "ncs"]) {
                el("h2", text: "Nonconformances")
                let mayDispose = viewer.may(.dispositionNonconformance)
                Pages.table(
                    ["NC", "Severity", "Status", "What", "Item", "Lots", "Order", "Opened"] + (mayDispose ? ["Disposition"] : []),
                    ncs.map { n -> [Node] in
                        let decide: [Node] =
                            !mayDispose
                            ? []
                            : n.status == .open
                                ? [Self.dispositionForm(n, state: state, viewer: viewer, flash: flash)]
                                : [.text(n.disposition.map { "\($0.kind.rawValue): \($0.reason)" } ?? "–")]
                        let cells: [Node] = [
                            .text(n.id.rawValue), Pages.badge(n.severity.rawValue, n.severity == .minor ? "warn" : "bad"), .text(n.status.rawValue),
                            .text(n.description),
                            .text(n.item?.rawValue ?? "–"), .text(n.lots.map(\.rawValue).joined(separator: ", ")),
                            .text(n.productionOrder?.rawValue ?? "–"),
                            .text(Format.dateTime(n.openedAt, state.plantTimeZone)),
                        ]
                        return cells + decide
                    },
                    empty: "No open nonconformance."
                )
                if viewer.may(.openNonconformance) {
                    el("h3", text: "Open a nonconformance")
                    Self.newNonconformanceForm(viewer: viewer, flash: flash)
                }
            }
            el("section", ["class": "panel", "id": "holds"]) {
                el("h2", text: "Holds")
                let mayRelease = viewer.may(.releaseHold)
                Pages.table(
                    ["Hold", "On", "Reason", "Lots held", "Orders", "Placed"] + (mayRelease ? ["Release"] : []),
                    holds.map { h -> [Node] in
                        let release: [Node] = mayRelease ? [Self.releaseForm(h, state: state, viewer: viewer, flash: flash)] : []
                        let cells: [Node] = [
                            .text(h.id.rawValue),
                            .text(
                                h.kind.rawValue + ": "
                                    + (h.lot?.rawValue ?? h.supplierLot ?? h.productionOrder?.rawValue ?? h.workCenter?.rawValue ?? "–")
                            ),
                            .text(h.reason),
                            .text(h.lots.prefix(6).map(\.lot.rawValue).joined(separator: ", ") + (h.lots.count > 6 ? " … (\(h.lots.count))" : "")),
                            .text(h.orders.map(\.rawValue).joined(separator: ", ")),
                            .text(Format.dateTime(h.placedAt, state.plantTimeZone) + (h.placedBy.map { " by \($0)" } ?? "")),
                        ]
                        return cells + release
                    },
                    empty: "Nothing is on hold.",
                    id: "holds-table"
                )
                if viewer.may(.placeHold) {
                    el("h3", text: "Place a hold")
                    Self.placeHoldForm(viewer: viewer, flash: flash)
                }
            }
            el("section", ["class": "panel"]) {
                el("h2", text: "Latest inspection results")
                Pages.table(
                    ["Result", "Plan", "Order", "Lot", "Passed", "By", "At"],
                    recent.map { r in
                        [
                            .text(r.id.rawValue), .text(r.plan.rawValue), .text(r.productionOrder.map { "\($0) op \(r.operation ?? 0)" } ?? "–"),
                            .text(r.lot?.rawValue ?? "–"),
                            Pages.badge(r.passed ? "passed" : "failed", r.passed ? "ok" : "bad"), .text(r.by?.rawValue ?? "–"),
                            .text(Format.dateTime(r.at, state.plantTimeZone)),
                        ]
                    },
                    empty: "No inspection recorded yet."
                )
            }
        }
        var content = PageContent(title: "Quality board", body: body)
        content.flash = flash
        return content
    }

    // MARK: - Users and tokens (admins)

    func issueToken(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        guard let user = form.trimmed("user") else { throw WebError.missing("the user") }
        let secret = PlantService.newTokenSecret()
        try await submit(
            .issueAPIToken(
                IssueAPIToken(user: .init(user), secretHash: PlantService.hash(secret: secret), label: "web: issued by \(viewer.user.id)")
            ),
            as: viewer
        )
        return ("/admin", Flash(kind: .success, title: "Token for \(user) — shown once", lines: [secret]))
    }
}
