public import Foundation
public import TaktCore

/// A CSV file to import: its name (which names its kind unless `kind` is given) and its bytes.
public struct CSVFile: Sendable, Hashable {
    public var name: String
    public var kind: CSVKind?
    public var data: Data

    public init(name: String, kind: CSVKind? = nil, data: Data) {
        self.name = name
        self.kind = kind
        self.data = data
    }

    /// The file's kind: the one given, else the one its name says.
    public var resolvedKind: CSVKind? { kind ?? CSVKind.named(name) }
}

/// One reason an import was refused: the file, the row (as a spreadsheet numbers it, the header being row 1), the
/// column, the rule broken and a sentence to act on. File-level problems have no row; row-level ones may have no column.
public struct ImportIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var row: Int?
    public var column: String?
    public var rule: String
    public var message: String

    public init(file: String, row: Int?, column: String?, rule: String, message: String) {
        self.file = file
        self.row = row
        self.column = column
        self.rule = rule
        self.message = message
    }

    /// `items.csv row 3, unit: … [enum]`.
    public var description: String {
        var place = file
        if let row { place += " row \(row)" }
        if let column { place += ", \(column)" }
        return "\(place): \(message) [\(rule)]"
    }

    /// The issue as a violation, its field `file:row:column`.
    public var violation: Violation {
        Violation(field: [file, row.map(String.init), column].compactMap { $0 }.joined(separator: ":"), rule: rule, message: message)
    }
}

/// An import refused whole: every issue found, and nothing applied.
public struct ImportRefused: Error, Sendable, Hashable, CustomStringConvertible, PresentableError {
    public var issues: [ImportIssue]

    public init(issues: [ImportIssue]) { self.issues = issues }

    public var description: String {
        "the import was refused (\(issues.count) problem\(issues.count == 1 ? "" : "s")); nothing was applied:\n"
            + issues.map { "  " + $0.description }.joined(separator: "\n")
    }

    /// 422 `import-refused`, each issue a violation whose field is `file:row:column`.
    public var presentation: ErrorPresentation {
        ErrorPresentation(
            status: 422,
            code: ErrorPresentation.Code(rawValue: "import-refused"),
            title: "The import was refused",
            message: "\(issues.count) problem\(issues.count == 1 ? "" : "s") in the files; nothing was applied",
            violations: issues.map(\.violation)
        )
    }
}

/// What an import did (or would do) per kind: rows read, entities created, changed and left as they were.
public struct ImportCounts: Sendable, Hashable, Codable {
    public var rows = 0
    public var created = 0
    public var changed = 0
    public var unchanged = 0
    public init() {}
}
