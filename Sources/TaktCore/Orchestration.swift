import Foundation

// Deciding and applying the orchestration commands: exceptions, approvals, playbooks, reported delays, overtime.
// The exceptions' content (impact, ranked actions) is computed by TaktOrchestration; here the plant checks
// who may approve, keeps the lifecycle straight and records each event once.

extension PlantState {
    func decideOrchestration(_ command: Command, actor: User.ID?, now: Date) throws(DomainError) -> [Event] {
        switch command {
        case .raiseException(var e):
            e.signatures = nil  // signatures are recorded by the engine, never brought in by a client
            var v = Validator()
            v.name(e.title, "title")
            v.check(!e.subject.isEmpty, "subject", "required", "subject is required")
            let ids = e.actions.map(\.id)
            v.check(Set(ids).count == ids.count, "actions", "unique", "action IDs must be unique within an exception")
            for (i, a) in e.actions.enumerated() {
                v.check(!a.id.isEmpty, "actions[\(i)].id", "required", "actions[\(i)].id is required")
                v.check(
                    a.status == .proposed && a.decisions.isEmpty,
                    "actions[\(i)].status",
                    "proposed",
                    "a new exception's actions must be proposed and undecided"
                )
            }
            try v.throwIfAny()
            if let source = e.sourceSequence, let existing = exceptionBySource[source] {
                throw .conflict("sourceSequence", "already-raised", "event \(source) already raised exception '\(existing)'")
            }
            // One subject, one exception: an open one nobody has decided on yet is assessed again in place (an outcome a person
            // asks for is their own exception each time).
            if e.request == nil, let open = exceptions.values.filter({ $0.subject == e.subject && $0.status == .open }).min(by: { $0.id < $1.id }),
                open.actions.allSatisfy({ $0.decisions.isEmpty })
            {
                e.id = open.id
                e.status = .open
                e.verifications = open.verifications
                e.supersededBy = nil
                e.dismissReason = nil
                e.raisedAt = open.raisedAt
                e.raisedBy = open.raisedBy ?? e.raisedBy ?? actor
                e.updatedAt = now
                e.updates = (open.updates ?? 0) + 1
                e.owner = open.owner
                e.snoozedUntil = open.snoozedUntil
                return [.exceptionUpdated(e)]
            }
            e.id = .init(String(format: "EXC-%06d", nextExceptionNumber))
            // An outcome somebody asked for is answered by its options: it waits for the asker's decision, not in
            // everyone's inbox as an open exception.
            e.status = e.request != nil ? .answered : .open
            e.owner = e.request != nil ? (e.raisedBy ?? actor) : nil
            e.snoozedUntil = nil
            e.verifications = []
            e.supersededBy = nil
            e.dismissReason = nil
            if e.raisedBy == nil { e.raisedBy = actor }
            return [.exceptionRaised(e)]

        case .approveAction(let d), .rejectAction(let d):
            let approving = if case .approveAction = command { true } else { false }
            let (exception, action) = try exceptionAction(d)
            guard exception.status.awaitsDecision else {
                throw .conflict(
                    "exception",
                    "status",
                    "exception '\(exception.id)' is \(exception.status.rawValue); only open exceptions and answered requests take decisions"
                )
            }
            guard action.status == .proposed else {
                throw .conflict("action", "status", "action '\(action.id)' of '\(exception.id)' is already \(action.status.rawValue)")
            }
            if !approving, (d.comment ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                throw .invalid("comment", "required", "a rejection needs a comment that says why")
            }
            let pending = action.pendingApprovals
            // An action that needs nobody's approval may be carried out by the orchestrator itself (a playbook's
            // automatic action); it is recorded as approved by the system.
            if actor == nil, action.approvals.isEmpty, approving {
                let record = ApprovalRecord(role: .admin, user: "system", approved: true, comment: d.comment, at: now)
                return [.actionApproved(ActionDecided(exception: d.exception, action: d.action, decision: record, fullyApproved: true))]
            }
            guard let actor, let user = users[actor] else {
                throw .invalid("actor", "required", "approvals are made by a signed-in user")
            }
            let needed = pending.isEmpty ? [Role.planner, .supervisor] : pending
            guard let role = user.has(.admin) ? needed.first : needed.first(where: { user.has($0) }) else {
                let names = needed.map(\.rawValue).joined(separator: " or ")
                throw .forbidden(
                    "action",
                    "approval-role",
                    "'\(action.title)' needs approval by \(names); \(user.name) has the roles \(user.roles.map(\.rawValue).sorted().joined(separator: ", "))"
                )
            }
            let record = ApprovalRecord(role: role, user: actor, approved: approving, comment: d.comment, at: now)
            if !approving {
                return [.actionRejected(ActionDecided(exception: d.exception, action: d.action, decision: record, fullyApproved: false))]
            }
            return [
                .actionApproved(
                    ActionDecided(
                        exception: d.exception,
                        action: d.action,
                        decision: record,
                        fullyApproved: pending.filter { $0 != role }.isEmpty
                    )
                )
            ]

        case .recordActionExecution(let x):
            let (exception, action) = try exceptionAction(DecideAction(exception: x.exception, action: x.action))
            guard exception.status == .executing, action.status == .approved else {
                throw .conflict(
                    "action",
                    "status",
                    "action '\(action.id)' of '\(exception.id)' is \(action.status.rawValue), not approved and waiting"
                )
            }
            return [.actionExecuted(x)]

        case .verifyException(let x):
            guard let exception = exceptions[x.exception] else { throw .notFound("exception", "exception '\(x.exception)' does not exist") }
            guard exception.status == .executing else {
                throw .conflict("exception", "status", "exception '\(exception.id)' is \(exception.status.rawValue), not waiting for verification")
            }
            return [.exceptionVerified(x)]

        case .dismissException(let d):
            guard let exception = exceptions[d.exception] else { throw .notFound("exception", "exception '\(d.exception)' does not exist") }
            guard exception.status.awaitsDecision else {
                throw .conflict(
                    "exception",
                    "status",
                    "exception '\(exception.id)' is \(exception.status.rawValue); only open exceptions and answered requests can be dismissed"
                )
            }
            guard !d.reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .invalid("reason", "required", "say why the exception is dismissed")
            }
            return [.exceptionDismissed(ExceptionDismissed(exception: d.exception, reason: d.reason, by: actor, at: now))]

        case .recommendAction(let r):
            let (exception, action) = try exceptionAction(DecideAction(exception: r.exception, action: r.action))
            guard exception.status.awaitsDecision, action.status == .proposed else {
                throw .conflict(
                    "action",
                    "status",
                    "action '\(action.id)' of '\(exception.id)' is \(action.status.rawValue) and exception is \(exception.status.rawValue); only a proposed action waiting for a decision can be recommended"
                )
            }
            let comment = r.comment.trimmingCharacters(in: .whitespacesAndNewlines)
            var v = Validator()
            v.check(!comment.isEmpty, "comment", "required", "say why this action is recommended")
            v.check(comment.count <= 2000, "comment", "max-length", "a recommendation is at most 2000 characters")
            try v.throwIfAny()
            return [
                .actionRecommended(
                    ActionRecommended(
                        exception: r.exception,
                        action: r.action,
                        recommendation: ActionRecommendation(by: actor, comment: comment, at: now)
                    )
                )
            ]

        case .assignException(let a):
            guard let exception = exceptions[a.exception] else { throw .notFound("exception", "exception '\(a.exception)' does not exist") }
            guard exception.status.isLive else {
                throw .conflict(
                    "exception",
                    "status",
                    "exception '\(exception.id)' is \(exception.status.rawValue); only an exception still being dealt with takes an owner"
                )
            }
            if let owner = a.owner {
                guard let user = users[owner] else { throw .notFound("owner", "user '\(owner)' does not exist") }
                guard user.active else { throw .conflict("owner", "inactive", "user '\(owner)' is inactive") }
                let inbox: Set<Role> = [.admin, .planner, .supervisor, .quality, .warehouse, .sales]
                guard !inbox.isDisjoint(with: user.roles) else {
                    throw .invalid(
                        "owner",
                        "role",
                        "\(user.name) (\(owner)) has the roles \(user.roles.map(\.rawValue).sorted().joined(separator: ", ")) and does not work the exception inbox"
                    )
                }
            }
            guard a.owner != exception.owner else {
                throw .conflict(
                    "owner",
                    "unchanged",
                    a.owner.map { "exception '\(exception.id)' is already \($0)'s" } ?? "exception '\(exception.id)' has no owner"
                )
            }
            return [.exceptionAssigned(ExceptionAssigned(exception: a.exception, owner: a.owner, by: actor, at: now))]

        case .snoozeException(let z):
            guard let exception = exceptions[z.exception] else { throw .notFound("exception", "exception '\(z.exception)' does not exist") }
            guard exception.status.awaitsDecision else {
                throw .conflict(
                    "exception",
                    "status",
                    "exception '\(exception.id)' is \(exception.status.rawValue); only open exceptions and answered requests can be snoozed"
                )
            }
            if let until = z.until {
                var v = Validator()
                v.check(until > now, "until", "after-now", "snooze until a time later than now (\(TaktJSON.formatDate(now)))")
                v.check(until.timeIntervalSince(now) <= 30 * 86_400, "until", "range", "an exception may be snoozed for at most 30 days")
                try v.throwIfAny()
            }
            return [.exceptionSnoozed(ExceptionSnoozed(exception: z.exception, until: z.until, by: actor, at: now))]

        case .definePlaybook(var p):
            try validate(p)
            p.version = (playbooks[p.id]?.version ?? 0) + 1
            return [.playbookDefined(p)]

        case .defineApprovalPolicy(let policy):
            var v = Validator()
            var seen = Set<ActionKind>()
            for (i, rule) in policy.rules.enumerated() {
                v.check(seen.insert(rule.action).inserted, "rules[\(i)].action", "unique", "action '\(rule.action.rawValue)' is listed twice")
                v.check(Set(rule.roles).count == rule.roles.count, "rules[\(i)].roles", "unique", "a role is listed twice")
            }
            try v.throwIfAny()
            return [.approvalPolicyDefined(policy)]

        case .reportOperationDelay(let r):
            var v = Validator()
            v.check(
                r.extraMinutes > 0 && r.extraMinutes <= 100_000,
                "extraMinutes",
                "range",
                "extraMinutes must be between 1 and 100000 (got \(r.extraMinutes))"
            )
            v.check(!r.reason.trimmingCharacters(in: .whitespaces).isEmpty, "reason", "required", "say why the operation runs late")
            try v.throwIfAny()
            guard let po = productionOrders[r.productionOrder] else {
                throw .notFound("productionOrder", "production order '\(r.productionOrder)' does not exist")
            }
            guard !po.status.isTerminal else { throw .conflict("productionOrder", "status", "production order '\(po.id)' is \(po.status.rawValue)") }
            guard let op = operations[po.id]?.first(where: { $0.sequence == r.sequence }) else {
                throw .notFound("sequence", "production order '\(po.id)' has no operation \(r.sequence)")
            }
            guard op.status != .completed else { throw .conflict("sequence", "status", "operation \(r.sequence) of '\(po.id)' is already completed") }
            return [
                .operationDelayReported(
                    OperationDelayReported(
                        productionOrder: r.productionOrder,
                        sequence: r.sequence,
                        extraMinutes: r.extraMinutes,
                        reason: r.reason,
                        by: actor,
                        at: now
                    )
                )
            ]

        case .scheduleOvertime(var o):
            var v = Validator()
            v.check(workCenters[o.workCenter] != nil, "workCenter", "unknown-reference", "work center '\(o.workCenter)' does not exist")
            v.check(o.end > o.start, "end", "after-start", "overtime must end after it starts")
            v.check(o.end.timeIntervalSince(o.start) <= 24 * 3600, "end", "range", "overtime may last at most 24 hours")
            v.check(!o.reason.trimmingCharacters(in: .whitespaces).isEmpty, "reason", "required", "say why the overtime is needed")
            try v.throwIfAny()
            o.by = actor
            return [.overtimeScheduled(o)]

        case .reportAbsence(let a):
            guard let user = users[a.user] else { throw .notFound("user", "user '\(a.user)' does not exist") }
            let from = a.from ?? now
            var v = Validator()
            v.check(user.active, "user", "inactive", "user '\(a.user)' is inactive")
            v.check(a.until > from, "until", "after-from", "the absence must end after it starts (\(TaktJSON.formatDate(from)))")
            v.check(a.until > now, "until", "after-now", "the absence must end later than now (\(TaktJSON.formatDate(now)))")
            v.check(a.until.timeIntervalSince(from) <= 366 * 86_400, "until", "range", "an absence may last at most a year")
            let reason = a.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            v.check(!reason.isEmpty, "reason", "required", "say why (e.g. 'sick', 'training')")
            v.check(reason.count <= 200, "reason", "max-length", "reason must be at most 200 characters")
            try v.throwIfAny()
            return [.absenceReported(Absence(user: a.user, from: from, until: a.until, reason: reason, by: actor, at: now))]

        default:
            throw .invalid("type", "unsupported", "\(command.typeName) is not an orchestration command")
        }
    }

    private func exceptionAction(_ d: DecideAction) throws(DomainError) -> (PlantException, ProposedAction) {
        guard let exception = exceptions[d.exception] else { throw .notFound("exception", "exception '\(d.exception)' does not exist") }
        guard let action = exception.actions.first(where: { $0.id == d.action }) else {
            throw .notFound("action", "exception '\(d.exception)' has no action '\(d.action)'")
        }
        return (exception, action)
    }

    func validate(_ p: Playbook) throws(DomainError) {
        var v = Validator()
        v.code(p.id, "id")
        v.name(p.name, "name")
        v.check(Event.typeNames.contains(p.event), "event", "unknown-event", "event '\(p.event)' is not an event type Takt records")
        for (i, c) in p.conditions.enumerated() {
            v.check(!c.field.isEmpty, "conditions[\(i)].field", "required", "conditions[\(i)].field is required")
            v.check(c.op == .exists || c.value != nil, "conditions[\(i)].value", "required", "operator '\(c.op.rawValue)' needs a value")
            if c.op == .in {
                var isArray = false
                if case .array? = c.value { isArray = true }
                v.check(isArray, "conditions[\(i)].value", "array", "operator 'in' needs an array of values")
            }
        }
        v.check(Set(p.actions).count == p.actions.count, "actions", "unique", "an action kind is listed twice")
        v.check(p.automatic.allSatisfy(p.actions.contains), "automatic", "subset", "automatic actions must also be listed in actions")
        if let d = p.assumedDurationMinutes {
            v.check(d > 0 && d <= 60 * 24 * 28, "assumedDurationMinutes", "range", "assumedDurationMinutes must be between 1 and 40320")
        }
        try v.throwIfAny()
    }
}

extension PlantState {
    mutating func applyOrchestration(_ event: Event) {
        switch event {
        case .exceptionRaised(let e):
            for (id, old) in exceptions where old.subject == e.subject && old.status.awaitsDecision {
                exceptions[id]?.status = .superseded
                exceptions[id]?.supersededBy = e.id
            }
            exceptions[e.id] = e
            if let source = e.sourceSequence { exceptionBySource[source] = e.id }
            if let n = PlantState.number(in: e.id.rawValue, prefix: "EXC-"), n >= nextExceptionNumber { nextExceptionNumber = n + 1 }
        case .exceptionUpdated(let e):
            exceptions[e.id] = e
            if let source = e.sourceSequence { exceptionBySource[source] = e.id }
        case .actionApproved(let d):
            updateAction(d.exception, d.action) { a in
                a.decisions.append(d.decision)
                if d.fullyApproved { a.status = .approved }
            }
            if d.fullyApproved { exceptions[d.exception]?.status = .executing }
        case .actionRejected(let d):
            updateAction(d.exception, d.action) { a in
                a.decisions.append(d.decision)
                a.status = .rejected
            }
        case .actionExecuted(let x):
            updateAction(x.exception, x.action) { $0.status = x.error == nil ? .executed : .failed }
            if x.error != nil { exceptions[x.exception]?.status = .open }
        case .exceptionVerified(let x):
            exceptions[x.exception]?.verifications.append(x.verification)
            exceptions[x.exception]?.status = x.verification.passed ? .resolved : .open
        case .exceptionDismissed(let d):
            exceptions[d.exception]?.status = .dismissed
            exceptions[d.exception]?.dismissReason = d.reason
        case .exceptionAssigned(let a): exceptions[a.exception]?.owner = a.owner
        case .actionRecommended(let r): updateAction(r.exception, r.action) { $0.recommendations = ($0.recommendations ?? []) + [r.recommendation] }
        case .exceptionSnoozed(let z): exceptions[z.exception]?.snoozedUntil = z.until
        case .playbookDefined(let p): playbooks[p.id] = p
        case .approvalPolicyDefined(let p): approvalPolicy = p
        case .operationDelayReported(let r): operationDelays[r.productionOrder, default: [:]][r.sequence] = r
        case .overtimeScheduled(let o): overtime[o.workCenter, default: []].append(o)
        case .absenceReported(let a): absences[a.user, default: []].append(a)
        default: break
        }
    }

    private mutating func updateAction(_ exception: PlantException.ID, _ action: String, _ change: (inout ProposedAction) -> Void) {
        guard var found = exceptions[exception], let i = found.actions.firstIndex(where: { $0.id == action }) else { return }
        change(&found.actions[i])
        exceptions[exception] = found
    }
}
