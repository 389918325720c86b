import Foundation

/// Reads a document's text into fields and rows, each with the page and line it came from. Pure: the same text and
/// template always give the same record.
///
/// With a template, each field is the first line its pattern matches and the table starts below the line its header
/// pattern matches. Without one (and for every field a template leaves out or does not find) the generic reading looks
/// for `Label: value` (or `Label,value` in a CSV document) with the labels of ``labels(for:)``, and for a table whose
/// header line names the columns (``columnLabels(for:)``).
public enum DocumentExtraction {
    /// What a document was read into.
    public struct Reading: Sendable, Hashable {
        public var fields: [DocumentField]
        public var rows: [DocumentRow]
        public var issues: [Violation]
    }

    /// Reads `pages` as a document of `kind`.
    /// - Throws: ``DomainError`` when the document cannot be read at all: no text, too many pages, a CSV quote left open,
    ///   a template pattern that is not a regular expression, or not one field or row of its kind found.
    public static func read(pages: [String], kind: DocumentKind, format: DocumentFormat, template: DocumentTemplate?) throws(DomainError) -> Reading {
        if pages.isEmpty || pages.allSatisfy({ $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }) {
            throw .invalid("pages", "empty", "the document has no text (a scanned PDF has none: it needs a text layer)")
        }
        if pages.count > DocumentLimits.maximumPages {
            throw .invalid("pages", "max-count", "a document may have at most \(DocumentLimits.maximumPages) pages (got \(pages.count))")
        }
        let lines = try self.lines(pages, format: format)
        var fields: [String: DocumentField] = [:]
        var rows: [DocumentRow] = []
        var header: [String]?
        var headerLine: FieldSource?
        if let template {
            for f in template.fields {
                guard let regex = compile(f.pattern) else {
                    throw .invalid("template.fields", "pattern", "the pattern of \(f.name) in template \(template.id) is not a regular expression")
                }
                if fields[f.name] == nil, let found = firstMatch(regex, in: lines) {
                    fields[f.name] = DocumentField(name: f.name, value: found.0, source: found.1)
                }
            }
            if let table = template.table {
                guard let head = compile(table.header), let separator = compile(table.separator ?? defaultSeparator) else {
                    throw .invalid(
                        "template.table",
                        "pattern",
                        "the table header or separator of template \(template.id) is not a regular expression"
                    )
                }
                if let start = lines.firstIndex(where: { matches(head, $0.text) }) {
                    header = table.columns
                    headerLine = lines[start].source
                    rows = tableRows(lines, after: start, columns: table.columns, split: { cells($0, format: format, separator: separator) })
                }
            }
        }
        let separator = compile(defaultSeparator)
        if header == nil {
            let columns = columnLabels(for: kind)
            for (i, line) in lines.enumerated() {
                let names = cells(line.text, format: format, separator: separator).map { columns[normalize($0)] }
                // Headings it does not know (a position number, a description) are columns it skips.
                let found = names.compactMap { $0 }
                guard found.count >= 2, Set(found).count == found.count else { continue }
                guard kind.requiredColumns.allSatisfy(found.contains) else { continue }
                header = found
                headerLine = line.source
                rows = tableRows(lines, after: i, columns: names, split: { cells($0, format: format, separator: separator) })
                break
            }
        }
        // The generic reading: every field the template did not give, from the lines outside the table.
        let labels = self.labels(for: kind)
        var table = Set(rows.compactMap(\.source).map { "\($0.page)/\($0.line)" })
        if let h = headerLine { table.insert("\(h.page)/\(h.line)") }
        for line in lines where !table.contains("\(line.source.page)/\(line.source.line)") {
            for (label, value) in labelledValues(line.text, format: format, separator: separator) {
                guard let name = labels[label], fields[name] == nil else { continue }
                fields[name] = DocumentField(name: name, value: value, source: line.source)
            }
        }
        if fields.keys.allSatisfy({ $0 == "date" }) && rows.isEmpty {
            throw .invalid(
                "document",
                "unrecognised",
                "no field of a \(kind.words) was found: expected lines such as \(kind.fields.prefix(3).map { "'\(label($0)): …'" }.joined(separator: ", ")) "
                    + "and a table headed \(kind.requiredColumns.joined(separator: ", ")), or a template for this sender"
            )
        }
        let party = kind == .customerOrder ? "customer" : "supplier"
        if fields[party] == nil, let name = template?.party {
            fields[party] = DocumentField(name: party, value: name)
        }
        let ordered = kind.fields.map { fields[$0] ?? DocumentField(name: $0, value: nil) }
        var issues: [Violation] = []
        if header == nil {
            issues.append(
                Violation(field: "rows", rule: "required", message: "no table headed \(kind.requiredColumns.joined(separator: ", ")) was found")
            )
        }
        issues += problems(kind: kind, fields: ordered, rows: rows)
        return Reading(fields: ordered, rows: rows, issues: issues)
    }

    /// What keeps a record from being verified: a required field or cell missing, a quantity or value that is not a number,
    /// a date that is not one; each names its field (`supplierLot`, `rows[1].quantity`) and says where it was read.
    public static func problems(kind: DocumentKind, fields: [DocumentField], rows: [DocumentRow]) -> [Violation] {
        var out: [Violation] = []
        for name in kind.requiredFields {
            let v = fields.first { $0.name == name }?.value?.trimmingCharacters(in: .whitespaces) ?? ""
            if v.isEmpty { out.append(Violation(field: name, rule: "required", message: "\(label(name)) was not found in the \(kind.words)")) }
        }
        if let date = fields.first(where: { $0.name == "date" }), let v = date.value, !v.isEmpty, day(v) == nil {
            out.append(Violation(field: "date", rule: "date", message: "date '\(v)'\(at(date.source)) is not a date (2026-12-04 or 04.12.2026)"))
        }
        if rows.count > DocumentLimits.maximumRows {
            out.append(
                Violation(
                    field: "rows",
                    rule: "max-count",
                    message: "a document may have at most \(DocumentLimits.maximumRows) rows (got \(rows.count))"
                )
            )
        }
        for (i, row) in rows.prefix(DocumentLimits.maximumRows).enumerated() {
            for column in kind.requiredColumns {
                let f = "rows[\(i)].\(column)"
                guard let v = row.value(column) else {
                    out.append(Violation(field: f, rule: "required", message: "row \(i + 1)\(at(row.source)) has no \(label(column))"))
                    continue
                }
                switch column {
                case "quantity":
                    if let n = number(v) {
                        if !(n > 0) {
                            out.append(
                                Violation(
                                    field: f,
                                    rule: "positive",
                                    message: "quantity \(v) in row \(i + 1)\(at(row.source)) must be greater than zero"
                                )
                            )
                        }
                    } else {
                        out.append(Violation(field: f, rule: "number", message: "quantity '\(v)' in row \(i + 1)\(at(row.source)) is not a number"))
                    }
                case "date":
                    if day(v) == nil {
                        out.append(
                            Violation(
                                field: f,
                                rule: "date",
                                message: "date '\(v)' in row \(i + 1)\(at(row.source)) is not a date (2026-12-04 or 04.12.2026)"
                            )
                        )
                    }
                default: break
                }
            }
        }
        return out
    }

    // MARK: Values

    /// A number as documents write it: `12`, `12.5`, `12,5`, `1,200`, `1.200,5`, `1 200`, with an optional unit after it
    /// (`120 ea`, `300 HB`); nil for anything else.
    public static func number(_ text: String) -> Double? {
        var s = text.trimmingCharacters(in: .whitespaces)
        // A unit after the number: letters, %, °, / and spaces.
        while let last = s.unicodeScalars.last, CharacterSet.letters.contains(last) || "%°/µ".unicodeScalars.contains(last) {
            s.unicodeScalars.removeLast()
        }
        s = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "'", with: "")
        guard !s.isEmpty, s.count <= 40 else { return nil }
        let commas = s.filter { $0 == "," }.count
        let dots = s.filter { $0 == "." }.count
        if commas > 0 && dots > 0 {
            // The later one is the decimal mark.
            if let c = s.lastIndex(of: ","), let d = s.lastIndex(of: "."), c > d {
                s = s.replacingOccurrences(of: ".", with: "").replacingOccurrences(of: ",", with: ".")
            } else {
                s = s.replacingOccurrences(of: ",", with: "")
            }
        } else if commas == 1 {
            let after = s.split(separator: ",", omittingEmptySubsequences: false).last ?? ""
            s = after.count == 3 && !s.hasPrefix("0,") ? s.replacingOccurrences(of: ",", with: "") : s.replacingOccurrences(of: ",", with: ".")
        } else if commas > 1 {
            s = s.replacingOccurrences(of: ",", with: "")
        } else if dots > 1 {
            s = s.replacingOccurrences(of: ".", with: "")
        }
        guard s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }), let value = Double(s), value.isFinite else {
            return nil
        }
        return value
    }

    /// A day as documents write it, as `yyyy-mm-dd`: `2026-12-04`, `2026/12/04` or `04.12.2026`; nil for anything else.
    public static func day(_ text: String) -> String? {
        let s = text.trimmingCharacters(in: .whitespaces)
        let parts: [Substring]
        let ymd: Bool
        if s.count == 10, s.contains("-") || s.contains("/") {
            parts = s.split(whereSeparator: { $0 == "-" || $0 == "/" })
            ymd = true
        } else if s.count == 10, s.contains(".") {
            parts = s.split(separator: ".")
            ymd = false
        } else {
            return nil
        }
        guard parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) }), let a = Int(parts[0]), let b = Int(parts[1]), let c = Int(parts[2])
        else {
            return nil
        }
        let (y, m, d) = ymd ? (a, b, c) : (c, b, a)
        guard (2000...2200).contains(y), (1...12).contains(m), (1...31).contains(d) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)), calendar.component(.day, from: date) == d else { return nil }
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// A PDF's text as `pdftotext` writes it, one entry per page (pages end with a form feed).
    public static func pages(fromPDFText text: String) -> [String] {
        var pages = text.split(separator: "\u{0C}", omittingEmptySubsequences: false).map(String.init)
        while let last = pages.last, last.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, pages.count > 1 { pages.removeLast() }
        return pages
    }

    // MARK: Labels

    /// The labels the generic reading knows for each header field (lowercase, without "no." or "number").
    public static func labels(for kind: DocumentKind) -> [String: String] {
        var out: [String: String] = [:]
        func add(_ field: String, _ labels: [String]) { for l in labels { out[l] = field } }
        add("date", ["date", "issue date", "delivery date", "order date", "issued", "date of issue"])
        switch kind {
        case .certificate:
            add("supplier", ["supplier", "vendor", "manufacturer", "from"])
            add("item", ["item", "part", "article", "material", "product", "our part"])
            add("supplierLot", ["lot", "batch", "supplier lot", "heat", "charge", "lot/batch"])
            add("certificate", ["certificate", "coa", "certificate of analysis", "report"])
        case .deliveryNote:
            add("supplier", ["supplier", "vendor", "from", "shipper"])
            add("deliveryNote", ["delivery note", "dn", "delivery", "despatch note", "dispatch note", "advice note", "packing slip"])
            add("purchaseOrder", ["purchase order", "po", "your order", "order", "customer order"])
        case .customerOrder:
            add("customer", ["customer", "buyer", "sold to", "bill to", "ordered by", "from"])
            add("purchaseOrder", ["purchase order", "po", "order", "our order"])
            add("salesOrder", ["sales order", "so", "your reference", "your ref", "order confirmation", "your order"])
        }
        return out
    }

    /// The column headings the generic reading knows.
    public static func columnLabels(for kind: DocumentKind) -> [String: String] {
        var out: [String: String] = ["unit": "unit", "uom": "unit", "unit of measure": "unit"]
        func add(_ column: String, _ labels: [String]) { for l in labels { out[l] = column } }
        switch kind {
        case .certificate:
            add("characteristic", ["characteristic", "property", "parameter", "test", "characteristics", "test item", "analysis"])
            add("value", ["value", "result", "measured", "actual", "measured value", "actual value"])
        case .deliveryNote:
            add("item", ["item", "part", "article", "material", "product", "our part"])
            add("quantity", ["quantity", "qty", "delivered", "delivered quantity", "amount"])
            add("supplierLot", ["lot", "batch", "supplier lot", "heat", "charge"])
        case .customerOrder:
            add("item", ["item", "part", "article", "material", "product", "your part"])
            add("quantity", ["quantity", "qty", "ordered", "amount"])
            add("date", ["date", "delivery date", "requested date", "due date", "required date", "need by", "required"])
        }
        return out
    }

    /// A field's name in words, as documents label it.
    public static func label(_ field: String) -> String {
        switch field {
        case "supplierLot": "Lot"
        case "deliveryNote": "Delivery note"
        case "purchaseOrder": "Purchase order"
        case "salesOrder": "Sales order"
        default: field.prefix(1).uppercased() + field.dropFirst()
        }
    }

    /// `Lot No.:` → `lot`; `P.O. Number` → `po`; `Qty` → `qty`.
    static func normalize(_ label: String) -> String {
        var s = label.lowercased().trimmingCharacters(in: .whitespaces)
        while let last = s.last, ":.#=".contains(last) { s.removeLast() }
        s = s.replacingOccurrences(of: "p.o.", with: "po").replacingOccurrences(of: ".", with: "")
        var words = s.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "_" }).map(String.init)
        while words.count > 1, let last = words.last, ["no", "nr", "number", "num", "#", "id", "ref"].contains(last) { words.removeLast() }
        return words.joined(separator: " ")
    }

    // MARK: Lines and cells

    struct Line {
        var text: String
        var source: FieldSource
    }

    static let defaultSeparator = "\\t|;|\\s{2,}"

    static func lines(_ pages: [String], format: DocumentFormat) throws(DomainError) -> [Line] {
        var out: [Line] = []
        for (p, page) in pages.enumerated() {
            let raw = page.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            for (l, text) in raw.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = String(text.prefix(DocumentLimits.maximumLineLength))
                if format == .csv, csvCells(line) == nil {
                    throw .invalid("pages[\(p)]", "csv-quote", "line \(l + 1): a quoted CSV value is not closed on its line")
                }
                out.append(Line(text: line, source: FieldSource(page: p + 1, line: l + 1, text: String(line.prefix(200)))))
            }
        }
        return out
    }

    /// The cells of a CSV line (`,` or `;`, quotes doubled inside quoted values); nil when a quote is left open.
    static func csvCells(_ line: String) -> [String]? {
        let delimiter: Character = line.filter { $0 == ";" }.count > line.filter { $0 == "," }.count ? ";" : ","
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var chars = line.makeIterator()
        var pending: Character? = nil
        while let c = pending ?? chars.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = chars.next() {
                        if n == "\"" {
                            cell.append("\"")
                        } else {
                            quoted = false
                            pending = n
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    cell.append(c)
                }
            } else if c == "\"" && cell.trimmingCharacters(in: .whitespaces).isEmpty {
                quoted = true
                cell = ""
            } else if c == delimiter {
                cells.append(cell.trimmingCharacters(in: .whitespaces))
                cell = ""
            } else {
                cell.append(c)
            }
        }
        if quoted { return nil }
        cells.append(cell.trimmingCharacters(in: .whitespaces))
        return cells
    }

    static func cells(_ line: String, format: DocumentFormat, separator: NSRegularExpression?) -> [String] {
        if format == .csv { return (csvCells(line) ?? []).filter { !$0.isEmpty } }
        guard let separator else { return [line.trimmingCharacters(in: .whitespaces)] }
        let ns = line as NSString
        var out: [String] = []
        var start = 0
        for m in separator.matches(in: line, range: NSRange(location: 0, length: ns.length)) where m.range.length > 0 {
            out.append(ns.substring(with: NSRange(location: start, length: m.range.location - start)))
            start = m.range.location + m.range.length
        }
        out.append(ns.substring(from: start))
        return out.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `Supplier: ACME   Date: 2026-12-01` → [(supplier, ACME), (date, 2026-12-01)]; in CSV also `Supplier,ACME`.
    static func labelledValues(_ line: String, format: DocumentFormat, separator: NSRegularExpression?) -> [(String, String)] {
        var out: [(String, String)] = []
        if format == .csv, let cells = csvCells(line)?.filter({ !$0.isEmpty }), cells.count >= 2, !cells[0].contains(":") {
            out.append((normalize(cells[0]), cells[1]))
        }
        let segments = format == .csv ? (csvCells(line) ?? []) : cells(line, format: .text, separator: separator)
        for segment in segments {
            guard let colon = segment.firstIndex(where: { $0 == ":" || $0 == "=" }) else { continue }
            let label = String(segment[..<colon])
            let value = segment[segment.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty, label.count <= 40, label.first?.isLetter == true else { continue }
            out.append((normalize(label), value))
        }
        return out
    }

    /// The rows below a table's header: one per line up to the first blank line (or a labelled line, "Total: 3"); a column
    /// named nil is one the reading skips.
    static func tableRows(_ lines: [Line], after header: Int, columns: [String?], split: (String) -> [String]) -> [DocumentRow] {
        var rows: [DocumentRow] = []
        var i = header + 1
        while i < lines.count, rows.count <= DocumentLimits.maximumRows {
            let line = lines[i]
            i += 1
            let cells = split(line.text)
            if cells.isEmpty {
                if rows.isEmpty { continue }
                break
            }
            // A labelled line after the table ends it ("Total: 3").
            if cells.count == 1, cells[0].contains(":") { break }
            var row: [DocumentField] = []
            for (j, column) in columns.enumerated() {
                guard let column else { continue }
                var value = j < cells.count ? cells[j] : nil
                // More cells than columns: the extra text belongs to the last column.
                if j == columns.count - 1, cells.count > columns.count { value = cells[j...].joined(separator: " ") }
                row.append(DocumentField(name: column, value: value, source: line.source))
            }
            rows.append(DocumentRow(cells: row, source: line.source))
        }
        return rows
    }

    // MARK: Patterns

    static func compile(_ pattern: String) -> NSRegularExpression? {
        guard !pattern.isEmpty, pattern.count <= 500 else { return nil }
        return try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
    }

    static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length)) != nil
    }

    static func firstMatch(_ regex: NSRegularExpression, in lines: [Line]) -> (String, FieldSource)? {
        for line in lines {
            let ns = line.text as NSString
            guard let m = regex.firstMatch(in: line.text, range: NSRange(location: 0, length: ns.length)) else { continue }
            let range = m.numberOfRanges > 1 && m.range(at: 1).location != NSNotFound ? m.range(at: 1) : m.range
            let value = ns.substring(with: range).trimmingCharacters(in: .whitespaces)
            if !value.isEmpty { return (value, line.source) }
        }
        return nil
    }

    static func at(_ source: FieldSource?) -> String {
        source.map { " (page \($0.page), line \($0.line))" } ?? ""
    }
}
