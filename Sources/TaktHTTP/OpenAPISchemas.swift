import Foundation
import TaktCore

/// JSON Schemas of every body the API reads or writes (OpenAPI 3.1 components, i.e. JSON Schema 2020-12).
///
/// Almost every schema is derived from its Swift type (``DerivedSchemas``, by ``SchemaRecorder``): the fields, which
/// are required (`decode`) and which may be left out (`decodeIfPresent`), their JSON types, lists, references and the
/// cases of enumerations. Objects are closed (`additionalProperties: false`). What a type cannot say — the words of
/// each field and the rules the plant checks — is in ``annotations``, written in the small DSL at the bottom of this
/// file. Only the envelopes built from the registries are written whole, in ``handWritten``.
enum OpenAPISchemas {
    /// The bodies routes name as their `requestSchema` or `responseSchema`.
    static let names = [
        "Health", "User", "Site", "Skill", "WorkCenter", "Location", "Item", "BOM", "Routing", "Customer", "SalesOrder",
        "NewSalesOrder", "ProductionOrder", "NewProductionOrder", "Lot", "NewLot", "PromiseRequest", "ReasonRequest", "OwnerRequest", "SnoozeRequest",
        "MoveRequest", "LotStatusRequest", "TokenRequest", "TokenList", "IssuedToken", "Command", "CommandBatch",
        "BatchResult", "EventList", "EventPage", "Problem", "ScheduleRunRequest", "PublishedSchedule", "DispatchList",
        "PromiseQuery", "PromiseAnswer",
        // Execution
        "WorkInstruction", "AcknowledgeRequest", "OperationList", "StartRequest", "ResumeRequest", "QuantityRequest",
        "OverrideRequest", "InspectionRequest", "ConsumeRequest", "ProduceRequest", "UserRequest", "ClockedInList",
        "MachineStateRequest", "MachineStateHistory", "CountRequest", "LabourReport",
        "ConsumptionProposal", "ReasonCodeLists",
        // Machine data
        "MachineSignalMapping", "MachineDataStatus", "MachineDataView",
        // Execution: genealogy and OEE; the plant's headline figures
        "LotTrace", "WorkCenterOEE", "PlantOEE", "PlantKPIs",
        // Warehouse
        "ReceiveLot", "LotReceived", "ExpectedReceipt", "ExpectReceipt", "StockList", "HandlingUnit", "HandlingUnitRequest",
        "SplitRequest", "LotsRequest", "ReservationList", "Reservation", "ReserveLot", "StagingTaskList", "ConfirmRequest",
        "ShortRequest", "ReportMaterialMissing", "ProjectedAvailability", "CheckMaterial", "ShortageList", "ShipRequest", "Shipment",
        // Quality
        "InspectionPlan", "RecordInspectionResult", "InspectionResult", "InspectionStatus", "Nonconformance", "OpenNonconformance",
        "DispositionRequest", "ApprovalRequest", "Hold", "PlaceHold",
        // Orchestration
        "ExceptionInbox", "PlantException", "DecisionRequest", "OutcomeRequestBody", "AskRequest", "FrontDoorAnswer", "Playbook", "ApprovalPolicy",
        "DelayRequest",
        "OvertimeRequest", "AbsenceRequest", "Absence", "AbsenceList",
        // Passwords and signatures
        "PasswordRequest", "PasswordChanged",
        // Webhooks
        "WebhookRequest", "WebhookUpdateRequest", "CreatedWebhook", "WebhookList", "WebhookSubscription", "WebhookDeadLetterList",
        // Engineering changes
        "WorkInstructionHistory", "TextDiff", "AttachmentInfo", "UploadAttachment", "EngineeringChange", "CreateEngineeringChange",
        // Incoming documents
        "IncomingDocument", "DocumentTemplate", "VerifyDocumentRequest", "RejectDocumentRequest",
    ]

    /// Parts of those bodies, referenced from them with `$ref`.
    static let subSchemaNames = [
        "Certification", "APIToken", "Shift", "Downtime", "SetupTransition", "BOMComponent", "EligibleWorkCenter",
        "RoutingOperation", "SalesOrderLine", "Pegging", "Violation", "Event",
        // Command and event payloads that are not plant entities.
        "PromiseSalesOrderLine", "CancelSalesOrder", "ProductionOrderRef", "CancelProductionOrder", "MoveLot", "SetLotStatus",
        "IssueAPIToken", "APITokenRef", "ProductionOrderTransition", "ProductionOrderCancelled", "LotMoved", "LotStatusChanged",
        "ScheduledStep", "DispatchEntry", "ReasonCode", "MaterialCheck", "AskToolCall",
        // Execution: command and event payloads, and the parts of answers.
        "AcknowledgeWorkInstruction", "ClockInCommand", "ClockOutCommand", "StartOperation", "PauseOperation", "ResumeOperation",
        "ReportQuantity", "OverrideInterlock", "RecordInspection", "ConsumeLot", "ProduceLot", "SetMachineState", "RecordMachineCount",
        "WorkInstructionAcknowledged", "ClockIn", "LabourSession", "OperationStarted", "OperationPaused", "OperationResumed",
        "ProductionReport", "OperationCompleted", "InterlockOverride", "InspectionRecorded", "Consumption", "LotProduced",
        "MachineStateChange", "MachineCount", "OperationProgress", "WorkSegment", "LabourReportSession", "OperationLabour",
        // Machine data: the mapping's parts and the bridge's status's.
        "MachineSignalRule", "MachineSignalSource", "MachineDataConnection", "MachineDataProblem", "UnmappedSignal", "EdgeNodeStatus",
        "MachineSignalStatus", "MachineDataReading",
        // Execution: the parts of a lot trace and of an OEE report.
        "TracedLot", "TraceLink", "TracedOrder", "TracedOperation", "SupplierLot", "ShippedLot", "OEEReport", "OEELosses",
        "DownLoss", "ScrapLoss", "OEEDataIssue", "DisplacedReservation", "DeliveryForecast", "DeliveryForecastEntry",
        // Warehouse: command and event payloads, and the parts of answers.
        "CancelExpectedReceipt", "CreateHandlingUnit", "MoveHandlingUnit", "SplitHandlingUnit", "HandlingUnitLots", "UnreserveLot",
        "StagingTaskRef", "ConfirmStagingTask", "ReportStagingShort", "ShipLots", "ExpectedReceiptCancelled", "HandlingUnitMoved",
        "HandlingUnitSplit", "ReservationReleased", "StagingTask", "StagingTaskPicked", "StagingTaskConfirmed", "StagingShortReported",
        "MaterialMissing", "AffectedOperation", "ShortageProjected", "ShortageResolved", "ProjectedShortage", "SalesOrderShipped",
        "ShipmentLot", "StockLine", "StagingTaskView", "ProjectionEntry",
        // Quality: command and event payloads, and the parts of answers.
        "Characteristic", "Measurement", "MeasuredValue", "Disposition", "DispositionNonconformance", "ApproveDisposition",
        "NonconformanceDispositioned", "DispositionDecided", "ReworkOperationAdded", "NonconformanceClosed", "HeldLot", "ShippedLotNotice",
        "ReleaseHold", "HoldReleased",
        // Orchestration: command and event payloads, and the parts of exceptions.
        "ExceptionSummary", "Disruption", "CauseLink", "PlanKPIs", "OperationMove", "OrderLateness", "StagingMove", "LabourShortfall",
        "CheckDue", "AffectedRefs", "Impact", "CostTerm", "ActionStep", "ApprovalRecord", "ProposedAction", "ExceptionTask", "Verification",
        "OperationRef", "TargetCheck", "ActionScope", "TopAction",
        "OutcomeRequest", "PlaybookCondition", "ApprovalRule", "DecideAction", "ActionDecided", "ActionExecuted", "ExceptionVerified",
        "DismissException", "ExceptionDismissed", "AssignException", "ExceptionAssigned", "SnoozeException", "ExceptionSnoozed",
        "RecommendAction", "ActionRecommended", "ActionRecommendation", "AgentAct",
        "ReportOperationDelay", "OperationDelayReported", "Overtime", "ReportAbsence",
        // Passwords and electronic signatures
        "SignatureInput", "ElectronicSignature", "SignedRecord", "PasswordHash", "SetPassword", "PasswordSet",
        // Webhooks: command and event payloads
        "WebhookCondition", "NewWebhookSubscription", "UpdateWebhookSubscription", "WebhookSubscriptionRef", "WebhookDeadLetter",
        "RecordWebhookDeadLetter", "WebhookDeadLetterRef", "WebhookDeadLetterReplayed",
        // Engineering changes: command and event payloads, and the parts of answers.
        "WorkInstructionRevision", "TextDiffLine", "Attachment", "ProposedRevision", "RoutingChange", "EngineeringChangeRef",
        "DecideEngineeringChange", "EngineeringChangeApproval", "EngineeringChangeSubmitted", "EngineeringChangeApproved",
        "EngineeringChangeRejected", "EngineeringChangeReleased", "EngineeringChangeApprovalRule",
        // Incoming documents: command and event payloads, and the parts of a record
        "DocumentField", "FieldSource", "DocumentRow", "DocumentCheck", "CertificateResult", "TemplateField", "TemplateTable",
        "ReceiveDocument", "DocumentCorrection", "VerifyDocument", "RejectDocument", "DocumentVerified", "DocumentRejected",
    ]

    /// Every component: the schemas derived from the payload types (``DerivedSchemas``), with the words and rules of
    /// their entries here, and the entries here that are not derived, as written.
    static var components: [String: JSONValue] {
        let table = Dictionary(uniqueKeysWithValues: schemas.map { ($0.name, $0.schema.json) })
        return table.merging(DerivedSchemas.components(annotations: table)) { _, derived in derived }
    }

    /// The schema of each command type's `data`, in the registry's order: the name of its payload type.
    static var commandData: [(type: String, schema: String)] {
        CommandKind.allCases.map { ($0.rawValue, $0.spec.payloadName) }
    }

    /// The schema of each event type's `data`, in the registry's order: the name of its payload type.
    static var eventData: [(type: String, schema: String)] {
        EventKind.allCases.map { ($0.rawValue, $0.spec.payloadName) }
    }

    // MARK: - The schemas

    /// Every entry of both tables, by name.
    static var schemas: [(name: String, schema: JSONSchema)] { annotations + handWritten }

    /// The words and rules of the schemas derived from the Swift types (``DerivedSchemas``): the command and event
    /// payloads, the route bodies, and every type inside them. Only the words (`description`) and the rules the plant
    /// checks (patterns, lengths, ranges, formats, constants, enumerations of words, the keys of a dictionary) are read
    /// from here; the structure — fields, required or not, types, lists, references, enumerations of a Swift enum's
    /// cases — is recorded from the types, so no entry here says which fields are optional. `SchemaRecorderTests`
    /// fails when a recorded field has no words here, or when a field here does not exist in the type.
    static let annotations: [(name: String, schema: JSONSchema)] = [
        // Identity
        (
            "User",
            obj(
                "A person or integration that acts in the plant; every event records its actor.",
                [
                    "id": code("user ID, e.g. `jdoe`"),
                    "name": words("display name"),
                    "roles": arr(enumOf(Role.allCases.map(\.rawValue), "a role"), "what the user may do; admin may do everything", minItems: 1),
                    "certifications": arr(ref("Certification"), "skills the user is certified for; none when left out"),
                    "active": bool("inactive users cannot sign in or be assigned work; true when left out"),
                ]
            )
        ),
        (
            "Certification",
            obj(
                "A user's certification for a skill.",
                [
                    "skill": code("skill ID"),
                    "validUntil": date("expiry; none means it does not expire"),
                ]
            )
        ),
        (
            "APIToken",
            obj(
                "An API token of a user. Only the SHA-256 hash of its secret is stored.",
                [
                    "id": code("token ID"),
                    "user": code("the user it signs in as"),
                    "secretHash": redacted("the secret's hash never leaves the server: always \"[redacted]\""),
                    "label": words("what the token is for, e.g. `line 3 terminal`"),
                    "issuedAt": date("when it was issued"),
                    "revoked": bool("a revoked token no longer signs in"),
                    "readOnly": bool("a read-only token may only read: GET in the API, the read tools over MCP"),
                ]
            )
        ),
        (
            "IssueAPIToken",
            obj(
                "Issue an API token (command data).",
                [
                    "id": code("token ID; numbered by the plant when left out"),
                    "user": code("the user it signs in as"),
                    "secretHash": schema(
                        ["type": .string("string"), "pattern": .string("^[0-9a-f]{64}$")],
                        "lowercase hex SHA-256 of the secret; the secret itself never enters the log, the hash never leaves it"
                    ),
                    "label": words("what the token is for"),
                    "readOnly": bool("true: the token may only read; default false"),
                ]
            )
        ),
        (
            "APITokenRef",
            obj(
                "Names an API token.",
                [
                    "token": code("token ID")
                ]
            )
        ),

        // Plant structure
        (
            "Site",
            obj(
                "A plant or factory site.",
                [
                    "id": code("site ID, e.g. `PLANT-1`"),
                    "name": words("the site's name"),
                    "timeZone": str("IANA time zone, e.g. `Europe/Berlin`; shifts are in this zone; UTC when left out"),
                ]
            )
        ),
        (
            "Skill",
            obj(
                "A skill an operation may require of the person running it.",
                [
                    "id": code("skill ID, e.g. `WELD-TIG`"),
                    "name": words("the skill's name"),
                    "active": bool("a deactivated skill may not be newly required by a routing operation; true when left out"),
                ]
            )
        ),
        (
            "WorkCenter",
            obj(
                "A machine, line or station: where operations run.",
                [
                    "id": code("work center ID, e.g. `WC-LATHE-1`"),
                    "name": words("the work center's name"),
                    "site": code("the site it stands in"),
                    "kind": enumOf(WorkCenterKind.allCases.map(\.rawValue), "what kind of work it does"),
                    "capacity": int("operations it can run at the same time; 1 when left out", 1...1000),
                    "shifts": arr(ref("Shift"), "when it works, in the site's time zone; none when left out"),
                    "plannedDowntime": arr(ref("Downtime"), "planned interruptions: maintenance, holidays"),
                    "setupFamilies": arr(str("a setup family, e.g. `small-housing`"), "setup families it runs", unique: true),
                    "defaultChangeoverMinutes": num(
                        "changeover minutes between two different families, unless a transition says otherwise; 0 when left out",
                        min: 0
                    ),
                    "setupTransitions": arr(ref("SetupTransition"), "changeover times between particular families"),
                    "active": bool(
                        "a deactivated work center may not be newly named by a routing and is not scheduled while an operation has an "
                            + "active alternative; true when left out"
                    ),
                ]
            )
        ),
        (
            "Shift",
            obj(
                "A recurring working window in the site's local time; `end` before `start` runs past midnight.",
                [
                    "name": words("the shift's name, e.g. `early`"),
                    "days": arr(
                        enumOf(Weekday.allCases.map(\.rawValue), "ISO weekday: 1 = Monday … 7 = Sunday"),
                        "the weekdays it runs",
                        minItems: 1
                    ),
                    "start": clock("local start time, `HH:mm`"),
                    "end": clock("local end time, `HH:mm`"),
                ]
            )
        ),
        (
            "Downtime",
            obj(
                "A planned interruption of a work center.",
                [
                    "start": date("when it begins"),
                    "end": date("when it ends; after start"),
                    "reason": words("why, e.g. `annual maintenance`"),
                ]
            )
        ),
        (
            "SetupTransition",
            obj(
                "The changeover time of a work center from one setup family to another.",
                [
                    "from": str("the family it changes over from"),
                    "to": str("the family it changes over to"),
                    "minutes": num("changeover minutes", min: 0),
                ]
            )
        ),
        (
            "Location",
            obj(
                "A place where material is kept: a store, a receiving dock, beside a work center.",
                [
                    "id": code("location ID, e.g. `STORE-A`"),
                    "name": words("the location's name"),
                    "site": code("the site it belongs to"),
                    "kind": enumOf(LocationKind.allCases.map(\.rawValue), "what the location is for"),
                    "workCenter": code("for line-side locations (required there): the work center it feeds"),
                    "stagingLeadMinutes": num(
                        "for line-side locations: how many minutes before an operation starts its material must be "
                            + "staged here; 0 when left out",
                        min: 0
                    ),
                    "active": bool("nothing may be received, created or moved into a deactivated location; true when left out"),
                ]
            )
        ),

        // Products
        (
            "Item",
            obj(
                "A material or product: purchased, made in between, or sold.",
                [
                    "id": code("item ID (part number), e.g. `PUMP-100`"),
                    "name": words("the item's name"),
                    "kind": enumOf(ItemKind.allCases.map(\.rawValue), "purchased, made as a part (semi-finished), or sold (finished)"),
                    "unit": enumOf(UnitOfMeasure.allCases.map(\.rawValue), "unit of measure of its quantities; `ea` when left out"),
                    "active": bool(
                        "a deactivated item cannot be put on a new production or sales order, nor newly added to a bill of materials; "
                            + "true when left out"
                    ),
                ]
            )
        ),
        (
            "BOM",
            obj(
                "A single-level bill of materials: what one unit of an item is made from.",
                [
                    "id": code("BOM ID"),
                    "item": code("the item it makes"),
                    "components": arr(ref("BOMComponent"), "the component lines", minItems: 1),
                    "active": bool("while deactivated, no new production order is taken for its item; true when left out"),
                ]
            )
        ),
        (
            "BOMComponent",
            obj(
                "One component line of a bill of materials.",
                [
                    "item": code("the component item"),
                    "quantity": num("how much one parent unit needs", above: 0),
                    "substitutes": arr(code("an item ID"), "approved alternative materials that may be consumed instead"),
                    "operation": int("the routing operation (sequence number) that consumes it; the first operation when left out", 1...),
                ]
            )
        ),
        (
            "Routing",
            obj(
                "How an item is made: its operations, in order.",
                [
                    "id": code("routing ID"),
                    "item": code("the item it makes"),
                    "operations": arr(ref("RoutingOperation"), "the operations, by increasing sequence", minItems: 1),
                    "active": bool("a deactivated routing is not chosen for, and cannot be named by, a new production order; true when left out"),
                ]
            )
        ),
        (
            "RoutingOperation",
            obj(
                "One step of a routing.",
                [
                    "sequence": int("position in the routing, e.g. 10, 20, 30; unique and increasing", 1...),
                    "name": words("the operation's name, e.g. `turn housing`"),
                    "workCenters": arr(
                        ref("EligibleWorkCenter"),
                        "where it may run: the first is preferred, the others are alternatives",
                        minItems: 1
                    ),
                    "requiredSkill": code("skill the operator must be certified for"),
                    "workInstruction": str("reference to the work instruction document"),
                    "setupFamily": str("setup family, for changeover times"),
                    "transferBatch": num("the next operation may start once this many units are done here", above: 0),
                    "inspectionRequired": bool(
                        "the next operation and the order's completion wait for a passed inspection of this one; false when left out"
                    ),
                ]
            )
        ),
        (
            "EligibleWorkCenter",
            obj(
                "A work center that may run an operation, with its times there.",
                [
                    "workCenter": code("work center ID"),
                    "setupMinutes": num("setup minutes per order", min: 0),
                    "runMinutesPerUnit": num("run minutes per unit", min: 0),
                ]
            )
        ),

        // Customers and orders
        (
            "Customer",
            obj(
                "A customer.",
                [
                    "id": code("customer ID"),
                    "name": words("the customer's name"),
                    "priority": int("1 (most important) to 5; 3 when left out", 1...5),
                    "active": bool("a deactivated customer takes no new sales order; true when left out"),
                ]
            )
        ),
        (
            "SalesOrder",
            obj(
                "A customer order.",
                [
                    "id": code("sales order ID"),
                    "customer": code("customer ID"),
                    "priority": int("1 (most urgent) to 5", 1...5),
                    "lines": arr(ref("SalesOrderLine"), "what is ordered, line by line", minItems: 1),
                    "status": enumOf(SalesOrderStatus.allCases.map(\.rawValue), "where the order stands"),
                ]
            )
        ),
        (
            "NewSalesOrder",
            obj(
                "Enter a customer order.",
                [
                    "id": code("sales order ID"),
                    "customer": code("customer ID"),
                    "priority": int("1 (most urgent) to 5; the customer's priority when left out", 1...5),
                    "lines": arr(ref("SalesOrderLine"), "what is ordered, line by line", minItems: 1),
                ]
            )
        ),
        (
            "SalesOrderLine",
            obj(
                "One line of a customer order.",
                [
                    "line": int("line number, unique in the order", 1...),
                    "item": code("the item ordered"),
                    "quantity": num("how much, in the item's unit", above: 0),
                    "requestedDate": date("when the customer wants it"),
                    "promisedDate": date("when the plant promised it"),
                ]
            )
        ),
        (
            "PromiseSalesOrderLine",
            obj(
                "Promise a delivery date for a sales order line.",
                [
                    "salesOrder": code("sales order ID"),
                    "line": int("line number", 1...),
                    "promisedDate": date("the promised delivery date"),
                ]
            )
        ),
        (
            "CancelSalesOrder",
            obj(
                "Cancel a customer order.",
                [
                    "salesOrder": code("sales order ID"),
                    "reason": words("why"),
                ]
            )
        ),
        (
            "ProductionOrder",
            obj(
                "An order to make a quantity of an item by a due date.",
                [
                    "id": code("production order ID, e.g. `PO-000042`"),
                    "item": code("the item made"),
                    "quantity": num("how much, in the item's unit", above: 0),
                    "routing": code("the routing followed"),
                    "dueDate": date("when it must be done"),
                    "priority": int("1 (most urgent) to 5", 1...5),
                    "status": enumOf(ProductionOrderStatus.allCases.map(\.rawValue), "where the order stands"),
                    "pegging": ref("Pegging", "the customer demand it serves"),
                    "createdAt": date("when it was created"),
                    "releasedAt": date("when it was released to the shop floor"),
                    "completedAt": date("when it was completed"),
                    "cancelReason": str("why it was cancelled"),
                ]
            )
        ),
        (
            "NewProductionOrder",
            obj(
                "Create a planned production order.",
                [
                    "id": code("production order ID; numbered by the plant (`PO-000001`, …) when left out"),
                    "item": code("the item to make"),
                    "quantity": num("how much, in the item's unit", above: 0),
                    "routing": code("the routing to follow; may be left out when the item has exactly one"),
                    "dueDate": date("when it must be done"),
                    "priority": int("1 (most urgent) to 5; 3 when left out", 1...5),
                    "pegging": ref("Pegging", "the customer demand it serves"),
                ]
            )
        ),
        (
            "Pegging",
            obj(
                "The sales order line a production order serves.",
                [
                    "salesOrder": code("sales order ID"),
                    "line": int("line number", 1...),
                ]
            )
        ),
        (
            "ProductionOrderRef",
            obj(
                "Names a production order.",
                [
                    "productionOrder": code("production order ID")
                ]
            )
        ),
        (
            "CancelProductionOrder",
            obj(
                "Cancel a production order.",
                [
                    "productionOrder": code("production order ID"),
                    "reason": words("why"),
                ]
            )
        ),
        (
            "ProductionOrderTransition",
            obj(
                "A production order changed status.",
                [
                    "productionOrder": code("production order ID"),
                    "at": date("when"),
                    "material": arr(
                        ref("MaterialCheck"),
                        "on release: the material the order needs against what is available (reported, not enforced)"
                    ),
                ]
            )
        ),
        (
            "MaterialCheck",
            obj(
                "One bill-of-materials component of an order: what it needs against what is available in stock.",
                [
                    "item": code("the component item"),
                    "required": num("how much the order needs", min: 0),
                    "available": num("how much is available in stock, substitutes included", min: 0),
                    "shortBy": num("how much is missing; always written by the server, ignored when read", min: 0),
                ]
            )
        ),
        (
            "ProductionOrderCancelled",
            obj(
                "A production order was cancelled.",
                [
                    "productionOrder": code("production order ID"),
                    "reason": words("why"),
                    "at": date("when"),
                ]
            )
        ),

        // Material
        (
            "Lot",
            obj(
                "A quantity of one item kept together and traced as one: received from a supplier or made by an order.",
                [
                    "id": code("lot ID"),
                    "item": code("the item"),
                    "quantity": num("how much, in the item's unit"),
                    "location": code("where it is"),
                    "status": enumOf(LotStatus.allCases.map(\.rawValue), "whether it may be used"),
                    "supplierLot": str("the supplier's own lot number (purchased items)"),
                    "supplier": str("who supplied it"),
                    "productionOrder": code("the production order that made it (made items)"),
                    "createdAt": date("when it was received or recorded"),
                    "deliveryNote": str("the supplier's delivery note it arrived with (received lots)"),
                ]
            )
        ),
        (
            "PublishedSchedule",
            obj(
                "The schedule the plant works to: where and when every open operation runs.",
                [
                    "id": code("schedule ID, e.g. `SCH-000003`"),
                    "origin": date("the time it was computed from"),
                    "steps": arr(ref("ScheduledStep"), "every scheduled operation, by start"),
                    "weightedTardinessMinutes": num("sum over orders of priority weight × minutes late", min: 0),
                    "makespanMinutes": int("minutes from the origin to the last operation's end", 0...),
                    "totalSetupMinutes": int("changeover minutes between setup families", 0...),
                    "lateOrders": arr(code("a production order ID"), "orders that finish after their due date"),
                ]
            )
        ),
        (
            "ScheduledStep",
            obj(
                "One operation placed on a work center.",
                [
                    "productionOrder": code("the production order"),
                    "sequence": int("the routing operation's sequence number", 1...),
                    "name": words("the operation's name"),
                    "workCenter": code("where it runs"),
                    "start": date("when it starts"),
                    "end": date("when it ends"),
                ]
            )
        ),
        (
            "NewLot",
            obj(
                "Receive or record a lot.",
                [
                    "id": code("lot ID"),
                    "item": code("the item"),
                    "quantity": num("how much, in the item's unit", above: 0),
                    "location": code("where it is put"),
                    "supplierLot": str("the supplier's own lot number; required for purchased items"),
                    "supplier": str("who supplied it"),
                    "productionOrder": code("the production order that made it"),
                ]
            )
        ),
        (
            "MoveLot",
            obj(
                "Move a lot (command data).",
                [
                    "lot": code("lot ID"),
                    "to": code("the location it goes to"),
                ]
            )
        ),
        (
            "LotMoved",
            obj(
                "A lot was moved.",
                [
                    "lot": code("lot ID"),
                    "from": code("where it was"),
                    "to": code("where it is now"),
                ]
            )
        ),
        (
            "SetLotStatus",
            obj(
                "Change a lot's status (command data).",
                [
                    "lot": code("lot ID"),
                    "status": enumOf(LotStatus.allCases.map(\.rawValue), settable),
                    "reason": words("why"),
                ]
            )
        ),
        (
            "LotStatusChanged",
            obj(
                "A lot's status changed.",
                [
                    "lot": code("lot ID"),
                    "from": enumOf(LotStatus.allCases.map(\.rawValue), "the status before"),
                    "to": enumOf(LotStatus.allCases.map(\.rawValue), "the status now"),
                    "reason": words("why"),
                ]
            )
        ),

        // Execution: work instructions
        (
            "WorkInstruction",
            obj(
                "A controlled document an operator must have read, in its current revision, before running an operation.",
                [
                    "id": code("work instruction ID, e.g. `WI-MACH-210`"),
                    "title": words("the document's title"),
                    "revision": revision("the current revision, e.g. `B`; changing it asks every operator to acknowledge again"),
                    "text": str("the instruction itself; empty when left out"),
                    "attachments": arr(code("attachment ID"), "images and PDFs of the current revision; none when left out"),
                ]
            )
        ),
        (
            "AcknowledgeWorkInstruction",
            obj(
                "Acknowledge having read a work instruction (command data).",
                [
                    "workInstruction": code("work instruction ID"),
                    "revision": revision("the revision read; it must be the current one"),
                ]
            )
        ),
        (
            "WorkInstructionAcknowledged",
            obj(
                "A user acknowledged a revision of a work instruction.",
                [
                    "user": code("who read it"),
                    "workInstruction": code("work instruction ID"),
                    "revision": revision("the revision read"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "StartOperation",
            obj(
                "Start an operation of a production order (command data).",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "workCenter": code(
                        "where it runs; may be left out when the operation has one eligible work center or the operator is clocked in at one of them"
                    ),
                    "operator": code("who does the work; the sending user when left out (someone else only for a supervisor)"),
                ]
            )
        ),
        (
            "OperationStarted",
            obj(
                "An operation started on a work center.",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "workCenter": code("where it runs"),
                    "operator": code("who does the work; absent when the system started it"),
                    "plannedMinutes": num("planned setup and run minutes for the order quantity there", min: 0),
                    "at": date("when"),
                ]
            )
        ),
        (
            "PauseOperation",
            obj(
                "Pause a running operation (command data).",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "reason": words("why, e.g. `waiting for material`"),
                ]
            )
        ),
        (
            "OperationPaused",
            obj(
                "An operation was paused.",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "reason": words("why"),
                    "by": code("who paused it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "ResumeOperation",
            obj(
                "Resume a paused operation (command data).",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "operator": code("who does the work now; the sending user when left out"),
                ]
            )
        ),
        (
            "OperationResumed",
            obj(
                "A paused operation was resumed.",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "operator": code("who does the work now"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "ReportQuantity",
            obj(
                "Report quantities on an operation, or complete it with a last report (command data).",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "good": num("good units made since the last report; 0 when left out", min: 0),
                    "scrap": num("scrapped units; 0 when left out", min: 0),
                    "scrapReason": str(scrapReasonDescription),
                    "rework": num("units for rework; 0 when left out", min: 0),
                ]
            )
        ),
        (
            "ProductionReport",
            obj(
                "Quantities reported on an operation at a work center, with the ideal minutes per unit they stand for.",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "workCenter": code("where they were made"),
                    "good": num("good units", min: 0),
                    "scrap": num("scrapped units", min: 0),
                    "rework": num("units for rework", min: 0),
                    "scrapReason": str("why units were scrapped"),
                    "idealMinutesPerUnit": num("the routing's run minutes per unit there", min: 0),
                    "at": date("when"),
                    "by": code("who reported"),
                ]
            )
        ),
        (
            "OperationCompleted",
            obj(
                "An operation was completed.",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "workCenter": code("where it ran"),
                    "good": num("good units in all", min: 0),
                    "scrap": num("scrapped units in all", min: 0),
                    "rework": num("units for rework in all", min: 0),
                    "plannedMinutes": num("planned setup and run minutes", min: 0),
                    "actualMinutes": num("minutes actually worked", min: 0),
                    "by": code("who completed it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "OverrideInterlock",
            obj(
                "Let one interlock pass on an operation (command data).",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "interlock": enumOf(Interlock.allCases.map(\.rawValue), "the interlock to let pass"),
                    "reason": words("why it is safe to pass it"),
                    "lot": nullable(code("for a lot interlock: the one lot it lets pass; null (or left out) for every lot")),
                ]
            )
        ),
        (
            "InterlockOverride",
            obj(
                "A supervisor's recorded permission to pass one interlock on one operation.",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "interlock": enumOf(Interlock.allCases.map(\.rawValue), "the interlock let pass"),
                    "reason": words("why"),
                    "by": code("who allowed it"),
                    "at": date("when"),
                    "lot": nullable(code("for a lot interlock: the one lot it lets pass; null (or left out) for every lot")),
                ]
            )
        ),
        (
            "RecordInspection",
            obj(
                "Record an inspection of an operation (command data).",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "passed": bool("whether the operation passed"),
                    "note": str("what was found"),
                ]
            )
        ),
        (
            "InspectionRecorded",
            obj(
                "An inspection of an operation was recorded.",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "passed": bool("whether the operation passed"),
                    "note": str("what was found"),
                    "by": code("who inspected"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "ConsumeLot",
            obj(
                "Consume a quantity of a lot into an operation (command data).",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "lot": code("lot ID"),
                    "quantity": num("how much, in the item's unit", above: 0),
                ]
            )
        ),
        (
            "Consumption",
            obj(
                "A quantity of a lot was consumed into an operation: one edge of the genealogy.",
                [
                    "lot": code("lot ID"),
                    "item": code("the lot's item"),
                    "quantity": num("how much", above: 0),
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "workCenter": code("where"),
                    "by": code("who"),
                    "at": date("when"),
                    "overridden": arr(
                        enumOf(Interlock.allCases.map(\.rawValue), "an interlock"),
                        "interlocks it failed and passed only by a supervisor's override on the operation"
                    ),
                    "displaced": arr(
                        ref("DisplacedReservation"),
                        "reservations of other orders on the lot that gave way to it "
                            + "(only with an override of lot-reserved-elsewhere)"
                    ),
                ]
            )
        ),
        (
            "DisplacedReservation",
            obj(
                "Another order's reservation that gave way when a lot was consumed.",
                [
                    "reservation": code("reservation ID"),
                    "productionOrder": code("the order it was reserved for"),
                    "operation": int("the routing operation it was for", 1...),
                    "quantity": num("how much of it was taken", above: 0),
                    "remaining": num("what is left of it; 0 when it was released entirely", min: 0),
                    "stagingTask": code("its staging task"),
                    "stagingTaskStatus": enumOf(StagingTaskStatus.allCases.map(\.rawValue), "the staging task's status afterwards"),
                ]
            )
        ),
        (
            "ProduceLot",
            obj(
                "Book an output lot of the order's item, or one lot per serial number (command data).",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "lot": code("the new lot's ID"),
                    "quantity": num("how much, with `lot`", above: 0),
                    "serials": arr(code("a serial number, which becomes a lot ID"), "one lot of one unit per serial number", minItems: 1),
                    "location": code("where the output is put"),
                ]
            )
        ),
        (
            "LotProduced",
            obj(
                "An operation made a lot.",
                [
                    "lot": ref("Lot", "the lot as recorded"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "workCenter": code("where"),
                    "by": code("who"),
                ]
            )
        ),
        (
            "ClockInCommand",
            obj(
                "Clock a user in at a work center (command data).",
                [
                    "workCenter": code("work center ID"),
                    "user": code("user ID; the sending user when left out"),
                ]
            )
        ),
        (
            "ClockOutCommand",
            obj(
                "Clock a user out (command data).",
                [
                    "user": code("user ID; the sending user when left out")
                ]
            )
        ),
        (
            "ClockIn",
            obj(
                "A user is clocked in at a work center.",
                [
                    "user": code("user ID"),
                    "workCenter": code("work center ID"),
                    "since": date("when they clocked in"),
                ]
            )
        ),
        (
            "LabourSession",
            obj(
                "A closed clock-in: who was at which work center, from when to when.",
                [
                    "user": code("user ID"),
                    "workCenter": code("work center ID"),
                    "start": date("when they clocked in"),
                    "end": date("when they clocked out"),
                ]
            )
        ),
        (
            "SetMachineState",
            obj(
                "Record a work center's machine state (command data).",
                [
                    "workCenter": code("work center ID"),
                    "state": enumOf(MachineState.allCases.map(\.rawValue), "running, slow (below the ideal rate), setup, idle or down"),
                    "reason": str("required for down, e.g. `spindle failure`; at most 200 characters"),
                    "actualRate": num("for slow: the observed rate, units per hour", min: 0),
                    "idealRate": num("for slow: the ideal rate, units per hour", above: 0),
                    "expectedUntil": date(
                        "for down and slow: when the work center is expected back at its ideal rate (the repair time maintenance "
                            + "reports); the orchestrator plans with it instead of the playbook's assumed duration"
                    ),
                ]
            )
        ),
        (
            "MachineStateChange",
            obj(
                "A work center entered a machine state.",
                [
                    "workCenter": code("work center ID"),
                    "state": enumOf(MachineState.allCases.map(\.rawValue), "the state entered"),
                    "reason": str("why"),
                    "at": date("when"),
                    "by": code("who recorded it"),
                    "actualRate": num("for slow: the observed rate, units per hour", min: 0),
                    "idealRate": num("for slow: the ideal rate, units per hour", above: 0),
                    "expectedUntil": date(
                        "for down and slow: when the work center is expected back at its ideal rate (the repair time maintenance "
                            + "reports); the orchestrator plans with it instead of the playbook's assumed duration"
                    ),
                ]
            )
        ),
        (
            "RecordMachineCount",
            obj(
                "Record a piece count signalled by a machine (command data).",
                [
                    "workCenter": code("work center ID"),
                    "count": num("pieces since the last count (0 allowed when the count is of scrap alone)", min: 0),
                    "scrap": num("of them, parts the machine scrapped, when it counts scrap", min: 0),
                    "goodCounter": num(
                        "the machine's own good-part counter after this count, when the count comes from it (the machine-data "
                            + "bridge resumes from it, so parts counted while it was away are counted with the next reading)",
                        min: 0
                    ),
                    "scrapCounter": num("the machine's own scrap counter after this count, like goodCounter", min: 0),
                    "goodCounterSource": str(
                        "the signal goodCounter was read from (e.g. `Plant1/Line3/MILL-1: Good`, 1 to 500 characters): a later reading "
                            + "from another signal starts a new baseline rather than being compared with this one"
                    ),
                    "scrapCounterSource": str("the signal scrapCounter was read from, like goodCounterSource"),
                    "reportProduction": bool(
                        "also report the parts on the operation running at the work center, in the same commit; with none running "
                            + "the count alone is recorded"
                    ),
                ]
            )
        ),
        (
            "MachineCount",
            obj(
                "A machine signalled a piece count.",
                [
                    "workCenter": code("work center ID"),
                    "count": num("pieces since the last count (0 when the count is of scrap alone)", min: 0),
                    "at": date("when"),
                    "scrap": num("of them, parts the machine scrapped", min: 0),
                    "goodCounter": num("the machine's own good-part counter after this count", min: 0),
                    "scrapCounter": num("the machine's own scrap counter after this count", min: 0),
                    "goodCounterSource": str("the signal goodCounter was read from"),
                    "scrapCounterSource": str("the signal scrapCounter was read from"),
                ]
            )
        ),

        // Machine data: the signal mapping (a command's data, in the log) and the bridge's status
        (
            "MachineSignalMapping",
            obj(
                "How machine signals (Sparkplug B metrics, fields of plain JSON topics) map to work centers' states, counts and "
                    + "rates; defined whole. The machine-data bridge (`takt serve --mqtt`) reads with it; what no rule maps is "
                    + "counted and listed in the bridge's status, never dropped silently (docs/machine-data.md).",
                [
                    "rules": arr(
                        ref("MachineSignalRule"),
                        "one rule per source; a source is mapped at most once; at most \(MachineSignalMapping.maximumRules) rules",
                        maxItems: MachineSignalMapping.maximumRules
                    ),
                    "debounceSeconds": num(
                        "a machine's new state is recorded once it has held this long, so a chattering signal does not flood the log "
                            + "(seconds, 0 to 600; 1 when left out; 0 records every change at once)",
                        min: 0
                    ),
                ]
            )
        ),
        (
            "MachineSignalRule",
            obj(
                "One signal: where it comes from, the work center it belongs to, what it means and how its values are read.",
                [
                    "source": ref("MachineSignalSource", "where the value comes from"),
                    "workCenter": code("the work center the signal belongs to; it must exist"),
                    "signal": enumOf(
                        MachineSignalKind.allCases.map(\.rawValue),
                        "state (a code or a word), good-count and scrap-count (the machine's counters, which only grow; a smaller "
                            + "reading is a reset), rate (parts an hour after factor) or cycle-time (seconds after factor)"
                    ),
                    "stateCodes": JSONSchema(
                        fields: [
                            "type": .string("object"),
                            "description": .string(
                                "for state only: the machine's codes as text (`\"1\"`, `\"RUN\"`) → Takt's states; without it the value "
                                    + "must be a state's own word"
                            ),
                            "additionalProperties": .object([
                                "type": .string("string"), "enum": .array(MachineState.allCases.map { .string($0.rawValue) }),
                                "description": .string("the state the code stands for"),
                            ]),
                        ]
                    ),
                    "reasons": JSONSchema(
                        fields: [
                            "type": .string("object"),
                            "description": .string(
                                "for state only: the machine's codes as text → the reason in the plant's words (`\"3\": \"Spindle drive "
                                    + "fault\"`), recorded with a down state; without it the reason names the signal and its code. At most "
                                    + "\(MachineSignalRule.maximumReasons)"
                            ),
                            "maxProperties": .number(Double(MachineSignalRule.maximumReasons)),
                            "propertyNames": .object(["minLength": .number(1), "maxLength": .number(40)]),
                            "additionalProperties": .object([
                                "type": .string("string"), "minLength": .number(1), "maxLength": .number(200), "pattern": .string("\\S"),
                                "description": .string("the reason the code stands for"),
                            ]),
                        ]
                    ),
                    "factor": num("for numbers: multiplied before use, e.g. 60 for parts a minute → an hour; positive", above: 0),
                    "idealRate": num("for rate and cycle-time (required for them): the work center's ideal rate, parts an hour", above: 0),
                    "slowBelow": num(
                        "for rate and cycle-time: a running machine below this share of its ideal rate is slow (above 0, at most 1; "
                            + "0.9 when left out)",
                        above: 0
                    ),
                    "reportProduction": bool(
                        "for good-count and scrap-count: also report the quantities on the operation running at the work center, "
                            + "not only the machine's count"
                    ),
                ]
            )
        ),
        (
            "MachineSignalSource",
            obj(
                "Either a Sparkplug B metric (group, edgeNode, metric; device left out for the edge node's own metrics) or a "
                    + "field of a plain MQTT topic's JSON object (topic, field). Topic levels are named exactly: no `+` or `#`.",
                [
                    "group": str("Sparkplug: the group ID"),
                    "edgeNode": str("Sparkplug: the edge node ID"),
                    "device": str("Sparkplug: the device ID; left out for a metric of the edge node itself"),
                    "metric": str("Sparkplug: the metric's name, e.g. `Counters/Good`"),
                    "topic": str("plain MQTT: the topic, e.g. `plant1/lathe2/quality`"),
                    "field": str("plain MQTT: a key of the payload's top-level JSON object"),
                ]
            )
        ),
        (
            "MachineDataStatus",
            obj(
                "What the machine-data bridge has seen since it started: its connection, the messages it took, refused or could "
                    + "not place, its edge nodes and the machines' last signals. Lists are bounded; what falls beyond is still counted.",
                [
                    "connection": ref("MachineDataConnection", "the bridge's MQTT connection; left out when no bridge runs (no `--mqtt`)"),
                    "mappingRules": int("rules of the mapping the bridge reads with", 0...),
                    "messagesReceived": int("MQTT messages received", 0...),
                    "messagesRefused": int("messages refused (a bad payload, a sequence gap, an unknown state code, …)", 0...),
                    "signalsMapped": int("values mapped to a work center's signal", 0...),
                    "statesRecorded": int("machine states recorded in the log", 0...),
                    "countsRecorded": int("machine counts recorded in the log", 0...),
                    "productionReported": int("counts also reported as production on the running operation", 0...),
                    "countsWithoutOperation": int(
                        "counts to be reported as production while no operation ran at the work center (recorded as counts only)",
                        0...
                    ),
                    "commandsRefused": int("commands the plant refused (e.g. a work center deleted since the mapping)", 0...),
                    "plantUnavailable": str(
                        "why the plant is not taking the bridge's commands now (server unreachable or failing, token refused, store "
                            + "failing); the message waits and is tried again, nothing is dropped; left out while the plant takes them"
                    ),
                    "commandsRetried": int("commands tried again because the plant was unavailable", 0...),
                    "refusedByRule": JSONSchema(
                        fields: [
                            "type": .string("object"),
                            "description": .string("refused messages by rule (protobuf, max-size, sequence-gap, before-birth, state-code, json, …)"),
                            "additionalProperties": .object([
                                "type": .string("integer"), "minimum": .number(0), "description": .string("messages refused by the rule"),
                            ]),
                        ]
                    ),
                    "problems": arr(ref("MachineDataProblem"), "the latest problems, newest first", maxItems: MachineDataStatus.maximumProblems),
                    "unmapped": arr(
                        ref("UnmappedSignal"),
                        "topics and metrics no rule maps, most messages first",
                        maxItems: MachineDataStatus.maximumListed
                    ),
                    "unmappedNotListed": int("unmapped sources seen beyond those listed", 0...),
                    "edgeNodes": arr(ref("EdgeNodeStatus"), "the Sparkplug edge nodes seen"),
                    "machines": arr(ref("MachineSignalStatus"), "each mapped work center's signals as last received"),
                    "queued": int("messages waiting to be handled", 0...),
                    "maximumQueued": int("the most messages that waited at once (the queue is bounded)", 0...),
                ]
            )
        ),
        (
            "MachineDataConnection",
            obj(
                "The machine-data bridge's connection to its MQTT broker.",
                [
                    "broker": str("`host:port` of the broker"),
                    "clientID": str("the MQTT client ID the bridge connects with"),
                    "connected": bool("connected now"),
                    "connects": int("connections made since the bridge started, the first one included", 0...),
                    "disconnects": int("disconnections since the bridge started (a broker restart is one)", 0...),
                    "lastError": str("the last reason the broker or the network gave, in words"),
                    "subscriptions": arr(str("a topic filter"), "the topic filters subscribed to"),
                    "sparkplugHostID": str(
                        "as a Sparkplug primary host application (`--sparkplug-host-id`): its host ID; spBv1.0/STATE/{id} says online "
                            + "(retained) while connected and its last will says offline; left out otherwise"
                    ),
                ]
            )
        ),
        (
            "MachineDataProblem",
            obj(
                "A message the bridge refused or dropped, as it explained it.",
                [
                    "at": date("when"),
                    "topic": str("the MQTT topic of the message"),
                    "field": str("what in it was wrong, e.g. a metric's name or `payload`"),
                    "rule": str("the rule it broke, e.g. `protobuf`, `sequence-gap`, `state-code`"),
                    "message": str("the refusal in words"),
                ]
            )
        ),
        (
            "UnmappedSignal",
            obj(
                "A topic or metric seen that no rule of the mapping maps.",
                [
                    "source": str("the MQTT topic, `group/edgeNode/device: metric` for a Sparkplug metric or `topic: field` for JSON"),
                    "messages": int("messages seen", 1...),
                    "lastSeen": date("when it was last seen"),
                ]
            )
        ),
        (
            "EdgeNodeStatus",
            obj(
                "A Sparkplug edge node as the bridge saw it.",
                [
                    "group": str("the group ID"),
                    "edgeNode": str("the edge node ID"),
                    "online": bool("born and not dead since"),
                    "devices": arr(str("a device ID"), "its devices born"),
                    "lastMessageAt": date("when it last sent a message"),
                    "rebirthRequests": int("rebirths the bridge asked it for (after a sequence gap or a message before its birth)", 0...),
                ]
            )
        ),
        (
            "MachineSignalStatus",
            obj(
                "A work center's signals as last received, before debouncing.",
                [
                    "workCenter": code("work center ID"),
                    "signalledState": enumOf(
                        MachineState.allCases.map(\.rawValue),
                        "the state its signals say now; the recorded state follows once it has held for the debounce time"
                    ),
                    "rate": num("the current rate, parts an hour", min: 0),
                    "idealRate": num("the ideal rate the mapping gives, parts an hour", above: 0),
                    "goodCounter": num("the machine's good-part counter as last read", min: 0),
                    "scrapCounter": num("the machine's scrap counter as last read", min: 0),
                    "lastSignalAt": date("when its last signal came"),
                    "signalsTrusted": bool("false once the edge node or device carrying its signals died or a gap made them untrusted"),
                ]
            )
        ),
        (
            "MachineDataView",
            obj(
                "What a machine-data bridge resumes from: the mapping and, for each mapped work center, its recorded state and the "
                    + "machine's last counter readings (parts made while the bridge was away are counted with the next reading).",
                [
                    "mapping": ref("MachineSignalMapping", "the plant's mapping"),
                    "machines": arr(ref("MachineDataReading"), "one per work center the mapping names"),
                ]
            )
        ),
        (
            "MachineDataReading",
            obj(
                "A mapped work center's recorded machine state and last counter readings.",
                [
                    "workCenter": code("work center ID"),
                    "state": enumOf(MachineState.allCases.map(\.rawValue), "its recorded machine state; left out when none was ever recorded")
                        .optional,
                    "goodCounter": num("the machine's good-part counter at the last count recorded", min: 0).optional,
                    "scrapCounter": num("the machine's scrap counter at the last count recorded", min: 0).optional,
                    "goodCounterSource": str("the signal that reading came from; left out when recorded without one").optional,
                    "scrapCounterSource": str("the signal that reading came from; left out when recorded without one").optional,
                ]
            )
        ),

        // Warehouse: receipts
        (
            "ReceiveLot",
            obj(
                "Receive a delivery of purchased material: a new lot at a receiving (or quarantine) location.",
                [
                    "id": code("the new lot's ID"),
                    "item": code("the purchased item delivered"),
                    "quantity": num("how much, in the item's unit", above: 0),
                    "location": code("a receiving location (or a quarantine location: the lot then starts in quarantine)"),
                    "supplier": words("who delivered it"),
                    "supplierLot": words("the supplier's own lot number"),
                    "deliveryNote": words("the delivery note's number"),
                    "expectedReceipt": code("the open expected receipt this delivery fulfils (same item and supplier)"),
                ]
            )
        ),
        (
            "LotReceived",
            obj(
                "A delivery was received as a new lot.",
                [
                    "lot": ref("Lot", "the lot as recorded"),
                    "deliveryNote": words("the delivery note's number"),
                    "expectedReceipt": code("the expected receipt it counted against"),
                    "by": code("who received it"),
                ]
            )
        ),
        (
            "ExpectedReceipt",
            obj(
                "Purchased material a supplier is due to deliver; it counts in projected availability until received or cancelled.",
                [
                    "id": code("expected receipt ID, e.g. `ER-000001`"),
                    "item": code("the purchased item"),
                    "quantity": num("how much is expected", above: 0),
                    "expectedDate": date("when it is due"),
                    "supplier": words("who delivers it"),
                    "reference": words("the purchase order or call-off it belongs to"),
                    "status": enumOf(
                        ExpectedReceiptStatus.allCases.map(\.rawValue),
                        "open until the quantity has arrived (received) or it is cancelled"
                    ),
                    "receivedQuantity": num("what receipts naming it have brought in so far", min: 0),
                    "receivedLots": arr(code("a lot ID"), "the lots received against it"),
                    "cancelReason": str("why it was cancelled"),
                ]
            )
        ),
        (
            "ExpectReceipt",
            obj(
                "Announce a delivery a supplier is due to make.",
                [
                    "id": code("expected receipt ID; numbered by the plant (`ER-000001`, …) when left out"),
                    "item": code("the purchased item"),
                    "quantity": num("how much is expected", above: 0),
                    "expectedDate": date("when it is due"),
                    "supplier": words("who delivers it"),
                    "reference": words("the purchase order or call-off it belongs to"),
                ]
            )
        ),
        (
            "CancelExpectedReceipt",
            obj(
                "Cancel an open expected receipt (command data).",
                [
                    "expectedReceipt": code("expected receipt ID"),
                    "reason": words("why"),
                ]
            )
        ),
        (
            "ExpectedReceiptCancelled",
            obj(
                "An expected receipt was cancelled.",
                [
                    "expectedReceipt": code("expected receipt ID"),
                    "reason": words("why"),
                    "at": date("when"),
                ]
            )
        ),

        // Warehouse: handling units
        (
            "HandlingUnit",
            obj(
                "A pallet, box or container that carries lots and moves them together.",
                [
                    "id": code("handling unit ID, e.g. `P-1042`"),
                    "kind": enumOf(HandlingUnitKind.allCases.map(\.rawValue), "what it is"),
                    "location": code("where it is"),
                    "lots": arr(code("a lot ID"), "the lots on it, in the order they were put on"),
                    "createdAt": date("when it was made up"),
                ]
            )
        ),
        (
            "CreateHandlingUnit",
            obj(
                "Make up a handling unit (command data).",
                [
                    "id": code("handling unit ID"),
                    "kind": enumOf(HandlingUnitKind.allCases.map(\.rawValue), "what it is"),
                    "location": code("where it is made up"),
                    "lots": arr(code("a lot ID"), "lots to put on it: in stock at the location and on no other unit"),
                ]
            )
        ),
        (
            "MoveHandlingUnit",
            obj(
                "Move a handling unit with its lots (command data).",
                [
                    "handlingUnit": code("handling unit ID"),
                    "to": code("the location it goes to"),
                ]
            )
        ),
        (
            "HandlingUnitMoved",
            obj(
                "A handling unit moved; each lot on it is also recorded as a `lotMoved`.",
                [
                    "handlingUnit": code("handling unit ID"),
                    "from": code("where it was"),
                    "to": code("where it is now"),
                    "lots": arr(code("a lot ID"), "the lots it carried"),
                ]
            )
        ),
        (
            "SplitHandlingUnit",
            obj(
                "Take lots off a handling unit onto a new one at the same location (command data).",
                [
                    "handlingUnit": code("the unit split"),
                    "newHandlingUnit": code("the new unit's ID"),
                    "kind": enumOf(HandlingUnitKind.allCases.map(\.rawValue), "what the new unit is; that of the unit split when left out"),
                    "lots": arr(code("a lot ID"), "the lots to take off onto it", minItems: 1),
                ]
            )
        ),
        (
            "HandlingUnitSplit",
            obj(
                "Lots were taken off a handling unit onto a new one.",
                [
                    "from": code("the unit split"),
                    "to": ref("HandlingUnit", "the new unit, carrying the lots taken off"),
                ]
            )
        ),
        (
            "HandlingUnitLots",
            obj(
                "Lots put on, or taken off, a handling unit.",
                [
                    "handlingUnit": code("handling unit ID"),
                    "lots": arr(code("a lot ID"), "the lots", minItems: 1),
                ]
            )
        ),

        // Warehouse: reservations and staging
        (
            "Reservation",
            obj(
                "A quantity of a lot set aside for one operation of a production order.",
                [
                    "id": code("reservation ID, e.g. `RES-000001`"),
                    "productionOrder": code("the production order"),
                    "operation": int("the routing operation that consumes it", 1...),
                    "component": code("the bill-of-materials component it covers (the lot may be an approved substitute)"),
                    "lot": code("lot ID"),
                    "item": code("the lot's item"),
                    "quantity": num("how much", above: 0),
                    "stagingTask": code("the task that brings it to line side"),
                    "by": code("who reserved it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "ReserveLot",
            obj(
                "Reserve a lot for a released production order.",
                [
                    "productionOrder": code("production order ID (released or in progress)"),
                    "lot": code("an available lot of a component of the order's bill of materials, or of an approved substitute"),
                    "quantity": num("how much; what the lot has free, up to what the order still needs, when left out", above: 0),
                ]
            )
        ),
        (
            "UnreserveLot",
            obj(
                "Release a reservation (command data).",
                [
                    "reservation": code("reservation ID"),
                    "reason": words("why"),
                ]
            )
        ),
        (
            "ReservationReleased",
            obj(
                "A reservation was released; its staging task, if not yet staged, is cancelled.",
                [
                    "reservation": code("reservation ID"),
                    "productionOrder": code("the production order it was for"),
                    "lot": code("lot ID"),
                    "quantity": num("how much was reserved", min: 0),
                    "reason": words("why"),
                    "by": code("who released it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "StagingTask",
            obj(
                "Bring a reserved lot to the line side of the work center that consumes it.",
                [
                    "id": code("staging task ID, e.g. `STG-000001`"),
                    "reservation": code("the reservation it stages"),
                    "productionOrder": code("the production order"),
                    "operation": int("the routing operation that consumes it", 1...),
                    "lot": code("lot ID"),
                    "quantity": num("how much is reserved (after a short report: what was found)", min: 0),
                    "status": enumOf(StagingTaskStatus.allCases.map(\.rawValue), "where the task stands"),
                    "pickedBy": code("who picked it"),
                    "pickedAt": date("when it was picked"),
                    "stagedAt": date("when it was staged"),
                    "stagedTo": code("where it was staged"),
                    "foundQuantity": num("for a short report: the quantity found", min: 0),
                ]
            )
        ),
        (
            "StagingTaskRef",
            obj(
                "Names a staging task (command data).",
                [
                    "stagingTask": code("staging task ID")
                ]
            )
        ),
        (
            "StagingTaskPicked",
            obj(
                "A staging task was picked.",
                [
                    "stagingTask": code("staging task ID"),
                    "lot": code("lot ID"),
                    "by": code("who picked it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "ConfirmStagingTask",
            obj(
                "Confirm a staging task (command data).",
                [
                    "stagingTask": code("staging task ID"),
                    "to": code("where it was staged; the line side of the work center the operation runs on when left out"),
                ]
            )
        ),
        (
            "StagingTaskConfirmed",
            obj(
                "A staging task's lot is at line side.",
                [
                    "stagingTask": code("staging task ID"),
                    "lot": code("lot ID"),
                    "to": code("where it was staged"),
                    "by": code("who staged it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "ReportStagingShort",
            obj(
                "Report a staging task short (command data).",
                [
                    "stagingTask": code("staging task ID"),
                    "foundQuantity": num("how much was found where it should be; less than the task's quantity", above: 0),
                ]
            )
        ),
        (
            "StagingShortReported",
            obj(
                "Less of a lot was found than its staging task expected; the lot's quantity is corrected to what was found.",
                [
                    "stagingTask": code("staging task ID"),
                    "lot": code("lot ID"),
                    "expected": num("what the task needed", min: 0),
                    "found": num("what was found", min: 0),
                    "lotQuantityBefore": num("the lot's quantity before the correction"),
                    "by": code("who reported it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "ReportMaterialMissing",
            obj(
                "Material that cannot be found: name exactly one of a staging task, a handling unit or a lot.",
                [
                    "stagingTask": code("the staging task whose lot is missing"),
                    "handlingUnit": code("the handling unit that is missing, with every lot on it"),
                    "lot": code("the lot that is missing"),
                    "note": str("what was seen"),
                ]
            )
        ),
        (
            "MaterialMissing",
            obj(
                "A lot or handling unit cannot be found, and the work it stops; its reservations are released and their staging tasks become `missing`.",
                [
                    "lots": arr(code("a lot ID"), "the lots missing"),
                    "handlingUnit": code("the handling unit carrying them"),
                    "stagingTask": code("the staging task it was reported on"),
                    "location": code("where it should have been"),
                    "affected": arr(ref("AffectedOperation"), "every production order operation whose reservations it carried, by start"),
                    "note": str("what was seen"),
                    "by": code("who reported it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "AffectedOperation",
            obj(
                "An operation of a production order that a material problem would stop.",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "start": date("its scheduled start in the published schedule; absent when unscheduled"),
                    "dueDate": date("the order's due date"),
                    "quantity": num("how much of the material it needs that is not there", min: 0),
                ]
            )
        ),
        (
            "CheckMaterial",
            obj(
                "Project availability again and record the shortages that appeared, changed or went away.",
                [
                    "items": arr(code("an item ID"), "only these items; every item with a requirement or a recorded shortage when left out")
                ]
            )
        ),
        (
            "ProjectedShortage",
            obj(
                "A projected shortage of one item.",
                [
                    "item": code("item ID"),
                    "from": date("when the projection first goes negative"),
                    "shortBy": num("the worst deficit", min: 0),
                    "affected": arr(ref("AffectedOperation"), "the operations whose requirements are not covered, by start"),
                ]
            )
        ),
        (
            "ShortageProjected",
            obj(
                "A shortage was projected (or its shape changed).",
                [
                    "shortage": ref("ProjectedShortage", "the shortage"),
                    "at": date("when it was projected"),
                ]
            )
        ),
        (
            "ShortageResolved",
            obj(
                "A recorded shortage is gone.",
                [
                    "item": code("item ID"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "ShipLots",
            obj(
                "Ship lots against a sales order line (command data).",
                [
                    "salesOrder": code("sales order ID"),
                    "line": int("line number", 1...),
                    "lots": arr(code("a lot ID"), "available, unreserved lots of the line's item", minItems: 1),
                ]
            )
        ),
        (
            "Shipment",
            obj(
                "Finished lots sent to a customer against one sales order line.",
                [
                    "id": code("shipment ID, e.g. `SHP-000001`"),
                    "salesOrder": code("sales order ID"),
                    "line": int("line number", 1...),
                    "customer": code("customer ID"),
                    "item": code("the item shipped"),
                    "lots": arr(ref("ShipmentLot"), "the lots shipped", minItems: 1),
                    "by": code("who shipped it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "ShipmentLot",
            obj(
                "One lot of a shipment.",
                [
                    "lot": code("lot ID"),
                    "quantity": num("how much", above: 0),
                ]
            )
        ),
        (
            "SalesOrderShipped",
            obj(
                "Every line of a sales order is shipped.",
                [
                    "salesOrder": code("sales order ID"),
                    "at": date("when"),
                ]
            )
        ),

        // Quality: inspection plans and results
        (
            "InspectionPlan",
            obj(
                "What to inspect on an item, optionally at one operation of its routing. A purchased item's plan without an "
                    + "operation is an incoming inspection: receipts of the item wait in quarantine until a result passes. At most "
                    + "one plan per item and operation; redefining a plan keeps its ID and raises its revision.",
                [
                    "id": code("inspection plan ID, e.g. `IP-HOUS-100-10`"),
                    "name": words("what the plan checks"),
                    "item": code("the item it inspects"),
                    "operation": int(
                        "the routing operation (sequence number) it inspects; absent for an item-level (e.g. incoming) inspection",
                        1...
                    ),
                    "characteristics": arr(ref("Characteristic"), "what every result measures or judges, each ID once", minItems: 1),
                    "sampleSize": int("samples per result: each characteristic is recorded once per sample; 1 when left out", 1...1000),
                    "frequency": enumOf(
                        InspectionFrequency.allCases.map(\.rawValue),
                        "when the plan asks for a passed result: the first piece of each order operation, every output lot, or every "
                            + "`everyUnits` units reported; first-piece when left out"
                    ),
                    "everyUnits": num("every-n only (and required there): the units per required inspection", above: 0),
                    "failureSeverity": enumOf(
                        Severity.allCases.map(\.rawValue),
                        "the severity of the nonconformance a failed result opens; major when left out"
                    ),
                    "revision": int("set by the plant: 1 when first defined, one more on every redefinition; ignored when sent", 0...),
                ]
            )
        ),
        (
            "Characteristic",
            obj(
                "One thing an inspection checks: a measured value within limits (variable), or judged pass or fail (attribute).",
                [
                    "id": code("short code, unique within the plan, e.g. `bore-diameter`"),
                    "name": words("what is checked, e.g. `bore diameter`"),
                    "kind": enumOf(
                        CharacteristicKind.allCases.map(\.rawValue),
                        "variable: measured against its limits; attribute: judged pass or fail"
                    ),
                    "lowerLimit": num("variable: the lowest value that passes (inclusive); a variable has a lower limit, an upper limit or both"),
                    "upperLimit": num("variable: the highest value that passes (inclusive)"),
                    "unit": words("variable (required there): the unit of its values, e.g. `mm`"),
                    "target": num("variable: the nominal value, within the limits"),
                ]
            )
        ),
        (
            "RecordInspectionResult",
            obj(
                "Record an inspection against a plan, for a production order operation (it must have started) and/or a lot. "
                    + "Exactly one measurement per characteristic and sample; a missing, unknown or repeated one refuses the whole "
                    + "result. Pass or fail follows from the limits.",
                [
                    "plan": code("inspection plan ID"),
                    "productionOrder": code("the production order inspected"),
                    "operation": int("the operation inspected; the plan's when left out", 1...),
                    "lot": code("the lot inspected (every-lot and incoming plans); a lot made by an order names that order"),
                    "measurements": arr(ref("Measurement"), "one per characteristic and sample", minItems: 1),
                    "note": str("what was found"),
                ]
            )
        ),
        (
            "Measurement",
            obj(
                "One entry of a result: one characteristic on one sample; a variable carries `value`, an attribute `passed`.",
                [
                    "characteristic": code("the characteristic's ID"),
                    "sample": int("the sample, 1 to the plan's sample size; 1 when left out", 1...),
                    "value": num("variable: the measured value, in the characteristic's unit"),
                    "passed": bool("attribute: whether it passed"),
                ]
            )
        ),
        (
            "InspectionResult",
            obj(
                "A recorded inspection: what was inspected against which plan revision, every measurement, and the verdict.",
                [
                    "id": code("result ID, e.g. `IR-000001`"),
                    "plan": code("inspection plan ID"),
                    "planRevision": int("the plan's revision it was recorded against", 1...),
                    "item": code("the item inspected"),
                    "productionOrder": code("the production order inspected"),
                    "operation": int("the operation inspected", 1...),
                    "lot": code("the lot inspected"),
                    "measurements": arr(ref("MeasuredValue"), "every measurement, in the order recorded"),
                    "passed": bool("true when every measurement passed"),
                    "note": str("what was found"),
                    "by": code("who recorded it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "MeasuredValue",
            obj(
                "A recorded measurement with its verdict.",
                [
                    "characteristic": code("the characteristic's ID"),
                    "sample": int("the sample", 1...),
                    "value": num("variable: the measured value"),
                    "passed": bool("variable: within the limits; attribute: as judged"),
                ]
            )
        ),

        // Quality: nonconformances and dispositions
        (
            "Nonconformance",
            obj(
                "A recorded deviation: what is wrong, where, which lots, how severe, and what was decided.",
                [
                    "id": code("nonconformance ID, e.g. `NC-000001`"),
                    "description": str("what is wrong (for a failed inspection: each failed measurement against its limits)"),
                    "severity": enumOf(Severity.allCases.map(\.rawValue), "how severe"),
                    "status": enumOf(
                        NonconformanceStatus.allCases.map(\.rawValue),
                        "open; awaiting-approval (a supervisor proposed a disposition); in-rework (until the rework operation completes); closed"
                    ),
                    "item": code("the item concerned: of its lots, or made by its production order"),
                    "lots": arr(code("a lot ID"), "the lots concerned"),
                    "productionOrder": code("the production order concerned"),
                    "operation": int("the operation of that order", 1...),
                    "workCenter": code("where it was found"),
                    "location": code("where it was found"),
                    "inspectionResult": code("the failed inspection result that opened it"),
                    "openedBy": code("who opened it"),
                    "openedAt": date("when it was opened"),
                    "disposition": ref("Disposition", "what was decided, or proposed"),
                    "reworkOperation": int("rework: the operation added to the production order", 1...),
                    "closedAt": date("when it was closed"),
                    "closedBy": code("who closed it"),
                    "closeNote": str("how it was closed"),
                    "signatures": arr(
                        ref("ElectronicSignature"),
                        "electronic signatures given on it (dispositions approved or rejected), oldest first"
                    ),
                ]
            )
        ),
        (
            "OpenNonconformance",
            obj(
                "Open a nonconformance; name what it affects: lots, a production order (operation), a work center or a location.",
                [
                    "description": schema(
                        ["type": .string("string"), "minLength": .number(1), "maxLength": .number(2000), "pattern": .string("\\S")],
                        "what is wrong, at most 2000 characters"
                    ),
                    "severity": enumOf(Severity.allCases.map(\.rawValue), "how severe"),
                    "lots": arr(code("a lot ID"), "the lots concerned, each once; none when left out", unique: true),
                    "productionOrder": code("the production order concerned"),
                    "operation": int("an operation of that production order", 1...),
                    "workCenter": code("where it was found; the operation's work center when left out"),
                    "location": code("where it was found"),
                ]
            )
        ),
        (
            "Disposition",
            obj(
                "What is to be done with nonconforming material, who decided (or proposed) it and who approved it.",
                [
                    "kind": enumOf(DispositionKind.allCases.map(\.rawValue), "scrap, rework, use-as-is or return-to-supplier"),
                    "reason": words("why"),
                    "workCenter": code("rework: where the rework operation runs"),
                    "decidedBy": code("who decided or proposed it"),
                    "decidedAt": date("when"),
                    "approvedBy": code("who approved it (quality; the decider when quality decided)"),
                    "approvedAt": date("when it was approved; absent while it awaits approval"),
                ]
            )
        ),
        (
            "DispositionNonconformance",
            obj(
                "Decide, or propose, what happens to an open nonconformance (command data).",
                [
                    "nonconformance": code("nonconformance ID"),
                    "disposition": enumOf(DispositionKind.allCases.map(\.rawValue), "scrap, rework, use-as-is or return-to-supplier"),
                    "reason": words("why"),
                    "workCenter": code("rework only: where the rework runs; where the nonconformance was found when left out"),
                ]
            )
        ),
        (
            "ApproveDisposition",
            obj(
                "Approve or reject a proposed disposition (command data).",
                [
                    "nonconformance": code("nonconformance ID"),
                    "approved": bool("false rejects the proposal: the nonconformance is open again; true when left out"),
                    "note": str("why; required when rejecting"),
                ]
            )
        ),
        (
            "NonconformanceDispositioned",
            obj(
                "A disposition was decided (approved at once, by quality) or proposed (awaiting approval, by a supervisor).",
                [
                    "nonconformance": code("nonconformance ID"),
                    "disposition": ref("Disposition", "the disposition"),
                ]
            )
        ),
        (
            "DispositionDecided",
            obj(
                "Quality approved or rejected a proposed disposition.",
                [
                    "nonconformance": code("nonconformance ID"),
                    "approved": bool("approved (then carried out) or rejected (the nonconformance is open again)"),
                    "note": str("why"),
                    "by": code("who decided"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "ReworkOperationAdded",
            obj(
                "A rework operation was added to a production order (reopening it when it was completed); completing it closes the nonconformance.",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the new operation's sequence number: the last one plus one", 1...),
                    "name": words("the operation's name, `Rework NC-…`"),
                    "workCenter": code("where it runs"),
                    "nonconformance": code("the nonconformance it reworks"),
                    "reopened": bool("true when the order was completed and is in progress again"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "NonconformanceClosed",
            obj(
                "A nonconformance was closed: its disposition was carried out.",
                [
                    "nonconformance": code("nonconformance ID"),
                    "note": str("how: what was scrapped or returned, used as is, or which rework operation completed"),
                    "by": code("who"),
                    "at": date("when"),
                ]
            )
        ),

        // Quality: holds
        (
            "PlaceHold",
            obj(
                "Place a quality hold on exactly one of: a lot (in stock), a supplier lot (`supplier` with `supplierLot`), a production order or a work center.",
                [
                    "lot": code("a lot in stock"),
                    "supplier": str("with `supplierLot`: the supplier"),
                    "supplierLot": str(
                        "with `supplier`: the supplier's lot number; every lot of it and, through the genealogy, every lot made from it is held"
                    ),
                    "productionOrder": code("a production order: it and its output lots in stock are held"),
                    "workCenter": code("a work center: no operation starts or resumes there"),
                    "reason": words("why"),
                ]
            )
        ),
        (
            "Hold",
            obj(
                "A quality hold and everything it reached.",
                [
                    "id": code("hold ID, e.g. `HOLD-000001`"),
                    "kind": enumOf(HoldTargetKind.allCases.map(\.rawValue), "what it holds"),
                    "lot": code("the lot held"),
                    "supplier": str("the supplier of the supplier lot held"),
                    "supplierLot": str("the supplier's lot number held"),
                    "productionOrder": code("the production order held"),
                    "workCenter": code("the work center held"),
                    "reason": words("why"),
                    "lots": arr(ref("HeldLot"), "lots in stock (store, line side, staged) it put on hold, with their status before"),
                    "orders": arr(
                        code("a production order ID"),
                        "orders held: the held order, or released and in-progress orders that consumed an affected lot"
                    ),
                    "shipped": arr(ref("ShippedLotNotice"), "affected lots already shipped: whom to notify"),
                    "placedBy": code("who placed it"),
                    "placedAt": date("when"),
                    "released": bool("true once released"),
                    "releasedBy": code("who released it"),
                    "releasedAt": date("when it was released"),
                    "releaseReason": str("why it was released"),
                    "signatures": arr(ref("ElectronicSignature"), "electronic signatures given on it (its release), oldest first"),
                ]
            )
        ),
        (
            "HeldLot",
            obj(
                "A lot a hold put on hold, with the status it had before (restored when its last hold is released).",
                [
                    "lot": code("lot ID"),
                    "item": code("the lot's item"),
                    "location": code("where it was"),
                    "previousStatus": enumOf(LotStatus.allCases.map(\.rawValue), "its status before the first hold on it"),
                ]
            )
        ),
        (
            "ShippedLotNotice",
            obj(
                "An affected lot that has already left the plant, and whom to notify.",
                [
                    "lot": code("lot ID"),
                    "item": code("the lot's item"),
                    "productionOrder": code("the production order that made it"),
                    "salesOrder": code("the sales order that order is pegged to"),
                    "salesOrderLine": int("the sales order line", 1...),
                    "customer": code("the customer of that sales order"),
                ]
            )
        ),
        (
            "ReleaseHold",
            obj(
                "Release a hold (command data).",
                [
                    "hold": code("hold ID"),
                    "reason": words("why"),
                ]
            )
        ),
        (
            "HoldReleased",
            obj(
                "A hold was released: what it released, and what stays held by other holds.",
                [
                    "hold": code("hold ID"),
                    "reason": words("why"),
                    "restoredLots": arr(ref("HeldLot"), "lots back to their status before the hold"),
                    "stillHeldLots": arr(code("a lot ID"), "lots that stay on hold under another active hold"),
                    "releasedOrders": arr(code("a production order ID"), "orders no longer on hold"),
                    "releasedWorkCenter": code("the work center no longer on hold"),
                    "by": code("who released it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "PlantException",
            obj(
                "An exception: what happened, what it does to the plan across functions, and what could be done about it, ranked.",
                [
                    "id": str("exception ID, e.g. `EXC-000001` (in raiseException any placeholder: the plant numbers it)"),
                    "kind": enumOf(DisruptionKind.allCases.map(\.rawValue), "what went wrong, or `outcome-request`"),
                    "title": str("one line for the inbox"),
                    "subject": str("what it is about, e.g. `machine-slow:MILL-1`; a newer exception on the same subject supersedes an open one"),
                    "disruption": ref("Disruption", "the disruption in the simulation's terms"),
                    "sourceSequence": int64("the event that caused it"),
                    "sourceEvent": str("that event's type"),
                    "request": ref("OutcomeRequest", "for an outcome request: what was asked"),
                    "requestText": str("the request in the user's words"),
                    "playbook": code("the playbook that raised it"),
                    "playbookVersion": int("that playbook's version"),
                    "raisedAt": date("when"),
                    "raisedBy": code("who raised it (for an outcome request, who asked)"),
                    "severity": enumOf(ExceptionSeverity.allCases.map(\.rawValue), "how urgent"),
                    "functions": arr(enumOf(PlantFunction.allCases.map(\.rawValue), "a plant function"), "the parts of the plant it concerns"),
                    "causeChain": arr(ref("CauseLink"), "the event, then each effect the simulation found"),
                    "impact": ref("Impact", "the effect across functions"),
                    "actions": arr(ref("ProposedAction"), "candidate actions, ranked, best first"),
                    "tasks": arr(ref("ExceptionTask"), "tasks handed to roles"),
                    "notify": arr(enumOf(Role.allCases.map(\.rawValue), "a role"), "roles to tell"),
                    "status": enumOf(ExceptionStatus.allCases.map(\.rawValue), "where it stands"),
                    "verifications": arr(ref("Verification"), "checks after actions were carried out"),
                    "supersededBy": code("the newer exception on the same subject"),
                    "dismissReason": str("why it was dismissed"),
                    "actionNotes": arr(str("in words"), "why the actions are what they are: kinds not proposed and why, an ask no option meets"),
                    "updatedAt": date("when it was last assessed again for a newer event on its subject"),
                    "updates": int("how often it was assessed again in place"),
                    "signatures": arr(
                        ref("ElectronicSignature"),
                        "electronic signatures given on its actions where the approval policy marks them signed; recorded by the server, ignored when raising"
                    ),
                    "owner": code("who has taken it on (assignException); for an outcome request, the asker at first"),
                    "snoozedUntil": date("hidden from the inbox until then by the plant's clock (snoozeException); absent when not snoozed"),
                ]
            )
        ),
        (
            "Disruption",
            obj(
                "A disruption in the simulation's terms: what is unavailable, slower or added, and from when.",
                [
                    "kind": enumOf(DisruptionKind.allCases.map(\.rawValue), "what went wrong"),
                    "workCenter": code("a work center that is down, slow or short of people"),
                    "from": date("when it starts"),
                    "until": date("when it ends (known or assumed)"),
                    "rateFactor": num("for a slowdown: actual ÷ ideal rate", above: 0),
                    "productionOrder": code("an order that runs late"),
                    "sequence": int("its operation"),
                    "extraMinutes": int("by how many minutes"),
                    "item": code("material that cannot be used"),
                    "lots": arr(code("a lot ID"), "the lots concerned"),
                    "quantity": num("how much"),
                    "person": code("an absent person"),
                    "salesOrder": code("a sales order"),
                    "line": int("its line"),
                    "date": date("a date asked for"),
                    "operations": arr(ref("OperationRef"), "operations the event named as stopped (a missing pallet's, a shortage's)"),
                    "orders": arr(code("a production order ID"), "orders that cannot run until it ends (held orders)"),
                    "parts": arr(ref("Disruption"), "one cause with several parts (the shortages a plan projects, one per item)"),
                ]
            )
        ),
        (
            "OperationRef",
            obj(
                "One operation of a production order.",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("operation sequence number"),
                ]
            )
        ),
        (
            "TargetCheck",
            obj(
                "Whether a plan option meets the date a user asked for.",
                [
                    "subject": str("what was asked to be done, e.g. `SO-10012 line 10`"),
                    "requested": date("the date asked for"),
                    "achieved": date("when the option has it done (absent: nothing left to produce)"),
                    "met": bool("done at or before the requested date"),
                    "marginMinutes": int("requested − achieved: positive is time in hand, negative how late"),
                ]
            )
        ),
        (
            "ActionScope",
            obj(
                "What an action is about, for its verification.",
                [
                    "productionOrders": arr(code("a production order ID"), "the orders whose completion the disruption or the action changes"),
                    "predicted": ref("PlanKPIs", "the action's predicted lateness figures on these orders and the customer lines they serve"),
                ]
            )
        ),
        (
            "CauseLink",
            obj(
                "One link of a cause chain.",
                [
                    "kind": str("`event`, `effect` or `request`"),
                    "text": str("in words"),
                    "refs": arr(str("an ID"), "IDs the link is about"),
                ]
            )
        ),
        (
            "PlanKPIs",
            obj(
                "The figures a plan is judged by.",
                [
                    "lateOrders": int("production orders finishing after their due date"),
                    "totalLatenessMinutes": int("sum of their lateness"),
                    "weightedTardinessMinutes": num("sum of priority weight × minutes late"),
                    "lateCustomerLines": int("sales order lines finishing after the promised (else requested) date"),
                    "customerLatenessMinutes": int("sum of customer-line lateness"),
                    "overtimeMinutes": int("overtime the plan adds"),
                    "setupMinutes": int("setup time"),
                    "movedOperations": int("operations whose start or work center differs from the plan as it stands (the exception's baseline)"),
                ]
            )
        ),
        (
            "OperationMove",
            obj(
                "An operation the disruption moves.",
                [
                    "productionOrder": code("production order ID"),
                    "sequence": int("operation sequence number"),
                    "name": str("operation name"),
                    "workCenter": code("where it runs now"),
                    "fromWorkCenter": code("where it was planned"),
                    "plannedStart": date("planned start"),
                    "newStart": date("new start"),
                    "plannedEnd": date("planned end"),
                    "newEnd": date("new end"),
                    "shiftMinutes": int("new start − planned start, in minutes"),
                ]
            )
        ),
        (
            "OrderLateness",
            obj(
                "A production order (and the customer line it serves) that becomes late, or later.",
                [
                    "productionOrder": code("production order ID"),
                    "salesOrder": code("the sales order it serves"),
                    "line": int("that order's line"),
                    "customer": code("the customer"),
                    "priority": int("priority, 1 highest"),
                    "dueDate": date("the date it is measured against"),
                    "plannedCompletion": date("completion as planned"),
                    "predictedCompletion": date("completion with the disruption"),
                    "lateMinutes": int("minutes late after the disruption (0 when on time)"),
                    "changeMinutes": int("minutes later than planned"),
                ]
            )
        ),
        (
            "StagingMove",
            obj(
                "A staging task whose needed-by time moves with the operation it feeds.",
                [
                    "task": code("staging task ID"),
                    "lot": code("the lot staged"),
                    "productionOrder": code("production order ID"),
                    "sequence": int("operation sequence number"),
                    "neededByBefore": date("needed by, before"),
                    "neededByAfter": date("needed by, after"),
                ]
            )
        ),
        (
            "LabourShortfall",
            obj(
                "A work center whose scheduled work needs more certified, present people.",
                [
                    "workCenter": code("work center ID"),
                    "minutes": int("short by this many minutes"),
                    "text": str("in words"),
                ]
            )
        ),
        (
            "CheckDue",
            obj(
                "An inspection or document check that becomes due because of the disruption.",
                [
                    "kind": str("`inspection` or `document`"),
                    "text": str("in words"),
                    "productionOrder": code("production order ID"),
                    "lot": code("lot ID"),
                    "due": date("when"),
                ]
            )
        ),
        (
            "AffectedRefs",
            obj(
                "Everything an exception touches.",
                [
                    "productionOrders": arr(code("a production order ID"), "production orders"),
                    "salesOrders": arr(code("a sales order ID"), "sales orders"),
                    "lots": arr(code("a lot ID"), "lots"),
                    "workCenters": arr(code("a work center ID"), "work centers"),
                    "people": arr(code("a user ID"), "people"),
                ]
            )
        ),
        (
            "Impact",
            obj(
                "The effect of a disruption across functions, by simulating the schedule with and without it.",
                [
                    "baseline": ref("PlanKPIs", "the plan without the disruption"),
                    "predicted": ref("PlanKPIs", "the plan with it, if nothing is done"),
                    "operations": arr(ref("OperationMove"), "operations it moves"),
                    "orders": arr(ref("OrderLateness"), "orders it makes late or later"),
                    "stagingTasks": arr(ref("StagingMove"), "staging tasks whose time moves"),
                    "labour": arr(ref("LabourShortfall"), "where people are short"),
                    "checksDue": arr(ref("CheckDue"), "checks that become due"),
                    "affected": ref("AffectedRefs", "everything it touches"),
                    "shipped": arr(ref("ShippedLotNotice"), "affected lots already shipped: the customers to tell, recall candidates"),
                    "assumptions": arr(str("in words"), "what the simulation took as given: its assumed end, the plant's other facts it kept"),
                ]
            )
        ),
        (
            "CostTerm",
            obj(
                "One term of an action's cost.",
                [
                    "name": str("what is counted"),
                    "quantity": num("how much"),
                    "unit": str("its unit"),
                    "weight": num("cost per unit"),
                    "cost": num("quantity × weight"),
                ]
            )
        ),
        (
            "ActionStep",
            obj(
                "One step of an action: what it does, in words and as the commands that carry it out.",
                [
                    "kind": enumOf(ActionKind.allCases.map(\.rawValue), "the kind of step"),
                    "summary": str("in words"),
                    "commands": arr(ref("Command"), "ordinary commands, carried out in order by the orchestrator as `system`"),
                ]
            )
        ),
        (
            "ApprovalRecord",
            obj(
                "A person's decision on an action, in one of the roles it needs.",
                [
                    "role": enumOf(Role.allCases.map(\.rawValue), "the role decided in"),
                    "user": code("who"),
                    "approved": bool("approved or rejected"),
                    "comment": str("why"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "ProposedAction",
            obj(
                "A candidate action (or plan option), simulated and ranked.",
                [
                    "id": str("action ID within its exception, e.g. `A1`"),
                    "title": str("what it does"),
                    "steps": arr(ref("ActionStep"), "its steps"),
                    "predicted": ref("PlanKPIs", "the plan's figures if it is taken"),
                    "effect": str("the predicted effect in words"),
                    "cost": num("total cost by the cost model; lower is better"),
                    "costTerms": arr(ref("CostTerm"), "the terms of the cost"),
                    "rank": int("1 is the best"),
                    "rationale": str("why it ranks where it does"),
                    "approvals": arr(enumOf(Role.allCases.map(\.rawValue), "a role"), "roles that must approve it (empty: none)"),
                    "decisions": arr(ref("ApprovalRecord"), "the decisions so far"),
                    "status": enumOf(ActionStatus.allCases.map(\.rawValue), "where it stands"),
                    "schedule": ref("PublishedSchedule", "the schedule it would put in place"),
                    "target": ref("TargetCheck", "for a plan option: whether it meets the date asked for"),
                    "scope": ref("ActionScope", "what the action is about: verification judges it on these orders"),
                    "recommendations": arr(
                        ref("ActionRecommendation"),
                        "recommendations of this action to its approvers, oldest first; absent when none"
                    ),
                ]
            )
        ),
        (
            "ExceptionTask",
            obj(
                "A task a playbook hands to a role.",
                [
                    "role": enumOf(Role.allCases.map(\.rawValue), "who"),
                    "text": str("what to do"),
                ]
            )
        ),
        (
            "Verification",
            obj(
                "The check after an action was carried out: did the predicted effect happen?",
                [
                    "action": str("action ID"),
                    "expected": ref("PlanKPIs", "what the action predicted"),
                    "observed": ref("PlanKPIs", "what the simulation finds now"),
                    "passed": bool("true resolves the exception, false opens it again"),
                    "text": str("in words"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "OutcomeRequest",
            JSONSchema(fields: [
                "description": .string("An outcome a user asks for, by `kind`."),
                "oneOf": .array([
                    obj(
                        "Finish a sales order (all lines, or one) by a date.",
                        [
                            "kind": constant(.string("expedite-sales-order")),
                            "salesOrder": code("sales order ID"),
                            "line": int("one line only", 1...),
                            "date": date("by when"),
                        ]
                    ).json,
                    obj(
                        "Fit a rush order for an item by a date.",
                        [
                            "kind": constant(.string("rush-order")),
                            "item": code("item ID"),
                            "quantity": num("how many", above: 0),
                            "date": date("by when"),
                            "customer": code("for this customer"),
                        ]
                    ).json,
                    obj(
                        "Take a work center down for a while.",
                        [
                            "kind": constant(.string("take-down")),
                            "workCenter": code("work center ID"),
                            "from": date("from"),
                            "to": date("to"),
                        ]
                    ).json,
                    obj(
                        "What if an order (production or sales) is cancelled?",
                        [
                            "kind": constant(.string("cancel-order")),
                            "order": code("production or sales order ID"),
                        ]
                    ).json,
                ]),
            ])
        ),
        (
            "DecideAction",
            obj(
                "Approve or reject one action of an exception (command data).",
                [
                    "exception": code("exception ID"),
                    "action": str("action ID"),
                    "comment": str("why"),
                ]
            )
        ),
        (
            "ActionDecided",
            obj(
                "An approval or rejection as recorded.",
                [
                    "exception": code("exception ID"),
                    "action": str("action ID"),
                    "decision": ref("ApprovalRecord", "the decision"),
                    "fullyApproved": bool("true when this completed the approvals: the orchestrator now carries the action out"),
                ]
            )
        ),
        (
            "ActionExecuted",
            obj(
                "The orchestrator carried out an approved action (or failed to).",
                [
                    "exception": code("exception ID"),
                    "action": str("action ID"),
                    "eventSequences": arr(int64("an event sequence"), "the events its commands recorded"),
                    "error": str("why it failed; the exception is open again"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "ExceptionVerified",
            obj(
                "The verification of an exception after its action.",
                [
                    "exception": code("exception ID"),
                    "verification": ref("Verification", "the check"),
                ]
            )
        ),
        (
            "DismissException",
            obj(
                "Close an open exception without action (command data).",
                [
                    "exception": code("exception ID"),
                    "reason": str("why"),
                ]
            )
        ),
        (
            "ExceptionDismissed",
            obj(
                "An exception was dismissed.",
                [
                    "exception": code("exception ID"),
                    "reason": str("why"),
                    "by": code("who"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "AssignException",
            obj(
                "Give an exception an owner, or take the owner away (command data).",
                [
                    "exception": code("exception ID"),
                    "owner": code("the user who takes it on (an active user who works the inbox); left out: nobody"),
                ]
            )
        ),
        (
            "ExceptionAssigned",
            obj(
                "An exception was given an owner, or its owner taken away.",
                [
                    "exception": code("exception ID"),
                    "owner": code("the new owner; absent: nobody"),
                    "by": code("who"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "RecommendAction",
            obj(
                "Recommend one of an exception's proposed actions to its approvers, with the reasons: a proposal, not a decision (command data).",
                [
                    "exception": code("exception ID"),
                    "action": code("the action's ID within the exception, e.g. `A2`"),
                    "comment": words("why this action (required, at most 2000 characters)"),
                ]
            )
        ),
        (
            "ActionRecommendation",
            obj(
                "A recommendation of an action, as recorded on it.",
                [
                    "by": code("who recommended it"),
                    "comment": words("why"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "ActionRecommended",
            obj(
                "A proposed action of an exception was recommended to its approvers.",
                [
                    "exception": code("exception ID"),
                    "action": code("the action's ID within the exception"),
                    "recommendation": ref("ActionRecommendation", "who, why and when"),
                ]
            )
        ),
        (
            "AgentAct",
            obj(
                "An AI agent (an MCP client, or the language model of the front door) caused the command of this commit, for a user.",
                [
                    "user": code("the user whose token (or session) the agent acted with: the roles it had"),
                    "token": code("the API token the agent authenticated with; absent for the language front door"),
                    "agent": words("the agent's name: the token's label, or the model's name"),
                    "client": str("how the client introduced itself (MCP clientInfo through takt mcp, or the HTTP User-Agent)"),
                    "channel": schema(
                        ["type": .string("string"), "enum": .array([.string("mcp"), .string("language-model")])],
                        "how the agent reached the plant"
                    ),
                    "tool": code("the tool it called, e.g. `approve_action`"),
                ]
            )
        ),
        (
            "SnoozeException",
            obj(
                "Hide an open exception (or answered request) from the inbox until a time, or wake it now (command data).",
                [
                    "exception": code("exception ID"),
                    "until": date("later than now, at most 30 days ahead; left out: wake it now"),
                ]
            )
        ),
        (
            "ExceptionSnoozed",
            obj(
                "An exception was hidden from the inbox until a time, or woken.",
                [
                    "exception": code("exception ID"),
                    "until": date("hidden until then; absent: woken"),
                    "by": code("who"),
                    "at": date("when"),
                ]
            )
        ),

        // Orchestration: playbooks and the approval policy
        (
            "Playbook",
            obj(
                "A rule as data: when an event of a type matches the conditions, raise an exception of a kind, consider these actions, hand out tasks, tell these roles, and carry out the automatic actions that need no approval.",
                [
                    "id": code("playbook ID"),
                    "name": words("its name"),
                    "description": str("what it is for"),
                    "version": int("set by the plant: 1, 2, … (ignored in a definition)", 0...),
                    "enabled": bool("false: it raises nothing"),
                    "event": enumOf(Event.typeNames, "the event type that triggers it"),
                    "conditions": arr(ref("PlaybookCondition"), "all must hold"),
                    "exceptionKind": enumOf(DisruptionKind.allCases.map(\.rawValue), "the kind of exception it raises"),
                    "severity": enumOf(ExceptionSeverity.allCases.map(\.rawValue), "the least severity; the impact may raise it"),
                    "functions": arr(enumOf(PlantFunction.allCases.map(\.rawValue), "a plant function"), "the parts of the plant it concerns"),
                    "actions": arr(
                        enumOf(ActionKind.allCases.map(\.rawValue), "an action kind"),
                        "candidate actions, in order of preference",
                        unique: true
                    ),
                    "tasks": arr(ref("ExceptionTask"), "tasks to hand out"),
                    "notify": arr(enumOf(Role.allCases.map(\.rawValue), "a role"), "roles to tell"),
                    "automatic": arr(
                        enumOf(ActionKind.allCases.map(\.rawValue), "an action kind"),
                        "carried out at once, without approval, when ranked first (a subset of `actions`)"
                    ),
                    "assumedDurationMinutes": int("for disruptions without a known end: how long to assume", 1...40_320),
                ]
            )
        ),
        (
            "PlaybookCondition",
            obj(
                "A condition on a field of the triggering event's payload.",
                [
                    "field": str("a dotted path, e.g. `state` or `shortage.shortBy`"),
                    "op": enumOf(PlaybookCondition.Operator.allCases.map(\.rawValue), "the comparison"),
                    "value": JSONSchema(fields: ["description": .string("any JSON value; an array for `in`; left out for `exists`")]),
                ]
            )
        ),
        (
            "ApprovalPolicy",
            obj(
                "Which roles must approve each kind of action; kinds not listed need a planner.",
                [
                    "rules": arr(ref("ApprovalRule"), "one rule per action kind"),
                    "engineeringChange": ref("EngineeringChangeApprovalRule", "who approves engineering changes"),
                ]
            )
        ),
        (
            "ApprovalRule",
            obj(
                "The roles that must all approve an action kind.",
                [
                    "action": enumOf(ActionKind.allCases.map(\.rawValue), "the action kind"),
                    "roles": arr(enumOf(Role.allCases.map(\.rawValue), "a role"), "every role listed must approve; empty: no approval needed"),
                    "signed": bool("true: approving or rejecting such an action needs the approver's electronic signature"),
                ]
            )
        ),
        (
            "SignedRecord",
            obj(
                "The record a signature belongs to.",
                [
                    "kind": enumOf(SignedRecordKind.allCases.map(\.rawValue), "the kind of record"),
                    "id": code("its ID"),
                ]
            )
        ),
        (
            "ElectronicSignature",
            obj(
                "An electronic signature as recorded: who, when, what it means, what was signed, and its binding to the record.",
                [
                    "signer": code("the signer's user ID"),
                    "signerName": str("the signer's full name"),
                    "meaning": enumOf(SignatureMeaning.allCases.map(\.rawValue), "what it means"),
                    "at": date("when it was given (the plant clock)"),
                    "record": ref("SignedRecord", "the record signed"),
                    "action": str("the command signed"),
                    "statement": str("what was signed, in words"),
                    "signedEvents": int("how many events right before it (of the same command) it signs", 0...),
                    "binding": str("lowercase hex SHA-256 over the record's identity, these fields and the signed events' content"),
                ]
            )
        ),
        (
            "PasswordHash",
            obj(
                "A scrypt password hash with its parameters (only in the server's log; redacted for readers).",
                [
                    "algorithm": enumOf(["scrypt"], "the hash"),
                    "n": int("scrypt cost N, a power of two", 16384...1_048_576),
                    "r": int("scrypt block size", 8...32),
                    "p": int("scrypt parallelism", 1...16),
                    "salt": str("base64 of the random salt"),
                    "hash": str("base64 of the derived key"),
                ]
            )
        ),
        // Webhooks
        (
            "WebhookCondition",
            obj(
                "A condition on an event's data: a top-level field and the value it must have.",
                [
                    "field": str("a top-level field of the event's `data`, e.g. `productionOrder` (1 to 64 letters or digits)"),
                    "equals": str("the value it must have, as text (numbers and booleans as JSON writes them: `3`, `true`)"),
                ]
            )
        ),
        (
            "WebhookSubscription",
            obj(
                "Where the plant sends which events, signed with the subscription's secret (docs/integration.md, Webhooks).",
                [
                    "id": code("subscription ID, e.g. `WH-000001`"),
                    "url": str("the receiver: an http or https URL"),
                    "eventTypes": arr(str("an event type, or `*`"), "the event types it wants, or `[\"*\"]` for every type", minItems: 1),
                    "conditions": arr(ref("WebhookCondition"), "every condition must hold for an event to be sent (none: every event of the types)"),
                    "description": words("what it is for"),
                    "active": bool("false: paused, nothing is sent; on resuming it gets what it missed"),
                    "secret": str("the signing secret; always `[redacted]` in what the server sends (shown once, when created)"),
                    "createdAt": date("when it was created"),
                    "updatedAt": date("when it was last changed"),
                ]
            )
        ),
        (
            "NewWebhookSubscription",
            obj(
                "Create a webhook subscription (command data); POST /api/v1/webhooks generates the secret.",
                [
                    "id": code("subscription ID (default: numbered `WH-000001`, …)"),
                    "url": str("the receiver: an http or https URL, no user or password, no fragment"),
                    "eventTypes": arr(str("an event type, or `*`"), "the event types it wants, or `[\"*\"]`", minItems: 1),
                    "conditions": arr(ref("WebhookCondition"), "conditions on the event's data, at most 20"),
                    "description": words("what it is for"),
                    "secret": str("the signing secret: `whsec_` and 32 to 128 letters, digits, `-` or `_`"),
                ]
            )
        ),
        (
            "UpdateWebhookSubscription",
            obj(
                "Change a webhook subscription (command data): the fields given replace its own.",
                [
                    "subscription": code("subscription ID"),
                    "url": str("the new receiver"),
                    "eventTypes": arr(str("an event type, or `*`"), "the new event types", minItems: 1),
                    "conditions": arr(ref("WebhookCondition"), "the new conditions (an empty list removes them)"),
                    "description": words("what it is for"),
                    "active": bool("false pauses it, true resumes it"),
                ]
            )
        ),
        (
            "WebhookSubscriptionRef",
            obj("A webhook subscription (command and event data).", ["subscription": code("subscription ID")])
        ),
        (
            "WebhookDeadLetter",
            obj(
                "An event a webhook gave up on after its retries.",
                [
                    "id": code("dead letter ID, e.g. `WDL-000001`"),
                    "subscription": code("the subscription"),
                    "eventSequence": int64("the event not delivered: its position in the log"),
                    "eventType": str("its type"),
                    "attempts": int("how many times delivery was tried", 1...),
                    "lastError": str("the last failure, e.g. `HTTP 503` or a connection error"),
                    "replayOf": code("the dead letter whose replay failed again, if this is one"),
                    "at": date("when it was recorded"),
                    "status": enumOf(
                        WebhookDeadLetterStatus.allCases.map(\.rawValue),
                        "open: waits for a replay; replayed: handed back to the deliverer"
                    ),
                    "replayedAt": date("when it was replayed"),
                    "replayedBy": code("who replayed it"),
                ]
            )
        ),
        (
            "RecordWebhookDeadLetter",
            obj(
                "Record an event a webhook could not deliver (command data; the deliverer writes it).",
                [
                    "subscription": code("the subscription"),
                    "eventSequence": int64("the event's position in the log"),
                    "eventType": str("the event's type"),
                    "attempts": int("how many times delivery was tried", 1...),
                    "lastError": str("the last failure (1 to 500 characters)"),
                    "replayOf": code("the dead letter whose replay failed, if this is one"),
                ]
            )
        ),
        (
            "WebhookDeadLetterRef",
            obj("A dead letter to replay (command data).", ["deadLetter": code("dead letter ID")])
        ),
        (
            "WebhookDeadLetterReplayed",
            obj(
                "A dead letter was replayed: its event is delivered again (event data).",
                [
                    "deadLetter": code("dead letter ID"),
                    "subscription": code("the subscription"),
                    "eventSequence": int64("the event delivered again"),
                    "by": code("who replayed it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "WebhookRequest",
            obj(
                "A new webhook subscription; the server generates its signing secret.",
                [
                    "id": code("subscription ID (default: numbered `WH-000001`, …)"),
                    "url": str("the receiver: an http or https URL, no user or password, no fragment"),
                    "eventTypes": arr(str("an event type, or `*`"), "the event types it wants, or `[\"*\"]` for every type", minItems: 1),
                    "conditions": arr(ref("WebhookCondition"), "conditions on the event's data, at most 20"),
                    "description": words("what it is for"),
                ]
            )
        ),
        (
            "WebhookUpdateRequest",
            obj(
                "A change to a webhook subscription: the fields sent replace its own.",
                [
                    "url": str("the new receiver"),
                    "eventTypes": arr(str("an event type, or `*`"), "the new event types", minItems: 1),
                    "conditions": arr(ref("WebhookCondition"), "the new conditions (an empty list removes them)"),
                    "description": words("what it is for"),
                    "active": bool("false pauses it, true resumes it (it then gets what it missed)"),
                ]
            )
        ),
        (
            "CreatedWebhook",
            obj(
                "A new webhook subscription and its signing secret.",
                [
                    "subscription": ref("WebhookSubscription", "the subscription as recorded"),
                    "secret": str("the signing secret (`whsec_…`); shown only in this answer, left out on an idempotent replay"),
                ]
            )
        ),
        (
            "WebhookList",
            obj("Webhook subscriptions, without their secrets.", ["items": arr(ref("WebhookSubscription"), "the subscriptions, by ID")])
        ),
        (
            "WebhookDeadLetterList",
            obj("Webhook dead letters.", ["items": arr(ref("WebhookDeadLetter"), "the dead letters, newest first")])
        ),
        (
            "SetPassword",
            obj(
                "Set a user's password from a hash (command data); use POST /api/v1/users/{id}/password, which hashes it.",
                [
                    "user": code("user ID"),
                    "hash": ref("PasswordHash", "the password's derived key and the parameters that derived it"),
                ]
            )
        ),
        (
            "PasswordSet",
            obj(
                "A password was set (event data).",
                [
                    "user": code("user ID"),
                    "hash": ref("PasswordHash", "the password's derived key and the parameters that derived it"),
                    "by": code("who set it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "ReportAbsence",
            obj(
                "Someone is away (command data).",
                [
                    "user": code("user ID"),
                    "from": date("when the absence starts (default now)"),
                    "until": date("when they are back"),
                    "reason": str("why; at most 200 characters"),
                ]
            )
        ),
        (
            "Absence",
            obj(
                "A reported absence.",
                [
                    "user": code("user ID"),
                    "from": date("when it starts"),
                    "until": date("when they are back"),
                    "reason": str("why"),
                    "by": code("who reported it"),
                    "at": date("when it was reported"),
                ]
            )
        ),
        (
            "ReportOperationDelay",
            obj(
                "An operation runs late (command data).",
                [
                    "productionOrder": code("production order ID"),
                    "sequence": int("operation sequence number"),
                    "extraMinutes": int("its expected overrun in minutes", 1...100_000),
                    "reason": str("why"),
                ]
            )
        ),
        (
            "OperationDelayReported",
            obj(
                "An operation's expected overrun, as reported.",
                [
                    "productionOrder": code("production order ID"),
                    "sequence": int("operation sequence number"),
                    "extraMinutes": int("its expected overrun in minutes", 1...100_000),
                    "reason": str("why"),
                    "by": code("who reported it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "Overtime",
            obj(
                "Extra working time on a work center outside its shifts.",
                [
                    "workCenter": code("work center ID"),
                    "start": date("from"),
                    "end": date("to"),
                    "reason": str("why"),
                    "by": code("who scheduled it"),
                ]
            )
        ),

        // System
        (
            "Health",
            obj(
                "The server is up and its event log is readable.",
                [
                    "status": str("always `ok` when the server answers"),
                    "version": str("the server's version"),
                    "sequence": int64("sequence number of the last committed event"),
                ]
            )
        ),
        (
            "Problem",
            obj(
                "An RFC 9457 problem: what went wrong, naming the fields and rules that failed.",
                [
                    "type": str("URN of the kind of problem, e.g. `urn:takt:problem:invalid-command`"),
                    "title": str("short, fixed summary of the kind of problem"),
                    "status": int("the HTTP status code"),
                    "detail": str("what went wrong in this request, in words a user can act on"),
                    "instance": str("the request path"),
                    "errors": arr(ref("Violation"), "every field and rule that failed"),
                    "requestId": str("the request's ID, to find it in the server log"),
                ]
            )
        ),
        (
            "OwnerRequest",
            obj(
                "Give an exception an owner.",
                ["owner": code("the user who takes it on; left out: nobody")]
            )
        ),
        (
            "SnoozeRequest",
            obj(
                "Hide an exception from the inbox until a time.",
                ["until": date("later than now, at most 30 days ahead; left out: wake it now")]
            )
        ),
        (
            "Violation",
            obj(
                "One rule a request broke.",
                [
                    "field": str("JSON path of the offending field, e.g. `operations[1].workCenters`"),
                    "rule": str("machine-readable rule name, e.g. `required`, `positive`, `unknown-reference`, `cycle`"),
                    "message": str("a sentence a user can act on"),
                ]
            )
        ),
        (
            "TokenRequest",
            obj(
                "Ask for a new API token.",
                [
                    "label": words("what the token is for, e.g. `line 3 terminal`; an agent's token names the agent (the log records it)"),
                    "readOnly": bool("true: the token may only read (GET, MCP read tools); default false"),
                ]
            )
        ),
        (
            "TokenList",
            obj(
                "A user's API tokens, without their secrets.",
                [
                    "items": arr(ref("APIToken"), "the tokens, by ID")
                ]
            )
        ),
        (
            "IssuedToken",
            obj(
                "A newly issued API token and its secret.",
                [
                    "token": ref("APIToken", "the token as recorded"),
                    "secret": str(
                        "the secret to send as `Authorization: Bearer <secret>`; shown only in this answer, left out on an idempotent replay"
                    ),
                ]
            )
        ),
        (
            "PromiseRequest",
            obj(
                "Promise a delivery date for a line.",
                [
                    "promisedDate": date("the promised delivery date")
                ]
            )
        ),
        (
            "ReasonRequest",
            obj(
                "The reason for a cancellation or a release.",
                [
                    "reason": words("why"),
                    "signature": ref("SignatureInput", "required to release a hold: the releaser's password re-entered and the meaning `released`"),
                ]
            )
        ),

        // Scheduling
        (
            "ScheduleRunRequest",
            obj(
                "How to run the optimizer.",
                [
                    "timeLimitSeconds": num("how long it may improve the schedule; 2 s when left out, at most 60", above: 0),
                    "seed": int("seed of the search, for reproducible runs", 0...),
                    "iterations": int(
                        "stop after this many search iterations (one search thread): the same plant, seed and iterations "
                            + "give the same schedule on any machine; the time limit (then 60 s unless given) still applies",
                        1...100_000
                    ),
                ]
            )
        ),
        (
            "PromiseQuery",
            obj(
                "A new order to promise a date for (nothing is created).",
                [
                    "item": code("the item to make"),
                    "quantity": num("how many", above: 0),
                    "routing": code("the routing; the item's only routing when left out"),
                    "priority": int("1 (most urgent) to 5; 3 when left out", 1...5),
                ]
            )
        ),
        (
            "PromiseAnswer",
            obj(
                "The earliest completion of a new order, fitted around the orders already scheduled.",
                [
                    "item": code("the item"),
                    "quantity": num("how many", above: 0),
                    "routing": code("the routing it would follow"),
                    "earliestCompletion": date("when its last operation would end"),
                    "steps": arr(ref("ScheduledStep"), "its operations as they would run"),
                    "basedOn": code("the published schedule it was fitted into; absent when none is published"),
                ]
            )
        ),
        (
            "ReasonCodeLists",
            obj(
                "The plant's reason lists, each reason a code and the words it is picked by.",
                [
                    "scrap": arr(ref("ReasonCode"), "scrap reasons: `scrapReason` of a quantity report must be one of these codes"),
                    "down": arr(ref("ReasonCode"), "why a machine is down (the terminal records the words, then the operator's note)"),
                    "slow": arr(ref("ReasonCode"), "why a machine runs slower than its ideal rate"),
                ]
            )
        ),
        (
            "ReasonCode",
            obj(
                "A reason from one of the plant's lists.",
                [
                    "code": code("what is recorded and counted, e.g. `porosity`"),
                    "label": words("the words an operator picks it by"),
                ]
            )
        ),
        (
            "DispatchList",
            obj(
                "What a work center should run, in order, and whether the signed-in user could start each operation now.",
                [
                    "workCenter": code("the work center"),
                    "orderedBy": enumOf(["schedule", "due-date"], "by the published schedule, or by due date then priority when none is published"),
                    "schedule": code("the published schedule it follows"),
                    "items": arr(ref("DispatchEntry"), "operations of planned, released and started orders that are not completed, next first"),
                ]
            )
        ),
        (
            "DispatchEntry",
            obj(
                "One operation on a dispatch list.",
                [
                    "productionOrder": code("the production order"),
                    "sequence": int("the routing operation's sequence number", 1...),
                    "name": words("the operation's name"),
                    "item": code("the item the order makes"),
                    "quantity": num("how many", above: 0),
                    "orderStatus": enumOf(ProductionOrderStatus.allCases.map(\.rawValue), "the order's status"),
                    "priority": int("1 (most urgent) to 5", 1...5),
                    "dueDate": date("when the order is due"),
                    "start": date("scheduled start"),
                    "end": date("scheduled end"),
                    "operationStatus": enumOf(OperationStatus.allCases.map(\.rawValue), "where the operation stands on the shop floor"),
                    "canStart": bool("whether the signed-in user could start it here now; false once it is running or paused"),
                    "blockers": arr(
                        ref("Violation"),
                        "the interlocks that stop the signed-in user from starting it here now (overridden ones left out); empty once it runs"
                    ),
                ]
            )
        ),
        (
            "MoveRequest",
            obj(
                "Move a lot.",
                [
                    "to": code("the location it goes to")
                ]
            )
        ),
        (
            "LotStatusRequest",
            obj(
                "Hold, quarantine, release or scrap a lot.",
                [
                    "status": enumOf(LotStatus.allCases.map(\.rawValue), settable),
                    "reason": words("why"),
                ]
            )
        ),
        (
            "AcknowledgeRequest",
            obj(
                "Acknowledge having read a work instruction.",
                [
                    "revision": revision("the revision read; it must be the current one")
                ]
            )
        ),

        // Execution: operations
        (
            "OperationList",
            obj(
                "The execution record of a production order's operations.",
                [
                    "productionOrder": code("production order ID"),
                    "items": arr(ref("OperationProgress"), "its operations, in routing order"),
                ]
            )
        ),
        (
            "OperationProgress",
            obj(
                "The execution record of one routing operation of a production order.",
                [
                    "sequence": int("the routing operation's sequence number", 1...),
                    "name": words("the operation's name"),
                    "status": enumOf(OperationStatus.allCases.map(\.rawValue), "where the operation stands"),
                    "workCenter": code("where it runs (set when started)"),
                    "good": num("good units reported", min: 0),
                    "scrap": num("scrapped units reported", min: 0),
                    "rework": num("units reported for rework", min: 0),
                    "plannedMinutes": num("planned setup and run minutes for the order quantity on its work center (set when started)", min: 0),
                    "segments": arr(ref("WorkSegment"), "the stretches of work on it, oldest first"),
                    "pauseReason": str("why it is paused"),
                    "startedAt": date("when it first started"),
                    "completedAt": date("when it was completed"),
                    "inspectionRequired": bool("the routing asks for an inspection of this operation"),
                    "inspectionPassed": bool("an inspection of it passed"),
                    "overrides": arr(ref("InterlockOverride"), "interlocks a supervisor let pass on it"),
                    "reworkOf": code("a rework operation added by a nonconformance's disposition: the nonconformance it reworks"),
                    "reworkWorkCenter": code("a rework operation: where it runs (it has no routing step, setup or run time)"),
                ]
            )
        ),
        (
            "WorkSegment",
            obj(
                "One stretch of work on an operation, from start or resume to pause or completion.",
                [
                    "operator": code("who worked; absent when the system itself started it"),
                    "workCenter": code("where"),
                    "start": date("when it began"),
                    "end": date("when it ended; absent while it runs"),
                ]
            )
        ),
        (
            "StartRequest",
            obj(
                "Start an operation; every field may be left out.",
                [
                    "workCenter": code(
                        "where it runs; may be left out when the operation has one eligible work center or the operator is clocked in at one of them"
                    ),
                    "operator": code("who does the work; the signed-in user when left out (someone else only for a supervisor)"),
                ]
            )
        ),
        (
            "ResumeRequest",
            obj(
                "Resume a paused operation.",
                [
                    "operator": code("who does the work now; the signed-in user when left out")
                ]
            )
        ),
        (
            "QuantityRequest",
            obj(
                "Quantities made since the last report; each is 0 when left out.",
                [
                    "good": num("good units", min: 0),
                    "scrap": num("scrapped units", min: 0),
                    "scrapReason": str(scrapReasonDescription),
                    "rework": num("units for rework", min: 0),
                ]
            )
        ),

        // Execution: interlocks and inspections
        (
            "OverrideRequest",
            obj(
                "Let one interlock pass on an operation (for a lot interlock, optionally for one lot only).",
                [
                    "interlock": enumOf(Interlock.allCases.map(\.rawValue), "the interlock to let pass"),
                    "reason": words("why it is safe to pass it"),
                    "lot": nullable(code("for a lot interlock: the one lot it lets pass; null (or left out) for every lot")),
                ]
            )
        ),
        (
            "InspectionRequest",
            obj(
                "The result of an inspection.",
                [
                    "passed": bool("whether the operation passed"),
                    "note": str("what was found"),
                ]
            )
        ),

        // Execution: lots
        (
            "ConsumeRequest",
            obj(
                "Consume a quantity of a lot into an operation.",
                [
                    "lot": code("lot ID"),
                    "quantity": num("how much, in the item's unit", above: 0),
                ]
            )
        ),
        (
            "ConsumptionProposal",
            obj(
                "What scanning a lot into an operation should consume, and what would refuse it.",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "lot": code("the scanned lot"),
                    "item": code("the lot's item"),
                    "unit": str("the item's unit"),
                    "location": code("where the lot is"),
                    "component": code("the BOM component the lot stands for (its own item or one it substitutes)"),
                    "consumingOperation": int("the routing operation that consumes the component", 1...),
                    "required": num("BOM quantity × order quantity of the component", min: 0),
                    "consumed": num("what the order consumed of the component and its substitutes so far", min: 0),
                    "remaining": num("required − consumed, not below 0", min: 0),
                    "inLot": num("the lot's quantity", min: 0),
                    "reservedForOthers": num("of it, reserved for other orders", min: 0),
                    "free": num("what the lot can give this order without taking other orders' reservations", min: 0),
                    "proposed": num(
                        "the quantity to propose: remaining, capped by free (by the lot when nothing is free); 0 when nothing remains",
                        min: 0
                    ),
                    "blockers": arr(
                        ref("Violation"),
                        "what would refuse consuming the proposed quantity now, after overrides (interlocks by their rule)"
                    ),
                    "summary": str("a sentence for the operator"),
                ]
            )
        ),
        (
            "ProduceRequest",
            obj(
                "Book an output lot: either `lot` with `quantity`, or `serials` (one unit each).",
                [
                    "lot": code("the new lot's ID"),
                    "quantity": num("how much, with `lot`", above: 0),
                    "serials": arr(code("a serial number, which becomes a lot ID"), "one lot of one unit per serial number", minItems: 1),
                    "location": code("where the output is put"),
                ]
            )
        ),

        // Execution: labour
        (
            "UserRequest",
            obj(
                "Names the user to clock in or out; the signed-in user when left out (someone else only for a supervisor).",
                [
                    "user": code("user ID")
                ]
            )
        ),
        (
            "ClockedInList",
            obj(
                "Who is clocked in at a work center now.",
                [
                    "workCenter": code("work center ID"),
                    "items": arr(ref("ClockIn"), "the users clocked in, earliest first"),
                ]
            )
        ),
        (
            "LabourReport",
            obj(
                "Labour within a time window.",
                [
                    "from": date("window start"),
                    "to": date("window end"),
                    "sessions": arr(ref("LabourReportSession"), "clock-in sessions that touch the window, by start"),
                    "operations": arr(ref("OperationLabour"), "minutes each operator worked on each operation within the window"),
                ]
            )
        ),
        (
            "LabourReportSession",
            obj(
                "A clock-in session.",
                [
                    "user": code("user ID"),
                    "workCenter": code("work center ID"),
                    "start": date("when they clocked in"),
                    "end": nullable(date("when they clocked out; null while still clocked in")),
                    "minutes": num("minutes of it within the window (an open session counts until now)", min: 0),
                ]
            )
        ),
        (
            "OperationLabour",
            obj(
                "The minutes one operator worked on one operation at one work center within the window.",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "name": words("the operation's name"),
                    "workCenter": code("where"),
                    "operator": code("who"),
                    "minutes": num("minutes worked within the window (running work counts until now)", min: 0),
                ]
            )
        ),

        // Execution: machines
        (
            "MachineStateRequest",
            obj(
                "A work center's machine state.",
                [
                    "state": enumOf(MachineState.allCases.map(\.rawValue), "running, slow (below the ideal rate), setup, idle or down"),
                    "reason": str("required for down, e.g. `spindle failure`; at most 200 characters"),
                    "actualRate": num("for slow: the observed rate, units per hour", min: 0),
                    "idealRate": num("for slow: the ideal rate, units per hour", above: 0),
                    "expectedUntil": date(
                        "for down and slow: when the work center is expected back at its ideal rate (the repair time maintenance "
                            + "reports); the orchestrator plans with it instead of the playbook's assumed duration"
                    ),
                ]
            )
        ),
        (
            "MachineStateHistory",
            obj(
                "A work center's machine states in a window.",
                [
                    "workCenter": code("work center ID"),
                    "from": date("window start"),
                    "to": date("window end"),
                    "items": arr(
                        ref("MachineStateChange"),
                        "the state in force at `from` (when one was ever recorded), then every change up to `to`, oldest first"
                    ),
                ]
            )
        ),
        (
            "CountRequest",
            obj(
                "A piece count signalled by a machine.",
                [
                    "count": num("pieces since the last count", above: 0)
                ]
            )
        ),

        // Execution: lot genealogy
        (
            "LotTrace",
            obj(
                "The genealogy of one lot in one direction: the lots reached, the consumptions between them and the production "
                    + "orders (with their work centers and operators) that joined them. Lists are breadth-first: by depth, then in "
                    + "the order the plant recorded the events.",
                [
                    "root": code("the lot the trace starts from"),
                    "direction": enumOf(TraceDirection.allCases.map(\.rawValue), "backward: where the lot came from; forward: where it went"),
                    "lots": arr(ref("TracedLot"), "every lot reached, each once, the root first"),
                    "links": arr(ref("TraceLink"), "every consumption on the traced path, each once"),
                    "orders": arr(ref("TracedOrder"), "every production order the trace passes through, each once"),
                    "supplierLots": arr(ref("SupplierLot"), "backward: the purchased lots reached, each once; empty forward"),
                    "shipped": arr(ref("ShippedLot"), "forward: the lots reached that were shipped; empty backward"),
                    "truncated": bool(
                        "true when the trace stopped at its limit of lots: the lists are then the part of the genealogy nearest "
                            + "the root, and links at the boundary may name lots that are not listed"
                    ),
                ]
            )
        ),
        (
            "TracedLot",
            obj(
                "A lot reached by a trace, as it is now.",
                [
                    "id": code("lot ID"),
                    "item": code("the item"),
                    "quantity": num("the quantity left in the lot now (0 once fully consumed)"),
                    "status": enumOf(LotStatus.allCases.map(\.rawValue), "the lot's status now"),
                    "location": code("where it is"),
                    "supplier": str("who supplied it"),
                    "supplierLot": str("the supplier's own lot number"),
                    "productionOrder": code("the production order that made it; absent for purchased lots"),
                    "depth": int("production steps between this lot and the root (0 for the root)", 0...),
                ]
            )
        ),
        (
            "TraceLink",
            obj(
                "One consumption on a traced path: a quantity of an input lot consumed into an operation of a production "
                    + "order, with the lots that order made.",
                [
                    "lot": code("the input lot"),
                    "item": code("the input lot's item"),
                    "quantity": num("how much was consumed", above: 0),
                    "productionOrder": code("the order it was consumed into"),
                    "outputs": arr(code("a lot ID"), "every lot that order made so far"),
                    "operation": int("the routing operation's sequence number", 1...),
                    "workCenter": code("where it was consumed"),
                    "by": code("who booked the consumption"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "TracedOrder",
            obj(
                "A production order a trace passes through.",
                [
                    "id": code("production order ID"),
                    "item": code("the item it makes"),
                    "quantity": num("how much, in the item's unit", above: 0),
                    "status": enumOf(ProductionOrderStatus.allCases.map(\.rawValue), "where the order stands"),
                    "workCenters": arr(code("a work center ID"), "the work centers of all its operations, each once"),
                    "operators": arr(code("a user ID"), "the operators of all its operations, each once"),
                    "operations": arr(ref("TracedOperation"), "its operations, in routing order"),
                ]
            )
        ),
        (
            "TracedOperation",
            obj(
                "One operation of a traced order: where it ran and who worked on it.",
                [
                    "sequence": int("the routing operation's sequence number", 1...),
                    "name": words("the operation's name"),
                    "status": enumOf(OperationStatus.allCases.map(\.rawValue), "where the operation stands"),
                    "workCenters": arr(
                        code("a work center ID"),
                        "the work centers it ran on, in the order of its work segments (the planned one if it never ran)"
                    ),
                    "operators": arr(code("a user ID"), "the operators of its work segments, each once, in the order they worked"),
                    "startedAt": date("when it first started"),
                    "completedAt": date("when it was completed"),
                ]
            )
        ),
        (
            "SupplierLot",
            obj(
                "A purchased lot reached by a backward trace: what to name to the supplier in a recall.",
                [
                    "lot": code("lot ID"),
                    "item": code("the item"),
                    "supplier": str("who supplied it"),
                    "supplierLot": str("the supplier's own lot number"),
                ]
            )
        ),
        (
            "ShippedLot",
            obj(
                "A lot reached by a forward trace that has left the plant (status `shipped`), with its shipment when one was recorded.",
                [
                    "lot": code("lot ID"),
                    "item": code("the item"),
                    "depth": int("production steps between this lot and the root", 0...),
                    "shipment": code("the shipment that took it out"),
                    "customer": code("the customer who received it"),
                    "salesOrder": code("the sales order it was shipped against"),
                    "line": int("the sales order line", 1...),
                    "shippedAt": date("when it was shipped"),
                ]
            )
        ),

        // Execution: OEE
        (
            "WorkCenterOEE",
            obj(
                "OEE of one work center over a window.",
                [
                    "workCenter": code("work center ID"),
                    "from": date("window start"),
                    "to": date("window end (excluded)"),
                    "by": enumOf(OEEGrouping.allCases.map(\.rawValue), "window: one report for the whole window; shift: one per shift occurrence"),
                    "items": arr(
                        ref("OEEReport"),
                        "with `window`, the one report; with `shift`, one per shift occurrence overlapping the window, "
                            + "clipped to it, in time order (none when the work center has no shifts)"
                    ),
                ]
            )
        ),
        (
            "PlantOEE",
            obj(
                "OEE of every work center over a window.",
                [
                    "from": date("window start"),
                    "to": date("window end (excluded)"),
                    "by": enumOf(
                        OEEGrouping.allCases.map(\.rawValue),
                        "window: one report per work center; shift: one per work center and shift occurrence"
                    ),
                    "items": arr(ref("OEEReport"), "by work center ID; with `shift`, each work center's shift occurrences in time order"),
                ]
            )
        ),
        (
            "OEEReport",
            obj(
                "OEE of one work center over a window `[from, to)` per ISO 22400-2, with the times (minutes) and quantities "
                    + "it rests on and where the losses went. A ratio is null when its denominator is 0. Every ratio lies in [0, 1]: "
                    + "where the record cannot be true (performance above 1), performance and OEE are null and dataIssues says why.",
                [
                    "workCenter": code("work center ID"),
                    "from": date("start of the window (or of the shift occurrence, clipped to the window)"),
                    "to": date("end of the window (excluded)"),
                    "shift": nullable(str("the shift occurrence this report covers; null for a plain window")),
                    "plannedBusyTime": num(
                        "PBT: minutes of the window in shifts, minus planned downtime (the whole window minus planned downtime without shifts)",
                        min: 0
                    ),
                    "actualProductionTime": num("APT: minutes running, or slow while an operation runs there, within planned busy time", min: 0),
                    "setupTime": num("AUST: minutes in setup within planned busy time", min: 0),
                    "downTime": num("ADET: minutes down within planned busy time", min: 0),
                    "idleTime": num(
                        "ADOT: minutes idle, with no recorded state, or slow with no operation running, within planned busy time",
                        min: 0
                    ),
                    "unplannedProductionTime": num(
                        "production minutes (as APT counts them) inside the window but outside planned busy time; in no KPI",
                        min: 0
                    ),
                    "producedQuantity": num("PQ: good + scrap + rework reported in the window", min: 0),
                    "goodQuantity": num("GQ: good units reported in the window", min: 0),
                    "scrapQuantity": num("scrapped units reported in the window", min: 0),
                    "reworkQuantity": num("units for rework reported in the window", min: 0),
                    "idealProductionTime": num("PRI × PQ: ideal minutes of the units reported in the window", min: 0),
                    "machineCount": nullable(num("sum of machine piece counts signalled in the window; null when none; in no KPI", min: 0)),
                    "availability": nullable(num("APT / PBT; null without planned busy time", min: 0)),
                    "performance": nullable(
                        num(
                            "PRI × PQ / APT (ISO effectiveness), at most 1; null without production time, and null (with a data issue) "
                                + "when more was booked than the ideal rate allows in the recorded production time",
                            min: 0
                        )
                    ),
                    "quality": nullable(num("GQ / PQ (ISO quality ratio); null when nothing was produced", min: 0)),
                    "oee": nullable(num("availability × performance × quality; null when any of them is", min: 0)),
                    "dataIssues": arr(ref("OEEDataIssue"), "what is wrong with the record behind the figures, in words; empty when nothing is"),
                    "losses": ref("OEELosses", "where the planned busy time and the quantities went"),
                ]
            )
        ),
        (
            "OEEDataIssue",
            obj(
                "A flaw in the recorded data that makes an OEE figure meaningless.",
                [
                    "rule": enumOf(
                        ["performance-above-ideal", "quantity-without-production-time"],
                        "performance-above-ideal: more was booked than the ideal rate allows in the recorded production time; "
                            + "quantity-without-production-time: quantities were booked but no production time was recorded"
                    ),
                    "message": str("what is wrong, in words"),
                ]
            )
        ),
        (
            "PlantKPIs",
            obj(
                "The plant's headline figures at one moment, as the control tower shows them (docs/kpis.md).",
                [
                    "at": date("when they were computed"),
                    "delivery": ref("DeliveryForecast", "the on-time delivery forecast"),
                    "ordersInProgress": int("production orders in progress", 0...),
                    "operationsRunning": int("operations running", 0...),
                    "operationsPaused": int("operations paused", 0...),
                    "openExceptions": int("exceptions open or executing", 0...),
                    "openExceptionsByFunction": obj(
                        "Open exceptions per function they are tagged with; an exception counts under each of its functions.",
                        PlantFunction.allCases.map { ($0.rawValue, int("open exceptions tagged \($0.rawValue)", 1...)) }
                    ),
                    "activeHolds": int("holds not released", 0...),
                    "projectedShortages": int("items with a projected shortage", 0...),
                    "oeeFrom": date("start of the OEE window"),
                    "oeeTo": date("end of the OEE window (excluded)"),
                    "oee": arr(ref("OEEReport"), "OEE per work center over the window, by work center ID"),
                ]
            )
        ),
        (
            "DeliveryForecast",
            obj(
                "The on-time delivery forecast: every open order that serves a due date (customer lines and stock "
                    + "orders), judged against the published schedule.",
                [
                    "at": date("when it was computed"),
                    "schedule": code("the published schedule it follows; absent when none is published (then nothing open is forecast)"),
                    "counted": int("open entries with a verdict (on time, at risk or late): the ratio's denominator", 0...),
                    "onTime": int("of them, finishing by their due date (on time or at risk): the numerator", 0...),
                    "atRisk": int("finishing by their due date with less than a day in hand", 0...),
                    "late": int("finishing after their due date, or past it and not finished", 0...),
                    "notForecast": int("open entries without a verdict, outside the ratio", 0...),
                    "customerLines": int("customer lines among the counted", 0...),
                    "stockOrders": int("stock orders among the counted", 0...),
                    "onTimeRatio": num("onTime / counted; absent without a published schedule or when nothing is counted", min: 0),
                    "statement": str("what the figure counts, in words"),
                    "entries": arr(ref("DeliveryForecastEntry"), "every open entry, by due date"),
                ]
            )
        ),
        (
            "DeliveryForecastEntry",
            obj(
                "One open order that serves a due date: a customer order line, or a production order made to stock.",
                [
                    "kind": enumOf(
                        DeliveryForecastEntry.Kind.allCases.map(\.rawValue),
                        "customer-line: an open sales order line not shipped in full, against its promised, else requested, date; "
                            + "stock-order: an open production order pegged to no open customer line, against its due date"
                    ),
                    "salesOrder": code("a customer line's sales order"),
                    "line": int("a customer line's line number", 1...),
                    "customer": code("a customer line's customer"),
                    "productionOrders": arr(code("a production order ID"), "the production orders that make it"),
                    "item": code("what is delivered"),
                    "quantity": num("how much", above: 0),
                    "due": date("the date it is measured against"),
                    "finish": date(
                        "when it finishes: the last of its production orders, at completion or at the end of its last scheduled step (not before now)"
                    ),
                    "slackMinutes": num("minutes from finish (or now, when late without a forecast) to due; negative when late"),
                    "verdict": enumOf(DeliveryVerdict.allCases.map(\.rawValue), "how it stands against its due date"),
                    "note": str("how the finish was found, or why there is none"),
                ]
            )
        ),
        (
            "OEELosses",
            obj(
                "The loss breakdown of an OEE report: availability losses (down by reason, setup, idle), performance losses "
                    + "(speed) and quality losses (scrap by reason, rework).",
                [
                    "down": arr(ref("DownLoss"), "down time by reason, longest first"),
                    "setupMinutes": num("same as setupTime", min: 0),
                    "idleMinutes": num("same as idleTime; includes noStateMinutes", min: 0),
                    "noStateMinutes": num("the part of the idle minutes with no recorded machine state at all", min: 0),
                    "speedLossMinutes": num("APT − PRI × PQ, not below 0", min: 0),
                    "slowMinutes": num("minutes slow within planned busy time (part of APT)", min: 0),
                    "scrap": arr(ref("ScrapLoss"), "scrap by reason, most ideal minutes first"),
                    "reworkQuantity": num("units for rework", min: 0),
                    "reworkIdealMinutes": num("ideal minutes spent on the units sent to rework", min: 0),
                ]
            )
        ),
        (
            "DownLoss",
            obj(
                "Down time of one reason.",
                [
                    "reason": nullable(str("the reason given when the machine went down; null when none was recorded")),
                    "minutes": num("minutes down for it within planned busy time", min: 0),
                    "stops": int("how many times the machine went down for it (stops contributing planned time)", 0...),
                ]
            )
        ),
        (
            "ScrapLoss",
            obj(
                "Scrap of one reason.",
                [
                    "reason": nullable(str("the scrap reason reported; null when none was given")),
                    "quantity": num("units scrapped", min: 0),
                    "idealMinutes": num("ideal minutes spent on them", min: 0),
                ]
            )
        ),

        // Warehouse: stock
        (
            "StockList",
            obj(
                "Lots in stock.",
                [
                    "items": arr(ref("StockLine"), "by item, location and lot")
                ]
            )
        ),
        (
            "StockLine",
            obj(
                "One lot in stock, where it is, and how much of it is free.",
                [
                    "item": code("the item"),
                    "lot": code("lot ID"),
                    "location": code("where it is"),
                    "status": enumOf(LotStatus.allCases.map(\.rawValue), "available, on-hold or quarantine"),
                    "quantity": num("how much is in the lot"),
                    "reserved": num("how much of it is reserved for production orders", min: 0),
                    "availableToReserve": num("quantity − reserved, for an available lot that is not missing; else 0", min: 0),
                    "handlingUnit": code("the handling unit carrying it"),
                    "supplierLot": str("the supplier's own lot number"),
                    "missing": bool("reported missing and not found (moved) since"),
                ]
            )
        ),
        (
            "HandlingUnitRequest",
            obj(
                "Make up a handling unit at a location.",
                [
                    "id": code("handling unit ID, e.g. `P-1042`"),
                    "kind": enumOf(HandlingUnitKind.allCases.map(\.rawValue), "what it is; a pallet when left out"),
                    "location": code("where it is made up"),
                    "lots": arr(code("a lot ID"), "lots to put on it: in stock at the location and on no other unit; none when left out"),
                ]
            )
        ),
        (
            "SplitRequest",
            obj(
                "Take lots off a handling unit onto a new one.",
                [
                    "newHandlingUnit": code("the new unit's ID"),
                    "kind": enumOf(HandlingUnitKind.allCases.map(\.rawValue), "what the new unit is; that of the unit split when left out"),
                    "lots": arr(code("a lot ID"), "the lots to take off onto it", minItems: 1),
                ]
            )
        ),
        (
            "LotsRequest",
            obj(
                "Lots to put on, or take off, a handling unit.",
                [
                    "lots": arr(code("a lot ID"), "the lots", minItems: 1)
                ]
            )
        ),
        (
            "ReservationList",
            obj(
                "The open reservations of a production order.",
                [
                    "productionOrder": code("production order ID"),
                    "items": arr(ref("Reservation"), "by ID"),
                ]
            )
        ),
        (
            "StagingTaskView",
            obj(
                "A staging task with where it goes and by when, as of the current published schedule.",
                [
                    "task": ref("StagingTask", "the task"),
                    "from": code("where the lot is now"),
                    "handlingUnit": code("the handling unit carrying the lot"),
                    "workCenter": code(
                        "where the operation runs: the published schedule's step, else where it started, else its first eligible work center"
                    ),
                    "to": code("that work center's line-side location, if it has one"),
                    "scheduledStart": date("the operation's start in the published schedule"),
                    "neededBy": date("scheduled start less the line-side location's staging lead time"),
                ]
            )
        ),
        (
            "StagingTaskList",
            obj(
                "Staging tasks, the most urgent first (unscheduled last).",
                [
                    "items": arr(ref("StagingTaskView"), "by needed-by, then ID")
                ]
            )
        ),
        (
            "ConfirmRequest",
            obj(
                "Confirm a staging task.",
                [
                    "to": code("where it was staged; the line side of the work center the operation runs on when left out")
                ]
            )
        ),
        (
            "ShortRequest",
            obj(
                "Less of the lot was found than the staging task needs.",
                [
                    "foundQuantity": num("how much was found where it should be; less than the task's quantity", above: 0)
                ]
            )
        ),

        // Warehouse: projected availability and shortages
        (
            "ProjectionEntry",
            obj(
                "One line of an item's projected availability, with the running projection after it.",
                [
                    "at": date("when: now for stock, the expected date for a receipt, the scheduled start (else the due date) for a requirement"),
                    "kind": enumOf(
                        ProjectionKind.allCases.map(\.rawValue),
                        "stock on hand, an open expected receipt, what an open production order of the item will make, or an order's requirement"
                    ),
                    "quantity": num("positive for supply, negative for demand"),
                    "projected": num("the projection after this line"),
                    "lot": code("for stock: the lot"),
                    "expectedReceipt": code("for a receipt: the expected receipt"),
                    "productionOrder": code("for a requirement: the production order"),
                    "operation": int("for a requirement: the consuming operation", 1...),
                    "scheduled": bool("for a requirement: true when `at` is the scheduled start, false when it is the due date"),
                ]
            )
        ),
        (
            "ProjectedAvailability",
            obj(
                "An item's projected availability and where it first goes short.",
                [
                    "item": code("item ID"),
                    "at": date("the time the projection starts from (the plant's clock)"),
                    "available": num("available stock now (lots available and not missing)", min: 0),
                    "entries": arr(ref("ProjectionEntry"), "stock first, then receipts and requirements in time order"),
                    "shortFrom": date("when the projection first goes negative; absent when it never does"),
                    "shortBy": num("the worst deficit; 0 when it never goes short", min: 0),
                ]
            )
        ),
        (
            "ShortageList",
            obj(
                "The projected shortages last recorded.",
                [
                    "items": arr(ref("ProjectedShortage"), "earliest first, then by item")
                ]
            )
        ),

        // Warehouse: shipping
        (
            "ShipRequest",
            obj(
                "Ship lots against a sales order line.",
                [
                    "lots": arr(code("a lot ID"), "available, unreserved lots of the line's item", minItems: 1)
                ]
            )
        ),
        (
            "InspectionStatus",
            obj(
                "What one operation of a production order still waits for in inspection: the operator terminal's view.",
                [
                    "productionOrder": code("production order ID"),
                    "operation": int("the operation's sequence number", 1...),
                    "name": words("the operation's name"),
                    "item": code("the item the order makes"),
                    "inspectionRequired": bool(
                        "the routing step asks for an inspection, or a plan exists for the item at this operation (never for a rework operation)"
                    ),
                    "outstanding": bool("the service's verdict: while true, the next operation does not start and the order does not complete"),
                    "plan": ref("InspectionPlan", "the plan that decides; absent when only the routing's inspection (`POST …/inspections`) decides"),
                    "requiredResults": int(
                        "with a plan: the passed results it asks for (first piece: 1; every N: one per N units reported, at least one; "
                            + "every lot: one per output lot, at least one)",
                        1...
                    ),
                    "passedResults": int(
                        "passed results of the plan for this operation (without a plan: 1 when the routing's inspection passed, else 0)",
                        0...
                    ),
                    "lotsToInspect": arr(code("a lot ID"), "every-lot plans: output lots of the order without a passed result"),
                    "results": arr(ref("InspectionResult"), "every result recorded for this order operation, oldest first"),
                    "openNonconformances": arr(code("a nonconformance ID"), "nonconformances on this order operation that are not closed"),
                ]
            )
        ),
        (
            "DispositionRequest",
            obj(
                "A disposition of a nonconformance: by quality it is carried out at once, by a supervisor it waits for approval.",
                [
                    "disposition": enumOf(
                        DispositionKind.allCases.map(\.rawValue),
                        "scrap (its lots are scrapped), rework (an operation is added to the order), use-as-is (quarantined lots "
                            + "become available), or return-to-supplier (its purchased lots are returned)"
                    ),
                    "reason": words("why"),
                    "workCenter": code("rework only: where the rework runs; where the nonconformance was found when left out"),
                    "signature": ref(
                        "SignatureInput",
                        "required when quality decides (it is approved at once); not needed for a supervisor's proposal"
                    ),
                ]
            )
        ),
        (
            "ApprovalRequest",
            obj(
                "Quality's decision on a proposed disposition; every field may be left out (it approves) but the signature.",
                [
                    "approved": bool("false rejects the proposal: the nonconformance is open again; true when left out"),
                    "note": str("why; required when rejecting"),
                    "signature": ref("SignatureInput", "required: quality signs approvals and rejections with its password re-entered"),
                ]
            )
        ),

        // Orchestration: the inbox, exceptions with their impact and ranked actions, decisions, outcome requests
        (
            "ExceptionInbox",
            obj(
                "The exception inbox, newest first.",
                [
                    "items": arr(ref("ExceptionSummary"), "the matching exceptions"),
                    "total": int("how many match", 0...),
                ]
            )
        ),
        (
            "ExceptionSummary",
            obj(
                "One line of the inbox: what happened, how bad, and the best action.",
                [
                    "id": code("exception ID, e.g. `EXC-000001`"),
                    "kind": enumOf(DisruptionKind.allCases.map(\.rawValue), "what went wrong, or `outcome-request`"),
                    "title": str("one line for the inbox"),
                    "severity": enumOf(ExceptionSeverity.allCases.map(\.rawValue), "how urgent"),
                    "functions": arr(enumOf(PlantFunction.allCases.map(\.rawValue), "a plant function"), "the parts of the plant it concerns"),
                    "status": enumOf(ExceptionStatus.allCases.map(\.rawValue), "where it stands"),
                    "raisedAt": date("when it was raised"),
                    "raisedBy": code("who raised it (for an outcome request, who asked)"),
                    "lateOrdersBefore": int("late production orders without the disruption", 0...),
                    "lateOrdersPredicted": int("late production orders with it, if nothing is done", 0...),
                    "ordersAffected": int("production orders it makes late or later", 0...),
                    "actions": int("proposed actions", 0...),
                    "topAction": ref("TopAction", "the best-ranked action"),
                ]
            )
        ),
        (
            "TopAction",
            obj(
                "The best-ranked action of an exception, as the inbox shows it.",
                [
                    "id": str("action ID, e.g. `A1`"),
                    "title": str("what it does"),
                    "effect": str("its predicted effect in words"),
                    "status": enumOf(ActionStatus.allCases.map(\.rawValue), "where it stands"),
                    "approvals": arr(enumOf(Role.allCases.map(\.rawValue), "a role"), "the roles that must approve it"),
                ]
            )
        ),
        (
            "OutcomeRequestBody",
            obj(
                "An outcome request: exactly one of `text` (in words) and `request` (structured).",
                [
                    "text": str("e.g. \"expedite SO-10012 to 2026-12-01\", \"take MILL-1 down from 2026-12-02 06:00 to 14:00\""),
                    "request": ref("OutcomeRequest", "the structured request"),
                ]
            )
        ),
        (
            "AskRequest",
            obj(
                "A request in words for the language front door.",
                [
                    "text": words("e.g. \"fit a rush order for 20 P-NB-32-160 by Friday\" or \"what is late and why?\" (at most 4000 characters)")
                ]
            )
        ),
        (
            "FrontDoorAnswer",
            obj(
                "The front door's answer: who answered (the offline parser or the model), the answer in words, the exception "
                    + "holding any plan options, and the tools the model called.",
                [
                    "answeredBy": str("who answered: `parser` (offline, the default) or `model`"),
                    "model": words("the model's name, when the model answered"),
                    "text": str("the answer in words"),
                    "exception": code("the exception holding the plan options, when the request raised one"),
                    "toolCalls": arr(ref("AskToolCall"), "the tools the model called, in order (none for the parser)"),
                ]
            )
        ),
        (
            "AskToolCall",
            obj(
                "One tool the model called.",
                [
                    "tool": code("the tool's name, e.g. `plant_status`"),
                    "arguments": str("the arguments as the model wrote them (JSON)"),
                    "ok": bool("false when the tool refused (the result says why)"),
                    "result": str("the tool's answer, or why it was refused"),
                ]
            )
        ),
        (
            "DecisionRequest",
            obj(
                "A decision's comment: optional when approving, required when rejecting.",
                [
                    "comment": str("why"),
                    "signature": ref("SignatureInput", "required when the approval policy marks one of the action's kinds `signed`"),
                ]
            )
        ),
        (
            "SignatureInput",
            obj(
                "An electronic signature given with a request: the signer's password, re-entered now, and what the signature means.",
                [
                    "password": schema(
                        ["type": .string("string"), "minLength": .number(1), "maxLength": .number(256)],
                        "the signer's password (never stored, logged or answered)"
                    ),
                    "meaning": enumOf(
                        SignatureMeaning.allCases.map(\.rawValue),
                        "what the signature means; each action allows some (approved or reviewed, rejected, released)"
                    ),
                ]
            )
        ),
        (
            "PasswordRequest",
            obj(
                "A new password: an admin sets anyone's; a user changes their own with the current one.",
                [
                    "password": schema(
                        ["type": .string("string"), "minLength": .number(12), "maxLength": .number(256)],
                        "the new password, 12 to 256 characters, no control characters"
                    ),
                    "currentPassword": schema(
                        ["type": .string("string"), "maxLength": .number(256)],
                        "the current password; required when changing your own (not needed by an admin)"
                    ),
                ]
            )
        ),
        (
            "PasswordChanged",
            obj(
                "The password was set (the answer never carries it or its hash).",
                [
                    "user": code("user ID"),
                    "at": date("when"),
                ]
            )
        ),

        // Orchestration: facts the floor reports
        (
            "AbsenceRequest",
            obj(
                "Someone is away.",
                [
                    "from": date("when the absence starts (default now)"),
                    "until": date("when they are back; later than `from` and than now, at most a year after `from`"),
                    "reason": str("why, e.g. `sick`, `training`; at most 200 characters"),
                ]
            )
        ),
        (
            "AbsenceList",
            obj(
                "Someone's reported absences.",
                [
                    "user": code("user ID"),
                    "items": arr(ref("Absence"), "oldest first"),
                ]
            )
        ),
        (
            "DelayRequest",
            obj(
                "An operation runs late.",
                [
                    "extraMinutes": int("its expected overrun in minutes", 1...100_000),
                    "reason": str("why"),
                ]
            )
        ),
        (
            "OvertimeRequest",
            obj(
                "Overtime on a work center, outside its shifts (at most 24 hours).",
                [
                    "start": date("from"),
                    "end": date("to"),
                    "reason": str("why"),
                ]
            )
        ),
        // Engineering changes, attachments and work instruction revisions (EngineeringAPI.swift, docs/work-instructions.md)
        (
            "UploadAttachment",
            obj(
                "A file to attach to a work instruction revision (command data): PNG, JPEG or PDF, at most 2 MiB.",
                [
                    "filename": words("the file's name, without a folder"),
                    "contentType": str("`image/png`, `image/jpeg` or `application/pdf`; the file's first bytes must match it"),
                    "content": str("the file's bytes, base64"),
                    "engineeringChange": code("a draft engineering change: the file is added to the revision it proposes"),
                ]
            )
        ),
        (
            "Attachment",
            obj(
                "A stored file, with its bytes (the `attachmentUploaded` event).",
                [
                    "id": code("attachment ID, e.g. `ATT-000001`"),
                    "filename": words("the file's name as uploaded"),
                    "contentType": str("the type its first bytes show"),
                    "size": int("bytes", 1...),
                    "uploadedBy": code("who uploaded it"),
                    "at": date("when"),
                    "content": str("the file's bytes, base64"),
                    "engineeringChange": code("the draft engineering change it was added to when uploaded"),
                ]
            )
        ),
        (
            "AttachmentInfo",
            obj(
                "A stored file without its bytes; `GET /api/v1/attachments/{id}/content` answers them.",
                [
                    "id": code("attachment ID, e.g. `ATT-000001`"),
                    "filename": words("the file's name as uploaded"),
                    "contentType": str("the type its first bytes show"),
                    "size": int("bytes", 1...),
                    "uploadedBy": code("who uploaded it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "WorkInstructionRevision",
            obj(
                "One released revision of a work instruction, as operators saw it.",
                [
                    "revision": revision("the revision, e.g. `C`"),
                    "title": words("its title"),
                    "text": str("its text"),
                    "attachments": arr(code("attachment ID"), "its images and PDFs"),
                    "releasedAt": date("when the engineering change that made it released it; left out for a revision defined directly"),
                    "engineeringChange": code("the engineering change that released it; left out for a revision defined directly"),
                ]
            )
        ),
        (
            "WorkInstructionHistory",
            obj(
                "Every released revision of a work instruction, oldest first.",
                [
                    "workInstruction": code("work instruction ID"),
                    "current": revision("the current revision"),
                    "revisions": arr(ref("WorkInstructionRevision"), "oldest first; the last is the current one"),
                ]
            )
        ),
        (
            "TextDiff",
            obj(
                "A line diff of two texts (a longest common subsequence of lines).",
                ["lines": arr(ref("TextDiffLine"), "the lines of both texts, in order")]
            )
        ),
        (
            "TextDiffLine",
            obj(
                "One line of a diff.",
                [
                    "change": str("`same`, `added` (only in the new text) or `removed` (only in the old text)"),
                    "text": str("the line"),
                    "old": int("its line number in the old text (1-based); left out for an added line", 1...),
                    "new": int("its line number in the new text (1-based); left out for a removed line", 1...),
                ]
            )
        ),
        (
            "ProposedRevision",
            obj(
                "The new revision of a work instruction an engineering change proposes.",
                [
                    "workInstruction": code("the work instruction (a new one is created with revision A)"),
                    "title": words("the new revision's title; the current title when left out (required for a new work instruction)"),
                    "text": str("the new revision's text"),
                    "attachments": arr(code("attachment ID (upload first)"), "its images and PDFs; none when left out"),
                    "revision": revision("the new revision's name; the next after the current (B after A, AA after Z, 3 after 2) when left out"),
                ]
            )
        ),
        (
            "RoutingChange",
            obj(
                "A change to one operation of a routing; fields left out stay as they are.",
                [
                    "routing": code("routing ID"),
                    "operation": int("the operation's sequence number", 1...),
                    "workCenter": code("the work center that becomes the operation's first (primary) one; added when not yet eligible"),
                    "setupMinutes": num("standard setup minutes on the primary work center", min: 0),
                    "runMinutesPerUnit": num("standard run minutes per unit on the primary work center", min: 0),
                    "workInstruction": code("the work instruction bound to the operation"),
                ]
            )
        ),
        (
            "CreateEngineeringChange",
            obj(
                "Raise an engineering change (command data): a new work instruction revision, routing changes, or both.",
                [
                    "title": words("what changes, in a few words"),
                    "reason": str("why the change is needed"),
                    "workInstruction": ref("ProposedRevision", "the new revision proposed"),
                    "routingChanges": arr(ref("RoutingChange"), "the routing changes proposed; none when left out"),
                ]
            )
        ),
        (
            "EngineeringChangeRef",
            obj("Names an engineering change (command data).", ["engineeringChange": code("engineering change ID, e.g. `ECO-000001`")])
        ),
        (
            "DecideEngineeringChange",
            obj(
                "An approver's decision on a submitted engineering change (command data).",
                [
                    "engineeringChange": code("engineering change ID"),
                    "note": str("a comment; required to reject"),
                ]
            )
        ),
        (
            "EngineeringChangeApproval",
            obj(
                "One approver's record.",
                [
                    "role": str("the role approved in"),
                    "user": code("who approved"),
                    "note": str("their comment"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "EngineeringChange",
            obj(
                "An engineering change order: what it proposes, against which revision, who approved it, what it released.",
                [
                    "id": code("engineering change ID, e.g. `ECO-000001`"),
                    "title": words("what changes"),
                    "reason": str("why"),
                    "status": str("draft → submitted → approved or rejected; approved → released"),
                    "workInstruction": ref("ProposedRevision", "the new revision proposed (its revision named by the plant)"),
                    "baseRevision": revision("the work instruction's revision when the change was raised; left out for a new one"),
                    "routingChanges": arr(ref("RoutingChange"), "the routing changes proposed"),
                    "routingBefore": arr(ref("RoutingOperation"), "the operations those changes touch, as they were when it was raised"),
                    "requiredRoles": arr(str("a role"), "the roles that must approve (the approval policy's when submitted)"),
                    "approvals": arr(ref("EngineeringChangeApproval"), "who approved so far"),
                    "createdBy": code("who raised it"),
                    "createdAt": date("when"),
                    "submittedAt": date("when it was submitted"),
                    "rejectedBy": code("who rejected it"),
                    "rejectionNote": str("why"),
                    "releasedBy": code("who released it"),
                    "releasedAt": date("when"),
                    "releasedRevision": revision("the revision its release made current"),
                    "signatures": arr(ref("ElectronicSignature"), "the electronic signatures of its approvals and rejection"),
                ]
            )
        ),
        (
            "EngineeringChangeSubmitted",
            obj(
                "An engineering change was submitted for approval.",
                [
                    "engineeringChange": code("engineering change ID"),
                    "requiredRoles": arr(str("a role"), "the roles that must approve; none: approved at once"),
                    "by": code("who submitted it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "EngineeringChangeApproved",
            obj(
                "One approver approved an engineering change.",
                [
                    "engineeringChange": code("engineering change ID"),
                    "approval": ref("EngineeringChangeApproval", "the approval"),
                    "complete": bool("true when every required role has approved: the change is approved"),
                ]
            )
        ),
        (
            "EngineeringChangeRejected",
            obj(
                "An approver rejected an engineering change.",
                [
                    "engineeringChange": code("engineering change ID"),
                    "role": str("the role rejected in"),
                    "by": code("who"),
                    "note": str("why"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "EngineeringChangeReleased",
            obj(
                "An engineering change was released; its `workInstructionDefined` and `routingDefined` events come just before.",
                [
                    "engineeringChange": code("engineering change ID"),
                    "workInstruction": code("the work instruction given a new revision"),
                    "revision": revision("the revision now current"),
                    "routings": arr(code("routing ID"), "the routings changed"),
                    "by": code("who released it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "EngineeringChangeApprovalRule",
            obj(
                "Who approves engineering changes (left out of a policy: quality, signed, not the author).",
                [
                    "roles": arr(str("a role"), "every role listed must approve; empty: no approval needed"),
                    "signed": bool("true: approving or rejecting needs the approver's electronic signature"),
                    "authorMayApprove": bool("true: the author may approve their own change"),
                ]
            )
        ),
        // Incoming documents (docs/documents.md)
        (
            "IncomingDocument",
            obj(
                "An incoming document (certificate of analysis, delivery note, customer order) read into fields and rows, each with the page "
                    + "and line it came from; verified or rejected by a person (also event data: documentReceived).",
                [
                    "id": code("document ID, e.g. `DOC-000001`"),
                    "kind": enumOf(DocumentKind.allCases.map(\.rawValue), "what the document is"),
                    "format": enumOf(DocumentFormat.allCases.map(\.rawValue), "the form it arrived in (a PDF is kept as its text)"),
                    "filename": words("the file's name"),
                    "template": code("the template it was read with; absent: the generic reading"),
                    "pages": arr(str("a page's text"), "its text, one entry per page (emptied in the verified event)"),
                    "fields": arr(ref("DocumentField"), "the header fields of its kind, in order"),
                    "rows": arr(ref("DocumentRow"), "its table: results, delivered lines or ordered lines"),
                    "issues": arr(ref("Violation"), "what the reading could not find or read; verification must correct them"),
                    "status": enumOf(DocumentStatus.allCases.map(\.rawValue), "received: waits for verification; verified; rejected"),
                    "receivedBy": code("who uploaded it (absent: the watched folder, as the plant)"),
                    "receivedAt": date("when it arrived"),
                    "decidedBy": code("who verified or rejected it"),
                    "decidedAt": date("when"),
                    "rejectReason": str("why it was rejected"),
                    "check": ref("DocumentCheck", "what checking it found, once verified"),
                ]
            )
        ),
        (
            "DocumentField",
            obj(
                "One value of a document: a header field or a cell of a row.",
                [
                    "name": str("the field or column, e.g. `supplierLot`, `quantity`"),
                    "value": str("the value; absent when the document does not give it"),
                    "source": ref("FieldSource", "where it was read; absent when not found or entered by a person"),
                    "extracted": str("when a person corrected it: the value as read"),
                    "corrected": bool("true when a person corrected it"),
                ]
            )
        ),
        (
            "FieldSource",
            obj(
                "Where a value was read.",
                [
                    "page": int("the page, from 1", 1...),
                    "line": int("the line on the page, from 1", 1...),
                    "text": str("the line's text (at most 200 characters)"),
                ]
            )
        ),
        (
            "DocumentRow",
            obj(
                "One row of a document's table.",
                [
                    "cells": arr(ref("DocumentField"), "its values, by column"),
                    "source": ref("FieldSource", "the line it was read from"),
                ]
            )
        ),
        (
            "DocumentCheck",
            obj(
                "What checking a verified document found, and what it did or proposes.",
                [
                    "summary": str("in words, e.g. `1 of 3 values out of spec: Hardness 320 HB (limits 250–300)`"),
                    "inspectionPlan": code("certificate: the plan its values were checked against"),
                    "results": arr(ref("CertificateResult"), "certificate: every value against its limits"),
                    "outOfSpec": int("certificate: how many values are out of spec", 0...),
                    "lots": arr(code("a lot ID"), "certificate: the lots in stock that carry the supplier lot"),
                    "received": arr(code("a lot ID"), "delivery note: the lots received"),
                    "expectedReceipts": arr(code("an expected receipt ID"), "delivery note: the expected receipts they were received against"),
                    "proposedSalesOrder": ref("NewSalesOrder", "customer order: the sales order proposed (taken only when its action is approved)"),
                    "replaces": code("customer order: the sales order the proposal replaces"),
                    "changes": arr(str("a change"), "customer order: what differs from the sales order, in words"),
                    "proposedLines": int("customer order: lines proposed (0: the document matches its sales order)", 0...),
                ]
            )
        ),
        (
            "CertificateResult",
            obj(
                "A certificate's value against the inspection plan's limits.",
                [
                    "characteristic": str("the plan's characteristic ID"),
                    "name": str("its name"),
                    "value": num("the value given (attribute: 1 pass, 0 fail)"),
                    "lowerLimit": num("the lower limit"),
                    "upperLimit": num("the upper limit"),
                    "unit": str("the unit"),
                    "passed": bool("whether it is within the limits"),
                ]
            )
        ),
        (
            "DocumentTemplate",
            obj(
                "How one supplier's or customer's documents are read: a regular expression per field and the table's columns.",
                [
                    "id": code("template ID, e.g. `TPL-ACME-COA`"),
                    "name": words("name"),
                    "kind": enumOf(DocumentKind.allCases.map(\.rawValue), "the kind of document it reads"),
                    "party": words("the supplier or customer it is for: the value of supplier or customer when the document does not say"),
                    "match": arr(words("text on the first page (any case)"), "text that selects this template when none is named", maxItems: 20),
                    "fields": arr(ref("TemplateField"), "a pattern per field; fields left out are read generically", maxItems: 20),
                    "table": ref("TemplateTable", "the table; absent: found by its header generically"),
                ]
            )
        ),
        (
            "TemplateField",
            obj(
                "How one field is read.",
                [
                    "name": str("a field of the template's kind"),
                    "pattern": str("a regular expression (case-insensitive, at most 500 characters); its first capture group is the value"),
                ]
            )
        ),
        (
            "TemplateTable",
            obj(
                "How a table is read: rows run from the line after the header to the first blank line.",
                [
                    "header": str("a regular expression matching the header line"),
                    "columns": arr(str("a column of the template's kind"), "the columns in order", minItems: 1),
                    "separator": str("a regular expression between cells (default: a tab, `;`, or two or more spaces)"),
                ]
            )
        ),
        (
            "ReceiveDocument",
            obj(
                "Receive a document's text and read it into a record (command data; POST /api/v1/documents takes the file itself).",
                [
                    "id": code("document ID (default: numbered `DOC-000001`, …)"),
                    "kind": enumOf(DocumentKind.allCases.map(\.rawValue), "what the document is"),
                    "format": enumOf(DocumentFormat.allCases.map(\.rawValue), "the form it arrived in"),
                    "filename": words("the file's name"),
                    "template": code("read with this template"),
                    "pages": arr(str("a page's text"), "the text, one entry per page, at most 50", minItems: 1),
                ]
            )
        ),
        (
            "DocumentCorrection",
            obj(
                "A person's correction of one value.",
                [
                    "field": str("a header field (`supplierLot`) or a cell (`rows[0].quantity`; the next row number adds a row)"),
                    "value": str("the value (one line, at most 200 characters; empty removes it)"),
                ]
            )
        ),
        (
            "VerifyDocument",
            obj(
                "Verify a document with corrections: it is checked and takes effect at once or not at all (command data).",
                [
                    "document": code("document ID"),
                    "corrections": arr(ref("DocumentCorrection"), "the person's corrections"),
                    "location": code("delivery notes: where the lots are received (default: the first receiving location)"),
                ]
            )
        ),
        (
            "VerifyDocumentRequest",
            obj(
                "A verification, with any corrections.",
                [
                    "corrections": arr(ref("DocumentCorrection"), "the person's corrections"),
                    "location": code("delivery notes: where the lots are received (default: the first receiving location)"),
                ]
            )
        ),
        (
            "RejectDocument",
            obj("Reject a document (command data).", ["document": code("document ID"), "reason": words("why")])
        ),
        (
            "RejectDocumentRequest",
            obj("A rejection.", ["reason": words("why")])
        ),
        (
            "DocumentVerified",
            obj(
                "A document was verified and checked (event data).",
                [
                    "document": code("document ID"),
                    "kind": enumOf(DocumentKind.allCases.map(\.rawValue), "what the document is"),
                    "fields": arr(ref("DocumentField"), "its header fields as verified"),
                    "rows": arr(ref("DocumentRow"), "its rows as verified"),
                    "check": ref("DocumentCheck", "what checking it found"),
                    "by": code("who verified it"),
                    "at": date("when"),
                ]
            )
        ),
        (
            "DocumentRejected",
            obj(
                "A document was rejected (event data).",
                ["document": code("document ID"), "reason": str("why"), "by": code("who"), "at": date("when")]
            )
        ),
    ]

    /// The schemas written whole, because no Swift type decodes them as they are written: the envelopes of the
    /// registries. `Command` and `CommandBatch` have one alternative per command kind (`type` a constant, `data` that
    /// kind's payload), `Event` requires `data` to follow its `type`, and `BatchResult`, `EventList` and `EventPage` are
    /// written by `JSONIO` from stored events. The specimen tests of `OpenAPITests` check them against real JSON.
    static let handWritten: [(name: String, schema: JSONSchema)] = [
        // Commands and the event log
        (
            "Command",
            command(
                "A change to the plant: `type` names the command, `data` carries it; a signed command carries `signature`.",
                extra: [
                    "signature": ref(
                        "SignatureInput",
                        "where the command is signed (see docs/security/sign.md): the password re-entered and the meaning"
                    ).optional
                ]
            )
        ),
        (
            "CommandBatch",
            obj(
                "Commands applied in order and committed together; each gets its own answer.",
                [
                    "commands": arr(
                        command(
                            "A command, with an optional idempotency key.",
                            extra: [
                                "idempotencyKey": str("repeat this command safely: the same key from the same user is applied once").optional,
                                "signature": ref("SignatureInput", "where the command is signed: the password re-entered and the meaning").optional,
                            ]
                        ),
                        "1 to 10,000 commands",
                        minItems: 1,
                        maxItems: 10_000
                    )
                ]
            )
        ),
        (
            "BatchResult",
            obj(
                "The answer to each command of a batch, in order.",
                [
                    "accepted": int("commands applied (or replayed)", 0...),
                    "rejected": int("commands refused", 0...),
                    "results": arr(
                        oneOf([
                            obj(
                                "The command was applied.",
                                [
                                    "ok": constant(.bool(true)),
                                    "replayed": bool("true when this answers a repeated idempotency key"),
                                    "events": arr(ref("Event"), "the events it appended"),
                                ]
                            ),
                            obj(
                                "The command was refused; nothing of it was applied.",
                                [
                                    "ok": constant(.bool(false)),
                                    "problem": ref("Problem", "why"),
                                ]
                            ),
                        ]),
                        "one answer per command, in order"
                    ),
                ]
            )
        ),
        ("Event", event("Something that happened, as recorded in the log.")),
        (
            "EventList",
            obj(
                "The events a command appended.",
                [
                    "events": arr(ref("Event"), "in log order")
                ]
            )
        ),
        (
            "EventPage",
            obj(
                "A page of the event log.",
                [
                    "events": arr(ref("Event"), "in log order"),
                    "next": int64("pass as `after` for the next page"),
                    "lastSequence": int64("sequence number of the last committed event"),
                ]
            )
        ),
    ]

    private static let settable =
        "the new status: available, on-hold, quarantine or scrapped (consumed, shipped and returned are set by execution, shipping and quality; a lot under a quality hold is only scrapped)"

    /// `{"type": …, "data": …}` where `data` follows the command type.
    /// One alternative per command type (`type` a constant, `data` that command's schema), so a client or a fuzzer
    /// can build a valid command from the schema alone; `type` is the discriminator.
    private static func command(_ description: String, extra: KeyValuePairs<String, JSONSchema> = [:]) -> JSONSchema {
        let alternatives = commandData.map { entry -> JSONSchema in
            var properties: [(String, JSONSchema)] = [
                ("type", constant(.string(entry.type))),
                ("data", ref(entry.schema, "the content of a \(entry.type) command")),
            ]
            properties += extra.map { ($0.key, $0.value) }
            return obj("A \(entry.type) command.", properties)
        }
        var s = oneOf(alternatives)
        s.fields["description"] = .string(description)
        s.fields["discriminator"] = .object(["propertyName": .string("type")])
        return s
    }

    /// One recorded event, as `JSONIO.eventJSON` writes it.
    private static func event(_ description: String) -> JSONSchema {
        obj(
            description,
            [
                "actor": str("who caused it: a user ID, or `system`"),
                "correlationId": str("ties the event to the request that caused it"),
                "data": typeless("what happened; its schema depends on `type`"),
                "idempotencyKey": nullable(str("the idempotency key of the command that caused it")),
                "recordedAt": date("when it was recorded"),
                "sequence": int64("its position in the log, from 1"),
                "type": enumOf(Event.typeNames, "what kind of event"),
            ]
        ).dataByType(eventData)
    }
}

// MARK: - A tiny JSON Schema DSL

/// A JSON Schema under construction. As an object property it is required unless marked `.optional`.
struct JSONSchema: Sendable {
    var fields: [String: JSONValue]
    var isOptional = false

    var json: JSONValue { .object(fields) }

    /// The property may be left out (a Swift optional, which the encoder omits when nil).
    var optional: JSONSchema {
        var s = self
        s.isOptional = true
        return s
    }

    /// Requires `data` to follow the schema named for the object's `type` (`if type is X then data is Y`).
    func dataByType(_ table: [(type: String, schema: String)]) -> JSONSchema {
        var s = self
        s.fields["allOf"] = .array(
            table.map { entry in
                .object([
                    "if": .object(["properties": .object(["type": .object(["const": .string(entry.type)])]), "required": .array([.string("type")])]),
                    "then": .object(["properties": .object(["data": .object(["$ref": .string(componentPath(entry.schema))])])]),
                ])
            }
        )
        return s
    }
}

private func componentPath(_ name: String) -> String { "#/components/schemas/\(name)" }

private func schema(_ fields: [String: JSONValue], _ description: String?) -> JSONSchema {
    var f = fields
    if let description { f["description"] = .string(description) }
    return JSONSchema(fields: f)
}

private func str(_ description: String? = nil) -> JSONSchema {
    schema(["type": .string("string")], description)
}

/// A name or a reason: 1 to 200 characters, not blank.
private func words(_ description: String) -> JSONSchema {
    schema(["type": .string("string"), "minLength": .number(1), "maxLength": .number(200), "pattern": .string("\\S")], description)
}

/// A plant code (an ID): 1–64 letters, digits, `-`, `_`, `.` or `/`, at least one a letter or digit.
private func code(_ description: String) -> JSONSchema {
    schema(["type": .string("string"), "pattern": .string("^(?=.*[A-Za-z0-9])[A-Za-z0-9._/-]{1,64}$")], description)
}

/// A document revision, e.g. `B`: 1 to 20 characters, not blank.
private func revision(_ description: String) -> JSONSchema {
    schema(["type": .string("string"), "minLength": .number(1), "maxLength": .number(20), "pattern": .string("\\S")], description)
}

/// A secret withheld by the server (``Redaction``).
private func redacted(_ description: String) -> JSONSchema {
    schema(["type": .string("string"), "const": .string("[redacted]")], description)
}

/// A local time of day, `HH:mm`.
private func clock(_ description: String) -> JSONSchema {
    schema(["type": .string("string"), "pattern": .string("^([01][0-9]|2[0-4]):[0-5][0-9]$")], description)
}

/// An instant, written as ISO 8601 in UTC with whole seconds, e.g. `2026-11-24T08:30:00Z`.
private func date(_ description: String) -> JSONSchema {
    schema(["type": .string("string"), "format": .string("date-time")], description)
}

private func bool(_ description: String) -> JSONSchema {
    schema(["type": .string("boolean")], description)
}

private func int(_ description: String, _ range: ClosedRange<Int>? = nil) -> JSONSchema {
    var s = schema(["type": .string("integer")], description)
    if let range {
        s.fields["minimum"] = .number(Double(range.lowerBound))
        s.fields["maximum"] = .number(Double(range.upperBound))
    }
    return s
}

private func int(_ description: String, _ range: PartialRangeFrom<Int>) -> JSONSchema {
    var s = schema(["type": .string("integer")], description)
    s.fields["minimum"] = .number(Double(range.lowerBound))
    return s
}

private func int64(_ description: String) -> JSONSchema {
    schema(["type": .string("integer"), "format": .string("int64")], description)
}

/// A number; `min` allows the bound itself, `above` does not.
private func num(_ description: String, min: Double? = nil, above: Double? = nil) -> JSONSchema {
    var s = schema(["type": .string("number")], description)
    if let min { s.fields["minimum"] = .number(min) }
    if let above { s.fields["exclusiveMinimum"] = .number(above) }
    return s
}

/// Scrap reasons are codes from the plant's list (``ReasonCodes/scrap``); the core refuses others.
private let scrapReasonDescription =
    "required when scrap is above zero: one of the scrap reason codes "
    + ReasonCodes.scrap.map { "`\($0.code)`" }.joined(separator: ", ")

private func enumOf(_ values: [String], _ description: String) -> JSONSchema {
    schema(["type": .string("string"), "enum": .array(values.map(JSONValue.string))], description)
}

private func enumOf(_ values: [Int], _ description: String) -> JSONSchema {
    schema(["type": .string("integer"), "enum": .array(values.map { .number(Double($0)) })], description)
}

private func constant(_ value: JSONValue) -> JSONSchema {
    JSONSchema(fields: ["const": value])
}

private func ref(_ name: String, _ description: String? = nil) -> JSONSchema {
    schema(["$ref": .string(componentPath(name))], description)
}

private func arr(_ items: JSONSchema, _ description: String, minItems: Int? = nil, maxItems: Int? = nil, unique: Bool = false) -> JSONSchema {
    var s = schema(["type": .string("array"), "items": items.json], description)
    if let minItems { s.fields["minItems"] = .number(Double(minItems)) }
    if let maxItems { s.fields["maxItems"] = .number(Double(maxItems)) }
    if unique { s.fields["uniqueItems"] = .bool(true) }
    return s
}

/// The value may also be `null` (written as such, not left out).
private func nullable(_ schema: JSONSchema) -> JSONSchema {
    var s = schema
    if case .string(let type)? = s.fields["type"] { s.fields["type"] = .array([.string(type), .string("null")]) }
    return s
}

private func oneOf(_ alternatives: [JSONSchema]) -> JSONSchema {
    JSONSchema(fields: ["oneOf": .array(alternatives.map(\.json))])
}

/// Any JSON object; a condition elsewhere says which.
private func typeless(_ description: String) -> JSONSchema {
    schema(["type": .string("object")], description)
}

/// A closed object: exactly these properties, each required unless marked `.optional`.
private func obj(_ description: String, _ properties: KeyValuePairs<String, JSONSchema>) -> JSONSchema {
    obj(description, properties.map { ($0.key, $0.value) })
}

private func obj(_ description: String, _ properties: [(String, JSONSchema)]) -> JSONSchema {
    var s = schema(
        [
            "type": .string("object"),
            "properties": .object(Dictionary(uniqueKeysWithValues: properties.map { ($0.0, $0.1.json) })),
            "additionalProperties": .bool(false),
        ],
        description
    )
    let required = properties.filter { !$0.1.isOptional }.map { JSONValue.string($0.0) }
    if !required.isEmpty { s.fields["required"] = .array(required) }
    return s
}
