import Foundation
import TaktAgents
import TaktCore
import TaktDemo
import TaktEngine
import TaktService
import TaktStore
import Testing

/// 2026-11-24 08:00 UTC, a Tuesday: the plant's fixed clock in these tests.
private let plantNow = Date(timeIntervalSince1970: 1_795_478_400 + 8 * 3_600)

/// A model that answers from a script, one reply per completion, and keeps what it was offered.
private actor ScriptedModel: ChatModel {
    nonisolated let name = "scripted"
    var replies: [ChatMessage]
    var offered: [[String]] = []
    var calls = 0
    init(_ replies: [ChatMessage]) { self.replies = replies }
    func complete(_ messages: [ChatMessage], functions: [ChatFunction]) async throws -> ChatMessage {
        calls += 1
        offered.append(functions.map(\.name))
        guard !replies.isEmpty else {
            return ChatMessage(role: .assistant, content: nil, toolCalls: [ChatToolCall(id: "again", name: "plant_status", arguments: "{}")])
        }
        return replies.removeFirst()
    }
}

private func demoPlant() async throws -> (PlantService, Caller) {
    let engine = try await Engine.open(store: InMemoryEventStore(), now: { plantNow })
    let commands = DemoPlant.commands(seed: 7, scale: 1, start: Date(timeIntervalSince1970: 1_795_478_400))
    for result in await engine.submitBatch(commands.map { CommandEnvelope(command: $0, actor: .system) }) { _ = try result.get() }
    let planner = User(id: "pia", name: "Pia", roles: [.planner])
    _ = try await engine.submit(CommandEnvelope(command: .createUser(planner), actor: .system))
    return (PlantService(engine: engine), Caller(user: planner))
}

@Suite("The language front door: the parser first, the model only for what it does not understand")
struct LanguageFrontDoorTests {
    @Test("A request the parser understands is planned by the parser; the model is not asked")
    func parserFirst() async throws {
        let (service, planner) = try await demoPlant()
        let model = ScriptedModel([])
        let order = try #require(await service.read { s in s.productionOrders.keys.map(\.rawValue).min() })
        let answer = try await LanguageFrontDoor(service: service, model: model).ask("what if \(order) is cancelled", by: planner)
        #expect(answer.answeredBy == .parser)
        #expect(answer.exception != nil)
        #expect(await model.calls == 0)
    }

    @Test("Without a model, what the parser does not understand is refused with the rule not-understood")
    func noModel() async throws {
        let (service, planner) = try await demoPlant()
        await #expect(throws: DomainError.self) {
            _ = try await LanguageFrontDoor(service: service, model: nil).ask("what is late and why?", by: planner)
        }
        do {
            _ = try await LanguageFrontDoor(service: service, model: nil).ask("what is late and why?", by: planner)
        } catch let error as DomainError {
            #expect(error.violations.contains { $0.rule == "not-understood" })
        }
    }

    @Test("The model is offered reads and proposals, never decisions; a decision it calls anyway is refused and records nothing")
    func modelNeverDecides() async throws {
        let (service, planner) = try await demoPlant()
        let model = ScriptedModel([
            ChatMessage(
                role: .assistant,
                content: nil,
                toolCalls: [
                    ChatToolCall(id: "1", name: "plant_status", arguments: ""),
                    ChatToolCall(id: "2", name: "approve_action", arguments: #"{"exception":"EXC-000001","action":"A1"}"#),
                    ChatToolCall(id: "3", name: "list_orders", arguments: "{not json"),
                ]
            ),
            ChatMessage(role: .assistant, content: "Two orders are late."),
        ])
        let sequence = await service.committedSequence
        let answer = try await LanguageFrontDoor(service: service, model: model).ask("what is late and why?", by: planner)
        #expect(answer.answeredBy == .model)
        #expect(answer.model == "scripted")
        #expect(answer.text == "Two orders are late.")
        #expect(answer.toolCalls.map(\.tool) == ["plant_status", "approve_action", "list_orders"])
        #expect(answer.toolCalls.map(\.ok) == [true, false, false])
        #expect(answer.toolCalls[1].result.contains("[not-offered]"))
        #expect(answer.toolCalls[2].result.contains("arguments"))
        let offered = try #require(await model.offered.first)
        #expect(offered.contains("request_outcome") && offered.contains("plant_status"))
        #expect(!offered.contains("approve_action") && !offered.contains("reject_action"))
        #expect(await service.committedSequence == sequence)
    }

    @Test("A model that keeps calling tools is stopped after its rounds with a 502 the caller may retry")
    func boundedRounds() async throws {
        let (service, planner) = try await demoPlant()
        let model = ScriptedModel([])
        var door = LanguageFrontDoor(service: service, model: model)
        door.maxRounds = 3
        do {
            _ = try await door.ask("tell me everything", by: planner)
            Issue.record("the front door answered a model that never stops")
        } catch let error as LanguageModelError {
            #expect(error.presentation.status == 502)
            #expect(error.message.contains("3 rounds"))
        }
        #expect(await model.calls == 3)
    }
}
