import Foundation
import Hummingbird
import NIOCore
import TaktHTTP
import TaktTestSupport
import Testing

@Suite("Starting a server on an address in use")
struct ListenFailureTests {
    /// An empty application on 127.0.0.1:`port` that reports the port it listens on.
    static func app(port: Int, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: Router(),
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: TestPlant.quietLogger
        )
    }

    @Test("A second server on a port in use fails with an error recognised by its type, not its message")
    func addressInUse() async throws {
        try await TestConnection.run(
            .live,
            app: { onRunning in Self.app(port: 0, onRunning: onRunning) },
            body: { first in
                let port = try #require(first.port)
                let error = await #expect(throws: (any Error).self) { try await Self.app(port: port).run() }
                let failure = try #require(error)
                #expect(ListenFailure.isAddressInUse(failure), "not recognised: \(String(reflecting: failure))")
            }
        )
    }

    @Test("Other errors are not taken for an address in use")
    func otherErrors() {
        #expect(!ListenFailure.isAddressInUse(CancellationError()))
        #expect(!ListenFailure.isAddressInUse(IOError(errnoCode: ECONNREFUSED, reason: "connect")))
        #expect(ListenFailure.isAddressInUse(IOError(errnoCode: EADDRINUSE, reason: "bind")))
    }
}
