public import TaktCore

/// One kind of CSV file: what it holds, its columns, and who may import or export it.
///
/// Each kind has one file name (`items.csv`); a file is recognised by that name or given its kind explicitly. Kinds
/// whose entities have lines (bills of materials, routings, sales orders, work-center shifts) hold one row per line,
/// the parent's columns repeated on each (see docs/integration.md).
public enum CSVKind: String, CaseIterable, Sendable, Hashable, Comparable {
    case sites
    case skills
    case workInstructions = "work-instructions"
    case workCenters = "work-centers"
    case downtime
    case locations
    case items
    case customers
    case users
    case boms
    case routings
    case salesOrders = "sales-orders"
    case productionOrders = "production-orders"
    case lots

    /// The order kinds are applied in: every kind after the kinds it refers to.
    public static func < (l: CSVKind, r: CSVKind) -> Bool { l.order < r.order }
    var order: Int { CSVKind.allCases.firstIndex(of: self) ?? 0 }

    /// The file name an export writes and an import recognises: `<kind>.csv`.
    public var fileName: String { rawValue + ".csv" }

    /// The kind a file name stands for (`items.csv`, `/tmp/x/items.csv`, `ITEMS.CSV`), nil when none.
    public static func named(_ fileName: String) -> CSVKind? {
        let base = fileName.split(separator: "/").last.map(String.init) ?? fileName
        let lower = base.lowercased()
        guard lower.hasSuffix(".csv") else { return CSVKind(rawValue: lower) }
        return CSVKind(rawValue: String(lower.dropLast(4)))
    }

    /// Orders (sales and production): a planner may import and export them; every other kind is an admin's.
    public var isOrders: Bool { self == .salesOrders || self == .productionOrders }

    /// The roles that may import or export this kind (admins may do everything).
    public var roles: Set<Role> { isOrders ? [.admin, .planner] : [.admin] }

    /// What the file holds, in words.
    public var summary: String {
        switch self {
        case .sites: "Sites, each with its IANA time zone."
        case .skills: "Skills people are certified for and operations require."
        case .workInstructions: "Work instructions (the document routing operations name), current revision and text."
        case .workCenters: "Work centers, one row per shift (a work center without shifts has one row with empty shift columns)."
        case .downtime: "Planned downtime of work centers, one row per interval."
        case .locations: "Storage locations (line-side locations name the work center they feed)."
        case .items: "Items: purchased, semi-finished or finished, with their unit of measure."
        case .customers: "Customers with their priority."
        case .users: "Users with roles and certifications; never a token or a password."
        case .boms: "Bills of materials, one row per component line."
        case .routings: "Routings, one row per operation and eligible work center (the first row of an operation is its preferred work center)."
        case .salesOrders: "Sales orders, one row per order line."
        case .productionOrders: "Production orders with their status."
        case .lots: "Stock: lots of items at locations, with their status."
        }
    }

    /// The columns, in the order an export writes them.
    public var columns: [CSVColumn] {
        switch self {
        case .sites:
            [
                .init("id", .code, required: true, "the site's code"), .init("name", .text, required: true, "its name"),
                .init("time_zone", .text, "IANA time zone, e.g. Europe/Berlin (default UTC)"),
            ]
        case .skills:
            [.init("id", .code, required: true, "the skill's code"), .init("name", .text, required: true, "its name")]
        case .workInstructions:
            [
                .init("id", .code, required: true, "the document's code"), .init("title", .text, required: true, "its title"),
                .init("revision", .text, required: true, "the current revision, e.g. B"), .init("text", .text, "the instruction's text"),
            ]
        case .workCenters:
            [
                .init("id", .code, required: true, "the work center's code"), .init("name", .text, required: true, "its name"),
                .init("site", .code, required: true, "the site it stands in"),
                .init("kind", .text, required: true, "machining, welding, paint, assembly, test, packing or other"),
                .init("capacity", .integer, "operations it runs at once (default 1)"),
                .init("setup_families", .list, "setup families it runs, separated by ;"),
                .init("default_changeover_min", .number, "changeover minutes between two families (default 0)"),
                .init("setup_transitions", .list, "changeovers that differ, as from>to=minutes, separated by ;"),
                .init("shift", .text, "the shift's name (empty: no shift on this row)"),
                .init("shift_days", .list, "weekdays mon tue wed thu fri sat sun, separated by ;"),
                .init("shift_start", .text, "local time HH:mm in the site's time zone"),
                .init("shift_end", .text, "local time HH:mm; before the start means past midnight"),
            ]
        case .downtime:
            [
                .init("work_center", .code, required: true, "the work center"),
                .init("start", .date, "when it starts (empty on the work center's only row: no downtime)"),
                .init("end", .date, "when it ends"), .init("reason", .text, "why"),
            ]
        case .locations:
            [
                .init("id", .code, required: true, "the location's code"), .init("name", .text, required: true, "its name"),
                .init("site", .code, required: true, "the site it is in"),
                .init("kind", .text, required: true, "store, receiving, line-side, shipping or quarantine"),
                .init("work_center", .code, "the work center a line-side location feeds"),
                .init("staging_lead_min", .number, "minutes before an operation its material must be here (line side)"),
            ]
        case .items:
            [
                .init("id", .code, required: true, "the item's code"), .init("name", .text, required: true, "its name"),
                .init("kind", .text, required: true, "purchased, semi-finished or finished"),
                .init("unit", .text, "unit of measure: ea, kg, g, m, l, m2 or pc (default ea)"),
            ]
        case .customers:
            [
                .init("id", .code, required: true, "the customer's code"), .init("name", .text, required: true, "its name"),
                .init("priority", .integer, "1 (most important) to 5 (default 3)"),
            ]
        case .users:
            [
                .init("id", .code, required: true, "the user's ID"), .init("name", .text, required: true, "their name"),
                .init("roles", .list, required: true, "admin, planner, supervisor, operator, quality, warehouse, sales, separated by ;"),
                .init("certifications", .list, "skills, each optionally skill@date (valid until), separated by ;"),
                .init("active", .boolean, "true or false (default true)"),
            ]
        case .boms:
            [
                .init("bom", .code, required: true, "the bill of materials' code"), .init("item", .code, required: true, "the item it makes"),
                .init("component", .code, required: true, "the component item of this line"),
                .init("quantity", .number, required: true, "how much of it one unit of the item needs, in the component's unit"),
                .init("unit", .text, "the component's unit of measure (checked when given)"),
                .init("substitutes", .list, "approved alternative items, separated by ;"),
                .init("operation", .integer, "the routing operation (sequence) that consumes it (default: the first)"),
            ]
        case .routings:
            [
                .init("routing", .code, required: true, "the routing's code"), .init("item", .code, required: true, "the item it makes"),
                .init("sequence", .integer, required: true, "the operation's sequence number, increasing"),
                .init("operation", .text, required: true, "the operation's name"),
                .init("work_center", .code, required: true, "a work center that may run it (the operation's first row: preferred)"),
                .init("setup_min", .number, required: true, "setup minutes on this work center"),
                .init("run_min_per_unit", .number, required: true, "run minutes per unit on this work center"),
                .init("required_skill", .code, "the skill the operator needs"),
                .init("work_instruction", .code, "the work instruction to acknowledge before starting"),
                .init("setup_family", .text, "the setup family"), .init("transfer_batch", .number, "units after which the next operation may start"),
                .init("inspection_required", .boolean, "true when the next operation waits for a passed inspection"),
            ]
        case .salesOrders:
            [
                .init("sales_order", .code, required: true, "the order's code"), .init("customer", .code, required: true, "the customer"),
                .init("priority", .integer, "1 (most urgent) to 5 (default: the customer's)"),
                .init("status", .text, "open or cancelled (default open)"),
                .init("line", .integer, required: true, "the line number"), .init("item", .code, required: true, "the item ordered"),
                .init("quantity", .number, required: true, "how much, in the item's unit"),
                .init("unit", .text, "the item's unit (checked when given)"),
                .init("requested_date", .date, required: true, "when the customer wants it"),
                .init("promised_date", .date, "the date promised"), .init("cancel_reason", .text, "why it was cancelled"),
            ]
        case .productionOrders:
            [
                .init("id", .code, required: true, "the order's code"), .init("item", .code, required: true, "the item it makes"),
                .init("quantity", .number, required: true, "how much, in the item's unit"),
                .init("unit", .text, "the item's unit (checked when given)"),
                .init("routing", .code, "the routing (default: the item's only routing)"), .init("due_date", .date, required: true, "when it is due"),
                .init("priority", .integer, "1 (most urgent) to 5 (default 3)"),
                .init("status", .text, "planned, released, in-progress, completed or cancelled (default planned)"),
                .init("sales_order", .code, "the sales order it is pegged to"), .init("sales_order_line", .integer, "that order's line"),
                .init("cancel_reason", .text, "why it was cancelled"),
            ]
        case .lots:
            [
                .init("id", .code, required: true, "the lot's code"), .init("item", .code, required: true, "the item"),
                .init("quantity", .number, required: true, "how much, in the item's unit"),
                .init("unit", .text, "the item's unit (checked when given)"),
                .init("location", .code, required: true, "where it is"),
                .init("status", .text, "available, on-hold or quarantine (default available)"),
                .init("supplier_lot", .text, "the supplier's lot number (required for purchased items)"), .init("supplier", .text, "the supplier"),
                .init("production_order", .code, "the production order that made it"),
                .init("status_reason", .text, "why it is on hold or in quarantine"),
            ]
        }
    }

    /// The header line of the kind's file, its columns in order.
    public var header: [String] { columns.map(\.name) }
}

/// One column of a CSV kind.
public struct CSVColumn: Sendable, Hashable {
    /// How a cell is written and read.
    public enum ValueType: String, Sendable {
        /// A plant code: 1–64 letters, digits, `-`, `_`, `.`, `/`.
        case code
        case text
        /// A whole number.
        case integer
        /// A decimal number with a `.`.
        case number
        /// `true` or `false`.
        case boolean
        /// A date-time in ISO 8601 with the plant's offset, e.g. `2026-11-24T07:00:00+01:00`; a date alone is midnight in
        /// the plant's time zone.
        case date
        /// Values separated by `;`.
        case list
    }
    public var name: String
    public var type: ValueType
    public var required: Bool
    public var description: String

    init(_ name: String, _ type: ValueType, required: Bool = false, _ description: String) {
        self.name = name
        self.type = type
        self.required = required
        self.description = description
    }
}
