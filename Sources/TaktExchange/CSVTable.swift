import CSV
public import Foundation

/// A CSV file read into its header and rows, or the rows an export writes. Reading and writing go through the CSV.swift
/// library (RFC 4180 quoting); this type only adds the checks an import needs: UTF-8, a header, the number of cells.
public struct CSVTable: Sendable, Equatable {
    public var header: [String]
    /// Each data row with its row number as a spreadsheet shows it (the header is row 1).
    public var rows: [(number: Int, cells: [String])]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows.enumerated().map { ($0.offset + 2, $0.element) }
    }

    public static func == (l: CSVTable, r: CSVTable) -> Bool {
        l.header == r.header && l.rows.count == r.rows.count && zip(l.rows, r.rows).allSatisfy { $0.number == $1.number && $0.cells == $1.cells }
    }

    /// The largest file an import reads, and the longest cell.
    public static let maxBytes = 256 << 20
    public static let maxCellCharacters = 10_000

    /// A problem with the file as a whole or with one row, before any cell is interpreted.
    public struct ReadProblem: Error, Sendable, Hashable {
        public var row: Int?
        public var rule: String
        public var message: String
    }

    /// Reads CSV text: UTF-8 (a leading byte-order mark is skipped), comma-separated, the first row the header. Blank
    /// rows are skipped. Rows with another number of cells than the header are reported, not read.
    /// - Returns: the table and the problems of single rows (the table holds the other rows).
    /// - Throws: ``ReadProblem`` when the file cannot be read at all (not UTF-8, empty, too large).
    public static func read(_ data: Data) throws(ReadProblem) -> (CSVTable, [ReadProblem]) {
        guard data.count <= maxBytes else {
            throw ReadProblem(row: nil, rule: "too-large", message: "the file has \(data.count) bytes; at most \(maxBytes) are read")
        }
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let line = firstInvalidUTF8Line(bytes)
            throw ReadProblem(
                row: line,
                rule: "utf-8",
                message: "the file is not UTF-8 text (line \(line) has a byte that is not UTF-8); save it as CSV UTF-8"
            )
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: false)
        } catch {
            throw ReadProblem(row: nil, rule: "unreadable", message: "the file cannot be read as CSV: \(error)")
        }
        var header: [String]?
        var rows: [(number: Int, cells: [String])] = []
        var problems: [ReadProblem] = []
        var number = 0
        while let row = reader.next() {
            number += 1
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard let names = header else {
                header = row.map { $0.trimmingCharacters(in: .whitespaces) }
                continue
            }
            if let long = row.firstIndex(where: { $0.count > maxCellCharacters }) {
                problems.append(
                    ReadProblem(
                        row: number,
                        rule: "too-long",
                        message: "cell \(long + 1) has \(row[long].count) characters; at most \(maxCellCharacters) are allowed"
                    )
                )
                continue
            }
            guard row.count == names.count else {
                problems.append(
                    ReadProblem(
                        row: number,
                        rule: "cell-count",
                        message: "the row has \(row.count) cells and the header \(names.count) (an unclosed quote joins rows)"
                    )
                )
                continue
            }
            rows.append((number, row.map(unprotect)))
        }
        if let error = reader.error {
            throw ReadProblem(row: nil, rule: "unreadable", message: "the file cannot be read as CSV: \(error)")
        }
        guard let names = header else { throw ReadProblem(row: nil, rule: "empty", message: "the file is empty: it needs at least a header row") }
        var table = CSVTable(header: names, rows: [])
        table.rows = rows
        return (table, problems)
    }

    /// The first characters that make a spreadsheet read a cell as a formula (CSV injection): an export writes such a cell
    /// with a leading `'`, which spreadsheets show as text, and an import takes that `'` off again, so exports round-trip.
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    static func protect(_ cell: String) -> String {
        guard let first = cell.first, formulaStarts.contains(first) else { return cell }
        return "'" + cell
    }

    static func unprotect(_ cell: String) -> String {
        guard cell.first == "'", let second = cell.dropFirst().first, formulaStarts.contains(second) else { return cell }
        return String(cell.dropFirst())
    }

    /// The 1-based line of the first byte that is not UTF-8.
    static func firstInvalidUTF8Line(_ bytes: Data) -> Int {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): if s == "\n" { line += 1 }
            case .emptyInput: return line
            case .error: return line
            }
        }
    }

    /// The table as CSV text: the header, then every row, each ending in a line feed; cells quoted where RFC 4180 needs it.
    public func text() -> String {
        let stream = OutputStream(toMemory: ())
        do {
            let writer = try CSVWriter(stream: stream)
            try writer.write(row: header)
            for row in rows { try writer.write(row: row.cells.map(CSVTable.protect)) }
        } catch {
            // A memory stream does not fail to write; should it ever, the caller gets what was written.
        }
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        stream.close()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
