import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TaktCore
import TaktEngine
import TaktService

/// An RFC 9457 problem: what went wrong, for the client, with the fields and rules that failed.
public struct Problem: Error, Codable, Sendable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    public var instance: String?
    public var errors: [Violation]?
    public var requestId: String?
    /// Headers the answer carries besides the body (`Allow` on a 405, `Retry-After` on a 429).
    public var headers: HTTPFields = [:]

    enum CodingKeys: String, CodingKey { case type, title, status, detail, instance, errors, requestId }

    public init(status: HTTPResponse.Status, code: String, title: String, detail: String, errors: [Violation]? = nil) {
        self.type = "urn:takt:problem:\(code)"
        self.title = title
        self.status = status.code
        self.detail = detail
        self.errors = errors
    }

    static func unauthorized(_ detail: String) -> Problem {
        Problem(status: .unauthorized, code: "unauthorized", title: "Authentication required", detail: detail)
    }
    static func badRequest(_ field: String, _ rule: String, _ message: String) -> Problem {
        Problem(status: .badRequest, code: "bad-request", title: "The request is malformed", detail: message,
                errors: [Violation(field: field, rule: rule, message: message)])
    }
    static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, code: "not-found", title: "Not found", detail: detail)
    }

    /// Maps any error to a problem; anything unexpected becomes a 500 whose detail hides internals.
    static func from(_ error: any Error, logger: Logger) -> Problem {
        switch error {
        case let p as Problem:
            return p
        case let e as DomainError:
            switch e.kind {
            case .invalid:
                return Problem(status: .unprocessableContent, code: "invalid-command", title: "The command breaks a rule",
                               detail: e.summary, errors: e.violations)
            case .forbidden:
                return Problem(status: .forbidden, code: "forbidden", title: "Not allowed for your roles", detail: e.summary,
                               errors: e.violations)
            case .notFound:
                return Problem(status: .notFound, code: "not-found", title: "Not found", detail: e.summary, errors: e.violations)
            case .conflict:
                // Interlocks refused a shop-floor action: a client shows them (and a supervisor may override them).
                let interlocks = Set(Interlock.allCases.map(\.rawValue))
                if !e.violations.isEmpty, e.violations.allSatisfy({ interlocks.contains($0.rule) }) {
                    return Problem(status: .conflict, code: "interlock", title: "Interlock", detail: e.summary, errors: e.violations)
                }
                return Problem(status: .conflict, code: "conflict", title: "The command conflicts with the plant's state",
                               detail: e.summary, errors: e.violations)
            }
        case let e as EngineError:
            switch e.code {
            case .forbidden:
                return Problem(status: .forbidden, code: "forbidden", title: "Not allowed for your roles", detail: e.message)
            case .idempotencyKeyReused:
                return Problem(status: .conflict, code: "idempotency-key-reused", title: "Idempotency key reused", detail: e.message,
                               errors: [Violation(field: "Idempotency-Key", rule: "reused", message: e.message)])
            case .invalidIdempotencyKey:
                return .badRequest("Idempotency-Key", "format", e.message)
            case .storage:
                logger.error("storage failure: \(e.message)")
                return Problem(status: .serviceUnavailable, code: "storage-unavailable", title: "The event store is unavailable",
                               detail: "the command was not stored; it is safe to retry it with the same Idempotency-Key")
            }
        case let e as DecodingError:
            return decodingProblem(e)
        case let e as HTTPError:
            return Problem(status: e.status, code: "http-\(e.status.code)", title: e.status.reasonPhrase,
                           detail: e.body ?? e.status.reasonPhrase)
        case let e as any HTTPResponseError:
            return Problem(status: e.status, code: "http-\(e.status.code)", title: e.status.reasonPhrase, detail: "\(e)")
        default:
            logger.error("unexpected error: \(String(reflecting: error))")
            return Problem(status: .internalServerError, code: "internal", title: "Internal error",
                           detail: "an unexpected error occurred; the request ID identifies it in the server log")
        }
    }

    static func decodingProblem(_ error: DecodingError) -> Problem {
        func path(_ keys: [any CodingKey]) -> String {
            var out = ""
            for k in keys {
                if let i = k.intValue { out += "[\(i)]" } else { out += out.isEmpty ? k.stringValue : ".\(k.stringValue)" }
            }
            return out.isEmpty ? "(body)" : out
        }
        switch error {
        case .keyNotFound(let key, let ctx):
            let field = path(ctx.codingPath + [key])
            return .badRequest(field, "required", "\(field) is required")
        case .valueNotFound(_, let ctx):
            let field = path(ctx.codingPath)
            return .badRequest(field, "required", "\(field) must not be null")
        case .typeMismatch(let type, let ctx):
            let field = path(ctx.codingPath)
            return .badRequest(field, "type", "\(field) must be \(describe(type))")
        case .dataCorrupted(let ctx):
            let field = path(ctx.codingPath)
            if ctx.codingPath.isEmpty {
                return .badRequest("(body)", "json", "the body is not valid JSON: \(ctx.debugDescription)")
            }
            return .badRequest(field, "invalid-value", "\(field): \(ctx.debugDescription)")
        @unknown default:
            return .badRequest("(body)", "json", "the body could not be read")
        }
    }

    static func describe(_ type: Any.Type) -> String {
        let name = String(describing: type)
        switch name {
        case "String": return "a string"
        case "Double", "Float", "Decimal": return "a number"
        case "Int", "Int64", "Int32": return "an integer"
        case "Bool": return "true or false"
        default:
            if name.hasPrefix("Array") { return "an array" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "a \(name)"
        }
    }

    func response(requestID: String?) -> Response {
        var body = self
        body.requestId = requestID
        let data = (try? TaktJSON.encoder.encode(body)) ?? Data("{\"status\":\(status)}".utf8)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        headers.append(contentsOf: self.headers)
        if status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"takt\"" }
        return Response(status: HTTPResponse.Status(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error into problem+json and stamps each response with a request ID.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = request.headers[.requestID] ?? UUID().uuidString.lowercased()
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = requestID
            return response
        } catch {
            var problem = Problem.from(error, logger: logger)
            problem.instance = request.uri.path
            var response = problem.response(requestID: requestID)
            response.headers[.requestID] = requestID
            return response
        }
    }
}
