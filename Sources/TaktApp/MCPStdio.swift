import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1

/// `takt mcp`: the MCP server for desktop AI clients, over stdio. It carries each JSON-RPC message from standard input
/// to a running server's `POST /mcp` with the token from the environment, and writes the answers to standard output,
/// one per line (MCP's stdio framing). The server does the work — the same tools, roles and approvals as over HTTP —
/// so a desktop client and a remote agent are held to one rule. Diagnostics go to standard error only.
public enum MCPStdio {
    /// A problem before any message is carried (no token, a bad URL).
    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Carries messages until standard input ends.
    public static func run(server: String, token: String, diagnostics: @escaping @Sendable (String) -> Void) async throws {
        guard let base = URL(string: server), let scheme = base.scheme, ["http", "https"].contains(scheme), base.host != nil else {
            throw SetupError(description: "--server must be an http or https URL such as http://127.0.0.1:8080 (got '\(server)')")
        }
        guard !token.isEmpty else {
            throw SetupError(description: "set TAKT_TOKEN to an API token of the user the agent acts for (docs/agents.md)")
        }
        let endpoint = base.appendingPathComponent("mcp").absoluteString
        let client = HTTPClient.shared
        var userAgent = "takt-mcp-stdio"
        var protocolVersion: String?
        for await line in standardInputLines() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let message = (try? JSONSerialization.jsonObject(with: Data(trimmed.utf8))) as? [String: Any]
            let id = message?["id"]
            let method = message?["method"] as? String
            if method == "initialize", let params = message?["params"] as? [String: Any], let info = params["clientInfo"] as? [String: Any] {
                let name = (info["name"] as? String) ?? "unknown"
                let version = (info["version"] as? String) ?? ""
                userAgent = "takt-mcp-stdio (\(name) \(version))".replacingOccurrences(of: " )", with: ")")
            }
            var request = HTTPClientRequest(url: endpoint)
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Accept", value: "application/json, text/event-stream")
            request.headers.add(name: "User-Agent", value: userAgent)
            if let protocolVersion { request.headers.add(name: "MCP-Protocol-Version", value: protocolVersion) }
            request.body = .bytes(ByteBuffer(string: trimmed))
            do {
                // A server that is not there is said at once: the HTTP client would wait for a connection until the
                // request's deadline (a tool may run for minutes), so a short health check goes first.
                let health = try await client.execute(
                    HTTPClientRequest(url: base.appendingPathComponent("healthz").absoluteString),
                    timeout: .seconds(5)
                )
                _ = try await health.body.collect(upTo: 1 << 20)
                let response = try await client.execute(request, timeout: .seconds(300))
                let body = try await response.body.collect(upTo: 64 << 20)
                let text = String(buffer: body)
                if response.status == .accepted || text.isEmpty { continue }  // a notification: nothing to answer
                if let answer = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any], answer["jsonrpc"] != nil {
                    if method == "initialize", let result = answer["result"] as? [String: Any] {
                        protocolVersion = result["protocolVersion"] as? String
                    }
                    write(text)
                } else if let id {
                    // Not a JSON-RPC answer: the server refused the HTTP request itself (401, 403, 429 …) as problem+json.
                    let detail = ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any])?["detail"] as? String ?? text
                    write(errorAnswer(id: id, code: -32001, message: "the Takt server answered \(response.status.code): \(detail)"))
                }
            } catch {
                diagnostics("takt mcp: cannot reach \(endpoint): \(error)")
                if let id { write(errorAnswer(id: id, code: -32002, message: "cannot reach the Takt server at \(endpoint): \(error)")) }
            }
        }
    }

    static func errorAnswer(id: Any, code: Int, message: String) -> String {
        let object: [String: Any] = ["jsonrpc": "2.0", "id": id, "error": ["code": code, "message": message]]
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func write(_ line: String) {
        let single = line.replacingOccurrences(of: "\n", with: "")  // JSON-RPC on stdio: one message per line
        FileHandle.standardOutput.write(Data((single + "\n").utf8))
    }

    /// Standard input's lines, read on a thread of their own (a blocking read must not hold a cooperative thread).
    static func standardInputLines() -> AsyncStream<String> {
        AsyncStream { continuation in
            let thread = Thread {
                while let line = readLine(strippingNewline: true) { continuation.yield(line) }
                continuation.finish()
            }
            thread.start()
        }
    }
}
