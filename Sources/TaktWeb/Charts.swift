import Foundation

/// Charts drawn on the server as SVG: no script, no library. Every chart is an image with a title and a description
/// for screen readers, and the same figures follow as a table (folded under "Figures as a table").
struct Chart {
    /// One column (or bar) of a chart.
    struct Point: Equatable {
        var label: String
        /// Nil: no figure for this label (drawn as a gap, "–" in the table).
        var value: Double?
        /// The figure as people read it ("85 %", "12 ea").
        var text: String
        /// A second figure drawn as a line over the columns (the Pareto's cumulative share), 0–1 of the plot's height.
        var line: Double?
        var tone: String = ""
    }

    var id: String
    var title: String
    /// What the chart shows and how the figure is defined, one sentence.
    var description: String
    var points: [Point]
    /// The value at the top of the plot (e.g. 1 for ratios); the largest value when nil.
    var maximum: Double?
    /// Column headers of the table fallback: label, figure (and the line's, when there is one).
    var headers: [String]
    var lineText: ((Double) -> String)? = nil
    /// A reference value drawn as a dashed line (e.g. 100 % load).
    var reference: (value: Double, label: String)? = nil

    static let width = 640.0
    static let height = 240.0
    static let left = 44.0
    static let bottom = 46.0
    static let top = 14.0

    /// Vertical columns with their labels under them; when no label has a figure, the title and `empty` instead.
    func columns(empty: String) -> Node {
        guard points.contains(where: { $0.value != nil }) else {
            return el("figure", ["class": "chart", "id": id]) {
                el("h2", text: title)
                el("p", ["class": "empty"], text: empty)
                el("figcaption", text: description)
            }
        }
        return columns()
    }

    /// Vertical columns with their labels under them.
    func columns() -> Node {
        let plotWidth = Self.width - Self.left - 10
        let plotHeight = Self.height - Self.bottom - Self.top
        let top = max(maximum ?? 0, points.compactMap(\.value).max() ?? 0, reference?.value ?? 0, 1e-9)
        let slot = points.isEmpty ? plotWidth : plotWidth / Double(points.count)
        let barWidth = max(2, min(slot * 0.66, 56))
        func y(_ v: Double) -> Double { Self.top + plotHeight * (1 - min(max(v / top, 0), 1)) }
        let every = max(1, Int((Double(points.count) / 12).rounded(.up)))  // at most ~12 labels, so they do not collide
        let svg = el(
            "svg",
            [
                "class": "chart", "viewBox": "0 0 \(Int(Self.width)) \(Int(Self.height))", "role": "img",
                "aria-labelledby": "\(id)-t \(id)-d", "preserveAspectRatio": "xMidYMid meet",
            ]
        ) {
            el("title", ["id": "\(id)-t"], text: title)
            el("desc", ["id": "\(id)-d"], text: description)
            // Axis and grid: 0, half and top.
            for fraction in [0.0, 0.5, 1.0] {
                let gy = y(top * fraction)
                el("line", ["x1": n(Self.left), "x2": n(Self.width - 10), "y1": n(gy), "y2": n(gy), "class": "grid-line"])
                el("text", ["x": n(Self.left - 6), "y": n(gy + 4), "text-anchor": "end", "class": "axis"], text: axisText(top * fraction))
            }
            if let reference {
                let ry = y(reference.value)
                el("line", ["x1": n(Self.left), "x2": n(Self.width - 10), "y1": n(ry), "y2": n(ry), "class": "reference"])
                el("text", ["x": n(Self.width - 12), "y": n(ry - 4), "text-anchor": "end", "class": "axis"], text: reference.label)
            }
            for (i, p) in points.enumerated() {
                let x = Self.left + slot * Double(i) + (slot - barWidth) / 2
                if let v = p.value {
                    el("rect", ["x": n(x), "y": n(y(v)), "width": n(barWidth), "height": n(max(0, y(0) - y(v))), "class": "col \(p.tone)"]) {
                        el("title", text: "\(p.label): \(p.text)")
                    }
                }
                if i % every == 0 || i == points.count - 1 {
                    el(
                        "text",
                        ["x": n(x + barWidth / 2), "y": n(Self.height - Self.bottom + 16), "text-anchor": "middle", "class": "axis"],
                        text: p.label
                    )
                }
            }
            let linePoints = points.enumerated().compactMap { i, p in
                p.line.map { "\(n(Self.left + slot * (Double(i) + 0.5))),\(n(Self.top + plotHeight * (1 - min(max($0, 0), 1))))" }
            }
            if linePoints.count > 1 { el("polyline", ["points": linePoints.joined(separator: " "), "class": "line"]) }
        }
        return figure(svg)
    }

    /// Horizontal bars, one row per label (long labels such as work centers).
    func bars() -> Node {
        let row = 22.0
        let labelWidth = 120.0
        let height = Double(points.count) * row + 26
        let plotWidth = Self.width - labelWidth - 190
        let top = max(maximum ?? 0, points.compactMap(\.value).max() ?? 0, reference?.value ?? 0, 1e-9)
        func x(_ v: Double) -> Double { labelWidth + plotWidth * min(max(v / top, 0), 1) }
        let svg = el(
            "svg",
            [
                "class": "chart", "viewBox": "0 0 \(Int(Self.width)) \(Int(height))", "role": "img", "aria-labelledby": "\(id)-t \(id)-d",
                "preserveAspectRatio": "xMidYMid meet",
            ]
        ) {
            el("title", ["id": "\(id)-t"], text: title)
            el("desc", ["id": "\(id)-d"], text: description)
            for (i, p) in points.enumerated() {
                let y = 6 + Double(i) * row
                el("text", ["x": n(labelWidth - 6), "y": n(y + 14), "text-anchor": "end", "class": "axis"], text: p.label)
                if let v = p.value {
                    el(
                        "rect",
                        ["x": n(labelWidth), "y": n(y + 3), "width": n(max(1, x(v) - labelWidth)), "height": n(row - 7), "class": "col \(p.tone)"]
                    ) {
                        el("title", text: "\(p.label): \(p.text)")
                    }
                }
                el("text", ["x": n((p.value.map(x) ?? labelWidth) + 5), "y": n(y + 14), "class": "axis"], text: p.text)
            }
            if let reference {
                let rx = x(reference.value)
                el("line", ["x1": n(rx), "x2": n(rx), "y1": "2", "y2": n(height - 18), "class": "reference"])
                el("text", ["x": n(rx), "y": n(height - 5), "text-anchor": "middle", "class": "axis"], text: reference.label)
            }
        }
        return figure(svg)
    }

    /// The chart, then its figures as a table.
    private func figure(_ svg: Node) -> Node {
        el("figure", ["class": "chart", "id": id]) {
            el("h2", text: title)
            svg
            el("figcaption", text: description)
            el("details", ["class": "chart-table"]) {
                el("summary", text: "Figures as a table")
                Pages.table(
                    headers,
                    points.map { p in
                        [.text(p.label), .text(p.text)] + (lineText != nil ? [.text(p.line.map { lineText?($0) ?? "" } ?? "–")] : [])
                    },
                    empty: "No figures."
                )
            }
        }
    }

    private func axisText(_ v: Double) -> String {
        maximum == 1 ? Format.percent(v) : (v.rounded() == v ? String(Int(v)) : String(format: "%.1f", v))
    }

    private func n(_ v: Double) -> String { String(format: "%.1f", v) }
}
