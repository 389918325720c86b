import TaktCore
import Testing

@Suite("Users and tokens")
struct IdentityTests {
    static let validHash = String(repeating: "0123456789abcdef", count: 4)

    /// The pump shop with one admin and one operator.
    static func staffedPlant() -> TestPlant {
        var plant = TestPlant.pumpShop()
        plant.accept(.createUser(User(id: "boss", name: "Plant manager", roles: [.admin])))
        plant.accept(.createUser(User(id: "op-anna", name: "Anna Keller", roles: [.operator])))
        return plant
    }

    @Test("The last active admin cannot be demoted or deactivated")
    func lastAdmin() {
        let plant = Self.staffedPlant()
        let demote = plant.expectRejected(
            .updateUser(User(id: "boss", name: "Plant manager", roles: [.planner])),
            .conflict,
            field: "roles",
            rule: "last-admin"
        )
        #expect(demote?.message.contains("last active admin") == true)
        plant.expectRejected(
            .updateUser(User(id: "boss", name: "Plant manager", roles: [.admin], active: false)),
            .conflict,
            field: "roles",
            rule: "last-admin"
        )
    }

    @Test("An admin can step down once another admin exists who can sign in")
    func secondAdmin() {
        var plant = Self.staffedPlant()
        plant.accept(.updateUser(User(id: "op-anna", name: "Anna Keller", roles: [.operator, .admin])))
        let noToken = plant.expectRejected(
            .updateUser(User(id: "boss", name: "Plant manager", roles: [.planner])),
            .conflict,
            field: "roles",
            rule: "last-admin-access"
        )
        #expect(noToken?.message.contains("issue another admin a token first") == true)
        plant.accept(.issueAPIToken(IssueAPIToken(user: "op-anna", secretHash: Self.validHash, label: "office")))
        plant.accept(.updateUser(User(id: "boss", name: "Plant manager", roles: [.planner])))
        #expect(plant.state.users["boss"]?.roles == [.planner])
    }

    @Test("The last valid admin token cannot be revoked; with a second one it can")
    func lastAdminToken() {
        var plant = Self.staffedPlant()
        plant.accept(.issueAPIToken(IssueAPIToken(user: "boss", secretHash: Self.validHash, label: "office")))
        let refused = plant.expectRejected(.revokeAPIToken(APITokenRef(token: "TOK-000001")), .conflict, field: "token", rule: "last-admin-access")
        #expect(refused?.message.contains("without an administrator") == true)
        plant.accept(.issueAPIToken(IssueAPIToken(user: "boss", secretHash: String(repeating: "fedcba9876543210", count: 4), label: "laptop")))
        plant.accept(.revokeAPIToken(APITokenRef(token: "TOK-000001")))
        plant.expectRejected(.revokeAPIToken(APITokenRef(token: "TOK-000002")), .conflict, field: "token", rule: "last-admin-access")
    }

    @Test("A certification for an unknown skill is rejected")
    func unknownSkill() {
        Self.staffedPlant().expectRejected(
            .createUser(User(id: "op-ben", name: "Ben", roles: [.operator], certifications: [Certification(skill: "welding")])),
            .invalid,
            field: "certifications[0].skill",
            rule: "unknown-reference"
        )
    }

    @Test(
        "A token secret hash must be 64 lowercase hex characters",
        arguments: ["abc", String(repeating: "A", count: 64), String(repeating: "g", count: 64), String(repeating: "a", count: 65)]
    )
    func tokenHashFormat(hash: String) {
        Self.staffedPlant().expectRejected(
            .issueAPIToken(IssueAPIToken(user: "op-anna", secretHash: hash, label: "terminal")),
            .invalid,
            field: "secretHash",
            rule: "sha256-hex"
        )
    }

    @Test("A token is numbered, and its secret hash cannot be used twice")
    func tokenIssued() {
        var plant = Self.staffedPlant()
        let issue = Command.issueAPIToken(IssueAPIToken(user: "op-anna", secretHash: Self.validHash, label: "terminal"))
        plant.accept(issue)
        #expect(plant.state.user(forTokenHash: Self.validHash)?.id == "op-anna")
        #expect(plant.state.tokens["TOK-000001"] != nil)
        plant.expectRejected(issue, .invalid, field: "secretHash", rule: "unique")
        plant.accept(.revokeAPIToken(APITokenRef(token: "TOK-000001")))
        #expect(plant.state.user(forTokenHash: Self.validHash) == nil)
        plant.expectRejected(.revokeAPIToken(APITokenRef(token: "TOK-000001")), .conflict, field: "token", rule: "revoked")
    }
}
