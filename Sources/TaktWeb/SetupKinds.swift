import Foundation
import TaktCore
import TaktExchange

/// One field of a setup form. Its `name` is the model's JSON key, so that a refusal's violation (`name`,
/// `operations[1].workCenters`) is shown beside the field it names.
struct SetupField: Sendable {
    enum Input: Sendable {
        case text
        case number
        /// A pick list of (value, label); an empty value means "none".
        case select([(String, String)])
        /// Several values, one checkbox each (value = label).
        case checks([String])
        /// One entry per line, in the format the hint describes.
        case lines
    }
    var name: String
    var label: String
    var input: Input
    var hint: String? = nil
    /// Shown but not changed once the entity exists (its ID).
    var fixedOnEdit = false
}

/// One row of a setup list.
struct SetupRow: Sendable {
    var id: String
    var cells: [String]
    var active: Bool
    /// True when `query` (lower case) is in the ID or any cell.
    func matches(_ query: String) -> Bool {
        query.isEmpty || id.lowercased().contains(query) || cells.contains { $0.lowercased().contains(query) }
    }
}

/// A form that cannot become a command as typed (a number that is not one, a line in the wrong format): its problems
/// by field, refused before anything is sent to the plant.
struct FormProblems: Error, PresentableError, Sendable {
    var violations: [Violation]
    var presentation: ErrorPresentation {
        .badRequest(violations.map(\.message).joined(separator: "; "), violations)
    }
}

/// A kind of master data the setup screens manage: its fields, its list and how a form becomes the command the API takes.
struct SetupKind: Sendable {
    var slug: String
    var title: String
    var singular: String
    var csv: CSVKind
    var command: CommandKind
    /// The section the kind's pages belong to (users are the admins').
    var section: Section
    var columns: [String]
    var fields: @Sendable (PlantState) -> [SetupField]
    var rows: @Sendable (PlantState) -> [SetupRow]
    /// The form's values for an existing entity, nil when there is none.
    var values: @Sendable (PlantState, String) -> [String: String]?
    /// The command a submitted form stands for (the existing entity, if any, keeps what the form does not show).
    var build: @Sendable (PlantState, [String: String]) throws -> Command
    /// The command that deactivates (`false`) or reactivates (`true`) an entity; nil for kinds that cannot be.
    var setActive: (@Sendable (PlantState, String, Bool) throws -> Command)? = nil

    var base: String { section == .admin ? "/admin/\(slug)" : "/setup/\(slug)" }

    static let all: [SetupKind] = [.items, .boms, .routings, .workCenters, .skills, .customers, .locations, .sites, .users]
    static func named(_ slug: String) -> SetupKind? { all.first { $0.slug == slug } }
}

// MARK: - Reading a form

/// Reads a form's values into model values, collecting every problem by field.
struct FormReader {
    var values: [String: String]
    var problems: [Violation] = []

    func text(_ name: String) -> String { (values[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
    func optional(_ name: String) -> String? {
        let t = text(name)
        return t.isEmpty ? nil : t
    }
    mutating func problem(_ field: String, _ rule: String, _ message: String) {
        problems.append(Violation(field: field, rule: rule, message: message))
    }
    mutating func double(_ name: String, label: String, default value: Double? = nil) -> Double? {
        guard let t = optional(name) else { return value }
        guard let d = Double(t), d.isFinite else {
            problem(name, "number", "\(label) must be a number (got '\(t.prefix(40))')")
            return value
        }
        return d
    }
    mutating func int(_ name: String, label: String, default value: Int) -> Int {
        guard let t = optional(name) else { return value }
        guard let i = Int(t) else {
            problem(name, "integer", "\(label) must be a whole number (got '\(t.prefix(40))')")
            return value
        }
        return i
    }
    mutating func choice<T: RawRepresentable>(_ name: String, label: String, as: T.Type) -> T? where T.RawValue == String {
        guard let t = optional(name) else {
            problem(name, "required", "please choose the \(label)")
            return nil
        }
        guard let v = T(rawValue: t) else {
            problem(name, "unknown-value", "\(label) '\(t.prefix(40))' is not one of the choices")
            return nil
        }
        return v
    }
    /// The non-empty lines of a multi-line field, each split at `;` into trimmed cells, with its 1-based number.
    func lines(_ name: String) -> [(number: Int, cells: [String])] {
        (values[name] ?? "").split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated().compactMap { i, line in
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { return nil }
            return (i + 1, t.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) })
        }
    }
    func finish() throws(FormProblems) { if !problems.isEmpty { throw FormProblems(violations: problems) } }
}

private func options<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> [(String, String)] where T.RawValue == String {
    T.allCases.map { ($0.rawValue, $0.rawValue) }
}

/// A number as a person types it: `2`, `2.5`, `0.05`.
private func number(_ d: Double) -> String { d.rounded() == d && abs(d) < 1e15 ? String(Int(d)) : String(d) }

// MARK: - The kinds

extension SetupKind {
    static let items = SetupKind(
        slug: "items",
        title: "Items",
        singular: "item",
        csv: .items,
        command: .defineItem,
        section: .setup,
        columns: ["ID", "Name", "Kind", "Unit"],
        fields: { _ in
            [
                SetupField(name: "id", label: "ID", input: .text, fixedOnEdit: true),
                SetupField(name: "name", label: "Name", input: .text),
                SetupField(name: "kind", label: "Kind", input: .select(options(ItemKind.self))),
                SetupField(name: "unit", label: "Unit of measure", input: .select(options(UnitOfMeasure.self))),
            ]
        },
        rows: { s in
            s.items.values.sorted { $0.id < $1.id }.map {
                SetupRow(id: $0.id.rawValue, cells: [$0.name, $0.kind.rawValue, $0.unit.rawValue], active: $0.active)
            }
        },
        values: { s, id in
            s.items[.init(id)].map { ["id": $0.id.rawValue, "name": $0.name, "kind": $0.kind.rawValue, "unit": $0.unit.rawValue] }
        },
        build: { s, values in
            var f = FormReader(values: values)
            let kind = f.choice("kind", label: "kind", as: ItemKind.self)
            let unit = f.choice("unit", label: "unit", as: UnitOfMeasure.self)
            try f.finish()
            let id = Item.ID(f.text("id"))
            return .defineItem(
                Item(id: id, name: values["name"] ?? "", kind: kind ?? .purchased, unit: unit ?? .each, active: s.items[id]?.active ?? true)
            )
        },
        setActive: { s, id, active in
            guard var item = s.items[.init(id)] else { throw DomainError.notFound("id", "item '\(id)' does not exist") }
            item.active = active
            return .defineItem(item)
        }
    )

    static let customers = SetupKind(
        slug: "customers",
        title: "Customers",
        singular: "customer",
        csv: .customers,
        command: .defineCustomer,
        section: .setup,
        columns: ["ID", "Name", "Priority"],
        fields: { _ in
            [
                SetupField(name: "id", label: "ID", input: .text, fixedOnEdit: true),
                SetupField(name: "name", label: "Name", input: .text),
                SetupField(name: "priority", label: "Priority", input: .number, hint: "1 (most important) to 5; 3 when empty"),
            ]
        },
        rows: { s in
            s.customers.values.sorted { $0.id < $1.id }.map {
                SetupRow(id: $0.id.rawValue, cells: [$0.name, String($0.priority)], active: $0.active)
            }
        },
        values: { s, id in s.customers[.init(id)].map { ["id": $0.id.rawValue, "name": $0.name, "priority": String($0.priority)] } },
        build: { s, values in
            var f = FormReader(values: values)
            let priority = f.int("priority", label: "priority", default: 3)
            try f.finish()
            let id = Customer.ID(f.text("id"))
            return .defineCustomer(Customer(id: id, name: values["name"] ?? "", priority: priority, active: s.customers[id]?.active ?? true))
        },
        setActive: { s, id, active in
            guard var customer = s.customers[.init(id)] else { throw DomainError.notFound("id", "customer '\(id)' does not exist") }
            customer.active = active
            return .defineCustomer(customer)
        }
    )

    static let skills = SetupKind(
        slug: "skills",
        title: "Skills",
        singular: "skill",
        csv: .skills,
        command: .defineSkill,
        section: .setup,
        columns: ["ID", "Name", "Certified people"],
        fields: { _ in
            [SetupField(name: "id", label: "ID", input: .text, fixedOnEdit: true), SetupField(name: "name", label: "Name", input: .text)]
        },
        rows: { s in
            s.skills.values.sorted { $0.id < $1.id }.map { skill in
                let people = s.users.values.filter { $0.certifications.contains { $0.skill == skill.id } }.count
                return SetupRow(id: skill.id.rawValue, cells: [skill.name, String(people)], active: skill.active)
            }
        },
        values: { s, id in s.skills[.init(id)].map { ["id": $0.id.rawValue, "name": $0.name] } },
        build: { s, values in
            let id = Skill.ID(values["id"]?.trimmingCharacters(in: .whitespaces) ?? "")
            return .defineSkill(Skill(id: id, name: values["name"] ?? "", active: s.skills[id]?.active ?? true))
        },
        setActive: { s, id, active in
            guard var skill = s.skills[.init(id)] else { throw DomainError.notFound("id", "skill '\(id)' does not exist") }
            skill.active = active
            return .defineSkill(skill)
        }
    )

    static let locations = SetupKind(
        slug: "locations",
        title: "Locations",
        singular: "location",
        csv: .locations,
        command: .defineLocation,
        section: .setup,
        columns: ["ID", "Name", "Site", "Kind", "Feeds", "Staging lead"],
        fields: { s in
            [
                SetupField(name: "id", label: "ID", input: .text, fixedOnEdit: true),
                SetupField(name: "name", label: "Name", input: .text),
                SetupField(
                    name: "site",
                    label: "Site",
                    input: .select(s.sites.values.sorted { $0.id < $1.id }.map { ($0.id.rawValue, "\($0.id) — \($0.name)") })
                ),
                SetupField(name: "kind", label: "Kind", input: .select(options(LocationKind.self))),
                SetupField(
                    name: "workCenter",
                    label: "Feeds work center",
                    input: .select(
                        [("", "none")]
                            + s.workCenters.values.filter(\.active).sorted { $0.id < $1.id }.map { ($0.id.rawValue, "\($0.id) — \($0.name)") }
                    ),
                    hint: "line-side locations only"
                ),
                SetupField(
                    name: "stagingLeadMinutes",
                    label: "Staging lead (minutes)",
                    input: .number,
                    hint: "line-side: how long before an operation its material must be here"
                ),
            ]
        },
        rows: { s in
            s.locations.values.sorted { $0.id < $1.id }.map {
                SetupRow(
                    id: $0.id.rawValue,
                    cells: [
                        $0.name, $0.site.rawValue, $0.kind.rawValue, $0.workCenter?.rawValue ?? "",
                        $0.stagingLeadMinutes.map { "\(number($0)) min" } ?? "",
                    ],
                    active: $0.active
                )
            }
        },
        values: { s, id in
            s.locations[.init(id)].map {
                [
                    "id": $0.id.rawValue, "name": $0.name, "site": $0.site.rawValue, "kind": $0.kind.rawValue,
                    "workCenter": $0.workCenter?.rawValue ?? "",
                    "stagingLeadMinutes": $0.stagingLeadMinutes.map(number) ?? "",
                ]
            }
        },
        build: { s, values in
            var f = FormReader(values: values)
            let kind = f.choice("kind", label: "kind", as: LocationKind.self)
            let lead = f.double("stagingLeadMinutes", label: "staging lead")
            try f.finish()
            let id = Location.ID(f.text("id"))
            return .defineLocation(
                Location(
                    id: id,
                    name: values["name"] ?? "",
                    site: .init(f.text("site")),
                    kind: kind ?? .store,
                    workCenter: f.optional("workCenter").map { .init($0) },
                    stagingLeadMinutes: lead,
                    active: s.locations[id]?.active ?? true
                )
            )
        },
        setActive: { s, id, active in
            guard var location = s.locations[.init(id)] else { throw DomainError.notFound("id", "location '\(id)' does not exist") }
            location.active = active
            return .defineLocation(location)
        }
    )

    static let workCenters = SetupKind(
        slug: "work-centers",
        title: "Work centers",
        singular: "work center",
        csv: .workCenters,
        command: .defineWorkCenter,
        section: .setup,
        columns: ["ID", "Name", "Site", "Kind", "Capacity", "Shifts", "Setup families"],
        fields: { s in
            [
                SetupField(name: "id", label: "ID", input: .text, fixedOnEdit: true),
                SetupField(name: "name", label: "Name", input: .text),
                SetupField(
                    name: "site",
                    label: "Site",
                    input: .select(s.sites.values.sorted { $0.id < $1.id }.map { ($0.id.rawValue, "\($0.id) — \($0.name)") })
                ),
                SetupField(name: "kind", label: "Kind", input: .select(options(WorkCenterKind.self))),
                SetupField(name: "capacity", label: "Capacity", input: .number, hint: "operations it runs at the same time; 1 when empty"),
                SetupField(
                    name: "shifts",
                    label: "Shifts (calendar)",
                    input: .lines,
                    hint:
                        "one shift a line: name; days; start; end — e.g. Early; mon-fri; 06:00; 14:00 (local time of the site; an end before the start runs past midnight)"
                ),
                SetupField(
                    name: "plannedDowntime",
                    label: "Planned downtime (calendar)",
                    input: .lines,
                    hint: "one interval a line: start; end; reason — e.g. 2026-12-24T00:00; 2026-12-28T06:00; Christmas (local time of the site)"
                ),
                SetupField(name: "setupFamilies", label: "Setup families", input: .text, hint: "comma-separated, e.g. small-housing, large-housing"),
                SetupField(name: "defaultChangeoverMinutes", label: "Changeover between families (minutes)", input: .number),
            ]
        },
        rows: { s in
            s.workCenters.values.sorted { $0.id < $1.id }.map { wc in
                SetupRow(
                    id: wc.id.rawValue,
                    cells: [
                        wc.name, wc.site.rawValue, wc.kind.rawValue, String(wc.capacity),
                        wc.shifts.map { "\($0.name) \(days($0.days)) \($0.start)–\($0.end)" }.joined(separator: "; "),
                        wc.setupFamilies.joined(separator: ", "),
                    ],
                    active: wc.active
                )
            }
        },
        values: { s, id in
            s.workCenters[.init(id)].map { wc in
                [
                    "id": wc.id.rawValue, "name": wc.name, "site": wc.site.rawValue, "kind": wc.kind.rawValue, "capacity": String(wc.capacity),
                    "shifts": wc.shifts.map { "\($0.name); \(days($0.days)); \($0.start); \($0.end)" }.joined(separator: "\n"),
                    "plannedDowntime": wc.plannedDowntime.map {
                        let zone = siteZone(s, wc.site)
                        return "\(Format.minute($0.start, zone)); \(Format.minute($0.end, zone)); \($0.reason)"
                    }.joined(separator: "\n"),
                    "setupFamilies": wc.setupFamilies.joined(separator: ", "), "defaultChangeoverMinutes": number(wc.defaultChangeoverMinutes),
                ]
            }
        },
        build: { s, values in
            var f = FormReader(values: values)
            let kind = f.choice("kind", label: "kind", as: WorkCenterKind.self)
            let capacity = f.int("capacity", label: "capacity", default: 1)
            let changeover = f.double("defaultChangeoverMinutes", label: "changeover minutes", default: 0) ?? 0
            var shifts: [Shift] = []
            for (n, cells) in f.lines("shifts") {
                guard cells.count == 4 else {
                    f.problem("shifts", "line-format", "shift line \(n) needs 4 parts separated by ';': name; days; start; end")
                    continue
                }
                guard let d = parseDays(cells[1]) else {
                    f.problem("shifts", "days", "shift line \(n): days '\(cells[1].prefix(40))' — use mon, tue, … sun, or a range such as mon-fri")
                    continue
                }
                shifts.append(Shift(name: cells[0], days: d, start: cells[2], end: cells[3]))
            }
            let zone = siteZone(s, .init(f.text("site")))
            var downtime: [Downtime] = []
            for (n, cells) in f.lines("plannedDowntime") {
                guard cells.count == 3 else {
                    f.problem("plannedDowntime", "line-format", "downtime line \(n) needs 3 parts separated by ';': start; end; reason")
                    continue
                }
                guard let start = Format.parseMinute(cells[0], zone), let end = Format.parseMinute(cells[1], zone) else {
                    f.problem("plannedDowntime", "date-format", "downtime line \(n): write the times as 2026-12-24T06:00 or 2026-12-24")
                    continue
                }
                downtime.append(Downtime(start: start, end: end, reason: cells[2]))
            }
            try f.finish()
            let id = WorkCenter.ID(f.text("id"))
            let old = s.workCenters[id]
            return .defineWorkCenter(
                WorkCenter(
                    id: id,
                    name: values["name"] ?? "",
                    site: .init(f.text("site")),
                    kind: kind ?? .other,
                    capacity: capacity,
                    shifts: shifts,
                    plannedDowntime: downtime,
                    setupFamilies: f.text("setupFamilies").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                        !$0.isEmpty
                    },
                    defaultChangeoverMinutes: changeover,
                    setupTransitions: old?.setupTransitions ?? [],
                    active: old?.active ?? true
                )
            )
        },
        setActive: { s, id, active in
            guard var wc = s.workCenters[.init(id)] else { throw DomainError.notFound("id", "work center '\(id)' does not exist") }
            wc.active = active
            return .defineWorkCenter(wc)
        }
    )

    static let boms = SetupKind(
        slug: "boms",
        title: "Bills of materials",
        singular: "bill of materials",
        csv: .boms,
        command: .defineBOM,
        section: .setup,
        columns: ["ID", "Makes", "Components"],
        fields: { s in
            [
                SetupField(name: "id", label: "ID", input: .text, fixedOnEdit: true),
                SetupField(name: "item", label: "Makes item", input: .select(madeItems(s))),
                SetupField(
                    name: "components",
                    label: "Components",
                    input: .lines,
                    hint: "one a line: item; quantity per unit; consuming operation (optional); substitutes (optional, space-separated)"
                ),
            ]
        },
        rows: { s in
            s.boms.values.sorted { $0.id < $1.id }.map { b in
                SetupRow(
                    id: b.id.rawValue,
                    cells: [b.item.rawValue, b.components.map { "\(number($0.quantity)) × \($0.item)" }.joined(separator: ", ")],
                    active: b.active
                )
            }
        },
        values: { s, id in
            s.boms[.init(id)].map { b in
                [
                    "id": b.id.rawValue, "item": b.item.rawValue,
                    "components": b.components.map { c in
                        [
                            c.item.rawValue, number(c.quantity), c.operation.map(String.init) ?? "",
                            c.substitutes.map(\.rawValue).joined(separator: " "),
                        ]
                        .joined(separator: "; ")
                    }.joined(separator: "\n"),
                ]
            }
        },
        build: { s, values in
            var f = FormReader(values: values)
            var components: [BOMComponent] = []
            for (n, cells) in f.lines("components") {
                guard (2...4).contains(cells.count) else {
                    f.problem(
                        "components",
                        "line-format",
                        "component line \(n) needs 2 to 4 parts separated by ';': item; quantity; operation; substitutes"
                    )
                    continue
                }
                guard let q = Double(cells[1]), q.isFinite else {
                    f.problem("components", "number", "component line \(n): quantity '\(cells[1].prefix(40))' is not a number")
                    continue
                }
                var op: Int?
                if cells.count > 2, !cells[2].isEmpty {
                    guard let o = Int(cells[2]) else {
                        f.problem("components", "integer", "component line \(n): operation '\(cells[2].prefix(40))' is not a sequence number")
                        continue
                    }
                    op = o
                }
                let subs = cells.count > 3 ? cells[3].split(separator: " ").map { Item.ID(String($0)) } : []
                components.append(BOMComponent(item: .init(cells[0]), quantity: q, substitutes: subs, operation: op))
            }
            try f.finish()
            let id = BOM.ID(f.text("id"))
            return .defineBOM(BOM(id: id, item: .init(f.text("item")), components: components, active: s.boms[id]?.active ?? true))
        },
        setActive: { s, id, active in
            guard var bom = s.boms[.init(id)] else { throw DomainError.notFound("id", "bill of materials '\(id)' does not exist") }
            bom.active = active
            return .defineBOM(bom)
        }
    )

    static let routings = SetupKind(
        slug: "routings",
        title: "Routings",
        singular: "routing",
        csv: .routings,
        command: .defineRouting,
        section: .setup,
        columns: ["ID", "Makes", "Operations"],
        fields: { s in
            [
                SetupField(name: "id", label: "ID", input: .text, fixedOnEdit: true),
                SetupField(name: "item", label: "Makes item", input: .select(madeItems(s))),
                SetupField(
                    name: "operations",
                    label: "Operations",
                    input: .lines,
                    hint:
                        "one a line: sequence; name; work centers as 'WC setup-min run-min-per-unit', comma-separated, preferred first; "
                        + "required skill; setup family; inspection (yes/no); work instruction; transfer batch — the last five optional"
                ),
            ]
        },
        rows: { s in
            s.routings.values.sorted { $0.id < $1.id }.map { r in
                SetupRow(
                    id: r.id.rawValue,
                    cells: [
                        r.item.rawValue,
                        r.operations.map { "\($0.sequence) \($0.name) @ \($0.workCenters.map(\.workCenter.rawValue).joined(separator: "/"))" }
                            .joined(separator: ", "),
                    ],
                    active: r.active
                )
            }
        },
        values: { s, id in
            s.routings[.init(id)].map { r in
                [
                    "id": r.id.rawValue, "item": r.item.rawValue,
                    "operations": r.operations.map { op in
                        [
                            String(op.sequence), op.name,
                            op.workCenters.map { "\($0.workCenter) \(number($0.setupMinutes)) \(number($0.runMinutesPerUnit))" }.joined(
                                separator: ", "
                            ),
                            op.requiredSkill?.rawValue ?? "", op.setupFamily ?? "", op.inspectionRequired ? "yes" : "",
                            op.workInstruction?.rawValue ?? "", op.transferBatch.map(number) ?? "",
                        ]
                        .joined(separator: "; ")
                    }.joined(separator: "\n"),
                ]
            }
        },
        build: { s, values in
            var f = FormReader(values: values)
            var operations: [RoutingOperation] = []
            lines: for (n, cells) in f.lines("operations") {
                guard (3...8).contains(cells.count) else {
                    f.problem("operations", "line-format", "operation line \(n) needs 3 to 8 parts separated by ';': sequence; name; work centers; …")
                    continue
                }
                guard let seq = Int(cells[0]) else {
                    f.problem("operations", "integer", "operation line \(n): sequence '\(cells[0].prefix(40))' is not a whole number")
                    continue
                }
                var eligible: [EligibleWorkCenter] = []
                for part in cells[2].split(separator: ",") {
                    let words = part.split(separator: " ").map(String.init)
                    guard words.count == 3, let setup = Double(words[1]), let run = Double(words[2]), setup.isFinite, run.isFinite else {
                        f.problem(
                            "operations",
                            "line-format",
                            "operation line \(n): work center '\(part.trimmingCharacters(in: .whitespaces).prefix(60))' — write 'WC setup-minutes run-minutes-per-unit'"
                        )
                        continue lines
                    }
                    eligible.append(EligibleWorkCenter(workCenter: .init(words[0]), setupMinutes: setup, runMinutesPerUnit: run))
                }
                func cell(_ i: Int) -> String? { cells.count > i && !cells[i].isEmpty ? cells[i] : nil }
                var batch: Double?
                if let b = cell(7) {
                    guard let d = Double(b), d.isFinite else {
                        f.problem("operations", "number", "operation line \(n): transfer batch '\(b.prefix(40))' is not a number")
                        continue
                    }
                    batch = d
                }
                let inspection = cell(5).map { ["yes", "y", "true", "1", "x"].contains($0.lowercased()) } ?? false
                operations.append(
                    RoutingOperation(
                        sequence: seq,
                        name: cells[1],
                        workCenters: eligible,
                        requiredSkill: cell(3).map { .init($0) },
                        workInstruction: cell(6).map { .init($0) },
                        setupFamily: cell(4),
                        transferBatch: batch,
                        inspectionRequired: inspection
                    )
                )
            }
            try f.finish()
            let id = Routing.ID(f.text("id"))
            return .defineRouting(Routing(id: id, item: .init(f.text("item")), operations: operations, active: s.routings[id]?.active ?? true))
        },
        setActive: { s, id, active in
            guard var routing = s.routings[.init(id)] else { throw DomainError.notFound("id", "routing '\(id)' does not exist") }
            routing.active = active
            return .defineRouting(routing)
        }
    )

    static let users = SetupKind(
        slug: "users",
        title: "Users",
        singular: "user",
        csv: .users,
        command: .createUser,
        section: .admin,
        columns: ["ID", "Name", "Roles", "Certifications"],
        fields: { _ in
            [
                SetupField(name: "id", label: "ID", input: .text, fixedOnEdit: true),
                SetupField(name: "name", label: "Name", input: .text),
                SetupField(name: "roles", label: "Roles", input: .checks(Role.allCases.map(\.rawValue))),
                SetupField(
                    name: "certifications",
                    label: "Certifications",
                    input: .text,
                    hint: "skills, comma-separated, each optionally skill@date (valid until), e.g. WELD-TIG@2027-03-31, ASSY"
                ),
            ]
        },
        rows: { s in
            s.users.values.sorted { $0.id < $1.id }.map { u in
                SetupRow(
                    id: u.id.rawValue,
                    cells: [u.name, u.roles.map(\.rawValue).joined(separator: ", "), u.certifications.map(\.skill.rawValue).joined(separator: ", ")],
                    active: u.active
                )
            }
        },
        values: { s, id in
            s.users[.init(id)].map { u in
                let zone = s.plantTimeZone
                return [
                    "id": u.id.rawValue, "name": u.name, "roles": u.roles.map(\.rawValue).joined(separator: ","),
                    "certifications": u.certifications.map { c in
                        c.validUntil.map { d in
                            "\(c.skill)@" + (Format.time(d, zone) == "00:00" ? Format.day(d, zone) : CSVValues(timeZone: zone).format(d))
                        } ?? c.skill.rawValue
                    }.joined(separator: ", "),
                ]
            }
        },
        build: { s, values in
            var f = FormReader(values: values)
            var roles: [Role] = []
            for r in f.text("roles").split(separator: ",") {
                if let role = Role(rawValue: String(r)) {
                    roles.append(role)
                } else {
                    f.problem("roles", "unknown-value", "role '\(r.prefix(40))' does not exist")
                }
            }
            if roles.isEmpty { f.problem("roles", "required", "please choose at least one role") }
            let dates = CSVValues(timeZone: s.plantTimeZone)
            var certifications: [Certification] = []
            for entry in f.text("certifications").split(separator: ",") {
                let parts = entry.split(separator: "@", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard let skill = parts.first, !skill.isEmpty else { continue }
                var until: Date?
                if parts.count == 2 {
                    guard let d = dates.date(parts[1]) else {
                        f.problem("certifications", "date", "'\(entry.prefix(60))': the date after @ must be a date such as 2027-03-31")
                        continue
                    }
                    until = d
                }
                certifications.append(Certification(skill: .init(skill), validUntil: until))
            }
            try f.finish()
            let id = User.ID(f.text("id"))
            let name = values["name"] ?? ""
            if let old = s.users[id] {
                return .updateUser(User(id: id, name: name, roles: roles, certifications: certifications, active: old.active))
            }
            return .createUser(User(id: id, name: name, roles: roles, certifications: certifications))
        },
        setActive: { s, id, active in
            guard var user = s.users[.init(id)] else { throw DomainError.notFound("id", "user '\(id)' does not exist") }
            user.active = active
            return .updateUser(user)
        }
    )
}

/// Weekdays as a form shows them: `mon tue wed`.
func days(_ list: [Weekday]) -> String {
    let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    return list.sorted().map { names[$0.rawValue - 1] }.joined(separator: " ")
}

/// `mon-fri`, `mon tue wed`, `sat,sun` (English names, 3 letters or whole), nil when a word is not a weekday.
func parseDays(_ text: String) -> [Weekday]? {
    let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    func day(_ w: Substring) -> Weekday? {
        let l = w.lowercased()
        guard l.count >= 3, let i = names.firstIndex(where: { l.hasPrefix($0) }) else { return nil }
        return Weekday(rawValue: i + 1)
    }
    var out: [Weekday] = []
    for word in text.split(whereSeparator: { $0 == " " || $0 == "," }) {
        let ends = word.split(separator: "-")
        if ends.count == 2 {
            guard let a = day(ends[0]), let b = day(ends[1]), a <= b else { return nil }
            out += (a.rawValue...b.rawValue).compactMap(Weekday.init(rawValue:))
        } else {
            guard ends.count == 1, let d = day(word) else { return nil }
            out.append(d)
        }
    }
    return out.isEmpty ? nil : Array(Set(out)).sorted()
}

/// The active made items, to choose what a BOM or routing makes (an entity's current item stays shown even if not).
private func madeItems(_ s: PlantState) -> [(String, String)] {
    s.items.values.filter { $0.kind != .purchased && $0.active }.sorted { $0.id < $1.id }.map { ($0.id.rawValue, "\($0.id) — \($0.name)") }
}

/// The time zone of a site (the plant's shifts and downtime are in it); UTC when unknown.
private func siteZone(_ s: PlantState, _ site: Site.ID) -> TimeZone {
    s.sites[site].flatMap { TimeZone(identifier: $0.timeZone) } ?? TimeZone(identifier: "UTC") ?? .current
}

extension SetupKind {
    static let sites = SetupKind(
        slug: "sites",
        title: "Sites",
        singular: "site",
        csv: .sites,
        command: .defineSite,
        section: .setup,
        columns: ["ID", "Name", "Time zone", "Work centers"],
        fields: { _ in
            [
                SetupField(name: "id", label: "ID", input: .text, fixedOnEdit: true),
                SetupField(name: "name", label: "Name", input: .text),
                SetupField(name: "timeZone", label: "Time zone", input: .text, hint: "IANA name, e.g. Europe/Berlin; shifts and downtime are in it"),
            ]
        },
        rows: { s in
            s.sites.values.sorted { $0.id < $1.id }.map { site in
                SetupRow(
                    id: site.id.rawValue,
                    cells: [site.name, site.timeZone, String(s.workCenters.values.filter { $0.site == site.id }.count)],
                    active: true
                )
            }
        },
        values: { s, id in s.sites[.init(id)].map { ["id": $0.id.rawValue, "name": $0.name, "timeZone": $0.timeZone] } },
        build: { _, values in
            let zone = (values["timeZone"] ?? "").trimmingCharacters(in: .whitespaces)
            return .defineSite(
                Site(
                    id: .init(values["id"]?.trimmingCharacters(in: .whitespaces) ?? ""),
                    name: values["name"] ?? "",
                    timeZone: zone.isEmpty ? "UTC" : zone
                )
            )
        }
    )
}
