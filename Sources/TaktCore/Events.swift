import Foundation

// MARK: - Event payloads

public struct ProductionOrderTransition: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var at: Date
    /// On release: the material the order needs against what is available (reported, not enforced).
    public var material: [MaterialCheck]?
    public init(productionOrder: ProductionOrder.ID, at: Date, material: [MaterialCheck]? = nil) {
        self.productionOrder = productionOrder
        self.at = at
        self.material = material
    }
}

public struct ProductionOrderCancelled: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var reason: String
    public var at: Date
    public init(productionOrder: ProductionOrder.ID, reason: String, at: Date) {
        self.productionOrder = productionOrder
        self.reason = reason
        self.at = at
    }
}

public struct LotMoved: Codable, Sendable, Hashable {
    public var lot: Lot.ID
    public var from: Location.ID
    public var to: Location.ID
    public init(lot: Lot.ID, from: Location.ID, to: Location.ID) {
        self.lot = lot
        self.from = from
        self.to = to
    }
}

public struct LotStatusChanged: Codable, Sendable, Hashable {
    public var lot: Lot.ID
    public var from: LotStatus
    public var to: LotStatus
    public var reason: String
    public init(lot: Lot.ID, from: LotStatus, to: LotStatus, reason: String) {
        self.lot = lot
        self.from = from
        self.to = to
        self.reason = reason
    }
}

// MARK: - Events

/// What happened. Events are facts in the past tense; the log of them is the system of record,
/// and ``PlantState/apply(_:)`` folds them into current state.
public enum Event: Sendable, Hashable {
    case siteDefined(Site)
    case skillDefined(Skill)
    case workCenterDefined(WorkCenter)
    case locationDefined(Location)
    case itemDefined(Item)
    case bomDefined(BOM)
    case routingDefined(Routing)
    case customerDefined(Customer)
    case salesOrderCreated(SalesOrder)
    case salesOrderLinePromised(PromiseSalesOrderLine)
    case salesOrderCancelled(CancelSalesOrder)
    case productionOrderCreated(ProductionOrder)
    case productionOrderReleased(ProductionOrderTransition)
    case productionOrderStarted(ProductionOrderTransition)
    case productionOrderCompleted(ProductionOrderTransition)
    case productionOrderCancelled(ProductionOrderCancelled)
    case lotCreated(Lot)
    case lotMoved(LotMoved)
    case lotStatusChanged(LotStatusChanged)
    case userCreated(User)
    case userUpdated(User)
    case apiTokenIssued(APIToken)
    case apiTokenRevoked(APITokenRef)
    case schedulePublished(PublishedSchedule)
    case workInstructionDefined(WorkInstruction)
    case workInstructionAcknowledged(WorkInstructionAcknowledged)
    case operatorClockedIn(ClockIn)
    case operatorClockedOut(LabourSession)
    case operationStarted(OperationStarted)
    case operationPaused(OperationPaused)
    case operationResumed(OperationResumed)
    case quantityReported(ProductionReport)
    case operationCompleted(OperationCompleted)
    case interlockOverridden(InterlockOverride)
    case inspectionRecorded(InspectionRecorded)
    case lotConsumed(Consumption)
    case lotProduced(LotProduced)
    case machineStateChanged(MachineStateChange)
    case machineCounted(MachineCount)
    case lotReceived(LotReceived)
    case receiptExpected(ExpectedReceipt)
    case expectedReceiptCancelled(ExpectedReceiptCancelled)
    case handlingUnitCreated(HandlingUnit)
    case handlingUnitMoved(HandlingUnitMoved)
    case handlingUnitSplit(HandlingUnitSplit)
    case lotsAddedToHandlingUnit(HandlingUnitLots)
    case lotsRemovedFromHandlingUnit(HandlingUnitLots)
    case lotReserved(Reservation)
    case reservationReleased(ReservationReleased)
    case stagingTaskCreated(StagingTask)
    case stagingTaskPicked(StagingTaskPicked)
    case stagingTaskConfirmed(StagingTaskConfirmed)
    case stagingShortReported(StagingShortReported)
    case materialMissing(MaterialMissing)
    case shortageProjected(ShortageProjected)
    case shortageResolved(ShortageResolved)
    case lotsShipped(Shipment)
    case salesOrderShipped(SalesOrderShipped)
    case inspectionPlanDefined(InspectionPlan)
    case inspectionResultRecorded(InspectionResult)
    case nonconformanceOpened(Nonconformance)
    case nonconformanceDispositioned(NonconformanceDispositioned)
    case dispositionDecided(DispositionDecided)
    case reworkOperationAdded(ReworkOperationAdded)
    case nonconformanceClosed(NonconformanceClosed)
    case holdPlaced(Hold)
    case holdReleased(HoldReleased)
    case exceptionRaised(PlantException)
    /// An open exception nobody has decided on yet, assessed again for a newer event on the same subject: same ID, new content.
    case exceptionUpdated(PlantException)
    case actionApproved(ActionDecided)
    case actionRejected(ActionDecided)
    case actionExecuted(ActionExecuted)
    case exceptionVerified(ExceptionVerified)
    case exceptionDismissed(ExceptionDismissed)
    case playbookDefined(Playbook)
    case approvalPolicyDefined(ApprovalPolicy)
    case operationDelayReported(OperationDelayReported)
    case overtimeScheduled(Overtime)
    case absenceReported(Absence)
    case passwordSet(PasswordSet)
    case recordSigned(ElectronicSignature)
}

/// Events are stored as a type name beside a JSON payload (see ``init(type:payload:decoder:)`` and ``encodePayload(_:)``).
extension Event {
    public static let typeNames: [String] = [
        "siteDefined", "skillDefined", "workCenterDefined", "locationDefined", "itemDefined", "bomDefined",
        "routingDefined", "customerDefined", "salesOrderCreated", "salesOrderLinePromised", "salesOrderCancelled",
        "productionOrderCreated", "productionOrderReleased", "productionOrderStarted", "productionOrderCompleted",
        "productionOrderCancelled", "lotCreated", "lotMoved", "lotStatusChanged", "userCreated", "userUpdated",
        "apiTokenIssued", "apiTokenRevoked", "schedulePublished",
        "workInstructionDefined",
        "workInstructionAcknowledged",
        "operatorClockedIn",
        "operatorClockedOut",
        "operationStarted",
        "operationPaused",
        "operationResumed",
        "quantityReported",
        "operationCompleted",
        "interlockOverridden",
        "inspectionRecorded",
        "lotConsumed",
        "lotProduced",
        "machineStateChanged",
        "machineCounted",
        "lotReceived",
        "receiptExpected",
        "expectedReceiptCancelled",
        "handlingUnitCreated",
        "handlingUnitMoved",
        "handlingUnitSplit",
        "lotsAddedToHandlingUnit",
        "lotsRemovedFromHandlingUnit",
        "lotReserved",
        "reservationReleased",
        "stagingTaskCreated",
        "stagingTaskPicked",
        "stagingTaskConfirmed",
        "stagingShortReported",
        "materialMissing",
        "shortageProjected",
        "shortageResolved",
        "lotsShipped",
        "salesOrderShipped",
        "inspectionPlanDefined",
        "inspectionResultRecorded",
        "nonconformanceOpened",
        "nonconformanceDispositioned",
        "dispositionDecided",
        "reworkOperationAdded",
        "nonconformanceClosed",
        "holdPlaced",
        "holdReleased",
        "exceptionRaised",
        "exceptionUpdated",
        "actionApproved",
        "actionRejected",
        "actionExecuted",
        "exceptionVerified",
        "exceptionDismissed",
        "playbookDefined",
        "approvalPolicyDefined",
        "operationDelayReported",
        "overtimeScheduled",
        "absenceReported", "passwordSet", "recordSigned",
    ]

    public var typeName: String {
        switch self {
        case .siteDefined: "siteDefined"
        case .skillDefined: "skillDefined"
        case .workCenterDefined: "workCenterDefined"
        case .locationDefined: "locationDefined"
        case .itemDefined: "itemDefined"
        case .bomDefined: "bomDefined"
        case .routingDefined: "routingDefined"
        case .customerDefined: "customerDefined"
        case .salesOrderCreated: "salesOrderCreated"
        case .salesOrderLinePromised: "salesOrderLinePromised"
        case .salesOrderCancelled: "salesOrderCancelled"
        case .productionOrderCreated: "productionOrderCreated"
        case .productionOrderReleased: "productionOrderReleased"
        case .productionOrderStarted: "productionOrderStarted"
        case .productionOrderCompleted: "productionOrderCompleted"
        case .productionOrderCancelled: "productionOrderCancelled"
        case .lotCreated: "lotCreated"
        case .lotMoved: "lotMoved"
        case .lotStatusChanged: "lotStatusChanged"
        case .userCreated: "userCreated"
        case .userUpdated: "userUpdated"
        case .apiTokenIssued: "apiTokenIssued"
        case .apiTokenRevoked: "apiTokenRevoked"
        case .schedulePublished: "schedulePublished"
        case .workInstructionDefined: "workInstructionDefined"
        case .workInstructionAcknowledged: "workInstructionAcknowledged"
        case .operatorClockedIn: "operatorClockedIn"
        case .operatorClockedOut: "operatorClockedOut"
        case .operationStarted: "operationStarted"
        case .operationPaused: "operationPaused"
        case .operationResumed: "operationResumed"
        case .quantityReported: "quantityReported"
        case .operationCompleted: "operationCompleted"
        case .interlockOverridden: "interlockOverridden"
        case .inspectionRecorded: "inspectionRecorded"
        case .lotConsumed: "lotConsumed"
        case .lotProduced: "lotProduced"
        case .machineStateChanged: "machineStateChanged"
        case .machineCounted: "machineCounted"
        case .lotReceived: "lotReceived"
        case .receiptExpected: "receiptExpected"
        case .expectedReceiptCancelled: "expectedReceiptCancelled"
        case .handlingUnitCreated: "handlingUnitCreated"
        case .handlingUnitMoved: "handlingUnitMoved"
        case .handlingUnitSplit: "handlingUnitSplit"
        case .lotsAddedToHandlingUnit: "lotsAddedToHandlingUnit"
        case .lotsRemovedFromHandlingUnit: "lotsRemovedFromHandlingUnit"
        case .lotReserved: "lotReserved"
        case .reservationReleased: "reservationReleased"
        case .stagingTaskCreated: "stagingTaskCreated"
        case .stagingTaskPicked: "stagingTaskPicked"
        case .stagingTaskConfirmed: "stagingTaskConfirmed"
        case .stagingShortReported: "stagingShortReported"
        case .materialMissing: "materialMissing"
        case .shortageProjected: "shortageProjected"
        case .shortageResolved: "shortageResolved"
        case .lotsShipped: "lotsShipped"
        case .salesOrderShipped: "salesOrderShipped"
        case .inspectionPlanDefined: "inspectionPlanDefined"
        case .inspectionResultRecorded: "inspectionResultRecorded"
        case .nonconformanceOpened: "nonconformanceOpened"
        case .nonconformanceDispositioned: "nonconformanceDispositioned"
        case .dispositionDecided: "dispositionDecided"
        case .reworkOperationAdded: "reworkOperationAdded"
        case .nonconformanceClosed: "nonconformanceClosed"
        case .holdPlaced: "holdPlaced"
        case .holdReleased: "holdReleased"
        case .exceptionRaised: "exceptionRaised"
        case .exceptionUpdated: "exceptionUpdated"
        case .actionApproved: "actionApproved"
        case .actionRejected: "actionRejected"
        case .actionExecuted: "actionExecuted"
        case .exceptionVerified: "exceptionVerified"
        case .exceptionDismissed: "exceptionDismissed"
        case .playbookDefined: "playbookDefined"
        case .approvalPolicyDefined: "approvalPolicyDefined"
        case .operationDelayReported: "operationDelayReported"
        case .overtimeScheduled: "overtimeScheduled"
        case .absenceReported: "absenceReported"
        case .passwordSet: "passwordSet"
        case .recordSigned: "recordSigned"
        }
    }

    /// Decodes the payload of an event whose type name is stored beside it.
    public init(type: String, payload: Data, decoder: JSONDecoder) throws {
        func d<T: Decodable>(_: T.Type) throws -> T { try decoder.decode(T.self, from: payload) }
        switch type {
        case "siteDefined": self = .siteDefined(try d(Site.self))
        case "skillDefined": self = .skillDefined(try d(Skill.self))
        case "workCenterDefined": self = .workCenterDefined(try d(WorkCenter.self))
        case "locationDefined": self = .locationDefined(try d(Location.self))
        case "itemDefined": self = .itemDefined(try d(Item.self))
        case "bomDefined": self = .bomDefined(try d(BOM.self))
        case "routingDefined": self = .routingDefined(try d(Routing.self))
        case "customerDefined": self = .customerDefined(try d(Customer.self))
        case "salesOrderCreated": self = .salesOrderCreated(try d(SalesOrder.self))
        case "salesOrderLinePromised": self = .salesOrderLinePromised(try d(PromiseSalesOrderLine.self))
        case "salesOrderCancelled": self = .salesOrderCancelled(try d(CancelSalesOrder.self))
        case "productionOrderCreated": self = .productionOrderCreated(try d(ProductionOrder.self))
        case "productionOrderReleased": self = .productionOrderReleased(try d(ProductionOrderTransition.self))
        case "productionOrderStarted": self = .productionOrderStarted(try d(ProductionOrderTransition.self))
        case "productionOrderCompleted": self = .productionOrderCompleted(try d(ProductionOrderTransition.self))
        case "productionOrderCancelled": self = .productionOrderCancelled(try d(ProductionOrderCancelled.self))
        case "lotCreated": self = .lotCreated(try d(Lot.self))
        case "lotMoved": self = .lotMoved(try d(LotMoved.self))
        case "lotStatusChanged": self = .lotStatusChanged(try d(LotStatusChanged.self))
        case "userCreated": self = .userCreated(try d(User.self))
        case "userUpdated": self = .userUpdated(try d(User.self))
        case "apiTokenIssued": self = .apiTokenIssued(try d(APIToken.self))
        case "apiTokenRevoked": self = .apiTokenRevoked(try d(APITokenRef.self))
        case "schedulePublished": self = .schedulePublished(try d(PublishedSchedule.self))
        case "workInstructionDefined": self = .workInstructionDefined(try d(WorkInstruction.self))
        case "workInstructionAcknowledged": self = .workInstructionAcknowledged(try d(WorkInstructionAcknowledged.self))
        case "operatorClockedIn": self = .operatorClockedIn(try d(ClockIn.self))
        case "operatorClockedOut": self = .operatorClockedOut(try d(LabourSession.self))
        case "operationStarted": self = .operationStarted(try d(OperationStarted.self))
        case "operationPaused": self = .operationPaused(try d(OperationPaused.self))
        case "operationResumed": self = .operationResumed(try d(OperationResumed.self))
        case "quantityReported": self = .quantityReported(try d(ProductionReport.self))
        case "operationCompleted": self = .operationCompleted(try d(OperationCompleted.self))
        case "interlockOverridden": self = .interlockOverridden(try d(InterlockOverride.self))
        case "inspectionRecorded": self = .inspectionRecorded(try d(InspectionRecorded.self))
        case "lotConsumed": self = .lotConsumed(try d(Consumption.self))
        case "lotProduced": self = .lotProduced(try d(LotProduced.self))
        case "machineStateChanged": self = .machineStateChanged(try d(MachineStateChange.self))
        case "machineCounted": self = .machineCounted(try d(MachineCount.self))
        case "lotReceived": self = .lotReceived(try d(LotReceived.self))
        case "receiptExpected": self = .receiptExpected(try d(ExpectedReceipt.self))
        case "expectedReceiptCancelled": self = .expectedReceiptCancelled(try d(ExpectedReceiptCancelled.self))
        case "handlingUnitCreated": self = .handlingUnitCreated(try d(HandlingUnit.self))
        case "handlingUnitMoved": self = .handlingUnitMoved(try d(HandlingUnitMoved.self))
        case "handlingUnitSplit": self = .handlingUnitSplit(try d(HandlingUnitSplit.self))
        case "lotsAddedToHandlingUnit": self = .lotsAddedToHandlingUnit(try d(HandlingUnitLots.self))
        case "lotsRemovedFromHandlingUnit": self = .lotsRemovedFromHandlingUnit(try d(HandlingUnitLots.self))
        case "lotReserved": self = .lotReserved(try d(Reservation.self))
        case "reservationReleased": self = .reservationReleased(try d(ReservationReleased.self))
        case "stagingTaskCreated": self = .stagingTaskCreated(try d(StagingTask.self))
        case "stagingTaskPicked": self = .stagingTaskPicked(try d(StagingTaskPicked.self))
        case "stagingTaskConfirmed": self = .stagingTaskConfirmed(try d(StagingTaskConfirmed.self))
        case "stagingShortReported": self = .stagingShortReported(try d(StagingShortReported.self))
        case "materialMissing": self = .materialMissing(try d(MaterialMissing.self))
        case "shortageProjected": self = .shortageProjected(try d(ShortageProjected.self))
        case "shortageResolved": self = .shortageResolved(try d(ShortageResolved.self))
        case "lotsShipped": self = .lotsShipped(try d(Shipment.self))
        case "salesOrderShipped": self = .salesOrderShipped(try d(SalesOrderShipped.self))
        case "inspectionPlanDefined": self = .inspectionPlanDefined(try d(InspectionPlan.self))
        case "inspectionResultRecorded": self = .inspectionResultRecorded(try d(InspectionResult.self))
        case "nonconformanceOpened": self = .nonconformanceOpened(try d(Nonconformance.self))
        case "nonconformanceDispositioned": self = .nonconformanceDispositioned(try d(NonconformanceDispositioned.self))
        case "dispositionDecided": self = .dispositionDecided(try d(DispositionDecided.self))
        case "reworkOperationAdded": self = .reworkOperationAdded(try d(ReworkOperationAdded.self))
        case "nonconformanceClosed": self = .nonconformanceClosed(try d(NonconformanceClosed.self))
        case "holdPlaced": self = .holdPlaced(try d(Hold.self))
        case "holdReleased": self = .holdReleased(try d(HoldReleased.self))
        case "exceptionRaised": self = .exceptionRaised(try d(PlantException.self))
        case "exceptionUpdated": self = .exceptionUpdated(try d(PlantException.self))
        case "actionApproved": self = .actionApproved(try d(ActionDecided.self))
        case "actionRejected": self = .actionRejected(try d(ActionDecided.self))
        case "actionExecuted": self = .actionExecuted(try d(ActionExecuted.self))
        case "exceptionVerified": self = .exceptionVerified(try d(ExceptionVerified.self))
        case "exceptionDismissed": self = .exceptionDismissed(try d(ExceptionDismissed.self))
        case "playbookDefined": self = .playbookDefined(try d(Playbook.self))
        case "approvalPolicyDefined": self = .approvalPolicyDefined(try d(ApprovalPolicy.self))
        case "operationDelayReported": self = .operationDelayReported(try d(OperationDelayReported.self))
        case "overtimeScheduled": self = .overtimeScheduled(try d(Overtime.self))
        case "absenceReported": self = .absenceReported(try d(Absence.self))
        case "passwordSet": self = .passwordSet(try d(PasswordSet.self))
        case "recordSigned": self = .recordSigned(try d(ElectronicSignature.self))
        default: throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown event type '\(type)'"))
        }
    }

    /// Encodes only the payload (the type name is stored beside it).
    public func encodePayload(_ encoder: JSONEncoder) throws -> Data {
        switch self {
        case .siteDefined(let v): try encoder.encode(v)
        case .skillDefined(let v): try encoder.encode(v)
        case .workCenterDefined(let v): try encoder.encode(v)
        case .locationDefined(let v): try encoder.encode(v)
        case .itemDefined(let v): try encoder.encode(v)
        case .bomDefined(let v): try encoder.encode(v)
        case .routingDefined(let v): try encoder.encode(v)
        case .customerDefined(let v): try encoder.encode(v)
        case .salesOrderCreated(let v): try encoder.encode(v)
        case .salesOrderLinePromised(let v): try encoder.encode(v)
        case .salesOrderCancelled(let v): try encoder.encode(v)
        case .productionOrderCreated(let v): try encoder.encode(v)
        case .productionOrderReleased(let v): try encoder.encode(v)
        case .productionOrderStarted(let v): try encoder.encode(v)
        case .productionOrderCompleted(let v): try encoder.encode(v)
        case .productionOrderCancelled(let v): try encoder.encode(v)
        case .lotCreated(let v): try encoder.encode(v)
        case .lotMoved(let v): try encoder.encode(v)
        case .lotStatusChanged(let v): try encoder.encode(v)
        case .userCreated(let v): try encoder.encode(v)
        case .userUpdated(let v): try encoder.encode(v)
        case .apiTokenIssued(let v): try encoder.encode(v)
        case .apiTokenRevoked(let v): try encoder.encode(v)
        case .schedulePublished(let v): try encoder.encode(v)
        case .workInstructionDefined(let v): try encoder.encode(v)
        case .workInstructionAcknowledged(let v): try encoder.encode(v)
        case .operatorClockedIn(let v): try encoder.encode(v)
        case .operatorClockedOut(let v): try encoder.encode(v)
        case .operationStarted(let v): try encoder.encode(v)
        case .operationPaused(let v): try encoder.encode(v)
        case .operationResumed(let v): try encoder.encode(v)
        case .quantityReported(let v): try encoder.encode(v)
        case .operationCompleted(let v): try encoder.encode(v)
        case .interlockOverridden(let v): try encoder.encode(v)
        case .inspectionRecorded(let v): try encoder.encode(v)
        case .lotConsumed(let v): try encoder.encode(v)
        case .lotProduced(let v): try encoder.encode(v)
        case .machineStateChanged(let v): try encoder.encode(v)
        case .machineCounted(let v): try encoder.encode(v)
        case .lotReceived(let v): try encoder.encode(v)
        case .receiptExpected(let v): try encoder.encode(v)
        case .expectedReceiptCancelled(let v): try encoder.encode(v)
        case .handlingUnitCreated(let v): try encoder.encode(v)
        case .handlingUnitMoved(let v): try encoder.encode(v)
        case .handlingUnitSplit(let v): try encoder.encode(v)
        case .lotsAddedToHandlingUnit(let v): try encoder.encode(v)
        case .lotsRemovedFromHandlingUnit(let v): try encoder.encode(v)
        case .lotReserved(let v): try encoder.encode(v)
        case .reservationReleased(let v): try encoder.encode(v)
        case .stagingTaskCreated(let v): try encoder.encode(v)
        case .stagingTaskPicked(let v): try encoder.encode(v)
        case .stagingTaskConfirmed(let v): try encoder.encode(v)
        case .stagingShortReported(let v): try encoder.encode(v)
        case .materialMissing(let v): try encoder.encode(v)
        case .shortageProjected(let v): try encoder.encode(v)
        case .shortageResolved(let v): try encoder.encode(v)
        case .lotsShipped(let v): try encoder.encode(v)
        case .salesOrderShipped(let v): try encoder.encode(v)
        case .inspectionPlanDefined(let v): try encoder.encode(v)
        case .inspectionResultRecorded(let v): try encoder.encode(v)
        case .nonconformanceOpened(let v): try encoder.encode(v)
        case .nonconformanceDispositioned(let v): try encoder.encode(v)
        case .dispositionDecided(let v): try encoder.encode(v)
        case .reworkOperationAdded(let v): try encoder.encode(v)
        case .nonconformanceClosed(let v): try encoder.encode(v)
        case .holdPlaced(let v): try encoder.encode(v)
        case .holdReleased(let v): try encoder.encode(v)
        case .exceptionRaised(let v): try encoder.encode(v)
        case .exceptionUpdated(let v): try encoder.encode(v)
        case .actionApproved(let v): try encoder.encode(v)
        case .actionRejected(let v): try encoder.encode(v)
        case .actionExecuted(let v): try encoder.encode(v)
        case .exceptionVerified(let v): try encoder.encode(v)
        case .exceptionDismissed(let v): try encoder.encode(v)
        case .playbookDefined(let v): try encoder.encode(v)
        case .approvalPolicyDefined(let v): try encoder.encode(v)
        case .operationDelayReported(let v): try encoder.encode(v)
        case .overtimeScheduled(let v): try encoder.encode(v)
        case .absenceReported(let v): try encoder.encode(v)
        case .passwordSet(let v): try encoder.encode(v)
        case .recordSigned(let v): try encoder.encode(v)
        }
    }
}
