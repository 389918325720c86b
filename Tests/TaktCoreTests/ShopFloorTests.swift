import Foundation
import TaktCore
import Testing

/// The rules behind the terminal's operator tools (``ReasonCodes``, `Sources/TaktCore/ShopFloor.swift`), on the lathe cell
/// of the execution tests: Anna turns ten housings on WC-LATHE-1 at 12 minutes each.
@Suite("Shop-floor tools: reason codes, andon calls, counter, next operation, output lots")
struct ShopFloorTests {
    @Test("An andon call: down needs a reason from the list; slow needs a rate below the ideal one, taken from the routing")
    func andonCall() throws {
        var cell = LatheCell()
        func refusal(_ state: MachineState, _ code: String?, actual: Double? = nil, ideal: Double? = nil) -> [String] {
            do {
                _ = try cell.state.andonCall(
                    workCenter: "WC-LATHE-1",
                    state: state,
                    reasonCode: code,
                    note: nil,
                    actualRate: actual,
                    idealRate: ideal
                )
                return []
            } catch { return error.violations.map { "\($0.field) \($0.rule)" } }
        }
        #expect(refusal(.down, nil) == ["reason required"])
        #expect(refusal(.down, "gremlins") == ["reason unknown-code"])
        #expect(refusal(.slow, "breakdown") == ["reason unknown-code"], "a down reason is not a slow one")
        #expect(refusal(.slow, "worn-tooling") == ["actualRate required", "idealRate required"], "nothing runs yet")
        #expect(cell.state.idealRate(at: "WC-LATHE-1") == nil)

        let down = try cell.state.andonCall(
            workCenter: "WC-LATHE-1",
            state: .down,
            reasonCode: " Breakdown ",
            note: "spindle",
            actualRate: nil,
            idealRate: nil
        )
        #expect(down == SetMachineState(workCenter: "WC-LATHE-1", state: .down, reason: "machine breakdown: spindle"))

        cell.annaReady()
        cell.act(LatheCell.start(), by: "op-anna")
        #expect(cell.state.idealRate(at: "WC-LATHE-1") == 5, "60 / 12 minutes a unit")
        #expect(refusal(.slow, "worn-tooling", actual: 6) == ["actualRate below-ideal"])
        let slow = try cell.state.andonCall(
            workCenter: "WC-LATHE-1",
            state: .slow,
            reasonCode: "worn-tooling",
            note: nil,
            actualRate: 3,
            idealRate: nil
        )
        #expect(slow.reason == "worn tooling" && slow.actualRate == 3 && slow.idealRate == 5)
        let running = try cell.state.andonCall(workCenter: "WC-LATHE-1", state: .running, reasonCode: nil, note: nil, actualRate: nil, idealRate: nil)
        #expect(running == SetMachineState(workCenter: "WC-LATHE-1", state: .running))
    }

    @Test("The counter: good against the order quantity, time worked from the work segments on the plant's clock")
    func counter() {
        var cell = LatheCell()
        cell.annaReady()
        cell.act(LatheCell.start(), by: "op-anna")
        cell.wait(60)
        cell.act(LatheCell.report(good: 4, scrap: 1, reason: " Porosity "), by: "op-anna")
        #expect(cell.state.productionReports["WC-LATHE-1"]?.last?.scrapReason == "porosity", "the code as listed")
        cell.act(.pauseOperation(PauseOperation(productionOrder: LatheCell.order, operation: 10, reason: "break")), by: "op-anna")
        cell.wait(30)
        var c = cell.state.operationCounter(productionOrder: LatheCell.order, operation: 10, now: cell.clock)
        #expect(c?.workedSeconds == 3600 && c?.ticking == false)
        cell.act(.resumeOperation(ResumeOperation(productionOrder: LatheCell.order, operation: 10)), by: "op-anna")
        cell.wait(15)
        c = cell.state.operationCounter(productionOrder: LatheCell.order, operation: 10, now: cell.clock)
        #expect(c?.good == 4 && c?.scrap == 1 && c?.target == 10)
        #expect(c?.workedSeconds == 75 * 60 && c?.ticking == true && c?.plannedMinutes == 150)
    }

    @Test("Where an order goes next, and the lot the terminal proposes to book")
    func nextAndOutput() {
        var cell = LatheCell()
        let first = cell.state.nextOperation(of: LatheCell.order)
        #expect(first?.sequence == 10 && first?.name == "Turn housing" && first?.status == .waiting && first?.workCenters == ["WC-LATHE-1"])
        cell.annaReady()
        cell.act(LatheCell.start(), by: "op-anna")
        cell.act(LatheCell.report(good: 4), by: "op-anna")
        let proposal = cell.state.outputProposal(productionOrder: LatheCell.order, operation: 10)
        #expect(proposal?.lot == "PO-H-1-10-1" && proposal?.quantity == 4 && proposal?.item == "HOUSING")
        #expect(proposal?.location == "LS-LATHE-1", "the line side of the lathe")
        cell.act(
            .produceLot(ProduceLot(productionOrder: LatheCell.order, operation: 10, lot: "PO-H-1-10-1", quantity: 3, location: "LOC-STORE")),
            by: "op-anna"
        )
        let next = cell.state.outputProposal(productionOrder: LatheCell.order, operation: 10)
        #expect(next?.lot == "PO-H-1-10-2" && next?.quantity == 1 && next?.booked == 3)
        cell.act(LatheCell.complete(good: 6), by: "op-anna")
        #expect(cell.state.nextOperation(of: LatheCell.order)?.sequence == 20)
        #expect(cell.state.nextOperation(of: LatheCell.order)?.workCenters == ["WC-DRILL-1"])
        #expect(cell.state.nextOperation(of: "PO-NOPE") == nil)
    }
}
