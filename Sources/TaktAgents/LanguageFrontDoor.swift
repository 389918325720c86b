public import Foundation
public import TaktCore
import TaktEngine
public import TaktService

// The language front door: a request in words goes first to the offline parser (deterministic, the default); when the
// parser does not understand it and a chat model is configured (`TAKT_LLM_URL`, an OpenAI-compatible endpoint), it goes
// to the model with the agent tools as its functions — the read tools and the proposals, never the decisions: the model
// proposes, people decide. The answer says who answered and which tools were called with what.

/// One message of a chat with a model, in the OpenAI chat-completions shape.
public struct ChatMessage: Sendable, Hashable {
    public enum Role: String, Sendable { case system, user, assistant, tool }
    public var role: Role
    public var content: String?
    /// The model's calls of tools (assistant messages).
    public var toolCalls: [ChatToolCall]
    /// The call a tool message answers.
    public var toolCallID: String?
    public init(role: Role, content: String?, toolCalls: [ChatToolCall] = [], toolCallID: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }
}

/// A model's call of a tool: its arguments as the JSON text the model wrote.
public struct ChatToolCall: Sendable, Hashable {
    public var id: String
    public var name: String
    public var arguments: String
    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// A function offered to the model.
public struct ChatFunction: Sendable, Hashable {
    public var name: String
    public var description: String
    public var parameters: JSONValue
}

/// A chat model: one completion of a conversation, with functions it may call.
public protocol ChatModel: Sendable {
    /// The model's name, as the log records the agent.
    var name: String { get }
    func complete(_ messages: [ChatMessage], functions: [ChatFunction]) async throws -> ChatMessage
}

/// What the front door answers.
public struct FrontDoorAnswer: Codable, Sendable, Hashable {
    public enum AnsweredBy: String, Codable, Sendable, CaseIterable { case parser, model }
    /// One tool the model called.
    public struct ToolCall: Codable, Sendable, Hashable {
        public var tool: String
        /// The arguments as the model wrote them.
        public var arguments: String
        public var ok: Bool
        /// The tool's answer, or why it was refused.
        public var result: String
    }
    public var answeredBy: AnsweredBy
    /// The model's name when it answered.
    public var model: String?
    /// The answer in words.
    public var text: String
    /// The exception that holds the plan options, when the request raised one.
    public var exception: PlantException.ID?
    public var toolCalls: [ToolCall]
}

public struct LanguageFrontDoor: Sendable {
    public let tools: AgentTools
    public let model: (any ChatModel)?
    /// At most this many rounds of tool calls before the model must answer.
    public var maxRounds = 8

    public init(service: any PlantServing, model: (any ChatModel)?) {
        self.tools = AgentTools(service: service)
        self.model = model
    }

    /// The tools the model is offered: reads and proposals, never decisions.
    public var offered: [AgentTool] { tools.tools.filter { $0.kind != .decide } }

    /// Answers a request in words for `caller` (a signed-in person): the parser first; the model only when the parser
    /// does not understand and a model is configured. Errors of an understood request (an unknown order, a date in the
    /// past) are the parser's and are thrown as they are.
    public func ask(_ text: String, by caller: Caller) async throws -> FrontDoorAnswer {
        do {
            let outcome = try await tools.service.requestOutcome(.words(text), by: caller)
            let id = outcome.exceptionID
            let title = await tools.service.read { state in id.flatMap { state.exceptions[$0]?.title } }
            return FrontDoorAnswer(
                answeredBy: .parser,
                model: nil,
                text: title.map { "Plan options for: \($0)" } ?? "Recorded.",
                exception: id,
                toolCalls: []
            )
        } catch let error as DomainError where model != nil && error.violations.contains(where: { $0.rule == "not-understood" }) {
            guard let model else { throw error }
            return try await converse(text, model: model, caller: caller)
        }
    }

    static let system = """
        You are the assistant of a manufacturing plant's operations system (Takt). Answer the user's request with the \
        functions: read the plant with the read functions; to change a plan, call request_outcome, which plans options \
        that people then approve (you cannot approve). Use only IDs the functions return. Answer briefly, with the \
        figures the functions gave, and name the exception that holds any options.
        """

    func converse(_ text: String, model: any ChatModel, caller: Caller) async throws -> FrontDoorAnswer {
        let agent = AgentCaller(
            user: caller.user,
            readOnly: false,
            agent: AgentAct(user: caller.user.id, token: nil, agent: model.name, client: nil, channel: .languageModel, tool: "")
        )
        let functions = offered.map { ChatFunction(name: $0.name, description: $0.description, parameters: $0.inputSchema) }
        var messages = [ChatMessage(role: .system, content: Self.system), ChatMessage(role: .user, content: text)]
        var calls: [FrontDoorAnswer.ToolCall] = []
        var exception: PlantException.ID?
        for _ in 0..<maxRounds {
            let reply: ChatMessage
            do {
                reply = try await model.complete(messages, functions: functions)
            } catch {
                throw LanguageModelError(message: "the language model did not answer: \(error)")
            }
            messages.append(reply)
            if reply.toolCalls.isEmpty {
                return FrontDoorAnswer(
                    answeredBy: .model,
                    model: model.name,
                    text: reply.content ?? "",
                    exception: exception,
                    toolCalls: calls
                )
            }
            for call in reply.toolCalls {
                let result: String
                let ok: Bool
                do {
                    guard offered.contains(where: { $0.name == call.name }) else {
                        throw ToolFailure(
                            message: "\(call.name) is not offered to the language model: people decide [not-offered]",
                            code: "forbidden"
                        )
                    }
                    let arguments = try Self.arguments(call.arguments)
                    let answer = try await tools.call(call.name, arguments: arguments, as: agent)
                    if call.name == "request_outcome", case .object(let o)? = answer.data, case .string(let id)? = o["id"] {
                        exception = PlantException.ID(id)
                    }
                    result = answer.data.map { "\(answer.text)\n\(Self.json($0))" } ?? answer.text
                    ok = true
                } catch {
                    result = ToolFailure(error).message
                    ok = false
                }
                calls.append(.init(tool: call.name, arguments: call.arguments, ok: ok, result: String(result.prefix(20_000))))
                messages.append(ChatMessage(role: .tool, content: result, toolCallID: call.id))
            }
        }
        throw LanguageModelError(message: "the language model called tools for \(maxRounds) rounds without answering")
    }

    static func arguments(_ text: String) throws(ToolFailure) -> [String: JSONValue] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return [:] }
        guard case .object(let o)? = try? TaktJSON.decoder.decode(JSONValue.self, from: Data(trimmed.utf8)) else {
            throw ToolFailure(message: "arguments: not a JSON object [json]", code: "invalid-argument")
        }
        return o
    }

    static func json(_ value: JSONValue) -> String {
        (try? String(decoding: TaktJSON.encoder.encode(value), as: UTF8.self)) ?? ""
    }
}

/// The language model failed (unreachable, malformed answer, no answer after its rounds): 502 through the API.
public struct LanguageModelError: Error, PresentableError, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
    public var presentation: ErrorPresentation {
        ErrorPresentation(
            status: 502,
            code: .init(rawValue: "language-model-failed"),
            title: "The language model failed",
            message: message,
            retrySafe: true
        )
    }
}
