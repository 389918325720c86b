public import Foundation
public import TaktCore

/// One command an import submits, with the row it came from.
public struct PlannedCommand: Sendable {
    public var command: Command
    public var kind: CSVKind
    public var file: String
    public var row: Int
}

/// What an import of some files into a plant would do: the commands, in order, each already accepted by the core on a
/// scratch copy of the state; or every issue found, in which case nothing may be applied.
public struct ImportPlan: Sendable {
    public var commands: [PlannedCommand] = []
    public var issues: [ImportIssue] = []
    public var counts: [CSVKind: ImportCounts] = [:]
    /// The state after every accepted command (what the plant will be when the import is applied as planned).
    public var result: PlantState

    /// A plan refused before any row was read (B2MML messages that could not be read, say): `issues`, nothing to do.
    public init(issues: [ImportIssue], result: PlantState) {
        self.issues = issues
        self.result = result
    }

    init(commands: [PlannedCommand], issues: [ImportIssue], counts: [CSVKind: ImportCounts], result: PlantState) {
        self.commands = commands
        self.issues = issues
        self.counts = counts
        self.result = result
    }
}

/// Reads CSV files into the commands that make the plant look like them (upsert by ID), checking every row first.
///
/// 1. Every file is read (UTF-8, header, cell count) and every cell typed; problems name file, row, column and rule.
/// 2. Entities are built (lines grouped under their parent) and compared with the plant: an unchanged entity makes no
///    command, a new one is created, changed master data is redefined. Orders and lots follow the rules of
///    docs/integration.md (a status moves forward through the plant's own commands; other changes to an order are refused).
/// 3. Each command is decided by the core on a scratch copy of the state, in the order of the kinds, so that references
///    to IDs of the same import resolve, and the core's own rules are checked; its violations become issues too.
///
/// Pure: no clock, no I/O.
public enum CSVImport {
    /// Plans the import of `files` into `state`.
    /// - Parameters:
    ///   - roles: the importing user's roles (every command is checked against them); nil for the server's console.
    ///   - actor: the importing user, as the core's rules see the actor; nil for the system.
    ///   - now: the time the commands are decided at.
    ///   - progress: told what is being checked (a terminal shows it).
    public static func plan(
        _ files: [CSVFile],
        into state: PlantState,
        roles: Set<Role>?,
        actor: User.ID?,
        now: Date,
        progress: ((String) -> Void)? = nil
    ) -> ImportPlan {
        var planner = Planner(state: state, roles: roles, actor: actor, now: now)
        planner.progress = progress
        planner.run(files)
        return ImportPlan(commands: planner.commands, issues: planner.issues, counts: planner.counts, result: planner.scratch)
    }
}

// MARK: - Rows

/// Where a value came from.
struct Origin: Sendable {
    var kind: CSVKind
    var file: String
    var row: Int
}

/// A row's cells by column, with the issues found while reading them.
struct Row {
    let origin: Origin
    let cells: [String: String]
    let values: CSVValues

    func issue(_ column: String?, _ rule: String, _ message: String) -> ImportIssue {
        ImportIssue(file: origin.file, row: origin.row, column: column, rule: rule, message: message)
    }

    /// The cell, or "" when the column is absent.
    func text(_ column: String) -> String { cells[column] ?? "" }
    func trimmed(_ column: String) -> String { text(column).trimmingCharacters(in: .whitespaces) }
    func isEmpty(_ column: String) -> Bool { trimmed(column).isEmpty }

    func required(_ column: String, _ issues: inout [ImportIssue]) -> String? {
        let t = trimmed(column)
        if t.isEmpty { issues.append(issue(column, "required", "\(column) is required")) }
        return t.isEmpty ? nil : t
    }
    func requiredText(_ column: String, _ issues: inout [ImportIssue]) -> String? {
        if isEmpty(column) {
            issues.append(issue(column, "required", "\(column) is required"))
            return nil
        }
        return text(column)
    }
    func optional(_ column: String) -> String? { isEmpty(column) ? nil : trimmed(column) }
    func optionalText(_ column: String) -> String? { isEmpty(column) ? nil : text(column) }

    func id<E>(_ column: String, _ issues: inout [ImportIssue]) -> Identifier<E>? { required(column, &issues).map { Identifier<E>($0) } }
    func optionalID<E>(_ column: String) -> Identifier<E>? { optional(column).map { Identifier<E>($0) } }

    func integer(_ column: String, _ issues: inout [ImportIssue]) -> Int? {
        guard let t = optional(column) else { return nil }
        guard let n = CSVValues.integer(t) else {
            issues.append(issue(column, "integer", "\(column) must be a whole number (got '\(t)')"))
            return nil
        }
        return n
    }
    func requiredInteger(_ column: String, _ issues: inout [ImportIssue]) -> Int? {
        guard required(column, &issues) != nil else { return nil }
        return integer(column, &issues)
    }
    func number(_ column: String, _ issues: inout [ImportIssue]) -> Double? {
        guard let t = optional(column) else { return nil }
        guard let n = CSVValues.number(t) else {
            issues.append(issue(column, "number", "\(column) must be a number written with a '.' (got '\(t)')"))
            return nil
        }
        return n
    }
    func requiredNumber(_ column: String, _ issues: inout [ImportIssue]) -> Double? {
        guard required(column, &issues) != nil else { return nil }
        return number(column, &issues)
    }
    func date(_ column: String, _ issues: inout [ImportIssue]) -> Date? {
        guard let t = optional(column) else { return nil }
        // A day alone in a deadline column (due_date, requested_date, promised_date) is the end of that plant day.
        if PlantDay.isDeadline(column), let day = PlantDay.end(of: t, in: values.timeZone) { return day }
        guard let d = values.date(t) else {
            issues.append(issue(column, "date", "\(column) must be a date such as 2026-11-24T07:00:00+01:00 or 2026-11-24 (got '\(t)')"))
            return nil
        }
        return d
    }
    func requiredDate(_ column: String, _ issues: inout [ImportIssue]) -> Date? {
        guard required(column, &issues) != nil else { return nil }
        return date(column, &issues)
    }
    func boolean(_ column: String, _ issues: inout [ImportIssue]) -> Bool? {
        guard let t = optional(column) else { return nil }
        guard let b = CSVValues.boolean(t) else {
            issues.append(issue(column, "boolean", "\(column) must be true or false (got '\(t)')"))
            return nil
        }
        return b
    }
    func choice<T: RawRepresentable & CaseIterable>(_ column: String, _ type: T.Type, _ issues: inout [ImportIssue]) -> T?
    where T.RawValue == String {
        guard let t = optional(column) else { return nil }
        guard let value = T(rawValue: t) ?? T.allCases.first(where: { $0.rawValue.lowercased() == t.lowercased() }) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            issues.append(issue(column, "one-of", "\(column) must be one of: \(allowed) (got '\(t)')"))
            return nil
        }
        return value
    }
    func list(_ column: String) -> [String] { CSVValues.list(text(column)) }
}

/// The rows of one kind, from every file of that kind in the import.
struct KindRows {
    var rows: [Row] = []
}

// MARK: - The planner

struct Planner {
    var scratch: PlantState
    let roles: Set<Role>?
    let actor: User.ID?
    let now: Date
    var progress: ((String) -> Void)?
    var commands: [PlannedCommand] = []
    var issues: [ImportIssue] = []
    var counts: [CSVKind: ImportCounts] = [:]

    init(state: PlantState, roles: Set<Role>?, actor: User.ID?, now: Date) {
        self.scratch = state
        self.roles = roles
        self.actor = actor
        self.now = now
    }

    mutating func run(_ files: [CSVFile]) {
        let byKind = read(files)
        let values = CSVValues(timeZone: plantTimeZone(byKind))
        var rows: [CSVKind: [Row]] = [:]
        for (kind, tables) in byKind {
            for (file, table) in tables {
                for r in table.rows {
                    var cells: [String: String] = [:]
                    for (name, cell) in zip(table.header, r.cells) { cells[name] = cell }
                    rows[kind, default: []].append(Row(origin: Origin(kind: kind, file: file, row: r.number), cells: cells, values: values))
                    counts[kind, default: ImportCounts()].rows += 1
                }
            }
        }
        // Master data, in the order of their references.
        simple(rows[.sites] ?? [], kind: .sites, parse: parseSite, current: { $0.sites[$1.id] }, command: { new, _ in .defineSite(new) })
        // These files do not say whether an entity is active: an import keeps what the plant has (new ones are active).
        simple(
            rows[.skills] ?? [],
            kind: .skills,
            parse: parseSkill,
            current: { $0.skills[$1.id] },
            command: { new, _ in .defineSkill(new) },
            keep: { new, old in with(new) { $0.active = old?.active ?? true } }
        )
        simple(
            rows[.workInstructions] ?? [],
            kind: .workInstructions,
            parse: parseWorkInstruction,
            current: { $0.workInstructions[$1.id] },
            command: { new, _ in .defineWorkInstruction(new) },
            // The file does not carry attachments: an import keeps the current revision's. A changed row of a released
            // work instruction is refused with the words that say to raise an engineering change.
            keep: { new, old in with(new) { $0.attachments = old?.attachments ?? [] } }
        )
        workCenters(rows[.workCenters] ?? [], downtime: rows[.downtime] ?? [])
        simple(
            rows[.locations] ?? [],
            kind: .locations,
            parse: parseLocation,
            current: { $0.locations[$1.id] },
            command: { new, _ in .defineLocation(new) },
            keep: { new, old in with(new) { $0.active = old?.active ?? true } }
        )
        simple(
            rows[.items] ?? [],
            kind: .items,
            parse: parseItem,
            current: { $0.items[$1.id] },
            command: { new, _ in .defineItem(new) },
            keep: { new, old in with(new) { $0.active = old?.active ?? true } }
        )
        simple(
            rows[.customers] ?? [],
            kind: .customers,
            parse: parseCustomer,
            current: { $0.customers[$1.id] },
            command: { new, _ in .defineCustomer(new) },
            keep: { new, old in with(new) { $0.active = old?.active ?? true } }
        )
        simple(
            rows[.users] ?? [],
            kind: .users,
            parse: parseUser,
            current: { $0.users[$1.id] },
            command: { new, old in old == nil ? .createUser(new) : .updateUser(new) }
        )
        let total = counts.values.reduce(0) { $0 + $1.rows }
        progress?("read \(total) rows; checked the structure (\(commands.count) commands so far)…")
        boms(rows[.boms] ?? [])
        progress?("checked bills of materials (\(commands.count) commands so far)…")
        routings(rows[.routings] ?? [])
        progress?("checked routings (\(commands.count) commands so far)…")
        // Orders and stock: stock first (so releases reserve it, as in the plant), then orders, then what orders made.
        let cancellations = salesOrders(rows[.salesOrders] ?? [])
        let lotRows = rows[.lots] ?? []
        lots(lotRows.filter { $0.isEmpty("production_order") })
        progress?("checked sales orders and stock (\(commands.count) commands so far)…")
        productionOrders(rows[.productionOrders] ?? [])
        progress?("checked production orders (\(commands.count) commands so far)…")
        lots(lotRows.filter { !$0.isEmpty("production_order") })
        for (command, origin) in cancellations {
            _ = submit(command, origin: origin) {
                (origin, Planner.column($0, kind: .salesOrders, renames: ["salesOrder": "sales_order", "reason": "cancel_reason"]))
            }
        }
    }

    /// The plant's time zone for the dates of this import: the first site of the import's sites file, else the plant's.
    func plantTimeZone(_ byKind: [CSVKind: [(String, CSVTable)]]) -> TimeZone {
        for (_, table) in byKind[.sites] ?? [] {
            guard let id = table.header.firstIndex(of: "id"), let tz = table.header.firstIndex(of: "time_zone") else { continue }
            let first = table.rows.map(\.cells).filter { $0.count > max(id, tz) }.min { $0[id] < $1[id] }
            if let zone = first.flatMap({ TimeZone(identifier: $0[tz].trimmingCharacters(in: .whitespaces)) }) { return zone }
        }
        return CSVValues.plantTimeZone(scratch.sites.values)
    }

    // MARK: Reading files

    mutating func read(_ files: [CSVFile]) -> [CSVKind: [(String, CSVTable)]] {
        var out: [CSVKind: [(String, CSVTable)]] = [:]
        for file in files {
            guard let kind = file.resolvedKind else {
                issues.append(
                    ImportIssue(
                        file: file.name,
                        row: nil,
                        column: nil,
                        rule: "unknown-kind",
                        message: "cannot tell what '\(file.name)' holds: name it <kind>.csv or give its kind; kinds: "
                            + CSVKind.allCases.map(\.rawValue).joined(separator: ", ")
                    )
                )
                continue
            }
            let table: CSVTable
            do {
                let (t, problems) = try CSVTable.read(file.data)
                table = t
                issues += problems.map { ImportIssue(file: file.name, row: $0.row, column: nil, rule: $0.rule, message: $0.message) }
            } catch {
                issues.append(ImportIssue(file: file.name, row: error.row, column: nil, rule: error.rule, message: error.message))
                continue
            }
            let known = Set(kind.header)
            var headerOK = true
            var seen = Set<String>()
            for name in table.header {
                if !known.contains(name) {
                    headerOK = false
                    issues.append(
                        ImportIssue(
                            file: file.name,
                            row: 1,
                            column: name,
                            rule: "unknown-column",
                            message: "\(kind.fileName) has no column '\(name)'; its columns: \(kind.header.joined(separator: ", "))"
                        )
                    )
                } else if !seen.insert(name).inserted {
                    headerOK = false
                    issues.append(
                        ImportIssue(file: file.name, row: 1, column: name, rule: "duplicate-column", message: "column '\(name)' appears twice")
                    )
                }
            }
            for column in kind.columns where column.required && !seen.contains(column.name) {
                headerOK = false
                issues.append(
                    ImportIssue(
                        file: file.name,
                        row: 1,
                        column: column.name,
                        rule: "missing-column",
                        message: "\(kind.fileName) needs the column '\(column.name)' (\(column.description))"
                    )
                )
            }
            if headerOK { out[kind, default: []].append((file.name, table)) }
        }
        return out
    }

    // MARK: Deciding

    /// Decides `command` on the scratch state; when accepted, applies it and records it. Its violations become issues,
    /// placed by `locate` (a field path to the origin and column it came from).
    mutating func submit(_ command: Command, origin: Origin, locate: (String) -> (Origin, String?)) -> Bool {
        if let roles, !roles.contains(.admin), command.allowedRoles.isDisjoint(with: roles) {
            issues.append(
                ImportIssue(
                    file: origin.file,
                    row: origin.row,
                    column: nil,
                    rule: "forbidden",
                    message: "\(command.typeName) needs one of the roles: \(command.allowedRoles.sorted().map(\.rawValue).joined(separator: ", "))"
                )
            )
            return false
        }
        let decided = command.truncatingDates()
        do {
            let events = try scratch.decide(decided, actor: actor, now: now)
            var sequence = scratch.sequence
            for event in events {
                sequence += 1
                scratch.apply(event, sequence: sequence)
            }
            commands.append(PlannedCommand(command: decided, kind: origin.kind, file: origin.file, row: origin.row))
            return true
        } catch {
            for v in error.violations {
                let (at, column) = locate(v.field)
                issues.append(ImportIssue(file: at.file, row: at.row, column: column, rule: v.rule, message: v.message))
            }
            return false
        }
    }

    /// The column of a field path of a simple kind: the field in snake case when the kind has such a column.
    static func column(_ field: String, kind: CSVKind, renames: [String: String] = [:]) -> String? {
        let stripped = stripIndexes(field)
        if let c = renames[stripped] { return c }
        let leaf = stripped.split(separator: ".").last.map(String.init) ?? stripped
        if let c = renames[leaf] { return c }
        let snake = leaf.reduce(into: "") { out, ch in
            if ch.isUppercase { out += "_" + ch.lowercased() } else { out.append(ch) }
        }
        return kind.header.contains(snake) ? snake : nil
    }

    /// `operations[2].workCenters[0].workCenter` → `operations[].workCenters[].workCenter`.
    static func stripIndexes(_ field: String) -> String {
        var out = ""
        var inside = false
        for ch in field {
            if ch == "[" {
                inside = true
                out.append(ch)
            } else if ch == "]" {
                inside = false
                out.append(ch)
            } else if !inside {
                out.append(ch)
            }
        }
        return out
    }

    /// The index after `name[` at the start of `field`: `lines[3].item` → 3 for `lines`.
    static func index(in field: String, of name: String) -> Int? {
        guard field.hasPrefix(name + "[") else { return nil }
        let rest = field.dropFirst(name.count + 1)
        guard let close = rest.firstIndex(of: "]") else { return nil }
        return Int(rest[rest.startIndex..<close])
    }

    mutating func count(_ kind: CSVKind, created: Bool) {
        if created { counts[kind, default: ImportCounts()].created += 1 } else { counts[kind, default: ImportCounts()].changed += 1 }
    }
    mutating func unchanged(_ kind: CSVKind) { counts[kind, default: ImportCounts()].unchanged += 1 }

    // MARK: Simple kinds (one row per entity)

    mutating func simple<E: Identifiable & Equatable>(
        _ rows: [Row],
        kind: CSVKind,
        parse: (Row, inout [ImportIssue]) -> E?,
        current: (PlantState, E) -> E?,
        command: (E, E?) -> Command,
        keep: ((E, E?) -> E)? = nil
    ) where E.ID: Hashable {
        var seen: [E.ID: Int] = [:]
        for row in rows {
            var found: [ImportIssue] = []
            let parsed = parse(row, &found)
            issues += found
            guard var entity = parsed, found.isEmpty else { continue }
            if let first = seen[entity.id] {
                issues.append(row.issue(kind.header.first, "duplicate", "\(entity.id) is already on row \(first) of this import"))
                continue
            }
            seen[entity.id] = row.origin.row
            let old = current(scratch, entity)
            if let keep { entity = keep(entity, old) }
            if old == entity {
                unchanged(kind)
                continue
            }
            if submit(command(entity, old), origin: row.origin, locate: { (row.origin, Planner.column($0, kind: kind)) }) {
                count(kind, created: old == nil)
            }
        }
    }

    func parseSite(_ r: Row, _ issues: inout [ImportIssue]) -> Site? {
        let id: Site.ID? = r.id("id", &issues)
        let name = r.requiredText("name", &issues)
        guard let id, let name else { return nil }
        return Site(id: id, name: name, timeZone: r.optional("time_zone") ?? "UTC")
    }
    func parseSkill(_ r: Row, _ issues: inout [ImportIssue]) -> Skill? {
        let id: Skill.ID? = r.id("id", &issues)
        let name = r.requiredText("name", &issues)
        guard let id, let name else { return nil }
        return Skill(id: id, name: name)
    }
    func parseWorkInstruction(_ r: Row, _ issues: inout [ImportIssue]) -> WorkInstruction? {
        let id: WorkInstruction.ID? = r.id("id", &issues)
        let title = r.requiredText("title", &issues)
        let revision = r.required("revision", &issues)
        guard let id, let title, let revision else { return nil }
        return WorkInstruction(id: id, title: title, revision: revision, text: r.text("text"))
    }
    func parseLocation(_ r: Row, _ issues: inout [ImportIssue]) -> Location? {
        let id: Location.ID? = r.id("id", &issues)
        let name = r.requiredText("name", &issues)
        let site: Site.ID? = r.id("site", &issues)
        let kind = r.required("kind", &issues) != nil ? r.choice("kind", LocationKind.self, &issues) : nil
        let lead = r.number("staging_lead_min", &issues)
        guard let id, let name, let site, let kind else { return nil }
        return Location(id: id, name: name, site: site, kind: kind, workCenter: r.optionalID("work_center"), stagingLeadMinutes: lead)
    }
    func parseItem(_ r: Row, _ issues: inout [ImportIssue]) -> Item? {
        let id: Item.ID? = r.id("id", &issues)
        let name = r.requiredText("name", &issues)
        let kind = r.required("kind", &issues) != nil ? r.choice("kind", ItemKind.self, &issues) : nil
        let unit = r.choice("unit", UnitOfMeasure.self, &issues) ?? .each
        guard let id, let name, let kind else { return nil }
        return Item(id: id, name: name, kind: kind, unit: unit)
    }
    func parseCustomer(_ r: Row, _ issues: inout [ImportIssue]) -> Customer? {
        let id: Customer.ID? = r.id("id", &issues)
        let name = r.requiredText("name", &issues)
        let priority = r.integer("priority", &issues) ?? 3
        guard let id, let name else { return nil }
        return Customer(id: id, name: name, priority: priority)
    }
    func parseUser(_ r: Row, _ issues: inout [ImportIssue]) -> User? {
        let id: User.ID? = r.id("id", &issues)
        let name = r.requiredText("name", &issues)
        var roles: [Role] = []
        if r.required("roles", &issues) != nil {
            for text in r.list("roles") {
                if let role = Role(rawValue: text.lowercased()) {
                    roles.append(role)
                } else {
                    issues.append(
                        r.issue("roles", "one-of", "'\(text)' is not a role; roles: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                    )
                }
            }
        }
        var certifications: [Certification] = []
        for entry in r.list("certifications") {
            let parts = entry.split(separator: "@", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            var until: Date?
            if parts.count == 2 {
                guard let d = r.values.date(parts[1]) else {
                    issues.append(r.issue("certifications", "date", "'\(entry)': the date after @ must be a date such as 2027-03-31"))
                    continue
                }
                until = d
            }
            certifications.append(Certification(skill: Skill.ID(parts[0]), validUntil: until))
        }
        let active = r.boolean("active", &issues) ?? true
        guard let id, let name else { return nil }
        return User(id: id, name: name, roles: roles, certifications: certifications, active: active)
    }

    // MARK: Work centers (one row per shift) and their downtime

    mutating func workCenters(_ rows: [Row], downtime: [Row]) {
        // Work centers: the first row's columns, shifts from every row.
        var order: [WorkCenter.ID] = []
        var defined: [WorkCenter.ID: (wc: WorkCenter, rows: [Row], shiftRows: [Row])] = [:]
        for row in rows {
            var found: [ImportIssue] = []
            let id: WorkCenter.ID? = row.id("id", &found)
            let name = row.requiredText("name", &found)
            let site: Site.ID? = row.id("site", &found)
            let kind = row.required("kind", &found) != nil ? row.choice("kind", WorkCenterKind.self, &found) : nil
            let capacity = row.integer("capacity", &found) ?? 1
            let changeover = row.number("default_changeover_min", &found) ?? 0
            var transitions: [SetupTransition] = []
            for entry in row.list("setup_transitions") {
                let sides = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                let ends = sides.first?.split(separator: ">", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) } ?? []
                guard sides.count == 2, ends.count == 2, let minutes = CSVValues.number(sides[1]) else {
                    found.append(row.issue("setup_transitions", "format", "'\(entry)' must read from>to=minutes, e.g. small>large=30"))
                    continue
                }
                transitions.append(SetupTransition(from: ends[0], to: ends[1], minutes: minutes))
            }
            var shift: Shift?
            if let shiftName = row.optionalText("shift") {
                var days: [Weekday] = []
                for d in row.list("shift_days") {
                    if let day = CSVValues.weekday(d) {
                        days.append(day)
                    } else {
                        found.append(row.issue("shift_days", "one-of", "'\(d)' is not a weekday; write mon, tue, wed, thu, fri, sat, sun"))
                    }
                }
                shift = Shift(name: shiftName, days: days, start: row.trimmed("shift_start"), end: row.trimmed("shift_end"))
            } else if !row.isEmpty("shift_days") || !row.isEmpty("shift_start") || !row.isEmpty("shift_end") {
                found.append(row.issue("shift", "required", "a row with shift days or times needs the shift's name"))
            }
            issues += found
            guard found.isEmpty, let id, let name, let site, let kind else { continue }
            let wc = WorkCenter(
                id: id,
                name: name,
                site: site,
                kind: kind,
                capacity: capacity,
                shifts: shift.map { [$0] } ?? [],
                setupFamilies: row.list("setup_families"),
                defaultChangeoverMinutes: changeover,
                setupTransitions: transitions
            )
            if var entry = defined[id] {
                var same = wc
                same.shifts = entry.wc.shifts
                if same != entry.wc {
                    let first = entry.rows[0].origin.row
                    issues.append(
                        row.issue(nil, "inconsistent", "the work center's columns differ from its row \(first); only the shift columns may differ")
                    )
                    continue
                }
                if let shift {
                    entry.wc.shifts.append(shift)
                    entry.shiftRows.append(row)
                }
                entry.rows.append(row)
                defined[id] = entry
            } else {
                order.append(id)
                defined[id] = (wc, [row], shift == nil ? [] : [row])
            }
        }
        // Downtime: the whole list of every work center the file names.
        var downtimeByWC: [WorkCenter.ID: [(Downtime, Row)]] = [:]
        var downtimeOrder: [WorkCenter.ID] = []
        for row in downtime {
            var found: [ImportIssue] = []
            let id: WorkCenter.ID? = row.id("work_center", &found)
            let start = row.date("start", &found)
            let end = row.date("end", &found)
            let reason = row.optionalText("reason")
            issues += found
            guard found.isEmpty, let id else { continue }
            if downtimeByWC[id] == nil { downtimeOrder.append(id) }
            var list = downtimeByWC[id] ?? []
            if start == nil && end == nil && reason == nil {
                downtimeByWC[id] = list  // "no downtime"
                continue
            }
            guard let start, let end else {
                issues.append(row.issue(start == nil ? "start" : "end", "required", "a downtime needs its start and end"))
                continue
            }
            list.append((Downtime(start: start, end: end, reason: reason ?? ""), row))
            downtimeByWC[id] = list
        }
        for id in order + downtimeOrder.filter({ defined[$0] == nil }) {
            let entry = defined[id]
            guard var wc = entry?.wc ?? scratch.workCenters[id] else {
                if let row = downtimeByWC[id]?.first?.1 ?? downtime.first(where: { $0.trimmed("work_center") == id.rawValue }) {
                    issues.append(row.issue("work_center", "unknown-reference", "work center '\(id)' does not exist and is not in the import"))
                }
                continue
            }
            let downtimeRows = downtimeByWC[id]
            wc.plannedDowntime = downtimeRows.map { $0.map(\.0) } ?? scratch.workCenters[id]?.plannedDowntime ?? []
            let old = scratch.workCenters[id]
            wc.active = old?.active ?? true  // the file does not say; an import neither deactivates nor reactivates
            let kind: CSVKind = entry == nil ? .downtime : .workCenters
            if old == wc {
                unchanged(kind)
                continue
            }
            let main = entry?.rows[0].origin ?? downtimeRows?.first?.1.origin ?? Origin(kind: .downtime, file: CSVKind.downtime.fileName, row: 0)
            let shiftRows = entry?.shiftRows ?? []
            let locate: (String) -> (Origin, String?) = { field in
                if let i = Planner.index(in: field, of: "shifts"), i < shiftRows.count {
                    return (
                        shiftRows[i].origin,
                        Planner.column(
                            field,
                            kind: .workCenters,
                            renames: [
                                "shifts[].name": "shift", "shifts[].days": "shift_days", "shifts[].start": "shift_start", "shifts[].end": "shift_end",
                            ]
                        )
                    )
                }
                if let i = Planner.index(in: field, of: "plannedDowntime"), let rows = downtimeRows, i < rows.count {
                    return (rows[i].1.origin, Planner.column(field, kind: .downtime))
                }
                return (
                    main,
                    Planner.column(
                        field,
                        kind: .workCenters,
                        renames: [
                            "setupFamilies": "setup_families", "defaultChangeoverMinutes": "default_changeover_min",
                            "setupTransitions[].from": "setup_transitions",
                            "setupTransitions[].to": "setup_transitions", "setupTransitions[].minutes": "setup_transitions",
                        ]
                    )
                )
            }
            if submit(.defineWorkCenter(wc), origin: main, locate: locate) { count(kind, created: old == nil) }
        }
    }

    // MARK: Bills of materials (one row per component)

    mutating func boms(_ rows: [Row]) {
        var order: [BOM.ID] = []
        var grouped: [BOM.ID: (bom: BOM, rows: [Row])] = [:]
        for row in rows {
            var found: [ImportIssue] = []
            let id: BOM.ID? = row.id("bom", &found)
            let item: Item.ID? = row.id("item", &found)
            let component: Item.ID? = row.id("component", &found)
            let quantity = row.requiredNumber("quantity", &found)
            let operation = row.integer("operation", &found)
            issues += found
            guard found.isEmpty, let id, let item, let component, let quantity else { continue }
            let line = BOMComponent(
                item: component,
                quantity: quantity,
                substitutes: row.list("substitutes").map { Item.ID($0) },
                operation: operation
            )
            if var entry = grouped[id] {
                guard entry.bom.item == item else {
                    issues.append(
                        row.issue("item", "inconsistent", "bill of materials '\(id)' makes '\(entry.bom.item)' on row \(entry.rows[0].origin.row)")
                    )
                    continue
                }
                entry.bom.components.append(line)
                entry.rows.append(row)
                grouped[id] = entry
            } else {
                order.append(id)
                grouped[id] = (BOM(id: id, item: item, components: [line]), [row])
            }
        }
        for id in order {
            guard let entry = grouped[id] else { continue }
            var bom = entry.bom
            let bomRows = entry.rows
            var unitsOK = true
            for (row, line) in zip(bomRows, bom.components) where !checkUnit(row, item: line.item) { unitsOK = false }
            guard unitsOK else { continue }
            let old = scratch.boms[id]
            bom.active = old?.active ?? true
            if old == bom {
                unchanged(.boms)
                continue
            }
            let locate: (String) -> (Origin, String?) = { field in
                let row = Planner.index(in: field, of: "components").flatMap { $0 < bomRows.count ? bomRows[$0] : nil } ?? bomRows[0]
                return (
                    row.origin,
                    Planner.column(
                        field,
                        kind: .boms,
                        renames: [
                            "id": "bom", "components": "component", "components[].item": "component", "components[].substitutes[]": "substitutes",
                            "components[].substitutes": "substitutes",
                        ]
                    )
                )
            }
            if submit(.defineBOM(bom), origin: bomRows[0].origin, locate: locate) { count(.boms, created: old == nil) }
        }
    }

    /// When the row gives a unit, it must be the item's (as the plant knows it by now). False (and an issue) when not.
    mutating func checkUnit(_ row: Row, item: Item.ID) -> Bool {
        guard let given = row.optional("unit"), let known = scratch.items[item]?.unit else { return true }
        guard given == known.rawValue else {
            issues.append(row.issue("unit", "unit-mismatch", "'\(item)' is counted in \(known.rawValue), not \(given)"))
            return false
        }
        return true
    }

    // MARK: Routings (one row per operation and eligible work center)

    mutating func routings(_ rows: [Row]) {
        var order: [Routing.ID] = []
        var grouped: [Routing.ID: (routing: Routing, rows: [[Row]])] = [:]
        for row in rows {
            var found: [ImportIssue] = []
            let id: Routing.ID? = row.id("routing", &found)
            let item: Item.ID? = row.id("item", &found)
            let sequence = row.requiredInteger("sequence", &found)
            let name = row.requiredText("operation", &found)
            let wc: WorkCenter.ID? = row.id("work_center", &found)
            let setup = row.requiredNumber("setup_min", &found)
            let run = row.requiredNumber("run_min_per_unit", &found)
            let batch = row.number("transfer_batch", &found)
            let inspection = row.boolean("inspection_required", &found) ?? false
            issues += found
            guard found.isEmpty, let id, let item, let sequence, let name, let wc, let setup, let run else { continue }
            let eligible = EligibleWorkCenter(workCenter: wc, setupMinutes: setup, runMinutesPerUnit: run)
            let op = RoutingOperation(
                sequence: sequence,
                name: name,
                workCenters: [eligible],
                requiredSkill: row.optionalID("required_skill"),
                workInstruction: row.optionalID("work_instruction"),
                setupFamily: row.optional("setup_family"),
                transferBatch: batch,
                inspectionRequired: inspection
            )
            guard var entry = grouped[id] else {
                order.append(id)
                grouped[id] = (Routing(id: id, item: item, operations: [op]), [[row]])
                continue
            }
            guard entry.routing.item == item else {
                issues.append(
                    row.issue("item", "inconsistent", "routing '\(id)' makes '\(entry.routing.item)' on row \(entry.rows[0][0].origin.row)")
                )
                continue
            }
            if let i = entry.routing.operations.firstIndex(where: { $0.sequence == sequence }) {
                var same = op
                same.workCenters = entry.routing.operations[i].workCenters
                guard same == entry.routing.operations[i] else {
                    issues.append(
                        row.issue(
                            nil,
                            "inconsistent",
                            "operation \(sequence) of routing '\(id)' reads differently on row \(entry.rows[i][0].origin.row); only the work center columns may differ"
                        )
                    )
                    continue
                }
                guard i == entry.routing.operations.count - 1 else {
                    issues.append(row.issue("sequence", "grouped", "the rows of operation \(sequence) of routing '\(id)' must follow each other"))
                    continue
                }
                entry.routing.operations[i].workCenters.append(eligible)
                entry.rows[i].append(row)
            } else {
                entry.routing.operations.append(op)
                entry.rows.append([row])
            }
            grouped[id] = entry
        }
        for id in order {
            guard let entry = grouped[id] else { continue }
            var routing = entry.routing
            let opRows = entry.rows
            let old = scratch.routings[id]
            routing.active = old?.active ?? true
            if old == routing {
                unchanged(.routings)
                continue
            }
            let locate: (String) -> (Origin, String?) = { field in
                var row = opRows[0][0]
                if let i = Planner.index(in: field, of: "operations"), i < opRows.count {
                    row = opRows[i][0]
                    let rest = String(field.drop { $0 != "." }.dropFirst())
                    if let j = Planner.index(in: rest, of: "workCenters"), j < opRows[i].count { row = opRows[i][j] }
                }
                return (
                    row.origin,
                    Planner.column(
                        field,
                        kind: .routings,
                        renames: [
                            "id": "routing", "operations": "sequence", "operations[].name": "operation", "operations[].workCenters": "work_center",
                            "setupMinutes": "setup_min", "runMinutesPerUnit": "run_min_per_unit",
                        ]
                    )
                )
            }
            if submit(.defineRouting(routing), origin: opRows[0][0].origin, locate: locate) { count(.routings, created: old == nil) }
        }
    }

    // MARK: Sales orders (one row per line)

    /// Creates and changes sales orders; returns the cancellations, to be submitted once the production orders pegged to
    /// them exist (only an open order takes new production).
    mutating func salesOrders(_ rows: [Row]) -> [(Command, Origin)] {
        struct Entry {
            var order: SalesOrder
            var priorityGiven: Bool
            var cancelReason: String?
            var rows: [Row]
        }
        var order: [SalesOrder.ID] = []
        var grouped: [SalesOrder.ID: Entry] = [:]
        for row in rows {
            var found: [ImportIssue] = []
            let id: SalesOrder.ID? = row.id("sales_order", &found)
            let customer: Customer.ID? = row.id("customer", &found)
            let priority = row.integer("priority", &found)
            let status = row.choice("status", SalesOrderStatus.self, &found) ?? .open
            let lineNumber = row.requiredInteger("line", &found)
            let item: Item.ID? = row.id("item", &found)
            let quantity = row.requiredNumber("quantity", &found)
            let requested = row.requiredDate("requested_date", &found)
            let promised = row.date("promised_date", &found)
            issues += found
            guard found.isEmpty, let id, let customer, let lineNumber, let item, let quantity, let requested else { continue }
            let line = SalesOrderLine(line: lineNumber, item: item, quantity: quantity, requestedDate: requested, promisedDate: promised)
            if var entry = grouped[id] {
                let first = entry.rows[0]
                guard entry.order.customer == customer, entry.order.status == status, (entry.priorityGiven ? entry.order.priority : nil) == priority
                else {
                    issues.append(
                        row.issue(
                            nil,
                            "inconsistent",
                            "sales order '\(id)' has another customer, priority or status on row \(first.origin.row); only the line columns may differ"
                        )
                    )
                    continue
                }
                entry.order.lines.append(line)
                entry.rows.append(row)
                grouped[id] = entry
            } else {
                order.append(id)
                grouped[id] = Entry(
                    order: SalesOrder(id: id, customer: customer, priority: priority ?? 0, lines: [line], status: status),
                    priorityGiven: priority != nil,
                    cancelReason: row.optionalText("cancel_reason"),
                    rows: [row]
                )
            }
        }
        var cancellations: [(Command, Origin)] = []
        for id in order {
            guard let entry = grouped[id] else { continue }
            var unitsOK = true
            for (row, line) in zip(entry.rows, entry.order.lines) where !checkUnit(row, item: line.item) { unitsOK = false }
            guard unitsOK else { continue }
            let wanted = entry.order
            let main = entry.rows[0]
            let lineRows = entry.rows
            let locate: (String) -> (Origin, String?) = { field in
                let row = Planner.index(in: field, of: "lines").flatMap { $0 < lineRows.count ? lineRows[$0] : nil } ?? main
                return (
                    row.origin,
                    Planner.column(
                        field,
                        kind: .salesOrders,
                        renames: [
                            "id": "sales_order", "salesOrder": "sales_order", "lines": "line", "reason": "cancel_reason",
                        ]
                    )
                )
            }
            let cancel = Command.cancelSalesOrder(
                CancelSalesOrder(salesOrder: id, reason: entry.cancelReason ?? "cancelled in the imported order book")
            )
            guard let old = scratch.salesOrders[id] else {
                if wanted.status == .shipped {
                    issues.append(main.issue("status", "not-importable", "a shipped order is not imported: it is shipped by shipping lots in Takt"))
                    continue
                }
                let new = NewSalesOrder(id: id, customer: wanted.customer, priority: entry.priorityGiven ? wanted.priority : nil, lines: wanted.lines)
                if submit(.createSalesOrder(new), origin: main.origin, locate: locate) {
                    count(.salesOrders, created: true)
                    if wanted.status == .cancelled { cancellations.append((cancel, main.origin)) }
                }
                continue
            }
            // An existing order: only promises and a cancellation are imported; anything else is refused.
            var refused = false
            func refuse(_ row: Row, _ column: String, _ what: String) {
                issues.append(
                    row.issue(
                        column,
                        "order-immutable",
                        "sales order '\(id)' exists with another \(what); an import changes an order's promises and status only"
                    )
                )
                refused = true
            }
            if old.customer != wanted.customer { refuse(main, "customer", "customer") }
            if entry.priorityGiven && old.priority != wanted.priority { refuse(main, "priority", "priority") }
            var promises: [Command] = []
            for (row, line) in zip(entry.rows, wanted.lines) {
                guard let was = old.lines.first(where: { $0.line == line.line }) else {
                    refuse(row, "line", "set of lines (line \(line.line) is new)")
                    continue
                }
                if was.item != line.item { refuse(row, "item", "item on line \(line.line)") }
                if was.quantity != line.quantity { refuse(row, "quantity", "quantity on line \(line.line)") }
                if was.requestedDate != line.requestedDate { refuse(row, "requested_date", "requested date on line \(line.line)") }
                if was.promisedDate != line.promisedDate {
                    if let date = line.promisedDate {
                        promises.append(.promiseSalesOrderLine(PromiseSalesOrderLine(salesOrder: id, line: line.line, promisedDate: date)))
                    } else {
                        refuse(row, "promised_date", "promise on line \(line.line) (a promise is not taken back by an import)")
                    }
                }
            }
            if old.lines.count != wanted.lines.count && !refused { refuse(main, "line", "set of lines (\(old.lines.count) in the plant)") }
            if old.status != wanted.status && !(old.status == .open && wanted.status == .cancelled) {
                issues.append(
                    main.issue(
                        "status",
                        "status-backwards",
                        "sales order '\(id)' is \(old.status.rawValue) and cannot become \(wanted.status.rawValue)"
                    )
                )
                refused = true
            }
            guard !refused else { continue }
            if promises.isEmpty && old.status == wanted.status {
                unchanged(.salesOrders)
                continue
            }
            var ok = true
            for p in promises where ok { ok = submit(p, origin: main.origin, locate: locate) }
            if ok {
                count(.salesOrders, created: false)
                if old.status != wanted.status { cancellations.append((cancel, main.origin)) }
            }
        }
        return cancellations
    }

    // MARK: Production orders

    mutating func productionOrders(_ rows: [Row]) {
        var seen: [ProductionOrder.ID: Int] = [:]
        for row in rows {
            var found: [ImportIssue] = []
            let id: ProductionOrder.ID? = row.id("id", &found)
            let item: Item.ID? = row.id("item", &found)
            let quantity = row.requiredNumber("quantity", &found)
            let due = row.requiredDate("due_date", &found)
            let priority = row.integer("priority", &found)
            let status = row.choice("status", ProductionOrderStatus.self, &found) ?? .planned
            let peggedOrder: SalesOrder.ID? = row.optionalID("sales_order")
            let peggedLine = row.integer("sales_order_line", &found)
            if (peggedOrder == nil) != (peggedLine == nil) {
                found.append(
                    row.issue(
                        peggedOrder == nil ? "sales_order" : "sales_order_line",
                        "required",
                        "a pegging names both the sales order and its line"
                    )
                )
            }
            issues += found
            guard found.isEmpty, let id, let item, let quantity, let due else { continue }
            if let first = seen[id] {
                issues.append(row.issue("id", "duplicate", "\(id) is already on row \(first) of this import"))
                continue
            }
            seen[id] = row.origin.row
            guard checkUnit(row, item: item) else { continue }
            let pegging = peggedOrder.flatMap { o in peggedLine.map { Pegging(salesOrder: o, line: $0) } }
            let routing: Routing.ID? = row.optionalID("routing")
            let reason = row.optionalText("cancel_reason") ?? "cancelled in the imported order book"
            let locate: (String) -> (Origin, String?) = { field in
                (
                    row.origin,
                    Planner.column(
                        field,
                        kind: .productionOrders,
                        renames: [
                            "pegging.salesOrder": "sales_order", "pegging.line": "sales_order_line", "productionOrder": "status",
                            "reason": "cancel_reason",
                        ]
                    )
                )
            }
            var current: ProductionOrderStatus
            var created = false
            if let old = scratch.productionOrders[id] {
                var refused = false
                func refuse(_ column: String, _ what: String) {
                    issues.append(
                        row.issue(
                            column,
                            "order-immutable",
                            "production order '\(id)' exists with another \(what); an import moves an order's status forward only"
                        )
                    )
                    refused = true
                }
                if old.item != item { refuse("item", "item") }
                if old.quantity != quantity { refuse("quantity", "quantity") }
                if let routing, old.routing != routing { refuse("routing", "routing") }
                if old.dueDate != TaktJSON.wholeSeconds(due) { refuse("due_date", "due date") }
                if let priority, old.priority != priority { refuse("priority", "priority") }
                if old.pegging != pegging { refuse("sales_order", "pegging") }
                guard !refused else { continue }
                if old.status == status {
                    unchanged(.productionOrders)
                    continue
                }
                current = old.status
            } else {
                let new = NewProductionOrder(
                    id: id,
                    item: item,
                    quantity: quantity,
                    routing: routing,
                    dueDate: due,
                    priority: priority,
                    pegging: pegging
                )
                guard submit(.createProductionOrder(new), origin: row.origin, locate: locate) else { continue }
                current = .planned
                created = true
            }
            guard let steps = Planner.steps(from: current, to: status, order: id, reason: reason) else {
                issues.append(
                    row.issue("status", "status-backwards", "production order '\(id)' is \(current.rawValue) and cannot become \(status.rawValue)")
                )
                continue
            }
            var ok = true
            for step in steps where ok { ok = submit(step, origin: row.origin, locate: locate) }
            if ok { count(.productionOrders, created: created) }
        }
    }

    /// The commands that take an order from one status to another, nil when the plant has no way there.
    static func steps(from: ProductionOrderStatus, to: ProductionOrderStatus, order: ProductionOrder.ID, reason: String) -> [Command]? {
        let ref = ProductionOrderRef(productionOrder: order)
        if from == to { return [] }
        if to == .cancelled { return from.isTerminal ? nil : [.cancelProductionOrder(CancelProductionOrder(productionOrder: order, reason: reason))] }
        let path: [ProductionOrderStatus] = [.planned, .released, .inProgress, .completed]
        guard let a = path.firstIndex(of: from), let b = path.firstIndex(of: to), a < b else { return nil }
        let moves: [Command] = [.releaseProductionOrder(ref), .startProductionOrder(ref), .completeProductionOrder(ref)]
        return Array(moves[a..<b])
    }

    // MARK: Lots

    mutating func lots(_ rows: [Row]) {
        var seen: [Lot.ID: Int] = [:]
        for row in rows {
            var found: [ImportIssue] = []
            let id: Lot.ID? = row.id("id", &found)
            let item: Item.ID? = row.id("item", &found)
            let quantity = row.requiredNumber("quantity", &found)
            let location: Location.ID? = row.id("location", &found)
            let status = row.choice("status", LotStatus.self, &found) ?? .available
            if !CSVExport.inStock.contains(status) {
                found.append(
                    row.issue("status", "not-importable", "a lot is imported available, on-hold or quarantine; \(status.rawValue) lots are not stock")
                )
            }
            issues += found
            guard found.isEmpty, let id, let item, let quantity, let location else { continue }
            if let first = seen[id] {
                issues.append(row.issue("id", "duplicate", "\(id) is already on row \(first) of this import"))
                continue
            }
            seen[id] = row.origin.row
            guard checkUnit(row, item: item) else { continue }
            let supplierLot = row.optionalText("supplier_lot")
            let supplier = row.optionalText("supplier")
            let made: ProductionOrder.ID? = row.optionalID("production_order")
            let reason = row.optionalText("status_reason") ?? "status from the imported stock list"
            let locate: (String) -> (Origin, String?) = { field in
                (row.origin, Planner.column(field, kind: .lots, renames: ["to": "location", "lot": "status", "reason": "status_reason"]))
            }
            var created = false
            if let old = scratch.lots[id] {
                var refused = false
                func refuse(_ column: String, _ what: String) {
                    issues.append(
                        row.issue(
                            column,
                            "lot-immutable",
                            "lot '\(id)' exists with another \(what); quantities change on the shop floor, an import moves lots and sets their status only"
                        )
                    )
                    refused = true
                }
                if old.item != item { refuse("item", "item") }
                if old.quantity != quantity { refuse("quantity", "quantity") }
                if old.supplierLot != supplierLot { refuse("supplier_lot", "supplier lot") }
                if old.supplier != supplier { refuse("supplier", "supplier") }
                if old.productionOrder != made { refuse("production_order", "production order") }
                if !CSVExport.inStock.contains(old.status) {
                    issues.append(row.issue("status", "not-in-stock", "lot '\(id)' is \(old.status.rawValue) in the plant, no longer stock"))
                    refused = true
                }
                guard !refused else { continue }
                if old.location == location && old.status == status {
                    unchanged(.lots)
                    continue
                }
            } else {
                let new = NewLot(
                    id: id,
                    item: item,
                    quantity: quantity,
                    location: location,
                    supplierLot: supplierLot,
                    supplier: supplier,
                    productionOrder: made
                )
                guard submit(.createLot(new), origin: row.origin, locate: locate) else { continue }
                created = true
            }
            var ok = true
            if let lot = scratch.lots[id], lot.status != status {
                ok = submit(.setLotStatus(SetLotStatus(lot: id, status: status, reason: reason)), origin: row.origin, locate: locate)
            }
            if ok, let lot = scratch.lots[id], lot.location != location {
                ok = submit(.moveLot(MoveLot(lot: id, to: location)), origin: row.origin, locate: locate)
            }
            if ok { count(.lots, created: created) }
        }
    }
}

/// `value` changed by `change`.
func with<T>(_ value: T, _ change: (inout T) -> Void) -> T {
    var copy = value
    change(&copy)
    return copy
}
