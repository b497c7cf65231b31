import PathwayModel

/// A decision's branches as mutually exclusive `text/fhirpath` conditions, in the order the
/// simulator tries them (see `DecisionFunction` in PathwaySimulation):
///
/// - branches other than `otherwise` are tried in the order written; each has its own test:
///   its rule (`when`), and where it has a `probability`, the clinician's choice — the input
///   `decision:{id}` names the branch (its action id); with both, the rule must hold *and* the
///   clinician choose it. Choosing the fallback branch's id declines every probability branch,
///   leaving the patient to the rules;
/// - a branch applies when its own test holds and no earlier branch's does;
/// - the `otherwise` branch (or, when there is none, the last branch) takes whoever is left: it
///   applies when no other branch's test holds.
///
/// So for every value of the inputs exactly one branch applies. A rule decides where it
/// applies, and the clinician chooses only where the rules leave the choice open.
struct FHIRDecision {
    /// The input holding the clinician's choice: `decision:{step id}`.
    let choiceInput: String
    /// The values the choice may take (the action ids of the branches with a probability, and
    /// of the fallback branch), in branch order; empty when rules alone decide.
    let choiceValues: [String]
    /// Each branch's applicability condition in FHIRPath.
    let conditions: [String]
    /// Each branch's condition in words.
    let words: [String]

    /// The conditions of `step`'s branches, whose actions have the ids `branchIDs`.
    init(_ step: Step, _ facts: PathwayFacts, branchIDs: [String]) {
        let input = Escaping.fhirCode("decision:" + step.id)
        choiceInput = input
        let variable = ConditionText.fhirpathVariable(input)
        let branches = step.branches
        let fallback = branches.firstIndex { $0.otherwise } ?? (branches.count - 1)

        // Each branch's own test (nil: it takes everyone who reaches it), written to stand as an
        // operand of `and`.
        var own: [String?] = [], ownWords: [String] = []
        for (i, branch) in branches.enumerated() {
            let chosen = variable + " = " + ConditionText.fhirpathString(branchIDs[i])
            let choiceWords = "the clinician chooses " + facts.stepLabel(branch.to)
            switch (branch.when, branch.probability) {
            case (let when?, nil):
                own.append(ConditionText.renderConjunct(when.expression, .fhirpath))
                ownWords.append(ConditionText.render(when.expression, .words))
            case (let when?, _?):
                own.append(ConditionText.renderConjunct(when.expression, .fhirpath) + " and " + chosen)
                ownWords.append(ConditionText.render(when.expression, .words) + " and " + choiceWords)
            case (nil, _?):
                own.append(chosen)
                ownWords.append(choiceWords)
            case (nil, nil):
                own.append(nil)
                ownWords.append("always")
            }
        }

        var conditions: [String] = [], words: [String] = []
        var earlier: [String] = []       // the tests of earlier branches, each negated
        var earlierAll = false           // an earlier branch takes everyone who reaches it
        var allOthers: [String] = []     // every non-fallback branch's test, negated
        var othersAll = false
        for (i, branch) in branches.enumerated() where i != fallback && !branch.otherwise {
            if let test = own[i] { allOthers.append("(" + test + ").not()") } else { othersAll = true }
        }
        for (i, branch) in branches.enumerated() {
            if i == fallback {
                conditions.append(othersAll ? "false" : (allOthers.isEmpty ? "true" : allOthers.joined(separator: " and ")))
                words.append(allOthers.isEmpty && !othersAll ? "always" : "no other branch applies")
                continue
            }
            if branch.otherwise {
                // A second otherwise (an error validation reports) is never taken.
                conditions.append("false")
                words.append("never (another branch is the fallback)")
                continue
            }
            if earlierAll {
                conditions.append("false")
                words.append("never (an earlier branch takes everyone)")
                continue
            }
            var terms: [String] = []
            if let test = own[i] { terms.append(test) }
            terms += earlier
            conditions.append(terms.isEmpty ? "true" : terms.joined(separator: " and "))
            words.append(ownWords[i] + (earlier.isEmpty ? "" : ", and no earlier branch applies"))
            if let test = own[i] { earlier.append("(" + test + ").not()") } else { earlierAll = true }
        }
        self.conditions = conditions
        self.words = words

        var values: [String] = []
        if branches.contains(where: { $0.probability != nil }) {
            for (i, branch) in branches.enumerated() where branch.probability != nil || i == fallback {
                values.append(branchIDs[i])
            }
        }
        choiceValues = values
    }
}
