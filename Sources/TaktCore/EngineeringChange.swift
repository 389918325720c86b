public import Foundation

// Engineering changes: attachments, the change order's life (draft → submitted → approved or rejected → released) and
// what releasing it does. A released work instruction changes only through a change (defineWorkInstruction refuses an
// existing one); operators then acknowledge the new revision before they may start (the interlock in Execution.swift).

extension PlantState {
    /// The largest attachment: 2 MiB (a photo of a fixture, a drawing as PDF). It fits a web form's upload and, as
    /// base64, an API body.
    public static let maximumAttachmentBytes = 2 * 1024 * 1024

    /// The approval rule for engineering changes: the policy's, or the standard one.
    public var engineeringChangeRule: EngineeringChangeApprovalRule { approvalPolicy.engineeringChange ?? .standard }

    /// The revision after `current`: letters count on like spreadsheet columns (A → B, Z → AA, AZ → BA), numbers
    /// count up (1 → 2, 09 → 10); nil for any other form (then a change must name its revision).
    public static func nextRevision(after current: String) -> String? {
        guard !current.isEmpty, current.utf8.count <= 19 else { return nil }
        if current.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(current) {
            let next = String(n + 1)
            return String(repeating: "0", count: max(0, current.count - next.count)) + next
        }
        let scalars = Array(current.unicodeScalars)
        guard scalars.allSatisfy({ $0.value >= 65 && $0.value <= 90 }) else { return nil }
        var digits = scalars.map { Int($0.value) - 65 }
        var i = digits.count - 1
        while i >= 0 {
            if digits[i] < 25 {
                digits[i] += 1
                break
            }
            digits[i] = 0
            i -= 1
        }
        if i < 0 { digits.insert(0, at: 0) }
        return String(String.UnicodeScalarView(digits.compactMap { Unicode.Scalar(UInt32($0 + 65)) }))
    }

    /// The released revisions of a work instruction, oldest first.
    public func history(of id: WorkInstruction.ID) -> WorkInstructionHistory? {
        guard let wi = workInstructions[id] else { return nil }
        let revisions =
            workInstructionRevisions[id]
            ?? [WorkInstructionRevision(revision: wi.revision, title: wi.title, text: wi.text, attachments: wi.attachments)]
        return WorkInstructionHistory(workInstruction: id, current: wi.revision, revisions: revisions)
    }

    /// One released revision of a work instruction.
    public func revision(_ revision: String, of id: WorkInstruction.ID) -> WorkInstructionRevision? {
        history(of: id)?.revisions.last { $0.revision == revision }
    }

    /// What the change does to the work instruction's text: the line diff from the revision it was raised against (empty
    /// for a new work instruction) to the proposed text. Nil when it proposes no revision.
    public func textDiff(of change: EngineeringChange) -> TextDiff? {
        guard let proposal = change.workInstruction else { return nil }
        let base = change.baseRevision.flatMap { revision($0, of: proposal.workInstruction)?.text } ?? ""
        return TextDiff(old: base, new: proposal.text)
    }

    // MARK: - Decide

    func decideEngineering(_ command: Command, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        switch command {
        case .uploadAttachment(let upload):
            return [.attachmentUploaded(try validate(upload, actor: actor, now: now))]

        case .createEngineeringChange(let create):
            return [.engineeringChangeCreated(try validate(create, actor: actor, now: now))]

        case .submitEngineeringChange(let ref):
            let eco = try engineeringChange(ref.engineeringChange)
            guard eco.status == .draft else {
                throw .conflict("engineeringChange", "status", "\(eco.id) is \(eco.status.rawValue); only a draft can be submitted")
            }
            return [
                .engineeringChangeSubmitted(
                    EngineeringChangeSubmitted(engineeringChange: eco.id, requiredRoles: engineeringChangeRule.roles, by: actor, at: now)
                )
            ]

        case .approveEngineeringChange(let d):
            let (eco, user, role) = try approver(d, actor: actor, verb: "approve")
            if eco.approvals.contains(where: { $0.user == user.id }) {
                throw .conflict("engineeringChange", "already-approved", "\(user.name) has already approved \(eco.id)")
            }
            let approval = EngineeringChangeApproval(role: role, user: user.id, note: d.note, at: now)
            return [
                .engineeringChangeApproved(
                    EngineeringChangeApproved(engineeringChange: eco.id, approval: approval, complete: eco.pendingRoles.count <= 1)
                )
            ]

        case .rejectEngineeringChange(let d):
            let note = d.note?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard !note.isEmpty else { throw .invalid("note", "required", "say why the engineering change is rejected") }
            let (eco, user, role) = try approver(d, actor: actor, verb: "reject")
            return [.engineeringChangeRejected(EngineeringChangeRejected(engineeringChange: eco.id, role: role, by: user.id, note: note, at: now))]

        case .releaseEngineeringChange(let ref):
            return try release(try engineeringChange(ref.engineeringChange), actor: actor, now: now)

        default:
            throw .invalid("type", "unsupported", "not an engineering change command")
        }
    }

    func engineeringChange(_ id: EngineeringChange.ID) throws(DomainError) -> EngineeringChange {
        guard let eco = engineeringChanges[id] else { throw .notFound("engineeringChange", "engineering change '\(id)' does not exist") }
        return eco
    }

    func validate(_ upload: UploadAttachment, actor: User.ID?, now: Date) throws(DomainError) -> Attachment {
        var v = Validator()
        v.name(upload.filename, "filename")
        v.check(
            !upload.filename.contains("/") && !upload.filename.contains("\\"),
            "filename",
            "no-path",
            "filename is a file's name, without a folder ('/' or '\\')"
        )
        let bytes = upload.content.data
        let declared = AttachmentType(rawValue: upload.contentType.lowercased().trimmingCharacters(in: .whitespaces))
        if declared == nil {
            v.add(
                "contentType",
                "allowed-type",
                "contentType must be image/png, image/jpeg or application/pdf (got '\(upload.contentType.prefix(100))')"
            )
        }
        if bytes.isEmpty {
            v.add("content", "required", "the file is empty")
        } else if bytes.count > Self.maximumAttachmentBytes {
            v.add(
                "content",
                "max-size",
                "the file holds \(bytes.count) bytes; an attachment may hold at most \(Self.maximumAttachmentBytes) bytes (2 MiB)"
            )
        } else if let declared, AttachmentType.detect(bytes) != declared {
            let found = AttachmentType.detect(bytes).map { "those of \($0.rawValue)" } ?? "none of PNG, JPEG or PDF"
            v.add(
                "content",
                "magic-bytes",
                "the file is declared \(declared.rawValue), but its first bytes are \(found); only PNG, JPEG and PDF files are taken"
            )
        }
        if let id = upload.engineeringChange {
            if let eco = engineeringChanges[id] {
                v.check(
                    eco.status == .draft,
                    "engineeringChange",
                    "status",
                    "\(eco.id) is \(eco.status.rawValue); files are added only to a draft (raise a new change)"
                )
                v.check(
                    eco.workInstruction != nil,
                    "engineeringChange",
                    "no-revision",
                    "\(eco.id) proposes no work instruction revision to attach the file to"
                )
                v.check(
                    (eco.workInstruction?.attachments.count ?? 0) < 50,
                    "engineeringChange",
                    "max-count",
                    "a revision may carry at most 50 attachments"
                )
            } else {
                v.add("engineeringChange", "unknown-reference", "engineering change '\(id)' does not exist")
            }
        }
        try v.throwIfAny()
        return Attachment(
            id: Attachment.ID(String(format: "ATT-%06d", nextAttachmentNumber)),
            filename: upload.filename,
            contentType: declared ?? .pdf,
            size: bytes.count,
            uploadedBy: actor,
            at: now,
            content: upload.content,
            engineeringChange: upload.engineeringChange
        )
    }

    func validate(_ create: CreateEngineeringChange, actor: User.ID?, now: Date) throws(DomainError) -> EngineeringChange {
        var v = Validator()
        v.name(create.title, "title")
        v.check(!create.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "reason", "required", "say why the change is needed")
        v.check(
            create.workInstruction != nil || !create.routingChanges.isEmpty,
            "workInstruction",
            "required",
            "an engineering change proposes a new work instruction revision, routing changes, or both"
        )
        var proposal = create.workInstruction
        var baseRevision: String?
        if var p = proposal {
            let f = "workInstruction"
            v.code(p.workInstruction, "\(f).workInstruction")
            let current = workInstructions[p.workInstruction]
            baseRevision = current?.revision
            if let title = p.title {
                v.name(title, "\(f).title")
            } else if current == nil {
                v.add("\(f).title", "required", "work instruction '\(p.workInstruction)' is new; give it a title")
            }
            p.title = p.title ?? current?.title
            v.check(p.attachments.count <= 50, "\(f).attachments", "max-count", "a revision may carry at most 50 attachments")
            var seen = Set<Attachment.ID>()
            for (i, a) in p.attachments.enumerated() {
                v.check(attachments[a] != nil, "\(f).attachments[\(i)]", "unknown-reference", "attachment '\(a)' does not exist; upload it first")
                v.check(seen.insert(a).inserted, "\(f).attachments[\(i)]", "unique", "attachment '\(a)' is listed twice")
            }
            let used = Set(history(of: p.workInstruction)?.revisions.map(\.revision) ?? [])
            if let named = p.revision {
                v.name(named, "\(f).revision")
                v.check(named.count <= 20, "\(f).revision", "max-length", "revision must be at most 20 characters")
                v.check(!used.contains(named), "\(f).revision", "unique", "\(p.workInstruction) already had revision '\(named)'")
            } else if let current {
                if let next = Self.nextRevision(after: current.revision), !used.contains(next) {
                    p.revision = next
                } else {
                    v.add(
                        "\(f).revision",
                        "required",
                        "the current revision '\(current.revision)' of \(current.id) is not counted in letters or numbers; name the new revision"
                    )
                }
            } else {
                p.revision = "A"
            }
            if let current, current.text == p.text, current.title == p.title, current.attachments == p.attachments {
                v.add("\(f).text", "unchanged", "the proposed text, title and attachments are those of the current revision \(current.revision)")
            }
            proposal = p
        }
        var before: [RoutingOperation] = []
        var seenOps = Set<String>()
        for (i, change) in create.routingChanges.enumerated() {
            let f = "routingChanges[\(i)]"
            guard let routing = routings[change.routing] else {
                v.add("\(f).routing", "unknown-reference", "routing '\(change.routing)' does not exist")
                continue
            }
            guard let op = routing.operations.first(where: { $0.sequence == change.operation }) else {
                v.add("\(f).operation", "unknown-reference", "routing '\(routing.id)' has no operation \(change.operation)")
                continue
            }
            before.append(op)
            v.check(
                seenOps.insert("\(routing.id)#\(op.sequence)").inserted,
                "\(f).operation",
                "unique",
                "operation \(op.sequence) of \(routing.id) is changed twice; put both changes in one entry"
            )
            v.check(
                change.workCenter != nil || change.setupMinutes != nil || change.runMinutesPerUnit != nil || change.workInstruction != nil,
                "\(f)",
                "required",
                "name what changes on operation \(op.sequence) of \(routing.id): workCenter, setupMinutes, runMinutesPerUnit or workInstruction"
            )
            if let wc = change.workCenter {
                if let center = workCenters[wc] {
                    v.check(center.active, "\(f).workCenter", "inactive", "work center '\(wc)' is deactivated; reactivate it or choose another")
                    let eligible = op.workCenters.contains { $0.workCenter == wc }
                    v.check(
                        eligible || (change.setupMinutes != nil && change.runMinutesPerUnit != nil),
                        "\(f).workCenter",
                        "times-required",
                        "\(wc) does not run operation \(op.sequence) of \(routing.id) yet; give its setupMinutes and runMinutesPerUnit"
                    )
                } else {
                    v.add("\(f).workCenter", "unknown-reference", "work center '\(wc)' does not exist")
                }
            }
            if let s = change.setupMinutes { v.nonNegative(s, "\(f).setupMinutes") }
            if let r = change.runMinutesPerUnit { v.nonNegative(r, "\(f).runMinutesPerUnit") }
            if let wi = change.workInstruction {
                v.check(
                    workInstructions[wi] != nil || proposal?.workInstruction == wi,
                    "\(f).workInstruction",
                    "unknown-reference",
                    "work instruction '\(wi)' does not exist"
                )
            }
        }
        try v.throwIfAny()
        return EngineeringChange(
            id: EngineeringChange.ID(String(format: "ECO-%06d", nextEngineeringChangeNumber)),
            title: create.title,
            reason: create.reason,
            workInstruction: proposal,
            baseRevision: baseRevision,
            routingChanges: create.routingChanges,
            routingBefore: before,
            createdBy: actor,
            createdAt: now
        )
    }

    /// The change, the approver and the role they decide in: the change must be submitted, the approver hold a role it
    /// still waits for (an admin stands in for any), and not be its author unless the policy allows it.
    func approver(_ d: DecideEngineeringChange, actor: User.ID?, verb: String) throws(DomainError) -> (EngineeringChange, User, Role) {
        let eco = try engineeringChange(d.engineeringChange)
        guard eco.status == .submitted else {
            let hint = eco.status == .draft ? "; submit it first" : ""
            throw .conflict("engineeringChange", "status", "\(eco.id) is \(eco.status.rawValue); only a submitted change can be \(verb)d\(hint)")
        }
        return try approverOf(eco, actor: actor, verb: verb)
    }

    private func approverOf(_ eco: EngineeringChange, actor: User.ID?, verb: String) throws(DomainError) -> (EngineeringChange, User, Role) {
        guard let actor, let user = users[actor] else {
            throw .forbidden("engineeringChange", "approval-role", "only a signed-in user can \(verb) an engineering change")
        }
        if eco.createdBy == user.id, engineeringChangeRule.authorMayApprove != true {
            throw .forbidden(
                "engineeringChange",
                "own-change",
                "\(user.name) raised \(eco.id) and may not \(verb) it; the approval policy asks for someone else"
            )
        }
        let pending = eco.pendingRoles
        guard let role = user.has(.admin) ? pending.first : pending.first(where: { user.has($0) }) else {
            let needed = pending.map(\.rawValue).joined(separator: " and ")
            throw .forbidden(
                "engineeringChange",
                "approval-role",
                "\(eco.id) waits for approval by \(needed.isEmpty ? "nobody" : needed); \(user.name) has the roles "
                    + user.roles.map(\.rawValue).sorted().joined(separator: ", ")
            )
        }
        return (eco, user, role)
    }

    func release(_ eco: EngineeringChange, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        guard eco.status == .approved else {
            let waiting = eco.status == .submitted ? " (waiting for approval by \(eco.pendingRoles.map(\.rawValue).joined(separator: " and ")))" : ""
            throw .conflict(
                "engineeringChange",
                "not-approved",
                "\(eco.id) is \(eco.status.rawValue)\(waiting); only an approved change can be released"
            )
        }
        var events: [Event] = []
        var scratch = self
        var released: (WorkInstruction.ID, String)?
        if let p = eco.workInstruction, let revision = p.revision {
            let current = workInstructions[p.workInstruction]
            if current?.revision != eco.baseRevision {
                throw .conflict(
                    "engineeringChange",
                    "stale",
                    "\(p.workInstruction) is at revision \(current?.revision ?? "none") now, but \(eco.id) was raised against "
                        + "\(eco.baseRevision.map { "revision \($0)" } ?? "no revision"); raise a new change from the current revision"
                )
            }
            for a in p.attachments where attachments[a] == nil {
                throw .conflict("engineeringChange", "unknown-reference", "attachment '\(a)' of \(eco.id) no longer exists")
            }
            let wi = WorkInstruction(
                id: p.workInstruction,
                title: p.title ?? current?.title ?? p.workInstruction.rawValue,
                revision: revision,
                text: p.text,
                attachments: p.attachments
            )
            events.append(.workInstructionDefined(wi))
            scratch.workInstructions[wi.id] = wi
            released = (wi.id, revision)
        }
        var changed: [Routing.ID: Routing] = [:]
        var order: [Routing.ID] = []
        for (i, change) in eco.routingChanges.enumerated() {
            guard var routing = changed[change.routing] ?? routings[change.routing],
                let index = routing.operations.firstIndex(where: { $0.sequence == change.operation })
            else {
                throw .conflict(
                    "engineeringChange",
                    "stale",
                    "operation \(change.operation) of routing '\(change.routing)' no longer exists; raise a new change"
                )
            }
            if i < eco.routingBefore.count, routing.operations[index] != eco.routingBefore[i] {
                throw .conflict(
                    "engineeringChange",
                    "stale",
                    "operation \(change.operation) of \(change.routing) was changed since \(eco.id) was raised; raise a new change"
                )
            }
            routing.operations[index] = Self.applying(change, to: routing.operations[index])
            if changed[change.routing] == nil { order.append(change.routing) }
            changed[change.routing] = routing
        }
        for id in order {
            guard let routing = changed[id] else { continue }
            try scratch.validate(routing)
            events.append(.routingDefined(routing))
        }
        events.append(
            .engineeringChangeReleased(
                EngineeringChangeReleased(
                    engineeringChange: eco.id,
                    workInstruction: released?.0,
                    revision: released?.1,
                    routings: order,
                    by: actor,
                    at: now
                )
            )
        )
        return events
    }

    /// The operation with a routing change made: the named work center first (added when new), its times, the binding.
    public static func applying(_ change: RoutingChange, to op: RoutingOperation) -> RoutingOperation {
        var op = op
        if let wc = change.workCenter {
            let existing = op.workCenters.first { $0.workCenter == wc }
            op.workCenters.removeAll { $0.workCenter == wc }
            let primary =
                existing
                ?? EligibleWorkCenter(workCenter: wc, setupMinutes: change.setupMinutes ?? 0, runMinutesPerUnit: change.runMinutesPerUnit ?? 0)
            op.workCenters.insert(primary, at: 0)
        }
        if !op.workCenters.isEmpty {
            if let s = change.setupMinutes { op.workCenters[0].setupMinutes = s }
            if let r = change.runMinutesPerUnit { op.workCenters[0].runMinutesPerUnit = r }
        }
        if let wi = change.workInstruction { op.workInstruction = wi }
        return op
    }

    // MARK: - Apply

    mutating func applyEngineering(_ event: Event) {
        switch event {
        case .attachmentUploaded(let a):
            attachments[a.id] = a
            if let n = PlantState.number(in: a.id.rawValue, prefix: "ATT-"), n >= nextAttachmentNumber { nextAttachmentNumber = n + 1 }
            if let eco = a.engineeringChange { engineeringChanges[eco]?.workInstruction?.attachments.append(a.id) }
        case .engineeringChangeCreated(let eco):
            engineeringChanges[eco.id] = eco
            if let n = PlantState.number(in: eco.id.rawValue, prefix: "ECO-"), n >= nextEngineeringChangeNumber {
                nextEngineeringChangeNumber = n + 1
            }
        case .engineeringChangeSubmitted(let s):
            guard var eco = engineeringChanges[s.engineeringChange] else { return }
            eco.requiredRoles = s.requiredRoles
            eco.submittedAt = s.at
            eco.status = s.requiredRoles.isEmpty ? .approved : .submitted
            engineeringChanges[eco.id] = eco
        case .engineeringChangeApproved(let a):
            guard var eco = engineeringChanges[a.engineeringChange] else { return }
            eco.approvals.append(a.approval)
            if a.complete { eco.status = .approved }
            engineeringChanges[eco.id] = eco
        case .engineeringChangeRejected(let r):
            guard var eco = engineeringChanges[r.engineeringChange] else { return }
            eco.status = .rejected
            eco.rejectedBy = r.by
            eco.rejectionNote = r.note
            engineeringChanges[eco.id] = eco
        case .engineeringChangeReleased(let r):
            guard var eco = engineeringChanges[r.engineeringChange] else { return }
            eco.status = .released
            eco.releasedBy = r.by
            eco.releasedAt = r.at
            eco.releasedRevision = r.revision
            engineeringChanges[eco.id] = eco
            if let wi = r.workInstruction, var revisions = workInstructionRevisions[wi], let last = revisions.indices.last,
                revisions[last].revision == r.revision
            {
                revisions[last].engineeringChange = eco.id
                revisions[last].releasedAt = r.at
                workInstructionRevisions[wi] = revisions
            }
        default:
            break
        }
    }
}
