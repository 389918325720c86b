import Foundation
import NIOHTTP1
import TaktTestSupport
import Testing

@testable import TaktCore
@testable import TaktEngine

/// Engineering changes through the real server on the demo plant (seed 42), on the clock of ``ClockedServer`` (Wednesday
/// 25 November 2026, 06:00 UTC). WI-MACH-210 rev B is bound to operation 10 of PO-000007 on WC-MILL-1, which Anna runs.
@Suite("Engineering changes through the API")
struct EngineeringAPITests {
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x01])
    static let pdf = Data("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)

    static func upload(_ name: String, _ type: String, _ bytes: Data, eco: String? = nil) -> String {
        let change = eco.map { #","engineeringChange":"\#($0)""# } ?? ""
        return #"{"filename":"\#(name)","contentType":"\#(type)","content":"\#(bytes.base64EncodedString())"\#(change)}"#
    }

    @Test(
        "A planner proposes revision C of WI-MACH-210 with a photo and a drawing; quality approves it with a signature and it is released; Anna is stopped at the start until she acknowledges C"
    )
    func revisionThroughTheAPI() async throws {
        try await ClockedServer.run { s, _ in
            let planner = try await issueToken(s, for: "planner")
            let quality = try await issueToken(s, for: "quality")
            let anna = try await issueToken(s, for: "op-anna")
            try await setPassword(s, for: "quality")
            // Anna reads revision B before anything changes.
            let readB = try await s.send(.POST, "/api/v1/work-instructions/WI-MACH-210/acknowledge", token: anna, body: #"{"revision":"B"}"#)
            #expect(readB.status == 200, "\(readB.text)")

            // Attachments are checked by their first bytes.
            let photo = try await s.send(.POST, "/api/v1/attachments", token: planner, body: Self.upload("fixture.png", "image/png", Self.png))
            #expect(photo.status == 201, "\(photo.text)")
            #expect(try photo.json()["id"] as? String == "ATT-000001" && photo.json()["content"] == nil, "the answer leaves the bytes out")
            let lying = try await s.send(.POST, "/api/v1/attachments", token: planner, body: Self.upload("photo.png", "image/png", Self.pdf))
            #expect(lying.status == 422, "\(lying.text)")
            #expect(lying.text.contains("magic-bytes") && lying.text.contains("\"content\""))

            // The released instruction is not redefined directly.
            let direct = try await s.send(
                .PUT,
                "/api/v1/work-instructions/WI-MACH-210",
                token: planner,
                body: #"{"id":"WI-MACH-210","title":"Mill flange","revision":"C","text":"new"}"#
            )
            #expect(direct.status == 409 && direct.text.contains("change-controlled") && direct.text.contains("engineering change"), "\(direct.text)")

            let current = try #require(await s.engine.read { $0.workInstructions["WI-MACH-210"] })
            let text = current.text + "\nCheck the flange face with the new gauge."
            let body = try String(
                decoding: JSONSerialization.data(
                    withJSONObject: [
                        "title": "New flange gauge", "reason": "Customer complaint on flatness",
                        "workInstruction": ["workInstruction": "WI-MACH-210", "text": text, "attachments": ["ATT-000001"]],
                    ]
                ),
                as: UTF8.self
            )
            let created = try await s.send(.POST, "/api/v1/engineering-changes", token: planner, body: body)
            #expect(created.status == 201, "\(created.text)")
            let eco = try created.json()
            #expect(eco["id"] as? String == "ECO-000001" && eco["status"] as? String == "draft" && eco["baseRevision"] as? String == "B")
            let drawing = try await s.send(
                .POST,
                "/api/v1/attachments",
                token: planner,
                body: Self.upload("drawing.pdf", "application/pdf", Self.pdf, eco: "ECO-000001")
            )
            #expect(drawing.status == 201, "\(drawing.text)")

            let base = "/api/v1/engineering-changes/ECO-000001"
            let early = try await s.send(.POST, base + "/release", token: quality)
            #expect(early.status == 409 && early.text.contains("not-approved"), "\(early.text)")
            #expect(try await s.send(.POST, base + "/submit", token: planner).status == 200)
            let byPlanner = try await s.send(.POST, base + "/approval", token: planner)
            #expect(byPlanner.status == 403 && byPlanner.text.contains("own-change"), "\(byPlanner.text)")
            let unsigned = try await s.send(.POST, base + "/approval", token: quality, body: #"{"note":"ok"}"#)
            #expect(unsigned.status == 422 && unsigned.text.contains("signature.password"), "\(unsigned.text)")
            let approved = try await s.send(.POST, base + "/approval", token: quality, body: #"{"note":"ok",\#(signature("approved"))}"#)
            #expect(approved.status == 200, "\(approved.text)")
            #expect(try eventTypes(approved) == ["engineeringChangeApproved", "recordSigned"])

            let diff = try await s.send(.GET, base + "/diff", token: anna).json()
            let lines = try #require(diff["lines"] as? [[String: Any]])
            #expect(lines.last?["change"] as? String == "added" && lines.last?["text"] as? String == "Check the flange face with the new gauge.")

            let released = try await s.send(.POST, base + "/release", token: quality)
            #expect(released.status == 200, "\(released.text)")
            #expect(try eventTypes(released) == ["workInstructionDefined", "engineeringChangeReleased"])
            let wi = try await s.send(.GET, "/api/v1/work-instructions/WI-MACH-210", token: anna).json()
            #expect(wi["revision"] as? String == "C" && wi["attachments"] as? [String] == ["ATT-000001", "ATT-000002"])
            let revisions = try await s.send(.GET, "/api/v1/work-instructions/WI-MACH-210/revisions", token: anna).json()
            #expect((revisions["revisions"] as? [[String: Any]])?.map { $0["revision"] as? String } == ["B", "C"])

            // The PDF comes back byte for byte, with its type.
            let content = try await s.send(.GET, "/api/v1/attachments/ATT-000002/content", token: anna)
            #expect(content.status == 200 && content.body == Self.pdf)
            #expect(content.headers["Content-Type"].first == "application/pdf")
            #expect(try await s.send(.GET, "/api/v1/attachments/ATT-000009/content", token: anna).status == 404)

            // Anna's reading of revision B no longer counts, and B can no longer be acknowledged.
            #expect(try await s.send(.POST, "/api/v1/work-centers/WC-MILL-1/clock-in", token: anna).status == 200)
            let oldAck = try await s.send(.POST, "/api/v1/work-instructions/WI-MACH-210/acknowledge", token: anna, body: #"{"revision":"B"}"#)
            #expect(oldAck.status == 409 && oldAck.text.contains("superseded"), "\(oldAck.text)")
            let start = "/api/v1/production-orders/PO-000007/operations/10/start"
            let refused = try await s.send(.POST, start, token: anna, body: "{}")
            #expect(refused.status == 409)
            #expect(
                refused.text.contains("acknowledged revision B, but the current revision is C of work instruction WI-MACH-210"),
                "\(refused.text)"
            )
            let ack = try await s.send(.POST, "/api/v1/work-instructions/WI-MACH-210/acknowledge", token: anna, body: #"{"revision":"C"}"#)
            #expect(ack.status == 200, "\(ack.text)")
            let again = try await s.send(.POST, start, token: anna, body: "{}")
            #expect(!again.text.contains("work-instruction-not-acknowledged"), "\(again.text)")
        }
    }

    @Test("A too large file, a draft named by another status, and a rejection without a note are refused with the field and the rule")
    func refusals() async throws {
        try await ClockedServer.run { s, _ in
            let planner = try await issueToken(s, for: "planner")
            var big = Self.pdf
            big.append(Data(count: PlantState.maximumAttachmentBytes))
            let tooLarge = try await s.send(.POST, "/api/v1/attachments", token: planner, body: Self.upload("scan.pdf", "application/pdf", big))
            #expect(tooLarge.status == 422 && tooLarge.text.contains("max-size"), "\(tooLarge.text.prefix(500))")
            let routing = try #require(await s.engine.read { $0.productionOrders["PO-000007"]?.routing })
            let created = try await s.send(
                .POST,
                "/api/v1/engineering-changes",
                token: planner,
                body:
                    #"{"title":"Faster milling","reason":"new cutter","routingChanges":[{"routing":"\#(routing)","operation":10,"runMinutesPerUnit":3}]}"#
            )
            #expect(created.status == 201, "\(created.text)")
            let unknown = try await s.send(
                .POST,
                "/api/v1/engineering-changes",
                token: planner,
                body: #"{"title":"x","reason":"y","routingChanges":[{"routing":"RT-NONE","operation":10,"setupMinutes":3}]}"#
            )
            #expect(unknown.status == 422 && unknown.text.contains("routingChanges[0].routing"), "\(unknown.text)")
            #expect(try await s.send(.POST, "/api/v1/engineering-changes/ECO-000001/submit", token: planner).status == 200)
            let noNote = try await s.send(.POST, "/api/v1/engineering-changes/ECO-000001/approval", body: #"{"approved":false}"#)
            #expect(noNote.status == 422 && noNote.text.contains("\"note\""), "\(noNote.text)")
            let drawing = try await s.send(
                .POST,
                "/api/v1/attachments",
                token: planner,
                body: Self.upload("d.pdf", "application/pdf", Self.pdf, eco: "ECO-000404")
            )
            #expect(drawing.status == 422 && drawing.text.contains("engineeringChange"), "\(drawing.text)")
        }
    }
}
