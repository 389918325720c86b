public import Foundation

// AI agents (MCP clients, the language front door) act as the user whose token they hold, with that user's roles and
// nothing more: every rule, interlock and approval applies to them as to a person. What is theirs is recorded beside
// what they cause: the engine appends an `agentActed` event to the commit of every command an agent's call submits,
// so the log says which agent, through which channel and tool, acted for whom.

/// How an agent reached the plant.
public enum AgentChannel: String, StringChoice, Codable, Sendable, Hashable, CaseIterable {
    /// An MCP client over `POST /mcp` (or `takt mcp` on stdio, which forwards to it).
    case mcp
    /// The language model behind the language front door (`TAKT_LLM_URL`), calling the same tools.
    case languageModel = "language-model"
}

/// One command an agent caused, as the log records it (in the same commit as the command's own events).
public struct AgentAct: Codable, Sendable, Hashable {
    /// The user whose token the agent holds: the roles it acted with.
    public var user: User.ID
    /// The token the agent authenticated with (nil for the language front door, which acts for a signed-in user).
    public var token: APIToken.ID?
    /// The agent's name: the token's label, or the model's name.
    public var agent: String
    /// How the client introduced itself (MCP `clientInfo`, or the HTTP User-Agent), when it did.
    public var client: String?
    public var channel: AgentChannel
    /// The tool the agent called, e.g. `approve_action`.
    public var tool: String
    public init(user: User.ID, token: APIToken.ID?, agent: String, client: String?, channel: AgentChannel, tool: String) {
        self.user = user
        self.token = token
        self.agent = agent
        self.client = client
        self.channel = channel
        self.tool = tool
    }

    /// One line for a person: "agent 'claude-desktop' (TOK-000004, mcp approve_action) for U-PLANNER".
    public var summary: String {
        let via = [token?.rawValue, "\(channel.rawValue) \(tool)"].compactMap(\.self).joined(separator: ", ")
        return "agent '\(agent)' (\(via)) for \(user)"
    }
}
