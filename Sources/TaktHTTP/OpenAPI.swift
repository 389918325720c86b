public import Foundation
import HTTPTypes
import Logging
import TaktCore
import TaktEngine
import TaktService
import TaktStore

extension TaktAPI {
    /// The OpenAPI 3.1 document, generated from ``routes`` and ``OpenAPISchemas``.
    public func openAPIDocument() throws -> Data {
        try TaktJSON.encoder.encode(openAPI())
    }

    /// The document as `docs/openapi.json` holds it and `takt openapi` prints it: the routes of a server of this version,
    /// pretty-printed with sorted keys so that a change to it reads as a small diff.
    public static func publishedOpenAPIDocument(version: String) async throws -> Data {
        let engine = try await Engine.open(store: InMemoryEventStore(), now: { Date(timeIntervalSince1970: 0) })
        let api = TaktAPI(service: PlantService(engine: engine), logger: Logger(label: "openapi"), version: version)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(api.openAPI()) + Data("\n".utf8)
    }

    func openAPI() -> JSONValue {
        var paths: [String: [String: JSONValue]] = [:]
        for route in routes {
            paths[route.path, default: [:]][route.method.rawValue.lowercased()] = operation(route)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("Takt API"),
                "version": .string(version),
                "description": .string(
                    "Manufacturing operations orchestration. Every change is a command that appends events to the log; "
                        + "errors are RFC 9457 problem+json naming the field and the rule that failed."
                ),
            ]),
            "servers": .array([.object(["url": .string("/")])]),
            "paths": .object(paths.mapValues { .object($0) }),
            "components": .object([
                "schemas": .object(OpenAPISchemas.components),
                "securitySchemes": .object([
                    "bearer": .object(["type": .string("http"), "scheme": .string("bearer"), "description": .string("An API token issued to a user")])
                ]),
            ]),
        ])
    }

    func operation(_ route: APIRoute) -> JSONValue {
        var op: [String: JSONValue] = [
            "operationId": .string(route.operationID),
            "summary": .string(route.summary),
            "tags": .array([.string(route.tag)]),
        ]
        let roles = Self.documentedRoles(route)
        if route.requiresAuth {
            op["security"] = .array([.object(["bearer": .array([])])])
            op["x-takt-roles"] = .array(roles.map { .string($0.rawValue) })
            op["description"] = .string(
                roles == Role.allCases.sorted()
                    ? "Roles: every signed-in user."
                    : "Roles: " + roles.map(\.rawValue).joined(separator: ", ") + " (admins may do everything); other roles are answered 403."
            )
        } else {
            op["description"] = .string("No token needed.")
        }
        if !route.parameters.isEmpty {
            op["parameters"] = .array(
                route.parameters.map { p in
                    .object([
                        "name": .string(p.name), "in": .string(p.location.rawValue), "required": .bool(p.required),
                        "description": .string(p.description), "schema": Self.parameterSchema(p),
                    ])
                }
            )
        }
        if let types = route.requestMediaTypes {
            op["requestBody"] = .object([
                "required": .bool(true),
                "content": .object(
                    Dictionary(
                        uniqueKeysWithValues: types.map {
                            ($0, JSONValue.object(["schema": .object(["type": .string("string"), "format": .string("binary")])]))
                        }
                    )
                ),
            ])
        }
        if let body = route.requestSchema {
            op["requestBody"] = .object([
                "required": .bool(route.requestBodyRequired),
                "content": .object(["application/json": .object(["schema": schemaRef(body)])]),
            ])
        }
        var responses: [String: JSONValue] = [:]
        var success: [String: JSONValue] = ["description": .string(route.summary)]
        if let schema = route.responseSchema {
            success["content"] = .object([route.responseContentType: .object(["schema": schemaRef(schema)])])
        } else {
            success["content"] = .object([route.responseContentType: .object(["schema": .object([:])])])
        }
        responses[String(route.successStatus)] = .object(success)
        if route.requestSchema != nil || route.method == .post || route.method == .put || route.method == .delete {
            if route.successStatus == 201 {
                responses["200"] = .object(["description": .string("Idempotent replay of an earlier identical request")])
            }
        }
        func problem(_ text: String) -> JSONValue {
            .object([
                "description": .string(text),
                "content": .object(["application/problem+json": .object(["schema": schemaRef("Problem")])]),
            ])
        }
        responses["400"] = problem("Malformed request: the field and rule are named")
        if route.requiresAuth {
            responses["401"] = problem("Missing or invalid API token")
            responses["403"] = problem(
                roles == Role.allCases.sorted()
                    ? "The user is inactive, or the request reaches beyond what the user may see or do"
                    : "The user has none of the roles " + roles.map(\.rawValue).joined(separator: ", ")
            )
            responses["429"] = problem("Too many failed authentications from this client or for this account: wait `Retry-After` seconds")
        }
        if route.path.contains("{") || route.method != .get {
            // A command also answers 404 when something it names (a lot, a staging task, …) does not exist.
            responses["404"] = problem(route.method == .get ? "Not found" : "Not found: the resource in the path, or one the command names")
        }
        if route.requestSchema != nil {
            responses["415"] = problem("The body is not `application/json`")
        }
        if route.method != .get {
            responses["409"] = problem("Conflicts with the current state, or an idempotency key reused for another request")
            responses["422"] = problem("The command breaks a model rule")
        }
        op["responses"] = .object(responses)
        return .object(op)
    }

    /// The roles that may call a route, as the document states them in `x-takt-roles` (admins always may).
    /// A route that declares no roles is open to every signed-in user, except the define routes of the plant
    /// model's collections, whose roles are those of the define command they submit.
    static func documentedRoles(_ route: APIRoute) -> [Role] {
        if let roles = route.roles { return Set(roles + [.admin]).sorted() }
        if route.method != .get, let schema = route.requestSchema, let define = defineCommand(schema) { return define.sortedRoles }
        return Role.allCases.sorted()
    }

    /// The define command whose `data` is the named schema (`Site` → `defineSite`), the command a collection's `POST`
    /// and `PUT` submit.
    static func defineCommand(_ schema: String) -> CommandKind? {
        CommandKind.allCases.first { $0.rawValue.hasPrefix("define") && $0.spec.payloadName == schema }
    }

    /// Path parameters the handlers read as integers: an operation's sequence number, a sales-order line.
    static let integerPathParameters: Set<String> = ["seq", "line"]

    /// A parameter's schema: its type, and the ranges and formats the server checks, read from the parameter's
    /// declaration (`limit` "1–500" becomes minimum 1, maximum 500; `from`/`to` are date-times).
    static func parameterSchema(_ p: APIRoute.Parameter) -> JSONValue {
        var schema: [String: JSONValue] = ["type": .string(p.schema)]
        if p.location == .path, integerPathParameters.contains(p.name) { schema["type"] = .string("integer") }
        if p.schema == "integer", let match = p.description.firstMatch(of: /(\d+)–(\d+)/),
            let low = Double(match.1), let high = Double(match.2)
        {
            schema["minimum"] = .number(low)
            schema["maximum"] = .number(high)
        }
        if p.location == .query, p.name == "from" || p.name == "to", p.description.contains("ISO 8601") {
            schema["format"] = .string("date-time")
        }
        if p.name == "after", p.schema == "integer" { schema["minimum"] = .number(0) }
        return .object(schema)
    }

    func schemaRef(_ name: String) -> JSONValue {
        if name.hasPrefix("Page<"), name.hasSuffix(">") {
            let inner = String(name.dropFirst(5).dropLast())
            return .object([
                "type": .string("object"),
                "required": .array([.string("items"), .string("total")]),
                "properties": .object([
                    "items": .object(["type": .string("array"), "items": schemaRef(inner)]),
                    "next": .object([
                        "type": .array([.string("string"), .string("null")]),
                        "description": .string("pass as `after` for the next page; null on the last page"),
                    ]),
                    "total": .object(["type": .string("integer"), "description": .string("matching items in all pages")]),
                ]),
            ])
        }
        return .object(["$ref": .string("#/components/schemas/\(name)")])
    }
}
