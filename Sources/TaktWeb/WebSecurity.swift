import Crypto
import Foundation

/// Where a redirect may go: one rule for every redirect the web app makes (sign-in's `next`, the forms' `back`).
enum Redirect {
    /// `target` when it is a local absolute path on this server, else nil.
    ///
    /// Local means: starts with exactly one "/", and neither the text nor its percent-decoded forms contain a backslash,
    /// a second leading slash, a scheme, or a control character. Browsers read `/\evil.example` and `//evil.example` as
    /// another host, and some decode `%5C` or drop tabs and newlines before they do, so all of those are refused.
    static func local(_ target: String?) -> String? {
        guard let target, !target.isEmpty, target.utf8.count <= 2048 else { return nil }
        var text = target
        // Check the text as sent and as decoded (up to three times: `%255C` is `%5C` once decoded).
        for _ in 0..<4 {
            guard isSafe(text) else { return nil }
            guard text.contains("%") else { return target }
            guard let decoded = text.removingPercentEncoding else { return nil }  // not valid percent-encoding: not ours
            if decoded == text { return target }
            text = decoded
        }
        return nil  // still changing after three decodings: not a path anyone needs
    }

    private static func isSafe(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard scalars.first == "/" else { return false }
        if scalars.count > 1, scalars[1] == "/" { return false }
        for s in scalars {
            if s == "\\" { return false }
            if s.value < 0x20 || s.value == 0x7F || (0x80...0x9F).contains(s.value) { return false }
            if s.properties.generalCategory == .format || s.properties.generalCategory == .lineSeparator
                || s.properties.generalCategory == .paragraphSeparator
            {
                return false
            }
        }
        // No scheme can come first: the text starts with "/".
        return true
    }

    /// `target` when local, else `fallback` (the home page of the signed-in user, or "/").
    static func target(_ target: String?, fallback: String) -> String { local(target) ?? fallback }
}

/// Synchronizer tokens against cross-site request forgery.
///
/// A token is an HMAC-SHA256, under a key made at start-up, of what it is bound to: the session ID for a signed-in
/// browser, or the sign-in nonce cookie before sign-in (login CSRF). Another site can make a browser send the cookie,
/// but it cannot read the page that carries the token, nor compute one; a token of one session is worthless in another.
/// The key lives in memory only: a restart ends every session anyway.
struct CSRFTokens: Sendable {
    /// The name of the hidden form field.
    static let field = "_csrf"
    private let key: SymmetricKey

    init(key: SymmetricKey = SymmetricKey(size: .bits256)) { self.key = key }

    /// What a token is bound to.
    enum Binding: Sendable, Equatable {
        case session(String)
        case signIn(nonce: String)
        var message: String {
            switch self {
            case .session(let id): "session:" + id
            case .signIn(let nonce): "signin:" + nonce
            }
        }
    }

    func token(for binding: Binding) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(binding.message.utf8), using: key)
        return Data(mac).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// True when `token` is the token of `binding` (compared in constant time).
    func verify(_ token: String?, for binding: Binding) -> Bool {
        guard let token, !token.isEmpty else { return false }
        let expected = Array(self.token(for: binding).utf8)
        let given = Array(token.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<expected.count { difference |= expected[i] ^ given[i] }
        return difference == 0
    }

    /// A fresh random nonce (256 bits, hex) for the sign-in cookie.
    static func nonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
    }

    /// `node` with a hidden token field as the first child of every `<form method="post">`: the one place forms get it,
    /// so no page can forget it.
    static func protect(_ node: Node, token: String) -> Node {
        switch node {
        case .element(let tag, let attributes, let children):
            let protectedChildren = children.map { protect($0, token: token) }
            let isPost =
                tag.lowercased() == "form"
                && attributes.contains { $0.name.lowercased() == "method" && $0.value?.lowercased() == "post" }
            if isPost {
                let hidden = Node.void("input", [Attribute("type", "hidden"), Attribute("name", field), Attribute("value", token)])
                return .element(tag, attributes, [hidden] + protectedChildren)
            }
            return .element(tag, attributes, protectedChildren)
        case .fragment(let nodes): return .fragment(nodes.map { protect($0, token: token) })
        case .void, .text, .raw: return node
        }
    }
}

/// The Origin check: a state-changing request whose `Origin` (or, without one, `Referer`) names another origin than
/// the server's own is refused, whatever it carries. Browsers send `Origin` on every cross-origin POST, so a page on
/// the same host but another port, or on a sibling subdomain, is told apart even where SameSite cookies are not.
enum OriginCheck {
    enum Verdict: Equatable, Sendable {
        case sameOrigin
        /// Neither header was sent (old clients, privacy settings): the token alone decides.
        case unknown
        case foreign(String)
    }

    /// - Parameters:
    ///   - authority: the `Host` the request was sent to (`host[:port]`).
    ///   - secure: the server is reached over TLS (the scheme of its own origin is https).
    static func verdict(origin: String?, referer: String?, authority: String?, secure: Bool) -> Verdict {
        let claimed: String
        if let origin, !origin.isEmpty {
            claimed = origin
        } else if let referer, !referer.isEmpty {
            claimed = referer
        } else {
            return .unknown
        }
        guard let authority, let own = normalized(scheme: secure ? "https" : "http", authority: authority),
            let url = URL(string: claimed), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased()
        else { return .foreign(claimed) }
        let port = url.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
        let theirs = "\(scheme)://\(host):\(port)"
        // Behind a TLS proxy the server may not know its scheme unless told (--secure-cookies): accept either scheme for
        // the same host and port only when not told, never another host or port.
        if theirs == own { return .sameOrigin }
        if !secure, let alternative = normalized(scheme: "https", authority: authority), theirs == alternative { return .sameOrigin }
        return .foreign(claimed)
    }

    /// `scheme://host:port` for a Host header, with the scheme's default port filled in.
    static func normalized(scheme: String, authority: String) -> String? {
        guard let url = URL(string: "\(scheme)://\(authority)"), let host = url.host?.lowercased(), !host.isEmpty else { return nil }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        return "\(scheme)://\(host):\(port)"
    }
}
