import Foundation
import TaktCore
import TaktEngine
import TaktStore
import Testing

@Suite("Engine: authorization and tokens")
struct EngineAuthorizationTests {
    static func shop() async throws -> Engine {
        let engine = try await openEngine(InMemoryEventStore())
        try await seedSmallShop(engine)
        try await engine.run(housingLot("L-1"))
        return engine
    }

    @Test("An operator may not define an item, and is told which roles may; a planner may")
    func defineItemNeedsPlanner() async throws {
        let engine = try await Self.shop()
        let before = await engine.committedSequence
        let item = Item(id: "IMPELLER", name: "Impeller 50-200", kind: .semiFinished)
        let error = await rejection { try await engine.run(.defineItem(item), as: .user("op-anna")) }
        expectEngineError(error, .forbidden)
        let message = (error as? EngineError)?.message ?? ""
        #expect(message.contains("admin") && message.contains("planner"), "the refusal names the roles: \(message)")
        #expect(await engine.committedSequence == before)

        try await engine.run(.defineItem(item), as: .user("planner"))
        #expect(await engine.read { $0.items["IMPELLER"] } == item)
    }

    @Test("Quality may put a lot on hold; the warehouse may not")
    func lotStatusNeedsQuality() async throws {
        let engine = try await Self.shop()
        let hold = Command.setLotStatus(SetLotStatus(lot: "L-1", status: .onHold, reason: "Crack found at inspection"))
        expectEngineError(await rejection { try await engine.run(hold, as: .user("warehouse")) }, .forbidden)
        #expect(await engine.read { $0.lots["L-1"]?.status } == .available)
        try await engine.run(hold, as: .user("quality"))
        #expect(await engine.read { $0.lots["L-1"]?.status } == .onHold)
    }

    @Test("An admin may do anything; the system actor bypasses roles")
    func adminAndSystem() async throws {
        let engine = try await Self.shop()
        try await engine.run(.setLotStatus(SetLotStatus(lot: "L-1", status: .quarantine, reason: "Audit")), as: .user("admin"))
        try await engine.run(.defineItem(Item(id: "SHAFT", name: "Shaft", kind: .semiFinished)), as: .system)
        #expect(await engine.read { $0.lots["L-1"]?.status == .quarantine && $0.items["SHAFT"] != nil })
    }

    @Test("A non-admin may issue a token for themselves but not for another user; an admin may")
    func tokensForThemselvesOnly() async throws {
        let engine = try await Self.shop()
        try await engine.run(
            .issueAPIToken(IssueAPIToken(user: "op-anna", secretHash: secretHash(1), label: "Anna's terminal")),
            as: .user("op-anna")
        )
        #expect(await engine.authenticate(tokenSecret: "secret-1")?.id == "op-anna")

        let forOther = await rejection {
            try await engine.run(
                .issueAPIToken(IssueAPIToken(user: "planner", secretHash: secretHash(2), label: "sneaky")),
                as: .user("op-anna")
            )
        }
        expectEngineError(forOther, .forbidden)
        #expect(await engine.authenticate(tokenSecret: "secret-2") == nil)

        try await engine.run(
            .issueAPIToken(IssueAPIToken(user: "planner", secretHash: secretHash(3), label: "planning PC")),
            as: .user("admin")
        )
        #expect(await engine.authenticate(tokenSecret: "secret-3")?.id == "planner")
    }

    @Test("An unknown or inactive user is refused, and an inactive user's token no longer authenticates")
    func inactiveUserRefused() async throws {
        let engine = try await Self.shop()
        try await engine.run(.issueAPIToken(IssueAPIToken(user: "warehouse", secretHash: secretHash(1), label: "scanner")))
        #expect(await engine.authenticate(tokenSecret: "secret-1")?.id == "warehouse")

        try await engine.run(
            .updateUser(User(id: "warehouse", name: "User warehouse", roles: [.warehouse], active: false)),
            as: .user("admin")
        )
        let move = Command.moveLot(MoveLot(lot: "L-1", to: "LOC-QUARANTINE"))
        let inactive = await rejection { try await engine.run(move, as: .user("warehouse")) }
        expectEngineError(inactive, .forbidden)
        #expect(await engine.read { $0.lots["L-1"]?.location } == "LOC-STORE")
        #expect(await engine.authenticate(tokenSecret: "secret-1") == nil)

        expectEngineError(await rejection { try await engine.run(move, as: .user("ghost")) }, .forbidden)
    }

    @Test("A valid token authenticates its user; after revocation, or with a wrong secret, it does not")
    func authenticateAndRevoke() async throws {
        let engine = try await Self.shop()
        let outcome = try await engine.run(
            .issueAPIToken(IssueAPIToken(user: "quality", secretHash: Engine.hash(secret: "lab-tablet"), label: "lab tablet")),
            as: .user("admin")
        )
        guard case .apiTokenIssued(let token)? = try outcome.domainEvents().first else {
            Issue.record("expected apiTokenIssued, got \(outcome.events.map(\.type))")
            return
        }
        #expect(token.secretHash == Engine.hash(secret: "lab-tablet"), "only the hash enters the log")
        #expect(await engine.authenticate(tokenSecret: "lab-tablet")?.id == "quality")
        #expect(await engine.authenticate(tokenSecret: "lab-tablet ") == nil)
        #expect(await engine.authenticate(tokenSecret: "") == nil)

        expectEngineError(
            await rejection { try await engine.run(.revokeAPIToken(APITokenRef(token: token.id)), as: .user("quality")) },
            .forbidden
        )
        #expect(await engine.authenticate(tokenSecret: "lab-tablet")?.id == "quality")
        try await engine.run(.revokeAPIToken(APITokenRef(token: token.id)), as: .user("admin"))
        #expect(await engine.authenticate(tokenSecret: "lab-tablet") == nil)
    }

    @Test("Token secrets are hashed as lowercase hex SHA-256, and new secrets are random")
    func secretHashing() {
        #expect(Engine.hash(secret: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let a = Engine.newTokenSecret()
        let b = Engine.newTokenSecret()
        #expect(a != b)
        #expect(a.hasPrefix("takt_") && a.count > 40)
    }
}

@Suite("Engine: bootstrap")
struct EngineBootstrapTests {
    @Test("On an empty plant, bootstrap creates the admin with the given token; a second call changes nothing")
    func bootstrapOnce() async throws {
        let store = InMemoryEventStore()
        let engine = try await openEngine(store)
        let secret = try await engine.bootstrapAdminIfEmpty(token: "takt_bootstrap-secret")
        #expect(secret == "takt_bootstrap-secret")
        let admin = try #require(await engine.read { $0.users["admin"] })
        #expect(admin.has(.admin) && admin.active)
        #expect(await engine.authenticate(tokenSecret: "takt_bootstrap-secret")?.id == "admin")
        let after = await engine.snapshotState()

        #expect(try await engine.bootstrapAdminIfEmpty(token: "another-secret") == nil)
        #expect(try await engine.bootstrapAdminIfEmpty(token: nil) == nil)
        #expect(await engine.snapshotState() == after)
        #expect(await store.lastSequence() == after.sequence)
        #expect(await engine.authenticate(tokenSecret: "another-secret") == nil)
    }

    @Test("Without a given token, bootstrap makes up a random one that authenticates the admin")
    func bootstrapRandomToken() async throws {
        let engine = try await openEngine(InMemoryEventStore())
        let secret = try #require(try await engine.bootstrapAdminIfEmpty(token: nil))
        #expect(secret.hasPrefix("takt_"))
        #expect(await engine.authenticate(tokenSecret: secret)?.id == "admin")
    }

    @Test("A plant that already has users is not bootstrapped")
    func noBootstrapWhenUsersExist() async throws {
        let engine = try await openEngine(InMemoryEventStore())
        try await engine.run(.createUser(User(id: "planner", name: "Paula Brandt", roles: [.planner])))
        let before = await engine.committedSequence
        #expect(try await engine.bootstrapAdminIfEmpty(token: "x") == nil)
        #expect(await engine.committedSequence == before)
        #expect(await engine.read { $0.users["admin"] } == nil)
    }
}

@Suite("Engine: subscriptions")
struct EngineSubscriptionTests {
    struct TimedOut: Error {}

    @Test(
        "A subscription yields the backlog, then live events, in order without gaps or duplicates",
        arguments: StoreKind.allCases
    )
    func backlogThenLive(kind: StoreKind) async throws {
        let scratch = try ScratchStore(kind)
        let engine = try await scratch.engine()
        try await seedSmallShop(engine)  // 11 events
        let position: Int64 = 4
        let backlogEnd = await engine.committedSequence
        let liveCount = 6
        let expected = Array((position + 1)...(backlogEnd + Int64(liveCount)))
        let (backlogSeen, signal) = AsyncStream.makeStream(of: Void.self)

        let received = try await withThrowingTaskGroup(of: [Int64]?.self) { group in
            group.addTask {
                var seen: [Int64] = []
                following: for try await step in engine.follow(after: position) {
                    guard case .events(let page) = step else { continue }
                    for event in page {
                        seen.append(event.sequence)
                        if event.sequence == backlogEnd { signal.yield() }
                        if seen.count == expected.count { break following }
                    }
                }
                return seen
            }
            group.addTask {
                // Live events, appended once the consumer has read the backlog: a single command, a keyed one
                // and its repeat (which appends nothing), a batch of three, a refused one, and one more.
                for await _ in backlogSeen { break }
                try await engine.run(housingLot("LIVE-1"))
                try await engine.run(housingLot("LIVE-2"), key: "live-2")
                try await engine.run(housingLot("LIVE-2"), key: "live-2")
                _ = await engine.submitBatch((3...5).map { CommandEnvelope(command: housingLot(Lot.ID("LIVE-\($0)")), actor: .system) })
                _ = try? await engine.run(housingLot("LIVE-1"))
                try await engine.run(housingLot("LIVE-6"))
                return nil
            }
            group.addTask {
                // A bound against a hang, not a timing check: 10 s was once too short on a loaded 2-core machine.
                try await Task.sleep(for: .seconds(120))
                throw TimedOut()
            }
            var result: [Int64]?
            while let next = try await group.next() {
                if let seen = next {
                    result = seen
                    break
                }
            }
            group.cancelAll()
            return result
        }
        #expect(received == expected)
    }

    @Test("A subscription from the start of the log yields every event; cancelling its task ends it")
    func cancellingEndsSubscription() async throws {
        let engine = try await openEngine(InMemoryEventStore())
        try await seedSmallShop(engine)
        let total = await engine.committedSequence
        let (drained, signal) = AsyncStream.makeStream(of: Void.self)
        let consumer = Task {
            var seen: [Int64] = []
            for try await step in engine.follow(after: 0) {
                guard case .events(let page) = step else { continue }
                for event in page {
                    seen.append(event.sequence)
                    if event.sequence == total { signal.yield() }
                }
            }
            return seen  // reached only when the subscription ends
        }
        // Wait until the backlog is drained and the consumer waits for live events, then cancel it.
        for await _ in drained { break }
        try await Task.sleep(for: .milliseconds(20))
        consumer.cancel()
        let seen = try await withThrowingTaskGroup(of: [Int64]?.self) { group in
            group.addTask { try await consumer.value }
            group.addTask {
                try await Task.sleep(for: .seconds(120))  // a bound against a hang, not a timing check
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        let sequences = try #require(seen, "the cancelled subscription ended")
        #expect(sequences == Array(1...total))
    }

    @Test("waitForCommit times out when nothing is committed, and returns true once something is")
    func waitForCommit() async throws {
        let engine = try await openEngine(InMemoryEventStore())
        try await seedSmallShop(engine)
        let now = await engine.committedSequence
        #expect(await engine.waitForCommit(after: now - 1, timeout: .seconds(1)), "an older position is already passed")
        let clock = ContinuousClock()
        let started = clock.now
        #expect(await engine.waitForCommit(after: now, timeout: .milliseconds(100)) == false, "nothing committed: it times out")
        #expect(clock.now - started < .seconds(60), "it does not hang")  // a guard only: the machine may be busy with other suites

        // Woken by the commit, not by the time-out: a time-out answers false, and this one is an hour.
        async let woken = engine.waitForCommit(after: now, timeout: .seconds(3600))
        try await Task.sleep(for: .milliseconds(20))
        try await engine.run(housingLot("L-1"))
        #expect(await woken, "woken by the commit")
    }
}
