import Foundation
import TaktCore
import TaktDemo
import Testing

@testable import TaktOrchestration

@Suite("Playbooks: conditions and definitions")
struct PlaybookTests {
    /// A document like the ones triggers build: payload fields and a context.
    static let document: JSONValue = .object([
        "state": .string("slow"),
        "actualRate": .number(30),
        "idealRate": .number(50),
        "at": .string("2026-11-24T09:00:00Z"),
        "reason": .string("worn tool on spindle 2"),
        "lots": .array([.string("LOT-000026"), .string("LOT-000027")]),
        "shortage": .object(["shortBy": .number(12.5), "item": .string("CH-A-50")]),
        "note": .null,
        "context": .object(["itemKind": .string("semi-finished"), "priority": .number(1), "customerLate": .bool(true)]),
    ])

    static func holds(_ field: String, _ op: PlaybookCondition.Operator, _ value: JSONValue? = nil) -> Bool {
        PlaybookConditions.holds(PlaybookCondition(field: field, op: op, value: value), in: document)
    }

    @Test("eq and ne compare strings, numbers (numerically) and booleans; dotted paths reach nested fields")
    func equality() {
        #expect(Self.holds("state", .eq, .string("slow")))
        #expect(!Self.holds("state", .eq, .string("down")))
        #expect(Self.holds("state", .ne, .string("down")))
        #expect(!Self.holds("state", .ne, .string("slow")))
        #expect(Self.holds("actualRate", .eq, .number(30.0)))
        #expect(!Self.holds("actualRate", .eq, .string("30")), "a number is not a string")
        #expect(Self.holds("context.itemKind", .eq, .string("semi-finished")))
        #expect(Self.holds("context.customerLate", .eq, .bool(true)))
        #expect(Self.holds("shortage.shortBy", .eq, .number(12.5)))
        #expect(Self.holds("lots.1", .eq, .string("LOT-000027")), "a numeric segment indexes an array")
    }

    @Test("gt, gte, lt and lte order numbers numerically and ISO dates lexically; mixed types are false")
    func ordering() {
        #expect(Self.holds("shortage.shortBy", .gt, .number(12)))
        #expect(!Self.holds("shortage.shortBy", .gt, .number(12.5)))
        #expect(Self.holds("shortage.shortBy", .gte, .number(12.5)))
        #expect(Self.holds("actualRate", .lt, .number(100)), "numerically: 30 < 100, though \"30\" > \"100\" as text")
        #expect(!Self.holds("actualRate", .lt, .number(30)))
        #expect(Self.holds("actualRate", .lte, .number(30)))
        #expect(Self.holds("at", .gt, .string("2026-11-24T08:59:59Z")))
        #expect(Self.holds("at", .lt, .string("2026-11-25")))
        #expect(!Self.holds("at", .gt, .number(0)), "a date string does not compare with a number")
        #expect(!Self.holds("state", .gt, .number(1)))
    }

    @Test("in needs the field among the values; contains finds a substring or an array element")
    func membership() {
        #expect(Self.holds("state", .in, .array([.string("down"), .string("slow")])))
        #expect(!Self.holds("state", .in, .array([.string("down"), .string("idle")])))
        #expect(Self.holds("context.priority", .in, .array([.number(1), .number(2)])))
        #expect(!Self.holds("state", .in, .string("slow")), "in with a non-array value never holds")
        #expect(Self.holds("reason", .contains, .string("worn tool")))
        #expect(!Self.holds("reason", .contains, .string("broken")))
        #expect(Self.holds("lots", .contains, .string("LOT-000026")))
        #expect(!Self.holds("lots", .contains, .string("LOT-000099")))
        #expect(!Self.holds("actualRate", .contains, .number(3)), "contains on a number is false")
    }

    @Test("A missing field makes every operator false except exists; null counts as missing; exists false asks for absence")
    func missingFields() {
        for op in PlaybookCondition.Operator.allCases where op != .exists {
            let value: JSONValue = op == .in ? .array([.string("x")]) : .string("x")
            #expect(!Self.holds("nowhere", op, value), "\(op)")
            #expect(!Self.holds("context.nowhere", op, value), "\(op)")
            #expect(!Self.holds("state.deeper", op, value), "\(op) on a path through a string")
        }
        #expect(!Self.holds("nowhere", .ne, .string("slow")), "ne on a missing field is false, not true")
        #expect(Self.holds("state", .exists))
        #expect(Self.holds("context.itemKind", .exists))
        #expect(!Self.holds("nowhere", .exists))
        #expect(!Self.holds("note", .exists), "null is missing")
        #expect(Self.holds("nowhere", .exists, .bool(false)))
        #expect(!Self.holds("state", .exists, .bool(false)))
    }

    @Test("All conditions must hold; none always holds")
    func allMustHold() {
        let slow = PlaybookCondition(field: "state", op: .eq, value: .string("slow"))
        let urgent = PlaybookCondition(field: "context.priority", op: .lte, value: .number(2))
        let down = PlaybookCondition(field: "state", op: .eq, value: .string("down"))
        #expect(PlaybookConditions.holds([], in: Self.document))
        #expect(PlaybookConditions.holds([slow, urgent], in: Self.document))
        #expect(!PlaybookConditions.holds([slow, urgent, down], in: Self.document))
    }

    @Test("The document is the event's payload as Takt writes it, plus the context")
    func documentOfEvent() {
        let at = TaktJSON.parseDate("2026-11-24T09:00:00Z")!
        let event = Event.machineStateChanged(MachineStateChange(workCenter: "MILL-1", state: .slow, at: at, actualRate: 30, idealRate: 50))
        let doc = PlaybookConditions.document(for: event, context: ["rateFactor": .number(0.6)])
        #expect(PlaybookConditions.value(at: "workCenter", in: doc) == .string("MILL-1"))
        #expect(PlaybookConditions.value(at: "state", in: doc) == .string("slow"))
        #expect(PlaybookConditions.value(at: "at", in: doc) == .string("2026-11-24T09:00:00Z"))
        #expect(PlaybookConditions.value(at: "idealRate", in: doc) == .number(50))
        #expect(PlaybookConditions.value(at: "reason", in: doc) == nil)
        #expect(PlaybookConditions.value(at: "context.rateFactor", in: doc) == .number(0.6))
    }

    @Test("Every demo playbook is accepted by the plant, versions go up by one on each definition")
    func demoPlaybooksAccepted() throws {
        var state = PlantState()
        let now = TriggerFixture.now
        for playbook in DemoPlaybooks.all {
            let events = try state.decide(.definePlaybook(playbook), actor: "admin", now: now)
            #expect(events == [.playbookDefined(playbook)], "\(playbook.id)")
            for event in events { state.apply(event, sequence: state.sequence + 1) }
        }
        #expect(state.playbooks.count == DemoPlaybooks.all.count)
        var slow = try #require(state.playbooks["PB-MACHINE-SLOW"])
        slow.assumedDurationMinutes = 240
        slow.version = 99
        for expected in [2, 3] {
            let events = try state.decide(.definePlaybook(slow), actor: "admin", now: now)
            guard case .playbookDefined(let defined)? = events.first else {
                Issue.record("no playbookDefined")
                return
            }
            #expect(defined.version == expected)
            for event in events { state.apply(event, sequence: state.sequence + 1) }
        }
        #expect(state.playbooks["PB-MACHINE-SLOW"]?.assumedDurationMinutes == 240)
    }

    @Test("The demo playbooks cover the classic disruptions and the other events, with distinct IDs, a condition where needed, and actions")
    func demoPlaybookContents() throws {
        let all = DemoPlaybooks.all
        #expect(Set(all.map(\.id)).count == all.count)
        let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
        let expected: [(Playbook.ID, String, DisruptionKind)] = [
            ("PB-COMPONENT-LATE", "operationDelayReported", .operationLate), ("PB-MATERIAL-MISSING", "materialMissing", .materialMissing),
            ("PB-MACHINE-SLOW", "machineStateChanged", .machineSlow), ("PB-SUPPLIER-LOT-HOLD", "holdPlaced", .qualityHold),
            ("PB-PROMISE-CAPACITY", "salesOrderLinePromised", .promiseNotFeasible), ("PB-RUSH-ORDER", "salesOrderCreated", .rushOrder),
            ("PB-MACHINE-DOWN", "machineStateChanged", .machineDown), ("PB-SCRAP", "quantityReported", .scrapBeyondPlan),
            ("PB-SHORTAGE", "shortageProjected", .shortageProjected), ("PB-SUPPLIER-LATE", "receiptExpected", .supplierReceiptLate),
            ("PB-SALES-ORDER-CANCELLED", "salesOrderCancelled", .salesOrderChanged), ("PB-OPERATION-LATE", "operationDelayReported", .operationLate),
        ]
        for (id, event, kind) in expected {
            let p = try #require(byID[id], "\(id)")
            #expect(p.event == event && p.exceptionKind == kind, "\(id)")
            #expect(!p.actions.isEmpty && !p.notify.isEmpty && !p.functions.isEmpty && p.description != nil, "\(id)")
        }
        #expect(byID["PB-COMPONENT-LATE"]?.notify == [.planner, .supervisor, .sales])
        #expect(byID["PB-MATERIAL-MISSING"]?.actions == [.pickAnotherLot, .substituteMaterial, .expeditePurchase, .resequence, .repromise])
        #expect(byID["PB-SUPPLIER-LOT-HOLD"]?.actions == [.reinspectAndRelease, .pickAnotherLot, .substituteMaterial, .remake, .repromise])
        #expect(
            byID["PB-SUPPLIER-LOT-HOLD"]?.conditions == [
                PlaybookCondition(field: "kind", op: .eq, value: .string(HoldTargetKind.supplierLot.rawValue))
            ]
        )
        #expect(byID["PB-PROMISE-CAPACITY"]?.actions == [.resequence, .addOvertime, .repromise])
        #expect(byID["PB-MACHINE-SLOW"]?.actions == [.moveToAlternativeWorkCenter, .addOvertime, .resequence, .repromise])
        // Playbooks share an event only where their conditions keep them apart (machine states, delays, verified documents).
        #expect(Set(all.map(\.event)).count == all.count - 3)
    }

    @Test("A playbook round-trips through JSON as documented")
    func jsonRoundTrip() throws {
        let slow = try #require(DemoPlaybooks.all.first { $0.id == "PB-MACHINE-SLOW" })
        let data = try TaktJSON.encoder.encode(slow)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains(#""exceptionKind":"machine-slow""#))
        #expect(text.contains(#"{"field":"state","op":"eq","value":"slow"}"#))
        #expect(try TaktJSON.decoder.decode(Playbook.self, from: data) == slow)
    }

    @Test(
        "Invalid playbooks are refused by the plant with the field named",
        arguments: [
            ("event", "unknown-event"), ("id", "code-format"), ("name", "required"), ("conditions[0].value", "array"),
            ("conditions[0].value", "required"), ("conditions[0].field", "required"), ("automatic", "subset"), ("actions", "unique"),
            ("assumedDurationMinutes", "range"),
        ]
    )
    func invalidRefused(field: String, rule: String) throws {
        var p = try #require(DemoPlaybooks.all.first { $0.id == "PB-MACHINE-SLOW" })
        switch (field, rule) {
        case ("event", _): p.event = "machineBroke"
        case ("id", _): p.id = "PB MACHINE SLOW"
        case ("name", _): p.name = "  "
        case ("conditions[0].value", "array"): p.conditions = [PlaybookCondition(field: "state", op: .in, value: .string("slow"))]
        case ("conditions[0].value", _): p.conditions = [PlaybookCondition(field: "state", op: .eq)]
        case ("conditions[0].field", _): p.conditions = [PlaybookCondition(field: "", op: .exists)]
        case ("automatic", _): p.automatic = [.pickAnotherLot]
        case ("actions", _): p.actions = [.resequence, .resequence]
        default: p.assumedDurationMinutes = 0
        }
        do {
            _ = try PlantState().decide(.definePlaybook(p), actor: "admin", now: TriggerFixture.now)
            Issue.record("\(field) \(rule) was accepted")
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.violations.contains { $0.field == field && $0.rule == rule }, "\(error)")
        }
    }

    @Test("The first matching playbook by ID wins")
    func firstByID() throws {
        var state = TriggerFixture.demo
        let wc = try #require(state.workCenters.keys.sorted().first)
        var early = try #require(state.playbooks["PB-MACHINE-SLOW"])
        early.id = "PB-A-SLOW"
        early.conditions.append(PlaybookCondition(field: "context.rateFactor", op: .lt, value: .number(0.5)))
        _ = try TriggerFixture.record(.definePlaybook(early), on: &state)
        // 30/50 = 0.6 is not below 0.5: the early playbook's condition fails, the demo one fires.
        var copy = state
        let mild = try #require(
            try TriggerFixture.trigger(
                .setMachineState(SetMachineState(workCenter: wc, state: .slow, actualRate: 30, idealRate: 50)),
                type: "machineStateChanged",
                on: &copy
            )
        )
        #expect(mild.playbook.id == "PB-MACHINE-SLOW")
        let severe = try #require(
            try TriggerFixture.trigger(
                .setMachineState(SetMachineState(workCenter: wc, state: .slow, actualRate: 20, idealRate: 50)),
                type: "machineStateChanged",
                on: &state
            )
        )
        #expect(severe.playbook.id == "PB-A-SLOW")
        #expect(abs((severe.disruption.rateFactor ?? 0) - 0.4) < 1e-9)
    }
}
