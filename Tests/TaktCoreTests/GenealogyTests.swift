import Foundation
import TaktCore
import Testing

@Suite("Genealogy")
struct GenealogyTests {
    /// The pump shop with two operators, Anna on the lathe and Ben on the assembly line, and casting lot CAST-A
    /// (20 castings of supplier lot GS-2611-0042) made into two housings and two pumps:
    ///
    ///     CAST-A ─┬─ PO-H1 → HSG-1 ── PO-P1 → PUMP-1
    ///             └─ PO-H2 → HSG-2 ── PO-P2 → PUMP-2
    ///     CAST-C ──── PO-H2 (a second casting lot in the same housing order)
    static func recallPlant() -> TestPlant {
        var plant = TestPlant.pumpShop()
        plant.accept(.createUser(User(id: "U-ANNA", name: "Anna Berger", roles: [.operator])))
        plant.accept(.createUser(User(id: "U-BEN", name: "Ben Kowalski", roles: [.operator])))
        plant.accept(.clockIn(ClockInCommand(workCenter: "WC-LATHE-1", user: "U-ANNA")))
        plant.accept(.clockIn(ClockInCommand(workCenter: "WC-ASSY-1", user: "U-BEN")))
        plant.accept(TestPlant.castingLot("CAST-A", quantity: 20, supplierLot: "GS-2611-0042"))
        plant.accept(TestPlant.castingLot("CAST-C", quantity: 10, supplierLot: "GS-2611-0077"))
        plant.make("PO-H1", item: "HOUSING", quantity: 4, from: [("CAST-A", 4)], into: "HSG-1", by: "U-ANNA")
        plant.make("PO-H2", item: "HOUSING", quantity: 4, from: [("CAST-A", 3), ("CAST-C", 1)], into: "HSG-2", by: "U-ANNA")
        plant.make("PO-P1", item: "PUMP", quantity: 4, from: [("HSG-1", 4)], into: "PUMP-1", by: "U-BEN")
        plant.make("PO-P2", item: "PUMP", quantity: 4, from: [("HSG-2", 4)], into: "PUMP-2", by: "U-BEN")
        return plant
    }

    @Test("Backward from a finished pump reaches the supplier's casting lot, with quantities, operations, people and work centers")
    func backwardToSupplierLot() throws {
        let plant = Self.recallPlant()
        let trace = try #require(plant.state.trace("PUMP-1", direction: .backward))
        #expect(trace.root == "PUMP-1")
        #expect(trace.direction == .backward)
        #expect(!trace.truncated)
        #expect(trace.lots.map(\.id) == ["PUMP-1", "HSG-1", "CAST-A"])
        #expect(trace.lots.map(\.depth) == [0, 1, 2])
        let casting = try #require(trace.lots.last)
        #expect(casting.item == "CASTING")
        #expect(casting.quantity == 13)  // 20 received, 4 and 3 consumed
        #expect(casting.status == .available)
        #expect(casting.location == "LOC-STORE")
        #expect(casting.productionOrder == nil)
        #expect(trace.lots.first?.productionOrder == "PO-P1")
        #expect(trace.lots[1].status == .consumed)
        #expect(trace.lots[1].quantity == 0)

        #expect(
            trace.supplierLots == [
                LotTrace.SupplierLot(lot: "CAST-A", item: "CASTING", supplier: "Giesserei Sauerland", supplierLot: "GS-2611-0042")
            ]
        )
        #expect(trace.shipped.isEmpty)

        #expect(trace.links.count == 2)
        let assembly = try #require(trace.links.first)
        #expect(assembly.lot == "HSG-1")
        #expect(assembly.item == "HOUSING")
        #expect(assembly.quantity == 4)
        #expect(assembly.productionOrder == "PO-P1")
        #expect(assembly.outputs == ["PUMP-1"])
        #expect(assembly.operation == 10)
        #expect(assembly.workCenter == "WC-ASSY-1")
        #expect(assembly.by == "U-BEN")
        #expect(assembly.at == testNow)
        let machining = try #require(trace.links.last)
        #expect(machining.lot == "CAST-A")
        #expect(machining.quantity == 4)
        #expect(machining.productionOrder == "PO-H1")
        #expect(machining.outputs == ["HSG-1"])
        #expect(machining.workCenter == "WC-LATHE-1")
        #expect(machining.by == "U-ANNA")

        #expect(trace.orders.map(\.id) == ["PO-P1", "PO-H1"])
        let pumpOrder = try #require(trace.orders.first)
        #expect(pumpOrder.item == "PUMP")
        #expect(pumpOrder.quantity == 4)
        #expect(pumpOrder.status == .completed)
        #expect(pumpOrder.workCenters == ["WC-ASSY-1"])
        #expect(pumpOrder.operators == ["U-BEN"])
        #expect(pumpOrder.operations.map(\.sequence) == [10])
        #expect(pumpOrder.operations.first?.status == .completed)
        #expect(pumpOrder.operations.first?.workCenters == ["WC-ASSY-1"])
        #expect(pumpOrder.operations.first?.operators == ["U-BEN"])
        #expect(trace.orders.last?.workCenters == ["WC-LATHE-1"])
        #expect(trace.orders.last?.operators == ["U-ANNA"])
    }

    @Test("Backward through a housing made of two casting lots names both supplier lots")
    func backwardFanIn() throws {
        let trace = try #require(Self.recallPlant().state.trace("PUMP-2", direction: .backward))
        #expect(trace.lots.map(\.id) == ["PUMP-2", "HSG-2", "CAST-A", "CAST-C"])
        #expect(trace.supplierLots.map(\.supplierLot) == ["GS-2611-0042", "GS-2611-0077"])
        #expect(trace.links.map(\.lot) == ["HSG-2", "CAST-A", "CAST-C"])
        #expect(trace.links.map(\.quantity) == [4, 3, 1])
    }

    @Test("Forward from the supplier's casting lot reaches both housings and both finished pumps")
    func forwardToFinishedPumps() throws {
        let trace = try #require(Self.recallPlant().state.trace("CAST-A", direction: .forward))
        #expect(trace.lots.map(\.id) == ["CAST-A", "HSG-1", "HSG-2", "PUMP-1", "PUMP-2"])
        #expect(trace.lots.map(\.depth) == [0, 1, 1, 2, 2])
        #expect(trace.orders.map(\.id) == ["PO-H1", "PO-H2", "PO-P1", "PO-P2"])
        #expect(trace.links.map(\.lot) == ["CAST-A", "CAST-A", "HSG-1", "HSG-2"])
        #expect(trace.links.map(\.productionOrder) == ["PO-H1", "PO-H2", "PO-P1", "PO-P2"])
        #expect(trace.supplierLots.isEmpty)
        #expect(trace.shipped.isEmpty)
        #expect(!trace.truncated)
        // the other casting lot of PO-H2 is not downstream of CAST-A
        #expect(!trace.lots.contains { $0.id == "CAST-C" })
    }

    @Test("A recall of the supplier's casting lot names the customer who received the shipped pump")
    func forwardListsShippedLots() throws {
        var plant = Self.recallPlant()
        plant.accept(
            .createSalesOrder(
                NewSalesOrder(
                    id: "SO-1",
                    customer: "CUST-1",
                    lines: [
                        SalesOrderLine(line: 1, item: "PUMP", quantity: 4, requestedDate: day(7))
                    ]
                )
            )
        )
        let shipped = plant.accept(.shipLots(ShipLots(salesOrder: "SO-1", line: 1, lots: ["PUMP-2"])))
        guard case .lotsShipped(let shipment) = try #require(shipped.first) else {
            Issue.record("not a shipment: \(shipped)")
            return
        }
        let trace = try #require(plant.state.trace("CAST-C", direction: .forward))
        #expect(trace.lots.map(\.id) == ["CAST-C", "HSG-2", "PUMP-2"])
        #expect(trace.shipped == [LotTrace.ShippedLot(lot: "PUMP-2", item: "PUMP", depth: 2, shipment: shipment)])
        #expect(trace.shipped.first?.customer == "CUST-1")
        #expect(trace.shipped.first?.salesOrder == "SO-1")
    }

    @Test("A graph that re-converges (two housings from one casting lot in one pump) visits each lot and order once")
    func reconvergingGraph() throws {
        var plant = Self.recallPlant()
        plant.accept(TestPlant.castingLot("CAST-B", quantity: 6, supplierLot: "GS-2611-0099"))
        plant.make("PO-H3", item: "HOUSING", quantity: 2, from: [("CAST-B", 2)], into: "HSG-3", by: "U-ANNA")
        plant.make("PO-H4", item: "HOUSING", quantity: 2, from: [("CAST-B", 2)], into: "HSG-4", by: "U-ANNA")
        plant.make("PO-P3", item: "PUMP", quantity: 4, from: [("HSG-3", 2), ("HSG-4", 2)], into: "PUMP-3", by: "U-BEN")

        let forward = try #require(plant.state.trace("CAST-B", direction: .forward))
        #expect(forward.lots.map(\.id) == ["CAST-B", "HSG-3", "HSG-4", "PUMP-3"])
        #expect(forward.orders.map(\.id) == ["PO-H3", "PO-H4", "PO-P3"])
        #expect(forward.links.count == 4)  // CAST-B twice, HSG-3 and HSG-4 into PO-P3
        #expect(Set(forward.lots.map(\.id)).count == forward.lots.count)

        let backward = try #require(plant.state.trace("PUMP-3", direction: .backward))
        #expect(backward.lots.map(\.id) == ["PUMP-3", "HSG-3", "HSG-4", "CAST-B"])
        #expect(backward.lots.map(\.depth) == [0, 1, 1, 2])
        #expect(backward.orders.map(\.id) == ["PO-P3", "PO-H3", "PO-H4"])
        #expect(backward.links.map(\.lot) == ["HSG-3", "HSG-4", "CAST-B", "CAST-B"])
        #expect(backward.supplierLots.map(\.lot) == ["CAST-B"])
    }

    @Test("A trace stops at its limit of lots and says so")
    func limitTruncates() throws {
        let state = Self.recallPlant().state
        let cut = try #require(state.trace("CAST-A", direction: .forward, limit: 2))
        #expect(cut.truncated)
        #expect(cut.lots.map(\.id) == ["CAST-A", "HSG-1"])

        let exact = try #require(state.trace("CAST-A", direction: .forward, limit: 5))
        #expect(!exact.truncated)
        #expect(exact.lots.count == 5)

        let backward = try #require(state.trace("PUMP-2", direction: .backward, limit: 3))
        #expect(backward.truncated)
        #expect(backward.lots.map(\.id) == ["PUMP-2", "HSG-2", "CAST-A"])
        #expect(backward.supplierLots.map(\.lot) == ["CAST-A"])

        let rootOnly = try #require(state.trace("PUMP-1", direction: .backward, limit: 0))
        #expect(rootOnly.lots.map(\.id) == ["PUMP-1"])
        #expect(rootOnly.truncated)
    }

    @Test("A lot that does not exist has no trace; a lot with no history traces to itself")
    func unknownAndIsolatedLots() throws {
        let state = Self.recallPlant().state
        #expect(state.trace("LOT-NOWHERE", direction: .backward) == nil)
        #expect(state.trace("LOT-NOWHERE", direction: .forward) == nil)

        let finished = try #require(state.trace("PUMP-1", direction: .forward))
        #expect(finished.lots.map(\.id) == ["PUMP-1"])
        #expect(finished.links.isEmpty && finished.orders.isEmpty && !finished.truncated)

        let purchased = try #require(state.trace("CAST-A", direction: .backward))
        #expect(purchased.lots.map(\.id) == ["CAST-A"])
        #expect(purchased.supplierLots.map(\.supplierLot) == ["GS-2611-0042"])
    }

    @Test("The same plant gives the same trace, and it survives a JSON round trip")
    func deterministicAndCodable() throws {
        let a = try #require(Self.recallPlant().state.trace("CAST-A", direction: .forward))
        let b = try #require(Self.recallPlant().state.trace("CAST-A", direction: .forward))
        #expect(a == b)
        let data = try JSONEncoder().encode(a)
        #expect(try JSONDecoder().decode(LotTrace.self, from: data) == a)
    }
}

extension TestPlant {
    /// Decides `command` as `actor` and applies its events; a rejection is recorded as a test failure.
    mutating func accept(_ command: Command, as actor: User.ID, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            for event in try state.decide(command, actor: actor, now: testNow) { state.apply(event, sequence: state.sequence + 1) }
        } catch {
            Issue.record("\(command.typeName) by \(actor) was rejected: \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Runs production order `id` of `item` through its one operation (10) as `worker`: release, start, consume
    /// `inputs`, book the output lot `output` of the whole quantity and complete.
    mutating func make(
        _ id: ProductionOrder.ID,
        item: Item.ID,
        quantity: Double,
        from inputs: [(Lot.ID, Double)],
        into output: Lot.ID,
        by worker: User.ID,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        accept(.createProductionOrder(NewProductionOrder(id: id, item: item, quantity: quantity, dueDate: day(10))), sourceLocation: sourceLocation)
        accept(.releaseProductionOrder(ProductionOrderRef(productionOrder: id)), sourceLocation: sourceLocation)
        accept(.startOperation(StartOperation(productionOrder: id, operation: 10)), as: worker, sourceLocation: sourceLocation)
        for (lot, q) in inputs {
            accept(.consumeLot(ConsumeLot(productionOrder: id, operation: 10, lot: lot, quantity: q)), as: worker, sourceLocation: sourceLocation)
        }
        accept(
            .produceLot(ProduceLot(productionOrder: id, operation: 10, lot: output, quantity: quantity, location: "LOC-STORE")),
            as: worker,
            sourceLocation: sourceLocation
        )
        accept(.completeOperation(ReportQuantity(productionOrder: id, operation: 10, good: quantity)), as: worker, sourceLocation: sourceLocation)
    }
}
