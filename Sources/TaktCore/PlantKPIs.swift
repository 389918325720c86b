public import Foundation

// The plant's headline figures, each defined once (see docs/kpis.md): the on-time delivery forecast over every open
// order that serves a due date, work in progress, open exceptions, holds, shortages and OEE by work center.
// Pure: the caller passes the time. The web app's control tower and orders pages and `GET /api/v1/kpis` show these
// values and no others.

/// How an open order that serves a due date stands against it.
public enum DeliveryVerdict: String, StringChoice, Codable, Sendable, CaseIterable {
    /// Forecast to finish by its due date with at least a day in hand.
    case onTime = "on-time"
    /// Forecast to finish by its due date, with less than a day in hand.
    case atRisk = "at-risk"
    /// Forecast (or known) to finish after its due date; or past it and not finished, whatever the schedule says.
    case late
    /// Not yet due and without a forecast: no schedule is published, the published schedule does not include it, or no
    /// production order makes it.
    case notForecast = "not-forecast"
}

/// One open order that serves a due date: a customer order line, or a production order made to stock.
public struct DeliveryForecastEntry: Codable, Sendable, Hashable {
    public enum Kind: String, StringChoice, Codable, Sendable, CaseIterable {
        /// A line of an open sales order not yet shipped in full, measured against its promised, else requested, date.
        case customerLine = "customer-line"
        /// An open production order pegged to no open customer line, measured against its own due date.
        case stockOrder = "stock-order"
    }
    public var kind: Kind
    public var salesOrder: SalesOrder.ID?
    public var line: Int?
    public var customer: Customer.ID?
    /// The production orders that make it: the line's pegged orders, or the stock order itself.
    public var productionOrders: [ProductionOrder.ID]
    public var item: Item.ID
    public var quantity: Double
    /// The date it is measured against.
    public var due: Date
    /// When it finishes: the last of its production orders, each at its completion or at the end of its last step in
    /// the published schedule (not before now); nil when not known.
    public var finish: Date?
    /// Minutes from `finish` (or, when late without a forecast, from now) to `due`; negative when late.
    public var slackMinutes: Double?
    public var verdict: DeliveryVerdict
    /// How the finish was found, or why there is none, in words.
    public var note: String?
    public init(
        kind: Kind,
        salesOrder: SalesOrder.ID? = nil,
        line: Int? = nil,
        customer: Customer.ID? = nil,
        productionOrders: [ProductionOrder.ID],
        item: Item.ID,
        quantity: Double,
        due: Date,
        finish: Date?,
        slackMinutes: Double?,
        verdict: DeliveryVerdict,
        note: String?
    ) {
        self.kind = kind
        self.salesOrder = salesOrder
        self.line = line
        self.customer = customer
        self.productionOrders = productionOrders
        self.item = item
        self.quantity = quantity
        self.due = due
        self.finish = finish
        self.slackMinutes = slackMinutes
        self.verdict = verdict
        self.note = note
    }
}

/// The on-time delivery forecast: every open order that serves a due date (customer lines and stock orders), judged
/// against the published schedule.
public struct DeliveryForecast: Codable, Sendable, Hashable {
    public var at: Date
    /// The published schedule the forecast follows; nil when none is published (then nothing is forecast).
    public var schedule: PublishedSchedule.ID?
    /// Open entries with a verdict (on time, at risk or late): the ratio's denominator.
    public var counted: Int
    /// Of them, finishing by their due date (on time or at risk): the numerator.
    public var onTime: Int
    public var atRisk: Int
    public var late: Int
    /// Open entries without a verdict, outside the ratio.
    public var notForecast: Int
    /// Of `counted`, how many are customer lines and how many stock orders.
    public var customerLines: Int
    public var stockOrders: Int
    /// `onTime / counted`; nil without a published schedule, or when nothing is counted.
    public var onTimeRatio: Double?
    /// What the figure counts, in words, e.g. "41 of 48 on time: 30 customer lines, 18 stock orders, by SCH-000001".
    public var statement: String
    /// Every open entry, by due date, then sales order and line, then production order.
    public var entries: [DeliveryForecastEntry]
    public init(
        at: Date,
        schedule: PublishedSchedule.ID?,
        counted: Int,
        onTime: Int,
        atRisk: Int,
        late: Int,
        notForecast: Int,
        customerLines: Int,
        stockOrders: Int,
        onTimeRatio: Double?,
        statement: String,
        entries: [DeliveryForecastEntry]
    ) {
        self.at = at
        self.schedule = schedule
        self.counted = counted
        self.onTime = onTime
        self.atRisk = atRisk
        self.late = late
        self.notForecast = notForecast
        self.customerLines = customerLines
        self.stockOrders = stockOrders
        self.onTimeRatio = onTimeRatio
        self.statement = statement
        self.entries = entries
    }

    /// Less than this in hand is at risk.
    public static let atRiskMinutes: Double = 24 * 60

    /// Whole minutes a finish is late against a due date, rounded up; 0 when it is on time. A finish even a second after
    /// its due date is late: the one rule the forecast's verdict and every exception's impact use.
    public static func minutesLate(finish: Date, due: Date) -> Int {
        let seconds = finish.timeIntervalSince(due)
        guard seconds > 0 else { return 0 }
        return Int(clamping: Int64(min(9e15, (seconds / 60).rounded(.up))))
    }
}

/// The headline figures of the plant at one moment (see docs/kpis.md).
public struct PlantKPIs: Codable, Sendable, Hashable {
    public var at: Date
    public var delivery: DeliveryForecast
    /// Production orders in progress (started, not completed).
    public var ordersInProgress: Int
    public var operationsRunning: Int
    public var operationsPaused: Int
    /// Exceptions open or executing (an approved action being carried out or verified).
    public var openExceptions: Int
    /// Open exceptions per function they are tagged with (an exception counts once under each of its functions).
    public var openExceptionsByFunction: [String: Int]
    /// Holds not released.
    public var activeHolds: Int
    /// Items with a projected shortage.
    public var projectedShortages: Int
    /// The OEE window `[oeeFrom, oeeTo)`.
    public var oeeFrom: Date
    public var oeeTo: Date
    /// OEE per work center over the window, by work center ID.
    public var oee: [OEEReport]
    public init(
        at: Date,
        delivery: DeliveryForecast,
        ordersInProgress: Int,
        operationsRunning: Int,
        operationsPaused: Int,
        openExceptions: Int,
        openExceptionsByFunction: [String: Int],
        activeHolds: Int,
        projectedShortages: Int,
        oeeFrom: Date,
        oeeTo: Date,
        oee: [OEEReport]
    ) {
        self.at = at
        self.delivery = delivery
        self.ordersInProgress = ordersInProgress
        self.operationsRunning = operationsRunning
        self.operationsPaused = operationsPaused
        self.openExceptions = openExceptions
        self.openExceptionsByFunction = openExceptionsByFunction
        self.activeHolds = activeHolds
        self.projectedShortages = projectedShortages
        self.oeeFrom = oeeFrom
        self.oeeTo = oeeTo
        self.oee = oee
    }

    /// The control tower's OEE window: the last 7 days.
    public static let oeeDays = 7
}

extension PlantState {
    /// The headline figures at `now`, with OEE over `[oeeFrom, oeeTo)` (by default the last ``PlantKPIs/oeeDays`` days).
    public func kpis(now: Date, oeeFrom: Date? = nil, oeeTo: Date? = nil) -> PlantKPIs {
        let to = oeeTo ?? now
        let from = oeeFrom ?? to.addingTimeInterval(-Double(PlantKPIs.oeeDays) * 86_400)
        var running = 0
        var paused = 0
        for ops in operations.values {
            for op in ops {
                if op.status == .running { running += 1 } else if op.status == .paused { paused += 1 }
            }
        }
        let open = exceptions.values.filter { $0.status == .open || $0.status == .executing }
        var byFunction: [String: Int] = [:]
        for e in open { for f in e.functions { byFunction[f.rawValue, default: 0] += 1 } }
        return PlantKPIs(
            at: now,
            delivery: deliveryForecast(now: now),
            ordersInProgress: productionOrders.values.filter { $0.status == .inProgress }.count,
            operationsRunning: running,
            operationsPaused: paused,
            openExceptions: open.count,
            openExceptionsByFunction: byFunction,
            activeHolds: holds.values.filter { !$0.released }.count,
            projectedShortages: shortages.count,
            oeeFrom: from,
            oeeTo: to,
            oee: workCenters.keys.sorted().compactMap { oee(workCenter: $0, from: from, to: to, now: now) }
        )
    }

    /// The on-time delivery forecast at `now` (see ``DeliveryForecast``).
    ///
    /// An entry finishes when the last of its production orders does: a completed order at its completion, an open one at
    /// the end of its last step in the published schedule, but not before `now` (a stale schedule cannot finish work in
    /// the past). Its verdict compares that finish with the due date; less than ``DeliveryForecast/atRiskMinutes`` in hand
    /// is at risk. Without a finish, an entry already past its due date is late (it cannot be on time any more); any
    /// other is not forecast. Without a published schedule nothing open is forecast and there is no ratio.
    public func deliveryForecast(now: Date) -> DeliveryForecast {
        let schedule = publishedSchedule
        var scheduledEnd: [ProductionOrder.ID: Date] = [:]
        for step in schedule?.steps ?? [] where (scheduledEnd[step.productionOrder] ?? .distantPast) < step.end {
            scheduledEnd[step.productionOrder] = step.end
        }
        let scheduleName = schedule?.id.rawValue

        /// When one production order finishes, or why that is not known.
        func finish(_ po: ProductionOrder) -> (Date?, String?) {
            switch po.status {
            case .completed: return (po.completedAt ?? now, nil)
            case .cancelled: return (nil, "\(po.id) is cancelled")
            case .planned, .released, .inProgress:
                guard let scheduleName else { return (nil, "no schedule is published") }
                guard let end = scheduledEnd[po.id] else { return (nil, "\(po.id) is not in \(scheduleName)") }
                return (max(end, now), nil)
            }
        }
        func judge(due: Date, finish: Date?) -> (DeliveryVerdict, Double?) {
            if let finish {
                let slack = due.timeIntervalSince(finish) / 60
                let late = DeliveryForecast.minutesLate(finish: finish, due: due) > 0
                return (late ? .late : (slack < DeliveryForecast.atRiskMinutes ? .atRisk : .onTime), slack)
            }
            if due < now { return (.late, due.timeIntervalSince(now) / 60) }
            return (.notForecast, nil)
        }

        // Open customer lines and the production orders pegged to them.
        var pegged: [String: [ProductionOrder]] = [:]
        for po in productionOrders.values where po.status != .cancelled {
            if let p = po.pegging { pegged["\(p.salesOrder.rawValue)#\(p.line)", default: []].append(po) }
        }
        var entries: [DeliveryForecastEntry] = []
        var servesOpenLine = Set<ProductionOrder.ID>()
        for so in salesOrders.values where so.status == .open {
            for line in so.lines where shippedQuantity(salesOrder: so.id, line: line.line) + 1e-9 < line.quantity {
                let orders = (pegged["\(so.id.rawValue)#\(line.line)"] ?? []).sorted { $0.id < $1.id }
                for order in orders { servesOpenLine.insert(order.id) }
                let due = line.dueDate
                var end: Date? = orders.isEmpty ? nil : .distantPast
                var note: String? = orders.isEmpty ? "no production order is pegged to it" : nil
                for po in orders {
                    let (f, why) = finish(po)
                    if let f, let e = end {
                        end = max(e, f)
                    } else {
                        end = nil
                        note = note ?? why
                    }
                }
                if end != nil, orders.allSatisfy({ $0.status == .completed }) { note = "made, not yet shipped" }
                let (verdict, slack) = judge(due: due, finish: end)
                entries.append(
                    DeliveryForecastEntry(
                        kind: .customerLine,
                        salesOrder: so.id,
                        line: line.line,
                        customer: so.customer,
                        productionOrders: orders.map(\.id),
                        item: line.item,
                        quantity: line.quantity,
                        due: due,
                        finish: end,
                        slackMinutes: slack,
                        verdict: verdict,
                        note: note
                    )
                )
            }
        }
        // Open production orders that serve no open customer line: made to stock, against their own due date.
        for po in productionOrders.values where !po.status.isTerminal && !servesOpenLine.contains(po.id) {
            let (end, why) = finish(po)
            let (verdict, slack) = judge(due: po.dueDate, finish: end)
            entries.append(
                DeliveryForecastEntry(
                    kind: .stockOrder,
                    productionOrders: [po.id],
                    item: po.item,
                    quantity: po.quantity,
                    due: po.dueDate,
                    finish: end,
                    slackMinutes: slack,
                    verdict: verdict,
                    note: why
                )
            )
        }
        entries.sort {
            ($0.due, $0.salesOrder?.rawValue ?? "~", $0.line ?? 0, $0.productionOrders.first?.rawValue ?? "")
                < ($1.due, $1.salesOrder?.rawValue ?? "~", $1.line ?? 0, $1.productionOrders.first?.rawValue ?? "")
        }

        let judged = entries.filter { $0.verdict != .notForecast }
        let onTime = judged.filter { $0.verdict != .late }.count
        let late = judged.count - onTime
        let atRisk = judged.filter { $0.verdict == .atRisk }.count
        let lines = judged.filter { $0.kind == .customerLine }.count
        let open = (lines: entries.filter { $0.kind == .customerLine }.count, stock: entries.filter { $0.kind == .stockOrder }.count)
        let unforecast = entries.count - judged.count
        let ratio = schedule != nil && !judged.isEmpty ? Double(onTime) / Double(judged.count) : nil
        var statement: String
        if let scheduleName {
            statement =
                "\(onTime) of \(judged.count) on time: \(Self.plural(lines, "customer line")), \(Self.plural(judged.count - lines, "stock order")), by \(scheduleName)"
            if unforecast > 0 { statement += "; \(unforecast) not forecast (not in the schedule, or no production order)" }
        } else {
            statement =
                "No schedule is published, so nothing is forecast: \(Self.plural(open.lines, "customer line")) and \(Self.plural(open.stock, "stock order")) are open"
            if late > 0 { statement += ", \(late) of them already late" }
        }
        return DeliveryForecast(
            at: now,
            schedule: schedule?.id,
            counted: judged.count,
            onTime: onTime,
            atRisk: atRisk,
            late: late,
            notForecast: unforecast,
            customerLines: lines,
            stockOrders: judged.count - lines,
            onTimeRatio: ratio,
            statement: statement,
            entries: entries
        )
    }

    static func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
