import PathwayModel

/// Writes a `ConformanceReport` as a table for people, JSON or CSV. Pure functions of the
/// report, so the same report always gives the same bytes.
public enum ConformanceRenderer {
    // MARK: - Table

    /// A readable table: how many journeys fit, where (per organisation), what did not fit and
    /// in which journeys, then targets, waits and handoffs as measured.
    public static func table(_ report: ConformanceReport) -> String {
        var out = "\(TerminalText.safeLine(report.pathwayTitle)) — \(count(report.journeys)) journeys (\(count(report.events)) events)"
        if !report.files.isEmpty { out += " from \(report.files.map { TerminalText.safeLine($0) }.joined(separator: ", "))" }
        out += "\n"
        if let start = report.logStart, let end = report.logEnd { out += "log from \(timestamp(start)) to \(timestamp(end))\n" }
        out += "journeys that fit the pathway: \(count(report.fitting)) of \(count(report.journeys))"
        if let share = report.fitShare { out += " (\(percent(share)))" }
        let open = report.journeys - report.finished
        out += "; finished \(count(report.finished))" + (open > 0 ? ", still in progress at the end of the log \(count(open))" : "") + "\n"

        if !report.organisations.isEmpty {
            var rows = [["Organisation", "journeys", "fit there", "share"]]
            for o in report.organisations {
                let label = o.inPathway ? "\(o.id) (\(o.name))" : "\(o.name) (not in the pathway)"
                rows.append([label, count(o.journeys), count(o.fitting), o.share.map(percent) ?? "-"])
            }
            out += "\n" + grid(rows)
            out += "A journey fits in an organisation when no deviation there is counted against it.\n"
        }

        var kindRows = [["Deviation", "journeys", "times", "examples (NHS number)"]]
        for k in report.kinds {
            kindRows.append([k.kind.title, count(k.journeys), count(k.occurrences), k.examples.joined(separator: " ")])
        }
        out += "\n" + grid(kindRows)

        if !report.deviations.isEmpty {
            var rows = [["What did not fit", "journeys", "times", "examples (NHS number)"]]
            let shown = 40
            for d in report.deviations.prefix(shown) {
                rows.append([d.message, count(d.journeys), count(d.occurrences), d.examples.joined(separator: " ")])
            }
            out += "\n" + grid(rows)
            if report.deviations.count > shown {
                out += "… and \(report.deviations.count - shown) more (all of them in --format json or csv).\n"
            }
        }

        if !report.targets.isEmpty {
            var rows = [["Target", "clock", "within", "attainment", "standard", "", "met", "missed", "open at end", "not stopped", "mean clock"]]
            for t in report.targets {
                let verdict = t.meetsStandard.map { $0 ? "met" : "NOT MET" } ?? (t.lowerBoundOnly != nil ? "unknown" : "-")
                let shown = t.attainment.map { (t.lowerBoundOnly != nil ? "at least " : "") + percent($0) }
                rows.append([t.id, clock(t), TimeSpan(minutes: t.withinMinutes).description,
                             shown ?? (t.notMeasurable != nil ? "not measurable" : "-"),
                             percent(t.standard), verdict, count(t.met), count(t.measured - t.met + t.runningLate),
                             count(t.runningOpen), count(t.notStopped), t.meanMinutes.map(time) ?? "-"])
            }
            out += "\n" + grid(rows)
            out += "Clocks run as in carepath simulate: from arrival at the target's first step to the start of work at its last unless the target says otherwise, measured on every journey in the log, fitting or not; "
            out += "missed includes clocks still running past the limit at the end of the log, open those still within it.\n"
            for t in report.targets {
                if let why = t.notMeasurable { out += "not measurable: \(t.id): \(TerminalText.safeLine(why))\n" }
                if let why = t.lowerBoundOnly { out += "lower bound: \(t.id): \(TerminalText.safeLine(why))\n" }
            }
        }
        for note in report.notes { out += "note: \(TerminalText.safeLine(note))\n" }

        if !report.waits.isEmpty {
            var rows = [["Step", "waits", "mean", "median", "90th percentile"]]
            for w in report.waits {
                rows.append([w.step, count(w.wait.count), time(w.wait.meanMinutes), time(w.wait.medianMinutes), time(w.wait.p90Minutes)])
            }
            out += "\n" + grid(rows)
            out += "Waits: from arrival at the step to the start of its work, where the log records both.\n"
        }
        if !report.handoffs.isEmpty {
            var rows = [["Handoff", "count", "mean delay", "median", "90th percentile"]]
            for h in report.handoffs {
                rows.append(["\(h.from) → \(h.to)", count(h.delay.count), time(h.delay.meanMinutes), time(h.delay.medianMinutes), time(h.delay.p90Minutes)])
            }
            out += "\n" + grid(rows)
            out += "Handoff delays: from the completion of the last recorded step in one organisation to the arrival at the next step in another; a test's wait for its result is inside it.\n"
        }
        if !report.problems.isEmpty {
            var rows = [["Problem reading the log", "count", "examples (case id)"]]
            for p in report.problems { rows.append([p.kind.rawValue, count(p.count), p.examples.joined(separator: " ")]) }
            out += "\n" + grid(rows)
        }
        return out
    }

    /// The warnings to print on standard error for a report's reader problems: one line per
    /// kind with its count, examples and the first message.
    public static func warnings(_ report: ConformanceReport) -> [String] {
        report.problems.map { p in
            var line = "warning: \(count(p.count)) \(problemTitle(p.kind, plural: p.count != 1))"
            if !p.examples.isEmpty { line += " (e.g. \(p.examples.map { TerminalText.safeLine($0) }.joined(separator: ", ")))" }
            return line + ": \(TerminalText.safeLine(p.firstMessage))"
        }
    }

    private static func problemTitle(_ kind: LogProblem.Kind, plural: Bool) -> String {
        switch kind {
        case .invalidNHSNumber: plural ? "case ids that are not valid NHS numbers" : "case id that is not a valid NHS number"
        case .missingFromNextOrganisation: plural ? "cases missing from the next organisation's extract" : "case missing from the next organisation's extract"
        case .outOfTimeOrder: plural ? "cases with events out of time order" : "case with events out of time order"
        case .unreadable: plural ? "rows that could not be read" : "row that could not be read"
        case .unmappedActivity: plural ? "activities that map to no step" : "activity that maps to no step"
        }
    }

    // MARK: - JSON

    /// JSON with keys in a fixed order, one member per line; times in days, shares as fractions
    /// 0...1, numbers rounded to 6 decimals; `null` where a figure does not exist.
    public static func json(_ report: ConformanceReport) -> String {
        func summary(_ t: TimeSummary) -> [JSONMember] {
            [JSONMember("count", .integer(t.count)), JSONMember("meanDays", number(t.meanMinutes / 1440)),
             JSONMember("medianDays", number(t.medianMinutes / 1440)), JSONMember("p90Days", number(t.p90Minutes / 1440))]
        }
        func strings(_ items: [String]) -> JSONValue { .array(items.map { .string($0) }) }
        func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
        var members: [JSONMember] = [
            JSONMember("pathway", .string(report.pathwayID)),
            JSONMember("title", .string(report.pathwayTitle)),
            JSONMember("files", strings(report.files)),
            JSONMember("logStart", optional(report.logStart.map(timestamp))),
            JSONMember("logEnd", optional(report.logEnd.map(timestamp))),
            JSONMember("journeys", .integer(report.journeys)),
            JSONMember("events", .integer(report.events)),
            JSONMember("fitting", .integer(report.fitting)),
            JSONMember("fitShare", report.fitShare.map(number) ?? .null),
            JSONMember("allFit", .bool(report.allFit)),
            JSONMember("finished", .integer(report.finished)),
            JSONMember("inProgress", .integer(report.journeys - report.finished)),
        ]
        members.append(JSONMember("organisations", .array(report.organisations.map { o in
            .object([JSONMember("id", .string(o.id)), JSONMember("name", .string(o.name)), JSONMember("inPathway", .bool(o.inPathway)),
                     JSONMember("journeys", .integer(o.journeys)), JSONMember("fitting", .integer(o.fitting)),
                     JSONMember("fitShare", o.share.map(number) ?? .null)])
        })))
        members.append(JSONMember("deviationKinds", .array(report.kinds.map { k in
            .object([JSONMember("kind", .string(k.kind.rawValue)), JSONMember("title", .string(k.kind.title)),
                     JSONMember("journeys", .integer(k.journeys)), JSONMember("occurrences", .integer(k.occurrences)),
                     JSONMember("examples", strings(k.examples))])
        })))
        members.append(JSONMember("deviations", .array(report.deviations.map { d in
            var m = [JSONMember("kind", .string(d.kind.rawValue)), JSONMember("step", optional(d.step)), JSONMember("name", .string(d.name))]
            if let other = d.otherStep { m.append(JSONMember("otherStep", .string(other))) }
            if let expected = d.expectedOrganisation { m.append(JSONMember("expectedOrganisation", .string(expected))) }
            if let item = d.dataItem {
                m.append(JSONMember("dataItem", .string(item)))
                m.append(JSONMember("lostAtHandoff", .bool(d.lostAtHandoff)))
            }
            m += [JSONMember("organisation", optional(d.organisation)), JSONMember("journeys", .integer(d.journeys)),
                  JSONMember("occurrences", .integer(d.occurrences)), JSONMember("examples", strings(d.examples)),
                  JSONMember("message", .string(d.message))]
            return .object(m)
        })))
        members.append(JSONMember("targets", .array(report.targets.map { t in
            .object([JSONMember("id", .string(t.id)), JSONMember("title", .string(t.title)),
                     JSONMember("withinDays", number(t.withinMinutes / 1440)), JSONMember("standard", number(t.standard)),
                     JSONMember("starts", .string(t.starts.rawValue)), JSONMember("stops", .string(t.stops.rawValue)),
                     JSONMember("attainment", t.attainment.map(number) ?? .null),
                     JSONMember("meetsStandard", t.meetsStandard.map { .bool($0) } ?? .null),
                     JSONMember("notMeasurable", t.notMeasurable.map { .string($0) } ?? .null),
                     JSONMember("attainmentIsLowerBound", t.lowerBoundOnly.map { .string($0) } ?? .null),
                     JSONMember("meanDays", t.meanMinutes.map { number($0 / 1440) } ?? .null),
                     JSONMember("measured", .integer(t.measured)), JSONMember("met", .integer(t.met)),
                     JSONMember("runningLate", .integer(t.runningLate)), JSONMember("runningOpen", .integer(t.runningOpen)),
                     JSONMember("notStopped", .integer(t.notStopped))])
        })))
        members.append(JSONMember("waits", .array(report.waits.map { w in
            .object([JSONMember("step", .string(w.step)), JSONMember("title", .string(w.title))] + summary(w.wait))
        })))
        members.append(JSONMember("handoffs", .array(report.handoffs.map { h in
            .object([JSONMember("from", .string(h.from)), JSONMember("to", .string(h.to))] + summary(h.delay))
        })))
        members.append(JSONMember("problems", .array(report.problems.map { p in
            .object([JSONMember("kind", .string(p.kind.rawValue)), JSONMember("count", .integer(p.count)),
                     JSONMember("examples", strings(p.examples)), JSONMember("message", .string(p.firstMessage))])
        })))
        members.append(JSONMember("notes", strings(report.notes)))
        return JSONValue.object(members).serialized(escapingHTML: false)
    }

    // MARK: - CSV

    /// One figure per row: `section,id,detail,metric,value`, with sections `journeys`,
    /// `organisation`, `deviation_kind`, `deviation` (id: the step or activity, detail: the kind
    /// and what else it names: `:after STEP` for a step recorded after one the pathway puts
    /// later), `target`, `wait`, `handoff` (id: from, detail: to) and `problem`;
    /// times in days, shares as fractions. Cells a spreadsheet would run as a formula are
    /// neutralised.
    public static func csv(_ report: ConformanceReport) -> String {
        var out = "section,id,detail,metric,value\n"
        func row(_ section: String, _ id: String, _ detail: String, _ metric: String, _ value: String) {
            out += [section, id, detail, metric, value].map(CSVText.field).joined(separator: ",") + "\n"
        }
        func value(_ v: Double?) -> String { v.map(format6) ?? "" }
        row("journeys", "all", "", "journeys", String(report.journeys))
        row("journeys", "all", "", "events", String(report.events))
        row("journeys", "all", "", "fitting", String(report.fitting))
        row("journeys", "all", "", "fit_share", value(report.fitShare))
        row("journeys", "all", "", "finished", String(report.finished))
        row("journeys", "all", "", "in_progress", String(report.journeys - report.finished))
        for o in report.organisations {
            row("organisation", o.id, "", "journeys", String(o.journeys))
            row("organisation", o.id, "", "fitting", String(o.fitting))
            row("organisation", o.id, "", "fit_share", value(o.share))
        }
        for k in report.kinds {
            row("deviation_kind", k.kind.rawValue, "", "journeys", String(k.journeys))
            row("deviation_kind", k.kind.rawValue, "", "occurrences", String(k.occurrences))
        }
        for d in report.deviations {
            var detail = d.kind.rawValue
            if let other = d.otherStep { detail += ":after " + other }
            if let expected = d.expectedOrganisation { detail += ":by " + (d.organisation ?? "?") + " not " + expected }
            if let item = d.dataItem { detail += ":" + item }
            if d.kind != .otherOrganisation, let org = d.organisation { detail += "@" + org }
            row("deviation", d.step ?? d.name, detail, "journeys", String(d.journeys))
            row("deviation", d.step ?? d.name, detail, "occurrences", String(d.occurrences))
        }
        for t in report.targets {
            row("target", t.id, "", "attainment", value(t.attainment))
            row("target", t.id, "", "measurable", t.notMeasurable == nil ? "true" : "false")
            row("target", t.id, "", "attainment_is_lower_bound", t.lowerBoundOnly == nil ? "false" : "true")
            row("target", t.id, "", "standard", value(t.standard))
            row("target", t.id, "", "measured", String(t.measured))
            row("target", t.id, "", "met", String(t.met))
            row("target", t.id, "", "running_late", String(t.runningLate))
            row("target", t.id, "", "running_open", String(t.runningOpen))
            row("target", t.id, "", "not_stopped", String(t.notStopped))
            row("target", t.id, "", "mean_days", value(t.meanMinutes.map { $0 / 1440 }))
        }
        for w in report.waits {
            row("wait", w.step, "", "count", String(w.wait.count))
            row("wait", w.step, "", "mean_days", value(w.wait.meanMinutes / 1440))
            row("wait", w.step, "", "median_days", value(w.wait.medianMinutes / 1440))
            row("wait", w.step, "", "p90_days", value(w.wait.p90Minutes / 1440))
        }
        for h in report.handoffs {
            row("handoff", h.from, h.to, "count", String(h.delay.count))
            row("handoff", h.from, h.to, "mean_days", value(h.delay.meanMinutes / 1440))
            row("handoff", h.from, h.to, "median_days", value(h.delay.medianMinutes / 1440))
            row("handoff", h.from, h.to, "p90_days", value(h.delay.p90Minutes / 1440))
        }
        for p in report.problems { row("problem", p.kind.rawValue, "", "count", String(p.count)) }
        return out
    }

    // MARK: - Text helpers

    /// The clock's two moments, short: `arrival→start` is the default.
    static func clock(_ t: TargetMeasure) -> String {
        func word(_ point: ClockPoint) -> String {
            switch point {
            case .arrival: "arrival"
            case .start: "start"
            case .completion: "completion"
            }
        }
        return "\(word(t.starts))→\(word(t.stops))"
    }

    /// A JSON number rounded to 6 decimals (`null` when not finite).
    static func number(_ value: Double) -> JSONValue {
        value.isFinite ? .number(format6(value)) : .null
    }

    static func format6(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        let r = (value * 1e6).rounded() / 1e6
        if r == r.rounded() && abs(r) < 1e15 { return String(Int(r)) }
        return String(r)
    }

    /// A whole number with thousands separators: `12,345`.
    static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func percent(_ share: Double) -> String { fixed(share * 100, 1) + "%" }

    static func fixed(_ value: Double, _ decimals: Int) -> String { NumberText.fixed(value, decimals) }

    /// A time in minutes in the unit that reads best: `45.0 min`, `6.5 hours`, `12.3 days`.
    static func time(_ minutes: Double) -> String {
        guard minutes.isFinite else { return "-" }
        let unit = TimeUnit.reading(minutes)
        return fixed(minutes / unit.minutes, 1) + " " + unit.name
    }

    /// Minutes since 1970-01-01T00:00Z as ISO 8601 UTC with milliseconds.
    static func timestamp(_ minutes: Double) -> String {
        guard minutes.isFinite, abs(minutes) < 1e12 else { return "-" }
        let millis = Int((minutes * 60_000).rounded())
        let days = Int((Double(millis) / 86_400_000).rounded(.down))
        let rest = millis - days * 86_400_000
        let (y, m, d) = CivilDate.date(days: days)
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        let hour = rest / 3_600_000, minute = rest / 60_000 % 60, second = rest / 1000 % 60, ms = rest % 1000
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2)).\(pad(ms, 3))Z"
    }

    private static func grid(_ rows: [[String]]) -> String { TerminalText.columns(rows, safe: TerminalText.safeLine) }
}
