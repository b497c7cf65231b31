import PathwayModel

/// Journey times from the start to each end step, worked out from the pathway alone (no
/// queueing, calendars or capacity: `carepath simulate` gives those).
///
/// The shortest time uses each duration's minimum; the expected time uses means and branch
/// probabilities, treating branches decided by conditions as equally likely (the patient mix
/// is only known by simulation). Loops are followed once. A parallel step takes as long as its
/// slowest path. Meetings add half their interval (the mean wait for the next sitting).
public struct JourneyTimes: Sendable {
    /// For each reachable end step: the share of patients reaching it, and the times.
    public struct Ending: Sendable, Hashable {
        public var step: String
        public var share: Double
        public var shortest: TimeSpan
        public var expected: TimeSpan
    }

    public var endings: [Ending]

    public init(_ p: Pathway) {
        let graph = Graph(p)
        guard let start = graph.index[p.start] else { endings = []; return }
        let shortest = graph.shortest(from: start, stop: nil)
        let (prob, weighted) = graph.expected(from: start, stop: nil)
        endings = p.steps.enumerated().compactMap { i, step in
            let share = prob[i] ?? 0, least = shortest[i] ?? .infinity
            guard step.kind == .end, share > 1e-12 || least < .infinity else { return nil }
            return Ending(step: step.id, share: share, shortest: TimeSpan(minutes: least),
                          expected: TimeSpan(minutes: share > 0 ? (weighted[i] ?? 0) / share : least))
        }
    }

    /// The mean time through a whole pathway, weighted over its ends (for subpathway steps).
    static func meanThrough(_ p: Pathway) -> (shortest: Double, expected: Double) {
        let t = JourneyTimes(p)
        let total = t.endings.reduce(0) { $0 + $1.share }
        let expected = total > 0 ? t.endings.reduce(0) { $0 + $1.share * $1.expected.minutes } / total : 0
        let shortest = t.endings.map(\.shortest.minutes).min() ?? 0
        return (shortest, expected)
    }

    private struct Graph {
        let p: Pathway
        let index: [String: Int]
        let orgs: [String: String]
        /// Successors with branch probability; for parallel steps a single edge to the join.
        var edges: [[(to: Int, probability: Double)]] = []
        /// Each parallel step's time through its paths (the slowest path), shortest and expected,
        /// worked out innermost first so that no walk goes inside a nested block twice.
        var parallelShortest: [Int: Double] = [:]
        var parallelExpected: [Int: Double] = [:]

        init(_ p: Pathway) {
            self.p = p
            index = p.stepIndex
            orgs = p.effectiveOrganisations
            for step in p.steps {
                var out: [(Int, Double)] = []
                switch step.kind {
                case .decision:
                    let lottery = step.branches.filter { $0.when == nil && !$0.otherwise }
                    let lotteryTotal = lottery.reduce(0) { $0 + ($1.probability ?? 0) }
                    let conditional = step.branches.filter { $0.when != nil }
                    let otherwise = step.branches.filter(\.otherwise)
                    let rest = max(0, 1 - lotteryTotal)
                    let share = rest / Double(max(1, conditional.count + otherwise.count))
                    for b in step.branches {
                        guard let j = index[b.to] else { continue }
                        let q = b.when == nil && !b.otherwise ? (b.probability ?? 0) : share
                        out.append((j, q))
                    }
                case .parallel:
                    if let join = step.join, let j = index[join] { out.append((j, 1)) }
                default:
                    if let next = step.next, let j = index[next] { out.append((j, 1)) }
                }
                edges.append(out)
            }
            for u in innermostFirst() {
                let step = p.steps[u]
                guard let join = step.join, let j = index[join] else { continue }
                var slowest = 0.0, slowestMean = 0.0
                for path in step.paths {
                    guard let s = index[path] else { continue }
                    let through = shortest(from: s, stop: j)[j] ?? .infinity
                    if through < .infinity { slowest = max(slowest, through) }
                    let mean = expectedTime(from: s, to: j)
                    if mean < .infinity { slowestMean = max(slowestMean, mean) }
                }
                parallelShortest[u] = slowest
                parallelExpected[u] = slowestMean
            }
        }

        /// The parallel steps, each after the parallel steps inside its paths (found by walking
        /// each path to its join, passing over nested blocks by their split-to-join edge).
        /// A parallel step re-entered from its own path (refused as CP214) is not waited for.
        func innermostFirst() -> [Int] {
            var inside: [Int: [Int]] = [:]
            for (u, step) in p.steps.enumerated() where step.kind == .parallel {
                let join = step.join.flatMap { index[$0] }
                var seen: Set<Int> = [], stack = step.paths.compactMap { index[$0] }, found: [Int] = []
                while let v = stack.popLast() {
                    guard v != join, v != u, seen.insert(v).inserted else { continue }
                    if p.steps[v].kind == .parallel { found.append(v) }
                    stack.append(contentsOf: edges[v].map(\.to))
                }
                inside[u] = found
            }
            var state: [Int: UInt8] = [:], order: [Int] = []
            for root in inside.keys.sorted() where state[root] == nil {
                var stack: [(Int, Int)] = [(root, 0)]
                state[root] = 1
                while let (u, k) = stack.last {
                    let children = inside[u] ?? []
                    if k < children.count {
                        stack[stack.count - 1].1 += 1
                        let v = children[k]
                        if state[v] == nil { state[v] = 1; stack.append((v, 0)) }
                    } else {
                        state[u] = 2
                        order.append(u)
                        stack.removeLast()
                    }
                }
            }
            return order
        }

        /// Time spent at step `i` before moving to `j` (minimum or mean).
        func cost(_ i: Int, to j: Int, minimum: Bool) -> Double {
            let step = p.steps[i]
            func value(_ d: Distribution?) -> Double { d.map { minimum ? $0.minimum : $0.mean } ?? 0 }
            var total = value(step.duration) + value(step.resultAfter)
            if let every = step.every, !minimum { total += every.minutes / 2 }
            let a = orgs[step.id], b = orgs[p.steps[j].id]
            if a != nil, b != nil, a != b { total += value(step.handoff?.delay) }
            if step.kind == .parallel {
                total += (minimum ? parallelShortest[i] : parallelExpected[i]) ?? 0
            }
            if step.kind == .subpathway, let path = step.pathway, let sub = p.subpathways[path] {
                let t = JourneyTimes.meanThrough(sub)
                total += minimum ? t.shortest : t.expected
            }
            return total
        }

        /// Shortest times from `start` to the steps it reaches (Dijkstra with a binary heap, over
        /// the reached steps only), not going on past `stop`.
        func shortest(from start: Int, stop: Int?) -> [Int: Double] {
            var dist: [Int: Double] = [start: 0]
            var done: Set<Int> = []
            var heap = MinHeap()
            heap.push(0, start)
            while let (d, u) = heap.pop() {
                guard done.insert(u).inserted, d <= dist[u] ?? .infinity else { continue }
                if u == stop { continue }
                for (v, q) in edges[u] where q > 0 || p.steps[u].kind != .decision {
                    let dv = d + cost(u, to: v, minimum: true)
                    if dv < dist[v] ?? .infinity { dist[v] = dv; heap.push(dv, v) }
                }
            }
            return dist
        }

        /// Reach probabilities and probability-weighted arrival times, over the graph with loops cut.
        func expected(from start: Int, stop: Int?) -> ([Int: Double], [Int: Double]) {
            let order = topologicalOrder(from: start, stop: stop)
            var prob: [Int: Double] = [start: 1]
            var weighted: [Int: Double] = [:]
            let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
            for u in order where (prob[u] ?? 0) > 0 && u != stop {
                let pu = prob[u] ?? 0, wu = weighted[u] ?? 0
                for (v, q) in edges[u] {
                    guard let posV = position[v], let posU = position[u], posV > posU else { continue }
                    prob[v, default: 0] += pu * q
                    weighted[v, default: 0] += q * (wu + pu * cost(u, to: v, minimum: false))
                }
            }
            return (prob, weighted)
        }

        func expectedTime(from start: Int, to end: Int) -> Double {
            let (prob, weighted) = expected(from: start, stop: end)
            guard let pe = prob[end], pe > 0 else { return .infinity }
            return (weighted[end] ?? 0) / pe
        }

        /// Depth-first finishing order reversed; edges that close a loop are ignored.
        func topologicalOrder(from start: Int, stop: Int?) -> [Int] {
            var state: [Int: UInt8] = [start: 1]
            var order: [Int] = []
            var stack: [(Int, Int)] = [(start, 0)]
            while let (u, k) = stack.last {
                let outs = u == stop ? [] : edges[u]
                if k < outs.count {
                    stack[stack.count - 1].1 += 1
                    let v = outs[k].to
                    if state[v] == nil { state[v] = 1; stack.append((v, 0)) }
                } else {
                    state[u] = 2
                    order.append(u)
                    stack.removeLast()
                }
            }
            return order.reversed()
        }
    }

    /// A binary min-heap of (time, step) for Dijkstra.
    private struct MinHeap {
        private var items: [(Double, Int)] = []

        mutating func push(_ key: Double, _ value: Int) {
            items.append((key, value))
            var i = items.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard items[i].0 < items[parent].0 else { break }
                items.swapAt(i, parent)
                i = parent
            }
        }

        mutating func pop() -> (Double, Int)? {
            guard let top = items.first else { return nil }
            let last = items.removeLast()
            if !items.isEmpty {
                items[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var m = i
                    if l < items.count, items[l].0 < items[m].0 { m = l }
                    if r < items.count, items[r].0 < items[m].0 { m = r }
                    if m == i { break }
                    items.swapAt(i, m)
                    i = m
                }
            }
            return top
        }
    }
}
