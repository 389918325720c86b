import Foundation
import Testing

/// A real Eclipse Mosquitto broker for a test, on a free loopback port, with persistence in a directory of its own (so
/// a restart keeps the queued messages of persistent sessions, as a plant's broker would). Stopped when the test ends.
final class Broker: @unchecked Sendable {
    private(set) var port: Int
    let directory: URL
    private var process: Process?

    /// The broker binary: `mosquitto` on the PATH or in /usr/sbin (Debian's package puts it there).
    static var binary: String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin"] {
            let path = dir + "/mosquitto"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    init() throws {
        guard Self.binary != nil else {
            throw BrokerError("mosquitto is not installed (Debian: apt-get install mosquitto; .ci/run installs it)")
        }
        port = 0
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("takt-mosquitto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // A port outside the kernel's ephemeral range (where other tests' servers on port 0 land), free now; another
        // one if mosquitto could not take it after all.
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            port = Int.random(in: 20_000..<30_000, using: &rng)
            guard Self.isFree(port) else { continue }
            try writeConfig()
            if (try? start()) != nil { return }
        }
        throw BrokerError("could not start mosquitto on a free loopback port")
    }

    private func writeConfig() throws {
        let config = """
            listener \(port) 127.0.0.1
            allow_anonymous true
            persistence true
            persistence_location \(directory.path)/
            autosave_interval 1
            max_queued_messages 100000
            log_dest none
            \(getuid() == 0 ? "user root" : "")
            """
        try config.write(to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func start() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary!)
        p.arguments = ["-c", directory.appendingPathComponent("mosquitto.conf").path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        // Ready once it accepts a connection while still running (not another server on the port): at most 5 s.
        for _ in 0..<500 {
            guard p.isRunning else { break }
            if Self.accepts(port) {
                usleep(20_000)
                if p.isRunning { return }
                break
            }
            usleep(10_000)
        }
        stop()
        throw BrokerError("mosquitto did not listen on 127.0.0.1:\(port) within 5 s")
    }

    /// Stops it (SIGTERM: it saves its persistence file first) and waits for it to exit.
    func stop() {
        guard let p = process else { return }
        process = nil
        // SIGTERM (mosquitto saves its persistence file first), then at most 5 s for it to go, then SIGKILL.
        // (Foundation's waitUntilExit spins on Linux off the main thread: polled instead.)
        let pid = p.processIdentifier
        kill(pid, SIGTERM)
        for _ in 0..<500 where p.isRunning { usleep(10_000) }
        if p.isRunning { kill(pid, SIGKILL) }
        for _ in 0..<100 where p.isRunning { usleep(10_000) }
    }

    func restart() throws {
        stop()
        try start()
    }

    /// Nothing listens on the port and it can be bound on 127.0.0.1.
    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

struct BrokerError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Waits until `condition` holds, checking every 20 ms, at most `seconds`; records an issue naming `what` if it never does.
@discardableResult
func eventually(
    _ what: String,
    seconds: Double = 30,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let rounds = Int(seconds * 50)
    for _ in 0..<rounds {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("never happened within \(seconds) s: \(what)", sourceLocation: sourceLocation)
    return false
}
