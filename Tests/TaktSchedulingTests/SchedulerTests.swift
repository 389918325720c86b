import Foundation
import TaktScheduling
import Testing

@Suite("Job-shop instances and the fast engine")
struct JobShopTests {
    @Test("A malformed instance file names the line and what was expected")
    func parseError() {
        #expect(throws: JobShopParseError(line: 3, message: "expected 4 numbers (2 machine/duration pairs) for job 1, found 3")) {
            try JobShopInstance(parsing: "2 2\n0 1 1 2\n1 3 0\n", name: "bad")
        }
        #expect(throws: JobShopParseError.self) { try JobShopInstance(parsing: "2 2\n0 1 5 2\n1 3 0 4\n", name: "bad") }
    }

    @Test("ft06 reaches its optimum of 55 and the checker accepts the schedule")
    func ft06() throws {
        let instance = try Fixture.instance("ft06")
        let result = try Scheduler.solve(instance.problem, options: iterationOptions(.lexicographic([.makespan]), iterations: 20_000))
        #expect(result.objectives.makespan == 55)
        #expect(result.violations.isEmpty)
    }

    @Test("la01 reaches its optimum of 666 with two workers")
    func la01() throws {
        let instance = try Fixture.instance("la01")
        let solution = JobShopSolver.solve(instance, limits: SearchLimits(iterationLimit: 20_000), seed: 3, threads: 2)
        #expect(solution.makespan == 666)
    }

    @Test("Every dispatch rule alone gives a valid constructive schedule")
    func constructive() throws {
        let problem = try Fixture.instance("ft06").problem
        for rule in DispatchRule.allCases {
            var options = iterationOptions(.lexicographic([.weightedTardiness, .makespan]), iterations: 0)
            options.rules = [rule]
            let result = try Scheduler.solve(problem, options: options)
            #expect(result.violations.isEmpty, "rule \(rule)")
            #expect(result.startRule == rule)
            #expect(result.objectives.makespan >= 55)
        }
    }

    @Test("The general search improves on its constructive start on ft06")
    func generalImproves() throws {
        let problem = try Fixture.instance("ft06").problem
        let objective = ObjectiveSpec.weighted([WeightedObjective(.makespan, weight: 1), WeightedObjective(.totalSetup, weight: 1)])
        let start = try Scheduler.solve(problem, options: iterationOptions(objective, iterations: 0))
        let improved = try Scheduler.solve(problem, options: iterationOptions(objective, iterations: 400))
        #expect(improved.violations.isEmpty)
        #expect(improved.objectives.makespan <= start.objectives.makespan)
    }

    @Test("With an iteration limit, a seed gives the same schedule every run")
    func determinism() throws {
        let instance = try Fixture.instance("la01")
        let a = JobShopSolver.solve(instance, limits: SearchLimits(iterationLimit: 3_000), seed: 42, threads: 2)
        let b = JobShopSolver.solve(instance, limits: SearchLimits(iterationLimit: 3_000), seed: 42, threads: 2)
        #expect(a == b)
        let plant = SyntheticPlant.make(seed: 5, resources: 6, operations: 60)
        let c = try Scheduler.solve(plant, options: iterationOptions(iterations: 40, seed: 9, threads: 2))
        let d = try Scheduler.solve(plant, options: iterationOptions(iterations: 40, seed: 9, threads: 2))
        #expect(c.schedule == d.schedule)
        #expect(c.violations.isEmpty)
    }

    @Test("A 0.2 s time limit is honoured")
    func timeLimit() throws {
        var rng = SplitMix64(seed: 1)
        let jobs = (0..<20).map { _ in
            Array(0..<15).shuffled(using: &rng).map { JobShopInstance.Step(machine: $0, duration: 1 + Int(rng.next() % 99)) }
        }
        let instance = JobShopInstance(name: "random", machineCount: 15, jobs: jobs)
        let clock = ContinuousClock()
        let t0 = clock.now
        let solution = JobShopSolver.solve(instance, limits: SearchLimits(timeLimit: 0.2), threads: 2)
        #expect(clock.now - t0 < .milliseconds(1_500))  // generous: CI runs other suites in parallel on 2 cores
        #expect(solution.makespan >= instance.trivialLowerBound)

        let plant = SyntheticPlant.make(seed: 2, resources: 6, operations: 150)
        let t1 = clock.now
        let result = try Scheduler.solve(plant, options: SchedulingOptions(limits: SearchLimits(timeLimit: 0.2), threads: 2))
        #expect(clock.now - t1 < .milliseconds(1_500))
        #expect(result.violations.isEmpty)
    }
}

@Suite("Plant features")
struct FeatureTests {
    @Test("An operation waits for the next shift when it does not fit before a break")
    func waitsForShift() throws {
        var b = ProblemBuilder(resources: 1)
        b.resources[0].calendar = ResourceCalendar(workingWindows: [TimeWindow(start: 0, end: 30), TimeWindow(start: 60, end: 1000)])
        let o = b.order()
        b.op(o, [(0, 20)])
        b.op(o, [(0, 20)], after: [OperationID(0)])
        let r = try Scheduler.solve(b.problem, options: iterationOptions(iterations: 20))
        #expect(r.violations.isEmpty)
        #expect(r.schedule.operations[1].start == 60)
        #expect(r.schedule.operations[1].end == 80)
    }

    @Test("A splittable operation pauses over a break; a non-splittable one does not")
    func splitsAcrossBreak() throws {
        var b = ProblemBuilder(resources: 2)
        let shifts = ResourceCalendar(breaks: [TimeWindow(start: 30, end: 60)])
        b.resources[0].calendar = shifts
        b.resources[1].calendar = shifts
        let o = b.order()
        b.op(o, [(0, 20)], release: 20, splittable: true)
        b.op(b.order(), [(1, 20)], release: 20, splittable: false)
        let r = try Scheduler.solve(b.problem, options: iterationOptions(iterations: 10))
        #expect(r.violations.isEmpty)
        #expect(r.schedule.operations[0].start == 20)
        #expect(r.schedule.operations[0].end == 70)
        #expect(r.schedule.operations[1].start == 60)
        #expect(r.schedule.operations[1].end == 80)
    }

    @Test(
        "A running (frozen) splittable job caught by the night waits it out: it ends its duration of working time after the break, and the checker agrees"
    )
    func frozenSplittableStartsInBreak() throws {
        var b = ProblemBuilder(resources: 1)
        b.resources[0].calendar = ResourceCalendar(breaks: [TimeWindow(start: 0, end: 480), TimeWindow(start: 1440, end: 1920)])
        let o = b.order()
        let running = b.op(o, [(0, 100)], splittable: true, fixed: FixedPlacement(resource: ResourceID(0), start: 0))
        b.op(o, [(0, 50)], after: [running], splittable: true)
        let r = try Scheduler.solve(b.problem, options: iterationOptions(iterations: 10))
        #expect(r.violations.isEmpty, "\(r.violations)")
        #expect(r.schedule.operations[0].start == 0 && r.schedule.operations[0].end == 580)
        #expect(r.schedule.operations[1].start == 580 && r.schedule.operations[1].end == 630)
    }

    @Test("Sequence-dependent setups are respected, counted, and grouped by the search")
    func setups() throws {
        var b = ProblemBuilder(resources: 1)
        b.resources[0].setup = .matrix([[0, 15], [15, 0]])
        for family in [0, 1, 0, 1, 0, 1] {
            b.op(b.order(), [(0, 10)], family: family)
        }
        let objective = ObjectiveSpec.lexicographic([.makespan, .totalSetup])
        let r = try Scheduler.solve(b.problem, options: iterationOptions(objective, iterations: 300))
        #expect(r.violations.isEmpty)
        #expect(r.objectives.totalSetup == 15)
        #expect(r.objectives.makespan == 75)
    }

    @Test("Frozen operations keep their resource and start")
    func frozen() throws {
        var b = ProblemBuilder(resources: 2)
        let o = b.order()
        let a = b.op(o, [(0, 10), (1, 10)], fixed: FixedPlacement(resource: ResourceID(1), start: 5))
        b.op(o, [(0, 10)], after: [a])
        for _ in 0..<4 { b.op(b.order(), [(0, 10), (1, 10)]) }
        let r = try Scheduler.solve(b.problem, options: iterationOptions(.lexicographic([.makespan]), iterations: 200))
        #expect(r.violations.isEmpty)
        #expect(r.schedule.operations[0].resource == ResourceID(1))
        #expect(r.schedule.operations[0].start == 5)
    }

    @Test("Flexible operations are spread over their alternative resources")
    func flexibleReassignment() throws {
        var b = ProblemBuilder(resources: 2)
        for _ in 0..<6 { b.op(b.order(), [(0, 10), (1, 12)]) }
        let r = try Scheduler.solve(b.problem, options: iterationOptions(.lexicographic([.makespan]), iterations: 200))
        #expect(r.violations.isEmpty)
        #expect(Set(r.schedule.operations.map(\.resource)).count == 2)
        #expect(r.objectives.makespan <= 36)
    }

    @Test("A successor overlaps its predecessor after a transfer batch")
    func transferBatch() throws {
        var b = ProblemBuilder(resources: 2)
        let o = b.order()
        let a = b.op(o, [(0, 40)])
        b.op(o, [(1, 40)], after: [a], transfer: 0.25)
        let r = try Scheduler.solve(b.problem, options: iterationOptions(iterations: 10))
        #expect(r.violations.isEmpty)
        #expect(r.schedule.operations[1].start == 10)
        #expect(r.schedule.operations[1].end == 50)
    }

    @Test("A successor with a short transfer batch never finishes before its predecessor")
    func transferBatchEnd() throws {
        var b = ProblemBuilder(resources: 2)
        let o = b.order()
        let a = b.op(o, [(0, 40)])
        b.op(o, [(1, 5)], after: [a], transfer: 0.1)
        let r = try Scheduler.solve(b.problem, options: iterationOptions(iterations: 10))
        #expect(r.violations.isEmpty)
        #expect(r.schedule.operations[1].end == 40)
    }

    @Test("Lateness is explained by the busy resource and the predecessors on the critical chain")
    func explanation() throws {
        var b = ProblemBuilder(resources: 2)
        let big = b.order(due: 1000, weight: 1)
        b.op(big, [(0, 100)], fixed: FixedPlacement(resource: ResourceID(0), start: 0))
        let late = b.order(due: 50, weight: 5)
        let y1 = b.op(late, [(0, 10)])
        b.op(late, [(1, 10)], after: [y1])
        let r = try Scheduler.solve(b.problem, options: iterationOptions(iterations: 20))
        #expect(r.violations.isEmpty)
        let e = try #require(r.lateness.first { $0.order == late })
        #expect(e.lateness == 70)
        #expect(e.resources == [ResourceID(0)])
        #expect(e.predecessors == [y1])
        #expect(r.objectives.weightedTardiness == 350)
    }

    @Test("A malformed problem is rejected with the reason")
    func invalidProblem() {
        var b = ProblemBuilder(resources: 1)
        let o = b.order()
        b.op(o, [(0, 10)], after: [OperationID(1)])
        b.op(o, [(0, 10)], after: [OperationID(0)])
        #expect(throws: SchedulingProblemError.cyclicPrecedence(OperationID(0))) { try Scheduler.solve(b.problem) }
    }
}

@Suite("Repair")
struct RepairTests {
    static let plant = SyntheticPlant.make(seed: 11, resources: 9, operations: 180)

    func initial() throws -> SchedulingResult {
        try Scheduler.solve(Self.plant, options: iterationOptions(iterations: 30, seed: 1))
    }

    @Test("A breakdown is repaired validly, nothing moves earlier, and few operations move")
    func breakdown() throws {
        let start = try initial()
        let victim = start.schedule.operations[90]
        let window = TimeWindow(start: victim.start + 1, end: victim.start + 121)
        let change = ScheduleChange.resourceDown(victim.resource, window)
        let insertion = try Repairer.repair(
            Self.plant,
            current: start.schedule,
            change: change,
            options: RepairOptions(limits: SearchLimits(iterationLimit: 0))
        )
        #expect(insertion.result.violations.isEmpty)
        #expect(insertion.result.schedule.operations[90] != victim)
        #expect(insertion.movedOperations <= Self.plant.operations.count / 10)
        // the short improvement trades shifts against tardiness, never making the combined cost worse
        let out = try Repairer.repair(
            Self.plant,
            current: start.schedule,
            change: change,
            options: RepairOptions(limits: SearchLimits(iterationLimit: 30))
        )
        #expect(out.result.violations.isEmpty)
        func cost(_ r: RepairOutcome) -> Double { r.result.objectives.weightedTardiness + Double(r.result.objectives.stabilityShift) }
        #expect(cost(out) <= cost(insertion))
        // work that finished before the breakdown (almost all) stays where it was
        let before = start.schedule.operations.filter { $0.end <= window.start }
        let kept = before.filter { out.result.schedule.operations[$0.operation.rawValue] == $0 }
        #expect(kept.count * 10 >= before.count * 9)
        // nothing moves earlier than planned
        for s in start.schedule.operations {
            #expect(out.result.schedule.operations[s.operation.rawValue].start >= s.start)
        }
    }

    @Test("An operation running longer, a rush order and a cancellation are each repaired validly")
    func otherChanges() throws {
        let start = try initial()
        let options = RepairOptions(limits: SearchLimits(iterationLimit: 20))
        let late = try Repairer.repair(
            Self.plant,
            current: start.schedule,
            change: .operationDelayed(OperationID(7), newDuration: 200),
            options: options
        )
        #expect(late.result.violations.isEmpty)

        let n = Self.plant.operations.count
        let order = Order(id: OrderID(Self.plant.orders.count), name: "RUSH", release: 0, due: 200, weight: 10)
        let ops = (0..<3).map { k in
            SchedulingOperation(
                id: OperationID(n + k),
                order: order.id,
                name: "rush\(k)",
                modes: [Mode(resource: ResourceID(k * 3), duration: 30)],
                predecessors: k == 0 ? [] : [Precedence(OperationID(n + k - 1))]
            )
        }
        let rush = try Repairer.repair(Self.plant, current: start.schedule, change: .orderInserted(order, ops), options: options)
        #expect(rush.result.violations.isEmpty)
        #expect(rush.result.schedule.operations.count == n + 3)

        let cancel = try Repairer.repair(Self.plant, current: start.schedule, change: .orderCancelled(OrderID(3)), options: options)
        #expect(cancel.result.violations.isEmpty)
        #expect(cancel.result.schedule.operations.count == n - 5)
        #expect(cancel.movedOperations == 0)
    }
}
