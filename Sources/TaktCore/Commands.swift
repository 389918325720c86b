import Foundation

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
        id: ProductionOrder.ID? = nil, item: Item.ID, quantity: Double, routing: Routing.ID? = nil, dueDate: Date,
        priority: Int? = nil, pegging: Pegging? = nil
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
        id: Lot.ID, item: Item.ID, quantity: Double, location: Location.ID, supplierLot: String? = nil,
        supplier: String? = nil, productionOrder: ProductionOrder.ID? = nil
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
    public init(id: APIToken.ID? = nil, user: User.ID, secretHash: String, label: String) {
        self.id = id
        self.user = user
        self.secretHash = secretHash
        self.label = label
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
    case definePlaybook(Playbook)
    case defineApprovalPolicy(ApprovalPolicy)
    case reportOperationDelay(ReportOperationDelay)
    case scheduleOvertime(Overtime)
    case reportAbsence(ReportAbsence)
    case setPassword(SetPassword)

    /// The roles that may submit this command (admins may submit every command).
    public var allowedRoles: Set<Role> {
        switch self {
        case .defineSite, .defineSkill, .defineWorkCenter, .defineItem, .defineBOM, .defineRouting: [.admin, .planner]
        case .defineLocation: [.admin, .planner, .warehouse]
        case .defineCustomer, .createSalesOrder, .cancelSalesOrder: [.admin, .sales, .planner]
        case .promiseSalesOrderLine: [.admin, .sales, .planner]
        case .createProductionOrder: [.admin, .planner]
        case .releaseProductionOrder, .cancelProductionOrder: [.admin, .planner, .supervisor]
        case .startProductionOrder, .completeProductionOrder: [.admin, .supervisor, .operator]
        case .createLot, .moveLot: [.admin, .warehouse, .supervisor]
        case .setLotStatus: [.admin, .quality]
        case .createUser, .updateUser, .revokeAPIToken: [.admin]
        case .issueAPIToken: Set(Role.allCases)  // any user for themselves; the engine checks "themselves"
        case .publishSchedule: [.admin, .planner]
        case .defineWorkInstruction: [.admin, .planner, .quality]
        case .acknowledgeWorkInstruction: Set(Role.allCases)
        case .clockIn, .clockOut, .startOperation, .pauseOperation, .resumeOperation, .reportQuantity, .completeOperation,
            .consumeLot, .produceLot, .setMachineState, .recordMachineCount:
            [.admin, .supervisor, .operator]
        case .overrideInterlock: [.admin, .supervisor]
        case .recordInspection: [.admin, .quality]
        case .receiveLot, .createHandlingUnit, .moveHandlingUnit, .splitHandlingUnit, .addToHandlingUnit, .removeFromHandlingUnit,
            .pickStagingTask, .confirmStagingTask, .reportStagingShort, .reportMaterialMissing:
            [.admin, .warehouse, .supervisor]
        case .expectReceipt, .cancelExpectedReceipt, .reserveLot, .unreserveLot: [.admin, .planner]
        case .checkMaterial: [.admin, .planner, .warehouse]
        case .shipLots: [.admin, .warehouse]
        case .defineInspectionPlan: [.admin, .quality]
        case .recordInspectionResult, .openNonconformance: [.admin, .quality, .supervisor, .operator]
        case .dispositionNonconformance: [.admin, .quality, .supervisor]
        case .approveDisposition, .placeHold, .releaseHold: [.admin, .quality]
        case .raiseException, .recordActionExecution, .verifyException: [.admin]  // the orchestrator (system) writes these
        case .approveAction, .rejectAction: Set(Role.allCases)  // the plant checks the action's approval roles
        case .dismissException: [.admin, .planner, .supervisor, .quality, .warehouse, .sales]
        case .definePlaybook, .defineApprovalPolicy: [.admin, .planner]
        case .reportOperationDelay: [.admin, .supervisor, .operator, .planner]
        case .scheduleOvertime, .reportAbsence: [.admin, .supervisor]
        case .setPassword: Set(Role.allCases)  // an admin for anyone; a user for themself with the old password (the engine checks)
        }
    }
}

extension Command: Codable {
    enum CodingKeys: String, CodingKey { case type, data }

    /// The wire name of every command type, as used in `{"type": …, "data": …}`.
    public static let typeNames: [String] = [
        "defineSite", "defineSkill", "defineWorkCenter", "defineLocation", "defineItem", "defineBOM", "defineRouting",
        "defineCustomer", "createSalesOrder", "promiseSalesOrderLine", "cancelSalesOrder", "createProductionOrder",
        "releaseProductionOrder", "startProductionOrder", "completeProductionOrder", "cancelProductionOrder",
        "createLot", "moveLot", "setLotStatus", "createUser", "updateUser", "issueAPIToken", "revokeAPIToken",
        "publishSchedule",
        "defineWorkInstruction",
        "acknowledgeWorkInstruction",
        "clockIn",
        "clockOut",
        "startOperation",
        "pauseOperation",
        "resumeOperation",
        "reportQuantity",
        "completeOperation",
        "overrideInterlock",
        "recordInspection",
        "consumeLot",
        "produceLot",
        "setMachineState",
        "recordMachineCount",
        "receiveLot",
        "expectReceipt",
        "cancelExpectedReceipt",
        "createHandlingUnit",
        "moveHandlingUnit",
        "splitHandlingUnit",
        "addToHandlingUnit",
        "removeFromHandlingUnit",
        "reserveLot",
        "unreserveLot",
        "pickStagingTask",
        "confirmStagingTask",
        "reportStagingShort",
        "reportMaterialMissing",
        "checkMaterial",
        "shipLots",
        "defineInspectionPlan",
        "recordInspectionResult",
        "openNonconformance",
        "dispositionNonconformance",
        "approveDisposition",
        "placeHold",
        "releaseHold",
        "raiseException",
        "approveAction",
        "rejectAction",
        "recordActionExecution",
        "verifyException",
        "dismissException",
        "definePlaybook",
        "defineApprovalPolicy",
        "reportOperationDelay",
        "scheduleOvertime",
        "reportAbsence",
        "setPassword",
    ]

    public var typeName: String {
        switch self {
        case .defineSite: "defineSite"
        case .defineSkill: "defineSkill"
        case .defineWorkCenter: "defineWorkCenter"
        case .defineLocation: "defineLocation"
        case .defineItem: "defineItem"
        case .defineBOM: "defineBOM"
        case .defineRouting: "defineRouting"
        case .defineCustomer: "defineCustomer"
        case .createSalesOrder: "createSalesOrder"
        case .promiseSalesOrderLine: "promiseSalesOrderLine"
        case .cancelSalesOrder: "cancelSalesOrder"
        case .createProductionOrder: "createProductionOrder"
        case .releaseProductionOrder: "releaseProductionOrder"
        case .startProductionOrder: "startProductionOrder"
        case .completeProductionOrder: "completeProductionOrder"
        case .cancelProductionOrder: "cancelProductionOrder"
        case .createLot: "createLot"
        case .moveLot: "moveLot"
        case .setLotStatus: "setLotStatus"
        case .createUser: "createUser"
        case .updateUser: "updateUser"
        case .issueAPIToken: "issueAPIToken"
        case .revokeAPIToken: "revokeAPIToken"
        case .publishSchedule: "publishSchedule"
        case .defineWorkInstruction: "defineWorkInstruction"
        case .acknowledgeWorkInstruction: "acknowledgeWorkInstruction"
        case .clockIn: "clockIn"
        case .clockOut: "clockOut"
        case .startOperation: "startOperation"
        case .pauseOperation: "pauseOperation"
        case .resumeOperation: "resumeOperation"
        case .reportQuantity: "reportQuantity"
        case .completeOperation: "completeOperation"
        case .overrideInterlock: "overrideInterlock"
        case .recordInspection: "recordInspection"
        case .consumeLot: "consumeLot"
        case .produceLot: "produceLot"
        case .setMachineState: "setMachineState"
        case .recordMachineCount: "recordMachineCount"
        case .receiveLot: "receiveLot"
        case .expectReceipt: "expectReceipt"
        case .cancelExpectedReceipt: "cancelExpectedReceipt"
        case .createHandlingUnit: "createHandlingUnit"
        case .moveHandlingUnit: "moveHandlingUnit"
        case .splitHandlingUnit: "splitHandlingUnit"
        case .addToHandlingUnit: "addToHandlingUnit"
        case .removeFromHandlingUnit: "removeFromHandlingUnit"
        case .reserveLot: "reserveLot"
        case .unreserveLot: "unreserveLot"
        case .pickStagingTask: "pickStagingTask"
        case .confirmStagingTask: "confirmStagingTask"
        case .reportStagingShort: "reportStagingShort"
        case .reportMaterialMissing: "reportMaterialMissing"
        case .checkMaterial: "checkMaterial"
        case .shipLots: "shipLots"
        case .defineInspectionPlan: "defineInspectionPlan"
        case .recordInspectionResult: "recordInspectionResult"
        case .openNonconformance: "openNonconformance"
        case .dispositionNonconformance: "dispositionNonconformance"
        case .approveDisposition: "approveDisposition"
        case .placeHold: "placeHold"
        case .releaseHold: "releaseHold"
        case .raiseException: "raiseException"
        case .approveAction: "approveAction"
        case .rejectAction: "rejectAction"
        case .recordActionExecution: "recordActionExecution"
        case .verifyException: "verifyException"
        case .dismissException: "dismissException"
        case .definePlaybook: "definePlaybook"
        case .defineApprovalPolicy: "defineApprovalPolicy"
        case .reportOperationDelay: "reportOperationDelay"
        case .scheduleOvertime: "scheduleOvertime"
        case .reportAbsence: "reportAbsence"
        case .setPassword: "setPassword"
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let type = try c.decode(String.self, forKey: .type)
        func d<T: Decodable>(_: T.Type) throws -> T { try c.decode(T.self, forKey: .data) }
        switch type {
        case "defineSite": self = .defineSite(try d(Site.self))
        case "defineSkill": self = .defineSkill(try d(Skill.self))
        case "defineWorkCenter": self = .defineWorkCenter(try d(WorkCenter.self))
        case "defineLocation": self = .defineLocation(try d(Location.self))
        case "defineItem": self = .defineItem(try d(Item.self))
        case "defineBOM": self = .defineBOM(try d(BOM.self))
        case "defineRouting": self = .defineRouting(try d(Routing.self))
        case "defineCustomer": self = .defineCustomer(try d(Customer.self))
        case "createSalesOrder": self = .createSalesOrder(try d(NewSalesOrder.self))
        case "promiseSalesOrderLine": self = .promiseSalesOrderLine(try d(PromiseSalesOrderLine.self))
        case "cancelSalesOrder": self = .cancelSalesOrder(try d(CancelSalesOrder.self))
        case "createProductionOrder": self = .createProductionOrder(try d(NewProductionOrder.self))
        case "releaseProductionOrder": self = .releaseProductionOrder(try d(ProductionOrderRef.self))
        case "startProductionOrder": self = .startProductionOrder(try d(ProductionOrderRef.self))
        case "completeProductionOrder": self = .completeProductionOrder(try d(ProductionOrderRef.self))
        case "cancelProductionOrder": self = .cancelProductionOrder(try d(CancelProductionOrder.self))
        case "createLot": self = .createLot(try d(NewLot.self))
        case "moveLot": self = .moveLot(try d(MoveLot.self))
        case "setLotStatus": self = .setLotStatus(try d(SetLotStatus.self))
        case "createUser": self = .createUser(try d(User.self))
        case "updateUser": self = .updateUser(try d(User.self))
        case "issueAPIToken": self = .issueAPIToken(try d(IssueAPIToken.self))
        case "revokeAPIToken": self = .revokeAPIToken(try d(APITokenRef.self))
        case "publishSchedule": self = .publishSchedule(try d(PublishedSchedule.self))
        case "defineWorkInstruction": self = .defineWorkInstruction(try d(WorkInstruction.self))
        case "acknowledgeWorkInstruction": self = .acknowledgeWorkInstruction(try d(AcknowledgeWorkInstruction.self))
        case "clockIn": self = .clockIn(try d(ClockInCommand.self))
        case "clockOut": self = .clockOut(try d(ClockOutCommand.self))
        case "startOperation": self = .startOperation(try d(StartOperation.self))
        case "pauseOperation": self = .pauseOperation(try d(PauseOperation.self))
        case "resumeOperation": self = .resumeOperation(try d(ResumeOperation.self))
        case "reportQuantity": self = .reportQuantity(try d(ReportQuantity.self))
        case "completeOperation": self = .completeOperation(try d(ReportQuantity.self))
        case "overrideInterlock": self = .overrideInterlock(try d(OverrideInterlock.self))
        case "recordInspection": self = .recordInspection(try d(RecordInspection.self))
        case "consumeLot": self = .consumeLot(try d(ConsumeLot.self))
        case "produceLot": self = .produceLot(try d(ProduceLot.self))
        case "setMachineState": self = .setMachineState(try d(SetMachineState.self))
        case "recordMachineCount": self = .recordMachineCount(try d(RecordMachineCount.self))
        case "receiveLot": self = .receiveLot(try d(ReceiveLot.self))
        case "expectReceipt": self = .expectReceipt(try d(ExpectReceipt.self))
        case "cancelExpectedReceipt": self = .cancelExpectedReceipt(try d(CancelExpectedReceipt.self))
        case "createHandlingUnit": self = .createHandlingUnit(try d(CreateHandlingUnit.self))
        case "moveHandlingUnit": self = .moveHandlingUnit(try d(MoveHandlingUnit.self))
        case "splitHandlingUnit": self = .splitHandlingUnit(try d(SplitHandlingUnit.self))
        case "addToHandlingUnit": self = .addToHandlingUnit(try d(HandlingUnitLots.self))
        case "removeFromHandlingUnit": self = .removeFromHandlingUnit(try d(HandlingUnitLots.self))
        case "reserveLot": self = .reserveLot(try d(ReserveLot.self))
        case "unreserveLot": self = .unreserveLot(try d(UnreserveLot.self))
        case "pickStagingTask": self = .pickStagingTask(try d(StagingTaskRef.self))
        case "confirmStagingTask": self = .confirmStagingTask(try d(ConfirmStagingTask.self))
        case "reportStagingShort": self = .reportStagingShort(try d(ReportStagingShort.self))
        case "reportMaterialMissing": self = .reportMaterialMissing(try d(ReportMaterialMissing.self))
        case "checkMaterial": self = .checkMaterial(try d(CheckMaterial.self))
        case "shipLots": self = .shipLots(try d(ShipLots.self))
        case "defineInspectionPlan": self = .defineInspectionPlan(try d(InspectionPlan.self))
        case "recordInspectionResult": self = .recordInspectionResult(try d(RecordInspectionResult.self))
        case "openNonconformance": self = .openNonconformance(try d(OpenNonconformance.self))
        case "dispositionNonconformance": self = .dispositionNonconformance(try d(DispositionNonconformance.self))
        case "approveDisposition": self = .approveDisposition(try d(ApproveDisposition.self))
        case "placeHold": self = .placeHold(try d(PlaceHold.self))
        case "releaseHold": self = .releaseHold(try d(ReleaseHold.self))
        case "raiseException": self = .raiseException(try d(PlantException.self))
        case "approveAction": self = .approveAction(try d(DecideAction.self))
        case "rejectAction": self = .rejectAction(try d(DecideAction.self))
        case "recordActionExecution": self = .recordActionExecution(try d(ActionExecuted.self))
        case "verifyException": self = .verifyException(try d(ExceptionVerified.self))
        case "dismissException": self = .dismissException(try d(DismissException.self))
        case "definePlaybook": self = .definePlaybook(try d(Playbook.self))
        case "defineApprovalPolicy": self = .defineApprovalPolicy(try d(ApprovalPolicy.self))
        case "reportOperationDelay": self = .reportOperationDelay(try d(ReportOperationDelay.self))
        case "scheduleOvertime": self = .scheduleOvertime(try d(Overtime.self))
        case "reportAbsence": self = .reportAbsence(try d(ReportAbsence.self))
        case "setPassword": self = .setPassword(try d(SetPassword.self))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: c,
                debugDescription: "unknown command type '\(type)'; expected one of: \(Command.typeNames.joined(separator: ", "))")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(typeName, forKey: .type)
        switch self {
        case .defineSite(let v): try c.encode(v, forKey: .data)
        case .defineSkill(let v): try c.encode(v, forKey: .data)
        case .defineWorkCenter(let v): try c.encode(v, forKey: .data)
        case .defineLocation(let v): try c.encode(v, forKey: .data)
        case .defineItem(let v): try c.encode(v, forKey: .data)
        case .defineBOM(let v): try c.encode(v, forKey: .data)
        case .defineRouting(let v): try c.encode(v, forKey: .data)
        case .defineCustomer(let v): try c.encode(v, forKey: .data)
        case .createSalesOrder(let v): try c.encode(v, forKey: .data)
        case .promiseSalesOrderLine(let v): try c.encode(v, forKey: .data)
        case .cancelSalesOrder(let v): try c.encode(v, forKey: .data)
        case .createProductionOrder(let v): try c.encode(v, forKey: .data)
        case .releaseProductionOrder(let v): try c.encode(v, forKey: .data)
        case .startProductionOrder(let v): try c.encode(v, forKey: .data)
        case .completeProductionOrder(let v): try c.encode(v, forKey: .data)
        case .cancelProductionOrder(let v): try c.encode(v, forKey: .data)
        case .createLot(let v): try c.encode(v, forKey: .data)
        case .moveLot(let v): try c.encode(v, forKey: .data)
        case .setLotStatus(let v): try c.encode(v, forKey: .data)
        case .createUser(let v): try c.encode(v, forKey: .data)
        case .updateUser(let v): try c.encode(v, forKey: .data)
        case .issueAPIToken(let v): try c.encode(v, forKey: .data)
        case .revokeAPIToken(let v): try c.encode(v, forKey: .data)
        case .publishSchedule(let v): try c.encode(v, forKey: .data)
        case .defineWorkInstruction(let v): try c.encode(v, forKey: .data)
        case .acknowledgeWorkInstruction(let v): try c.encode(v, forKey: .data)
        case .clockIn(let v): try c.encode(v, forKey: .data)
        case .clockOut(let v): try c.encode(v, forKey: .data)
        case .startOperation(let v): try c.encode(v, forKey: .data)
        case .pauseOperation(let v): try c.encode(v, forKey: .data)
        case .resumeOperation(let v): try c.encode(v, forKey: .data)
        case .reportQuantity(let v): try c.encode(v, forKey: .data)
        case .completeOperation(let v): try c.encode(v, forKey: .data)
        case .overrideInterlock(let v): try c.encode(v, forKey: .data)
        case .recordInspection(let v): try c.encode(v, forKey: .data)
        case .consumeLot(let v): try c.encode(v, forKey: .data)
        case .produceLot(let v): try c.encode(v, forKey: .data)
        case .setMachineState(let v): try c.encode(v, forKey: .data)
        case .recordMachineCount(let v): try c.encode(v, forKey: .data)
        case .receiveLot(let v): try c.encode(v, forKey: .data)
        case .expectReceipt(let v): try c.encode(v, forKey: .data)
        case .cancelExpectedReceipt(let v): try c.encode(v, forKey: .data)
        case .createHandlingUnit(let v): try c.encode(v, forKey: .data)
        case .moveHandlingUnit(let v): try c.encode(v, forKey: .data)
        case .splitHandlingUnit(let v): try c.encode(v, forKey: .data)
        case .addToHandlingUnit(let v): try c.encode(v, forKey: .data)
        case .removeFromHandlingUnit(let v): try c.encode(v, forKey: .data)
        case .reserveLot(let v): try c.encode(v, forKey: .data)
        case .unreserveLot(let v): try c.encode(v, forKey: .data)
        case .pickStagingTask(let v): try c.encode(v, forKey: .data)
        case .confirmStagingTask(let v): try c.encode(v, forKey: .data)
        case .reportStagingShort(let v): try c.encode(v, forKey: .data)
        case .reportMaterialMissing(let v): try c.encode(v, forKey: .data)
        case .checkMaterial(let v): try c.encode(v, forKey: .data)
        case .shipLots(let v): try c.encode(v, forKey: .data)
        case .defineInspectionPlan(let v): try c.encode(v, forKey: .data)
        case .recordInspectionResult(let v): try c.encode(v, forKey: .data)
        case .openNonconformance(let v): try c.encode(v, forKey: .data)
        case .dispositionNonconformance(let v): try c.encode(v, forKey: .data)
        case .approveDisposition(let v): try c.encode(v, forKey: .data)
        case .placeHold(let v): try c.encode(v, forKey: .data)
        case .releaseHold(let v): try c.encode(v, forKey: .data)
        case .raiseException(let v): try c.encode(v, forKey: .data)
        case .approveAction(let v): try c.encode(v, forKey: .data)
        case .rejectAction(let v): try c.encode(v, forKey: .data)
        case .recordActionExecution(let v): try c.encode(v, forKey: .data)
        case .verifyException(let v): try c.encode(v, forKey: .data)
        case .dismissException(let v): try c.encode(v, forKey: .data)
        case .definePlaybook(let v): try c.encode(v, forKey: .data)
        case .defineApprovalPolicy(let v): try c.encode(v, forKey: .data)
        case .reportOperationDelay(let v): try c.encode(v, forKey: .data)
        case .scheduleOvertime(let v): try c.encode(v, forKey: .data)
        case .reportAbsence(let v): try c.encode(v, forKey: .data)
        case .setPassword(let v): try c.encode(v, forKey: .data)
        }
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
            .produceLot, .setMachineState, .recordMachineCount, .receiveLot, .cancelExpectedReceipt, .createHandlingUnit,
            .moveHandlingUnit, .splitHandlingUnit, .addToHandlingUnit, .removeFromHandlingUnit, .reserveLot, .unreserveLot,
            .pickStagingTask, .confirmStagingTask, .reportStagingShort, .reportMaterialMissing, .checkMaterial, .shipLots:
            return self
        case .defineInspectionPlan, .recordInspectionResult, .openNonconformance, .dispositionNonconformance, .approveDisposition,
            .placeHold, .releaseHold:
            return self
        case .raiseException, .approveAction, .rejectAction, .recordActionExecution, .verifyException, .dismissException,
            .definePlaybook, .defineApprovalPolicy, .reportOperationDelay, .scheduleOvertime, .reportAbsence:
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
        case .setPassword:
            return self
        }
    }
}
