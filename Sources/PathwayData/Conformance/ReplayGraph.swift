import PathwayModel

/// The pathway's step graph flattened for replay: integer-indexed successors, which steps the
/// log may leave out, the parallel blocks with the cheapest way through each, organisations,
/// data items and target clocks. Built once per pathway; every journey reads it.
///
/// Costs count *observable* steps (those a log should record) that a route passes without the
/// log recording them: a skipped step costs 1, a step that may be silent costs 0.
struct ReplayGraph: Sendable {
    /// The largest cost, standing for "no way".
    static let unreachable = Int32.max / 4

    let stepCount: Int
    let ids: [String]
    let titles: [String]
    let kinds: [StepKind]
    /// Whether a log may leave the step out without it counting as skipped.
    let silent: [Bool]
    /// Whether the step has work (a duration, resource, result wait or sittings): its arrival,
    /// start and completion are different moments. Without work they are one moment.
    let hasWork: [Bool]
    /// 1 for a step the log should record, 0 for one it may leave out.
    let cost: [Int32]

    /// Successors of step `s`: `successors[successorStart[s]..<successorStart[s + 1]]`. For a
    /// parallel step these are its paths' first steps, in order.
    let successorStart: [Int32]
    let successors: [Int32]
    /// The pathway's start step, or -1 when it is not a step.
    let start: Int32

    /// Parallel steps: their join (-1 for other steps).
    let joinOf: [Int32]
    /// The innermost parallel step whose paths contain the step (-1 at the top level), and the
    /// index of that path. A join belongs to the block around its parallel step.
    let blockOf: [Int32]
    let pathOf: [Int32]
    /// For a step inside a block: the fewest observable steps from having done it to reaching
    /// the block's join (not counting the join), and the next step on such a route.
    let costToJoin: [Int32]
    let nextToJoin: [Int32]
    /// For a parallel step: the fewest observable steps on all its paths together (the cost of
    /// skipping the whole block, up to but not including the join).
    let blockCost: [Int32]

    /// Each step's organisation after inheritance, as an index into `organisationIDs` (-1: none).
    let organisation: [Int32]
    let organisationIDs: [String]
    let organisationNames: [String]

    /// Data items by number; per step, what it requires and produces, and what its handoff
    /// sends (nil: everything travels), as bit sets of `dataWords` words.
    let dataNames: [String]
    let dataWords: Int
    let requires: [[Int32]]
    let produces: [UInt64]
    let sends: [UInt64]
    let sendsAll: [Bool]

    /// Targets followed (at most 64, as the simulator).
    let targets: [Target]
    /// Per step and moment (`step * 3 + moment`, 0 arrival, 1 start, 2 completion): the targets
    /// whose clock starts (stops) then, as bits.
    let clockStarts: [UInt64]
    /// Per step: the targets whose `from` step leads to it (by any route) and is not it — the
    /// clocks already running for a backlog patient whose log starts at this step.
    let clocksBefore: [UInt64]
    let clockStops: [UInt64]

    /// Steps with no organisation of their own and no inherited one cannot be checked for the
    /// organisation; steps whose id is repeated keep the first.
    init(_ pathway: Pathway) {
        let steps = pathway.steps
        let n = steps.count
        stepCount = n
        var index: [String: Int32] = [:]
        for (i, step) in steps.enumerated() where index[step.id] == nil { index[step.id] = Int32(i) }
        ids = steps.map(\.id)
        titles = steps.map(\.displayName)
        var before = [UInt64](repeating: 0, count: n)
        for (k, target) in pathway.targets.prefix(64).enumerated() {
            guard let from = index[target.from] else { continue }
            var seen: Set<Int32> = [from]
            var work = [from]
            while let s = work.popLast() {
                for next in steps[Int(s)].onward {
                    guard let j = index[next], seen.insert(j).inserted else { continue }
                    before[Int(j)] |= UInt64(1) << UInt64(k)
                    work.append(j)
                }
            }
            // A loop back to the start step itself does not make its own clock "before" it.
            before[Int(from)] &= ~(UInt64(1) << UInt64(k))
        }
        clocksBefore = before
        kinds = steps.map(\.kind)
        start = index[pathway.start] ?? -1

        var work = [Bool](repeating: false, count: n)
        var silentSteps = [Bool](repeating: true, count: n)
        for (i, step) in steps.enumerated() {
            switch step.kind {
            case .referral, .assessment, .test, .treatment, .meeting, .wait:
                work[i] = step.duration != nil || step.resource != nil || step.resultAfter != nil
                    || (step.every.map { $0.minutes > 0 } ?? false)
            case .decision, .parallel, .end, .subpathway:
                work[i] = false
            }
            switch step.kind {
            case .referral, .assessment, .test, .treatment, .meeting: silentSteps[i] = !work[i]
            case .decision, .parallel, .end, .subpathway, .wait: silentSteps[i] = true
            }
        }
        hasWork = work
        silent = silentSteps
        cost = silentSteps.map { $0 ? 0 : 1 }

        var starts: [Int32] = [0]
        var flat: [Int32] = []
        var joins = [Int32](repeating: -1, count: n)
        for (i, step) in steps.enumerated() {
            for next in step.successors { if let j = index[next] { flat.append(j) } }
            starts.append(Int32(flat.count))
            if step.kind == .parallel, let join = step.join, let j = index[join] { joins[i] = j }
        }
        successorStart = starts
        successors = flat
        joinOf = joins

        // Blocks: walk each path of each parallel step to its join, jumping over nested blocks;
        // inner blocks are found from the paths of outer ones, so assign innermost last.
        var block = [Int32](repeating: -1, count: n)
        var path = [Int32](repeating: -1, count: n)
        var depth = [Int](repeating: 0, count: n)
        var members: [Int32: [Int32]] = [:]
        func walkPaths(of p: Int32) -> [[Int32]] {
            let join = joins[Int(p)]
            var result: [[Int32]] = []
            for k in Int(starts[Int(p)])..<Int(starts[Int(p) + 1]) {
                var seen = Set<Int32>()
                var stack = [flat[k]]
                var inPath: [Int32] = []
                while let s = stack.popLast() {
                    if s == join || s == p || !seen.insert(s).inserted { continue }
                    inPath.append(s)
                    if joins[Int(s)] >= 0 {
                        // A nested block: its own paths are its members; carry on after its join.
                        stack.append(joins[Int(s)])
                        continue
                    }
                    for m in Int(starts[Int(s)])..<Int(starts[Int(s) + 1]) { stack.append(flat[m]) }
                }
                result.append(inPath)
            }
            return result
        }
        // Depth of nesting by repeated passes: a parallel step inside another's path is deeper.
        let parallels = (0..<n).filter { steps[$0].kind == .parallel && joins[$0] >= 0 }.map { Int32($0) }
        var pathsOf: [Int32: [[Int32]]] = [:]
        for p in parallels { pathsOf[p] = walkPaths(of: p) }
        var parallelDepth: [Int32: Int] = [:]
        for p in parallels { parallelDepth[p] = 0 }
        var changed = true
        var rounds = 0
        while changed && rounds <= parallels.count {
            changed = false
            rounds += 1
            for p in parallels {
                for inPath in pathsOf[p] ?? [] {
                    for s in inPath where parallelDepth[s] != nil && (parallelDepth[s] ?? 0) < (parallelDepth[p] ?? 0) + 1 {
                        parallelDepth[s] = (parallelDepth[p] ?? 0) + 1
                        changed = true
                    }
                }
            }
        }
        // Assign from the outermost in, so the innermost block wins.
        for p in parallels.sorted(by: { (parallelDepth[$0] ?? 0, $0) < (parallelDepth[$1] ?? 0, $1) }) {
            for (k, inPath) in (pathsOf[p] ?? []).enumerated() {
                for s in inPath {
                    block[Int(s)] = p
                    path[Int(s)] = Int32(k)
                    depth[Int(s)] = (parallelDepth[p] ?? 0) + 1
                }
                members[p, default: []] += inPath
            }
        }
        // A join sits in the block around its parallel step.
        for p in parallels {
            let j = Int(joins[Int(p)])
            block[j] = block[Int(p)]
            path[j] = path[Int(p)]
        }
        blockOf = block
        pathOf = path

        // Cheapest routes to each block's join, innermost blocks first (an outer block's costs
        // use the inner ones' whole-block costs).
        let unreachable = ReplayGraph.unreachable
        var toJoin = [Int32](repeating: unreachable, count: n)
        var nextStep = [Int32](repeating: -1, count: n)
        var whole = [Int32](repeating: 0, count: n)
        let cost = self.cost
        for p in parallels.sorted(by: { (parallelDepth[$0] ?? 0) > (parallelDepth[$1] ?? 0) }) {
            let join = joins[Int(p)]
            let inside = members[p] ?? []
            // Cost of entering w and going on to the join from there.
            func enter(_ w: Int32, _ toJoin: [Int32]) -> Int32 {
                if w == join { return 0 }
                if joins[Int(w)] >= 0 {
                    let j = joins[Int(w)]
                    return min(unreachable, whole[Int(w)] + (j == join ? 0 : cost[Int(j)] + toJoin[Int(j)]))
                }
                return min(unreachable, cost[Int(w)] + toJoin[Int(w)])
            }
            var again = true
            var passes = 0
            while again && passes <= inside.count + 1 {
                again = false
                passes += 1
                for v in inside where joins[Int(v)] < 0 {
                    for m in Int(starts[Int(v)])..<Int(starts[Int(v) + 1]) {
                        let w = flat[m]
                        let c = enter(w, toJoin)
                        if c < toJoin[Int(v)] {
                            toJoin[Int(v)] = c
                            nextStep[Int(v)] = w
                            again = true
                        }
                    }
                }
            }
            var total: Int32 = 0
            for k in Int(starts[Int(p)])..<Int(starts[Int(p) + 1]) { total = min(unreachable, total + enter(flat[k], toJoin)) }
            whole[Int(p)] = total
        }
        costToJoin = toJoin
        nextToJoin = nextStep
        blockCost = whole

        // Organisations, declared first, with names.
        var orgIDs = pathway.organisations.map(\.id)
        var orgNames = pathway.organisations.map(\.name)
        let effective = pathway.effectiveOrganisations
        var orgIndex: [String: Int32] = [:]
        for (i, id) in orgIDs.enumerated() where orgIndex[id] == nil { orgIndex[id] = Int32(i) }
        organisation = steps.map { step in
            guard let id = effective[step.id] else { return -1 }
            if let i = orgIndex[id] { return i }
            orgIndex[id] = Int32(orgIDs.count)
            orgIDs.append(id)
            orgNames.append(id)
            return Int32(orgIDs.count - 1)
        }
        organisationIDs = orgIDs
        organisationNames = orgNames

        // Data items: a subpathway step produces what its subpathway's steps produce.
        var itemIndex: [String: Int32] = [:]
        var names: [String] = []
        func number(_ name: String) -> Int32 {
            if let i = itemIndex[name] { return i }
            itemIndex[name] = Int32(names.count)
            names.append(name)
            return Int32(names.count - 1)
        }
        var producedNames: [[String]] = []
        for step in steps {
            var made = step.produces.map(\.name)
            if step.kind == .subpathway, let file = step.pathway, let sub = pathway.subpathways[file] {
                for s in sub.steps { made += s.produces.map(\.name) }
            }
            producedNames.append(made)
            for name in made { _ = number(name) }
            for item in step.requires { _ = number(item.name) }
            for name in step.handoff?.sends ?? [] { _ = number(name) }
        }
        dataNames = names
        let words = max(1, (names.count + 63) / 64)
        dataWords = words
        var produced = [UInt64](repeating: 0, count: n * words)
        var sent = [UInt64](repeating: 0, count: n * words)
        var all = [Bool](repeating: true, count: n)
        var needed: [[Int32]] = []
        for (i, step) in steps.enumerated() {
            for name in producedNames[i] {
                let k = Int(number(name))
                produced[i * words + k / 64] |= 1 << UInt64(k % 64)
            }
            if let list = step.handoff?.sends {
                all[i] = false
                for name in list {
                    let k = Int(number(name))
                    sent[i * words + k / 64] |= 1 << UInt64(k % 64)
                }
            }
            needed.append(step.requires.map { number($0.name) })
        }
        requires = needed
        produces = produced
        sends = sent
        sendsAll = all

        // Target clocks, as the simulator sets them: a step without work has all of its
        // clocks on its one moment.
        let followed = Array(pathway.targets.prefix(64))
        targets = followed
        var clockOn = [UInt64](repeating: 0, count: n * 3)
        var clockOff = [UInt64](repeating: 0, count: n * 3)
        for (k, target) in followed.enumerated() {
            let bit = UInt64(1) << UInt64(k)
            if let s = index[target.from] {
                let moment = work[Int(s)] ? Self.moment(target.starts) : 0
                clockOn[Int(s) * 3 + moment] |= bit
            }
            for to in target.to {
                if let s = index[to] {
                    let moment = work[Int(s)] ? Self.moment(target.stops) : 0
                    clockOff[Int(s) * 3 + moment] |= bit
                }
            }
        }
        clockStarts = clockOn
        clockStops = clockOff
        _ = depth
    }

    /// 0 arrival, 1 start, 2 completion.
    static func moment(_ point: ClockPoint) -> Int {
        switch point {
        case .arrival: 0
        case .start: 1
        case .completion: 2
        }
    }

    /// The successors of step `s`, as a range into `successors`.
    @inline(__always)
    func successorRange(_ s: Int32) -> Range<Int> { Int(successorStart[Int(s)])..<Int(successorStart[Int(s) + 1]) }

    /// The path of parallel step `p` that holds step `s` (anywhere inside, nested blocks
    /// included), or -1 when `s` is not inside `p`'s block.
    func path(of p: Int32, holding s: Int32) -> Int32 {
        var b = s >= 0 && Int(s) < stepCount ? s : -1
        var guardCount = 0
        while b >= 0 && guardCount <= stepCount {
            guardCount += 1
            let outer = blockOf[Int(b)]
            if outer < 0 { return -1 }
            if outer == p {
                // A join sits outside its own block; only real members count.
                return joinOf[Int(p)] == s ? -1 : pathOf[Int(b)]
            }
            b = outer
        }
        return -1
    }

    /// Whether block `inner` (a parallel step, or -1 for the top level) lies inside block
    /// `outer` or is it.
    func isWithin(_ inner: Int32, _ outer: Int32) -> Bool {
        if outer < 0 { return true }
        var b = inner
        var guardCount = 0
        while b >= 0 && guardCount <= stepCount {
            guardCount += 1
            if b == outer { return true }
            b = blockOf[Int(b)]
        }
        return false
    }

    /// The observable steps a route passes when it runs from having done `v` to the join of
    /// `v`'s block by the cheapest way (nested blocks skipped whole), in order.
    func skippedToJoin(from v: Int32, into out: inout [Int32]) {
        let b = blockOf[Int(v)]
        guard b >= 0 else { return }
        let join = joinOf[Int(b)]
        var at = v
        var guardCount = 0
        while guardCount <= stepCount {
            guardCount += 1
            let w = nextToJoin[Int(at)]
            if w < 0 || w == join { return }
            if joinOf[Int(w)] >= 0 {
                skippedBlock(w, into: &out)
                let j = joinOf[Int(w)]
                if j == join { return }
                if cost[Int(j)] > 0 { out.append(j) }
                at = j
            } else {
                if cost[Int(w)] > 0 { out.append(w) }
                at = w
            }
        }
    }

    /// The observable steps of every path of parallel step `p`, by the cheapest way through each.
    func skippedBlock(_ p: Int32, into out: inout [Int32]) {
        let join = joinOf[Int(p)]
        for m in successorRange(p) {
            let first = successors[m]
            if first == join { continue }
            if joinOf[Int(first)] >= 0 {
                skippedBlock(first, into: &out)
                let j = joinOf[Int(first)]
                if j != join {
                    if cost[Int(j)] > 0 { out.append(j) }
                    skippedToJoin(from: j, into: &out)
                }
            } else {
                if cost[Int(first)] > 0 { out.append(first) }
                skippedToJoin(from: first, into: &out)
            }
        }
    }
}
