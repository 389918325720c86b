import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import TaktCore
import TaktTestSupport
import Testing

@testable import TaktApp
@testable import TaktEngine

/// Sends a body with exactly the given Content-Type header (nil: none), unlike `TestServer.send`, which always says JSON.
func sendRaw(
    _ s: TestServer,
    _ method: HTTPMethod,
    _ path: String,
    token: String = TestServer.adminToken,
    contentType: String?,
    body: String,
    headers extra: [(String, String)] = []
) async throws -> TestServer.Reply {
    var headers = [("Authorization", "Bearer \(token)")]
    if let contentType { headers.append(("Content-Type", contentType)) }
    return TestServer.Reply(try await s.connection.send(method, path, headers: headers + extra, body: Data(body.utf8)))
}

/// Every event in the log as the given token's user sees it through `GET /events`, page by page (bounded).
func allEvents(_ s: TestServer, token: String) async throws -> [[String: Any]] {
    var out: [[String: Any]] = []
    var after: Int64 = 0
    for _ in 0..<100 {
        let page = try await s.send(.GET, "/api/v1/events?after=\(after)&limit=1000", token: token)
        #expect(page.status == 200, "\(page.text)")
        let json = try page.json()
        out += try #require(json["events"] as? [[String: Any]])
        let next = try #require(json["next"] as? Int64 ?? (json["next"] as? Int).map(Int64.init))
        let last = try #require(json["lastSequence"] as? Int64 ?? (json["lastSequence"] as? Int).map(Int64.init))
        if next >= last { return out }
        after = next
    }
    Issue.record("the event log did not end within 100 pages")
    return out
}

@Suite("The API's holes: idempotency first, authorization before existence, 405, redaction, content types, throttling")
struct APIHolesTests {
    static let customer = #"{"id":"C-RETRY","name":"Retry GmbH","priority":2}"#

    @Test("Twenty parallel retries of POST /customers with one Idempotency-Key all get the first answer, and one event is recorded")
    func parallelRetriesReplay() async throws {
        try await TestServer.run { s in
            let replies = try await withThrowingTaskGroup(of: TestServer.Reply.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await s.send(.POST, "/api/v1/customers", body: Self.customer, headers: [("Idempotency-Key", "cust-retry-1")])
                    }
                }
                var all: [TestServer.Reply] = []
                for try await r in group { all.append(r) }
                return all
            }
            let statuses = replies.map(\.status).sorted()
            #expect(statuses.filter { $0 == 201 }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == 200 }.count == 19, "\(statuses)")
            for r in replies where r.status == 200 {
                #expect(r.headers.first(name: "Idempotent-Replayed") == "true")
            }
            let bodies = Set(replies.map(\.text))
            #expect(bodies.count == 1, "every answer is the first answer: \(bodies)")
            let defined = try await allEvents(s, token: TestServer.adminToken).filter { $0["type"] as? String == "customerDefined" }
            #expect(defined.count == 1)
            // A later repeat replays too (the original bug: 409 "already exists").
            let later = try await s.send(.POST, "/api/v1/customers", body: Self.customer, headers: [("Idempotency-Key", "cust-retry-1")])
            #expect(later.status == 200 && later.headers.first(name: "Idempotent-Replayed") == "true", "\(later.status) \(later.text)")
        }
    }

    @Test("The same Idempotency-Key with another body, or on another path, is refused naming the header; without a key an existing ID is 409")
    func keyReusedForAnotherRequest() async throws {
        try await TestServer.run { s in
            #expect(try await s.send(.POST, "/api/v1/customers", body: Self.customer, headers: [("Idempotency-Key", "k1")]).status == 201)
            let other = try await s.send(
                .POST,
                "/api/v1/customers",
                body: #"{"id":"C-OTHER","name":"Other","priority":2}"#,
                headers: [("Idempotency-Key", "k1")]
            )
            #expect(other.status == 409 && other.text.contains("idempotency-key-reused") && other.text.contains("Idempotency-Key"), "\(other.text)")
            let put = try await s.send(.PUT, "/api/v1/customers/C-RETRY", body: Self.customer, headers: [("Idempotency-Key", "k1")])
            #expect(put.status == 409 && put.text.contains("idempotency-key-reused"), "\(put.text)")
            let again = try await s.send(.POST, "/api/v1/customers", body: Self.customer)
            #expect(again.status == 409 && again.text.contains("already exists"), "\(again.text)")
            // Token issue: the server makes a new secret each time, yet a repeat is the same request and is replayed.
            let first = try await s.send(.POST, "/api/v1/users/admin/tokens", body: #"{"label":"ci"}"#, headers: [("Idempotency-Key", "tok-1")])
            let second = try await s.send(.POST, "/api/v1/users/admin/tokens", body: #"{"label":"ci"}"#, headers: [("Idempotency-Key", "tok-1")])
            #expect(first.status == 201 && second.status == 200, "\(first.text) / \(second.text)")
            #expect(try second.json()["secret"] == nil)
        }
    }

    @Test("A wrong role posting an existing ID gets 403 (authorization before existence), with or without a key")
    func authorizationBeforeExistence() async throws {
        try await TestServer.run { s in
            #expect(try await s.send(.POST, "/api/v1/customers", body: Self.customer).status == 201)
            let op = try await userToken(s, id: "op-olga", roles: ["operator"])
            let plain = try await s.send(.POST, "/api/v1/customers", token: op, body: Self.customer)
            #expect(plain.status == 403, "\(plain.status) \(plain.text)")
            let keyed = try await s.send(.POST, "/api/v1/customers", token: op, body: Self.customer, headers: [("Idempotency-Key", "op-1")])
            #expect(keyed.status == 403, "\(keyed.status) \(keyed.text)")
            let wc = try await s.send(.POST, "/api/v1/sites", token: op, body: #"{"id":"S-NEW","name":"New","timeZone":"UTC"}"#)
            #expect(wc.status == 403)
        }
    }

    @Test("A method a known path does not serve is 405 with an Allow header; an unknown path stays 404")
    func methodNotAllowed() async throws {
        try await TestServer.run { s in
            let delete = try await s.send(.DELETE, "/api/v1/customers")
            #expect(delete.status == 405, "\(delete.text)")
            #expect(delete.headers.first(name: "Allow") == "GET, POST")
            #expect(delete.headers.first(name: "Content-Type") == "application/problem+json")
            let patch = try await s.send(.PATCH, "/api/v1/customers/C-1", body: "{}")
            #expect(patch.status == 405 && patch.headers.first(name: "Allow") == "GET, PUT", "\(patch.headers)")
            let events = try await s.send(.POST, "/api/v1/events", body: "{}")
            #expect(events.status == 405 && events.headers.first(name: "Allow") == "GET")
            #expect(try await s.send(.GET, "/api/v1/no-such-thing").status == 404)
        }
    }

    @Test("Token hashes never leave the server: not in the event log, its stream, token lists or command answers")
    func tokenHashesAreRedacted() async throws {
        try await TestServer.run(transport: .live) { s in
            let adminHash = Engine.hash(secret: TestServer.adminToken)
            let secret = try await issueToken(s, for: "admin")
            let hash = Engine.hash(secret: secret)
            let log = try await s.send(.GET, "/api/v1/events?limit=1000")
            #expect(log.text.contains("apiTokenIssued"))
            #expect(!log.text.contains(hash) && !log.text.contains(adminHash), "a token hash left the server")
            #expect(log.text.contains(Redaction.marker))
            let tokens = try await s.send(.GET, "/api/v1/users/admin/tokens")
            #expect(tokens.status == 200 && !tokens.text.contains(hash) && !tokens.text.contains(adminHash), "\(tokens.text)")
            let issued = try await s.send(.POST, "/api/v1/users/admin/tokens", body: #"{"label":"x"}"#)
            let newSecret = try #require(try issued.json()["secret"] as? String)
            #expect(!issued.text.contains(Engine.hash(secret: newSecret)))
            // Through /commands, with a hash the client chose: not echoed back either.
            let chosen = String(repeating: "ab", count: 32)
            let command = #"{"type":"issueAPIToken","data":{"user":"admin","secretHash":"\#(chosen)","label":"c"}}"#
            let answer = try await s.send(.POST, "/api/v1/commands", body: command)
            #expect(answer.status == 201 && !answer.text.contains(chosen), "\(answer.text)")
            // The stream, from the start of the log.
            let streamed = try await sseText(s, token: TestServer.adminToken, until: "\"label\":\"c\"")
            #expect(streamed.contains("apiTokenIssued") && !streamed.contains(hash) && !streamed.contains(adminHash) && !streamed.contains(chosen))
        }
    }

    @Test("An operator's event log and stream leave out users and tokens; the rest of the plant is there; a supervisor sees them")
    func identityEventsOnlyForUserReaders() async throws {
        try await TestServer.run(transport: .live) { s in
            let op = try await userToken(s, id: "op-otto", roles: ["operator"])
            let supervisor = try await userToken(s, id: "sup-sue", roles: ["supervisor"])
            #expect(try await s.send(.POST, "/api/v1/customers", body: Self.customer).status == 201)
            let identity: Set<String> = ["userCreated", "userUpdated", "apiTokenIssued", "apiTokenRevoked"]
            let seenByOperator = try await allEvents(s, token: op)
            let opTypes = Set(seenByOperator.compactMap { $0["type"] as? String })
            #expect(opTypes.isDisjoint(with: identity), "\(opTypes)")
            #expect(opTypes.contains("customerDefined"))
            let supTypes = Set(try await allEvents(s, token: supervisor).compactMap { $0["type"] as? String })
            #expect(supTypes.isSuperset(of: ["userCreated", "apiTokenIssued", "customerDefined"]), "\(supTypes)")
            // The operator still pages to the end: `next` moves past hidden events.
            let first = try await s.send(.GET, "/api/v1/events?after=0&limit=2", token: op)
            let next = try #require(try first.json()["next"] as? Int)
            let shown = try #require(try first.json()["events"] as? [Any])
            #expect(next == 2 && shown.isEmpty, "\(first.text)")
            let streamed = try await sseText(s, token: op, until: "customerDefined")
            #expect(!streamed.contains("userCreated") && !streamed.contains("apiTokenIssued") && !streamed.contains("op-otto\",\"name"))
        }
    }

    @Test("Revoking a token through another user's path is 404 and the token keeps working; through its own user's path it is revoked")
    func revokeChecksTheUserInThePath() async throws {
        try await TestServer.run { s in
            let annaToken = try await userToken(s, id: "anna", roles: ["planner"])
            _ = try await userToken(s, id: "bert", roles: ["planner"])
            let list = try await s.send(.GET, "/api/v1/users/anna/tokens")
            let items = try #require(try list.json()["items"] as? [[String: Any]])
            let id = try #require(items.first?["id"] as? String)
            let wrong = try await s.send(.DELETE, "/api/v1/users/bert/tokens/\(id)")
            #expect(wrong.status == 404 && wrong.text.contains("no token"), "\(wrong.status) \(wrong.text)")
            #expect(try await s.send(.GET, "/api/v1/users/me", token: annaToken).status == 200)
            let right = try await s.send(.DELETE, "/api/v1/users/anna/tokens/\(id)")
            #expect(right.status == 200, "\(right.text)")
            #expect(try await s.send(.GET, "/api/v1/users/me", token: annaToken).status == 401)
        }
    }

    @Test("A JSON body must be sent as application/json (charset utf-8 allowed); text/plain, a form or no Content-Type is 415 naming the header")
    func strictContentTypes() async throws {
        try await TestServer.run { s in
            for contentType in ["text/plain", "application/x-www-form-urlencoded", nil, "application/json; charset=latin1", "application/jsonx"] {
                let r = try await sendRaw(s, .POST, "/api/v1/customers", contentType: contentType, body: Self.customer)
                #expect(r.status == 415, "\(contentType ?? "none"): \(r.status) \(r.text)")
                #expect(r.text.contains("Content-Type"), "\(r.text)")
            }
            #expect(try await s.send(.GET, "/api/v1/customers/C-RETRY").status == 404, "nothing was applied")
            let ok = try await sendRaw(s, .POST, "/api/v1/customers", contentType: "application/json; charset=UTF-8", body: Self.customer)
            #expect(ok.status == 201, "\(ok.text)")
        }
    }

    @Test("Bad tokens are slowed down per client: after five, 429 with Retry-After even for a good token, until the wait is over")
    func badTokensAreThrottled() async throws {
        let clock = TestClock(Date(timeIntervalSince1970: 1_795_500_000))
        try await TestServer.run(clock: clock) { s in
            for i in 0..<6 {
                let r = try await s.send(.GET, "/api/v1/users/me", token: "takt_wrong-\(i)")
                #expect(r.status == 401, "attempt \(i + 1): \(r.status)")
            }
            let throttled = try await s.send(.GET, "/api/v1/users/me", token: "takt_wrong-7")
            #expect(throttled.status == 429, "\(throttled.text)")
            #expect(throttled.headers.first(name: "Retry-After") == "1")
            let good = try await s.send(.GET, "/api/v1/users/me")
            #expect(good.status == 429, "a throttled client is refused before its token is looked at")
            clock.advance(seconds: 2)
            #expect(try await s.send(.GET, "/api/v1/users/me").status == 200)
            #expect(try await s.send(.GET, "/api/v1/users/me", token: "takt_wrong-8").status == 401, "a success starts afresh")
        }
    }
}

/// The text of the event stream from the start of the log until `marker` appears (at most 10 s); needs a live server
/// (the in-process transport collects a whole body, and a stream never ends).
func sseText(_ s: TestServer, token: String, until marker: String) async throws -> String {
    try #require(s.connection.transport == .live, "an event stream needs `transport: .live`")
    var request = HTTPClientRequest(url: s.baseURL + "/api/v1/events/stream?after=0")
    request.headers.add(name: "Authorization", value: "Bearer \(token)")
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    #expect(response.status == .ok)
    var text = ""
    let deadline = ContinuousClock.now + .seconds(10)
    for try await chunk in response.body {
        text += String(buffer: chunk)
        if text.contains(marker) || ContinuousClock.now > deadline { break }
    }
    #expect(text.contains(marker), "the stream did not show \(marker)")
    return text
}
