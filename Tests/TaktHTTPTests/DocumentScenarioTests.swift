import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktOrchestrator
import TaktTestSupport
import Testing

/// Incoming documents from upload to their effect, on the demo plant behind the real server with the orchestrator running
/// (docs/documents.md): a PDF certificate (read by the real `pdftotext`), a CSV delivery note, a text customer order, and
/// malformed files.
@Suite("Incoming documents: upload, verification and effect", .serialized)
struct DocumentScenarioTests {
    /// Uploads `bytes` as a document of `kind`; answers the reply.
    static func upload(_ s: TestServer, _ kind: String, _ bytes: Data, type: String, name: String, token: String) async throws -> TestServer.Reply {
        TestServer.Reply(
            try await s.connection.send(
                .POST,
                "/api/v1/documents?kind=\(kind)&filename=\(name)",
                headers: [("Authorization", "Bearer \(token)"), ("Content-Type", type)],
                body: bytes
            )
        )
    }

    /// The exception the orchestrator raised about a document.
    static func exception(about document: String, in sc: DemoScenario) async throws -> [String: Any] {
        #expect(await sc.orchestrator.waitUntilIdle(timeout: .seconds(120)), "the orchestrator handled the verification")
        let id = try #require(
            await sc.s.engine.read { $0.exceptions.values.first { $0.subject == "document:\(document)" }?.id },
            "an exception about \(document)"
        )
        return try await sc.detail(id.rawValue)
    }

    @Test(
        "A PDF certificate out of spec: read with page and line, refused to the warehouse, verified by quality; the orchestrator proposes holding the supplier lot and, approved, holds it"
    )
    func certificatePDF() async throws {
        try await DemoScenario.run { sc in
            let s = sc.s
            let lot = try #require(
                await s.engine.read { st in
                    st.lots.values.filter { l in
                        l.status == .available && st.items[l.item]?.kind == .purchased && (l.supplierLot ?? "").allSatisfy(\.isASCII)
                            && !(l.supplierLot ?? "").isEmpty && (l.supplier ?? "").allSatisfy(\.isASCII) && !(l.supplier ?? "").isEmpty
                    }
                    .sorted { $0.id < $1.id }.first
                },
                "a purchased lot in stock"
            )
            let plan = """
                {"type":"defineInspectionPlan","data":{"id":"IP-DOC-1","name":"Incoming","item":"\(lot.item)","characteristics":[
                {"id":"hardness","name":"Hardness","kind":"variable","lowerLimit":180,"upperLimit":220,"unit":"HB"}],
                "sampleSize":1,"frequency":"first-piece","failureSeverity":"major","revision":0}}
                """
            try await sc.submit("/api/v1/commands", as: "quality", body: plan, status: 201)
            let pdf = MinimalPDF.make(pages: [
                ["CERTIFICATE OF ANALYSIS 3.1", "Supplier: \(lot.supplier ?? "")", "Item: \(lot.item)", "Lot: \(lot.supplierLot ?? "")"],
                ["Characteristic    Value    Unit", "Hardness          260      HB"],
            ])
            let up = try await Self.upload(
                s,
                "certificate-of-analysis",
                pdf,
                type: "application/pdf",
                name: "coa.pdf",
                token: try sc.token("quality")
            )
            try #require(up.status == 201, "\(up.text)")
            let record = try up.json()
            let id = try #require(record["id"] as? String)
            #expect(record["format"] as? String == "pdf" && record["status"] as? String == "received")
            let fields = try #require(record["fields"] as? [[String: Any]])
            let lotField = try #require(fields.first { $0["name"] as? String == "supplierLot" })
            #expect(lotField["value"] as? String == lot.supplierLot)
            let source = try #require(lotField["source"] as? [String: Any])
            #expect(source["page"] as? Int == 1 && source["line"] as? Int == 4, "\(source)")
            let rows = try #require(record["rows"] as? [[String: Any]])
            #expect((rows.first?["source"] as? [String: Any])?["page"] as? Int == 2)

            let before = await s.engine.committedSequence
            let refused = try await s.send(.POST, "/api/v1/documents/\(id)/verify", token: try sc.token("warehouse"), body: "{}")
            #expect(refused.status == 403, "\(refused.text)")
            #expect(await s.engine.committedSequence == before, "nothing recorded")
            let verified = try await s.send(.POST, "/api/v1/documents/\(id)/verify", token: try sc.token("quality"), body: "{}")
            try #require(verified.status == 200, "\(verified.text)")
            #expect(try eventTypes(verified) == ["documentVerified"])

            let exception = try await Self.exception(about: id, in: sc)
            #expect(exception["kind"] as? String == "quality-hold")
            #expect(exception["playbook"] as? String == "PB-DOC-CERTIFICATE-OUT-OF-SPEC")
            let actions = try #require(exception["actions"] as? [[String: Any]])
            let hold = try #require(actions.first, "a hold is proposed")
            #expect((hold["steps"] as? [[String: Any]])?.first?["kind"] as? String == "place-hold")
            #expect(hold["approvals"] as? [String] == ["quality"])
            let approved = try await s.send(
                .POST,
                "/api/v1/exceptions/\(exception["id"] as? String ?? "")/actions/\(hold["id"] as? String ?? "")/approve",
                token: try sc.token("quality"),
                body: #"{"comment":"hold it"}"#
            )
            try #require(approved.status == 200, "\(approved.text)")
            #expect(await sc.orchestrator.waitUntilIdle(timeout: .seconds(120)))
            #expect(await s.engine.read { $0.lots[lot.id]?.status } == .onHold, "the approved hold is placed")
        }
    }

    @Test("A CSV delivery note against an open purchase order: verified by the warehouse, its lots are received against the expected receipt")
    func deliveryNoteCSV() async throws {
        try await DemoScenario.run(orchestrate: false) { sc in
            let s = sc.s
            let receipt = try #require(
                await s.engine.read { st in
                    st.expectedReceipts.values.filter { $0.status == .open && $0.openQuantity >= 2 && !$0.supplier.contains(",") }.sorted {
                        $0.id < $1.id
                    }.first
                }
            )
            let csv = """
                Supplier,\(receipt.supplier)
                Delivery note,DN-55501
                Purchase order,\(receipt.reference)

                Item,Quantity,Lot
                \(receipt.item),1,SL-A
                \(receipt.item),1,SL-B
                """
            let up = try await Self.upload(s, "delivery-note", Data(csv.utf8), type: "text/csv", name: "dn.csv", token: try sc.token("warehouse"))
            try #require(up.status == 201, "\(up.text)")
            let id = try #require(try up.json()["id"] as? String)
            #expect(try up.json()["issues"] as? [Any] == nil || (try up.json()["issues"] as? [Any])?.isEmpty == true, "\(up.text)")
            let verified = try await s.send(.POST, "/api/v1/documents/\(id)/verify", token: try sc.token("warehouse"), body: "{}")
            try #require(verified.status == 200, "\(verified.text)")
            #expect(try eventTypes(verified).prefix(3) == ["documentVerified", "lotReceived", "lotReceived"])
            let after = try #require(await s.engine.read { $0.expectedReceipts[receipt.id] })
            #expect(after.receivedQuantity == receipt.receivedQuantity + 2)
            #expect(await s.engine.read { $0.lots[.init("\(id)-1")]?.supplierLot } == "SL-A")
            let again = try await s.send(.POST, "/api/v1/documents/\(id)/verify", token: try sc.token("warehouse"), body: "{}")
            #expect(again.status == 409, "verified once: \(again.text)")
        }
    }

    @Test(
        "A text customer order: verified by sales, proposed as a sales order; the orchestrator assesses it like a rush request and, approved, takes it"
    )
    func customerOrderText() async throws {
        try await DemoScenario.run { sc in
            let s = sc.s
            let (customer, item) = try #require(
                await s.engine.read { st -> (Customer, Item.ID)? in
                    guard let c = st.customers.values.filter({ $0.active }).sorted(by: { $0.id < $1.id }).first,
                        let i = st.salesOrders.values.flatMap(\.lines).map(\.item).min()
                    else { return nil }
                    return (c, i)
                }
            )
            let text = """
                PURCHASE ORDER
                Customer: \(customer.id)
                PO Number: 88-1234

                Item            Qty     Delivery date
                \(item)    3       2026-12-18
                """
            let up = try await Self.upload(s, "customer-order", Data(text.utf8), type: "text/plain", name: "po.txt", token: try sc.token("sales"))
            try #require(up.status == 201, "\(up.text)")
            let id = try #require(try up.json()["id"] as? String)
            let verified = try await s.send(.POST, "/api/v1/documents/\(id)/verify", token: try sc.token("sales"), body: "{}")
            try #require(verified.status == 200, "\(verified.text)")
            let so = SalesOrder.ID("SO-\(id)")
            #expect(await s.engine.read { $0.salesOrders[so] } == nil, "proposed, not yet taken")

            let exception = try await Self.exception(about: id, in: sc)
            #expect(exception["kind"] as? String == "rush-order" && exception["playbook"] as? String == "PB-DOC-CUSTOMER-ORDER")
            let actions = try #require(exception["actions"] as? [[String: Any]])
            try #require(!actions.isEmpty)
            for action in actions {
                #expect((action["steps"] as? [[String: Any]])?.first?["kind"] as? String == "take-order", "every option takes the order first")
            }
            let take = try #require(actions.first { ($0["title"] as? String ?? "").hasPrefix("Take ") } ?? actions.first)
            let approvals = try #require(take["approvals"] as? [String])
            #expect(approvals.contains("sales"))
            for role in approvals {
                let approved = try await s.send(
                    .POST,
                    "/api/v1/exceptions/\(exception["id"] as? String ?? "")/actions/\(take["id"] as? String ?? "")/approve",
                    token: try sc.token(role),
                    body: #"{"comment":"take it"}"#
                )
                try #require(approved.status == 200, "\(role): \(approved.text)")
            }
            #expect(await sc.orchestrator.waitUntilIdle(timeout: .seconds(120)))
            let taken = try #require(await s.engine.read { $0.salesOrders[so] }, "the approved action took the order")
            #expect(taken.customer == customer.id && taken.lines.first?.quantity == 3)
        }
    }

    @Test("Malformed files are refused with the field and rule named, and nothing is recorded: a broken PDF, prose, binary bytes, no kind")
    func malformed() async throws {
        try await TestServer.run(demo: true) { s in
            let before = await s.engine.committedSequence
            let broken = try await Self.upload(
                s,
                "delivery-note",
                Data("%PDF-1.4\nnot really\n%%EOF".utf8),
                type: "application/pdf",
                name: "x.pdf",
                token: TestServer.adminToken
            )
            #expect(broken.status == 422 && broken.text.contains("\"field\":\"file\""), "\(broken.text)")
            let prose = try await Self.upload(
                s,
                "delivery-note",
                Data("Dear Sir or Madam,\nplease find our catalogue attached.\nRegards".utf8),
                type: "text/plain",
                name: "letter.txt",
                token: TestServer.adminToken
            )
            #expect(prose.status == 422 && prose.text.contains("unrecognised"), "\(prose.text)")
            let binary = try await Self.upload(
                s,
                "certificate-of-analysis",
                Data([0, 1, 2, 0xFF, 0xFE, 7]),
                type: "application/octet-stream",
                name: "x.bin",
                token: TestServer.adminToken
            )
            #expect(binary.status == 422 && binary.text.contains("not-text"), "\(binary.text)")
            let noKind = TestServer.Reply(
                try await s.connection.send(
                    .POST,
                    "/api/v1/documents",
                    headers: [("Authorization", "Bearer \(TestServer.adminToken)")],
                    body: Data("Lot: 1".utf8)
                )
            )
            #expect(noKind.status == 400 && noKind.text.contains("\"field\":\"kind\""), "\(noKind.text)")
            #expect(await s.engine.committedSequence == before, "nothing recorded")
            // A PDF read by pdftotext whose page lacks the delivery note's table still becomes a record, with the issue named.
            let pdf = MinimalPDF.make(pages: [["Supplier: Acme", "Delivery note: DN-1", "PO: 4500000001"]])
            let partial = try await Self.upload(s, "delivery-note", pdf, type: "application/pdf", name: "dn.pdf", token: TestServer.adminToken)
            #expect(partial.status == 201, "\(partial.text)")
            let issues = try #require(try partial.json()["issues"] as? [[String: Any]])
            #expect(issues.contains { $0["field"] as? String == "rows" && $0["rule"] as? String == "required" })
            let id = try #require(try partial.json()["id"] as? String)
            let verify = try await s.send(.POST, "/api/v1/documents/\(id)/verify", body: "{}")
            #expect(verify.status == 422 && verify.text.contains("\"field\":\"rows\""), "\(verify.text)")
        }
    }
}
