import PathwayModel

/// A backlog must wait where a single patient can be: not inside a parallel block (one of its
/// paths, or the join), where the patient's other paths would never have started and the join
/// would wait for them for ever.
enum BacklogCheck {
    static func run(_ p: Pathway) -> [Diagnostic] {
        guard !p.backlog.isEmpty else { return [] }
        var d: [Diagnostic] = []
        let index = p.stepIndex
        // Each step inside a parallel block (a path's steps up to the join, and the join), with its parallel step.
        var inside: [String: String] = [:]
        for step in p.steps where step.kind == .parallel {
            guard let join = step.join else { continue }
            inside[join] = inside[join] ?? step.id
            var seen: Set<String> = [join]
            var work = step.paths
            while let id = work.popLast() {
                guard seen.insert(id).inserted, let i = index[id] else { continue }
                inside[id] = inside[id] ?? step.id
                work += p.steps[i].onward
            }
        }
        for entry in p.backlog {
            guard let parallel = inside[entry.step], let block = p.step(parallel) else { continue }
            let isJoin = block.join == entry.step
            d.append(.error(.cp034,
                            "a backlog cannot wait at '\(entry.step)': it is \(isJoin ? "the join" : "inside a path") of the parallel step '\(parallel)', so its patients would have no other paths running and could never pass the join",
                            at: entry.fieldLocations["step"] ?? entry.location,
                            help: "put the backlog at '\(parallel)' or a step before it, or at a step after the join '\(block.join ?? "")'"))
        }
        return d
    }
}
