import Foundation
import PathwayDiff
import PathwayLanguage
import PathwayModel
import Testing

/// Applying an overlay and diffing the result against its base gives exactly the overlay's changes.
@Suite struct OverlayDiffTests {
    /// Writes the region's standard and an overlay with these `changes:` into a fresh folder,
    /// loads both and diffs them.
    func diffOfOverlay(_ changes: String, extraTopLevel: String = "") throws -> PathwayDiff {
        let folder = try temporaryFolder()
        let standardText = try String(contentsOf: repositoryRoot.appendingPathComponent("Examples/region/standard.yaml"), encoding: .utf8)
        try standardText.write(to: folder.appendingPathComponent("standard.yaml"), atomically: true, encoding: .utf8)
        let variant = "carepath: 1\nextends: standard.yaml\n\(extraTopLevel)changes:\n\(changes)"
        try variant.write(to: folder.appendingPathComponent("variant.yaml"), atomically: true, encoding: .utf8)
        let a = try loadPathway(folder.appendingPathComponent("standard.yaml").path)
        let b = try loadPathway(folder.appendingPathComponent("variant.yaml").path)
        return PathwayDiff(standard: a, variant: b)
    }

    func summary(_ d: PathwayDiff) -> [String] { d.changes.map { "\($0.changeClass.rawValue) \($0.id) \($0.aspect)" } }

    @Test func settingAMeetingCycleIsOneRetiming() throws {
        let d = try diffOfOverlay("  - set: steps.lung-mdt.every\n    value: 14 days\n")
        #expect(summary(d) == ["retimed lung-mdt every"])
        #expect(d.changes[0].before == "1 week" && d.changes[0].after == "2 weeks")
        #expect(d.changes[0].variantLocation?.file.hasSuffix("variant.yaml") == true)
        #expect(d.changes[0].standardLocation?.file.hasSuffix("standard.yaml") == true)
    }

    @Test func removingAStepAndRewiringAroundItIsARemovalAndARewiring() throws {
        let d = try diffOfOverlay("""
              - remove: steps.gp-results
              - set: steps.cancer-ruled-out.next
                value: ruled-out
              - remove: steps.cancer-ruled-out.handoff
              - set: steps.benign-result-told.next
                value: ruled-out
              - remove: steps.benign-result-told.handoff

            """)
        #expect(summary(d) == ["rewired benign-result-told next", "detail-changed benign-result-told handoff",
                               "rewired cancer-ruled-out next", "detail-changed cancer-ruled-out handoff",
                               "removed gp-results step", "moved-organisation ruled-out organisation"])
    }

    @Test func addingAStepBetweenTwoIsAnAdditionAndARewiring() throws {
        let d = try diffOfOverlay("""
              - add: steps.pre-ct-call
                after: triage
                value: { kind: assessment, title: Telephone call to explain the CT, organisation: acute, duration: 10 min, next: ct-chest }
              - set: steps.triage.next
                value: pre-ct-call

            """)
        #expect(summary(d) == ["rewired triage next", "added pre-ct-call step"])
    }

    @Test func changingATargetIsATargetChange() throws {
        let d = try diffOfOverlay("  - set: targets.faster-diagnosis.standard\n    value: 75%\n")
        #expect(summary(d) == ["target-changed faster-diagnosis standard"])
    }

    @Test func replacingAStepWithADifferentDurationIsARetiming() throws {
        let d = try diffOfOverlay("""
              - replace: steps.lung-function
                value:
                  kind: test
                  title: Full lung function tests (spirometry and TLCO)
                  organisation: acute
                  role: respiratory physiologist
                  resource: lung-function-lab
                  duration: 60 min
                  result_after: 1 day
                  requires: [clinic-letter]
                  produces: [lung-function-report]
                  next: biopsy-route

            """)
        #expect(summary(d) == ["retimed lung-function duration"])
    }

    @Test func changingABranchProbabilityIsABranchChange() throws {
        let d = try diffOfOverlay("  - set: steps.ct-review.branches.rapid-access-clinic.probability\n    value: 0.4\n")
        // Compared by meaning: the shares of patients routed each way changed.
        #expect(summary(d) == ["branch-changed ct-review routing"])
        #expect(d.changes.first?.before?.contains("%") == true)
        // Located where the overlay made the edit, not in the standard.
        #expect(d.changes.first?.variantLocation?.file.hasSuffix("variant.yaml") == true)
    }

    @Test func overridingOnlyTheIdAndTitleChangesNothing() throws {
        let d = try diffOfOverlay("  []\n", extraTopLevel: "id: some-trust\ntitle: Some trust\n")
        #expect(d.isEquivalent)
    }
}

/// An overlay's clinical changes need a reason and evidence.
@Suite struct GovernanceTests {
    func diff(_ justification: String) throws -> PathwayDiff {
        let folder = try temporaryFolder()
        let standardText = try String(contentsOf: repositoryRoot.appendingPathComponent("Examples/region/standard.yaml"), encoding: .utf8)
        try standardText.write(to: folder.appendingPathComponent("standard.yaml"), atomically: true, encoding: .utf8)
        let variant = """
        carepath: 1
        extends: standard.yaml
        changes:
          - set: steps.ct-review.branches.rapid-access-clinic.probability
            value: 0.4
        \(justification)
        """
        try variant.write(to: folder.appendingPathComponent("variant.yaml"), atomically: true, encoding: .utf8)
        return PathwayDiff(standard: try loadPathway(folder.appendingPathComponent("standard.yaml").path),
                           variant: try loadPathway(folder.appendingPathComponent("variant.yaml").path))
    }

    @Test func aClinicalChangeWithoutReasonAndEvidenceIsUnjustified() throws {
        let bare = try diff("")
        #expect(bare.unjustified.count == 1)
        let reasonOnly = try diff("    reason: more CTs are suspicious here")
        #expect(reasonOnly.unjustified.count == 1)
        #expect(reasonOnly.changes.first?.reason == "more CTs are suspicious here")
        #expect(DiffRenderer.text(reasonOnly).contains("UNJUSTIFIED"))
    }

    @Test func theSameChangeWithReasonAndEvidenceIsNot() throws {
        let d = try diff("""
            reason: more CTs are suspicious here
            evidence:
              - { title: Local CT audit 2025, publisher: Northshire radiology }
        """)
        #expect(d.unjustified.isEmpty)
        #expect(d.changes.first?.evidence?.first?.title == "Local CT audit 2025")
        #expect(!DiffRenderer.text(d).contains("UNJUSTIFIED"))
        #expect(try DiffRenderer.json(d).contains("\"unjustified\": false"))
    }
}

@Suite struct OverlayLocationTests {
    @Test func aStepRemovedByAnOverlayIsLocatedAtTheRemoval() throws {
        let d = PathwayDiff(standard: try loadPathway("Examples/region/standard.yaml"),
                            variant: try loadPathway("Examples/region/trust-west.yaml"))
        let removed = try #require(d.changes.first { $0.changeClass == .removed })
        #expect(removed.variantLocation?.file.hasSuffix("trust-west.yaml") == true, "\(String(describing: removed.variantLocation))")
        #expect(removed.standardLocation?.file.hasSuffix("standard.yaml") == true)
    }
}
