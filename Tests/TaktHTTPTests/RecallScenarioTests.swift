import Foundation
import NIOHTTP1
import TaktEngine
import TaktTestSupport
import Testing

@testable import TaktCore

/// Warehouse and quality end to end on the demo plant, through the real server: a new pump PX-100 made from a
/// housing HX-100 milled from a purchased casting CX-100, so every quantity below can be worked by hand.
/// Warehouse and quality actions go through `POST /api/v1/commands` (the way an integration sends them);
/// shop-floor actions through the operation routes.
@Suite("Warehouse and quality, end to end")
struct RecallScenarioTests {
    static let morning = Date(timeIntervalSince1970: 1_795_582_800)  // Wed 25 Nov 2026, 06:00 in Neustadt

    @Test(
        "A casting lot is received, staged and milled; the first piece fails its inspection and opens a nonconformance; the supplier recalls the lot: the hold reaches the finished pumps and stops their shipment; the nonconformance is dispositioned, quality releases the hold, and the pumps ship to the customer"
    )
    func supplierRecall() async throws {
        let clock = TestClock(Self.morning)
        try await TestServer.run(demo: true, clock: clock) { s in
            let t = try await People(s)
            try await definePumpX(s)

            // Receipt: 10 castings with the supplier's lot and delivery note; then into the store.
            let received = try await command(
                s,
                t.warehouse,
                "receiveLot",
                #"{"id":"CX-LOT-1","item":"CX-100","quantity":10,"location":"LOC-RECEIVING","supplier":"Giesserei Sauerland GmbH","supplierLot":"GS-2611-0042","deliveryNote":"LS-88123"}"#
            )
            #expect(types(received) == ["lotReceived"])
            try await command(s, t.warehouse, "moveLot", #"{"lot":"CX-LOT-1","to":"LOC-STORE"}"#)

            // Release reserves 4 castings and asks the warehouse to stage them at the mill.
            try await command(s, t.planner, "createProductionOrder", #"{"id":"PO-HX-1","item":"HX-100","quantity":4,"dueDate":"2026-11-27"}"#)
            let release = try await ok(s.send(.POST, "/api/v1/production-orders/PO-HX-1/release", token: t.planner))
            let reservation = try #require(data(release, "lotReserved"))
            #expect(reservation["lot"] as? String == "CX-LOT-1")
            #expect(reservation["quantity"] as? Double == 4)
            let task = try #require(data(release, "stagingTaskCreated")?["id"] as? String)
            try await command(s, t.warehouse, "pickStagingTask", #"{"stagingTask":"\#(task)"}"#)
            let staged = try await command(s, t.warehouse, "confirmStagingTask", #"{"stagingTask":"\#(task)"}"#)
            #expect(types(staged) == ["lotMoved", "stagingTaskConfirmed"])
            #expect(await s.engine.read { $0.lots["CX-LOT-1"]?.location } == "LS-MILL-1")

            // Anna mills: the staged castings let her start; she consumes 4.
            let op = "/api/v1/production-orders/PO-HX-1/operations/10"
            try await ok(s.send(.POST, "/api/v1/work-centers/WC-MILL-1/clock-in", token: t.anna))
            try await ok(s.send(.POST, op + "/start", token: t.anna))
            try await ok(s.send(.POST, op + "/consume", token: t.anna, body: #"{"lot":"CX-LOT-1","quantity":4}"#))
            clock.advance(minutes: 30)

            // First piece: the bore is 52.09 mm against 52.00–52.05: the result fails and opens a nonconformance.
            let incomplete = try await s.send(
                .POST,
                "/api/v1/commands",
                token: t.quality,
                body: #"{"type":"recordInspectionResult","data":{"plan":"IP-HX-10","productionOrder":"PO-HX-1","operation":10,"measurements":[]}}"#
            )
            #expect(incomplete.status == 422, "\(incomplete.text)")
            #expect(incomplete.text.contains("bore"))
            let failed = try await command(
                s,
                t.quality,
                "recordInspectionResult",
                #"{"plan":"IP-HX-10","productionOrder":"PO-HX-1","operation":10,"measurements":[{"characteristic":"bore","value":52.09}]}"#
            )
            #expect(types(failed) == ["inspectionResultRecorded", "nonconformanceOpened"])
            #expect(data(failed, "inspectionResultRecorded")?["passed"] as? Bool == false)
            let nc = try #require(data(failed, "nonconformanceOpened")?["id"] as? String)

            // The tool is corrected; the next first piece passes, Anna completes and books the housings.
            let passed = try await command(
                s,
                t.quality,
                "recordInspectionResult",
                #"{"plan":"IP-HX-10","productionOrder":"PO-HX-1","operation":10,"measurements":[{"characteristic":"bore","value":52.02}]}"#
            )
            #expect(data(passed, "inspectionResultRecorded")?["passed"] as? Bool == true)
            clock.advance(minutes: 60)
            try await ok(s.send(.POST, op + "/produce", token: t.anna, body: #"{"lot":"HX-LOT-1","quantity":4,"location":"LOC-STORE"}"#))
            let done = try await ok(s.send(.POST, op + "/complete", token: t.anna, body: #"{"good":4}"#))
            #expect(types(done).last == "productionOrderCompleted")
            try await ok(s.send(.POST, "/api/v1/clock-out", token: t.anna))

            // Carla assembles 2 pumps from the housings and books them at the shipping dock.
            try await command(s, t.planner, "createProductionOrder", #"{"id":"PO-PX-1","item":"PX-100","quantity":2,"dueDate":"2026-11-27"}"#)
            let pumpRelease = try await ok(s.send(.POST, "/api/v1/production-orders/PO-PX-1/release", token: t.planner))
            let pumpTask = try #require(data(pumpRelease, "stagingTaskCreated")?["id"] as? String)
            try await command(s, t.warehouse, "confirmStagingTask", #"{"stagingTask":"\#(pumpTask)"}"#)
            let assy = "/api/v1/production-orders/PO-PX-1/operations/10"
            try await ok(s.send(.POST, "/api/v1/work-centers/WC-ASSY-1/clock-in", token: t.carla))
            try await ok(s.send(.POST, assy + "/start", token: t.carla))
            try await ok(s.send(.POST, assy + "/consume", token: t.carla, body: #"{"lot":"HX-LOT-1","quantity":2}"#))
            clock.advance(minutes: 50)
            try await ok(s.send(.POST, assy + "/produce", token: t.carla, body: #"{"lot":"PX-LOT-1","quantity":2,"location":"LOC-SHIPPING"}"#))
            try await ok(s.send(.POST, assy + "/complete", token: t.carla, body: #"{"good":2}"#))
            try await ok(
                s.send(
                    .POST,
                    "/api/v1/sales-orders",
                    token: t.planner,
                    body: #"{"id":"SO-PX-1","customer":"CUST-0001","lines":[{"line":1,"item":"PX-100","quantity":2,"requestedDate":"2026-11-30"}]}"#
                )
            )

            // The supplier recalls lot GS-2611-0042: the hold reaches the castings beside the mill, the housings
            // left in the store and the pumps at the dock.
            let hold = try await command(
                s,
                t.quality,
                "placeHold",
                #"{"supplier":"Giesserei Sauerland GmbH","supplierLot":"GS-2611-0042","reason":"Supplier recall: porosity in melt 42"}"#
            )
            let placed = try #require(data(hold, "holdPlaced"))
            let held = Set((placed["lots"] as? [[String: Any]] ?? []).compactMap { $0["lot"] as? String })
            #expect(held == ["CX-LOT-1", "HX-LOT-1", "PX-LOT-1"])
            let holdID = try #require(placed["id"] as? String)
            #expect(
                await s.engine.read { st in ["CX-LOT-1", "HX-LOT-1", "PX-LOT-1"].map { st.lots[Lot.ID($0)]?.status } } == [.onHold, .onHold, .onHold]
            )

            // Held pumps cannot ship; held castings cannot be consumed or moved.
            let blocked = try await s.send(
                .POST,
                "/api/v1/commands",
                token: t.warehouse,
                body: #"{"type":"shipLots","data":{"salesOrder":"SO-PX-1","line":1,"lots":["PX-LOT-1"]}}"#
            )
            #expect(blocked.status == 409, "\(blocked.text)")
            #expect(blocked.text.contains("held lots cannot be shipped"))
            let move = try await s.send(.POST, "/api/v1/lots/CX-LOT-1/move", token: t.warehouse, body: #"{"to":"LOC-STORE"}"#)
            #expect(move.status == 409)

            // Disposition of the first-piece nonconformance: quality accepts it as it is.
            try await setPassword(s, for: "quality")
            let disposition = try await command(
                s,
                t.quality,
                "dispositionNonconformance",
                #"{"nonconformance":"\#(nc)","disposition":"use-as-is","reason":"Scrapped first piece was the setup part"}"#,
                signature: signature("approved")
            )
            #expect(types(disposition).contains("nonconformanceClosed"))

            // Only quality releases a hold, with a reason; the lots are available again and the pumps ship.
            let denied = try await s.send(
                .POST,
                "/api/v1/commands",
                token: t.supervisor,
                body: #"{"type":"releaseHold","data":{"hold":"\#(holdID)","reason":"We need the pumps"}}"#
            )
            #expect(denied.status == 403)
            let release2 = try await command(
                s,
                t.quality,
                "releaseHold",
                #"{"hold":"\#(holdID)","reason":"Supplier lab: melt 42 within specification"}"#,
                signature: signature("released")
            )
            #expect(types(release2).contains("holdReleased"))
            #expect(
                await s.engine.read { st in ["CX-LOT-1", "HX-LOT-1", "PX-LOT-1"].map { st.lots[Lot.ID($0)]?.status } } == [
                    .available, .available, .available,
                ]
            )
            let shipped = try await command(s, t.warehouse, "shipLots", #"{"salesOrder":"SO-PX-1","line":1,"lots":["PX-LOT-1"]}"#)
            #expect(types(shipped).contains("lotsShipped"))

            // The genealogy now reaches the customer: a recall of the casting lot names who received the pumps.
            let trace = try await ok(s.send(.GET, "/api/v1/lots/CX-LOT-1/trace?direction=forward", token: t.quality)).json()
            #expect((trace["lots"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["CX-LOT-1", "HX-LOT-1", "PX-LOT-1"])
            let customer = try #require((trace["shipped"] as? [[String: Any]])?.first)
            #expect(customer["customer"] as? String == "CUST-0001")
            #expect(customer["salesOrder"] as? String == "SO-PX-1")
        }
    }

    @Test("A pallet of castings goes missing before staging and a big order would run short: each is an event naming the orders it stops")
    func missingPalletAndShortage() async throws {
        let clock = TestClock(Self.morning)
        try await TestServer.run(demo: true, clock: clock) { s in
            let t = try await People(s)
            try await definePumpX(s)
            try await command(
                s,
                t.warehouse,
                "receiveLot",
                #"{"id":"CX-LOT-2","item":"CX-100","quantity":10,"location":"LOC-RECEIVING","supplier":"Giesserei Sauerland GmbH","supplierLot":"GS-2611-0050","deliveryNote":"LS-88200"}"#
            )
            try await command(s, t.warehouse, "moveLot", #"{"lot":"CX-LOT-2","to":"LOC-STORE"}"#)
            try await command(s, t.warehouse, "createHandlingUnit", #"{"id":"P-1042","kind":"pallet","location":"LOC-STORE","lots":["CX-LOT-2"]}"#)

            // Bad inputs change nothing: an unknown lot, more than the lot holds, moving a pallet that does not exist.
            let unknown = try await s.send(
                .POST,
                "/api/v1/commands",
                token: t.warehouse,
                body: #"{"type":"createHandlingUnit","data":{"id":"P-1043","kind":"pallet","location":"LOC-STORE","lots":["NO-SUCH-LOT"]}}"#
            )
            #expect((400..<500).contains(unknown.status) && unknown.text.contains("NO-SUCH-LOT"), "\(unknown.text)")
            let tooMuch = try await s.send(
                .POST,
                "/api/v1/commands",
                token: t.planner,
                body: #"{"type":"createProductionOrder","data":{"id":"PO-HX-9","item":"HX-100","quantity":-1,"dueDate":"2026-11-27"}}"#
            )
            #expect(tooMuch.status == 422)
            #expect(await s.engine.read { $0.productionOrders["PO-HX-9"] } == nil)

            try await command(s, t.planner, "createProductionOrder", #"{"id":"PO-HX-2","item":"HX-100","quantity":5,"dueDate":"2026-11-27"}"#)
            try await ok(s.send(.POST, "/api/v1/production-orders/PO-HX-2/release", token: t.planner))

            // Where is pallet P-1042? Not where the system says: the warehouse reports it missing.
            let missing = try await command(s, t.warehouse, "reportMaterialMissing", #"{"handlingUnit":"P-1042","note":"Not at rack B-12"}"#)
            let event = try #require(data(missing, "materialMissing"))
            #expect(event["lots"] as? [String] == ["CX-LOT-2"])
            let affected = try #require(event["affected"] as? [[String: Any]])
            #expect(affected.map { $0["productionOrder"] as? String } == ["PO-HX-2"])
            #expect(affected.first?["operation"] as? Int == 10)
            #expect(affected.first?["quantity"] as? Double == 5)

            // A big order for 40 more housings: with the pallet missing there are no castings at all.
            try await command(s, t.planner, "createProductionOrder", #"{"id":"PO-HX-3","item":"HX-100","quantity":40,"dueDate":"2026-12-02"}"#)
            let check = try await command(s, t.planner, "checkMaterial", #"{"items":["CX-100"]}"#)
            let shortage = try #require(data(check, "shortageProjected")?["shortage"] as? [String: Any])
            #expect(shortage["item"] as? String == "CX-100")
            #expect(shortage["shortBy"] as? Double == 45)  // 5 + 40 needed, nothing available
            let orders = Set((shortage["affected"] as? [[String: Any]] ?? []).compactMap { $0["productionOrder"] as? String })
            #expect(orders == ["PO-HX-2", "PO-HX-3"])
        }
    }
}

// MARK: - The pump PX-100 and the people

/// Casting CX-100 (purchased) → housing HX-100, milled on WC-MILL-1 with a first-piece check of the bore →
/// pump PX-100, assembled on WC-ASSY-1.
private func definePumpX(_ s: TestServer) async throws {
    let admin = TestServer.adminToken
    try await command(s, admin, "defineItem", #"{"id":"CX-100","name":"Housing casting X","kind":"purchased"}"#)
    try await command(s, admin, "defineItem", #"{"id":"HX-100","name":"Machined housing X","kind":"semi-finished"}"#)
    try await command(s, admin, "defineItem", #"{"id":"PX-100","name":"Pump X","kind":"finished"}"#)
    try await command(s, admin, "defineBOM", #"{"id":"BOM-HX-100","item":"HX-100","components":[{"item":"CX-100","quantity":1}]}"#)
    try await command(s, admin, "defineBOM", #"{"id":"BOM-PX-100","item":"PX-100","components":[{"item":"HX-100","quantity":1}]}"#)
    try await command(
        s,
        admin,
        "defineRouting",
        #"{"id":"RT-HX-100","item":"HX-100","operations":[{"sequence":10,"name":"Mill housing","workCenters":[{"workCenter":"WC-MILL-1","setupMinutes":20,"runMinutesPerUnit":10}]}]}"#
    )
    try await command(
        s,
        admin,
        "defineRouting",
        #"{"id":"RT-PX-100","item":"PX-100","operations":[{"sequence":10,"name":"Assemble pump","workCenters":[{"workCenter":"WC-ASSY-1","setupMinutes":10,"runMinutesPerUnit":20}]}]}"#
    )
    try await command(
        s,
        admin,
        "defineInspectionPlan",
        #"{"id":"IP-HX-10","name":"First piece: bore","item":"HX-100","operation":10,"characteristics":[{"id":"bore","name":"Bore diameter","kind":"variable","lowerLimit":52.0,"upperLimit":52.05,"unit":"mm"}],"frequency":"first-piece"}"#
    )
}

private struct People {
    let warehouse, planner, quality, supervisor, anna, carla: String
    init(_ s: TestServer) async throws {
        func token(_ user: String) async throws -> String { try await issueToken(s, for: user) }
        warehouse = try await token("warehouse")
        planner = try await token("planner")
        quality = try await token("quality")
        supervisor = try await token("supervisor")
        anna = try await token("op-anna")
        carla = try await token("op-carla")
    }
}

/// Submits `{"type": type, "data": data}` as `token`; expects it accepted and returns the answer.
@discardableResult
private func command(
    _ s: TestServer,
    _ token: String,
    _ type: String,
    _ data: String,
    signature: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> TestServer.Reply {
    let reply = try await s.send(
        .POST,
        "/api/v1/commands",
        token: token,
        body: #"{"type":"\#(type)","data":\#(data)\#(signature.map { "," + $0 } ?? "")}"#
    )
    #expect((200..<300).contains(reply.status), "\(type): \(reply.status) \(reply.text)", sourceLocation: sourceLocation)
    return reply
}

@discardableResult
private func ok(_ r: TestServer.Reply, sourceLocation: SourceLocation = #_sourceLocation) throws -> TestServer.Reply {
    #expect((200..<300).contains(r.status), "\(r.status): \(r.text)", sourceLocation: sourceLocation)
    return r
}

private func eventList(_ reply: TestServer.Reply) -> [[String: Any]] {
    ((try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any])?["events"] as? [[String: Any]] ?? []
}

private func types(_ reply: TestServer.Reply) -> [String] { eventList(reply).compactMap { $0["type"] as? String } }

/// The data of the first event of `type` in the answer.
private func data(_ reply: TestServer.Reply, _ type: String) -> [String: Any]? {
    eventList(reply).first { $0["type"] as? String == type }?["data"] as? [String: Any]
}
