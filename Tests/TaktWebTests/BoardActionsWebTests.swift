import Foundation
import NIOCore
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktTestSupport
import Testing

/// Issue 16, item 2: the warehouse and quality boards act. Every form goes through the real server and service as the
/// signed-in user; a role the plant refuses changes nothing and is told so in the plant's words.
@Suite("Boards that act (issue 16)")
struct BoardActionsWebTests {
    static func system(_ s: WebServer, _ command: Command) async throws {
        _ = try await s.engine.submit(CommandEnvelope(command: command, actor: .system, correlationID: nil))
    }

    /// A lot of castings received and reserved for a new released order: its staging task's ID.
    static func stagingTask(_ s: WebServer, lot: String, order: String = "PO-X") async throws -> String {
        if await s.engine.read({ $0.productionOrders[.init(order)] }) == nil {
            let due = Date(timeIntervalSince1970: 1_796_342_400)
            try await system(s, .createProductionOrder(NewProductionOrder(id: .init(order), item: "MH-NB-32-160", quantity: 60, dueDate: due)))
            try await system(s, .releaseProductionOrder(ProductionOrderRef(productionOrder: .init(order))))
        }
        try await system(
            s,
            .receiveLot(
                ReceiveLot(
                    id: .init(lot),
                    item: "CH-NB-32-160",
                    quantity: 24,
                    location: "LOC-RECEIVING",
                    supplier: "Giesserei Sauerland",
                    supplierLot: "GS-\(lot)",
                    deliveryNote: "DN-\(lot)"
                )
            )
        )
        try await system(s, .reserveLot(ReserveLot(productionOrder: .init(order), lot: .init(lot), quantity: 24)))
        return try #require(await s.engine.read { st in st.reservations.values.first { $0.lot.rawValue == lot }?.stagingTask?.rawValue })
    }

    /// The words of the field error with this id (a `<span class="field-error">` beside the field).
    static func fieldError(_ id: String, in html: String) -> String? {
        guard let r = html.range(of: "id=\"\(id)\"") else { return nil }
        let rest = html[r.upperBound...]
        guard let open = rest.firstIndex(of: ">"), let close = rest.range(of: "</span>") else { return nil }
        return String(rest[rest.index(after: open)..<close.lowerBound])
    }

    /// A redirect's path without its fragment (a browser does not send the fragment).
    static func path(_ location: String) -> String { String(location.split(separator: "#", maxSplits: 1).first ?? "") }

    static func taskStatus(_ s: WebServer, _ id: String) async -> StagingTaskStatus? {
        await s.engine.read { $0.stagingTasks[.init(id)]?.status }
    }

    @Test("Warehouse: pick, then confirm a staging task through the board's forms; the staged task leaves the list")
    func pickAndConfirm() async throws {
        try await WebServer.run { s in
            let task = try await Self.stagingTask(s, lot: "CAST-P")
            let lukas = try await s.signIn(try await s.issueToken(for: "warehouse"))
            let board = try await s.send(.GET, "/warehouse", cookie: lukas)
            let row = try #require(Floor.row(containing: ">\(task)<", in: board.text), "the open task is listed")
            #expect(row.contains("id=\"pick-\(task)\"") && row.contains("id=\"confirm-\(task)\""), "\(row)")

            let pick = try await s.send(.POST, "/warehouse/staging/\(task)/pick", cookie: lukas, form: [("form", "stg-\(task)-pick")])
            #expect(pick.status == 303)
            #expect(await Self.taskStatus(s, task) == .picked)
            let picked = try await s.send(.GET, Self.path(try #require(pick.location)), cookie: lukas)
            #expect(picked.text.contains("Picked \(task)"))
            #expect(Floor.row(containing: ">\(task)<", in: picked.text)?.contains("id=\"pick-\(task)\"") == false, "picked once")

            let confirm = try await s.send(.POST, "/warehouse/staging/\(task)/confirm", cookie: lukas, form: [("form", "stg-\(task)-confirm")])
            #expect(confirm.status == 303)
            #expect(await Self.taskStatus(s, task) == .staged)
            #expect(await s.engine.read { $0.lots["CAST-P"]?.location.rawValue } == "LS-MILL-1")
            let after = try await s.send(.GET, "/warehouse", cookie: lukas)
            #expect(after.text.contains("Staged \(task)"))
            #expect(Floor.row(containing: ">\(task)<", in: after.text) == nil, "a staged task is not open")
        }
    }

    @Test("Warehouse: a planner sees the board but the plant refuses a pick in words, and nothing changes")
    func plannerMayNotPick() async throws {
        try await WebServer.run { s in
            let task = try await Self.stagingTask(s, lot: "CAST-Q")
            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            let board = try await s.send(.GET, "/warehouse", cookie: planner)
            #expect(board.status == 200)
            #expect(!board.text.contains("id=\"pick-\(task)\""), "no button for a role that may not pick")
            let before = await s.engine.committedSequence
            let refused = try await s.send(
                .POST,
                "/warehouse/staging/\(task)/pick",
                cookie: planner,
                form: [("form", "stg-\(task)-pick")],
                headers: [("Referer", s.baseURL + "/warehouse")]
            )
            #expect(refused.status == 303 && refused.location == "/warehouse")
            #expect(await s.engine.committedSequence == before)
            #expect(await Self.taskStatus(s, task) == .open)
            let told = try await s.send(.GET, "/warehouse", cookie: planner)
            #expect(told.text.contains("pickStagingTask needs one of the roles"), "\(told.text.prefix(3000))")
        }
    }

    @Test("Warehouse: reporting short with a word instead of a number is refused beside the field; with a number the task is short")
    func reportShort() async throws {
        try await WebServer.run { s in
            let task = try await Self.stagingTask(s, lot: "CAST-S")
            let lukas = try await s.signIn(try await s.issueToken(for: "warehouse"))
            let headers = [("Referer", s.baseURL + "/warehouse")]
            let bad = try await s.send(
                .POST,
                "/warehouse/staging/\(task)/short",
                cookie: lukas,
                form: [("form", "stg-\(task)-short"), ("foundQuantity", "ten")],
                headers: headers
            )
            #expect(bad.status == 303)
            let page = try await s.send(.GET, "/warehouse", cookie: lukas)
            let error = try #require(Self.fieldError("found-\(task)-error", in: page.text))
            #expect(error.contains("the quantity found must be a number (got &#39;ten&#39;)") || error.contains("got 'ten'"), "\(error)")
            #expect(await Self.taskStatus(s, task) == .open)

            let short = try await s.send(
                .POST,
                "/warehouse/staging/\(task)/short",
                cookie: lukas,
                form: [("form", "stg-\(task)-short"), ("foundQuantity", "20")],
                headers: headers
            )
            #expect(short.status == 303)
            #expect(await Self.taskStatus(s, task) == .short)
            #expect(await s.engine.read { $0.lots["CAST-S"]?.quantity } == 20)
        }
    }

    @Test("Warehouse: a cancelled staging task is not listed as open (its reservation was released)")
    func cancelledTasksAreNotOpen() async throws {
        try await WebServer.run { s in
            let open = try await Self.stagingTask(s, lot: "CAST-O")
            let gone = try await Self.stagingTask(s, lot: "CAST-C", order: "PO-Y")
            let reservation = try #require(await s.engine.read { st in st.reservations.values.first { $0.lot == "CAST-C" }?.id })
            try await Self.system(s, .unreserveLot(UnreserveLot(reservation: reservation, reason: "re-planned")))
            #expect(await Self.taskStatus(s, gone) == .cancelled)
            let lukas = try await s.signIn(try await s.issueToken(for: "warehouse"))
            let board = try await s.send(.GET, "/warehouse", cookie: lukas)
            #expect(Floor.row(containing: ">\(open)<", in: board.text) != nil)
            #expect(Floor.row(containing: ">\(gone)<", in: board.text) == nil, "cancelled is not open")
        }
    }

    @Test("Warehouse: receive against an expected receipt and unplanned; a lot ID already taken is refused beside the field")
    func receive() async throws {
        try await WebServer.run { s in
            let expected = try #require(
                await s.engine.read { st in st.expectedReceipts.values.filter { $0.status == .open }.min { $0.id < $1.id } }
            )
            let lukas = try await s.signIn(try await s.issueToken(for: "warehouse"))
            let board = try await s.send(.GET, "/warehouse", cookie: lukas)
            #expect(board.text.contains("id=\"receive-\(expected.id.rawValue)\""))
            let formID = "receive-\(expected.id.rawValue)"
            let received = try await s.send(
                .POST,
                "/warehouse/receipts",
                cookie: lukas,
                form: [
                    ("form", formID), ("expectedReceipt", expected.id.rawValue), ("item", expected.item.rawValue), ("supplier", expected.supplier),
                    ("id", "LOT-IN-1"), ("quantity", "5"), ("location", "LOC-RECEIVING"), ("supplierLot", "S-1"), ("deliveryNote", "DN-1"),
                ]
            )
            #expect(received.status == 303)
            #expect(await s.engine.read { $0.lots["LOT-IN-1"]?.quantity } == 5)
            #expect(await s.engine.read { $0.expectedReceipts[expected.id]?.receivedLots } == ["LOT-IN-1"])

            let unplanned = [
                ("form", "receive-unplanned"), ("item", "CH-NB-32-160"), ("supplier", "Giesserei Sauerland"), ("id", "LOT-IN-2"),
                ("quantity", "7"), ("location", "LOC-RECEIVING"), ("supplierLot", "S-2"), ("deliveryNote", "DN-2"),
            ]
            #expect(try await s.send(.POST, "/warehouse/receipts", cookie: lukas, form: unplanned).status == 303)
            #expect(await s.engine.read { $0.lots["LOT-IN-2"]?.expectedReceipt(in: $0) } == nil)
            #expect(await s.engine.read { $0.lots["LOT-IN-2"]?.quantity } == 7)

            let before = await s.engine.committedSequence
            let again = try await s.send(
                .POST,
                "/warehouse/receipts",
                cookie: lukas,
                form: unplanned,
                headers: [("Referer", s.baseURL + "/warehouse")]
            )
            #expect(again.status == 303 && again.location == "/warehouse")
            #expect(await s.engine.committedSequence == before)
            let page = try await s.send(.GET, "/warehouse", cookie: lukas)
            let error = try #require(Self.fieldError("receive-unplanned-id-error", in: page.text))
            #expect(error.contains("lot &#39;LOT-IN-2&#39; already exists") || error.contains("lot 'LOT-IN-2' already exists"))
        }
    }

    @Test("Warehouse: ship lots against a customer order line; the planner may not ship")
    func ship() async throws {
        try await WebServer.run { s in
            let (order, line, item, quantity) = try #require(
                await s.engine.read { st in
                    st.salesOrders.values.filter { $0.status == .open }.sorted { $0.id < $1.id }.first.flatMap { so in
                        so.lines.first.map { (so.id, $0.line, $0.item, $0.quantity) }
                    }
                }
            )
            try await Self.system(s, .createLot(NewLot(id: "FG-1", item: item, quantity: quantity, location: "LOC-SHIPPING")))
            let form = [("form", "ship-\(order.rawValue)-\(line)"), ("salesOrder", order.rawValue), ("line", String(line)), ("lots", "FG-1")]

            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            let before = await s.engine.committedSequence
            _ = try await s.send(.POST, "/warehouse/shipments", cookie: planner, form: form)
            #expect(await s.engine.committedSequence == before)
            #expect(try await s.send(.GET, "/warehouse", cookie: planner).text.contains("shipLots needs one of the roles"))

            let lukas = try await s.signIn(try await s.issueToken(for: "warehouse"))
            let board = try await s.send(.GET, "/warehouse", cookie: lukas)
            #expect(board.text.contains("id=\"ship-\(order.rawValue)-\(line)\""))
            let shipped = try await s.send(.POST, "/warehouse/shipments", cookie: lukas, form: form)
            #expect(shipped.status == 303)
            #expect(await s.engine.read { $0.lots["FG-1"]?.status } == .shipped)
            #expect(try await s.send(.GET, "/warehouse", cookie: lukas).text.contains("FG-1 shipped against \(order.rawValue) line \(line)"))
        }
    }

    @Test("Quality: lots in quarantine are shown (by status and by location) and quality lets one into stock from the board")
    func quarantine() async throws {
        try await WebServer.run { s in
            try await Self.system(
                s,
                .receiveLot(
                    ReceiveLot(
                        id: "Q-IN",
                        item: "CH-NB-32-160",
                        quantity: 4,
                        location: "LOC-QUARANTINE",
                        supplier: "Giesserei Sauerland",
                        supplierLot: "GS-Q",
                        deliveryNote: "DN-Q"
                    )
                )
            )
            try await Self.system(
                s,
                .createLot(
                    NewLot(
                        id: "Q-SET",
                        item: "CH-NB-32-160",
                        quantity: 3,
                        location: "LOC-STORE",
                        supplierLot: "GS-Q2",
                        supplier: "Giesserei Sauerland"
                    )
                )
            )
            try await Self.system(s, .setLotStatus(SetLotStatus(lot: "Q-SET", status: .quarantine, reason: "suspect")))
            let katrin = try await s.signIn(try await s.issueToken(for: "quality"))
            let board = try await s.send(.GET, "/quality", cookie: katrin)
            #expect(Floor.row(containing: ">Q-IN<", in: board.text)?.contains("quarantine") == true, "received into quarantine")
            #expect(Floor.row(containing: ">Q-SET<", in: board.text) != nil, "set to quarantine")

            let release = try await s.send(
                .POST,
                "/quality/lots/Q-SET/status",
                cookie: katrin,
                form: [("form", "lot-Q-SET"), ("status", "available"), ("reason", "measured, fine")]
            )
            #expect(release.status == 303)
            #expect(await s.engine.read { $0.lots["Q-SET"]?.status } == .available)
            #expect(Floor.row(containing: ">Q-SET<", in: try await s.send(.GET, "/quality", cookie: katrin).text) == nil)
        }
    }

    @Test("Quality: place a hold on a lot from the board; releasing it signs: a wrong password is refused in words, the right one releases")
    func holdAndSignedRelease() async throws {
        try await WebServer.run { s in
            try await Self.system(
                s,
                .createLot(
                    NewLot(id: "H-1", item: "CH-NB-32-160", quantity: 3, location: "LOC-STORE", supplierLot: "GS-H1", supplier: "Giesserei Sauerland")
                )
            )
            let password = "a long enough passphrase 42"
            _ = try await s.engine.setPassword(of: "quality", to: password, current: nil, by: .system, client: "test")
            let katrin = try await s.signIn(try await s.issueToken(for: "quality"))
            let placed = try await s.send(
                .POST,
                "/quality/holds",
                cookie: katrin,
                form: [("form", "hold-new"), ("on", "lot"), ("target", "H-1"), ("reason", "porosity found")]
            )
            #expect(placed.status == 303)
            #expect(await s.engine.read { $0.lots["H-1"]?.status } == .onHold)
            let hold = try #require(await s.engine.read { st in st.holds.values.first { $0.lot == "H-1" }?.id.rawValue })
            let board = try await s.send(.GET, "/quality", cookie: katrin)
            let row = try #require(Floor.row(containing: ">\(hold)<", in: board.text))
            #expect(row.contains("id=\"release-\(hold)-password\""), "releasing signs: \(row)")

            let before = await s.engine.committedSequence
            let wrong = try await s.send(
                .POST,
                "/quality/holds/\(hold)/release",
                cookie: katrin,
                form: [("form", "release-\(hold)"), ("reason", "x-ray clean"), ("password", "not my password at all")],
                headers: [("Referer", s.baseURL + "/quality")]
            )
            #expect(wrong.status == 303)
            #expect(await s.engine.committedSequence == before)
            let told = try await s.send(.GET, "/quality", cookie: katrin)
            #expect(told.text.contains("flash error") && told.text.contains("password"), "\(told.text.prefix(2000))")
            #expect(await s.engine.read { $0.lots["H-1"]?.status } == .onHold)

            let right = try await s.send(
                .POST,
                "/quality/holds/\(hold)/release",
                cookie: katrin,
                form: [("form", "release-\(hold)"), ("reason", "x-ray clean"), ("password", password)]
            )
            #expect(right.status == 303)
            #expect(await s.engine.read { $0.holds[.init(hold)]?.released } == true)
            #expect(await s.engine.read { $0.lots["H-1"]?.status } == .available)
        }
    }

    @Test("Quality: record an inspection against a plan whose limits the form shows; a planner is refused; a failed result opens no form twice")
    func inspection() async throws {
        try await WebServer.run { s in
            try await Self.system(
                s,
                .defineInspectionPlan(
                    InspectionPlan(
                        id: "IP-BORE",
                        name: "Bore check",
                        item: "MH-NB-32-160",
                        operation: 10,
                        characteristics: [
                            .variable("bore", "Bore diameter", lower: 31.98, upper: 32.02, unit: "mm"), .attribute("burr", "Free of burrs"),
                        ]
                    )
                )
            )
            _ = try await Floor.prepare(s)  // PO-000007 op 10 is running: there is something to inspect
            let katrin = try await s.signIn(try await s.issueToken(for: "quality"))
            let page = try await s.send(.GET, "/quality?plan=IP-BORE", cookie: katrin)
            #expect(page.text.contains("31.98 – 32.02 mm"), "the limits are shown")
            #expect(page.text.contains("id=\"inspect-IP-BORE-0\""))
            let form = [
                ("form", "inspect-IP-BORE-0"), ("plan", "IP-BORE"), ("productionOrder", "PO-000007"), ("operation", "10"),
                ("m.bore.1", "32.05"), ("m.burr.1", "pass"),
            ]

            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            let before = await s.engine.committedSequence
            _ = try await s.send(.POST, "/quality/inspections", cookie: planner, form: form)
            #expect(await s.engine.committedSequence == before)
            #expect(try await s.send(.GET, "/quality", cookie: planner).text.contains("recordInspectionResult needs one of the roles"))

            let recorded = try await s.send(.POST, "/quality/inspections", cookie: katrin, form: form)
            #expect(recorded.status == 303)
            let result = try #require(await s.engine.read { $0.inspectionResults.last })
            #expect(result.plan == "IP-BORE" && result.productionOrder == "PO-000007" && !result.passed)
            #expect(result.measurements.first { $0.characteristic == "bore" }?.passed == false)
            let told = try await s.send(.GET, "/quality", cookie: katrin)
            #expect(told.text.contains("bore out of limits"), "\(told.text.prefix(1500))")
        }
    }

    @Test("Quality: open a nonconformance and decide its disposition from the board (a supervisor decides without signing)")
    func nonconformance() async throws {
        try await WebServer.run { s in
            try await Self.system(
                s,
                .createLot(
                    NewLot(
                        id: "NC-LOT",
                        item: "CH-NB-32-160",
                        quantity: 3,
                        location: "LOC-STORE",
                        supplierLot: "GS-NC",
                        supplier: "Giesserei Sauerland"
                    )
                )
            )
            let sup = try await s.signIn(try await s.issueToken(for: "supervisor"))
            let missing = try await s.send(
                .POST,
                "/quality/nonconformances",
                cookie: sup,
                form: [("form", "nc-new"), ("description", ""), ("severity", "minor"), ("lots", "NC-LOT")],
                headers: [("Referer", s.baseURL + "/quality")]
            )
            #expect(missing.status == 303)
            #expect(try await s.send(.GET, "/quality", cookie: sup).text.contains("id=\"nc-description-error\""), "beside the field")
            let opened = try await s.send(
                .POST,
                "/quality/nonconformances",
                cookie: sup,
                form: [("form", "nc-new"), ("description", "cracked flange"), ("severity", "minor"), ("lots", "NC-LOT")]
            )
            #expect(opened.status == 303)
            let nc = try #require(await s.engine.read { st in st.nonconformances.values.first { $0.lots == ["NC-LOT"] }?.id.rawValue })
            let board = try await s.send(.GET, "/quality", cookie: sup)
            #expect(board.text.contains("id=\"dispose-\(nc)\""))
            let decided = try await s.send(
                .POST,
                "/quality/nonconformances/\(nc)/disposition",
                cookie: sup,
                form: [("form", "dispose-\(nc)"), ("disposition", "scrap"), ("reason", "crack through the wall")]
            )
            #expect(decided.status == 303)
            #expect(await s.engine.read { $0.nonconformances[.init(nc)]?.disposition?.kind } == .scrap)
        }
    }

    @Test("Interlocks: a supervisor lets an interlock pass with a reason from the interlocks page; an operator sees it but is refused")
    func overrideInterlock() async throws {
        try await WebServer.run { s in
            let morning = WebServer.morning
            let (order, sequence, interlock) = try #require(
                await s.engine.read { st -> (String, Int, String)? in
                    let list = DispatchList(state: st, workCenter: "WC-MILL-1", operator: "op-anna", now: morning)
                    for e in list.items {
                        if let i = e.blockers.compactMap({ Interlock(rawValue: $0.rule) }).first(where: {
                            !$0.isLotInterlock && $0 != .orderOnHold && $0 != .workCenterOnHold
                        }) {
                            return (e.productionOrder.rawValue, e.sequence, i.rawValue)
                        }
                    }
                    return nil
                }
            )
            let formID = "override-\(order)-\(sequence)-\(interlock)"
            let form = [("form", formID), ("order", order), ("operation", String(sequence)), ("interlock", interlock), ("reason", "checked by hand")]

            let anna = try await s.signIn(try await s.issueToken(for: "op-anna"))
            let seen = try await s.send(.GET, "/interlocks?wc=WC-MILL-1&operator=op-anna", cookie: anna)
            #expect(seen.status == 200 && !seen.text.contains("id=\"\(formID)\""))
            let before = await s.engine.committedSequence
            _ = try await s.send(.POST, "/interlocks/override", cookie: anna, form: form)
            #expect(await s.engine.committedSequence == before)
            #expect(try await s.send(.GET, "/interlocks", cookie: anna).text.contains("overrideInterlock needs one of the roles"))

            let sup = try await s.signIn(try await s.issueToken(for: "supervisor"))
            let page = try await s.send(.GET, "/interlocks?wc=WC-MILL-1&operator=op-anna", cookie: sup)
            #expect(page.text.contains("id=\"\(formID)\""), "\(page.text.prefix(3000))")
            let done = try await s.send(.POST, "/interlocks/override", cookie: sup, form: form)
            #expect(done.status == 303)
            let overrides = await s.engine.read { st in
                st.operations[.init(order)]?.first { $0.sequence == sequence }?.overrides.map(\.interlock.rawValue)
            }
            #expect(overrides?.contains(interlock) == true)
        }
    }
}

extension Lot {
    /// The expected receipt this lot was received against, if any.
    func expectedReceipt(in state: PlantState) -> ExpectedReceipt.ID? {
        state.expectedReceipts.values.first { $0.receivedLots.contains(id) }?.id
    }
}
