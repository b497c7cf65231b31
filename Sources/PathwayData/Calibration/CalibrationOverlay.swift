import PathwayModel

extension Calibration {
    /// The overlay: `extends` the standard at `extendsPath` (relative to the overlay's folder)
    /// and `set`s every changed parameter, each change with its `reason` and an `evidence`
    /// entry per log file. A comment at the top lists what was left alone and why.
    public func overlay(extendsPath: String) -> String {
        var lines: [String] = []
        let files = logFiles.map { CalibrationText.commentSafe($0.path) }.joined(separator: ", ")
        lines.append("# What this trust really does, as its event log shows it: calibrated by `carepath calibrate`")
        lines.append("# from \(files) (\(CalibrationText.count(journeys)) journeys, \(CalibrationText.count(events)) events).")
        lines.append("# A parameter is changed only when the log has at least \(options.minimumSample) observations of it and departs")
        lines.append("# from the standard at the \(CalibrationText.significant(options.significance * 100))% level; each change gives its sample and fitted statistic.")
        lines.append("#")
        lines.append("# Left as the standard has it, because an event log cannot show it:")
        for item in notIdentifiable { lines.append("#   - " + CalibrationText.commentSafe(item)) }
        let skipped = self.skipped
        if !skipped.isEmpty {
            lines.append("# Skipped (too few observations, or not visible in the log):")
            for f in skipped { lines.append("#   - \(CalibrationText.commentSafe(f.subject)): \(CalibrationText.commentSafe(f.reason))") }
        }
        if !notes.isEmpty {
            lines.append("# Also seen in the log, not written as changes:")
            for note in notes { lines.append("#   - " + CalibrationText.commentSafe(note)) }
        }
        let agreeing = findings.filter { $0.outcome == .agrees }
        if !agreeing.isEmpty {
            lines.append("# Agree with the standard, so kept as written: " + agreeing.map { CalibrationText.commentSafe($0.path) }.joined(separator: ", "))
        }
        lines.append("carepath: 1")
        lines.append("extends: " + CalibrationText.quoted(extendsPath))
        lines.append("id: " + CalibrationText.quoted(pathwayID + "-calibrated"))
        lines.append("title: " + CalibrationText.quoted(pathwayTitle + " (calibrated from an event log)"))
        let description = "What the event log (\(logFiles.map(\.path).joined(separator: ", "))) shows this trust does, "
            + "written as changes to the standard '\(pathwayID)'. Capacity, opening hours and meeting cycles are the standard's."
        lines.append("description: " + CalibrationText.quoted(description))
        let changes = self.changes
        if changes.isEmpty {
            lines.append("changes: []")
        } else {
            lines.append("changes:")
            let evidence = logFiles.map { "      - { title: \(CalibrationText.quoted($0.evidenceTitle)) }" }
            for finding in changes {
                for edit in finding.edits {
                    lines.append("  - set: \(edit.path)")
                    lines.append("    value: \(edit.value)")
                    lines.append("    reason: " + CalibrationText.quoted(finding.reason))
                    lines.append("    evidence:")
                    lines += evidence
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
