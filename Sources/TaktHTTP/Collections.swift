import Foundation
import Hummingbird
import TaktCore

/// A filter on a list: a query parameter matched against one or more values of each entity.
struct Filter<E>: Sendable {
    var name: String
    var description: String
    var values: @Sendable (E) -> [String]
}

/// A resource collection of the plant model, e.g. `/api/v1/work-centers`.
struct CollectionSpec<E: Codable & Sendable & Identifiable>: Sendable where E.ID: Comparable & Sendable & CustomStringConvertible {
    /// Path segment, e.g. `work-centers`.
    var path: String
    /// OpenAPI component name, e.g. `WorkCenter`.
    var schema: String
    /// Words for messages and docs, e.g. `work center`.
    var noun: String
    var select: @Sendable (PlantState) -> [E.ID: E]
    var filters: [Filter<E>]
    /// Only these roles may list and read (nil: every signed-in user).
    var readRoles: Set<Role>? = nil
    /// The OpenAPI tag of its routes (default: `schema`).
    var tag: String? = nil

    /// Filters, sorts and pages; unknown query parameters are refused, naming the parameter.
    func page(_ all: [E.ID: E], query: [(String, String)]) throws -> Page<E> {
        var limit = 50
        var after: String?
        var wanted: [(Filter<E>, String)] = []
        for (name, value) in query {
            switch name {
            case "limit":
                guard let n = Int(value), (1...500).contains(n) else {
                    throw Problem.badRequest("limit", "range", "limit must be an integer from 1 to 500 (got '\(value)')")
                }
                limit = n
            case "after":
                after = value
            default:
                guard let f = filters.first(where: { $0.name == name }) else {
                    let known = (["limit", "after"] + filters.map(\.name)).joined(separator: ", ")
                    throw Problem.badRequest(name, "unknown-parameter", "unknown query parameter '\(name)'; this list accepts: \(known)")
                }
                wanted.append((f, value))
            }
        }
        var matching = all.values.filter { e in wanted.allSatisfy { f, v in f.values(e).contains(v) } }
        matching.sort { $0.id < $1.id }
        let total = matching.count
        if let after {
            matching = Array(matching.drop { $0.id.description <= after })
        }
        let items = Array(matching.prefix(limit))
        let next = matching.count > limit ? items.last?.id.description : nil
        return Page(items: items, next: next, total: total)
    }
}
