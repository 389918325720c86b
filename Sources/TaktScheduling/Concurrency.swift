import Foundation
import Synchronization

/// Result slots written by parallel workers, one slot per worker.
final class ResultSlots<Value: Sendable>: Sendable {
    private let storage: Mutex<[Value?]>

    init(count: Int) {
        storage = Mutex([Value?](repeating: nil, count: count))
    }

    func set(_ index: Int, _ value: Value) {
        storage.withLock { $0[index] = value }
    }

    func values() -> [Value] {
        storage.withLock { $0.compactMap { $0 } }
    }
}
