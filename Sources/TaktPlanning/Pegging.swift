import Foundation
import TaktCore
import TaktScheduling

extension PlanningProblem {
    /// Cross-order pegging: when an order needs a semi-finished item that free stock does not cover, the operation that
    /// consumes it waits for the open production orders of that item (earliest due first, each order's quantity
    /// shared out once) to finish. Free stock and supply are given out to parent orders by due date (`last` ones last).
    mutating func pegSemiFinishedSupply(_ state: PlantState, last: Set<ProductionOrder.ID> = []) {
        var index: [ProductionOrder.ID: [Int: Int]] = [:]
        var lastOp: [ProductionOrder.ID: Int] = [:]
        for (i, ref) in operations.enumerated() {
            index[ref.productionOrder, default: [:]][ref.sequence] = i
            if let j = lastOp[ref.productionOrder], operations[j].sequence > ref.sequence { continue }
            lastOp[ref.productionOrder] = i
        }
        let open = orders.compactMap { state.productionOrders[$0] }.sorted {
            (last.contains($0.id) ? 1 : 0, $0.dueDate, $0.id) < (last.contains($1.id) ? 1 : 0, $1.dueDate, $1.id)
        }
        var freeStock: [Item.ID: Double] = [:]
        for lot in state.lots.values where lot.status == .available {
            freeStock[lot.item, default: 0] += state.availableToReserve(lot: lot.id)
        }
        var supply: [Item.ID: [(order: ProductionOrder.ID, left: Double)]] = [:]
        for po in open where lastOp[po.id] != nil && state.items[po.item]?.kind == .semiFinished {
            supply[po.item, default: []].append((po.id, po.quantity))
        }
        for parent in open {
            guard let bom = state.bom(of: parent.item) else { continue }
            for c in bom.components where state.items[c.item]?.kind == .semiFinished {
                let need = state.openNeed(parent, c)
                guard need > 1e-9 else { continue }
                let free = freeStock[c.item, default: 0]
                if free >= need - 1e-9 {
                    freeStock[c.item] = free - need
                    continue
                }
                freeStock[c.item] = 0
                var short = need - free
                guard let consumer = index[parent.id]?[state.consumingOperation(c, of: parent)], problem.operations[consumer].fixed == nil else {
                    continue
                }
                for k in (supply[c.item] ?? []).indices where short > 1e-9 {
                    guard let s = supply[c.item]?[k], s.left > 1e-9, s.order != parent.id, let childLast = lastOp[s.order] else { continue }
                    let take = min(s.left, short)
                    supply[c.item]?[k].left -= take
                    short -= take
                    let pred = OperationID(childLast)
                    if !problem.operations[consumer].predecessors.contains(where: { $0.predecessor == pred }) {
                        problem.operations[consumer].predecessors.append(Precedence(pred))
                    }
                }
            }
        }
    }
}
