import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktService
import TaktTestSupport
import Testing

/// The machine-data page: the MQTT bridge's status (or the words that none runs), the machines' signals beside their
/// recorded states, and the mapping, which supervisors change rule by rule through the same command as the API.
@Suite("Machine data in the web app")
struct MachineDataPageTests {
    /// The web app over the demo plant with `board` as the bridge's status.
    static func run(board: MachineDataBoard, _ body: @Sendable (WebServer) async throws -> Void) async throws {
        let engine = try await TestPlant.engine(clock: TestClock(WebServer.morning).read)
        try await TestConnection.run(service: PlantService(engine: engine, machineData: board)) { c in
            try await body(WebServer(connection: c, engine: engine))
        }
    }

    @Test("Without a bridge the page says how to start one; the nav links it; an empty mapping says so")
    func withoutBridge() async throws {
        try await WebServer.run { s in
            let admin = try await s.signIn(WebServer.adminToken)
            let page = try await s.send(.GET, "/machine-data", cookie: admin)
            #expect(page.status == 200, "\(page.text.prefix(500))")
            #expect(page.text.contains("<h1>Machine data</h1>"))
            #expect(page.text.contains("No MQTT bridge is running: start takt serve with --mqtt HOST:PORT (docs/machine-data.md)."))
            #expect(page.text.contains("href=\"/machine-data\""), "the nav links the page")
            #expect(page.text.contains("data-refresh=\"5\""), "the page refreshes itself")
            #expect(page.text.contains("No rules:"))
            #expect(page.text.contains("id=\"add-rule\""), "the admin may add a rule")
            #expect(try await s.send(.GET, "/static/takt.js").text.contains("data-refresh"))
        }
    }

    @Test("With a bridge attached the page shows its connection, machines with rate against ideal, counts, problems, unmapped and edge nodes")
    func withBoard() async throws {
        let at = WebServer.morning.addingTimeInterval(-90)
        let board = MachineDataBoard()
        board.attach {
            var status = MachineDataStatus()
            var connection = MachineDataStatus.Connection(broker: "broker.plant:1883", clientID: "takt-plant")
            connection.connected = true
            connection.connects = 3
            connection.disconnects = 2
            connection.lastError = "connection lost"
            connection.subscriptions = ["spBv1.0/Plant1/#"]
            status.connection = connection
            status.messagesReceived = 4_321
            status.signalsMapped = 4_000
            status.statesRecorded = 17
            status.countsRecorded = 250
            status.productionReported = 240
            status.countsWithoutOperation = 10
            status.commandsRefused = 1
            status.refuse(
                .init(at: at, topic: "spBv1.0/Plant1/DDATA/Line1/Mill1", field: "State", rule: "state-code", message: "code 9 is not mapped")
            )
            status.unmappedSeen("Plant1/Line1/Mill1: Spindle/Temp", at: at)
            status.edgeNodes = [.init(group: "Plant1", edgeNode: "Line1", online: true, devices: ["Mill1"], lastMessageAt: at, rebirthRequests: 2)]
            var machine = MachineDataStatus.Machine(workCenter: "WC-MILL-1")
            machine.signalledState = .slow
            machine.rate = 90
            machine.idealRate = 120
            machine.goodCounter = 1_204
            machine.scrapCounter = 17
            machine.lastSignalAt = at
            machine.signalsTrusted = false
            status.machines = [machine]
            return status
        }
        try await Self.run(board: board) { s in
            _ = try await s.engine.submit(
                CommandEnvelope(
                    command: .setMachineState(SetMachineState(workCenter: "WC-MILL-1", state: .down, reason: "spindle failure")),
                    actor: .system
                )
            )
            let supervisor = try await s.signIn(try await s.issueToken(for: "supervisor"))
            let page = try await s.send(.GET, "/machine-data", cookie: supervisor)
            #expect(page.status == 200, "\(page.text.prefix(500))")
            let text = page.text
            for expected in [
                "connected", "broker.plant:1883", "takt-plant", "3 connects", "2 disconnects", "connection lost", "spBv1.0/Plant1/#",
                "WC-MILL-1", "90 / 120 /h (75 %)", "1204", "not trusted", "spindle failure", "4321", "state-code: 1", "17", "240",
                "code 9 is not mapped", "spBv1.0/Plant1/DDATA/Line1/Mill1", "Plant1/Line1/Mill1: Spindle/Temp", "online", "Mill1",
            ] {
                #expect(text.contains(expected), "the page lacks \(expected)")
            }
            #expect(!text.contains("No MQTT bridge is running"))
            // The last signal in the plant's time zone, as the other pages write dates.
            let zone = await s.engine.read { $0.plantTimeZone }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_GB")
            formatter.timeZone = zone
            formatter.dateFormat = "EEE d MMM HH:mm"
            #expect(text.contains(formatter.string(from: at)), "the signal's time in the plant's zone")
        }
    }

    @Test("A supervisor adds rules and deletes one; the mapping recorded is the whole new one; the debounce is set")
    func supervisorEditsMapping() async throws {
        try await WebServer.run { s in
            let supervisor = try await s.signIn(try await s.issueToken(for: "supervisor"))
            _ = try await s.send(.GET, "/machine-data", cookie: supervisor)
            let added = try await s.send(
                .POST,
                "/machine-data/rules",
                cookie: supervisor,
                form: [
                    ("form", "add-rule"), ("kind", "sparkplug"), ("group", "Plant1"), ("edgeNode", "Line1"), ("device", "Mill1"),
                    ("metric", "State"), ("workCenter", "WC-MILL-1"), ("signal", "state"), ("stateCodes", "0=idle, 1=running,3=down"),
                    ("reasons", "3=Spindle drive fault; 4 = Door open, interlock"),
                ]
            )
            #expect(added.status == 303 && added.location == "/machine-data#mapping", "\(added.text)")
            let rate = try await s.send(
                .POST,
                "/machine-data/rules",
                cookie: supervisor,
                form: [
                    ("form", "add-rule"), ("kind", "sparkplug"), ("group", "Plant1"), ("edgeNode", "Line1"), ("device", "Mill1"),
                    ("metric", "Rate"), ("workCenter", "WC-MILL-1"), ("signal", "rate"), ("factor", "60"), ("idealRate", "120"),
                    ("slowBelow", "0.8"),
                ]
            )
            #expect(rate.status == 303)
            let count = try await s.send(
                .POST,
                "/machine-data/rules",
                cookie: supervisor,
                form: [
                    ("form", "add-rule"), ("kind", "json"), ("topic", "plant1/mill1/counts"), ("field", "good"), ("workCenter", "WC-MILL-1"),
                    ("signal", "good-count"), ("reportProduction", "on"),
                ]
            )
            #expect(count.status == 303)
            var mapping = await s.engine.read { $0.machineSignalMapping }
            #expect(mapping.rules.count == 3)
            #expect(mapping.rules[0].stateCodes == ["0": .idle, "1": .running, "3": .down])
            #expect(mapping.rules[0].reasons == ["3": "Spindle drive fault", "4": "Door open, interlock"], "words may hold commas")
            #expect(mapping.rules[1].factor == 60 && mapping.rules[1].idealRate == 120 && mapping.rules[1].slowBelow == 0.8)
            #expect(mapping.rules[2].source == .json(topic: "plant1/mill1/counts", field: "good") && mapping.rules[2].reportProduction == true)
            let page = try await s.send(.GET, "/machine-data", cookie: supervisor)
            #expect(page.text.contains("Rule added"))
            #expect(page.text.contains("0=idle,1=running,3=down") && page.text.contains("ideal 120 /h") && page.text.contains("reports production"))
            #expect(page.text.contains("id=\"delete-rule-1\""))

            // Deleting names the rule it saw: a stale page cannot delete another rule.
            let stale = try await s.send(.POST, "/machine-data/rules/1/delete", cookie: supervisor, form: [("source", "Plant1/Line1/Mill1: State")])
            #expect(stale.status == 303)
            #expect(await s.engine.read { $0.machineSignalMapping.rules.count } == 3)
            let deleted = try await s.send(.POST, "/machine-data/rules/1/delete", cookie: supervisor, form: [("source", "Plant1/Line1/Mill1: Rate")])
            #expect(deleted.status == 303)
            mapping = await s.engine.read { $0.machineSignalMapping }
            #expect(mapping.rules.map(\.source.metric) == ["State", nil])

            let debounce = try await s.send(
                .POST,
                "/machine-data/debounce",
                cookie: supervisor,
                form: [("form", "debounce"), ("debounceSeconds", "2.5")]
            )
            #expect(debounce.status == 303)
            #expect(await s.engine.read { $0.machineSignalMapping.debounceSeconds } == 2.5)
            // The whole mapping each time: the first rule and the last are still there.
            #expect(await s.engine.read { $0.machineSignalMapping.rules.count } == 2)
        }
    }

    @Test("Bad state codes, a rate without its ideal and a duplicate source are refused naming the field and the rule; what was typed stays")
    func refusals() async throws {
        try await WebServer.run { s in
            let supervisor = try await s.signIn(try await s.issueToken(for: "supervisor"))
            _ = try await s.send(.GET, "/machine-data", cookie: supervisor)
            let state: [(String, String)] = [
                ("form", "add-rule"), ("kind", "sparkplug"), ("group", "Plant1"), ("edgeNode", "Line1"), ("device", "Mill1"),
                ("metric", "State"), ("workCenter", "WC-MILL-1"), ("signal", "state"),
            ]
            let bad = try await s.send(.POST, "/machine-data/rules", cookie: supervisor, form: state + [("stateCodes", "0=idle,1=sprinting")])
            #expect(bad.status == 303)
            let shown = try await s.send(.GET, "/machine-data", cookie: supervisor)
            #expect(shown.text.contains("flash error"))
            #expect(shown.text.contains("id=\"add-rule-stateCodes-error\""), "the words beside the field")
            #expect(shown.text.contains("&#39;sprinting&#39; is not a machine state") || shown.text.contains("'sprinting' is not a machine state"))
            #expect(shown.text.contains("value=\"0=idle,1=sprinting\""), "what was typed stays in the form")
            #expect(await s.engine.read { $0.machineSignalMapping.rules.isEmpty })
            let reasonsTwice = try await s.send(
                .POST,
                "/machine-data/rules",
                cookie: supervisor,
                form: state + [("reasons", "3=Fault; 3=Other fault")]
            )
            #expect(reasonsTwice.status == 303)
            let shownTwice = try await s.send(.GET, "/machine-data", cookie: supervisor)
            #expect(shownTwice.text.contains("id=\"add-rule-reasons-error\"") && shownTwice.text.contains("is given twice"))
            #expect(await s.engine.read { $0.machineSignalMapping.rules.isEmpty })

            // The plant's own refusal: a rate needs its ideal; said with the rule's number and field, beside the form's field.
            let rate = try await s.send(
                .POST,
                "/machine-data/rules",
                cookie: supervisor,
                form: [
                    ("form", "add-rule"), ("kind", "sparkplug"), ("group", "Plant1"), ("edgeNode", "Line1"), ("metric", "Rate"),
                    ("workCenter", "WC-MILL-1"), ("signal", "rate"),
                ]
            )
            #expect(rate.status == 303)
            let refused = try await s.send(.GET, "/machine-data", cookie: supervisor)
            #expect(refused.text.contains("rule 1 (Plant1/Line1: Rate), idealRate (required)"), "\(refused.text.prefix(3000))")
            #expect(refused.text.contains("id=\"add-rule-idealRate-error\""))

            _ = try await s.send(.POST, "/machine-data/rules", cookie: supervisor, form: state)
            _ = try await s.send(.GET, "/machine-data", cookie: supervisor)
            _ = try await s.send(.POST, "/machine-data/rules", cookie: supervisor, form: state)
            let twice = try await s.send(.GET, "/machine-data", cookie: supervisor)
            #expect(twice.text.contains("rule 2 (Plant1/Line1/Mill1: State), source (unique)"), "\(twice.text.prefix(3000))")
            #expect(await s.engine.read { $0.machineSignalMapping.rules.count } == 1)
        }
    }

    @Test("An operator sees the page without the forms, and a post of theirs is refused with nothing changed")
    func operatorRefused() async throws {
        try await WebServer.run { s in
            let anna = try await s.signIn(try await s.issueToken(for: "op-anna"))
            let page = try await s.send(.GET, "/machine-data", cookie: anna)
            #expect(page.status == 200)
            #expect(!page.text.contains("id=\"add-rule\"") && !page.text.contains("id=\"debounce-form\""))
            let posted = try await s.send(
                .POST,
                "/machine-data/rules",
                cookie: anna,
                form: [
                    ("form", "add-rule"), ("kind", "json"), ("topic", "t"), ("field", "f"), ("workCenter", "WC-MILL-1"), ("signal", "good-count"),
                ]
            )
            #expect(posted.status == 303)
            let after = try await s.send(.GET, "/machine-data", cookie: anna)
            #expect(after.text.contains("flash error") && after.text.contains("supervisor"), "\(after.text.prefix(2000))")
            #expect(await s.engine.read { $0.machineSignalMapping.rules.isEmpty })
            // Sales may not see the page at all.
            _ = try await s.engine.submit(CommandEnvelope(command: .createUser(User(id: "sam", name: "Sam", roles: [.sales])), actor: .system))
            let sam = try await s.signIn(try await s.issueToken(for: "sam"))
            #expect(try await s.send(.GET, "/machine-data", cookie: sam).status == 403)
        }
    }
}
