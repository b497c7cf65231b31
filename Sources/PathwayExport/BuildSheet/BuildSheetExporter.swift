import PathwayModel

/// Writes a build sheet: one row per step, in journey order, with everything an EPR
/// configuration analyst sets up for it, as RFC 4180 CSV or as a Markdown table.
public struct BuildSheetExporter: Sendable {
    /// The sheet's file format.
    public enum Format: String, Sendable, CaseIterable {
        /// Comma-separated values (RFC 4180, CRLF line ends), safe to open in a spreadsheet.
        case csv
        /// A Markdown document with a heading, the pathway's sources and targets, and the table.
        case markdown
    }

    /// The format written.
    public var format: Format

    /// An exporter writing `format`.
    public init(format: Format = .csv) {
        self.format = format
    }

    /// The column headings, in order.
    public static let columns = [
        "Order", "Step id", "Title", "Organisation", "Role", "Kind", "Code system", "Code", "Code display",
        "Duration", "Result after", "Targets", "Next steps and rules", "Resource", "Data required",
        "Data produced", "Source guideline", "Line",
    ]

    /// The sheet as text.
    public func export(_ pathway: Pathway) -> String {
        let rows = Self.rows(pathway)
        switch format {
        case .csv:
            return ([Self.columns] + rows).map { $0.map(Escaping.csvField).joined(separator: ",") + "\r\n" }.joined()
        case .markdown:
            return markdown(pathway, rows)
        }
    }

    /// The cells of every row, unescaped, in column order.
    public static func rows(_ pathway: Pathway) -> [[String]] {
        let facts = PathwayFacts(pathway)
        let sources = pathway.sources.map { s in
            ([s.publisher, s.title].compactMap { $0 }.joined(separator: ": ")) + (s.url.map { " <\($0)>" } ?? "")
        }.joined(separator: "; ")
        return facts.order.enumerated().map { i, step in
            let orgID = facts.organisationOf[step.id]
            var organisation = facts.organisationName(orgID) ?? ""
            if let org = orgID.flatMap(pathway.organisation) { organisation += " (\(org.type.rawValue))" }
            var resource = ""
            if let id = step.resource {
                if let r = pathway.resource(id) {
                    resource = "\(r.name ?? id) (\(id)), capacity \(r.capacity)"
                    if let calendar = r.calendar { resource += ", open \(calendar.text)" }
                } else {
                    resource = id
                }
            }
            var duration = step.duration.map(TimeText.words) ?? ""
            if let every = step.every { duration += (duration.isEmpty ? "" : "; ") + "held every \(every)" }
            return [
                String(i + 1), step.id, step.title ?? "", organisation, step.role ?? "", step.kind.rawValue,
                step.code?.system ?? "", step.code?.code ?? "", step.code?.display ?? "",
                duration, step.resultAfter.map(TimeText.words) ?? "", facts.targetWords(step), facts.nextWords(step),
                resource, dataWords(step.requires, facts), dataWords(step.produces, facts), sources,
                step.location.line > 0 ? String(step.location.line) : "",
            ]
        }
    }

    private static func dataWords(_ items: [DataItem], _ facts: PathwayFacts) -> String {
        items.map { item in facts.dataType(of: item).map { "\(item.name) (\($0))" } ?? item.name }.joined(separator: ", ")
    }

    private func markdown(_ pathway: Pathway, _ rows: [[String]]) -> String {
        let md: (String) -> String = { Escaping.markdown($0) }
        var out = "# Build sheet: \(md(pathway.title))\n\n"
        out += "Pathway \(md(pathway.id)), version \(md(pathway.version)), status \(pathway.status.rawValue).\n\n"
        if let description = pathway.description { out += Escaping.markdown(description, keepLineBreaks: true) + "\n\n" }
        if !pathway.sources.isEmpty {
            out += "## Sources\n\n"
            for s in pathway.sources {
                let title = md([s.publisher, s.title].compactMap { $0 }.joined(separator: ": "))
                if let url = s.url, Escaping.isPlainWebLink(url) {
                    out += "- [\(title)](\(url))\n"
                } else {
                    out += "- \(title)" + (s.url.map { " (\(md($0)))" } ?? "") + "\n"
                }
            }
            out += "\n"
        }
        if !pathway.targets.isEmpty {
            out += "## Targets\n\n"
            for t in pathway.targets {
                out += "- \(md(t.title ?? t.id)): from \(md(t.from)) to \(md(t.to.joined(separator: " or "))) within \(t.within) for \(format3(t.standard * 100))% of patients\n"
            }
            out += "\n"
        }
        out += "## Steps\n\n"
        out += "| " + Self.columns.joined(separator: " | ") + " |\n"
        out += "|" + Self.columns.map { _ in " --- |" }.joined() + "\n"
        for row in rows {
            out += "| " + row.map { $0.isEmpty ? " " : md($0) }.joined(separator: " | ") + " |\n"
        }
        return out
    }
}
