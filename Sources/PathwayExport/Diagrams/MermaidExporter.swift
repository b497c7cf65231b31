import Foundation
import PathwayModel

/// Writes a pathway as a Mermaid flowchart: one subgraph per organisation, decisions as
/// rhombi, handoffs as thick arrows labelled with their delay. Node ids are generated
/// (`s1`, `s2`, ...) so no step id can clash with Mermaid keywords such as `end`.
public struct MermaidExporter: Sendable {
    /// An exporter.
    public init() {}

    /// The Mermaid text.
    public func export(_ pathway: Pathway) -> String {
        let facts = PathwayFacts(pathway)
        var nodeID: [String: String] = [:]
        for (i, step) in facts.order.enumerated() { nodeID[step.id] = "s\(i + 1)" }
        // The title sits in YAML front matter: single-quoted, so backslashes stay literal.
        let title = Escaping.mermaid(pathway.title).replacingOccurrences(of: "'", with: "''")
        var out = "---\ntitle: '\(title)'\n---\nflowchart LR\n"
        out += "  start((\" \"))\n"

        var grouped: [String: [Step]] = [:]
        var loose: [Step] = []
        for step in facts.order {
            if let org = facts.organisationOf[step.id] { grouped[org, default: []].append(step) } else { loose.append(step) }
        }
        var orgOrder = pathway.organisations.map(\.id).filter { grouped[$0] != nil }
        for step in facts.order { if let o = facts.organisationOf[step.id], !orgOrder.contains(o) { orgOrder.append(o) } }
        for (i, org) in orgOrder.enumerated() {
            out += "  subgraph org\(i + 1)[\"\(Escaping.mermaid(facts.organisationName(org) ?? org))\"]\n"
            for step in grouped[org] ?? [] { out += "    " + node(step, nodeID[step.id] ?? "") + "\n" }
            out += "  end\n"
        }
        for step in loose { out += "  " + node(step, nodeID[step.id] ?? "") + "\n" }

        if let first = nodeID[pathway.start] { out += "  start --> \(first)\n" }
        for step in facts.order {
            guard let from = nodeID[step.id] else { continue }
            let moves: [(String, String?)]
            switch step.kind {
            case .decision: moves = step.branches.map { ($0.to, $0.label ?? shortRule($0)) }
            default: moves = step.successors.map { ($0, nil) }
            }
            for (next, label) in moves {
                guard let to = nodeID[next] else { continue }
                var text = label ?? ""
                var arrow = "-->"
                if facts.crosses(step.id, next) {
                    arrow = "==>"
                    var handoff = "handoff"
                    if let delay = step.handoff?.delay { handoff += " " + TimeText.short(delay) }
                    text = text.isEmpty ? handoff : text + "\n" + handoff
                }
                out += text.isEmpty ? "  \(from) \(arrow) \(to)\n" : "  \(from) \(arrow)|\"\(Escaping.mermaid(text))\"| \(to)\n"
            }
            if step.kind == .parallel, let join = step.join, let to = nodeID[join] {
                out += "  \(from) -.-|\"joins\"| \(to)\n"
            }
        }
        return out
    }

    private func shortRule(_ branch: Branch) -> String {
        if let when = branch.when { return ConditionText.render(when.expression, .words) }
        if branch.otherwise { return "otherwise" }
        if let p = branch.probability { return "\(format3(p * 100))%" }
        return ""
    }

    private func node(_ step: Step, _ id: String) -> String {
        var label = LabelText.wrap(step.title ?? step.id)
        if step.kind == .wait, let d = step.duration { label += "\n" + TimeText.short(d) }
        if step.kind == .end, let outcome = step.outcome, outcome != label { label += "\n" + outcome }
        let text = "\"" + Escaping.mermaid(label) + "\""
        switch step.kind {
        case .decision: return "\(id){\(text)}"
        case .parallel: return "\(id)[[\(text)]]"
        case .wait: return "\(id)([\(text)])"
        case .end: return "\(id)(((\(text))))"
        case .subpathway: return "\(id)[[\(text)]]"
        default: return "\(id)[\(text)]"
        }
    }
}
