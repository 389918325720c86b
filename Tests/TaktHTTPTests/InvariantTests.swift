import Foundation
import TaktApp
import TaktBench
import Testing

/// The fast slice of `takt check orchestration` (the long form runs hundreds of scenarios): random disruptions on demo
/// plants of fixed seeds and both scales, through the engine with the orchestrator's two lanes reacting, every invariant
/// checked after every step. A failure names the seed and the steps; `takt check orchestration --seed S --scale K --steps N`
/// replays it.
@Suite("Invariants on random plants", .serialized)
struct InvariantTests {
    @Test(
        "Random disruptions on demo plants of three seeds: no plan starts work on a down machine, no action takes a held lot, promises answer, every worse exception has an action or says why, each event raises at most one exception, approved actions are carried out and verified",
        arguments: [(UInt64(21), 1), (UInt64(22), 2), (UInt64(23), 1)]
    )
    func invariantsHold(seed: UInt64, scale: Int) async throws {
        let report = try await OrchestrationCheck(seed: seed, scale: scale, steps: 8).run()
        #expect(
            report.violations.isEmpty,
            """
            \(report.violations.map(\.description).joined(separator: "\n"))
            steps: \(report.steps.enumerated().map { "\($0 + 1). \($1)" }.joined(separator: "; "))
            replay: \(report.replay)
            """
        )
        #expect(report.steps.count == 8 && report.exceptions > 0, "the scenario did something: \(report.steps)")
    }

    @Test("The same seed gives the same exceptions, figures and actions")
    func deterministic() async throws {
        let check = OrchestrationCheck(seed: 24, scale: 1, steps: 6)
        let (first, second) = (try await check.run(), try await check.run())
        #expect(first.steps == second.steps)
        #expect(first.fingerprint == second.fingerprint, "\(zip(first.fingerprint, second.fingerprint).filter { $0 != $1 }.prefix(2))")
        #expect(!first.fingerprint.isEmpty)
    }
}
