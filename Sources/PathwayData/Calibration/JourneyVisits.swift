import PathwayModel

/// One patient's visit to one step, rebuilt from the log's events: when the patient reached
/// it, when its work started and when it was done (each if the log shows it).
struct StepVisit: Sendable {
    /// Index into `pathway.steps`.
    var step: Int
    var arrival: Double?
    var start: Double?
    var complete: Double?
    /// Position of the visit's first event in the case's (time-ordered) events.
    var firstEvent: Int
    /// Position of its completion event, when it has one.
    var completeEvent: Int?

    /// When the patient reached the step: the arrival event, else the start, else the completion.
    var entered: Double { arrival ?? start ?? complete ?? 0 }

    /// When the patient reached the step, if the log shows it: the arrival event; or the start
    /// at a step with no queue (no resource, no meeting cycle); or the completion of a step
    /// with no work at all. A start after a queue is not the arrival, and a handoff measured to
    /// it would count the queue as delay.
    func arrivalTime(in graph: CalibrationGraph) -> Double? {
        if let arrival { return arrival }
        if let start, !graph.queues[step] { return start }
        if start == nil, let complete, graph.instant[step] { return complete }
        return nil
    }
}

/// A move seen in a journey: a completed visit and the visit of the step it led to.
struct ObservedMove: Sendable {
    var from: Int
    var to: Int
    /// Minutes from the completion of `from` to reaching `to`, when the log shows when the
    /// patient reached `to`.
    var gap: Double?
}

/// What one case's events say, step by step.
struct JourneyVisits: Sendable {
    var visits: [StepVisit] = []
    /// Unrecorded decisions whose branches lead, by different routes, to the same step: the log
    /// cannot tell which way a journey went through them.
    var unsure: Set<Int> = []
    var moves: [ObservedMove] = []

    /// Groups the case's events into visits (an arrival opens one; a start or completion joins
    /// the oldest open visit of its step, or opens one), then pairs each completed visit with
    /// the first later visit of a step it can lead to that no other visit has claimed. Moves
    /// into a join of parallel paths are not paired: the join waits for every path, so the gap
    /// is not this step's own.
    init(_ events: [LogEvent], mapping: StepMapping, graph: CalibrationGraph) {
        var open: [Int: [Int]] = [:] // step -> indices of visits not yet completed
        for (i, event) in events.enumerated() {
            let a = Int(event.activity)
            guard a >= 0, a < mapping.step.count, let s = mapping.step[a] else { continue }
            switch event.lifecycle {
            case .arrival:
                visits.append(StepVisit(step: s, arrival: event.minutes, firstEvent: i))
                open[s, default: []].append(visits.count - 1)
            case .start:
                if let v = open[s]?.first(where: { visits[$0].start == nil }) {
                    visits[v].start = event.minutes
                } else {
                    visits.append(StepVisit(step: s, start: event.minutes, firstEvent: i))
                    open[s, default: []].append(visits.count - 1)
                }
            case .missed, .cancelled:
                // An appointment that did not go ahead is not a visit: the wait runs on to the next attempt.
                continue
            case .complete:
                if let k = open[s]?.indices.first {
                    let v = open[s]?.remove(at: k) ?? 0
                    visits[v].complete = event.minutes
                    visits[v].completeEvent = i
                } else {
                    visits.append(StepVisit(step: s, complete: event.minutes, firstEvent: i, completeEvent: i))
                }
            }
        }
        // Pair in order of completion.
        let done = visits.indices.filter { visits[$0].completeEvent != nil }
            .sorted { (visits[$0].completeEvent ?? 0) < (visits[$1].completeEvent ?? 0) }
        var claimed = [Bool](repeating: false, count: visits.count)
        for v in done {
            let from = visits[v]
            guard let complete = from.complete else { continue }
            let targets = graph.onward[from.step]
            if targets.isEmpty || targets.contains(where: { graph.isJoin[$0] }) { continue }
            if graph.kind[from.step] == .parallel {
                // Every path starts; nothing to measure, but their first visits are spoken for.
                for target in targets {
                    if let w = firstVisit(of: [target], after: v, claimed: claimed) { claimed[w] = true }
                }
                continue
            }
            // One way out for most steps; for a decision, the first of its branches reached.
            if let w = firstVisit(of: targets, after: v, claimed: claimed) {
                claimed[w] = true
                moves.append(ObservedMove(from: from.step, to: visits[w].step, gap: visits[w].arrivalTime(in: graph).map { $0 - complete }))
                continue
            }
            // Through decisions the log does not record (EPR extracts rarely do), one or several
            // in a row: a decision is instant, so the whole gap is before the first of them (a
            // test's result, say), and the branches taken are those that lead to the next
            // recorded step.
            let recorded = Set(visits.map(\.step))
            var parent: [Int: Int] = [:] // step reached through unrecorded decisions -> the decision before it
            var frontier = targets.filter { graph.kind[$0] == .decision && graph.instant[$0] && !recorded.contains($0) }
            for d in frontier { parent[d] = from.step }
            var reachable: [Int] = []
            var ambiguous: Set<Int> = [] // reached by more than one route of decisions: which branches is unknown
            var depth = 0
            while !frontier.isEmpty && depth < 8 {
                depth += 1
                var next: [Int] = []
                for d in frontier {
                    for t in graph.onward[d] {
                        // A step reached again (a repeat of this one, or by another route) keeps its first route.
                        if let p = parent[t], t != from.step || p != from.step {
                            if p != d {
                                ambiguous.insert(t)
                                // Every unrecorded decision on either route is unsure.
                                for var x in [p, d] {
                                    var steps = 0
                                    while x != from.step, graph.kind[x] == .decision, steps < 16 {
                                        unsure.insert(x)
                                        guard let up = parent[x] else { break }
                                        x = up
                                        steps += 1
                                    }
                                }
                            }
                            continue
                        }
                        parent[t] = d
                        if graph.kind[t] == .decision && graph.instant[t] && !recorded.contains(t) { next.append(t) } else { reachable.append(t) }
                    }
                }
                frontier = next
            }
            guard !reachable.isEmpty, let w = firstVisit(of: reachable, after: v, claimed: claimed) else { continue }
            claimed[w] = true
            guard !ambiguous.contains(visits[w].step) else { continue }
            var chain = [visits[w].step]
            while let p = parent[chain[0]], p != from.step { chain.insert(p, at: 0) }
            chain.insert(from.step, at: 0)
            // Into another organisation the gap is a result and a handoff together: not split.
            let crosses = Set(chain.map { graph.organisation[$0] ?? "" }).count > 1
            for k in 0..<(chain.count - 1) {
                let gap: Double? = crosses ? nil : (k == 0 ? visits[w].arrivalTime(in: graph).map { $0 - complete } : 0)
                moves.append(ObservedMove(from: chain[k], to: chain[k + 1], gap: gap))
            }
        }
    }

    /// The earliest visit not yet claimed of one of `targets` that begins after visit `v`'s
    /// completion: after its event, or at the same minute from another file read in another
    /// order (a handoff without delay between two organisations' extracts).
    private func firstVisit(of targets: [Int], after v: Int, claimed: [Bool]) -> Int? {
        guard let after = visits[v].completeEvent, let complete = visits[v].complete else { return nil }
        var best: Int?
        for w in visits.indices where w != v && !claimed[w] && targets.contains(visits[w].step)
            && (visits[w].firstEvent > after || (visits[w].entered == complete && visits[w].firstEvent > visits[v].firstEvent)) {
            if best.map({ visits[w].firstEvent < visits[$0].firstEvent }) ?? true { best = w }
        }
        return best
    }
}

/// The pathway's steps as indices, for rebuilding journeys quickly.
struct CalibrationGraph: Sendable {
    /// Steps each step can lead to directly (decision branches, parallel paths, `next`).
    var onward: [[Int]]
    /// Whether each step is the join of a parallel step with two or more paths.
    var isJoin: [Bool]
    var kind: [StepKind]
    /// Whether a patient can wait at the step before its work starts (a resource or a meeting cycle).
    var queues: [Bool]
    /// Whether the step has no work at all (logged by its completion alone).
    var instant: [Bool]
    /// Each step's organisation (a step that names none takes the one before it).
    var organisation: [String?]

    init(_ pathway: Pathway) {
        let index = pathway.stepIndex
        onward = pathway.steps.map { step in
            var seen: Set<Int> = []
            return step.successors.compactMap { index[$0] }.filter { seen.insert($0).inserted }
        }
        isJoin = [Bool](repeating: false, count: pathway.steps.count)
        for step in pathway.steps where step.kind == .parallel && step.paths.count > 1 {
            if let join = step.join, let j = index[join] { isJoin[j] = true }
        }
        kind = pathway.steps.map(\.kind)
        queues = pathway.steps.map { $0.resource != nil || $0.every != nil }
        instant = pathway.steps.map { $0.duration == nil && $0.resource == nil && $0.every == nil && $0.resultAfter == nil }
        let organisations = pathway.effectiveOrganisations
        organisation = pathway.steps.map { organisations[$0.id] }
    }
}
