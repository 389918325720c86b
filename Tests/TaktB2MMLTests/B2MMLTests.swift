import Foundation
import TaktB2MML
import TaktCore
import TaktExchange
import Testing

@Suite("B2MML V0701: export validated against the official schemas")
struct B2MMLExportTests {
    static let worked = workedDemoState()
    static let published = morning.addingTimeInterval(3600)

    @Test("The demo plant's OperationsPerformance validates against B2MML-OperationsPerformance.xsd and says what was made, consumed, by whom, when")
    func operationsPerformance() throws {
        let xml = try B2MMLExport.xml(.operationsPerformance, state: Self.worked, now: Self.published)
        let validation = try xmllint(Data(xml.utf8), schema: schema("OperationsPerformance"))
        #expect(validation.valid, "\(validation.output)\n\(xml.prefix(3000))")
        #expect(xml.contains(#"<OperationsPerformance xmlns="http://www.mesa.org/xml/B2MML">"#))
        // PO-000007 op 10: Anna on WC-MILL-1 for 40 minutes, 30 castings of CAST-B2M-33 consumed, lot HSG-B2M-1 made.
        let response = try #require(Self.element("OperationsResponse", id: "PO-000007", in: xml))
        #expect(response.contains("<ResponseState>Running</ResponseState>") || response.contains("<ResponseState>Completed</ResponseState>"))
        let segment = try #require(Self.element("SegmentResponse", id: "PO-000007-10", in: response))
        #expect(segment.contains("<ActualStartTime>2026-11-25T07:00:00+01:00</ActualStartTime>"), "dates in the plant's time zone: \(segment)")
        #expect(segment.contains("<ActualEndTime>2026-11-25T07:40:00+01:00</ActualEndTime>"))
        #expect(segment.contains("<SegmentState>Completed</SegmentState>"))
        #expect(segment.contains("<PersonID>op-anna</PersonID>"))
        #expect(segment.contains("<EquipmentID>WC-MILL-1</EquipmentID>"))
        #expect(segment.contains("<QuantityString>40</QuantityString>"), "40 minutes of work")
        let consumed = try #require(Self.element("MaterialActual", id: "PO-000007-10-consumed-1", in: segment))
        #expect(consumed.contains("<MaterialLotID>CAST-B2M-33</MaterialLotID>"))
        #expect(consumed.contains("<MaterialUse>Consumed</MaterialUse>"))
        #expect(consumed.contains("<QuantityString>30</QuantityString>"))
        #expect(consumed.contains("<ValueString>op-anna</ValueString>"), "by whom")
        #expect(consumed.contains("<ValueString>2026-11-25T07:40:00+01:00</ValueString>"), "when")
        let produced = try #require(Self.element("MaterialActual", id: "PO-000007-10-produced", in: segment))
        #expect(produced.contains("<MaterialUse>Produced</MaterialUse>"))
        #expect(produced.contains("<MaterialLotID>HSG-B2M-1</MaterialLotID>"))
        #expect(produced.contains("<MaterialDefinitionID>MH-NB-32-160</MaterialDefinitionID>"))
        // Orders that have not run are not reported.
        let planned = try #require(Self.worked.productionOrders.values.first { $0.status == .planned })
        #expect(Self.element("OperationsResponse", id: planned.id.rawValue, in: xml) == nil)
    }

    @Test("The demo plant's lots with their genealogy validate against B2MML-Material.xsd; the housing lot lists the casting lot it was made of")
    func materialInformation() throws {
        let xml = try B2MMLExport.xml(.materialInformation, state: Self.worked, now: Self.published)
        let validation = try xmllint(Data(xml.utf8), schema: schema("Material"))
        #expect(validation.valid, "\(validation.output)\n\(xml.prefix(3000))")
        #expect(xml.components(separatedBy: "<MaterialLot>").count - 1 == Self.worked.lots.count)
        let housing = try #require(Self.element("MaterialLot", id: "HSG-B2M-1", in: xml))
        let assembly = try #require(Self.element("AssemblyLot", id: "CAST-B2M-33", in: housing))
        #expect(assembly.contains("<QuantityString>30</QuantityString>"))
        #expect(housing.contains("<AssemblyType>Physical</AssemblyType>"))
        #expect(housing.contains("<ValueString>PO-000007</ValueString>"))
        let casting = try #require(Self.element("MaterialLot", id: "CAST-B2M-33", in: xml))
        #expect(casting.contains("<QuantityString>3</QuantityString>"), "3 castings left")
        #expect(casting.contains("<ValueString>GS-2611-0042</ValueString>"), "the supplier's lot")
        #expect(casting.contains("<Disposition>UnRestricted</Disposition>"))

        // One lot's genealogy: the housing and the castings it came from, nothing else.
        let one = try B2MMLExport.xml(.materialInformation, state: Self.worked, now: Self.published, lot: "HSG-B2M-1")
        #expect(try xmllint(Data(one.utf8), schema: schema("Material")).valid)
        #expect(one.components(separatedBy: "<MaterialLot>").count - 1 == 2)
    }

    @Test("xmllint does refuse what breaks the schema: an OperationsResponse without its SegmentResponse, an unknown element")
    func validatorRefuses() throws {
        let xml = try B2MMLExport.xml(.operationsPerformance, state: Self.worked, now: Self.published)
        let unknown = xml.replacingOccurrences(of: "<OperationsType>Production</OperationsType>", with: "<Shift>early</Shift>")
        let refused = try xmllint(Data(unknown.utf8), schema: schema("OperationsPerformance"))
        #expect(!refused.valid)
        #expect(refused.output.contains("Shift"), "\(refused.output)")
        let noLots = try xmllint(
            Data("<OperationsPerformance xmlns=\"\(B2MMLExport.namespace)\"><ID>x</ID></OperationsPerformance>".utf8),
            schema: schema("OperationsPerformance")
        )
        #expect(!noLots.valid, "an OperationsPerformance needs an OperationsResponse")
    }

    @Test("An empty plant has no operations performance to export; its material information is an empty, valid message")
    func emptyPlant() throws {
        #expect(throws: B2MMLNothingToExport.self) { try B2MMLExport.xml(.operationsPerformance, state: PlantState(), now: morning) }
        let xml = try B2MMLExport.xml(.materialInformation, state: PlantState(), now: morning)
        #expect(try xmllint(Data(xml.utf8), schema: schema("Material")).valid)
        #expect(throws: B2MMLNothingToExport.self) { try B2MMLExport.xml(.materialInformation, state: PlantState(), now: morning, lot: "NOPE") }
    }

    @Test(
        "Every sample message of docs/examples/b2mml validates against its official schema",
        arguments: zip(sampleNames, ["Material", "Equipment", "Personnel", "OperationsDefinition", "OperationsSchedule"])
    )
    func samplesValidate(name: String, file: String) throws {
        let validation = try xmllint(try sample(name), schema: schema(file))
        #expect(validation.valid, "\(name): \(validation.output)")
    }

    @Test("The fixtures' sample messages are the ones in docs/examples/b2mml", arguments: sampleNames)
    func samplesMatchTheDocs(name: String) throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/examples/b2mml/\(name)")
        #expect(try Data(contentsOf: docs) == (try sample(name)), "copy docs/examples/b2mml/\(name) to Tests/TaktB2MMLTests/Fixtures/examples")
    }

    /// The first `<name>` element whose first `<ID>` is `id`, as text; nil when there is none.
    static func element(_ name: String, id: String, in xml: String) -> String? {
        var rest = xml[...]
        while let open = rest.range(of: "<\(name)>") {
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "</\(name)>") else { return nil }
            let body = after[..<close.lowerBound]
            if body.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("<ID>\(id)</ID>") { return String(body) }
            rest = after
        }
        return nil
    }
}

@Suite("B2MML V0701 messages, planned by the CSV importer")
struct B2MMLImportTests {
    static let now = morning

    static func messages(_ names: [String] = sampleNames) throws -> [B2MMLMessage] {
        try names.map { B2MMLMessage(name: $0, data: try sample($0)) }
    }

    static func plan(_ messages: [B2MMLMessage], into state: PlantState = PlantState()) -> ImportPlan {
        B2MMLImport.plan(messages, into: state, roles: nil, actor: nil, now: now)
    }

    @Test("The sample messages create the items, site, work centers, skills, people, routings, bills of materials and production orders")
    func sampleCreatesThePlant() throws {
        let plan = Self.plan(try Self.messages())
        #expect(plan.issues.isEmpty, "\(plan.issues.map(\.description).joined(separator: "\n"))")
        let s = plan.result
        #expect(s.items.keys.map(\.rawValue).sorted() == ["HOUSING-30", "PUMP-100", "SHAFT-20", "STEEL-BAR-40"])
        #expect(s.items["STEEL-BAR-40"]?.unit == .kilogram, "BaseUnitOfMeasure KG")
        #expect(s.items["STEEL-BAR-40"]?.kind == .purchased)
        #expect(s.items["SHAFT-20"]?.kind == .semiFinished)
        #expect(s.items["PUMP-100"]?.name == "Centrifugal pump P100")
        #expect(s.sites["HAM"]?.timeZone == "Europe/Berlin")
        #expect(s.sites["ACME"] == nil, "the enterprise is a container")
        #expect(s.workCenters["CNC-01"]?.kind == .machining)
        #expect(s.workCenters["CNC-01"]?.site == "HAM")
        #expect(s.workCenters["ASSY-01"]?.capacity == 2)
        #expect(s.skills.keys.map(\.rawValue).sorted() == ["ASSEMBLY", "TURNING"], "the role 'operator' is no skill")
        #expect(s.users["jdoe"]?.name == "Jana Doe")
        #expect(s.users["jdoe"]?.roles == [.operator])
        #expect(s.users["jdoe"]?.certifications.map(\.skill) == ["TURNING"])
        #expect(s.users["kplan"]?.roles == [.planner])

        let shaft = try #require(s.routings["RT-SHAFT-20"])
        #expect(shaft.item == "SHAFT-20")
        #expect(shaft.operations.map(\.sequence) == [10])
        #expect(shaft.operations.first?.requiredSkill == "TURNING")
        #expect(shaft.operations.first?.workCenters == [EligibleWorkCenter(workCenter: "CNC-01", setupMinutes: 30, runMinutesPerUnit: 4)])
        let pump = try #require(s.routings["RT-PUMP-100"])
        #expect(pump.item == "PUMP-100")
        #expect(pump.operations.map(\.name) == ["Assembly", "Pressure test"])
        #expect(pump.operations.first?.workCenters.first?.setupMinutes == 15, "0.25 h")
        #expect(pump.operations.last?.workCenters.first?.runMinutesPerUnit == 3)

        let bom = try #require(s.boms["BOM-PUMP-100"])
        #expect(bom.item == "PUMP-100")
        #expect(bom.components.map(\.item) == ["SHAFT-20", "HOUSING-30"])
        #expect(bom.components.map(\.quantity) == [1, 1], "10 per 10 pumps")
        #expect(bom.components.map(\.operation) == [10, 10])
        let shaftBOM = try #require(s.boms["RT-SHAFT-20"])
        #expect(shaftBOM.components.first?.quantity == 0.5)

        let first = try #require(s.productionOrders["PO-B2M-001"])
        #expect(first.item == "SHAFT-20")
        #expect(first.quantity == 40)
        #expect(first.routing == "RT-SHAFT-20")
        #expect(first.priority == 2)
        #expect(first.status == .planned)
        #expect(first.dueDate == Date(timeIntervalSince1970: 1_796_828_400), "2026-12-09T16:00:00+01:00")
        let second = try #require(s.productionOrders["PO-B2M-002"])
        #expect(second.item == "PUMP-100" && second.quantity == 20 && second.priority == 1)
        #expect(plan.counts[.productionOrders]?.created == 2)
    }

    @Test("Importing the same messages again changes nothing")
    func reimportIsIdempotent() throws {
        let first = Self.plan(try Self.messages())
        #expect(first.issues.isEmpty)
        let again = Self.plan(try Self.messages(), into: first.result)
        #expect(again.issues.isEmpty, "\(again.issues)")
        #expect(again.commands.isEmpty, "\(again.commands.map(\.command.typeName))")
        #expect(again.counts.values.allSatisfy { $0.created == 0 && $0.changed == 0 })
    }

    @Test("A message changes only what it says: a work center's shifts and an order's pegging are kept")
    func keepsWhatTheMessageDoesNotSay() throws {
        let demo = demoState()
        let wc = try #require(demo.workCenters.values.first { !$0.shifts.isEmpty })
        let xml = """
            <EquipmentInformation xmlns="http://www.mesa.org/xml/B2MML"><ID>E</ID>
              <Equipment><ID>\(wc.site)</ID><EquipmentLevel>Site</EquipmentLevel>
                <EquipmentChild><ID>\(wc.id)</ID><Description>Renamed by the ERP</Description><EquipmentLevel>WorkCenter</EquipmentLevel></EquipmentChild>
              </Equipment>
            </EquipmentInformation>
            """
        let plan = Self.plan([B2MMLMessage(name: "rename.xml", data: Data(xml.utf8))], into: demo)
        #expect(plan.issues.isEmpty, "\(plan.issues)")
        let renamed = try #require(plan.result.workCenters[wc.id])
        #expect(renamed.name == "Renamed by the ERP")
        #expect(renamed.shifts == wc.shifts)
        #expect(renamed.kind == wc.kind)
        #expect(renamed.setupFamilies == wc.setupFamilies)
        #expect(plan.result.sites[wc.site] == demo.sites[wc.site])
    }

    @Test("A message with several errors is refused whole, every error named by message, element and field")
    func severalErrorsRefusedWhole() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <SyncOperationsSchedule xmlns="http://www.mesa.org/xml/B2MML" releaseID="V0701">
              <ApplicationArea><CreationDateTime>2026-12-01T08:00:00Z</CreationDateTime></ApplicationArea>
              <DataArea><Sync/><OperationsSchedule><ID>S</ID>
                <OperationsRequest><ID>PO-OK</ID><EndTime>2026-12-09T16:00:00+01:00</EndTime><OperationsDefinitionID>RT-SHAFT-20</OperationsDefinitionID>
                  <SegmentRequirement><ID>1</ID><ProcessSegmentID>x</ProcessSegmentID><OperationsDefinitionID>RT-SHAFT-20</OperationsDefinitionID><OperationsSegmentID>10</OperationsSegmentID>
                    <MaterialRequirement><ID>m</ID><MaterialDefinitionID>SHAFT-20</MaterialDefinitionID><MaterialUse>Produced</MaterialUse><Quantity><QuantityString>5</QuantityString></Quantity></MaterialRequirement>
                  </SegmentRequirement></OperationsRequest>
                <OperationsRequest><ID>PO-BAD-DATE</ID><EndTime>next Tuesday</EndTime><OperationsDefinitionID>RT-SHAFT-20</OperationsDefinitionID>
                  <SegmentRequirement><ID>1</ID><ProcessSegmentID>x</ProcessSegmentID><OperationsDefinitionID>RT-SHAFT-20</OperationsDefinitionID><OperationsSegmentID>10</OperationsSegmentID>
                    <MaterialRequirement><ID>m</ID><MaterialDefinitionID>SHAFT-20</MaterialDefinitionID><MaterialUse>Produced</MaterialUse><Quantity><QuantityString>five</QuantityString></Quantity></MaterialRequirement>
                  </SegmentRequirement></OperationsRequest>
                <OperationsRequest><ID>PO-NO-ITEM</ID><EndTime>2026-12-09T16:00:00+01:00</EndTime><OperationsDefinitionID>RT-SHAFT-20</OperationsDefinitionID>
                  <SegmentRequirement><ID>1</ID><ProcessSegmentID>x</ProcessSegmentID><OperationsDefinitionID>RT-SHAFT-20</OperationsDefinitionID><OperationsSegmentID>10</OperationsSegmentID>
                    <MaterialRequirement><ID>m</ID><MaterialDefinitionID>GHOST-1</MaterialDefinitionID><MaterialUse>Produced</MaterialUse><Quantity><QuantityString>5</QuantityString></Quantity></MaterialRequirement>
                  </SegmentRequirement></OperationsRequest>
              </OperationsSchedule></DataArea>
            </SyncOperationsSchedule>
            """
        let materials = """
            <MaterialInformation xmlns="http://www.mesa.org/xml/B2MML">
              <MaterialDefinition><ID>GOOD-1</ID><Description>Fine</Description><MaterialClassID>purchased</MaterialClassID></MaterialDefinition>
              <MaterialDefinition><ID>ODD-1</ID><Description>Odd</Description><MaterialClassID>gaseous</MaterialClassID></MaterialDefinition>
            </MaterialInformation>
            """
        let base = Self.plan(try Self.messages(Array(sampleNames.prefix(4)))).result
        let plan = Self.plan(
            [B2MMLMessage(name: "materials.xml", data: Data(materials.utf8)), B2MMLMessage(name: "orders.xml", data: Data(xml.utf8))],
            into: base
        )
        let found = Set(plan.issues.map { "\($0.file) \($0.column ?? "-") [\($0.rule)]" })
        #expect(found.contains("materials.xml MaterialDefinition 'ODD-1'/MaterialClassID [one-of]"), "\(found)")
        #expect(found.contains("orders.xml OperationsRequest 'PO-BAD-DATE'/EndTime [date]"), "\(found)")
        #expect(
            found.contains(
                "orders.xml OperationsRequest 'PO-BAD-DATE'/SegmentRequirement/MaterialRequirement[Produced]/Quantity/QuantityString [number]"
            ),
            "\(found)"
        )
        #expect(plan.issues.contains { $0.file == "orders.xml" && $0.column?.hasPrefix("OperationsRequest 'PO-NO-ITEM'") == true }, "\(found)")
        #expect(plan.issues.count >= 4)
        #expect(plan.issues.allSatisfy { $0.row == nil }, "an XML message has elements, not rows")
        // The import is refused as a whole: the valid order and the valid item are not applied by a service that refuses on issues.
        let refused = ImportRefused(issues: plan.issues)
        #expect(refused.presentation.status == 422)
        #expect(refused.presentation.violations.contains { $0.field == "orders.xml:OperationsRequest 'PO-BAD-DATE'/EndTime" })
    }

    @Test("Elements Takt does not map are skipped: a message full of unknown elements imports what it knows")
    func unknownElementsAreSkipped() throws {
        let xml = """
            <MaterialInformation xmlns="http://www.mesa.org/xml/B2MML" xmlns:x="urn:vendor">
              <x:VendorBlob><x:Deep><x:Deeper>\(String(repeating: "noise ", count: 10_000))</x:Deeper></x:Deep></x:VendorBlob>
              <MaterialDefinition><ID>GOOD-1</ID><Description>Fine</Description><Colour>blue</Colour><MaterialClassID>purchased</MaterialClassID></MaterialDefinition>
              <TestSpecification><ID>T</ID></TestSpecification>
            </MaterialInformation>
            """
        let plan = Self.plan([B2MMLMessage(name: "m.xml", data: Data(xml.utf8))])
        #expect(plan.issues.isEmpty, "\(plan.issues)")
        #expect(plan.result.items["GOOD-1"]?.name == "Fine")
    }

    @Test(
        "Hostile or broken input gives one clear error, never a crash",
        arguments: [
            ("", "empty"),
            ("<MaterialInformation xmlns=\"http://www.mesa.org/xml/B2MML\"><MaterialDefinition><ID>A</ID>", "xml"),
            ("not xml at all", "xml"),
            (
                "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]><MaterialInformation>&lol2;</MaterialInformation>",
                "doctype"
            ),
            ("<Invoice xmlns=\"urn:other\"><Total>3</Total></Invoice>", "unknown-message"),
            (String(repeating: "<MaterialInformation>", count: 200) + String(repeating: "</MaterialInformation>", count: 200), "too-deep"),
            (
                "<SyncMaterialInformation releaseID=\"x\"><DataArea><Sync/><MaterialInformation><MaterialDefinition><Description>no ID</Description></MaterialDefinition></MaterialInformation></DataArea></SyncMaterialInformation>",
                "required"
            ),
        ]
    )
    func hostileInput(text: String, rule: String) {
        let plan = Self.plan([B2MMLMessage(name: "hostile.xml", data: Data(text.utf8))])
        #expect(plan.issues.map(\.rule) == [rule], "\(plan.issues)")
        #expect(plan.issues.allSatisfy { $0.file == "hostile.xml" && !$0.message.isEmpty })
        #expect(plan.commands.isEmpty)
    }

    @Test("Bytes that are not text, and a message over the size limit, are refused with a clear error")
    func binaryAndHuge() {
        let binary = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        let garbage = Self.plan([B2MMLMessage(name: "blob.bin", data: binary)])
        #expect(garbage.issues.map(\.rule) == ["xml"], "\(garbage.issues)")
        let huge = Data(count: 33 << 20)
        let big = Self.plan([B2MMLMessage(name: "big.xml", data: huge)])
        #expect(big.issues.map(\.rule) == ["too-large"])
    }

    @Test("The exported MaterialInformation imports back: its material definitions are the plant's items, unchanged")
    func exportImportsBack() throws {
        let state = workedDemoState()
        let xml = try B2MMLExport.xml(.materialInformation, state: state, now: morning)
        let plan = Self.plan([B2MMLMessage(name: "MaterialInformation.xml", data: Data(xml.utf8))], into: state)
        #expect(plan.issues.isEmpty, "\(plan.issues.prefix(5))")
        #expect(plan.commands.isEmpty, "\(plan.commands.prefix(5).map(\.command.typeName))")
        #expect((plan.counts[.items]?.unchanged ?? 0) > 0)
    }
}
