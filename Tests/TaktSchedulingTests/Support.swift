import Foundation
import TaktScheduling

enum Fixture {
    static func instance(_ name: String) throws -> JobShopInstance {
        guard let url = Bundle.module.url(forResource: name, withExtension: "txt", subdirectory: "Fixtures") else {
            throw FixtureError.missing(name)
        }
        return try JobShopInstance(parsing: String(contentsOf: url, encoding: .utf8), name: name)
    }
}

enum FixtureError: Error { case missing(String) }

/// A small problem builder: ops are (order, [(resource, duration)], predecessors).
struct ProblemBuilder {
    var resources: [Resource] = []
    var orders: [Order] = []
    var operations: [SchedulingOperation] = []

    init(resources count: Int) {
        resources = (0..<count).map { Resource(id: ResourceID($0), name: "R\($0)") }
    }

    @discardableResult
    mutating func order(due: Int? = nil, weight: Double = 1, release: Int = 0) -> OrderID {
        let id = OrderID(orders.count)
        orders.append(Order(id: id, name: "O\(id.rawValue)", release: release, due: due, weight: weight))
        return id
    }

    @discardableResult
    mutating func op(
        _ order: OrderID,
        _ modes: [(Int, Int)],
        after: [OperationID] = [],
        transfer: Double? = nil,
        family: Int? = nil,
        release: Int = 0,
        splittable: Bool = false,
        fixed: FixedPlacement? = nil
    ) -> OperationID {
        let id = OperationID(operations.count)
        operations.append(
            SchedulingOperation(
                id: id,
                order: order,
                name: "op\(id.rawValue)",
                modes: modes.map { Mode(resource: ResourceID($0.0), duration: $0.1) },
                predecessors: after.map { Precedence($0, transferFraction: transfer) },
                setupFamily: family,
                release: release,
                splittable: splittable,
                fixed: fixed
            )
        )
        return id
    }

    var problem: SchedulingProblem { SchedulingProblem(resources: resources, orders: orders, operations: operations) }
}

/// Options for deterministic, fast test runs.
func iterationOptions(
    _ objective: ObjectiveSpec = .lexicographic([.weightedTardiness, .makespan]),
    iterations: Int = 200,
    seed: UInt64 = 1,
    threads: Int = 1
) -> SchedulingOptions {
    SchedulingOptions(objective: objective, limits: SearchLimits(iterationLimit: iterations), seed: seed, threads: threads)
}
