// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "takt",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "takt", targets: ["takt"]),
        .library(name: "TaktCore", targets: ["TaktCore"]),
        .library(name: "TaktScheduling", targets: ["TaktScheduling"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.3.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),  // webhooks (TaktWebhooks) and tests
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),  // CSV import and export (TaktExchange)
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),  // counters and timers (engine, API, orchestrator)
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),  // /metrics (TaktApp)
        // OpenTelemetry traces over OTLP/HTTP when an endpoint is configured (TaktApp); gRPC's trait left off.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/CoreOffice/XMLCoder.git", from: "0.18.2"),  // ISA-95 / B2MML messages (TaktB2MML)
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),  // the MCP server (TaktMCP)
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),  // Sparkplug B payloads (TaktMachineData)
    ],
    targets: [
        // MARK: - Pure core (Foundation only, no I/O)
        .target(name: "TaktCore", swiftSettings: swiftSettings),
        // Machine data: Sparkplug B decoding and sessions, pure (the MQTT bridge is I/O at the edge).
        .target(
            name: "TaktMachineData",
            dependencies: ["TaktCore", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Generated/sparkplug_b.proto", "Generated/README.md"],
            swiftSettings: swiftSettings
        ),
        .target(name: "TaktScheduling", swiftSettings: swiftSettings),
        // The Eclipse Mosquitto client library (Debian: libmosquitto-dev) and Takt's MQTT client over it.
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .target(name: "TaktMQTT", dependencies: ["CMosquitto"], swiftSettings: swiftSettings),
        .target(name: "TaktDemo", dependencies: ["TaktCore"], swiftSettings: swiftSettings),
        .target(name: "TaktPlanning", dependencies: ["TaktCore", "TaktScheduling"], swiftSettings: swiftSettings),
        // Impact analysis, next-best actions, playbooks, outcome requests: pure, on top of planning.
        .target(name: "TaktOrchestration", dependencies: ["TaktCore", "TaktScheduling", "TaktPlanning"], swiftSettings: swiftSettings),

        // CSV import and export: rows <-> commands, rows <- plant state (pure).
        .target(name: "TaktExchange", dependencies: ["TaktCore", .product(name: "CSV", package: "CSV.swift")], swiftSettings: swiftSettings),

        // ISA-95 / B2MML V0701 messages: XML <-> the CSV import's rows, plant state -> performance and lot messages (pure).
        .target(
            name: "TaktB2MML",
            dependencies: ["TaktCore", "TaktExchange", .product(name: "XMLCoder", package: "XMLCoder")],
            swiftSettings: swiftSettings
        ),

        // MARK: - Storage: interface, then implementations
        .target(name: "TaktStore", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
        .target(
            name: "TaktStoreSQLite",
            dependencies: ["TaktStore", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),

        // MARK: - Engine: command handling, projection, subscriptions, identity
        .target(
            name: "TaktEngine",
            dependencies: [
                "TaktCore", "TaktStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),  // scrypt for passwords
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - The orchestrator: follows the log, raises exceptions, carries out approved actions
        .target(
            name: "TaktOrchestrator",
            dependencies: [
                "TaktCore", "TaktStore", "TaktEngine", "TaktOrchestration", .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Webhooks: follows the log and delivers signed events (the only target that links an HTTP client)
        .target(
            name: "TaktWebhooks",
            dependencies: [
                "TaktCore", "TaktStore", "TaktEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),  // HMAC-SHA256 signatures
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - The service: every use case a front end may call, over the engine
        .target(
            name: "TaktService",
            dependencies: [
                "TaktCore", "TaktStore", "TaktEngine", "TaktPlanning", "TaktScheduling", "TaktOrchestration", "TaktExchange", "TaktB2MML",
                .product(name: "Tracing", package: "swift-distributed-tracing"),  // spans of commands (no-op unless bootstrapped)
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Machine data: the MQTT bridge from the shop floor into the plant (I/O over TaktMachineData)
        .target(
            name: "TaktBridge",
            dependencies: [
                "TaktCore", "TaktEngine", "TaktService", "TaktMachineData", "TaktMQTT", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Agents: the plant's tools for AI agents (one catalogue) and the MCP server over them
        .target(name: "TaktAgents", dependencies: ["TaktCore", "TaktEngine", "TaktService"], swiftSettings: swiftSettings),
        .target(
            name: "TaktMCP",
            dependencies: [
                "TaktCore", "TaktEngine", "TaktService", "TaktAgents", .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Front ends
        .target(
            name: "TaktHTTP",
            dependencies: [
                "TaktCore", "TaktStore", "TaktEngine", "TaktService", "TaktPlanning", "TaktOrchestration", "TaktExchange", "TaktB2MML",
                "TaktAgents", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // The web app: server-rendered pages over the engine, a tiny typed HTML builder, sessions by cookie.
        .target(
            name: "TaktWeb",
            dependencies: [
                "TaktCore", "TaktStore", "TaktEngine", "TaktService", "TaktOrchestration", "TaktExchange", "TaktAgents",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),  // HMAC form tokens (CSRF)
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Composition root and executable
        .target(
            name: "TaktApp",
            dependencies: [
                "TaktCore", "TaktStore", "TaktStoreSQLite", "TaktEngine", "TaktService", "TaktHTTP", "TaktDemo",
                "TaktOrchestrator", "TaktWeb", "TaktExchange", "TaktB2MML", "TaktWebhooks", "TaktAgents", "TaktMCP",
                "TaktBridge", "TaktMachineData", "TaktMQTT",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),  // takt mcp (stdio to POST /mcp), the language model
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),  // the audit trail's keys
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),  // /metrics
                .product(name: "OTel", package: "swift-otel"),  // traces, when an OTLP endpoint is configured
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Benchmarks and the long-run checker: `takt bench …`, `takt check …`
        .target(
            name: "TaktBench",
            dependencies: [
                "TaktCore", "TaktStore", "TaktStoreSQLite", "TaktEngine", "TaktApp", "TaktDemo", "TaktOrchestration", "TaktOrchestrator",
                "TaktPlanning", "TaktScheduling", "TaktService", "TaktExchange", "TaktBridge", "TaktMachineData", "TaktMQTT",
                .product(name: "GRDB", package: "GRDB.swift"),  // raw SQLite inserts, the ingest benchmark's physical limit
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "takt",
            dependencies: [
                "TaktApp", "TaktBench", "TaktCore", "TaktHTTP", "TaktScheduling", "TaktStore", "TaktEngine", "TaktService", "TaktExchange",
                "TaktB2MML", "TaktMachineData", "TaktMQTT", "TaktBridge", "TaktDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests
        // What the tests share: the fixed clock, the demo plant builder, the in-process (or live) transport, typed answers.
        .target(
            name: "TaktTestSupport",
            dependencies: [
                "TaktApp", "TaktCore", "TaktEngine", "TaktPlanning", "TaktService", "TaktStore", "TaktStoreSQLite", "TaktExchange", "TaktB2MML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),  // the live transport
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TaktCoreTests", dependencies: ["TaktCore", "TaktDemo"], swiftSettings: swiftSettings),
        .testTarget(name: "TaktMachineDataTests", dependencies: ["TaktCore", "TaktMachineData"], swiftSettings: swiftSettings),
        // Through a real Mosquitto broker on loopback (each suite starts its own).
        .testTarget(
            name: "TaktBridgeTests",
            dependencies: [
                "TaktCore", "TaktDemo", "TaktEngine", "TaktService", "TaktMachineData", "TaktMQTT", "TaktBridge",
                "TaktOrchestrator", "TaktTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TaktB2MMLTests",
            dependencies: ["TaktCore", "TaktDemo", "TaktExchange", "TaktB2MML"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TaktExchangeTests", dependencies: ["TaktCore", "TaktDemo", "TaktExchange"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TaktPlanningTests",
            dependencies: ["TaktCore", "TaktDemo", "TaktPlanning", "TaktScheduling"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TaktOrchestrationTests",
            dependencies: ["TaktCore", "TaktDemo", "TaktPlanning", "TaktScheduling", "TaktOrchestration"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TaktSchedulingTests", dependencies: ["TaktScheduling"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(
            name: "TaktStoreTests",
            dependencies: [
                "TaktCore", "TaktStore", "TaktStoreSQLite", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TaktEngineTests",
            dependencies: ["TaktCore", "TaktStore", "TaktStoreSQLite", "TaktEngine", "TaktDemo"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TaktServiceTests",
            dependencies: [
                "TaktCore", "TaktDemo", "TaktEngine", "TaktService", "TaktStore", "TaktAgents",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TaktWebTests",
            dependencies: [
                "TaktApp", "TaktCore", "TaktEngine", "TaktService", "TaktWeb", "TaktTestSupport", "TaktExchange",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TaktWebhooksTests",
            dependencies: [
                "TaktCore", "TaktEngine", "TaktService", "TaktStore", "TaktStoreSQLite", "TaktWebhooks",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TaktHTTPTests",
            dependencies: [
                "TaktApp", "TaktBench", "TaktCore", "TaktEngine", "TaktService", "TaktHTTP", "TaktOrchestration", "TaktOrchestrator", "TaktPlanning",
                "TaktScheduling", "TaktStore", "TaktStoreSQLite", "TaktTestSupport", "TaktExchange",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
