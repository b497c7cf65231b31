import Foundation
import PathwayDiff
import PathwayModel
import PathwaySimulation
import Testing
@testable import PathwayExport
@testable import PathwayReport

/// The region and diff views of the HTML report.
@Suite struct ReportComparisonTests {
    /// The lung fixture with the MDT every 14 days, rehabilitation left out (surgery and the wait
    /// go straight to the stop-smoking service) and a nurse phone call added after the CT.
    static var variant: Pathway {
        var p = Fixtures.lung
        p.id = "fixture-lung-variant"
        p.title = "Lung cancer, a trust's variant"
        if let i = p.steps.firstIndex(where: { $0.id == "mdt" }) { p.steps[i].every = .days(14) }
        p.steps.removeAll { $0.id == "rehab" }
        for i in p.steps.indices where p.steps[i].next == "rehab" { p.steps[i].next = "smoking" }
        if let i = p.steps.firstIndex(where: { $0.id == "ct-scan" }) {
            let after = p.steps[i].next
            p.steps[i].next = "phone-call"
            p.steps.insert(Step(id: "phone-call", kind: .assessment, title: "Nurse phone call", organisation: "acute",
                                duration: .fixed(15), next: after), at: i + 1)
        }
        return p
    }

    static func page(variants: [HTMLReport.Comparison.Variant], renderer: SVGRenderer? = nil) -> String {
        HTMLReport(entries: [HTMLReport.Entry(pathway: Fixtures.lung)],
                   comparison: HTMLReport.Comparison(standard: Fixtures.lung, variants: variants), renderer: renderer).render()
    }

    @Test func regionAndDiffSectionsNameEveryChangeInWords() {
        let html = Self.page(variants: [.init(name: "trust-a", pathway: Self.variant), .init(name: "trust-b", pathway: Fixtures.lung)])
        #expect(html.contains("<section id=\"region\""))
        #expect(html.contains("<section id=\"diff\""))
        #expect(html.contains("MISSING"))
        #expect(html.contains("ADDED"))
        #expect(html.contains("retimed"))
        #expect(html.contains("every: 1 week → 2 weeks"))
        #expect(html.contains("The variant says the same as the standard: no changes."))
        #expect(html.contains("<td class=\"num heat h0\" data-sort=\"100\"><strong>100</strong></td>"))
        ReportTests.expectNoInjectedMarkup(html)
    }

    @Test func variantDiagramMarksAddedChangedAndRemovedSteps() throws {
        let diff = PathwayDiff(standard: Fixtures.lung, variant: Self.variant)
        let marks = StepMarks(diff: diff, standard: Fixtures.lung, variant: Self.variant)
        #expect(marks.added == ["phone-call"])
        #expect(marks.removed.map(\.id) == ["rehab"])
        #expect(marks.changed.contains { $0.id == "mdt" && $0.classes.contains(.retimed) })
        let dot = marks.annotate(DOTExporter().export(Self.variant))
        #expect(dot.contains("+ ADDED\\nNurse phone call"))
        #expect(dot.contains("− REMOVED\\nPulmonary rehabilitation"))
        #expect(dot.contains("~ CHANGED: retimed"))
        #expect(dot.hasSuffix("}\n"))
        try #require(SVGRenderer().dotExecutable != nil, "Graphviz's dot is not installed (.ci/run installs it)")
        let svg = try SVGRenderer().render(dot: dot)
        #expect(svg.contains("REMOVED"))
    }

    @Test func hostileVariantNamesAreEscaped() {
        var hostile = Fixtures.hostilePathway
        hostile.title = "<script>alert(1)</script>"
        let html = HTMLReport(entries: [HTMLReport.Entry(pathway: Fixtures.hostilePathway)],
                              comparison: HTMLReport.Comparison(standard: Fixtures.hostilePathway,
                                                                variants: [.init(name: "\"><img src=x onerror=alert(1)>", pathway: hostile)]),
                              renderer: SVGRenderer()).render()
        ReportTests.expectNoInjectedMarkup(html)
        #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
    }
}

/// The impact table of the diff view.
@Suite struct ReportImpactTests {
    @Test func impactTableShowsTheChangeInAttainmentInWordsAndNumbers() throws {
        let standard = try ReportTests.load("Examples/minimal/gp-to-clinic.yaml")
        var variant = standard
        variant.id = "gp-to-clinic-one-room"
        if let r = variant.resources.firstIndex(where: { $0.id == "clinic-room" }) { variant.resources[r].capacity = 1 }
        let options = SimulationOptions(length: .days(120), warmupDays: 30, replications: 4, seed: 3)
        let impact = try ImpactAnalysis.run(standard: standard, variant: variant, options: options)
        let html = HTMLReport(entries: [HTMLReport.Entry(pathway: standard)],
                              comparison: HTMLReport.Comparison(standard: standard, variants: [.init(name: "one-room", pathway: variant, impact: impact)]),
                              renderer: nil).render()
        #expect(html.contains("Simulated impact on targets: 4 paired replications, seed 3"))
        #expect(html.contains("Seen within 2 weeks"))
        #expect(html.contains("Median journey time"))
        #expect(html.contains(" points"))
        ReportTests.expectNoInjectedMarkup(html)
    }
}
