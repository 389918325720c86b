public import Foundation

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
    case machineSignalMappingDefined(MachineSignalMapping)
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
    case exceptionAssigned(ExceptionAssigned)
    case actionRecommended(ActionRecommended)
    case exceptionSnoozed(ExceptionSnoozed)
    case playbookDefined(Playbook)
    case approvalPolicyDefined(ApprovalPolicy)
    case operationDelayReported(OperationDelayReported)
    case overtimeScheduled(Overtime)
    case absenceReported(Absence)
    case passwordSet(PasswordSet)
    case recordSigned(ElectronicSignature)
    case agentActed(AgentAct)
    case webhookSubscriptionCreated(WebhookSubscription)
    case webhookSubscriptionUpdated(WebhookSubscription)
    case webhookSubscriptionDeleted(WebhookSubscriptionRef)
    case webhookDeadLettered(WebhookDeadLetter)
    case webhookDeadLetterReplayed(WebhookDeadLetterReplayed)
    case attachmentUploaded(Attachment)
    case engineeringChangeCreated(EngineeringChange)
    case engineeringChangeSubmitted(EngineeringChangeSubmitted)
    case engineeringChangeApproved(EngineeringChangeApproved)
    case engineeringChangeRejected(EngineeringChangeRejected)
    case engineeringChangeReleased(EngineeringChangeReleased)
    case documentReceived(IncomingDocument)
    case documentVerified(DocumentVerified)
    case documentRejected(DocumentRejected)
    case documentTemplateDefined(DocumentTemplate)
}

/// Events are stored as a type name beside a JSON payload (see ``init(type:payload:decoder:)`` and ``encodePayload(_:)``);
/// the type names the event's kind, whose declaration codes the payload.
extension Event {
    /// The name of every event type, in the registry's order.
    public static let typeNames: [String] = EventKind.allCases.map(\.rawValue)

    /// The name stored beside this event's payload (from ``EventKind``).
    public var typeName: String { kind.rawValue }

    /// Decodes the payload of an event whose type name is stored beside it.
    public init(type: String, payload: Data, decoder: JSONDecoder) throws {
        guard let kind = EventKind(rawValue: type) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "unknown event type '\(type)'"))
        }
        self = try kind.spec.decodePayload(payload, decoder)
    }

    /// Encodes only the payload (the type name is stored beside it).
    public func encodePayload(_ encoder: JSONEncoder) throws -> Data {
        try kind.spec.encodePayload(self, encoder)
    }
}
