public import TaktCore

/// The answer of a command of an all-or-nothing batch (``Engine/submitAtomically(_:)``) that was accepted on its own but
/// not applied, because another command of the batch was refused.
public struct AtomicBatchRefused: Error, Hashable, Sendable, CustomStringConvertible, PresentableError {
    public init() {}
    public var description: String { "not applied: another command of the same all-or-nothing batch was refused" }
    /// 409 `conflict`: the state refused the batch as a whole.
    public var presentation: ErrorPresentation {
        .conflict(description, [Violation(field: "batch", rule: "all-or-nothing", message: description)])
    }
}
