import Foundation
import TaktCore
import Testing

/// How the core's errors present themselves: status, code, title, fields, retry-safety, headers. The API and the web
/// render exactly this, so these are the contract's figures.
@Suite("Errors of the core present themselves")
struct ErrorPresentationTests {
    static let broken = [
        Violation(field: "quantity", rule: "positive", message: "quantity must be greater than zero (got 0)"),
        Violation(field: "item", rule: "unknown-reference", message: "item 'X' does not exist"),
    ]

    @Test("Each kind of domain error has its status, code and title, and keeps every field and rule")
    func domainErrorKinds() {
        let cases: [(DomainError.Kind, Int, ErrorPresentation.Code, String)] = [
            (.invalid, 422, .invalidCommand, "The command breaks a rule"),
            (.forbidden, 403, .forbidden, "Not allowed for your roles"),
            (.notFound, 404, .notFound, "Not found"),
            (.conflict, 409, .conflict, "The command conflicts with the plant's state"),
        ]
        for (kind, status, code, title) in cases {
            let p = DomainError(kind, Self.broken).presentation
            #expect(p.status == status, "\(kind)")
            #expect(p.code == code, "\(kind)")
            #expect(p.title == title, "\(kind)")
            #expect(p.message == "quantity must be greater than zero (got 0) (and 1 more)", "\(kind)")
            #expect(p.violations == Self.broken, "\(kind)")
            #expect(p.lines == Self.broken.map(\.message), "\(kind)")
            #expect(!p.retrySafe && !p.isInternal && p.headers.isEmpty, "\(kind)")
        }
    }

    @Test("A conflict made only of shop-floor interlocks is an interlock; one other rule makes it a plain conflict")
    func interlocks() {
        let locks = [
            Violation(field: "lot", rule: Interlock.lotOnHold.rawValue, message: "lot L-1 is on hold"),
            Violation(field: "operator", rule: Interlock.operatorNotClockedIn.rawValue, message: "olga is not clocked in"),
        ]
        let interlock = DomainError(.conflict, locks).presentation
        #expect(interlock.status == 409 && interlock.code == .interlock && interlock.title == "Interlock")
        #expect(interlock.lines == ["lot L-1 is on hold", "olga is not clocked in"])
        let mixed = DomainError(.conflict, locks + [Violation(field: "status", rule: "wrong-status", message: "the order is closed")])
        #expect(mixed.presentation.code == .conflict)
        #expect(DomainError(.invalid, locks).presentation.code == .invalidCommand, "only a conflict can be an interlock")
        #expect(DomainError(.conflict, []).presentation.code == .conflict, "no violations: not an interlock")
    }

    @Test("A domain error with no violations still says something")
    func emptyDomainError() {
        let p = DomainError(.invalid, []).presentation
        #expect(p.message == "the command was rejected")
        #expect(p.lines == ["the command was rejected"])
    }

    struct Unknown: Error, CustomStringConvertible {
        var description: String { "index out of range in the dispatch list (row 7)" }
    }

    @Test("An error that does not present itself is a fault of the server: 500 internal, not retry-safe, nothing of its details")
    func unknownErrorFallback() {
        let p = ErrorPresentation.of(Unknown())
        #expect(p == .internal)
        #expect(p.status == 500 && p.code == .internal && p.title == "Internal error")
        #expect(p.isInternal && !p.retrySafe)
        #expect(!p.message.contains("dispatch") && p.violations.isEmpty && p.headers.isEmpty)
        #expect(p.message.contains("request ID"))
    }

    @Test("A presentable error is presented as itself, even seen as any Error")
    func presentableSeenAsAnyError() {
        let error: any Error = DomainError.notFound("item", "item 'X' does not exist")
        #expect(ErrorPresentation.of(error) == DomainError.notFound("item", "item 'X' does not exist").presentation)
    }

    @Test("The store's failure is the only server error that is safe to retry, and it says when: Retry-After")
    func storageUnavailable() {
        let p = ErrorPresentation.storageUnavailable
        #expect(p.status == 503 && p.code == .storageUnavailable && p.title == "The event store is unavailable")
        #expect(p.retrySafe && !p.isInternal)
        #expect(p.headers == [ErrorPresentation.Header("Retry-After", "1")])
        #expect(p.message.contains("safe to retry"))
    }

    @Test("A 5xx that is retry-safe is not internal; a 4xx never is")
    func internalIsAServerFault() {
        #expect(ErrorPresentation(status: 502, code: .init(rawValue: "x"), title: "t", message: "m").isInternal)
        #expect(!ErrorPresentation(status: 502, code: .init(rawValue: "x"), title: "t", message: "m", retrySafe: true).isInternal)
        #expect(!ErrorPresentation(status: 409, code: .conflict, title: "t", message: "m").isInternal)
    }
}
