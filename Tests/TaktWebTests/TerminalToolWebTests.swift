import Foundation
import NIOCore
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktTestSupport
import Testing

/// Issue 16, item 3: the terminal as an operator's tool, through the real server and store on the demo plant (Anna runs
/// PO-000007 op 10 on WC-MILL-1, see ``Floor/prepare(_:)``), on an injected clock.
@Suite("The terminal as an operator's tool (issue 16)")
struct TerminalToolWebTests {
    static let terminal = ShopFloorWebTests.terminal

    @Test("Andon: down with a reason from the list, slow with a rate (the ideal one proposed), back to running — each a machine-state event")
    func andon() async throws {
        try await WebServer.run { s in
            let anna = try await Floor.prepare(s)
            let page = try await s.send(.GET, Self.terminal, cookie: anna)
            #expect(page.text.contains("id=\"andon-down\"") && page.text.contains("<option value=\"breakdown\">machine breakdown</option>"))
            // PO-000007 op 10 runs 18 minutes a housing on WC-MILL-1: 3.33 an hour.
            #expect(Floor.input("ideal-rate", in: page.text)?.contains("value=\"3.33\"") == true, "\(Floor.input("ideal-rate", in: page.text) ?? "")")

            func last() async -> MachineStateChange? { await s.engine.read { $0.machineStates["WC-MILL-1"]?.last } }
            let before = await s.engine.committedSequence
            let unknown = try await s.send(.POST, Self.terminal + "/andon", cookie: anna, form: [("state", "down"), ("reason", "gremlins")])
            #expect(unknown.status == 303)
            let told = try await s.send(.GET, unknown.location ?? Self.terminal, cookie: anna)
            #expect(told.text.contains("&#39;gremlins&#39; is not a down reason; pick one of: breakdown, tooling"), "\(told.text)")
            let noRate = try await s.send(.POST, Self.terminal + "/andon", cookie: anna, form: [("state", "slow"), ("reason", "worn-tooling")])
            #expect(try await s.send(.GET, noRate.location ?? Self.terminal, cookie: anna).text.contains("a slowdown needs the rate"))
            #expect(await s.engine.committedSequence == before, "nothing recorded")

            let down = try await s.send(
                .POST,
                Self.terminal + "/andon",
                cookie: anna,
                form: [("state", "down"), ("reason", "breakdown"), ("note", "spindle bearing")]
            )
            #expect(down.status == 303 && down.location == Self.terminal)
            #expect(await last()?.state == .down)
            #expect(await last()?.reason == "machine breakdown: spindle bearing")
            #expect(await last()?.by == "op-anna")
            let shown = try await s.send(.GET, Self.terminal, cookie: anna)
            #expect(shown.text.contains("WC-MILL-1 reported down") && shown.text.contains("machine down: machine breakdown: spindle bearing"))
            #expect(shown.text.contains("id=\"andon-running\""), "a way back to running")
            #expect(shown.text.contains("<details class=\"panel andon\" id=\"andon\" open>"), "the andon stays open while the machine is down")
            #expect(!page.text.contains("id=\"andon\" open"), "folded while it runs")

            _ = try await s.send(
                .POST,
                Self.terminal + "/andon",
                cookie: anna,
                form: [("state", "slow"), ("reason", "worn-tooling"), ("actualRate", "2"), ("idealRate", "")]
            )
            let slow = try #require(await last())
            #expect(slow.state == .slow && slow.reason == "worn tooling" && slow.actualRate == 2)
            #expect(abs((slow.idealRate ?? 0) - 60.0 / 18) < 1e-9, "the routing's ideal rate when the form leaves it empty")

            _ = try await s.send(.POST, Self.terminal + "/andon", cookie: anna, form: [("state", "running")])
            #expect(await last()?.state == .running)
            let events = await s.engine.read { $0.machineStates["WC-MILL-1"]?.suffix(3).map(\.state) }
            #expect(events == [.down, .slow, .running])
        }
    }

    @Test("A scanned lot asks the quantity; the operator changes it and exactly that is consumed")
    func scanConsumesTheConfirmedQuantity() async throws {
        try await WebServer.run { s in
            let anna = try await Floor.prepare(s)
            let scan = try await s.send(.POST, Self.terminal + "/scan", cookie: anna, form: [("code", "CAST-33")])
            let prompt = try #require(scan.location)
            let page = try await s.send(.GET, prompt, cookie: anna)
            #expect(Floor.input("consume-quantity", in: page.text)?.contains("value=\"30\"") == true)
            #expect(await s.engine.read { $0.lots["CAST-33"]?.quantity } == 33)
            _ = try await s.send(
                .POST,
                Self.terminal + "/consume",
                cookie: anna,
                form: [("order", "PO-000007"), ("operation", "10"), ("lot", "CAST-33"), ("quantity", "12"), ("back", prompt)]
            )
            #expect(await s.engine.read { $0.lots["CAST-33"]?.quantity } == 21)
            #expect(await s.engine.read { $0.consumptionsByOrder["PO-000007"]?.map(\.quantity) } == [12])
        }
    }

    @Test("Scrap reasons are a pick list; a code not on the list is refused naming scrapReason, and nothing is recorded")
    func scrapReasons() async throws {
        try await WebServer.run { s in
            let anna = try await Floor.prepare(s)
            let page = try await s.send(.GET, Self.terminal, cookie: anna)
            #expect(page.text.contains("<select name=\"scrapReason\" id=\"scrap-reason-PO-000007-10\">"))
            #expect(page.text.contains("<option value=\"porosity\">Porosity, blowholes</option>"))
            #expect(!page.text.contains("placeholder=\"scrap reason\""), "no free text")

            let before = await s.engine.committedSequence
            let refused = try await s.send(
                .POST,
                Self.terminal + "/report",
                cookie: anna,
                form: [("order", "PO-000007"), ("operation", "10"), ("good", "2"), ("scrap", "1"), ("scrapReason", "gremlins")]
            )
            let told = try await s.send(.GET, refused.location ?? Self.terminal, cookie: anna)
            #expect(told.text.contains("scrapReason &#39;gremlins&#39; is not a scrap reason code; use one of porosity, dimension"), "\(told.text)")
            #expect(await s.engine.committedSequence == before)

            _ = try await s.send(
                .POST,
                Self.terminal + "/report",
                cookie: anna,
                form: [("order", "PO-000007"), ("operation", "10"), ("good", "2"), ("scrap", "1"), ("scrapReason", "dimension")]
            )
            #expect(await s.engine.read { $0.operations["PO-000007"]?.first.map { [$0.good, $0.scrap] } } == [2, 1])
            #expect(await s.engine.read { $0.productionReports["WC-MILL-1"]?.last?.scrapReason } == "dimension")
        }
    }

    @Test("Good against target and the time worked come from the plant's state and clock; a pause stops the clock")
    func counterAndTimer() async throws {
        let clock = TestClock(WebServer.morning)
        try await WebServer.run(clock: clock) { s in
            let anna = try await Floor.prepare(s)
            clock.advance(seconds: 3723)
            _ = try await s.send(
                .POST,
                Self.terminal + "/report",
                cookie: anna,
                form: [("order", "PO-000007"), ("operation", "10"), ("good", "7")]
            )
            let page = try await s.send(.GET, Self.terminal, cookie: anna)
            #expect(page.text.contains("<strong id=\"good-count-PO-000007-10\">7</strong><span> / 30 good</span>"), "\(page.text)")
            #expect(page.text.contains("id=\"timer-PO-000007-10\" data-elapsed=\"3723\" data-ticking=\"1\">1:02:03</span>"))

            _ = try await s.send(
                .POST,
                Self.terminal + "/pause",
                cookie: anna,
                form: [("order", "PO-000007"), ("operation", "10"), ("reason", "break")]
            )
            clock.advance(minutes: 30)
            let paused = try await s.send(.GET, Self.terminal, cookie: anna)
            #expect(paused.text.contains("data-elapsed=\"3723\">1:02:03</span>"), "the clock stood still during the pause")
            _ = try await s.send(.POST, Self.terminal + "/resume", cookie: anna, form: [("order", "PO-000007"), ("operation", "10")])
            clock.advance(seconds: 7)
            let resumed = try await s.send(.GET, Self.terminal, cookie: anna)
            #expect(resumed.text.contains("data-elapsed=\"3730\" data-ticking=\"1\">1:02:10</span>"))
        }
    }

    @Test("Booking the lot an operation makes proposes the good not yet booked, books exactly the form's lot, and offers its label")
    func produceAndLabel() async throws {
        try await WebServer.run { s in
            let anna = try await Floor.prepare(s)
            _ = try await s.send(.POST, Self.terminal + "/report", cookie: anna, form: [("order", "PO-000007"), ("operation", "10"), ("good", "5")])
            let page = try await s.send(.GET, Self.terminal, cookie: anna)
            #expect(Floor.input("lot-PO-000007-10", in: page.text)?.contains("value=\"PO-000007-10-1\"") == true)
            #expect(Floor.input("lot-qty-PO-000007-10", in: page.text)?.contains("value=\"5\"") == true)
            #expect(page.text.contains("<option value=\"LS-MILL-1\" selected>"), "the line side of the mill is proposed")

            let booked = try await s.send(
                .POST,
                Self.terminal + "/produce",
                cookie: anna,
                form: [("order", "PO-000007"), ("operation", "10"), ("lot", "HSG-1"), ("quantity", "4"), ("location", "LS-MILL-1")]
            )
            #expect(booked.location == Self.terminal + "?booked=HSG-1#booked")
            let lot = try #require(await s.engine.read { $0.lots["HSG-1"] })
            #expect(lot.quantity == 4 && lot.item == "MH-NB-32-160" && lot.productionOrder == "PO-000007" && lot.location == "LS-MILL-1")
            let after = try await s.send(.GET, try #require(booked.location), cookie: anna)
            #expect(after.text.contains("Booked lot HSG-1") && after.text.contains("href=\"/print/lots/HSG-1\""))
            #expect(after.text.contains("href=\"/print/lots/HSG-1/label.zpl\""))
            #expect(Floor.input("lot-qty-PO-000007-10", in: after.text)?.contains("value=\"1\"") == true, "1 good left to book")
            let zpl = try await s.send(.GET, "/print/lots/HSG-1/label.zpl", cookie: anna)
            #expect(zpl.text.contains("^BCN,110,Y,N,N^FH_^FDHSG-1^FS") && zpl.text.contains("^FD4 ea^FS"))

            let twice = try await s.send(
                .POST,
                Self.terminal + "/produce",
                cookie: anna,
                form: [("order", "PO-000007"), ("operation", "10"), ("lot", "HSG-1"), ("quantity", "1"), ("location", "LS-MILL-1")]
            )
            #expect(try await s.send(.GET, twice.location ?? Self.terminal, cookie: anna).text.contains("lot &#39;HSG-1&#39; already exists"))
        }
    }

    @Test("Scanning an order with no operation here says so and where its next operation is")
    func orderNotHere() async throws {
        try await WebServer.run { s in
            let anna = try await Floor.prepare(s)
            let (name, places) = try #require(
                await s.engine.read { st -> (String, [String])? in
                    guard let po = st.productionOrders["PO-000007"], let r = st.routings[po.routing], let op = r.operations.first else { return nil }
                    return (op.name, r.operations.flatMap { $0.workCenters.map(\.workCenter.rawValue) })
                }
            )
            #expect(!places.contains("WC-PACK-1"))
            let scan = try await s.send(.POST, "/terminal/WC-PACK-1/scan", cookie: anna, form: [("code", "PO-000007")])
            #expect(scan.status == 303)
            let page = try await s.send(.GET, scan.location ?? "/terminal/WC-PACK-1", cookie: anna)
            #expect(page.text.contains("Not at WC-PACK-1"))
            #expect(
                page.text.contains("PO-000007 has no operation at WC-PACK-1. Its next operation is op 10 \(name) at WC-MILL-1 (running)."),
                "\(page.text)"
            )

            // Here, the same scan shows the order's card.
            let here = try await s.send(.POST, Self.terminal + "/scan", cookie: anna, form: [("code", "PO-000007")])
            #expect(here.location == Self.terminal + "?order=PO-000007#op-PO-000007")
        }
    }

    @Test("Users whose roles do not open the terminal are refused its forms, and nothing changes")
    func refusedWithoutRights() async throws {
        try await WebServer.run { s in
            _ = try await Floor.prepare(s)
            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            let before = await s.engine.committedSequence
            for (verb, form) in [
                ("andon", [("state", "down"), ("reason", "breakdown")]),
                ("produce", [("order", "PO-000007"), ("operation", "10"), ("lot", "X-1"), ("quantity", "1"), ("location", "LS-MILL-1")]),
            ] {
                let reply = try await s.send(.POST, Self.terminal + "/" + verb, cookie: planner, form: form)
                #expect(reply.status == 303)
                let told = try await s.send(.GET, "/tower", cookie: planner)
                #expect(told.text.contains("Not allowed"), "\(verb)")
            }
            #expect(await s.engine.committedSequence == before)
            #expect(try await s.send(.GET, Self.terminal, cookie: planner).status == 403)
        }
    }
}
