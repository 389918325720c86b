import Foundation

/// A line diff of two texts (a longest common subsequence of lines): what an approver reads before approving a new
/// work instruction revision.
public struct TextDiff: Codable, Sendable, Hashable {
    public enum Change: String, StringChoice, Codable, Sendable, CaseIterable {
        case same, added, removed
    }

    /// One line of the diff, with its line numbers in the old and the new text (1-based; nil where it has none).
    public struct Line: Codable, Sendable, Hashable {
        public var change: Change
        public var text: String
        public var old: Int?
        public var new: Int?
        public init(change: Change, text: String, old: Int?, new: Int?) {
            self.change = change
            self.text = text
            self.old = old
            self.new = new
        }
    }

    public var lines: [Line]
    public init(lines: [Line]) { self.lines = lines }

    /// Lines added and removed.
    public var added: Int { lines.filter { $0.change == .added }.count }
    public var removed: Int { lines.filter { $0.change == .removed }.count }

    /// Above this many line pairs between the common head and tail, the middle is shown as removed, then added, instead
    /// of searching (a bound on time and memory: a text holds at most 10,000 characters, so this is rarely reached).
    static let searchLimit = 4_000_000

    /// The diff from `old` to `new`, split at line breaks (`\r\n`, `\n` or `\r`).
    public init(old: String, new: String) {
        let a = Self.split(old)
        let b = Self.split(new)
        var head = 0
        while head < a.count, head < b.count, a[head] == b[head] { head += 1 }
        var tail = 0
        while tail < a.count - head, tail < b.count - head, a[a.count - 1 - tail] == b[b.count - 1 - tail] { tail += 1 }
        var out: [Line] = (0..<head).map { Line(change: .same, text: a[$0], old: $0 + 1, new: $0 + 1) }
        let x = Array(a[head..<(a.count - tail)])
        let y = Array(b[head..<(b.count - tail)])
        out += Self.middle(x, y, oldOffset: head, newOffset: head)
        for k in 0..<tail {
            let i = a.count - tail + k
            let j = b.count - tail + k
            out.append(Line(change: .same, text: a[i], old: i + 1, new: j + 1))
        }
        lines = out
    }

    static func split(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        let unified = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return unified.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    static func middle(_ x: [String], _ y: [String], oldOffset: Int, newOffset: Int) -> [Line] {
        let n = x.count
        let m = y.count
        func removed(_ i: Int) -> Line { Line(change: .removed, text: x[i], old: oldOffset + i + 1, new: nil) }
        func added(_ j: Int) -> Line { Line(change: .added, text: y[j], old: nil, new: newOffset + j + 1) }
        if n == 0 || m == 0 || n * m > searchLimit {
            return (0..<n).map(removed) + (0..<m).map(added)
        }
        // lcs[i][j]: the length of the longest common subsequence of x[i...] and y[j...].
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var out: [Line] = []
        var i = 0
        var j = 0
        while i < n, j < m {
            if x[i] == y[j] {
                out.append(Line(change: .same, text: x[i], old: oldOffset + i + 1, new: newOffset + j + 1))
                i += 1
                j += 1
            } else if lcs[i + 1][j] >= lcs[i][j + 1] {
                out.append(removed(i))
                i += 1
            } else {
                out.append(added(j))
                j += 1
            }
        }
        while i < n {
            out.append(removed(i))
            i += 1
        }
        while j < m {
            out.append(added(j))
            j += 1
        }
        return out
    }

    /// The new text, rebuilt from the diff (the lines that are not removed).
    public var newText: String { lines.filter { $0.change != .removed }.map(\.text).joined(separator: "\n") }
    /// The old text, rebuilt from the diff (the lines that are not added).
    public var oldText: String { lines.filter { $0.change != .added }.map(\.text).joined(separator: "\n") }
}
