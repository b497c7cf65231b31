import PathwayModel

/// Renders a `VaryReport` as a table for people, JSON or CSV: one row per value (or combination
/// of values) with each target's attainment and whether its standard is met, then the smallest
/// values that meet every standard. Pure functions of the report.
public enum VaryFormatter {
    // MARK: - Table

    /// A readable table; the verdict lines after it say how values were judged.
    public static func table(_ report: VaryReport) -> String {
        var out = "\(TerminalText.safe(report.pathwayTitle)) — varying " + report.axes.map { axis in
            "\(axis.path) (\(axis.values.indices.map(axis.label).joined(separator: ", ")))"
        }.joined(separator: " and ") + "\n"
        out += "Each \(report.axes.count == 1 ? "value" : "combination"): \(report.runDescription); the same random numbers for every \(report.axes.count == 1 ? "value" : "combination")\n"
        out += "A standard is met when \(report.judge.wording) reaches it (--judge \(report.judge.rawValue))"
        if report.options.replications < 2, report.judge == .lowerBound { out += "; with one replication there is no interval, so the mean is judged" }
        out += "\n"

        let targets = report.points.first?.targets ?? []
        var header = report.axes.map { $0.path + ($0.unit.map { " (\($0))" } ?? "") }
        for t in targets {
            let standards = Set(report.points.compactMap { p in p.targets.first { $0.id == t.id }?.standard })
            header += ["\(t.id) (95% CI)", standards.count == 1 ? "standard \(percent(t.standard))" : "standard"]
        }
        header.append("every standard")
        var rows = [header]
        for point in report.points {
            var row = point.coordinates.enumerated().map { VaryAxis.number(report.axes[$0.offset].values[$0.element]) }
            for t in targets {
                guard let r = point.targets.first(where: { $0.id == t.id }) else { row += ["-", "-"]; continue }
                let standards = Set(report.points.compactMap { p in p.targets.first { $0.id == t.id }?.standard })
                let verdict = r.meetsStandard.map { $0 ? "met" : "NOT MET" } ?? "not measured"
                row += [percentWithCI(r.attainment), standards.count == 1 ? verdict : "\(percent(r.standard)) \(verdict)"]
            }
            row.append(point.meetsEveryStandard ? "yes" : "no")
            if point.unfinished > 0 { row.append("(\(point.unfinished) patients unfinished at the end)") }
            rows.append(row)
        }
        out += "\n" + grid(rows) + "\n"
        out += verdict(report)
        return out
    }

    /// The lines saying which values are the smallest to meet every standard.
    static func verdict(_ report: VaryReport) -> String {
        let smallest = report.smallest
        if report.axes.count == 1, let axis = report.axes.first {
            guard let first = smallest.first else {
                return "No value of \(axis.path) tried meets every standard.\n"
            }
            var out = "Smallest \(axis.path) that meets every standard: \(report.labels(report.points[first])[0])\n"
            let failing = report.failingAboveSmallest
            if !failing.isEmpty {
                out += "Note: larger values do not all meet every standard ("
                    + failing.map { report.labels(report.points[$0])[0] }.joined(separator: ", ")
                    + "): the figures are close to a standard there; run more replications or patients before relying on the smallest value.\n"
            }
            return out
        }
        guard !smallest.isEmpty else { return "No combination tried meets every standard.\n" }
        var out = "Smallest combinations that meet every standard (no other combination that meets them all is as small or smaller in every field):\n"
        for i in smallest {
            let point = report.points[i]
            out += "  " + report.axes.indices.map { "\(report.axes[$0].path)=\(report.labels(point)[$0])" }.joined(separator: ", ") + "\n"
        }
        return out
    }

    // MARK: - JSON

    /// JSON with keys in a fixed order (one member per line): shares as fractions 0...1, numbers
    /// rounded to 6 decimals; `low`/`high` are `null` with one replication.
    public static func json(_ report: VaryReport) -> String {
        func number(_ v: Double?) -> JSONValue {
            guard let v, v.isFinite else { return .null }
            return .number(JSONWriter.format(v))
        }
        func estimate(_ e: Estimate) -> JSONValue {
            .object([JSONMember("mean", number(e.mean.isFinite ? e.mean : nil)),
                     JSONMember("low", number(e.halfWidth != nil && e.mean.isFinite ? e.low : nil)),
                     JSONMember("high", number(e.halfWidth != nil && e.mean.isFinite ? e.high : nil))])
        }
        var run: [JSONMember] = []
        switch report.length {
        case .patients(let n): run.append(JSONMember("patients", .integer(n)))
        case .days(let d): run.append(JSONMember("days", number(d)))
        case nil: run.append(JSONMember("patients", .null))
        }
        run += [JSONMember("warmupDays", number(report.options.warmupDays)),
                JSONMember("replications", .integer(report.options.replications)),
                JSONMember("seed", .number(String(report.options.seed)))]
        let axes: [JSONValue] = report.axes.map { axis in
            .object([JSONMember("path", .string(axis.path)), JSONMember("unit", axis.unit.map(JSONValue.string) ?? .null),
                     JSONMember("values", .array(axis.values.map { number($0) }))])
        }
        let points: [JSONValue] = report.points.map { point in
            let targets: [JSONValue] = point.targets.map { t in
                .object([JSONMember("id", .string(t.id)), JSONMember("title", .string(t.title)),
                         JSONMember("standard", number(t.standard)), JSONMember("attainment", estimate(t.attainment)),
                         JSONMember("meetsStandard", t.meetsStandard.map(JSONValue.bool) ?? .null)])
            }
            let warnings: [JSONValue] = point.warnings.map { d in
                .object([JSONMember("code", .string(d.code)), JSONMember("message", .string(d.message))])
            }
            return .object([JSONMember("values", .array(report.values(point).map { number($0) })),
                            JSONMember("targets", .array(targets)),
                            JSONMember("meetsEveryStandard", .bool(point.meetsEveryStandard)),
                            JSONMember("unfinished", .integer(point.unfinished)),
                            JSONMember("warnings", .array(warnings))])
        }
        let smallest: [JSONValue] = report.smallest.map { .array(report.values(report.points[$0]).map { number($0) }) }
        let document = JSONValue.object([
            JSONMember("pathway", .string(report.pathwayId)),
            JSONMember("title", .string(report.pathwayTitle)),
            JSONMember("run", .object(run)),
            JSONMember("judge", .string(report.judge.rawValue)),
            JSONMember("vary", .array(axes)),
            JSONMember("points", .array(points)),
            JSONMember("smallest", .array(smallest)),
        ])
        return document.serialized(escapingHTML: false)
    }

    // MARK: - CSV

    /// One row per point and target: the value of each varied field (a column named by its
    /// path, with the unit in brackets), then `target,standard,attainment,low,high,
    /// meets_standard,every_standard_met,smallest` (shares 0...1; `smallest` is true for the
    /// smallest values that meet every standard). Cells a spreadsheet would run as a formula are
    /// neutralised.
    public static func csv(_ report: VaryReport) -> String {
        let header = report.axes.map { $0.path + ($0.unit.map { " (\($0))" } ?? "") }
            + ["target", "standard", "attainment", "low", "high", "meets_standard", "every_standard_met", "smallest"]
        var out = header.map(csvCell).joined(separator: ",") + "\n"
        let smallest = Set(report.smallest)
        for (i, point) in report.points.enumerated() {
            let values = report.values(point).map(JSONWriter.format)
            for t in point.targets {
                let e = t.attainment
                let cells = [csvCell(t.id), JSONWriter.format(t.standard),
                             e.mean.isFinite ? JSONWriter.format(e.mean) : "",
                             e.halfWidth != nil && e.mean.isFinite ? JSONWriter.format(e.low) : "",
                             e.halfWidth != nil && e.mean.isFinite ? JSONWriter.format(e.high) : "",
                             t.meetsStandard.map { String($0) } ?? "",
                             String(point.meetsEveryStandard), String(smallest.contains(i))]
                out += (values + cells).joined(separator: ",") + "\n"
            }
        }
        return out
    }

    // MARK: - Pieces

    private static func percent(_ share: Double) -> String {
        guard share.isFinite else { return "-" }
        return fixed1(share * 100) + "%"
    }

    private static func percentWithCI(_ e: Estimate) -> String {
        guard e.mean.isFinite else { return "-" }
        guard e.halfWidth != nil else { return percent(e.mean) }
        return "\(percent(e.mean)) (\(fixed1(e.low * 100))–\(fixed1(e.high * 100)))"
    }

    /// One decimal, locale independent.
    private static func fixed1(_ value: Double) -> String {
        let scaled = (abs(value) * 10).rounded()
        let whole = Int(scaled / 10)
        let tenth = Int(scaled - Double(whole) * 10)
        return (value < 0 && scaled != 0 ? "-" : "") + "\(whole).\(tenth)"
    }

    private static func grid(_ rows: [[String]]) -> String { TerminalText.columns(rows, safe: TerminalText.safe) }
}
