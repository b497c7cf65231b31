import PathwayModel

/// The summary `carepath calibrate` prints: what changed (with each change's reason), what
/// agrees with the standard, what was skipped and why, and what no event log can show.
public enum CalibrationReport {
    /// The summary as text for a terminal, naming the overlay written at `overlay`.
    public static func text(_ c: Calibration, overlay: String) -> String {
        var out: [String] = []
        let files = c.logFiles.count == 1 ? "1 event log" : "\(c.logFiles.count) event logs"
        out.append("Calibrated '\(c.pathwayID)' against \(files): \(CalibrationText.count(c.journeys)) journeys, \(CalibrationText.count(c.events)) events")
        let agreeing = c.findings.filter { $0.outcome == .agrees }
        out.append("Overlay \(overlay): \(count(c.changes.count, "change")); \(count(agreeing.count, "parameter")) agree with the standard; \(c.skipped.count) skipped")
        if !c.changes.isEmpty {
            out.append("")
            out.append("Changed (each a `set` in the overlay, with this reason):")
            for f in c.changes {
                out.append("  \(f.path): \(f.standard ?? "none") -> \(f.fitted ?? "")")
                out.append("      \(f.reason)")
            }
        }
        if !agreeing.isEmpty {
            out.append("")
            out.append("Agree with the standard, kept as written:")
            for f in agreeing { out.append("  \(f.path): \(f.reason)") }
        }
        if !c.skipped.isEmpty {
            out.append("")
            out.append("Skipped, left as the standard has it (fewer than \(c.options.minimumSample) observations, or not visible in the log):")
            for f in c.skipped { out.append("  \(f.path): \(f.reason)") }
        }
        out.append("")
        out.append("Left as the standard has it, because an event log cannot show it:")
        for item in c.notIdentifiable { out.append("  - \(item)") }
        if !c.notes.isEmpty {
            out.append("")
            out.append("Also seen in the log:")
            for note in c.notes { out.append("  - \(note)") }
        }
        return TerminalText.safe(out.joined(separator: "\n")) + "\n"
    }

    /// The summary as JSON: the pathway, the logs, the thresholds, every finding, what no log
    /// can show and the notes.
    public static func json(_ c: Calibration, overlay: String) -> JSONValue {
        .object([
            JSONMember("pathway", .string(c.pathwayID)),
            JSONMember("overlay", .string(overlay)),
            JSONMember("logs", .array(c.logFiles.map { file in
                .object([
                    JSONMember("file", .string(file.path)),
                    JSONMember("events", .integer(file.events)),
                    JSONMember("journeys", .integer(file.journeys)),
                ])
            })),
            JSONMember("journeys", .integer(c.journeys)),
            JSONMember("events", .integer(c.events)),
            JSONMember("minimumSample", .integer(c.options.minimumSample)),
            JSONMember("significance", .number(CalibrationText.significant(c.options.significance, 6))),
            JSONMember("changes", .integer(c.changes.count)),
            JSONMember("findings", .array(c.findings.map { f in
                .object([
                    JSONMember("aspect", .string(f.aspect.rawValue)),
                    JSONMember("path", .string(f.path)),
                    JSONMember("subject", .string(f.subject)),
                    JSONMember("outcome", .string(f.outcome.rawValue)),
                    JSONMember("sampleSize", .integer(f.sampleSize)),
                    JSONMember("standard", f.standard.map(JSONValue.string) ?? .null),
                    JSONMember("fitted", f.fitted.map(JSONValue.string) ?? .null),
                    JSONMember("reason", .string(f.reason)),
                    JSONMember("edits", .array(f.edits.map { .object([JSONMember("set", .string($0.path)), JSONMember("value", .string($0.value))]) })),
                ])
            })),
            JSONMember("notIdentifiable", .array(c.notIdentifiable.map(JSONValue.string))),
            JSONMember("notes", .array(c.notes.map(JSONValue.string))),
        ])
    }

    private static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
}
