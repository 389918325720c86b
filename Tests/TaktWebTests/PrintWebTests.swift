import Foundation
import NIOCore
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktTestSupport
import Testing

@testable import TaktWeb

/// Code 128-B against encodings made by another implementation (python-barcode 0.16.1, code set B), and the printable
/// pages, ZPL and PDF on the demo plant.
@Suite("Printing: Code 128, travelers, lot labels, pick lists")
struct PrintWebTests {
    @Test(
        "Code 128-B: symbol values, the modulo-103 checksum and the modules match known encodings",
        arguments: [
            (
                "CAST-33", [104, 35, 33, 51, 52, 13, 19, 19], 54,
                "1101001000010001000110101000110001101110100011011100010100110111001100101110011001011100111010110001100011101011"
            ),
            (
                "PJJ123C", [104, 48, 42, 42, 17, 18, 19, 35], 55,
                "1101001000011101110110101101110001011011100010011100110110011100101100101110010001000110111010001101100011101011"
            ),
            (
                "Wikipedia", [104, 55, 73, 75, 73, 80, 69, 68, 73, 65], 88,
                "11010010000111010001101000011010011000010010100001101001010011110010110010000100001001101000011010010010110000111100100101100011101011"
            ),
            (
                "Lot 7/a", [104, 44, 79, 84, 0, 23, 15, 65], 85,
                "1101001000010001101110100011110101001111010011011001100111011011101011100110010010110000100111100101100011101011"
            ),
        ]
    )
    func code128(text: String, values: [Int], checksum: Int, bits: String) throws {
        let encoded = try Code128.values(text)
        #expect(Array(encoded.dropLast(2)) == values)
        #expect(encoded[encoded.count - 2] == checksum)
        #expect(Code128.checksum(Array(values.dropFirst())) == checksum)
        #expect(encoded.last == 106)
        #expect(try Code128.bits(text) == bits)
    }

    @Test("Every Code 128 symbol is 11 modules (Stop 13) with bars of an even total width; text outside code set B is refused")
    func code128Table() {
        #expect(Code128.patterns.count == 107)
        for (value, pattern) in Code128.patterns.enumerated() {
            let widths = pattern.compactMap { Int(String($0)) }
            #expect(widths.reduce(0, +) == (value == 106 ? 13 : 11), "symbol \(value)")
            let bars = stride(from: 0, to: widths.count, by: 2).map { widths[$0] }.reduce(0, +)
            #expect(bars % 2 == 0, "symbol \(value)")
        }
        #expect(Set(Code128.patterns).count == 107, "no two symbols alike")
        #expect(throws: Code128.Failure.unencodable("ä")) { try Code128.values("Lä") }
        #expect(throws: Code128.Failure.empty) { try Code128.values("") }
        let svg = Code128.svg("CAST-33").render()
        #expect(svg.contains("data-code=\"CAST-33\"") && svg.contains("<path fill=\"#000\" d=\"M10 0h2v"), "\(svg)")
        #expect(Code128.svg("Lä").render().contains("no barcode"))
    }

    @Test("The traveler, lot label and pick list render for the demo plant; the label is also ZPL with ^BC and a one-page PDF")
    func printPages() async throws {
        try await WebServer.run { s in
            let anna = try await Floor.prepare(s)
            let traveler = try await s.send(.GET, "/print/orders/PO-000007", cookie: anna)
            #expect(traveler.status == 200)
            #expect(traveler.text.contains("Traveler PO-000007"))
            #expect(traveler.text.contains("data-code=\"PO-000007\""), "the order's barcode")
            let (routingOps, component) = try #require(
                await s.engine.read { st -> ([String], String)? in
                    guard let po = st.productionOrders["PO-000007"], let r = st.routings[po.routing], let bom = st.bom(of: po.item) else {
                        return nil
                    }
                    return (r.operations.map(\.name), bom.components.first?.item.rawValue ?? "")
                }
            )
            for name in routingOps { #expect(traveler.text.contains(name), "operation \(name)") }
            #expect(traveler.text.contains(component) && traveler.text.contains("CH-NB-32-160"), "the materials")
            #expect(traveler.text.contains("@media print") == false, "the print stylesheet is in takt.css")
            let css = try await s.send(.GET, "/static/takt.css")
            #expect(css.text.contains("/* terminal & print */") && css.text.contains("@media print"))

            let label = try await s.send(.GET, "/print/lots/CAST-33", cookie: anna)
            #expect(label.status == 200)
            #expect(label.text.contains("data-code=\"CAST-33\"") && label.text.contains("33 ea") && label.text.contains("CH-NB-32-160"))
            #expect(label.text.contains("2026-11-25"), "the date the lot came in, in the plant's zone")

            let zpl = try await s.send(.GET, "/print/lots/CAST-33/label.zpl", cookie: anna)
            #expect(zpl.status == 200)
            #expect(zpl.headers["Content-Type"].first?.hasPrefix("text/plain") == true)
            #expect(zpl.text.hasPrefix("^XA") && zpl.text.contains("^XZ"))
            #expect(zpl.text.contains("^BCN,110,Y,N,N^FH_^FDCAST-33^FS"), "\(zpl.text)")
            #expect(zpl.text.contains("^FDLot CAST-33^FS") && zpl.text.contains("^FD33 ea^FS"))

            let pdf = try await s.send(.GET, "/print/lots/CAST-33/label.pdf", cookie: anna)
            #expect(pdf.status == 200 && pdf.headers["Content-Type"].first == "application/pdf")
            #expect(pdf.text.hasPrefix("%PDF-1.4") && pdf.text.contains("(Lot CAST-33) Tj") && pdf.text.hasSuffix("%%EOF\n"))

            let picks = try await s.send(.GET, "/print/pick-list?order=PO-X", cookie: anna)
            #expect(picks.status == 200)
            let task = try #require(await s.engine.read { st in st.stagingTasks.values.first { $0.lot == "CAST-24" }?.id.rawValue })
            let row = try #require(Floor.row(containing: task, in: picks.text))
            #expect(row.contains("CAST-24") && row.contains("24 ea") && row.contains("LOC-RECEIVING") && row.contains("PO-X op"), "\(row)")
            #expect(!picks.text.contains("CAST-33"), "only the order's tasks")
            #expect(try await s.send(.GET, ShopFloorWebTests.terminal, cookie: anna).text.contains("href=\"/print/pick-list?workCenter=WC-MILL-1\""))
            let mill = try await s.send(.GET, "/print/pick-list?workCenter=WC-MILL-1", cookie: anna)
            let millTasks = await s.engine.read { st in
                st.stagingTasks(productionOrder: "PO-000007").filter { $0.task.status == .open }.map(\.task.lot.rawValue)
            }
            #expect(!millTasks.isEmpty)
            for lot in millTasks { #expect(mill.text.contains(">\(lot)</strong>"), "\(lot) is picked for the mill") }
            let none = try await s.send(.GET, "/print/pick-list?order=PO-NONE", cookie: anna)
            #expect(none.text.contains("Nothing to pick for order PO-NONE."))

            let missing = try await s.send(.GET, "/print/lots/NOPE/label.zpl", cookie: anna)
            #expect(missing.status == 404)
            let anonymous = try await s.send(.GET, "/print/lots/CAST-33/label.zpl")
            #expect(anonymous.status == 401 && !anonymous.text.contains("^XA"))
        }
    }

    @Test("ZPL field data cannot start a command; PDF strings are escaped")
    func escaping() {
        #expect(LotLabel.zplEscape("A^XZ~JA_1") == "A_5EXZ_7EJA_5F1")
        #expect(PDFText.escape("a(b)\\c") == "a\\(b\\)\\\\c")
        #expect(PDFText.escape("Größe €") == "Gr\\366\\337e ?")
    }
}
