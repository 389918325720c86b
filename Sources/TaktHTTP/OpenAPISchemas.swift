import Foundation
import TaktCore

/// JSON Schemas of every body the API reads or writes (OpenAPI 3.1 components).
enum OpenAPISchemas {
    static let names = [
        "Health", "User", "Site", "Skill", "WorkCenter", "Location", "Item", "BOM", "Routing", "Customer", "SalesOrder",
        "NewSalesOrder", "ProductionOrder", "NewProductionOrder", "Lot", "NewLot", "PromiseRequest", "ReasonRequest",
        "MoveRequest", "LotStatusRequest", "TokenRequest", "TokenList", "IssuedToken", "Command", "CommandBatch",
        "BatchResult", "EventList", "EventPage", "Problem",
    ]
    static var components: [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: names.map { ($0, JSONValue.object(["type": .string("object")])) })
    }
}
