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

    /// The component a lot serves in an order's bill of materials.
    static func component(for item: Item.ID, of order: ProductionOrder, state: PlantState) -> BOMComponent? {
        guard let bom = state.bom(of: order.item) else { return nil }
        return bom.components.first { $0.item == item } ?? bom.components.first { $0.substitutes.contains(item) }
    }

    /// The lots a material disruption names that are still unusable (a lot found, released or re-inspected since no
    /// longer counts).
    static func badLots(_ d: Disruption, state: PlantState) -> Set<Lot.ID> {
        Set(d.lots.filter { !state.isUsable(lot: $0) })
    }

    /// The operations a material disruption stops: those of orders that reserved (or were to be staged) a named lot and
    /// have no usable material instead; without lots (or when none is reserved), the orders needing the item that free
    /// stock does not cover, earliest due first.
    static func materialAffected(_ d: Disruption, state: PlantState) -> [OpKey] {
        var keys = Set<OpKey>()
        let bad = badLots(d, state: state)
        var candidates: [(ProductionOrder.ID, Int, Item.ID)] = []
        for lot in bad {
            for rid in state.reservationsByLot[lot] ?? [] {
                if let r = state.reservations[rid] { candidates.append((r.productionOrder, r.operation, r.item)) }
            }
        }
        for task in state.stagingTasks.values where bad.contains(task.lot) && [.open, .picked, .missing, .short].contains(task.status) {
            if let item = state.lots[task.lot]?.item { candidates.append((task.productionOrder, task.operation, item)) }
        }
        for (po, op, item) in candidates {
            guard let order = state.productionOrders[po], isOpen(order), let c = component(for: item, of: order, state: state) else { continue }
            if state.openNeed(order, c, excluding: bad) > 1e-9 { keys.insert(OpKey(order: po, sequence: op)) }
        }
        if !d.lots.isEmpty && keys.isEmpty && candidates.isEmpty == false { return [] }
        if keys.isEmpty, !d.lots.isEmpty, bad.isEmpty { return [] }
        if keys.isEmpty, let po = d.productionOrder, let order = state.productionOrders[po], isOpen(order) {
            let item = d.item ?? d.lots.first.flatMap { state.lots[$0]?.item }
            let c = item.flatMap { component(for: $0, of: order, state: state) }
            if c.map({ state.openNeed(order, $0, excluding: bad) > 1e-9 }) ?? true {
                keys.insert(OpKey(order: po, sequence: d.sequence ?? c.map { state.consumingOperation($0, of: order) } ?? 0))
            }
        }
        if keys.isEmpty, let item = d.item ?? d.lots.first.flatMap({ state.lots[$0]?.item }) {
            var free = state.lots.values.filter { $0.item == item && !bad.contains($0.id) }.reduce(0.0) { $0 + state.availableToReserve(lot: $1.id) }
            let orders = state.productionOrders.values.filter(isOpen).sorted { ($0.dueDate, $0.id) < ($1.dueDate, $1.id) }
            for order in orders {
                guard let c = component(for: item, of: order, state: state), c.item == item else { continue }
                let need = state.openNeed(order, c, excluding: bad)
                guard need > 1e-9 else { continue }
                if free >= need - 1e-9 {
                    free -= need
                } else {
                    free = 0
                    keys.insert(OpKey(order: order.id, sequence: state.consumingOperation(c, of: order)))
                }
            }
        }
        return keys.sorted()
    }

    /// When material named by a disruption is available again: its end, or earlier when an open expected receipt of
    /// the item is due before it (for disruptions about an item rather than named lots).
    static func materialAvailable(_ d: Disruption, until: Date, state: PlantState) -> Date {
        guard d.lots.isEmpty, let item = d.item else { return until }
        let receipts = state.expectedReceipts.values.filter { $0.item == item && $0.status == .open && $0.openQuantity > 0 }
        let earliest = receipts.map(\.expectedDate).min()
        return earliest.map { min($0, until) } ?? until
    }

    // MARK: Words

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
    static func stamp(_ date: Date, _ state: PlantState) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = state.plantTimeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }
}

// MARK: - People

extension Analysis {
    /// For each skill a person is certified in (valid at `from`): the other active operators certified in it and not
    /// reported away during `[from, until)`, who could take the person's work; an empty list means nobody can.
    static func cover(for person: User.ID, from: Date, until: Date, state: PlantState) -> [Skill.ID: [User.ID]] {
        guard let user = state.users[person] else { return [:] }
        var out: [Skill.ID: [User.ID]] = [:]
        for c in user.certifications where c.validUntil.map({ $0 > from }) ?? true {
            out[c.skill] = state.users.values.filter { other in
                other.id != person && other.active && other.has(.operator) && !state.isAbsent(other.id, from: from, until: until)
                    && other.certifications.contains { $0.skill == c.skill && ($0.validUntil.map { $0 > from } ?? true) }
            }.map(\.id).sorted()
        }
        return out
    }

    /// The skill an operation requires (its routing step's), if any.
    static func requiredSkill(_ key: OpKey, state: PlantState) -> Skill.ID? {
        state.productionOrders[key.order].flatMap { state.routings[$0.routing] }?.operations.first { $0.sequence == key.sequence }?.requiredSkill
    }
}
