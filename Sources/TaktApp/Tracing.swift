public import Foundation
import Instrumentation
public import Logging
import OTel
public import ServiceLifecycle

/// OpenTelemetry traces, off unless an OTLP endpoint is configured (docs/integration.md, "Metrics and traces").
///
/// `takt serve --otlp-endpoint http://collector:4318` (or the standard `OTEL_EXPORTER_OTLP_ENDPOINT` /
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) sends one span per HTTP request, named by its route template, over OTLP/HTTP
/// (protobuf) in batches, as service `takt`. The other `OTEL_*` variables of the specification (sampler, batch sizes,
/// headers, resource attributes) apply as swift-otel reads them. Metrics stay on `/metrics`; logs on standard error.
public enum TraceExport {
    /// Whether traces are to be exported: an endpoint given on the command line or in the environment.
    public static func isConfigured(endpoint: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        if let endpoint, !endpoint.isEmpty { return true }
        return ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"].contains { environment[$0]?.isEmpty == false }
    }

    /// What is wrong with an endpoint given on the command line (nil: nothing): an http(s) URL with a host and a port
    /// from 1 to 65535, as the exporter needs (a port beyond would stop the process when the first spans are sent).
    public static func problem(with endpoint: String) -> String? {
        let example = "such as http://127.0.0.1:4318"
        guard let url = URLComponents(string: endpoint), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return "--otlp-endpoint must be an http or https URL \(example) (got '\(endpoint)')"
        }
        guard let host = url.host, !host.isEmpty else { return "--otlp-endpoint must name a host, \(example) (got '\(endpoint)')" }
        if let port = url.port, !(1...65535).contains(port) {
            return "--otlp-endpoint's port must be from 1 to 65535 (got \(port) in '\(endpoint)')"
        }
        return nil
    }

    /// Bootstraps the process's tracer with an OTLP/HTTP exporter and returns the service that batches and sends spans
    /// (run it beside the server). Call once per process, and only when ``isConfigured(endpoint:environment:)``.
    /// - Throws: when the configuration is invalid (an endpoint that is not a URL, an unknown sampler).
    public static func bootstrap(endpoint: String?, logger: Logger) throws -> any Service {
        var configuration = OTel.Configuration.default
        configuration.serviceName = "takt"
        configuration.diagnosticLogger = .custom(logger)
        configuration.metrics.enabled = false
        configuration.logs.enabled = false
        configuration.traces.enabled = true
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        if let endpoint, !endpoint.isEmpty {
            if let problem = problem(with: endpoint) { throw TraceExportError(message: problem) }
            configuration.traces.otlpExporter.endpoint = endpoint
        }
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        return backend.service
    }
}

public struct TraceExportError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
