public import Foundation
public import TaktCore
public import TaktExchange
import XMLCoder

/// A B2MML message to import: a name for the errors (its file name) and its bytes.
public struct B2MMLMessage: Sendable, Hashable {
    public var name: String
    public var data: Data
    public init(name: String, data: Data) {
        self.name = name
        self.data = data
    }
}

/// B2MML V0701 messages read into the rows of the CSV import, which then plans them exactly as it plans CSV files: the
/// same rules, the same upsert by ID, the same one transaction (``CSVImport/plan(_:into:roles:actor:now:progress:)``).
///
/// What maps to what is in docs/integration.md ("ISA-95 / B2MML"). Columns a message does not carry (a work center's
/// shifts, a routing operation's work instruction, an order's pegging, …) keep the plant's current values, so that
/// importing a message changes only what it says. Every problem names the message, the element (by its ID) and the field.
public enum B2MMLImport {
    /// Messages read into CSV files, or the problems that kept them from being read.
    public struct Translation: Sendable {
        /// One CSV file per kind and message.
        public var files: [CSVFile] = []
        /// Problems reading the messages (not XML, not a B2MML message Takt reads, an element without its ID, …).
        public var issues: [ImportIssue] = []
        /// Where each row came from: file name → row number → element and its fields.
        var places: [String: [Int: Place]] = [:]
        var messages: [String: String] = [:]

        /// The CSV import's issues, placed in the messages: `file` the message, `column` the element and field.
        public func locate(_ found: [ImportIssue]) -> [ImportIssue] {
            found.map { issue in
                guard let message = messages[issue.file] else { return issue }
                guard let row = issue.row, let place = places[issue.file]?[row] else {
                    return ImportIssue(file: message, row: nil, column: issue.column, rule: issue.rule, message: issue.message)
                }
                let field = issue.column.map { place.fields[$0] ?? $0 }
                return ImportIssue(
                    file: message,
                    row: nil,
                    column: [place.element, field].compactMap { $0 }.joined(separator: "/"),
                    rule: issue.rule,
                    message: issue.message
                )
            }
        }
    }

    /// Reads `messages` into CSV files; `state` gives the values of the columns the messages do not carry.
    public static func translate(_ messages: [B2MMLMessage], state: PlantState) -> Translation {
        var translator = Translator(state: state)
        for message in messages { translator.read(message) }
        return translator.finish()
    }

    /// Plans the import of `messages` into `state` (see ``CSVImport/plan(_:into:roles:actor:now:progress:)``), every
    /// issue placed in its message.
    public static func plan(_ messages: [B2MMLMessage], into state: PlantState, roles: Set<Role>?, actor: User.ID?, now: Date) -> ImportPlan {
        let translation = translate(messages, state: state)
        guard translation.issues.isEmpty else { return ImportPlan(issues: translation.issues, result: state) }
        var plan = CSVImport.plan(translation.files, into: state, roles: roles, actor: actor, now: now)
        plan.issues = translation.locate(plan.issues)
        return plan
    }
}

/// An element of a message and, per CSV column, the field of the element it came from.
struct Place: Sendable {
    var element: String
    var fields: [String: String]
}

/// The rows of one kind from one message.
struct Table {
    var rows: [[String: String]] = []
    var places: [Place] = []
}

struct Translator {
    let state: PlantState
    var issues: [ImportIssue] = []
    /// Message name → kind → rows, in the order read.
    var tables: [(message: String, kind: CSVKind, table: Table)] = []
    /// The plant's current rows per kind, by the ID in their first column.
    var current: [CSVKind: [String: [[String: String]]]] = [:]

    init(state: PlantState) { self.state = state }

    // MARK: Reading a message

    mutating func read(_ message: B2MMLMessage) {
        let root: String
        do {
            root = try MessageScan.scan(message.data).root
        } catch {
            issue(message.name, nil, error.rule, error.message)
            return
        }
        guard let (kind, wrapped) = B2MMLInformationKind.root(root) else {
            issue(
                message.name,
                root,
                "unknown-message",
                "Takt does not import <\(root)>; it imports " + B2MMLInformationKind.rootElements.joined(separator: ", ")
            )
            return
        }
        let decoder = XMLDecoder()
        decoder.shouldProcessNamespaces = true
        decoder.trimValueWhitespaces = true
        do {
            switch kind {
            case .material:
                for info in try decode(InMaterialInformation.self, message.data, wrapped, decoder) { material(info, message.name) }
            case .equipment:
                for info in try decode(InEquipmentInformation.self, message.data, wrapped, decoder) { equipment(info, message.name) }
            case .personnel:
                for info in try decode(InPersonnelInformation.self, message.data, wrapped, decoder) { personnel(info, message.name) }
            case .operationsDefinition:
                for info in try decode(InOperationsDefinitionInformation.self, message.data, wrapped, decoder) { definitions(info, message.name) }
            case .operationsSchedule:
                for info in try decode(InOperationsSchedule.self, message.data, wrapped, decoder) { schedule(info, message.name) }
            }
        } catch {
            issue(message.name, root, "b2mml", "the message does not follow the B2MML schema: \(Self.describe(error))")
        }
    }

    func decode<T: InInformation>(_ type: T.Type, _ data: Data, _ wrapped: Bool, _ decoder: XMLDecoder) throws -> [T] {
        if wrapped { return try decoder.decode(InVerbMessage<T>.self, from: data).DataArea.payloads }
        return [try decoder.decode(T.self, from: data)]
    }

    /// A decoding error in words: where (the element path) and what.
    static func describe(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? "/" + $0.stringValue }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        }
        switch error {
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c), DecodingError.dataCorrupted(let c):
            return "at \(path(c.codingPath)): \(c.debugDescription)"
        case DecodingError.keyNotFound(let key, let c):
            return "at \(path(c.codingPath)): \(key.stringValue) is missing"
        default:
            return "\(error)"
        }
    }

    mutating func issue(_ message: String, _ element: String?, _ rule: String, _ text: String) {
        issues.append(ImportIssue(file: message, row: nil, column: element, rule: rule, message: text))
    }

    // MARK: Rows

    /// The plant's current rows of `kind` whose first column is `id`.
    mutating func existing(_ kind: CSVKind, _ id: String) -> [[String: String]] {
        if current[kind] == nil {
            let table = CSVExport.table(kind, state: state)
            var byID: [String: [[String: String]]] = [:]
            for row in table.rows {
                var cells: [String: String] = [:]
                for (name, cell) in zip(table.header, row.cells) { cells[name] = cell }
                byID[row.cells.first ?? "", default: []].append(cells)
            }
            current[kind] = byID
        }
        return current[kind]?[id] ?? []
    }

    /// Adds a row of `kind`: the plant's current row (`base`) overlaid with the message's cells.
    mutating func add(_ kind: CSVKind, _ message: String, base: [String: String]?, _ cells: [String: String], _ place: Place) {
        var row = base ?? [:]
        for (column, value) in cells { row[column] = value }
        // Units as Takt writes them: `KG` is `kg` (any other unit is left for the import's rule to refuse).
        if let unit = row["unit"], let known = UnitOfMeasure.allCases.first(where: { $0.rawValue == unit.lowercased() }) {
            row["unit"] = known.rawValue
        }
        if let i = tables.lastIndex(where: { $0.message == message && $0.kind == kind }) {
            tables[i].table.rows.append(row)
            tables[i].table.places.append(place)
        } else {
            tables.append((message, kind, Table(rows: [row], places: [place])))
        }
    }

    /// The ID of an element, or an issue when it has none (the schema requires it).
    mutating func id(_ text: Text?, _ message: String, _ element: String, index: Int) -> String? {
        guard let id = text?.trimmed, !id.isEmpty else {
            issue(message, "\(element) #\(index + 1)/ID", "required", "every \(element) needs its ID")
            return nil
        }
        return id
    }

    func finish() -> B2MMLImport.Translation {
        var t = B2MMLImport.Translation()
        t.issues = issues
        guard issues.isEmpty else { return t }
        for (message, kind, table) in tables {
            let name = "\(message) (\(kind.rawValue))"
            let header = kind.header
            let csv = CSVTable(header: header, rows: table.rows.map { row in header.map { row[$0] ?? "" } })
            t.files.append(CSVFile(name: name, kind: kind, data: Data(csv.text().utf8)))
            t.messages[name] = message
            var places: [Int: Place] = [:]
            for (i, place) in table.places.enumerated() { places[i + 2] = place }
            t.places[name] = places
        }
        return t
    }

    // MARK: Material

    mutating func material(_ info: InMaterialInformation, _ message: String) {
        for (i, md) in (info.MaterialDefinition ?? []).enumerated() {
            guard let id = id(md.ID, message, "MaterialDefinition", index: i) else { continue }
            let base = existing(.items, id).first
            let properties = md.MaterialDefinitionProperty ?? []
            let classes = (md.MaterialClassID ?? []).map(\.trimmed)
            let kind =
                classes.first { ItemKind(rawValue: $0.lowercased()) != nil }?.lowercased() ?? properties.named("kind")?.text ?? base?["kind"]
                ?? classes.first ?? ""
            var cells = ["id": id, "name": md.Description?.firstText ?? base?["name"] ?? id, "kind": kind]
            let unit = properties.named("unit", "UnitOfMeasure", "BaseUnitOfMeasure")
            if let u = unit?.text ?? unit?.unit { cells["unit"] = u }
            add(
                .items,
                message,
                base: base,
                cells,
                Place(
                    element: "MaterialDefinition '\(id)'",
                    fields: ["id": "ID", "name": "Description", "kind": "MaterialClassID", "unit": "MaterialDefinitionProperty[unit]"]
                )
            )
        }
    }

    // MARK: Equipment

    static let workCenterLevels: Set<String> = ["workcenter", "workunit", "workcell", "productionunit", "productionline", "unit"]

    mutating func equipment(_ info: InEquipmentInformation, _ message: String) {
        for (i, e) in (info.Equipment ?? []).enumerated() { equipment(e, index: i, site: nil, message) }
    }

    mutating func equipment(_ e: InEquipment, index: Int, site: String?, _ message: String) {
        guard let id = id(e.ID, message, "Equipment", index: index) else { return }
        let level = e.EquipmentLevel?.trimmed ?? ""
        let properties = e.EquipmentProperty ?? []
        var childSite = site
        let element = "Equipment '\(id)'"
        switch level.lowercased() {
        case "":
            issue(
                message,
                element + "/EquipmentLevel",
                "required",
                "Takt needs the EquipmentLevel: Site, WorkCenter (or WorkUnit, … ) or a container level"
            )
        case "site":
            let base = existing(.sites, id).first
            var cells = ["id": id, "name": e.Description?.firstText ?? base?["name"] ?? id]
            if let zone = properties.named("time_zone", "TimeZone")?.text { cells["time_zone"] = zone }
            add(
                .sites,
                message,
                base: base,
                cells,
                Place(element: element, fields: ["name": "Description", "time_zone": "EquipmentProperty[TimeZone]"])
            )
            childSite = id
        case let l where Self.workCenterLevels.contains(l):
            let bases = existing(.workCenters, id)
            let first = bases.first
            let classes = (e.EquipmentClassID ?? []).map(\.trimmed)
            let kind =
                classes.first { WorkCenterKind(rawValue: $0.lowercased()) != nil }?.lowercased() ?? properties.named("kind")?.text
                ?? first?["kind"] ?? "other"
            var cells = [
                "id": id, "name": e.Description?.firstText ?? first?["name"] ?? id, "kind": kind,
                "site": site ?? properties.named("site")?.text ?? first?["site"] ?? "",
            ]
            if let capacity = properties.named("capacity")?.text { cells["capacity"] = capacity }
            let place = Place(
                element: element,
                fields: [
                    "name": "Description", "kind": "EquipmentClassID", "site": "(parent Equipment of level Site)",
                    "capacity": "EquipmentProperty[capacity]",
                ]
            )
            for base in bases.isEmpty ? [nil] : bases.map(Optional.some) { add(.workCenters, message, base: base, cells, place) }
        default:
            break  // Enterprise, Area, ProcessCell, storage, …: containers Takt does not keep; their children are read.
        }
        for (i, child) in (e.EquipmentChild ?? []).enumerated() { equipment(child, index: i, site: childSite, message) }
    }

    // MARK: Personnel

    static func role(_ text: String) -> Role? { Role(rawValue: text.lowercased()) }

    mutating func personnel(_ info: InPersonnelInformation, _ message: String) {
        for (i, pc) in (info.PersonnelClass ?? []).enumerated() {
            guard let id = id(pc.ID, message, "PersonnelClass", index: i), Self.role(id) == nil else { continue }
            let base = existing(.skills, id).first
            add(
                .skills,
                message,
                base: base,
                ["id": id, "name": pc.Description?.firstText ?? base?["name"] ?? id],
                Place(element: "PersonnelClass '\(id)'", fields: ["name": "Description"])
            )
        }
        for (i, person) in (info.Person ?? []).enumerated() {
            guard let id = id(person.ID, message, "Person", index: i) else { continue }
            let base = existing(.users, id).first
            let classes = (person.PersonnelClassID ?? []).map(\.trimmed).filter { !$0.isEmpty }
            let roles = classes.compactMap { Self.role($0)?.rawValue }
            // A certification keeps the date it is valid until, when the plant has one.
            let dated = Dictionary(
                CSVValues.list(base?["certifications"] ?? "").map { ($0.split(separator: "@").first.map(String.init) ?? $0, $0) },
                uniquingKeysWith: { a, _ in a }
            )
            let certifications = classes.filter { Self.role($0) == nil }.map { dated[$0] ?? $0 }
            var cells = [
                "id": id, "name": person.PersonName?.trimmed.nonEmpty ?? person.Description?.firstText ?? base?["name"] ?? id,
                "roles": CSVValues.list(roles), "certifications": CSVValues.list(certifications),
            ]
            if let active = (person.PersonProperty ?? []).named("active")?.text { cells["active"] = active }
            add(
                .users,
                message,
                base: base,
                cells,
                Place(
                    element: "Person '\(id)'",
                    fields: [
                        "name": "PersonName", "roles": "PersonnelClassID", "certifications": "PersonnelClassID", "active": "PersonProperty[active]",
                    ]
                )
            )
        }
    }

    // MARK: Operations definitions: routings and bills of materials

    static let produced: Set<String> = ["produced", "material produced"]
    static let consumed: Set<String> = ["consumed", "material consumed", "consumable"]

    mutating func definitions(_ info: InOperationsDefinitionInformation, _ message: String) {
        for (i, od) in (info.OperationsDefinition ?? []).enumerated() {
            guard let id = id(od.ID, message, "OperationsDefinition", index: i) else { continue }
            if let type = od.OperationsType?.trimmed, !type.isEmpty, type.lowercased() != "production" { continue }
            definition(od, id: id, message)
        }
    }

    mutating func definition(_ od: InOperationsDefinition, id: String, _ message: String) {
        let element = "OperationsDefinition '\(id)'"
        let segments = od.OperationsSegment ?? []
        guard !segments.isEmpty else {
            issue(message, element + "/OperationsSegment", "required", "a routing needs at least one OperationsSegment (its operations)")
            return
        }
        let producedSpec = segments.lazy.flatMap { $0.MaterialSpecification ?? [] }.first {
            Self.produced.contains(($0.MaterialUse?.trimmed ?? "").lowercased())
        }
        guard let spec = producedSpec, let item = spec.MaterialDefinitionID?.firstText else {
            issue(
                message,
                element + "/OperationsSegment/MaterialSpecification",
                "required",
                "the item a routing makes is the MaterialDefinitionID of a MaterialSpecification whose MaterialUse is Produced; there is none"
            )
            return
        }
        let producedQuantity = spec.Quantity?.first?.QuantityString.flatMap { CSVValues.number($0.trimmed) }.flatMap { $0 > 0 ? $0 : nil } ?? 1
        let ids = segments.map { $0.ID?.trimmed ?? "" }
        let numbered = ids.allSatisfy { Int($0) != nil }
        let currentRouting = existing(.routings, id)
        let bomID = od.BillOfMaterialsID?.firstText ?? id
        let currentBOM = existing(.boms, bomID)
        for (index, segment) in segments.enumerated() {
            let segmentID = ids[index].isEmpty ? "#\(index + 1)" : ids[index]
            let sequence = numbered ? ids[index] : String((index + 1) * 10)
            let segmentElement = "\(element)/OperationsSegment '\(segmentID)'"
            // One row per eligible work center: each EquipmentID of each EquipmentSpecification.
            var eligible: [(workCenter: String, spec: InEquipmentSpecification?)] = []
            for e in segment.EquipmentSpecification ?? [] {
                for wc in (e.EquipmentID ?? []).map(\.trimmed) where !wc.isEmpty { eligible.append((wc, e)) }
            }
            if eligible.isEmpty { eligible = [("", nil)] }
            let skill = (segment.PersonnelSpecification ?? []).flatMap { $0.PersonnelClassID ?? [] }.map(\.trimmed).first {
                !$0.isEmpty && Self.role($0) == nil
            }
            var runFromDuration: String?
            if let duration = segment.Duration?.trimmed, !duration.isEmpty {
                guard let minutes = Self.minutes(iso8601: duration) else {
                    issue(message, segmentElement + "/Duration", "duration", "Duration must be an xsd:duration such as PT4M30S (got '\(duration)')")
                    continue
                }
                runFromDuration = CSVValues.format(minutes)
            }
            for (workCenter, spec) in eligible {
                let properties = spec?.EquipmentSpecificationProperty ?? []
                let base = currentRouting.first { $0["sequence"] == sequence && $0["work_center"] == workCenter }
                var cells = [
                    "routing": id, "item": item, "sequence": sequence, "operation": segment.Description?.firstText ?? segmentID,
                    "work_center": workCenter,
                    "setup_min": properties.named("SetupTime", "setup_min").map { Self.minutes($0) } ?? base?["setup_min"] ?? "0",
                    "run_min_per_unit": properties.named("RunTimePerUnit", "run_min_per_unit").map { Self.minutes($0) } ?? runFromDuration
                        ?? base?["run_min_per_unit"] ?? "",
                ]
                if let skill { cells["required_skill"] = skill }
                add(
                    .routings,
                    message,
                    base: base ?? currentRouting.first { $0["sequence"] == sequence },
                    cells,
                    Place(
                        element: segmentElement,
                        fields: [
                            "routing": "(OperationsDefinition) ID", "item": "MaterialSpecification[Produced]/MaterialDefinitionID", "sequence": "ID",
                            "operation": "Description", "work_center": "EquipmentSpecification/EquipmentID",
                            "setup_min": "EquipmentSpecificationProperty[SetupTime]", "run_min_per_unit": "Duration",
                            "required_skill": "PersonnelSpecification/PersonnelClassID",
                        ]
                    )
                )
            }
            // The bill of materials: what each segment consumes, per unit made.
            for (m, material) in (segment.MaterialSpecification ?? []).enumerated() {
                guard Self.consumed.contains((material.MaterialUse?.trimmed ?? "").lowercased()) else { continue }
                let component = material.MaterialDefinitionID?.firstText ?? ""
                let quantityText = material.Quantity?.first?.QuantityString?.trimmed ?? ""
                let quantity = CSVValues.number(quantityText).map { CSVValues.format($0 / producedQuantity) } ?? quantityText
                var cells = ["bom": bomID, "item": item, "component": component, "quantity": quantity, "operation": sequence]
                if let unit = material.Quantity?.first?.UnitOfMeasure?.trimmed, !unit.isEmpty { cells["unit"] = unit }
                let specID = material.ID?.trimmed.nonEmpty ?? "#\(m + 1)"
                add(
                    .boms,
                    message,
                    base: currentBOM.first { $0["component"] == component },
                    cells,
                    Place(
                        element: "\(segmentElement)/MaterialSpecification '\(specID)'",
                        fields: [
                            "bom": "(OperationsDefinition) BillOfMaterialsID", "item": "MaterialSpecification[Produced]/MaterialDefinitionID",
                            "component": "MaterialDefinitionID", "quantity": "Quantity/QuantityString", "unit": "Quantity/UnitOfMeasure",
                            "operation": "(OperationsSegment) ID",
                        ]
                    )
                )
            }
        }
    }

    /// A time property in minutes: its value in its unit (min, h, s; minutes when none).
    static func minutes(_ property: InProperty) -> String {
        let text = property.text ?? ""
        guard let value = CSVValues.number(text) else { return text }
        switch (property.unit ?? "min").lowercased() {
        case "h", "hr", "hour", "hours": return CSVValues.format(value * 60)
        case "s", "sec", "second", "seconds": return CSVValues.format(value / 60)
        default: return CSVValues.format(value)
        }
    }

    /// An xsd:duration of hours, minutes and seconds (`PT1H30M`, `PT4.5M`, `P1DT2H`) in minutes; nil for years and months.
    static func minutes(iso8601 text: String) -> Double? {
        var rest = Substring(text.uppercased())
        guard rest.first == "P" else { return nil }
        rest = rest.dropFirst()
        var total = 0.0
        var inTime = false
        var number = ""
        var any = false
        for ch in rest {
            if ch == "T" {
                guard !inTime, number.isEmpty else { return nil }
                inTime = true
                continue
            }
            if ch.isNumber || ch == "." {
                number.append(ch)
                continue
            }
            guard let n = Double(number) else { return nil }
            number = ""
            any = true
            switch (ch, inTime) {
            case ("D", false): total += n * 1440
            case ("H", true): total += n * 60
            case ("M", true): total += n
            case ("S", true): total += n / 60
            default: return nil
            }
        }
        guard number.isEmpty, any else { return nil }
        return total
    }

    // MARK: Operations schedule: production orders

    static let states: [String: ProductionOrderStatus] = [
        "forecast": .planned, "waiting": .planned, "released": .released, "ready": .released, "running": .inProgress,
        "completed": .completed, "closed": .completed, "cancelled": .cancelled, "aborted": .cancelled,
    ]

    mutating func schedule(_ info: InOperationsSchedule, _ message: String) {
        for (i, request) in (info.OperationsRequest ?? []).enumerated() {
            guard let id = id(request.ID, message, "OperationsRequest", index: i) else { continue }
            let element = "OperationsRequest '\(id)'"
            let base = existing(.productionOrders, id).first
            func all(_ requirements: [InSegmentRequirement]) -> [InSegmentRequirement] {
                requirements.flatMap { [$0] + all($0.SegmentRequirementChild ?? []) }
            }
            let requirements = all(request.SegmentRequirement ?? [])
            let produced = requirements.lazy.flatMap { $0.MaterialRequirement ?? [] }.first {
                Self.produced.contains(($0.MaterialUse?.trimmed ?? "").lowercased())
            }
            guard let produced, let item = produced.MaterialDefinitionID?.firstText else {
                issue(
                    message,
                    element + "/SegmentRequirement/MaterialRequirement",
                    "required",
                    "the item and quantity of a production order are a MaterialRequirement whose MaterialUse is Produced; there is none"
                )
                continue
            }
            var cells = [
                "id": id, "item": item, "quantity": produced.Quantity?.first?.QuantityString?.trimmed ?? "",
                "due_date": request.EndTime?.trimmed ?? "",
            ]
            if let unit = produced.Quantity?.first?.UnitOfMeasure?.trimmed, !unit.isEmpty { cells["unit"] = unit }
            if let routing = request.OperationsDefinitionID?.trimmed.nonEmpty
                ?? requirements.lazy.compactMap({ $0.OperationsDefinitionID?.trimmed.nonEmpty }).first
            {
                cells["routing"] = routing
            }
            if let priority = request.Priority?.trimmed.nonEmpty {
                cells["priority"] = CSVValues.number(priority).flatMap { $0.rounded() == $0 ? String(Int($0)) : nil } ?? priority
            }
            if let state = request.RequestState?.trimmed.nonEmpty {
                guard let status = Self.states[state.lowercased()] else {
                    issue(
                        message,
                        element + "/RequestState",
                        "one-of",
                        "RequestState '\(state)' has no production order status in Takt; use Forecast, Waiting (planned), Released, Ready "
                            + "(released), Running (in progress), Completed, Closed (completed), Cancelled or Aborted (cancelled)"
                    )
                    continue
                }
                cells["status"] = status.rawValue
            } else if base == nil {
                cells["status"] = ProductionOrderStatus.planned.rawValue
            }
            add(
                .productionOrders,
                message,
                base: base,
                cells,
                Place(
                    element: element,
                    fields: [
                        "item": "SegmentRequirement/MaterialRequirement[Produced]/MaterialDefinitionID",
                        "quantity": "SegmentRequirement/MaterialRequirement[Produced]/Quantity/QuantityString",
                        "unit": "SegmentRequirement/MaterialRequirement[Produced]/Quantity/UnitOfMeasure", "routing": "OperationsDefinitionID",
                        "due_date": "EndTime", "priority": "Priority", "status": "RequestState",
                    ]
                )
            )
        }
    }
}

extension String {
    /// The string, or nil when it is empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}
