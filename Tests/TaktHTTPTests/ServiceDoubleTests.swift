import Foundation
import NIOHTTP1
import Synchronization
import TaktApp
import TaktCore
import TaktEngine
import TaktService
import TaktStore
import TaktTestSupport
import Testing

/// The API over a service double: errors the real engine will not produce on request (a programmer error inside a
/// command, a store that fails), answered as the API's contract says. In process, no socket, no engine.
@Suite("The API over a scripted service")
struct ServiceDoubleTests {
    static let secret = "double-token-0123456789"
    static let admin = User(id: "ada", name: "Ada", roles: [.admin])
    /// A command the API reads and hands to `submit` unchanged.
    static let command = #"{"type":"defineSkill","data":{"id":"WELD","name":"Welding"}}"#

    /// A programmer error's details, which must stay in the server log.
    static let internals = "the optimizer produced an invalid schedule: op 3 of PO-7 overlaps op 4"

    struct Boom: Error, CustomStringConvertible {
        var description: String { ServiceDoubleTests.internals }
    }

    static func headers(_ extra: [(String, String)] = []) -> [(String, String)] {
        [("Authorization", "Bearer \(secret)"), ("Content-Type", "application/json")] + extra
    }

    @Test(
        "A programmer error answers 500 problem+json with the request ID and hides the internals",
        arguments: [EngineError(.internal, ServiceDoubleTests.internals) as any Error & Sendable, Boom()]
    )
    func programmerError(_ error: any Error & Sendable) async throws {
        let service = ScriptedService { s in
            s.signIn(Self.secret, as: Self.admin)
            s.submit = { _ in throw error }
        }
        try await TestConnection.run(service: service) { c in
            let reply = try await c.send(
                .POST,
                "/api/v1/commands",
                headers: Self.headers([("X-Request-ID", "req-500")]),
                body: Data(Self.command.utf8)
            )
            #expect(reply.status == 500)
            #expect(reply.headers.first(name: "Content-Type") == "application/problem+json")
            #expect(reply.headers.first(name: "X-Request-ID") == "req-500")
            #expect(reply.headers.first(name: "Retry-After") == nil, "a fault of the server is not retried blindly")
            let problem = try reply.json()
            #expect(problem["type"] as? String == "urn:takt:problem:internal")
            #expect(problem["status"] as? Int == 500)
            #expect(problem["title"] as? String == "Internal error")
            #expect(problem["requestId"] as? String == "req-500")
            #expect(problem["instance"] as? String == "/api/v1/commands")
            #expect(problem["errors"] == nil)
            #expect(!reply.text.contains("optimizer") && !reply.text.contains("PO-7"), "internals left the server: \(reply.text)")
        }
        #expect(service.calls.all == ["authenticate(tokenSecret:client:)", "submit(_:)"])
    }

    @Test("A store failure answers 503 with Retry-After, safe to retry: the retry carries the same key and is answered")
    func storeFailure() async throws {
        let envelopes = Recorded<CommandEnvelope>()
        let service = ScriptedService { s in
            s.signIn(Self.secret, as: Self.admin)
            s.submit = { envelope in
                // The store fails once, then takes the same command.
                if envelopes.append(envelope) == 1 { throw EngineError(.storage, "disk I/O error on /var/takt/takt.sqlite") }
                return CommandOutcome(events: [], replayed: false)
            }
        }
        try await TestConnection.run(service: service) { c in
            let headers = Self.headers([("Idempotency-Key", "weld-1"), ("X-Request-ID", "req-503")])
            let failed = try await c.send(.POST, "/api/v1/commands", headers: headers, body: Data(Self.command.utf8))
            #expect(failed.status == 503)
            #expect(failed.headers.first(name: "Content-Type") == "application/problem+json")
            #expect(failed.headers.first(name: "Retry-After") == "1")
            let problem = try failed.json()
            #expect(problem["type"] as? String == "urn:takt:problem:storage-unavailable")
            #expect(problem["requestId"] as? String == "req-503")
            #expect((problem["detail"] as? String)?.contains("safe to retry") == true)
            #expect(!failed.text.contains("/var/takt"), "the store's details left the server: \(failed.text)")

            let retried = try await c.send(.POST, "/api/v1/commands", headers: headers, body: Data(Self.command.utf8))
            #expect(retried.status == 201, "\(retried.text)")
        }
        let sent = envelopes.all
        #expect(sent.count == 2)
        #expect(sent.map(\.idempotencyKey) == ["weld-1", "weld-1"])
        #expect(sent.map(\.command) == [sent[0].command, sent[0].command])
        #expect(sent.allSatisfy { $0.actor == .user(Self.admin.id) })
    }

    @Test("A throttled client answers 429 too-many-requests with Retry-After rounded up, before any other call")
    func throttled() async throws {
        let service = ScriptedService { s in s.authenticateToken = { _, _ in .throttled(retryAfter: 2.2) } }
        try await TestConnection.run(service: service) { c in
            let reply = try await c.send(.POST, "/api/v1/commands", headers: Self.headers(), body: Data(Self.command.utf8))
            #expect(reply.status == 429)
            #expect(reply.headers.first(name: "Retry-After") == "3")
            let problem = try reply.json()
            #expect(problem["type"] as? String == "urn:takt:problem:too-many-requests")
            #expect(problem["title"] as? String == "Too many failed authentications")
        }
        #expect(service.calls.all == ["authenticate(tokenSecret:client:)"])
    }

    @Test("The event stream writes what following the log yields, from the position asked for, and ends when it ends")
    func eventStream() async throws {
        let payload = try TaktJSON.encoder.encode(Skill(id: "WELD", name: "Welding"))
        let event = RecordedEvent(
            sequence: 8,
            recordedAt: TestPlant.morning,
            actor: "ada",
            type: "skillDefined",
            payload: payload,
            correlationID: "c-1",
            idempotencyKey: nil
        )
        let positions = Recorded<Int64>()
        let service = ScriptedService { s in
            s.signIn(Self.secret, as: Self.admin)
            s.follow = { after in
                positions.append(after)
                return AsyncThrowingStream { steps in
                    steps.yield(.events([event]))
                    steps.yield(.idle)
                    steps.finish()
                }
            }
        }
        try await TestConnection.run(service: service) { c in
            let reply = try await c.send(.GET, "/api/v1/events/stream?after=7", headers: Self.headers())
            #expect(reply.status == 200)
            #expect(reply.headers.first(name: "Content-Type") == "text/event-stream")
            #expect(reply.text.hasPrefix(": takt event stream after 7\n\n"))
            #expect(reply.text.contains("id: 8\nevent: skillDefined\ndata: {"), "\(reply.text)")
            #expect(reply.text.contains(#""data":{"active":true,"id":"WELD","name":"Welding"}"#), "\(reply.text)")
        }
        #expect(positions.all == [7])
        #expect(service.calls.all == ["authenticate(tokenSecret:client:)", "follow(after:pageSize:idle:)"])
    }

    @Test("A call the test did not set up fails the test, naming the call, and ends the request with a 500")
    func unscriptedCallFailsLoudly() async throws {
        let service = ScriptedService { s in s.signIn(Self.secret, as: Self.admin) }  // no submit
        // Called directly: the issue is recorded and the call throws.
        await withKnownIssue("submit was not set up") {
            let thrown = await #expect(throws: ScriptedService.Unscripted.self) {
                try await service.submit(CommandEnvelope(command: .defineSkill(Skill(id: "WELD", name: "Welding")), actor: .system))
            }
            #expect(thrown?.call == "submit(_:)")
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("submit(_:) was called, but the test did not set it up") }
        }
        // Through the API: the same, and the request ends with a 500 rather than a made-up answer.
        let status = Recorded<Int>()
        await withKnownIssue("submit was not set up") {
            do {
                try await TestConnection.run(service: service) { c in
                    let reply = try await c.send(.POST, "/api/v1/commands", headers: Self.headers(), body: Data(Self.command.utf8))
                    status.append(reply.status)
                }
            } catch {
                Issue.record(error, "the request itself failed")  // not the known issue: fails the test
            }
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("submit(_:)") }
        }
        #expect(status.all == [500])
        #expect(service.calls.all == ["submit(_:)", "authenticate(tokenSecret:client:)", "submit(_:)"])
    }

    @Test("A read the test did not set up is recorded too, though it cannot throw")
    func unscriptedRead() async {
        let service = ScriptedService()
        await withKnownIssue {
            let users = await service.read { $0.users.count }
            #expect(users == 0)
        } matching: { issue in
            issue.comments.contains { $0.rawValue.contains("read(_:)") }
        }
    }

    /// What a scripted call received (or a test saw), in order.
    final class Recorded<Element: Sendable>: Sendable {
        private let list = Mutex<[Element]>([])
        /// Adds one; returns how many there are now.
        @discardableResult
        func append(_ e: Element) -> Int {
            list.withLock {
                $0.append(e)
                return $0.count
            }
        }
        var all: [Element] { list.withLock { $0 } }
    }
}
