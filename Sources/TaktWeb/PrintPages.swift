import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TaktCore
import TaktService

/// Printable pages: a traveler for a production order, a label for a lot (also as ZPL II for thermal printers and as a
/// one-page PDF), and a warehouse pick list. Each is an ordinary page with a print stylesheet (`@media print` hides the
/// header, the buttons and the messages), so the browser's Print, or its "Save as PDF", gives the paper.
extension TaktWeb {
    /// Registers the print pages on `router` (one call from ``addRoutes(to:)``).
    func addPrintRoutes<Context: RequestContext>(to router: Router<Context>) {
        let web = self
        page(router, "/print/orders/{id}", .orders) { r, c, v in await web.travelerPage(r, v, id: c.parameters.get("id") ?? "") }
        page(router, "/print/lots/{id}", .orders) { r, c, v in await web.lotLabelPage(r, v, id: c.parameters.get("id") ?? "") }
        page(router, "/print/pick-list", .orders) { r, _, v in await web.pickListPage(r, v) }
        printFile(router, "/print/lots/{id}/label.zpl", .orders) { _, c, _ in
            await web.lotLabelZPL(id: c.parameters.get("id") ?? "")
        }
        printFile(router, "/print/lots/{id}/label.pdf", .orders) { _, c, _ in
            await web.lotLabelPDF(id: c.parameters.get("id") ?? "")
        }
    }

    /// A printer file (ZPL, PDF) for signed-in users whose roles open `section`: 401/403/404 in plain words otherwise.
    private func printFile<Context: RequestContext>(
        _ router: Router<Context>,
        _ path: String,
        _ section: Section,
        _ body: @escaping @Sendable (Request, Context, Viewer) async -> PrintFile?
    ) {
        let web = self
        router.get(RouterPath(path)) { request, context in
            func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
                Response(
                    status: status,
                    headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
                    body: ResponseBody(byteBuffer: ByteBuffer(string: text + "\n"))
                )
            }
            guard let viewer = await web.viewer(request) else { return plain(.unauthorized, "Sign in to Takt first.") }
            guard section.allows(viewer.user) else { return plain(.forbidden, "\(section.title) is not open to your roles.") }
            guard let file = await body(request, context, viewer) else { return plain(.notFound, "There is no such lot.") }
            var headers: HTTPFields = [.contentType: file.type, .cacheControl: "no-store"]
            if let disposition = HTTPField.Name("Content-Disposition") { headers[disposition] = "inline; filename=\"\(file.name)\"" }
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
        }
    }

    // MARK: - Traveler

    func travelerPage(_ request: Request, _ viewer: Viewer, id: String) async -> PageContent {
        let state = await service.read { $0 }
        guard let po = state.productionOrders[ProductionOrder.ID(id)] else {
            return PageContent(title: "Not found", body: el("p", text: "There is no production order \(id)."), status: .notFound)
        }
        let zone = state.plantTimeZone
        let item = state.items[po.item]
        let unit = item?.unit.rawValue ?? ""
        let routing = state.routings[po.routing]
        let progress = state.operations[po.id] ?? []
        let steps = state.publishedSchedule?.steps.filter { $0.productionOrder == po.id } ?? []
        let operationRows: [[Node]] = (routing?.operations ?? []).map { op in
            let p = progress.first { $0.sequence == op.sequence }
            let planned = steps.first { $0.sequence == op.sequence }
            let centers = op.workCenters.map { w in
                "\(w.workCenter.rawValue) (setup \(Format.minutes(w.setupMinutes)), \(Format.minutes(w.runMinutesPerUnit)) / \(unit.isEmpty ? "unit" : unit))"
            }
            return [
                .text(String(op.sequence)),
                el("div") {
                    el("strong", text: op.name)
                    if let wi = op.workInstruction.flatMap({ state.workInstructions[$0] }) {
                        el("div", ["class": "muted"], text: "Work instruction \(wi.id.rawValue) rev \(wi.revision): \(wi.title)")
                    }
                    if op.inspectionRequired { el("div", text: "Inspection required") }
                },
                .text(centers.joined(separator: "; ")),
                .text(planned.map { "\($0.workCenter.rawValue) \(Format.dateTime($0.start, zone))–\(Format.time($0.end, zone))" } ?? "–"),
                .text(
                    p.map {
                        "\($0.status.rawValue)"
                            + ($0.good + $0.scrap > 0 ? " · \(Format.quantity($0.good)) good, \(Format.quantity($0.scrap)) scrap" : "")
                    } ?? "waiting"
                ),
                el("span", ["class": "tick", "aria-label": "sign-off"]) {},
            ]
        }
        let bom = state.bom(of: po.item)
        let materialRows: [[Node]] = (bom?.components ?? []).map { c in
            let consumedLots = (state.consumptionsByOrder[po.id] ?? []).filter { $0.item == c.item || c.substitutes.contains($0.item) }
            let lotsText = consumedLots.map { "\($0.lot.rawValue) \(Format.quantity($0.quantity))" }.joined(separator: ", ")
            let cUnit = state.items[c.item]?.unit.rawValue ?? ""
            return [
                .text(c.item.rawValue), .text(state.items[c.item]?.name ?? ""),
                .text("\(Format.quantity(c.quantity * po.quantity)) \(cUnit)"),
                .text("op \(state.consumingOperation(c, of: po))"),
                .text(lotsText.isEmpty ? "–" : lotsText),
            ]
        }
        let body = fragment {
            printActions(back: "/terminal")
            el("article", ["class": "print-doc traveler", "id": "traveler"]) {
                el("div", ["class": "head"]) {
                    el("div") {
                        el("h2", text: "Traveler \(po.id.rawValue)")
                        el("dl") {
                            el("dt", text: "Item")
                            el("dd", text: "\(po.item.rawValue) \(item?.name ?? "")")
                            el("dt", text: "Quantity")
                            el("dd", text: "\(Format.quantity(po.quantity)) \(unit)")
                            el("dt", text: "Due")
                            el("dd", text: Format.dateTime(po.dueDate, zone))
                            el("dt", text: "Status")
                            el("dd", text: "\(po.status.rawValue), priority \(po.priority)")
                            el("dt", text: "Routing")
                            el("dd", text: po.routing.rawValue)
                            if let peg = po.pegging {
                                el("dt", text: "For")
                                el("dd", text: "sales order \(peg.salesOrder.rawValue) line \(peg.line)")
                            }
                            el("dt", text: "Printed")
                            el("dd", text: "\(Format.dateTime(now(), zone)) by \(viewer.user.name)")
                        }
                    }
                    Code128.svg(po.id.rawValue, module: 2, height: 56)
                }
                el("h3", text: "Operations")
                Pages.table(
                    ["Op", "Operation", "Work centers", "Planned", "Progress", "Done"],
                    operationRows,
                    empty: "The routing has no operations."
                )
                el("h3", text: "Materials")
                Pages.table(
                    ["Item", "Name", "Required", "Consumed at", "Lots consumed"],
                    materialRows,
                    empty: "No bill of materials: nothing to consume."
                )
            }
        }
        return PageContent(title: "Traveler \(po.id.rawValue)", body: body)
    }

    private func printActions(back: String?) -> Node {
        el("div", ["class": "print-actions"]) {
            el("button", ["type": "button", "class": "primary", "data-print": "1", "id": "print"], text: "Print")
            el("span", ["class": "muted"], text: "Or use the browser's Print (Ctrl+P); choose “Save as PDF” for a PDF.")
        }
    }

    // MARK: - Lot label

    func lotLabelPage(_ request: Request, _ viewer: Viewer, id: String) async -> PageContent {
        let state = await service.read { $0 }
        guard let lot = state.lots[Lot.ID(id)] else {
            return PageContent(title: "Not found", body: el("p", text: "There is no lot \(id)."), status: .notFound)
        }
        let label = LotLabel(lot, state: state)
        let enc = urlEncode(lot.id.rawValue)
        let body = fragment {
            el("div", ["class": "print-actions"]) {
                el("button", ["type": "button", "class": "primary", "data-print": "1", "id": "print"], text: "Print")
                el("a", ["class": "button", "href": "/print/lots/\(enc)/label.zpl", "id": "zpl"], text: "ZPL (thermal printer)")
                el("a", ["class": "button", "href": "/print/lots/\(enc)/label.pdf", "id": "pdf"], text: "PDF")
            }
            el("div", ["class": "lot-label", "id": "label"]) {
                el("p", ["class": "muted"], text: label.itemID)
                el("p", ["class": "big"], text: label.itemName)
                el("p", text: "Lot \(label.lot)")
                el("p", ["class": "big"], text: "\(label.quantity) \(label.unit)")
                el("p", text: label.detail)
                Code128.svg(label.lot, module: 2, height: 60)
            }
        }
        return PageContent(title: "Label \(lot.id.rawValue)", body: body)
    }

    func lotLabelZPL(id: String) async -> PrintFile? {
        guard let label = await service.read({ s in s.lots[Lot.ID(id)].map { LotLabel($0, state: s) } }) else { return nil }
        return PrintFile(name: "\(Self.fileName(id)).zpl", type: "text/plain; charset=utf-8", bytes: Array(label.zpl.utf8))
    }

    func lotLabelPDF(id: String) async -> PrintFile? {
        guard let label = await service.read({ s in s.lots[Lot.ID(id)].map { LotLabel($0, state: s) } }) else { return nil }
        return PrintFile(name: "\(Self.fileName(id)).pdf", type: "application/pdf", bytes: label.pdf)
    }

    static func fileName(_ id: String) -> String {
        String(id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }

    // MARK: - Pick list

    /// Staging tasks to pick, of one order (`?order=`) or of the orders a work center runs (`?workCenter=`); open,
    /// picked and short tasks only (staged, missing and cancelled ones are nothing to pick).
    func pickListPage(_ request: Request, _ viewer: Viewer) async -> PageContent {
        let q = request.uri.queryParameters
        let order = q["order"].map { ProductionOrder.ID(String($0)) }
        let wc = q["workCenter"].map { WorkCenter.ID(String($0)) }
        let state = await service.read { $0 }
        let zone = state.plantTimeZone
        let toPick: Set<StagingTaskStatus> = [.open, .picked, .short]
        let tasks = state.stagingTasks(productionOrder: order).filter { v in
            toPick.contains(v.task.status) && (wc == nil || v.workCenter == wc)
        }
        let scope =
            if let order { "order \(order.rawValue)" } else if let wc { "work center \(wc.rawValue)" } else { "all orders" }
        let rows: [[Node]] = tasks.map { v in
            let lot = state.lots[v.task.lot]
            let unit = lot.flatMap { state.items[$0.item] }?.unit.rawValue ?? ""
            return [
                el("span", ["class": "tick", "aria-label": "picked"]) {},
                .text(v.task.id.rawValue),
                el("div") {
                    el("strong", text: v.task.lot.rawValue)
                    Code128.svg(v.task.lot.rawValue, module: 1, height: 28, caption: false)
                },
                .text(lot.map { "\($0.item.rawValue) \(state.items[$0.item]?.name ?? "")" } ?? "–"),
                .text("\(Format.quantity(v.task.quantity)) \(unit)"),
                .text(v.from?.rawValue ?? "–"),
                .text(v.to?.rawValue ?? "–"),
                .text("\(v.task.productionOrder.rawValue) op \(v.task.operation)"),
                .text(v.neededBy.map { Format.dateTime($0, zone) } ?? "not scheduled"),
                .text(v.task.status.rawValue),
            ]
        }
        let body = fragment {
            printActions(back: nil)
            el("article", ["class": "print-doc pick-list", "id": "pick-list"]) {
                el("div", ["class": "head"]) {
                    el("div") {
                        el("h2", text: "Pick list: \(scope)")
                        el("p", text: "Printed \(Format.dateTime(now(), zone)) by \(viewer.user.name) · \(Format.count(tasks.count, "task"))")
                    }
                    if let order { Code128.svg(order.rawValue, module: 2, height: 48) }
                }
                Pages.table(
                    ["✓", "Task", "Lot", "Item", "Quantity", "From", "To", "For", "Needed by", "Status"],
                    rows,
                    empty: "Nothing to pick for \(scope).",
                    id: "pick-tasks"
                )
            }
        }
        return PageContent(title: "Pick list", body: body)
    }
}

/// A file for a printer: its name, content type and bytes.
struct PrintFile: Sendable {
    var name: String
    var type: String
    var bytes: [UInt8]
}

/// What a lot label says, the same on paper, in ZPL and in PDF.
struct LotLabel: Sendable {
    var lot: String
    var itemID: String
    var itemName: String
    var quantity: String
    var unit: String
    /// Made or received when, and where it is.
    var detail: String

    init(_ lot: Lot, state: PlantState) {
        self.lot = lot.id.rawValue
        itemID = lot.item.rawValue
        itemName = state.items[lot.item]?.name ?? lot.item.rawValue
        quantity = Format.quantity(lot.quantity)
        unit = state.items[lot.item]?.unit.rawValue ?? ""
        let origin = lot.productionOrder.map { "made by \($0.rawValue)" } ?? lot.supplier.map { "from \($0)" } ?? "received"
        detail = "\(Format.day(lot.createdAt, state.plantTimeZone)) · \(origin) · at \(lot.location.rawValue)"
    }

    /// ZPL II for a 100 × 50 mm label at 203 dpi: the item, the lot, the quantity and a Code 128 (`^BC`) of the lot ID.
    /// Field data goes through `^FH` so `^`, `~` and `_` in IDs cannot end a field or start a command.
    var zpl: String {
        func field(_ text: String) -> String { "^FH_^FD" + Self.zplEscape(text) + "^FS" }
        return [
            "^XA",
            "^CI28",
            "^PW812",
            "^LL406",
            "^FO30,24^A0N,28,28" + field(itemID),
            "^FO30,58^A0N,40,40" + field(String(itemName.prefix(34))),
            "^FO30,108^A0N,52,52" + field("Lot " + lot),
            "^FO30,170^A0N,40,40" + field("\(quantity) \(unit)"),
            "^FO30,216^A0N,24,24" + field(detail),
            "^FO30,252^BY2,3,110^BCN,110,Y,N,N" + field(lot),
            "^XZ",
        ].joined(separator: "\n") + "\n"
    }

    static func zplEscape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "^": out += "_5E"
            case "~": out += "_7E"
            case "_": out += "_5F"
            case "\n", "\r": out += " "
            default: out.append(c)
            }
        }
        return out
    }

    /// A one-page PDF (100 × 50 mm) with the label's lines in Helvetica and the Code 128 bars as filled rectangles.
    var pdf: [UInt8] {
        let mm = 72.0 / 25.4
        let width = 100 * mm
        let height = 50 * mm
        func n(_ x: Double) -> String { String(format: "%.2f", x) }
        var content = ""
        func text(_ s: String, x: Double, y: Double, size: Double) {
            content += "BT /F1 \(n(size)) Tf \(n(x)) \(n(y)) Td (\(PDFText.escape(s))) Tj ET\n"
        }
        text(itemID, x: 4 * mm, y: height - 7 * mm, size: 8)
        text(String(itemName.prefix(40)), x: 4 * mm, y: height - 12.5 * mm, size: 12)
        text("Lot " + lot, x: 4 * mm, y: height - 18.5 * mm, size: 13)
        text("\(quantity) \(unit)", x: 4 * mm, y: height - 24.5 * mm, size: 13)
        text(detail, x: 4 * mm, y: height - 29 * mm, size: 7)
        if let bars = try? Code128.bars(lot, quiet: 0), let modules = try? Code128.width(lot, quiet: 0) {
            let module = min(0.33 * mm, (width - 8 * mm) / Double(modules))
            content += "0 g\n"
            for bar in bars {
                content += "\(n(4 * mm + Double(bar.x) * module)) \(n(5 * mm)) \(n(Double(bar.width) * module)) \(n(14 * mm)) re f\n"
            }
            text(lot, x: 4 * mm, y: 2 * mm, size: 7)
        }
        return PDFText.document(width: width, height: height, content: content)
    }
}

/// The few pieces of PDF 1.4 a one-page label needs: Helvetica (a standard font, not embedded), text and rectangles.
enum PDFText {
    /// A PDF string literal's body: Latin-1 (WinAnsi) bytes, `\`, `(` and `)` escaped, other characters as `?`.
    static func escape(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\\", "(", ")": out += "\\" + String(u)
            case _ where u.value >= 32 && u.value < 127: out.unicodeScalars.append(u)
            case _ where u.value >= 160 && u.value <= 255: out += String(format: "\\%03o", u.value)
            default: out += "?"
            }
        }
        return out
    }

    static func document(width: Double, height: Double, content: String) -> [UInt8] {
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(String(format: "%.2f", width)) \(String(format: "%.2f", height))] "
                + "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            "<< /Length \(content.utf8.count) >>\nstream\n\(content)endstream",
        ]
        var out = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (i, body) in objects.enumerated() {
            offsets.append(out.utf8.count)
            out += "\(i + 1) 0 obj\n\(body)\nendobj\n"
        }
        let xref = out.utf8.count
        out += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for o in offsets { out += String(format: "%010d 00000 n \n", o) }
        out += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(out.utf8)
    }
}
