import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktStore
import TaktStoreSQLite
import TaktTestSupport
import Testing

/// Hostile values through the real server: refused with the field and the rule, and the server stays up.
@Suite("Hostile values over HTTP")
struct HostileValueHTTPTests {
    /// The violations of a problem answer, as (field, rule).
    static func violations(_ reply: TestServer.Reply) throws -> [(field: String, rule: String)] {
        let errors = try #require(try reply.json()["errors"] as? [[String: Any]], "no errors: \(reply.text)")
        return errors.compactMap { e in (e["field"] as? String).map { ($0, e["rule"] as? String ?? "") } }
    }

    /// A finished item of the demo plant that has a routing.
    static func madeItem(_ s: TestServer) async throws -> String {
        try #require(
            await s.engine.read { st in
                st.items.values.filter { $0.kind == .finished }.map(\.id.rawValue).sorted().first { id in
                    st.routings.values.contains { $0.item.rawValue == id }
                }
            }
        )
    }

    @Test(
        "A promise for 1e308 units and a production order of 1e308 are answered 422 naming quantity; the server stays up and still schedules and promises"
    )
    func hugeQuantity() async throws {
        try await TestServer.run(demo: true) { s in
            let item = try await Self.madeItem(s)
            let promise = try await s.send(.POST, "/api/v1/schedule/promise", body: #"{"item":"\#(item)","quantity":1e308}"#)
            #expect(promise.status == 422, "\(promise.text)")
            #expect(try Self.violations(promise).contains { $0 == ("quantity", "maximum") })
            #expect(try await s.send(.GET, "/healthz", token: nil).status == 200, "the server is still up")

            let before = await s.engine.committedSequence
            for (quantity, rule) in [("1e308", "maximum"), ("1e-300", "resolution"), ("0.0000001", "resolution")] {
                let order = try await s.send(
                    .POST,
                    "/api/v1/production-orders",
                    body: #"{"item":"\#(item)","quantity":\#(quantity),"dueDate":"2026-12-20"}"#
                )
                #expect(order.status == 422, "\(quantity): \(order.text)")
                #expect(try Self.violations(order).contains { $0 == ("quantity", rule) }, "\(quantity): \(order.text)")
            }
            #expect(await s.engine.committedSequence == before, "nothing was stored")
            #expect(try await s.send(.GET, "/healthz", token: nil).status == 200)
            #expect(try await s.send(.POST, "/api/v1/schedule/runs", body: #"{"iterations": 50}"#).status == 201)
            #expect(try await s.send(.POST, "/api/v1/schedule/promise", body: #"{"item":"\#(item)","quantity":5}"#).status == 200)
        }
    }

    @Test("dueDate 2026-02-30 and year 0001 are refused naming dueDate; a NUL byte in a name is refused naming name")
    func lenientInput() async throws {
        try await TestServer.run(demo: true) { s in
            let item = try await Self.madeItem(s)
            let before = await s.engine.committedSequence
            let feb30 = try await s.send(.POST, "/api/v1/production-orders", body: #"{"item":"\#(item)","quantity":2,"dueDate":"2026-02-30"}"#)
            #expect(feb30.status == 400, "\(feb30.text)")
            #expect(try Self.violations(feb30).contains { $0.field == "dueDate" }, "\(feb30.text)")
            #expect(feb30.text.contains("2026-02-30"))

            let year1 = try await s.send(.POST, "/api/v1/production-orders", body: #"{"item":"\#(item)","quantity":2,"dueDate":"0001-01-01"}"#)
            #expect(year1.status == 422, "\(year1.text)")
            #expect(try Self.violations(year1).contains { $0 == ("dueDate", "date-range") }, "\(year1.text)")

            let nul = try await s.send(.POST, "/api/v1/items", body: #"{"id":"NUL-1","name":"Pump\u0000 50","kind":"finished","unit":"ea"}"#)
            #expect(nul.status == 422, "\(nul.text)")
            #expect(try Self.violations(nul).contains { $0 == ("name", "control-character") }, "\(nul.text)")
            #expect(await s.engine.committedSequence == before, "nothing was stored")
        }
    }

    @Test("A plant whose log already holds an order of 1e308 units (written by an older server) restarts, schedules and promises")
    func oldLogWithHugeOrder() async throws {
        let path = TestServer.temporaryDatabasePath()
        let (item, template) = try await TestServer.run(demo: true, databasePath: path) { s in
            let item = try await Self.madeItem(s)
            let template = try #require(
                await s.engine.read { st in
                    st.productionOrders.values.filter { $0.status == .planned }.min { $0.id < $1.id }
                }
            )
            return (item, template)
        }
        // What an older server accepted, appended to the log directly.
        let store = try SQLiteEventStore(path: path)
        for (id, quantity) in [("PO-OLD-HUGE", 1e308), ("PO-OLD-TINY", 1e-300)] {
            let order = ProductionOrder(
                id: .init(id),
                item: template.item,
                quantity: quantity,
                routing: template.routing,
                dueDate: template.dueDate,
                createdAt: template.createdAt
            )
            let event = Event.productionOrderCreated(order)
            let last = try await store.lastSequence()
            _ = try await store.append(
                [
                    CommandRecord(
                        actor: "admin",
                        idempotencyKey: nil,
                        requestDigest: "old-server-\(id)",
                        correlationID: "old-\(id)",
                        recordedAt: template.createdAt,
                        events: [NewEvent(type: event.typeName, payload: try event.encodePayload(TaktJSON.encoder))]
                    )
                ],
                expectedLastSequence: last
            )
        }
        try await TestServer.run(databasePath: path) { s in
            #expect(try await s.send(.GET, "/healthz", token: nil).status == 200)
            #expect(await s.engine.read { $0.productionOrders["PO-OLD-HUGE"]?.quantity } == 1e308, "the old order was replayed")
            let run = try await s.send(.POST, "/api/v1/schedule/runs", body: #"{"iterations": 50}"#)
            #expect(run.status == 201, "\(run.text.prefix(500))")
            #expect(run.text.contains("PO-OLD-HUGE"), "the huge order is planned (at the end), not dropped")
            let promise = try await s.send(.POST, "/api/v1/schedule/promise", body: #"{"item":"\#(item)","quantity":5}"#)
            #expect(promise.status == 200, "\(promise.text.prefix(500))")
            #expect(try await s.send(.GET, "/healthz", token: nil).status == 200)
        }
    }
}
