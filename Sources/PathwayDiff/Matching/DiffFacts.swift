import PathwayModel

/// What the diff needs to know about one pathway, worked out once: step positions, each
/// step's organisation after inheritance, where care changes hands, the order steps are first
/// reached from the start, neighbours, and titles. A region compare reuses the standard's.
struct DiffFacts: Sendable {
    let pathway: Pathway
    /// Index of each step id in `pathway.steps`.
    let index: [String: Int]
    /// Each step's organisation, its own or inherited.
    let organisations: [String: String]
    /// Steps with a move into a step of another organisation (where their handoff applies).
    let crossing: Set<String>
    /// Each step's position in a breadth-first walk from `start`.
    let visitOrder: [String: Int]
    /// Each step's neighbours (before and after it), as indices.
    let neighbours: [[Int]]
    /// What each step says it is, for title matching: its title, or an end step's outcome.
    let labels: [String]

    init(_ p: Pathway) {
        pathway = p
        let index = p.stepIndex
        self.index = index
        let orgs = p.effectiveOrganisations
        organisations = orgs
        var crossing: Set<String> = []
        for s in p.steps {
            guard let here = orgs[s.id] else { continue }
            if s.successors.contains(where: { n in orgs[n].map { $0 != here } ?? false }) { crossing.insert(s.id) }
        }
        self.crossing = crossing
        var order: [String: Int] = [p.start: 0]
        var queue = [p.start], head = 0
        while head < queue.count {
            let id = queue[head]; head += 1
            guard let i = index[id] else { continue }
            let step = p.steps[i]
            for n in step.onward where order[n] == nil && index[n] != nil {
                order[n] = queue.count
                queue.append(n)
            }
        }
        visitOrder = order
        var near = Array(repeating: [Int](), count: p.steps.count)
        for (i, s) in p.steps.enumerated() {
            for n in s.onward { if let k = index[n] { near[i].append(k); near[k].append(i) } }
        }
        neighbours = near
        labels = p.steps.map { $0.title ?? $0.outcome ?? "" }
    }
}
