import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktExchange
import TaktTestSupport
import Testing

/// CSV import and export through the API, in process: `GET /api/v1/exports/{file}`, `POST /api/v1/imports`,
/// `GET /api/v1/imports/templates/{file}`.
@Suite("CSV imports and exports through the API")
struct CSVExchangeAPITests {
    /// Every kind of the demo plant as the API exports it.
    static func exportAll(_ s: TestServer) async throws -> [(name: String, text: String)] {
        var files: [(String, String)] = []
        for kind in CSVKind.allCases {
            let reply = try await s.send(.GET, "/api/v1/exports/\(kind.fileName)")
            #expect(reply.status == 200, "\(kind): \(reply.text)")
            #expect(reply.headers.first(name: "Content-Type")?.hasPrefix("text/csv") == true)
            files.append((kind.fileName, reply.text))
        }
        return files
    }

    static func json(_ files: [(name: String, text: String)]) throws -> String {
        let body = ["files": files.map { ["name": $0.name, "content": $0.text] }]
        return String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
    }

    @Test("The demo plant exported through the API and imported into an empty server is the same plant; importing it again changes nothing")
    func roundTripThroughTheAPI() async throws {
        let (files, original) = try await TestServer.run(demo: true) { s in
            (try await Self.exportAll(s), ComparablePlant(await s.engine.snapshot()))
        }
        try await TestServer.run(demo: false) { t in
            let imported = try await t.send(.POST, "/api/v1/imports", body: try Self.json(files))
            #expect(imported.status == 201, "\(imported.text.prefix(2_000))")
            let json = try imported.json()
            #expect((json["commands"] as? Int ?? 0) > 100)
            let counts = json["counts"] as? [String: [String: Int]] ?? [:]
            #expect(counts["production-orders"]?["created"] == original.productionOrders.count)
            let copy = ComparablePlant(await t.engine.snapshot())
            #expect(copy.differences(from: original).isEmpty, "\(copy.differences(from: original))")
            #expect(copy == original)

            let before = await t.engine.committedSequence
            let again = try await t.send(.POST, "/api/v1/imports", body: try Self.json(files))
            #expect(again.status == 200, "\(again.text.prefix(1_000))")
            #expect(try again.json()["commands"] as? Int == 0)
            #expect(await t.engine.committedSequence == before, "a re-import appended events")
            // And the exports of the copy are the files it was made from.
            for (file, exported) in zip(files, try await Self.exportAll(t)) { #expect(file.text == exported.text, "\(file.name)") }
        }
    }

    @Test("A file with errors in several rows is refused whole: 422 lists every error, and the log is as long as before")
    func refusedWhole() async throws {
        try await TestServer.run(demo: true) { s in
            let before = await s.engine.committedSequence
            let items = """
                id,name,kind,unit
                NEW-1,A good new item,purchased,ea
                NEW-2,,purchased,ea
                NEW-3,Third,bought,ea
                NEW-4,Fourth,purchased,kg
                """
            let boms = "bom,item,component,quantity\nBOM-NEW,NEW-4,NOPE,1\n"
            let body = try Self.json([("items.csv", items), ("boms.csv", boms)])
            let reply = try await s.send(.POST, "/api/v1/imports", body: body)
            #expect(reply.status == 422, "\(reply.text)")
            let json = try reply.json()
            #expect(json["type"] as? String == "urn:takt:problem:import-refused")
            let errors = (json["errors"] as? [[String: Any]] ?? []).map { "\($0["field"] ?? "")|\($0["rule"] ?? "")" }
            for expected in [
                "items.csv:3:name|required", "items.csv:4:kind|one-of", "boms.csv:2:item|not-made", "boms.csv:2:component|unknown-reference",
            ] {
                #expect(errors.contains(expected), "\(expected) not in \(errors)")
            }
            #expect(await s.engine.committedSequence == before, "a refused import appended events")
            #expect(await s.engine.read { $0.items["NEW-1"] } == nil, "the good row of a refused import was applied")

            // One text/csv file with its kind in the query.
            let single = try await s.send(.POST, "/api/v1/imports?kind=items", body: nil, headers: [("Content-Type", "text/csv")])
            #expect(single.status == 400)
            let ok = try await s.connection.send(
                .POST,
                "/api/v1/imports?kind=items",
                headers: [("Authorization", "Bearer \(TestServer.adminToken)"), ("Content-Type", "text/csv")],
                body: Data("id,name,kind,unit\nNEW-1,A good new item,purchased,ea\n".utf8)
            )
            #expect(ok.status == 201, "\(ok.text)")
            #expect(await s.engine.read { $0.items["NEW-1"]?.name } == "A good new item")
        }
    }

    @Test("Roles: a planner imports and exports orders but not master data; an operator neither; templates for everyone; unknown kinds 404")
    func roles() async throws {
        try await TestServer.run(demo: true) { s in
            let planner = try await issueToken(s, for: "planner")
            let op = try await issueToken(s, for: "op-anna")
            #expect(try await s.send(.GET, "/api/v1/exports/sales-orders.csv", token: planner).status == 200)
            #expect(try await s.send(.GET, "/api/v1/exports/items.csv", token: planner).status == 403)
            #expect(try await s.send(.GET, "/api/v1/exports/sales-orders.csv", token: op).status == 403)
            #expect(try await s.send(.GET, "/api/v1/exports/nothing.csv").status == 404)
            let items = try Self.json([("items.csv", "id,name,kind\nX-1,X,purchased\n")])
            #expect(try await s.send(.POST, "/api/v1/imports", token: planner, body: items).status == 403)
            #expect(try await s.send(.POST, "/api/v1/imports", token: op, body: items).status == 403)
            let template = try await s.send(.GET, "/api/v1/imports/templates/boms.csv", token: op)
            #expect(template.status == 200)
            #expect(template.text == "bom,item,component,quantity,unit,substitutes,operation\n")
        }
    }

    @Test("An all-or-nothing batch with one refused command applies none of them")
    func atomicBatch() async throws {
        try await TestServer.run(demo: false) { s in
            let before = await s.engine.committedSequence
            let results = await s.engine.submitAtomically([
                CommandEnvelope(command: .defineSkill(Skill(id: "ok", name: "Fine")), actor: .system),
                CommandEnvelope(command: .defineSkill(Skill(id: "", name: "Bad")), actor: .system),
            ])
            #expect(results.count == 2)
            if case .failure(let e) = results[0] { #expect(e is AtomicBatchRefused) } else { Issue.record("the good command was applied") }
            if case .failure(let e) = results[1] { #expect(e is DomainError) } else { Issue.record("the bad command was accepted") }
            #expect(await s.engine.committedSequence == before)
            #expect(await s.engine.read { $0.skills["ok"] } == nil)
            let good = await s.engine.submitAtomically([
                CommandEnvelope(command: .defineSkill(Skill(id: "a", name: "A")), actor: .system),
                CommandEnvelope(command: .defineSkill(Skill(id: "b", name: "B")), actor: .system),
            ])
            #expect(good.allSatisfy { (try? $0.get()) != nil })
            #expect(await s.engine.committedSequence == before + 2)
        }
    }
}
