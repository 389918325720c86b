import Foundation

// What an order still needs of its material, and where it needs it: shared by planning (cross-order pegging) and
// the orchestrator's analysis.

extension PlantState {
    /// The bill of materials of an item (the first by ID when there are several).
    public func bom(of item: Item.ID) -> BOM? {
        boms.values.filter { $0.item == item }.min { $0.id < $1.id }
    }

    /// The routing operation that consumes a component: its own, else the routing's first.
    public func consumingOperation(_ c: BOMComponent, of order: ProductionOrder) -> Int {
        c.operation ?? routings[order.routing]?.operations.first?.sequence ?? 0
    }

    /// What an order has consumed of a component: of its own item and of its approved substitutes.
    public func consumed(_ order: ProductionOrder, _ c: BOMComponent) -> Double {
        let group = Set([c.item] + c.substitutes)
        return Quantity.exact((consumptionsByOrder[order.id] ?? []).reduce(0.0) { group.contains($1.item) ? $0 + $1.quantity : $0 })
    }

    /// What an order still has to consume of a component: BOM quantity × order quantity, less what it consumed (of it
    /// or its substitutes), not below 0. What the consuming operation still needs, and what a scan proposes.
    public func remainingToConsume(_ order: ProductionOrder, _ c: BOMComponent) -> Double {
        Quantity.exact(max(0, c.quantity * order.quantity - consumed(order, c)))
    }

    /// The component of `order`'s bill of materials that a lot of `item` stands for: the component itself, else one it
    /// is an approved substitute of.
    public func component(of order: ProductionOrder, for item: Item.ID) -> BOMComponent? {
        guard let bom = bom(of: order.item) else { return nil }
        return bom.components.first { $0.item == item } ?? bom.components.first { $0.substitutes.contains(item) }
    }

    /// What an order still needs of a component: what it still has to consume, less what is reserved for it on lots
    /// that can be used (available, not missing, not held, not in `excluding`).
    public func openNeed(_ order: ProductionOrder, _ c: BOMComponent, excluding bad: Set<Lot.ID> = []) -> Double {
        let reserved = (reservationsByOrder[order.id] ?? []).reduce(0.0) { sum, id in
            guard let r = reservations[id], r.component == c.item, !bad.contains(r.lot), isUsable(lot: r.lot) else { return sum }
            return sum + r.quantity
        }
        return max(0, remainingToConsume(order, c) - reserved)
    }

    /// A lot that can go into production now: available, not missing, under no active hold.
    public func isUsable(lot: Lot.ID) -> Bool {
        guard let l = lots[lot], l.status == .available, missingLots[lot] == nil else { return false }
        return activeHolds(onLot: lot).isEmpty
    }
}
