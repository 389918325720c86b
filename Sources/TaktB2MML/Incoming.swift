import Foundation
import XMLCoder

// The parts of the B2MML V0701 information types an import reads, decoded with XMLCoder. Property names are the
// schema's element names; every element Takt does not map is simply not declared here, so it is skipped (listed in
// docs/integration.md). Values are kept as text: the CSV import's rules type and check them, so a bad number or date in
// a message is refused with the same rule as in a CSV file.

/// An element's text (`<ID schemeID="…">BRKT-100</ID>` → `BRKT-100`); its attributes are ignored.
struct Text: Decodable, Sendable, Hashable {
    var value: String
    enum CodingKeys: String, CodingKey { case value = "" }
    init(_ value: String) { self.value = value }
    init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let s = try? single.decode(String.self) {
            value = s
            return
        }
        let keyed = try decoder.container(keyedBy: CodingKeys.self)
        value = (try keyed.decodeIfPresent(String.self, forKey: .value)) ?? ""
    }
    var trimmed: String { value.trimmingCharacters(in: .whitespacesAndNewlines) }
}

extension [Text] {
    /// The first non-empty text, trimmed.
    var firstText: String? { lazy.map(\.trimmed).first { !$0.isEmpty } }
}

/// `QuantityValueType`: a quantity and its unit.
struct InQuantity: Decodable, Sendable {
    var QuantityString: Text?
    var UnitOfMeasure: Text?
}

/// `ValueType`: a property's value and its unit.
struct InValue: Decodable, Sendable {
    var ValueString: Text?
    var UnitOfMeasure: Text?
}

/// The properties of every resource (`MaterialDefinitionProperty`, `EquipmentProperty`, `PersonProperty`, …).
struct InProperty: Decodable, Sendable {
    var ID: Text?
    var Description: [Text]?
    var Value: [InValue]?
    var Quantity: [InQuantity]?

    var name: String { ID?.trimmed ?? "" }
    var text: String? { Value?.first?.ValueString?.trimmed ?? Quantity?.first?.QuantityString?.trimmed }
    var unit: String? { Value?.first?.UnitOfMeasure?.trimmed ?? Quantity?.first?.UnitOfMeasure?.trimmed }
}

extension [InProperty] {
    /// The property named one of `names` (any case).
    func named(_ names: String...) -> InProperty? {
        let wanted = Set(names.map { $0.lowercased() })
        return first { wanted.contains($0.name.lowercased()) }
    }
}

// MARK: Material

struct InMaterialInformation: Decodable, Sendable {
    var MaterialDefinition: [InMaterialDefinition]?
}

struct InMaterialDefinition: Decodable, Sendable {
    var ID: Text?
    var Description: [Text]?
    var MaterialDefinitionProperty: [InProperty]?
    var MaterialClassID: [Text]?
}

// MARK: Equipment

struct InEquipmentInformation: Decodable, Sendable {
    var Equipment: [InEquipment]?
}

struct InEquipment: Decodable, Sendable {
    var ID: Text?
    var Description: [Text]?
    var EquipmentLevel: Text?
    var EquipmentProperty: [InProperty]?
    var EquipmentChild: [InEquipment]?
    var EquipmentClassID: [Text]?
}

// MARK: Personnel

struct InPersonnelInformation: Decodable, Sendable {
    var Person: [InPerson]?
    var PersonnelClass: [InPersonnelClass]?
}

struct InPerson: Decodable, Sendable {
    var ID: Text?
    var Description: [Text]?
    var PersonName: Text?
    var PersonProperty: [InProperty]?
    var PersonnelClassID: [Text]?
}

struct InPersonnelClass: Decodable, Sendable {
    var ID: Text?
    var Description: [Text]?
}

// MARK: Operations definitions

struct InOperationsDefinitionInformation: Decodable, Sendable {
    var OperationsDefinition: [InOperationsDefinition]?
}

struct InOperationsDefinition: Decodable, Sendable {
    var ID: Text?
    var Description: [Text]?
    var OperationsType: Text?
    var OperationsSegment: [InOperationsSegment]?
    var BillOfMaterialsID: [Text]?
}

struct InOperationsSegment: Decodable, Sendable {
    var ID: Text?
    var Description: [Text]?
    var Duration: Text?
    var PersonnelSpecification: [InPersonnelSpecification]?
    var EquipmentSpecification: [InEquipmentSpecification]?
    var MaterialSpecification: [InMaterialSpecification]?
}

struct InPersonnelSpecification: Decodable, Sendable {
    var ID: Text?
    var PersonnelClassID: [Text]?
}

struct InEquipmentSpecification: Decodable, Sendable {
    var ID: Text?
    var EquipmentClassID: [Text]?
    var EquipmentID: [Text]?
    var EquipmentSpecificationProperty: [InProperty]?
}

struct InMaterialSpecification: Decodable, Sendable {
    var ID: Text?
    var MaterialDefinitionID: [Text]?
    var MaterialUse: Text?
    var Quantity: [InQuantity]?
}

// MARK: Operations schedule

struct InOperationsSchedule: Decodable, Sendable {
    var ID: Text?
    var OperationsRequest: [InOperationsRequest]?
}

struct InOperationsRequest: Decodable, Sendable {
    var ID: Text?
    var Description: [Text]?
    var StartTime: Text?
    var EndTime: Text?
    var Priority: Text?
    var RequestState: Text?
    var OperationsDefinitionID: Text?
    var SegmentRequirement: [InSegmentRequirement]?
}

struct InSegmentRequirement: Decodable, Sendable {
    var ID: Text?
    var OperationsDefinitionID: Text?
    var MaterialRequirement: [InMaterialRequirement]?
    var SegmentRequirementChild: [InSegmentRequirement]?
}

struct InMaterialRequirement: Decodable, Sendable {
    var ID: Text?
    var MaterialDefinitionID: [Text]?
    var MaterialUse: Text?
    var Quantity: [InQuantity]?
}

// MARK: Transaction wrappers

/// An information object a message carries, by its element name.
protocol InInformation: Decodable, Sendable {
    static var element: String { get }
}
extension InMaterialInformation: InInformation { static var element: String { "MaterialInformation" } }
extension InEquipmentInformation: InInformation { static var element: String { "EquipmentInformation" } }
extension InPersonnelInformation: InInformation { static var element: String { "PersonnelInformation" } }
extension InOperationsDefinitionInformation: InInformation { static var element: String { "OperationsDefinitionInformation" } }
extension InOperationsSchedule: InInformation { static var element: String { "OperationsSchedule" } }

/// `Sync…`/`Process…` messages: `ApplicationArea`, then `DataArea` with the verb and one or more information objects.
struct InVerbMessage<Payload: InInformation>: Decodable, Sendable {
    struct DataArea: Decodable, Sendable {
        var payloads: [Payload]
        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: AnyKey.self)
            payloads = try c.decodeIfPresent([Payload].self, forKey: AnyKey(stringValue: Payload.element)) ?? []
        }
    }
    var DataArea: DataArea
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
