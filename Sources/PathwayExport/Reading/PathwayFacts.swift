import PathwayModel

/// What every exporter needs to know about a pathway beyond its raw fields, worked out once:
/// each step's organisation after inheritance, journey order, and rules in words.
package struct PathwayFacts {
    package let pathway: Pathway
    package let order: [Step]
    package let organisationOf: [String: String]
    package let index: [String: Int]
    /// For each step, the steps that lead directly to it, in file order (each listed once).
    package let predecessors: [String: [Step]]
    /// The pathway's `data:` declarations by name (the first, when a name repeats).
    package let declaredData: [String: DataItem]

    package init(_ pathway: Pathway) {
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
        self.declaredData = Dictionary(pathway.dataItems.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    package func step(_ id: String) -> Step? { index[id].map { pathway.steps[$0] } }

    /// The organisation's name, or the id when it is not declared.
    package func organisationName(_ id: String?) -> String? {
        guard let id else { return nil }
        return pathway.organisation(id)?.name ?? id
    }

    /// "Title (id)" for a step, or just the id when the step has no title.
    package func stepLabel(_ id: String) -> String {
        guard let step = step(id), let title = step.title, title != id else { return id }
        return "\(title) (\(id))"
    }

    /// The data item's coded type, from the step or from the pathway's `data:` declarations.
    package func dataType(of item: DataItem) -> String? {
        item.type ?? pathway.dataItems.first { $0.name == item.name }?.type
    }

    /// One branch's rule in words: `if age is at least 40 and smoker (probability 0.4)`.
    package func ruleWords(_ branch: Branch) -> String {
        var parts: [String] = []
        if let when = branch.when { parts.append("if " + ConditionText.render(when.expression, .words)) }
        if branch.otherwise { parts.append("otherwise") }
        if let p = branch.probability {
            parts.append(parts.isEmpty ? "for \(NumberText.format3(p * 100))% of patients" : "(probability \(NumberText.format3(p)))")
        }
        if parts.isEmpty { parts.append("always") }
        return parts.joined(separator: " ")
    }

    /// How a patient leaves a step, in words: `→ ct-scan (handoff to Acute trust after 2 days via e-RS)`.
    package func nextWords(_ step: Step) -> String {
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
    package func handoffWords(from step: Step, to next: String) -> String {
        guard crosses(step.id, next), let b = organisationOf[next] else { return "" }
        var text = " (handoff to \(organisationName(b) ?? b)"
        if let delay = step.handoff?.delay { text += " after \(TimeText.words(delay))" }
        if let via = step.handoff?.via { text += " via \(via)" }
        if let sends = step.handoff?.sends { text += "; sends " + (sends.isEmpty ? "nothing" : sends.joined(separator: ", ")) }
        return text + ")"
    }

    /// The targets whose clock starts and stops at a step, in words.
    package func targetWords(_ step: Step) -> String {
        clocks(at: step).map { clock in
            let t = clock.target
            return "\(clock.starts ? "starts" : "stops") \(t.title ?? t.id) (\(t.within), \(NumberText.format3(t.standard * 100))%)"
        }.joined(separator: "; ")
    }

    /// Each target whose clock starts or stops at `step`, in target order (a start before a stop).
    private func clocks(at step: Step) -> [(target: Target, starts: Bool)] {
        pathway.targets.flatMap { target -> [(target: Target, starts: Bool)] in
            (target.from == step.id ? [(target, true)] : []) + (target.to.contains(step.id) ? [(target, false)] : [])
        }
    }

    /// Whether a transition from `a` to `b` crosses organisations.
    /// An end step that names no organisation ends the journey wherever the patient is, so
    /// moving to it is never a handoff.
    package func crosses(_ a: String, _ b: String) -> Bool {
        if let end = step(b), end.kind == .end, end.organisation == nil { return false }
        guard let x = organisationOf[a], let y = organisationOf[b] else { return false }
        return x != y
    }
}

// MARK: Diagrams

extension PathwayFacts {
    /// The organisation whose box a diagram draws a step in: its organisation after
    /// inheritance, except that an end step naming no organisation which is reached from more
    /// than one organisation is drawn outside every box, since the journey ends wherever the
    /// patient is (moving to it is never a handoff).
    package func diagramOrganisation(_ step: Step) -> String? {
        if step.kind == .end, step.organisation == nil {
            let from = Set((predecessors[step.id] ?? []).compactMap { organisationOf[$0.id] })
            if from.count > 1 { return nil }
        }
        return organisationOf[step.id]
    }
}

// MARK: Build-sheet words

/// Words for people who configure an EPR from the pathway (the build sheet): decisions as
/// criteria rather than simulation shares, durations in plain text, clocks as start and stop
/// events, and data items with their type and meaning. The functions above keep the words the
/// FHIR and BPMN exports carry; these are separate so the build sheet can change on its own.
extension PathwayFacts {
    /// A share as a percentage for the build sheet: `60 %`.
    package static func percent(_ share: Double) -> String { "\(NumberText.format3(share * 100)) %" }

    /// One branch's criteria under carepath's decision semantics: branches are tried in order;
    /// a `when` branch takes every patient its rule matches; `when` with `probability` means the
    /// rule must hold and then a clinician chooses (the probability is only the simulation's
    /// share); a probability-only branch is a clinician's choice; `otherwise` takes whoever is
    /// left. `words` reads like `residence is home, then clinician decides (simulation share
    /// 60 %)`; `condition` is the rule in FHIRPath over `%attribute` variables (as in the FHIR
    /// export's conditions), empty when no rule decides it.
    package func branchCriteria(_ step: Step, _ index: Int) -> (words: String, condition: String) {
        guard step.branches.indices.contains(index) else { return ("", "") }
        let branch = step.branches[index]
        let share = branch.probability.map { "simulation share \(Self.percent($0))" }
        if let when = branch.when {
            let rule = ConditionText.render(when.expression, .words)
            let words = share.map { "\(rule), then clinician decides (\($0))" } ?? rule
            return (words, ConditionText.render(when.expression, .fhirpath))
        }
        if branch.otherwise {
            let others = step.branches.enumerated().filter { $0.offset != index }.map(\.element)
            let isLast = !step.branches[(index + 1)...].contains { !$0.otherwise }
            var words = isLast ? "none of the above" : "none of the other branches"
            if !others.isEmpty, others.allSatisfy({ $0.when == nil && $0.probability != nil }) {
                // Only a clinician's choice comes before: whoever is left is the share not chosen.
                let left = max(0, 1 - others.compactMap(\.probability).reduce(0, +))
                words = "clinician decides: \(words) (simulation share \(Self.percent(left)))"
            } else {
                if others.contains(where: { $0.probability != nil }) { words += ", or the clinician chose none of them" }
                if let share { words += " (\(share))" }
            }
            // Only rules decide the others, so whoever is left is exactly who fails every rule.
            var condition = ""
            if !others.isEmpty, others.allSatisfy({ $0.when != nil && $0.probability == nil }) {
                condition = "(" + others.compactMap(\.when).map { "(" + ConditionText.render($0.expression, .fhirpath) + ")" }
                    .joined(separator: " or ") + ").not()"
            }
            return (words, condition)
        }
        if let share { return ("clinician decides (\(share))", "") }
        return ("always", "")
    }

    /// What a decision step is decided on, in words: how its branches are tried, and the
    /// patient attributes its rules read with their values or units.
    package func decisionCriteria(_ step: Step, firstBranch: String, lastBranch: String) -> String {
        let see = step.branches.count > 1 ? "see \(firstBranch)–\(lastBranch)" : "see \(firstBranch)"
        if !step.branches.isEmpty, step.branches.allSatisfy({ $0.when == nil }), step.branches.contains(where: { $0.probability != nil }) {
            return "clinician chooses one of \(step.branches.count) ways (\(see)); the shares are simulation assumptions, not rules"
        }
        var words = "branches are tried in order and the first that applies takes the patient (\(see))"
        var names: [String] = []
        for branch in step.branches { for name in branch.when?.expression.attributeNames ?? [] where !names.contains(name) { names.append(name) } }
        if !names.isEmpty { words += "; decided on " + names.map(attributeWords).joined(separator: ", ") }
        if !step.branches.contains(where: \.otherwise), !step.branches.isEmpty {
            words += "; there is no otherwise: in the simulation a patient no branch takes goes down the last one"
        }
        return words
    }

    /// A patient attribute with what it can be: `residence (home or carehome)`, `age (years)`.
    package func attributeWords(_ id: String) -> String {
        guard let attribute = pathway.attribute(id) else { return id }
        var detail: String?
        switch attribute.type {
        case .category(let values): detail = values.map(\.name).joined(separator: " or ")
        case .boolean: detail = "yes or no"
        case .integer, .number: detail = attribute.unit
        }
        return id + (detail.map { " (\($0))" } ?? "")
    }

    /// Who makes a decision: the step's `role`; else the role of the step before it, when one
    /// role in the same organisation leads there (through other decisions and parallel splits),
    /// marked as taken from that step; else `clinician (not specified)`. Never invented.
    package func decisionRole(_ step: Step) -> String {
        if let role = step.role { return role }
        var roles: [(role: String, step: String)] = []
        var unknown = false
        var seen: Set<String> = [step.id]
        var frontier = predecessors[step.id] ?? []
        while !frontier.isEmpty {
            let before = frontier.removeFirst()
            guard seen.insert(before.id).inserted else { continue }
            guard organisationOf[before.id] == organisationOf[step.id] else { unknown = true; continue }
            if let role = before.role {
                if !roles.contains(where: { $0.role == role }) { roles.append((role, before.id)) }
            } else if before.kind == .decision || before.kind == .parallel {
                frontier += predecessors[before.id] ?? []
            } else {
                unknown = true
            }
        }
        if roles.count == 1, !unknown, let only = roles.first {
            return "\(only.role) (role of the step before, \(only.step); the pathway names no role for this decision)"
        }
        if roles.isEmpty { return "clinician (not specified)" }
        return "clinician (not specified; steps before: \(roles.map(\.role).joined(separator: ", ")))"
    }

    /// A data item with its type and meaning from the step or the pathway's `data:` section:
    /// `xray-report (DiagnosticReport: AP pelvis and lateral hip X-ray report)`.
    package func dataItemWords(_ name: String, type: String? = nil) -> String {
        let declared = declaredData[name]
        let parts = [type ?? declared?.type, declared?.description].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? name : "\(name) (\(parts.joined(separator: ": ")))"
    }

    /// Data items in words, joined with `; `.
    package func dataItemsWords(_ items: [DataItem]) -> String {
        items.map { dataItemWords($0.name, type: $0.type) }.joined(separator: "; ")
    }

    /// The handoff when moving from `step` to `next` changes organisation, in plain words:
    /// `to Acute trust via ePR and pre-alert, arriving after about 45 minutes, 15–90`; empty
    /// otherwise.
    package func plainHandoffWords(from step: Step, to next: String) -> String {
        guard crosses(step.id, next), let b = organisationOf[next] else { return "" }
        var text = "to \(organisationName(b) ?? b)"
        if let via = step.handoff?.via { text += " via \(via)" }
        if let delay = step.handoff?.delay { text += ", arriving after \(TimeText.plain(delay))" }
        return text
    }

    /// The data that travels with a handoff from `step` to `next`, with type and meaning;
    /// empty when the move is not a handoff.
    package func handoffDataWords(from step: Step, to next: String) -> String {
        guard crosses(step.id, next) else { return "" }
        guard let sends = step.handoff?.sends else { return "everything recorded so far (shared record)" }
        return sends.isEmpty ? "nothing" : sends.map { dataItemWords($0) }.joined(separator: "; ")
    }

    /// The moment at a step when a clock starts or stops, in words.
    package func clockMoment(_ point: ClockPoint, at id: String) -> String {
        let name = stepLabel(id)
        guard let at = self.step(id) else { return "\(point.rawValue) at \(id)" }
        if [.decision, .end, .parallel].contains(at.kind) { return "when the patient reaches \(name)" }
        switch point {
        case .arrival:
            return "when the patient arrives at \(name), before any wait there"
        case .start:
            if at.kind == .meeting { return "when \(name) sits (after the wait for its next sitting)" }
            if let r = at.resource {
                return "when the work at \(name) starts (after any queue for \(pathway.resource(r)?.name ?? r))"
            }
            return "when the work at \(name) starts"
        case .completion:
            return "when the work at \(name) is done" + (at.resultAfter != nil ? " (before the result is back)" : "")
        }
    }

    /// A clock's time allowed in full words; whole hours up to 72 are kept in hours, as the
    /// standards name them (`72 hours`, not `3 days`), and whole days up to 70 in days
    /// (`28 days`, not `4 weeks`).
    package static func windowWords(_ within: TimeSpan) -> String {
        let m = within.minutes
        if m > 0, m <= 4320, m.truncatingRemainder(dividingBy: 60) == 0 {
            return "\(NumberText.format3(m / 60)) \(m == 60 ? "hour" : "hours")"
        }
        // Waiting-time standards count days (the 28-day standard) up to about ten weeks.
        if m > 1440, m <= 100_800, m.truncatingRemainder(dividingBy: 1440) == 0 { return "\(NumberText.format3(m / 1440)) days" }
        return TimeText.exact(minutes: m)
    }

    /// A target's clock as events: what starts it, what stops it, and the standard.
    package func clockWords(_ target: Target) -> String {
        let stops = target.to.map { clockMoment(target.stops, at: $0) }
        let stopText = stops.count == 1 ? stops[0] : "the first of: " + stops.joined(separator: "; or ")
        return "starts \(clockMoment(target.starts, at: target.from)); stops \(stopText); "
            + "within \(Self.windowWords(target.within)) for \(Self.percent(target.standard)) of patients"
    }

    /// The clocks a step starts or stops, with the moment at the step: `starts Surgery within
    /// 36 hours (36 hours, 90 %) when the patient arrives here`.
    package func stepClockWords(_ step: Step) -> String {
        clocks(at: step).map { clock in
            let t = clock.target
            let what = "\(t.title ?? t.id) (\(Self.windowWords(t.within)), \(Self.percent(t.standard)))"
            return clock.starts ? "starts \(what) \(momentHere(t.starts, step))" : "stops \(what) \(momentHere(t.stops, step))"
        }.joined(separator: "; ")
    }

    private func momentHere(_ point: ClockPoint, _ step: Step) -> String {
        if [.decision, .end, .parallel].contains(step.kind) { return "when the patient gets here" }
        switch point {
        case .arrival: return "when the patient arrives here, before any wait"
        case .start:
            if step.kind == .meeting { return "when the meeting sits" }
            if let r = step.resource { return "when the work here starts, after any queue for \(pathway.resource(r)?.name ?? r)" }
            return "when the work here starts"
        case .completion: return "when the work here is done"
        }
    }
}

/// Stable identifiers for the formats that restrict them.
package enum Identifiers {
    /// A FHIR resource id (`[A-Za-z0-9\-\.]{1,64}`) from parts joined with `-`; anything else
    /// becomes `-`, and an id that would be too long is cut and given a hash of the full text,
    /// so it stays unique and the same on every run.
    package static func fhirID(_ parts: [String]) -> String {
        let joined = parts.joined(separator: "-")
        var out = ""
        for s in joined.unicodeScalars { out += s.isASCIIAlphanumeric || s == "-" || s == "." ? String(s) : "-" }
        if out.isEmpty { out = "x" }
        if out.count > 64 { out = String(out.prefix(55)) + "-" + fnv1a(joined) }
        return out
    }

    /// An XML `ID` (NCName) with a prefix: letters, digits, `-`, `_` and `.` kept, the rest `_`.
    package static func ncName(_ prefix: String, _ text: String) -> String {
        var out = prefix
        for s in text.unicodeScalars { out += s.isASCIIAlphanumeric || s == "-" || s == "_" || s == "." ? String(s) : "_" }
        return out
    }

    /// A CamelCase computable name starting with a capital letter (FHIR's `name`, BPMN ids).
    package static func computableName(_ text: String) -> String {
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
    package static func fnv1a(_ text: String) -> String {
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
    package var separator: String
    private var byKey: [String: String] = [:]
    private var used: Set<String> = []

    package init(separator: String = "_") { self.separator = separator }

    package mutating func id(for key: String, proposed: String) -> String {
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
