import Foundation
public import TaktB2MML
public import TaktCore
public import TaktEngine
public import TaktExchange
import TaktStore

/// Who imports: a signed-in user (the kinds' roles and every command's roles are checked), or the server's console
/// (`takt import` on the database, which records its commands as the system's).
public enum Importer: Sendable {
    case user(Caller)
    case console
}

/// What an import did: per kind the rows read and the entities created, changed or left as they were; the commands and
/// events appended (in one transaction).
public struct ImportSummary: Sendable, Hashable, Codable {
    public var counts: [String: ImportCounts]
    public var commands: Int
    public var events: Int
    /// The log's sequence after the import (unchanged when nothing was to do).
    public var sequence: Int64
}

extension PlantService {
    /// Refuses a user whose roles do not allow the kind: admins everything, planners the orders (``CSVKind/roles``).
    public static func authorize(_ kind: CSVKind, user: User) throws(EngineError) {
        guard user.active else { throw EngineError(.forbidden, "user '\(user.id)' is inactive") }
        guard user.has(.admin) || !kind.roles.isDisjoint(with: user.roles) else {
            throw EngineError(
                .forbidden,
                "importing or exporting \(kind.fileName) needs one of the roles: \(kind.roles.sorted().map(\.rawValue).joined(separator: ", "))"
            )
        }
    }

    /// Imports CSV files as one transaction: every row of every file is read and checked first, every command decided on
    /// a copy of the state; any problem refuses the whole import, with every problem listed; otherwise every command is
    /// appended in one transaction (``Engine/submitAtomically(_:)``). Re-importing the same files changes nothing.
    /// - Parameter progress: told what is being done, for a terminal.
    /// - Throws: ``ImportRefused`` (422) listing every problem, ``EngineError`` `forbidden` when a file's kind is not the
    ///   user's, `storage` when the store failed (nothing applied).
    public func importCSV(_ files: [CSVFile], by importer: Importer, progress: (@Sendable (String) -> Void)? = nil) async throws -> ImportSummary {
        var roles: Set<Role>?
        var actor: Actor = .system
        var actorID: User.ID?
        var correlation = "csv-import"
        if case .user(let caller) = importer {
            for kind in Set(files.compactMap(\.resolvedKind)) { try Self.authorize(kind, user: caller.user) }
            roles = Set(caller.user.roles)
            actor = .user(caller.user.id)
            actorID = caller.user.id
            correlation = caller.correlationID ?? correlation
        }
        progress?("checking \(files.count) file(s)…")
        let state = await engine.snapshot()
        let now = TaktJSON.wholeSeconds(engine.now())
        let plan = CSVImport.plan(files, into: state, roles: roles, actor: actorID, now: now) { progress?($0) }
        guard plan.issues.isEmpty else { throw ImportRefused(issues: plan.issues) }
        let counts = Dictionary(uniqueKeysWithValues: plan.counts.map { ($0.key.rawValue, $0.value) })
        guard !plan.commands.isEmpty else {
            return ImportSummary(counts: counts, commands: 0, events: 0, sequence: state.sequence)
        }
        let rows = plan.counts.values.reduce(0) { $0 + $1.rows }
        progress?("\(rows) rows checked; applying \(plan.commands.count) commands in one transaction…")
        let envelopes = plan.commands.map { CommandEnvelope(command: $0.command, actor: actor, correlationID: correlation) }
        let results = await engine.submitAtomically(envelopes)
        var issues: [ImportIssue] = []
        var events = 0
        var sequence = state.sequence
        for (planned, result) in zip(plan.commands, results) {
            switch result {
            case .success(let outcome):
                events += outcome.events.count
                sequence = max(sequence, outcome.events.last?.sequence ?? sequence)
            case .failure(let error as DomainError):
                // The plant changed between the check and the commit.
                issues += error.violations.map {
                    ImportIssue(file: planned.file, row: planned.row, column: nil, rule: $0.rule, message: $0.message)
                }
            case .failure(let error as EngineError) where error.code != .forbidden:
                throw error
            case .failure(let error as EngineError):
                issues.append(ImportIssue(file: planned.file, row: planned.row, column: nil, rule: "forbidden", message: error.message))
            case .failure(is AtomicBatchRefused):
                continue
            case .failure(let error):
                throw error
            }
        }
        guard issues.isEmpty else { throw ImportRefused(issues: issues) }
        progress?("applied \(plan.commands.count) commands (\(events) events)")
        return ImportSummary(counts: counts, commands: plan.commands.count, events: events, sequence: sequence)
    }

    /// The plant's `kind` as CSV text, in the format an import reads.
    /// - Parameter user: the reader (nil: the server's console).
    /// - Throws: ``EngineError`` `forbidden` when the kind is not the user's.
    public func exportCSV(_ kind: CSVKind, by user: User?) async throws -> String {
        if let user { try Self.authorize(kind, user: user) }
        return await engine.read { CSVExport.text(kind, state: $0) }
    }

    /// Every kind as CSV text, from one state (a consistent export).
    public func exportAllCSV() async -> [(kind: CSVKind, text: String)] {
        await engine.read { state in CSVKind.allCases.map { ($0, CSVExport.text($0, state: state)) } }
    }

    /// The empty file of a kind: its header row.
    public static func csvTemplate(_ kind: CSVKind) -> String { CSVExport.template(kind) }
}

// MARK: - ISA-95 / B2MML V0701

extension PlantService {
    /// Imports B2MML messages as one transaction, through the same planning as a CSV import
    /// (``B2MMLImport/translate(_:state:)`` then ``importCSV(_:by:progress:)``): every element checked first, every problem
    /// listed with its message, element and field, or everything applied; re-importing the same messages changes nothing.
    /// - Throws: ``ImportRefused`` (422) listing every problem, ``EngineError`` `forbidden` when a kind the messages hold is
    ///   not the user's, `storage` when the store failed (nothing applied).
    public func importB2MML(
        _ messages: [B2MMLMessage],
        by importer: Importer,
        progress: (@Sendable (String) -> Void)? = nil
    ) async throws
        -> ImportSummary
    {
        progress?("reading \(messages.count) B2MML message(s)…")
        let state = await engine.snapshot()
        let translation = B2MMLImport.translate(messages, state: state)
        guard translation.issues.isEmpty else { throw ImportRefused(issues: translation.issues) }
        do {
            return try await importCSV(translation.files, by: importer, progress: progress)
        } catch let refused as ImportRefused {
            throw ImportRefused(issues: translation.locate(refused.issues))
        }
    }

    /// A B2MML message of the plant as XML text (``B2MMLExport/xml(_:state:now:lot:)``), published now.
    /// - Parameters:
    ///   - user: the reader (nil: the server's console); performance needs a planner, supervisor or admin, lots also the
    ///     warehouse or quality.
    ///   - lot: for `MaterialInformation`, one lot and the lots it came from.
    /// - Throws: ``EngineError`` `forbidden`, ``B2MMLNothingToExport`` (404) when there is nothing to say.
    public func exportB2MML(_ message: B2MMLExportMessage, lot: Lot.ID?, by user: User?) async throws -> String {
        if let user { try Self.authorize(message, user: user) }
        let now = TaktJSON.wholeSeconds(engine.now())
        return try await engine.read { state throws(B2MMLNothingToExport) in try B2MMLExport.xml(message, state: state, now: now, lot: lot) }
    }

    /// The roles that may export each message: performance is the planners', supervisors' and admins'; lots also the
    /// warehouse's and quality's.
    public static func authorize(_ message: B2MMLExportMessage, user: User) throws(EngineError) {
        guard user.active else { throw EngineError(.forbidden, "user '\(user.id)' is inactive") }
        let roles: Set<Role> =
            switch message {
            case .operationsPerformance: [.admin, .planner, .supervisor]
            case .materialInformation: [.admin, .planner, .supervisor, .warehouse, .quality]
            }
        guard !roles.isDisjoint(with: user.roles) else {
            throw EngineError(
                .forbidden,
                "exporting \(message.rawValue) needs one of the roles: \(roles.sorted().map(\.rawValue).joined(separator: ", "))"
            )
        }
    }
}
