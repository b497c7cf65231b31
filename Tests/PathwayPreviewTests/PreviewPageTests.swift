import Foundation
import PathwayLanguage
import PathwayModel
import Testing
@testable import PathwayPreview

@Suite struct PreviewPageTests {
    static let hostile = "<script>alert(1)</script><img src=x onerror=alert(2)> & \"q\" 'a'"
    let page = PreviewPage(timeZone: TimeZone(identifier: "UTC") ?? .current, scriptNonce: "NONCE", session: "SESSION")
    let noon = Date(timeIntervalSince1970: 1_700_000_000)  // 22:13:20 UTC

    func snapshot(title: String? = "Lung", diagnostics: [Diagnostic] = [], sources: [String: SourceText] = [:],
                  found: Bool = true, diagram: PreviewDiagram = .unavailable(reason: "none"),
                  simulation: QuickLook = .notRun(reason: "not run")) -> PreviewSnapshot {
        PreviewSnapshot(file: "lung.yaml", version: 3, updated: noon, fileFound: found, title: title, pathwayVersion: "1",
                        diagnostics: diagnostics, sources: sources, diagram: diagram, simulation: simulation)
    }

    @Test func escapingTurnsMarkupIntoTextAndDropsControlAndBidiCharacters() {
        #expect(PreviewHTML.escape("<a href='x'>&\"") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;")
        #expect(PreviewHTML.escape("a\u{202E}b\u{0007}c\nd") == "ab" + "c\nd")
    }

    @Test func hostileTextFromThePathwayNeverBecomesMarkup() {
        let at = SourceLocation(file: "lung.yaml", line: 1, column: 8)
        let d = Diagnostic(.error, "CP101", "step '\(Self.hostile)' is not a step", at: at,
                           notes: [DiagnosticNote(Self.hostile, at: at)], suggestion: Self.hostile, help: Self.hostile)
        let sources = ["lung.yaml": SourceText(file: "lung.yaml", text: "title: \(Self.hostile)\n")]
        let summary = SimulationSummaryFixture.summary(targetTitle: Self.hostile, outcome: Self.hostile, resource: Self.hostile)
        let html = page.page(snapshot(title: Self.hostile, diagnostics: [d], sources: sources,
                                      diagram: .text(language: "Mermaid", source: Self.hostile, reason: Self.hostile),
                                      simulation: .summary(summary)))
        // One script element (the page's own, with its nonce) and no element from the file.
        #expect(html.components(separatedBy: "<script").count == 2)
        #expect(html.contains("<script nonce=\"NONCE\">"))
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"))
        let fragments = page.fragments(snapshot(title: Self.hostile))
        #expect(fragments.documentTitle.hasPrefix(Self.hostile))  // set as text by the page's script
        #expect(!fragments.heading.contains("<script"))
    }

    @Test func aCleanFileSaysNoProblemsFound() {
        let f = page.fragments(snapshot())
        #expect(f.status.contains("No problems found"))
        #expect(f.diagnostics.contains("No problems found"))
        #expect(f.announce == "Updated at 22:13:20: no problems found.")
        #expect(f.updated == "22:13:20")
        #expect(f.version == 3)
    }

    @Test func aDiagnosticShowsItsPlaceMessageSourceLineCaretAndHelp() {
        let at = SourceLocation(file: "lung.yaml", line: 2, column: 11)
        let d = Diagnostic(.error, "CP101", "step 'referral' goes to 'clinix', which is not a step", at: at,
                           suggestion: "clinic", help: "name a step of this pathway")
        let sources = ["lung.yaml": SourceText(file: "lung.yaml", text: "steps:\n    next: clinix\n")]
        let f = page.fragments(snapshot(diagnostics: [d], sources: sources))
        #expect(f.status.contains("1 error"))
        #expect(f.diagnostics.contains("data-code=\"CP101\""))
        #expect(f.diagnostics.contains("<code class=\"where\">lung.yaml:2:11</code>"))
        #expect(f.diagnostics.contains("Step &#39;referral&#39; goes to &#39;clinix&#39;, which is not a step."))
        #expect(f.diagnostics.contains("    next: clinix\n"))
        #expect(f.diagnostics.contains("<span class=\"caret\">          ^</span>"))
        #expect(f.diagnostics.contains("Did you mean <code>clinic</code>?"))
        #expect(f.diagnostics.contains("<strong>Help:</strong> name a step of this pathway"))
    }

    @Test func theCaretKeepsTheLinesTabsSoItLinesUp() {
        #expect(PreviewPage.caretPad("\tab", column: 3) == "\t ")
        #expect(PreviewPage.caretPad("ab", column: 5) == "    ")
    }

    @Test func aMissingFileSaysFileNotFound() {
        let f = page.fragments(snapshot(found: false))
        #expect(f.status.contains("File not found"))
        #expect(f.diagnostics.contains("File not found"))
        #expect(f.diagnostics.contains("role=\"alert\""))
        #expect(f.announce.contains("file not found"))
    }

    @Test func anEarlierDiagramIsMarkedOutOfDate() {
        let f = page.fragments(snapshot(diagram: .earlier(.drawing(svg: "<svg></svg>"), madeAt: noon, reason: "The YAML cannot be read.")))
        #expect(f.diagram.contains("Out of date"))
        #expect(f.diagram.contains("read at 22:13:20"))
        #expect(f.diagram.contains("<svg></svg>"))
    }

    @Test func theSimulationIsCalledAQuickLookWithEachTargetsVerdict() {
        let f = page.fragments(snapshot(simulation: .summary(SimulationSummaryFixture.summary(targetTitle: "Seen within 2 weeks"))))
        #expect(f.simulation.contains("A quick look, not the library's standard run"))
        #expect(f.simulation.contains("<th scope=\"row\">Seen within 2 weeks</th><td>14 days</td><td>93%</td><td>90% <span class=\"muted\">of 100</span></td><td class=\"verdict\">No</td>"))
    }

    @Test func fragmentsTravelAsOneLineOfJSON() throws {
        let f = page.fragments(snapshot(title: "A\nB"))
        let json = f.json()
        #expect(!json.contains("\n"))
        let back = try JSONDecoder().decode(PreviewFragments.self, from: Data(json.utf8))
        #expect(back == f)
    }

    @Test func thePageIsSelfContainedAndFollowsUpdates() {
        let html = page.page(snapshot())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<html lang=\"en-GB\">"))
        #expect(html.contains("new EventSource(\"\\/events\")") || html.contains("new EventSource(\"/events\")"))
        #expect(!html.contains("src=\"http"))
        #expect(!html.contains("<link"))
        #expect(html.contains("data-session=\"SESSION\""))
        #expect(page.contentSecurityPolicy.contains("script-src 'nonce-NONCE'"))
        #expect(page.contentSecurityPolicy.hasPrefix("default-src 'none'"))
    }
}

/// Summaries built without running a simulation.
enum SimulationSummaryFixture {
    static func summary(targetTitle: String, outcome: String = "seen", resource: String = "Clinic") -> SimulationSummary {
        SimulationSummary(patients: 100, unfinished: 0, warmupDays: 30, seed: 1,
                          targets: [.init(title: targetTitle, withinMinutes: 14 * 1440, standard: 0.93, attainment: 0.9, measured: 100)],
                          journeyMedianMinutes: 3000, journeyP90Minutes: 9000,
                          outcomes: [.init(name: outcome, share: 1)], busiestResources: [.init(name: resource, utilisation: 0.5)],
                          warnings: [], seconds: 0.1)
    }
}
