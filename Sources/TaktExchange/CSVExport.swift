import Foundation
public import TaktCore

/// The plant's state as CSV tables, one per kind: the same format an import reads, so exports round-trip.
///
/// Rows are sorted by ID (lines in their order), dates are written in the plant's time zone with its offset, numbers in
/// their shortest form. What an export leaves out: sales orders already shipped, lots no longer in stock (consumed,
/// shipped, scrapped, returned), tokens and passwords.
public enum CSVExport {
    /// The table of one kind.
    public static func table(_ kind: CSVKind, state: PlantState) -> CSVTable {
        let values = CSVValues(timeZone: CSVValues.plantTimeZone(state.sites.values))
        return CSVTable(header: kind.header, rows: rows(kind, state: state, values: values))
    }

    /// The file of one kind, as text.
    public static func text(_ kind: CSVKind, state: PlantState) -> String { table(kind, state: state).text() }

    /// The template of one kind: its header row alone.
    public static func template(_ kind: CSVKind) -> String { CSVTable(header: kind.header, rows: []).text() }

    static func rows(_ kind: CSVKind, state s: PlantState, values v: CSVValues) -> [[String]] {
        typealias F = CSVValues
        switch kind {
        case .sites:
            return s.sites.values.sorted { $0.id < $1.id }.map { [$0.id.rawValue, $0.name, $0.timeZone] }
        case .skills:
            return s.skills.values.sorted { $0.id < $1.id }.map { [$0.id.rawValue, $0.name] }
        case .workInstructions:
            return s.workInstructions.values.sorted { $0.id < $1.id }.map { [$0.id.rawValue, $0.title, $0.revision, $0.text] }
        case .workCenters:
            return s.workCenters.values.sorted { $0.id < $1.id }.flatMap { wc -> [[String]] in
                let common = [
                    wc.id.rawValue, wc.name, wc.site.rawValue, wc.kind.rawValue, String(wc.capacity), F.list(wc.setupFamilies),
                    F.format(wc.defaultChangeoverMinutes), F.list(wc.setupTransitions.map { "\($0.from)>\($0.to)=\(F.format($0.minutes))" }),
                ]
                if wc.shifts.isEmpty { return [common + ["", "", "", ""]] }
                return wc.shifts.map { shift in
                    common + [shift.name, F.list(shift.days.map { CSVValues.weekdayNames[$0] ?? "" }), shift.start, shift.end]
                }
            }
        case .downtime:
            return s.workCenters.values.sorted { $0.id < $1.id }.flatMap { wc in
                wc.plannedDowntime.map { [wc.id.rawValue, v.format($0.start), v.format($0.end), $0.reason] }
            }
        case .locations:
            return s.locations.values.sorted { $0.id < $1.id }.map {
                [$0.id.rawValue, $0.name, $0.site.rawValue, $0.kind.rawValue, $0.workCenter?.rawValue ?? "", F.format($0.stagingLeadMinutes)]
            }
        case .items:
            return s.items.values.sorted { $0.id < $1.id }.map { [$0.id.rawValue, $0.name, $0.kind.rawValue, $0.unit.rawValue] }
        case .customers:
            return s.customers.values.sorted { $0.id < $1.id }.map { [$0.id.rawValue, $0.name, String($0.priority)] }
        case .users:
            return s.users.values.sorted { $0.id < $1.id }.map { u in
                let certifications = u.certifications.map { c in c.validUntil.map { "\(c.skill.rawValue)@\(v.format($0))" } ?? c.skill.rawValue }
                return [u.id.rawValue, u.name, F.list(u.roles.map(\.rawValue)), F.list(certifications), String(u.active)]
            }
        case .boms:
            return s.boms.values.sorted { $0.id < $1.id }.flatMap { bom in
                bom.components.map { c in
                    [
                        bom.id.rawValue, bom.item.rawValue, c.item.rawValue, F.format(c.quantity), s.items[c.item]?.unit.rawValue ?? "",
                        F.list(c.substitutes.map(\.rawValue)), F.format(c.operation),
                    ]
                }
            }
        case .routings:
            return s.routings.values.sorted { $0.id < $1.id }.flatMap { routing in
                routing.operations.flatMap { op in
                    op.workCenters.map { e in
                        [
                            routing.id.rawValue, routing.item.rawValue, String(op.sequence), op.name, e.workCenter.rawValue, F.format(e.setupMinutes),
                            F.format(e.runMinutesPerUnit), op.requiredSkill?.rawValue ?? "", op.workInstruction?.rawValue ?? "", op.setupFamily ?? "",
                            F.format(op.transferBatch), String(op.inspectionRequired),
                        ]
                    }
                }
            }
        case .salesOrders:
            return s.salesOrders.values.filter { $0.status != .shipped }.sorted { $0.id < $1.id }.flatMap { order in
                order.lines.map { line in
                    [
                        order.id.rawValue, order.customer.rawValue, String(order.priority), order.status.rawValue, String(line.line),
                        line.item.rawValue,
                        F.format(line.quantity), s.items[line.item]?.unit.rawValue ?? "", v.format(line.requestedDate), v.format(line.promisedDate),
                        "",
                    ]
                }
            }
        case .productionOrders:
            return s.productionOrders.values.sorted { $0.id < $1.id }.map { o in
                [
                    o.id.rawValue, o.item.rawValue, F.format(o.quantity), s.items[o.item]?.unit.rawValue ?? "", o.routing.rawValue,
                    v.format(o.dueDate),
                    String(o.priority), o.status.rawValue, o.pegging?.salesOrder.rawValue ?? "", F.format(o.pegging?.line), o.cancelReason ?? "",
                ]
            }
        case .lots:
            return s.lots.values.filter { CSVExport.inStock.contains($0.status) }.sorted { $0.id < $1.id }.map { lot in
                [
                    lot.id.rawValue, lot.item.rawValue, F.format(lot.quantity), s.items[lot.item]?.unit.rawValue ?? "", lot.location.rawValue,
                    lot.status.rawValue, lot.supplierLot ?? "", lot.supplier ?? "", lot.productionOrder?.rawValue ?? "", "",
                ]
            }
        }
    }

    /// The lot statuses an export writes and an import creates: the lots in stock.
    public static let inStock: Set<LotStatus> = [.available, .onHold, .quarantine]
}
