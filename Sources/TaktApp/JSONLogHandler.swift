public import Foundation
public import Logging
import TaktCore

/// One JSON object per line, for a log shipper (`takt serve --log-format json`; docs/integration.md, "Metrics and traces"):
///
/// `{"time":"2026-11-25T06:00:00.123Z","level":"info","logger":"takt","message":"…","source":"TaktApp", …metadata}`
///
/// The time is UTC with milliseconds (a log is read by machines first; the plant's time zone is in its messages). Metadata keys come after the fixed ones, as strings (nested lists and dictionaries as JSON); a metadata key named like a
/// fixed one is written with a `meta.` prefix, so a log line never loses its own fields.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (String) -> Void
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - write: where each line goes (with its newline); standard error by default.
    ///   - now: the clock the `time` field reads (the wall clock by default; tests inject one).
    public init(
        label: String,
        now: @escaping @Sendable () -> Date = { Date() },
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.label = label
        self.now = now
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    static let fixedKeys: Set<String> = ["time", "level", "logger", "message", "source", "error"]

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let given = event.metadata { merged.merge(given) { _, new in new } }
        var object: [String: String] = [
            "time": now().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)),
            "level": event.level.rawValue,
            "logger": label,
            "message": event.message.description,
            "source": event.source,
        ]
        if let error = event.error { object["error"] = "\(error)" }
        for (key, value) in merged { object[Self.fixedKeys.contains(key) ? "meta." + key : key] = Self.text(value) }
        let order = ["time", "level", "logger", "message", "source", "error"]
        var fields = order.compactMap { key in object[key].map { (key, $0) } }
        fields += object.filter { !Self.fixedKeys.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        write("{" + fields.map { TaktJSON.quoted($0.0) + ":" + TaktJSON.quoted($0.1) }.joined(separator: ",") + "}\n")
    }

    /// A metadata value as text: strings as they are, lists and dictionaries as JSON.
    static func text(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s): s
        case .stringConvertible(let c): c.description
        case .array(let items): "[" + items.map { TaktJSON.quoted(text($0)) }.joined(separator: ",") + "]"
        case .dictionary(let d):
            "{" + d.sorted { $0.key < $1.key }.map { TaktJSON.quoted($0.key) + ":" + TaktJSON.quoted(text($0.value)) }.joined(separator: ",") + "}"
        }
    }

}
