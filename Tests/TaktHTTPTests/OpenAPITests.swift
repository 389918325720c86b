import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import TaktApp
import TaktCore
import TaktService
import TaktStore
import Testing

@testable import TaktEngine
@testable import TaktHTTP

@Suite("OpenAPI document")
struct OpenAPITests {
    // MARK: - Routes and document structure

    @Test("Every route appears under its path and method with its operationId; operationIds are unique; path parameters are declared")
    func routesAreDocumented() async throws {
        let (api, doc) = try await makeDocument()
        let paths = try #require(doc["paths"]?.objectValue)
        var documented = 0
        for route in api.routes {
            let method = route.method.rawValue.lowercased()
            let op = paths[route.path]?[method]
            #expect(op != nil, "\(route.method) \(route.path) is not in the document")
            #expect(op?["operationId"] == .string(route.operationID), "\(route.method) \(route.path) has the wrong operationId")
            let declared = (op?["parameters"]?.arrayValue ?? []).filter { $0["in"] == .string("path") }
            let declaredNames = Set(declared.compactMap { $0["name"]?.stringValue })
            for name in pathParameters(route.path) {
                #expect(declaredNames.contains(name), "\(route.operationID): path parameter {\(name)} is not declared")
                let p = declared.first { $0["name"] == .string(name) }
                #expect(p?["required"] == .bool(true), "\(route.operationID): path parameter {\(name)} must be required")
            }
            #expect(declaredNames == Set(pathParameters(route.path)), "\(route.operationID): declares path parameters not in its path")
        }
        for (_, item) in paths { documented += item.objectValue?.count ?? 0 }
        #expect(documented == api.routes.count, "the document has operations that are not routes")
        let ids = api.routes.map(\.operationID)
        #expect(
            Set(ids).count == ids.count,
            "duplicate operationIds: \(Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted())"
        )
    }

    @Test("The document is structurally OpenAPI 3.1: version, info, paths, operations with responses")
    func structure() async throws {
        let (api, doc) = try await makeDocument()
        #expect(doc["openapi"] == .string("3.1.0"))
        #expect(doc["info"]?["title"]?.stringValue?.isEmpty == false)
        #expect(doc["info"]?["version"] == .string("test"))
        let paths = try #require(doc["paths"]?.objectValue)
        #expect(!paths.isEmpty)
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        for (path, item) in paths {
            #expect(path.hasPrefix("/"), "path \(path) must start with /")
            for (method, op) in item.objectValue ?? [:] {
                let where_ = "\(method.uppercased()) \(path)"
                #expect(methods.contains(method), "\(where_): unknown method")
                let responses = op["responses"]?.objectValue ?? [:]
                #expect(!responses.isEmpty, "\(where_) has no responses")
                for (status, response) in responses {
                    #expect(status.count == 3 && Int(status) != nil, "\(where_): response key \(status) is not a status code")
                    #expect(response["description"]?.stringValue != nil, "\(where_) \(status) has no description")
                    for (_, media) in response["content"]?.objectValue ?? [:] {
                        #expect(media["schema"] != nil, "\(where_) \(status): a media type without schema")
                    }
                }
                for p in op["parameters"]?.arrayValue ?? [] {
                    #expect(p["name"]?.stringValue != nil && p["schema"] != nil, "\(where_): a parameter without name or schema")
                    #expect(["path", "query", "header", "cookie"].contains(p["in"]?.stringValue ?? ""), "\(where_): bad parameter location")
                }
                if let body = op["requestBody"] {
                    // JSON, or a file (an uploaded document) documented as binary.
                    let files = (body["content"]?.objectValue ?? [:]).values.allSatisfy { $0["schema"]?["format"]?.stringValue == "binary" }
                    #expect(body["content"]?["application/json"]?["schema"] != nil || files, "\(where_): request body without a JSON schema")
                }
            }
        }
        for (name, schema) in try components(doc) {
            #expect(schema["description"]?.stringValue?.isEmpty == false, "component \(name) has no description")
        }
        // The document is plain JSON that round-trips.
        let data = try api.openAPIDocument()
        #expect(try TaktJSON.decoder.decode(JSONValue.self, from: data) == doc)
        // For scripts/check_openapi.py: OPENAPI_OUT=/tmp/openapi.json swift test --filter OpenAPITests
        if let out = ProcessInfo.processInfo.environment["OPENAPI_OUT"] {
            try data.write(to: URL(fileURLWithPath: out))
        }
    }

    @Test("Every $ref resolves to a component, and every component is reachable from some operation")
    func referencesResolveAndNothingIsDead() async throws {
        let (api, doc) = try await makeDocument()
        let schemas = try components(doc)
        var all: [String] = []
        collectRefs(doc, into: &all)
        #expect(!all.isEmpty)
        for r in all {
            #expect(r.hasPrefix(componentPrefix) && schemas[String(r.dropFirst(componentPrefix.count))] != nil, "unresolved $ref \(r)")
        }
        // Reachability from the operations.
        var fromPaths: [String] = []
        collectRefs(doc["paths"] ?? .null, into: &fromPaths)
        var reached = Set<String>()
        var queue = fromPaths.map { String($0.dropFirst(componentPrefix.count)) }
        while let name = queue.popLast() {
            guard reached.insert(name).inserted, let schema = schemas[name] else { continue }
            var refs: [String] = []
            collectRefs(schema, into: &refs)
            queue += refs.map { String($0.dropFirst(componentPrefix.count)) }
        }
        #expect(Set(schemas.keys).subtracting(reached).isEmpty, "dead schemas: \(Set(schemas.keys).subtracting(reached).sorted())")

        // The two lists name every component once; `names` is exactly what routes name.
        let listed = OpenAPISchemas.names + OpenAPISchemas.subSchemaNames
        #expect(Set(listed).count == listed.count, "a schema is listed twice")
        #expect(
            Set(listed) == Set(schemas.keys),
            "listed but missing: \(Set(listed).subtracting(schemas.keys).sorted()); defined but not listed: \(Set(schemas.keys).subtracting(listed).sorted())"
        )
        #expect(OpenAPISchemas.schemas.count == schemas.count, "a schema is defined twice")
        let routeNames = Set(
            api.routes.flatMap { [$0.requestSchema, $0.responseSchema] }.compactMap { $0 }.map { name in
                name.hasPrefix("Page<") ? String(name.dropFirst(5).dropLast()) : name
            } + ["Problem"]
        )
        #expect(
            routeNames == Set(OpenAPISchemas.names),
            "route schemas \(routeNames.symmetricDifference(OpenAPISchemas.names).sorted()) differ from `names`"
        )
    }

    @Test("docs/openapi.json is the document the server generates (regenerate: swift run takt openapi > docs/openapi.json)")
    func committedDocumentIsCurrent() async throws {
        let file = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "../../docs/openapi.json").standardized
        let committed = try Data(contentsOf: file)
        let generated = try await TaktAPI.publishedOpenAPIDocument(version: TaktApplication.version)
        #expect(committed == generated, "docs/openapi.json is stale: run `swift run takt openapi > docs/openapi.json`")
        // The served document is the same JSON.
        let served = try TaktJSON.decoder.decode(JSONValue.self, from: try await OpenAPITests.api().openAPIDocument())
        #expect(try TaktJSON.decoder.decode(JSONValue.self, from: generated) == served.replacingVersion(TaktApplication.version))
    }

    @Test("Every command and every event of the registries appears in the document, its data naming a component")
    func commandsAndEventsAppear() async throws {
        let (_, doc) = try await makeDocument()
        let schemas = try components(doc)
        let alternatives = schemas["Command"]?["oneOf"]?.arrayValue ?? []
        var commands: [String: String] = [:]
        for alternative in alternatives {
            if let type = alternative["properties"]?["type"]?["const"]?.stringValue {
                commands[type] = alternative["properties"]?["data"]?["$ref"]?.stringValue
            }
        }
        for kind in CommandKind.allCases {
            #expect(commands[kind.rawValue] == componentPrefix + kind.spec.payloadName, "\(kind.rawValue) is not in Command, or names the wrong data")
            #expect(schemas[kind.spec.payloadName] != nil, "\(kind.rawValue): no component \(kind.spec.payloadName)")
        }
        #expect(commands.count == CommandKind.allCases.count, "Command has alternatives no command kind declares")
        var events: [String: String] = [:]
        for condition in schemas["Event"]?["allOf"]?.arrayValue ?? [] {
            if let type = condition["if"]?["properties"]?["type"]?["const"]?.stringValue {
                events[type] = condition["then"]?["properties"]?["data"]?["$ref"]?.stringValue
            }
        }
        for kind in EventKind.allCases {
            #expect(events[kind.rawValue] == componentPrefix + kind.spec.payloadName, "\(kind.rawValue) is not in Event, or names the wrong data")
            #expect(schemas[kind.spec.payloadName] != nil, "\(kind.rawValue): no component \(kind.spec.payloadName)")
        }
        #expect(events.count == EventKind.allCases.count, "Event has conditions no event kind declares")
        let typeNames = Set((schemas["Event"]?["properties"]?["type"]?["enum"]?.arrayValue ?? []).compactMap(\.stringValue))
        #expect(typeNames == Set(EventKind.allCases.map(\.rawValue)))
    }

    @Test("Every operation that needs a token states its roles; a define route's roles are those of the command it submits")
    func rolesAreStated() async throws {
        let (api, doc) = try await makeDocument()
        for route in api.routes where route.requiresAuth {
            let op = doc["paths"]?[route.path]?[route.method.rawValue.lowercased()]
            let stated = Set(op?["x-takt-roles"]?.arrayValue?.compactMap { $0.stringValue } ?? [])
            #expect(stated.contains("admin"), "\(route.operationID) does not state its roles")
            #expect(op?["description"]?.stringValue?.hasPrefix("Roles: ") == true, "\(route.operationID): the text names no roles")
            #expect(op?["responses"]?["401"] != nil && op?["responses"]?["429"] != nil, "\(route.operationID): 401 and 429 undeclared")
            if route.requestSchema != nil { #expect(op?["responses"]?["415"] != nil, "\(route.operationID): 415 undeclared") }
        }
        // A collection's define routes declare no roles: they are those of the define command whose data is the collection's schema.
        let defines = api.routes.filter { $0.method == .post && $0.roles == nil && $0.operationID == "create\($0.requestSchema ?? "")" }
        #expect(!defines.isEmpty)
        for route in defines {
            let schema = route.requestSchema ?? ""
            let command = try #require(TaktAPI.defineCommand(schema), "no define command takes a \(schema)")
            #expect(TaktAPI.documentedRoles(route) == command.sortedRoles, "\(schema): the document's roles differ from \(command.rawValue)'s")
        }
    }

    @Test("The schema checker understands every keyword the schemas use")
    func checkerCoversKeywords() async throws {
        let (_, doc) = try await makeDocument()
        var used = Set<String>()
        for (_, schema) in try components(doc) { schemaKeywords(schema, into: &used) }
        #expect(used.subtracting(SchemaChecker.keywords).isEmpty, "unchecked keywords: \(used.subtracting(SchemaChecker.keywords).sorted())")
    }

    // MARK: - Schemas against real JSON

    @Test("Hand-built plant values, encoded by TaktJSON, validate against their schemas")
    func modelValuesValidate() async throws {
        let (_, doc) = try await makeDocument()
        let checker = try SchemaChecker(doc)
        for specimen in Samples.specimens + Samples.minimalSpecimens {
            let errors = checker.errors(specimen.json, against: specimen.schema)
            #expect(errors.isEmpty, "\(specimen.schema): \(errors)")
        }
    }

    @Test("Every command type, and the events the engine records for them, validate against Command, CommandBatch, EventList and EventPage")
    func commandsAndEventsValidate() async throws {
        let (_, doc) = try await makeDocument()
        let checker = try SchemaChecker(doc)
        #expect(Set(Samples.commands.map(\.typeName)) == Set(Command.typeNames), "the samples should use every command type")
        for command in Samples.commands {
            let errors = checker.errors(try encoded(command), against: "Command")
            #expect(errors.isEmpty, "\(command.typeName): \(errors)")
        }
        // A batch as a client sends it; the server reads it back the same.
        let batch = try Samples.batchJSON(keys: true)
        #expect(checker.errors(batch, against: "CommandBatch").isEmpty, "\(checker.errors(batch, against: "CommandBatch"))")
        let read = try TaktJSON.decoder.decode(CommandBatch.self, from: TaktJSON.encoder.encode(batch))
        #expect(read.commands.map(\.command) == Samples.commands)
        #expect(read.commands.allSatisfy { $0.idempotencyKey != nil })

        // Through the engine: every event type, some with idempotency keys.
        let engine = try await Samples.engineWithEveryEvent()
        let events = try await engine.events(after: 0, limit: 1000)
        #expect(Set(events.map(\.type)) == Set(Event.typeNames), "the samples should produce every event type")
        let list = try TaktJSON.decoder.decode(JSONValue.self, from: JSONIO.eventsJSON(events))
        let listErrors = checker.errors(list, against: "EventList")
        #expect(listErrors.isEmpty, "\(listErrors)")
        let page = try TaktJSON.decoder.decode(
            JSONValue.self,
            from: JSONIO.eventsJSON(Array(events.prefix(3)), extra: ",\"next\":3,\"lastSequence\":\(events.count)")
        )
        #expect(checker.errors(page, against: "EventPage").isEmpty, "\(checker.errors(page, against: "EventPage"))")

        // The entities as the engine holds them (statuses and timestamps it filled in).
        let state = await engine.read { $0 }
        func check<T: Encodable>(_ values: some Collection<T>, _ schema: String) throws {
            #expect(!values.isEmpty, "no \(schema) in the engine")
            for v in values {
                let errors = checker.errors(try encoded(v), against: schema)
                #expect(errors.isEmpty, "\(schema) from the engine: \(errors)")
            }
        }
        try check(state.sites.values, "Site")
        try check(state.workCenters.values, "WorkCenter")
        try check(state.locations.values, "Location")
        try check(state.items.values, "Item")
        try check(state.boms.values, "BOM")
        try check(state.routings.values, "Routing")
        try check(state.customers.values, "Customer")
        try check(state.salesOrders.values, "SalesOrder")
        try check(state.productionOrders.values, "ProductionOrder")
        try check(state.lots.values, "Lot")
        try check(state.users.values, "User")
        try check(state.tokens.values.map(\.redacted), "APIToken")
        try check(state.workInstructions.values, "WorkInstruction")
        try check(state.operations.values.joined(), "OperationProgress")
        try check(state.operations.values.joined().flatMap(\.segments), "WorkSegment")
        try check(state.operations.values.joined().flatMap(\.overrides), "InterlockOverride")
        try check(state.labourSessions, "LabourSession")
        try check(state.machineStates.values.joined(), "MachineStateChange")
        try check(state.machineCounts.values.joined(), "MachineCount")
        try check(state.productionReports.values.joined(), "ProductionReport")
        try check(state.consumptionsByOrder.values.joined(), "Consumption")
        // Genealogy and OEE as the engine computes them from that record.
        let backward = try #require(state.trace("LOT-H-2", direction: .backward))
        #expect(backward.supplierLots.map(\.lot) == ["LOT-C-2"])
        try check(
            [
                backward, try #require(state.trace("LOT-C-2", direction: .forward)),
                try #require(state.trace("LOT-C-2", direction: .forward, limit: 1)),
            ],
            "LotTrace"
        )
        let window = try #require(state.oee(workCenter: "WC-LATHE-1", from: Samples.now.addingTimeInterval(-3600), to: Samples.day(1)))
        #expect(window.producedQuantity == 9)
        let shifts = state.oeeByShift(workCenter: "WC-LATHE-1", from: Samples.day(-1), to: Samples.day(1))
        #expect(shifts.count >= 2)
        try check([window, try #require(state.oee(workCenter: "WC-LATHE-2", from: Samples.now, to: Samples.day(1)))] + shifts, "OEEReport")
        // The warehouse as the engine holds it, and its reads.
        try check(state.expectedReceipts.values, "ExpectedReceipt")
        try check(state.handlingUnits.values, "HandlingUnit")
        try check(state.reservations.values, "Reservation")
        try check(state.stagingTasks.values, "StagingTask")
        try check(state.shortages.values, "ProjectedShortage")
        try check(state.shipments.values, "Shipment")
        try check(state.stock(), "StockLine")
        try check(state.stagingTasks(), "StagingTaskView")
        try check(
            state.projectedAvailability(item: "CAST-100", now: Samples.now) + state.projectedAvailability(item: "STEEL-BAR", now: Samples.now),
            "ProjectionEntry"
        )
        #expect(state.handlingUnits["P-1042"].map { ($0.location, $0.lots) } ?? ("", []) == ("STORE-A", ["LOT-C-4"]))
        #expect(state.lots["LOT-C-3"]?.location == "LS-LATHE-1", "staged to the line side of lathe 1")
        #expect(state.stagingTasks["STG-000004"]?.status == .missing)
        #expect(state.shortages["STEEL-BAR"] != nil, "bar is short while LOT-S-1 is missing")
        #expect(state.salesOrders["SO-1001"]?.status == .shipped)
        // Quality as the engine holds it, and the operator terminal's view.
        try check(state.inspectionPlans.values, "InspectionPlan")
        try check(state.inspectionResults, "InspectionResult")
        try check(state.nonconformances.values, "Nonconformance")
        try check(state.holds.values, "Hold")
        let terminal = [
            InspectionStatus(state: state, order: "PO-000003", operation: 10), InspectionStatus(state: state, order: "PO-000003", operation: 21),
        ]
        try check(terminal.compactMap { $0 }, "InspectionStatus")
        #expect(terminal.map { $0?.outstanding } == [true, false], "every 5 units: 2 passed results for 9 units reported, 1 so far")
        #expect(
            state.nonconformances.values.map { "\($0.id) \($0.status.rawValue)" }.sorted()
                == ["NC-000001 in-rework", "NC-000002 closed", "NC-000003 closed"]
        )
        #expect(state.nonconformances["NC-000002"]?.disposition?.decidedBy == "sup")
        #expect(state.lots["LOT-B-1"]?.status == .available && state.lots["LOT-B-2"]?.status == .returned)
        #expect(state.lots["LOT-C-2"]?.status == .available && state.lots["LOT-H-2"]?.status == .onHold, "the recall is lifted; LOT-H-2 stays held")
        #expect(state.activeHolds(onOrder: "PO-000003").isEmpty)
        // Orchestration as the engine holds it.
        try check(state.exceptions.values, "PlantException")
        try check(state.playbooks.values, "Playbook")
        try check([state.approvalPolicy], "ApprovalPolicy")
        #expect(state.machineSignalMapping == Samples.machineSignalMapping)
        try check([state.machineSignalMapping], "MachineSignalMapping")
        #expect(state.machineCounts["WC-LATHE-1"]?.contains { $0.goodCounter == 1_204 && $0.scrap == 1 } == true)
        try check(state.overtime.values.joined(), "Overtime")
        try check(state.operationDelays.values.flatMap(\.values), "OperationDelayReported")
        try check(state.absences.values.joined(), "Absence")
        #expect(state.absences["jdoe"]?.count == 1)
        try check(state.exceptions.values.map(ExceptionSummary.init), "ExceptionSummary")
        #expect(state.exceptions.values.map { "\($0.id) \($0.status.rawValue)" }.sorted() == ["EXC-000001 resolved", "EXC-000002 dismissed"])
        // Engineering as the engine holds it.
        try check(state.engineeringChanges.values, "EngineeringChange")
        try check(state.attachments.values, "Attachment")
        try check(state.attachments.values.map(\.info), "AttachmentInfo")
        try check([try #require(state.history(of: "WI-HOUS-100-10"))], "WorkInstructionHistory")
        #expect(state.engineeringChanges.values.map { "\($0.id) \($0.status.rawValue)" }.sorted() == ["ECO-000001 released", "ECO-000002 rejected"])
        #expect(state.workInstructions["WI-HOUS-100-10"]?.attachments == ["ATT-000001", "ATT-000002"])
        #expect(state.routings["RT-HOUS-100"]?.operations.first?.workCenters.first?.runMinutesPerUnit == 4.2)
    }

    @Test("A page of a list validates against the inline Page schema")
    func pageValidates() async throws {
        let (api, doc) = try await makeDocument()
        let checker = try SchemaChecker(doc)
        let spec = CollectionSpec<Site>(path: "sites", schema: "Site", noun: "site", select: { $0.sites }, filters: [])
        let sites: [Site.ID: Site] = [Samples.site.id: Samples.site, "PLANT-2": Site(id: "PLANT-2", name: "Second plant")]
        for limit in ["1", "2"] {
            let page = try encoded(try spec.page(sites, query: [("limit", limit)]))
            let errors = checker.errors(page, against: api.schemaRef("Page<Site>"))
            #expect(errors.isEmpty, "limit \(limit): \(errors)")
        }
    }

    @Test("The checker refuses a missing required field, a wrong enum value, an unknown field, mismatched command data and a bad date")
    func checkerRejects() async throws {
        let (_, doc) = try await makeDocument()
        let checker = try SchemaChecker(doc)
        var workCenter = try #require(try encoded(Samples.lathe).objectValue)
        workCenter["site"] = nil
        #expect(checker.errors(.object(workCenter), against: "WorkCenter").contains { $0.contains("site") })

        var lot = try #require(try encoded(Samples.castingLot).objectValue)
        lot["status"] = .string("lost")
        #expect(checker.errors(.object(lot), against: "Lot").contains { $0.contains("status") })

        var item = try #require(try encoded(Samples.pump).objectValue)
        item["colour"] = .string("blue")
        #expect(checker.errors(.object(item), against: "Item").contains { $0.contains("colour") })

        var command = try #require(try encoded(Command.defineSite(Samples.site)).objectValue)
        command["data"] = try encoded(Samples.pump)
        #expect(!checker.errors(.object(command), against: "Command").isEmpty, "defineSite with an item as data")

        var order = try #require(try encoded(Samples.peggedOrder).objectValue)
        order["dueDate"] = .string("next Tuesday")
        #expect(checker.errors(.object(order), against: "ProductionOrder").contains { $0.contains("dueDate") })

        var shift = try #require(try encoded(Samples.lathe.shifts[0]).objectValue)
        shift["days"] = .array([.number(8)])
        #expect(!checker.errors(.object(shift), against: "Shift").isEmpty, "weekday 8")

        #expect(!checker.errors(.string("x"), against: "Violation").isEmpty)
    }

    // MARK: - Live answers

    @Test("Live answers of the server validate against the schema documented for their operation and status")
    func liveAnswersValidate() async throws {
        let (_, doc) = try await makeDocument()
        let checker = try SchemaChecker(doc)
        // On the samples' clock, so that what they date ahead (an absence, overtime) is ahead whatever day the test runs.
        let engine = try await Engine.open(store: InMemoryEventStore(), now: { Samples.now }, logger: Logger(label: "test"))
        let secret = try #require(try await engine.bootstrapAdminIfEmpty(token: "takt_test-admin-secret"))
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        // Quiet: stopping the server by cancellation logs errors that are not the test's business.
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let app = TaktApplication.makeApplication(engine: engine, host: "127.0.0.1", port: 0, logger: quiet) { port in
            continuation.yield(port)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var ports = stream.makeAsyncIterator()
            let port = try #require(await ports.next())

            @discardableResult
            func call(
                _ operationID: String,
                _ method: HTTPMethod,
                _ path: String,
                body: JSONValue? = nil,
                auth: Bool = true,
                token: String? = nil,
                expect status: Int,
                sourceLocation: SourceLocation = #_sourceLocation
            ) async throws -> JSONValue {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                request.method = method
                if auth { request.headers.add(name: "Authorization", value: "Bearer \(token ?? secret)") }
                if let body {
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(bytes: try TaktJSON.encoder.encode(body)))
                }
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                let bytes = try await response.body.collect(upTo: 16 << 20)
                let text = String(buffer: bytes)
                #expect(Int(response.status.code) == status, "\(operationID): \(text)", sourceLocation: sourceLocation)
                guard let schema = responseSchema(doc, operationID: operationID, status: Int(response.status.code)) else {
                    Issue.record("\(operationID): status \(response.status.code) is not documented", sourceLocation: sourceLocation)
                    return .null
                }
                let json = try TaktJSON.decoder.decode(JSONValue.self, from: Data(bytes.readableBytesView))
                let errors = checker.errors(json, against: schema)
                #expect(errors.isEmpty, "\(operationID) \(response.status.code): \(errors)", sourceLocation: sourceLocation)
                return json
            }

            try await call("health", .GET, "/healthz", auth: false, expect: 200)
            // The sample commands as two batches of the admin, and between them the supervisor's proposed disposition (a batch
            // acts as one user; the admin's disposition would be carried out at once, with nothing left to approve).
            let cut = try #require(Samples.commands.firstIndex(of: .dispositionNonconformance(Samples.supervisorProposal)))
            try await call(
                "setPassword",
                .POST,
                "/api/v1/users/admin/password",
                body: .object(["password": .string(Samples.adminPassword)]),
                expect: 200
            )
            try await call("setPassword", .POST, "/api/v1/users/admin/password", body: .object(["password": .string("short")]), expect: 422)
            let batch = try await call(
                "submitBatch",
                .POST,
                "/api/v1/commands/batch",
                body: try Samples.batchJSON(
                    keys: false,
                    commands: Array(Samples.commands[..<cut]),
                    extra: [.defineSite(Site(id: "bad code!", name: " "))],
                    signed: true
                ),
                expect: 200
            )
            #expect(batch["accepted"] == .number(Double(cut)) && batch["rejected"] == .number(1), "both kinds of answer")
            let sup = try #require(
                try await call(
                    "issueToken",
                    .POST,
                    "/api/v1/users/sup/tokens",
                    body: .object(["label": .string("tablet")]),
                    expect: 201
                )["secret"]?.stringValue
            )
            let proposal = Samples.supervisorProposal
            try await call(
                "dispositionNonconformance",
                .POST,
                "/api/v1/nonconformances/\(proposal.nonconformance)/disposition",
                body: try encoded(DispositionRequest(disposition: proposal.disposition, reason: proposal.reason)),
                token: sup,
                expect: 200
            )
            try await call("approveDisposition", .POST, "/api/v1/nonconformances/\(proposal.nonconformance)/approval", token: sup, expect: 403)
            let rest = try await call(
                "submitBatch",
                .POST,
                "/api/v1/commands/batch",
                body: try Samples.batchJSON(keys: false, commands: Array(Samples.commands[(cut + 1)...]), signed: true),
                expect: 200
            )
            #expect(rest["accepted"] == .number(Double(Samples.commands.count - cut - 1)) && rest["rejected"] == .number(0), "\(rest)")
            try await call("listWorkCenters", .GET, "/api/v1/work-centers?limit=1", expect: 200)
            try await call("listWorkCenters", .GET, "/api/v1/work-centers?limit=500", expect: 200)
            try await call("getWorkCenter", .GET, "/api/v1/work-centers/WC-LATHE-1", expect: 200)
            try await call("getLot", .GET, "/api/v1/lots/LOT-C-1", expect: 200)
            try await call("getProductionOrder", .GET, "/api/v1/production-orders/PO-000001", expect: 200)
            try await call("whoAmI", .GET, "/api/v1/users/me", expect: 200)
            try await call("listEvents", .GET, "/api/v1/events?limit=5", expect: 200)
            try await call("listTokens", .GET, "/api/v1/users/admin/tokens", expect: 200)
            try await call("issueToken", .POST, "/api/v1/users/admin/tokens", body: .object(["label": .string("line 3 terminal")]), expect: 201)
            try await call("createSite", .POST, "/api/v1/sites", body: try encoded(Site(id: "PLANT-9", name: "Ninth plant")), expect: 201)
            try await call("moveLot", .POST, "/api/v1/lots/LOT-H-1/move", body: .object(["to": .string("LS-LATHE-1")]), expect: 200)
            try await call(
                "submitCommand",
                .POST,
                "/api/v1/commands",
                body: try encoded(Command.defineCustomer(Customer(id: "CUST-9", name: "Nine", priority: 9))),
                expect: 422
            )
            // Execution: the sample order's record, labour, machine states, the dispatch list, an interlock.
            let operations = try await call("listOperations", .GET, "/api/v1/production-orders/PO-000003/operations", expect: 200)
            #expect(operations["items"]?.arrayValue?.first?["status"] == .string("completed"))
            try await call("listOperations", .GET, "/api/v1/production-orders/NOPE/operations", expect: 404)
            try await call("listWorkInstructions", .GET, "/api/v1/work-instructions", expect: 200)
            try await call("getWorkInstruction", .GET, "/api/v1/work-instructions/WI-HOUS-100-10", expect: 200)
            // Engineering: the revisions the sample change released, its diff, the attachments.
            try await call("listWorkInstructionRevisions", .GET, "/api/v1/work-instructions/WI-HOUS-100-10/revisions", expect: 200)
            try await call("diffWorkInstructionRevisions", .GET, "/api/v1/work-instructions/WI-HOUS-100-10/diff?from=B&to=C", expect: 200)
            try await call("diffWorkInstructionRevisions", .GET, "/api/v1/work-instructions/WI-HOUS-100-10/diff?from=Q", expect: 400)
            try await call("listEngineeringChanges", .GET, "/api/v1/engineering-changes?status=released", expect: 200)
            try await call("getEngineeringChange", .GET, "/api/v1/engineering-changes/ECO-000001", expect: 200)
            try await call("diffEngineeringChange", .GET, "/api/v1/engineering-changes/ECO-000001/diff", expect: 200)
            try await call("listAttachmentInfos", .GET, "/api/v1/attachments", expect: 200)
            try await call("getAttachmentInfo", .GET, "/api/v1/attachments/ATT-000001", expect: 200)
            try await call(
                "uploadAttachment",
                .POST,
                "/api/v1/attachments",
                body: try encoded(UploadAttachment(filename: "x.png", contentType: "image/png", content: Samples.pdfBytes)),
                expect: 422
            )
            try await call("createEngineeringChange", .POST, "/api/v1/engineering-changes", body: try encoded(Samples.engineeringChange), expect: 422)
            try await call("releaseEngineeringChange", .POST, "/api/v1/engineering-changes/ECO-000002/release", expect: 409)
            try await call("getLabour", .GET, "/api/v1/labour?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z", expect: 200)
            try await call("getLabour", .GET, "/api/v1/labour?from=yesterday", expect: 400)
            try await call("listMachineStates", .GET, "/api/v1/work-centers/WC-LATHE-1/machine-states", expect: 200)
            try await call("getDispatchList", .GET, "/api/v1/work-centers/WC-LATHE-2/dispatch-list", expect: 200)
            let reasons = try await call("getReasonCodes", .GET, "/api/v1/reason-codes", expect: 200)
            #expect("\(reasons)".contains("porosity") && "\(reasons)".contains("breakdown") && "\(reasons)".contains("worn-tooling"))
            let refused = try await call(
                "startOperation",
                .POST,
                "/api/v1/production-orders/PO-000003/operations/20/start",
                body: .object([:]),
                expect: 409
            )
            #expect(refused["type"] == .string("urn:takt:problem:interlock"), "\(refused)")
            try await call("clockIn", .POST, "/api/v1/work-centers/WC-LATHE-2/clock-in", expect: 200)
            try await call("listClockedIn", .GET, "/api/v1/work-centers/WC-LATHE-2/clocked-in", expect: 200)
            try await call("recordMachineCount", .POST, "/api/v1/work-centers/WC-LATHE-2/counts", body: .object(["count": .number(0)]), expect: 422)
            try await call("clockOut", .POST, "/api/v1/clock-out", body: .object([:]), expect: 200)
            // Genealogy and OEE of that record.
            let traced = try await call("traceLot", .GET, "/api/v1/lots/LOT-H-2/trace?direction=backward", expect: 200)
            #expect(traced["supplierLots"]?.arrayValue?.count == 1, "\(traced)")
            try await call("traceLot", .GET, "/api/v1/lots/LOT-C-2/trace?direction=forward&limit=1", expect: 200)
            try await call("traceLot", .GET, "/api/v1/lots/LOT-C-2/trace", expect: 400)
            try await call("traceLot", .GET, "/api/v1/lots/NOPE/trace?direction=forward", expect: 404)
            let from = TaktJSON.formatDate(Date().addingTimeInterval(-86_400))
            let to = TaktJSON.formatDate(Date().addingTimeInterval(86_400))
            let oee = try await call("getWorkCenterOEE", .GET, "/api/v1/work-centers/WC-LATHE-1/oee?from=\(from)&to=\(to)", expect: 200)
            #expect(oee["items"]?.arrayValue?.count == 1)
            try await call("getWorkCenterOEE", .GET, "/api/v1/work-centers/WC-LATHE-1/oee?from=\(from)&to=\(to)&by=shift", expect: 200)
            try await call("getWorkCenterOEE", .GET, "/api/v1/work-centers/WC-LATHE-1/oee?from=\(to)&to=\(from)", expect: 400)
            try await call("getWorkCenterOEE", .GET, "/api/v1/work-centers/NOPE/oee?from=\(from)&to=\(to)", expect: 404)
            let plant = try await call("getPlantOEE", .GET, "/api/v1/oee?from=\(from)&to=\(to)", expect: 200)
            #expect(plant["items"]?.arrayValue?.compactMap { $0["workCenter"]?.stringValue } == ["WC-LATHE-1", "WC-LATHE-2"])
            try await call("getPlantOEE", .GET, "/api/v1/oee?from=\(from)&to=\(to)&by=shift", expect: 200)
            try await call("getPlantOEE", .GET, "/api/v1/oee?from=\(from)", expect: 400)
            // Warehouse: the sample's receipts, pallets, reservations, staging tasks, projection, shortages and shipments.
            let stock = try await call("getStock", .GET, "/api/v1/stock?item=CAST-100", expect: 200)
            #expect(stock["items"]?.arrayValue?.contains { $0["lot"] == .string("LOT-C-4") && $0["handlingUnit"] == .string("P-1042") } == true)
            try await call("getStock", .GET, "/api/v1/stock?site=PLANT-1", expect: 400)
            try await call("listHandlingUnits", .GET, "/api/v1/handling-units?location=STORE-A", expect: 200)
            try await call("getHandlingUnit", .GET, "/api/v1/handling-units/P-1042", expect: 200)
            try await call("getHandlingUnit", .GET, "/api/v1/handling-units/NOPE", expect: 404)
            try await call(
                "createHandlingUnit",
                .POST,
                "/api/v1/handling-units",
                body: try encoded(HandlingUnitRequest(id: "BOX-8", location: "STORE-A")),
                expect: 201
            )
            try await call("moveHandlingUnit", .POST, "/api/v1/handling-units/BOX-8/move", body: try encoded(MoveRequest(to: "DOCK-1")), expect: 200)
            try await call("moveHandlingUnit", .POST, "/api/v1/handling-units/NOPE/move", body: try encoded(MoveRequest(to: "DOCK-1")), expect: 404)
            try await call(
                "splitHandlingUnit",
                .POST,
                "/api/v1/handling-units/P-1042/split",
                body: try encoded(SplitRequest(newHandlingUnit: "BOX-9", lots: ["LOT-NOPE"])),
                expect: 422
            )
            try await call(
                "addToHandlingUnit",
                .POST,
                "/api/v1/handling-units/BOX-8/add",
                body: try encoded(LotsRequest(lots: ["LOT-C-4"])),
                expect: 422
            )
            try await call(
                "removeFromHandlingUnit",
                .POST,
                "/api/v1/handling-units/P-1042/remove",
                body: try encoded(LotsRequest(lots: ["LOT-C-4"])),
                expect: 200
            )
            try await call("listExpectedReceipts", .GET, "/api/v1/expected-receipts?status=cancelled", expect: 200)
            try await call("getExpectedReceipt", .GET, "/api/v1/expected-receipts/ER-000001", expect: 200)
            let expected = try await call(
                "expectReceipt",
                .POST,
                "/api/v1/expected-receipts",
                body: try encoded(
                    ExpectReceipt(
                        item: "CAST-100",
                        quantity: 10,
                        expectedDate: Date().addingTimeInterval(86_400),
                        supplier: "Foundry Nord",
                        reference: "PO-4713"
                    )
                ),
                expect: 201
            )
            #expect(expected["id"] == .string("ER-000002"), "\(expected)")
            try await call(
                "cancelExpectedReceipt",
                .POST,
                "/api/v1/expected-receipts/ER-000002/cancel",
                body: try encoded(ReasonRequest(reason: "not needed")),
                expect: 200
            )
            try await call(
                "cancelExpectedReceipt",
                .POST,
                "/api/v1/expected-receipts/ER-000002/cancel",
                body: try encoded(ReasonRequest(reason: "again")),
                expect: 409
            )
            let receipt = ReceiveLot(
                id: "LOT-C-9",
                item: "CAST-100",
                quantity: 1,
                location: "DOCK-1",
                supplier: "Foundry Nord",
                supplierLot: "FDY-2026-150",
                deliveryNote: "LS-88420"
            )
            try await call("receiveLot", .POST, "/api/v1/receipts", body: try encoded(receipt), expect: 201)
            try await call("receiveLot", .POST, "/api/v1/receipts", body: try encoded(receipt), expect: 409)
            try await call("listReservations", .GET, "/api/v1/production-orders/PO-000004/reservations", expect: 200)
            try await call("listReservations", .GET, "/api/v1/production-orders/NOPE/reservations", expect: 404)
            let reserved = try await call(
                "reserveLot",
                .POST,
                "/api/v1/reservations",
                body: try encoded(ReserveLot(productionOrder: "PO-000004", lot: "LOT-C-9")),
                expect: 201
            )
            let reservation = try #require(reserved["id"]?.stringValue)
            let task = try #require(reserved["stagingTask"]?.stringValue)
            try await call(
                "reserveLot",
                .POST,
                "/api/v1/reservations",
                body: try encoded(ReserveLot(productionOrder: "PO-000004", lot: "LOT-NOPE")),
                expect: 404
            )
            try await call("listStagingTasks", .GET, "/api/v1/staging-tasks?productionOrder=PO-000004", expect: 200)
            try await call("listStagingTasks", .GET, "/api/v1/staging-tasks?status=lost", expect: 400)
            try await call("pickStagingTask", .POST, "/api/v1/staging-tasks/\(task)/pick", expect: 200)
            try await call(
                "reportStagingShort",
                .POST,
                "/api/v1/staging-tasks/\(task)/short",
                body: try encoded(ShortRequest(foundQuantity: 5)),
                expect: 422
            )
            try await call("confirmStagingTask", .POST, "/api/v1/staging-tasks/\(task)/confirm", expect: 200)
            try await call("pickStagingTask", .POST, "/api/v1/staging-tasks/\(task)/pick", expect: 409)
            try await call("pickStagingTask", .POST, "/api/v1/staging-tasks/STG-NOPE/pick", expect: 404)
            try await call(
                "releaseReservation",
                .POST,
                "/api/v1/reservations/\(reservation)/release",
                body: try encoded(ReasonRequest(reason: "wrong lot")),
                expect: 200
            )
            try await call(
                "releaseReservation",
                .POST,
                "/api/v1/reservations/\(reservation)/release",
                body: try encoded(ReasonRequest(reason: "wrong lot")),
                expect: 404
            )
            try await call(
                "reportMaterialMissing",
                .POST,
                "/api/v1/missing-material",
                body: try encoded(ReportMaterialMissing(lot: "LOT-C-4")),
                expect: 200
            )
            try await call("reportMaterialMissing", .POST, "/api/v1/missing-material", body: .object([:]), expect: 422)
            try await call("getProjectedAvailability", .GET, "/api/v1/items/CAST-100/projected-availability", expect: 200)
            try await call("getProjectedAvailability", .GET, "/api/v1/items/NOPE/projected-availability", expect: 404)
            try await call("checkMaterial", .POST, "/api/v1/material-checks", expect: 200)
            try await call("checkMaterial", .POST, "/api/v1/material-checks", body: try encoded(CheckMaterial(items: ["NOPE"])), expect: 422)
            try await call("listShortages", .GET, "/api/v1/shortages", expect: 200)
            try await call(
                "createSalesOrder",
                .POST,
                "/api/v1/sales-orders",
                body: try encoded(
                    NewSalesOrder(
                        id: "SO-1003",
                        customer: "CUST-ACME",
                        lines: [
                            SalesOrderLine(line: 1, item: "PUMP-100", quantity: 1, requestedDate: Date().addingTimeInterval(86_400))
                        ]
                    )
                ),
                expect: 201
            )
            try await call(
                "createLot",
                .POST,
                "/api/v1/lots",
                body: try encoded(NewLot(id: "LOT-P-2", item: "PUMP-100", quantity: 1, location: "STORE-A")),
                expect: 201
            )
            let shipped = try await call(
                "shipLots",
                .POST,
                "/api/v1/sales-orders/SO-1003/lines/1/shipments",
                body: try encoded(ShipRequest(lots: ["LOT-P-2"])),
                expect: 201
            )
            #expect(shipped["customer"] == .string("CUST-ACME"), "\(shipped)")
            try await call(
                "shipLots",
                .POST,
                "/api/v1/sales-orders/SO-1001/lines/1/shipments",
                body: try encoded(ShipRequest(lots: ["LOT-H-1"])),
                expect: 409
            )
            try await call("listShipments", .GET, "/api/v1/shipments?customer=CUST-ACME", expect: 200)
            try await call("getShipment", .GET, "/api/v1/shipments/SHP-000001", expect: 200)
            try await call("getShipment", .GET, "/api/v1/shipments/NOPE", expect: 404)
            // Quality: plans, results, the operator terminal, nonconformances and holds of the sample.
            try await call("listInspectionPlans", .GET, "/api/v1/inspection-plans?item=HOUS-100&operation=10", expect: 200)
            try await call("getInspectionPlan", .GET, "/api/v1/inspection-plans/IP-HOUS-100-10", expect: 200)
            try await call("createInspectionPlan", .POST, "/api/v1/inspection-plans", body: try encoded(Samples.incomingPlan), expect: 409)
            let redefined = try await call(
                "putInspectionPlan",
                .PUT,
                "/api/v1/inspection-plans/IP-CAST-100B",
                body: try encoded(Samples.incomingPlan),
                expect: 200
            )
            #expect(redefined["revision"] == .number(2))
            try await call("listInspectionResults", .GET, "/api/v1/inspection-results?productionOrder=PO-000003&passed=false", expect: 200)
            try await call("getInspectionResult", .GET, "/api/v1/inspection-results/IR-000002", expect: 200)
            let recorded = try await call(
                "recordInspectionResult",
                .POST,
                "/api/v1/inspection-results",
                body: try encoded(
                    RecordInspectionResult(
                        plan: "IP-HOUS-100-10",
                        productionOrder: "PO-000003",
                        measurements: [
                            .value("bore", 52.02), .value("bore", 52.04, sample: 2), .attribute("burrs", true), .attribute("burrs", true, sample: 2),
                        ]
                    )
                ),
                expect: 201
            )
            #expect(recorded["events"]?.arrayValue?.count == 1)
            try await call(
                "recordInspectionResult",
                .POST,
                "/api/v1/inspection-results",
                body: try encoded(
                    RecordInspectionResult(
                        plan: "IP-HOUS-100-10",
                        productionOrder: "PO-000003",
                        measurements: [.value("bore", 52.02)]
                    )
                ),
                expect: 422
            )
            let terminal = try await call("getOperationInspection", .GET, "/api/v1/production-orders/PO-000003/operations/10/inspection", expect: 200)
            #expect(terminal["outstanding"] == .bool(false) && terminal["passedResults"] == .number(2), "\(terminal)")
            try await call("getOperationInspection", .GET, "/api/v1/production-orders/PO-000003/operations/21/inspection", expect: 200)
            try await call("getOperationInspection", .GET, "/api/v1/production-orders/PO-000003/operations/99/inspection", expect: 404)
            try await call("getOperationInspection", .GET, "/api/v1/production-orders/PO-000003/operations/ten/inspection", expect: 400)
            try await call("listNonconformances", .GET, "/api/v1/nonconformances?status=closed", expect: 200)
            try await call("getNonconformance", .GET, "/api/v1/nonconformances/NC-000001", expect: 200)
            try await call("getNonconformance", .GET, "/api/v1/nonconformances/NC-000002", expect: 200)
            let opened = try await call(
                "openNonconformance",
                .POST,
                "/api/v1/nonconformances",
                body: try encoded(OpenNonconformance(description: "Dented in transport", severity: .major, lots: ["LOT-H-1"])),
                expect: 201
            )
            let nc = try #require(opened["id"]?.stringValue)
            try await call(
                "openNonconformance",
                .POST,
                "/api/v1/nonconformances",
                body: try encoded(OpenNonconformance(description: " ", severity: .minor)),
                expect: 422
            )
            try await call(
                "dispositionNonconformance",
                .POST,
                "/api/v1/nonconformances/\(nc)/disposition",
                body: try encoded(DispositionRequest(disposition: .scrap, reason: "dented")),
                expect: 422
            )
            try await call(
                "dispositionNonconformance",
                .POST,
                "/api/v1/nonconformances/\(nc)/disposition",
                body: try encoded(DispositionRequest(disposition: .scrap, reason: "dented", signature: Samples.signature("approved"))),
                expect: 200
            )
            try await call(
                "dispositionNonconformance",
                .POST,
                "/api/v1/nonconformances/NOPE/disposition",
                body: try encoded(DispositionRequest(disposition: .scrap, reason: "dented")),
                expect: 404
            )
            try await call("approveDisposition", .POST, "/api/v1/nonconformances/\(nc)/approval", body: try encoded(ApprovalRequest()), expect: 409)
            try await call("listHolds", .GET, "/api/v1/holds?status=active", expect: 200)
            try await call("getHold", .GET, "/api/v1/holds/HOLD-000001", expect: 200)
            let held = try await call(
                "placeHold",
                .POST,
                "/api/v1/holds",
                body: try encoded(PlaceHold(workCenter: "WC-LATHE-2", reason: "spindle runout")),
                expect: 201
            )
            let hold = try #require(held["id"]?.stringValue)
            try await call("placeHold", .POST, "/api/v1/holds", body: try encoded(PlaceHold(workCenter: "WC-LATHE-2", reason: "again")), expect: 409)
            try await call(
                "releaseHold",
                .POST,
                "/api/v1/holds/\(hold)/release",
                body: try encoded(ReasonRequest(reason: "runout within limits", signature: Samples.signature("released"))),
                expect: 200
            )
            try await call("releaseHold", .POST, "/api/v1/holds/\(hold)/release", body: try encoded(ReasonRequest(reason: "again")), expect: 409)
            try await call("getLot", .GET, "/api/v1/lots/NOPE", expect: 404)
            try await call("getLot", .GET, "/api/v1/lots/NOPE", auth: false, expect: 401)
            try await call("createSite", .POST, "/api/v1/sites", body: .object(["id": .string("PLANT-8")]), expect: 400)
            // Orchestration: the inbox, an exception, decisions, playbooks, the policy, outcome requests, delays and overtime.
            try await call("listExceptions", .GET, "/api/v1/exceptions?status=all", expect: 200)
            try await call("listExceptions", .GET, "/api/v1/exceptions?severity=dire", expect: 400)
            try await call("getException", .GET, "/api/v1/exceptions/EXC-000001", expect: 200)
            try await call("getException", .GET, "/api/v1/exceptions/NOPE", expect: 404)
            try await call("approveAction", .POST, "/api/v1/exceptions/EXC-000001/actions/A1/approve", body: .object([:]), expect: 409)
            try await call(
                "rejectAction",
                .POST,
                "/api/v1/exceptions/EXC-000001/actions/A9/reject",
                body: .object(["comment": .string("no")]),
                expect: 404
            )
            try await call(
                "dismissException",
                .POST,
                "/api/v1/exceptions/EXC-000001/dismiss",
                body: .object(["reason": .string("done")]),
                expect: 409
            )
            try await call("listPlaybooks", .GET, "/api/v1/playbooks", expect: 200)
            try await call("getPlaybook", .GET, "/api/v1/playbooks/PB-OPERATION-LATE", expect: 200)
            try await call("putPlaybook", .PUT, "/api/v1/playbooks/PB-OPERATION-LATE", body: try encoded(Samples.playbook), expect: 200)
            try await call(
                "putPlaybook",
                .PUT,
                "/api/v1/playbooks/PB-X",
                body: .object([
                    "name": .string("X"), "event": .string("nothingHappened"),
                    "exceptionKind": .string("machine-down"),
                ]),
                expect: 422
            )
            try await call("getApprovalPolicy", .GET, "/api/v1/approval-policy", expect: 200)
            try await call("getMachineSignalMapping", .GET, "/api/v1/machine-data/mapping", expect: 200)
            try await call(
                "putMachineSignalMapping",
                .PUT,
                "/api/v1/machine-data/mapping",
                body: try encoded(Samples.machineSignalMapping),
                expect: 200
            )
            try await call(
                "putMachineSignalMapping",
                .PUT,
                "/api/v1/machine-data/mapping",
                body: .object(["rules": .array([.object(["source": .object([:]), "workCenter": .string("WC-NONE"), "signal": .string("rate")])])]),
                expect: 422
            )
            try await call("getMachineDataStatus", .GET, "/api/v1/machine-data/status", expect: 200)
            try await call("putApprovalPolicy", .PUT, "/api/v1/approval-policy", body: try encoded(ApprovalPolicy.standard), expect: 200)
            try await call("requestOutcome", .POST, "/api/v1/outcome-requests", body: .object(["text": .string("")]), expect: 422)
            try await call(
                "reportOperationDelay",
                .POST,
                "/api/v1/production-orders/PO-000004/operations/10/delay",
                body: try encoded(DelayRequest(extraMinutes: 30, reason: "tool")),
                expect: 200
            )
            try await call(
                "scheduleOvertime",
                .POST,
                "/api/v1/work-centers/WC-LATHE-2/overtime",
                body: try encoded(OvertimeRequest(start: Samples.day(1), end: Samples.day(1).addingTimeInterval(3600), reason: "catch up")),
                expect: 200
            )
            try await call(
                "reportAbsence",
                .POST,
                "/api/v1/users/sup/absences",
                body: try encoded(AbsenceRequest(until: Samples.day(2), reason: "sick")),
                expect: 201
            )
            try await call("reportAbsence", .POST, "/api/v1/users/sup/absences", body: .object(["reason": .string("")]), expect: 400)
            try await call("listAbsences", .GET, "/api/v1/users/sup/absences", expect: 200)
            group.cancelAll()
        }
    }

    // MARK: - Helpers

    static func api() async throws -> TaktAPI {
        TaktAPI(service: PlantService(engine: try await Engine.open(store: InMemoryEventStore())), logger: Logger(label: "test"), version: "test")
    }

    func makeDocument() async throws -> (TaktAPI, JSONValue) {
        let api = try await OpenAPITests.api()
        return (api, api.openAPI())
    }
}

// MARK: - Document helpers

private let componentPrefix = "#/components/schemas/"

private func components(_ doc: JSONValue) throws -> [String: JSONValue] {
    try #require(doc["components"]?["schemas"]?.objectValue)
}

private func pathParameters(_ path: String) -> [String] {
    path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
}

private func collectRefs(_ value: JSONValue, into refs: inout [String]) {
    switch value {
    case .object(let o):
        if case .string(let r)? = o["$ref"] { refs.append(r) }
        for (_, v) in o { collectRefs(v, into: &refs) }
    case .array(let a):
        for v in a { collectRefs(v, into: &refs) }
    default: break
    }
}

/// The keywords of a schema and its subschemas (not the property names).
private func schemaKeywords(_ schema: JSONValue, into used: inout Set<String>) {
    guard case .object(let o) = schema else { return }
    for (key, value) in o {
        used.insert(key)
        switch key {
        case "properties":
            for (_, sub) in value.objectValue ?? [:] { schemaKeywords(sub, into: &used) }
        case "items", "additionalProperties", "if", "then", "else", "not":
            schemaKeywords(value, into: &used)
        case "allOf", "anyOf", "oneOf":
            for sub in value.arrayValue ?? [] { schemaKeywords(sub, into: &used) }
        default: break
        }
    }
}

private func responseSchema(_ doc: JSONValue, operationID: String, status: Int) -> JSONValue? {
    for (_, item) in doc["paths"]?.objectValue ?? [:] {
        for (_, op) in item.objectValue ?? [:] where op["operationId"] == .string(operationID) {
            let content = op["responses"]?[String(status)]?["content"]?.objectValue
            return content?.values.first?["schema"]
        }
    }
    return nil
}

func encoded<T: Encodable>(_ value: T) throws -> JSONValue {
    try TaktJSON.decoder.decode(JSONValue.self, from: TaktJSON.encoder.encode(value))
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
    var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }
    var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}

// MARK: - A small JSON Schema checker

/// Checks a JSON value against a schema of the document: the subset of JSON Schema 2020-12 the document uses.
private struct SchemaChecker {
    /// The keywords it checks (or, for annotations, knowingly ignores).
    static let keywords: Set<String> = [
        "$ref", "type", "properties", "required", "additionalProperties", "enum", "const", "items", "minItems", "maxItems",
        "uniqueItems", "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
        "allOf", "anyOf", "oneOf", "if", "then", "else", "description", "discriminator", "maxProperties", "propertyNames",
    ]
    let schemas: [String: JSONValue]

    init(_ document: JSONValue) throws {
        schemas = try components(document)
    }

    func errors(_ value: JSONValue, against name: String) -> [String] {
        errors(value, against: .object(["$ref": .string(componentPrefix + name)]))
    }

    func errors(_ value: JSONValue, against schema: JSONValue) -> [String] {
        var out: [String] = []
        check(value, schema, "$", &out)
        return out
    }

    private func check(_ value: JSONValue, _ schema: JSONValue, _ path: String, _ out: inout [String]) {
        guard case .object(let s) = schema else {
            if schema == .bool(false) { out.append("\(path): not allowed") }
            return
        }
        if case .string(let r)? = s["$ref"] {
            if r.hasPrefix(componentPrefix), let target = schemas[String(r.dropFirst(componentPrefix.count))] {
                check(value, target, path, &out)
            } else {
                out.append("\(path): unresolved $ref \(r)")
            }
        }
        if let type = s["type"] {
            let types = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue ?? ""]
            guard types.contains(where: { matches(value, $0) }) else {
                out.append("\(path): expected \(types.joined(separator: " or ")), got \(value)")
                return
            }
        }
        if let values = s["enum"]?.arrayValue, !values.contains(value) { out.append("\(path): \(value) is not one of \(values)") }
        if let c = s["const"], c != value { out.append("\(path): \(value) is not \(c)") }
        switch value {
        case .object(let o):
            let properties = s["properties"]?.objectValue ?? [:]
            for (key, sub) in properties { if let v = o[key] { check(v, sub, path + "." + key, &out) } }
            for key in s["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where o[key] == nil {
                out.append("\(path).\(key): required but missing")
            }
            if let n = s["maxProperties"]?.number, Double(o.count) > n { out.append("\(path): more than \(n) properties") }
            if let names = s["propertyNames"] { for key in o.keys { check(.string(key), names, "\(path) name '\(key)'", &out) } }
            if let extra = s["additionalProperties"] {
                for (key, v) in o where properties[key] == nil {
                    if extra == .bool(false) {
                        out.append("\(path).\(key): not a documented property")
                    } else {
                        check(v, extra, path + "." + key, &out)
                    }
                }
            }
        case .array(let a):
            if let items = s["items"] { for (i, v) in a.enumerated() { check(v, items, "\(path)[\(i)]", &out) } }
            if let n = s["minItems"]?.number, Double(a.count) < n { out.append("\(path): fewer than \(n) items") }
            if let n = s["maxItems"]?.number, Double(a.count) > n { out.append("\(path): more than \(n) items") }
            if s["uniqueItems"] == .bool(true), Set(a).count != a.count { out.append("\(path): items repeat") }
        case .string(let text):
            let length = Double(text.unicodeScalars.count)
            if let n = s["minLength"]?.number, length < n { out.append("\(path): shorter than \(n)") }
            if let n = s["maxLength"]?.number, length > n { out.append("\(path): longer than \(n)") }
            if let p = s["pattern"]?.stringValue, text.range(of: p, options: .regularExpression) == nil {
                out.append("\(path): '\(text)' does not match \(p)")
            }
            if s["format"] == .string("date-time"),
                text.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"#, options: .regularExpression) == nil
                    || TaktJSON.parseDate(text) == nil
            {
                out.append("\(path): '\(text)' is not a date-time")
            }
        case .number(let n):
            if let m = s["minimum"]?.number, n < m { out.append("\(path): \(n) is below \(m)") }
            if let m = s["maximum"]?.number, n > m { out.append("\(path): \(n) is above \(m)") }
            if let m = s["exclusiveMinimum"]?.number, n <= m { out.append("\(path): \(n) is not above \(m)") }
        default: break
        }
        for sub in s["allOf"]?.arrayValue ?? [] { check(value, sub, path, &out) }
        if let alternatives = s["anyOf"]?.arrayValue, !alternatives.contains(where: { errors(value, against: $0, path).isEmpty }) {
            out.append("\(path): matches none of anyOf")
        }
        if let alternatives = s["oneOf"]?.arrayValue {
            let matching = alternatives.filter { errors(value, against: $0, path).isEmpty }.count
            if matching != 1 { out.append("\(path): matches \(matching) of oneOf, not exactly one") }
        }
        if let condition = s["if"] {
            let branch = errors(value, against: condition, path).isEmpty ? s["then"] : s["else"]
            if let branch { check(value, branch, path, &out) }
        }
    }

    private func errors(_ value: JSONValue, against schema: JSONValue, _ path: String) -> [String] {
        var out: [String] = []
        check(value, schema, path, &out)
        return out
    }

    private func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (value, type) {
        case (.null, "null"), (.bool, "boolean"), (.string, "string"), (.array, "array"), (.object, "object"), (.number, "number"): true
        case (.number(let n), "integer"): n == n.rounded()
        default: false
        }
    }
}

extension JSONValue {
    fileprivate var number: Double? {
        if case .number(let n) = self { return n }
        return nil
    }
}

// MARK: - Sample plant

/// A JSON value, as the server writes it, with the schema it should match.
struct Specimen {
    var schema: String
    var json: JSONValue
}

/// A small pump plant, built by hand: every model type, with every optional field filled in.
enum Samples {
    static let now = TaktJSON.parseDate("2026-11-24T06:00:00Z")!
    static func day(_ n: Int) -> Date { now.addingTimeInterval(Double(n) * 86_400) }

    static let site = Site(id: "PLANT-1", name: "Pump plant", timeZone: "Europe/Berlin")
    static let turning = Skill(id: "CNC-TURN", name: "CNC turning")
    static let welding = Skill(id: "WELD-TIG", name: "TIG welding")
    static let lathe = WorkCenter(
        id: "WC-LATHE-1",
        name: "Lathe 1",
        site: "PLANT-1",
        kind: .machining,
        capacity: 2,
        shifts: [
            Shift(name: "early", days: [.monday, .tuesday, .wednesday, .thursday, .friday], start: "06:00", end: "14:00"),
            Shift(name: "night", days: [.friday], start: "22:00", end: "06:00"),
        ],
        plannedDowntime: [Downtime(start: day(3), end: day(3).addingTimeInterval(4 * 3600), reason: "spindle maintenance")],
        setupFamilies: ["small-housing", "large-housing"],
        defaultChangeoverMinutes: 30,
        setupTransitions: [SetupTransition(from: "small-housing", to: "large-housing", minutes: 45)]
    )
    static let lathe2 = WorkCenter(id: "WC-LATHE-2", name: "Lathe 2", site: "PLANT-1", kind: .machining, setupFamilies: ["small-housing"])
    static let store = Location(id: "STORE-A", name: "Main store", site: "PLANT-1", kind: .store)
    static let lineSide = Location(
        id: "LS-LATHE-1",
        name: "Beside lathe 1",
        site: "PLANT-1",
        kind: .lineSide,
        workCenter: "WC-LATHE-1",
        stagingLeadMinutes: 30
    )
    static let dock = Location(id: "DOCK-1", name: "Goods-in dock", site: "PLANT-1", kind: .receiving)
    static let casting = Item(id: "CAST-100", name: "Housing casting", kind: .purchased, unit: .each)
    static let castingB = Item(id: "CAST-100B", name: "Housing casting, second source", kind: .purchased)
    static let steel = Item(id: "STEEL-BAR", name: "Steel bar", kind: .purchased, unit: .kilogram)
    static let housing = Item(id: "HOUS-100", name: "Machined housing", kind: .semiFinished)
    static let pump = Item(id: "PUMP-100", name: "Pump", kind: .finished)
    static let bom = BOM(
        id: "BOM-HOUS-100",
        item: "HOUS-100",
        components: [
            BOMComponent(item: "CAST-100", quantity: 1, substitutes: ["CAST-100B"], operation: 10),
            BOMComponent(item: "STEEL-BAR", quantity: 0.25),
        ]
    )
    static let turnOp = RoutingOperation(
        sequence: 10,
        name: "Turn housing",
        workCenters: [
            EligibleWorkCenter(workCenter: "WC-LATHE-1", setupMinutes: 20, runMinutesPerUnit: 4.5),
            EligibleWorkCenter(workCenter: "WC-LATHE-2", setupMinutes: 25, runMinutesPerUnit: 5),
        ],
        requiredSkill: "CNC-TURN",
        workInstruction: "WI-HOUS-100-10",
        setupFamily: "small-housing",
        transferBatch: 5,
        inspectionRequired: true
    )
    static let workInstruction = WorkInstruction(
        id: "WI-HOUS-100-10",
        title: "Turn housing",
        revision: "B",
        text: "Clamp on the flange, check the bore gauge, then turn the bore and seal seat."
    )
    static let routing = Routing(
        id: "RT-HOUS-100",
        item: "HOUS-100",
        operations: [
            turnOp,
            RoutingOperation(
                sequence: 20,
                name: "Deburr",
                workCenters: [EligibleWorkCenter(workCenter: "WC-LATHE-2", setupMinutes: 0, runMinutesPerUnit: 1)]
            ),
        ]
    )
    static let customer = Customer(id: "CUST-ACME", name: "Acme Water", priority: 2)
    static let salesOrder = NewSalesOrder(
        id: "SO-1001",
        customer: "CUST-ACME",
        priority: 1,
        lines: [
            SalesOrderLine(line: 1, item: "HOUS-100", quantity: 10, requestedDate: day(14)),
            SalesOrderLine(line: 2, item: "PUMP-100", quantity: 2, requestedDate: day(21), promisedDate: day(20)),
        ]
    )
    static let newOrder = NewProductionOrder(
        id: "PO-000001",
        item: "HOUS-100",
        quantity: 10,
        routing: "RT-HOUS-100",
        dueDate: day(12),
        priority: 2,
        pegging: Pegging(salesOrder: "SO-1001", line: 1)
    )
    static let peggedOrder = ProductionOrder(
        id: "PO-000001",
        item: "HOUS-100",
        quantity: 10,
        routing: "RT-HOUS-100",
        dueDate: day(12),
        priority: 2,
        status: .cancelled,
        pegging: Pegging(salesOrder: "SO-1001", line: 1),
        createdAt: now,
        releasedAt: day(1),
        completedAt: day(2),
        cancelReason: "customer withdrew"
    )
    static let newCastingLot = NewLot(
        id: "LOT-C-1",
        item: "CAST-100",
        quantity: 10,
        location: "STORE-A",
        supplierLot: "FDY-2026-118",
        supplier: "Foundry Nord",
        productionOrder: "PO-000001"
    )
    static let castingLot = Lot(
        id: "LOT-C-1",
        item: "CAST-100",
        quantity: 10,
        location: "STORE-A",
        status: .onHold,
        supplierLot: "FDY-2026-118",
        supplier: "Foundry Nord",
        productionOrder: "PO-000001",
        createdAt: now,
        deliveryNote: "LS-88412"
    )
    static let operatorUser = User(
        id: "jdoe",
        name: "Jana Doe",
        roles: [.operator, .quality],
        certifications: [Certification(skill: "CNC-TURN", validUntil: day(365)), Certification(skill: "WELD-TIG")]
    )
    /// As the server sends it: the secret's hash redacted.
    static let token = APIToken(id: "TOK-1", user: "jdoe", secretHash: Engine.hash(secret: "s3cret"), label: "line 3 terminal", issuedAt: now)
        .redacted

    /// Commands of every type, in an order the engine accepts.
    /// The lathe's signals: its state from Sparkplug codes, its good count and rate, and scrap from a plain JSON topic.
    static let machineSignalMapping = MachineSignalMapping(
        rules: [
            MachineSignalRule(
                source: .sparkplug(group: "Plant1", edgeNode: "Line1", device: "Lathe1", metric: "State"),
                workCenter: "WC-LATHE-1",
                signal: .state,
                stateCodes: ["0": .idle, "1": .running, "2": .setup, "3": .down]
            ),
            MachineSignalRule(
                source: .sparkplug(group: "Plant1", edgeNode: "Line1", device: "Lathe1", metric: "Counters/Good"),
                workCenter: "WC-LATHE-1",
                signal: .goodCount,
                reportProduction: true
            ),
            MachineSignalRule(
                source: .sparkplug(group: "Plant1", edgeNode: "Line1", device: "Lathe1", metric: "Rate"),
                workCenter: "WC-LATHE-1",
                signal: .rate,
                factor: 60,
                idealRate: 120,
                slowBelow: 0.85
            ),
            MachineSignalRule(
                source: .json(topic: "plant1/lathe2/quality", field: "scrap"),
                workCenter: "WC-LATHE-2",
                signal: .scrapCount
            ),
        ],
        debounceSeconds: 2
    )

    static let commands: [Command] = [
        .defineSite(site), .defineSkill(turning), .defineSkill(welding), .defineWorkCenter(lathe), .defineWorkCenter(lathe2),
        .defineLocation(store), .defineLocation(lineSide),
        .defineItem(casting), .defineItem(castingB), .defineItem(steel), .defineItem(housing), .defineItem(pump),
        .defineBOM(bom), .defineWorkInstruction(workInstruction), .defineRouting(routing), .defineCustomer(customer),
        .createSalesOrder(salesOrder),
        .promiseSalesOrderLine(PromiseSalesOrderLine(salesOrder: "SO-1001", line: 1, promisedDate: day(15))),
        .createProductionOrder(newOrder),
        .releaseProductionOrder(ProductionOrderRef(productionOrder: "PO-000001")),
        .startProductionOrder(ProductionOrderRef(productionOrder: "PO-000001")),
        .completeProductionOrder(ProductionOrderRef(productionOrder: "PO-000001")),
        .createProductionOrder(NewProductionOrder(item: "HOUS-100", quantity: 5, dueDate: day(20))),
        .cancelProductionOrder(CancelProductionOrder(productionOrder: "PO-000002", reason: "planned twice")),
        .createLot(NewLot(id: "LOT-C-1", item: "CAST-100", quantity: 10, location: "STORE-A", supplierLot: "FDY-2026-118", supplier: "Foundry Nord")),
        .createLot(NewLot(id: "LOT-H-1", item: "HOUS-100", quantity: 10, location: "STORE-A", productionOrder: "PO-000001")),
        .moveLot(MoveLot(lot: "LOT-C-1", to: "LS-LATHE-1")),
        .setLotStatus(SetLotStatus(lot: "LOT-C-1", status: .onHold, reason: "porosity suspected")),
        .createUser(User(id: "jdoe", name: "Jana Doe", roles: [.operator])),
        .updateUser(operatorUser),
        .issueAPIToken(IssueAPIToken(id: "TOK-1", user: "jdoe", secretHash: Engine.hash(secret: "s3cret"), label: "line 3 terminal")),
        .revokeAPIToken(APITokenRef(token: "TOK-1")),
        .createSalesOrder(
            NewSalesOrder(
                id: "SO-1002",
                customer: "CUST-ACME",
                lines: [
                    SalesOrderLine(line: 1, item: "PUMP-100", quantity: 1, requestedDate: day(30))
                ]
            )
        ),
        .cancelSalesOrder(CancelSalesOrder(salesOrder: "SO-1002", reason: "duplicate order")),
        .createProductionOrder(NewProductionOrder(item: "HOUS-100", quantity: 8, dueDate: day(25))),
        .publishSchedule(
            PublishedSchedule(
                id: "SCH-000001",
                origin: day(1),
                steps: [
                    ScheduledStep(
                        productionOrder: "PO-000003",
                        sequence: 20,
                        name: "Deburr",
                        workCenter: "WC-LATHE-2",
                        start: day(2),
                        end: day(2).addingTimeInterval(480)
                    )
                ],
                weightedTardinessMinutes: 0,
                makespanMinutes: 1920,
                totalSetupMinutes: 0,
                lateOrders: []
            )
        ),
        // Execution: Jana turns the housings of PO-000003 on lathe 1.
        .clockIn(ClockInCommand(workCenter: "WC-LATHE-1", user: "jdoe")),
        .acknowledgeWorkInstruction(AcknowledgeWorkInstruction(workInstruction: "WI-HOUS-100-10", revision: "B")),
        .releaseProductionOrder(ProductionOrderRef(productionOrder: "PO-000003")),
        .createLot(
            NewLot(id: "LOT-C-2", item: "CAST-100", quantity: 10, location: "LS-LATHE-1", supplierLot: "FDY-2026-131", supplier: "Foundry Nord")
        ),
        .createLot(NewLot(id: "LOT-S-1", item: "STEEL-BAR", quantity: 5, location: "LS-LATHE-1", supplierLot: "SR-2611-0042")),
        // A batch sent by an admin acknowledges as the admin, so a supervisor lets Jana pass on her word.
        .overrideInterlock(
            OverrideInterlock(
                productionOrder: "PO-000003",
                operation: 10,
                interlock: .workInstructionNotAcknowledged,
                reason: "read aloud at the shift handover"
            )
        ),
        .setMachineState(SetMachineState(workCenter: "WC-LATHE-1", state: .setup, reason: "fixture change")),
        .startOperation(StartOperation(productionOrder: "PO-000003", operation: 10, workCenter: "WC-LATHE-1", operator: "jdoe")),
        .reportQuantity(ReportQuantity(productionOrder: "PO-000003", operation: 10, good: 5, scrap: 1, scrapReason: "porosity")),
        .consumeLot(ConsumeLot(productionOrder: "PO-000003", operation: 10, lot: "LOT-C-2", quantity: 6)),
        .pauseOperation(PauseOperation(productionOrder: "PO-000003", operation: 10, reason: "waiting for the crane")),
        .resumeOperation(ResumeOperation(productionOrder: "PO-000003", operation: 10, operator: "jdoe")),
        .recordMachineCount(RecordMachineCount(workCenter: "WC-LATHE-1", count: 2)),
        // Machine data: the lathe's signals mapped (Sparkplug state, good count and rate; a JSON topic's scrap count), and a
        // count from the machine's own counters, as the bridge records it.
        .defineMachineSignalMapping(machineSignalMapping),
        .recordMachineCount(
            RecordMachineCount(
                workCenter: "WC-LATHE-1",
                count: 3,
                scrap: 1,
                goodCounter: 1_204,
                scrapCounter: 17,
                goodCounterSource: "Plant1/Line3/LATHE-1: Good",
                scrapCounterSource: "Plant1/Line3/LATHE-1: Scrap"
            )
        ),
        .completeOperation(ReportQuantity(productionOrder: "PO-000003", operation: 10, good: 2, rework: 1)),
        .produceLot(ProduceLot(productionOrder: "PO-000003", operation: 10, lot: "LOT-H-2", quantity: 7, location: "STORE-A")),
        .recordInspection(RecordInspection(productionOrder: "PO-000003", operation: 10, passed: true, note: "bore within tolerance")),
        .clockOut(ClockOutCommand(user: "jdoe")),
        // Warehouse: castings announced and received onto a pallet, which is moved to the store, split and put together again.
        .defineLocation(dock),
        .expectReceipt(ExpectReceipt(item: "CAST-100", quantity: 20, expectedDate: day(3), supplier: "Foundry Nord", reference: "PO-4711")),
        .expectReceipt(
            ExpectReceipt(
                id: "ER-STEEL-1",
                item: "STEEL-BAR",
                quantity: 50,
                expectedDate: day(5),
                supplier: "Stahl Rhein",
                reference: "CO-2611"
            )
        ),
        .cancelExpectedReceipt(CancelExpectedReceipt(expectedReceipt: "ER-STEEL-1", reason: "ordered twice")),
        .receiveLot(
            ReceiveLot(
                id: "LOT-C-3",
                item: "CAST-100",
                quantity: 20,
                location: "DOCK-1",
                supplier: "Foundry Nord",
                supplierLot: "FDY-2026-140",
                deliveryNote: "LS-88412",
                expectedReceipt: "ER-000001"
            )
        ),
        .receiveLot(
            ReceiveLot(
                id: "LOT-C-4",
                item: "CAST-100",
                quantity: 5,
                location: "DOCK-1",
                supplier: "Foundry Nord",
                supplierLot: "FDY-2026-141",
                deliveryNote: "LS-88412"
            )
        ),
        .createHandlingUnit(CreateHandlingUnit(id: "P-1042", kind: .pallet, location: "DOCK-1", lots: ["LOT-C-3", "LOT-C-4"])),
        .moveHandlingUnit(MoveHandlingUnit(handlingUnit: "P-1042", to: "STORE-A")),
        .splitHandlingUnit(SplitHandlingUnit(handlingUnit: "P-1042", newHandlingUnit: "BOX-7", kind: .box, lots: ["LOT-C-4"])),
        .removeFromHandlingUnit(HandlingUnitLots(handlingUnit: "BOX-7", lots: ["LOT-C-4"])),
        .addToHandlingUnit(HandlingUnitLots(handlingUnit: "P-1042", lots: ["LOT-C-4"])),
        // PO-000003 still needs 2 castings (RES-000001, STG-000001) and 2 kg of bar (RES-000002, released again).
        .reserveLot(ReserveLot(productionOrder: "PO-000003", lot: "LOT-C-3", quantity: 2)),
        .reserveLot(ReserveLot(productionOrder: "PO-000003", lot: "LOT-S-1")),
        .unreserveLot(UnreserveLot(reservation: "RES-000002", reason: "the bar comes from the saw instead")),
        .pickStagingTask(StagingTaskRef(stagingTask: "STG-000001")),
        .confirmStagingTask(ConfirmStagingTask(stagingTask: "STG-000001")),
        // A new order's release reserves castings of LOT-C-2 (STG-000003) and bar of LOT-S-1 (STG-000004).
        .createProductionOrder(NewProductionOrder(id: "PO-000004", item: "HOUS-100", quantity: 3, dueDate: day(30))),
        .releaseProductionOrder(ProductionOrderRef(productionOrder: "PO-000004")),
        .reportStagingShort(ReportStagingShort(stagingTask: "STG-000003", foundQuantity: 2)),
        .confirmStagingTask(ConfirmStagingTask(stagingTask: "STG-000003", to: "LS-LATHE-1")),
        .reportMaterialMissing(ReportMaterialMissing(stagingTask: "STG-000004", note: "not on the rack")),
        .checkMaterial(CheckMaterial(items: ["STEEL-BAR"])),
        .checkMaterial(CheckMaterial()),
        // Housings and pumps shipped to Acme: SO-1001 is shipped in full.
        .createLot(NewLot(id: "LOT-H-9", item: "HOUS-100", quantity: 10, location: "STORE-A")),
        .createLot(NewLot(id: "LOT-P-1", item: "PUMP-100", quantity: 2, location: "STORE-A")),
        .shipLots(ShipLots(salesOrder: "SO-1001", line: 1, lots: ["LOT-H-9"])),
        .shipLots(ShipLots(salesOrder: "SO-1001", line: 2, lots: ["LOT-P-1"])),
        // Quality: the bore of the turned housings is checked every 5 units; second-source castings get an incoming inspection.
        .createUser(User(id: "sup", name: "Sam Berger", roles: [.supervisor])),
        .setPassword(
            SetPassword(
                user: "sup",
                hash: PasswordHash(
                    n: 16384,
                    r: 8,
                    p: 1,
                    salt: Data(repeating: 7, count: 16).base64EncodedString(),
                    hash: Data(repeating: 9, count: 32).base64EncodedString()
                )
            )
        ),
        .defineInspectionPlan(turnPlan),
        .defineInspectionPlan(incomingPlan),
        // IR-000001 passes; IR-000002 has a bore out of limits and opens NC-000001, which quality has reworked on lathe 2 (operation 21).
        .recordInspectionResult(passedResult),
        .recordInspectionResult(
            RecordInspectionResult(
                plan: "IP-HOUS-100-10",
                productionOrder: "PO-000003",
                operation: 10,
                measurements: [
                    .value("bore", 52.01), .value("bore", 52.07, sample: 2), .attribute("burrs", true), .attribute("burrs", true, sample: 2),
                ]
            )
        ),
        .dispositionNonconformance(
            DispositionNonconformance(
                nonconformance: "NC-000001",
                disposition: .rework,
                reason: "re-turn the bore",
                workCenter: "WC-LATHE-2"
            )
        ),
        // Second-source castings wait in quarantine. LOT-B-1 has no certificate (IR-000003, NC-000002): the supervisor proposes to use it
        // as is, quality approves and it becomes available.
        .receiveLot(
            ReceiveLot(
                id: "LOT-B-1",
                item: "CAST-100B",
                quantity: 10,
                location: "DOCK-1",
                supplier: "Foundry Süd",
                supplierLot: "FS-2611-007",
                deliveryNote: "LS-5120"
            )
        ),
        .receiveLot(
            ReceiveLot(
                id: "LOT-B-2",
                item: "CAST-100B",
                quantity: 4,
                location: "DOCK-1",
                supplier: "Foundry Süd",
                supplierLot: "FS-2611-008",
                deliveryNote: "LS-5120"
            )
        ),
        .recordInspectionResult(
            RecordInspectionResult(
                plan: "IP-CAST-100B",
                lot: "LOT-B-1",
                measurements: [.attribute("certificate", false)],
                note: "no certificate of conformity"
            )
        ),
        .dispositionNonconformance(supervisorProposal),
        .approveDisposition(ApproveDisposition(nonconformance: "NC-000002", approved: true, note: "certificate arrived by e-mail")),
        // NC-000003, opened by hand: sand inclusions in LOT-B-2, which goes back to the foundry.
        .openNonconformance(
            OpenNonconformance(
                description: "Sand inclusions on the flange",
                severity: .minor,
                lots: ["LOT-B-2"],
                productionOrder: "PO-000004",
                operation: 10,
                workCenter: "WC-LATHE-1",
                location: "DOCK-1"
            )
        ),
        .dispositionNonconformance(
            DispositionNonconformance(
                nonconformance: "NC-000003",
                disposition: .returnToSupplier,
                reason: "the foundry takes them back"
            )
        ),
        // The foundry recalls melt FDY-2026-131 (HOLD-000001): LOT-C-2, the housings LOT-H-2 turned from it and PO-000003 are held.
        // LOT-H-2 is also held on its own (HOLD-000002), so it stays on hold when the recall is lifted.
        .placeHold(PlaceHold(supplier: "Foundry Nord", supplierLot: "FDY-2026-131", reason: "foundry recall: wrong alloy")),
        .placeHold(PlaceHold(lot: "LOT-H-2", reason: "bore to be measured again")),
        .releaseHold(ReleaseHold(hold: "HOLD-000001", reason: "alloy confirmed by certificate")),
        // Orchestration: a playbook and the approval policy; a reported delay and overtime; EXC-000001 (overtime) approved by the
        // supervisor, carried out and verified; EXC-000002, whose action is rejected, dismissed.
        .definePlaybook(playbook),
        .defineApprovalPolicy(.standard),
        .reportOperationDelay(ReportOperationDelay(productionOrder: "PO-000004", sequence: 10, extraMinutes: 90, reason: "tool change took longer")),
        .scheduleOvertime(overtime),
        .reportAbsence(ReportAbsence(user: "jdoe", from: day(1), until: day(2), reason: "first-aid training")),
        .raiseException(exception(subject: "operation-late:PO-000004/10", source: 1)),
        .approveAction(DecideAction(exception: "EXC-000001", action: "A1", comment: "two people stay")),
        .recordActionExecution(ActionExecuted(exception: "EXC-000001", action: "A1", eventSequences: [1], error: nil, at: now)),
        .verifyException(ExceptionVerified(exception: "EXC-000001", verification: verification)),
        .raiseException(exception(subject: "machine-slow:WC-LATHE-1", source: 2, asked: false)),
        // A newer event on the same subject before anyone decided: EXC-000002 is assessed again in place (exceptionUpdated).
        .raiseException(exception(subject: "machine-slow:WC-LATHE-1", source: 3, asked: false)),
        // The supervisor takes it on and snoozes it for a day.
        .assignException(AssignException(exception: "EXC-000002", owner: "sup")),
        .recommendAction(RecommendAction(exception: "EXC-000002", action: "A1", comment: "the cheapest option that keeps SO-10003 on time")),
        .snoozeException(SnoozeException(exception: "EXC-000002", until: day(1))),
        .rejectAction(DecideAction(exception: "EXC-000002", action: "A1", comment: "nobody can stay late today")),
        .dismissException(DismissException(exception: "EXC-000002", reason: "the lathe runs at its ideal rate again")),
        // Webhooks: the ERP hears of shipments of one customer's order; a second subscription is paused, then deleted; a dead
        // letter of the first is replayed.
        .createWebhookSubscription(
            NewWebhookSubscription(
                id: "WH-ERP",
                url: "https://erp.example.com/takt/events",
                eventTypes: ["lotsShipped", "productionOrderCompleted"],
                conditions: [WebhookCondition(field: "salesOrder", equals: "SO-1001")],
                description: "ERP shipment feedback",
                secret: "whsec_" + String(repeating: "a", count: 43)
            )
        ),
        .createWebhookSubscription(
            NewWebhookSubscription(url: "http://127.0.0.1:9/hook", eventTypes: ["*"], secret: "whsec_" + String(repeating: "b", count: 43))
        ),
        .updateWebhookSubscription(UpdateWebhookSubscription(subscription: "WH-000001", eventTypes: ["lotMoved"], active: false)),
        .deleteWebhookSubscription(WebhookSubscriptionRef(subscription: "WH-000001")),
        .recordWebhookDeadLetter(
            RecordWebhookDeadLetter(subscription: "WH-ERP", eventSequence: 1, eventType: "siteDefined", attempts: 8, lastError: "HTTP 503")
        ),
        .replayWebhookDeadLetter(WebhookDeadLetterRef(deadLetter: "WDL-000001")),
        // Engineering: revision C of the turning instruction with a photo and a drawing, and a faster run on lathe 1, approved
        // by the supervisor (this policy: the author may approve, unsigned) and released; ECO-000002 is rejected.
        .defineApprovalPolicy(
            ApprovalPolicy(
                rules: ApprovalPolicy.standard.rules,
                engineeringChange: EngineeringChangeApprovalRule(roles: [.supervisor], signed: false, authorMayApprove: true)
            )
        ),
        .uploadAttachment(UploadAttachment(filename: "bore-gauge.png", contentType: "image/png", content: pngBytes)),
        .createEngineeringChange(engineeringChange),
        .uploadAttachment(
            UploadAttachment(filename: "drawing.pdf", contentType: "application/pdf", content: pdfBytes, engineeringChange: "ECO-000001")
        ),
        .submitEngineeringChange(EngineeringChangeRef(engineeringChange: "ECO-000001")),
        .approveEngineeringChange(DecideEngineeringChange(engineeringChange: "ECO-000001", note: "gauge checked on the first part")),
        .releaseEngineeringChange(EngineeringChangeRef(engineeringChange: "ECO-000001")),
        .createEngineeringChange(
            CreateEngineeringChange(
                title: "Deburr on lathe 1",
                reason: "lathe 2 is full",
                routingChanges: [
                    RoutingChange(routing: "RT-HOUS-100", operation: 20, workCenter: "WC-LATHE-1", setupMinutes: 5, runMinutesPerUnit: 1.5)
                ]
            )
        ),
        .submitEngineeringChange(EngineeringChangeRef(engineeringChange: "ECO-000002")),
        .rejectEngineeringChange(DecideEngineeringChange(engineeringChange: "ECO-000002", note: "lathe 1 is the bottleneck")),
        // Incoming documents: a template for the foundry's certificates; a certificate read with it, corrected and verified
        // against IP-CAST-100B; a delivery note rejected.
        .defineDocumentTemplate(
            DocumentTemplate(
                id: "TPL-FOUNDRY-COA",
                name: "Foundry Nord certificates",
                kind: .certificate,
                party: "Foundry Nord",
                match: ["FOUNDRY NORD"],
                fields: [TemplateField(name: "supplierLot", pattern: "Melt\\s+(\\S+)")],
                table: TemplateTable(header: "^Test", columns: ["characteristic", "value"])
            )
        ),
        .receiveDocument(
            ReceiveDocument(
                kind: .certificate,
                format: .text,
                filename: "coa-131.txt",
                pages: [
                    "FOUNDRY NORD certificate\nItem: CAST-100B\nMelt FDY-2026-131\n\nTest                        Result\nCertificate of conformity   pass"
                ]
            )
        ),
        .verifyDocument(VerifyDocument(document: "DOC-000001", corrections: [DocumentCorrection(field: "date", value: "2026-11-20")])),
        .receiveDocument(
            ReceiveDocument(
                kind: .deliveryNote,
                format: .csv,
                filename: "dn.csv",
                pages: ["Supplier,Foundry Nord\nDelivery note,DN-1\nPO,4500000001"]
            )
        ),
        .rejectDocument(RejectDocument(document: "DOC-000002", reason: "sent twice")),
    ]

    // MARK: Engineering samples

    static let pngBytes = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52])
    static let pdfBytes = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)
    static let engineeringChange = CreateEngineeringChange(
        title: "Bore gauge",
        reason: "flatness complaint from Acme",
        workInstruction: ProposedRevision(
            workInstruction: "WI-HOUS-100-10",
            title: "Turn housing",
            text: "Clamp on the flange, check the bore gauge, then turn the bore and seal seat.\nCheck the seal seat with the new gauge.",
            attachments: ["ATT-000001"],
            revision: "C"
        ),
        routingChanges: [
            RoutingChange(routing: "RT-HOUS-100", operation: 10, setupMinutes: 18, runMinutesPerUnit: 4.2, workInstruction: "WI-HOUS-100-10")
        ]
    )

    // MARK: Orchestration samples

    static let overtime = Overtime(
        workCenter: "WC-LATHE-1",
        start: day(1).addingTimeInterval(8 * 3600),
        end: day(1).addingTimeInterval(10 * 3600),
        reason: "catch up PO-000004",
        by: "sup"
    )
    static let kpis = PlanKPIs(
        lateOrders: 1,
        totalLatenessMinutes: 90,
        weightedTardinessMinutes: 180,
        lateCustomerLines: 1,
        customerLatenessMinutes: 90,
        overtimeMinutes: 0,
        setupMinutes: 45,
        movedOperations: 2
    )
    static let verification = Verification(
        action: "A1",
        expected: PlanKPIs(overtimeMinutes: 120),
        observed: PlanKPIs(overtimeMinutes: 120),
        passed: true,
        text: "late orders 1 → 0, as predicted",
        at: now
    )
    static let playbook = Playbook(
        id: "PB-OPERATION-LATE",
        name: "Operation running late",
        description: "An operation overruns.",
        version: 1,
        enabled: true,
        event: "operationDelayReported",
        conditions: [PlaybookCondition(field: "extraMinutes", op: .gte, value: .number(30))],
        exceptionKind: .operationLate,
        severity: .medium,
        functions: [.production, .planning],
        actions: [.addOvertime, .resequence],
        tasks: [ExceptionTask(role: .supervisor, text: "Confirm the new finish time")],
        notify: [.planner],
        automatic: [.resequence],
        assumedDurationMinutes: 120
    )
    static let action = ProposedAction(
        id: "A1",
        title: "Two hours of overtime on Lathe 1",
        steps: [ActionStep(kind: .addOvertime, summary: "Overtime 14:00–16:00 on WC-LATHE-1", commands: [.scheduleOvertime(overtime)])],
        predicted: PlanKPIs(overtimeMinutes: 120),
        effect: "late orders 1 → 0, +2 h overtime on WC-LATHE-1",
        cost: 240,
        costTerms: [CostTerm(name: "overtime", quantity: 120, unit: "minute", weight: 2)],
        rank: 1,
        rationale: "removes all new lateness",
        approvals: [.supervisor],
        decisions: [],
        status: .proposed,
        schedule: PublishedSchedule(
            id: "SCH-000002",
            origin: day(1),
            steps: [],
            weightedTardinessMinutes: 0,
            makespanMinutes: 0,
            totalSetupMinutes: 0,
            lateOrders: []
        )
    )
    static func exception(subject: String, source: Int64, asked: Bool = true) -> PlantException {
        var e = PlantException(
            id: "EXC-NEW",
            kind: .operationLate,
            title: "PO-000004 operation 10 runs 90 min late",
            subject: subject,
            disruption: Disruption(
                kind: .operationLate,
                workCenter: "WC-LATHE-1",
                from: now,
                until: day(1),
                rateFactor: 0.6,
                productionOrder: "PO-000004",
                sequence: 10,
                extraMinutes: 90,
                item: "CAST-100",
                lots: ["LOT-C-2"],
                quantity: 2,
                person: "jdoe",
                salesOrder: "SO-1001",
                line: 1,
                date: day(2)
            ),
            sourceSequence: source,
            sourceEvent: "operationDelayReported",
            request: .expediteSalesOrder(salesOrder: "SO-1001", line: 1, date: day(10)),
            requestText: "expedite SO-1001 to next week",
            playbook: "PB-OPERATION-LATE",
            playbookVersion: 1,
            raisedAt: now,
            raisedBy: "sup",
            severity: .medium,
            functions: [.production],
            causeChain: [CauseLink(kind: "event", text: "operation 10 of PO-000004 runs 90 min late", refs: ["PO-000004"])],
            impact: Impact(
                baseline: PlanKPIs(),
                predicted: kpis,
                operations: [
                    OperationMove(
                        productionOrder: "PO-000004",
                        sequence: 10,
                        name: "Turn housing",
                        workCenter: "WC-LATHE-1",
                        fromWorkCenter: "WC-LATHE-1",
                        plannedStart: day(1),
                        newStart: day(1).addingTimeInterval(5400),
                        plannedEnd: day(2),
                        newEnd: day(2).addingTimeInterval(5400),
                        shiftMinutes: 90
                    )
                ],
                orders: [
                    OrderLateness(
                        productionOrder: "PO-000004",
                        salesOrder: "SO-1001",
                        line: 1,
                        customer: "CUST-ACME",
                        priority: 2,
                        dueDate: day(2),
                        plannedCompletion: day(2),
                        predictedCompletion: day(2).addingTimeInterval(5400),
                        lateMinutes: 90,
                        changeMinutes: 90
                    )
                ],
                stagingTasks: [
                    StagingMove(
                        task: "STG-000003",
                        lot: "LOT-C-2",
                        productionOrder: "PO-000004",
                        sequence: 10,
                        neededByBefore: day(1),
                        neededByAfter: day(1).addingTimeInterval(5400)
                    )
                ],
                labour: [LabourShortfall(workCenter: "WC-LATHE-1", minutes: 90, text: "one certified turner short")],
                checksDue: [CheckDue(kind: "inspection", text: "first piece", productionOrder: "PO-000004", lot: "LOT-C-2", due: day(2))],
                affected: AffectedRefs(
                    productionOrders: ["PO-000004"],
                    salesOrders: ["SO-1001"],
                    lots: ["LOT-C-2"],
                    workCenters: ["WC-LATHE-1"],
                    people: ["jdoe"]
                )
            ),
            actions: [action],
            tasks: [ExceptionTask(role: .supervisor, text: "Confirm the new finish time")],
            notify: [.planner]
        )
        if !asked {
            e.request = nil
            e.requestText = nil
        }
        return e
    }
    static var orchestrationSpecimens: [Specimen] {
        var full = exception(subject: "operation-late:PO-000004/10", source: 1)
        full.id = "EXC-000001"
        full.status = .superseded
        full.supersededBy = "EXC-000002"
        full.dismissReason = "no longer relevant"
        full.verifications = [verification]
        full.actionNotes = ["pick-another-lot: no other usable lot of CAST-100 is free"]
        full.updatedAt = day(1)
        full.updates = 1
        full.signatures = [eSignature]
        full.disruption.operations = [OperationRef(productionOrder: "PO-000004", operation: 10)]
        full.disruption.orders = ["PO-000004"]
        full.disruption.parts = [Disruption(kind: .shortageProjected, from: now, until: day(2), item: "CAST-100", quantity: 4)]
        full.impact.shipped = [
            ShippedLotNotice(
                lot: "LOT-F-1",
                item: "PUMP-1",
                productionOrder: "PO-000001",
                salesOrder: "SO-1001",
                salesOrderLine: 1,
                customer: "CUST-ACME"
            )
        ]
        full.impact.assumptions = ["This disruption lasts until 2026-11-25 14:00 (assumed: no end was reported)"]
        let decision = ApprovalRecord(role: .supervisor, user: "sup", approved: true, comment: "two people stay", at: now)
        full.actions[0].decisions = [decision]
        full.actions[0].target = TargetCheck(subject: "SO-1001 line 1", requested: day(2), achieved: day(1))
        full.actions[0].scope = ActionScope(productionOrders: ["PO-000004"], predicted: kpis)
        return [
            specimen("PlantException", full), specimen("Disruption", full.disruption), specimen("Impact", full.impact),
            specimen("PlanKPIs", kpis), specimen("OperationMove", full.impact.operations[0]), specimen("OrderLateness", full.impact.orders[0]),
            specimen("StagingMove", full.impact.stagingTasks[0]), specimen("LabourShortfall", full.impact.labour[0]),
            specimen("CheckDue", full.impact.checksDue[0]), specimen("AffectedRefs", full.impact.affected), specimen("CauseLink", full.causeChain[0]),
            specimen("ProposedAction", full.actions[0]), specimen("ActionStep", action.steps[0]), specimen("CostTerm", action.costTerms[0]),
            specimen("ApprovalRecord", decision), specimen("ExceptionTask", full.tasks[0]), specimen("Verification", verification),
            specimen("OperationRef", OperationRef(productionOrder: "PO-000004", operation: 10)), specimen("TargetCheck", full.actions[0].target!),
            specimen("ActionScope", full.actions[0].scope!),
            specimen("Playbook", playbook), specimen("PlaybookCondition", playbook.conditions[0]),
            specimen("ApprovalPolicy", ApprovalPolicy.standard),
            specimen("ApprovalRule", ApprovalPolicy.standard.rules.first { $0.signed != nil }!),
            specimen("DecideAction", DecideAction(exception: "EXC-000001", action: "A1", comment: "ok")),
            specimen("ActionDecided", ActionDecided(exception: "EXC-000001", action: "A1", decision: decision, fullyApproved: true)),
            specimen(
                "ActionExecuted",
                ActionExecuted(exception: "EXC-000001", action: "A1", eventSequences: [7, 8], error: "step 2 failed", at: now)
            ),
            specimen("ExceptionVerified", ExceptionVerified(exception: "EXC-000001", verification: verification)),
            specimen("DismissException", DismissException(exception: "EXC-000001", reason: "handled by phone")),
            specimen("ExceptionDismissed", ExceptionDismissed(exception: "EXC-000001", reason: "handled by phone", by: "sup", at: now)),
            specimen("ReportOperationDelay", ReportOperationDelay(productionOrder: "PO-000004", sequence: 10, extraMinutes: 90, reason: "tool")),
            specimen(
                "OperationDelayReported",
                OperationDelayReported(
                    productionOrder: "PO-000004",
                    sequence: 10,
                    extraMinutes: 90,
                    reason: "tool",
                    by: "jdoe",
                    at: now
                )
            ),
            specimen("Overtime", overtime),
            specimen("ExceptionSummary", ExceptionSummary(full)),
            specimen("ExceptionInbox", ExceptionInbox(items: [ExceptionSummary(full)], total: 1)),
            specimen("DecisionRequest", DecisionRequest(comment: "fine", signature: signature("approved"))),
            specimen("OutcomeRequestBody", OutcomeRequestBody(text: "expedite SO-1001 to 2026-12-01", request: full.request)),
            specimen("DelayRequest", DelayRequest(extraMinutes: 30, reason: "tool")),
            specimen("OvertimeRequest", OvertimeRequest(start: now, end: day(1), reason: "catch up")),
            specimen("AbsenceRequest", AbsenceRequest(from: now, until: day(1), reason: "sick")),
            specimen("ReportAbsence", ReportAbsence(user: "jdoe", from: now, until: day(1), reason: "sick")),
            specimen("Absence", Absence(user: "jdoe", from: now, until: day(1), reason: "sick", by: "sup", at: now)),
            specimen(
                "AbsenceList",
                AbsenceList(user: "jdoe", items: [Absence(user: "jdoe", from: now, until: day(1), reason: "sick", by: "sup", at: now)])
            ),
            // Machine data
            specimen("MachineSignalMapping", machineSignalMapping), specimen("MachineSignalRule", machineSignalMapping.rules[2]),
            specimen("MachineSignalSource", machineSignalMapping.rules[0].source),
            specimen("MachineDataStatus", machineDataStatus), specimen("MachineDataConnection", machineDataStatus.connection!),
            specimen("MachineDataProblem", machineDataStatus.problems[0]), specimen("UnmappedSignal", machineDataStatus.unmapped[0]),
            specimen("EdgeNodeStatus", machineDataStatus.edgeNodes[0]), specimen("MachineSignalStatus", machineDataStatus.machines[0]),
            specimen(
                "MachineCount",
                MachineCount(workCenter: "WC-LATHE-1", count: 0, at: now, scrap: 2, goodCounter: 1_204, scrapCounter: 19)
            ),
        ]
    }

    /// A bridge's status with every list filled in and every optional field set.
    static var machineDataStatus: MachineDataStatus {
        var status = MachineDataStatus()
        var connection = MachineDataStatus.Connection(broker: "mqtt.plant1.example:1883", clientID: "takt-plant1")
        connection.connected = true
        connection.connects = 2
        connection.disconnects = 1
        connection.lastError = "the broker closed the connection"
        connection.subscriptions = ["spBv1.0/Plant1/#", "plant1/lathe2/quality"]
        status.connection = connection
        status.mappingRules = machineSignalMapping.rules.count
        status.messagesReceived = 1_200
        status.signalsMapped = 1_150
        status.statesRecorded = 12
        status.countsRecorded = 300
        status.productionReported = 280
        status.countsWithoutOperation = 20
        status.commandsRefused = 1
        status.refuse(
            MachineDataStatus.Problem(
                at: now,
                topic: "spBv1.0/Plant1/DDATA/Line1/Lathe1",
                field: "State",
                rule: "state-code",
                message: "state code 7 is not mapped"
            )
        )
        status.unmappedSeen("Plant1/Line1/Lathe1: Spindle/Temperature", at: now)
        status.unmappedNotListed = 3
        status.edgeNodes = [
            MachineDataStatus.EdgeNode(group: "Plant1", edgeNode: "Line1", online: true, devices: ["Lathe1"], lastMessageAt: now, rebirthRequests: 1)
        ]
        var machine = MachineDataStatus.Machine(workCenter: "WC-LATHE-1")
        machine.signalledState = .slow
        machine.rate = 96
        machine.idealRate = 120
        machine.goodCounter = 1_204
        machine.scrapCounter = 17
        machine.lastSignalAt = now
        status.machines = [machine]
        status.queued = 2
        status.maximumQueued = 40
        return status
    }

    /// The commands as a batch body, each with an idempotency key when asked.
    static let adminPassword = "the admin's passphrase"

    static func batchJSON(keys: Bool, commands: [Command] = Samples.commands, extra: [Command] = [], signed: Bool = false) throws -> JSONValue {
        .object([
            "commands": .array(
                try (commands + extra).enumerated().map { i, command in
                    guard case .object(var o) = try encoded(command) else { return .null }
                    if keys { o["idempotencyKey"] = .string("import-\(i)") }
                    // The admin signs what quality signs: dispositions it decides, approvals and hold releases.
                    let meaning: String? =
                        switch command {
                        case .approveDisposition, .dispositionNonconformance: "approved"
                        case .releaseHold: "released"
                        default: nil
                        }
                    if signed, let meaning { o["signature"] = .object(["password": .string(adminPassword), "meaning": .string(meaning)]) }
                    return .object(o)
                }
            )
        ])
    }

    static func specimen<T: Codable>(_ schema: String, _ value: T) -> Specimen {
        let json = (try? encoded(value)) ?? .null
        return Specimen(schema: schema, json: json)
    }

    /// Every struct the API reads or writes, with every optional field set.
    static var specimens: [Specimen] {
        let problem = {
            var p = Problem.from(
                DomainError(
                    .invalid,
                    [
                        Violation(field: "capacity", rule: "range", message: "capacity must be 1 to 1000 parallel operations (got 0)"),
                        Violation(field: "shifts[0].days", rule: "required", message: "shifts[0].days must name at least one weekday"),
                    ]
                ),
                logger: Logger(label: "test")
            )
            p.instance = "/api/v1/work-centers"
            p.requestId = "7d1c1f0e-2b7a-4c55-9a57-0f4b1f1d2f11"
            return p
        }()
        return [
            specimen("Health", Health(status: "ok", version: "0.1.0", sequence: 42)),
            specimen("UploadAttachment", UploadAttachment(filename: "bore-gauge.png", contentType: "image/png", content: pngBytes)),
            specimen("CreateEngineeringChange", engineeringChange),
            specimen("TextDiff", TextDiff(old: "clamp\nturn", new: "clamp\ngauge\nturn")),
            specimen("Site", site), specimen("Skill", turning), specimen("WorkCenter", lathe),
            specimen("Shift", lathe.shifts[1]), specimen("Downtime", lathe.plannedDowntime[0]),
            specimen("SetupTransition", lathe.setupTransitions[0]),
            specimen("Location", lineSide), specimen("Item", housing), specimen("BOM", bom), specimen("BOMComponent", bom.components[0]),
            specimen("Routing", routing), specimen("RoutingOperation", turnOp), specimen("EligibleWorkCenter", turnOp.workCenters[0]),
            specimen("Customer", customer),
            specimen("SalesOrder", SalesOrder(id: "SO-1001", customer: "CUST-ACME", priority: 1, lines: salesOrder.lines, status: .shipped)),
            specimen("NewSalesOrder", salesOrder), specimen("SalesOrderLine", salesOrder.lines[1]),
            specimen("ProductionOrder", peggedOrder), specimen("NewProductionOrder", newOrder), specimen("Pegging", newOrder.pegging!),
            specimen("Lot", castingLot), specimen("NewLot", newCastingLot),
            specimen("User", operatorUser), specimen("Certification", operatorUser.certifications[0]),
            specimen("APIToken", token), specimen("TokenList", TokenList(items: [token])),
            specimen("IssuedToken", IssuedToken(token: token, secret: "takt_abc123")),
            specimen("TokenRequest", TokenRequest(label: "line 3 terminal")),
            specimen("IssueAPIToken", IssueAPIToken(id: "TOK-2", user: "jdoe", secretHash: Engine.hash(secret: "s3cret"), label: "tablet")),
            specimen("APITokenRef", APITokenRef(token: "TOK-1")),
            specimen("PromiseRequest", PromiseRequest(promisedDate: day(15))),
            specimen("ReasonRequest", ReasonRequest(reason: "customer withdrew", signature: signature("released"))),
            specimen("MoveRequest", MoveRequest(to: "LS-LATHE-1")),
            specimen("LotStatusRequest", LotStatusRequest(status: .quarantine, reason: "porosity confirmed")),
            specimen("PromiseSalesOrderLine", PromiseSalesOrderLine(salesOrder: "SO-1001", line: 1, promisedDate: day(15))),
            specimen("CancelSalesOrder", CancelSalesOrder(salesOrder: "SO-1001", reason: "duplicate order")),
            specimen("ProductionOrderRef", ProductionOrderRef(productionOrder: "PO-000001")),
            specimen("CancelProductionOrder", CancelProductionOrder(productionOrder: "PO-000001", reason: "planned twice")),
            specimen("MoveLot", MoveLot(lot: "LOT-C-1", to: "LS-LATHE-1")),
            specimen("SetLotStatus", SetLotStatus(lot: "LOT-C-1", status: .scrapped, reason: "cracked")),
            specimen("ProductionOrderCancelled", ProductionOrderCancelled(productionOrder: "PO-000001", reason: "planned twice", at: now)),
            specimen("LotMoved", LotMoved(lot: "LOT-C-1", from: "STORE-A", to: "LS-LATHE-1")),
            specimen("LotStatusChanged", LotStatusChanged(lot: "LOT-C-1", from: .available, to: .onHold, reason: "porosity suspected")),
            specimen("Violation", Violation(field: "capacity", rule: "range", message: "capacity must be 1 to 1000")),
            specimen("Problem", problem),
            specimen("ProductionOrderTransition", ProductionOrderTransition(productionOrder: "PO-000001", at: now, material: [materialCheck])),
            specimen("MaterialCheck", materialCheck),
            specimen(
                "DispatchEntry",
                DispatchList.Entry(
                    productionOrder: "PO-000003",
                    sequence: 20,
                    name: "Deburr",
                    item: "HOUS-100",
                    quantity: 8,
                    orderStatus: .released,
                    priority: 3,
                    dueDate: day(25),
                    start: day(2),
                    end: day(3),
                    operationStatus: .waiting,
                    canStart: false,
                    blockers: [
                        Violation(field: "operation", rule: Interlock.previousOperationNotReported.rawValue, message: "operation 10 is waiting")
                    ]
                )
            ),
        ] + executionSpecimens + warehouseSpecimens + qualitySpecimens + orchestrationSpecimens + shopFloorTruthSpecimens + documentSpecimens
    }

    // MARK: Incoming documents

    static let documentTemplate = DocumentTemplate(
        id: "TPL-FOUNDRY-COA",
        name: "Foundry Nord certificates",
        kind: .certificate,
        party: "Foundry Nord",
        match: ["FOUNDRY NORD"],
        fields: [TemplateField(name: "supplierLot", pattern: "Melt\\s+(\\S+)")],
        table: TemplateTable(header: "^Test", columns: ["characteristic", "value", "unit"], separator: "\\s{2,}")
    )

    static var documentSpecimens: [Specimen] {
        let source = FieldSource(page: 1, line: 3, text: "Melt FDY-2026-131")
        var document = IncomingDocument(
            id: "DOC-000001",
            kind: .certificate,
            format: .pdf,
            filename: "coa-131.pdf",
            template: "TPL-FOUNDRY-COA",
            pages: ["FOUNDRY NORD certificate\nItem: CAST-100B\nMelt FDY-2026-131"],
            fields: [DocumentField(name: "supplierLot", value: "FDY-2026-131", source: source, extracted: "FDY-2026-13", corrected: true)],
            rows: [DocumentRow(cells: [DocumentField(name: "value", value: "212", source: source)], source: source)],
            issues: [Violation(field: "rows[0].characteristic", rule: "required", message: "row 1 has no Characteristic")],
            status: .verified,
            receivedBy: "qa",
            receivedAt: now
        )
        var check = DocumentCheck(summary: "1 of 1 values out of spec: Hardness 212 HB (limits 180–200)")
        check.inspectionPlan = "IP-CAST-100B"
        check.results = [
            CertificateResult(characteristic: "hardness", name: "Hardness", value: 212, lowerLimit: 180, upperLimit: 200, unit: "HB", passed: false)
        ]
        check.outOfSpec = 1
        check.lots = ["LOT-C-2"]
        check.received = ["DOC-000002-1"]
        check.expectedReceipts = ["ER-000001"]
        check.proposedSalesOrder = salesOrder
        check.replaces = "SO-1000"
        check.changes = ["line 1: quantity 5 → 8"]
        check.proposedLines = 2
        document.check = check
        document.decidedBy = "qa"
        document.decidedAt = now
        document.rejectReason = "sent twice"
        return [
            specimen("DocumentTemplate", documentTemplate),
            specimen("IncomingDocument", document),
            Specimen(
                schema: "VerifyDocumentRequest",
                json: .object([
                    "corrections": .array([.object(["field": .string("rows[0].value"), "value": .string("212")])]),
                    "location": .string("LOC-RECEIVING"),
                ])
            ),
            Specimen(schema: "RejectDocumentRequest", json: .object(["reason": .string("not our supplier")])),
        ]
    }

    static let materialCheck = MaterialCheck(item: "CAST-100", required: 8, available: 6)
    static let segment = WorkSegment(operator: "jdoe", workCenter: "WC-LATHE-1", start: now, end: now.addingTimeInterval(5400))
    static let override = InterlockOverride(
        productionOrder: "PO-000003",
        operation: 10,
        interlock: .materialNotStaged,
        reason: "castings on the cart beside the lathe",
        by: "sup",
        at: now
    )
    static let progress = OperationProgress(
        sequence: 10,
        name: "Turn housing",
        status: .paused,
        workCenter: "WC-LATHE-1",
        good: 5,
        scrap: 1,
        rework: 0,
        plannedMinutes: 56,
        segments: [segment],
        pauseReason: "waiting for the crane",
        startedAt: now,
        completedAt: day(1),
        inspectionRequired: true,
        inspectionPassed: false,
        overrides: [override],
        reworkOf: "NC-000001",
        reworkWorkCenter: "WC-LATHE-2"
    )
    static let clockIn = ClockIn(user: "jdoe", workCenter: "WC-LATHE-1", since: now)
    static let session = LabourSession(user: "jdoe", workCenter: "WC-LATHE-1", start: now, end: now.addingTimeInterval(8 * 3600))
    static let machineState = MachineStateChange(
        workCenter: "WC-LATHE-1",
        state: .slow,
        reason: "worn insert",
        at: now,
        by: "jdoe",
        actualRate: 10,
        idealRate: 13.3,
        expectedUntil: now.addingTimeInterval(3600)
    )
    static let labourSession = LabourReport.Session(user: "jdoe", workCenter: "WC-LATHE-1", start: now, end: day(1), minutes: 480)
    static let labourOperation = LabourReport.OperationLabour(
        productionOrder: "PO-000003",
        operation: 10,
        name: "Turn housing",
        workCenter: "WC-LATHE-1",
        operator: "jdoe",
        minutes: 90
    )

    /// The execution payloads, requests and answers, with every optional field set.
    static var executionSpecimens: [Specimen] {
        let po: ProductionOrder.ID = "PO-000003"
        return [
            specimen("WorkInstruction", workInstruction),
            specimen("AcknowledgeRequest", AcknowledgeRequest(revision: "B")),
            specimen("AcknowledgeWorkInstruction", AcknowledgeWorkInstruction(workInstruction: "WI-HOUS-100-10", revision: "B")),
            specimen(
                "WorkInstructionAcknowledged",
                WorkInstructionAcknowledged(user: "jdoe", workInstruction: "WI-HOUS-100-10", revision: "B", at: now)
            ),
            specimen("OperationList", OperationList(productionOrder: po, items: [progress])),
            specimen("OperationProgress", progress), specimen("WorkSegment", segment),
            specimen("StartRequest", StartRequest(workCenter: "WC-LATHE-1", operator: "jdoe")),
            specimen("StartOperation", StartOperation(productionOrder: po, operation: 10, workCenter: "WC-LATHE-1", operator: "jdoe")),
            specimen(
                "OperationStarted",
                OperationStarted(
                    productionOrder: po,
                    operation: 10,
                    workCenter: "WC-LATHE-1",
                    operator: "jdoe",
                    plannedMinutes: 56,
                    at: now
                )
            ),
            specimen("PauseOperation", PauseOperation(productionOrder: po, operation: 10, reason: "waiting for the crane")),
            specimen("OperationPaused", OperationPaused(productionOrder: po, operation: 10, reason: "waiting for the crane", by: "jdoe", at: now)),
            specimen("ResumeRequest", ResumeRequest(operator: "jdoe")),
            specimen("ResumeOperation", ResumeOperation(productionOrder: po, operation: 10, operator: "jdoe")),
            specimen("OperationResumed", OperationResumed(productionOrder: po, operation: 10, operator: "jdoe", at: now)),
            specimen("QuantityRequest", QuantityRequest(good: 5, scrap: 1, scrapReason: "porosity", rework: 1)),
            specimen("ReportQuantity", ReportQuantity(productionOrder: po, operation: 10, good: 5, scrap: 1, scrapReason: "porosity", rework: 1)),
            specimen(
                "ProductionReport",
                ProductionReport(
                    productionOrder: po,
                    operation: 10,
                    workCenter: "WC-LATHE-1",
                    good: 5,
                    scrap: 1,
                    rework: 1,
                    scrapReason: "porosity",
                    idealMinutesPerUnit: 4.5,
                    at: now,
                    by: "jdoe"
                )
            ),
            specimen(
                "OperationCompleted",
                OperationCompleted(
                    productionOrder: po,
                    operation: 10,
                    workCenter: "WC-LATHE-1",
                    good: 7,
                    scrap: 1,
                    rework: 1,
                    plannedMinutes: 56,
                    actualMinutes: 61.5,
                    by: "jdoe",
                    at: now
                )
            ),
            specimen("OverrideRequest", OverrideRequest(interlock: .materialNotStaged, reason: "castings on the cart beside the lathe")),
            specimen("OverrideInterlock", OverrideInterlock(productionOrder: po, operation: 10, interlock: .lotOnHold, reason: "released by phone")),
            specimen("InterlockOverride", override),
            specimen("InspectionRequest", InspectionRequest(passed: false, note: "bore 0.02 mm over")),
            specimen("RecordInspection", RecordInspection(productionOrder: po, operation: 10, passed: true, note: "bore within tolerance")),
            specimen(
                "InspectionRecorded",
                InspectionRecorded(
                    productionOrder: po,
                    operation: 10,
                    passed: true,
                    note: "bore within tolerance",
                    by: "quality",
                    at: now
                )
            ),
            specimen("ConsumeRequest", ConsumeRequest(lot: "LOT-C-2", quantity: 6)),
            specimen("ConsumeLot", ConsumeLot(productionOrder: po, operation: 10, lot: "LOT-C-2", quantity: 6)),
            specimen(
                "Consumption",
                Consumption(
                    lot: "LOT-C-2",
                    item: "CAST-100",
                    quantity: 6,
                    productionOrder: po,
                    operation: 10,
                    workCenter: "WC-LATHE-1",
                    by: "jdoe",
                    at: now
                )
            ),
            specimen("ProduceRequest", ProduceRequest(lot: "LOT-H-2", quantity: 1, serials: ["SN-0001"], location: "STORE-A")),
            specimen(
                "ProduceLot",
                ProduceLot(productionOrder: po, operation: 10, lot: "LOT-H-2", quantity: 1, serials: ["SN-0001"], location: "STORE-A")
            ),
            specimen("LotProduced", LotProduced(lot: castingLot, operation: 10, workCenter: "WC-LATHE-1", by: "jdoe")),
            specimen("UserRequest", UserRequest(user: "jdoe")),
            specimen("ClockInCommand", ClockInCommand(workCenter: "WC-LATHE-1", user: "jdoe")),
            specimen("ClockOutCommand", ClockOutCommand(user: "jdoe")),
            specimen("ClockIn", clockIn), specimen("LabourSession", session),
            specimen("ClockedInList", ClockedInList(workCenter: "WC-LATHE-1", items: [clockIn])),
            specimen("LabourReport", LabourReport(from: now, to: day(1), sessions: [labourSession], operations: [labourOperation])),
            specimen("LabourReportSession", labourSession), specimen("OperationLabour", labourOperation),
            specimen(
                "MachineStateRequest",
                MachineStateRequest(
                    state: .slow,
                    reason: "worn insert",
                    actualRate: 10,
                    idealRate: 13.3,
                    expectedUntil: now.addingTimeInterval(3600)
                )
            ),
            specimen(
                "SetMachineState",
                SetMachineState(
                    workCenter: "WC-LATHE-1",
                    state: .down,
                    reason: "spindle failure",
                    actualRate: 0,
                    idealRate: 13.3,
                    expectedUntil: now.addingTimeInterval(3600)
                )
            ),
            specimen("MachineStateChange", machineState),
            specimen("MachineStateHistory", MachineStateHistory(workCenter: "WC-LATHE-1", from: now, to: day(1), items: [machineState])),
            specimen("CountRequest", CountRequest(count: 12)),
            specimen("RecordMachineCount", RecordMachineCount(workCenter: "WC-LATHE-1", count: 12)),
            specimen("MachineCount", MachineCount(workCenter: "WC-LATHE-1", count: 12, at: now)),
        ] + traceOEESpecimens
    }

    // Genealogy and OEE, with every optional field set.
    static let tracedLot = LotTrace.TracedLot(
        id: "LOT-H-2",
        item: "HOUS-100",
        quantity: 7,
        status: .available,
        location: "STORE-A",
        supplier: "Foundry Nord",
        supplierLot: "FDY-2026-131",
        productionOrder: "PO-000003",
        depth: 0
    )
    static let traceLink = LotTrace.Link(
        lot: "LOT-C-2",
        item: "CAST-100",
        quantity: 6,
        productionOrder: "PO-000003",
        outputs: ["LOT-H-2"],
        operation: 10,
        workCenter: "WC-LATHE-1",
        by: "jdoe",
        at: now
    )
    static let tracedOperation = LotTrace.TracedOperation(
        sequence: 10,
        name: "Turn housing",
        status: .completed,
        workCenters: ["WC-LATHE-1"],
        operators: ["jdoe"],
        startedAt: now,
        completedAt: day(1)
    )
    static let tracedOrder = LotTrace.TracedOrder(
        id: "PO-000003",
        item: "HOUS-100",
        quantity: 8,
        status: .inProgress,
        workCenters: ["WC-LATHE-1"],
        operators: ["jdoe"],
        operations: [tracedOperation]
    )
    static let supplierLot = LotTrace.SupplierLot(lot: "LOT-C-2", item: "CAST-100", supplier: "Foundry Nord", supplierLot: "FDY-2026-131")
    static let shippedLot = LotTrace.ShippedLot(
        lot: "LOT-P-1",
        item: "PUMP-100",
        depth: 2,
        shipment: Shipment(
            id: "SHP-000001",
            salesOrder: "SO-1",
            line: 1,
            customer: "CUST-1",
            item: "PUMP-100",
            lots: [ShipmentLot(lot: "LOT-P-1", quantity: 4)],
            by: "warehouse",
            at: Date(timeIntervalSince1970: 1_795_500_000)
        )
    )
    static let lotTrace = LotTrace(
        root: "LOT-H-2",
        direction: .backward,
        lots: [tracedLot],
        links: [traceLink],
        orders: [tracedOrder],
        supplierLots: [supplierLot],
        shipped: [shippedLot],
        truncated: true
    )
    static let downLoss = OEEReport.DownLoss(reason: "spindle failure", minutes: 30, stops: 1)
    static let scrapLoss = OEEReport.ScrapLoss(reason: "porosity", quantity: 1, idealMinutes: 4.5)
    static let oeeLosses = OEEReport.Losses(
        down: [downLoss],
        setupMinutes: 20,
        idleMinutes: 40,
        noStateMinutes: 10,
        speedLossMinutes: 12.5,
        slowMinutes: 15,
        scrap: [scrapLoss],
        reworkQuantity: 1,
        reworkIdealMinutes: 4.5
    )
    static let oeeReport = OEEReport(
        workCenter: "WC-LATHE-1",
        from: now,
        to: now.addingTimeInterval(8 * 3600),
        shift: "early",
        plannedBusyTime: 480,
        actualProductionTime: 390,
        setupTime: 20,
        downTime: 30,
        idleTime: 40,
        unplannedProductionTime: 15,
        producedQuantity: 84,
        goodQuantity: 80,
        scrapQuantity: 3,
        reworkQuantity: 1,
        idealProductionTime: 378,
        machineCount: 85,
        availability: 0.8125,
        performance: 0.969,
        quality: 0.952,
        oee: 0.75,
        losses: oeeLosses
    )

    // Warehouse, with every optional field set.
    static let expectedReceipt = ExpectedReceipt(
        id: "ER-000001",
        item: "CAST-100",
        quantity: 20,
        expectedDate: day(3),
        supplier: "Foundry Nord",
        reference: "PO-4711",
        status: .cancelled,
        receivedQuantity: 5,
        receivedLots: ["LOT-C-4"],
        cancelReason: "the rest comes next month"
    )
    static let stockLine = StockLine(
        item: "CAST-100",
        lot: "LOT-C-4",
        location: "STORE-A",
        status: .available,
        quantity: 5,
        reserved: 2,
        availableToReserve: 3,
        handlingUnit: "P-1042",
        supplierLot: "FDY-2026-141",
        missing: false
    )
    static let pallet = HandlingUnit(id: "P-1042", kind: .pallet, location: "STORE-A", lots: ["LOT-C-3", "LOT-C-4"], createdAt: now)
    static let reservation = Reservation(
        id: "RES-000001",
        productionOrder: "PO-000003",
        operation: 10,
        component: "CAST-100",
        lot: "LOT-C-3",
        item: "CAST-100",
        quantity: 2,
        stagingTask: "STG-000001",
        by: "planner",
        at: now
    )
    static let stagingTask = StagingTask(
        id: "STG-000001",
        reservation: "RES-000001",
        productionOrder: "PO-000003",
        operation: 10,
        lot: "LOT-C-3",
        quantity: 2,
        status: .staged,
        pickedBy: "wh-wanda",
        pickedAt: now,
        stagedAt: day(1),
        stagedTo: "LS-LATHE-1",
        foundQuantity: 2
    )
    static let stagingView = StagingTaskView(
        task: stagingTask,
        from: "STORE-A",
        handlingUnit: "P-1042",
        workCenter: "WC-LATHE-1",
        to: "LS-LATHE-1",
        scheduledStart: day(2),
        neededBy: day(2).addingTimeInterval(-1800)
    )
    static let affected = AffectedOperation(productionOrder: "PO-000004", operation: 10, start: day(2), dueDate: day(30), quantity: 0.75)
    static let shortage = ProjectedShortage(item: "STEEL-BAR", from: day(2), shortBy: 2.75, affected: [affected])
    static let projection = ProjectionEntry(
        at: day(2),
        kind: .requirement,
        quantity: -0.75,
        projected: -2.75,
        lot: "LOT-S-1",
        expectedReceipt: "ER-000001",
        productionOrder: "PO-000004",
        operation: 10,
        scheduled: true
    )
    static let shipment = Shipment(
        id: "SHP-000001",
        salesOrder: "SO-1001",
        line: 1,
        customer: "CUST-ACME",
        item: "HOUS-100",
        lots: [ShipmentLot(lot: "LOT-H-9", quantity: 10)],
        by: "wh-wanda",
        at: now
    )

    static var warehouseSpecimens: [Specimen] {
        [
            specimen(
                "ReceiveLot",
                ReceiveLot(
                    id: "LOT-C-3",
                    item: "CAST-100",
                    quantity: 20,
                    location: "DOCK-1",
                    supplier: "Foundry Nord",
                    supplierLot: "FDY-2026-140",
                    deliveryNote: "LS-88412",
                    expectedReceipt: "ER-000001"
                )
            ),
            specimen("LotReceived", LotReceived(lot: castingLot, deliveryNote: "LS-88412", expectedReceipt: "ER-000001", by: "wh-wanda")),
            specimen("ExpectedReceipt", expectedReceipt),
            specimen(
                "ExpectReceipt",
                ExpectReceipt(
                    id: "ER-7",
                    item: "CAST-100",
                    quantity: 20,
                    expectedDate: day(3),
                    supplier: "Foundry Nord",
                    reference: "PO-4711"
                )
            ),
            specimen("CancelExpectedReceipt", CancelExpectedReceipt(expectedReceipt: "ER-000001", reason: "ordered twice")),
            specimen("ExpectedReceiptCancelled", ExpectedReceiptCancelled(expectedReceipt: "ER-000001", reason: "ordered twice", at: now)),
            specimen("StockList", StockList(items: [stockLine])), specimen("StockLine", stockLine),
            specimen("HandlingUnit", pallet),
            specimen("HandlingUnitRequest", HandlingUnitRequest(id: "P-1042", kind: .container, location: "DOCK-1", lots: ["LOT-C-3"])),
            specimen("CreateHandlingUnit", CreateHandlingUnit(id: "P-1042", kind: .pallet, location: "DOCK-1", lots: ["LOT-C-3"])),
            specimen("MoveHandlingUnit", MoveHandlingUnit(handlingUnit: "P-1042", to: "STORE-A")),
            specimen("HandlingUnitMoved", HandlingUnitMoved(handlingUnit: "P-1042", from: "DOCK-1", to: "STORE-A", lots: ["LOT-C-3", "LOT-C-4"])),
            specimen("SplitRequest", SplitRequest(newHandlingUnit: "BOX-7", kind: .box, lots: ["LOT-C-4"])),
            specimen("SplitHandlingUnit", SplitHandlingUnit(handlingUnit: "P-1042", newHandlingUnit: "BOX-7", kind: .box, lots: ["LOT-C-4"])),
            specimen(
                "HandlingUnitSplit",
                HandlingUnitSplit(
                    from: "P-1042",
                    to: HandlingUnit(
                        id: "BOX-7",
                        kind: .box,
                        location: "STORE-A",
                        lots: ["LOT-C-4"],
                        createdAt: now
                    )
                )
            ),
            specimen("LotsRequest", LotsRequest(lots: ["LOT-C-4"])),
            specimen("HandlingUnitLots", HandlingUnitLots(handlingUnit: "P-1042", lots: ["LOT-C-4"])),
            specimen("Reservation", reservation),
            specimen("ReservationList", ReservationList(productionOrder: "PO-000003", items: [reservation])),
            specimen("ReserveLot", ReserveLot(productionOrder: "PO-000003", lot: "LOT-C-3", quantity: 2)),
            specimen("UnreserveLot", UnreserveLot(reservation: "RES-000002", reason: "the bar comes from the saw instead")),
            specimen(
                "ReservationReleased",
                ReservationReleased(
                    reservation: "RES-000002",
                    productionOrder: "PO-000003",
                    lot: "LOT-S-1",
                    quantity: 2,
                    reason: "the bar comes from the saw instead",
                    by: "planner",
                    at: now
                )
            ),
            specimen("StagingTask", stagingTask), specimen("StagingTaskView", stagingView),
            specimen("StagingTaskList", StagingTaskList(items: [stagingView])),
            specimen("StagingTaskRef", StagingTaskRef(stagingTask: "STG-000001")),
            specimen("StagingTaskPicked", StagingTaskPicked(stagingTask: "STG-000001", lot: "LOT-C-3", by: "wh-wanda", at: now)),
            specimen("ConfirmRequest", ConfirmRequest(to: "LS-LATHE-1")),
            specimen("ConfirmStagingTask", ConfirmStagingTask(stagingTask: "STG-000001", to: "LS-LATHE-1")),
            specimen(
                "StagingTaskConfirmed",
                StagingTaskConfirmed(stagingTask: "STG-000001", lot: "LOT-C-3", to: "LS-LATHE-1", by: "wh-wanda", at: now)
            ),
            specimen("ShortRequest", ShortRequest(foundQuantity: 2)),
            specimen("ReportStagingShort", ReportStagingShort(stagingTask: "STG-000003", foundQuantity: 2)),
            specimen(
                "StagingShortReported",
                StagingShortReported(
                    stagingTask: "STG-000003",
                    lot: "LOT-C-2",
                    expected: 3,
                    found: 2,
                    lotQuantityBefore: 4,
                    by: "wh-wanda",
                    at: now
                )
            ),
            specimen(
                "ReportMaterialMissing",
                ReportMaterialMissing(
                    stagingTask: "STG-000004",
                    handlingUnit: "P-1042",
                    lot: "LOT-S-1",
                    note: "not on the rack"
                )
            ),
            specimen(
                "MaterialMissing",
                MaterialMissing(
                    lots: ["LOT-S-1"],
                    handlingUnit: "P-1042",
                    stagingTask: "STG-000004",
                    location: "LS-LATHE-1",
                    affected: [affected],
                    note: "not on the rack",
                    by: "wh-wanda",
                    at: now
                )
            ),
            specimen("AffectedOperation", affected),
            specimen("ProjectionEntry", projection),
            specimen(
                "ProjectedAvailability",
                ProjectedAvailability(
                    item: "STEEL-BAR",
                    at: now,
                    available: 0,
                    entries: [projection],
                    shortFrom: day(2),
                    shortBy: 2.75
                )
            ),
            specimen("CheckMaterial", CheckMaterial(items: ["STEEL-BAR"])),
            specimen("ProjectedShortage", shortage),
            specimen("ShortageProjected", ShortageProjected(shortage: shortage, at: now)),
            specimen("ShortageResolved", ShortageResolved(item: "CAST-100", at: now)),
            specimen("ShortageList", ShortageList(items: [shortage])),
            specimen("ShipRequest", ShipRequest(lots: ["LOT-H-9"])),
            specimen("ShipLots", ShipLots(salesOrder: "SO-1001", line: 1, lots: ["LOT-H-9"])),
            specimen("Shipment", shipment), specimen("ShipmentLot", shipment.lots[0]),
            specimen("SalesOrderShipped", SalesOrderShipped(salesOrder: "SO-1001", at: now)),
        ]
    }

    static var traceOEESpecimens: [Specimen] {
        [
            specimen("LotTrace", lotTrace), specimen("TracedLot", tracedLot), specimen("TraceLink", traceLink),
            specimen("TracedOrder", tracedOrder), specimen("TracedOperation", tracedOperation), specimen("SupplierLot", supplierLot),
            specimen("ShippedLot", shippedLot),
            specimen("OEEReport", oeeReport), specimen("OEELosses", oeeLosses), specimen("DownLoss", downLoss), specimen("ScrapLoss", scrapLoss),
            specimen("WorkCenterOEE", WorkCenterOEE(workCenter: "WC-LATHE-1", from: now, to: day(1), by: .shift, items: [oeeReport])),
            specimen("PlantOEE", PlantOEE(from: now, to: day(1), by: .window, items: [oeeReport])),
        ]
    }

    // Quality, with every optional field set.
    static let turnPlan = InspectionPlan(
        id: "IP-HOUS-100-10",
        name: "Turned bore",
        item: "HOUS-100",
        operation: 10,
        characteristics: [
            .variable("bore", "Bore diameter", lower: 52.0, upper: 52.05, unit: "mm", target: 52.02), .attribute("burrs", "Free of burrs"),
        ],
        sampleSize: 2,
        frequency: .everyN,
        everyUnits: 5,
        failureSeverity: .critical
    )
    static let incomingPlan = InspectionPlan(
        id: "IP-CAST-100B",
        name: "Incoming second-source castings",
        item: "CAST-100B",
        characteristics: [.attribute("certificate", "Certificate of conformity")]
    )
    static let passedResult = RecordInspectionResult(
        plan: "IP-HOUS-100-10",
        productionOrder: "PO-000003",
        operation: 10,
        lot: "LOT-H-2",
        measurements: [.value("bore", 52.02), .value("bore", 52.03, sample: 2), .attribute("burrs", true), .attribute("burrs", true, sample: 2)],
        note: "first lot"
    )
    static let supervisorProposal = DispositionNonconformance(
        nonconformance: "NC-000002",
        disposition: .useAsIs,
        reason: "certificate follows by e-mail"
    )
    static let measuredValue = MeasuredValue(characteristic: "bore", sample: 2, value: 52.07, passed: false)
    static let inspectionResult = InspectionResult(
        id: "IR-000002",
        plan: "IP-HOUS-100-10",
        planRevision: 1,
        item: "HOUS-100",
        productionOrder: "PO-000003",
        operation: 10,
        lot: "LOT-H-2",
        measurements: [measuredValue, MeasuredValue(characteristic: "burrs", sample: 1, value: nil, passed: true)],
        passed: false,
        note: "second sample over",
        by: "jdoe",
        at: now
    )
    static let disposition = Disposition(
        kind: .rework,
        reason: "re-turn the bore",
        workCenter: "WC-LATHE-2",
        decidedBy: "sup",
        decidedAt: now,
        approvedBy: "qa",
        approvedAt: day(1)
    )
    static let eSignature = ElectronicSignature(
        signer: "qa",
        signerName: "Quinn Adler",
        meaning: .approved,
        at: now,
        record: SignedRecord(kind: .nonconformance, id: "NC-000001"),
        action: "dispositionNonconformance",
        statement: "decide and approve the rework disposition of NC-000001",
        signedEvents: 2,
        binding: String(repeating: "ab", count: 32)
    )
    static func signature(_ meaning: String) -> SignatureInput { SignatureInput(password: adminPassword, meaning: meaning) }
    static let nonconformance = { () -> Nonconformance in
        var nc = nonconformanceUnsigned
        nc.signatures = [eSignature]
        return nc
    }()
    static let nonconformanceUnsigned = Nonconformance(
        id: "NC-000001",
        description: "Inspection IR-000002 failed: 'bore' 52.07 mm is above the upper limit 52.05 mm (sample 2)",
        severity: .critical,
        status: .inRework,
        item: "HOUS-100",
        lots: ["LOT-H-2"],
        productionOrder: "PO-000003",
        operation: 10,
        workCenter: "WC-LATHE-1",
        location: "STORE-A",
        inspectionResult: "IR-000002",
        openedBy: "jdoe",
        openedAt: now,
        disposition: disposition,
        reworkOperation: 21,
        closedAt: day(2),
        closedBy: "qa",
        closeNote: "rework operation 21 of PO-000003 completed"
    )
    static let heldLot = HeldLot(lot: "LOT-C-2", item: "CAST-100", location: "LS-LATHE-1", previousStatus: .available)
    static let shippedNotice = ShippedLotNotice(
        lot: "LOT-P-1",
        item: "PUMP-100",
        productionOrder: "PO-000005",
        salesOrder: "SO-1001",
        salesOrderLine: 2,
        customer: "CUST-ACME"
    )
    static let hold = Hold(
        id: "HOLD-000001",
        kind: .supplierLot,
        lot: "LOT-C-2",
        supplier: "Foundry Nord",
        supplierLot: "FDY-2026-131",
        productionOrder: "PO-000003",
        workCenter: "WC-LATHE-1",
        reason: "foundry recall: wrong alloy",
        lots: [heldLot],
        orders: ["PO-000003"],
        shipped: [shippedNotice],
        placedBy: "qa",
        placedAt: now,
        released: true,
        releasedBy: "qa",
        releasedAt: day(1),
        releaseReason: "alloy confirmed by certificate",
        signatures: [eSignature]
    )
    static let inspectionStatus = InspectionStatus(
        productionOrder: "PO-000003",
        operation: 10,
        name: "Turn housing",
        item: "HOUS-100",
        inspectionRequired: true,
        outstanding: true,
        plan: turnPlan,
        requiredResults: 2,
        passedResults: 1,
        lotsToInspect: ["LOT-H-2"],
        results: [inspectionResult],
        openNonconformances: ["NC-000001"]
    )

    static var qualitySpecimens: [Specimen] {
        var definedPlan = turnPlan
        definedPlan.revision = 2
        return [
            specimen("InspectionPlan", definedPlan), specimen("Characteristic", turnPlan.characteristics[0]),
            specimen("RecordInspectionResult", passedResult),
            specimen("Measurement", Measurement(characteristic: "bore", sample: 2, value: 52.03, passed: true)),
            specimen("InspectionResult", inspectionResult), specimen("MeasuredValue", measuredValue),
            specimen("InspectionStatus", inspectionStatus),
            specimen("Nonconformance", nonconformance),
            specimen(
                "OpenNonconformance",
                OpenNonconformance(
                    description: "Sand inclusions on the flange",
                    severity: .minor,
                    lots: ["LOT-C-4"],
                    productionOrder: "PO-000004",
                    operation: 10,
                    workCenter: "WC-LATHE-1",
                    location: "STORE-A"
                )
            ),
            specimen("Disposition", disposition),
            specimen(
                "DispositionRequest",
                DispositionRequest(
                    disposition: .rework,
                    reason: "re-turn the bore",
                    workCenter: "WC-LATHE-2",
                    signature: signature("approved")
                )
            ),
            specimen(
                "DispositionNonconformance",
                DispositionNonconformance(
                    nonconformance: "NC-000001",
                    disposition: .rework,
                    reason: "re-turn the bore",
                    workCenter: "WC-LATHE-2"
                )
            ),
            specimen("ApprovalRequest", ApprovalRequest(approved: false, note: "scrap them instead", signature: signature("rejected"))),
            specimen("ApproveDisposition", ApproveDisposition(nonconformance: "NC-000002", approved: false, note: "scrap them instead")),
            specimen("NonconformanceDispositioned", NonconformanceDispositioned(nonconformance: "NC-000001", disposition: disposition)),
            specimen(
                "DispositionDecided",
                DispositionDecided(nonconformance: "NC-000002", approved: true, note: "certificate arrived", by: "qa", at: now)
            ),
            specimen(
                "ReworkOperationAdded",
                ReworkOperationAdded(
                    productionOrder: "PO-000003",
                    operation: 21,
                    name: "Rework NC-000001",
                    workCenter: "WC-LATHE-2",
                    nonconformance: "NC-000001",
                    reopened: true,
                    at: now
                )
            ),
            specimen(
                "NonconformanceClosed",
                NonconformanceClosed(nonconformance: "NC-000002", note: "used as is: certificate follows", by: "qa", at: now)
            ),
            specimen(
                "PlaceHold",
                PlaceHold(
                    lot: "LOT-H-2",
                    supplier: "Foundry Nord",
                    supplierLot: "FDY-2026-131",
                    productionOrder: "PO-000003",
                    workCenter: "WC-LATHE-1",
                    reason: "foundry recall"
                )
            ),
            specimen("Hold", hold), specimen("HeldLot", heldLot), specimen("ShippedLotNotice", shippedNotice),
            specimen("ReleaseHold", ReleaseHold(hold: "HOLD-000001", reason: "alloy confirmed by certificate")),
            specimen(
                "HoldReleased",
                HoldReleased(
                    hold: "HOLD-000001",
                    reason: "alloy confirmed by certificate",
                    restoredLots: [heldLot],
                    stillHeldLots: ["LOT-H-2"],
                    releasedOrders: ["PO-000003"],
                    releasedWorkCenter: "WC-LATHE-1",
                    by: "qa",
                    at: now
                )
            ),
        ]
    }

    /// Values with every optional field left out, and other variants.
    static var minimalSpecimens: [Specimen] {
        [
            specimen("WorkCenter", lathe2), specimen("Location", store), specimen("Item", steel),
            specimen("RoutingOperation", routing.operations[1]), specimen("SalesOrderLine", salesOrder.lines[0]),
            specimen("NewSalesOrder", NewSalesOrder(id: "SO-2", customer: "CUST-ACME", lines: salesOrder.lines)),
            specimen("NewProductionOrder", NewProductionOrder(item: "HOUS-100", quantity: 1, dueDate: now)),
            specimen(
                "ProductionOrder",
                ProductionOrder(id: "PO-000002", item: "HOUS-100", quantity: 1, routing: "RT-HOUS-100", dueDate: now, createdAt: now)
            ),
            specimen("Lot", Lot(id: "LOT-H-1", item: "HOUS-100", quantity: 10, location: "STORE-A", createdAt: now)),
            specimen("NewLot", NewLot(id: "LOT-H-1", item: "HOUS-100", quantity: 10, location: "STORE-A")),
            specimen("User", User(id: "ops", name: "Ops", roles: [.admin])),
            specimen("Certification", operatorUser.certifications[1]),
            specimen("IssuedToken", IssuedToken(token: token, secret: nil)),
            specimen("IssueAPIToken", IssueAPIToken(user: "jdoe", secretHash: Engine.hash(secret: "s3cret"), label: "tablet")),
            specimen("Problem", Problem.badRequest("limit", "range", "limit must be an integer from 1 to 500 (got '0')")),
            specimen("Problem", Problem.notFound("lot 'NOPE' does not exist")),
            specimen(
                "Problem",
                Problem.from(
                    DomainError(
                        .conflict,
                        [
                            Violation(field: "operator", rule: Interlock.operatorNotClockedIn.rawValue, message: "Jana Doe (jdoe) is not clocked in")
                        ]
                    ),
                    logger: Logger(label: "test")
                )
            ),
            specimen("BOMComponent", bom.components[1]),
            specimen("ProductionOrderTransition", ProductionOrderTransition(productionOrder: "PO-000001", at: now)),
            specimen("WorkInstruction", WorkInstruction(id: "WI-2", title: "Deburr", revision: "A")),
            specimen("OperationProgress", OperationProgress(sequence: 20, name: "Deburr")),
            specimen("WorkSegment", WorkSegment(operator: nil, workCenter: "WC-LATHE-2", start: now)),
            specimen("StartRequest", StartRequest()), specimen("ResumeRequest", ResumeRequest()),
            specimen("QuantityRequest", QuantityRequest()), specimen("UserRequest", UserRequest()),
            specimen("StartOperation", StartOperation(productionOrder: "PO-000003", operation: 20)),
            specimen("ReportQuantity", ReportQuantity(productionOrder: "PO-000003", operation: 20, good: 1)),
            specimen("ProduceRequest", ProduceRequest(serials: ["SN-1", "SN-2"], location: "STORE-A")),
            specimen("ClockOutCommand", ClockOutCommand()),
            specimen("LabourReportSession", LabourReport.Session(user: "jdoe", workCenter: "WC-LATHE-1", start: now, end: nil, minutes: 30)),
            specimen("MachineStateChange", MachineStateChange(workCenter: "WC-LATHE-1", state: .idle, at: now)),
            specimen("MachineStateHistory", MachineStateHistory(workCenter: "WC-LATHE-1", from: now, to: day(1), items: [])),
            specimen(
                "DispatchEntry",
                DispatchList.Entry(
                    productionOrder: "PO-000003",
                    sequence: 10,
                    name: "Turn housing",
                    item: "HOUS-100",
                    quantity: 8,
                    orderStatus: .inProgress,
                    priority: 3,
                    dueDate: day(25),
                    operationStatus: .running,
                    canStart: false,
                    blockers: []
                )
            ),
            specimen("LotTrace", LotTrace(root: "LOT-C-1", direction: .forward)),
            specimen(
                "TracedLot",
                LotTrace.TracedLot(
                    id: "LOT-C-1",
                    item: "CAST-100",
                    quantity: 0,
                    status: .consumed,
                    location: "LS-LATHE-1",
                    supplier: nil,
                    supplierLot: nil,
                    productionOrder: nil,
                    depth: 1
                )
            ),
            specimen(
                "TraceLink",
                LotTrace.Link(
                    lot: "LOT-C-1",
                    item: "CAST-100",
                    quantity: 1,
                    productionOrder: "PO-000003",
                    outputs: [],
                    operation: 10,
                    workCenter: nil,
                    by: nil,
                    at: now
                )
            ),
            specimen(
                "TracedOperation",
                LotTrace.TracedOperation(
                    sequence: 20,
                    name: "Deburr",
                    status: .waiting,
                    workCenters: ["WC-LATHE-2"],
                    operators: [],
                    startedAt: nil,
                    completedAt: nil
                )
            ),
            specimen("SupplierLot", LotTrace.SupplierLot(lot: "LOT-C-1", item: "CAST-100", supplier: nil, supplierLot: nil)),
            specimen("OEEReport", OEEReport(workCenter: "WC-LATHE-2", from: now, to: day(1))),
            specimen("OEELosses", OEEReport.Losses()),
            specimen("DownLoss", OEEReport.DownLoss(reason: nil, minutes: 5, stops: 1)),
            specimen("ScrapLoss", OEEReport.ScrapLoss(reason: nil, quantity: 2, idealMinutes: 9)),
            specimen("WorkCenterOEE", WorkCenterOEE(workCenter: "WC-LATHE-2", from: now, to: day(1), by: .shift, items: [])),
            specimen("PlantOEE", PlantOEE(from: now, to: day(1), by: .shift, items: [])),
            // Warehouse
            specimen("Location", dock),
            specimen(
                "ReceiveLot",
                ReceiveLot(
                    id: "LOT-C-4",
                    item: "CAST-100",
                    quantity: 5,
                    location: "DOCK-1",
                    supplier: "Foundry Nord",
                    supplierLot: "FDY-2026-141",
                    deliveryNote: "LS-88412"
                )
            ),
            specimen(
                "LotReceived",
                LotReceived(
                    lot: Lot(id: "LOT-C-4", item: "CAST-100", quantity: 5, location: "DOCK-1", createdAt: now),
                    deliveryNote: "LS-88412",
                    expectedReceipt: nil,
                    by: nil
                )
            ),
            specimen(
                "ExpectedReceipt",
                ExpectedReceipt(
                    id: "ER-000002",
                    item: "STEEL-BAR",
                    quantity: 50,
                    expectedDate: day(5),
                    supplier: "Stahl Rhein",
                    reference: "CO-2611"
                )
            ),
            specimen(
                "ExpectReceipt",
                ExpectReceipt(item: "STEEL-BAR", quantity: 50, expectedDate: day(5), supplier: "Stahl Rhein", reference: "CO-2611")
            ),
            specimen(
                "StockLine",
                StockLine(
                    item: "STEEL-BAR",
                    lot: "LOT-S-1",
                    location: "LS-LATHE-1",
                    status: .onHold,
                    quantity: 5,
                    reserved: 0,
                    availableToReserve: 0,
                    handlingUnit: nil,
                    supplierLot: nil,
                    missing: true
                )
            ),
            specimen("HandlingUnit", HandlingUnit(id: "BOX-8", kind: .other, location: "STORE-A", lots: [], createdAt: now)),
            specimen("HandlingUnitRequest", HandlingUnitRequest(id: "BOX-8", location: "STORE-A")),
            specimen("SplitRequest", SplitRequest(newHandlingUnit: "BOX-7", lots: ["LOT-C-4"])),
            specimen("SplitHandlingUnit", SplitHandlingUnit(handlingUnit: "P-1042", newHandlingUnit: "BOX-7", lots: ["LOT-C-4"])),
            specimen(
                "Reservation",
                Reservation(
                    id: "RES-000009",
                    productionOrder: "PO-000004",
                    operation: 10,
                    component: "CAST-100",
                    lot: "LOT-C-2",
                    item: "CAST-100",
                    quantity: 1,
                    stagingTask: nil,
                    by: nil,
                    at: now
                )
            ),
            specimen("ReserveLot", ReserveLot(productionOrder: "PO-000004", lot: "LOT-C-2")),
            specimen(
                "ReservationReleased",
                ReservationReleased(
                    reservation: "RES-000009",
                    productionOrder: "PO-000004",
                    lot: "LOT-C-2",
                    quantity: 1,
                    reason: "wrong lot",
                    by: nil,
                    at: now
                )
            ),
            specimen(
                "StagingTask",
                StagingTask(
                    id: "STG-000009",
                    reservation: "RES-000009",
                    productionOrder: "PO-000004",
                    operation: 10,
                    lot: "LOT-C-2",
                    quantity: 1
                )
            ),
            specimen(
                "StagingTaskView",
                StagingTaskView(
                    task: StagingTask(
                        id: "STG-000009",
                        reservation: "RES-000009",
                        productionOrder: "PO-000004",
                        operation: 10,
                        lot: "LOT-C-2",
                        quantity: 1,
                        status: .cancelled
                    ),
                    from: nil,
                    handlingUnit: nil,
                    workCenter: nil,
                    to: nil,
                    scheduledStart: nil,
                    neededBy: nil
                )
            ),
            specimen("StagingTaskPicked", StagingTaskPicked(stagingTask: "STG-000009", lot: "LOT-C-2", by: nil, at: now)),
            specimen("ConfirmRequest", ConfirmRequest()),
            specimen("ConfirmStagingTask", ConfirmStagingTask(stagingTask: "STG-000009")),
            specimen("StagingTaskConfirmed", StagingTaskConfirmed(stagingTask: "STG-000009", lot: "LOT-C-2", to: "LS-LATHE-1", by: nil, at: now)),
            specimen(
                "StagingShortReported",
                StagingShortReported(
                    stagingTask: "STG-000009",
                    lot: "LOT-C-2",
                    expected: 1,
                    found: 0.5,
                    lotQuantityBefore: 1,
                    by: nil,
                    at: now
                )
            ),
            specimen("ReportMaterialMissing", ReportMaterialMissing(lot: "LOT-C-2")),
            specimen(
                "MaterialMissing",
                MaterialMissing(
                    lots: [],
                    handlingUnit: nil,
                    stagingTask: nil,
                    location: "STORE-A",
                    affected: [],
                    note: nil,
                    by: nil,
                    at: now
                )
            ),
            specimen("AffectedOperation", AffectedOperation(productionOrder: "PO-000004", operation: 10, start: nil, dueDate: day(30), quantity: 1)),
            specimen("ProjectionEntry", ProjectionEntry(at: now, kind: .stock, quantity: 4, projected: 4)),
            specimen("ProjectedAvailability", ProjectedAvailability(item: "CAST-100", at: now, entries: [])),
            specimen("CheckMaterial", CheckMaterial()),
            specimen(
                "Shipment",
                Shipment(
                    id: "SHP-000002",
                    salesOrder: "SO-1001",
                    line: 2,
                    customer: "CUST-ACME",
                    item: "PUMP-100",
                    lots: [ShipmentLot(lot: "LOT-P-1", quantity: 2)],
                    by: nil,
                    at: now
                )
            ),
            // Quality
            specimen("InspectionPlan", incomingPlan), specimen("Characteristic", incomingPlan.characteristics[0]),
            specimen("Characteristic", Characteristic.variable("bore", "Bore diameter", lower: nil, upper: 52.05, unit: "mm")),
            specimen(
                "RecordInspectionResult",
                RecordInspectionResult(plan: "IP-CAST-100B", measurements: [Measurement(characteristic: "certificate")])
            ),
            specimen("Measurement", Measurement(characteristic: "certificate")),
            specimen(
                "InspectionResult",
                InspectionResult(
                    id: "IR-000003",
                    plan: "IP-CAST-100B",
                    planRevision: 1,
                    item: "CAST-100B",
                    productionOrder: nil,
                    operation: nil,
                    lot: nil,
                    measurements: [],
                    passed: true,
                    note: nil,
                    by: nil,
                    at: now
                )
            ),
            specimen("MeasuredValue", MeasuredValue(characteristic: "certificate", sample: 1, value: nil, passed: false)),
            specimen(
                "InspectionStatus",
                InspectionStatus(
                    productionOrder: "PO-000003",
                    operation: 21,
                    name: "Rework NC-000001",
                    item: "HOUS-100",
                    inspectionRequired: false,
                    outstanding: false,
                    plan: nil,
                    requiredResults: nil,
                    passedResults: 0,
                    lotsToInspect: [],
                    results: [],
                    openNonconformances: []
                )
            ),
            specimen("Nonconformance", Nonconformance(id: "NC-000004", description: "Dented", severity: .major, openedBy: nil, openedAt: now)),
            specimen("OpenNonconformance", OpenNonconformance(description: "Dented", severity: .major)),
            specimen("Disposition", Disposition(kind: .scrap, reason: "dented", decidedBy: nil, decidedAt: now)),
            specimen("DispositionRequest", DispositionRequest(disposition: .scrap, reason: "dented")),
            specimen("ApprovalRequest", ApprovalRequest()),
            specimen("ApproveDisposition", ApproveDisposition(nonconformance: "NC-000002")),
            specimen("DispositionDecided", DispositionDecided(nonconformance: "NC-000002", approved: true, note: nil, by: nil, at: now)),
            specimen("NonconformanceClosed", NonconformanceClosed(nonconformance: "NC-000002", note: "scrapped LOT-C-4", by: nil, at: now)),
            specimen("PlaceHold", PlaceHold(workCenter: "WC-LATHE-1", reason: "spindle runout to be checked")),
            specimen(
                "Hold",
                Hold(id: "HOLD-000003", kind: .workCenter, workCenter: "WC-LATHE-1", reason: "spindle runout", placedBy: nil, placedAt: now)
            ),
            specimen(
                "ShippedLotNotice",
                ShippedLotNotice(
                    lot: "LOT-H-9",
                    item: "HOUS-100",
                    productionOrder: nil,
                    salesOrder: nil,
                    salesOrderLine: nil,
                    customer: nil
                )
            ),
            specimen(
                "HoldReleased",
                HoldReleased(
                    hold: "HOLD-000003",
                    reason: "runout within limits",
                    restoredLots: [],
                    stillHeldLots: [],
                    releasedOrders: [],
                    releasedWorkCenter: nil,
                    by: nil,
                    at: now
                )
            ),
            specimen(
                "OperationProgress",
                OperationProgress(sequence: 21, name: "Rework NC-000001", reworkOf: "NC-000001", reworkWorkCenter: "WC-LATHE-2")
            ),
        ] + Samples.commands.map { specimen("Command", $0) }
    }
}

// MARK: - Issue 12: consumption records, proposals, OEE data issues, plant KPIs

extension Samples {
    static let displaced = DisplacedReservation(
        reservation: "RES-000002",
        productionOrder: "PO-000004",
        operation: 10,
        quantity: 5,
        remaining: 1,
        stagingTask: "STG-000002",
        stagingTaskStatus: .open
    )
    static let dataIssue = OEEReport.DataIssue(
        rule: "performance-above-ideal",
        message: "the units booked at WC-LATHE-1 need 2 h 42 min at the "
            + "routing's ideal rate, but only 2 min of production time were recorded in planned time"
    )
    static let forecastEntry = DeliveryForecastEntry(
        kind: .customerLine,
        salesOrder: "SO-1001",
        line: 1,
        customer: "CUST-ACME",
        productionOrders: ["PO-000001"],
        item: "PUMP-100",
        quantity: 4,
        due: day(5),
        finish: day(4),
        slackMinutes: 1440,
        verdict: .onTime,
        note: "made, not yet shipped"
    )
    static let forecast = DeliveryForecast(
        at: now,
        schedule: "SCH-000001",
        counted: 2,
        onTime: 1,
        atRisk: 0,
        late: 1,
        notForecast: 1,
        customerLines: 1,
        stockOrders: 1,
        onTimeRatio: 0.5,
        statement: "1 of 2 on time: 1 customer line, 1 stock order, by SCH-000001; 1 not forecast",
        entries: [forecastEntry]
    )

    /// Issue 12's bodies with every optional field set.
    static var shopFloorTruthSpecimens: [Specimen] {
        var flagged = oeeReport
        flagged.performance = nil
        flagged.oee = nil
        flagged.dataIssues = [dataIssue]
        let kpis = PlantKPIs(
            at: now,
            delivery: forecast,
            ordersInProgress: 3,
            operationsRunning: 2,
            operationsPaused: 1,
            openExceptions: 4,
            openExceptionsByFunction: Dictionary(uniqueKeysWithValues: PlantFunction.allCases.map { ($0.rawValue, 1) }),
            activeHolds: 1,
            projectedShortages: 2,
            oeeFrom: day(-7),
            oeeTo: now,
            oee: [flagged]
        )
        let proposal = ConsumptionProposal(
            productionOrder: "PO-000003",
            operation: 10,
            lot: "LOT-C-2",
            item: "CAST-100",
            unit: "ea",
            location: "RECEIVING",
            component: "CAST-100",
            consumingOperation: 10,
            required: 8,
            consumed: 2,
            remaining: 6,
            inLot: 10,
            reservedForOthers: 10,
            free: 0,
            proposed: 6,
            blockers: [
                Violation(field: "lot", rule: Interlock.lotReservedElsewhere.rawValue, message: "lot 'LOT-C-2' holds 10 ea, of which 10 are reserved")
            ],
            summary: "PO-000003 op 10 still needs 6 ea of CAST-100 (8 required, 2 consumed)"
        )
        return [
            specimen(
                "Consumption",
                Consumption(
                    lot: "LOT-C-2",
                    item: "CAST-100",
                    quantity: 5,
                    productionOrder: "PO-000003",
                    operation: 10,
                    workCenter: "WC-LATHE-1",
                    by: "jdoe",
                    at: now,
                    overridden: [.lotReservedElsewhere, .lotNotAtLineSide],
                    displaced: [displaced]
                )
            ),
            specimen("DisplacedReservation", displaced),
            specimen(
                "OverrideRequest",
                OverrideRequest(interlock: .lotReservedElsewhere, reason: "the other order waits for Friday", lot: "LOT-C-2")
            ),
            specimen(
                "OverrideInterlock",
                OverrideInterlock(
                    productionOrder: "PO-000003",
                    operation: 10,
                    interlock: .lotNotAtLineSide,
                    reason: "forklift on its way",
                    lot: "LOT-C-2"
                )
            ),
            specimen(
                "InterlockOverride",
                InterlockOverride(
                    productionOrder: "PO-000003",
                    operation: 10,
                    interlock: .lotNotAtLineSide,
                    reason: "forklift on its way",
                    by: "sup",
                    at: now,
                    lot: "LOT-C-2"
                )
            ),
            specimen("ConsumptionProposal", proposal),
            specimen("OEEDataIssue", dataIssue), specimen("OEEReport", flagged),
            specimen("DeliveryForecastEntry", forecastEntry), specimen("DeliveryForecast", forecast), specimen("PlantKPIs", kpis),
        ]
    }
}

extension OpenAPITests {
    @Test(
        "The demo plant's KPIs (with and without a schedule), a consumption proposal with blockers, an OEE report with a data issue and a consumption passed by override validate against their schemas"
    )
    func shopFloorTruthAnswersValidate() async throws {
        let (_, doc) = try await makeDocument()
        let checker = try SchemaChecker(doc)
        try await ClockedServer.run { s, clock in
            func check(
                _ path: String,
                _ schema: String,
                token: String? = TestServer.adminToken,
                pick: (JSONValue) -> JSONValue? = { $0 }
            ) async throws {
                let reply = try await s.send(.GET, path, token: token)
                #expect(reply.status == 200, "\(path): \(reply.text)")
                let json = try #require(pick(try TaktJSON.decoder.decode(JSONValue.self, from: reply.body)), "\(path)")
                let errors = checker.errors(json, against: schema)
                #expect(errors.isEmpty, "\(path) against \(schema): \(errors)")
            }
            try await check("/api/v1/kpis", "PlantKPIs")
            let t = try await ShopFloor.prepare(s)
            let op = ShopFloorTruthTests.op
            try #require(try await s.send(.POST, op + "/start", token: t.anna, body: "{}").status == 200)
            try await check(op + "/consumption-proposal?lot=CAST-24", "ConsumptionProposal", token: t.anna)
            for interlock in ["lot-reserved-elsewhere", "lot-not-at-line-side"] {
                let o = try await s.send(
                    .POST,
                    op + "/overrides",
                    token: t.supervisor,
                    body: #"{"interlock":"\#(interlock)","reason":"test","lot":"CAST-24"}"#
                )
                #expect(o.status == 200, "\(o.text)")
                #expect(checker.errors(try TaktJSON.decoder.decode(JSONValue.self, from: o.body), against: "EventList").isEmpty)
            }
            let consumed = try await s.send(.POST, op + "/consume", token: t.anna, body: #"{"lot":"CAST-24","quantity":24}"#)
            #expect(consumed.status == 200, "\(consumed.text)")
            let list = try TaktJSON.decoder.decode(JSONValue.self, from: consumed.body)
            #expect(checker.errors(list, against: "EventList").isEmpty, "\(checker.errors(list, against: "EventList"))")
            clock.advance(minutes: 2)
            #expect(try await s.send(.POST, op + "/complete", token: t.anna, body: #"{"good":9}"#).status == 200)
            let planner = try await issueToken(s, for: "planner")
            #expect(try await s.send(.POST, "/api/v1/schedule/runs", token: planner, body: #"{"iterations":100,"seed":7}"#).status == 201)
            try await check("/api/v1/kpis", "PlantKPIs")
            try await check("/api/v1/work-centers/WC-MILL-1/oee?from=2026-11-25T06:00:00Z&to=2026-11-25T06:10:00Z", "WorkCenterOEE")
            try await check("/api/v1/production-orders/PO-000007/operations", "OperationList")
        }
    }
}

extension Samples {
    /// An engine that took every sample command (and a signed hold release), so its log holds every event type.
    static func engineWithEveryEvent() async throws -> Engine {
        let engine = try await Engine.open(store: InMemoryEventStore(), now: { Samples.now }, logger: Logger(label: "test"))
        for (i, command) in Samples.commands.enumerated() {
            // Only a signed-in user can acknowledge a work instruction: the operator reads it herself. The supervisor's
            // disposition is a proposal that quality (here the system) approves.
            let actor: Actor =
                switch command {
                case .acknowledgeWorkInstruction: .user(Samples.operatorUser.id)
                case .dispositionNonconformance(Samples.supervisorProposal): .user("sup")
                // Approvals are made by signed-in users in the roles the action needs.
                case .approveAction, .rejectAction: .user("sup")
                case .approveEngineeringChange, .rejectEngineeringChange: .user("sup")
                default: .system
                }
            var envelope = CommandEnvelope(command: command, actor: actor, idempotencyKey: i.isMultiple(of: 2) ? "import-\(i)" : nil)
            // A recommendation made by an AI agent over MCP, recorded with the agent's act.
            if case .recommendAction = command {
                envelope.agent = AgentAct(
                    user: "admin",
                    token: "TOK-000001",
                    agent: "planning-agent",
                    client: "test",
                    channel: .mcp,
                    tool: "recommend_action"
                )
            }
            _ = try await engine.submit(envelope)
        }
        // A signed release by a quality user with a password (recordSigned).
        _ = try await engine.submit(CommandEnvelope(command: .createUser(User(id: "qa", name: "Quinn Adler", roles: [.quality])), actor: .system))
        _ = try await engine.setPassword(of: "qa", to: "a sample passphrase", current: nil, by: .system, client: "test")
        let placed = try await engine.submit(
            CommandEnvelope(
                command: .placeHold(PlaceHold(workCenter: "WC-LATHE-2", reason: "spindle check")),
                actor: .system
            )
        )
        guard case .holdPlaced(let extraHold)? = try placed.domainEvents().first else { throw SampleFailure(description: "no hold placed") }
        _ = try await engine.submit(
            CommandEnvelope(
                command: .releaseHold(ReleaseHold(hold: extraHold.id, reason: "spindle within limits")),
                actor: .user("qa"),
                signature: SignatureCredential(password: "a sample passphrase", meaning: "released", client: "test")
            )
        )
        return engine
    }
}

struct SampleFailure: Error, CustomStringConvertible { let description: String }

extension JSONValue {
    /// The document with `info.version` set, to compare documents of servers that state other versions.
    func replacingVersion(_ version: String) -> JSONValue {
        guard case .object(var doc) = self, case .object(var info)? = doc["info"] else { return self }
        info["version"] = .string(version)
        doc["info"] = .object(info)
        return .object(doc)
    }
}
