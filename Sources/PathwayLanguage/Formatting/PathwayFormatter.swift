import Foundation
import PathwayModel

/// Writes a pathway in the canonical layout: keys in a fixed order, small records on one line
/// (`{ name: GP practice, type: primary-care }`), steps one key per line, values quoted only
/// where YAML needs it. Reading the output gives back the same pathway (`parse ∘ format` is
/// the identity up to source positions). Comments are not kept.
public enum PathwayFormatter {
    public static func format(_ p: Pathway) -> String {
        var out = "carepath: \(p.languageVersion)\n"
        out += "id: \(scalar(p.id))\n"
        out += "title: \(scalar(p.title))\n"
        out += "version: \(quotedIfNumeric(p.version))\n"
        out += "status: \(p.status.rawValue)\n"
        if let d = p.description { out += "description: \(scalar(d))\n" }
        if !p.sources.isEmpty {
            out += "sources:\n" + sourceList(p.sources, indent: "  ")
        }
        if !p.organisations.isEmpty {
            out += "organisations:\n"
            for o in p.organisations { out += "  \(key(o.id)): \(flow([("name", scalar(o.name)), ("type", o.type.rawValue)]))\n" }
        }
        if !p.resources.isEmpty {
            out += "resources:\n"
            for r in p.resources {
                var fields: [(String, String)] = []
                if let name = r.name { fields.append(("name", scalar(name))) }
                fields.append(("organisation", scalar(r.organisation)))
                fields.append(("capacity", String(r.capacity)))
                if let c = r.calendar { fields.append(("calendar", scalar(c.text))) }
                if case .priority(let attribute) = r.queue { fields.append(("priority", scalar(attribute))) }
                if let b = r.background {
                    fields.append(("background", flow([("rate", scalar(rate(b.perDay))), ("duration", scalar(distribution(b.duration, time: true)))])))
                }
                out += "  \(key(r.id)): \(flow(fields))\n"
            }
        }
        if !p.attributes.isEmpty {
            out += "attributes:\n"
            for a in p.attributes {
                var fields: [(String, String)] = [("type", a.type.name)]
                switch a.type {
                case .integer(let d, let min, let max), .number(let d, let min, let max):
                    fields.append(("distribution", scalar(distribution(d, time: false))))
                    if let min { fields.append(("min", number(min))) }
                    if let max { fields.append(("max", number(max))) }
                case .boolean(let probability):
                    fields.append(("probability", number(probability)))
                case .category(let values):
                    fields.append(("values", flow(values.map { (key($0.name), number($0.probability)) })))
                }
                if let unit = a.unit { fields.append(("unit", scalar(unit))) }
                if let d = a.description { fields.append(("description", scalar(d))) }
                out += "  \(key(a.id)): \(flow(fields))\n"
            }
        }
        if !p.dataItems.isEmpty {
            out += "data:\n"
            for item in p.dataItems {
                var fields: [(String, String)] = []
                if let type = item.type { fields.append(("type", scalar(type))) }
                if let d = item.description { fields.append(("description", scalar(d))) }
                out += "  \(key(item.name)): \(flow(fields))\n"
            }
        }
        if let arrivals = p.arrivals {
            let growth = p.arrivalGrowth.map { g in [("growth", scalar(percentText(g) + " per year"))] } ?? []
            switch arrivals {
            case .poisson(let perDay): out += "arrivals: \(flow([("rate", scalar(rate(perDay)))] + growth))\n"
            case .weekly(let perDay):
                let days = Weekday.allCases.map { ($0.shortName, number(perDay[$0.rawValue])) }
                out += "arrivals:\n  weekly: \(flow(days))\n"
                if let g = growth.first { out += "  growth: \(g.1)\n" }
            case .cohort(let size): out += "arrivals: \(flow([("cohort", String(size))] + growth))\n"
            }
        }
        if !p.backlog.isEmpty {
            out += "backlog:\n"
            for b in p.backlog {
                var fields = [("step", scalar(b.step)), ("patients", String(b.patients))]
                if let w = b.waited { fields.append(("waited", scalar(distribution(w, time: true)))) }
                out += "  - \(flow(fields))\n"
            }
        }
        if !p.targets.isEmpty {
            out += "targets:\n"
            for t in p.targets {
                var fields: [(String, String)] = []
                if let title = t.title { fields.append(("title", scalar(title))) }
                fields.append(("from", scalar(t.from)))
                fields.append(("to", t.to.count == 1 ? scalar(t.to[0]) : list(t.to.map(scalar))))
                fields.append(("within", scalar(time(t.within.minutes))))
                fields.append(("standard", share(t.standard)))
                if t.starts != .arrival { fields.append(("starts", scalar(t.starts.rawValue))) }
                if t.stops != .start { fields.append(("stops", scalar(t.stops.rawValue))) }
                out += "  \(key(t.id)): \(flow(fields))\n"
            }
        }
        if !p.deviations.isEmpty {
            out += "deviations:\n"
            for d in p.deviations {
                guard d.reason != nil || !d.evidence.isEmpty else {
                    out += "  \(scalar(d.pathText)): {}\n"
                    continue
                }
                out += "  \(scalar(d.pathText)):\n"
                if let reason = d.reason { out += "    reason: \(scalar(reason))\n" }
                if !d.evidence.isEmpty { out += "    evidence:\n" + sourceList(d.evidence, indent: "      ") }
            }
        }
        out += "start: \(scalar(p.start))\n"
        out += "steps:\n"
        for step in p.steps { out += format(step) }
        return out
    }

    /// A list of sources (`sources:`, a deviation's `evidence:`), each item at `indent`.
    static func sourceList(_ sources: [Source], indent: String) -> String {
        var out = ""
        for s in sources {
            out += "\(indent)- title: \(scalar(s.title))\n"
            if let url = s.url { out += "\(indent)  url: \(scalar(url))\n" }
            if let publisher = s.publisher { out += "\(indent)  publisher: \(scalar(publisher))\n" }
        }
        return out
    }

    static func format(_ s: Step) -> String {
        var out = "  \(key(s.id)):\n"
        func line(_ k: String, _ v: String) { out += "    \(k): \(v)\n" }
        line("kind", s.kind.rawValue)
        if let v = s.title { line("title", scalar(v)) }
        if let v = s.description { line("description", scalar(v)) }
        if let v = s.organisation { line("organisation", scalar(v)) }
        if let v = s.role { line("role", scalar(v)) }
        if let v = s.resource { line("resource", scalar(v)) }
        if let c = s.code {
            var fields = [("system", scalar(c.system)), ("code", quotedIfNumeric(c.code))]
            if let d = c.display { fields.append(("display", scalar(d))) }
            line("code", flow(fields))
        }
        if let d = s.duration { line("duration", scalar(distribution(d, time: true))) }
        if let d = s.resultAfter { line("result_after", scalar(distribution(d, time: true))) }
        if let e = s.every { line("every", scalar(time(e.minutes))) }
        if let a = s.attendance {
            if a.didNotAttend > 0 { line("did_not_attend", percentText(a.didNotAttend)) }
            if a.cancelled > 0 { line("cancelled", percentText(a.cancelled)) }
            if let r = a.rebookedAfter { line("rebooked_after", scalar(distribution(r, time: true))) }
        }
        if !s.requires.isEmpty { line("requires", dataList(s.requires)) }
        if !s.produces.isEmpty { line("produces", dataList(s.produces)) }
        if let v = s.next { line("next", scalar(v)) }
        if !s.branches.isEmpty {
            out += "    branches:\n"
            for b in s.branches {
                var fields = [("to", scalar(b.to))]
                if let c = b.when { fields.append(("when", quoted(c.text))) }
                if let q = b.probability { fields.append(("probability", number(q))) }
                if b.otherwise { fields.append(("otherwise", "true")) }
                if let l = b.label { fields.append(("label", scalar(l))) }
                out += "      - \(flow(fields))\n"
            }
        }
        if !s.paths.isEmpty { line("paths", list(s.paths.map(scalar))) }
        if let v = s.join { line("join", scalar(v)) }
        if let v = s.pathway { line("pathway", scalar(v)) }
        if let v = s.outcome { line("outcome", scalar(v)) }
        if let h = s.handoff {
            var fields: [(String, String)] = []
            if let d = h.delay { fields.append(("delay", scalar(distribution(d, time: true)))) }
            if let sends = h.sends { fields.append(("sends", list(sends.map(scalar)))) }
            if let via = h.via { fields.append(("via", scalar(via))) }
            line("handoff", flow(fields))
        }
        return out
    }

    // MARK: Values

    /// A time in the way people write it, falling back to exact minutes when the pretty form
    /// would not read back to the same number.
    static func time(_ minutes: Double) -> String {
        let pretty = TimeSpan(minutes: minutes).description
        if case .success(let t) = ValueSyntax.timeSpan(pretty), t.minutes == minutes { return pretty }
        return "\(exact(minutes)) min"
    }

    static func distribution(_ d: Distribution, time isTime: Bool) -> String {
        d.written(value: { isTime ? time($0) : exact($0) }, number: exact)
    }

    /// Arrivals per day as the friendliest rate that reads back exactly: a whole number per
    /// week, day or hour if there is one, else the shortest that reads back (`1.4 per week`, not
    /// `0.19999999999999998 per day`, which formatting again would shorten: not idempotent).
    static func rate(_ perDay: Double) -> String {
        let candidates = [(perDay * 7, "week"), (perDay, "day"), (perDay / 24, "hour")]
        func readsBack(_ text: String) -> Bool {
            if case .success(let back) = ValueSyntax.ratePerDay(text), back == perDay { return true }
            return false
        }
        for (n, unit) in candidates where n == n.rounded() {
            let text = "\(exact(n)) per \(unit)"
            if readsBack(text) { return text }
        }
        let exactTexts = candidates.map { "\(exact($0.0)) per \($0.1)" }.filter(readsBack)
        return exactTexts.min { $0.count < $1.count } ?? "\(exact(perDay)) per day"
    }

    /// A share as a percentage when that reads back exactly, else as a plain number.
    static func share(_ value: Double) -> String {
        let percent = "\(exact(value * 100))%"
        if ValueSyntax.probability(percent) == value { return percent }
        return exact(value)
    }

    static func number(_ x: Double) -> String { exact(x) }

    /// A share always written as a percentage, with the fewest decimals that read back exactly.
    static func percentText(_ value: Double) -> String {
        for decimals in 0...17 {
            let text = String(format: "%.\(decimals)f%%", value * 100)
            if ValueSyntax.probability(text) == value { return text }
        }
        return "\(exact(value * 100))%"
    }

    /// The shortest text that reads back as exactly `x`, in plain decimals: the language reads
    /// no exponents, so `0.00001` must not be written `1e-05` (which could not be read back).
    static func exact(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        let shortest = String(x)
        if !shortest.contains("e"), !shortest.contains("E") { return shortest }
        guard x.isFinite else { return shortest }
        for decimals in 0...340 {
            var text = String(format: "%.\(decimals)f", x)
            if text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
            if ValueSyntax.number(text) == x { return text }
        }
        return shortest
    }

    static func dataList(_ items: [DataItem]) -> String {
        if items.allSatisfy({ $0.type == nil }) { return list(items.map { scalar($0.name) }) }
        return list(items.map { item in
            item.type.map { flow([("name", scalar(item.name)), ("type", scalar($0))]) } ?? scalar(item.name)
        })
    }

    static func flow(_ fields: [(String, String)]) -> String {
        fields.isEmpty ? "{}" : "{ " + fields.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + " }"
    }

    static func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }

    static func key(_ k: String) -> String { scalar(k) }

    private static let reserved: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"]

    /// Plain when that is safe in both block and flow context, else double-quoted.
    static func scalar(_ s: String) -> String {
        let safe = !s.isEmpty && s.first.map { $0.isLetter || $0.isNumber || $0 == "/" || $0 == "." } == true
            && s.allSatisfy { $0.isLetter || $0.isNumber || " -_./()'%+".contains($0) }
            && !s.hasSuffix(" ") && !s.contains("  ") && !reserved.contains(s.lowercased())
            && ValueSyntax.number(s) == nil
        return safe ? s : quoted(s)
    }

    static func quotedIfNumeric(_ s: String) -> String { ValueSyntax.number(s) != nil ? quoted(s) : scalar(s) }

    /// `s` as a YAML double-quoted string, safe in block and flow context: every character that
    /// YAML would read as a line break, refuse, or take for syntax is escaped.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            // YAML reads these as line breaks (NEL, LS, PS), a byte order mark, or refuses them
            // as unprintable (C1 controls, U+FFFE, U+FFFF), so they are written as escapes.
            case "\u{85}": out += "\\N"
            case "\u{2028}": out += "\\L"
            case "\u{2029}": out += "\\P"
            case "\u{FEFF}", "\u{FFFE}", "\u{FFFF}": out += "\\u" + String(ch.value, radix: 16).leftPadded(4)
            default:
                if ch.value < 0x20 || (0x7F...0x9F).contains(ch.value) {
                    out += "\\x" + String(ch.value, radix: 16).leftPadded(2)
                } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }
}

private extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}

/// The formatter's value writers, exposed for property tests.
public enum PathwayFormatterProbe {
    /// A time as the formatter writes it.
    public static func time(_ minutes: Double) -> String { PathwayFormatter.time(minutes) }
}
