import ArgumentParser
import Foundation
import TaktBridge
import TaktCore
import TaktDemo
import TaktMQTT
import TaktMachineData

/// `takt simulate machines`: an edge node of simulated machines publishing Sparkplug B to a broker.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate the shop floor for demos and tests.",
        subcommands: [SimulateMachines.self]
    )
}

struct SimulateMachines: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "machines",
        abstract: "Publish Sparkplug B traffic of simulated machines to an MQTT broker: running, micro-stops, a slowdown and a breakdown "
            + "every 10 minutes (docs/machine-data.md).",
        discussion: """
            The edge node is spBv1.0/GROUP/…/EDGE-NODE; each work center is a device with the metrics State (0 idle, 1 running, \
            2 setup, 3 down), Good Count, Scrap Count (counters) and Rate (parts an hour). It answers a rebirth request and \
            registers its NDEATH as the last will. --print-mapping prints the mapping that reads it, for \
            PUT /api/v1/machine-data/mapping.
            """
    )

    @Option(help: ArgumentHelp("The MQTT broker.", valueName: "host:port"))
    var mqtt = "127.0.0.1:1883"
    @Option(help: "The MQTT client id.")
    var clientId = "takt-simulator"
    @Option(help: "The Sparkplug group.")
    var group = "Takt"
    @Option(help: "The Sparkplug edge node.")
    var edgeNode = "Simulated"
    @Option(
        help: ArgumentHelp("The work centers to simulate, comma-separated (default: the demo plant's at --demo-seed/--demo-scale).", valueName: "ids")
    )
    var workCenters: String?
    @Option(help: "The demo plant's seed (for its work centers).")
    var demoSeed: UInt64 = 42
    @Option(help: "The demo plant's scale (for its work centers).")
    var demoScale = 1
    @Option(help: "The simulation's seed.")
    var seed: UInt64 = 1
    @Option(help: "Seconds between two steps.")
    var interval = 1.0
    @Option(help: "Stop after this many seconds (0: run until interrupted).")
    var duration = 0.0
    @Option(help: "Parts an hour each machine makes at full speed.")
    var idealRate = 60.0
    @Flag(help: "Print the mapping that reads this traffic (JSON) and exit.")
    var printMapping = false

    func validate() throws {
        _ = try BrokerAddress(mqtt, option: "--mqtt")
        guard interval >= 0.05, interval <= 3600 else { throw ValidationError("--interval must be from 0.05 to 3600 seconds (got \(interval))") }
        guard duration >= 0 else { throw ValidationError("--duration must be 0 or more seconds (got \(duration))") }
        guard idealRate > 0, idealRate.isFinite else { throw ValidationError("--ideal-rate must be a positive number (got \(idealRate))") }
        guard (1...1000).contains(demoScale) else { throw ValidationError("--demo-scale must be from 1 to 1000 (got \(demoScale))") }
        for (name, value) in [("--group", group), ("--edge-node", edgeNode)] where value.isEmpty || value.contains(where: { "/+#".contains($0) }) {
            throw ValidationError("\(name) must be one topic level, without /, + or # (got '\(value)')")
        }
    }

    func ids() -> [WorkCenter.ID] {
        if let workCenters {
            return workCenters.split(separator: ",").map { WorkCenter.ID(rawValue: $0.trimmingCharacters(in: .whitespaces)) }.filter {
                !$0.rawValue.isEmpty
            }
        }
        let commands = DemoPlant.commands(seed: demoSeed, scale: demoScale, start: Date())
        return commands.compactMap { if case .defineWorkCenter(let wc) = $0, wc.active { wc.id } else { nil } }
    }

    func run() async throws {
        let ids = ids()
        guard !ids.isEmpty else { throw CLIError("no work centers to simulate") }
        let simulator = MachineSimulator(group: group, edgeNode: edgeNode, workCenters: ids, seed: seed, idealRate: idealRate)
        if printMapping {
            print(String(decoding: try TaktJSON.encoder.encode(simulator.mapping), as: UTF8.self))
            return
        }
        let address = try BrokerAddress(mqtt, option: "--mqtt")
        let simulation = try MachineSimulation(
            simulator: simulator,
            options: MQTTOptions(host: address.host, port: address.port, clientID: clientId),
            now: { Date() }
        )
        try simulation.start()
        let progress = Progress()
        FileHandle.standardError.write(Data("Simulating \(ids.count) machines as spBv1.0/\(group)/…/\(edgeNode) on \(mqtt)\n".utf8))
        let started = Date()
        let nanos = UInt64(interval * 1e9)
        while duration == 0 || Date().timeIntervalSince(started) < duration {
            simulation.step(elapsed: interval)
            progress.say("\(simulation.isConnected ? "connected" : "connecting…") · \(simulation.messagesPublished) messages published")
            try await Task.sleep(nanoseconds: nanos)
        }
        progress.done()
        simulation.stop()
        print("published \(simulation.messagesPublished) messages in \(Int(Date().timeIntervalSince(started))) s")
    }
}
