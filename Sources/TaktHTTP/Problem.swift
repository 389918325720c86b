import Foundation
public import HTTPTypes
public import Hummingbird
import Logging
public import TaktCore

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
        Problem(
            status: .badRequest,
            code: "bad-request",
            title: "The request is malformed",
            detail: message,
            errors: [Violation(field: field, rule: rule, message: message)]
        )
    }
    static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, code: "not-found", title: "Not found", detail: detail)
    }

    /// The problem of a presentation: `type` `urn:takt:problem:<code>`, the title, status, message as `detail`, the
    /// violations as `errors` (absent when none) and the presentation's headers.
    init(_ p: ErrorPresentation) {
        self.type = Self.typePrefix + p.code.rawValue
        self.title = p.title
        self.status = p.status
        self.detail = p.message
        self.errors = p.violations.isEmpty ? nil : p.violations
        for header in p.headers {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
    }

    static let typePrefix = "urn:takt:problem:"

    /// Renders any error: a ``PresentableError`` as it presents itself, an error of the HTTP layer by its status, anything
    /// else as a 500 `internal` whose detail hides the internals. A fault of the server (500) and a store failure (503)
    /// are logged with `requestID`, which the answer carries, so that a user's reference finds the log line.
    static func from(_ error: any Error, requestID: String? = nil, logger: Logger) -> Problem {
        let presentation: ErrorPresentation
        if let e = error as? any PresentableError {
            presentation = e.presentation
        } else if let e = error as? any HTTPResponseError {  // Hummingbird's own (a path it has no route for, …)
            presentation = ErrorPresentation(
                status: Int(e.status.code),
                code: .init(rawValue: "http-\(e.status.code)"),
                title: e.status.reasonPhrase,
                message: "\(e)"
            )
        } else {
            presentation = .internal
        }
        if presentation.status >= 500 {
            logger.error(
                presentation.isInternal ? "internal error" : "\(presentation.code) failure",
                metadata: ["requestId": "\(requestID ?? "none")", "error": "\(String(reflecting: error))"]
            )
        }
        var problem = Problem(presentation)
        problem.requestId = requestID
        return problem
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

extension Problem: PresentableError {
    /// The problem as it was built (a problem is already a presentation); a 408, 429 or 503 is safe to retry.
    public var presentation: ErrorPresentation {
        let code = type.hasPrefix(Self.typePrefix) ? String(type.dropFirst(Self.typePrefix.count)) : type
        return ErrorPresentation(
            status: status,
            code: .init(rawValue: code),
            title: title,
            message: detail,
            violations: errors ?? [],
            retrySafe: [408, 429, 503].contains(status),
            headers: headers.map { ErrorPresentation.Header($0.name.rawName, $0.value) }
        )
    }
}

extension HTTPError: PresentableError {
    /// `http-<status>` with the status's reason as the title and the error's client message (never its log description).
    public var presentation: ErrorPresentation {
        ErrorPresentation(
            status: Int(status.code),
            code: .init(rawValue: "http-\(status.code)"),
            title: status.reasonPhrase,
            message: body ?? status.reasonPhrase,
            headers: headers.map { ErrorPresentation.Header($0.name.rawName, $0.value) }
        )
    }
}

extension DecodingError: PresentableError {
    /// 400 `bad-request` naming the field that is missing or malformed (a request body the API could not read).
    public var presentation: ErrorPresentation { Problem.decodingProblem(self).presentation }
}

/// Turns every error into problem+json and stamps each response with a request ID.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestID = Self.requestID(request.headers[.requestID])
        var request = request
        if request.headers[.requestID] != requestID {  // the handlers (and the web pages) name the same ID
            var head = request.head
            head.headerFields[.requestID] = requestID
            request = Request(head: head, body: request.body)
        }
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = requestID
            return response
        } catch {
            var problem = Problem.from(error, requestID: requestID, logger: logger)
            problem.instance = request.uri.path
            var response = problem.response(requestID: requestID)
            response.headers[.requestID] = requestID
            return response
        }
    }

    /// The client's `X-Request-ID` when it is a plain token (1–128 letters, digits, '-', '_', '.'), otherwise a new one:
    /// the ID is written to the log and shown on pages, so it must not carry anything else.
    static func requestID(_ given: String?) -> String {
        if let given, (1...128).contains(given.count),
            given.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) })
        {
            return given
        }
        return UUID().uuidString.lowercased()
    }
}
