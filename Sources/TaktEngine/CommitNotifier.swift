import Foundation
import Synchronization

/// Wakes readers that wait for the log to pass a position. Cancellation-safe.
final class CommitNotifier: Sendable {
    private struct State {
        var committed: Int64 = 0
        var nextID = 0
        var waiters: [Int: (after: Int64, continuation: CheckedContinuation<Void, Never>)] = [:]
    }
    private let state = Mutex(State())

    func publish(_ sequence: Int64) {
        let ready = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.committed = max(s.committed, sequence)
            let due = s.waiters.filter { $0.value.after < s.committed }
            for id in due.keys { s.waiters[id] = nil }
            return due.map(\.value.continuation)
        }
        for waiter in ready { waiter.resume() }
    }

    /// Returns once the committed sequence is greater than `position`, or the task is cancelled.
    func wait(after position: Int64) async {
        let id = state.withLock { s -> Int in
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.committed > position || Task.isCancelled { return true }
                    s.waiters[id] = (position, c)
                    return false
                }
                if resumeNow { c.resume() }
            }
        } onCancel: {
            let c = state.withLock { s in s.waiters.removeValue(forKey: id)?.continuation }
            c?.resume()
        }
    }
}
