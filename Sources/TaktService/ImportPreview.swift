import Foundation
public import TaktCore
public import TaktEngine
public import TaktExchange

extension PlantService {
    /// Checks CSV files as ``importCSV(_:by:progress:)`` would, and applies nothing: every row of every file is read and
    /// every command decided on a copy of the state, with the caller's roles.
    /// - Returns: what the import would do (per kind: rows, created, changed, unchanged); `commands` is the number it would
    ///   submit, `events` 0 and `sequence` the log's current one.
    /// - Throws: ``ImportRefused`` listing every problem, ``EngineError`` `forbidden` when a file's kind is not the user's.
    public func previewCSV(_ files: [CSVFile], by caller: Caller) async throws -> ImportSummary {
        for kind in Set(files.compactMap(\.resolvedKind)) { try Self.authorize(kind, user: caller.user) }
        let state = await engine.snapshot()
        let now = TaktJSON.wholeSeconds(engine.now())
        let plan = CSVImport.plan(files, into: state, roles: Set(caller.user.roles), actor: caller.user.id, now: now)
        guard plan.issues.isEmpty else { throw ImportRefused(issues: plan.issues) }
        let counts = Dictionary(uniqueKeysWithValues: plan.counts.map { ($0.key.rawValue, $0.value) })
        return ImportSummary(counts: counts, commands: plan.commands.count, events: 0, sequence: state.sequence)
    }
}

extension PlantServing {
    /// A double that does not check imports says so (``PlantService`` checks them).
    public func previewCSV(_ files: [CSVFile], by caller: Caller) async throws -> ImportSummary {
        throw EngineError(.forbidden, "this service does not check imports")
    }
}
