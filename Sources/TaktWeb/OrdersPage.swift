import Foundation
import HTTPTypes
import Hummingbird
import TaktCore
import TaktEngine
import TaktService

extension TaktWeb {
    func ordersPage(_ request: Request, _ viewer: Viewer) async -> PageContent {
        let q = request.uri.queryParameters["q"].map { String($0).lowercased() } ?? ""
        let state = await service.read { $0 }
        if !q.isEmpty, state.productionOrders[ProductionOrder.ID(q.uppercased())] != nil {
            return await productionOrdersPage(request, viewer)  // a production order's ID: the production-order search finds it
        }
        let forecasts = Dictionary(
            grouping: state.deliveryForecast(now: now()).entries.filter { $0.kind == .customerLine },
            by: { $0.salesOrder ?? "" }
        )
        let orders = state.salesOrders.values.filter { so in
            q.isEmpty || so.id.rawValue.lowercased().contains(q) || (state.customers[so.customer]?.name.lowercased().contains(q) ?? false)
                || so.lines.contains { $0.item.rawValue.lowercased().contains(q) }
        }.sorted {
            ($0.status.rawValue, $0.lines.map(\.requestedDate).min() ?? .distantFuture, $0.id) < (
                $1.status.rawValue, $1.lines.map(\.requestedDate).min() ?? .distantFuture, $1.id
            )
        }
        let body = fragment {
            Pages.ordersTabs(current: "customer")
            el("form", ["method": "get", "action": "/orders", "class": "inline toolbar"]) {
                void(
                    "input",
                    [
                        "type": "search", "name": "q", "value": q, "placeholder": "order, customer, item or production order",
                        "aria-label": "Search orders",
                    ]
                )
                el("button", ["type": "submit"], text: "Search")
            }
            Pages.table(
                ["Sales order", "Customer", "Priority", "Lines", "Due", "Status", "Forecast"],
                orders.prefix(200).map { so in
                    let f = forecasts[so.id] ?? []
                    let worst = f.first { $0.verdict == .late } ?? f.first { $0.verdict == .atRisk } ?? f.first
                    return [
                        Pages.link(so.id.rawValue, "/orders/\(urlEncode(so.id.rawValue))"),
                        .text(state.customers[so.customer]?.name ?? so.customer.rawValue),
                        .text(String(so.priority)),
                        .text(so.lines.map { "\(Format.quantity($0.quantity)) × \($0.item.rawValue)" }.joined(separator: ", ")),
                        .text(so.lines.map(\.dueDate).min().map { Format.date($0, state.plantTimeZone) } ?? "–"), .text(so.status.rawValue),
                        worst.map { Pages.badge($0.verdict.words, $0.verdict.tone) } ?? .text("–"),
                    ]
                },
                empty: "No customer orders match.",
                id: "orders"
            )
        }
        return PageContent(title: "Customer orders", body: body)
    }

    func orderPage(_ request: Request, _ viewer: Viewer, id: String) async -> PageContent {
        let state = await service.read { $0 }
        guard let so = state.salesOrders[SalesOrder.ID(id)] else {
            return PageContent(title: "Not found", body: el("p", text: "There is no customer order \(id)."), status: .notFound)
        }
        let forecasts = state.deliveryForecast(now: now()).entries.filter { $0.salesOrder == so.id }
        let pos = state.productionOrders.values.filter { $0.pegging?.salesOrder == so.id }.sorted { $0.id < $1.id }
        let steps = Dictionary(grouping: state.publishedSchedule?.steps ?? [], by: { "\($0.productionOrder.rawValue)/\($0.sequence)" })
        let body = fragment {
            el("p") {
                "Customer "
                el("strong", text: state.customers[so.customer]?.name ?? so.customer.rawValue)
                " · priority \(so.priority) · \(so.status.rawValue)"
            }
            el("h2", text: "Lines")
            Pages.table(
                ["Line", "Item", "Qty", "Requested", "Promised", "Forecast finish", "Status"],
                so.lines.map { line in
                    let f = forecasts.first { $0.line == line.line }
                    return [
                        .text(String(line.line)), .text(line.item.rawValue), .text(Format.quantity(line.quantity)),
                        .text(Format.dateTime(line.requestedDate, state.plantTimeZone)),
                        .text(line.promisedDate.map { Format.dateTime($0, state.plantTimeZone) } ?? "–"),
                        .text(f?.finish.map { Format.dateTime($0, state.plantTimeZone) } ?? (f?.note ?? "–")),
                        f.map { Pages.badge($0.verdict.words, $0.verdict.tone) }
                            ?? .text(state.shippedQuantity(salesOrder: so.id, line: line.line) + 1e-9 >= line.quantity ? "shipped" : "–"),
                    ]
                },
                empty: "No lines."
            )
            el("h2", text: "Production orders")
            if pos.isEmpty { el("p", ["class": "empty"], text: "No production order serves this customer order yet.") }
            for po in pos {
                el("section", ["class": "panel", "id": po.id.rawValue]) {
                    el("h3") {
                        Pages.link(po.id.rawValue, Pages.productionOrderPath(po.id))
                        " · \(Format.quantity(po.quantity)) × \(po.item.rawValue) (line \(po.pegging?.line ?? 0)) "
                        Pages.badge(po.status.rawValue, Self.tone(po.status))
                        " due \(Format.dateTime(po.dueDate, state.plantTimeZone))"
                    }
                    orderOperations(po, state)
                }
            }
            el("p") { Pages.link("Schedule of this order's work centers", "/schedule?zoom=week") }
        }
        return PageContent(title: "Customer order \(so.id.rawValue)", body: body)
    }
}
