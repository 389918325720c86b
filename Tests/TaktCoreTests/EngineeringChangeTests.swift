import Foundation
import TaktCore
import Testing

/// The lathe cell of ``LatheCell`` (work instruction WI-TURN-1 at revision B, bound to operation 10 of RT-HOUSING),
/// with a planner (Pia) and a second quality engineer (Rita) besides Quinn. Every event of the steps taken here is
/// kept in `log`, so a test can replay them.
struct ChangeCell {
    var cell = LatheCell()
    var log: [Event] = []
    let start: PlantState

    static let eco: EngineeringChange.ID = "ECO-000001"
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52])
    static let pdf = Data("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n".utf8)

    init() {
        cell.act(.createUser(User(id: "pl-pia", name: "Pia Planner", roles: [.planner])), by: nil)
        cell.act(.createUser(User(id: "qa-rita", name: "Rita Quality", roles: [.quality])), by: nil)
        start = cell.state
    }

    var state: PlantState { cell.state }

    @discardableResult
    mutating func act(_ command: Command, by actor: User.ID?, sourceLocation: SourceLocation = #_sourceLocation) -> [Event] {
        let events = cell.act(command, by: actor, sourceLocation: sourceLocation)
        log += events
        return events
    }

    @discardableResult
    func refused(_ command: Command, by actor: User.ID?, rule: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        cell.refused(command, by: actor, rule: rule, sourceLocation: sourceLocation)
    }

    static func revisionC(attachments: [TaktCore.Attachment.ID] = []) -> Command {
        .createEngineeringChange(
            CreateEngineeringChange(
                title: "Clamp on the hub",
                reason: "Chatter marks on the thin flange (NC-000012)",
                workInstruction: ProposedRevision(
                    workInstruction: "WI-TURN-1",
                    text: "Clamp on the hub, not the flange.\nTurn bore to H7.\nDeburr the bore edge.",
                    attachments: attachments
                )
            )
        )
    }

    static func submit(_ id: EngineeringChange.ID = eco) -> Command { .submitEngineeringChange(EngineeringChangeRef(engineeringChange: id)) }
    static func approve(_ id: EngineeringChange.ID = eco, note: String? = nil) -> Command {
        .approveEngineeringChange(DecideEngineeringChange(engineeringChange: id, note: note))
    }
    static func reject(_ id: EngineeringChange.ID = eco, note: String?) -> Command {
        .rejectEngineeringChange(DecideEngineeringChange(engineeringChange: id, note: note))
    }
    static func release(_ id: EngineeringChange.ID = eco) -> Command { .releaseEngineeringChange(EngineeringChangeRef(engineeringChange: id)) }
    static func acknowledge(_ revision: String) -> Command {
        .acknowledgeWorkInstruction(AcknowledgeWorkInstruction(workInstruction: "WI-TURN-1", revision: revision))
    }

    /// Sara raises revision C, submits it, Quinn approves and releases it.
    mutating func releaseRevisionC(attachments: [TaktCore.Attachment.ID] = []) {
        act(Self.revisionC(attachments: attachments), by: "sup-sara")
        act(Self.submit(), by: "sup-sara")
        act(Self.approve(), by: "qa-quinn")
        act(Self.release(), by: "qa-quinn")
    }
}

@Suite("Engineering changes and work instruction revisions")
struct EngineeringChangeTests {
    @Test("A supervisor's new revision is approved by quality and released; Anna must read revision C before she may start again")
    func newRevisionNeedsAcknowledgement() {
        var c = ChangeCell()
        c.cell.annaReady()  // clocked in, revision B read
        let created = c.act(ChangeCell.revisionC(), by: "sup-sara")
        guard case .engineeringChangeCreated(let eco)? = created.first else {
            Issue.record("no change created: \(created)")
            return
        }
        #expect(
            eco.id == ChangeCell.eco && eco.status == EngineeringChangeStatus.draft && eco.baseRevision == "B" && eco.workInstruction?.revision == "C"
        )
        #expect(eco.workInstruction?.title == "Turn housing")

        // The approver reads what changes, line by line.
        let diff = c.state.textDiff(of: eco)
        #expect(diff?.lines.map(\.change) == [TextDiff.Change.removed, .added, .added, .added])
        #expect(diff?.lines.first?.text == "Clamp on the flange; turn bore to H7.")
        #expect(diff?.newText == "Clamp on the hub, not the flange.\nTurn bore to H7.\nDeburr the bore edge.")

        c.act(ChangeCell.submit(), by: "sup-sara")
        #expect(c.state.engineeringChanges[ChangeCell.eco]?.requiredRoles == [.quality])
        // Until it is released, revision B stays current and Anna may work.
        #expect(c.state.workInstructions["WI-TURN-1"]?.revision == "B")
        c.act(ChangeCell.approve(note: "Checked on the first-off part"), by: "qa-quinn")
        #expect(c.state.engineeringChanges[ChangeCell.eco]?.status == .approved)
        let released = c.act(ChangeCell.release(), by: "qa-quinn")
        #expect(released.map(\.typeName) == ["workInstructionDefined", "engineeringChangeReleased"])
        #expect(c.state.workInstructions["WI-TURN-1"]?.revision == "C")
        #expect(c.state.engineeringChanges[ChangeCell.eco]?.status == .released)
        let history = c.state.history(of: "WI-TURN-1")
        #expect(history?.revisions.map(\.revision) == ["B", "C"])
        #expect(history?.revisions.last?.engineeringChange == ChangeCell.eco)

        // Anna's acknowledgement of B no longer counts.
        let message = c.refused(LatheCell.start(), by: "op-anna", rule: Interlock.workInstructionNotAcknowledged.rawValue)
        #expect(message == "Anna Berger acknowledged revision B, but the current revision is C of work instruction WI-TURN-1 'Turn housing'")
        // She cannot acknowledge the superseded revision again.
        let stale = c.refused(ChangeCell.acknowledge("B"), by: "op-anna", rule: "not-current")
        #expect(
            stale
                == "revision 'B' of WI-TURN-1 is not current; it was superseded; the current revision is 'C' (released by ECO-000001): read it and acknowledge revision 'C'"
        )
        c.act(ChangeCell.acknowledge("C"), by: "op-anna")
        c.act(LatheCell.start(), by: "op-anna")
    }

    @Test("Defining a released work instruction again is refused, saying to raise an engineering change; a new one is defined as before")
    func defineRefusedOnceReleased() {
        let c = ChangeCell()
        let message = c.refused(
            .defineWorkInstruction(WorkInstruction(id: "WI-TURN-1", title: "Turn housing", revision: "C", text: "New clamping.")),
            by: "pl-pia",
            rule: "change-controlled"
        )
        #expect(message?.contains("changes only through an engineering change") == true)
        #expect(message?.contains("POST /api/v1/engineering-changes") == true)
        var fresh = c
        fresh.act(
            .defineWorkInstruction(WorkInstruction(id: "WI-DRILL-1", title: "Drill flange", revision: "A", text: "Drill 4x M12.")),
            by: "pl-pia"
        )
        #expect(fresh.state.history(of: "WI-DRILL-1")?.revisions.map(\.revision) == ["A"])
    }

    @Test("Quality may not approve a change they raised themselves (the standard policy asks for someone else)")
    func ownChangeNotApproved() {
        var c = ChangeCell()
        c.act(ChangeCell.revisionC(), by: "qa-quinn")
        c.act(ChangeCell.submit(), by: "qa-quinn")
        let message = c.refused(ChangeCell.approve(), by: "qa-quinn", rule: "own-change")
        #expect(message == "Quinn Hale raised ECO-000001 and may not approve it; the approval policy asks for someone else")
        c.refused(ChangeCell.reject(note: "Not needed"), by: "qa-quinn", rule: "own-change")
        c.act(ChangeCell.approve(), by: "qa-rita")
        #expect(c.state.engineeringChanges[ChangeCell.eco]?.status == .approved)
    }

    @Test("A planner or an operator without the quality role cannot approve; a policy may let the author approve")
    func approvalNeedsTheRole() {
        var c = ChangeCell()
        c.act(ChangeCell.revisionC(), by: "sup-sara")
        c.act(ChangeCell.submit(), by: "sup-sara")
        let message = c.refused(ChangeCell.approve(), by: "pl-pia", rule: "approval-role")
        #expect(message == "ECO-000001 waits for approval by quality; Pia Planner has the roles planner")
        c.refused(ChangeCell.approve(), by: "op-anna", rule: "approval-role")

        var own = ChangeCell()
        own.act(
            .defineApprovalPolicy(ApprovalPolicy(rules: [], engineeringChange: .init(roles: [.planner, .quality], authorMayApprove: true))),
            by: nil
        )
        own.act(ChangeCell.revisionC(), by: "pl-pia")
        own.act(ChangeCell.submit(), by: "pl-pia")
        #expect(own.state.engineeringChanges[ChangeCell.eco]?.requiredRoles == [.planner, .quality])
        own.act(ChangeCell.approve(), by: "pl-pia")
        #expect(own.state.engineeringChanges[ChangeCell.eco]?.status == .submitted, "quality has not approved yet")
        own.refused(ChangeCell.approve(), by: "pl-pia", rule: "approval-role")
        own.act(ChangeCell.approve(), by: "qa-rita")
        #expect(own.state.engineeringChanges[ChangeCell.eco]?.status == .approved)
    }

    @Test("Releasing a draft or a submitted change is refused; so is approving a draft, and anything on a rejected change")
    func releaseBeforeApproval() {
        var c = ChangeCell()
        c.act(ChangeCell.revisionC(), by: "sup-sara")
        let draft = c.refused(ChangeCell.release(), by: "qa-quinn", rule: "not-approved")
        #expect(draft == "ECO-000001 is draft; only an approved change can be released")
        let early = c.refused(ChangeCell.approve(), by: "qa-quinn", rule: "status")
        #expect(early == "ECO-000001 is draft; only a submitted change can be approved; submit it first")
        c.act(ChangeCell.submit(), by: "sup-sara")
        let submitted = c.refused(ChangeCell.release(), by: "qa-quinn", rule: "not-approved")
        #expect(submitted == "ECO-000001 is submitted (waiting for approval by quality); only an approved change can be released")
        #expect(c.state.workInstructions["WI-TURN-1"]?.revision == "B")

        c.refused(ChangeCell.reject(note: "  "), by: "qa-quinn", rule: "required")
        c.act(ChangeCell.reject(note: "Clamping on the hub deforms it; try soft jaws"), by: "qa-quinn")
        #expect(c.state.engineeringChanges[ChangeCell.eco]?.status == .rejected)
        c.refused(ChangeCell.release(), by: "qa-quinn", rule: "not-approved")
        c.refused(ChangeCell.approve(), by: "qa-rita", rule: "status")
        c.refused(ChangeCell.submit(), by: "sup-sara", rule: "status")
    }

    @Test("A change raised against revision B cannot be released once another change released revision C")
    func staleChange() {
        var c = ChangeCell()
        c.act(ChangeCell.revisionC(), by: "sup-sara")
        c.act(
            .createEngineeringChange(
                CreateEngineeringChange(
                    title: "Coolant",
                    reason: "Dry cut",
                    workInstruction: ProposedRevision(workInstruction: "WI-TURN-1", text: "Turn dry.")
                )
            ),
            by: "pl-pia"
        )
        for id: EngineeringChange.ID in ["ECO-000001", "ECO-000002"] {
            c.act(ChangeCell.submit(id), by: "sup-sara")
            c.act(ChangeCell.approve(id), by: "qa-quinn")
        }
        c.act(ChangeCell.release("ECO-000002"), by: "qa-quinn")
        #expect(c.state.workInstructions["WI-TURN-1"]?.revision == "C")
        let message = c.refused(ChangeCell.release("ECO-000001"), by: "qa-quinn", rule: "stale")
        #expect(message?.hasPrefix("WI-TURN-1 is at revision C now, but ECO-000001 was raised against revision B") == true)
    }

    @Test("Proposals are checked field by field: nothing to change, an unknown attachment, a used revision, the same text")
    func proposalChecks() {
        let c = ChangeCell()
        c.refused(.createEngineeringChange(CreateEngineeringChange(title: "Nothing", reason: "None")), by: "pl-pia", rule: "required")
        let unknown = ProposedRevision(workInstruction: "WI-TURN-1", text: "x", attachments: ["ATT-000009"])
        c.refused(
            .createEngineeringChange(CreateEngineeringChange(title: "T", reason: "R", workInstruction: unknown)),
            by: "pl-pia",
            rule: "unknown-reference"
        )
        let used = ProposedRevision(workInstruction: "WI-TURN-1", text: "x", revision: "B")
        c.refused(.createEngineeringChange(CreateEngineeringChange(title: "T", reason: "R", workInstruction: used)), by: "pl-pia", rule: "unique")
        let same = ProposedRevision(workInstruction: "WI-TURN-1", text: "Clamp on the flange; turn bore to H7.")
        c.refused(.createEngineeringChange(CreateEngineeringChange(title: "T", reason: "R", workInstruction: same)), by: "pl-pia", rule: "unchanged")
        let new = ProposedRevision(workInstruction: "WI-NEW-1", text: "x")
        c.refused(.createEngineeringChange(CreateEngineeringChange(title: "T", reason: "R", workInstruction: new)), by: "pl-pia", rule: "required")
        let bad = RoutingChange(routing: "RT-HOUSING", operation: 10, workCenter: "WC-DRILL-1")
        let needsTimes = c.refused(
            .createEngineeringChange(CreateEngineeringChange(title: "T", reason: "R", routingChanges: [bad])),
            by: "pl-pia",
            rule: "times-required"
        )
        #expect(needsTimes == "WC-DRILL-1 does not run operation 10 of RT-HOUSING yet; give its setupMinutes and runMinutesPerUnit")
        c.refused(
            .createEngineeringChange(
                CreateEngineeringChange(
                    title: "T",
                    reason: "R",
                    routingChanges: [RoutingChange(routing: "RT-HOUSING", operation: 30, setupMinutes: 5)]
                )
            ),
            by: "pl-pia",
            rule: "unknown-reference"
        )
    }

    @Test("A routing change moves operation 10 to the drill with new standard times and binds a new instruction, once released")
    func routingChange() {
        var c = ChangeCell()
        let change = CreateEngineeringChange(
            title: "Turn on the drill",
            reason: "Lathe 1 is overloaded",
            workInstruction: ProposedRevision(workInstruction: "WI-DRILL-TURN", title: "Turning on the drill", text: "Use the turning head."),
            routingChanges: [
                RoutingChange(
                    routing: "RT-HOUSING",
                    operation: 10,
                    workCenter: "WC-DRILL-1",
                    setupMinutes: 45,
                    runMinutesPerUnit: 14,
                    workInstruction: "WI-DRILL-TURN"
                ),
                RoutingChange(routing: "RT-HOUSING", operation: 20, runMinutesPerUnit: 3.5),
            ]
        )
        c.act(.createEngineeringChange(change), by: "pl-pia")
        #expect(c.state.engineeringChanges[ChangeCell.eco]?.routingBefore.map(\.sequence) == [10, 20])
        c.act(ChangeCell.submit(), by: "pl-pia")
        c.act(ChangeCell.approve(), by: "qa-quinn")
        #expect(c.state.routings["RT-HOUSING"]?.operations.first?.workCenters.first?.workCenter == "WC-LATHE-1", "not before release")
        let events = c.act(ChangeCell.release(), by: "pl-pia")
        #expect(events.map(\.typeName) == ["workInstructionDefined", "routingDefined", "engineeringChangeReleased"])
        let ops = c.state.routings["RT-HOUSING"]?.operations ?? []
        #expect(ops.first?.workCenters.map(\.workCenter) == ["WC-DRILL-1", "WC-LATHE-1"])
        #expect(ops.first?.workCenters.first?.setupMinutes == 45 && ops.first?.workCenters.first?.runMinutesPerUnit == 14)
        #expect(ops.first?.workInstruction == "WI-DRILL-TURN")
        #expect(ops.last?.workCenters.first?.runMinutesPerUnit == 3.5 && ops.last?.workCenters.first?.setupMinutes == 10)
        #expect(c.state.workInstructions["WI-DRILL-TURN"]?.revision == "A")
    }

    @Test("Attachments: a PNG and a PDF are kept byte for byte; wrong first bytes, an unknown type, an empty or too large file are refused")
    func attachments() {
        var c = ChangeCell()
        let png = c.act(.uploadAttachment(UploadAttachment(filename: "clamp.png", contentType: "image/png", content: ChangeCell.png)), by: "pl-pia")
        let pdf = c.act(
            .uploadAttachment(UploadAttachment(filename: "drawing.pdf", contentType: "application/pdf", content: ChangeCell.pdf)),
            by: "pl-pia"
        )
        guard case .attachmentUploaded(let image)? = png.first, case .attachmentUploaded(let drawing)? = pdf.first else {
            Issue.record("no attachments")
            return
        }
        #expect(image.id == "ATT-000001" && drawing.id == "ATT-000002")
        #expect(c.state.attachments["ATT-000001"]?.content.data == ChangeCell.png)
        #expect(
            c.state.attachments["ATT-000002"]?.content.data == ChangeCell.pdf && drawing.contentType == .pdf && drawing.size == ChangeCell.pdf.count
        )

        let lying = c.refused(
            .uploadAttachment(UploadAttachment(filename: "photo.png", contentType: "image/png", content: ChangeCell.pdf)),
            by: "pl-pia",
            rule: "magic-bytes"
        )
        #expect(lying == "the file is declared image/png, but its first bytes are those of application/pdf; only PNG, JPEG and PDF files are taken")
        c.refused(
            .uploadAttachment(UploadAttachment(filename: "notes.pdf", contentType: "application/pdf", content: Data("just text".utf8))),
            by: "pl-pia",
            rule: "magic-bytes"
        )
        let type = c.refused(
            .uploadAttachment(UploadAttachment(filename: "run.exe", contentType: "application/octet-stream", content: Data([0x4D, 0x5A]))),
            by: "pl-pia",
            rule: "allowed-type"
        )
        #expect(type == "contentType must be image/png, image/jpeg or application/pdf (got 'application/octet-stream')")
        c.refused(
            .uploadAttachment(UploadAttachment(filename: "empty.pdf", contentType: "application/pdf", content: Data())),
            by: "pl-pia",
            rule: "required"
        )
        var big = ChangeCell.pdf
        big.append(Data(count: PlantState.maximumAttachmentBytes))
        let tooLarge = c.refused(
            .uploadAttachment(UploadAttachment(filename: "scan.pdf", contentType: "application/pdf", content: big)),
            by: "pl-pia",
            rule: "max-size"
        )
        #expect(tooLarge?.contains("at most 2097152 bytes (2 MiB)") == true)
        c.refused(
            .uploadAttachment(UploadAttachment(filename: "../x.pdf", contentType: "application/pdf", content: ChangeCell.pdf)),
            by: "pl-pia",
            rule: "no-path"
        )
        #expect(c.state.attachments.count == 2, "nothing refused was kept")

        c.releaseRevisionC(attachments: [image.id, drawing.id])
        #expect(c.state.workInstructions["WI-TURN-1"]?.attachments == ["ATT-000001", "ATT-000002"])
        #expect(c.state.history(of: "WI-TURN-1")?.revisions.first?.attachments == [])
    }

    @Test("Replaying the change's events through their JSON, from the same start, rebuilds the same plant")
    func replay() throws {
        var c = ChangeCell()
        c.act(.uploadAttachment(UploadAttachment(filename: "clamp.png", contentType: "image/png", content: ChangeCell.png)), by: "pl-pia")
        c.releaseRevisionC(attachments: ["ATT-000001"])
        c.act(
            .createEngineeringChange(
                CreateEngineeringChange(
                    title: "Faster",
                    reason: "New insert",
                    routingChanges: [RoutingChange(routing: "RT-HOUSING", operation: 10, runMinutesPerUnit: 10)]
                )
            ),
            by: "pl-pia"
        )
        c.act(ChangeCell.submit("ECO-000002"), by: "pl-pia")
        c.act(ChangeCell.reject("ECO-000002", note: "Insert not qualified"), by: "qa-quinn")
        c.act(ChangeCell.acknowledge("C"), by: "op-anna")
        var replayed = c.start
        for event in c.log {
            let payload = try event.encodePayload(TaktJSON.encoder)
            let decoded = try Event(type: event.typeName, payload: payload, decoder: TaktJSON.decoder)
            #expect(decoded == event)
            replayed.apply(decoded, sequence: replayed.sequence + 1)
        }
        #expect(replayed == c.state)
    }

    @Test(
        "Random sequences of raising, attaching, submitting, approving, rejecting, releasing and acknowledging keep the plant coherent, and replay to the same state"
    )
    func randomSequences() throws {
        let actors: [User.ID?] = ["pl-pia", "qa-quinn", "qa-rita", "sup-sara", "op-anna", nil]
        var releases = 0
        var rejections = 0
        for seed in UInt64(1)...40 {
            var rng = SeededRandom(seed: seed)
            var c = ChangeCell()
            var statuses: [EngineeringChange.ID: EngineeringChangeStatus] = [:]
            for _ in 0..<40 {
                let ids = c.state.engineeringChanges.keys.sorted()
                let eco = rng.pick(ids) ?? ChangeCell.eco
                let current = c.state.workInstructions["WI-TURN-1"]?.revision ?? "B"
                let command: Command =
                    switch rng.below(8) {
                    case 0:
                        .createEngineeringChange(
                            CreateEngineeringChange(
                                title: "Change \(rng.below(100))",
                                reason: "random",
                                workInstruction: ProposedRevision(workInstruction: "WI-TURN-1", text: "Text \(rng.below(1000))"),
                                routingChanges: rng.chance(0.3)
                                    ? [RoutingChange(routing: "RT-HOUSING", operation: 20, runMinutesPerUnit: Double(rng.int(1...9)))] : []
                            )
                        )
                    case 1:
                        .uploadAttachment(
                            UploadAttachment(
                                filename: "p.png",
                                contentType: rng.chance(0.8) ? "image/png" : "application/pdf",
                                content: ChangeCell.png,
                                engineeringChange: eco
                            )
                        )
                    case 2: ChangeCell.submit(eco)
                    case 3, 4: ChangeCell.approve(eco)
                    case 5: ChangeCell.reject(eco, note: rng.chance(0.8) ? "no" : nil)
                    case 6: ChangeCell.release(eco)
                    default: ChangeCell.acknowledge(rng.chance(0.5) ? current : "B")
                    }
                let actor = rng.pick(actors) ?? nil
                guard let events = try? c.state.decide(command, actor: actor, now: c.cell.clock) else { continue }
                for event in events {
                    c.cell.plant.state.apply(event, sequence: c.state.sequence + 1)
                    c.log.append(event)
                }
                // Every change moves only along draft → submitted → approved | rejected, approved → released.
                for (id, eco) in c.state.engineeringChanges {
                    let before = statuses[id] ?? .draft
                    let allowed: Set<EngineeringChangeStatus> =
                        switch before {
                        case .draft: [.draft, .submitted]
                        case .submitted: [.submitted, .approved, .rejected]
                        case .approved: [.approved, .released]
                        case .rejected: [.rejected]
                        case .released: [.released]
                        }
                    #expect(allowed.contains(eco.status), "seed \(seed): \(id) went from \(before) to \(eco.status)")
                    statuses[id] = eco.status
                    if eco.status == .approved || eco.status == .released {
                        #expect(eco.pendingRoles.isEmpty && !eco.approvals.contains { $0.user == eco.createdBy })
                    }
                }
            }
            // The current revision is the last of the history; each released change made exactly one of them.
            let history = try #require(c.state.history(of: "WI-TURN-1"))
            #expect(history.revisions.last?.revision == c.state.workInstructions["WI-TURN-1"]?.revision)
            #expect(Set(history.revisions.map(\.revision)).count == history.revisions.count, "revisions are never reused")
            let released = c.state.engineeringChanges.values.filter { $0.status == .released }
            #expect(history.revisions.count == 1 + released.count)
            releases += released.count
            rejections += c.state.engineeringChanges.values.filter { $0.status == .rejected }.count
            #expect(Set(history.revisions.compactMap(\.engineeringChange)) == Set(released.map(\.id)))
            var replayed = c.start
            for event in c.log {
                replayed.apply(
                    try Event(type: event.typeName, payload: event.encodePayload(TaktJSON.encoder), decoder: TaktJSON.decoder),
                    sequence: replayed.sequence + 1
                )
            }
            #expect(replayed == c.state, "seed \(seed): the log replays to the same plant")
        }
        #expect(releases > 5 && rejections > 5, "the sequences reach releases (\(releases)) and rejections (\(rejections))")
    }

    @Test("Revisions count on in letters or numbers")
    func revisionNumbering() {
        #expect(PlantState.nextRevision(after: "A") == "B")
        #expect(PlantState.nextRevision(after: "Z") == "AA")
        #expect(PlantState.nextRevision(after: "AZ") == "BA")
        #expect(PlantState.nextRevision(after: "1") == "2")
        #expect(PlantState.nextRevision(after: "09") == "10")
        #expect(PlantState.nextRevision(after: "B2") == nil)
        #expect(PlantState.nextRevision(after: "b") == nil)
    }

    @Test("On random texts, the line diff gives back both texts, and keeps every line the two share at the start and end")
    func diffInvariants() {
        var rng = SeededRandom(seed: 20_261_206)
        let words = ["clamp", "turn", "drill", "deburr", "measure", "", "check H7"]
        for _ in 0..<300 {
            let old = (0..<rng.below(12)).map { _ in rng.pick(words) ?? "" }
            var new = old
            for _ in 0..<rng.below(5) {
                switch rng.below(3) {
                case 0: new.insert(rng.pick(words) ?? "", at: rng.below(new.count + 1))
                case 1: if !new.isEmpty { new.remove(at: rng.below(new.count)) }
                default: if !new.isEmpty { new[rng.below(new.count)] = rng.pick(words) ?? "" }
                }
            }
            let a = old.joined(separator: "\n")
            let b = new.joined(separator: "\n")
            let diff = TextDiff(old: a, new: b)
            #expect(diff.oldText == (a.isEmpty ? "" : a), "old text of \(old) → \(new)")
            #expect(diff.newText == (b.isEmpty ? "" : b), "new text of \(old) → \(new)")
            if a == b { #expect(diff.added == 0 && diff.removed == 0) }
            // Line numbers count up in each text.
            let olds = diff.lines.compactMap(\.old)
            let news = diff.lines.compactMap(\.new)
            #expect(olds == Array(1...max(1, olds.count)).prefix(olds.count).map { $0 })
            #expect(news == Array(1...max(1, news.count)).prefix(news.count).map { $0 })
        }
    }
}
