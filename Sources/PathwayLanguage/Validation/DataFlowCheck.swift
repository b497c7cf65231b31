import PathwayModel

/// Data that must travel: each item a step `requires` must have been produced on every route
/// from the start, and must survive every handoff between organisations on the way.
///
/// A forward "must be available" analysis over the step graph (intersection at merges, union
/// at the join of a parallel step, whose paths all run), then, for each gap, a walk backwards
/// along a route where the item is missing to say where it was lost: a handoff whose `sends`
/// leaves it out, or a route on which nothing produces it.
enum DataFlowCheck {
    /// With `followRoutes` false, only the checks that need no route: names in `sends` lists and
    /// items that nothing produces.
    static func run(_ p: Pathway, followRoutes: Bool = true) -> [Diagnostic] {
        let index = p.stepIndex
        guard let startIndex = index[p.start] else { return [] }
        var d: [Diagnostic] = []

        // Number the items.
        var itemIDs: [String: Int] = [:]
        var names: [String] = []
        func number(_ name: String) -> Int {
            if let i = itemIDs[name] { return i }
            itemIDs[name] = names.count
            names.append(name)
            return names.count - 1
        }
        var produced: Set<String> = []
        for step in p.steps {
            for item in step.produces { _ = number(item.name); produced.insert(item.name) }
            for item in step.requires { _ = number(item.name) }
            if step.kind == .subpathway, let path = step.pathway, let sub = p.subpathways[path] {
                for s in sub.steps { for item in s.produces { _ = number(item.name); produced.insert(item.name) } }
            }
        }
        let requiredAnywhere = p.steps.contains { !$0.requires.isEmpty }

        // Handoff `sends` lists must name items that exist.
        for step in p.steps {
            guard let sends = step.handoff?.sends else { continue }
            for name in sends where !produced.contains(name) {
                let (text, hint) = didYouMean(name, in: produced.sorted())
                d.append(.error(.cp404, "the handoff from '\(step.id)' sends '\(name)', but no step produces it\(text)",
                                at: step.handoff?.fieldLocations["sends"] ?? step.location, suggestion: hint))
            }
        }
        guard requiredAnywhere else { return d }

        let n = p.steps.count
        let words = (names.count + 63) / 64
        let orgs = p.effectiveOrganisations

        var produces = [Bits](repeating: Bits(words: words), count: n)
        for i in p.steps.indices {
            for item in p.steps[i].produces { produces[i].insert(itemIDs[item.name] ?? 0) }
            if p.steps[i].kind == .subpathway, let path = p.steps[i].pathway, let sub = p.subpathways[path] {
                for s in sub.steps { for item in s.produces { produces[i].insert(itemIDs[item.name] ?? 0) } }
            }
        }
        // Edges with their filter: nil passes everything; a set passes only those items.
        struct Edge { var from: Int; var to: Int; var filter: Bits?; var joinOf: Int? }
        var incoming = [[Edge]](repeating: [], count: n)
        var joinOwner: [Int: Int] = [:]
        for i in p.steps.indices where p.steps[i].kind == .parallel {
            if let join = p.steps[i].join, let j = index[join] { joinOwner[j] = i }
        }
        for i in p.steps.indices {
            let id = p.steps[i].id
            for next in p.steps[i].successors {
                guard let j = index[next] else { continue }
                var filter: Bits?
                if let a = orgs[id], let b = orgs[next], a != b, let sends = p.steps[i].handoff?.sends {
                    var f = Bits(words: words)
                    for name in sends { if let k = itemIDs[name] { f.insert(k) } }
                    filter = f
                }
                incoming[j].append(Edge(from: i, to: j, filter: filter, joinOf: nil))
            }
        }

        // The steps on each parallel step's paths (its join's predecessors there all run).
        var pathMembers: [Int: Set<Int>] = [:]
        for owner in joinOwner.values {
            let step = p.steps[owner]
            var seen: Set<Int> = []
            var stack = step.paths.compactMap { index[$0] }
            let join = step.join.flatMap { index[$0] }
            while let i = stack.popLast() {
                if i == join || !seen.insert(i).inserted { continue }
                stack.append(contentsOf: p.steps[i].successors.compactMap { index[$0] })
            }
            pathMembers[owner] = seen
        }

        // Fixed point, starting from "everything" except at the start.
        let all = Bits(words: words, filled: names.count)
        var inSet = [Bits](repeating: all, count: n)
        inSet[startIndex] = Bits(words: words)
        var changed = true
        var rounds = 0
        while changed && rounds < n + 2 {
            changed = false
            rounds += 1
            for j in 0..<n where j != startIndex {
                let edges = incoming[j]
                guard !edges.isEmpty else { continue }
                var result: Bits
                if let owner = joinOwner[j] {
                    // Paths of a parallel step all run: the join sees the union of what they carry,
                    // plus what was known when the paths started.
                    result = inSet[owner].union(produces[owner])
                    var others: Bits?
                    for e in edges {
                        var carried = inSet[e.from].union(produces[e.from])
                        if let f = e.filter { carried = carried.intersection(f) }
                        if pathMembers[owner]?.contains(e.from) == true { result = result.union(carried) } else { others = others.map { $0.intersection(carried) } ?? carried }
                    }
                    if let others { result = result.intersection(others) }
                } else {
                    result = all
                    for e in edges {
                        var carried = inSet[e.from].union(produces[e.from])
                        if let f = e.filter { carried = carried.intersection(f) }
                        result = result.intersection(carried)
                    }
                }
                if result != inSet[j] { inSet[j] = result; changed = true }
            }
        }

        let reachable = p.reachableSteps
        let edgesInto = incoming.map { $0.map { ($0.from, $0.filter) } }
        // One missing item explained at most ten times; the tenth says how many more steps
        // need it (a handoff that drops an item would otherwise give one error per step after
        // it, each walking the route back: thousands of errors, quadratic time).
        var explained: [Int: Int] = [:], unexplained: [Int: (Int, Int)] = [:]  // item → count; item → (index in d, more)
        var lossReported: [String: Int] = [:]  // "item handoff-step" → index in d of its CP402
        for (j, step) in p.steps.enumerated() where reachable.contains(step.id) {
            for item in step.requires {
                guard let k = itemIDs[item.name], !inSet[j].contains(k) else { continue }
                if produces[j].contains(k) {
                    d.append(.error(.cp401, "step '\(step.id)' both requires and produces '\(item.name)'; it needs it before it starts",
                                    at: item.location, help: "remove it from `requires`, or produce it in an earlier step"))
                    continue
                }
                if !produced.contains(item.name) {
                    let (text, hint) = didYouMean(item.name, in: produced.sorted())
                    d.append(.error(.cp401, "step '\(step.id)' requires '\(item.name)', but no step in the pathway produces it\(text)",
                                    at: item.location, suggestion: hint,
                                    help: hint == nil ? "add '\(item.name)' to `produces` of the step that creates it" : nil))
                    continue
                }
                guard followRoutes else { continue }
                if explained[k, default: 0] >= 10, let last = unexplained[k] {
                    unexplained[k] = (last.0, last.1 + 1)
                    continue
                }
                let (diagnostic, lostAt) = explain(item: item, k: k, at: j, p: p, incoming: edgesInto,
                                                   inSet: inSet, produces: produces, startIndex: startIndex, orgs: orgs)
                // One handoff that drops an item is one mistake: later steps that need the item
                // become notes on its diagnostic, not diagnostics of their own.
                if let lostAt {
                    let key = "\(k) \(lostAt)"
                    if let first = lossReported[key] {
                        d[first].notes.append(DiagnosticNote("'\(step.id)' needs '\(item.name)' too, and is reached through the same handoff", at: item.location))
                        continue
                    }
                    lossReported[key] = d.count
                }
                explained[k, default: 0] += 1
                d.append(diagnostic)
                if explained[k] == 10 { unexplained[k] = (d.count - 1, 0) }
            }
        }
        for (k, entry) in unexplained where entry.1 > 0 {
            let name = itemIDs.first { $0.value == k }?.key ?? "?"
            d[entry.0].notes.append(DiagnosticNote("\(entry.1) more step\(entry.1 == 1 ? "" : "s") that require\(entry.1 == 1 ? "s" : "") '\(name)' \(entry.1 == 1 ? "is" : "are") reached without it too (not shown); fix these first"))
        }
        return d
    }

    /// Walks back from `j` along predecessors where the item is missing, to the handoff that
    /// dropped it or to the start of a route on which nothing produces it.
    private static func explain(item: DataItem, k: Int, at j: Int, p: Pathway, incoming: [[(Int, Bits?)]],
                                inSet: [Bits], produces: [Bits], startIndex: Int, orgs: [String: String]) -> (Diagnostic, lostAt: Int?) {
        var route = [j]
        var current = j
        var visited: Set<Int> = [j]
        while current != startIndex {
            var moved = false
            for (from, filter) in incoming[current] {
                let out = inSet[from].union(produces[from])
                if out.contains(k), let filter, !filter.contains(k) {
                    // Lost at this handoff.
                    let a = p.steps[from], b = p.steps[current]
                    let fromOrg = orgs[a.id].flatMap { p.organisation($0)?.name } ?? orgs[a.id] ?? "?"
                    let toOrg = orgs[b.id].flatMap { p.organisation($0)?.name } ?? orgs[b.id] ?? "?"
                    let target = p.steps[j]
                    let who = current == j ? "" : " on the way to '\(target.id)'"
                    return (.error(.cp402, "step '\(target.id)' requires '\(item.name)', but it is lost at the handoff from '\(a.id)' (\(fromOrg)) to '\(b.id)' (\(toOrg))\(who): the handoff's `sends` list leaves it out",
                                  at: item.location,
                                  notes: [DiagnosticNote("the handoff is here; it sends \((a.handoff?.sends ?? []).isEmpty ? "nothing" : (a.handoff?.sends ?? []).joined(separator: ", "))",
                                                         at: a.handoff?.fieldLocations["sends"] ?? a.handoff?.location ?? a.location)],
                                  suggestion: "add '\(item.name)' to the `sends` list of the handoff from '\(a.id)'",
                                  help: "care fails at handoffs when the receiving team lacks the data it needs; send '\(item.name)' with the patient"), from)
                }
                if !out.contains(k), !visited.contains(from) {
                    visited.insert(from)
                    route.append(from)
                    current = from
                    moved = true
                    break
                }
            }
            if !moved { break }
        }
        let names = route.reversed().map { p.steps[$0].id }
        // A long route is shown by its ends: thousands of diagnostics each spelling out a
        // thousand-step route made validate's output quadratic.
        let shown = names.count <= 8 ? names.joined(separator: " → ")
            : (names.prefix(3) + ["… \(names.count - 6) more steps …"] + names.suffix(3)).joined(separator: " → ")
        // Say where the item *is* produced: after this step (the order is wrong) or only on other
        // routes. "No step produces it" read as if nothing did.
        let producers = p.steps.indices.filter { produces[$0].contains(k) }
        var notes = [DiagnosticNote("the route starts here", at: p.steps[route.last ?? j].location)]
        var whereProduced = ""
        if let first = producers.first {
            let later = reachableFrom(j, p: p).intersection(producers)
            let shownProducer = later.min() ?? first
            let name = p.steps[shownProducer].id
            whereProduced = later.isEmpty ? " ('\(name)' produces it, on other routes)" : " ('\(name)' produces it, but only after '\(p.steps[j].id)')"
            notes.append(DiagnosticNote("'\(item.name)' is produced here", at: p.steps[shownProducer].produces.first { $0.name == item.name }?.location ?? p.steps[shownProducer].location))
        }
        return (.error(.cp401, "step '\(p.steps[j].id)' requires '\(item.name)', but some patients reach it without it: on the route \(shown) no step before it produces it\(whereProduced)",
                       at: item.location,
                       notes: notes,
                       help: "produce '\(item.name)' on that route before '\(p.steps[j].id)', or make the requirement apply only where it is produced"), nil)
    }

    /// Step indices reachable from step `j` (not counting `j` unless a loop leads back to it).
    private static func reachableFrom(_ j: Int, p: Pathway) -> Set<Int> {
        let index = p.stepIndex
        var seen: Set<Int> = []
        var stack = p.steps[j].onward.compactMap { index[$0] }
        while let i = stack.popLast() {
            guard seen.insert(i).inserted else { continue }
            stack += p.steps[i].onward.compactMap { index[$0] }
        }
        return seen
    }
}

/// A fixed-size set of small integers.
struct Bits: Equatable {
    var words: [UInt64]

    init(words: Int) { self.words = [UInt64](repeating: 0, count: words) }

    init(words: Int, filled count: Int) {
        self.words = [UInt64](repeating: 0, count: words)
        for i in 0..<count { insert(i) }
    }

    mutating func insert(_ i: Int) { words[i >> 6] |= 1 << UInt64(i & 63) }
    func contains(_ i: Int) -> Bool { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
    func union(_ o: Bits) -> Bits { var r = self; for i in r.words.indices { r.words[i] |= o.words[i] }; return r }
    func intersection(_ o: Bits) -> Bits { var r = self; for i in r.words.indices { r.words[i] &= o.words[i] }; return r }
}
