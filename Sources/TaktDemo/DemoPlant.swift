public import Foundation
public import TaktCore

/// The demo plant: a mid-size pump manufacturer, generated deterministically as the commands that build it.
///
/// Purchased castings, bar stock, motors, seals and bearings are machined, welded, painted, assembled, tested
/// and packed into finished pumps. Scale 1 has about 12 work centers, 40 items, 25 sales orders and 60 production
/// orders; scale N has N product lines with their own machining cells and lines, so every count grows about N-fold.
public struct DemoPlant {
    /// The one site of the demo plant.
    public static let site: Site.ID = "PLANT-1"

    /// The commands that build the demo plant, in an order in which each is accepted by ``PlantState/decide(_:actor:now:)``.
    /// - Parameters:
    ///   - seed: the random seed; the same seed, scale and start always give the same commands.
    ///   - scale: 1 or more (the caller validates); values below 1 are treated as 1.
    ///   - start: the demo's "now", midnight UTC of a day; every date in the plant is relative to it.
    /// - Returns: the commands, to be decided and applied in order.
    public static func commands(seed: UInt64, scale: Int, start: Date) -> [Command] {
        var builder = DemoPlantBuilder(seed: seed, scale: max(1, scale), start: start)
        builder.build()
        return builder.commands
    }
}

/// Generates the plant from ``DemoCatalog`` in stages: structure, products, partners and people, demand, supply.
struct DemoPlantBuilder {
    private(set) var commands: [Command] = []
    /// Releases, starts, completions and cancellations of the production orders, recorded once the purchased
    /// material is in stock, so that releasing reserves it and asks for staging as it would in the plant.
    private var orderTransitions: [Command] = []
    /// Work instructions defined so far (each once, before the first routing that names it).
    private var instructions: Set<WorkInstruction.ID> = []
    private var rng: SeededRandom
    private let scale: Int
    private let start: Date
    private let berlin = TimeZone(identifier: "Europe/Berlin") ?? TimeZone(secondsFromGMT: 3600) ?? .gmt

    // What earlier stages made, for later ones to refer to.
    private var stations: [String: [[WorkCenter.ID]]] = [:]  // station code → cells (one per product line)
    private var lineSide: [WorkCenter.ID: Location.ID] = [:]
    private var variants: [Variant] = []
    private var customers: [Customer] = []
    private var salesLines: [SalesLine] = []
    private var orders: [PlannedOrder] = []
    private var bomComponents: [Item.ID: [BOMComponent]] = [:]
    /// Each semi-finished item: its variant and the batch it is made in.
    private var parts: [Item.ID: (variant: Variant, batch: Double)] = [:]
    /// Each made item's routing on its preferred work centers: setup minutes, run minutes per unit, its operations, and
    /// the kinds of work center it passes.
    private var routingWork: [Item.ID: (setup: Double, run: Double, operations: Int, kinds: Set<WorkCenterKind>)] = [:]
    private var workCenterKind: [WorkCenter.ID: WorkCenterKind] = [:]
    /// Semi-finished stock from earlier months, decided before the MRP run nets against it; created with the lots.
    private var earlierStock: [(item: Item.ID, quantity: Double)] = []
    /// Purchased stock received so far that can be used (not in quarantine, not on hold).
    private var onHand: [Item.ID: Double] = [:]
    private var purchasedLots: [Lot.ID: (item: Item.ID, quantity: Double)] = [:]
    /// Each purchased item's supplier and product line (its index).
    private var supplierOf: [Item.ID: DemoCatalog.Supplier] = [:]
    private var lineOf: [Item.ID: Int] = [:]
    /// The items of the late purchase order of each product line (see ``planLatePurchaseOrders()``).
    private var lateOrders: [[Item.ID]] = []
    private var late: Set<Item.ID> { Set(lateOrders.joined()) }
    private var lotNumber = 0

    private let store: Location.ID = "LOC-STORE"
    private let receiving: Location.ID = "LOC-RECEIVING"
    private let quarantine: Location.ID = "LOC-QUARANTINE"
    private let shipping: Location.ID = "LOC-SHIPPING"

    /// The items of one pump variant (product line × size), from finished pump down to castings.
    struct Variant {
        let line: DemoCatalog.ProductLine
        let lineCode: String
        let lineIndex: Int
        let size: DemoCatalog.PumpSize
        var code: String { "\(lineCode)-\(size.code)" }
        var pump: Item.ID { Item.ID("P-\(code)") }
        var unit: Item.ID { Item.ID("PU-\(code)") }
        var housing: Item.ID { Item.ID("MH-\(code)") }
        var impeller: Item.ID { Item.ID("MI-\(code)") }
        var shaft: Item.ID { Item.ID("SH-\(code)") }
        var baseplate: Item.ID { Item.ID("BP-\(code)") }
        var housingCasting: Item.ID { Item.ID("CH-\(code)") }
        var impellerCasting: Item.ID { Item.ID("CI-\(code)") }
        var motor: Item.ID { Item.ID("MOT-\(code)") }
        var bearing: Item.ID { Item.ID("BRG-\(code)") }
        var seal: Item.ID { Item.ID("SEAL-\(code)") }
        // Shared by the sizes of a product line.
        var bar: Item.ID { Item.ID("BAR-\(lineCode)") }
        var barAlt: Item.ID { Item.ID("BAR-\(lineCode)-ALT") }
        var paint: Item.ID { Item.ID("PAINT-\(lineCode)") }
        var paintAlt: Item.ID { Item.ID("PAINT-\(lineCode)-ALT") }
        var crate: Item.ID { Item.ID("CRATE-\(lineCode)") }
        var fasteners: Item.ID { Item.ID("FAST-\(lineCode)") }
        var profile: Item.ID { Item.ID("PROF-\(lineCode)") }
        var housingFamily: String { size.large ? "large-housing" : "small-housing" }
    }

    struct SalesLine {
        let order: SalesOrder.ID
        let line: Int
        let variant: Variant
        let quantity: Double
        let requested: Date
        let priority: Int
    }

    struct PlannedOrder {
        var id: ProductionOrder.ID = "PO-000000"
        /// Names the order in the MRP run's pegs (the order it was planned in: finished first, then level by level).
        let key: Int
        let item: Item.ID
        let kind: ItemKind
        let variant: Variant
        let quantity: Double
        /// Due on this day after the start (a workday, midnight UTC).
        let dueDay: Int
        var priority: Int
        let pegging: Pegging?
        /// The orders that consume this one's output, and how much each (semi-finished orders of the MRP run).
        var consumers: [DemoMRP.Peg] = []
        var status: ProductionOrderStatus = .planned
    }

    init(seed: UInt64, scale: Int, start: Date) {
        self.rng = SeededRandom(seed: seed)
        self.scale = scale
        self.start = TaktJSON.wholeSeconds(start)
    }

    mutating func build() {
        defineStructure()
        defineProducts()
        definePartnersAndPeople()
        createSalesOrders()
        createProductionOrders()
        createLots()
        // The material check after all the stock is booked: the shortages recorded while orders were released against a
        // store still being filled give way to those the plant really projects.
        commands.append(.checkMaterial(CheckMaterial()))
        // The playbooks last, so that nothing the demo itself records triggers them.
        commands += DemoPlaybooks.all.map { .definePlaybook($0) }
    }

    // MARK: - Time

    /// `days` after the start (midnight UTC), whole seconds.
    private func day(_ days: Int) -> Date { start.addingTimeInterval(Double(days) * 86_400) }

    /// Local wall-clock `hour` in Berlin on the calendar day `days` after the start.
    private func local(_ days: Int, hour: Int) -> Date {
        let naive = day(days).addingTimeInterval(Double(hour) * 3_600)
        return naive.addingTimeInterval(-Double(berlin.secondsFromGMT(for: naive)))
    }

    private var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? .gmt
        return calendar
    }

    /// Whether the calendar day `days` after the start is Monday to Friday.
    private func isWorkday(_ days: Int) -> Bool {
        (2...6).contains(utc.component(.weekday, from: day(days)))  // 1 = Sunday
    }

    /// The first workday on or after `days` after the start (or on or before it, going `back`).
    private func workday(_ days: Int, back: Bool = false) -> Date { day(workdayIndex(days, back: back)) }

    /// The end of the Berlin day `days` after the start (23:59:59): a due date given as a day (``PlantDay``).
    private func endOfDay(_ days: Int) -> Date { local(days + 1, hour: 0).addingTimeInterval(-1) }

    /// The due instant of work wanted when the day `days` after the start begins: the end of the day before it, as a
    /// date given as a day means (``PlantDay``), so an order wanted on Monday morning is due by the end of Sunday.
    private func due(_ days: Int) -> Date { endOfDay(days - 1) }

    /// The number of the first workday on or after the day `days` after the start (or on or before it, going `back`).
    private func workdayIndex(_ days: Int, back: Bool = false) -> Int {
        var d = days
        while !isWorkday(d) { d += back ? -1 : 1 }
        return d
    }

    /// The workday `count` workdays before the day `days` after the start.
    private func workdays(_ count: Int, before days: Int) -> Int {
        var d = days
        var left = count
        while left > 0 {
            d -= 1
            if isWorkday(d) { left -= 1 }
        }
        return d
    }

    /// The whole days from the start to `date`.
    private func dayIndex(_ date: Date) -> Int { Int((date.timeIntervalSince(start) / 86_400).rounded(.down)) }

    // MARK: - Structure: site, skills, work centers, locations

    private mutating func defineStructure() {
        commands.append(.defineSite(Site(id: DemoPlant.site, name: "Pump plant Neustadt", timeZone: "Europe/Berlin")))
        for skill in DemoCatalog.skills {
            commands.append(.defineSkill(Skill(id: Skill.ID(skill.code), name: skill.name)))
        }
        // Planned maintenance on the first (preferred) machining center, on a workday in the coming week.
        let maintenanceDay = (2...8).first(where: isWorkday) ?? 2
        for station in DemoCatalog.stations {
            var cells: [[WorkCenter.ID]] = []
            var number = 0
            for _ in 0..<scale {
                var cell: [WorkCenter.ID] = []
                for _ in 0..<station.perLine {
                    number += 1
                    let id = WorkCenter.ID("WC-\(station.code)-\(number)")
                    let downtime =
                        id == "WC-MILL-1"
                        ? [
                            Downtime(
                                start: local(maintenanceDay, hour: 6),
                                end: local(maintenanceDay, hour: 14),
                                reason: "Preventive maintenance: spindle bearing replacement"
                            )
                        ]
                        : []
                    commands.append(
                        .defineWorkCenter(
                            WorkCenter(
                                id: id,
                                name: "\(station.name) \(number)",
                                site: DemoPlant.site,
                                kind: station.kind,
                                capacity: station.capacity,
                                shifts: DemoCatalog.shifts,
                                plannedDowntime: downtime,
                                setupFamilies: station.setupFamilies,
                                defaultChangeoverMinutes: station.changeoverMinutes,
                                setupTransitions: station.transitions
                            )
                        )
                    )
                    cell.append(id)
                    workCenterKind[id] = station.kind
                }
                cells.append(cell)
            }
            stations[station.code] = cells
        }

        let sharedLocations: [(Location.ID, String, LocationKind)] = [
            (store, "Main store", .store), (receiving, "Goods receiving", .receiving),
            (quarantine, "Quarantine cage", .quarantine), (shipping, "Shipping dock", .shipping),
        ]
        for (id, name, kind) in sharedLocations {
            commands.append(.defineLocation(Location(id: id, name: name, site: DemoPlant.site, kind: kind)))
        }
        for station in DemoCatalog.stations {
            for wc in (stations[station.code] ?? []).joined() {
                let id = Location.ID("LS-\(wc.rawValue.dropFirst(3))")
                lineSide[wc] = id
                commands.append(
                    .defineLocation(Location(id: id, name: "Line side \(wc)", site: DemoPlant.site, kind: .lineSide, workCenter: wc))
                )
            }
        }
    }

    // MARK: - Products: items, bills of materials, routings

    private mutating func defineProducts() {
        let catalog = DemoCatalog.productLines
        for index in 0..<scale {
            let line = catalog[index % catalog.count]
            let generation = index / catalog.count
            let lineCode = generation == 0 ? line.code : "\(line.code)\(generation + 1)"
            for size in line.sizes {
                variants.append(Variant(line: line, lineCode: lineCode, lineIndex: index, size: size))
            }
        }
        for (index, variant) in variants.enumerated() {
            if index % 3 == 0 { defineLineMaterials(variant) }
            defineItems(variant)
        }
        for variant in variants { defineBOMs(variant) }
        for variant in variants { defineRoutings(variant) }
    }

    private mutating func item(_ id: Item.ID, _ name: String, _ kind: ItemKind, _ unit: UnitOfMeasure = .each) {
        commands.append(.defineItem(Item(id: id, name: name, kind: kind, unit: unit)))
    }

    private mutating func defineLineMaterials(_ v: Variant) {
        let line = "\(v.lineCode) line"
        item(v.bar, "Bar stock 1.4021 for shafts, \(line)", .purchased, .meter)
        item(v.barAlt, "Bar stock 1.4021 for shafts (alternate mill), \(line)", .purchased, .meter)
        item(v.paint, "Paint \(v.line.paint), \(line)", .purchased, .kilogram)
        item(v.paintAlt, "Paint \(v.line.paint) (second source), \(line)", .purchased, .kilogram)
        item(v.crate, "Export crate, \(line)", .purchased)
        item(v.fasteners, "Fastener kit A4, \(line)", .purchased)
        item(v.profile, "Steel U-profile S235 for baseplates, \(line)", .purchased, .meter)
        typealias S = DemoCatalog
        for (material, supplier) in [
            (v.bar, S.steelSupplier), (v.barAlt, S.steelSupplierAlt), (v.paint, S.paintSupplier),
            (v.paintAlt, S.paintSupplierAlt), (v.crate, S.packagingSupplier), (v.fasteners, S.fastenerSupplier),
            (v.profile, S.steelSupplier),
        ] {
            (lineOf[material], supplierOf[material]) = (v.lineIndex, supplier)
        }
    }

    private mutating func defineItems(_ v: Variant) {
        let name = "\(v.lineCode) \(v.size.code)"
        item(v.housingCasting, "Housing casting \(name) (EN-GJL-250)", .purchased)
        item(v.impellerCasting, "Impeller casting \(name) (CC480K bronze)", .purchased)
        item(v.motor, "Motor \(v.size.motorText) kW IE3, \(name)", .purchased)
        item(v.bearing, "Bearing set \(name)", .purchased)
        item(v.seal, "Mechanical seal \(name)", .purchased)
        typealias S = DemoCatalog
        for (material, supplier) in [
            (v.housingCasting, S.castingSupplier), (v.impellerCasting, S.castingSupplier), (v.motor, S.motorSupplier),
            (v.bearing, S.bearingSupplier), (v.seal, S.sealSupplier),
        ] {
            (lineOf[material], supplierOf[material]) = (v.lineIndex, supplier)
        }
        item(v.housing, "Machined housing \(name)", .semiFinished)
        item(v.impeller, "Machined impeller \(name)", .semiFinished)
        item(v.shaft, "Shaft \(name)", .semiFinished)
        item(v.baseplate, "Welded baseplate \(name)", .semiFinished)
        item(v.unit, "Pump unit \(name) (housing assembly)", .semiFinished)
        item(v.pump, "Pump \(name) \(v.line.name), \(v.size.motorText) kW", .finished)
        let batch = DemoCatalog.batchSizes
        for (part, size) in [
            (v.unit, batch.unit), (v.housing, batch.housing), (v.impeller, batch.impeller), (v.shaft, batch.shaft),
            (v.baseplate, batch.baseplate),
        ] {
            parts[part] = (v, size)
        }
    }

    private mutating func defineBOMs(_ v: Variant) {
        let boms: [(Item.ID, [BOMComponent])] = [
            (
                v.pump,
                [
                    .init(item: v.unit, quantity: 1), .init(item: v.motor, quantity: 1), .init(item: v.baseplate, quantity: 1),
                    .init(item: v.fasteners, quantity: 1), .init(item: v.crate, quantity: 1),
                ]
            ),
            (
                v.unit,
                [
                    .init(item: v.housing, quantity: 1), .init(item: v.impeller, quantity: 1), .init(item: v.shaft, quantity: 1),
                    .init(item: v.bearing, quantity: 1), .init(item: v.seal, quantity: 1),
                    .init(item: v.paint, quantity: v.size.large ? 0.8 : 0.4, substitutes: [v.paintAlt]),
                ]
            ),
            (v.housing, [.init(item: v.housingCasting, quantity: 1)]),
            (v.impeller, [.init(item: v.impellerCasting, quantity: 1)]),
            (v.shaft, [.init(item: v.bar, quantity: v.size.large ? 0.9 : 0.5, substitutes: [v.barAlt])]),
            (
                v.baseplate,
                [
                    .init(item: v.profile, quantity: v.size.large ? 3.6 : 2.2),
                    .init(item: v.paint, quantity: 0.3, substitutes: [v.paintAlt]),
                ]
            ),
        ]
        for (parent, components) in boms {
            commands.append(.defineBOM(BOM(id: BOM.ID("BOM-\(parent.rawValue)"), item: parent, components: components)))
            bomComponents[parent] = components
        }
    }

    /// The stations of `code` in the cell of a product line: preferred first, then the alternatives.
    private func cell(_ code: String, _ v: Variant) -> [WorkCenter.ID] { stations[code]?[v.lineIndex] ?? [] }

    /// Eligible work centers; later ones in a cell are older machines, slower by `slower` per position.
    private func eligible(_ code: String, _ v: Variant, setup: Double, run: Double, slower: Double = 0.3) -> [EligibleWorkCenter] {
        cell(code, v).enumerated().map { position, wc in
            EligibleWorkCenter(workCenter: wc, setupMinutes: setup, runMinutesPerUnit: (run * (1 + slower * Double(position))).rounded())
        }
    }

    private mutating func defineRoutings(_ v: Variant) {
        let big = v.size.large ? 1.6 : 1.0
        var documents: [WorkInstruction] = []
        /// `wi` reads "WI-MACH-210 rev B": the document and its current revision.
        func op(
            _ sequence: Int,
            _ name: String,
            _ wcs: [EligibleWorkCenter],
            skill: String? = nil,
            wi: String? = nil,
            family: String? = nil,
            batch: Double? = nil,
            inspection: Bool = false
        ) -> RoutingOperation {
            let parts = wi.map { $0.components(separatedBy: " rev ") }
            let document = parts.map {
                WorkInstruction(
                    id: WorkInstruction.ID($0[0]),
                    title: name,
                    revision: $0.count > 1 ? $0[1] : "A",
                    text: "Read the drawing, check the tooling list, then: \(name.lowercased())."
                )
            }
            if let document { documents.append(document) }
            return RoutingOperation(
                sequence: sequence,
                name: name,
                workCenters: wcs,
                requiredSkill: skill.map { Skill.ID($0) },
                workInstruction: document?.id,
                setupFamily: family,
                transferBatch: batch,
                inspectionRequired: inspection
            )
        }
        let routings: [(Item.ID, [RoutingOperation])] = [
            (
                v.housing,
                [
                    op(
                        10,
                        "Mill flanges and faces",
                        eligible("MILL", v, setup: 45, run: 18 * big),
                        skill: "cnc-milling",
                        wi: "WI-MACH-210 rev B",
                        family: v.housingFamily,
                        batch: 5
                    ),
                    op(
                        20,
                        "Turn bore and seal seat",
                        eligible("LATHE", v, setup: 35, run: 14 * big),
                        skill: "cnc-turning",
                        wi: "WI-MACH-220 rev A",
                        family: v.housingFamily
                    ),
                ]
            ),
            (
                v.impeller,
                [
                    op(
                        10,
                        "Turn impeller hub and shroud",
                        eligible("LATHE", v, setup: 25, run: 9 * big),
                        skill: "cnc-turning",
                        wi: "WI-MACH-230 rev C",
                        family: "impeller"
                    ),
                    op(20, "Balance impeller (G2.5)", eligible("BAL", v, setup: 10, run: 6), wi: "WI-BAL-240 rev A"),
                ]
            ),
            (
                v.shaft,
                [
                    op(10, "Saw bar stock to length", eligible("SAW", v, setup: 5, run: 2)),
                    op(
                        20,
                        "Turn shaft",
                        eligible("LATHE", v, setup: 30, run: 7 * big),
                        skill: "cnc-turning",
                        wi: "WI-MACH-250 rev B",
                        family: "shaft",
                        batch: 10
                    ),
                    op(30, "Mill keyways", eligible("MILL", v, setup: 20, run: 4), skill: "cnc-milling", family: "shaft"),
                ]
            ),
            (
                v.baseplate,
                [
                    op(10, "Weld baseplate", eligible("WELD", v, setup: 20, run: 35 * big), skill: "welding", wi: "WI-WELD-300 rev A"),
                    op(20, "Paint baseplate", eligible("PAINT", v, setup: 15, run: 12 * big), skill: "painting", wi: "WI-PAINT-310 rev B"),
                ]
            ),
            (
                v.unit,
                [
                    op(
                        10,
                        "Assemble pump unit",
                        eligible("ASSY", v, setup: 10, run: 40 * big, slower: 0.15),
                        skill: "assembly",
                        wi: "WI-ASSY-100 rev C"
                    ),
                    op(20, "Paint pump unit", eligible("PAINT", v, setup: 15, run: 14 * big), skill: "painting", wi: "WI-PAINT-310 rev B"),
                ]
            ),
            (
                v.pump,
                [
                    op(
                        10,
                        "Mount motor and align coupling",
                        eligible("ASSY", v, setup: 10, run: 30 * big, slower: 0.15),
                        skill: "assembly",
                        wi: "WI-ASSY-110 rev B"
                    ),
                    op(
                        20,
                        "Performance and leak test",
                        eligible("TEST", v, setup: 20, run: 25 * big),
                        skill: "testing",
                        wi: "WI-TEST-500 rev D",
                        inspection: true
                    ),
                    op(30, "Pack and label", eligible("PACK", v, setup: 5, run: 12 * big), wi: "WI-PACK-600 rev A"),
                ]
            ),
        ]
        for document in documents where instructions.insert(document.id).inserted {
            commands.append(.defineWorkInstruction(document))
        }
        for (made, operations) in routings {
            commands.append(.defineRouting(Routing(id: routingID(made), item: made, operations: operations)))
            let preferred = operations.compactMap(\.workCenters.first)
            routingWork[made] = (
                preferred.reduce(0) { $0 + $1.setupMinutes }, preferred.reduce(0) { $0 + $1.runMinutesPerUnit }, operations.count,
                Set(preferred.compactMap { workCenterKind[$0.workCenter] })
            )
        }
    }

    private func routingID(_ item: Item.ID) -> Routing.ID { Routing.ID("RT-\(item.rawValue)") }

    // MARK: - Partners and people

    private mutating func definePartnersAndPeople() {
        let names = DemoCatalog.customers
        for index in 0..<(10 * scale) {
            let round = index / names.count
            let name = names[index % names.count] + (round == 0 ? "" : " (plant \(round + 1))")
            let customer = Customer(id: Customer.ID(String(format: "CUST-%04d", index + 1)), name: name, priority: rng.int(1...5))
            customers.append(customer)
            commands.append(.defineCustomer(customer))
        }

        for person in DemoCatalog.staff {
            commands.append(.createUser(User(id: User.ID(person.code), name: person.name, roles: person.roles)))
        }
        let people = DemoCatalog.operators
        for index in 0..<(4 * scale) {
            let round = index / people.count
            let person = people[index % people.count]
            let code = "op-\(person.code)" + (round == 0 ? "" : "\(round + 1)")
            let skills = DemoCatalog.operatorSkills[index % DemoCatalog.operatorSkills.count]
            let certifications = skills.enumerated().map { position, skill in
                Certification(skill: Skill.ID(skill), validUntil: validity(operator: index, position: position))
            }
            commands.append(.createUser(User(id: User.ID(code), name: person.name, roles: [.operator], certifications: certifications)))
        }
    }

    /// Op-ben's welding certificate runs out within ten days; op-deniz's assembly one has expired; others are valid.
    private mutating func validity(operator index: Int, position: Int) -> Date? {
        switch (index, position) {
        case (1, 0): day(9)
        case (3, 0): day(-20)
        default: position == 1 && index % 2 == 0 ? nil : day(rng.int(200...700))
        }
    }

    // MARK: - Demand: sales orders

    private mutating func createSalesOrders() {
        for number in 1...(25 * scale) {
            let id = SalesOrder.ID(String(format: "SO-%05d", 10_000 + number))
            guard let customer = rng.pick(customers) else { break }
            let rush = rng.chance(0.1)
            let priority = rush ? 1 : customer.priority
            let lineCount = rng.chance(0.5) ? 1 : (rng.chance(0.7) ? 2 : 3)
            var chosen: [Variant] = []
            while chosen.count < lineCount {
                guard let v = rng.pick(variants) else { break }
                if !chosen.contains(where: { $0.code == v.code }) { chosen.append(v) }
            }
            var lines: [SalesOrderLine] = []
            var requestedDays: [Int: Int] = [:]
            for (position, v) in chosen.enumerated() {
                let quantity = Double(v.size.large ? rng.int(1...3) : rng.int(2...8))
                let requestedDay = workdayIndex(rush ? rng.int(10...14) : rng.int(12...27))
                let requested = day(requestedDay)
                requestedDays[(position + 1) * 10] = requestedDay
                lines.append(SalesOrderLine(line: (position + 1) * 10, item: v.pump, quantity: quantity, requestedDate: due(requestedDay)))
                salesLines.append(
                    SalesLine(order: id, line: (position + 1) * 10, variant: v, quantity: quantity, requested: requested, priority: priority)
                )
            }
            commands.append(.createSalesOrder(NewSalesOrder(id: id, customer: customer.id, priority: rush ? 1 : nil, lines: lines)))
            for line in lines where rng.chance(0.45) {
                let promised = due((requestedDays[line.line] ?? dayIndex(line.requestedDate)) + rng.int(0...3))
                commands.append(.promiseSalesOrderLine(PromiseSalesOrderLine(salesOrder: id, line: line.line, promisedDate: promised)))
            }
        }
    }

    // MARK: - Production orders: what the planner's MRP run left on the books

    /// The orders a planner would have: finished pumps for the customer lines, the semi-finished parts they need from an
    /// MRP run, make-to-stock batches up to about 60 orders per product line, and progress that follows urgency.
    private mutating func createProductionOrders() {
        let total = 60 * scale
        // Finished pumps to order, pegged to sales order lines, due two workdays before the customer asked for them
        // (some lines are not planned yet: order entry has not released them to production).
        for line in salesLines where orders.count < total / 2 && rng.chance(0.7) {
            orders.append(
                PlannedOrder(
                    key: orders.count,
                    item: line.variant.pump,
                    kind: .finished,
                    variant: line.variant,
                    quantity: line.quantity,
                    dueDay: workdayIndex(dayIndex(line.requested) - 2, back: true),
                    priority: line.priority,
                    pegging: Pegging(salesOrder: line.order, line: line.line)
                )
            )
        }
        planEarlierStock()
        planSemiFinished()
        fillMakeToStock(upTo: total)

        // Numbered by due date, as a planner would have created them over time.
        orders = orders.enumerated().sorted { ($0.element.dueDay, $0.offset) < ($1.element.dueDay, $1.offset) }.map(\.element)
        for index in orders.indices { orders[index].id = ProductionOrder.ID(String(format: "PO-%06d", index + 1)) }
        assignProgress()

        for order in orders {
            commands.append(
                .createProductionOrder(
                    NewProductionOrder(
                        id: order.id,
                        item: order.item,
                        quantity: order.quantity,
                        routing: routingID(order.item),
                        dueDate: due(order.dueDay),
                        priority: order.priority,
                        pegging: order.pegging
                    )
                )
            )
        }
        for order in orders {
            let ref = ProductionOrderRef(productionOrder: order.id)
            switch order.status {
            case .planned: break
            case .released: orderTransitions.append(.releaseProductionOrder(ref))
            case .inProgress: orderTransitions += [.releaseProductionOrder(ref), .startProductionOrder(ref)]
            case .completed: orderTransitions += [.releaseProductionOrder(ref), .startProductionOrder(ref), .completeProductionOrder(ref)]
            case .cancelled:
                let reasons = order.kind == .finished ? Array(DemoCatalog.cancelReasons.dropFirst()) : [DemoCatalog.cancelReasons[0]]
                orderTransitions.append(.cancelProductionOrder(CancelProductionOrder(productionOrder: order.id, reason: rng.pick(reasons) ?? "")))
            }
        }
    }

    /// Semi-finished parts in the store from earlier months (housings, shafts, impellers of a few variants): decided
    /// before the MRP run, which nets against them; the lots are created with the rest of the stock.
    private mutating func planEarlierStock() {
        for k in 0..<(3 * scale) {
            let v = variants[(k * 4 + 2) % variants.count]
            earlierStock.append(([v.housing, v.shaft, v.impeller][k % 3], Double(rng.int(3...12))))
        }
    }

    /// The MRP run (``DemoMRP``): level by level from the finished orders, the net requirement of each semi-finished
    /// part (BOM quantity × parent quantity, needed when the parent starts: its due date less its planned lead time —
    /// its routing's work in workdays, at least one, and a day of queueing per operation), net of the stock from earlier
    /// months, in whole batches, with the parent's priority. The parts of the first rush orders fall due before today:
    /// the plant is behind on them, as MRP's "past due" messages say every Monday.
    private mutating func planSemiFinished() {
        let mrp = DemoMRP(
            components: bomComponents,
            planned: Set(parts.keys),
            batch: { [parts] in parts[$0]?.batch ?? 1 },
            leadDays: { [routingWork] item, quantity in
                guard let routing = routingWork[item] else { return 1 }
                let work = Int(((routing.setup + routing.run * quantity) / DemoCatalog.workingMinutesPerDay).rounded(.up))
                return max(1, work + routing.operations * DemoCatalog.queueDaysPerOperation)
            },
            workdaysBefore: { [self] in workdays($1, before: $0) }
        )
        let top = orders.map { DemoMRP.Order(key: $0.key, item: $0.item, quantity: $0.quantity, dueDay: $0.dueDay, priority: $0.priority) }
        var stock: [Item.ID: Double] = [:]
        for s in earlierStock { stock[s.item, default: 0] += s.quantity }
        for made in mrp.run(top: top, stock: stock, firstKey: orders.count) {
            guard let part = parts[made.item] else { continue }
            orders.append(
                PlannedOrder(
                    key: made.key,
                    item: made.item,
                    kind: .semiFinished,
                    variant: part.variant,
                    quantity: made.quantity,
                    dueDay: made.dueDay,
                    priority: made.priority,
                    pegging: nil,
                    consumers: made.consumers
                )
            )
        }
    }

    /// Make-to-stock batches of machined parts (made from purchased material, in the machining cells only) that the
    /// finished orders use, due in the later weeks, so the machining cells have work ahead: up to `total` orders in all.
    /// Welding and painting get none: the finished orders' baseplates and units already fill them.
    private mutating func fillMakeToStock(upTo total: Int) {
        let used = Set(orders.filter { $0.kind == .finished }.map(\.variant.code))
        let machiningCell: Set<WorkCenterKind> = [.machining, .other]
        let candidates = parts.keys.sorted().filter { part in
            used.contains(parts[part]?.variant.code ?? "")
                && (bomComponents[part] ?? []).allSatisfy { parts[$0.item] == nil }  // made from purchased material only
                && (routingWork[part]?.kinds.isSubset(of: machiningCell) ?? false)
        }
        guard !candidates.isEmpty else { return }
        while orders.count < total {
            guard let item = rng.pick(candidates), let part = parts[item] else { break }
            orders.append(
                PlannedOrder(
                    key: orders.count,
                    item: item,
                    kind: .semiFinished,
                    variant: part.variant,
                    quantity: part.batch,
                    dueDay: workdayIndex(rng.int(18...27)),
                    priority: rng.int(3...4),
                    pegging: nil
                )
            )
        }
    }

    /// Progress follows urgency, with some noise: the earliest are done, then running, then released. A part is never
    /// less urgent than the orders that consume it, so a parent is not further on than the parts it is made of.
    /// One planned order per product line that nothing waits for is cancelled.
    private mutating func assignProgress() {
        let index = Dictionary(uniqueKeysWithValues: orders.indices.map { (orders[$0].key, $0) })
        var score = Array(repeating: 0.0, count: orders.count)
        // By key: every consumer was planned (and scored) before the parts it consumes.
        for i in orders.indices.sorted(by: { orders[$0].key < orders[$1].key }) {
            let noisy = day(orders[i].dueDay).timeIntervalSince1970 + Double(rng.int(-5...5)) * 86_400
            let consumers = orders[i].consumers.compactMap { index[$0.consumer].map { score[$0] - 1 } }
            score[i] = min(noisy, consumers.min() ?? noisy)
        }
        let ranked = orders.indices.sorted { (score[$0], $0) < (score[$1], $1) }
        let completed = 5 * scale
        let running = 8 * scale
        let released = 17 * scale
        for (rank, i) in ranked.enumerated() {
            orders[i].status =
                rank < completed
                ? .completed
                : rank < completed + running
                    ? .inProgress
                    : rank < completed + running + released ? .released : .planned
        }
        let planned = ranked.filter { orders[$0].status == .planned && orders[$0].consumers.isEmpty }
        for k in 0..<min(scale, planned.count) { orders[planned[(k * 7 + 3) % planned.count]].status = .cancelled }
    }

    // MARK: - Supply: purchasing

    /// The deliberate shortage: in each product line one supplier is late with one purchase order, for (up to) two of
    /// its items that planned orders still need — a supplier with two such items if there is one. Only what the released
    /// and running orders need of them is in the plant, all of it reserved; the rest comes with that purchase order in a
    /// week and a half.
    private mutating func planLatePurchaseOrders() {
        let book = purchasedNeed(of: [.planned, .released, .inProgress])
        let running = purchasedNeed(of: [.released, .inProgress])
        for line in 0..<scale {
            let needed = book.keys.sorted().filter { lineOf[$0] == line && book[$0, default: 0] > running[$0, default: 0] + 1e-9 }
            let bySupplier = Dictionary(grouping: needed) { supplierOf[$0]?.name ?? "" }
            let suppliers = bySupplier.keys.sorted()
            let several = suppliers.filter { (bySupplier[$0]?.count ?? 0) >= 2 }
            guard !suppliers.isEmpty else { continue }
            var items = rng.pick(several.isEmpty ? suppliers : several).flatMap { bySupplier[$0] } ?? []
            var order: [Item.ID] = []
            while order.count < 2, !items.isEmpty { order.append(items.remove(at: rng.int(0...(items.count - 1)))) }
            lateOrders.append(order.sorted())
        }
    }

    /// Purchasing follows the order book (the open orders' bills of materials), as a buyer working from the MRP run would.
    /// The schedule may start any open order as soon as a machine is free and does not wait for a purchase order, so:
    /// - the material of the whole order book is in the plant, except for the late items (``planLatePurchaseOrders()``);
    ///   what the stock did not cover came with this week's deliveries (a lot in the store per item);
    /// - the late purchase order, one per product line, brings the rest of its items with a margin in a week and a half;
    /// - purchase orders in the next days raise what the order book leaves of an item back to a safety stock of a quarter
    ///   of the book's need.
    private mutating func planPurchasing() {
        let book = purchasedNeed(of: [.planned, .released, .inProgress])
        let running = purchasedNeed(of: [.released, .inProgress])
        let items = book.keys.sorted()
        let late = self.late
        // This week's deliveries.
        for item in items {
            let covered = late.contains(item) ? running[item, default: 0] : book[item, default: 0]
            guard covered > onHand[item, default: 0] + 1e-9 else { continue }
            _ = purchasedLot(item, Int((covered - onHand[item, default: 0]).rounded(.up)), at: store)
        }
        // Open purchase orders, as expected receipts: the late ones first (one reference and date for each), then the
        // replenishments.
        var reference = 1200
        func expect(_ item: Item.ID, _ quantity: Double, on date: Date) {
            guard let supplier = supplierOf[item] else { return }
            commands.append(
                .expectReceipt(
                    ExpectReceipt(
                        item: item,
                        quantity: quantity,
                        expectedDate: date,
                        supplier: supplier.name,
                        reference: String(format: "4500%06d", reference)
                    )
                )
            )
        }
        for lateOrder in lateOrders {
            let date = receiptDate(rng.int(8...12))
            for item in lateOrder { expect(item, ((book[item, default: 0] - onHand[item, default: 0]) * 1.25).rounded(.up), on: date) }
            reference += 1
        }
        for item in items where !late.contains(item) {
            let safety = book[item, default: 0] * 0.25
            let left = onHand[item, default: 0] - book[item, default: 0]
            guard left < safety - 1e-9 else { continue }
            expect(item, (safety - left).rounded(.up), on: receiptDate(rng.int(1...5)))
            reference += 1
        }
    }

    /// 09:00 in the plant on the first workday on or after `days` after the start.
    private func receiptDate(_ days: Int) -> Date {
        var date = local(days, hour: 9)
        while !isWorkday(dayIndex(date)) { date = date.addingTimeInterval(86_400) }
        return date
    }

    /// What the open orders of `statuses` need of each purchased item, by their bills of materials.
    private func purchasedNeed(of statuses: Set<ProductionOrderStatus>) -> [Item.ID: Double] {
        var need: [Item.ID: Double] = [:]
        for order in orders where statuses.contains(order.status) {
            for c in bomComponents[order.item] ?? [] where supplierOf[c.item] != nil {
                need[c.item, default: 0] += c.quantity * order.quantity
            }
        }
        return need
    }

    // MARK: - Supply: lots

    private mutating func nextLot() -> Lot.ID {
        lotNumber += 1
        return Lot.ID(String(format: "LOT-%06d", lotNumber))
    }

    /// A supplier's lot number: its prefix, the year and month it was made (weeks to months ago), a serial.
    private mutating func supplierLot(_ supplier: DemoCatalog.Supplier) -> String {
        let made = utc.dateComponents([.year, .month], from: day(-rng.int(20...200)))
        let yymm = String(format: "%02d%02d", (made.year ?? 2000) % 100, made.month ?? 1)
        return "\(supplier.lotPrefix)-\(yymm)-\(String(format: "%04d", rng.int(1...9999)))"
    }

    /// A lot of a purchased item from its supplier, with the supplier's lot number.
    private mutating func purchasedLot(_ item: Item.ID, _ quantity: Int, at location: Location.ID) -> Lot.ID {
        let supplier = supplierOf[item] ?? DemoCatalog.castingSupplier
        let id = nextLot()
        commands.append(
            .createLot(
                NewLot(
                    id: id,
                    item: item,
                    quantity: Double(quantity),
                    location: location,
                    supplierLot: supplierLot(supplier),
                    supplier: supplier.name
                )
            )
        )
        onHand[item, default: 0] += Double(quantity)
        purchasedLots[id] = (item, Double(quantity))
        return id
    }

    /// A lot put in quarantine or on hold no longer counts as stock purchasing can plan with.
    private mutating func setAside(_ lot: Lot.ID) {
        guard let p = purchasedLots[lot] else { return }
        onHand[p.item, default: 0] -= p.quantity
    }

    /// A delivery already in stock: `pack` × a number drawn from `range` of `item` — none of a late item, whose stock is
    /// only what this week's delivery brought for the released orders (``planPurchasing()``).
    private mutating func delivered(_ item: Item.ID, _ range: ClosedRange<Int>, pack: Int = 1, at location: Location.ID) -> Lot.ID? {
        guard !late.contains(item) else { return nil }
        return purchasedLot(item, rng.int(range) * pack, at: location)
    }

    private mutating func createLots() {
        planLatePurchaseOrders()
        var received: [Lot.ID] = []
        for (index, v) in variants.enumerated() {
            if index % 3 == 0 {
                received += [
                    delivered(v.bar, 6...24, pack: 5, at: store), delivered(v.barAlt, 2...8, pack: 5, at: store),
                    delivered(v.paint, 4...20, pack: 10, at: store), delivered(v.paintAlt, 2...6, pack: 10, at: store),
                    delivered(v.crate, 10...40, at: store), delivered(v.fasteners, 5...20, pack: 10, at: store),
                    delivered(v.profile, 10...40, pack: 6, at: store),
                ].compactMap { $0 }
            }
            received += [
                delivered(v.housingCasting, 12...40, at: store), delivered(v.impellerCasting, 12...40, at: store),
                delivered(v.motor, 3...12, at: store), delivered(v.bearing, 20...60, at: store),
                delivered(v.seal, 20...60, at: store),
            ].compactMap { $0 }
            // Castings of the second delivery are still at goods receiving.
            _ = delivered(v.housingCasting, 10...30, at: receiving)
        }

        // Material staged at the machines that use it first.
        for v in variants.prefix(2 * scale) {
            if let casting = delivered(v.housingCasting, 4...10, at: store), let mill = cell("MILL", v).first, let side = lineSide[mill] {
                commands.append(.moveLot(MoveLot(lot: casting, to: side)))
            }
        }

        // Incoming inspection: a few deliveries wait in quarantine, one lot in stock is on hold.
        for k in 0..<(2 * scale) {
            let v = variants[(k * 5 + 1) % variants.count]
            let lot =
                k % 2 == 0
                ? purchasedLot(v.impellerCasting, rng.int(10...30), at: receiving)
                : purchasedLot(v.seal, rng.int(20...50), at: receiving)
            commands.append(.moveLot(MoveLot(lot: lot, to: quarantine)))
            commands.append(
                .setLotStatus(
                    SetLotStatus(
                        lot: lot,
                        status: .quarantine,
                        reason: k % 2 == 0
                            ? "Incoming inspection: casting wall thickness to be measured" : "Incoming inspection: certificate of conformity missing"
                    )
                )
            )
            setAside(lot)
        }
        for k in 0..<scale {
            let lot = received[(k * 11 + 4) % received.count]
            commands.append(.setLotStatus(SetLotStatus(lot: lot, status: .onHold, reason: "Supplier notice: possible material mix-up in this lot")))
            setAside(lot)
        }

        planPurchasing()
        // The orders move on now that the material is here: releases reserve it and create staging tasks.
        commands += orderTransitions
        // What completed orders made, at the place that uses it next, less what completed orders have built in already.
        let done = Set(orders.filter { $0.status == .completed }.map(\.key))
        for order in orders where order.status == .completed {
            let location: Location.ID =
                order.kind == .finished ? shipping : (cell("ASSY", order.variant).first.flatMap { lineSide[$0] } ?? store)
            let left = order.quantity - order.consumers.filter { done.contains($0.consumer) }.reduce(0) { $0 + $1.quantity }
            guard left > 1e-9 else { continue }
            commands.append(.createLot(NewLot(id: nextLot(), item: order.item, quantity: left, location: location, productionOrder: order.id)))
        }
        // The semi-finished stock from earlier months that the MRP run counted on.
        for stock in earlierStock {
            commands.append(.createLot(NewLot(id: nextLot(), item: stock.item, quantity: stock.quantity, location: store)))
        }
    }
}
