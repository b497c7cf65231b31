import Foundation
@testable import PathwayData
import PathwayLanguage
import PathwayModel
import Testing

/// Calibration of a standard against logs whose truth is known: what departs is fitted, what
/// agrees is kept, small samples are skipped, and the overlay validates and says what was fitted.
@Suite struct CalibratorTests {
    static let standard = """
        carepath: 1
        id: clinic-standard
        title: Clinic standard
        organisations:
          gp: { name: GP practice, type: primary-care }
          acute: { name: Acute trust, type: acute }
        resources:
          scanner: { organisation: acute, capacity: 1 }
        attributes:
          age: { type: integer, distribution: "normal(mean: 60, sd: 10)", min: 18, max: 100 }
          smoker: { type: boolean, probability: 0.3 }
          risk: { type: category, values: { low: 0.7, high: 0.3 } }
        arrivals: { rate: 20 per week }
        targets:
          seen: { from: referral, to: clinic, within: 14 days, standard: 80% }
        start: referral
        steps:
          referral:
            kind: referral
            organisation: gp
            duration: 15 min
            next: scan
            handoff: { delay: 2 days }
          scan:
            kind: test
            organisation: acute
            resource: scanner
            duration: "lognormal(mean: 20 min, sd: 5 min)"
            result_after: 1 day
            next: review
          review:
            kind: decision
            branches:
              - { to: clinic, probability: 0.3 }
              - { to: discharge, otherwise: true }
          clinic:
            kind: assessment
            organisation: acute
            duration: 30 min
            next: treated
          treated: { kind: end }
          discharge: { kind: end }

        """

    /// What the simulated trust does.
    struct Truth {
        var perWeek = 30.0
        var weekdaysOnly = false
        var handoffMean = 3 * 1440.0       // exponential
        var scan = (mean: 30.0, sd: 12.0)   // lognormal
        var resultShape = 2.0, resultScale = 720.0 // gamma
        var clinicShare = 0.45
        var smokerShare = 0.3
        var highRisk = 0.5
        var ageMean = 60.0
    }

    /// Minute of Monday 1 January 2024, 00:00 UTC, counted from 1970.
    static let monday2024 = 28_401_120.0

    func pathway() throws -> Pathway {
        let result = PathwayLoader().load(yaml: Self.standard, file: "standard.yaml")
        return try #require(result.validPathway, "\(result.diagnostics.map(\.message))")
    }

    /// A log of `count` journeys through the standard's steps, drawn from `truth`.
    func log(_ pathway: Pathway, count: Int, truth: Truth = Truth(), seed: UInt64 = 7) -> (EventLog, StepMapping) {
        var g = SeededGenerator(seed: seed)
        let ids = pathway.steps.map(\.id)
        let index = pathway.stepIndex
        var cases: [LogCase] = []
        var t = Self.monday2024
        for i in 0..<count {
            repeat {
                t += g.exponential(mean: 7 * 1440 / truth.perWeek)
            } while truth.weekdaysOnly && Calibrator.weekdayOf(t) >= 5
            var events: [LogEvent] = []
            func add(_ step: String, _ lifecycle: LogLifecycle, _ at: Double) {
                events.append(LogEvent(activity: Int32(index[step] ?? 0), lifecycle: lifecycle, minutes: at,
                                       origin: LogOrigin(file: 0, line: Int32(events.count + 2))))
            }
            add("referral", .arrival, t); add("referral", .start, t); add("referral", .complete, t + 15)
            let scanArrives = t + 15 + g.exponential(mean: truth.handoffMean)
            let scanStarts = scanArrives + 60 * g.uniform() // a queue: not part of the duration
            let scanDone = scanStarts + g.lognormal(mean: truth.scan.mean, sd: truth.scan.sd)
            add("scan", .arrival, scanArrives); add("scan", .start, scanStarts); add("scan", .complete, scanDone)
            let reviewed = scanDone + g.gamma(shape: truth.resultShape, scale: truth.resultScale)
            add("review", .complete, reviewed)
            if g.uniform() < truth.clinicShare {
                add("clinic", .arrival, reviewed); add("clinic", .start, reviewed); add("clinic", .complete, reviewed + 30)
                add("treated", .complete, reviewed + 30)
            } else {
                add("discharge", .complete, reviewed)
            }
            let attributes = [
                "age": String(Int(min(100, max(18, g.normal(mean: truth.ageMean, sd: 10).rounded())))),
                "smoker": g.uniform() < truth.smokerShare ? "true" : "false",
                "risk": g.uniform() < truth.highRisk ? "high" : "low",
                "postcode": "ZZ99",
            ]
            cases.append(LogCase(id: String(9_990_000_000 + i), events: events, attributes: attributes))
        }
        return (EventLog(files: ["trust.csv"], activities: ids, cases: cases), StepMapping(step: ids.indices.map { $0 }))
    }

    func finding(_ c: Calibration, _ path: String) throws -> CalibrationFinding {
        try #require(c.findings.first { $0.path == path }, "no finding for \(path): \(c.findings.map(\.path))")
    }

    @Test func departuresAreFittedAndAgreementsKept() throws {
        let p = try pathway()
        let (log, mapping) = log(p, count: 3000)
        let c = Calibrator.calibrate(p, log: log, mapping: mapping)

        // Arrivals: 30 a week, not the standard's 20; no weekly pattern in a Poisson stream.
        let arrivals = try finding(c, "arrivals")
        #expect(arrivals.outcome == .changed)
        let rate = try #require(arrivals.fitted)
        #expect(rate.hasPrefix("rate: ") && rate.hasSuffix(" per week"), "\(rate)")
        let perWeek = try #require(Double(rate.dropFirst(6).dropLast(9)))
        #expect(abs(perWeek - 30) < 1.5, "\(perWeek) a week")
        #expect(arrivals.reason.contains("3,000 arrivals"))

        // The referral's 15 minutes agree; so does the clinic's 30 minutes.
        #expect(try finding(c, "steps.referral.duration").outcome == .agrees)
        #expect(try finding(c, "steps.clinic.duration").outcome == .agrees)

        // The scan's duration is start to completion (the queue before it is left out).
        let scan = try finding(c, "steps.scan.duration")
        #expect(scan.outcome == .changed)
        let scanFit = try #require(scan.fitted.flatMap { try? ValueSyntax.timeDistribution($0).get() })
        #expect(abs(scanFit.mean - 30) < 1, "\(scanFit)")
        #expect(scan.reason.contains("fitted to 3,000 durations"))
        #expect(scan.reason.contains("AIC"))

        // Result delay: completion of the scan to the decision (same organisation).
        let result = try finding(c, "steps.scan.result_after")
        #expect(result.outcome == .changed)
        let resultFit = try #require(result.fitted.flatMap { try? ValueSyntax.timeDistribution($0).get() })
        #expect(abs(resultFit.mean - 1440) < 60, "\(resultFit)")

        // Handoff: the GP's completion to reaching the scan, across organisations.
        let handoff = try finding(c, "steps.referral.handoff.delay")
        #expect(handoff.outcome == .changed)
        let handoffFit = try #require(handoff.fitted.flatMap { try? ValueSyntax.timeDistribution($0).get() })
        #expect(abs(handoffFit.mean - 3 * 1440) < 0.06 * 3 * 1440, "\(handoffFit)")
        #expect(handoff.fitted?.hasPrefix("exponential") == true, "\(handoff.fitted ?? "")")

        // Branch shares counted from the journeys.
        let review = try finding(c, "steps.review.branches")
        #expect(review.outcome == .changed)
        let edit = try #require(review.edits.first)
        #expect(edit.path == "steps.review.branches.clinic.probability")
        #expect(abs((Double(edit.value) ?? 0) - 0.45) < 0.03, "\(edit.value)")

        // Attributes: smoker agrees; risk departs; age agrees (integer, clamped).
        #expect(try finding(c, "attributes.smoker.probability").outcome == .agrees)
        let risk = try finding(c, "attributes.risk.values")
        #expect(risk.outcome == .changed)
        #expect(try finding(c, "attributes.age.distribution").outcome == .agrees)

        // What the log cannot show is named.
        #expect(c.notIdentifiable.contains { $0.contains("'scanner'") })
    }

    @Test func aWeeklyPatternIsFoundWhenTheDaysDiffer() throws {
        let p = try pathway()
        var truth = Truth()
        truth.weekdaysOnly = true
        let (log, mapping) = log(p, count: 2000, truth: truth)
        let arrivals = try finding(Calibrator.calibrate(p, log: log, mapping: mapping), "arrivals")
        #expect(arrivals.outcome == .changed)
        let fitted = try #require(arrivals.fitted)
        #expect(fitted.hasPrefix("weekly:"), "\(fitted)")
        #expect(fitted.contains("sat: 0") && fitted.contains("sun: 0"), "\(fitted)")
        #expect(arrivals.reason.contains("the days of the week differ"))
    }

    @Test func aLogLikeTheStandardChangesNothing() throws {
        let p = try pathway()
        var truth = Truth()
        truth.perWeek = 20
        truth.handoffMean = 2 * 1440
        truth.clinicShare = 0.3
        truth.highRisk = 0.3
        let (log, mapping) = log(p, count: 2000, truth: truth)
        let c = Calibrator.calibrate(p, log: log, mapping: mapping)
        #expect(try finding(c, "arrivals").outcome == .agrees)
        #expect(try finding(c, "steps.review.branches").outcome == .agrees)
        #expect(try finding(c, "attributes.risk.values").outcome == .agrees)
        // The handoff is fixed at 2 days in the standard; an exponential one departs from it.
        #expect(try finding(c, "steps.referral.handoff.delay").outcome == .changed)
    }

    @Test func smallSamplesAreSkippedWithTheThreshold() throws {
        let p = try pathway()
        let (log, mapping) = log(p, count: 20)
        let c = Calibrator.calibrate(p, log: log, mapping: mapping)
        #expect(c.changes.isEmpty)
        let scan = try finding(c, "steps.scan.duration")
        #expect(scan.outcome == .skipped)
        #expect(scan.reason == "only 20 durations in the log (fewer than 30)")
        #expect(try finding(c, "arrivals").outcome == .skipped)
        #expect(try finding(c, "steps.review.branches").reason.contains("fewer than 30"))
        // A lower threshold fits them.
        let loose = Calibrator.calibrate(p, log: log, mapping: mapping, options: CalibrationOptions(minimumSample: 10))
        #expect(try finding(loose, "steps.scan.duration").outcome != .skipped)
    }

    @Test func theOverlayValidatesAndCarriesTheFittedValues() throws {
        let p = try pathway()
        let (log, mapping) = log(p, count: 1500)
        let c = Calibrator.calibrate(p, log: log, mapping: mapping)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("carepath-calibrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.standard.write(to: folder.appendingPathComponent("standard.yaml"), atomically: true, encoding: .utf8)
        let overlay = c.overlay(extendsPath: "standard.yaml")
        try overlay.write(to: folder.appendingPathComponent("calibrated.yaml"), atomically: true, encoding: .utf8)
        let result = PathwayLoader().load(file: folder.appendingPathComponent("calibrated.yaml").path)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.message))\n\(overlay)")
        let variant = try #require(result.validPathway)
        #expect(variant.id == "clinic-standard-calibrated")

        let scan = try finding(c, "steps.scan.duration")
        #expect(variant.step("scan")?.duration == (try ValueSyntax.timeDistribution(scan.fitted ?? "").get()))
        let handoff = try finding(c, "steps.referral.handoff.delay")
        #expect(variant.step("referral")?.handoff?.delay == (try ValueSyntax.timeDistribution(handoff.fitted ?? "").get()))
        if case .poisson(let perDay) = variant.arrivals { #expect(abs(perDay * 7 - 30) < 2) } else { Issue.record("arrivals \(String(describing: variant.arrivals))") }
        let clinic = variant.step("review")?.branches.first { $0.to == "clinic" }?.probability ?? 0
        #expect(abs(clinic - 0.45) < 0.04)
        // Every change is justified: a reason with the sample size, and the log as evidence.
        let deviations = variant.deviations
        #expect(deviations.count == c.changes.reduce(0) { $0 + $1.edits.count })
        #expect(deviations.allSatisfy { $0.isJustified })
        #expect(deviations.allSatisfy { $0.evidence.first?.title.hasPrefix("event log trust.csv: ") == true })
        // Unchanged things stay the standard's: capacity, the target.
        #expect(variant.resource("scanner")?.capacity == 1)
        #expect(variant.targets.map(\.within) == p.targets.map(\.within))
        #expect(variant.targets.map(\.standard) == p.targets.map(\.standard))
    }

    @Test func anOverlayWithNothingToChangeStillValidates() throws {
        let p = try pathway()
        let (log, mapping) = log(p, count: 5)
        let c = Calibrator.calibrate(p, log: log, mapping: mapping)
        #expect(c.changes.isEmpty)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("carepath-calibrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.standard.write(to: folder.appendingPathComponent("standard.yaml"), atomically: true, encoding: .utf8)
        try c.overlay(extendsPath: "standard.yaml").write(to: folder.appendingPathComponent("o.yaml"), atomically: true, encoding: .utf8)
        let result = PathwayLoader().load(file: folder.appendingPathComponent("o.yaml").path)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.message))")
    }

    @Test func aQueueIsNotTakenForAHandoffDelay() throws {
        // Without arrival (schedule) events, the scan's start comes after its queue: the handoff
        // to it cannot be measured, but the durations and the branch shares still can.
        let p = try pathway()
        var (log, mapping) = log(p, count: 1000)
        for i in log.cases.indices { log.cases[i].events.removeAll { $0.lifecycle == .arrival } }
        let c = Calibrator.calibrate(p, log: log, mapping: mapping)
        let handoff = try finding(c, "steps.referral.handoff.delay")
        #expect(handoff.outcome == .skipped)
        #expect(handoff.reason.hasPrefix("the log does not show when patients reach 'scan': it has no schedule event there"), "\(handoff.reason)")
        #expect(try finding(c, "steps.scan.duration").outcome == .changed)
        #expect(try finding(c, "steps.review.branches").outcome == .changed)
        // The decision has no work, so its completion is when the result arrived.
        #expect(try finding(c, "steps.scan.result_after").outcome == .changed)
    }

    @Test func aMeetingThatSitsLessOftenIsNotedNotChanged() throws {
        let yaml = """
            carepath: 1
            id: mdt
            title: MDT
            organisations:
              acute: { name: Acute trust, type: acute }
            start: mdt
            steps:
              mdt: { kind: meeting, organisation: acute, every: 7 days, duration: 10 min, next: done }
              done: { kind: end }
            """
        let p = try #require(PathwayLoader().load(yaml: yaml, file: "mdt.yaml").validPathway)
        var cases: [LogCase] = []
        for i in 0..<60 {
            let arrives = Self.monday2024 + Double(i) * 1440 * 2.3
            let sits = Self.monday2024 + ((arrives - Self.monday2024) / 20160).rounded(.up) * 20160 // fortnightly
            let events = [LogEvent(activity: 0, lifecycle: .arrival, minutes: arrives, origin: LogOrigin(file: 0, line: 1)),
                          LogEvent(activity: 0, lifecycle: .start, minutes: sits, origin: LogOrigin(file: 0, line: 2)),
                          LogEvent(activity: 0, lifecycle: .complete, minutes: sits + 10, origin: LogOrigin(file: 0, line: 3))]
            cases.append(LogCase(id: String(9_990_000_000 + i), events: events))
        }
        let c = Calibrator.calibrate(p, log: EventLog(files: ["mdt.csv"], activities: ["mdt"], cases: cases), mapping: StepMapping(step: [0, nil]))
        #expect(c.notes.contains { $0.contains("'mdt' sat ") && $0.contains("a median of 14 days apart") }, "\(c.notes)")
        #expect(!c.changes.contains { $0.path.contains("every") })
        // The wait for a sitting is not part of the duration.
        #expect(try finding(c, "steps.mdt.duration").outcome == .agrees)
    }

    @Test func decisionsByConditionsStayAsWritten() throws {
        let yaml = Self.standard.replacingOccurrences(of: "- { to: clinic, probability: 0.3 }", with: "- { to: clinic, when: \"smoker\" }")
        let result = PathwayLoader().load(yaml: yaml, file: "standard.yaml")
        let p = try #require(result.validPathway, "\(result.diagnostics.map(\.message))")
        let (log, mapping) = log(p, count: 500)
        let review = try finding(Calibrator.calibrate(p, log: log, mapping: mapping), "steps.review.branches")
        #expect(review.outcome == .skipped)
        #expect(review.edits.isEmpty)
        #expect(review.reason.hasPrefix("a decision by conditions on patient attributes: left as written"))
    }
}

extension Calibrator {
    /// Day of the week (0 Monday) of a minute since 1970, for the tests' weekday-only arrivals.
    static func weekdayOf(_ minutes: Double) -> Int { Work.weekday((minutes / 1440).rounded(.down)) }
}
