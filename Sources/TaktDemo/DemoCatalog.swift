import TaktCore

/// The demo plant described as data: the kinds of stations, the pump product lines, the partners and the people.
/// ``DemoPlant`` generates commands from these tables; change the plant here, not in the generator.
enum DemoCatalog {
    // MARK: Stations

    /// One kind of station. Every product line gets its own cell of `perLine` stations of each kind, so a larger
    /// scale means more lathes, mills and lines, not longer queues.
    struct Station {
        let code: String
        let name: String
        let kind: WorkCenterKind
        let perLine: Int
        var capacity = 1
        var setupFamilies: [String] = []
        var changeoverMinutes: Double = 0
        var transitions: [SetupTransition] = []
    }

    static let housingFamilies = ["small-housing", "large-housing"]
    static let housingTransitions = [
        SetupTransition(from: "small-housing", to: "large-housing", minutes: 90),
        SetupTransition(from: "large-housing", to: "small-housing", minutes: 60),
    ]

    static let stations: [Station] = [
        Station(code: "SAW", name: "Band saw", kind: .machining, perLine: 1),
        Station(
            code: "LATHE",
            name: "CNC lathe",
            kind: .machining,
            perLine: 2,
            setupFamilies: housingFamilies + ["shaft", "impeller"],
            changeoverMinutes: 30,
            transitions: housingTransitions
        ),
        Station(
            code: "MILL",
            name: "CNC machining center",
            kind: .machining,
            perLine: 2,
            setupFamilies: housingFamilies + ["shaft"],
            changeoverMinutes: 40,
            transitions: housingTransitions
        ),
        Station(code: "BAL", name: "Balancing machine", kind: .other, perLine: 1),
        Station(code: "WELD", name: "Welding cell", kind: .welding, perLine: 1),
        Station(code: "PAINT", name: "Paint booth", kind: .paint, perLine: 1, capacity: 2),
        Station(code: "ASSY", name: "Assembly line", kind: .assembly, perLine: 2),
        Station(code: "TEST", name: "Pump test bench", kind: .test, perLine: 1),
        Station(code: "PACK", name: "Packing station", kind: .packing, perLine: 1),
    ]

    /// Both shifts, Monday to Friday, in the site's local time.
    static let shifts = [
        Shift(name: "Early", days: [.monday, .tuesday, .wednesday, .thursday, .friday], start: "06:00", end: "14:00"),
        Shift(name: "Late", days: [.monday, .tuesday, .wednesday, .thursday, .friday], start: "14:00", end: "22:00"),
    ]

    /// Working minutes of a workday on both shifts (Monday's shifts; every workday has the same), for lead times.
    static var workingMinutesPerDay: Double {
        func minutes(_ hhmm: String) -> Double {
            let parts = hhmm.split(separator: ":").compactMap { Double($0) }
            return parts.count == 2 ? parts[0] * 60 + parts[1] : 0
        }
        return shifts.filter { $0.days.contains(.monday) }.reduce(0) { $0 + minutes($1.end) - minutes($1.start) }
    }

    /// The planned lead time's allowance for queueing and moving, per operation, on top of the work itself (in workdays).
    static let queueDaysPerOperation = 1

    // MARK: Lot sizes

    /// The batches the semi-finished parts are made in: the planner's MRP rounds a net requirement up to whole batches
    /// (a saw cut of bar gives many shafts, a welding jig takes a dozen baseplates, assembly runs a day's units).
    struct BatchSizes {
        let unit: Double
        let housing: Double
        let impeller: Double
        let shaft: Double
        let baseplate: Double
    }

    static let batchSizes = BatchSizes(unit: 20, housing: 30, impeller: 30, shaft: 50, baseplate: 24)

    // MARK: Skills

    static let skills: [(code: String, name: String)] = [
        ("cnc-turning", "CNC turning"), ("cnc-milling", "CNC milling"), ("welding", "Welding (ISO 9606-1)"),
        ("painting", "Industrial painting"), ("assembly", "Pump assembly"), ("testing", "Pump performance testing"),
    ]

    // MARK: Products

    /// A pump size: nominal discharge diameter and impeller diameter (`50-200`), and its motor.
    struct PumpSize {
        let code: String
        let motorKW: Double
        /// Large housings are machined in the `large-housing` setup family.
        let large: Bool
        /// The rating as written on the name plate (`2.2`, `11`), the same in every locale.
        var motorText: String { motorKW == motorKW.rounded() ? String(Int(motorKW)) : String(motorKW) }
    }

    /// A product line (pump family) with its sizes and the materials its sizes share.
    struct ProductLine {
        let code: String
        let name: String
        let paint: String
        let sizes: [PumpSize]
    }

    static let productLines: [ProductLine] = [
        ProductLine(
            code: "NB",
            name: "end-suction pump",
            paint: "RAL 5015 sky blue",
            sizes: [
                .init(code: "32-160", motorKW: 4, large: false), .init(code: "50-200", motorKW: 11, large: false),
                .init(code: "80-250", motorKW: 30, large: true),
            ]
        ),
        ProductLine(
            code: "IL",
            name: "inline circulator pump",
            paint: "RAL 7035 light grey",
            sizes: [
                .init(code: "40-125", motorKW: 2.2, large: false), .init(code: "65-160", motorKW: 7.5, large: false),
                .init(code: "100-200", motorKW: 22, large: true),
            ]
        ),
        ProductLine(
            code: "MS",
            name: "multistage pressure pump",
            paint: "RAL 3000 flame red",
            sizes: [
                .init(code: "25-4", motorKW: 3, large: false), .init(code: "40-6", motorKW: 9.2, large: false),
                .init(code: "65-8", motorKW: 37, large: true),
            ]
        ),
        ProductLine(
            code: "SC",
            name: "split-case pump",
            paint: "RAL 5010 gentian blue",
            sizes: [
                .init(code: "100-315", motorKW: 45, large: false), .init(code: "150-400", motorKW: 90, large: true),
                .init(code: "200-500", motorKW: 160, large: true),
            ]
        ),
        ProductLine(
            code: "SW",
            name: "sewage pump",
            paint: "RAL 6011 reseda green",
            sizes: [
                .init(code: "80-200", motorKW: 5.5, large: false), .init(code: "100-250", motorKW: 15, large: false),
                .init(code: "150-315", motorKW: 37, large: true),
            ]
        ),
        ProductLine(
            code: "CH",
            name: "chemical process pump",
            paint: "RAL 9006 white aluminium",
            sizes: [
                .init(code: "25-160", motorKW: 3, large: false), .init(code: "50-250", motorKW: 15, large: false),
                .init(code: "80-315", motorKW: 45, large: true),
            ]
        ),
    ]

    // MARK: Partners

    struct Supplier {
        let name: String
        let lotPrefix: String
    }

    static let castingSupplier = Supplier(name: "Giesserei Sauerland GmbH", lotPrefix: "GS")
    static let motorSupplier = Supplier(name: "Elektromotorenwerk Sued AG", lotPrefix: "EMS")
    static let sealSupplier = Supplier(name: "DichtTec KG", lotPrefix: "DT")
    static let bearingSupplier = Supplier(name: "Waelzlager Union GmbH", lotPrefix: "WU")
    static let steelSupplier = Supplier(name: "Stahlhandel Ruhr GmbH", lotPrefix: "SR")
    static let steelSupplierAlt = Supplier(name: "Acciai Brescia S.p.A.", lotPrefix: "AB")
    static let paintSupplier = Supplier(name: "Farbwerke Lindau", lotPrefix: "FL")
    static let paintSupplierAlt = Supplier(name: "Coatings Nordic AB", lotPrefix: "CN")
    static let packagingSupplier = Supplier(name: "Kistenbau Ost", lotPrefix: "KO")
    static let fastenerSupplier = Supplier(name: "Schraubenhaus Nord", lotPrefix: "SN")

    static let customers: [String] = [
        "Stadtwerke Nordhafen", "AquaTech Anlagenbau", "Brauerei Hellmann", "Klinikum Westend", "Chemiepark Rheinau",
        "Baltic Shipyards", "Muster Heizungsbau", "Alpen Wasserverband", "Papierfabrik Lenz", "Hotel Seeblick Gruppe",
        "Fernwaerme Ost", "Agrar Bewaesserung Sued", "Raffinerie Elbe", "Molkerei Gruenland", "Flughafen Betriebs GmbH",
        "Stahlwerk Hütten", "Kommunalbetriebe Talstadt", "Nordsee Offshore Service", "Textilwerk Kaiser", "Thermalbad Sonnental",
    ]

    /// Operators: code suffix and full name.
    static let operators: [(code: String, name: String)] = [
        ("anna", "Anna Keller"), ("ben", "Ben Schröder"), ("carla", "Carla Romano"), ("deniz", "Deniz Yilmaz"),
        ("emil", "Emil Novak"), ("fatma", "Fatma Aydin"), ("goran", "Goran Petrović"), ("hanna", "Hanna Lindqvist"),
        ("ivo", "Ivo Marić"), ("jana", "Jana Horáková"), ("kai", "Kai Becker"), ("lea", "Lea Wagner"),
    ]

    /// The skills of each operator, in turn (cycled when there are more operators than entries).
    static let operatorSkills: [[String]] = [
        ["cnc-turning", "cnc-milling"], ["welding", "painting"], ["assembly", "testing"], ["assembly", "cnc-turning"],
        ["cnc-milling"], ["painting", "assembly"], ["welding"], ["testing", "assembly"],
    ]

    /// Office and shop-floor roles besides the operators.
    static let staff: [(code: String, name: String, roles: [Role])] = [
        ("planner", "Paula Brandt", [.planner]), ("supervisor", "Stefan Maier", [.supervisor]),
        ("quality", "Dr. Katrin Vogel", [.quality]), ("warehouse", "Lukas Hoffmann", [.warehouse]),
        ("sales", "Miriam Schulz", [.sales]),
    ]

    static let cancelReasons = [
        "Duplicate batch after MRP re-run", "Customer changed the pump size; replaced by a new order",
        "Casting supplier cannot deliver this size before year end",
    ]
}
