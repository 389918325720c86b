import Foundation
import TaktCore
import Testing

/// The pump shop with what documents are checked against: an incoming inspection plan for the casting, a receiving
/// location, an expected receipt of castings on purchase order PO-4500, and users of each office role.
func documentShop() -> TestPlant {
    var plant = TestPlant.pumpShop()
    plant.accept(.defineLocation(Location(id: "LOC-RECEIVING", name: "Goods in", site: "PLANT-1", kind: .receiving)))
    plant.accept(
        .defineInspectionPlan(
            InspectionPlan(
                id: "IP-CASTING",
                name: "Casting incoming",
                item: "CASTING",
                characteristics: [
                    .variable("hardness", "Hardness", lower: 180, upper: 220, unit: "HB"),
                    .variable("tensile", "Tensile strength", lower: 400, upper: nil, unit: "MPa"),
                ]
            )
        )
    )
    plant.accept(
        .expectReceipt(
            ExpectReceipt(id: "ER-1", item: "CASTING", quantity: 100, expectedDate: day(2), supplier: "Giesserei Sauerland", reference: "PO-4500")
        )
    )
    for (id, role) in [("qa", Role.quality), ("wh", .warehouse), ("so", .sales)] {
        plant.accept(.createUser(User(id: User.ID(id), name: id, roles: [role])))
    }
    return plant
}

/// Receives `text` as a document of `kind`; returns its record.
@discardableResult
func receive(
    _ plant: inout TestPlant,
    _ kind: DocumentKind,
    _ text: String,
    format: DocumentFormat = .text,
    id: IncomingDocument.ID? = nil
) -> IncomingDocument? {
    let events = plant.accept(.receiveDocument(ReceiveDocument(id: id, kind: kind, format: format, filename: "doc.txt", pages: [text])))
    guard case .documentReceived(let d)? = events.first else { return nil }
    return d
}

let certificateText = """
    CERTIFICATE OF ANALYSIS  3.1
    Supplier: Giesserei Sauerland          Date: 2026-11-20
    Item: CASTING
    Lot No.: GS-2611-0042

    Characteristic      Value     Unit
    Hardness            235       HB
    Tensile strength    455       MPa

    Approved: K. Berger
    """

@Suite("Incoming documents: reading")
struct DocumentReadingTests {
    @Test("A text certificate is read generically, every field with the page and line it came from")
    func certificateWithProvenance() throws {
        let reading = try DocumentExtraction.read(pages: [certificateText], kind: .certificate, format: .text, template: nil)
        let lot = try #require(reading.fields.first { $0.name == "supplierLot" })
        #expect(lot.value == "GS-2611-0042")
        #expect(lot.source?.page == 1 && lot.source?.line == 4)
        #expect(reading.fields.first { $0.name == "supplier" }?.value == "Giesserei Sauerland")
        #expect(reading.fields.first { $0.name == "date" }?.value == "2026-11-20")
        #expect(reading.rows.count == 2)
        #expect(reading.rows[0].value("characteristic") == "Hardness" && reading.rows[0].value("value") == "235")
        #expect(reading.rows[1].source?.line == 8)
        #expect(reading.issues.isEmpty, "\(reading.issues)")
    }

    @Test("A CSV delivery note is read: labels in the first column, then a table with its header row; a PDF's second page keeps its number")
    func csvDeliveryNote() throws {
        let csv = """
            Supplier,Giesserei Sauerland
            Delivery note no,DN-7781
            "Your order",PO-4500

            Item,Qty,Batch
            CASTING,"60",GS-2611-0042
            CASTING,40,GS-2611-0043
            """
        let reading = try DocumentExtraction.read(pages: [csv], kind: .deliveryNote, format: .csv, template: nil)
        #expect(reading.fields.map { $0.value ?? "-" } == ["Giesserei Sauerland", "DN-7781", "PO-4500", "-"])
        #expect(reading.rows.map { $0.value("quantity") } == ["60", "40"])
        #expect(reading.rows.map { $0.value("supplierLot") } == ["GS-2611-0042", "GS-2611-0043"])
        let twoPages = try DocumentExtraction.read(
            pages: ["Supplier: Giesserei Sauerland\nDelivery note: DN-1\nPO: PO-4500", "Item  Quantity  Lot\nCASTING  5  L-1"],
            kind: .deliveryNote,
            format: .pdf,
            template: nil
        )
        #expect(twoPages.rows.first?.source?.page == 2 && twoPages.rows.first?.source?.line == 2)
    }

    @Test("A table heading the reading does not know (a position number) is a column it skips")
    func unknownColumnsSkipped() throws {
        let text = """
            DichtTec KG
            Delivery note no.: LS-2026-0815
            Your order: 4500001200

            Pos  Item             Qty    Batch
            1    SEAL-NB-32-160   10     DT-7781
            """
        let reading = try DocumentExtraction.read(pages: [text], kind: .deliveryNote, format: .text, template: nil)
        #expect(reading.rows.count == 1)
        #expect(reading.rows.first?.cells.map(\.name) == ["item", "quantity", "supplierLot"])
        #expect(reading.rows.first?.value("item") == "SEAL-NB-32-160" && reading.rows.first?.value("supplierLot") == "DT-7781")
        #expect(reading.issues.map(\.field) == ["supplier"], "the letterhead is no label: a person fills the supplier in")
    }

    @Test("A template reads one supplier's own layout; the fields it does not give are read generically")
    func templateReading() throws {
        let template = DocumentTemplate(
            id: "TPL-SAUERLAND",
            name: "Sauerland certificates",
            kind: .certificate,
            party: "Giesserei Sauerland",
            match: ["GIESSEREI SAUERLAND"],
            fields: [
                TemplateField(name: "supplierLot", pattern: "Schmelze\\s+([A-Z0-9-]+)"), TemplateField(name: "item", pattern: "Teil:\\s*(\\S+)"),
            ],
            table: TemplateTable(header: "^Merkmal", columns: ["characteristic", "value", "unit"], separator: "\\s*\\|\\s*")
        )
        let text = """
            GIESSEREI SAUERLAND GMBH — Werkszeugnis
            Teil: CASTING   Schmelze H-99-12
            Datum: 2026-11-20
            Merkmal | Wert | Einheit
            Hardness | 201 | HB
            Tensile strength | 420 | MPa
            """
        let reading = try DocumentExtraction.read(pages: [text], kind: .certificate, format: .text, template: template)
        #expect(reading.fields.first { $0.name == "supplierLot" }?.value == "H-99-12")
        #expect(reading.fields.first { $0.name == "item" }?.value == "CASTING")
        #expect(reading.fields.first { $0.name == "supplier" }?.value == "Giesserei Sauerland", "the template's party")
        #expect(reading.rows.map { $0.value("value") } == ["201", "420"])
        #expect(reading.issues.isEmpty, "\(reading.issues)")
    }

    @Test("A document with no text, an open CSV quote, or nothing of its kind is refused, naming the field and rule")
    func malformedDocuments() {
        func refusal(_ pages: [String], _ format: DocumentFormat = .text) -> Violation? {
            do {
                _ = try DocumentExtraction.read(pages: pages, kind: .deliveryNote, format: format, template: nil)
                return nil
            } catch {
                return error.violations.first
            }
        }
        #expect(refusal(["  \n\n "])?.rule == "empty")
        #expect(refusal([])?.field == "pages")
        #expect(refusal(["Supplier,ACME\n\"DN-1,5"], .csv).map { "\($0.field) \($0.rule)" } == "pages[0] csv-quote")
        let prose = refusal(["Dear customer,\nthank you for your business.\nKind regards"])
        #expect(prose?.field == "document" && prose?.rule == "unrecognised", "\(String(describing: prose))")
        #expect(refusal(Array(repeating: "Supplier: A", count: 51))?.rule == "max-count")
    }

    @Test("A missing field, a row without a quantity and a quantity that is not a number are issues naming the field")
    func issuesNameTheField() throws {
        let text = """
            Supplier: Giesserei Sauerland
            PO: PO-4500
            Item    Quantity   Lot
            CASTING  twelve    GS-1
            CASTING
            """
        let reading = try DocumentExtraction.read(pages: [text], kind: .deliveryNote, format: .text, template: nil)
        let named = Set(reading.issues.map { "\($0.field) \($0.rule)" })
        #expect(named.contains("deliveryNote required"))
        #expect(named.contains("rows[0].quantity number"))
        #expect(named.contains("rows[1].quantity required"))
        #expect(reading.issues.first { $0.field == "rows[0].quantity" }?.message.contains("line 4") == true)
    }

    @Test("Numbers and days are read as documents write them")
    func numbersAndDays() {
        #expect(DocumentExtraction.number("1,200") == 1200)
        #expect(DocumentExtraction.number("12,5") == 12.5)
        #expect(DocumentExtraction.number("1.200,5") == 1200.5)
        #expect(DocumentExtraction.number("300 HB") == 300)
        #expect(DocumentExtraction.number("0,25") == 0.25)
        #expect(DocumentExtraction.number("twelve") == nil)
        #expect(DocumentExtraction.number("12 34 x 5") == nil)
        #expect(DocumentExtraction.day("04.12.2026") == "2026-12-04")
        #expect(DocumentExtraction.day("2026/12/04") == "2026-12-04")
        #expect(DocumentExtraction.day("31.02.2026") == nil)
        #expect(DocumentExtraction.day("next week") == nil)
    }

    @Test("Reading random text never crashes: every seed gives a record or a refusal that names a field and a rule")
    func randomText() {
        var rng = SeededRandom(seed: 17)
        let alphabet = Array("abcXYZ019 :;,.\"|\t\n-=ÄÖü€") + ["\u{0C}", "\r"]
        for run in 0..<300 {
            let length = rng.int(0...400)
            let text = String((0..<length).map { _ in alphabet[rng.int(0...(alphabet.count - 1))] })
            let kind = DocumentKind.allCases[run % 3]
            let format = DocumentFormat.allCases[run % 3]
            do {
                let reading = try DocumentExtraction.read(pages: [text, text], kind: kind, format: format, template: nil)
                #expect(reading.fields.map(\.name) == kind.fields)
                for issue in reading.issues { #expect(!issue.field.isEmpty && !issue.rule.isEmpty) }
            } catch {
                #expect(!error.violations.isEmpty && error.violations.allSatisfy { !$0.field.isEmpty && !$0.rule.isEmpty }, "seed run \(run)")
            }
        }
    }
}

@Suite("Incoming documents: verification and its effect")
struct DocumentVerificationTests {
    @Test("A certificate out of spec is verified by quality; its check lists the values outside the limits and the lots it concerns")
    func certificateOutOfSpec() throws {
        var plant = documentShop()
        plant.accept(TestPlant.castingLot("LOT-C1"))
        let status = plant.state.lots["LOT-C1"]?.status
        let d = try #require(receive(&plant, .certificate, certificateText))
        #expect(d.id == "DOC-000001" && d.status == .received)
        let verify = Command.verifyDocument(VerifyDocument(document: d.id))
        // A warehouse user does not verify a certificate.
        #expect(throws: DomainError.self) { try plant.state.decide(verify, actor: "wh", now: testNow) }
        let events = try plant.state.decide(verify, actor: "qa", now: testNow)
        for e in events { plant.state.apply(e, sequence: plant.state.sequence + 1) }
        guard case .documentVerified(let v)? = events.first else {
            Issue.record("no documentVerified")
            return
        }
        #expect(events.count == 1, "a certificate changes nothing else by itself: the orchestrator proposes the hold")
        #expect(v.check.outOfSpec == 1)
        #expect(v.check.results?.first { $0.characteristic == "hardness" }?.passed == false)
        #expect(v.check.results?.first { $0.characteristic == "tensile" }?.passed == true)
        #expect(v.check.lots == ["LOT-C1"])
        #expect(v.check.summary.contains("Hardness 235 HB (limits 180–220)"), "\(v.check.summary)")
        #expect(plant.state.documents[d.id]?.status == .verified)
        #expect(plant.state.lots["LOT-C1"]?.status == status, "nothing is held until quality approves the proposal")
        // Verified once.
        plant.expectRejected(verify, .conflict, field: "document", rule: "status")
        plant.expectRejected(.rejectDocument(RejectDocument(document: d.id, reason: "late")), .conflict, field: "document", rule: "status")
    }

    @Test("A certificate missing a characteristic, or with a value that is not a number, is refused naming the row; nothing changes")
    func certificateRefusals() throws {
        var plant = documentShop()
        let d = try #require(receive(&plant, .certificate, certificateText))
        let before = plant.state
        plant.expectRejected(
            .verifyDocument(VerifyDocument(document: d.id, corrections: [DocumentCorrection(field: "rows[1].characteristic", value: "")])),
            .invalid,
            field: "rows[1].characteristic",
            rule: "required"
        )
        plant.expectRejected(
            .verifyDocument(VerifyDocument(document: d.id, corrections: [DocumentCorrection(field: "rows[0].value", value: "hard")])),
            .invalid,
            field: "rows[0].value",
            rule: "number"
        )
        plant.expectRejected(
            .verifyDocument(VerifyDocument(document: d.id, corrections: [DocumentCorrection(field: "rows[1].characteristic", value: "Colour")])),
            .invalid,
            field: "rows[1].characteristic",
            rule: "unknown-characteristic"
        )
        plant.expectRejected(
            .verifyDocument(VerifyDocument(document: d.id, corrections: [DocumentCorrection(field: "item", value: "NOPE")])),
            .invalid,
            field: "item",
            rule: "unknown-reference"
        )
        plant.expectRejected(
            .verifyDocument(VerifyDocument(document: d.id, corrections: [DocumentCorrection(field: "colour", value: "red")])),
            .invalid,
            field: "corrections[0].field",
            rule: "unknown-field"
        )
        #expect(plant.state == before)
    }

    @Test("A delivery note verified by the warehouse receives its lots against the purchase order's expected receipt, in the same commit")
    func deliveryNoteReceipt() throws {
        var plant = documentShop()
        let text = """
            Supplier: Giesserei Sauerland
            Delivery note: DN-7781
            Your order: PO-4500
            Item      Quantity   Lot
            CASTING   60         GS-2611-0042
            CASTING   40 ea      GS-2611-0043
            """
        let d = try #require(receive(&plant, .deliveryNote, text))
        let events = try plant.state.decide(.verifyDocument(VerifyDocument(document: d.id)), actor: "wh", now: testNow)
        for e in events { plant.state.apply(e, sequence: plant.state.sequence + 1) }
        #expect(events.map(\.typeName) == ["documentVerified", "lotReceived", "lotReceived"])
        let lot = try #require(plant.state.lots["DOC-000001-1"])
        #expect(lot.quantity == 60 && lot.supplierLot == "GS-2611-0042" && lot.deliveryNote == "DN-7781" && lot.location == "LOC-RECEIVING")
        #expect(plant.state.expectedReceipts["ER-1"]?.receivedQuantity == 100)
        #expect(plant.state.documents[d.id]?.check?.received == ["DOC-000001-1", "DOC-000001-2"])
    }

    @Test("A delivery note for more than is open, an unknown item or a quantity that is not a number is refused whole: nothing is received")
    func deliveryNoteRefusals() throws {
        var plant = documentShop()
        let text = """
            Supplier: Giesserei Sauerland
            Delivery note: DN-7782
            PO: PO-4500
            Item      Quantity   Lot
            CASTING   60         GS-1
            CASTING   60         GS-2
            """
        let d = try #require(receive(&plant, .deliveryNote, text))
        let before = plant.state
        plant.expectRejected(.verifyDocument(VerifyDocument(document: d.id)), .invalid, field: "rows[1].quantity", rule: "over-delivery")
        plant.expectRejected(
            .verifyDocument(VerifyDocument(document: d.id, corrections: [DocumentCorrection(field: "rows[1].item", value: "GADGET")])),
            .invalid,
            field: "rows[1].item",
            rule: "unknown-reference"
        )
        plant.expectRejected(
            .verifyDocument(VerifyDocument(document: d.id, corrections: [DocumentCorrection(field: "rows[1].quantity", value: "sixty")])),
            .invalid,
            field: "rows[1].quantity",
            rule: "number"
        )
        plant.expectRejected(
            .verifyDocument(VerifyDocument(document: d.id, corrections: [DocumentCorrection(field: "purchaseOrder", value: "PO-9999")])),
            .invalid,
            field: "rows[0].item",
            rule: "no-expected-receipt"
        )
        #expect(plant.state == before)
        // Corrected by a person, it goes through; the correction keeps the value as read.
        let events = try plant.state.decide(
            .verifyDocument(VerifyDocument(document: d.id, corrections: [DocumentCorrection(field: "rows[1].quantity", value: "40")])),
            actor: "wh",
            now: testNow
        )
        guard case .documentVerified(let v)? = events.first else {
            Issue.record("no documentVerified")
            return
        }
        let cell = v.rows[1].cells.first { $0.name == "quantity" }
        #expect(cell?.value == "40" && cell?.extracted == "60" && cell?.corrected == true)
    }

    @Test("A customer order for an unknown customer is refused naming the customer")
    func unknownCustomer() throws {
        var plant = documentShop()
        let d = try #require(
            receive(&plant, .customerOrder, "Customer: Nobody GmbH\nPurchase order: 4711\nItem  Qty  Delivery date\nPUMP  5  2026-12-10")
        )
        plant.expectRejected(.verifyDocument(VerifyDocument(document: d.id)), .invalid, field: "customer", rule: "unknown-reference")
    }

    @Test("A new customer order proposes a sales order; a change proposes the changed one; an unchanged one proposes nothing")
    func customerOrders() throws {
        var plant = documentShop()
        let order = "Customer: Stadtwerke Nordhafen\nPurchase order: 4711\nItem  Qty  Delivery date\nPUMP  5  04.12.2026"
        let d = try #require(receive(&plant, .customerOrder, order))
        // Sales verify customer orders; quality does not.
        #expect(throws: DomainError.self) { try plant.state.decide(.verifyDocument(VerifyDocument(document: d.id)), actor: "qa", now: testNow) }
        let events = try plant.state.decide(.verifyDocument(VerifyDocument(document: d.id)), actor: "so", now: testNow)
        for e in events { plant.state.apply(e, sequence: plant.state.sequence + 1) }
        let check = try #require(plant.state.documents[d.id]?.check)
        let proposal = try #require(check.proposedSalesOrder)
        #expect(proposal.id == "SO-DOC-000001" && proposal.customer == "CUST-1" && proposal.lines.first?.quantity == 5)
        #expect(check.proposedLines == 1 && check.replaces == nil)
        #expect(plant.state.salesOrders.isEmpty, "proposed, not taken: the orchestrator assesses it and sales approve")
        // Once taken (the approved action), a change to the same purchase order is checked against it.
        plant.accept(.createSalesOrder(proposal))
        let change = try #require(
            receive(&plant, .customerOrder, "Customer: CUST-1\nPurchase order: 4711\nItem  Qty  Delivery date\nPUMP  8  2026-12-04")
        )
        plant.accept(.verifyDocument(VerifyDocument(document: change.id)))
        let changed = try #require(plant.state.documents[change.id]?.check)
        #expect(changed.replaces == "SO-DOC-000001" && changed.changes == ["line 1: quantity 5 → 8"])
        #expect(changed.proposedSalesOrder?.lines.first?.quantity == 8)
        let same = try #require(
            receive(
                &plant,
                .customerOrder,
                "Customer: CUST-1\nPurchase order: 4711\nSales order: SO-DOC-000001\nItem  Qty  Date\nPUMP  5  2026-12-04"
            )
        )
        plant.accept(.verifyDocument(VerifyDocument(document: same.id)))
        #expect(plant.state.documents[same.id]?.check?.proposedLines == 0)
        #expect(plant.state.documents[same.id]?.check?.proposedSalesOrder == nil)
    }

    @Test("A customer's PO matches the sales order's lines in order, whatever their numbers (10, 20): the same order changes nothing")
    func customerOrderMatchesLinesInOrder() throws {
        var plant = documentShop()
        plant.accept(
            .createSalesOrder(
                NewSalesOrder(
                    id: "SO-10001",
                    customer: "CUST-1",
                    lines: [
                        SalesOrderLine(
                            line: 10,
                            item: "PUMP",
                            quantity: 5,
                            requestedDate: try #require(PlantDay.end(of: "2026-12-04", in: plant.state.plantTimeZone))
                        )
                    ]
                )
            )
        )
        let same = try #require(
            receive(&plant, .customerOrder, "Customer: CUST-1\nPurchase order: 77\nSales order: SO-10001\nItem  Qty  Date\nPUMP  5  2026-12-04")
        )
        plant.accept(.verifyDocument(VerifyDocument(document: same.id)))
        let unchanged = try #require(plant.state.documents[same.id]?.check)
        #expect(unchanged.proposedLines == 0 && unchanged.changes == [] && unchanged.proposedSalesOrder == nil)
        // One more row: line 10 stays as it is, the new row is line 20.
        let more = try #require(
            receive(
                &plant,
                .customerOrder,
                "Customer: CUST-1\nPurchase order: 77\nSales order: SO-10001\nItem  Qty  Date\nPUMP  5  2026-12-04\nPUMP  2  2026-12-05"
            )
        )
        plant.accept(.verifyDocument(VerifyDocument(document: more.id)))
        let changed = try #require(plant.state.documents[more.id]?.check)
        #expect(changed.changes == ["line 20 is new: 2 × PUMP by 2026-12-05"])
        #expect(changed.proposedSalesOrder?.lines.map(\.line) == [10, 20])
    }

    @Test("A rejected document takes no effect and cannot be verified after")
    func rejection() throws {
        var plant = documentShop()
        let d = try #require(receive(&plant, .certificate, certificateText))
        plant.expectRejected(.rejectDocument(RejectDocument(document: d.id, reason: " ")), .invalid, field: "reason", rule: "required")
        plant.accept(.rejectDocument(RejectDocument(document: d.id, reason: "Not our supplier")))
        #expect(plant.state.documents[d.id]?.status == .rejected && plant.state.documents[d.id]?.rejectReason == "Not our supplier")
        plant.expectRejected(.verifyDocument(VerifyDocument(document: d.id)), .conflict, field: "document", rule: "status")
        plant.expectRejected(.verifyDocument(VerifyDocument(document: "DOC-999")), .notFound, field: "document", rule: "not-found")
    }

    @Test("Templates are checked: a field of another kind, a pattern that is no regular expression, a table without its required columns")
    func templateRules() {
        let plant = documentShop()
        let bad = DocumentTemplate(
            id: "TPL-1",
            name: "Bad",
            kind: .deliveryNote,
            fields: [TemplateField(name: "supplierLot", pattern: "("), TemplateField(name: "deliveryNote", pattern: "([")],
            table: TemplateTable(header: "Item", columns: ["item", "quantity"])
        )
        let error = plant.rejection(of: .defineDocumentTemplate(bad))
        let named = Set(error?.violations.map { "\($0.field) \($0.rule)" } ?? [])
        #expect(named.contains("fields[0].name unknown-field"))
        #expect(named.contains("fields[1].pattern pattern"))
        #expect(named.contains("table.columns required"))
        var good = plant
        good.accept(.defineDocumentTemplate(DocumentTemplate(id: "TPL-2", name: "Good", kind: .deliveryNote, match: ["ACME"])))
        good.expectRejected(
            .receiveDocument(ReceiveDocument(kind: .certificate, format: .text, filename: "x", template: "TPL-2", pages: ["Lot: 1"])),
            .invalid,
            field: "template",
            rule: "kind-mismatch"
        )
        let events = good.accept(
            .receiveDocument(ReceiveDocument(kind: .deliveryNote, format: .text, filename: "x", pages: ["ACME Ltd\nDelivery note: 5"]))
        )
        guard case .documentReceived(let d)? = events.first else { return }
        #expect(d.template == "TPL-2", "selected by its match text")
    }

    @Test("Replaying the documents' events from the log gives the same state")
    func replay() throws {
        var plant = documentShop()
        let d = try #require(receive(&plant, .certificate, certificateText))
        plant.accept(.verifyDocument(VerifyDocument(document: d.id)))
        let encoded = try TaktJSON.encoder.encode(plant.state)
        let decoded = try TaktJSON.decoder.decode(PlantState.self, from: encoded)
        #expect(decoded == plant.state)
    }
}
