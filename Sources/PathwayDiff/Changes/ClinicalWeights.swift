import PathwayModel

/// How much each change matters clinically: a weight per class of change, multiplied by a
/// factor for the kind of step it touches and, optionally, a factor for named steps.
///
/// The defaults (documented in Docs/diff.md) rank what can harm a patient above what only
/// costs time: a step left out (5) or information that no longer reaches the next team (4)
/// weigh most; a change of target (4), of organisation (3, a new handoff) or of a decision's
/// branches (3) next; an added step (3, an extra visit or wait); times, wiring and order (2);
/// resources and details (1); renames and data newly sent (0.5). Treatments weigh 1.5×, tests
/// and MDT meetings 1.25×, everything else 1×. A weights file (`--weights FILE`, YAML or JSON)
/// overrides any of these:
/// ```yaml
/// classes: { removed: 6, retimed: 1 }
/// kinds: { test: 1.5 }
/// steps: { gp-results: 3 }     # a step the region cares about: three times the weight
/// ```
public struct ClinicalWeights: Hashable, Sendable {
    /// Base weight of each class of change.
    public var classes: [ChangeClass: Double]
    /// Factor by the kind of step the change touches.
    public var kinds: [StepKind: Double]
    /// Factor by step id (standard id, or the variant's id for an added step).
    public var steps: [String: Double]

    /// The documented defaults.
    public static let standard = ClinicalWeights(
        classes: [
            .removed: 5, .dataLost: 4, .targetChanged: 4, .movedOrganisation: 3, .branchChanged: 3, .added: 3,
            .retimed: 2, .rewired: 2, .reordered: 2, .resourceChanged: 1, .detailChanged: 1, .renamed: 0.5, .dataAdded: 0.5,
        ],
        kinds: [.treatment: 1.5, .test: 1.25, .meeting: 1.25],
        steps: [:])

    /// Creates weights; classes left out weigh 1, kinds and steps left out have factor 1.
    public init(classes: [ChangeClass: Double], kinds: [StepKind: Double] = [:], steps: [String: Double] = [:]) {
        self.classes = classes
        self.kinds = kinds
        self.steps = steps
    }

    /// The sections a weights file may have.
    public static let fileSections = ["classes", "kinds", "steps"]

    /// The defaults with a weights file's sections laid over them. Unknown class or kind names
    /// are returned as problems (with the closest known name when there is one).
    public static func overriding(_ table: [String: [String: Double]]) -> (weights: ClinicalWeights, problems: [String]) {
        var weights = ClinicalWeights.standard
        var problems: [String] = []
        for (name, value) in (table["classes"] ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let c = ChangeClass(rawValue: name) { weights.classes[c] = value } else {
                problems.append("'\(name)' is not a class of change; the classes are: \(ChangeClass.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        for (name, value) in (table["kinds"] ?? [:]).sorted(by: { $0.key < $1.key }) {
            if let k = StepKind(rawValue: name) { weights.kinds[k] = value } else {
                problems.append("'\(name)' is not a kind of step; the kinds are: \(StepKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        for (name, value) in table["steps"] ?? [:] { weights.steps[name] = value }
        return (weights, problems)
    }

    /// The weight of a change of class `changeClass` to a step of kind `kind` with id `stepID`.
    public func weight(_ changeClass: ChangeClass, kind: StepKind? = nil, stepID: String? = nil) -> Double {
        let base = classes[changeClass] ?? 1
        let kindFactor = kind.flatMap { kinds[$0] } ?? 1
        let stepFactor = stepID.flatMap { steps[$0] } ?? 1
        return base * kindFactor * stepFactor
    }
}
