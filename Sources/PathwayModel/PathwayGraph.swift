/// A move of a patient from one step to the next, and whether it crosses organisations.
public struct Transition: Hashable, Sendable {
    /// The id of the step being left.
    public var from: String
    /// The id of the step entered.
    public var to: String
    /// The organisation of the step being left (after inheritance), if known.
    public var fromOrganisation: String?
    /// The organisation of the step entered (after inheritance), if known.
    public var toOrganisation: String?
    /// The handoff block of the step being left, when the move crosses organisations.
    public var handoff: Handoff?

    /// Whether the patient changes organisation on this move.
    public var crossesOrganisations: Bool {
        guard let a = fromOrganisation, let b = toOrganisation else { return false }
        return a != b
    }
}

extension Pathway {
    /// Each step's organisation: its own, or for steps that leave it out (decisions, waits,
    /// parallel splits), the organisation of the first step found before it from `start`.
    public var effectiveOrganisations: [String: String] {
        var result: [String: String] = [:]
        let index = stepIndex
        for i in steps.indices { if let org = steps[i].organisation { result[steps[i].id] = org } }
        // Breadth-first from start, so "the step before" is the nearest one on the shortest route.
        var queue: [String] = [start]
        var seen: Set<String> = [start]
        var head = 0
        while head < queue.count {
            let id = queue[head]; head += 1
            guard let i = index[id] else { continue }
            var outs = steps[i].successors
            if steps[i].kind == .parallel, let join = steps[i].join { outs.append(join) }
            for next in outs where index[next] != nil {
                if result[next] == nil, let org = result[id] { result[next] = org }
                if seen.insert(next).inserted { queue.append(next) }
            }
        }
        return result
    }

    /// Every move between steps, in step order then successor order. Moves to ids that are not
    /// steps are left out (validation reports those).
    public var transitions: [Transition] {
        let orgs = effectiveOrganisations
        let index = stepIndex
        var result: [Transition] = []
        for i in steps.indices {
            let id = steps[i].id
            for next in steps[i].successors where index[next] != nil {
                let a = orgs[id], b = orgs[next]
                let crosses = a != nil && b != nil && a != b
                result.append(Transition(from: id, to: next, fromOrganisation: a, toOrganisation: b,
                                         handoff: crosses ? steps[i].handoff : nil))
            }
        }
        return result
    }

    /// The ids of steps that lead directly to each step.
    public var predecessors: [String: [String]] {
        var result: [String: [String]] = [:]
        for i in steps.indices {
            for next in steps[i].successors { result[next, default: []].append(steps[i].id) }
        }
        return result
    }

    /// Steps reachable from `start`, following successors (and joins of parallel steps).
    public var reachableSteps: Set<String> { reachableSteps(from: start) }

    /// Steps reachable from step `first` (itself included), following successors and joins.
    public func reachableSteps(from first: String) -> Set<String> {
        let index = stepIndex
        var seen: Set<String> = []
        var stack = [first]
        while let id = stack.popLast() {
            guard let i = index[id], seen.insert(id).inserted else { continue }
            stack.append(contentsOf: steps[i].onward)
        }
        return seen
    }
}
