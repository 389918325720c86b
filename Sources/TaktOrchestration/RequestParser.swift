import Foundation
import TaktCore

enum RequestParser {
    static func parse(_ text: String, state: PlantState, now: Date) throws(OrchestrationError) -> OutcomeRequest {
        throw OrchestrationError(field: "text", rule: "unimplemented", message: "not yet built")
    }
}
