/// A classic job-shop instance: every job is a chain of operations, each on one machine with a fixed duration.
///
/// This is the OR-Library benchmark format (`n m`, then one line per job of `machine duration` pairs).
/// It converts to the general ``SchedulingProblem`` with ``JobShopInstance/problem``.
public struct JobShopInstance: Sendable, Equatable, Codable {
    /// One step of a job's routing.
    public struct Step: Sendable, Equatable, Codable {
        /// The machine, numbered from 0.
        public var machine: Int
        /// The processing time (non-negative).
        public var duration: Int

        /// Creates a step.
        public init(machine: Int, duration: Int) {
            self.machine = machine
            self.duration = duration
        }
    }

    /// The instance name (e.g. the file name without extension).
    public var name: String
    /// The number of machines.
    public var machineCount: Int
    /// The jobs, each a list of steps in processing order.
    public var jobs: [[Step]]

    /// Creates an instance from its parts.
    public init(name: String, machineCount: Int, jobs: [[Step]]) {
        self.name = name
        self.machineCount = machineCount
        self.jobs = jobs
    }

    /// The total number of operations.
    public var operationCount: Int { jobs.reduce(0) { $0 + $1.count } }

    /// Parses the OR-Library text format.
    ///
    /// - Parameters:
    ///   - text: the file contents: a first line `n m`, then `n` lines of `m` `machine duration` pairs.
    ///   - name: the instance name to record.
    /// - Throws: ``JobShopParseError`` naming the line and what was expected.
    public init(parsing text: String, name: String) throws(JobShopParseError) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .enumerated()
            .map { (number: $0.offset + 1, fields: $0.element.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })) }
            .filter { !$0.fields.isEmpty }
        guard let header = lines.first else {
            throw JobShopParseError(line: 1, message: "expected a header line `jobs machines`, found an empty file")
        }
        guard header.fields.count == 2, let n = Int(header.fields[0]), let m = Int(header.fields[1]), n > 0, m > 0 else {
            throw JobShopParseError(line: header.number, message: "expected a header `jobs machines` with two positive integers")
        }
        guard lines.count - 1 >= n else {
            throw JobShopParseError(line: lines.last?.number ?? 1, message: "expected \(n) job lines after the header, found \(lines.count - 1)")
        }
        var jobs: [[Step]] = []
        jobs.reserveCapacity(n)
        for j in 0..<n {
            let line = lines[j + 1]
            guard line.fields.count == 2 * m else {
                throw JobShopParseError(
                    line: line.number,
                    message: "expected \(2 * m) numbers (\(m) machine/duration pairs) for job \(j), found \(line.fields.count)"
                )
            }
            var steps: [Step] = []
            steps.reserveCapacity(m)
            for k in 0..<m {
                guard let machine = Int(line.fields[2 * k]), machine >= 0, machine < m else {
                    throw JobShopParseError(
                        line: line.number,
                        message: "expected a machine number in 0..<\(m) at pair \(k + 1), found `\(line.fields[2 * k])`"
                    )
                }
                guard let duration = Int(line.fields[2 * k + 1]), duration >= 0 else {
                    throw JobShopParseError(
                        line: line.number,
                        message: "expected a non-negative duration at pair \(k + 1), found `\(line.fields[2 * k + 1])`"
                    )
                }
                steps.append(Step(machine: machine, duration: duration))
            }
            jobs.append(steps)
        }
        if lines.count - 1 > n {
            let extra = lines[n + 1]
            throw JobShopParseError(line: extra.number, message: "expected end of file after \(n) job lines, found more data")
        }
        self.init(name: name, machineCount: m, jobs: jobs)
    }

    /// A simple lower bound: the largest job length or machine load.
    public var trivialLowerBound: Int {
        var load = [Int](repeating: 0, count: machineCount)
        var best = 0
        for job in jobs {
            var length = 0
            for s in job {
                length += s.duration
                load[s.machine] += s.duration
            }
            best = max(best, length)
        }
        return max(best, load.max() ?? 0)
    }
}

/// A malformed job-shop instance file.
public struct JobShopParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line where the problem was found.
    public var line: Int
    /// What was expected and what was found.
    public var message: String

    /// Creates an error.
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    /// A readable description: `line N: message`.
    public var description: String { "line \(line): \(message)" }
}
