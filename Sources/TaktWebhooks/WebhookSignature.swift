import Crypto
public import Foundation

/// The signature a receiver checks (docs/integration.md, "Webhooks"): `Takt-Signature: t=<unix seconds>,v1=<hex>`, where
/// `<hex>` is the lowercase hex HMAC-SHA256, keyed with the subscription's secret (its UTF-8 bytes, `whsec_` included),
/// of the timestamp, a full stop and the raw body: `"<t>.<body>"`. As Stripe and GitHub do: the timestamp is signed with
/// the body, so a captured request cannot be replayed later than the receiver's tolerance.
public enum WebhookSignature {
    /// The header's name.
    public static let header = "Takt-Signature"

    /// Lowercase hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`.
    public static func sign(secret: String, timestamp: Int, body: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The header's value: `t=<timestamp>,v1=<signature>`.
    public static func value(secret: String, timestamp: Int, body: Data) -> String {
        "t=\(timestamp),v1=\(sign(secret: secret, timestamp: timestamp, body: body))"
    }

    /// Whether a header's value signs `body` under `secret`, made at most `tolerance` seconds from `now` (either way).
    /// Any of several `v1=` values may match (a receiver rotating secrets checks each).
    public static func verify(_ value: String, secret: String, body: Data, now: Date, tolerance: TimeInterval = 300) -> Bool {
        var timestamp: Int?
        var signatures: [String] = []
        for part in value.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestamp = Int(pair[1]) } else if pair[0] == "v1" { signatures.append(pair[1]) }
        }
        guard let t = timestamp, abs(now.timeIntervalSince1970 - Double(t)) <= tolerance else { return false }
        let expected = Array(sign(secret: secret, timestamp: t, body: body).utf8)
        return signatures.contains { candidate in
            let given = Array(candidate.utf8)
            guard given.count == expected.count else { return false }
            // Constant time in the signature's content.
            return zip(given, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }
}
