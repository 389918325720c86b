import Foundation

/// What of the event log may leave the server, and to whom. The one place that knows which events carry secrets
/// and which concern identities: every front end (the API's event list and stream, command answers, token lists)
/// asks here instead of deciding on its own.
public enum Redaction {
    /// Stands in for a secret in anything the server sends out.
    public static let marker = "[redacted]"

    /// The roles that may read identities (users and their tokens): the readers of `/users`.
    /// Everyone else sees the rest of the plant, never who holds which account.
    public static let identityReaders: Set<Role> = [.admin, .supervisor]

    /// Whether a user with `roles` may read identity records.
    public static func mayReadIdentities(_ roles: some Sequence<Role>) -> Bool {
        roles.contains { identityReaders.contains($0) }
    }
}

/// Who may read an event.
public enum EventAudience: String, Sendable, Hashable {
    /// Every signed-in user: the plant's state, which every role may read through the API anyway.
    case everyone
    /// Only ``Redaction/identityReaders``: users, their roles and their tokens.
    case identityReaders
    /// Only admins: webhook subscriptions (where the plant's data goes) and their dead letters.
    case admins
}

extension Event {
    /// The event as it may leave the server: every secret replaced by ``Redaction/marker``.
    /// A new event that carries a secret (a password hash, a second factor's seed) gets its case here.
    public var redacted: Event {
        switch self {
        case .apiTokenIssued(let token): .apiTokenIssued(token.redacted)
        case .webhookSubscriptionCreated(let s): .webhookSubscriptionCreated(s.redacted)
        case .webhookSubscriptionUpdated(let s): .webhookSubscriptionUpdated(s.redacted)
        case .passwordSet(var set):
            {
                set.hash.salt = Redaction.marker
                set.hash.hash = Redaction.marker
                return .passwordSet(set)
            }()
        default: self
        }
    }

    /// Who may read this event. A new identity event (a password set, a second factor enrolled) gets its case here.
    public var audience: EventAudience {
        switch self {
        case .userCreated, .userUpdated, .apiTokenIssued, .apiTokenRevoked, .passwordSet: .identityReaders
        case .webhookSubscriptionCreated, .webhookSubscriptionUpdated, .webhookSubscriptionDeleted, .webhookDeadLettered,
            .webhookDeadLetterReplayed:
            .admins
        default: .everyone
        }
    }

    /// Whether a user with `roles` may read this event.
    public func isVisible(to roles: some Sequence<Role>) -> Bool {
        switch audience {
        case .everyone: true
        case .identityReaders: Redaction.mayReadIdentities(roles)
        case .admins: roles.contains(.admin)
        }
    }
}

extension APIToken {
    /// The token without its secret's hash (only the server compares hashes).
    public var redacted: APIToken {
        var token = self
        token.secretHash = Redaction.marker
        return token
    }
}
