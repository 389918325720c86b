import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktOrchestration
import TaktTestSupport
import Testing

@testable import TaktHTTP
@testable import TaktPlanning

/// Every presentable error above the core, one by one: its presentation (status, code, title, fields, retry-safety,
/// headers) and, for the API, the problem+json it renders as.
@Suite("Errors of the engine, the analyses and the API present themselves")
struct ErrorRenderingTests {
    static let logger = TestPlant.quietLogger

    @Test("Each engine error code has its status and code; a programmer error hides its message, a store failure is retry-safe")
    func engineErrorKinds() {
        let cases: [(EngineError.Code, Int, String, Bool)] = [
            (.forbidden, 403, "forbidden", false),
            (.idempotencyKeyReused, 409, "idempotency-key-reused", false),
            (.invalidIdempotencyKey, 400, "bad-request", false),
            (.storage, 503, "storage-unavailable", true),
            (.internal, 500, "internal", false),
        ]
        for (code, status, name, retrySafe) in cases {
            let p = EngineError(code, "secret detail \(code)").presentation
            #expect(p.status == status, "\(code)")
            #expect(p.code.rawValue == name, "\(code)")
            #expect(p.retrySafe == retrySafe, "\(code)")
            #expect(p.isInternal == (code == .internal), "\(code)")
        }
        #expect(EngineError(.forbidden, "needs planner").presentation.message == "needs planner")
        #expect(EngineError(.forbidden, "needs planner").presentation.title == "Not allowed for your roles")
        let reused = EngineError(.idempotencyKeyReused, "key k was used for another request").presentation
        #expect(reused.title == "Idempotency key reused")
        #expect(reused.violations == [Violation(field: "Idempotency-Key", rule: "reused", message: "key k was used for another request")])
        let malformed = EngineError(.invalidIdempotencyKey, "at most 255 characters").presentation
        #expect(malformed.violations == [Violation(field: "Idempotency-Key", rule: "format", message: "at most 255 characters")])
        let storage = EngineError(.storage, "disk I/O error at /var/takt").presentation
        #expect(storage == .storageUnavailable && !storage.message.contains("/var/takt"))
        #expect(storage.headers == [ErrorPresentation.Header("Retry-After", "1")])
        let bug = EngineError(.internal, "event 12 cannot be decoded").presentation
        #expect(bug == .internal && !bug.message.contains("event 12"))
    }

    @Test("An outcome the analysis cannot plan is 422 on the field and rule it names")
    func orchestrationError() {
        let p = OrchestrationError(field: "date", rule: "in-the-past", message: "2026-01-01 is in the past").presentation
        #expect(p.status == 422 && p.code == .invalidCommand && p.title == "The command breaks a rule")
        #expect(p.message == "2026-01-01 is in the past")
        #expect(p.violations == [Violation(field: "date", rule: "in-the-past", message: "2026-01-01 is in the past")])
        #expect(!p.retrySafe && p.headers.isEmpty)
    }

    @Test("A plant that cannot be scheduled is a 409 conflict on (plant), rule not-schedulable")
    func planningError() {
        let p = PlanningError(message: "routing R-9 of PO-3 does not exist").presentation
        #expect(p.status == 409 && p.code == .conflict)
        #expect(p.violations == [Violation(field: "(plant)", rule: "not-schedulable", message: "routing R-9 of PO-3 does not exist")])
        #expect(!p.retrySafe && !p.isInternal)
    }

    @Test(
        "A problem presents itself as it was built; 408, 429 and 503 are retry-safe; its headers go along",
        arguments: [(400, false), (401, false), (405, false), (408, true), (429, true), (503, true), (500, false)]
    )
    func problem(status: Int, retrySafe: Bool) {
        var problem = Problem(
            status: HTTPResponse.Status(code: status),
            code: "some-code",
            title: "A title",
            detail: "what happened",
            errors: [Violation(field: "f", rule: "r", message: "m")]
        )
        problem.headers[.retryAfter] = "7"
        let p = problem.presentation
        #expect(p.status == status)
        #expect(p.code.rawValue == "some-code")
        #expect(p.title == "A title" && p.message == "what happened")
        #expect(p.violations == [Violation(field: "f", rule: "r", message: "m")])
        #expect(p.retrySafe == retrySafe)
        #expect(p.headers == [ErrorPresentation.Header("Retry-After", "7")])
    }

    @Test("Hummingbird's HTTPError shows its client message, never its log description")
    func httpError() {
        let p = HTTPError(.contentTooLarge, message: "the body is larger than 8 MiB").presentation
        #expect(p.status == 413 && p.code.rawValue == "http-413")
        #expect(p.title == "Content Too Large")
        #expect(p.message == "the body is larger than 8 MiB")
        #expect(!p.retrySafe)
        #expect(HTTPError(.notFound).presentation.message == HTTPResponse.Status.notFound.reasonPhrase)
    }

    struct Order: Decodable {
        var quantity: Double
        var item: String
    }

    @Test("A body the API cannot read is 400 bad-request naming the field and what is wrong with it")
    func decodingError() throws {
        func presentation(_ json: String) throws -> ErrorPresentation {
            do {
                _ = try JSONDecoder().decode(Order.self, from: Data(json.utf8))
            } catch let error as DecodingError {
                return error.presentation
            }
            throw TestSupportError("\(json) decoded")
        }
        let missing = try presentation(#"{"quantity": 1}"#)
        #expect(missing.status == 400 && missing.code == .badRequest)
        #expect(missing.violations == [Violation(field: "item", rule: "required", message: "item is required")])
        let wrongType = try presentation(#"{"quantity": "many", "item": "X"}"#)
        #expect(wrongType.violations.map(\.rule) == ["type"] && wrongType.message == "quantity must be a number")
        let notJSON = try presentation("{")
        #expect(notJSON.violations.map(\.field) == ["(body)"] && notJSON.violations.map(\.rule) == ["json"])
    }

    @Test("The API renders a programmer error as 500 problem+json with the request ID and none of its details")
    func renderInternal() throws {
        let problem = Problem.from(EngineError(.internal, "index 7 out of range"), requestID: "r-1", logger: Self.logger)
        let response = problem.response(requestID: "r-1")
        #expect(response.status.code == 500)
        #expect(response.headers[.contentType] == "application/problem+json")
        #expect(problem.type == "urn:takt:problem:internal" && problem.requestId == "r-1")
        #expect(!problem.detail.contains("index 7"))
        let unknown = Problem.from(CancellationError(), requestID: "r-2", logger: Self.logger)
        #expect(unknown.status == 500 && unknown.type == "urn:takt:problem:internal" && unknown.requestId == "r-2")
    }

    @Test("The API renders a store failure as 503 with Retry-After, and a throttled sign-in's 429 with its own Retry-After")
    func renderRetryable() {
        let storage = Problem.from(EngineError(.storage, "disk full"), requestID: "r-3", logger: Self.logger).response(requestID: "r-3")
        #expect(storage.status.code == 503)
        #expect(storage.headers[.retryAfter] == "1")
        var throttled = Problem(status: .tooManyRequests, code: "too-many-requests", title: "Too many failed authentications", detail: "wait")
        throttled.headers[.retryAfter] = "3"
        let rendered = Problem.from(throttled, requestID: "r-4", logger: Self.logger)
        #expect(rendered.status == 429 && rendered.type == "urn:takt:problem:too-many-requests")
        #expect(rendered.response(requestID: "r-4").headers[.retryAfter] == "3")
        #expect(rendered.presentation.retrySafe)
        let unauthorized = Problem.unauthorized("send a token").response(requestID: nil)
        #expect(unauthorized.headers[.wwwAuthenticate] == "Bearer realm=\"takt\"")
    }

    @Test("A 405 carries the methods the path serves in Allow")
    func methodNotAllowed() async throws {
        try await TestServer.run { s in
            let reply = try await s.send(.DELETE, "/api/v1/commands")
            #expect(reply.status == 405)
            #expect(reply.headers.first(name: "Allow") == "POST")
            let problem = try reply.json()
            #expect(problem["type"] as? String == "urn:takt:problem:method-not-allowed")
        }
    }
}
