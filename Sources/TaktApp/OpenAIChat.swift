import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
public import TaktAgents
import TaktCore

/// A chat model behind an OpenAI-compatible chat-completions endpoint (OpenAI, a local llama.cpp or vLLM server, …),
/// configured by `TAKT_LLM_URL` (the base URL, e.g. `http://127.0.0.1:8000/v1`, or the full `…/chat/completions`),
/// `TAKT_LLM_MODEL` and, when the endpoint asks for one, `TAKT_LLM_API_KEY`.
public struct OpenAIChatModel: ChatModel {
    public let endpoint: String
    public let name: String
    let apiKey: String?
    let timeout: TimeAmount

    /// The model the environment configures, or nil when `TAKT_LLM_URL` is not set.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> OpenAIChatModel? {
        guard let url = env["TAKT_LLM_URL"], !url.isEmpty else { return nil }
        return try OpenAIChatModel(url: url, model: env["TAKT_LLM_MODEL"] ?? "gpt-4o-mini", apiKey: env["TAKT_LLM_API_KEY"])
    }

    public init(url: String, model: String, apiKey: String?, timeoutSeconds: Int64 = 60) throws {
        guard let parsed = URL(string: url), let scheme = parsed.scheme, ["http", "https"].contains(scheme), parsed.host != nil else {
            throw ConsoleError(message: "TAKT_LLM_URL must be an http or https URL such as http://127.0.0.1:8000/v1 (got '\(url)')")
        }
        let trimmed = url.hasSuffix("/") ? String(url.dropLast()) : url
        endpoint = trimmed.hasSuffix("/chat/completions") ? trimmed : trimmed + "/chat/completions"
        name = model
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        timeout = .seconds(timeoutSeconds)
    }

    public func complete(_ messages: [ChatMessage], functions: [ChatFunction]) async throws -> ChatMessage {
        var body: [String: JSONValue] = [
            "model": .string(name),
            "messages": .array(messages.map(Self.encode)),
        ]
        if !functions.isEmpty {
            body["tools"] = .array(
                functions.map {
                    .object([
                        "type": .string("function"),
                        "function": .object(["name": .string($0.name), "description": .string($0.description), "parameters": $0.parameters]),
                    ])
                }
            )
            body["tool_choice"] = .string("auto")
        }
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        request.body = .bytes(ByteBuffer(bytes: try TaktJSON.encoder.encode(JSONValue.object(body))))
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let data = Data((try await response.body.collect(upTo: 8 << 20)).readableBytesView)
        guard response.status == .ok else {
            throw LanguageModelError(message: "\(endpoint) answered \(response.status.code): \(String(decoding: data.prefix(500), as: UTF8.self))")
        }
        return try Self.decode(data)
    }

    static func encode(_ m: ChatMessage) -> JSONValue {
        var o: [String: JSONValue] = ["role": .string(m.role.rawValue), "content": m.content.map { .string($0) } ?? .null]
        if !m.toolCalls.isEmpty {
            o["tool_calls"] = .array(
                m.toolCalls.map {
                    .object([
                        "id": .string($0.id), "type": .string("function"),
                        "function": .object(["name": .string($0.name), "arguments": .string($0.arguments)]),
                    ])
                }
            )
        }
        if let id = m.toolCallID { o["tool_call_id"] = .string(id) }
        return .object(o)
    }

    /// The first choice's message; a malformed answer is named.
    static func decode(_ data: Data) throws -> ChatMessage {
        guard case .object(let root)? = try? TaktJSON.decoder.decode(JSONValue.self, from: data),
            case .array(let choices)? = root["choices"], case .object(let choice)? = choices.first,
            case .object(let message)? = choice["message"]
        else {
            throw LanguageModelError(message: "the model's answer has no choices[0].message: \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        var calls: [ChatToolCall] = []
        if case .array(let raw)? = message["tool_calls"] {
            for case .object(let call) in raw {
                guard case .string(let id)? = call["id"], case .object(let function)? = call["function"],
                    case .string(let name)? = function["name"]
                else { throw LanguageModelError(message: "a tool call of the model's answer has no id or function name") }
                let arguments: String =
                    switch function["arguments"] {
                    case .string(let s)?: s
                    case let other?: (try? String(decoding: TaktJSON.encoder.encode(other), as: UTF8.self)) ?? "{}"
                    case nil: "{}"
                    }
                calls.append(ChatToolCall(id: id, name: name, arguments: arguments))
            }
        }
        let content: String? = if case .string(let s)? = message["content"] { s } else { nil }
        return ChatMessage(role: .assistant, content: content, toolCalls: calls)
    }
}
