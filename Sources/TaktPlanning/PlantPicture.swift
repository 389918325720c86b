public import Foundation
public import TaktCore
public import TaktScheduling

// The one picture of the plant that every plan is built on: schedule runs, capable-to-promise, the orchestrator's
// baselines, its simulations, outcome requests, actions and verification. `PlanningProblem(state:origin:)` lays the plant's
// orders, routings and calendars out as a scheduling problem and then imposes every fact the plant knows that a plan must
// respect — a machine that is down or slow, a hold, a missing pallet, an overrun, an absence. A simulation of an exception is
// "the plant as it is", less the fact the exception is about, plus what the exception assumes: never a second model.

/// How long a disruption whose end nobody reported is assumed to last: per kind, the `assumedDurationMinutes` of the first
/// enabled playbook (by ID) raising that kind, else Takt's default for the kind.
public struct PlanningAssumptions: Sendable, Hashable {
    public var minutes: [DisruptionKind: Int]

    public init(minutes: [DisruptionKind: Int] = [:]) { self.minutes = minutes }

    /// The assumptions the plant's playbooks set, over Takt's defaults.
    public init(state: PlantState) {
        var minutes: [DisruptionKind: Int] = [:]
        for playbook in state.playbooks.values.filter(\.enabled).sorted(by: { $0.id < $1.id }) where minutes[playbook.exceptionKind] == nil {
            if let m = playbook.assumedDurationMinutes { minutes[playbook.exceptionKind] = m }
        }
        self.minutes = minutes
    }

    /// Takt's default for a kind: machine down 2 h, slow 8 h, missing material 24 h, quality hold 48 h, projected shortage 5 days.
    public static func defaultMinutes(_ kind: DisruptionKind) -> Int? {
        switch kind {
        case .machineSlow: 8 * 60
        case .machineDown: 2 * 60
        case .materialMissing: 24 * 60
        case .qualityHold: 48 * 60
        case .shortageProjected: 5 * 24 * 60
        default: nil
        }
    }

    /// Minutes a disruption of `kind` is assumed to last (4 h for a kind with neither a playbook's nor a default assumption).
    public func duration(_ kind: DisruptionKind) -> Int { minutes[kind] ?? Self.defaultMinutes(kind) ?? 240 }

    /// When a disruption that began at `from` ends: at `reported` when given and still ahead, else `from` + the assumed
    /// duration; when that has passed too and the disruption still holds, the assumed duration from `now`.
    /// - Returns: the end and, when it is assumed, the assumption in words.
    public func end(of kind: DisruptionKind, from: Date, reported: Date?, now: Date) -> (end: Date, assumption: String?) {
        if let reported, reported > now { return (reported, nil) }
        let minutes = duration(kind)
        let words = PlanningAssumptions.words(minutes)
        let assumed = from.addingTimeInterval(Double(minutes) * 60)
        if assumed > now {
            return (
                assumed,
                reported == nil ? "no end reported; assumed \(words) from its start" : "the reported end has passed; assumed \(words) from its start"
            )
        }
        return (
            now.addingTimeInterval(Double(minutes) * 60),
            "still in force past its \(reported == nil ? "assumed" : "reported") end; assumed \(words) more from now"
        )
    }

    static func words(_ minutes: Int) -> String {
        if minutes % 1440 == 0 { return "\(minutes / 1440) day\(minutes == 1440 ? "" : "s")" }
        if minutes % 60 == 0 { return "\(minutes / 60) h" }
        return minutes < 60 ? "\(minutes) min" : "\(minutes / 60) h \(minutes % 60) min"
    }
}

/// One thing the plant knows that a plan must respect, in the terms of a disruption.
public struct PlantFact: Sendable, Hashable {
    /// The subject an exception about it carries, e.g. `machine-down:WC-MILL-1`, `quality-hold:HOLD-000002`.
    public var subject: String
    public var disruption: Disruption
    /// When the plant learned it (the time of the event that established it).
    public var since: Date
    /// What the plan assumes where the plant does not know (nil when nothing is assumed).
    public var assumption: String?
}

/// Everything the plant knows that constrains a plan, read from its state at a time.
public struct PlantPicture: Sendable, Hashable {
    public var facts: [PlantFact]

    public init(facts: [PlantFact]) { self.facts = facts }

    /// Reads the facts from the plant:
    /// - a work center whose last machine state is `down` is unavailable from then until its reported `expectedUntil`, else for
    ///   the assumed duration; one that is `slow` with rates works at actual ÷ ideal rate for as long;
    /// - an active quality hold stops its work center, the unstarted operations of the orders it holds, and the operations
    ///   that need its held lots while no other usable stock covers them, until it is assumed released;
    /// - a lot reported missing stops the operations that need it and have no other usable stock, until it is assumed found
    ///   (or the next expected receipt of its item arrives, if sooner);
    /// - a reported overrun lengthens its operation; a reported absence holds back the work that needs a skill nobody else
    ///   present holds.
    /// Running and done operations, overtime and planned downtime are part of the problem itself (see ``PlanningProblem``).
    public init(state: PlantState, now: Date, assumptions: PlanningAssumptions? = nil) {
        let assume = assumptions ?? PlanningAssumptions(state: state)
        var facts: [PlantFact] = []
        for wc in state.machineStates.keys.sorted() {
            guard let last = state.machineStates[wc]?.last, state.workCenters[wc] != nil else { continue }
            switch last.state {
            case .down:
                let (end, assumption) = assume.end(of: .machineDown, from: last.at, reported: last.expectedUntil, now: now)
                facts.append(
                    PlantFact(
                        subject: "\(DisruptionKind.machineDown.rawValue):\(wc)",
                        disruption: Disruption(kind: .machineDown, workCenter: wc, from: last.at, until: end),
                        since: last.at,
                        assumption: assumption
                    )
                )
            case .slow:
                guard let actual = last.actualRate, let ideal = last.idealRate, ideal > 0, actual / ideal < 1 else { continue }
                let (end, assumption) = assume.end(of: .machineSlow, from: last.at, reported: last.expectedUntil, now: now)
                facts.append(
                    PlantFact(
                        subject: "\(DisruptionKind.machineSlow.rawValue):\(wc)",
                        disruption: Disruption(
                            kind: .machineSlow,
                            workCenter: wc,
                            from: last.at,
                            until: end,
                            rateFactor: max(0.05, actual / ideal)
                        ),
                        since: last.at,
                        assumption: assumption
                    )
                )
            case .running, .idle, .setup:
                continue
            }
        }
        for hold in state.holds.values.filter({ !$0.released }).sorted(by: { $0.id < $1.id }) {
            let (end, assumption) = assume.end(of: .qualityHold, from: hold.placedAt, reported: nil, now: now)
            var orders = hold.orders
            if let po = hold.productionOrder, !orders.contains(po) { orders.append(po) }
            let lots = hold.lots.map(\.lot).filter { state.lots[$0]?.status.isInStock == true }
            let item = lots.first.flatMap { state.lots[$0]?.item }
            facts.append(
                PlantFact(
                    subject: "\(DisruptionKind.qualityHold.rawValue):\(hold.id)",
                    disruption: Disruption(
                        kind: .qualityHold,
                        workCenter: hold.kind == .workCenter ? hold.workCenter : nil,
                        from: hold.placedAt,
                        until: end,
                        item: item,
                        lots: lots,
                        orders: orders.isEmpty ? nil : orders.sorted()
                    ),
                    since: hold.placedAt,
                    assumption: assumption
                )
            )
        }
        for (lot, at) in state.missingLots.sorted(by: { $0.key < $1.key }) {
            guard let l = state.lots[lot], l.status.isInStock else { continue }
            let (end, assumption) = assume.end(of: .materialMissing, from: at, reported: nil, now: now)
            facts.append(
                PlantFact(
                    subject: "\(DisruptionKind.materialMissing.rawValue):\(lot)",
                    disruption: Disruption(kind: .materialMissing, from: at, until: end, item: l.item, lots: [lot]),
                    since: at,
                    assumption: assumption
                )
            )
        }
        for (po, delays) in state.operationDelays.sorted(by: { $0.key < $1.key }) {
            guard let order = state.productionOrders[po], !order.status.isTerminal else { continue }
            for (sequence, delay) in delays.sorted(by: { $0.key < $1.key }) {
                guard state.operations[po]?.first(where: { $0.sequence == sequence })?.status != .completed else { continue }
                facts.append(
                    PlantFact(
                        subject: "\(DisruptionKind.operationLate.rawValue):\(po)/\(sequence)",
                        disruption: Disruption(
                            kind: .operationLate,
                            from: delay.at,
                            productionOrder: po,
                            sequence: sequence,
                            extraMinutes: delay.extraMinutes,
                            item: order.item
                        ),
                        since: delay.at
                    )
                )
            }
        }
        for (user, list) in state.absences.sorted(by: { $0.key < $1.key }) {
            for absence in list.sorted(by: { ($0.from, $0.until) < ($1.from, $1.until) }) where absence.until > now {
                facts.append(
                    PlantFact(
                        subject: "\(DisruptionKind.operatorAbsent.rawValue):\(user)",
                        disruption: Disruption(kind: .operatorAbsent, from: absence.from, until: absence.until, person: user),
                        since: absence.at
                    )
                )
            }
        }
        self.facts = facts
    }

    /// The picture without the facts an exception is about (its baseline: the plan as it would be without it).
    public func excluding(_ subjects: Set<String>) -> PlantPicture {
        guard !subjects.isEmpty else { return self }
        return PlantPicture(facts: facts.filter { !subjects.contains($0.subject) })
    }

    /// The picture as it was known at `date`: facts learned later are left out (verification judges an action against the
    /// plant it was meant for, not against disruptions that came after it).
    public func known(at date: Date) -> PlantPicture {
        PlantPicture(facts: facts.filter { $0.since <= date })
    }

    /// The facts in words, for an exception to say what its simulation took into account.
    public func descriptions(_ state: PlantState) -> [String] {
        facts.map { fact in
            let d = fact.disruption
            var text: String
            switch d.kind {
            case .machineDown: text = "\(d.workCenter?.rawValue ?? "?") is down"
            case .machineSlow:
                text = "\(d.workCenter?.rawValue ?? "?") runs at \(Int(saturating: ((d.rateFactor ?? 1) * 100).rounded()))% of its rate"
            case .qualityHold:
                text =
                    "\(fact.subject.dropFirst(DisruptionKind.qualityHold.rawValue.count + 1)) holds \(d.lots.count) lot\(d.lots.count == 1 ? "" : "s")"
                    + (d.orders.map { ", \($0.count) order\($0.count == 1 ? "" : "s")" } ?? "") + (d.workCenter.map { ", work center \($0)" } ?? "")
            case .materialMissing: text = "lot \(d.lots.map(\.rawValue).joined(separator: ", ")) is missing"
            case .operationLate: text = "\(d.productionOrder?.rawValue ?? "?") op \(d.sequence ?? 0) runs \(d.extraMinutes ?? 0) min late"
            case .operatorAbsent: text = "\(d.person?.rawValue ?? "?") is away"
            default: text = fact.subject
            }
            if let until = d.until, d.kind != .operationLate { text += " until \(PlanningProblem.stamp(until, state))" }
            if let a = fact.assumption { text += " (\(a))" }
            return text
        }
    }
}

extension Disruption {
    /// The subjects of the plant facts this disruption is about: a simulation of it leaves them out of its baseline.
    public var subjects: Set<String> {
        if let parts { return parts.reduce(into: Set<String>()) { $0.formUnion($1.subjects) } }
        switch kind {
        case .machineDown, .machineSlow: return workCenter.map { ["\(kind.rawValue):\($0)"] } ?? []
        case .operationLate: return productionOrder.map { po in ["\(kind.rawValue):\(po)/\(sequence ?? 0)"] } ?? []
        case .materialMissing: return Set(lots.map { "\(kind.rawValue):\($0)" })
        case .operatorAbsent: return person.map { ["\(kind.rawValue):\($0)"] } ?? []
        default: return []
        }
    }
}

extension PlanningProblem {
    /// A date as people in the plant read it: `2026-12-01 14:00 GMT+1` in the plant's time zone (with its offset);
    /// a date given as a day `2026-12-04 (end of day, GMT+1)`.
    public static func stamp(_ date: Date, _ state: PlantState) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = state.plantTimeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let day = String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        let zone = state.plantTimeZone.abbreviation(for: date) ?? state.plantTimeZone.identifier
        // A date given as a day (PlantDay's end of day) reads as the day; every time says its zone.
        if PlantDay.isEndOfDay(date, in: state.plantTimeZone) { return "\(day) (end of day, \(zone))" }
        return day + String(format: " %02d:%02d ", c.hour ?? 0, c.minute ?? 0) + zone
    }
}

// MARK: - Imposing a disruption on a problem

extension PlanningProblem {
    /// The operation index of each (order, sequence).
    public var operationIndex: [TaktCore.OperationRef: Int] {
        var out: [TaktCore.OperationRef: Int] = [:]
        for (i, ref) in operations.enumerated() { out[TaktCore.OperationRef(productionOrder: ref.productionOrder, operation: ref.sequence)] = i }
        return out
    }

    /// Lays a disruption over the problem: the one translation of a plant fact, or of what an exception assumes, into the
    /// optimizer's terms.
    /// - machine down: a break in the work center's calendar over the window (a running operation pauses over it);
    /// - machine slow at factor f: the work center loses (1 − f) of its working time in the window, taken as a stop at the
    ///   window's start (it does in the window what it would do in f of it; what runs after runs at full rate);
    /// - operation late: its durations grow by the extra minutes;
    /// - held orders: their operations that have not started wait until the end; a held work center stops for the window;
    /// - material missing, held, short or late: the operations that need it and have no usable stock wait until it can be
    ///   there (``PlantState/materialAvailable(_:until:)``);
    /// - an absence: work needing a skill nobody else (certified, active, not away) holds waits until the person is back,
    ///   unless the published schedule has it done before the absence begins or starting after it ends.
    /// Other kinds (orders and promises) are the caller's: they change orders, not the plant's capacity.
    /// - Parameters:
    ///   - d: the disruption, with `until` set where it has an end (a missing end is taken as `from` + 4 h).
    ///   - published: the published schedule's steps, for absences.
    public mutating func impose(_ d: Disruption, state: PlantState, published: [TaktCore.OperationRef: ScheduledStep] = [:]) {
        if let parts = d.parts {
            for part in parts { impose(part, state: state, published: published) }
            return
        }
        let resourceIndex = Dictionary(uniqueKeysWithValues: workCenters.enumerated().map { ($1, $0) })
        let until = d.until ?? d.from.addingTimeInterval(4 * 3600)
        func minutes(_ date: Date) -> Int { PlanningProblem.minutes(date, from: origin) }
        func minutesUp(_ date: Date) -> Int { PlanningProblem.minutes(date, from: origin, roundingUp: true) }
        let index = operationIndex
        func hold(_ refs: [TaktCore.OperationRef], until date: Date) {
            let release = max(0, minutesUp(date))
            for ref in refs {
                guard let i = index[ref], problem.operations[i].fixed == nil else { continue }
                problem.operations[i].release = max(problem.operations[i].release, release)
            }
        }
        switch d.kind {
        case .machineDown:
            guard let wc = d.workCenter, let r = resourceIndex[wc] else { return }
            stop(r, during: [TimeWindow(start: max(0, minutes(d.from)), end: minutesUp(until))])
        case .machineSlow:
            guard let wc = d.workCenter, let r = resourceIndex[wc] else { return }
            let factor = min(1, max(0.05, d.rateFactor ?? 1))
            let window = TimeWindow(start: max(0, minutes(d.from)), end: minutesUp(until))
            guard factor < 1, window.end > window.start else { return }
            let working = PlanningProblem.workingWindows(in: window, of: problem.resources[r].calendar)
            var lost = Int(saturating: (Double(working.reduce(0) { $0 + $1.length }) * (1 - factor)).rounded())
            var stops: [TimeWindow] = []
            for w in working where lost > 0 {
                let take = min(lost, w.length)
                stops.append(TimeWindow(start: w.start, end: w.start + take))
                lost -= take
            }
            stop(r, during: stops)
        case .operationLate, .scrapBeyondPlan:
            guard let po = d.productionOrder, let seq = d.sequence, let i = index[TaktCore.OperationRef(productionOrder: po, operation: seq)],
                let extra = d.extraMinutes, extra != 0
            else { return }
            for m in problem.operations[i].modes.indices {
                problem.operations[i].modes[m].duration = max(0, problem.operations[i].modes[m].duration + extra)
            }
        case .materialMissing, .qualityHold, .shortageProjected, .supplierReceiptLate:
            if d.kind == .qualityHold {
                if let wc = d.workCenter, let r = resourceIndex[wc] {
                    stop(r, during: [TimeWindow(start: max(0, minutes(d.from)), end: minutesUp(until))])
                }
                let held = Set(d.orders ?? [])
                hold(
                    operations.filter { held.contains($0.productionOrder) }.map {
                        TaktCore.OperationRef(productionOrder: $0.productionOrder, operation: $0.sequence)
                    },
                    until: until
                )
            }
            hold(state.materialAffected(d), until: state.materialAvailable(d, until: until))
        case .operatorAbsent:
            guard let person = d.person else { return }
            let uncovered = Set(state.cover(for: person, from: d.from, until: until).filter { $0.value.isEmpty }.keys)
            guard !uncovered.isEmpty else { return }
            let (from, back) = (minutes(d.from), max(0, minutesUp(until)))
            for (i, ref) in operations.enumerated() where problem.operations[i].fixed == nil {
                let key = TaktCore.OperationRef(productionOrder: ref.productionOrder, operation: ref.sequence)
                guard let skill = state.requiredSkill(key), uncovered.contains(skill) else { continue }
                // Work planned to end before the absence begins is done by then; work planned to start after it is not held.
                if let step = published[key], minutes(step.end) <= from || minutes(step.start) >= back { continue }
                problem.operations[i].release = max(problem.operations[i].release, back)
            }
        case .rushOrder, .salesOrderChanged, .promiseNotFeasible, .outcomeRequest:
            return
        }
    }

    /// The resource does not work during these windows; an operation running there (fixed where it runs) pauses over them
    /// like over a shift gap.
    mutating func stop(_ r: Int, during windows: [TimeWindow]) {
        for w in windows where w.end > w.start {
            problem.resources[r].calendar = problem.resources[r].calendar.adding(w)
        }
    }

    /// The working parts of a window on a calendar, in order.
    public static func workingWindows(in window: TimeWindow, of calendar: ResourceCalendar) -> [TimeWindow] {
        var out: [TimeWindow] = []
        var cursor = window.start
        for b in calendar.breaks where b.end > cursor && b.start < window.end {
            if b.start > cursor { out.append(TimeWindow(start: cursor, end: b.start)) }
            cursor = max(cursor, b.end)
        }
        if cursor < window.end { out.append(TimeWindow(start: cursor, end: window.end)) }
        return out
    }
}

// MARK: - Material and people, as planning reads them

extension PlantState {
    /// Whether a production order is still to be made (planned, released or in progress).
    public func isOpen(_ order: ProductionOrder) -> Bool { [.planned, .released, .inProgress].contains(order.status) }

    /// The component a lot of `item` serves in an order's bill of materials (as itself or as a substitute).
    public func component(for item: Item.ID, of order: ProductionOrder) -> BOMComponent? {
        guard let bom = bom(of: order.item) else { return nil }
        return bom.components.first { $0.item == item } ?? bom.components.first { $0.substitutes.contains(item) }
    }

    /// The lots a material disruption names that are still unusable (a lot found, released or re-inspected since no
    /// longer counts).
    public func badLots(_ d: Disruption) -> Set<Lot.ID> {
        Set(d.lots.filter { !isUsable(lot: $0) })
    }

    /// The operations a material disruption stops, each needing material it has no usable stock for:
    /// - the operations the event named (a missing pallet's blocked operations, a shortage's affected ones), while their
    ///   order still needs the item;
    /// - those of orders that reserved (or were to be staged) a named lot that is still unusable;
    /// - failing both, the orders needing the item that free usable stock does not cover, earliest due first.
    public func materialAffected(_ d: Disruption) -> [TaktCore.OperationRef] {
        var keys = Set<TaktCore.OperationRef>()
        let bad = badLots(d)
        if !d.lots.isEmpty && bad.isEmpty { return [] }  // every named lot is usable again
        let item = d.item ?? d.lots.first.flatMap { lots[$0]?.item }
        var candidates: [(ProductionOrder.ID, Int, Item.ID)] = []
        for ref in d.operations ?? [] {
            if let item { candidates.append((ref.productionOrder, ref.operation, item)) }
        }
        for lot in bad {
            for rid in reservationsByLot[lot] ?? [] {
                if let r = reservations[rid] { candidates.append((r.productionOrder, r.operation, r.item)) }
            }
        }
        for task in stagingTasks.values where bad.contains(task.lot) && [.open, .picked, .missing, .short].contains(task.status) {
            if let item = lots[task.lot]?.item { candidates.append((task.productionOrder, task.operation, item)) }
        }
        for (po, op, item) in candidates {
            guard let order = productionOrders[po], isOpen(order), let c = component(for: item, of: order) else { continue }
            if operations[po]?.first(where: { $0.sequence == op })?.status == .completed { continue }
            if openNeed(order, c, excluding: bad) > 1e-9 { keys.insert(TaktCore.OperationRef(productionOrder: po, operation: op)) }
        }
        if keys.isEmpty, let po = d.productionOrder, let order = productionOrders[po], isOpen(order) {
            let c = item.flatMap { component(for: $0, of: order) }
            if c.map({ openNeed(order, $0, excluding: bad) > 1e-9 }) ?? true {
                keys.insert(TaktCore.OperationRef(productionOrder: po, operation: d.sequence ?? c.map { consumingOperation($0, of: order) } ?? 0))
            }
        }
        if keys.isEmpty, let item {
            var free = lots.values.filter { $0.item == item && !bad.contains($0.id) }.reduce(0.0) { $0 + availableToReserve(lot: $1.id) }
            let orders = productionOrders.values.filter(isOpen).sorted { ($0.dueDate, $0.id) < ($1.dueDate, $1.id) }
            for order in orders {
                guard let c = component(for: item, of: order), c.item == item else { continue }
                let need = openNeed(order, c, excluding: bad)
                guard need > 1e-9 else { continue }
                if free >= need - 1e-9 {
                    free -= need
                } else {
                    free = 0
                    keys.insert(TaktCore.OperationRef(productionOrder: order.id, operation: consumingOperation(c, of: order)))
                }
            }
        }
        return keys.sorted { ($0.productionOrder, $0.operation) < ($1.productionOrder, $1.operation) }
    }

    /// When material a disruption makes unusable can be there again: its end, or earlier when an open expected receipt of
    /// the item is due before it (a missing lot's replacement, a held lot's replacement, the next delivery).
    public func materialAvailable(_ d: Disruption, until: Date) -> Date {
        guard let item = d.item ?? d.lots.first.flatMap({ lots[$0]?.item }) else { return until }
        let earliest = expectedReceipts.values.filter { $0.item == item && $0.status == .open && $0.openQuantity > 0 && $0.expectedDate >= d.from }
            .map(\.expectedDate).min()
        return earliest.map { min($0, until) } ?? until
    }

    /// For each skill a person is certified in (valid at `from`): the other active operators certified in it and not
    /// reported away during `[from, until)`, who could take the person's work; an empty list means nobody can.
    public func cover(for person: User.ID, from: Date, until: Date) -> [Skill.ID: [User.ID]] {
        guard let user = users[person] else { return [:] }
        var out: [Skill.ID: [User.ID]] = [:]
        for c in user.certifications where c.validUntil.map({ $0 > from }) ?? true {
            out[c.skill] = users.values.filter { other in
                other.id != person && other.active && other.has(.operator) && !isAbsent(other.id, from: from, until: until)
                    && other.certifications.contains { $0.skill == c.skill && ($0.validUntil.map { $0 > from } ?? true) }
            }.map(\.id).sorted()
        }
        return out
    }

    /// The skill an operation requires (its routing step's), if any.
    public func requiredSkill(_ ref: OperationRef) -> Skill.ID? {
        productionOrders[ref.productionOrder].flatMap { routings[$0.routing] }?.operations.first { $0.sequence == ref.operation }?.requiredSkill
    }
}

extension TaktCore.OperationRef: Comparable {
    public static func < (a: Self, b: Self) -> Bool { (a.productionOrder, a.operation) < (b.productionOrder, b.operation) }
}
