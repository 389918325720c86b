import Foundation
import TaktCore
import TaktEngine
import TaktStore
import Testing

/// A shift of work on the seeded demo plant: orders released, started, completed and cancelled, lots moved and
/// held, a user created, tokens issued and revoked, idempotent repeats and some refused commands.
/// Every command expected to be accepted is checked; so is every one expected to be refused.
func workAShift(on engine: Engine, round: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let state = await engine.snapshotState()
    func accept(_ command: Command, as actor: Actor, key: String? = nil) async {
        do {
            try await engine.run(command, as: actor, key: key)
        } catch {
            Issue.record("round \(round): \(command.typeName) by \(actor) was refused: \(error)", sourceLocation: sourceLocation)
        }
    }
    func refuse(_ command: Command, as actor: Actor) async {
        do {
            try await engine.run(command, as: actor)
            Issue.record("round \(round): \(command.typeName) by \(actor) was accepted", sourceLocation: sourceLocation)
        } catch {}
    }
    let orders = state.productionOrders.values.sorted { $0.id < $1.id }
    let planned = orders.filter { $0.status == .planned }.map(\.id)
    let released = orders.filter { $0.status == .released }.map(\.id)
    let running = orders.filter { $0.status == .inProgress }.map(\.id)
    let completed = orders.filter { $0.status == .completed }.map(\.id)
    try #require(
        planned.count >= 4 && !released.isEmpty && !running.isEmpty && !completed.isEmpty,
        "the demo plant has orders in every status",
        sourceLocation: sourceLocation
    )

    // Orders move along; one is cancelled.
    let ref = { (id: ProductionOrder.ID) in ProductionOrderRef(productionOrder: id) }
    await accept(.releaseProductionOrder(ref(planned[0])), as: .user("planner"), key: "release-\(planned[0])")
    await accept(.releaseProductionOrder(ref(planned[0])), as: .user("planner"), key: "release-\(planned[0])")  // repeat
    await accept(.startProductionOrder(ref(released[0])), as: .user("supervisor"))
    await accept(.completeProductionOrder(ref(running[0])), as: .user("op-anna"))
    await accept(
        .cancelProductionOrder(CancelProductionOrder(productionOrder: planned[1], reason: "Customer changed the size")),
        as: .user("planner")
    )
    await refuse(.startProductionOrder(ref(completed[0])), as: .user("supervisor"))  // completed orders do not restart
    await refuse(.releaseProductionOrder(ref(planned[2])), as: .user("op-anna"))  // operators do not release

    // Lots: one moves, one is held and then cannot move.
    let lots = state.lots.values.filter { $0.status == .available }.sorted { $0.id < $1.id }
    try #require(lots.count >= 2, sourceLocation: sourceLocation)
    let otherLocation = { (lot: Lot) in state.locations.keys.sorted().first { $0 != lot.location } ?? lot.location }
    await accept(.moveLot(MoveLot(lot: lots[0].id, to: otherLocation(lots[0]))), as: .user("warehouse"), key: "move-\(round)")
    await accept(.moveLot(MoveLot(lot: lots[0].id, to: otherLocation(lots[0]))), as: .user("warehouse"), key: "move-\(round)")
    await accept(
        .setLotStatus(SetLotStatus(lot: lots[1].id, status: .onHold, reason: "Porosity found at incoming inspection")),
        as: .user("quality")
    )
    await refuse(.moveLot(MoveLot(lot: lots[1].id, to: otherLocation(lots[1]))), as: .user("warehouse"))
    await refuse(.setLotStatus(SetLotStatus(lot: lots[1].id, status: .available, reason: "ok")), as: .user("warehouse"))

    // People and tokens.
    let newcomer = User.ID("op-new-\(round)")
    await accept(.createUser(User(id: newcomer, name: "New operator \(round)", roles: [.operator])), as: .user("admin"))
    await refuse(.createUser(User(id: newcomer, name: "Twice", roles: [.operator])), as: .user("admin"))
    await accept(
        .issueAPIToken(IssueAPIToken(user: newcomer, secretHash: secretHash(100 + round), label: "terminal")),
        as: .user("admin")
    )
    await accept(
        .issueAPIToken(IssueAPIToken(user: newcomer, secretHash: secretHash(200 + round), label: "own")),
        as: .user(newcomer)
    )
    await refuse(
        .issueAPIToken(IssueAPIToken(user: "planner", secretHash: secretHash(300 + round), label: "x")),
        as: .user(newcomer)
    )
    let token = await engine.read { s in s.tokensByHash[secretHash(100 + round)] }
    if let token {
        await accept(.revokeAPIToken(APITokenRef(token: token)), as: .user("admin"))
        await refuse(.revokeAPIToken(APITokenRef(token: token)), as: .user("admin"))
    } else {
        Issue.record("round \(round): the issued token is not in the state", sourceLocation: sourceLocation)
    }
}

@Suite("Engine: replay and snapshots")
struct EngineReplayTests {
    @Test("Replaying the log rebuilds exactly the live plant state", arguments: StoreKind.allCases)
    func replayEqualsLive(kind: StoreKind) async throws {
        let scratch = try ScratchStore(kind)
        let live = try await scratch.engine()
        try await seedDemoPlant(live)
        try await live.run(.createUser(User(id: "admin", name: "Administrator", roles: [.admin])))
        try await workAShift(on: live, round: 1)
        let liveState = await live.snapshotState()
        #expect(try await scratch.store.loadSnapshot() == nil, "no snapshot: the next engine replays the whole log")
        #expect(liveState.sequence == (try await scratch.store.lastSequence()))

        let replayed = try await openEngine(try scratch.reopened())
        let replayedState = await replayed.snapshotState()
        #expect(replayedState == liveState)
        #expect(await replayed.committedSequence == liveState.sequence)
    }

    @Test("Snapshot plus the events after it rebuilds exactly the live plant state", arguments: StoreKind.allCases)
    func snapshotThenReplayEqualsLive(kind: StoreKind) async throws {
        let scratch = try ScratchStore(kind)
        let live = try await scratch.engine()
        try await seedDemoPlant(live)
        try await live.run(.createUser(User(id: "admin", name: "Administrator", roles: [.admin])))
        try await workAShift(on: live, round: 1)
        await live.saveSnapshot()
        let snapshot = try #require(try await scratch.store.loadSnapshot())
        #expect(snapshot.sequence == (await live.committedSequence))
        #expect(snapshot.schemaVersion == PlantState.schemaVersion)

        try await workAShift(on: live, round: 2)
        let liveState = await live.snapshotState()
        #expect(liveState.sequence > snapshot.sequence, "events were appended after the snapshot")

        let restarted = try await openEngine(try scratch.reopened())
        #expect(await restarted.snapshotState() == liveState)
        // And the restarted engine carries on: the next command gets the next sequence number.
        let outcome = try await restarted.run(
            .createUser(User(id: "after-restart", name: "After restart", roles: [.sales])),
            as: .user("admin")
        )
        #expect(outcome.events.map(\.sequence) == [liveState.sequence + 1])
    }

    @Test("An engine saves a snapshot on its own every snapshotInterval events, and a restart uses it")
    func automaticSnapshot() async throws {
        let scratch = try ScratchStore(.inMemory)
        let engine = try await scratch.engine(snapshotInterval: 10)
        try await seedSmallShop(engine)  // 11 events
        let snapshot = try #require(try await scratch.store.loadSnapshot())
        #expect(snapshot.sequence >= 10)
        try await engine.run(housingLot("L-1"))
        let restarted = try await openEngine(scratch.store)
        #expect(await restarted.snapshotState() == (await engine.snapshotState()))
    }

    @Test("A snapshot of another schema version is ignored and the whole log replayed")
    func foreignSnapshotIgnored() async throws {
        let scratch = try ScratchStore(.inMemory)
        let engine = try await scratch.engine()
        try await seedSmallShop(engine)
        try await scratch.store.saveSnapshot(
            Snapshot(sequence: 5, schemaVersion: PlantState.schemaVersion + 1, state: Data(#"{"garbage":true}"#.utf8))
        )
        let restarted = try await openEngine(scratch.store)
        #expect(await restarted.snapshotState() == (await engine.snapshotState()))
    }
}

@Suite("Engine: idempotency")
struct EngineIdempotencyTests {
    @Test(
        "A repeated key is applied once and answered with the same events, marked as a replay",
        arguments: StoreKind.allCases
    )
    func repeatedKey(kind: StoreKind) async throws {
        let scratch = try ScratchStore(kind)
        let engine = try await scratch.engine()
        try await seedSmallShop(engine)
        let first = try await engine.run(housingLot("L-100"), as: .user("warehouse"), key: "receipt-100")
        #expect(!first.replayed)
        #expect(first.events.count == 1)
        let length = try await scratch.store.lastSequence()
        let stateAfterFirst = await engine.snapshotState()

        let again = try await engine.run(housingLot("L-100"), as: .user("warehouse"), key: "receipt-100")
        #expect(again.replayed)
        #expect(again.events == first.events)
        #expect(try await scratch.store.lastSequence() == length, "nothing was appended")
        #expect(await engine.snapshotState() == stateAfterFirst)

        // Without the key, the same receipt is a conflict: the key is what makes the retry safe.
        let unkeyed = await rejection { try await engine.run(housingLot("L-100"), as: .user("warehouse")) }
        expectDomainError(unkeyed, .conflict, field: "id", rule: "exists")
    }

    @Test("A repeated key is still recognised after the engine restarts on the same log", arguments: StoreKind.allCases)
    func repeatedKeyAcrossRestart(kind: StoreKind) async throws {
        let scratch = try ScratchStore(kind)
        let first: CommandOutcome
        do {
            let engine = try await scratch.engine()
            try await seedSmallShop(engine)
            first = try await engine.run(housingLot("L-7"), as: .user("warehouse"), key: "receipt-7")
        }
        let length = try await scratch.store.lastSequence()

        let restarted = try await openEngine(try scratch.reopened())
        let again = try await restarted.run(housingLot("L-7"), as: .user("warehouse"), key: "receipt-7")
        #expect(again.replayed)
        #expect(again.events == first.events)
        #expect(try await restarted.log().count == Int(length))
        let reused = await rejection {
            try await restarted.run(housingLot("L-8"), as: .user("warehouse"), key: "receipt-7")
        }
        expectEngineError(reused, .idempotencyKeyReused)
    }

    @Test("A key reused for a different command is refused and appends nothing", arguments: StoreKind.allCases)
    func keyReusedForAnotherCommand(kind: StoreKind) async throws {
        let scratch = try ScratchStore(kind)
        let engine = try await scratch.engine()
        try await seedSmallShop(engine)
        try await engine.run(housingLot("L-1"), as: .user("warehouse"), key: "receipt")
        let before = await engine.snapshotState()

        let error = await rejection { try await engine.run(housingLot("L-2"), as: .user("warehouse"), key: "receipt") }
        expectEngineError(error, .idempotencyKeyReused)
        #expect(await engine.snapshotState() == before)
        #expect(try await scratch.store.lastSequence() == before.sequence)
        #expect(before.lots["L-2"] == nil)
    }

    @Test("The same key from another user is independent of the first user's")
    func keysArePerUser() async throws {
        let scratch = try ScratchStore(.inMemory)
        let engine = try await scratch.engine()
        try await seedSmallShop(engine)
        let byWarehouse = try await engine.run(housingLot("L-1"), as: .user("warehouse"), key: "receipt")
        let bySupervisor = try await engine.run(housingLot("L-2"), as: .user("supervisor"), key: "receipt")
        #expect(!byWarehouse.replayed && !bySupervisor.replayed)
        #expect(await engine.read { $0.lots["L-1"] != nil && $0.lots["L-2"] != nil })
    }

    @Test("Two identical keyed commands submitted at the same time are applied once", arguments: StoreKind.allCases)
    func concurrentDuplicates(kind: StoreKind) async throws {
        let scratch = try ScratchStore(kind)
        let engine = try await scratch.engine()
        try await seedSmallShop(engine)
        let before = try await scratch.store.lastSequence()
        let envelope = CommandEnvelope(command: housingLot("L-9"), actor: .user("warehouse"), idempotencyKey: "receipt-9")
        let results = await engine.submitAll([envelope, envelope, envelope])
        let outcomes = try results.map { try $0.get() }
        #expect(try await scratch.store.lastSequence() == before + 1)
        #expect(outcomes.filter { !$0.replayed }.count == 1, "exactly one was applied, the others are replays")
        #expect(Set(outcomes.map(\.events)).count == 1, "all three answers carry the same event")
    }

    @Test("Within one batch a key repeated with the same command is a replay, with another command refused")
    func keyRepeatedWithinBatch() async throws {
        let scratch = try ScratchStore(.inMemory)
        let engine = try await scratch.engine()
        try await seedSmallShop(engine)
        let before = try await scratch.store.lastSequence()
        let results = await engine.submitBatch([
            CommandEnvelope(command: housingLot("L-1"), actor: .user("warehouse"), idempotencyKey: "k"),
            CommandEnvelope(command: housingLot("L-1"), actor: .user("warehouse"), idempotencyKey: "k"),
            CommandEnvelope(command: housingLot("L-2"), actor: .user("warehouse"), idempotencyKey: "k"),
        ])
        let first = try results[0].get()
        let repeated = try results[1].get()
        #expect(!first.replayed && repeated.replayed)
        #expect(repeated.events == first.events)
        expectEngineError(results[2].failureError, .idempotencyKeyReused)
        #expect(try await scratch.store.lastSequence() == before + 1)
        #expect(await engine.read { $0.lots["L-2"] == nil })
    }

    @Test("An empty or overlong idempotency key is refused")
    func malformedKeys() async throws {
        let engine = try await openEngine(InMemoryEventStore())
        try await seedSmallShop(engine)
        let before = await engine.committedSequence
        expectEngineError(await rejection { try await engine.run(housingLot("L-1"), key: "") }, .invalidIdempotencyKey)
        expectEngineError(
            await rejection { try await engine.run(housingLot("L-1"), key: String(repeating: "k", count: 201)) },
            .invalidIdempotencyKey
        )
        #expect(await engine.committedSequence == before)
    }
}

extension Result {
    var failureError: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

@Suite("Engine: rejections, batches and concurrency")
struct EngineCommandTests {
    @Test(
        "A refused command leaves the plant and the log unchanged and names the field and rule",
        arguments: StoreKind.allCases
    )
    func rejectedCommandChangesNothing(kind: StoreKind) async throws {
        let scratch = try ScratchStore(kind)
        let engine = try await scratch.engine()
        try await seedSmallShop(engine)
        let before = await engine.snapshotState()
        let log = try await engine.log()

        let zero = await rejection { try await engine.run(housingLot("L-0", quantity: 0), as: .user("warehouse")) }
        expectDomainError(zero, .invalid, field: "quantity", rule: "positive")
        let unknown = await rejection {
            try await engine.run(.releaseProductionOrder(ProductionOrderRef(productionOrder: "PO-404")), as: .user("planner"))
        }
        expectDomainError(unknown, .notFound, field: "productionOrder", rule: "not-found")
        let nowhere = await rejection {
            try await engine.run(.moveLot(MoveLot(lot: "L-404", to: "LOC-STORE")), as: .user("warehouse"))
        }
        expectDomainError(nowhere, .notFound, field: "lot", rule: "not-found")

        #expect(await engine.snapshotState() == before)
        #expect(try await engine.log() == log)
        // A refused keyed command records no key: the corrected retry with the same key is applied.
        _ = await rejection { try await engine.run(housingLot("L-5", quantity: -1), as: .user("warehouse"), key: "retry") }
        let retried = try await engine.run(housingLot("L-5"), as: .user("warehouse"), key: "retry")
        #expect(!retried.replayed)
    }

    @Test(
        "One invalid command in a batch does not stop the others, which see each other's effects",
        arguments: StoreKind.allCases
    )
    func batchContinuesPastInvalidCommand(kind: StoreKind) async throws {
        let scratch = try ScratchStore(kind)
        let engine = try await scratch.engine()
        try await seedSmallShop(engine)
        let start = await engine.committedSequence
        let results = await engine.submitBatch([
            CommandEnvelope(command: housingLot("L-1"), actor: .user("warehouse")),
            CommandEnvelope(command: housingLot("L-BAD", quantity: 0), actor: .user("warehouse")),
            CommandEnvelope(command: .moveLot(MoveLot(lot: "L-1", to: "LOC-QUARANTINE")), actor: .user("warehouse")),
            CommandEnvelope(command: .defineItem(Item(id: "X", name: "X", kind: .finished)), actor: .user("warehouse")),
            CommandEnvelope(
                command: .setLotStatus(SetLotStatus(lot: "L-1", status: .onHold, reason: "Suspect")),
                actor: .user("quality")
            ),
        ])
        #expect(results.count == 5)
        #expect(try results[0].get().events.map(\.sequence) == [start + 1])
        expectDomainError(results[1].failureError, .invalid, field: "quantity", rule: "positive")
        #expect(try results[2].get().events.map(\.sequence) == [start + 2], "the move sees the lot created before it")
        expectEngineError(results[3].failureError, .forbidden)
        #expect(try results[4].get().events.map(\.sequence) == [start + 3])

        let log = try await engine.log()
        #expect(log.map(\.sequence) == Array(1...(start + 3)))
        let lot = try #require(await engine.read { $0.lots["L-1"] })
        #expect(lot.location == "LOC-QUARANTINE" && lot.status == .onHold)
        #expect(await engine.read { $0.lots["L-BAD"] == nil && $0.items["X"] == nil })
    }

    @Test(
        "200 commands submitted at once become 200 gapless events, each answered with its own",
        arguments: StoreKind.allCases
    )
    func concurrentSubmissions(kind: StoreKind) async throws {
        let scratch = try ScratchStore(kind)
        let engine = try await scratch.engine()
        try await seedSmallShop(engine)
        let start = await engine.committedSequence
        let ids = (1...200).map { Lot.ID(String(format: "L-%03d", $0)) }

        // Half through submitAll, half through plain submits from many tasks, all at once.
        let viaSubmitAll = Array(ids.prefix(100))
        let viaTasks = Array(ids.suffix(100))
        let answers = try await withThrowingTaskGroup(of: [(Lot.ID, CommandOutcome)].self) { group in
            group.addTask {
                let results = await engine.submitAll(viaSubmitAll.map { CommandEnvelope(command: housingLot($0), actor: .user("warehouse")) })
                return try zip(viaSubmitAll, results).map { ($0, try $1.get()) }
            }
            for chunk in stride(from: 0, to: viaTasks.count, by: 10).map({ Array(viaTasks[$0..<($0 + 10)]) }) {
                group.addTask {
                    var out: [(Lot.ID, CommandOutcome)] = []
                    for id in chunk { out.append((id, try await engine.run(housingLot(id), as: .user("warehouse")))) }
                    return out
                }
            }
            var all: [(Lot.ID, CommandOutcome)] = []
            for try await part in group { all += part }
            return all
        }

        #expect(answers.count == 200)
        for (id, outcome) in answers {
            #expect(!outcome.replayed)
            let events = try outcome.domainEvents()
            guard events.count == 1, case .lotCreated(let lot) = events[0] else {
                Issue.record("\(id) was answered with \(events)")
                continue
            }
            #expect(lot.id == id, "each command is answered with its own event")
        }
        let sequences = answers.flatMap { $0.1.events.map(\.sequence) }.sorted()
        #expect(sequences == Array((start + 1)...(start + 200)))
        let log = try await engine.log()
        #expect(log.map(\.sequence) == Array(1...(start + 200)))
        #expect(await engine.read { $0.lots.count } == 200)
        #expect(await engine.committedSequence == start + 200)
    }
}

/// An in-memory store whose appends can be made to fail, as a full disk would.
actor FlakyStore: EventStore {
    let inner = InMemoryEventStore()
    var failAppends = false
    func setFailing(_ failing: Bool) { failAppends = failing }

    func append(_ commands: [CommandRecord], expectedLastSequence: Int64) async throws(StoreError) -> [[RecordedEvent]] {
        if failAppends { throw StoreError(.storage, "disk full") }
        return try await inner.append(commands, expectedLastSequence: expectedLastSequence)
    }
    func read(after: Int64, limit: Int) async throws(StoreError) -> [RecordedEvent] { await inner.read(after: after, limit: limit) }
    func lastSequence() async throws(StoreError) -> Int64 { await inner.lastSequence() }
    func idempotencyRecords(actor: String, keys: [String]) async throws(StoreError) -> [String: IdempotencyRecord] {
        await inner.idempotencyRecords(actor: actor, keys: keys)
    }
    func loadSnapshot() async throws(StoreError) -> Snapshot? { await inner.loadSnapshot() }
    func saveSnapshot(_ snapshot: Snapshot) async throws(StoreError) { await inner.saveSnapshot(snapshot) }
}

@Suite("Engine: store failures and other writers")
struct EngineFailureTests {
    @Test("When the store cannot append, the command is refused as a storage error and nothing is applied")
    func appendFailure() async throws {
        let store = FlakyStore()
        let engine = try await openEngine(store)
        try await seedSmallShop(engine)
        let before = await engine.snapshotState()

        await store.setFailing(true)
        let results = await engine.submitAll([
            CommandEnvelope(command: housingLot("L-1"), actor: .user("warehouse"), idempotencyKey: "r-1"),
            CommandEnvelope(command: housingLot("L-2"), actor: .user("warehouse")),
        ])
        for r in results { expectEngineError(r.failureError, .storage) }
        #expect(await engine.snapshotState() == before, "the state shows nothing that is not in the log")

        // Once the disk has room again, the same commands (and the same key) go through.
        await store.setFailing(false)
        let retried = try await engine.run(housingLot("L-1"), as: .user("warehouse"), key: "r-1")
        #expect(!retried.replayed)
        #expect(retried.events.map(\.sequence) == [before.sequence + 1])
    }

    @Test("Two servers on one log: a stale engine catches up and decides again, so its command lands after the other writer's")
    func staleEngineCatchesUp() async throws {
        let scratch = try ScratchStore(.sqlite)
        let first = try await scratch.engine()
        try await seedSmallShop(first)
        let second = try await openEngine(try scratch.reopened())
        try await first.run(housingLot("L-1"), as: .user("warehouse"))

        // The second engine has not seen L-1: its append meets the moved log, it catches up and decides again.
        let landed = try await second.run(housingLot("L-2"), as: .user("warehouse"))
        #expect(landed.events.map(\.sequence) == [await first.committedSequence + 1])
        #expect(await second.read { $0.lots.keys.sorted() } == ["L-1", "L-2"])
        // Decided again on the new state: a command the other writer made impossible is refused for what it breaks.
        let duplicate = await rejection { try await second.run(housingLot("L-1"), as: .user("warehouse")) }
        #expect((duplicate as? DomainError)?.violations.first?.rule == "exists")
        // The first engine sees the second's lot once it catches up (what a follower of a shared log does).
        #expect(await first.read { $0.lots["L-2"] } == nil)
        let caughtUp = try await first.catchUp()
        #expect(caughtUp == (await second.committedSequence))
        #expect(await first.snapshotState() == (await second.snapshotState()))
    }

    @Test("A command carrying a date with fractional seconds rebuilds to the same state on replay")
    func fractionalSecondsReplay() async throws {
        let store = InMemoryEventStore()
        let live = try await openEngine(store)
        try await seedSmallShop(live)
        try await live.run(.defineWorkCenter(WorkCenter(id: "WC-1", name: "Lathe", site: "PLANT-1", kind: .machining)))
        try await live.run(.defineItem(Item(id: "PUMP", name: "Pump", kind: .finished)))
        try await live.run(
            .defineRouting(
                Routing(
                    id: "RT-PUMP",
                    item: "PUMP",
                    operations: [
                        RoutingOperation(sequence: 10, name: "Turn", workCenters: [.init(workCenter: "WC-1", setupMinutes: 5, runMinutesPerUnit: 2)])
                    ]
                )
            )
        )
        // A due date as a Swift caller would pass it: with a fraction of a second.
        let due = fixedDate.addingTimeInterval(3 * 86_400 + 0.25)
        try await live.run(.createProductionOrder(NewProductionOrder(id: "PO-1", item: "PUMP", quantity: 2, dueDate: due)))

        let replayed = try await openEngine(store)
        let liveState = await live.snapshotState()
        let replayedState = await replayed.snapshotState()
        #expect(replayedState.productionOrders["PO-1"]?.dueDate == TaktJSON.wholeSeconds(due), "the log holds whole seconds")
        #expect(replayedState == liveState)
    }
}
