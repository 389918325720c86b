import Foundation
public import TaktCore

/// The parts of a plant that CSV carries, as they must come out of an export and import: master data, orders and the
/// stock. Times the plant records itself (when an order was created, released or completed, when a lot was made) are
/// left out, since an import makes them anew; so are what CSV does not carry (shipped sales orders, lots no longer in
/// stock, delivery notes, tokens, passwords, execution records).
public struct ComparablePlant: Equatable, Sendable {
    public var sites: [Site.ID: Site]
    public var skills: [Skill.ID: Skill]
    public var workInstructions: [WorkInstruction.ID: WorkInstruction]
    public var workCenters: [WorkCenter.ID: WorkCenter]
    public var locations: [Location.ID: Location]
    public var items: [Item.ID: Item]
    public var customers: [Customer.ID: Customer]
    public var users: [User.ID: User]
    public var boms: [BOM.ID: BOM]
    public var routings: [Routing.ID: Routing]
    public var salesOrders: [SalesOrder.ID: SalesOrder]
    public var productionOrders: [ProductionOrder.ID: ProductionOrder]
    public var lots: [Lot.ID: Lot]

    public init(_ s: PlantState) {
        sites = s.sites
        skills = s.skills
        workInstructions = s.workInstructions
        workCenters = s.workCenters
        locations = s.locations
        items = s.items
        customers = s.customers
        users = s.users
        boms = s.boms
        routings = s.routings
        salesOrders = s.salesOrders.filter { $0.value.status != .shipped }
        productionOrders = s.productionOrders.mapValues { o in
            var c = o
            let epoch = Date(timeIntervalSince1970: 0)
            (c.createdAt, c.releasedAt, c.completedAt) = (epoch, nil, nil)
            return c
        }
        lots = s.lots.filter { CSVExport.inStock.contains($0.value.status) }.mapValues { lot in
            var c = lot
            c.createdAt = Date(timeIntervalSince1970: 0)
            c.deliveryNote = nil
            return c
        }
    }

    /// The names of the parts that differ (empty when none).
    public func differences(from other: ComparablePlant) -> [String] {
        var out: [String] = []
        func check<K: Comparable, V: Equatable>(_ name: String, _ a: [K: V], _ b: [K: V]) {
            guard a != b else { return }
            let keys = Set(a.keys).union(b.keys).filter { a[$0] != b[$0] }.sorted()
            out.append("\(name): \(keys.count) differ, e.g. \(keys.prefix(3).map { "\($0)" }.joined(separator: ", "))")
        }
        check("sites", sites, other.sites)
        check("skills", skills, other.skills)
        check("workInstructions", workInstructions, other.workInstructions)
        check("workCenters", workCenters, other.workCenters)
        check("locations", locations, other.locations)
        check("items", items, other.items)
        check("customers", customers, other.customers)
        check("users", users, other.users)
        check("boms", boms, other.boms)
        check("routings", routings, other.routings)
        check("salesOrders", salesOrders, other.salesOrders)
        check("productionOrders", productionOrders, other.productionOrders)
        check("lots", lots, other.lots)
        return out
    }
}
