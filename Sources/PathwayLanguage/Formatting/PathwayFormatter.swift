import Foundation
import PathwayModel

/// Writes a pathway in the canonical layout: keys in a fixed order, a blank line between sections
/// and between steps, small records on one line (`{ name: GP practice, type: primary-care }`) and
/// in block style when the line would pass `lineWidth`, values quoted only where YAML needs it.
/// Reading the output gives back the same pathway (`parse ∘ format` is the identity up to source
/// positions). Comments are put back by ``PathwayComments/attach(to:)``, or with
/// ``format(_:keeping:lineWidth:)``.
public enum PathwayFormatter {
    /// The line width past which a record is written one key per line.
    public static let defaultLineWidth = 100

    /// `p` in the canonical layout, with the comments of `source` (the file's text as written)
    /// put back beside the nodes they annotate.
    public static func format(_ p: Pathway, keeping source: String, lineWidth: Int = defaultLineWidth) -> String {
        PathwayComments(source: source).attach(to: format(p, lineWidth: lineWidth))
    }

    public static func format(_ p: Pathway, lineWidth: Int = defaultLineWidth) -> String {
        var w = Writer(width: max(20, lineWidth))
        w.field("carepath", .text(String(p.languageVersion)), indent: 0)
        w.field("id", .text(scalar(p.id)), indent: 0)
        w.field("title", .text(scalar(p.title)), indent: 0)
        w.field("version", .text(quotedIfNumeric(p.version)), indent: 0)
        w.field("status", .text(p.status.rawValue), indent: 0)
        if let d = p.description { w.field("description", prose(d), indent: 0) }
        if !p.sources.isEmpty {
            w.blank()
            w.field("sources", sourceList(p.sources), indent: 0)
        }
        if !p.organisations.isEmpty {
            w.section("organisations")
            for o in p.organisations { w.field(key(o.id), .map([("name", .text(scalar(o.name))), ("type", .text(o.type.rawValue))]), indent: 2) }
        }
        if !p.resources.isEmpty {
            w.section("resources")
            for r in p.resources {
                var fields: [(String, Node)] = []
                if let name = r.name { fields.append(("name", .text(scalar(name)))) }
                fields.append(("organisation", .text(scalar(r.organisation))))
                fields.append(("capacity", .text(String(r.capacity))))
                if let c = r.calendar { fields.append(("calendar", .text(scalar(c.text)))) }
                if case .priority(let attribute) = r.queue { fields.append(("priority", .text(scalar(attribute)))) }
                if let b = r.background {
                    fields.append(("background", .map([("rate", .text(scalar(rate(b.perDay)))),
                                                       ("duration", .text(scalar(distribution(b.duration, time: true))))])))
                }
                w.field(key(r.id), .map(fields), indent: 2)
            }
        }
        if !p.attributes.isEmpty {
            w.section("attributes")
            for a in p.attributes {
                var fields: [(String, Node)] = [("type", .text(a.type.name))]
                switch a.type {
                case .integer(let d, let min, let max), .number(let d, let min, let max):
                    fields.append(("distribution", .text(scalar(distribution(d, time: false)))))
                    if let min { fields.append(("min", .text(number(min)))) }
                    if let max { fields.append(("max", .text(number(max)))) }
                case .boolean(let probability):
                    fields.append(("probability", .text(number(probability))))
                case .category(let values):
                    fields.append(("values", .map(values.map { (key($0.name), .text(number($0.probability))) })))
                }
                if let unit = a.unit { fields.append(("unit", .text(scalar(unit)))) }
                if let d = a.description { fields.append(("description", prose(d))) }
                w.field(key(a.id), .map(fields), indent: 2)
            }
        }
        if !p.dataItems.isEmpty {
            w.section("data")
            for item in p.dataItems {
                var fields: [(String, Node)] = []
                if let type = item.type { fields.append(("type", .text(scalar(type)))) }
                if let d = item.description { fields.append(("description", prose(d))) }
                w.field(key(item.name), .map(fields), indent: 2)
            }
        }
        if let arrivals = p.arrivals {
            let growth: [(String, Node)] = p.arrivalGrowth.map { g in [("growth", .text(scalar(percentText(g) + " per year")))] } ?? []
            w.blank()
            switch arrivals {
            case .poisson(let perDay): w.field("arrivals", .map([("rate", .text(scalar(rate(perDay))))] + growth), indent: 0)
            case .weekly(let perDay):
                let days: [(String, Node)] = Weekday.allCases.map { ($0.shortName, .text(number(perDay[$0.rawValue]))) }
                w.open("arrivals", indent: 0)
                w.field("weekly", .map(days), indent: 2)
                if let g = growth.first { w.field(g.0, g.1, indent: 2) }
            case .cohort(let size): w.field("arrivals", .map([("cohort", .text(String(size)))] + growth), indent: 0)
            }
        }
        if !p.backlog.isEmpty {
            w.blank()
            w.field("backlog", .list(p.backlog.map { b in
                var fields: [(String, Node)] = [("step", .text(scalar(b.step))), ("patients", .text(String(b.patients)))]
                if let waited = b.waited { fields.append(("waited", .text(scalar(distribution(waited, time: true))))) }
                return .map(fields)
            }), indent: 0)
        }
        if !p.targets.isEmpty {
            w.section("targets")
            for t in p.targets {
                var fields: [(String, Node)] = []
                if let title = t.title { fields.append(("title", .text(scalar(title)))) }
                fields.append(("from", .text(scalar(t.from))))
                fields.append(("to", t.to.count == 1 ? .text(scalar(t.to[0])) : .list(t.to.map { .text(scalar($0)) })))
                fields.append(("within", .text(scalar(time(t.within.minutes)))))
                fields.append(("standard", .text(share(t.standard))))
                if t.starts != .arrival { fields.append(("starts", .text(scalar(t.starts.rawValue)))) }
                if t.stops != .start { fields.append(("stops", .text(scalar(t.stops.rawValue)))) }
                w.field(key(t.id), .map(fields), indent: 2)
            }
        }
        if !p.deviations.isEmpty {
            w.section("deviations")
            for d in p.deviations {
                var fields: [(String, Node)] = []
                if let reason = d.reason { fields.append(("reason", .text(scalar(reason)))) }
                if !d.evidence.isEmpty { fields.append(("evidence", sourceList(d.evidence))) }
                w.field(scalar(d.pathText), fields.isEmpty ? .map([]) : .block(fields), indent: 2)
            }
        }
        w.blank()
        w.field("start", .text(scalar(p.start)), indent: 0)
        w.open("steps", indent: 0)
        for (index, step) in p.steps.enumerated() {
            if index > 0 { w.blank() }
            w.field(key(step.id), .block(fields(of: step)), indent: 2)
        }
        return w.text
    }

    /// A list of sources (`sources:`, a deviation's `evidence:`), each a block record.
    static func sourceList(_ sources: [Source]) -> Node {
        .list(sources.map { s in
            var fields: [(String, Node)] = [("title", .text(scalar(s.title)))]
            if let url = s.url { fields.append(("url", .text(scalar(url)))) }
            if let publisher = s.publisher { fields.append(("publisher", .text(scalar(publisher)))) }
            return .block(fields)
        })
    }

    static func fields(of s: Step) -> [(String, Node)] {
        var out: [(String, Node)] = []
        func line(_ k: String, _ v: String) { out.append((k, .text(v))) }
        line("kind", s.kind.rawValue)
        if let v = s.title { line("title", scalar(v)) }
        if let v = s.description { out.append(("description", prose(v))) }
        if let v = s.organisation { line("organisation", scalar(v)) }
        if let v = s.role { line("role", scalar(v)) }
        if let v = s.resource { line("resource", scalar(v)) }
        if let c = s.code {
            var fields: [(String, Node)] = [("system", .text(scalar(c.system))), ("code", .text(quotedIfNumeric(c.code)))]
            if let d = c.display { fields.append(("display", .text(scalar(d)))) }
            out.append(("code", .map(fields)))
        }
        if let d = s.duration { line("duration", scalar(distribution(d, time: true))) }
        if let d = s.resultAfter { line("result_after", scalar(distribution(d, time: true))) }
        if let e = s.every { line("every", scalar(time(e.minutes))) }
        if let a = s.attendance {
            if a.didNotAttend > 0 { line("did_not_attend", percentText(a.didNotAttend)) }
            if a.cancelled > 0 { line("cancelled", percentText(a.cancelled)) }
            if let r = a.rebookedAfter { line("rebooked_after", scalar(distribution(r, time: true))) }
        }
        if !s.requires.isEmpty { out.append(("requires", dataList(s.requires))) }
        if !s.produces.isEmpty { out.append(("produces", dataList(s.produces))) }
        if let v = s.next { line("next", scalar(v)) }
        if !s.branches.isEmpty {
            out.append(("branches", .blockList(s.branches.map { b in
                var fields: [(String, Node)] = [("to", .text(scalar(b.to)))]
                if let c = b.when { fields.append(("when", .text(quoted(c.text)))) }
                if let q = b.probability { fields.append(("probability", .text(number(q)))) }
                if b.otherwise { fields.append(("otherwise", .text("true"))) }
                if let l = b.label { fields.append(("label", .text(scalar(l)))) }
                return .map(fields)
            })))
        }
        if !s.paths.isEmpty { out.append(("paths", .list(s.paths.map { .text(scalar($0)) }))) }
        if let v = s.join { line("join", scalar(v)) }
        if let v = s.pathway { line("pathway", scalar(v)) }
        if let v = s.outcome { line("outcome", scalar(v)) }
        if let h = s.handoff {
            var fields: [(String, Node)] = []
            if let d = h.delay { fields.append(("delay", .text(scalar(distribution(d, time: true))))) }
            if let sends = h.sends { fields.append(("sends", .list(sends.map { .text(scalar($0)) }))) }
            if let via = h.via { fields.append(("via", .text(scalar(via)))) }
            out.append(("handoff", .map(fields)))
        }
        return out
    }

    // MARK: Layout

    /// Free text that may be folded over lines (`>-`) when it is too long for one.
    static func prose(_ text: String) -> Node { .prose(text, quoted: scalar(text)) }

    /// A value to write: on one line where it fits (`{ a: 1, b: 2 }`, `[x, y]`), else one key or
    /// item per line. `block` and `blockList` are always written one per line.
    indirect enum Node {
        case text(String)
        case map([(String, Node)])
        case list([Node])
        case block([(String, Node)])
        case blockList([Node])
        /// Text (and how it is written on one line), folded over lines when too long.
        case prose(String, quoted: String)

        /// Whether it has a block form: a non-empty record or list.
        var canWrap: Bool {
            switch self {
            case .text: return false
            case .prose(let text, _): return Folded.lines(text, width: 40) != nil
            case .map(let fields), .block(let fields): return !fields.isEmpty
            case .list(let items), .blockList(let items): return !items.isEmpty
            }
        }

        /// The one-line form, or nil for the always-block kinds.
        var inline: String? {
            switch self {
            case .text(let t), .prose(_, let t): return t
            case .map(let fields):
                if fields.isEmpty { return "{}" }
                var parts: [String] = []
                for (k, v) in fields {
                    guard let text = v.inline else { return nil }
                    parts.append("\(k): \(text)")
                }
                return "{ " + parts.joined(separator: ", ") + " }"
            case .list(let items):
                var parts: [String] = []
                for item in items {
                    guard let text = item.inline else { return nil }
                    parts.append(text)
                }
                return "[" + parts.joined(separator: ", ") + "]"
            case .block, .blockList: return nil
            }
        }
    }

    /// Writes lines, wrapping records past the width.
    struct Writer {
        let width: Int
        var text = ""

        mutating func blank() { if !text.isEmpty, !text.hasSuffix("\n\n") { text += "\n" } }

        /// A blank line and a top-level key that opens a block.
        mutating func section(_ name: String) {
            blank()
            open(name, indent: 0)
        }

        mutating func open(_ key: String, indent: Int) {
            text += String(repeating: " ", count: indent) + key + ":\n"
        }

        mutating func field(_ key: String, _ value: Node, indent: Int) {
            let pad = String(repeating: " ", count: indent)
            if let inline = value.inline, pad.count + key.count + 2 + inline.count <= width || !value.canWrap {
                text += "\(pad)\(key): \(inline)\n"
                return
            }
            if case .prose(let prose, let quoted) = value {
                guard let lines = Folded.lines(prose, width: max(20, width - indent - 2)) else {
                    text += "\(pad)\(key): \(quoted)\n"
                    return
                }
                text += "\(pad)\(key): \(lines.indicator)\n"
                for line in lines.lines { text += "\(pad)  \(line)\n" }
                return
            }
            text += "\(pad)\(key):\n"
            children(of: value, indent: indent + 2)
        }

        /// An item of a list, at `indent` (where its dash goes).
        mutating func item(_ value: Node, indent: Int) {
            let pad = String(repeating: " ", count: indent)
            if let inline = value.inline, pad.count + 2 + inline.count <= width || !value.canWrap {
                text += "\(pad)- \(inline)\n"
                return
            }
            switch value {
            case .map(let fields), .block(let fields):
                // The first key on the dash's line, the rest under it.
                var rest = Writer(width: width)
                for (k, v) in fields { rest.field(k, v, indent: indent + 2) }
                text += pad + "- " + rest.text.dropFirst(indent + 2)
            case .list(let items), .blockList(let items):
                text += "\(pad)-\n"
                for i in items { item(i, indent: indent + 2) }
            case .text(let t), .prose(_, let t):
                text += "\(pad)- \(t)\n"
            }
        }

        private mutating func children(of value: Node, indent: Int) {
            switch value {
            case .map(let fields), .block(let fields):
                for (k, v) in fields { field(k, v, indent: indent) }
            case .list(let items), .blockList(let items):
                for i in items { item(i, indent: indent) }
            case .text, .prose:
                break
            }
        }
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

    static func dataList(_ items: [DataItem]) -> Node {
        .list(items.map { item in
            item.type.map { .map([("name", .text(scalar(item.name))), ("type", .text(scalar($0)))]) } ?? .text(scalar(item.name))
        })
    }

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
