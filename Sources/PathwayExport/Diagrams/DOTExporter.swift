import PathwayModel

/// Writes a pathway as a Graphviz DOT digraph: one cluster per organisation, decisions as
/// diamonds, parallel splits as bars, waits as dashed ellipses, ends as double-bordered boxes,
/// and handoffs (moves between organisations) as bold dashed edges labelled with their delay.
///
/// The layout reads from the start: ranks are computed over the whole graph (`newrank`), not
/// cluster by cluster, so a journey that leaves an organisation and comes back cannot push the
/// start rightwards; the start node has the source rank; the entry organisation's cluster comes
/// first; and edges that loop back (to a step met earlier in journey order) do not constrain
/// the ranking.
public struct DOTExporter: Sendable {
    /// An exporter.
    public init() {}

    /// The DOT text.
    public func export(_ pathway: Pathway) -> String {
        let facts = PathwayFacts(pathway)
        let position = Dictionary(facts.order.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        var out = "digraph \"\(Escaping.dot(pathway.id))\" {\n"
        out += "  graph [rankdir=LR, newrank=true, fontname=\"Helvetica\", label=\"\(Escaping.dot("\(pathway.title) (version \(pathway.version))"))\", labelloc=t];\n"
        out += "  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\"];\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=9];\n"
        out += "  \"__start__\" [label=\"\", shape=circle, width=0.25, style=filled, fillcolor=\"#000000\"];\n"
        out += "  { rank=source; \"__start__\"; }\n"

        let organisations = pathway.organisations.map(\.id)
        var grouped: [String: [Step]] = [:]
        var loose: [Step] = []
        for step in facts.order {
            if let org = facts.diagramOrganisation(step) { grouped[org, default: []].append(step) } else { loose.append(step) }
        }
        var orgOrder = organisations.filter { grouped[$0] != nil }
        for step in facts.order { if let o = facts.diagramOrganisation(step), !orgOrder.contains(o) { orgOrder.append(o) } }
        // The entry organisation first, so its cluster is drawn first (top of the diagram).
        if let entry = facts.organisationOf[pathway.start], let at = orgOrder.firstIndex(of: entry) {
            orgOrder.insert(orgOrder.remove(at: at), at: 0)
        }
        for (i, org) in orgOrder.enumerated() {
            let title = facts.organisationName(org) ?? org
            let type = pathway.organisation(org).map { " (\($0.type.rawValue))" } ?? ""
            out += "  subgraph \"cluster_\(i)\" {\n"
            out += "    label=\"\(Escaping.dot(title + type))\"; style=\"rounded,filled\"; fillcolor=\"\(Self.palette[i % Self.palette.count])\"; color=\"#999999\";\n"
            for step in grouped[org] ?? [] { out += "    " + node(step) + "\n" }
            out += "  }\n"
        }
        for step in loose { out += "  " + node(step) + "\n" }

        out += "  \"__start__\" -> \"\(Escaping.dot(pathway.start))\";\n"
        for step in facts.order {
            switch step.kind {
            case .decision:
                for branch in step.branches {
                    out += "  " + edge(step, to: branch.to, label: branch.label ?? shortRule(branch), facts, position) + "\n"
                }
            case .parallel:
                for path in step.paths { out += "  " + edge(step, to: path, label: nil, facts, position) + "\n" }
                if let join = step.join {
                    out += "  \"\(Escaping.dot(step.id))\" -> \"\(Escaping.dot(join))\" [style=dotted, arrowhead=none, constraint=false, label=\"joins\"];\n"
                }
            default:
                for next in step.successors { out += "  " + edge(step, to: next, label: nil, facts, position) + "\n" }
            }
        }
        out += "}\n"
        return out
    }

    static let palette = ["#eef5fb", "#f3f9ee", "#fdf5e8", "#f6effa", "#fbeeee", "#eefaf7", "#f7f7f7"]

    private func node(_ step: Step) -> String {
        var label = LabelText.wrap(step.title ?? step.id)
        var attrs: [String] = []
        switch step.kind {
        case .decision: attrs.append("shape=diamond, style=filled, fillcolor=\"#fff7d6\"")
        case .parallel: attrs.append("shape=box, style=filled, fillcolor=\"#333333\", fontcolor=\"#ffffff\", height=0.3")
        case .wait:
            attrs.append("shape=ellipse, style=dashed")
            if let d = step.duration { label += "\n" + TimeText.brief(d) }
        case .end:
            attrs.append("shape=box, style=\"rounded,filled,bold\", peripheries=2, fillcolor=\"#e8e8e8\"")
            if let outcome = step.outcome, outcome != label { label += "\n" + outcome }
        case .subpathway: attrs.append("peripheries=2")
        default:
            if let role = step.role { label += "\n" + LabelText.wrap(role) }
            if let d = step.duration { label += "\n" + TimeText.brief(d) }
        }
        attrs.insert("label=\"\(Escaping.dot(label))\"", at: 0)
        return "\"\(Escaping.dot(step.id))\" [\(attrs.joined(separator: ", "))];"
    }

    private func shortRule(_ branch: Branch) -> String {
        if let when = branch.when { return ConditionText.render(when.expression, .words) }
        if branch.otherwise { return "otherwise" }
        if let p = branch.probability { return "\(NumberText.format3(p * 100))%" }
        return ""
    }

    private func edge(_ step: Step, to next: String, label: String?, _ facts: PathwayFacts, _ position: [String: Int]) -> String {
        var attrs: [String] = []
        // A loop back to a step met earlier in journey order (or to itself) does not set ranks,
        // so it cannot pull the layout out of journey order.
        if let a = position[step.id], let b = position[next], b <= a { attrs.append("constraint=false") }
        var text = label ?? ""
        if facts.crosses(step.id, next) {
            var handoff = "handoff"
            if let delay = step.handoff?.delay { handoff += " " + TimeText.brief(delay) }
            if let via = step.handoff?.via { handoff += " via " + via }
            text = text.isEmpty ? handoff : text + "\n" + handoff
            attrs.append("style=\"bold,dashed\", color=\"#c0392b\"")
        }
        if !text.isEmpty { attrs.insert("label=\"\(Escaping.dot(LabelText.wrap(text, width: 36)))\"", at: 0) }
        let tail = attrs.isEmpty ? "" : " [\(attrs.joined(separator: ", "))]"
        return "\"\(Escaping.dot(step.id))\" -> \"\(Escaping.dot(next))\"\(tail);"
    }
}
