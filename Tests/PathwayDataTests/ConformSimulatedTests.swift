import PathwayData
import PathwayModel
import PathwaySimulation
import Testing

/// The standard's own simulated log must conform, and the targets measured from it must be the
/// simulator's own figures for that replication; a variant's log must not, and must say why.
@Suite struct ConformSimulatedTests {
    static let lungOptions = SimulationOptions(length: .patients(500), replications: 1, seed: 1, jobs: 1)

    @Test func theLungStandardsOwnLogConformsAndItsTargetsAreTheSimulatorsFigures() throws {
        let pathway = try ConformFixtures.load("Pathways/suspected-lung-cancer.yaml")
        let (simulation, log) = try ConformFixtures.simulate(pathway, options: Self.lungOptions)
        let report = ConformanceChecker(pathway: pathway).check(log, mapping: ConformFixtures.mappingByID(log, pathway))

        #expect(report.journeys == 500)
        #expect(report.allFit, "\(report.deviations.prefix(5).map(\.message)) e.g. \(report.deviations.first?.examples ?? [])")
        #expect(report.kinds.allSatisfy { $0.occurrences == 0 })
        #expect(report.finished == 500 - simulation.unfinished)
        #expect(report.organisations.allSatisfy { $0.fitting == $0.journeys })
        #expect(report.organisations.first { $0.id == "gp" }?.journeys == 500)

        let tally = try #require(simulation.tallies.first)
        for (k, target) in report.targets.enumerated() {
            let simulated = simulation.targets[k]
            #expect(target.id == simulated.id)
            #expect(target.measured == tally.targetMeasured[k], "\(target.id) measured")
            #expect(target.met == tally.targetMet[k], "\(target.id) met")
            #expect(target.runningLate == tally.targetRunningLate[k], "\(target.id) running late")
            #expect(target.runningOpen == tally.targetRunningOpen[k], "\(target.id) open")
            #expect(target.notStopped == tally.targetUnstopped[k], "\(target.id) not stopped")
            if let mean = target.meanMinutes, tally.targetMeasured[k] > 0 {
                #expect(abs(mean - tally.targetMinutes[k] / Double(tally.targetMeasured[k])) < 1e-3, "\(target.id) mean clock")
            }
        }
        #expect(report.targets.contains { $0.measured > 50 })
        #expect(report.notes.isEmpty, "\(report.notes)")

        // Waits per step as measured are the simulator's mean waits.
        for wait in report.waits {
            let step = try #require(simulation.steps.first { $0.id == wait.step })
            #expect(abs(wait.wait.meanMinutes - step.meanWaitMinutes.mean) < 1e-3, "\(wait.step): \(wait.wait.meanMinutes) vs \(step.meanWaitMinutes.mean)")
        }
        // Every patient has a chest X-ray; about 1 in 6 goes on to CT (X-ray suggests cancer, or
        // the GP refers after a normal one).
        #expect(report.waits.contains { $0.step == "chest-x-ray" && $0.wait.count == 500 })
        #expect(report.waits.contains { $0.step == "ct-chest" && $0.wait.count > 40 })
        // Handoffs measured, GP to acute trust: every patient's X-ray request (triangular 2 hours
        // to 10 days, mode 1 day: mean 3.69 days), and the referrals after a normal X-ray
        // (triangular 2 hours to 3 days: mean 1.36 days), one for each journey reaching gp-referral.
        let referral = try #require(report.handoffs.first { $0.from == "gp" && $0.to == "acute" })
        let referredAfterNormalXray = log.cases.filter { c in c.events.contains { log.activities[Int($0.activity)] == "gp-referral" } }.count
        #expect(referral.delay.count == 500 + referredAfterNormalXray)
        let expectedMean = (500 * 3.6944 + Double(referredAfterNormalXray) * 1.3611) / Double(500 + referredAfterNormalXray)
        #expect(abs(referral.delay.meanMinutes / 1440 - expectedMean) < 0.35, "\(referral.delay.meanMinutes / 1440) days vs \(expectedMean)")
    }

    @Test func aVariantsLogDoesNotConformToTheStandardAndTheDeviationsNameWhatItChanged() throws {
        let standard = try ConformFixtures.load("Examples/region/standard.yaml")
        let north = try ConformFixtures.load("Examples/region/trust-north.yaml")
        let (_, log) = try ConformFixtures.simulate(north, options: SimulationOptions(length: .patients(200), replications: 1, seed: 3, jobs: 1))
        let report = ConformanceChecker(pathway: standard).check(log, mapping: ConformFixtures.mappingByID(log, standard))

        #expect(!report.allFit)
        #expect(report.fitting == 0, "every North journey has the extra appointment")
        let unexpected = report.deviations.filter { $0.kind == .unexpectedStep }
        #expect(Set(unexpected.map(\.name)) == ["outpatient-booking", "respiratory-outpatients"])
        #expect(unexpected.allSatisfy { $0.journeys == 200 && $0.examples.count == 3 })
        #expect(unexpected.first { $0.name == "respiratory-outpatients" }?.organisation == "acute")
        // Nothing else differs: no skipped steps, no order or data problems.
        #expect(report.kinds.filter { $0.kind != .unexpectedStep }.allSatisfy { $0.occurrences == 0 })
        #expect(report.organisations.first { $0.id == "gp" }.map { $0.fitting == $0.journeys } == true)
        #expect(report.organisations.first { $0.id == "acute" }?.fitting == 0)
    }

    @Test func theStandardsLogConformsToItselfForEveryShippedPathwayWithAParallelBlock() throws {
        for file in ["Pathways/hip-fracture.yaml", "Pathways/acute-stroke.yaml", "Pathways/suspected-sepsis.yaml",
                     "Pathways/chronic-heart-failure.yaml", "Pathways/early-intervention-psychosis.yaml",
                     "Pathways/suspected-lower-gi-cancer.yaml", "Examples/queueing/clinic-network.yaml"] {
            let pathway = try ConformFixtures.load(file)
            let (simulation, log) = try ConformFixtures.simulate(pathway, options: SimulationOptions(length: .patients(300), replications: 1, seed: 7, jobs: 1))
            let report = ConformanceChecker(pathway: pathway).check(log, mapping: ConformFixtures.mappingByID(log, pathway))
            // A subpathway's steps are logged as 'call/step': only they may be unmapped.
            let other = report.deviations.filter { !($0.kind == .unexpectedStep && $0.step == nil && $0.name.contains("/")) }
            #expect(other.isEmpty, "\(file): \(other.prefix(3).map { "\($0.message) e.g. \($0.examples)" })")
            let tally = try #require(simulation.tallies.first)
            for (k, target) in report.targets.enumerated() {
                #expect(target.measured == tally.targetMeasured[k] && target.met == tally.targetMet[k]
                        && target.notStopped == tally.targetUnstopped[k],
                        "\(file) \(target.id): \(target.measured)/\(target.met)/\(target.notStopped) vs \(tally.targetMeasured[k])/\(tally.targetMet[k])/\(tally.targetUnstopped[k])")
            }
        }
    }
}
