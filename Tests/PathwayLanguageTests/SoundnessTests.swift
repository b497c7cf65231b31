import Foundation
import PathwayModel
import Testing
@testable import PathwayLanguage

// MARK: - Fixtures

/// A pathway around a parallel step: `referral` → `triage` → `tests` (paths `ct-scan` →
/// `ct-report` and `bloods`, joining at `review`) → `review` → `outcome` → `done`. Each test
/// replaces some steps by id with `changing`.
private let blockSteps: [(String, String)] = [
    ("referral", "{ kind: referral, organisation: gp, duration: 10 min, next: triage }"),
    ("triage", "{ kind: decision, branches: [{ to: tests, otherwise: true }, { to: done, probability: 0.1 }] }"),
    ("tests", "{ kind: parallel, paths: [ct-scan, bloods], join: review }"),
    ("ct-scan", "{ kind: test, organisation: gp, duration: 20 min, next: ct-report }"),
    ("ct-report", "{ kind: test, organisation: gp, duration: 5 min, next: review }"),
    ("bloods", "{ kind: test, organisation: gp, duration: 10 min, next: review }"),
    ("review", "{ kind: assessment, organisation: gp, duration: 15 min, next: outcome }"),
    ("outcome", "{ kind: decision, branches: [{ to: done, otherwise: true }, { to: follow-up, probability: 0.2 }] }"),
    ("follow-up", "{ kind: assessment, organisation: gp, duration: 10 min, next: done }"),
    ("done", "{ kind: end, outcome: discharged }"),
]

private func pathway(_ steps: [(String, String)], attributes: String = "") -> String {
    """
    carepath: 1
    id: soundness
    title: Soundness
    organisations:
      gp: { name: GP practice, type: primary-care }
    \(attributes.isEmpty ? "" : "attributes:\n" + attributes)
    start: \(steps[0].0)
    steps:
    \(steps.map { "  \($0.0): \($0.1)" }.joined(separator: "\n"))

    """
}

/// The block pathway with some steps replaced (by id) and others added at the end.
private func changing(_ changes: [String: String], adding: [(String, String)] = []) -> String {
    pathway(blockSteps.map { ($0.0, changes[$0.0] ?? $0.1) } + adding)
}

private let blockCodes: Set<String> = ["CP213", "CP214", "CP215", "CP216"]

private func found(_ yaml: String) -> [Diagnostic] { load(yaml).diagnostics }

// MARK: - Block-structured parallel steps

struct ParallelBlockTests {
    @Test func theUnchangedBlockIsSound() {
        let d = found(changing([:]))
        #expect(d.filter { $0.severity >= .warning }.isEmpty, "\(d.map(\.message))")
    }

    @Test func aLoopFromAfterTheJoinBackToTheJoinIsRefused() throws {
        let d = found(changing(["outcome": "{ kind: decision, branches: [{ to: done, otherwise: true }, { to: review, probability: 0.2 }] }"]))
        let error = try #require(d.first { $0.code == "CP213" })
        #expect(error.severity == .error)
        #expect(error.message.contains("'outcome' → 'review'"))
        #expect(error.help?.contains("such as 'outcome'") == true)
        #expect(!d.contains { $0.code == "CP216" })
    }

    @Test func aJumpFromBeforeTheSplitIntoTheMiddleOfAPathIsRefused() throws {
        let d = found(changing(["triage": "{ kind: decision, branches: [{ to: tests, otherwise: true }, { to: ct-report, probability: 0.1 }] }"]))
        let error = try #require(d.first { $0.code == "CP214" })
        #expect(error.severity == .error)
        #expect(error.message.contains("'triage' → 'ct-report'"))
        #expect(error.message.contains("starts at 'ct-scan'"))
        #expect(Set(d.map(\.code)).intersection(blockCodes) == ["CP214"])
    }

    @Test func aLoopFromAfterTheJoinIntoAPathIsRefused() throws {
        let d = found(changing(["outcome": "{ kind: decision, branches: [{ to: done, otherwise: true }, { to: ct-scan, probability: 0.2 }] }"]))
        let error = try #require(d.first { $0.code == "CP214" })
        #expect(error.message.contains("'outcome' → 'ct-scan'"))
    }

    @Test func aPathThatRunsIntoTheStepsAfterTheJoinIsRefused() throws {
        let d = found(changing(
            ["bloods": "{ kind: test, organisation: gp, duration: 10 min, next: bloods-ok }"],
            adding: [("bloods-ok", "{ kind: decision, branches: [{ to: review, otherwise: true }, { to: follow-up, probability: 0.1 }] }")]))
        let error = try #require(d.first { $0.code == "CP215" })
        #expect(error.severity == .error)
        #expect(error.message.contains("'bloods-ok' → 'follow-up'"))
        #expect(error.message.contains("starts at 'bloods'"))
        #expect(!d.contains { $0.code == "CP214" })
    }

    @Test func aPathThatGoesBackToItsSplitIsRefused() throws {
        let d = found(changing(
            ["bloods": "{ kind: test, organisation: gp, duration: 10 min, next: bloods-ok }"],
            adding: [("bloods-ok", "{ kind: decision, branches: [{ to: review, otherwise: true }, { to: tests, probability: 0.1 }] }")]))
        let error = try #require(d.first { $0.code == "CP215" })
        #expect(error.message.contains("'bloods-ok' → 'tests'"))
    }

    @Test func aPathThatGoesBackBeforeItsSplitIsRefused() throws {
        let d = found(changing(
            ["bloods": "{ kind: test, organisation: gp, duration: 10 min, next: bloods-ok }"],
            adding: [("bloods-ok", "{ kind: decision, branches: [{ to: review, otherwise: true }, { to: referral, probability: 0.1 }] }")]))
        let error = try #require(d.first { $0.code == "CP215" })
        #expect(error.message.contains("'bloods-ok' → 'referral'"))
    }

    @Test func aJoinReachedWithoutItsSplitIsRefused() throws {
        let d = found(changing(["triage": "{ kind: decision, branches: [{ to: tests, otherwise: true }, { to: review, probability: 0.1 }] }"]))
        let error = try #require(d.first { $0.code == "CP216" })
        #expect(error.severity == .error)
        #expect(error.message.contains("'triage' → 'review'"))
        #expect(!d.contains { $0.code == "CP213" })
    }

    @Test func aPathwayThatStartsAtAJoinIsRefused() {
        let steps = [("review", "{ kind: assessment, organisation: gp, duration: 15 min, next: tests }")]
            + blockSteps.filter { !["referral", "triage", "review"].contains($0.0) }
        let d = found(pathway(steps))
        #expect(d.contains { $0.code == "CP216" })
    }

    @Test func aLoopInsideOnePathIsAccepted() {
        let d = found(changing(
            ["ct-scan": "{ kind: test, organisation: gp, duration: 20 min, next: ct-ok }"],
            adding: [("ct-ok", "{ kind: decision, branches: [{ to: ct-report, otherwise: true }, { to: ct-scan, probability: 0.1 }] }")]))
        #expect(Set(d.map(\.code)).isDisjoint(with: blockCodes), "\(d.map(\.message))")
        #expect(!d.hasErrors)
    }

    @Test func aLoopBackToThePathsFirstStepIsAccepted() {
        let d = found(changing(["ct-report": "{ kind: decision, branches: [{ to: review, otherwise: true }, { to: ct-scan, probability: 0.1 }] }"]))
        #expect(!d.hasErrors, "\(d.map(\.message))")
    }

    @Test func aLoopAfterTheJoinToAStepAfterTheJoinIsAccepted() {
        let d = found(changing(["follow-up": "{ kind: assessment, organisation: gp, duration: 10 min, next: outcome }"]))
        #expect(!d.hasErrors, "\(d.map(\.message))")
    }

    @Test func nestedParallelStepsAreAccepted() {
        let d = found(changing(
            ["bloods": "{ kind: parallel, paths: [fbc, renal], join: bloods-back }"],
            adding: [
                ("fbc", "{ kind: test, organisation: gp, duration: 5 min, next: fbc-ok }"),
                ("fbc-ok", "{ kind: decision, branches: [{ to: bloods-back, otherwise: true }, { to: fbc, probability: 0.1 }] }"),
                ("renal", "{ kind: test, organisation: gp, duration: 5 min, next: bloods-back }"),
                ("bloods-back", "{ kind: assessment, organisation: gp, duration: 5 min, next: review }"),
            ]))
        #expect(!d.hasErrors, "\(d.map(\.message))")
        #expect(Set(d.map(\.code)).isDisjoint(with: blockCodes))
    }

    @Test func aNestedPathThatSkipsItsOwnJoinIsRefused() throws {
        let d = found(changing(
            ["bloods": "{ kind: parallel, paths: [fbc, renal], join: bloods-back }"],
            adding: [
                ("fbc", "{ kind: test, organisation: gp, duration: 5 min, next: bloods-back }"),
                ("renal", "{ kind: test, organisation: gp, duration: 5 min, next: renal-ok }"),
                ("renal-ok", "{ kind: decision, branches: [{ to: bloods-back, otherwise: true }, { to: review, probability: 0.1 }] }"),
                ("bloods-back", "{ kind: assessment, organisation: gp, duration: 5 min, next: review }"),
            ]))
        #expect(d.contains { $0.code == "CP215" && $0.message.contains("'renal-ok' → 'review'") }, "\(d.map(\.message))")
    }

    @Test func theShippedPathwaysHaveSoundBlocks() throws {
        let folder = repositoryRoot.appendingPathComponent("Pathways")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 5)
        for file in files {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            let result = PathwayLoader().load(data: data, file: folder.appendingPathComponent(file).path)
            let found = result.diagnostics.filter { blockCodes.contains($0.code) || ["CP217", "CP218"].contains($0.code) }
            #expect(found.isEmpty, "\(file): \(found.map(\.message))")
        }
    }

    /// A chain of parallel steps each nested in a path of the one before: blocks within blocks,
    /// thousands deep. The check must stay linear (each step given its blocks once).
    @Test func aDeeplyNestedPathwayIsCheckedWithoutQuadraticWork() {
        let depth = 3000
        var steps: [(String, String)] = [("s0", "{ kind: referral, organisation: gp, duration: 10 min, next: p0 }")]
        for i in 0..<depth {
            let inner = i + 1 < depth ? "p\(i + 1)" : "leaf"
            steps.append(("p\(i)", "{ kind: parallel, paths: [a\(i), \(inner)], join: j\(i) }"))
            steps.append(("a\(i)", "{ kind: test, organisation: gp, duration: 5 min, next: j\(i) }"))
            steps.append(("j\(i)", "{ kind: assessment, organisation: gp, duration: 5 min, next: \(i == 0 ? "done" : "j\(i - 1)") }"))
        }
        steps.append(("leaf", "{ kind: test, organisation: gp, duration: 5 min, next: j\(depth - 1) }"))
        steps.append(("done", "{ kind: end, outcome: discharged }"))
        let result = PathwayLoader().load(yaml: pathway(steps), file: "deep.yaml")
        #expect(result.pathway != nil)
        #expect(Set(result.diagnostics.map(\.code)).isDisjoint(with: blockCodes))
        guard let p = result.pathway else { return }
        let clock = ContinuousClock()
        let elapsed = clock.measure { _ = ParallelBlockCheck.run(p, index: p.stepIndex) }
        #expect(elapsed < .seconds(5), "the block check took \(elapsed) on \(p.steps.count) steps")
    }
}

// MARK: - Branch coverage

private let coverageAttributes = """
  age: { type: integer, distribution: "normal(mean: 60, sd: 15)", min: 18, max: 100, unit: years }
  bmi: { type: number, distribution: "normal(mean: 27, sd: 5)", min: 12, max: 70 }
  ntprobnp: { type: number, distribution: "lognormal(mean: 900, sd: 1200)", min: 0, unit: ng/L }
  smoker: { type: boolean, probability: 0.3 }
  risk: { type: category, values: { low: 0.6, high: 0.4 } }
  stage: { type: category, values: { early: 0.5, late: 0.3, unknown: 0.2 } }

"""

/// A pathway whose one decision has these branches (YAML flow mappings, in order).
private func deciding(_ branches: [String]) -> [Diagnostic] {
    let steps: [(String, String)] = [
        ("see-gp", "{ kind: assessment, organisation: gp, duration: 15 min, next: check }"),
        ("check", "{ kind: decision, branches: [\(branches.joined(separator: ", "))] }"),
        ("a", "{ kind: end, outcome: a }"),
        ("b", "{ kind: end, outcome: b }"),
        ("c", "{ kind: end, outcome: c }"),
    ]
    return found(pathway(steps, attributes: coverageAttributes))
}

/// The codes given, leaving out CP201 (a fixture's unused end steps).
private func codesOf(_ d: [Diagnostic]) -> Set<String> { Set(d.map(\.code)).subtracting(["CP201"]) }

struct BranchCoverageTests {
    @Test func aBranchInsideAnEarlierOneIsNeverTaken() throws {
        let d = deciding([#"{ to: a, when: "ntprobnp >= 400" }"#, #"{ to: b, when: "ntprobnp > 2000" }"#, "{ to: c, otherwise: true }"])
        let warning = try #require(d.first { $0.code == "CP217" })
        #expect(warning.severity == .warning)
        #expect(warning.message.contains("to 'b'"))
        #expect(warning.message.contains("\"ntprobnp >= 400\""))
    }

    @Test func theNarrowerBranchFirstIsFine() {
        let d = deciding([#"{ to: b, when: "ntprobnp > 2000" }"#, #"{ to: a, when: "ntprobnp >= 400" }"#, "{ to: c, otherwise: true }"])
        #expect(!codesOf(d).contains("CP217"))
    }

    @Test func anEarlierBranchWithAProbabilityDoesNotCover() {
        let d = deciding([#"{ to: a, when: "ntprobnp >= 400", probability: 0.5 }"#, #"{ to: b, when: "ntprobnp > 2000" }"#, "{ to: c, otherwise: true }"])
        #expect(!codesOf(d).contains("CP217"))
    }

    @Test func severalEarlierBranchesCanCoverTogether() {
        let d = deciding([#"{ to: a, when: "age < 40" }"#, #"{ to: b, when: "age >= 40" }"#, #"{ to: c, when: "smoker" }"#])
        #expect(codesOf(d) == ["CP217"])
    }

    @Test func probabilitiesAddingUpToOneCoverEveryone() {
        let d = deciding(["{ to: a, probability: 0.4 }", "{ to: b, probability: 0.6 }", #"{ to: c, when: "smoker" }"#])
        #expect(codesOf(d).contains("CP217"))
        let partial = deciding(["{ to: a, probability: 0.4 }", "{ to: b, probability: 0.5 }", #"{ to: c, when: "smoker" }"#, "{ to: c, otherwise: true }"])
        #expect(!codesOf(partial).contains("CP217"))
    }

    @Test func aContradictionIsNeverTrue() throws {
        let d = deciding([#"{ to: a, when: "bmi > 35 and bmi < 30" }"#, "{ to: b, otherwise: true }"])
        let warning = try #require(d.first { $0.code == "CP218" })
        #expect(warning.severity == .warning)
        #expect(!codesOf(d).contains("CP217"))
        #expect(codesOf(deciding([#"{ to: a, when: "bmi > 35 or bmi < 30" }"#, "{ to: b, otherwise: true }"])).isEmpty)
    }

    @Test func wholeNumbersLeaveNoRoomBetweenNeighbours() {
        #expect(codesOf(deciding([#"{ to: a, when: "age > 40 and age < 41" }"#, "{ to: b, otherwise: true }"])) == ["CP218"])
        #expect(codesOf(deciding([#"{ to: a, when: "bmi > 40 and bmi < 41" }"#, "{ to: b, otherwise: true }"])).isEmpty)
        #expect(codesOf(deciding([#"{ to: a, when: "age >= 40 and age <= 40" }"#, "{ to: b, otherwise: true }"])).isEmpty)
    }

    @Test func categoriesAndYesNoCanContradict() {
        #expect(codesOf(deciding([#"{ to: a, when: "smoker and not smoker" }"#, "{ to: b, otherwise: true }"])) == ["CP218"])
        #expect(codesOf(deciding([#"{ to: a, when: "risk == low and risk == high" }"#, "{ to: b, otherwise: true }"])) == ["CP218"])
        #expect(codesOf(deciding([#"{ to: a, when: "stage != early and stage not in [late, unknown]" }"#, "{ to: b, otherwise: true }"])) == ["CP218"])
    }

    @Test func aComparisonOutsideTheRangeIsLeftToCP327() {
        let d = deciding([#"{ to: a, when: "age > 120 and smoker" }"#, "{ to: b, otherwise: true }"])
        #expect(codesOf(d) == ["CP327"])
    }

    @Test func conditionsBeyondTheAnalysisGiveNoWarning() {
        let d = deciding([#"{ to: a, when: "age > bmi" }"#, #"{ to: b, when: "age > bmi and age < 30" }"#, "{ to: c, otherwise: true }"])
        #expect(!codesOf(d).contains("CP217"))
        #expect(!codesOf(d).contains("CP218"))
    }

    @Test func complementaryConditionsNeedNoOtherwise() {
        #expect(codesOf(deciding([#"{ to: a, when: "smoker" }"#, #"{ to: b, when: "not smoker" }"#])).isEmpty)
        #expect(codesOf(deciding([#"{ to: a, when: "age < 40" }"#, #"{ to: b, when: "age >= 40" }"#])).isEmpty)
        #expect(codesOf(deciding([#"{ to: a, when: "risk == low" }"#, #"{ to: b, when: "risk == high" }"#])).isEmpty)
        #expect(codesOf(deciding([#"{ to: a, when: "bmi <= 30 or smoker" }"#, #"{ to: b, when: "bmi > 30 and not smoker" }"#])).isEmpty)
        #expect(codesOf(deciding([#"{ to: a, when: "ntprobnp < 2 ng/L" }"#, #"{ to: b, when: "ntprobnp >= 2" }"#])).isEmpty)
    }

    @Test func conditionsWithAGapStillNeedAnOtherwise() throws {
        let d = deciding([#"{ to: a, when: "age > 40" }"#, #"{ to: b, when: "age < 40" }"#])
        let error = try #require(d.first { $0.code == "CP206" })
        #expect(error.notes.contains { $0.message.contains("age = 40 years") }, "\(error.notes)")
        #expect(codesOf(deciding([#"{ to: a, when: "stage == early" }"#, #"{ to: b, when: "stage == late" }"#])) == ["CP206"])
        #expect(codesOf(deciding([#"{ to: a, when: "bmi < 30" }"#, #"{ to: b, when: "bmi > 30" }"#])) == ["CP206"])
    }

    @Test func aConditionWithAProbabilityCanLetPatientsThrough() {
        let d = deciding([#"{ to: a, when: "smoker", probability: 0.5 }"#, #"{ to: b, when: "not smoker" }"#])
        #expect(codesOf(d) == ["CP206"])
    }

    @Test func conditionsBeyondTheAnalysisStillNeedAnOtherwise() {
        let d = deciding([#"{ to: a, when: "age > bmi" }"#, #"{ to: b, when: "age <= bmi" }"#])
        #expect(codesOf(d) == ["CP206"])
    }
}
