import TaktCore
import Testing

@Suite("Sales orders")
struct SalesOrderTests {
    static func order(customer: Customer.ID = "CUST-1", quantity: Double = 3, item: Item.ID = "PUMP") -> Command {
        .createSalesOrder(
            NewSalesOrder(
                id: "SO-10001",
                customer: customer,
                lines: [
                    SalesOrderLine(line: 10, item: item, quantity: quantity, requestedDate: day(14))
                ]
            )
        )
    }

    @Test("A sales order for a customer that does not exist is rejected")
    func unknownCustomer() {
        TestPlant.pumpShop().expectRejected(Self.order(customer: "CUST-404"), .invalid, field: "customer", rule: "unknown-reference")
    }

    @Test("A sales order line must order more than zero pumps", arguments: [0.0, -2])
    func lineQuantity(quantity: Double) {
        TestPlant.pumpShop().expectRejected(Self.order(quantity: quantity), .invalid, field: "lines[0].quantity", rule: "positive")
    }

    @Test("A sales order line for an unknown item is rejected")
    func unknownItem() {
        TestPlant.pumpShop().expectRejected(Self.order(item: "P-XL"), .invalid, field: "lines[0].item", rule: "unknown-reference")
    }

    @Test("A sales order takes its customer's priority unless it names one")
    func inheritsPriority() {
        var plant = TestPlant.pumpShop()
        plant.accept(Self.order())
        #expect(plant.state.salesOrders["SO-10001"]?.priority == 2)
    }

    @Test("A cancelled sales order cannot be cancelled or promised again")
    func cancelledOrder() {
        var plant = TestPlant.pumpShop()
        plant.accept(Self.order())
        plant.accept(.cancelSalesOrder(CancelSalesOrder(salesOrder: "SO-10001", reason: "Project postponed")))
        plant.expectRejected(
            .cancelSalesOrder(CancelSalesOrder(salesOrder: "SO-10001", reason: "again")),
            .conflict,
            field: "salesOrder",
            rule: "status"
        )
        plant.expectRejected(
            .promiseSalesOrderLine(PromiseSalesOrderLine(salesOrder: "SO-10001", line: 10, promisedDate: day(15))),
            .conflict,
            field: "salesOrder",
            rule: "status"
        )
    }
}

@Suite("Production orders")
struct ProductionOrderTests {
    @Test("A production order must make more than zero units", arguments: [0.0, -5])  // NaN and ±∞: "finite" (HostileValueTests)
    func quantity(quantity: Double) {
        TestPlant.pumpShop().expectRejected(TestPlant.pumpOrder(quantity: quantity), .invalid, field: "quantity", rule: "positive")
    }

    @Test("A production order for an item that does not exist is rejected")
    func unknownItem() {
        let plant = TestPlant.pumpShop()
        plant.expectRejected(
            .createProductionOrder(NewProductionOrder(item: "P-GHOST", quantity: 1, dueDate: day(5))),
            .invalid,
            field: "item",
            rule: "unknown-reference"
        )
    }

    @Test("A purchased casting cannot be produced")
    func purchasedItem() {
        TestPlant.pumpShop().expectRejected(
            .createProductionOrder(NewProductionOrder(item: "CASTING", quantity: 1, dueDate: day(5))),
            .invalid,
            field: "item",
            rule: "not-made"
        )
    }

    @Test("Orders without a number are numbered PO-000001, PO-000002, …")
    func autoNumbering() {
        var plant = TestPlant.pumpShop()
        plant.accept(TestPlant.pumpOrder())
        plant.accept(TestPlant.pumpOrder())
        #expect(plant.state.productionOrders.keys.sorted() == ["PO-000001", "PO-000002"])
    }

    @Test("Numbering continues after the highest explicit PO number")
    func numberingAfterExplicit() {
        var plant = TestPlant.pumpShop()
        plant.accept(TestPlant.pumpOrder("PO-000041"))
        let events = plant.accept(TestPlant.pumpOrder())
        guard case .productionOrderCreated(let order) = events.first else {
            Issue.record("expected a created order, got \(events)")
            return
        }
        #expect(order.id == "PO-000042")
    }

    @Test("An existing order number is a conflict")
    func duplicateNumber() {
        var plant = TestPlant.pumpShop()
        plant.accept(TestPlant.pumpOrder("PO-000007"))
        plant.expectRejected(TestPlant.pumpOrder("PO-000007"), .conflict, field: "id", rule: "exists")
    }

    @Test("The routing is inferred when the item has exactly one")
    func routingInferred() {
        var plant = TestPlant.pumpShop()
        plant.accept(TestPlant.pumpOrder("PO-000001"))
        #expect(plant.state.productionOrders["PO-000001"]?.routing == "RT-PUMP")
    }

    @Test("An item with several routings needs the order to name one")
    func routingAmbiguous() {
        var plant = TestPlant.pumpShop()
        plant.accept(.defineRouting(TestPlant.routing("RT-PUMP-ALT", item: "PUMP", on: "WC-LATHE-1")))
        let violation = plant.expectRejected(TestPlant.pumpOrder(), .invalid, field: "routing", rule: "ambiguous")
        #expect(violation?.message.contains("RT-PUMP, RT-PUMP-ALT") == true)
        plant.accept(.createProductionOrder(NewProductionOrder(item: "PUMP", quantity: 2, routing: "RT-PUMP-ALT", dueDate: day(3))))
        #expect(plant.state.productionOrders["PO-000001"]?.routing == "RT-PUMP-ALT")
    }

    @Test("An item without a routing cannot be ordered")
    func routingMissing() {
        var plant = TestPlant.pumpShop()
        plant.accept(.defineItem(Item(id: "FRAME", name: "Welded frame", kind: .semiFinished)))
        plant.expectRejected(
            .createProductionOrder(NewProductionOrder(item: "FRAME", quantity: 2, dueDate: day(3))),
            .invalid,
            field: "routing",
            rule: "required"
        )
    }

    @Test("Pegging to a sales order line of another item is rejected")
    func peggingItemMismatch() {
        var plant = TestPlant.pumpShop()
        plant.accept(SalesOrderTests.order())
        plant.expectRejected(
            .createProductionOrder(
                NewProductionOrder(item: "HOUSING", quantity: 3, dueDate: day(10), pegging: Pegging(salesOrder: "SO-10001", line: 10))
            ),
            .invalid,
            field: "pegging.line",
            rule: "item-mismatch"
        )
    }
}

@Suite("Production order status")
struct ProductionOrderStatusTests {
    static let ref = ProductionOrderRef(productionOrder: "PO-000001")

    /// The pump shop with PO-000001 planned.
    static func plannedOrder() -> TestPlant {
        var plant = TestPlant.pumpShop()
        plant.accept(TestPlant.pumpOrder("PO-000001"))
        return plant
    }

    @Test("A planned order is released, started and completed, recording when")
    func happyPath() {
        var plant = Self.plannedOrder()
        plant.accept(.releaseProductionOrder(Self.ref))
        plant.accept(.startProductionOrder(Self.ref))
        plant.accept(.completeProductionOrder(Self.ref))
        let order = plant.state.productionOrders["PO-000001"]
        #expect(order?.status == .completed)
        #expect(order?.releasedAt == testNow)
        #expect(order?.completedAt == testNow)
    }

    @Test("Releasing a completed order is a conflict")
    func releaseCompleted() {
        var plant = Self.plannedOrder()
        plant.accept(.releaseProductionOrder(Self.ref))
        plant.accept(.startProductionOrder(Self.ref))
        plant.accept(.completeProductionOrder(Self.ref))
        let violation = plant.expectRejected(.releaseProductionOrder(Self.ref), .conflict, field: "productionOrder", rule: "status")
        #expect(violation?.message == "cannot release production order 'PO-000001': it is completed, and only planned orders can be")
    }

    @Test("Completing a planned order that never started is a conflict")
    func completePlanned() {
        let plant = Self.plannedOrder()
        let violation = plant.expectRejected(.completeProductionOrder(Self.ref), .conflict, field: "productionOrder", rule: "status")
        #expect(violation?.message == "cannot complete production order 'PO-000001': it is planned, and only in-progress orders can be")
    }

    @Test("Cancelling an order twice is a conflict")
    func cancelTwice() {
        var plant = Self.plannedOrder()
        let cancel = Command.cancelProductionOrder(CancelProductionOrder(productionOrder: "PO-000001", reason: "Customer changed size"))
        plant.accept(cancel)
        #expect(plant.state.productionOrders["PO-000001"]?.cancelReason == "Customer changed size")
        let violation = plant.expectRejected(cancel, .conflict, field: "productionOrder", rule: "status")
        #expect(
            violation?.message
                == "cannot cancel production order 'PO-000001': it is cancelled, and only in-progress or planned or released orders can be"
        )
    }

    @Test("Cancelling needs a reason")
    func cancelNeedsReason() {
        Self.plannedOrder().expectRejected(
            .cancelProductionOrder(CancelProductionOrder(productionOrder: "PO-000001", reason: "  ")),
            .invalid,
            field: "reason",
            rule: "required"
        )
    }

    @Test("Releasing an order that does not exist is not found")
    func releaseUnknown() {
        TestPlant.pumpShop().expectRejected(.releaseProductionOrder(Self.ref), .notFound, field: "productionOrder", rule: "not-found")
    }
}
