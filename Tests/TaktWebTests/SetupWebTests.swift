import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktExchange
import TaktTestSupport
import Testing

@testable import TaktWeb

/// Setting up the plant in the web app: every kind of master data through its form (the same commands as the API),
/// refusals beside their field with the input kept, roles, CSV import (every row problem before anything is applied)
/// and export, users and their tokens, badges.
@Suite("Setup in the web app")
struct SetupWebTests {
    /// The text of the element with this id (up to its first closing tag).
    static func element(_ id: String, in html: String) -> String? {
        guard let r = html.range(of: "id=\"\(id)\"") else { return nil }
        let start = html[..<r.lowerBound].range(of: "<", options: .backwards)?.lowerBound ?? r.lowerBound
        let end = html[r.upperBound...].range(of: "</")?.lowerBound ?? html.endIndex
        return String(html[start..<end])
    }

    @Test("An admin creates, finds, edits an item; a refused form shows the error beside the field and keeps the input")
    func items() async throws {
        try await WebServer.run { s in
            let admin = try await s.signIn(WebServer.adminToken)
            let new = try await s.send(.GET, "/setup/items/form", cookie: admin)
            #expect(new.status == 200 && new.text.contains("id=\"f-name\""), "\(new.text.prefix(300))")

            let created = try await s.send(
                .POST,
                "/setup/items/save",
                cookie: admin,
                form: [("id", "GASKET-9"), ("name", "Gasket 9 mm"), ("kind", "purchased"), ("unit", "pc")]
            )
            #expect(created.status == 303 && created.location == "/setup/items", "\(created.status) \(created.text.prefix(500))")
            #expect(await s.engine.read { $0.items["GASKET-9"] } == Item(id: "GASKET-9", name: "Gasket 9 mm", kind: .purchased, unit: .piece))

            let list = try await s.send(.GET, "/setup/items?q=gasket%209", cookie: admin)
            #expect(list.text.contains("Item GASKET-9 created"))
            #expect(list.text.contains("GASKET-9") && list.text.contains("1 of "), "the search keeps only the match")
            let none = try await s.send(.GET, "/setup/items?q=no-such-thing", cookie: admin)
            #expect(!none.text.contains("GASKET-9") && none.text.contains("Nothing matches"))

            let edit = try await s.send(.GET, "/setup/items/form?id=GASKET-9", cookie: admin)
            #expect(edit.text.contains("value=\"Gasket 9 mm\"") && edit.text.contains("readonly"))
            _ = try await s.send(
                .POST,
                "/setup/items/save",
                cookie: admin,
                form: [("original", "GASKET-9"), ("name", "Gasket 9 mm, EPDM"), ("kind", "purchased"), ("unit", "pc")]
            )
            #expect(await s.engine.read { $0.items["GASKET-9"]?.name } == "Gasket 9 mm, EPDM")

            // An empty name and a malformed ID: both refused beside their fields, the typed values kept, nothing stored.
            let refused = try await s.send(
                .POST,
                "/setup/items/save",
                cookie: admin,
                form: [("id", "bad id!"), ("name", " "), ("kind", "finished"), ("unit", "kg")]
            )
            #expect(refused.status == 422)
            let idError = try #require(Self.element("err-id", in: refused.text))
            #expect(idError.contains("id must be 1–64 letters"), "\(idError)")
            #expect(Self.element("err-name", in: refused.text)?.contains("name must not be empty") == true)
            #expect(Floor.input("f-id", in: refused.text)?.contains("value=\"bad id!\"") == true)
            #expect(refused.text.contains("<option value=\"finished\" selected>"), "the chosen kind is kept")
            #expect(await s.engine.read { $0.items["bad id!"] } == nil)

            // Creating an ID that exists is refused (the form would overwrite it).
            let twice = try await s.send(
                .POST,
                "/setup/items/save",
                cookie: admin,
                form: [("id", "GASKET-9"), ("name", "Other"), ("kind", "purchased"), ("unit", "pc")]
            )
            #expect(twice.status == 422 && Self.element("err-id", in: twice.text)?.contains("already exists") == true)
            #expect(await s.engine.read { $0.items["GASKET-9"]?.name } == "Gasket 9 mm, EPDM")

            // Deactivate: kept, listed as inactive, offered for nothing new (the core refuses a sales order line for it).
            let off = try await s.send(.POST, "/setup/items/active", cookie: admin, form: [("id", "GASKET-9"), ("active", "false")])
            #expect(off.status == 303)
            #expect(await s.engine.read { $0.items["GASKET-9"]?.active } == false)
            let inactive = try await s.send(.GET, "/setup/items?show=inactive", cookie: admin)
            #expect(inactive.text.contains("id=\"activate-GASKET-9\"") && inactive.text.contains("1 of "), "\(inactive.text.prefix(300))")
            #expect(!(try await s.send(.GET, "/setup/items?show=active", cookie: admin).text.contains("GASKET-9")))
            // Editing keeps it inactive.
            _ = try await s.send(
                .POST,
                "/setup/items/save",
                cookie: admin,
                form: [("original", "GASKET-9"), ("name", "Gasket 9 mm, old"), ("kind", "purchased"), ("unit", "pc")]
            )
            #expect(
                await s.engine.read { $0.items["GASKET-9"] }
                    == Item(id: "GASKET-9", name: "Gasket 9 mm, old", kind: .purchased, unit: .piece, active: false)
            )
            _ = try await s.send(.POST, "/setup/items/active", cookie: admin, form: [("id", "GASKET-9"), ("active", "true")])
            #expect(await s.engine.read { $0.items["GASKET-9"]?.active } == true)
        }
    }

    @Test("Hostile input: HTML in a name is stored and shown escaped; a very long name is refused in words, never a 500")
    func hostile() async throws {
        try await WebServer.run { s in
            let admin = try await s.signIn(WebServer.adminToken)
            let html = "<script>alert(1)</script>\"'&"
            let ok = try await s.send(.POST, "/setup/customers/save", cookie: admin, form: [("id", "C-X"), ("name", html), ("priority", "2")])
            #expect(ok.status == 303)
            let list = try await s.send(.GET, "/setup/customers?q=C-X", cookie: admin)
            #expect(!list.text.contains("<script>alert(1)") && list.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"))

            let long = String(repeating: "<b>x</b>", count: 40)
            let refused = try await s.send(.POST, "/setup/customers/save", cookie: admin, form: [("id", "C-Y"), ("name", long), ("priority", "9")])
            #expect(refused.status == 422)
            #expect(Self.element("err-name", in: refused.text)?.contains("name must be at most 200 characters") == true)
            #expect(Self.element("err-priority", in: refused.text)?.contains("priority must be 1 (highest) to 5") == true)
            #expect(!refused.text.contains("<b>x</b>") && refused.text.contains("&lt;b&gt;x&lt;/b&gt;"), "kept, escaped")
            let huge = try await s.send(
                .POST,
                "/setup/customers/save",
                cookie: admin,
                form: [("id", "C-Y"), ("name", String(repeating: "<i>", count: 5000)), ("priority", "1")]
            )
            #expect(huge.status == 422 && Self.element("err-name", in: huge.text)?.contains("at most 10000 characters") == true)
            let notNumber = try await s.send(
                .POST,
                "/setup/customers/save",
                cookie: admin,
                form: [("id", "C-Z"), ("name", "Z"), ("priority", "high")]
            )
            #expect(notNumber.status == 422 && Self.element("err-priority", in: notNumber.text)?.contains("whole number") == true)
            #expect(await s.engine.read { $0.customers["C-Y"] == nil && $0.customers["C-Z"] == nil })
        }
    }

    @Test("Every kind through its form: skill, location, work center with shifts, bill of materials, routing")
    func everyKind() async throws {
        try await WebServer.run { s in
            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            func save(_ kind: String, _ form: [(String, String)]) async throws -> WebServer.Reply {
                try await s.send(.POST, "/setup/\(kind)/save", cookie: planner, form: form)
            }
            #expect(try await save("skills", [("id", "SK-GLUE"), ("name", "Gluing")]).status == 303)
            #expect(await s.engine.read { $0.skills["SK-GLUE"]?.name } == "Gluing")

            let wc = try await save(
                "work-centers",
                [
                    ("id", "GLUE-1"), ("name", "Glue station"), ("site", "PLANT-1"), ("kind", "assembly"), ("capacity", "2"),
                    ("shifts", "Early; mon-fri; 06:00; 14:00\nNight; fri sat; 22:00; 06:00"), ("setupFamilies", "small, large"),
                    ("defaultChangeoverMinutes", "15"),
                ]
            )
            #expect(wc.status == 303, "\(wc.text.prefix(800))")
            let glue = try #require(await s.engine.read { $0.workCenters["GLUE-1"] })
            #expect(glue.capacity == 2 && glue.setupFamilies == ["small", "large"] && glue.defaultChangeoverMinutes == 15)
            #expect(
                glue.shifts == [
                    Shift(name: "Early", days: [.monday, .tuesday, .wednesday, .thursday, .friday], start: "06:00", end: "14:00"),
                    Shift(name: "Night", days: [.friday, .saturday], start: "22:00", end: "06:00"),
                ]
            )
            // A shift line in the wrong format is refused beside the shifts field, the lines kept.
            let badShift = try await save(
                "work-centers",
                [("original", "GLUE-1"), ("name", "Glue station"), ("site", "PLANT-1"), ("kind", "assembly"), ("shifts", "Early; someday; 6; 14")]
            )
            #expect(badShift.status == 422 && Self.element("err-shifts", in: badShift.text)?.contains("someday") == true)
            #expect(badShift.text.contains("Early; someday; 6; 14"))
            // The core's own refusal of a shift time names shifts[0].start: shown beside the shifts field.
            let badTime = try await save(
                "work-centers",
                [("original", "GLUE-1"), ("name", "Glue station"), ("site", "PLANT-1"), ("kind", "assembly"), ("shifts", "Early; mon; 6:00; 14:00")]
            )
            #expect(badTime.status == 422 && Self.element("err-shifts", in: badTime.text)?.contains("HH:mm") == true)
            #expect(await s.engine.read { $0.workCenters["GLUE-1"] } == glue)

            // Planned downtime in the site's local time (Europe/Berlin: UTC+1 in December), kept through an edit.
            let withDowntime = try await save(
                "work-centers",
                [
                    ("original", "GLUE-1"), ("name", "Glue station"), ("site", "PLANT-1"), ("kind", "assembly"), ("capacity", "2"),
                    ("shifts", "Early; mon-fri; 06:00; 14:00"), ("plannedDowntime", "2026-12-24T00:00; 2026-12-28T06:00; Christmas"),
                    ("setupFamilies", "small, large"),
                ]
            )
            #expect(withDowntime.status == 303, "\(withDowntime.text.prefix(600))")
            #expect(
                await s.engine.read { $0.workCenters["GLUE-1"]?.plannedDowntime }
                    == [
                        Downtime(
                            start: TaktJSON.parseDate("2026-12-23T23:00:00Z")!,
                            end: TaktJSON.parseDate("2026-12-28T05:00:00Z")!,
                            reason: "Christmas"
                        )
                    ]
            )
            #expect(
                try await s.send(.GET, "/setup/work-centers/form?id=GLUE-1", cookie: planner).text.contains(
                    "2026-12-24T00:00; 2026-12-28T06:00; Christmas"
                )
            )
            let backwards = try await save(
                "work-centers",
                [
                    ("original", "GLUE-1"), ("name", "Glue station"), ("site", "PLANT-1"), ("kind", "assembly"),
                    ("plannedDowntime", "2026-12-28; 2026-12-24; Oops"),
                ]
            )
            #expect(backwards.status == 422 && Self.element("err-plannedDowntime", in: backwards.text)?.contains("must end after it starts") == true)

            // Sites: a time zone that is not one is refused beside its field.
            #expect(try await save("sites", [("id", "PLANT-2"), ("name", "Second plant"), ("timeZone", "America/Chicago")]).status == 303)
            #expect(await s.engine.read { $0.sites["PLANT-2"]?.timeZone } == "America/Chicago")
            let zone = try await save("sites", [("id", "PLANT-3"), ("name", "Third"), ("timeZone", "Mars/Olympus")])
            #expect(zone.status == 422 && Self.element("err-timeZone", in: zone.text)?.contains("not a known IANA time zone") == true)

            #expect(
                try await save(
                    "locations",
                    [
                        ("id", "LS-GLUE"), ("name", "Line side glue"), ("site", "PLANT-1"), ("kind", "line-side"), ("workCenter", "GLUE-1"),
                        ("stagingLeadMinutes", "30"),
                    ]
                ).status
                    == 303
            )
            #expect(await s.engine.read { $0.locations["LS-GLUE"]?.workCenter } == "GLUE-1")
            let noFeed = try await save("locations", [("id", "LS-2"), ("name", "x"), ("site", "PLANT-1"), ("kind", "line-side"), ("workCenter", "")])
            #expect(noFeed.status == 422 && Self.element("err-workCenter", in: noFeed.text)?.contains("must name the work center") == true)

            #expect(
                try await save("items", [("id", "HOUSING-G"), ("name", "Glued housing"), ("kind", "semi-finished"), ("unit", "ea")]).status == 303
            )
            #expect(try await save("items", [("id", "GLUE"), ("name", "Glue"), ("kind", "purchased"), ("unit", "kg")]).status == 303)
            #expect(try await save("items", [("id", "SHELL"), ("name", "Shell"), ("kind", "purchased"), ("unit", "ea")]).status == 303)
            let bom = try await save("boms", [("id", "BOM-HG"), ("item", "HOUSING-G"), ("components", "SHELL; 2; 10\nGLUE; 0.05")])
            #expect(bom.status == 303, "\(bom.text.prefix(800))")
            #expect(
                await s.engine.read { $0.boms["BOM-HG"]?.components }
                    == [BOMComponent(item: "SHELL", quantity: 2, operation: 10), BOMComponent(item: "GLUE", quantity: 0.05)]
            )
            let badBOM = try await save("boms", [("id", "BOM-X"), ("item", "HOUSING-G"), ("components", "NOPE; 1")])
            #expect(badBOM.status == 422 && Self.element("err-components", in: badBOM.text)?.contains("item &#39;NOPE&#39; does not exist") == true)

            let routing = try await save(
                "routings",
                [("id", "R-HG"), ("item", "HOUSING-G"), ("operations", "10; Glue; GLUE-1 15 2.5; SK-GLUE; small; yes\n20; Cure; GLUE-1 0 1")]
            )
            #expect(routing.status == 303, "\(routing.text.prefix(800))")
            let ops = try #require(await s.engine.read { $0.routings["R-HG"]?.operations })
            #expect(
                ops.map(\.sequence) == [10, 20] && ops[0].requiredSkill == "SK-GLUE" && ops[0].inspectionRequired && ops[0].setupFamily == "small"
            )
            #expect(ops[0].workCenters == [EligibleWorkCenter(workCenter: "GLUE-1", setupMinutes: 15, runMinutesPerUnit: 2.5)])
            // The edit form shows the operations in the format it reads: saving it unchanged changes nothing.
            let form = try await s.send(.GET, "/setup/routings/form?id=R-HG", cookie: planner)
            #expect(form.text.contains("10; Glue; GLUE-1 15 2.5; SK-GLUE; small; yes; ; \n20; Cure; GLUE-1 0 1; ; ; ; ; "))
            let badOp = try await save("routings", [("original", "R-HG"), ("item", "HOUSING-G"), ("operations", "10; Glue; NOWHERE 1 1")])
            #expect(badOp.status == 422 && Self.element("err-operations", in: badOp.text)?.contains("NOWHERE") == true)
        }
    }

    @Test("Roles: an operator may neither see nor post to setup; planners edit master data but not users; CSV is the admins'")
    func roles() async throws {
        try await WebServer.run { s in
            let op = try await s.signIn(try await s.issueToken(for: "op-anna"))
            #expect(try await s.send(.GET, "/setup", cookie: op).status == 403)
            #expect(try await s.send(.GET, "/setup/items", cookie: op).status == 403)
            let posted = try await s.send(
                .POST,
                "/setup/items/save",
                cookie: op,
                form: [("id", "OP-ITEM"), ("name", "x"), ("kind", "purchased"), ("unit", "ea")]
            )
            #expect(posted.status == 403)
            #expect(await s.engine.read { $0.items["OP-ITEM"] } == nil)

            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            let list = try await s.send(.GET, "/setup/items", cookie: planner)
            #expect(list.status == 200 && list.text.contains("id=\"new\"") && !list.text.contains("id=\"export\""))
            #expect(try await s.send(.GET, "/admin/users", cookie: planner).status == 403)
            let user = try await s.send(.POST, "/admin/users/save", cookie: planner, form: [("id", "eve"), ("name", "Eve"), ("roles-admin", "on")])
            #expect(user.status == 403)
            #expect(await s.engine.read { $0.users["eve"] } == nil)

            let quality = try await s.signIn(try await s.issueToken(for: "quality"))
            let read = try await s.send(.GET, "/setup/items/form?id=GASKET-X", cookie: quality)
            #expect(read.status == 404)
            let look = try await s.send(.GET, "/setup/skills", cookie: quality)
            #expect(look.status == 200 && !look.text.contains("id=\"new\""))
            let refused = try await s.send(.POST, "/setup/skills/save", cookie: quality, form: [("id", "SK-Q"), ("name", "Q")])
            #expect(refused.status == 403 && refused.text.contains("Not allowed for your roles"), "\(refused.text.prefix(600))")
            #expect(await s.engine.read { $0.skills["SK-Q"] } == nil)
        }
    }

    @Test("CSV: the check lists every row problem and applies nothing; a clean file shows what it would do, Apply applies it; export round-trips")
    func csv() async throws {
        try await WebServer.run { s in
            let admin = try await s.signIn(WebServer.adminToken)
            let before = await s.engine.read { $0.items.count }
            let bad = "id,name,kind,unit\nI-1,One,purchased,ea\nI-2,,purchased,ea\nI-3,Three,magic,ea\nI-4,Four,finished,lightyears\n"
            let checked = try await s.send(.POST, "/setup/items/import", cookie: admin, form: [("csv", bad), ("step", "check")])
            #expect(checked.status == 422)
            let table = try #require(checked.text.range(of: "id=\"issues\"").map { String(checked.text[$0.lowerBound...]) })
            for (row, column) in [("3", "name"), ("4", "kind"), ("5", "unit")] {
                #expect(table.contains("<td>items.csv</td><td>\(row)</td><td>\(column)</td>"), "row \(row) \(column): \(table.prefix(1500))")
            }
            #expect(checked.text.contains("3 problems — nothing was applied"))
            #expect(checked.text.contains("I-4,Four,finished,lightyears"), "the pasted file is kept to correct")
            #expect(await s.engine.read { $0.items.count } == before)
            #expect(await s.engine.read { $0.items["I-1"] } == nil)
            // Apply of the same file is refused the same way and applies nothing.
            let forced = try await s.send(.POST, "/setup/items/import", cookie: admin, form: [("csv", bad), ("step", "apply")])
            #expect(forced.status == 422)
            #expect(await s.engine.read { $0.items["I-1"] } == nil)

            let good = "id,name,kind,unit\nI-1,One,purchased,ea\nI-2,Two,finished,kg\n"
            let preview = try await s.send(.POST, "/setup/items/import", cookie: admin, form: [("csv", good), ("step", "check")])
            #expect(preview.status == 200 && preview.text.contains("2 rows: 2 would be created, 0 changed"), "\(preview.text.prefix(1200))")
            #expect(preview.text.contains("id=\"apply\""))
            // Each entity it would create or change, with the fields that differ.
            let changing = "id,name,kind,unit\nGASKET-9,Gasket,purchased,ea\n"
            _ = try await s.engine.submit(
                CommandEnvelope(command: .defineItem(Item(id: "GASKET-9", name: "Gasket", kind: .purchased, unit: .piece)), actor: .system)
            )
            let diff = try await s.send(
                .POST,
                "/setup/items/import",
                cookie: admin,
                form: [("csv", changing + "I-9,Nine,purchased,ea\n"), ("step", "check")]
            )
            #expect(Floor.row(containing: "<td>GASKET-9</td>", in: diff.text)?.contains("changed") == true)
            #expect(Floor.row(containing: "<td>GASKET-9</td>", in: diff.text)?.contains("<td>unit</td>") == true, "\(diff.text.suffix(1500))")
            #expect(Floor.row(containing: "<td>I-9</td>", in: diff.text)?.contains("created") == true)
            #expect(await s.engine.read { $0.items["I-9"] } == nil)
            #expect(await s.engine.read { $0.items["I-1"] } == nil, "a check applies nothing")
            let applied = try await s.send(.POST, "/setup/items/import", cookie: admin, form: [("csv", good), ("step", "apply")])
            #expect(applied.status == 303)
            #expect(await s.engine.read { $0.items["I-2"] } == Item(id: "I-2", name: "Two", kind: .finished, unit: .kilogram))
            #expect(try await s.send(.GET, "/setup/items", cookie: admin).text.contains("2 created, 0 changed"))

            // Export is `takt export`'s format, and importing it back changes nothing.
            let export = try await s.send(.GET, "/setup/items/export.csv", cookie: admin)
            #expect(export.status == 200 && export.headers["Content-Type"].first?.hasPrefix("text/csv") == true)
            #expect(export.text == (try await s.engine.read { TaktExchangeText.items($0) }))
            #expect(export.text.contains("I-2,Two,finished,kg"))
            let again = try await s.send(.POST, "/setup/items/import", cookie: admin, form: [("csv", export.text), ("step", "check")])
            #expect(again.status == 200 && again.text.contains("0 would be created, 0 changed"), "\(again.text.prefix(1200))")

            // A file chosen in the browser (multipart/form-data), as the import form sends it; the token travels as a part.
            let boundary = "----takt-test-boundary"
            let token = try #require(s.formTokens[admin])
            func part(_ name: String, _ value: String, file: String? = nil) -> String {
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
                    + (file.map { "; filename=\"\($0)\"\r\nContent-Type: text/csv" } ?? "")
                    + "\r\n\r\n\(value)\r\n"
            }
            let upload =
                part("_csrf", token) + part("file", "id,name,kind,unit\r\nI-3,Three,purchased,ea\r\nI-4,,purchased,ea\r\n", file: "items.csv")
                + part("csv", "") + part("step", "check") + "--\(boundary)--\r\n"
            let uploaded = try await s.connection.send(
                .POST,
                "/setup/items/import",
                headers: [("Cookie", admin), ("Content-Type", "multipart/form-data; boundary=\(boundary)")],
                body: Data(upload.utf8)
            )
            #expect(uploaded.status == 422 && uploaded.text.contains("<td>items.csv</td><td>3</td><td>name</td>"), "\(uploaded.text.suffix(1500))")
            let withoutToken = try await s.connection.send(
                .POST,
                "/setup/items/import",
                headers: [("Cookie", admin), ("Content-Type", "multipart/form-data; boundary=\(boundary)")],
                body: Data(
                    (part("file", "id,name,kind,unit\r\nI-3,Three,purchased,ea\r\n", file: "items.csv") + part("step", "apply")
                        + "--\(boundary)--\r\n").utf8
                )
            )
            #expect(withoutToken.status == 403)
            #expect(await s.engine.read { $0.items["I-3"] } == nil)

            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            #expect(try await s.send(.GET, "/setup/items/export.csv", cookie: planner).status == 403)
            #expect(try await s.send(.GET, "/setup/items/export.csv").status == 302, "signed out: sent to sign in")
        }
    }

    @Test("Users & tokens: create a user with roles, deactivate and reactivate, issue a badge (barcode of the secret), revoke the token")
    func users() async throws {
        try await WebServer.run { s in
            let admin = try await s.signIn(WebServer.adminToken)
            let created = try await s.send(
                .POST,
                "/admin/users/save",
                cookie: admin,
                form: [("id", "mara"), ("name", "Mara Schulz"), ("roles-warehouse", "on"), ("roles-quality", "on")]
            )
            #expect(created.status == 303)
            #expect(await s.engine.read { $0.users["mara"] } == User(id: "mara", name: "Mara Schulz", roles: [.quality, .warehouse]))
            // Certifications with a validity date (the plant's day, as in users.csv), kept and shown again by the edit form.
            let skill = try #require(await s.engine.read { $0.skills.keys.sorted().first })
            let certified = try await s.send(
                .POST,
                "/admin/users/save",
                cookie: admin,
                form: [("original", "mara"), ("name", "Mara Schulz"), ("roles-warehouse", "on"), ("certifications", "\(skill)@2027-03-31")]
            )
            #expect(certified.status == 303)
            let zone = await s.engine.read { $0.plantTimeZone }
            #expect(await s.engine.read { $0.users["mara"]?.certifications.map(\.skill) } == [skill])
            let until = try #require(await s.engine.read { $0.users["mara"]?.certifications.first?.validUntil })
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            #expect(calendar.dateComponents([.year, .month, .day, .hour], from: until) == DateComponents(year: 2027, month: 3, day: 31, hour: 0))
            #expect(try await s.send(.GET, "/admin/users/form?id=mara", cookie: admin).text.contains("value=\"\(skill)@2027-03-31\""))
            let badDate = try await s.send(
                .POST,
                "/admin/users/save",
                cookie: admin,
                form: [("original", "mara"), ("name", "Mara Schulz"), ("roles-warehouse", "on"), ("certifications", "\(skill)@soon")]
            )
            #expect(badDate.status == 422 && Self.element("err-certifications", in: badDate.text)?.contains("must be a date") == true)
            let unknownSkill = try await s.send(
                .POST,
                "/admin/users/save",
                cookie: admin,
                form: [("original", "mara"), ("name", "Mara Schulz"), ("roles-warehouse", "on"), ("certifications", "NO-SUCH-SKILL")]
            )
            #expect(
                unknownSkill.status == 422 && Self.element("err-certifications", in: unknownSkill.text) != nil,
                "\(unknownSkill.text.suffix(800))"
            )
            _ = try await s.send(
                .POST,
                "/admin/users/save",
                cookie: admin,
                form: [("original", "mara"), ("name", "Mara Schulz"), ("roles-warehouse", "on"), ("roles-quality", "on")]
            )
            let noRole = try await s.send(.POST, "/admin/users/save", cookie: admin, form: [("id", "nobody"), ("name", "No One")])
            #expect(noRole.status == 422 && Self.element("err-roles", in: noRole.text)?.contains("at least one role") == true)

            let badge = try await s.send(.POST, "/admin/badge", cookie: admin, form: [("user", "mara")])
            #expect(
                badge.status == 200 && badge.text.contains("<svg") && badge.text.contains("Mara Schulz") && badge.text.contains("quality · warehouse")
            )
            let secret = try #require(Self.element("secret", in: badge.text).flatMap { $0.split(separator: ">").last.map(String.init) })
            #expect(badge.text.contains("class=\"barcode\"") && badge.text.contains("data-code=\"\(secret)\""), "the barcode holds the secret")
            let mara = try await s.signIn(secret)
            #expect(try await s.send(.GET, "/warehouse", cookie: mara).status == 200, "the badge's secret signs in")

            let page = try await s.send(.GET, "/admin?q=mara", cookie: admin)
            let token = try #require(await s.engine.read { $0.tokens.values.first { $0.user == "mara" }?.id })
            #expect(page.text.contains("id=\"revoke-\(token)\""))
            let revoked = try await s.send(.POST, "/admin/tokens/revoke", cookie: admin, form: [("token", token.rawValue)])
            #expect(revoked.status == 303)
            #expect(await s.engine.read { $0.tokens[token]?.revoked } == true)
            #expect(try await s.send(.GET, "/warehouse", cookie: mara).status == 302, "a revoked token's session ends")

            _ = try await s.send(.POST, "/admin/users/active", cookie: admin, form: [("id", "mara"), ("active", "false")])
            #expect(await s.engine.read { $0.users["mara"]?.active } == false)
            let list = try await s.send(.GET, "/admin/users?show=inactive", cookie: admin)
            #expect(list.text.contains("id=\"activate-mara\"") && !list.text.contains("id=\"deactivate-admin\""))
            _ = try await s.send(.POST, "/admin/users/active", cookie: admin, form: [("id", "mara"), ("active", "true")])
            #expect(await s.engine.read { $0.users["mara"]?.active } == true)
            // The plant refuses to deactivate its last admin: said in words, nothing changed.
            let last = try await s.send(.POST, "/admin/users/active", cookie: admin, form: [("id", "admin"), ("active", "false")])
            #expect(last.status == 303)
            #expect(try await s.send(.GET, "/admin/users", cookie: admin).text.contains("is the last active admin"))
            #expect(await s.engine.read { $0.users["admin"]?.active } == true)
        }
    }
}

enum TaktExchangeText {
    static func items(_ s: PlantState) -> String { CSVExport.text(.items, state: s) }
}
