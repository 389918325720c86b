public import Foundation
public import Logging
import MCP
public import TaktAgents
import TaktCore
import TaktEngine
public import TaktService

/// The MCP server of the plant: the agent tools (``AgentTools``) as MCP tools, the plant model, playbooks and approval
/// policy as resources, and prompts for the common questions. It is one more thin front end over the service seam:
/// every call runs as the user whose token the agent holds, through the same use cases and commands as the web app.
///
/// Served over MCP's stateless Streamable HTTP transport (`POST /mcp` on `takt serve`): each HTTP request gets a server
/// bound to the caller its bearer token names, so no state is shared between agents. `takt mcp` carries stdio to it.
public struct PlantMCP: Sendable {
    public let tools: AgentTools
    let service: any PlantServing
    let logger: Logger
    let version: String

    public init(service: any PlantServing, version: String, logger: Logger) {
        self.service = service
        self.tools = AgentTools(service: service)
        self.version = version
        self.logger = logger
    }

    /// The answer to one HTTP request.
    public struct HTTPAnswer: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data?
    }

    /// Answers one HTTP request of the Streamable HTTP transport (stateless: JSON answers, no session) for an
    /// authenticated caller.
    public func handleHTTP(method: String, headers: [String: String], body: Data?, path: String, caller: AgentCaller) async -> HTTPAnswer {
        // The bearer token is the gate (checked before this is called), so a browser page cannot forge a call: the
        // Origin check against DNS rebinding is left off, which lets any host name reach the server.
        let transport = StatelessHTTPServerTransport(
            validationPipeline: StandardValidationPipeline(validators: [
                AcceptHeaderValidator(mode: .jsonOnly), ContentTypeValidator(), ProtocolVersionValidator(),
            ])
        )
        let server = await makeServer(for: caller)
        do {
            try await server.start(transport: transport)
        } catch {
            logger.error("MCP server did not start: \(error)")
            return HTTPAnswer(status: 500, headers: [:], body: nil)
        }
        let response = await transport.handleRequest(HTTPRequest(method: method, headers: headers, body: body, path: path))
        await server.stop()
        return HTTPAnswer(status: response.statusCode, headers: response.headers, body: response.bodyData)
    }

    /// A server whose handlers act for `caller`.
    func makeServer(for caller: AgentCaller) async -> Server {
        let server = Server(
            name: "takt",
            version: version,
            title: "Takt manufacturing operations",
            instructions: PlantMCP.instructions,
            capabilities: .init(
                prompts: .init(listChanged: false),
                resources: .init(subscribe: false, listChanged: false),
                tools: .init(listChanged: false)
            )
        )
        let tools = tools
        let logger = logger
        let service = service
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: tools.tools(for: caller).map(PlantMCP.describe))
        }
        await server.withMethodHandler(CallTool.self) { params in
            let arguments = (params.arguments ?? [:]).mapValues(JSONValue.init)
            do {
                let answer = try await tools.call(params.name, arguments: arguments, as: caller)
                logger.info("agent '\(caller.agent.agent)' (\(caller.user.id)) called \(params.name)")
                var content: [Tool.Content] = [.text(text: answer.text, annotations: nil, _meta: nil)]
                var structured: Value? = nil
                if let data = answer.data {
                    content.append(.text(text: PlantMCP.text(of: data), annotations: nil, _meta: nil))
                    // Structured content is an object; a list travels under `items`.
                    if case .object = data { structured = Value(data) } else { structured = .object(["items": Value(data)]) }
                }
                return CallTool.Result(content: content, structuredContent: structured, isError: false)
            } catch {
                let failure = ToolFailure(error)
                logger.notice("agent '\(caller.agent.agent)' (\(caller.user.id)) was refused \(params.name): \(failure.message)")
                return CallTool.Result(content: [.text(text: failure.message, annotations: nil, _meta: nil)], isError: true)
            }
        }
        await server.withMethodHandler(ListResources.self) { _ in
            ListResources.Result(
                resources: PlantResources.all.map { Resource(name: $0.name, uri: $0.uri, description: $0.description, mimeType: $0.mimeType) }
            )
        }
        await server.withMethodHandler(ReadResource.self) { params in
            guard let resource = PlantResources.all.first(where: { $0.uri == params.uri }) else {
                throw MCPError.invalidParams(
                    "no resource '\(params.uri)'; the resources are \(PlantResources.all.map(\.uri).joined(separator: ", "))"
                )
            }
            let text = try await resource.read(service)
            return ReadResource.Result(contents: [.text(text, uri: resource.uri, mimeType: resource.mimeType)])
        }
        await server.withMethodHandler(ListPrompts.self) { _ in
            ListPrompts.Result(
                prompts: PlantPrompts.all.map { p in
                    Prompt(
                        name: p.name,
                        description: p.description,
                        arguments: p.arguments.map { .init(name: $0.name, description: $0.description, required: $0.required) }
                    )
                }
            )
        }
        await server.withMethodHandler(GetPrompt.self) { params in
            guard let prompt = PlantPrompts.all.first(where: { $0.name == params.name }) else {
                throw MCPError.invalidParams("no prompt '\(params.name)'; the prompts are \(PlantPrompts.all.map(\.name).joined(separator: ", "))")
            }
            let given = params.arguments ?? [:]
            for a in prompt.arguments where a.required && (given[a.name] ?? "").isEmpty {
                throw MCPError.invalidParams("prompt '\(prompt.name)' needs the argument '\(a.name)' (\(a.description))")
            }
            return GetPrompt.Result(description: prompt.description, messages: [.user(.text(text: prompt.text(given)))])
        }
        return server
    }

    static func describe(_ tool: AgentTool) -> Tool {
        Tool(
            name: tool.name,
            title: tool.title,
            description: tool.description,
            inputSchema: Value(tool.inputSchema),
            annotations: .init(
                title: tool.title,
                readOnlyHint: tool.readOnly,
                destructiveHint: tool.destructive,
                idempotentHint: tool.readOnly,
                openWorldHint: false
            )
        )
    }

    static func text(of value: JSONValue) -> String {
        (try? String(decoding: TaktJSON.encoder.encode(value), as: UTF8.self)) ?? ""
    }

    /// What the server tells a client about itself at `initialize`.
    static let instructions = """
        Takt runs a manufacturing plant's operations. Read with plant_status, list_orders, list_exceptions and \
        get_exception; ask for an outcome with request_outcome (it plans options and changes nothing); approve_action \
        or reject_action decide an option, and only when your user holds a role the approval policy asks for — the \
        server refuses otherwise, records nothing, and says which role is needed. Do not approve unless the person you \
        work for asked you to. Every change you cause is recorded in the plant's log with your token's name.
        """
}

extension Value {
    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n): self = n == n.rounded() && abs(n) < 9e15 ? .int(Int(n)) : .double(n)
        case .string(let s): self = .string(s)
        case .array(let a): self = .array(a.map(Value.init))
        case .object(let o): self = .object(o.mapValues(Value.init))
        }
    }
}

extension JSONValue {
    init(_ value: Value) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .number(Double(i))
        case .double(let d): self = .number(d)
        case .string(let s): self = .string(s)
        case .data(_, let d): self = .string(d.base64EncodedString())
        case .array(let a): self = .array(a.map(JSONValue.init))
        case .object(let o): self = .object(o.mapValues(JSONValue.init))
        }
    }
}
