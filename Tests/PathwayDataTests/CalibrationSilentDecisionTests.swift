import Foundation
import PathwayData
import PathwayLanguage
import PathwayModel
import PathwaySimulation
import Testing

/// An EPR extract rarely records decisions. Calibrating from a log without them must find what
/// the same log with them finds: the branch shares, and a test's result delay before a decision
/// (the decision is instant, so the whole gap is the result's) — or say it cannot tell.
@Suite struct CalibrationSilentDecisionTests {
    @Test func aLogWithoutDecisionEventsCalibratesAsTheSameLogWithThem() throws {
        let standard = try ConformFixtures.load("Examples/real-data/suspected-lung-cancer.yaml")
        let truth = try ConformFixtures.load("Examples/real-data/hidden-truth.yaml")
        let (_, csv) = try ConformFixtures.simulateCSV(truth, options: SimulationOptions(length: .days(120), replications: 1, seed: 5, jobs: 1))
        let decisions = Set(standard.steps.filter { $0.kind == .decision }.map(\.id))
        var lines = csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        let stepColumn = try #require(header.firstIndex(of: "step_id"))
        let withoutDecisions = lines.filter { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            return cells.count <= stepColumn || !decisions.contains(String(cells[stepColumn]))
        }
        #expect(withoutDecisions.count < lines.count - 500, "the log had decision events to drop")
        func calibrate(_ text: String) throws -> Calibration {
            let log = try LogReader.read(contents: [(name: "trust.csv", bytes: Array(text.utf8))], pathway: standard)
            let (mapping, _) = ActivityMapper.map(log, to: standard)
            return Calibrator.calibrate(standard, log: log, mapping: mapping)
        }
        let full = try calibrate(csv)
        let silent = try calibrate(([header.joined(separator: ",")] + withoutDecisions).joined(separator: "\n"))
        for path in ["steps.biopsy-route.branches", "steps.biopsy-adequate.branches", "steps.ct-review.branches",
                     "steps.mdt-diagnosis.branches", "steps.ebus.result_after", "steps.ct-guided-biopsy.result_after",
                     "steps.ct-chest.result_after"] {
            let a = try #require(full.findings.first { $0.path == path }, "\(path) with decisions")
            let b = try #require(silent.findings.first { $0.path == path }, "\(path) without decisions")
            #expect(a.outcome == b.outcome && a.sampleSize == b.sampleSize && a.fitted == b.fitted, "\(path): \(a.reason) | \(b.reason)")
        }
        // systemic-therapy is reached from both treatment options: without the decisions the log cannot say which.
        let radical = try #require(silent.findings.first { $0.path == "steps.radical-options.branches" })
        #expect(radical.outcome == .skipped && radical.reason.contains("cannot be told"), "\(radical.reason)")
    }
}
