public import Foundation

// Work instructions under change control: attachments (images and PDFs kept in the log), the revisions a work
// instruction went through, and engineering change orders (ECO) that propose a new revision or a routing change and
// need approval before they are released. The rules are in EngineeringChange.swift; docs/work-instructions.md explains.

// MARK: - Attachments

/// The kinds of file a work instruction may carry, told apart by their first bytes (not by the name or the type a
/// browser claims).
public enum AttachmentType: String, StringChoice, Codable, Sendable, CaseIterable {
    case png = "image/png"
    case jpeg = "image/jpeg"
    case pdf = "application/pdf"

    /// The bytes every file of the type begins with.
    public var magic: [UInt8] {
        switch self {
        case .png: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        case .jpeg: [0xFF, 0xD8, 0xFF]
        case .pdf: Array("%PDF-".utf8)
        }
    }

    /// The type the bytes show, or nil when they are none of the allowed ones.
    public static func detect(_ bytes: Data) -> AttachmentType? {
        allCases.first { bytes.starts(with: $0.magic) }
    }

    /// Whether a browser shows it as an image.
    public var isImage: Bool { self != .pdf }
}

/// An attachment's bytes. On the wire and in the log they are one base64 string; their size is bounded by the upload
/// rule (``PlantState/maximumAttachmentBytes``), not by the text limit of ``CommandValues``.
public struct AttachmentBytes: Codable, Sendable, Hashable {
    public var data: Data
    public init(_ data: Data) { self.data = data }
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "content must be base64"))
        }
        self.data = data
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(data.base64EncodedString())
    }
}

/// Uploads a file (PNG, JPEG or PDF) for a work instruction revision; the plant numbers it `ATT-000001`.
public struct UploadAttachment: Codable, Sendable, Hashable {
    public var filename: String
    /// `image/png`, `image/jpeg` or `application/pdf`; it must match the file's first bytes.
    public var contentType: String
    public var content: AttachmentBytes
    /// A draft engineering change whose proposed revision the file is added to, in the same step.
    public var engineeringChange: EngineeringChange.ID?
    public init(filename: String, contentType: String, content: Data, engineeringChange: EngineeringChange.ID? = nil) {
        self.filename = filename
        self.contentType = contentType
        self.content = AttachmentBytes(content)
        self.engineeringChange = engineeringChange
    }
}

/// A stored file: what it is, who uploaded it and its bytes.
extension Attachment {
    /// The `Content-Disposition` an attachment is served with, by the API and the web app alike: shown inline, under its
    /// file name with every character that could break the header (quotes, backslashes, controls, non-ASCII) as `_`.
    public var inlineContentDisposition: String {
        let safe = String(filename.unicodeScalars.map { s in s.isASCII && s != "\"" && s != "\\" && s.value >= 32 ? Character(s) : "_" })
        return "inline; filename=\"\(safe)\""
    }
}

public struct Attachment: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<Attachment>
    public var id: ID
    public var filename: String
    public var contentType: AttachmentType
    public var size: Int
    public var uploadedBy: User.ID?
    public var at: Date
    public var content: AttachmentBytes
    /// The draft engineering change it was added to when uploaded.
    public var engineeringChange: EngineeringChange.ID?
    public init(
        id: ID,
        filename: String,
        contentType: AttachmentType,
        size: Int,
        uploadedBy: User.ID?,
        at: Date,
        content: AttachmentBytes,
        engineeringChange: EngineeringChange.ID? = nil
    ) {
        self.id = id
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.uploadedBy = uploadedBy
        self.at = at
        self.content = content
        self.engineeringChange = engineeringChange
    }

    /// The same attachment without its bytes (what lists answer).
    public var info: AttachmentInfo {
        AttachmentInfo(id: id, filename: filename, contentType: contentType, size: size, uploadedBy: uploadedBy, at: at)
    }
}

/// An attachment without its bytes: `GET /api/v1/attachments/{id}/content` answers them.
public struct AttachmentInfo: Codable, Sendable, Hashable, Identifiable {
    public var id: Attachment.ID
    public var filename: String
    public var contentType: AttachmentType
    public var size: Int
    public var uploadedBy: User.ID?
    public var at: Date
    public init(id: Attachment.ID, filename: String, contentType: AttachmentType, size: Int, uploadedBy: User.ID?, at: Date) {
        self.id = id
        self.filename = filename
        self.contentType = contentType
        self.size = size
        self.uploadedBy = uploadedBy
        self.at = at
    }
}

// MARK: - Revisions

/// One released revision of a work instruction, as operators saw it.
public struct WorkInstructionRevision: Codable, Sendable, Hashable {
    public var revision: String
    public var title: String
    public var text: String
    public var attachments: [Attachment.ID]
    /// When the engineering change that made it released it; nil for a revision defined directly (the log's event has
    /// its time).
    public var releasedAt: Date?
    /// The engineering change that released it; nil for a revision defined directly (the first one, or an import).
    public var engineeringChange: EngineeringChange.ID?
    public init(
        revision: String,
        title: String,
        text: String,
        attachments: [Attachment.ID] = [],
        releasedAt: Date? = nil,
        engineeringChange: EngineeringChange.ID? = nil
    ) {
        self.revision = revision
        self.title = title
        self.text = text
        self.attachments = attachments
        self.releasedAt = releasedAt
        self.engineeringChange = engineeringChange
    }
}

/// The revisions of one work instruction, oldest first (`GET /api/v1/work-instructions/{id}/revisions`).
public struct WorkInstructionHistory: Codable, Sendable, Hashable {
    public var workInstruction: WorkInstruction.ID
    public var current: String
    public var revisions: [WorkInstructionRevision]
    public init(workInstruction: WorkInstruction.ID, current: String, revisions: [WorkInstructionRevision]) {
        self.workInstruction = workInstruction
        self.current = current
        self.revisions = revisions
    }
}

// MARK: - Engineering changes

public enum EngineeringChangeStatus: String, StringChoice, Codable, Sendable, CaseIterable {
    case draft, submitted, approved, rejected, released
}

/// The new revision of a work instruction an engineering change proposes. The revision is numbered by the plant
/// (``PlantState/nextRevision(after:)``) unless the change names it.
public struct ProposedRevision: Codable, Sendable, Hashable {
    public var workInstruction: WorkInstruction.ID
    /// The title of the new revision; the current title when left out (required for a new work instruction).
    public var title: String?
    public var text: String
    public var attachments: [Attachment.ID]
    /// The new revision's name; the next one after the current (B after A, 3 after 2) when left out.
    public var revision: String?
    public init(workInstruction: WorkInstruction.ID, title: String? = nil, text: String, attachments: [Attachment.ID] = [], revision: String? = nil) {
        self.workInstruction = workInstruction
        self.title = title
        self.text = text
        self.attachments = attachments
        self.revision = revision
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            workInstruction: try c.decode(WorkInstruction.ID.self, forKey: .workInstruction),
            title: try c.decodeIfPresent(String.self, forKey: .title),
            text: try c.decode(String.self, forKey: .text),
            attachments: try c.decodeIfPresent([Attachment.ID].self, forKey: .attachments) ?? [],
            revision: try c.decodeIfPresent(String.self, forKey: .revision)
        )
    }
}

/// A change to one operation of a routing: its primary work center, its standard times there, and the work
/// instruction bound to it. Fields left out stay as they are.
public struct RoutingChange: Codable, Sendable, Hashable {
    public var routing: Routing.ID
    /// The operation's sequence number.
    public var operation: Int
    /// The work center that becomes the operation's first (primary) one; added when it is not yet eligible.
    public var workCenter: WorkCenter.ID?
    /// Standard setup minutes on the primary work center.
    public var setupMinutes: Double?
    /// Standard run minutes per unit on the primary work center.
    public var runMinutesPerUnit: Double?
    /// The work instruction the operation is bound to (operators acknowledge its current revision before starting).
    public var workInstruction: WorkInstruction.ID?
    public init(
        routing: Routing.ID,
        operation: Int,
        workCenter: WorkCenter.ID? = nil,
        setupMinutes: Double? = nil,
        runMinutesPerUnit: Double? = nil,
        workInstruction: WorkInstruction.ID? = nil
    ) {
        self.routing = routing
        self.operation = operation
        self.workCenter = workCenter
        self.setupMinutes = setupMinutes
        self.runMinutesPerUnit = runMinutesPerUnit
        self.workInstruction = workInstruction
    }
}

/// Raises an engineering change (a draft): a new work instruction revision, routing changes, or both.
public struct CreateEngineeringChange: Codable, Sendable, Hashable {
    public var title: String
    /// Why the change is needed.
    public var reason: String
    public var workInstruction: ProposedRevision?
    public var routingChanges: [RoutingChange]
    public init(title: String, reason: String, workInstruction: ProposedRevision? = nil, routingChanges: [RoutingChange] = []) {
        self.title = title
        self.reason = reason
        self.workInstruction = workInstruction
        self.routingChanges = routingChanges
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            title: try c.decode(String.self, forKey: .title),
            reason: try c.decode(String.self, forKey: .reason),
            workInstruction: try c.decodeIfPresent(ProposedRevision.self, forKey: .workInstruction),
            routingChanges: try c.decodeIfPresent([RoutingChange].self, forKey: .routingChanges) ?? []
        )
    }
}

/// Names an engineering change (submit, release).
public struct EngineeringChangeRef: Codable, Sendable, Hashable {
    public var engineeringChange: EngineeringChange.ID
    public init(engineeringChange: EngineeringChange.ID) { self.engineeringChange = engineeringChange }
}

/// An approver's decision on a submitted engineering change; a rejection needs a note.
public struct DecideEngineeringChange: Codable, Sendable, Hashable {
    public var engineeringChange: EngineeringChange.ID
    public var note: String?
    public init(engineeringChange: EngineeringChange.ID, note: String? = nil) {
        self.engineeringChange = engineeringChange
        self.note = note
    }
}

/// One approver's record on an engineering change.
public struct EngineeringChangeApproval: Codable, Sendable, Hashable {
    public var role: Role
    public var user: User.ID
    public var note: String?
    public var at: Date
    public init(role: Role, user: User.ID, note: String?, at: Date) {
        self.role = role
        self.user = user
        self.note = note
        self.at = at
    }
}

/// An engineering change order: what it proposes, against which revisions, who approved it, and what it released.
public struct EngineeringChange: Codable, Sendable, Hashable, Identifiable {
    public typealias ID = Identifier<EngineeringChange>
    public var id: ID
    public var title: String
    public var reason: String
    public var status: EngineeringChangeStatus
    public var workInstruction: ProposedRevision?
    /// The work instruction's revision when the change was raised (nil for a new work instruction); releasing is refused
    /// when another change released a revision since.
    public var baseRevision: String?
    public var routingChanges: [RoutingChange]
    /// The operations the routing changes touch, as they were when the change was raised (same order).
    public var routingBefore: [RoutingOperation]
    /// The roles that must approve (from the approval policy when it was submitted).
    public var requiredRoles: [Role]
    public var approvals: [EngineeringChangeApproval]
    public var createdBy: User.ID?
    public var createdAt: Date
    public var submittedAt: Date?
    public var rejectedBy: User.ID?
    public var rejectionNote: String?
    public var releasedBy: User.ID?
    public var releasedAt: Date?
    /// The revision the release made current.
    public var releasedRevision: String?
    public var signatures: [ElectronicSignature]?
    public init(
        id: ID,
        title: String,
        reason: String,
        status: EngineeringChangeStatus = .draft,
        workInstruction: ProposedRevision? = nil,
        baseRevision: String? = nil,
        routingChanges: [RoutingChange] = [],
        routingBefore: [RoutingOperation] = [],
        requiredRoles: [Role] = [],
        approvals: [EngineeringChangeApproval] = [],
        createdBy: User.ID?,
        createdAt: Date,
        submittedAt: Date? = nil,
        rejectedBy: User.ID? = nil,
        rejectionNote: String? = nil,
        releasedBy: User.ID? = nil,
        releasedAt: Date? = nil,
        releasedRevision: String? = nil,
        signatures: [ElectronicSignature]? = nil
    ) {
        self.id = id
        self.title = title
        self.reason = reason
        self.status = status
        self.workInstruction = workInstruction
        self.baseRevision = baseRevision
        self.routingChanges = routingChanges
        self.routingBefore = routingBefore
        self.requiredRoles = requiredRoles
        self.approvals = approvals
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.submittedAt = submittedAt
        self.rejectedBy = rejectedBy
        self.rejectionNote = rejectionNote
        self.releasedBy = releasedBy
        self.releasedAt = releasedAt
        self.releasedRevision = releasedRevision
        self.signatures = signatures
    }

    /// The roles still to approve.
    public var pendingRoles: [Role] { requiredRoles.filter { role in !approvals.contains { $0.role == role } } }
}

/// An engineering change was submitted for approval by these roles.
public struct EngineeringChangeSubmitted: Codable, Sendable, Hashable {
    public var engineeringChange: EngineeringChange.ID
    public var requiredRoles: [Role]
    public var by: User.ID?
    public var at: Date
    public init(engineeringChange: EngineeringChange.ID, requiredRoles: [Role], by: User.ID?, at: Date) {
        self.engineeringChange = engineeringChange
        self.requiredRoles = requiredRoles
        self.by = by
        self.at = at
    }
}

/// One approver approved; `complete` when every required role has.
public struct EngineeringChangeApproved: Codable, Sendable, Hashable {
    public var engineeringChange: EngineeringChange.ID
    public var approval: EngineeringChangeApproval
    public var complete: Bool
    public init(engineeringChange: EngineeringChange.ID, approval: EngineeringChangeApproval, complete: Bool) {
        self.engineeringChange = engineeringChange
        self.approval = approval
        self.complete = complete
    }
}

/// An approver rejected the change, with a note.
public struct EngineeringChangeRejected: Codable, Sendable, Hashable {
    public var engineeringChange: EngineeringChange.ID
    public var role: Role
    public var by: User.ID
    public var note: String
    public var at: Date
    public init(engineeringChange: EngineeringChange.ID, role: Role, by: User.ID, note: String, at: Date) {
        self.engineeringChange = engineeringChange
        self.role = role
        self.by = by
        self.note = note
        self.at = at
    }
}

/// The change was released: the work instruction's new revision (its `workInstructionDefined` event comes just before)
/// and the routings it changed (`routingDefined`) are now what the floor works to.
public struct EngineeringChangeReleased: Codable, Sendable, Hashable {
    public var engineeringChange: EngineeringChange.ID
    public var workInstruction: WorkInstruction.ID?
    public var revision: String?
    public var routings: [Routing.ID]
    public var by: User.ID?
    public var at: Date
    public init(
        engineeringChange: EngineeringChange.ID,
        workInstruction: WorkInstruction.ID?,
        revision: String?,
        routings: [Routing.ID],
        by: User.ID?,
        at: Date
    ) {
        self.engineeringChange = engineeringChange
        self.workInstruction = workInstruction
        self.revision = revision
        self.routings = routings
        self.by = by
        self.at = at
    }
}

/// Who approves engineering changes: every role listed must approve; whether approving or rejecting needs the
/// approver's electronic signature; whether the author may approve their own change. Left out of a policy:
/// ``standard``.
public struct EngineeringChangeApprovalRule: Codable, Sendable, Hashable {
    public var roles: [Role]
    public var signed: Bool?
    public var authorMayApprove: Bool?
    public init(roles: [Role], signed: Bool? = nil, authorMayApprove: Bool? = nil) {
        self.roles = roles
        self.signed = signed
        self.authorMayApprove = authorMayApprove
    }
    /// Quality approves, signed; nobody approves their own change.
    public static let standard = EngineeringChangeApprovalRule(roles: [.quality], signed: true, authorMayApprove: false)
}
