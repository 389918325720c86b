public import Foundation

// Warehouse: receipts, expected receipts, handling units, reservations, staging tasks, projected availability
// and shipping. The rules are in Warehouse.swift; these are the records, command payloads and event payloads.

// MARK: - Records

public enum ExpectedReceiptStatus: String, StringChoice, Codable, Sendable, CaseIterable {
    case open, received, cancelled
}

/// Purchased material a supplier is due to deliver; it counts in projected availability until received or cancelled.
public struct ExpectedReceipt: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<ExpectedReceipt>
    public var id: ID
    public var item: Item.ID
    public var quantity: Double
    public var expectedDate: Date
    public var supplier: String
    /// The purchase order or call-off the delivery belongs to.
    public var reference: String
    public var status: ExpectedReceiptStatus
    /// What receipts naming it have brought in so far.
    public var receivedQuantity: Double
    public var receivedLots: [Lot.ID]
    public var cancelReason: String?
    public init(
        id: ID,
        item: Item.ID,
        quantity: Double,
        expectedDate: Date,
        supplier: String,
        reference: String,
        status: ExpectedReceiptStatus = .open,
        receivedQuantity: Double = 0,
        receivedLots: [Lot.ID] = [],
        cancelReason: String? = nil
    ) {
        self.id = id
        self.item = item
        self.quantity = quantity
        self.expectedDate = expectedDate
        self.supplier = supplier
        self.reference = reference
        self.status = status
        self.receivedQuantity = receivedQuantity
        self.receivedLots = receivedLots
        self.cancelReason = cancelReason
    }
    /// What is still to come.
    public var openQuantity: Double { status == .open ? Quantity.exact(max(0, quantity - receivedQuantity)) : 0 }
}

public enum HandlingUnitKind: String, StringChoice, Codable, Sendable, CaseIterable {
    case pallet, box, container, other
}

/// A pallet, box or container that carries lots and moves them together.
public struct HandlingUnit: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<HandlingUnit>
    public var id: ID
    public var kind: HandlingUnitKind
    public var location: Location.ID
    /// The lots on it, in the order they were put on.
    public var lots: [Lot.ID]
    public var createdAt: Date
    public init(id: ID, kind: HandlingUnitKind, location: Location.ID, lots: [Lot.ID], createdAt: Date) {
        self.id = id
        self.kind = kind
        self.location = location
        self.lots = lots
        self.createdAt = createdAt
    }
}

/// A quantity of a lot set aside for one operation of a production order.
public struct Reservation: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<Reservation>
    public var id: ID
    public var productionOrder: ProductionOrder.ID
    /// The routing operation that consumes it.
    public var operation: Int
    /// The BOM component it covers (the lot may be an approved substitute).
    public var component: Item.ID
    public var lot: Lot.ID
    /// The lot's item.
    public var item: Item.ID
    public var quantity: Double
    /// The task that brings it to line side.
    public var stagingTask: StagingTask.ID?
    public var by: User.ID?
    public var at: Date
    public init(
        id: ID,
        productionOrder: ProductionOrder.ID,
        operation: Int,
        component: Item.ID,
        lot: Lot.ID,
        item: Item.ID,
        quantity: Double,
        stagingTask: StagingTask.ID?,
        by: User.ID?,
        at: Date
    ) {
        self.id = id
        self.productionOrder = productionOrder
        self.operation = operation
        self.component = component
        self.lot = lot
        self.item = item
        self.quantity = quantity
        self.stagingTask = stagingTask
        self.by = by
        self.at = at
    }
}

public enum StagingTaskStatus: String, StringChoice, Codable, Sendable, CaseIterable {
    /// To do; `picked` once someone has it on the truck; `staged` once it is at line side.
    case open, picked, staged
    /// Less was found than reserved (it can still be confirmed with what was found).
    case short
    /// The lot or its pallet could not be found.
    case missing
    /// Its reservation went away (consumed, unreserved, order cancelled or completed) before it was staged.
    case cancelled

    /// Still work for the warehouse: to pick, on the truck, or short (it can still be confirmed with what was found).
    /// Staged, missing (reported; found again by moving the lot) and cancelled tasks are not.
    public var isOpen: Bool { [.open, .picked, .short].contains(self) }
}

/// Bring a reserved lot to the line side of the work center that consumes it. Where and by when is computed when
/// asked (``PlantState/stagingTasks(productionOrder:)``), from the current published schedule.
public struct StagingTask: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<StagingTask>
    public var id: ID
    public var reservation: Reservation.ID
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var lot: Lot.ID
    public var quantity: Double
    public var status: StagingTaskStatus
    public var pickedBy: User.ID?
    public var pickedAt: Date?
    public var stagedAt: Date?
    public var stagedTo: Location.ID?
    /// For a short report: the quantity found.
    public var foundQuantity: Double?
    public init(
        id: ID,
        reservation: Reservation.ID,
        productionOrder: ProductionOrder.ID,
        operation: Int,
        lot: Lot.ID,
        quantity: Double,
        status: StagingTaskStatus = .open,
        pickedBy: User.ID? = nil,
        pickedAt: Date? = nil,
        stagedAt: Date? = nil,
        stagedTo: Location.ID? = nil,
        foundQuantity: Double? = nil
    ) {
        self.id = id
        self.reservation = reservation
        self.productionOrder = productionOrder
        self.operation = operation
        self.lot = lot
        self.quantity = quantity
        self.status = status
        self.pickedBy = pickedBy
        self.pickedAt = pickedAt
        self.stagedAt = stagedAt
        self.stagedTo = stagedTo
        self.foundQuantity = foundQuantity
    }
}

/// One operation of a production order that a material problem would stop, and when it was due to start.
public struct AffectedOperation: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    /// Scheduled start (published schedule) or, for an unscheduled order, nil.
    public var start: Date?
    /// The order's due date (the time an unscheduled order's requirement is projected at).
    public var dueDate: Date
    /// How much of the material this operation needs that is not there.
    public var quantity: Double
    public init(productionOrder: ProductionOrder.ID, operation: Int, start: Date?, dueDate: Date, quantity: Double) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.start = start
        self.dueDate = dueDate
        self.quantity = quantity
    }
}

/// A projected shortage of one item: from when the projection goes negative, by how much at worst, and whom it stops.
public struct ProjectedShortage: Codable, Sendable, Hashable {
    public var item: Item.ID
    public var from: Date
    public var shortBy: Double
    public var affected: [AffectedOperation]
    public init(item: Item.ID, from: Date, shortBy: Double, affected: [AffectedOperation]) {
        self.item = item
        self.from = from
        self.shortBy = shortBy
        self.affected = affected
    }
}

public enum ProjectionKind: String, StringChoice, Codable, Sendable, CaseIterable {
    /// Available lots now.
    case stock
    /// An open expected receipt.
    case receipt
    /// What an open production order of the item will still make, when its last operation is scheduled to end (else by
    /// its due date).
    case production
    /// What an operation of a released or planned order still needs.
    case requirement
}

/// One line of an item's projected availability, in time order, with the running projection after it.
public struct ProjectionEntry: Codable, Sendable, Hashable {
    public var at: Date
    public var kind: ProjectionKind
    /// Positive for supply, negative for demand.
    public var quantity: Double
    public var projected: Double
    public var lot: Lot.ID?
    public var expectedReceipt: ExpectedReceipt.ID?
    public var productionOrder: ProductionOrder.ID?
    public var operation: Int?
    /// For requirements and production: whether the time is the scheduled start or end (true) or the order's due date (false).
    public var scheduled: Bool?
    public init(
        at: Date,
        kind: ProjectionKind,
        quantity: Double,
        projected: Double,
        lot: Lot.ID? = nil,
        expectedReceipt: ExpectedReceipt.ID? = nil,
        productionOrder: ProductionOrder.ID? = nil,
        operation: Int? = nil,
        scheduled: Bool? = nil
    ) {
        self.at = at
        self.kind = kind
        self.quantity = quantity
        self.projected = projected
        self.lot = lot
        self.expectedReceipt = expectedReceipt
        self.productionOrder = productionOrder
        self.operation = operation
        self.scheduled = scheduled
    }
}

/// One lot in stock, where it is, and how much of it is free.
public struct StockLine: Codable, Sendable, Hashable {
    public var item: Item.ID
    public var lot: Lot.ID
    public var location: Location.ID
    public var status: LotStatus
    public var quantity: Double
    public var reserved: Double
    /// quantity − reserved, for an available lot that is not missing; else 0.
    public var availableToReserve: Double
    public var handlingUnit: HandlingUnit.ID?
    public var supplierLot: String?
    /// Reported missing and not found since.
    public var missing: Bool
    public init(
        item: Item.ID,
        lot: Lot.ID,
        location: Location.ID,
        status: LotStatus,
        quantity: Double,
        reserved: Double,
        availableToReserve: Double,
        handlingUnit: HandlingUnit.ID?,
        supplierLot: String?,
        missing: Bool
    ) {
        self.item = item
        self.lot = lot
        self.location = location
        self.status = status
        self.quantity = quantity
        self.reserved = reserved
        self.availableToReserve = availableToReserve
        self.handlingUnit = handlingUnit
        self.supplierLot = supplierLot
        self.missing = missing
    }
}

/// A staging task with where it goes and by when, as of the current published schedule.
public struct StagingTaskView: Codable, Sendable, Hashable {
    public var task: StagingTask
    /// Where the lot is now, and the handling unit carrying it.
    public var from: Location.ID?
    public var handlingUnit: HandlingUnit.ID?
    public var workCenter: WorkCenter.ID?
    /// The line-side location of that work center, if it has one.
    public var to: Location.ID?
    public var scheduledStart: Date?
    /// Scheduled start minus the line-side location's staging lead time.
    public var neededBy: Date?
    public init(
        task: StagingTask,
        from: Location.ID?,
        handlingUnit: HandlingUnit.ID?,
        workCenter: WorkCenter.ID?,
        to: Location.ID?,
        scheduledStart: Date?,
        neededBy: Date?
    ) {
        self.task = task
        self.from = from
        self.handlingUnit = handlingUnit
        self.workCenter = workCenter
        self.to = to
        self.scheduledStart = scheduledStart
        self.neededBy = neededBy
    }
}

public struct ShipmentLot: Codable, Sendable, Hashable {
    public var lot: Lot.ID
    public var quantity: Double
    public init(lot: Lot.ID, quantity: Double) {
        self.lot = lot
        self.quantity = quantity
    }
}

/// Finished lots sent to a customer against one sales order line.
public struct Shipment: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<Shipment>
    public var id: ID
    public var salesOrder: SalesOrder.ID
    public var line: Int
    public var customer: Customer.ID
    public var item: Item.ID
    public var lots: [ShipmentLot]
    public var by: User.ID?
    public var at: Date
    public init(id: ID, salesOrder: SalesOrder.ID, line: Int, customer: Customer.ID, item: Item.ID, lots: [ShipmentLot], by: User.ID?, at: Date) {
        self.id = id
        self.salesOrder = salesOrder
        self.line = line
        self.customer = customer
        self.item = item
        self.lots = lots
        self.by = by
        self.at = at
    }
    public var quantity: Double { Quantity.sum(lots.map(\.quantity)) }
}

// MARK: - Command payloads

/// Receive purchased material: a new lot at a receiving (or quarantine) location.
public struct ReceiveLot: Codable, Sendable, Hashable {
    public var id: Lot.ID
    public var item: Item.ID
    public var quantity: Double
    public var location: Location.ID
    public var supplier: String
    public var supplierLot: String
    public var deliveryNote: String
    /// The expected receipt this delivery fulfils, if any.
    public var expectedReceipt: ExpectedReceipt.ID?
    public init(
        id: Lot.ID,
        item: Item.ID,
        quantity: Double,
        location: Location.ID,
        supplier: String,
        supplierLot: String,
        deliveryNote: String,
        expectedReceipt: ExpectedReceipt.ID? = nil
    ) {
        self.id = id
        self.item = item
        self.quantity = quantity
        self.location = location
        self.supplier = supplier
        self.supplierLot = supplierLot
        self.deliveryNote = deliveryNote
        self.expectedReceipt = expectedReceipt
    }
}

public struct ExpectReceipt: Codable, Sendable, Hashable {
    /// Optional: when absent the plant numbers it (`ER-000001`, …).
    public var id: ExpectedReceipt.ID?
    public var item: Item.ID
    public var quantity: Double
    public var expectedDate: Date
    public var supplier: String
    public var reference: String
    public init(id: ExpectedReceipt.ID? = nil, item: Item.ID, quantity: Double, expectedDate: Date, supplier: String, reference: String) {
        self.id = id
        self.item = item
        self.quantity = quantity
        self.expectedDate = expectedDate
        self.supplier = supplier
        self.reference = reference
    }
}

public struct CancelExpectedReceipt: Codable, Sendable, Hashable {
    public var expectedReceipt: ExpectedReceipt.ID
    public var reason: String
    public init(expectedReceipt: ExpectedReceipt.ID, reason: String) {
        self.expectedReceipt = expectedReceipt
        self.reason = reason
    }
}

public struct CreateHandlingUnit: Codable, Sendable, Hashable {
    public var id: HandlingUnit.ID
    public var kind: HandlingUnitKind
    public var location: Location.ID
    /// Lots to put on it; each must be in stock at `location` and on no other unit.
    public var lots: [Lot.ID]
    public init(id: HandlingUnit.ID, kind: HandlingUnitKind = .pallet, location: Location.ID, lots: [Lot.ID] = []) {
        self.id = id
        self.kind = kind
        self.location = location
        self.lots = lots
    }
}

public struct MoveHandlingUnit: Codable, Sendable, Hashable {
    public var handlingUnit: HandlingUnit.ID
    public var to: Location.ID
    public init(handlingUnit: HandlingUnit.ID, to: Location.ID) {
        self.handlingUnit = handlingUnit
        self.to = to
    }
}

public struct SplitHandlingUnit: Codable, Sendable, Hashable {
    public var handlingUnit: HandlingUnit.ID
    /// The new unit the lots go onto, at the same location.
    public var newHandlingUnit: HandlingUnit.ID
    /// Defaults to the kind of the unit split.
    public var kind: HandlingUnitKind?
    public var lots: [Lot.ID]
    public init(handlingUnit: HandlingUnit.ID, newHandlingUnit: HandlingUnit.ID, kind: HandlingUnitKind? = nil, lots: [Lot.ID]) {
        self.handlingUnit = handlingUnit
        self.newHandlingUnit = newHandlingUnit
        self.kind = kind
        self.lots = lots
    }
}

/// Put lots on, or take them off, a handling unit.
public struct HandlingUnitLots: Codable, Sendable, Hashable {
    public var handlingUnit: HandlingUnit.ID
    public var lots: [Lot.ID]
    public init(handlingUnit: HandlingUnit.ID, lots: [Lot.ID]) {
        self.handlingUnit = handlingUnit
        self.lots = lots
    }
}

public struct ReserveLot: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var lot: Lot.ID
    /// Defaults to what the lot has free, up to what the order still needs.
    public var quantity: Double?
    public init(productionOrder: ProductionOrder.ID, lot: Lot.ID, quantity: Double? = nil) {
        self.productionOrder = productionOrder
        self.lot = lot
        self.quantity = quantity
    }
}

public struct UnreserveLot: Codable, Sendable, Hashable {
    public var reservation: Reservation.ID
    public var reason: String
    public init(reservation: Reservation.ID, reason: String) {
        self.reservation = reservation
        self.reason = reason
    }
}

public struct StagingTaskRef: Codable, Sendable, Hashable {
    public var stagingTask: StagingTask.ID
    public init(stagingTask: StagingTask.ID) { self.stagingTask = stagingTask }
}

public struct ConfirmStagingTask: Codable, Sendable, Hashable {
    public var stagingTask: StagingTask.ID
    /// Defaults to the line-side location of the work center the operation runs on.
    public var to: Location.ID?
    public init(stagingTask: StagingTask.ID, to: Location.ID? = nil) {
        self.stagingTask = stagingTask
        self.to = to
    }
}

public struct ReportStagingShort: Codable, Sendable, Hashable {
    public var stagingTask: StagingTask.ID
    /// How much of the lot was found where it should be.
    public var foundQuantity: Double
    public init(stagingTask: StagingTask.ID, foundQuantity: Double) {
        self.stagingTask = stagingTask
        self.foundQuantity = foundQuantity
    }
}

/// Material that cannot be found: name exactly one of a staging task, a handling unit or a lot.
public struct ReportMaterialMissing: Codable, Sendable, Hashable {
    public var stagingTask: StagingTask.ID?
    public var handlingUnit: HandlingUnit.ID?
    public var lot: Lot.ID?
    public var note: String?
    public init(stagingTask: StagingTask.ID? = nil, handlingUnit: HandlingUnit.ID? = nil, lot: Lot.ID? = nil, note: String? = nil) {
        self.stagingTask = stagingTask
        self.handlingUnit = handlingUnit
        self.lot = lot
        self.note = note
    }
}

/// Recompute projected availability and record shortages that appeared, changed or went away.
public struct CheckMaterial: Codable, Sendable, Hashable {
    /// Only these items; absent means every item with a requirement or a recorded shortage.
    public var items: [Item.ID]?
    public init(items: [Item.ID]? = nil) { self.items = items }
}

public struct ShipLots: Codable, Sendable, Hashable {
    public var salesOrder: SalesOrder.ID
    public var line: Int
    public var lots: [Lot.ID]
    public init(salesOrder: SalesOrder.ID, line: Int, lots: [Lot.ID]) {
        self.salesOrder = salesOrder
        self.line = line
        self.lots = lots
    }
}

// MARK: - Event payloads

public struct LotReceived: Codable, Sendable, Hashable {
    public var lot: Lot
    public var deliveryNote: String
    public var expectedReceipt: ExpectedReceipt.ID?
    public var by: User.ID?
    public init(lot: Lot, deliveryNote: String, expectedReceipt: ExpectedReceipt.ID?, by: User.ID?) {
        self.lot = lot
        self.deliveryNote = deliveryNote
        self.expectedReceipt = expectedReceipt
        self.by = by
    }
}

public struct ExpectedReceiptCancelled: Codable, Sendable, Hashable {
    public var expectedReceipt: ExpectedReceipt.ID
    public var reason: String
    public var at: Date
    public init(expectedReceipt: ExpectedReceipt.ID, reason: String, at: Date) {
        self.expectedReceipt = expectedReceipt
        self.reason = reason
        self.at = at
    }
}

public struct HandlingUnitMoved: Codable, Sendable, Hashable {
    public var handlingUnit: HandlingUnit.ID
    public var from: Location.ID
    public var to: Location.ID
    /// The lots it carried (each also recorded as a `lotMoved`).
    public var lots: [Lot.ID]
    public init(handlingUnit: HandlingUnit.ID, from: Location.ID, to: Location.ID, lots: [Lot.ID]) {
        self.handlingUnit = handlingUnit
        self.from = from
        self.to = to
        self.lots = lots
    }
}

public struct HandlingUnitSplit: Codable, Sendable, Hashable {
    public var from: HandlingUnit.ID
    /// The new unit, carrying the lots taken off `from`.
    public var to: HandlingUnit
    public init(from: HandlingUnit.ID, to: HandlingUnit) {
        self.from = from
        self.to = to
    }
}

public struct ReservationReleased: Codable, Sendable, Hashable {
    public var reservation: Reservation.ID
    public var productionOrder: ProductionOrder.ID
    public var lot: Lot.ID
    public var quantity: Double
    public var reason: String
    public var by: User.ID?
    public var at: Date
    public init(
        reservation: Reservation.ID,
        productionOrder: ProductionOrder.ID,
        lot: Lot.ID,
        quantity: Double,
        reason: String,
        by: User.ID?,
        at: Date
    ) {
        self.reservation = reservation
        self.productionOrder = productionOrder
        self.lot = lot
        self.quantity = quantity
        self.reason = reason
        self.by = by
        self.at = at
    }
}

public struct StagingTaskPicked: Codable, Sendable, Hashable {
    public var stagingTask: StagingTask.ID
    public var lot: Lot.ID
    public var by: User.ID?
    public var at: Date
    public init(stagingTask: StagingTask.ID, lot: Lot.ID, by: User.ID?, at: Date) {
        self.stagingTask = stagingTask
        self.lot = lot
        self.by = by
        self.at = at
    }
}

public struct StagingTaskConfirmed: Codable, Sendable, Hashable {
    public var stagingTask: StagingTask.ID
    public var lot: Lot.ID
    public var to: Location.ID
    public var by: User.ID?
    public var at: Date
    public init(stagingTask: StagingTask.ID, lot: Lot.ID, to: Location.ID, by: User.ID?, at: Date) {
        self.stagingTask = stagingTask
        self.lot = lot
        self.to = to
        self.by = by
        self.at = at
    }
}

/// Less of a lot was found than its staging task expected; the lot's quantity is corrected to what was found.
public struct StagingShortReported: Codable, Sendable, Hashable {
    public var stagingTask: StagingTask.ID
    public var lot: Lot.ID
    public var expected: Double
    public var found: Double
    /// The lot's quantity before the correction.
    public var lotQuantityBefore: Double
    public var by: User.ID?
    public var at: Date
    public init(stagingTask: StagingTask.ID, lot: Lot.ID, expected: Double, found: Double, lotQuantityBefore: Double, by: User.ID?, at: Date) {
        self.stagingTask = stagingTask
        self.lot = lot
        self.expected = expected
        self.found = found
        self.lotQuantityBefore = lotQuantityBefore
        self.by = by
        self.at = at
    }
}

/// A lot or pallet that cannot be found, and the work it stops. Its reservations are released.
public struct MaterialMissing: Codable, Sendable, Hashable {
    public var lots: [Lot.ID]
    public var handlingUnit: HandlingUnit.ID?
    public var stagingTask: StagingTask.ID?
    /// Where it should have been.
    public var location: Location.ID
    public var affected: [AffectedOperation]
    public var note: String?
    public var by: User.ID?
    public var at: Date
    public init(
        lots: [Lot.ID],
        handlingUnit: HandlingUnit.ID?,
        stagingTask: StagingTask.ID?,
        location: Location.ID,
        affected: [AffectedOperation],
        note: String?,
        by: User.ID?,
        at: Date
    ) {
        self.lots = lots
        self.handlingUnit = handlingUnit
        self.stagingTask = stagingTask
        self.location = location
        self.affected = affected
        self.note = note
        self.by = by
        self.at = at
    }
}

public struct ShortageProjected: Codable, Sendable, Hashable {
    public var shortage: ProjectedShortage
    public var at: Date
    public init(shortage: ProjectedShortage, at: Date) {
        self.shortage = shortage
        self.at = at
    }
}

public struct ShortageResolved: Codable, Sendable, Hashable {
    public var item: Item.ID
    public var at: Date
    public init(item: Item.ID, at: Date) {
        self.item = item
        self.at = at
    }
}

public struct SalesOrderShipped: Codable, Sendable, Hashable {
    public var salesOrder: SalesOrder.ID
    public var at: Date
    public init(salesOrder: SalesOrder.ID, at: Date) {
        self.salesOrder = salesOrder
        self.at = at
    }
}
