/// Identifies a resource: its position in ``SchedulingProblem/resources``.
public struct ResourceID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The index into ``SchedulingProblem/resources``.
    public var rawValue: Int
    /// Creates an ID.
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    /// Orders IDs by index.
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    /// `R<index>`.
    public var description: String { "R\(rawValue)" }
}

/// Identifies an operation: its position in ``SchedulingProblem/operations``.
public struct OperationID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The index into ``SchedulingProblem/operations``.
    public var rawValue: Int
    /// Creates an ID.
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    /// Orders IDs by index.
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    /// `O<index>`.
    public var description: String { "O\(rawValue)" }
}

/// Identifies an order (a job): its position in ``SchedulingProblem/orders``.
public struct OrderID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The index into ``SchedulingProblem/orders``.
    public var rawValue: Int
    /// Creates an ID.
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    /// Orders IDs by index.
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    /// `J<index>`.
    public var description: String { "J\(rawValue)" }
}

/// A half-open time interval `[start, end)` in integer time units (e.g. minutes).
public struct TimeWindow: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The first instant inside the window.
    public var start: Int
    /// The first instant after the window.
    public var end: Int
    /// Creates a window; `end` should not be before `start`.
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
    /// The length of the window.
    public var length: Int { end - start }
    /// `[start, end)`.
    public var description: String { "[\(start), \(end))" }
}

/// When a resource can work: everything outside its breaks (shift gaps, planned downtime) is working time.
public struct ResourceCalendar: Hashable, Sendable, Codable {
    /// Non-working windows, sorted by start and not overlapping.
    public private(set) var breaks: [TimeWindow]

    /// Creates a calendar from non-working windows (any order; overlapping ones are merged).
    public init(breaks: [TimeWindow]) {
        self.breaks = ResourceCalendar.normalized(breaks)
    }

    /// Creates a calendar from working windows: time between them (and before the first) is a break.
    /// Time after the last window counts as working, so give windows that cover the planning horizon.
    public init(workingWindows: [TimeWindow]) {
        let sorted = workingWindows.filter { $0.length > 0 }.sorted { $0.start < $1.start }
        var result: [TimeWindow] = []
        var cursor = Int.min / 4
        for w in sorted {
            if w.start > cursor { result.append(TimeWindow(start: cursor, end: w.start)) }
            cursor = max(cursor, w.end)
        }
        self.breaks = ResourceCalendar.normalized(result)
    }

    /// A calendar with no breaks.
    public static let alwaysOpen = ResourceCalendar(breaks: [])

    /// Returns the calendar with one more break.
    public func adding(_ window: TimeWindow) -> ResourceCalendar {
        ResourceCalendar(breaks: breaks + [window])
    }

    static func normalized(_ windows: [TimeWindow]) -> [TimeWindow] {
        let sorted = windows.filter { $0.length > 0 }.sorted { $0.start < $1.start }
        var out: [TimeWindow] = []
        for w in sorted {
            if let last = out.last, w.start <= last.end {
                out[out.count - 1].end = max(last.end, w.end)
            } else {
                out.append(w)
            }
        }
        return out
    }

    /// Index of the first break whose end is after `t`.
    func firstBreak(endingAfter t: Int) -> Int {
        var lo = 0
        var hi = breaks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if breaks[mid].end <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The earliest placement at or after `earliest` for `duration` units of work.
    /// Non-splittable work needs one gap between breaks; splittable work starts in working time and
    /// pauses over breaks, so its end minus start includes the breaks it spans.
    func place(earliest: Int, duration: Int, splittable: Bool) -> TimeWindow {
        var t = earliest
        var i = firstBreak(endingAfter: t)
        if !splittable || duration == 0 {
            while i < breaks.count {
                let b = breaks[i]
                if b.start <= t {
                    t = b.end
                } else if t + duration <= b.start {
                    return TimeWindow(start: t, end: t + duration)
                } else {
                    t = b.end
                }
                i += 1
            }
            return TimeWindow(start: t, end: t + duration)
        }
        if i < breaks.count && breaks[i].start <= t {
            t = breaks[i].end
            i += 1
        }
        var remaining = duration
        var cursor = t
        while i < breaks.count {
            let b = breaks[i]
            if b.start >= cursor + remaining { break }
            remaining -= b.start - cursor
            cursor = b.end
            i += 1
        }
        return TimeWindow(start: t, end: cursor + remaining)
    }
}

/// How long a resource needs to change over between setup families.
public enum SetupRule: Hashable, Sendable, Codable {
    /// No setup times.
    case none
    /// `matrix[from][to]`: the setup time from family `from` to family `to`.
    case matrix([[Int]])
    /// A fixed changeover time whenever the family changes.
    case changeover(Int)

    /// The setup time between two consecutive operations' families (0 when either has none).
    public func time(from: Int?, to: Int?) -> Int {
        guard let from, let to else { return 0 }
        switch self {
        case .none:
            return 0
        case .matrix(let m):
            guard from >= 0, from < m.count, to >= 0, to < m[from].count else { return 0 }
            return m[from][to]
        case .changeover(let t):
            return from == to ? 0 : t
        }
    }
}

/// A machine, line, work center or crew that runs one operation at a time.
public struct Resource: Hashable, Sendable, Codable {
    /// The resource's ID (its index in the problem).
    public var id: ResourceID
    /// A display name.
    public var name: String
    /// Working time; ``ResourceCalendar/alwaysOpen`` by default.
    public var calendar: ResourceCalendar
    /// Sequence-dependent setup times between setup families.
    public var setup: SetupRule

    /// Creates a resource.
    public init(id: ResourceID, name: String, calendar: ResourceCalendar = .alwaysOpen, setup: SetupRule = .none) {
        self.id = id
        self.name = name
        self.calendar = calendar
        self.setup = setup
    }
}

/// A production order (a job): the unit that has a release, a due date and a weight.
public struct Order: Hashable, Sendable, Codable {
    /// The order's ID (its index in the problem).
    public var id: OrderID
    /// A display name.
    public var name: String
    /// No operation of the order starts before this time.
    public var release: Int
    /// When the order should be complete (nil: no due date).
    public var due: Int?
    /// The weight of one time unit of tardiness.
    public var weight: Double

    /// Creates an order.
    public init(id: OrderID, name: String, release: Int = 0, due: Int? = nil, weight: Double = 1) {
        self.id = id
        self.name = name
        self.release = release
        self.due = due
        self.weight = weight
    }
}

/// One way to run an operation: on a resource with a resource-specific duration.
public struct Mode: Hashable, Sendable, Codable {
    /// The eligible resource.
    public var resource: ResourceID
    /// The processing time on that resource (working time).
    public var duration: Int
    /// Creates a mode.
    public init(resource: ResourceID, duration: Int) {
        self.resource = resource
        self.duration = duration
    }
}

/// A precedence: an operation may start only after its predecessor (or a transfer batch of it) is done.
public struct Precedence: Hashable, Sendable, Codable {
    /// The predecessor operation.
    public var predecessor: OperationID
    /// Overlap: the successor may start once this fraction of the predecessor's duration has elapsed
    /// since the predecessor's start (a transfer batch), and may not finish before the predecessor.
    /// nil means finish-to-start.
    public var transferFraction: Double?

    /// Creates a precedence.
    public init(_ predecessor: OperationID, transferFraction: Double? = nil) {
        self.predecessor = predecessor
        self.transferFraction = transferFraction
    }

    /// The minimum start lag after the predecessor's start for a transfer batch of a predecessor of `duration`.
    public static func transferLag(fraction: Double, duration: Int) -> Int {
        let lag = (fraction * Double(duration)).rounded(.up)
        // A fraction from hostile data (NaN, infinite, out of 0…1) cannot trap: the lag stays within 0…duration.
        return lag.isNaN ? duration : Int(max(0, min(Double(duration), lag)))
    }
}

/// A frozen or in-progress operation's placement, which the scheduler must keep.
public struct FixedPlacement: Hashable, Sendable, Codable {
    /// The resource it runs on.
    public var resource: ResourceID
    /// Its start.
    public var start: Int
    /// Creates a placement.
    public init(resource: ResourceID, start: Int) {
        self.resource = resource
        self.start = start
    }
}

/// A step of an order to be scheduled on one of its eligible resources.
public struct SchedulingOperation: Hashable, Sendable, Codable {
    /// The operation's ID (its index in the problem).
    public var id: OperationID
    /// The order it belongs to.
    public var order: OrderID
    /// A display name.
    public var name: String
    /// Eligible resources with their durations (at least one).
    public var modes: [Mode]
    /// Operations that must be done (or have produced a transfer batch) first: routing steps and assembly joins.
    public var predecessors: [Precedence]
    /// The setup family (nil: no setup).
    public var setupFamily: Int?
    /// Earliest start of this operation, e.g. material availability.
    public var release: Int
    /// Whether the operation may pause over a calendar break and resume after it.
    public var splittable: Bool
    /// Set for frozen or in-progress operations: they keep this resource and start.
    public var fixed: FixedPlacement?

    /// Creates an operation.
    public init(
        id: OperationID,
        order: OrderID,
        name: String = "",
        modes: [Mode],
        predecessors: [Precedence] = [],
        setupFamily: Int? = nil,
        release: Int = 0,
        splittable: Bool = false,
        fixed: FixedPlacement? = nil
    ) {
        self.id = id
        self.order = order
        self.name = name
        self.modes = modes
        self.predecessors = predecessors
        self.setupFamily = setupFamily
        self.release = release
        self.splittable = splittable
        self.fixed = fixed
    }

    /// The duration on `resource`, or nil when the resource is not eligible.
    public func duration(on resource: ResourceID) -> Int? {
        modes.first { $0.resource == resource }?.duration
    }
}

/// A finite-capacity scheduling problem: resources, orders and their operations, and optionally the
/// previous schedule to stay close to.
public struct SchedulingProblem: Hashable, Sendable, Codable {
    /// The resources, `resources[i].id == ResourceID(i)`.
    public var resources: [Resource]
    /// The orders, `orders[i].id == OrderID(i)`.
    public var orders: [Order]
    /// The operations, `operations[i].id == OperationID(i)`.
    public var operations: [SchedulingOperation]
    /// The schedule to stay close to (stability objective, repair).
    public var previous: Schedule?

    /// Creates a problem.
    public init(resources: [Resource], orders: [Order], operations: [SchedulingOperation], previous: Schedule? = nil) {
        self.resources = resources
        self.orders = orders
        self.operations = operations
        self.previous = previous
    }

    /// Checks the problem is well formed.
    /// - Throws: ``SchedulingProblemError`` naming the first problem found.
    public func validate() throws(SchedulingProblemError) {
        for (i, r) in resources.enumerated() where r.id.rawValue != i {
            throw .badID("resource at index \(i) has id \(r.id)")
        }
        for (i, o) in orders.enumerated() where o.id.rawValue != i {
            throw .badID("order at index \(i) has id \(o.id)")
        }
        for (i, op) in operations.enumerated() {
            if op.id.rawValue != i { throw .badID("operation at index \(i) has id \(op.id)") }
            if op.order.rawValue < 0 || op.order.rawValue >= orders.count {
                throw .unknownReference("operation \(op.id) belongs to unknown order \(op.order)")
            }
            if op.modes.isEmpty { throw .noEligibleResource(op.id) }
            for m in op.modes {
                if m.resource.rawValue < 0 || m.resource.rawValue >= resources.count {
                    throw .unknownReference("operation \(op.id) names unknown resource \(m.resource)")
                }
                if m.duration < 0 { throw .invalidValue("operation \(op.id) has a negative duration on \(m.resource)") }
            }
            for p in op.predecessors {
                if p.predecessor.rawValue < 0 || p.predecessor.rawValue >= operations.count || p.predecessor == op.id {
                    throw .unknownReference("operation \(op.id) has invalid predecessor \(p.predecessor)")
                }
                if let f = p.transferFraction, !(f >= 0 && f <= 1) {
                    throw .invalidValue("operation \(op.id): transfer fraction \(f) is outside 0...1")
                }
                if op.fixed != nil && operations[p.predecessor.rawValue].fixed == nil {
                    throw .invalidValue("frozen operation \(op.id) has a predecessor \(p.predecessor) that is not frozen")
                }
            }
            if let f = op.fixed, op.duration(on: f.resource) == nil {
                throw .invalidValue("frozen operation \(op.id) is fixed on \(f.resource), which is not eligible")
            }
        }
        // acyclic precedence
        var indegree = [Int](repeating: 0, count: operations.count)
        var successors = [[Int]](repeating: [], count: operations.count)
        for op in operations {
            for p in op.predecessors {
                indegree[op.id.rawValue] += 1
                successors[p.predecessor.rawValue].append(op.id.rawValue)
            }
        }
        var queue = indegree.indices.filter { indegree[$0] == 0 }
        var head = 0
        while head < queue.count {
            let u = queue[head]
            head += 1
            for v in successors[u] {
                indegree[v] -= 1
                if indegree[v] == 0 { queue.append(v) }
            }
        }
        if queue.count < operations.count {
            let stuck = indegree.indices.first { indegree[$0] > 0 } ?? 0
            throw .cyclicPrecedence(OperationID(stuck))
        }
    }
}

/// Why a ``SchedulingProblem`` is not well formed.
public enum SchedulingProblemError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An element's ID does not match its index.
    case badID(String)
    /// A reference to a resource, order or operation that does not exist.
    case unknownReference(String)
    /// An operation has no eligible resource.
    case noEligibleResource(OperationID)
    /// A value out of range.
    case invalidValue(String)
    /// The precedence graph has a cycle through this operation.
    case cyclicPrecedence(OperationID)

    /// A readable description.
    public var description: String {
        switch self {
        case .badID(let s): "bad id: \(s)"
        case .unknownReference(let s): "unknown reference: \(s)"
        case .noEligibleResource(let id): "operation \(id) has no eligible resource"
        case .invalidValue(let s): "invalid value: \(s)"
        case .cyclicPrecedence(let id): "the precedence graph has a cycle through operation \(id)"
        }
    }
}

extension JobShopInstance {
    /// The instance as a general problem: one order per job, chained operations, one mode each.
    public var problem: SchedulingProblem {
        let resources = (0..<machineCount).map { Resource(id: ResourceID($0), name: "M\($0)") }
        var orders: [Order] = []
        var operations: [SchedulingOperation] = []
        for (j, job) in jobs.enumerated() {
            orders.append(Order(id: OrderID(j), name: "J\(j)"))
            for (k, step) in job.enumerated() {
                let id = OperationID(operations.count)
                let preds = k == 0 ? [] : [Precedence(OperationID(id.rawValue - 1))]
                operations.append(
                    SchedulingOperation(
                        id: id,
                        order: OrderID(j),
                        name: "J\(j).\(k)",
                        modes: [Mode(resource: ResourceID(step.machine), duration: step.duration)],
                        predecessors: preds
                    )
                )
            }
        }
        return SchedulingProblem(resources: resources, orders: orders, operations: operations)
    }
}
