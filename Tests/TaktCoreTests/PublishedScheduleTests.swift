import Foundation
import TaktCore
import Testing

@Suite("Work on the published schedule")
struct PublishedScheduleTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_586_400)
    static func at(_ minutes: Int) -> Date { t0.addingTimeInterval(Double(minutes) * 60) }
    static func step(_ order: String, _ wc: String, _ from: Int, _ to: Int) -> ScheduledStep {
        ScheduledStep(productionOrder: .init(order), sequence: 10, name: "op", workCenter: .init(wc), start: at(from), end: at(to))
    }
    static let schedule = PublishedSchedule(
        id: "SCH-000001",
        origin: t0,
        steps: [
            step("PO-1", "WC-MILL-1", -60, 120), step("PO-2", "WC-MILL-1", 400, 600), step("PO-3", "WC-LATHE-1", 0, 300),
            step("PO-4", "WC-TEST-1", 900, 2000),
        ],
        weightedTardinessMinutes: 0,
        makespanMinutes: 2000,
        totalSetupMinutes: 0,
        lateOrders: []
    )

    @Test("The minutes of a shift's window count only the part of each operation inside it")
    func minutesInWindow() {
        #expect(Self.schedule.scheduledMinutes(from: Self.t0, until: Self.at(480)) == ["WC-MILL-1": 120 + 80, "WC-LATHE-1": 300])
    }

    @Test("The busiest work center of the next eight hours is the one with the most minutes then, not overall; none when nothing runs")
    func busiest() {
        #expect(Self.schedule.busiestWorkCenter(from: Self.t0, hours: 8) == "WC-LATHE-1")
        #expect(Self.schedule.busiestWorkCenter(from: Self.at(3000), hours: 8) == nil)
    }
}
