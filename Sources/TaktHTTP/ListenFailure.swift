import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the server could not start listening, told by the error's type rather than by its message.
public enum ListenFailure {
    /// True when `error` says another socket already holds the address and port: binding the server's socket failed
    /// with `EADDRINUSE` (NIO's `IOError`, which Hummingbird passes on unchanged when the server starts).
    public static func isAddressInUse(_ error: any Error) -> Bool {
        (error as? IOError)?.errnoCode == EADDRINUSE
    }
}
