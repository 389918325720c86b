public import Foundation

// Lot genealogy: where a lot came from (backward, down to the supplier lots) and where it went (forward, up to
// the finished lots). Pure reads of the genealogy indexes `PlantState` keeps (`consumptionsByOrder`,
// `consumptionsByLot`, `outputsByOrder`), so the cost is proportional to the traced part of the graph, never to
// the size of the plant.

/// Which way to follow the genealogy from a lot.
public enum TraceDirection: String, StringChoice, Codable, Sendable, CaseIterable {
    /// Where the lot came from: the order that made it, the lots that order consumed, and so on down to purchased lots.
    case backward
    /// Where the lot went: the orders that consumed it, the lots those orders made, and so on up to finished lots.
    case forward
}

/// The genealogy of one lot in one direction: the lots reached, the consumption edges between them and the
/// production orders (with their work centers and operators) that joined them.
///
/// Lists are in breadth-first order: by depth, then in the order the plant recorded the events, so the same
/// plant gives the same trace.
public struct LotTrace: Codable, Sendable, Hashable {
    /// A lot reached by the trace, as it is now.
    public struct TracedLot: Codable, Sendable, Hashable {
        public var id: Lot.ID
        public var item: Item.ID
        /// The quantity left in the lot now (0 once fully consumed).
        public var quantity: Double
        public var status: LotStatus
        public var location: Location.ID
        public var supplier: String?
        public var supplierLot: String?
        /// The production order that made the lot (nil for purchased lots).
        public var productionOrder: ProductionOrder.ID?
        /// Production steps between this lot and the root (0 for the root itself).
        public var depth: Int
        public init(
            id: Lot.ID,
            item: Item.ID,
            quantity: Double,
            status: LotStatus,
            location: Location.ID,
            supplier: String?,
            supplierLot: String?,
            productionOrder: ProductionOrder.ID?,
            depth: Int
        ) {
            self.id = id
            self.item = item
            self.quantity = quantity
            self.status = status
            self.location = location
            self.supplier = supplier
            self.supplierLot = supplierLot
            self.productionOrder = productionOrder
            self.depth = depth
        }
    }

    /// One consumption on the traced path: a quantity of an input lot consumed into an operation of a
    /// production order, with the lots that order made.
    public struct Link: Codable, Sendable, Hashable {
        /// The input lot.
        public var lot: Lot.ID
        public var item: Item.ID
        public var quantity: Double
        /// The order the lot was consumed into.
        public var productionOrder: ProductionOrder.ID
        /// Every lot that order made (so far).
        public var outputs: [Lot.ID]
        public var operation: Int
        public var workCenter: WorkCenter.ID?
        /// Who booked the consumption.
        public var by: User.ID?
        public var at: Date
        public init(
            lot: Lot.ID,
            item: Item.ID,
            quantity: Double,
            productionOrder: ProductionOrder.ID,
            outputs: [Lot.ID],
            operation: Int,
            workCenter: WorkCenter.ID?,
            by: User.ID?,
            at: Date
        ) {
            self.lot = lot
            self.item = item
            self.quantity = quantity
            self.productionOrder = productionOrder
            self.outputs = outputs
            self.operation = operation
            self.workCenter = workCenter
            self.by = by
            self.at = at
        }
    }

    /// One operation of a traced order: where it ran and who worked on it (from its work segments).
    public struct TracedOperation: Codable, Sendable, Hashable {
        public var sequence: Int
        public var name: String
        public var status: OperationStatus
        /// The work centers it ran on, in the order of its work segments (the planned one if it never ran).
        public var workCenters: [WorkCenter.ID]
        /// The operators of its work segments, each once, in the order they worked.
        public var operators: [User.ID]
        public var startedAt: Date?
        public var completedAt: Date?
        public init(
            sequence: Int,
            name: String,
            status: OperationStatus,
            workCenters: [WorkCenter.ID],
            operators: [User.ID],
            startedAt: Date?,
            completedAt: Date?
        ) {
            self.sequence = sequence
            self.name = name
            self.status = status
            self.workCenters = workCenters
            self.operators = operators
            self.startedAt = startedAt
            self.completedAt = completedAt
        }
    }

    /// A production order the trace passes through.
    public struct TracedOrder: Codable, Sendable, Hashable {
        public var id: ProductionOrder.ID
        public var item: Item.ID
        public var quantity: Double
        public var status: ProductionOrderStatus
        /// The work centers of all its operations, each once.
        public var workCenters: [WorkCenter.ID]
        /// The operators of all its operations, each once.
        public var operators: [User.ID]
        public var operations: [TracedOperation]
        public init(
            id: ProductionOrder.ID,
            item: Item.ID,
            quantity: Double,
            status: ProductionOrderStatus,
            workCenters: [WorkCenter.ID],
            operators: [User.ID],
            operations: [TracedOperation]
        ) {
            self.id = id
            self.item = item
            self.quantity = quantity
            self.status = status
            self.workCenters = workCenters
            self.operators = operators
            self.operations = operations
        }
    }

    /// A purchased lot reached by a backward trace: what to name to the supplier in a recall.
    public struct SupplierLot: Codable, Sendable, Hashable {
        public var lot: Lot.ID
        public var item: Item.ID
        public var supplier: String?
        public var supplierLot: String?
        public init(lot: Lot.ID, item: Item.ID, supplier: String?, supplierLot: String?) {
            self.lot = lot
            self.item = item
            self.supplier = supplier
            self.supplierLot = supplierLot
        }
    }

    /// A lot reached by a forward trace that has left the plant, with the shipment that took it to a customer
    /// (absent for a lot set to `shipped` without a shipment record), so a recall can name who received it.
    public struct ShippedLot: Codable, Sendable, Hashable {
        public var lot: Lot.ID
        public var item: Item.ID
        public var depth: Int
        public var shipment: Shipment.ID?
        public var customer: Customer.ID?
        public var salesOrder: SalesOrder.ID?
        public var line: Int?
        public var shippedAt: Date?
        public init(lot: Lot.ID, item: Item.ID, depth: Int, shipment: Shipment? = nil) {
            self.lot = lot
            self.item = item
            self.depth = depth
            self.shipment = shipment?.id
            self.customer = shipment?.customer
            self.salesOrder = shipment?.salesOrder
            self.line = shipment?.line
            self.shippedAt = shipment?.at
        }
    }

    /// The lot the trace starts from.
    public var root: Lot.ID
    public var direction: TraceDirection
    /// Every lot reached, each once, the root first.
    public var lots: [TracedLot]
    /// Every consumption on the traced path, each once.
    public var links: [Link]
    /// Every production order the trace passes through, each once.
    public var orders: [TracedOrder]
    /// Backward: the purchased lots reached, each once. Empty forward.
    public var supplierLots: [SupplierLot]
    /// Forward: the lots reached that were shipped (see ``ShippedLot``). Empty backward.
    public var shipped: [ShippedLot]
    /// True when the trace stopped at its limit of lots: the lists are then a part of the genealogy, nearest the
    /// root first, and the edges at the boundary may name lots that are not listed.
    public var truncated: Bool

    public init(
        root: Lot.ID,
        direction: TraceDirection,
        lots: [TracedLot] = [],
        links: [Link] = [],
        orders: [TracedOrder] = [],
        supplierLots: [SupplierLot] = [],
        shipped: [ShippedLot] = [],
        truncated: Bool = false
    ) {
        self.root = root
        self.direction = direction
        self.lots = lots
        self.links = links
        self.orders = orders
        self.supplierLots = supplierLots
        self.shipped = shipped
        self.truncated = truncated
    }
}

extension PlantState {
    /// The genealogy of `lot`: breadth-first, each lot and each production order visited once (the graph can
    /// re-converge, e.g. one casting lot in two housings of the same pump), in the order events recorded them.
    ///
    /// Backward: the lot → the order that made it → the lots that order consumed → … down to purchased lots.
    /// Forward: the lot → the orders that consumed it → the lots those orders made → … up to finished lots.
    ///
    /// Only the genealogy indexes are read, so the cost is proportional to the lots, orders and consumptions
    /// traced, not to the plant.
    /// - Parameters:
    ///   - limit: the most lots to list (at least the root); beyond it the trace stops and `truncated` is set.
    /// - Returns: nil when the lot does not exist.
    public func trace(_ lot: Lot.ID, direction: TraceDirection, limit: Int = 10_000) -> LotTrace? {
        guard let root = lots[lot] else { return nil }
        var tracer = Tracer(state: self, direction: direction, limit: max(1, limit))
        tracer.run(from: root)
        return tracer.result
    }
}

/// One trace in progress (see ``PlantState/trace(_:direction:limit:)``).
private struct Tracer {
    let state: PlantState
    let direction: TraceDirection
    let limit: Int
    var result: LotTrace
    var seenLots = Set<Lot.ID>()
    var seenOrders = Set<ProductionOrder.ID>()
    /// The breadth-first queue: indexes into `result.lots`, which is the queue's storage.
    var next = 0

    init(state: PlantState, direction: TraceDirection, limit: Int) {
        self.state = state
        self.direction = direction
        self.limit = limit
        self.result = LotTrace(root: "", direction: direction)
    }

    mutating func run(from root: Lot) {
        result.root = root.id
        seenLots.insert(root.id)
        _ = admit(root, depth: 0)
        while next < result.lots.count, !result.truncated {
            let current = result.lots[next]
            next += 1
            switch direction {
            case .backward: backward(from: current)
            case .forward: forward(from: current)
            }
        }
    }

    /// The order that made `lot`, and the lots it consumed.
    mutating func backward(from lot: LotTrace.TracedLot) {
        guard let orderID = lot.productionOrder, seenOrders.insert(orderID).inserted else { return }
        addOrder(orderID)
        let outputs = state.outputsByOrder[orderID] ?? []
        for c in state.consumptionsByOrder[orderID] ?? [] {
            if seenLots.insert(c.lot).inserted {
                guard let input = state.lots[c.lot] else { continue }
                guard admit(input, depth: lot.depth + 1) else { return }
            }
            result.links.append(link(c, outputs: outputs))
        }
    }

    /// The orders that consumed `lot`, and the lots they made.
    mutating func forward(from lot: LotTrace.TracedLot) {
        for c in state.consumptionsByLot[lot.id] ?? [] {
            let outputs = state.outputsByOrder[c.productionOrder] ?? []
            result.links.append(link(c, outputs: outputs))
            guard seenOrders.insert(c.productionOrder).inserted else { continue }
            addOrder(c.productionOrder)
            for id in outputs where seenLots.insert(id).inserted {
                guard let output = state.lots[id] else { continue }
                guard admit(output, depth: lot.depth + 1) else { return }
            }
        }
    }

    /// Lists `lot` (already in `seenLots`) unless the limit is reached; false (and `truncated`) when it is.
    mutating func admit(_ lot: Lot, depth: Int) -> Bool {
        guard result.lots.count < limit else {
            result.truncated = true
            return false
        }
        result.lots.append(
            LotTrace.TracedLot(
                id: lot.id,
                item: lot.item,
                quantity: lot.quantity,
                status: lot.status,
                location: lot.location,
                supplier: lot.supplier,
                supplierLot: lot.supplierLot,
                productionOrder: lot.productionOrder,
                depth: depth
            )
        )
        switch direction {
        case .backward:
            if lot.productionOrder == nil, lot.supplierLot != nil || state.items[lot.item]?.kind == .purchased {
                result.supplierLots.append(.init(lot: lot.id, item: lot.item, supplier: lot.supplier, supplierLot: lot.supplierLot))
            }
        case .forward:
            if lot.status == .shipped {
                result.shipped.append(
                    .init(lot: lot.id, item: lot.item, depth: depth, shipment: state.shipmentByLot[lot.id].flatMap { state.shipments[$0] })
                )
            }
        }
        return true
    }

    func link(_ c: Consumption, outputs: [Lot.ID]) -> LotTrace.Link {
        LotTrace.Link(
            lot: c.lot,
            item: c.item,
            quantity: c.quantity,
            productionOrder: c.productionOrder,
            outputs: outputs,
            operation: c.operation,
            workCenter: c.workCenter,
            by: c.by,
            at: c.at
        )
    }

    mutating func addOrder(_ id: ProductionOrder.ID) {
        guard let order = state.productionOrders[id] else { return }
        var workCenters: [WorkCenter.ID] = []
        var operators: [User.ID] = []
        var operations: [LotTrace.TracedOperation] = []
        for op in state.operations[id] ?? [] {
            var opWorkCenters: [WorkCenter.ID] = []
            var opOperators: [User.ID] = []
            for segment in op.segments {
                if !opWorkCenters.contains(segment.workCenter) { opWorkCenters.append(segment.workCenter) }
                if let who = segment.operator, !opOperators.contains(who) { opOperators.append(who) }
            }
            if opWorkCenters.isEmpty, let wc = op.workCenter { opWorkCenters.append(wc) }
            for wc in opWorkCenters where !workCenters.contains(wc) { workCenters.append(wc) }
            for who in opOperators where !operators.contains(who) { operators.append(who) }
            operations.append(
                LotTrace.TracedOperation(
                    sequence: op.sequence,
                    name: op.name,
                    status: op.status,
                    workCenters: opWorkCenters,
                    operators: opOperators,
                    startedAt: op.startedAt,
                    completedAt: op.completedAt
                )
            )
        }
        result.orders.append(
            LotTrace.TracedOrder(
                id: order.id,
                item: order.item,
                quantity: order.quantity,
                status: order.status,
                workCenters: workCenters,
                operators: operators,
                operations: operations
            )
        )
    }
}
