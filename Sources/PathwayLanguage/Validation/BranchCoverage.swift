import PathwayModel

/// Which patients each branch of a decision can take, branches tried from the top and the first
/// that matches taken (a branch with `when` and `probability` takes only that share of the
/// patients it matches, so it leaves the others to the branches below; probability-only branches
/// share one draw, so they take everyone once their probabilities reach 1).
///
/// Warns about a branch that earlier branches leave no patient for (CP217) and a condition that
/// no patient can meet (CP218), and tells `BranchCheck` whether the branches provably take every
/// patient, in which case a missing `otherwise` strands no one (CP206).
struct BranchCoverage {
    private(set) var diagnostics: [Diagnostic] = []
    /// The branches (with the `otherwise` left aside) take every patient for certain.
    private(set) var coversEveryone = false
    /// For CP206: an example of a patient who meets no condition, or why the analysis found none.
    private(set) var leftOutNotes: [DiagnosticNote] = []

    init(step: Step, analysis: ConditionAnalysis) {
        let algebra = analysis.algebra
        var taken = PatientSet.nobody            // patients certainly taken by an earlier branch
        var takers: [(branch: Branch, surely: PatientSet)] = []
        var lotteryTotal = 0.0
        var lotteryTakesAll = false
        var anyCondition = PatientSet.nobody     // patients who may meet some condition
        var sharedConditions = false
        var gaveUp = false

        var takesEveryone = false
        for branch in step.branches where !branch.otherwise {
            guard let condition = branch.when else {
                if let probability = branch.probability {
                    if lotteryTakesAll || takesEveryone {
                        diagnostics.append(.warning(
                            .cp217,
                            "the branch of '\(step.id)' to '\(branch.to)' is never taken: the branches above it already take every patient",
                            at: branch.location, notes: Self.notes(for: takers.map(\.branch)),
                            help: "remove the branch, or change the branches above it so that some patients are left for it"))
                    }
                    lotteryTotal += probability
                    if lotteryTotal >= 1 - 1e-9 { lotteryTakesAll = true; taken = .everyone; takesEveryone = true }
                }
                // A branch with neither is an error of its own (CP012): assume nothing about it.
                continue
            }
            let patients = analysis.patients(condition)
            if let union = algebra.union(anyCondition, patients.possibly) { anyCondition = union } else { gaveUp = true }
            if branch.probability.map({ $0 < 1 }) ?? false { sharedConditions = true }

            if patients.possibly.isEmpty {
                if !patients.hasConstantPart {
                    diagnostics.append(.warning(
                        .cp218,
                        "the condition \"\(condition.text)\" of the branch of '\(step.id)' to '\(branch.to)' is never true: no patient can meet all of it",
                        at: condition.location,
                        help: "check the numbers and the words 'and' / 'or' (perhaps 'or' was meant), and the attributes' min/max"))
                }
            } else if lotteryTakesAll || takesEveryone || algebra.isSubset(patients.possibly, of: taken) == true {
                let earlier = takers.filter { !lotteryTakesAll && (algebra.intersection($0.surely, patients.possibly).map { !$0.isEmpty } ?? true) }
                let names = earlier.compactMap { $0.branch.when.map { "\"\($0.text)\"" } }
                let why = lotteryTakesAll || names.isEmpty
                    ? "the branches above it already take every patient"
                    : "every patient who meets \"\(condition.text)\" also meets \(names.joined(separator: " or ")) above it, and the first branch that matches is the one taken"
                diagnostics.append(.warning(
                    .cp217, "the branch of '\(step.id)' to '\(branch.to)' is never taken: \(why)",
                    at: branch.location, notes: Self.notes(for: earlier.map(\.branch)),
                    help: "branches are tried from the top: put the narrower condition first, or change the conditions so that this branch is left some patients"))
            }
            // Only a branch that takes everyone it matches keeps them from the branches below.
            if branch.probability.map({ $0 >= 1 }) ?? true {
                takers.append((branch, patients.surely))
                if let union = algebra.union(taken, patients.surely) {
                    taken = union
                    takesEveryone = algebra.complement(taken)?.isEmpty ?? false
                } else {
                    gaveUp = true
                }
            }
        }

        coversEveryone = lotteryTakesAll || takesEveryone
        if !coversEveryone {
            if !gaveUp, let nobodyMatches = algebra.complement(anyCondition), let example = analysis.describeExample(of: nobodyMatches) {
                leftOutNotes.append(DiagnosticNote("for example, a patient with \(example) meets none of the conditions"))
            } else if !gaveUp, sharedConditions {
                leftOutNotes.append(DiagnosticNote("a branch with both `when` and `probability` takes only that share of the patients who meet its condition; the rest go on down the list"))
            }
        }
    }

    private static func notes(for branches: [Branch]) -> [DiagnosticNote] {
        branches.prefix(3).map { branch in
            DiagnosticNote("the earlier branch to '\(branch.to)' is here", at: branch.when?.location ?? branch.location)
        }
    }
}
