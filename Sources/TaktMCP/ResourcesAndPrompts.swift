import Foundation
import TaktCore
import TaktService

/// The plant as MCP resources: what an agent reads to understand the plant before it acts.
struct PlantResources {
    var uri: String
    var name: String
    var description: String
    var mimeType: String
    var read: @Sendable (any PlantServing) async throws -> String

    static let all: [PlantResources] = [
        PlantResources(
            uri: "takt://plant/model",
            name: "Plant model",
            description: "Sites (time zones), work centers (kind, shifts, rates), items, routings and customers, as JSON.",
            mimeType: "application/json"
        ) { service in
            let model = await service.read { s in
                PlantModel(
                    sites: s.sites.values.sorted { $0.id.rawValue < $1.id.rawValue },
                    workCenters: s.workCenters.values.sorted { $0.id.rawValue < $1.id.rawValue },
                    items: s.items.values.sorted { $0.id.rawValue < $1.id.rawValue },
                    routings: s.routings.values.sorted { $0.id.rawValue < $1.id.rawValue },
                    customers: s.customers.values.sorted { $0.id.rawValue < $1.id.rawValue }
                )
            }
            return String(decoding: try TaktJSON.encoder.encode(model), as: UTF8.self)
        },
        PlantResources(
            uri: "takt://plant/playbooks",
            name: "Playbooks",
            description: "How the plant reacts to each kind of event: the exception it raises and the actions it considers.",
            mimeType: "application/json"
        ) { service in
            let playbooks = await service.read { $0.playbooks.values.sorted { $0.id.rawValue < $1.id.rawValue } }
            return String(decoding: try TaktJSON.encoder.encode(playbooks), as: UTF8.self)
        },
        PlantResources(
            uri: "takt://plant/approval-policy",
            name: "Approval policy",
            description: "Which roles must approve each kind of action (an agent may approve only with one of them).",
            mimeType: "application/json"
        ) { service in
            let policy = await service.read { $0.approvalPolicy }
            return String(decoding: try TaktJSON.encoder.encode(policy), as: UTF8.self)
        },
        PlantResources(
            uri: "takt://guide/approvals",
            name: "How approvals work for agents",
            description: "The rule the server applies to an agent's decisions, in words.",
            mimeType: "text/markdown"
        ) { _ in
            """
            # Approvals for agents

            An agent acts as the user whose API token it holds, with that user's roles and nothing more.

            - Reading never changes anything. A read-only token lists and calls only the read tools.
            - `request_outcome` plans options (each simulated, with its predicted figures) and records them as an
              exception of kind outcome-request; nothing in the plan changes.
            - `approve_action` / `reject_action` are allowed only when the user holds a role the approval policy asks for
              that kind of action (resource `takt://plant/approval-policy`), exactly as in the web app. A refused decision
              records nothing. Once every role needed has approved, the orchestrator carries the action out.
            - Interlocks, electronic signatures and holds apply to agents as to people: an action that needs a signature
              cannot be approved by an agent.
            - Every change an agent causes is recorded in the plant's log with an `agentActed` event naming the agent (the
              token's label), the token, the tool and the user.
            """
        },
    ]
}

struct PlantModel: Codable {
    var sites: [Site]
    var workCenters: [WorkCenter]
    var items: [Item]
    var routings: [Routing]
    var customers: [Customer]
}

/// Prompts for the questions a plant asks most.
struct PlantPrompts {
    struct Argument {
        var name: String
        var description: String
        var required: Bool
    }
    var name: String
    var description: String
    var arguments: [Argument]
    var text: @Sendable ([String: String]) -> String

    static let all: [PlantPrompts] = [
        PlantPrompts(
            name: "what_is_late",
            description: "What is late and why: the late and at-risk orders, the exceptions behind them, and the options.",
            arguments: []
        ) { _ in
            """
            What is late in the plant, and why? Call plant_status for the headline figures, list_orders with verdict \
            "late" and then "at-risk", and list_exceptions for the disruptions waiting for a decision; for each late \
            order, find the exception whose impact names it (get_exception) and say the cause in one line. End with the \
            options the exceptions propose, their predicted figures and who must approve them. Do not approve anything.
            """
        },
        PlantPrompts(
            name: "handle_exception",
            description: "Explain one exception and compare its options; recommend one without approving it.",
            arguments: [Argument(name: "exception", description: "the exception, e.g. EXC-000003", required: true)]
        ) { args in
            """
            Explain exception \(args["exception"] ?? ""): call get_exception, say what happened and what it does to the \
            plan (orders made late, operations moved). Compare its proposed actions by their predicted figures and cost, \
            recommend one and say why, and name the roles that must approve it. Approve only if I ask you to.
            """
        },
        PlantPrompts(
            name: "rush_order",
            description: "Can a rush order be fitted in? Plans the options without changing anything.",
            arguments: [
                Argument(name: "item", description: "the item, e.g. P-NB-32-160", required: true),
                Argument(name: "quantity", description: "how many", required: true),
                Argument(name: "date", description: "by when (a day or a date-time)", required: true),
            ]
        ) { args in
            """
            Can we make \(args["quantity"] ?? "") \(args["item"] ?? "") by \(args["date"] ?? "")? Call request_outcome \
            with the text "fit a rush order for \(args["quantity"] ?? "") \(args["item"] ?? "") by \(args["date"] ?? "")", \
            then compare the options it returns: which orders each makes late, the overtime it needs, its cost, and who \
            must approve it.
            """
        },
    ]
}
