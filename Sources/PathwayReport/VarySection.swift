import Foundation
import PathwayModel
import PathwaySimulation

/// The capacity-planning view of `carepath simulate --vary`: for each target, a chart of its
/// attainment (mean and 95% interval) against the varied value, with the standard drawn as a
/// dashed line and the smallest value that meets every standard marked; then the numbers in a
/// table. With several varied fields, the first is the chart's axis and each combination of
/// the others is a line of its own.
struct VarySection {
    var report: VaryReport

    /// The article: what was run, the verdict, a chart per target, and the table.
    func html(ids: inout ElementIDs) -> String {
        let articleID = ids.next("vary")
        var out = "<article id=\"\(articleID)\" aria-labelledby=\"\(articleID)-title\">\n"
        out += "<h3 id=\"\(articleID)-title\">\(HTMLText.escape(report.pathwayTitle)): "
            + "\(HTMLText.escape(report.axes.map(\.path).joined(separator: " and ")))</h3>\n"
        let each = report.axes.count == 1 ? "value" : "combination"
        out += "<p>Each \(each): \(HTMLText.escape(report.runDescription)), with the same random numbers for every \(each), "
            + "so the differences between them are the \(each)s' doing. A standard counts as met when \(HTMLText.escape(report.judge.wording)) reaches it"
            + (report.options.replications < 2 && report.judge == .lowerBound ? " (one replication: no interval, so the mean)" : "") + ".</p>\n"
        out += "<p><strong>\(HTMLText.escape(verdict))</strong></p>\n"
        for (i, point) in report.points.enumerated() {
            for warning in point.warnings {
                out += "<p class=\"notice\" role=\"note\"><strong>Warning \(HTMLText.escape(warning.code)) at \(HTMLText.escape(label(i))):</strong> "
                    + "\(HTMLText.escape(warning.message)).</p>\n"
            }
        }
        for target in report.points.first?.targets ?? [] {
            out += chart(target: target.id, title: target.title, ids: &ids)
        }
        out += table()
        return out + "</article>\n"
    }

    // MARK: Words

    /// The fields' values at point `i`: `resources.ct-scanner.capacity = 2, steps.mdt.every = 7 days`.
    private func label(_ i: Int) -> String {
        let labels = report.labels(report.points[i])
        return report.axes.indices.map { "\(report.axes[$0].path) = \(labels[$0])" }.joined(separator: ", ")
    }

    /// The smallest values that meet every standard, in a sentence.
    var verdict: String {
        let smallest = report.smallest
        if report.axes.count == 1, let axis = report.axes.first {
            guard let first = smallest.first else { return "No value of \(axis.path) tried meets every standard." }
            var text = "The smallest \(axis.path) that meets every standard is \(report.labels(report.points[first])[0])."
            let failing = report.failingAboveSmallest
            if !failing.isEmpty {
                text += " Some larger values do not (" + failing.map { report.labels(report.points[$0])[0] }.joined(separator: ", ")
                    + "): the figures are close to a standard there, so run more replications before relying on it."
            }
            return text
        }
        guard !smallest.isEmpty else { return "No combination tried meets every standard." }
        return "The smallest combinations that meet every standard (none other that meets them all is as small or smaller in every field): "
            + smallest.map(label).joined(separator: "; ") + "."
    }

    // MARK: Chart

    /// The lines of a chart: one per combination of the fields after the first.
    private var series: [(name: String, points: [Int])] {
        var groups: [[Int]: [Int]] = [:]
        var order: [[Int]] = []
        for (i, point) in report.points.enumerated() {
            let key = Array(point.coordinates.dropFirst())
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(i)
        }
        return order.map { key in
            let name = key.enumerated().map { "\(report.axes[$0.offset + 1].path) = \(report.axes[$0.offset + 1].label($0.element))" }
                .joined(separator: ", ")
            let points = (groups[key] ?? []).sorted { report.points[$0].coordinates[0] < report.points[$1].coordinates[0] }
            return (name, points)
        }
    }

    private static let dashes = ["", "8 4", "2 3", "10 3 2 3", "4 4", "1 6"]

    private func chart(target id: String, title: String, ids: inout ElementIDs) -> String {
        guard let axis = report.axes.first else { return "" }
        let width = 960.0, left = 60.0, right = 30.0, top = 24.0, plotHeight = 280.0
        let lines = series
        let legendRows = lines.count > 1 ? lines.count : 0
        let height = top + plotHeight + 56 + Double(legendRows) * 18
        let plot = width - left - right
        let low = axis.values.first ?? 0, high = axis.values.last ?? 1
        let span = high > low ? high - low : 1
        func x(_ v: Double) -> Double { high > low ? left + 20 + (plot - 40) * (v - low) / span : left + plot / 2 }
        func y(_ share: Double) -> Double { top + plotHeight * (1 - min(max(share, 0), 1)) }
        func result(_ i: Int) -> VaryReport.TargetResult? { report.points[i].targets.first { $0.id == id } }

        let described = report.points.indices.compactMap { i -> String? in
            guard let r = result(i) else { return nil }
            let verdict = r.meetsStandard.map { $0 ? "meets" : "below" } ?? "not measured"
            return "\(label(i)): \(HTMLText.percent(r.attainment.mean)) (\(verdict) the standard of \(HTMLText.percent(r.standard, decimals: 0)))"
        }.joined(separator: "; ")
        let chartID = ids.next("chart")
        var out = "<h4>\(HTMLText.escape(title))</h4>\n<figure>\n" + Charts.svgOpen(id: chartID, width: width, height: height,
                                               title: "\(title): attainment against \(axis.path)", description: described)
        // Axes and grid.
        for t in Charts.niceTicks(max: 1) {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y(t)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(t)))\" stroke=\"#e0e0e0\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y(t) + 4))\" text-anchor=\"end\">\(HTMLText.escape(HTMLText.percent(t, decimals: 0)))</text>"
        }
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(width - right))\" y2=\"\(f(top + plotHeight))\" stroke=\"#000\"/>"
        let step = max(1, Int((Double(axis.values.count) / 15).rounded(.up)))
        for (k, v) in axis.values.enumerated() where k % step == 0 || k == axis.values.count - 1 {
            out += "<line x1=\"\(f(x(v)))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(x(v)))\" y2=\"\(f(top + plotHeight + 5))\" stroke=\"#000\"/>"
            out += "<text x=\"\(f(x(v)))\" y=\"\(f(top + plotHeight + 18))\" text-anchor=\"middle\">\(HTMLText.escape(axis.label(k)))</text>"
        }
        out += "<text x=\"\(f(left + plot / 2))\" y=\"\(f(top + plotHeight + 38))\" text-anchor=\"middle\">\(HTMLText.escape(axis.path + (axis.unit.map { " (\($0))" } ?? "")))</text>"
        // The standard: one dashed line when it is the same everywhere, else through each value's standard.
        let standards = report.points.indices.compactMap { result($0)?.standard }
        if let first = standards.first, standards.allSatisfy({ $0 == first }) {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y(first)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(first)))\" stroke=\"#b34700\" stroke-width=\"2.5\" stroke-dasharray=\"6 3\"/>"
            out += "<text x=\"\(f(width - right - 4))\" y=\"\(f(y(first) - 6))\" text-anchor=\"end\">standard \(HTMLText.escape(HTMLText.percent(first, decimals: 1)))</text>"
        } else if let line = lines.first {
            let path = line.points.compactMap { i in result(i).map { "\(f(x(report.values(report.points[i])[0]))) \(f(y($0.standard)))" } }
            if !path.isEmpty {
                out += "<path d=\"M\(path.joined(separator: "L"))\" stroke=\"#b34700\" stroke-width=\"2.5\" stroke-dasharray=\"6 3\" fill=\"none\"/>"
                out += "<text x=\"\(f(width - right - 4))\" y=\"\(f(top + 12))\" text-anchor=\"end\">dashed orange: each value's standard</text>"
            }
        }
        // The smallest value that meets every standard (one field).
        if report.axes.count == 1, let first = report.smallest.first {
            let sx = x(report.values(report.points[first])[0])
            out += "<line x1=\"\(f(sx))\" y1=\"\(f(top))\" x2=\"\(f(sx))\" y2=\"\(f(top + plotHeight))\" stroke=\"#0b5d1e\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/>"
            let anchor = sx > left + plot * 0.6 ? "end" : "start"
            out += "<text x=\"\(f(anchor == "end" ? sx - 4 : sx + 4))\" y=\"\(f(top - 8))\" text-anchor=\"\(anchor)\">smallest that meets every standard: \(HTMLText.escape(report.labels(report.points[first])[0]))</text>"
        }
        // Each line: whiskers, the line through the means, and a marker filled when the standard is met.
        for (n, line) in lines.enumerated() {
            let dash = Self.dashes[n % Self.dashes.count]
            let pts = line.points.compactMap { i -> (x: Double, r: VaryReport.TargetResult)? in
                guard let r = result(i), r.attainment.mean.isFinite else { return nil }
                return (x(report.values(report.points[i])[0]), r)
            }
            for p in pts where p.r.attainment.halfWidth != nil {
                let lo = y(p.r.attainment.low), hi = y(p.r.attainment.high)
                out += "<path d=\"M\(f(p.x)) \(f(lo))V\(f(hi))M\(f(p.x - 5)) \(f(lo))H\(f(p.x + 5))M\(f(p.x - 5)) \(f(hi))H\(f(p.x + 5))\" stroke=\"#000\" stroke-width=\"1.2\" fill=\"none\"/>"
            }
            if pts.count > 1 {
                out += "<path d=\"M" + pts.map { "\(f($0.x)) \(f(y($0.r.attainment.mean)))" }.joined(separator: "L")
                    + "\" stroke=\"#1f5f99\" stroke-width=\"2\" fill=\"none\"" + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + "/>"
            }
            for p in pts {
                let met = p.r.meetsStandard == true
                out += "<circle cx=\"\(f(p.x))\" cy=\"\(f(y(p.r.attainment.mean)))\" r=\"5\" fill=\"\(met ? "#1f5f99" : "#fff")\" stroke=\"\(met ? "#1f5f99" : "#b34700")\" stroke-width=\"2\"/>"
            }
        }
        if legendRows > 0 {
            for (n, line) in lines.enumerated() {
                let ly = top + plotHeight + 56 + Double(n) * 18
                let dash = Self.dashes[n % Self.dashes.count]
                out += "<line x1=\"\(f(left))\" y1=\"\(f(ly - 4))\" x2=\"\(f(left + 36))\" y2=\"\(f(ly - 4))\" stroke=\"#1f5f99\" stroke-width=\"2\"" + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + "/>"
                out += "<text x=\"\(f(left + 44))\" y=\"\(f(ly))\">\(HTMLText.escape(line.name))</text>"
            }
        }
        out += "</svg>\n"
        out += "<figcaption>\(HTMLText.escape(title)): share of patients within the target's time at each value, the mean across replications "
            + "with its 95% confidence interval as a whisker. Filled dots meet the standard (judged on \(HTMLText.escape(report.judge.wording))), "
            + "hollow orange dots do not; the dashed orange line is the standard"
            + (report.axes.count == 1 && !report.smallest.isEmpty ? ", the dotted green line the smallest value that meets every standard" : "")
            + (legendRows > 0 ? "; each line is one combination of the other fields, named below the chart" : "") + ".</figcaption>\n</figure>\n"
        return out
    }

    // MARK: Table

    private func table() -> String {
        let targets = report.points.first?.targets ?? []
        var out = "<table>\n<caption>Target attainment at each \(report.axes.count == 1 ? "value" : "combination")</caption>\n<thead><tr>"
        for axis in report.axes {
            out += "<th scope=\"col\" class=\"num\">\(HTMLText.escape(axis.path + (axis.unit.map { " (\($0))" } ?? "")))</th>"
        }
        for t in targets {
            out += "<th scope=\"col\" class=\"num\">\(HTMLText.escape(t.title)) (95% CI)</th><th scope=\"col\">Standard</th>"
        }
        out += "<th scope=\"col\">Every standard</th></tr></thead>\n<tbody>\n"
        let smallest = Set(report.smallest)
        for (i, point) in report.points.enumerated() {
            out += "<tr>"
            for (k, label) in report.labels(point).enumerated() {
                let value = VaryAxisText.number(report.axes[k].values[point.coordinates[k]])
                out += k == 0 ? "<th scope=\"row\" class=\"num\">\(HTMLText.escape(value))</th>" : "<td class=\"num\" title=\"\(HTMLText.escape(label))\">\(HTMLText.escape(value))</td>"
            }
            for t in targets {
                guard let r = point.targets.first(where: { $0.id == t.id }) else { out += "<td class=\"num\">–</td><td>–</td>"; continue }
                let e = r.attainment
                let ci = e.halfWidth == nil ? HTMLText.percent(e.mean) : "\(HTMLText.percent(e.mean)) (\(HTMLText.percent(e.low)) to \(HTMLText.percent(e.high)))"
                let verdict = r.meetsStandard.map { $0 ? "<span class=\"meets\">meets</span>" : "<span class=\"misses\">below</span>" } ?? "not measured"
                out += "<td class=\"num\">\(ci)</td><td>\(HTMLText.percent(r.standard)): \(verdict)</td>"
            }
            out += "<td>" + (point.meetsEveryStandard ? "<span class=\"meets\">yes</span>" : "<span class=\"misses\">no</span>")
                + (smallest.contains(i) ? " (smallest)" : "") + "</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    private func f(_ v: Double) -> String { Charts.f(v) }
}

/// Numbers of varied values as the table shows them (without trailing zeros).
private enum VaryAxisText {
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return NumberText.format3(value)
    }
}
