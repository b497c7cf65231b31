import PathwayModel

/// The semantic difference between a standard pathway and a variant: which steps match, every
/// change with its class and clinical weight, and the variant's conformance score.
public struct PathwayDiff: Sendable {
    /// Names and files of the two pathways.
    public var standard: PathwaySummary
    public var variant: PathwaySummary
    /// Standard steps paired with variant steps, in the standard's order.
    public var matches: [StepMatch]
    /// Every change, in the standard's step order (added steps after the step before them),
    /// then targets, resources and the pathway as a whole.
    public var changes: [PathwayChange]
    /// How closely the variant follows the standard, 0-100, weighted by clinical weight.
    public var conformance: ConformanceScore

    /// Whether the variant says the same as the standard (nothing changed).
    public var isEquivalent: Bool { changes.isEmpty }

    /// Whether the two look like different pathways rather than a standard and its variant:
    /// fewer than half of the standard's steps (of four or more) found a partner.
    public var looksLikeAnotherPathway: Bool { standardSteps >= 4 && matches.count * 2 < standardSteps }

    /// How many steps the standard has.
    public var standardSteps: Int

    /// Changes of clinical weight 3 or more that the variant gives no reason and evidence for.
    public var unjustified: [PathwayChange] { changes.filter(\.unjustified) }

    /// The total clinical weight of the changes.
    public var totalWeight: Double { changes.reduce(0) { $0 + $1.weight } }

    /// Compares `variant` with `standard`.
    public init(standard: Pathway, variant: Pathway, weights: ClinicalWeights = .standard) {
        self.init(standard: DiffFacts(standard), variant: DiffFacts(variant), weights: weights)
    }

    init(standard: DiffFacts, variant: DiffFacts, weights: ClinicalWeights) {
        let matches = StepMatcher.match(standard, variant)
        var classifier = ChangeClassifier(standard: standard, variant: variant, matches: matches, weights: weights)
        let changes = Justification.judge(classifier.classify(), variant: variant.pathway)
        self.standard = PathwaySummary(standard.pathway)
        self.variant = PathwaySummary(variant.pathway)
        self.matches = matches
        self.standardSteps = standard.pathway.steps.count
        self.changes = changes
        self.conformance = ConformanceScore(standard: standard.pathway, changes: changes, weights: weights)
    }
}

/// A pathway's id, title and file, for headings.
public struct PathwaySummary: Hashable, Sendable, Codable {
    public var id: String
    public var title: String
    public var file: String

    public init(_ pathway: Pathway) {
        id = pathway.id
        title = pathway.title
        file = pathway.file
    }
}
