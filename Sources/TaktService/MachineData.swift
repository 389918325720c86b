import Synchronization
public import TaktCore

/// Where the front ends read the machine-data bridge's status: the bridge (`takt serve --mqtt …`) attaches itself; with
/// no bridge the status says so (no connection).
public final class MachineDataBoard: Sendable {
    private let source = Mutex<(@Sendable () -> MachineDataStatus)?>(nil)
    public init() {}

    public func attach(_ status: @escaping @Sendable () -> MachineDataStatus) { source.withLock { $0 = status } }
    public func detach() { source.withLock { $0 = nil } }

    /// The bridge's status; without a bridge an empty one whose `connection` is nil.
    public func status() -> MachineDataStatus { source.withLock { $0 }?() ?? MachineDataStatus() }
}
