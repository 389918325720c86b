public import TaktStore

/// Following the log: every event after a position, page by page, then each new page as it is committed, until the
/// task is cancelled.
///
/// It reads the store, not the engine's memory: the engine's commit notification only wakes it early, and without one
/// it looks again after `idle`. So a follower also sees events another writer appended to a shared store (several
/// servers on one database), just up to `idle` later.
public struct LogFollower: AsyncSequence, Sendable {
    /// What following yields.
    public enum Step: Sendable {
        /// The next events in order (never empty).
        case events([RecordedEvent])
        /// Nothing new for `idle`: a chance to send a keep-alive or to check whether to stop.
        case idle
    }

    public typealias Element = Step
    let engine: Engine
    let position: Int64
    let pageSize: Int
    let idle: Duration

    public struct AsyncIterator: AsyncIteratorProtocol {
        let engine: Engine
        /// The last event handed out.
        public private(set) var position: Int64
        let pageSize: Int
        let idle: Duration

        /// The next page, or `.idle`; nil once the task is cancelled. A failed read throws and leaves the position as it
        /// was, so calling `next()` again retries.
        public mutating func next() async throws -> Step? {
            while !Task.isCancelled {
                let page = try await engine.events(after: position, limit: pageSize)
                if let last = page.last {
                    position = last.sequence
                    return .events(page)
                }
                if await !engine.waitForCommit(after: position, timeout: idle) {
                    return Task.isCancelled ? nil : .idle
                }
            }
            return nil
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(engine: engine, position: position, pageSize: pageSize, idle: idle)
    }

}
