import PathwayModel

/// Change governance: each change is matched with the variant's deviation for its place (its
/// `deviations:` block, or the `reason`/`evidence` of an overlay's change), and a change of
/// clinical weight 3 or more with no reason *and* evidence is unjustified.
public enum Justification {
    /// Changes weighing this much or more need a reason and evidence.
    public static let threshold = 3.0

    static func judge(_ changes: [PathwayChange], variant: Pathway) -> [PathwayChange] {
        changes.map { change in
            var c = change
            let covering = variant.deviations.filter { covers($0, c) }
                // The most specific first (`steps.mdt.every` before `steps.mdt`), then justified first.
                .sorted { ($0.isJustified ? 1 : 0, $0.path.count) > ($1.isJustified ? 1 : 0, $1.path.count) }
            if let best = covering.first {
                c.reason = best.reason
                c.evidence = best.evidence.isEmpty ? nil : best.evidence
            }
            c.unjustified = c.weight >= threshold && !(covering.first?.isJustified ?? false)
            return c
        }
    }

    /// Whether deviation `d` is about the thing `change` changed: a step (by either side's id),
    /// a target, a resource, or a pathway-level setting.
    static func covers(_ d: Deviation, _ change: PathwayChange) -> Bool {
        guard let head = d.path.first else { return false }
        let ids = [change.standardID, change.variantID].compactMap { $0 }
        switch change.subject {
        case .step: return head == "steps" && d.path.count >= 2 && ids.contains(d.path[1])
        case .target: return head == "targets" && d.path.count >= 2 && ids.contains(d.path[1])
        case .resource: return head == "resources" && d.path.count >= 2 && ids.contains(d.path[1])
        case .pathway: return !["steps", "targets", "resources"].contains(head)
        }
    }
}
