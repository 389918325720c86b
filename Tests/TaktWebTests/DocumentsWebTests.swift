import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktTestSupport
import Testing

@Suite("Web app: incoming documents")
struct DocumentsWebTests {
    @Test(
        "Upload a PDF delivery note on the Documents page, see each field with its page and line, correct what the reading missed, see a refusal beside the field, verify, and the lots are received"
    )
    func uploadCorrectVerify() async throws {
        try await WebServer.run { s in
            let warehouse = try await s.signIn(try await s.issueToken(for: "warehouse"))
            let receipt = try #require(
                await s.engine.read { st in
                    st.expectedReceipts.values.filter { $0.status == .open && $0.openQuantity >= 3 && $0.supplier.allSatisfy(\.isASCII) }
                        .sorted { $0.id < $1.id }.first
                }
            )
            let list = try await s.send(.GET, "/documents", cookie: warehouse)
            #expect(list.status == 200 && list.text.contains("enctype=\"multipart/form-data\""))
            // The letterhead names the supplier without a label, and the table has a position column: a person completes it.
            let pdf = MinimalPDF.make(pages: [
                [receipt.supplier, "DELIVERY NOTE", "Delivery note no.: LS-0815", "Your order: \(receipt.reference)"],
                ["Pos  Item              Qty    Batch", "1    \(receipt.item)    3      B-77"],
            ])
            let boundary = "----takt-documents-boundary"
            let token = try #require(s.formTokens[warehouse])
            var body = Data()
            func part(_ name: String, _ value: Data, file: String? = nil, type: String? = nil) {
                var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
                if let file { head += "; filename=\"\(file)\"" }
                if let type { head += "\r\nContent-Type: \(type)" }
                body += Data((head + "\r\n\r\n").utf8) + value + Data("\r\n".utf8)
            }
            part("_csrf", Data(token.utf8))
            part("kind", Data("delivery-note".utf8))
            part("file", pdf, file: "ls0815.pdf", type: "application/pdf")
            body += Data("--\(boundary)--\r\n".utf8)
            let uploaded = try await s.connection.send(
                .POST,
                "/documents",
                headers: [("Cookie", warehouse), ("Content-Type", "multipart/form-data; boundary=\(boundary)")],
                body: body
            )
            #expect(uploaded.status == 303, "\(String(decoding: uploaded.body, as: UTF8.self).suffix(800))")
            let location = try #require(uploaded.headers["Location"].first)
            let id = String(location.split(separator: "/").last ?? "")
            let page = try await s.send(.GET, location, cookie: warehouse)
            #expect(page.text.contains("page 1, line 3: Delivery note no.: LS-0815"), "\(page.text.suffix(3000))")
            #expect(page.text.contains("page 2, line 2"))
            #expect(page.text.contains("Supplier was not found"), "the missing supplier is marked")

            // A wrong supplier is refused, in words beside the field; nothing is received.
            let wrong = try await s.send(.POST, "/documents/\(id)/verify", cookie: warehouse, form: [("f.supplier", "Nobody Ltd")])
            #expect(wrong.status == 303)
            let refused = try await s.send(.GET, "/documents/\(id)", cookie: warehouse)
            #expect(refused.text.contains("field-error") && refused.text.contains("expects no open delivery"), "\(refused.text.prefix(2000))")
            #expect(refused.text.contains("value=\"Nobody Ltd\""), "what was typed is shown again")
            #expect(await s.engine.read { $0.documents[.init(id)]?.status } == .received)

            let verified = try await s.send(.POST, "/documents/\(id)/verify", cookie: warehouse, form: [("f.supplier", receipt.supplier)])
            #expect(verified.status == 303)
            let done = try await s.send(.GET, "/documents/\(id)", cookie: warehouse)
            #expect(done.text.contains("received 1 lot"), "\(done.text.prefix(2000))")
            #expect(done.text.contains("corrected (read: nothing)"))
            #expect(await s.engine.read { $0.expectedReceipts[receipt.id]?.receivedQuantity } == receipt.receivedQuantity + 3)

            // An operator does not see the page.
            let op = try await s.signIn(try await s.issueToken(for: "op-anna"))
            #expect(try await s.send(.GET, "/documents", cookie: op).status == 403)
        }
    }
}
