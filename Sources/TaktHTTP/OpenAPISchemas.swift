import Foundation
import TaktCore

/// JSON Schemas of every body the API reads or writes (OpenAPI 3.1 components, i.e. JSON Schema 2020-12).
///
/// Written in the small DSL at the bottom of this file. A property is required unless marked `.optional`,
/// mirroring the Swift type exactly: `var x: T?` is `.optional` (and left out of the JSON when nil), while a
/// default value in a Swift initializer does *not* make a JSON field optional. Objects are closed
/// (`additionalProperties: false`): they list every field the server writes. Enumerations come from the
/// Swift types' `allCases`, so they cannot drift from the model.
enum OpenAPISchemas {
    /// The bodies routes name as their `requestSchema` or `responseSchema`.
    static let names = [
        "Health", "User", "Site", "Skill", "WorkCenter", "Location", "Item", "BOM", "Routing", "Customer", "SalesOrder",
        "NewSalesOrder", "ProductionOrder", "NewProductionOrder", "Lot", "NewLot", "PromiseRequest", "ReasonRequest",
        "MoveRequest", "LotStatusRequest", "TokenRequest", "TokenList", "IssuedToken", "Command", "CommandBatch",
        "BatchResult", "EventList", "EventPage", "Problem", "ScheduleRunRequest", "PublishedSchedule", "DispatchList",
        "PromiseQuery", "PromiseAnswer",
    ]

    /// Parts of those bodies, referenced from them with `$ref`.
    static let subSchemaNames = [
        "Certification", "APIToken", "Shift", "Downtime", "SetupTransition", "BOMComponent", "EligibleWorkCenter",
        "RoutingOperation", "SalesOrderLine", "Pegging", "Violation", "Event",
        // Command and event payloads that are not plant entities.
        "PromiseSalesOrderLine", "CancelSalesOrder", "ProductionOrderRef", "CancelProductionOrder", "MoveLot", "SetLotStatus",
        "IssueAPIToken", "APITokenRef", "ProductionOrderTransition", "ProductionOrderCancelled", "LotMoved", "LotStatusChanged",
        "ScheduledStep", "DispatchEntry",
    ]

    static var components: [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: schemas.map { ($0.name, $0.schema.json) })
    }

    /// The schema of each command type's `data`, in the order of ``Command/typeNames``.
    static let commandData: [(type: String, schema: String)] = [
        ("defineSite", "Site"), ("defineSkill", "Skill"), ("defineWorkCenter", "WorkCenter"), ("defineLocation", "Location"),
        ("defineItem", "Item"), ("defineBOM", "BOM"), ("defineRouting", "Routing"), ("defineCustomer", "Customer"),
        ("createSalesOrder", "NewSalesOrder"), ("promiseSalesOrderLine", "PromiseSalesOrderLine"),
        ("cancelSalesOrder", "CancelSalesOrder"), ("createProductionOrder", "NewProductionOrder"),
        ("releaseProductionOrder", "ProductionOrderRef"), ("startProductionOrder", "ProductionOrderRef"),
        ("completeProductionOrder", "ProductionOrderRef"), ("cancelProductionOrder", "CancelProductionOrder"),
        ("createLot", "NewLot"), ("moveLot", "MoveLot"), ("setLotStatus", "SetLotStatus"), ("createUser", "User"),
        ("updateUser", "User"), ("issueAPIToken", "IssueAPIToken"), ("revokeAPIToken", "APITokenRef"),
        ("publishSchedule", "PublishedSchedule"),
    ]

    /// The schema of each event type's `data`, in the order of ``Event/typeNames``.
    static let eventData: [(type: String, schema: String)] = [
        ("siteDefined", "Site"), ("skillDefined", "Skill"), ("workCenterDefined", "WorkCenter"), ("locationDefined", "Location"),
        ("itemDefined", "Item"), ("bomDefined", "BOM"), ("routingDefined", "Routing"), ("customerDefined", "Customer"),
        ("salesOrderCreated", "SalesOrder"), ("salesOrderLinePromised", "PromiseSalesOrderLine"),
        ("salesOrderCancelled", "CancelSalesOrder"), ("productionOrderCreated", "ProductionOrder"),
        ("productionOrderReleased", "ProductionOrderTransition"), ("productionOrderStarted", "ProductionOrderTransition"),
        ("productionOrderCompleted", "ProductionOrderTransition"), ("productionOrderCancelled", "ProductionOrderCancelled"),
        ("lotCreated", "Lot"), ("lotMoved", "LotMoved"), ("lotStatusChanged", "LotStatusChanged"), ("userCreated", "User"),
        ("userUpdated", "User"), ("apiTokenIssued", "APIToken"), ("apiTokenRevoked", "APITokenRef"),
        ("schedulePublished", "PublishedSchedule"),
    ]

    // MARK: - The schemas

    static let schemas: [(name: String, schema: JSONSchema)] = [
        // System
        ("Health", obj("The server is up and its event log is readable.", [
            "status": str("always `ok` when the server answers"),
            "version": str("the server's version"),
            "sequence": int64("sequence number of the last committed event"),
        ])),
        ("Problem", obj("An RFC 9457 problem: what went wrong, naming the fields and rules that failed.", [
            "type": str("URN of the kind of problem, e.g. `urn:takt:problem:invalid-command`"),
            "title": str("short, fixed summary of the kind of problem"),
            "status": int("the HTTP status code"),
            "detail": str("what went wrong in this request, in words a user can act on"),
            "instance": str("the request path").optional,
            "errors": arr(ref("Violation"), "every field and rule that failed").optional,
            "requestId": str("the request's ID, to find it in the server log").optional,
        ])),
        ("Violation", obj("One rule a request broke.", [
            "field": str("JSON path of the offending field, e.g. `operations[1].workCenters`"),
            "rule": str("machine-readable rule name, e.g. `required`, `positive`, `unknown-reference`, `cycle`"),
            "message": str("a sentence a user can act on"),
        ])),

        // Identity
        ("User", obj("A person or integration that acts in the plant; every event records its actor.", [
            "id": code("user ID, e.g. `jdoe`"),
            "name": words("display name"),
            "roles": arr(enumOf(Role.allCases.map(\.rawValue), "a role"), "what the user may do; admin may do everything", minItems: 1),
            "certifications": arr(ref("Certification"), "skills the user is certified for; none when left out").optional,
            "active": bool("inactive users cannot sign in or be assigned work; true when left out").optional,
        ])),
        ("Certification", obj("A user's certification for a skill.", [
            "skill": code("skill ID"),
            "validUntil": date("expiry; none means it does not expire").optional,
        ])),
        ("APIToken", obj("An API token of a user. Only the SHA-256 hash of its secret is stored.", [
            "id": code("token ID"),
            "user": code("the user it signs in as"),
            "secretHash": sha256("lowercase hex SHA-256 of the secret"),
            "label": words("what the token is for, e.g. `line 3 terminal`"),
            "issuedAt": date("when it was issued"),
            "revoked": bool("a revoked token no longer signs in"),
        ])),
        ("TokenRequest", obj("Ask for a new API token.", [
            "label": words("what the token is for, e.g. `line 3 terminal`")
        ])),
        ("TokenList", obj("A user's API tokens, without their secrets.", [
            "items": arr(ref("APIToken"), "the tokens, by ID")
        ])),
        ("IssuedToken", obj("A newly issued API token and its secret.", [
            "token": ref("APIToken", "the token as recorded"),
            "secret": str("the secret to send as `Authorization: Bearer <secret>`; shown only in this answer, left out on an idempotent replay").optional,
        ])),
        ("IssueAPIToken", obj("Issue an API token (command data).", [
            "id": code("token ID; numbered by the plant when left out").optional,
            "user": code("the user it signs in as"),
            "secretHash": sha256("lowercase hex SHA-256 of the secret; the secret itself never enters the log"),
            "label": words("what the token is for"),
        ])),
        ("APITokenRef", obj("Names an API token.", [
            "token": code("token ID")
        ])),

        // Plant structure
        ("Site", obj("A plant or factory site.", [
            "id": code("site ID, e.g. `PLANT-1`"),
            "name": words("the site's name"),
            "timeZone": str("IANA time zone, e.g. `Europe/Berlin`; shifts are in this zone; UTC when left out").optional,
        ])),
        ("Skill", obj("A skill an operation may require of the person running it.", [
            "id": code("skill ID, e.g. `WELD-TIG`"),
            "name": words("the skill's name"),
        ])),
        ("WorkCenter", obj("A machine, line or station: where operations run.", [
            "id": code("work center ID, e.g. `WC-LATHE-1`"),
            "name": words("the work center's name"),
            "site": code("the site it stands in"),
            "kind": enumOf(WorkCenterKind.allCases.map(\.rawValue), "what kind of work it does"),
            "capacity": int("operations it can run at the same time; 1 when left out", 1...1000).optional,
            "shifts": arr(ref("Shift"), "when it works, in the site's time zone; none when left out").optional,
            "plannedDowntime": arr(ref("Downtime"), "planned interruptions: maintenance, holidays").optional,
            "setupFamilies": arr(str("a setup family, e.g. `small-housing`"), "setup families it runs", unique: true).optional,
            "defaultChangeoverMinutes": num("changeover minutes between two different families, unless a transition says otherwise; 0 when left out", min: 0).optional,
            "setupTransitions": arr(ref("SetupTransition"), "changeover times between particular families").optional,
        ])),
        ("Shift", obj("A recurring working window in the site's local time; `end` before `start` runs past midnight.", [
            "name": words("the shift's name, e.g. `early`"),
            "days": arr(enumOf(Weekday.allCases.map(\.rawValue), "ISO weekday: 1 = Monday … 7 = Sunday"), "the weekdays it runs", minItems: 1),
            "start": clock("local start time, `HH:mm`"),
            "end": clock("local end time, `HH:mm`"),
        ])),
        ("Downtime", obj("A planned interruption of a work center.", [
            "start": date("when it begins"),
            "end": date("when it ends; after start"),
            "reason": words("why, e.g. `annual maintenance`"),
        ])),
        ("SetupTransition", obj("The changeover time of a work center from one setup family to another.", [
            "from": str("the family it changes over from"),
            "to": str("the family it changes over to"),
            "minutes": num("changeover minutes", min: 0),
        ])),
        ("Location", obj("A place where material is kept: a store, a receiving dock, beside a work center.", [
            "id": code("location ID, e.g. `STORE-A`"),
            "name": words("the location's name"),
            "site": code("the site it belongs to"),
            "kind": enumOf(LocationKind.allCases.map(\.rawValue), "what the location is for"),
            "workCenter": code("for line-side locations (required there): the work center it feeds").optional,
        ])),

        // Products
        ("Item", obj("A material or product: purchased, made in between, or sold.", [
            "id": code("item ID (part number), e.g. `PUMP-100`"),
            "name": words("the item's name"),
            "kind": enumOf(ItemKind.allCases.map(\.rawValue), "purchased, made as a part (semi-finished), or sold (finished)"),
            "unit": enumOf(UnitOfMeasure.allCases.map(\.rawValue), "unit of measure of its quantities; `ea` when left out").optional,
        ])),
        ("BOM", obj("A single-level bill of materials: what one unit of an item is made from.", [
            "id": code("BOM ID"),
            "item": code("the item it makes"),
            "components": arr(ref("BOMComponent"), "the component lines", minItems: 1),
        ])),
        ("BOMComponent", obj("One component line of a bill of materials.", [
            "item": code("the component item"),
            "quantity": num("how much one parent unit needs", above: 0),
            "substitutes": arr(code("an item ID"), "approved alternative materials that may be consumed instead").optional,
        ])),
        ("Routing", obj("How an item is made: its operations, in order.", [
            "id": code("routing ID"),
            "item": code("the item it makes"),
            "operations": arr(ref("RoutingOperation"), "the operations, by increasing sequence", minItems: 1),
        ])),
        ("RoutingOperation", obj("One step of a routing.", [
            "sequence": int("position in the routing, e.g. 10, 20, 30; unique and increasing", 1...),
            "name": words("the operation's name, e.g. `turn housing`"),
            "workCenters": arr(ref("EligibleWorkCenter"), "where it may run: the first is preferred, the others are alternatives", minItems: 1),
            "requiredSkill": code("skill the operator must be certified for").optional,
            "workInstruction": str("reference to the work instruction document").optional,
            "setupFamily": str("setup family, for changeover times").optional,
            "transferBatch": num("the next operation may start once this many units are done here", above: 0).optional,
        ])),
        ("EligibleWorkCenter", obj("A work center that may run an operation, with its times there.", [
            "workCenter": code("work center ID"),
            "setupMinutes": num("setup minutes per order", min: 0),
            "runMinutesPerUnit": num("run minutes per unit", min: 0),
        ])),

        // Customers and orders
        ("Customer", obj("A customer.", [
            "id": code("customer ID"),
            "name": words("the customer's name"),
            "priority": int("1 (most important) to 5; 3 when left out", 1...5).optional,
        ])),
        ("SalesOrder", obj("A customer order.", [
            "id": code("sales order ID"),
            "customer": code("customer ID"),
            "priority": int("1 (most urgent) to 5", 1...5),
            "lines": arr(ref("SalesOrderLine"), "what is ordered, line by line", minItems: 1),
            "status": enumOf(SalesOrderStatus.allCases.map(\.rawValue), "where the order stands"),
        ])),
        ("NewSalesOrder", obj("Enter a customer order.", [
            "id": code("sales order ID"),
            "customer": code("customer ID"),
            "priority": int("1 (most urgent) to 5; the customer's priority when left out", 1...5).optional,
            "lines": arr(ref("SalesOrderLine"), "what is ordered, line by line", minItems: 1),
        ])),
        ("SalesOrderLine", obj("One line of a customer order.", [
            "line": int("line number, unique in the order", 1...),
            "item": code("the item ordered"),
            "quantity": num("how much, in the item's unit", above: 0),
            "requestedDate": date("when the customer wants it"),
            "promisedDate": date("when the plant promised it").optional,
        ])),
        ("PromiseRequest", obj("Promise a delivery date for a line.", [
            "promisedDate": date("the promised delivery date")
        ])),
        ("PromiseSalesOrderLine", obj("Promise a delivery date for a sales order line.", [
            "salesOrder": code("sales order ID"),
            "line": int("line number", 1...),
            "promisedDate": date("the promised delivery date"),
        ])),
        ("CancelSalesOrder", obj("Cancel a customer order.", [
            "salesOrder": code("sales order ID"),
            "reason": words("why"),
        ])),
        ("ReasonRequest", obj("The reason for a cancellation.", [
            "reason": words("why")
        ])),
        ("ProductionOrder", obj("An order to make a quantity of an item by a due date.", [
            "id": code("production order ID, e.g. `PO-000042`"),
            "item": code("the item made"),
            "quantity": num("how much, in the item's unit", above: 0),
            "routing": code("the routing followed"),
            "dueDate": date("when it must be done"),
            "priority": int("1 (most urgent) to 5", 1...5),
            "status": enumOf(ProductionOrderStatus.allCases.map(\.rawValue), "where the order stands"),
            "pegging": ref("Pegging", "the customer demand it serves").optional,
            "createdAt": date("when it was created"),
            "releasedAt": date("when it was released to the shop floor").optional,
            "completedAt": date("when it was completed").optional,
            "cancelReason": str("why it was cancelled").optional,
        ])),
        ("NewProductionOrder", obj("Create a planned production order.", [
            "id": code("production order ID; numbered by the plant (`PO-000001`, …) when left out").optional,
            "item": code("the item to make"),
            "quantity": num("how much, in the item's unit", above: 0),
            "routing": code("the routing to follow; may be left out when the item has exactly one").optional,
            "dueDate": date("when it must be done"),
            "priority": int("1 (most urgent) to 5; 3 when left out", 1...5).optional,
            "pegging": ref("Pegging", "the customer demand it serves").optional,
        ])),
        ("Pegging", obj("The sales order line a production order serves.", [
            "salesOrder": code("sales order ID"),
            "line": int("line number", 1...),
        ])),
        ("ProductionOrderRef", obj("Names a production order.", [
            "productionOrder": code("production order ID")
        ])),
        ("CancelProductionOrder", obj("Cancel a production order.", [
            "productionOrder": code("production order ID"),
            "reason": words("why"),
        ])),
        ("ProductionOrderTransition", obj("A production order changed status.", [
            "productionOrder": code("production order ID"),
            "at": date("when"),
        ])),
        ("ProductionOrderCancelled", obj("A production order was cancelled.", [
            "productionOrder": code("production order ID"),
            "reason": words("why"),
            "at": date("when"),
        ])),

        // Material
        ("Lot", obj("A quantity of one item kept together and traced as one: received from a supplier or made by an order.", [
            "id": code("lot ID"),
            "item": code("the item"),
            "quantity": num("how much, in the item's unit"),
            "location": code("where it is"),
            "status": enumOf(LotStatus.allCases.map(\.rawValue), "whether it may be used"),
            "supplierLot": str("the supplier's own lot number (purchased items)").optional,
            "supplier": str("who supplied it").optional,
            "productionOrder": code("the production order that made it (made items)").optional,
            "createdAt": date("when it was received or recorded"),
        ])),
        // Scheduling
        ("ScheduleRunRequest", obj("How to run the optimizer.", [
            "timeLimitSeconds": num("how long it may improve the schedule; 2 s when left out, at most 60", above: 0).optional,
            "seed": int("seed of the search, for reproducible runs", 0...).optional,
        ])),
        ("PublishedSchedule", obj("The schedule the plant works to: where and when every open operation runs.", [
            "id": code("schedule ID, e.g. `SCH-000003`"),
            "origin": date("the time it was computed from"),
            "steps": arr(ref("ScheduledStep"), "every scheduled operation, by start"),
            "weightedTardinessMinutes": num("sum over orders of priority weight × minutes late", min: 0),
            "makespanMinutes": int("minutes from the origin to the last operation's end", 0...),
            "totalSetupMinutes": int("changeover minutes between setup families", 0...),
            "lateOrders": arr(code("a production order ID"), "orders that finish after their due date"),
        ])),
        ("ScheduledStep", obj("One operation placed on a work center.", [
            "productionOrder": code("the production order"),
            "sequence": int("the routing operation's sequence number", 1...),
            "name": words("the operation's name"),
            "workCenter": code("where it runs"),
            "start": date("when it starts"),
            "end": date("when it ends"),
        ])),
        ("PromiseQuery", obj("A new order to promise a date for (nothing is created).", [
            "item": code("the item to make"),
            "quantity": num("how many", above: 0),
            "routing": code("the routing; the item's only routing when left out").optional,
            "priority": int("1 (most urgent) to 5; 3 when left out", 1...5).optional,
        ])),
        ("PromiseAnswer", obj("The earliest completion of a new order, fitted around the orders already scheduled.", [
            "item": code("the item"),
            "quantity": num("how many", above: 0),
            "routing": code("the routing it would follow"),
            "earliestCompletion": date("when its last operation would end"),
            "steps": arr(ref("ScheduledStep"), "its operations as they would run"),
            "basedOn": code("the published schedule it was fitted into; absent when none is published").optional,
        ])),
        ("DispatchList", obj("What a work center should run, in order.", [
            "workCenter": code("the work center"),
            "orderedBy": enumOf(["schedule", "due-date"], "by the published schedule, or by due date then priority when none is published"),
            "schedule": code("the published schedule it follows").optional,
            "items": arr(ref("DispatchEntry"), "operations of released and started orders, next first"),
        ])),
        ("DispatchEntry", obj("One operation on a dispatch list.", [
            "productionOrder": code("the production order"),
            "sequence": int("the routing operation's sequence number", 1...),
            "name": words("the operation's name"),
            "item": code("the item the order makes"),
            "quantity": num("how many", above: 0),
            "orderStatus": enumOf(ProductionOrderStatus.allCases.map(\.rawValue), "the order's status"),
            "priority": int("1 (most urgent) to 5", 1...5),
            "dueDate": date("when the order is due"),
            "start": date("scheduled start").optional,
            "end": date("scheduled end").optional,
        ])),
        ("NewLot", obj("Receive or record a lot.", [
            "id": code("lot ID"),
            "item": code("the item"),
            "quantity": num("how much, in the item's unit", above: 0),
            "location": code("where it is put"),
            "supplierLot": str("the supplier's own lot number; required for purchased items").optional,
            "supplier": str("who supplied it").optional,
            "productionOrder": code("the production order that made it").optional,
        ])),
        ("MoveRequest", obj("Move a lot.", [
            "to": code("the location it goes to")
        ])),
        ("MoveLot", obj("Move a lot (command data).", [
            "lot": code("lot ID"),
            "to": code("the location it goes to"),
        ])),
        ("LotMoved", obj("A lot was moved.", [
            "lot": code("lot ID"),
            "from": code("where it was"),
            "to": code("where it is now"),
        ])),
        ("LotStatusRequest", obj("Hold, quarantine, release or scrap a lot.", [
            "status": enumOf(LotStatus.allCases.map(\.rawValue), settable),
            "reason": words("why"),
        ])),
        ("SetLotStatus", obj("Change a lot's status (command data).", [
            "lot": code("lot ID"),
            "status": enumOf(LotStatus.allCases.map(\.rawValue), settable),
            "reason": words("why"),
        ])),
        ("LotStatusChanged", obj("A lot's status changed.", [
            "lot": code("lot ID"),
            "from": enumOf(LotStatus.allCases.map(\.rawValue), "the status before"),
            "to": enumOf(LotStatus.allCases.map(\.rawValue), "the status now"),
            "reason": words("why"),
        ])),

        // Commands and the event log
        ("Command", command("A change to the plant: `type` names the command, `data` carries it.")),
        ("CommandBatch", obj("Commands applied in order and committed together; each gets its own answer.", [
            "commands": arr(
                command("A command, with an optional idempotency key.", extra: [
                    "idempotencyKey": str("repeat this command safely: the same key from the same user is applied once").optional
                ]), "1 to 10,000 commands", minItems: 1, maxItems: 10_000)
        ])),
        ("BatchResult", obj("The answer to each command of a batch, in order.", [
            "accepted": int("commands applied (or replayed)", 0...),
            "rejected": int("commands refused", 0...),
            "results": arr(oneOf([
                obj("The command was applied.", [
                    "ok": constant(.bool(true)),
                    "replayed": bool("true when this answers a repeated idempotency key"),
                    "events": arr(ref("Event"), "the events it appended"),
                ]),
                obj("The command was refused; nothing of it was applied.", [
                    "ok": constant(.bool(false)),
                    "problem": ref("Problem", "why"),
                ]),
            ]), "one answer per command, in order"),
        ])),
        ("Event", event("Something that happened, as recorded in the log.")),
        ("EventList", obj("The events a command appended.", [
            "events": arr(ref("Event"), "in log order")
        ])),
        ("EventPage", obj("A page of the event log.", [
            "events": arr(ref("Event"), "in log order"),
            "next": int64("pass as `after` for the next page"),
            "lastSequence": int64("sequence number of the last committed event"),
        ])),
    ]

    private static let settable = "the new status: available, on-hold, quarantine or scrapped (consumed and shipped are set by execution and shipping)"

    /// `{"type": …, "data": …}` where `data` follows the command type.
    private static func command(_ description: String, extra: KeyValuePairs<String, JSONSchema> = [:]) -> JSONSchema {
        var properties: [(String, JSONSchema)] = [
            ("type", enumOf(Command.typeNames, "the command")),
            ("data", typeless("the command's content; its schema depends on `type`")),
        ]
        properties += extra.map { ($0.key, $0.value) }
        return obj(description, properties).dataByType(commandData)
    }

    /// One recorded event, as `JSONIO.eventJSON` writes it.
    private static func event(_ description: String) -> JSONSchema {
        obj(description, [
            "actor": str("who caused it: a user ID, or `system`"),
            "correlationId": str("ties the event to the request that caused it"),
            "data": typeless("what happened; its schema depends on `type`"),
            "idempotencyKey": nullable(str("the idempotency key of the command that caused it")),
            "recordedAt": date("when it was recorded"),
            "sequence": int64("its position in the log, from 1"),
            "type": enumOf(Event.typeNames, "what kind of event"),
        ]).dataByType(eventData)
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
        s.fields["allOf"] = .array(table.map { entry in
            .object([
                "if": .object(["properties": .object(["type": .object(["const": .string(entry.type)])]), "required": .array([.string("type")])]),
                "then": .object(["properties": .object(["data": .object(["$ref": .string(componentPath(entry.schema))])])]),
            ])
        })
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

private func sha256(_ description: String) -> JSONSchema {
    schema(["type": .string("string"), "pattern": .string("^[0-9a-f]{64}$")], description)
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
    var s = schema([
        "type": .string("object"),
        "properties": .object(Dictionary(uniqueKeysWithValues: properties.map { ($0.0, $0.1.json) })),
        "additionalProperties": .bool(false),
    ], description)
    let required = properties.filter { !$0.1.isOptional }.map { JSONValue.string($0.0) }
    if !required.isEmpty { s.fields["required"] = .array(required) }
    return s
}
