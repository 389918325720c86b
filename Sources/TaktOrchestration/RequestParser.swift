import Foundation
import TaktCore

/// Reads an outcome request written in plain English. Deterministic and offline: keywords decide the kind,
/// references are looked up in the plant (case-insensitively, with the usual shorthands: `MILL-1` for
/// `WC-MILL-1`, `PO-31` for `PO-000031`), dates and times are read in the plant's time zone.
///
/// Understood, for example:
/// - "expedite SO-10012 to 2026-12-01", "pull in sales order SO-10012 line 2 to Friday", "can we ship SO-10012 by tomorrow?"
/// - "fit a rush order for 20 P-NB-32-160 by 2026-12-04", "rush 5 x P-NB-50-200 for CUST-0003 by Dec 4"
/// - "take MILL-1 down from 2026-12-02 06:00 to 14:00", "WC-LATHE-2 maintenance tomorrow 6:00 for 4 hours"
/// - "what if PO-000031 is cancelled", "what if we cancel SO-10007?"
///
/// A date without a time means the end of that day (23:59:59, ``PlantDay``); a time without a date means today, or the date
/// named before it in the same request.
enum RequestParser {
    static func parse(_ text: String, state: PlantState, now: Date) throws(OrchestrationError) -> OutcomeRequest {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw OrchestrationError(field: "text", rule: "required", message: "say what outcome you want") }
        guard trimmed.count <= 500 else {
            throw OrchestrationError(field: "text", rule: "length", message: "a request may be at most 500 characters")
        }
        var reader = Reader(text: trimmed, state: state, now: now)
        return try reader.request()
    }

    static let examples = [
        "expedite SO-10012 to 2026-12-01",
        "fit a rush order for 20 P-NB-32-160 by Friday",
        "take WC-MILL-1 down from 2026-12-02 06:00 to 14:00",
        "what if PO-000031 is cancelled",
    ]
}

/// A word of the request: its text as written and lowercased, without surrounding punctuation.
private struct Word {
    var raw: String
    var lower: String
}

private struct Reader {
    let words: [Word]
    let state: PlantState
    let now: Date
    var calendar: Calendar

    init(text: String, state: PlantState, now: Date) {
        let separators = CharacterSet.whitespacesAndNewlines.union(CharacterSet(charactersIn: ",;!?()\"'"))
        words = text.components(separatedBy: separators).compactMap { piece in
            var p = Substring(piece)
            while let last = p.last, last == "." { p = p.dropLast() }  // end of sentence, "Dec." — but keep "1.12."-style dates below
            guard !p.isEmpty else { return nil }
            return Word(raw: String(p), lower: p.lowercased())
        }
        self.state = state
        self.now = now
        calendar = Calendar(identifier: .gregorian)
        let zone = state.sites.values.sorted { $0.id < $1.id }.first.flatMap { TimeZone(identifier: $0.timeZone) }
        calendar.timeZone = zone ?? TimeZone(secondsFromGMT: 0) ?? .gmt
    }

    func has(_ keys: String...) -> Bool { words.contains { keys.contains($0.lower) } }
    func hasPhrase(_ a: String, _ b: String) -> Bool {
        zip(words, words.dropFirst()).contains { $0.lower == a && $1.lower == b }
    }

    mutating func request() throws(OrchestrationError) -> OutcomeRequest {
        let refs = references()
        if has("cancel", "cancelled", "canceled", "cancelling", "cancellation", "drop", "dropped") {
            if let po = refs.productionOrders.first { return .cancelOrder(order: po.rawValue) }
            if let so = refs.salesOrders.first { return .cancelOrder(order: so.rawValue) }
            try refs.throwUnknown()
            throw OrchestrationError(
                field: "text",
                rule: "missing-order",
                message: "say which order would be cancelled, e.g. \"what if PO-000031 is cancelled\""
            )
        }
        if let wc = refs.workCenters.first,
            has("down", "maintenance", "maintain", "service", "outage", "offline", "unavailable", "repair", "stop", "stopped", "shut", "shutdown")
        {
            let window = try downWindow()
            return .takeDown(workCenter: wc, from: window.from, to: window.to)
        }
        if let item = refs.items.first,
            has("rush", "fit", "make", "produce", "build", "insert", "urgent", "new", "need", "needs") || refs.salesOrders.isEmpty
        {
            guard let quantity = quantity() else {
                throw OrchestrationError(
                    field: "text",
                    rule: "missing-quantity",
                    message: "say how many \(item) are needed, e.g. \"rush 20 \(item) by Friday\""
                )
            }
            guard let date = try dates().last else {
                throw OrchestrationError(
                    field: "text",
                    rule: "missing-date",
                    message: "say by when the \(item) are needed, e.g. \"by 2026-12-04\" or \"by Friday\""
                )
            }
            return .rushOrder(item: item, quantity: quantity, date: endOfDayIfDateOnly(date), customer: refs.customers.first)
        }
        if let so = refs.salesOrders.first {
            guard let date = try dates().last else {
                throw OrchestrationError(field: "text", rule: "missing-date", message: "say by when \(so) should be finished, e.g. \"to 2026-12-01\"")
            }
            return .expediteSalesOrder(salesOrder: so, line: lineNumber(), date: endOfDayIfDateOnly(date))
        }
        try refs.throwUnknown()
        throw OrchestrationError(
            field: "text",
            rule: "not-understood",
            message: "Takt understands four kinds of request, for example: "
                + RequestParser.examples.map { "\"\($0)\"" }.joined(separator: "; ")
        )
    }

    // MARK: References

    struct References {
        var salesOrders: [SalesOrder.ID] = []
        var productionOrders: [ProductionOrder.ID] = []
        var workCenters: [WorkCenter.ID] = []
        var items: [Item.ID] = []
        var customers: [Customer.ID] = []
        /// Words shaped like an order reference that name nothing in the plant.
        var unknown: [(String, String)] = []

        func throwUnknown() throws(OrchestrationError) {
            if let (field, word) = unknown.first {
                let what = field == "salesOrder" ? "sales order" : field == "productionOrder" ? "production order" : "work center"
                throw OrchestrationError(field: field, rule: "unknown-reference", message: "\(what) '\(word)' does not exist")
            }
        }
    }

    func references() -> References {
        var refs = References()
        for w in words where w.raw.contains("-") || w.raw.uppercased() == w.raw && w.raw.count > 2 {
            let upper = w.raw.uppercased()
            if let id = lookup(upper, in: state.salesOrders.keys.map(\.rawValue), prefix: "SO-") {
                refs.salesOrders.append(SalesOrder.ID(id))
            } else if let id = lookup(upper, in: state.productionOrders.keys.map(\.rawValue), prefix: "PO-") {
                refs.productionOrders.append(ProductionOrder.ID(id))
            } else if let id = lookup(upper, in: state.workCenters.keys.map(\.rawValue), prefix: "WC-") {
                refs.workCenters.append(WorkCenter.ID(id))
            } else if let id = lookup(upper, in: state.items.keys.map(\.rawValue), prefix: nil) {
                refs.items.append(Item.ID(id))
            } else if let id = lookup(upper, in: state.customers.keys.map(\.rawValue), prefix: "CUST-") {
                refs.customers.append(Customer.ID(id))
            } else if upper.hasPrefix("SO-") {
                refs.unknown.append(("salesOrder", w.raw))
            } else if upper.hasPrefix("PO-") {
                refs.unknown.append(("productionOrder", w.raw))
            } else if upper.hasPrefix("WC-") {
                refs.unknown.append(("workCenter", w.raw))
            }
        }
        return refs
    }

    /// The plant's ID for a word: exact (ignoring case), else with the prefix put in front, else with the
    /// number after the prefix zero-padded to the width the plant uses.
    func lookup(_ word: String, in ids: [String], prefix: String?) -> String? {
        let set = Set(ids.map { $0.uppercased() })
        let original = Dictionary(ids.map { ($0.uppercased(), $0) }, uniquingKeysWith: { a, _ in a })
        if set.contains(word) { return original[word] }
        guard let prefix else { return nil }
        if !word.hasPrefix(prefix), set.contains(prefix + word) { return original[prefix + word] }
        if word.hasPrefix(prefix), let n = Int(word.dropFirst(prefix.count)) {
            for width in [4, 5, 6] {
                let candidate = prefix + String(format: "%0\(width)d", n)
                if set.contains(candidate) { return original[candidate] }
            }
        }
        return nil
    }

    // MARK: Numbers

    /// The quantity: a number written before an item or "x"/"pcs"/"units"/"pumps", or after "quantity".
    func quantity() -> Double? {
        for (i, w) in words.enumerated() {
            guard let n = Double(w.lower.replacingOccurrences(of: "x", with: "")), n > 0, !looksLikeDateOrTime(w.lower) else { continue }
            if i > 0, ["line", "in", "for"].contains(words[i - 1].lower), i + 1 < words.count,
                ["day", "days", "hour", "hours", "minutes", "min", "h"].contains(words[i + 1].lower)
            {
                continue
            }
            if i > 0, words[i - 1].lower == "line" { continue }
            if i + 1 < words.count,
                ["day", "days", "hour", "hours", "minutes", "min", "h", "am", "pm", "dec", "december"].contains(words[i + 1].lower)
            {
                continue
            }
            if i > 0, Reader.months[words[i - 1].lower] != nil { continue }
            return n
        }
        return nil
    }

    func lineNumber() -> Int? {
        for (i, w) in words.enumerated() where w.lower == "line" && i + 1 < words.count {
            if let n = Int(words[i + 1].lower) { return n }
        }
        return nil
    }

    func looksLikeDateOrTime(_ s: String) -> Bool { s.contains(":") || s.contains("-") || s.filter { $0 == "." }.count >= 1 }

    // MARK: Dates and times

    /// A point in time read from the words, and whether it carried a time of day.
    struct Moment {
        var date: Date
        var hasTime: Bool
    }

    static let weekdays = ["sunday": 1, "monday": 2, "tuesday": 3, "wednesday": 4, "thursday": 5, "friday": 6, "saturday": 7]
    static let months: [String: Int] = [
        "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6,
        "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
        "nov": 11, "november": 11, "dec": 12, "december": 12,
    ]

    /// Every date (with its time when one follows) in the order written.
    func moments() throws(OrchestrationError) -> [Moment] {
        var out: [Moment] = []
        var lastDay: Date?
        var i = 0
        while i < words.count {
            if let (day, used) = try self.day(at: i) {
                lastDay = day
                var moment = Moment(date: day, hasTime: false)
                if i + used < words.count, let (minutes, usedTime) = time(at: i + used) {
                    moment = Moment(date: day.addingTimeInterval(Double(minutes) * 60), hasTime: true)
                    i += usedTime
                }
                out.append(moment)
                i += used
                continue
            }
            if let (minutes, used) = time(at: i) {
                let base = lastDay ?? calendar.startOfDay(for: now)
                out.append(Moment(date: base.addingTimeInterval(Double(minutes) * 60), hasTime: true))
                i += used
                continue
            }
            i += 1
        }
        return out
    }

    func dates() throws(OrchestrationError) -> [Moment] { try moments() }

    func endOfDayIfDateOnly(_ m: Moment) -> Date {
        m.hasTime ? m.date : PlantDay.endOfDay(containing: m.date, in: calendar.timeZone)
    }

    /// A day named at word `i`: ISO date, today/tomorrow, a weekday, "in N days", "Dec 4", "4 Dec", "4.12.2026".
    func day(at i: Int) throws(OrchestrationError) -> (Date, Int)? {
        let w = words[i].lower
        let today = calendar.startOfDay(for: now)
        if w == "today" { return (today, 1) }
        if w == "tomorrow" { return (calendar.date(byAdding: .day, value: 1, to: today) ?? today, 1) }
        if w == "in", i + 2 < words.count, let n = Int(words[i + 1].lower), ["day", "days"].contains(words[i + 2].lower) {
            return (calendar.date(byAdding: .day, value: n, to: today) ?? today, 3)
        }
        if let weekday = Reader.weekdays[w] {
            // The next such day after today ("Friday" said on a Friday means a week later).
            var d = calendar.date(byAdding: .day, value: 1, to: today) ?? today
            for _ in 0..<7 where calendar.component(.weekday, from: d) != weekday {
                d = calendar.date(byAdding: .day, value: 1, to: d) ?? d
            }
            return (d, 1)
        }
        let parts = w.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2].prefix(2)) {
            let date = try make(y, m, d, word: words[i].raw)
            // "2026-12-02T06:00" in one word
            if let t = parts[2].split(separator: "t").dropFirst().first, let minutes = Reader.clock(String(t)) {
                return (date.addingTimeInterval(Double(minutes) * 60), 1)
            }
            return (date, 1)
        }
        let dots = w.split(separator: ".", omittingEmptySubsequences: true)
        if dots.count >= 2, dots.count <= 3, let d = Int(dots[0]), let m = Int(dots[1]), w.first?.isNumber == true {
            let y = dots.count == 3 ? Int(dots[2]) ?? 0 : 0
            return (try dateInFuture(y == 0 ? nil : y, m, d, word: words[i].raw), 1)
        }
        if let m = Reader.months[w], i + 1 < words.count, let d = Int(words[i + 1].lower.trimmingCharacters(in: .letters)) {
            var used = 2
            var y: Int?
            if i + 2 < words.count, let yy = Int(words[i + 2].lower), yy > 1900 {
                y = yy
                used = 3
            }
            return (try dateInFuture(y, m, d, word: "\(words[i].raw) \(words[i + 1].raw)"), used)
        }
        if let d = Int(w.trimmingCharacters(in: .letters)), w.first?.isNumber == true, i + 1 < words.count, let m = Reader.months[words[i + 1].lower]
        {
            var used = 2
            var y: Int?
            if i + 2 < words.count, let yy = Int(words[i + 2].lower), yy > 1900 {
                y = yy
                used = 3
            }
            return (try dateInFuture(y, m, d, word: "\(words[i].raw) \(words[i + 1].raw)"), used)
        }
        return nil
    }

    /// A time of day at word `i` in minutes after midnight: "06:00", "6am", "2 pm", "14h".
    func time(at i: Int) -> (Int, Int)? {
        let w = words[i].lower
        if let m = Reader.clock(w) { return (m, 1) }
        if i + 1 < words.count, let h = Int(w), h >= 1, h <= 12, ["am", "pm"].contains(words[i + 1].lower) {
            return ((h % 12 + (words[i + 1].lower == "pm" ? 12 : 0)) * 60, 2)
        }
        return nil
    }

    static func clock(_ w: String) -> Int? {
        var s = w
        var offset = 0
        if s.hasSuffix("am") || s.hasSuffix("pm") {
            offset = s.hasSuffix("pm") ? 12 : 0
            s = String(s.dropLast(2))
            if !s.contains(":"), let h = Int(s), h >= 1, h <= 12 { return (h % 12 + offset) * 60 }
        }
        let parts = s.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), parts[1].count == 2, h >= 0, h <= 24, m >= 0, m < 60 else {
            return nil
        }
        let hour = offset == 12 && h < 12 ? h + 12 : (offset == 0 && w.hasSuffix("am") && h == 12 ? 0 : h)
        return hour * 60 + m
    }

    func make(_ y: Int, _ m: Int, _ d: Int, word: String) throws(OrchestrationError) -> Date {
        var c = DateComponents()
        c.year = y
        c.month = m
        c.day = d
        guard (1...12).contains(m), (1...31).contains(d), let date = calendar.date(from: c), calendar.component(.day, from: date) == d else {
            throw OrchestrationError(field: "text", rule: "date", message: "'\(word)' is not a date")
        }
        return date
    }

    /// A day and month without a year means the next one from today.
    func dateInFuture(_ y: Int?, _ m: Int, _ d: Int, word: String) throws(OrchestrationError) -> Date {
        if let y { return try make(y, m, d, word: word) }
        let year = calendar.component(.year, from: now)
        let date = try make(year, m, d, word: word)
        return date < calendar.startOfDay(for: now) ? try make(year + 1, m, d, word: word) : date
    }

    /// From and to for a take-down: two moments, or one and "for N hours/minutes".
    func downWindow() throws(OrchestrationError) -> (from: Date, to: Date) {
        let found = try moments()
        var duration: Double?
        for (i, w) in words.enumerated() where w.lower == "for" && i + 2 < words.count {
            if let n = Double(words[i + 1].lower) {
                switch words[i + 2].lower {
                case "hour", "hours", "h": duration = n * 3600
                case "minute", "minutes", "min": duration = n * 60
                case "day", "days": duration = n * 86_400
                default: break
                }
            }
        }
        guard let first = found.first else {
            throw OrchestrationError(
                field: "text",
                rule: "missing-date",
                message: "say when the work center goes down, e.g. \"from 2026-12-02 06:00 to 14:00\""
            )
        }
        let from = first.date
        let to: Date
        if found.count >= 2 {
            to = found[1].hasTime ? found[1].date : found[1].date.addingTimeInterval(86_400)
        } else if let duration {
            to = from.addingTimeInterval(duration)
        } else if !first.hasTime {
            to = from.addingTimeInterval(86_400)  // a whole day
        } else {
            throw OrchestrationError(
                field: "text",
                rule: "missing-end",
                message: "say until when, e.g. \"to 14:00\" or \"for 4 hours\""
            )
        }
        guard to > from else {
            throw OrchestrationError(field: "text", rule: "window", message: "the work center must come back up after it goes down")
        }
        return (from, to)
    }
}
