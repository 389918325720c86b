import Foundation
import TaktCore
import Testing

/// The on-time delivery forecast (PlantKPIs.swift, docs/kpis.md) on the small pump shop, at midnight 24 November 2026:
///
/// - SO-1 line 10 (2 pumps, requested day 5, promised day 6) is made by PO-A, scheduled to end at day 5.5: at risk.
/// - SO-1 line 20 (1 pump, requested day 3) is made by PO-B, completed now: on time, made and not yet shipped.
/// - SO-3 line 10 (requested day 20) has no production order: not forecast. SO-4 line 10 (requested day −2) has none
///   and is past due: late.
/// - Stock: PO-C (housings, due day 1) ends at day 2: late. PO-D (due day −1) is not in the schedule and past due: late.
///   PO-E was made for SO-2, which the customer cancelled: it now serves no open line, so it is a stock order (due day
///   10, ends day 1: on time). PO-F (due day 0.5) was scheduled to end yesterday and is not done: it finishes now at the
///   earliest, half a day in hand: at risk.
@Suite("On-time delivery forecast")
struct PlantKPIsTests {
    static func plant(published: Bool) -> TestPlant {
        var plant = TestPlant.pumpShop()
        func line(_ n: Int, _ quantity: Double, requested: Double) -> SalesOrderLine {
            SalesOrderLine(line: n, item: "PUMP", quantity: quantity, requestedDate: day(requested))
        }
        plant.accept(.createSalesOrder(NewSalesOrder(id: "SO-1", customer: "CUST-1", lines: [line(10, 2, requested: 5), line(20, 1, requested: 3)])))
        plant.accept(.promiseSalesOrderLine(PromiseSalesOrderLine(salesOrder: "SO-1", line: 10, promisedDate: day(6))))
        plant.accept(.createSalesOrder(NewSalesOrder(id: "SO-2", customer: "CUST-1", lines: [line(10, 4, requested: 12)])))
        plant.accept(.createSalesOrder(NewSalesOrder(id: "SO-3", customer: "CUST-1", lines: [line(10, 1, requested: 20)])))
        plant.accept(.createSalesOrder(NewSalesOrder(id: "SO-4", customer: "CUST-1", lines: [line(10, 1, requested: -2)])))
        func order(_ id: ProductionOrder.ID, _ item: Item.ID, due: Double, peg: (SalesOrder.ID, Int)? = nil) {
            plant.accept(
                .createProductionOrder(
                    NewProductionOrder(
                        id: id,
                        item: item,
                        quantity: 2,
                        dueDate: day(due),
                        pegging: peg.map { Pegging(salesOrder: $0.0, line: $0.1) }
                    )
                )
            )
        }
        order("PO-A", "PUMP", due: 4, peg: ("SO-1", 10))
        order("PO-B", "PUMP", due: 2, peg: ("SO-1", 20))
        order("PO-C", "HOUSING", due: 1)
        order("PO-D", "HOUSING", due: -1)
        order("PO-E", "PUMP", due: 10, peg: ("SO-2", 10))
        order("PO-F", "HOUSING", due: 0.5)
        for po: ProductionOrder.ID in ["PO-B"] {
            plant.accept(.releaseProductionOrder(ProductionOrderRef(productionOrder: po)))
            plant.accept(.startProductionOrder(ProductionOrderRef(productionOrder: po)))
            plant.accept(.completeProductionOrder(ProductionOrderRef(productionOrder: po)))
        }
        plant.accept(.cancelSalesOrder(CancelSalesOrder(salesOrder: "SO-2", reason: "Customer withdrew")))
        if published {
            func step(_ po: ProductionOrder.ID, on wc: WorkCenter.ID, ends: Double) -> ScheduledStep {
                ScheduledStep(productionOrder: po, sequence: 10, name: "Work", workCenter: wc, start: day(ends - 0.25), end: day(ends))
            }
            plant.accept(
                .publishSchedule(
                    PublishedSchedule(
                        id: "SCH-1",
                        origin: testNow,
                        steps: [
                            step("PO-A", on: "WC-ASSY-1", ends: 5.5), step("PO-C", on: "WC-LATHE-1", ends: 2), step("PO-E", on: "WC-ASSY-1", ends: 1),
                            step("PO-F", on: "WC-LATHE-1", ends: -0.5),
                        ],
                        weightedTardinessMinutes: 0,
                        makespanMinutes: 0,
                        totalSetupMinutes: 0,
                        lateOrders: ["PO-C"]
                    )
                )
            )
        }
        return plant
    }

    static func verdicts(_ f: DeliveryForecast) -> [String: DeliveryVerdict] {
        Dictionary(
            uniqueKeysWithValues: f.entries.map { e in
                (e.kind == .customerLine ? "\(e.salesOrder?.rawValue ?? "")/\(e.line ?? 0)" : e.productionOrders.first?.rawValue ?? "", e.verdict)
            }
        )
    }

    @Test("Customer lines and stock orders are judged against the published schedule, never finishing before now; the ratio says what it counts")
    func withSchedule() throws {
        let f = Self.plant(published: true).state.deliveryForecast(now: testNow)
        #expect(
            Self.verdicts(f) == [
                "SO-1/10": .atRisk, "SO-1/20": .onTime, "SO-3/10": .notForecast, "SO-4/10": .late,
                "PO-C": .late, "PO-D": .late, "PO-E": .onTime, "PO-F": .atRisk,
            ]
        )
        #expect(f.schedule == "SCH-1")
        let counts: [Int] = [f.counted, f.onTime, f.late, f.atRisk, f.notForecast, f.customerLines, f.stockOrders]
        #expect(counts == [7, 4, 3, 2, 1, 3, 4])
        #expect(f.onTimeRatio == 4.0 / 7.0)
        #expect(
            f.statement == "4 of 7 on time: 3 customer lines, 4 stock orders, by SCH-1; 1 not forecast (not in the schedule, or no production order)"
        )

        let line10 = try #require(f.entries.first { $0.salesOrder == "SO-1" && $0.line == 10 })
        #expect(line10.due == day(6), "the promised date, not the requested one")
        #expect(line10.finish == day(5.5) && line10.slackMinutes == 720 && line10.productionOrders == ["PO-A"])
        let line20 = try #require(f.entries.first { $0.salesOrder == "SO-1" && $0.line == 20 })
        #expect(line20.finish == testNow && line20.note == "made, not yet shipped")
        let stale = try #require(f.entries.first { $0.productionOrders == ["PO-F"] })
        #expect(stale.finish == testNow && stale.slackMinutes == 720, "a stale schedule does not finish work in the past")
        let missing = try #require(f.entries.first { $0.productionOrders == ["PO-D"] })
        #expect(missing.finish == nil && missing.note == "PO-D is not in SCH-1" && missing.slackMinutes == -1440)
        #expect(f.entries.first { $0.salesOrder == "SO-3" }?.note == "no production order is pegged to it")
        #expect(f.entries.first { $0.productionOrders == ["PO-E"] }?.kind == .stockOrder, "its customer line was cancelled")
        #expect(!f.entries.contains { $0.salesOrder == "SO-2" }, "a cancelled order is not open")
        #expect(f.entries.map(\.due) == f.entries.map(\.due).sorted(), "by due date")
    }

    @Test("Without a published schedule nothing open is forecast: no ratio, and only what is past due (or made) has a verdict")
    func withoutSchedule() {
        let f = Self.plant(published: false).state.deliveryForecast(now: testNow)
        #expect(f.schedule == nil && f.onTimeRatio == nil)
        #expect(
            Self.verdicts(f) == [
                "SO-1/10": .notForecast, "SO-1/20": .onTime, "SO-3/10": .notForecast, "SO-4/10": .late,
                "PO-C": .notForecast, "PO-D": .late, "PO-E": .notForecast, "PO-F": .notForecast,
            ]
        )
        #expect(
            f.statement == "No schedule is published, so nothing is forecast: 4 customer lines and 4 stock orders are open, 2 of them already late"
        )
        #expect(f.entries.first { $0.productionOrders == ["PO-C"] }?.note == "no schedule is published")
    }

    @Test("The KPIs gather the forecast, work in progress and OEE of every work center over the last 7 days by default")
    func kpis() {
        let state = Self.plant(published: true).state
        let k = state.kpis(now: testNow)
        #expect(k.delivery == state.deliveryForecast(now: testNow))
        #expect(k.oeeTo == testNow && k.oeeFrom == day(-7))
        #expect(k.oee.map(\.workCenter) == ["WC-ASSY-1", "WC-LATHE-1"])
        #expect(k.ordersInProgress == 0 && k.openExceptions == 0 && k.openExceptionsByFunction.isEmpty)
    }
}
