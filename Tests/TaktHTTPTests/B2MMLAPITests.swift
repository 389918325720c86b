import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktTestSupport
import Testing

/// ISA-95 / B2MML V0701 through the API, in process: `POST /api/v1/imports` with an `application/xml` body and
/// `GET /api/v1/exports/b2mml/{message}`. The schemas' validation of the exports is in Tests/TaktB2MMLTests.
@Suite("B2MML messages through the API")
struct B2MMLAPITests {
    /// docs/examples/b2mml, the sample messages.
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/examples/b2mml")
    static let samples = ["01-materials.xml", "02-equipment.xml", "03-personnel.xml", "04-operations-definitions.xml", "05-operations-schedule.xml"]

    static func post(_ s: TestServer, _ xml: Data, file: String, token: String = TestServer.adminToken) async throws -> TestReply {
        try await s.connection.send(
            .POST,
            "/api/v1/imports?file=\(file)",
            headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/xml; charset=utf-8")],
            body: xml
        )
    }

    @Test(
        "The sample messages posted one by one create the plant's items, work centers, people, routings and orders; posting them again changes nothing"
    )
    func samplesThroughTheAPI() async throws {
        try await TestServer.run(demo: false) { s in
            for name in Self.samples {
                let reply = try await Self.post(s, try Data(contentsOf: Self.examples.appendingPathComponent(name)), file: name)
                #expect(reply.status == 201, "\(name): \(reply.text.prefix(2_000))")
            }
            let state = await s.engine.snapshot()
            #expect(state.items["PUMP-100"]?.kind == .finished)
            #expect(state.workCenters["CNC-01"]?.site == "HAM")
            #expect(state.users["jdoe"]?.roles == [.operator])
            #expect(state.routings["RT-PUMP-100"]?.operations.count == 2)
            #expect(state.boms["BOM-PUMP-100"]?.components.count == 2)
            #expect(state.productionOrders["PO-B2M-002"]?.quantity == 20)

            let before = await s.engine.committedSequence
            for name in Self.samples {
                let again = try await Self.post(s, try Data(contentsOf: Self.examples.appendingPathComponent(name)), file: name)
                #expect(again.status == 200, "\(name): \(again.text.prefix(1_000))")
                #expect(try again.json()["commands"] as? Int == 0)
            }
            #expect(await s.engine.committedSequence == before, "a re-import appended events")
        }
    }

    @Test("A message with several errors is refused whole: 422 names each element and field, and nothing is applied")
    func refusedWhole() async throws {
        try await TestServer.run(demo: true) { s in
            let before = await s.engine.committedSequence
            let xml = """
                <MaterialInformation xmlns="http://www.mesa.org/xml/B2MML">
                  <MaterialDefinition><ID>NEW-1</ID><Description>Fine</Description><MaterialClassID>purchased</MaterialClassID></MaterialDefinition>
                  <MaterialDefinition><ID>NEW-2</ID><MaterialClassID>gaseous</MaterialClassID></MaterialDefinition>
                  <MaterialDefinition><ID>NEW-3</ID><MaterialClassID>finished</MaterialClassID>
                    <MaterialDefinitionProperty><ID>unit</ID><Value><ValueString>furlong</ValueString></Value></MaterialDefinitionProperty>
                  </MaterialDefinition>
                </MaterialInformation>
                """
            let reply = try await Self.post(s, Data(xml.utf8), file: "items.xml")
            #expect(reply.status == 422, "\(reply.text)")
            let json = try reply.json()
            #expect(json["type"] as? String == "urn:takt:problem:import-refused")
            let errors = (json["errors"] as? [[String: Any]] ?? []).map { "\($0["field"] ?? "")|\($0["rule"] ?? "")" }
            #expect(errors.contains("items.xml:MaterialDefinition 'NEW-2'/MaterialClassID|one-of"), "\(errors)")
            #expect(errors.contains("items.xml:MaterialDefinition 'NEW-3'/MaterialDefinitionProperty[unit]|one-of"), "\(errors)")
            #expect(await s.engine.committedSequence == before)
            #expect(await s.engine.read { $0.items["NEW-1"] } == nil, "the good element of a refused message was applied")

            let broken = try await Self.post(s, Data("<MaterialInformation><oops".utf8), file: "broken.xml")
            #expect(broken.status == 422)
            #expect(broken.text.contains("not well-formed XML"), "\(broken.text)")
        }
    }

    @Test("Exports: OperationsPerformance and MaterialInformation as application/xml; roles; unknown messages 404")
    func exports() async throws {
        try await TestServer.run(demo: true) { s in
            let lots = try await s.send(.GET, "/api/v1/exports/b2mml/MaterialInformation")
            #expect(lots.status == 200, "\(lots.text.prefix(500))")
            #expect(lots.headers.first(name: "Content-Type")?.hasPrefix("application/xml") == true)
            #expect(lots.text.contains(#"<MaterialInformation xmlns="http://www.mesa.org/xml/B2MML">"#))
            let count = await s.engine.read { $0.lots.count }
            #expect(lots.text.components(separatedBy: "<MaterialLot>").count - 1 == count)

            let performance = try await s.send(.GET, "/api/v1/exports/b2mml/operations-performance")
            let ran = await s.engine.read { state in
                state.productionOrders.values.contains { $0.status == .inProgress || $0.status == .completed }
            }
            if ran {
                #expect(performance.status == 200, "\(performance.text.prefix(500))")
                #expect(performance.text.contains(#"<OperationsPerformance xmlns="http://www.mesa.org/xml/B2MML">"#))
            } else {
                #expect(performance.status == 404)
            }
            #expect(try await s.send(.GET, "/api/v1/exports/b2mml/Invoice").status == 404)
            let op = try await issueToken(s, for: "op-anna")
            #expect(try await s.send(.GET, "/api/v1/exports/b2mml/MaterialInformation", token: op).status == 403)
            let xml = try Data(contentsOf: Self.examples.appendingPathComponent("01-materials.xml"))
            #expect(try await Self.post(s, xml, file: "01-materials.xml", token: op).status == 403)
        }
    }
}
