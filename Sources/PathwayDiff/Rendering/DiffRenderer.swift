import Foundation
import PathwayModel

/// Prints a `PathwayDiff` for people (text, optionally coloured; Markdown) or machines (JSON).
public enum DiffRenderer {
    /// The readable listing: changes grouped by step, each with its class, what changed, its
    /// weight and both source locations, then a summary line with the conformance score.
    public static func text(_ diff: PathwayDiff, impact: ImpactReport? = nil, colour: Bool = false) -> String {
        let style = TerminalStyle(enabled: colour)
        var out = style.bold("--- \(TerminalText.safe(diff.standard.file))") + "  " + TerminalText.safe("\(diff.standard.id): \(diff.standard.title)") + "\n"
        out += style.bold("+++ \(TerminalText.safe(diff.variant.file))") + "  " + TerminalText.safe("\(diff.variant.id): \(diff.variant.title)") + "\n"
        if diff.isEquivalent {
            out += "\nThe variant is equivalent to the standard: no changes.\n"
            if let impact { out += "\n" + ImpactRenderer.text(impact, style: style) }
            return out
        }
        let classWidth = ChangeClass.allCases.map(\.rawValue.count).max() ?? 18
        for group in groups(diff.changes) {
            let first = group[0]
            out += "\n" + heading(first, group: group, style: style) + "\n"
            for change in group {
                let cls = change.changeClass.rawValue.padding(toLength: classWidth, withPad: " ", startingAt: 0)
                out += "    " + style.paint(cls, for: change.changeClass) + "  " + TerminalText.safe(change.summary)
                out += "  " + style.dim("[weight \(NumberText.format3(change.weight))]") + "\n"
                let locations = [change.standardLocation.map { "standard \($0)" }, change.variantLocation.map { "variant \($0)" }]
                    .compactMap { $0 }.joined(separator: "  ")
                if !locations.isEmpty { out += "    " + String(repeating: " ", count: classWidth) + "  " + style.dim(TerminalText.safe(locations)) + "\n" }
                if let why = justificationText(change) {
                    let line = "    " + String(repeating: " ", count: classWidth) + "  " + TerminalText.safe(why)
                    out += (change.unjustified ? style.red(line) : style.dim(line)) + "\n"
                }
            }
        }
        out += "\n" + summaryLine(diff) + "\n"
        if let impact { out += "\n" + ImpactRenderer.text(impact, style: style) }
        return out
    }

    /// A Markdown report: a heading, the conformance score, and a table of changes.
    public static func markdown(_ diff: PathwayDiff, impact: ImpactReport? = nil) -> String {
        var out = "# \(escape(diff.variant.title)) compared with \(escape(diff.standard.title))\n\n"
        out += "- Standard: `\(diff.standard.file)` (`\(diff.standard.id)`)\n"
        out += "- Variant: `\(diff.variant.file)` (`\(diff.variant.id)`)\n"
        out += "- " + summaryLine(diff) + "\n\n"
        if diff.isEquivalent {
            out += "The variant is equivalent to the standard.\n"
            if let impact { out += "\n" + ImpactRenderer.markdown(impact) }
            return out
        }
        out += "| | Subject | Class | Change | Weight | Standard | Variant | Reason and evidence |\n|---|---|---|---|---:|---|---|---|\n"
        for change in diff.changes {
            let subject = subjectName(change)
            out += "| \(change.changeClass.mark) | \(escape(subject)) | \(change.changeClass.rawValue) | \(escape(change.summary)) | \(NumberText.format3(change.weight)) | "
            out += "\(change.standardLocation.map { "`\($0)`" } ?? "") | \(change.variantLocation.map { "`\($0)`" } ?? "") | "
            out += (change.unjustified ? "**unjustified**" : escape(justificationText(change) ?? "")) + " |\n"
        }
        if let impact { out += "\n" + ImpactRenderer.markdown(impact) }
        return out
    }

    /// The diff as JSON: both pathways, the step matches, every change and the score. Throws
    /// `JSONOutputError` when a figure cannot be written as JSON (a number that is not finite),
    /// instead of printing an empty object.
    public static func json(_ diff: PathwayDiff, impact: ImpactReport? = nil) throws -> String {
        var document = DiffDocument(diff)
        document.impact = impact
        return try encode(document)
    }

    /// `12 changes, clinical weight 31.5; conformance 84.2/100; 3 unjustified`.
    public static func summaryLine(_ diff: PathwayDiff) -> String {
        let n = diff.changes.count
        var line = "\(n) change\(n == 1 ? "" : "s"), clinical weight \(NumberText.format3(diff.totalWeight)); conformance \(NumberText.format3(diff.conformance.score))/100"
        let unjustified = diff.unjustified.count
        if unjustified > 0 { line += "; \(unjustified) unjustified (weight \(NumberText.format3(Justification.threshold)) or more, no reason and evidence)" }
        return line
    }

    /// `why: <reason>; evidence: <titles>`, or the unjustified notice; nil when there is nothing to say.
    static func justificationText(_ change: PathwayChange) -> String? {
        var parts: [String] = []
        if let reason = change.reason { parts.append("why: \(reason)") }
        if let evidence = change.evidence, !evidence.isEmpty {
            parts.append("evidence: " + evidence.map { e in e.publisher.map { "\(e.title) (\($0))" } ?? e.title }.joined(separator: "; "))
        }
        if change.unjustified {
            return "UNJUSTIFIED: " + (parts.isEmpty ? "no reason or evidence given" : parts.joined(separator: "; ") + " — needs both a reason and evidence")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    // MARK: Pieces

    /// Consecutive changes about the same thing.
    static func groups(_ changes: [PathwayChange]) -> [[PathwayChange]] {
        var result: [[PathwayChange]] = []
        for change in changes {
            if let last = result.last?.first, last.subject == change.subject, last.standardID == change.standardID,
               last.variantID == change.variantID, last.changeClass != .added, last.changeClass != .removed,
               change.changeClass != .added, change.changeClass != .removed {
                result[result.count - 1].append(change)
            } else {
                result.append([change])
            }
        }
        return result
    }

    private static func heading(_ change: PathwayChange, group: [PathwayChange], style: TerminalStyle) -> String {
        let mark = change.changeClass == .added || change.changeClass == .removed ? change.changeClass.mark : "~"
        let text = "\(mark) \(change.subject.rawValue) \(TerminalText.safe(subjectName(change)))"
        switch change.changeClass {
        case .added: return style.green(text)
        case .removed: return style.red(text)
        default: return style.yellow(text)
        }
    }

    static func subjectName(_ change: PathwayChange) -> String {
        var ids = change.standardID ?? change.variantID ?? ""
        if let s = change.standardID, let v = change.variantID, s != v { ids = "\(s) → \(v)" }
        if change.subject == .pathway { return change.name }
        return change.name == ids || change.name.isEmpty ? ids : "\(ids) (\(change.name))"
    }

    /// Text for a Markdown table cell or heading. Works on Unicode scalars (`"\r\n"` and a `|`
    /// followed by a combining mark are single `Character`s but still break a table). Backslashes
    /// are escaped first so `\|` cannot turn the pipe back into a cell separator; brackets and
    /// backticks are escaped so no link, image or code span can form; `<` and `>` become entities
    /// so no HTML can; every line break (LF, CR, CRLF) becomes one space.
    static func escape(_ text: String) -> String {
        var out = ""
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            defer { previous = scalar }
            switch scalar {
            case "\\", "|", "[", "]", "`":
                out += "\\"
                out.unicodeScalars.append(scalar)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\n" where previous == "\r": continue
            case "\n", "\r": out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Written by carepath's one JSON writer (`JSONValue`), with sorted keys: the same bytes on
    /// every platform.
    static func encode<T: Encodable>(_ value: T) throws -> String {
        do {
            return try JSONValueEncoder().encode(value).serialized(escapingHTML: false)
        } catch {
            throw JSONOutputError(reason: "\(error)")
        }
    }
}

/// The JSON shape of a diff.
struct DiffDocument: Encodable {
    var standard: PathwaySummary
    var variant: PathwaySummary
    var equivalent: Bool
    var totalWeight: Double
    var conformance: ConformanceScore
    var matches: [StepMatch]
    var changes: [PathwayChange]
    var impact: ImpactReport?

    init(_ diff: PathwayDiff) {
        standard = diff.standard
        variant = diff.variant
        equivalent = diff.isEquivalent
        totalWeight = (diff.totalWeight * 1000).rounded() / 1000
        conformance = diff.conformance
        matches = diff.matches
        changes = diff.changes
    }
}

extension TerminalStyle {
    /// A change's text in its class's colour: additions green, removals red, renames dim.
    func paint(_ text: String, for cls: ChangeClass) -> String {
        switch cls {
        case .added, .dataAdded: green(text)
        case .removed, .dataLost: red(text)
        case .renamed: dim(text)
        default: yellow(text)
        }
    }
}

/// A result that could not be written as JSON (JSON has no NaN or infinity).
public struct JSONOutputError: Error, CustomStringConvertible {
    /// What the encoder reported.
    public var reason: String
    public var description: String { "the result cannot be written as JSON: \(reason)" }
}
