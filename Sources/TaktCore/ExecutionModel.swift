public import Foundation

// The execution record: what actually happened on the shop floor. Commands and events of execution
// carry these types; `PlantState` keeps them as projections (see Execution.swift).

// MARK: - Work instructions

/// A controlled document an operator must have read, in its current revision, before running an operation.
public struct WorkInstruction: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<WorkInstruction>
    public var id: ID
    public var title: String
    /// The current revision, e.g. "B". Changing it asks every operator to acknowledge again.
    public var revision: String
    public var text: String
    /// Images and PDFs of the current revision (see docs/work-instructions.md).
    public var attachments: [Attachment.ID]
    public init(id: ID, title: String, revision: String, text: String = "", attachments: [Attachment.ID] = []) {
        self.id = id
        self.title = title
        self.revision = revision
        self.text = text
        self.attachments = attachments
    }
}

// MARK: - Operations of a production order

public enum OperationStatus: String, StringChoice, Codable, Sendable, CaseIterable {
    case waiting, running, paused, completed
}

/// One stretch of work on an operation, from start or resume to pause or completion.
public struct WorkSegment: Codable, Sendable, Hashable {
    public var `operator`: User.ID?
    public var workCenter: WorkCenter.ID
    public var start: Date
    public var end: Date?
    public init(operator: User.ID?, workCenter: WorkCenter.ID, start: Date, end: Date? = nil) {
        self.operator = `operator`
        self.workCenter = workCenter
        self.start = start
        self.end = end
    }
    public var minutes: Double { ((end ?? start).timeIntervalSince(start)) / 60 }
}

/// A supervisor's recorded permission to pass one interlock on one operation.
public struct InterlockOverride: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var interlock: Interlock
    public var reason: String
    public var by: User.ID?
    public var at: Date
    /// For a lot interlock: the one lot it lets pass; nil lets the interlock pass for every lot scanned into the operation.
    public var lot: Lot.ID?
    public init(
        productionOrder: ProductionOrder.ID,
        operation: Int,
        interlock: Interlock,
        reason: String,
        by: User.ID?,
        at: Date,
        lot: Lot.ID? = nil
    ) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.interlock = interlock
        self.reason = reason
        self.by = by
        self.at = at
        self.lot = lot
    }

    /// Whether this override lets `interlock` pass for `lot` (nil: an action that concerns no lot, such as a start).
    public func covers(_ interlock: Interlock, lot: Lot.ID?) -> Bool {
        self.interlock == interlock && (self.lot == nil || self.lot == lot)
    }
}

/// The execution record of one routing operation of a production order.
public struct OperationProgress: Codable, Sendable, Hashable {
    public var sequence: Int
    public var name: String
    public var status: OperationStatus
    /// Where it runs (set when started).
    public var workCenter: WorkCenter.ID?
    public var good: Double
    public var scrap: Double
    public var rework: Double
    /// Planned setup + run minutes for the order quantity on the work center it runs on.
    public var plannedMinutes: Double?
    public var segments: [WorkSegment]
    public var pauseReason: String?
    public var startedAt: Date?
    public var completedAt: Date?
    /// Set when the routing asks for an inspection of this operation; true once one passed.
    public var inspectionRequired: Bool
    public var inspectionPassed: Bool
    public var overrides: [InterlockOverride]
    /// Set on a rework operation added by a nonconformance's disposition: the nonconformance, and where it runs.
    public var reworkOf: Nonconformance.ID?
    public var reworkWorkCenter: WorkCenter.ID?

    public init(
        sequence: Int,
        name: String,
        status: OperationStatus = .waiting,
        workCenter: WorkCenter.ID? = nil,
        good: Double = 0,
        scrap: Double = 0,
        rework: Double = 0,
        plannedMinutes: Double? = nil,
        segments: [WorkSegment] = [],
        pauseReason: String? = nil,
        startedAt: Date? = nil,
        completedAt: Date? = nil,
        inspectionRequired: Bool = false,
        inspectionPassed: Bool = false,
        overrides: [InterlockOverride] = [],
        reworkOf: Nonconformance.ID? = nil,
        reworkWorkCenter: WorkCenter.ID? = nil
    ) {
        self.sequence = sequence
        self.name = name
        self.status = status
        self.workCenter = workCenter
        self.good = good
        self.scrap = scrap
        self.rework = rework
        self.plannedMinutes = plannedMinutes
        self.segments = segments
        self.pauseReason = pauseReason
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.inspectionRequired = inspectionRequired
        self.inspectionPassed = inspectionPassed
        self.overrides = overrides
        self.reworkOf = reworkOf
        self.reworkWorkCenter = reworkWorkCenter
    }

    public var isRework: Bool { reworkOf != nil }
    /// A rework operation has no routing step; this stands in for one: its work center, no setup or run time.
    var reworkStep: RoutingOperation? {
        guard isRework, let wc = reworkWorkCenter else { return nil }
        return RoutingOperation(sequence: sequence, name: name, workCenters: [.init(workCenter: wc, setupMinutes: 0, runMinutesPerUnit: 0)])
    }

    /// Minutes actually worked: the sum of its closed segments.
    public var actualMinutes: Double { segments.reduce(0) { $0 + $1.minutes } }
    /// Good + scrap + rework: everything the operation has produced so far.
    public var reported: Double { good + scrap + rework }
}

// MARK: - Interlocks

/// A rule the shop floor must pass before an action; each refusal names one of these.
public enum Interlock: String, StringChoice, Codable, Sendable, CaseIterable {
    case orderNotReleased = "order-not-released"
    case previousOperationNotReported = "previous-operation-not-reported"
    case operatorNotClockedIn = "operator-not-clocked-in"
    case operatorNotCertified = "operator-not-certified"
    case certificationExpired = "certification-expired"
    case materialNotStaged = "material-not-staged"
    case lotOnHold = "lot-on-hold"
    case lotWrongItem = "lot-wrong-item"
    case inspectionNotPassed = "inspection-not-passed"
    case workInstructionNotAcknowledged = "work-instruction-not-acknowledged"
    case workCenterDown = "work-center-down"
    /// A quality hold on the production order (or on WIP a supplier-lot hold reached); released by quality, not overridden.
    case orderOnHold = "order-on-hold"
    /// A quality hold on the work center; released by quality, not overridden.
    case workCenterOnHold = "work-center-on-hold"
    /// The consumption would take stock of the scanned lot that is reserved for another order.
    case lotReservedElsewhere = "lot-reserved-elsewhere"
    /// The scanned lot lies outside the line side of the work center the operation runs on.
    case lotNotAtLineSide = "lot-not-at-line-side"

    /// Interlocks checked when a lot is consumed; an override of one of these may name the lot it is for.
    public static let lotInterlocks: [Interlock] = [.lotOnHold, .lotWrongItem, .lotReservedElsewhere, .lotNotAtLineSide]
    public var isLotInterlock: Bool { Self.lotInterlocks.contains(self) }
}

// MARK: - Labour

public struct ClockIn: Codable, Sendable, Hashable {
    public var user: User.ID
    public var workCenter: WorkCenter.ID
    public var since: Date
    public init(user: User.ID, workCenter: WorkCenter.ID, since: Date) {
        self.user = user
        self.workCenter = workCenter
        self.since = since
    }
}

/// A closed clock-in: who was at which work center, from when to when.
public struct LabourSession: Codable, Sendable, Hashable {
    public var user: User.ID
    public var workCenter: WorkCenter.ID
    public var start: Date
    public var end: Date
    public init(user: User.ID, workCenter: WorkCenter.ID, start: Date, end: Date) {
        self.user = user
        self.workCenter = workCenter
        self.start = start
        self.end = end
    }
    public var minutes: Double { end.timeIntervalSince(start) / 60 }
}

// MARK: - Machine states

public enum MachineState: String, StringChoice, Codable, Sendable, CaseIterable {
    /// Producing at its ideal rate.
    case running
    /// Producing, but slower than the ideal rate.
    case slow
    /// Being set up or changed over.
    case setup
    /// Available but not producing (no work, waiting for material or an operator).
    case idle
    /// Not available: a breakdown or another unplanned stop, with a reason.
    case down
}

/// A work center entered a machine state at a time.
public struct MachineStateChange: Codable, Sendable, Hashable {
    public var workCenter: WorkCenter.ID
    public var state: MachineState
    public var reason: String?
    public var at: Date
    public var by: User.ID?
    /// For `slow`: the rate observed and the ideal rate, in units per hour.
    public var actualRate: Double?
    public var idealRate: Double?
    /// For `down` and `slow`: when the work center is expected back at its ideal rate, as reported.
    public var expectedUntil: Date?
    public init(
        workCenter: WorkCenter.ID,
        state: MachineState,
        reason: String? = nil,
        at: Date,
        by: User.ID? = nil,
        actualRate: Double? = nil,
        idealRate: Double? = nil,
        expectedUntil: Date? = nil
    ) {
        self.workCenter = workCenter
        self.state = state
        self.reason = reason
        self.at = at
        self.by = by
        self.actualRate = actualRate
        self.idealRate = idealRate
        self.expectedUntil = expectedUntil
    }
}

/// A piece count signalled by a machine (a counter increment since the last one).
public struct MachineCount: Codable, Sendable, Hashable {
    public var workCenter: WorkCenter.ID
    public var count: Double
    public var at: Date
    /// Scrapped parts in this count, the machine's good and scrap counters after it (see ``RecordMachineCount``).
    public var scrap: Double?
    public var goodCounter: Double?
    public var scrapCounter: Double?
    /// Which signal each counter was read from (see ``RecordMachineCount``).
    public var goodCounterSource: String?
    public var scrapCounterSource: String?
    public init(
        workCenter: WorkCenter.ID,
        count: Double,
        at: Date,
        scrap: Double? = nil,
        goodCounter: Double? = nil,
        scrapCounter: Double? = nil,
        goodCounterSource: String? = nil,
        scrapCounterSource: String? = nil
    ) {
        self.workCenter = workCenter
        self.count = count
        self.at = at
        self.scrap = scrap
        self.goodCounter = goodCounter
        self.scrapCounter = scrapCounter
        self.goodCounterSource = goodCounterSource
        self.scrapCounterSource = scrapCounterSource
    }
}

/// Quantities reported on an operation at a work center, with the ideal time per unit they stand for
/// (the routing's run minutes per unit there), so OEE can weigh them.
public struct ProductionReport: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var workCenter: WorkCenter.ID
    public var good: Double
    public var scrap: Double
    public var rework: Double
    public var scrapReason: String?
    public var idealMinutesPerUnit: Double
    public var at: Date
    public var by: User.ID?
    public init(
        productionOrder: ProductionOrder.ID,
        operation: Int,
        workCenter: WorkCenter.ID,
        good: Double,
        scrap: Double = 0,
        rework: Double = 0,
        scrapReason: String? = nil,
        idealMinutesPerUnit: Double,
        at: Date,
        by: User.ID? = nil
    ) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.workCenter = workCenter
        self.good = good
        self.scrap = scrap
        self.rework = rework
        self.scrapReason = scrapReason
        self.idealMinutesPerUnit = idealMinutesPerUnit
        self.at = at
        self.by = by
    }
}

// MARK: - Genealogy

/// A quantity of a lot consumed into an operation of a production order: one edge of the genealogy.
public struct Consumption: Codable, Sendable, Hashable {
    public var lot: Lot.ID
    public var item: Item.ID
    public var quantity: Double
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var workCenter: WorkCenter.ID?
    public var by: User.ID?
    public var at: Date
    /// Interlocks this consumption failed and passed only because a supervisor overrode them on the operation
    /// (the `interlockOverridden` event says who and why).
    public var overridden: [Interlock]
    /// Reservations of other orders on the lot that gave way to this consumption (only ever with an override of
    /// `lot-reserved-elsewhere`), with their staging tasks. Informative: applying the event derives the same.
    public var displaced: [DisplacedReservation]
    public init(
        lot: Lot.ID,
        item: Item.ID,
        quantity: Double,
        productionOrder: ProductionOrder.ID,
        operation: Int,
        workCenter: WorkCenter.ID?,
        by: User.ID?,
        at: Date,
        overridden: [Interlock] = [],
        displaced: [DisplacedReservation] = []
    ) {
        self.lot = lot
        self.item = item
        self.quantity = quantity
        self.productionOrder = productionOrder
        self.operation = operation
        self.workCenter = workCenter
        self.by = by
        self.at = at
        self.overridden = overridden
        self.displaced = displaced
    }
}

/// Another order's reservation that gave way when a lot was consumed: how much of it was taken, whether it went
/// entirely, and what became of its staging task.
public struct DisplacedReservation: Codable, Sendable, Hashable {
    public var reservation: Reservation.ID
    public var productionOrder: ProductionOrder.ID
    /// The routing operation the reservation was for.
    public var operation: Int
    /// How much of the reservation the consumption took.
    public var quantity: Double
    /// What is left of the reservation (0 when it was released entirely).
    public var remaining: Double
    public var stagingTask: StagingTask.ID?
    /// The staging task's status afterwards (`cancelled` when it no longer has anything to stage).
    public var stagingTaskStatus: StagingTaskStatus?
    public init(
        reservation: Reservation.ID,
        productionOrder: ProductionOrder.ID,
        operation: Int,
        quantity: Double,
        remaining: Double,
        stagingTask: StagingTask.ID? = nil,
        stagingTaskStatus: StagingTaskStatus? = nil
    ) {
        self.reservation = reservation
        self.productionOrder = productionOrder
        self.operation = operation
        self.quantity = quantity
        self.remaining = remaining
        self.stagingTask = stagingTask
        self.stagingTaskStatus = stagingTaskStatus
    }
}

/// What a scan of a lot into an operation should consume: what the operation still needs of the lot's component,
/// capped by what the lot can give without taking another order's stock, and what would stop it.
public struct ConsumptionProposal: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var lot: Lot.ID
    public var item: Item.ID
    /// The item's unit, e.g. "ea".
    public var unit: String
    public var location: Location.ID
    /// The BOM component the lot stands for (its own item or one it substitutes); nil when it is none of the order's.
    public var component: Item.ID?
    /// The routing operation that consumes the component (its own, else the routing's first).
    public var consumingOperation: Int?
    /// BOM quantity × order quantity of the component.
    public var required: Double
    /// What the order has consumed of the component and its substitutes so far.
    public var consumed: Double
    /// required − consumed, not below 0: what is still to be consumed.
    public var remaining: Double
    /// The lot's quantity.
    public var inLot: Double
    /// Of it, reserved for other orders.
    public var reservedForOthers: Double
    /// inLot − reservedForOthers: what the lot can give this order without taking another order's stock.
    public var free: Double
    /// The quantity to propose: `remaining`, capped by `free` (by `inLot` when nothing is free); 0 when nothing remains.
    public var proposed: Double
    /// What would refuse consuming `proposed` now, after the supervisor's overrides; empty when it can be consumed.
    public var blockers: [Violation]
    /// A sentence for the operator, e.g. "PO-000008 op 10 still needs 16 ea of CH-NB-32-160 (18 required, 2 consumed)".
    public var summary: String
    public init(
        productionOrder: ProductionOrder.ID,
        operation: Int,
        lot: Lot.ID,
        item: Item.ID,
        unit: String,
        location: Location.ID,
        component: Item.ID?,
        consumingOperation: Int?,
        required: Double,
        consumed: Double,
        remaining: Double,
        inLot: Double,
        reservedForOthers: Double,
        free: Double,
        proposed: Double,
        blockers: [Violation],
        summary: String
    ) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.lot = lot
        self.item = item
        self.unit = unit
        self.location = location
        self.component = component
        self.consumingOperation = consumingOperation
        self.required = required
        self.consumed = consumed
        self.remaining = remaining
        self.inLot = inLot
        self.reservedForOthers = reservedForOthers
        self.free = free
        self.proposed = proposed
        self.blockers = blockers
        self.summary = summary
    }
}

/// A lot made by an operation of a production order.
public struct LotProduced: Codable, Sendable, Hashable {
    public var lot: Lot
    public var operation: Int
    public var workCenter: WorkCenter.ID?
    public var by: User.ID?
    public init(lot: Lot, operation: Int, workCenter: WorkCenter.ID?, by: User.ID?) {
        self.lot = lot
        self.operation = operation
        self.workCenter = workCenter
        self.by = by
    }
}

// MARK: - Command payloads

/// Identifies one operation of a production order by the routing's sequence number.
public struct OperationRef: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public init(productionOrder: ProductionOrder.ID, operation: Int) {
        self.productionOrder = productionOrder
        self.operation = operation
    }
}

public struct StartOperation: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    /// Optional when the operation has one eligible work center, or the operator is clocked in at one of them.
    public var workCenter: WorkCenter.ID?
    /// Who does the work; defaults to the user who sends the command.
    public var `operator`: User.ID?
    public init(productionOrder: ProductionOrder.ID, operation: Int, workCenter: WorkCenter.ID? = nil, operator: User.ID? = nil) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.workCenter = workCenter
        self.operator = `operator`
    }
}

public struct PauseOperation: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var reason: String
    public init(productionOrder: ProductionOrder.ID, operation: Int, reason: String) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.reason = reason
    }
}

public struct ResumeOperation: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var `operator`: User.ID?
    public init(productionOrder: ProductionOrder.ID, operation: Int, operator: User.ID? = nil) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.operator = `operator`
    }
}

/// Good, scrapped and rework quantities made since the last report.
public struct ReportQuantity: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var good: Double
    public var scrap: Double
    /// Required when `scrap` is above zero, e.g. "porosity", "dimension out of tolerance".
    public var scrapReason: String?
    public var rework: Double
    public init(productionOrder: ProductionOrder.ID, operation: Int, good: Double, scrap: Double = 0, scrapReason: String? = nil, rework: Double = 0)
    {
        self.productionOrder = productionOrder
        self.operation = operation
        self.good = good
        self.scrap = scrap
        self.scrapReason = scrapReason
        self.rework = rework
    }
}

public struct OverrideInterlock: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var interlock: Interlock
    public var reason: String
    /// For a lot interlock: the lot the override is for; left out, it lets the interlock pass for every lot.
    public var lot: Lot.ID?
    public init(productionOrder: ProductionOrder.ID, operation: Int, interlock: Interlock, reason: String, lot: Lot.ID? = nil) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.interlock = interlock
        self.reason = reason
        self.lot = lot
    }
}

public struct RecordInspection: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var passed: Bool
    public var note: String?
    public init(productionOrder: ProductionOrder.ID, operation: Int, passed: Bool, note: String? = nil) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.passed = passed
        self.note = note
    }
}

public struct ConsumeLot: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var lot: Lot.ID
    public var quantity: Double
    public init(productionOrder: ProductionOrder.ID, operation: Int, lot: Lot.ID, quantity: Double) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.lot = lot
        self.quantity = quantity
    }
}

/// Books an output lot of the order's item (or one lot per serial number, quantity 1 each).
public struct ProduceLot: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    /// The new lot's ID; with `serials` the serial numbers are the lot IDs instead.
    public var lot: Lot.ID?
    public var quantity: Double?
    public var serials: [Lot.ID]?
    public var location: Location.ID
    public init(
        productionOrder: ProductionOrder.ID,
        operation: Int,
        lot: Lot.ID? = nil,
        quantity: Double? = nil,
        serials: [Lot.ID]? = nil,
        location: Location.ID
    ) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.lot = lot
        self.quantity = quantity
        self.serials = serials
        self.location = location
    }
}

public struct ClockInCommand: Codable, Sendable, Hashable {
    public var workCenter: WorkCenter.ID
    /// Defaults to the user who sends the command.
    public var user: User.ID?
    public init(workCenter: WorkCenter.ID, user: User.ID? = nil) {
        self.workCenter = workCenter
        self.user = user
    }
}

public struct ClockOutCommand: Codable, Sendable, Hashable {
    public var user: User.ID?
    public init(user: User.ID? = nil) { self.user = user }
}

public struct AcknowledgeWorkInstruction: Codable, Sendable, Hashable {
    public var workInstruction: WorkInstruction.ID
    /// The revision read; it must be the current one.
    public var revision: String
    public init(workInstruction: WorkInstruction.ID, revision: String) {
        self.workInstruction = workInstruction
        self.revision = revision
    }
}

public struct SetMachineState: Codable, Sendable, Hashable {
    public var workCenter: WorkCenter.ID
    public var state: MachineState
    /// Required for `down` (e.g. "spindle failure"); optional otherwise.
    public var reason: String?
    public var actualRate: Double?
    public var idealRate: Double?
    /// For `down` and `slow`: when maintenance expects the work center back at its ideal rate (the reported repair time).
    public var expectedUntil: Date?
    public init(
        workCenter: WorkCenter.ID,
        state: MachineState,
        reason: String? = nil,
        actualRate: Double? = nil,
        idealRate: Double? = nil,
        expectedUntil: Date? = nil
    ) {
        self.workCenter = workCenter
        self.state = state
        self.reason = reason
        self.actualRate = actualRate
        self.idealRate = idealRate
        self.expectedUntil = expectedUntil
    }
}

public struct RecordMachineCount: Codable, Sendable, Hashable {
    public var workCenter: WorkCenter.ID
    /// Parts (cycles) counted since the last count.
    public var count: Double
    /// Of them, scrapped by the machine, when it counts scrap.
    public var scrap: Double?
    /// The machine's own counters after this count, when the count comes from them (the machine-data bridge resumes
    /// from these readings, so a count missed while it was away is counted with the next reading).
    public var goodCounter: Double?
    public var scrapCounter: Double?
    /// Which signal each counter was read from (e.g. `Plant1/Line3/MILL-1: Good`): a reading from another signal later
    /// (the mapping changed, another edge node) starts a new baseline instead of being compared with this one.
    public var goodCounterSource: String?
    public var scrapCounterSource: String?
    /// Also report the parts on the operation running at the work center (in the same commit); with none running, the
    /// count alone is recorded.
    public var reportProduction: Bool?
    public init(
        workCenter: WorkCenter.ID,
        count: Double,
        scrap: Double? = nil,
        goodCounter: Double? = nil,
        scrapCounter: Double? = nil,
        goodCounterSource: String? = nil,
        scrapCounterSource: String? = nil,
        reportProduction: Bool? = nil
    ) {
        self.workCenter = workCenter
        self.count = count
        self.scrap = scrap
        self.goodCounter = goodCounter
        self.scrapCounter = scrapCounter
        self.goodCounterSource = goodCounterSource
        self.scrapCounterSource = scrapCounterSource
        self.reportProduction = reportProduction
    }
}

// MARK: - Event payloads

public struct OperationStarted: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var workCenter: WorkCenter.ID
    public var `operator`: User.ID?
    public var plannedMinutes: Double
    public var at: Date
    public init(productionOrder: ProductionOrder.ID, operation: Int, workCenter: WorkCenter.ID, operator: User.ID?, plannedMinutes: Double, at: Date)
    {
        self.productionOrder = productionOrder
        self.operation = operation
        self.workCenter = workCenter
        self.operator = `operator`
        self.plannedMinutes = plannedMinutes
        self.at = at
    }
}

public struct OperationPaused: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var reason: String
    public var by: User.ID?
    public var at: Date
    public init(productionOrder: ProductionOrder.ID, operation: Int, reason: String, by: User.ID?, at: Date) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.reason = reason
        self.by = by
        self.at = at
    }
}

public struct OperationResumed: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var `operator`: User.ID?
    public var at: Date
    public init(productionOrder: ProductionOrder.ID, operation: Int, operator: User.ID?, at: Date) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.operator = `operator`
        self.at = at
    }
}

public struct OperationCompleted: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var workCenter: WorkCenter.ID
    public var good: Double
    public var scrap: Double
    public var rework: Double
    public var plannedMinutes: Double
    public var actualMinutes: Double
    public var by: User.ID?
    public var at: Date
    public init(
        productionOrder: ProductionOrder.ID,
        operation: Int,
        workCenter: WorkCenter.ID,
        good: Double,
        scrap: Double,
        rework: Double,
        plannedMinutes: Double,
        actualMinutes: Double,
        by: User.ID?,
        at: Date
    ) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.workCenter = workCenter
        self.good = good
        self.scrap = scrap
        self.rework = rework
        self.plannedMinutes = plannedMinutes
        self.actualMinutes = actualMinutes
        self.by = by
        self.at = at
    }
}

public struct InspectionRecorded: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var operation: Int
    public var passed: Bool
    public var note: String?
    public var by: User.ID?
    public var at: Date
    public init(productionOrder: ProductionOrder.ID, operation: Int, passed: Bool, note: String?, by: User.ID?, at: Date) {
        self.productionOrder = productionOrder
        self.operation = operation
        self.passed = passed
        self.note = note
        self.by = by
        self.at = at
    }
}

public struct WorkInstructionAcknowledged: Codable, Sendable, Hashable {
    public var user: User.ID
    public var workInstruction: WorkInstruction.ID
    public var revision: String
    public var at: Date
    public init(user: User.ID, workInstruction: WorkInstruction.ID, revision: String, at: Date) {
        self.user = user
        self.workInstruction = workInstruction
        self.revision = revision
        self.at = at
    }
}

/// What releasing an order found about its material: required versus available, per BOM component.
public struct MaterialCheck: Codable, Sendable, Hashable {
    public var item: Item.ID
    public var required: Double
    public var available: Double
    public var shortBy: Double { Quantity.exact(max(0, required - available)) }
    public init(item: Item.ID, required: Double, available: Double) {
        self.item = item
        self.required = required
        self.available = available
    }
    enum CodingKeys: String, CodingKey { case item, required, available, shortBy }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            item: try c.decode(Item.ID.self, forKey: .item),
            required: try c.decode(Double.self, forKey: .required),
            available: try c.decode(Double.self, forKey: .available)
        )
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(item, forKey: .item)
        try c.encode(required, forKey: .required)
        try c.encode(available, forKey: .available)
        try c.encode(shortBy, forKey: .shortBy)
    }
}

// MARK: - Decoding defaults

extension WorkInstruction {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(ID.self, forKey: .id),
            title: try c.decode(String.self, forKey: .title),
            revision: try c.decode(String.self, forKey: .revision),
            text: try c.decodeIfPresent(String.self, forKey: .text) ?? "",
            attachments: try c.decodeIfPresent([Attachment.ID].self, forKey: .attachments) ?? []
        )
    }
}

extension ReportQuantity {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            productionOrder: try c.decode(ProductionOrder.ID.self, forKey: .productionOrder),
            operation: try c.decode(Int.self, forKey: .operation),
            good: try c.decodeIfPresent(Double.self, forKey: .good) ?? 0,
            scrap: try c.decodeIfPresent(Double.self, forKey: .scrap) ?? 0,
            scrapReason: try c.decodeIfPresent(String.self, forKey: .scrapReason),
            rework: try c.decodeIfPresent(Double.self, forKey: .rework) ?? 0
        )
    }
}

// An override writes its lot as an explicit null when it has none, so every reader sees the field.
extension InterlockOverride {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(productionOrder, forKey: .productionOrder)
        try c.encode(operation, forKey: .operation)
        try c.encode(interlock, forKey: .interlock)
        try c.encode(reason, forKey: .reason)
        try c.encodeIfPresent(by, forKey: .by)
        try c.encode(at, forKey: .at)
        try c.encode(lot, forKey: .lot)
    }
}

extension OverrideInterlock {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(productionOrder, forKey: .productionOrder)
        try c.encode(operation, forKey: .operation)
        try c.encode(interlock, forKey: .interlock)
        try c.encode(reason, forKey: .reason)
        try c.encode(lot, forKey: .lot)
    }
}

// Consumptions recorded before overrides and displacements were written decode with neither.
extension Consumption {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            lot: try c.decode(Lot.ID.self, forKey: .lot),
            item: try c.decode(Item.ID.self, forKey: .item),
            quantity: try c.decode(Double.self, forKey: .quantity),
            productionOrder: try c.decode(ProductionOrder.ID.self, forKey: .productionOrder),
            operation: try c.decode(Int.self, forKey: .operation),
            workCenter: try c.decodeIfPresent(WorkCenter.ID.self, forKey: .workCenter),
            by: try c.decodeIfPresent(User.ID.self, forKey: .by),
            at: try c.decode(Date.self, forKey: .at),
            overridden: try c.decodeIfPresent([Interlock].self, forKey: .overridden) ?? [],
            displaced: try c.decodeIfPresent([DisplacedReservation].self, forKey: .displaced) ?? []
        )
    }
}
