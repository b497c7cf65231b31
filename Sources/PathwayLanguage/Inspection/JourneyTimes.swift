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
        let (shortest, _) = graph.shortest(from: start, stop: nil)
        let (prob, weighted) = graph.expected(from: start, stop: nil)
        endings = p.steps.enumerated().compactMap { i, step in
            guard step.kind == .end, prob[i] > 1e-12 || shortest[i] < .infinity else { return nil }
            return Ending(step: step.id, share: prob[i], shortest: TimeSpan(minutes: shortest[i]),
                          expected: TimeSpan(minutes: prob[i] > 0 ? weighted[i] / prob[i] : shortest[i]))
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
                var slowest = 0.0
                for path in step.paths {
                    guard let s = index[path] else { continue }
                    let through = minimum ? shortest(from: s, stop: j).0[j] : expectedTime(from: s, to: j)
                    if through < .infinity { slowest = max(slowest, through) }
                }
                total += slowest
            }
            if step.kind == .subpathway, let path = step.pathway, let sub = p.subpathways[path] {
                let t = JourneyTimes.meanThrough(sub)
                total += minimum ? t.shortest : t.expected
            }
            return total
        }

        func shortest(from start: Int, stop: Int?) -> ([Double], Void) {
            var dist = [Double](repeating: .infinity, count: p.steps.count)
            var done = [Bool](repeating: false, count: p.steps.count)
            dist[start] = 0
            // Simple O(n²) Dijkstra: pathways have hundreds of steps, not millions.
            while true {
                var u = -1
                for i in dist.indices where !done[i] && dist[i] < .infinity && (u < 0 || dist[i] < dist[u]) { u = i }
                if u < 0 { break }
                done[u] = true
                if u == stop { continue }
                for (v, q) in edges[u] where q > 0 || p.steps[u].kind != .decision {
                    let d = dist[u] + cost(u, to: v, minimum: true)
                    if d < dist[v] { dist[v] = d }
                }
            }
            return (dist, ())
        }

        /// Reach probabilities and probability-weighted arrival times, over the graph with loops cut.
        func expected(from start: Int, stop: Int?) -> ([Double], [Double]) {
            let order = topologicalOrder(from: start, stop: stop)
            var prob = [Double](repeating: 0, count: p.steps.count)
            var weighted = [Double](repeating: 0, count: p.steps.count)
            prob[start] = 1
            let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
            for u in order where prob[u] > 0 && u != stop {
                for (v, q) in edges[u] {
                    guard let pv = position[v], let pu = position[u], pv > pu else { continue }
                    prob[v] += prob[u] * q
                    weighted[v] += q * (weighted[u] + prob[u] * cost(u, to: v, minimum: false))
                }
            }
            return (prob, weighted)
        }

        func expectedTime(from start: Int, to end: Int) -> Double {
            let (prob, weighted) = expected(from: start, stop: end)
            return prob[end] > 0 ? weighted[end] / prob[end] : .infinity
        }

        /// Depth-first finishing order reversed; edges that close a loop are ignored.
        func topologicalOrder(from start: Int, stop: Int?) -> [Int] {
            var state = [UInt8](repeating: 0, count: p.steps.count)
            var order: [Int] = []
            var stack: [(Int, Int)] = [(start, 0)]
            state[start] = 1
            while let (u, k) = stack.last {
                let outs = u == stop ? [] : edges[u]
                if k < outs.count {
                    stack[stack.count - 1].1 += 1
                    let v = outs[k].to
                    if state[v] == 0 { state[v] = 1; stack.append((v, 0)) }
                } else {
                    state[u] = 2
                    order.append(u)
                    stack.removeLast()
                }
            }
            return order.reversed()
        }
    }
}
