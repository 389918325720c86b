import Foundation
import TaktCore
import Testing

/// The control tower's charts: each figure by its one definition (docs/kpis.md "Trends and charts").
@Suite("Trends for the control tower's charts")
struct PlantTrendsTests {
    /// Friday 4 December 2026, 12:00 UTC (13:00 in Berlin).
    static let now = TaktJSON.parseDate("2026-12-04T12:00:00Z")!
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    static func plant() -> PlantState {
        var s = PlantState()
        s.sites["S"] = Site(id: "S", name: "Plant", timeZone: "Europe/Berlin")
        let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]
        s.workCenters["WC-A"] = WorkCenter(
            id: "WC-A",
            name: "A",
            site: "S",
            kind: .machining,
            shifts: [Shift(name: "early", days: weekdays, start: "06:00", end: "14:00")]
        )
        return s
    }

    static func at(_ text: String) -> Date { TaktJSON.parseDate(text)! }

    @Test("Load: planned work inside the shifts against the shifts; work over the weekend counts only in shift time")
    func load() throws {
        var s = Self.plant()
        // From Fri 13:00 Berlin, 7 days: Fri 13–14 (1 h) + Mon–Thu 4 × 8 h + Fri 11 Dec 06:00–13:00 (7 h) = 40 h of shifts.
        // One step from Fri 12:00Z (13:00) to Mon 08:00Z (09:00): 1 h on Friday + 3 h on Monday inside shifts.
        s.publishedSchedule = PublishedSchedule(
            id: "SCH-1",
            origin: Self.now,
            steps: [
                ScheduledStep(
                    productionOrder: "PO-1",
                    sequence: 10,
                    name: "Mill",
                    workCenter: "WC-A",
                    start: Self.now,
                    end: Self.at("2026-12-07T08:00:00Z")
                )
            ],
            weightedTardinessMinutes: 0,
            makespanMinutes: 0,
            totalSetupMinutes: 0,
            lateOrders: []
        )
        let load = try #require(s.trends(now: Self.now).load?.first)
        #expect(load.availableMinutes == 40 * 60)
        #expect(load.scheduledMinutes == 4 * 60)
        #expect(abs((load.ratio ?? 0) - 0.1) < 1e-9)
        var none = s
        none.publishedSchedule = nil
        #expect(none.trends(now: Self.now).load == nil, "no schedule, no load")
    }

    @Test("Scrap Pareto: reasons largest first, the cumulative share ends at 100 %, outside the window left out")
    func scrapPareto() {
        var s = Self.plant()
        func report(_ scrap: Double, _ reason: String?, _ at: String) -> ProductionReport {
            ProductionReport(
                productionOrder: "PO-1",
                operation: 10,
                workCenter: "WC-A",
                good: 1,
                scrap: scrap,
                scrapReason: reason,
                idealMinutesPerUnit: 1,
                at: Self.at(at)
            )
        }
        s.productionReports["WC-A"] = [
            report(2, "porosity", "2026-12-03T08:00:00Z"), report(6, "chatter marks", "2026-12-02T08:00:00Z"),
            report(1, nil, "2026-12-01T08:00:00Z"), report(1, "porosity", "2026-12-04T07:00:00Z"),
            report(50, "porosity", "2026-10-01T08:00:00Z"),  // more than 30 days ago
            report(0, "porosity", "2026-12-04T08:00:00Z"),  // no scrap
        ]
        let scrap = s.trends(now: Self.now).scrap
        #expect(scrap.map(\.reason) == ["chatter marks", "porosity", "no reason given"])
        #expect(scrap.map(\.quantity) == [6, 3, 1])
        #expect(scrap.map(\.reports) == [1, 2, 1])
        #expect(abs((scrap.last?.cumulativeShare ?? 0) - 1) < 1e-9)
        #expect(abs(scrap[0].cumulativeShare - 0.6) < 1e-9)
    }

    @Test("On-time delivery by week: a line counts in the week of the shipment that completes it, against its promised date")
    func deliveryByWeek() {
        var s = Self.plant()
        let due = PlantDay.end(of: "2026-12-01", in: Self.berlin)!
        s.salesOrders["SO-1"] = SalesOrder(
            id: "SO-1",
            customer: "C",
            lines: [
                SalesOrderLine(line: 10, item: "P", quantity: 10, requestedDate: due),
                SalesOrderLine(line: 20, item: "P", quantity: 5, requestedDate: due, promisedDate: PlantDay.end(of: "2026-12-03", in: Self.berlin)),
                SalesOrderLine(line: 30, item: "P", quantity: 5, requestedDate: due),
            ]
        )
        func ship(_ id: String, _ line: Int, _ quantity: Double, _ at: String) {
            s.shipments[Shipment.ID(id)] = Shipment(
                id: .init(id),
                salesOrder: "SO-1",
                line: line,
                customer: "C",
                item: "P",
                lots: [ShipmentLot(lot: .init("L-\(id)"), quantity: quantity)],
                by: nil,
                at: Self.at(at)
            )
            s.shipmentsBySalesOrder["SO-1", default: []].append(.init(id))
        }
        ship("SH-1", 10, 4, "2026-11-27T10:00:00Z")  // part of line 10, the week before
        ship("SH-2", 10, 6, "2026-12-01T20:00:00Z")  // completes line 10 on its due day (21:00 Berlin): on time
        ship("SH-3", 20, 5, "2026-12-02T10:00:00Z")  // after the requested but before the promised date: on time
        ship("SH-4", 30, 2, "2026-12-02T10:00:00Z")  // line 30 not complete: not delivered
        let weeks = s.trends(now: Self.now).delivery
        #expect(weeks.count == 8)
        let this = weeks.last!
        #expect(this.week == "2026-11-30", "plant weeks start on Monday")
        #expect(this.delivered == 2 && this.onTime == 2 && this.ratio == 1)
        #expect(weeks.dropLast().allSatisfy { $0.delivered == 0 && $0.ratio == nil }, "a partial shipment delivers no line")
        ship("SH-5", 30, 3, "2026-12-04T09:00:00Z")  // completes line 30 after its due date: late
        let later = s.trends(now: Self.now).delivery.last!
        #expect(later.delivered == 3 && later.onTime == 2)
    }

    @Test("OEE by day covers the last 14 plant days, today up to now; a day without machine data has no figure")
    func oeeDays() {
        let days = Self.plant().trends(now: Self.now).oee
        #expect(days.count == 14)
        #expect(days.last?.day == "2026-12-04" && days.last?.to == Self.now)
        #expect(days.first?.day == "2026-11-21")
        #expect(days.allSatisfy { $0.oee == nil })
    }
}
