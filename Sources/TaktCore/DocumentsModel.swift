public import Foundation

// Incoming documents: certificates of analysis, supplier delivery notes and customer purchase orders, read into
// structured records (fields with where they were found), verified or corrected by a person, then checked against the
// plant (inspection plan limits, expected receipts, sales orders). See docs/documents.md.

// MARK: - Kinds and formats

/// What an incoming document is.
public enum DocumentKind: String, StringChoice, Codable, Sendable, CaseIterable {
    /// A supplier's certificate of analysis for one supplier lot: measured values checked against the item's inspection plan.
    case certificate = "certificate-of-analysis"
    /// A supplier's delivery note: lines received against the purchase order's expected receipts.
    case deliveryNote = "delivery-note"
    /// A customer's purchase order: compared with the sales order it names (or proposed as a new one).
    case customerOrder = "customer-order"

    /// The header fields a document of this kind has, the required ones first.
    public var fields: [String] {
        switch self {
        case .certificate: ["supplier", "item", "supplierLot", "certificate", "date"]
        case .deliveryNote: ["supplier", "deliveryNote", "purchaseOrder", "date"]
        case .customerOrder: ["customer", "purchaseOrder", "salesOrder", "date"]
        }
    }

    /// The header fields verification needs.
    public var requiredFields: [String] {
        switch self {
        case .certificate: ["supplier", "item", "supplierLot"]
        case .deliveryNote: ["supplier", "deliveryNote", "purchaseOrder"]
        case .customerOrder: ["customer", "purchaseOrder"]
        }
    }

    /// The columns of the document's table (results, delivered lines, ordered lines), the required ones first.
    public var columns: [String] {
        switch self {
        case .certificate: ["characteristic", "value", "unit"]
        case .deliveryNote: ["item", "quantity", "supplierLot", "unit"]
        case .customerOrder: ["item", "quantity", "date", "unit"]
        }
    }

    /// The columns every row must have.
    public var requiredColumns: [String] {
        switch self {
        case .certificate: ["characteristic", "value"]
        case .deliveryNote: ["item", "quantity", "supplierLot"]
        case .customerOrder: ["item", "quantity", "date"]
        }
    }

    /// The roles (besides admin) that verify or reject a document of this kind: quality for certificates, the warehouse
    /// for delivery notes, sales and planners for customer orders.
    public var verifiers: Set<Role> {
        switch self {
        case .certificate: [.quality]
        case .deliveryNote: [.warehouse, .supervisor]
        case .customerOrder: [.sales, .planner]
        }
    }

    /// In words, e.g. "certificate of analysis".
    public var words: String {
        switch self {
        case .certificate: "certificate of analysis"
        case .deliveryNote: "delivery note"
        case .customerOrder: "customer purchase order"
        }
    }
}

/// The form a document arrived in. A PDF arrives as the text `pdftotext -layout` read from it, one page per entry.
public enum DocumentFormat: String, StringChoice, Codable, Sendable, CaseIterable {
    case text, csv, pdf
}

public enum DocumentStatus: String, StringChoice, Codable, Sendable, CaseIterable {
    /// Read into fields; waits for a person to verify (or correct) it. Nothing in the plant has changed yet.
    case received
    /// Verified and checked: its effect (a receipt, a check result, a sales-order proposal) was recorded with it.
    case verified
    /// Rejected by a person, with a reason.
    case rejected
}

// MARK: - The record

/// Where a value was found: page and line (both from 1) and the line's text.
public struct FieldSource: Codable, Sendable, Hashable {
    public var page: Int
    public var line: Int
    public var text: String
    public init(page: Int, line: Int, text: String) {
        self.page = page
        self.line = line
        self.text = text
    }
}

/// One value of a document: a header field (`supplier`) or a cell of a row (`quantity`).
public struct DocumentField: Codable, Sendable, Hashable {
    public var name: String
    /// Nil when the document did not give it.
    public var value: String?
    /// Where it was read; nil when it was not found or a person entered it.
    public var source: FieldSource?
    /// When a person corrected it: the value as it was read (nil when nothing was read).
    public var extracted: String?
    /// Whether a person corrected it.
    public var corrected: Bool?
    public init(name: String, value: String?, source: FieldSource? = nil, extracted: String? = nil, corrected: Bool? = nil) {
        self.name = name
        self.value = value
        self.source = source
        self.extracted = extracted
        self.corrected = corrected
    }
}

/// One row of a document's table (a result, a delivered line, an ordered line).
public struct DocumentRow: Codable, Sendable, Hashable {
    public var cells: [DocumentField]
    /// The line the row was read from.
    public var source: FieldSource?
    public init(cells: [DocumentField], source: FieldSource? = nil) {
        self.cells = cells
        self.source = source
    }
    /// The value of a column, trimmed; nil when absent or blank.
    public func value(_ column: String) -> String? {
        guard let v = cells.first(where: { $0.name == column })?.value?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }
}

/// A certificate's measured value against the plan's limits.
public struct CertificateResult: Codable, Sendable, Hashable {
    public var characteristic: String
    public var name: String
    public var value: Double
    public var lowerLimit: Double?
    public var upperLimit: Double?
    public var unit: String?
    public var passed: Bool
    public init(characteristic: String, name: String, value: Double, lowerLimit: Double?, upperLimit: Double?, unit: String?, passed: Bool) {
        self.characteristic = characteristic
        self.name = name
        self.value = value
        self.lowerLimit = lowerLimit
        self.upperLimit = upperLimit
        self.unit = unit
        self.passed = passed
    }
}

/// What checking a verified document found, and what it did or proposes.
public struct DocumentCheck: Codable, Sendable, Hashable {
    /// One line in words, e.g. "2 of 3 values out of spec" or "received 2 lots against PO-1001".
    public var summary: String
    /// Certificate: the plan checked against, every value, and how many were out of spec.
    public var inspectionPlan: InspectionPlan.ID?
    public var results: [CertificateResult]?
    public var outOfSpec: Int?
    /// Certificate: the lots in the plant carrying the supplier lot.
    public var lots: [Lot.ID]?
    /// Delivery note: the lots received, and the expected receipts they were received against.
    public var received: [Lot.ID]?
    public var expectedReceipts: [ExpectedReceipt.ID]?
    /// Customer order: the sales order proposed (not yet taken: the orchestrator assesses it and a person approves).
    public var proposedSalesOrder: NewSalesOrder?
    /// Customer order: the sales order the proposal replaces (a changed order), and the changes in words.
    public var replaces: SalesOrder.ID?
    public var changes: [String]?
    /// Customer order: how many lines the proposal has (0 when the document matches its sales order).
    public var proposedLines: Int?
    public init(summary: String) { self.summary = summary }
}

/// An incoming document, as read and as verified.
public struct IncomingDocument: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<IncomingDocument>
    public var id: ID
    public var kind: DocumentKind
    public var format: DocumentFormat
    public var filename: String
    /// The template it was read with; nil: the generic reading.
    public var template: DocumentTemplate.ID?
    /// Its text, one entry per page.
    public var pages: [String]
    public var fields: [DocumentField]
    public var rows: [DocumentRow]
    /// What the reading could not find or read (a missing field, a row with a value too few); verification must correct them.
    public var issues: [Violation]
    public var status: DocumentStatus
    public var receivedBy: User.ID?
    public var receivedAt: Date
    public var decidedBy: User.ID?
    public var decidedAt: Date?
    public var rejectReason: String?
    public var check: DocumentCheck?
    public init(
        id: ID,
        kind: DocumentKind,
        format: DocumentFormat,
        filename: String,
        template: DocumentTemplate.ID?,
        pages: [String],
        fields: [DocumentField],
        rows: [DocumentRow],
        issues: [Violation],
        status: DocumentStatus = .received,
        receivedBy: User.ID?,
        receivedAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.format = format
        self.filename = filename
        self.template = template
        self.pages = pages
        self.fields = fields
        self.rows = rows
        self.issues = issues
        self.status = status
        self.receivedBy = receivedBy
        self.receivedAt = receivedAt
    }

    /// A header field's value, trimmed; nil when absent or blank.
    public func value(_ name: String) -> String? {
        guard let v = fields.first(where: { $0.name == name })?.value?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }
}

// MARK: - Templates (data)

/// How to read the documents of one supplier or customer: a pattern per field and the table's columns. Data, defined
/// through `defineDocumentTemplate`; a document no template matches is read generically (labels such as "Lot:" and a table
/// whose header names the columns).
public struct DocumentTemplate: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<DocumentTemplate>
    public var id: ID
    public var name: String
    public var kind: DocumentKind
    /// The supplier or customer it is for: the value of `supplier` (or `customer`) when the document does not say.
    public var party: String?
    /// Text that marks a document as this template's (any of them, on the first page, ignoring case).
    public var match: [String]
    /// A regular expression per field; its first capture group (or the whole match) is the value, from the first line it matches.
    public var fields: [TemplateField]
    public var table: TemplateTable?
    public init(
        id: ID,
        name: String,
        kind: DocumentKind,
        party: String? = nil,
        match: [String] = [],
        fields: [TemplateField] = [],
        table: TemplateTable? = nil
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.party = party
        self.match = match
        self.fields = fields
        self.table = table
    }
}

public struct TemplateField: Codable, Sendable, Hashable {
    public var name: String
    public var pattern: String
    public init(name: String, pattern: String) {
        self.name = name
        self.pattern = pattern
    }
}

/// A table: the line its header is on (a regular expression), the columns in order, and what separates them (a regular
/// expression; default: a tab, a `;`, or two or more spaces; in a CSV document the CSV cells). Rows run from the line after
/// the header to the first blank line.
public struct TemplateTable: Codable, Sendable, Hashable {
    public var header: String
    public var columns: [String]
    public var separator: String?
    public init(header: String, columns: [String], separator: String? = nil) {
        self.header = header
        self.columns = columns
        self.separator = separator
    }
}

// MARK: - Commands

/// A document's text arrives: it is read (with a template, or generically) into a record that waits for verification.
public struct ReceiveDocument: Codable, Sendable, Hashable {
    /// Optional: when absent the plant numbers it (`DOC-000001`, …).
    public var id: IncomingDocument.ID?
    public var kind: DocumentKind
    public var format: DocumentFormat
    public var filename: String
    /// A template to read it with; absent: the first template of its kind whose `match` text it contains, else generic.
    public var template: DocumentTemplate.ID?
    /// The text, one entry per page (a PDF's pages as `pdftotext` separates them; text and CSV are one page).
    public var pages: [String]
    public init(
        id: IncomingDocument.ID? = nil,
        kind: DocumentKind,
        format: DocumentFormat,
        filename: String,
        template: DocumentTemplate.ID? = nil,
        pages: [String]
    ) {
        self.id = id
        self.kind = kind
        self.format = format
        self.filename = filename
        self.template = template
        self.pages = pages
    }
}

/// A person's correction of one value: a header field (`supplierLot`) or a cell (`rows[1].quantity`).
public struct DocumentCorrection: Codable, Sendable, Hashable {
    public var field: String
    public var value: String
    public init(field: String, value: String) {
        self.field = field
        self.value = value
    }
}

/// A person verifies a document (with corrections); it is checked and takes effect, all at once or not at all.
public struct VerifyDocument: Codable, Sendable, Hashable {
    public var document: IncomingDocument.ID
    public var corrections: [DocumentCorrection]?
    /// Delivery notes: where the lots are received; absent: the plant's first receiving location.
    public var location: Location.ID?
    public init(document: IncomingDocument.ID, corrections: [DocumentCorrection]? = nil, location: Location.ID? = nil) {
        self.document = document
        self.corrections = corrections
        self.location = location
    }
}

public struct RejectDocument: Codable, Sendable, Hashable {
    public var document: IncomingDocument.ID
    public var reason: String
    public init(document: IncomingDocument.ID, reason: String) {
        self.document = document
        self.reason = reason
    }
}

// MARK: - Events

/// A document was verified: its values as the person confirmed them and what checking them found.
public struct DocumentVerified: Codable, Sendable, Hashable {
    public var document: IncomingDocument.ID
    public var kind: DocumentKind
    public var fields: [DocumentField]
    public var rows: [DocumentRow]
    public var check: DocumentCheck
    public var by: User.ID?
    public var at: Date
    public init(
        document: IncomingDocument.ID,
        kind: DocumentKind,
        fields: [DocumentField],
        rows: [DocumentRow],
        check: DocumentCheck,
        by: User.ID?,
        at: Date
    ) {
        self.document = document
        self.kind = kind
        self.fields = fields
        self.rows = rows
        self.check = check
        self.by = by
        self.at = at
    }
}

public struct DocumentRejected: Codable, Sendable, Hashable {
    public var document: IncomingDocument.ID
    public var reason: String
    public var by: User.ID?
    public var at: Date
    public init(document: IncomingDocument.ID, reason: String, by: User.ID?, at: Date) {
        self.document = document
        self.reason = reason
        self.by = by
        self.at = at
    }
}

/// The bounds of a document.
public enum DocumentLimits {
    /// The most pages a document may have.
    public static let maximumPages = 50
    /// The most rows a document's table may have.
    public static let maximumRows = 200
    /// The most characters of one line the reading looks at.
    public static let maximumLineLength = 1_000
}
