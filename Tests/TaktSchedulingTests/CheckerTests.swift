import TaktScheduling
import Testing

/// A two-operation chain on R0 then R1 with a valid schedule, to break one rule at a time.
private func base() -> (SchedulingProblem, Schedule) {
    var b = ProblemBuilder(resources: 2)
    let o = b.order()
    let a = b.op(o, [(0, 10)])
    b.op(o, [(1, 5)], after: [a])
    let p = b.problem
    let s = Schedule(operations: [
        ScheduledOperation(operation: OperationID(0), resource: ResourceID(0), start: 0, end: 10),
        ScheduledOperation(operation: OperationID(1), resource: ResourceID(1), start: 10, end: 15),
    ])
    return (p, s)
}

@Suite("Independent schedule checker")
struct CheckerTests {
    @Test("A valid schedule has no violations")
    func valid() {
        let (p, s) = base()
        #expect(ScheduleChecker.violations(of: s, in: p).isEmpty)
    }

    @Test("A missing operation is rejected")
    func missing() {
        let (p, s) = base()
        let broken = Schedule(operations: [s.operations[0]])
        #expect(ScheduleChecker.violations(of: broken, in: p) == [.operationCount(expected: 2, found: 1)])
    }

    @Test("An operation scheduled twice is rejected")
    func duplicated() {
        let (p, s) = base()
        let broken = Schedule(operations: [s.operations[0], s.operations[0]])
        #expect(ScheduleChecker.violations(of: broken, in: p).contains(.misplacedEntry(index: 1, found: OperationID(0))))
    }

    @Test("An ineligible resource is rejected")
    func ineligible() {
        var (p, s) = base()
        s.operations[1].resource = ResourceID(0)
        s.operations[1].start = 20
        s.operations[1].end = 25
        #expect(ScheduleChecker.violations(of: s, in: p).contains(.ineligibleResource(OperationID(1), ResourceID(0))))
    }

    @Test("A wrong duration is rejected")
    func duration() {
        var (p, s) = base()
        s.operations[1].end = 14
        #expect(ScheduleChecker.violations(of: s, in: p).contains(.wrongDuration(OperationID(1), expected: 5, found: 4)))
    }

    @Test("Starting before a predecessor finishes is rejected")
    func precedence() {
        var (p, s) = base()
        s.operations[1].start = 9
        s.operations[1].end = 14
        #expect(ScheduleChecker.violations(of: s, in: p) == [.precedence(OperationID(1), predecessor: OperationID(0))])
    }

    @Test("Starting before the transfer batch is done is rejected")
    func transferLag() {
        var (p, s) = base()
        p.operations[1].predecessors = [Precedence(OperationID(0), transferFraction: 0.5)]
        s.operations[1].start = 4
        s.operations[1].end = 9
        #expect(ScheduleChecker.violations(of: s, in: p).contains(.precedence(OperationID(1), predecessor: OperationID(0))))
        s.operations[1].start = 5
        s.operations[1].end = 10
        #expect(ScheduleChecker.violations(of: s, in: p).isEmpty)
    }

    @Test("Starting before the release is rejected")
    func release() {
        var (p, s) = base()
        p.orders[0].release = 1
        #expect(ScheduleChecker.violations(of: s, in: p) == [.release(OperationID(0))])
        _ = s
    }

    @Test("Two operations overlapping on a resource are rejected")
    func overlap() {
        var b = ProblemBuilder(resources: 1)
        let o = b.order()
        b.op(o, [(0, 10)])
        b.op(o, [(0, 10)])
        let s = Schedule(operations: [
            ScheduledOperation(operation: OperationID(0), resource: ResourceID(0), start: 0, end: 10),
            ScheduledOperation(operation: OperationID(1), resource: ResourceID(0), start: 5, end: 15),
        ])
        #expect(ScheduleChecker.violations(of: s, in: b.problem) == [.overlap(ResourceID(0), first: OperationID(0), second: OperationID(1))])
    }

    @Test("A missing setup gap is rejected as an overlap")
    func setup() {
        var b = ProblemBuilder(resources: 1)
        b.resources[0].setup = .changeover(3)
        let o = b.order()
        b.op(o, [(0, 10)], family: 0)
        b.op(o, [(0, 10)], family: 1)
        var s = Schedule(operations: [
            ScheduledOperation(operation: OperationID(0), resource: ResourceID(0), start: 0, end: 10),
            ScheduledOperation(operation: OperationID(1), resource: ResourceID(0), start: 12, end: 22),
        ])
        #expect(ScheduleChecker.violations(of: s, in: b.problem) == [.overlap(ResourceID(0), first: OperationID(0), second: OperationID(1))])
        s.operations[1].start = 13
        s.operations[1].end = 23
        #expect(ScheduleChecker.violations(of: s, in: b.problem).isEmpty)
    }

    @Test("Running in a calendar break is rejected")
    func calendar() {
        var (p, s) = base()
        p.resources[1].calendar = ResourceCalendar(breaks: [TimeWindow(start: 12, end: 20)])
        #expect(ScheduleChecker.violations(of: s, in: p) == [.calendar(OperationID(1), TimeWindow(start: 12, end: 20))])
        s.operations[1].start = 20
        s.operations[1].end = 25
        #expect(ScheduleChecker.violations(of: s, in: p).isEmpty)
    }

    @Test("A frozen operation that moved is rejected")
    func frozen() {
        var (p, s) = base()
        p.operations[0].fixed = FixedPlacement(resource: ResourceID(0), start: 0)
        s.operations[0].start = 1
        s.operations[0].end = 11
        s.operations[1].start = 11
        s.operations[1].end = 16
        #expect(ScheduleChecker.violations(of: s, in: p) == [.frozenMoved(OperationID(0))])
    }
}

@Test("The checker reports a malformed problem instead of crashing")
func checkerMalformedProblem() {
    var b = ProblemBuilder(resources: 1)
    let o = b.order()
    b.op(o, [(0, 10)], after: [OperationID(7)])
    let s = Schedule(operations: [ScheduledOperation(operation: OperationID(0), resource: ResourceID(0), start: 0, end: 10)])
    let found = ScheduleChecker.violations(of: s, in: b.problem)
    #expect(found.count == 1)
    if case .invalidProblem = found.first {} else { Issue.record("expected invalidProblem, got \(found)") }
}
