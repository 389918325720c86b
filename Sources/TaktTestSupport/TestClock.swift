public import Foundation
import Synchronization

/// The plant's clock in a test: it reads a fixed instant and moves only when the test says so, never with the wall clock,
/// so two runs of a test see the same times whatever the machine's load or date.
public final class TestClock: Sendable {
    private let time: Mutex<Date>

    /// A clock standing at `start` (default: ``TestPlant/demoDay``, 2026-11-24 00:00 UTC).
    public init(_ start: Date = TestPlant.demoDay) { time = Mutex(start) }

    /// The instant the clock shows.
    public var now: Date { time.withLock { $0 } }

    /// The clock as the engine takes it.
    public var read: @Sendable () -> Date { { self.now } }

    /// Moves the clock on by `minutes` (or back, with a negative number).
    public func advance(minutes: Double) { advance(seconds: minutes * 60) }

    /// Moves the clock on by `seconds` (or back, with a negative number).
    public func advance(seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }

    /// Puts the clock at `instant`.
    public func set(_ instant: Date) { time.withLock { $0 = instant } }
}
