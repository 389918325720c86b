public import Foundation

// Warehouse: receipts, handling units, reservations, staging, projected availability and shipping.
// Like the rest of PlantState, `decideWarehouse` validates and returns events; `applyWarehouse` folds them, and
// `applyWarehouseEffects` follows events decided elsewhere (moves, consumption, scrapping, the end of an order).

private let epsilon = 1e-9

// MARK: - Decide

extension PlantState {
    func decideWarehouse(_ command: Command, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        switch command {
        case .receiveLot(let receipt): return try decideReceive(receipt, actor: actor, now: now)
        case .expectReceipt(let expect): return try decideExpect(expect, now: now)
        case .cancelExpectedReceipt(let cancel):
            guard let receipt = expectedReceipts[cancel.expectedReceipt] else {
                throw .notFound("expectedReceipt", "expected receipt '\(cancel.expectedReceipt)' does not exist")
            }
            guard receipt.status == .open else {
                throw .conflict(
                    "expectedReceipt",
                    "status",
                    "expected receipt '\(receipt.id)' is \(receipt.status.rawValue); only an open one can be cancelled"
                )
            }
            var v = Validator()
            v.name(cancel.reason, "reason")
            try v.throwIfAny()
            let cancelled: [Event] = [.expectedReceiptCancelled(.init(expectedReceipt: receipt.id, reason: cancel.reason, at: now))]
            return cancelled + shortageEvents(after: cancelled, items: [receipt.item], now: now)

        case .createHandlingUnit(let create): return try decideCreateUnit(create, now: now)
        case .moveHandlingUnit(let move): return try decideMoveUnit(move)
        case .splitHandlingUnit(let split): return try decideSplitUnit(split, now: now)
        case .addToHandlingUnit(let add): return try decideAddToUnit(add)
        case .removeFromHandlingUnit(let remove):
            let unit = try handlingUnit(remove.handlingUnit)
            var v = Validator()
            v.check(!remove.lots.isEmpty, "lots", "required", "name at least one lot to take off \(unit.id)")
            var seen = Set<Lot.ID>()
            for (i, lot) in remove.lots.enumerated() {
                v.check(seen.insert(lot).inserted, "lots[\(i)]", "unique", "lot '\(lot)' is listed twice")
                v.check(unit.lots.contains(lot), "lots[\(i)]", "not-on-unit", "lot '\(lot)' is not on \(unit.id) \(Self.carrying(unit))")
            }
            try v.throwIfAny()
            return [.lotsRemovedFromHandlingUnit(.init(handlingUnit: unit.id, lots: remove.lots))]

        case .reserveLot(let reserve): return try decideReserve(reserve, actor: actor, now: now)
        case .unreserveLot(let unreserve):
            guard let reservation = reservations[unreserve.reservation] else {
                throw .notFound("reservation", "reservation '\(unreserve.reservation)' does not exist or was already released")
            }
            var v = Validator()
            v.name(unreserve.reason, "reason")
            try v.throwIfAny()
            return [
                .reservationReleased(
                    .init(
                        reservation: reservation.id,
                        productionOrder: reservation.productionOrder,
                        lot: reservation.lot,
                        quantity: reservation.quantity,
                        reason: unreserve.reason,
                        by: actor,
                        at: now
                    )
                )
            ]

        case .pickStagingTask(let ref):
            let task = try stagingTask(ref.stagingTask)
            guard task.status == .open else {
                throw .conflict("stagingTask", "status", "staging task \(task.id) is \(task.status.rawValue); only an open task can be picked")
            }
            try checkStageable(task)
            return [.stagingTaskPicked(.init(stagingTask: task.id, lot: task.lot, by: actor, at: now))]

        case .confirmStagingTask(let confirm): return try decideConfirm(confirm, actor: actor, now: now)
        case .reportStagingShort(let short): return try decideShort(short, actor: actor, now: now)
        case .reportMaterialMissing(let missing): return try decideMissing(missing, actor: actor, now: now)

        case .checkMaterial(let check):
            var v = Validator()
            for (i, item) in (check.items ?? []).enumerated() {
                v.check(items[item] != nil, "items[\(i)]", "unknown-reference", "item '\(item)' does not exist")
            }
            try v.throwIfAny()
            return shortageEvents(after: [], items: check.items.map(Set.init), now: now)

        case .shipLots(let ship): return try decideShip(ship, actor: actor, now: now)

        default:
            throw .invalid("type", "not-warehouse", "\(command.typeName) is not a warehouse command")
        }
    }

    // MARK: Receipts

    func decideReceive(_ r: ReceiveLot, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        if lots[r.id] != nil { throw .conflict("id", "exists", "lot '\(r.id)' already exists") }
        var v = Validator()
        v.code(r.id, "id")
        v.quantity(r.quantity, "quantity")
        if let item = items[r.item] {
            v.check(
                item.kind == .purchased,
                "item",
                "not-purchased",
                "item '\(item.id)' is \(item.kind.rawValue); only purchased material is received from a supplier"
            )
        } else {
            v.add("item", "unknown-reference", "item '\(r.item)' does not exist")
        }
        let location = locations[r.location]
        if let location {
            v.check(location.active, "location", "inactive", "location '\(location.id)' is deactivated")
            v.check(
                location.kind == .receiving || location.kind == .quarantine,
                "location",
                "not-receiving",
                "location '\(location.id)' is a \(location.kind.rawValue) location; deliveries are received at a receiving (or quarantine) location"
            )
        } else {
            v.add("location", "unknown-reference", "location '\(r.location)' does not exist")
        }
        v.name(r.supplier, "supplier")
        v.name(r.supplierLot, "supplierLot")
        v.name(r.deliveryNote, "deliveryNote")
        let supplier = r.supplier.trimmingCharacters(in: .whitespacesAndNewlines)
        if let id = r.expectedReceipt {
            if let expected = expectedReceipts[id] {
                v.check(expected.status == .open, "expectedReceipt", "status", "expected receipt '\(id)' is \(expected.status.rawValue), not open")
                v.check(
                    expected.item == r.item,
                    "expectedReceipt",
                    "item-mismatch",
                    "expected receipt '\(id)' is for '\(expected.item)', not '\(r.item)'"
                )
                v.check(
                    expected.supplier.lowercased() == supplier.lowercased(),
                    "supplier",
                    "supplier-mismatch",
                    "expected receipt '\(id)' is from '\(expected.supplier)', not '\(supplier)'"
                )
            } else {
                v.add("expectedReceipt", "unknown-reference", "expected receipt '\(id)' does not exist")
            }
        }
        try v.throwIfAny()
        let note = r.deliveryNote.trimmingCharacters(in: .whitespacesAndNewlines)
        let lot = Lot(
            id: r.id,
            item: r.item,
            quantity: r.quantity,
            location: r.location,
            status: location?.kind == .quarantine ? .quarantine : .available,
            supplierLot: r.supplierLot.trimmingCharacters(in: .whitespacesAndNewlines),
            supplier: supplier,
            createdAt: now,
            deliveryNote: note
        )
        // An item with an incoming-inspection plan waits in quarantine until a result passes.
        return [.lotReceived(.init(lot: receiptStatus(lot), deliveryNote: note, expectedReceipt: r.expectedReceipt, by: actor))]
    }

    func decideExpect(_ e: ExpectReceipt, now: Date) throws(DomainError) -> [Event] {
        let id = e.id ?? ExpectedReceipt.ID(String(format: "ER-%06d", nextExpectedReceiptNumber))
        if expectedReceipts[id] != nil { throw .conflict("id", "exists", "expected receipt '\(id)' already exists") }
        var v = Validator()
        v.code(id, "id")
        if let item = items[e.item] {
            v.check(
                item.kind == .purchased,
                "item",
                "not-purchased",
                "item '\(item.id)' is \(item.kind.rawValue); only purchased material is expected from a supplier"
            )
        } else {
            v.add("item", "unknown-reference", "item '\(e.item)' does not exist")
        }
        v.quantity(e.quantity, "quantity")
        v.name(e.supplier, "supplier")
        v.name(e.reference, "reference")
        try v.throwIfAny()
        let expected: [Event] = [
            .receiptExpected(
                ExpectedReceipt(
                    id: id,
                    item: e.item,
                    quantity: e.quantity,
                    expectedDate: e.expectedDate,
                    supplier: e.supplier.trimmingCharacters(in: .whitespacesAndNewlines),
                    reference: e.reference.trimmingCharacters(in: .whitespacesAndNewlines)
                )
            )
        ]
        return expected + shortageEvents(after: expected, items: [e.item], now: now)
    }

    // MARK: Handling units

    func handlingUnit(_ id: HandlingUnit.ID, field: String = "handlingUnit") throws(DomainError) -> HandlingUnit {
        guard let unit = handlingUnits[id] else { throw .notFound(field, "handling unit '\(id)' does not exist") }
        return unit
    }

    static func carrying(_ unit: HandlingUnit) -> String {
        unit.lots.isEmpty ? "(it is empty)" : "(it carries \(unit.lots.map(\.rawValue).joined(separator: ", ")))"
    }

    /// Checks lots to be put on `unitID` at `location`: they exist, are in stock there, and are on no other unit.
    func checkLotsForUnit(_ ids: [Lot.ID], unit unitID: HandlingUnit.ID, at location: Location.ID, into v: inout Validator) {
        var seen = Set<Lot.ID>()
        for (i, id) in ids.enumerated() {
            let f = "lots[\(i)]"
            guard seen.insert(id).inserted else {
                v.add(f, "unique", "lot '\(id)' is listed twice")
                continue
            }
            guard let lot = lots[id] else {
                v.add(f, "unknown-reference", "lot '\(id)' does not exist")
                continue
            }
            guard lot.status.inStock else {
                v.add(f, "not-in-stock", "lot '\(id)' is \(lot.status.rawValue) and no longer in stock")
                continue
            }
            v.check(lot.location == location, f, "wrong-location", "lot '\(id)' is at \(lot.location), not at \(location); move it there first")
            if let other = handlingUnitByLot[id] {
                v.add(
                    f,
                    "on-other-unit",
                    other == unitID ? "lot '\(id)' is already on \(other)" : "lot '\(id)' is on \(other); take it off there first"
                )
            }
        }
    }

    func decideCreateUnit(_ c: CreateHandlingUnit, now: Date) throws(DomainError) -> [Event] {
        if handlingUnits[c.id] != nil { throw .conflict("id", "exists", "handling unit '\(c.id)' already exists") }
        var v = Validator()
        v.code(c.id, "id")
        if locations[c.location] == nil {
            v.add("location", "unknown-reference", "location '\(c.location)' does not exist")
        } else {
            checkLotsForUnit(c.lots, unit: c.id, at: c.location, into: &v)
        }
        try v.throwIfAny()
        return [.handlingUnitCreated(HandlingUnit(id: c.id, kind: c.kind, location: c.location, lots: c.lots, createdAt: now))]
    }

    func decideMoveUnit(_ m: MoveHandlingUnit) throws(DomainError) -> [Event] {
        let unit = try handlingUnit(m.handlingUnit)
        guard let destination = locations[m.to] else { throw .notFound("to", "location '\(m.to)' does not exist") }
        guard destination.active else { throw .conflict("to", "inactive", "location '\(m.to)' is deactivated; nothing may be moved there") }
        guard unit.location != m.to else { throw .conflict("to", "same-location", "\(unit.id) is already at \(m.to)") }
        var v = Validator()
        for id in unit.lots {
            guard let lot = lots[id] else { continue }
            switch lot.status {
            case .available: break
            case .quarantine:
                v.check(
                    destination.kind == .quarantine,
                    "handlingUnit",
                    "quarantine",
                    "lot '\(id)' on \(unit.id) is in quarantine, so \(unit.id) may only move to a quarantine location"
                )
            case .onHold:
                v.add("handlingUnit", "on-hold", "lot '\(id)' on \(unit.id) is on hold and cannot be moved until quality releases it")
            case .consumed, .shipped, .scrapped, .returned: break
            }
        }
        try v.throwIfAny(.conflict)
        var events: [Event] = [.handlingUnitMoved(.init(handlingUnit: unit.id, from: unit.location, to: m.to, lots: unit.lots))]
        for id in unit.lots {
            guard let lot = lots[id], lot.status.inStock, lot.location != m.to else { continue }
            events.append(.lotMoved(.init(lot: id, from: lot.location, to: m.to)))
        }
        return events
    }

    func decideSplitUnit(_ s: SplitHandlingUnit, now: Date) throws(DomainError) -> [Event] {
        let unit = try handlingUnit(s.handlingUnit)
        if handlingUnits[s.newHandlingUnit] != nil {
            throw .conflict("newHandlingUnit", "exists", "handling unit '\(s.newHandlingUnit)' already exists")
        }
        var v = Validator()
        v.code(s.newHandlingUnit, "newHandlingUnit")
        v.check(!s.lots.isEmpty, "lots", "required", "name the lots to take off \(unit.id) onto \(s.newHandlingUnit)")
        var seen = Set<Lot.ID>()
        for (i, id) in s.lots.enumerated() {
            let f = "lots[\(i)]"
            guard seen.insert(id).inserted else {
                v.add(f, "unique", "lot '\(id)' is listed twice")
                continue
            }
            if lots[id] == nil {
                v.add(f, "unknown-reference", "lot '\(id)' does not exist")
            } else {
                v.check(unit.lots.contains(id), f, "not-on-unit", "lot '\(id)' is not on \(unit.id) \(Self.carrying(unit))")
            }
        }
        try v.throwIfAny()
        let new = HandlingUnit(id: s.newHandlingUnit, kind: s.kind ?? unit.kind, location: unit.location, lots: s.lots, createdAt: now)
        return [.handlingUnitSplit(.init(from: unit.id, to: new))]
    }

    func decideAddToUnit(_ a: HandlingUnitLots) throws(DomainError) -> [Event] {
        let unit = try handlingUnit(a.handlingUnit)
        var v = Validator()
        v.check(!a.lots.isEmpty, "lots", "required", "name at least one lot to put on \(unit.id)")
        checkLotsForUnit(a.lots, unit: unit.id, at: unit.location, into: &v)
        try v.throwIfAny()
        return [.lotsAddedToHandlingUnit(.init(handlingUnit: unit.id, lots: a.lots))]
    }

    // MARK: Reservations

    public func reservedQuantity(lot: Lot.ID) -> Double {
        Quantity.exact((reservationsByLot[lot] ?? []).reduce(0) { $0 + (reservations[$1]?.quantity ?? 0) })
    }

    /// What of `lot` may still be reserved: its quantity less reservations, for an available lot that is not missing.
    public func availableToReserve(lot id: Lot.ID) -> Double {
        guard let lot = lots[id], lot.status == .available, missingLots[id] == nil else { return 0 }
        return Quantity.exact(max(0, lot.quantity - reservedQuantity(lot: id)))
    }

    /// What `order` still needs of `component`: required less consumed (of it or its substitutes) less reserved for it.
    func stillNeeded(_ order: ProductionOrder, _ component: BOMComponent) -> (required: Double, consumed: Double, reserved: Double) {
        let consumed = consumed(order, component)
        let reserved = (reservationsByOrder[order.id] ?? []).reduce(0.0) { sum, id in
            reservations[id].map { $0.component == component.item ? sum + $0.quantity : sum } ?? sum
        }
        return (Quantity.exact(component.quantity * order.quantity), consumed, Quantity.exact(reserved))
    }

    func reservationEvents(
        _ order: ProductionOrder,
        _ component: BOMComponent,
        lot: Lot,
        quantity: Double,
        number: inout (Int, Int),
        actor: User.ID?,
        now: Date
    ) -> [Event] {
        let rid = Reservation.ID(String(format: "RES-%06d", number.0))
        let tid = StagingTask.ID(String(format: "STG-%06d", number.1))
        number = (number.0 + 1, number.1 + 1)
        let operation = consumingOperation(component, of: order)
        return [
            .lotReserved(
                Reservation(
                    id: rid,
                    productionOrder: order.id,
                    operation: operation,
                    component: component.item,
                    lot: lot.id,
                    item: lot.item,
                    quantity: quantity,
                    stagingTask: tid,
                    by: actor,
                    at: now
                )
            ),
            .stagingTaskCreated(
                StagingTask(id: tid, reservation: rid, productionOrder: order.id, operation: operation, lot: lot.id, quantity: quantity)
            ),
        ]
    }

    /// Reserves available, unreserved lots for everything `order` still needs: the component's own item before its
    /// substitutes, oldest lot first. Each reservation gets a staging task.
    func autoReservations(_ order: ProductionOrder, actor: User.ID?, now: Date) -> [Event] {
        guard let bom = bom(of: order.item) else { return [] }
        let wanted = Set(bom.components.flatMap { [$0.item] + $0.substitutes })
        let candidates = lots.values.filter { wanted.contains($0.item) && availableToReserve(lot: $0.id) > epsilon }
        var taken: [Lot.ID: Double] = [:]
        var number = (nextReservationNumber, nextStagingTaskNumber)
        var events: [Event] = []
        for component in bom.components {
            let need = stillNeeded(order, component)
            var open = need.required - need.consumed - need.reserved
            guard open > epsilon else { continue }
            let ordered = candidates.filter { $0.item == component.item || component.substitutes.contains($0.item) }.sorted {
                ($0.item == component.item ? 0 : 1, $0.createdAt, $0.id) < ($1.item == component.item ? 0 : 1, $1.createdAt, $1.id)
            }
            for lot in ordered where open > epsilon {
                let free = availableToReserve(lot: lot.id) - taken[lot.id, default: 0]
                guard free > epsilon else { continue }
                let quantity = min(free, open)
                events += reservationEvents(order, component, lot: lot, quantity: quantity, number: &number, actor: actor, now: now)
                taken[lot.id, default: 0] += quantity
                open -= quantity
            }
        }
        return events
    }

    /// Appended to a release: reservations with their staging tasks, then the shortages the release changes.
    func warehouseOnRelease(_ order: ProductionOrder, after released: [Event], actor: User.ID?, now: Date) -> [Event] {
        var next = self
        for event in released { next.apply(event, sequence: sequence) }
        guard let current = next.productionOrders[order.id] else { return [] }
        let reserving = next.autoReservations(current, actor: actor, now: now)
        for event in reserving { next.apply(event, sequence: sequence) }
        let items = Set(bom(of: order.item)?.components.flatMap { [$0.item] + $0.substitutes } ?? [])
        return reserving + next.shortageEvents(after: [], items: items, now: now)
    }

    func decideReserve(_ r: ReserveLot, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        let order = try productionOrder(r.productionOrder, expecting: [.released, .inProgress], to: "reserve material for")
        guard let lot = lots[r.lot] else { throw .notFound("lot", "lot '\(r.lot)' does not exist") }
        guard let bom = bom(of: order.item),
            let component = bom.components.first(where: { $0.item == lot.item }) ?? bom.components.first(where: { $0.substitutes.contains(lot.item) })
        else {
            let takes = bom(of: order.item)?.components.map(\.item.rawValue).joined(separator: ", ") ?? "nothing"
            throw .invalid(
                "lot",
                "not-a-component",
                "lot '\(lot.id)' is \(lot.item), which is not in the bill of materials of \(order.item) (it takes \(takes)) nor an approved substitute"
            )
        }
        try checkReservable(lot, field: "lot")
        let need = stillNeeded(order, component)
        let open = need.required - need.consumed - need.reserved
        let unit = items[component.item]?.unit.rawValue ?? ""
        guard open > epsilon else {
            throw .conflict(
                "productionOrder",
                "fully-reserved",
                "\(order.id) needs no more \(component.item): \(Self.number(need.required)) \(unit) required, \(Self.number(need.consumed)) consumed, \(Self.number(need.reserved)) reserved"
            )
        }
        let free = availableToReserve(lot: lot.id)
        guard free > epsilon else {
            throw .conflict(
                "lot",
                "fully-reserved",
                "lot '\(lot.id)' is fully reserved (\(Self.number(reservedQuantity(lot: lot.id))) of \(Self.number(lot.quantity)) \(unit))"
            )
        }
        let quantity = r.quantity ?? min(free, open)
        var v = Validator()
        v.quantity(quantity, "quantity")
        v.check(
            quantity <= free + epsilon,
            "quantity",
            "exceeds-available",
            "lot '\(lot.id)' has \(Self.number(free)) \(unit) free to reserve (\(Self.number(lot.quantity)) in the lot, \(Self.number(reservedQuantity(lot: lot.id))) reserved); \(Self.number(quantity)) is too many"
        )
        v.check(
            quantity <= open + epsilon,
            "quantity",
            "exceeds-need",
            "\(order.id) still needs \(Self.number(open)) \(unit) of \(component.item); \(Self.number(quantity)) is more than that"
        )
        try v.throwIfAny()
        var number = (nextReservationNumber, nextStagingTaskNumber)
        return reservationEvents(order, component, lot: lot, quantity: quantity, number: &number, actor: actor, now: now)
    }

    /// An available lot that is not missing; held, quarantined and used-up lots are refused with a reason.
    func checkReservable(_ lot: Lot, field: String) throws(DomainError) {
        switch lot.status {
        case .available: break
        case .onHold: throw .conflict(field, "on-hold", "lot '\(lot.id)' is on hold; it cannot be reserved until quality releases it")
        case .quarantine: throw .conflict(field, "quarantine", "lot '\(lot.id)' is in quarantine; it cannot be reserved until quality releases it")
        case .consumed, .shipped, .scrapped, .returned:
            throw .conflict(field, "not-in-stock", "lot '\(lot.id)' is \(lot.status.rawValue) and no longer in stock")
        }
        if let since = missingLots[lot.id] {
            throw .conflict(field, "missing", "lot '\(lot.id)' was reported missing at \(Self.clock(since)); move it once found")
        }
    }

    // MARK: Staging

    func stagingTask(_ id: StagingTask.ID) throws(DomainError) -> StagingTask {
        guard let task = stagingTasks[id] else { throw .notFound("stagingTask", "staging task '\(id)' does not exist") }
        return task
    }

    /// The task's lot must be in stock and available: held lots cannot be staged.
    func checkStageable(_ task: StagingTask) throws(DomainError) {
        guard let lot = lots[task.lot] else { throw .notFound("stagingTask", "lot '\(task.lot)' of staging task \(task.id) does not exist") }
        switch lot.status {
        case .available: break
        case .onHold, .quarantine:
            throw .conflict(
                "stagingTask",
                "on-hold",
                "lot '\(lot.id)' of staging task \(task.id) is \(lot.status == .onHold ? "on hold" : "in quarantine"); held lots cannot be staged until quality releases them"
            )
        case .consumed, .shipped, .scrapped, .returned:
            throw .conflict(
                "stagingTask",
                "not-in-stock",
                "lot '\(lot.id)' of staging task \(task.id) is \(lot.status.rawValue) and no longer in stock"
            )
        }
    }

    /// Scheduled steps of the published schedule, by order and operation.
    func scheduledSteps() -> [ProductionOrder.ID: [Int: ScheduledStep]] {
        var index: [ProductionOrder.ID: [Int: ScheduledStep]] = [:]
        for step in publishedSchedule?.steps ?? [] where index[step.productionOrder]?[step.sequence] == nil {
            index[step.productionOrder, default: [:]][step.sequence] = step
        }
        return index
    }

    /// Where an operation runs: its published step, else where it started, else its first eligible work center.
    func workCenter(of order: ProductionOrder.ID, operation: Int, steps: [ProductionOrder.ID: [Int: ScheduledStep]]) -> WorkCenter.ID? {
        if let step = steps[order]?[operation] { return step.workCenter }
        if let wc = operations[order]?.first(where: { $0.sequence == operation })?.workCenter { return wc }
        guard let po = productionOrders[order], let op = routings[po.routing]?.operations.first(where: { $0.sequence == operation }) else {
            return nil
        }
        return op.workCenters.first { workCenters[$0.workCenter] != nil }?.workCenter
    }

    public func lineSide(of workCenter: WorkCenter.ID) -> Location? {
        locations.values.filter { $0.kind == .lineSide && $0.workCenter == workCenter }.min { $0.id < $1.id }
    }

    func view(_ task: StagingTask, steps: [ProductionOrder.ID: [Int: ScheduledStep]]) -> StagingTaskView {
        let wc = workCenter(of: task.productionOrder, operation: task.operation, steps: steps)
        let destination = wc.flatMap(lineSide(of:))
        let start = steps[task.productionOrder]?[task.operation]?.start
        let neededBy = start.map { $0.addingTimeInterval(-(destination?.stagingLeadMinutes ?? 0) * 60) }
        return StagingTaskView(
            task: task,
            from: lots[task.lot]?.location,
            handlingUnit: handlingUnitByLot[task.lot],
            workCenter: wc,
            to: destination?.id,
            scheduledStart: start,
            neededBy: neededBy
        )
    }

    /// Staging tasks (optionally of one order) with where they go and by when, as of the current published schedule;
    /// the most urgent first (unscheduled last).
    public func stagingTasks(productionOrder: ProductionOrder.ID? = nil) -> [StagingTaskView] {
        let steps = scheduledSteps()
        let tasks = productionOrder.map { po in stagingTasks.values.filter { $0.productionOrder == po } } ?? Array(stagingTasks.values)
        return tasks.map { view($0, steps: steps) }.sorted { a, b in
            switch (a.neededBy, b.neededBy) {
            case let (x?, y?) where x != y: return x < y
            case (.some, nil): return true
            case (nil, .some): return false
            default: return a.task.id < b.task.id
            }
        }
    }

    func decideConfirm(_ c: ConfirmStagingTask, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        let task = try stagingTask(c.stagingTask)
        guard [.open, .picked, .short].contains(task.status) else {
            throw .conflict(
                "stagingTask",
                "status",
                "staging task \(task.id) is \(task.status.rawValue); only an open, picked or short task can be confirmed"
            )
        }
        try checkStageable(task)
        guard let lot = lots[task.lot] else { throw .notFound("stagingTask", "lot '\(task.lot)' does not exist") }
        let destination: Location.ID
        if let to = c.to {
            guard locations[to] != nil else { throw .notFound("to", "location '\(to)' does not exist") }
            destination = to
        } else {
            let v = view(task, steps: scheduledSteps())
            guard let to = v.to else {
                throw .invalid(
                    "to",
                    "required",
                    "\(v.workCenter.map { "work center \($0)" } ?? "the operation") has no line-side location; name the location to stage to"
                )
            }
            destination = to
        }
        var events: [Event] = []
        if lot.location != destination { events.append(.lotMoved(.init(lot: lot.id, from: lot.location, to: destination))) }
        events.append(.stagingTaskConfirmed(.init(stagingTask: task.id, lot: lot.id, to: destination, by: actor, at: now)))
        return events
    }

    func decideShort(_ s: ReportStagingShort, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        let task = try stagingTask(s.stagingTask)
        guard task.status == .open || task.status == .picked else {
            throw .conflict(
                "stagingTask",
                "status",
                "staging task \(task.id) is \(task.status.rawValue); only an open or picked task can be reported short"
            )
        }
        guard let lot = lots[task.lot], lot.status.inStock else {
            throw .conflict("stagingTask", "not-in-stock", "lot '\(task.lot)' of staging task \(task.id) is no longer in stock")
        }
        var v = Validator()
        v.quantity(s.foundQuantity, "foundQuantity", allowZero: true)
        try v.throwIfAny()
        guard s.foundQuantity > epsilon else {
            throw .invalid("foundQuantity", "none-found", "nothing of lot '\(lot.id)' was found; report it missing instead")
        }
        guard s.foundQuantity < task.quantity - epsilon else {
            throw .invalid(
                "foundQuantity",
                "not-short",
                "\(Self.number(s.foundQuantity)) found is not less than the \(Self.number(task.quantity)) staging task \(task.id) needs; confirm it instead"
            )
        }
        return [
            .stagingShortReported(
                .init(
                    stagingTask: task.id,
                    lot: lot.id,
                    expected: task.quantity,
                    found: s.foundQuantity,
                    lotQuantityBefore: lot.quantity,
                    by: actor,
                    at: now
                )
            )
        ]
    }

    func decideMissing(_ m: ReportMaterialMissing, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        let named = [m.stagingTask != nil, m.handlingUnit != nil, m.lot != nil].filter { $0 }.count
        guard named == 1 else {
            throw .invalid("stagingTask", "one-of", "name exactly one of stagingTask, handlingUnit or lot as missing")
        }
        var missing: [Lot.ID] = []
        var unit: HandlingUnit.ID?
        var location: Location.ID
        if let id = m.stagingTask {
            let task = try stagingTask(id)
            guard [.open, .picked].contains(task.status) else {
                throw .conflict(
                    "stagingTask",
                    "status",
                    "staging task \(task.id) is \(task.status.rawValue); only an open or picked task can be reported missing"
                )
            }
            guard let lot = lots[task.lot] else { throw .notFound("stagingTask", "lot '\(task.lot)' does not exist") }
            missing = [lot.id]
            unit = handlingUnitByLot[lot.id]
            location = lot.location
        } else if let id = m.handlingUnit {
            let hu = try handlingUnit(id)
            missing = hu.lots.filter { lots[$0]?.status.inStock == true }
            unit = hu.id
            location = hu.location
        } else {
            guard let id = m.lot, let lot = lots[id] else { throw .notFound("lot", "lot '\(m.lot?.rawValue ?? "")' does not exist") }
            guard lot.status.inStock else {
                throw .conflict("lot", "not-in-stock", "lot '\(lot.id)' is \(lot.status.rawValue) and no longer in stock")
            }
            missing = [lot.id]
            unit = handlingUnitByLot[lot.id]
            location = lot.location
        }
        if let already = missing.first(where: { missingLots[$0] != nil }), let reportedAt = missingLots[already] {
            throw .conflict(
                m.stagingTask != nil ? "stagingTask" : m.handlingUnit != nil ? "handlingUnit" : "lot",
                "already-missing",
                "lot '\(already)' was already reported missing at \(Self.clock(reportedAt))"
            )
        }
        let steps = scheduledSteps()
        var affected: [OperationRef: AffectedOperation] = [:]
        for lot in missing {
            for rid in reservationsByLot[lot] ?? [] {
                guard let r = reservations[rid], let order = productionOrders[r.productionOrder] else { continue }
                let key = OperationRef(productionOrder: r.productionOrder, operation: r.operation)
                var entry =
                    affected[key]
                    ?? AffectedOperation(
                        productionOrder: r.productionOrder,
                        operation: r.operation,
                        start: steps[r.productionOrder]?[r.operation]?.start,
                        dueDate: order.dueDate,
                        quantity: 0
                    )
                entry.quantity += r.quantity
                affected[key] = entry
            }
        }
        let note = m.note?.trimmingCharacters(in: .whitespacesAndNewlines)
        return [
            .materialMissing(
                .init(
                    lots: missing,
                    handlingUnit: unit,
                    stagingTask: m.stagingTask,
                    location: location,
                    affected: Self.ordered(Array(affected.values)),
                    note: note?.isEmpty == false ? note : nil,
                    by: actor,
                    at: now
                )
            )
        ]
    }

    /// Affected operations by when they start (scheduled first, then by due date), then order and operation.
    static func ordered(_ affected: [AffectedOperation]) -> [AffectedOperation] {
        affected.sorted {
            ($0.start ?? .distantFuture, $0.dueDate, $0.productionOrder, $0.operation) < (
                $1.start ?? .distantFuture, $1.dueDate, $1.productionOrder, $1.operation
            )
        }
    }

    // MARK: Stock and projected availability

    /// Lots in stock (available, on hold or in quarantine), optionally of one item and at one location,
    /// ordered by item, location and lot.
    public func stock(item: Item.ID? = nil, location: Location.ID? = nil) -> [StockLine] {
        lots.values.filter { lot in
            lot.status.inStock && (item == nil || lot.item == item) && (location == nil || lot.location == location)
        }.map { lot in
            StockLine(
                item: lot.item,
                lot: lot.id,
                location: lot.location,
                status: lot.status,
                quantity: lot.quantity,
                reserved: reservedQuantity(lot: lot.id),
                availableToReserve: availableToReserve(lot: lot.id),
                handlingUnit: handlingUnitByLot[lot.id],
                supplierLot: lot.supplierLot,
                missing: missingLots[lot.id] != nil
            )
        }.sorted { ($0.item, $0.location, $0.lot) < ($1.item, $1.location, $1.lot) }
    }

    /// The handling unit carrying `lot`, if any.
    public func handlingUnit(carrying lot: Lot.ID) -> HandlingUnit? { handlingUnitByLot[lot].flatMap { handlingUnits[$0] } }

    /// Projected availability of `item` over the scheduled time line: available stock (dated `now`), open expected receipts,
    /// and what released, in-progress and planned orders still need at the scheduled start of the consuming operation
    /// (the due date for unscheduled orders), in time order with the running projection.
    public func projectedAvailability(item: Item.ID, now: Date) -> [ProjectionEntry] {
        projections(for: [item], now: now)[item] ?? []
    }

    struct Requirement {
        var item: Item.ID
        var order: ProductionOrder
        var operation: Int
        var quantity: Double
        var start: Date?
    }

    /// Requirements of open orders, per item, limited to `scope` when given. A component's still-needed quantity is
    /// charged to the substitutes reserved for it (up to what is reserved) and the rest to the component itself.
    func requirements(scope: Set<Item.ID>?, steps: [ProductionOrder.ID: [Int: ScheduledStep]]) -> [Requirement] {
        var bomByItem: [Item.ID: BOM] = [:]
        for b in boms.values {
            if let kept = bomByItem[b.item], kept.id <= b.id { continue }
            bomByItem[b.item] = b
        }
        var result: [Requirement] = []
        for order in productionOrders.values where [.planned, .released, .inProgress].contains(order.status) {
            guard let bom = bomByItem[order.item] else { continue }
            let consumed = consumptionsByOrder[order.id] ?? []
            let reserved = (reservationsByOrder[order.id] ?? []).compactMap { reservations[$0] }
            for c in bom.components {
                let group = Set([c.item] + c.substitutes)
                if let scope, scope.isDisjoint(with: group) { continue }
                let done = Quantity.exact(consumed.reduce(0.0) { group.contains($1.item) ? $0 + $1.quantity : $0 })
                var open = Quantity.exact(c.quantity * order.quantity - done)
                guard open > epsilon else { continue }
                let operation = consumingOperation(c, of: order)
                let start = steps[order.id]?[operation]?.start
                var bySubstitute: [Item.ID: Double] = [:]
                for r in reserved where r.component == c.item && r.item != c.item { bySubstitute[r.item, default: 0] += r.quantity }
                for (sub, q) in bySubstitute.sorted(by: { $0.key < $1.key }) where open > epsilon {
                    let charged = min(q, open)
                    open -= charged
                    result.append(Requirement(item: sub, order: order, operation: operation, quantity: charged, start: start))
                }
                if open > epsilon { result.append(Requirement(item: c.item, order: order, operation: operation, quantity: open, start: start)) }
            }
        }
        return scope.map { s in result.filter { s.contains($0.item) } } ?? result
    }

    /// Projections per item: of `scope`, or (when nil) of every item with a requirement or a recorded shortage.
    func projections(for scope: Set<Item.ID>?, now: Date) -> [Item.ID: [ProjectionEntry]] {
        let steps = scheduledSteps()
        let reqs = requirements(scope: scope, steps: steps)
        let itemsInScope = scope ?? Set(reqs.map(\.item)).union(shortages.keys)
        var entries: [Item.ID: [ProjectionEntry]] = [:]
        for item in itemsInScope { entries[item] = [] }
        for lot in lots.values where lot.status == .available && missingLots[lot.id] == nil && itemsInScope.contains(lot.item) {
            entries[lot.item, default: []].append(ProjectionEntry(at: now, kind: .stock, quantity: lot.quantity, projected: 0, lot: lot.id))
        }
        for receipt in expectedReceipts.values where receipt.openQuantity > epsilon && itemsInScope.contains(receipt.item) {
            entries[receipt.item, default: []].append(
                ProjectionEntry(
                    at: receipt.expectedDate,
                    kind: .receipt,
                    quantity: receipt.openQuantity,
                    projected: 0,
                    expectedReceipt: receipt.id
                )
            )
        }
        // Open production orders of the item supply it when they finish (their last scheduled step), less what they made.
        for order in productionOrders.values where [.planned, .released, .inProgress].contains(order.status) && itemsInScope.contains(order.item) {
            let made = Quantity.exact((outputsByOrder[order.id] ?? []).reduce(0.0) { $0 + (lots[$1]?.quantity ?? 0) })
            let open = Quantity.exact(order.quantity - made)
            guard open > epsilon else { continue }
            let end = steps[order.id]?.values.map(\.end).max()
            entries[order.item, default: []].append(
                ProjectionEntry(
                    at: end ?? order.dueDate,
                    kind: .production,
                    quantity: open,
                    projected: 0,
                    productionOrder: order.id,
                    scheduled: end != nil
                )
            )
        }
        for r in reqs {
            entries[r.item, default: []].append(
                ProjectionEntry(
                    at: r.start ?? r.order.dueDate,
                    kind: .requirement,
                    quantity: -r.quantity,
                    projected: 0,
                    productionOrder: r.order.id,
                    operation: r.operation,
                    scheduled: r.start != nil
                )
            )
        }
        func rank(_ e: ProjectionEntry) -> Int { e.kind == .stock ? 0 : e.kind == .requirement ? 2 : 1 }
        func key(_ e: ProjectionEntry) -> String {
            e.lot?.rawValue ?? e.expectedReceipt?.rawValue ?? "\(e.productionOrder?.rawValue ?? "")#\(e.operation ?? 0)"
        }
        for (item, list) in entries {
            var sorted = list.sorted { a, b in
                if (rank(a) == 0) != (rank(b) == 0) { return rank(a) == 0 }  // stock on hand comes first
                if a.at != b.at { return a.at < b.at }
                if rank(a) != rank(b) { return rank(a) < rank(b) }  // supply before demand at the same time
                return key(a) < key(b)
            }
            var running = 0.0
            for i in sorted.indices {
                running = Quantity.exact(running + sorted[i].quantity)
                sorted[i].projected = running
            }
            entries[item] = sorted
        }
        return entries
    }

    /// The shortage in one item's projection: from when it first goes negative, the worst deficit, and the operations
    /// whose requirements are not covered.
    func shortage(of item: Item.ID, in entries: [ProjectionEntry]) -> ProjectedShortage? {
        var from: Date?
        var worst = 0.0
        var affected: [OperationRef: AffectedOperation] = [:]
        for e in entries where e.projected < -epsilon {
            if from == nil { from = e.at }
            worst = min(worst, e.projected)
            guard e.kind == .requirement, let po = e.productionOrder, let op = e.operation, let order = productionOrders[po] else { continue }
            let uncovered = min(-e.quantity, -e.projected)
            let key = OperationRef(productionOrder: po, operation: op)
            var entry =
                affected[key]
                ?? AffectedOperation(
                    productionOrder: po,
                    operation: op,
                    start: e.scheduled == true ? e.at : nil,
                    dueDate: order.dueDate,
                    quantity: 0
                )
            entry.quantity = Quantity.exact(entry.quantity + uncovered)
            affected[key] = entry
        }
        guard let from else { return nil }
        return ProjectedShortage(item: item, from: from, shortBy: Quantity.exact(-worst), affected: Self.ordered(Array(affected.values)))
    }

    /// Shortage events for the state after `events`: a `shortageProjected` for each shortage not already recorded in
    /// the same shape, a `shortageResolved` for each recorded one (in scope) that is gone.
    func shortageEvents(after events: [Event], items scope: Set<Item.ID>?, now: Date) -> [Event] {
        if !events.isEmpty {
            var next = self
            for event in events { next.apply(event, sequence: sequence) }
            return next.shortageEvents(after: [], items: scope, now: now)
        }
        var found: [Item.ID: ProjectedShortage] = [:]
        for (item, entries) in projections(for: scope, now: now) {
            if let s = shortage(of: item, in: entries) { found[item] = s }
        }
        var out: [Event] = []
        for (item, shortage) in found.sorted(by: { $0.key < $1.key }) where shortages[item] != shortage {
            out.append(.shortageProjected(.init(shortage: shortage, at: now)))
        }
        for item in shortages.keys.sorted() where found[item] == nil && (scope?.contains(item) ?? true) {
            out.append(.shortageResolved(.init(item: item, at: now)))
        }
        return out
    }

    // MARK: Shipping

    /// What has been shipped against one sales order line.
    public func shippedQuantity(salesOrder: SalesOrder.ID, line: Int) -> Double {
        Quantity.exact(
            (shipmentsBySalesOrder[salesOrder] ?? []).reduce(0) { sum, id in
                shipments[id].map { $0.line == line ? sum + $0.quantity : sum } ?? sum
            }
        )
    }

    func decideShip(_ s: ShipLots, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        let order = try openSalesOrder(s.salesOrder, field: "salesOrder")
        guard let line = order.lines.first(where: { $0.line == s.line }) else {
            throw .notFound("line", "sales order '\(order.id)' has no line \(s.line)")
        }
        var v = Validator()
        v.check(!s.lots.isEmpty, "lots", "required", "name at least one lot to ship")
        var seen = Set<Lot.ID>()
        var picked: [Lot] = []
        for (i, id) in s.lots.enumerated() {
            let f = "lots[\(i)]"
            guard seen.insert(id).inserted else {
                v.add(f, "unique", "lot '\(id)' is listed twice")
                continue
            }
            guard let lot = lots[id] else {
                v.add(f, "unknown-reference", "lot '\(id)' does not exist")
                continue
            }
            v.check(lot.item == line.item, f, "item-mismatch", "lot '\(id)' is \(lot.item); line \(line.line) of \(order.id) is for \(line.item)")
            picked.append(lot)
        }
        try v.throwIfAny()
        var c = Validator()
        let unit = items[line.item]?.unit.rawValue ?? ""
        for (i, lot) in picked.enumerated() {
            let f = "lots[\(s.lots.firstIndex(of: lot.id) ?? i)]"
            switch lot.status {
            case .available: break
            case .onHold, .quarantine:
                c.add(
                    f,
                    "on-hold",
                    "lot '\(lot.id)' is \(lot.status == .onHold ? "on hold" : "in quarantine"); held lots cannot be shipped until quality releases them"
                )
            case .shipped:
                c.add(f, "already-shipped", "lot '\(lot.id)' was already shipped\(shipmentByLot[lot.id].map { " in \($0)" } ?? "")")
            case .consumed, .scrapped, .returned:
                c.add(f, "not-in-stock", "lot '\(lot.id)' is \(lot.status.rawValue) and no longer in stock")
            }
            if let since = missingLots[lot.id] { c.add(f, "missing", "lot '\(lot.id)' was reported missing at \(Self.clock(since))") }
            let reservedFor = (reservationsByLot[lot.id] ?? []).compactMap { reservations[$0]?.productionOrder.rawValue }
            if !reservedFor.isEmpty {
                c.add(
                    f,
                    "reserved",
                    "lot '\(lot.id)' is reserved for \(Set(reservedFor).sorted().joined(separator: ", ")); release the reservation first"
                )
            }
        }
        let shipped = shippedQuantity(salesOrder: order.id, line: line.line)
        let quantity = Quantity.sum(picked.map(\.quantity))
        let open = Quantity.exact(line.quantity - shipped)
        c.check(
            quantity <= open + epsilon,
            "lots",
            "exceeds-open-quantity",
            "line \(line.line) of \(order.id) has \(Self.number(max(0, open))) \(unit) of \(line.item) open (\(Self.number(line.quantity)) ordered, \(Self.number(shipped)) shipped); these lots hold \(Self.number(quantity))"
        )
        try c.throwIfAny(.conflict)
        let shipment = Shipment(
            id: Shipment.ID(String(format: "SHP-%06d", nextShipmentNumber)),
            salesOrder: order.id,
            line: line.line,
            customer: order.customer,
            item: line.item,
            lots: picked.map { ShipmentLot(lot: $0.id, quantity: $0.quantity) },
            by: actor,
            at: now
        )
        var events: [Event] = [.lotsShipped(shipment)]
        let complete = order.lines.allSatisfy { l in
            let done = shippedQuantity(salesOrder: order.id, line: l.line) + (l.line == line.line ? quantity : 0)
            return done + epsilon >= l.quantity
        }
        if complete { events.append(.salesOrderShipped(.init(salesOrder: order.id, at: now))) }
        return events
    }
}

extension LotStatus {
    /// Available, on hold or in quarantine: physically in the plant.
    var inStock: Bool { self == .available || self == .onHold || self == .quarantine }
}

// MARK: - Apply

extension PlantState {
    mutating func applyWarehouse(_ event: Event) {
        switch event {
        case .lotReceived(let r):
            lots[r.lot.id] = r.lot
            if let id = r.expectedReceipt, var expected = expectedReceipts[id] {
                expected.receivedQuantity = Quantity.exact(expected.receivedQuantity + r.lot.quantity)
                expected.receivedLots.append(r.lot.id)
                if expected.receivedQuantity + epsilon >= expected.quantity { expected.status = .received }
                expectedReceipts[id] = expected
            }
        case .receiptExpected(let e):
            expectedReceipts[e.id] = e
            if let n = PlantState.number(in: e.id.rawValue, prefix: "ER-"), n >= nextExpectedReceiptNumber { nextExpectedReceiptNumber = n + 1 }
        case .expectedReceiptCancelled(let c):
            expectedReceipts[c.expectedReceipt]?.status = .cancelled
            expectedReceipts[c.expectedReceipt]?.cancelReason = c.reason
        case .handlingUnitCreated(let unit):
            handlingUnits[unit.id] = unit
            for lot in unit.lots { handlingUnitByLot[lot] = unit.id }
        case .handlingUnitMoved(let m):
            handlingUnits[m.handlingUnit]?.location = m.to
        case .handlingUnitSplit(let s):
            handlingUnits[s.from]?.lots.removeAll { s.to.lots.contains($0) }
            handlingUnits[s.to.id] = s.to
            for lot in s.to.lots { handlingUnitByLot[lot] = s.to.id }
        case .lotsAddedToHandlingUnit(let a):
            for lot in a.lots where handlingUnitByLot[lot] == nil {
                handlingUnits[a.handlingUnit]?.lots.append(lot)
                handlingUnitByLot[lot] = a.handlingUnit
            }
        case .lotsRemovedFromHandlingUnit(let r):
            for lot in r.lots where handlingUnitByLot[lot] == r.handlingUnit { detachFromUnit(lot) }
        case .lotReserved(let r):
            reservations[r.id] = r
            reservationsByLot[r.lot, default: []].append(r.id)
            reservationsByOrder[r.productionOrder, default: []].append(r.id)
            if let n = PlantState.number(in: r.id.rawValue, prefix: "RES-"), n >= nextReservationNumber { nextReservationNumber = n + 1 }
        case .reservationReleased(let r):
            dropReservation(r.reservation, taskStatus: .cancelled)
        case .stagingTaskCreated(let t):
            stagingTasks[t.id] = t
            if let n = PlantState.number(in: t.id.rawValue, prefix: "STG-"), n >= nextStagingTaskNumber { nextStagingTaskNumber = n + 1 }
        case .stagingTaskPicked(let p):
            stagingTasks[p.stagingTask]?.status = .picked
            stagingTasks[p.stagingTask]?.pickedBy = p.by
            stagingTasks[p.stagingTask]?.pickedAt = p.at
        case .stagingTaskConfirmed(let c):
            stagingTasks[c.stagingTask]?.status = .staged
            stagingTasks[c.stagingTask]?.stagedAt = c.at
            stagingTasks[c.stagingTask]?.stagedTo = c.to
        case .stagingShortReported(let s):
            stagingTasks[s.stagingTask]?.status = .short
            stagingTasks[s.stagingTask]?.foundQuantity = s.found
            stagingTasks[s.stagingTask]?.quantity = s.found
            if let rid = stagingTasks[s.stagingTask]?.reservation, let r = reservations[rid] {
                reservations[rid]?.quantity = min(r.quantity, s.found)
            }
            lots[s.lot]?.quantity = s.found
            trimReservations(ofLot: s.lot)
        case .materialMissing(let m):
            for lot in m.lots {
                missingLots[lot] = m.at
                for rid in reservationsByLot[lot] ?? [] { dropReservation(rid, taskStatus: .missing) }
            }
        case .shortageProjected(let s): shortages[s.shortage.item] = s.shortage
        case .shortageResolved(let r): shortages[r.item] = nil
        case .lotsShipped(let s):
            shipments[s.id] = s
            shipmentsBySalesOrder[s.salesOrder, default: []].append(s.id)
            for shipped in s.lots {
                lots[shipped.lot]?.status = .shipped
                shipmentByLot[shipped.lot] = s.id
                leftStock(shipped.lot)
            }
            if let n = PlantState.number(in: s.id.rawValue, prefix: "SHP-"), n >= nextShipmentNumber { nextShipmentNumber = n + 1 }
        case .salesOrderShipped(let s): salesOrders[s.salesOrder]?.status = .shipped
        default: break
        }
    }

    /// Follows events decided elsewhere: a lot moved on its own leaves its unit (and is found, if it was missing);
    /// consumption releases reservations; a lot that leaves stock leaves its unit and reservations; an order that ends
    /// releases its reservations.
    mutating func applyWarehouseEffects(of event: Event) {
        switch event {
        case .lotMoved(let m):
            missingLots[m.lot] = nil
            if let unit = handlingUnitByLot[m.lot], handlingUnits[unit]?.location != m.to { detachFromUnit(m.lot) }
        case .lotConsumed(let c):
            releaseOnConsumption(c)
        case .lotStatusChanged(let c) where !c.to.inStock:
            leftStock(c.lot)
        case .productionOrderCancelled(let c):
            for rid in reservationsByOrder[c.productionOrder] ?? [] { dropReservation(rid, taskStatus: .cancelled) }
        case .productionOrderCompleted(let t):
            for rid in reservationsByOrder[t.productionOrder] ?? [] { dropReservation(rid, taskStatus: .cancelled) }
        default: break
        }
    }

    private mutating func detachFromUnit(_ lot: Lot.ID) {
        guard let unit = handlingUnitByLot.removeValue(forKey: lot) else { return }
        handlingUnits[unit]?.lots.removeAll { $0 == lot }
    }

    private mutating func leftStock(_ lot: Lot.ID) {
        detachFromUnit(lot)
        for rid in reservationsByLot[lot] ?? [] { dropReservation(rid, taskStatus: .cancelled) }
    }

    /// Removes a reservation; a staging task not yet staged gets `taskStatus`.
    private mutating func dropReservation(_ id: Reservation.ID, taskStatus: StagingTaskStatus) {
        guard let r = reservations.removeValue(forKey: id) else { return }
        reservationsByLot[r.lot]?.removeAll { $0 == id }
        if reservationsByLot[r.lot]?.isEmpty == true { reservationsByLot[r.lot] = nil }
        reservationsByOrder[r.productionOrder]?.removeAll { $0 == id }
        if reservationsByOrder[r.productionOrder]?.isEmpty == true { reservationsByOrder[r.productionOrder] = nil }
        if let t = r.stagingTask, let task = stagingTasks[t], [.open, .picked, .short].contains(task.status) {
            stagingTasks[t]?.status = taskStatus
        }
    }

    /// Reduces a reservation by up to `quantity`; returns what is left of `quantity`.
    private mutating func reduceReservation(_ id: Reservation.ID, by quantity: Double) -> Double {
        guard let r = reservations[id], quantity > epsilon else { return quantity }
        let cut = min(r.quantity, quantity)
        if r.quantity - cut <= epsilon {
            dropReservation(id, taskStatus: .cancelled)
        } else {
            reservations[id]?.quantity = Quantity.exact(r.quantity - cut)
            if let t = r.stagingTask, stagingTasks[t]?.status != .staged { stagingTasks[t]?.quantity = Quantity.exact(r.quantity - cut) }
        }
        return Quantity.exact(quantity - cut)
    }

    /// A lot never carries more reservations than it holds: the newest give way.
    private mutating func trimReservations(ofLot lot: Lot.ID) {
        guard let quantity = lots[lot]?.quantity else { return }
        var over = reservedQuantity(lot: lot) - quantity
        for rid in (reservationsByLot[lot] ?? []).sorted(by: >) where over > epsilon {
            let before = reservations[rid]?.quantity ?? 0
            _ = reduceReservation(rid, by: over)
            over -= before - (reservations[rid]?.quantity ?? 0)
        }
    }

    private mutating func releaseOnConsumption(_ c: Consumption) {
        // The order's own reservation of the consumed lot is used up first.
        var rest = c.quantity
        for rid in reservationsByLot[c.lot] ?? [] where reservations[rid]?.productionOrder == c.productionOrder {
            rest = reduceReservation(rid, by: rest)
        }
        // Then the order keeps no more reserved for the component than it still needs.
        if let order = productionOrders[c.productionOrder], let bom = bom(of: order.item),
            let component = bom.components.first(where: { $0.item == c.item }) ?? bom.components.first(where: { $0.substitutes.contains(c.item) })
        {
            let need = stillNeeded(order, component)
            var over = need.reserved - max(0, need.required - need.consumed)
            let mine = (reservationsByOrder[order.id] ?? []).filter { reservations[$0]?.component == component.item }.sorted(by: >)
            for rid in mine where over > epsilon {
                let before = reservations[rid]?.quantity ?? 0
                _ = reduceReservation(rid, by: over)
                over -= before - (reservations[rid]?.quantity ?? 0)
            }
        }
        if lots[c.lot]?.status.inStock == false { leftStock(c.lot) } else { trimReservations(ofLot: c.lot) }
    }
}
