public import Foundation

/// Exponential back-off after failed authentication, per client (a network address) and per account.
///
/// Pure: the time is passed in. After `free` failures in a row a key must wait `base` seconds, doubling with each
/// further failure up to `ceiling`; a success clears the key; a key quiet for `forget` is forgotten. A client that
/// sends bad tokens is slowed down whatever tokens it guesses; an account under attack is slowed down from every
/// client (a person signing in with the right password after the wait gets in: the wait is short and bounded).
public struct AuthThrottle: Sendable {
    public struct Policy: Sendable {
        /// Failures allowed before the first wait.
        public var free: Int
        /// The first wait, in seconds.
        public var base: TimeInterval
        /// The longest wait, in seconds.
        public var ceiling: TimeInterval
        /// A key with no failure for this long starts afresh.
        public var forget: TimeInterval
        public init(free: Int = 5, base: TimeInterval = 1, ceiling: TimeInterval = 300, forget: TimeInterval = 3_600) {
            self.free = free
            self.base = base
            self.ceiling = ceiling
            self.forget = forget
        }
    }

    /// What is throttled: a client address or an account (user ID).
    public enum Key: Hashable, Sendable {
        case client(String)
        case account(String)
    }

    struct Record: Sendable {
        var failures: Int
        var last: Date
        var blockedUntil: Date
    }

    public let policy: Policy
    private var records: [Key: Record] = [:]
    /// The most keys remembered; beyond it the oldest are dropped (memory stays bounded under a flood of addresses).
    public let capacity: Int

    public init(policy: Policy = Policy(), capacity: Int = 100_000) {
        self.policy = policy
        self.capacity = capacity
    }

    /// Seconds to wait before any of `keys` may try again, or nil when they may try now.
    public func retryAfter(_ keys: [Key], now: Date) -> TimeInterval? {
        let waits = keys.compactMap { key -> TimeInterval? in
            guard let r = records[key], r.blockedUntil > now, now.timeIntervalSince(r.last) < policy.forget else { return nil }
            return r.blockedUntil.timeIntervalSince(now)
        }
        return waits.max()
    }

    /// Records a failed attempt for every key.
    public mutating func failed(_ keys: [Key], now: Date) {
        for key in keys {
            var r = records[key] ?? Record(failures: 0, last: now, blockedUntil: now)
            if now.timeIntervalSince(r.last) >= policy.forget { r = Record(failures: 0, last: now, blockedUntil: now) }
            r.failures += 1
            r.last = now
            let over = r.failures - policy.free
            if over > 0 {
                let wait = min(policy.ceiling, policy.base * pow(2, Double(min(over - 1, 30))))
                r.blockedUntil = now.addingTimeInterval(wait)
            }
            records[key] = r
        }
        if records.count > capacity { prune(now: now) }
    }

    /// Clears the keys after a success.
    public mutating func succeeded(_ keys: [Key]) {
        for key in keys { records[key] = nil }
    }

    /// The failures in a row recorded for a key (0 when none or forgotten).
    public func failures(_ key: Key, now: Date) -> Int {
        guard let r = records[key], now.timeIntervalSince(r.last) < policy.forget else { return 0 }
        return r.failures
    }

    private mutating func prune(now: Date) {
        records = records.filter { now.timeIntervalSince($0.value.last) < policy.forget }
        if records.count > capacity {
            let keep = records.sorted { $0.value.last > $1.value.last }.prefix(capacity / 2)
            records = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
