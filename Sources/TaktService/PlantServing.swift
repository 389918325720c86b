public import Foundation
public import TaktB2MML
public import TaktCore
public import TaktEngine
public import TaktExchange
import TaktOrchestration
public import TaktPlanning
public import TaktStore

/// Following the log, as a front end reads it: pages of events and `.idle` ticks (see ``LogFollower``). An existential,
/// so that a test's service double can answer a scripted sequence instead of an engine's follower.
public typealias LogSteps = any AsyncSequence<LogFollower.Step, any Error> & Sendable

/// What a front end may ask of the plant: every call the API, the web app and the CLI make, and nothing else. The
/// server's implementation is ``PlantService`` (over the engine); tests may hold a double that answers only what they set
/// up (`ScriptedService` in TaktTestSupport). Front ends hold an `any PlantServing` and never an engine.
///
/// The rules are the implementation's, never the caller's: a front end parses a request, calls one of these, and
/// formats the answer or the error (every error a user may see is a `PresentableError`).
public protocol PlantServing: Sendable {
    /// The plant's clock (injected: tests run on a fixed one).
    var now: @Sendable () -> Date { get }

    // MARK: Reads

    /// Runs `body` on a copy of the committed state, outside the engine's actor and off the cooperative pool.
    func read<T: Sendable, Failure: Error>(_ body: @escaping @Sendable (PlantState) throws(Failure) -> T) async throws(Failure) -> T
    /// A copy of the committed state.
    func snapshot() async -> PlantState
    /// The sequence of the last committed event.
    var committedSequence: Int64 { get async }
    /// Up to `limit` events after `after`, as stored.
    /// - Throws: `EngineError` `storage` when the store cannot be read.
    func events(after: Int64, limit: Int) async throws -> [RecordedEvent]
    /// Follows the log from `position`: pages of at most `pageSize` events, `.idle` after `idle` with nothing new.
    func follow(after position: Int64, pageSize: Int, idle: Duration) -> LogSteps
    /// Waits until an event after `position` is committed, at most `timeout`; true when there is one.
    func waitForCommit(after position: Int64, timeout: Duration) async -> Bool
    /// Master-data changes from the log (who changed what, before and after).
    func masterDataChanges(subject: String?) async throws -> [MasterDataChange]

    // MARK: Identity

    /// Who holds a token secret sent by `client` (its network address); refused or throttled after failures.
    func authenticate(tokenSecret: String, client: String) async -> Engine.Authentication
    /// Who signs in with a user ID and password from `client`; refused or throttled after failures.
    func authenticate(user: User.ID, password: String, client: String) async -> Engine.Authentication
    /// Sets a user's password (their own with the current one, or any user's for an admin).
    func setPassword(
        of user: User.ID,
        to password: String,
        current: String?,
        by actor: Actor,
        client: String
    ) async throws
        -> CommandOutcome

    // MARK: Commands and use cases

    /// Validates and applies one command.
    /// - Throws: `DomainError` when a rule refuses it, `EngineError` when the roles, the key or the store do.
    func submit(_ envelope: CommandEnvelope) async throws -> CommandOutcome
    /// Validates and applies commands in order, each with its own answer.
    func submitBatch(_ envelopes: [CommandEnvelope]) async -> [Result<CommandOutcome, any Error>]
    /// Schedules every open production order and publishes the result (see ``PlantService/runSchedule(_:by:)``).
    func runSchedule(_ run: ScheduleRunRequest, by caller: Caller) async throws -> CommandOutcome
    func planSchedule(_ run: ScheduleRunRequest, by caller: Caller) async throws -> PublishedSchedule
    /// The earliest date a new order could be finished (see ``PlantService/promise(_:by:)``).
    func promise(_ query: PromiseQuery, by caller: Caller) async throws -> PromiseAnswer
    /// Asks for an outcome and records plan options as an exception (see ``PlantService/requestOutcome(_:by:)``).
    func requestOutcome(_ ask: OutcomeAsk, by caller: Caller) async throws -> CommandOutcome

    // MARK: CSV import and export (Exchange.swift)

    /// Imports CSV files as one transaction, or refuses them with every problem (see ``PlantService/importCSV(_:by:progress:)``).
    func importCSV(_ files: [CSVFile], by importer: Importer, progress: (@Sendable (String) -> Void)?) async throws -> ImportSummary
    /// The plant's data of one kind as CSV (see ``PlantService/exportCSV(_:by:)``).
    func exportCSV(_ kind: CSVKind, by user: User?) async throws -> String
    /// What an import of CSV files would do, or every problem, applying nothing (see ``PlantService/previewCSV(_:by:)``).
    func previewCSV(_ files: [CSVFile], by caller: Caller) async throws -> ImportPreview

    // MARK: ISA-95 / B2MML (Exchange.swift)

    /// Imports B2MML messages as one transaction, or refuses them with every problem (see
    /// ``PlantService/importB2MML(_:by:progress:)``).
    func importB2MML(_ messages: [B2MMLMessage], by importer: Importer, progress: (@Sendable (String) -> Void)?) async throws -> ImportSummary
    /// A B2MML message of the plant (see ``PlantService/exportB2MML(_:lot:by:)``).
    func exportB2MML(_ message: B2MMLExportMessage, lot: Lot.ID?, by user: User?) async throws -> String

    // MARK: Incoming documents (Documents.swift)

    /// Receives an uploaded document (text, CSV or PDF) into a record that waits for verification (see
    /// ``PlantService/receiveDocument(_:by:)``).
    func receiveDocument(_ upload: DocumentUpload, by caller: Caller) async throws -> CommandOutcome

    // MARK: Machine data

    /// The machine-data bridge's status (connection, messages taken and refused, unmapped topics, edge nodes).
    var machineData: MachineDataBoard { get }
}

extension PlantServing {
    /// Follows the log from `position`, 500 events a page, an `.idle` tick after a second with nothing new.
    public func follow(after position: Int64, pageSize: Int = 500) -> LogSteps {
        follow(after: position, pageSize: pageSize, idle: .seconds(1))
    }
}

extension PlantService: PlantServing {}
