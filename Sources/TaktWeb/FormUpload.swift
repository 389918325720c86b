import Foundation

/// A file chosen in a browser form: its name as the browser gave it, its declared type, and its bytes as sent.
struct UploadedFile: Sendable, Equatable {
    var filename: String
    var contentType: String?
    var bytes: [UInt8]
}

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

    /// The fields of a multipart body: each part's `name` (from its Content-Disposition) and its content as text; a part
    /// that carries a `filename` is also kept byte for byte in ``Form/files`` (a PDF stays a PDF). A repeated name keeps
    /// its last part, as ``parse(_:)`` does.
    static func multipart(_ body: [UInt8], boundary: String) -> Form {
        var form = Form(fields: [:])
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [ArraySlice<UInt8>] = []
        var cursor = body.startIndex
        var partStart: Int?
        while let found = firstRange(of: delimiter, in: body, from: cursor) {
            if let start = partStart { parts.append(body[start..<found]) }
            cursor = found + delimiter.count
            if body[cursor...].starts(with: Array("--".utf8)) {
                partStart = nil
                break
            }  // the closing delimiter
            partStart = cursor
        }
        let separator = Array("\r\n\r\n".utf8)
        for var part in parts {
            if part.starts(with: Array("\r\n".utf8)) { part = part.dropFirst(2) }
            guard let split = firstRange(of: separator, in: Array(part), from: 0) else { continue }
            let bytes = Array(part)
            let head = Substring(String(decoding: bytes[..<split], as: UTF8.self))
            var content = bytes[(split + separator.count)...]
            if content.suffix(2).elementsEqual(Array("\r\n".utf8)) { content = content.dropLast(2) }
            guard let name = parameter("name", in: head) else { continue }
            form.fields[name] = String(decoding: content, as: UTF8.self)
            if let filename = parameter("filename", in: head) {
                form.files[name] = UploadedFile(filename: filename, contentType: header("content-type", in: head), bytes: Array(content))
            }
        }
        return form
    }

    /// Where `needle` first occurs in `haystack` at or after `from`, nil when it does not.
    private static func firstRange(of needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        var i = from
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0], haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// A header's value in a part's head (`Content-Type: application/pdf`), nil when absent.
    private static func header(_ key: String, in head: Substring) -> String? {
        for line in head.split(whereSeparator: \.isNewline) where line.lowercased().hasPrefix(key + ":") {
            let value = line.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        return nil
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
