import Foundation
import TaktCore
import TaktPlanning

/// Reading the plant for the analysis: bills of materials, open requirements, the published schedule, the material a
/// disruption makes unusable and who it stops, and numbers written for people.
enum Analysis {
    static func publishedSteps(_ state: PlantState) -> [OpKey: ScheduledStep] {
        var out: [OpKey: ScheduledStep] = [:]
        for step in state.publishedSchedule?.steps ?? [] where out[OpKey(order: step.productionOrder, sequence: step.sequence)] == nil {
            out[OpKey(order: step.productionOrder, sequence: step.sequence)] = step
        }
        return out
    }

    static func isOpen(_ po: ProductionOrder) -> Bool { [.planned, .released, .inProgress].contains(po.status) }

    /// The component a lot serves in an order's bill of materials (planning's rule, ``PlantState/component(for:of:)``).
    static func component(for item: Item.ID, of order: ProductionOrder, state: PlantState) -> BOMComponent? {
        state.component(for: item, of: order)
    }

    /// The lots a material disruption names that are still unusable.
    static func badLots(_ d: Disruption, state: PlantState) -> Set<Lot.ID> { state.badLots(d) }

    /// The operations a material disruption stops (planning's rule, ``PlantState/materialAffected(_:)``).
    static func materialAffected(_ d: Disruption, state: PlantState) -> [OpKey] {
        state.materialAffected(d).map { OpKey(order: $0.productionOrder, sequence: $0.operation) }
    }

    /// When material named by a disruption can be there again (planning's rule, ``PlantState/materialAvailable(_:until:)``).
    static func materialAvailable(_ d: Disruption, until: Date, state: PlantState) -> Date { state.materialAvailable(d, until: until) }

    // MARK: Words

    /// A title the plant accepts: at most 200 characters, cut at a word with "…".
    static func clamp(_ title: String, to limit: Int = 200) -> String {
        guard title.count > limit else { return title }
        let cut = title.prefix(limit - 1)
        let word = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
        return String(word) + "…"
    }

    /// "45 min", "2 h", "14 h 5 min".
    static func duration(_ minutes: Int) -> String {
        let m = abs(minutes)
        if m < 60 { return "\(m) min" }
        return m % 60 == 0 ? "\(m / 60) h" : "\(m / 60) h \(m % 60) min"
    }

    /// "+2 h", "−14 h 5 min", "±0 min".
    static func signed(_ minutes: Int) -> String {
        minutes == 0 ? "±0 min" : (minutes > 0 ? "+" : "−") + duration(minutes)
    }

    static func number(_ x: Double) -> String {
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }

    /// A date as people in the plant read it: `2026-12-01 14:00` in the plant's time zone.
    static func stamp(_ date: Date, _ state: PlantState) -> String { PlanningProblem.stamp(date, state) }
}

// MARK: - People

extension Analysis {
    /// For each skill a person is certified in: who else could take their work (planning's rule, ``PlantState/cover(for:from:until:)``).
    static func cover(for person: User.ID, from: Date, until: Date, state: PlantState) -> [Skill.ID: [User.ID]] {
        state.cover(for: person, from: from, until: until)
    }

    /// The skill an operation requires (its routing step's), if any.
    static func requiredSkill(_ key: OpKey, state: PlantState) -> Skill.ID? {
        state.requiredSkill(OperationRef(productionOrder: key.order, operation: key.sequence))
    }
}
