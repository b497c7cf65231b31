import PathwayModel

/// Decisions: probabilities that add up, a fallback when conditions may all fail, and
/// conditions that make sense for the declared attributes.
enum BranchCheck {
    static func run(_ p: Pathway) -> [Diagnostic] {
        var d: [Diagnostic] = []
        let analysis = ConditionAnalysis(attributes: p.attributes)
        for step in p.steps where step.kind == .decision && !step.branches.isEmpty {
            let coverage = BranchCoverage(step: step, analysis: analysis)
            d += coverage.diagnostics
            let otherwise = step.branches.filter(\.otherwise)
            let lottery = step.branches.filter { $0.when == nil && !$0.otherwise && $0.probability != nil }
            let conditional = step.branches.filter { $0.when != nil }
            let total = lottery.reduce(0.0) { $0 + ($1.probability ?? 0) }
            let where_ = step.location(of: "branches")
            if otherwise.count > 1 {
                d.append(.error(.cp212, "decision '\(step.id)' has \(otherwise.count) `otherwise` branches; only one can be the fallback",
                                at: otherwise[1].location))
            }
            if total > 1 + 1e-9 {
                d.append(.error(.cp301, "the probabilities of the branches of '\(step.id)' add up to \(Self.unlikeOne(total)), more than 1",
                                at: where_, help: "they are shares of the patients at this decision; make them add up to 1"))
            } else if otherwise.isEmpty {
                if !lottery.isEmpty, total < 1 - 1e-9 {
                    d.append(.error(.cp301, "the probabilities of the branches of '\(step.id)' add up to \(Self.unlikeOne(total)), not 1, and there is no `otherwise` branch for the remaining \(Self.unlikeZero((1 - total) * 100))% of patients",
                                    at: where_, help: "make them add up to 1, or add a branch with `otherwise: true`"))
                } else if lottery.isEmpty, !conditional.isEmpty, !coverage.coversEveryone {
                    d.append(.error(.cp206, "decision '\(step.id)' has no `otherwise` branch, so a patient for whom no condition holds has nowhere to go",
                                    at: where_, notes: coverage.leftOutNotes, help: "add a branch with `otherwise: true`"))
                }
            } else if !lottery.isEmpty, abs(total - 1) < 1e-9 {
                d.append(.warning(.cp211, "the `otherwise` branch of '\(step.id)' is never taken: the other branches' probabilities already add up to 1",
                                  at: otherwise[0].location))
            }
            if step.branches.count == 1 {
                d.append(.warning(.cp207, "decision '\(step.id)' has only one branch, so nothing is decided", at: where_,
                                  help: "use `next:` on an ordinary step instead"))
            }
            for branch in step.branches {
                if let condition = branch.when { d += ConditionChecker.check(condition, attributes: p.attributes) }
            }
        }
        return d
    }

    /// A total near 1 written with enough digits to differ from 1 ("add up to 0.9999, not 1",
    /// never "add up to 1, not 1").
    static func unlikeOne(_ total: Double) -> String {
        let short = NumberText.format3(total)
        return Double(short) == 1 ? String(total) : short
    }

    /// A small remainder written with enough digits to differ from 0.
    static func unlikeZero(_ value: Double) -> String {
        let short = NumberText.format3(value)
        return Double(short) == 0 ? String(value) : short
    }
}
