import Foundation
import TaktStore
import Testing

@testable import TaktEngine

@Suite("Failed sign-ins slow the client down")
struct AuthThrottleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("Five free failures, then 1 s, 2 s, 4 s … up to the ceiling; a success clears it")
    func backOff() {
        var throttle = AuthThrottle(policy: .init(free: 5, base: 1, ceiling: 8, forget: 3_600))
        let keys: [AuthThrottle.Key] = [.client("10.0.0.9")]
        for _ in 0..<5 { throttle.failed(keys, now: t0) }
        #expect(throttle.retryAfter(keys, now: t0) == nil, "five failures are free")
        throttle.failed(keys, now: t0)
        #expect(throttle.retryAfter(keys, now: t0) == 1)
        throttle.failed(keys, now: t0)
        #expect(throttle.retryAfter(keys, now: t0) == 2)
        for _ in 0..<10 { throttle.failed(keys, now: t0) }
        #expect(throttle.retryAfter(keys, now: t0) == 8, "never longer than the ceiling")
        #expect(throttle.retryAfter(keys, now: t0.addingTimeInterval(8)) == nil, "the wait ends")
        #expect(throttle.retryAfter([.client("10.0.0.10")], now: t0) == nil, "another client is not slowed")
        throttle.succeeded(keys)
        #expect(throttle.failures(.client("10.0.0.9"), now: t0) == 0)
    }

    @Test("An account under attack is slowed from every client; a quiet hour forgets; memory stays bounded")
    func accountsAndMemory() {
        var throttle = AuthThrottle(policy: .init(free: 2, base: 1, ceiling: 300, forget: 3_600), capacity: 100)
        for i in 0..<3 { throttle.failed([.client("c\(i)"), .account("admin")], now: t0) }
        #expect(throttle.retryAfter([.client("fresh"), .account("admin")], now: t0) == 1)
        #expect(throttle.failures(.account("admin"), now: t0.addingTimeInterval(3_600)) == 0)
        for i in 0..<1_000 { throttle.failed([.client("flood-\(i)")], now: t0.addingTimeInterval(Double(i))) }
        #expect(throttle.failures(.client("flood-999"), now: t0.addingTimeInterval(999)) == 1, "the newest key is kept")
    }

    @Test("The engine refuses a throttled client before looking at its token")
    func engineThrottles() async throws {
        let engine = try await Engine.open(store: InMemoryEventStore(), now: { Date(timeIntervalSince1970: 1_800_000_000) })
        for _ in 0..<5 { #expect(await engine.authenticate(tokenSecret: "guess", client: "127.0.0.1") == .refused) }
        #expect(await engine.authenticate(tokenSecret: "guess", client: "127.0.0.1") == .refused)
        #expect(await engine.authenticate(tokenSecret: "guess", client: "127.0.0.1") == .throttled(retryAfter: 1))
        #expect(await engine.authenticate(tokenSecret: "guess", client: "127.0.0.2") == .refused)
    }
}
