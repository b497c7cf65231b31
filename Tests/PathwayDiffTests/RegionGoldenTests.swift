import Foundation
import PathwayDiff
import PathwayLanguage
import PathwayModel
import Testing

/// Golden outputs for the example region (Examples/region) in every format.
/// Regenerate with CAREPATH_UPDATE_GOLDEN=1 swift test --filter PathwayDiffTests.
@Suite struct RegionGoldenTests {
    @Test(arguments: regionTrusts)
    func diffOfEachTrustMatchesItsGoldenInEveryFormat(_ trust: String) throws {
        let a = try loadPathway("Examples/region/standard.yaml")
        let b = try loadPathway("Examples/region/\(trust).yaml")
        let diff = PathwayDiff(standard: a, variant: b)
        #expect(!diff.isEquivalent)
        #expect(matchesGolden(relativised(DiffRenderer.text(diff)), "diff-\(trust).txt"))
        #expect(matchesGolden(relativised(try DiffRenderer.json(diff)), "diff-\(trust).json"))
        #expect(matchesGolden(relativised(DiffRenderer.markdown(diff)), "diff-\(trust).md"))
    }

    func region() throws -> RegionComparison {
        let standard = try loadPathway("Examples/region/standard.yaml")
        let variants = try regionTrusts.map { (name: $0, pathway: try loadPathway("Examples/region/\($0).yaml")) }
        return RegionComparison(standard: standard, variants: variants)
    }

    @Test func regionMatrixMatchesItsGoldenInEveryFormat() throws {
        let r = try region()
        #expect(matchesGolden(relativised(RegionRenderer.text(r)), "compare.txt"))
        #expect(matchesGolden(relativised(try RegionRenderer.json(r)), "compare.json"))
        #expect(matchesGolden(relativised(RegionRenderer.csv(r)), "compare.csv"))
        #expect(matchesGolden(relativised(RegionRenderer.markdown(r)), "compare.md"))
    }

    @Test func eachTrustShowsTheDepartureItWasWrittenFor() throws {
        let r = try region()
        func cell(_ step: String, _ trust: String) -> RegionCell? {
            guard let row = r.rows.first(where: { $0.id == step }), let k = r.trusts.firstIndex(where: { $0.name == trust }) else { return nil }
            return row.cells[k]
        }
        #expect(cell("respiratory-outpatients", "trust-north")?.state == .added)      // extra outpatient appointment before CT
        #expect(cell("triage", "trust-west")?.state == .missing)                      // straight to test from the GP
        #expect(cell("ct-chest", "trust-east")?.classes.contains(.movedOrganisation) == true)  // CT in a community diagnostic centre
        #expect(cell("gp-results", "trust-south")?.state == .missing)                 // safety-netting dropped
        #expect(cell("lung-mdt", "trust-central")?.classes.contains(.retimed) == true) // slower MDT cycle
        #expect(cell("lung-mdt", "trust-south")?.variantID == "mdt")                  // matched across a rename
        for t in r.trusts { #expect((0...100).contains(t.diff.conformance.score) && t.diff.conformance.score < 100) }
    }

    @Test func csvNeutralisesCellsASpreadsheetWouldRun() {
        #expect(RegionRenderer.csvFieldForTesting("=cmd()") == "'=cmd()")
        #expect(RegionRenderer.csvFieldForTesting("-1,2") == "\"'-1,2\"")
        #expect(RegionRenderer.csvFieldForTesting("plain") == "plain")
    }

    @Test func weightsFileOverridesTheDefaults() throws {
        let (table, diagnostics) = NumberTable.read(text: "classes: { removed: 10 }\nkinds: { test: 2 }\nsteps: { gp-results: 3 }\n",
                                                    file: "w.yaml", allowedSections: ClinicalWeights.fileSections)
        #expect(diagnostics.isEmpty)
        let (weights, problems) = ClinicalWeights.overriding(table)
        #expect(problems.isEmpty)
        #expect(weights.weight(.removed, kind: .assessment, stepID: "gp-results") == 30)
        #expect(weights.weight(.retimed, kind: .test) == 4)
        let (_, bad) = ClinicalWeights.overriding(["classes": ["remved": 1]])
        #expect(bad.count == 1)
        let (_, badFile) = NumberTable.read(text: "clases: {}\n", file: "w.yaml", allowedSections: ClinicalWeights.fileSections)
        #expect(badFile.first?.suggestion == "classes")
    }
}
