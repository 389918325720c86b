import ArgumentParser
import Foundation
import TaktApp
import TaktHTTP

/// `takt openapi > docs/openapi.json`: the API's OpenAPI 3.1 document, as the server generates it from its routes and
/// the registry of commands and events. A test fails when the committed file differs.
struct OpenAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi",
        abstract: "Print the API's OpenAPI 3.1 document (regenerate docs/openapi.json with `swift run takt openapi > docs/openapi.json`)."
    )

    func run() async throws {
        FileHandle.standardOutput.write(try await TaktAPI.publishedOpenAPIDocument(version: TaktApplication.version))
    }
}
