import Foundation

/// Threads of their own for the work of reads, so that a heavy read (a dispatch list, the plant's figures, a trace at
/// scale) never occupies a thread of Swift's cooperative pool. That pool has one thread per core; on a two-core
/// server two heavy reads would otherwise take both, and every command would wait for one of them to finish. On
/// these threads the operating system shares the cores between reads and the rest of the server by time slices, so a
/// command runs beside a read instead of after it (`takt bench reads --reads computed`, docs/benchmarks.md).
///
/// A fixed number of threads (one per core, at least two), started on first use, each taking jobs in order from one
/// queue; a job is the body of one ``Engine/read(_:)``.
final class ReadWorkers: @unchecked Sendable {
    static let shared = ReadWorkers(threads: max(2, ProcessInfo.processInfo.activeProcessorCount))

    // `jobs` is guarded by `condition`'s lock.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var next = 0

    private init(threads: Int) {
        for index in 0..<threads {
            let thread = Thread { [self] in work() }
            thread.name = "takt-read-\(index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Runs `body` on one of the read threads and returns its result (or throws its error) to the caller's task.
    func run<T: Sendable, Failure: Error>(_ body: @escaping @Sendable () throws(Failure) -> T) async throws(Failure) -> T {
        let result: Result<T, Failure> = await withCheckedContinuation { continuation in
            enqueue { continuation.resume(returning: Result { () throws(Failure) -> T in try body() }) }
        }
        return try result.get()
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// A read thread's life: wait for a job, run it, again (for as long as the process runs).
    private func work() {
        while true {
            condition.lock()
            while next == jobs.count { condition.wait() }
            let job = jobs[next]
            next += 1
            if next == jobs.count {  // drained: drop the done jobs so the queue does not grow
                jobs.removeAll(keepingCapacity: true)
                next = 0
            }
            condition.unlock()
            job()
        }
    }
}
