import Foundation
import Logging
import TaktApp
import TaktCore
import TaktEngine
import TaktStore
import TaktStoreSQLite

/// `takt bench ingest`: how many commands per second the store appends durably, on the demo plant,
/// one command per transaction and in batches, next to raw SQLite inserts of rows of the same size.
public struct IngestBenchmark: Sendable {
    public var singleCommands = 1_000
    public var batchCommands = 20_000
    public var batchSize = 500
    public var rounds = 3
    public var scale = 1
    /// Count into a Prometheus registry as `takt serve` does (`--metrics`), to see what counting costs.
    public var metrics = false
    public var directory: String

    public init(directory: String) { self.directory = directory }

    public struct Figures: Sendable {
        public var singlePerSecond: Double
        public var batchPerSecond: Double
        public var rawPerSecond: Double
        public var rawSinglePerSecond: Double
        public var payloadBytes: Int
    }

    /// Runs every round and returns the medians. `progress` receives a line per step.
    public func run(progress: @Sendable (String) -> Void) async throws -> Figures {
        var singles: [Double] = []
        var batches: [Double] = []
        var raws: [Double] = []
        var rawSingles: [Double] = []
        var payloadBytes = 0
        let logger = Logger(label: "takt.bench") { _ in SwiftLogNoOpLogHandler() }
        for round in 1...rounds {
            let path = directory + "/ingest-\(round).sqlite"
            removeDatabase(path)
            let store = try SQLiteEventStore(path: path)
            let engine = try await Engine.open(store: store, logger: logger, metrics: metrics ? ServerMetrics().factory : nil)
            progress("round \(round)/\(rounds): generating the demo plant (scale \(scale))")
            _ = try await engine.bootstrapAdminIfEmpty(token: "bench-admin-token")
            _ = try await TaktApplication.seedDemo(
                engine: engine,
                seed: 7,
                scale: scale,
                now: Date(timeIntervalSince1970: 1_800_000_000),
                logger: logger
            )
            let (items, receiving) = await engine.read { s -> ([Item.ID], Location.ID?) in
                (
                    s.items.values.filter { $0.kind == .purchased }.map(\.id).sorted(),
                    s.locations.values.filter { $0.kind == .receiving }.map(\.id).min()
                )
            }
            guard !items.isEmpty, let receiving else { throw BenchError(message: "the demo plant has no purchased item or receiving location") }
            func receipt(_ n: Int) -> CommandEnvelope {
                CommandEnvelope(
                    command: .createLot(
                        NewLot(
                            id: .init(String(format: "R%d-%07d", round, n)),
                            item: items[n % items.count],
                            quantity: Double(10 + n % 90),
                            location: receiving,
                            supplierLot: String(format: "SUP-%06d", n),
                            supplier: "Gießerei Nord GmbH"
                        )
                    ),
                    actor: .user("admin"),
                    idempotencyKey: "bench-\(round)-\(n)"
                )
            }

            progress("round \(round)/\(rounds): \(singleCommands) commands, one transaction each")
            let clock = ContinuousClock()
            var t0 = clock.now
            for n in 0..<singleCommands { _ = try await engine.submit(receipt(n)) }
            singles.append(Double(singleCommands) / seconds(clock.now - t0))

            progress("round \(round)/\(rounds): \(batchCommands) commands in batches of \(batchSize)")
            let envelopes = (singleCommands..<(singleCommands + batchCommands)).map(receipt)
            t0 = clock.now
            var index = 0
            while index < envelopes.count {
                let results = await engine.submitBatch(Array(envelopes[index..<min(envelopes.count, index + batchSize)]))
                if case .failure(let error)? = results.first(where: { if case .failure = $0 { true } else { false } }) { throw error }
                index += batchSize
            }
            batches.append(Double(batchCommands) / seconds(clock.now - t0))
            let sample = try await store.read(after: await engine.committedSequence - 1, limit: 1)
            payloadBytes = sample.first?.payload.count ?? 200

            progress("round \(round)/\(rounds): raw SQLite inserts of \(payloadBytes)-byte rows")
            let rawPath = directory + "/raw-\(round).sqlite"
            removeDatabase(rawPath)
            raws.append(try RawInsertBenchmark.run(path: rawPath, rows: batchCommands, payloadBytes: payloadBytes, batchSize: batchSize))
            rawSingles.append(try RawInsertBenchmark.run(path: rawPath, rows: singleCommands, payloadBytes: payloadBytes, batchSize: 1))
            removeDatabase(rawPath)
            removeDatabase(path)
        }
        return Figures(
            singlePerSecond: median(singles),
            batchPerSecond: median(batches),
            rawPerSecond: median(raws),
            rawSinglePerSecond: median(rawSingles),
            payloadBytes: payloadBytes
        )
    }

    func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// The median of a non-empty list (0 for an empty one).
public func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let s = values.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
