import Foundation
import PathwayDiff
import PathwayLanguage
import PathwayModel
import PathwaySimulation
import Testing

/// `--impact`: both pathways simulated under common random numbers, compared replication by replication.
@Suite struct ImpactTests {
    let options = SimulationOptions(length: .days(60), warmupDays: 14, replications: 4, seed: 7, jobs: 2)

    @Test func aPathwayComparedWithItselfChangesNothingExactly() throws {
        let p = try loadPathway("Examples/region/standard.yaml")
        let report = try ImpactAnalysis.run(standard: p, variant: p, options: options)
        #expect(report.replications == 4)
        for t in report.targets {
            let a = try #require(t.attainment)
            #expect(a.difference.mean == 0 && a.difference.low == 0 && a.difference.high == 0)
        }
        #expect(report.medianJourneyMinutes.difference.mean == 0)
    }

    @Test func anExtraAppointmentBeforeCTCostsTheCTTarget() throws {
        let a = try loadPathway("Examples/region/standard.yaml")
        let b = try loadPathway("Examples/region/trust-north.yaml")
        let report = try ImpactAnalysis.run(standard: a, variant: b, options: options)
        let ct = try #require(report.targets.first { $0.id == "ct-within-72-hours" }?.attainment)
        #expect(ct.difference.mean < -0.5)
        #expect(ct.difference.low <= ct.difference.mean && ct.difference.mean <= ct.difference.high)
        #expect(report.medianJourneyMinutes.difference.mean > 0)
        let text = DiffRenderer.text(PathwayDiff(standard: a, variant: b), impact: report)
        #expect(text.contains("faster-diagnosis") && text.contains("pts ("))
        let json = try DiffRenderer.json(PathwayDiff(standard: a, variant: b), impact: report)
        #expect(json.contains("\"medianJourneyMinutes\""))
    }
}
