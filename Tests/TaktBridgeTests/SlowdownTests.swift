import Foundation
import Logging
import TaktBridge
import TaktCore
import TaktEngine
import TaktMQTT
import TaktMachineData
import TaktOrchestrator
import TaktService
import TaktTestSupport
import Testing

@Suite("A machine's slowdown over MQTT reaches the orchestrator", .serialized)
struct SlowdownTests {
    @Test("A rate below the ideal on the broker becomes a slow machine and an exception with actions to approve")
    func slowdownRaisesException() async throws {
        let rig = try await BridgeRig.make(machines: 200)
        let admin = try #require(await rig.engine.read { $0.users["admin"] })
        _ = try await rig.service.runSchedule(ScheduleRunRequest(seed: 7, iterations: 300), by: Caller(user: admin))
        // The work center with the most work in the next eight hours slows down to 30 %: that surely delays orders.
        let now = rig.clock.read()
        let busiest = try #require(await rig.engine.read { $0.publishedSchedule?.busiestWorkCenter(from: now, hours: 8) })
        let rule = MachineSignalRule(
            source: .json(topic: "plant/\(busiest)/rate", field: "partsPerMinute"),
            workCenter: busiest,
            signal: .rate,
            factor: 60,
            idealRate: 60
        )
        try await rig.define(MachineSignalMapping(rules: [rule], debounceSeconds: 0))

        let orchestrator = Orchestrator(engine: rig.engine, logger: TestPlant.quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await orchestrator.run() }
            defer { group.cancelAll() }
            #expect(await orchestrator.waitUntilIdle(after: await rig.engine.committedSequence, timeout: .seconds(60)))
            let bridge = try await rig.bridge()
            defer { bridge.stop() }
            await eventually("the bridge is subscribed to the JSON topic") {
                bridge.status().connection?.connected == true && bridge.status().connection?.subscriptions.contains("plant/\(busiest)/rate") == true
            }
            let machine = try await rig.publisher()
            defer { machine.stop() }
            let before = await rig.engine.committedSequence
            try rig.publish(machine, [("plant/\(busiest)/rate", Data(#"{"partsPerMinute": 0.3}"#.utf8))])

            await eventually("\(busiest) is recorded slow at 30 % of its ideal rate") { await rig.state(busiest) == .slow }
            let change = try #require(await rig.engine.read { $0.machineStates[busiest]?.last })
            #expect(change.actualRate == 18 && change.idealRate == 60)
            var exception: PlantException?
            await eventually("the orchestrator raises a machine-slow exception", seconds: 60) {
                exception = await rig.engine.read { s in
                    s.exceptions.values.first { $0.kind == .machineSlow && ($0.sourceSequence ?? 0) > before }
                }
                return exception != nil
            }
            let raised = try #require(exception)
            #expect(raised.title.contains(busiest.rawValue) && raised.title.contains("30%"), "\(raised.title)")
            #expect(!raised.actions.isEmpty, "actions to approve are proposed")

            // Back to full speed: the machine is recorded running again.
            try rig.publish(machine, [("plant/\(busiest)/rate", Data(#"{"partsPerMinute": 1.0}"#.utf8))])
            await eventually("\(busiest) runs again") { await rig.state(busiest) == .running }
        }
    }
}
