import Foundation
import TaktCore
import TaktDemo
import TaktExchange
import Testing

/// The demo plant's start: midnight UTC, 24 November 2026.
let demoDay = Date(timeIntervalSince1970: 1_795_478_400)

/// A plant state built the way the engine builds it: decide, then apply.
func demoState(seed: UInt64 = 42, scale: Int = 1) -> PlantState {
    var state = PlantState()
    for command in DemoPlant.commands(seed: seed, scale: scale, start: demoDay) {
        guard let events = try? state.decide(command.truncatingDates(), actor: nil, now: demoDay) else { continue }
        for event in events { state.apply(event, sequence: state.sequence + 1) }
    }
    return state
}

/// Every kind exported from `state`, as the files `takt export` writes.
func exportAll(_ state: PlantState) -> [CSVFile] {
    CSVKind.allCases.map { CSVFile(name: $0.fileName, data: Data(CSVExport.text($0, state: state).utf8)) }
}

/// The plan's result when it has no issues (a test failure otherwise).
func imported(_ files: [CSVFile], into state: PlantState = PlantState(), now: Date = demoDay.addingTimeInterval(86_400)) -> ImportPlan {
    let plan = CSVImport.plan(files, into: state, roles: nil, actor: nil, now: now)
    #expect(plan.issues.isEmpty, "\(plan.issues.prefix(10).map(\.description).joined(separator: "\n"))")
    return plan
}

func file(_ name: String, _ text: String) -> CSVFile { CSVFile(name: name, data: Data(text.utf8)) }

@Suite("CSV imports and exports")
struct CSVExchangeTests {
    static let demo = demoState()

    @Test(
        "The demo plant exported and imported into an empty plant is the same plant; exporting it again gives identical files",
        arguments: [(UInt64(42), 1), (UInt64(7), 2)]
    )
    func roundTrip(seed: UInt64, scale: Int) throws {
        let original = seed == 42 && scale == 1 ? Self.demo : demoState(seed: seed, scale: scale)
        #expect(original.productionOrders.count > 50 && original.lots.count > 20, "the demo plant was not built")
        let files = exportAll(original)
        let plan = imported(files)
        let copy = plan.result
        let differences = ComparablePlant(copy).differences(from: ComparablePlant(original))
        #expect(differences.isEmpty, "\(differences)")
        #expect(ComparablePlant(copy) == ComparablePlant(original))
        // Every order status made it, through the plant's own commands.
        for status in ProductionOrderStatus.allCases {
            #expect(
                copy.productionOrders.values.filter { $0.status == status }.count
                    == original.productionOrders.values.filter { $0.status == status }.count,
                "\(status)"
            )
        }
        for (a, b) in zip(files, exportAll(copy)) {
            #expect(a.data == b.data, "\(a.name) differs after a round trip")
        }
    }

    @Test("Importing the same files again changes nothing: no command, every row unchanged")
    func idempotent() {
        let files = exportAll(Self.demo)
        let plan = imported(files, into: Self.demo)
        #expect(plan.commands.isEmpty, "\(plan.commands.prefix(5).map { "\($0.file) row \($0.row): \($0.command.typeName)" })")
        for (kind, counts) in plan.counts {
            #expect(counts.created == 0 && counts.changed == 0, "\(kind): \(counts)")
        }
        #expect((plan.counts[.items]?.unchanged ?? 0) == Self.demo.items.count)
    }

    @Test("A file with errors in several rows is refused with every error, each naming file, row, column and rule")
    func everyErrorListed() {
        let items = """
            id,name,kind,unit
            CAST-1,Casting,purchased,ea
            BAD 1,Bad code,purchased,ea
            PUMP-1,,finished,ea
            PUMP-2,Pump two,finishd,ea
            PUMP-3,Pump three,finished,litre
            """
        let boms = """
            bom,item,component,quantity,unit
            BOM-P,PUMP-9,CAST-1,1,ea
            BOM-Q,CAST-1,CAST-1,abc,ea
            """
        let plan = CSVImport.plan([file("items.csv", items), file("boms.csv", boms)], into: PlantState(), roles: nil, actor: nil, now: demoDay)
        let found = Set(plan.issues.map { "\($0.file)|\($0.row ?? 0)|\($0.column ?? "-")|\($0.rule)" })
        let expected: Set<String> = [
            "items.csv|3|id|code-format", "items.csv|4|name|required", "items.csv|5|kind|one-of", "items.csv|6|unit|one-of",
            "boms.csv|2|item|unknown-reference", "boms.csv|3|quantity|number",
        ]
        #expect(expected.isSubset(of: found), "missing: \(expected.subtracting(found)); found: \(plan.issues.map(\.description))")
        let refusal = ImportRefused(issues: plan.issues)
        #expect(refusal.presentation.status == 422)
        #expect(refusal.presentation.violations.count == plan.issues.count)
        #expect(refusal.presentation.violations.contains { $0.field == "items.csv:5:kind" && $0.rule == "one-of" })
    }

    @Test(
        "Hostile files give errors, never a crash",
        arguments: [
            ("items.csv", Data("id;name;kind\nA;B;purchased\n".utf8), "unknown-column"),
            ("items.csv", Data("id,name\nA,B\n".utf8), "missing-column"),
            ("items.csv", Data("id,name,kind,kind\nA,B,purchased,purchased\n".utf8), "duplicate-column"),
            (
                "items.csv",
                Data([0x69, 0x64, 0x2C, 0x6E, 0x61, 0x6D, 0x65, 0x2C, 0x6B, 0x69, 0x6E, 0x64, 0x0A, 0x41, 0x2C, 0xFF, 0xFE, 0x2C, 0x70, 0x0A]),
                "utf-8"
            ),
            ("items.csv", Data("id,name,kind\nA,\"unclosed,purchased\nB,Bee,purchased\n".utf8), "cell-count"),
            ("items.csv", Data(("id,name,kind\nA,\"" + String(repeating: "x", count: 20_000) + "\",purchased\n").utf8), "too-long"),
            ("items.csv", Data(), "empty"),
            ("things.csv", Data("id,name\nA,B\n".utf8), "unknown-kind"),
            ("items.csv", Data("id,name,kind\nA,B,purchased,extra\n".utf8), "cell-count"),
        ]
    )
    func hostile(name: String, data: Data, rule: String) {
        let plan = CSVImport.plan([CSVFile(name: name, data: data)], into: PlantState(), roles: nil, actor: nil, now: demoDay)
        #expect(plan.issues.contains { $0.rule == rule }, "\(plan.issues.map(\.description))")
        #expect(plan.commands.isEmpty)
    }

    @Test("Quoted cells keep commas, quotes and line breaks, and a byte-order mark is skipped")
    func quoting() throws {
        var state = PlantState()
        let text = "\u{FEFF}id,title,revision,text\nWI-1,\"Mill, then deburr\",A,\"Say \"\"hello\"\"\nthen go\"\n"
        let plan = imported([file("work-instructions.csv", text)], into: state)
        state = plan.result
        let wi = try #require(state.workInstructions["WI-1"])
        #expect(wi.title == "Mill, then deburr")
        #expect(wi.text == "Say \"hello\"\nthen go")
        #expect(
            CSVExport.text(.workInstructions, state: state) == "id,title,revision,text\nWI-1,\"Mill, then deburr\",A,\"Say \"\"hello\"\"\nthen go\"\n"
        )
    }

    @Test("A cell a spreadsheet would run as a formula is exported behind a ', and imported without it")
    func formulaInjection() throws {
        var state = PlantState()
        let text = "id,name,kind,unit\nX-1,\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",purchased,ea\nX-2,-minus,purchased,ea\n"
        state = imported([file("items.csv", text)], into: state).result
        #expect(state.items["X-1"]?.name == "=HYPERLINK(\"http://evil\",\"x\")")
        let exported = CSVExport.text(.items, state: state)
        #expect(exported.contains("X-1,\"'=HYPERLINK(") && exported.contains("X-2,'-minus,"), "\(exported)")
        let again = imported([file("items.csv", exported)], into: state)
        #expect(again.commands.isEmpty, "the protected cells read back as what was exported")
    }

    @Test("A changed master-data row redefines it; a changed order quantity is refused; a status moves forward through commands")
    func upsertRules() {
        let state = Self.demo
        let item = state.items.values.sorted { $0.id < $1.id }[0]
        let items = "id,name,kind,unit\n\(item.id),Renamed,\(item.kind.rawValue),\(item.unit.rawValue)\n"
        let renamed = imported([file("items.csv", items)], into: state)
        #expect(renamed.commands.map(\.command) == [.defineItem(Item(id: item.id, name: "Renamed", kind: item.kind, unit: item.unit))])
        #expect(renamed.counts[.items]?.changed == 1)

        let planned = state.productionOrders.values.filter { $0.status == .planned }.sorted { $0.id < $1.id }[0]
        var table = CSVExport.table(.productionOrders, state: state)
        let index = table.rows.firstIndex { $0.cells[0] == planned.id.rawValue } ?? 0
        var released = table
        released.rows = [table.rows[index]]
        released.rows[0].cells[7] = "released"
        let release = imported([CSVFile(name: "production-orders.csv", data: Data(released.text().utf8))], into: state)
        #expect(release.commands.map(\.command) == [.releaseProductionOrder(ProductionOrderRef(productionOrder: planned.id))])

        table.rows = [table.rows[index]]
        table.rows[0].cells[2] = "999"
        let changed = CSVImport.plan(
            [CSVFile(name: "production-orders.csv", data: Data(table.text().utf8))],
            into: state,
            roles: nil,
            actor: nil,
            now: demoDay
        )
        #expect(changed.issues.map(\.rule) == ["order-immutable"])
        #expect(changed.issues.first?.column == "quantity")
    }

    @Test("Dates are written in the plant's time zone, and a date without an offset is read in it")
    func datesInPlantTimeZone() throws {
        let state = Self.demo
        let text = CSVExport.text(.productionOrders, state: state)
        #expect(text.contains("+01:00"), "Berlin in November is UTC+1")
        let values = CSVValues(timeZone: try #require(TimeZone(identifier: "Europe/Berlin")))
        #expect(values.date("2026-12-01") == TaktJSON.parseDate("2026-11-30T23:00:00Z"))
        #expect(values.date("2026-07-01 08:30") == TaktJSON.parseDate("2026-07-01T06:30:00Z"))
        #expect(values.date("2026-12-01T09:00:00Z") == TaktJSON.parseDate("2026-12-01T09:00:00Z"))
        #expect(values.date("2026-02-30") == nil)
        #expect(values.date("yesterday") == nil)
    }

    @Test("A planner's import of master data is refused for the roles, row by row")
    func rolesPerCommand() {
        let plan = CSVImport.plan(
            [file("sites.csv", "id,name,time_zone\nS-2,Second,UTC\n"), file("users.csv", "id,name,roles\nbob,Bob,operator\n")],
            into: PlantState(),
            roles: [.planner],
            actor: "pat",
            now: demoDay
        )
        #expect(plan.issues.map(\.rule) == ["forbidden"], "\(plan.issues)")
        #expect(plan.issues.first?.file == "users.csv")
    }
}

@Suite("The example files of docs/integration.md")
struct CSVExampleFileTests {
    @Test("docs/examples/csv imports into an empty plant without a problem, and importing its export changes nothing")
    func examplesImport() throws {
        let directory = URL(filePath: #filePath).deletingLastPathComponent().appending(path: "../../docs/examples/csv").standardized
        let files = try CSVKind.allCases.map { kind in
            CSVFile(name: kind.fileName, data: try Data(contentsOf: directory.appending(path: kind.fileName)))
        }
        let plan = imported(files)
        for kind in CSVKind.allCases where kind != .downtime {
            #expect((plan.counts[kind]?.created ?? 0) > 0, "\(kind.fileName) created nothing")
        }
        #expect(plan.result.lots["LOT-000004"]?.status == .quarantine)
        #expect(plan.result.productionOrders["PO-000001"]?.status == .released)
        #expect(plan.result.workCenters["WC-LATHE-1"]?.shifts.count == 2)
        let again = imported(exportAll(plan.result), into: plan.result)
        #expect(again.commands.isEmpty)
    }
}
