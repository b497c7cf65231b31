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
    /// A deviation that names a field (`steps.ct-chest.duration`) covers only the change of that
    /// field; one that names the whole step, target or resource covers every change of it.
    static func covers(_ d: Deviation, _ change: PathwayChange) -> Bool {
        guard let head = d.path.first else { return false }
        let ids = [change.standardID, change.variantID].compactMap { $0 }
        let named: String?
        switch change.subject {
        case .step, .target, .resource:
            let section = change.subject == .step ? "steps" : change.subject == .target ? "targets" : "resources"
            guard head == section, d.path.count >= 2, ids.contains(d.path[1]) else { return false }
            named = d.path.count >= 3 ? d.path[2] : nil
        case .pathway:
            guard !["steps", "targets", "resources"].contains(head) else { return false }
            named = head
        }
        guard let named, let changed = field(of: change) else { return true }
        return named == changed
    }

    /// The key of the file that a change's aspect is written under (`result after` is
    /// `result_after`), or nil when the aspect is not one field.
    static func field(of change: PathwayChange) -> String? {
        let aspect = change.aspect
        if aspect.hasPrefix("attribute ") { return "attributes" }
        if aspect.hasPrefix("routing") || aspect == "branch" { return "branches" }
        if aspect.hasPrefix("handoff") { return "handoff" }
        let keys: [String: String] = [
            "clinical code": "code", "result after": "result_after", "subpathway": "pathway",
            "missed appointments": "did_not_attend", "cancelled appointments": "cancelled", "rebooked after": "rebooked_after",
            "demand growth": "arrivals", "opening hours": "calendar", "bank holidays": "calendar", "queue": "priority",
            "other work": "background",
        ]
        if let key = keys[aspect] { return key }
        if ["step", "order"].contains(aspect) { return nil }
        return aspect.contains(" ") ? nil : aspect
    }
}
