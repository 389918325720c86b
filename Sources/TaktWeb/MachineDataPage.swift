import Foundation
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

/// Machine data: what the MQTT bridge (`takt serve --mqtt`) sees — its connection, each machine's last signals beside the
/// state recorded in the log, its counts, problems, unmapped topics and edge nodes — and the plant's machine-signal
/// mapping, which admins and supervisors change here rule by rule. Every change submits `defineMachineSignalMapping`
/// with the whole new mapping, as the API's PUT does; the plant checks it and names the rule and field it refuses.
/// The bridge's figures change without a commit, so the page asks the live script to fetch it again every 5 seconds.
extension TaktWeb {
    func addMachineDataRoutes<Context: RequestContext>(to router: Router<Context>) {
        let web = self
        page(router, "/machine-data", .machineData) { _, _, v in await web.machineDataPage(v) }
        action(router, "/machine-data/rules", .machineData) { _, _, v, form in try await web.addMachineSignalRule(v, form: form) }
        action(router, "/machine-data/rules/{index}/delete", .machineData) { _, c, v, form in
            try await web.deleteMachineSignalRule(v, form: form, index: c.parameters.get("index") ?? "")
        }
        action(router, "/machine-data/debounce", .machineData) { _, _, v, form in try await web.setMachineSignalDebounce(v, form: form) }
    }

    /// Seconds between the page's own refreshes (the bridge's counters move without events in the log).
    static let machineDataRefreshSeconds = 5

    func machineDataPage(_ viewer: Viewer) async -> PageContent {
        let flash = await sessions.takeFlash(viewer.sessionID)
        let status = service.machineData.status()
        let (mapping, workCenters, recorded, zone) = await service.read { s in
            (
                s.machineSignalMapping,
                s.workCenters.values.filter(\.active).sorted { $0.id < $1.id },
                s.machineStates.compactMapValues(\.last),
                s.plantTimeZone
            )
        }
        let editor = viewer.hasAny(Array(CommandKind.defineMachineSignalMapping.roles))
        func when(_ d: Date?) -> String { d.map { Format.dateTime($0, zone) } ?? "–" }
        let body = fragment {
            el("div", ["data-refresh": String(Self.machineDataRefreshSeconds), "hidden": ""])
            Self.bridgePanel(status, when: when)
            el("div", ["class": "figures"]) {
                Pages.figure("messages received", String(status.messagesReceived), href: "#counts")
                Pages.figure("refused", String(status.messagesRefused), href: "#problems", tone: status.messagesRefused == 0 ? "ok" : "warn")
                Pages.figure("states recorded", String(status.statesRecorded), href: "#machines")
                Pages.figure("counts recorded", String(status.countsRecorded), href: "#machines")
                Pages.figure(
                    "unmapped",
                    String(status.unmapped.count + status.unmappedNotListed),
                    href: "#unmapped",
                    tone: status.unmapped.isEmpty ? "ok" : "warn"
                )
            }
            Self.machinesPanel(status, mapping: mapping, recorded: recorded, when: when)
            Self.countsPanel(status)
            el("section", ["class": "panel", "id": "problems"]) {
                el("h2", text: "Latest problems")
                Pages.table(
                    ["Time", "Topic", "Field", "Rule", "Message"],
                    status.problems.map { p in [.text(when(p.at)), .text(p.topic), .text(p.field), .text(p.rule), .text(p.message)] },
                    empty: "No message was refused.",
                    id: "machine-data-problems"
                )
            }
            el("div", ["class": "grid"]) {
                el("section", ["class": "panel", "id": "unmapped"]) {
                    el("h2", text: "Unmapped topics and metrics")
                    Pages.table(
                        ["Source", "Messages", "Last seen"],
                        status.unmapped.map { u in [.text(u.source), .text(String(u.messages)), .text(when(u.lastSeen))] },
                        empty: "Every topic and metric seen is mapped.",
                        id: "machine-data-unmapped"
                    )
                    if status.unmappedNotListed > 0 {
                        el("p", ["class": "muted"], text: "\(status.unmappedNotListed) more not listed.")
                    }
                }
                el("section", ["class": "panel", "id": "edge-nodes"]) {
                    el("h2", text: "Edge nodes")
                    Pages.table(
                        ["Group", "Edge node", "State", "Devices", "Last message", "Rebirth requests"],
                        status.edgeNodes.map { n in
                            [
                                .text(n.group), .text(n.edgeNode), Pages.badge(n.online ? "online" : "offline", n.online ? "ok" : "bad"),
                                .text(n.devices.isEmpty ? "–" : n.devices.joined(separator: ", ")), .text(when(n.lastMessageAt)),
                                .text(String(n.rebirthRequests)),
                            ]
                        },
                        empty: "No Sparkplug edge node seen.",
                        id: "machine-data-edge-nodes"
                    )
                }
            }
            Self.mappingPanel(mapping, workCenters: workCenters, editor: editor, flash: flash)
        }
        var content = PageContent(title: "Machine data", body: body)
        content.flash = flash
        return content
    }

    // MARK: - Panels

    static func bridgePanel(_ status: MachineDataStatus, when: (Date?) -> String) -> Node {
        el("section", ["class": "panel", "id": "bridge"]) {
            el("h2", text: "MQTT bridge")
            if let c = status.connection {
                el("p") {
                    Pages.badge(c.connected ? "connected" : "not connected", c.connected ? "ok" : "bad")
                    " broker \(c.broker) · client ID \(c.clientID) · \(Format.count(c.connects, "connect")), "
                    "\(Format.count(c.disconnects, "disconnect"))"
                    if let host = c.sparkplugHostID { " · Sparkplug primary host \(host)" }
                }
                if let error = c.lastError { el("p", ["class": "muted"], text: "Last error: \(error)") }
                if let trouble = status.plantUnavailable {
                    el("p", ["id": "plant-unavailable"]) {
                        Pages.badge("waiting for the plant", "bad")
                        " \(trouble) The message waits at the broker and is tried again; nothing is dropped."
                    }
                }
                el("p", ["class": "muted"], text: "Subscriptions: " + (c.subscriptions.isEmpty ? "none" : c.subscriptions.joined(separator: ", ")))
            } else {
                el(
                    "p",
                    ["class": "empty", "id": "no-bridge"],
                    text: "No MQTT bridge is running: start takt serve with --mqtt HOST:PORT (docs/machine-data.md)."
                )
            }
        }
    }

    static func machinesPanel(
        _ status: MachineDataStatus,
        mapping: MachineSignalMapping,
        recorded: [WorkCenter.ID: MachineStateChange],
        when: (Date?) -> String
    ) -> Node {
        // The machines the bridge heard from, then those the mapping names that it has not heard from (yet).
        var machines = status.machines
        var seen = Set(machines.map(\.workCenter))
        for rule in mapping.rules where seen.insert(rule.workCenter).inserted {
            machines.append(MachineDataStatus.Machine(workCenter: rule.workCenter))
        }
        return el("section", ["class": "panel", "id": "machines"]) {
            el("h2", text: "Machines")
            Pages.table(
                ["Work center", "Signalled", "Rate / ideal", "Good counter", "Scrap counter", "Last signal", "Signals", "Recorded state"],
                machines.map { m in
                    let heard = m.lastSignalAt != nil
                    return [
                        .text(m.workCenter.rawValue),
                        m.signalledState.map { stateBadge($0) } ?? .text("–"),
                        .text(rateText(m.rate, ideal: m.idealRate)),
                        .text(m.goodCounter.map(Format.quantity) ?? "–"),
                        .text(m.scrapCounter.map(Format.quantity) ?? "–"),
                        .text(when(m.lastSignalAt)),
                        heard ? Pages.badge(m.signalsTrusted ? "trusted" : "not trusted", m.signalsTrusted ? "ok" : "bad") : .text("–"),
                        recorded[m.workCenter].map { r in
                            fragment {
                                stateBadge(r.state)
                                " since \(when(r.at))" + (r.reason.map { " · \($0)" } ?? "")
                            }
                        } ?? .text("none recorded"),
                    ]
                },
                empty: "No machine signals yet, and the mapping names no work center.",
                id: "machine-data-machines"
            )
        }
    }

    static func countsPanel(_ s: MachineDataStatus) -> Node {
        let byRule = s.refusedByRule.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        let rows: [(String, String)] = [
            ("Messages received", String(s.messagesReceived)),
            (
                "Messages refused",
                String(s.messagesRefused) + (byRule.isEmpty ? "" : " (" + byRule.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")")
            ),
            ("Signals mapped", String(s.signalsMapped)),
            ("Machine states recorded", String(s.statesRecorded)),
            ("Counts recorded", String(s.countsRecorded)),
            ("Production reported", String(s.productionReported)),
            ("Counts without a running operation", String(s.countsWithoutOperation)),
            ("Commands the plant refused", String(s.commandsRefused)),
            ("Commands tried again (plant unavailable)", String(s.commandsRetried)),
            ("Messages queued (most at once)", "\(s.queued) (\(s.maximumQueued))"),
            ("Rules the bridge reads with", String(s.mappingRules)),
        ]
        return el("section", ["class": "panel", "id": "counts"]) {
            el("h2", text: "Counts since the bridge started")
            Pages.table(["", "Count"], rows.map { [.text($0.0), .text($0.1)] }, empty: "", id: "machine-data-counts")
        }
    }

    static func mappingPanel(_ mapping: MachineSignalMapping, workCenters: [WorkCenter], editor: Bool, flash: Flash?) -> Node {
        el("section", ["class": "panel", "id": "mapping"]) {
            el("h2", text: "Signal mapping")
            el("p", ["class": "muted"]) {
                "A machine's new state is recorded once it has held \(Format.quantity(mapping.debounce)) s. "
                "The same mapping is read and replaced by GET and PUT /api/v1/machine-data/mapping."
            }
            Pages.table(
                ["#", "Source", "Work center", "Signal", "Codes / factor / ideal / slow below / production", ""],
                mapping.rules.enumerated().map { i, rule in
                    [
                        .text(String(i + 1)),
                        fragment {
                            el("small", ["class": "muted"], text: rule.source.topic == nil ? "Sparkplug " : "JSON ")
                            rule.source.description
                        },
                        .text(rule.workCenter.rawValue),
                        .text(rule.signal.rawValue),
                        .text(ruleDetails(rule)),
                        editor
                            ? el("form", ["method": "post", "action": "/machine-data/rules/\(i)/delete", "class": "inline"]) {
                                Pages.hidden("source", rule.source.description)
                                el("button", ["type": "submit", "class": "link", "id": "delete-rule-\(i)"], text: "Delete")
                            } : .text(""),
                    ]
                },
                empty: "No rules: every signal the bridge hears is listed as unmapped.",
                id: "machine-data-mapping"
            )
            if editor {
                ruleForm(workCenters: workCenters, flash: flash)
                el("form", ["method": "post", "action": "/machine-data/debounce", "class": "inline toolbar", "id": "debounce-form"]) {
                    Pages.hidden("form", "debounce")
                    el("label", ["for": "debounce-seconds"], text: "Debounce (seconds)")
                    void(
                        "input",
                        [
                            "type": "number", "id": "debounce-seconds", "name": "debounceSeconds", "min": "0", "max": "600", "step": "any",
                            "value": Format.quantity(mapping.debounce),
                        ]
                    )
                    Pages.fieldError(flash, form: "debounce", field: "debounceSeconds", id: "debounce-seconds-error")
                    el("button", ["type": "submit", "id": "set-debounce"], text: "Set")
                }
            }
        }
    }

    /// The form that adds one rule; what a refused form typed comes back in it, with the words beside the field.
    static func ruleForm(workCenters: [WorkCenter], flash: Flash?) -> Node {
        let formID = "add-rule"
        let typed = flash?.form == formID ? flash?.typed ?? [:] : [:]
        func text(_ name: String, _ label: String, placeholder: String? = nil, size: String = "14") -> Node {
            el("span", ["class": "field"]) {
                el("label", ["for": "\(formID)-\(name)"], text: label)
                void(
                    "input",
                    ["type": "text", "name": name, "id": "\(formID)-\(name)", "size": size, "value": typed[name], "placeholder": placeholder]
                )
                Pages.fieldError(flash, form: formID, field: name, id: "\(formID)-\(name)-error")
            }
        }
        func select(_ name: String, _ label: String, _ options: [(value: String, label: String)]) -> Node {
            el("span", ["class": "field"]) {
                el("label", ["for": "\(formID)-\(name)"], text: label)
                el("select", ["name": name, "id": "\(formID)-\(name)"]) {
                    for o in options { el("option", ["value": o.value, "selected": flag(typed[name] == o.value)], text: o.label) }
                }
                Pages.fieldError(flash, form: formID, field: name, id: "\(formID)-\(name)-error")
            }
        }
        return el("form", ["method": "post", "action": "/machine-data/rules", "class": "inline", "id": formID]) {
            Pages.hidden("form", formID)
            el("h3", text: "Add a rule")
            select("kind", "Source", [("sparkplug", "Sparkplug B metric"), ("json", "JSON topic field")])
            text("group", "Group", placeholder: "Plant1")
            text("edgeNode", "Edge node", placeholder: "Line1")
            text("device", "Device", placeholder: "Lathe1 (optional)")
            text("metric", "Metric", placeholder: "State")
            text("topic", "Topic", placeholder: "plant1/lathe2/quality", size: "22")
            text("field", "Field", placeholder: "scrap")
            select("workCenter", "Work center", workCenters.map { ($0.id.rawValue, "\($0.id) · \($0.name)") })
            select("signal", "Signal", MachineSignalKind.allCases.map { ($0.rawValue, $0.rawValue) })
            text("stateCodes", "State codes", placeholder: "0=idle,1=running,3=down", size: "24")
            text("reasons", "Reasons", placeholder: "3=Spindle drive fault; 4=Door open", size: "28")
            text("factor", "Factor", placeholder: "1", size: "6")
            text("idealRate", "Ideal rate (/h)", placeholder: "120", size: "6")
            text("slowBelow", "Slow below", placeholder: "0.9", size: "6")
            el("span", ["class": "field"]) {
                void(
                    "input",
                    [
                        "type": "checkbox", "name": "reportProduction", "id": "\(formID)-reportProduction", "value": "on",
                        "checked": flag(typed["reportProduction"] == "on"),
                    ]
                )
                el("label", ["for": "\(formID)-reportProduction"], text: "Report production on the running operation")
                Pages.fieldError(flash, form: formID, field: "reportProduction", id: "\(formID)-reportProduction-error")
            }
            Pages.fieldError(flash, form: formID, field: "source", id: "\(formID)-source-error")
            el("button", ["type": "submit", "id": "add-rule-button"], text: "Add rule")
        }
    }

    static func stateBadge(_ state: MachineState) -> Node {
        let tone =
            switch state {
            case .running: "ok"
            case .slow: "warn"
            case .setup: "info"
            case .idle: ""
            case .down: "bad"
            }
        return Pages.badge(state.rawValue, tone)
    }

    /// "96 / 120 /h (80 %)"; the ideal alone when no rate came.
    static func rateText(_ rate: Double?, ideal: Double?) -> String {
        switch (rate, ideal) {
        case (let r?, let i?) where i > 0: "\(Format.quantity(r)) / \(Format.quantity(i)) /h (\(Format.percent(r / i)))"
        case (let r?, _): "\(Format.quantity(r)) /h"
        case (nil, let i?): "– / \(Format.quantity(i)) /h"
        case (nil, nil): "–"
        }
    }

    /// The transform of a rule's values, in words: its state codes, factor, ideal rate, slow share and production.
    static func ruleDetails(_ rule: MachineSignalRule) -> String {
        var parts: [String] = []
        if let codes = rule.stateCodes, !codes.isEmpty {
            parts.append(codes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rawValue)" }.joined(separator: ","))
        }
        if let reasons = rule.reasons, !reasons.isEmpty {
            parts.append("reasons " + reasons.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if let f = rule.factor { parts.append("× \(Format.quantity(f))") }
        if let i = rule.idealRate { parts.append("ideal \(Format.quantity(i)) /h") }
        if let s = rule.slowBelow { parts.append("slow below \(Format.percent(s))") }
        if rule.reportProduction == true { parts.append("reports production") }
        return parts.isEmpty ? "–" : parts.joined(separator: " · ")
    }

    // MARK: - Forms

    func addMachineSignalRule(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        try Self.requireMappingRoles(viewer)
        let current = await service.read { $0.machineSignalMapping }
        do {
            let rule = try Self.rule(from: form)
            var mapping = current
            mapping.rules.append(rule)
            try await defineMapping(mapping, as: viewer, added: mapping.rules.count - 1)
            return (
                "/machine-data#mapping",
                Flash(kind: .success, title: "Rule added", lines: ["\(rule.source) → \(rule.workCenter) \(rule.signal.rawValue)"])
            )
        } catch {
            throw TypedRefusal(presentation: ErrorPresentation.of(error), typed: form.fields)
        }
    }

    func deleteMachineSignalRule(_ viewer: Viewer, form: Form, index: String) async throws -> (String, Flash?) {
        try Self.requireMappingRoles(viewer)
        var mapping = await service.read { $0.machineSignalMapping }
        guard let i = Int(index), mapping.rules.indices.contains(i), mapping.rules[i].source.description == form["source"] ?? "" else {
            throw WebError("The mapping changed", "That rule is no longer where the page showed it; look at the mapping again before deleting.")
        }
        let removed = mapping.rules.remove(at: i)
        try await defineMapping(mapping, as: viewer, added: nil)
        return (
            "/machine-data#mapping",
            Flash(kind: .success, title: "Rule deleted", lines: ["\(removed.source) no longer maps to \(removed.workCenter)."])
        )
    }

    func setMachineSignalDebounce(_ viewer: Viewer, form: Form) async throws -> (String, Flash?) {
        try Self.requireMappingRoles(viewer)
        var mapping = await service.read { $0.machineSignalMapping }
        let text = form.trimmed("debounceSeconds")
        guard let seconds = text.map({ Double($0) }) ?? .some(nil) else {
            throw DomainError(
                .invalid,
                [Violation(field: "debounceSeconds", rule: "number", message: "debounce seconds must be a number (got '\(text ?? "")')")]
            )
        }
        mapping.debounceSeconds = seconds
        try await defineMapping(mapping, as: viewer, added: nil)
        return (
            "/machine-data#mapping",
            Flash(kind: .success, title: "Debounce set", lines: ["A new state is recorded once it has held \(Format.quantity(mapping.debounce)) s."])
        )
    }

    /// Submits the whole mapping. The plant's refusals name `rules[i].field`: they are said with the rule's number and
    /// source, and those of the rule being added are put beside the form's own fields.
    func defineMapping(_ mapping: MachineSignalMapping, as viewer: Viewer, added: Int?) async throws {
        do {
            try await submit(.defineMachineSignalMapping(mapping), as: viewer)
        } catch {
            let p = ErrorPresentation.of(error)
            guard p.code == .invalidCommand, !p.violations.isEmpty else { throw error }
            throw DomainError(.invalid, p.violations.map { Self.named($0, in: mapping, added: added) })
        }
    }

    /// A violation of the mapping in a person's words: `rule 3 (Plant1/Line1/Lathe1: Rate), idealRate (required): …`;
    /// for the rule being added, its field is the form's field (`idealRate`, `source`).
    static func named(_ v: Violation, in mapping: MachineSignalMapping, added: Int?) -> Violation {
        guard v.field.hasPrefix("rules["), let close = v.field.firstIndex(of: "]"),
            let i = Int(v.field[v.field.index(v.field.startIndex, offsetBy: 6)..<close]), mapping.rules.indices.contains(i)
        else { return Violation(field: v.field, rule: v.rule, message: "\(v.field) (\(v.rule)): \(v.message)") }
        var rest = String(v.field[v.field.index(after: close)...])
        if rest.hasPrefix(".") { rest.removeFirst() }
        let field = rest.hasPrefix("source.") ? String(rest.dropFirst("source.".count)) : rest
        let message = "rule \(i + 1) (\(mapping.rules[i].source)), \(rest.isEmpty ? "rule" : rest) (\(v.rule)): \(v.message)"
        return Violation(field: i == added ? (field.isEmpty ? "source" : field) : v.field, rule: v.rule, message: message)
    }

    static func requireMappingRoles(_ viewer: Viewer) throws {
        let kind = CommandKind.defineMachineSignalMapping
        guard viewer.hasAny(Array(kind.roles)) else {
            throw EngineError(
                .forbidden,
                "changing the machine-signal mapping needs one of the roles: \(kind.sortedRoles.map(\.rawValue).joined(separator: ", "))"
            )
        }
    }

    /// The rule the form describes; what cannot be read is refused naming the form's field.
    static func rule(from form: Form) throws -> MachineSignalRule {
        var problems: [Violation] = []
        let source: MachineSignalSource =
            form.trimmed("kind") == "json"
            ? MachineSignalSource(topic: form.trimmed("topic"), field: form.trimmed("field"))
            : MachineSignalSource(
                group: form.trimmed("group"),
                edgeNode: form.trimmed("edgeNode"),
                device: form.trimmed("device"),
                metric: form.trimmed("metric")
            )
        let workCenter = form.trimmed("workCenter")
        if workCenter == nil { problems.append(Violation(field: "workCenter", rule: "required", message: "choose a work center")) }
        let signal = form.trimmed("signal").flatMap(MachineSignalKind.init(rawValue:))
        if signal == nil {
            let kinds = MachineSignalKind.allCases.map(\.rawValue).joined(separator: ", ")
            problems.append(Violation(field: "signal", rule: "one-of", message: "the signal is one of \(kinds)"))
        }
        let codes = stateCodes(form.trimmed("stateCodes"))
        if case .failure(let v) = codes { problems.append(v) }
        let reasons = reasons(form.trimmed("reasons"))
        if case .failure(let v) = reasons { problems.append(v) }
        let factor = ruleNumber(form, "factor", "the factor")
        let ideal = ruleNumber(form, "idealRate", "the ideal rate")
        let slow = ruleNumber(form, "slowBelow", "slow below")
        for result in [factor, ideal, slow] { if case .failure(let v) = result { problems.append(v) } }
        guard problems.isEmpty, let workCenter, let signal else { throw DomainError(.invalid, problems) }
        return MachineSignalRule(
            source: source,
            workCenter: WorkCenter.ID(workCenter),
            signal: signal,
            stateCodes: try? codes.get(),
            reasons: try? reasons.get(),
            factor: try? factor.get(),
            idealRate: try? ideal.get(),
            slowBelow: try? slow.get(),
            reportProduction: form.trimmed("reportProduction") == "on" ? true : nil
        )
    }

    /// A number the form may leave empty (nil); what is not a number is refused naming the field.
    static func ruleNumber(_ form: Form, _ name: String, _ label: String) -> Result<Double?, Violation> {
        guard let text = form.trimmed(name) else { return .success(nil) }
        guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
            return .failure(Violation(field: name, rule: "number", message: "\(label) must be a number (got '\(text)')"))
        }
        return .success(value)
    }

    /// `0=idle,1=running,3=down` (commas, semicolons or new lines between pairs) → the codes; nil when empty.
    static func stateCodes(_ text: String?) -> Result<[String: MachineState]?, Violation> {
        pairs(text, field: "stateCodes", separators: ",;\n", example: "0=idle,1=running,3=down").flatMap { pairs in
            guard let pairs else { return .success(nil) }
            var codes: [String: MachineState] = [:]
            for (code, word) in pairs {
                guard let state = MachineState(rawValue: word.lowercased()) else {
                    let states = MachineState.allCases.map(\.rawValue).joined(separator: ", ")
                    return .failure(
                        Violation(field: "stateCodes", rule: "state", message: "state codes: '\(word)' is not a machine state (use \(states))")
                    )
                }
                codes[code] = state
            }
            return .success(codes)
        }
    }

    /// `3=Spindle drive fault; 4=Door open` (semicolons or new lines between pairs, so the words may hold commas) → the
    /// reasons; nil when empty.
    static func reasons(_ text: String?) -> Result<[String: String]?, Violation> {
        pairs(text, field: "reasons", separators: ";\n", example: "3=Spindle drive fault; 4=Door open").map { pairs in
            pairs.map { Dictionary(uniqueKeysWithValues: $0) }
        }
    }

    /// `code=value` pairs between `separators`, each code once; nil when the text is empty. Refusals name `field`.
    static func pairs(_ text: String?, field: String, separators: String, example: String) -> Result<[(String, String)]?, Violation> {
        guard let text, !text.isEmpty else { return .success(nil) }
        var out: [(String, String)] = []
        var seen: Set<String> = []
        for pair in text.split(whereSeparator: { separators.contains($0) }) where !pair.trimmingCharacters(in: .whitespaces).isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                return .failure(Violation(field: field, rule: "format", message: "\(field) are pairs like \(example) (got '\(pair.prefix(60))')"))
            }
            guard seen.insert(parts[0]).inserted else {
                return .failure(Violation(field: field, rule: "unique", message: "code '\(parts[0].prefix(40))' is given twice"))
            }
            out.append((parts[0], parts[1]))
        }
        return .success(out)
    }
}

/// A refused form, with what was typed in it, so the form shows it again beside the plant's words.
struct TypedRefusal: PresentableError, Sendable {
    var presentation: ErrorPresentation
    var typed: [String: String]
}
