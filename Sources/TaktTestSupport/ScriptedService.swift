public import Foundation
import Hummingbird
import Synchronization
import TaktApp
public import TaktB2MML
public import TaktCore
public import TaktEngine
public import TaktExchange
public import TaktPlanning
public import TaktService
public import TaktStore
public import Testing

/// A service double for front-end tests: it answers only the calls the test set up, and any other call fails the test.
///
/// A test fills in the ``Script`` — the plant state reads answer, what `submit` returns or throws, who a token belongs
/// to — and hands the double to the API or the web app (``TaktApp/TaktApplication/router(service:logger:secureCookies:timeouts:)``).
/// That way it can reach what the real engine will not do on request: a programmer error inside a command, a store that
/// fails, an answer a rule would never give.
///
/// A call the test did not set up is never answered with a quiet default. It records an issue naming the call (at the
/// line that made the double) and, where the call can throw, throws ``Unscripted`` so the request ends there (the API
/// answers 500). Calls that cannot throw still record the issue, then answer as little as they can: a read runs on an
/// empty plant, the committed sequence is 0, a sign-in is refused, every command of a batch fails.
public struct ScriptedService: PlantServing {
    /// What the double answers, call by call; nil (the default) means the test does not expect the call.
    public struct Script: Sendable {
        /// The committed state that `read` and `snapshot` answer.
        public var state: PlantState?
        public var committedSequence: Int64?
        /// `events(after:limit:)`.
        public var events: (@Sendable (_ after: Int64, _ limit: Int) async throws -> [RecordedEvent])?
        /// `follow(after:pageSize:idle:)`: the steps the follower yields, given the position it starts after.
        public var follow: (@Sendable (_ after: Int64) -> AsyncThrowingStream<LogFollower.Step, any Error>)?
        public var waitForCommit: (@Sendable (_ after: Int64) async -> Bool)?
        public var masterDataChanges: (@Sendable (_ subject: String?) async throws -> [MasterDataChange])?
        /// `authenticate(tokenSecret:client:)`.
        public var authenticateToken: (@Sendable (_ secret: String, _ client: String) async -> Engine.Authentication)?
        /// `authenticate(user:password:client:)`.
        public var authenticatePassword: (@Sendable (_ user: User.ID, _ password: String, _ client: String) async -> Engine.Authentication)?
        public var setPassword: (@Sendable (_ user: User.ID, _ password: String, _ current: String?, _ actor: Actor) async throws -> CommandOutcome)?
        public var submit: (@Sendable (CommandEnvelope) async throws -> CommandOutcome)?
        public var submitBatch: (@Sendable ([CommandEnvelope]) async -> [Result<CommandOutcome, any Error>])?
        public var runSchedule: (@Sendable (ScheduleRunRequest, Caller) async throws -> CommandOutcome)?
        public var planSchedule: (@Sendable (ScheduleRunRequest, Caller) async throws -> PublishedSchedule)?
        public var promise: (@Sendable (PromiseQuery, Caller) async throws -> PromiseAnswer)?
        public var requestOutcome: (@Sendable (OutcomeAsk, Caller) async throws -> CommandOutcome)?
        public var importCSV: (@Sendable ([CSVFile], Importer) async throws -> ImportSummary)?
        public var exportCSV: (@Sendable (CSVKind, User?) async throws -> String)?
        public var importB2MML: (@Sendable ([B2MMLMessage], Importer) async throws -> ImportSummary)?
        public var exportB2MML: (@Sendable (B2MMLExportMessage, Lot.ID?, User?) async throws -> String)?
        public var receiveDocument: (@Sendable (DocumentUpload, Caller) async throws -> CommandOutcome)?
        public var machineData: MachineDataBoard?

        public init() {}

        /// Signs in the holder of `secret` as `user` (and refuses every other secret, as the engine would).
        public mutating func signIn(_ secret: String, as user: User) {
            authenticateToken = { given, _ in given == secret ? .user(user) : .refused }
        }
    }

    /// A call the test did not set up: thrown so the request ends (a front end answers it as an internal error).
    public struct Unscripted: Error, CustomStringConvertible {
        /// The call, e.g. `submit(_:)`.
        public var call: String
        public var description: String { "ScriptedService: \(call) was called, but the test did not set it up" }
    }

    /// The answers.
    public var script: Script
    /// The plant's clock: a ``TestClock``'s, never the wall clock.
    public let now: @Sendable () -> Date
    /// Every call the double received, in order, by name (`submit(_:)`, `read(_:)`…), set up or not.
    public let calls = CallLog()
    /// Where the test made the double: an unscripted call's issue points here.
    let madeAt: SourceLocation

    /// A double on `clock` that answers what `setUp` scripts.
    public init(clock: TestClock = TestClock(), sourceLocation: SourceLocation = #_sourceLocation, _ setUp: (inout Script) -> Void = { _ in }) {
        var script = Script()
        setUp(&script)
        self.script = script
        self.now = clock.read
        self.madeAt = sourceLocation
    }

    /// The calls a double received, in order.
    public final class CallLog: Sendable {
        private let names = Mutex<[String]>([])
        /// Every call so far, by name.
        public var all: [String] { names.withLock { $0 } }
        func append(_ name: String) { names.withLock { $0.append(name) } }
    }

    /// Notes the call; when it was not set up, fails the test naming it and returns the error to throw.
    private func received(_ call: String, scripted: Bool) -> Unscripted? {
        calls.append(call)
        if scripted { return nil }
        let error = Unscripted(call: call)
        Issue.record(Comment(rawValue: error.description), sourceLocation: madeAt)
        return error
    }

    // MARK: - PlantServing

    public func read<T: Sendable, Failure: Error>(
        _ body: @escaping @Sendable (PlantState) throws(Failure) -> T
    ) async throws(Failure) -> T {
        _ = received("read(_:)", scripted: script.state != nil)
        return try body(script.state ?? PlantState())
    }

    public func snapshot() async -> PlantState {
        _ = received("snapshot()", scripted: script.state != nil)
        return script.state ?? PlantState()
    }

    public var committedSequence: Int64 {
        get async {
            _ = received("committedSequence", scripted: script.committedSequence != nil)
            return script.committedSequence ?? 0
        }
    }

    public func events(after: Int64, limit: Int) async throws -> [RecordedEvent] {
        if let error = received("events(after:limit:)", scripted: script.events != nil) { throw error }
        return try await script.events?(after, limit) ?? []
    }

    public func follow(after position: Int64, pageSize: Int, idle: Duration) -> LogSteps {
        if let follow = script.follow {
            _ = received("follow(after:pageSize:idle:)", scripted: true)
            return follow(position)
        }
        let error = received("follow(after:pageSize:idle:)", scripted: false)
        return AsyncThrowingStream<LogFollower.Step, any Error> { $0.finish(throwing: error) }
    }

    public func waitForCommit(after position: Int64, timeout: Duration) async -> Bool {
        _ = received("waitForCommit(after:timeout:)", scripted: script.waitForCommit != nil)
        return await script.waitForCommit?(position) ?? false
    }

    public func masterDataChanges(subject: String?) async throws -> [MasterDataChange] {
        if let error = received("masterDataChanges(subject:)", scripted: script.masterDataChanges != nil) { throw error }
        return try await script.masterDataChanges?(subject) ?? []
    }

    public func authenticate(tokenSecret: String, client: String) async -> Engine.Authentication {
        _ = received("authenticate(tokenSecret:client:)", scripted: script.authenticateToken != nil)
        return await script.authenticateToken?(tokenSecret, client) ?? .refused
    }

    public func authenticate(user: User.ID, password: String, client: String) async -> Engine.Authentication {
        _ = received("authenticate(user:password:client:)", scripted: script.authenticatePassword != nil)
        return await script.authenticatePassword?(user, password, client) ?? .refused
    }

    public func setPassword(
        of user: User.ID,
        to password: String,
        current: String?,
        by actor: Actor,
        client: String
    ) async throws
        -> CommandOutcome
    {
        guard let answer = script.setPassword else { throw unscripted("setPassword(of:to:current:by:client:)") }
        _ = received("setPassword(of:to:current:by:client:)", scripted: true)
        return try await answer(user, password, current, actor)
    }

    public func submit(_ envelope: CommandEnvelope) async throws -> CommandOutcome {
        guard let answer = script.submit else { throw unscripted("submit(_:)") }
        _ = received("submit(_:)", scripted: true)
        return try await answer(envelope)
    }

    public func submitBatch(_ envelopes: [CommandEnvelope]) async -> [Result<CommandOutcome, any Error>] {
        guard let answer = script.submitBatch else {
            let error = unscripted("submitBatch(_:)")
            return envelopes.map { _ in .failure(error) }
        }
        _ = received("submitBatch(_:)", scripted: true)
        return await answer(envelopes)
    }

    public func runSchedule(_ run: ScheduleRunRequest, by caller: Caller) async throws -> CommandOutcome {
        guard let answer = script.runSchedule else { throw unscripted("runSchedule(_:by:)") }
        _ = received("runSchedule(_:by:)", scripted: true)
        return try await answer(run, caller)
    }

    public func planSchedule(_ run: ScheduleRunRequest, by caller: Caller) async throws -> PublishedSchedule {
        guard let answer = script.planSchedule else { throw unscripted("planSchedule(_:by:)") }
        _ = received("planSchedule(_:by:)", scripted: true)
        return try await answer(run, caller)
    }

    public func promise(_ query: PromiseQuery, by caller: Caller) async throws -> PromiseAnswer {
        guard let answer = script.promise else { throw unscripted("promise(_:by:)") }
        _ = received("promise(_:by:)", scripted: true)
        return try await answer(query, caller)
    }

    public func requestOutcome(_ ask: OutcomeAsk, by caller: Caller) async throws -> CommandOutcome {
        guard let answer = script.requestOutcome else { throw unscripted("requestOutcome(_:by:)") }
        _ = received("requestOutcome(_:by:)", scripted: true)
        return try await answer(ask, caller)
    }

    public func importCSV(_ files: [CSVFile], by importer: Importer, progress: (@Sendable (String) -> Void)?) async throws -> ImportSummary {
        guard let answer = script.importCSV else { throw unscripted("importCSV(_:by:progress:)") }
        _ = received("importCSV(_:by:progress:)", scripted: true)
        return try await answer(files, importer)
    }

    public func exportCSV(_ kind: CSVKind, by user: User?) async throws -> String {
        guard let answer = script.exportCSV else { throw unscripted("exportCSV(_:by:)") }
        _ = received("exportCSV(_:by:)", scripted: true)
        return try await answer(kind, user)
    }

    public func importB2MML(
        _ messages: [B2MMLMessage],
        by importer: Importer,
        progress: (@Sendable (String) -> Void)?
    ) async throws
        -> ImportSummary
    {
        guard let answer = script.importB2MML else { throw unscripted("importB2MML(_:by:progress:)") }
        _ = received("importB2MML(_:by:progress:)", scripted: true)
        return try await answer(messages, importer)
    }

    public func exportB2MML(_ message: B2MMLExportMessage, lot: Lot.ID?, by user: User?) async throws -> String {
        guard let answer = script.exportB2MML else { throw unscripted("exportB2MML(_:lot:by:)") }
        _ = received("exportB2MML(_:lot:by:)", scripted: true)
        return try await answer(message, lot, user)
    }

    public func receiveDocument(_ upload: DocumentUpload, by caller: Caller) async throws -> CommandOutcome {
        guard let answer = script.receiveDocument else { throw unscripted("receiveDocument(_:by:)") }
        _ = received("receiveDocument(_:by:)", scripted: true)
        return try await answer(upload, caller)
    }

    /// No bridge: the status says so (a test of the machine-data page attaches its own board).
    public var machineData: MachineDataBoard { script.machineData ?? MachineDataBoard() }

    /// Notes a call that was not set up and fails the test; the error to throw.
    private func unscripted(_ call: String) -> Unscripted {
        received(call, scripted: false) ?? Unscripted(call: call)
    }
}

extension TestConnection {
    /// Runs `body` with an in-process connection to the API and the web app over `service` (a ``ScriptedService``,
    /// usually): the server's own routes and middleware, no engine, no socket.
    public static func run<T: Sendable>(
        service: any PlantServing,
        secureCookies: Bool = false,
        _ body: @Sendable (TestConnection) async throws -> T
    )
        async throws -> T
    {
        try await run(
            .router,
            app: { _ in
                Application(router: TaktApplication.router(service: service, logger: TestPlant.quietLogger, secureCookies: secureCookies))
            },
            body: body
        )
    }
}
