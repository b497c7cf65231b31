import Foundation
import PathwayModel

/// Writes a pathway as a Mermaid flowchart: one subgraph per organisation (named with its
/// type, the entry organisation first), decisions as rhombi with labelled branches, parallel
/// splits as dark boxes with a dotted `joins` link, waits as dashed stadiums with the wait, ends
/// as double circles with the outcome, subpathways as double-bordered boxes, and handoffs as
/// thick red arrows labelled with their delay and channel. Task labels show title, role and
/// duration. Node ids are generated (`s1`, `s2`, ...) so no step id can clash with Mermaid
/// keywords such as `end`.
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
            if let org = facts.diagramOrganisation(step) { grouped[org, default: []].append(step) } else { loose.append(step) }
        }
        var orgOrder = pathway.organisations.map(\.id).filter { grouped[$0] != nil }
        for step in facts.order { if let o = facts.diagramOrganisation(step), !orgOrder.contains(o) { orgOrder.append(o) } }
        // The entry organisation first, as in the DOT diagram.
        if let entry = facts.organisationOf[pathway.start], let at = orgOrder.firstIndex(of: entry) {
            orgOrder.insert(orgOrder.remove(at: at), at: 0)
        }
        for (i, org) in orgOrder.enumerated() {
            let type = pathway.organisation(org).map { " (\($0.type.rawValue))" } ?? ""
            out += "  subgraph org\(i + 1)[\"\(Escaping.mermaid((facts.organisationName(org) ?? org) + type))\"]\n"
            for step in grouped[org] ?? [] { out += "    " + node(step, nodeID[step.id] ?? "") + "\n" }
            out += "  end\n"
        }
        for step in loose { out += "  " + node(step, nodeID[step.id] ?? "") + "\n" }

        // Mermaid numbers links in the order they are written, from 0; handoffs are styled by number.
        var links = 0
        var handoffLinks: [Int] = []
        if let first = nodeID[pathway.start] {
            out += "  start --> \(first)\n"
            links += 1
        }
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
                    if let delay = step.handoff?.delay { handoff += " " + TimeText.brief(delay) }
                    if let via = step.handoff?.via { handoff += " via " + via }
                    text = text.isEmpty ? handoff : text + "\n" + handoff
                    handoffLinks.append(links)
                }
                out += text.isEmpty ? "  \(from) \(arrow) \(to)\n" : "  \(from) \(arrow)|\"\(Escaping.mermaid(LabelText.wrap(text, width: 36)))\"| \(to)\n"
                links += 1
            }
            if step.kind == .parallel, let join = step.join, let to = nodeID[join] {
                out += "  \(from) -.-|\"joins\"| \(to)\n"
                links += 1
            }
        }

        out += "  classDef parallel fill:#333333,stroke:#333333,color:#ffffff\n"
        out += "  classDef wait stroke-dasharray:5 5\n"
        out += "  classDef decision fill:#fff7d6\n"
        for (kind, name) in [(StepKind.parallel, "parallel"), (.wait, "wait"), (.decision, "decision")] {
            let ids = facts.order.filter { $0.kind == kind }.compactMap { nodeID[$0.id] }
            if !ids.isEmpty { out += "  class \(ids.joined(separator: ",")) \(name)\n" }
        }
        if !handoffLinks.isEmpty {
            out += "  linkStyle \(handoffLinks.map(String.init).joined(separator: ",")) stroke:#c0392b,stroke-width:3px,stroke-dasharray:6 4\n"
        }
        return out
    }

    private func shortRule(_ branch: Branch) -> String {
        if let when = branch.when { return ConditionText.render(when.expression, .words) }
        if branch.otherwise { return "otherwise" }
        if let p = branch.probability { return "\(NumberText.format3(p * 100))%" }
        return ""
    }

    private func node(_ step: Step, _ id: String) -> String {
        var label = LabelText.wrap(step.title ?? step.id)
        switch step.kind {
        case .wait:
            if let d = step.duration { label += "\n" + TimeText.brief(d) }
        case .end:
            if let outcome = step.outcome, outcome != label { label += "\n" + outcome }
        case .decision, .parallel, .subpathway:
            break
        default:
            if let role = step.role { label += "\n" + LabelText.wrap(role) }
            if let d = step.duration { label += "\n" + TimeText.brief(d) }
        }
        let text = "\"" + Escaping.mermaid(label) + "\""
        switch step.kind {
        case .decision: return "\(id){\(text)}"
        case .parallel: return "\(id)[\(text)]"
        case .wait: return "\(id)([\(text)])"
        case .end: return "\(id)(((\(text))))"
        case .subpathway: return "\(id)[[\(text)]]"
        default: return "\(id)[\(text)]"
        }
    }
}
