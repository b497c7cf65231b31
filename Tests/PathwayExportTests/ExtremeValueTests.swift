import Foundation
import PathwayModel
import Testing
@testable import PathwayExport

/// Values no file can hold any more (validation refuses times past 100 years), but a pathway built
/// in code can: the exporters write something, and never trap.
@Suite struct ExtremeValueTests {
    @Test(arguments: [1e30, Double.infinity, Double.greatestFiniteMagnitude, 0, -5])
    func isoDurationsOfAnyNumberDoNotTrap(_ minutes: Double) {
        let text = TimeText.iso8601(minutes: minutes)
        #expect(text.hasPrefix("P"))
    }

    @Test func bpmnOfAPathwayWithAnEnormousWaitIsWritten() {
        let pathway = Pathway(
            id: "huge", title: "Huge",
            organisations: [Organisation(id: "clinic", name: "Clinic", type: .acute)],
            start: "wait",
            steps: [
                Step(id: "wait", kind: .wait, organisation: "clinic", duration: .fixed(1e30), next: "done"),
                Step(id: "done", kind: .end, outcome: "seen"),
            ])
        let xml = BPMNExporter().export(pathway)
        #expect(xml.contains("<bpmn:timeDuration"))
    }
}
