import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TaktCore
import Testing

/// `takt serve --clock-start`: a demo, a training session or a browser test runs on a plant whose clock starts at a
/// chosen instant (a Wednesday morning) and runs on from there, whatever the wall clock says.
@Suite("The plant's clock for demos and tests")
struct ClockStartTests {
    @Test("A server started with --clock-start records its events at that time and later, at the wall clock's pace")
    func clockStartsWhereAsked() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takt-clock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let start = try #require(TaktJSON.parseDate("2026-11-25T06:00:00Z"))
        let server = try ServerProcess(
            database: dir.appendingPathComponent("plant.sqlite").path,
            token: "clock-test-admin-token",
            arguments: ["--clock-start", "2026-11-25T06:00:00Z"]
        )
        defer { server.kill9() }
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v1/events?after=0&limit=10")
        request.headers.add(name: "Authorization", value: "Bearer clock-test-admin-token")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any])
        let events = try #require(json["events"] as? [[String: Any]])
        #expect(events.count == 2, "the admin user and its token")
        for event in events {
            let at = try #require((event["recordedAt"] as? String).flatMap(TaktJSON.parseDate), "\(event)")
            #expect(at >= start && at < start.addingTimeInterval(60), "recorded at \(at), not at the wall clock's time")
        }
    }

    @Test("A --clock-start that is not a date-time is refused before anything starts, naming the option")
    func badClockStart() throws {
        let process = Process()
        process.executableURL = try taktExecutable()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takt-clock-\(UUID().uuidString)")
        process.arguments = ["serve", "--db", dir.appendingPathComponent("plant.sqlite").path, "--port", "0", "--clock-start", "next tuesday"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(text.contains("--clock-start must be an ISO 8601 date-time"), "\(text)")
        #expect(!FileManager.default.fileExists(atPath: dir.path), "no database was created")
    }
}
