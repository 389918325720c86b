import TaktCore
import Testing

/// Rules the first test pass found missing in the core, now enforced.
@Suite("Rules found missing by the first test pass")
struct RuleGapsTests {
    @Test("A shift time with a sign, such as +6:00, is rejected")
    func signedShiftTime() {
        let plant = TestPlant.pumpShop()
        let shift = Shift(name: "Early", days: [.monday], start: "+6:00", end: "14:00")
        plant.expectRejected(
            .defineWorkCenter(WorkCenter(id: "WC-MILL-1", name: "Mill 1", site: "PLANT-1", kind: .machining, shifts: [shift])),
            .invalid,
            field: "shifts[0].start",
            rule: "time-format"
        )
    }

    @Test("The codes '.' and '..' are rejected, since they cannot stand as a path segment of a URL", arguments: [".", ".."])
    func dotCodes(code: String) {
        let plant = TestPlant.pumpShop()
        plant.expectRejected(
            .defineItem(Item(id: Item.ID(code), name: "Dots", kind: .finished)),
            .invalid,
            field: "id",
            rule: "code-format"
        )
    }

    @Test("A production order cannot be pegged to a cancelled sales order")
    func peggingToCancelledOrder() {
        var plant = TestPlant.pumpShop()
        plant.accept(SalesOrderTests.order())
        plant.accept(.cancelSalesOrder(CancelSalesOrder(salesOrder: "SO-10001", reason: "Project postponed")))
        let command = Command.createProductionOrder(
            NewProductionOrder(item: "PUMP", quantity: 3, dueDate: day(10), pegging: Pegging(salesOrder: "SO-10001", line: 10))
        )
        plant.expectRejected(command, .invalid, field: "pegging.salesOrder", rule: "status")
    }

    @Test("A made item that has a routing cannot become a purchased item")
    func purchasedItemWithRouting() {
        var plant = TestPlant.pumpShop()
        plant.accept(.defineItem(Item(id: "FRAME", name: "Welded frame", kind: .semiFinished)))
        plant.accept(.defineRouting(TestPlant.routing("RT-FRAME", item: "FRAME", on: "WC-LATHE-1")))
        plant.expectRejected(
            .defineItem(Item(id: "FRAME", name: "Welded frame", kind: .purchased)),
            .invalid,
            field: "kind",
            rule: "routing-exists"
        )
    }

    @Test("A work center cannot drop a setup family that a routing still runs on it")
    func droppingASetupFamilyInUse() {
        var plant = TestPlant.pumpShop()
        plant.accept(
            .defineWorkCenter(
                WorkCenter(
                    id: "WC-MILL-2",
                    name: "Mill 2",
                    site: "PLANT-1",
                    kind: .machining,
                    setupFamilies: ["small-housing", "large-housing"]
                )
            )
        )
        var routing = TestPlant.routing("RT-HOUSING", item: "HOUSING", on: "WC-MILL-2")
        routing.operations[0].setupFamily = "small-housing"
        plant.accept(.defineRouting(routing))
        plant.expectRejected(
            .defineWorkCenter(WorkCenter(id: "WC-MILL-2", name: "Mill 2", site: "PLANT-1", kind: .machining, setupFamilies: ["large-housing"])),
            .conflict,
            field: "setupFamilies",
            rule: "in-use"
        )
        plant.accept(
            .defineWorkCenter(WorkCenter(id: "WC-MILL-2", name: "Mill 2", site: "PLANT-1", kind: .machining, setupFamilies: ["small-housing"]))
        )
    }
}
