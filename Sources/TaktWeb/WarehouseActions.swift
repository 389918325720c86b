import Foundation
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

// The warehouse board's actions: pick, confirm and report short on staging tasks, receive goods (against an expected
// receipt or unplanned) and ship lots against a customer order line. Each form submits the same command the API does,
// as the signed-in user: the plant checks the roles and the rules, and its refusals are shown in its own words, beside
// the field a rule names.

extension Viewer {
    /// Whether the user's roles may submit this kind of command (admins may submit every command): decides which forms a
    /// page offers. The plant checks again when the form is sent.
    func may(_ kind: CommandKind) -> Bool { has(.admin) || !kind.roles.isDisjoint(with: user.roles) }
}

extension TaktWeb {
    /// Registers the board actions: warehouse, quality, interlock overrides, schedule runs and the inbox.
    func addBoardActionRoutes<Context: RequestContext>(to router: Router<Context>) {
        let web = self
        action(router, "/warehouse/staging/{id}/{verb}", .warehouse) { _, c, v, form in
            try await web.stagingAction(v, form: form, task: c.parameters.get("id") ?? "", verb: c.parameters.get("verb") ?? "")
        }
        action(router, "/warehouse/receipts", .warehouse) { _, _, v, form in try await web.receive(v, form: form) }
        action(router, "/warehouse/shipments", .warehouse) { _, _, v, form in try await web.ship(v, form: form) }
        addQualityActionRoutes(to: router)
        addInboxActionRoutes(to: router)
        addScheduleActionRoutes(to: router)
    }

    func stagingAction(_ viewer: Viewer, form: Form, task: String, verb: String) async throws -> (String, Flash?) {
        let id = StagingTask.ID(task)
        let back = "/warehouse#staging"
        switch verb {
        case "pick":
            try await submit(.pickStagingTask(StagingTaskRef(stagingTask: id)), as: viewer)
            return (back, Flash(kind: .success, title: "Picked \(task)", lines: ["Staging task \(task) is on its way to the line."]))
        case "confirm":
            let to = form.trimmed("to").map { Location.ID($0) }
            try await submit(.confirmStagingTask(ConfirmStagingTask(stagingTask: id, to: to)), as: viewer)
            let where_ = await service.read { $0.stagingTasks[id]?.stagedTo?.rawValue }
            return (
                back,
                Flash(kind: .success, title: "Staged \(task)", lines: ["Staging task \(task) is delivered" + (where_.map { " at \($0)." } ?? ".")])
            )
        case "short":
            let found = try Self.number(form, "foundQuantity", "the quantity found")
            try await submit(.reportStagingShort(ReportStagingShort(stagingTask: id, foundQuantity: found)), as: viewer)
            return (
                back,
                Flash(
                    kind: .success,
                    title: "Reported short: \(task)",
                    lines: ["\(Format.quantity(found)) found; the task can be confirmed with what was found."]
                )
            )
        default:
            throw WebError("Unknown action", "A staging task can be picked, confirmed or reported short.")
        }
    }

    func receive(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        let expected = form.trimmed("expectedReceipt").map { ExpectedReceipt.ID($0) }
        let receipt = ReceiveLot(
            id: Lot.ID(form.trimmed("id") ?? ""),
            item: Item.ID(form.trimmed("item") ?? ""),
            quantity: try Self.number(form, "quantity", "the quantity received"),
            location: Location.ID(form.trimmed("location") ?? ""),
            supplier: form.trimmed("supplier") ?? "",
            supplierLot: form.trimmed("supplierLot") ?? "",
            deliveryNote: form.trimmed("deliveryNote") ?? "",
            expectedReceipt: expected
        )
        try await submit(.receiveLot(receipt), as: viewer)
        return (
            "/warehouse#receiving",
            Flash(
                kind: .success,
                title: "Received lot \(receipt.id)",
                lines: [
                    "\(Format.quantity(receipt.quantity)) of \(receipt.item) at \(receipt.location)"
                        + (expected.map { " against expected receipt \($0)." } ?? " (unplanned receipt).")
                ]
            )
        )
    }

    func ship(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        let salesOrder = SalesOrder.ID(form.trimmed("salesOrder") ?? "")
        let line = try Self.integer(form, "line", "the order line")
        let lots = (form["lots"] ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" }).map { Lot.ID(String($0)) }
        let outcome = try await submit(.shipLots(ShipLots(salesOrder: salesOrder, line: line, lots: lots)), as: viewer)
        var shipment: String?
        for case .lotsShipped(let s) in (try? outcome.domainEvents()) ?? [] { shipment = s.id.rawValue }
        return (
            "/warehouse#shipping",
            Flash(
                kind: .success,
                title: "Shipped" + (shipment.map { " (\($0))" } ?? ""),
                lines: ["\(lots.map(\.rawValue).joined(separator: ", ")) shipped against \(salesOrder) line \(line)."]
            )
        )
    }

    /// A number from a form field; a field that is not one is refused naming that field.
    static func number(_ form: Form, _ field: String, _ what: String) throws -> Double {
        guard let text = form.trimmed(field) else { throw DomainError.invalid(field, "required", "please fill in \(what)") }
        guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
            throw DomainError.invalid(field, "number", "\(what) must be a number (got '\(text.prefix(40))')")
        }
        return value
    }

    static func integer(_ form: Form, _ field: String, _ what: String) throws -> Int {
        guard let text = form.trimmed(field) else { throw DomainError.invalid(field, "required", "please fill in \(what)") }
        guard let value = Int(text) else { throw DomainError.invalid(field, "number", "\(what) must be a whole number (got '\(text.prefix(40))')") }
        return value
    }
}

// MARK: - The forms on the warehouse board

extension TaktWeb {
    /// The buttons of one staging task's row, for roles that may act on it.
    static func stagingForms(_ v: StagingTaskView, viewer: Viewer, flash: Flash?) -> Node {
        let task = v.task
        let id = "stg-\(task.id.rawValue)"
        let base = "/warehouse/staging/\(urlEncode(task.id.rawValue))"
        return el("div", ["class": "acts"]) {
            if task.status == .open && viewer.may(.pickStagingTask) {
                el("form", ["method": "post", "action": base + "/pick", "class": "inline"]) {
                    Pages.hidden("form", id + "-pick")
                    el("button", ["type": "submit", "id": "pick-\(task.id.rawValue)"], text: "Pick")
                }
            }
            if task.status.isOpen && viewer.may(.confirmStagingTask) {
                el("form", ["method": "post", "action": base + "/confirm", "class": "inline"]) {
                    Pages.hidden("form", id + "-confirm")
                    el("button", ["type": "submit", "class": "primary", "id": "confirm-\(task.id.rawValue)"], text: "Confirm staged")
                }
            }
            if task.status.isOpen && viewer.may(.reportStagingShort) {
                el("form", ["method": "post", "action": base + "/short", "class": "inline"]) {
                    Pages.hidden("form", id + "-short")
                    el("label", ["for": "found-\(task.id.rawValue)", "class": "muted"], text: "Found")
                    void(
                        "input",
                        [
                            "type": "text", "inputmode": "decimal", "size": "5", "id": "found-\(task.id.rawValue)", "name": "foundQuantity",
                            "aria-describedby": "found-\(task.id.rawValue)-error",
                        ]
                    )
                    el("button", ["type": "submit", "id": "short-\(task.id.rawValue)"], text: "Report short")
                    Pages.fieldError(flash, form: id + "-short", field: "foundQuantity", id: "found-\(task.id.rawValue)-error")
                }
            }
        }
    }

    /// Receiving: expected receipts still open, each with its form, and an unplanned receipt.
    static func receivingPanel(_ state: PlantState, viewer: Viewer, flash: Flash?) -> Node {
        let open = state.expectedReceipts.values.filter { $0.status == .open }.sorted { ($0.expectedDate, $0.id) < ($1.expectedDate, $1.id) }
        let may = viewer.may(.receiveLot)
        let locations = state.locations.values.filter { [.receiving, .quarantine].contains($0.kind) }.sorted { $0.id < $1.id }
        let zone = state.plantTimeZone
        return el("section", ["class": "panel", "id": "receiving"]) {
            el("h2", text: "Receiving")
            Pages.table(
                ["Expected", "Item", "Open qty", "Due", "Supplier", "Reference"] + (may ? ["Receive"] : []),
                open.prefix(50).map { r -> [Node] in
                    let cells: [Node] = [
                        .text(r.id.rawValue), .text(r.item.rawValue), .text(Format.quantity(r.openQuantity)),
                        .text(Format.dateTime(r.expectedDate, zone)), .text(r.supplier), .text(r.reference),
                    ]
                    return cells
                        + (may
                            ? [
                                receiptForm(
                                    formID: "receive-\(r.id.rawValue)",
                                    expected: r,
                                    locations: locations,
                                    flash: flash
                                )
                            ] : [])
                },
                empty: "No receipt is expected.",
                id: "expected-receipts"
            )
            if may {
                el("h3", text: "Unplanned receipt")
                receiptForm(formID: "receive-unplanned", expected: nil, locations: locations, flash: flash)
            }
        }
    }

    static func receiptForm(formID: String, expected: ExpectedReceipt?, locations: [Location], flash: Flash?) -> Node {
        func field(_ name: String, _ label: String, value: String?, size: Int = 12) -> Node {
            el("span", ["class": "field"]) {
                el("label", ["for": "\(formID)-\(name)"], text: label)
                void(
                    "input",
                    [
                        "type": "text", "id": "\(formID)-\(name)", "name": name, "value": value, "size": String(size),
                        "aria-describedby": "\(formID)-\(name)-error",
                    ]
                )
                Pages.fieldError(flash, form: formID, field: name, id: "\(formID)-\(name)-error")
            }
        }
        return el("form", ["method": "post", "action": "/warehouse/receipts", "class": "receipt", "id": formID]) {
            Pages.hidden("form", formID)
            if let expected {
                Pages.hidden("expectedReceipt", expected.id.rawValue)
                Pages.hidden("item", expected.item.rawValue)
                Pages.hidden("supplier", expected.supplier)
            } else {
                field("item", "Item", value: nil)
                field("supplier", "Supplier", value: nil, size: 16)
            }
            field("id", "New lot", value: nil)
            field("quantity", "Quantity", value: expected.map { Format.quantity($0.openQuantity) }, size: 6)
            el("span", ["class": "field"]) {
                el("label", ["for": "\(formID)-location"], text: "To")
                el("select", ["id": "\(formID)-location", "name": "location"]) {
                    for l in locations {
                        el("option", ["value": l.id.rawValue, "selected": flag(l.kind == .receiving)], text: "\(l.id.rawValue) (\(l.kind.rawValue))")
                    }
                }
                Pages.fieldError(flash, form: formID, field: "location", id: "\(formID)-location-error")
            }
            field("supplierLot", "Supplier lot", value: nil)
            field("deliveryNote", "Delivery note", value: expected?.reference, size: 14)
            Pages.fieldError(flash, form: formID, field: "expectedReceipt", id: "\(formID)-expectedReceipt-error")
            el("button", ["type": "submit", "class": "primary", "id": "\(formID)-submit"], text: "Receive")
        }
    }

    /// Shipping: open customer order lines with the lots in stock of their item, for roles that may ship.
    static func shippingPanel(_ state: PlantState, viewer: Viewer, flash: Flash?) -> Node {
        let may = viewer.may(.shipLots)
        var shipped: [String: Double] = [:]
        for s in state.shipments.values { shipped["\(s.salesOrder.rawValue)#\(s.line)", default: 0] += s.quantity }
        let lines = state.salesOrders.values.filter { $0.status == .open }.sorted { $0.id < $1.id }
            .flatMap { so in so.lines.map { (so, $0) } }
            .filter { (so, line) in (shipped["\(so.id.rawValue)#\(line.line)"] ?? 0) < line.quantity - 1e-9 }
        let zone = state.plantTimeZone
        return el("section", ["class": "panel", "id": "shipping"]) {
            el("h2", text: "Shipping")
            Pages.table(
                ["Customer order", "Line", "Item", "Qty", "Due", "Lots in stock"] + (may ? ["Ship"] : []),
                lines.prefix(50).map { (so, line) -> [Node] in
                    let stock = state.lots.values.filter { $0.item == line.item && $0.status == .available }.sorted { $0.id < $1.id }
                    let formID = "ship-\(so.id.rawValue)-\(line.line)"
                    let cells: [Node] = [
                        Pages.link(so.id.rawValue, "/orders/\(urlEncode(so.id.rawValue))"), .text(String(line.line)), .text(line.item.rawValue),
                        .text(Format.quantity(line.quantity)), .text(Format.dateTime(line.dueDate, zone)),
                        .text(stock.isEmpty ? "–" : stock.prefix(6).map { "\($0.id) (\(Format.quantity($0.quantity)))" }.joined(separator: ", ")),
                    ]
                    return cells
                        + (may
                            ? [
                                el("form", ["method": "post", "action": "/warehouse/shipments", "class": "inline", "id": formID]) {
                                    Pages.hidden("form", formID)
                                    Pages.hidden("salesOrder", so.id.rawValue)
                                    Pages.hidden("line", String(line.line))
                                    el("label", ["for": "\(formID)-lots", "class": "muted"], text: "Lots")
                                    void(
                                        "input",
                                        [
                                            "type": "text", "id": "\(formID)-lots", "name": "lots", "size": "14",
                                            "value": stock.reduce(0) { $0 + $1.quantity } >= line.quantity - 1e-9
                                                ? stock.map(\.id.rawValue).joined(separator: ",") : nil,
                                            "aria-describedby": "\(formID)-lots-error",
                                        ]
                                    )
                                    el("button", ["type": "submit", "id": "\(formID)-submit"], text: "Ship")
                                    Pages.fieldError(flash, form: formID, field: "lots", id: "\(formID)-lots-error")
                                }
                            ] : [])
                },
                empty: "No customer order line is waiting to ship.",
                id: "ship-lines"
            )
        }
    }
}

extension Pages {
    /// The plant's words beside a field, when the form just sent was refused by a rule that names that field.
    static func fieldError(_ flash: Flash?, form: String, field: String, id: String) -> Node {
        guard let flash, flash.form == form else { return .fragment([]) }
        let message = flash.fields[field] ?? flash.fields.first { $0.key.hasPrefix(field + "[") || $0.key.hasPrefix(field + ".") }?.value
        guard let message else { return .fragment([]) }
        return el("span", ["class": "field-error", "id": id, "role": "alert"], text: message)
    }
}
