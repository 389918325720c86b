import Foundation
import HTTPTypes
import TaktCore

extension TaktAPI {
    /// The OpenAPI 3.1 document, generated from ``routes`` and ``OpenAPISchemas``.
    public func openAPIDocument() throws -> Data {
        try TaktJSON.encoder.encode(openAPI())
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
                        + "errors are RFC 9457 problem+json naming the field and the rule that failed."),
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
        if let roles = route.roles {
            op["description"] = .string("Roles: " + roles.map(\.rawValue).joined(separator: ", ") + " (admins may do everything).")
        }
        if route.requiresAuth { op["security"] = .array([.object(["bearer": .array([])])]) }
        if !route.parameters.isEmpty {
            op["parameters"] = .array(route.parameters.map { p in
                .object([
                    "name": .string(p.name), "in": .string(p.location.rawValue), "required": .bool(p.required),
                    "description": .string(p.description), "schema": .object(["type": .string(p.schema)]),
                ])
            })
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
            if route.successStatus == 201 { responses["200"] = .object(["description": .string("Idempotent replay of an earlier identical request")]) }
        }
        func problem(_ text: String) -> JSONValue {
            .object(["description": .string(text),
                     "content": .object(["application/problem+json": .object(["schema": schemaRef("Problem")])])])
        }
        responses["400"] = problem("Malformed request: the field and rule are named")
        if route.requiresAuth {
            responses["401"] = problem("Missing or invalid API token")
            responses["403"] = problem("The user's roles do not allow this")
        }
        if route.path.contains("{") || route.method != .get {
            // A command also answers 404 when something it names (a lot, a staging task, …) does not exist.
            responses["404"] = problem(route.method == .get ? "Not found" : "Not found: the resource in the path, or one the command names")
        }
        if route.method != .get {
            responses["409"] = problem("Conflicts with the current state, or an idempotency key reused for another request")
            responses["422"] = problem("The command breaks a model rule")
        }
        op["responses"] = .object(responses)
        return .object(op)
    }

    func schemaRef(_ name: String) -> JSONValue {
        if name.hasPrefix("Page<"), name.hasSuffix(">") {
            let inner = String(name.dropFirst(5).dropLast())
            return .object([
                "type": .string("object"),
                "required": .array([.string("items"), .string("total")]),
                "properties": .object([
                    "items": .object(["type": .string("array"), "items": schemaRef(inner)]),
                    "next": .object(["type": .array([.string("string"), .string("null")]),
                                     "description": .string("pass as `after` for the next page; null on the last page")]),
                    "total": .object(["type": .string("integer"), "description": .string("matching items in all pages")]),
                ]),
            ])
        }
        return .object(["$ref": .string("#/components/schemas/\(name)")])
    }
}
