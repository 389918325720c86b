import Foundation
import TaktCore
import TaktEngine
import TaktService
import TaktTestSupport
import Testing

/// From bytes to a document record in the service (PDF through the real `pdftotext`), and the watched folder.
@Suite("Incoming documents: files and the watched folder")
struct DocumentIntakeTests {
    static func service() async throws -> PlantService {
        PlantService(engine: try await TestPlant.engine(demo: false, clock: TestClock().read))
    }

    @Test("A PDF is read by pdftotext, its pages kept apart; a page's lines keep their columns")
    func pdfIntake() async throws {
        let pdf = MinimalPDF.make(pages: [
            ["Supplier: Acme Castings", "Lot: L-77"], ["Characteristic    Value   Unit", "Hardness          320     HB"],
        ])
        let command = try await DocumentIntake.command(DocumentUpload(kind: .certificate, filename: "dir/coa.pdf", bytes: pdf), pdf: .pdftotext)
        guard case .receiveDocument(let r) = command else {
            Issue.record("not a receiveDocument")
            return
        }
        #expect(r.format == .pdf && r.filename == "coa.pdf" && r.pages.count == 2)
        #expect(r.pages[1].contains("Hardness") && r.pages[1].contains("320"))
        let reading = try DocumentExtraction.read(pages: r.pages, kind: .certificate, format: .pdf, template: nil)
        #expect(reading.rows.first?.value("value") == "320" && reading.rows.first?.source?.page == 2)
    }

    @Test("Bytes that are no document are refused naming the file: empty, binary, a broken PDF")
    func refusals() async throws {
        func rule(_ bytes: Data, _ name: String = "x.txt") async -> String? {
            do {
                _ = try await DocumentIntake.command(DocumentUpload(kind: .deliveryNote, filename: name, bytes: bytes), pdf: .pdftotext)
                return nil
            } catch {
                return error.violations.first.map { "\($0.field) \($0.rule)" }
            }
        }
        #expect(await rule(Data()) == "file required")
        #expect(await rule(Data([0x00, 0x01, 0x02])) == "file not-text")
        #expect(await rule(Data("%PDF-1.7\ngarbage".utf8), "x.pdf") == "file pdf")
    }

    @Test("Random bytes never crash the intake: each is a command or a refusal naming the file")
    func randomBytes() async throws {
        var rng = SeededRandom(seed: 5)
        for _ in 0..<200 {
            let bytes = Data((0..<rng.int(0...300)).map { _ in UInt8(rng.int(0...255)) })
            do {
                let command = try await DocumentIntake.command(DocumentUpload(kind: .customerOrder, filename: "r.txt", bytes: bytes), pdf: .pdftotext)
                #expect(CommandValues.violations(of: command).isEmpty, "a command the plant's value rules accept")
            } catch {
                #expect(error.violations.allSatisfy { $0.field == "file" && !$0.rule.isEmpty })
            }
        }
    }

    @Test("The watched folder receives a file once its size is steady, moves it to processed/, and a bad one to rejected/ with the field and rule")
    func watchedFolder() async throws {
        let service = try await Self.service()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("takt-docs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = DocumentFolder(root: root, service: service)
        try folder.prepare()
        let notes = root.appendingPathComponent("delivery-note")
        try Data("Supplier: Acme\nDelivery note: DN-9\nPO: 4500000001\nItem  Quantity  Lot\nCASTING  5  L-1\n".utf8)
            .write(to: notes.appendingPathComponent("dn9.txt"))
        try MinimalPDF.make(pages: [["Supplier: Acme", "Item: CASTING", "Lot: L-1", "Characteristic  Value", "Hardness  200"]])
            .write(to: root.appendingPathComponent("certificate-of-analysis").appendingPathComponent("coa.pdf"))
        try Data("Dear customer, thank you.\n".utf8).write(to: root.appendingPathComponent("customer-order").appendingPathComponent("letter.txt"))
        try Data("half".utf8).write(to: notes.appendingPathComponent("upload.part"))

        #expect(await folder.scan().isEmpty, "first sight: each file waits one scan for its size to settle")
        let outcomes = await folder.scan()
        #expect(outcomes.count == 3, "\(outcomes)")
        let received = outcomes.compactMap { outcome -> String? in
            if case .received(let file, _) = outcome { return file }
            return nil
        }
        #expect(received.sorted() == ["certificate-of-analysis/coa.pdf", "delivery-note/dn9.txt"])
        let fm = FileManager.default
        #expect(fm.fileExists(atPath: notes.appendingPathComponent("processed/dn9.txt").path))
        #expect(fm.fileExists(atPath: root.appendingPathComponent("certificate-of-analysis/processed/coa.pdf").path))
        let error = try String(contentsOf: root.appendingPathComponent("customer-order/rejected/letter.txt.error.txt"), encoding: .utf8)
        #expect(error.contains("document:") && error.contains("[unrecognised]"), "\(error)")
        #expect(fm.fileExists(atPath: notes.appendingPathComponent("upload.part").path), "a partial upload is left alone")
        #expect(await folder.scan().isEmpty, "nothing left to do")
        let documents = await service.read {
            $0.documents.values.map { "\($0.kind.rawValue) \($0.filename) \($0.receivedBy?.rawValue ?? "system")" }.sorted()
        }
        #expect(documents == ["certificate-of-analysis coa.pdf system", "delivery-note dn9.txt system"])
    }

    @Test("A file put in the folder again after a crash between receiving and moving it is not received twice")
    func folderIdempotent() async throws {
        let service = try await Self.service()
        let bytes = Data("Supplier: Acme\nDelivery note: DN-9\nPO: 1\nItem  Quantity  Lot\nCASTING  5  L-1\n".utf8)
        let upload = DocumentUpload(kind: .deliveryNote, filename: "dn9.txt", bytes: bytes)
        let first = try await service.receiveFolderDocument(upload, path: "delivery-note/dn9.txt")
        let again = try await service.receiveFolderDocument(upload, path: "delivery-note/dn9.txt")
        #expect(again.replayed && first.events.map(\.sequence) == again.events.map(\.sequence))
        #expect(await service.read { $0.documents.count } == 1)
    }
}
