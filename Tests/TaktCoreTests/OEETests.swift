import Foundation
import TaktCore
import Testing

// A small plant in Berlin (CET = UTC+1 in November, CEST = UTC+2 until the last Sunday of October).
// Times below are written in UTC, with the Berlin wall-clock time alongside.
//
// LATHE-1: Early 06:00–14:00 and Late 14:00–22:00, Monday to Friday; planned maintenance on
//          Wednesday 25 November 2026, 10:00–11:00 Berlin (09:00–10:00Z).
// OVEN-1:  Night 22:00–06:00, every day.
// SAW-1:   no shifts (planned around the clock).
//
// The lathe's Tuesday, 24 November 2026 (Early = 05:00–13:00Z, Late = 13:00–21:00Z):
//   Mon 21:00Z idle (end of Monday)
//   05:00Z setup · 05:30Z running · 08:00Z down "spindle failure" · 09:00Z running · 12:30Z idle "no material"
//   13:15Z running · 15:00Z slow "worn insert" (15/h against 20/h) · 17:00Z running · 20:00Z idle
// and its Wednesday: 05:00Z running · 09:00Z down "preventive maintenance" · 10:00Z running · 13:00Z idle.
// Quantities booked at the lathe (ideal 3 minutes a unit throughout):
//   Tue 08:00Z 42 good + 3 scrap "porosity" · 12:30Z 60 good + 2 scrap "dimension out of tolerance" + 1 rework
//   Tue 13:00Z (14:00 sharp) 20 good · 17:00Z 48 good + 2 scrap "porosity" · 20:00Z 50 good
//   Wed 12:59Z 140 good
// Machine counts: Tue 07:00Z 50, 11:00Z 48, 13:30Z 30.

/// An instant written as ISO 8601 in UTC.
private func utc(_ text: String) -> Date { TaktJSON.parseDate(text) ?? .distantPast }

/// The minutes figures are compared to within a microsecond, ratios to within 1e-9.
private func close(_ value: Double?, _ expected: Double, tolerance: Double = 1e-9) -> Bool {
    guard let value else { return false }
    return abs(value - expected) <= tolerance
}

private let lathe: WorkCenter.ID = "LATHE-1"
private let oven: WorkCenter.ID = "OVEN-1"
private let saw: WorkCenter.ID = "SAW-1"

private struct OEEPlant {
    var state = PlantState()

    mutating func apply(_ events: [Event]) {
        for event in events { state.apply(event, sequence: state.sequence + 1) }
    }

    mutating func machine(
        _ wc: WorkCenter.ID,
        _ state: MachineState,
        _ at: String,
        reason: String? = nil,
        actualRate: Double? = nil,
        idealRate: Double? = nil
    ) {
        apply([
            .machineStateChanged(
                MachineStateChange(
                    workCenter: wc,
                    state: state,
                    reason: reason,
                    at: utc(at),
                    actualRate: actualRate,
                    idealRate: idealRate
                )
            )
        ])
    }

    mutating func booked(
        _ wc: WorkCenter.ID,
        _ at: String,
        good: Double,
        scrap: Double = 0,
        scrapReason: String? = nil,
        rework: Double = 0,
        idealMinutesPerUnit: Double = 3
    ) {
        apply([
            .quantityReported(
                ProductionReport(
                    productionOrder: "PO-000001",
                    operation: 10,
                    workCenter: wc,
                    good: good,
                    scrap: scrap,
                    rework: rework,
                    scrapReason: scrapReason,
                    idealMinutesPerUnit: idealMinutesPerUnit,
                    at: utc(at)
                )
            )
        ])
    }

    mutating func counted(_ wc: WorkCenter.ID, _ count: Double, _ at: String) {
        apply([.machineCounted(MachineCount(workCenter: wc, count: count, at: utc(at)))])
    }

    static func berlin() -> OEEPlant {
        var plant = OEEPlant()
        let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]
        plant.apply([
            .siteDefined(Site(id: "BER", name: "Berlin", timeZone: "Europe/Berlin")),
            .workCenterDefined(
                WorkCenter(
                    id: lathe,
                    name: "Lathe 1",
                    site: "BER",
                    kind: .machining,
                    shifts: [
                        Shift(name: "Early", days: weekdays, start: "06:00", end: "14:00"),
                        Shift(name: "Late", days: weekdays, start: "14:00", end: "22:00"),
                    ],
                    plannedDowntime: [
                        Downtime(
                            start: utc("2026-11-25T09:00:00Z"),
                            end: utc("2026-11-25T10:00:00Z"),
                            reason: "preventive maintenance"
                        )
                    ]
                )
            ),
            .workCenterDefined(
                WorkCenter(
                    id: oven,
                    name: "Oven 1",
                    site: "BER",
                    kind: .paint,
                    shifts: [Shift(name: "Night", days: Weekday.allCases, start: "22:00", end: "06:00")]
                )
            ),
            .workCenterDefined(WorkCenter(id: saw, name: "Saw 1", site: "BER", kind: .machining)),
        ])
        // The lathe.
        plant.machine(lathe, .idle, "2026-11-23T21:00:00Z")
        plant.machine(lathe, .setup, "2026-11-24T05:00:00Z")
        plant.machine(lathe, .running, "2026-11-24T05:30:00Z")
        plant.counted(lathe, 50, "2026-11-24T07:00:00Z")
        plant.machine(lathe, .down, "2026-11-24T08:00:00Z", reason: "spindle failure")
        plant.booked(lathe, "2026-11-24T08:00:00Z", good: 42, scrap: 3, scrapReason: "porosity")
        plant.machine(lathe, .running, "2026-11-24T09:00:00Z")
        plant.counted(lathe, 48, "2026-11-24T11:00:00Z")
        plant.machine(lathe, .idle, "2026-11-24T12:30:00Z", reason: "no material")
        plant.booked(lathe, "2026-11-24T12:30:00Z", good: 60, scrap: 2, scrapReason: "dimension out of tolerance", rework: 1)
        plant.booked(lathe, "2026-11-24T13:00:00Z", good: 20)
        plant.machine(lathe, .running, "2026-11-24T13:15:00Z")
        plant.counted(lathe, 30, "2026-11-24T13:30:00Z")
        plant.machine(lathe, .slow, "2026-11-24T15:00:00Z", reason: "worn insert", actualRate: 15, idealRate: 20)
        plant.machine(lathe, .running, "2026-11-24T17:00:00Z")
        plant.booked(lathe, "2026-11-24T17:00:00Z", good: 48, scrap: 2, scrapReason: "porosity")
        plant.machine(lathe, .idle, "2026-11-24T20:00:00Z")
        plant.booked(lathe, "2026-11-24T20:00:00Z", good: 50)
        plant.machine(lathe, .running, "2026-11-25T05:00:00Z")
        plant.machine(lathe, .down, "2026-11-25T09:00:00Z", reason: "preventive maintenance")
        plant.machine(lathe, .running, "2026-11-25T10:00:00Z")
        plant.booked(lathe, "2026-11-25T12:59:00Z", good: 140)
        plant.machine(lathe, .idle, "2026-11-25T13:00:00Z")
        // The work the lathe ran on Tuesday afternoon, 13:15–20:00Z: a slowdown counts as production only while work runs.
        plant.state.operations["PO-000001"] = [
            OperationProgress(
                sequence: 10,
                name: "Turn",
                status: .completed,
                workCenter: lathe,
                good: 118,
                scrap: 2,
                segments: [WorkSegment(operator: nil, workCenter: lathe, start: utc("2026-11-24T13:15:00Z"), end: utc("2026-11-24T20:00:00Z"))],
                startedAt: utc("2026-11-24T13:15:00Z"),
                completedAt: utc("2026-11-24T20:00:00Z")
            )
        ]
        // The oven, through the night the clocks go back (Sunday 25 October 2026, 03:00 CEST → 02:00 CET at 01:00Z).
        plant.machine(oven, .running, "2026-10-24T20:00:00Z")  // Sat 22:00 CEST
        plant.machine(oven, .down, "2026-10-25T00:30:00Z", reason: "burner fault")  // 02:30 CEST
        plant.machine(oven, .running, "2026-10-25T01:30:00Z")  // 02:30 CET: the same wall-clock time, an hour later
        plant.booked(oven, "2026-10-25T04:30:00Z", good: 152, scrap: 8, scrapReason: "burnt")
        plant.machine(oven, .idle, "2026-10-25T05:30:00Z")  // 06:30 CET: half an hour past the shift
        // The saw, around the clock on Tuesday.
        plant.machine(saw, .running, "2026-11-24T06:00:00Z")
        plant.machine(saw, .setup, "2026-11-24T18:00:00Z")
        plant.booked(saw, "2026-11-24T18:00:00Z", good: 360, idealMinutesPerUnit: 2)
        plant.machine(saw, .idle, "2026-11-24T19:00:00Z")
        return plant
    }
}

@Suite("OEE (ISO 22400-2)")
struct OEETests {
    let state = OEEPlant.berlin().state

    @Test("A lathe that ran 6 of its 8 planned hours, with a 1-hour spindle failure, half an hour of setup and half an hour without material")
    func earlyShift() throws {
        // Tuesday early shift, 06:00–14:00 Berlin = 05:00–13:00Z.
        let r = try #require(state.oee(workCenter: lathe, from: utc("2026-11-24T05:00:00Z"), to: utc("2026-11-24T13:00:00Z")))
        #expect(r.workCenter == lathe && r.shift == nil)
        // PBT = 480. The setup at 05:00Z is in force from `from` on (the idle since Monday is not).
        // setup 05:00–05:30 = 30; running 05:30–08:00 = 150 and 09:00–12:30 = 210 → APT 360;
        // down 08:00–09:00 = 60; idle 12:30–13:00 = 30. 30 + 360 + 60 + 30 = 480.
        #expect(r.plannedBusyTime == 480)
        #expect(r.actualProductionTime == 360)
        #expect(r.setupTime == 30)
        #expect(r.downTime == 60)
        #expect(r.idleTime == 30)
        #expect(r.unplannedProductionTime == 0)
        // Reports at 08:00Z (42 + 3 scrap) and 12:30Z (60 + 2 scrap + 1 rework); the one at 13:00Z is the late shift's.
        // PQ = 45 + 63 = 108, GQ = 102, scrap 5, rework 1. PRI × PQ = 3 × 108 = 324.
        #expect(r.producedQuantity == 108)
        #expect(r.goodQuantity == 102)
        #expect(r.scrapQuantity == 5)
        #expect(r.reworkQuantity == 1)
        #expect(r.idealProductionTime == 324)
        // A = 360 / 480 = 0.75; P = 324 / 360 = 0.9; Q = 102 / 108 = 17/18; OEE = 0.75 × 0.9 × 17/18 = 0.6375.
        #expect(close(r.availability, 0.75))
        #expect(close(r.performance, 0.9))
        #expect(close(r.quality, 17.0 / 18.0))
        #expect(close(r.oee, 0.6375))
        // Losses: down by reason, setup, idle, speed loss 360 − 324 = 36 (no slow running), scrap by reason
        // (porosity 3 × 3 = 9 ideal minutes before dimension 2 × 3 = 6), rework 1 unit = 3 ideal minutes.
        #expect(r.losses.down == [OEEReport.DownLoss(reason: "spindle failure", minutes: 60, stops: 1)])
        #expect(r.losses.setupMinutes == 30)
        #expect(r.losses.idleMinutes == 30)
        #expect(r.losses.noStateMinutes == 0)
        #expect(r.losses.speedLossMinutes == 36)
        #expect(r.losses.slowMinutes == 0)
        #expect(
            r.losses.scrap == [
                OEEReport.ScrapLoss(reason: "porosity", quantity: 3, idealMinutes: 9),
                OEEReport.ScrapLoss(reason: "dimension out of tolerance", quantity: 2, idealMinutes: 6),
            ]
        )
        #expect(r.losses.reworkQuantity == 1)
        #expect(r.losses.reworkIdealMinutes == 3)
        // Machine counts 50 (07:00Z) + 48 (11:00Z); the 30 at 13:30Z is later. Shown, not used.
        #expect(r.machineCount == 98)
    }

    @Test("Running slow counts as production time but shows as speed loss: the late shift ran 6¾ hours, 2 of them slow while work ran")
    func slowRunning() throws {
        // Tuesday late shift, 14:00–22:00 Berlin = 13:00–21:00Z. PBT = 480.
        let r = try #require(state.oee(workCenter: lathe, from: utc("2026-11-24T13:00:00Z"), to: utc("2026-11-24T21:00:00Z")))
        // idle (no material, since 12:30Z) 13:00–13:15 = 15; running 13:15–15:00 = 105; slow 15:00–17:00 = 120;
        // running 17:00–20:00 = 180; idle 20:00–21:00 = 60. APT = 105 + 120 + 180 = 405; idle 75.
        #expect(r.plannedBusyTime == 480)
        #expect(r.actualProductionTime == 405)
        #expect(r.idleTime == 75)
        #expect(r.setupTime == 0 && r.downTime == 0)
        // Reports at 13:00Z (20, booked at 14:00 sharp, so it is this shift's), 17:00Z (48 + 2 scrap), 20:00Z (50).
        // PQ = 120, GQ = 118, PRI × PQ = 360.
        #expect(r.producedQuantity == 120 && r.goodQuantity == 118 && r.idealProductionTime == 360)
        // A = 405/480 = 0.84375; P = 360/405 = 8/9; Q = 118/120 = 59/60; OEE = 0.84375 × 8/9 × 59/60 = 0.75 × 59/60 = 0.7375.
        #expect(close(r.availability, 0.84375))
        #expect(close(r.performance, 8.0 / 9.0))
        #expect(close(r.quality, 59.0 / 60.0))
        #expect(close(r.oee, 0.7375))
        // Speed loss = 405 − 360 = 45 minutes, with the 120 minutes of slow running alongside.
        #expect(r.losses.speedLossMinutes == 45)
        #expect(r.losses.slowMinutes == 120)
        #expect(r.losses.down.isEmpty)
        #expect(r.losses.scrap == [OEEReport.ScrapLoss(reason: "porosity", quantity: 2, idealMinutes: 6)])
        #expect(r.machineCount == 30)
    }

    @Test("Tuesday split by shift: one report for the early and one for the late shift, each with its own figures")
    func perShift() throws {
        // The Berlin day: 00:00 Tue = 23:00Z Mon, to 00:00 Wed = 23:00Z Tue.
        let from = utc("2026-11-23T23:00:00Z")
        let to = utc("2026-11-24T23:00:00Z")
        let shifts = state.oeeByShift(workCenter: lathe, from: from, to: to)
        try #require(shifts.count == 2)
        let (early, late) = (shifts[0], shifts[1])
        #expect(early.shift == "Early" && early.from == utc("2026-11-24T05:00:00Z") && early.to == utc("2026-11-24T13:00:00Z"))
        #expect(late.shift == "Late" && late.from == utc("2026-11-24T13:00:00Z") && late.to == utc("2026-11-24T21:00:00Z"))
        // The same figures as the plain windows of each shift (see the two tests above).
        var plainEarly = try #require(state.oee(workCenter: lathe, from: early.from, to: early.to))
        var plainLate = try #require(state.oee(workCenter: lathe, from: late.from, to: late.to))
        plainEarly.shift = "Early"
        plainLate.shift = "Late"
        #expect(early == plainEarly)
        #expect(late == plainLate)
        #expect(close(early.oee, 0.6375) && close(late.oee, 0.7375))
        #expect(try JSONDecoder().decode([OEEReport].self, from: JSONEncoder().encode(shifts)) == shifts)
        // The whole day: PBT 960, APT 360 + 405 = 765, PQ 108 + 120 = 228, GQ 102 + 118 = 220, PRI × PQ 324 + 360 = 684.
        // A = 765/960 = 0.796875; P = 684/765; Q = 220/228; OEE = 684 × 220 / (960 × 228) = 0.6875.
        let day = try #require(state.oee(workCenter: lathe, from: from, to: to))
        #expect(day.plannedBusyTime == 960 && day.actualProductionTime == 765)
        #expect(day.producedQuantity == 228 && day.goodQuantity == 220 && day.idealProductionTime == 684)
        #expect(close(day.availability, 0.796875))
        #expect(close(day.oee, 0.6875))
        // Porosity 3 + 2 = 5 units (15 ideal minutes) before dimension 2 (6).
        #expect(day.losses.scrap.map(\.reason) == ["porosity", "dimension out of tolerance"])
        #expect(day.losses.scrap.first?.quantity == 5)
        #expect(day.losses.speedLossMinutes == 81)  // 765 − 684
    }

    @Test("A window reaching past now ends at now: the running lathe is not carried into the future, and later shifts are left out")
    func windowEndsAtNow() throws {
        // Wednesday: running from 05:00Z; at 07:00Z (08:00 Berlin, two hours into the early shift) someone asks for the
        // whole day.
        let now = utc("2026-11-25T07:00:00Z")
        let day = try #require(state.oee(workCenter: lathe, from: utc("2026-11-24T23:00:00Z"), to: utc("2026-11-25T23:00:00Z"), now: now))
        #expect(day.to == now)
        #expect(day.plannedBusyTime == 120 && day.actualProductionTime == 120, "two hours planned and run so far, not the day")
        let shifts = state.oeeByShift(workCenter: lathe, from: utc("2026-11-24T23:00:00Z"), to: utc("2026-11-25T23:00:00Z"), now: now)
        #expect(shifts.map(\.shift) == ["Early"] && shifts.first?.to == now, "the late shift has not begun")
        #expect(state.oee(workCenter: lathe, from: now.addingTimeInterval(3_600), to: now.addingTimeInterval(7_200), now: now)?.plannedBusyTime == 0)
    }

    @Test("A window from 06:15 to 09:30 cuts the setup and the breakdown in two and counts only its own parts")
    func windowCutsStates() throws {
        // 06:15–09:30 Berlin = 05:15–08:30Z. PBT = 195.
        // setup (since 05:00Z) 05:15–05:30 = 15; running 05:30–08:00 = 150; down (since 08:00Z, until 09:00Z) 08:00–08:30 = 30.
        let r = try #require(state.oee(workCenter: lathe, from: utc("2026-11-24T05:15:00Z"), to: utc("2026-11-24T08:30:00Z")))
        #expect(r.plannedBusyTime == 195)
        #expect(r.setupTime == 15)
        #expect(r.actualProductionTime == 150)
        #expect(r.downTime == 30)
        #expect(r.idleTime == 0)
        #expect(r.losses.down == [OEEReport.DownLoss(reason: "spindle failure", minutes: 30, stops: 1)])
        // Only the report booked at 08:00Z: 42 good + 3 scrap, PRI × PQ = 135.
        // A = 150/195 = 10/13; P = 135/150 = 0.9; Q = 42/45 = 14/15; OEE = 10/13 × 0.9 × 14/15 = 126/195.
        #expect(r.producedQuantity == 45 && r.goodQuantity == 42)
        #expect(close(r.availability, 10.0 / 13.0))
        #expect(close(r.performance, 0.9))
        #expect(close(r.quality, 14.0 / 15.0))
        #expect(close(r.oee, 126.0 / 195.0))
        #expect(r.machineCount == 50)
        // A window that starts exactly on a change takes that change's state: from 08:00Z the lathe is down.
        let down = try #require(state.oee(workCenter: lathe, from: utc("2026-11-24T08:00:00Z"), to: utc("2026-11-24T08:30:00Z")))
        #expect(down.downTime == 30 && down.actualProductionTime == 0)
        #expect(close(down.availability, 0))
    }

    @Test("Planned maintenance is not a loss: Wednesday's early shift is planned for 7 hours and ran all of them")
    func plannedDowntime() throws {
        // 06:00–14:00 Berlin = 05:00–13:00Z, minus maintenance 09:00–10:00Z: PBT = 420.
        // running 05:00–09:00 = 240 and 10:00–13:00 = 180 → APT 420; the "down" during maintenance is outside PBT.
        let r = try #require(state.oee(workCenter: lathe, from: utc("2026-11-25T05:00:00Z"), to: utc("2026-11-25T13:00:00Z")))
        #expect(r.plannedBusyTime == 420)
        #expect(r.actualProductionTime == 420)
        #expect(r.downTime == 0 && r.losses.down.isEmpty)
        // 140 good at 3 minutes = 420 ideal minutes: A = P = Q = OEE = 1.
        #expect(close(r.availability, 1) && close(r.performance, 1) && close(r.quality, 1) && close(r.oee, 1))
        #expect(r.losses.speedLossMinutes == 0)
        // Split by shift, the maintenance hour comes off the early shift only: Early 420, Late 480 (idle all shift).
        let shifts = state.oeeByShift(workCenter: lathe, from: utc("2026-11-24T23:00:00Z"), to: utc("2026-11-25T23:00:00Z"))
        #expect(shifts.map(\.shift) == ["Early", "Late"])
        #expect(shifts.map(\.plannedBusyTime) == [420, 480])
        #expect(shifts.last?.idleTime == 480)
        #expect(close(shifts.last?.availability, 0))
        #expect(
            ShiftCalendar.plannedIntervals(
                for: try #require(state.workCenters[lathe]),
                zone: try #require(TimeZone(identifier: "Europe/Berlin")),
                from: utc("2026-11-25T00:00:00Z"),
                to: utc("2026-11-26T00:00:00Z")
            )
                == [
                    DateInterval(start: utc("2026-11-25T05:00:00Z"), end: utc("2026-11-25T09:00:00Z")),
                    DateInterval(start: utc("2026-11-25T10:00:00Z"), end: utc("2026-11-25T21:00:00Z")),
                ]
        )
    }

    @Test("A saw without shifts is planned around the clock: the whole day counts, and time before its first recorded state is idle")
    func noShifts() throws {
        // Tuesday 00:00–24:00Z: PBT = 1440.
        // no state 00:00–06:00 = 360 (idle); running 06:00–18:00 = 720; setup 18:00–19:00 = 60; idle 19:00–24:00 = 300.
        let r = try #require(state.oee(workCenter: saw, from: utc("2026-11-24T00:00:00Z"), to: utc("2026-11-25T00:00:00Z")))
        #expect(r.plannedBusyTime == 1440)
        #expect(r.actualProductionTime == 720)
        #expect(r.setupTime == 60)
        #expect(r.idleTime == 660)
        #expect(r.losses.noStateMinutes == 360)
        // 360 good at 2 minutes = 720: A = 720/1440 = 0.5, P = 1, Q = 1, OEE = 0.5. No machine counter.
        #expect(close(r.availability, 0.5) && close(r.performance, 1) && close(r.quality, 1) && close(r.oee, 0.5))
        #expect(r.machineCount == nil)
        // Without shifts there is nothing to split by.
        #expect(state.oeeByShift(workCenter: saw, from: utc("2026-11-24T00:00:00Z"), to: utc("2026-11-25T00:00:00Z")).isEmpty)
    }

    @Test("The oven's night shift across the October clock change lasts 9 hours: a 1-hour burner fault leaves A = 8/9")
    func nightShiftAcrossDaylightSavingEnd() throws {
        // Sat 24 Oct 2026 22:00 CEST = 20:00Z to Sun 25 Oct 06:00 CET = 05:00Z: 9 hours, PBT = 540 (not 480).
        let shifts = state.oeeByShift(workCenter: oven, from: utc("2026-10-24T12:00:00Z"), to: utc("2026-10-25T12:00:00Z"))
        try #require(shifts.count == 1)
        let r = shifts[0]
        #expect(r.shift == "Night" && r.from == utc("2026-10-24T20:00:00Z") && r.to == utc("2026-10-25T05:00:00Z"))
        // running 20:00–00:30Z = 270; down "burner fault" 00:30–01:30Z = 60 (02:30 CEST to 02:30 CET); running 01:30–05:00Z = 210.
        #expect(r.plannedBusyTime == 540)
        #expect(r.actualProductionTime == 480)
        #expect(r.downTime == 60)
        #expect(r.losses.down == [OEEReport.DownLoss(reason: "burner fault", minutes: 60, stops: 1)])
        // 152 good + 8 burnt at 3 minutes = 480 ideal: A = 480/540 = 8/9, P = 1, Q = 152/160 = 0.95, OEE = 8/9 × 0.95.
        #expect(close(r.availability, 8.0 / 9.0))
        #expect(close(r.performance, 1))
        #expect(close(r.quality, 0.95))
        #expect(close(r.oee, 8.0 / 9.0 * 0.95))
        #expect(r.unplannedProductionTime == 0)
        // The plain window over the same day has the same planned time, and shows the half hour the oven ran past
        // the shift (05:00–05:30Z) as production outside planned time, not as APT.
        let day = try #require(state.oee(workCenter: oven, from: utc("2026-10-24T12:00:00Z"), to: utc("2026-10-25T12:00:00Z")))
        #expect(day.plannedBusyTime == 540 && day.actualProductionTime == 480)
        #expect(day.unplannedProductionTime == 30)
    }

    @Test("Shifts keep to the wall clock through both clock changes: the March night shift lasts 7 hours, day shifts still start at 06:00")
    func daylightSavingChanges() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        // Sat 28 Mar 2026 22:00 CET = 21:00Z to Sun 29 Mar 06:00 CEST = 04:00Z: 7 hours.
        let night = [Shift(name: "Night", days: [.saturday], start: "22:00", end: "06:00")]
        let march = ShiftCalendar.occurrences(night, zone: berlin, from: utc("2026-03-28T00:00:00Z"), to: utc("2026-03-30T00:00:00Z"))
        #expect(march == [ShiftOccurrence(name: "Night", start: utc("2026-03-28T21:00:00Z"), end: utc("2026-03-29T04:00:00Z"))])
        #expect(march.first?.minutes == 420)
        // The oven has no recorded state before October: PBT 420, all of it idle, A = 0 and no P, Q or OEE.
        let r = try #require(state.oee(workCenter: oven, from: utc("2026-03-28T21:00:00Z"), to: utc("2026-03-29T04:00:00Z")))
        #expect(r.plannedBusyTime == 420 && r.idleTime == 420 && r.losses.noStateMinutes == 420)
        // An early shift: 06:00 CEST = 04:00Z on Saturday 24 October, 06:00 CET = 05:00Z on Sunday 25 October.
        let early = [Shift(name: "Early", days: Weekday.allCases, start: "06:00", end: "14:00")]
        let october = ShiftCalendar.occurrences(early, zone: berlin, from: utc("2026-10-24T00:00:00Z"), to: utc("2026-10-26T00:00:00Z"))
        #expect(october.map(\.start) == [utc("2026-10-24T04:00:00Z"), utc("2026-10-25T05:00:00Z")])
        #expect(october.map(\.minutes) == [480, 480])
        // The October night: 22:00 CEST to 06:00 CET.
        let octoberNight = ShiftCalendar.occurrences(night, zone: berlin, from: utc("2026-10-24T00:00:00Z"), to: utc("2026-10-26T00:00:00Z"))
        #expect(octoberNight == [ShiftOccurrence(name: "Night", start: utc("2026-10-24T20:00:00Z"), end: utc("2026-10-25T05:00:00Z"))])
        // A week later the night runs into November: Sat 31 Oct 22:00 CET = 21:00Z to Sun 1 Nov 06:00 CET = 05:00Z.
        let intoNovember = ShiftCalendar.occurrences(night, zone: berlin, from: utc("2026-10-31T00:00:00Z"), to: utc("2026-11-02T00:00:00Z"))
        #expect(intoNovember == [ShiftOccurrence(name: "Night", start: utc("2026-10-31T21:00:00Z"), end: utc("2026-11-01T05:00:00Z"))])
        // A window starting inside a night shift still finds it (it began the local day before).
        let inside = ShiftCalendar.occurrences(night, zone: berlin, from: utc("2026-11-01T03:00:00Z"), to: utc("2026-11-01T04:00:00Z"))
        #expect(inside.map(\.start) == [utc("2026-10-31T21:00:00Z")])
    }

    @Test("A window with no production gives no ratios instead of NaN: a Sunday without shifts, and a Monday shift with no recorded state")
    func noProduction() throws {
        // Sunday 22 November, Berlin day 23:00Z Sat – 23:00Z Sun: the lathe has no shift, PBT = 0.
        let sunday = try #require(state.oee(workCenter: lathe, from: utc("2026-11-21T23:00:00Z"), to: utc("2026-11-22T23:00:00Z")))
        #expect(sunday.plannedBusyTime == 0 && sunday.actualProductionTime == 0 && sunday.producedQuantity == 0)
        #expect(sunday.availability == nil && sunday.performance == nil && sunday.quality == nil && sunday.oee == nil)
        #expect(state.oeeByShift(workCenter: lathe, from: utc("2026-11-21T23:00:00Z"), to: utc("2026-11-22T23:00:00Z")).isEmpty)
        // Monday early shift 05:00–13:00Z: the lathe's first state is at 21:00Z, so all 480 planned minutes are idle
        // without a recorded state. A = 0/480 = 0; P, Q and OEE have a zero denominator.
        let monday = try #require(state.oee(workCenter: lathe, from: utc("2026-11-23T05:00:00Z"), to: utc("2026-11-23T13:00:00Z")))
        #expect(monday.plannedBusyTime == 480 && monday.idleTime == 480 && monday.losses.noStateMinutes == 480)
        #expect(close(monday.availability, 0))
        #expect(monday.performance == nil && monday.quality == nil && monday.oee == nil)
        // Both encode as JSON (NaN would not), the missing ratios as explicit nulls, and decode back the same.
        let json = try JSONEncoder().encode([sunday, monday])
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [[String: Any]])
        #expect(object.first?["availability"] is NSNull && object.last?["oee"] is NSNull)
        #expect(try JSONDecoder().decode([OEEReport].self, from: json) == [sunday, monday])
        // An empty window is not an error either.
        let empty = try #require(state.oee(workCenter: lathe, from: utc("2026-11-24T06:00:00Z"), to: utc("2026-11-24T06:00:00Z")))
        #expect(empty.plannedBusyTime == 0 && empty.availability == nil)
    }

    @Test("A slowdown maintenance reported outlives the work: slow with no operation running is idle time, not production time")
    func slowWithoutWork() throws {
        var plant = OEEPlant.berlin()
        // A mill without shifts (planned around the clock), reported slow at 08:00Z until further notice; an operation runs
        // on it 08:30–09:30Z and books 20 units at 2 ideal minutes; the report still stands at noon.
        plant.apply([.workCenterDefined(WorkCenter(id: "MILL-1", name: "Mill 1", site: "BER", kind: .machining))])
        plant.machine("MILL-1", .slow, "2026-11-24T08:00:00Z", reason: "worn spindle bearing", actualRate: 20, idealRate: 30)
        plant.state.operations["PO-000009"] = [
            OperationProgress(
                sequence: 10,
                name: "Mill",
                status: .completed,
                workCenter: "MILL-1",
                good: 20,
                segments: [WorkSegment(operator: nil, workCenter: "MILL-1", start: utc("2026-11-24T08:30:00Z"), end: utc("2026-11-24T09:30:00Z"))],
                startedAt: utc("2026-11-24T08:30:00Z"),
                completedAt: utc("2026-11-24T09:30:00Z")
            )
        ]
        plant.booked("MILL-1", "2026-11-24T09:30:00Z", good: 20, idealMinutesPerUnit: 2)
        // 08:00–12:00Z: PBT 240. Slow with work 08:30–09:30 = 60 (APT, slow minutes); slow without work 180 → idle.
        let r = try #require(plant.state.oee(workCenter: "MILL-1", from: utc("2026-11-24T08:00:00Z"), to: utc("2026-11-24T12:00:00Z")))
        #expect(r.plannedBusyTime == 240)
        #expect(r.actualProductionTime == 60)
        #expect(r.idleTime == 180)
        #expect(r.losses.slowMinutes == 60)
        #expect(r.losses.noStateMinutes == 0)
        // A = 60/240; P = 40/60 (the slowdown's speed loss: 20 minutes); Q = 1.
        #expect(close(r.availability, 0.25) && close(r.performance, 40.0 / 60.0) && close(r.quality, 1))
        #expect(r.losses.speedLossMinutes == 20)
        #expect(r.dataIssues.isEmpty)
        // An operation still running counts until the end of the window.
        plant.state.operations["PO-000010"] = [
            OperationProgress(
                sequence: 10,
                name: "Mill",
                status: .running,
                workCenter: "MILL-1",
                segments: [WorkSegment(operator: nil, workCenter: "MILL-1", start: utc("2026-11-24T11:00:00Z"))],
                startedAt: utc("2026-11-24T11:00:00Z")
            )
        ]
        let running = try #require(plant.state.oee(workCenter: "MILL-1", from: utc("2026-11-24T08:00:00Z"), to: utc("2026-11-24T12:00:00Z")))
        #expect(running.actualProductionTime == 120 && running.idleTime == 120 && running.losses.slowMinutes == 120)
    }

    @Test("More booked than the ideal rate allows in the recorded production time is a data issue: no performance of 19,200 %, no OEE")
    func performanceAboveIdealIsADataIssue() throws {
        var plant = OEEPlant.berlin()
        // The mill ran from 08:00 to 08:01:30Z (an operation started and completed within minutes), and 16 housings at 18 ideal
        // minutes each (288 minutes of work) were booked at 08:01:30Z.
        plant.apply([.workCenterDefined(WorkCenter(id: "MILL-1", name: "Mill 1", site: "BER", kind: .machining))])
        plant.machine("MILL-1", .running, "2026-11-24T08:00:00Z")
        plant.machine("MILL-1", .idle, "2026-11-24T08:01:30Z")
        plant.booked("MILL-1", "2026-11-24T08:01:30Z", good: 16, idealMinutesPerUnit: 18)
        let r = try #require(plant.state.oee(workCenter: "MILL-1", from: utc("2026-11-24T06:00:00Z"), to: utc("2026-11-24T14:00:00Z")))
        #expect(r.actualProductionTime == 1.5 && r.idealProductionTime == 288)
        // Availability stays what the record says (1.5 of 480 minutes); performance would be 192: it is not shown, nor OEE.
        #expect(close(r.availability, 1.5 / 480) && close(r.quality, 1))
        #expect(r.performance == nil && r.oee == nil)
        #expect(r.dataIssues.map(\.rule) == ["performance-above-ideal"])
        #expect(
            r.dataIssues.first?.message == "the units booked at MILL-1 need 4 h 48 min at the routing's ideal rate, but only 1.5 min of production "
                + "time were recorded in planned time (192.0 times the ideal rate); the machine states, the booked quantities or the routing's "
                + "run time per unit are wrong, so performance and OEE are not shown"
        )
        // The times and quantities stay as recorded, and the report still encodes and decodes.
        let json = try JSONEncoder().encode(r)
        #expect(try JSONDecoder().decode(OEEReport.self, from: json) == r)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["performance"] is NSNull && (object["dataIssues"] as? [[String: Any]])?.first?["rule"] as? String == "performance-above-ideal")

        // Quantities booked with no production time recorded at all.
        plant.apply([.workCenterDefined(WorkCenter(id: "DRILL-1", name: "Drill 1", site: "BER", kind: .machining))])
        plant.booked("DRILL-1", "2026-11-24T09:00:00Z", good: 9, scrap: 1, scrapReason: "burr", idealMinutesPerUnit: 4)
        let drill = try #require(plant.state.oee(workCenter: "DRILL-1", from: utc("2026-11-24T06:00:00Z"), to: utc("2026-11-24T14:00:00Z")))
        #expect(drill.performance == nil && drill.oee == nil && close(drill.quality, 0.9))
        #expect(drill.dataIssues.map(\.rule) == ["quantity-without-production-time"])
        #expect(
            drill.dataIssues.first?.message.hasPrefix("10 units (40 min of ideal time) were booked at DRILL-1, but no production time was recorded")
                == true
        )
        // A plausible record has no issue: the lathe's Tuesday (see the tests above).
        #expect(try #require(state.oee(workCenter: lathe, from: utc("2026-11-23T23:00:00Z"), to: utc("2026-11-24T23:00:00Z"))).dataIssues.isEmpty)
    }

    @Test("A work center that does not exist has no OEE")
    func unknownWorkCenter() {
        #expect(state.oee(workCenter: "LATHE-99", from: utc("2026-11-24T05:00:00Z"), to: utc("2026-11-24T13:00:00Z")) == nil)
        #expect(state.oeeByShift(workCenter: "LATHE-99", from: utc("2026-11-24T05:00:00Z"), to: utc("2026-11-24T13:00:00Z")).isEmpty)
    }

    @Test("A year of half-hourly state changes: one shift's OEE reads only its own stretch of the history")
    func longHistory() throws {
        // A second lathe with the same shifts, alternating running (on the hour) and idle (on the half hour) all
        // of 2026, booking 10 good units at 3 minutes at a quarter past each hour.
        var plant = OEEPlant.berlin()
        var wc = try #require(plant.state.workCenters[lathe])
        wc.id = "LATHE-2"
        wc.plannedDowntime = []
        plant.apply([.workCenterDefined(wc)])
        let start = utc("2026-01-01T00:00:00Z")
        var events: [Event] = []
        for halfHour in 0..<(365 * 48) {
            let at = start.addingTimeInterval(Double(halfHour) * 1800)
            events.append(.machineStateChanged(MachineStateChange(workCenter: wc.id, state: halfHour % 2 == 0 ? .running : .idle, at: at)))
            if halfHour % 2 == 0 {
                events.append(
                    .quantityReported(
                        ProductionReport(
                            productionOrder: "PO-000002",
                            operation: 10,
                            workCenter: wc.id,
                            good: 10,
                            idealMinutesPerUnit: 3,
                            at: at.addingTimeInterval(900)
                        )
                    )
                )
            }
        }
        plant.apply(events)
        // Tuesday's early shift, 05:00–13:00Z: 8 hours, each half running → APT 240 of 480; 8 reports × 10 × 3 = 240.
        // A = 0.5, P = 1, Q = 1, OEE = 0.5.
        let r = try #require(plant.state.oee(workCenter: wc.id, from: utc("2026-11-24T05:00:00Z"), to: utc("2026-11-24T13:00:00Z")))
        #expect(r.plannedBusyTime == 480 && r.actualProductionTime == 240 && r.idleTime == 240)
        #expect(r.producedQuantity == 80 && r.idealProductionTime == 240)
        #expect(close(r.oee, 0.5))
    }
}
