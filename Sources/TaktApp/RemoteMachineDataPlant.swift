import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
public import TaktBridge
public import TaktCore
public import TaktService

/// The plant as `takt bridge` reaches it: a Takt server's API, with the token of the user the bridge acts as (a
/// supervisor or operator: it sets machine states and records counts). Reads `GET /api/v1/machine-data/readings`,
/// submits `POST /api/v1/commands`; the server's refusals come back as ``DomainError`` with their fields and rules.
public struct RemoteMachineDataPlant: MachineDataPlant {
    public let base: URL
    let token: String
    public var now: @Sendable () -> Date { { Date() } }
    public var machineDataBoard: MachineDataBoard? { nil }

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(server: String, token: String) throws {
        guard let base = URL(string: server), let scheme = base.scheme, ["http", "https"].contains(scheme), base.host != nil else {
            throw SetupError(description: "--server must be an http or https URL such as http://127.0.0.1:8080 (got '\(server)')")
        }
        guard !token.isEmpty else {
            throw SetupError(description: "set TAKT_TOKEN to an API token of the user the bridge acts as (a supervisor; docs/machine-data.md)")
        }
        self.base = base
        self.token = token
    }

    /// The bridge's HTTP client: a server that refuses the connection fails the call at once (the bridge waits and
    /// tries again itself, saying why), rather than being retried inside the client until the call's deadline.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(30))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    func call(_ method: HTTPMethod, _ path: String, body: Data? = nil) async throws -> (status: Int, body: Data) {
        var request = HTTPClientRequest(url: base.appendingPathComponent(path).absoluteString)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "User-Agent", value: "takt-bridge")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        do {
            response = try await Self.client.execute(request, timeout: .seconds(30))
        } catch {
            throw Unavailable(description: "cannot reach the server at \(base.absoluteString): \(Self.words(error))")
        }
        let buffer = try await response.body.collect(upTo: 32 << 20)
        let data = Data(buffer.readableBytesView)
        return (Int(response.status.code), data)
    }

    public func machineDataView() async throws -> MachineDataView {
        let (status, body) = try await call(.GET, "api/v1/machine-data/readings")
        guard status == 200 else { throw Self.problem(status, body) }
        return try TaktJSON.decoder.decode(MachineDataView.self, from: body)
    }

    public func submitMachineData(_ command: Command) async throws -> [String] {
        let (status, body) = try await call(.POST, "api/v1/commands", body: try TaktJSON.encoder.encode(command))
        guard (200..<300).contains(status) else { throw Self.problem(status, body) }
        let answer = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        let events = (answer?["events"] as? [[String: Any]]) ?? []
        return events.compactMap { $0["type"] as? String }
    }

    /// The server could not take the request now (an answer other than a refusal by the plant's rules): the bridge
    /// holds the message and tries again.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// A network error in words: the system's reason (\"Connection refused\") rather than the library's type dump.
    static func words(_ error: any Error) -> String {
        let text = "\(error)"
        if let open = text.range(of: "): "), let close = text.range(of: ") (errno", range: open.upperBound..<text.endIndex) {
            return String(text[open.upperBound..<close.lowerBound])
        }
        return text
    }

    /// A problem+json answer as the core's refusal (its `errors[]`) when the plant's rules refused the request (400,
    /// 403, 404, 409, 422 and other client errors); otherwise (401: the token refused, 408, 429, 5xx) the server
    /// could not take it now, ``Unavailable``.
    static func problem(_ status: Int, _ body: Data) -> any Error {
        let json = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        let detail = json?["detail"] as? String ?? String(decoding: body.prefix(300), as: UTF8.self)
        guard (400..<500).contains(status), ![401, 408, 429].contains(status) else {
            let hint = status == 401 ? " (is TAKT_TOKEN a valid API token?)" : ""
            return Unavailable(description: "the server answered \(status): \(detail)\(hint)")
        }
        let violations = ((json?["errors"] as? [[String: Any]]) ?? []).map {
            Violation(
                field: $0["field"] as? String ?? "request",
                rule: $0["rule"] as? String ?? "refused",
                message: $0["message"] as? String ?? detail
            )
        }
        let kind: DomainError.Kind =
            switch status {
            case 404: .notFound
            case 409: .conflict
            case 403: .forbidden
            default: .invalid
            }
        return DomainError(kind, violations.isEmpty ? [Violation(field: "request", rule: "http-\(status)", message: detail)] : violations)
    }
}
