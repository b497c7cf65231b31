import PathwayModel

/// Replays the journeys of an event log on a pathway's step graph (`carepath conform`).
///
/// **Which steps a log may leave out.** Decisions, parallel splits, end steps, subpathway calls
/// and waits (planned intervals, not activities), and any step without work (no duration,
/// resource, result wait or meeting sittings) are *silent*: a journey that does not record them
/// still fits. Every other step (referrals, assessments, tests, treatments and meetings with
/// work) should be recorded; a route that passes one the log does not record counts it as a
/// skipped step.
///
/// **Fit.** A journey fits when it has no deviation of any kind: its recorded steps are a walk
/// the pathway allows (parallel paths interleaved in any order, loops as often as they come
/// round), each done by the organisation the pathway names, each with the data it requires.
/// A journey still in progress when the log ends fits if what it has done so far does.
///
/// **Matching.** Events of one visit (arrival, start, completion) join it; an event that opens a
/// new visit moves the token (one per parallel path) that reaches the step by the route that
/// skips the fewest recorded steps. A step recorded earlier than a step the pathway puts before
/// it is out of order rather than a skip; a step no route leads to is unexpected.
///
/// **Clocks** run as in the simulator (Docs/target-clocks.md): a target's clock starts the first
/// time the journey reaches `from` at its `starts` moment and stops the first time after that it
/// reaches a `to` step at its `stops` moment; log lifecycles arrival, start and complete are the
/// moments on arrival, on start and on completion. A step without work has one moment. A step
/// the log leaves out is reached when the next recorded step is. A lifecycle the log never
/// records at a step falls back to one that can only lengthen the clock, and the report says so.
public struct ConformanceChecker: Sendable {
    /// The pathway replayed on.
    public let pathway: Pathway
    let graph: ReplayGraph

    /// A checker for `pathway` (a valid one: validation first).
    public init(pathway: Pathway) {
        self.pathway = pathway
        graph = ReplayGraph(pathway)
    }

    /// Replays every case of `log` with activities mapped to steps by `mapping`. `problems` are
    /// the problems to report (the reader's and the mapping's, as `LogOptions` returns them);
    /// nil reports the log's own, `log.problems`.
    ///
    /// An activity the mapping leaves out that is written `call/step`, where `call` is a
    /// subpathway step (the simulator logs a subpathway's steps so), counts as that call: its
    /// events are the subpathway running, in whatever order its own steps go.
    /// With `perJourney`, the report also lists every journey's verdict (`journeyVerdicts`).
    public func check(_ log: EventLog, mapping: StepMapping, problems: [LogProblem]? = nil, perJourney: Bool = false) -> ConformanceReport {
        // Appointments that did not go ahead are not visits: the wait at the step runs on to the
        // appointment that did. They are counted, then left out of the replay.
        var log = log
        var missed = 0, cancelled = 0
        for c in log.cases {
            for e in c.events where e.lifecycle == .missed || e.lifecycle == .cancelled {
                if e.lifecycle == .missed { missed += 1 } else { cancelled += 1 }
            }
        }
        if missed + cancelled > 0 {
            for i in log.cases.indices { log.cases[i].events.removeAll { $0.lifecycle == .missed || $0.lifecycle == .cancelled } }
        }
        var result = checkAttended(log, mapping: mapping, problems: problems, perJourney: perJourney)
        if missed + cancelled > 0 {
            result.notes.append("\(missed) appointment\(missed == 1 ? "" : "s") not attended and \(cancelled) cancelled: not visits of their own; each step's wait runs on to the appointment that went ahead")
        }
        return result
    }

    private func checkAttended(_ log: EventLog, mapping: StepMapping, problems: [LogProblem]?, perJourney: Bool) -> ConformanceReport {
        let (steps, insideCalls) = withSubpathwayCalls(log, mapping)
        var replay = JourneyReplay(graph: graph, log: log, mapping: StepMapping(step: steps))
        replay.recordsJourneys = perJourney
        var first = Double.infinity, last = -Double.infinity
        for c in log.cases {
            if let e = c.events.first, e.minutes < first { first = e.minutes }
            for e in c.events where e.minutes > last { last = e.minutes }
            replay.replay(c)
        }
        var reported = problems ?? log.problems
        if !insideCalls.isEmpty {
            // Not unmapped after all: they are steps inside a subpathway call.
            reported.removeAll { p in
                p.kind == .unmappedActivity && insideCalls.contains { p.message.hasPrefix("activity '\($0)' ") }
            }
        }
        var result = report(replay, log: log, problems: reported, span: first <= last ? (first, last) : nil)
        let kinds = ConformanceDeviation.Kind.allCases
        result.journeyVerdicts = replay.verdicts.map { v in
            ConformanceReport.JourneyVerdict(id: v.id, fits: v.fits, finished: v.finished,
                                             kinds: kinds.indices.filter { v.kinds & (1 << UInt8($0)) != 0 }.map { kinds[$0] })
        }
        return result
    }

    /// The mapping with `call/step` activities sent to their subpathway call, and those activities.
    private func withSubpathwayCalls(_ log: EventLog, _ mapping: StepMapping) -> ([Int?], [String]) {
        var steps = mapping.step
        if steps.count < log.activities.count { steps += [Int?](repeating: nil, count: log.activities.count - steps.count) }
        var calls: [String: Int] = [:]
        for (i, step) in pathway.steps.enumerated() where step.kind == .subpathway && calls[step.id] == nil { calls[step.id] = i }
        guard !calls.isEmpty else { return (steps, []) }
        var inside: [String] = []
        for (a, activity) in log.activities.enumerated() where steps[a] == nil {
            guard let slash = activity.firstIndex(of: "/"), let call = calls[String(activity[..<slash])] else { continue }
            steps[a] = call
            inside.append(activity)
        }
        return (steps, inside)
    }

    // MARK: - The report

    private func report(_ r: JourneyReplay, log: EventLog, problems: [LogProblem], span: (Double, Double)?) -> ConformanceReport {
        let g = graph
        let orgIDs = r.organisationIDs
        func orgName(_ o: Int32) -> String? { o >= 0 && Int(o) < orgIDs.count ? r.organisationNames[Int(o)] : nil }
        func orgID(_ o: Int32) -> String? { o >= 0 && Int(o) < orgIDs.count ? orgIDs[Int(o)] : nil }
        func quoted(_ s: Int32) -> String { "'\(g.titles[Int(s)])'" }

        var deviations: [(order: (Int, Int, Int32, Int32, Int32), value: ConformanceDeviation)] = []
        for (key, total) in r.deviations {
            let kind = ConformanceDeviation.Kind.allCases[Int(key.kind)]
            var d = ConformanceDeviation(kind: kind, step: nil, name: "", otherStep: nil, expectedOrganisation: nil,
                                         dataItem: nil, lostAtHandoff: false, organisation: orgID(key.organisation),
                                         occurrences: total.occurrences, journeys: total.journeys, examples: total.examples,
                                         message: "")
            let where_ = orgName(key.organisation).map { ", at \($0)" } ?? ""
            if key.step >= 0 {
                d.step = g.ids[Int(key.step)]
                d.name = g.titles[Int(key.step)]
            } else {
                let a = Int(key.other)
                d.name = a >= 0 && a < log.activities.count ? log.activities[a] : "?"
            }
            switch kind {
            case .skippedStep:
                d.message = "\(quoted(key.step)) was not recorded, though the pathway goes through it\(where_)"
            case .unexpectedStep:
                if key.step >= 0 {
                    d.message = "\(quoted(key.step)) was recorded where the pathway cannot lead to it\(where_)"
                } else {
                    d.message = "'\(d.name)' is not a step of the pathway\(where_)"
                }
            case .outOfOrder:
                d.otherStep = g.ids[Int(key.other)]
                d.message = "\(quoted(key.other)) was recorded before \(quoted(key.step)), which the pathway puts first\(where_)"
            case .otherOrganisation:
                d.expectedOrganisation = orgID(key.other)
                d.message = "\(quoted(key.step)) was done by \(orgName(key.organisation) ?? "another organisation"); the pathway says \(orgName(key.other) ?? "another")"
            case .missingData:
                let item = Int(key.other / 2)
                d.dataItem = item < g.dataNames.count ? g.dataNames[item] : "?"
                d.lostAtHandoff = key.other % 2 == 1
                d.message = d.lostAtHandoff
                    ? "\(quoted(key.step)) ran without '\(d.dataItem ?? "?")': it was produced earlier but not sent on at a handoff\(where_)"
                    : "\(quoted(key.step)) ran without '\(d.dataItem ?? "?")': no earlier step in the journey produced it\(where_)"
            }
            deviations.append(((Int(key.kind), -total.journeys, key.step, key.other, key.organisation), d))
        }
        deviations.sort { a, b in
            a.order.0 != b.order.0 ? a.order.0 < b.order.0
                : a.order.1 != b.order.1 ? a.order.1 < b.order.1
                : a.order.2 != b.order.2 ? a.order.2 < b.order.2
                : a.order.3 != b.order.3 ? a.order.3 < b.order.3 : a.order.4 < b.order.4
        }

        let kinds = ConformanceDeviation.Kind.allCases.enumerated().map { i, kind in
            ConformanceReport.KindTotal(kind: kind, occurrences: r.kindTotals[i].occurrences,
                                        journeys: r.kindTotals[i].journeys, examples: r.kindTotals[i].examples)
        }

        var organisations: [OrganisationFit] = []
        for (i, id) in orgIDs.enumerated() {
            let inPathway = i < g.organisationIDs.count
            guard inPathway || r.organisationJourneys[i] > 0 else { continue }
            organisations.append(OrganisationFit(id: id, name: r.organisationNames[i], inPathway: inPathway,
                                                 journeys: r.organisationJourneys[i], fitting: r.organisationFitting[i]))
        }

        var notes: [String] = []
        var targets: [TargetMeasure] = []
        for (k, target) in g.targets.enumerated() {
            targets.append(TargetMeasure(id: target.id, title: target.title ?? target.id, withinMinutes: target.within.minutes,
                                         standard: target.standard, starts: target.starts, stops: target.stops,
                                         measured: r.measured[k], met: r.met[k], runningLate: r.runningLate[k],
                                         runningOpen: r.runningOpen[k], notStopped: r.notStopped[k],
                                         meanMinutes: r.measured[k] > 0 ? r.clockMinutes[k] / Double(r.measured[k]) : nil))
            targets[targets.count - 1].notMeasurable = unmeasurable(target, replay: r)
            targets[targets.count - 1].lowerBoundOnly = partlyMeasurable(target, replay: r)
            notes += clockNotes(target, replay: r, log: log)
        }
        if pathway.targets.count > 64 {
            notes.append("only the first 64 of the pathway's \(pathway.targets.count) targets are measured, as in the simulator")
        }
        let unmatched = orgIDs.count - g.organisationIDs.count
        if unmatched > 0 {
            let names = orgIDs[g.organisationIDs.count...].prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            notes.append("the log names \(unmatched) organisation\(unmatched == 1 ? "" : "s") the pathway does not (\(names)\(unmatched > 5 ? ", …" : "")); organisations are matched by the pathway's id or name")
        }

        var waits: [StepWait] = []
        for s in 0..<g.stepCount where !r.waits[s].isEmpty {
            waits.append(StepWait(step: g.ids[s], title: g.titles[s], wait: TimeSummary(r.waits[s])))
        }
        var handoffs: [HandoffDelay] = []
        let count = orgIDs.count
        for pair in r.handoffs.keys.sorted() {
            guard let values = r.handoffs[pair], !values.isEmpty else { continue }
            handoffs.append(HandoffDelay(from: orgIDs[pair / count], to: orgIDs[pair % count], delay: TimeSummary(values)))
        }

        var problemSummaries: [ProblemSummary] = []
        for kind in LogProblem.Kind.allCases {
            let ofKind = problems.filter { $0.kind == kind }
            guard let first = ofKind.first else { continue }
            var examples: [String] = []
            for p in ofKind {
                if let id = p.caseID, !examples.contains(id) { examples.append(id) }
                if examples.count == 3 { break }
            }
            problemSummaries.append(ProblemSummary(kind: kind, count: ofKind.count, examples: examples, firstMessage: first.message))
        }

        return ConformanceReport(pathwayID: pathway.id, pathwayTitle: pathway.title, files: log.files,
                                 journeys: r.journeys, events: r.events, fitting: r.fitting, finished: r.finished,
                                 kinds: kinds, deviations: deviations.map(\.value), organisations: organisations,
                                 targets: targets, waits: waits, handoffs: handoffs, problems: problemSummaries,
                                 notes: notes, logStart: span?.0, logEnd: span?.1)
    }

    /// Why the logs cannot measure `target`: they never record the step where its clock starts,
    /// or any step where it stops (a step the log may leave out is reached at the next recorded
    /// step, so it does not count here). Usually the extract of the organisation doing those
    /// steps is missing; then every clock would run on and count as missed.
    private func unmeasurable(_ target: Target, replay r: JourneyReplay) -> String? {
        let index = pathway.stepIndex
        func unseen(_ id: String) -> Bool {
            guard let s = index[id] else { return false }
            return !r.recorded[s] && !graph.silent[s]
        }
        func place(_ ids: [String]) -> String {
            let orgs = pathway.effectiveOrganisations
            let named = Set(ids.compactMap { orgs[$0] }).sorted().map { o in pathway.organisation(o).map { "\($0.name) (\(o))" } ?? o }
            return ids.map { "'\($0)'" }.joined(separator: ", ") + (named.isEmpty ? "" : ", done by " + named.joined(separator: " and "))
        }
        if unseen(target.from) {
            return "the logs never record \(place([target.from])), where its clock starts: give that organisation's extract"
        }
        let stops = target.to.filter { index[$0] != nil }
        if !stops.isEmpty, stops.allSatisfy(unseen) {
            return "the logs record none of the steps where its clock stops (\(place(stops))): give that organisation's extract; without it every clock would run on and look missed"
        }
        return nil
    }

    /// Why `target`'s attainment is only a lower bound: the logs never record some (not all) of
    /// the steps where its clock stops, so a journey that went there keeps a running clock.
    private func partlyMeasurable(_ target: Target, replay r: JourneyReplay) -> String? {
        let index = pathway.stepIndex
        let unseen = target.to.filter { id in index[id].map { !r.recorded[$0] && !graph.silent[$0] } ?? false }
        guard !unseen.isEmpty, unseen.count < target.to.count else { return nil }
        return "the logs never record \(unseen.map { "'\($0)'" }.joined(separator: ", ")), where its clock stops too; a journey that went there keeps a running clock, counted as missed or open, so the attainment is at least the figure shown"
    }

    /// What a target's clock had to assume: a step never recorded, or a lifecycle it falls back from.
    private func clockNotes(_ target: Target, replay r: JourneyReplay, log: EventLog) -> [String] {
        let g = graph
        var notes: [String] = []
        let index = pathway.stepIndex
        let words = ["arrival", "start", "completion"]
        let lifecycleWords = ["arrival", "start", "complete"]
        func check(_ id: String, _ point: ClockPoint, forStart: Bool) {
            guard let s = index[id] else { return }
            let end = forStart ? "starts" : "stops"
            if !r.recorded[s] {
                if !g.silent[s] {
                    notes.append("target '\(target.id)': the log never records '\(id)', so no clock \(end) there")
                } else {
                    notes.append("target '\(target.id)': the log never records '\(id)' (a step it may leave out); its clock \(end) when the journey reaches the next recorded step")
                }
                return
            }
            guard g.hasWork[s] else { return }
            let moment = ReplayGraph.moment(point)
            if let used = r.lifecycleUsed(step: s, moment: moment, forStart: forStart), used != moment {
                // A later start or an earlier stop shortens the clock; the other way lengthens it.
                let shortens = forStart ? used > moment : used < moment
                notes.append("target '\(target.id)': the log records no \(lifecycleWords[moment]) events at '\(id)'; the clock \(end) at its \(words[used]) instead, "
                             + (shortens ? "which comes \(forStart ? "later" : "earlier"), so each clock is shorter than the standard counts by the time between them (the log cannot show it)"
                                         : "which comes \(forStart ? "earlier" : "later"), so each clock is longer than the standard counts, never shorter"))
            }
        }
        check(target.from, target.starts, forStart: true)
        for to in target.to { check(to, target.stops, forStart: false) }
        return notes
    }
}

extension JourneyReplay {
    /// The log lifecycle that stands for `moment` at step `s` (nil when the step is never recorded).
    func lifecycleUsed(step s: Int, moment: Int, forStart: Bool) -> Int? {
        JourneyReplay.fallback(moment, lifecycleMask[s], forStart: forStart)
    }
}
