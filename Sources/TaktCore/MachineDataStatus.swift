public import Foundation

/// What the machine-data bridge has seen since it started: its connection, the messages it took, refused or could not
/// place, the edge nodes and the machines' last signals. Shown on the web app's machine-data page and by
/// `GET /api/v1/machine-data/status`. Every list is bounded (``maximumListed``); what falls beyond is still counted.
public struct MachineDataStatus: Codable, Sendable, Hashable {
    public static let maximumListed = 200
    public static let maximumProblems = 50

    public struct Connection: Codable, Sendable, Hashable {
        /// `host:port` of the broker.
        public var broker: String
        public var clientID: String
        public var connected: Bool
        /// Connections made since the bridge started (the first one included).
        public var connects: Int
        /// Disconnections since the bridge started (a broker restart is one).
        public var disconnects: Int
        /// The last reason the broker or the network gave, in words.
        public var lastError: String?
        /// The topic filters subscribed to.
        public var subscriptions: [String]
        /// As a Sparkplug primary host application: its host ID (its STATE topic says online, its last will offline).
        public var sparkplugHostID: String?
        public init(broker: String, clientID: String) {
            self.broker = broker
            self.clientID = clientID
            self.connected = false
            self.connects = 0
            self.disconnects = 0
            self.subscriptions = []
        }
    }

    /// A message refused or dropped, as the bridge explained it.
    public struct Problem: Codable, Sendable, Hashable {
        public var at: Date
        public var topic: String
        public var field: String
        public var rule: String
        public var message: String
        public init(at: Date, topic: String, field: String, rule: String, message: String) {
            self.at = at
            self.topic = topic
            self.field = field
            self.rule = rule
            self.message = message
        }
    }

    /// A topic or a metric seen that the mapping does not map.
    public struct Unmapped: Codable, Sendable, Hashable {
        /// The MQTT topic, or `group/edgeNode/device: metric` for a Sparkplug metric, or `topic: field` for JSON.
        public var source: String
        public var messages: Int
        public var lastSeen: Date
        public init(source: String, messages: Int, lastSeen: Date) {
            self.source = source
            self.messages = messages
            self.lastSeen = lastSeen
        }
    }

    public struct EdgeNode: Codable, Sendable, Hashable {
        public var group: String
        public var edgeNode: String
        public var online: Bool
        public var devices: [String]
        public var lastMessageAt: Date?
        public var rebirthRequests: Int
        public init(group: String, edgeNode: String, online: Bool, devices: [String], lastMessageAt: Date?, rebirthRequests: Int) {
            self.group = group
            self.edgeNode = edgeNode
            self.online = online
            self.devices = devices
            self.lastMessageAt = lastMessageAt
            self.rebirthRequests = rebirthRequests
        }
    }

    /// A work center's signals as last received (before debouncing).
    public struct Machine: Codable, Sendable, Hashable {
        public var workCenter: WorkCenter.ID
        /// The state its signals say now (the recorded state follows once it has held for the debounce time).
        public var signalledState: MachineState?
        /// Parts an hour, and the ideal the mapping gives.
        public var rate: Double?
        public var idealRate: Double?
        public var goodCounter: Double?
        public var scrapCounter: Double?
        public var lastSignalAt: Date?
        /// False once the edge node or device carrying its signals died or a gap made them untrusted.
        public var signalsTrusted: Bool
        public init(workCenter: WorkCenter.ID) {
            self.workCenter = workCenter
            self.signalsTrusted = true
        }
    }

    /// Nil when no bridge runs (no `--mqtt` given).
    public var connection: Connection?
    /// The rules of the mapping the bridge reads with (it follows the plant's mapping within a fraction of a second).
    public var mappingRules = 0
    /// Messages received, of them taken (mapped or understood), refused (bad payload, gap) and unmapped.
    public var messagesReceived = 0
    public var messagesRefused = 0
    /// Values mapped to a work center's signal.
    public var signalsMapped = 0
    /// Machine states recorded in the log, counts recorded, production reported.
    public var statesRecorded = 0
    public var countsRecorded = 0
    public var productionReported = 0
    /// Counts the plant wanted reported as production while no operation ran at the work center (recorded as counts).
    public var countsWithoutOperation = 0
    /// Commands the plant refused (e.g. a work center deleted since the mapping), by rule.
    public var commandsRefused = 0
    /// Why the plant is not taking the bridge's commands now (the server unreachable or failing, the bridge's token
    /// refused, the store failing): the message waits and its commands are tried again, nothing is dropped. Nil while
    /// the plant takes them.
    public var plantUnavailable: String?
    /// Commands tried again because the plant was unavailable.
    public var commandsRetried = 0
    /// Refusals by rule (protobuf, max-size, sequence-gap, before-birth, state-code, json, …).
    public var refusedByRule: [String: Int] = [:]
    /// The latest problems, newest first.
    public var problems: [Problem] = []
    /// Topics and metrics no rule maps, most messages first; beyond ``maximumListed`` only counted.
    public var unmapped: [Unmapped] = []
    public var unmappedNotListed = 0
    public var edgeNodes: [EdgeNode] = []
    public var machines: [Machine] = []
    /// Messages waiting to be handled, and the most that waited at once (the queue is bounded; a full queue holds the
    /// broker back rather than growing).
    public var queued = 0
    public var maximumQueued = 0

    public init() {}

    public mutating func refuse(_ problem: Problem) {
        messagesRefused += 1
        refusedByRule[problem.rule, default: 0] += 1
        problems.insert(problem, at: 0)
        if problems.count > Self.maximumProblems { problems.removeLast(problems.count - Self.maximumProblems) }
    }

    public mutating func unmappedSeen(_ source: String, at: Date) {
        if let i = unmapped.firstIndex(where: { $0.source == source }) {
            unmapped[i].messages += 1
            unmapped[i].lastSeen = at
        } else if unmapped.count < Self.maximumListed {
            unmapped.append(Unmapped(source: source, messages: 1, lastSeen: at))
        } else {
            unmappedNotListed += 1
        }
    }
}
