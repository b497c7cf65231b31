import PathwayDiff
import PathwayExport
import PathwayModel

/// The region view: each trust's conformance score (sortable), and the matrix of steps × trusts
/// as a heat map, each cell saying in words what the trust does with the step.
struct RegionSection {
    var region: RegionComparison

    func html(ids: inout ElementIDs) -> String {
        var out = "<p>\(region.trusts.count) trust\(region.trusts.count == 1 ? "" : "s") compared with the standard "
            + "<strong>\(HTMLText.escape(region.standard.title))</strong> (<code>\(HTMLText.escape(region.standard.file))</code>). "
            + "Conformance is 0 to 100, weighted by the clinical weight of each departure (100: every step and target as the standard says).</p>\n"
        out += scores()
        out += matrix()
        return out
    }

    private func scores() -> String {
        var out = "<h3>Conformance per trust</h3>\n<table class=\"sortable\">\n<caption>Conformance scores (select a heading to sort)</caption>\n<thead><tr>"
            + "<th scope=\"col\">Trust</th><th scope=\"col\" class=\"num\">Conformance (0–100)</th><th scope=\"col\" class=\"num\">Changes</th>"
            + "<th scope=\"col\" class=\"num\">Clinical weight</th><th scope=\"col\" class=\"num\">Steps left out</th><th scope=\"col\" class=\"num\">Steps added</th>"
            + "<th scope=\"col\" class=\"num\">Changes to targets, resources, pathway</th></tr></thead>\n<tbody>\n"
        for trust in region.trusts {
            let d = trust.diff
            let removed = d.changes.filter { $0.subject == .step && $0.changeClass == .removed }.count
            let added = d.changes.filter { $0.subject == .step && $0.changeClass == .added }.count
            let level = d.conformance.score >= 95 ? 0 : d.conformance.score >= 85 ? 1 : d.conformance.score >= 70 ? 2 : d.conformance.score >= 50 ? 3 : 4
            out += "<tr><th scope=\"row\">\(HTMLText.escape(trust.name))<br><span class=\"muted\">\(HTMLText.escape(d.variant.title))</span></th>"
            out += "<td class=\"num heat h\(level)\" data-sort=\"\(NumberText.format3(d.conformance.score))\"><strong>\(HTMLText.number(d.conformance.score))</strong></td>"
            out += "<td class=\"num\">\(d.changes.count)</td><td class=\"num\" data-sort=\"\(NumberText.format3(d.totalWeight))\">\(HTMLText.number(d.totalWeight, decimals: 2))</td>"
            out += "<td class=\"num\">\(removed)</td><td class=\"num\">\(added)</td><td class=\"num\">\(trust.pathwayChanges.count)</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private func matrix() -> String {
        let maxWeight = region.rows.flatMap { $0.cells.filter { $0.state == .changed }.map(\.weight) }.max() ?? 0
        var out = "<h3>Steps × trusts</h3>\n"
        out += "<ul class=\"legend\"><li><span class=\"swatch h0\"></span>same: as the standard</li>"
            + "<li><span class=\"swatch h1\"></span><span class=\"swatch h2\"></span><span class=\"swatch h3\"></span><span class=\"swatch h4\"></span>changed: darker is a heavier clinical weight (named in the cell)</li>"
            + "<li><span class=\"swatch hmiss\"></span>MISSING: a standard step the trust leaves out</li>"
            + "<li><span class=\"swatch hadd\"></span>ADDED: a step of the trust's own</li>"
            + "<li><span class=\"swatch habs\"></span>–: another trust's added step, not here</li></ul>\n"
        out += "<table class=\"sortable heatmap\">\n<caption>What each trust does with each step of the standard (rows after the standard's steps are steps trusts added)</caption>\n<thead><tr><th scope=\"col\">Step</th>"
        for trust in region.trusts { out += "<th scope=\"col\">\(HTMLText.escape(trust.name))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for row in region.rows {
            out += "<tr><th scope=\"row\">\(row.added ? "<span class=\"tag added\">+ added</span> " : "")\(HTMLText.escape(row.name))<br><code class=\"muted\">\(HTMLText.escape(row.id))</code></th>"
            for cell in row.cells {
                switch cell.state {
                case .same:
                    out += "<td class=\"heat h0\" data-sort=\"0\">same</td>"
                case .changed:
                    let level = maxWeight > 0 ? min(4, 1 + Int(3.999 * cell.weight / maxWeight)) : 1
                    out += "<td class=\"heat h\(level)\" data-sort=\"\(NumberText.format3(cell.weight))\">\(cell.classes.map { HTMLText.escape($0.title) }.joined(separator: ", "))"
                        + "<br>weight \(HTMLText.number(cell.weight, decimals: 2))</td>"
                case .missing:
                    out += "<td class=\"heat hmiss\" data-sort=\"\(NumberText.format3(1000 + cell.weight))\"><strong>MISSING</strong><br>weight \(HTMLText.number(cell.weight, decimals: 2))</td>"
                case .added:
                    out += "<td class=\"heat hadd\" data-sort=\"\(NumberText.format3(cell.weight))\"><strong>ADDED</strong><br>weight \(HTMLText.number(cell.weight, decimals: 2))</td>"
                case .absent:
                    out += "<td class=\"heat habs\" data-sort=\"-1\">–</td>"
                }
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }
}
