import CoreMetrics
import TaktCore

/// What the engine counts, into a swift-metrics factory (docs/integration.md, "Metrics and traces"):
///
/// - `takt_commands_total{command, outcome}`: commands answered, by wire name and outcome — `accepted` (its events were
///   appended), `replayed` (an idempotent retry answered from the log), `refused` (a rule, a role or a key said no: the
///   caller's to fix) or `failed` (the store failed: the server's to fix);
/// - `takt_events_appended_total`: events appended to the log;
/// - `takt_store_commit_duration_seconds`: how long one group commit's append to the store took.
///
/// Series are made once and kept: a command's wire name comes from ``CommandKind``, a closed set, never from a client.
struct EngineMetrics {
    private let factory: any MetricsFactory
    private let events: Counter
    private let commits: CoreMetrics.Timer
    private var commands: [String: Counter] = [:]

    init(factory: any MetricsFactory) {
        self.factory = factory
        events = Counter(label: "takt_events_appended_total", factory: factory)
        commits = CoreMetrics.Timer(label: "takt_store_commit_duration_seconds", factory: factory)
    }

    /// Counts the answers of one batch, command by command.
    mutating func count(_ envelopes: [CommandEnvelope], _ results: [Result<CommandOutcome, any Error>]) {
        for (envelope, result) in zip(envelopes, results) {
            let outcome: String
            switch result {
            case .success(let answer):
                outcome = answer.replayed ? "replayed" : "accepted"
                if !answer.replayed { events.increment(by: answer.events.count) }
            case .failure(let error as EngineError) where error.code == .storage || error.code == .internal:
                outcome = "failed"
            case .failure:
                outcome = "refused"
            }
            counter(envelope.command.typeName, outcome).increment()
        }
    }

    /// Records how long one append to the store took.
    func recordCommit(_ elapsed: Duration) { commits.recordNanoseconds(elapsed.nanoseconds) }

    private mutating func counter(_ command: String, _ outcome: String) -> Counter {
        let key = command + " " + outcome
        if let c = commands[key] { return c }
        let c = Counter(label: "takt_commands_total", dimensions: [("command", command), ("outcome", outcome)], factory: factory)
        commands[key] = c
        return c
    }
}

extension Duration {
    /// The whole nanoseconds of a duration, for swift-metrics' timers.
    public var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
