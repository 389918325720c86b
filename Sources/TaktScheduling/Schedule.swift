/// Where and when one operation runs.
public struct ScheduledOperation: Hashable, Sendable, Codable {
    /// The operation.
    public var operation: OperationID
    /// The resource it runs on.
    public var resource: ResourceID
    /// Its start.
    public var start: Int
    /// Its end; for a split operation this includes the breaks it spans.
    public var end: Int

    /// Creates a placement.
    public init(operation: OperationID, resource: ResourceID, start: Int, end: Int) {
        self.operation = operation
        self.resource = resource
        self.start = start
        self.end = end
    }
}

/// A complete schedule: one placement per operation, `operations[i].operation == OperationID(i)`.
public struct Schedule: Hashable, Sendable, Codable {
    /// The placements, indexed by operation.
    public var operations: [ScheduledOperation]

    /// Creates a schedule.
    public init(operations: [ScheduledOperation]) {
        self.operations = operations
    }

    /// The latest end (0 for an empty schedule).
    public var makespan: Int { operations.map(\.end).max() ?? 0 }

    /// The placement of an operation, if it is in range.
    public subscript(_ id: OperationID) -> ScheduledOperation? {
        id.rawValue >= 0 && id.rawValue < operations.count ? operations[id.rawValue] : nil
    }

    /// The operations on each resource in start order.
    /// - Parameter resourceCount: the number of resources in the problem.
    public func sequences(resourceCount: Int) -> [[ScheduledOperation]] {
        var result = [[ScheduledOperation]](repeating: [], count: resourceCount)
        for s in operations where s.resource.rawValue >= 0 && s.resource.rawValue < resourceCount {
            result[s.resource.rawValue].append(s)
        }
        for i in result.indices {
            result[i].sort { ($0.start, $0.end, $0.operation) < ($1.start, $1.end, $1.operation) }
        }
        return result
    }
}
