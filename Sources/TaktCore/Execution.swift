public import Foundation

// Shop-floor execution: the operation lifecycle, interlocks, labour, machine states and lot genealogy.
// Like the rest of PlantState, `decideExecution` validates and returns events; `applyExecution` folds them.

// MARK: - Decide

extension PlantState {
    func decideExecution(_ command: Command, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        switch command {
        case .defineWorkInstruction(let wi):
            var v = Validator()
            v.code(wi.id, "id")
            v.name(wi.title, "title")
            v.name(wi.revision, "revision")
            v.check(wi.revision.count <= 20, "revision", "max-length", "revision must be at most 20 characters")
            for (i, a) in wi.attachments.enumerated() {
                v.check(attachments[a] != nil, "attachments[\(i)]", "unknown-reference", "attachment '\(a)' does not exist; upload it first")
            }
            try v.throwIfAny()
            // A released work instruction changes only through an engineering change (docs/work-instructions.md).
            if let current = workInstructions[wi.id] {
                throw .conflict(
                    "id",
                    "change-controlled",
                    "work instruction \(current.id) '\(current.title)' is released at revision \(current.revision); it changes only through "
                        + "an engineering change: raise one (POST /api/v1/engineering-changes, or Engineering changes on the web) proposing the new revision"
                )
            }
            return [.workInstructionDefined(wi)]

        case .acknowledgeWorkInstruction(let ack):
            guard let user = actor else { throw .invalid("user", "required", "only a signed-in user can acknowledge a work instruction") }
            guard let wi = workInstructions[ack.workInstruction] else {
                throw .notFound("workInstruction", "work instruction '\(ack.workInstruction)' does not exist")
            }
            guard wi.revision == ack.revision else {
                let superseded = history(of: wi.id)?.revisions.contains { $0.revision == ack.revision } == true
                let by = revision(wi.revision, of: wi.id)?.engineeringChange.map { " (released by \($0))" } ?? ""
                throw .conflict(
                    "revision",
                    "not-current",
                    "revision '\(ack.revision)' of \(wi.id) is not current\(superseded ? "; it was superseded" : ""); the current revision is '\(wi.revision)'\(by): "
                        + "read it and acknowledge revision '\(wi.revision)'"
                )
            }
            return [.workInstructionAcknowledged(.init(user: user, workInstruction: wi.id, revision: wi.revision, at: now))]

        case .clockIn(let c):
            guard let user = try worker(c.user, actor: actor, field: "user", verb: "clock in") else {
                throw .invalid("user", "required", "name the user to clock in")
            }
            guard workCenters[c.workCenter] != nil else { throw .notFound("workCenter", "work center '\(c.workCenter)' does not exist") }
            var events: [Event] = []
            if let current = clockedIn[user.id] {
                if current.workCenter == c.workCenter {
                    throw .conflict(
                        "workCenter",
                        "already-clocked-in",
                        "\(user.id) is already clocked in at \(c.workCenter) since \(Self.clock(current.since))"
                    )
                }
                events.append(.operatorClockedOut(.init(user: user.id, workCenter: current.workCenter, start: current.since, end: now)))
            }
            events.append(.operatorClockedIn(.init(user: user.id, workCenter: c.workCenter, since: now)))
            return events

        case .clockOut(let c):
            guard let user = try worker(c.user, actor: actor, field: "user", verb: "clock out") else {
                throw .invalid("user", "required", "name the user to clock out")
            }
            guard let current = clockedIn[user.id] else { throw .conflict("user", "not-clocked-in", "\(user.id) is not clocked in") }
            return [.operatorClockedOut(.init(user: user.id, workCenter: current.workCenter, start: current.since, end: now))]

        case .startOperation(let start):
            return try decideStart(start, actor: actor, now: now)

        case .pauseOperation(let pause):
            let ctx = try operationContext(pause.productionOrder, pause.operation)
            guard ctx.progress.status == .running else {
                throw .conflict(
                    "operation",
                    "status",
                    "operation \(ctx.progress.sequence) of \(ctx.order.id) is \(ctx.progress.status.rawValue); only a running operation can be paused"
                )
            }
            var v = Validator()
            v.name(pause.reason, "reason")
            try v.throwIfAny()
            var events: [Event] = [
                .operationPaused(.init(productionOrder: ctx.order.id, operation: ctx.progress.sequence, reason: pause.reason, by: actor, at: now))
            ]
            events += machineGoesIdle(ctx, now: now, by: actor)
            return events

        case .resumeOperation(let resume):
            let ctx = try operationContext(resume.productionOrder, resume.operation)
            guard ctx.progress.status == .paused, let wc = ctx.progress.workCenter else {
                throw .conflict(
                    "operation",
                    "status",
                    "operation \(ctx.progress.sequence) of \(ctx.order.id) is \(ctx.progress.status.rawValue); only a paused operation can be resumed"
                )
            }
            let worker = try worker(resume.operator, actor: actor, field: "operator", verb: "resume work")
            var failures = operatorInterlocks(ctx, workCenter: wc, operator: worker, now: now)
            failures += workCenterInterlocks(wc)
            failures += holdInterlocks(ctx, workCenter: wc)
            try throwUnlessOverridden(failures, ctx)
            var events: [Event] = [
                .operationResumed(.init(productionOrder: ctx.order.id, operation: ctx.progress.sequence, operator: worker?.id, at: now))
            ]
            events += machineRuns(wc, now: now, by: actor)
            return events

        case .reportQuantity(let report):
            let ctx = try operationContext(report.productionOrder, report.operation)
            guard ctx.progress.status == .running || ctx.progress.status == .paused, let wc = ctx.progress.workCenter else {
                throw .conflict(
                    "operation",
                    "status",
                    "operation \(ctx.progress.sequence) of \(ctx.order.id) is \(ctx.progress.status.rawValue); quantities are reported on a running or paused operation"
                )
            }
            try validateQuantities(report, requireSome: true)
            return [.quantityReported(productionReport(report, ctx: ctx, workCenter: wc, by: actor, now: now))]

        case .completeOperation(let report):
            return try decideComplete(report, actor: actor, now: now)

        case .overrideInterlock(let o):
            let ctx = try operationContext(o.productionOrder, o.operation)
            guard ctx.progress.status != .completed else {
                throw .conflict(
                    "operation",
                    "status",
                    "operation \(ctx.progress.sequence) of \(ctx.order.id) is completed; there is nothing left to override"
                )
            }
            var v = Validator()
            v.name(o.reason, "reason")
            try v.throwIfAny()
            if o.interlock == .orderOnHold || o.interlock == .workCenterOnHold {
                throw .conflict(
                    "interlock",
                    "quality-hold",
                    "'\(o.interlock.rawValue)' is a quality hold; quality releases it, it cannot be overridden"
                )
            }
            if let lot = o.lot {
                var l = Validator()
                l.check(
                    o.interlock.isLotInterlock,
                    "lot",
                    "not-a-lot-interlock",
                    "lot names the lot an override is for; it applies to the lot interlocks (\(Interlock.lotInterlocks.map(\.rawValue).joined(separator: ", "))), not to '\(o.interlock.rawValue)'"
                )
                l.check(lots[lot] != nil, "lot", "unknown-reference", "lot '\(lot)' does not exist")
                try l.throwIfAny()
            }
            if let existing = ctx.progress.overrides.first(where: { $0.covers(o.interlock, lot: o.lot) }) {
                let scope = existing.lot.map { " for lot '\($0)'" } ?? ""
                throw .conflict(
                    "interlock",
                    "already-overridden",
                    "interlock '\(o.interlock.rawValue)' is already overridden\(scope) on operation \(ctx.progress.sequence) of \(ctx.order.id)"
                )
            }
            return [
                .interlockOverridden(
                    .init(
                        productionOrder: ctx.order.id,
                        operation: ctx.progress.sequence,
                        interlock: o.interlock,
                        reason: o.reason,
                        by: actor,
                        at: now,
                        lot: o.lot
                    )
                )
            ]

        case .recordInspection(let inspection):
            let ctx = try operationContext(inspection.productionOrder, inspection.operation)
            guard ctx.progress.status != .waiting else {
                throw .conflict(
                    "operation",
                    "status",
                    "operation \(ctx.progress.sequence) of \(ctx.order.id) has not started; there is nothing to inspect yet"
                )
            }
            var events: [Event] = [
                .inspectionRecorded(
                    .init(
                        productionOrder: ctx.order.id,
                        operation: ctx.progress.sequence,
                        passed: inspection.passed,
                        note: inspection.note,
                        by: actor,
                        at: now
                    )
                )
            ]
            if inspection.passed {
                var after = ctx.all
                after[ctx.index].inspectionPassed = true
                events += orderCompletion(ctx.order, operations: after, now: now)
            }
            return events

        case .consumeLot(let consume):
            return try decideConsume(consume, actor: actor, now: now)

        case .produceLot(let produce):
            return try decideProduce(produce, actor: actor, now: now)

        case .setMachineState(let change):
            guard workCenters[change.workCenter] != nil else { throw .notFound("workCenter", "work center '\(change.workCenter)' does not exist") }
            var v = Validator()
            let reason = change.reason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if change.state == .down {
                v.check(!reason.isEmpty, "reason", "required", "a work center going down needs a reason (e.g. 'spindle failure')")
            }
            v.check(reason.count <= 200, "reason", "max-length", "reason must be at most 200 characters")
            if let r = change.actualRate { v.nonNegative(r, "actualRate") }
            if let r = change.idealRate { v.positive(r, "idealRate") }
            if let until = change.expectedUntil {
                v.check(
                    change.state == .down || change.state == .slow,
                    "expectedUntil",
                    "not-applicable",
                    "expectedUntil says when a down or slow work center is expected back; it does not apply to \(change.state.rawValue)"
                )
                v.check(until > now, "expectedUntil", "after-now", "expectedUntil must be later than now (\(TaktJSON.formatDate(now)))")
            }
            try v.throwIfAny()
            if let current = machineStates[change.workCenter]?.last, current.state == change.state, (current.reason ?? "") == reason,
                current.expectedUntil == change.expectedUntil
            {
                throw .conflict("state", "unchanged", "\(change.workCenter) is already \(change.state.rawValue)")
            }
            return [
                .machineStateChanged(
                    .init(
                        workCenter: change.workCenter,
                        state: change.state,
                        reason: reason.isEmpty ? nil : reason,
                        at: now,
                        by: actor,
                        actualRate: change.actualRate,
                        idealRate: change.idealRate,
                        expectedUntil: change.expectedUntil
                    )
                )
            ]

        case .recordMachineCount(let count):
            guard workCenters[count.workCenter] != nil else { throw .notFound("workCenter", "work center '\(count.workCenter)' does not exist") }
            var v = Validator()
            v.quantity(count.count, "count", allowZero: (count.scrap ?? 0) > 0)  // a count of scrap alone may count no good part
            if let s = count.scrap { v.quantity(s, "scrap", allowZero: true) }
            if let c = count.goodCounter { v.quantity(c, "goodCounter", allowZero: true) }
            if let c = count.scrapCounter { v.quantity(c, "scrapCounter", allowZero: true) }
            for (source, field) in [(count.goodCounterSource, "goodCounterSource"), (count.scrapCounterSource, "scrapCounterSource")] {
                if let source { v.check(!source.isEmpty && source.count <= 500, field, "length", "\(field) has 1 to 500 characters") }
            }
            try v.throwIfAny()
            var events: [Event] = [
                .machineCounted(
                    .init(
                        workCenter: count.workCenter,
                        count: count.count,
                        at: now,
                        scrap: count.scrap,
                        goodCounter: count.goodCounter,
                        scrapCounter: count.scrapCounter,
                        goodCounterSource: count.goodCounterSource,
                        scrapCounterSource: count.scrapCounterSource
                    )
                )
            ]
            if count.reportProduction == true, let running = runningOperation(at: count.workCenter) {
                let scrap = count.scrap ?? 0
                let report = ReportQuantity(
                    productionOrder: running.productionOrder,
                    operation: running.operation,
                    good: count.count,
                    scrap: scrap,
                    // A machine counts scrap without knowing why: the plant's catch-all code, which quality can refine.
                    scrapReason: scrap > 0 ? "other" : nil
                )
                // The machine's count is the fact; the production report follows from it. Should the report be refused,
                // the count is still recorded (the status counts it as not reported), never lost with it.
                if let reported = try? decideExecution(.reportQuantity(report), actor: actor, now: now) { events += reported }
            }
            return events

        case .defineMachineSignalMapping(let mapping):
            let violations = mapping.violations(workCenters: Set(workCenters.keys))
            if !violations.isEmpty { throw DomainError(.invalid, violations) }
            return [.machineSignalMappingDefined(mapping)]

        default:
            throw .invalid("type", "not-execution", "\(command.typeName) is not an execution command")
        }
    }

    /// The operation running at a work center that started last (of those started together, the first by order).
    func runningOperation(at wc: WorkCenter.ID) -> OperationRef? {
        runningOperations(on: wc).max { a, b in
            let started = { (r: OperationRef) in self.operations[r.productionOrder]?.first { $0.sequence == r.operation }?.startedAt ?? .distantPast }
            return started(a) < started(b)
        }
    }

    // MARK: Start and complete

    func decideStart(_ start: StartOperation, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        let ctx = try operationContext(start.productionOrder, start.operation)
        switch ctx.order.status {
        case .completed, .cancelled:
            throw .conflict(
                "productionOrder",
                "status",
                "production order '\(ctx.order.id)' is \(ctx.order.status.rawValue); its operations cannot start"
            )
        case .planned, .released, .inProgress: break
        }
        switch ctx.progress.status {
        case .waiting: break
        case .paused: throw .conflict("operation", "status", "operation \(ctx.progress.sequence) of \(ctx.order.id) is paused; resume it instead")
        case .running, .completed:
            throw .conflict("operation", "status", "operation \(ctx.progress.sequence) of \(ctx.order.id) is already \(ctx.progress.status.rawValue)")
        }
        let worker = try worker(start.operator, actor: actor, field: "operator", verb: "start work")
        let eligible = try chooseWorkCenter(ctx, requested: start.workCenter, worker: worker)
        let wc = eligible.workCenter
        let busy = runningOperations(on: wc)
        let capacity = workCenters[wc]?.capacity ?? 1
        if busy.count >= capacity {
            let list = busy.map { "\($0.productionOrder) op \($0.operation)" }.joined(separator: ", ")
            throw .conflict("workCenter", "busy", "\(wc) is already running \(list); pause or complete it first")
        }
        try throwUnlessOverridden(startInterlocks(ctx, workCenter: wc, operator: worker, now: now), ctx)

        let planned = eligible.setupMinutes + eligible.runMinutesPerUnit * ctx.order.quantity
        var events: [Event] = []
        if ctx.order.status != .inProgress {
            events.append(.productionOrderStarted(.init(productionOrder: ctx.order.id, at: now)))
        }
        events.append(
            .operationStarted(
                .init(
                    productionOrder: ctx.order.id,
                    operation: ctx.progress.sequence,
                    workCenter: wc,
                    operator: worker?.id,
                    plannedMinutes: planned,
                    at: now
                )
            )
        )
        events += machineRuns(wc, now: now, by: actor)
        return events
    }

    func decideComplete(_ report: ReportQuantity, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        let ctx = try operationContext(report.productionOrder, report.operation)
        guard ctx.progress.status == .running || ctx.progress.status == .paused, let wc = ctx.progress.workCenter else {
            throw .conflict(
                "operation",
                "status",
                "operation \(ctx.progress.sequence) of \(ctx.order.id) is \(ctx.progress.status.rawValue); only a running or paused operation can be completed"
            )
        }
        try validateQuantities(report, requireSome: false)
        let final = report.good + report.scrap + report.rework
        guard ctx.progress.reported + final > 0 else {
            throw .invalid(
                "good",
                "required",
                "operation \(ctx.progress.sequence) of \(ctx.order.id) has no reported quantity; report good, scrap or rework to complete it"
            )
        }
        var events: [Event] = []
        if final > 0 { events.append(.quantityReported(productionReport(report, ctx: ctx, workCenter: wc, by: actor, now: now))) }
        var done = ctx.progress
        done.good = Quantity.exact(done.good + report.good)
        done.scrap = Quantity.exact(done.scrap + report.scrap)
        done.rework = Quantity.exact(done.rework + report.rework)
        if let i = done.segments.indices.last, done.segments[i].end == nil { done.segments[i].end = now }
        done.status = .completed
        events.append(
            .operationCompleted(
                .init(
                    productionOrder: ctx.order.id,
                    operation: done.sequence,
                    workCenter: wc,
                    good: done.good,
                    scrap: done.scrap,
                    rework: done.rework,
                    plannedMinutes: done.plannedMinutes ?? 0,
                    actualMinutes: done.actualMinutes,
                    by: actor,
                    at: now
                )
            )
        )
        events += machineGoesIdle(ctx, now: now, by: actor)
        var after = ctx.all
        after[ctx.index] = done
        events += orderCompletion(ctx.order, operations: after, now: now)
        events += reworkClosure(ctx, by: actor, now: now)
        return events
    }

    /// The order completes when its last operation does and every required inspection has passed.
    func orderCompletion(_ order: ProductionOrder, operations ops: [OperationProgress], now: Date) -> [Event] {
        guard order.status == .inProgress || order.status == .released,
            ops.allSatisfy({ $0.status == .completed && outstandingInspection(order, $0) == nil })
        else { return [] }
        return [.productionOrderCompleted(.init(productionOrder: order.id, at: now))]
    }

    // MARK: Lots

    func decideConsume(_ consume: ConsumeLot, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        let ctx = try operationContext(consume.productionOrder, consume.operation)
        guard ctx.progress.status == .running || ctx.progress.status == .paused else {
            throw .conflict(
                "operation",
                "status",
                "operation \(ctx.progress.sequence) of \(ctx.order.id) is \(ctx.progress.status.rawValue); lots are consumed into a running or paused operation"
            )
        }
        let lot = try lotInStock(consume.lot)
        var v = Validator()
        v.quantity(consume.quantity, "quantity")
        try v.throwIfAny()
        let unit = items[lot.item]?.unit.rawValue ?? ""
        guard consume.quantity <= lot.quantity + 1e-9 else {
            throw .invalid(
                "quantity",
                "exceeds-lot",
                "lot '\(lot.id)' holds \(Self.number(lot.quantity)) \(unit); \(Self.number(consume.quantity)) cannot be consumed from it"
            )
        }
        var consumption = Consumption(
            lot: lot.id,
            item: lot.item,
            quantity: consume.quantity,
            productionOrder: ctx.order.id,
            operation: ctx.progress.sequence,
            workCenter: ctx.progress.workCenter,
            by: actor,
            at: now
        )
        let displaced = displacedReservations(by: consumption)
        consumption.overridden = try throwUnlessOverridden(consumeInterlocks(ctx, lot: lot, displaced: displaced), ctx, lot: lot.id)
        consumption.displaced = displaced
        return [.lotConsumed(consumption)]
    }

    /// The lot, when it is still in the plant (available, on hold or in quarantine); otherwise a refusal saying what became of it.
    public func lotInStock(_ id: Lot.ID) throws(DomainError) -> Lot {
        guard let lot = lots[id] else { throw .notFound("lot", "lot '\(id)' does not exist") }
        switch lot.status {
        case .available, .onHold, .quarantine: return lot
        case .consumed: throw .conflict("lot", "not-in-stock", "lot '\(lot.id)' is consumed; nothing is left in it to consume")
        case .shipped: throw .conflict("lot", "not-in-stock", "lot '\(lot.id)' was shipped; it is no longer in the plant")
        case .scrapped: throw .conflict("lot", "not-in-stock", "lot '\(lot.id)' was scrapped; it is no longer in stock")
        case .returned: throw .conflict("lot", "not-in-stock", "lot '\(lot.id)' was returned to the supplier; it is no longer in stock")
        }
    }

    /// Everything that stops `ctx` from consuming `lot`, overridden or not: a held lot, a lot that is not one of the order's
    /// components, a lot outside the line side of the work center the operation runs on (where it has one), and
    /// stock reserved for other orders that the consumption would take (`displaced`, from ``displacedReservations(by:)``).
    func consumeInterlocks(_ ctx: OperationContext, lot: Lot, displaced: [DisplacedReservation]) -> [Violation] {
        var failures: [Violation] = []
        if lot.status != .available {
            failures.append(
                Violation(
                    field: "lot",
                    rule: Interlock.lotOnHold.rawValue,
                    message:
                        "lot '\(lot.id)' is \(lot.status == .onHold ? "on hold" : "in quarantine"); quality must release it before it can be used"
                )
            )
        }
        if let bom = bom(of: ctx.order.item) {
            if component(of: ctx.order, for: lot.item) == nil {
                let components = bom.components.map(\.item.rawValue).joined(separator: ", ")
                failures.append(
                    Violation(
                        field: "lot",
                        rule: Interlock.lotWrongItem.rawValue,
                        message:
                            "lot '\(lot.id)' is \(lot.item), which is not in the bill of materials of \(ctx.order.item) (it takes \(components)) nor an approved substitute"
                    )
                )
            }
        } else {
            failures.append(
                Violation(
                    field: "lot",
                    rule: Interlock.lotWrongItem.rawValue,
                    message: "\(ctx.order.item) has no bill of materials, so lot '\(lot.id)' (\(lot.item)) is not one of its components"
                )
            )
        }
        if let wc = ctx.progress.workCenter {
            let lineSide = locations.values.filter { $0.kind == .lineSide && $0.workCenter == wc }.map(\.id).sorted()
            if !lineSide.isEmpty && !lineSide.contains(lot.location) {
                failures.append(
                    Violation(
                        field: "lot",
                        rule: Interlock.lotNotAtLineSide.rawValue,
                        message:
                            "lot '\(lot.id)' is at \(lot.location), not at the line side of \(wc) (\(lineSide.map(\.rawValue).joined(separator: ", "))); the warehouse stages it there first"
                    )
                )
            }
        }
        if !displaced.isEmpty {
            let unit = items[lot.item]?.unit.rawValue ?? ""
            let others = reservedForOthers(lot: lot.id, order: ctx.order.id)
            var byOrder: [ProductionOrder.ID: Double] = [:]
            for r in others { byOrder[r.productionOrder, default: 0] += r.quantity }
            let list = byOrder.sorted { $0.key < $1.key }.map { "\($0.key) \(Self.number($0.value))" }.joined(separator: ", ")
            let reserved = others.reduce(0.0) { $0 + $1.quantity }
            let free = max(0, lot.quantity - reserved)
            let taken = displaced.reduce(0.0) { $0 + $1.quantity }
            failures.append(
                Violation(
                    field: "lot",
                    rule: Interlock.lotReservedElsewhere.rawValue,
                    message:
                        "lot '\(lot.id)' holds \(Self.number(lot.quantity)) \(unit), of which \(Self.number(reserved)) are reserved for other orders (\(list)); \(Self.number(free)) are free for \(ctx.order.id), so this would take \(Self.number(taken)) of their stock"
                )
            )
        }
        return failures
    }

    /// Reservations of orders other than `order` on `lot`.
    func reservedForOthers(lot: Lot.ID, order: ProductionOrder.ID) -> [Reservation] {
        (reservationsByLot[lot] ?? []).compactMap { reservations[$0] }.filter { $0.productionOrder != order }.sorted { $0.id < $1.id }
    }

    /// Other orders' reservations that would give way if `consumption` were recorded: found by applying it to a copy of
    /// the plant, so they are exactly what the warehouse rules (``applyWarehouseEffects(of:)``) will do.
    func displacedReservations(by consumption: Consumption) -> [DisplacedReservation] {
        let others = reservedForOthers(lot: consumption.lot, order: consumption.productionOrder)
        guard !others.isEmpty else { return [] }
        var next = self
        next.apply(.lotConsumed(consumption), sequence: sequence)
        return others.compactMap { r in
            let left = next.reservations[r.id]?.quantity ?? 0
            guard r.quantity - left > 1e-9 else { return nil }
            return DisplacedReservation(
                reservation: r.id,
                productionOrder: r.productionOrder,
                operation: r.operation,
                quantity: r.quantity - left,
                remaining: left,
                stagingTask: r.stagingTask,
                stagingTaskStatus: r.stagingTask.flatMap { next.stagingTasks[$0]?.status }
            )
        }
    }

    /// What scanning `lot` into an operation should consume, and what would stop it (see ``ConsumptionProposal``).
    /// Refuses an unknown order, operation or lot, and a lot no longer in stock, in words.
    public func consumptionProposal(productionOrder: ProductionOrder.ID, operation: Int, lot id: Lot.ID) throws(DomainError) -> ConsumptionProposal {
        let ctx = try operationContext(productionOrder, operation)
        let lot = try lotInStock(id)
        let unit = items[lot.item]?.unit.rawValue ?? ""
        let component = component(of: ctx.order, for: lot.item)
        let required = component.map { $0.quantity * ctx.order.quantity } ?? 0
        let consumed = component.map { self.consumed(ctx.order, $0) } ?? 0
        let remaining = component.map { remainingToConsume(ctx.order, $0) } ?? 0
        let reserved = reservedForOthers(lot: lot.id, order: ctx.order.id).reduce(0.0) { $0 + $1.quantity }
        let free = max(0, lot.quantity - reserved)
        let proposed = min(remaining, free > 1e-9 ? free : lot.quantity)
        let consumer = component.map { consumingOperation($0, of: ctx.order) }
        var blockers: [Violation] = []
        if ctx.progress.status != .running && ctx.progress.status != .paused {
            blockers.append(
                Violation(
                    field: "operation",
                    rule: "status",
                    message:
                        "operation \(ctx.progress.sequence) of \(ctx.order.id) is \(ctx.progress.status.rawValue); lots are consumed into a running or paused operation"
                )
            )
        }
        let probe = Consumption(
            lot: lot.id,
            item: lot.item,
            quantity: proposed,
            productionOrder: ctx.order.id,
            operation: ctx.progress.sequence,
            workCenter: ctx.progress.workCenter,
            by: nil,
            at: .distantPast
        )
        let displaced = proposed > 1e-9 ? displacedReservations(by: probe) : []
        let overridden = Set(ctx.progress.overrides.filter { $0.lot == nil || $0.lot == lot.id }.map(\.interlock.rawValue))
        blockers += consumeInterlocks(ctx, lot: lot, displaced: displaced).filter { !overridden.contains($0.rule) }
        let what = component?.item ?? lot.item
        let op = "\(ctx.order.id) op \(ctx.progress.sequence)"
        var summary: String
        if component == nil {
            summary = "\(ctx.order.item) does not take \(lot.item)"
        } else if remaining <= 1e-9 {
            summary = "\(op) needs no more \(what): \(Self.number(consumed)) of \(Self.number(required)) \(unit) consumed"
        } else {
            summary =
                "\(op) still needs \(Self.number(remaining)) \(unit) of \(what) (\(Self.number(required)) required, \(Self.number(consumed)) consumed)"
            summary += "; lot \(lot.id) holds \(Self.number(lot.quantity))"
            if reserved > 1e-9 { summary += ", \(Self.number(reserved)) of it reserved for other orders" }
        }
        if let consumer, consumer != ctx.progress.sequence {
            summary += "; the bill of materials consumes \(what) at operation \(consumer)"
        }
        return ConsumptionProposal(
            productionOrder: ctx.order.id,
            operation: ctx.progress.sequence,
            lot: lot.id,
            item: lot.item,
            unit: unit,
            location: lot.location,
            component: component?.item,
            consumingOperation: consumer,
            required: required,
            consumed: consumed,
            remaining: remaining,
            inLot: lot.quantity,
            reservedForOthers: reserved,
            free: free,
            proposed: proposed,
            blockers: blockers,
            summary: summary
        )
    }

    func decideProduce(_ produce: ProduceLot, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        let ctx = try operationContext(produce.productionOrder, produce.operation)
        guard ctx.order.status == .inProgress || ctx.order.status == .completed else {
            throw .conflict(
                "productionOrder",
                "status",
                "production order '\(ctx.order.id)' is \(ctx.order.status.rawValue); lots are produced by in-progress or completed orders"
            )
        }
        guard ctx.progress.status != .waiting else {
            throw .conflict(
                "operation",
                "status",
                "operation \(ctx.progress.sequence) of \(ctx.order.id) has not started, so it has produced nothing yet"
            )
        }
        var v = Validator()
        v.check(locations[produce.location] != nil, "location", "unknown-reference", "location '\(produce.location)' does not exist")
        var outputs: [(Lot.ID, Double, String)] = []
        switch (produce.lot, produce.serials) {
        case (let lot?, nil):
            if let q = produce.quantity { v.quantity(q, "quantity") } else { v.add("quantity", "required", "quantity is required with lot") }
            outputs = [(lot, produce.quantity ?? 0, "lot")]
        case (nil, let serials?):
            v.check(!serials.isEmpty, "serials", "required", "serials must name at least one serial number")
            v.check(
                produce.quantity == nil || produce.quantity == Double(serials.count),
                "quantity",
                "serials",
                "with serials each serial number is one unit; leave quantity out"
            )
            outputs = serials.enumerated().map { ($1, 1, "serials[\($0)]") }
        default:
            v.add("lot", "one-of", "give either lot (with quantity) or serials")
        }
        var seen = Set<Lot.ID>()
        for (id, _, field) in outputs {
            v.code(id, field)
            v.check(lots[id] == nil, field, "exists", "lot '\(id)' already exists")
            v.check(seen.insert(id).inserted, field, "unique", "'\(id)' is listed twice")
        }
        try v.throwIfAny()
        return outputs.map { id, quantity, _ in
            .lotProduced(
                .init(
                    lot: Lot(
                        id: id,
                        item: ctx.order.item,
                        quantity: quantity,
                        location: produce.location,
                        productionOrder: ctx.order.id,
                        createdAt: now
                    ),
                    operation: ctx.progress.sequence,
                    workCenter: ctx.progress.workCenter,
                    by: actor
                )
            )
        }
    }

    // MARK: Material

    /// What releasing `order` needs of each BOM component against what is available in stock and not yet
    /// reserved for other orders.
    func materialCheck(_ order: ProductionOrder) -> [MaterialCheck] {
        guard let bom = bom(of: order.item) else { return [] }
        return bom.components.map { c in
            let items = Set([c.item] + c.substitutes)
            let available = lots.values.reduce(0.0) { sum, lot in
                items.contains(lot.item) ? sum + availableToReserve(lot: lot.id) : sum
            }
            return MaterialCheck(item: c.item, required: Quantity.exact(c.quantity * order.quantity), available: Quantity.exact(available))
        }
    }

    /// Components of `ctx.order` that `ctx`'s operation consumes, with what is still to be consumed.
    func openRequirements(_ ctx: OperationContext) -> [(component: BOMComponent, remaining: Double)] {
        guard let bom = bom(of: ctx.order.item) else { return [] }
        return bom.components.compactMap { c in
            guard consumingOperation(c, of: ctx.order) == ctx.progress.sequence else { return nil }
            let remaining = remainingToConsume(ctx.order, c)
            return remaining > 1e-9 ? (c, remaining) : nil
        }
    }
}

// MARK: - Interlocks

/// One operation of one production order, with its routing step and execution record.
struct OperationContext {
    var order: ProductionOrder
    var routing: Routing
    var step: RoutingOperation
    var all: [OperationProgress]
    var index: Int
    var progress: OperationProgress { all[index] }
}

extension PlantState {
    func operationContext(_ id: ProductionOrder.ID, _ sequence: Int) throws(DomainError) -> OperationContext {
        guard let order = productionOrders[id] else { throw .notFound("productionOrder", "production order '\(id)' does not exist") }
        guard let routing = routings[order.routing] else {
            throw .conflict("productionOrder", "routing", "routing '\(order.routing)' of order '\(id)' no longer exists")
        }
        let all = operations[id] ?? []
        guard let index = all.firstIndex(where: { $0.sequence == sequence }),
            let step = routing.operations.first(where: { $0.sequence == sequence }) ?? all[index].reworkStep
        else {
            let known = all.map { String($0.sequence) }.joined(separator: ", ")
            throw .notFound("operation", "production order '\(id)' has no operation \(sequence) (its operations are \(known))")
        }
        return OperationContext(order: order, routing: routing, step: step, all: all, index: index)
    }

    /// Everything that stops `operator` from starting `ctx` on `workCenter` now, overridden or not.
    func startInterlocks(_ ctx: OperationContext, workCenter: WorkCenter.ID, operator worker: User?, now: Date) -> [Violation] {
        var failures: [Violation] = []
        if ctx.order.status == .planned {
            failures.append(
                Violation(
                    field: "productionOrder",
                    rule: Interlock.orderNotReleased.rawValue,
                    message: "production order '\(ctx.order.id)' is planned, not released; a planner or supervisor must release it first"
                )
            )
        }
        if ctx.index > 0 && !ctx.progress.isRework {
            let previous = ctx.all[ctx.index - 1]
            let step = ctx.routing.operations.first { $0.sequence == previous.sequence }
            if previous.status != .completed {
                if let batch = step?.transferBatch {
                    if previous.good + 1e-9 < batch {
                        failures.append(
                            Violation(
                                field: "operation",
                                rule: Interlock.previousOperationNotReported.rawValue,
                                message:
                                    "operation \(previous.sequence) '\(previous.name)' has reported \(Self.number(previous.good)) good; overlap allows starting once \(Self.number(batch)) are reported"
                            )
                        )
                    }
                } else {
                    failures.append(
                        Violation(
                            field: "operation",
                            rule: Interlock.previousOperationNotReported.rawValue,
                            message:
                                "operation \(previous.sequence) '\(previous.name)' is \(previous.status.rawValue), not completed (\(Self.number(previous.good)) of \(Self.number(ctx.order.quantity)) good reported)"
                        )
                    )
                }
            }
        }
        for earlier in ctx.all[..<ctx.index] where !ctx.progress.isRework {
            guard let gap = outstandingInspection(ctx.order, earlier) else { continue }
            let detail = gap.isEmpty ? "" : " (\(gap))"
            failures.append(
                Violation(
                    field: "operation",
                    rule: Interlock.inspectionNotPassed.rawValue,
                    message:
                        "operation \(earlier.sequence) '\(earlier.name)' needs a passed inspection\(detail) before operation \(ctx.progress.sequence) can start"
                )
            )
        }
        failures += operatorInterlocks(ctx, workCenter: workCenter, operator: worker, now: now)
        failures += materialInterlocks(ctx, workCenter: workCenter)
        failures += workCenterInterlocks(workCenter)
        failures += holdInterlocks(ctx, workCenter: workCenter)
        return failures
    }

    /// The operator must be clocked in here, certified (and in date) for the skill, and have read the current work instruction.
    func operatorInterlocks(_ ctx: OperationContext, workCenter: WorkCenter.ID, operator worker: User?, now: Date) -> [Violation] {
        guard let worker else { return [] }  // the system itself
        var failures: [Violation] = []
        switch clockedIn[worker.id] {
        case nil:
            failures.append(
                Violation(
                    field: "operator",
                    rule: Interlock.operatorNotClockedIn.rawValue,
                    message: "\(worker.name) (\(worker.id)) is not clocked in; clock in at \(workCenter) first"
                )
            )
        case let c? where c.workCenter != workCenter:
            failures.append(
                Violation(
                    field: "operator",
                    rule: Interlock.operatorNotClockedIn.rawValue,
                    message: "\(worker.name) (\(worker.id)) is clocked in at \(c.workCenter), not at \(workCenter)"
                )
            )
        default: break
        }
        if let skill = ctx.step.requiredSkill {
            let skillName = skills[skill]?.name ?? skill.rawValue
            if let cert = worker.certifications.first(where: { $0.skill == skill }) {
                if let until = cert.validUntil, until < now {
                    failures.append(
                        Violation(
                            field: "operator",
                            rule: Interlock.certificationExpired.rawValue,
                            message:
                                "\(worker.name)'s certification for \(skillName) expired on \(Self.day(until)); operation \(ctx.step.sequence) needs it"
                        )
                    )
                }
            } else {
                failures.append(
                    Violation(
                        field: "operator",
                        rule: Interlock.operatorNotCertified.rawValue,
                        message: "\(worker.name) is not certified for \(skillName), which operation \(ctx.step.sequence) '\(ctx.step.name)' requires"
                    )
                )
            }
        }
        if let wiID = ctx.step.workInstruction, let wi = workInstructions[wiID] {
            let read = acknowledgements[worker.id]?[wiID]
            if read != wi.revision {
                let detail =
                    read.map { "acknowledged revision \($0), but the current revision is \(wi.revision)" }
                    ?? "has not acknowledged revision \(wi.revision)"
                failures.append(
                    Violation(
                        field: "operator",
                        rule: Interlock.workInstructionNotAcknowledged.rawValue,
                        message: "\(worker.name) \(detail) of work instruction \(wi.id) '\(wi.title)'"
                    )
                )
            }
        }
        return failures
    }

    /// Material the operation consumes must be staged at the work center's line side (or, where it has none, available in stock).
    func materialInterlocks(_ ctx: OperationContext, workCenter: WorkCenter.ID) -> [Violation] {
        let lineSide = Set(locations.values.filter { $0.kind == .lineSide && $0.workCenter == workCenter }.map(\.id))
        var failures: [Violation] = []
        for (component, remaining) in openRequirements(ctx) {
            let items = Set([component.item] + component.substitutes)
            let staged = lots.values.reduce(0.0) { sum, lot in
                lot.status == .available && items.contains(lot.item) && (lineSide.isEmpty || lineSide.contains(lot.location))
                    ? sum + lot.quantity : sum
            }
            if staged + 1e-9 < remaining {
                let unit = items.first.flatMap { self.items[$0]?.unit.rawValue } ?? ""
                let place = lineSide.isEmpty ? "in stock" : "at " + lineSide.map(\.rawValue).sorted().joined(separator: ", ")
                failures.append(
                    Violation(
                        field: "material",
                        rule: Interlock.materialNotStaged.rawValue,
                        message:
                            "\(Self.number(remaining)) \(unit) of \(component.item) are needed \(place), but only \(Self.number(staged)) are there"
                    )
                )
            }
        }
        return failures
    }

    func workCenterInterlocks(_ workCenter: WorkCenter.ID) -> [Violation] {
        guard let current = machineStates[workCenter]?.last, current.state == .down else { return [] }
        return [
            Violation(
                field: "workCenter",
                rule: Interlock.workCenterDown.rawValue,
                message: "\(workCenter) is down (\(current.reason ?? "no reason given")) since \(Self.clock(current.at))"
            )
        ]
    }

    /// Throws the interlocks a supervisor has not overridden on this operation (for `lot`, when the action concerns
    /// one), as one conflict; returns the interlocks that failed and passed by an override.
    @discardableResult
    func throwUnlessOverridden(_ failures: [Violation], _ ctx: OperationContext, lot: Lot.ID? = nil) throws(DomainError) -> [Interlock] {
        let overridden = Set(ctx.progress.overrides.filter { $0.lot == nil || $0.lot == lot }.map(\.interlock.rawValue))
        let remaining = failures.filter { !overridden.contains($0.rule) }
        if !remaining.isEmpty { throw DomainError(.conflict, remaining) }
        var passed: [Interlock] = []
        for f in failures { if let i = Interlock(rawValue: f.rule), !passed.contains(i) { passed.append(i) } }
        return passed
    }

    /// What stops `operator` from starting this operation now, after overrides; empty when it can start.
    public func startBlockers(
        productionOrder: ProductionOrder.ID,
        operation: Int,
        workCenter: WorkCenter.ID,
        operator worker: User.ID?,
        now: Date
    ) -> [Violation] {
        guard let ctx = try? operationContext(productionOrder, operation) else { return [] }
        let overridden = Set(ctx.progress.overrides.filter { $0.lot == nil }.map(\.interlock.rawValue))
        var blockers = startInterlocks(ctx, workCenter: workCenter, operator: worker.flatMap { users[$0] }, now: now)
            .filter { !overridden.contains($0.rule) }
        let busy = runningOperations(on: workCenter)
        if busy.count >= (workCenters[workCenter]?.capacity ?? 1) {
            let list = busy.map { "\($0.productionOrder) op \($0.operation)" }.joined(separator: ", ")
            blockers.append(Violation(field: "workCenter", rule: "busy", message: "\(workCenter) is already running \(list)"))
        }
        return blockers
    }

    // MARK: Helpers

    /// The user who does the work: `named` when given (someone else only for a supervisor or admin), else the actor.
    func worker(_ named: User.ID?, actor: User.ID?, field: String, verb: String) throws(DomainError) -> User? {
        guard let id = named ?? actor else { return nil }
        guard let user = users[id] else { throw .notFound(field, "user '\(id)' does not exist") }
        guard user.active else { throw .conflict(field, "inactive", "user '\(id)' is not active") }
        if let actor, actor != id, let sender = users[actor], !(sender.has(.supervisor) || sender.has(.admin)) {
            throw .invalid(field, "self-only", "only a supervisor can \(verb) for someone else")
        }
        return user
    }

    func chooseWorkCenter(_ ctx: OperationContext, requested: WorkCenter.ID?, worker: User?) throws(DomainError) -> EligibleWorkCenter {
        let eligible = ctx.step.workCenters.filter { workCenters[$0.workCenter] != nil }
        if let requested {
            guard let e = eligible.first(where: { $0.workCenter == requested }) else {
                throw .invalid(
                    "workCenter",
                    "not-eligible",
                    "operation \(ctx.step.sequence) '\(ctx.step.name)' does not run on \(requested); it runs on \(eligible.map(\.workCenter.rawValue).joined(separator: ", "))"
                )
            }
            return e
        }
        if let here = worker.flatMap({ clockedIn[$0.id]?.workCenter }), let e = eligible.first(where: { $0.workCenter == here }) { return e }
        if eligible.count == 1 { return eligible[0] }
        throw .invalid(
            "workCenter",
            "required",
            "operation \(ctx.step.sequence) '\(ctx.step.name)' runs on \(eligible.map(\.workCenter.rawValue).joined(separator: " or ")); name the work center"
        )
    }

    func runningOperations(on workCenter: WorkCenter.ID) -> [OperationRef] {
        operations.flatMap { id, ops in
            ops.filter { $0.status == .running && $0.workCenter == workCenter }.map { OperationRef(productionOrder: id, operation: $0.sequence) }
        }.sorted { ($0.productionOrder, $0.operation) < ($1.productionOrder, $1.operation) }
    }

    /// The machine runs when an operation starts or resumes on it — unless it is reported `slow` or `down`, which stands.
    func machineRuns(_ workCenter: WorkCenter.ID, now: Date, by actor: User.ID?) -> [Event] {
        switch machineStates[workCenter]?.last?.state {
        case .running, .slow, .down: []
        case .idle, .setup, nil: [.machineStateChanged(.init(workCenter: workCenter, state: .running, at: now, by: actor))]
        }
    }

    /// The machine goes idle when the last operation running on it stops — unless a person reported it `slow` or `down`:
    /// that report (with its reason, rates and expected end) stands until someone reports another state. OEE counts a
    /// slow stretch as production time only while an operation runs there (see ``OEEReport``).
    func machineGoesIdle(_ ctx: OperationContext, now: Date, by actor: User.ID?) -> [Event] {
        guard let wc = ctx.progress.workCenter else { return [] }
        let others = runningOperations(on: wc).filter { !($0.productionOrder == ctx.order.id && $0.operation == ctx.progress.sequence) }
        guard others.isEmpty else { return [] }
        switch machineStates[wc]?.last?.state {
        case .running: return [.machineStateChanged(.init(workCenter: wc, state: .idle, at: now, by: actor))]
        case .slow, .idle, .setup, .down, nil: return []
        }
    }

    func validateQuantities(_ report: ReportQuantity, requireSome: Bool) throws(DomainError) {
        var v = Validator()
        v.quantity(report.good, "good", allowZero: true)
        v.quantity(report.scrap, "scrap", allowZero: true)
        v.quantity(report.rework, "rework", allowZero: true)
        if requireSome {
            v.check(report.good + report.scrap + report.rework > 0, "good", "required", "report at least one good, scrap or rework unit")
        }
        if report.scrap > 0 {
            let reason = report.scrapReason?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            v.check(
                !reason.isEmpty,
                "scrapReason",
                "required",
                "scrap needs a reason code (one of \(scrapReasonCodes.map(\.code).joined(separator: ", ")))"
            )
            v.check(
                reason.isEmpty || scrapReason(reason) != nil,
                "scrapReason",
                "unknown-code",
                "scrapReason '\(reason)' is not a scrap reason code; use one of \(scrapReasonCodes.map(\.code).joined(separator: ", "))"
            )
        }
        try v.throwIfAny()
    }

    func productionReport(
        _ report: ReportQuantity,
        ctx: OperationContext,
        workCenter: WorkCenter.ID,
        by actor: User.ID?,
        now: Date
    ) -> ProductionReport {
        let ideal = ctx.step.workCenters.first { $0.workCenter == workCenter }?.runMinutesPerUnit ?? 0
        let reason = report.scrap > 0 ? report.scrapReason.map { scrapReason($0)?.code ?? $0.trimmingCharacters(in: .whitespacesAndNewlines) } : nil
        return ProductionReport(
            productionOrder: ctx.order.id,
            operation: ctx.progress.sequence,
            workCenter: workCenter,
            good: report.good,
            scrap: report.scrap,
            rework: report.rework,
            scrapReason: reason,
            idealMinutesPerUnit: ideal,
            at: now,
            by: actor
        )
    }

    /// The operations of `order` as its routing lists them, keeping the record of any that has started.
    func operationPlan(for order: ProductionOrder) -> [OperationProgress] {
        let existing = operations[order.id] ?? []
        if existing.contains(where: { $0.status != .waiting || !$0.overrides.isEmpty }) { return existing }
        guard let routing = routings[order.routing] else { return existing }
        return routing.operations.map { OperationProgress(sequence: $0.sequence, name: $0.name, inspectionRequired: $0.inspectionRequired) }
    }

    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }

    static func clock(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    static func day(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        return f.string(from: date)
    }
}

// MARK: - Apply

extension PlantState {
    mutating func applyExecution(_ event: Event) {
        switch event {
        case .workInstructionDefined(let wi):
            workInstructions[wi.id] = wi
            workInstructionRevisions[wi.id, default: []].append(
                WorkInstructionRevision(revision: wi.revision, title: wi.title, text: wi.text, attachments: wi.attachments)
            )
        case .workInstructionAcknowledged(let a): acknowledgements[a.user, default: [:]][a.workInstruction] = a.revision
        case .operatorClockedIn(let c): clockedIn[c.user] = c
        case .operatorClockedOut(let s):
            clockedIn[s.user] = nil
            labourSessions.append(s)
        case .operationStarted(let e):
            updateOperation(e.productionOrder, e.operation) { op in
                op.status = .running
                op.workCenter = e.workCenter
                op.plannedMinutes = e.plannedMinutes
                op.startedAt = op.startedAt ?? e.at
                op.segments.append(WorkSegment(operator: e.operator, workCenter: e.workCenter, start: e.at))
            }
        case .operationPaused(let e):
            updateOperation(e.productionOrder, e.operation) { op in
                op.status = .paused
                op.pauseReason = e.reason
                op.closeSegment(at: e.at)
            }
        case .operationResumed(let e):
            updateOperation(e.productionOrder, e.operation) { op in
                op.status = .running
                op.pauseReason = nil
                if let wc = op.workCenter { op.segments.append(WorkSegment(operator: e.operator, workCenter: wc, start: e.at)) }
            }
        case .quantityReported(let r):
            updateOperation(r.productionOrder, r.operation) { op in
                op.good = Quantity.exact(op.good + r.good)
                op.scrap = Quantity.exact(op.scrap + r.scrap)
                op.rework = Quantity.exact(op.rework + r.rework)
            }
            productionReports[r.workCenter, default: []].append(r)
        case .operationCompleted(let e):
            updateOperation(e.productionOrder, e.operation) { op in
                op.status = .completed
                op.pauseReason = nil
                op.completedAt = e.at
                op.closeSegment(at: e.at)
            }
        case .interlockOverridden(let o):
            updateOperation(o.productionOrder, o.operation) { $0.overrides.append(o) }
        case .inspectionRecorded(let i):
            updateOperation(i.productionOrder, i.operation) { $0.inspectionPassed = i.passed }
        case .lotConsumed(let c):
            if var lot = lots[c.lot] {
                lot.quantity = Quantity.exact(max(0, lot.quantity - c.quantity))
                if lot.quantity <= 1e-9 {
                    lot.quantity = 0
                    lot.status = .consumed
                }
                lots[c.lot] = lot
            }
            consumptionsByOrder[c.productionOrder, default: []].append(c)
            consumptionsByLot[c.lot, default: []].append(c)
        case .lotProduced(let p):
            lots[p.lot.id] = p.lot
            if let po = p.lot.productionOrder { outputsByOrder[po, default: []].append(p.lot.id) }
        case .machineStateChanged(let m): machineStates[m.workCenter, default: []].append(m)
        case .machineCounted(let c): machineCounts[c.workCenter, default: []].append(c)
        case .machineSignalMappingDefined(let m): machineSignalMapping = m
        default: break
        }
    }

    private mutating func updateOperation(_ order: ProductionOrder.ID, _ sequence: Int, _ change: (inout OperationProgress) -> Void) {
        guard var steps = operations[order], let i = steps.firstIndex(where: { $0.sequence == sequence }) else { return }
        operations[order] = nil  // the array alone holds its storage while it changes: no copy
        change(&steps[i])
        operations[order] = steps
    }
}

extension OperationProgress {
    mutating func closeSegment(at end: Date) {
        if let i = segments.indices.last, segments[i].end == nil { segments[i].end = end }
    }
}

extension PlantState {
    /// The running operation at a work center that a scanned lot of `item` goes into: the first (by order and sequence)
    /// whose order takes the item as a component, else the first running there (consuming then says why not).
    /// Nil when nothing runs there.
    public func operationConsuming(_ item: Item.ID, at workCenter: WorkCenter.ID) -> (ProductionOrder.ID, OperationProgress)? {
        let running = operations.flatMap { id, ops in ops.filter { $0.workCenter == workCenter && $0.status == .running }.map { (id, $0) } }
            .sorted { ($0.0, $0.1.sequence) < ($1.0, $1.1.sequence) }
        let takes = running.first { id, _ in productionOrders[id].flatMap { component(of: $0, for: item) } != nil }
        return takes ?? running.first
    }
}
