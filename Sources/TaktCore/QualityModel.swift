public import Foundation

// Quality: inspection plans and results, nonconformances with their dispositions, and holds.
// Commands and events of quality carry these types; `PlantState` keeps them as projections (see Quality.swift).

// MARK: - Inspection plans

public enum CharacteristicKind: String, StringChoice, Codable, Sendable, CaseIterable {
    /// Measured: passes when the value lies within the limits.
    case variable
    /// Judged: passes or fails as recorded.
    case attribute
}

/// One thing an inspection checks, e.g. "bore diameter 52.00–52.05 mm" or "no visible porosity".
public struct Characteristic: Codable, Sendable, Hashable {
    /// Short code, unique within the plan, e.g. `bore-diameter`.
    public var id: String
    public var name: String
    public var kind: CharacteristicKind
    /// Variable only: inclusive limits (at least one), unit and an optional nominal value.
    public var lowerLimit: Double?
    public var upperLimit: Double?
    public var unit: String?
    public var target: Double?
    public init(
        id: String,
        name: String,
        kind: CharacteristicKind,
        lowerLimit: Double? = nil,
        upperLimit: Double? = nil,
        unit: String? = nil,
        target: Double? = nil
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.lowerLimit = lowerLimit
        self.upperLimit = upperLimit
        self.unit = unit
        self.target = target
    }

    /// A variable characteristic with limits and unit.
    public static func variable(_ id: String, _ name: String, lower: Double?, upper: Double?, unit: String, target: Double? = nil) -> Characteristic {
        Characteristic(id: id, name: name, kind: .variable, lowerLimit: lower, upperLimit: upper, unit: unit, target: target)
    }
    /// An attribute (pass/fail) characteristic.
    public static func attribute(_ id: String, _ name: String) -> Characteristic {
        Characteristic(id: id, name: name, kind: .attribute)
    }

    /// Whether `value` lies within the limits (inclusive).
    public func accepts(_ value: Double) -> Bool {
        value.isFinite && (lowerLimit.map { value >= $0 - 1e-12 } ?? true) && (upperLimit.map { value <= $0 + 1e-12 } ?? true)
    }
}

/// When an inspection plan asks for a passed result.
public enum InspectionFrequency: String, StringChoice, Codable, Sendable, CaseIterable {
    /// One passed result per order operation (the first piece).
    case firstPiece = "first-piece"
    /// One passed result per output lot of the order.
    case everyLot = "every-lot"
    /// One passed result per `everyUnits` units reported on the operation (rounded up).
    case everyN = "every-n"
}

public enum Severity: String, StringChoice, Codable, Sendable, CaseIterable {
    case minor, major, critical
}

/// What to inspect on an item, optionally at one operation of its routing. A purchased item's plan without an
/// operation is an incoming inspection. Redefining a plan keeps its ID and raises its revision.
public struct InspectionPlan: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<InspectionPlan>
    public var id: ID
    public var name: String
    public var item: Item.ID
    /// The routing operation (sequence number) it inspects; nil for an item-level (e.g. incoming) inspection.
    public var operation: Int?
    public var characteristics: [Characteristic]
    /// Samples per result: each characteristic is recorded once per sample.
    public var sampleSize: Int
    public var frequency: InspectionFrequency
    /// For `every-n`: the units per required inspection.
    public var everyUnits: Double?
    /// The severity of the nonconformance a failed result opens.
    public var failureSeverity: Severity
    /// Set by the plant: 1 when first defined, one more on every redefinition.
    public var revision: Int
    public init(
        id: ID,
        name: String,
        item: Item.ID,
        operation: Int? = nil,
        characteristics: [Characteristic],
        sampleSize: Int = 1,
        frequency: InspectionFrequency = .firstPiece,
        everyUnits: Double? = nil,
        failureSeverity: Severity = .major,
        revision: Int = 0
    ) {
        self.id = id
        self.name = name
        self.item = item
        self.operation = operation
        self.characteristics = characteristics
        self.sampleSize = sampleSize
        self.frequency = frequency
        self.everyUnits = everyUnits
        self.failureSeverity = failureSeverity
        self.revision = revision
    }
}

// MARK: - Inspection results

/// One entry of a result: one characteristic on one sample. A variable carries `value`, an attribute `passed`.
public struct Measurement: Codable, Sendable, Hashable {
    public var characteristic: String
    /// 1-based sample number (defaults to 1).
    public var sample: Int
    public var value: Double?
    public var passed: Bool?
    public init(characteristic: String, sample: Int = 1, value: Double? = nil, passed: Bool? = nil) {
        self.characteristic = characteristic
        self.sample = sample
        self.value = value
        self.passed = passed
    }
    public static func value(_ characteristic: String, _ value: Double, sample: Int = 1) -> Measurement {
        Measurement(characteristic: characteristic, sample: sample, value: value)
    }
    public static func attribute(_ characteristic: String, _ passed: Bool, sample: Int = 1) -> Measurement {
        Measurement(characteristic: characteristic, sample: sample, passed: passed)
    }
}

public struct RecordInspectionResult: Codable, Sendable, Hashable {
    public var plan: InspectionPlan.ID
    /// The order operation inspected; `operation` defaults to the plan's.
    public var productionOrder: ProductionOrder.ID?
    public var operation: Int?
    /// The lot inspected (every-lot and incoming plans); a made lot names its order.
    public var lot: Lot.ID?
    public var measurements: [Measurement]
    public var note: String?
    public init(
        plan: InspectionPlan.ID,
        productionOrder: ProductionOrder.ID? = nil,
        operation: Int? = nil,
        lot: Lot.ID? = nil,
        measurements: [Measurement],
        note: String? = nil
    ) {
        self.plan = plan
        self.productionOrder = productionOrder
        self.operation = operation
        self.lot = lot
        self.measurements = measurements
        self.note = note
    }
}

/// A recorded measurement with its verdict.
public struct MeasuredValue: Codable, Sendable, Hashable {
    public var characteristic: String
    public var sample: Int
    public var value: Double?
    public var passed: Bool
    public init(characteristic: String, sample: Int, value: Double?, passed: Bool) {
        self.characteristic = characteristic
        self.sample = sample
        self.value = value
        self.passed = passed
    }
}

/// A recorded inspection: what was inspected against which plan revision, every measurement, and the verdict.
public struct InspectionResult: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<InspectionResult>
    public var id: ID
    public var plan: InspectionPlan.ID
    public var planRevision: Int
    public var item: Item.ID
    public var productionOrder: ProductionOrder.ID?
    public var operation: Int?
    public var lot: Lot.ID?
    public var measurements: [MeasuredValue]
    /// True when every measurement passed.
    public var passed: Bool
    public var note: String?
    public var by: User.ID?
    public var at: Date
    public init(
        id: ID,
        plan: InspectionPlan.ID,
        planRevision: Int,
        item: Item.ID,
        productionOrder: ProductionOrder.ID?,
        operation: Int?,
        lot: Lot.ID?,
        measurements: [MeasuredValue],
        passed: Bool,
        note: String?,
        by: User.ID?,
        at: Date
    ) {
        self.id = id
        self.plan = plan
        self.planRevision = planRevision
        self.item = item
        self.productionOrder = productionOrder
        self.operation = operation
        self.lot = lot
        self.measurements = measurements
        self.passed = passed
        self.note = note
        self.by = by
        self.at = at
    }
}

// MARK: - Nonconformances

public enum NonconformanceStatus: String, StringChoice, Codable, Sendable, CaseIterable {
    case open
    /// A supervisor proposed a disposition; quality must approve it.
    case awaitingApproval = "awaiting-approval"
    /// Rework was decided; the NC closes when the rework operation completes.
    case inRework = "in-rework"
    case closed
}

public enum DispositionKind: String, StringChoice, Codable, Sendable, CaseIterable {
    case scrap, rework
    case useAsIs = "use-as-is"
    case returnToSupplier = "return-to-supplier"
}

/// What is to be done with nonconforming material, who decided it and who approved it.
public struct Disposition: Codable, Sendable, Hashable {
    public var kind: DispositionKind
    public var reason: String
    /// Rework: where the rework operation runs.
    public var workCenter: WorkCenter.ID?
    public var decidedBy: User.ID?
    public var decidedAt: Date
    /// Set when quality approved it (at once when quality decided it).
    public var approvedBy: User.ID?
    public var approvedAt: Date?
    public init(
        kind: DispositionKind,
        reason: String,
        workCenter: WorkCenter.ID? = nil,
        decidedBy: User.ID?,
        decidedAt: Date,
        approvedBy: User.ID? = nil,
        approvedAt: Date? = nil
    ) {
        self.kind = kind
        self.reason = reason
        self.workCenter = workCenter
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.approvedBy = approvedBy
        self.approvedAt = approvedAt
    }
}

/// A recorded deviation: what, where, which lots, how severe, and what was decided.
public struct Nonconformance: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<Nonconformance>
    public var id: ID
    /// What is wrong.
    public var description: String
    public var severity: Severity
    public var status: NonconformanceStatus
    public var item: Item.ID?
    public var lots: [Lot.ID]
    public var productionOrder: ProductionOrder.ID?
    public var operation: Int?
    /// Where it was found.
    public var workCenter: WorkCenter.ID?
    public var location: Location.ID?
    /// The failed inspection that opened it, if any.
    public var inspectionResult: InspectionResult.ID?
    public var openedBy: User.ID?
    public var openedAt: Date
    public var disposition: Disposition?
    /// Rework: the operation added to the production order.
    public var reworkOperation: Int?
    public var closedAt: Date?
    public var closedBy: User.ID?
    public var closeNote: String?
    /// Electronic signatures given on this nonconformance (dispositions approved or rejected), oldest first.
    public var signatures: [ElectronicSignature]?
    public init(
        id: ID,
        description: String,
        severity: Severity,
        status: NonconformanceStatus = .open,
        item: Item.ID? = nil,
        lots: [Lot.ID] = [],
        productionOrder: ProductionOrder.ID? = nil,
        operation: Int? = nil,
        workCenter: WorkCenter.ID? = nil,
        location: Location.ID? = nil,
        inspectionResult: InspectionResult.ID? = nil,
        openedBy: User.ID?,
        openedAt: Date,
        disposition: Disposition? = nil,
        reworkOperation: Int? = nil,
        closedAt: Date? = nil,
        closedBy: User.ID? = nil,
        closeNote: String? = nil
    ) {
        self.id = id
        self.description = description
        self.severity = severity
        self.status = status
        self.item = item
        self.lots = lots
        self.productionOrder = productionOrder
        self.operation = operation
        self.workCenter = workCenter
        self.location = location
        self.inspectionResult = inspectionResult
        self.openedBy = openedBy
        self.openedAt = openedAt
        self.disposition = disposition
        self.reworkOperation = reworkOperation
        self.closedAt = closedAt
        self.closedBy = closedBy
        self.closeNote = closeNote
    }
}

public struct OpenNonconformance: Codable, Sendable, Hashable {
    public var description: String
    public var severity: Severity
    public var lots: [Lot.ID]
    public var productionOrder: ProductionOrder.ID?
    public var operation: Int?
    public var workCenter: WorkCenter.ID?
    public var location: Location.ID?
    public init(
        description: String,
        severity: Severity,
        lots: [Lot.ID] = [],
        productionOrder: ProductionOrder.ID? = nil,
        operation: Int? = nil,
        workCenter: WorkCenter.ID? = nil,
        location: Location.ID? = nil
    ) {
        self.description = description
        self.severity = severity
        self.lots = lots
        self.productionOrder = productionOrder
        self.operation = operation
        self.workCenter = workCenter
        self.location = location
    }
}

public struct DispositionNonconformance: Codable, Sendable, Hashable {
    public var nonconformance: Nonconformance.ID
    public var disposition: DispositionKind
    public var reason: String
    /// Rework: where the rework runs; defaults to where the nonconformance was found.
    public var workCenter: WorkCenter.ID?
    public init(nonconformance: Nonconformance.ID, disposition: DispositionKind, reason: String, workCenter: WorkCenter.ID? = nil) {
        self.nonconformance = nonconformance
        self.disposition = disposition
        self.reason = reason
        self.workCenter = workCenter
    }
}

public struct ApproveDisposition: Codable, Sendable, Hashable {
    public var nonconformance: Nonconformance.ID
    /// False rejects the proposal: the nonconformance is open again.
    public var approved: Bool
    public var note: String?
    public init(nonconformance: Nonconformance.ID, approved: Bool = true, note: String? = nil) {
        self.nonconformance = nonconformance
        self.approved = approved
        self.note = note
    }
}

public struct NonconformanceDispositioned: Codable, Sendable, Hashable {
    public var nonconformance: Nonconformance.ID
    public var disposition: Disposition
    public init(nonconformance: Nonconformance.ID, disposition: Disposition) {
        self.nonconformance = nonconformance
        self.disposition = disposition
    }
}

public struct DispositionDecided: Codable, Sendable, Hashable {
    public var nonconformance: Nonconformance.ID
    public var approved: Bool
    public var note: String?
    public var by: User.ID?
    public var at: Date
    public init(nonconformance: Nonconformance.ID, approved: Bool, note: String?, by: User.ID?, at: Date) {
        self.nonconformance = nonconformance
        self.approved = approved
        self.note = note
        self.by = by
        self.at = at
    }
}

/// A rework operation added to a production order (reopening it when it was completed).
public struct ReworkOperationAdded: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var name: String
    public var workCenter: WorkCenter.ID
    public var nonconformance: Nonconformance.ID
    /// True when the order was completed and is in progress again.
    public var reopened: Bool
    public var at: Date
    public init(
        productionOrder: ProductionOrder.ID,
        operation: Int,
        name: String,
        workCenter: WorkCenter.ID,
        nonconformance: Nonconformance.ID,
        reopened: Bool,
        at: Date
    ) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.name = name
        self.workCenter = workCenter
        self.nonconformance = nonconformance
        self.reopened = reopened
        self.at = at
    }
}

public struct NonconformanceClosed: Codable, Sendable, Hashable {
    public var nonconformance: Nonconformance.ID
    public var note: String
    public var by: User.ID?
    public var at: Date
    public init(nonconformance: Nonconformance.ID, note: String, by: User.ID?, at: Date) {
        self.nonconformance = nonconformance
        self.note = note
        self.by = by
        self.at = at
    }
}

// MARK: - Holds

public enum HoldTargetKind: String, StringChoice, Codable, Sendable, CaseIterable {
    case lot
    case supplierLot = "supplier-lot"
    case productionOrder = "production-order"
    case workCenter = "work-center"
}

/// What to hold: exactly one of a lot, a supplier lot (supplier + supplier lot number), a production order or a work center.
public struct PlaceHold: Codable, Sendable, Hashable {
    public var lot: Lot.ID?
    public var supplier: String?
    public var supplierLot: String?
    public var productionOrder: ProductionOrder.ID?
    public var workCenter: WorkCenter.ID?
    public var reason: String
    public init(
        lot: Lot.ID? = nil,
        supplier: String? = nil,
        supplierLot: String? = nil,
        productionOrder: ProductionOrder.ID? = nil,
        workCenter: WorkCenter.ID? = nil,
        reason: String
    ) {
        self.lot = lot
        self.supplier = supplier
        self.supplierLot = supplierLot
        self.productionOrder = productionOrder
        self.workCenter = workCenter
        self.reason = reason
    }
}

/// A lot a hold put on hold, with the status it had before (restored when its last hold is released).
public struct HeldLot: Codable, Sendable, Hashable {
    public var lot: Lot.ID
    public var item: Item.ID
    public var location: Location.ID
    public var previousStatus: LotStatus
    public init(lot: Lot.ID, item: Item.ID, location: Location.ID, previousStatus: LotStatus) {
        self.lot = lot
        self.item = item
        self.location = location
        self.previousStatus = previousStatus
    }
}

/// A lot under a hold that has already left the plant: who to notify.
public struct ShippedLotNotice: Codable, Sendable, Hashable {
    public var lot: Lot.ID
    public var item: Item.ID
    public var productionOrder: ProductionOrder.ID?
    public var salesOrder: SalesOrder.ID?
    public var salesOrderLine: Int?
    public var customer: Customer.ID?
    public init(
        lot: Lot.ID,
        item: Item.ID,
        productionOrder: ProductionOrder.ID?,
        salesOrder: SalesOrder.ID?,
        salesOrderLine: Int?,
        customer: Customer.ID?
    ) {
        self.lot = lot
        self.item = item
        self.productionOrder = productionOrder
        self.salesOrder = salesOrder
        self.salesOrderLine = salesOrderLine
        self.customer = customer
    }
}

/// A quality hold and everything it reached.
public struct Hold: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<Hold>
    public var id: ID
    public var kind: HoldTargetKind
    public var lot: Lot.ID?
    public var supplier: String?
    public var supplierLot: String?
    public var productionOrder: ProductionOrder.ID?
    public var workCenter: WorkCenter.ID?
    public var reason: String
    /// Lots in stock (anywhere: store, line side, staged) put on hold.
    public var lots: [HeldLot]
    /// Orders held: the held order, or in-progress orders that consumed an affected lot (WIP).
    public var orders: [ProductionOrder.ID]
    /// Affected lots already shipped: listed for a customer notification.
    public var shipped: [ShippedLotNotice]
    public var placedBy: User.ID?
    public var placedAt: Date
    public var released: Bool
    public var releasedBy: User.ID?
    public var releasedAt: Date?
    public var releaseReason: String?
    /// Electronic signatures given on this hold (its release), oldest first.
    public var signatures: [ElectronicSignature]?
    public init(
        id: ID,
        kind: HoldTargetKind,
        lot: Lot.ID? = nil,
        supplier: String? = nil,
        supplierLot: String? = nil,
        productionOrder: ProductionOrder.ID? = nil,
        workCenter: WorkCenter.ID? = nil,
        reason: String,
        lots: [HeldLot] = [],
        orders: [ProductionOrder.ID] = [],
        shipped: [ShippedLotNotice] = [],
        placedBy: User.ID?,
        placedAt: Date,
        released: Bool = false,
        releasedBy: User.ID? = nil,
        releasedAt: Date? = nil,
        releaseReason: String? = nil,
        signatures: [ElectronicSignature]? = nil
    ) {
        self.signatures = signatures
        self.id = id
        self.kind = kind
        self.lot = lot
        self.supplier = supplier
        self.supplierLot = supplierLot
        self.productionOrder = productionOrder
        self.workCenter = workCenter
        self.reason = reason
        self.lots = lots
        self.orders = orders
        self.shipped = shipped
        self.placedBy = placedBy
        self.placedAt = placedAt
        self.released = released
        self.releasedBy = releasedBy
        self.releasedAt = releasedAt
        self.releaseReason = releaseReason
    }
}

public struct ReleaseHold: Codable, Sendable, Hashable {
    public var hold: Hold.ID
    public var reason: String
    public init(hold: Hold.ID, reason: String) {
        self.hold = hold
        self.reason = reason
    }
}

/// What releasing a hold released, and what stays held by other holds.
public struct HoldReleased: Codable, Sendable, Hashable {
    public var hold: Hold.ID
    public var reason: String
    /// Lots back to their status before the hold.
    public var restoredLots: [HeldLot]
    /// Lots that stay on hold under another active hold.
    public var stillHeldLots: [Lot.ID]
    /// Orders no longer on hold.
    public var releasedOrders: [ProductionOrder.ID]
    public var releasedWorkCenter: WorkCenter.ID?
    public var by: User.ID?
    public var at: Date
    public init(
        hold: Hold.ID,
        reason: String,
        restoredLots: [HeldLot],
        stillHeldLots: [Lot.ID],
        releasedOrders: [ProductionOrder.ID],
        releasedWorkCenter: WorkCenter.ID?,
        by: User.ID?,
        at: Date
    ) {
        self.hold = hold
        self.reason = reason
        self.restoredLots = restoredLots
        self.stillHeldLots = stillHeldLots
        self.releasedOrders = releasedOrders
        self.releasedWorkCenter = releasedWorkCenter
        self.by = by
        self.at = at
    }
}

// MARK: - Lot status

extension LotStatus {
    /// Held: not to be consumed, moved (except quarantine → quarantine), staged or shipped until quality releases it.
    public var isHeld: Bool { self == .onHold || self == .quarantine }
    /// Physically in the plant (in a store, at a line side, staged): available or held.
    public var isInStock: Bool { self == .available || isHeld }
}

// MARK: - Decoding defaults

extension InspectionPlan {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(ID.self, forKey: .id),
            name: try c.decode(String.self, forKey: .name),
            item: try c.decode(Item.ID.self, forKey: .item),
            operation: try c.decodeIfPresent(Int.self, forKey: .operation),
            characteristics: try c.decode([Characteristic].self, forKey: .characteristics),
            sampleSize: try c.decodeIfPresent(Int.self, forKey: .sampleSize) ?? 1,
            frequency: try c.decodeIfPresent(InspectionFrequency.self, forKey: .frequency) ?? .firstPiece,
            everyUnits: try c.decodeIfPresent(Double.self, forKey: .everyUnits),
            failureSeverity: try c.decodeIfPresent(Severity.self, forKey: .failureSeverity) ?? .major,
            revision: try c.decodeIfPresent(Int.self, forKey: .revision) ?? 0
        )
    }
}

extension Measurement {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            characteristic: try c.decode(String.self, forKey: .characteristic),
            sample: try c.decodeIfPresent(Int.self, forKey: .sample) ?? 1,
            value: try c.decodeIfPresent(Double.self, forKey: .value),
            passed: try c.decodeIfPresent(Bool.self, forKey: .passed)
        )
    }
}

extension OpenNonconformance {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            description: try c.decode(String.self, forKey: .description),
            severity: try c.decode(Severity.self, forKey: .severity),
            lots: try c.decodeIfPresent([Lot.ID].self, forKey: .lots) ?? [],
            productionOrder: try c.decodeIfPresent(ProductionOrder.ID.self, forKey: .productionOrder),
            operation: try c.decodeIfPresent(Int.self, forKey: .operation),
            workCenter: try c.decodeIfPresent(WorkCenter.ID.self, forKey: .workCenter),
            location: try c.decodeIfPresent(Location.ID.self, forKey: .location)
        )
    }
}

extension ApproveDisposition {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            nonconformance: try c.decode(Nonconformance.ID.self, forKey: .nonconformance),
            approved: try c.decodeIfPresent(Bool.self, forKey: .approved) ?? true,
            note: try c.decodeIfPresent(String.self, forKey: .note)
        )
    }
}
