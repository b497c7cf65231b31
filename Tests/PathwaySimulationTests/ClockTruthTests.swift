import Foundation
import PathwayLanguage
import PathwayModel
import Testing
@testable import PathwaySimulation

/// Where target clocks start and stop, that no patient vanishes from the figures, handoffs on
/// the way out of a subpathway, and the patient-burden counts: each checked on a pathway small
/// enough to work out by hand, or against a closed form.
@Suite struct ClockTruthTests {
    /// Loads YAML even when validation would refuse it (the stranding shapes below are refused
    /// by `validate`, but the simulator must still account for every patient).
    static func pathway(_ yaml: String, file: String = "test.yaml") throws -> Pathway {
        let result = PathwayLoader().load(yaml: yaml, file: file)
        return try #require(result.pathway, "\(result.diagnostics.map(\.message))")
    }

    /// Two patients arrive together at a one-server step that takes 30 minutes: the second waits
    /// 30 minutes. Clocks on arrival, start and completion see 0/0, 0/30 and 30/60 minutes.
    static let twoPatientsOneServer = """
    carepath: 1
    id: two
    title: Two patients, one server
    organisations:
      clinic: { name: Clinic, type: acute }
    resources:
      nurse: { organisation: clinic, capacity: 1 }
    arrivals: { cohort: 2 }
    targets:
      on-arrival: { from: see, to: see, within: 1 min, standard: 90%, stops: on arrival }
      on-start: { from: see, to: see, within: 10 min, standard: 90% }
      on-completion: { from: see, to: see, within: 45 min, standard: 90%, stops: on completion }
      from-completion: { from: see, to: done, within: 1 min, standard: 90%, starts: on completion }
    start: see
    steps:
      see: { kind: assessment, organisation: clinic, resource: nurse, duration: 30 min, next: done }
      done: { kind: end, outcome: seen }
    """

    @Test func eachClockPointIsMeasuredAtItsMoment() throws {
        let report = try Simulator(pathway: Self.pathway(Self.twoPatientsOneServer))
            .run(SimulationOptions(replications: 1, seed: 1, jobs: 1))
        func target(_ id: String) throws -> SimulationReport.TargetResult { try #require(report.targets.first { $0.id == id }) }
        #expect(try target("on-arrival").attainment.mean == 1)
        // The second patient queues 30 minutes: only the first starts within 10 minutes.
        #expect(try target("on-start").attainment.mean == 0.5)
        #expect(try target("on-start").meanMinutes.mean == 15)
        // Done at 30 and 60 minutes.
        #expect(try target("on-completion").attainment.mean == 0.5)
        #expect(try target("on-completion").meanMinutes.mean == 45)
        // From the end of the work to the end step: no time at all.
        #expect(try target("from-completion").attainment.mean == 1)
        #expect(try target("from-completion").measured == 2)
    }

    @Test func erlangCTargetIsTheWaitingTimeDistribution() throws {
        // M/M/10, lambda 9/h, mean service 1 h: P(W <= 1 h) = 1 - C(10, 9) e^{-1} = 75.4%.
        let pathway = try TestPathways.load("Examples/queueing/mmc-seen-within-an-hour.yaml")
        let report = try Simulator(pathway: pathway)
            .run(SimulationOptions(length: .patients(60_000), warmupDays: 3, replications: 6, seed: 5, jobs: 2))
        let c = TestPathways.erlangCWait(servers: 10, lambda: 9, mu: 1) * (10 * 1 - 9) // P(wait)
        let expected = 1 - c * exp(-1.0)
        #expect(abs(expected - 0.754) < 0.001)
        let attained = try #require(report.targets.first).attainment.mean
        #expect(abs(attained - expected) < 0.01, "attainment \(attained), Erlang C \(expected)")
    }

    /// A decision after the join loops back into the join: a repeat patient arrives there with
    /// one token and waits for ever (`validate` refuses this; the simulator must still count it).
    static let strandedAtJoin = """
    carepath: 1
    id: stranded
    title: Stranded at a join
    organisations:
      clinic: { name: Clinic, type: acute }
    attributes:
      repeat: { type: boolean, probability: 0.25 }
    arrivals: { rate: 10 per day }
    targets:
      seen-in-a-week: { from: split, to: done, within: 7 days, standard: 90% }
    start: split
    steps:
      split: { kind: parallel, paths: [bloods, scan], join: meet }
      bloods: { kind: test, organisation: clinic, duration: 1 hour, next: meet }
      scan: { kind: test, organisation: clinic, duration: 2 hours, next: meet }
      meet: { kind: assessment, organisation: clinic, duration: 30 min, next: again }
      again:
        kind: decision
        branches:
          - { to: meet, when: repeat }
          - { to: done, otherwise: true }
      done: { kind: end, outcome: finished }
    """

    @Test func patientsStrandedAtAJoinAreCountedWhereTheyAre() throws {
        let report = try Simulator(pathway: Self.pathway(Self.strandedAtJoin))
            .run(SimulationOptions(length: .days(100), replications: 3, seed: 2, jobs: 1))
        #expect(report.unfinished > 0)
        #expect(report.unfinished == report.tallies.reduce(0) { $0 + $1.patients - $1.finished })
        let place = try #require(report.unfinishedPlaces.first)
        #expect(place.step == "meet" && place.place == .join)
        #expect(place.count == report.unfinished)
        // About a quarter of the patients repeat.
        let share = Double(report.unfinished) / (report.patients.mean * 3)
        #expect(abs(share - 0.25) < 0.05)
        // Outcome shares account for everyone, per replication.
        let total = report.outcomes.reduce(0.0) { $0 + $1.share.mean }
        #expect(abs(total - 1) < 1e-9)
        #expect(report.outcomes.last?.name == SimulationReport.unfinishedOutcome)
        // Their clocks still run at the end: past the limit they are breaches in the denominator
        // (most of them: stranded for weeks), within it open; none silently dropped.
        let target = try #require(report.targets.first)
        #expect(target.runningLate + target.runningOpen == report.unfinished)
        #expect(target.runningLate > report.unfinished * 3 / 4)
        #expect(target.measured + target.runningLate + target.runningOpen == Int((report.patients.mean * 3).rounded()))
        #expect(report.warnings.contains { $0.code == "CP540" && $0.message.contains("join 'meet'") })
    }

    /// A loop of decisions whose rule always holds takes no time: validation refuses it (CP219),
    /// and the simulator, given it anyway, stops each patient going round rather than spin.
    static let timelessLoop = """
    carepath: 1
    id: spin
    title: A loop that takes no time
    organisations:
      clinic: { name: Clinic, type: acute }
    attributes:
      flag: { type: boolean, probability: 1 }
    arrivals: { cohort: 3 }
    start: check
    steps:
      check:
        kind: decision
        branches:
          - { to: again, when: flag }
          - { to: done, otherwise: true }
      again:
        kind: decision
        branches:
          - { to: check, when: flag }
          - { to: done, otherwise: true }
      done: { kind: end, outcome: finished }
    """

    @Test func aLoopThatTakesNoTimeIsRefusedAndCannotSpinTheSimulator() throws {
        let result = PathwayLoader().load(yaml: Self.timelessLoop, file: "spin.yaml")
        #expect(result.diagnostics.contains { $0.code == "CP219" && $0.message.contains("'check' → 'again' → 'check'") })
        let report = try Simulator(pathway: Self.pathway(Self.timelessLoop))
            .run(SimulationOptions(length: .patients(3), replications: 1, seed: 1, jobs: 1))
        #expect(report.unfinished == 3)
        let place = try #require(report.unfinishedPlaces.first)
        #expect(place.place == .timelessLoop && place.count == 3)
        #expect(report.warnings.contains { $0.code == "CP540" && $0.message.contains("without time passing") })
    }

    /// A cohort whose journeys never end (a loop taken with probability 1, through a step that
    /// takes time) stops at the drain limit with the patients counted as unfinished; it ran for
    /// ever, since a cohort's drain limit never started (found by the semantic fuzzer).
    @Test func aCohortWhoseJourneysNeverEndStopsAtTheDrainLimit() throws {
        let yaml = """
        carepath: 1
        id: endless
        title: Endless
        organisations:
          c: { name: Hospice, type: hospice }
        arrivals: { cohort: 3 }
        start: w
        steps:
          w: { kind: wait, duration: 1 day, next: d }
          d:
            kind: decision
            branches:
              - { to: w, probability: 100% }
              - { to: done, otherwise: true }
          done: { kind: end, outcome: left }
        """
        let report = try Simulator(pathway: Self.pathway(yaml))
            .run(SimulationOptions(replications: 2, seed: 1, jobs: 1))
        #expect(report.unfinished == 6)
        #expect(report.unfinishedPlaces.first?.step == "w")
        #expect(report.warnings.contains { $0.code == "CP540" })
    }

    /// Work that overruns opening hours (a 10-hour list on an 8-hour calendar) is not counted in
    /// utilisation, which stays within 100 %, but as work outside hours; a resource that cannot
    /// keep up warns CP542 (issue 18: utilisation showed 119 % and nothing warned).
    @Test func overrunningWorkIsCountedOutsideHoursAndUtilisationStaysWithin100Percent() throws {
        let yaml = """
        carepath: 1
        id: overrun
        title: Overrun
        organisations:
          h: { name: Hospital, type: acute }
        resources:
          list: { name: Theatre list, organisation: h, capacity: 1, calendar: "weekdays 08:00-16:00" }
        arrivals: { rate: 7 per week }
        start: operate
        steps:
          operate: { kind: treatment, organisation: h, resource: list, duration: 10 hours, next: done }
          done: { kind: end, outcome: done }
        """
        let report = try Simulator(pathway: Self.pathway(yaml))
            .run(SimulationOptions(length: .days(200), warmupDays: 20, replications: 2, seed: 3, jobs: 1))
        let list = try #require(report.resources.first)
        #expect(list.utilisation.mean <= 1 + 1e-9 && list.utilisation.mean > 0.9)
        // Each 10-hour operation starts by 08:00 at the latest and runs at least 2 hours past 16:00.
        #expect(list.outsideHours.mean >= 0.2 - 1e-9, "outside hours \(list.outsideHours.mean)")
        #expect(report.warnings.contains { $0.code == "CP542" && $0.message.contains("Theatre list") })
    }

    @Test func aSubpathwayCallsHandoffHappensOnTheWayBackOut() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("carepath-sub-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try """
        carepath: 1
        id: rehab
        title: Rehab
        organisations:
          community: { name: Community, type: community }
        start: visit
        steps:
          visit: { kind: treatment, organisation: community, duration: 1 hour, next: done }
          done: { kind: end, outcome: rehabilitated }
        """.write(to: folder.appendingPathComponent("rehab.yaml"), atomically: true, encoding: .utf8)
        try """
        carepath: 1
        id: main
        title: Main
        organisations:
          community: { name: Community, type: community }
          gp: { name: GP, type: primary-care }
        arrivals: { cohort: 5 }
        start: rehab
        steps:
          rehab:
            kind: subpathway
            organisation: community
            pathway: rehab.yaml
            next: review
            handoff: { delay: 2 days }
          review: { kind: assessment, organisation: gp, duration: 1 hour, next: done }
          done: { kind: end, outcome: reviewed }
        """.write(to: folder.appendingPathComponent("main.yaml"), atomically: true, encoding: .utf8)
        let result = PathwayLoader().load(file: folder.appendingPathComponent("main.yaml").path)
        let pathway = try #require(result.validPathway, "\(result.diagnostics.map(\.message))")
        let report = try Simulator(pathway: pathway).run(SimulationOptions(replications: 1, seed: 1, jobs: 1))
        // 1 hour of rehab, 2 days on the way back to the GP, 1 hour of review.
        #expect(abs(report.journeyMeanMinutes.mean - (2 * 1440 + 120)) < 1e-6)
        let handoff = try #require(report.handoffs.first { $0.from == "community" && $0.to == "gp" })
        #expect(handoff.meanDelayMinutes.mean == 2 * 1440)
    }

    @Test func patientBurdenCountsOrganisationsHandoffsContactsAndDays() throws {
        let yaml = """
        carepath: 1
        id: burden
        title: Burden
        organisations:
          gp: { name: GP, type: primary-care }
          acute: { name: Acute, type: acute }
        arrivals: { cohort: 4 }
        start: see-gp
        steps:
          see-gp: { kind: assessment, organisation: gp, duration: 10 min, next: bloods, handoff: { delay: 3 days } }
          bloods: { kind: test, organisation: acute, duration: 10 min, next: wait }
          wait: { kind: wait, organisation: acute, duration: 1 day, next: clinic }
          clinic: { kind: assessment, organisation: acute, duration: 20 min, next: done }
          done: { kind: end, outcome: seen }
        """
        let report = try Simulator(pathway: Self.pathway(yaml)).run(SimulationOptions(replications: 1, seed: 1, jobs: 1))
        func measure(_ m: PatientBurden.Measure) throws -> SimulationReport.BurdenResult {
            try #require(report.burden.first { $0.outcome == nil && $0.measure == m })
        }
        #expect(try measure(.organisations).mean == 2)
        #expect(try measure(.handoffs).mean == 1)
        // The wait step is not a contact.
        #expect(try measure(.contacts).mean == 3)
        // The GP on day 0; bloods on day 3; the clinic on day 4.
        #expect(try measure(.days).mean == 3)
        #expect(try measure(.days).p90 == 3)
        #expect(try measure(.days).patients == 4)
        #expect(report.burden.contains { $0.outcome == "seen" && $0.measure == .contacts && $0.mean == 3 })
    }

    @Test func eventLogMarksArrivalAtAStepAndCarriesAttributes() throws {
        let yaml = Self.twoPatientsOneServer.replacingOccurrences(
            of: "arrivals: { cohort: 2 }",
            with: "attributes:\n  age: { type: integer, distribution: \"uniform(min: 40, max: 60)\" }\n  urgent: { type: boolean, probability: 0.5 }\narrivals: { cohort: 2 }")
        let simulator = try Simulator(pathway: Self.pathway(yaml))
        final class Bytes: @unchecked Sendable { var data: [UInt8] = [] }
        let bytes = Bytes()
        var sink: EventLogWriter? = EventLogWriter(format: .csv, model: simulator.model) { bytes.data += $0 }
        _ = simulator.run(SimulationOptions(replications: 1, seed: 1, jobs: 1), eventSink: &sink)
        sink?.finish()
        let lines = String(decoding: bytes.data, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines.first == ["case_id", "activity", "lifecycle", "timestamp", "organisation", "resource", "step_id", "case:age", "case:urgent"])
        let see = lines.dropFirst().filter { $0[6] == "see" }
        #expect(see.map { $0[2] }.sorted() == ["complete", "complete", "schedule", "schedule", "start", "start"])
        // Both arrive at time 0; the second starts after the first's 30 minutes.
        #expect(see.filter { $0[2] == "schedule" }.allSatisfy { $0[3] == "2024-01-01T00:00:00.000Z" })
        #expect(see.filter { $0[2] == "start" }.map { $0[3] }.sorted() == ["2024-01-01T00:00:00.000Z", "2024-01-01T00:30:00.000Z"])
        for row in lines.dropFirst() {
            let age = Int(row[7]) ?? -1
            #expect((40...60).contains(age), "age \(row[7])")
            #expect(row[8] == "true" || row[8] == "false")
        }
    }

    @Test func aShortRunWithoutWarmupIsFlaggedAndALongOneIsNot() throws {
        let pathway = try TestPathways.load("Examples/queueing/mmc.yaml")
        // Six hours of arrivals, journeys of up to four hours: the window holds few whole journeys.
        let short = try Simulator(pathway: pathway).run(SimulationOptions(length: .days(0.25), replications: 2, seed: 1, jobs: 1))
        #expect(short.warnings.contains { $0.code == "CP541" })
        let long = try Simulator(pathway: pathway).run(SimulationOptions(length: .days(200), warmupDays: 2, replications: 2, seed: 1, jobs: 1))
        #expect(!long.warnings.contains { $0.code == "CP541" }, "\(long.warnings.map(\.message))")
        #expect(long.unfinished == 0 && long.warnings.isEmpty)
    }
}
