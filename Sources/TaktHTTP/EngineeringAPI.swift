import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

/// Work instructions under change control through the API: their revisions and the diff between two, attachments
/// (uploaded as base64 JSON, answered byte for byte), and engineering changes from draft to release (see
/// docs/work-instructions.md). The rules are the core's (EngineeringChange.swift); reads are open to every signed-in user.
extension TaktAPI {
    var engineeringRoutes: [APIRoute] {
        let service = service
        let tag = "Engineering"
        var r: [APIRoute] = []

        // MARK: Revisions of a work instruction

        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/work-instructions/{id}/revisions",
                operationID: "listWorkInstructionRevisions",
                summary: "Every released revision of a work instruction, oldest first, with the change that released it",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "WorkInstructionHistory",
                parameters: [.path("id", "work instruction ID")]
            ) { request, ctx in
                _ = try ctx.requireUser()
                let id = WorkInstruction.ID(try ctx.parameters.require("id"))
                guard let history = await service.read({ $0.history(of: id) }) else {
                    throw Problem.notFound("work instruction '\(id)' does not exist")
                }
                return try JSONIO.response(history)
            }
        )
        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/work-instructions/{id}/diff",
                operationID: "diffWorkInstructionRevisions",
                summary: "The line diff between two revisions of a work instruction (`from` defaults to the one before `to`, `to` to the current)",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "TextDiff",
                parameters: [
                    .path("id", "work instruction ID"), .query("from", "the older revision"), .query("to", "the newer revision (default: current)"),
                ]
            ) { request, ctx in
                _ = try ctx.requireUser()
                let id = WorkInstruction.ID(try ctx.parameters.require("id"))
                let query = try queryParameters(request, allowed: ["from", "to"])
                let diff: TextDiff = try await service.read { state in
                    guard let history = state.history(of: id) else { throw Problem.notFound("work instruction '\(id)' does not exist") }
                    let names = history.revisions.map(\.revision)
                    let to = query["to"] ?? history.current
                    guard let newIndex = names.lastIndex(of: to) else {
                        throw Problem.badRequest("to", "unknown-revision", "\(id) has no revision '\(to)' (it has \(names.joined(separator: ", ")))")
                    }
                    let from = query["from"] ?? (newIndex > 0 ? names[newIndex - 1] : to)
                    guard let oldIndex = names.lastIndex(of: from) else {
                        throw Problem.badRequest(
                            "from",
                            "unknown-revision",
                            "\(id) has no revision '\(from)' (it has \(names.joined(separator: ", ")))"
                        )
                    }
                    return TextDiff(old: history.revisions[oldIndex].text, new: history.revisions[newIndex].text)
                }
                return try JSONIO.response(diff)
            }
        )

        // MARK: Attachments

        r += collection(
            CollectionSpec<AttachmentInfo>(
                path: "attachments",
                schema: "AttachmentInfo",
                noun: "attachment",
                select: { $0.attachments.mapValues(\.info) },
                filters: [Filter(name: "contentType", description: "image/png, image/jpeg or application/pdf") { [$0.contentType.rawValue] }],
                tag: tag
            ),
            define: nil
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/attachments",
                operationID: "uploadAttachment",
                summary: "Upload a PNG, JPEG or PDF (base64 in `content`, at most 2 MiB) to attach to a work instruction revision; "
                    + "the first bytes must match `contentType`",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.uploadAttachment.sortedRoles,
                requestSchema: "UploadAttachment",
                successStatus: 201,
                responseSchema: "AttachmentInfo",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let upload = try await JSONIO.decode(UploadAttachment.self, from: request, context: ctx)
                let outcome = try await submit(.uploadAttachment(upload), request: request, context: ctx)
                guard case .attachmentUploaded(let attachment)? = try outcome.domainEvents().last else {
                    throw EngineError(.internal, "the upload recorded no attachment")
                }
                return try JSONIO.response(attachment.info, status: outcome.replayed ? .ok : .created, headers: replayHeaders(outcome))
            }
        )
        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/attachments/{id}/content",
                operationID: "getAttachmentContent",
                summary: "The attachment's bytes, as uploaded, with its content type (image/png, image/jpeg or application/pdf)",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: nil,
                responseContentType: "application/octet-stream",
                parameters: [.path("id", "attachment ID")]
            ) { request, ctx in
                _ = try ctx.requireUser()
                let id = Attachment.ID(try ctx.parameters.require("id"))
                guard let attachment = await service.read({ $0.attachments[id] }) else {
                    throw Problem.notFound("attachment '\(id)' does not exist")
                }
                return Self.attachmentResponse(attachment)
            }
        )

        // MARK: Engineering changes

        let ecoParameters: [APIRoute.Parameter] = [.path("id", "engineering change ID"), .idempotencyKey]
        r += collection(
            CollectionSpec<EngineeringChange>(
                path: "engineering-changes",
                schema: "EngineeringChange",
                noun: "engineering change",
                select: { $0.engineeringChanges },
                filters: [
                    Filter(name: "status", description: "draft, submitted, approved, rejected or released") { [$0.status.rawValue] },
                    Filter(name: "workInstruction", description: "proposes a revision of this work instruction") {
                        $0.workInstruction.map { [$0.workInstruction.rawValue] } ?? []
                    },
                ],
                tag: tag
            ),
            define: nil
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/engineering-changes",
                operationID: "createEngineeringChange",
                summary: "Raise an engineering change (a draft): a new work instruction revision (text, attachments), routing changes "
                    + "(an operation's primary work center, standard times, bound work instruction), or both",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.createEngineeringChange.sortedRoles,
                requestSchema: "CreateEngineeringChange",
                successStatus: 201,
                responseSchema: "EngineeringChange",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                let create = try await JSONIO.decode(CreateEngineeringChange.self, from: request, context: ctx)
                return try await submitReturningEntity(.createEngineeringChange(create), request: request, context: ctx, status: .created)
            }
        )
        r.append(
            APIRoute(
                method: .get,
                path: "/api/v1/engineering-changes/{id}/diff",
                operationID: "diffEngineeringChange",
                summary: "What the change does to the work instruction's text: the line diff from the revision it was raised against",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "TextDiff",
                parameters: [.path("id", "engineering change ID")]
            ) { request, ctx in
                _ = try ctx.requireUser()
                let id = EngineeringChange.ID(try ctx.parameters.require("id"))
                let diff: TextDiff = try await service.read { state in
                    guard let eco = state.engineeringChanges[id] else { throw Problem.notFound("engineering change '\(id)' does not exist") }
                    return state.textDiff(of: eco) ?? TextDiff(lines: [])
                }
                return try JSONIO.response(diff)
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/engineering-changes/{id}/submit",
                operationID: "submitEngineeringChange",
                summary: "Submit a draft for approval by the roles the approval policy names",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.submitEngineeringChange.sortedRoles,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: ecoParameters
            ) { request, ctx in
                let id = EngineeringChange.ID(try ctx.parameters.require("id"))
                return try await submitReturningEvents(
                    .submitEngineeringChange(EngineeringChangeRef(engineeringChange: id)),
                    request: request,
                    context: ctx
                )
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/engineering-changes/{id}/approval",
                operationID: "decideEngineeringChange",
                summary: "Approve a submitted change (an empty body approves), or reject it with a note (`approved: false`); by a role "
                    + "the approval policy names, not by its author, signed when the policy says so",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.approveEngineeringChange.sortedRoles,
                requestSchema: "ApprovalRequest",
                requestBodyRequired: false,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: ecoParameters
            ) { request, ctx in
                let id = EngineeringChange.ID(try ctx.parameters.require("id"))
                let body = try await JSONIO.decode(ApprovalRequest.self, from: request, context: ctx, orEmpty: ApprovalRequest())
                let decision = DecideEngineeringChange(engineeringChange: id, note: body.note)
                return try await submitReturningEvents(
                    body.approved ?? true ? .approveEngineeringChange(decision) : .rejectEngineeringChange(decision),
                    request: request,
                    context: ctx,
                    signature: body.signature
                )
            }
        )
        r.append(
            APIRoute(
                method: .post,
                path: "/api/v1/engineering-changes/{id}/release",
                operationID: "releaseEngineeringChange",
                summary: "Release an approved change: its revision becomes current (operators acknowledge it before they start) and "
                    + "its routing changes take effect",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.releaseEngineeringChange.sortedRoles,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: ecoParameters
            ) { request, ctx in
                let id = EngineeringChange.ID(try ctx.parameters.require("id"))
                return try await submitReturningEvents(
                    .releaseEngineeringChange(EngineeringChangeRef(engineeringChange: id)),
                    request: request,
                    context: ctx
                )
            }
        )
        return r
    }

    /// An attachment's bytes as uploaded, shown in the browser (inline) under its file name; never sniffed as another type.
    static func attachmentResponse(_ attachment: Attachment) -> Response {
        var headers: HTTPFields = [
            .contentType: attachment.contentType.rawValue,
            .contentDisposition: attachment.inlineContentDisposition,
            .cacheControl: "private, max-age=3600",
        ]
        if let nosniff = HTTPField.Name("X-Content-Type-Options") { headers[nosniff] = "nosniff" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: attachment.content.data)))
    }
}
