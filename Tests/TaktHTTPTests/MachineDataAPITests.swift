import Foundation
import NIOHTTP1
import TaktApp
import TaktCore
import TaktEngine
import TaktService
import TaktTestSupport
import Testing

/// The machine-signal mapping and the machine-data bridge's status through the API: read by everyone signed in, the
/// mapping replaced by admins and supervisors through the command, refusals naming the rule and field.
@Suite("Machine data through the API")
struct MachineDataAPITests {
    static let mapping = #"""
        {"rules":[
          {"source":{"group":"Plant1","edgeNode":"Line1","device":"Lathe1","metric":"State"},"workCenter":"WC-1","signal":"state",
           "stateCodes":{"0":"idle","1":"running","3":"down"}},
          {"source":{"group":"Plant1","edgeNode":"Line1","device":"Lathe1","metric":"Counters/Good"},"workCenter":"WC-1",
           "signal":"good-count","reportProduction":true},
          {"source":{"group":"Plant1","edgeNode":"Line1","device":"Lathe1","metric":"Rate"},"workCenter":"WC-1","signal":"rate",
           "factor":60,"idealRate":120,"slowBelow":0.8},
          {"source":{"topic":"plant1/mill/quality","field":"scrap"},"workCenter":"WC-1","signal":"scrap-count"}
        ],"debounceSeconds":2}
        """#

    static func violations(_ reply: TestServer.Reply) throws -> [(field: String, rule: String)] {
        try #require(try reply.json()["errors"] as? [[String: Any]], "\(reply.text)").map {
            ($0["field"] as? String ?? "", $0["rule"] as? String ?? "")
        }
    }

    @Test("The mapping is empty until defined; a supervisor puts one and every signed-in user reads it back")
    func putAndRead() async throws {
        try await TestServer.run { s in
            let tokens = try await OrchestrationAPITests.seed(s)
            let empty = try await s.send(.GET, "/api/v1/machine-data/mapping", token: tokens["operator"])
            #expect(empty.status == 200, "\(empty.text)")
            #expect((try empty.json()["rules"] as? [Any])?.isEmpty == true)

            let put = try await s.send(.PUT, "/api/v1/machine-data/mapping", token: tokens["supervisor"], body: Self.mapping)
            #expect(put.status == 200, "\(put.text)")
            #expect((try put.json()["rules"] as? [Any])?.count == 4)
            let stored = await s.engine.read { $0.machineSignalMapping }
            #expect(stored.rules.count == 4 && stored.debounceSeconds == 2)
            #expect(stored.rules[0].stateCodes == ["0": .idle, "1": .running, "3": .down])
            #expect(stored.rules[2].idealRate == 120 && stored.rules[2].factor == 60 && stored.rules[2].slowBelow == 0.8)
            #expect(stored.rules[3].source == .json(topic: "plant1/mill/quality", field: "scrap"))

            let read = try await s.send(.GET, "/api/v1/machine-data/mapping", token: tokens["operator"])
            #expect(read.status == 200)
            #expect(try read.decode(MachineSignalMapping.self) == stored)
        }
    }

    @Test("A bad mapping is 422 naming each rule's field; an unknown work center is refused; nothing is recorded")
    func badMapping() async throws {
        try await TestServer.run { s in
            let tokens = try await OrchestrationAPITests.seed(s)
            let before = await s.engine.committedSequence
            let bad = #"""
                {"rules":[
                  {"source":{"group":"Plant1","edgeNode":"Line1","metric":"Rate"},"workCenter":"WC-1","signal":"rate"},
                  {"source":{"topic":"plant1/#","field":"state"},"workCenter":"WC-NOPE","signal":"good-count","stateCodes":{"1":"running"}},
                  {"source":{"group":"Plant1"},"workCenter":"WC-1","signal":"state","factor":-1}
                ],"debounceSeconds":1000}
                """#
            let reply = try await s.send(.PUT, "/api/v1/machine-data/mapping", token: tokens["supervisor"], body: bad)
            #expect(reply.status == 422, "\(reply.text)")
            let named = try Self.violations(reply)
            let fields = Set(named.map { "\($0.field) \($0.rule)" })
            for expected in [
                "debounceSeconds range", "rules[0].idealRate required", "rules[1].source.topic no-wildcard", "rules[1].workCenter exists",
                "rules[1].stateCodes state-only", "rules[2].source one-of", "rules[2].factor positive",
            ] {
                #expect(fields.contains(expected), "\(expected) missing from \(fields)")
            }
            #expect(await s.engine.committedSequence == before)
            #expect(await s.engine.read { $0.machineSignalMapping.rules.isEmpty })

            let notJSON = try await s.send(
                .PUT,
                "/api/v1/machine-data/mapping",
                token: tokens["supervisor"],
                body: #"{"rules":[{"signal":"smoke"}]}"#
            )
            #expect(notJSON.status == 400, "\(notJSON.text)")
        }
    }

    @Test("An operator, a planner and sales may read but not replace the mapping (403, whatever they send)")
    func roles() async throws {
        try await TestServer.run { s in
            let tokens = try await OrchestrationAPITests.seed(s)
            for user in ["operator", "planner", "sales"] {
                let put = try await s.send(.PUT, "/api/v1/machine-data/mapping", token: tokens[user], body: Self.mapping)
                #expect(put.status == 403, "\(user): \(put.text)")
                let garbage = try await s.send(.PUT, "/api/v1/machine-data/mapping", token: tokens[user], body: "{")
                #expect(garbage.status == 403, "\(user): \(garbage.text)")
                #expect(try await s.send(.GET, "/api/v1/machine-data/status", token: tokens[user]).status == 200)
            }
            #expect(try await s.send(.GET, "/api/v1/machine-data/mapping", token: nil).status == 401)
            #expect(try await s.send(.GET, "/api/v1/machine-data/status", token: nil).status == 401)
            #expect(await s.engine.read { $0.machineSignalMapping.rules.isEmpty })
        }
    }

    @Test("Without a bridge the status has no connection and every figure is 0")
    func statusWithoutBridge() async throws {
        try await TestServer.run { s in
            let reply = try await s.send(.GET, "/api/v1/machine-data/status")
            #expect(reply.status == 200, "\(reply.text)")
            let json = try reply.json()
            #expect(json["connection"] == nil || json["connection"] is NSNull, "\(reply.text)")
            #expect(json["messagesReceived"] as? Int == 0 && json["statesRecorded"] as? Int == 0)
            #expect((json["machines"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("With a bridge attached the status shows its connection, figures, problems, edge nodes and machines")
    func statusWithBoard() async throws {
        let at = Date(timeIntervalSince1970: 1_795_500_000)
        let board = MachineDataBoard()
        board.attach {
            var status = MachineDataStatus()
            var connection = MachineDataStatus.Connection(broker: "broker.plant:1883", clientID: "takt-1")
            connection.connected = true
            connection.connects = 3
            connection.disconnects = 2
            connection.subscriptions = ["spBv1.0/Plant1/#"]
            status.connection = connection
            status.messagesReceived = 42
            status.statesRecorded = 5
            status.refuse(
                .init(at: at, topic: "spBv1.0/Plant1/DDATA/Line1/Lathe1", field: "State", rule: "state-code", message: "code 9 is not mapped")
            )
            status.edgeNodes = [.init(group: "Plant1", edgeNode: "Line1", online: true, devices: ["Lathe1"], lastMessageAt: at, rebirthRequests: 1)]
            var machine = MachineDataStatus.Machine(workCenter: "WC-MILL-1")
            machine.signalledState = .running
            machine.rate = 110
            machine.idealRate = 120
            machine.lastSignalAt = at
            status.machines = [machine]
            return status
        }
        let engine = try await TestPlant.engine(demo: false, clock: TestClock().read)
        try await TestConnection.run(service: PlantService(engine: engine, machineData: board)) { c in
            let s = TestServer(connection: c, engine: engine, databasePath: ":memory:")
            let reply = try await s.send(.GET, "/api/v1/machine-data/status")
            #expect(reply.status == 200, "\(reply.text)")
            let status = try reply.decode(MachineDataStatus.self)
            #expect(status.connection?.broker == "broker.plant:1883" && status.connection?.connected == true && status.connection?.connects == 3)
            #expect(status.messagesReceived == 42 && status.messagesRefused == 1 && status.refusedByRule == ["state-code": 1])
            #expect(status.problems.first?.at == at && status.edgeNodes.first?.rebirthRequests == 1)
            #expect(status.machines.first?.workCenter == "WC-MILL-1" && status.machines.first?.rate == 110)
            // Dates as the API writes them everywhere: ISO 8601 in UTC.
            #expect(reply.text.contains("\"lastSignalAt\":\"\(TaktJSON.formatDate(at))\""), "\(reply.text)")
        }
    }

    @Test(
        "takt bridge's way in: over a live server it reads the mapping and submits as its user; a refusal keeps its field and rule; a wrong token or no server is 'unavailable' (held and retried), not a refusal"
    )
    func remotePlant() async throws {
        try await TestServer.run(transport: .live) { s in
            let tokens = try await OrchestrationAPITests.seed(s)
            let put = try await s.send(.PUT, "/api/v1/machine-data/mapping", token: tokens["supervisor"], body: Self.mapping)
            #expect(put.status == 200, "\(put.text)")
            let plant = try RemoteMachineDataPlant(server: s.baseURL, token: try #require(tokens["supervisor"]))
            #expect(try await plant.machineDataView().mapping.rules.count == 4)
            let types = try await plant.submitMachineData(.setMachineState(SetMachineState(workCenter: "WC-1", state: .running)))
            #expect(types.contains("machineStateChanged"), "\(types)")
            #expect(await s.engine.read { $0.machineStates["WC-1"]?.last?.state } == .running)

            do {
                _ = try await plant.submitMachineData(.recordMachineCount(RecordMachineCount(workCenter: "WC-GONE", count: 1)))
                Issue.record("a count for a work center that does not exist was accepted")
            } catch let refusal as DomainError {
                #expect(refusal.violations.first?.field == "workCenter", "\(refusal)")
            }

            let stranger = try RemoteMachineDataPlant(server: s.baseURL, token: "not-a-token-of-this-plant")
            do {
                _ = try await stranger.machineDataView()
                Issue.record("a wrong token was let in")
            } catch let unavailable as RemoteMachineDataPlant.Unavailable {
                #expect(unavailable.description.contains("401") && unavailable.description.contains("TAKT_TOKEN"), "\(unavailable)")
            }
            let nowhere = try RemoteMachineDataPlant(server: "http://127.0.0.1:1", token: "any")
            do {
                _ = try await nowhere.submitMachineData(.setMachineState(SetMachineState(workCenter: "WC-1", state: .idle)))
                Issue.record("a server that is not there answered")
            } catch let unavailable as RemoteMachineDataPlant.Unavailable {
                #expect(unavailable.description.hasPrefix("cannot reach the server at http://127.0.0.1:1"), "\(unavailable)")
            }
            #expect(throws: RemoteMachineDataPlant.SetupError.self) { try RemoteMachineDataPlant(server: "ftp://plant", token: "t") }
        }
    }

    @Test("A word outside a closed set is refused naming the field and the words allowed, not a Swift type")
    func unknownWords() async throws {
        try await TestServer.run { s in
            let tokens = try await OrchestrationAPITests.seed(s)
            let bad = #"{"rules":[{"source":{"topic":"plant/x","field":"state"},"workCenter":"WC-1","signal":"bogus"}]}"#
            let reply = try await s.send(.PUT, "/api/v1/machine-data/mapping", token: tokens["supervisor"], body: bad)
            #expect(reply.status == 400 || reply.status == 422, "\(reply.text)")
            let error = try #require((try reply.json()["errors"] as? [[String: Any]])?.first)
            #expect(error["field"] as? String == "rules[0].signal", "\(error)")
            let message = error["message"] as? String ?? ""
            #expect(message.contains("'bogus' is not one of state, good-count") && !message.contains("MachineSignalKind"), "\(message)")
        }
    }
}
