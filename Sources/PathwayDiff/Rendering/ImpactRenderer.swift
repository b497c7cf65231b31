import PathwayModel

/// Prints an `ImpactReport`: per target, attainment on each side and the change in percentage
/// points with its 95% interval; then the median journey time.
enum ImpactRenderer {
    static func heading(_ r: ImpactReport) -> String {
        var text = "Impact (common random numbers: \(r.replications) paired replications, seed \(r.seed)"
        if let d = r.days { text += ", \(NumberText.format3(d)) days" }
        if r.warmupDays > 0 { text += " after \(NumberText.format3(r.warmupDays)) days' warm-up" }
        return text + ")"
    }

    static func text(_ r: ImpactReport, style: TerminalStyle) -> String {
        var rows: [[String]] = [["", "standard", "variant", "change (95% CI)"]]
        for t in r.targets {
            let label = "\(t.id) (\(percent(t.required)) needed)"
            if let a = t.attainment {
                rows.append([label, percent(a.standard.mean), percent(a.variant.mean), points(a.difference)])
            } else {
                rows.append([label, t.inStandard ? "defined" : "-", t.inVariant ? "defined" : "-", "only in the \(t.inStandard ? "standard" : "variant")"])
            }
        }
        let m = r.medianJourneyMinutes
        rows.append(["median journey time", days(m.standard.mean), days(m.variant.mean), dayChange(m.difference)])
        let widths = (0..<4).map { c in rows.map { $0[c].count }.max() ?? 0 }
        var out = style.bold(heading(r)) + "\n"
        for (i, row) in rows.enumerated() {
            var line = "  "
            for c in 0..<4 {
                let cell = row[c]
                line += c == 0 ? cell + String(repeating: " ", count: widths[c] - cell.count)
                               : String(repeating: " ", count: widths[c] - cell.count) + cell
                if c < 3 { line += "   " }
            }
            out += (i == 0 ? style.dim(line) : line) + "\n"
        }
        out += style.dim("  attainment: share of patients who met the target (clock stopped in time, of those stopped or still running past the limit); change in percentage points, variant − standard") + "\n"
        return out
    }

    static func markdown(_ r: ImpactReport) -> String {
        var out = "## \(heading(r))\n\n| Measure | Standard | Variant | Change (95% CI) |\n|---|---:|---:|---:|\n"
        for t in r.targets {
            let label = "\(DiffRenderer.escape(t.title)) (`\(t.id)`, \(percent(t.required)) needed)"
            if let a = t.attainment {
                out += "| \(label) | \(percent(a.standard.mean)) | \(percent(a.variant.mean)) | \(points(a.difference)) |\n"
            } else {
                out += "| \(label) | \(t.inStandard ? "defined" : "–") | \(t.inVariant ? "defined" : "–") | only in the \(t.inStandard ? "standard" : "variant") |\n"
            }
        }
        let m = r.medianJourneyMinutes
        out += "| Median journey time | \(days(m.standard.mean)) | \(days(m.variant.mean)) | \(dayChange(m.difference)) |\n"
        return out
    }

    static func percent(_ share: Double) -> String { share.isFinite ? one(share * 100) + "%" : "n/a" }

    static func points(_ d: PairedComparison.Interval) -> String {
        guard d.mean.isFinite else { return "n/a" }
        return signed(d.mean * 100) + " pts (" + signed(d.low * 100) + " to " + signed(d.high * 100) + ")"
    }

    static func days(_ minutes: Double) -> String { minutes.isFinite ? one(minutes / 1440) + " days" : "n/a" }

    static func dayChange(_ d: PairedComparison.Interval) -> String {
        guard d.mean.isFinite else { return "n/a" }
        return signed(d.mean / 1440) + " days (" + signed(d.low / 1440) + " to " + signed(d.high / 1440) + ")"
    }

    /// One decimal place, locale independent.
    static func one(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        let whole = Int(r.magnitude)
        let tenth = Int(((r.magnitude - Double(whole)) * 10).rounded())
        return (r < 0 ? "-" : "") + "\(whole).\(tenth)"
    }

    static func signed(_ v: Double) -> String { (v >= 0.05 ? "+" : "") + (abs(v) < 0.05 ? "0.0" : one(v)) }
}
