import Foundation

/// `multipart/form-data` forms (a file chosen in the browser): every part becomes a field, a file's text its value.
extension Form {
    /// The largest upload read (a CSV file of a plant; larger imports go through `takt import` or the API).
    static let multipartLimit = 4 * 1024 * 1024

    /// The boundary of a `multipart/form-data` content type, nil for any other.
    static func multipartBoundary(_ contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let kv = parameter.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].lowercased() == "boundary" else { continue }
            let value = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value.isEmpty || value.count > 200 ? nil : value
        }
        return nil
    }

    /// The fields of a multipart body: each part's `name` (from its Content-Disposition) and its content; a repeated
    /// name keeps its last part, as ``parse(_:)`` does.
    static func multipart(_ body: String, boundary: String) -> Form {
        var fields: [String: String] = [:]
        for part in body.components(separatedBy: "--" + boundary).dropFirst() {
            if part.hasPrefix("--") { break }  // the closing delimiter
            guard let split = part.range(of: "\r\n\r\n") else { continue }
            let head = part[..<split.lowerBound]
            var content = part[split.upperBound...]
            if content.hasSuffix("\r\n") { content = content.dropLast() }  // "\r\n" is one Character
            guard let name = parameter("name", in: head) else { continue }
            fields[name] = String(content)
        }
        return Form(fields: fields)
    }

    /// A quoted parameter of a part's Content-Disposition header (`name="csv"`).
    private static func parameter(_ key: String, in head: Substring) -> String? {
        for line in head.split(whereSeparator: \.isNewline) where line.lowercased().hasPrefix("content-disposition:") {
            for piece in line.split(separator: ";").dropFirst() {
                let kv = piece.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0] == key { return kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
        }
        return nil
    }
}
