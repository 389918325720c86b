import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

/// Incoming documents and their templates (docs/documents.md). Parsing and formatting only: reading a file is the
/// service's (``PlantService/receiveDocument(_:by:)``), the rules are the plant's (`Documents.swift`).
extension TaktAPI {
    var documentRoutes: [APIRoute] {
        let service = service
        var routes = collection(
            CollectionSpec<IncomingDocument>(
                path: "documents",
                schema: "IncomingDocument",
                noun: "document",
                select: { $0.documents },
                filters: [
                    Filter(name: "kind", description: "certificate-of-analysis, delivery-note or customer-order") { [$0.kind.rawValue] },
                    Filter(name: "status", description: "received, verified or rejected") { [$0.status.rawValue] },
                ],
                tag: "Documents"
            ),
            define: nil
        )
        routes += collection(
            CollectionSpec<DocumentTemplate>(
                path: "document-templates",
                schema: "DocumentTemplate",
                noun: "document template",
                select: { $0.documentTemplates },
                filters: [Filter(name: "kind", description: "the kind of document it reads") { [$0.kind.rawValue] }],
                tag: "Documents"
            ),
            define: { .defineDocumentTemplate($0) }
        )
        routes += [
            APIRoute(
                method: .post,
                path: "/api/v1/documents",
                operationID: "uploadDocument",
                summary: "Upload a document as the file itself (application/pdf, text/plain or text/csv) with ?kind=: it is read into "
                    + "a record (each field with the page and line it came from) that waits for verification; nothing else changes yet. "
                    + "422 names the field and rule when the file is not a document of its kind",
                tag: "Documents",
                requiresAuth: true,
                roles: CommandKind.receiveDocument.sortedRoles,
                successStatus: 201,
                responseSchema: "IncomingDocument",
                parameters: [
                    APIRoute.Parameter(
                        name: "kind",
                        location: .query,
                        description: "certificate-of-analysis, delivery-note or customer-order",
                        required: true
                    ),
                    .query("filename", "the file's name, as shown with the record"),
                    .query("template", "read with this template (default: the first of its kind whose match text it has, else generic)"),
                    .idempotencyKey,
                ],
                requestMediaTypes: ["application/pdf", "text/plain", "text/csv"]
            ) { request, ctx in
                try Self.requireRoles(of: .receiveDocument, ctx)
                let q = request.uri.queryParameters
                guard let raw = q["kind"].map(String.init), !raw.isEmpty else {
                    throw Problem.badRequest(
                        "kind",
                        "required",
                        "say what the document is: ?kind=certificate-of-analysis, delivery-note or customer-order"
                    )
                }
                guard let kind = DocumentKind(rawValue: raw) ?? (raw == "certificate" ? .certificate : nil) else {
                    throw Problem.badRequest(
                        "kind",
                        "one-of",
                        "kind must be one of \(DocumentKind.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(raw)')"
                    )
                }
                var request = request
                let body = try await JSONIO.collectBody(of: &request, context: ctx)
                let upload = DocumentUpload(
                    kind: kind,
                    filename: q["filename"].map(String.init) ?? "document",
                    contentType: request.headers[.contentType],
                    bytes: Data(body.readableBytesView),
                    template: q["template"].map { DocumentTemplate.ID(String($0)) }
                )
                let outcome = try await service.receiveDocument(upload, by: try caller(request, ctx))
                return try answer(outcome, event: EventKind.documentReceived.rawValue, status: outcome.replayed ? .ok : .created)
            },
            APIRoute(
                method: .post,
                path: "/api/v1/documents/{id}/verify",
                operationID: "verifyDocument",
                summary: "Verify a document, with a person's corrections ({\"field\": \"rows[0].quantity\", \"value\": \"120\"}): it is "
                    + "checked and takes effect at once or not at all (a delivery note's receipts; a certificate's results, out of spec → "
                    + "a hold proposal; a customer order's proposed sales order → assessed like a rush request). Certificates: quality; "
                    + "delivery notes: warehouse; customer orders: sales or planner",
                tag: "Documents",
                requiresAuth: true,
                roles: CommandKind.verifyDocument.sortedRoles,
                requestSchema: "VerifyDocumentRequest",
                requestBodyRequired: false,
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "document ID"), .idempotencyKey]
            ) { request, ctx in
                let id = try ctx.parameters.require("id")
                let body = try await JSONIO.decode(VerifyDocumentRequest.self, from: request, context: ctx, orEmpty: VerifyDocumentRequest())
                return try await submitReturningEvents(
                    .verifyDocument(VerifyDocument(document: .init(id), corrections: body.corrections, location: body.location)),
                    request: request,
                    context: ctx
                )
            },
            APIRoute(
                method: .post,
                path: "/api/v1/documents/{id}/reject",
                operationID: "rejectDocument",
                summary: "Reject a document, with a reason: it takes no effect",
                tag: "Documents",
                requiresAuth: true,
                roles: CommandKind.rejectDocument.sortedRoles,
                requestSchema: "RejectDocumentRequest",
                successStatus: 200,
                responseSchema: "EventList",
                parameters: [.path("id", "document ID"), .idempotencyKey]
            ) { request, ctx in
                let id = try ctx.parameters.require("id")
                let body = try await JSONIO.decode(RejectDocumentRequest.self, from: request, context: ctx)
                return try await submitReturningEvents(
                    .rejectDocument(RejectDocument(document: .init(id), reason: body.reason)),
                    request: request,
                    context: ctx
                )
            },
        ]
        return routes
    }
}

/// The body of `POST /api/v1/documents/{id}/verify` (every field optional).
struct VerifyDocumentRequest: Codable, Sendable {
    var corrections: [DocumentCorrection]?
    var location: Location.ID?
}

/// The body of `POST /api/v1/documents/{id}/reject`.
struct RejectDocumentRequest: Codable, Sendable {
    var reason: String
}
