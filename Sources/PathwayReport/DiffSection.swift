import PathwayDiff
import PathwayExport
import PathwayModel
import PathwaySimulation

/// The diff view: the variant's diagram with every changed step coloured and labelled in words
/// (ADDED, REMOVED, CHANGED: what), so it reads in greyscale and for colour-blind readers, then
/// the change list with clinical weights and where each change is written.
struct DiffSection {
    var name: String
    var standard: Pathway
    var variant: Pathway
    var diff: PathwayDiff
    var impact: ImpactReport?
    var diagrams: DiagramEmbed

    func html(ids: inout ElementIDs) -> String {
        let articleID = ids.next("diff")
        var out = "<article id=\"\(articleID)\" aria-labelledby=\"\(articleID)-title\">\n"
        out += "<h3 id=\"\(articleID)-title\">\(HTMLText.escape(name)): \(HTMLText.escape(variant.title))</h3>\n"
        out += "<dl class=\"facts\">"
        out += "<dt>Variant</dt><dd><code>\(HTMLText.escape(diff.variant.file))</code> (\(HTMLText.escape(diff.variant.id)))</dd>"
        out += "<dt>Standard</dt><dd><code>\(HTMLText.escape(diff.standard.file))</code> (\(HTMLText.escape(diff.standard.id)))</dd>"
        out += "<dt>Conformance</dt><dd><span class=\"score\">\(HTMLText.number(diff.conformance.score))</span> out of 100</dd>"
        out += "<dt>Changes</dt><dd>\(diff.changes.count), total clinical weight \(HTMLText.number(diff.totalWeight, decimals: 2))</dd>"
        out += "<dt>Unjustified</dt><dd>\(diff.unjustified.count) (clinical weight 3 or more, no reason and evidence)</dd>"
        out += "</dl>\n"
        if diff.isEquivalent {
            return out + "<p>The variant says the same as the standard: no changes.</p>\n</article>\n"
        }
        if let impact { out += impactTable(impact) }
        let marks = StepMarks(diff: diff, standard: standard, variant: variant)
        out += "<figure>\n"
        let label = "Diagram of \(variant.title) with its departures from \(standard.title) marked in words: "
            + "\(marks.added.count) added, \(marks.changed.count) changed and \(marks.removed.count) removed steps. "
            + "The change list below says the same in a table."
        out += diagrams.figure(dot: marks.annotate(PathwaySection.topToBottom(DOTExporter().export(variant))), label: label, steps: variant.steps.count, id: ids.next("diagram"))
        out += "\n<figcaption>" + Self.legend + "</figcaption>\n</figure>\n"
        out += changeTable()
        return out + "</article>\n"
    }

    static let legend = "<ul class=\"legend\">"
        + "<li><span class=\"swatch sw-added\"></span><span class=\"tag added\">+ ADDED</span> a step the standard does not have</li>"
        + "<li><span class=\"swatch sw-changed\"></span><span class=\"tag changed\">~ CHANGED</span> a step done differently (how, in its label)</li>"
        + "<li><span class=\"swatch sw-removed\"></span><span class=\"tag removed\">− REMOVED</span> a standard step the variant leaves out (dashed, with dotted arrows to where it was)</li>"
        + "</ul>"

    /// Target attainment in the standard and the variant, and the paired change with its 95%
    /// interval, in words as well as numbers.
    private func impactTable(_ impact: ImpactReport) -> String {
        var out = "<table>\n<caption>Simulated impact on targets: \(impact.replications) paired replications, seed \(impact.seed)"
        if let days = impact.days { out += ", \(HTMLText.number(days, decimals: 0)) days of arrivals" }
        if impact.warmupDays > 0 { out += " after \(HTMLText.number(impact.warmupDays, decimals: 0)) days of warm-up" }
        out += "; both pathways draw the same random numbers</caption>\n<thead><tr><th scope=\"col\">Target</th><th scope=\"col\" class=\"num\">Standard asks</th>"
            + "<th scope=\"col\" class=\"num\">Standard pathway</th><th scope=\"col\" class=\"num\">This variant</th>"
            + "<th scope=\"col\" class=\"num\">Change (95% CI)</th><th scope=\"col\">Reading</th></tr></thead>\n<tbody>\n"
        func pct(_ v: Double) -> String { HTMLText.percent(v) }
        func points(_ v: Double) -> String {
            let rounded = HTMLText.number(abs(v) * 100)
            return (rounded == "0" ? "±" : v > 0 ? "+" : "−") + rounded + " points"
        }
        func signed(_ minutes: Double) -> String {
            let text = HTMLText.time(minutes: abs(minutes))
            return (minutes > 0 ? "+" : minutes < 0 ? "−" : "±") + text
        }
        for t in impact.targets {
            out += "<tr><th scope=\"row\">\(HTMLText.escape(t.title))</th><td class=\"num\">\(pct(t.required))</td>"
            guard let a = t.attainment else {
                out += "<td colspan=\"4\">\(t.inStandard ? "only in the standard" : "only in the variant")</td></tr>\n"
                continue
            }
            let reading = a.difference.low > 0 ? "<span class=\"meets\">better</span>"
                : a.difference.high < 0 ? "<span class=\"misses\">worse</span>" : "no clear change"
            out += "<td class=\"num\">\(pct(a.standard.mean))</td><td class=\"num\">\(pct(a.variant.mean))</td>"
            out += "<td class=\"num\">\(points(a.difference.mean)) (\(points(a.difference.low)) to \(points(a.difference.high)))</td><td>\(reading)"
            if a.variant.mean < t.required && a.standard.mean >= t.required { out += "; <span class=\"misses\">falls below the standard</span>" }
            out += "</td></tr>\n"
        }
        let m = impact.medianJourneyMinutes
        out += "<tr><th scope=\"row\">Median journey time</th><td class=\"num\">–</td><td class=\"num\">\(HTMLText.time(minutes: m.standard.mean))</td>"
        out += "<td class=\"num\">\(HTMLText.time(minutes: m.variant.mean))</td><td class=\"num\">\(signed(m.difference.mean)) "
            + "(\(signed(m.difference.low)) to \(signed(m.difference.high)))</td>"
        out += "<td>\(m.difference.high < 0 ? "<span class=\"meets\">shorter</span>" : m.difference.low > 0 ? "<span class=\"misses\">longer</span>" : "no clear change")</td></tr>\n"
        return out + "</tbody>\n</table>\n"
    }

    private func changeTable() -> String {
        var out = "<table class=\"sortable\">\n<caption>Changes from the standard, with their clinical weights</caption>\n<thead><tr>"
            + "<th scope=\"col\">Class</th><th scope=\"col\">About</th><th scope=\"col\">Change</th><th scope=\"col\" class=\"num\">Weight</th>"
            + "<th scope=\"col\">Where</th><th scope=\"col\">Reason and evidence</th></tr></thead>\n<tbody>\n"
        for change in diff.changes {
            out += "<tr><td data-sort=\"\(HTMLText.escape(change.changeClass.rawValue))\">\(Self.tag(change.changeClass))</td>"
            out += "<th scope=\"row\">\(HTMLText.escape(change.name))<br><span class=\"muted\">\(change.subject.rawValue) <code>\(HTMLText.escape(change.id))</code></span></th>"
            out += "<td>\(HTMLText.escape(change.summary))</td>"
            out += "<td class=\"num\" data-sort=\"\(NumberText.format3(change.weight))\">\(HTMLText.number(change.weight, decimals: 2))</td>"
            let places = [change.standardLocation.map { "standard " + $0.description }, change.variantLocation.map { "variant " + $0.description }]
                .compactMap { $0 }
            out += "<td><span class=\"muted\">\(places.map(HTMLText.escape).joined(separator: "<br>"))</span></td>"
            var why: [String] = []
            if let reason = change.reason { why.append(HTMLText.escape(reason)) }
            for e in change.evidence ?? [] { why.append("<span class=\"muted\">evidence: \(HTMLText.escape(e.title))</span>") }
            if change.unjustified { why.append("<strong class=\"misses\">unjustified</strong>: weight 3 or more without a reason and evidence") }
            out += "<td>\(why.joined(separator: "<br>"))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    /// A change class as a tag with its mark, so it reads without colour.
    static func tag(_ changeClass: ChangeClass) -> String {
        let kind = changeClass == .added ? "added" : changeClass == .removed ? "removed" : "changed"
        let mark = changeClass == .removed ? "−" : changeClass.mark
        return "<span class=\"tag \(kind)\">\(mark) \(HTMLText.escape(changeClass.title))</span>"
    }
}

/// Which of the variant's steps are added or changed, and which standard steps were removed:
/// the marks drawn on the variant's diagram.
struct StepMarks {
    /// Variant step ids that are new.
    var added: [String] = []
    /// Variant step ids with changes, with the classes of change in class order.
    var changed: [(id: String, classes: [ChangeClass])] = []
    /// Standard steps left out.
    var removed: [Step] = []
    let standard: Pathway
    let variant: Pathway
    let toVariant: [String: String]

    init(diff: PathwayDiff, standard: Pathway, variant: Pathway) {
        self.standard = standard
        self.variant = variant
        var toVariant: [String: String] = [:]
        for m in diff.matches { toVariant[m.standardID] = m.variantID }
        self.toVariant = toVariant
        var classes: [String: [ChangeClass]] = [:]
        var order: [String] = []
        for change in diff.changes where change.subject == .step {
            switch change.changeClass {
            case .added:
                if let id = change.variantID, !added.contains(id) { added.append(id) }
            case .removed:
                if let id = change.standardID, let step = standard.step(id), !removed.contains(where: { $0.id == id }) { removed.append(step) }
            default:
                guard let id = change.variantID ?? change.standardID.flatMap({ toVariant[$0] }), variant.step(id) != nil else { continue }
                if classes[id] == nil { order.append(id) }
                if !(classes[id] ?? []).contains(change.changeClass) { classes[id, default: []].append(change.changeClass) }
            }
        }
        changed = order.filter { !added.contains($0) }.map { ($0, (classes[$0] ?? []).sorted()) }
    }

    /// The DOT with node statements appended that restyle and relabel the marked steps (DOT
    /// merges attributes given to a node again), and dashed ghost nodes for removed steps.
    func annotate(_ dot: String) -> String {
        guard let close = dot.range(of: "}", options: .backwards) else { return dot }
        var extra = ""
        for id in added {
            let title = variant.step(id)?.displayName ?? id
            extra += "  \"\(Escaping.dot(id))\" [label=\"\(Escaping.dot("+ ADDED\n" + LabelText.wrap(title)))\", style=\"filled,bold\", fillcolor=\"#e3f4e6\", color=\"#0b5d1e\", penwidth=4, fontsize=13, fontcolor=\"#0b3d14\"];\n"
        }
        for (id, classes) in changed {
            let title = variant.step(id)?.displayName ?? id
            let what = LabelText.wrap("~ CHANGED: " + classes.map(\.title).joined(separator: ", "))
            extra += "  \"\(Escaping.dot(id))\" [label=\"\(Escaping.dot(what + "\n" + LabelText.wrap(title)))\", style=\"filled,bold\", fillcolor=\"#fff1c7\", color=\"#6b4a00\", penwidth=4, fontsize=13];\n"
        }
        for (k, step) in removed.enumerated() {
            let ghost = "__removed_\(k)"
            extra += "  \"\(ghost)\" [label=\"\(Escaping.dot("− REMOVED\n" + LabelText.wrap(step.displayName)))\", shape=box, style=\"dashed,filled\", fillcolor=\"#fbe6e6\", color=\"#8a1c1c\", fontcolor=\"#8a1c1c\", penwidth=3, fontsize=13];\n"
            for before in standard.steps where before.successors.contains(step.id) {
                if let v = toVariant[before.id] {
                    extra += "  \"\(Escaping.dot(v))\" -> \"\(ghost)\" [style=dotted, color=\"#8a1c1c\", arrowhead=empty];\n"
                }
            }
            for after in step.successors {
                if let v = toVariant[after] {
                    extra += "  \"\(ghost)\" -> \"\(Escaping.dot(v))\" [style=dotted, color=\"#8a1c1c\", arrowhead=empty];\n"
                }
            }
        }
        var out = dot
        out.replaceSubrange(close, with: extra + "}")
        return out
    }
}
