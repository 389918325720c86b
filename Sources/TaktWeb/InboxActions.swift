import Foundation
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

// The inbox's actions: take an exception or hand it to someone, snooze it until a time (the plant's clock brings it back),
// wake it, and dismiss it with a reason. Owner and snooze are the plant's state (assignException, snoozeException), so the
// API and every browser see the same.

extension TaktWeb {
    func addInboxActionRoutes<Context: RequestContext>(to router: Router<Context>) {
        let web = self
        action(router, "/exceptions/{id}/owner", .exceptions) { _, c, v, form in
            try await web.assign(v, form: form, id: c.parameters.get("id") ?? "")
        }
        action(router, "/exceptions/{id}/snooze", .exceptions) { _, c, v, form in
            try await web.snooze(v, form: form, id: c.parameters.get("id") ?? "")
        }
        action(router, "/exceptions/{id}/dismiss", .exceptions) { _, c, v, form in
            try await web.dismiss(v, form: form, id: c.parameters.get("id") ?? "")
        }
    }

    func assign(_ viewer: Viewer, form: Form, id: String) async throws -> (String, Flash?) {
        let requested = form.trimmed("owner")
        let owner: User.ID? = requested == "me" ? viewer.user.id : requested.map { User.ID($0) }
        try await submit(.assignException(AssignException(exception: .init(id), owner: owner)), as: viewer)
        let words = owner == viewer.user.id ? "You have taken \(id) on." : owner.map { "\(id) is now \($0)'s." } ?? "\(id) has no owner now."
        return (Redirect.local(form["back"]) ?? "/exceptions", Flash(kind: .success, title: "Owner changed", lines: [words]))
    }

    func snooze(_ viewer: Viewer, form: Form, id: String) async throws -> (String, Flash?) {
        let zone = await service.read { $0.plantTimeZone }
        let now = now()
        let until: Date?
        if form.trimmed("wake") != nil {
            until = nil
        } else if let text = form.trimmed("until") {
            guard let date = Format.parseMinute(text, zone) else {
                throw DomainError.invalid("until", "date", "give the time as YYYY-MM-DDTHH:MM in the plant's time (got '\(text.prefix(40))')")
            }
            until = date
        } else if let hours = form.trimmed("hours").flatMap(Double.init) {
            until = now.addingTimeInterval(hours * 3600)
        } else {
            throw DomainError.invalid("until", "required", "say until when to snooze it")
        }
        try await submit(.snoozeException(SnoozeException(exception: .init(id), until: until)), as: viewer)
        return (
            Redirect.local(form["back"]) ?? "/exceptions",
            Flash(
                kind: .success,
                title: until == nil ? "\(id) is back in the inbox" : "Snoozed \(id)",
                lines: until.map { ["Hidden from the inbox until \(Format.dateTime($0, zone)) (\(zone.identifier))."] } ?? []
            )
        )
    }

    func dismiss(_ viewer: Viewer, form: Form, id: String) async throws -> (String, Flash?) {
        try await submit(.dismissException(DismissException(exception: .init(id), reason: form.trimmed("reason") ?? "")), as: viewer)
        return ("/exceptions", Flash(kind: .success, title: "Dismissed \(id)", lines: [form.trimmed("reason") ?? ""]))
    }
}

// MARK: - The forms

extension TaktWeb {
    /// Owner, snooze and dismiss for one exception, for roles that may (the plant checks again).
    static func inboxForms(_ e: PlantException, state: PlantState, viewer: Viewer, flash: Flash?, back: String, compact: Bool) -> Node {
        let id = e.id.rawValue
        let base = "/exceptions/\(urlEncode(id))"
        let zone = state.plantTimeZone
        return el("div", ["class": "acts"]) {
            if e.status.isLive && viewer.may(.assignException) {
                el("form", ["method": "post", "action": base + "/owner", "class": "inline", "id": "owner-\(id)"]) {
                    Pages.hidden("form", "owner-\(id)")
                    Pages.hidden("back", back)
                    if e.owner == viewer.user.id {
                        Pages.hidden("owner", "")
                        el("button", ["type": "submit", "id": "release-\(id)"], text: "Give it back")
                    } else if compact {
                        Pages.hidden("owner", "me")
                        el("button", ["type": "submit", "id": "take-\(id)"], text: "Take it")
                    } else {
                        el("label", ["for": "owner-\(id)-user", "class": "muted"], text: "Owner")
                        el("select", ["name": "owner", "id": "owner-\(id)-user"]) {
                            el("option", ["value": "me"], text: "me (\(viewer.user.name))")
                            for u in state.users.values.filter({ $0.active && $0.id != viewer.user.id && Self.worksInbox($0) })
                                .sorted(by: { $0.id < $1.id })
                            {
                                el("option", ["value": u.id.rawValue, "selected": flag(u.id == e.owner)], text: "\(u.name) (\(u.id.rawValue))")
                            }
                        }
                        el("button", ["type": "submit", "id": "assign-\(id)"], text: "Assign")
                    }
                    Pages.fieldError(flash, form: "owner-\(id)", field: "owner", id: "owner-\(id)-error")
                }
            }
            if e.status.awaitsDecision && viewer.may(.snoozeException) {
                el("form", ["method": "post", "action": base + "/snooze", "class": "inline", "id": "snooze-\(id)"]) {
                    Pages.hidden("form", "snooze-\(id)")
                    Pages.hidden("back", back)
                    if let until = e.snoozedUntil {
                        el("span", ["class": "muted"], text: "Snoozed until \(Format.dateTime(until, zone)) ")
                        Pages.hidden("wake", "1")
                        el("button", ["type": "submit", "id": "wake-\(id)"], text: "Wake now")
                    } else {
                        el("select", ["name": "hours", "aria-label": "Snooze for", "id": "snooze-\(id)-hours"]) {
                            for (h, label) in [("1", "1 hour"), ("4", "4 hours"), ("24", "a day"), ("72", "3 days")] {
                                el("option", ["value": h], text: label)
                            }
                        }
                        if !compact {
                            void(
                                "input",
                                [
                                    "type": "text", "name": "until", "size": "16", "placeholder": "or until YYYY-MM-DDTHH:MM",
                                    "aria-label": "Snooze until", "id": "snooze-\(id)-until",
                                ]
                            )
                        }
                        el("button", ["type": "submit", "id": "snooze-\(id)-submit"], text: "Snooze")
                    }
                    Pages.fieldError(flash, form: "snooze-\(id)", field: "until", id: "snooze-\(id)-error")
                }
            }
            if e.status.awaitsDecision && viewer.may(.dismissException) && !compact {
                el("form", ["method": "post", "action": base + "/dismiss", "class": "inline", "id": "dismiss-\(id)"]) {
                    Pages.hidden("form", "dismiss-\(id)")
                    void(
                        "input",
                        [
                            "type": "text", "name": "reason", "size": "24", "placeholder": "why no action is needed", "aria-label": "Reason",
                            "id": "dismiss-\(id)-reason",
                        ]
                    )
                    el("button", ["type": "submit", "class": "danger", "id": "dismiss-\(id)-submit"], text: "Dismiss")
                    Pages.fieldError(flash, form: "dismiss-\(id)", field: "reason", id: "dismiss-\(id)-error")
                }
            }
        }
    }

    static func worksInbox(_ u: User) -> Bool { !CommandKind.assignException.roles.isDisjoint(with: u.roles) }
}
