/// Builds plant-like flexible scheduling problems deterministically from a seed, for benchmarks and tests.
public enum SyntheticPlant {
    /// A flexible job shop with work-center groups of parallel resources, resource-specific durations, setup
    /// families, two-shift calendars, releases, due dates, weights, transfer-batch overlaps and assembly joins.
    /// - Parameters:
    ///   - seed: the seed; equal seeds give equal problems.
    ///   - resources: number of resources (grouped three to a work center).
    ///   - operations: number of operations (five per order).
    public static func make(seed: UInt64, resources: Int = 30, operations: Int = 1500) -> SchedulingProblem {
        var rng = SplitMix64(seed: seed)
        let groupSize = 3
        let groups = max(1, resources / groupSize)
        let stepsPerOrder = 5
        let orderCount = max(1, operations / stepsPerOrder)
        let families = 4
        let day = 24 * 60
        var res: [Resource] = []
        for r in 0..<resources {
            var matrix = [[Int]](repeating: [Int](repeating: 0, count: families), count: families)
            for a in 0..<families {
                for b in 0..<families where a != b { matrix[a][b] = 5 + rng.below(16) }
            }
            // two shifts a day (16 working hours, then an 8-hour break), for 30 days
            let windows = (0..<30).map { d in TimeWindow(start: d * day, end: d * day + 16 * 60) }
            res.append(
                Resource(
                    id: ResourceID(r),
                    name: "WC\(r / groupSize)-\(r % groupSize)",
                    calendar: ResourceCalendar(workingWindows: windows),
                    setup: .matrix(matrix)
                )
            )
        }
        var orders: [Order] = []
        var ops: [SchedulingOperation] = []
        // releases spread so that the plant runs at roughly 65 % utilisation of its shift time
        let horizon = operations * 60 / max(1, resources) * 24 / 16 * 3 / 2
        for j in 0..<orderCount {
            let release = rng.below(max(1, horizon))
            var groupOrder = Array(0..<groups)
            for i in stride(from: groupOrder.count - 1, to: 0, by: -1) { groupOrder.swapAt(i, rng.below(i + 1)) }
            var work = 0
            let first = ops.count
            for k in 0..<stepsPerOrder {
                let g = groupOrder[k % groups]
                let base = 20 + rng.below(60)
                var modes: [Mode] = []
                for r in 0..<groupSize where rng.below(4) != 0 || r == 0 {
                    let resource = g * groupSize + r
                    guard resource < resources else { continue }
                    modes.append(Mode(resource: ResourceID(resource), duration: base * (80 + rng.below(50)) / 100))
                }
                work += base
                var preds: [Precedence] = []
                if k > 0 { preds.append(Precedence(OperationID(ops.count - 1), transferFraction: rng.below(5) == 0 ? 0.3 : nil)) }
                if k == 0 && j % 10 == 9 && j > 0 {
                    // assembly join: this order consumes the previous order's output
                    preds.append(Precedence(OperationID(first - 1)))
                }
                ops.append(
                    SchedulingOperation(
                        id: OperationID(ops.count),
                        order: OrderID(j),
                        name: "J\(j).\(k)",
                        modes: modes,
                        predecessors: preds,
                        setupFamily: rng.below(families),
                        splittable: rng.below(3) == 0
                    )
                )
            }
            let due = release + work * (3 + rng.below(4))
            orders.append(Order(id: OrderID(j), name: "SO-\(1000 + j)", release: release, due: due, weight: Double(1 + rng.below(3))))
        }
        return SchedulingProblem(resources: res, orders: orders, operations: ops)
    }
}
