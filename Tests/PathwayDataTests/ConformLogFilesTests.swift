import FormatChecks
import Foundation
import PathwayData
import PathwayModel
import PathwaySimulation
import Testing

/// The simulator's CSV log read back through the readers: whole, and split into one file per
/// organisation and joined by NHS number; and the report's three formats.
@Suite struct ConformLogFilesTests {
    /// Splits a CSV log into one file per value of its `organisation` column, keeping the header.
    static func splitByOrganisation(_ csv: String) -> [(name: String, bytes: [UInt8])] {
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: true)
        guard let header = lines.first else { return [] }
        let column = header.split(separator: ",").firstIndex(of: "organisation") ?? 4
        var files: [String: [Substring]] = [:]
        var order: [String] = []
        for line in lines.dropFirst() {
            let cells = FormatChecks.csvRecords(String(line) + "\n").records.first ?? []
            let org = column < cells.count ? cells[column] : ""
            if files[org] == nil { order.append(org) }
            files[org, default: []].append(line)
        }
        // Read in the reverse order of first appearance, so the join cannot lean on file order.
        return order.reversed().map { org in
            (name: "\(org.isEmpty ? "none" : org).csv", bytes: Array(([header] + (files[org] ?? [])).joined(separator: "\n").utf8) + [10])
        }
    }

    static func conform(_ pathway: Pathway, _ files: [(name: String, bytes: [UInt8])]) throws -> ConformanceReport {
        let log = try LogReader.read(contents: files, pathway: pathway)
        let (mapping, unmapped) = ActivityMapper.map(log, to: pathway)
        return ConformanceChecker(pathway: pathway).check(log, mapping: mapping, problems: log.problems + unmapped)
    }

    @Test func theLungLogConformsWholeAndSplitByOrganisationAndGivesTheSameFigures() throws {
        let pathway = try ConformFixtures.load("Pathways/suspected-lung-cancer.yaml")
        let (simulation, csv) = try ConformFixtures.simulateCSV(pathway, options: ConformSimulatedTests.lungOptions)
        let whole = try Self.conform(pathway, [("lung.csv", Array(csv.utf8))])
        let parts = Self.splitByOrganisation(csv)
        #expect(parts.count == 4)
        let split = try Self.conform(pathway, parts)

        for report in [whole, split] {
            #expect(report.journeys == 500)
            #expect(report.allFit, "\(report.deviations.prefix(5).map { "\($0.message) \($0.examples)" })")
            #expect(report.problems.isEmpty, "\(report.problems.map(\.firstMessage))")
            let tally = try #require(simulation.tallies.first)
            for (k, target) in report.targets.enumerated() {
                #expect(target.measured == tally.targetMeasured[k] && target.met == tally.targetMet[k]
                        && target.runningLate == tally.targetRunningLate[k] && target.runningOpen == tally.targetRunningOpen[k]
                        && target.notStopped == tally.targetUnstopped[k], "\(target.id)")
            }
        }
        // Joined from four files, the same report in every figure but the file names.
        var renamed = split
        renamed.files = whole.files
        #expect(ConformanceRenderer.json(renamed) == ConformanceRenderer.json(whole))
    }

    @Test func aJourneyMissingFromTheNextOrganisationsExtractIsWarnedAboutAndDoesNotFit() throws {
        let pathway = try ConformFixtures.load("Pathways/suspected-lung-cancer.yaml")
        let (_, csv) = try ConformFixtures.simulateCSV(pathway, options: SimulationOptions(length: .patients(50), replications: 1, seed: 2, jobs: 1))
        var parts = Self.splitByOrganisation(csv)
        // Drop from the acute trust's extract a patient the GP hears of only at referral (one
        // who does not come back to the GP with a result, which would show the journey went on).
        let laterAtGP = [",gp-reviews-cxr,", ",gp-referral,", ",gp-results,"]
        let backAtGP = Set(csv.split(separator: "\n").filter { line in laterAtGP.contains { line.contains($0) } }.map { String($0.prefix(10)) })
        let acute = try #require(parts.firstIndex { $0.name == "acute.csv" })
        let text = String(decoding: parts[acute].bytes, as: UTF8.self)
        let lines = text.split(separator: "\n")
        let dropped = try #require(lines.dropFirst().map { String($0.prefix(10)) }.first { !backAtGP.contains($0) })
        parts[acute].bytes = Array(lines.filter { !$0.hasPrefix(dropped) }.joined(separator: "\n").utf8) + [10]
        let report = try Self.conform(pathway, parts)

        #expect(report.problems.contains { $0.kind == .missingFromNextOrganisation && $0.examples.contains(dropped) })
        #expect(ConformanceRenderer.warnings(report).contains { $0.hasPrefix("warning: 1 case missing from the next organisation's extract") }, "\(ConformanceRenderer.warnings(report))")
        #expect(report.journeys == 50 && report.fitting == 49)
        let skipped = try #require(report.kinds.first { $0.kind == .skippedStep })
        #expect(skipped.examples == [dropped], "the acute trust's steps are skipped in that journey only")
        #expect(report.organisations.first { $0.id == "acute" }?.fitting == 49)
    }

    @Test func theThreeFormatsCarryTheSameFigures() throws {
        let pathway = try ConformFixtures.load("Examples/region/standard.yaml")
        let north = try ConformFixtures.load("Examples/region/trust-north.yaml")
        let (_, csv) = try ConformFixtures.simulateCSV(north, options: SimulationOptions(length: .patients(60), replications: 1, seed: 5, jobs: 1))
        let report = try Self.conform(pathway, [("north.csv", Array(csv.utf8))])
        #expect(!report.allFit)

        let json = ConformanceRenderer.json(report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["journeys"] as? Int == 60)
        #expect(object["fitting"] as? Int == 0)
        #expect(object["allFit"] as? Bool == false)
        let deviations = try #require(object["deviations"] as? [[String: Any]])
        #expect(deviations.contains { $0["name"] as? String == "outpatient-booking" && $0["kind"] as? String == "unexpected-step" })
        let problems = try #require(object["problems"] as? [[String: Any]])
        #expect(problems.contains { $0["kind"] as? String == "unmapped-activity" && $0["count"] as? Int == 2 })
        #expect(json.split(separator: "\n").count > 50, "one member per line")

        let table = ConformanceRenderer.table(report)
        #expect(table.contains("journeys that fit the pathway: 0 of 60 (0.0%)"))
        #expect(table.contains("'respiratory-outpatients' is not a step of the pathway"))
        #expect(FormatChecks.terminalProblems(table).isEmpty)

        let text = ConformanceRenderer.csv(report)
        #expect(FormatChecks.csvProblems(text).isEmpty)
        let records = FormatChecks.csvRecords(text).records
        #expect(records.first == ["section", "id", "detail", "metric", "value"])
        #expect(records.allSatisfy { $0.count == 5 })
        #expect(records.contains(["journeys", "all", "", "fitting", "0"]))
        #expect(records.contains(["deviation", "outpatient-booking", "unexpected-step@acute", "journeys", "60"]))
        let attainment = try #require(records.first { $0[0] == "target" && $0[1] == "faster-diagnosis" && $0[3] == "attainment" })
        let jsonTargets = try #require(object["targets"] as? [[String: Any]])
        let fds = try #require(jsonTargets.first { $0["id"] as? String == "faster-diagnosis" })
        #expect(Double(attainment[4]) == fds["attainment"] as? Double)
    }
}

/// A log with a waiting list at its start and appointments missed or cancelled: conform reads
/// `waiting_since` and the `did-not-attend` / `cancelled` rows as the simulator wrote them, and
/// measures the simulator's own figures.
@Suite struct ConformCapacityPlanningTests {
    @Test func aBacklogsClocksRunFromWaitingSinceAndMissedAppointmentsAreNotVisits() throws {
        let pathway = try ConformFixtures.load("Examples/capacity/waiting-list.yaml")
        let (simulation, csv) = try ConformFixtures.simulateCSV(pathway, options: SimulationOptions(length: .days(60), replications: 1, seed: 3, jobs: 1))
        #expect(csv.contains(",did-not-attend,") && csv.contains(",cancelled,") && csv.contains("case:waiting_since"))
        let report = try ConformLogFilesTests.conform(pathway, [(name: "waiting-list.csv", bytes: Array(csv.utf8))])
        #expect(report.allFit, "\(report.deviations.prefix(3).map(\.message))")
        #expect(report.problems.isEmpty, "\(report.problems)")
        let tally = try #require(simulation.tallies.first)
        let target = try #require(report.targets.first)
        #expect(target.measured == tally.targetMeasured[0])
        #expect(target.met == tally.targetMet[0], "met \(target.met), simulated \(tally.targetMet[0])")
        #expect(tally.targetMet[0] < tally.targetMeasured[0], "some of the waiting list had already waited too long")
        #expect(report.notes.contains { $0.contains("not attended") })
        let wait = try #require(report.waits.first { $0.step == "first-appointment" })
        let simulated = try #require(simulation.steps.first { $0.id == "first-appointment" })
        #expect(abs(wait.wait.meanMinutes - simulated.meanWaitMinutes.mean) < 1e-3, "\(wait.wait.meanMinutes) vs \(simulated.meanWaitMinutes.mean)")
    }
}

/// Targets that these extracts cannot measure are said to be so, not counted as missed.
@Suite struct ConformMissingExtractTests {
    @Test func aTargetWhoseStopStepsNoExtractRecordsIsNotMeasurableAndPartlyRecordedOnesAreALowerBound() throws {
        let pathway = try ConformFixtures.load("Pathways/suspected-lung-cancer.yaml")
        let (_, csv) = try ConformFixtures.simulateCSV(pathway, options: ConformSimulatedTests.lungOptions)
        let parts = ConformLogFilesTests.splitByOrganisation(csv)
        // The GP's extract alone: the FDS clock stops only at the trust's steps.
        let gp = try ConformLogFilesTests.conform(pathway, parts.filter { $0.name == "gp.csv" })
        let fds = try #require(gp.targets.first { $0.id == "faster-diagnosis" })
        #expect(fds.notMeasurable?.contains("acute") == true, "\(fds.notMeasurable ?? "measurable")")
        #expect(fds.attainment == nil && fds.meetsStandard == nil)
        // Without the cancer centre's extract: some 62-day stop steps are never recorded.
        let noCentre = try ConformLogFilesTests.conform(pathway, parts.filter { $0.name != "cancer-centre.csv" })
        let rtt = try #require(noCentre.targets.first { $0.id == "referral-to-treatment" })
        #expect(rtt.notMeasurable == nil)
        #expect(rtt.lowerBoundOnly?.contains("lung-resection") == true, "\(rtt.lowerBoundOnly ?? "no bound")")
        if let a = rtt.attainment, a < rtt.standard { #expect(rtt.meetsStandard == nil, "no verdict from a lower bound below the standard") }
        // With every extract, the figures are measured outright.
        let all = try ConformLogFilesTests.conform(pathway, parts)
        #expect(all.targets.allSatisfy { $0.notMeasurable == nil && $0.lowerBoundOnly == nil })
    }
}
