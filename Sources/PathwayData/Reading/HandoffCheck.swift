import PathwayModel

/// Finds cases handed off to an organisation whose extract was read but which lacks the case:
/// the join by NHS number found the patient leaving one organisation and never arriving.
///
/// A case is reported for extract A when all of these hold:
/// - A's last event for the case completes a step (a patient still at the step is not missing);
/// - every way on from that step (through decisions and parallel splits) leads to a step in
///   another organisation, and none can end the journey;
/// - each of those organisations is covered by another extract (one that has events there),
///   none of which holds the case, and A does not cover it itself;
/// - each of those extracts runs on past the case's last event in A by the expected time to
///   get there: at least 14 days, or twice the mean result and handoff delays on the way when
///   that is longer (so a patient still in transit when an extract was cut is not reported).
enum HandoffCheck {
    static let minimumAllowance = 14.0 * 1440

    static func missingFromNext(_ log: EventLog, pathway: Pathway, mapping: [String: String]) -> [LogProblem] {
        guard log.files.count > 1, !pathway.steps.isEmpty else { return [] }
        let steps = ActivityMapper.map(log, to: pathway, mapping: mapping).0.step
        let effective = pathway.effectiveOrganisations
        let index = pathway.stepIndex
        let organisationOfName: [String?] = log.organisations.map { name in
            let lower = name.lowercased()
            return (pathway.organisations.first { $0.id == name }
                ?? pathway.organisations.first { $0.id.lowercased() == lower || $0.name.lowercased() == lower })?.id
        }
        func organisation(_ event: LogEvent) -> String? {
            if event.organisation >= 0, let id = organisationOfName[Int(event.organisation)] { return id }
            guard let s = steps[Int(event.activity)] else { return nil }
            return effective[pathway.steps[s].id]
        }

        let fileCount = log.files.count
        var covers = [Set<String>](repeating: [], count: fileCount)
        var lastTime = [Double](repeating: -.infinity, count: fileCount)
        for logCase in log.cases {
            for event in logCase.events {
                let f = Int(event.origin.file)
                guard f >= 0, f < fileCount else { continue }
                if let o = organisation(event) { covers[f].insert(o) }
                lastTime[f] = max(lastTime[f], event.minutes)
            }
        }

        var onwardMemo: [Int: [String: Double]?] = [:]
        func onward(_ s: Int) -> [String: Double]? {
            if let known = onwardMemo[s] { return known }
            let result = walk(from: s)
            onwardMemo[s] = result
            return result
        }
        /// The organisations of the next real steps after step `s`, with the time allowed to
        /// reach each; nil when the journey may end, or its way on is unknown.
        func walk(from s: Int) -> [String: Double]? {
            let first = pathway.steps[s]
            var result: [String: Double] = [:]
            var stack: [(String, Double)] = first.onward.map { ($0, delay(first)) }
            var seen: Set<String> = []
            while let (id, elapsed) = stack.popLast() {
                guard seen.insert(id).inserted else { continue }
                guard let t = index[id] else { return nil }
                let step = pathway.steps[t]
                if step.kind == .end { return nil }
                if (step.kind == .decision || step.kind == .parallel) && step.organisation == nil {
                    stack += step.onward.map { ($0, elapsed + delay(step)) }
                    continue
                }
                guard let o = effective[id] else { return nil }
                result[o] = max(result[o] ?? 0, max(minimumAllowance, 2 * elapsed))
            }
            return result
        }

        var problems: [LogProblem] = []
        for logCase in log.cases {
            let filesOfCase = Set(logCase.events.map { Int($0.origin.file) })
            guard filesOfCase.count < fileCount else { continue }
            // One problem per case (the earliest place its journey breaks off), so the count
            // printed is a count of cases.
            var earliest: (minutes: Double, problem: LogProblem)?
            for f in filesOfCase.sorted() {
                guard let last = logCase.events.last(where: { Int($0.origin.file) == f }),
                      last.lifecycle == .complete, let s = steps[Int(last.activity)],
                      let here = organisation(last), let next = onward(s), !next.isEmpty,
                      next[here] == nil else { continue }
                var missing: (String, Int)?
                var judged = true
                for (o, allowance) in next.sorted(by: { $0.key < $1.key }) {
                    let others = (0..<fileCount).filter { $0 != f && covers[$0].contains(o) }
                    guard !covers[f].contains(o), !others.isEmpty, !others.contains(where: filesOfCase.contains),
                          others.allSatisfy({ lastTime[$0] > last.minutes + allowance }) else {
                        judged = false
                        break
                    }
                    if missing == nil { missing = (o, others[0]) }
                }
                guard judged, let (o, g) = missing else { continue }
                let step = pathway.steps[s]
                let name = pathway.organisation(o)?.name ?? o
                let fromName = pathway.organisation(here)?.name ?? here
                let problem = LogProblem(
                    kind: .missingFromNextOrganisation, caseID: logCase.id,
                    message: "case \(TerminalSafe.line(logCase.id)) completed '\(TerminalSafe.line(step.displayName))' at \(TerminalSafe.line(fromName)) on \(TimeText.utc(last.minutes)) and should go on to \(TerminalSafe.line(name)), but \(TerminalSafe.line(log.files[g])) (the extract with \(TerminalSafe.line(name))'s events) does not hold this case",
                    origin: last.origin)
                if last.minutes < (earliest?.minutes ?? .infinity) { earliest = (last.minutes, problem) }
            }
            if let earliest { problems.append(earliest.problem) }
        }
        return problems
    }

    /// Mean minutes from completing `step` to being able to start the next: its result delay
    /// and handoff delay.
    private static func delay(_ step: Step) -> Double {
        (step.resultAfter?.mean ?? 0) + (step.handoff?.delay?.mean ?? 0)
    }
}
