import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import TaktService
import TaktTestSupport
import Testing

@testable import TaktApp
@testable import TaktCore
@testable import TaktEngine
@testable import TaktHTTP

/// A small plant defined through the API: one site, a lathe, a part with a routing.
func definePlant(_ s: TestServer) async throws {
    for (path, body) in [
        ("/api/v1/sites", #"{"id":"P1","name":"Plant 1","timeZone":"Europe/Berlin"}"#),
        ("/api/v1/skills", #"{"id":"turning","name":"CNC turning"}"#),
        (
            "/api/v1/work-centers",
            #"{"id":"LATHE-1","name":"Lathe 1","site":"P1","kind":"machining","capacity":1,"shifts":[{"name":"Early","days":[1,2,3,4,5],"start":"06:00","end":"14:00"}],"plannedDowntime":[],"setupFamilies":["small"],"defaultChangeoverMinutes":20,"setupTransitions":[]}"#
        ),
        (
            "/api/v1/work-centers",
            #"{"id":"LATHE-2","name":"Lathe 2","site":"P1","kind":"machining","capacity":1,"shifts":[],"plannedDowntime":[],"setupFamilies":["small"],"defaultChangeoverMinutes":0,"setupTransitions":[]}"#
        ),
        ("/api/v1/items", #"{"id":"BAR-40","name":"Bar stock 40 mm","kind":"purchased","unit":"m"}"#),
        ("/api/v1/items", #"{"id":"SHAFT-40","name":"Pump shaft 40","kind":"semi-finished","unit":"ea"}"#),
        ("/api/v1/boms", #"{"id":"BOM-SHAFT-40","item":"SHAFT-40","components":[{"item":"BAR-40","quantity":0.5,"substitutes":[]}]}"#),
        (
            "/api/v1/routings",
            #"{"id":"RT-SHAFT-40","item":"SHAFT-40","operations":[{"sequence":10,"name":"Turn","workCenters":[{"workCenter":"LATHE-1","setupMinutes":30,"runMinutesPerUnit":4},{"workCenter":"LATHE-2","setupMinutes":45,"runMinutesPerUnit":5}],"requiredSkill":"turning","setupFamily":"small"}]}"#
        ),
        ("/api/v1/locations", #"{"id":"STORE","name":"Main store","site":"P1","kind":"store"}"#),
        ("/api/v1/customers", #"{"id":"ACME","name":"Acme Water","priority":1}"#),
    ] {
        let reply = try await s.send(.POST, path, body: body)
        #expect(reply.status == 201, "\(path): \(reply.text)")
    }
}

/// Creates a user with roles and returns a fresh token secret for them.
func userToken(_ s: TestServer, id: String, roles: [String]) async throws -> String {
    let roleList = roles.map { "\"\($0)\"" }.joined(separator: ",")
    let created = try await s.send(
        .POST,
        "/api/v1/users",
        body: #"{"id":"\#(id)","name":"\#(id)","roles":[\#(roleList)],"certifications":[],"active":true}"#
    )
    #expect(created.status == 201, "\(created.text)")
    let issued = try await s.send(.POST, "/api/v1/users/\(id)/tokens", body: #"{"label":"test"}"#)
    #expect(issued.status == 201, "\(issued.text)")
    return try #require(try issued.json()["secret"] as? String)
}

func eventCount(_ s: TestServer) async -> Int64 { await s.engine.committedSequence }

@Suite("HTTP API through the real server and a real SQLite file")
struct APITests {
    @Test("A planner's plant model is written and read back, paged and filtered")
    func plantModelRoundTrip() async throws {
        try await TestServer.run { s in
            try await definePlant(s)
            let wc = try await s.send(.GET, "/api/v1/work-centers/LATHE-1")
            #expect(wc.status == 200)
            #expect(try wc.json()["defaultChangeoverMinutes"] as? Double == 20)

            let page1 = try await s.send(.GET, "/api/v1/work-centers?kind=machining&limit=1")
            let p1 = try page1.json()
            #expect((p1["items"] as? [[String: Any]])?.first?["id"] as? String == "LATHE-1")
            #expect(p1["total"] as? Int == 2)
            #expect(p1["next"] as? String == "LATHE-1")
            let page2 = try await s.send(.GET, "/api/v1/work-centers?kind=machining&limit=1&after=LATHE-1").json()
            #expect((page2["items"] as? [[String: Any]])?.first?["id"] as? String == "LATHE-2")
            #expect(page2["next"] is NSNull)
            let none = try await s.send(.GET, "/api/v1/work-centers?kind=paint").json()
            #expect(none["total"] as? Int == 0)

            // Replace with PUT; the path and body IDs must agree.
            let put = try await s.send(
                .PUT,
                "/api/v1/items/SHAFT-40",
                body: #"{"id":"SHAFT-40","name":"Pump shaft 40 mm","kind":"semi-finished","unit":"ea"}"#
            )
            #expect(put.status == 200)
            #expect(try await s.send(.GET, "/api/v1/items/SHAFT-40").json()["name"] as? String == "Pump shaft 40 mm")
            let mismatch = try await s.send(.PUT, "/api/v1/items/SHAFT-40", body: #"{"id":"OTHER","name":"x","kind":"finished","unit":"ea"}"#)
            #expect(mismatch.status == 400)
            #expect(mismatch.text.contains("path-mismatch"))
            let dup = try await s.send(.POST, "/api/v1/items", body: #"{"id":"SHAFT-40","name":"again","kind":"finished","unit":"ea"}"#)
            #expect(dup.status == 409)
            let missing = try await s.send(.GET, "/api/v1/items/NOPE")
            #expect(missing.status == 404)
            #expect(missing.headers.first(name: "Content-Type") == "application/problem+json")
        }
    }

    @Test("A production order goes planned → released → in progress → completed; a second completion is refused")
    func productionOrderLifecycle() async throws {
        try await TestServer.run { s in
            try await definePlant(s)
            let created = try await s.send(.POST, "/api/v1/production-orders", body: #"{"item":"SHAFT-40","quantity":120,"dueDate":"2026-12-04"}"#)
            #expect(created.status == 201)
            let order = try created.json()
            #expect(order["id"] as? String == "PO-000001")
            #expect(order["routing"] as? String == "RT-SHAFT-40")
            #expect(order["status"] as? String == "planned")
            for verb in ["release", "start", "complete"] {
                let r = try await s.send(.POST, "/api/v1/production-orders/PO-000001/\(verb)")
                #expect(r.status == 200, "\(verb): \(r.text)")
            }
            #expect(try await s.send(.GET, "/api/v1/production-orders/PO-000001").json()["status"] as? String == "completed")
            let again = try await s.send(.POST, "/api/v1/production-orders/PO-000001/complete")
            #expect(again.status == 409)
            let problem = try again.json()
            #expect(problem["type"] as? String == "urn:takt:problem:conflict")
            #expect((problem["detail"] as? String)?.contains("it is completed") == true)
            let listed = try await s.send(.GET, "/api/v1/production-orders?status=completed").json()
            #expect(listed["total"] as? Int == 1)
        }
    }

    @Test("Without a valid token every protected route answers 401 problem+json (429 once the client has sent too many bad tokens)")
    func everyProtectedRouteNeedsAToken() async throws {
        try await TestServer.run { s in
            var badTokens = 0
            let api = TaktAPI(service: PlantService(engine: s.engine), logger: .init(label: "t"), version: "t")
            var checked = 0
            for route in api.routes where route.requiresAuth {
                let path = route.path.replacingOccurrences(of: "{id}", with: "X").replacingOccurrences(of: "{line}", with: "1")
                    .replacingOccurrences(of: "{token}", with: "T")
                let method = HTTPMethod(rawValue: route.method.rawValue)
                let none = try await s.send(method, path, token: nil, body: "{}")
                #expect(none.status == 401, "\(route.method) \(path) without token: \(none.status)")
                #expect(none.headers.first(name: "Content-Type") == "application/problem+json")
                #expect(none.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)
                let wrong = try await s.send(method, path, token: "not-a-token", body: "{}")
                badTokens += 1
                // The throttle (AuthThrottle's default policy): five bad tokens are answered 401, then the client waits.
                if badTokens <= 5 {
                    #expect(wrong.status == 401, "\(route.method) \(path) with a bad token: \(wrong.status)")
                } else {
                    #expect(wrong.status == 401 || wrong.status == 429, "\(route.method) \(path) with a bad token: \(wrong.status)")
                }
                #expect(wrong.headers.first(name: "Content-Type") == "application/problem+json")
                checked += 1
            }
            #expect(checked > 30)
            #expect(try await s.send(.GET, "/healthz", token: nil).status == 200)
            #expect(try await s.send(.GET, "/api/v1/openapi.json", token: nil).status == 200)
        }
    }

    @Test("Roles decide: an operator may not define items (403 names the roles), a planner may; only admins list tokens of others")
    func rolesAreEnforced() async throws {
        try await TestServer.run { s in
            let operatorToken = try await userToken(s, id: "op-anna", roles: ["operator"])
            let plannerToken = try await userToken(s, id: "pat", roles: ["planner"])
            let before = await eventCount(s)
            let refused = try await s.send(
                .POST,
                "/api/v1/items",
                token: operatorToken,
                body: #"{"id":"X","name":"x","kind":"finished","unit":"ea"}"#
            )
            #expect(refused.status == 403)
            let problem = try refused.json()
            #expect(problem["type"] as? String == "urn:takt:problem:forbidden")
            #expect((problem["detail"] as? String)?.contains("admin, planner") == true)
            #expect(await eventCount(s) == before)
            let allowed = try await s.send(.POST, "/api/v1/items", token: plannerToken, body: #"{"id":"X","name":"x","kind":"finished","unit":"ea"}"#)
            #expect(allowed.status == 201)
            #expect(try await s.send(.GET, "/api/v1/users", token: operatorToken).status == 403)
            #expect(try await s.send(.GET, "/api/v1/users/pat/tokens", token: operatorToken).status == 403)
            #expect(try await s.send(.GET, "/api/v1/users/op-anna/tokens", token: operatorToken).status == 200)
            let me = try await s.send(.GET, "/api/v1/users/me", token: operatorToken).json()
            #expect(me["id"] as? String == "op-anna")
            // Another user's token may not be issued by a non-admin.
            #expect(try await s.send(.POST, "/api/v1/users/pat/tokens", token: operatorToken, body: #"{"label":"x"}"#).status == 403)
        }
    }

    @Test("A revoked token is refused from then on")
    func revokedTokenIsRefused() async throws {
        try await TestServer.run { s in
            let token = try await userToken(s, id: "sam", roles: ["sales"])
            #expect(try await s.send(.GET, "/api/v1/customers", token: token).status == 200)
            let tokens = try await s.send(.GET, "/api/v1/users/sam/tokens").json()
            let id = try #require((tokens["items"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await s.send(.DELETE, "/api/v1/users/sam/tokens/\(id)").status == 200)
            #expect(try await s.send(.GET, "/api/v1/customers", token: token).status == 401)
        }
    }

    @Test("A routing with an unknown work center and an operation without one is refused naming each field; nothing is applied")
    func invalidRoutingIsRefusedWhole() async throws {
        try await TestServer.run { s in
            try await definePlant(s)
            let before = await eventCount(s)
            let reply = try await s.send(
                .POST,
                "/api/v1/routings",
                body: #"""
                    {"id":"RT-BAD","item":"SHAFT-40","operations":[
                      {"sequence":10,"name":"Turn","workCenters":[{"workCenter":"LATHE-9","setupMinutes":10,"runMinutesPerUnit":2}]},
                      {"sequence":20,"name":"Deburr","workCenters":[]}]}
                    """#
            )
            #expect(reply.status == 422)
            #expect(reply.headers.first(name: "Content-Type") == "application/problem+json")
            let problem = try reply.json()
            let errors = try #require(problem["errors"] as? [[String: Any]])
            let pairs = Set(errors.map { "\($0["field"] ?? "")|\($0["rule"] ?? "")" })
            #expect(pairs.contains("operations[0].workCenters[0].workCenter|unknown-reference"))
            #expect(pairs.contains("operations[1].workCenters|required"))
            #expect(problem["status"] as? Int == 422)
            #expect(problem["instance"] as? String == "/api/v1/routings")
            #expect(problem["requestId"] is String)
            #expect(await eventCount(s) == before)
            #expect(try await s.send(.GET, "/api/v1/routings/RT-BAD").status == 404)
        }
    }

    @Test("Malformed bodies get 400 naming the field: bad JSON, a missing field, a wrong type, a bad date, an unknown enum value")
    func malformedBodies() async throws {
        try await TestServer.run { s in
            try await definePlant(s)
            let cases: [(String, String, String)] = [
                (#"{"item":"SHAFT-40","quantity":5"#, "(body)", "json"),
                (#"{"item":"SHAFT-40","dueDate":"2026-12-01"}"#, "quantity", "required"),
                (#"{"item":"SHAFT-40","quantity":"five","dueDate":"2026-12-01"}"#, "quantity", "type"),
                (#"{"item":"SHAFT-40","quantity":5,"dueDate":"next friday"}"#, "dueDate", "invalid-value"),
                (#"{"item":"SHAFT-40","quantity":5,"dueDate":"2026-12-01","pegging":{"salesOrder":"SO-1"}}"#, "pegging.line", "required"),
            ]
            for (body, field, rule) in cases {
                let reply = try await s.send(.POST, "/api/v1/production-orders", body: body)
                #expect(reply.status == 400, "\(body): \(reply.text)")
                let errors = try #require(try reply.json()["errors"] as? [[String: Any]])
                #expect(errors.first?["field"] as? String == field, "\(body): \(reply.text)")
                #expect(errors.first?["rule"] as? String == rule, "\(body): \(reply.text)")
            }
            let badEnum = try await s.send(.POST, "/api/v1/items", body: #"{"id":"Y","name":"y","kind":"gadget","unit":"ea"}"#)
            #expect(badEnum.status == 400)
            #expect(badEnum.text.contains("kind"))
            let negative = try await s.send(.POST, "/api/v1/production-orders", body: #"{"item":"SHAFT-40","quantity":-3,"dueDate":"2026-12-01"}"#)
            #expect(negative.status == 422)
            #expect(negative.text.contains("\"rule\":\"positive\""))
            let badFilter = try await s.send(.GET, "/api/v1/lots?colour=red")
            #expect(badFilter.status == 400)
            #expect(badFilter.text.contains("colour"))
            #expect(try await s.send(.GET, "/api/v1/lots?limit=0").status == 400)
            #expect(try await s.send(.GET, "/api/v1/events?after=-1").status == 400)
        }
    }

    @Test("A command repeated with the same Idempotency-Key is applied once and answers the same; another body with that key is refused")
    func idempotentCommands() async throws {
        try await TestServer.run { s in
            try await definePlant(s)
            let body = #"{"item":"SHAFT-40","quantity":40,"dueDate":"2026-12-04"}"#
            let first = try await s.send(.POST, "/api/v1/production-orders", body: body, headers: [("Idempotency-Key", "order-4711")])
            let count = await eventCount(s)
            let second = try await s.send(.POST, "/api/v1/production-orders", body: body, headers: [("Idempotency-Key", "order-4711")])
            #expect(first.status == 201)
            #expect(second.status == 200)
            #expect(second.headers.first(name: "Idempotent-Replayed") == "true")
            #expect(first.body == second.body)
            #expect(await eventCount(s) == count)
            let other = try await s.send(
                .POST,
                "/api/v1/production-orders",
                body: #"{"item":"SHAFT-40","quantity":41,"dueDate":"2026-12-04"}"#,
                headers: [("Idempotency-Key", "order-4711")]
            )
            #expect(other.status == 409)
            #expect(other.text.contains("idempotency-key-reused"))
            let list = try await s.send(.GET, "/api/v1/production-orders").json()
            #expect(list["total"] as? Int == 1)
        }
    }

    @Test("A batch of commands commits the valid ones together and reports the invalid one by position")
    func batchOfCommands() async throws {
        try await TestServer.run { s in
            try await definePlant(s)
            let reply = try await s.send(
                .POST,
                "/api/v1/commands/batch",
                body: #"""
                    {"commands":[
                      {"type":"defineItem","data":{"id":"SEAL-1","name":"Mechanical seal","kind":"purchased","unit":"ea"}},
                      {"type":"createLot","data":{"id":"L-1","item":"SEAL-1","quantity":50,"location":"STORE","supplierLot":"S-881"}},
                      {"type":"createLot","data":{"id":"L-2","item":"SEAL-1","quantity":50,"location":"STORE"}},
                      {"type":"moveLot","data":{"lot":"L-1","to":"NOWHERE"}}
                    ]}
                    """#
            )
            #expect(reply.status == 200, "\(reply.text)")
            let json = try reply.json()
            #expect(json["accepted"] as? Int == 2)
            #expect(json["rejected"] as? Int == 2)
            let results = try #require(json["results"] as? [[String: Any]])
            #expect(results.map { $0["ok"] as? Bool } == [true, true, false, false])
            #expect((results[2]["problem"] as? [String: Any]).map { "\($0)" }?.contains("supplierLot") == true)
            #expect(try await s.send(.GET, "/api/v1/lots/L-1").status == 200)
            #expect(try await s.send(.GET, "/api/v1/lots/L-2").status == 404)
            let generic = try await s.send(.POST, "/api/v1/commands", body: #"{"type":"holdEverything","data":{}}"#)
            #expect(generic.status == 400)
            #expect(generic.text.contains("unknown command type"))
        }
    }

    @Test("The event log pages by sequence and records the actor and correlation of every event")
    func eventLogPaging() async throws {
        try await TestServer.run { s in
            try await definePlant(s)
            let first = try await s.send(.GET, "/api/v1/events?limit=3").json()
            let events = try #require(first["events"] as? [[String: Any]])
            #expect(events.map { $0["sequence"] as? Int } == [1, 2, 3])
            #expect(events[0]["type"] as? String == "userCreated")
            #expect(events[0]["actor"] as? String == "system")
            #expect(first["next"] as? Int == 3)
            let rest = try await s.send(.GET, "/api/v1/events?after=3&limit=1000").json()
            let more = try #require(rest["events"] as? [[String: Any]])
            #expect(more.first?["sequence"] as? Int == 4)
            #expect(more.contains { $0["type"] as? String == "routingDefined" && $0["actor"] as? String == "admin" })
            #expect(Int64(more.last?["sequence"] as? Int ?? 0) == rest["lastSequence"] as? Int64 ?? Int64(rest["lastSequence"] as? Int ?? -1))
            let correlated = try await s.send(
                .POST,
                "/api/v1/customers",
                body: #"{"id":"BETA","name":"Beta Pumps","priority":2}"#,
                headers: [("X-Correlation-ID", "ticket-88")]
            )
            #expect(correlated.headers.first(name: "X-Correlation-ID") == "ticket-88")
            let last = try await s.send(.GET, "/api/v1/events?after=\(await eventCount(s) - 1)").json()
            #expect((last["events"] as? [[String: Any]])?.first?["correlationId"] as? String == "ticket-88")
        }
    }

    @Test("The live event stream sends new events as they happen and resumes after Last-Event-ID")
    func serverSentEvents() async throws {
        try await TestServer.run(transport: .live) { s in
            try await definePlant(s)
            let start = await eventCount(s)
            var request = HTTPClientRequest(url: s.baseURL + "/api/v1/events/stream")
            request.headers.add(name: "Authorization", value: "Bearer \(TestServer.adminToken)")
            request.headers.add(name: "Last-Event-ID", value: String(start - 1))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
            #expect(response.status.code == 200)
            #expect(response.headers.first(name: "Content-Type") == "text/event-stream")
            // Commit two events while the stream is open.
            _ = try await s.send(.POST, "/api/v1/customers", body: #"{"id":"GAMMA","name":"Gamma","priority":3}"#)
            _ = try await s.send(.POST, "/api/v1/customers", body: #"{"id":"DELTA","name":"Delta","priority":3}"#)
            var text = ""
            var ids: [Int64] = []
            for try await chunk in response.body {
                text += String(buffer: chunk)
                ids = text.split(separator: "\n").compactMap { $0.hasPrefix("id: ") ? Int64($0.dropFirst(4)) : nil }
                if ids.count >= 3 && text.hasSuffix("\n\n") { break }  // the third message arrived whole
            }
            #expect(ids == [start, start + 1, start + 2])
            #expect(text.contains("event: customerDefined"))
            #expect(text.contains("\"id\":\"DELTA\""))
        }
    }

    @Test("The demo plant is served: released orders, work centers with shifts, purchased lots with supplier lots")
    func demoPlantIsServed() async throws {
        try await TestServer.run(demo: true) { s in
            let released = try await s.send(.GET, "/api/v1/production-orders?status=released").json()
            #expect((released["total"] as? Int ?? 0) > 0)
            let wcs = try await s.send(.GET, "/api/v1/work-centers?limit=500").json()
            #expect((wcs["total"] as? Int ?? 0) >= 9)
            let lots = try await s.send(.GET, "/api/v1/lots?limit=500").json()
            let items = try #require(lots["items"] as? [[String: Any]])
            #expect(items.contains { $0["supplierLot"] is String })
            let health = try await s.send(.GET, "/healthz", token: nil).json()
            #expect((health["sequence"] as? Int ?? 0) > 100)
        }
    }

    @Test("Live state survives a restart: the same database serves the same plant")
    func restartKeepsState() async throws {
        let path = TestServer.temporaryDatabasePath()
        let before: String = try await TestServer.run(databasePath: path) { s in
            try await definePlant(s)
            return try await s.send(.GET, "/api/v1/routings/RT-SHAFT-40").text
        }
        try await TestServer.run(databasePath: path) { s in
            #expect(try await s.send(.GET, "/api/v1/routings/RT-SHAFT-40").text == before)
            let live = await s.engine.read { $0 }
            var replayed = PlantState()
            try await Engine.replay(store: s.engine.store, into: &replayed)
            #expect(replayed == live)
        }
    }
}
