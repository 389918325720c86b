import ArgumentParser
import Foundation
import Logging
import TaktApp
import TaktCore
import TaktEngine
import TaktStore

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Console duties on the server's own machine, straight on its database (stop takt serve first).",
        subcommands: [AdminIssueTokenCommand.self]
    )
}

struct AdminIssueTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue-token",
        abstract: "Issue a new API token for an active admin: the way back when every admin token is lost.",
        discussion: "Refuses while takt serve runs on the database. The secret is printed once; the log records the token as "
            + "issued by the system from the console."
    )

    @Option(help: "The SQLite database file of the server.")
    var db = "takt.sqlite"
    @Option(help: "The admin's user ID.")
    var user = "admin"
    @Option(help: "The token's label (default: says it was a console recovery).")
    var label: String?

    func run() async throws {
        var logger = Logger(label: "takt.admin")
        logger.logLevel = .warning
        let (id, secret) = try await Self.console {
            try await Administration.issueAdminToken(databasePath: db, user: User.ID(user), label: label, logger: logger)
        }
        print("Issued token \(id) for '\(user)'. Its secret (shown once):\n  \(secret)")
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The tamper-evident audit trail (docs/security.md).",
        subcommands: [AuditVerifyCommand.self, AuditChangesCommand.self]
    )
}

struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check every link of the log's hash chain and every signed checkpoint; name the first broken link.",
        discussion: "Exit status 0 when the log is intact, 1 when a link is broken. Give --public-key (kept apart from the server) "
            + "to check the checkpoints against the key you trust rather than the key file beside the database."
    )

    @Option(help: "The SQLite database file (a copy is fine).")
    var db = "takt.sqlite"
    @Option(help: "The trusted Ed25519 public key, 64 hex characters (default: the key in <db>.audit-key).")
    var publicKey: String?

    func run() async throws {
        let started = ContinuousClock.now
        let terminal = isatty(STDERR_FILENO) == 1
        let verified = try await Self.console {
            try await Administration.verifyAudit(databasePath: db, publicKeyHex: publicKey) { at in
                if terminal { FileHandle.standardError.write(Data("\rchecked up to event \(at)…".utf8)) }
            }
        }
        let (report, key) = verified
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let seconds =
            Double((ContinuousClock.now - started).components.attoseconds) / 1e18 + Double((ContinuousClock.now - started).components.seconds)
        print("events checked: \(report.eventsChecked) (log ends at \(report.lastSequence))")
        print(
            "signed checkpoints checked: \(report.checkpointsChecked)" + (key.map { " with public key \($0)" } ?? " (no key: signatures not checked)")
        )
        if report.lastSequence > report.lastCheckpoint {
            print("events after the last checkpoint (chained, not yet signed): \(report.lastSequence - report.lastCheckpoint)")
        }
        print(String(format: "time: %.2f s", seconds))
        if let broken = report.firstBreak {
            print("BROKEN at event \(broken.sequence) (\(broken.problem.rawValue)): \(broken.message)")
            throw ExitCode(1)
        }
        print("the audit trail is intact")
    }
}

extension AsyncParsableCommand {
    /// Runs console work, turning its refusals into a plain CLI error.
    static func console<T>(_ work: () async throws -> T) async throws -> T {
        do { return try await work() } catch let error as ConsoleError { throw CLIError(error.message) }
    }
}

struct AuditChangesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "Who changed which master data, when, and what it was before and after (items, BOMs, routings, users, playbooks …)."
    )

    @Option(help: "The SQLite database file (the server may be running).")
    var db = "takt.sqlite"
    @Option(help: "Only this record, as kind:id, e.g. item:MH-NB-50-200 or user:op-anna.")
    var subject: String?
    @Flag(help: "One JSON object per line instead of text.")
    var json = false

    func run() async throws {
        var logger = Logger(label: "takt.audit")
        logger.logLevel = .warning
        let changes = try await Self.console { try await Administration.masterDataChanges(databasePath: db, subject: subject, logger: logger) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        for c in changes {
            if json {
                print(String(decoding: try encoder.encode(c), as: UTF8.self))
            } else {
                let what = c.before == nil ? "created" : "changed \(c.changedFields.joined(separator: ", "))"
                print("\(c.sequence)  \(ISO8601DateFormatter().string(from: c.at))  \(c.actor)  \(c.subject)  \(what)")
            }
        }
        if !json { print("\(changes.count) change(s)") }
    }
}

struct MCPCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "The MCP server on stdio, for desktop AI clients: carries every message to a running takt serve's POST /mcp.",
        discussion: "Authenticates with the API token in TAKT_TOKEN (the token's label names the agent in the log; a read-only "
            + "token sees the read tools only). Standard output carries MCP messages only; diagnostics go to standard error. "
            + "See docs/agents.md for a Claude Desktop configuration."
    )

    @Option(help: "The Takt server's base URL (default: TAKT_URL, else http://127.0.0.1:8080).")
    var server: String?

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        let url = server ?? env["TAKT_URL"] ?? "http://127.0.0.1:8080"
        do {
            try await MCPStdio.run(server: url, token: env["TAKT_TOKEN"] ?? "") { message in
                FileHandle.standardError.write(Data((message + "\n").utf8))
            }
        } catch let error as MCPStdio.SetupError {
            FileHandle.standardError.write(Data("takt mcp: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}
