public import Foundation
public import TaktCore
import TaktExchange
import XMLCoder

/// The messages an export writes: B2MML V0701 information objects as root elements in the B2MML namespace.
public enum B2MMLExportMessage: String, Sendable, CaseIterable {
    /// `OperationsPerformance`: per production order that has run, per operation what was produced (good, scrap,
    /// rework, the lots made), consumed (which lot, how much, by whom, when), by whom and on which work center, when.
    case operationsPerformance = "OperationsPerformance"
    /// `MaterialInformation`: the lots (item, quantity, status, location, supplier) with their genealogy: each lot
    /// made by an order lists the lots that order consumed as `AssemblyLot`s; the items of the lots as definitions.
    case materialInformation = "MaterialInformation"

    /// The message named in a path: `OperationsPerformance`, `operations-performance`, `MaterialInformation`, ….
    public static func named(_ text: String) -> B2MMLExportMessage? {
        let t = text.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ".xml", with: "")
        return allCases.first { $0.rawValue.lowercased() == t }
    }

    /// The file name an export writes: `OperationsPerformance.xml`.
    public var fileName: String { rawValue + ".xml" }
}

/// An export that has nothing to say: `OperationsPerformance` needs at least one order that has run (the schema
/// requires an `OperationsResponse`).
public struct B2MMLNothingToExport: Error, Sendable, Hashable, CustomStringConvertible, PresentableError {
    public var message: String
    public var description: String { message }
    public var presentation: ErrorPresentation {
        ErrorPresentation(status: 404, code: ErrorPresentation.Code(rawValue: "nothing-to-export"), title: "Nothing to export", message: message)
    }
}

/// The plant's state as B2MML V0701 messages (pure: the state and the time of publication in, XML text out). Dates are
/// written in the plant's time zone with its offset.
public enum B2MMLExport {
    public static let namespace = "http://www.mesa.org/xml/B2MML"

    /// The message as XML text.
    /// - Parameter lot: for `MaterialInformation`, only this lot and the lots it came from (its backward genealogy).
    /// - Throws: ``B2MMLNothingToExport`` when no order has run (`OperationsPerformance`) or the lot does not exist.
    public static func xml(_ message: B2MMLExportMessage, state: PlantState, now: Date, lot: Lot.ID? = nil) throws(B2MMLNothingToExport) -> String {
        let values = CSVValues(timeZone: CSVValues.plantTimeZone(state.sites.values))
        switch message {
        case .operationsPerformance:
            let performance = operationsPerformance(state, values: values, now: now)
            guard !performance.OperationsResponse.isEmpty else {
                throw B2MMLNothingToExport(message: "no production order has run yet: there is no operations performance to report")
            }
            return encode(performance, root: message.rawValue)
        case .materialInformation:
            var lots: [Lot]
            if let lot {
                guard let trace = state.trace(lot, direction: .backward) else {
                    throw B2MMLNothingToExport(message: "there is no lot '\(lot)'")
                }
                lots = trace.lots.compactMap { state.lots[$0.id] }
            } else {
                lots = state.lots.values.sorted { $0.id < $1.id }
            }
            lots.sort { $0.id < $1.id }
            return encode(materialInformation(lots, state: state, values: values, now: now), root: message.rawValue)
        }
    }

    static func encode(_ value: some Encodable, root: String) -> String {
        let encoder = XMLEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        encoder.prettyPrintIndentation = .spaces(2)
        do {
            let data = try encoder.encode(
                value,
                withRootKey: root,
                rootAttributes: ["xmlns": namespace],
                header: XMLHeader(version: 1.0, encoding: "UTF-8")
            )
            return String(decoding: data, as: UTF8.self) + "\n"
        } catch {
            // The values are strings, numbers and lists of them: XMLCoder does not fail on them.
            preconditionFailure("B2MML export could not be encoded: \(error)")
        }
    }

    /// The shortest text that reads back as the same number.
    static func number(_ value: Double) -> String { CSVValues.format(value) }

    static func list<T>(_ values: [T]) -> [T]? { values.isEmpty ? nil : values }

    // MARK: MaterialInformation

    static func materialInformation(_ lots: [Lot], state: PlantState, values: CSVValues, now: Date) -> OutMaterialInformation {
        var items: [Item.ID] = []
        for lot in lots where !items.contains(lot.item) { items.append(lot.item) }
        let definitions = items.sorted().compactMap { state.items[$0] }.map { item in
            OutMaterialDefinition(
                ID: item.id.rawValue,
                Description: [item.name],
                MaterialDefinitionProperty: [OutProperty("unit", item.unit.rawValue)],
                MaterialClassID: [item.kind.rawValue]
            )
        }
        return OutMaterialInformation(
            ID: "takt-lots-" + compact(values.format(now)),
            Description: ["Material lots and their genealogy, from Takt"],
            PublishedDate: values.format(now),
            MaterialDefinition: list(definitions),
            MaterialLot: list(lots.map { materialLot($0, state: state, values: values) })
        )
    }

    static func compact(_ date: String) -> String { date.filter { $0.isNumber } }

    static func disposition(_ status: LotStatus) -> String {
        switch status {
        case .available: "UnRestricted"
        case .onHold, .quarantine: "Restricted"
        case .consumed, .shipped, .scrapped, .returned: "Closed"
        }
    }

    static func materialLot(_ lot: Lot, state: PlantState, values: CSVValues) -> OutMaterialLot {
        let unit = state.items[lot.item]?.unit.rawValue
        var properties = [OutProperty("CreatedAt", values.format(lot.createdAt), type: "dateTime")]
        if let supplier = lot.supplier { properties.append(OutProperty("Supplier", supplier)) }
        if let supplierLot = lot.supplierLot { properties.append(OutProperty("SupplierLot", supplierLot)) }
        if let order = lot.productionOrder { properties.append(OutProperty("ProductionOrder", order.rawValue)) }
        // Genealogy: the lots the order that made this lot consumed, with how much of each.
        var inputs: [(lot: Lot.ID, item: Item.ID, quantity: Double)] = []
        if let order = lot.productionOrder {
            for c in state.consumptionsByOrder[order] ?? [] {
                if let i = inputs.firstIndex(where: { $0.lot == c.lot }) {
                    inputs[i].quantity += c.quantity
                } else {
                    inputs.append((c.lot, c.item, c.quantity))
                }
            }
        }
        let assembly = inputs.map { input in
            OutMaterialLot(
                ID: input.lot.rawValue,
                Description: ["consumed into \(lot.productionOrder?.rawValue ?? "")"],
                MaterialDefinitionID: input.item.rawValue,
                Quantity: [OutQuantity(input.quantity, unit: state.items[input.item]?.unit.rawValue)]
            )
        }
        return OutMaterialLot(
            ID: lot.id.rawValue,
            Description: nil,
            MaterialDefinitionID: lot.item.rawValue,
            Status: lot.status.rawValue,
            Disposition: disposition(lot.status),
            MaterialLotProperty: properties,
            StorageLocation: OutLocation(Location: lot.location.rawValue, LocationType: "Operational Location ID"),
            Quantity: [OutQuantity(lot.quantity, unit: unit)],
            AssemblyLot: list(assembly),
            AssemblyType: assembly.isEmpty ? nil : "Physical",
            AssemblyRelationship: assembly.isEmpty ? nil : "Permanent"
        )
    }

    // MARK: OperationsPerformance

    static func responseState(_ status: ProductionOrderStatus) -> String {
        switch status {
        case .planned: "Waiting"
        case .released: "Ready"
        case .inProgress: "Running"
        case .completed: "Completed"
        case .cancelled: "Aborted"
        }
    }

    static func segmentState(_ status: OperationStatus) -> String {
        switch status {
        case .waiting: "Waiting"
        case .running: "Running"
        case .paused: "Paused"
        case .completed: "Completed"
        }
    }

    static func operationsPerformance(_ state: PlantState, values: CSVValues, now: Date) -> OutOperationsPerformance {
        var responses: [OutOperationsResponse] = []
        for order in state.productionOrders.values.sorted(by: { $0.id < $1.id }) {
            let operations = state.operations[order.id] ?? []
            let ran = operations.contains { $0.startedAt != nil } || !(state.consumptionsByOrder[order.id] ?? []).isEmpty
            guard ran || order.status == .inProgress || order.status == .completed else { continue }
            let unit = state.items[order.item]?.unit.rawValue
            let consumptions = state.consumptionsByOrder[order.id] ?? []
            let outputs = (state.outputsByOrder[order.id] ?? []).map(\.rawValue)
            // The lots the order made are reported on its furthest operation that has run (Takt keeps them per order).
            let last = operations.filter { $0.startedAt != nil }.map(\.sequence).max() ?? operations.map(\.sequence).max()
            var segments: [OutSegmentResponse] = []
            for op in operations {
                segments.append(
                    segmentResponse(
                        op,
                        order: order,
                        unit: unit,
                        consumptions: consumptions,
                        outputs: op.sequence == last ? outputs : [],
                        state,
                        values
                    )
                )
            }
            guard !segments.isEmpty else { continue }
            let started = operations.compactMap(\.startedAt).min()
            responses.append(
                OutOperationsResponse(
                    ID: order.id.rawValue,
                    Description: ["\(number(order.quantity)) \(unit ?? "") of \(order.item)"],
                    StartTime: started.map(values.format),
                    EndTime: order.status == .completed ? order.completedAt.map(values.format) : nil,
                    OperationsType: "Production",
                    OperationsRequestID: [order.id.rawValue],
                    OperationsDefinitionID: [order.routing.rawValue],
                    ResponseState: responseState(order.status),
                    SegmentResponse: segments
                )
            )
        }
        return OutOperationsPerformance(
            ID: "takt-performance-" + compact(values.format(now)),
            Description: ["Operations performance of the production orders that have run, from Takt"],
            PublishedDate: values.format(now),
            OperationsType: "Production",
            OperationsResponse: responses
        )
    }

    static func segmentResponse(
        _ op: OperationProgress,
        order: ProductionOrder,
        unit: String?,
        consumptions: [Consumption],
        outputs: [String],
        _ state: PlantState,
        _ values: CSVValues
    ) -> OutSegmentResponse {
        // Who worked and where, from the work segments: minutes per operator and per work center.
        var people: [(User.ID, Double)] = []
        var equipment: [(WorkCenter.ID, Double)] = []
        for segment in op.segments {
            if let who = segment.operator {
                if let i = people.firstIndex(where: { $0.0 == who }) { people[i].1 += segment.minutes } else { people.append((who, segment.minutes)) }
            }
            if let i = equipment.firstIndex(where: { $0.0 == segment.workCenter }) {
                equipment[i].1 += segment.minutes
            } else {
                equipment.append((segment.workCenter, segment.minutes))
            }
        }
        if equipment.isEmpty, let wc = op.workCenter { equipment.append((wc, 0)) }
        let id = "\(order.id)-\(op.sequence)"
        var materials: [OutMaterialActual] = []
        if op.good > 0 || !outputs.isEmpty {
            materials.append(
                OutMaterialActual(
                    ID: "\(id)-produced",
                    MaterialDefinitionID: [order.item.rawValue],
                    MaterialLotID: list(outputs),
                    Description: [outputs.isEmpty ? "good quantity reported" : "good quantity reported; the lots the order made"],
                    MaterialUse: "Produced",
                    Quantity: [OutQuantity(op.good, unit: unit)]
                )
            )
        }
        for (n, c) in consumptions.filter({ $0.operation == op.sequence }).enumerated() {
            var properties = [OutProperty("ConsumedAt", values.format(c.at), type: "dateTime")]
            if let by = c.by { properties.append(OutProperty("ConsumedBy", by.rawValue)) }
            if let wc = c.workCenter { properties.append(OutProperty("WorkCenter", wc.rawValue)) }
            materials.append(
                OutMaterialActual(
                    ID: "\(id)-consumed-\(n + 1)",
                    MaterialDefinitionID: [c.item.rawValue],
                    MaterialLotID: [c.lot.rawValue],
                    Description: nil,
                    MaterialUse: "Consumed",
                    Quantity: [OutQuantity(c.quantity, unit: state.items[c.item]?.unit.rawValue)],
                    MaterialActualProperty: properties
                )
            )
        }
        let data = [
            OutProperty("Good", number(op.good), type: "double", unit: unit), OutProperty("Scrap", number(op.scrap), type: "double", unit: unit),
            OutProperty("Rework", number(op.rework), type: "double", unit: unit),
        ]
        return OutSegmentResponse(
            ID: id,
            Description: [op.name],
            ActualStartTime: op.startedAt.map(values.format),
            ActualEndTime: op.completedAt.map(values.format),
            OperationsType: "Production",
            OperationsRequestID: [order.id.rawValue],
            OperationsDefinitionID: [order.routing.rawValue],
            OperationsSegmentID: [String(op.sequence)],
            SegmentState: segmentState(op.status),
            SegmentData: data,
            PersonnelActual: list(
                people.map {
                    OutPersonnelActual(
                        ID: "\(id)-\($0.0)",
                        PersonID: [$0.0.rawValue],
                        Description: [state.users[$0.0]?.name ?? $0.0.rawValue],
                        PersonnelUse: "Operator",
                        Quantity: [OutQuantity($0.1, unit: "min")]
                    )
                }
            ),
            EquipmentActual: list(
                equipment.map {
                    OutEquipmentActual(
                        ID: "\(id)-\($0.0)",
                        EquipmentID: [$0.0.rawValue],
                        Description: [state.workCenters[$0.0]?.name ?? $0.0.rawValue],
                        EquipmentUse: "Production",
                        Quantity: [OutQuantity($0.1, unit: "min")]
                    )
                }
            ),
            MaterialActual: list(materials)
        )
    }
}
