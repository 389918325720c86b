public import Foundation
public import Hummingbird
public import Logging
import NIOCore
public import ServiceLifecycle
public import TaktAgents
public import TaktBridge
import TaktCore
import TaktDemo
public import TaktEngine
public import TaktHTTP
public import TaktMQTT
import TaktMachineData
public import TaktOrchestrator
public import TaktService
import TaktStore
import TaktStoreSQLite
import TaktWeb
public import TaktWebhooks

/// How `takt serve` runs.
public struct ServerConfiguration: Sendable {
    public var databasePath: String
    public var host: String
    public var port: Int
    /// Generate the demo plant when the database is empty.
    public var demo: Bool
    public var seed: UInt64
    public var scale: Int
    /// The admin token to create on an empty database (`TAKT_BOOTSTRAP_TOKEN`); random when nil.
    public var bootstrapToken: String?
    /// For demos, training and tests: the plant's clock starts at this instant and runs on from there (`--clock-start`);
    /// nil is the wall clock.
    public var clockStart: Date?
    /// The web app's cookies carry `Secure` (browsers reach Takt over HTTPS; `--secure-cookies`).
    public var secureCookies: Bool
    /// How long the server waits for slow or silent clients (`--idle-timeout`, `--body-timeout`).
    public var timeouts: HTTPTimeouts
    /// Serve Prometheus metrics at `/metrics` (`--no-metrics` turns it off).
    public var metrics: Bool
    /// The bearer token a scrape of `/metrics` must carry (`TAKT_METRICS_TOKEN`); nil: none.
    public var metricsToken: String?
    /// Where OpenTelemetry traces go (`--otlp-endpoint`; the `OTEL_EXPORTER_OTLP_*` variables also turn them on); nil: nowhere.
    public var otlpEndpoint: String?
    /// Deliver webhooks (off with `--no-webhooks`: subscriptions are kept, nothing is sent).
    public var webhooks: Bool
    /// Webhooks may only name this machine (`--webhooks-loopback-only`: tests and demos).
    public var webhooksLoopbackOnly: Bool
    /// The language front door's model (`TAKT_LLM_URL`, docs/agents.md); nil: the offline parser answers alone.
    public var languageModel: (any ChatModel)?
    /// A folder watched for incoming documents (`--documents-folder`), scanned every `documentsInterval`; nil: none.
    public var documentsFolder: String?
    public var documentsInterval: Duration
    /// The machine-data bridge (`--mqtt`): the broker and what to subscribe to beyond Sparkplug and the mapping's topics;
    /// nil: no bridge.
    public var machineData: MachineDataConfiguration?

    public init(
        databasePath: String,
        host: String = "127.0.0.1",
        port: Int = 8080,
        demo: Bool = false,
        seed: UInt64 = 42,
        scale: Int = 1,
        bootstrapToken: String? = nil,
        clockStart: Date? = nil,
        secureCookies: Bool = false,
        timeouts: HTTPTimeouts = HTTPTimeouts(),
        metrics: Bool = true,
        metricsToken: String? = nil,
        otlpEndpoint: String? = nil,
        webhooks: Bool = true,
        webhooksLoopbackOnly: Bool = false,
        languageModel: (any ChatModel)? = nil,
        documentsFolder: String? = nil,
        documentsInterval: Duration = .seconds(5),
        machineData: MachineDataConfiguration? = nil
    ) {
        self.machineData = machineData
        self.languageModel = languageModel
        self.documentsFolder = documentsFolder
        self.documentsInterval = documentsInterval
        self.otlpEndpoint = otlpEndpoint
        self.timeouts = timeouts
        self.metrics = metrics
        self.metricsToken = metricsToken
        self.webhooks = webhooks
        self.webhooksLoopbackOnly = webhooksLoopbackOnly
        self.databasePath = databasePath
        self.host = host
        self.port = port
        self.demo = demo
        self.seed = seed
        self.scale = scale
        self.bootstrapToken = bootstrapToken
        self.clockStart = clockStart
        self.secureCookies = secureCookies
    }
}

/// How `takt serve` connects the shop floor's machines (docs/machine-data.md).
public struct MachineDataConfiguration: Sendable {
    public var broker: MQTTOptions
    /// More topic filters, so that topics no rule maps yet are counted and listed (e.g. `plant/#`).
    public var subscribe: [String]
    /// `--simulate`: an edge node of simulated machines publishes to the same broker (the plant's work centers, or
    /// `simulateWorkCenters` when given); an empty mapping is set to read it.
    public var simulate: Bool
    public var simulateSeed: UInt64
    /// `--sparkplug-host-id`: the bridge acts as the Sparkplug primary host application with this ID.
    public var sparkplugHostID: String?
    public init(
        broker: MQTTOptions,
        subscribe: [String] = [],
        simulate: Bool = false,
        simulateSeed: UInt64 = 1,
        sparkplugHostID: String? = nil
    ) {
        self.broker = broker
        self.subscribe = subscribe
        self.sparkplugHostID = sparkplugHostID
        self.simulate = simulate
        self.simulateSeed = simulateSeed
    }
}

/// What start-up did to an empty database, for the operator to read once.
public struct StartupReport: Sendable {
    /// The admin token secret, when a random one was generated (it is also written to `tokenFile`).
    public var generatedAdminToken: String?
    public var tokenFile: String?
    public var createdAdmin: Bool
    public var demoCommands: Int
}

/// The composition root: the only place that knows the concrete store, engine and HTTP types.
public enum TaktApplication {
    public static let version = "0.1.0"

    /// Opens the SQLite store and the engine on it.
    public static func openEngine(
        databasePath: String,
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() },
        metrics: ServerMetrics? = nil
    ) async throws -> Engine {
        let store = try SQLiteEventStore(path: databasePath)
        return try await Engine.open(store: store, now: now, logger: logger, metrics: metrics?.factory)
    }

    /// First-start duties: the admin user and token on an empty database, then the demo plant if asked.
    public static func prepare(engine: Engine, configuration c: ServerConfiguration, now: Date = Date(), logger: Logger) async throws -> StartupReport
    {
        let wasEmpty = await engine.committedSequence == 0
        var report = StartupReport(createdAdmin: false, demoCommands: 0)
        if let secret = try await engine.bootstrapAdminIfEmpty(token: c.bootstrapToken) {
            report.createdAdmin = true
            if c.bootstrapToken == nil {
                report.generatedAdminToken = secret
                let file = c.databasePath + ".admin-token"
                try writeOwnerOnly(secret + "\n", to: file)
                report.tokenFile = file
            }
        }
        if c.demo {
            if wasEmpty {
                report.demoCommands = try await seedDemo(engine: engine, seed: c.seed, scale: c.scale, now: now, logger: logger)
            } else {
                logger.notice("the database already holds a plant; --demo generates one only on an empty database")
            }
        }
        return report
    }

    /// Generates the demo plant into the engine, as the system actor, in large batches.
    public static func seedDemo(engine: Engine, seed: UInt64, scale: Int, now: Date, logger: Logger) async throws -> Int {
        let start = Calendar.utc.startOfDay(for: now)
        let commands = DemoPlant.commands(seed: seed, scale: scale, start: start)
        var index = 0
        while index < commands.count {
            let chunk = commands[index..<min(commands.count, index + 5_000)]
            let results = await engine.submitBatch(chunk.map { CommandEnvelope(command: $0, actor: .system, correlationID: "demo-plant") })
            for (offset, result) in results.enumerated() {
                if case .failure(let error) = result {
                    throw DemoSeedError(
                        message: "demo command \(index + offset) (\(chunk[chunk.startIndex + offset].typeName)) was rejected: \(error)"
                    )
                }
            }
            index += chunk.count
        }
        logger.info("generated the demo plant", metadata: ["commands": "\(commands.count)", "seed": "\(seed)", "scale": "\(scale)"])
        return commands.count
    }

    /// Builds the HTTP application on an engine; with `orchestrate` (as `takt serve` does), the orchestrator follows the log
    /// beside it, and with `webhooks` the webhook deliverer too: all run, and stop gracefully, in the application's service
    /// group. `webhookTargets` is the policy the API and the web app apply to subscriptions' URLs. With `metrics`, the API
    /// and the orchestrator record into it and `/metrics` serves it (the engine records into it when opened with it).
    public static func makeApplication(
        engine: Engine,
        host: String,
        port: Int,
        logger: Logger,
        orchestrate: Bool = false,
        secureCookies: Bool = false,
        timeouts: HTTPTimeouts = HTTPTimeouts(),
        metrics: ServerMetrics? = nil,
        databasePath: String? = nil,
        traceExport: (any Service)? = nil,
        webhooks: WebhookDeliverer.Options? = nil,
        webhookTargets: WebhookTargetPolicy = .any,
        languageModel: (any ChatModel)? = nil,
        documents: DocumentFolder? = nil,
        documentsInterval: Duration = .seconds(5),
        machineData: MachineDataBoard = MachineDataBoard(),
        simulation: MachineSimulation? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var orchestratorLogger = logger
        orchestratorLogger[metadataKey: "service"] = "orchestrator"
        let orchestrators = orchestrate ? Orchestrator.lanes(engine: engine, logger: orchestratorLogger, metrics: metrics?.factory) : []
        let router = Self.router(
            service: PlantService(engine: engine, webhookTargets: webhookTargets, machineData: machineData),
            logger: logger,
            secureCookies: secureCookies,
            timeouts: timeouts,
            metrics: metrics,
            tracing: traceExport != nil,
            languageModel: languageModel
        )
        metrics?.addRoute(to: router, engine: engine, orchestrators: orchestrators, databasePath: databasePath)
        var app = Application(
            router: router,
            server: .http1(configuration: .init(idleTimeout: TimeAmount(timeouts.idle))),
            configuration: .init(address: .hostname(host, port: port), serverName: "takt/\(version)"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
        for lane in orchestrators { app.addServices(OrchestratorService(orchestrator: lane)) }
        if let webhooks {
            var webhookLogger = logger
            webhookLogger[metadataKey: "service"] = "webhooks"
            app.addServices(WebhookService(engine: engine, options: webhooks, logger: webhookLogger))
        }
        if let traceExport { app.addServices(traceExport) }
        if let documents { app.addServices(DocumentFolderService(folder: documents, interval: documentsInterval)) }
        if let simulation { app.addServices(MachineSimulationService(simulation: simulation)) }
        return app
    }

    /// The API's routes and the web app's beside them, over `service` (the engine's, or a test's double).
    public static func router(
        service: any PlantServing,
        logger: Logger,
        secureCookies: Bool = false,
        timeouts: HTTPTimeouts = HTTPTimeouts(),
        metrics: ServerMetrics? = nil,
        tracing: Bool = false,
        languageModel: (any ChatModel)? = nil
    )
        -> Router<TaktContext>
    {
        let router = TaktAPI(
            service: service,
            logger: logger,
            version: version,
            bodyTimeout: timeouts.body,
            metrics: metrics?.factory,
            tracing: tracing,
            languageModel: languageModel
        )
        .router()
        // The web app beside the API, same server.
        TaktWeb(service: service, logger: logger, secureCookies: secureCookies, languageModel: languageModel).addRoutes(to: router)
        MCPRoute.add(to: router, service: service, logger: logger)  // AI agents: the MCP server (docs/agents.md)
        return router
    }

    /// Runs the server until SIGTERM or SIGINT, then stops gracefully and saves a snapshot.
    public static func serve(_ c: ServerConfiguration, logger: Logger, announce: @escaping @Sendable (String) -> Void) async throws {
        // One server per database: console commands that write (takt admin issue-token) check this lock.
        guard let lock = try DatabaseLock(database: c.databasePath) else {
            throw ConsoleError(message: "another takt process holds \(c.databasePath) (lock \(c.databasePath).lock): stop it first")
        }
        let metrics = c.metrics ? ServerMetrics(token: c.metricsToken) : nil
        if c.metrics, c.metricsToken?.isEmpty == true {
            logger.warning("TAKT_METRICS_TOKEN is set but empty: /metrics is served without a token")
        }
        let traceExport =
            try TraceExport.isConfigured(endpoint: c.otlpEndpoint) ? TraceExport.bootstrap(endpoint: c.otlpEndpoint, logger: logger) : nil
        let engine = try await openEngine(databasePath: c.databasePath, logger: logger, now: clock(startingAt: c.clockStart), metrics: metrics)
        let report = try await prepare(engine: engine, configuration: c, now: engine.now(), logger: logger)
        if let secret = report.generatedAdminToken, let file = report.tokenFile {
            announce("Created user 'admin'. Its API token (shown once; also in \(file), readable only by you):\n  \(secret)")
        } else if report.createdAdmin {
            announce("Created user 'admin' with the token from TAKT_BOOTSTRAP_TOKEN.")
        }
        if report.demoCommands > 0 { announce("Generated the demo plant (\(report.demoCommands) commands).") }
        let host = c.host
        var documents: DocumentFolder?
        if let path = c.documentsFolder {
            let folder = DocumentFolder(root: URL(fileURLWithPath: path), service: PlantService(engine: engine))
            try folder.prepare()
            documents = folder
            announce("Watching \(path) for documents (certificate-of-analysis/, delivery-note/, customer-order/)")
        }
        let board = MachineDataBoard()
        var bridge: MachineBridge?
        var simulation: MachineSimulation?
        if let m = c.machineData {
            let service = PlantService(engine: engine, machineData: board)
            if m.simulate {
                let sim = try await startSimulation(engine: engine, service: service, configuration: m)
                simulation = sim
                announce(
                    "Simulating \(await engine.read { $0.workCenters.count }) machines as Sparkplug edge node Takt/Simulated on \(m.broker.host):\(m.broker.port)"
                )
            }
            var bridgeLogger = logger
            bridgeLogger[metadataKey: "service"] = "machine-data"
            bridge = try await MachineBridge.start(
                service: service,
                options: m.broker,
                subscribe: m.subscribe,
                sparkplugHostID: m.sparkplugHostID,
                logger: bridgeLogger
            )
            announce("Machine data: MQTT bridge to \(m.broker.host):\(m.broker.port) as client \(m.broker.clientID) (status at /machine-data)")
        }
        defer {
            bridge?.stop()
            simulation?.stop()
        }
        let app = makeApplication(
            engine: engine,
            host: c.host,
            port: c.port,
            logger: logger,
            orchestrate: true,
            secureCookies: c.secureCookies,
            timeouts: c.timeouts,
            metrics: metrics,
            databasePath: c.databasePath,
            traceExport: traceExport,
            webhooks: c.webhooks ? WebhookDeliverer.Options(loopbackOnly: c.webhooksLoopbackOnly, metrics: metrics?.factory) : nil,
            webhookTargets: c.webhooksLoopbackOnly ? .loopbackOnly : .any,
            languageModel: c.languageModel,
            documents: documents,
            documentsInterval: c.documentsInterval,
            machineData: board,
            simulation: simulation
        ) { port in
            announce("Takt is listening on http://\(host):\(port)")
        }
        try await app.runService()  // graceful shutdown on SIGTERM and SIGINT
        await engine.saveSnapshot()
        if let store = await engine.store as? SQLiteEventStore {
            do { try await store.checkpoint(at: engine.now()) } catch { logger.error("the closing audit checkpoint failed: \(error)") }
        }
        withExtendedLifetime(lock) {}
        logger.info("stopped; snapshot and audit checkpoint saved")
    }

    /// Where the benchmarks' plant clock starts unless told otherwise: Wednesday 25 November 2026, 07:00 in the demo plant,
    /// so that runs on any day and at any hour see the same shifts and the same work (`--clock-start now`: the wall clock).
    public static let benchmarkClockStart: Date? = Date(timeIntervalSince1970: 1_795_586_400)

    /// The wall clock, or a clock that reads `start` now and runs on at the wall clock's pace.
    public static func clock(startingAt start: Date?) -> @Sendable () -> Date {
        guard let start else { return { Date() } }
        let began = ContinuousClock.now
        return {
            let elapsed = ContinuousClock.now - began
            return start.addingTimeInterval(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
    }

    static func writeOwnerOnly(_ text: String, to path: String) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) { try fm.removeItem(atPath: path) }
        guard fm.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw DemoSeedError(message: "cannot write the admin token file \(path)")
        }
    }
}

/// The watched documents folder as a service of the application's group: it scans until graceful shutdown.
public struct DocumentFolderService: Service {
    public let folder: DocumentFolder
    public let interval: Duration
    public init(folder: DocumentFolder, interval: Duration) {
        self.folder = folder
        self.interval = interval
    }
    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            await folder.run(every: interval) { try await Task.sleep(for: $0) }
        }
    }
}

/// The orchestrator as a service of the application's group: it stops following the log on graceful shutdown.
/// `takt serve --simulate`: the simulated machines step every second until the server stops.
public struct MachineSimulationService: Service {
    let simulation: MachineSimulation
    public init(simulation: MachineSimulation) { self.simulation = simulation }
    public func run() async throws {
        await cancelWhenGracefulShutdown { await simulation.run(every: .seconds(1)) }
    }
}

extension TaktApplication {
    /// Starts the simulated edge node for the plant's active work centers; sets the mapping that reads it when the plant
    /// has none.
    static func startSimulation(engine: Engine, service: PlantService, configuration m: MachineDataConfiguration) async throws -> MachineSimulation {
        let workCenters = await engine.read { s in s.workCenters.values.filter(\.active).map(\.id).sorted() }
        let simulator = MachineSimulator(edgeNode: "Simulated", workCenters: workCenters, seed: m.simulateSeed)
        if await engine.read({ $0.machineSignalMapping.rules.isEmpty }) {
            _ = try await service.submit(CommandEnvelope(command: .defineMachineSignalMapping(simulator.mapping), actor: .system))
        }
        var options = m.broker
        options.clientID = m.broker.clientID + "-simulator"
        let simulation = try MachineSimulation(simulator: simulator, options: options, now: engine.now)
        try simulation.start()
        return simulation
    }
}

public struct OrchestratorService: Service {
    public let orchestrator: Orchestrator
    public init(orchestrator: Orchestrator) { self.orchestrator = orchestrator }
    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            await orchestrator.run()
        }
    }
}

/// The webhook deliverer as a service of the application's group, with its HTTP client: it stops on graceful shutdown,
/// then closes the client's connections.
public struct WebhookService: Service {
    public let engine: Engine
    public let options: WebhookDeliverer.Options
    public let logger: Logger
    public init(engine: Engine, options: WebhookDeliverer.Options, logger: Logger) {
        self.engine = engine
        self.options = options
        self.logger = logger
    }
    public func run() async throws {
        let transport = HTTPClientTransport()
        let deliverer = WebhookDeliverer(engine: engine, transport: transport, options: options, logger: logger)
        try await cancelWhenGracefulShutdown {
            await deliverer.run()
        }
        await transport.shutdown()
    }
}

struct DemoSeedError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

extension Calendar {
    static var utc: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(secondsFromGMT: 0) ?? .gmt
        return c
    }
}
