import PathwayModel

/// What a change is about.
public enum ChangeSubject: String, Hashable, Sendable, Codable {
    case step, target, resource, pathway
}

/// One departure of a variant from its standard: its class, what it is about, the value
/// before and after, its clinical weight, and where both sides are written.
public struct PathwayChange: Hashable, Sendable, Codable {
    /// The kind of change.
    public var changeClass: ChangeClass
    public var subject: ChangeSubject
    /// The id in the standard (a step, target or resource), when it exists there.
    public var standardID: String?
    /// The id in the variant, when it exists there.
    public var variantID: String?
    /// What to call the subject in a listing: the step's title, else its id.
    public var name: String
    /// The part that changed: `next`, `duration`, `every`, `organisation`, `branch to clinic`, ...
    public var aspect: String
    /// The value in the standard, as a person would write it; `nil` when absent there.
    public var before: String?
    /// The value in the variant; `nil` when absent there.
    public var after: String?
    /// How much the change matters clinically (see `ClinicalWeights`).
    public var weight: Double
    /// Where the changed thing is written in the standard's file.
    public var standardLocation: SourceLocation?
    /// Where it is written in the variant's file(s): for an overlay, the change itself.
    public var variantLocation: SourceLocation?
    /// Why the variant departs here, from its `deviations` (or the overlay change's `reason`).
    public var reason: String?
    /// What supports it (nil when none is given).
    public var evidence: [Source]?
    /// A change of clinical weight 3 or more whose variant gives no reason and evidence for it.
    public var unjustified = false

    /// Creates a change; the weight is filled in by the diff.
    public init(_ changeClass: ChangeClass, subject: ChangeSubject, standardID: String?, variantID: String?, name: String,
                aspect: String, before: String?, after: String?, weight: Double = 0,
                standardLocation: SourceLocation? = nil, variantLocation: SourceLocation? = nil) {
        self.changeClass = changeClass
        self.subject = subject
        self.standardID = standardID
        self.variantID = variantID
        self.name = name
        self.aspect = aspect
        self.before = before
        self.after = after
        self.weight = weight
        self.standardLocation = standardLocation
        self.variantLocation = variantLocation
    }

    /// The subject's id, preferring the standard's.
    public var id: String { standardID ?? variantID ?? "" }

    /// The change in one line: `every: 7 days → 14 days`, `added`, `removed`.
    public var summary: String {
        let listed = ["requires", "produces", "handoff sends"].contains(aspect)
        switch (before, after) {
        case let (b?, a?): return "\(aspect): \(b) → \(a)"
        case let (nil, a?): return changeClass == .added ? "\(aspect): \(a)" : listed ? "\(aspect): +\(a)" : "\(aspect): none → \(a)"
        case let (b?, nil): return changeClass == .removed ? "\(aspect): \(b)" : listed ? "\(aspect): −\(b)" : "\(aspect): \(b) → none"
        case (nil, nil): return aspect
        }
    }

    /// The same change seen from the other side: standard and variant swapped.
    public var mirrored: PathwayChange {
        var m = self
        m.changeClass = changeClass.mirrored
        m.standardID = variantID
        m.variantID = standardID
        m.before = after
        m.after = before
        m.standardLocation = variantLocation
        m.variantLocation = standardLocation
        return m
    }

    enum CodingKeys: String, CodingKey {
        case changeClass = "class", subject, standardID = "standardId", variantID = "variantId", name, aspect, before, after, weight,
             standardLocation, variantLocation, reason, evidence, unjustified
    }
}
