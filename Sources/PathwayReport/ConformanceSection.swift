import PathwayData
import PathwayModel

/// The conformance view: how many real journeys fit the pathway, per organisation (a bar
/// chart and its table), each deviation with counts and example NHS numbers, target
/// attainment measured from the log against the standard, waits and handoff delays as
/// measured, and the problems met reading the log. Every chart is followed by its numbers.
struct ConformanceSection {
    var pathway: Pathway
    var report: ConformanceReport

    /// The article for one pathway's conformance to a log.
    func html(ids: inout ElementIDs) -> String {
        let articleID = ids.next("conformance")
        var out = "<article id=\"\(articleID)\" aria-labelledby=\"\(articleID)-title\">\n"
        out += "<h3 id=\"\(articleID)-title\">\(HTMLText.escape(pathway.title)): real journeys</h3>\n"
        out += "<p>\(report.journeys) journeys (\(report.events) events)"
        if !report.files.isEmpty { out += " from \(report.files.map { "<code>\(HTMLText.escape($0))</code>" }.joined(separator: ", "))" }
        out += ", joined by NHS number. <strong>\(report.fitting) of \(report.journeys) fit the pathway"
        if let share = report.fitShare { out += " (\(HTMLText.percent(share)))" }
        out += "</strong>; \(report.finished) finished, \(report.journeys - report.finished) still in progress at the end of the log.</p>\n"
        out += "<p>A journey fits when its recorded steps are a walk the pathway allows (parallel paths in any order, loops as often as "
            + "they come round), each done by the organisation the pathway names and with the data it requires. Decisions, waits, "
            + "parallel splits, ends and steps without work may be missing from a log.</p>\n"
        for problem in report.problems {
            out += "<p class=\"notice\" role=\"note\"><strong>Log problem (\(HTMLText.escape(problem.kind.rawValue))), \(problem.count) found:</strong> "
                + "\(HTMLText.escape(problem.firstMessage))"
            if !problem.examples.isEmpty { out += " Examples: \(HTMLText.escape(problem.examples.joined(separator: ", ")))." }
            out += "</p>\n"
        }
        out += organisations(ids: &ids)
        out += deviations()
        out += targets(ids: &ids)
        out += waits()
        out += handoffs()
        for note in report.notes { out += "<p class=\"notice\" role=\"note\">\(HTMLText.escape(note)).</p>\n" }
        return out + "</article>\n"
    }

    private func organisations(ids: inout ElementIDs) -> String {
        var out = "<h4>Journeys that fit, per organisation</h4>\n"
        guard !report.organisations.isEmpty else { return out + "<p>The log names no organisations.</p>\n" }
        var bars = [Charts.Bar(label: "Whole pathway", value: report.fitShare ?? 0,
                               text: "\(report.fitting) of \(report.journeys) journeys", warn: !report.allFit)]
        for o in report.organisations {
            bars.append(Charts.Bar(label: o.name, value: o.share ?? 0, text: "\(o.fitting) of \(o.journeys) journeys",
                                   warn: o.fitting < o.journeys))
        }
        let description = bars.map { "\($0.label): \($0.text)" }.joined(separator: "; ")
        out += "<figure>\n" + Charts.bars(id: ids.next("chart"), title: "Share of journeys that fit", description: description,
                                          bars: bars, axisMax: 1, axisLabel: { HTMLText.percent($0, decimals: 0) })
        out += "<figcaption>Share of journeys with no deviation; per organisation, with no deviation counted against it there. "
            + "Hatched orange bars are below 100%.</figcaption>\n</figure>\n"
        out += "<table class=\"sortable\">\n<caption>Journeys that fit, per organisation</caption>\n<thead><tr><th scope=\"col\">Organisation</th>"
            + "<th scope=\"col\" class=\"num\">Journeys seen there</th><th scope=\"col\" class=\"num\">Fit there</th>"
            + "<th scope=\"col\" class=\"num\">Share</th></tr></thead>\n<tbody>\n"
        for o in report.organisations {
            let label = o.inPathway ? HTMLText.escape(o.name) : "\(HTMLText.escape(o.name)) <span class=\"muted\">(not in the pathway)</span>"
            out += "<tr><th scope=\"row\">\(label)</th><td class=\"num\">\(o.journeys)</td><td class=\"num\">\(o.fitting)</td>"
            out += "<td class=\"num\" data-sort=\"\(sortKey(o.share))\">\(o.share.map { HTMLText.percent($0) } ?? "–")</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private func deviations() -> String {
        var out = "<h4>Deviations</h4>\n"
        out += "<table>\n<caption>Each kind of deviation: journeys with it, times found, example NHS numbers</caption>\n<thead><tr>"
            + "<th scope=\"col\">Kind</th><th scope=\"col\" class=\"num\">Journeys</th><th scope=\"col\" class=\"num\">Times</th>"
            + "<th scope=\"col\">Examples</th></tr></thead>\n<tbody>\n"
        for k in report.kinds {
            out += "<tr><th scope=\"row\">\(HTMLText.escape(k.kind.title))</th><td class=\"num\">\(k.journeys)</td>"
            out += "<td class=\"num\">\(k.occurrences)</td><td>\(HTMLText.escape(k.examples.joined(separator: ", ")))</td></tr>\n"
        }
        out += "</tbody>\n</table>\n"
        guard !report.deviations.isEmpty else { return out + "<p>Every journey fits: no deviation was found.</p>\n" }
        out += "<table class=\"sortable\">\n<caption>What did not fit (select a heading to sort)</caption>\n<thead><tr>"
            + "<th scope=\"col\">Kind</th><th scope=\"col\">What</th><th scope=\"col\">Organisation</th>"
            + "<th scope=\"col\" class=\"num\">Journeys</th><th scope=\"col\" class=\"num\">Times</th><th scope=\"col\">Examples</th></tr></thead>\n<tbody>\n"
        let names = Dictionary(pathway.organisations.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        for d in report.deviations {
            let organisation = d.organisation.map { names[$0] ?? $0 } ?? "–"
            out += "<tr><td>\(HTMLText.escape(d.kind.title))</td><th scope=\"row\">\(HTMLText.escape(d.message))</th>"
            out += "<td>\(HTMLText.escape(organisation))</td><td class=\"num\">\(d.journeys)</td><td class=\"num\">\(d.occurrences)</td>"
            out += "<td>\(HTMLText.escape(d.examples.joined(separator: ", ")))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private func targets(ids: inout ElementIDs) -> String {
        var out = "<h4>Target attainment measured from the log</h4>\n"
        guard !report.targets.isEmpty else { return out + "<p>The pathway states no targets to measure.</p>\n" }
        let bars = report.targets.map { t -> Charts.Bar in
            let below = t.meetsStandard == false
            let verdict = t.meetsStandard.map { $0 ? "meets standard" : "below standard" } ?? (t.notMeasurable != nil ? "not measurable from these logs" : "not measured")
            return Charts.Bar(label: t.title, value: t.attainment ?? 0, marker: t.standard,
                              text: "\(t.attainment.map { HTMLText.percent($0) } ?? "–") vs \(HTMLText.percent(t.standard, decimals: 0)): \(verdict)",
                              warn: below)
        }
        let description = report.targets.map { "\($0.title): \($0.attainment.map { HTMLText.percent($0) } ?? "not measured") within \(TimeSpan(minutes: $0.withinMinutes)), standard \(HTMLText.percent($0.standard))" }
            .joined(separator: "; ")
        out += "<figure>\n" + Charts.bars(id: ids.next("chart"), title: "Target attainment in the log against the standard",
                                          description: description, bars: bars, axisMax: 1,
                                          axisLabel: { HTMLText.percent($0, decimals: 0) }, markerName: "dashed tick: the standard")
        out += "<figcaption>Share of journeys in the log that met the target, among those whose clock stopped and those whose clock was still "
            + "running past the limit at the end of the log. Clocks follow the simulator's rules. Hatched orange bars are below the standard.</figcaption>\n</figure>\n"
        out += "<table>\n<caption>Target attainment measured from the log</caption>\n<thead><tr><th scope=\"col\">Target</th>"
            + "<th scope=\"col\" class=\"num\">Within</th><th scope=\"col\" class=\"num\">Attainment</th><th scope=\"col\" class=\"num\">Standard</th>"
            + "<th scope=\"col\">Verdict</th><th scope=\"col\" class=\"num\">Mean clock time</th><th scope=\"col\" class=\"num\">Met</th>"
            + "<th scope=\"col\" class=\"num\">Missed (incl. running late at the end)</th><th scope=\"col\" class=\"num\">Open at the end</th>"
            + "<th scope=\"col\" class=\"num\">Not stopped</th></tr></thead>\n<tbody>\n"
        for t in report.targets {
            let verdict: String
            switch t.meetsStandard {
            case true?: verdict = "<span class=\"meets\">meets</span>"
            case false?: verdict = "<span class=\"misses\">below</span>"
            case nil:
                if let why = t.notMeasurable {
                    verdict = "<span>not measurable: \(HTMLText.escape(why))</span>"
                } else if let why = t.lowerBoundOnly {
                    verdict = "<span>unknown: \(HTMLText.escape(why))</span>"
                } else {
                    verdict = "<span>not measured</span>"
                }
            }
            out += "<tr><th scope=\"row\">\(HTMLText.escape(t.title))</th><td class=\"num\">\(HTMLText.escape(TimeSpan(minutes: t.withinMinutes).description))</td>"
            out += "<td class=\"num\">\(t.attainment.map { HTMLText.percent($0) } ?? "–")</td><td class=\"num\">\(HTMLText.percent(t.standard))</td><td>\(verdict)</td>"
            out += "<td class=\"num\">\(t.meanMinutes.map { HTMLText.time(minutes: $0) } ?? "–")</td><td class=\"num\">\(t.met)</td>"
            out += "<td class=\"num\">\(t.measured - t.met + t.runningLate)</td><td class=\"num\">\(t.runningOpen)</td><td class=\"num\">\(t.notStopped)</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private func waits() -> String {
        guard !report.waits.isEmpty else { return "" }
        var out = "<h4>Waits per step, as recorded</h4>\n<table class=\"sortable\">\n<caption>From arrival at the step to the start of its work, "
            + "where the log records both</caption>\n<thead><tr><th scope=\"col\">Step</th><th scope=\"col\" class=\"num\">Waits</th>"
            + "<th scope=\"col\" class=\"num\">Mean</th><th scope=\"col\" class=\"num\">Median</th><th scope=\"col\" class=\"num\">90th percentile</th></tr></thead>\n<tbody>\n"
        for w in report.waits {
            out += "<tr><th scope=\"row\">\(HTMLText.escape(w.title))</th><td class=\"num\">\(w.wait.count)</td>"
            out += "<td class=\"num\" data-sort=\"\(sortKey(w.wait.meanMinutes))\">\(HTMLText.time(minutes: w.wait.meanMinutes))</td>"
            out += "<td class=\"num\" data-sort=\"\(sortKey(w.wait.medianMinutes))\">\(HTMLText.time(minutes: w.wait.medianMinutes))</td>"
            out += "<td class=\"num\" data-sort=\"\(sortKey(w.wait.p90Minutes))\">\(HTMLText.time(minutes: w.wait.p90Minutes))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private func handoffs() -> String {
        guard !report.handoffs.isEmpty else { return "" }
        let names = Dictionary(pathway.organisations.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var out = "<h4>Handoff delays, as recorded</h4>\n<table>\n<caption>From the completion of the last recorded step in one organisation "
            + "to the arrival at the next step in another (a test's wait for its result is inside it)</caption>\n<thead><tr>"
            + "<th scope=\"col\">From</th><th scope=\"col\">To</th><th scope=\"col\" class=\"num\">Handoffs</th><th scope=\"col\" class=\"num\">Mean</th>"
            + "<th scope=\"col\" class=\"num\">Median</th><th scope=\"col\" class=\"num\">90th percentile</th></tr></thead>\n<tbody>\n"
        for h in report.handoffs {
            out += "<tr><th scope=\"row\">\(HTMLText.escape(names[h.from] ?? h.from))</th><td>\(HTMLText.escape(names[h.to] ?? h.to))</td>"
            out += "<td class=\"num\">\(h.delay.count)</td><td class=\"num\">\(HTMLText.time(minutes: h.delay.meanMinutes))</td>"
            out += "<td class=\"num\">\(HTMLText.time(minutes: h.delay.medianMinutes))</td><td class=\"num\">\(HTMLText.time(minutes: h.delay.p90Minutes))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private func sortKey(_ v: Double?) -> String { v.map { $0.isFinite ? NumberText.format3($0) : "-1" } ?? "-1" }
}
