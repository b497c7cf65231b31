import Foundation
import PathwayDiff
import PathwayLanguage
import PathwayModel
import Testing

/// Decisions and opening hours are compared by what they do, not by how they are written.
@Suite struct DecisionMeaningTests {
    /// A colorectal triage: FIT-positive patients aged 40 or more are referred, those 90 or more
    /// discharged, the rest watched. `triage` and `hours` are substituted per test.
    static func pathway(triage: String, hours: String = "weekdays 08:00-18:00") -> String {
        """
        carepath: 1
        id: crc
        title: Colorectal
        organisations:
          gp: { name: GP, type: primary-care }
          acute: { name: Acute, type: acute }
        resources:
          clinic: { organisation: acute, capacity: 2, calendar: "\(hours)" }
        attributes:
          age: { type: integer, distribution: "normal(mean: 65, sd: 15)", min: 18, max: 100 }
          fit_positive: { type: boolean, probability: 0.2 }
          band: { type: category, values: { low: 0.5, high: 0.5 } }
        arrivals: { rate: 10 per week }
        start: triage
        steps:
          triage:
            kind: decision
            organisation: gp
            branches:
        \(triage)
          referral: { kind: assessment, organisation: acute, resource: clinic, duration: 30 min, next: done }
          watch: { kind: wait, duration: 6 weeks, next: done }
          discharge: { kind: end, outcome: discharged }
          done: { kind: end, outcome: seen }
        """
    }

    static let standardTriage = """
          - { to: referral, when: "fit_positive and age >= 40" }
          - { to: discharge, when: "age >= 90" }
          - { to: watch, otherwise: true }
    """

    func diff(_ variantTriage: String, hours: String = "weekdays 08:00-18:00") throws -> PathwayDiff {
        let folder = try temporaryFolder()
        let a = folder.appendingPathComponent("standard.yaml"), b = folder.appendingPathComponent("variant.yaml")
        try Self.pathway(triage: Self.standardTriage).write(to: a, atomically: true, encoding: .utf8)
        try Self.pathway(triage: variantTriage, hours: hours).write(to: b, atomically: true, encoding: .utf8)
        return PathwayDiff(standard: try loadPathway(a.path), variant: try loadPathway(b.path))
    }

    @Test func swappingOverlappingBranchesIsAChangeThatNamesAPatient() throws {
        let d = try diff("""
              - { to: discharge, when: "age >= 90" }
              - { to: referral, when: "fit_positive and age >= 40" }
              - { to: watch, otherwise: true }
        """)
        #expect(!d.isEquivalent)
        let change = try #require(d.changes.first)
        #expect(d.changes.count == 1)
        #expect(change.changeClass == .branchChanged)
        #expect(change.aspect.contains("age 90") && change.aspect.contains("fit_positive true"), "\(change.aspect)")
        #expect(change.before == "referral" && change.after == "discharge")
    }

    @Test(arguments: [
        // The same conditions written another way.
        ("\"not (age < 40) and fit_positive == true\"", "\"90 <= age\""),
        ("\"fit_positive and not (age <= 39)\"", "\"age > 89\""),
        ("\"age >= 40 and fit_positive\"", "\"age in [90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100]\""),
    ])
    func equivalentConditionsAreNoChange(referral: String, discharge: String) throws {
        let d = try diff("""
              - { to: referral, when: \(referral) }
              - { to: discharge, when: \(discharge) }
              - { to: watch, otherwise: true }
        """)
        #expect(d.isEquivalent, "\(d.changes.map { "\($0.aspect): \($0.before ?? "") → \($0.after ?? "")" })")
    }

    @Test func branchesThatCannotOverlapMayComeInAnyOrder() throws {
        let d = try diff("""
              - { to: discharge, when: "age >= 90 and not fit_positive" }
              - { to: referral, when: "fit_positive and age >= 40" }
              - { to: discharge, when: "age >= 90" }
              - { to: watch, otherwise: true }
        """)
        #expect(d.isEquivalent, "\(d.changes.map(\.aspect))")
    }

    @Test func aThresholdChangeIsAChangeAtTheThreshold() throws {
        let d = try diff("""
              - { to: referral, when: "fit_positive and age >= 50" }
              - { to: discharge, when: "age >= 90" }
              - { to: watch, otherwise: true }
        """)
        let change = try #require(d.changes.first)
        #expect(d.changes.count == 1)
        // The first patient the two route differently: 40, the standard's threshold.
        #expect(change.aspect.contains("age 40"), "\(change.aspect)")
        #expect(change.before == "referral" && change.after == "watch")
    }

    @Test func sharesAreComparedWhenProbabilitiesChange() throws {
        let d = try diff("""
              - { to: referral, when: "fit_positive and age >= 40", probability: 0.5 }
              - { to: discharge, when: "age >= 90" }
              - { to: watch, otherwise: true }
        """)
        let change = try #require(d.changes.first)
        #expect(change.after?.contains("50%") == true, "\(change.after ?? "")")
    }

    @Test func aCategoryNobodyMentionsDoesNotMatter() throws {
        let d = try diff("""
              - { to: referral, when: "fit_positive and age >= 40 and band in [low, high]" }
              - { to: discharge, when: "age >= 90" }
              - { to: watch, otherwise: true }
        """)
        #expect(d.isEquivalent, "\(d.changes.map(\.aspect))")
    }

    @Test func openingHoursAreComparedByTheirMinutesNotTheirSpelling() throws {
        #expect(try diff(Self.standardTriage, hours: "mon-fri 8:00-18:00").isEquivalent)
        let d = try diff(Self.standardTriage, hours: "mon-fri 8:00-17:00")
        #expect(d.changes.map(\.changeClass) == [.resourceChanged])
    }
}

/// A handoff that sends "everything known" against one that lists items.
@Suite struct HandoffDataTests {
    func pair(standardSends: [String]?, variantSends: [String]?) throws -> PathwayDiff {
        var a = try loadPathway("Examples/minimal/gp-to-clinic.yaml")
        let i = try #require(a.steps.firstIndex { $0.handoff != nil })
        var b = a
        a.steps[i].handoff?.sends = standardSends
        b.steps[i].handoff?.sends = variantSends
        return PathwayDiff(standard: a, variant: b)
    }

    @Test func listingEverythingKnownLosesNothing() throws {
        #expect(try pair(standardSends: nil, variantSends: ["referral-letter"]).isEquivalent)
        #expect(try pair(standardSends: ["referral-letter"], variantSends: nil).isEquivalent)
    }

    @Test func eachItemLeftOutIsLostOnce() throws {
        let d = try pair(standardSends: nil, variantSends: [])
        #expect(d.changes.map(\.changeClass) == [.dataLost])
        #expect(d.changes.first?.before == "referral-letter")
    }
}

/// The region matrix shows every kind of change, and tells variants with the same file name apart.
@Suite struct RegionMatrixRowsTests {
    @Test func aTargetChangeHasItsOwnRowInEveryFormat() throws {
        let standard = try loadPathway("Examples/region/standard.yaml")
        var variant = standard
        variant.id = "tighter"
        let k = try #require(variant.targets.firstIndex { $0.id == "faster-diagnosis" })
        variant.targets[k].standard = 0.65
        let region = RegionComparison(standard: standard, variants: [("north/trust", variant), ("south/trust", standard)])
        let row = try #require(region.rows.first { $0.subject == .target })
        #expect(row.id == "faster-diagnosis")
        #expect(row.cells.map(\.state) == [.changed, .same])
        #expect(RegionRenderer.text(region).contains("target faster-diagnosis"))
        #expect(RegionRenderer.csv(region).contains("faster-diagnosis,target: "))
        #expect(RegionRenderer.markdown(region).contains("target `faster-diagnosis`"))
    }

    @Test func columnsWithTheSameFileNameAreQualifiedByTheirFolder() {
        #expect(RegionComparison.columnNames(for: ["r/north/trust.yaml", "r/south/trust.yaml", "r/east.yaml"])
                == ["north/trust", "south/trust", "east"])
        #expect(RegionComparison.columnNames(for: ["a/x/t.yaml", "b/x/t.yaml"]) == ["a/x/t", "b/x/t"])
    }
}

/// `reordered` means two steps swapped, not that a new branch moved the breadth-first order.
@Suite struct ReorderTests {
    @Test func addingABranchReordersNothing() throws {
        let standard = try loadPathway("Examples/region/standard.yaml")
        var variant = standard
        let i = try #require(variant.steps.firstIndex { $0.id == "ct-review" })
        // Straight to the MDT for a few: a new way through, every old order kept.
        variant.steps[i].branches.insert(Branch(to: "lung-mdt", probability: 0.05), at: 0)
        let d = PathwayDiff(standard: standard, variant: variant)
        #expect(!d.changes.contains { $0.changeClass == .reordered }, "\(d.changes.filter { $0.changeClass == .reordered }.map(\.id))")
        #expect(d.changes.contains { $0.changeClass == .branchChanged })
    }
}
