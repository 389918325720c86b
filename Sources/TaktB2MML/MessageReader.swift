import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The information types an import reads, each as a plain root element (`<MaterialInformation>`) or wrapped in a
/// `Sync…` or `Process…` transaction (`<SyncMaterialInformation>` → `DataArea` → `MaterialInformation`).
public enum B2MMLInformationKind: String, Sendable, CaseIterable {
    case material = "MaterialInformation"
    case equipment = "EquipmentInformation"
    case personnel = "PersonnelInformation"
    case operationsDefinition = "OperationsDefinitionInformation"
    case operationsSchedule = "OperationsSchedule"

    /// The verbs whose messages an import accepts.
    static let verbs = ["Sync", "Process"]

    /// Every root element an import accepts.
    public static var rootElements: [String] { allCases.flatMap { kind in [kind.rawValue] + verbs.map { $0 + kind.rawValue } } }

    /// The kind a root element stands for, and whether it is wrapped in a verb.
    static func root(_ element: String) -> (kind: B2MMLInformationKind, wrapped: Bool)? {
        if let kind = B2MMLInformationKind(rawValue: element) { return (kind, false) }
        for verb in verbs where element.hasPrefix(verb) {
            if let kind = B2MMLInformationKind(rawValue: String(element.dropFirst(verb.count))) { return (kind, true) }
        }
        return nil
    }
}

/// A first pass over a message with Foundation's XML parser, before XMLCoder decodes it: is it well-formed XML (where
/// not, the line and column of the first error), within the limits, and which is its root element.
struct MessageScan {
    /// The largest message read, the deepest nesting and the most elements.
    static let maxBytes = 32 << 20
    static let maxDepth = 64
    static let maxElements = 2_000_000

    struct Problem: Error {
        var rule: String
        var message: String
    }

    /// The root element's local name (without a namespace prefix) and its namespace URI.
    static func scan(_ data: Data) throws(Problem) -> (root: String, namespace: String?) {
        guard !data.isEmpty else { throw Problem(rule: "empty", message: "the message is empty") }
        guard data.count <= maxBytes else {
            throw Problem(rule: "too-large", message: "the message has \(data.count) bytes; at most \(maxBytes) are read")
        }
        // A DOCTYPE can declare entities (expansion attacks, external files): B2MML messages have none.
        if data.range(of: Data("<!DOCTYPE".utf8)) != nil || data.range(of: Data("<!doctype".utf8)) != nil {
            throw Problem(rule: "doctype", message: "the message declares a DOCTYPE; B2MML messages have none and it is refused")
        }
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        let delegate = Delegate()
        parser.delegate = delegate
        let ok = parser.parse()
        if let limit = delegate.limit { throw limit }
        if ok, delegate.depth != 0, let open = delegate.open.last {
            throw Problem(rule: "xml", message: "the message is not well-formed XML: it ends before <\(open)> is closed")
        }
        guard ok, let root = delegate.root else {
            let line = parser.lineNumber
            let column = parser.columnNumber
            let reason = parser.parserError.map { Self.describe($0) } ?? "the XML is not well-formed"
            throw Problem(rule: "xml", message: "the message is not well-formed XML (line \(line), column \(column)): \(reason)")
        }
        return (root, delegate.namespace)
    }

    static func describe(_ error: any Error) -> String {
        let ns = error as NSError
        return "XML parser error \(ns.code)"
    }

    final class Delegate: NSObject, XMLParserDelegate {
        var root: String?
        var namespace: String?
        var depth = 0
        var elements = 0
        /// The elements open now, outermost first.
        var open: [String] = []
        var limit: Problem?

        func parser(
            _ parser: XMLParser,
            didStartElement elementName: String,
            namespaceURI: String?,
            qualifiedName qName: String?,
            attributes attributeDict: [String: String] = [:]
        ) {
            if root == nil {
                root = elementName
                namespace = namespaceURI
            }
            depth += 1
            elements += 1
            open.append(elementName)
            if depth > MessageScan.maxDepth {
                limit = Problem(rule: "too-deep", message: "elements are nested more than \(MessageScan.maxDepth) deep (line \(parser.lineNumber))")
                parser.abortParsing()
            } else if elements > MessageScan.maxElements {
                limit = Problem(rule: "too-large", message: "the message has more than \(MessageScan.maxElements) elements")
                parser.abortParsing()
            }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
            depth -= 1
            _ = open.popLast()
        }
    }
}
