import PathwayModel

/// Renders a `SimulationReport` as a table for people, JSON or CSV. Pure functions of the
/// report, so the same report always gives the same bytes.
public enum ReportFormatter {
    // MARK: - Table

    /// A readable table: targets first (what a region asks), then journeys, waits, resources,
    /// handoffs and outcomes.
    public static func table(_ report: SimulationReport) -> String {
        var out = ""
        out += "\(TerminalText.safe(report.pathwayTitle)) — \(runDescription(report))\n"
        let all = report.replications == 1 ? "" : " in all \(report.replications) replications"
        out += "patients: \(count(report.patients.mean)) per replication"
        if report.unfinished > 0 {
            out += "; still in the pathway at the end: \(count(report.unfinishedPerReplication.mean)) per replication, \(report.unfinished)\(all)"
        } else {
            out += "; every journey finished"
        }
        out += "\n"
        if report.replications < 2 { out += "(one replication: no confidence intervals; use --replications 10)\n" }

        if !report.targets.isEmpty {
            var rows = [["Target", "clock", "within", "attainment (95% CI)", "standard", "", "met", "missed", "open at end", "not stopped"]]
            for t in report.targets {
                let met = t.attainment.mean.isFinite ? (t.attainment.mean >= t.standard ? "met" : "NOT MET") : "-"
                rows.append([t.id, clock(t), TimeSpan(minutes: t.withinMinutes).description, percentWithCI(t.attainment),
                             percent(t.standard), met, String(t.met), String(t.measured - t.met + t.runningLate),
                             String(t.runningOpen), String(t.unstopped)])
            }
            out += "\n" + grid(rows)
            out += "Clocks run from arrival at the first step to the start of work at the last unless the target says otherwise; "
            out += "met, missed (including clocks still running past the limit at the end), open and not stopped are patients\(all.isEmpty ? "" : all).\n"
        }

        out += "\nJourney time: mean \(timeWithCI(report.journeyMeanMinutes))"
        out += ", p50 \(time(report.journeyP50Minutes)), p90 \(time(report.journeyP90Minutes)), p95 \(time(report.journeyP95Minutes))\n"
        out += "Patients in the pathway: mean \(numberWithCI(report.meanInPathway)); arrivals per day: \(numberWithCI(report.arrivalsPerDay))\n"

        if !report.steps.isEmpty {
            // One unit for the whole column, so rows can be compared at a glance.
            let u = unit(report.steps.map(\.meanWaitMinutes.mean).filter(\.isFinite).max() ?? 0)
            var rows = [["Step", "mean wait, \(u.name) (95% CI)", "visits per replication"]]
            for s in report.steps {
                rows.append([s.id, number(s.meanWaitMinutes, in: u), count(s.visits.mean)])
            }
            out += "\n" + grid(rows)
        }
        if !report.resources.isEmpty {
            // Work that ran on past closing is shown apart, only when there was some.
            let overran = report.resources.contains { $0.outsideHours.mean >= 0.0005 }
            var rows = [["Resource", "capacity", "utilisation (95% CI)", "mean queue (95% CI)"] + (overran ? ["work outside hours"] : [])]
            for r in report.resources {
                rows.append([r.id, String(r.capacity), percentWithCI(r.utilisation), numberWithCI(r.meanQueue)]
                            + (overran ? [percentWithCI(r.outsideHours)] : []))
            }
            out += "\n" + grid(rows)
            if overran {
                out += "Utilisation is busy time within opening hours; work that started before closing and ran on after it is counted as work outside hours.\n"
            }
        }
        if !report.handoffs.isEmpty {
            let u = unit(report.handoffs.map(\.meanDelayMinutes.mean).filter(\.isFinite).max() ?? 0)
            var rows = [["Handoff", "per replication (95% CI)", "mean delay, \(u.name)"]]
            for h in report.handoffs {
                rows.append(["\(h.from) → \(h.to)", numberWithCI(h.count), number(Estimate(mean: h.meanDelayMinutes.mean, halfWidth: nil), in: u)])
            }
            out += "\n" + grid(rows)
        }
        if !report.outcomes.isEmpty {
            var rows = [["Outcome", "share (95% CI)", "patients" + all]]
            for o in report.outcomes {
                rows.append([o.name, percentWithCI(o.share), String(o.count)])
            }
            out += "\n" + grid(rows)
        }
        if !report.unfinishedPlaces.isEmpty {
            var rows = [["Still in the pathway at the end", "where", "paths" + all]]
            for u in report.unfinishedPlaces {
                rows.append([u.step, placeText(u), String(u.count)])
            }
            out += "\n" + grid(rows)
        }
        if !report.burden.isEmpty {
            var rows = [["Patient burden (mean, p90)"] + PatientBurden.Measure.allCases.map(\.name)]
            var outcomesShown: [String?] = [nil]
            for b in report.burden where b.outcome != nil && !outcomesShown.contains(b.outcome) { outcomesShown.append(b.outcome) }
            for outcome in outcomesShown {
                var row = [outcome ?? "every finished patient"]
                for measure in PatientBurden.Measure.allCases {
                    if let b = report.burden.first(where: { $0.outcome == outcome && $0.measure == measure }) {
                        row.append("\(fixed(b.mean, 1)) (\(b.p90 >= PatientBurden.bins - 1 ? "\(b.p90)+" : String(b.p90)))")
                    } else {
                        row.append("-")
                    }
                }
                rows.append(row)
            }
            out += "\n" + grid(rows)
        }
        return out
    }

    /// The clock's two moments, short: `arrival→start` is the default.
    public static func clock(_ t: SimulationReport.TargetResult) -> String {
        func word(_ point: ClockPoint) -> String {
            switch point {
            case .arrival: "arrival"
            case .start: "start"
            case .completion: "completion"
            }
        }
        return "\(word(t.starts))→\(word(t.stops))"
    }

    /// Where an unfinished path was, in words for a table.
    public static func placeText(_ u: SimulationReport.UnfinishedResult) -> String {
        switch u.place {
        case .resource: "queueing for \(u.resource ?? "its resource")"
        case .join: "at the join, waiting for a parallel path"
        case .inStep: "in the step"
        case .timelessLoop: "in a loop that takes no time"
        case .handoff: "on the way (handoff)"
        }
    }

    static func runDescription(_ report: SimulationReport) -> String { report.runDescription }

    private static func grid(_ rows: [[String]]) -> String { TerminalText.columns(rows, safe: TerminalText.safe) }

    private static func fixed(_ value: Double, _ decimals: Int) -> String { NumberText.fixed(value, decimals) }

    private static func count(_ value: Double) -> String { value.isFinite ? fixed(value, value == value.rounded() ? 0 : 1) : "-" }
    private static func percent(_ share: Double) -> String { fixed(share * 100, 1) + "%" }
    private static func percentWithCI(_ e: Estimate) -> String {
        guard e.mean.isFinite else { return "-" }
        guard e.halfWidth != nil else { return percent(e.mean) }
        return "\(percent(e.mean)) (\(fixed(e.low * 100, 1))–\(fixed(e.high * 100, 1)))"
    }
    private static func numberWithCI(_ e: Estimate) -> String {
        guard e.mean.isFinite else { return "-" }
        guard e.halfWidth != nil else { return fixed(e.mean, 2) }
        return "\(fixed(e.mean, 2)) (\(fixed(e.low, 2))–\(fixed(e.high, 2)))"
    }

    /// Picks a unit for a time in minutes: minutes under 2 hours, hours under 2 days, else days.
    private static func unit(_ minutes: Double) -> (divisor: Double, name: String) {
        let u = TimeUnit.reading(minutes)
        return (u.minutes, u.name)
    }
    private static func time(_ minutes: Double?) -> String {
        guard let minutes, minutes.isFinite else { return "-" }
        let u = unit(minutes)
        return "\(fixed(minutes / u.divisor, 1)) \(u.name)"
    }
    /// A time in a column's unit, without the unit (the column's header says it); a time too
    /// small to show at one decimal is "<0.1", not "0.0", so a short wait is not read as none.
    private static func number(_ e: Estimate, in u: (divisor: Double, name: String)) -> String {
        guard e.mean.isFinite else { return "-" }
        func one(_ minutes: Double) -> String {
            let x = minutes / u.divisor
            return x > 0 && x < 0.05 ? "<0.1" : fixed(x, 1)
        }
        guard e.halfWidth != nil else { return one(e.mean) }
        return "\(one(e.mean)) (\(fixed(e.low / u.divisor, 1))–\(fixed(e.high / u.divisor, 1)))"
    }

    private static func timeWithCI(_ e: Estimate) -> String {
        guard e.mean.isFinite else { return "-" }
        let u = unit(e.mean)
        guard e.halfWidth != nil else { return time(e.mean) }
        return "\(fixed(e.mean / u.divisor, 1)) \(u.name) (\(fixed(e.low / u.divisor, 1))–\(fixed(e.high / u.divisor, 1)))"
    }

    // MARK: - JSON

    /// JSON with keys in a fixed order; times in days, shares as fractions 0...1, numbers rounded
    /// to 6 decimals; `null` where a figure does not exist (no interval with one replication).
    public static func json(_ report: SimulationReport) -> String {
        var w = JSONWriter()
        w.open("{")
        w.key("pathway"); w.string(report.pathwayId)
        w.key("title"); w.string(report.pathwayTitle)
        w.key("run"); w.open("{")
        switch report.length {
        case .patients(let n): w.key("patients"); w.number(Double(n))
        case .days(let d): w.key("days"); w.number(d)
        }
        w.key("warmupDays"); w.number(report.options.warmupDays)
        w.key("replications"); w.number(Double(report.replications))
        w.key("seed"); w.raw(String(report.options.seed))
        // When each replication ended (its last event, or the drain limit): a clock still
        // running then is a breach when past its limit.
        w.key("endDays"); w.open("[")
        for t in report.tallies { w.element(); w.number(t.horizon / 1440) }
        w.close("]")
        w.close("}")
        w.key("patientsPerReplication"); estimate(&w, report.patients, scale: 1)
        w.key("unfinished"); w.number(Double(report.unfinished))
        w.key("unfinishedPerReplication"); estimate(&w, report.unfinishedPerReplication, scale: 1)
        w.key("unfinishedPlaces"); w.open("[")
        for u in report.unfinishedPlaces {
            w.element(); w.open("{")
            w.key("step"); w.string(u.step)
            w.key("place"); w.string(placeKey(u.place))
            if let resource = u.resource { w.key("resource"); w.string(resource) }
            w.key("paths"); w.number(Double(u.count))
            w.close("}")
        }
        w.close("]")
        w.key("targets"); w.open("[")
        for t in report.targets {
            w.element(); w.open("{")
            w.key("id"); w.string(t.id)
            w.key("title"); w.string(t.title)
            w.key("withinDays"); w.number(t.withinMinutes / 1440)
            w.key("standard"); w.number(t.standard)
            w.key("starts"); w.string(t.starts.rawValue)
            w.key("stops"); w.string(t.stops.rawValue)
            w.key("attainment"); estimate(&w, t.attainment, scale: 1)
            w.key("meetsStandard"); w.raw(t.attainment.mean.isFinite ? String(t.attainment.mean >= t.standard) : "null")
            w.key("meanDays"); estimate(&w, t.meanMinutes, scale: 1440)
            w.key("measured"); w.number(Double(t.measured))
            w.key("met"); w.number(Double(t.met))
            w.key("runningLate"); w.number(Double(t.runningLate))
            w.key("runningOpen"); w.number(Double(t.runningOpen))
            w.key("notStopped"); w.number(Double(t.unstopped))
            w.close("}")
        }
        w.close("]")
        w.key("journey"); w.open("{")
        w.key("meanDays"); estimate(&w, report.journeyMeanMinutes, scale: 1440)
        w.key("p50Days"); w.optional(report.journeyP50Minutes.map { $0 / 1440 })
        w.key("p90Days"); w.optional(report.journeyP90Minutes.map { $0 / 1440 })
        w.key("p95Days"); w.optional(report.journeyP95Minutes.map { $0 / 1440 })
        w.key("meanInPathway"); estimate(&w, report.meanInPathway, scale: 1)
        w.key("arrivalsPerDay"); estimate(&w, report.arrivalsPerDay, scale: 1)
        w.close("}")
        w.key("steps"); w.open("[")
        for s in report.steps {
            w.element(); w.open("{")
            w.key("id"); w.string(s.id)
            w.key("title"); w.string(s.title)
            w.key("visitsPerReplication"); estimate(&w, s.visits, scale: 1)
            w.key("meanWaitDays"); estimate(&w, s.meanWaitMinutes, scale: 1440)
            w.close("}")
        }
        w.close("]")
        w.key("resources"); w.open("[")
        for r in report.resources {
            w.element(); w.open("{")
            w.key("id"); w.string(r.id)
            w.key("capacity"); w.number(Double(r.capacity))
            w.key("utilisation"); estimate(&w, r.utilisation, scale: 1)
            w.key("outsideHours"); estimate(&w, r.outsideHours, scale: 1)
            w.key("meanQueue"); estimate(&w, r.meanQueue, scale: 1)
            w.close("}")
        }
        w.close("]")
        w.key("handoffs"); w.open("[")
        for h in report.handoffs {
            w.element(); w.open("{")
            w.key("from"); w.string(h.from)
            w.key("to"); w.string(h.to)
            w.key("perReplication"); estimate(&w, h.count, scale: 1)
            w.key("meanDelayDays"); estimate(&w, h.meanDelayMinutes, scale: 1440)
            w.close("}")
        }
        w.close("]")
        w.key("outcomes"); w.open("[")
        for o in report.outcomes {
            w.element(); w.open("{")
            w.key("name"); w.string(o.name)
            w.key("share"); estimate(&w, o.share, scale: 1)
            w.key("patients"); w.number(Double(o.count))
            w.close("}")
        }
        w.close("]")
        w.key("burden"); w.open("[")
        for b in report.burden {
            w.element(); w.open("{")
            w.key("outcome"); if let o = b.outcome { w.string(o) } else { w.raw("null") }
            w.key("measure"); w.string(burdenKey(b.measure))
            w.key("mean"); w.number(b.mean)
            w.key("p90"); w.number(Double(b.p90))
            w.key("patients"); w.number(Double(b.patients))
            w.close("}")
        }
        w.close("]")
        w.key("warnings"); w.open("[")
        for d in report.warnings {
            w.element(); w.open("{")
            w.key("code"); w.string(d.code)
            w.key("message"); w.string(d.message)
            w.close("}")
        }
        w.close("]")
        w.close("}")
        return w.text + "\n"
    }

    static func placeKey(_ place: UnfinishedPlace) -> String {
        switch place {
        case .resource: "queue"
        case .join: "join"
        case .inStep: "in-step"
        case .timelessLoop: "timeless-loop"
        case .handoff: "handoff"
        }
    }

    static func burdenKey(_ measure: PatientBurden.Measure) -> String {
        switch measure {
        case .organisations: "organisations"
        case .handoffs: "handoffs"
        case .contacts: "contacts"
        case .days: "appointmentDays"
        }
    }

    private static func estimate(_ w: inout JSONWriter, _ e: Estimate, scale: Double) {
        w.open("{")
        w.key("mean"); w.optional(e.mean.isFinite ? e.mean / scale : nil)
        w.key("low"); w.optional(e.halfWidth != nil && e.mean.isFinite ? e.low / scale : nil)
        w.key("high"); w.optional(e.halfWidth != nil && e.mean.isFinite ? e.high / scale : nil)
        w.close("}")
    }

    // MARK: - CSV

    /// One figure per row: `section,id,metric,mean,low,high` (times in days, shares 0...1).
    /// Cells that a spreadsheet would run as a formula are neutralised with a leading apostrophe.
    public static func csv(_ report: SimulationReport) -> String {
        var out = "section,id,metric,mean,low,high\n"
        func row(_ section: String, _ id: String, _ metric: String, _ e: Estimate, scale: Double = 1) {
            let mean = e.mean.isFinite ? JSONWriter.format(e.mean / scale) : ""
            let low = e.halfWidth != nil && e.mean.isFinite ? JSONWriter.format(e.low / scale) : ""
            let high = e.halfWidth != nil && e.mean.isFinite ? JSONWriter.format(e.high / scale) : ""
            out += "\(csvCell(section)),\(csvCell(id)),\(csvCell(metric)),\(mean),\(low),\(high)\n"
        }
        func single(_ section: String, _ id: String, _ metric: String, _ value: Double?) {
            row(section, id, metric, Estimate(mean: value ?? .nan, halfWidth: nil))
        }
        row("run", report.pathwayId, "patients_per_replication", report.patients)
        single("run", report.pathwayId, "replications", Double(report.replications))
        single("run", report.pathwayId, "unfinished", Double(report.unfinished))
        row("run", report.pathwayId, "unfinished_per_replication", report.unfinishedPerReplication)
        for u in report.unfinishedPlaces {
            single("unfinished", u.step, placeKey(u.place), Double(u.count))
        }
        for t in report.targets {
            row("target", t.id, "attainment", t.attainment)
            single("target", t.id, "standard", t.standard)
            row("target", t.id, "mean_days", t.meanMinutes, scale: 1440)
            single("target", t.id, "measured", Double(t.measured))
            single("target", t.id, "met", Double(t.met))
            single("target", t.id, "running_late", Double(t.runningLate))
            single("target", t.id, "running_open", Double(t.runningOpen))
            single("target", t.id, "not_stopped", Double(t.unstopped))
        }
        row("journey", report.pathwayId, "mean_days", report.journeyMeanMinutes, scale: 1440)
        single("journey", report.pathwayId, "p50_days", report.journeyP50Minutes.map { $0 / 1440 })
        single("journey", report.pathwayId, "p90_days", report.journeyP90Minutes.map { $0 / 1440 })
        single("journey", report.pathwayId, "p95_days", report.journeyP95Minutes.map { $0 / 1440 })
        row("journey", report.pathwayId, "mean_in_pathway", report.meanInPathway)
        for s in report.steps {
            row("step", s.id, "mean_wait_days", s.meanWaitMinutes, scale: 1440)
            row("step", s.id, "visits_per_replication", s.visits)
        }
        for r in report.resources {
            row("resource", r.id, "utilisation", r.utilisation)
            row("resource", r.id, "outside_hours", r.outsideHours)
            row("resource", r.id, "mean_queue", r.meanQueue)
        }
        for h in report.handoffs {
            row("handoff", "\(h.from)->\(h.to)", "per_replication", h.count)
            row("handoff", "\(h.from)->\(h.to)", "mean_delay_days", h.meanDelayMinutes, scale: 1440)
        }
        for o in report.outcomes {
            row("outcome", o.name, "share", o.share)
        }
        for b in report.burden {
            let id = b.outcome ?? "(all)"
            single("burden", id, burdenKey(b.measure) + "_mean", b.mean)
            single("burden", id, burdenKey(b.measure) + "_p90", Double(b.p90))
        }
        return out
    }
}

/// A CSV cell: see `CSVText.field`.
func csvCell(_ text: String) -> String { CSVText.field(text) }

/// Builds the simulation result as a `JSONValue` (carepath's one JSON writer and layout) in the
/// order it is written: `open`, `key`, `element`, a value, `close`.
struct JSONWriter {
    private struct Frame {
        var isObject: Bool
        var members: [JSONMember] = []
        var items: [JSONValue] = []
        var pendingKey: String?
        var value: JSONValue { isObject ? .object(members) : .array(items) }
    }
    private var stack: [Frame] = []
    private var root: JSONValue?

    /// A number rounded to 6 decimals, in its shortest form.
    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        let r = (value * 1e6).rounded() / 1e6
        if r == r.rounded() && abs(r) < 1e15 { return String(Int(r)) }
        return String(r)
    }

    /// The document written so far (complete once every `open` is closed), without a final newline.
    var text: String {
        guard let root else { return "" }
        return String(root.serialized(escapingHTML: false).dropLast())
    }

    private mutating func put(_ value: JSONValue) {
        guard var top = stack.popLast() else {
            root = value
            return
        }
        if top.isObject {
            top.members.append(JSONMember(top.pendingKey ?? "", value))
            top.pendingKey = nil
        } else {
            top.items.append(value)
        }
        stack.append(top)
    }

    mutating func open(_ bracket: String) { stack.append(Frame(isObject: bracket == "{")) }

    mutating func close(_ bracket: String) {
        guard let frame = stack.popLast() else { return }
        put(frame.value)
    }

    mutating func key(_ name: String) {
        if !stack.isEmpty { stack[stack.count - 1].pendingKey = name }
    }

    /// Starts an array element.
    mutating func element() {}
    mutating func string(_ value: String) { put(.string(value)) }
    mutating func number(_ value: Double) { raw(JSONWriter.format(value)) }
    mutating func optional(_ value: Double?) { raw(value.map(JSONWriter.format) ?? "null") }
    /// Text that is already a JSON literal: a number, `true`, `false` or `null`.
    mutating func raw(_ value: String) {
        switch value {
        case "null": put(.null)
        case "true": put(.bool(true))
        case "false": put(.bool(false))
        default: put(.number(value))
        }
    }
    static func quoted(_ s: String) -> String { JSONText.quoted(s) }
}

extension SimulationReport {
    /// What was run, in words: "10 replications of 365 days of arrivals after 30 days of
    /// warm-up, seed 1". The one wording for the table, the HTML report and merged parts.
    public var runDescription: String {
        let length: String
        switch self.length {
        case .patients(let n): length = "\(n) patients"
        case .days(let d): length = "\(NumberText.format3(d)) days of arrivals"
        }
        var text = "\(replications) replication\(replications == 1 ? "" : "s") of \(length)"
        if options.warmupDays > 0 { text += " after \(NumberText.format3(options.warmupDays)) days of warm-up" }
        return text + ", seed \(options.seed)"
    }
}
