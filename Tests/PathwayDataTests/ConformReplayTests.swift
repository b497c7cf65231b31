import PathwayData
import PathwayModel
import Testing

/// Replay on small pathways with hand-written journeys: what fits, and each kind of deviation.
@Suite struct ConformReplayTests {
    /// GP referral, a scan at the acute trust, a decision, then a clinic and recovery, or discharge.
    static let small = """
        carepath: 1
        id: small
        title: Small pathway
        organisations:
          gp: { name: GP practice, type: primary-care }
          acute: { name: Acute trust, type: acute }
        resources:
          scanner: { organisation: acute, capacity: 1 }
        targets:
          seen: { from: refer, to: clinic, within: 10 days, standard: 80% }
        start: refer
        steps:
          refer: { kind: referral, organisation: gp, duration: 10 min, produces: [letter], next: scan, handoff: { delay: 1 day, sends: [letter] } }
          scan: { kind: test, organisation: acute, resource: scanner, duration: 20 min, requires: [letter], produces: [report], next: review }
          review: { kind: decision, branches: [ { to: clinic, probability: 0.5 }, { to: discharge, otherwise: true } ] }
          clinic: { kind: assessment, organisation: acute, duration: 30 min, requires: [report], next: recover }
          recover: { kind: wait, duration: 2 weeks, next: done }
          discharge: { kind: assessment, organisation: acute, duration: 10 min, next: done }
          done: { kind: end }
        """

    /// A clinic, then a scan and bloods at once, an MDT where they meet, and perhaps round again.
    static let parallel = """
        carepath: 1
        id: parallel
        title: Parallel tests
        organisations:
          acute: { name: Acute trust, type: acute }
        start: clinic
        steps:
          clinic: { kind: assessment, organisation: acute, duration: 30 min, next: tests }
          tests: { kind: parallel, paths: [scan, bloods], join: mdt }
          scan: { kind: test, organisation: acute, duration: 20 min, produces: [scan-report], next: mdt }
          bloods: { kind: test, organisation: acute, duration: 5 min, produces: [blood-results], next: mdt }
          mdt: { kind: meeting, organisation: acute, duration: 10 min, requires: [scan-report, blood-results], next: decide }
          decide: { kind: decision, branches: [ { to: clinic, probability: 0.3 }, { to: done, otherwise: true } ] }
          done: { kind: end }
        """

    typealias Journal = ConformFixtures.Journal
    let nhs = ConformFixtures.nhs

    private func kinds(_ report: ConformanceReport) -> [ConformanceDeviation.Kind: Int] {
        Dictionary(uniqueKeysWithValues: report.kinds.filter { $0.occurrences > 0 }.map { ($0.kind, $0.occurrences) })
    }

    @Test func stepsTheLogMayLeaveOutDoNotStopAJourneyFitting() throws {
        let pathway = try ConformFixtures.pathway(Self.small)
        var journal = Journal()
        // No decision, no recovery wait, no end recorded.
        journal.steps(nhs(0), ["refer", "scan", "clinic"])
        journal.steps(nhs(1), ["refer", "scan", "review", "discharge", "done"])
        let report = ConformFixtures.conform(pathway, journal)
        #expect(report.allFit, "\(report.deviations.map(\.message))")
        #expect(report.fitting == 2 && report.finished == 2)
    }

    @Test func aStepTheLogLeavesOutIsSkippedAndItsDataNeverArrives() throws {
        let pathway = try ConformFixtures.pathway(Self.small)
        var journal = Journal()
        journal.steps(nhs(0), ["refer", "clinic"])
        journal.steps(nhs(1), ["refer", "scan", "clinic"])
        let report = ConformFixtures.conform(pathway, journal)
        #expect(report.fitting == 1)
        #expect(kinds(report) == [.skippedStep: 1, .missingData: 1])
        let skipped = try #require(report.deviations.first { $0.kind == .skippedStep })
        #expect(skipped.step == "scan" && skipped.examples == [nhs(0)] && skipped.organisation == "acute")
        let missing = try #require(report.deviations.first { $0.kind == .missingData })
        #expect(missing.step == "clinic" && missing.dataItem == "report" && !missing.lostAtHandoff)
        #expect(missing.message.contains("no earlier step in the journey produced it"))
    }

    @Test func twoStepsTheWrongWayRoundAreOutOfOrderNotSkipped() throws {
        let pathway = try ConformFixtures.pathway(Self.small)
        var journal = Journal()
        journal.steps(nhs(0), ["refer", "clinic", "scan"])
        let report = ConformFixtures.conform(pathway, journal)
        let order = try #require(report.deviations.first { $0.kind == .outOfOrder })
        #expect(order.step == "scan" && order.otherStep == "clinic")
        #expect(order.message.contains("'clinic' was recorded before 'scan'"))
        #expect(report.kinds.first { $0.kind == .skippedStep }?.occurrences == 0)
        #expect(report.kinds.first { $0.kind == .unexpectedStep }?.occurrences == 0, "the late scan is the one owed, not unexpected")
    }

    @Test func aStepThePathwayCannotLeadToAndAnActivityThatIsNoStepAreUnexpected() throws {
        let pathway = try ConformFixtures.pathway(Self.small)
        var journal = Journal()
        // Clinic and discharge are alternatives after the decision.
        journal.steps(nhs(0), ["refer", "scan", "clinic", "discharge"])
        journal.add(nhs(1), [("refer", .complete, 0, nil), ("phone call", .start, 1, nil), ("phone call", .complete, 2, nil),
                             ("scan", .complete, 3, nil), ("clinic", .complete, 4, nil)])
        let report = ConformFixtures.conform(pathway, journal)
        let unexpected = report.deviations.filter { $0.kind == .unexpectedStep }
        #expect(unexpected.count == 2)
        #expect(unexpected.contains { $0.step == "discharge" && $0.examples == [self.nhs(0)] })
        // The phone call's two events are one visit: counted once.
        #expect(unexpected.contains { $0.step == nil && $0.name == "phone call" && $0.occurrences == 1 })
        #expect(report.kinds.first { $0.kind == .unexpectedStep }?.journeys == 2)
    }

    @Test func organisationsAreMatchedByIdOrNameAndAStepDoneElsewhereIsADeviation() throws {
        let pathway = try ConformFixtures.pathway(Self.small)
        var journal = Journal()
        journal.add(nhs(0), [("refer", .complete, 0, "GP PRACTICE"), ("scan", .complete, 1440, "Acute trust"), ("clinic", .complete, 2000, "acute")])
        journal.add(nhs(1), [("refer", .complete, 0, "gp"), ("scan", .start, 1440, "gp"), ("scan", .complete, 1460, "gp"), ("clinic", .complete, 2000, "acute")])
        let report = ConformFixtures.conform(pathway, journal)
        let elsewhere = report.deviations.filter { $0.kind == .otherOrganisation }
        #expect(elsewhere.count == 1)
        #expect(elsewhere.first?.step == "scan" && elsewhere.first?.organisation == "gp" && elsewhere.first?.expectedOrganisation == "acute")
        #expect(elsewhere.first?.occurrences == 1, "one visit, two events: counted once")
        // Counted against the GP practice, which did the scan; the acute trust's part fits.
        let gp = try #require(report.organisations.first { $0.id == "gp" })
        let acute = try #require(report.organisations.first { $0.id == "acute" })
        #expect(gp.journeys == 2 && gp.fitting == 1)
        #expect(acute.journeys == 2 && acute.fitting == 2)
        #expect(!report.notes.contains { $0.contains("organisation") }, "every organisation in the log is the pathway's: \(report.notes)")
    }

    @Test func anOrganisationThePathwayDoesNotNameIsListedAndNoted() throws {
        let pathway = try ConformFixtures.pathway(Self.small)
        var journal = Journal()
        journal.add(nhs(0), [("refer", .complete, 0, "gp"), ("scan", .complete, 1440, "RXX"), ("clinic", .complete, 2000, "acute")])
        let report = ConformFixtures.conform(pathway, journal)
        #expect(report.organisations.contains { $0.id == "RXX" && !$0.inPathway && $0.fitting == 0 })
        #expect(report.notes.contains { $0.contains("'RXX'") })
    }

    @Test func eventsAtTheSameMomentFitWhateverOrderTheyAreListedIn() throws {
        let pathway = try ConformFixtures.pathway(Self.small)
        var journal = Journal()
        // Completion listed before start, and the scan's arrival before the referral's completion.
        journal.add(nhs(0), [("refer", .arrival, 0, nil), ("refer", .complete, 10, nil), ("refer", .start, 10, nil),
                             ("scan", .arrival, 10, nil), ("scan", .complete, 30, nil), ("scan", .start, 30, nil)])
        let report = ConformFixtures.conform(pathway, journal)
        #expect(report.allFit, "\(report.deviations.map(\.message))")
        #expect(report.waits.first { $0.step == "refer" }?.wait.meanMinutes == 10)
        #expect(report.waits.first { $0.step == "scan" }?.wait.meanMinutes == 20)
    }

    @Test func parallelPathsFitInAnyOrderAndInterleavedAndLoopsComeRound() throws {
        let pathway = try ConformFixtures.pathway(Self.parallel)
        var journal = Journal()
        journal.steps(nhs(0), ["clinic", "scan", "bloods", "mdt"])
        journal.steps(nhs(1), ["clinic", "bloods", "scan", "mdt"])
        journal.add(nhs(2), [("clinic", .complete, 0, nil), ("scan", .arrival, 1, nil), ("bloods", .arrival, 2, nil),
                             ("bloods", .start, 3, nil), ("scan", .start, 4, nil), ("bloods", .complete, 5, nil),
                             ("scan", .complete, 6, nil), ("mdt", .arrival, 7, nil), ("mdt", .start, 8, nil), ("mdt", .complete, 9, nil)])
        journal.steps(nhs(3), ["clinic", "scan", "bloods", "mdt", "decide", "clinic", "bloods", "scan", "mdt", "decide", "done"])
        let report = ConformFixtures.conform(pathway, journal)
        #expect(report.allFit, "\(report.deviations.map { "\($0.message) \($0.examples)" })")
        #expect(report.finished == 4)
        #expect(report.waits.first { $0.step == "scan" }?.wait.count == 1)
    }

    @Test func aParallelPathLeftOutIsSkippedAndAnMDTBeforeTheScanIsOutOfOrder() throws {
        let pathway = try ConformFixtures.pathway(Self.parallel)
        var journal = Journal()
        journal.steps(nhs(0), ["clinic", "scan", "mdt"])
        journal.steps(nhs(1), ["clinic", "bloods", "mdt", "scan"])
        let report = ConformFixtures.conform(pathway, journal)
        #expect(report.deviations.contains { $0.kind == .skippedStep && $0.step == "bloods" && $0.examples == [self.nhs(0)] })
        #expect(report.deviations.contains { $0.kind == .missingData && $0.dataItem == "blood-results" })
        #expect(report.deviations.contains { $0.kind == .outOfOrder && $0.step == "scan" && $0.otherStep == "mdt" && $0.examples == [self.nhs(1)] })
        #expect(!report.deviations.contains { $0.kind == .skippedStep && $0.step == "scan" })
        #expect(report.fitting == 0)
    }

    @Test func clocksFollowTheSimulatorsRulesAndRunningClocksAreJudgedAtTheEndOfTheLog() throws {
        let pathway = try ConformFixtures.pathway(Self.small)
        let day = 1440.0
        var journal = Journal()
        // Met: referral arrives at 0, clinic starts on day 5.
        journal.add(nhs(0), [("refer", .arrival, 0, nil), ("refer", .start, 0, nil), ("refer", .complete, 10, nil),
                             ("scan", .arrival, day, nil), ("scan", .start, day, nil), ("scan", .complete, day + 20, nil),
                             ("clinic", .arrival, 4 * day, nil), ("clinic", .start, 5 * day, nil), ("clinic", .complete, 5 * day + 30, nil)])
        // Missed: clinic starts on day 12.
        journal.add(nhs(1), [("refer", .arrival, 0, nil), ("scan", .arrival, day, nil), ("clinic", .arrival, 11 * day, nil),
                             ("clinic", .start, 12 * day, nil)])
        // Still waiting at the end of the log (day 20): past the limit, a breach.
        journal.add(nhs(2), [("refer", .arrival, 0, nil), ("scan", .arrival, day, nil)])
        // Still waiting, within the limit: open.
        journal.add(nhs(3), [("refer", .arrival, 15 * day, nil), ("scan", .arrival, 16 * day, nil)])
        // Discharged: the clock never stops.
        journal.add(nhs(4), [("refer", .arrival, 0, nil), ("scan", .arrival, day, nil), ("discharge", .arrival, 2 * day, nil),
                             ("discharge", .complete, 20 * day, nil)])
        let report = ConformFixtures.conform(pathway, journal)
        let seen = try #require(report.targets.first)
        #expect(seen.measured == 2 && seen.met == 1)
        #expect(seen.runningLate == 1 && seen.runningOpen == 1 && seen.notStopped == 1)
        #expect(seen.attainment == 1.0 / 3.0)
        #expect(seen.meanMinutes == (5 * day + 12 * day) / 2)
        #expect(report.finished == 3, "met, missed and discharged journeys reached the end")
        #expect(report.notes.isEmpty, "\(report.notes)")
    }

    @Test func aLogOfCompletionsOnlyFallsBackAndSaysSo() throws {
        let pathway = try ConformFixtures.pathway(Self.small)
        let day = 1440.0
        var journal = Journal()
        journal.add(nhs(0), [("refer", .complete, 0, nil), ("scan", .complete, day, nil), ("clinic", .complete, 9 * day, nil)])
        let report = ConformFixtures.conform(pathway, journal)
        let seen = try #require(report.targets.first)
        #expect(seen.measured == 1 && seen.met == 1 && seen.meanMinutes == 9 * day)
        #expect(report.notes.contains { $0.contains("no arrival events at 'refer'") && $0.contains("completion instead") })
        #expect(report.notes.contains { $0.contains("no start events at 'clinic'") })
        #expect(report.waits.isEmpty, "no arrival and start pairs to measure a wait from")
    }

    @Test func handoffDelaysRunFromCompletionInOneOrganisationToArrivalInTheNext() throws {
        let pathway = try ConformFixtures.pathway(Self.small)
        var journal = Journal()
        journal.add(nhs(0), [("refer", .arrival, 0, "gp"), ("refer", .complete, 10, "gp"), ("scan", .arrival, 1450, "acute")])
        journal.add(nhs(1), [("refer", .complete, 0, "gp"), ("scan", .arrival, 2880, "acute")])
        let report = ConformFixtures.conform(pathway, journal)
        let handoff = try #require(report.handoffs.first)
        #expect(report.handoffs.count == 1)
        #expect(handoff.from == "gp" && handoff.to == "acute")
        #expect(handoff.delay.count == 2 && handoff.delay.meanMinutes == 2160 && handoff.delay.p90Minutes == 2880)
    }
}
