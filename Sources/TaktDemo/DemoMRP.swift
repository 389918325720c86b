import TaktCore

/// The demo's MRP run: the semi-finished orders a planner's material requirements planning would have created for
/// the orders already planned above them. Pure: days are whole days after the demo's start, no dates, no randomness.
///
/// Items are planned level by level (low-level code: an item is planned only once every order that can consume it is
/// known). For each item the gross requirements of its consumers — BOM quantity × the consumer's quantity, needed on the
/// day the consumer starts (its due day less its own lead time) — are netted, earliest first, against the stock on hand
/// and the orders already planned for the item; what is still missing becomes a new order of whole batches, due on the
/// day it is first needed, with the priority of the most urgent consumer it serves.
struct DemoMRP {
    /// An order of the plan: either given (the top of the explosion) or created by the run. `key` names it in pegs.
    struct Order: Equatable {
        var key: Int
        var item: Item.ID
        var quantity: Double
        var dueDay: Int
        var priority: Int
        /// Who consumes this order's output, and how much each (filled in by the run, first consumer first).
        var consumers: [Peg] = []
    }

    /// A quantity of an order's output set aside for one consumer.
    struct Peg: Equatable {
        var consumer: Int
        var quantity: Double
    }

    /// The components of each item made in house (quantities per unit of the parent).
    let components: [Item.ID: [BOMComponent]]
    /// The items the run plans orders for; components outside it are bought (and left to purchasing).
    let planned: Set<Item.ID>
    /// The batch each planned item is made in: a net requirement is rounded up to whole batches.
    let batch: (Item.ID) -> Double
    /// Working days an order of `quantity` of `item` takes from its start to its due day (at least 1).
    let leadDays: (_ item: Item.ID, _ quantity: Double) -> Int
    /// The working day `days` working days before `day`.
    let workdaysBefore: (_ day: Int, _ days: Int) -> Int

    /// The day an order starts, when its components are needed: its due day less its lead time.
    func startDay(of order: Order) -> Int {
        workdaysBefore(order.dueDay, max(1, leadDays(order.item, order.quantity)))
    }

    /// Plans the orders for the requirements of `top` (and of what the run creates for them), net of `stock`.
    /// - Returns: the orders created, keyed from `firstKey` on, each with the consumers it serves.
    func run(top: [Order], stock: [Item.ID: Double], firstKey: Int) -> [Order] {
        var orders = top
        var nextKey = firstKey
        for item in planningOrder(from: Set(top.map(\.item))) {
            // Gross requirements of the item: what each order already planned consumes of it, on the day it starts.
            var requirements: [(day: Int, priority: Int, consumer: Int, quantity: Double)] = []
            for order in orders {
                for c in components[order.item] ?? [] where c.item == item {
                    requirements.append((startDay(of: order), order.priority, order.key, c.quantity * order.quantity))
                }
            }
            requirements.sort { ($0.day, $0.priority, $0.consumer) < ($1.day, $1.priority, $1.consumer) }
            // Netting, earliest first: stock on hand, then the item's orders (given ones first), then new batches.
            var onHand = stock[item, default: 0]
            var supplies = orders.indices.filter { orders[$0].item == item }
            var left = Dictionary(uniqueKeysWithValues: supplies.map { ($0, orders[$0].quantity) })
            for r in requirements {
                var open = r.quantity
                let fromStock = min(onHand, open)
                onHand -= fromStock
                open -= fromStock
                for s in supplies where open > 1e-9 && left[s, default: 0] > 1e-9 {
                    let take = min(left[s, default: 0], open)
                    left[s, default: 0] -= take
                    open -= take
                    orders[s].consumers.append(Peg(consumer: r.consumer, quantity: take))
                    orders[s].priority = min(orders[s].priority, r.priority)
                }
                guard open > 1e-9 else { continue }
                let size = max(1, batch(item))
                let quantity = (open / size).rounded(.up) * size
                var order = Order(key: nextKey, item: item, quantity: quantity, dueDay: r.day, priority: r.priority)
                order.consumers = [Peg(consumer: r.consumer, quantity: open)]
                nextKey += 1
                left[orders.count] = quantity - open
                supplies.append(orders.count)
                orders.append(order)
            }
        }
        return orders.filter { $0.key >= firstKey }
    }

    /// The planned items below `roots`, each after every item that can consume it (by low-level code, then by name).
    func planningOrder(from roots: Set<Item.ID>) -> [Item.ID] {
        var level: [Item.ID: Int] = [:]
        func visit(_ item: Item.ID, _ depth: Int) {
            for c in components[item] ?? [] where planned.contains(c.item) {
                guard depth + 1 > level[c.item, default: -1] else { continue }
                level[c.item] = depth + 1
                visit(c.item, depth + 1)
            }
        }
        for root in roots.sorted() { visit(root, 0) }
        return level.keys.sorted { (level[$0, default: 0], $0) < (level[$1, default: 0], $1) }
    }
}
