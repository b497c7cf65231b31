import PathwayModel

/// Replays journeys on a `ReplayGraph`, one at a time, and accumulates what it finds.
///
/// A journey is a walk of *tokens* over the graph, as in token-based replay: one token at the
/// start, one per path inside a parallel block. Each recorded step (an event that opens a new
/// visit) moves the token that reaches it most cheaply: through steps that may be silent at no
/// cost, through steps the log should have recorded at a cost of one skipped step each. Events
/// of a visit already open (a start after an arrival, a completion after a start) join it.
///
/// Every buffer is allocated once, sized by the pathway, and reused for every journey, so the
/// replay of a journey allocates nothing unless it deviates (a deviation's key is counted in a
/// dictionary) and its time is linear in its events.
struct JourneyReplay {
    let g: ReplayGraph
    /// The step each activity of the log maps to (-1: none).
    let stepOfActivity: [Int32]
    /// Each log organisation as an index into `organisationIDs` (-1: the log does not say).
    let organisationOfLogOrganisation: [Int32]
    /// Pathway organisations, then the log's that match none, by id and by display name.
    let organisationIDs: [String]
    let organisationNames: [String]
    /// Per step and log lifecycle (`step * 3 + lifecycle`): the target clocks that start (stop)
    /// on that event, after falling back for lifecycles the log never records at that step.
    let clockStartsAt: [UInt64]
    let clockStopsAt: [UInt64]
    /// Per step: the lifecycles the log records there (bit 0 arrival, 1 start, 2 complete).
    let lifecycleMask: [UInt8]
    /// Per step: whether the log records it at all.
    let recorded: [Bool]
    /// The latest event time in the log: a clock still running then is judged against it.
    let logEnd: Double

    // MARK: Per-journey state (reused)

    struct Token {
        /// The step whose visit the token holds; for a fresh token, the step it came from.
        var at: Int32 = -1
        /// A fresh token (a parallel path not yet begun, or the journey not yet begun): the
        /// step it must enter first; -1 otherwise.
        var entry: Int32 = -1
        /// The innermost parallel block the token runs in (-1: the top level).
        var block: Int32 = -1
        /// The last lifecycle seen in the current visit (-1: none, for a fresh token).
        var last: Int8 = -1
        var live = true
        /// Times in the current visit: its arrival event, its latest event, its completion.
        var arrival = Double.nan
        var latest = Double.nan
        var completion = Double.nan
        /// The organisation of the current visit (-1: unknown), and whether the visit was
        /// recorded (a handoff is measured from a recorded visit only).
        var organisation: Int32 = -1
        var recordedVisit = false
        var organisationFlagged = false
    }

    /// A visit that no token holds: an unexpected or out-of-order step, or a step owed because
    /// a route passed it before the log recorded it.
    struct SideVisit {
        /// The step, or `-1 - activity` for an activity that maps to no step.
        var key: Int32
        var last: Int8
        var arrival: Double
        var owed: Bool
        var organisationFlagged: Bool
    }

    private var tokens: [Token]
    private var tokenData: [UInt64]
    private var forkData: [UInt64]
    private var everProduced: [UInt64]
    private var scratchData: [UInt64]
    private var side: [SideVisit] = []
    private var sideNext = 0
    private let sideCapacity = 32

    // Search.
    private var dist: [Int32]
    private var parent: [Int32]
    private var via: [UInt8]
    private var stamp: [UInt32]
    private var generation: UInt32 = 0
    private var heap: [(cost: Int32, node: Int32)] = []
    private var bestCost: Int32 = 0
    private var bestParent: Int32 = -1
    private var bestVia: UInt8 = 0
    private var chainBlocks: [Int32] = []
    private var chainCosts: [Int32] = []
    private var routeNodes: [Int32] = []
    private var routeVia: [UInt8] = []
    private var skippedScratch: [Int32] = []
    private var doneBlocks: [Int32] = []

    // Clocks.
    private var clocksStarted: UInt64 = 0
    private var clocksStopped: UInt64 = 0
    private var clockStart: [Double]

    // This journey's deviations and organisations.
    private var journeyKeys: [DeviationKey] = []
    private var journeyKinds: UInt8 = 0
    private var touched: [Bool]
    private var touchedList: [Int32] = []
    private var deviatedOrganisation: [Bool]
    private var currentCase = ""

    // MARK: Totals

    struct DeviationKey: Hashable {
        var kind: UInt8
        var step: Int32
        var other: Int32
        var organisation: Int32
    }

    struct DeviationTotal {
        var occurrences = 0
        var journeys = 0
        var examples: [String] = []
    }

    private(set) var deviations: [DeviationKey: DeviationTotal] = [:]
    private(set) var kindTotals = [DeviationTotal](repeating: DeviationTotal(), count: 5)
    private(set) var journeys = 0
    private(set) var fitting = 0
    private(set) var finished = 0
    private(set) var events = 0
    private(set) var organisationJourneys: [Int]
    private(set) var organisationFitting: [Int]
    private(set) var measured: [Int]
    private(set) var met: [Int]
    private(set) var runningLate: [Int]
    private(set) var runningOpen: [Int]
    private(set) var notStopped: [Int]
    private(set) var clockMinutes: [Double]
    /// Waits (start - arrival) per step, and handoff delays per organisation pair
    /// (`from * organisations + to`), in minutes.
    private(set) var waits: [[Double]]
    private(set) var handoffs: [Int: [Double]] = [:]

    /// Kinds, as stored in `DeviationKey.kind`.
    static let skipped: UInt8 = 0, unexpected: UInt8 = 1, outOfOrder: UInt8 = 2, otherOrganisation: UInt8 = 3, missingData: UInt8 = 4

    // Ways a route enters a step.
    private static let viaStep: UInt8 = 1, viaFork: UInt8 = 2, viaJump: UInt8 = 3, viaBarrier: UInt8 = 4, viaEnter: UInt8 = 5

    init(graph: ReplayGraph, log: EventLog, mapping: StepMapping) {
        g = graph
        let n = graph.stepCount
        stepOfActivity = log.activities.indices.map { a in
            guard a < mapping.step.count, let s = mapping.step[a], s >= 0, s < n else { return -1 }
            return Int32(s)
        }
        // Organisations: the pathway's, matched by id or name (ignoring case and spaces at the
        // ends), then the log's own that match none.
        var ids = graph.organisationIDs
        var names = graph.organisationNames
        func key(_ text: String) -> String { text.trimmingCharacters(in: .whitespaces).lowercased() }
        var known: [String: Int32] = [:]
        for (i, id) in ids.enumerated() where known[key(id)] == nil { known[key(id)] = Int32(i) }
        for (i, name) in names.enumerated() where known[key(name)] == nil { known[key(name)] = Int32(i) }
        organisationOfLogOrganisation = log.organisations.map { name in
            let k = key(name)
            if k.isEmpty { return -1 }
            if let i = known[k] { return i }
            known[k] = Int32(ids.count)
            ids.append(name)
            names.append(name)
            return Int32(ids.count - 1)
        }
        organisationIDs = ids
        organisationNames = names

        // Which lifecycles the log records at each step, for the clocks' fallbacks.
        var mask = [UInt8](repeating: 0, count: n)
        var end = -Double.infinity
        for c in log.cases {
            for e in c.events {
                let a = Int(e.activity)
                if a >= 0, a < stepOfActivity.count {
                    let s = stepOfActivity[a]
                    if s >= 0 { mask[Int(s)] |= 1 << e.lifecycle.rawValue }
                }
                if e.minutes > end { end = e.minutes }
            }
        }
        logEnd = end
        lifecycleMask = mask
        recorded = mask.map { $0 != 0 }
        var onAt = [UInt64](repeating: 0, count: n * 3)
        var offAt = [UInt64](repeating: 0, count: n * 3)
        for s in 0..<n where graph.hasWork[s] {
            for moment in 0..<3 {
                if let l = Self.fallback(moment, mask[s], forStart: true) { onAt[s * 3 + l] |= graph.clockStarts[s * 3 + moment] }
                if let l = Self.fallback(moment, mask[s], forStart: false) { offAt[s * 3 + l] |= graph.clockStops[s * 3 + moment] }
            }
        }
        clockStartsAt = onAt
        clockStopsAt = offAt

        // Buffers.
        var parallelPaths = 0
        for s in 0..<n where graph.joinOf[s] >= 0 { parallelPaths += graph.successorRange(Int32(s)).count }
        let maxTokens = 1 + parallelPaths
        tokens = []
        tokens.reserveCapacity(maxTokens + 1)
        let words = graph.dataWords
        tokenData = [UInt64](repeating: 0, count: (maxTokens + 1) * words)
        forkData = [UInt64](repeating: 0, count: n * words)
        everProduced = [UInt64](repeating: 0, count: words)
        scratchData = [UInt64](repeating: 0, count: words)
        side.reserveCapacity(sideCapacity)
        dist = [Int32](repeating: 0, count: n)
        parent = [Int32](repeating: -1, count: n)
        via = [UInt8](repeating: 0, count: n)
        stamp = [UInt32](repeating: 0, count: n)
        heap.reserveCapacity(graph.successors.count + n + 4)
        routeNodes.reserveCapacity(n + 2)
        routeVia.reserveCapacity(n + 2)
        skippedScratch.reserveCapacity(n)
        let targetCount = graph.targets.count
        clockStart = [Double](repeating: 0, count: max(1, targetCount))
        touched = [Bool](repeating: false, count: ids.count)
        deviatedOrganisation = [Bool](repeating: false, count: ids.count)
        organisationJourneys = [Int](repeating: 0, count: ids.count)
        organisationFitting = [Int](repeating: 0, count: ids.count)
        measured = [Int](repeating: 0, count: targetCount)
        met = measured
        runningLate = measured
        runningOpen = measured
        notStopped = measured
        clockMinutes = [Double](repeating: 0, count: targetCount)
        waits = [[Double]](repeating: [], count: n)
    }

    /// The lifecycle that stands for `moment` at a step whose log records the lifecycles in
    /// `mask`: the moment itself when recorded, else the nearest one that can only lengthen the
    /// clock (an earlier one for a clock's start, a later one for its stop), else the nearest
    /// other. Nil when the step is never recorded.
    static func fallback(_ moment: Int, _ mask: UInt8, forStart: Bool) -> Int? {
        let order: [Int]
        switch (moment, forStart) {
        case (0, true): order = [0, 1, 2]
        case (1, true): order = [1, 0, 2]
        case (2, true): order = [2, 1, 0]
        case (0, false): order = [0, 1, 2]
        case (1, false): order = [1, 2, 0]
        default: order = [2, 1, 0]
        }
        return order.first { mask & (1 << UInt8($0)) != 0 }
    }

    // MARK: - One journey

    /// Replays one case and adds what it finds to the totals.
    /// Each journey's verdict (id, fits, finished, kinds bitmask), when `recordsJourneys`.
    var recordsJourneys = false
    private(set) var verdicts: [(id: String, fits: Bool, finished: Bool, kinds: UInt8)] = []

    mutating func replay(_ journey: LogCase) {
        begin(journey.id)
        let evs = journey.events
        events += evs.count
        // A patient of a waiting list at the start of the log (carepath's backlog): the clocks
        // that started before their first recorded step run from `waiting_since`.
        if let text = journey.attributes["waiting_since"], let since = TimestampParser.minutes(text),
           let first = evs.first, Int(first.activity) < stepOfActivity.count {
            let s = stepOfActivity[Int(first.activity)]
            if s >= 0 { fire(g.clocksBefore[Int(s)], 0, at: since) }
        }
        var i = 0
        while i < evs.count {
            // Events at the same moment may be listed in any order (files joined, a clock's
            // resolution): take first the one that fits best; on their own, one by one.
            var j = i + 1
            while j < evs.count && evs[j].minutes == evs[i].minutes && j - i < 16 { j += 1 }
            if j - i == 1 {
                handle(evs, i)
            } else {
                handleGroup(evs, i, j)
            }
            i = j
        }
        end()
    }

    private mutating func begin(_ id: String) {
        currentCase = id
        tokens.removeAll(keepingCapacity: true)
        for k in tokenData.indices { tokenData[k] = 0 }
        for k in everProduced.indices { everProduced[k] = 0 }
        if g.start >= 0 {
            tokens.append(Token(at: -1, entry: g.start, block: g.blockOf[Int(g.start)], last: -1))
        }
        side.removeAll(keepingCapacity: true)
        sideNext = 0
        clocksStarted = 0
        clocksStopped = 0
        journeyKeys.removeAll(keepingCapacity: true)
        journeyKinds = 0
        for o in touchedList { touched[Int(o)] = false; deviatedOrganisation[Int(o)] = false }
        touchedList.removeAll(keepingCapacity: true)
    }

    private mutating func end() {
        journeys += 1
        // Finished: no token left (each reached an end), or nothing but steps that may be
        // silent between the last recorded step and an end.
        var done = tokens.allSatisfy { !$0.live }
        if !done, let first = tokens.firstIndex(where: { $0.live }) {
            done = search(token: first, target: -2) == 0
        }
        if done { finished += 1 }
        if recordsJourneys { verdicts.append((currentCase, journeyKeys.isEmpty, done, journeyKinds)) }
        var running = clocksStarted & ~clocksStopped
        while running != 0 {
            let k = running.trailingZeroBitCount
            running &= running - 1
            if done {
                notStopped[k] += 1
            } else if logEnd - clockStart[k] > g.targets[k].within.minutes {
                runningLate[k] += 1
            } else {
                runningOpen[k] += 1
            }
        }
        if journeyKeys.isEmpty { fitting += 1 }
        for o in touchedList {
            organisationJourneys[Int(o)] += 1
            if !deviatedOrganisation[Int(o)] { organisationFitting[Int(o)] += 1 }
        }
        var kinds = journeyKinds
        while kinds != 0 {
            let k = kinds.trailingZeroBitCount
            kinds &= kinds - 1
            kindTotals[k].journeys += 1
            if kindTotals[k].examples.count < 3 { kindTotals[k].examples.append(currentCase) }
        }
    }

    // MARK: - Events

    /// What an event would do now: 0 join an open visit, 1 a route with nothing skipped
    /// (`length` steps long), 2 join a side visit, 3 anything else.
    private mutating func plan(_ e: LogEvent) -> (kind: Int, length: Int) {
        let s = step(of: e)
        let l = Int8(e.lifecycle.rawValue)
        if s < 0 { return (sideIndex(key: -1 - e.activity, lifecycle: l) != nil ? 2 : 3, 0) }
        let call = g.kinds[Int(s)] == .subpathway
        if tokens.contains(where: { $0.live && $0.entry < 0 && $0.at == s && ($0.last < l || call) }) { return (0, 0) }
        for t in tokens.indices where tokens[t].live {
            if search(token: t, target: s) == 0 { return (1, routeLength(token: t, target: s)) }
        }
        return (sideIndex(key: s, lifecycle: l) != nil ? 2 : 3, 0)
    }

    private mutating func handleGroup(_ evs: [LogEvent], _ from: Int, _ to: Int) {
        var done: UInt16 = 0
        let count = to - from
        for _ in 0..<count {
            var best = -1
            var bestRank = (Int.max, Int.max, Int.max)
            for k in 0..<count where done & (1 << UInt16(k)) == 0 {
                let p = plan(evs[from + k])
                guard p.kind <= 2 else { continue }
                let rank = (p.kind == 2 ? 1_000_000 : p.length, Int(evs[from + k].lifecycle.rawValue), k)
                if rank < bestRank { bestRank = rank; best = k }
            }
            if best < 0 {
                for k in 0..<count where done & (1 << UInt16(k)) == 0 { best = k; break }
            }
            guard best >= 0 else { break }
            done |= 1 << UInt16(best)
            handle(evs, from + best)
        }
    }

    @inline(__always)
    private func step(of e: LogEvent) -> Int32 {
        let a = Int(e.activity)
        return a >= 0 && a < stepOfActivity.count ? stepOfActivity[a] : -1
    }

    @inline(__always)
    private func organisation(of e: LogEvent) -> Int32 {
        let o = Int(e.organisation)
        return o >= 0 && o < organisationOfLogOrganisation.count ? organisationOfLogOrganisation[o] : -1
    }

    private mutating func handle(_ evs: [LogEvent], _ i: Int) {
        let e = evs[i]
        let s = step(of: e)
        let l = Int8(e.lifecycle.rawValue)
        let t = e.minutes
        let org = organisation(of: e)
        touch(org >= 0 ? org : (s >= 0 ? g.organisation[Int(s)] : -1))

        if s < 0 {
            let key = -1 - e.activity
            if let k = sideIndex(key: key, lifecycle: l) {
                side[k].last = l
                return
            }
            deviation(Self.unexpected, step: -1, other: e.activity, organisation: org)
            addSide(SideVisit(key: key, last: l, arrival: .nan, owed: false, organisationFlagged: true))
            return
        }

        // 1. A later moment of a visit a token holds (any event inside a subpathway call).
        let call = g.kinds[Int(s)] == .subpathway
        for k in tokens.indices where tokens[k].live && tokens[k].entry < 0 && tokens[k].at == s && (tokens[k].last < l || call) {
            attach(k, s, l, t, org)
            return
        }
        // 2. The cheapest route from any token.
        var best = -1
        var cheapest = ReplayGraph.unreachable
        for k in tokens.indices where tokens[k].live {
            let c = search(token: k, target: s)
            if c < cheapest { cheapest = c; best = k }
            if c == 0 { break }
        }
        if cheapest == 0 {
            move(best, to: s, l, t, org, eventIndex: i, in: evs)
            return
        }
        // 3. A later moment of a side visit, or an owed step recorded at last.
        if let k = sideIndex(key: s, lifecycle: l) {
            if side[k].last < 0 { side[k].arrival = l == 0 ? t : .nan }
            if l == 1, side[k].last == 0, !side[k].arrival.isNaN { waits[Int(s)].append(t - side[k].arrival) }
            side[k].last = l
            if checkOrganisation(s, org, flagged: side[k].organisationFlagged) { side[k].organisationFlagged = true }
            return
        }
        // 4. A route that skips steps.
        if best >= 0 {
            _ = search(token: best, target: s)
            move(best, to: s, l, t, org, eventIndex: i, in: evs)
            return
        }
        // 5. No way forward: a step the pathway puts earlier, or one that cannot come next.
        let flagged = checkOrganisation(s, org, flagged: false)
        let here = tokens.first { $0.live && $0.entry < 0 }?.at ?? -1
        if here >= 0 && here != s && reaches(from: s, to: here) {
            deviation(Self.outOfOrder, step: s, other: here, organisation: org >= 0 ? org : g.organisation[Int(s)])
        } else {
            deviation(Self.unexpected, step: s, other: -1, organisation: org >= 0 ? org : g.organisation[Int(s)])
        }
        addSide(SideVisit(key: s, last: l, arrival: l == 0 ? t : .nan, owed: false, organisationFlagged: flagged))
    }

    /// A later event of the visit token `k` holds.
    private mutating func attach(_ k: Int, _ s: Int32, _ l: Int8, _ t: Double, _ org: Int32) {
        if g.kinds[Int(s)] == .subpathway {
            // The subpathway's own steps: their order and organisations are its own business.
            tokens[k].latest = t
            if l == 2 { tokens[k].completion = t }
            return
        }
        if l == 1, tokens[k].last == 0, !tokens[k].arrival.isNaN { waits[Int(s)].append(t - tokens[k].arrival) }
        let previous = tokens[k].last
        tokens[k].last = l
        tokens[k].latest = t
        if l == 2 { tokens[k].completion = t }
        if org >= 0 && tokens[k].organisation < 0 { tokens[k].organisation = org }
        if checkOrganisation(s, org, flagged: tokens[k].organisationFlagged) { tokens[k].organisationFlagged = true }
        if g.hasWork[Int(s)] { fireRecorded(s, after: previous, through: l, at: t) }
    }

    /// The clocks of step `s` on the lifecycles after `previous` up to `l`, all at `t`: a
    /// moment of the visit the log skipped counts as reached with the next one recorded.
    @inline(__always)
    private mutating func fireRecorded(_ s: Int32, after previous: Int8, through l: Int8, at t: Double) {
        var m = Int(previous) + 1
        while m <= Int(l) {
            fire(clockStartsAt[Int(s) * 3 + m], clockStopsAt[Int(s) * 3 + m], at: t)
            m += 1
        }
    }

    // MARK: - Moving a token

    /// Moves token `k` along the route the last search found to step `s`, which the event opens
    /// a visit of; counts the steps it skips.
    private mutating func move(_ k: Int, to s: Int32, _ l: Int8, _ t: Double, _ org: Int32, eventIndex: Int, in evs: [LogEvent]) {
        buildRoute(token: k, target: s)
        skippedScratch.removeAll(keepingCapacity: true)
        let words = g.dataWords
        let base = k * words
        var previous = tokens[k].entry >= 0 ? Int32(-1) : tokens[k].at
        var throughJoin = false
        for r in 0..<routeNodes.count {
            let w = routeNodes[r]
            let how = routeVia[r]
            switch how {
            case Self.viaFork:
                // `previous` is the parallel step: start its other paths as fresh tokens.
                let p = previous
                for m in 0..<words { forkData[Int(p) * words + m] = tokenData[base + m] }
                for m in g.successorRange(p) where g.successors[m] != w {
                    let first = g.successors[m]
                    var fresh = tokens[k]
                    fresh.at = p
                    fresh.entry = first
                    fresh.block = g.blockOf[Int(first)]
                    fresh.last = -1
                    fresh.live = true
                    tokens.append(fresh)
                    let fb = (tokens.count - 1) * words
                    if fb + words > tokenData.count { tokenData += [UInt64](repeating: 0, count: fb + words - tokenData.count) }
                    for m2 in 0..<words { tokenData[fb + m2] = tokenData[base + m2] }
                }
            case Self.viaJump:
                g.skippedBlock(previous, into: &skippedScratch)
            case Self.viaBarrier:
                throughJoin = true
                finishBlock(g.blockOf[Int(previous)], except: k)
                filter(from: previous, to: w, base: base)
            default:
                if previous >= 0 { filter(from: previous, to: w, base: base) }
            }
            if r == routeNodes.count - 1 { break }
            // A step passed on the way.
            if g.cost[Int(w)] > 0 {
                skippedScratch.append(w)
            } else {
                produce(w, base: base)
                for moment in 0..<3 { fire(g.clockStarts[Int(w) * 3 + moment], g.clockStops[Int(w) * 3 + moment], at: t) }
            }
            previous = w
        }
        // Steps skipped, or recorded later (then out of order, and owed).
        for q in 0..<skippedScratch.count {
            let x = skippedScratch[q]
            if appearsLater(x, after: eventIndex, in: evs) {
                deviation(Self.outOfOrder, step: x, other: s, organisation: org >= 0 ? org : g.organisation[Int(s)])
                addSide(SideVisit(key: x, last: -1, arrival: .nan, owed: true, organisationFlagged: false))
            } else {
                deviation(Self.skipped, step: x, other: -1, organisation: g.organisation[Int(x)])
            }
        }
        // The new visit.
        let visitOrganisation = org >= 0 ? org : g.organisation[Int(s)]
        if !throughJoin, tokens[k].recordedVisit, tokens[k].organisation >= 0, visitOrganisation >= 0,
           tokens[k].organisation != visitOrganisation {
            let left = tokens[k].completion.isNaN ? tokens[k].latest : tokens[k].completion
            if !left.isNaN {
                handoffs[Int(tokens[k].organisation) * organisationIDs.count + Int(visitOrganisation), default: []].append(t - left)
            }
        }
        for item in g.requires[Int(s)] {
            let w = Int(item) / 64, bit = UInt64(1) << UInt64(Int(item) % 64)
            if tokenData[base + w] & bit == 0 {
                let produced = everProduced[w] & bit != 0
                deviation(Self.missingData, step: s, other: item * 2 + (produced ? 1 : 0), organisation: visitOrganisation)
            }
        }
        produce(s, base: base)
        tokens[k].at = s
        tokens[k].entry = -1
        tokens[k].block = g.blockOf[Int(s)]
        tokens[k].last = l
        tokens[k].arrival = l == 0 ? t : .nan
        tokens[k].latest = t
        tokens[k].completion = l == 2 ? t : .nan
        tokens[k].organisation = visitOrganisation
        tokens[k].recordedVisit = true
        tokens[k].organisationFlagged = false
        if checkOrganisation(s, org, flagged: tokens[k].organisationFlagged) { tokens[k].organisationFlagged = true }
        if g.hasWork[Int(s)] {
            fireRecorded(s, after: -1, through: l, at: t)
        } else {
            for moment in 0..<3 { fire(g.clockStarts[Int(s) * 3 + moment], g.clockStops[Int(s) * 3 + moment], at: t) }
        }
        if g.kinds[Int(s)] == .end { tokens[k].live = false }
        compactTokens()
    }

    /// Data crossing from step `a` to step `b`: a handoff with a `sends` list keeps only those.
    @inline(__always)
    private mutating func filter(from a: Int32, to b: Int32, base: Int) {
        guard a >= 0, !g.sendsAll[Int(a)] else { return }
        let oa = g.organisation[Int(a)], ob = g.organisation[Int(b)]
        guard oa >= 0, ob >= 0, oa != ob else { return }
        let words = g.dataWords
        for m in 0..<words { tokenData[base + m] &= g.sends[Int(a) * words + m] }
    }

    @inline(__always)
    private mutating func produce(_ s: Int32, base: Int) {
        let words = g.dataWords
        for m in 0..<words {
            let made = g.produces[Int(s) * words + m]
            tokenData[base + m] |= made
            everProduced[m] |= made
        }
    }

    /// Every other token inside block `b` stops where it is: the block's join is passed. The
    /// steps each would still have had to do are skipped; what each carried reaches the join.
    private mutating func finishBlock(_ b: Int32, except k: Int) {
        guard b >= 0 else { return }
        let words = g.dataWords
        let base = k * words
        doneBlocks.removeAll(keepingCapacity: true)
        for o in tokens.indices where o != k && tokens[o].live && g.isWithin(tokens[o].block, b) {
            var blk = tokens[o].block
            if tokens[o].entry >= 0 {
                let e = tokens[o].entry
                if g.joinOf[Int(e)] >= 0 {
                    g.skippedBlock(e, into: &skippedScratch)
                    let j = g.joinOf[Int(e)]
                    if j != g.joinOf[Int(blk)] {
                        if g.cost[Int(j)] > 0 { skippedScratch.append(j) }
                        g.skippedToJoin(from: j, into: &skippedScratch)
                    }
                } else {
                    if g.cost[Int(e)] > 0 { skippedScratch.append(e) }
                    g.skippedToJoin(from: e, into: &skippedScratch)
                }
            } else {
                g.skippedToJoin(from: tokens[o].at, into: &skippedScratch)
            }
            // Up through nested blocks, each once.
            var guardCount = 0
            while blk >= 0 && blk != b && guardCount <= g.stepCount {
                guardCount += 1
                if doneBlocks.contains(blk) { break }
                doneBlocks.append(blk)
                let j = g.joinOf[Int(blk)]
                if g.cost[Int(j)] > 0 { skippedScratch.append(j) }
                g.skippedToJoin(from: j, into: &skippedScratch)
                blk = g.blockOf[Int(j)]
            }
            for m in 0..<words { tokenData[base + m] |= tokenData[o * words + m] }
            tokens[o].live = false
        }
        for m in 0..<words { tokenData[base + m] |= forkData[Int(b) * words + m] }
    }

    private mutating func compactTokens() {
        guard tokens.contains(where: { !$0.live }) else { return }
        let words = g.dataWords
        var w = 0
        for r in tokens.indices where tokens[r].live {
            if r != w {
                tokens[w] = tokens[r]
                for m in 0..<words { tokenData[w * words + m] = tokenData[r * words + m] }
            }
            w += 1
        }
        tokens.removeLast(tokens.count - w)
    }

    /// Whether step `x` is recorded later in the journey (looking a few thousand events ahead).
    private func appearsLater(_ x: Int32, after i: Int, in evs: [LogEvent]) -> Bool {
        var j = i + 1
        let limit = min(evs.count, i + 4097)
        while j < limit {
            if step(of: evs[j]) == x { return true }
            j += 1
        }
        return false
    }

    /// Whether step `to` can be reached from step `from` by any route.
    private mutating func reaches(from: Int32, to: Int32) -> Bool {
        nextGeneration()
        heap.removeAll(keepingCapacity: true)
        heap.append((0, from))
        stamp[Int(from)] = generation
        while let (_, u) = heap.popLast() {
            if u == to { return true }
            for m in g.successorRange(u) {
                let w = g.successors[m]
                if stamp[Int(w)] != generation { stamp[Int(w)] = generation; heap.append((0, w)) }
            }
            let j = g.joinOf[Int(u)]
            if j >= 0 && stamp[Int(j)] != generation { stamp[Int(j)] = generation; heap.append((0, j)) }
        }
        return false
    }

    // MARK: - Side visits

    private func sideIndex(key: Int32, lifecycle l: Int8) -> Int? {
        for k in side.indices where side[k].key == key && side[k].last < l { return k }
        return nil
    }

    private mutating func addSide(_ visit: SideVisit) {
        if side.count < sideCapacity {
            side.append(visit)
        } else {
            side[sideNext] = visit
            sideNext = (sideNext + 1) % sideCapacity
        }
    }

    // MARK: - Organisations, clocks, deviations

    @inline(__always)
    private mutating func touch(_ o: Int32) {
        guard o >= 0, !touched[Int(o)] else { return }
        touched[Int(o)] = true
        touchedList.append(o)
    }

    /// Counts a step done by another organisation than the pathway says, once per visit
    /// (`flagged`: already counted); returns whether it counted one now.
    private mutating func checkOrganisation(_ s: Int32, _ org: Int32, flagged: Bool) -> Bool {
        let expected = g.organisation[Int(s)]
        guard !flagged, g.kinds[Int(s)] != .subpathway, org >= 0, expected >= 0, org != expected else { return false }
        deviation(Self.otherOrganisation, step: s, other: expected, organisation: org)
        return true
    }

    private mutating func fire(_ starts: UInt64, _ stops: UInt64, at t: Double) {
        var s = starts & ~clocksStarted
        clocksStarted |= s
        while s != 0 {
            let k = s.trailingZeroBitCount
            s &= s - 1
            clockStart[k] = t
        }
        var p = stops & clocksStarted & ~clocksStopped
        clocksStopped |= p
        while p != 0 {
            let k = p.trailingZeroBitCount
            p &= p - 1
            let elapsed = t - clockStart[k]
            measured[k] += 1
            clockMinutes[k] += elapsed
            if elapsed <= g.targets[k].within.minutes { met[k] += 1 }
        }
    }

    private mutating func deviation(_ kind: UInt8, step: Int32, other: Int32, organisation: Int32) {
        let key = DeviationKey(kind: kind, step: step, other: other, organisation: organisation)
        var total = deviations[key] ?? DeviationTotal()
        total.occurrences += 1
        if !journeyKeys.contains(key) {
            journeyKeys.append(key)
            total.journeys += 1
            if total.examples.count < 3 { total.examples.append(currentCase) }
        }
        deviations[key] = total
        kindTotals[Int(kind)].occurrences += 1
        journeyKinds |= 1 << kind
        if organisation >= 0 {
            touch(organisation)
            deviatedOrganisation[Int(organisation)] = true
        }
    }

    // MARK: - Search

    @inline(__always)
    private mutating func nextGeneration() {
        generation &+= 1
        if generation == 0 {
            for k in stamp.indices { stamp[k] = 0 }
            generation = 1
        }
    }

    /// The fewest observable steps token `k` must skip to open a visit of step `target` (-2:
    /// to reach any end step), or `ReplayGraph.unreachable`. Leaves the route in the search
    /// buffers for `buildRoute`.
    private mutating func search(token k: Int, target: Int32) -> Int32 {
        nextGeneration()
        heap.removeAll(keepingCapacity: true)
        bestCost = ReplayGraph.unreachable
        bestParent = -1
        bestVia = 0
        prepareChain(k)
        let token = tokens[k]
        if token.entry >= 0 {
            relax(from: -1, cost: 0, to: token.entry, how: Self.viaEnter, target: target)
        } else if token.at >= 0 {
            stamp[Int(token.at)] = generation
            dist[Int(token.at)] = 0
            parent[Int(token.at)] = -1
            via[Int(token.at)] = 0
            push(0, token.at)
        }
        while let (d, u) = pop() {
            if d >= bestCost { break }
            if stamp[Int(u)] != generation || d > dist[Int(u)] { continue }
            expand(u, d, target: target)
        }
        return bestCost
    }

    private mutating func expand(_ u: Int32, _ d: Int32, target: Int32) {
        let join = g.joinOf[Int(u)]
        if join >= 0 {
            let k = target >= 0 ? g.path(of: u, holding: target) : -1
            let range = g.successorRange(u)
            if k >= 0 && Int(k) < range.count {
                relax(from: u, cost: d, to: g.successors[range.lowerBound + Int(k)], how: Self.viaFork, target: target)
            }
            // Or skip the whole block to its join.
            let total = min(ReplayGraph.unreachable, d + g.blockCost[Int(u)])
            if isTarget(join, target) {
                if total < bestCost { bestCost = total; bestParent = u; bestVia = Self.viaJump }
            } else {
                settle(join, min(ReplayGraph.unreachable, total + g.cost[Int(join)]), parent: u, how: Self.viaJump)
            }
            return
        }
        if g.kinds[Int(u)] == .end { return }
        for m in g.successorRange(u) {
            relax(from: u, cost: d, to: g.successors[m], how: Self.viaStep, target: target)
        }
    }

    @inline(__always)
    private func isTarget(_ w: Int32, _ target: Int32) -> Bool {
        target >= 0 ? w == target : (target == -2 && g.kinds[Int(w)] == .end)
    }

    @inline(__always)
    private mutating func relax(from u: Int32, cost d: Int32, to w: Int32, how: UInt8, target: Int32) {
        var extra: Int32 = 0
        var way = how
        if u >= 0 {
            let b = g.blockOf[Int(u)]
            if b >= 0 && g.joinOf[Int(b)] == w {
                // Leaving a block through its join: only a block this token runs in, and every
                // other path in it must end there too.
                guard let c = chainCost(b) else { return }
                extra = c
                way = Self.viaBarrier
            }
        }
        let total = min(ReplayGraph.unreachable, d + extra)
        if isTarget(w, target) {
            if total < bestCost { bestCost = total; bestParent = u; bestVia = way }
            return
        }
        settle(w, min(ReplayGraph.unreachable, total + g.cost[Int(w)]), parent: u, how: way)
    }

    @inline(__always)
    private mutating func settle(_ w: Int32, _ cost: Int32, parent u: Int32, how: UInt8) {
        if stamp[Int(w)] != generation || cost < dist[Int(w)] {
            stamp[Int(w)] = generation
            dist[Int(w)] = cost
            parent[Int(w)] = u
            via[Int(w)] = how
            push(cost, w)
        }
    }

    /// The blocks token `k` runs in, innermost first, each with what it costs to finish the
    /// other tokens inside it (those not already inside the block before it in the chain).
    private mutating func prepareChain(_ k: Int) {
        chainBlocks.removeAll(keepingCapacity: true)
        chainCosts.removeAll(keepingCapacity: true)
        var b = tokens[k].block
        var guardCount = 0
        while b >= 0 && guardCount <= g.stepCount {
            guardCount += 1
            var c: Int32 = 0
            let inner = chainBlocks.last ?? -1
            for o in tokens.indices where o != k && tokens[o].live && g.isWithin(tokens[o].block, b)
                && !(inner >= 0 && g.isWithin(tokens[o].block, inner)) {
                c = min(ReplayGraph.unreachable, c + exitCost(o, b))
            }
            chainBlocks.append(b)
            chainCosts.append(c)
            b = g.blockOf[Int(b)]
        }
    }

    @inline(__always)
    private func chainCost(_ b: Int32) -> Int32? {
        for i in chainBlocks.indices where chainBlocks[i] == b { return chainCosts[i] }
        return nil
    }

    /// The fewest observable steps token `o` must still do to reach the join of block `b`.
    private func exitCost(_ o: Int, _ b: Int32) -> Int32 {
        let token = tokens[o]
        var blk = token.block
        var c: Int32
        if token.entry >= 0 {
            let e = token.entry
            if g.joinOf[Int(e)] >= 0 {
                let j = g.joinOf[Int(e)]
                c = g.blockCost[Int(e)] + (blk >= 0 && j == g.joinOf[Int(blk)] ? 0 : g.cost[Int(j)] + g.costToJoin[Int(j)])
            } else {
                c = g.cost[Int(e)] + g.costToJoin[Int(e)]
            }
        } else {
            c = g.costToJoin[Int(token.at)]
        }
        var guardCount = 0
        while blk >= 0 && blk != b && guardCount <= g.stepCount {
            guardCount += 1
            let j = g.joinOf[Int(blk)]
            c = min(ReplayGraph.unreachable, c + g.cost[Int(j)] + g.costToJoin[Int(j)])
            blk = g.blockOf[Int(j)]
        }
        return min(ReplayGraph.unreachable, c)
    }

    /// The route of the last search, from the token's step (not included) to `target`.
    private mutating func buildRoute(token k: Int, target: Int32) {
        routeNodes.removeAll(keepingCapacity: true)
        routeVia.removeAll(keepingCapacity: true)
        routeNodes.append(target)
        routeVia.append(bestVia)
        let fresh = tokens[k].entry >= 0
        var p = bestParent
        var guardCount = 0
        while p >= 0 && guardCount <= g.stepCount + 1 {
            guardCount += 1
            if !fresh && p == tokens[k].at && parent[Int(p)] < 0 { break }
            routeNodes.append(p)
            routeVia.append(via[Int(p)])
            if parent[Int(p)] < 0 { break }
            p = parent[Int(p)]
        }
        routeNodes.reverse()
        routeVia.reverse()
    }

    private mutating func routeLength(token k: Int, target: Int32) -> Int {
        buildRoute(token: k, target: target)
        return routeNodes.count
    }

    // A binary heap on (cost, node), in the reused buffer.
    @inline(__always)
    private mutating func push(_ cost: Int32, _ node: Int32) {
        heap.append((cost, node))
        var i = heap.count - 1
        while i > 0 {
            let up = (i - 1) / 2
            if heap[up].cost <= heap[i].cost { break }
            heap.swapAt(up, i)
            i = up
        }
    }

    @inline(__always)
    private mutating func pop() -> (Int32, Int32)? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && heap[l].cost < heap[m].cost { m = l }
                if r < heap.count && heap[r].cost < heap[m].cost { m = r }
                if m == i { break }
                heap.swapAt(m, i)
                i = m
            }
        }
        return (top.cost, top.node)
    }
}
