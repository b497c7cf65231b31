import Foundation
import PathwayLanguage
import PathwayModel
import Testing
@testable import PathwayPreview

@Suite struct PreviewRefresherTests {
    /// No Graphviz, so the tests do not depend on it (the diagram is the Mermaid text).
    func refresher(_ f: Fixture) -> PreviewRefresher {
        PreviewRefresher(file: f.path("p.yaml"), simulation: QuickSimulation(patients: 50, warmupDays: 0),
                         drawing: DiagramDrawing(renderer: nil))
    }

    @Test func aCleanFileHasNoProblemsADiagramAndThenItsFigures() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("p.yaml", Fixture.pathway())
        var r = refresher(f)
        let firstMade = r.refreshIfChanged()
        let first = try #require(firstMade)
        #expect(first.fileFound && first.diagnostics.isEmpty)
        #expect(first.title == "GP referral to a hospital clinic")
        guard case .text(let language, let source, _) = first.diagram else { Issue.record("no Mermaid text"); return }
        #expect(language == "Mermaid" && source.contains("flowchart"))
        guard case .running(nil) = first.simulation else { Issue.record("simulation not pending"); return }
        #expect(r.simulationPending)
        let completeMade = r.completeSimulation()
        let complete = try #require(completeMade)
        #expect(complete.version == first.version + 1)
        guard case .summary(let summary) = complete.simulation else { Issue.record("no summary"); return }
        #expect(summary.patients == 50)
        #expect(summary.targets.map(\.title) == ["Seen within 2 weeks"])
        let nothing = r.refreshIfChanged()
        #expect(nothing == nil)
    }

    @Test func aMisspeltNextShowsCP101AtItsLineAndTheFixClearsIt() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("p.yaml", Fixture.pathway())
        var r = refresher(f)
        _ = r.makeCompleteSnapshot()
        _ = r.refreshIfChanged()
        try f.write("p.yaml", Fixture.pathway(next: "clinix"))
        let brokenMade = r.refreshIfChanged()
        let broken = try #require(brokenMade)
        let d = try #require(broken.diagnostics.first { $0.code == "CP101" })
        let line = Fixture.pathway().components(separatedBy: "\n").firstIndex(of: "    next: clinic").map { $0 + 1 }
        #expect(d.location?.line == line)
        #expect(d.message.contains("clinix"))
        guard case .notRun(let reason) = broken.simulation else { Issue.record("simulated with errors"); return }
        #expect(reason.contains("1 error"))
        #expect(!r.simulationPending)
        try f.write("p.yaml", Fixture.pathway())
        let fixedMade = r.refreshIfChanged()
        let fixed = try #require(fixedMade)
        #expect(fixed.diagnostics.isEmpty)
        guard case .running(let previous?) = fixed.simulation else { Issue.record("no earlier figures while running"); return }
        #expect(previous.patients == 50)
    }

    @Test func aYAMLErrorIsShownAndTheLastDiagramKeptAsEarlier() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("p.yaml", Fixture.pathway())
        var r = refresher(f)
        _ = r.makeCompleteSnapshot()
        try f.write("p.yaml", Fixture.pathway().replacingOccurrences(of: "\nsteps:", with: "\nsteps: [unclosed\n"))
        let sMade = r.refreshIfChanged()
        let s = try #require(sMade)
        #expect(s.errorCount > 0)
        #expect(s.diagnostics.allSatisfy { $0.code.hasPrefix("CP0") })
        guard case .earlier(.text, _, _) = s.diagram else { Issue.record("earlier diagram not kept: \(s.diagram)"); return }
    }

    @Test func aDeletedFileIsNotFoundUntilItComesBack() throws {
        let f = try Fixture()
        defer { f.remove() }
        try f.write("p.yaml", Fixture.pathway())
        var r = refresher(f)
        _ = r.makeCompleteSnapshot()
        _ = r.refreshIfChanged()
        try FileManager.default.removeItem(atPath: f.path("p.yaml"))
        let goneMade = r.refreshIfChanged()
        let gone = try #require(goneMade)
        #expect(!gone.fileFound)
        let nothing = r.refreshIfChanged()
        #expect(nothing == nil)
        try f.write("p.yaml", Fixture.pathway())
        let backMade = r.refreshIfChanged()
        let back = try #require(backMade)
        #expect(back.fileFound && back.diagnostics.isEmpty)
    }

    @Test func aSubpathwayFileIsWatchedToo() throws {
        let f = try Fixture()
        defer { f.remove() }
        let sub = """
        carepath: 1
        id: follow-up
        title: Follow-up
        version: "1"
        status: draft
        organisations:
          hospital: { name: Acute trust, type: acute }
        start: review
        steps:
          review: { kind: assessment, organisation: hospital, duration: 10 min, next: finished }
          finished: { kind: end, outcome: reviewed }

        """
        try f.write("sub.yaml", sub)
        try f.write("p.yaml", Fixture.pathway().replacingOccurrences(
            of: "    next: done\n", with: "    next: follow\n  follow: { kind: subpathway, organisation: hospital, pathway: sub.yaml, next: done }\n"))
        var r = refresher(f)
        let firstMade = r.refreshIfChanged()
        let first = try #require(firstMade)
        #expect(first.diagnostics.isEmpty, "\(first.diagnostics)")
        #expect(r.watchedFiles.count == 2)
        let nothing = r.refreshIfChanged()
        #expect(nothing == nil)
        try f.write("sub.yaml", sub.replacingOccurrences(of: "next: finished", with: "next: finishd"))
        let brokenMade = r.refreshIfChanged()
        let broken = try #require(brokenMade)
        let d = try #require(broken.diagnostics.first { $0.code == "CP101" })
        #expect(d.location?.file.hasSuffix("sub.yaml") == true)
    }
}

extension PreviewSnapshot: Equatable {
    public static func == (a: PreviewSnapshot, b: PreviewSnapshot) -> Bool { a.version == b.version && a.file == b.file }
}
