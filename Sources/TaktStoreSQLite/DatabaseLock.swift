import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a database for the life of a process (`flock` on `<database>.lock`): `takt serve` holds it,
/// so a console command that writes to the database (`takt admin issue-token`) can tell that a server is running and
/// refuse instead of writing behind its back. The operating system releases it when the process ends, even on SIGKILL.
public final class DatabaseLock: @unchecked Sendable {
    private let descriptor: Int32
    public let path: String

    /// Takes the lock, or answers nil when another process holds it.
    /// - Throws: ``LockError`` when the lock file cannot be opened.
    public init?(database: String) throws {
        path = database + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LockError(message: "cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    public struct LockError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}
