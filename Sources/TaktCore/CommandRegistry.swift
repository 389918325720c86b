import Foundation

// MARK: - The registry of commands

/// Every kind of command the plant takes, named as on the wire: the `type` of `{"type": …, "data": …}`.
///
/// Each kind is declared once, in ``CommandKind/spec``: the payload it carries, the roles that may submit it and what it
/// does. The coding of ``Command``, ``Command/typeName``, ``Command/allowedRoles``, the roles the API's routes state and
/// the OpenAPI schemas are all read from there.
///
/// Adding a command: a case of ``Command``, a case here with its line in ``spec`` and in ``Command/kind``, then what
/// ``PlantState/decide(_:actor:now:)`` and ``PlantState/apply(_:)`` do with it. The compiler asks for each of them.
public enum CommandKind: String, StringChoice, CaseIterable, Codable, Sendable {
    case defineSite, defineSkill, defineWorkCenter, defineLocation, defineItem, defineBOM, defineRouting
    case defineCustomer, createSalesOrder, promiseSalesOrderLine, cancelSalesOrder, createProductionOrder
    case releaseProductionOrder, startProductionOrder, completeProductionOrder, cancelProductionOrder, createLot
    case moveLot, setLotStatus, createUser, updateUser, issueAPIToken, revokeAPIToken, publishSchedule
    case defineWorkInstruction, acknowledgeWorkInstruction, clockIn, clockOut, startOperation, pauseOperation
    case resumeOperation, reportQuantity, completeOperation, overrideInterlock, recordInspection, consumeLot
    case produceLot, setMachineState, recordMachineCount, defineMachineSignalMapping, receiveLot, expectReceipt, cancelExpectedReceipt
    case createHandlingUnit, moveHandlingUnit, splitHandlingUnit, addToHandlingUnit, removeFromHandlingUnit
    case reserveLot, unreserveLot, pickStagingTask, confirmStagingTask, reportStagingShort, reportMaterialMissing
    case checkMaterial, shipLots, defineInspectionPlan, recordInspectionResult, openNonconformance
    case dispositionNonconformance, approveDisposition, placeHold, releaseHold, raiseException, approveAction
    case rejectAction, recordActionExecution, verifyException, dismissException, definePlaybook, defineApprovalPolicy
    case reportOperationDelay, scheduleOvertime, reportAbsence, setPassword
    case createWebhookSubscription, updateWebhookSubscription, deleteWebhookSubscription, recordWebhookDeadLetter, replayWebhookDeadLetter
    case assignException, snoozeException, recommendAction
    case uploadAttachment, createEngineeringChange, submitEngineeringChange, approveEngineeringChange, rejectEngineeringChange
    case releaseEngineeringChange
    case receiveDocument, verifyDocument, rejectDocument, defineDocumentTemplate
}

/// The declaration of one kind of command.
public struct CommandSpec: Sendable {
    public let kind: CommandKind
    /// The Swift type of the command's `data`.
    public let payload: any (Codable & Sendable).Type
    /// The roles that may submit it (admins may submit every command).
    public let roles: Set<Role>
    /// What it does, in one line.
    public let summary: String
    let decodeData: @Sendable (KeyedDecodingContainer<Command.CodingKeys>) throws -> Command
    let encodeData: @Sendable (Command, inout KeyedEncodingContainer<Command.CodingKeys>) throws -> Void

    /// The wire name, e.g. `createLot`.
    public var name: String { kind.rawValue }
    /// The name of the payload's type, e.g. `NewLot`: the name of its schema in the API's document.
    public var payloadName: String { String(describing: payload) }

    init<Payload: Codable & Sendable>(
        _ kind: CommandKind,
        _ embed: @escaping @Sendable (Payload) -> Command,
        roles: Set<Role>,
        summary: String
    ) {
        self.kind = kind
        self.payload = Payload.self
        self.roles = roles
        self.summary = summary
        decodeData = { container in embed(try container.decode(Payload.self, forKey: .data)) }
        encodeData = { command, container in
            guard let payload = Mirror(reflecting: command).children.first?.value as? Payload else {
                throw EncodingError.invalidValue(command, .init(codingPath: [], debugDescription: "\(kind.rawValue) carries no \(Payload.self)"))
            }
            try container.encode(payload, forKey: .data)
        }
    }
}

extension CommandKind {
    /// The declaration of this kind of command.
    public var spec: CommandSpec { Self.specs[self] ?? declaration }
    /// The roles that may submit it (admins may submit every command).
    public var roles: Set<Role> { spec.roles }
    /// The roles that may submit it, in order, as the API lists them.
    public var sortedRoles: [Role] { roles.sorted() }

    private static let specs = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.declaration) })
    private static let everyone = Set(Role.allCases)

    private func declare<Payload: Codable & Sendable>(
        _ embed: @escaping @Sendable (Payload) -> Command,
        _ roles: Set<Role>,
        _ summary: String
    ) -> CommandSpec {
        CommandSpec(self, embed, roles: roles, summary: summary)
    }

    /// One line per command: its payload (the case of ``Command`` it builds), who may submit it, and what it does.
    private var declaration: CommandSpec {
        switch self {
        case .defineSite: declare(Command.defineSite, [.admin, .planner], "Define a site, or redefine it.")
        case .defineSkill: declare(Command.defineSkill, [.admin, .planner], "Define a skill people are certified for and operations require.")
        case .defineWorkCenter:
            declare(Command.defineWorkCenter, [.admin, .planner], "Define a work center: its shifts, capacity, downtime and setups.")
        case .defineLocation: declare(Command.defineLocation, [.admin, .planner, .warehouse], "Define a storage location.")
        case .defineItem: declare(Command.defineItem, [.admin, .planner], "Define an item: something bought, made or sold.")
        case .defineBOM: declare(Command.defineBOM, [.admin, .planner], "Define the bill of materials of a made item.")
        case .defineRouting: declare(Command.defineRouting, [.admin, .planner], "Define how an item is made: its operations and where they may run.")
        case .defineCustomer: declare(Command.defineCustomer, [.admin, .sales, .planner], "Define a customer.")
        case .createSalesOrder: declare(Command.createSalesOrder, [.admin, .sales, .planner], "Take a customer's order.")
        case .promiseSalesOrderLine:
            declare(Command.promiseSalesOrderLine, [.admin, .sales, .planner], "Promise a date for one line of a sales order.")
        case .cancelSalesOrder: declare(Command.cancelSalesOrder, [.admin, .sales, .planner], "Cancel a sales order.")
        case .createProductionOrder: declare(Command.createProductionOrder, [.admin, .planner], "Create a production order for an item.")
        case .releaseProductionOrder:
            declare(Command.releaseProductionOrder, [.admin, .planner, .supervisor], "Release a production order to the floor.")
        case .startProductionOrder: declare(Command.startProductionOrder, [.admin, .supervisor, .operator], "Start a released production order.")
        case .completeProductionOrder: declare(Command.completeProductionOrder, [.admin, .supervisor, .operator], "Complete a production order.")
        case .cancelProductionOrder: declare(Command.cancelProductionOrder, [.admin, .planner, .supervisor], "Cancel a production order.")
        case .createLot: declare(Command.createLot, [.admin, .warehouse, .supervisor], "Create a lot of an item at a location.")
        case .moveLot: declare(Command.moveLot, [.admin, .warehouse, .supervisor], "Move a lot to another location.")
        case .setLotStatus: declare(Command.setLotStatus, [.admin, .quality], "Set a lot's status (available, on hold, quarantine, scrapped).")
        case .createUser: declare(Command.createUser, [.admin], "Create a user.")
        case .updateUser: declare(Command.updateUser, [.admin], "Change a user's name, roles, certifications or whether they are active.")
        // Any user for themselves; the plant checks "themselves".
        case .issueAPIToken: declare(Command.issueAPIToken, Self.everyone, "Issue an API token to a user.")
        case .revokeAPIToken: declare(Command.revokeAPIToken, [.admin], "Revoke an API token.")
        case .publishSchedule: declare(Command.publishSchedule, [.admin, .planner], "Publish a schedule the floor works to.")
        case .defineWorkInstruction:
            declare(Command.defineWorkInstruction, [.admin, .planner, .quality], "Define a work instruction, or a new revision of it.")
        case .acknowledgeWorkInstruction:
            declare(Command.acknowledgeWorkInstruction, Self.everyone, "Acknowledge having read a work instruction's revision.")
        case .clockIn: declare(Command.clockIn, [.admin, .supervisor, .operator], "Clock an operator in at a work center.")
        case .clockOut: declare(Command.clockOut, [.admin, .supervisor, .operator], "Clock an operator out.")
        case .startOperation: declare(Command.startOperation, [.admin, .supervisor, .operator], "Start an operation of a production order.")
        case .pauseOperation: declare(Command.pauseOperation, [.admin, .supervisor, .operator], "Pause a running operation, with a reason.")
        case .resumeOperation: declare(Command.resumeOperation, [.admin, .supervisor, .operator], "Resume a paused operation.")
        case .reportQuantity:
            declare(Command.reportQuantity, [.admin, .supervisor, .operator], "Report good and scrapped quantity on a running operation.")
        case .completeOperation:
            declare(Command.completeOperation, [.admin, .supervisor, .operator], "Complete an operation, reporting its last quantities.")
        case .overrideInterlock:
            declare(Command.overrideInterlock, [.admin, .supervisor], "Override an interlock that stops an operation from starting, with a reason.")
        case .recordInspection:
            declare(Command.recordInspection, [.admin, .quality], "Record a first-article or in-process inspection of an operation.")
        case .consumeLot: declare(Command.consumeLot, [.admin, .supervisor, .operator], "Consume material from a lot into an operation.")
        case .produceLot: declare(Command.produceLot, [.admin, .supervisor, .operator], "Record a lot produced by an operation.")
        case .setMachineState:
            declare(Command.setMachineState, [.admin, .supervisor, .operator], "Set a work center's machine state (running, idle, down, …).")
        case .recordMachineCount:
            declare(Command.recordMachineCount, [.admin, .supervisor, .operator], "Record a machine's count of good (and scrapped) parts.")
        case .defineMachineSignalMapping:
            declare(
                Command.defineMachineSignalMapping,
                [.admin, .supervisor],
                "Define how machine signals (Sparkplug metrics, JSON topics) map to work centers' states, counts and rates."
            )
        case .receiveLot: declare(Command.receiveLot, [.admin, .warehouse, .supervisor], "Receive a lot from a supplier.")
        case .expectReceipt: declare(Command.expectReceipt, [.admin, .planner], "Announce a receipt expected from a supplier.")
        case .cancelExpectedReceipt: declare(Command.cancelExpectedReceipt, [.admin, .planner], "Cancel an expected receipt.")
        case .createHandlingUnit:
            declare(Command.createHandlingUnit, [.admin, .warehouse, .supervisor], "Create a handling unit (a pallet, a tote) at a location.")
        case .moveHandlingUnit:
            declare(Command.moveHandlingUnit, [.admin, .warehouse, .supervisor], "Move a handling unit, and the lots on it, to another location.")
        case .splitHandlingUnit:
            declare(Command.splitHandlingUnit, [.admin, .warehouse, .supervisor], "Split lots off a handling unit onto a new one.")
        case .addToHandlingUnit: declare(Command.addToHandlingUnit, [.admin, .warehouse, .supervisor], "Put lots on a handling unit.")
        case .removeFromHandlingUnit: declare(Command.removeFromHandlingUnit, [.admin, .warehouse, .supervisor], "Take lots off a handling unit.")
        case .reserveLot: declare(Command.reserveLot, [.admin, .planner], "Reserve a lot for a production order.")
        case .unreserveLot: declare(Command.unreserveLot, [.admin, .planner], "Release a reservation.")
        case .pickStagingTask: declare(Command.pickStagingTask, [.admin, .warehouse, .supervisor], "Pick the material of a staging task.")
        case .confirmStagingTask:
            declare(Command.confirmStagingTask, [.admin, .warehouse, .supervisor], "Confirm a staging task delivered at the line.")
        case .reportStagingShort:
            declare(Command.reportStagingShort, [.admin, .warehouse, .supervisor], "Report that less was found for a staging task than asked.")
        case .reportMaterialMissing:
            declare(Command.reportMaterialMissing, [.admin, .warehouse, .supervisor], "Report material missing at the line.")
        case .checkMaterial:
            declare(Command.checkMaterial, [.admin, .planner, .warehouse], "Check the material of production orders and record projected shortages.")
        case .shipLots: declare(Command.shipLots, [.admin, .warehouse], "Ship lots against a sales order line.")
        case .defineInspectionPlan:
            declare(Command.defineInspectionPlan, [.admin, .quality], "Define an inspection plan: the characteristics measured on an item.")
        case .recordInspectionResult:
            declare(Command.recordInspectionResult, [.admin, .quality, .supervisor, .operator], "Record the measurements of an inspection.")
        case .openNonconformance: declare(Command.openNonconformance, [.admin, .quality, .supervisor, .operator], "Open a nonconformance.")
        case .dispositionNonconformance:
            declare(
                Command.dispositionNonconformance,
                [.admin, .quality, .supervisor],
                "Decide what happens to nonconforming material (scrap, rework, use as is, …)."
            )
        case .approveDisposition: declare(Command.approveDisposition, [.admin, .quality], "Approve a disposition that needs a second person.")
        case .placeHold: declare(Command.placeHold, [.admin, .quality], "Place a quality hold on lots.")
        case .releaseHold: declare(Command.releaseHold, [.admin, .quality], "Release a quality hold.")
        // The orchestrator (system) writes these.
        case .raiseException: declare(Command.raiseException, [.admin], "Raise an exception in the inbox (written by the orchestrator).")
        // The plant checks the action's approval roles.
        case .approveAction: declare(Command.approveAction, Self.everyone, "Approve a proposed action of an exception.")
        // The plant checks the action's approval roles.
        case .rejectAction: declare(Command.rejectAction, Self.everyone, "Reject a proposed action of an exception.")
        case .recordActionExecution:
            // The orchestrator (system) writes these.
            declare(Command.recordActionExecution, [.admin], "Record that an approved action was carried out (written by the orchestrator).")
        case .verifyException:
            // The orchestrator (system) writes these.
            declare(Command.verifyException, [.admin], "Record whether an exception's action reached its target (written by the orchestrator).")
        case .dismissException:
            declare(Command.dismissException, [.admin, .planner, .supervisor, .quality, .warehouse, .sales], "Dismiss an exception, with a reason.")
        case .recommendAction:
            declare(
                Command.recommendAction,
                [.admin, .planner, .supervisor, .quality, .warehouse, .sales],
                "Recommend one of an exception's proposed actions to its approvers, with the reasons (a proposal, not a decision)."
            )
        case .assignException:
            declare(
                Command.assignException,
                [.admin, .planner, .supervisor, .quality, .warehouse, .sales],
                "Give an exception an owner (take it on, or hand it to someone), or take the owner away."
            )
        case .snoozeException:
            declare(
                Command.snoozeException,
                [.admin, .planner, .supervisor, .quality, .warehouse, .sales],
                "Hide an exception from the inbox until a time, or wake it now."
            )
        case .definePlaybook:
            declare(Command.definePlaybook, [.admin, .planner], "Define a playbook: what the orchestrator proposes for a kind of exception.")
        case .defineApprovalPolicy: declare(Command.defineApprovalPolicy, [.admin, .planner], "Define who must approve which actions.")
        case .reportOperationDelay:
            declare(
                Command.reportOperationDelay,
                [.admin, .supervisor, .operator, .planner],
                "Report that an operation will take longer than planned."
            )
        case .scheduleOvertime: declare(Command.scheduleOvertime, [.admin, .supervisor], "Schedule overtime at a work center.")
        case .reportAbsence: declare(Command.reportAbsence, [.admin, .supervisor], "Report a person absent until a given time.")
        // An admin for anyone; a user for themself with the old password.
        case .setPassword: declare(Command.setPassword, Self.everyone, "Set a user's password.")
        case .createWebhookSubscription:
            declare(Command.createWebhookSubscription, [.admin], "Subscribe a URL to events of given types (signed webhooks).")
        case .updateWebhookSubscription:
            declare(Command.updateWebhookSubscription, [.admin], "Change a webhook subscription: its URL, event types, conditions, or pause it.")
        case .deleteWebhookSubscription: declare(Command.deleteWebhookSubscription, [.admin], "Delete a webhook subscription.")
        // The deliverer (system) writes these.
        case .recordWebhookDeadLetter:
            declare(Command.recordWebhookDeadLetter, [.admin], "Record an event a webhook could not deliver (written by the deliverer).")
        case .replayWebhookDeadLetter: declare(Command.replayWebhookDeadLetter, [.admin], "Deliver a dead letter's event again.")
        // Engineering changes (EngineeringChange.swift); who approves is the approval policy's, checked by the plant.
        case .uploadAttachment:
            declare(Command.uploadAttachment, [.admin, .planner, .quality, .supervisor], "Upload an image or PDF for a work instruction revision.")
        case .createEngineeringChange:
            declare(
                Command.createEngineeringChange,
                [.admin, .planner, .quality, .supervisor],
                "Raise an engineering change: a new work instruction revision, routing changes, or both."
            )
        case .submitEngineeringChange:
            declare(Command.submitEngineeringChange, [.admin, .planner, .quality, .supervisor], "Submit a draft engineering change for approval.")
        case .approveEngineeringChange:
            declare(Command.approveEngineeringChange, Self.everyone, "Approve a submitted engineering change (by a role the approval policy names).")
        case .rejectEngineeringChange:
            declare(Command.rejectEngineeringChange, Self.everyone, "Reject a submitted engineering change, with a note.")
        case .releaseEngineeringChange:
            declare(
                Command.releaseEngineeringChange,
                [.admin, .planner, .quality],
                "Release an approved engineering change: its revision becomes current, its routing changes take effect."
            )
        case .receiveDocument:
            declare(
                Command.receiveDocument,
                [.admin, .quality, .warehouse, .supervisor, .sales, .planner],
                "Receive an incoming document (certificate of analysis, delivery note, customer order) and read it into a record to verify."
            )
        // The plant checks the document kind's roles: quality for certificates, warehouse for delivery notes, sales for orders.
        case .verifyDocument:
            declare(
                Command.verifyDocument,
                [.admin, .quality, .warehouse, .supervisor, .sales, .planner],
                "Verify an incoming document, with corrections: it is checked and takes effect (receipt, check, sales-order proposal)."
            )
        case .rejectDocument:
            declare(
                Command.rejectDocument,
                [.admin, .quality, .warehouse, .supervisor, .sales, .planner],
                "Reject an incoming document, with a reason."
            )
        case .defineDocumentTemplate:
            declare(
                Command.defineDocumentTemplate,
                [.admin, .planner, .quality, .warehouse, .sales],
                "Define how one supplier's or customer's documents are read: a pattern per field and the table's columns."
            )
        }
    }
}

extension Command {
    /// The kind of this command, which names its declaration in the registry.
    public var kind: CommandKind {
        switch self {
        case .defineSite: .defineSite
        case .defineSkill: .defineSkill
        case .defineWorkCenter: .defineWorkCenter
        case .defineLocation: .defineLocation
        case .defineItem: .defineItem
        case .defineBOM: .defineBOM
        case .defineRouting: .defineRouting
        case .defineCustomer: .defineCustomer
        case .createSalesOrder: .createSalesOrder
        case .promiseSalesOrderLine: .promiseSalesOrderLine
        case .cancelSalesOrder: .cancelSalesOrder
        case .createProductionOrder: .createProductionOrder
        case .releaseProductionOrder: .releaseProductionOrder
        case .startProductionOrder: .startProductionOrder
        case .completeProductionOrder: .completeProductionOrder
        case .cancelProductionOrder: .cancelProductionOrder
        case .createLot: .createLot
        case .moveLot: .moveLot
        case .setLotStatus: .setLotStatus
        case .createUser: .createUser
        case .updateUser: .updateUser
        case .issueAPIToken: .issueAPIToken
        case .revokeAPIToken: .revokeAPIToken
        case .publishSchedule: .publishSchedule
        case .defineWorkInstruction: .defineWorkInstruction
        case .acknowledgeWorkInstruction: .acknowledgeWorkInstruction
        case .clockIn: .clockIn
        case .clockOut: .clockOut
        case .startOperation: .startOperation
        case .pauseOperation: .pauseOperation
        case .resumeOperation: .resumeOperation
        case .reportQuantity: .reportQuantity
        case .completeOperation: .completeOperation
        case .overrideInterlock: .overrideInterlock
        case .recordInspection: .recordInspection
        case .consumeLot: .consumeLot
        case .produceLot: .produceLot
        case .setMachineState: .setMachineState
        case .recordMachineCount: .recordMachineCount
        case .defineMachineSignalMapping: .defineMachineSignalMapping
        case .receiveLot: .receiveLot
        case .expectReceipt: .expectReceipt
        case .cancelExpectedReceipt: .cancelExpectedReceipt
        case .createHandlingUnit: .createHandlingUnit
        case .moveHandlingUnit: .moveHandlingUnit
        case .splitHandlingUnit: .splitHandlingUnit
        case .addToHandlingUnit: .addToHandlingUnit
        case .removeFromHandlingUnit: .removeFromHandlingUnit
        case .reserveLot: .reserveLot
        case .unreserveLot: .unreserveLot
        case .pickStagingTask: .pickStagingTask
        case .confirmStagingTask: .confirmStagingTask
        case .reportStagingShort: .reportStagingShort
        case .reportMaterialMissing: .reportMaterialMissing
        case .checkMaterial: .checkMaterial
        case .shipLots: .shipLots
        case .defineInspectionPlan: .defineInspectionPlan
        case .recordInspectionResult: .recordInspectionResult
        case .openNonconformance: .openNonconformance
        case .dispositionNonconformance: .dispositionNonconformance
        case .approveDisposition: .approveDisposition
        case .placeHold: .placeHold
        case .releaseHold: .releaseHold
        case .raiseException: .raiseException
        case .approveAction: .approveAction
        case .rejectAction: .rejectAction
        case .recordActionExecution: .recordActionExecution
        case .verifyException: .verifyException
        case .dismissException: .dismissException
        case .assignException: .assignException
        case .recommendAction: .recommendAction
        case .snoozeException: .snoozeException
        case .definePlaybook: .definePlaybook
        case .defineApprovalPolicy: .defineApprovalPolicy
        case .reportOperationDelay: .reportOperationDelay
        case .scheduleOvertime: .scheduleOvertime
        case .reportAbsence: .reportAbsence
        case .setPassword: .setPassword
        case .createWebhookSubscription: .createWebhookSubscription
        case .updateWebhookSubscription: .updateWebhookSubscription
        case .deleteWebhookSubscription: .deleteWebhookSubscription
        case .recordWebhookDeadLetter: .recordWebhookDeadLetter
        case .replayWebhookDeadLetter: .replayWebhookDeadLetter
        case .uploadAttachment: .uploadAttachment
        case .createEngineeringChange: .createEngineeringChange
        case .submitEngineeringChange: .submitEngineeringChange
        case .approveEngineeringChange: .approveEngineeringChange
        case .rejectEngineeringChange: .rejectEngineeringChange
        case .releaseEngineeringChange: .releaseEngineeringChange
        case .receiveDocument: .receiveDocument
        case .verifyDocument: .verifyDocument
        case .rejectDocument: .rejectDocument
        case .defineDocumentTemplate: .defineDocumentTemplate
        }
    }
}
