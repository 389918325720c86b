import Foundation

/// One rule that a command broke: which field, which rule, and a sentence a user can act on.
public struct Violation: Error, Hashable, Codable, Sendable, CustomStringConvertible {
    /// JSON path of the offending field, e.g. `operations[1].workCenters`.
    public var field: String
    /// Machine-readable rule name, e.g. `required`, `positive`, `unknown-reference`, `cycle`.
    public var rule: String
    public var message: String
    public init(field: String, rule: String, message: String) {
        self.field = field
        self.rule = rule
        self.message = message
    }
    public var description: String { "\(field): \(message) [\(rule)]" }
}

/// The one error type of the domain core. Its `kind` says how an adapter reports it
/// (HTTP 422, 404, 409, 403); `violations` name every field and rule that failed.
public struct DomainError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        /// The command is malformed or breaks a model rule.
        case invalid
        /// The command targets something that does not exist.
        case notFound
        /// The command conflicts with current state (already exists, wrong status).
        case conflict
        /// The actor may submit the command but not in this case (e.g. approving without the role the action needs).
        case forbidden
    }
    public var kind: Kind
    public var violations: [Violation]

    public init(_ kind: Kind, _ violations: [Violation]) {
        self.kind = kind
        self.violations = violations
    }
    public static func invalid(_ field: String, _ rule: String, _ message: String) -> DomainError {
        DomainError(.invalid, [Violation(field: field, rule: rule, message: message)])
    }
    public static func notFound(_ field: String, _ message: String) -> DomainError {
        DomainError(.notFound, [Violation(field: field, rule: "not-found", message: message)])
    }
    public static func forbidden(_ field: String, _ rule: String, _ message: String) -> DomainError {
        DomainError(.forbidden, [Violation(field: field, rule: rule, message: message)])
    }
    public static func conflict(_ field: String, _ rule: String, _ message: String) -> DomainError {
        DomainError(.conflict, [Violation(field: field, rule: rule, message: message)])
    }
    /// A short summary: the first violation's message, with a count of the others.
    public var summary: String {
        guard let first = violations.first else { return "the command was rejected" }
        return violations.count == 1 ? first.message : "\(first.message) (and \(violations.count - 1) more)"
    }
    public var description: String { "\(kind): " + violations.map(\.description).joined(separator: "; ") }
}

extension DomainError: PresentableError {
    /// 422 `invalid-command`, 403 `forbidden`, 404 `not-found`, or 409: `interlock` when every violation is a shop-floor
    /// interlock (a client shows them, and a supervisor may override them), `conflict` otherwise.
    public var presentation: ErrorPresentation {
        switch kind {
        case .invalid: .invalidCommand(summary, violations)
        case .forbidden: .forbidden(summary, violations)
        case .notFound: .notFound(summary, violations)
        case .conflict: isInterlock ? .interlock(summary, violations) : .conflict(summary, violations)
        }
    }

    /// True when shop-floor interlocks, and nothing else, refused the action.
    public var isInterlock: Bool {
        kind == .conflict && !violations.isEmpty && violations.allSatisfy { Interlock(rawValue: $0.rule) != nil }
    }
}

/// Collects violations while validating, then throws them all at once.
public struct Validator: Sendable {
    public private(set) var violations: [Violation] = []
    public init() {}
    public mutating func add(_ field: String, _ rule: String, _ message: String) {
        violations.append(Violation(field: field, rule: rule, message: message))
    }
    public mutating func check(_ condition: Bool, _ field: String, _ rule: String, _ message: @autoclosure () -> String) {
        if !condition { add(field, rule, message()) }
    }
    public mutating func code<E>(_ id: Identifier<E>, _ field: String) {
        check(id.isWellFormed, field, "code-format", "\(field) must be 1–64 letters, digits, '-', '_', '.' or '/' (got '\(id.rawValue)')")
    }
    public mutating func name(_ value: String, _ field: String) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        check(!trimmed.isEmpty, field, "required", "\(field) must not be empty")
        check(value.count <= 200, field, "max-length", "\(field) must be at most 200 characters")
        if let bad = ValueLimits.forbiddenControl(in: value, allowingLineBreaks: false) {
            add(field, "control-character", "\(field) must not contain the control character \(ValueLimits.describe(bad)) (a name is one line)")
        }
    }
    /// A positive number (a rate, a duration, a count of units): finite, greater than zero, at most 1,000,000,000.
    public mutating func positive(_ value: Double, _ field: String) {
        guard value.isFinite else { return add(field, "finite", "\(field) must be a finite number (got \(value))") }
        check(value > 0, field, "positive", "\(field) must be greater than zero (got \(value))")
        check(value <= Quantity.maximum, field, "maximum", "\(field) must be at most 1,000,000,000 (got \(value))")
    }
    /// A number that may be zero (minutes, rates): finite, not negative, at most 1,000,000,000.
    public mutating func nonNegative(_ value: Double, _ field: String) {
        guard value.isFinite else { return add(field, "finite", "\(field) must be a finite number (got \(value))") }
        check(value >= 0, field, "non-negative", "\(field) must not be negative (got \(value))")
        check(value <= Quantity.maximum, field, "maximum", "\(field) must be at most 1,000,000,000 (got \(value))")
    }
    public func throwIfAny(_ kind: DomainError.Kind = .invalid) throws(DomainError) {
        if !violations.isEmpty { throw DomainError(kind, violations) }
    }
}
