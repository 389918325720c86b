import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TaktAgents
import TaktCore
import TaktHTTP
import TaktMCP
import TaktService

/// `POST /mcp`: the MCP server on the Streamable HTTP transport (stateless, JSON answers), behind the API's bearer
/// tokens. The token names the agent (its label) and the user it acts for; a read-only token sees the read tools only.
enum MCPRoute {
    /// Largest JSON-RPC message read.
    static let maxBody = 1 << 20

    static func add(to router: Router<TaktContext>, service: any PlantServing, logger: Logger) {
        var mcpLogger = logger
        mcpLogger[metadataKey: "service"] = "mcp"
        let mcp = PlantMCP(service: service, version: TaktApplication.version, logger: mcpLogger)
        router.on("/mcp", method: .post) { request, context -> Response in
            let (user, token) = try await authenticate(request, client: context.client, service: service)
            guard let token else { throw HTTPError(.unauthorized, message: "the MCP server takes an API token") }
            let body = try await request.body.collect(upTo: maxBody)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let agent = AgentAct(
                user: user.id,
                token: token.id,
                agent: token.label,
                client: request.headers[.userAgent],
                channel: .mcp,
                tool: ""
            )
            let answer = await mcp.handleHTTP(
                method: "POST",
                headers: headers,
                body: Data(body.readableBytesView),
                path: "/mcp",
                caller: AgentCaller(user: user, readOnly: token.readOnly, agent: agent)
            )
            var fields = HTTPFields()
            for (name, value) in answer.headers {
                if let n = HTTPField.Name(name) { fields[n] = value }
            }
            let status = HTTPResponse.Status(code: answer.status)
            return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: answer.body ?? Data())))
        }
        // The stateless transport has no server-to-client stream: GET (and DELETE of a session) are not served.
        for method in [HTTPRequest.Method.get, .delete] {
            router.on("/mcp", method: method) { _, _ -> Response in
                var fields = HTTPFields()
                fields[.allow] = "POST"
                return Response(status: .methodNotAllowed, headers: fields)
            }
        }
    }
}
