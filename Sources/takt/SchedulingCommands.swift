import ArgumentParser
import Foundation
import TaktScheduling

/// `takt schedule FILE`: solves one OR-Library job-shop instance and prints the schedule.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Solve one job-shop instance (OR-Library format) and print the schedule per machine and the makespan."
    )

    @Argument(help: "The instance file (`n m`, then one line of machine/duration pairs per job).")
    var file: String

    @Option(help: "Time limit in seconds.")
    var timeLimit: Double = 1

    @Option(help: "Seed for the search.")
    var seed: UInt64 = 1

    @Option(help: "Parallel search workers.")
    var threads: Int = 2

    func run() async throws {
        let instance = try loadInstance(file)
        let result = try Scheduler.solve(
            instance.problem,
            options: SchedulingOptions(
                objective: .lexicographic([.makespan]),
                limits: SearchLimits(timeLimit: timeLimit),
                seed: seed,
                threads: threads
            )
        )
        guard result.violations.isEmpty else {
            throw SchedulingCommandError(
                "internal error: the schedule is invalid: \(result.violations.prefix(5).map(\.description).joined(separator: "; "))"
            )
        }
        let problem = instance.problem
        for (m, seq) in result.schedule.sequences(resourceCount: instance.machineCount).enumerated() {
            let steps = seq.map { s in "\(problem.operations[s.operation.rawValue].name)[\(s.start)-\(s.end)]" }
            print("M\(m): " + steps.joined(separator: " "))
        }
        print("makespan: \(result.objectives.makespan)")
    }
}

/// `takt bench jssp`: the job-shop benchmark, one JSON line per instance and a summary line.
struct BenchJSSPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jssp",
        abstract: "Solve job-shop instances under a time limit and report the gap to the best known makespan."
    )

    @Option(parsing: .upToNextOption, help: "A directory of <name>.txt files with bounds.json, or a list of instance files.")
    var instances: [String]

    @Option(help: "Time limit per instance in seconds.")
    var timeLimit: Double

    @Option(help: "Base seed.")
    var seed: UInt64 = 1

    @Option(help: "Parallel search workers.")
    var threads: Int = 2

    func run() async throws {
        let files = try instanceFiles(instances)
        guard !files.isEmpty else { throw SchedulingCommandError("no <name>.txt instances found in \(instances.joined(separator: " "))") }
        var boundsCache: [String: [String: Int]] = [:]
        let progress = isatty(STDERR_FILENO) != 0
        var gaps: [Double] = []
        var invalid: [String] = []
        for (i, file) in files.enumerated() {
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            let dir = URL(fileURLWithPath: file).deletingLastPathComponent().path
            if boundsCache[dir] == nil { boundsCache[dir] = try loadBounds(dir) }
            guard let upper = boundsCache[dir]?[name] else {
                throw SchedulingCommandError("\(dir)/bounds.json has no entry for \(name)")
            }
            if progress { FileHandle.standardError.write(Data("[\(i + 1)/\(files.count)] \(name)…\n".utf8)) }
            let instance = try loadInstance(file)
            let clock = ContinuousClock()
            let t0 = clock.now
            let solution = JobShopSolver.solve(instance, limits: SearchLimits(timeLimit: timeLimit), seed: seed, threads: threads)
            let elapsed = clock.now - t0
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            // independent check of the schedule through the general model
            let problem = instance.problem
            let schedule = Schedule(
                operations: problem.operations.map { op in
                    let s = solution.starts[op.id.rawValue]
                    return ScheduledOperation(operation: op.id, resource: op.modes[0].resource, start: s, end: s + op.modes[0].duration)
                }
            )
            let violations = ScheduleChecker.violations(of: schedule, in: problem)
            if !violations.isEmpty || schedule.makespan != solution.makespan {
                FileHandle.standardError.write(
                    Data("error: \(name): invalid schedule: \(violations.prefix(5).map(\.description).joined(separator: "; "))\n".utf8)
                )
                invalid.append(name)
                continue
            }
            let gap = Double(solution.makespan - upper) / Double(upper) * 100
            gaps.append(gap)
            print(
                "{\"instance\": \"\(name)\", \"makespan\": \(solution.makespan), \"upper_bound\": \(upper), \"gap_pct\": \(fmt(gap, 2)), \"seconds\": \(fmt(seconds, 2))}"
            )
        }
        let mean = gaps.isEmpty ? 0 : gaps.reduce(0, +) / Double(gaps.count)
        print("{\"summary\": true, \"instances\": \(gaps.count), \"mean_gap_pct\": \(fmt(mean, 3)), \"time_limit\": \(fmt(timeLimit, 3))}")
        if !invalid.isEmpty {
            FileHandle.standardError.write(Data("error: invalid schedules for \(invalid.joined(separator: ", "))\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// `takt bench repair`: breakdown repair on a synthetic 30-resource, 1,500-operation plant.
struct BenchRepairCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repair",
        abstract: "Schedule a synthetic plant, apply breakdowns, repair each, and report repair time and stability."
    )

    @Option(help: "Seed for the plant and the breakdowns.")
    var seed: UInt64 = 1

    @Option(help: "Number of resources.")
    var resources: Int = 30

    @Option(help: "Number of operations.")
    var operations: Int = 1500

    @Option(help: "Number of breakdowns to repair (each from the same initial schedule).")
    var repairs: Int = 41

    @Option(help: "Time limit in seconds for the initial schedule.")
    var scheduleTimeLimit: Double = 2

    func run() async throws {
        let problem = SyntheticPlant.make(seed: seed, resources: resources, operations: operations)
        let initial = try Scheduler.solve(
            problem,
            options: SchedulingOptions(limits: SearchLimits(timeLimit: scheduleTimeLimit), seed: seed, threads: 2)
        )
        guard initial.violations.isEmpty else {
            throw SchedulingCommandError(
                "internal error: the initial schedule is invalid: \(initial.violations.prefix(5).map(\.description).joined(separator: "; "))"
            )
        }
        print("plant: \(problem.resources.count) resources, \(problem.operations.count) operations, \(problem.orders.count) orders")
        print(
            "initial schedule: makespan \(initial.objectives.makespan) min, weighted tardiness \(fmt(initial.objectives.weightedTardiness, 0)), late orders \(initial.objectives.lateOrders)"
        )
        var rng = SplitMix64(seed: seed &+ 17)
        var times: [Double] = []
        var moved: [Int] = []
        var shifts: [Double] = []
        let clock = ContinuousClock()
        for k in 0..<repairs {
            // break down the resource of a random operation, starting while it runs
            let victim = initial.schedule.operations[Int(rng.next() % UInt64(problem.operations.count))]
            let length = 60 + Int(rng.next() % 181)
            let offset = Int(rng.next() % UInt64(max(1, victim.end - victim.start)))
            let window = TimeWindow(start: victim.start + offset, end: victim.start + offset + length)
            let t0 = clock.now
            let outcome = try Repairer.repair(problem, current: initial.schedule, change: .resourceDown(victim.resource, window))
            let elapsed = clock.now - t0
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) * 1e-15
            guard outcome.result.violations.isEmpty else {
                throw SchedulingCommandError(
                    "repair \(k) produced an invalid schedule: \(outcome.result.violations.prefix(5).map(\.description).joined(separator: "; "))"
                )
            }
            times.append(ms)
            moved.append(outcome.movedOperations)
            shifts.append(outcome.meanShift)
            print(
                "repair \(k): \(victim.resource) down \(window), \(fmt(ms, 1)) ms, moved \(outcome.movedOperations) ops, mean shift \(fmt(outcome.meanShift, 1)) min, weighted tardiness \(fmt(initial.objectives.weightedTardiness, 0)) -> \(fmt(outcome.result.objectives.weightedTardiness, 0))"
            )
        }
        let sortedTimes = times.sorted()
        let sortedMoved = moved.sorted()
        func pct(_ p: Double) -> Double { sortedTimes[min(sortedTimes.count - 1, Int((p * Double(sortedTimes.count - 1)).rounded()))] }
        let movedMedian = sortedMoved.isEmpty ? 0 : sortedMoved[sortedMoved.count / 2]
        let meanShift = shifts.isEmpty ? 0 : shifts.reduce(0, +) / Double(shifts.count)
        print(
            "{\"resources\": \(problem.resources.count), \"operations\": \(problem.operations.count), \"repairs\": \(times.count), \"repair_p50_ms\": \(fmt(pct(0.5), 1)), \"repair_p99_ms\": \(fmt(pct(0.99), 1)), \"moved_operations\": \(movedMedian), \"mean_shift_min\": \(fmt(meanShift, 1))}"
        )
    }
}

func fmt(_ x: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", x)
}

func loadInstance(_ file: String) throws -> JobShopInstance {
    let text: String
    do {
        text = try String(contentsOfFile: file, encoding: .utf8)
    } catch {
        throw SchedulingCommandError("cannot read \(file): \(error.localizedDescription)")
    }
    let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
    do {
        return try JobShopInstance(parsing: text, name: name)
    } catch {
        throw SchedulingCommandError("\(file): \(error.description)")
    }
}

/// The instance files named by `paths`: every `<name>.txt` of a directory (sorted), or the files themselves.
func instanceFiles(_ paths: [String]) throws -> [String] {
    var out: [String] = []
    for path in paths {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw SchedulingCommandError("no such file or directory: \(path)")
        }
        if isDir.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".txt") }.sorted()
            out.append(contentsOf: names.map { URL(fileURLWithPath: path).appendingPathComponent($0).path })
        } else {
            out.append(path)
        }
    }
    return out
}

/// `name -> upper bound` from `dir/bounds.json`.
func loadBounds(_ dir: String) throws -> [String: Int] {
    let file = URL(fileURLWithPath: dir).appendingPathComponent("bounds.json")
    guard let data = try? Data(contentsOf: file) else { throw SchedulingCommandError("cannot read \(file.path)") }
    struct Entry: Decodable { var upper: Int }
    do {
        return try JSONDecoder().decode([String: Entry].self, from: data).mapValues(\.upper)
    } catch {
        throw SchedulingCommandError("\(file.path): expected {name: {\"upper\": n, …}}: \(error)")
    }
}

/// A failure of a scheduling command (unreadable input, invalid schedule), printed as `Error: <message>`.
struct SchedulingCommandError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
