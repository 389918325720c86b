import Foundation
import TaktHTTP
import TaktTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A raw TCP client on loopback, to behave as no HTTP client library would: send half a request, trickle a body.
final class RawClient {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawError("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw RawError("connect failed")
        }
    }
    deinit { close(fd) }

    func send(_ text: String) {
        _ = text.withCString { Glibc.send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    }

    enum Read: Equatable {
        case data(String)
        case closed, nothing
    }

    /// Waits up to `milliseconds` for something from the server. Never blocks a thread (the server's handlers share the
    /// cooperative pool with the tests): polls without waiting, then sleeps 10 ms.
    func read(waiting milliseconds: Int) async throws -> Read {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        for step in 0...(milliseconds / 10) {
            if poll(&p, 1, 0) > 0 { break }
            if step == milliseconds / 10 { return .nothing }
            try await Task.sleep(for: .milliseconds(10))
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { return .closed }
        return .data(String(decoding: buffer[0..<n], as: UTF8.self))
    }

    /// Reads until the server closes the connection or `seconds` pass (polling in steps); returns what came and whether it closed.
    func readUntilClosed(within seconds: Int) async throws -> (text: String, closed: Bool) {
        var text = ""
        for _ in 0..<(seconds * 10) {
            switch try await read(waiting: 100) {
            case .data(let d): text += d
            case .closed: return (text, true)
            case .nothing: continue
            }
        }
        return (text, false)
    }
}

struct RawError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

@Suite("Slow and silent clients cannot hold connections")
struct TimeoutTests {
    static let short = HTTPTimeouts(idle: .seconds(1), body: .seconds(2))

    @Test("A connection that sends nothing, or half a request head, is closed after the idle timeout")
    func halfOpenAndHalfHeadAreClosed() async throws {
        try await TestServer.run(timeouts: Self.short, transport: .live) { s in
            let silent = try RawClient(port: s.port)
            let half = try RawClient(port: s.port)
            half.send("GET /api/v1/users/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bear")
            #expect(try await silent.readUntilClosed(within: 5).closed, "a silent connection was held past 5 s with a 1 s idle timeout")
            #expect(try await half.readUntilClosed(within: 5).closed, "half a request head was held past 5 s with a 1 s idle timeout")
        }
    }

    @Test("A request that promises 1,000 bytes and sends one is closed after the idle timeout")
    func stalledBodyIsClosed() async throws {
        try await TestServer.run(timeouts: Self.short, transport: .live) { s in
            let client = try RawClient(port: s.port)
            client.send(
                "POST /api/v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(TestServer.adminToken)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
            )
            #expect(try await client.readUntilClosed(within: 5).closed, "a stalled body was held past 5 s with a 1 s idle timeout")
        }
    }

    @Test("A body trickled a byte at a time gets 408 after the body timeout and the connection is closed")
    func trickledBodyGets408() async throws {
        // An idle timeout well above the trickle's pace, so that only the body timeout can end it (even on a loaded machine).
        try await TestServer.run(timeouts: HTTPTimeouts(idle: .seconds(10), body: .seconds(2)), transport: .live) { s in
            let client = try RawClient(port: s.port)
            client.send(
                "POST /api/v1/customers HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(TestServer.adminToken)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
            )
            var answer = ""
            var closed = false
            for _ in 0..<60 where !closed && answer.isEmpty {  // a byte every 0.3 s (inside the idle timeout), at most 18 s
                client.send(" ")
                switch try await client.read(waiting: 300) {
                case .data(let d): answer += d
                case .closed: closed = true
                case .nothing: break
                }
            }
            if !closed {
                let rest = try await client.readUntilClosed(within: 5)  // inside the idle timeout: the server closes it itself
                answer += rest.text
                closed = rest.closed
            }
            #expect(closed, "a trickled body held the connection past the body timeout")
            // The 408 is written just before the connection closes; on a loaded machine the close can win the race and
            // the client reads nothing. What must never happen is another answer (the request applied) or no close.
            if !answer.isEmpty {
                #expect(answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
                #expect(answer.contains("request-timeout"))
            }
        }
    }

    @Test("A normal request on a keep-alive connection is answered; the idle connection is closed afterwards")
    func normalRequestsStillWork() async throws {
        try await TestServer.run(timeouts: Self.short, transport: .live) { s in
            let client = try RawClient(port: s.port)
            client.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let result = try await client.readUntilClosed(within: 5)
            #expect(result.text.hasPrefix("HTTP/1.1 200"), "\(result.text)")
            #expect(result.closed)
        }
    }
}
