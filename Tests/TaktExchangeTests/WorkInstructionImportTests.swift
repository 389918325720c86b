import Foundation
import TaktCore
import TaktExchange
import Testing

@Suite("Work instructions in CSV imports, under change control")
struct WorkInstructionImportTests {
    /// WI-1 defined by an import at revision A, then revision B (with a picture) released through ECO-000001.
    static func plant() throws -> PlantState {
        var state = imported([file("work-instructions.csv", "id,title,revision,text\nWI-1,Deburr,A,Deburr all edges.\n")]).result
        func act(_ command: Command, by actor: User.ID?) throws {
            for event in try state.decide(command, actor: actor, now: demoDay) { state.apply(event, sequence: state.sequence + 1) }
        }
        try act(.createUser(User(id: "pia", name: "Pia Planner", roles: [.planner])), by: nil)
        try act(.createUser(User(id: "quinn", name: "Quinn Quality", roles: [.quality])), by: nil)
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00])
        try act(.uploadAttachment(UploadAttachment(filename: "edge.png", contentType: "image/png", content: png)), by: "pia")
        let proposal = ProposedRevision(workInstruction: "WI-1", text: "Deburr all edges.\nBreak the bore edge 0.5 mm.", attachments: ["ATT-000001"])
        try act(.createEngineeringChange(CreateEngineeringChange(title: "Bore edge", reason: "Sharp edge", workInstruction: proposal)), by: "pia")
        try act(.submitEngineeringChange(EngineeringChangeRef(engineeringChange: "ECO-000001")), by: "pia")
        try act(.approveEngineeringChange(DecideEngineeringChange(engineeringChange: "ECO-000001")), by: "quinn")
        try act(.releaseEngineeringChange(EngineeringChangeRef(engineeringChange: "ECO-000001")), by: "quinn")
        return state
    }

    @Test(
        "Re-importing a plant's own work instructions after a change released revision B changes nothing and keeps the picture; a row with another revision of a released instruction is refused, saying to raise an engineering change, naming the row"
    )
    func reimport() throws {
        let state = try Self.plant()
        #expect(state.workInstructions["WI-1"]?.revision == "B" && state.workInstructions["WI-1"]?.attachments == ["ATT-000001"])
        let again = imported([file("work-instructions.csv", CSVExport.text(.workInstructions, state: state))], into: state)
        #expect(again.commands.isEmpty, "unchanged rows are skipped")
        #expect(again.result.workInstructions == state.workInstructions)

        let changed = CSVImport.plan(
            [file("work-instructions.csv", "id,title,revision,text\nWI-2,Wash,A,Wash.\nWI-1,Deburr,C,Deburr nothing.\n")],
            into: state,
            roles: nil,
            actor: nil,
            now: demoDay
        )
        let issue = try #require(changed.issues.first { $0.rule == "change-controlled" }, "\(changed.issues.map(\.description))")
        #expect(issue.message.contains("changes only through an engineering change"), "\(issue.message)")
        #expect(issue.row == 3, "the row of WI-1")
    }
}
