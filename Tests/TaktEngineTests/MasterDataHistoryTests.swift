import Foundation
import TaktCore
import TaktEngine
import TaktStore
import Testing

@Suite("The audit trail shows who changed master data, when, before and after")
struct MasterDataHistoryTests {
    @Test("An item defined, then renamed by a planner: two changes, the second with the old and the new name")
    func itemRenamed() async throws {
        let engine = try await openEngine(InMemoryEventStore())
        try await seedSmallShop(engine)
        try await engine.run(.defineItem(Item(id: "HOUSING", name: "Machined housing 50-200 (rev B)", kind: .semiFinished)), as: .user("planner"))
        let changes = try await engine.masterDataChanges(subject: "item:HOUSING")
        #expect(changes.count == 2)
        let renamed = try #require(changes.last)
        #expect(renamed.actor == "planner")
        #expect(renamed.changedFields == ["name"])
        if case .object(let before)? = renamed.before, case .object(let after) = renamed.after {
            #expect(before["name"] == .string("Machined housing 50-200"))
            #expect(after["name"] == .string("Machined housing 50-200 (rev B)"))
        } else {
            Issue.record("before and after are the item's records")
        }
        #expect(changes.first?.before == nil, "the first change created it")
        let all = try await engine.masterDataChanges(subject: nil)
        #expect(all.contains { $0.subject == "user:op-anna" && $0.event == "userCreated" })
        #expect(!all.contains { $0.event == "lotCreated" }, "stock is not master data")
    }
}
