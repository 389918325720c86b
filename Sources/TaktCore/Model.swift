public import Foundation

// MARK: - Identity

/// What a user may do is decided by roles; `admin` may do everything.
public enum Role: String, StringChoice, Codable, Sendable, CaseIterable, Comparable {
    case admin, planner, supervisor, `operator`, quality, warehouse, sales
    public static func < (l: Role, r: Role) -> Bool { l.rawValue < r.rawValue }
}

/// A person (or an integration) that acts in the plant. Every event records its actor.
public struct User: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<User>
    /// IDs no user may take (compared in lower case): the server writes as `system`, and a user of that name would share
    /// its idempotency keys and its place in the log.
    public static let reservedIDs: Set<String> = ["system"]
    public var id: ID
    public var name: String
    public var roles: [Role]
    /// Skills this person is certified for, each with an optional expiry.
    public var certifications: [Certification]
    public var active: Bool

    public init(id: ID, name: String, roles: [Role], certifications: [Certification] = [], active: Bool = true) {
        self.id = id
        self.name = name
        self.roles = roles
        self.certifications = certifications
        self.active = active
    }
    public func has(_ role: Role) -> Bool { roles.contains(role) }
}

/// A certification of a user for a skill, valid until an optional date.
public struct Certification: Codable, Sendable, Hashable {
    public var skill: Skill.ID
    public var validUntil: Date?
    public init(skill: Skill.ID, validUntil: Date? = nil) {
        self.skill = skill
        self.validUntil = validUntil
    }
}

/// An API token. Only the SHA-256 hash of the secret is ever stored or logged.
public struct APIToken: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<APIToken>
    public var id: ID
    public var user: User.ID
    /// Lowercase hex SHA-256 of the token secret.
    public var secretHash: String
    public var label: String
    public var issuedAt: Date
    public var revoked: Bool
    /// A read-only token reads and never writes: every front end refuses a command, a proposal or a decision made with it
    /// (for agents and dashboards that must only look). Decoded as false when absent (logs written before it existed).
    public var readOnly: Bool
    public init(id: ID, user: User.ID, secretHash: String, label: String, issuedAt: Date, revoked: Bool = false, readOnly: Bool = false) {
        self.id = id
        self.user = user
        self.secretHash = secretHash
        self.label = label
        self.issuedAt = issuedAt
        self.revoked = revoked
        self.readOnly = readOnly
    }
    enum CodingKeys: String, CodingKey { case id, user, secretHash, label, issuedAt, revoked, readOnly }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(ID.self, forKey: .id)
        user = try c.decode(User.ID.self, forKey: .user)
        secretHash = try c.decode(String.self, forKey: .secretHash)
        label = try c.decode(String.self, forKey: .label)
        issuedAt = try c.decode(Date.self, forKey: .issuedAt)
        revoked = try c.decodeIfPresent(Bool.self, forKey: .revoked) ?? false
        readOnly = try c.decodeIfPresent(Bool.self, forKey: .readOnly) ?? false
    }
}

// MARK: - Plant structure

public struct Site: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<Site>
    public var id: ID
    public var name: String
    /// IANA time zone of the site, e.g. `Europe/Berlin`; shifts are in this zone.
    public var timeZone: String
    public init(id: ID, name: String, timeZone: String = "UTC") {
        self.id = id
        self.name = name
        self.timeZone = timeZone
    }
}

public struct Skill: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<Skill>
    public var id: ID
    public var name: String
    /// False once deactivated: kept for history and for what already uses it, but offered for nothing new (see
    /// docs/web.md, "Setting up the plant"). Decoded as true when absent (logs written before it existed).
    public var active: Bool
    public init(id: ID, name: String, active: Bool = true) {
        self.id = id
        self.name = name
        self.active = active
    }
}

public enum WorkCenterKind: String, StringChoice, Codable, Sendable, CaseIterable {
    case machining, welding, paint, assembly, test, packing, other
}

public enum Weekday: Int, Codable, Sendable, CaseIterable, Comparable {
    case monday = 1
    case tuesday, wednesday, thursday, friday, saturday, sunday
    public static func < (l: Weekday, r: Weekday) -> Bool { l.rawValue < r.rawValue }
}

/// A recurring working window, in the site's local time. `end` before `start` means it runs past midnight.
public struct Shift: Codable, Sendable, Hashable {
    public var name: String
    public var days: [Weekday]
    /// Local time `HH:mm`.
    public var start: String
    /// Local time `HH:mm`.
    public var end: String
    public init(name: String, days: [Weekday], start: String, end: String) {
        self.name = name
        self.days = days
        self.start = start
        self.end = end
    }
    /// Minutes after midnight of `start` and `end`, or nil when malformed.
    public var minutes: (start: Int, end: Int)? {
        guard let s = Shift.parse(start), let e = Shift.parse(end) else { return nil }
        return (s, e)
    }
    static func parse(_ hhmm: String) -> Int? {
        let parts = hhmm.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
            let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440
        else { return nil }
        return h * 60 + m
    }
}

/// A planned interruption of a work center (maintenance, holiday).
public struct Downtime: Codable, Sendable, Hashable {
    public var start: Date
    public var end: Date
    public var reason: String
    public init(start: Date, end: Date, reason: String) {
        self.start = start
        self.end = end
        self.reason = reason
    }
}

/// The time needed to change a work center over from one setup family to another.
public struct SetupTransition: Codable, Sendable, Hashable {
    public var from: String
    public var to: String
    public var minutes: Double
    public init(from: String, to: String, minutes: Double) {
        self.from = from
        self.to = to
        self.minutes = minutes
    }
}

/// A machine, line or station: where operations run.
public struct WorkCenter: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<WorkCenter>
    public var id: ID
    public var name: String
    public var site: Site.ID
    public var kind: WorkCenterKind
    /// Number of operations it can run at the same time.
    public var capacity: Int
    public var shifts: [Shift]
    public var plannedDowntime: [Downtime]
    /// Setup families this work center runs (e.g. `small-housing`, `large-housing`).
    public var setupFamilies: [String]
    /// Changeover minutes between two different families, unless a transition says otherwise.
    public var defaultChangeoverMinutes: Double
    public var setupTransitions: [SetupTransition]
    /// False once deactivated: kept for history and for what already uses it, but offered for nothing new (see
    /// docs/web.md, "Setting up the plant"). Decoded as true when absent (logs written before it existed).
    public var active: Bool

    public init(
        id: ID,
        name: String,
        site: Site.ID,
        kind: WorkCenterKind,
        capacity: Int = 1,
        shifts: [Shift] = [],
        plannedDowntime: [Downtime] = [],
        setupFamilies: [String] = [],
        defaultChangeoverMinutes: Double = 0,
        setupTransitions: [SetupTransition] = [],
        active: Bool = true
    ) {
        self.id = id
        self.name = name
        self.site = site
        self.kind = kind
        self.capacity = capacity
        self.shifts = shifts
        self.plannedDowntime = plannedDowntime
        self.setupFamilies = setupFamilies
        self.defaultChangeoverMinutes = defaultChangeoverMinutes
        self.setupTransitions = setupTransitions
        self.active = active
    }
}

public enum LocationKind: String, StringChoice, Codable, Sendable, CaseIterable {
    case store, receiving
    case lineSide = "line-side"
    case shipping, quarantine
}

public struct Location: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<Location>
    public var id: ID
    public var name: String
    public var site: Site.ID
    public var kind: LocationKind
    /// For line-side locations: the work center they feed.
    public var workCenter: WorkCenter.ID?
    /// How long before an operation starts its material must be staged here (line-side locations); absent means 0.
    public var stagingLeadMinutes: Double?
    /// False once deactivated: kept for history and for what already uses it, but offered for nothing new (see
    /// docs/web.md, "Setting up the plant"). Decoded as true when absent (logs written before it existed).
    public var active: Bool
    public init(
        id: ID,
        name: String,
        site: Site.ID,
        kind: LocationKind,
        workCenter: WorkCenter.ID? = nil,
        stagingLeadMinutes: Double? = nil,
        active: Bool = true
    ) {
        self.id = id
        self.name = name
        self.site = site
        self.kind = kind
        self.workCenter = workCenter
        self.stagingLeadMinutes = stagingLeadMinutes
        self.active = active
    }
}

// MARK: - Products

public enum ItemKind: String, StringChoice, Codable, Sendable, CaseIterable {
    case purchased
    case semiFinished = "semi-finished"
    case finished
}

public enum UnitOfMeasure: String, StringChoice, Codable, Sendable, CaseIterable {
    case each = "ea"
    case kilogram = "kg"
    case gram = "g"
    case meter = "m"
    case liter = "l"
    case squareMeter = "m2"
    case piece = "pc"
}

public struct Item: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<Item>
    public var id: ID
    public var name: String
    public var kind: ItemKind
    public var unit: UnitOfMeasure
    /// False once deactivated: kept for history and for what already uses it, but offered for nothing new (see
    /// docs/web.md, "Setting up the plant"). Decoded as true when absent (logs written before it existed).
    public var active: Bool
    public init(id: ID, name: String, kind: ItemKind, unit: UnitOfMeasure = .each, active: Bool = true) {
        self.id = id
        self.name = name
        self.kind = kind
        self.unit = unit
        self.active = active
    }
}

/// One component line of a bill of materials: how much of an item one parent unit needs.
public struct BOMComponent: Codable, Sendable, Hashable {
    public var item: Item.ID
    public var quantity: Double
    /// Approved alternative materials that may be consumed instead.
    public var substitutes: [Item.ID]
    /// The routing operation (sequence number) that consumes it; absent means the first operation.
    public var operation: Int?
    public init(item: Item.ID, quantity: Double, substitutes: [Item.ID] = [], operation: Int? = nil) {
        self.item = item
        self.quantity = quantity
        self.substitutes = substitutes
        self.operation = operation
    }
}

/// A single-level bill of materials; multi-level structures arise through the components' own BOMs.
public struct BOM: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<BOM>
    public var id: ID
    /// The item this BOM makes.
    public var item: Item.ID
    public var components: [BOMComponent]
    /// False once deactivated: kept for history and for what already uses it, but offered for nothing new (see
    /// docs/web.md, "Setting up the plant"). Decoded as true when absent (logs written before it existed).
    public var active: Bool
    public init(id: ID, item: Item.ID, components: [BOMComponent], active: Bool = true) {
        self.id = id
        self.item = item
        self.components = components
        self.active = active
    }
}

/// A work center that may run an operation, with its own times there.
public struct EligibleWorkCenter: Codable, Sendable, Hashable {
    public var workCenter: WorkCenter.ID
    public var setupMinutes: Double
    public var runMinutesPerUnit: Double
    public init(workCenter: WorkCenter.ID, setupMinutes: Double, runMinutesPerUnit: Double) {
        self.workCenter = workCenter
        self.setupMinutes = setupMinutes
        self.runMinutesPerUnit = runMinutesPerUnit
    }
}

public struct RoutingOperation: Codable, Sendable, Hashable {
    public var sequence: Int
    public var name: String
    public var workCenters: [EligibleWorkCenter]
    public var requiredSkill: Skill.ID?
    /// The work instruction the operator must have acknowledged, in its current revision, to start.
    public var workInstruction: WorkInstruction.ID?
    public var setupFamily: String?
    /// When set, the next operation may start once this many good units are reported (overlap).
    public var transferBatch: Double?
    /// When true, the next operation and the order's completion wait for a passed inspection of this one.
    public var inspectionRequired: Bool
    public init(
        sequence: Int,
        name: String,
        workCenters: [EligibleWorkCenter],
        requiredSkill: Skill.ID? = nil,
        workInstruction: WorkInstruction.ID? = nil,
        setupFamily: String? = nil,
        transferBatch: Double? = nil,
        inspectionRequired: Bool = false
    ) {
        self.sequence = sequence
        self.name = name
        self.workCenters = workCenters
        self.requiredSkill = requiredSkill
        self.workInstruction = workInstruction
        self.setupFamily = setupFamily
        self.transferBatch = transferBatch
        self.inspectionRequired = inspectionRequired
    }
}

extension RoutingOperation {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            sequence: try c.decode(Int.self, forKey: .sequence),
            name: try c.decode(String.self, forKey: .name),
            workCenters: try c.decode([EligibleWorkCenter].self, forKey: .workCenters),
            requiredSkill: try c.decodeIfPresent(Skill.ID.self, forKey: .requiredSkill),
            workInstruction: try c.decodeIfPresent(WorkInstruction.ID.self, forKey: .workInstruction),
            setupFamily: try c.decodeIfPresent(String.self, forKey: .setupFamily),
            transferBatch: try c.decodeIfPresent(Double.self, forKey: .transferBatch),
            inspectionRequired: try c.decodeIfPresent(Bool.self, forKey: .inspectionRequired) ?? false
        )
    }
}

public struct Routing: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<Routing>
    public var id: ID
    public var item: Item.ID
    public var operations: [RoutingOperation]
    /// False once deactivated: kept for history and for what already uses it, but offered for nothing new (see
    /// docs/web.md, "Setting up the plant"). Decoded as true when absent (logs written before it existed).
    public var active: Bool
    public init(id: ID, item: Item.ID, operations: [RoutingOperation], active: Bool = true) {
        self.id = id
        self.item = item
        self.operations = operations
        self.active = active
    }
}

// MARK: - Customers and orders

public struct Customer: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<Customer>
    public var id: ID
    public var name: String
    /// 1 (most important) to 5.
    public var priority: Int
    /// False once deactivated: kept for history and for what already uses it, but offered for nothing new (see
    /// docs/web.md, "Setting up the plant"). Decoded as true when absent (logs written before it existed).
    public var active: Bool
    public init(id: ID, name: String, priority: Int = 3, active: Bool = true) {
        self.id = id
        self.name = name
        self.priority = priority
        self.active = active
    }
}

public struct SalesOrderLine: Codable, Sendable, Hashable {
    public var line: Int
    public var item: Item.ID
    public var quantity: Double
    public var requestedDate: Date
    public var promisedDate: Date?
    /// The date the line is due, wherever it is judged (the control tower, the delivery forecast, an exception's impact,
    /// the simulation): its promise when it has one, else the date the customer asked for.
    public var dueDate: Date { promisedDate ?? requestedDate }

    public init(line: Int, item: Item.ID, quantity: Double, requestedDate: Date, promisedDate: Date? = nil) {
        self.line = line
        self.item = item
        self.quantity = quantity
        self.requestedDate = requestedDate
        self.promisedDate = promisedDate
    }
}

public enum SalesOrderStatus: String, StringChoice, Codable, Sendable, CaseIterable {
    case open, shipped, cancelled
}

public struct SalesOrder: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<SalesOrder>
    public var id: ID
    public var customer: Customer.ID
    /// 1 (most urgent) to 5.
    public var priority: Int
    public var lines: [SalesOrderLine]
    public var status: SalesOrderStatus
    public init(id: ID, customer: Customer.ID, priority: Int = 3, lines: [SalesOrderLine], status: SalesOrderStatus = .open) {
        self.id = id
        self.customer = customer
        self.priority = priority
        self.lines = lines
        self.status = status
    }
}

public enum ProductionOrderStatus: String, StringChoice, Codable, Sendable, CaseIterable {
    case planned, released
    case inProgress = "in-progress"
    case completed, cancelled
    public var isTerminal: Bool { self == .completed || self == .cancelled }
}

/// A reference from a production order to the customer demand it serves.
public struct Pegging: Codable, Sendable, Hashable {
    public var salesOrder: SalesOrder.ID
    public var line: Int
    public init(salesOrder: SalesOrder.ID, line: Int) {
        self.salesOrder = salesOrder
        self.line = line
    }
}

public struct ProductionOrder: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<ProductionOrder>
    public var id: ID
    public var item: Item.ID
    public var quantity: Double
    public var routing: Routing.ID
    public var dueDate: Date
    /// 1 (most urgent) to 5.
    public var priority: Int
    public var status: ProductionOrderStatus
    public var pegging: Pegging?
    public var createdAt: Date
    public var releasedAt: Date?
    public var completedAt: Date?
    public var cancelReason: String?
    public init(
        id: ID,
        item: Item.ID,
        quantity: Double,
        routing: Routing.ID,
        dueDate: Date,
        priority: Int = 3,
        status: ProductionOrderStatus = .planned,
        pegging: Pegging? = nil,
        createdAt: Date,
        releasedAt: Date? = nil,
        completedAt: Date? = nil,
        cancelReason: String? = nil
    ) {
        self.id = id
        self.item = item
        self.quantity = quantity
        self.routing = routing
        self.dueDate = dueDate
        self.priority = priority
        self.status = status
        self.pegging = pegging
        self.createdAt = createdAt
        self.releasedAt = releasedAt
        self.completedAt = completedAt
        self.cancelReason = cancelReason
    }
}

// MARK: - Material

public enum LotStatus: String, StringChoice, Codable, Sendable, CaseIterable {
    case available
    case onHold = "on-hold"
    case quarantine, consumed, shipped, scrapped
    /// Sent back to the supplier (a nonconformance disposition); no longer in stock.
    case returned
}

public struct Lot: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<Lot>
    public var id: ID
    public var item: Item.ID
    public var quantity: Double
    public var location: Location.ID
    public var status: LotStatus
    /// The supplier's own lot number (purchased items only).
    public var supplierLot: String?
    public var supplier: String?
    /// The production order that made it (made items only).
    public var productionOrder: ProductionOrder.ID?
    public var createdAt: Date
    /// The supplier's delivery note the lot arrived with (received lots only).
    public var deliveryNote: String?
    public init(
        id: ID,
        item: Item.ID,
        quantity: Double,
        location: Location.ID,
        status: LotStatus = .available,
        supplierLot: String? = nil,
        supplier: String? = nil,
        productionOrder: ProductionOrder.ID? = nil,
        createdAt: Date,
        deliveryNote: String? = nil
    ) {
        self.id = id
        self.item = item
        self.quantity = quantity
        self.location = location
        self.status = status
        self.supplierLot = supplierLot
        self.supplier = supplier
        self.productionOrder = productionOrder
        self.createdAt = createdAt
        self.deliveryNote = deliveryNote
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

// MARK: - Decoding defaults
// Fields with an obvious default may be left out of a request; answers always carry them.

extension User {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(ID.self, forKey: .id),
            name: try c.decode(String.self, forKey: .name),
            roles: try c.decode([Role].self, forKey: .roles),
            certifications: try c.decodeIfPresent([Certification].self, forKey: .certifications) ?? [],
            active: try c.decodeIfPresent(Bool.self, forKey: .active) ?? true
        )
    }
}

extension Site {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(ID.self, forKey: .id),
            name: try c.decode(String.self, forKey: .name),
            timeZone: try c.decodeIfPresent(String.self, forKey: .timeZone) ?? "UTC"
        )
    }
}

extension WorkCenter {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(ID.self, forKey: .id),
            name: try c.decode(String.self, forKey: .name),
            site: try c.decode(Site.ID.self, forKey: .site),
            kind: try c.decode(WorkCenterKind.self, forKey: .kind),
            capacity: try c.decodeIfPresent(Int.self, forKey: .capacity) ?? 1,
            shifts: try c.decodeIfPresent([Shift].self, forKey: .shifts) ?? [],
            plannedDowntime: try c.decodeIfPresent([Downtime].self, forKey: .plannedDowntime) ?? [],
            setupFamilies: try c.decodeIfPresent([String].self, forKey: .setupFamilies) ?? [],
            defaultChangeoverMinutes: try c.decodeIfPresent(Double.self, forKey: .defaultChangeoverMinutes) ?? 0,
            setupTransitions: try c.decodeIfPresent([SetupTransition].self, forKey: .setupTransitions) ?? [],
            active: try c.decodeIfPresent(Bool.self, forKey: .active) ?? true
        )
    }
}

extension Item {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(ID.self, forKey: .id),
            name: try c.decode(String.self, forKey: .name),
            kind: try c.decode(ItemKind.self, forKey: .kind),
            unit: try c.decodeIfPresent(UnitOfMeasure.self, forKey: .unit) ?? .each,
            active: try c.decodeIfPresent(Bool.self, forKey: .active) ?? true
        )
    }
}

extension BOMComponent {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            item: try c.decode(Item.ID.self, forKey: .item),
            quantity: try c.decode(Double.self, forKey: .quantity),
            substitutes: try c.decodeIfPresent([Item.ID].self, forKey: .substitutes) ?? [],
            operation: try c.decodeIfPresent(Int.self, forKey: .operation)
        )
    }
}

extension Customer {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(ID.self, forKey: .id),
            name: try c.decode(String.self, forKey: .name),
            priority: try c.decodeIfPresent(Int.self, forKey: .priority) ?? 3,
            active: try c.decodeIfPresent(Bool.self, forKey: .active) ?? true
        )
    }
}

extension Skill {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(ID.self, forKey: .id),
            name: try c.decode(String.self, forKey: .name),
            active: try c.decodeIfPresent(Bool.self, forKey: .active) ?? true
        )
    }
}

extension Location {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(ID.self, forKey: .id),
            name: try c.decode(String.self, forKey: .name),
            site: try c.decode(Site.ID.self, forKey: .site),
            kind: try c.decode(LocationKind.self, forKey: .kind),
            workCenter: try c.decodeIfPresent(WorkCenter.ID.self, forKey: .workCenter),
            stagingLeadMinutes: try c.decodeIfPresent(Double.self, forKey: .stagingLeadMinutes),
            active: try c.decodeIfPresent(Bool.self, forKey: .active) ?? true
        )
    }
}

extension BOM {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(ID.self, forKey: .id),
            item: try c.decode(Item.ID.self, forKey: .item),
            components: try c.decode([BOMComponent].self, forKey: .components),
            active: try c.decodeIfPresent(Bool.self, forKey: .active) ?? true
        )
    }
}

extension Routing {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(ID.self, forKey: .id),
            item: try c.decode(Item.ID.self, forKey: .item),
            operations: try c.decode([RoutingOperation].self, forKey: .operations),
            active: try c.decodeIfPresent(Bool.self, forKey: .active) ?? true
        )
    }
}
