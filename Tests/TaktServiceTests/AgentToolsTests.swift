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

/// A demo plant on an in-memory log with a planner, a sales user and an operator, and the agent tools over it.
private func demoTools(seed: UInt64 = 42) async throws -> (PlantService, AgentTools) {
    let engine = try await Engine.open(store: InMemoryEventStore(), now: { plantNow })
    let commands = DemoPlant.commands(seed: seed, scale: 1, start: Date(timeIntervalSince1970: 1_795_478_400))
    for result in await engine.submitBatch(commands.map { CommandEnvelope(command: $0, actor: .system) }) { _ = try result.get() }
    for (id, role) in [("pia", Role.planner), ("sam", .sales), ("olga", .operator)] {
        _ = try await engine.submit(CommandEnvelope(command: .createUser(User(id: User.ID(id), name: id, roles: [role])), actor: .system))
    }
    let service = PlantService(engine: engine)
    return (service, AgentTools(service: service))
}

private func agent(_ service: PlantService, _ id: String, readOnly: Bool = false) async throws -> AgentCaller {
    let user = try #require(await service.read { $0.users[User.ID(id)] })
    return AgentCaller(
        user: user,
        readOnly: readOnly,
        agent: AgentAct(user: user.id, token: "TOK-999999", agent: "\(id)-agent", client: "test", channel: .mcp, tool: "")
    )
}

@Suite("Agent tools: an agent acts as its user, with that user's roles, and the log names it")
struct AgentToolsTests {
    @Test("The catalogue: unique names, object schemas whose required arguments are among their properties, reads marked read-only")
    func catalogue() async throws {
        let (_, tools) = try await demoTools()
        #expect(Set(tools.tools.map(\.name)).count == tools.tools.count)
        for tool in tools.tools {
            guard case .object(let schema) = tool.inputSchema, case .object(let properties)? = schema["properties"] else {
                Issue.record("\(tool.name): the schema is not an object with properties")
                continue
            }
            if case .array(let required)? = schema["required"] {
                for case .string(let name) in required { #expect(properties[name] != nil, "\(tool.name): \(name)") }
            }
            #expect(!tool.description.isEmpty)
            #expect(tool.readOnly == (tool.kind == .read))
        }
        #expect(tools.tools.filter(\.destructive).map(\.name).sorted() == ["approve_action", "reject_action"])
    }

    @Test("A sales agent asks for a rush order; its approval is refused and records nothing; the planner's agent approves, recorded with the agent")
    func askRefuseApprove() async throws {
        let (service, tools) = try await demoTools()
        let sales = try await agent(service, "sam")
        let planner = try await agent(service, "pia")
        let item = try #require(await service.read { s in s.items.values.filter { $0.kind == .finished }.map(\.id.rawValue).min() })
        let asked = try await tools.call("request_outcome", arguments: ["text": .string("fit a rush order for 5 \(item) by 2026-12-04")], as: sales)
        guard case .object(let exception)? = asked.data, case .string(let id)? = exception["id"],
            case .array(let actions)? = exception["actions"], case .object(let first)? = actions.first, case .string(let action)? = first["id"]
        else {
            Issue.record("no exception with options: \(asked.text)")
            return
        }
        let before = await service.committedSequence
        await #expect(throws: ToolFailure.self) {
            try await tools.call("approve_action", arguments: ["exception": .string(id), "action": .string(action)], as: sales)
        }
        #expect(await service.committedSequence == before, "a refused approval records nothing")
        _ = try await tools.call("approve_action", arguments: ["exception": .string(id), "action": .string(action)], as: planner)
        let events = try await service.events(after: before, limit: 100)
        #expect(events.map(\.type).prefix(2) == ["actionApproved", "agentActed"])
        let act = try TaktJSON.decoder.decode(AgentAct.self, from: events[1].payload)
        #expect(act == AgentAct(user: "pia", token: "TOK-999999", agent: "pia-agent", client: "test", channel: .mcp, tool: "approve_action"))
        #expect(events[0].correlationID == events[1].correlationID, "one commit, one correlation")
    }

    @Test("A read-only agent sees the read tools only; a write is refused before it is looked at, and nothing is recorded")
    func readOnly() async throws {
        let (service, tools) = try await demoTools()
        let watcher = try await agent(service, "pia", readOnly: true)
        let visible = tools.tools(for: watcher)
        #expect(visible.allSatisfy { $0.readOnly })
        #expect(!visible.isEmpty)
        let before = await service.committedSequence
        do {
            _ = try await tools.call("request_outcome", arguments: ["text": .string("what if PO-000001 is cancelled")], as: watcher)
            Issue.record("a read-only agent asked for an outcome")
        } catch {
            #expect(error.message.contains("[read-only-token]"))
        }
        #expect(await service.committedSequence == before)
    }

    @Test("An operator's agent may read but not ask for outcomes (the use case's roles, as in the web app)")
    func operatorRoles() async throws {
        let (service, tools) = try await demoTools()
        let olga = try await agent(service, "olga")
        _ = try await tools.call("plant_status", arguments: [:], as: olga)
        do {
            _ = try await tools.call("request_outcome", arguments: ["text": .string("what if PO-000001 is cancelled")], as: olga)
            Issue.record("an operator asked for an outcome")
        } catch {
            #expect(error.code == "forbidden")
            #expect(error.message.contains("planner"))
        }
    }

    @Test("Random arguments to every tool never stop the service: each call answers or names what is wrong (replay: the seed)")
    func hostileArguments() async throws {
        let (service, tools) = try await demoTools()
        let sales = try await agent(service, "sam")
        let seed = UInt64(ProcessInfo.processInfo.environment["TAKT_SEED"] ?? "") ?? 20_261_206
        var random = SeededRandom(seed: seed)
        let names = ["workCenter", "exception", "action", "comment", "lot", "direction", "verdict", "limit", "from", "to", "text", "request", "item"]
        let values: [JSONValue] = [
            .null, .bool(true), .number(-1), .number(1e300), .number(3), .string(""), .string("WC-MILL-1"), .string("EXC-000001"),
            .string("A1"), .string("2026-13-45T99:00:00Z"), .string(String(repeating: "x", count: 5_000)), .string("'; DROP TABLE events;--"),
            .array([.number(1)]), .object(["kind": .string("rush-order")]), .string("backward"), .string("late"),
        ]
        for round in 0..<300 {
            let tool = tools.tools[random.below(tools.tools.count)]
            var arguments: [String: JSONValue] = [:]
            for _ in 0..<random.int(0...3) { arguments[random.pick(names)!] = random.pick(values)! }
            do {
                let answer = try await tools.call(tool.name, arguments: arguments, as: sales)
                #expect(!answer.text.isEmpty)
            } catch {
                #expect(!error.message.isEmpty, "round \(round), seed \(seed): \(tool.name) \(arguments)")
                #expect(error.code != "internal", "round \(round), seed \(seed): \(tool.name) \(arguments): \(error.message)")
            }
        }
    }
}
