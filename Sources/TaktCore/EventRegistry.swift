import Foundation

// MARK: - The registry of events

/// Every kind of event the log records, named as stored beside its payload.
///
/// Each kind is declared once, in ``EventKind/spec``: the payload it carries and what it means. The coding of ``Event``,
/// ``Event/typeName`` and the OpenAPI schemas are read from there.
///
/// Adding an event: a case of ``Event``, a case here with its line in ``spec`` and in ``Event/kind``, then what
/// ``PlantState/apply(_:)`` does with it. The compiler asks for each of them.
public enum EventKind: String, StringChoice, CaseIterable, Codable, Sendable {
    case siteDefined, skillDefined, workCenterDefined, locationDefined, itemDefined, bomDefined, routingDefined
    case customerDefined, salesOrderCreated, salesOrderLinePromised, salesOrderCancelled, productionOrderCreated
    case productionOrderReleased, productionOrderStarted, productionOrderCompleted, productionOrderCancelled
    case lotCreated, lotMoved, lotStatusChanged, userCreated, userUpdated, apiTokenIssued, apiTokenRevoked
    case schedulePublished, workInstructionDefined, workInstructionAcknowledged, operatorClockedIn, operatorClockedOut
    case operationStarted, operationPaused, operationResumed, quantityReported, operationCompleted
    case interlockOverridden, inspectionRecorded, lotConsumed, lotProduced, machineStateChanged, machineCounted
    case machineSignalMappingDefined
    case lotReceived, receiptExpected, expectedReceiptCancelled, handlingUnitCreated, handlingUnitMoved
    case handlingUnitSplit, lotsAddedToHandlingUnit, lotsRemovedFromHandlingUnit, lotReserved, reservationReleased
    case stagingTaskCreated, stagingTaskPicked, stagingTaskConfirmed, stagingShortReported, materialMissing
    case shortageProjected, shortageResolved, lotsShipped, salesOrderShipped, inspectionPlanDefined
    case inspectionResultRecorded, nonconformanceOpened, nonconformanceDispositioned, dispositionDecided
    case reworkOperationAdded, nonconformanceClosed, holdPlaced, holdReleased, exceptionRaised, exceptionUpdated
    case actionApproved, actionRejected, actionExecuted, exceptionVerified, exceptionDismissed, playbookDefined
    case approvalPolicyDefined, operationDelayReported, overtimeScheduled, absenceReported, passwordSet, recordSigned
    case webhookSubscriptionCreated, webhookSubscriptionUpdated, webhookSubscriptionDeleted, webhookDeadLettered, webhookDeadLetterReplayed
    case exceptionAssigned, exceptionSnoozed, agentActed, actionRecommended
    case attachmentUploaded, engineeringChangeCreated, engineeringChangeSubmitted, engineeringChangeApproved, engineeringChangeRejected
    case engineeringChangeReleased
    case documentReceived, documentVerified, documentRejected, documentTemplateDefined
}

/// The declaration of one kind of event.
public struct EventSpec: Sendable {
    public let kind: EventKind
    /// The Swift type of the event's payload.
    public let payload: any (Codable & Sendable).Type
    /// What happened, in one line.
    public let summary: String
    let decodePayload: @Sendable (Data, JSONDecoder) throws -> Event
    let encodePayload: @Sendable (Event, JSONEncoder) throws -> Data

    /// The name stored beside the payload, e.g. `lotCreated`.
    public var name: String { kind.rawValue }
    /// The name of the payload's type, e.g. `Lot`: the name of its schema in the API's document.
    public var payloadName: String { String(describing: payload) }

    init<Payload: Codable & Sendable>(_ kind: EventKind, _ embed: @escaping @Sendable (Payload) -> Event, summary: String) {
        self.kind = kind
        self.payload = Payload.self
        self.summary = summary
        decodePayload = { data, decoder in embed(try decoder.decode(Payload.self, from: data)) }
        encodePayload = { event, encoder in
            guard let payload = Mirror(reflecting: event).children.first?.value as? Payload else {
                throw EncodingError.invalidValue(event, .init(codingPath: [], debugDescription: "\(kind.rawValue) carries no \(Payload.self)"))
            }
            return try encoder.encode(payload)
        }
    }
}

extension EventKind {
    /// The declaration of this kind of event.
    public var spec: EventSpec { Self.specs[self] ?? declaration }

    private static let specs = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.declaration) })

    private func declare<Payload: Codable & Sendable>(_ embed: @escaping @Sendable (Payload) -> Event, _ summary: String) -> EventSpec {
        EventSpec(self, embed, summary: summary)
    }

    /// One line per event: its payload (the case of ``Event`` it builds) and what it means.
    private var declaration: EventSpec {
        switch self {
        case .siteDefined: declare(Event.siteDefined, "A site was defined.")
        case .skillDefined: declare(Event.skillDefined, "A skill was defined.")
        case .workCenterDefined: declare(Event.workCenterDefined, "A work center was defined.")
        case .locationDefined: declare(Event.locationDefined, "A location was defined.")
        case .itemDefined: declare(Event.itemDefined, "An item was defined.")
        case .bomDefined: declare(Event.bomDefined, "A bill of materials was defined.")
        case .routingDefined: declare(Event.routingDefined, "A routing was defined.")
        case .customerDefined: declare(Event.customerDefined, "A customer was defined.")
        case .salesOrderCreated: declare(Event.salesOrderCreated, "A sales order was taken.")
        case .salesOrderLinePromised: declare(Event.salesOrderLinePromised, "A date was promised for a sales order line.")
        case .salesOrderCancelled: declare(Event.salesOrderCancelled, "A sales order was cancelled.")
        case .productionOrderCreated: declare(Event.productionOrderCreated, "A production order was created.")
        case .productionOrderReleased: declare(Event.productionOrderReleased, "A production order was released, with its material check.")
        case .productionOrderStarted: declare(Event.productionOrderStarted, "A production order was started.")
        case .productionOrderCompleted: declare(Event.productionOrderCompleted, "A production order was completed.")
        case .productionOrderCancelled: declare(Event.productionOrderCancelled, "A production order was cancelled.")
        case .lotCreated: declare(Event.lotCreated, "A lot was created.")
        case .lotMoved: declare(Event.lotMoved, "A lot was moved.")
        case .lotStatusChanged: declare(Event.lotStatusChanged, "A lot's status changed.")
        case .userCreated: declare(Event.userCreated, "A user was created.")
        case .userUpdated: declare(Event.userUpdated, "A user was changed.")
        case .apiTokenIssued: declare(Event.apiTokenIssued, "An API token was issued.")
        case .apiTokenRevoked: declare(Event.apiTokenRevoked, "An API token was revoked.")
        case .schedulePublished: declare(Event.schedulePublished, "A schedule was published.")
        case .workInstructionDefined: declare(Event.workInstructionDefined, "A work instruction (revision) was defined.")
        case .workInstructionAcknowledged: declare(Event.workInstructionAcknowledged, "Someone acknowledged a work instruction.")
        case .operatorClockedIn: declare(Event.operatorClockedIn, "An operator clocked in.")
        case .operatorClockedOut: declare(Event.operatorClockedOut, "An operator clocked out; the labour session it closes.")
        case .operationStarted: declare(Event.operationStarted, "An operation started.")
        case .operationPaused: declare(Event.operationPaused, "An operation was paused.")
        case .operationResumed: declare(Event.operationResumed, "An operation was resumed.")
        case .quantityReported: declare(Event.quantityReported, "Good and scrapped quantity was reported.")
        case .operationCompleted: declare(Event.operationCompleted, "An operation was completed.")
        case .interlockOverridden: declare(Event.interlockOverridden, "An interlock was overridden.")
        case .inspectionRecorded: declare(Event.inspectionRecorded, "A first-article or in-process inspection was recorded.")
        case .lotConsumed: declare(Event.lotConsumed, "Material of a lot was consumed.")
        case .lotProduced: declare(Event.lotProduced, "An operation produced a lot.")
        case .machineStateChanged: declare(Event.machineStateChanged, "A machine's state changed.")
        case .machineCounted: declare(Event.machineCounted, "A machine's count was recorded.")
        case .machineSignalMappingDefined: declare(Event.machineSignalMappingDefined, "The mapping of machine signals to work centers was defined.")
        case .lotReceived: declare(Event.lotReceived, "A lot was received from a supplier.")
        case .receiptExpected: declare(Event.receiptExpected, "A receipt is expected.")
        case .expectedReceiptCancelled: declare(Event.expectedReceiptCancelled, "An expected receipt was cancelled.")
        case .handlingUnitCreated: declare(Event.handlingUnitCreated, "A handling unit was created.")
        case .handlingUnitMoved: declare(Event.handlingUnitMoved, "A handling unit was moved.")
        case .handlingUnitSplit: declare(Event.handlingUnitSplit, "Lots were split off a handling unit.")
        case .lotsAddedToHandlingUnit: declare(Event.lotsAddedToHandlingUnit, "Lots were put on a handling unit.")
        case .lotsRemovedFromHandlingUnit: declare(Event.lotsRemovedFromHandlingUnit, "Lots were taken off a handling unit.")
        case .lotReserved: declare(Event.lotReserved, "A lot was reserved for a production order.")
        case .reservationReleased: declare(Event.reservationReleased, "A reservation was released.")
        case .stagingTaskCreated: declare(Event.stagingTaskCreated, "Material is to be staged at the line.")
        case .stagingTaskPicked: declare(Event.stagingTaskPicked, "A staging task was picked.")
        case .stagingTaskConfirmed: declare(Event.stagingTaskConfirmed, "A staging task was delivered.")
        case .stagingShortReported: declare(Event.stagingShortReported, "Less was found for a staging task than asked.")
        case .materialMissing: declare(Event.materialMissing, "Material was reported missing at the line.")
        case .shortageProjected: declare(Event.shortageProjected, "A shortage of material is projected.")
        case .shortageResolved: declare(Event.shortageResolved, "A projected shortage was resolved.")
        case .lotsShipped: declare(Event.lotsShipped, "Lots were shipped.")
        case .salesOrderShipped: declare(Event.salesOrderShipped, "A sales order line was shipped in full.")
        case .inspectionPlanDefined: declare(Event.inspectionPlanDefined, "An inspection plan was defined.")
        case .inspectionResultRecorded: declare(Event.inspectionResultRecorded, "An inspection's measurements were recorded.")
        case .nonconformanceOpened: declare(Event.nonconformanceOpened, "A nonconformance was opened.")
        case .nonconformanceDispositioned: declare(Event.nonconformanceDispositioned, "A disposition was proposed or decided for a nonconformance.")
        case .dispositionDecided: declare(Event.dispositionDecided, "A disposition was approved.")
        case .reworkOperationAdded: declare(Event.reworkOperationAdded, "A rework operation was added to a production order.")
        case .nonconformanceClosed: declare(Event.nonconformanceClosed, "A nonconformance was closed.")
        case .holdPlaced: declare(Event.holdPlaced, "A quality hold was placed.")
        case .holdReleased: declare(Event.holdReleased, "A quality hold was released.")
        case .exceptionRaised: declare(Event.exceptionRaised, "An exception was raised.")
        case .exceptionUpdated: declare(Event.exceptionUpdated, "An open exception nobody has decided on yet was assessed again.")
        case .actionApproved: declare(Event.actionApproved, "A proposed action was approved.")
        case .actionRejected: declare(Event.actionRejected, "A proposed action was rejected.")
        case .actionExecuted: declare(Event.actionExecuted, "An approved action was carried out.")
        case .exceptionVerified: declare(Event.exceptionVerified, "An exception's action was checked against its target.")
        case .exceptionDismissed: declare(Event.exceptionDismissed, "An exception was dismissed.")
        case .actionRecommended: declare(Event.actionRecommended, "A proposed action of an exception was recommended to its approvers.")
        case .exceptionAssigned: declare(Event.exceptionAssigned, "An exception was given an owner, or its owner taken away.")
        case .exceptionSnoozed: declare(Event.exceptionSnoozed, "An exception was hidden from the inbox until a time, or woken.")
        case .playbookDefined: declare(Event.playbookDefined, "A playbook was defined.")
        case .approvalPolicyDefined: declare(Event.approvalPolicyDefined, "An approval policy was defined.")
        case .operationDelayReported: declare(Event.operationDelayReported, "An operation was reported delayed.")
        case .overtimeScheduled: declare(Event.overtimeScheduled, "Overtime was scheduled.")
        case .absenceReported: declare(Event.absenceReported, "A person was reported absent.")
        case .passwordSet: declare(Event.passwordSet, "A user's password was set.")
        case .recordSigned: declare(Event.recordSigned, "A record was signed electronically.")
        case .agentActed: declare(Event.agentActed, "An AI agent (MCP client or language model) caused the command of this commit, for a user.")
        case .webhookSubscriptionCreated: declare(Event.webhookSubscriptionCreated, "A webhook subscription was created (its secret redacted).")
        case .webhookSubscriptionUpdated: declare(Event.webhookSubscriptionUpdated, "A webhook subscription was changed (its secret redacted).")
        case .webhookSubscriptionDeleted: declare(Event.webhookSubscriptionDeleted, "A webhook subscription was deleted.")
        case .webhookDeadLettered: declare(Event.webhookDeadLettered, "A webhook gave up delivering an event after its retries.")
        case .webhookDeadLetterReplayed: declare(Event.webhookDeadLetterReplayed, "A webhook dead letter was replayed.")
        case .attachmentUploaded: declare(Event.attachmentUploaded, "An image or PDF was uploaded (its bytes, base64, in `content`).")
        case .engineeringChangeCreated: declare(Event.engineeringChangeCreated, "An engineering change was raised (a draft).")
        case .engineeringChangeSubmitted: declare(Event.engineeringChangeSubmitted, "An engineering change was submitted for approval.")
        case .engineeringChangeApproved: declare(Event.engineeringChangeApproved, "An approver approved an engineering change.")
        case .engineeringChangeRejected: declare(Event.engineeringChangeRejected, "An approver rejected an engineering change.")
        case .engineeringChangeReleased:
            declare(Event.engineeringChangeReleased, "An engineering change was released: its revision is current, its routing changes apply.")
        case .documentReceived:
            declare(Event.documentReceived, "An incoming document was received and read into a record that waits for verification.")
        case .documentVerified:
            declare(Event.documentVerified, "An incoming document was verified (with any corrections) and checked against the plant.")
        case .documentRejected: declare(Event.documentRejected, "An incoming document was rejected, with a reason.")
        case .documentTemplateDefined: declare(Event.documentTemplateDefined, "A template for reading incoming documents was defined.")
        }
    }
}

extension Event {
    /// The kind of this event, which names its declaration in the registry.
    public var kind: EventKind {
        switch self {
        case .siteDefined: .siteDefined
        case .skillDefined: .skillDefined
        case .workCenterDefined: .workCenterDefined
        case .locationDefined: .locationDefined
        case .itemDefined: .itemDefined
        case .bomDefined: .bomDefined
        case .routingDefined: .routingDefined
        case .customerDefined: .customerDefined
        case .salesOrderCreated: .salesOrderCreated
        case .salesOrderLinePromised: .salesOrderLinePromised
        case .salesOrderCancelled: .salesOrderCancelled
        case .productionOrderCreated: .productionOrderCreated
        case .productionOrderReleased: .productionOrderReleased
        case .productionOrderStarted: .productionOrderStarted
        case .productionOrderCompleted: .productionOrderCompleted
        case .productionOrderCancelled: .productionOrderCancelled
        case .lotCreated: .lotCreated
        case .lotMoved: .lotMoved
        case .lotStatusChanged: .lotStatusChanged
        case .userCreated: .userCreated
        case .userUpdated: .userUpdated
        case .apiTokenIssued: .apiTokenIssued
        case .apiTokenRevoked: .apiTokenRevoked
        case .schedulePublished: .schedulePublished
        case .workInstructionDefined: .workInstructionDefined
        case .workInstructionAcknowledged: .workInstructionAcknowledged
        case .operatorClockedIn: .operatorClockedIn
        case .operatorClockedOut: .operatorClockedOut
        case .operationStarted: .operationStarted
        case .operationPaused: .operationPaused
        case .operationResumed: .operationResumed
        case .quantityReported: .quantityReported
        case .operationCompleted: .operationCompleted
        case .interlockOverridden: .interlockOverridden
        case .inspectionRecorded: .inspectionRecorded
        case .lotConsumed: .lotConsumed
        case .lotProduced: .lotProduced
        case .machineStateChanged: .machineStateChanged
        case .machineCounted: .machineCounted
        case .machineSignalMappingDefined: .machineSignalMappingDefined
        case .lotReceived: .lotReceived
        case .receiptExpected: .receiptExpected
        case .expectedReceiptCancelled: .expectedReceiptCancelled
        case .handlingUnitCreated: .handlingUnitCreated
        case .handlingUnitMoved: .handlingUnitMoved
        case .handlingUnitSplit: .handlingUnitSplit
        case .lotsAddedToHandlingUnit: .lotsAddedToHandlingUnit
        case .lotsRemovedFromHandlingUnit: .lotsRemovedFromHandlingUnit
        case .lotReserved: .lotReserved
        case .reservationReleased: .reservationReleased
        case .stagingTaskCreated: .stagingTaskCreated
        case .stagingTaskPicked: .stagingTaskPicked
        case .stagingTaskConfirmed: .stagingTaskConfirmed
        case .stagingShortReported: .stagingShortReported
        case .materialMissing: .materialMissing
        case .shortageProjected: .shortageProjected
        case .shortageResolved: .shortageResolved
        case .lotsShipped: .lotsShipped
        case .salesOrderShipped: .salesOrderShipped
        case .inspectionPlanDefined: .inspectionPlanDefined
        case .inspectionResultRecorded: .inspectionResultRecorded
        case .nonconformanceOpened: .nonconformanceOpened
        case .nonconformanceDispositioned: .nonconformanceDispositioned
        case .dispositionDecided: .dispositionDecided
        case .reworkOperationAdded: .reworkOperationAdded
        case .nonconformanceClosed: .nonconformanceClosed
        case .holdPlaced: .holdPlaced
        case .holdReleased: .holdReleased
        case .exceptionRaised: .exceptionRaised
        case .exceptionUpdated: .exceptionUpdated
        case .actionApproved: .actionApproved
        case .actionRejected: .actionRejected
        case .actionExecuted: .actionExecuted
        case .exceptionVerified: .exceptionVerified
        case .exceptionDismissed: .exceptionDismissed
        case .exceptionAssigned: .exceptionAssigned
        case .actionRecommended: .actionRecommended
        case .exceptionSnoozed: .exceptionSnoozed
        case .playbookDefined: .playbookDefined
        case .approvalPolicyDefined: .approvalPolicyDefined
        case .operationDelayReported: .operationDelayReported
        case .overtimeScheduled: .overtimeScheduled
        case .absenceReported: .absenceReported
        case .passwordSet: .passwordSet
        case .recordSigned: .recordSigned
        case .agentActed: .agentActed
        case .webhookSubscriptionCreated: .webhookSubscriptionCreated
        case .webhookSubscriptionUpdated: .webhookSubscriptionUpdated
        case .webhookSubscriptionDeleted: .webhookSubscriptionDeleted
        case .webhookDeadLettered: .webhookDeadLettered
        case .webhookDeadLetterReplayed: .webhookDeadLetterReplayed
        case .attachmentUploaded: .attachmentUploaded
        case .engineeringChangeCreated: .engineeringChangeCreated
        case .engineeringChangeSubmitted: .engineeringChangeSubmitted
        case .engineeringChangeApproved: .engineeringChangeApproved
        case .engineeringChangeRejected: .engineeringChangeRejected
        case .engineeringChangeReleased: .engineeringChangeReleased
        case .documentReceived: .documentReceived
        case .documentVerified: .documentVerified
        case .documentRejected: .documentRejected
        case .documentTemplateDefined: .documentTemplateDefined
        }
    }
}
