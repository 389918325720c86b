import TaktCore
import Testing

@Suite("Routings")
struct RoutingTests {
    @Test("An operation with no eligible work center is rejected")
    func noEligibleWorkCenter() {
        let plant = TestPlant.pumpShop()
        let routing = Routing(
            id: "RT-HOUSING-2",
            item: "HOUSING",
            operations: [
                RoutingOperation(sequence: 10, name: "Turn bore", workCenters: [])
            ]
        )
        plant.expectRejected(.defineRouting(routing), .invalid, field: "operations[0].workCenters", rule: "required")
    }

    @Test("An operation on a work center that does not exist is rejected")
    func unknownWorkCenter() {
        let plant = TestPlant.pumpShop()
        plant.expectRejected(
            .defineRouting(TestPlant.routing("RT-HOUSING-2", item: "HOUSING", on: "WC-LATHE-9")),
            .invalid,
            field: "operations[0].workCenters[0].workCenter",
            rule: "unknown-reference"
        )
    }

    @Test("Operation sequence numbers must increase")
    func sequenceIncreases() {
        let plant = TestPlant.pumpShop()
        let eligible = [EligibleWorkCenter(workCenter: "WC-LATHE-1", setupMinutes: 10, runMinutesPerUnit: 5)]
        let routing = Routing(
            id: "RT-HOUSING-2",
            item: "HOUSING",
            operations: [
                RoutingOperation(sequence: 20, name: "Turn", workCenters: eligible),
                RoutingOperation(sequence: 10, name: "Mill", workCenters: eligible),
            ]
        )
        plant.expectRejected(.defineRouting(routing), .invalid, field: "operations[1].sequence", rule: "increasing")
    }

    @Test("A setup family the work center does not run is rejected")
    func setupFamilyMustBeRunThere() {
        let plant = TestPlant.pumpShop()
        let routing = Routing(
            id: "RT-HOUSING-2",
            item: "HOUSING",
            operations: [
                RoutingOperation(
                    sequence: 10,
                    name: "Turn bore",
                    workCenters: [.init(workCenter: "WC-LATHE-1", setupMinutes: 30, runMinutesPerUnit: 12)],
                    setupFamily: "large-housing"
                )
            ]
        )
        plant.expectRejected(.defineRouting(routing), .invalid, field: "operations[0].workCenters[0].workCenter", rule: "setup-family")
    }

    @Test("A required skill that is not defined is rejected; a transfer batch must be positive")
    func skillAndTransferBatch() {
        let plant = TestPlant.pumpShop()
        let routing = Routing(
            id: "RT-HOUSING-2",
            item: "HOUSING",
            operations: [
                RoutingOperation(
                    sequence: 10,
                    name: "Turn bore",
                    workCenters: [.init(workCenter: "WC-LATHE-1", setupMinutes: 30, runMinutesPerUnit: 12)],
                    requiredSkill: "cnc-turning",
                    transferBatch: 0
                )
            ]
        )
        plant.expectRejected(.defineRouting(routing), .invalid, field: "operations[0].requiredSkill", rule: "unknown-reference")
        plant.expectRejected(.defineRouting(routing), .invalid, field: "operations[0].transferBatch", rule: "positive")
    }
}
