import Foundation
import NIOCore
import NIOHTTP1
import TaktCore
import TaktEngine
import TaktTestSupport
import Testing

/// Work instructions and engineering changes in the web app, through the real server on the demo plant (seed 42).
@Suite("Engineering changes in the web app")
struct EngineeringWebTests {
    /// A redirect's path without its fragment (a browser does not send it).
    static func path(_ location: String) -> String { String(location.split(separator: "#", maxSplits: 1).first ?? "") }

    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52])

    /// Posts a multipart form with one file, as a browser sends a file chosen in a form; the session's token travels as a part.
    static func postFile(
        _ s: WebServer,
        _ path: String,
        cookie: String,
        filename: String,
        type: String,
        bytes: Data
    ) async throws -> TestReply {
        let boundary = "----takt-eco-boundary"
        let token = try #require(s.formTokens[cookie])
        var body = Data()
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(token)\r\n".utf8))
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"form\"\r\n\r\nattach\r\n".utf8))
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"back\"\r\n\r\n/engineering-changes/ECO-000001\r\n".utf8))
        body.append(
            Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: \(type)\r\n\r\n".utf8)
        )
        body.append(bytes)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await s.connection.send(
            .POST,
            path,
            headers: [("Cookie", cookie), ("Content-Type", "multipart/form-data; boundary=\(boundary)")],
            body: body
        )
    }

    @Test(
        "The planner raises a change of WI-MACH-210 from its current text and attaches a photo; quality sees the diff, approves it with the password and releases it; the picture shows inline"
    )
    func raiseAttachApproveRelease() async throws {
        try await WebServer.run { s in
            let planner = try await s.signIn(try await s.issueToken(for: "planner"))
            let quality = try await s.signIn(try await s.issueToken(for: "quality"))
            _ = try await s.engine.setPassword(of: "quality", to: "quality passphrase 1", current: nil, by: .system, client: "test")

            let list = try await s.send(.GET, "/work-instructions", cookie: planner)
            #expect(list.status == 200 && list.text.contains("<h1>Work instructions</h1>") && list.text.contains("WI-MACH-210"))
            let start = try await s.send(.GET, "/engineering-changes?workInstruction=WI-MACH-210", cookie: planner)
            #expect(start.status == 200 && start.text.contains("Raise an engineering change"))
            let current = try #require(await s.engine.read { $0.workInstructions["WI-MACH-210"] })

            // Refused: no title. The words stand beside the field, and nothing is recorded.
            let before = await s.engine.committedSequence
            let refused = try await s.send(
                .POST,
                "/engineering-changes",
                cookie: planner,
                form: [
                    ("form", "raise"), ("back", "/engineering-changes#raise"), ("title", ""), ("reason", "flatness"),
                    ("workInstruction", "WI-MACH-210"), ("text", current.text + "\nUse the new gauge."),
                ]
            )
            // Answered on the same page, the text typed kept.
            #expect(refused.status == 422)
            #expect(refused.text.contains("id=\"raise-title-error\""), "\(refused.text.suffix(3000))")
            #expect(refused.text.contains("Use the new gauge.</textarea>"), "the text typed is kept")
            #expect(await s.engine.committedSequence == before)

            let raised = try await s.send(
                .POST,
                "/engineering-changes",
                cookie: planner,
                form: [
                    ("form", "raise"), ("title", "New flange gauge"), ("reason", "flatness complaint"), ("workInstruction", "WI-MACH-210"),
                    ("text", current.text + "\nUse the new gauge."),
                ]
            )
            #expect(raised.location == "/engineering-changes/ECO-000001", "\(raised.status) \(raised.location ?? "")")
            let wrong = try await Self.postFile(
                s,
                "/engineering-changes/ECO-000001/attachments",
                cookie: planner,
                filename: "gauge.png",
                type: "image/png",
                bytes: Data("%PDF-1.4 not a picture".utf8)
            )
            #expect(wrong.status == 303)
            let wrongPage = try await s.send(.GET, Self.path(try #require(wrong.location)), cookie: planner)
            #expect(wrongPage.text.contains("its first bytes are those of application/pdf"), "\(wrongPage.text.suffix(3000))")
            let attached = try await Self.postFile(
                s,
                "/engineering-changes/ECO-000001/attachments",
                cookie: planner,
                filename: "gauge.png",
                type: "image/png",
                bytes: Self.png
            )
            #expect(attached.status == 303)
            #expect(await s.engine.read { $0.attachments["ATT-000001"]?.content.data } == Self.png, "stored byte for byte")
            #expect(try await s.send(.POST, "/engineering-changes/ECO-000001/submit", cookie: planner, form: [("form", "submit")]).status == 303)

            let own = try await s.send(.GET, "/engineering-changes/ECO-000001", cookie: planner)
            #expect(!own.text.contains("id=\"approve-button\""), "the author is not offered the approval")
            #expect(own.text.contains("Waiting for approval by quality; the author does not approve their own change."))
            // Quality reads the diff, then signs the approval.
            let page = try await s.send(.GET, "/engineering-changes/ECO-000001", cookie: quality)
            #expect(page.text.contains("class=\"diff-added\"") && page.text.contains("Use the new gauge."))
            #expect(page.text.contains("<img src=\"/attachments/ATT-000001\""))
            #expect(page.text.contains("id=\"decide-password\""), "the policy signs engineering changes")
            let unsigned = try await s.send(
                .POST,
                "/engineering-changes/ECO-000001/decide",
                cookie: quality,
                form: [("decision", "approve"), ("back", "/engineering-changes/ECO-000001")]
            )
            let unsignedPage = try await s.send(.GET, Self.path(try #require(unsigned.location)), cookie: quality)
            #expect(unsignedPage.text.contains("sign electronically"), "\(unsignedPage.text.suffix(2000))")
            let approved = try await s.send(
                .POST,
                "/engineering-changes/ECO-000001/decide",
                cookie: quality,
                form: [("decision", "approve"), ("password", "quality passphrase 1"), ("note", "gauge checked")]
            )
            #expect(approved.status == 303)
            #expect(await s.engine.read { $0.engineeringChanges["ECO-000001"]?.status } == .approved)
            _ = try await s.send(.POST, "/engineering-changes/ECO-000001/release", cookie: quality, form: [("form", "release")])
            #expect(await s.engine.read { $0.workInstructions["WI-MACH-210"]?.revision } == "C")

            let wi = try await s.send(.GET, "/work-instructions/WI-MACH-210", cookie: planner)
            #expect(wi.text.contains("Revision C (current)") && wi.text.contains("<img src=\"/attachments/ATT-000001\""))
            let image = try await s.send(.GET, "/attachments/ATT-000001", cookie: planner)
            #expect(image.status == 200 && image.body == Self.png && image.headers["Content-Type"].first == "image/png")
            #expect(try await s.send(.GET, "/attachments/ATT-000001").status == 302, "signed-in users only")
        }
    }
}
