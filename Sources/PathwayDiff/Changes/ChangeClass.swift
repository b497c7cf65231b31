/// What kind of departure from the standard a change is.
///
/// The raw values are the stable names used in JSON, CSV and weights files.
public enum ChangeClass: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    /// A step the variant has and the standard does not.
    case added
    /// A step of the standard the variant leaves out.
    case removed
    /// The same step under another id or title.
    case renamed
    /// The step happens in a different organisation (a new handoff, another provider).
    case movedOrganisation = "moved-organisation"
    /// Two steps happen in the opposite order.
    case reordered
    /// The step leads somewhere else (`next`, parallel paths, join).
    case rewired
    /// A time changed: duration, result time, meeting cycle, handoff delay.
    case retimed
    /// A decision's branches changed: destinations, conditions, probabilities.
    case branchChanged = "branch-changed"
    /// The step queues for another resource, or a resource's capacity or hours changed.
    case resourceChanged = "resource-changed"
    /// A data item is no longer required, produced or sent.
    case dataLost = "data-lost"
    /// A data item is newly required, produced or sent.
    case dataAdded = "data-added"
    /// A waiting-time target changed or is missing.
    case targetChanged = "target-changed"
    /// Anything else about a step or the pathway: kind, role, clinical code, outcome, arrivals, attributes.
    case detailChanged = "detail-changed"

    /// The class the same change has when standard and variant swap places.
    public var mirrored: ChangeClass {
        switch self {
        case .added: .removed
        case .removed: .added
        case .dataLost: .dataAdded
        case .dataAdded: .dataLost
        default: self
        }
    }

    /// The class's name for people (`moved organisation`).
    public var title: String { rawValue.split(separator: "-").joined(separator: " ") }

    /// The one-character mark a listing starts with: `+` added, `-` removed, `~` changed.
    public var mark: String {
        switch self {
        case .added: "+"
        case .removed: "-"
        default: "~"
        }
    }

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: ChangeClass, rhs: ChangeClass) -> Bool { lhs.rank < rhs.rank }
}
