import Foundation
import PathwayDiff
import PathwayLanguage
import PathwayModel
import Testing

/// The laws any diff must obey, checked on every shipped pathway and the example region.
@Suite struct DiffLawTests {
    @Test(arguments: shippedPathwayFiles())
    func diffOfAPathwayWithItselfIsEmpty(_ file: String) throws {
        let pathway = try loadPathway(file)
        let diff = PathwayDiff(standard: pathway, variant: pathway)
        #expect(diff.changes.isEmpty, "\(diff.changes.map(\.summary))")
        #expect(diff.isEquivalent)
        #expect(diff.conformance.score == 100)
        #expect(diff.matches.count == pathway.steps.count)
    }

    /// 600 steps all titled "Review", with different ids on each side: every step still finds a
    /// partner (the matcher pairs steps sharing a very common title word by their place among
    /// them, so it stays near-linear; it was quadratic, 3,000 steps took over 20 s), mostly the
    /// one at the same place, and the pairing is the same from either side.
    @Test func identicalTitlesStillMatchByPlaceAndSymmetrically() throws {
        func chain(_ prefix: String, _ minutes: (Int) -> Int) -> String {
            var text = """
            carepath: 1
            id: same-\(prefix)
            title: Same titles
            organisations:
              clinic: { name: Clinic, type: acute }
            start: \(prefix)0
            steps:

            """
            for i in 0..<600 {
                let next = i < 599 ? "\(prefix)\(i + 1)" : "done"
                text += "  \(prefix)\(i): { kind: assessment, title: Review, organisation: clinic, duration: \(minutes(i)) min, next: \(next) }\n"
            }
            return text + "  done: { kind: end, outcome: ok }\n"
        }
        let load = { (text: String) throws -> Pathway in
            try #require(PathwayLoader().load(yaml: text, file: "same.yaml").pathway)
        }
        let a = try load(chain("s") { 10 + $0 % 7 }), b = try load(chain("t") { 10 + $0 % 5 })
        let forward = StepMatcher.match(a, b), backward = StepMatcher.match(b, a)
        #expect(forward.count == 601)
        let samePlace = forward.filter { $0.standardID.dropFirst() == $0.variantID.dropFirst() }.count
        #expect(samePlace >= 540, "only \(samePlace) of 601 matched the step at the same place")
        #expect(Set(forward.map { "\($0.standardID)>\($0.variantID)" }) == Set(backward.map { "\($0.variantID)>\($0.standardID)" }))
    }

    @Test func aPathwayDiffedWithACopyLaidOutDifferentlyIsEmpty() throws {
        // Same content, different positions: locations never count as changes.
        let pathway = try loadPathway("Pathways/suspected-lung-cancer.yaml")
        let moved = PathwayDiff(standard: pathway, variant: pathway.strippingLocations())
        #expect(moved.isEquivalent)
    }

    static var pairs: [(String, String)] {
        let region = regionTrusts.map { ("Examples/region/standard.yaml", "Examples/region/\($0).yaml") }
        let shipped = [
            ("Pathways/suspected-lung-cancer.yaml", "Pathways/suspected-lower-gi-cancer.yaml"),
            ("Pathways/suspected-prostate-cancer.yaml", "Pathways/suspected-lower-gi-cancer.yaml"),
            ("Pathways/acute-stroke.yaml", "Pathways/hip-fracture.yaml"),
            ("Examples/region/trust-north.yaml", "Examples/region/trust-south.yaml"),
        ]
        return region + shipped
    }

    @Test(arguments: pairs)
    func diffMirrorsWhenTheSidesSwap(_ pair: (String, String)) throws {
        let a = try loadPathway(pair.0), b = try loadPathway(pair.1)
        let forward = PathwayDiff(standard: a, variant: b)
        let backward = PathwayDiff(standard: b, variant: a)
        let f = forward.changes.map(mirrorKey), g = backward.changes.map { mirrorKey($0.mirrored) }
        #expect(f.sorted() == g.sorted(), "only forward: \(Set(f).subtracting(g).sorted()); only backward: \(Set(g).subtracting(f).sorted())")
        #expect(forward.changes.filter { $0.changeClass == .added }.count == backward.changes.filter { $0.changeClass == .removed }.count)
        #expect(Set(forward.matches.map { "\($0.standardID)>\($0.variantID)" }) == Set(backward.matches.map { "\($0.variantID)>\($0.standardID)" }))
    }

    @Test(arguments: shippedPathwayFiles().filter { $0.hasPrefix("Pathways/") })
    func renamingEveryIdKeepingCodesAndTitlesGivesOnlyRenames(_ file: String) throws {
        let pathway = try loadPathway(file)
        let renamed = renamingEveryStep(pathway)
        let diff = PathwayDiff(standard: pathway, variant: renamed)
        let classes = Set(diff.changes.map(\.changeClass))
        #expect(classes == [.renamed], "\(diff.changes.filter { $0.changeClass != .renamed }.map { "\($0.changeClass) \($0.id) \($0.summary)" })")
        #expect(diff.changes.count == pathway.steps.count)
        #expect(diff.matches.allSatisfy { $0.variantID == "renamed-" + $0.standardID })
    }

    @Test func reorderingTwoStepsIsReportedOnceFromEitherSide() throws {
        let a = Pathway(id: "a", title: "A", start: "one", steps: [
            Step(id: "one", kind: .assessment, title: "First look", organisation: "gp", next: "two"),
            Step(id: "two", kind: .test, title: "Blood test", organisation: "gp", next: "three"),
            Step(id: "three", kind: .test, title: "Scan", organisation: "gp", next: "end"),
            Step(id: "end", kind: .end, outcome: "done"),
        ])
        var b = a
        b.steps[0].next = "three"
        b.steps[2].next = "two"
        b.steps[1].next = "end"
        let forward = PathwayDiff(standard: a, variant: b)
        #expect(forward.changes.filter { $0.changeClass == .reordered }.count == 1)
        let backward = PathwayDiff(standard: b, variant: a)
        #expect(forward.changes.map(mirrorKey).sorted() == backward.changes.map { mirrorKey($0.mirrored) }.sorted())
    }

    /// The pathway with every step id prefixed by `renamed-` and every reference following.
    func renamingEveryStep(_ p: Pathway) -> Pathway {
        func r(_ id: String) -> String { "renamed-" + id }
        var q = p
        q.start = r(p.start)
        q.steps = p.steps.map { step in
            var s = step
            s.id = r(step.id)
            s.next = step.next.map(r)
            s.branches = step.branches.map { var b = $0; b.to = r($0.to); return b }
            s.paths = step.paths.map(r)
            s.join = step.join.map(r)
            return s
        }
        q.targets = p.targets.map { var t = $0; t.from = r($0.from); t.to = $0.to.map(r); return t }
        return q
    }
}
