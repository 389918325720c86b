import Foundation
import Logging
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktOrchestrator
import TaktStore
import TaktTestSupport
import Testing

/// Issue 12, "Takt tells the truth": each symptom found by trying the orchestrator as a new user would, through the real
/// server with the orchestrator running, on a fixed plant clock. Where a test picks what to disrupt it does so by a rule,
/// on a demo plant of a seed the other scenario tests do not use, so it does not lean on one plant's numbers.
@Suite("The plant as it is, in every answer", .serialized)
struct TruthScenarioTests {
    static let now = DemoScenario.morning
    static let seed: UInt64 = 7

    // MARK: 1. A down machine is in every later plan

    @Test(
        "A machine reported down for 6 h: an hour later a schedule run, capable-to-promise, a rush outcome request and the rush order's exception start nothing on it inside the downtime"
    )
    func downMachineInEveryPlan() async throws {
        let clock = TestClock(Self.now)
        try await DemoScenario.run(seed: Self.seed, clock: clock) { sc in
            let s = sc.s
            let wc = try #require(
                await s.engine.read { state in
                    state.publishedSchedule?.scheduledMinutes(from: Self.now.addingTimeInterval(3600), until: Self.now.addingTimeInterval(7 * 3600))
                        .filter { id, minutes in minutes > 60 && state.workCenters[id]?.kind == .machining }
                        .max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
                },
                "a machining work center with work in the next hours"
            )
            let until = Self.now.addingTimeInterval(6 * 3600)
            let window = Self.now..<until
            let source = try await sc.submit(
                "/api/v1/work-centers/\(wc)/machine-state",
                as: "supervisor",
                body: #"{"state":"down","reason":"spindle bearing seized","expectedUntil":"\#(isoString(until))"}"#
            )
            _ = try await sc.exception(kind: "machine-down", after: source)
            clock.advance(minutes: 60)

            // What would start on the machine while it is down (a step of an operation already running there is not a start).
            let running = await s.engine.read { state in
                Set(
                    state.operations.flatMap { id, ops in ops.filter { $0.status == .running || $0.status == .paused }.map { "\(id)#\($0.sequence)" }
                    }
                )
            }
            func startsInside(_ steps: [[String: Any]]) -> [String] {
                steps.filter { step in
                    guard step["workCenter"] as? String == wc.rawValue, let start = (step["start"] as? String).flatMap(iso) else { return false }
                    return window.contains(start) && !running.contains("\(step["productionOrder"] as? String ?? "")#\(step["sequence"] as? Int ?? 0)")
                }.map { "\($0["productionOrder"] ?? "") \($0["sequence"] ?? "") at \($0["start"] ?? "")" }
            }
            let before = try #require(await s.engine.read { $0.publishedSchedule })
            #expect(before.steps.contains { $0.workCenter == wc && window.contains($0.start) }, "the published plan had work on \(wc) in the window")

            // Capable-to-promise for an item made on the machine.
            let item = try #require(
                await s.engine.read { state in
                    state.routings.values.sorted { $0.id < $1.id }.first { r in
                        r.operations.first?.workCenters.contains { $0.workCenter == wc } == true && state.items[r.item]?.kind == .semiFinished
                    }?.item
                }
            )
            let promise = try await s.send(
                .POST,
                "/api/v1/schedule/promise",
                token: try sc.token("sales"),
                body: #"{"item":"\#(item)","quantity":4}"#
            )
            #expect(promise.status == 200, "\(promise.text)")
            #expect(startsInside(try promise.json()["steps"] as? [[String: Any]] ?? []).isEmpty, "\(promise.text.prefix(600))")

            // A rush outcome request: no option plans work on the machine while it is down.
            let due = isoString(Self.now.addingTimeInterval(5 * 86_400))
            let outcome = try await s.send(
                .POST,
                "/api/v1/outcome-requests",
                token: try sc.token("planner"),
                body: #"{"request":{"kind":"rush-order","item":"\#(item)","quantity":6,"date":"\#(due)"}}"#
            )
            #expect(outcome.status == 201, "\(outcome.text)")
            let options = try outcome.json()["actions"] as? [[String: Any]] ?? []
            #expect(!options.isEmpty)
            for option in options {
                let steps = ((option["schedule"] as? [String: Any])?["steps"] as? [[String: Any]]) ?? []
                #expect(startsInside(steps).isEmpty, "\(option["title"] ?? ""): \(startsInside(steps))")
            }

            // A rush sales order from a priority customer: the exception's actions respect the downtime too.
            let finished = try #require(
                await s.engine.read { state in
                    state.routings.values.sorted { $0.id < $1.id }.first { state.items[$0.item]?.kind == .finished }?.item
                }
            )
            let rush = try await sc.submit(
                "/api/v1/sales-orders",
                as: "sales",
                body:
                    #"{"id":"SO-RUSH-T1","customer":"CUST-0001","priority":1,"lines":[{"line":10,"item":"\#(finished)","quantity":2,"requestedDate":"\#(due)"}]}"#,
                status: 201
            )
            let e = try await sc.exception(kind: "rush-order", after: rush)
            for action in e["actions"] as? [[String: Any]] ?? [] {
                let steps = ((action["schedule"] as? [String: Any])?["steps"] as? [[String: Any]]) ?? []
                #expect(startsInside(steps).isEmpty, "\(action["title"] ?? ""): \(startsInside(steps))")
            }

            // And the planner's next schedule run.
            let run = try await s.send(.POST, "/api/v1/schedule/runs", token: try sc.token("planner"), body: #"{"iterations":200,"seed":3}"#)
            #expect(run.status == 201, "\(run.text)")
            #expect(startsInside(try run.json()["steps"] as? [[String: Any]] ?? []).isEmpty)
        }
    }

    // MARK: 2. A hold on a supplier lot that already reached a customer

    @Test(
        "A supplier-lot hold reaching a shipped pump and a pump waiting for its customer: the exception names the customer to tell (a task for sales), the waiting line becomes late, and it offers actions"
    )
    func holdOnShippedSupplierLot() async throws {
        let clock = TestClock(Self.now)
        try await DemoScenario.run(clock: clock) { sc in
            let s = sc.s
            let admin = TestServer.adminToken
            let anna = try await issueToken(s, for: "op-anna")
            let carla = try await issueToken(s, for: "op-carla")
            for (type, data) in [
                ("defineItem", #"{"id":"CY-100","name":"Housing casting Y","kind":"purchased"}"#),
                ("defineItem", #"{"id":"HY-100","name":"Machined housing Y","kind":"semi-finished"}"#),
                ("defineItem", #"{"id":"PY-100","name":"Pump Y","kind":"finished"}"#),
                ("defineBOM", #"{"id":"BOM-HY-100","item":"HY-100","components":[{"item":"CY-100","quantity":1}]}"#),
                ("defineBOM", #"{"id":"BOM-PY-100","item":"PY-100","components":[{"item":"HY-100","quantity":1}]}"#),
                (
                    "defineRouting",
                    #"{"id":"RT-HY-100","item":"HY-100","operations":[{"sequence":10,"name":"Mill housing","workCenters":[{"workCenter":"WC-MILL-1","setupMinutes":10,"runMinutesPerUnit":10}]}]}"#
                ),
                (
                    "defineRouting",
                    #"{"id":"RT-PY-100","item":"PY-100","operations":[{"sequence":10,"name":"Assemble pump","workCenters":[{"workCenter":"WC-ASSY-1","setupMinutes":10,"runMinutesPerUnit":20}]}]}"#
                ),
                (
                    "receiveLot",
                    #"{"id":"CY-LOT-1","item":"CY-100","quantity":6,"location":"LOC-RECEIVING","supplier":"Giesserei Sauerland GmbH","supplierLot":"GS-TRUTH-7","deliveryNote":"LS-777"}"#
                ),
                ("moveLot", #"{"lot":"CY-LOT-1","to":"LS-MILL-1"}"#),
                ("createProductionOrder", #"{"id":"PO-HY-1","item":"HY-100","quantity":2,"dueDate":"2026-11-26"}"#),
                ("releaseProductionOrder", #"{"productionOrder":"PO-HY-1"}"#),
            ] {
                try await truthCommand(s, admin, type, data)
            }
            // Anna mills two housings from the supplier lot and books them at the assembly line.
            let mill = "/api/v1/production-orders/PO-HY-1/operations/10"
            try await expectOK(s.send(.POST, "/api/v1/work-centers/WC-MILL-1/clock-in", token: anna))
            try await startOverriding(s, order: "PO-HY-1", sequence: 10, as: anna)
            try await expectOK(s.send(.POST, mill + "/consume", token: anna, body: #"{"lot":"CY-LOT-1","quantity":2}"#))
            clock.advance(minutes: 40)
            try await expectOK(s.send(.POST, mill + "/produce", token: anna, body: #"{"lot":"HY-LOT-1","quantity":2,"location":"LS-ASSY-1"}"#))
            try await expectOK(s.send(.POST, mill + "/complete", token: anna, body: #"{"good":2}"#))

            // Two customer orders for one pump each; Carla assembles both pumps.
            let tomorrow = isoString(Self.now.addingTimeInterval(86_400))
            for (so, customer) in [("SO-Y-1", "CUST-0001"), ("SO-Y-2", "CUST-0002")] {
                try await truthCommand(
                    s,
                    admin,
                    "createSalesOrder",
                    #"{"id":"\#(so)","customer":"\#(customer)","lines":[{"line":10,"item":"PY-100","quantity":1,"requestedDate":"\#(tomorrow)"}]}"#
                )
            }
            try await expectOK(s.send(.POST, "/api/v1/work-centers/WC-ASSY-1/clock-in", token: carla))
            for (po, so, lot) in [("PO-PY-1", "SO-Y-1", "PY-LOT-1"), ("PO-PY-2", "SO-Y-2", "PY-LOT-2")] {
                try await truthCommand(
                    s,
                    admin,
                    "createProductionOrder",
                    #"{"id":"\#(po)","item":"PY-100","quantity":1,"dueDate":"\#(tomorrow)","pegging":{"salesOrder":"\#(so)","line":10}}"#
                )
                try await truthCommand(s, admin, "releaseProductionOrder", #"{"productionOrder":"\#(po)"}"#)
                let assy = "/api/v1/production-orders/\(po)/operations/10"
                try await startOverriding(s, order: po, sequence: 10, as: carla)
                try await expectOK(s.send(.POST, assy + "/consume", token: carla, body: #"{"lot":"HY-LOT-1","quantity":1}"#))
                clock.advance(minutes: 30)
                try await expectOK(s.send(.POST, assy + "/produce", token: carla, body: #"{"lot":"\#(lot)","quantity":1,"location":"LOC-SHIPPING"}"#))
                try await expectOK(s.send(.POST, assy + "/complete", token: carla, body: #"{"good":1}"#))
            }
            // The first pump leaves for its customer; the second waits at the dock for tomorrow.
            try await truthCommand(s, admin, "shipLots", #"{"salesOrder":"SO-Y-1","line":10,"lots":["PY-LOT-1"]}"#)

            // The supplier recalls the lot.
            let source = try await sc.submit(
                "/api/v1/commands",
                as: "quality",
                body:
                    #"{"type":"placeHold","data":{"supplier":"Giesserei Sauerland GmbH","supplierLot":"GS-TRUTH-7","reason":"Supplier recall: porosity"}}"#,
                status: 201
            )
            let e = try await sc.exception(kind: "quality-hold", after: source)
            let impact = try #require(e["impact"] as? [String: Any])
            let shipped = try #require(impact["shipped"] as? [[String: Any]], "the shipped lot is in the impact: \(impact.keys.sorted())")
            #expect(
                shipped.contains {
                    $0["lot"] as? String == "PY-LOT-1" && $0["customer"] as? String == "CUST-0001" && $0["salesOrder"] as? String == "SO-Y-1"
                }
            )
            let tasks = e["tasks"] as? [[String: Any]] ?? []
            #expect(
                tasks.contains { $0["role"] as? String == "sales" && ($0["text"] as? String ?? "").contains("PY-LOT-1") },
                "a task for sales: \(tasks)"
            )
            let affected = try #require(impact["affected"] as? [String: Any])
            #expect(Set(affected["salesOrders"] as? [String] ?? []).isSuperset(of: ["SO-Y-1", "SO-Y-2"]), "\(affected)")
            // The second pump is held at the dock: its line cannot ship tomorrow.
            let orders = impact["orders"] as? [[String: Any]] ?? []
            #expect(
                orders.contains {
                    $0["productionOrder"] as? String == "PO-PY-2" && $0["salesOrder"] as? String == "SO-Y-2" && ($0["lateMinutes"] as? Int ?? 0) > 0
                },
                "\(orders)"
            )
            let (b, p) = (try KPIs(impact["baseline"]), try KPIs(impact["predicted"]))
            #expect(p.lateCustomerLines > b.lateCustomerLines, "\(b) → \(p)")
            #expect(["sales", "quality"].allSatisfy { (e["functions"] as? [String] ?? []).contains($0) })
            let actions = e["actions"] as? [[String: Any]] ?? []
            #expect(!actions.isEmpty, "actions, or the reasons none: \(e["actionNotes"] ?? "") lines \(p)")
            let kinds = Set(actions.flatMap { ($0["steps"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String } })
            #expect(!kinds.isDisjoint(with: ["re-inspect-and-release", "remake"]), "\(kinds)")
            #expect(e["severity"] as? String == "high" || e["severity"] as? String == "critical")
        }
    }

    // MARK: 3. A missing pallet with no other stock

    @Test(
        "A lot reported missing with no other usable stock of its item: the operations it stops move and the exception offers actions or says why none"
    )
    func missingPalletWithoutStock() async throws {
        try await DemoScenario.run(seed: Self.seed) { sc in
            let s = sc.s
            // The rule: a reserved lot whose item has no other free usable stock and whose reserving operation is published to
            // start in the next 12 hours (inside the day a missing pallet is assumed lost).
            let pick = try #require(
                await s.engine.read { state -> (lot: Lot.ID, order: ProductionOrder.ID, sequence: Int)? in
                    let starts = Dictionary(
                        (state.publishedSchedule?.steps ?? []).map { ("\($0.productionOrder)#\($0.sequence)", $0.start) },
                        uniquingKeysWith: min
                    )
                    for r in state.reservations.values.sorted(by: { $0.id < $1.id }) {
                        guard let start = starts["\(r.productionOrder)#\(r.operation)"], start > Self.now,
                            start < Self.now.addingTimeInterval(12 * 3600),
                            state.operations[r.productionOrder]?.first(where: { $0.sequence == r.operation })?.status == .waiting
                        else { continue }
                        let others = state.lots.values.filter { $0.item == r.item && $0.id != r.lot && state.isUsable(lot: $0.id) }
                            .reduce(0.0) { $0 + state.availableToReserve(lot: $1.id) }
                        if others < 1e-9 { return (r.lot, r.productionOrder, r.operation) }
                    }
                    return nil
                },
                "a reserved lot with no other stock, needed within 12 h"
            )
            let source = try await sc.submit(
                "/api/v1/commands",
                as: "warehouse",
                body: #"{"type":"reportMaterialMissing","data":{"lot":"\#(pick.lot)","note":"not at its rack"}}"#,
                status: 201
            )
            let e = try await sc.exception(kind: "material-missing", after: source)
            let impact = try #require(e["impact"] as? [String: Any])
            let moves = impact["operations"] as? [[String: Any]] ?? []
            #expect(
                moves.contains {
                    $0["productionOrder"] as? String == pick.order.rawValue && $0["sequence"] as? Int == pick.sequence
                        && ($0["shiftMinutes"] as? Int ?? 0) > 0
                },
                "\(pick.order) op \(pick.sequence) waits for the material: \(moves.prefix(5))"
            )
            let (b, p) = (try KPIs(impact["baseline"]), try KPIs(impact["predicted"]))
            let actions = e["actions"] as? [[String: Any]] ?? []
            let notes = e["actionNotes"] as? [String] ?? []
            if p.lateness > b.lateness {
                #expect(!actions.isEmpty || !notes.isEmpty, "worse than the baseline: an action or the reason none")
            }
            // Running other work now is always weighed: proposed, or said why not.
            let resequence =
                actions.contains { ($0["steps"] as? [[String: Any]] ?? []).contains { $0["kind"] as? String == "resequence" } }
                || notes.contains { $0.hasPrefix("resequence") }
            #expect(resequence, "resequence is weighed: \(notes)")
            #expect(notes.contains { $0.hasPrefix("pick-another-lot") }, "no other lot, and it says so: \(notes)")
        }
    }

    // MARK: 4. Capable-to-promise after an ordinary deviation

    @Test("An operation started on an eligible work center other than the published one: capable-to-promise still answers for every finished item")
    func promiseAfterAlternativeWorkCenter() async throws {
        try await DemoScenario.run(seed: Self.seed) { sc in
            let s = sc.s
            let pick = try #require(
                await s.engine.read { state -> (order: ProductionOrder.ID, sequence: Int, to: WorkCenter.ID)? in
                    let busy = Set(state.operations.values.flatMap { $0 }.filter { $0.status == .running }.compactMap(\.workCenter))
                    for step in (state.publishedSchedule?.steps ?? []).sorted(by: {
                        ($0.start, $0.productionOrder, $0.sequence) < ($1.start, $1.productionOrder, $1.sequence)
                    }) {
                        guard let po = state.productionOrders[step.productionOrder], po.status == .released || po.status == .inProgress,
                            let progress = state.operations[po.id], progress.first(where: { $0.sequence == step.sequence })?.status == .waiting,
                            progress.filter({ $0.sequence < step.sequence }).allSatisfy({ $0.status == .completed }),
                            let routing = state.routings[po.routing], let op = routing.operations.first(where: { $0.sequence == step.sequence }),
                            let other = op.workCenters.map(\.workCenter).first(where: { $0 != step.workCenter && !busy.contains($0) })
                        else { continue }
                        return (po.id, step.sequence, other)
                    }
                    return nil
                },
                "a waiting operation with an idle alternative work center"
            )
            try await startAsSystem(s, order: pick.order, sequence: pick.sequence, on: pick.to)
            #expect(await s.engine.read { $0.operations[pick.order]?.first { $0.sequence == pick.sequence }?.workCenter } == pick.to)

            let items = await s.engine.read { state in state.items.values.filter { $0.kind == .finished }.map(\.id).sorted() }
            #expect(!items.isEmpty)
            for item in items {
                let answer = try await s.send(
                    .POST,
                    "/api/v1/schedule/promise",
                    token: try sc.token("sales"),
                    body: #"{"item":"\#(item)","quantity":2}"#
                )
                #expect(answer.status == 200, "\(item): \(answer.text)")
            }
        }
    }

    // MARK: 5. Verification judges the action, not the rest of the plant

    @Test(
        "An approved action is verified on what it is about: an unrelated promise made a minute later, before the orchestrator carries it out, does not reopen its exception"
    )
    func verificationIsolatesTheAction() async throws {
        let clock = TestClock(Self.now)
        try await DemoScenario.run(orchestrate: false, seed: Self.seed, clock: clock) { sc in
            let s = sc.s
            let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
            // A first orchestrator raises the slowdown's exception, then stops.
            let first = Orchestrator(engine: s.engine, logger: logger)
            let wc = try #require(await s.engine.read { $0.publishedSchedule?.busiestWorkCenter(from: Self.now, hours: 8) })
            var exception: [String: Any] = [:]
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await first.run() }
                defer { group.cancelAll() }
                #expect(await first.waitUntilIdle(timeout: .seconds(60)))
                let source = try await sc.submit(
                    "/api/v1/work-centers/\(wc)/machine-state",
                    as: "supervisor",
                    body:
                        #"{"state":"slow","reason":"worn tool","actualRate":40,"idealRate":100,"expectedUntil":"\#(isoString(Self.now.addingTimeInterval(8 * 3600)))"}"#
                )
                exception = try await DemoScenario(s: s, tokens: sc.tokens, orchestrator: first).exception(kind: "machine-slow", after: source)
            }
            let check = ScenarioCheck(scenario: DemoScenario(s: s, tokens: sc.tokens, orchestrator: first), exception: exception)
            let action = try check.reducingAction()
            let scope = Set(((action["scope"] as? [String: Any])?["productionOrders"] as? [String]) ?? [])
            #expect(!scope.isEmpty, "the action names the orders it is about")
            let approval = try await check.approve(action)

            // A minute later, before anyone carries the action out, sales promises an unrelated line a date it cannot make.
            clock.advance(minutes: 1)
            let unrelated = try #require(
                await s.engine.read { state -> (SalesOrder.ID, Int)? in
                    for so in state.salesOrders.values.sorted(by: { $0.id < $1.id }) where so.status == .open {
                        for line in so.lines {
                            let pegged = state.productionOrders.values.filter {
                                $0.pegging == Pegging(salesOrder: so.id, line: line.line) && $0.status != .cancelled && $0.status != .completed
                            }
                            if !pegged.isEmpty && pegged.allSatisfy({ !scope.contains($0.id.rawValue) }) { return (so.id, line.line) }
                        }
                    }
                    return nil
                },
                "a customer line outside the action's scope"
            )
            try await sc.submit(
                "/api/v1/sales-orders/\(unrelated.0)/lines/\(unrelated.1)/promise",
                as: "sales",
                body: #"{"promisedDate":"\#(isoString(Self.now.addingTimeInterval(3600)))"}"#
            )

            // The orchestrator comes back, carries the action out and verifies it: passed, on the action's orders.
            let second = Orchestrator(engine: s.engine, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await second.run() }
                defer { group.cancelAll() }
                let done = try await ScenarioCheck(scenario: DemoScenario(s: s, tokens: sc.tokens, orchestrator: second), exception: exception)
                    .executed(action, after: approval)
                let verification = try #require(done.verifications.last)
                #expect(verification.passed, "\(verification.text)")
                #expect(verification.text.contains("the action is about"))
            }
        }
    }

    // MARK: 6. Options say whether they meet the ask

    @Test(
        "Rush outcome options state in data whether they meet the date: an impossible date is met by none (and the exception says so); a far date by at least one"
    )
    func optionsSayWhetherTheyMeetTheAsk() async throws {
        try await DemoScenario.run(seed: Self.seed) { sc in
            let s = sc.s
            let item = try #require(
                await s.engine.read { state in
                    state.routings.values.sorted { $0.id < $1.id }.first { state.items[$0.item]?.kind == .finished }?.item
                }
            )
            func ask(_ date: Date, quantity: Int) async throws -> [String: Any] {
                let reply = try await s.send(
                    .POST,
                    "/api/v1/outcome-requests",
                    token: try sc.token("planner"),
                    body: #"{"request":{"kind":"rush-order","item":"\#(item)","quantity":\#(quantity),"date":"\#(isoString(date))"}}"#
                )
                #expect(reply.status == 201, "\(reply.text)")
                return try reply.json()
            }
            let impossible = try await ask(Self.now.addingTimeInterval(3600), quantity: 50)
            let options = impossible["actions"] as? [[String: Any]] ?? []
            #expect(!options.isEmpty)
            for option in options {
                let target = try #require(option["target"] as? [String: Any], "\(option["title"] ?? "") says whether it meets the date")
                #expect(target["met"] as? Bool == false && (target["marginMinutes"] as? Int ?? 0) < 0, "\(target)")
                #expect(target["requested"] as? String != nil)
            }
            #expect(
                (impossible["actionNotes"] as? [String] ?? []).contains { $0.hasPrefix("No option meets") },
                "said plainly: \(impossible["actionNotes"] ?? "")"
            )

            let easy = try await ask(Self.now.addingTimeInterval(21 * 86_400), quantity: 1)
            let targets = (easy["actions"] as? [[String: Any]] ?? []).compactMap { $0["target"] as? [String: Any] }
            #expect(targets.contains { $0["met"] as? Bool == true && ($0["marginMinutes"] as? Int ?? -1) >= 0 }, "\(targets)")
        }
    }

    // MARK: 8. A shortage whose next receipt comes before it starts

    @Test(
        "A projected shortage that starts after the item's only expected receipt still raises an exception (it used to be skipped as 'until is before from')"
    )
    func shortageAfterTheLastReceipt() async throws {
        try await DemoScenario.run(seed: Self.seed) { sc in
            let s = sc.s
            let admin = TestServer.adminToken
            for (type, data) in [
                ("defineItem", #"{"id":"CZ-100","name":"Casting Z","kind":"purchased"}"#),
                ("defineItem", #"{"id":"HZ-100","name":"Housing Z","kind":"semi-finished"}"#),
                ("defineBOM", #"{"id":"BOM-HZ-100","item":"HZ-100","components":[{"item":"CZ-100","quantity":1}]}"#),
                (
                    "defineRouting",
                    #"{"id":"RT-HZ-100","item":"HZ-100","operations":[{"sequence":10,"name":"Mill","workCenters":[{"workCenter":"WC-MILL-1","setupMinutes":10,"runMinutesPerUnit":5}]}]}"#
                ),
                (
                    "expectReceipt",
                    #"{"item":"CZ-100","quantity":5,"expectedDate":"\#(isoString(Self.now.addingTimeInterval(86_400)))","supplier":"Giesserei Sauerland GmbH","reference":"4500-Z"}"#
                ),
                (
                    "createProductionOrder",
                    #"{"id":"PO-HZ-1","item":"HZ-100","quantity":20,"dueDate":"\#(isoString(Self.now.addingTimeInterval(6 * 86_400)))"}"#
                ),
            ] {
                try await truthCommand(s, admin, type, data)
            }
            let source = try await sc.submit(
                "/api/v1/commands",
                as: "planner",
                body: #"{"type":"checkMaterial","data":{"items":["CZ-100"]}}"#,
                status: 201
            )
            let shortage = try #require(await s.engine.read { $0.shortages["CZ-100"] }, "CZ-100 runs short")
            #expect(shortage.from > Self.now.addingTimeInterval(86_400), "the shortage starts after the receipt")
            let e = try await sc.exception(kind: "shortage-projected", after: source)
            #expect(e["subject"] as? String == "shortage-projected")
            let whole = try #require(e["disruption"] as? [String: Any])
            let parts = whole["parts"] as? [[String: Any]] ?? [whole]
            let d = try #require(parts.first { $0["item"] as? String == "CZ-100" }, "CZ-100 is one of the shortages: \(e["title"] ?? "")")
            let (from, until) = (try #require((d["from"] as? String).flatMap(iso)), try #require((d["until"] as? String).flatMap(iso)))
            #expect(until > from, "its end comes after its start: \(d)")
            #expect(await sc.orchestrator.statistics.assessmentFailures == 0)
        }
    }

    // MARK: 10. An exception's numbers agree with each other

    @Test(
        "A slowdown's exception three hours after the schedule was published: moved operations in the figures match the list, overtime says scheduled and worked, every action takes lateness away, costs add up in points"
    )
    func numbersAgree() async throws {
        let clock = TestClock(Self.now)
        try await DemoScenario.run(seed: Self.seed, clock: clock) { sc in
            let s = sc.s
            // Time passes after the publish: work published to start by now and not started has moved on its own, which the
            // exception's baseline already knows (only what the slowdown moves is counted as moved).
            clock.advance(minutes: 180)
            let wc = try #require(await s.engine.read { $0.publishedSchedule?.busiestWorkCenter(from: clock.now, hours: 8) })
            let source = try await sc.submit(
                "/api/v1/work-centers/\(wc)/machine-state",
                as: "supervisor",
                body:
                    #"{"state":"slow","reason":"worn tool","actualRate":25,"idealRate":100,"expectedUntil":"\#(isoString(clock.now.addingTimeInterval(36 * 3600)))"}"#
            )
            let e = try await sc.exception(kind: "machine-slow", after: source)
            let impact = try #require(e["impact"] as? [String: Any])
            let predicted = try #require(impact["predicted"] as? [String: Any])
            let moved = try #require(predicted["movedOperations"] as? Int)
            let listed = (impact["operations"] as? [[String: Any]] ?? []).count
            #expect(
                listed == min(moved, 50),
                "the figure counts what the list shows (the 50 that move most; a slowdown names no operation): \(moved) vs \(listed)"
            )
            #expect((impact["baseline"] as? [String: Any])?["movedOperations"] as? Int == 0, "the plan as it stands moves nothing")
            let p = try KPIs(impact["predicted"])
            for action in e["actions"] as? [[String: Any]] ?? [] {
                let title = action["title"] as? String ?? ""
                let effect = action["effect"] as? String ?? ""
                #expect(
                    try KPIs(action["predicted"]).lateness < p.lateness || (try KPIs(action["predicted"])).lateCustomerLines < p.lateCustomerLines,
                    "\(title) takes lateness away"
                )
                let terms = action["costTerms"] as? [[String: Any]] ?? []
                let sum = terms.reduce(0.0) { $0 + ($1["cost"] as? Double ?? 0) }
                #expect(abs(sum - (action["cost"] as? Double ?? -1)) < 0.01, "\(title): terms add up to the cost")
                #expect((action["rationale"] as? String ?? "").contains("points"), "costs carry their unit: \(action["rationale"] ?? "")")
                if title.contains("overtime") {
                    #expect(title.hasPrefix("Schedule "), "\(title)")
                    #expect(effect.contains("overtime worked") && effect.contains("scheduled"), "\(effect)")
                }
            }
            let functions = Set(e["functions"] as? [String] ?? [])
            #expect(functions.contains("production"))
            if (impact["stagingTasks"] as? [Any] ?? []).isEmpty { #expect(!functions.contains("warehouse"), "\(functions)") }
            if (impact["checksDue"] as? [Any] ?? []).isEmpty { #expect(!functions.contains("quality"), "\(functions)") }
        }
    }
}

// MARK: - Helpers

/// Submits `{"type": type, "data": data}` as `token` and expects it accepted.
@discardableResult
func truthCommand(
    _ s: TestServer,
    _ token: String,
    _ type: String,
    _ data: String,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> TestServer.Reply {
    let reply = try await s.send(.POST, "/api/v1/commands", token: token, body: #"{"type":"\#(type)","data":\#(data)}"#)
    #expect((200..<300).contains(reply.status), "\(type): \(reply.status) \(reply.text)", sourceLocation: sourceLocation)
    return reply
}

@discardableResult
func expectOK(_ r: TestServer.Reply, sourceLocation: SourceLocation = #_sourceLocation) throws -> TestServer.Reply {
    #expect((200..<300).contains(r.status), "\(r.status): \(r.text)", sourceLocation: sourceLocation)
    return r
}

/// Starts an operation as `token`'s user; every interlock it refuses is overridden by the admin (with a reason) first.
func startOverriding(_ s: TestServer, order: String, sequence: Int, as token: String) async throws {
    let path = "/api/v1/production-orders/\(order)/operations/\(sequence)"
    for _ in 0..<4 {
        let reply = try await s.send(.POST, path + "/start", token: token)
        if (200..<300).contains(reply.status) { return }
        let rules = ((try? reply.json())?["errors"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        let overridable = rules.filter { Interlock(rawValue: $0) != nil }
        try #require(!overridable.isEmpty, "start refused: \(reply.text)")
        for rule in Set(overridable) {
            try expectOK(try await s.send(.POST, path + "/overrides", body: #"{"interlock":"\#(rule)","reason":"test set-up"}"#))
        }
    }
    Issue.record("\(order) op \(sequence) did not start")
}

/// Starts an operation on a given work center as the system, overriding what it refuses (set-up only).
func startAsSystem(_ s: TestServer, order: ProductionOrder.ID, sequence: Int, on wc: WorkCenter.ID) async throws {
    for _ in 0..<4 {
        do {
            _ = try await s.engine.submit(
                CommandEnvelope(command: .startOperation(StartOperation(productionOrder: order, operation: sequence, workCenter: wc)), actor: .system)
            )
            return
        } catch let error as DomainError {
            let interlocks = error.violations.compactMap { Interlock(rawValue: $0.rule) }
            try #require(!interlocks.isEmpty, "start refused: \(error)")
            for interlock in Set(interlocks) {
                _ = try await s.engine.submit(
                    CommandEnvelope(
                        command: .overrideInterlock(
                            OverrideInterlock(
                                productionOrder: order,
                                operation: sequence,
                                interlock: interlock,
                                reason: "test set-up"
                            )
                        ),
                        actor: .system
                    )
                )
            }
        }
    }
    Issue.record("\(order) op \(sequence) did not start on \(wc)")
}

// MARK: 7. No alarm flood, the urgent first

@Suite("One cause, one exception; the urgent first", .serialized)
struct AlarmFloodTests {
    @Test(
        "A schedule publish that projects shortages of many items gives one shortage exception (updated, never duplicated), assessed once per command; a machine going down at the same moment is handled by the urgent lane"
    )
    func onePublishOneException() async throws {
        try await DemoScenario.run(orchestrate: false, seed: TruthScenarioTests.seed) { sc in
            let s = sc.s
            let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
            let lanes = Orchestrator.lanes(engine: s.engine, logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in lanes { group.addTask { await lane.run() } }
                defer { group.cancelAll() }
                for lane in lanes { #expect(await lane.waitUntilIdle(timeout: .seconds(60))) }
                let (urgent, routine) = (lanes[0], lanes[1])
                #expect(urgent.lane == .urgent && routine.lane == .routine)

                // Three big orders the stock cannot cover (each needs purchased parts far beyond what is in stock and on order),
                // then the planner publishes again: the warehouse projects a shortage per purchased part, in one command.
                let big = await s.engine.read { state in
                    state.items.values.filter { item in
                        item.kind == .semiFinished && state.routings.values.contains { $0.item == item.id }
                            && (state.bom(of: item.id)?.components.contains { state.items[$0.item]?.kind == .purchased } ?? false)
                    }.map(\.id).sorted().prefix(3)
                }
                try #require(big.count == 3)
                for (k, item) in big.enumerated() {
                    try await sc.submit(
                        "/api/v1/production-orders",
                        as: "planner",
                        body:
                            #"{"id":"PO-FLOOD-\#(k)","item":"\#(item)","quantity":400,"dueDate":"\#(isoString(DemoScenario.morning.addingTimeInterval(10 * 86_400)))"}"#,
                        status: 201
                    )
                }
                let before = await s.engine.committedSequence
                let run = try await s.send(.POST, "/api/v1/schedule/runs", token: try sc.token("planner"), body: #"{"iterations":200,"seed":11}"#)
                #expect(run.status == 201, "\(run.text)")
                let published = try await s.engine.events(after: before, limit: 10_000)
                let projected = published.filter { $0.type == "shortageProjected" }
                try #require(projected.count >= 2, "the publish projects several shortages (\(projected.count))")
                // At the same moment a machine goes down.
                let wc = try #require(await s.engine.read { $0.publishedSchedule?.busiestWorkCenter(from: DemoScenario.morning, hours: 8) })
                let down = try await sc.submit(
                    "/api/v1/work-centers/\(wc)/machine-state",
                    as: "supervisor",
                    body: #"{"state":"down","reason":"hydraulic leak"}"#
                )

                let e = try await sc.exception(kind: "machine-down", after: down)
                #expect(e["subject"] as? String == "machine-down:\(wc)")
                for lane in lanes { #expect(await lane.waitUntilIdle(timeout: .seconds(120))) }

                let exceptions = await s.engine.read { $0.exceptions.values.filter { $0.kind == .shortageProjected } }
                #expect(exceptions.count == 1, "one exception for the shortages: \(exceptions.map(\.id))")
                let shortage = try #require(exceptions.first)
                #expect(
                    shortage.disruption.components.count == projected.count || shortage.disruption.components.count >= projected.count,
                    "every projected item is one part: \(shortage.disruption.components.compactMap(\.item))"
                )
                let writes = try await s.engine.events(after: before, limit: 100_000).filter {
                    $0.type == "exceptionRaised" || $0.type == "exceptionUpdated"
                }
                let forShortages = writes.filter { (try? TaktJSON.decoder.decode(PlantException.self, from: $0.payload))?.kind == .shortageProjected }
                #expect(forShortages.count == 1, "the publish's \(projected.count) events were assessed once: \(forShortages.map(\.type))")
                let (u, r) = (await urgent.statistics, await routine.statistics)
                #expect(r.coalesced == projected.count - 1, "\(r)")
                #expect(u.exceptionsRaised >= 1 && r.exceptionsRaised <= 1, "urgent \(u), routine \(r)")

                // A later projection of the same shortages updates the open exception in place.
                let again = try await s.send(.POST, "/api/v1/schedule/runs", token: try sc.token("planner"), body: #"{"iterations":200,"seed":12}"#)
                #expect(again.status == 201)
                for lane in lanes { #expect(await lane.waitUntilIdle(timeout: .seconds(120))) }
                let after = await s.engine.read { $0.exceptions.values.filter { $0.kind == .shortageProjected } }
                #expect(after.count == 1 && after.first?.id == shortage.id, "updated, not duplicated: \(after.map(\.id))")
            }
        }
    }
}
