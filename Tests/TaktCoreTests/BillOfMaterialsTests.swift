import TaktCore
import Testing

@Suite("Bills of materials")
struct BillOfMaterialsTests {
    @Test("A pump whose housing contains the pump again is rejected, naming the cycle")
    func twoLevelCycle() {
        let plant = TestPlant.pumpShop()  // PUMP ← HOUSING already
        let violation = plant.expectRejected(
            .defineBOM(BOM(id: "BOM-HOUSING", item: "HOUSING", components: [.init(item: "PUMP", quantity: 1)])),
            .invalid,
            field: "components",
            rule: "cycle"
        )
        #expect(violation?.message.contains("HOUSING → PUMP → HOUSING") == true, "\(String(describing: violation))")
    }

    @Test("A cycle through three levels (pump → unit → housing → pump) is rejected with its full path")
    func threeLevelCycle() {
        var plant = TestPlant.pumpShop()
        plant.accept(.defineItem(Item(id: "UNIT", name: "Pump unit", kind: .semiFinished)))
        plant.accept(.defineBOM(BOM(id: "BOM-PUMP", item: "PUMP", components: [.init(item: "UNIT", quantity: 1)])))
        plant.accept(.defineBOM(BOM(id: "BOM-UNIT", item: "UNIT", components: [.init(item: "HOUSING", quantity: 1)])))
        let violation = plant.expectRejected(
            .defineBOM(BOM(id: "BOM-HOUSING", item: "HOUSING", components: [.init(item: "PUMP", quantity: 1)])),
            .invalid,
            field: "components",
            rule: "cycle"
        )
        #expect(violation?.message.contains("HOUSING → PUMP → UNIT → HOUSING") == true, "\(String(describing: violation))")
        #expect(plant.state.boms["BOM-HOUSING"]?.components.map(\.item) == ["CASTING"], "the rejected BOM changed nothing")
    }

    @Test("A pump that lists itself as a component is rejected")
    func selfContainment() {
        let plant = TestPlant.pumpShop()
        plant.expectRejected(
            .defineBOM(BOM(id: "BOM-PUMP", item: "PUMP", components: [.init(item: "PUMP", quantity: 1)])),
            .invalid,
            field: "components[0].item",
            rule: "cycle"
        )
    }

    @Test("A component quantity must be greater than zero", arguments: [0.0, -1.5])  // ∞: "finite" (HostileValueTests)
    func componentQuantity(quantity: Double) {
        let plant = TestPlant.pumpShop()
        plant.expectRejected(
            .defineBOM(BOM(id: "BOM-HOUSING", item: "HOUSING", components: [.init(item: "CASTING", quantity: quantity)])),
            .invalid,
            field: "components[0].quantity",
            rule: "positive"
        )
    }

    @Test("A component or substitute that is not an item is rejected")
    func unknownComponent() {
        let plant = TestPlant.pumpShop()
        plant.expectRejected(
            .defineBOM(BOM(id: "BOM-HOUSING", item: "HOUSING", components: [.init(item: "NO-SUCH-CASTING", quantity: 1)])),
            .invalid,
            field: "components[0].item",
            rule: "unknown-reference"
        )
        plant.expectRejected(
            .defineBOM(BOM(id: "BOM-HOUSING", item: "HOUSING", components: [.init(item: "CASTING", quantity: 1, substitutes: ["GHOST"])])),
            .invalid,
            field: "components[0].substitutes[0]",
            rule: "unknown-reference"
        )
    }

    @Test("A purchased casting cannot have a bill of materials")
    func purchasedItemHasNoBOM() {
        let plant = TestPlant.pumpShop()
        plant.expectRejected(
            .defineBOM(BOM(id: "BOM-CASTING", item: "CASTING", components: [.init(item: "HOUSING", quantity: 1)])),
            .invalid,
            field: "item",
            rule: "not-made"
        )
    }

    @Test("An approved substitute material is accepted on a component")
    func substituteAccepted() {
        var plant = TestPlant.pumpShop()
        plant.accept(.defineItem(Item(id: "CASTING-ALT", name: "Housing casting, second foundry", kind: .purchased)))
        plant.accept(
            .defineBOM(BOM(id: "BOM-HOUSING", item: "HOUSING", components: [.init(item: "CASTING", quantity: 1, substitutes: ["CASTING-ALT"])]))
        )
        #expect(plant.state.boms["BOM-HOUSING"]?.components.first?.substitutes == ["CASTING-ALT"])
    }
}
