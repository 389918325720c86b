import Foundation

/// A typed identifier: a plant code such as `WC-LATHE-1` or `PO-000042`, tagged with the entity it names,
/// so that a work center's ID can never be passed where an item's is expected.
public struct Identifier<Entity>: RawRepresentable, Hashable, Comparable, Codable, Sendable,
    ExpressibleByStringLiteral, CustomStringConvertible
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The rule every code follows: 1–64 characters of letters, digits, `-`, `_`, `.` and `/`,
    /// with at least one letter or digit (so that no code reads as a URL path segment like `..`).
    public var isWellFormed: Bool {
        guard !rawValue.isEmpty, rawValue.utf8.count <= 64 else { return false }
        guard rawValue.unicodeScalars.contains(where: { CharacterSet.alphanumerics.contains($0) }) else { return false }
        return rawValue.unicodeScalars.allSatisfy { s in
            (s.value >= 48 && s.value <= 57) || (s.value >= 65 && s.value <= 90) || (s.value >= 97 && s.value <= 122)
                || s == "-" || s == "_" || s == "." || s == "/"
        }
    }
}
