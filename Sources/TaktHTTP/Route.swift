import Foundation
public import HTTPTypes
import Hummingbird
public import TaktCore
import TaktEngine
import TaktService

/// One documented route: how it is served and how the OpenAPI document describes it.
/// The router and the OpenAPI document are both built from the same list, so they cannot drift apart.
public struct APIRoute: Sendable {
    public struct Parameter: Sendable {
        public enum Location: String, Sendable { case path, query, header }
        public var name: String
        public var location: Location
        public var description: String
        public var schema: String = "string"
        public var required: Bool = false
    }

    public var method: HTTPRequest.Method
    /// OpenAPI-style path, e.g. `/api/v1/work-centers/{id}`.
    public var path: String
    public var operationID: String
    public var summary: String
    public var tag: String
    public var requiresAuth: Bool
    /// Roles allowed, for the description (the service enforces command roles).
    public var roles: [Role]?
    /// Component schema of the JSON body, if any.
    public var requestSchema: String?
    /// False when every field of the body is optional and the body may be left out entirely.
    public var requestBodyRequired: Bool = true
    public var successStatus: Int
    /// Component schema of the success body (`Page<X>` is expanded to a page of X).
    public var responseSchema: String?
    public var responseContentType: String = "application/json"
    public var parameters: [Parameter]
    /// Media types of a body that is a file rather than JSON (e.g. `application/pdf`), documented as binary.
    public var requestMediaTypes: [String]? = nil
    var handler: @Sendable (Request, TaktContext) async throws -> Response

    /// The path in Hummingbird's syntax (`:id` instead of `{id}`).
    var routerPath: String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { seg in
            seg.hasPrefix("{") && seg.hasSuffix("}") ? ":" + seg.dropFirst().dropLast() : String(seg)
        }.joined(separator: "/")
    }
}

extension APIRoute.Parameter {
    static func path(_ name: String, _ description: String) -> Self {
        .init(name: name, location: .path, description: description, required: true)
    }
    static func query(_ name: String, _ description: String, schema: String = "string") -> Self {
        .init(name: name, location: .query, description: description, schema: schema)
    }
    static let idempotencyKey = APIRoute.Parameter(
        name: "Idempotency-Key",
        location: .header,
        description: "Repeat a command safely: the same key from the same user is applied once and answers the same."
    )
}
