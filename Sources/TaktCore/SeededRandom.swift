/// A small, seeded pseudo-random generator (SplitMix64): the same seed gives the same numbers on every machine and every
/// Swift version. The demo plant, the benchmarks, the long-run checker and the tests draw from it, so a seed always
/// builds the same plant and picks the same targets.
///
/// The standard library's `random(in:using:)` algorithms are not promised to stay stable across releases, so ranges,
/// fractions and picks are computed here; use them rather than `Int.random(in:using:)` wherever a run must repeat.
public struct SeededRandom: RandomNumberGenerator, Sendable, Equatable {
    private var state: UInt64

    /// A generator whose numbers are fixed by `seed`: equal seeds give equal sequences.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`; 0 when `bound` is 1 or less. Always draws one number, so that a sequence of calls
    /// stays the same whatever the bounds.
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }

    /// A number in `range` (both bounds included).
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % width)
    }

    /// A fraction in `0..<1`.
    public mutating func unit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }

    /// True with probability `p` (0 never, 1 always).
    public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// One element of `values`; nil when there is none.
    public mutating func pick<T>(_ values: [T]) -> T? { values.isEmpty ? nil : values[below(values.count)] }
}
