import PathwayModel

/// The shape of the pathway: every step reachable, every journey able to finish, parallel
/// paths meeting at their join (and entered and left only through their split and join, see
/// `ParallelBlockCheck`), targets whose clocks can stop.
enum GraphCheck {
    static func run(_ p: Pathway) -> [Diagnostic] {
        var d: [Diagnostic] = []
        let index = p.stepIndex
        guard index[p.start] != nil else { return d }
        let reachable = p.reachableSteps

        for step in p.steps where !reachable.contains(step.id) {
            d.append(.warning(.cp201, "no patient can reach step '\(step.id)': no step leads to it from the start ('\(p.start)')",
                              at: step.location, help: "link it with `next` or a branch from an earlier step, or remove it"))
        }

        // Steps from which some end can be reached (walking the edges backwards from end steps).
        var reverse: [String: [String]] = [:]
        for step in p.steps {
            for next in step.successors { reverse[next, default: []].append(step.id) }
            if step.kind == .parallel, let join = step.join { reverse[join, default: []].append(step.id) }
        }
        var canFinish: Set<String> = []
        var stack = p.steps.filter { $0.kind == .end }.map(\.id)
        while let id = stack.popLast() {
            guard canFinish.insert(id).inserted else { continue }
            stack.append(contentsOf: reverse[id] ?? [])
        }
        if !p.steps.contains(where: { $0.kind == .end }) {
            d.append(.error(.cp202, "the pathway has no end step, so no journey can finish",
                            at: p.location, help: "add a step with `kind: end` and an `outcome`"))
        } else {
            d += trappingLoops(p, reachable: reachable, canFinish: canFinish)
        }
        d += timelessLoops(p, reachable: reachable)

        let blocks = ParallelBlockCheck.run(p, index: index)
        let undecided = Set(blocks.undecided)
        for (i, step) in p.steps.enumerated() where step.kind == .parallel {
            d += parallelCheck(step, in: p, index: index, walkingPaths: undecided.contains(i))
        }
        d += blocks.diagnostics
        if let fallback = blocks.fallback, !d.contains(where: { $0.code == DiagnosticCode.cp205.rawValue }) { d.append(fallback) }
        for step in p.steps where step.kind == .decision && step.branches.isEmpty {
            d.append(.error(.cp202, "decision '\(step.id)' has no branches, so patients cannot go on from it", at: step.location))
        }

        let handingOver = Set(p.transitions.filter(\.crossesOrganisations).map(\.from))
        for step in p.steps where step.handoff != nil {
            if !handingOver.contains(step.id) {
                d.append(.warning(.cp208, "step '\(step.id)' has a handoff, but the patient never moves to another organisation from it",
                                  at: step.handoff?.location ?? step.location, help: "remove the handoff, or check the next step's organisation"))
            }
        }

        for target in p.targets where index[target.from] != nil {
            let forward = p.reachableSteps(from: target.from)
            let stops = target.to.filter { index[$0] != nil }
            if !stops.isEmpty, !stops.contains(where: { forward.contains($0) }) {
                d.append(.error(.cp210, "target '\(target.id)' can never be met or missed: no patient goes from '\(target.from)' to \(stops.map { "'\($0)'" }.joined(separator: " or "))",
                                at: target.fieldLocations["to"] ?? target.location))
            }
        }
        return d
    }

    /// Loops that patients can enter but never leave, found as strongly connected groups of
    /// steps from which no end step can be reached.
    static func trappingLoops(_ p: Pathway, reachable: Set<String>, canFinish: Set<String>) -> [Diagnostic] {
        let trapped = p.steps.filter { reachable.contains($0.id) && !canFinish.contains($0.id) }
        return loops(among: trapped).map { names in
            let first = trapped.first { $0.id == names[0] } ?? trapped[0]
            let route = names.count == 1 ? "'\(names[0])' leads back to itself" : "the steps \(names.map { "'\($0)'" }.joined(separator: ", ")) lead only to each other"
            return .error(.cp203, "patients who reach '\(first.id)' can never finish: \(route), with no way out to an end step",
                          at: first.location, help: "give one of these steps a branch or `next` that leads on towards an end step")
        }
    }

    /// Loops on which no step takes time: a patient going round one stays at the same moment,
    /// and one whose conditions keep it there (a rule that always holds) never finishes. Each loop
    /// needs a step that takes time: a duration, a result time, a handoff delay or a subpathway.
    static func timelessLoops(_ p: Pathway, reachable: Set<String>) -> [Diagnostic] {
        func takesTime(_ s: Step) -> Bool {
            if s.kind == .subpathway { return true }
            if let d = s.duration, d.mean > 0 { return true }
            if let r = s.resultAfter, r.mean > 0 { return true }
            if let h = s.handoff?.delay, h.mean > 0 { return true }
            return false
        }
        let timeless = p.steps.filter { reachable.contains($0.id) && !takesTime($0) }
        return loops(among: timeless).map { names in
            let first = timeless.first { $0.id == names[0] } ?? timeless[0]
            let route = names.count == 1 ? "'\(names[0])' leads back to itself" : "the loop \((names + [names[0]]).map { "'\($0)'" }.joined(separator: " → "))"
            return .error(.cp219, "\(route) takes no time: none of its steps has a duration, a result time or a handoff delay, so a patient going round it stays at the same moment and may go round for ever",
                          at: first.location, help: "give a step in the loop the time it takes (`duration:`), or lead the loop back through a step that takes time")
        }
    }

    /// The loops among `steps` (edges between them only): strongly connected groups of more than
    /// one step, or a step leading to itself, each as its step ids in walking order from the
    /// group's first step in file order (Tarjan's algorithm, iterative).
    static func loops(among steps: [Step]) -> [[String]] {
        guard !steps.isEmpty else { return [] }
        let ids = steps.map(\.id)
        let local = Dictionary(ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let edges: [[Int]] = steps.map { step in step.onward.compactMap { local[$0] } }
        var indexOf = [Int](repeating: -1, count: ids.count), low = [Int](repeating: 0, count: ids.count)
        var onStack = [Bool](repeating: false, count: ids.count)
        var stack: [Int] = [], counter = 0
        var components: [[Int]] = []
        for root in 0..<ids.count where indexOf[root] == -1 {
            var work: [(Int, Int)] = [(root, 0)]
            indexOf[root] = counter; low[root] = counter; counter += 1
            stack.append(root); onStack[root] = true
            while let (v, i) = work.last {
                if i < edges[v].count {
                    work[work.count - 1].1 += 1
                    let w = edges[v][i]
                    if indexOf[w] == -1 {
                        indexOf[w] = counter; low[w] = counter; counter += 1
                        stack.append(w); onStack[w] = true
                        work.append((w, 0))
                    } else if onStack[w] {
                        low[v] = min(low[v], indexOf[w])
                    }
                } else {
                    work.removeLast()
                    if let parent = work.last { low[parent.0] = min(low[parent.0], low[v]) }
                    if low[v] == indexOf[v] {
                        var component: [Int] = []
                        while let w = stack.popLast() {
                            onStack[w] = false
                            component.append(w)
                            if w == v { break }
                        }
                        if component.count > 1 || edges[v].contains(v) { components.append(component.sorted()) }
                    }
                }
            }
        }
        return components.sorted { $0[0] < $1[0] }.map { component in
            // Walk the loop from its first step, following edges inside the group, so the names
            // read in the order a patient meets them.
            let members = Set(component)
            var order = [component[0]], seen: Set<Int> = [component[0]]
            var current = component[0]
            while let next = edges[current].first(where: { members.contains($0) && !seen.contains($0) }) {
                order.append(next); seen.insert(next); current = next
            }
            order += component.filter { !seen.contains($0) }
            return order.map { ids[$0] }
        }
    }

    /// Each path of a parallel step must reach the join without finishing the journey first.
    /// `ParallelBlockCheck` decides that for all paths at once when the blocks are sound; the
    /// path-by-path walk here (`walkingPaths`) is for the parallel steps it could not follow.
    static func parallelCheck(_ step: Step, in p: Pathway, index: [String: Int], walkingPaths: Bool) -> [Diagnostic] {
        guard let join = step.join, index[join] != nil else { return [] }
        var d: [Diagnostic] = []
        if step.paths.count < 2 {
            d.append(.warning(.cp209, "parallel step '\(step.id)' has \(step.paths.count) path; parallel steps are for two or more things happening at once",
                              at: step.location(of: "paths")))
        }
        guard walkingPaths else { return d }
        for path in step.paths where index[path] != nil {
            var seen: Set<String> = []
            var stack = [path]
            var reachesJoin = false
            var endsAt: String?
            while let id = stack.popLast() {
                if id == join { reachesJoin = true; continue }
                guard let i = index[id], seen.insert(id).inserted else { continue }
                let s = p.steps[i]
                if s.kind == .end, endsAt == nil { endsAt = id }
                stack.append(contentsOf: s.successors)
            }
            if !reachesJoin {
                d.append(.error(.cp205, "the path of '\(step.id)' that starts at '\(path)' never reaches the join '\(join)', so patients would wait there for ever",
                                at: step.location(of: "paths"), help: "end the path with `next: \(join)`"))
            } else if let endsAt {
                d.append(.error(.cp205, "the path of '\(step.id)' that starts at '\(path)' can finish at '\(endsAt)' before reaching the join '\(join)'",
                                at: step.location(of: "paths"), help: "every route of a parallel path must lead to its join"))
            }
        }
        return d
    }
}
