import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktService

/// Machine data through the API: the plant's machine-signal mapping (read by every signed-in user, replaced whole by
/// admins and supervisors through `defineMachineSignalMapping`, checked by the core), and the machine-data bridge's
/// status as `takt serve --mqtt` reports it (no `connection` when no bridge runs). docs/machine-data.md.
extension TaktAPI {
    var machineDataRoutes: [APIRoute] {
        let service = service
        let tag = "Machine data"
        return [
            APIRoute(
                method: .get,
                path: "/api/v1/machine-data/mapping",
                operationID: "getMachineSignalMapping",
                summary: "How machine signals (Sparkplug B metrics, fields of JSON topics) map to work centers' states, counts "
                    + "and rates; no rules until one is defined",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "MachineSignalMapping",
                parameters: []
            ) { _, ctx in
                _ = try ctx.requireUser()
                return try JSONIO.response(await service.read { $0.machineSignalMapping })
            },
            APIRoute(
                method: .put,
                path: "/api/v1/machine-data/mapping",
                operationID: "putMachineSignalMapping",
                summary: "Replace the machine-signal mapping; the bridge reads with the new one within a fraction of a second. "
                    + "Checked whole: each refusal names the rule and field, e.g. `rules[2].idealRate`",
                tag: tag,
                requiresAuth: true,
                roles: CommandKind.defineMachineSignalMapping.sortedRoles,
                requestSchema: "MachineSignalMapping",
                successStatus: 200,
                responseSchema: "MachineSignalMapping",
                parameters: [.idempotencyKey]
            ) { request, ctx in
                try Self.requireRoles(of: .defineMachineSignalMapping, ctx)  // before the body: a refused role is 403, whatever it sent
                let mapping = try await JSONIO.decode(MachineSignalMapping.self, from: request, context: ctx)
                return try await submitReturningEntity(.defineMachineSignalMapping(mapping), request: request, context: ctx, status: .ok)
            },
            APIRoute(
                method: .get,
                path: "/api/v1/machine-data/status",
                operationID: "getMachineDataStatus",
                summary: "What the machine-data bridge has seen since it started: its broker connection, messages received, "
                    + "refused (by rule) and unmapped, states and counts recorded, edge nodes and each machine's last signals. "
                    + "Without a bridge (`takt serve` without `--mqtt`) `connection` is left out and every figure is 0",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "MachineDataStatus",
                parameters: []
            ) { _, ctx in
                _ = try ctx.requireUser()
                return try JSONIO.response(service.machineData.status())
            },
            APIRoute(
                method: .get,
                path: "/api/v1/machine-data/readings",
                operationID: "getMachineDataReadings",
                summary: "The mapping and, for each mapped work center, its recorded machine state and the machine's last counter "
                    + "readings: what a bridge running on its own (`takt bridge`) resumes from",
                tag: tag,
                requiresAuth: true,
                successStatus: 200,
                responseSchema: "MachineDataView",
                parameters: []
            ) { _, ctx in
                _ = try ctx.requireUser()
                return try JSONIO.response(await service.read { $0.machineDataView })
            },
        ]
    }
}
