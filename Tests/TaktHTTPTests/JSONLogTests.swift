import Foundation
import Logging
import Synchronization
import TaktApp
import Testing

/// `takt serve --log-format json`: every line one JSON object a log shipper can read, whatever the message holds.
@Suite struct JSONLogTests {
    final class Lines: Sendable {
        let all = Mutex<[String]>([])
        func append(_ line: String) { all.withLock { $0.append(line) } }
    }

    static func logger(_ lines: Lines) -> Logger {
        Logger(label: "takt.test") { label in
            var handler = JSONLogHandler(label: label, now: { Date(timeIntervalSince1970: 1_795_586_400.25) }, write: lines.append)
            handler.logLevel = .debug
            return handler
        }
    }

    @Test func aLineIsOneJSONObjectWithTheFixedFieldsFirstAndTheMetadataAfter() throws {
        let lines = Lines()
        var logger = Self.logger(lines)
        logger[metadataKey: "service"] = "orchestrator"
        logger.notice("exception raised", metadata: ["exception": "EX-12", "lanes": .array(["urgent", "routine"])])
        let line = try #require(lines.all.withLock { $0.first })
        #expect(line.hasSuffix("}\n"))
        #expect(line.hasPrefix(#"{"time":"2026-11-25T06:00:00.250Z","level":"notice","logger":"takt.test","message":"exception raised""#))
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["service"] == "orchestrator")
        #expect(object["exception"] == "EX-12")
        #expect(object["lanes"] == #"["urgent","routine"]"#)
    }

    @Test func hostileTextStaysInsideItsField() throws {
        let lines = Lines()
        let logger = Self.logger(lines)
        let hostile = "line\nbreak \"quoted\" back\\slash \u{07}bell \u{2028}sep tab\t"
        logger.error("\(hostile)", metadata: ["message": "\(hostile)", "level": "forged"])
        let line = try #require(lines.all.withLock { $0.first })
        #expect(line.filter { $0 == "\n" }.count == 1)
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["message"] == hostile)
        #expect(object["level"] == "error")
        #expect(object["meta.level"] == "forged")
        #expect(object["meta.message"] == hostile)
    }
}

/// Traces are off unless an OTLP endpoint is named, on the command line or in the standard variables.
@Suite struct TraceExportTests {
    @Test func tracesAreOffUnlessAnEndpointIsConfigured() {
        #expect(!TraceExport.isConfigured(endpoint: nil, environment: [:]))
        #expect(!TraceExport.isConfigured(endpoint: "", environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": ""]))
        #expect(TraceExport.isConfigured(endpoint: "http://127.0.0.1:4318", environment: [:]))
        #expect(TraceExport.isConfigured(endpoint: nil, environment: ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"]))
        #expect(TraceExport.isConfigured(endpoint: nil, environment: ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c:4318/v1/traces"]))
        // Other OTEL_* variables alone (a service name, a sampler) do not turn exporting on.
        #expect(!TraceExport.isConfigured(endpoint: nil, environment: ["OTEL_SERVICE_NAME": "takt", "OTEL_TRACES_SAMPLER": "always_on"]))
    }

    @Test func anEndpointThatIsNotAnHTTPURLIsRefusedBeforeAnythingStarts() {
        for bad in ["collector:4318", "ftp://collector", "http://", "not a url", "http://:4318", "http://127.0.0.1:99999", "http://127.0.0.1:0"] {
            #expect(TraceExport.problem(with: bad) != nil, "\(bad)")
            #expect(throws: TraceExportError.self) { try TraceExport.bootstrap(endpoint: bad, logger: Logger(label: "test")) }
        }
        #expect(TraceExport.problem(with: "https://collector.plant.local:4318") == nil)
    }
}
