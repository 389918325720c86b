import ArgumentParser
import Foundation
import TaktApp
import TaktBench

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Long-running checks of invariants on random plants; each failure prints the command that replays it.",
        subcommands: [CheckOrchestrationCommand.self]
    )
}

struct CheckOrchestrationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orchestration",
        abstract: "Random disruptions on demo plants of random seeds and scales, through the engine with the orchestrator reacting; "
            + "invariants checked after every step (see docs/orchestration.md, 'Invariants')."
    )

    @Option(help: "Scenarios to run (seeds --seed, --seed+1, …).")
    var runs = 10
    @Option(help: "The first scenario's seed (the demo plant's seed and the choice of steps).")
    var seed: UInt64 = 1
    @Option(help: "Demo plant scale; left out, each scenario takes 1 or 2 from its seed.")
    var scale: Int?
    @Option(help: "Random steps per scenario.")
    var steps = 8
    @Flag(help: "Run each scenario twice and require the same exceptions, figures and actions (determinism).")
    var twice = false

    func validate() throws {
        guard (1...100_000).contains(runs) else { throw ValidationError("--runs must be from 1 to 100000 (got \(runs))") }
        guard (1...200).contains(steps) else { throw ValidationError("--steps must be from 1 to 200 (got \(steps))") }
        if let scale, !(1...50).contains(scale) { throw ValidationError("--scale must be from 1 to 50 (got \(scale))") }
    }

    func run() async throws {
        let progress = Progress()
        let began = ContinuousClock.now
        var failed: [String] = []
        var steps = 0
        var exceptions = 0
        var executed = 0
        for n in 0..<runs {
            let s = seed &+ UInt64(n)
            let check = OrchestrationCheck(seed: s, scale: scale ?? Int(1 + s % 2), steps: self.steps)
            let report = try await check.run { progress.say("run \(n + 1)/\(runs), seed \(s), scale \(check.scale): \($0)") }
            steps += report.steps.count
            exceptions += report.exceptions
            executed += report.actionsExecuted
            var problems = report.violations.map(\.description)
            if twice, problems.isEmpty {
                let again = try await check.run { progress.say("run \(n + 1)/\(runs), seed \(s) again: \($0)") }
                if again.fingerprint != report.fingerprint || again.steps != report.steps {
                    let first = zip(report.fingerprint, again.fingerprint).first { $0 != $1 }
                    problems.append(
                        "[determinism] the same seed gave other results: \(first.map { "\($0.0) ≠ \($0.1)" } ?? "a different number of exceptions")"
                    )
                }
            }
            progress.done()
            if problems.isEmpty {
                say(
                    "ok    seed \(s) scale \(check.scale): \(report.steps.count) steps, \(report.exceptions) exceptions, \(report.actionsExecuted) actions carried out, \(Int(report.seconds)) s"
                )
            } else {
                failed.append(report.replay)
                say("FAIL  seed \(s) scale \(check.scale): \(problems.count) violation(s)")
                for p in problems { say("      \(p)") }
                say("      steps:")
                for (i, step) in report.steps.enumerated() { say("        \(i + 1). \(step)") }
                say("      replay: \(report.replay)")
            }
        }
        let seconds = Double((ContinuousClock.now - began).components.seconds)
        say(
            String(
                format: "{\"runs\": %d, \"failed\": %d, \"steps\": %d, \"exceptions\": %d, \"actions_executed\": %d, \"seconds\": %.0f}",
                runs,
                failed.count,
                steps,
                exceptions,
                executed,
                seconds
            )
        )
        if !failed.isEmpty { throw ExitCode(1) }
    }
}

/// A line on standard output, written at once (each scenario's verdict as it comes, also when piped to a file).
private func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
