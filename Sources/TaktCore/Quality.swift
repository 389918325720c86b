import Foundation

// Quality: inspection plans and results, nonconformances and their dispositions, and holds that cascade
// through the genealogy. Like Execution.swift, `decideQuality` validates and returns events; `applyQuality`
// folds them. The execution interlocks read `outstandingInspection` and `holdInterlocks` from here.

// MARK: - Decide

extension PlantState {
    func decideQuality(_ command: Command, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        switch command {
        case .defineInspectionPlan(let plan):
            return [.inspectionPlanDefined(try validate(plan))]

        case .recordInspectionResult(let record):
            return try decideResult(record, actor: actor, now: now)

        case .openNonconformance(let open):
            return [.nonconformanceOpened(try validate(open, actor: actor, now: now))]

        case .dispositionNonconformance(let d):
            guard let nc = nonconformances[d.nonconformance] else {
                throw .notFound("nonconformance", "nonconformance '\(d.nonconformance)' does not exist")
            }
            guard nc.status == .open else {
                throw .conflict("nonconformance", "status", "\(nc.id) is \(nc.status.rawValue); only an open nonconformance takes a disposition")
            }
            var v = Validator()
            v.name(d.reason, "reason")
            if let wc = d.workCenter {
                v.check(workCenters[wc] != nil, "workCenter", "unknown-reference", "work center '\(wc)' does not exist")
                v.check(d.disposition == .rework, "workCenter", "rework-only", "a work center is named only for a rework disposition")
            }
            try v.throwIfAny()
            var disposition = Disposition(
                kind: d.disposition,
                reason: d.reason,
                workCenter: d.disposition == .rework ? d.workCenter ?? nc.workCenter : nil,
                decidedBy: actor,
                decidedAt: now
            )
            _ = try carryOut(nc, disposition, by: actor, now: now)  // refuses now what could not be carried out
            guard isQuality(actor) else {
                return [.nonconformanceDispositioned(.init(nonconformance: nc.id, disposition: disposition))]
            }
            disposition.approvedBy = actor
            disposition.approvedAt = now
            return [.nonconformanceDispositioned(.init(nonconformance: nc.id, disposition: disposition))]
                + (try carryOut(nc, disposition, by: actor, now: now))

        case .approveDisposition(let a):
            guard let nc = nonconformances[a.nonconformance] else {
                throw .notFound("nonconformance", "nonconformance '\(a.nonconformance)' does not exist")
            }
            guard nc.status == .awaitingApproval, var disposition = nc.disposition else {
                throw .conflict("nonconformance", "status", "\(nc.id) is \(nc.status.rawValue); only a proposed disposition awaits approval")
            }
            guard isQuality(actor) else {
                throw .conflict(
                    "nonconformance",
                    "quality-approval",
                    "a \(disposition.kind.rawValue) disposition is approved by quality, not by \(actor?.rawValue ?? "this user")"
                )
            }
            let decided = DispositionDecided(nonconformance: nc.id, approved: a.approved, note: a.note, by: actor, at: now)
            guard a.approved else {
                var v = Validator()
                v.name(a.note ?? "", "note")
                try v.throwIfAny()
                return [.dispositionDecided(decided)]
            }
            disposition.approvedBy = actor
            disposition.approvedAt = now
            return [.dispositionDecided(decided)] + (try carryOut(nc, disposition, by: actor, now: now))

        case .placeHold(let place):
            return try decideHold(place, actor: actor, now: now)

        case .releaseHold(let release):
            guard let hold = holds[release.hold] else { throw .notFound("hold", "hold '\(release.hold)' does not exist") }
            if hold.released {
                throw .conflict(
                    "hold",
                    "released",
                    "\(hold.id) was already released\(hold.releasedBy.map { " by \($0)" } ?? "") at \(hold.releasedAt.map(Self.clock) ?? "?")"
                )
            }
            var v = Validator()
            v.name(release.reason, "reason")
            try v.throwIfAny()
            let others = holds.values.filter { !$0.released && $0.id != hold.id }
            var restored: [HeldLot] = []
            var stillHeld: [Lot.ID] = []
            var events: [Event] = []
            for held in hold.lots {
                if others.contains(where: { $0.lots.contains { $0.lot == held.lot } }) {
                    stillHeld.append(held.lot)
                } else if let lot = lots[held.lot], lot.status == .onHold {
                    restored.append(held)
                    if held.previousStatus != .onHold {
                        events.append(
                            .lotStatusChanged(
                                .init(lot: lot.id, from: .onHold, to: held.previousStatus, reason: "\(hold.id) released: \(release.reason)")
                            )
                        )
                    }
                }
            }
            let releasedOrders = hold.orders.filter { id in !others.contains { $0.orders.contains(id) } }
            let wc = hold.workCenter.flatMap { id in others.contains { $0.workCenter == id } ? nil : id }
            return [
                .holdReleased(
                    .init(
                        hold: hold.id,
                        reason: release.reason,
                        restoredLots: restored,
                        stillHeldLots: stillHeld,
                        releasedOrders: releasedOrders,
                        releasedWorkCenter: wc,
                        by: actor,
                        at: now
                    )
                )
            ] + events

        default:
            throw .invalid("type", "not-quality", "\(command.typeName) is not a quality command")
        }
    }

    /// Quality decides at once: a user with the quality (or admin) role, or the system itself.
    func isQuality(_ actor: User.ID?) -> Bool {
        guard let actor else { return true }
        guard let user = users[actor] else { return false }
        return user.has(.quality) || user.has(.admin)
    }

    // MARK: Inspection plans

    func validate(_ plan: InspectionPlan) throws(DomainError) -> InspectionPlan {
        var v = Validator()
        v.code(plan.id, "id")
        v.name(plan.name, "name")
        if let item = items[plan.item] {
            if let op = plan.operation {
                if item.kind == .purchased {
                    v.add("operation", "not-made", "item '\(item.id)' is purchased; its inspection is an incoming one, without an operation")
                } else {
                    let sequences = routings.values.filter { $0.item == item.id }.flatMap { $0.operations.map(\.sequence) }
                    v.check(sequences.contains(op), "operation", "unknown-reference", "no routing of '\(item.id)' has an operation \(op)")
                }
            }
        } else {
            v.add("item", "unknown-reference", "item '\(plan.item)' does not exist")
        }
        if let other = inspectionPlans.values.first(where: { $0.id != plan.id && $0.item == plan.item && $0.operation == plan.operation }) {
            let target = plan.operation.map { "operation \($0) of '\(plan.item)'" } ?? "item '\(plan.item)'"
            v.add("operation", "unique", "\(target) already has inspection plan '\(other.id)'; redefine that one")
        }
        v.check((1...1000).contains(plan.sampleSize), "sampleSize", "range", "sampleSize must be 1 to 1000 samples (got \(plan.sampleSize))")
        if plan.frequency == .everyN {
            if let n = plan.everyUnits {
                v.positive(n, "everyUnits")
            } else {
                v.add("everyUnits", "required", "an every-n plan needs everyUnits, the units per inspection")
            }
        } else {
            v.check(plan.everyUnits == nil, "everyUnits", "every-n-only", "everyUnits applies only to every-n plans")
        }
        v.check(!plan.characteristics.isEmpty, "characteristics", "required", "an inspection plan needs at least one characteristic")
        var seen = Set<String>()
        for (i, c) in plan.characteristics.enumerated() {
            let f = "characteristics[\(i)]"
            v.code(Identifier<Characteristic>(c.id), "\(f).id")
            v.name(c.name, "\(f).name")
            v.check(seen.insert(c.id).inserted, "\(f).id", "unique", "characteristic '\(c.id)' is listed twice")
            switch c.kind {
            case .variable:
                v.check(
                    c.lowerLimit != nil || c.upperLimit != nil,
                    "\(f).lowerLimit",
                    "required",
                    "variable characteristic '\(c.id)' needs a lower limit, an upper limit or both"
                )
                for (limit, field) in [(c.lowerLimit, "lowerLimit"), (c.upperLimit, "upperLimit"), (c.target, "target")] {
                    if let x = limit { v.check(x.isFinite, "\(f).\(field)", "finite", "\(f).\(field) must be a number") }
                }
                if let lo = c.lowerLimit, let hi = c.upperLimit {
                    v.check(
                        lo <= hi,
                        "\(f).upperLimit",
                        "order",
                        "the upper limit \(Self.number(hi)) of '\(c.id)' is below its lower limit \(Self.number(lo))"
                    )
                }
                v.name(c.unit ?? "", "\(f).unit")
                if let t = c.target {
                    v.check(c.accepts(t), "\(f).target", "within-limits", "the target \(Self.number(t)) of '\(c.id)' lies outside its limits")
                }
            case .attribute:
                v.check(
                    c.lowerLimit == nil && c.upperLimit == nil && c.target == nil,
                    "\(f).kind",
                    "attribute",
                    "attribute characteristic '\(c.id)' is judged pass or fail and takes no limits or target"
                )
            }
        }
        try v.throwIfAny()
        var defined = plan
        defined.revision = (inspectionPlans[plan.id]?.revision ?? 0) + 1
        return defined
    }

    // MARK: Inspection results

    func decideResult(_ record: RecordInspectionResult, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        guard let plan = inspectionPlans[record.plan] else { throw .notFound("plan", "inspection plan '\(record.plan)' does not exist") }
        var orderID = record.productionOrder
        var operation = record.operation ?? (record.productionOrder != nil ? plan.operation : nil)
        var lot: Lot?
        if let lotID = record.lot {
            guard let l = lots[lotID] else { throw .notFound("lot", "lot '\(lotID)' does not exist") }
            guard l.item == plan.item else {
                throw .invalid("lot", "item-mismatch", "lot '\(l.id)' is \(l.item); plan '\(plan.id)' inspects \(plan.item)")
            }
            if orderID == nil, let po = l.productionOrder, plan.operation != nil {
                orderID = po
                operation = operation ?? plan.operation
            }
            lot = l
        }
        var workCenter: WorkCenter.ID?
        if let id = orderID {
            guard let sequence = operation else {
                throw .invalid("operation", "required", "name the operation of '\(id)' this result inspects")
            }
            let ctx = try operationContext(id, sequence)
            guard ctx.order.item == plan.item else {
                throw .invalid("productionOrder", "item-mismatch", "order '\(id)' makes \(ctx.order.item); plan '\(plan.id)' inspects \(plan.item)")
            }
            if let planned = plan.operation, planned != sequence {
                throw .invalid("operation", "plan-mismatch", "plan '\(plan.id)' inspects operation \(planned), not \(sequence)")
            }
            guard ctx.progress.status != .waiting else {
                throw .conflict("operation", "status", "operation \(sequence) of \(id) has not started; there is nothing to inspect yet")
            }
            if let lot, lot.productionOrder != id {
                throw .invalid("lot", "order-mismatch", "lot '\(lot.id)' was not made by order '\(id)'")
            }
            workCenter = ctx.progress.workCenter
        } else if lot == nil {
            throw .invalid("productionOrder", "required", "name the production order operation or the lot this result inspects")
        }

        let measured = try measure(record.measurements, against: plan)
        let id = InspectionResult.ID(String(format: "IR-%06d", nextInspectionResultNumber))
        let passed = measured.allSatisfy(\.passed)
        let note = record.note?.trimmingCharacters(in: .whitespacesAndNewlines)
        let result = InspectionResult(
            id: id,
            plan: plan.id,
            planRevision: plan.revision,
            item: plan.item,
            productionOrder: orderID,
            operation: orderID == nil ? nil : operation,
            lot: lot?.id,
            measurements: measured,
            passed: passed,
            note: note?.isEmpty == false ? note : nil,
            by: actor,
            at: now
        )
        var events: [Event] = [.inspectionResultRecorded(result)]
        if passed {
            if let orderID {
                var after = self
                after.applyQuality(events[0])
                if let order = after.productionOrders[orderID] {
                    events += after.orderCompletion(order, operations: after.operations[orderID] ?? [], now: now)
                }
            } else if let lot, lot.status == .quarantine, plan.operation == nil, activeHolds(onLot: lot.id).isEmpty {
                events.append(.lotStatusChanged(.init(lot: lot.id, from: .quarantine, to: .available, reason: "incoming inspection \(id) passed")))
            }
        } else {
            let failures = measured.filter { !$0.passed }.map { m in describeFailure(m, plan: plan) }
            let nc = Nonconformance(
                id: Nonconformance.ID(String(format: "NC-%06d", nextNonconformanceNumber)),
                description: "Inspection \(id) to plan '\(plan.id)' revision \(plan.revision) failed: " + failures.joined(separator: "; "),
                severity: plan.failureSeverity,
                item: plan.item,
                lots: lot.map { [$0.id] } ?? [],
                productionOrder: orderID,
                operation: orderID == nil ? nil : operation,
                workCenter: workCenter,
                location: orderID == nil ? lot?.location : nil,
                inspectionResult: id,
                openedBy: actor,
                openedAt: now
            )
            events.append(.nonconformanceOpened(nc))
        }
        return events
    }

    /// Checks the measurements against the plan (one per characteristic per sample) and judges each.
    func measure(_ measurements: [Measurement], against plan: InspectionPlan) throws(DomainError) -> [MeasuredValue] {
        var v = Validator()
        var measured: [MeasuredValue] = []
        var seen = Set<String>()
        let known = plan.characteristics.map(\.id)
        for (i, m) in measurements.enumerated() {
            let f = "measurements[\(i)]"
            guard let c = plan.characteristics.first(where: { $0.id == m.characteristic }) else {
                v.add(
                    "\(f).characteristic",
                    "unknown-characteristic",
                    "plan '\(plan.id)' revision \(plan.revision) has no characteristic '\(m.characteristic)'; it checks \(known.joined(separator: ", "))"
                )
                continue
            }
            guard (1...plan.sampleSize).contains(m.sample) else {
                v.add(
                    "\(f).sample",
                    "sample-count",
                    "sample \(m.sample) of '\(c.id)' is outside 1–\(plan.sampleSize); plan '\(plan.id)' takes \(plan.sampleSize) sample\(plan.sampleSize == 1 ? "" : "s")"
                )
                continue
            }
            v.check(seen.insert("\(c.id)#\(m.sample)").inserted, "\(f).sample", "unique", "'\(c.id)' is recorded twice for sample \(m.sample)")
            switch c.kind {
            case .variable:
                v.check(
                    m.passed == nil,
                    "\(f).passed",
                    "automatic",
                    "'\(c.id)' is measured; its pass or fail follows from its limits, so leave passed out"
                )
                if let value = m.value, value.isFinite {
                    measured.append(MeasuredValue(characteristic: c.id, sample: m.sample, value: value, passed: c.accepts(value)))
                } else {
                    v.add(
                        "\(f).value",
                        "required",
                        "'\(c.id)' (\(c.name)) is a variable characteristic; record the measured value in \(c.unit ?? "its unit")"
                    )
                }
            case .attribute:
                v.check(m.value == nil, "\(f).value", "attribute", "'\(c.id)' is judged pass or fail; it takes no value")
                if let passed = m.passed {
                    measured.append(MeasuredValue(characteristic: c.id, sample: m.sample, value: nil, passed: passed))
                } else {
                    v.add("\(f).passed", "required", "'\(c.id)' (\(c.name)) is a pass/fail characteristic; record passed true or false")
                }
            }
        }
        for c in plan.characteristics {
            let samples = Set(measurements.filter { $0.characteristic == c.id }.map(\.sample))
            if samples.isEmpty {
                v.add(
                    "measurements",
                    "missing-characteristic",
                    "no result for '\(c.id)' (\(c.name)); plan '\(plan.id)' requires every characteristic"
                )
            } else {
                let missing = (1...max(1, plan.sampleSize)).filter { !samples.contains($0) }
                if !missing.isEmpty {
                    v.add(
                        "measurements",
                        "sample-count",
                        "'\(c.id)' has \(plan.sampleSize - missing.count) of \(plan.sampleSize) samples; sample \(missing.map(String.init).joined(separator: ", ")) is missing"
                    )
                }
            }
        }
        try v.throwIfAny()
        return measured
    }

    func describeFailure(_ m: MeasuredValue, plan: InspectionPlan) -> String {
        guard let c = plan.characteristics.first(where: { $0.id == m.characteristic }), let value = m.value else {
            return "'\(m.characteristic)' failed (sample \(m.sample))"
        }
        let unit = c.unit.map { " \($0)" } ?? ""
        if let lo = c.lowerLimit, value < lo {
            return "'\(c.id)' \(Self.number(value))\(unit) is below the lower limit \(Self.number(lo))\(unit) (sample \(m.sample))"
        }
        if let hi = c.upperLimit, value > hi {
            return "'\(c.id)' \(Self.number(value))\(unit) is above the upper limit \(Self.number(hi))\(unit) (sample \(m.sample))"
        }
        return "'\(c.id)' \(Self.number(value))\(unit) is out of limits (sample \(m.sample))"
    }

    /// The inspection plan for `item` at routing operation `operation` (nil: the item-level plan), if any.
    public func inspectionPlan(for item: Item.ID, operation: Int?) -> InspectionPlan? {
        inspectionPlans.values.filter { $0.item == item && $0.operation == operation }.min { $0.id < $1.id }
    }

    /// What operation `op` of `order` still waits for before the next operation may start and the order may
    /// complete: nil when nothing; "" when the routing asks for an inspection not yet passed (`recordInspection`);
    /// otherwise the gap against the inspection plan of the item at that operation, in words.
    ///
    /// An operation needs an inspection when its routing step says so or a plan exists for it. With a plan, its
    /// frequency decides: first piece, one passed result; every N, one per N units reported (rounded up, at least
    /// one); every lot, one per output lot of the order (at least one lot).
    func outstandingInspection(_ order: ProductionOrder, _ op: OperationProgress) -> String? {
        if op.reworkOf != nil { return nil }
        guard let plan = inspectionPlan(for: order.item, operation: op.sequence) else {
            return op.inspectionRequired && !op.inspectionPassed ? "" : nil
        }
        let passing = inspectionResults.filter { $0.passed && $0.plan == plan.id && $0.productionOrder == order.id && $0.operation == op.sequence }
        switch plan.frequency {
        case .firstPiece:
            return passing.isEmpty ? "plan '\(plan.id)', first piece: no passed result yet" : nil
        case .everyN:
            let n = plan.everyUnits ?? 1
            let needed = Self.inspectionsNeeded(reported: op.reported, everyUnits: n)
            return passing.count >= needed
                ? nil
                : "plan '\(plan.id)', every \(Self.number(n)) units: \(passing.count) of \(needed) passed results for \(Self.number(op.reported)) reported"
        case .everyLot:
            let outputs = outputsByOrder[order.id] ?? []
            let passed = Set(passing.compactMap(\.lot))
            let open = outputs.filter { !passed.contains($0) }
            if outputs.isEmpty { return "plan '\(plan.id)', every lot: no output lot yet" }
            return open.isEmpty ? nil : "plan '\(plan.id)', every lot: lot \(open.map(\.rawValue).joined(separator: ", ")) not passed"
        }
    }

    /// The lots quality must decide on before they may be used: in quarantine by status, or still in stock at a
    /// quarantine location (received there, or moved there), by lot ID.
    public func quarantinedLots() -> [Lot] {
        lots.values.filter { lot in
            lot.status == .quarantine || (lot.status.inStock && locations[lot.location]?.kind == .quarantine)
        }.sorted { $0.id < $1.id }
    }

    /// Whether operation `operation` of `productionOrder` still waits for an inspection (see ``outstandingInspection``).
    public func inspectionOutstanding(productionOrder: ProductionOrder.ID, operation: Int) -> Bool {
        guard let order = productionOrders[productionOrder],
            let op = operations[productionOrder]?.first(where: { $0.sequence == operation })
        else { return false }
        return outstandingInspection(order, op) != nil
    }

    /// A receipt of a purchased item with an incoming inspection plan waits in quarantine until it passes.
    func receiptStatus(_ lot: Lot) -> Lot {
        guard lot.productionOrder == nil, items[lot.item]?.kind == .purchased, inspectionPlan(for: lot.item, operation: nil) != nil else {
            return lot
        }
        var held = lot
        held.status = .quarantine
        return held
    }

    // MARK: Nonconformances

    func validate(_ open: OpenNonconformance, actor: User.ID?, now: Date) throws(DomainError) -> Nonconformance {
        var v = Validator()
        let description = open.description.trimmingCharacters(in: .whitespacesAndNewlines)
        v.check(!description.isEmpty, "description", "required", "description must say what is wrong")
        v.check(description.count <= 2000, "description", "max-length", "description must be at most 2000 characters")
        var seen = Set<Lot.ID>()
        for (i, id) in open.lots.enumerated() {
            v.check(lots[id] != nil, "lots[\(i)]", "unknown-reference", "lot '\(id)' does not exist")
            v.check(seen.insert(id).inserted, "lots[\(i)]", "unique", "lot '\(id)' is listed twice")
        }
        var workCenter = open.workCenter
        if let po = open.productionOrder {
            if let order = productionOrders[po] {
                if let seq = open.operation {
                    if let op = operations[po]?.first(where: { $0.sequence == seq }) {
                        workCenter = workCenter ?? op.workCenter
                    } else {
                        v.add("operation", "unknown-reference", "production order '\(po)' has no operation \(seq)")
                    }
                }
                _ = order
            } else {
                v.add("productionOrder", "unknown-reference", "production order '\(po)' does not exist")
            }
        } else if open.operation != nil {
            v.add("operation", "needs-order", "an operation is named together with its production order")
        }
        if let wc = open.workCenter { v.check(workCenters[wc] != nil, "workCenter", "unknown-reference", "work center '\(wc)' does not exist") }
        if let loc = open.location { v.check(locations[loc] != nil, "location", "unknown-reference", "location '\(loc)' does not exist") }
        v.check(
            !open.lots.isEmpty || open.productionOrder != nil || open.workCenter != nil || open.location != nil,
            "lots",
            "required",
            "name what is affected: lots, a production order, a work center or a location"
        )
        try v.throwIfAny()
        let itemsOfLots = Set(open.lots.compactMap { lots[$0]?.item })
        let item = itemsOfLots.count == 1 ? itemsOfLots.first : open.productionOrder.flatMap { productionOrders[$0]?.item }
        return Nonconformance(
            id: Nonconformance.ID(String(format: "NC-%06d", nextNonconformanceNumber)),
            description: description,
            severity: open.severity,
            item: item,
            lots: open.lots,
            productionOrder: open.productionOrder,
            operation: open.operation,
            workCenter: workCenter,
            location: open.location,
            openedBy: actor,
            openedAt: now
        )
    }

    /// The events that carry out an approved disposition; throws when it cannot be carried out.
    func carryOut(_ nc: Nonconformance, _ d: Disposition, by actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        let reason = "\(nc.id): \(d.kind.rawValue) — \(d.reason)"
        var v = Validator()
        var events: [Event] = []
        func close(_ note: String) -> Event {
            .nonconformanceClosed(.init(nonconformance: nc.id, note: note, by: actor, at: now))
        }
        switch d.kind {
        case .scrap, .returnToSupplier:
            let to: LotStatus = d.kind == .scrap ? .scrapped : .returned
            v.check(
                !nc.lots.isEmpty,
                "disposition",
                "needs-lots",
                "\(nc.id) names no lots, so there is nothing to \(d.kind == .scrap ? "scrap" : "return")"
            )
            for (i, id) in nc.lots.enumerated() {
                guard let lot = lots[id] else { continue }
                guard lot.status.isInStock else {
                    v.add("lots[\(i)]", "not-in-stock", "lot '\(lot.id)' is \(lot.status.rawValue) and no longer in stock")
                    continue
                }
                if d.kind == .returnToSupplier, let po = lot.productionOrder {
                    v.add("lots[\(i)]", "not-purchased", "lot '\(lot.id)' was made by order '\(po)', not bought; it cannot be returned to a supplier")
                    continue
                }
                events.append(.lotStatusChanged(.init(lot: lot.id, from: lot.status, to: to, reason: reason)))
            }
            events.append(
                close(
                    d.kind == .scrap
                        ? "scrapped \(nc.lots.map(\.rawValue).joined(separator: ", "))"
                        : "returned \(nc.lots.map(\.rawValue).joined(separator: ", ")) to the supplier"
                )
            )
        case .useAsIs:
            for id in nc.lots {
                if let lot = lots[id], lot.status == .quarantine, activeHolds(onLot: id).isEmpty {
                    events.append(.lotStatusChanged(.init(lot: id, from: .quarantine, to: .available, reason: reason)))
                }
            }
            events.append(close("used as is: \(d.reason)"))
        case .rework:
            let fromLots = Set(nc.lots.compactMap { lots[$0]?.productionOrder })
            guard let po = nc.productionOrder ?? (fromLots.count == 1 ? fromLots.first : nil), let order = productionOrders[po] else {
                throw .invalid(
                    "disposition",
                    "needs-order",
                    "\(nc.id) names no production order (directly or through its lots) to add a rework operation to"
                )
            }
            guard [.released, .inProgress, .completed].contains(order.status) else {
                throw .conflict(
                    "disposition",
                    "order-status",
                    "production order '\(po)' is \(order.status.rawValue); rework is added to released, in-progress or completed orders"
                )
            }
            guard let wc = d.workCenter else {
                throw .invalid("workCenter", "required", "name the work center where \(nc.id) is reworked")
            }
            let sequence = ((operations[po] ?? []).map(\.sequence).max() ?? 0) + 1
            events.append(
                .reworkOperationAdded(
                    .init(
                        productionOrder: po,
                        operation: sequence,
                        name: "Rework \(nc.id)",
                        workCenter: wc,
                        nonconformance: nc.id,
                        reopened: order.status == .completed,
                        at: now
                    )
                )
            )
        }
        try v.throwIfAny(.conflict)
        return events
    }

    /// Completing a rework operation carries out its nonconformance's disposition: the nonconformance closes.
    func reworkClosure(_ ctx: OperationContext, by actor: User.ID?, now: Date) -> [Event] {
        guard let id = ctx.progress.reworkOf, let nc = nonconformances[id], nc.status == .inRework else { return [] }
        return [
            .nonconformanceClosed(
                .init(nonconformance: id, note: "rework operation \(ctx.progress.sequence) of \(ctx.order.id) completed", by: actor, at: now)
            )
        ]
    }

    // MARK: Holds

    func decideHold(_ place: PlaceHold, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        var v = Validator()
        v.name(place.reason, "reason")
        let named = [place.lot != nil, place.supplier != nil || place.supplierLot != nil, place.productionOrder != nil, place.workCenter != nil]
        v.check(named.filter { $0 }.count == 1, "lot", "one-of", "name exactly one of lot, supplier with supplierLot, productionOrder or workCenter")
        try v.throwIfAny()
        let id = Hold.ID(String(format: "HOLD-%06d", nextHoldNumber))
        let active = holds.values.filter { !$0.released }.sorted { $0.id < $1.id }
        var hold = Hold(id: id, kind: .lot, reason: place.reason, placedBy: actor, placedAt: now)
        var affected: [Lot] = []
        if let lotID = place.lot {
            guard let lot = lots[lotID] else { throw .notFound("lot", "lot '\(lotID)' does not exist") }
            guard lot.status.isInStock else {
                throw .conflict(
                    "lot",
                    "not-in-stock",
                    "lot '\(lot.id)' is \(lot.status.rawValue) and no longer in stock; hold its supplier lot or the orders it went into"
                )
            }
            if let other = active.first(where: { $0.kind == .lot && $0.lot == lotID }) {
                throw .conflict("lot", "already-held", "lot '\(lotID)' is already under \(other.id)")
            }
            hold.lot = lotID
            affected = [lot]
        } else if place.supplier != nil || place.supplierLot != nil {
            let supplier = place.supplier?.trimmingCharacters(in: .whitespaces) ?? ""
            let number = place.supplierLot?.trimmingCharacters(in: .whitespaces) ?? ""
            v.check(!supplier.isEmpty, "supplier", "required", "a supplier-lot hold names the supplier")
            v.check(!number.isEmpty, "supplierLot", "required", "a supplier-lot hold names the supplier's lot number")
            try v.throwIfAny()
            if let other = active.first(where: { $0.kind == .supplierLot && $0.supplier == supplier && $0.supplierLot == number }) {
                throw .conflict("supplierLot", "already-held", "supplier lot '\(number)' of \(supplier) is already under \(other.id)")
            }
            let roots = lots.values.filter {
                $0.supplier?.trimmingCharacters(in: .whitespaces) == supplier && $0.supplierLot?.trimmingCharacters(in: .whitespaces) == number
            }
            .sorted { $0.id < $1.id }
            guard !roots.isEmpty else { throw .notFound("supplierLot", "no lot from \(supplier) carries supplier lot '\(number)'") }
            hold.kind = .supplierLot
            hold.supplier = supplier
            hold.supplierLot = number
            var seenLots = Set<Lot.ID>()
            var seenOrders = Set<ProductionOrder.ID>()
            for root in roots {
                guard let trace = trace(root.id, direction: .forward, limit: Int.max) else { continue }
                for traced in trace.lots where seenLots.insert(traced.id).inserted {
                    guard let lot = lots[traced.id] else { continue }
                    if lot.status.isInStock {
                        affected.append(lot)
                    } else if lot.status == .shipped {
                        hold.shipped.append(shippedNotice(lot))
                    }
                }
                for order in trace.orders where seenOrders.insert(order.id).inserted && (order.status == .released || order.status == .inProgress) {
                    hold.orders.append(order.id)
                }
            }
        } else if let po = place.productionOrder {
            guard let order = productionOrders[po] else { throw .notFound("productionOrder", "production order '\(po)' does not exist") }
            guard order.status != .cancelled else {
                throw .conflict("productionOrder", "status", "production order '\(po)' is cancelled; there is nothing to hold")
            }
            if let other = active.first(where: { $0.kind == .productionOrder && $0.productionOrder == po }) {
                throw .conflict("productionOrder", "already-held", "production order '\(po)' is already under \(other.id)")
            }
            hold.kind = .productionOrder
            hold.productionOrder = po
            if !order.status.isTerminal { hold.orders = [po] }
            for lotID in outputsByOrder[po] ?? [] {
                guard let lot = lots[lotID] else { continue }
                if lot.status.isInStock { affected.append(lot) } else if lot.status == .shipped { hold.shipped.append(shippedNotice(lot)) }
            }
        } else if let wc = place.workCenter {
            guard workCenters[wc] != nil else { throw .notFound("workCenter", "work center '\(wc)' does not exist") }
            if let other = active.first(where: { $0.kind == .workCenter && $0.workCenter == wc }) {
                throw .conflict("workCenter", "already-held", "work center '\(wc)' is already under \(other.id)")
            }
            hold.kind = .workCenter
            hold.workCenter = wc
        }
        var events: [Event] = []
        for lot in affected {
            // Under another hold already: remember the status from before the first hold, so the last release restores it.
            let earlier = active.lazy.compactMap { $0.lots.first { $0.lot == lot.id } }.first
            hold.lots.append(HeldLot(lot: lot.id, item: lot.item, location: lot.location, previousStatus: earlier?.previousStatus ?? lot.status))
            if lot.status != .onHold {
                events.append(.lotStatusChanged(.init(lot: lot.id, from: lot.status, to: .onHold, reason: "\(id): \(place.reason)")))
            }
        }
        return [.holdPlaced(hold)] + events
    }

    func shippedNotice(_ lot: Lot) -> ShippedLotNotice {
        let peg = lot.productionOrder.flatMap { productionOrders[$0]?.pegging }
        return ShippedLotNotice(
            lot: lot.id,
            item: lot.item,
            productionOrder: lot.productionOrder,
            salesOrder: peg?.salesOrder,
            salesOrderLine: peg?.line,
            customer: peg.flatMap { salesOrders[$0.salesOrder]?.customer }
        )
    }

    /// The active holds that put `lot` on hold.
    public func activeHolds(onLot lot: Lot.ID) -> [Hold] {
        holds.values.filter { !$0.released && $0.lots.contains { $0.lot == lot } }.sorted { $0.id < $1.id }
    }

    /// The active holds on `order` (the order itself, or WIP reached by a supplier-lot hold).
    public func activeHolds(onOrder order: ProductionOrder.ID) -> [Hold] {
        holds.values.filter { !$0.released && $0.orders.contains(order) }.sorted { $0.id < $1.id }
    }

    public func activeHolds(onWorkCenter workCenter: WorkCenter.ID) -> [Hold] {
        holds.values.filter { !$0.released && $0.workCenter == workCenter }.sorted { $0.id < $1.id }
    }

    /// An order on hold, or a work center on hold, does not start or resume work.
    func holdInterlocks(_ ctx: OperationContext, workCenter: WorkCenter.ID) -> [Violation] {
        var failures: [Violation] = []
        let onOrder = activeHolds(onOrder: ctx.order.id)
        if !onOrder.isEmpty {
            failures.append(
                Violation(
                    field: "productionOrder",
                    rule: Interlock.orderOnHold.rawValue,
                    message:
                        "production order '\(ctx.order.id)' is on hold (\(Self.describe(onOrder))); quality must release it before work continues"
                )
            )
        }
        let onWC = activeHolds(onWorkCenter: workCenter)
        if !onWC.isEmpty {
            failures.append(
                Violation(
                    field: "workCenter",
                    rule: Interlock.workCenterOnHold.rawValue,
                    message: "\(workCenter) is on hold (\(Self.describe(onWC))); quality must release it before work continues"
                )
            )
        }
        return failures
    }

    static func describe(_ holds: [Hold]) -> String {
        holds.map { "\($0.id): \($0.reason)" }.joined(separator: "; ")
    }
}

// MARK: - Apply

extension PlantState {
    mutating func applyQuality(_ event: Event) {
        switch event {
        case .inspectionPlanDefined(let p): inspectionPlans[p.id] = p
        case .inspectionResultRecorded(let r):
            inspectionResults.append(r)
            if let n = PlantState.number(in: r.id.rawValue, prefix: "IR-"), n >= nextInspectionResultNumber { nextInspectionResultNumber = n + 1 }
        case .nonconformanceOpened(let nc):
            nonconformances[nc.id] = nc
            if let n = PlantState.number(in: nc.id.rawValue, prefix: "NC-"), n >= nextNonconformanceNumber { nextNonconformanceNumber = n + 1 }
        case .nonconformanceDispositioned(let d):
            nonconformances[d.nonconformance]?.disposition = d.disposition
            if d.disposition.approvedAt == nil { nonconformances[d.nonconformance]?.status = .awaitingApproval }
        case .dispositionDecided(let d):
            if d.approved {
                nonconformances[d.nonconformance]?.disposition?.approvedBy = d.by
                nonconformances[d.nonconformance]?.disposition?.approvedAt = d.at
            } else {
                nonconformances[d.nonconformance]?.disposition = nil
                nonconformances[d.nonconformance]?.status = .open
            }
        case .reworkOperationAdded(let r):
            operations[r.productionOrder, default: []].append(
                OperationProgress(sequence: r.operation, name: r.name, reworkOf: r.nonconformance, reworkWorkCenter: r.workCenter)
            )
            if r.reopened {
                productionOrders[r.productionOrder]?.status = .inProgress
                productionOrders[r.productionOrder]?.completedAt = nil
            }
            nonconformances[r.nonconformance]?.reworkOperation = r.operation
            nonconformances[r.nonconformance]?.status = .inRework
        case .nonconformanceClosed(let c):
            nonconformances[c.nonconformance]?.status = .closed
            nonconformances[c.nonconformance]?.closedAt = c.at
            nonconformances[c.nonconformance]?.closedBy = c.by
            nonconformances[c.nonconformance]?.closeNote = c.note
        case .holdPlaced(let h):
            holds[h.id] = h
            if let n = PlantState.number(in: h.id.rawValue, prefix: "HOLD-"), n >= nextHoldNumber { nextHoldNumber = n + 1 }
        case .holdReleased(let r):
            holds[r.hold]?.released = true
            holds[r.hold]?.releasedBy = r.by
            holds[r.hold]?.releasedAt = r.at
            holds[r.hold]?.releaseReason = r.reason
        default: break
        }
    }
}

extension PlantState {
    /// Passed inspections an every-n plan needs for `reported` units: one per started `everyUnits`, at least one
    /// (saturating: no value the log holds can trap). The one rule; the API's inspection status reads it too.
    public static func inspectionsNeeded(reported: Double, everyUnits: Double) -> Int {
        max(1, Int(saturating: (reported / everyUnits - 1e-9).rounded(.up)))
    }
}
