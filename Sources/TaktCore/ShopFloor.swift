public import Foundation

/// A reason from one of the plant's lists: a short code that is recorded and counted (scrap Pareto, downtime by reason),
/// and the words an operator picks it by.
public struct ReasonCode: Codable, Sendable, Hashable {
    public var code: String
    public var label: String
    public init(_ code: String, _ label: String) {
        self.code = code
        self.label = label
    }
}

/// The reason lists of the shop floor. Scrap reasons are codes: a report with scrap must name one of ``scrap``
/// (``PlantState/scrapReason(_:)``), so the scrap Pareto counts like with like. Andon reasons (a machine down or slow)
/// are recorded in their words (the machine-state reason stays free text for machines and the API).
public enum ReasonCodes {
    /// Why units were scrapped.
    public static let scrap: [ReasonCode] = [
        .init("porosity", "Porosity, blowholes"),
        .init("dimension", "Dimension out of tolerance"),
        .init("surface", "Surface damage, scratches"),
        .init("burr", "Burr, sharp edge"),
        .init("crack", "Crack"),
        .init("material", "Material defect"),
        .init("setup", "Setup or first-off part"),
        .init("handling", "Handling or transport damage"),
        .init("machine", "Machine fault"),
        .init("other", "Other"),
    ]

    /// Why a machine is down (an andon call).
    public static let down: [ReasonCode] = [
        .init("breakdown", "machine breakdown"),
        .init("tooling", "tool broken"),
        .init("no-material", "no material"),
        .init("no-operator", "no operator"),
        .init("quality", "quality problem"),
        .init("maintenance", "unplanned maintenance"),
        .init("utilities", "power, air or coolant"),
        .init("other", "other stop"),
    ]

    /// Why a machine runs slower than its ideal rate.
    public static let slow: [ReasonCode] = [
        .init("worn-tooling", "worn tooling"),
        .init("material", "difficult material"),
        .init("minor-stops", "minor stops and jams"),
        .init("reduced-speed", "running at reduced speed"),
        .init("training", "operator in training"),
        .init("other", "other slowdown"),
    ]

    /// The list an andon call to `state` picks its reason from (empty: no reason is asked).
    public static func andon(_ state: MachineState) -> [ReasonCode] {
        switch state {
        case .down: down
        case .slow: slow
        case .running, .setup, .idle: []
        }
    }
}

extension PlantState {
    /// The plant's scrap reason codes (today the default list, ``ReasonCodes/scrap``).
    public var scrapReasonCodes: [ReasonCode] { ReasonCodes.scrap }

    /// The scrap reason with this code (case and surrounding spaces do not matter), nil when it is not on the list.
    public func scrapReason(_ code: String) -> ReasonCode? {
        let key = code.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return scrapReasonCodes.first { $0.code == key }
    }

    /// The machine-state reason of an andon call: the picked reason's words, and the operator's note after a colon.
    /// Refused (naming `field`) when the code is not on the list for `state`, or when `state` needs a reason and none is picked.
    public func andonReason(_ state: MachineState, code: String?, note: String?, field: String = "reason") throws(DomainError) -> String? {
        let list = ReasonCodes.andon(state)
        let key = code?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() ?? ""
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if key.isEmpty {
            if state == .down {
                throw .invalid(field, "required", "a machine going down needs a reason: pick one of \(list.map(\.code).joined(separator: ", "))")
            }
            return note.isEmpty ? nil : note
        }
        guard let reason = list.first(where: { $0.code == key }) else {
            let known = list.map(\.code).joined(separator: ", ")
            throw .invalid(
                field,
                "unknown-code",
                list.isEmpty ? "\(state.rawValue) takes no reason code" : "'\(key)' is not a \(state.rawValue) reason; pick one of: \(known)"
            )
        }
        return note.isEmpty ? reason.label : "\(reason.label): \(note)"
    }

    /// An operator's andon call as the command it sends: `down` with a reason from ``ReasonCodes/down``, `slow` with a
    /// reason from ``ReasonCodes/slow`` and the rate observed (units per hour; the ideal rate defaults to the one of the
    /// operation running there, ``idealRate(at:)``), or back to `running`. Refused, naming the field, when the reason is
    /// not on the list or a slowdown has no rate.
    public func andonCall(
        workCenter: WorkCenter.ID,
        state: MachineState,
        reasonCode: String?,
        note: String?,
        actualRate: Double?,
        idealRate ideal: Double?
    ) throws(DomainError) -> SetMachineState {
        guard workCenters[workCenter] != nil else { throw .notFound("workCenter", "work center '\(workCenter)' does not exist") }
        let reason = try andonReason(state, code: reasonCode, note: note)
        guard state == .slow else { return SetMachineState(workCenter: workCenter, state: state, reason: reason) }
        var v = Validator()
        let idealRate = ideal ?? self.idealRate(at: workCenter)
        if let actualRate {
            v.nonNegative(actualRate, "actualRate")
        } else {
            v.add("actualRate", "required", "a slowdown needs the rate the machine makes now (units per hour)")
        }
        if let idealRate {
            v.positive(idealRate, "idealRate")
            if let actualRate {
                v.check(
                    actualRate < idealRate,
                    "actualRate",
                    "below-ideal",
                    "actualRate \(Self.number(actualRate))/h is not below the ideal rate \(Self.number(idealRate))/h, so the machine is not slow"
                )
            }
        } else {
            v.add("idealRate", "required", "nothing runs on \(workCenter) to take the ideal rate from; give the ideal rate (units per hour)")
        }
        try v.throwIfAny()
        return SetMachineState(workCenter: workCenter, state: .slow, reason: reason, actualRate: actualRate, idealRate: idealRate)
    }

    /// The ideal rate of `workCenter` in units per hour for the operation running there (from its routing's run time),
    /// nil when nothing runs there or the routing gives no run time.
    public func idealRate(at workCenter: WorkCenter.ID) -> Double? {
        for (order, list) in operations.sorted(by: { $0.key < $1.key }) {
            for progress in list where progress.status == .running && progress.workCenter == workCenter {
                guard let po = productionOrders[order], let routing = routings[po.routing],
                    let step = routing.operations.first(where: { $0.sequence == progress.sequence }) ?? progress.reworkStep,
                    let minutes = step.workCenters.first(where: { $0.workCenter == workCenter })?.runMinutesPerUnit, minutes > 0
                else { continue }
                return 60 / minutes
            }
        }
        return nil
    }

    /// Good against target and the time worked on one operation, at `now` (the plant's clock).
    public func operationCounter(productionOrder: ProductionOrder.ID, operation: Int, now: Date) -> OperationCounter? {
        guard let order = productionOrders[productionOrder],
            let progress = operations[productionOrder]?.first(where: { $0.sequence == operation })
        else { return nil }
        let worked = progress.segments.reduce(0.0) { sum, s in sum + max(0, (s.end ?? max(now, s.start)).timeIntervalSince(s.start)) }
        return OperationCounter(
            good: progress.good,
            scrap: progress.scrap,
            target: order.quantity,
            workedSeconds: worked,
            plannedMinutes: progress.plannedMinutes,
            ticking: progress.segments.last.map { $0.end == nil } ?? false
        )
    }

    /// Where `order` goes next: its first operation not completed, with the work centers it may run on (where it runs,
    /// once started). Nil when every operation is done or the order is unknown.
    public func nextOperation(of order: ProductionOrder.ID) -> NextOperation? {
        guard let po = productionOrders[order] else { return nil }
        let plan = operationPlan(for: po)
        guard let progress = plan.first(where: { $0.status != .completed }) else { return nil }
        let step = routings[po.routing]?.operations.first { $0.sequence == progress.sequence } ?? progress.reworkStep
        let places: [WorkCenter.ID] =
            if let wc = progress.workCenter { [wc] } else if let wc = progress.reworkWorkCenter { [wc] } else {
                step?.workCenters.map(\.workCenter) ?? []
            }
        return NextOperation(sequence: progress.sequence, name: progress.name, status: progress.status, workCenters: places)
    }

    /// What the terminal proposes when the lot an operation makes is booked: a lot ID not yet used, the good quantity
    /// reported and not yet booked into a lot, and the line side of the work center it runs on (else the first store).
    public func outputProposal(productionOrder: ProductionOrder.ID, operation: Int) -> OutputProposal? {
        guard let order = productionOrders[productionOrder],
            let progress = operations[productionOrder]?.first(where: { $0.sequence == operation })
        else { return nil }
        let booked = lots.values.filter { $0.productionOrder == productionOrder }.reduce(0.0) { $0 + $1.quantity }
        var n = 1
        var id = Lot.ID("\(productionOrder.rawValue)-\(operation)-\(n)")
        while lots[id] != nil {
            n += 1
            id = Lot.ID("\(productionOrder.rawValue)-\(operation)-\(n)")
        }
        let sorted = locations.values.sorted { $0.id < $1.id }
        let location =
            sorted.first { $0.kind == .lineSide && $0.workCenter != nil && $0.workCenter == progress.workCenter }
            ?? sorted.first { $0.kind == .store } ?? sorted.first
        return OutputProposal(
            lot: id,
            item: order.item,
            quantity: max(0, progress.good - booked),
            location: location?.id,
            booked: booked
        )
    }
}

/// Good against target and time worked on an operation (``PlantState/operationCounter(productionOrder:operation:now:)``).
public struct OperationCounter: Codable, Sendable, Hashable {
    public var good: Double
    public var scrap: Double
    /// The order quantity.
    public var target: Double
    /// Seconds worked (its work segments; a pause stops the clock).
    public var workedSeconds: Double
    public var plannedMinutes: Double?
    /// Whether a work segment is open (the time is still running).
    public var ticking: Bool
}

/// The next operation of an order (``PlantState/nextOperation(of:)``).
public struct NextOperation: Codable, Sendable, Hashable {
    public var sequence: Int
    public var name: String
    public var status: OperationStatus
    public var workCenters: [WorkCenter.ID]
}

/// The terminal's proposal for booking an output lot (``PlantState/outputProposal(productionOrder:operation:)``).
public struct OutputProposal: Codable, Sendable, Hashable {
    public var lot: Lot.ID
    public var item: Item.ID
    /// Good reported on the operation and not yet booked into a lot of the order (0 when all is booked).
    public var quantity: Double
    public var location: Location.ID?
    /// Already booked into lots of the order (their current quantity).
    public var booked: Double
}
