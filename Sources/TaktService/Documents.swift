public import Foundation
public import TaktCore
public import TaktEngine

// Incoming documents arrive as files (API upload, web upload, the watched folder): the bytes become a `receiveDocument`
// command here, once for every front end. A PDF is read into text by `pdftotext -layout` (poppler-utils), injected so the
// service can be built with another reader; its form feeds separate the pages.

/// Reads the text of a PDF. The real one, ``pdftotext``, runs poppler's `pdftotext -layout`.
public struct PDFTextReader: Sendable {
    public var read: @Sendable (_ pdf: Data) async throws(DomainError) -> String
    public init(read: @escaping @Sendable (_ pdf: Data) async throws(DomainError) -> String) { self.read = read }

    /// `pdftotext -layout -enc UTF-8 FILE OUT` on a temporary copy of the PDF, stopped after 30 seconds (coreutils' `timeout`).
    public static let pdftotext = PDFTextReader { (data: Data) async throws(DomainError) -> String in try await Pdftotext.run(data) }
}

/// An uploaded file that is a document of the plant.
public struct DocumentUpload: Sendable, Hashable {
    public var kind: DocumentKind
    public var filename: String
    public var contentType: String?
    public var bytes: Data
    public var template: DocumentTemplate.ID?
    public var id: IncomingDocument.ID?
    public init(
        kind: DocumentKind,
        filename: String,
        contentType: String? = nil,
        bytes: Data,
        template: DocumentTemplate.ID? = nil,
        id: IncomingDocument.ID? = nil
    ) {
        self.kind = kind
        self.filename = filename
        self.contentType = contentType
        self.bytes = bytes
        self.template = template
        self.id = id
    }
}

/// From bytes to the command that receives them.
public enum DocumentIntake {
    /// The largest file taken: 10 MB.
    public static let maximumBytes = 10 * 1024 * 1024

    /// PDF by its signature (`%PDF-`), CSV by its name or content type, anything else is text.
    public static func format(filename: String, contentType: String?, bytes: Data) -> DocumentFormat {
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        let type = (contentType ?? "").lowercased()
        if filename.lowercased().hasSuffix(".csv") || type.hasPrefix("text/csv") || type.contains("comma-separated") { return .csv }
        return .text
    }

    /// The `receiveDocument` command for an upload: its format found, a PDF read into pages.
    /// - Throws: ``DomainError`` naming `file` when the bytes are empty, too large, not text, or a PDF that cannot be read;
    ///   the reading's own errors come from the plant when the command is decided.
    public static func command(_ upload: DocumentUpload, pdf: PDFTextReader) async throws(DomainError) -> Command {
        guard !upload.bytes.isEmpty else { throw .invalid("file", "required", "the file is empty") }
        guard upload.bytes.count <= maximumBytes else {
            throw .invalid("file", "max-size", "a document may be at most 10 MB (got \(upload.bytes.count / 1024 / 1024) MB)")
        }
        let format = format(filename: upload.filename, contentType: upload.contentType, bytes: upload.bytes)
        var pages: [String]
        switch format {
        case .pdf:
            let text = try await pdf.read(upload.bytes)
            pages = DocumentExtraction.pages(fromPDFText: text).map(squeezed)
        case .text, .csv:
            guard let text = String(data: upload.bytes, encoding: .utf8) ?? latin1(upload.bytes) else {
                throw .invalid("file", "not-text", "the file is neither text, CSV nor PDF")
            }
            pages = DocumentExtraction.pages(fromPDFText: text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        }
        for (i, page) in pages.enumerated() {
            if let bad = ValueLimits.forbiddenControl(in: page, allowingLineBreaks: true) {
                throw .invalid(
                    "file",
                    "not-text",
                    "page \(i + 1) holds the control character U+\(String(format: "%04X", bad.value)): the file is neither text, CSV nor PDF"
                )
            }
            if page.count > ValueLimits.maximumTextLength {
                throw .invalid(
                    "file",
                    "max-length",
                    "page \(i + 1) has \(page.count) characters; a page may have at most \(ValueLimits.maximumTextLength)"
                )
            }
        }
        pages = pages.map { $0.replacingOccurrences(of: "\r\n", with: "\n") }
        let name = String(upload.filename.split(separator: "/").last ?? "").trimmingCharacters(in: .whitespaces)
        return .receiveDocument(
            ReceiveDocument(
                id: upload.id,
                kind: upload.kind,
                format: format,
                filename: name.isEmpty ? "document" : String(name.prefix(200)),
                template: upload.template,
                pages: pages
            )
        )
    }

    /// Text that is not UTF-8 but has no control characters: read as Latin-1 (older ERP exports).
    static func latin1(_ bytes: Data) -> String? {
        guard !bytes.contains(0) else { return nil }
        return String(data: bytes, encoding: .isoLatin1)
    }

    /// A page longer than a text field may be, with runs of spaces shortened to two (the layout's columns stay apart).
    static func squeezed(_ page: String) -> String {
        guard page.count > ValueLimits.maximumTextLength else { return page }
        var out = ""
        var spaces = 0
        for c in page {
            if c == " " {
                spaces += 1
                if spaces <= 2 { out.append(c) }
            } else {
                spaces = 0
                out.append(c)
            }
        }
        return out
    }
}

extension PlantService {
    /// Receives an uploaded document (text, CSV or PDF) as `caller`: read into a record that waits for verification.
    /// - Throws: ``DomainError`` naming `file` for bytes that are no document, or the plant's refusal of the reading.
    public func receiveDocument(_ upload: DocumentUpload, by caller: Caller) async throws -> CommandOutcome {
        let command = try await DocumentIntake.command(upload, pdf: pdfText)
        return try await submit(caller.envelope(command))
    }

    /// Receives a document found in the watched folder, as the plant (`system`), with a key made from the file's path and
    /// bytes: a file processed before a crash is not received twice.
    public func receiveFolderDocument(_ upload: DocumentUpload, path: String) async throws -> CommandOutcome {
        let command = try await DocumentIntake.command(upload, pdf: pdfText)
        let digest = PlantService.requestDigest(method: "FOLDER", target: path, body: upload.bytes)
        return try await submit(CommandEnvelope(command: command, actor: .system, idempotencyKey: "documents-folder:\(digest.prefix(32))"))
    }
}

// MARK: - pdftotext

enum Pdftotext {
    static func run(_ data: Data) async throws(DomainError) -> String {
        let result: Result<String, DomainError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: runBlocking(data)) }
        }
        return try result.get()
    }

    static func runBlocking(_ data: Data) -> Result<String, DomainError> {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("takt-pdf-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: dir) }
        do {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            let input = dir.appendingPathComponent("in.pdf")
            let output = dir.appendingPathComponent("out.txt")
            let errors = dir.appendingPathComponent("err.txt")
            try data.write(to: input)
            fm.createFile(atPath: errors.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            // coreutils' timeout stops a PDF that takes pdftotext more than 30 seconds (exit status 124).
            process.arguments = ["timeout", "30", "pdftotext", "-layout", "-enc", "UTF-8", input.path, output.path]
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: errors)
            try process.run()
            process.waitUntilExit()
            let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            switch process.terminationStatus {
            case 0:
                guard let text = try? String(contentsOf: output, encoding: .utf8) else {
                    return .failure(.invalid("file", "pdf", "pdftotext wrote no text for this PDF"))
                }
                return .success(text)
            case 124:
                return .failure(.invalid("file", "pdf", "reading the PDF took more than 30 seconds"))
            case 127:
                return .failure(
                    .invalid("file", "pdf-reader", "this server cannot read PDFs: pdftotext (Debian package poppler-utils) is not installed")
                )
            default:
                let first = stderr.split(separator: "\n").first.map(String.init) ?? "exit status \(process.terminationStatus)"
                return .failure(.invalid("file", "pdf", "the PDF could not be read: \(first.prefix(200))"))
            }
        } catch {
            return .failure(.invalid("file", "pdf", "the PDF could not be read: \(error)"))
        }
    }
}
