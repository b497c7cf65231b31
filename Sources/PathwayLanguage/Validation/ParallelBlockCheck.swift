import PathwayModel

/// Parallel steps as blocks. A parallel step (the *split*) starts one copy of the patient down
/// each of its paths, and its `join` lets the patient go on once a copy has arrived from every
/// path. The steps of its paths are those reachable from each path's first step before the join;
/// together they are the split's *block*. A block is sound when the only way in is through the
/// split and the only way out is through the join; anything else strands patients at the join:
///
/// - CP213: the join is entered from outside its block (a loop from after the join back to it):
///   the patient arrives as one copy and waits for the others for ever;
/// - CP214: a step of a path is entered from outside the block (a jump into the middle of a path);
/// - CP215: a path leaves its block other than through the join (to a step the rest of the
///   pathway uses, or back to its own split), so its copy never arrives;
/// - CP216: the join is reached without passing its split, so no paths were started.
///
/// Loops inside one path, loops after the join, and blocks nested in paths are sound.
///
/// The check is one walk from `start` that gives every step its *context*: the blocks it is
/// inside, innermost last (interned, so comparing two is comparing two numbers). In a sound
/// pathway every step gets a single context and every move into a join comes from inside its
/// block; the walk is linear in the size of the pathway. Only when it finds a clash are the
/// blocks involved worked out one by one, to name the route at fault and how to fix it.
enum ParallelBlockCheck {
    /// The block diagnostics, and CP205 for the parallel steps whose paths the walk could follow
    /// (`undecided` lists the others, for `GraphCheck` to walk path by path).
    struct Result {
        var diagnostics: [Diagnostic] = []
        var undecided: [Int] = []
        /// A clash the block analysis could not explain: to report unless a path is already
        /// reported as never reaching its join.
        var fallback: Diagnostic?
    }

    static func run(_ p: Pathway, index: [String: Int]) -> Result {
        let graph = StepGraph(p, index: index)
        let parallels = graph.join.indices.filter { graph.join[$0] != nil }
        guard let start = index[p.start] else { return Result(undecided: parallels) }
        var walk = ContextWalk(graph: graph)
        walk.run(from: start)
        let reachable = walk.reachable
        guard !walk.clashes.isEmpty else {
            var result = Result()
            result.diagnostics = PathEnds(graph: graph, walk: walk).diagnostics()
            result.undecided = parallels.filter { !reachable[$0] }
            return result
        }

        var d: [Diagnostic] = []
        var seen: Set<String> = []
        for split in walk.involvedSplits.prefix(16) {
            for diagnostic in BlockAnalysis(graph: graph, split: split, start: start, reachable: reachable).diagnostics()
            where seen.insert("\(diagnostic.code) \(diagnostic.message)").inserted {
                d.append(diagnostic)
            }
        }
        var result = Result(diagnostics: d, undecided: parallels)
        if d.isEmpty, let clash = walk.clashes.first {
            // A path that never reaches its join (CP205) clashes too; otherwise the blocks could
            // not be told apart (too many involved), and the pathway must still be refused.
            let from = graph.steps[clash.from].id, to = graph.steps[clash.to].id
            result.fallback = .error(.cp214, "patients can arrive at '\(to)' both inside and outside a parallel block ('\(from)' → '\(to)'), so some would wait at a join for ever",
                            at: graph.location(from: clash.from, to: clash.to),
                            help: "let patients enter the steps of a parallel path only through its parallel step, and leave only through its join")
        }
        return result
    }
}

/// CP205 for a pathway whose blocks are sound: whether each path reaches its join, and whether
/// it can finish at an end step first, worked out for all paths at once by walking the moves
/// backwards (from the last steps of paths and from end steps), so nested blocks cost nothing extra.
struct PathEnds {
    let graph: StepGraph
    let walk: ContextWalk

    func diagnostics() -> [Diagnostic] {
        let n = graph.steps.count
        let reachable = walk.reachable
        // Moves within one block, backwards; which parallel steps each step starts a path of.
        var samePredecessors = [[Int]](repeating: [], count: n)
        var startsPathOf = [[Int]](repeating: [], count: n)
        var toJoin = [Bool](repeating: false, count: n)      // reaches the join of its own block
        var endAt = [Int?](repeating: nil, count: n)          // an end step it reaches first
        var pathsReach = [Bool](repeating: false, count: n)  // a parallel step: a path reaches its join
        var work: [Int] = []
        for v in 0..<n where reachable[v] {
            if let j = graph.join[v] {
                for w in graph.successors[v] {
                    if w == j { pathsReach[v] = true } else { startsPathOf[w].append(v) }
                }
                continue
            }
            if graph.steps[v].kind == .end { endAt[v] = v; work.append(v) }
            let block = walk.innermostSplit(of: v)
            for w in graph.successors[v] {
                if let block, graph.join[block] == w { toJoin[v] = true; work.append(v) } else { samePredecessors[w].append(v) }
            }
        }
        // Each step enters the work list when one of its two facts becomes true, so at most
        // twice (plus its initial entries).
        func update(_ v: Int, join: Bool, end: Int?, into work: inout [Int]) {
            var changed = false
            if join, !toJoin[v] { toJoin[v] = true; changed = true }
            if let end, endAt[v] == nil { endAt[v] = end; changed = true }
            if changed { work.append(v) }
        }
        while let x = work.popLast() {
            for u in samePredecessors[x] { update(u, join: toJoin[x], end: endAt[x], into: &work) }
            for q in startsPathOf[x] {
                if toJoin[x] { pathsReach[q] = true }
                if let j = graph.join[q] {
                    update(q, join: pathsReach[q] && toJoin[j], end: endAt[x] ?? (pathsReach[q] ? endAt[j] : nil), into: &work)
                }
            }
            for q in graph.splitsJoiningAt[x] where reachable[q] && pathsReach[q] {
                update(q, join: toJoin[x], end: endAt[x], into: &work)
            }
        }

        var d: [Diagnostic] = []
        for v in 0..<n where reachable[v] {
            guard let j = graph.join[v] else { continue }
            let step = graph.steps[v], join = graph.steps[j].id
            for s in graph.successors[v] where s != j {
                let path = graph.steps[s].id
                if !toJoin[s] {
                    d.append(.error(.cp205, "the path of '\(step.id)' that starts at '\(path)' never reaches the join '\(join)', so patients would wait there for ever",
                                    at: step.location(of: "paths"), help: "end the path with `next: \(join)`"))
                } else if let end = endAt[s] {
                    d.append(.error(.cp205, "the path of '\(step.id)' that starts at '\(path)' can finish at '\(graph.steps[end].id)' before reaching the join '\(join)'",
                                    at: step.location(of: "paths"), help: "every route of a parallel path must lead to its join"))
                }
            }
        }
        return d
    }
}

/// The steps as numbers, with their moves.
struct StepGraph {
    let steps: [Step]
    /// Each step's next steps (a parallel step's: its paths), as indices.
    let successors: [[Int]]
    /// A parallel step's join, as an index.
    let join: [Int?]
    /// The parallel steps that name each step as their join.
    let splitsJoiningAt: [[Int]]

    init(_ p: Pathway, index: [String: Int]) {
        steps = p.steps
        successors = p.steps.map { $0.successors.compactMap { index[$0] } }
        join = p.steps.map { step in step.kind == .parallel ? step.join.flatMap { index[$0] } : nil }
        var splits = [[Int]](repeating: [], count: p.steps.count)
        for (i, j) in join.enumerated() { if let j { splits[j].append(i) } }
        splitsJoiningAt = splits
    }

    /// Where the move `from` → `to` is written: the `next`, the branch, or the `paths` list.
    func location(from: Int, to: Int) -> SourceLocation {
        let step = steps[from], target = steps[to].id
        switch step.kind {
        case .decision:
            if let branch = step.branches.first(where: { $0.to == target }) {
                return branch.fieldLocations["to"] ?? branch.location
            }
            return step.location(of: "branches")
        case .parallel: return step.location(of: "paths")
        default: return step.location(of: "next")
        }
    }
}

/// The linear walk that gives each step the blocks it is inside.
struct ContextWalk {
    struct Clash { var from: Int; var to: Int }

    let graph: StepGraph
    /// Context 0 is "inside no block"; context c > 0 is `split[c]` inside `parent[c]`.
    private var parent: [Int] = [-1]
    private var split: [Int] = [-1]
    private var child: [Int: [Int: Int]] = [:]
    /// Each step's context; -1 until the walk reaches it.
    private var context: [Int]
    private(set) var clashes: [Clash] = []
    /// Parallel steps whose blocks a clash involves, in the order found.
    private(set) var involvedSplits: [Int] = []
    private var involved: Set<Int> = []

    init(graph: StepGraph) {
        self.graph = graph
        context = [Int](repeating: -1, count: graph.steps.count)
    }

    var reachable: [Bool] { context.map { $0 >= 0 } }

    /// The parallel step whose block a reached step is directly inside, if any.
    func innermostSplit(of v: Int) -> Int? { context[v] > 0 ? split[context[v]] : nil }

    mutating func run(from start: Int) {
        var queue = [start]
        var head = 0
        context[start] = 0
        if !graph.splitsJoiningAt[start].isEmpty { clash(from: start, to: start, splits: graph.splitsJoiningAt[start]) }
        while head < queue.count {
            let u = queue[head]; head += 1
            let here = context[u]
            if let j = graph.join[u] {
                let inside = childContext(of: here, split: u)
                for v in graph.successors[u] where v != j {
                    if graph.splitsJoiningAt[v].isEmpty {
                        enter(v, with: inside, from: u, into: &queue)
                    } else {
                        clash(from: u, to: v, splits: graph.splitsJoiningAt[v] + [u] + splitsAround(here))
                    }
                }
                enter(j, with: here, from: u, into: &queue)
                continue
            }
            for v in graph.successors[u] {
                let owners = graph.splitsJoiningAt[v]
                if owners.isEmpty {
                    enter(v, with: here, from: u, into: &queue)
                } else if here == 0 || !owners.contains(split[here]) {
                    // Only the last step of a path may move into a join. The fault may be the
                    // join's block or one the step is inside (a nested path skipping its join).
                    clash(from: u, to: v, splits: owners + splitsAround(here))
                }
            }
        }
    }

    private mutating func enter(_ v: Int, with c: Int, from u: Int, into queue: inout [Int]) {
        if context[v] == -1 {
            context[v] = c
            queue.append(v)
        } else if context[v] != c {
            clash(from: u, to: v, splits: differingSplits(context[v], c))
        }
    }

    private mutating func childContext(of c: Int, split s: Int) -> Int {
        if let known = child[c]?[s] { return known }
        let id = parent.count
        parent.append(c)
        split.append(s)
        child[c, default: [:]][s] = id
        return id
    }

    private mutating func clash(from: Int, to: Int, splits: [Int]) {
        if clashes.count < 1000 { clashes.append(Clash(from: from, to: to)) }
        for s in splits where involved.insert(s).inserted { involvedSplits.append(s) }
    }

    /// The splits whose blocks a context is inside, innermost first.
    private func splitsAround(_ c: Int) -> [Int] {
        var result: [Int] = []
        var c = c
        while c > 0, result.count < 16 { result.append(split[c]); c = parent[c] }
        return result
    }

    /// The splits in either context below the blocks the two share.
    private func differingSplits(_ a: Int, _ b: Int) -> [Int] {
        func chain(_ c: Int) -> [Int] {
            var result: [Int] = []
            var c = c
            while c > 0 { result.append(split[c]); c = parent[c] }
            return result.reversed()
        }
        let x = chain(a), y = chain(b)
        var common = 0
        while common < x.count, common < y.count, x[common] == y[common] { common += 1 }
        return Array(x[common...]) + Array(y[common...])
    }
}

/// One block worked out in full, to say which moves break it. Run only for blocks a clash
/// involves, so its cost (linear per block) is paid only by pathways that have the problem.
struct BlockAnalysis {
    let graph: StepGraph
    let split: Int
    let join: Int
    let reachable: [Bool]
    /// Where the pathway starts.
    let start: Int
    /// The steps of the paths (reachable from a path's first step before the join).
    private var inBlock: [Bool]
    /// The steps of the block that lead on to the join.
    private var leadsToJoin: [Bool]
    /// For each step of the block, the first step of the first path that reaches it.
    private var pathOf: [Int?]

    init(graph: StepGraph, split: Int, start: Int, reachable: [Bool]) {
        self.graph = graph
        self.start = start
        self.split = split
        self.join = graph.join[split] ?? split
        self.reachable = reachable
        let n = graph.steps.count
        inBlock = [Bool](repeating: false, count: n)
        pathOf = [Int?](repeating: nil, count: n)
        var queue: [Int] = []
        for start in graph.successors[split] where start != join && start != split && !inBlock[start] {
            inBlock[start] = true
            pathOf[start] = start
            queue.append(start)
        }
        var head = 0
        while head < queue.count {
            let u = queue[head]; head += 1
            for v in graph.successors[u] where v != join && v != split && !inBlock[v] {
                inBlock[v] = true
                pathOf[v] = pathOf[u]
                queue.append(v)
            }
        }
        // Walk backwards from the join, staying inside the block.
        var predecessors = [[Int]](repeating: [], count: n)
        for u in 0..<n where inBlock[u] { for v in graph.successors[u] { predecessors[v].append(u) } }
        leadsToJoin = [Bool](repeating: false, count: n)
        var stack = predecessors[join]
        while let u = stack.popLast() {
            guard inBlock[u], !leadsToJoin[u] else { continue }
            leadsToJoin[u] = true
            stack.append(contentsOf: predecessors[u])
        }
    }

    private func name(_ i: Int) -> String { graph.steps[i].id }

    func diagnostics() -> [Diagnostic] {
        guard graph.join[split] != nil else { return [] }
        var d: [Diagnostic] = []
        let n = graph.steps.count
        let splitName = name(split), joinName = name(join)
        let pathCount = graph.successors[split].count
        let splitNote = [DiagnosticNote("the paths of '\(splitName)' start here and meet at '\(joinName)'", at: graph.steps[split].location(of: "join"))]
        let afterJoin = graph.successors[join].first.map { " (such as '\(name($0))')" } ?? ""

        // Steps patients can reach from the start without going through the split (nor the join).
        var withoutSplit: [Bool]?
        func reachedWithoutSplit(_ u: Int) -> Bool {
            if withoutSplit == nil {
                var seen = [Bool](repeating: false, count: n)
                var stack = start == split || start == join ? [] : [start]
                while let u = stack.popLast() {
                    guard !seen[u] else { continue }
                    seen[u] = true
                    var next = graph.successors[u]
                    if let j = graph.join[u] { next.append(j) }
                    for v in next where v != split && v != join && !seen[v] { stack.append(v) }
                }
                withoutSplit = seen
            }
            return withoutSplit?[u] ?? false
        }

        // Steps of the block that do not lead to the join but that the rest of the pathway
        // reaches: where a path leaks out.
        var enteredFromOutside = [Bool](repeating: false, count: n)
        enteredFromOutside[start] = true
        for u in 0..<n where reachable[u] && !inBlock[u] && u != split {
            for v in graph.successors[u] where inBlock[v] { enteredFromOutside[v] = true }
        }

        if start == join {
            d.append(.error(
                .cp216, "the pathway starts at '\(joinName)', which is where the parallel paths of '\(splitName)' meet, so patients would wait there for ever for paths that never started",
                at: graph.steps[join].location, notes: splitNote,
                help: "start the pathway at a step before '\(splitName)'"))
        }

        for u in 0..<n where reachable[u] && !inBlock[u] && u != split {
            for v in graph.successors[u] {
                let route = "'\(name(u))' → '\(name(v))'"
                let at = graph.location(from: u, to: v)
                if v == join {
                    if reachedWithoutSplit(u) {
                        d.append(.error(
                            .cp216, "patients sent \(route) reach '\(joinName)', where the parallel paths of '\(splitName)' meet, without having gone through '\(splitName)', so they would wait there for ever for paths that never started",
                            at: at, notes: splitNote,
                            help: "send them to '\(splitName)' instead, so that its paths start, or to a step after '\(joinName)'"))
                    } else {
                        d.append(.error(
                            .cp213, "patients sent \(route) would wait at '\(joinName)' for ever: '\(joinName)' is where the \(pathCount) parallel paths of '\(splitName)' meet, and it waits for the patient to arrive from each of them, but this route comes from outside those paths",
                            at: at, notes: splitNote,
                            help: "send the patient back to a step after '\(joinName)'\(afterJoin), not to the step where the paths meet; if patients need '\(joinName)' itself again, let the paths of '\(splitName)' meet at a separate step just before it"))
                    }
                } else if inBlock[v], leadsToJoin[v] {
                    let path = pathOf[v].map { "the path of '\(splitName)' that starts at '\(name($0))'" } ?? "a path of '\(splitName)'"
                    d.append(.error(
                        .cp214, "patients sent \(route) jump into the middle of \(path): they would arrive at the join '\(joinName)' alone, without the other paths, and wait there for ever",
                        at: at, notes: splitNote,
                        help: "send them to '\(splitName)' so that all its paths start, or to a step that is not part of a path; to repeat part of a path, loop back from inside that same path"))
                }
            }
        }

        // Moves from a step of a path that lead away for good: back to the split, or into steps
        // that lead to the rest of the pathway rather than to the join.
        var leaksTo = [Bool](repeating: false, count: n)
        var stack = (0..<n).filter { inBlock[$0] && !leadsToJoin[$0] && enteredFromOutside[$0] }
        var predecessors = [[Int]](repeating: [], count: n)
        for u in 0..<n where inBlock[u] && !leadsToJoin[u] { for v in graph.successors[u] { predecessors[v].append(u) } }
        while let v = stack.popLast() {
            guard !leaksTo[v] else { continue }
            leaksTo[v] = true
            stack.append(contentsOf: predecessors[v])
        }
        for u in 0..<n where reachable[u] && inBlock[u] && leadsToJoin[u] {
            for v in graph.successors[u] where v == split || leaksTo[v] {
                let route = "'\(name(u))' → '\(name(v))'"
                let path = pathOf[u].map { "the path of '\(splitName)' that starts at '\(name($0))'" } ?? "a path of '\(splitName)'"
                let why = v == split
                    ? "goes back to '\(splitName)', which starts all \(pathCount) paths again while '\(joinName)' is still waiting for this one"
                    : "goes to '\(name(v))', which is not part of the paths of '\(splitName)', so this copy of the patient never arrives at '\(joinName)' and the patient waits there for ever"
                d.append(.error(
                    .cp215, "\(path) leaves the parallel block by \(route): it \(why)",
                    at: graph.location(from: u, to: v), notes: splitNote,
                    help: v == split
                        ? "to repeat part of the path, loop back to a step inside it (such as \(pathOf[u].map { "'\(name($0))'" } ?? "its first step")); every path should end with `next: \(joinName)`"
                        : "end the path with `next: \(joinName)`, and go on to '\(name(v))' from '\(joinName)' or after it"))
            }
        }
        return d
    }
}
