import PathwayModel

/// The summary `carepath inspect` prints: what the pathway contains, where care changes hands,
/// what data travels, and how long journeys take before any queueing.
public enum InspectionReport {
    public static func render(_ p: Pathway) -> String {
        var out = "\(p.title) (\(p.id), version \(p.version), \(p.status.rawValue))\n"
        for source in p.sources { out += "  source: \(source.title)\(source.url.map { " <\($0)>" } ?? "")\n" }
        let orgs = p.effectiveOrganisations

        out += "\nSteps: \(p.steps.count)\n"
        let kinds = StepKind.allCases.compactMap { kind -> String? in
            let n = p.steps.filter { $0.kind == kind }.count
            return n == 0 ? nil : "\(kind.rawValue) \(n)"
        }
        out += "  by kind: \(kinds.joined(separator: ", "))\n"
        for org in p.organisations {
            let steps = p.steps.filter { orgs[$0.id] == org.id }
            out += "  at \(org.name) (\(org.id), \(org.type.rawValue)): \(steps.count) step\(steps.count == 1 ? "" : "s")\n"
        }

        if !p.resources.isEmpty {
            out += "\nResources:\n"
            for r in p.resources {
                let users = p.steps.filter { $0.resource == r.id }.map(\.id)
                out += "  \(r.id): capacity \(r.capacity) at \(r.organisation), \(r.calendar?.text ?? "always open")"
                if case .priority(let attribute) = r.queue { out += ", priority by \(attribute)" }
                out += "; used by \(users.isEmpty ? "no step" : users.joined(separator: ", "))\n"
            }
        }

        if !p.targets.isEmpty {
            out += "\nTargets:\n"
            for t in p.targets {
                out += "  \(t.id): \(NumberText.format3(t.standard * 100))% from \(t.from) to \(t.to.joined(separator: " or ")) within \(t.within)"
                if let title = t.title { out += " (\(title))" }
                out += "\n"
            }
        }

        let handoffs = p.transitions.filter(\.crossesOrganisations)
        out += "\nHandoffs between organisations: \(handoffs.count)\n"
        for h in handoffs {
            let delay = h.handoff?.delay.map { describe($0) } ?? "no delay"
            let sends = h.handoff?.sends.map { $0.isEmpty ? "nothing" : $0.joined(separator: ", ") } ?? "everything known"
            out += "  \(h.from) (\(h.fromOrganisation ?? "?")) → \(h.to) (\(h.toOrganisation ?? "?")): \(delay); sends \(sends)\n"
        }

        var items: [String] = []
        for step in p.steps { for item in step.produces + step.requires where !items.contains(item.name) { items.append(item.name) } }
        if !items.isEmpty {
            out += "\nData items: \(items.count)\n"
            for name in items {
                let producers = p.steps.filter { $0.produces.contains { $0.name == name } }.map(\.id)
                let users = p.steps.filter { $0.requires.contains { $0.name == name } }.map(\.id)
                let type = p.dataItems.first { $0.name == name }?.type
                out += "  \(name)\(type.map { " [\($0)]" } ?? ""): produced by \(producers.isEmpty ? "none" : producers.joined(separator: ", "))"
                out += "; required by \(users.isEmpty ? "none" : users.joined(separator: ", "))\n"
            }
        }

        let times = JourneyTimes(p)
        out += "\nJourney times to each end (no queueing; condition branches taken as equally likely):\n"
        // One unit for every ending, so they can be compared at a glance.
        let longest = times.endings.map(\.expected.minutes).filter(\.isFinite).max() ?? 0
        let unit = TimeUnit.reading(longest)
        func inUnit(_ t: TimeSpan) -> String {
            t.minutes.isFinite ? "\(NumberText.fixed(t.minutes / unit.minutes, 1)) \(unit.name)" : "never"
        }
        for e in times.endings {
            out += "  \(e.step): \(NumberText.format3(e.share * 100))% of patients; shortest \(inUnit(e.shortest)), expected \(inUnit(e.expected))\n"
        }
        // Printed on a terminal: no escape sequence from the file may reach it.
        return TerminalText.safe(out)
    }

    /// A distribution in words: `2 days`, `lognormal, mean 20 min`.
    public static func describe(_ d: Distribution) -> String {
        if case .fixed(let v) = d { return TimeSpan(minutes: v).description }
        return "\(d.name), mean \(TimeSpan(minutes: (d.mean * 10).rounded() / 10))"
    }
}
