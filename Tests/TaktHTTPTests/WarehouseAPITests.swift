import Foundation
import NIOHTTP1
import TaktEngine
import Testing

@testable import TaktCore

/// The warehouse through the real server on the demo plant (seed 42), on the clock of ``ClockedServer``
/// (Wednesday 25 November 2026, 06:00 UTC): Lukas Hoffmann (`warehouse`) receives, stores, stages and ships;
/// Paula Brandt (`planner`) expects deliveries, releases orders and reserves material.
@Suite("The warehouse through the API")
struct WarehouseAPITests {
    @Test(
        "Castings are expected, received with the supplier's lot number and delivery note, and found in stock; a pallet of them is made up, moved, split, put together again and found where it went"
    )
    func receiveAndStore() async throws {
        try await ClockedServer.run { s, _ in
            let warehouse = try await issueToken(s, for: "warehouse")
            let planner = try await issueToken(s, for: "planner")
            let announce =
                #"{"item":"CH-NB-32-160","quantity":20,"expectedDate":"2026-11-27T08:00:00Z","supplier":"Giesserei Sauerland GmbH","reference":"PO-88001"}"#

            // Paula announces 20 housing castings for Friday; announcing is the planner's job, not the warehouse's.
            #expect(try await s.send(.POST, "/api/v1/expected-receipts", token: warehouse, body: announce).status == 403)
            let expected = try ok(await s.send(.POST, "/api/v1/expected-receipts", token: planner, body: announce), 201).json()
            let er = try #require(expected["id"] as? String)
            #expect(er.hasPrefix("ER-"), "numbered by the plant after the demo's open purchase orders: \(er)")
            #expect(expected["status"] as? String == "open")

            // Lukas receives them at goods-in against the announcement.
            let received = try ok(
                await s.send(
                    .POST,
                    "/api/v1/receipts",
                    token: warehouse,
                    body: """
                        {"id":"LOT-R-1","item":"CH-NB-32-160","quantity":20,"location":"LOC-RECEIVING","supplier":"Giesserei Sauerland GmbH",
                         "supplierLot":"GS-2611-0042","deliveryNote":"LS-88412","expectedReceipt":"\(er)"}
                        """
                ),
                201
            ).json()
            let lot = try #require(received["lot"] as? [String: Any])
            #expect(lot["status"] as? String == "available")
            #expect(lot["supplierLot"] as? String == "GS-2611-0042")
            #expect(received["deliveryNote"] as? String == "LS-88412")
            #expect(received["by"] as? String == "warehouse")

            // It is in stock at goods-in, free to reserve, and the announcement is fulfilled.
            let line = try #require(
                try await stock(s, "?item=CH-NB-32-160&location=LOC-RECEIVING", token: warehouse).first { $0["lot"] as? String == "LOT-R-1" }
            )
            #expect(line["supplierLot"] as? String == "GS-2611-0042")
            #expect(line["quantity"] as? Double == 20)
            #expect(line["reserved"] as? Double == 0)
            #expect(line["availableToReserve"] as? Double == 20)
            #expect(line["missing"] as? Bool == false)
            let fulfilled = try ok(await s.send(.GET, "/api/v1/expected-receipts/\(er)", token: warehouse)).json()
            #expect(fulfilled["status"] as? String == "received")
            #expect(fulfilled["receivedLots"] as? [String] == ["LOT-R-1"])
            #expect(fulfilled["receivedQuantity"] as? Double == 20)
            let stored = try ok(await s.send(.GET, "/api/v1/lots/LOT-R-1", token: warehouse)).json()
            #expect(stored["deliveryNote"] as? String == "LS-88412")
            #expect(stored["supplier"] as? String == "Giesserei Sauerland GmbH")

            // Both lots of these castings at goods-in go on pallet P-1042, which goes to the store.
            let other = try #require(
                await s.engine.read { st in
                    st.stock(item: "CH-NB-32-160", location: "LOC-RECEIVING").map(\.lot).first { $0 != "LOT-R-1" }
                }
            )
            let pallet = try ok(
                await s.send(
                    .POST,
                    "/api/v1/handling-units",
                    token: warehouse,
                    body: #"{"id":"P-1042","location":"LOC-RECEIVING","lots":["LOT-R-1","\#(other)"]}"#
                ),
                201
            ).json()
            #expect(pallet["kind"] as? String == "pallet")
            let moved = try ok(await s.send(.POST, "/api/v1/handling-units/P-1042/move", token: warehouse, body: #"{"to":"LOC-STORE"}"#))
            #expect(try eventTypes(moved) == ["handlingUnitMoved", "lotMoved", "lotMoved"])

            // Where is pallet P-1042? In the store, with both lots; and the lot knows its pallet.
            let found = try ok(await s.send(.GET, "/api/v1/handling-units/P-1042", token: planner)).json()
            #expect(found["location"] as? String == "LOC-STORE")
            #expect(found["lots"] as? [String] == ["LOT-R-1", other.rawValue])
            let carrying = try ok(await s.send(.GET, "/api/v1/handling-units?lot=LOT-R-1", token: planner)).json()
            #expect((carrying["items"] as? [[String: Any]])?.map { $0["id"] as? String } == ["P-1042"])
            let inStore = try #require(
                try await stock(s, "?item=CH-NB-32-160&location=LOC-STORE", token: planner).first { $0["lot"] as? String == "LOT-R-1" }
            )
            #expect(inStore["handlingUnit"] as? String == "P-1042")

            // One lot goes onto a box, off it again, and back onto the pallet.
            let split = try ok(
                await s.send(
                    .POST,
                    "/api/v1/handling-units/P-1042/split",
                    token: warehouse,
                    body: #"{"newHandlingUnit":"BOX-1","kind":"box","lots":["\#(other)"]}"#
                )
            )
            let box = try #require(try events(split).first?["data"] as? [String: Any])["to"] as? [String: Any]
            #expect(box?["kind"] as? String == "box")
            #expect(box?["location"] as? String == "LOC-STORE")
            #expect(try ok(await s.send(.GET, "/api/v1/handling-units/P-1042", token: warehouse)).json()["lots"] as? [String] == ["LOT-R-1"])
            let off = try ok(await s.send(.POST, "/api/v1/handling-units/BOX-1/remove", token: warehouse, body: #"{"lots":["\#(other)"]}"#))
            #expect(try eventTypes(off) == ["lotsRemovedFromHandlingUnit"])
            let on = try ok(await s.send(.POST, "/api/v1/handling-units/P-1042/add", token: warehouse, body: #"{"lots":["\#(other)"]}"#))
            #expect(try eventTypes(on) == ["lotsAddedToHandlingUnit"])
            #expect(
                try ok(await s.send(.GET, "/api/v1/handling-units/P-1042", token: warehouse)).json()["lots"] as? [String] == [
                    "LOT-R-1", other.rawValue,
                ]
            )
            let boxes = try ok(await s.send(.GET, "/api/v1/handling-units?kind=box&location=LOC-STORE", token: warehouse)).json()
            #expect((boxes["items"] as? [[String: Any]])?.first?["lots"] as? [String] == [String]())

            // A second delivery is announced and called off.
            let second = try ok(await s.send(.POST, "/api/v1/expected-receipts", token: planner, body: announce), 201).json()
            let id = try #require(second["id"] as? String)
            let cancelled = try ok(
                await s.send(.POST, "/api/v1/expected-receipts/\(id)/cancel", token: planner, body: #"{"reason":"ordered twice"}"#)
            )
            #expect(try eventTypes(cancelled).first == "expectedReceiptCancelled")
            let list = try ok(await s.send(.GET, "/api/v1/expected-receipts?status=cancelled", token: warehouse)).json()
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == [id])
            #expect(items.first?["cancelReason"] as? String == "ordered twice")
        }
    }

    @Test(
        "Releasing an order reserves its bar stock with a staging task, needed by the scheduled start less the line side's lead time; confirming the task brings the lot to line side"
    )
    func releaseReserveAndStage() async throws {
        try await ClockedServer.run { s, _ in
            let warehouse = try await issueToken(s, for: "warehouse")
            let planner = try await issueToken(s, for: "planner")

            // PO-000023 welds 24 baseplates BP-NB-80-250 from 3.6 m of profile PROF-NB each: 86.4 m of LOT-000040 are reserved.
            let released = try ok(await s.send(.POST, "/api/v1/production-orders/PO-000023/release", token: planner))
            let types = try eventTypes(released)
            #expect(types.first == "productionOrderReleased")
            #expect(types.contains("lotReserved") && types.contains("stagingTaskCreated"))
            let reservations = try ok(await s.send(.GET, "/api/v1/production-orders/PO-000023/reservations", token: warehouse)).json()
            let reservation = try #require((reservations["items"] as? [[String: Any]])?.first)
            #expect(reservation["lot"] as? String == "LOT-000040")
            #expect(reservation["component"] as? String == "PROF-NB")
            #expect(reservation["quantity"] as? Double == 86.4)
            #expect(reservation["by"] as? String == "planner")
            let taskID = try #require(reservation["stagingTask"] as? String)

            // The task says where the profile is and where it goes; without a schedule, not yet by when.
            var view = try await stagingTask(s, taskID, token: warehouse)
            #expect(view["from"] as? String == "LOC-STORE")
            let lineSide = try #require(view["to"] as? String)
            let workCenter = try #require(view["workCenter"] as? String)
            #expect(view["neededBy"] == nil)

            // The line side wants its material 45 minutes ahead; the planner schedules the plant.
            var location = try ok(await s.send(.GET, "/api/v1/locations/\(lineSide)", token: planner)).json()
            location["stagingLeadMinutes"] = 45
            let body = String(decoding: try JSONSerialization.data(withJSONObject: location), as: UTF8.self)
            try ok(await s.send(.PUT, "/api/v1/locations/\(lineSide)", token: planner, body: body))
            let before = await s.engine.committedSequence
            let run = try ok(await s.send(.POST, "/api/v1/schedule/runs", token: planner, body: #"{"timeLimitSeconds":0.3}"#), 201).json()
            // The answer is the published schedule, whatever shortage events the run recorded beside it.
            let recorded = try await s.send(.GET, "/api/v1/events?after=\(before)", token: planner).json()
            let published = try #require((recorded["events"] as? [[String: Any]])?.first { $0["type"] as? String == "schedulePublished" })
            #expect((published["data"] as? [String: Any])?["id"] as? String == run["id"] as? String)
            #expect(run["steps"] is [[String: Any]])

            view = try await stagingTask(s, taskID, token: warehouse)
            #expect(view["workCenter"] as? String == workCenter)
            let start = try #require((view["scheduledStart"] as? String).flatMap(TaktJSON.parseDate))
            let neededBy = try #require((view["neededBy"] as? String).flatMap(TaktJSON.parseDate))
            #expect(start.timeIntervalSince(neededBy) == 45 * 60)
            let mine = try ok(await s.send(.GET, "/api/v1/staging-tasks?workCenter=\(workCenter)&status=open", token: warehouse)).json()
            #expect((mine["items"] as? [[String: Any]])?.contains { ($0["task"] as? [String: Any])?["id"] as? String == taskID } == true)

            // Lukas picks the profile and stages it: the whole lot moves to line side, still reserved for the order.
            let picked = try ok(await s.send(.POST, "/api/v1/staging-tasks/\(taskID)/pick", token: warehouse))
            #expect(try eventTypes(picked) == ["stagingTaskPicked"])
            let confirmed = try ok(await s.send(.POST, "/api/v1/staging-tasks/\(taskID)/confirm", token: warehouse))
            #expect(try eventTypes(confirmed) == ["lotMoved", "stagingTaskConfirmed"])
            let move = try #require(try events(confirmed).first?["data"] as? [String: Any])
            #expect(move["from"] as? String == "LOC-STORE")
            #expect(move["to"] as? String == lineSide)
            #expect(try ok(await s.send(.GET, "/api/v1/lots/LOT-000040", token: warehouse)).json()["location"] as? String == lineSide)
            view = try await stagingTask(s, taskID, token: warehouse)
            #expect((view["task"] as? [String: Any])?["status"] as? String == "staged")
            #expect((view["task"] as? [String: Any])?["pickedBy"] as? String == "warehouse")
            let atLine = try #require(try await stock(s, "?location=\(lineSide)", token: warehouse).first { $0["lot"] as? String == "LOT-000040" })
            // 86.4 m for this order, and 62.4 m the demo plant's released orders reserved when they were released (of 255 m).
            #expect(abs((atLine["reserved"] as? Double ?? 0) - 148.8) < 1e-9)
            #expect(abs((atLine["availableToReserve"] as? Double ?? 0) - 106.2) < 1e-9)
        }
    }

    @Test(
        "A missing pallet answers with the materialMissing event naming every order it stops; their reservations are released until it is found again"
    )
    func missingPallet() async throws {
        try await ClockedServer.run { s, _ in
            let warehouse = try await issueToken(s, for: "warehouse")
            let planner = try await issueToken(s, for: "planner")
            // Two baseplate orders both take profile (LOT-000040) and paint (LOT-000039) from the store.
            try ok(await s.send(.POST, "/api/v1/production-orders/PO-000023/release", token: planner))
            try ok(await s.send(.POST, "/api/v1/production-orders/PO-000033/release", token: planner))
            for order in ["PO-000023", "PO-000033"] {
                let reserved = try ok(await s.send(.GET, "/api/v1/production-orders/\(order)/reservations", token: warehouse)).json()
                #expect(Set((reserved["items"] as? [[String: Any]] ?? []).compactMap { $0["lot"] as? String }) == ["LOT-000040", "LOT-000039"])
            }
            try ok(
                await s.send(
                    .POST,
                    "/api/v1/handling-units",
                    token: warehouse,
                    body: #"{"id":"P-7","location":"LOC-STORE","lots":["LOT-000040","LOT-000039"]}"#
                ),
                201
            )

            // The pallet is not in its bay.
            let reported = try ok(
                await s.send(
                    .POST,
                    "/api/v1/missing-material",
                    token: warehouse,
                    body: #"{"handlingUnit":"P-7","note":"bay 14 is empty"}"#
                )
            )
            #expect(try eventTypes(reported) == ["materialMissing"])
            let missing = try #require(try events(reported).first?["data"] as? [String: Any])
            #expect(missing["handlingUnit"] as? String == "P-7")
            #expect(Set(missing["lots"] as? [String] ?? []) == ["LOT-000040", "LOT-000039"])
            #expect(missing["location"] as? String == "LOC-STORE")
            #expect(missing["note"] as? String == "bay 14 is empty")
            let affected = try #require(missing["affected"] as? [[String: Any]])
            // The two orders reserved here, and the demo plant's released orders that reserved the same lots.
            #expect(Set(affected.compactMap { $0["productionOrder"] as? String }).isSuperset(of: ["PO-000023", "PO-000033"]))
            #expect(affected.allSatisfy { $0["dueDate"] is String && ($0["quantity"] as? Double ?? 0) > 0 })

            // Their reservations are gone, their staging tasks are missing, and the stock says so.
            let none = try ok(await s.send(.GET, "/api/v1/production-orders/PO-000023/reservations", token: planner)).json()
            #expect((none["items"] as? [[String: Any]])?.isEmpty == true)
            let tasks = try ok(await s.send(.GET, "/api/v1/staging-tasks?productionOrder=PO-000023", token: planner)).json()
            let statuses = (tasks["items"] as? [[String: Any]] ?? []).compactMap { ($0["task"] as? [String: Any])?["status"] as? String }
            #expect(!statuses.isEmpty && statuses.allSatisfy { $0 == "missing" })
            let profile = try #require(try await stock(s, "?item=PROF-NB", token: planner).first { $0["lot"] as? String == "LOT-000040" })
            #expect(profile["missing"] as? Bool == true)
            #expect(profile["availableToReserve"] as? Double == 0)
            let refused = try await s.send(
                .POST,
                "/api/v1/reservations",
                token: planner,
                body: #"{"productionOrder":"PO-000023","lot":"LOT-000040"}"#
            )
            #expect(refused.status == 409)
            #expect(try rules(refused.json()) == ["missing"])

            // Found at goods-in: once moved, it can be reserved again.
            try ok(await s.send(.POST, "/api/v1/handling-units/P-7/move", token: warehouse, body: #"{"to":"LOC-RECEIVING"}"#))
            let again = try ok(
                await s.send(.POST, "/api/v1/reservations", token: planner, body: #"{"productionOrder":"PO-000023","lot":"LOT-000040"}"#),
                201
            ).json()
            #expect(again["quantity"] as? Double == 86.4)
            #expect(again["stagingTask"] is String)
        }
    }

    @Test("A projected shortage of motors is recorded by POST /material-checks and resolved by an expected receipt")
    func projectedShortage() async throws {
        try await ClockedServer.run { s, _ in
            let warehouse = try await issueToken(s, for: "warehouse")
            let planner = try await issueToken(s, for: "planner")
            let motor = "MOT-NB-80-250"
            // Thirteen motors in stock and the demo's purchase orders cover the planned 80-250 pumps; the planner adds an order
            // for 60 more, which nothing checks yet.
            let open = try ok(await s.send(.GET, "/api/v1/expected-receipts?item=\(motor)&status=open", token: planner)).json()
            #expect((open["items"] as? [[String: Any]])?.isEmpty == false, "the demo has motors on order")
            try ok(
                await s.send(
                    .POST,
                    "/api/v1/production-orders",
                    token: planner,
                    body: #"{"item":"P-NB-80-250","quantity":60,"dueDate":"2026-12-04T00:00:00Z","priority":3}"#
                ),
                201
            )
            let projection = try ok(await s.send(.GET, "/api/v1/items/\(motor)/projected-availability", token: planner)).json()
            #expect(projection["available"] as? Double == 13)
            let shortBy = try #require(projection["shortBy"] as? Double)
            #expect(shortBy > 0)
            let shortFrom = try #require((projection["shortFrom"] as? String).flatMap(TaktJSON.parseDate))
            let entries = try #require(projection["entries"] as? [[String: Any]])
            #expect(entries.first?["kind"] as? String == "stock")
            #expect(entries.compactMap { $0["projected"] as? Double }.min() == -shortBy)

            // The warehouse checks the motors: the shortage is recorded, naming the orders it stops.
            let checked = try ok(await s.send(.POST, "/api/v1/material-checks", token: warehouse, body: #"{"items":["\#(motor)"]}"#))
            #expect(try eventTypes(checked) == ["shortageProjected"])
            let shortage = try #require((try events(checked).first?["data"] as? [String: Any])?["shortage"] as? [String: Any])
            #expect(shortage["item"] as? String == motor)
            #expect(shortage["shortBy"] as? Double == shortBy)
            #expect((shortage["affected"] as? [[String: Any]])?.isEmpty == false)
            let listed = try ok(await s.send(.GET, "/api/v1/shortages?item=\(motor)", token: planner)).json()
            #expect((listed["items"] as? [[String: Any]])?.count == 1)
            let order = try #require((shortage["affected"] as? [[String: Any]])?.first?["productionOrder"] as? String)
            let byOrder = try ok(await s.send(.GET, "/api/v1/shortages?productionOrder=\(order)", token: planner)).json()
            #expect((byOrder["items"] as? [[String: Any]])?.contains { $0["item"] as? String == motor } == true)
            // Checked again: nothing changed, nothing recorded.
            let again = try ok(await s.send(.POST, "/api/v1/material-checks", token: warehouse, body: #"{"items":["\#(motor)"]}"#))
            #expect(try eventTypes(again) == [])

            // Motors expected before the first deficit cover it: the shortage is resolved.
            let date = TaktJSON.formatDate(min(shortFrom, ClockedServer.morning).addingTimeInterval(-86_400))
            let expected = try ok(
                await s.send(
                    .POST,
                    "/api/v1/expected-receipts",
                    token: planner,
                    body: """
                        {"item":"\(motor)","quantity":\(shortBy + 2),"expectedDate":"\(date)","supplier":"Elektromotorenwerk Sued AG","reference":"PO-88002"}
                        """
                ),
                201
            ).json()
            #expect(expected["status"] as? String == "open")
            #expect(
                (try ok(await s.send(.GET, "/api/v1/shortages?item=\(motor)", token: planner)).json()["items"] as? [[String: Any]])?.isEmpty == true
            )
            let resolved = try ok(await s.send(.GET, "/api/v1/items/\(motor)/projected-availability", token: planner)).json()
            #expect(resolved["shortBy"] as? Double == 0)
            #expect(resolved["shortFrom"] == nil)
        }
    }

    @Test(
        "A finished lot is shipped to a sales order line: the shipment names the customer, the lot is shipped and the order with it; more than the line's open quantity is refused"
    )
    func shipFinishedLots() async throws {
        try await ClockedServer.run { s, _ in
            let warehouse = try await issueToken(s, for: "warehouse")
            let planner = try await issueToken(s, for: "planner")
            for (lot, quantity) in [("LOT-FG-1", 6), ("LOT-FG-2", 3), ("LOT-FG-3", 5)] {
                try ok(
                    await s.send(
                        .POST,
                        "/api/v1/lots",
                        token: warehouse,
                        body: #"{"id":"\#(lot)","item":"P-NB-32-160","quantity":\#(quantity),"location":"LOC-SHIPPING"}"#
                    ),
                    201
                )
            }
            // SO-10001 orders 6 pumps P-NB-32-160 on line 10; shipping is the warehouse's job.
            #expect(
                try await s.send(.POST, "/api/v1/sales-orders/SO-10001/lines/10/shipments", token: planner, body: #"{"lots":["LOT-FG-1"]}"#).status
                    == 403
            )
            let shipment = try ok(
                await s.send(
                    .POST,
                    "/api/v1/sales-orders/SO-10001/lines/10/shipments",
                    token: warehouse,
                    body: #"{"lots":["LOT-FG-1"]}"#
                ),
                201
            ).json()
            #expect(shipment["id"] as? String == "SHP-000001")
            #expect(shipment["customer"] as? String == "CUST-0007")
            #expect(shipment["item"] as? String == "P-NB-32-160")
            #expect(shipment["by"] as? String == "warehouse")
            #expect((shipment["lots"] as? [[String: Any]])?.map { $0["quantity"] as? Double } == [6])
            #expect(try ok(await s.send(.GET, "/api/v1/sales-orders/SO-10001", token: planner)).json()["status"] as? String == "shipped")
            #expect(try ok(await s.send(.GET, "/api/v1/lots/LOT-FG-1", token: planner)).json()["status"] as? String == "shipped")
            #expect(try await stock(s, "?item=P-NB-32-160", token: planner).allSatisfy { $0["lot"] as? String != "LOT-FG-1" })
            let byCustomer = try ok(await s.send(.GET, "/api/v1/shipments?customer=CUST-0007", token: planner)).json()
            #expect((byCustomer["items"] as? [[String: Any]])?.map { $0["id"] as? String } == ["SHP-000001"])
            #expect(try ok(await s.send(.GET, "/api/v1/shipments/SHP-000001", token: planner)).json()["salesOrder"] as? String == "SO-10001")

            // SO-10002 line 10 wants 5: 3 go now; the lot of 5 is more than the 2 still open.
            try ok(await s.send(.POST, "/api/v1/sales-orders/SO-10002/lines/10/shipments", token: warehouse, body: #"{"lots":["LOT-FG-2"]}"#), 201)
            #expect(try ok(await s.send(.GET, "/api/v1/sales-orders/SO-10002", token: planner)).json()["status"] as? String == "open")
            let too = try await unchanged(s) {
                try await s.send(.POST, "/api/v1/sales-orders/SO-10002/lines/10/shipments", token: warehouse, body: #"{"lots":["LOT-FG-3"]}"#)
            }
            #expect(too.status == 409)
            #expect(try rules(too.json()) == ["exceeds-open-quantity"])
            #expect(
                try too.json()["detail"] as? String ?? ""
                    == "line 10 of SO-10002 has 2 ea of P-NB-32-160 open (5 ordered, 3 shipped); these lots hold 5"
            )
            #expect(try ok(await s.send(.GET, "/api/v1/shipments?salesOrder=SO-10002", token: planner)).json()["total"] as? Int == 1)
        }
    }

    @Test(
        "Bad inputs are refused with a problem naming the field and rule, and change nothing: unknown lots, quantities beyond stock, a pallet with a held lot"
    )
    func badInputs() async throws {
        try await ClockedServer.run { s, _ in
            let warehouse = try await issueToken(s, for: "warehouse")
            let planner = try await issueToken(s, for: "planner")
            try ok(await s.send(.POST, "/api/v1/production-orders/PO-000039/release", token: planner))
            let auto = try #require(
                try ok(await s.send(.GET, "/api/v1/production-orders/PO-000039/reservations", token: planner)).json()["items"] as? [[String: Any]]
            )
            let reservation = try #require(auto.first?["id"] as? String)

            // Unknown lots: a reservation names one lot (404); a pallet or a shipment lists them (422, by index).
            let unknown = try await unchanged(s) {
                try await s.send(.POST, "/api/v1/reservations", token: planner, body: #"{"productionOrder":"PO-000039","lot":"LOT-NOPE"}"#)
            }
            #expect(unknown.status == 404)
            #expect(try unknown.json()["detail"] as? String == "lot 'LOT-NOPE' does not exist")
            let pallet = try await unchanged(s) {
                try await s.send(
                    .POST,
                    "/api/v1/handling-units",
                    token: warehouse,
                    body: #"{"id":"P-9","location":"LOC-STORE","lots":["LOT-000001","LOT-NOPE"]}"#
                )
            }
            #expect(pallet.status == 422)
            #expect(try fields(pallet.json()) == ["lots[1]"])
            #expect(try rules(pallet.json()) == ["unknown-reference"])
            #expect(try await s.send(.GET, "/api/v1/handling-units/P-9", token: warehouse).status == 404)
            let ship = try await unchanged(s) {
                try await s.send(.POST, "/api/v1/sales-orders/SO-10001/lines/10/shipments", token: warehouse, body: #"{"lots":["LOT-NOPE"]}"#)
            }
            #expect(ship.status == 422)
            #expect(try rules(ship.json()) == ["unknown-reference"])
            #expect(try await unchanged(s) { try await s.send(.POST, "/api/v1/staging-tasks/STG-NOPE/pick", token: warehouse) }.status == 404)

            // Beyond stock: the casting lot holds 41, and the order needs 30.
            try ok(await s.send(.POST, "/api/v1/reservations/\(reservation)/release", token: planner, body: #"{"reason":"reserve by hand"}"#))
            let beyond = try await unchanged(s) {
                try await s.send(
                    .POST,
                    "/api/v1/reservations",
                    token: planner,
                    body: #"{"productionOrder":"PO-000039","lot":"LOT-000031","quantity":1000}"#
                )
            }
            #expect(beyond.status == 422)
            #expect(try rules(beyond.json()) == ["exceeds-available", "exceeds-need"])
            let detail = try beyond.json()["detail"] as? String ?? ""
            #expect(
                detail.hasPrefix("lot 'LOT-000031' has ") && detail.hasSuffix("(41 in the lot, 11 reserved); 1000 is too many (and 1 more)"),
                "\(beyond.text)"
            )
            #expect(try messages(beyond.json()).last == "PO-000039 still needs 30 ea of CI-NB-32-160; 1000 is more than that")
            let reserved = try ok(
                await s.send(
                    .POST,
                    "/api/v1/reservations",
                    token: planner,
                    body: #"{"productionOrder":"PO-000039","lot":"LOT-000031","quantity":4}"#
                ),
                201
            ).json()
            #expect(reserved["quantity"] as? Double == 4)
            let receipt = try await unchanged(s) {
                try await s.send(
                    .POST,
                    "/api/v1/receipts",
                    token: warehouse,
                    body: """
                        {"id":"LOT-R-2","item":"BAR-NB","quantity":0,"location":"LOC-STORE","supplier":"Stahl","supplierLot":"S-1","deliveryNote":"D-1"}
                        """
                )
            }
            #expect(receipt.status == 422)
            #expect(Set(try rules(receipt.json())) == ["positive", "not-receiving"])
            let malformed = try await unchanged(s) { try await s.send(.POST, "/api/v1/receipts", token: warehouse, body: #"{"id":"LOT-R-2"}"#) }
            #expect(malformed.status == 400)
            #expect(try await unchanged(s) { try await s.send(.GET, "/api/v1/stock?lot=LOT-000001", token: warehouse) }.status == 400)

            // The crates of LOT-000005 are on hold: their pallet does not move, and stays where it was.
            try ok(
                await s.send(
                    .POST,
                    "/api/v1/handling-units",
                    token: warehouse,
                    body: #"{"id":"P-HOLD","location":"LOC-STORE","lots":["LOT-000005"]}"#
                ),
                201
            )
            let held = try await unchanged(s) {
                try await s.send(.POST, "/api/v1/handling-units/P-HOLD/move", token: warehouse, body: #"{"to":"LOC-SHIPPING"}"#)
            }
            #expect(held.status == 409)
            #expect(try rules(held.json()) == ["on-hold"])
            #expect(
                try held.json()["detail"] as? String ?? "" == "lot 'LOT-000005' on P-HOLD is on hold and cannot be moved until quality releases it"
            )
            #expect(try ok(await s.send(.GET, "/api/v1/handling-units/P-HOLD", token: warehouse)).json()["location"] as? String == "LOC-STORE")
            #expect(try ok(await s.send(.GET, "/api/v1/lots/LOT-000005", token: warehouse)).json()["location"] as? String == "LOC-STORE")
        }
    }
}

// MARK: - Helpers

/// A fresh API token for a user of the demo plant, issued by the admin.
/// Expects `status` (any 2xx when nil) and returns the answer.
@discardableResult
private func ok(_ r: TestServer.Reply, _ status: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> TestServer.Reply {
    if let status {
        #expect(r.status == status, "\(r.status): \(r.text)", sourceLocation: sourceLocation)
    } else {
        #expect((200..<300).contains(r.status), "\(r.status): \(r.text)", sourceLocation: sourceLocation)
    }
    return r
}

/// Sends a request that must be refused, and expects the event log not to have grown.
private func unchanged(
    _ s: TestServer,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ send: () async throws -> TestServer.Reply
) async throws -> TestServer.Reply {
    let before = await s.engine.committedSequence
    let reply = try await send()
    #expect(!(200..<300).contains(reply.status), "accepted: \(reply.text)", sourceLocation: sourceLocation)
    #expect(reply.headers.first(name: "Content-Type") == "application/problem+json", sourceLocation: sourceLocation)
    #expect(await s.engine.committedSequence == before, "a refused request recorded events", sourceLocation: sourceLocation)
    return reply
}

private func rules(_ problem: [String: Any]) throws -> [String] {
    try #require(problem["errors"] as? [[String: Any]], "no errors: \(problem)").compactMap { $0["rule"] as? String }
}

private func messages(_ problem: [String: Any]) throws -> [String] {
    try #require(problem["errors"] as? [[String: Any]], "no errors: \(problem)").compactMap { $0["message"] as? String }
}

private func fields(_ problem: [String: Any]) throws -> [String] {
    try #require(problem["errors"] as? [[String: Any]], "no errors: \(problem)").compactMap { $0["field"] as? String }
}

private func stock(_ s: TestServer, _ query: String, token: String) async throws -> [[String: Any]] {
    let reply = try await s.send(.GET, "/api/v1/stock" + query, token: token)
    #expect(reply.status == 200, "\(reply.text)")
    return try #require(try reply.json()["items"] as? [[String: Any]])
}

/// One staging task as `GET /staging-tasks` lists it.
private func stagingTask(_ s: TestServer, _ id: String, token: String) async throws -> [String: Any] {
    let reply = try await s.send(.GET, "/api/v1/staging-tasks", token: token)
    #expect(reply.status == 200, "\(reply.text)")
    let items = try #require(try reply.json()["items"] as? [[String: Any]])
    return try #require(items.first { ($0["task"] as? [String: Any])?["id"] as? String == id }, "no staging task \(id)")
}
