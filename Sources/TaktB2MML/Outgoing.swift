// The parts of the B2MML V0701 types an export writes, encoded with XMLCoder. Properties are declared in the order of the
// schema's sequences (xmllint checks the order); every optional is left out when nil, every list when nil.

struct OutValue: Encodable, Sendable {
    var ValueString: String
    var DataType: String?
    var UnitOfMeasure: String?
}

struct OutQuantity: Encodable, Sendable {
    var QuantityString: String
    var DataType: String?
    var UnitOfMeasure: String?

    init(_ value: Double, unit: String?) {
        QuantityString = B2MMLExport.number(value)
        DataType = "double"
        UnitOfMeasure = unit
    }
}

/// `MaterialDefinitionPropertyType`, `MaterialLotPropertyType`, `OpSegmentDataType`, `OpMaterialActualPropertyType`: an ID
/// and a value (the elements between them, all optional, are not written).
struct OutProperty: Encodable, Sendable {
    var ID: String
    var Description: [String]?
    var Value: [OutValue]?

    init(_ id: String, _ value: String, type: String = "string", unit: String? = nil, description: String? = nil) {
        ID = id
        Description = description.map { [$0] }
        Value = [OutValue(ValueString: value, DataType: type, UnitOfMeasure: unit)]
    }
}

struct OutLocation: Encodable, Sendable {
    var Location: String
    var LocationType: String
}

// MARK: MaterialInformation

struct OutMaterialInformation: Encodable, Sendable {
    var ID: String?
    var Description: [String]?
    var PublishedDate: String?
    var MaterialDefinition: [OutMaterialDefinition]?
    var MaterialLot: [OutMaterialLot]?
}

struct OutMaterialDefinition: Encodable, Sendable {
    var ID: String
    var Description: [String]?
    var MaterialDefinitionProperty: [OutProperty]?
    var MaterialClassID: [String]?
}

/// `MaterialLotType`, also as an `AssemblyLot` (a lot consumed into this one).
struct OutMaterialLot: Encodable, Sendable {
    var ID: String
    var Description: [String]?
    var MaterialDefinitionID: String?
    var Status: String?
    var Disposition: String?
    var MaterialLotProperty: [OutProperty]?
    var StorageLocation: OutLocation?
    var Quantity: [OutQuantity]?
    var AssemblyLot: [OutMaterialLot]?
    var AssemblyType: String?
    var AssemblyRelationship: String?
}

// MARK: OperationsPerformance

struct OutOperationsPerformance: Encodable, Sendable {
    var ID: String
    var Description: [String]?
    var PublishedDate: String?
    var OperationsType: String?
    var OperationsResponse: [OutOperationsResponse]
}

struct OutOperationsResponse: Encodable, Sendable {
    var ID: String
    var Description: [String]?
    var StartTime: String?
    var EndTime: String?
    var OperationsType: String?
    var OperationsRequestID: [String]?
    var OperationsDefinitionID: [String]?
    var ResponseState: String?
    var SegmentResponse: [OutSegmentResponse]
}

struct OutSegmentResponse: Encodable, Sendable {
    var ID: String
    var Description: [String]?
    var ActualStartTime: String?
    var ActualEndTime: String?
    var OperationsType: String?
    var OperationsRequestID: [String]?
    var OperationsDefinitionID: [String]?
    var OperationsSegmentID: [String]?
    var SegmentState: String?
    var SegmentData: [OutProperty]?
    var PersonnelActual: [OutPersonnelActual]?
    var EquipmentActual: [OutEquipmentActual]?
    var MaterialActual: [OutMaterialActual]?
}

struct OutPersonnelActual: Encodable, Sendable {
    var ID: String
    var PersonID: [String]?
    var Description: [String]?
    var PersonnelUse: String?
    var Quantity: [OutQuantity]?
}

struct OutEquipmentActual: Encodable, Sendable {
    var ID: String
    var EquipmentID: [String]?
    var Description: [String]?
    var EquipmentUse: String?
    var Quantity: [OutQuantity]?
}

struct OutMaterialActual: Encodable, Sendable {
    var ID: String
    var MaterialDefinitionID: [String]?
    var MaterialLotID: [String]?
    var Description: [String]?
    var MaterialUse: String?
    var Quantity: [OutQuantity]?
    var MaterialActualProperty: [OutProperty]?
}
