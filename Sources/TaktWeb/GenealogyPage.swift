import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

extension TaktWeb {
    func genealogyPage(_ request: Request, _ viewer: Viewer) async -> PageContent {
        let q = request.uri.queryParameters
        let lotID = q["lot"].map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        let direction = q["direction"].flatMap { TraceDirection(rawValue: String($0)) } ?? .backward
        let zone = await service.read { $0.plantTimeZone }
        let (trace, sample) = await service.read { s -> (LotTrace?, [Lot.ID]) in
            let t = lotID.isEmpty ? nil : s.trace(Lot.ID(lotID), direction: direction, limit: 400)
            let sample = lotID.isEmpty ? s.outputsByOrder.values.flatMap { $0 }.sorted().prefix(8).map { $0 } : []
            return (t, sample)
        }
        let body = fragment {
            el("form", ["method": "get", "action": "/genealogy", "class": "inline toolbar", "id": "trace-form"]) {
                el("label", ["for": "lot"], text: "Lot")
                void(
                    "input",
                    [
                        "type": "search", "id": "lot", "name": "lot", "value": lotID, "placeholder": "scan or type a lot",
                        "autofocus": flag(lotID.isEmpty),
                    ]
                )
                el("select", ["name": "direction", "aria-label": "Direction"]) {
                    el("option", ["value": "backward", "selected": flag(direction == .backward)], text: "backward (where it came from)")
                    el("option", ["value": "forward", "selected": flag(direction == .forward)], text: "forward (where it went)")
                }
                el("button", ["type": "submit", "class": "primary"], text: "Trace")
            }
            if lotID.isEmpty {
                el("p", ["class": "muted"]) {
                    "Trace a lot backward to its materials and suppliers, or forward to the products and customers it reached. "
                    if !sample.isEmpty { "Made lots: " }
                    for (i, lot) in sample.enumerated() {
                        if i > 0 { ", " }
                        Pages.link(lot.rawValue, "/genealogy?lot=\(urlEncode(lot.rawValue))")
                    }
                }
            } else if let trace {
                el("p") {
                    "\(trace.lots.count) lots, \(trace.orders.count) production orders, \(trace.supplierLots.count) supplier lots, \(trace.shipped.count) shipped lots"
                    if trace.truncated { " — truncated at 400 lots" }
                    " · "
                    Pages.link(
                        direction == .backward ? "trace forward" : "trace backward",
                        "/genealogy?lot=\(urlEncode(lotID))&direction=\(direction == .backward ? "forward" : "backward")"
                    )
                }
                Self.traceGraph(trace)
                el("div", ["class": "grid"]) {
                    el("section", ["class": "panel"]) {
                        el("h2", text: "Production orders")
                        Pages.table(
                            ["Order", "Item", "Qty", "Status", "Work centers", "Operators"],
                            trace.orders.map { o in
                                [
                                    .text(o.id.rawValue), .text(o.item.rawValue), .text(Format.quantity(o.quantity)), .text(o.status.rawValue),
                                    .text(o.workCenters.map(\.rawValue).joined(separator: ", ")),
                                    .text(o.operators.map(\.rawValue).joined(separator: ", ")),
                                ]
                            },
                            empty: "None."
                        )
                    }
                    el("section", ["class": "panel"]) {
                        el("h2", text: direction == .backward ? "Supplier lots" : "Shipped to customers")
                        if direction == .backward {
                            Pages.table(
                                ["Lot", "Item", "Supplier", "Supplier lot"],
                                trace.supplierLots.map { s in
                                    [
                                        Pages.link(s.lot.rawValue, "/genealogy?lot=\(urlEncode(s.lot.rawValue))&direction=forward"),
                                        .text(s.item.rawValue),
                                        .text(s.supplier ?? "–"), .text(s.supplierLot ?? "–"),
                                    ]
                                },
                                empty: "None."
                            )
                        } else {
                            Pages.table(
                                ["Lot", "Item", "Customer", "Sales order", "Shipped"],
                                trace.shipped.map { s in
                                    [
                                        .text(s.lot.rawValue), .text(s.item.rawValue), .text(s.customer?.rawValue ?? "–"),
                                        s.salesOrder.map { Pages.link($0.rawValue, "/orders/\(urlEncode($0.rawValue))") } ?? .text("–"),
                                        .text(s.shippedAt.map { Format.dateTime($0, zone) } ?? "–"),
                                    ]
                                },
                                empty: "Nothing shipped."
                            )
                        }
                    }
                }
            } else {
                Pages.flash(Flash(kind: .error, title: "Unknown lot", lines: ["There is no lot “\(lotID)”."]))
            }
        }
        return PageContent(title: "Genealogy", body: body)
    }

    /// The trace as a layered graph: one column per depth, arrows from material to product.
    static func traceGraph(_ trace: LotTrace) -> Node {
        let columns = Dictionary(grouping: trace.lots, by: \.depth)
        let maxDepth = columns.keys.max() ?? 0
        let nodeW = 190.0
        let nodeH = 46.0
        let gapX = 70.0
        let gapY = 14.0
        var position: [Lot.ID: (Double, Double)] = [:]
        let tallest = columns.values.map(\.count).max() ?? 1
        for (depth, lots) in columns {
            // Backward: the root on the right (products to the right of their materials); forward: root on the left.
            let col = trace.direction == .backward ? maxDepth - depth : depth
            for (i, lot) in lots.sorted(by: { $0.id < $1.id }).enumerated() {
                position[lot.id] = (10 + Double(col) * (nodeW + gapX), 10 + Double(i) * (nodeH + gapY))
            }
        }
        let width = 20 + Double(maxDepth + 1) * (nodeW + gapX) - gapX
        let height = 20 + Double(tallest) * (nodeH + gapY)
        func color(_ s: LotStatus) -> String {
            switch s {
            case .available: "#d1fadf"
            case .onHold, .quarantine: "#fee4e2"
            case .consumed: "#eaecf0"
            case .shipped: "#d1e9ff"
            case .scrapped, .returned: "#fef0c7"
            }
        }
        return el(
            "svg",
            [
                "class": "graph", "id": "trace-graph", "viewBox": "0 0 \(Int(width)) \(Int(height))", "width": String(Int(width)),
                "role": "img", "aria-label": "Genealogy of \(trace.root.rawValue)", "xmlns": "http://www.w3.org/2000/svg",
            ]
        ) {
            el("defs") {
                el(
                    "marker",
                    ["id": "arrow", "viewBox": "0 0 10 10", "refX": "10", "refY": "5", "markerWidth": "7", "markerHeight": "7", "orient": "auto"]
                ) {
                    el("path", ["d": "M0,0 L10,5 L0,10 z", "fill": "#667085"])
                }
            }
            for link in trace.links {
                for out in link.outputs {
                    if let a = position[link.lot], let b = position[out] {
                        let (x1, y1, x2, y2) =
                            a.0 < b.0 ? (a.0 + nodeW, a.1 + nodeH / 2, b.0, b.1 + nodeH / 2) : (a.0, a.1 + nodeH / 2, b.0 + nodeW, b.1 + nodeH / 2)
                        el(
                            "path",
                            [
                                "d": String(
                                    format: "M%.0f,%.0f C%.0f,%.0f %.0f,%.0f %.0f,%.0f",
                                    x1,
                                    y1,
                                    (x1 + x2) / 2,
                                    y1,
                                    (x1 + x2) / 2,
                                    y2,
                                    x2,
                                    y2
                                ),
                                "fill": "none", "stroke": "#98a2b3", "stroke-width": "1.5", "marker-end": "url(#arrow)",
                            ]
                        ) {
                            el("title", text: "\(Format.quantity(link.quantity)) of \(link.lot) into \(link.productionOrder) op \(link.operation)")
                        }
                    }
                }
            }
            for lot in trace.lots {
                if let p = position[lot.id] {
                    let x = p.0
                    let y = p.1
                    el("a", ["href": "/genealogy?lot=\(urlEncode(lot.id.rawValue))&direction=\(trace.direction.rawValue)"]) {
                        el(
                            "rect",
                            [
                                "x": String(x), "y": String(y), "width": String(nodeW), "height": String(nodeH), "rx": "5", "fill": color(lot.status),
                                "stroke": lot.id == trace.root ? "#1f5fbf" : "#98a2b3", "stroke-width": lot.id == trace.root ? "2.5" : "1",
                            ]
                        )
                        el(
                            "text",
                            ["x": String(x + 8), "y": String(y + 18), "font-size": "13", "font-weight": "600", "fill": "#101828"],
                            text: lot.id.rawValue
                        )
                        el(
                            "text",
                            ["x": String(x + 8), "y": String(y + 36), "font-size": "11", "fill": "#475467"],
                            text: "\(Format.quantity(lot.quantity)) × \(lot.item.rawValue) · \(lot.status.rawValue)"
                        )
                    }
                }
            }
        }
    }
}
