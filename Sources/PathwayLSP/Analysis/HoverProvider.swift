import PathwayLanguage
import PathwayModel

/// What to show when the pointer rests on an id or a key: for a step, its summary (kind,
/// organisation, title, timing, resource, the data it requires and produces, where it goes
/// next); for other ids, what they are; for a key, the language's explanation of it.
public struct HoverProvider {
    /// The document.
    public var analysis: DocumentAnalysis
    /// The language's explanations.
    public var catalogue: SchemaCatalogue = .shared

    /// A provider for one document.
    public init(analysis: DocumentAnalysis) { self.analysis = analysis }

    /// The hover at `position`, or `nil` when there is nothing to say.
    public func hover(at position: Position) -> Hover? {
        if let o = analysis.symbols.occurrence(at: position), let text = summary(o.kind, o.name) {
            return Hover(contents: .markdown(text), range: o.range)
        }
        let overlay = OverlayPaths(entries: analysis.outline.entries)
        if let e = analysis.outline.entries.first(where: { $0.keyRange?.contains(position) == true }),
           let text = catalogue.description(at: overlay.effectiveShape(of: e)) {
            return Hover(contents: .markdown("**\(e.key ?? "")**: \(text)"), range: e.keyRange)
        }
        return nil
    }

    /// The Markdown summary of an id.
    public func summary(_ kind: SymbolKind, _ id: String) -> String? {
        guard let p = analysis.pathway else {
            return analysis.symbols.occurrences(of: kind, id).isEmpty ? nil : "**\(id)** (\(kind.rawValue)); the file does not load yet, so no more is known"
        }
        switch kind {
        case .step:
            guard let s = p.step(id) else { return "**\(id)**: not a step of this pathway" }
            return stepSummary(s, in: p)
        case .organisation:
            guard let o = p.organisation(id) else { return nil }
            let steps = p.steps.filter { $0.organisation == id }.map(\.id)
            return "**\(o.name)** (`\(id)`, \(o.type.rawValue))\n\n\(steps.count) step\(steps.count == 1 ? "" : "s") here"
                + (steps.isEmpty ? "" : ": " + steps.prefix(12).map { "`\($0)`" }.joined(separator: ", ") + (steps.count > 12 ? ", …" : ""))
        case .resource:
            guard let r = p.resource(id) else { return nil }
            var lines = ["**\(r.name ?? id)** (`\(id)`, resource at `\(r.organisation)`)", "", "- capacity: \(r.capacity)"]
            if let c = r.calendar { lines.append("- open: \(c.text)") }
            let users = p.steps.filter { $0.resource == id }.map { "`\($0.id)`" }
            if !users.isEmpty { lines.append("- used by: " + users.joined(separator: ", ")) }
            return lines.joined(separator: "\n")
        case .attribute:
            guard let a = p.attribute(id) else { return nil }
            return "**\(id)** (patient attribute): \(AttributeText.describe(a))" + (a.description.map { "\n\n\($0)" } ?? "")
        case .data:
            let declared = p.dataItems.first { $0.name == id }
            let producers = p.steps.filter { $0.produces.contains { $0.name == id } }.map { "`\($0.id)`" }
            let users = p.steps.filter { $0.requires.contains { $0.name == id } }.map { "`\($0.id)`" }
            var lines = ["**\(id)** (data item\(declared?.type.map { ", \($0)" } ?? ""))"]
            if let d = declared?.description { lines += ["", d] }
            lines.append("")
            lines.append("- produced by: " + (producers.isEmpty ? "no step" : producers.joined(separator: ", ")))
            lines.append("- required by: " + (users.isEmpty ? "no step" : users.joined(separator: ", ")))
            return lines.joined(separator: "\n")
        case .target:
            guard let t = p.targets.first(where: { $0.id == id }) else { return nil }
            return "**\(t.title ?? id)**: \(AttributeText.percent(t.standard)) from `\(t.from)` to "
                + t.to.map { "`\($0)`" }.joined(separator: " or ") + " within \(t.within)"
        }
    }

    private func stepSummary(_ s: Step, in p: Pathway) -> String {
        var head = "**\(s.displayName)**"
        if s.title != nil { head += " (`\(s.id)`)" }
        head += ": \(s.kind.article) \(s.kind.rawValue) step"
        if let org = s.organisation { head += " at \(p.organisation(org)?.name ?? org)" }
        var lines = [head, ""]
        if let role = s.role { lines.append("- who: \(role)") }
        if let r = s.resource { lines.append("- resource: `\(r)`" + (p.resource(r)?.name.map { " (\($0))" } ?? "")) }
        if let d = s.duration { lines.append("- takes: \(InspectionReport.describe(d))") }
        if let d = s.resultAfter { lines.append("- result after: \(InspectionReport.describe(d))") }
        if let e = s.every { lines.append("- sits every \(e)") }
        if !s.requires.isEmpty { lines.append("- requires: " + s.requires.map { "`\($0.name)`" }.joined(separator: ", ")) }
        if !s.produces.isEmpty { lines.append("- produces: " + s.produces.map { "`\($0.name)`" }.joined(separator: ", ")) }
        switch s.kind {
        case .decision:
            lines.append("- branches:")
            for b in s.branches {
                var how: [String] = []
                if let w = b.when { how.append("when `\(w.text)`") }
                if let pr = b.probability { how.append(AttributeText.percent(pr)) }
                if b.otherwise { how.append("otherwise") }
                lines.append("  - to `\(b.to)`" + (how.isEmpty ? "" : " (" + how.joined(separator: ", ") + ")"))
            }
        case .parallel:
            lines.append("- paths: " + s.paths.map { "`\($0)`" }.joined(separator: ", ") + (s.join.map { ", joining at `\($0)`" } ?? ""))
        case .end:
            if let o = s.outcome { lines.append("- outcome: \(o)") }
        default:
            if let n = s.next { lines.append("- next: `\(n)`") }
        }
        if let h = s.handoff {
            var parts: [String] = []
            if let d = h.delay { parts.append("delay \(InspectionReport.describe(d))") }
            if let sends = h.sends { parts.append("sends " + (sends.isEmpty ? "nothing" : sends.map { "`\($0)`" }.joined(separator: ", "))) }
            if let via = h.via { parts.append("via \(via)") }
            lines.append("- handoff: " + parts.joined(separator: "; "))
        }
        let from = p.steps.filter { $0.onward.contains(s.id) }.map { "`\($0.id)`" }
        if !from.isEmpty { lines.append("- reached from: " + from.prefix(8).joined(separator: ", ") + (from.count > 8 ? ", …" : "")) }
        if let d = s.description { lines += ["", d] }
        return lines.joined(separator: "\n")
    }
}
