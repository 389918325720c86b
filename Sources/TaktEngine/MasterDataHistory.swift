public import Foundation
public import TaktCore
public import TaktStore

/// One change of master data as the audit trail shows it (EU GMP Annex 11 §9): who, when, what before and after.
public struct MasterDataChange: Codable, Sendable, Equatable {
    /// `kind:id`, e.g. `item:MH-NB-50-200`, `user:op-anna`, `approval-policy:plant`.
    public var subject: String
    public var sequence: Int64
    public var at: Date
    /// The user ID, or `system`.
    public var actor: String
    public var event: String
    /// Nil when the change created the record.
    public var before: JSONValue?
    public var after: JSONValue
    /// The top-level fields whose value changed (every field of a new record).
    public var changedFields: [String]
}

/// Master-data changes, computed from the log: the "after" is the event, the "before" the previous event on the same
/// subject. The log is hash-chained (``AuditChain``), so this history is as trustworthy as the log.
public struct MasterDataHistory: Sendable {
    /// The events that define master data, and the kind of record each defines.
    public static let kinds: [String: String] = [
        "siteDefined": "site", "skillDefined": "skill", "workCenterDefined": "work-center", "locationDefined": "location",
        "itemDefined": "item", "bomDefined": "bom", "routingDefined": "routing", "customerDefined": "customer",
        "userCreated": "user", "userUpdated": "user", "workInstructionDefined": "work-instruction",
        "inspectionPlanDefined": "inspection-plan", "playbookDefined": "playbook", "approvalPolicyDefined": "approval-policy",
        "machineSignalMappingDefined": "machine-signal-mapping",
    ]

    private var last: [String: JSONValue] = [:]
    public private(set) var changes: [MasterDataChange] = []
    let subject: String?

    /// - Parameter subject: keep only this subject's changes (`kind:id`); nil keeps all.
    public init(subject: String?) { self.subject = subject }

    /// Reads the next event of the log (in order).
    public mutating func feed(_ event: RecordedEvent) {
        guard let kind = Self.kinds[event.type],
            let after = try? TaktJSON.decoder.decode(JSONValue.self, from: event.payload)
        else { return }
        var id = "plant"
        if case .object(let fields) = after, case .string(let value)? = fields["id"] { id = value }
        let key = "\(kind):\(id)"
        let before = last[key]
        last[key] = after
        guard subject == nil || subject == key else { return }
        changes.append(
            MasterDataChange(
                subject: key,
                sequence: event.sequence,
                at: event.recordedAt,
                actor: event.actor,
                event: event.type,
                before: before,
                after: after,
                changedFields: Self.changedFields(before, after)
            )
        )
    }

    static func changedFields(_ before: JSONValue?, _ after: JSONValue) -> [String] {
        guard case .object(let new) = after else { return before == after ? [] : ["(value)"] }
        guard case .object(let old)? = before else { return new.keys.sorted() }
        return Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
    }
}

extension Engine {
    /// Every change of master data in the log (or of one subject), oldest first; reads the whole log page by page.
    public func masterDataChanges(subject: String?) async throws -> [MasterDataChange] {
        var history = MasterDataHistory(subject: subject)
        var after: Int64 = 0
        while true {
            let page = try await store.read(after: after, limit: 2_000)
            guard let last = page.last else { break }
            for event in page { history.feed(event) }
            after = last.sequence
        }
        return history.changes
    }
}
