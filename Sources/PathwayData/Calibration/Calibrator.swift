import Foundation
import PathwayModel

/// Fits what an event log can tell about a pathway — arrivals, step durations, test result
/// delays, handoff delays, decision shares, patient attributes — and compares each with the
/// standard: a parameter is changed only when the log has enough observations of it and
/// departs from the standard's value significantly. See Docs/calibrate.md.
public enum Calibrator {
    /// Calibrates `pathway` (the standard) against `log`, whose activities map to its steps
    /// through `mapping`.
    public static func calibrate(_ pathway: Pathway, log: EventLog, mapping: StepMapping,
                                 options: CalibrationOptions = CalibrationOptions()) -> Calibration {
        var work = Work(pathway: pathway, options: options)
        work.observe(log, mapping: mapping)
        var findings: [CalibrationFinding] = []
        findings += work.arrivals()
        for s in pathway.steps.indices { findings += work.stepFindings(s) }
        for attribute in pathway.attributes { findings += work.attribute(attribute) }
        return Calibration(pathwayID: pathway.id, pathwayTitle: pathway.title, logFiles: logFiles(log),
                           journeys: log.cases.count, events: log.eventCount, options: options,
                           findings: findings, notIdentifiable: notIdentifiable(pathway), notes: work.notes)
    }

    static func logFiles(_ log: EventLog) -> [CalibrationLogFile] {
        var files = log.files.map { CalibrationLogFile(path: $0, events: 0, journeys: 0) }
        for c in log.cases {
            var seen = Set<Int>()
            for e in c.events where e.origin.file >= 0 && Int(e.origin.file) < files.count {
                let f = Int(e.origin.file)
                files[f].events += 1
                files[f].first = min(files[f].first ?? e.minutes, e.minutes)
                files[f].last = max(files[f].last ?? e.minutes, e.minutes)
                if seen.insert(f).inserted { files[f].journeys += 1 }
            }
        }
        return files
    }

    /// What an event log cannot show, named for this pathway.
    static func notIdentifiable(_ pathway: Pathway) -> [String] {
        var items: [String] = []
        if !pathway.resources.isEmpty {
            let names = pathway.resources.map { "'\($0.id)'" }.joined(separator: ", ")
            items.append("resources' capacity, opening hours and queue order (\(names)): a wait in a queue is capacity, demand and hours together, and the log shows only the wait")
        }
        let meetings = pathway.steps.filter { $0.every != nil }.map { "'\($0.id)'" }
        if !meetings.isEmpty {
            items.append("when meetings sit (\(meetings.joined(separator: ", "))): a wait for a sitting looks like any other wait")
        }
        items.append("waiting-time targets: they are the standard to meet, not what the trust does")
        items.append("data items and what each handoff sends: an event log records activities, not documents")
        items.append("decisions by conditions on patient attributes: their branches stay as written")
        if pathway.steps.contains(where: { $0.kind == .subpathway }) {
            items.append("steps inside subpathway files: calibrate the subpathway against the log on its own")
        }
        return items
    }
}

/// The observations gathered from the log, and the findings built from them.
struct Work {
    let pathway: Pathway
    let options: CalibrationOptions
    let graph: CalibrationGraph
    let organisations: [String?]
    var arrivalTimes: [Double] = []
    var journeysWithoutStart = 0
    var missedAppointments = 0
    /// Decisions the log never records whose branches it cannot tell apart (see `JourneyVisits.unsure`).
    var unsureDecisions: Set<Int> = []
    /// Per step: appointments missed, cancelled, and started (the attempts that went ahead).
    var missedAt: [Int]
    var cancelledAt: [Int]
    var startedAt: [Int]
    var durations: [[Double]]
    var moves: [[ObservedMove]]
    var visited: [Int]
    var attributeValues: [String: [String]] = [:]
    /// Start times of the visits to meeting steps: the sittings the log shows.
    var sittings: [Int: Set<Double>] = [:]
    var notes: [String] = []

    init(pathway: Pathway, options: CalibrationOptions) {
        self.pathway = pathway
        self.options = options
        graph = CalibrationGraph(pathway)
        let orgs = pathway.effectiveOrganisations
        organisations = pathway.steps.map { orgs[$0.id] }
        durations = Array(repeating: [], count: pathway.steps.count)
        moves = Array(repeating: [], count: pathway.steps.count)
        visited = Array(repeating: 0, count: pathway.steps.count)
        missedAt = visited
        cancelledAt = visited
        startedAt = visited
    }

    mutating func observe(_ log: EventLog, mapping: StepMapping) {
        let start = pathway.stepIndex[pathway.start]
        let declared = Set(pathway.attributes.map(\.id))
        for c in log.cases {
            let journey = JourneyVisits(c.events, mapping: mapping, graph: graph)
            unsureDecisions.formUnion(journey.unsure)
            if let start, let first = journey.visits.first(where: { $0.step == start }) {
                arrivalTimes.append(first.entered)
            } else if !journey.visits.isEmpty {
                journeysWithoutStart += 1
            }
            for e in c.events where e.lifecycle == .missed || e.lifecycle == .cancelled || e.lifecycle == .start {
                let a = Int(e.activity)
                guard a >= 0, a < mapping.step.count, let s = mapping.step[a] else { continue }
                switch e.lifecycle {
                case .missed: missedAt[s] += 1; missedAppointments += 1
                case .cancelled: cancelledAt[s] += 1; missedAppointments += 1
                default: startedAt[s] += 1
                }
            }
            for v in journey.visits {
                visited[v.step] += 1
                if let s = v.start, let e = v.complete, e >= s { durations[v.step].append(e - s) }
                if pathway.steps[v.step].every != nil, let s = v.start { sittings[v.step, default: []].insert(s.rounded()) }
            }
            for m in journey.moves where (m.gap ?? 0) >= 0 { moves[m.from].append(m) }
            for (key, value) in c.attributes where declared.contains(key) {
                let trimmed = value.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { attributeValues[key, default: []].append(trimmed) }
            }
        }
        arrivalTimes.sort()
        if missedAppointments > 0 {
            notes.append("the log records \(CalibrationText.count(missedAppointments)) appointments missed or cancelled: each step's shares are fitted below; durations count only the appointments that went ahead, and the rebooking delay cannot be told apart from the queue, so `rebooked_after` stays as the standard has it")
        }
        for (s, times) in sittings.sorted(by: { $0.key < $1.key }) {
            guard times.count >= 3, let every = pathway.steps[s].every?.minutes, every > 0 else { continue }
            let sorted = times.sorted()
            let gaps = zip(sorted.dropFirst(), sorted).map { $0 - $1 }.sorted()
            let median = gaps[gaps.count / 2]
            if abs(median - every) > 0.1 * every {
                notes.append("'\(pathway.steps[s].id)' sat \(CalibrationText.count(times.count)) times in the log, a median of \(CalibrationText.time(median)) apart, where the standard has it every \(CalibrationText.time(every)); meeting cycles are left as written: set `steps.\(pathway.steps[s].id).every` if the meeting really sits so")
            }
        }
        if journeysWithoutStart > 0 {
            notes.append("\(CalibrationText.count(journeysWithoutStart)) journeys have no event at the start step '\(pathway.start)' (they began before the log, or its extract lacks the step), so they do not count as arrivals")
        }
    }

    var minimum: Int { options.minimumSample }

    func tooFew(_ n: Int, _ what: String) -> String {
        n == 0 ? "the log shows no \(what)" : "only \(CalibrationText.count(n)) \(what) in the log (fewer than \(minimum))"
    }

    // MARK: - Arrivals

    func arrivals() -> [CalibrationFinding] {
        let n = arrivalTimes.count
        let startName = "'\(pathway.start)'"
        let subject = "arrivals at \(startName)"
        let standardText = pathway.arrivals.map(Self.arrivalsText)
        guard n >= minimum, let first = arrivalTimes.first, let last = arrivalTimes.last else {
            return [CalibrationFinding(aspect: .arrivals, path: "arrivals", subject: subject, outcome: .skipped, sampleSize: n,
                                       standard: standardText, reason: tooFew(n, "arrivals"))]
        }
        let span = last - first
        if span <= 0 {
            // Everyone at once: a cohort.
            if case .cohort(let size) = pathway.arrivals, size == n {
                return [CalibrationFinding(aspect: .arrivals, path: "arrivals", subject: subject, outcome: .agrees, sampleSize: n,
                                           standard: standardText, reason: "\(CalibrationText.count(n)) patients all arrive at once, as the standard's cohort of \(size)")]
            }
            let value = "{ cohort: \(n) }"
            return [CalibrationFinding(aspect: .arrivals, path: "arrivals", subject: subject, outcome: .changed, sampleSize: n,
                                       standard: standardText, fitted: "cohort: \(n)",
                                       reason: "counted \(CalibrationText.count(n)) journeys in the log, all starting at \(startName) at the same moment: a cohort",
                                       edits: [OverlayEdit(path: "arrivals", value: value)])]
        }
        // Minutes of the observed window on each day of the week (Monday first).
        var exposure = [Double](repeating: 0, count: 7)
        var day = (first / 1440).rounded(.down)
        if span > 7 * 1440 * 10_000 {
            // Over two centuries: the days of the week are as good as equally covered.
            exposure = [Double](repeating: span / 7, count: 7)
        } else {
            while day * 1440 < last {
                let from = max(first, day * 1440), to = min(last, (day + 1) * 1440)
                exposure[Self.weekday(day)] += max(0, to - from)
                day += 1
            }
        }
        var observed = [Double](repeating: 0, count: 7)
        for t in arrivalTimes { observed[Self.weekday((t / 1440).rounded(.down))] += 1 }
        let days = span / 1440
        let window = "\(CalibrationText.count(n)) arrivals at \(startName) (the first event of each journey) over \(days >= 100 ? CalibrationText.count(Int(days.rounded())) : CalibrationText.significant(days)) days"

        // Does the standard fit? Each weekday's count is Poisson with the standard's mean.
        var againstStandard: (statistic: Double, degreesOfFreedom: Int, p: Double)?
        switch pathway.arrivals {
        case .poisson(let perDay):
            againstStandard = Statistics.chiSquare(observed: observed, expected: exposure.map { perDay * $0 / 1440 }, lost: 0)
        case .weekly(let perDay) where perDay.count == 7:
            againstStandard = Statistics.chiSquare(observed: observed, expected: zip(perDay, exposure).map { $0 * $1 / 1440 }, lost: 0)
        default:
            break
        }
        if let test = againstStandard, test.p >= options.significance {
            return [CalibrationFinding(aspect: .arrivals, path: "arrivals", subject: subject, outcome: .agrees, sampleSize: n, standard: standardText,
                                       reason: "\(window) agree with the standard's \(standardText ?? "arrivals") (chi-square \(CalibrationText.statistic(test.statistic)) on \(test.degreesOfFreedom) df, \(CalibrationText.pValue(test.p)))")]
        }
        // Fit: one rate, or a weekly profile when the days differ.
        let total = exposure.reduce(0, +)
        let uniform = Statistics.chiSquare(observed: observed, expected: exposure.map { Double(n) * $0 / total }, lost: 1)
        let daysCovered = exposure.filter { $0 > 0 }.count
        let value: String, fitted: String, shape: String
        if daysCovered == 7, uniform.p < options.significance {
            let rates = (0..<7).map { exposure[$0] > 0 ? observed[$0] / (exposure[$0] / 1440) : 0 }
            let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            let inner = (0..<7).map { "\(names[$0]): \(CalibrationText.significant(rates[$0]))" }.joined(separator: ", ")
            value = "{ weekly: { \(inner) } }"
            fitted = "weekly: { \(inner) }"
            shape = "the days of the week differ (chi-square \(CalibrationText.statistic(uniform.statistic)) on \(uniform.degreesOfFreedom) df, \(CalibrationText.pValue(uniform.p))), so a weekly profile of the mean arrivals on each day"
        } else {
            let perDay = Double(n - 1) / days
            let rate = Self.rateText(perDay)
            value = "{ rate: \(rate) }"
            fitted = "rate: \(rate)"
            shape = daysCovered == 7
                ? "the days of the week do not differ significantly (chi-square \(CalibrationText.statistic(uniform.statistic)) on \(uniform.degreesOfFreedom) df, \(CalibrationText.pValue(uniform.p))), so one rate"
                : "the log covers less than a week, so one rate"
        }
        var reason = "fitted to \(window): \(shape)"
        if let test = againstStandard {
            reason += test.statistic.isFinite
                ? "; the standard's \(standardText ?? "arrivals") does not fit them (chi-square \(CalibrationText.statistic(test.statistic)) on \(test.degreesOfFreedom) df, \(CalibrationText.pValue(test.p)))"
                : "; the standard's \(standardText ?? "arrivals") cannot fit them: the log has arrivals on a day the standard has none"
        }
        return [CalibrationFinding(aspect: .arrivals, path: "arrivals", subject: subject, outcome: .changed, sampleSize: n,
                                   standard: standardText, fitted: fitted, reason: reason,
                                   edits: [OverlayEdit(path: "arrivals", value: value)])]
    }

    /// Day of the week of a day number since 1970-01-01 (a Thursday): 0 is Monday.
    static func weekday(_ day: Double) -> Int {
        guard day.isFinite else { return 0 }
        let d = Int(day.truncatingRemainder(dividingBy: 7)) // in -6...6, whatever the size of `day`
        return ((d + 3) % 7 + 7) % 7
    }

    static func rateText(_ perDay: Double) -> String {
        let perWeek = perDay * 7
        return perWeek < 1000 ? "\(CalibrationText.significant(perWeek, 4)) per week" : "\(CalibrationText.significant(perDay, 4)) per day"
    }

    static func arrivalsText(_ a: Arrivals) -> String {
        switch a {
        case .poisson(let perDay): return "rate: " + rateText(perDay)
        case .weekly(let perDay):
            let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            return "weekly: { " + zip(names, perDay).map { "\($0): \(CalibrationText.significant($1))" }.joined(separator: ", ") + " }"
        case .cohort(let size): return "cohort: \(size)"
        }
    }

    // MARK: - Steps

    mutating func stepFindings(_ s: Int) -> [CalibrationFinding] {
        let step = pathway.steps[s]
        var out: [CalibrationFinding] = []
        switch step.kind {
        case .referral, .assessment, .test, .treatment, .meeting, .wait:
            if let f = duration(s) { out.append(f) }
        default:
            break
        }
        out += gapFindings(s)
        if step.kind == .decision, let f = branches(s) { out.append(f) }
        if let f = attendance(s) { out.append(f) }
        return out
    }

    /// The shares of step `s`'s appointments missed and cancelled (each attempt counts: an
    /// appointment that went ahead is a `start`, one that did not a `did-not-attend` or
    /// `cancelled` event), against the standard's.
    func attendance(_ s: Int) -> CalibrationFinding? {
        let step = pathway.steps[s]
        guard [.assessment, .test, .treatment].contains(step.kind) else { return nil }
        let missed = missedAt[s], cancelled = cancelledAt[s], went = startedAt[s]
        let standardMissed = step.attendance?.didNotAttend ?? 0, standardCancelled = step.attendance?.cancelled ?? 0
        // Nothing to say when neither the standard nor the log has any.
        if missed + cancelled == 0 && standardMissed + standardCancelled == 0 { return nil }
        let n = missed + cancelled + went
        let path = "steps.\(step.id)"
        let subject = "appointments missed and cancelled at '\(step.id)'"
        let standardText = "\(CalibrationText.percent(standardMissed)) not attended, \(CalibrationText.percent(standardCancelled)) cancelled"
        guard n >= minimum else {
            return CalibrationFinding(aspect: .attendance, path: path, subject: subject, outcome: .skipped, sampleSize: n,
                                      standard: standardText, reason: tooFew(n, "appointments at the step"))
        }
        let seen = "\(CalibrationText.count(missed)) not attended and \(CalibrationText.count(cancelled)) cancelled of \(CalibrationText.count(n)) appointments"
        let observed = [Double(missed), Double(cancelled), Double(went)]
        let expected = [standardMissed, standardCancelled, 1 - standardMissed - standardCancelled].map { $0 * Double(n) }
        // A share the standard puts at nought that the log shows at all departs from it for certain.
        let impossible = zip(observed, expected).contains { $0 > 0 && $1 == 0 }
        let test = Statistics.chiSquare(observed: zip(observed, expected).filter { $0.1 > 0 }.map(\.0),
                                        expected: expected.filter { $0 > 0 }, lost: 1)
        let testText = impossible ? "the standard has none" : "chi-square \(CalibrationText.statistic(test.statistic)) on \(test.degreesOfFreedom) df, \(CalibrationText.pValue(test.p))"
        if !impossible && test.p >= options.significance {
            return CalibrationFinding(aspect: .attendance, path: path, subject: subject, outcome: .agrees, sampleSize: n, standard: standardText,
                                      reason: "\(seen) agree with the standard's shares (\(testText))")
        }
        let fittedMissed = Double(missed) / Double(n), fittedCancelled = Double(cancelled) / Double(n)
        var edits: [OverlayEdit] = []
        if fittedMissed != standardMissed { edits.append(OverlayEdit(path: "\(path).did_not_attend", value: CalibrationText.percent(fittedMissed))) }
        if fittedCancelled != standardCancelled { edits.append(OverlayEdit(path: "\(path).cancelled", value: CalibrationText.percent(fittedCancelled))) }
        return CalibrationFinding(aspect: .attendance, path: path, subject: subject, outcome: .changed, sampleSize: n, standard: standardText,
                                  fitted: "\(CalibrationText.percent(fittedMissed)) not attended, \(CalibrationText.percent(fittedCancelled)) cancelled",
                                  reason: "counted in the log: \(seen); the standard's shares (\(standardText)) do not fit them (\(testText))", edits: edits)
    }

    func duration(_ s: Int) -> CalibrationFinding? {
        let step = pathway.steps[s]
        let sample = durations[s]
        let subject = "duration of '\(step.id)'"
        let path = "steps.\(step.id).duration"
        // A step with no time in the standard and none in the log has nothing to say.
        if step.duration == nil && sample.allSatisfy({ $0 <= Self.tolerance }) { return nil }
        return timeFinding(.duration, path: path, subject: subject, sample: sample, what: "durations (start to completion)",
                           standard: step.duration, edits: { [OverlayEdit(path: path, value: CalibrationText.quoted($0))] })
    }

    /// Result delays (tests) and handoff delays (moves to another organisation) of step `s`.
    mutating func gapFindings(_ s: Int) -> [CalibrationFinding] {
        let step = pathway.steps[s]
        guard step.kind != .parallel, step.kind != .end, step.kind != .subpathway else { return [] }
        let crossing = graph.onward[s].filter { organisations[$0] != nil && organisations[s] != nil && organisations[$0] != organisations[s] }
        let intoJoin = graph.onward[s].first { graph.isJoin[$0] }
        let crossingMoves = moves[s].filter { crossing.contains($0.to) }
        let stayingMoves = moves[s].filter { !crossing.contains($0.to) }
        var out: [CalibrationFinding] = []
        let resultPath = "steps.\(step.id).result_after"
        let handoffPath = step.handoff == nil ? "steps.\(step.id).handoff" : "steps.\(step.id).handoff.delay"
        let standardHandoff = step.handoff?.delay
        if let join = intoJoin.map({ pathway.steps[$0].id }) {
            // The join waits for every path: the gap after this step is not its own.
            if let r = step.resultAfter {
                out.append(CalibrationFinding(aspect: .resultDelay, path: resultPath, subject: "result delay of '\(step.id)'", outcome: .skipped,
                                              sampleSize: 0, standard: CalibrationText.timeDistribution(r),
                                              reason: "the log cannot show it: '\(step.id)' leads to '\(join)', where parallel paths meet, and the patient goes on only when every path is done"))
            }
            if !crossing.isEmpty, let d = standardHandoff {
                out.append(CalibrationFinding(aspect: .handoffDelay, path: handoffPath, subject: "handoff delay of '\(step.id)'", outcome: .skipped,
                                              sampleSize: 0, standard: CalibrationText.timeDistribution(d),
                                              reason: "the log cannot show it: '\(step.id)' hands over to '\(join)', where parallel paths meet, and the patient goes on only when every path is done"))
            }
            return out
        }
        // Within one organisation: a test's result delay; any other gap has no place in the standard.
        if step.kind == .test, crossing.count < graph.onward[s].count {
            let sample = stayingMoves.compactMap(\.gap)
            if !(step.resultAfter == nil && sample.allSatisfy({ $0 <= Self.tolerance })) {
                out.append(timeFinding(.resultDelay, path: resultPath, subject: "result delay of '\(step.id)'", sample: sample,
                                       what: "result delays (completion to the next step)", standard: step.resultAfter,
                                       unseen: unseen(stayingMoves),
                                       edits: { [OverlayEdit(path: resultPath, value: CalibrationText.quoted($0))] }))
            }
        } else if step.kind != .test, stayingMoves.compactMap(\.gap).count >= minimum {
            let gaps = stayingMoves.compactMap(\.gap)
            let mean = gaps.reduce(0, +) / Double(gaps.count)
            if mean > 1 {
                let next = Set(stayingMoves.map { "'\(pathway.steps[$0.to].id)'" }).sorted().joined(separator: ", ")
                notes.append("the log shows \(CalibrationText.time(mean)) on average between the completion of '\(step.id)' and \(next) (\(CalibrationText.count(gaps.count)) journeys), a gap the standard has no place for; left alone (a `wait` step would model it)")
            }
        }
        // Into another organisation: the handoff delay (with a test's result delay, only their sum is seen).
        guard !crossing.isEmpty else { return out }
        let sample = crossingMoves.compactMap(\.gap)
        let subject = "handoff delay of '\(step.id)'"
        if step.kind == .test, let r = step.resultAfter {
            let mean = sample.isEmpty ? 0 : sample.reduce(0, +) / Double(sample.count)
            let seen = sample.isEmpty ? "" : " (on average \(CalibrationText.time(mean)) over \(CalibrationText.count(sample.count)) journeys)"
            let why = "the log shows only the sum of the result delay and the handoff delay of '\(step.id)'\(seen), so neither can be fitted alone"
            out.append(CalibrationFinding(aspect: .resultDelay, path: resultPath, subject: "result delay of '\(step.id)'", outcome: .skipped,
                                          sampleSize: sample.count, standard: CalibrationText.timeDistribution(r), reason: why))
            out.append(CalibrationFinding(aspect: .handoffDelay, path: handoffPath, subject: subject, outcome: .skipped,
                                          sampleSize: sample.count, standard: standardHandoff.map(CalibrationText.timeDistribution), reason: why))
            return out
        }
        if standardHandoff == nil && sample.allSatisfy({ $0 <= Self.tolerance }) { return out }
        let what = step.kind == .test
            ? "handoff delays (completion to reaching the next organisation; the standard gives this test no result delay, so the whole gap is taken as the handoff's)"
            : "handoff delays (completion to reaching the next organisation)"
        out.append(timeFinding(.handoffDelay, path: handoffPath, subject: subject, sample: sample, what: what, standard: standardHandoff,
                               unseen: unseen(crossingMoves), edits: { text in
                                   step.handoff == nil
                                       ? [OverlayEdit(path: handoffPath, value: "{ delay: \(CalibrationText.quoted(text)) }")]
                                       : [OverlayEdit(path: handoffPath, value: CalibrationText.quoted(text))]
                               }))
        return out
    }

    /// Why moves were seen but no gap could be measured: the log does not say when the patient
    /// reached the next step (no arrival event before its queue).
    func unseen(_ moves: [ObservedMove]) -> String? {
        guard !moves.isEmpty, moves.allSatisfy({ $0.gap == nil }) else { return nil }
        let next = Set(moves.map { "'\(pathway.steps[$0.to].id)'" }).sorted().joined(separator: ", ")
        return "the log does not show when patients reach \(next): it has no schedule event there (a start shows the arrival only at a step without a queue, where it does not count the queue as delay; a completion only at a step without work)"
    }

    /// Times within this many minutes count as equal (timestamps to the millisecond, rounded).
    static let tolerance = 0.002

    /// Tests a sample of times against the standard's distribution (none means no time) and,
    /// when it departs, fits a family by maximum likelihood and AIC.
    func timeFinding(_ aspect: CalibrationAspect, path: String, subject: String, sample: [Double], what: String,
                     standard: Distribution?, unseen: String? = nil, edits: (String) -> [OverlayEdit]) -> CalibrationFinding {
        let standardText = standard.map(CalibrationText.timeDistribution)
        let n = sample.count
        let shortWhat = aspect == .duration ? "durations" : aspect == .resultDelay ? "result delays" : "handoff delays"
        guard n >= minimum else {
            return CalibrationFinding(aspect: aspect, path: path, subject: subject, outcome: .skipped, sampleSize: n,
                                      standard: standardText, reason: n == 0 ? unseen ?? tooFew(n, shortWhat) : tooFew(n, shortWhat))
        }
        let reference = standard ?? .fixed(0)
        let sorted = sample.sorted()
        let agreement = Self.agreement(sorted, with: DistributionCDF.time(reference))
        let named = standardText.map { "the standard's \($0)" } ?? "no time (as the standard has it)"
        if agreement.agrees(options.significance) {
            return CalibrationFinding(aspect: aspect, path: path, subject: subject, outcome: .agrees, sampleSize: n, standard: standardText,
                                      reason: "\(CalibrationText.count(n)) \(shortWhat) agree with \(named) (\(agreement.text))")
        }
        guard let fit = DistributionFit.fit(sorted, nonNegative: true, tolerance: Self.tolerance),
              let written = CalibrationText.writtenTime(fit.best.distribution) else {
            return CalibrationFinding(aspect: aspect, path: path, subject: subject, outcome: .skipped, sampleSize: n, standard: standardText,
                                      reason: "no distribution of the language could be fitted to the \(CalibrationText.count(n)) \(shortWhat)")
        }
        var reason = "fitted to \(CalibrationText.count(n)) \(what) from the log: " + Self.fitText(fit, written: written.distribution, cdf: { DistributionCDF.time($0) }, sorted: sorted)
        reason += "; \(named) does not fit them (\(agreement.text))"
        return CalibrationFinding(aspect: aspect, path: path, subject: subject, outcome: .changed, sampleSize: n, standard: standardText,
                                  fitted: written.text, reason: reason, edits: edits(written.text))
    }

    /// How a fit is described in a reason: the family and its AIC against the runner-up, and the
    /// KS distance of the values as written.
    static func fitText(_ fit: DistributionFit, written: Distribution, cdf: (Distribution) -> DistributionCDF, sorted: [Double]) -> String {
        if fit.best.family == .fixed { return "every value the same, so fixed" }
        var text = fit.best.family.rawValue
        if let aic = fit.best.aic {
            text += ", AIC \(CalibrationText.statistic(aic))"
            if let second = fit.runnerUp, let aic2 = second.aic {
                text += " vs \(second.family.rawValue) \(CalibrationText.statistic(aic2))"
                if aic2 < aic { text += " (the simpler within 2 AIC)" }
            }
        }
        let d = cdf(written).ksDistance(sorted: sorted)
        text += "; KS distance \(String(format: "%.3f", d))"
        return text
    }

    /// Whether a sample agrees with a distribution: for a fixed value, every value within the
    /// timestamps' rounding of it; otherwise the Kolmogorov–Smirnov test.
    struct Agreement {
        var fixedValue: Bool
        var allEqual: Bool
        var distance: Double
        var p: Double
        func agrees(_ level: Double) -> Bool { fixedValue ? allEqual : p >= level }
        var text: String {
            if fixedValue { return allEqual ? "every value the same" : "the values vary" }
            return "KS distance \(String(format: "%.3f", distance)), \(CalibrationText.pValue(p))"
        }
    }

    static func agreement(_ sorted: [Double], with cdf: DistributionCDF) -> Agreement {
        if case .fixed(let v) = cdf.distribution {
            let target = cdf.lower.map { max($0, v) } ?? v
            let allEqual = sorted.allSatisfy { abs($0 - target) <= max(tolerance, abs(target) * 1e-9) }
            return Agreement(fixedValue: true, allEqual: allEqual, distance: allEqual ? 0 : 1, p: allEqual ? 1 : 0)
        }
        var values = sorted
        if case .empirical(let points) = cdf.distribution {
            // Timestamps are rounded: a value within the rounding of a listed value is that value.
            values = sorted.map { x in points.first { abs($0.value - x) <= tolerance }?.value ?? x }.sorted()
        }
        let d = cdf.ksDistance(sorted: values)
        return Agreement(fixedValue: false, allEqual: false, distance: d, p: Statistics.ksPValue(d, n: values.count))
    }

    // MARK: - Decisions

    func branches(_ s: Int) -> CalibrationFinding? {
        let step = pathway.steps[s]
        let path = "steps.\(step.id).branches"
        let subject = "branch shares of '\(step.id)'"
        let observed = moves[s]
        let n = observed.count
        let targets = step.branches.map(\.to)
        let counts = targets.map { to in observed.filter { pathway.steps[$0.to].id == to }.count }
        let seenShares = zip(targets, counts).map { "\($0) \(CalibrationText.percent(n > 0 ? Double($1) / Double(n) : 0))" }.joined(separator: ", ")
        let standardText = step.branches.map { b in
            b.when != nil ? "\(b.to) when \(b.when?.text ?? "")" + (b.probability.map { " (\(CalibrationText.percent($0)))" } ?? "")
                : b.otherwise ? "\(b.to) otherwise" : "\(b.to) \(CalibrationText.percent(b.probability ?? 0))"
        }.joined(separator: ", ")
        if step.branches.contains(where: { $0.when != nil }) {
            return CalibrationFinding(aspect: .branches, path: path, subject: subject, outcome: .skipped, sampleSize: n, standard: standardText,
                                      reason: "a decision by conditions on patient attributes: left as written"
                                        + (n > 0 && !(visited[s] == 0 && unsureDecisions.contains(s)) ? " (the log sends \(seenShares) of \(CalibrationText.count(n)) journeys)" : ""))
        }
        guard step.branches.contains(where: { $0.probability != nil }) else { return nil }
        guard Set(targets).count == targets.count else {
            return CalibrationFinding(aspect: .branches, path: path, subject: subject, outcome: .skipped, sampleSize: n, standard: standardText,
                                      reason: "two branches lead to the same step, so the log cannot tell which was taken")
        }
        if visited[s] == 0 && unsureDecisions.contains(s) {
            return CalibrationFinding(aspect: .branches, path: path, subject: subject, outcome: .skipped, sampleSize: n, standard: standardText,
                                      reason: "the log never records the decision '\(step.id)', and a step it leads to is also reached through another unrecorded decision, so which way journeys went cannot be told")
        }
        guard n >= minimum else {
            return CalibrationFinding(aspect: .branches, path: path, subject: subject, outcome: .skipped, sampleSize: n, standard: standardText,
                                      reason: visited[s] == 0
                                        ? "the log never records the decision '\(step.id)' (an extract may leave decisions out, or not cover the organisation that makes it), so calibrate cannot count which way journeys went from it"
                                        : tooFew(n, "journeys through the decision"))
        }
        let lottery = step.branches.reduce(0) { $0 + ($1.probability ?? 0) }
        let expected = step.branches.map { b in Double(n) * (b.otherwise ? max(0, 1 - lottery) : (b.probability ?? 0)) }
        let test = Statistics.chiSquare(observed: counts.map(Double.init), expected: expected, lost: 1)
        let testText = "chi-square \(CalibrationText.statistic(test.statistic)) on \(test.degreesOfFreedom) df, \(CalibrationText.pValue(test.p))"
        if test.p >= options.significance {
            return CalibrationFinding(aspect: .branches, path: path, subject: subject, outcome: .agrees, sampleSize: n, standard: standardText,
                                      reason: "\(CalibrationText.count(n)) journeys through the decision (\(seenShares)) agree with the standard's shares (\(testText))")
        }
        let thousandths = CalibrationText.shares(counts)
        var edits: [OverlayEdit] = []
        var fitted: [String] = []
        for (i, b) in step.branches.enumerated() {
            if b.otherwise {
                fitted.append("\(b.to) otherwise (\(CalibrationText.thousandths(thousandths[i])))")
            } else {
                // A branch is named by where it goes, unless that id is all digits (read as a position).
                let name = b.to.allSatisfy(\.isNumber) ? String(i) : b.to
                edits.append(OverlayEdit(path: "\(path).\(name).probability", value: CalibrationText.thousandths(thousandths[i])))
                fitted.append("\(b.to) \(CalibrationText.thousandths(thousandths[i]))")
            }
        }
        let reason = "counted over \(CalibrationText.count(n)) journeys through the decision in the log: \(seenShares); the standard's shares (\(standardText)) do not fit them (\(testText))"
        return CalibrationFinding(aspect: .branches, path: path, subject: subject, outcome: .changed, sampleSize: n, standard: standardText,
                                  fitted: fitted.joined(separator: ", "), reason: reason, edits: edits)
    }

    // MARK: - Attributes

    func attribute(_ attribute: Attribute) -> [CalibrationFinding] {
        let raw = attributeValues[attribute.id] ?? []
        let n = raw.count
        let subject = "attribute '\(attribute.id)'"
        switch attribute.type {
        case .boolean(let p):
            let path = "attributes.\(attribute.id).probability"
            let standardText = CalibrationText.significant(p)
            let parsed = raw.compactMap(Self.boolean)
            let unreadable = n - parsed.count
            guard parsed.count >= minimum else {
                return [CalibrationFinding(aspect: .attribute, path: path, subject: subject, outcome: .skipped, sampleSize: parsed.count,
                                           standard: standardText, reason: tooFew(parsed.count, "values of '\(attribute.id)'") + Self.unreadableText(unreadable))]
            }
            let yes = parsed.filter { $0 }.count
            let test = Statistics.chiSquare(observed: [Double(yes), Double(parsed.count - yes)],
                                            expected: [Double(parsed.count) * p, Double(parsed.count) * (1 - p)], lost: 1)
            let share = CalibrationText.percent(Double(yes) / Double(parsed.count))
            let testText = "chi-square \(CalibrationText.statistic(test.statistic)) on \(test.degreesOfFreedom) df, \(CalibrationText.pValue(test.p))"
            if test.p >= options.significance {
                return [CalibrationFinding(aspect: .attribute, path: path, subject: subject, outcome: .agrees, sampleSize: parsed.count, standard: standardText,
                                           reason: "true for \(share) of \(CalibrationText.count(parsed.count)) patients in the log, which agrees with the standard's \(standardText) (\(testText))" + Self.unreadableText(unreadable))]
            }
            let value = CalibrationText.thousandths(CalibrationText.shares([yes, parsed.count - yes])[0])
            return [CalibrationFinding(aspect: .attribute, path: path, subject: subject, outcome: .changed, sampleSize: parsed.count, standard: standardText,
                                       fitted: value, reason: "counted over \(CalibrationText.count(parsed.count)) patients in the log: true for \(share); the standard's \(standardText) does not fit them (\(testText))" + Self.unreadableText(unreadable),
                                       edits: [OverlayEdit(path: path, value: value)])]
        case .category(let values):
            let path = "attributes.\(attribute.id).values"
            let names = values.map(\.name)
            let standardText = "{ " + values.map { "\($0.name): \(CalibrationText.significant($0.probability))" }.joined(separator: ", ") + " }"
            let unknown = Set(raw.filter { !names.contains($0) })
            if !unknown.isEmpty {
                let list = unknown.sorted().prefix(5).map { "'\($0)'" }.joined(separator: ", ")
                return [CalibrationFinding(aspect: .attribute, path: path, subject: subject, outcome: .skipped, sampleSize: n, standard: standardText,
                                           reason: "the log has values the standard does not declare (\(list)); declare them first, or map them to declared values")]
            }
            guard n >= minimum else {
                return [CalibrationFinding(aspect: .attribute, path: path, subject: subject, outcome: .skipped, sampleSize: n, standard: standardText,
                                           reason: tooFew(n, "values of '\(attribute.id)'"))]
            }
            let counts = names.map { name in raw.filter { $0 == name }.count }
            let test = Statistics.chiSquare(observed: counts.map(Double.init), expected: values.map { Double(n) * $0.probability }, lost: 1)
            let testText = "chi-square \(CalibrationText.statistic(test.statistic)) on \(test.degreesOfFreedom) df, \(CalibrationText.pValue(test.p))"
            let seen = zip(names, counts).map { "\($0) \(CalibrationText.percent(Double($1) / Double(n)))" }.joined(separator: ", ")
            if test.p >= options.significance {
                return [CalibrationFinding(aspect: .attribute, path: path, subject: subject, outcome: .agrees, sampleSize: n, standard: standardText,
                                           reason: "\(CalibrationText.count(n)) patients in the log (\(seen)) agree with the standard's shares (\(testText))")]
            }
            let thousandths = CalibrationText.shares(counts)
            let value = "{ " + zip(names, thousandths).map { "\($0): \(CalibrationText.thousandths($1))" }.joined(separator: ", ") + " }"
            return [CalibrationFinding(aspect: .attribute, path: path, subject: subject, outcome: .changed, sampleSize: n, standard: standardText,
                                       fitted: value, reason: "counted over \(CalibrationText.count(n)) patients in the log: \(seen); the standard's shares do not fit them (\(testText))",
                                       edits: [OverlayEdit(path: path, value: value)])]
        case .integer(let d, let lo, let hi), .number(let d, let lo, let hi):
            var integer = false
            if case .integer = attribute.type { integer = true }
            let path = "attributes.\(attribute.id).distribution"
            let standardText = CalibrationText.numberDistribution(d)
            let parsed = raw.compactMap { Double($0) }.filter(\.isFinite)
            let unreadable = n - parsed.count
            guard parsed.count >= minimum else {
                return [CalibrationFinding(aspect: .attribute, path: path, subject: subject, outcome: .skipped, sampleSize: parsed.count,
                                           standard: standardText, reason: tooFew(parsed.count, "values of '\(attribute.id)'") + Self.unreadableText(unreadable))]
            }
            let sorted = parsed.sorted()
            let cdf = { (x: Distribution) in DistributionCDF(x, lower: lo, upper: hi, integer: integer) }
            let agreement = Self.agreement(sorted, with: cdf(d))
            let unit = attribute.unit.map { " (\($0))" } ?? ""
            if agreement.agrees(options.significance) {
                return [CalibrationFinding(aspect: .attribute, path: path, subject: subject, outcome: .agrees, sampleSize: parsed.count, standard: standardText,
                                           reason: "\(CalibrationText.count(parsed.count)) values\(unit) in the log agree with the standard's \(standardText) (\(agreement.text))" + Self.unreadableText(unreadable))]
            }
            guard let fit = DistributionFit.fit(sorted, nonNegative: (sorted.first ?? 0) >= 0, tolerance: 1e-9, integer: integer),
                  let written = CalibrationText.writtenNumber(fit.best.distribution) else {
                return [CalibrationFinding(aspect: .attribute, path: path, subject: subject, outcome: .skipped, sampleSize: parsed.count, standard: standardText,
                                           reason: "no distribution of the language could be fitted to the \(CalibrationText.count(parsed.count)) values")]
            }
            let bounds = lo != nil || hi != nil ? " (the standard's min and max are kept)" : ""
            let reason = "fitted to \(CalibrationText.count(parsed.count)) values\(unit) from the log: " + Self.fitText(fit, written: written.distribution, cdf: cdf, sorted: sorted)
                + "; the standard's \(standardText) does not fit them (\(agreement.text))" + bounds + Self.unreadableText(unreadable)
            return [CalibrationFinding(aspect: .attribute, path: path, subject: subject, outcome: .changed, sampleSize: parsed.count, standard: standardText,
                                       fitted: written.text, reason: reason, edits: [OverlayEdit(path: path, value: CalibrationText.quoted(written.text))])]
        }
    }

    static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "y", "1": true
        case "false", "no", "n", "0": false
        default: nil
        }
    }

    static func unreadableText(_ count: Int) -> String {
        count == 0 ? "" : "; \(CalibrationText.count(count)) value\(count == 1 ? "" : "s") could not be read and were left out"
    }
}
