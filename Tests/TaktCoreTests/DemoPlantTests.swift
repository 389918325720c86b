import Foundation
import TaktCore
import TaktDemo
import Testing

@Suite("Demo plant")
struct DemoPlantTests {
    /// The demo plant built through decide and apply, with every rejection it met.
    struct Built {
        var state = PlantState()
        var rejections: [String] = []
    }

    static func build(seed: UInt64 = 42, scale: Int) -> Built {
        var built = Built()
        for (index, command) in DemoPlant.commands(seed: seed, scale: scale, start: testNow).enumerated() {
            do {
                for event in try built.state.decide(command, actor: nil, now: testNow) {
                    built.state.apply(event, sequence: built.state.sequence + 1)
                }
            } catch {
                built.rejections.append("#\(index) \(command.typeName): \(error)")
            }
        }
        return built
    }

    static let one = build(scale: 1)
    static let three = build(scale: 3)

    static func counts(_ s: PlantState) -> [String: Int] {
        [
            "work centers": s.workCenters.count, "items": s.items.count, "production orders": s.productionOrders.count,
            "sales orders": s.salesOrders.count,
        ]
    }

    @Test("Every command of the demo plant is accepted", arguments: [1, 3])
    func everyCommandAccepted(scale: Int) {
        let built = scale == 1 ? Self.one : Self.three
        #expect(built.rejections.isEmpty, "\(built.rejections.prefix(5))")
        #expect(built.state.sequence > 0)
    }

    @Test("The same seed gives the same plant; another seed another plant")
    func deterministic() {
        let a = DemoPlant.commands(seed: 7, scale: 2, start: testNow)
        #expect(a == DemoPlant.commands(seed: 7, scale: 2, start: testNow))
        #expect(a != DemoPlant.commands(seed: 8, scale: 2, start: testNow))
    }

    @Test("Scale 1 has about 12 work centers, 40 items, 60 production orders and 25 sales orders")
    func scaleOneCounts() {
        let targets = ["work centers": 12, "items": 40, "production orders": 60, "sales orders": 25]
        for (name, count) in Self.counts(Self.one.state) {
            let target = Double(targets[name] ?? 0)
            #expect(Double(count) >= target * 0.75 && Double(count) <= target * 1.25, "\(name): \(count), target \(target)")
        }
    }

    @Test("Scale 3 has about three times as much of everything")
    func scaleThreeTriples() {
        let one = Self.counts(Self.one.state)
        let three = Self.counts(Self.three.state)
        for (name, count) in three {
            let ratio = Double(count) / Double(one[name] ?? 1)
            #expect(ratio >= 2.5 && ratio <= 3.5, "\(name): \(one[name] ?? 0) → \(count)")
        }
        #expect(Self.three.state.customers.count > Self.one.state.customers.count * 2)
        #expect(Self.three.state.lots.count > Self.one.state.lots.count * 2)
    }

    @Test("Bills of materials go at least three levels deep")
    func bomDepth() {
        let state = Self.one.state
        let byItem = Dictionary(state.boms.values.map { ($0.item, $0) }, uniquingKeysWith: { a, _ in a })
        func depth(_ item: Item.ID) -> Int {
            guard let bom = byItem[item] else { return 0 }
            return 1 + (bom.components.map { depth($0.item) }.max() ?? 0)
        }
        #expect(state.items.keys.map(depth).max() ?? 0 >= 3)
        #expect(state.boms.values.contains { $0.components.contains { !$0.substitutes.isEmpty } }, "some approved substitutes")
    }

    @Test("Every routing operation has an eligible work center that exists, and every made item has a routing")
    func routingsComplete() {
        let state = Self.three.state
        for routing in state.routings.values {
            for op in routing.operations {
                #expect(!op.workCenters.isEmpty, "\(routing.id) op \(op.sequence)")
                #expect(op.workCenters.allSatisfy { state.workCenters[$0.workCenter] != nil }, "\(routing.id) op \(op.sequence)")
            }
        }
        let routed = Set(state.routings.values.map(\.item))
        for item in state.items.values where item.kind != .purchased {
            #expect(routed.contains(item.id), "\(item.id) has no routing")
        }
    }

    @Test("Routings have alternatives, setup families, a transfer batch, skills and work instructions")
    func routingRichness() {
        let ops = Self.one.state.routings.values.flatMap(\.operations)
        #expect(ops.contains { $0.workCenters.count > 1 && Set($0.workCenters.map(\.runMinutesPerUnit)).count > 1 })
        #expect(Set(ops.compactMap(\.setupFamily)).isSuperset(of: ["small-housing", "large-housing"]))
        #expect(ops.contains { $0.transferBatch != nil })
        let skills = Set(ops.compactMap(\.requiredSkill))
        #expect(skills.isSuperset(of: ["cnc-turning", "welding", "painting", "assembly", "testing"]))
        #expect(ops.contains { $0.workInstruction == "WI-ASSY-100" })
        #expect(Self.one.state.workInstructions["WI-ASSY-100"]?.revision == "C")
    }

    @Test("Production orders are in a realistic mix of statuses, pegged where they serve a customer")
    func statusMix() {
        let orders = Array(Self.one.state.productionOrders.values)
        func count(_ status: ProductionOrderStatus) -> Int { orders.filter { $0.status == status }.count }
        #expect(count(.planned) + count(.released) > orders.count / 2)
        #expect(count(.inProgress) >= 3)
        #expect(count(.completed) >= 2)
        #expect(count(.cancelled) == 1)
        #expect(orders.contains { $0.pegging != nil })
        #expect(orders.contains { Self.one.state.items[$0.item]?.kind == .semiFinished })
    }

    @Test("The plant has two shifts, one planned downtime next week, and a site in Berlin time")
    func calendar() {
        let state = Self.one.state
        #expect(state.sites[DemoPlant.site]?.timeZone == "Europe/Berlin")
        #expect(state.workCenters.values.allSatisfy { $0.shifts.map(\.start) == ["06:00", "14:00"] })
        let downtimes = state.workCenters.values.flatMap(\.plannedDowntime)
        #expect(downtimes.count == 1)
        #expect(downtimes.allSatisfy { $0.start > testNow && $0.end < day(9) })
    }

    @Test("Sales orders ask for dates two to four weeks out, some promised")
    func salesDates() {
        let lines = Self.one.state.salesOrders.values.flatMap(\.lines)
        #expect(lines.allSatisfy { $0.requestedDate >= day(7) && $0.requestedDate <= day(29) })
        #expect(lines.contains { $0.promisedDate != nil })
        #expect(lines.contains { $0.promisedDate == nil })
    }

    @Test("Stock includes supplier lots, quarantined and held lots, and lots of made items")
    func stock() {
        let lots = Array(Self.one.state.lots.values)
        #expect(lots.contains { $0.status == .quarantine && $0.location == "LOC-QUARANTINE" })
        #expect(lots.contains { $0.status == .onHold })
        #expect(lots.filter { $0.supplierLot != nil }.allSatisfy { $0.supplier != nil })
        #expect(lots.contains { $0.productionOrder != nil })
        let kinds = Set(Self.one.state.locations.values.map(\.kind))
        #expect(kinds == Set(LocationKind.allCases))
    }

    @Test("Every role has a user, but the admin is left to the server; certifications expire")
    func people() {
        let users = Array(Self.one.state.users.values)
        #expect(Self.one.state.users["admin"] == nil)
        for role in Role.allCases where role != .admin {
            #expect(users.contains { $0.has(role) }, "no \(role.rawValue)")
        }
        let certifications = users.flatMap(\.certifications)
        #expect(certifications.contains { ($0.validUntil ?? .distantFuture) < testNow }, "one expired")
        #expect(certifications.contains { $0.validUntil.map { $0 > testNow && $0 < day(30) } ?? false }, "one expiring soon")
    }
}
