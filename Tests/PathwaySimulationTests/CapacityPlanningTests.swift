import Foundation
import PathwayLanguage
import PathwayModel
import Testing
@testable import PathwaySimulation

/// Capacity planning — backlog, missed and cancelled appointments, background demand, bank
/// holidays, demand growth — each against a case whose answer is known without the simulator.
@Suite struct CapacityPlanningTests {
    static func load(_ yaml: String) throws -> Pathway {
        let result = PathwayLoader().load(yaml: yaml, file: "capacity.yaml")
        guard let pathway = result.validPathway else {
            throw TestPathways.LoadFailure(message: result.diagnostics.map(\.message).joined(separator: "; "))
        }
        return pathway
    }

    static func clinic(capacity: Int = 1, calendar: String = "always", background: String = "", arrivals: String,
                       duration: String, attendance: String = "", extra: String = "") -> String {
        """
        carepath: 1
        id: clinic
        title: Clinic
        organisations:
          gp: { name: GP practice, type: primary-care }
          hospital: { name: Hospital, type: acute }
        resources:
          slots: { organisation: hospital, capacity: \(capacity), calendar: "\(calendar)"\(background) }
        arrivals: \(arrivals)
        targets:
          seen: { from: referral, to: clinic, within: 12 days, standard: 90% }
        \(extra)
        start: referral
        steps:
          referral: { kind: referral, organisation: gp, next: clinic }
          clinic:
            kind: assessment
            organisation: hospital
            resource: slots
            duration: \(duration)
        \(attendance)
            next: done
          done: { kind: end, outcome: seen }
        """
    }

    // MARK: - Bank holidays

    /// The dates gov.uk publishes for England and Wales (https://www.gov.uk/bank-holidays),
    /// 2024 to 2027, including the substitute days of 2026 (Boxing Day on a Saturday) and 2027
    /// (Christmas and Boxing Day at a weekend).
    @Test func bankHolidaysAreTheGovUKDates() {
        let published: [Int: [(Int, Int)]] = [
            2024: [(1, 1), (3, 29), (4, 1), (5, 6), (5, 27), (8, 26), (12, 25), (12, 26)],
            2025: [(1, 1), (4, 18), (4, 21), (5, 5), (5, 26), (8, 25), (12, 25), (12, 26)],
            2026: [(1, 1), (4, 3), (4, 6), (5, 4), (5, 25), (8, 31), (12, 25), (12, 28)],
            2027: [(1, 1), (3, 26), (3, 29), (5, 3), (5, 31), (8, 30), (12, 27), (12, 28)],
            2028: [(1, 3), (4, 14), (4, 17), (5, 1), (5, 29), (8, 28), (12, 25), (12, 26)],
        ]
        for (year, dates) in published {
            let computed = BankHolidays.holidays(in: year).map { ($0.month, $0.day) }
            #expect(computed.map { "\($0.0)-\($0.1)" } == dates.map { "\($0.0)-\($0.1)" }, "\(year)")
        }
        #expect(BankHolidays.contains(day: 0), "Monday 1 January 2024, simulation day 0, is New Year's Day")
        #expect(!BankHolidays.contains(day: 1))
        #expect(BankHolidays.contains(day: BankHolidays.daysSinceStart(year: 2026, month: 12, day: 28)))
    }

    /// A weekday clinic closed on bank holidays is open 254 days of 2024 (262 weekdays less the
    /// eight bank holidays, all on weekdays that year), and starts no work on a bank holiday.
    @Test func aClinicClosedOnBankHolidaysNeverStartsWorkOnOne() throws {
        let pathway = try Self.load(Self.clinic(capacity: 2, calendar: "weekdays 09:00-17:00 except bank holidays",
                                                arrivals: "{ rate: 30 per day }", duration: "30 min"))
        let simulator = try Simulator(pathway: pathway)
        var sink: RecordingSink? = RecordingSink()
        let report = simulator.run(SimulationOptions(length: .days(366), replications: 1, seed: 7), eventSink: &sink)
        let open = try #require(report.resources.first)
        // Open minutes over the window, from utilisation's own denominator.
        let tallyOpen = try #require(simulator.runReplications(1...1, SimulationOptions(length: .days(366), replications: 1, seed: 7)).first)
        #expect(tallyOpen.resourceOpenMinutes[0] == 254 * 480, "open \(tallyOpen.resourceOpenMinutes[0]) minutes")
        _ = open
        let entries = try #require(sink).entries
        let starts = entries.filter { $0.lifecycle == .start && $0.resource == 0 }
        #expect(starts.count > 5000)
        let onHolidays = starts.filter { BankHolidays.contains(day: Int(($0.minutes / 1440).rounded(.down))) }
        #expect(onHolidays.isEmpty, "\(onHolidays.count) appointments started on a bank holiday")
        // And the same clinic without the exception does start work on them.
        let always = try Simulator(pathway: Self.load(Self.clinic(capacity: 2, calendar: "weekdays 09:00-17:00",
                                                                    arrivals: "{ rate: 30 per day }", duration: "30 min")))
        var plain: RecordingSink? = RecordingSink()
        _ = always.run(SimulationOptions(length: .days(366), replications: 1, seed: 7), eventSink: &plain)
        #expect(try #require(plain).entries.contains { $0.lifecycle == .start && BankHolidays.contains(day: Int(($0.minutes / 1440).rounded(.down))) })
    }

    // MARK: - Demand growth

    /// With growth g a year, arrivals over T days number λ·(e^{kT} − 1)/k on average, k = ln(1+g)/365:
    /// for 10 a day and 50 % a year over 365 days, 10 × 365 × 0.5 / ln 1.5 = 4,500.9.
    @Test func growingDemandArrivesAtTheIntegratedRate() throws {
        let pathway = try Self.load(Self.clinic(capacity: 50, arrivals: "{ rate: 10 per day, growth: 50% per year }", duration: "10 min"))
        let simulator = try Simulator(pathway: pathway)
        let tallies = simulator.runReplications(1...40, SimulationOptions(length: .days(365), replications: 40, seed: 3))
        let mean = Double(tallies.map(\.arrivals).reduce(0, +)) / Double(tallies.count)
        let expected = 10 * 365 * 0.5 / log(1.5)
        // Poisson: sd of the mean of 40 is sqrt(4501 / 40) = 10.6; 1 % is 4.2 standard errors.
        #expect(abs(mean - expected) / expected < 0.01, "mean arrivals \(mean), expected \(expected)")
        // A steady rate gives 3,650.
        let steady = try Simulator(pathway: Self.load(Self.clinic(capacity: 50, arrivals: "{ rate: 10 per day }", duration: "10 min")))
        let steadyMean = Double(steady.runReplications(1...40, SimulationOptions(length: .days(365), replications: 40, seed: 3))
            .map(\.arrivals).reduce(0, +)) / 40
        #expect(abs(steadyMean - 3650) / 3650 < 0.01, "steady arrivals \(steadyMean)")
    }

    // MARK: - Backlog

    /// 100 patients wait at a one-server clinic of fixed 60-minute appointments, each having
    /// waited exactly 10 days since referral. The k-th is seen k hours after the start, so the
    /// 12-day target is met by k ≤ 48: 49 of 100, and the clock counts the 10 days.
    @Test func aBacklogIsSeenInOrderWithTheTimeAlreadyWaited() throws {
        let pathway = try Self.load(Self.clinic(arrivals: "{ rate: 0 per day }", duration: "60 min",
                                                extra: "backlog:\n  - { step: clinic, patients: 100, waited: 10 days }"))
        let simulator = try Simulator(pathway: pathway)
        var sink: RecordingSink? = RecordingSink()
        let report = simulator.run(SimulationOptions(length: .days(30), replications: 1, seed: 1), eventSink: &sink)
        let target = try #require(report.targets.first)
        #expect(target.measured == 100)
        #expect(target.met == 49, "met \(target.met)")
        #expect(abs(target.meanMinutes.mean - (10 * 1440 + 49.5 * 60)) < 1e-6, "mean clock \(target.meanMinutes.mean)")
        let starts = try #require(sink).entries.filter { $0.lifecycle == .start }.map(\.minutes).sorted()
        #expect(starts == (0..<100).map { Double($0) * 60 })
        #expect(report.patients.mean == 100)
    }

    /// A backlog comes on top of `--patients`: asking for 50 arriving patients with 20 waiting
    /// simulates 70.
    @Test func aBacklogDoesNotCountTowardsThePatientsAsked() throws {
        let pathway = try Self.load(Self.clinic(capacity: 5, arrivals: "{ rate: 20 per day }", duration: "10 min",
                                                extra: "backlog:\n  - { step: clinic, patients: 20 }"))
        let report = try Simulator(pathway: pathway).run(SimulationOptions(length: .patients(50), replications: 1, seed: 1))
        #expect(report.patients.mean == 70)
    }

    // MARK: - Missed and cancelled appointments

    /// With a share q of appointments missed and rebooked at once, each patient needs 1/(1 − q)
    /// slots on average and every missed slot holds the server: utilisation λ·E[S]/(1 − q).
    /// Cancelled ones free the slot: utilisation stays λ·E[S]. λ = 0.5 an hour, E[S] = 60 min.
    @Test func missedAppointmentsUseSlotsAndCancelledOnesDoNot() throws {
        let options = SimulationOptions(length: .patients(20_000), warmupDays: 20, replications: 8, seed: 11)
        let missed = try Simulator(pathway: Self.load(Self.clinic(arrivals: "{ rate: 12 per day }", duration: "\"exponential(mean: 60 min)\"",
                                                                    attendance: "    did_not_attend: 20%")))
        let m = try #require(missed.run(options).resources.first).utilisation.mean
        #expect(abs(m - 0.5 / 0.8) < 0.02, "utilisation with 20% missed: \(m), expected 0.625")
        let cancelled = try Simulator(pathway: Self.load(Self.clinic(arrivals: "{ rate: 12 per day }", duration: "\"exponential(mean: 60 min)\"",
                                                                       attendance: "    cancelled: 20%")))
        let c = try #require(cancelled.run(options).resources.first).utilisation.mean
        #expect(abs(c - 0.5) < 0.02, "utilisation with 20% cancelled: \(c), expected 0.5")
    }

    /// Every patient is seen exactly once however often they miss, and a rebooking delay of
    /// 14 days adds 14 days to the wait of each miss: with 30 % missed the mean number of misses
    /// is 0.3 / 0.7, so the mean wait grows by 14 × 0.4286 = 6.0 days at an idle clinic.
    @Test func rebookingAddsItsDelayForEachMiss() throws {
        let pathway = try Self.load(Self.clinic(capacity: 1000, arrivals: "{ rate: 5 per day }", duration: "20 min",
                                                attendance: "    did_not_attend: 30%\n    rebooked_after: 14 days"))
        let simulator = try Simulator(pathway: pathway)
        var sink: RecordingSink? = RecordingSink()
        let report = simulator.run(SimulationOptions(length: .patients(20_000), replications: 1, seed: 5), eventSink: &sink)
        let entries = try #require(sink).entries
        let clinic = 1
        var starts: [Int: Int] = [:]
        for e in entries where e.step == clinic && e.lifecycle == .start { starts[e.patient, default: 0] += 1 }
        #expect(starts.count == 20_000 && starts.values.allSatisfy { $0 == 1 }, "each patient seen once")
        let wait = try #require(report.steps.first { $0.id == "clinic" }).meanWaitMinutes.mean / 1440
        let expected = (14 + 20.0 / 1440) * 0.3 / 0.7 // each miss: the lost 20-minute slot and 14 days
        // Misses per patient are geometric (sd 0.78 at p = 0.7): 20,000 patients put the mean within ±0.08 days (2 se).
        #expect(abs(wait - expected) < 0.25, "mean wait \(wait) days, expected \(expected)")
    }

    // MARK: - Background demand

    /// Other work arriving at 0.4 an hour shares an exponential server (mean 60 minutes) with the
    /// pathway's 0.3 an hour: together M/M/1 at ρ = 0.7, so the pathway's patients wait
    /// ρ/(μ − λ) = 140 minutes on average and the server is busy 70 % of the time.
    @Test func backgroundDemandMakesTheQueueOfTheSumOfBoth() throws {
        let pathway = try Self.load(Self.clinic(background: ", background: { rate: 9.6 per day, duration: \"exponential(mean: 60 min)\" }",
                                                arrivals: "{ rate: 7.2 per day }", duration: "\"exponential(mean: 60 min)\""))
        let report = try Simulator(pathway: pathway).run(SimulationOptions(length: .patients(40_000), warmupDays: 30,
                                                                            replications: 10, seed: 21))
        let utilisation = try #require(report.resources.first).utilisation.mean
        #expect(abs(utilisation - 0.7) < 0.01, "utilisation \(utilisation)")
        let wait = try #require(report.steps.first { $0.id == "clinic" }).meanWaitMinutes.mean
        #expect(abs(wait - 140) / 140 < 0.05, "mean wait \(wait) minutes, M/M/1 gives 140")
        #expect(report.unfinished == 0)
    }
}

/// The language side: formatting keeps every capacity-planning key, and diff reports each change.
@Suite struct CapacityPlanningLanguageTests {
    @Test func formattingKeepsEveryCapacityPlanningKey() throws {
        let pathway = try TestPathways.load("Examples/capacity/waiting-list.yaml")
        let text = PathwayFormatter.format(pathway)
        let again = try CapacityPlanningTests.load(text)
        #expect(again.strippingLocations() == pathway.strippingLocations(), "formatted:\n\(text)")
        for key in ["backlog:", "growth: 3% per year", "background:", "except bank holidays", "did_not_attend: 7%",
                    "cancelled: 5%", "rebooked_after:"] {
            #expect(text.contains(key), "the formatted pathway lost \(key)")
        }
    }

    @Test func badCapacityPlanningValuesAreRefusedWithCP034() {
        let cases = [
            "arrivals: { cohort: 10, growth: 5% per year }",
            "arrivals: { rate: 10 per day, growth: 5 per year }",
            "arrivals: { rate: 10 per day, growth: -100% per year }",
            "arrivals: { rate: 10 per day }\nbacklog:\n  - { step: clinic, patients: 0 }",
            "arrivals: { rate: 10 per day }\nresources:\n  x: { organisation: hospital, background: { rate: 10 per fortnight, duration: 5 min } }",
        ]
        for extra in cases {
            let yaml = """
            carepath: 1
            id: t
            title: T
            organisations:
              hospital: { name: Hospital, type: acute }
            \(extra)
            start: clinic
            steps:
              clinic: { kind: assessment, organisation: hospital, next: done }
              done: { kind: end }
            """
            let result = PathwayLoader().load(yaml: yaml, file: "t.yaml")
            #expect(result.diagnostics.contains { $0.code == "CP034" }, "\(extra): \(result.diagnostics.map(\.message))")
        }
    }

    @Test func aBacklogAtAStepThatDoesNotExistIsCP101() {
        let yaml = """
        carepath: 1
        id: t
        title: T
        organisations:
          hospital: { name: Hospital, type: acute }
        backlog:
          - { step: clnic, patients: 5 }
        start: clinic
        steps:
          clinic: { kind: assessment, organisation: hospital, next: done }
          done: { kind: end }
        """
        let result = PathwayLoader().load(yaml: yaml, file: "t.yaml")
        let d = result.diagnostics.first { $0.code == "CP101" }
        #expect(d?.message.contains("did you mean 'clinic'") == true, "\(result.diagnostics.map(\.message))")
    }

    /// A backlog inside a parallel block (a path or the join) would strand its patients at the
    /// join, whose other paths never started: refused.
    @Test(arguments: ["bloods", "review"])
    func aBacklogInsideAParallelBlockIsRefused(_ step: String) {
        let yaml = """
        carepath: 1
        id: t
        title: T
        organisations:
          hospital: { name: Hospital, type: acute }
        backlog:
          - { step: \(step), patients: 5 }
        start: both
        steps:
          both: { kind: parallel, organisation: hospital, paths: [bloods, scan], join: review }
          bloods: { kind: test, organisation: hospital, next: review }
          scan: { kind: test, organisation: hospital, next: review }
          review: { kind: assessment, organisation: hospital, next: done }
          done: { kind: end }
        """
        let result = PathwayLoader().load(yaml: yaml, file: "t.yaml")
        #expect(result.validPathway == nil)
        #expect(result.diagnostics.contains { $0.code == "CP034" && $0.message.contains("parallel step 'both'") },
                "\(result.diagnostics.map(\.message))")
    }
}

