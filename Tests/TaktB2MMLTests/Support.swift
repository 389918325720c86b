import Foundation
import TaktCore
import TaktDemo
import Testing

/// The demo plant's start: midnight UTC, 24 November 2026.
let demoDay = Date(timeIntervalSince1970: 1_795_478_400)
/// Wednesday 25 November 2026, 06:00 UTC: the shift has started.
let morning = Date(timeIntervalSince1970: 1_795_586_400)

/// A plant state built the way the engine builds it: decide, then apply.
func demoState(seed: UInt64 = 42, scale: Int = 1) -> PlantState {
    var state = PlantState()
    for command in DemoPlant.commands(seed: seed, scale: scale, start: demoDay) {
        guard let events = try? state.decide(command.truncatingDates(), actor: nil, now: demoDay) else { continue }
        for event in events { state.apply(event, sequence: state.sequence + 1) }
    }
    return state
}

/// Decides and applies one command, recording a test issue when the core refuses it.
@discardableResult
func accept(
    _ command: Command,
    on state: inout PlantState,
    as actor: User.ID? = nil,
    at now: Date,
    sourceLocation: SourceLocation = #_sourceLocation
)
    -> Bool
{
    do {
        let events = try state.decide(command.truncatingDates(), actor: actor, now: now)
        for event in events { state.apply(event, sequence: state.sequence + 1) }
        return true
    } catch {
        Issue.record("\(command.typeName) was refused: \(error.violations.map(\.message))", sourceLocation: sourceLocation)
        return false
    }
}

/// The demo plant (seed 42) after a morning's work: castings received and moved beside the mill; Anna clocks in at
/// WC-MILL-1, reads the work instruction, runs PO-000007 op 10 for 40 minutes, consumes 30 castings of lot CAST-B2M-33,
/// makes lot HSG-B2M-1 (30 housings) and completes the operation.
func workedDemoState() -> PlantState {
    var s = demoState()
    let anna: User.ID = "op-anna"
    accept(
        .receiveLot(
            ReceiveLot(
                id: "CAST-B2M-33",
                item: "CH-NB-32-160",
                quantity: 33,
                location: "LOC-RECEIVING",
                supplier: "Giesserei Sauerland",
                supplierLot: "GS-2611-0042",
                deliveryNote: "DN-4711"
            )
        ),
        on: &s,
        at: morning
    )
    accept(.moveLot(MoveLot(lot: "CAST-B2M-33", to: "LS-MILL-1")), on: &s, at: morning)
    accept(.clockIn(ClockInCommand(workCenter: "WC-MILL-1")), on: &s, as: anna, at: morning)
    accept(.acknowledgeWorkInstruction(AcknowledgeWorkInstruction(workInstruction: "WI-MACH-210", revision: "B")), on: &s, as: anna, at: morning)
    accept(.startOperation(StartOperation(productionOrder: "PO-000007", operation: 10)), on: &s, as: anna, at: morning)
    let later = morning.addingTimeInterval(40 * 60)
    accept(.consumeLot(ConsumeLot(productionOrder: "PO-000007", operation: 10, lot: "CAST-B2M-33", quantity: 30)), on: &s, as: anna, at: later)
    accept(
        .produceLot(ProduceLot(productionOrder: "PO-000007", operation: 10, lot: "HSG-B2M-1", quantity: 30, location: "LS-MILL-1")),
        on: &s,
        as: anna,
        at: later
    )
    accept(.completeOperation(ReportQuantity(productionOrder: "PO-000007", operation: 10, good: 30)), on: &s, as: anna, at: later)
    return s
}

/// The folder of the test fixtures (the official schemas, the sample messages).
let fixtures: URL = {
    guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
        fatalError("the test bundle has no Fixtures folder")
    }
    return url
}()

let schemas = fixtures.appendingPathComponent("B2MML-V0701")

/// The official schema of a message: `B2MML-<file>.xsd`.
func schema(_ file: String) -> URL { schemas.appendingPathComponent("B2MML-\(file).xsd") }

/// A sample message of docs/examples/b2mml (its copy among the fixtures).
func sample(_ name: String) throws -> Data { try Data(contentsOf: fixtures.appendingPathComponent("examples/\(name)")) }

/// The five sample messages, in the order a plant would send them.
let sampleNames = ["01-materials.xml", "02-equipment.xml", "03-personnel.xml", "04-operations-definitions.xml", "05-operations-schedule.xml"]

/// What `xmllint --noout --schema` said about an XML document: its exit status and its messages.
struct Validation {
    var status: Int32
    var output: String
    var valid: Bool { status == 0 }
}

/// Validates `xml` against `xsd` with libxml2's `xmllint` (Debian's libxml2-utils; `.ci/run` installs it). A missing
/// xmllint is a failure, never a pass.
func xmllint(_ xml: Data, schema xsd: URL) throws -> Validation {
    let candidates = ["/usr/bin/xmllint", "/usr/local/bin/xmllint", "/bin/xmllint"]
    guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
        throw XMLLintMissing()
    }
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("takt-b2mml-\(UUID().uuidString).xml")
    try xml.write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = ["--noout", "--nowarning", "--schema", xsd.path, file.path]
    let pipe = Pipe()
    process.standardError = pipe
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Validation(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self))
}

struct XMLLintMissing: Error, CustomStringConvertible {
    var description: String { "xmllint is not installed: install Debian's libxml2-utils (.ci/run does)" }
}
