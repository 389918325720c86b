import Dispatch
import Foundation
import InMemoryTracing
import Synchronization
import TaktCore
import TaktDemo
import TaktEngine
import TaktService
import TaktStore
import Testing
import Tracing

/// 2026-11-24 08:00 UTC, a Tuesday: the plant's fixed clock in these tests.
private let plantNow = Date(timeIntervalSince1970: 1_795_478_400 + 8 * 3_600)

/// A demo plant on an in-memory log, on a fixed clock, with a planner, a quality engineer and an operator.
private func demoService(seed: UInt64 = 42, tracer: any Tracer = InstrumentationSystem.tracer) async throws -> PlantService {
    let engine = try await Engine.open(store: InMemoryEventStore(), now: { plantNow })
    let commands = DemoPlant.commands(seed: seed, scale: 1, start: Date(timeIntervalSince1970: 1_795_478_400))  // midnight UTC
    for result in await engine.submitBatch(commands.map { CommandEnvelope(command: $0, actor: .system) }) { _ = try result.get() }
    for (id, role) in [("pia", Role.planner), ("quinn", .quality), ("olga", .operator)] {
        _ = try await engine.submit(CommandEnvelope(command: .createUser(User(id: User.ID(id), name: id, roles: [role])), actor: .system))
    }
    return PlantService(engine: engine, tracer: tracer)
}

private func caller(_ service: PlantService, _ id: String, key: String? = nil) async throws -> Caller {
    Caller(user: try #require(await service.read { $0.users[User.ID(id)] }), idempotencyKey: key)
}

@Suite("The service: one place for the rules every front end calls")
struct ServiceTests {
    @Test("Every command through the service is a span named by its type, with its outcome; a refusal is recorded as the span's error")
    func commandSpans() async throws {
        let tracer = InMemoryTracer()
        let service = try await demoService(tracer: tracer)
        let item = try #require(await service.read { $0.productionOrders.values.map(\.item).min() })
        let order = { (id: String, quantity: Double) in
            CommandEnvelope(
                command: .createProductionOrder(NewProductionOrder(id: .init(id), item: item, quantity: quantity, dueDate: plantNow)),
                actor: .user("pia")
            )
        }
        _ = try await service.submit(order("PO-SPAN-1", 5))
        await #expect(throws: DomainError.self) { try await service.submit(order("PO-SPAN-2", -5)) }
        let results = await service.submitBatch([order("PO-SPAN-3", 1), order("PO-SPAN-4", 0)])
        let spans = tracer.finishedSpans
        #expect(spans.map(\.operationName) == ["command createProductionOrder", "command createProductionOrder", "command batch"])
        #expect(spans[0].attributes["takt.events"]?.toSpanAttribute() == 1)
        #expect(spans[0].attributes["takt.replayed"]?.toSpanAttribute() == false)
        #expect(spans[0].errors.isEmpty)
        #expect(spans[1].errors.count == 1, "the refusal is the span's error")
        #expect(spans[2].attributes["takt.commands"]?.toSpanAttribute() == 2)
        #expect(spans[2].attributes["takt.refused"]?.toSpanAttribute() == .int64(Int64(results.count { (try? $0.get()) == nil })))
    }

    @Test("A schedule run is for planners and admins; its limits are named; the same request on the same plant gives the same plan")
    func scheduleRun() async throws {
        let service = try await demoService()
        let refused = await #expect(throws: EngineError.self) {
            try await service.runSchedule(ScheduleRunRequest(iterations: 20), by: try await caller(service, "olga"))
        }
        #expect(refused?.code == .forbidden)
        let tooLong = await #expect(throws: DomainError.self) {
            try await service.runSchedule(ScheduleRunRequest(timeLimitSeconds: 600, iterations: 0), by: try await caller(service, "pia"))
        }
        #expect(Set(tooLong?.violations.map(\.field) ?? []) == ["timeLimitSeconds", "iterations"], "every broken limit is named at once")

        let first = try await service.runSchedule(ScheduleRunRequest(seed: 3, iterations: 40), by: try await caller(service, "pia"))
        let second = try await service.runSchedule(ScheduleRunRequest(seed: 3, iterations: 40), by: try await caller(service, "pia"))
        func published(_ outcome: CommandOutcome) throws -> PublishedSchedule {
            for case .schedulePublished(let s) in try outcome.domainEvents() { return s }
            throw EngineError(.storage, "no schedule")
        }
        let (a, b) = (try published(first), try published(second))
        #expect(a.id.rawValue == "SCH-000001" && b.id.rawValue == "SCH-000002", "the plant numbers its schedules")
        #expect(a.steps == b.steps, "an iteration-limited run is repeatable on a fixed clock")
    }

    @Test("A retried keyed schedule run answers the first run's schedule; the key for another request is refused")
    func keyedScheduleRetry() async throws {
        let service = try await demoService()
        var pia = try await caller(service, "pia", key: "run-1")
        pia.requestDigest = "request:run-a"
        let first = try await service.runSchedule(ScheduleRunRequest(seed: 3, iterations: 30), by: pia)
        let retry = try await service.runSchedule(ScheduleRunRequest(seed: 3, iterations: 30), by: pia)
        #expect(!first.replayed && retry.replayed)
        #expect(retry.events.map(\.sequence) == first.events.map(\.sequence), "the same recorded events, no second schedule")
        pia.requestDigest = "request:run-b"
        let reused = await #expect(throws: EngineError.self) { try await service.runSchedule(ScheduleRunRequest(iterations: 30), by: pia) }
        #expect(reused?.code == .idempotencyKeyReused)
        #expect(await service.read { $0.publishedSchedule?.id.rawValue } == "SCH-000001")
    }

    @Test("The use cases' roles are the commands' where they submit one: a schedule run is publishSchedule's")
    func useCaseRolesFollowCommands() throws {
        let publish = Command.publishSchedule(
            PublishedSchedule(
                id: "SCH-0",
                origin: plantNow,
                steps: [],
                weightedTardinessMinutes: 0,
                makespanMinutes: 0,
                totalSetupMinutes: 0,
                lateOrders: []
            )
        )
        #expect(UseCase.runSchedule.roles == publish.allowedRoles)
    }

    @Test("An outcome request follows one rule whatever the front end: quality may not ask; a planner's answer is an exception raised by them")
    func outcomeRequest() async throws {
        let service = try await demoService()
        let refused = await #expect(throws: EngineError.self) {
            try await service.requestOutcome(.words("expedite SO-000001 to 2026-12-01"), by: try await caller(service, "quinn"))
        }
        #expect(refused?.code == .forbidden)
        let blank = await #expect(throws: DomainError.self) {
            try await service.requestOutcome(.words("   "), by: try await caller(service, "pia"))
        }
        #expect(blank?.violations.first?.field == "text")
        let salesOrder = try #require(await service.read { $0.salesOrders.keys.sorted().first })
        let asked = try await service.requestOutcome(.words("expedite \(salesOrder) to 2026-12-20"), by: try await caller(service, "pia", key: "k-1"))
        let id = try #require(asked.exceptionID)
        #expect(await service.read { $0.exceptions[id]?.raisedBy } == "pia")
        // The same key again answers the first request (kept apart from the orchestrator's own keys).
        let again = try await service.requestOutcome(.words("expedite \(salesOrder) to 2026-12-20"), by: try await caller(service, "pia", key: "k-1"))
        #expect(again.replayed && again.exceptionID == id)
    }

    @Test("No user may take the server's own id, through any front end: the core refuses it")
    func reservedID() async throws {
        let service = try await demoService()
        for id in ["system", "SYSTEM"] {
            let refused = await #expect(throws: DomainError.self) {
                try await service.submit(
                    CommandEnvelope(command: .createUser(User(id: User.ID(id), name: "Imposter", roles: [.admin])), actor: .system)
                )
            }
            #expect(refused?.violations.first?.rule == "reserved")
        }
    }

    @Test("A read runs outside the engine: a command is committed while a read is still computing")
    func readsDoNotStallCommands() async throws {
        let service = try await demoService()
        let committed = DispatchSemaphore(value: 0)
        let sawCommit = Atomic<Bool>(false)
        let (started, signalStarted) = AsyncStream.makeStream(of: Void.self)
        // The read waits (bounded) until the command below is committed. Were reads computed inside the engine, the
        // command would wait for the read and the read would time out.
        async let read: Int = service.read { state in
            signalStarted.yield()
            sawCommit.store(committed.wait(timeout: .now() + 30) == .success, ordering: .relaxed)
            return state.lots.count
        }
        for await _ in started { break }
        _ = try await service.submit(CommandEnvelope(command: .defineSkill(Skill(id: "SK-READ", name: "Reading")), actor: .system))
        committed.signal()
        let lotsSeen = await read
        let overlapped = sawCommit.load(ordering: .relaxed)
        #expect(overlapped, "the command was committed while the read ran")
        #expect(lotsSeen == (await service.read { $0.lots.count }))
    }
}
