import PathwayModel

/// How closely a variant follows its standard, from 0 (nothing of the standard as written) to
/// 100 (every step and target as written), weighted by clinical weight.
///
/// The formula (Docs/diff.md):
/// ```
/// possible = Σ over standard steps s of weight(removed, s)  +  Σ over standard targets of weight(target-changed)
/// penalty  = Σ over standard steps s of min(weight(removed, s), Σ weights of the changes to s)
///          + Σ weights of every other change (added steps, targets, resources, the pathway)
/// score    = 100 × max(0, 1 − penalty / possible)
/// ```
/// Capping each step's penalty at the weight of leaving it out means no step counts for more
/// than losing it, so a trust that rewires, retimes and moves one step is not marked below a
/// trust that drops it.
public struct ConformanceScore: Hashable, Sendable, Codable {
    /// The score, 0...100, rounded to one decimal place.
    public var score: Double
    /// The clinical weight of a variant that drops everything.
    public var possible: Double
    /// The clinical weight of this variant's departures (after capping per step).
    public var penalty: Double

    public init(score: Double, possible: Double, penalty: Double) {
        self.score = score
        self.possible = possible
        self.penalty = penalty
    }

    /// The score of a variant with these changes against `standard`.
    public init(standard: Pathway, changes: [PathwayChange], weights: ClinicalWeights) {
        var cap: [String: Double] = [:]
        var possible = 0.0
        for step in standard.steps {
            let w = weights.weight(.removed, kind: step.kind, stepID: step.id)
            cap[step.id] = w
            possible += w
        }
        possible += Double(standard.targets.count) * weights.weight(.targetChanged)
        var perStep: [String: Double] = [:]
        var other = 0.0
        for change in changes {
            if change.subject == .step, let id = change.standardID, cap[id] != nil {
                perStep[id, default: 0] += change.weight
            } else {
                other += change.weight
            }
        }
        var penalty = other
        for step in standard.steps { if let w = perStep[step.id] { penalty += min(w, cap[step.id] ?? w) } }
        let raw = possible > 0 ? 100 * max(0, 1 - penalty / possible) : (penalty > 0 ? 0 : 100)
        self.init(score: (raw * 10).rounded() / 10, possible: possible, penalty: penalty)
    }
}
