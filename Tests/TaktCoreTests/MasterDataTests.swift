import TaktCore
import Testing

@Suite("Plant master data")
struct MasterDataTests {
    @Test(
        "A code with spaces, umlauts, nothing or more than 64 characters is rejected",
        arguments: ["PUMP 100", "", "GEHÄUSE-1", String(repeating: "X", count: 65), "P#1"]
    )
    func malformedCode(code: String) {
        let plant = TestPlant.pumpShop()
        plant.expectRejected(
            .defineItem(Item(id: Item.ID(code), name: "Some pump", kind: .finished)),
            .invalid,
            field: "id",
            rule: "code-format"
        )
    }

    @Test("Codes of letters, digits, dashes, underscores, dots and slashes are accepted", arguments: ["P-50/200", "MH_50.200", "x1"])
    func wellFormedCode(code: String) {
        var plant = TestPlant.pumpShop()
        plant.accept(.defineItem(Item(id: Item.ID(code), name: "Some pump", kind: .finished)))
        #expect(plant.state.items[Item.ID(code)] != nil)
    }

    @Test("A work center on a site that does not exist is rejected")
    func unknownSite() {
        let plant = TestPlant.pumpShop()
        plant.expectRejected(
            .defineWorkCenter(WorkCenter(id: "WC-MILL-1", name: "Mill 1", site: "PLANT-9", kind: .machining)),
            .invalid,
            field: "site",
            rule: "unknown-reference"
        )
    }

    @Test("A shift time that is not HH:mm is rejected", arguments: [("6:00", "14:00"), ("06:00", "25:00"), ("24:30", "06:00"), ("06-00", "14:00")])
    func malformedShiftTime(times: (String, String)) {
        let plant = TestPlant.pumpShop()
        let shift = Shift(name: "Early", days: [.monday], start: times.0, end: times.1)
        plant.expectRejected(
            .defineWorkCenter(WorkCenter(id: "WC-MILL-1", name: "Mill 1", site: "PLANT-1", kind: .machining, shifts: [shift])),
            .invalid,
            field: "shifts[0].start",
            rule: "time-format"
        )
    }

    @Test("A shift that starts when it ends, or has no weekday, is rejected")
    func emptyShift() {
        let plant = TestPlant.pumpShop()
        let shifts = [
            Shift(name: "Early", days: [.monday], start: "06:00", end: "14:00"),
            Shift(name: "Nothing", days: [.monday], start: "14:00", end: "14:00"),
            Shift(name: "Never", days: [], start: "22:00", end: "06:00"),
        ]
        let command = Command.defineWorkCenter(WorkCenter(id: "WC-MILL-1", name: "Mill 1", site: "PLANT-1", kind: .machining, shifts: shifts))
        plant.expectRejected(command, .invalid, field: "shifts[1].end", rule: "non-empty")
        plant.expectRejected(command, .invalid, field: "shifts[2].days", rule: "required")
    }

    @Test("A night shift running past midnight is accepted")
    func nightShift() {
        var plant = TestPlant.pumpShop()
        let night = Shift(name: "Night", days: [.monday, .tuesday], start: "22:00", end: "06:00")
        plant.accept(.defineWorkCenter(WorkCenter(id: "WC-MILL-1", name: "Mill 1", site: "PLANT-1", kind: .machining, shifts: [night])))
        #expect(plant.state.workCenters["WC-MILL-1"]?.shifts.first?.minutes?.start == 22 * 60)
    }

    @Test("A planned downtime that ends before it starts is rejected")
    func downtimeOrder() {
        let plant = TestPlant.pumpShop()
        let downtime = Downtime(start: day(2), end: day(1), reason: "Spindle bearing")
        plant.expectRejected(
            .defineWorkCenter(WorkCenter(id: "WC-MILL-1", name: "Mill 1", site: "PLANT-1", kind: .machining, plannedDowntime: [downtime])),
            .invalid,
            field: "plannedDowntime[0].end",
            rule: "after-start"
        )
    }

    @Test("A line-side location must name the work center it feeds")
    func lineSideNeedsWorkCenter() {
        let plant = TestPlant.pumpShop()
        plant.expectRejected(
            .defineLocation(Location(id: "LS-ASSY-1", name: "Line side", site: "PLANT-1", kind: .lineSide)),
            .invalid,
            field: "workCenter",
            rule: "required"
        )
    }

    @Test("A customer priority outside 1 to 5 is rejected")
    func customerPriority() {
        let plant = TestPlant.pumpShop()
        plant.expectRejected(.defineCustomer(Customer(id: "CUST-2", name: "Brauerei", priority: 0)), .invalid, field: "priority", rule: "range")
    }
}
