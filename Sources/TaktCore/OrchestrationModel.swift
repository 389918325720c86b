public import Foundation

// The orchestrator's vocabulary: exceptions with their impact and ranked actions, approvals, playbooks,
// outcome requests. The analysis that fills these values lives in TaktOrchestration; the core only records
// them and enforces who may approve what.

/// The part of the plant an exception concerns; the inbox filters by it.
public enum PlantFunction: String, StringChoice, Codable, Sendable, CaseIterable, Comparable {
    case production, warehouse, quality, sales, purchasing, labour, planning
    public static func < (l: Self, r: Self) -> Bool { l.rawValue < r.rawValue }
}

/// How urgent an exception is.
public enum ExceptionSeverity: String, StringChoice, Codable, Sendable, CaseIterable, Comparable {
    case low, medium, high, critical
    public var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    public static func < (l: Self, r: Self) -> Bool { l.rank < r.rank }
}

/// What went wrong (or what a user asked for).
public enum DisruptionKind: String, StringChoice, Codable, Sendable, CaseIterable {
    case machineDown = "machine-down"
    case machineSlow = "machine-slow"
    case operationLate = "operation-late"
    case scrapBeyondPlan = "scrap-beyond-plan"
    case shortageProjected = "shortage-projected"
    case materialMissing = "material-missing"
    case qualityHold = "quality-hold"
    case operatorAbsent = "operator-absent"
    case rushOrder = "rush-order"
    case salesOrderChanged = "sales-order-changed"
    case supplierReceiptLate = "supplier-receipt-late"
    case promiseNotFeasible = "promise-not-feasible"
    case outcomeRequest = "outcome-request"
}

/// A disruption in the terms the simulation needs: what is unavailable, slower or added, and from when.
/// It is kept on the exception so that verification can simulate the same disruption again.
public struct Disruption: Codable, Sendable, Hashable {
    public var kind: DisruptionKind
    /// A work center that is down, slow or short of people.
    public var workCenter: WorkCenter.ID?
    /// When the disruption starts and (when known or assumed) ends.
    public var from: Date
    public var until: Date?
    /// For a slowdown: actual rate ÷ ideal rate (0 < factor < 1); durations on the work center grow by 1 ÷ factor.
    public var rateFactor: Double?
    /// A production order and operation that run late, with the minutes they overrun by.
    public var productionOrder: ProductionOrder.ID?
    public var sequence: Int?
    public var extraMinutes: Int?
    /// Material that cannot be used until `until`: an item, and the lots concerned.
    public var item: Item.ID?
    public var lots: [Lot.ID]
    public var quantity: Double?
    /// An absent person.
    public var person: User.ID?
    /// A sales order (rush order, changed order, promise).
    public var salesOrder: SalesOrder.ID?
    public var line: Int?
    public var date: Date?
    /// Operations the disruption stops, as the event that reported it named them (a missing pallet's blocked operations,
    /// a shortage's affected operations); nil when the event named none.
    public var operations: [OperationRef]?
    /// Production orders that cannot run until `until` (orders under a quality hold); nil for none.
    public var orders: [ProductionOrder.ID]?
    /// One cause with several parts (the shortages a plan projects, one per item): the simulation lays each part over the plan;
    /// nil for a disruption of its own.
    public var parts: [Disruption]?

    /// The parts of a compound disruption, else the disruption itself.
    public var components: [Disruption] { parts ?? [self] }
    public init(
        kind: DisruptionKind,
        workCenter: WorkCenter.ID? = nil,
        from: Date,
        until: Date? = nil,
        rateFactor: Double? = nil,
        productionOrder: ProductionOrder.ID? = nil,
        sequence: Int? = nil,
        extraMinutes: Int? = nil,
        item: Item.ID? = nil,
        lots: [Lot.ID] = [],
        quantity: Double? = nil,
        person: User.ID? = nil,
        salesOrder: SalesOrder.ID? = nil,
        line: Int? = nil,
        date: Date? = nil,
        operations: [OperationRef]? = nil,
        orders: [ProductionOrder.ID]? = nil
    ) {
        self.kind = kind
        self.workCenter = workCenter
        self.from = from
        self.until = until
        self.rateFactor = rateFactor
        self.productionOrder = productionOrder
        self.sequence = sequence
        self.extraMinutes = extraMinutes
        self.item = item
        self.lots = lots
        self.quantity = quantity
        self.person = person
        self.salesOrder = salesOrder
        self.line = line
        self.date = date
        self.operations = operations
        self.orders = orders
    }
}

/// One link of an exception's cause chain: the event, then each effect found by the simulation.
public struct CauseLink: Codable, Sendable, Hashable {
    /// `event`, `effect` or `request`.
    public var kind: String
    public var text: String
    /// IDs the link is about (orders, lots, work centers…).
    public var refs: [String]
    public init(kind: String, text: String, refs: [String] = []) {
        self.kind = kind
        self.text = text
        self.refs = refs
    }
}

/// The figures a plan is judged by.
public struct PlanKPIs: Codable, Sendable, Hashable {
    /// Production orders finishing after their due date.
    public var lateOrders: Int
    /// Sum of their lateness.
    public var totalLatenessMinutes: Int
    /// Sum of priority weight × minutes late.
    public var weightedTardinessMinutes: Double
    /// Sales order lines whose production finishes after the promised (else requested) date.
    public var lateCustomerLines: Int
    /// Sum of customer-line lateness.
    public var customerLatenessMinutes: Int
    /// Overtime added by the plan.
    public var overtimeMinutes: Int
    public var setupMinutes: Int
    /// Operations whose start or work center differs from the published schedule (or the undisturbed plan).
    public var movedOperations: Int
    public init(
        lateOrders: Int = 0,
        totalLatenessMinutes: Int = 0,
        weightedTardinessMinutes: Double = 0,
        lateCustomerLines: Int = 0,
        customerLatenessMinutes: Int = 0,
        overtimeMinutes: Int = 0,
        setupMinutes: Int = 0,
        movedOperations: Int = 0
    ) {
        self.lateOrders = lateOrders
        self.totalLatenessMinutes = totalLatenessMinutes
        self.weightedTardinessMinutes = weightedTardinessMinutes
        self.lateCustomerLines = lateCustomerLines
        self.customerLatenessMinutes = customerLatenessMinutes
        self.overtimeMinutes = overtimeMinutes
        self.setupMinutes = setupMinutes
        self.movedOperations = movedOperations
    }
}

/// An operation the disruption moves.
public struct OperationMove: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var sequence: Int
    public var name: String
    public var workCenter: WorkCenter.ID
    public var fromWorkCenter: WorkCenter.ID
    public var plannedStart: Date
    public var newStart: Date
    public var plannedEnd: Date
    public var newEnd: Date
    /// newStart − plannedStart in minutes.
    public var shiftMinutes: Int
    public init(
        productionOrder: ProductionOrder.ID,
        sequence: Int,
        name: String,
        workCenter: WorkCenter.ID,
        fromWorkCenter: WorkCenter.ID,
        plannedStart: Date,
        newStart: Date,
        plannedEnd: Date,
        newEnd: Date,
        shiftMinutes: Int
    ) {
        self.productionOrder = productionOrder
        self.sequence = sequence
        self.name = name
        self.workCenter = workCenter
        self.fromWorkCenter = fromWorkCenter
        self.plannedStart = plannedStart
        self.newStart = newStart
        self.plannedEnd = plannedEnd
        self.newEnd = newEnd
        self.shiftMinutes = shiftMinutes
    }
}

/// A production order (and the customer line it serves) that becomes late, or later.
public struct OrderLateness: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var salesOrder: SalesOrder.ID?
    public var line: Int?
    public var customer: Customer.ID?
    public var priority: Int
    /// The date it is measured against: the customer's promised (else requested) date, else the order's due date.
    public var dueDate: Date
    public var plannedCompletion: Date
    public var predictedCompletion: Date
    /// Minutes late after the disruption (0 when on time).
    public var lateMinutes: Int
    /// Minutes later than planned.
    public var changeMinutes: Int
    public init(
        productionOrder: ProductionOrder.ID,
        salesOrder: SalesOrder.ID? = nil,
        line: Int? = nil,
        customer: Customer.ID? = nil,
        priority: Int,
        dueDate: Date,
        plannedCompletion: Date,
        predictedCompletion: Date,
        lateMinutes: Int,
        changeMinutes: Int
    ) {
        self.productionOrder = productionOrder
        self.salesOrder = salesOrder
        self.line = line
        self.customer = customer
        self.priority = priority
        self.dueDate = dueDate
        self.plannedCompletion = plannedCompletion
        self.predictedCompletion = predictedCompletion
        self.lateMinutes = lateMinutes
        self.changeMinutes = changeMinutes
    }
}

/// A staging task whose needed-by time moves with the operation it feeds.
public struct StagingMove: Codable, Sendable, Hashable {
    public var task: StagingTask.ID
    public var lot: Lot.ID
    public var productionOrder: ProductionOrder.ID
    public var sequence: Int
    public var neededByBefore: Date?
    public var neededByAfter: Date?
    public init(task: StagingTask.ID, lot: Lot.ID, productionOrder: ProductionOrder.ID, sequence: Int, neededByBefore: Date?, neededByAfter: Date?) {
        self.task = task
        self.lot = lot
        self.productionOrder = productionOrder
        self.sequence = sequence
        self.neededByBefore = neededByBefore
        self.neededByAfter = neededByAfter
    }
}

/// Where people are short: a work center whose scheduled work needs more certified, present people.
public struct LabourShortfall: Codable, Sendable, Hashable {
    public var workCenter: WorkCenter.ID
    public var minutes: Int
    public var text: String
    public init(workCenter: WorkCenter.ID, minutes: Int, text: String) {
        self.workCenter = workCenter
        self.minutes = minutes
        self.text = text
    }
}

/// An inspection or document check that becomes due because of the disruption.
public struct CheckDue: Codable, Sendable, Hashable {
    /// `inspection` or `document`.
    public var kind: String
    public var text: String
    public var productionOrder: ProductionOrder.ID?
    public var lot: Lot.ID?
    public var due: Date?
    public init(kind: String, text: String, productionOrder: ProductionOrder.ID? = nil, lot: Lot.ID? = nil, due: Date? = nil) {
        self.kind = kind
        self.text = text
        self.productionOrder = productionOrder
        self.lot = lot
        self.due = due
    }
}

/// Everything an exception touches, for filtering and for people to be told.
public struct AffectedRefs: Codable, Sendable, Hashable {
    public var productionOrders: [ProductionOrder.ID]
    public var salesOrders: [SalesOrder.ID]
    public var lots: [Lot.ID]
    public var workCenters: [WorkCenter.ID]
    public var people: [User.ID]
    public init(
        productionOrders: [ProductionOrder.ID] = [],
        salesOrders: [SalesOrder.ID] = [],
        lots: [Lot.ID] = [],
        workCenters: [WorkCenter.ID] = [],
        people: [User.ID] = []
    ) {
        self.productionOrders = productionOrders
        self.salesOrders = salesOrders
        self.lots = lots
        self.workCenters = workCenters
        self.people = people
    }
}

/// The effect of a disruption across functions, found by simulating the schedule with and without it.
public struct Impact: Codable, Sendable, Hashable {
    /// The plan without the disruption.
    public var baseline: PlanKPIs
    /// The plan with the disruption and no action taken.
    public var predicted: PlanKPIs
    public var operations: [OperationMove]
    public var orders: [OrderLateness]
    public var stagingTasks: [StagingMove]
    public var labour: [LabourShortfall]
    public var checksDue: [CheckDue]
    public var affected: AffectedRefs
    /// Affected lots already shipped: each customer to tell, a recall candidate (quality holds); nil for none.
    public var shipped: [ShippedLotNotice]?
    /// What the simulation took as given: the plant's facts it kept (other machines down, holds, missing lots…) and what it
    /// assumed where the plant does not know (an end nobody reported); nil for none.
    public var assumptions: [String]?
    public init(
        baseline: PlanKPIs,
        predicted: PlanKPIs,
        operations: [OperationMove] = [],
        orders: [OrderLateness] = [],
        stagingTasks: [StagingMove] = [],
        labour: [LabourShortfall] = [],
        checksDue: [CheckDue] = [],
        affected: AffectedRefs = AffectedRefs()
    ) {
        self.baseline = baseline
        self.predicted = predicted
        self.operations = operations
        self.orders = orders
        self.stagingTasks = stagingTasks
        self.labour = labour
        self.checksDue = checksDue
        self.affected = affected
    }
}

/// A kind of next-best action.
public enum ActionKind: String, StringChoice, Codable, Sendable, CaseIterable {
    case moveToAlternativeWorkCenter = "move-to-alternative-work-center"
    case resequence
    case addOvertime = "add-overtime"
    case splitLot = "split-lot"
    case expeditePurchase = "expedite-purchase"
    case expediteTransfer = "expedite-transfer"
    case substituteMaterial = "substitute-material"
    case pickAnotherLot = "pick-another-lot"
    case repromise = "re-promise"
    case reinspectAndRelease = "re-inspect-and-release"
    case insertOrder = "insert-order"
    case cancelOrder = "cancel-order"
    case takeDown = "take-down"
    /// Make again what a hold keeps from the customer: a new production order for the held quantity, pegged to the line.
    case remake
    /// Place a quality hold (a certificate of analysis out of spec).
    case placeHold = "place-hold"
    /// Take a customer's order as a sales order (or replace the one it changes).
    case takeOrder = "take-order"
}

/// One term of an action's cost: a quantity, its unit, the weight per unit and the product.
public struct CostTerm: Codable, Sendable, Hashable {
    public var name: String
    public var quantity: Double
    public var unit: String
    public var weight: Double
    public var cost: Double
    public init(name: String, quantity: Double, unit: String, weight: Double) {
        self.name = name
        self.quantity = quantity
        self.unit = unit
        self.weight = weight
        self.cost = quantity * weight
    }
}

/// One step of an action: what it does, in words and as the ordinary commands that carry it out.
public struct ActionStep: Codable, Sendable, Hashable {
    public var kind: ActionKind
    public var summary: String
    public var commands: [Command]
    public init(kind: ActionKind, summary: String, commands: [Command]) {
        self.kind = kind
        self.summary = summary
        self.commands = commands
    }
}

public enum ActionStatus: String, StringChoice, Codable, Sendable, CaseIterable {
    case proposed, approved, rejected, executed, failed
}

/// A person's decision on an action, in one of the roles the action needs.
public struct ApprovalRecord: Codable, Sendable, Hashable {
    public var role: Role
    public var user: User.ID
    public var approved: Bool
    public var comment: String?
    public var at: Date
    public init(role: Role, user: User.ID, approved: Bool, comment: String?, at: Date) {
        self.role = role
        self.user = user
        self.approved = approved
        self.comment = comment
        self.at = at
    }
}

/// A candidate action (or, for an outcome request, a plan option of several steps), simulated and ranked.
public struct ProposedAction: Codable, Sendable, Hashable, Identifiable {
    /// `A1`, `A2`… within its exception.
    public var id: String
    public var title: String
    public var steps: [ActionStep]
    /// The plan's figures if this action is taken.
    public var predicted: PlanKPIs
    /// The predicted effect in words, e.g. "late orders 3 → 1, total lateness −14 h, +2 h overtime on L2".
    public var effect: String
    /// Total cost by the cost model (lower is better) and its terms.
    public var cost: Double
    public var costTerms: [CostTerm]
    /// 1 is the best.
    public var rank: Int
    /// Why it ranks where it does.
    public var rationale: String
    /// The roles that must approve it before it is carried out (empty: it needs none).
    public var approvals: [Role]
    public var decisions: [ApprovalRecord]
    public var status: ActionStatus
    /// The published schedule the action would put in place, when it changes the plan.
    public var schedule: PublishedSchedule?
    /// For a plan option of an outcome request: whether it meets the date asked for.
    public var target: TargetCheck?
    /// What the action is about, for verification: the orders whose figures it predicts, and those figures.
    public var scope: ActionScope?
    /// Recommendations of this action to its approvers, oldest first (absent when none).
    public var recommendations: [ActionRecommendation]?
    public init(
        id: String,
        title: String,
        steps: [ActionStep],
        predicted: PlanKPIs,
        effect: String,
        cost: Double,
        costTerms: [CostTerm],
        rank: Int,
        rationale: String,
        approvals: [Role],
        decisions: [ApprovalRecord] = [],
        status: ActionStatus = .proposed,
        schedule: PublishedSchedule? = nil
    ) {
        self.id = id
        self.title = title
        self.steps = steps
        self.predicted = predicted
        self.effect = effect
        self.cost = cost
        self.costTerms = costTerms
        self.rank = rank
        self.rationale = rationale
        self.approvals = approvals
        self.decisions = decisions
        self.status = status
        self.schedule = schedule
    }
    /// Roles that still have to approve.
    public var pendingApprovals: [Role] {
        approvals.filter { role in !decisions.contains { $0.role == role && $0.approved } }
    }
}

public enum ExceptionStatus: String, StringChoice, Codable, Sendable, CaseIterable {
    /// Waiting for a decision.
    case open
    /// An outcome request's options, answered: the asker (or anyone who may) can still approve one, but it is not an
    /// exception waiting in everyone's inbox.
    case answered
    /// An action is approved and being carried out, or carried out and waiting for verification.
    case executing
    /// The action's effect was verified.
    case resolved
    /// Closed without action.
    case dismissed
    /// A newer exception about the same subject replaced it.
    case superseded

    /// Open, or an answered outcome request: an action can still be approved, or it can be dismissed or snoozed.
    public var awaitsDecision: Bool { self == .open || self == .answered }
    /// Still being dealt with: waiting for a decision or carrying one out.
    public var isLive: Bool { awaitsDecision || self == .executing }
}

extension PlantException {
    /// Whether it is hidden from the inbox at `now` (snoozed until later).
    public func isSnoozed(at now: Date) -> Bool { snoozedUntil.map { $0 > now } ?? false }
}

extension PlantState {
    /// The exception inbox at `now`: exceptions waiting for a decision or being carried out, not snoozed, most severe and
    /// oldest first; with `answered`, the outcome requests answered and waiting for their asker's decision as well.
    public func inbox(at now: Date, answered: Bool = false) -> [PlantException] {
        exceptions.values.filter { e in
            (e.status == .open || e.status == .executing || (answered && e.status == .answered)) && !e.isSnoozed(at: now)
        }
        .sorted { ($1.severity, $0.raisedAt, $0.id) < ($0.severity, $1.raisedAt, $1.id) }
    }

    /// The exceptions in `list` grouped by `grouping`, groups in order of their first (most urgent) exception; exceptions
    /// keep their order within a group.
    public func grouped(_ list: [PlantException], by grouping: InboxGrouping) -> [(key: String, exceptions: [PlantException])] {
        var order: [String] = []
        var groups: [String: [PlantException]] = [:]
        for e in list {
            let key = grouping.key(of: e, in: self)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(e)
        }
        return order.map { (key: $0, exceptions: groups[$0] ?? []) }
    }

    /// The exceptions hidden from the inbox at `now`, soonest back first.
    public func snoozed(at now: Date) -> [PlantException] {
        exceptions.values.filter { $0.status.awaitsDecision && $0.isSnoozed(at: now) }
            .sorted { ($0.snoozedUntil ?? now, $0.id) < ($1.snoozedUntil ?? now, $1.id) }
    }
}

/// A task a playbook hands to a role (e.g. "call the supplier").
public struct ExceptionTask: Codable, Sendable, Hashable {
    public var role: Role
    public var text: String
    public init(role: Role, text: String) {
        self.role = role
        self.text = text
    }
}

/// The check after an action was carried out: did the predicted effect happen?
public struct Verification: Codable, Sendable, Hashable {
    public var action: String
    public var expected: PlanKPIs
    public var observed: PlanKPIs
    public var passed: Bool
    public var text: String
    public var at: Date
    public init(action: String, expected: PlanKPIs, observed: PlanKPIs, passed: Bool, text: String, at: Date) {
        self.action = action
        self.expected = expected
        self.observed = observed
        self.passed = passed
        self.text = text
        self.at = at
    }
}

/// Whether a plan option meets what a user asked for.
public struct TargetCheck: Codable, Sendable, Hashable {
    /// What was asked to be done by the date, e.g. `SO-10012 line 10`, `PO-000061`.
    public var subject: String
    /// The date asked for.
    public var requested: Date
    /// When the option has it done (nil: nothing left to produce, so it is done already).
    public var achieved: Date?
    /// Achieved at or before the requested date.
    public var met: Bool
    /// Requested − achieved in minutes: positive is time in hand, negative how late.
    public var marginMinutes: Int
    public init(subject: String, requested: Date, achieved: Date?) {
        self.subject = subject
        self.requested = requested
        self.achieved = achieved
        let margin = achieved.map { Int(saturating: (requested.timeIntervalSince($0) / 60).rounded(.down)) } ?? 0
        self.marginMinutes = margin
        self.met = margin >= 0
    }
}

/// The part of the plan an action is about: verification judges the action on these orders only, so that an unrelated
/// later event elsewhere in the plant does not count against it.
public struct ActionScope: Codable, Sendable, Hashable {
    /// The production orders the disruption or the action touches (moved, later, earlier, or the action's own).
    public var productionOrders: [ProductionOrder.ID]
    /// The action's predicted figures on these orders and the customer lines they serve.
    public var predicted: PlanKPIs
    public init(productionOrders: [ProductionOrder.ID], predicted: PlanKPIs) {
        self.productionOrders = productionOrders
        self.predicted = predicted
    }
}

/// An exception in the inbox: what happened, what it does to the plan, and what could be done about it.
public struct PlantException: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<PlantException>
    public var id: ID
    public var kind: DisruptionKind
    public var title: String
    /// What the exception is about, e.g. `machine-slow:MILL-1`: a newer event on the same subject updates an open exception
    /// nobody has decided on yet (same ID), and supersedes one with decisions.
    public var subject: String
    public var disruption: Disruption
    /// The event that caused it (absent for an outcome request).
    public var sourceSequence: Int64?
    public var sourceEvent: String?
    /// The outcome request, for exceptions a user asked for.
    public var request: OutcomeRequest?
    public var requestText: String?
    public var playbook: Playbook.ID?
    public var playbookVersion: Int?
    public var raisedAt: Date
    public var raisedBy: User.ID?
    public var severity: ExceptionSeverity
    public var functions: [PlantFunction]
    public var causeChain: [CauseLink]
    public var impact: Impact
    /// Ranked, best first.
    public var actions: [ProposedAction]
    public var tasks: [ExceptionTask]
    public var notify: [Role]
    public var status: ExceptionStatus
    public var verifications: [Verification]
    public var supersededBy: ID?
    public var dismissReason: String?
    /// Why the actions are what they are: each kind the playbook lists that was not proposed, and why (nil for none).
    public var actionNotes: [String]?
    /// When it was last assessed again for a newer event on its subject, and how often (nil: never).
    public var updatedAt: Date?
    public var updates: Int?
    /// Electronic signatures given on this exception's actions (where the approval policy marks them signed), oldest first.
    public var signatures: [ElectronicSignature]?
    /// Who has taken it on (nil: nobody yet).
    public var owner: User.ID?
    /// Hidden from the inbox until then (by the plant's clock); nil: not snoozed.
    public var snoozedUntil: Date?
    public init(
        id: ID,
        kind: DisruptionKind,
        title: String,
        subject: String,
        disruption: Disruption,
        sourceSequence: Int64? = nil,
        sourceEvent: String? = nil,
        request: OutcomeRequest? = nil,
        requestText: String? = nil,
        playbook: Playbook.ID? = nil,
        playbookVersion: Int? = nil,
        raisedAt: Date,
        raisedBy: User.ID? = nil,
        severity: ExceptionSeverity,
        functions: [PlantFunction],
        causeChain: [CauseLink],
        impact: Impact,
        actions: [ProposedAction],
        tasks: [ExceptionTask] = [],
        notify: [Role] = [],
        status: ExceptionStatus = .open,
        verifications: [Verification] = [],
        supersededBy: ID? = nil,
        dismissReason: String? = nil,
        actionNotes: [String]? = nil
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.subject = subject
        self.disruption = disruption
        self.sourceSequence = sourceSequence
        self.sourceEvent = sourceEvent
        self.request = request
        self.requestText = requestText
        self.playbook = playbook
        self.playbookVersion = playbookVersion
        self.raisedAt = raisedAt
        self.raisedBy = raisedBy
        self.severity = severity
        self.functions = functions
        self.causeChain = causeChain
        self.impact = impact
        self.actions = actions
        self.tasks = tasks
        self.notify = notify
        self.status = status
        self.verifications = verifications
        self.supersededBy = supersededBy
        self.dismissReason = dismissReason
        self.actionNotes = actionNotes
    }
}

// MARK: - Outcome requests

/// An outcome a user asks for; the answer is up to three plan options.
public enum OutcomeRequest: Codable, Sendable, Hashable {
    /// Finish sales order X (all lines, or one) by date D.
    case expediteSalesOrder(salesOrder: SalesOrder.ID, line: Int?, date: Date)
    /// Fit a rush order for item I, quantity Q, by D (optionally for a customer).
    case rushOrder(item: Item.ID, quantity: Double, date: Date, customer: Customer.ID?)
    /// Take work center W down from T1 to T2.
    case takeDown(workCenter: WorkCenter.ID, from: Date, to: Date)
    /// What if order Y (a production order or a sales order) is cancelled?
    case cancelOrder(order: String)

    public var kindName: String {
        switch self {
        case .expediteSalesOrder: "expedite-sales-order"
        case .rushOrder: "rush-order"
        case .takeDown: "take-down"
        case .cancelOrder: "cancel-order"
        }
    }

    enum CodingKeys: String, CodingKey { case kind, salesOrder, line, date, item, quantity, customer, workCenter, from, to, order }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "expedite-sales-order":
            self = .expediteSalesOrder(
                salesOrder: try c.decode(SalesOrder.ID.self, forKey: .salesOrder),
                line: try c.decodeIfPresent(Int.self, forKey: .line),
                date: try c.decode(Date.self, forKey: .date)
            )
        case "rush-order":
            self = .rushOrder(
                item: try c.decode(Item.ID.self, forKey: .item),
                quantity: try c.decode(Double.self, forKey: .quantity),
                date: try c.decode(Date.self, forKey: .date),
                customer: try c.decodeIfPresent(Customer.ID.self, forKey: .customer)
            )
        case "take-down":
            self = .takeDown(
                workCenter: try c.decode(WorkCenter.ID.self, forKey: .workCenter),
                from: try c.decode(Date.self, forKey: .from),
                to: try c.decode(Date.self, forKey: .to)
            )
        case "cancel-order":
            self = .cancelOrder(order: try c.decode(String.self, forKey: .order))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind,
                in: c,
                debugDescription: "kind '\(kind)' is not one of expedite-sales-order, rush-order, take-down, cancel-order"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kindName, forKey: .kind)
        switch self {
        case .expediteSalesOrder(let so, let line, let date):
            try c.encode(so, forKey: .salesOrder)
            try c.encodeIfPresent(line, forKey: .line)
            try c.encode(date, forKey: .date)
        case .rushOrder(let item, let quantity, let date, let customer):
            try c.encode(item, forKey: .item)
            try c.encode(quantity, forKey: .quantity)
            try c.encode(date, forKey: .date)
            try c.encodeIfPresent(customer, forKey: .customer)
        case .takeDown(let wc, let from, let to):
            try c.encode(wc, forKey: .workCenter)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
        case .cancelOrder(let order):
            try c.encode(order, forKey: .order)
        }
    }
}

// MARK: - Playbooks and the approval policy

/// A condition on a field of the triggering event's payload (a dotted path, e.g. `state` or `shortage.shortBy`).
public struct PlaybookCondition: Codable, Sendable, Hashable {
    public enum Operator: String, StringChoice, Codable, Sendable, CaseIterable {
        case eq, ne, gt, gte, lt, lte, `in`, contains, exists
    }
    public var field: String
    public var op: Operator
    public var value: JSONValue?
    public init(field: String, op: Operator, value: JSONValue? = nil) {
        self.field = field
        self.op = op
        self.value = value
    }
}

/// A rule as data: when an event of a type matches the conditions, raise an exception of a kind, consider these
/// actions, hand out tasks, tell these roles, and carry out the automatic actions that need no approval.
public struct Playbook: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<Playbook>
    public var id: ID
    public var name: String
    public var description: String?
    /// Set by the plant when the playbook is (re)defined: 1, 2, …
    public var version: Int
    public var enabled: Bool
    /// The event type that triggers it, e.g. `machineStateChanged`.
    public var event: String
    /// All must hold.
    public var conditions: [PlaybookCondition]
    public var exceptionKind: DisruptionKind
    /// The least severity; the impact may raise it.
    public var severity: ExceptionSeverity
    public var functions: [PlantFunction]
    /// Candidate actions to simulate, in the playbook's order of preference (ties in cost go to the earlier).
    public var actions: [ActionKind]
    public var tasks: [ExceptionTask]
    public var notify: [Role]
    /// Actions carried out at once, without approval, when they rank first and remove all new lateness.
    public var automatic: [ActionKind]
    /// For disruptions without a known end: how long to assume it lasts (minutes).
    public var assumedDurationMinutes: Int?
    public init(
        id: ID,
        name: String,
        description: String? = nil,
        version: Int = 1,
        enabled: Bool = true,
        event: String,
        conditions: [PlaybookCondition] = [],
        exceptionKind: DisruptionKind,
        severity: ExceptionSeverity = .medium,
        functions: [PlantFunction] = [],
        actions: [ActionKind] = [],
        tasks: [ExceptionTask] = [],
        notify: [Role] = [],
        automatic: [ActionKind] = [],
        assumedDurationMinutes: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.version = version
        self.enabled = enabled
        self.event = event
        self.conditions = conditions
        self.exceptionKind = exceptionKind
        self.severity = severity
        self.functions = functions
        self.actions = actions
        self.tasks = tasks
        self.notify = notify
        self.automatic = automatic
        self.assumedDurationMinutes = assumedDurationMinutes
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, description, version, enabled, event, conditions, exceptionKind, severity, functions, actions, tasks, notify
        case automatic, assumedDurationMinutes
    }

    /// Left-out lists are empty, `enabled` is true, `severity` medium and `version` 0 (the plant numbers versions): the
    /// defaults every front end gets, since they live in the type.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(ID.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? 0
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        event = try c.decode(String.self, forKey: .event)
        conditions = try c.decodeIfPresent([PlaybookCondition].self, forKey: .conditions) ?? []
        exceptionKind = try c.decode(DisruptionKind.self, forKey: .exceptionKind)
        severity = try c.decodeIfPresent(ExceptionSeverity.self, forKey: .severity) ?? .medium
        functions = try c.decodeIfPresent([PlantFunction].self, forKey: .functions) ?? []
        actions = try c.decodeIfPresent([ActionKind].self, forKey: .actions) ?? []
        tasks = try c.decodeIfPresent([ExceptionTask].self, forKey: .tasks) ?? []
        notify = try c.decodeIfPresent([Role].self, forKey: .notify) ?? []
        automatic = try c.decodeIfPresent([ActionKind].self, forKey: .automatic) ?? []
        assumedDurationMinutes = try c.decodeIfPresent(Int.self, forKey: .assumedDurationMinutes)
    }
}

/// Which roles must approve each kind of action. Kinds not listed need a planner.
public struct ApprovalPolicy: Codable, Sendable, Hashable {
    public var rules: [ApprovalRule]
    /// Who approves engineering changes; ``EngineeringChangeApprovalRule/standard`` when left out.
    public var engineeringChange: EngineeringChangeApprovalRule?
    public init(rules: [ApprovalRule], engineeringChange: EngineeringChangeApprovalRule? = nil) {
        self.rules = rules
        self.engineeringChange = engineeringChange
    }

    public struct ApprovalRule: Codable, Sendable, Hashable {
        public var action: ActionKind
        /// Every role listed must approve; an empty list means the action needs no approval.
        public var roles: [Role]
        /// True: approving or rejecting such an action needs the approver's electronic signature (password re-entered).
        public var signed: Bool?
        public init(action: ActionKind, roles: [Role], signed: Bool? = nil) {
            self.action = action
            self.roles = roles
            self.signed = signed
        }
    }

    /// The roles an action of these steps needs, in policy order, without repeats.
    public func roles(for kinds: [ActionKind]) -> [Role] {
        var out: [Role] = []
        for kind in kinds {
            for role in rules.first(where: { $0.action == kind })?.roles ?? [.planner] where !out.contains(role) {
                out.append(role)
            }
        }
        return out
    }

    /// Re-promise: sales; use-as-is and release after re-inspection: quality (signed); overtime: supervisor; moving and
    /// resequencing work: planner; picking another lot: warehouse; purchases: planner.
    public static let standard = ApprovalPolicy(rules: [
        ApprovalRule(action: .repromise, roles: [.sales]),
        ApprovalRule(action: .reinspectAndRelease, roles: [.quality], signed: true),
        ApprovalRule(action: .addOvertime, roles: [.supervisor]),
        ApprovalRule(action: .moveToAlternativeWorkCenter, roles: [.planner]),
        ApprovalRule(action: .resequence, roles: [.planner]),
        ApprovalRule(action: .splitLot, roles: [.planner]),
        ApprovalRule(action: .expeditePurchase, roles: [.planner]),
        ApprovalRule(action: .expediteTransfer, roles: [.warehouse]),
        ApprovalRule(action: .substituteMaterial, roles: [.planner, .quality]),
        ApprovalRule(action: .pickAnotherLot, roles: [.warehouse]),
        ApprovalRule(action: .insertOrder, roles: [.planner]),
        ApprovalRule(action: .cancelOrder, roles: [.planner, .sales]),
        ApprovalRule(action: .takeDown, roles: [.supervisor]),
        ApprovalRule(action: .remake, roles: [.planner]),
        ApprovalRule(action: .placeHold, roles: [.quality]),
        ApprovalRule(action: .takeOrder, roles: [.sales]),
    ])
}

// MARK: - Other new facts the orchestrator reacts to or writes

/// An operation is running late: its expected overrun (reported by the floor, or found by the orchestrator).
public struct OperationDelayReported: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var sequence: Int
    public var extraMinutes: Int
    public var reason: String
    public var by: User.ID?
    public var at: Date
    public init(productionOrder: ProductionOrder.ID, sequence: Int, extraMinutes: Int, reason: String, by: User.ID?, at: Date) {
        self.productionOrder = productionOrder
        self.sequence = sequence
        self.extraMinutes = extraMinutes
        self.reason = reason
        self.by = by
        self.at = at
    }
}

public struct ReportOperationDelay: Codable, Sendable, Hashable {
    public var productionOrder: ProductionOrder.ID
    public var sequence: Int
    public var extraMinutes: Int
    public var reason: String
    public init(productionOrder: ProductionOrder.ID, sequence: Int, extraMinutes: Int, reason: String) {
        self.productionOrder = productionOrder
        self.sequence = sequence
        self.extraMinutes = extraMinutes
        self.reason = reason
    }
}

/// Report that a person will not be at work from `from` (default now) until `until`.
public struct ReportAbsence: Codable, Sendable, Hashable {
    public var user: User.ID
    public var from: Date?
    public var until: Date
    public var reason: String
    public init(user: User.ID, from: Date? = nil, until: Date, reason: String) {
        self.user = user
        self.from = from
        self.until = until
        self.reason = reason
    }
}

/// A person away from work for a time, as reported.
public struct Absence: Codable, Sendable, Hashable {
    public var user: User.ID
    public var from: Date
    public var until: Date
    public var reason: String
    public var by: User.ID?
    public var at: Date
    public init(user: User.ID, from: Date, until: Date, reason: String, by: User.ID? = nil, at: Date) {
        self.user = user
        self.from = from
        self.until = until
        self.reason = reason
        self.by = by
        self.at = at
    }
}

extension PlantState {
    /// Whether a person is reported away at any time in `[from, until)`.
    public func isAbsent(_ user: User.ID, from: Date, until: Date) -> Bool {
        (absences[user] ?? []).contains { $0.from < until && $0.until > from }
    }
}

/// Extra working time on a work center outside its shifts.
public struct Overtime: Codable, Sendable, Hashable {
    public var workCenter: WorkCenter.ID
    public var start: Date
    public var end: Date
    public var reason: String
    public var by: User.ID?
    public init(workCenter: WorkCenter.ID, start: Date, end: Date, reason: String, by: User.ID? = nil) {
        self.workCenter = workCenter
        self.start = start
        self.end = end
        self.reason = reason
        self.by = by
    }
}

/// Approve or reject one action of an exception, with a comment.
public struct DecideAction: Codable, Sendable, Hashable {
    public var exception: PlantException.ID
    public var action: String
    public var comment: String?
    public init(exception: PlantException.ID, action: String, comment: String? = nil) {
        self.exception = exception
        self.action = action
        self.comment = comment
    }
}

/// An approval or rejection as recorded.
public struct ActionDecided: Codable, Sendable, Hashable {
    public var exception: PlantException.ID
    public var action: String
    public var decision: ApprovalRecord
    /// True when this decision completed the approvals and the action is now to be carried out.
    public var fullyApproved: Bool
    public init(exception: PlantException.ID, action: String, decision: ApprovalRecord, fullyApproved: Bool) {
        self.exception = exception
        self.action = action
        self.decision = decision
        self.fullyApproved = fullyApproved
    }
}

/// The orchestrator carried out an approved action as ordinary commands (or failed to).
public struct ActionExecuted: Codable, Sendable, Hashable {
    public var exception: PlantException.ID
    public var action: String
    /// The sequences of the events the action's commands recorded.
    public var eventSequences: [Int64]
    /// Why it failed, when it did; the commands already carried out stay.
    public var error: String?
    public var at: Date
    public init(exception: PlantException.ID, action: String, eventSequences: [Int64], error: String?, at: Date) {
        self.exception = exception
        self.action = action
        self.eventSequences = eventSequences
        self.error = error
        self.at = at
    }
}

public struct ExceptionVerified: Codable, Sendable, Hashable {
    public var exception: PlantException.ID
    public var verification: Verification
    public init(exception: PlantException.ID, verification: Verification) {
        self.exception = exception
        self.verification = verification
    }
}

/// Give an exception an owner (someone takes it on), or take the owner away (`owner` left out).
/// Recommends one of an exception's proposed actions to those who must approve it, with the reasons: a proposal, not a
/// decision (an agent's, or a colleague's). It changes no plan.
public struct RecommendAction: Codable, Sendable, Hashable {
    public var exception: PlantException.ID
    public var action: String
    /// Why this action (required).
    public var comment: String
    public init(exception: PlantException.ID, action: String, comment: String) {
        self.exception = exception
        self.action = action
        self.comment = comment
    }
}

/// A recommendation as recorded on the action.
public struct ActionRecommendation: Codable, Sendable, Hashable {
    public var by: User.ID?
    public var comment: String
    public var at: Date
    public init(by: User.ID?, comment: String, at: Date) {
        self.by = by
        self.comment = comment
        self.at = at
    }
}

public struct ActionRecommended: Codable, Sendable, Hashable {
    public var exception: PlantException.ID
    public var action: String
    public var recommendation: ActionRecommendation
    public init(exception: PlantException.ID, action: String, recommendation: ActionRecommendation) {
        self.exception = exception
        self.action = action
        self.recommendation = recommendation
    }
}

public struct AssignException: Codable, Sendable, Hashable {
    public var exception: PlantException.ID
    public var owner: User.ID?
    public init(exception: PlantException.ID, owner: User.ID?) {
        self.exception = exception
        self.owner = owner
    }
}

public struct ExceptionAssigned: Codable, Sendable, Hashable {
    public var exception: PlantException.ID
    public var owner: User.ID?
    public var by: User.ID?
    public var at: Date
    public init(exception: PlantException.ID, owner: User.ID?, by: User.ID?, at: Date) {
        self.exception = exception
        self.owner = owner
        self.by = by
        self.at = at
    }
}

/// Hide an exception from the inbox until a time (it comes back by itself then), or wake it now (`until` left out).
public struct SnoozeException: Codable, Sendable, Hashable {
    public var exception: PlantException.ID
    public var until: Date?
    public init(exception: PlantException.ID, until: Date?) {
        self.exception = exception
        self.until = until
    }
}

public struct ExceptionSnoozed: Codable, Sendable, Hashable {
    public var exception: PlantException.ID
    public var until: Date?
    public var by: User.ID?
    public var at: Date
    public init(exception: PlantException.ID, until: Date?, by: User.ID?, at: Date) {
        self.exception = exception
        self.until = until
        self.by = by
        self.at = at
    }
}

public struct DismissException: Codable, Sendable, Hashable {
    public var exception: PlantException.ID
    public var reason: String
    public init(exception: PlantException.ID, reason: String) {
        self.exception = exception
        self.reason = reason
    }
}

public struct ExceptionDismissed: Codable, Sendable, Hashable {
    public var exception: PlantException.ID
    public var reason: String
    public var by: User.ID?
    public var at: Date
    public init(exception: PlantException.ID, reason: String, by: User.ID?, at: Date) {
        self.exception = exception
        self.reason = reason
        self.by = by
        self.at = at
    }
}

/// How the inbox groups exceptions.
public enum InboxGrouping: String, StringChoice, Codable, Sendable, CaseIterable {
    case kind
    case workCenter = "work-center"
    case order

    /// The group an exception falls in: its disruption's kind, its work center, or the order it is about (a production
    /// order, else a sales order, else the first order whose finish it changes).
    public func key(of e: PlantException, in state: PlantState) -> String {
        switch self {
        case .kind: return e.kind.rawValue
        case .workCenter:
            return (e.disruption.workCenter ?? e.disruption.parts?.compactMap(\.workCenter).first)?.rawValue ?? "no work center"
        case .order:
            if let po = e.disruption.productionOrder { return po.rawValue }
            if let so = e.disruption.salesOrder { return so.rawValue }
            return e.disruption.orders?.first?.rawValue ?? e.impact.orders.first?.productionOrder.rawValue ?? "no order"
        }
    }
}
