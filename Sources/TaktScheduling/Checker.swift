/// One way a schedule breaks the problem's rules.
public enum ScheduleViolation: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The schedule does not hold exactly one placement per operation, in order.
    case operationCount(expected: Int, found: Int)
    /// The placement at this index is for another operation (or an operation appears twice).
    case misplacedEntry(index: Int, found: OperationID)
    /// The operation runs on a resource that is not one of its modes.
    case ineligibleResource(OperationID, ResourceID)
    /// The operation's working time differs from its duration on its resource.
    case wrongDuration(OperationID, expected: Int, found: Int)
    /// The operation runs during a calendar break (or a non-splittable one spans a break).
    case calendar(OperationID, TimeWindow)
    /// The operation starts before its predecessor allows (finish-to-start or transfer batch lag).
    case precedence(OperationID, predecessor: OperationID)
    /// The operation starts before its own or its order's release.
    case release(OperationID)
    /// Two operations on one resource overlap, or the setup between them does not fit.
    case overlap(ResourceID, first: OperationID, second: OperationID)
    /// A frozen operation was moved to another resource or start.
    case frozenMoved(OperationID)
    /// The problem itself is malformed, so the schedule cannot be checked.
    case invalidProblem(String)

    /// A readable description.
    public var description: String {
        switch self {
        case .operationCount(let e, let f): "expected \(e) scheduled operations, found \(f)"
        case .misplacedEntry(let i, let f): "entry \(i) holds \(f)"
        case .ineligibleResource(let o, let r): "\(o) is on \(r), which is not eligible"
        case .wrongDuration(let o, let e, let f): "\(o) works \(f), expected \(e)"
        case .calendar(let o, let w): "\(o) runs in the break \(w)"
        case .precedence(let o, let p): "\(o) starts too early after its predecessor \(p)"
        case .release(let o): "\(o) starts before its release"
        case .overlap(let r, let a, let b): "\(a) and \(b) overlap on \(r) (setup included)"
        case .frozenMoved(let o): "frozen \(o) was moved"
        case .invalidProblem(let reason): "the problem is malformed: \(reason)"
        }
    }
}

/// An independent validator: it re-derives every rule from the problem and the placements alone,
/// sharing no code with the schedule builders.
public enum ScheduleChecker {
    /// Every violation of `schedule` against `problem` (empty when the schedule is valid).
    public static func violations(of schedule: Schedule, in problem: SchedulingProblem) -> [ScheduleViolation] {
        do {
            try problem.validate()
        } catch {
            return [.invalidProblem(error.description)]
        }
        var out: [ScheduleViolation] = []
        let ops = problem.operations
        if schedule.operations.count != ops.count {
            return [.operationCount(expected: ops.count, found: schedule.operations.count)]
        }
        for (i, s) in schedule.operations.enumerated() where s.operation.rawValue != i {
            out.append(.misplacedEntry(index: i, found: s.operation))
        }
        if !out.isEmpty { return out }
        for op in ops {
            let s = schedule.operations[op.id.rawValue]
            let order = problem.orders[op.order.rawValue]
            guard s.resource.rawValue >= 0, s.resource.rawValue < problem.resources.count,
                let mode = op.modes.first(where: { $0.resource == s.resource })
            else {
                out.append(.ineligibleResource(op.id, s.resource))
                continue
            }
            if let f = op.fixed, f.resource != s.resource || f.start != s.start {
                out.append(.frozenMoved(op.id))
            }
            let breaks = problem.resources[s.resource.rawValue].calendar.breaks
            var inBreaks = 0
            var hit: TimeWindow?
            for b in breaks {
                let lo = max(b.start, s.start)
                let hi = min(b.end, s.end)
                if hi > lo {
                    inBreaks += hi - lo
                    if hit == nil { hit = b }
                }
            }
            let working = s.end - s.start - (op.splittable ? inBreaks : 0)
            if working != mode.duration || s.end < s.start {
                out.append(.wrongDuration(op.id, expected: mode.duration, found: working))
            }
            if op.fixed == nil, let b = hit {
                // a splittable operation may span breaks, but must start and end in working time
                let startsInBreak = breaks.contains { $0.start <= s.start && s.start < $0.end }
                let endsInBreak = breaks.contains { $0.start < s.end && s.end <= $0.end } && s.end > s.start
                if !op.splittable || startsInBreak || endsInBreak {
                    out.append(.calendar(op.id, b))
                }
            }
            if op.fixed == nil && (s.start < op.release || s.start < order.release) {
                out.append(.release(op.id))
            }
            for p in op.predecessors {
                let ps = schedule.operations[p.predecessor.rawValue]
                let ok: Bool
                if let fraction = p.transferFraction {
                    let predDuration = ops[p.predecessor.rawValue].duration(on: ps.resource) ?? (ps.end - ps.start)
                    let lag = Precedence.transferLag(fraction: fraction, duration: predDuration)
                    ok = s.start >= ps.start + lag && s.end >= ps.end
                } else {
                    ok = s.start >= ps.end
                }
                if !ok { out.append(.precedence(op.id, predecessor: p.predecessor)) }
            }
        }
        // resources: pairwise in start order, with setups
        var byResource = [[ScheduledOperation]](repeating: [], count: problem.resources.count)
        for s in schedule.operations where s.resource.rawValue >= 0 && s.resource.rawValue < problem.resources.count {
            byResource[s.resource.rawValue].append(s)
        }
        for (r, var list) in byResource.enumerated() {
            list.sort { ($0.start, $0.end) < ($1.start, $1.end) }
            let rule = problem.resources[r].setup
            var i = 1
            while i < list.count {
                let a = list[i - 1]
                let b = list[i]
                let setup = rule.time(
                    from: ops[a.operation.rawValue].setupFamily,
                    to: ops[b.operation.rawValue].setupFamily
                )
                if b.start < a.end + setup {
                    out.append(.overlap(ResourceID(r), first: a.operation, second: b.operation))
                }
                i += 1
            }
        }
        return out
    }
}
