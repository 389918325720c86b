import Foundation
public import TaktCore
public import TaktEngine
public import TaktExchange

/// What a checked import would do, entity by entity.
public struct ImportPreview: Sendable, Hashable {
    /// Per kind: rows read, entities that would be created, changed or left as they are (as an import answers).
    public var summary: ImportSummary
    /// Every entity that would be created or changed, in the order of the kinds, then by ID.
    public var changes: [ImportChange]
}

/// One entity an import would create or change.
public struct ImportChange: Sendable, Hashable {
    public var kind: CSVKind
    public var id: String
    public var created: Bool
    /// For a change: the fields whose values differ (JSON names), e.g. `["name", "unit"]`.
    public var fields: [String]
}

extension PlantService {
    /// Checks CSV files as ``importCSV(_:by:progress:)`` would, and applies nothing: every row of every file is read and
    /// every command decided on a copy of the state, with the caller's roles.
    /// - Returns: what the import would do: counts per kind, and each entity it would create or change with the fields
    ///   that differ (`summary.events` is 0, `summary.sequence` the log's current one).
    /// - Throws: ``ImportRefused`` listing every problem, ``EngineError`` `forbidden` when a file's kind is not the user's.
    public func previewCSV(_ files: [CSVFile], by caller: Caller) async throws -> ImportPreview {
        for kind in Set(files.compactMap(\.resolvedKind)) { try Self.authorize(kind, user: caller.user) }
        let state = await engine.snapshot()
        let now = TaktJSON.wholeSeconds(engine.now())
        let plan = CSVImport.plan(files, into: state, roles: Set(caller.user.roles), actor: caller.user.id, now: now)
        guard plan.issues.isEmpty else { throw ImportRefused(issues: plan.issues) }
        let counts = Dictionary(uniqueKeysWithValues: plan.counts.map { ($0.key.rawValue, $0.value) })
        let summary = ImportSummary(counts: counts, commands: plan.commands.count, events: 0, sequence: state.sequence)
        let kinds = Set(files.compactMap(\.resolvedKind))
        return ImportPreview(summary: summary, changes: Self.changes(from: state, to: plan.result, kinds: kinds))
    }

    /// The entities of `kinds` that differ between two states.
    static func changes(from a: PlantState, to b: PlantState, kinds: Set<CSVKind>) -> [ImportChange] {
        var out: [ImportChange] = []
        func diff<E: Identifiable & Encodable & Equatable>(_ kind: CSVKind, _ old: [E.ID: E], _ new: [E.ID: E]) where E.ID: Comparable {
            guard kinds.contains(kind) else { return }
            for (id, entity) in new.sorted(by: { $0.key < $1.key }) where old[id] != entity {
                out.append(ImportChange(kind: kind, id: "\(id)", created: old[id] == nil, fields: fieldsThatDiffer(old[id], entity)))
            }
        }
        diff(.sites, a.sites, b.sites)
        diff(.skills, a.skills, b.skills)
        diff(.workInstructions, a.workInstructions, b.workInstructions)
        diff(.workCenters, a.workCenters, b.workCenters)
        diff(.downtime, a.workCenters, b.workCenters)
        diff(.locations, a.locations, b.locations)
        diff(.items, a.items, b.items)
        diff(.customers, a.customers, b.customers)
        diff(.users, a.users, b.users)
        diff(.boms, a.boms, b.boms)
        diff(.routings, a.routings, b.routings)
        diff(.salesOrders, a.salesOrders, b.salesOrders)
        diff(.productionOrders, a.productionOrders, b.productionOrders)
        diff(.lots, a.lots, b.lots)
        return out
    }

    private static func fieldsThatDiffer<E: Encodable>(_ old: E?, _ new: E) -> [String] {
        guard let old, case .object(let before)? = json(old), case .object(let after)? = json(new) else { return [] }
        return Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
    }

    private static func json<E: Encodable>(_ value: E) -> JSONValue? {
        guard let data = try? TaktJSON.encoder.encode(value) else { return nil }
        return try? TaktJSON.decoder.decode(JSONValue.self, from: data)
    }
}

extension PlantServing {
    /// A double that does not check imports says so (``PlantService`` checks them).
    public func previewCSV(_ files: [CSVFile], by caller: Caller) async throws -> ImportPreview {
        throw EngineError(.forbidden, "this service does not check imports")
    }
}
