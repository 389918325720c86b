import ArgumentParser
import Foundation
import Logging
import TaktApp
import TaktBridge
import TaktCore
import TaktMQTT
import TaktMachineData

/// The MQTT options of `takt serve` and `takt bridge`.
struct MachineDataOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Take machine data from this MQTT broker (Sparkplug B and the mapping's JSON topics; docs/machine-data.md).",
            valueName: "host:port"
        )
    )
    var mqtt: String?
    @Option(help: "The bridge's MQTT client id (its persistent session at the broker).")
    var mqttClientId = "takt"
    @Option(help: "MQTT user name; the password is read from TAKT_MQTT_PASSWORD.")
    var mqttUsername: String?
    @Option(help: ArgumentHelp("TLS: the CA certificate that signs the broker's certificate (turns TLS on).", valueName: "file"))
    var mqttCaFile: String?
    @Option(help: ArgumentHelp("TLS: this client's certificate, when the broker asks for one.", valueName: "file"))
    var mqttCertFile: String?
    @Option(help: ArgumentHelp("TLS: this client's private key.", valueName: "file"))
    var mqttKeyFile: String?
    @Option(help: ArgumentHelp("Also subscribe to this topic filter, so topics no rule maps yet are listed (repeatable).", valueName: "filter"))
    var mqttSubscribe: [String] = []
    @Option(
        help: ArgumentHelp(
            "Act as the Sparkplug primary host application with this ID: spBv1.0/STATE/<id> says online while Takt listens.",
            valueName: "id"
        )
    )
    var sparkplugHostId: String?

    func validate() throws {
        if let mqtt { _ = try BrokerAddress(mqtt, option: "--mqtt") }
        if let id = sparkplugHostId, let problem = SparkplugTopic.hostIDProblem(id) { throw ValidationError("--sparkplug-host-id: \(problem)") }
        if sparkplugHostId != nil, mqtt == nil { throw ValidationError("--sparkplug-host-id needs --mqtt host:port") }
        if (mqttCertFile == nil) != (mqttKeyFile == nil) { throw ValidationError("--mqtt-cert-file and --mqtt-key-file go together") }
        if mqttClientId.isEmpty || mqttClientId.utf8.count > 65_535 { throw ValidationError("--mqtt-client-id must not be empty") }
        for filter in mqttSubscribe where filter.isEmpty || (filter.contains("#") && !filter.hasSuffix("#")) {
            throw ValidationError("--mqtt-subscribe: '\(filter)' is not a topic filter (# only at the end)")
        }
    }

    /// The broker's options; nil without --mqtt.
    func broker() throws -> MQTTOptions? {
        guard let mqtt else { return nil }
        let b = try BrokerAddress(mqtt, option: "--mqtt")
        return MQTTOptions(
            host: b.host,
            port: b.port,
            clientID: mqttClientId,
            username: mqttUsername,
            password: ProcessInfo.processInfo.environment["TAKT_MQTT_PASSWORD"],
            caFile: mqttCaFile,
            certFile: mqttCertFile,
            keyFile: mqttKeyFile
        )
    }
}

/// `takt bridge`: the machine-data bridge on its own (e.g. on an edge computer beside the broker), sending to a Takt
/// server over its API.
struct BridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bridge",
        abstract: "Run the machine-data bridge on its own: MQTT (Sparkplug B, JSON topics) → a Takt server's API (docs/machine-data.md).",
        discussion: "TAKT_TOKEN is the API token of the user it acts as (a supervisor: it sets machine states and records counts)."
    )

    nonisolated(unsafe) static var signalSources: [any DispatchSourceSignal] = []

    @Option(help: "The Takt server.")
    var server = "http://127.0.0.1:8080"
    @OptionGroup var machineData: MachineDataOptions
    @Option(help: "Seconds between two status lines in the log (0: none).")
    var statusEvery = 60

    func validate() throws {
        guard machineData.mqtt != nil else { throw ValidationError("give the broker: --mqtt host:port") }
        guard (0...86_400).contains(statusEvery) else { throw ValidationError("--status-every must be from 0 to 86400 seconds") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "takt.bridge")
        let plant = try RemoteMachineDataPlant(server: server, token: ProcessInfo.processInfo.environment["TAKT_TOKEN"] ?? "")
        guard let options = try machineData.broker() else { return }
        let bridge: MachineBridge
        do {
            bridge = try await MachineBridge.start(
                service: plant,
                options: options,
                subscribe: machineData.mqttSubscribe,
                sparkplugHostID: machineData.sparkplugHostId,
                logger: logger
            )
        } catch {
            throw CLIError("cannot start: \(error)")
        }
        defer { bridge.stop() }
        logger.info("machine data: \(options.host):\(options.port) → \(server)")
        let signals = AsyncStream<Int32> { continuation in
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .main)
                source.setEventHandler { continuation.yield(sig) }
                source.resume()
                Self.signalSources.append(source)  // kept for the life of the process
            }
        }
        let status = Task {
            while statusEvery > 0, !Task.isCancelled {
                try? await Task.sleep(for: .seconds(statusEvery))
                let s = bridge.status()
                let waiting = s.plantUnavailable.map { "; waiting for the server: \($0)" } ?? ""
                logger.info(
                    "machine data: \(s.connection?.connected == true ? "connected" : "not connected"), \(s.messagesReceived) messages, \(s.messagesRefused) refused, \(s.statesRecorded) states, \(s.countsRecorded) counts, \(s.commandsRefused) commands refused\(waiting)"
                )
            }
        }
        for await _ in signals { break }
        status.cancel()
        logger.info("stopping")
    }
}
