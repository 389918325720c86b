public import Foundation

// MARK: - Command payloads

public struct PromiseSalesOrderLine: Codable, Sendable, Hashable {
    public var salesOrder: SalesOrder.ID
    public var line: Int
    public var promisedDate: Date
    public init(salesOrder: SalesOrder.ID, line: Int, promisedDate: Date) {
        self.salesOrder = salesOrder
        self.line = line
        self.promisedDate = promisedDate
    }
}

public struct CancelSalesOrder: Codable, Sendable, Hashable {
    public var salesOrder: SalesOrder.ID
    public var reason: String
    public init(salesOrder: SalesOrder.ID, reason: String) {
        self.salesOrder = salesOrder
        self.reason = reason
    }
}

public struct NewSalesOrder: Codable, Sendable, Hashable {
    public var id: SalesOrder.ID
    public var customer: Customer.ID
    public var priority: Int?
    public var lines: [SalesOrderLine]
    public init(id: SalesOrder.ID, customer: Customer.ID, priority: Int? = nil, lines: [SalesOrderLine]) {
        self.id = id
        self.customer = customer
        self.priority = priority
        self.lines = lines
    }
}

public struct NewProductionOrder: Codable, Sendable, Hashable {
    /// Optional: when absent the plant numbers it (`PO-000001`, …).
    public var id: ProductionOrder.ID?
    public var item: Item.ID
    public var quantity: Double
    /// Optional when the item has exactly one routing.
    public var routing: Routing.ID?
    public var dueDate: Date
    public var priority: Int?
    public var pegging: Pegging?
    public init(
        id: ProductionOrder.ID? = nil,
        item: Item.ID,
        quantity: Double,
        routing: Routing.ID? = nil,
        dueDate: Date,
        priority: Int? = nil,
        pegging: Pegging? = nil
    ) {
        self.id = id
        self.item = item
        self.quantity = quantity
        self.routing = routing
        self.dueDate = dueDate
        self.priority = priority
        self.pegging = pegging
    }
}

public struct ProductionOrderRef: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public init(productionOrder: ProductionOrder.ID) { self.productionOrder = productionOrder }
}

public struct CancelProductionOrder: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var reason: String
    public init(productionOrder: ProductionOrder.ID, reason: String) {
        self.productionOrder = productionOrder
        self.reason = reason
    }
}

public struct NewLot: Codable, Sendable, Hashable {
    public var id: Lot.ID
    public var item: Item.ID
    public var quantity: Double
    public var location: Location.ID
    public var supplierLot: String?
    public var supplier: String?
    public var productionOrder: ProductionOrder.ID?
    public init(
        id: Lot.ID,
        item: Item.ID,
        quantity: Double,
        location: Location.ID,
        supplierLot: String? = nil,
        supplier: String? = nil,
        productionOrder: ProductionOrder.ID? = nil
    ) {
        self.id = id
        self.item = item
        self.quantity = quantity
        self.location = location
        self.supplierLot = supplierLot
        self.supplier = supplier
        self.productionOrder = productionOrder
    }
}

public struct MoveLot: Codable, Sendable, Hashable {
    public var lot: Lot.ID
    public var to: Location.ID
    public init(lot: Lot.ID, to: Location.ID) {
        self.lot = lot
        self.to = to
    }
}

public struct SetLotStatus: Codable, Sendable, Hashable {
    public var lot: Lot.ID
    public var status: LotStatus
    public var reason: String
    public init(lot: Lot.ID, status: LotStatus, reason: String) {
        self.lot = lot
        self.status = status
        self.reason = reason
    }
}

public struct IssueAPIToken: Codable, Sendable, Hashable {
    public var id: APIToken.ID?
    public var user: User.ID
    /// Lowercase hex SHA-256 of the secret; the secret itself never enters the log.
    public var secretHash: String
    public var label: String
    /// A token that may only read (see ``APIToken/readOnly``). Absent means false.
    public var readOnly: Bool?
    public init(id: APIToken.ID? = nil, user: User.ID, secretHash: String, label: String, readOnly: Bool? = nil) {
        self.id = id
        self.user = user
        self.secretHash = secretHash
        self.label = label
        self.readOnly = readOnly
    }
}

public struct APITokenRef: Codable, Sendable, Hashable {
    public var token: APIToken.ID
    public init(token: APIToken.ID) { self.token = token }
}

// MARK: - Commands

/// Every change to the plant is one of these. A command is validated against the current state
/// (``PlantState/decide(_:actor:now:)``) and, when accepted, yields events that are appended atomically.
public enum Command: Sendable, Hashable {
    case defineSite(Site)
    case defineSkill(Skill)
    case defineWorkCenter(WorkCenter)
    case defineLocation(Location)
    case defineItem(Item)
    case defineBOM(BOM)
    case defineRouting(Routing)
    case defineCustomer(Customer)
    case createSalesOrder(NewSalesOrder)
    case promiseSalesOrderLine(PromiseSalesOrderLine)
    case cancelSalesOrder(CancelSalesOrder)
    case createProductionOrder(NewProductionOrder)
    case releaseProductionOrder(ProductionOrderRef)
    case startProductionOrder(ProductionOrderRef)
    case completeProductionOrder(ProductionOrderRef)
    case cancelProductionOrder(CancelProductionOrder)
    case createLot(NewLot)
    case moveLot(MoveLot)
    case setLotStatus(SetLotStatus)
    case createUser(User)
    case updateUser(User)
    case issueAPIToken(IssueAPIToken)
    case revokeAPIToken(APITokenRef)
    case publishSchedule(PublishedSchedule)
    case defineWorkInstruction(WorkInstruction)
    case acknowledgeWorkInstruction(AcknowledgeWorkInstruction)
    case clockIn(ClockInCommand)
    case clockOut(ClockOutCommand)
    case startOperation(StartOperation)
    case pauseOperation(PauseOperation)
    case resumeOperation(ResumeOperation)
    case reportQuantity(ReportQuantity)
    case completeOperation(ReportQuantity)
    case overrideInterlock(OverrideInterlock)
    case recordInspection(RecordInspection)
    case consumeLot(ConsumeLot)
    case produceLot(ProduceLot)
    case setMachineState(SetMachineState)
    case recordMachineCount(RecordMachineCount)
    case defineMachineSignalMapping(MachineSignalMapping)
    case receiveLot(ReceiveLot)
    case expectReceipt(ExpectReceipt)
    case cancelExpectedReceipt(CancelExpectedReceipt)
    case createHandlingUnit(CreateHandlingUnit)
    case moveHandlingUnit(MoveHandlingUnit)
    case splitHandlingUnit(SplitHandlingUnit)
    case addToHandlingUnit(HandlingUnitLots)
    case removeFromHandlingUnit(HandlingUnitLots)
    case reserveLot(ReserveLot)
    case unreserveLot(UnreserveLot)
    case pickStagingTask(StagingTaskRef)
    case confirmStagingTask(ConfirmStagingTask)
    case reportStagingShort(ReportStagingShort)
    case reportMaterialMissing(ReportMaterialMissing)
    case checkMaterial(CheckMaterial)
    case shipLots(ShipLots)
    case defineInspectionPlan(InspectionPlan)
    case recordInspectionResult(RecordInspectionResult)
    case openNonconformance(OpenNonconformance)
    case dispositionNonconformance(DispositionNonconformance)
    case approveDisposition(ApproveDisposition)
    case placeHold(PlaceHold)
    case releaseHold(ReleaseHold)
    case raiseException(PlantException)
    case approveAction(DecideAction)
    case rejectAction(DecideAction)
    case recordActionExecution(ActionExecuted)
    case verifyException(ExceptionVerified)
    case dismissException(DismissException)
    case assignException(AssignException)
    case recommendAction(RecommendAction)
    case snoozeException(SnoozeException)
    case definePlaybook(Playbook)
    case defineApprovalPolicy(ApprovalPolicy)
    case reportOperationDelay(ReportOperationDelay)
    case scheduleOvertime(Overtime)
    case reportAbsence(ReportAbsence)
    case setPassword(SetPassword)
    case createWebhookSubscription(NewWebhookSubscription)
    case updateWebhookSubscription(UpdateWebhookSubscription)
    case deleteWebhookSubscription(WebhookSubscriptionRef)
    case recordWebhookDeadLetter(RecordWebhookDeadLetter)
    case replayWebhookDeadLetter(WebhookDeadLetterRef)
    case uploadAttachment(UploadAttachment)
    case createEngineeringChange(CreateEngineeringChange)
    case submitEngineeringChange(EngineeringChangeRef)
    case approveEngineeringChange(DecideEngineeringChange)
    case rejectEngineeringChange(DecideEngineeringChange)
    case releaseEngineeringChange(EngineeringChangeRef)
    case receiveDocument(ReceiveDocument)
    case verifyDocument(VerifyDocument)
    case rejectDocument(RejectDocument)
    case defineDocumentTemplate(DocumentTemplate)
}

extension Command {
    /// The wire name of this command, as used in `{"type": …, "data": …}` (from ``CommandKind``).
    public var typeName: String { kind.rawValue }

    /// The roles that may submit this command (admins may submit every command), as its kind declares them.
    public var allowedRoles: Set<Role> { kind.roles }

    /// The wire name of every command type, in the registry's order.
    public static let typeNames: [String] = CommandKind.allCases.map(\.rawValue)
}

/// `{"type": …, "data": …}`: the type names the command's kind, whose declaration codes `data`.
extension Command: Codable {
    enum CodingKeys: String, CodingKey { case type, data }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        guard let kind = CommandKind(rawValue: type) else {
            throw DecodingError.dataCorruptedError(
                forKey: .type,
                in: c,
                debugDescription: "unknown command type '\(type)'; expected one of: \(Command.typeNames.joined(separator: ", "))"
            )
        }
        self = try kind.spec.decodeData(c)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(typeName, forKey: .type)
        try kind.spec.encodeData(self, &c)
    }
}

// MARK: - The log's time resolution

extension Command {
    /// The command with every date cut to whole seconds, the resolution of the log, so that the
    /// state built from a decided command equals the state rebuilt from its stored events.
    public func truncatingDates() -> Command {
        func t(_ d: Date) -> Date { TaktJSON.wholeSeconds(d) }
        func t(_ d: Date?) -> Date? { d.map(TaktJSON.wholeSeconds) }
        func t(_ user: User) -> User {
            var u = user
            u.certifications = u.certifications.map { Certification(skill: $0.skill, validUntil: t($0.validUntil)) }
            return u
        }
        switch self {
        case .defineWorkCenter(var wc):
            wc.plannedDowntime = wc.plannedDowntime.map { Downtime(start: t($0.start), end: t($0.end), reason: $0.reason) }
            return .defineWorkCenter(wc)
        case .createSalesOrder(var so):
            so.lines = so.lines.map { line in
                var l = line
                l.requestedDate = t(l.requestedDate)
                l.promisedDate = t(l.promisedDate)
                return l
            }
            return .createSalesOrder(so)
        case .promiseSalesOrderLine(var p):
            p.promisedDate = t(p.promisedDate)
            return .promiseSalesOrderLine(p)
        case .createProductionOrder(var po):
            po.dueDate = t(po.dueDate)
            return .createProductionOrder(po)
        case .createUser(let u): return .createUser(t(u))
        case .updateUser(let u): return .updateUser(t(u))
        case .defineSite, .defineSkill, .defineLocation, .defineItem, .defineBOM, .defineRouting, .defineCustomer,
            .cancelSalesOrder, .releaseProductionOrder, .startProductionOrder, .completeProductionOrder,
            .cancelProductionOrder, .createLot, .moveLot, .setLotStatus, .issueAPIToken, .revokeAPIToken,
            .defineWorkInstruction, .acknowledgeWorkInstruction, .clockIn, .clockOut, .startOperation, .pauseOperation,
            .resumeOperation, .reportQuantity, .completeOperation, .overrideInterlock, .recordInspection, .consumeLot,
            .produceLot, .setMachineState, .recordMachineCount, .defineMachineSignalMapping, .receiveLot, .cancelExpectedReceipt, .createHandlingUnit,
            .moveHandlingUnit, .splitHandlingUnit, .addToHandlingUnit, .removeFromHandlingUnit, .reserveLot, .unreserveLot,
            .pickStagingTask, .confirmStagingTask, .reportStagingShort, .reportMaterialMissing, .checkMaterial, .shipLots:
            return self
        case .defineInspectionPlan, .recordInspectionResult, .openNonconformance, .dispositionNonconformance, .approveDisposition,
            .placeHold, .releaseHold:
            return self
        case .raiseException, .approveAction, .rejectAction, .recordActionExecution, .verifyException, .dismissException,
            .definePlaybook, .defineApprovalPolicy, .reportOperationDelay, .scheduleOvertime, .reportAbsence, .assignException, .recommendAction,
            .snoozeException:
            // Large values with many dates: round-trip through the log's own encoding.
            return (try? TaktJSON.decoder.decode(Command.self, from: TaktJSON.encoder.encode(self))) ?? self
        case .publishSchedule(var schedule):
            schedule.origin = t(schedule.origin)
            schedule.steps = schedule.steps.map { step in
                var s = step
                s.start = t(s.start)
                s.end = t(s.end)
                return s
            }
            return .publishSchedule(schedule)
        case .expectReceipt(var r):
            r.expectedDate = t(r.expectedDate)
            return .expectReceipt(r)
        case .setPassword, .createWebhookSubscription, .updateWebhookSubscription, .deleteWebhookSubscription, .recordWebhookDeadLetter,
            .replayWebhookDeadLetter:
            return self
        case .uploadAttachment, .createEngineeringChange, .submitEngineeringChange, .approveEngineeringChange, .rejectEngineeringChange,
            .releaseEngineeringChange:
            return self
        case .receiveDocument, .verifyDocument, .rejectDocument, .defineDocumentTemplate:
            return self
        }
    }
}
