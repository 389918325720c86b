public import Foundation

/// A small, valid PDF written by hand, for tests that read PDFs with the real `pdftotext`: one page per entry, each line
/// of text set in Courier 10 pt, 12 pt apart, so that spaces keep columns apart as in a printed document.
public enum MinimalPDF {
    /// The bytes of a PDF whose pages hold `pages`' lines.
    public static func make(pages: [[String]]) -> Data {
        var objects: [String] = []
        let count = pages.count
        let kids = (0..<count).map { "\(4 + 2 * $0) 0 R" }.joined(separator: " ")
        objects.append("<< /Type /Catalog /Pages 2 0 R >>")
        objects.append("<< /Type /Pages /Kids [\(kids)] /Count \(count) >>")
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>")
        for (i, lines) in pages.enumerated() {
            objects.append(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents \(5 + 2 * i) 0 R /Resources << /Font << /F1 3 0 R >> >> >>"
            )
            let shown = lines.map { line in
                "("
                    + line.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(").replacingOccurrences(
                        of: ")",
                        with: "\\)"
                    )
                    + ") Tj T*"
            }
            let body = "BT /F1 10 Tf 12 TL 50 750 Td " + shown.joined(separator: " ") + " ET"
            objects.append("<< /Length \(body.utf8.count) >>\nstream\n\(body)\nendstream")
        }
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, object) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(i + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { out += String(format: "%010d 00000 n \n", offset) }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(out.utf8)
    }
}
