import Foundation
import TaktCore
import Testing

/// The test clock: midnight UTC, 24 November 2026.
let testNow = TaktJSON.parseDate("2026-11-24T00:00:00Z") ?? Date(timeIntervalSince1970: 0)

/// `days` after ``testNow``.
func day(_ days: Double) -> Date { testNow.addingTimeInterval(days * 86_400) }

/// A plant state driven the way the engine drives it: decide, then apply each event with an increasing sequence.
struct TestPlant {
    var state = PlantState()

    /// Decides and applies `command`; a rejection is recorded as a test failure.
    @discardableResult
    mutating func accept(_ command: Command, sourceLocation: SourceLocation = #_sourceLocation) -> [Event] {
        do {
            let events = try state.decide(command, actor: nil, now: testNow)
            for event in events { state.apply(event, sequence: state.sequence + 1) }
            return events
        } catch {
            Issue.record("\(command.typeName) was rejected: \(error)", sourceLocation: sourceLocation)
            return []
        }
    }

    /// The error `command` is rejected with, or nil when it is accepted (nothing is applied either way).
    func rejection(of command: Command) -> DomainError? {
        do {
            _ = try state.decide(command, actor: nil, now: testNow)
            return nil
        } catch {
            return error
        }
    }

    /// Expects `command` to be rejected with `kind`, naming `field` and `rule`; returns that violation.
    @discardableResult
    func expectRejected(
        _ command: Command,
        _ kind: DomainError.Kind,
        field: String,
        rule: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Violation? {
        guard let error = rejection(of: command) else {
            Issue.record("\(command.typeName) was accepted, expected \(field) [\(rule)]", sourceLocation: sourceLocation)
            return nil
        }
        #expect(error.kind == kind, "kind of \(error)", sourceLocation: sourceLocation)
        let violation = error.violations.first { $0.field == field && $0.rule == rule }
        #expect(violation != nil, "expected \(field) [\(rule)] in \(error)", sourceLocation: sourceLocation)
        return violation
    }

    /// A small pump shop: one site, a lathe and an assembly line, a pump made from a machined housing made from
    /// a purchased casting, one routing each, a store and a quarantine cage, one customer.
    static func pumpShop() -> TestPlant {
        var plant = TestPlant()
        let shift = Shift(name: "Early", days: [.monday, .tuesday, .wednesday, .thursday, .friday], start: "06:00", end: "14:00")
        plant.accept(.defineSite(Site(id: "PLANT-1", name: "Pump plant", timeZone: "Europe/Berlin")))
        plant.accept(.defineSkill(Skill(id: "assembly", name: "Pump assembly")))
        plant.accept(.defineWorkCenter(WorkCenter(id: "WC-LATHE-1", name: "CNC lathe 1", site: "PLANT-1", kind: .machining, shifts: [shift])))
        plant.accept(.defineWorkCenter(WorkCenter(id: "WC-ASSY-1", name: "Assembly line 1", site: "PLANT-1", kind: .assembly, shifts: [shift])))
        plant.accept(.defineLocation(Location(id: "LOC-STORE", name: "Main store", site: "PLANT-1", kind: .store)))
        plant.accept(.defineLocation(Location(id: "LOC-QUARANTINE", name: "Quarantine", site: "PLANT-1", kind: .quarantine)))
        plant.accept(.defineItem(Item(id: "PUMP", name: "Pump 50-200", kind: .finished)))
        plant.accept(.defineItem(Item(id: "HOUSING", name: "Machined housing 50-200", kind: .semiFinished)))
        plant.accept(.defineItem(Item(id: "CASTING", name: "Housing casting 50-200", kind: .purchased)))
        plant.accept(.defineBOM(BOM(id: "BOM-PUMP", item: "PUMP", components: [.init(item: "HOUSING", quantity: 1)])))
        plant.accept(.defineBOM(BOM(id: "BOM-HOUSING", item: "HOUSING", components: [.init(item: "CASTING", quantity: 1)])))
        plant.accept(.defineRouting(routing("RT-PUMP", item: "PUMP", on: "WC-ASSY-1")))
        plant.accept(.defineRouting(routing("RT-HOUSING", item: "HOUSING", on: "WC-LATHE-1")))
        plant.accept(.defineCustomer(Customer(id: "CUST-1", name: "Stadtwerke Nordhafen", priority: 2)))
        return plant
    }

    /// A one-operation routing of `item` on `workCenter`.
    static func routing(_ id: Routing.ID, item: Item.ID, on workCenter: WorkCenter.ID) -> Routing {
        Routing(
            id: id,
            item: item,
            operations: [
                RoutingOperation(sequence: 10, name: "Work", workCenters: [.init(workCenter: workCenter, setupMinutes: 10, runMinutesPerUnit: 5)])
            ]
        )
    }

    /// A command creating production order `id` of `quantity` pumps.
    static func pumpOrder(_ id: ProductionOrder.ID? = nil, quantity: Double = 4) -> Command {
        .createProductionOrder(NewProductionOrder(id: id, item: "PUMP", quantity: quantity, dueDate: day(10)))
    }

    /// A command receiving `quantity` housing castings as lot `id`.
    static func castingLot(_ id: Lot.ID, quantity: Double = 20, supplierLot: String? = "GS-2611-0042") -> Command {
        .createLot(
            NewLot(id: id, item: "CASTING", quantity: quantity, location: "LOC-STORE", supplierLot: supplierLot, supplier: "Giesserei Sauerland")
        )
    }
}
