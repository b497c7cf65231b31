import PathwayModel

/// What every exporter needs to know about a pathway beyond its raw fields, worked out once:
/// each step's organisation after inheritance, journey order, and rules in words.
struct PathwayFacts {
    let pathway: Pathway
    let order: [Step]
    let organisationOf: [String: String]
    let index: [String: Int]
    /// For each step, the steps that lead directly to it, in file order (each listed once).
    let predecessors: [String: [Step]]

    init(_ pathway: Pathway) {
        self.pathway = pathway
        self.order = StepOrder.steps(of: pathway)
        self.organisationOf = pathway.effectiveOrganisations
        self.index = pathway.stepIndex
        var predecessors: [String: [Step]] = [:]
        for step in pathway.steps {
            var seen: Set<String> = []
            for next in step.successors where seen.insert(next).inserted { predecessors[next, default: []].append(step) }
        }
        self.predecessors = predecessors
    }

    func step(_ id: String) -> Step? { index[id].map { pathway.steps[$0] } }

    /// The organisation's name, or the id when it is not declared.
    func organisationName(_ id: String?) -> String? {
        guard let id else { return nil }
        return pathway.organisation(id)?.name ?? id
    }

    /// "Title (id)" for a step, or just the id when the step has no title.
    func stepLabel(_ id: String) -> String {
        guard let step = step(id), let title = step.title, title != id else { return id }
        return "\(title) (\(id))"
    }

    /// The data item's coded type, from the step or from the pathway's `data:` declarations.
    func dataType(of item: DataItem) -> String? {
        item.type ?? pathway.dataItems.first { $0.name == item.name }?.type
    }

    /// One branch's rule in words: `if age is at least 40 and smoker (probability 0.4)`.
    func ruleWords(_ branch: Branch) -> String {
        var parts: [String] = []
        if let when = branch.when { parts.append("if " + ConditionText.render(when.expression, .words)) }
        if branch.otherwise { parts.append("otherwise") }
        if let p = branch.probability {
            parts.append(parts.isEmpty ? "for \(format3(p * 100))% of patients" : "(probability \(format3(p)))")
        }
        if parts.isEmpty { parts.append("always") }
        return parts.joined(separator: " ")
    }

    /// How a patient leaves a step, in words: `→ ct-scan (handoff to Acute trust after 2 days via e-RS)`.
    func nextWords(_ step: Step) -> String {
        switch step.kind {
        case .end:
            return "journey ends" + (step.outcome.map { ": \($0)" } ?? "")
        case .decision:
            return step.branches.map { "\(ruleWords($0)) → \(stepLabel($0.to))\(handoffWords(from: step, to: $0.to))" }
                .joined(separator: "; ")
        case .parallel:
            let paths = step.paths.map { stepLabel($0) }.joined(separator: " and ")
            return "at the same time: \(paths)" + (step.join.map { "; all meet at \(stepLabel($0))" } ?? "")
        default:
            guard let next = step.next else { return "" }
            return "→ \(stepLabel(next))\(handoffWords(from: step, to: next))"
        }
    }

    /// The handoff, when moving from `step` to `next` changes organisation.
    func handoffWords(from step: Step, to next: String) -> String {
        guard crosses(step.id, next), let b = organisationOf[next] else { return "" }
        var text = " (handoff to \(organisationName(b) ?? b)"
        if let delay = step.handoff?.delay { text += " after \(TimeText.words(delay))" }
        if let via = step.handoff?.via { text += " via \(via)" }
        if let sends = step.handoff?.sends { text += "; sends " + (sends.isEmpty ? "nothing" : sends.joined(separator: ", ")) }
        return text + ")"
    }

    /// The targets whose clock starts and stops at a step, in words.
    func targetWords(_ step: Step) -> String {
        var parts: [String] = []
        for target in pathway.targets {
            let what = "\(target.title ?? target.id) (\(target.within), \(format3(target.standard * 100))%)"
            if target.from == step.id { parts.append("starts \(what)") }
            if target.to.contains(step.id) { parts.append("stops \(what)") }
        }
        return parts.joined(separator: "; ")
    }

    /// Whether a transition from `a` to `b` crosses organisations.
    /// An end step that names no organisation ends the journey wherever the patient is, so
    /// moving to it is never a handoff.
    func crosses(_ a: String, _ b: String) -> Bool {
        if let end = step(b), end.kind == .end, end.organisation == nil { return false }
        guard let x = organisationOf[a], let y = organisationOf[b] else { return false }
        return x != y
    }
}

/// Stable identifiers for the formats that restrict them.
enum Identifiers {
    /// A FHIR resource id (`[A-Za-z0-9\-\.]{1,64}`) from parts joined with `-`; anything else
    /// becomes `-`, and an id that would be too long is cut and given a hash of the full text,
    /// so it stays unique and the same on every run.
    static func fhirID(_ parts: [String]) -> String {
        let joined = parts.joined(separator: "-")
        var out = ""
        for s in joined.unicodeScalars { out += s.isASCIIAlphanumeric || s == "-" || s == "." ? String(s) : "-" }
        if out.isEmpty { out = "x" }
        if out.count > 64 { out = String(out.prefix(55)) + "-" + fnv1a(joined) }
        return out
    }

    /// An XML `ID` (NCName) with a prefix: letters, digits, `-`, `_` and `.` kept, the rest `_`.
    static func ncName(_ prefix: String, _ text: String) -> String {
        var out = prefix
        for s in text.unicodeScalars { out += s.isASCIIAlphanumeric || s == "-" || s == "_" || s == "." ? String(s) : "_" }
        return out
    }

    /// A CamelCase computable name starting with a capital letter (FHIR's `name`, BPMN ids).
    static func computableName(_ text: String) -> String {
        var out = "", upper = true
        for s in text.unicodeScalars {
            if s.isASCIIAlphanumeric {
                out += upper ? String(s).uppercased() : String(s)
                upper = false
            } else {
                upper = true
            }
        }
        if out.isEmpty || !(out.unicodeScalars.first.map { $0.value >= 0x41 && $0.value <= 0x5A } ?? false) {
            out = "P" + out
        }
        return out
    }

    /// FNV-1a, 32 bits, as 8 hex digits: a stable short hash (Swift's `Hasher` is seeded per run).
    static func fnv1a(_ text: String) -> String {
        var hash: UInt32 = 0x811C9DC5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return String(hash, radix: 16).leftPadded(to: 8)
    }
}

/// Hands out unique ids: the same key always gets the same id, and two keys whose cleaned-up
/// forms clash get `_2`, `_3`... in the order they were first asked for.
struct UniqueIDs {
    /// What goes between a clashing id and its number (`_` for XML, `-` for FHIR ids).
    var separator: String
    private var byKey: [String: String] = [:]
    private var used: Set<String> = []

    init(separator: String = "_") { self.separator = separator }

    mutating func id(for key: String, proposed: String) -> String {
        if let existing = byKey[key] { return existing }
        var candidate = proposed, n = 2
        while used.contains(candidate) {
            candidate = "\(proposed)\(separator)\(n)"
            n += 1
        }
        used.insert(candidate)
        byKey[key] = candidate
        return candidate
    }
}
