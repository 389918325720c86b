import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import TaktCore
@testable import TaktEngine
@testable import TaktHTTP

/// Every operation of the served OpenAPI document, called through the real server with no token, a bad token and a
/// token of each role: the document's `x-takt-roles` must be what the server does.
@Suite("Role × endpoint")
struct RoleMatrixTests {
    /// 2026-11-24T00:00:00Z, the demo's day: the matrix never reads the wall clock.
    static let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_795_478_400) }

    @Test(
        "Every operation that needs a token answers 401 without one and with a bad one, and each role is allowed or refused 403 exactly as the document's x-takt-roles says"
    )
    func everyOperationAndRole() async throws {
        try await TestServer.run(demo: true, clock: Self.clock) { s in
            let doc = try JSONDecoder().decode(JSONValue.self, from: try await s.send(.GET, "/api/v1/openapi.json").body)
            let tokens = try await Self.singleRoleTokens(s)
            let bodies = Dictionary(Samples.specimens.map { ($0.schema, $0.json) }, uniquingKeysWith: { first, _ in first })
            var operations = 0
            var refusals: [(String, Int)] = []  // (operation, status) for the 401 checks, run last (see below)
            for (path, item) in (doc["paths"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                for (method, op) in (item.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                    let id = op["operationId"]?.stringValue ?? "\(method) \(path)"
                    guard op["security"] != nil else { continue }
                    operations += 1
                    let stated = op["x-takt-roles"]?.arrayValue?.compactMap { $0.stringValue }
                    let roles = try #require(stated, "\(id) states no x-takt-roles")
                    #expect(roles.contains("admin"), "\(id): admins may do everything")
                    // Refused roles first, so that a write an allowed role makes cannot change what the others see.
                    for role in Role.allCases.sorted(by: {
                        roles.contains($0.rawValue) == roles.contains($1.rawValue) ? $0 < $1 : !roles.contains($0.rawValue)
                    }) {
                        let call = Self.call(
                            method: method,
                            path: path,
                            op: op,
                            bodies: bodies,
                            user: role == .admin ? "admin" : "matrix-\(role.rawValue)"
                        )
                        let status = try await Self.status(s, call, token: tokens[role])
                        if roles.contains(role.rawValue) {
                            #expect(
                                status != 401 && status != 403 && status < 500,
                                "\(id) as \(role.rawValue): documented as allowed, answered \(status)"
                            )
                        } else {
                            #expect(status == 403, "\(id) as \(role.rawValue): documented as refused, answered \(status)")
                        }
                    }
                    refusals.append((id, try await Self.status(s, Self.call(method: method, path: path, op: op, bodies: bodies), token: nil)))
                }
            }
            #expect(operations > 100, "the document should have well over 100 operations that need a token (has \(operations))")
            for (id, status) in refusals { #expect(status == 401, "\(id) without a token answered \(status)") }
            // Bad tokens last: the server may slow down a client that keeps sending them (429 with Retry-After).
            for (path, item) in (doc["paths"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                for (method, op) in (item.objectValue ?? [:]) where op["security"] != nil {
                    let status = try await Self.status(
                        s,
                        Self.call(method: method, path: path, op: op, bodies: bodies),
                        token: "takt_not-a-real-token"
                    )
                    #expect(status == 401 || status == 429, "\(op["operationId"]?.stringValue ?? path) with a bad token answered \(status)")
                }
            }
        }
    }

    @Test("An operator reading the event log and its live stream sees no user or token records and no token hash")
    func eventLogVisibility() async throws {
        try await TestServer.run(demo: true, clock: Self.clock) { s in
            let tokens = try await Self.singleRoleTokens(s)
            let operatorToken = try #require(tokens[.operator])
            let hashes = [TestServer.adminToken, operatorToken].map { Engine.hash(secret: $0) }
            let hidden: Set<String> = ["userCreated", "userUpdated", "apiTokenIssued", "apiTokenRevoked"]
            var text = ""
            var after = 0
            var lastSeen = 0
            for _ in 0..<1_000 {  // the demo log has a few thousand events: at most 1,000 pages of 1,000
                let page = try await s.send(.GET, "/api/v1/events?after=\(after)&limit=1000", token: operatorToken)
                if page.status != 200 { break }
                text += page.text
                let json = try page.json()
                let items = json["events"] as? [[String: Any]] ?? []
                if items.isEmpty { break }
                lastSeen = items.compactMap { $0["sequence"] as? Int }.max() ?? lastSeen
                after = json["next"] as? Int ?? after
            }
            let stream = try await Self.streamText(s, token: operatorToken, until: lastSeen, bytes: 4 << 20)
            for (source, body) in [("GET /api/v1/events", text), ("GET /api/v1/events/stream", stream)] {
                for type in hidden { #expect(!body.contains("\"type\":\"\(type)\""), "\(source) shows \(type) events to an operator") }
                for hash in hashes { #expect(!body.contains(hash), "\(source) shows a token hash to an operator") }
            }
            #expect(text.contains("\"type\":\"productionOrderCreated\""), "the operator still reads the plant's events")
        }
    }

    // MARK: - Helpers

    struct Call: Sendable {
        var method: HTTPMethod
        var path: String
        var body: String?
        var stream: Bool
    }

    /// A request for an operation: path parameters from the body's `id` when there is one (so a path/body mismatch
    /// cannot hide the answer), else a code that names nothing; the body the OpenAPI tests' specimen of its schema.
    static func call(method: String, path: String, op: JSONValue, bodies: [String: JSONValue], user: String? = nil) -> Call {
        var body: JSONValue?
        if let ref = op["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.stringValue {
            let name = String(ref.split(separator: "/").last ?? "")
            body = bodies[name] ?? .object([:])
        }
        var filled = path
        for name in path.matches(of: /\{([^}]+)\}/).map({ String($0.1) }) {
            let value: String
            if name == "id", path.hasPrefix("/api/v1/users/{id}/"), let user {
                value = user  // a user's own tokens
            } else if name == "seq" || name == "line" {
                value = "1"
            } else {
                value = (name == "id" ? body?["id"]?.stringValue : nil) ?? "MATRIX-NONE"
            }
            filled = filled.replacingOccurrences(of: "{\(name)}", with: value)
        }
        let text = body.map { String(decoding: (try? TaktJSON.encoder.encode($0)) ?? Data("{}".utf8), as: UTF8.self) }
        let stream = op["responses"]?["200"]?["content"]?["text/event-stream"] != nil
        return Call(method: HTTPMethod(rawValue: method.uppercased()), path: filled, body: text, stream: stream)
    }

    /// The status only; a live stream is not read.
    static func status(_ s: TestServer, _ call: Call, token: String?) async throws -> Int {
        if call.stream {
            var request = HTTPClientRequest(url: s.baseURL + call.path)
            if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            return Int(response.status.code)
        }
        return try await s.send(call.method, call.path, token: token, body: call.body).status
    }

    /// Up to `bytes` of the live stream from the start of the log, until the last committed event arrived.
    /// The live stream from the start until the event `last` (the last one the reader may see) or `bytes` arrived.
    static func streamText(_ s: TestServer, token: String, until last: Int, bytes: Int) async throws -> String {
        var request = HTTPClientRequest(url: s.baseURL + "/api/v1/events/stream?after=0")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        guard response.status == .ok else { return "" }
        var text = ""
        for try await chunk in response.body {
            text += String(buffer: chunk)
            if text.contains("id: \(last)\n") || text.utf8.count > bytes { break }
        }
        return text
    }

    /// A user with exactly one role for each role, and a token for each (admin: the bootstrap token).
    static func singleRoleTokens(_ s: TestServer) async throws -> [Role: String] {
        var tokens: [Role: String] = [.admin: TestServer.adminToken]
        for role in Role.allCases where role != .admin {
            let id = "matrix-\(role.rawValue)"
            let created = try await s.send(
                .POST,
                "/api/v1/users",
                body: #"{"id":"\#(id)","name":"Matrix \#(role.rawValue)","roles":["\#(role.rawValue)"]}"#
            )
            #expect(created.status == 201, "\(created.text)")
            tokens[role] = try await issueToken(s, for: id)
        }
        return tokens
    }
}
