public import Foundation
public import TaktCore
public import TaktEngine
public import TaktService

// The plant's tools for AI agents, one catalogue for every agent front end: the MCP server (`POST /mcp`, `takt mcp`)
// lists them as MCP tools, the language front door hands them to a chat model as its functions. Each tool is a name, a
// description an agent can act on, a JSON schema of its arguments, hints (read-only / destructive), and a call over the
// service seam (`PlantServing`) with the agent's caller: the user whose token it holds, with that user's roles and
// nothing more. Writes go through the same commands and use cases as the web app and the API, so roles, interlocks and
// approval policies apply unchanged; every write carries the agent's identity into the log (`agentActed`).

/// Who calls a tool: the user behind the agent's token, and the agent itself.
public struct AgentCaller: Sendable {
    public var user: User
    /// The token's read-only flag: such an agent may only read (write tools are not listed and are refused).
    public var readOnly: Bool
    /// The agent as the log records it (its `tool` is filled per call).
    public var agent: AgentAct

    public init(user: User, readOnly: Bool, agent: AgentAct) {
        self.user = user
        self.readOnly = readOnly
        self.agent = agent
    }

    /// The agent's act for one tool.
    func act(_ tool: String) -> AgentAct {
        var a = agent
        a.tool = tool
        return a
    }
}

/// What a tool answers: a short text for a person or a model, and the data as JSON.
public struct ToolAnswer: Sendable {
    public var text: String
    public var data: JSONValue?
    public init(text: String, data: JSONValue? = nil) {
        self.text = text
        self.data = data
    }
}

/// A tool refused or failed: the words name the field and the rule, as every front end says them.
public struct ToolFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var code: String
    public init(message: String, code: String) {
        self.message = message
        self.code = code
    }
    public var description: String { message }

    /// Any error a tool's call raised, as a presentable failure (a server fault says only that it is one).
    public init(_ error: any Error) {
        if let failure = error as? ToolFailure {
            self = failure
            return
        }
        let p = ErrorPresentation.of(error)
        let fields = p.violations.map { "\($0.field): \($0.message) [\($0.rule)]" }
        let detail = fields.isEmpty ? p.message : fields.joined(separator: "; ")
        self.init(message: "\(p.title): \(detail)", code: p.code.rawValue)
    }
}

/// One tool of the catalogue.
public struct AgentTool: Sendable {
    public enum Kind: String, Sendable {
        /// Reads only.
        case read
        /// Proposes: records a request or a proposal, changes no plan (a person, or an agent with the role, decides).
        case propose
        /// Decides: approves or rejects an action, which may change the plant's plan.
        case decide
    }
    public var name: String
    public var title: String
    public var description: String
    public var kind: Kind
    /// JSON schema of the arguments (an object).
    public var inputSchema: JSONValue
    let call: @Sendable (ToolArguments, AgentCaller) async throws -> ToolAnswer

    public var readOnly: Bool { kind == .read }
    public var destructive: Bool { kind == .decide }
}

/// A tool's arguments as sent, read with errors that name the argument.
public struct ToolArguments: Sendable {
    public var values: [String: JSONValue]
    public init(_ values: [String: JSONValue]) { self.values = values }

    public func string(_ name: String) throws(ToolFailure) -> String? {
        switch values[name] {
        case nil, .null?: return nil
        case .string(let s)?:
            let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
            return t.isEmpty ? nil : t
        default: throw ToolFailure(message: "\(name): must be a string [type]", code: "invalid-argument")
        }
    }
    public func required(_ name: String) throws(ToolFailure) -> String {
        guard let s = try string(name) else { throw ToolFailure(message: "\(name): required [required]", code: "invalid-argument") }
        return s
    }
    public func int(_ name: String, in range: ClosedRange<Int>) throws(ToolFailure) -> Int? {
        switch values[name] {
        case nil, .null?: return nil
        case .number(let n)? where n == n.rounded() && range.contains(Int(exactly: n) ?? Int.min): return Int(n)
        case .string(let s)? where Int(s).map(range.contains) == true: return Int(s)
        default:
            throw ToolFailure(
                message: "\(name): must be a whole number from \(range.lowerBound) to \(range.upperBound) [range]",
                code: "invalid-argument"
            )
        }
    }
    public func date(_ name: String) throws(ToolFailure) -> Date? {
        guard let s = try string(name) else { return nil }
        guard let d = TaktJSON.parseDate(s) else {
            throw ToolFailure(message: "\(name): must be a date-time such as 2026-12-07T14:00:00Z [date-time]", code: "invalid-argument")
        }
        return d
    }
    /// Refuses arguments the tool does not take (a misspelt name should not be silently ignored).
    func checkKnown(_ schema: JSONValue) throws(ToolFailure) {
        guard case .object(let s) = schema, case .object(let props)? = s["properties"] else { return }
        let unknown = values.keys.filter { props[$0] == nil }.sorted()
        if let first = unknown.first {
            throw ToolFailure(
                message: "\(first): not an argument of this tool; "
                    + (props.isEmpty ? "it takes none" : "it takes \(props.keys.sorted().joined(separator: ", "))") + " [unknown-argument]",
                code: "invalid-argument"
            )
        }
    }
}

/// The catalogue over one service.
public struct AgentTools: Sendable {
    public let service: any PlantServing
    public let tools: [AgentTool]

    public init(service: any PlantServing) {
        self.service = service
        self.tools = AgentTools.catalogue(service)
    }

    /// The tools this caller may see: all of them, or the read tools for a read-only token.
    public func tools(for caller: AgentCaller) -> [AgentTool] {
        caller.readOnly ? tools.filter(\.readOnly) : tools
    }

    /// Calls a tool by name. Refusals (unknown tool, read-only token, roles, rules) throw a ``ToolFailure`` and record
    /// nothing.
    public func call(_ name: String, arguments: [String: JSONValue], as caller: AgentCaller) async throws(ToolFailure) -> ToolAnswer {
        guard let tool = tools.first(where: { $0.name == name }) else {
            throw ToolFailure(message: "tool '\(name)' does not exist; the tools are \(tools.map(\.name).joined(separator: ", "))", code: "not-found")
        }
        if caller.readOnly, !tool.readOnly {
            throw ToolFailure(
                message: "\(tool.name) changes the plant and this token is read-only; ask an admin for a token that may write [read-only-token]",
                code: "forbidden"
            )
        }
        let args = ToolArguments(arguments)
        try args.checkKnown(tool.inputSchema)
        do {
            return try await tool.call(args, caller)
        } catch {
            throw ToolFailure(error)
        }
    }
}

// MARK: - Schemas

enum Schema {
    static func object(_ properties: [String: JSONValue], required: [String] = []) -> JSONValue {
        var o: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties), "additionalProperties": .bool(false)]
        if !required.isEmpty { o["required"] = .array(required.map { .string($0) }) }
        return .object(o)
    }
    static func string(_ description: String, enum values: [String]? = nil) -> JSONValue {
        var o: [String: JSONValue] = ["type": .string("string"), "description": .string(description)]
        if let values { o["enum"] = .array(values.map { .string($0) }) }
        return .object(o)
    }
    static func integer(_ description: String, minimum: Int, maximum: Int) -> JSONValue {
        .object([
            "type": .string("integer"), "description": .string(description), "minimum": .number(Double(minimum)),
            "maximum": .number(Double(maximum)),
        ])
    }
}

extension JSONValue {
    /// A Codable value as JSON, the way the API writes it (dates in ISO 8601, keys sorted).
    static func of(_ value: some Encodable) throws -> JSONValue {
        try TaktJSON.decoder.decode(JSONValue.self, from: try TaktJSON.encoder.encode(value))
    }
}
