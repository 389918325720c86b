public import Foundation

/// The current state of the plant: a projection of the event log.
///
/// `decide` validates a command against this state and returns the events it would append, without
/// changing anything; `apply` folds one event into the state. Both are pure: no clock, no I/O.
public struct PlantState: Codable, Sendable, Equatable {
    /// Bumped whenever the shape of this projection changes; stored snapshots of another version are ignored.
    public static let schemaVersion = 12

    /// Sequence number of the last event applied.
    public var sequence: Int64 = 0
    public var sites: [Site.ID: Site] = [:]
    public var skills: [Skill.ID: Skill] = [:]
    public var workCenters: [WorkCenter.ID: WorkCenter] = [:]
    public var locations: [Location.ID: Location] = [:]
    public var items: [Item.ID: Item] = [:]
    public var boms: [BOM.ID: BOM] = [:]
    public var routings: [Routing.ID: Routing] = [:]
    public var customers: [Customer.ID: Customer] = [:]
    public var salesOrders: [SalesOrder.ID: SalesOrder] = [:]
    public var productionOrders: [ProductionOrder.ID: ProductionOrder] = [:]
    public var lots: [Lot.ID: Lot] = [:]
    public var users: [User.ID: User] = [:]
    public var tokens: [APIToken.ID: APIToken] = [:]
    /// Index: token secret hash → token ID.
    public var tokensByHash: [String: APIToken.ID] = [:]
    /// Password hashes by user (scrypt, with their parameters); never answered to a client.
    public var passwords: [User.ID: PasswordHash] = [:]
    /// Next number for plant-numbered production orders and tokens.
    public var nextProductionOrderNumber = 1
    public var nextTokenNumber = 1
    /// The schedule the plant works to, if one was published.
    public var publishedSchedule: PublishedSchedule?

    // Execution (see Execution.swift).
    public var workInstructions: [WorkInstruction.ID: WorkInstruction] = [:]
    /// Per user: the revision of each work instruction they last acknowledged.
    public var acknowledgements: [User.ID: [WorkInstruction.ID: String]] = [:]
    /// Per production order: the execution record of its operations, copied from the routing when created
    /// and again at release (so later routing edits do not change released orders).
    public var operations: [ProductionOrder.ID: [OperationProgress]] = [:]
    public var clockedIn: [User.ID: ClockIn] = [:]
    public var labourSessions: [LabourSession] = []
    /// Per work center: its machine-state history, oldest first; the last entry is the current state.
    public var machineStates: [WorkCenter.ID: [MachineStateChange]] = [:]
    public var machineCounts: [WorkCenter.ID: [MachineCount]] = [:]
    /// How machine signals map to work centers (the machine-data bridge reads it).
    public var machineSignalMapping = MachineSignalMapping(rules: [])
    /// Per work center: quantities reported there, oldest first.
    public var productionReports: [WorkCenter.ID: [ProductionReport]] = [:]
    /// Genealogy, both ways: what each order consumed, and where each lot was consumed.
    public var consumptionsByOrder: [ProductionOrder.ID: [Consumption]] = [:]
    public var consumptionsByLot: [Lot.ID: [Consumption]] = [:]
    /// The lots each production order made.
    public var outputsByOrder: [ProductionOrder.ID: [Lot.ID]] = [:]

    // Warehouse (see Warehouse.swift).
    public var expectedReceipts: [ExpectedReceipt.ID: ExpectedReceipt] = [:]
    public var nextExpectedReceiptNumber = 1
    public var handlingUnits: [HandlingUnit.ID: HandlingUnit] = [:]
    /// Index: lot → the handling unit carrying it.
    public var handlingUnitByLot: [Lot.ID: HandlingUnit.ID] = [:]
    /// Open reservations (released ones are removed), with indexes by lot and by order.
    public var reservations: [Reservation.ID: Reservation] = [:]
    public var reservationsByLot: [Lot.ID: [Reservation.ID]] = [:]
    public var reservationsByOrder: [ProductionOrder.ID: [Reservation.ID]] = [:]
    public var nextReservationNumber = 1
    public var stagingTasks: [StagingTask.ID: StagingTask] = [:]
    public var nextStagingTaskNumber = 1
    /// Lots reported missing and not found (moved) since, with when they were reported.
    public var missingLots: [Lot.ID: Date] = [:]
    /// The projected shortages last recorded, per item.
    public var shortages: [Item.ID: ProjectedShortage] = [:]
    public var shipments: [Shipment.ID: Shipment] = [:]
    /// Index: lot → the shipment that took it to a customer.
    public var shipmentByLot: [Lot.ID: Shipment.ID] = [:]
    public var shipmentsBySalesOrder: [SalesOrder.ID: [Shipment.ID]] = [:]
    public var nextShipmentNumber = 1
    // Quality (see Quality.swift).
    public var inspectionPlans: [InspectionPlan.ID: InspectionPlan] = [:]
    /// Every inspection result, oldest first.
    public var inspectionResults: [InspectionResult] = []
    public var nonconformances: [Nonconformance.ID: Nonconformance] = [:]
    /// Every hold, active or released.
    public var holds: [Hold.ID: Hold] = [:]
    public var nextInspectionResultNumber = 1
    public var nextNonconformanceNumber = 1
    public var nextHoldNumber = 1

    // Orchestration (see Orchestration.swift).
    public var exceptions: [PlantException.ID: PlantException] = [:]
    public var nextExceptionNumber = 1
    /// The exception raised for each event sequence, so the orchestrator handles every event once.
    public var exceptionBySource: [Int64: PlantException.ID] = [:]
    public var playbooks: [Playbook.ID: Playbook] = [:]
    public var approvalPolicy: ApprovalPolicy = .standard
    /// Expected overruns of operations, per order and sequence.
    public var operationDelays: [ProductionOrder.ID: [Int: OperationDelayReported]] = [:]
    /// Extra working time per work center.
    public var overtime: [WorkCenter.ID: [Overtime]] = [:]
    /// Reported absences per person, in the order reported.
    public var absences: [User.ID: [Absence]] = [:]

    // Webhooks (see Webhooks.swift).
    public var webhookSubscriptions: [WebhookSubscription.ID: WebhookSubscription] = [:]
    /// Per subscription: the log position it was created at (delivery starts after it).
    public var webhookStarts: [WebhookSubscription.ID: Int64] = [:]
    public var webhookDeadLetters: [WebhookDeadLetter.ID: WebhookDeadLetter] = [:]
    public var nextWebhookNumber = 1
    public var nextWebhookDeadLetterNumber = 1

    // Engineering changes (see EngineeringChange.swift).
    /// Uploaded images and PDFs, with their bytes.
    public var attachments: [Attachment.ID: Attachment] = [:]
    public var nextAttachmentNumber = 1
    /// Per work instruction: every revision released, oldest first (the last is the current one).
    public var workInstructionRevisions: [WorkInstruction.ID: [WorkInstructionRevision]] = [:]
    public var engineeringChanges: [EngineeringChange.ID: EngineeringChange] = [:]
    public var nextEngineeringChangeNumber = 1
    // Incoming documents (see Documents.swift).
    public var documents: [IncomingDocument.ID: IncomingDocument] = [:]
    public var documentTemplates: [DocumentTemplate.ID: DocumentTemplate] = [:]
    public var nextDocumentNumber = 1

    public init() {}

    /// The user behind a token secret hash, when the token is valid and the user active.
    public func user(forTokenHash hash: String) -> User? {
        guard let id = tokensByHash[hash], let token = tokens[id], !token.revoked,
            let user = users[token.user], user.active
        else { return nil }
        return user
    }

    /// The live token with this secret hash (not revoked, its user active), or nil.
    public func token(forHash hash: String) -> APIToken? {
        guard let id = tokensByHash[hash], let token = tokens[id], user(forTokenHash: hash) != nil else { return nil }
        return token
    }
}

// MARK: - Decide

extension PlantState {
    /// Validates `command` against the current state.
    /// - Parameters:
    ///   - command: what the actor asks for.
    ///   - actor: who asks (authorization is checked by the engine; here only rules that depend on the actor).
    ///   - now: the time of the decision, recorded in events that carry a time.
    /// - Returns: the events to append, in order.
    /// - Throws: ``DomainError`` naming every field and rule that failed; nothing is changed.
    public func decide(_ command: Command, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        // Every value, whatever its field: finite numbers, dates in 2000–2200, text without control characters.
        try CommandValues.check(command)
        switch command {
        case .defineSite(let site):
            var v = Validator()
            v.code(site.id, "id")
            v.name(site.name, "name")
            v.check(TimeZone(identifier: site.timeZone) != nil, "timeZone", "time-zone", "timeZone '\(site.timeZone)' is not a known IANA time zone")
            try v.throwIfAny()
            return [.siteDefined(site)]

        case .defineSkill(let skill):
            var v = Validator()
            v.code(skill.id, "id")
            v.name(skill.name, "name")
            try v.throwIfAny()
            return [.skillDefined(skill)]

        case .defineWorkCenter(let wc):
            try validate(wc)
            if let old = workCenters[wc.id] {
                let dropped = Set(old.setupFamilies).subtracting(wc.setupFamilies)
                let users = routings.values.filter { r in
                    r.operations.contains { op in
                        op.setupFamily.map(dropped.contains) == true && op.workCenters.contains { $0.workCenter == wc.id }
                    }
                }.map(\.id.rawValue).sorted()
                if !users.isEmpty {
                    throw .conflict("setupFamilies", "in-use", "routings \(users.joined(separator: ", ")) run a removed setup family on '\(wc.id)'")
                }
            }
            return [.workCenterDefined(wc)]

        case .defineLocation(let location):
            var v = Validator()
            v.code(location.id, "id")
            v.name(location.name, "name")
            v.check(sites[location.site] != nil, "site", "unknown-reference", "site '\(location.site)' does not exist")
            if let lead = location.stagingLeadMinutes { v.nonNegative(lead, "stagingLeadMinutes") }
            if let wc = location.workCenter {
                v.check(workCenters[wc] != nil, "workCenter", "unknown-reference", "work center '\(wc)' does not exist")
            } else {
                v.check(location.kind != .lineSide, "workCenter", "required", "a line-side location must name the work center it feeds")
            }
            try v.throwIfAny()
            return [.locationDefined(location)]

        case .defineItem(let item):
            var v = Validator()
            v.code(item.id, "id")
            v.name(item.name, "name")
            if let old = items[item.id], old.kind != item.kind, item.kind == .purchased {
                let hasBOM = boms.values.contains { $0.item == item.id }
                v.check(!hasBOM, "kind", "bom-exists", "item '\(item.id)' has a bill of materials, so it cannot become a purchased item")
                let hasRouting = routings.values.contains { $0.item == item.id }
                v.check(!hasRouting, "kind", "routing-exists", "item '\(item.id)' has a routing, so it cannot become a purchased item")
            }
            try v.throwIfAny()
            return [.itemDefined(item)]

        case .defineBOM(let bom):
            try validate(bom)
            return [.bomDefined(bom)]

        case .defineRouting(let routing):
            try validate(routing)
            return [.routingDefined(routing)]

        case .defineCustomer(let customer):
            var v = Validator()
            v.code(customer.id, "id")
            v.name(customer.name, "name")
            v.check((1...5).contains(customer.priority), "priority", "range", "priority must be 1 (highest) to 5 (got \(customer.priority))")
            try v.throwIfAny()
            return [.customerDefined(customer)]

        case .createSalesOrder(let new):
            if salesOrders[new.id] != nil { throw .conflict("id", "exists", "sales order '\(new.id)' already exists") }
            var v = Validator()
            v.code(new.id, "id")
            v.check(customers[new.customer] != nil, "customer", "unknown-reference", "customer '\(new.customer)' does not exist")
            v.check(
                customers[new.customer]?.active != false,
                "customer",
                "inactive",
                "customer '\(new.customer)' is deactivated; reactivate it first"
            )
            let priority = new.priority ?? customers[new.customer]?.priority ?? 3
            v.check((1...5).contains(priority), "priority", "range", "priority must be 1 (highest) to 5 (got \(priority))")
            v.check(!new.lines.isEmpty, "lines", "required", "a sales order needs at least one line")
            var seen = Set<Int>()
            for (i, line) in new.lines.enumerated() {
                let f = "lines[\(i)]"
                v.check(line.line > 0, "\(f).line", "positive", "\(f).line must be a positive line number")
                v.check(seen.insert(line.line).inserted, "\(f).line", "unique", "line number \(line.line) appears twice")
                v.check(items[line.item] != nil, "\(f).item", "unknown-reference", "item '\(line.item)' does not exist")
                v.check(items[line.item]?.active != false, "\(f).item", "inactive", "item '\(line.item)' is deactivated and cannot be ordered")
                v.quantity(line.quantity, "\(f).quantity")
            }
            try v.throwIfAny()
            return [.salesOrderCreated(SalesOrder(id: new.id, customer: new.customer, priority: priority, lines: new.lines))]

        case .promiseSalesOrderLine(let promise):
            let order = try openSalesOrder(promise.salesOrder, field: "salesOrder")
            guard order.lines.contains(where: { $0.line == promise.line }) else {
                throw .notFound("line", "sales order '\(order.id)' has no line \(promise.line)")
            }
            return [.salesOrderLinePromised(promise)]

        case .cancelSalesOrder(let cancel):
            _ = try openSalesOrder(cancel.salesOrder, field: "salesOrder")
            var v = Validator()
            v.name(cancel.reason, "reason")
            try v.throwIfAny()
            return [.salesOrderCancelled(cancel)]

        case .createProductionOrder(let new):
            return [.productionOrderCreated(try validate(new, now: now))]

        case .releaseProductionOrder(let ref):
            let order = try productionOrder(ref.productionOrder, expecting: [.planned], to: "release")
            try validateReleasable(order)
            let released: [Event] = [.productionOrderReleased(.init(productionOrder: order.id, at: now, material: materialCheck(order)))]
            return released + warehouseOnRelease(order, after: released, actor: actor, now: now)

        case .startProductionOrder(let ref):
            let order = try productionOrder(ref.productionOrder, expecting: [.released], to: "start")
            return [.productionOrderStarted(.init(productionOrder: order.id, at: now))]

        case .completeProductionOrder(let ref):
            let order = try productionOrder(ref.productionOrder, expecting: [.inProgress], to: "complete")
            let open = (operations[order.id] ?? []).filter { $0.status == .running || $0.status == .paused }
            if !open.isEmpty {
                throw .conflict(
                    "productionOrder",
                    "operations-open",
                    "production order '\(order.id)' still has operations \(open.map { String($0.sequence) }.joined(separator: ", ")) running or paused; complete them first"
                )
            }
            return [.productionOrderCompleted(.init(productionOrder: order.id, at: now))]

        case .cancelProductionOrder(let cancel):
            let order = try productionOrder(cancel.productionOrder, expecting: [.planned, .released, .inProgress], to: "cancel")
            var v = Validator()
            v.name(cancel.reason, "reason")
            try v.throwIfAny()
            return [.productionOrderCancelled(.init(productionOrder: order.id, reason: cancel.reason, at: now))]

        case .createLot(let new):
            return [.lotCreated(receiptStatus(try validate(new, now: now)))]

        case .moveLot(let move):
            guard let lot = lots[move.lot] else { throw .notFound("lot", "lot '\(move.lot)' does not exist") }
            guard let destination = locations[move.to] else { throw .notFound("to", "location '\(move.to)' does not exist") }
            guard destination.active else { throw .conflict("to", "inactive", "location '\(move.to)' is deactivated; nothing may be moved there") }
            guard lot.location != move.to else { throw .conflict("to", "same-location", "lot '\(lot.id)' is already at '\(move.to)'") }
            switch lot.status {
            case .available: break
            case .quarantine:
                if locations[move.to]?.kind != .quarantine {
                    throw .conflict("to", "quarantine", "lot '\(lot.id)' is in quarantine and may only move to a quarantine location")
                }
            case .onHold: throw .conflict("lot", "on-hold", "lot '\(lot.id)' is on hold and cannot be moved until quality releases it")
            case .consumed, .shipped, .scrapped, .returned:
                throw .conflict("lot", "not-in-stock", "lot '\(lot.id)' is \(lot.status.rawValue) and no longer in stock")
            }
            return [.lotMoved(.init(lot: lot.id, from: lot.location, to: move.to))]

        case .setLotStatus(let change):
            guard let lot = lots[change.lot] else { throw .notFound("lot", "lot '\(change.lot)' does not exist") }
            var v = Validator()
            v.name(change.reason, "reason")
            let settable: Set<LotStatus> = [.available, .onHold, .quarantine, .scrapped]
            v.check(
                settable.contains(change.status),
                "status",
                "not-settable",
                "status '\(change.status.rawValue)' is set by execution and shipping, not directly"
            )
            v.check(settable.contains(lot.status), "lot", "not-in-stock", "lot '\(lot.id)' is \(lot.status.rawValue) and no longer in stock")
            let underHold = change.status == .scrapped ? [] : activeHolds(onLot: lot.id)
            v.check(
                underHold.isEmpty,
                "lot",
                "under-hold",
                "lot '\(lot.id)' is under \(underHold.map(\.id.rawValue).joined(separator: ", ")); quality releases the hold instead"
            )
            try v.throwIfAny()
            guard lot.status != change.status else {
                throw .conflict("status", "unchanged", "lot '\(lot.id)' is already \(lot.status.rawValue)")
            }
            return [.lotStatusChanged(.init(lot: lot.id, from: lot.status, to: change.status, reason: change.reason))]

        case .createUser(let user):
            if User.reservedIDs.contains(user.id.rawValue.lowercased()) {
                throw .invalid("id", "reserved", "'\(user.id)' is reserved for the server itself")
            }
            if users[user.id] != nil { throw .conflict("id", "exists", "user '\(user.id)' already exists") }
            try validate(user)
            return [.userCreated(user)]

        case .updateUser(let user):
            guard let old = users[user.id] else { throw .notFound("id", "user '\(user.id)' does not exist") }
            try validate(user)
            let wasAdmin = old.active && old.has(.admin)
            let staysAdmin = user.active && user.has(.admin)
            if wasAdmin && !staysAdmin {
                let otherAdmins = users.values.filter { $0.id != user.id && $0.active && $0.has(.admin) }
                if otherAdmins.isEmpty {
                    throw .conflict("roles", "last-admin", "user '\(user.id)' is the last active admin; name another admin first")
                }
                if adminsWithAccess(excludingUser: user.id).isEmpty {
                    throw .conflict(
                        "roles",
                        "last-admin-access",
                        "no other active admin holds a valid token: user '\(user.id)' "
                            + "would leave the plant without an administrator who can sign in; issue another admin a token first"
                    )
                }
            }
            return [.userUpdated(user)]

        case .issueAPIToken(let issue):
            guard let user = users[issue.user] else { throw .notFound("user", "user '\(issue.user)' does not exist") }
            var v = Validator()
            v.check(user.active, "user", "inactive", "user '\(user.id)' is not active")
            v.name(issue.label, "label")
            let hex = issue.secretHash.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
            v.check(issue.secretHash.utf8.count == 64 && hex, "secretHash", "sha256-hex", "secretHash must be 64 lowercase hex characters")
            v.check(tokensByHash[issue.secretHash] == nil, "secretHash", "unique", "this token secret is already in use")
            let id = issue.id ?? APIToken.ID(String(format: "TOK-%06d", nextTokenNumber))
            v.code(id, "id")
            v.check(tokens[id] == nil, "id", "unique", "token '\(id)' already exists")
            try v.throwIfAny()
            return [
                .apiTokenIssued(
                    APIToken(
                        id: id,
                        user: user.id,
                        secretHash: issue.secretHash,
                        label: issue.label,
                        issuedAt: now,
                        readOnly: issue.readOnly ?? false
                    )
                )
            ]

        case .publishSchedule(let schedule):
            try validate(schedule)
            let published: [Event] = [.schedulePublished(schedule)]
            // Shortages are computed against the new schedule but recorded ahead of it, so the schedule stays the
            // command's last event (the entity the API answers with).
            return shortageEvents(after: published, items: nil, now: now) + published

        case .revokeAPIToken(let ref):
            guard let token = tokens[ref.token] else { throw .notFound("token", "token '\(ref.token)' does not exist") }
            guard !token.revoked else { throw .conflict("token", "revoked", "token '\(token.id)' is already revoked") }
            if let owner = users[token.user], owner.active, owner.has(.admin), adminsWithAccess(excludingToken: token.id).isEmpty {
                throw .conflict(
                    "token",
                    "last-admin-access",
                    "token '\(token.id)' is the last valid token of an active admin; revoking "
                        + "it would leave the plant without an administrator who can sign in; issue another admin token first"
                )
            }
            return [.apiTokenRevoked(ref)]

        case .defineWorkInstruction, .acknowledgeWorkInstruction, .clockIn, .clockOut, .startOperation, .pauseOperation,
            .resumeOperation, .reportQuantity, .completeOperation, .overrideInterlock, .recordInspection, .consumeLot,
            .produceLot, .setMachineState, .recordMachineCount, .defineMachineSignalMapping:
            return try decideExecution(command, actor: actor, now: now)
        case .receiveLot, .expectReceipt, .cancelExpectedReceipt, .createHandlingUnit, .moveHandlingUnit, .splitHandlingUnit,
            .addToHandlingUnit, .removeFromHandlingUnit, .reserveLot, .unreserveLot, .pickStagingTask, .confirmStagingTask,
            .reportStagingShort, .reportMaterialMissing, .checkMaterial, .shipLots:
            return try decideWarehouse(command, actor: actor, now: now)

        case .defineInspectionPlan, .recordInspectionResult, .openNonconformance, .dispositionNonconformance, .approveDisposition,
            .placeHold, .releaseHold:
            return try decideQuality(command, actor: actor, now: now)
        case .raiseException, .approveAction, .rejectAction, .recordActionExecution, .verifyException, .dismissException,
            .definePlaybook, .defineApprovalPolicy, .reportOperationDelay, .scheduleOvertime, .reportAbsence, .assignException,
            .snoozeException, .recommendAction:
            return try decideOrchestration(command, actor: actor, now: now)
        case .setPassword(let set):
            try validate(set)
            return [.passwordSet(PasswordSet(user: set.user, hash: set.hash, by: actor, at: now))]
        case .createWebhookSubscription, .updateWebhookSubscription, .deleteWebhookSubscription, .recordWebhookDeadLetter,
            .replayWebhookDeadLetter:
            return try decideWebhooks(command, actor: actor, now: now)
        case .uploadAttachment, .createEngineeringChange, .submitEngineeringChange, .approveEngineeringChange, .rejectEngineeringChange,
            .releaseEngineeringChange:
            return try decideEngineering(command, actor: actor, now: now)
        case .receiveDocument, .verifyDocument, .rejectDocument, .defineDocumentTemplate:
            return try decideDocuments(command, actor: actor, now: now)
        }
    }

    // MARK: Validation helpers

    func validate(_ wc: WorkCenter) throws(DomainError) {
        var v = Validator()
        v.code(wc.id, "id")
        v.name(wc.name, "name")
        v.check(sites[wc.site] != nil, "site", "unknown-reference", "site '\(wc.site)' does not exist")
        v.check(wc.capacity >= 1 && wc.capacity <= 1000, "capacity", "range", "capacity must be 1 to 1000 parallel operations (got \(wc.capacity))")
        for (i, shift) in wc.shifts.enumerated() {
            let f = "shifts[\(i)]"
            v.name(shift.name, "\(f).name")
            v.check(!shift.days.isEmpty, "\(f).days", "required", "\(f).days must name at least one weekday")
            if let m = shift.minutes {
                v.check(m.start != m.end, "\(f).end", "non-empty", "\(f) starts and ends at the same time")
            } else {
                v.add("\(f).start", "time-format", "\(f).start and .end must be local times HH:mm (got '\(shift.start)'–'\(shift.end)')")
            }
        }
        for (i, d) in wc.plannedDowntime.enumerated() {
            v.check(d.end > d.start, "plannedDowntime[\(i)].end", "after-start", "plannedDowntime[\(i)] must end after it starts")
            v.name(d.reason, "plannedDowntime[\(i)].reason")
        }
        v.check(Set(wc.setupFamilies).count == wc.setupFamilies.count, "setupFamilies", "unique", "setupFamilies lists a family twice")
        v.nonNegative(wc.defaultChangeoverMinutes, "defaultChangeoverMinutes")
        for (i, t) in wc.setupTransitions.enumerated() {
            let f = "setupTransitions[\(i)]"
            v.check(wc.setupFamilies.contains(t.from), "\(f).from", "unknown-reference", "setup family '\(t.from)' is not in setupFamilies")
            v.check(wc.setupFamilies.contains(t.to), "\(f).to", "unknown-reference", "setup family '\(t.to)' is not in setupFamilies")
            v.nonNegative(t.minutes, "\(f).minutes")
        }
        try v.throwIfAny()
    }

    func validate(_ bom: BOM) throws(DomainError) {
        var v = Validator()
        v.code(bom.id, "id")
        if let item = items[bom.item] {
            v.check(item.kind != .purchased, "item", "not-made", "item '\(item.id)' is purchased; only made items have a bill of materials")
        } else {
            v.add("item", "unknown-reference", "item '\(bom.item)' does not exist")
        }
        if let other = boms.values.first(where: { $0.item == bom.item && $0.id != bom.id }) {
            v.add("item", "unique", "item '\(bom.item)' already has bill of materials '\(other.id)'")
        }
        v.check(!bom.components.isEmpty, "components", "required", "a bill of materials needs at least one component")
        var seen = Set<Item.ID>()
        for (i, c) in bom.components.enumerated() {
            let f = "components[\(i)]"
            v.check(items[c.item] != nil, "\(f).item", "unknown-reference", "item '\(c.item)' does not exist")
            v.check(
                items[c.item]?.active != false || boms[bom.id]?.components.contains { $0.item == c.item } == true,
                "\(f).item",
                "inactive",
                "item '\(c.item)' is deactivated"
            )
            v.check(c.item != bom.item, "\(f).item", "cycle", "item '\(bom.item)' cannot contain itself")
            v.check(seen.insert(c.item).inserted, "\(f).item", "unique", "component '\(c.item)' is listed twice")
            v.quantity(c.quantity, "\(f).quantity")
            for (j, s) in c.substitutes.enumerated() {
                v.check(items[s] != nil, "\(f).substitutes[\(j)]", "unknown-reference", "item '\(s)' does not exist")
                v.check(s != c.item, "\(f).substitutes[\(j)]", "self", "an item cannot substitute for itself")
            }
        }
        try v.throwIfAny()
        // Cycle check over the whole structure with this BOM in place.
        var graph: [Item.ID: [Item.ID]] = [:]
        for b in boms.values where b.id != bom.id { graph[b.item] = b.components.map(\.item) }
        graph[bom.item] = bom.components.map(\.item)
        if let path = PlantState.cycle(from: bom.item, in: graph) {
            throw .invalid("components", "cycle", "bill of materials would contain a cycle: " + path.map(\.rawValue).joined(separator: " → "))
        }
    }

    /// A path that returns to `start`, if any (depth-first search).
    static func cycle(from start: Item.ID, in graph: [Item.ID: [Item.ID]]) -> [Item.ID]? {
        var visited = Set<Item.ID>()
        var path: [Item.ID] = [start]
        func dfs(_ node: Item.ID) -> Bool {
            for next in graph[node] ?? [] {
                if next == start {
                    path.append(next)
                    return true
                }
                if visited.insert(next).inserted {
                    path.append(next)
                    if dfs(next) { return true }
                    path.removeLast()
                }
            }
            return false
        }
        return dfs(start) ? path : nil
    }

    func validate(_ routing: Routing) throws(DomainError) {
        var v = Validator()
        // What the routing already names may stay when it is deactivated since; only new uses are refused.
        let old = routings[routing.id]?.operations ?? []
        let before = (workCenters: Set(old.flatMap { $0.workCenters.map(\.workCenter) }), skills: Set(old.compactMap(\.requiredSkill)))
        v.code(routing.id, "id")
        if let item = items[routing.item] {
            v.check(item.kind != .purchased, "item", "not-made", "item '\(item.id)' is purchased; only made items have a routing")
        } else {
            v.add("item", "unknown-reference", "item '\(routing.item)' does not exist")
        }
        v.check(!routing.operations.isEmpty, "operations", "required", "a routing needs at least one operation")
        var last = Int.min
        for (i, op) in routing.operations.enumerated() {
            let f = "operations[\(i)]"
            v.check(op.sequence > last, "\(f).sequence", "increasing", "operation sequence numbers must increase (\(op.sequence) after \(last))")
            v.check(op.sequence > 0, "\(f).sequence", "positive", "\(f).sequence must be positive")
            last = op.sequence
            v.name(op.name, "\(f).name")
            v.check(
                !op.workCenters.isEmpty,
                "\(f).workCenters",
                "required",
                "operation \(op.sequence) '\(op.name)' has no eligible work center"
            )
            var seenWC = Set<WorkCenter.ID>()
            for (j, e) in op.workCenters.enumerated() {
                let g = "\(f).workCenters[\(j)]"
                if let wc = workCenters[e.workCenter] {
                    v.check(
                        wc.active || before.workCenters.contains(wc.id),
                        "\(g).workCenter",
                        "inactive",
                        "work center '\(wc.id)' is deactivated; reactivate it or choose another"
                    )
                    if let family = op.setupFamily, !wc.setupFamilies.contains(family) {
                        v.add("\(g).workCenter", "setup-family", "work center '\(wc.id)' does not run setup family '\(family)'")
                    }
                } else {
                    v.add("\(g).workCenter", "unknown-reference", "work center '\(e.workCenter)' does not exist")
                }
                v.check(seenWC.insert(e.workCenter).inserted, "\(g).workCenter", "unique", "work center '\(e.workCenter)' is listed twice")
                v.nonNegative(e.setupMinutes, "\(g).setupMinutes")
                v.nonNegative(e.runMinutesPerUnit, "\(g).runMinutesPerUnit")
            }
            if let skill = op.requiredSkill {
                v.check(skills[skill] != nil, "\(f).requiredSkill", "unknown-reference", "skill '\(skill)' does not exist")
                v.check(
                    skills[skill]?.active != false || before.skills.contains(skill),
                    "\(f).requiredSkill",
                    "inactive",
                    "skill '\(skill)' is deactivated"
                )
            }
            if let wi = op.workInstruction {
                v.check(workInstructions[wi] != nil, "\(f).workInstruction", "unknown-reference", "work instruction '\(wi)' does not exist")
            }
            if let batch = op.transferBatch { v.quantity(batch, "\(f).transferBatch") }
        }
        try v.throwIfAny()
    }

    /// The production order creating `new` would make, checked exactly as ``decide(_:actor:now:)`` checks
    /// `createProductionOrder` (capable-to-promise asks this of an order that is not created).
    public func formProductionOrder(_ new: NewProductionOrder, now: Date) throws(DomainError) -> ProductionOrder {
        try validate(new, now: now)
    }

    func validate(_ new: NewProductionOrder, now: Date) throws(DomainError) -> ProductionOrder {
        let id = new.id ?? ProductionOrder.ID(String(format: "PO-%06d", nextProductionOrderNumber))
        if productionOrders[id] != nil { throw .conflict("id", "exists", "production order '\(id)' already exists") }
        var v = Validator()
        v.code(id, "id")
        var routingID = new.routing
        if let item = items[new.item] {
            v.check(item.kind != .purchased, "item", "not-made", "item '\(item.id)' is purchased and cannot be produced")
            v.check(item.active, "item", "inactive", "item '\(item.id)' is deactivated and cannot be put on a new order")
            if let bom = boms.values.first(where: { $0.item == item.id }) {
                v.check(
                    bom.active,
                    "item",
                    "inactive-bom",
                    "the bill of materials '\(bom.id)' of item '\(item.id)' is deactivated; reactivate it first"
                )
            }
            if let r = new.routing {
                if let routing = routings[r] {
                    v.check(routing.item == item.id, "routing", "item-mismatch", "routing '\(r)' makes '\(routing.item)', not '\(item.id)'")
                    v.check(routing.active, "routing", "inactive", "routing '\(r)' is deactivated")
                } else {
                    v.add("routing", "unknown-reference", "routing '\(r)' does not exist")
                }
            } else {
                let candidates = routings.values.filter { $0.item == item.id && $0.active }.map(\.id).sorted()
                if candidates.count == 1 {
                    routingID = candidates[0]
                } else if candidates.isEmpty {
                    v.add("routing", "required", "item '\(item.id)' has no active routing; define one first")
                } else {
                    v.add(
                        "routing",
                        "ambiguous",
                        "item '\(item.id)' has several routings (\(candidates.map(\.rawValue).joined(separator: ", "))); name one"
                    )
                }
            }
        } else {
            v.add("item", "unknown-reference", "item '\(new.item)' does not exist")
        }
        v.quantity(new.quantity, "quantity")
        let priority = new.priority ?? 3
        v.check((1...5).contains(priority), "priority", "range", "priority must be 1 (highest) to 5 (got \(priority))")
        if let peg = new.pegging {
            if let so = salesOrders[peg.salesOrder] {
                v.check(
                    so.status == .open,
                    "pegging.salesOrder",
                    "status",
                    "sales order '\(so.id)' is \(so.status.rawValue); only open orders take new production"
                )
                if let line = so.lines.first(where: { $0.line == peg.line }) {
                    v.check(
                        line.item == new.item,
                        "pegging.line",
                        "item-mismatch",
                        "sales order line \(peg.line) is for '\(line.item)', not '\(new.item)'"
                    )
                } else {
                    v.add("pegging.line", "unknown-reference", "sales order '\(so.id)' has no line \(peg.line)")
                }
            } else {
                v.add("pegging.salesOrder", "unknown-reference", "sales order '\(peg.salesOrder)' does not exist")
            }
        }
        try v.throwIfAny()
        guard let routing = routingID else { throw .invalid("routing", "required", "a routing is required") }
        return ProductionOrder(
            id: id,
            item: new.item,
            quantity: new.quantity,
            routing: routing,
            dueDate: new.dueDate,
            priority: priority,
            pegging: new.pegging,
            createdAt: now
        )
    }

    func validateReleasable(_ order: ProductionOrder) throws(DomainError) {
        guard let routing = routings[order.routing] else {
            throw .invalid("routing", "unknown-reference", "routing '\(order.routing)' of order '\(order.id)' no longer exists")
        }
        var v = Validator()
        for op in routing.operations {
            let usable = op.workCenters.contains { workCenters[$0.workCenter] != nil }
            v.check(usable, "routing", "no-work-center", "operation \(op.sequence) of routing '\(routing.id)' has no existing work center")
        }
        try v.throwIfAny()
    }

    func validate(_ new: NewLot, now: Date) throws(DomainError) -> Lot {
        if lots[new.id] != nil { throw .conflict("id", "exists", "lot '\(new.id)' already exists") }
        var v = Validator()
        v.code(new.id, "id")
        v.quantity(new.quantity, "quantity")
        v.check(locations[new.location] != nil, "location", "unknown-reference", "location '\(new.location)' does not exist")
        v.check(locations[new.location]?.active != false, "location", "inactive", "location '\(new.location)' is deactivated")
        if let item = items[new.item] {
            if item.kind == .purchased {
                let supplierLot = new.supplierLot?.trimmingCharacters(in: .whitespaces) ?? ""
                v.check(!supplierLot.isEmpty, "supplierLot", "required", "a lot of purchased item '\(item.id)' must carry the supplier's lot number")
            }
        } else {
            v.add("item", "unknown-reference", "item '\(new.item)' does not exist")
        }
        if let po = new.productionOrder {
            if let order = productionOrders[po] {
                v.check(order.item == new.item, "productionOrder", "item-mismatch", "order '\(po)' makes '\(order.item)', not '\(new.item)'")
                v.check(
                    [.released, .inProgress, .completed].contains(order.status),
                    "productionOrder",
                    "status",
                    "order '\(po)' is \(order.status.rawValue); only released, in-progress or completed orders produce lots"
                )
            } else {
                v.add("productionOrder", "unknown-reference", "production order '\(po)' does not exist")
            }
        }
        try v.throwIfAny()
        return Lot(
            id: new.id,
            item: new.item,
            quantity: new.quantity,
            location: new.location,
            supplierLot: new.supplierLot,
            supplier: new.supplier,
            productionOrder: new.productionOrder,
            createdAt: now
        )
    }

    func validate(_ user: User) throws(DomainError) {
        var v = Validator()
        v.code(user.id, "id")
        v.name(user.name, "name")
        v.check(!user.roles.isEmpty, "roles", "required", "a user needs at least one role")
        for (i, c) in user.certifications.enumerated() {
            v.check(skills[c.skill] != nil, "certifications[\(i)].skill", "unknown-reference", "skill '\(c.skill)' does not exist")
        }
        try v.throwIfAny()
    }

    func openSalesOrder(_ id: SalesOrder.ID, field: String) throws(DomainError) -> SalesOrder {
        guard let order = salesOrders[id] else { throw .notFound(field, "sales order '\(id)' does not exist") }
        guard order.status == .open else { throw .conflict(field, "status", "sales order '\(id)' is \(order.status.rawValue)") }
        return order
    }

    func productionOrder(
        _ id: ProductionOrder.ID,
        expecting: Set<ProductionOrderStatus>,
        to verb: String
    ) throws(DomainError)
        -> ProductionOrder
    {
        guard let order = productionOrders[id] else { throw .notFound("productionOrder", "production order '\(id)' does not exist") }
        guard expecting.contains(order.status) else {
            let allowed = expecting.map(\.rawValue).sorted().joined(separator: " or ")
            throw .conflict(
                "productionOrder",
                "status",
                "cannot \(verb) production order '\(id)': it is \(order.status.rawValue), and only \(allowed) orders can be"
            )
        }
        return order
    }
}

// MARK: - Apply

extension PlantState {
    /// Folds one recorded event into the state.
    public mutating func apply(_ event: Event, sequence: Int64) {
        self.sequence = sequence
        switch event {
        case .siteDefined(let s): sites[s.id] = s
        case .skillDefined(let s): skills[s.id] = s
        case .workCenterDefined(let w): workCenters[w.id] = w
        case .locationDefined(let l): locations[l.id] = l
        case .itemDefined(let i): items[i.id] = i
        case .bomDefined(let b): boms[b.id] = b
        case .routingDefined(let r): routings[r.id] = r
        case .customerDefined(let c): customers[c.id] = c
        case .salesOrderCreated(let o): salesOrders[o.id] = o
        case .salesOrderLinePromised(let p):
            if let i = salesOrders[p.salesOrder]?.lines.firstIndex(where: { $0.line == p.line }) {
                salesOrders[p.salesOrder]?.lines[i].promisedDate = p.promisedDate
            }
        case .salesOrderCancelled(let c): salesOrders[c.salesOrder]?.status = .cancelled
        case .productionOrderCreated(let o):
            productionOrders[o.id] = o
            operations[o.id] = operationPlan(for: o)
            if let n = PlantState.number(in: o.id.rawValue, prefix: "PO-"), n >= nextProductionOrderNumber {
                nextProductionOrderNumber = n + 1
            }
        case .productionOrderReleased(let t):
            productionOrders[t.productionOrder]?.status = .released
            productionOrders[t.productionOrder]?.releasedAt = t.at
            if let o = productionOrders[t.productionOrder] { operations[o.id] = operationPlan(for: o) }
        case .productionOrderStarted(let t): productionOrders[t.productionOrder]?.status = .inProgress
        case .productionOrderCompleted(let t):
            productionOrders[t.productionOrder]?.status = .completed
            productionOrders[t.productionOrder]?.completedAt = t.at
        case .productionOrderCancelled(let c):
            productionOrders[c.productionOrder]?.status = .cancelled
            productionOrders[c.productionOrder]?.cancelReason = c.reason
        case .lotCreated(let l):
            lots[l.id] = l
            if let po = l.productionOrder { outputsByOrder[po, default: []].append(l.id) }
        case .lotMoved(let m): lots[m.lot]?.location = m.to
        case .lotStatusChanged(let c): lots[c.lot]?.status = c.to
        case .userCreated(let u), .userUpdated(let u): users[u.id] = u
        case .apiTokenIssued(let t):
            tokens[t.id] = t
            tokensByHash[t.secretHash] = t.id
            if let n = PlantState.number(in: t.id.rawValue, prefix: "TOK-"), n >= nextTokenNumber { nextTokenNumber = n + 1 }
        case .schedulePublished(let s): publishedSchedule = s
        case .apiTokenRevoked(let r):
            tokens[r.token]?.revoked = true
            if let hash = tokens[r.token]?.secretHash { tokensByHash[hash] = nil }
        case .workInstructionDefined, .workInstructionAcknowledged, .operatorClockedIn, .operatorClockedOut,
            .operationStarted, .operationPaused, .operationResumed, .quantityReported, .operationCompleted,
            .interlockOverridden, .inspectionRecorded, .lotConsumed, .lotProduced, .machineStateChanged, .machineCounted,
            .machineSignalMappingDefined:
            applyExecution(event)
        case .lotReceived, .receiptExpected, .expectedReceiptCancelled, .handlingUnitCreated, .handlingUnitMoved, .handlingUnitSplit,
            .lotsAddedToHandlingUnit, .lotsRemovedFromHandlingUnit, .lotReserved, .reservationReleased, .stagingTaskCreated,
            .stagingTaskPicked, .stagingTaskConfirmed, .stagingShortReported, .materialMissing, .shortageProjected, .shortageResolved,
            .lotsShipped, .salesOrderShipped:
            applyWarehouse(event)
        case .inspectionPlanDefined, .inspectionResultRecorded, .nonconformanceOpened, .nonconformanceDispositioned, .dispositionDecided,
            .reworkOperationAdded, .nonconformanceClosed, .holdPlaced, .holdReleased:
            applyQuality(event)
        case .exceptionRaised, .exceptionUpdated, .actionApproved, .actionRejected, .actionExecuted, .exceptionVerified, .exceptionDismissed,
            .playbookDefined, .approvalPolicyDefined, .operationDelayReported, .overtimeScheduled, .absenceReported, .exceptionAssigned,
            .exceptionSnoozed, .actionRecommended:
            applyOrchestration(event)
        case .passwordSet(let p): passwords[p.user] = p.hash
        case .recordSigned(let s): applySignature(s)
        case .agentActed: break  // the log's record of who acted through an agent; the state keeps nothing of it
        case .webhookSubscriptionCreated, .webhookSubscriptionUpdated, .webhookSubscriptionDeleted, .webhookDeadLettered,
            .webhookDeadLetterReplayed:
            applyWebhooks(event, sequence: sequence)
        case .attachmentUploaded, .engineeringChangeCreated, .engineeringChangeSubmitted, .engineeringChangeApproved, .engineeringChangeRejected,
            .engineeringChangeReleased:
            applyEngineering(event)
        case .documentReceived, .documentVerified, .documentRejected, .documentTemplateDefined:
            applyDocuments(event)
        }
        // Moves, consumption, scrapping and the end of an order also change handling units and reservations.
        applyWarehouseEffects(of: event)
    }

    static func number(in code: String, prefix: String) -> Int? {
        guard code.hasPrefix(prefix) else { return nil }
        return Int(code.dropFirst(prefix.count))
    }
}

extension PlantState {
    /// Active admins who hold at least one valid token, leaving out one user or one token (what a change would remove).
    /// The plant must never be left without one: nobody could then manage users (`takt admin issue-token` is the way back).
    func adminsWithAccess(excludingUser: User.ID? = nil, excludingToken: APIToken.ID? = nil) -> [User.ID] {
        let live = Set(tokens.values.filter { !$0.revoked && $0.id != excludingToken }.map(\.user))
        return users.values.filter { $0.id != excludingUser && $0.active && $0.has(.admin) && live.contains($0.id) }.map(\.id)
    }
}
