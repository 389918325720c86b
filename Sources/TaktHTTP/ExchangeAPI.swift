import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TaktB2MML
import TaktCore
import TaktEngine
import TaktExchange
import TaktService

/// CSV import and export through the API (docs/integration.md, "CSV"). Parsing the request and formatting the answer
/// only: reading the files, the rules and the one transaction are the service's (``PlantService/importCSV(_:by:progress:)``).
extension TaktAPI {
    var exchangeRoutes: [APIRoute] {
        let service = service
        let fileParameter = APIRoute.Parameter.path(
            "file",
            "the kind's file name, e.g. items.csv (kinds: \(CSVKind.allCases.map(\.rawValue).joined(separator: ", ")))"
        )
        return [
            APIRoute(
                method: .post,
                path: "/api/v1/imports",
                operationID: "importCSV",
                summary: "Import CSV files as one transaction: either one file as `text/csv` with `?kind=` (or `?file=items.csv`), or "
                    + "several as JSON {\"files\": [{\"name\": \"items.csv\", \"kind\": \"items\", \"content\": \"…\"}]}; or one ISA-95 "
                    + "B2MML V0701 message as `application/xml` (MaterialInformation, EquipmentInformation, PersonnelInformation, "
                    + "OperationsDefinitionInformation, OperationsSchedule, plain or as Sync/Process; `?file=` names it in errors). Every row "
                    + "or element is checked first: 422 lists every problem (file, row, column, rule; for XML message, element/field, rule) "
                    + "and nothing is applied; otherwise 201 with the counts per kind (200 when nothing changed). Orders need admin or "
                    + "planner, everything else admin",
                tag: "Exchange",
                requiresAuth: true,
                roles: [.admin, .planner],
                requestBodyRequired: true,
                successStatus: 201,
                responseSchema: nil,
                parameters: [.query("kind", "the kind of a text/csv body"), .query("file", "the file name of a text/csv or application/xml body")]
            ) { request, ctx in
                let user = try ctx.requireUser()
                try Self.requireExchangeRole(user)
                var request = request
                let body = try await JSONIO.collectBody(of: &request, context: ctx)
                let caller = Caller(user: user, correlationID: request.headers[.correlationID])
                // A refusal (ImportRefused) renders itself: 422 with every problem as `errors`, field `file:row:column` (for a
                // B2MML message `message:element/field`).
                if let message = try Self.b2mmlMessage(request, body: Data(body.readableBytesView)) {
                    let summary = try await service.importB2MML([message], by: .user(caller), progress: nil)
                    return try JSONIO.response(summary, status: summary.commands == 0 ? .ok : .created)
                }
                let files = try Self.importFiles(request, body: Data(body.readableBytesView))
                let summary = try await service.importCSV(files, by: .user(caller), progress: nil)
                return try JSONIO.response(summary, status: summary.commands == 0 ? .ok : .created)
            },
            APIRoute(
                method: .get,
                path: "/api/v1/exports/{file}",
                operationID: "exportCSV",
                summary: "The plant's data of one kind as CSV, in the format an import reads (e.g. /api/v1/exports/items.csv). "
                    + "Orders: admin or planner; everything else: admin",
                tag: "Exchange",
                requiresAuth: true,
                roles: [.admin, .planner],
                successStatus: 200,
                responseSchema: nil,
                responseContentType: "text/csv",
                parameters: [fileParameter]
            ) { request, ctx in
                let user = try ctx.requireUser()
                try Self.requireExchangeRole(user)
                let kind = try Self.kind(ctx.parameters.require("file"))
                let text = try await service.exportCSV(kind, by: user)
                return Self.csv(text, name: kind.fileName)
            },
            APIRoute(
                method: .get,
                path: "/api/v1/exports/b2mml/{message}",
                operationID: "exportB2MML",
                summary: "The plant as an ISA-95 B2MML V0701 message (validates against MESA's schemas): OperationsPerformance (per "
                    + "production order that has run and per operation: produced, consumed, by whom, on which work center, when) or "
                    + "MaterialInformation (lots with their genealogy as assembly lots; `?lot=` for one lot and the lots it came from). "
                    + "404 when there is nothing to report. Performance: admin, planner or supervisor; lots also warehouse and quality",
                tag: "Exchange",
                requiresAuth: true,
                roles: [.admin, .planner, .supervisor, .warehouse, .quality],
                successStatus: 200,
                responseSchema: nil,
                responseContentType: "application/xml",
                parameters: [
                    .path("message", "OperationsPerformance or MaterialInformation"),
                    .query("lot", "MaterialInformation only: one lot and its backward genealogy"),
                ]
            ) { request, ctx in
                let user = try ctx.requireUser()
                // The roles first (a refused user learns nothing of the messages); the service checks the message's own.
                if !B2MMLExportMessage.allCases.contains(where: { (try? PlantService.authorize($0, user: user)) != nil }) {
                    try PlantService.authorize(B2MMLExportMessage.materialInformation, user: user)
                }
                let name = try ctx.parameters.require("message")
                guard let message = B2MMLExportMessage.named(name) else {
                    throw Problem.notFound(
                        "there is no B2MML export '\(name)'; messages: \(B2MMLExportMessage.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                let lot = request.uri.queryParameters["lot"].map { Lot.ID(String($0)) }
                let xml = try await service.exportB2MML(message, lot: lot, by: user)
                let headers: HTTPFields = [
                    .contentType: "application/xml; charset=utf-8", .contentDisposition: "attachment; filename=\"\(message.fileName)\"",
                ]
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: xml)))
            },
            APIRoute(
                method: .get,
                path: "/api/v1/imports/templates/{file}",
                operationID: "csvTemplate",
                summary: "The empty file of one kind: its header row (e.g. /api/v1/imports/templates/boms.csv)",
                tag: "Exchange",
                requiresAuth: true,
                successStatus: 200,
                responseSchema: nil,
                responseContentType: "text/csv",
                parameters: [fileParameter]
            ) { request, ctx in
                _ = try ctx.requireUser()
                let kind = try Self.kind(ctx.parameters.require("file"))
                return Self.csv(PlantService.csvTemplate(kind), name: kind.fileName)
            },
        ]
    }

    /// Import and export are an admin's or a planner's (the service then checks each kind).
    static func requireExchangeRole(_ user: User) throws {
        for kind in CSVKind.allCases where (try? PlantService.authorize(kind, user: user)) != nil { return }
        throw EngineError(.forbidden, "CSV import and export need one of the roles: admin, planner")
    }

    static func kind(_ file: String) throws -> CSVKind {
        guard let kind = CSVKind.named(file) else {
            throw Problem.notFound("there is no CSV kind '\(file)'; kinds: \(CSVKind.allCases.map(\.fileName).joined(separator: ", "))")
        }
        return kind
    }

    static func csv(_ text: String, name: String) -> Response {
        let headers: HTTPFields = [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\""]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The B2MML message of an import request with an XML body (`application/xml`, `text/xml`, `…+xml`); nil for another body.
    static func b2mmlMessage(_ request: Request, body: Data) throws -> B2MMLMessage? {
        let media =
            (request.headers[.contentType] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard media == "application/xml" || media == "text/xml" || media.hasSuffix("+xml") else { return nil }
        guard !body.isEmpty else { throw Problem.badRequest("(body)", "required", "send one B2MML message as application/xml") }
        let name = request.uri.queryParameters["file"].map(String.init) ?? "message.xml"
        return B2MMLMessage(name: name, data: body)
    }

    /// The files of an import request: one `text/csv` body with its kind in the query, or several in a JSON body.
    static func importFiles(_ request: Request, body: Data) throws -> [CSVFile] {
        guard !body.isEmpty else { throw Problem.badRequest("(body)", "required", "send CSV as text/csv with ?kind=, or JSON {\"files\": […]}") }
        let media =
            (request.headers[.contentType] ?? "").split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if media == "text/csv" {
            let q = request.uri.queryParameters
            let name = q["file"].map(String.init) ?? q["kind"].map { "\($0).csv" } ?? ""
            guard let kind = CSVKind.named(name) else {
                throw Problem.badRequest(
                    "kind",
                    "one-of",
                    "a text/csv body needs ?kind= with one of: \(CSVKind.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            return [CSVFile(name: kind.fileName, kind: kind, data: body)]
        }
        if let problem = JSONIO.contentTypeProblem(request.headers[.contentType] ?? "") {
            var p = problem
            p.detail = "send one file as text/csv with ?kind=, or several as application/json {\"files\": […]}"
            throw p
        }
        let decoded = try TaktJSON.decoder.decode(ImportRequest.self, from: body)
        guard (1...100).contains(decoded.files.count) else { throw Problem.badRequest("files", "size", "an import holds 1 to 100 files") }
        return decoded.files.enumerated().map { i, f in
            CSVFile(name: f.name ?? f.kind.map { "\($0).csv" } ?? "file \(i + 1)", kind: f.kind.flatMap(CSVKind.named), data: Data(f.content.utf8))
        }
    }
}

/// Several CSV files in one JSON body.
struct ImportRequest: Decodable, Sendable {
    struct File: Decodable, Sendable {
        /// The file's name (`items.csv`), which names its kind unless `kind` does.
        var name: String?
        var kind: String?
        /// The CSV text.
        var content: String
    }
    var files: [File]
}
