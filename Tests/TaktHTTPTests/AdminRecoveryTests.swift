import Foundation
import Logging
import TaktApp
import TaktCore
import TaktEngine
import TaktStore
import TaktStoreSQLite
import Testing

@Suite("A lost admin gets back in from the server's console")
struct AdminRecoveryTests {
    static func database() async throws -> (URL, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takt-recovery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("plant.sqlite").path
        let engine = try await TaktApplication.openEngine(databasePath: path, logger: Logger(label: "test"))
        _ = try await engine.bootstrapAdminIfEmpty(token: "lost-and-forgotten")
        return (dir, path)
    }

    @Test("takt admin issue-token gives the admin a new token that signs in; the log says it came from the console")
    func issuesToken() async throws {
        let (dir, path) = try await Self.database()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (id, secret) = try await Administration.issueAdminToken(databasePath: path, user: "admin", label: nil, logger: Logger(label: "test"))
        let engine = try await TaktApplication.openEngine(databasePath: path, logger: Logger(label: "test"))
        #expect(await engine.authenticate(tokenSecret: secret)?.id == "admin")
        let token = try #require(await engine.read { $0.tokens[id] })
        #expect(token.label.contains("console"))
        let last = try #require(try await engine.events(after: 0, limit: 100).last)
        #expect(last.actor == "system")
        #expect(last.correlationID == "console-recovery")
    }

    @Test("It refuses while a server holds the database, for a user who is not an admin, and on a missing database")
    func refusals() async throws {
        let (dir, path) = try await Self.database()
        defer { try? FileManager.default.removeItem(at: dir) }
        let logger = Logger(label: "test")
        do {
            let serverLock = try #require(try DatabaseLock(database: path))
            let running = await #expect(throws: ConsoleError.self) {
                _ = try await Administration.issueAdminToken(databasePath: path, user: "admin", label: nil, logger: logger)
            }
            #expect(running?.message.contains("takt serve is running") == true)
            withExtendedLifetime(serverLock) {}
        }
        let engine = try await TaktApplication.openEngine(databasePath: path, logger: logger)
        try await engine.submit(CommandEnvelope(command: .createUser(User(id: "op-anna", name: "Anna", roles: [.operator])), actor: .system))
        let notAdmin = await #expect(throws: ConsoleError.self) {
            _ = try await Administration.issueAdminToken(databasePath: path, user: "op-anna", label: nil, logger: logger)
        }
        #expect(notAdmin?.message.contains("not an active admin; active admins: admin") == true)
        await #expect(throws: ConsoleError.self) {
            _ = try await Administration.issueAdminToken(databasePath: path + "-missing", user: "admin", label: nil, logger: logger)
        }
        #expect(!FileManager.default.fileExists(atPath: path + "-missing"), "no new database is created by mistake")
    }

    @Test("takt audit verify on a served database: intact, every event checked")
    func verifies() async throws {
        let (dir, path) = try await Self.database()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (report, key) = try await Administration.verifyAudit(databasePath: path, publicKeyHex: nil)
        #expect(report.isIntact)
        #expect(report.eventsChecked == 2)
        #expect(key?.count == 64)
        await #expect(throws: ConsoleError.self) { _ = try await Administration.verifyAudit(databasePath: path, publicKeyHex: "zz") }
    }
}
