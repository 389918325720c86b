import Foundation
import NIOHTTP1
import TaktCore
import TaktEngine
import Testing

/// An operator calls in sick: the supervisor reports the absence through the API and the orchestrator (running beside
/// the server, as in `takt serve`) says whose work nobody else can do.
@Suite("An absent operator, end to end", .serialized)
struct AbsenceScenarioTests {
    @Test(
        "Anna calls in sick for two days: the supervisor reports it, the inbox shows the milling work nobody else is certified for; an operator may not report absences and bad dates are refused, naming the field"
    )
    func annaCallsInSick() async throws {
        try await DemoScenario.run { sc in
            let s = sc.s
            let until = isoString(DemoScenario.morning.addingTimeInterval(48 * 3600))
            let anna = try await issueToken(s, for: "op-anna")
            let refused = try await s.send(.POST, "/api/v1/users/op-deniz/absences", token: anna, body: #"{"until":"\#(until)","reason":"sick"}"#)
            #expect(refused.status == 403, "\(refused.text)")
            let before = await s.engine.committedSequence
            let bad = try await s.send(
                .POST,
                "/api/v1/users/op-anna/absences",
                token: try sc.token("supervisor"),
                body: #"{"from":"\#(until)","until":"2026-11-24T06:00:00Z","reason":""}"#
            )
            #expect(bad.status == 422, "\(bad.text)")
            let fields = ((try bad.json()["errors"] as? [[String: Any]]) ?? []).compactMap { "\($0["field"] ?? "")/\($0["rule"] ?? "")" }
            #expect(Set(fields) == ["until/after-from", "until/after-now", "reason/required"], "\(fields)")
            #expect(await s.engine.committedSequence == before, "nothing recorded")

            let source = try await sc.submit(
                "/api/v1/users/op-anna/absences",
                as: "supervisor",
                body: #"{"until":"\#(until)","reason":"sick"}"#,
                status: 201
            )
            let listed = try await s.send(.GET, "/api/v1/users/op-anna/absences", token: try sc.token("planner"))
            #expect((try listed.json()["items"] as? [[String: Any]])?.first?["reason"] as? String == "sick")

            let e = try await sc.exception(kind: "operator-absent", after: source)
            #expect(e["playbook"] as? String == "PB-OPERATOR-ABSENT" && e["subject"] as? String == "operator-absent:op-anna")
            let labour = (e["impact"] as? [String: Any])?["labour"] as? [[String: Any]] ?? []
            let texts = labour.compactMap { $0["text"] as? String }
            #expect(texts.contains { $0.hasPrefix("Nobody else is certified for cnc-milling") }, "\(texts)")
            #expect((e["functions"] as? [String] ?? []).contains("labour"))
        }
    }
}
