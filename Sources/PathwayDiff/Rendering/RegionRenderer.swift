import Foundation
import PathwayModel

/// Prints the region matrix and conformance scores as text, JSON, CSV or Markdown.
public enum RegionRenderer {
    /// Short names of the classes, for the text matrix's narrow cells.
    static let shortNames: [ChangeClass: String] = [
        .added: "added", .removed: "missing", .renamed: "ren", .movedOrganisation: "org", .reordered: "order",
        .rewired: "wire", .retimed: "time", .branchChanged: "branch", .resourceChanged: "res", .dataLost: "data-",
        .dataAdded: "data+", .targetChanged: "target", .detailChanged: "detail",
    ]

    /// A row's label in the text matrix: the step id, or `target ID`, `resource ID`, `pathway`.
    static func label(_ row: RegionRow) -> String {
        switch row.subject {
        case .step: row.id
        case .pathway: "pathway"
        case .target, .resource: "\(row.subject.rawValue) \(row.id)"
        }
    }

    /// The matrix as a terminal table, with a legend and the scores under it.
    public static func text(_ region: RegionComparison, colour: Bool = false) -> String {
        let style = TerminalStyle(enabled: colour)
        var out = style.bold("Region matrix: \(TerminalText.safe(region.standard.title))") + "\n"
        out += "standard: \(TerminalText.safe(region.standard.file))\n\n"
        let labels = region.rows.map { ($0.added ? "+ " : "  ") + TerminalText.safe(label($0)) }
        let names = region.trusts.map { TerminalText.safe($0.name) }
        let labelWidth = min(40, max(4, labels.map(\.count).max() ?? 4))
        let cellTexts = region.rows.map { row in row.cells.map(textCell) }
        var widths = names.map { max(5, $0.count) }
        for cells in cellTexts { for (k, c) in cells.enumerated() { widths[k] = max(widths[k], c.count) } }
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? String(s.prefix(n)) : s + String(repeating: " ", count: n - s.count) }
        out += pad("step", labelWidth)
        for (k, name) in names.enumerated() { out += "  " + style.bold(pad(name, widths[k])) }
        out += "\n" + String(repeating: "-", count: labelWidth + widths.reduce(0) { $0 + $1 + 2 }) + "\n"
        for (r, row) in region.rows.enumerated() {
            out += pad(labels[r], labelWidth)
            for (k, cell) in row.cells.enumerated() {
                let text = pad(cellTexts[r][k], widths[k])
                switch cell.state {
                case .same: out += "  " + style.dim(text)
                case .changed: out += "  " + style.yellow(text)
                case .missing: out += "  " + style.red(text)
                case .added: out += "  " + style.green(text)
                case .absent: out += "  " + text
                }
            }
            out += "\n"
        }
        out += "\nconformance (0-100, weighted by clinical weight)\n"
        for (k, t) in region.trusts.enumerated() {
            let others = t.pathwayChanges.count
            out += "  " + pad(names[k], widths.max() ?? 10) + "  " + style.bold(pad(NumberText.format3(t.diff.conformance.score), 5))
            out += "  \(t.diff.changes.count) changes, weight \(NumberText.format3(t.diff.totalWeight))"
            if others > 0 { out += " (\(others) to targets, resources or the whole pathway)" }
            let unjustified = t.diff.unjustified.count
            if unjustified > 0 { out += "; " + style.red("\(unjustified) unjustified") }
            out += "\n"
        }
        out = out.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var l = Substring(line)
            while l.last == " " { l.removeLast() }
            return String(l)
        }.joined(separator: "\n")
        out += "\n" + style.dim("= same  missing: left out  added: trust's own step  ·: not in this trust\n"
            + "changed: " + ChangeClass.allCases.filter { $0 != .added && $0 != .removed }
                .map { "\(shortNames[$0] ?? $0.rawValue) \($0.title)" }.joined(separator: ", ")) + "\n"
        return out
    }

    private static func textCell(_ cell: RegionCell) -> String {
        switch cell.state {
        case .same: "="
        case .missing: "missing"
        case .added: "added"
        case .absent: "·"
        case .changed: cell.classes.map { shortNames[$0] ?? $0.rawValue }.joined(separator: ",")
        }
    }

    private static func fullCell(_ cell: RegionCell) -> String {
        switch cell.state {
        case .same: "same"
        case .missing: "missing"
        case .added: "added"
        case .absent: ""
        case .changed: "changed: " + cell.classes.map(\.rawValue).joined(separator: ", ")
        }
    }

    /// The matrix as CSV: one row per step, one column per trust, a last row of scores.
    /// Cells that a spreadsheet would read as a formula are neutralised.
    public static func csv(_ region: RegionComparison) -> String {
        var lines: [String] = []
        lines.append((["step", "title", "added-by-trust"] + region.trusts.map(\.name)).map(csvField).joined(separator: ","))
        for row in region.rows {
            lines.append(([row.id, row.name, row.added ? "yes" : "no"] + row.cells.map(fullCell)).map(csvField).joined(separator: ","))
        }
        lines.append((["conformance", "", ""] + region.trusts.map { NumberText.format3($0.diff.conformance.score) }).map(csvField).joined(separator: ","))
        lines.append((["unjustified", "", ""] + region.trusts.map { String($0.diff.unjustified.count) }).map(csvField).joined(separator: ","))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The matrix and scores as Markdown tables.
    public static func markdown(_ region: RegionComparison) -> String {
        var out = "# Region matrix: \(DiffRenderer.escape(region.standard.title))\n\n"
        out += "Standard: `\(region.standard.file)`\n\n"
        out += "## Conformance\n\n| Trust | Variant | Score (0-100) | Changes | Clinical weight | Unjustified |\n|---|---|---:|---:|---:|---:|\n"
        for t in region.trusts {
            out += "| \(DiffRenderer.escape(t.name)) | \(DiffRenderer.escape(t.diff.variant.title)) | \(NumberText.format3(t.diff.conformance.score)) | \(t.diff.changes.count) | \(NumberText.format3(t.diff.totalWeight)) | \(t.diff.unjustified.count) |\n"
        }
        out += "\n## Steps\n\n| Step | " + region.trusts.map { DiffRenderer.escape($0.name) }.joined(separator: " | ") + " |\n"
        out += "|---|" + region.trusts.map { _ in "---|" }.joined() + "\n"
        for row in region.rows {
            let label = row.added ? "+ `\(row.id)` (added)" : (row.subject == .step ? "`\(row.id)`" : "\(row.subject.rawValue) `\(row.id)`")
            out += "| \(label) | " + row.cells.map { DiffRenderer.escape(fullCell($0)) }.joined(separator: " | ") + " |\n"
        }
        let others = region.trusts.flatMap { t in t.pathwayChanges.map { (t.name, $0) } }
        if !others.isEmpty {
            out += "\n## Targets, resources and pathway\n\n| Trust | Class | Subject | Change |\n|---|---|---|---|\n"
            for (name, c) in others {
                out += "| \(DiffRenderer.escape(name)) | \(c.changeClass.rawValue) | \(DiffRenderer.escape(DiffRenderer.subjectName(c))) | \(DiffRenderer.escape(c.summary)) |\n"
            }
        }
        return out
    }

    /// Everything as JSON: the matrix, and for each trust its score and full change list.
    public static func json(_ region: RegionComparison) throws -> String {
        try DiffRenderer.encode(RegionDocument(region))
    }

    /// `csvField`, visible to tests.
    public static func csvFieldForTesting(_ value: String) -> String { csvField(value) }

    /// A CSV field: see `CSVText.field`.
    static func csvField(_ value: String) -> String { CSVText.field(value) }
}

/// The JSON shape of a region comparison.
struct RegionDocument: Encodable {
    struct Trust: Encodable {
        var name: String
        var variant: PathwaySummary
        var conformance: ConformanceScore
        var totalWeight: Double
        var unjustified: Int
        var changes: [PathwayChange]
    }
    var standard: PathwaySummary
    var trusts: [Trust]
    var rows: [RegionRow]

    init(_ region: RegionComparison) {
        standard = region.standard
        trusts = region.trusts.map {
            Trust(name: $0.name, variant: $0.diff.variant, conformance: $0.diff.conformance,
                  totalWeight: ($0.diff.totalWeight * 1000).rounded() / 1000, unjustified: $0.diff.unjustified.count,
                  changes: $0.diff.changes)
        }
        rows = region.rows
    }

}
