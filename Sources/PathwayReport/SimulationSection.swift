import PathwayExport
import PathwayModel
import PathwaySimulation

/// The simulation view: target attainment against the standard, the spread of journey times
/// with the targets drawn on it, waits per step, resource use, handoffs between organisations
/// as a matrix, and outcomes. Every chart is followed by its numbers in a table.
struct SimulationSection {
    var pathway: Pathway
    var report: SimulationReport

    /// The article for one pathway's simulation.
    func html(ids: inout ElementIDs) -> String {
        let articleID = ids.next("simulation")
        var out = "<article id=\"\(articleID)\" aria-labelledby=\"\(articleID)-title\">\n"
        out += "<h3 id=\"\(articleID)-title\">\(HTMLText.escape(pathway.title))</h3>\n"
        out += "<p>\(HTMLText.escape(runDescription)). Synthetic patients per replication: \(HTMLText.number(report.patients.mean, decimals: 0))"
        if report.unfinished > 0 {
            out += "; \(HTMLText.number(report.unfinishedPerReplication.mean, decimals: 1)) per replication (\(report.unfinished) in all) had not finished when the run ended"
        } else {
            out += "; every journey finished"
        }
        out += ". Figures are means across replications with 95% confidence intervals.</p>\n"
        if report.replications < 2 { out += "<p class=\"notice\" role=\"note\">One replication only: no confidence intervals.</p>\n" }
        for warning in report.warnings {
            out += "<p class=\"notice\" role=\"note\"><strong>Warning \(HTMLText.escape(warning.code)):</strong> \(HTMLText.escape(warning.message))"
            if let help = warning.help { out += ". \(HTMLText.escape(help))" }
            out += ".</p>\n"
        }
        out += targets(ids: &ids)
        out += journeys(ids: &ids)
        out += waits(ids: &ids)
        out += resources(ids: &ids)
        out += handoffs()
        out += outcomes()
        out += unfinished()
        out += burden()
        return out + "</article>\n"
    }

    private var runDescription: String { report.runDescription }

    private func ci(_ e: Estimate, _ format: (Double) -> String) -> String {
        guard let h = e.halfWidth, h.isFinite else { return format(e.mean) }
        return "\(format(e.mean)) (\(format(e.low)) to \(format(e.high)))"
    }

    // MARK: Targets

    private func targets(ids: inout ElementIDs) -> String {
        var out = "<h4>Target attainment</h4>\n"
        guard !report.targets.isEmpty else { return out + "<p>The pathway states no targets to measure.</p>\n" }
        let bars = report.targets.map { t -> Charts.Bar in
            let below = t.attainment.mean.isFinite && t.attainment.mean < t.standard
            let verdict = !t.attainment.mean.isFinite ? "not measured" : below ? "below standard" : "meets standard"
            return Charts.Bar(label: t.title, value: t.attainment.mean, low: t.attainment.halfWidth == nil ? nil : t.attainment.low,
                              high: t.attainment.halfWidth == nil ? nil : t.attainment.high, marker: t.standard,
                              text: "\(HTMLText.percent(t.attainment.mean)) vs \(HTMLText.percent(t.standard, decimals: 0)): \(verdict)",
                              warn: below)
        }
        let description = report.targets.map { "\($0.title): \(HTMLText.percent($0.attainment.mean)) of patients within \(TimeSpan(minutes: $0.withinMinutes)), standard \(HTMLText.percent($0.standard))" }
            .joined(separator: "; ")
        out += "<figure>\n" + Charts.bars(id: ids.next("chart"), title: "Target attainment against the standard", description: description,
                                          bars: bars, axisMax: 1, axisLabel: { HTMLText.percent($0, decimals: 0) },
                                          markerName: "dashed tick: the standard")
        out += "<figcaption>Bars: share of patients who met the target, among those whose clock stopped and those whose clock "
            + "was still running past the limit when the run ended. A clock starts when the patient arrives at the target's first "
            + "step and stops when the work of its last step starts, after any queue, unless the target says otherwise. "
            + "Hatched orange bars are below the standard.</figcaption>\n</figure>\n"
        out += "<table>\n<caption>Target attainment</caption>\n<thead><tr><th scope=\"col\">Target</th><th scope=\"col\" class=\"num\">Within</th>"
            + "<th scope=\"col\" class=\"num\">Attainment (95% CI)</th><th scope=\"col\" class=\"num\">Standard</th><th scope=\"col\">Verdict</th>"
            + "<th scope=\"col\" class=\"num\">Mean clock time</th><th scope=\"col\">Clock</th><th scope=\"col\" class=\"num\">Met</th>"
            + "<th scope=\"col\" class=\"num\">Missed (incl. running late at the end)</th><th scope=\"col\" class=\"num\">Open at the end</th>"
            + "<th scope=\"col\" class=\"num\">Not stopped</th></tr></thead>\n<tbody>\n"
        for t in report.targets {
            let verdict: String
            if !t.attainment.mean.isFinite {
                verdict = "<span>not measured</span>"
            } else if t.attainment.mean >= t.standard {
                verdict = "<span class=\"meets\">meets</span>" + (t.attainment.low < t.standard ? " (interval includes the standard)" : "")
            } else {
                verdict = "<span class=\"misses\">below</span>" + (t.attainment.high >= t.standard ? " (interval includes the standard)" : "")
            }
            out += "<tr><th scope=\"row\">\(HTMLText.escape(t.title))</th><td class=\"num\">\(HTMLText.escape(TimeSpan(minutes: t.withinMinutes).description))</td>"
            out += "<td class=\"num\">\(ci(t.attainment) { HTMLText.percent($0) })</td><td class=\"num\">\(HTMLText.percent(t.standard))</td><td>\(verdict)</td>"
            out += "<td class=\"num\">\(ci(t.meanMinutes, HTMLText.time))</td><td>\(HTMLText.escape(ReportFormatter.clock(t).replacingOccurrences(of: "→", with: " → ")))</td>"
            out += "<td class=\"num\">\(t.met)</td><td class=\"num\">\(t.measured - t.met + t.runningLate)</td><td class=\"num\">\(t.runningOpen)</td>"
            out += "<td class=\"num\">\(t.unstopped)</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    // MARK: Journey times

    /// Journey-time points pooled over replications: each replication's histogram is read at
    /// 200 evenly spaced quantiles, each standing for 1/200 of that replication's patients. The
    /// simulator keeps a fine log-scale histogram per replication but exposes only quantiles,
    /// so the drawing is accurate to half a percent of patients.
    static func journeyPoints(_ report: SimulationReport, resolution: Int = 200) -> [(minutes: Double, weight: Double)] {
        var points: [(minutes: Double, weight: Double)] = []
        for tally in report.tallies where tally.journeyHistogram.total > 0 {
            let weight = Double(tally.journeyHistogram.total) / Double(resolution)
            for k in 0..<resolution {
                if let v = tally.journeyHistogram.quantile((Double(k) + 0.5) / Double(resolution)) { points.append((v, weight)) }
            }
        }
        return points
    }

    private func journeys(ids: inout ElementIDs) -> String {
        var out = "<h4>Journey times</h4>\n"
        let points = Self.journeyPoints(report)
        let total = points.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return out + "<p>No patient finished the pathway in the run.</p>\n" }
        let sorted = points.sorted { $0.minutes < $1.minutes }
        var running = 0.0
        var p99 = sorted.last?.minutes ?? 0
        for p in sorted {
            running += p.weight
            if running >= 0.99 * total { p99 = p.minutes; break }
        }
        let targetMax = report.targets.map(\.withinMinutes).max() ?? 0
        let spanMinutes = max(p99, targetMax * 1.1, 1)
        let unit: (name: String, minutes: Double) = spanMinutes >= 2 * 1440 ? ("days", 1440) : spanMinutes >= 180 ? ("hours", 60) : ("minutes", 1)
        let span = spanMinutes / unit.minutes
        let binWidth = Charts.niceTicks(max: span, count: 40)[1]
        let binCount = Int((span / binWidth).rounded(.up))
        var shares = Array(repeating: 0.0, count: max(binCount, 1))
        var beyond = 0.0
        for p in points {
            let bin = Int(p.minutes / unit.minutes / binWidth)
            if bin < shares.count { shares[bin] += p.weight / total } else { beyond += p.weight / total }
        }
        let references = report.targets.map {
            Charts.Reference(value: $0.withinMinutes / unit.minutes,
                             label: "\($0.title): \(TimeSpan(minutes: $0.withinMinutes)) (target clock)")
        }
        var description = "Histogram of journey times from arrival to leaving the pathway, in \(unit.name). "
        description += "Median \(HTMLText.time(minutes: report.journeyP50Minutes ?? .nan)), 90th percentile \(HTMLText.time(minutes: report.journeyP90Minutes ?? .nan))."
        out += "<figure>\n" + Charts.histogram(id: ids.next("chart"), title: "Journey times", description: description, shares: shares,
                                               binWidth: binWidth, xLabel: { HTMLText.number($0, decimals: 1) },
                                               xTitle: "journey time, arrival to end (\(unit.name)); bars: share of patients per \(HTMLText.number(binWidth, decimals: 2)) \(unit.name)",
                                               references: references)
        var caption = "Whole journeys, arrival to the end of the last step. Dashed lines mark each target's time; a target's "
            + "clock runs between its own steps, so compare it with the attainment table, not with this whole-journey spread."
        if beyond > 0 { caption += " Journeys longer than the axis (\(HTMLText.percent(beyond)) of patients) are not drawn." }
        caption += " Read from the simulator's per-replication quantiles (200 per replication), so each bar is accurate to half a percent of patients."
        out += "<figcaption>\(HTMLText.escape(caption))</figcaption>\n</figure>\n"
        out += "<table>\n<caption>Journey time</caption>\n<thead><tr><th scope=\"col\" class=\"num\">Mean (95% CI)</th><th scope=\"col\" class=\"num\">Median</th>"
            + "<th scope=\"col\" class=\"num\">90th percentile</th><th scope=\"col\" class=\"num\">95th percentile</th><th scope=\"col\" class=\"num\">Patients in the pathway (mean)</th></tr></thead>\n<tbody>"
        out += "<tr><td class=\"num\">\(ci(report.journeyMeanMinutes, HTMLText.time))</td><td class=\"num\">\(HTMLText.time(minutes: report.journeyP50Minutes ?? .nan))</td>"
        out += "<td class=\"num\">\(HTMLText.time(minutes: report.journeyP90Minutes ?? .nan))</td><td class=\"num\">\(HTMLText.time(minutes: report.journeyP95Minutes ?? .nan))</td>"
        out += "<td class=\"num\">\(ci(report.meanInPathway) { HTMLText.number($0) })</td></tr>\n</tbody>\n</table>\n"
        return out
    }

    // MARK: Waits

    private func waits(ids: inout ElementIDs) -> String {
        var out = "<h4>Waits per step</h4>\n"
        guard !report.steps.isEmpty else { return out + "<p>No step was visited.</p>\n" }
        let waited = report.steps.filter { $0.meanWaitMinutes.mean.isFinite && $0.meanWaitMinutes.mean > 0.05 }
            .sorted { $0.meanWaitMinutes.mean > $1.meanWaitMinutes.mean }.prefix(15)
        if waited.isEmpty {
            out += "<p>No step kept patients waiting: every resource and meeting was free when patients reached it.</p>\n"
        } else {
            let maxWait = waited.map { $0.meanWaitMinutes.halfWidth == nil ? $0.meanWaitMinutes.mean : $0.meanWaitMinutes.high }.max() ?? 1
            let unit = TimeUnit.reading(maxWait)
            let bars = waited.map { s in
                Charts.Bar(label: s.title, value: s.meanWaitMinutes.mean / unit.minutes,
                           low: s.meanWaitMinutes.halfWidth == nil ? nil : s.meanWaitMinutes.low / unit.minutes,
                           high: s.meanWaitMinutes.halfWidth == nil ? nil : s.meanWaitMinutes.high / unit.minutes,
                           text: HTMLText.time(minutes: s.meanWaitMinutes.mean))
            }
            out += "<figure>\n" + Charts.bars(id: ids.next("chart"), title: "Mean wait before each step starts",
                                              description: waited.map { "\($0.title): \(HTMLText.time(minutes: $0.meanWaitMinutes.mean))" }.joined(separator: "; "),
                                              bars: Array(bars), axisMax: maxWait / unit.minutes,
                                              axisLabel: { HTMLText.number($0, decimals: 1) + " " + unit.name })
            out += "<figcaption>Queueing for a resource and waiting for a meeting's next sitting, longest first"
                + (report.steps.count > waited.count ? "; steps with no wait are in the table" : "") + ".</figcaption>\n</figure>\n"
        }
        out += "<table class=\"sortable\">\n<caption>Waits and visits per step</caption>\n<thead><tr><th scope=\"col\">Step</th>"
            + "<th scope=\"col\" class=\"num\">Mean wait (95% CI)</th><th scope=\"col\" class=\"num\">Visits per replication</th></tr></thead>\n<tbody>\n"
        for s in report.steps {
            out += "<tr><th scope=\"row\">\(HTMLText.escape(s.title))</th><td class=\"num\" data-sort=\"\(sortKey(s.meanWaitMinutes.mean))\">\(ci(s.meanWaitMinutes, HTMLText.time))</td>"
            out += "<td class=\"num\" data-sort=\"\(sortKey(s.visits.mean))\">\(HTMLText.number(s.visits.mean))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    // MARK: Resources

    private func resources(ids: inout ElementIDs) -> String {
        var out = "<h4>Resource utilisation</h4>\n"
        guard !report.resources.isEmpty else { return out + "<p>The pathway declares no resources.</p>\n" }
        let names = Dictionary(pathway.resources.map { ($0.id, $0.name ?? $0.id) }, uniquingKeysWith: { a, _ in a })
        let bars = report.resources.map { r in
            Charts.Bar(label: names[r.id] ?? r.id, value: r.utilisation.mean,
                       low: r.utilisation.halfWidth == nil ? nil : r.utilisation.low, high: r.utilisation.halfWidth == nil ? nil : r.utilisation.high,
                       text: "\(HTMLText.percent(r.utilisation.mean)) busy, queue \(HTMLText.number(r.meanQueue.mean))",
                       warn: r.utilisation.mean >= 0.85)
        }
        let axisMax = max(1, report.resources.map { $0.utilisation.halfWidth == nil ? $0.utilisation.mean : $0.utilisation.high }.filter(\.isFinite).max() ?? 1)
        out += "<figure>\n" + Charts.bars(id: ids.next("chart"), title: "Resource utilisation while open",
                                          description: report.resources.map { "\(names[$0.id] ?? $0.id): \(HTMLText.percent($0.utilisation.mean)) busy" }.joined(separator: "; "),
                                          bars: bars, axisMax: axisMax, axisLabel: { HTMLText.percent($0, decimals: 0) })
        out += "<figcaption>Busy time over open time. Hatched orange bars are at least 85% busy, where queues grow quickly.</figcaption>\n</figure>\n"
        out += "<table class=\"sortable\">\n<caption>Resources</caption>\n<thead><tr><th scope=\"col\">Resource</th><th scope=\"col\" class=\"num\">Capacity</th>"
            + "<th scope=\"col\" class=\"num\">Utilisation (95% CI)</th><th scope=\"col\" class=\"num\">Mean queue (95% CI)</th></tr></thead>\n<tbody>\n"
        for r in report.resources {
            out += "<tr><th scope=\"row\">\(HTMLText.escape(names[r.id] ?? r.id))</th><td class=\"num\">\(r.capacity)</td>"
            out += "<td class=\"num\" data-sort=\"\(sortKey(r.utilisation.mean))\">\(ci(r.utilisation) { HTMLText.percent($0) })</td>"
            out += "<td class=\"num\" data-sort=\"\(sortKey(r.meanQueue.mean))\">\(ci(r.meanQueue) { HTMLText.number($0) })</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    // MARK: Handoffs

    private func handoffs() -> String {
        var out = "<h4>Handoffs between organisations</h4>\n"
        guard !report.handoffs.isEmpty else { return out + "<p>No patient crossed between organisations.</p>\n" }
        var orgs = pathway.organisations.map(\.id)
        for h in report.handoffs { for o in [h.from, h.to] where !orgs.contains(o) { orgs.append(o) } }
        let used = orgs.filter { o in report.handoffs.contains { $0.from == o || $0.to == o } }
        func name(_ id: String) -> String { pathway.organisation(id)?.name ?? id }
        let maxCount = report.handoffs.map(\.count.mean).filter(\.isFinite).max() ?? 1
        out += "<table class=\"matrix\">\n<caption>Handoffs per replication, from the row's organisation to the column's, with the mean delay. "
            + "Darker cells carry more patients.</caption>\n<thead><tr><th scope=\"col\">From \\ to</th>"
        for o in used { out += "<th scope=\"col\">\(HTMLText.escape(name(o)))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for a in used {
            out += "<tr><th scope=\"row\">\(HTMLText.escape(name(a)))</th>"
            for b in used {
                if let h = report.handoffs.first(where: { $0.from == a && $0.to == b }) {
                    let level = maxCount > 0 ? min(4, 1 + Int(3.999 * h.count.mean / maxCount)) : 1
                    out += "<td class=\"heat h\(level)\">\(HTMLText.number(h.count.mean)) per replication<br>mean delay \(HTMLText.time(minutes: h.meanDelayMinutes.mean))</td>"
                } else {
                    out += "<td class=\"heat h0\">\(a == b ? "–" : "none")</td>"
                }
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    // MARK: Outcomes

    private func outcomes() -> String {
        guard !report.outcomes.isEmpty else { return "" }
        var out = "<h4>Outcomes</h4>\n<table class=\"sortable\">\n<caption>How journeys ended</caption>\n<thead><tr><th scope=\"col\">Outcome</th>"
            + "<th scope=\"col\" class=\"num\">Share (95% CI)</th><th scope=\"col\" class=\"num\">Patients, all replications</th></tr></thead>\n<tbody>\n"
        for o in report.outcomes {
            out += "<tr><th scope=\"row\">\(HTMLText.escape(o.name))</th><td class=\"num\" data-sort=\"\(sortKey(o.share.mean))\">\(ci(o.share) { HTMLText.percent($0) })</td><td class=\"num\">\(o.count)</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private func unfinished() -> String {
        guard !report.unfinishedPlaces.isEmpty else { return "" }
        var out = "<h4>Still in the pathway at the end</h4>\n<table>\n<caption>Where unfinished journeys were when the run ended "
            + "(a patient with parallel paths counts once per path), all replications</caption>\n"
            + "<thead><tr><th scope=\"col\">Step</th><th scope=\"col\">Where</th><th scope=\"col\" class=\"num\">Paths</th></tr></thead>\n<tbody>\n"
        for u in report.unfinishedPlaces {
            out += "<tr><th scope=\"row\">\(HTMLText.escape(u.title))</th><td>\(HTMLText.escape(ReportFormatter.placeText(u)))</td><td class=\"num\">\(u.count)</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private func burden() -> String {
        guard !report.burden.isEmpty else { return "" }
        let measures = PatientBurden.Measure.allCases
        var out = "<h4>Patient burden</h4>\n<table>\n<caption>Per finished patient: organisations dealt with, handoffs between "
            + "them, contacts (steps where the patient is seen, tested or treated) and separate days with a contact; mean and 90th percentile</caption>\n"
            + "<thead><tr><th scope=\"col\">Outcome</th>"
        for m in measures { out += "<th scope=\"col\" class=\"num\">\(HTMLText.escape(m.name.prefix(1).uppercased() + m.name.dropFirst())) (p90)</th>" }
        out += "</tr></thead>\n<tbody>\n"
        var outcomes: [String?] = [nil]
        for b in report.burden where b.outcome != nil && !outcomes.contains(b.outcome) { outcomes.append(b.outcome) }
        for outcome in outcomes {
            out += "<tr><th scope=\"row\">\(HTMLText.escape(outcome ?? "Every finished patient"))</th>"
            for m in measures {
                if let b = report.burden.first(where: { $0.outcome == outcome && $0.measure == m }) {
                    out += "<td class=\"num\">\(HTMLText.number(b.mean, decimals: 1)) (\(b.p90))</td>"
                } else {
                    out += "<td class=\"num\">-</td>"
                }
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private func sortKey(_ v: Double) -> String { v.isFinite ? NumberText.format3(v) : "-1" }
}
