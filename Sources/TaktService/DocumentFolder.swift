public import Foundation
public import TaktCore
import TaktEngine

/// A watched folder of incoming documents (`takt serve --documents-folder DIR`).
///
/// `DIR` has one folder per kind of document — `certificate-of-analysis/`, `delivery-note/`, `customer-order/` (made on
/// start) — and a file put into one is received as a document of that kind, by the plant (`system`). A file received is
/// moved to the kind's `processed/` folder; a file refused to `rejected/`, beside a `NAME.error.txt` that names the field
/// and the rule. A file is taken once its size has stayed the same for one scan (so one still being copied waits), and
/// hidden files and names ending in `.part`, `.tmp` or `.crdownload` are left alone. Each scan handles at most
/// ``maximumFilesPerScan`` files; ``run(every:sleep:)`` scans until its task is cancelled, sleeping with the injected
/// `sleep` between scans (tests call ``scan()`` instead and never wait).
public actor DocumentFolder {
    /// What one file became.
    public enum Outcome: Sendable, Hashable {
        case received(file: String, document: IncomingDocument.ID)
        case rejected(file: String, error: String)
    }

    public static let maximumFilesPerScan = 100
    public nonisolated let root: URL
    private let receive: @Sendable (DocumentUpload, String) async throws -> IncomingDocument.ID
    /// File sizes seen in the previous scan, by path.
    private var seen: [String: Int] = [:]

    /// - Parameters:
    ///   - root: the watched folder.
    ///   - receive: receives an upload found at a path, answering the document's ID (``PlantService/receiveFolderDocument(_:path:)``).
    public init(root: URL, receive: @escaping @Sendable (DocumentUpload, String) async throws -> IncomingDocument.ID) {
        self.root = root
        self.receive = receive
    }

    /// A folder that receives through `service`.
    public init(root: URL, service: PlantService) {
        self.init(root: root) { upload, path in
            let outcome = try await service.receiveFolderDocument(upload, path: path)
            for event in try outcome.domainEvents() {
                if case .documentReceived(let d) = event { return d.id }
            }
            throw DomainError.invalid("file", "not-received", "the plant recorded no document for \(path)")
        }
    }

    /// Makes the kind folders with their `processed/` and `rejected/` folders.
    public nonisolated func prepare() throws {
        let fm = FileManager.default
        for kind in DocumentKind.allCases {
            for sub in ["processed", "rejected"] {
                try fm.createDirectory(at: root.appendingPathComponent(kind.rawValue).appendingPathComponent(sub), withIntermediateDirectories: true)
            }
        }
    }

    /// Scans every kind folder once: files whose size is unchanged since the last scan are received and moved.
    @discardableResult
    public func scan() async -> [Outcome] {
        let fm = FileManager.default
        var outcomes: [Outcome] = []
        var sizes: [String: Int] = [:]
        var handled = 0
        for kind in DocumentKind.allCases {
            let folder = root.appendingPathComponent(kind.rawValue)
            guard let names = try? fm.contentsOfDirectory(atPath: folder.path) else { continue }
            for name in names.sorted() {
                guard handled < Self.maximumFilesPerScan else { break }
                let lower = name.lowercased()
                if name.hasPrefix(".") || [".part", ".tmp", ".crdownload", ".error.txt"].contains(where: lower.hasSuffix) { continue }
                let url = folder.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
                let size = ((try? fm.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.intValue ?? -1
                sizes[url.path] = size
                guard seen[url.path] == size else { continue }  // new or still growing: next scan
                handled += 1
                outcomes.append(await process(url, kind: kind, name: name))
                sizes[url.path] = nil
            }
        }
        seen = sizes
        return outcomes
    }

    /// Scans, then sleeps `interval` with `sleep`, until cancelled.
    public func run(every interval: Duration, sleep: @Sendable (Duration) async throws -> Void) async {
        while !Task.isCancelled {
            await scan()
            do { try await sleep(interval) } catch { return }
        }
    }

    private func process(_ url: URL, kind: DocumentKind, name: String) async -> Outcome {
        let fm = FileManager.default
        let folder = url.deletingLastPathComponent()
        let relative = "\(kind.rawValue)/\(name)"
        do {
            let bytes = try Data(contentsOf: url)
            let upload = DocumentUpload(kind: kind, filename: name, contentType: nil, bytes: bytes)
            let id = try await receive(upload, relative)
            try move(url, to: folder.appendingPathComponent("processed"), fm: fm)
            return .received(file: relative, document: id)
        } catch {
            let text = Self.describe(error)
            let rejected = folder.appendingPathComponent("rejected")
            try? move(url, to: rejected, fm: fm)
            try? Data((text + "\n").utf8).write(to: rejected.appendingPathComponent(name + ".error.txt"))
            return .rejected(file: relative, error: text)
        }
    }

    private func move(_ url: URL, to folder: URL, fm: FileManager) throws {
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        var target = folder.appendingPathComponent(url.lastPathComponent)
        var n = 1
        while fm.fileExists(atPath: target.path) {
            n += 1
            target = folder.appendingPathComponent("\(n)-\(url.lastPathComponent)")
        }
        try fm.moveItem(at: url, to: target)
    }

    /// One line per violation: `field: message [rule]`.
    static func describe(_ error: any Error) -> String {
        if let e = error as? DomainError { return e.violations.map(\.description).joined(separator: "\n") }
        if let e = error as? any PresentableError { return e.presentation.message }
        return "\(error)"
    }
}
