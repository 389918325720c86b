public import Foundation
import TaktCore

/// What a page tells the user once after a form was sent (kept in the session, shown by the next page).
struct Flash: Sendable, Equatable {
    enum Kind: String, Sendable { case success, error, interlock }
    var kind: Kind
    var title: String
    var lines: [String]
    /// The form that was refused (its hidden `form` field) and, by field name, the words of each rule that named a field:
    /// shown beside that field on the form.
    var form: String? = nil
    var fields: [String: String] = [:]
    /// What the refused form held, by field name, when its page puts it back in the form (``TypedRefusal``).
    var typed: [String: String]? = nil
}

/// Signed-in browsers: a random session ID (the HttpOnly cookie) mapped to the user and the token they signed in
/// with. Kept in memory only: a restart signs everyone out, and no session secret is ever written to disk.
public actor SessionStore {
    /// Idle sessions end after 14 hours: a long shift and a break, not the next day.
    public static let defaultIdleLimit: TimeInterval = 14 * 3600

    struct Session: Sendable {
        var user: User.ID
        /// The API token the user signed in with; revoking it ends the session.
        var token: APIToken.ID
        var lastSeen: Date
        var flash: Flash?
    }

    private var sessions: [String: Session] = [:]
    /// Idle sessions end after this long (a long shift and a break).
    let idleLimit: TimeInterval
    /// The most sessions kept; the least recently used go first.
    let capacity: Int

    init(idleLimit: TimeInterval = SessionStore.defaultIdleLimit, capacity: Int = 10_000) {
        self.idleLimit = idleLimit
        self.capacity = capacity
    }

    /// Starts a session and returns its ID: 32 random bytes from the system's CSPRNG, hex encoded.
    func create(user: User.ID, token: APIToken.ID, now: Date) -> String {
        if sessions.count >= capacity {
            let oldest = sessions.min { $0.value.lastSeen < $1.value.lastSeen }?.key
            if let oldest { sessions[oldest] = nil }
        }
        var generator = SystemRandomNumberGenerator()
        var id = ""
        for _ in 0..<4 { id += String(format: "%016llx", generator.next() as UInt64) }
        sessions[id] = Session(user: user, token: token, lastSeen: now)
        return id
    }

    /// The session, touched, or nil when unknown or idle too long.
    func touch(_ id: String, now: Date) -> Session? {
        guard var s = sessions[id] else { return nil }
        if now.timeIntervalSince(s.lastSeen) > idleLimit {
            sessions[id] = nil
            return nil
        }
        s.lastSeen = now
        sessions[id] = s
        return s
    }

    func end(_ id: String) { sessions[id] = nil }

    func setFlash(_ id: String, _ flash: Flash) { sessions[id]?.flash = flash }

    func takeFlash(_ id: String) -> Flash? {
        let f = sessions[id]?.flash
        sessions[id]?.flash = nil
        return f
    }

    var count: Int { sessions.count }
}
