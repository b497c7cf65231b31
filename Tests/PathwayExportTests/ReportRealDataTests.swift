import Foundation
import FormatChecks
import PathwayData
import PathwayLanguage
import PathwayModel
import PathwaySimulation
import Testing
@testable import PathwayReport

/// The report's real-data sections: conformance of a log (`report --log`) and capacity planning
/// (`report --vary`) are well-formed, escaped pages that say what the figures say.
@Suite struct ReportRealDataTests {
    @Test func aVariantsLogShownAgainstTheStandardNamesItsDeviations() throws {
        let standard = try ReportTests.load("Examples/region/standard.yaml")
        let north = try ReportTests.load("Examples/region/trust-north.yaml")
        let simulator = try Simulator(pathway: north)
        final class Bytes: @unchecked Sendable { var data: [UInt8] = [] }
        let bytes = Bytes()
        var sink: EventLogWriter? = EventLogWriter(format: .csv, model: simulator.model) { bytes.data += $0 }
        _ = simulator.run(SimulationOptions(length: .patients(60), replications: 1, seed: 4, jobs: 1), eventSink: &sink)
        sink?.finish()
        let log = try LogReader.read(contents: [(name: "north.csv", bytes: bytes.data)], pathway: standard)
        let (mapping, unmapped) = ActivityMapper.map(log, to: standard)
        let conformance = ConformanceChecker(pathway: standard).check(log, mapping: mapping, problems: log.problems + unmapped)
        let html = HTMLReport(entries: [HTMLReport.Entry(pathway: standard, conformance: conformance)], renderer: nil).render()
        #expect(FormatChecks.htmlProblems(html).isEmpty, "\(FormatChecks.htmlProblems(html))")
        ReportTests.expectNoInjectedMarkup(html)
        #expect(html.contains("<section id=\"conformance\""))
        #expect(html.contains("0 of 60 fit the pathway"))
        #expect(html.contains("outpatient-booking"), "the unexpected step North added is named")
    }
}
