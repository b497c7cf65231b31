import PathwayModel

/// Writes a build sheet: what an EPR configuration analyst (or a vendor) builds from, as RFC 4180
/// CSV or as a Markdown document.
///
/// One row per step in journey order, and after each decision one row per branch (`4.1`,
/// `4.2`, ...) with its criteria in words and as a FHIRPath condition. Probabilities appear only as
/// labelled simulation shares, never as rules. Durations are plain text (`about 45 minutes,
/// 15–90`), each clock's start and stop events are spelt out, and data items carry their type
/// and meaning from the pathway's `data:` section. The pathway's sources and clocks are given
/// once: in the Markdown document's preamble, and in the CSV as `pathway`, `source` and `clock`
/// rows before the steps.
public struct BuildSheetExporter: Sendable {
    /// The sheet's file format.
    public enum Format: String, Sendable, CaseIterable {
        /// Comma-separated values (RFC 4180, CRLF line ends), safe to open in a spreadsheet.
        case csv
        /// A Markdown document with a heading, the pathway's sources, clocks and data items, and
        /// the table of steps and branches.
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
        "Duration", "Result after", "Criteria", "Condition (FHIRPath)", "Goes to", "Handoff", "Data sent at handoff",
        "Data required", "Data produced", "Clocks", "Resource", "Notes", "Line",
    ]

    /// The sheet as text.
    public func export(_ pathway: Pathway) -> String {
        switch format {
        case .csv:
            return ([Self.columns] + Self.rows(pathway)).map { $0.map(Escaping.csvField).joined(separator: ",") + "\r\n" }.joined()
        case .markdown:
            return markdown(pathway, Self.stepRows(PathwayFacts(pathway)))
        }
    }

    /// The CSV's records after the heading, unescaped, in column order: a `pathway` row (id,
    /// title, version and description), a `source` row per guideline, a `clock` row per target,
    /// then the steps in journey order, each decision followed by its `branch` rows.
    public static func rows(_ pathway: Pathway) -> [[String]] {
        let facts = PathwayFacts(pathway)
        return preambleRows(facts) + stepRows(facts)
    }

    /// A row with the given cells filled in by column name, the rest empty.
    private static func row(_ cells: [String: String]) -> [String] {
        columns.map { cells[$0] ?? "" }
    }

    /// Text without the white space and line breaks around it (YAML's folded text ends in one).
    private static func trimmed(_ text: String) -> String {
        var t = Substring(text)
        while let c = t.first, c.isWhitespace { t.removeFirst() }
        while let c = t.last, c.isWhitespace { t.removeLast() }
        return String(t)
    }

    private static func line(_ location: SourceLocation) -> String {
        location.line > 0 ? String(location.line) : ""
    }

    private static func sourceTitle(_ s: Source) -> String {
        [s.publisher, s.title].compactMap { $0 }.joined(separator: ": ")
    }

    private static func preambleRows(_ facts: PathwayFacts) -> [[String]] {
        let pathway = facts.pathway
        var notes = "version \(pathway.version), status \(pathway.status.rawValue)"
        if let description = pathway.description { notes += ". " + trimmed(description) }
        var rows = [row(["Step id": pathway.id, "Title": pathway.title, "Kind": "pathway", "Notes": notes])]
        for s in pathway.sources {
            rows.append(row(["Title": sourceTitle(s), "Kind": "source", "Notes": s.url ?? "", "Line": line(s.location)]))
        }
        for t in pathway.targets {
            rows.append(row(["Step id": t.id, "Title": t.title ?? t.id, "Kind": "clock", "Clocks": facts.clockWords(t), "Line": line(t.location)]))
        }
        return rows
    }

    /// The steps in journey order, each decision followed by one row per branch.
    static func stepRows(_ facts: PathwayFacts) -> [[String]] {
        let pathway = facts.pathway
        var rows: [[String]] = []
        for (i, step) in facts.order.enumerated() {
            let order = String(i + 1)
            var cells: [String: String] = ["Order": order, "Step id": step.id, "Title": step.title ?? "", "Kind": step.kind.rawValue]
            let orgID = facts.organisationOf[step.id]
            var organisation = facts.organisationName(orgID) ?? ""
            if let org = orgID.flatMap(pathway.organisation) { organisation += " (\(org.type.rawValue))" }
            cells["Organisation"] = organisation
            cells["Role"] = step.kind == .decision ? facts.decisionRole(step) : step.role ?? ""
            cells["Code system"] = step.code?.system ?? ""
            cells["Code"] = step.code?.code ?? ""
            cells["Code display"] = step.code?.display ?? ""
            var duration = step.duration.map(TimeText.plain) ?? ""
            if let every = step.every {
                var period = TimeText.exact(minutes: every.minutes)
                if period.hasPrefix("1 ") { period.removeFirst(2) }  // "every week", not "every 1 week"
                duration += (duration.isEmpty ? "" : "; ") + "held every \(period)"
            }
            cells["Duration"] = duration
            cells["Result after"] = step.resultAfter.map(TimeText.plain) ?? ""
            cells["Goes to"] = goesTo(step, facts)
            if step.kind != .decision {
                let moves = step.successors
                let crossing = moves.filter { facts.crosses(step.id, $0) }
                let prefix: (String) -> String = { moves.count > 1 ? "\(facts.stepLabel($0)): " : "" }
                cells["Handoff"] = crossing.map { prefix($0) + facts.plainHandoffWords(from: step, to: $0) }.joined(separator: "; ")
                cells["Data sent at handoff"] = crossing.map { prefix($0) + facts.handoffDataWords(from: step, to: $0) }.joined(separator: "; ")
            }
            cells["Data required"] = facts.dataItemsWords(step.requires)
            cells["Data produced"] = facts.dataItemsWords(step.produces)
            cells["Clocks"] = facts.stepClockWords(step)
            if let id = step.resource {
                if let r = pathway.resource(id) {
                    var resource = "\(r.name ?? id) (\(id)), capacity \(r.capacity)"
                    if let calendar = r.calendar { resource += ", open \(calendar.text)" }
                    cells["Resource"] = resource
                } else {
                    cells["Resource"] = id
                }
            }
            var notes: [String] = []
            if step.kind == .subpathway, let file = step.pathway { notes.append("runs the pathway \(file)") }
            if let description = step.description { notes.append(trimmed(description)) }
            cells["Notes"] = notes.joined(separator: "; ")
            cells["Line"] = line(step.location)
            if step.kind == .decision {
                cells["Criteria"] = facts.decisionCriteria(step, firstBranch: "\(order).1", lastBranch: "\(order).\(step.branches.count)")
            }
            rows.append(row(cells))
            guard step.kind == .decision else { continue }
            for (j, branch) in step.branches.enumerated() {
                let criteria = facts.branchCriteria(step, j)
                rows.append(row([
                    "Order": "\(order).\(j + 1)", "Title": branch.label ?? "", "Kind": "branch",
                    "Criteria": criteria.words, "Condition (FHIRPath)": criteria.condition,
                    "Goes to": facts.stepLabel(branch.to),
                    "Handoff": facts.plainHandoffWords(from: step, to: branch.to),
                    "Data sent at handoff": facts.handoffDataWords(from: step, to: branch.to),
                    "Line": line(branch.location),
                ]))
            }
        }
        return rows
    }

    /// Where a patient goes after a step, in words.
    private static func goesTo(_ step: Step, _ facts: PathwayFacts) -> String {
        switch step.kind {
        case .end:
            return "journey ends" + (step.outcome.map { ": \($0)" } ?? "")
        case .decision:
            var targets: [String] = []
            for branch in step.branches where !targets.contains(branch.to) { targets.append(branch.to) }
            return "one of: " + targets.map { facts.stepLabel($0) }.joined(separator: "; ")
        case .parallel:
            let paths = step.paths.map { facts.stepLabel($0) }.joined(separator: " and ")
            return "at the same time: \(paths)" + (step.join.map { "; all meet at \(facts.stepLabel($0))" } ?? "")
        default:
            return step.next.map { facts.stepLabel($0) } ?? ""
        }
    }

    private func markdown(_ pathway: Pathway, _ rows: [[String]]) -> String {
        let facts = PathwayFacts(pathway)
        let md: (String) -> String = { Escaping.markdown($0) }
        var out = "# Build sheet: \(md(pathway.title))\n\n"
        out += "Pathway \(md(pathway.id)), version \(md(pathway.version)), status \(pathway.status.rawValue).\n\n"
        if let description = pathway.description { out += Escaping.markdown(description, keepLineBreaks: true) + "\n\n" }
        if !pathway.sources.isEmpty {
            out += "## Sources\n\n"
            for s in pathway.sources {
                let title = md(Self.sourceTitle(s))
                if let url = s.url, Escaping.isPlainWebLink(url) {
                    out += "- [\(title)](\(url))\n"
                } else {
                    out += "- \(title)" + (s.url.map { " (\(md($0)))" } ?? "") + "\n"
                }
            }
            out += "\n"
        }
        if !pathway.targets.isEmpty {
            out += "## Clocks\n\n"
            for t in pathway.targets {
                out += "- \(md(t.title ?? t.id)) (\(md(t.id))): \(md(facts.clockWords(t)))\n"
            }
            out += "\n"
        }
        let items = dataItems(pathway)
        if !items.isEmpty {
            out += "## Data items\n\n"
            for item in items { out += "- \(md(facts.dataItemWords(item.name, type: item.stepType)))\n" }
            out += "\n"
        }
        if pathway.steps.contains(where: { $0.kind == .decision }) {
            out += "## Decisions\n\n"
            out += "Each decision's branches follow it (4.1, 4.2, ...) and are tried in order; the first that applies "
                + "takes the patient. A rule alone takes every patient it matches. \"Then clinician decides\" means the "
                + "rule must hold and a clinician then chooses; the simulation share next to it is an assumption for "
                + "the simulator, not a rule to build. \"None of the above\" takes whoever is left.\n\n"
        }
        out += "## Steps\n\n"
        out += "| " + Self.columns.joined(separator: " | ") + " |\n"
        out += "|" + Self.columns.map { _ in " --- |" }.joined() + "\n"
        for row in rows {
            out += "| " + row.map { $0.isEmpty ? " " : md($0) }.joined(separator: " | ") + " |\n"
        }
        return out
    }

    /// Every data item the pathway declares or names, declared ones first, each once, with the
    /// type a step gives it when the `data:` section gives none.
    private func dataItems(_ pathway: Pathway) -> [(name: String, stepType: String?)] {
        var names = pathway.dataItems.map(\.name)
        var seen = Set(names)
        var typed = Set(pathway.dataItems.filter { $0.type != nil }.map(\.name))
        var stepTypes: [String: String] = [:]
        for step in StepOrder.steps(of: pathway) {
            for item in step.requires + step.produces {
                if seen.insert(item.name).inserted { names.append(item.name) }
                if let type = item.type, typed.insert(item.name).inserted { stepTypes[item.name] = type }
            }
            for name in step.handoff?.sends ?? [] where seen.insert(name).inserted { names.append(name) }
        }
        return names.map { ($0, stepTypes[$0]) }
    }
}
