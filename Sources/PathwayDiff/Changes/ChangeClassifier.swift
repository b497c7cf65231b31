import PathwayModel

/// Compares matched steps field by field and names each difference with its class.
///
/// References (next, branches, targets) are compared through the step matching, so a step
/// renamed in the variant does not make every step pointing at it look rewired.
struct ChangeClassifier {
    let a: Pathway, b: Pathway
    let weights: ClinicalWeights
    let aIndex: [String: Int], bIndex: [String: Int]
    /// Standard id → variant id, and back.
    let aToB: [String: String], bToA: [String: String]
    let aOrgs: [String: String], bOrgs: [String: String]
    /// Steps with a move into another organisation, where their handoff applies.
    let aCrossing: Set<String>, bCrossing: Set<String>
    /// First-visit order from `start` on each side.
    let orderA: [String: Int], orderB: [String: Int]
    var changes: [(order: Double, change: PathwayChange)] = []

    init(standard: DiffFacts, variant: DiffFacts, matches: [StepMatch], weights: ClinicalWeights) {
        a = standard.pathway
        b = variant.pathway
        self.weights = weights
        aIndex = standard.index
        bIndex = variant.index
        var forward: [String: String] = [:], backward: [String: String] = [:]
        for m in matches { forward[m.standardID] = m.variantID; backward[m.variantID] = m.standardID }
        aToB = forward
        bToA = backward
        aOrgs = standard.organisations
        bOrgs = variant.organisations
        aCrossing = standard.crossing
        bCrossing = variant.crossing
        orderA = standard.visitOrder
        orderB = variant.visitOrder
    }

    mutating func classify() -> [PathwayChange] {
        for (i, s) in a.steps.enumerated() {
            guard let vid = aToB[s.id], let j = bIndex[vid] else {
                add(.removed, step: s, nil, order: Double(i), aspect: "step", before: describe(s), after: nil,
                    at: s.location, b.editLocations["steps.\(s.id)"])
                continue
            }
            compare(s, b.steps[j], order: Double(i))
        }
        for (j, v) in b.steps.enumerated() where bToA[v.id] == nil {
            add(.added, step: nil, v, order: placement(ofAdded: j), aspect: "step", before: nil, after: describe(v), at: nil, v.location)
        }
        reordered()
        compareTargets()
        compareResources()
        comparePathway()
        return changes.enumerated().sorted { x, y in
            let (p, q) = (x.element, y.element)
            if p.order != q.order { return p.order < q.order }
            if p.change.changeClass != q.change.changeClass { return p.change.changeClass < q.change.changeClass }
            return x.offset < y.offset
        }.map(\.element.change)
    }

    /// An added step is listed after the nearest matched step before it in the variant.
    private func placement(ofAdded j: Int) -> Double {
        var k = j - 1
        while k >= 0 {
            if let sid = bToA[b.steps[k].id], let i = aIndex[sid] { return Double(i) + 0.5 + Double(j) * 1e-6 }
            k -= 1
        }
        return -0.5 + Double(j) * 1e-6
    }

    private mutating func add(_ cls: ChangeClass, step s: Step?, _ v: Step?, order: Double, aspect: String, before: String?,
                              after: String?, at sLoc: SourceLocation?, _ vLoc: SourceLocation?) {
        let kind = s?.kind ?? v?.kind
        let id = s?.id ?? v?.id
        let change = PathwayChange(cls, subject: .step, standardID: s?.id, variantID: v?.id, name: (s ?? v)?.displayName ?? "",
                                   aspect: aspect, before: before, after: after,
                                   weight: weights.weight(cls, kind: kind, stepID: id),
                                   standardLocation: sLoc, variantLocation: vLoc)
        changes.append((order, change))
    }

    // MARK: Steps

    private mutating func compare(_ s: Step, _ v: Step, order: Double) {
        // Values are compared first and described only when they differ: most matched steps
        // are unchanged, and describing times is the costly part.
        func field<T: Equatable>(_ cls: ChangeClass, _ aspect: String, _ key: String, _ x: T?, _ y: T?, _ show: (T) -> String) {
            guard x != y else { return }
            add(cls, step: s, v, order: order, aspect: aspect, before: x.map(show), after: y.map(show),
                at: s.location(of: key), v.location(of: key))
        }
        func text(_ t: String) -> String { t }
        if s.id != v.id { field(.renamed, "id", "id", s.id, v.id, text) }
        field(.renamed, "title", "title", s.title, v.title, text)
        field(.detailChanged, "kind", "kind", s.kind, v.kind, \.rawValue)
        let orgA = aOrgs[s.id], orgB = bOrgs[v.id]
        if !sameOrganisation(orgA, orgB) {
            add(.movedOrganisation, step: s, v, order: order, aspect: "organisation",
                before: orgA.map { describeOrganisation($0, in: a) }, after: orgB.map { describeOrganisation($0, in: b) },
                at: s.location(of: "organisation"), v.location(of: "organisation"))
        }
        field(.detailChanged, "role", "role", s.role, v.role, text)
        field(.detailChanged, "clinical code", "code", s.code, v.code, describe)
        field(.resourceChanged, "resource", "resource", s.resource, v.resource, text)
        field(.retimed, "duration", "duration", s.duration, v.duration, describeTime)
        field(.retimed, "result after", "result_after", s.resultAfter, v.resultAfter, describeTime)
        field(.retimed, "every", "every", s.every, v.every, \.description)
        field(.retimed, "missed appointments", "did_not_attend", s.attendance.map(\.didNotAttend).flatMap(nonZero),
              v.attendance.map(\.didNotAttend).flatMap(nonZero), percentText)
        field(.retimed, "cancelled appointments", "cancelled", s.attendance.map(\.cancelled).flatMap(nonZero),
              v.attendance.map(\.cancelled).flatMap(nonZero), percentText)
        field(.retimed, "rebooked after", "rebooked_after", s.attendance?.rebookedAfter, v.attendance?.rebookedAfter, describeTime)
        field(.detailChanged, "outcome", "outcome", s.outcome, v.outcome, text)
        field(.detailChanged, "subpathway", "pathway", s.pathway, v.pathway, text)
        // Wiring, compared in the standard's ids.
        switch s.kind {
        case .decision: compareBranches(s, v, order: order)
        case .parallel:
            let pa = s.paths.sorted(), pb = v.paths.map(toStandard).sorted()
            if pa != pb { field(.rewired, "paths", "paths", s.paths.joined(separator: ", "), v.paths.joined(separator: ", "), text) }
            if s.join != v.join.map(toStandard) { field(.rewired, "join", "join", s.join, v.join, text) }
        default:
            if v.kind == .decision { compareBranches(s, v, order: order) } else if s.next != v.next.map(toStandard) {
                field(.rewired, "next", "next", s.next, v.next, text)
            }
        }
        compareData(s.requires.map(\.name), v.requires.map(\.name), "requires", s, v, order: order)
        compareData(s.produces.map(\.name), v.produces.map(\.name), "produces", s, v, order: order)
        compareHandoff(s, v, order: order)
    }

    private func toStandard(_ variantID: String) -> String { bToA[variantID] ?? "+" + variantID }

    private func sameOrganisation(_ x: String?, _ y: String?) -> Bool {
        if x == y { return true }
        guard let x, let y, let ox = a.organisation(x), let oy = b.organisation(y) else { return false }
        // The same organisation under another id in the variant's file.
        return ox.name == oy.name && ox.type == oy.type
    }

    private func describeOrganisation(_ id: String, in p: Pathway) -> String {
        guard let o = p.organisation(id) else { return id }
        return "\(o.name) (\(o.type.rawValue))"
    }

    private mutating func compareBranches(_ s: Step, _ v: Step, order: Double) {
        // First by meaning: two decisions that route every patient the same are equal however
        // their branches are written or ordered; two that do not are one change, shown with a
        // patient routed differently.
        switch DecisionComparison.compare(s, v, standard: a, variant: b, toStandard: toStandard) {
        case .same?:
            return
        case .different(let patient, let before, let after)?:
            // An overlay's edit to a branch is written in the overlay: point there when it is.
            let edited = v.branches.flatMap { [$0.location] + Array($0.fieldLocations.values) }
                .filter { $0.file != v.location.file }
                .min { ($0.line, $0.column) < ($1.line, $1.column) }
            add(.branchChanged, step: s, v, order: order, aspect: patient.isEmpty ? "routing" : "routing, e.g. of a patient with \(patient)",
                before: before, after: after,
                at: s.location(of: "branches"), edited ?? v.location(of: "branches"))
            return
        case nil:
            break
        }
        // Beyond exact comparison: branches pair up by destination (through the matching); the
        // aspect names no id, so the change reads the same whichever side is the standard.
        var remaining = Array(v.branches.indices)
        for branch in s.branches {
            if let k = remaining.firstIndex(where: { toStandard(v.branches[$0].to) == branch.to }) {
                let other = v.branches[remaining[k]]
                remaining.remove(at: k)
                if branch.when?.text != other.when?.text || branch.probability != other.probability || branch.otherwise != other.otherwise {
                    add(.branchChanged, step: s, v, order: order, aspect: "branch", before: describe(branch), after: describe(other),
                        at: branch.location, other.location)
                }
            } else {
                add(.branchChanged, step: s, v, order: order, aspect: "branch", before: describe(branch), after: nil,
                    at: branch.location, v.location(of: "branches"))
            }
        }
        for k in remaining {
            let other = v.branches[k]
            add(.branchChanged, step: s, v, order: order, aspect: "branch", before: nil, after: describe(other),
                at: s.location(of: "branches"), other.location)
        }
    }

    private mutating func compareData(_ x: [String], _ y: [String], _ aspect: String, _ s: Step, _ v: Step, order: Double) {
        let setY = Set(y), setX = Set(x)
        for item in x where !setY.contains(item) {
            add(.dataLost, step: s, v, order: order, aspect: aspect, before: item, after: nil, at: s.location(of: aspect), v.location(of: aspect))
        }
        for item in y where !setX.contains(item) {
            add(.dataAdded, step: s, v, order: order, aspect: aspect, before: nil, after: item, at: s.location(of: aspect), v.location(of: aspect))
        }
    }

    private mutating func compareHandoff(_ s: Step, _ v: Step, order: Double) {
        // A handoff matters only where care changes hands; one that applies on one side only
        // is a single change (the crossing itself is reported on the step that moved).
        let hs = aCrossing.contains(s.id) ? s.handoff : nil
        let hv = bCrossing.contains(v.id) ? v.handoff : nil
        func at(_ h: Handoff?, _ step: Step, _ key: String) -> SourceLocation {
            guard let h = step.handoff ?? h else { return step.location }
            return h.fieldLocations[key] ?? (h.location == .unknown ? step.location : h.location)
        }
        switch (hs, hv) {
        case (nil, nil): return
        case let (x?, nil):
            add(.detailChanged, step: s, v, order: order, aspect: "handoff", before: describe(x), after: nil, at: at(x, s, "delay"), v.location)
            return
        case let (nil, y?):
            add(.detailChanged, step: s, v, order: order, aspect: "handoff", before: nil, after: describe(y), at: s.location, at(y, v, "delay"))
            return
        case let (x?, y?):
            let da = x.delay.map(describeTime), db = y.delay.map(describeTime)
            if da != db { add(.retimed, step: s, v, order: order, aspect: "handoff delay", before: da, after: db, at: at(x, s, "delay"), at(y, v, "delay")) }
            switch (x.sends, y.sends) {
            case let (p?, q?): compareData(p, q, "handoff sends", s, v, order: order)
            case let (nil, q?):
                // "Everything known" is what the steps up to here produce: a list naming all of
                // it loses nothing; each item it leaves out is lost.
                let known = Self.knownItems(at: s.id, in: a)
                for item in known.subtracting(q).sorted() {
                    add(.dataLost, step: s, v, order: order, aspect: "handoff sends", before: item, after: nil,
                        at: at(x, s, "sends"), at(y, v, "sends"))
                }
            case let (p?, nil):
                let known = Self.knownItems(at: v.id, in: b)
                for item in known.subtracting(p).sorted() {
                    add(.dataAdded, step: s, v, order: order, aspect: "handoff sends", before: nil, after: item,
                        at: at(x, s, "sends"), at(y, v, "sends"))
                }
            case (nil, nil): break
            }
            if x.via != y.via { add(.detailChanged, step: s, v, order: order, aspect: "handoff via", before: x.via, after: y.via, at: at(x, s, "via"), at(y, v, "via")) }
        }
    }

    private func describe(_ h: Handoff) -> String {
        var parts: [String] = []
        parts.append(h.delay.map { "after \(describeTime($0))" } ?? "no delay")
        parts.append(h.sends.map { $0.isEmpty ? "sends nothing" : "sends " + $0.joined(separator: ", ") } ?? "sends everything known")
        if let via = h.via { parts.append("via \(via)") }
        return parts.joined(separator: ", ")
    }

    // MARK: Order

    /// Pairs of matched steps joined by a move in one pathway that come in the opposite order
    /// in the other (first-visit order from `start`). Both pathways' moves are checked, so the
    /// result is the same whichever side is the standard.
    private mutating func reordered() {
        var pairs: Set<[String]> = []  // in standard ids, sorted
        for s in a.steps {
            guard let vs = aToB[s.id], let ia = orderA[s.id], let ib = orderB[vs] else { continue }
            for n in s.successors {
                guard let vn = aToB[n], let na = orderA[n], let nb = orderB[vn], ia < na, nb < ib else { continue }
                pairs.insert([s.id, n].sorted())
            }
        }
        for v in b.steps {
            guard let sv = bToA[v.id], let ib = orderB[v.id], let ia = orderA[sv] else { continue }
            for n in v.successors {
                guard let sn = bToA[n], let nb = orderB[n], let na = orderA[sn], ib < nb, na < ia else { continue }
                pairs.insert([sv, sn].sorted())
            }
        }
        // The breadth-first order moves when unrelated steps are added or removed; a pair counts
        // as reordered only when the two really swapped: one comes before the other (reaches it,
        // and is not reached back) on one side, and after it on the other.
        let confirm = pairs.count <= 200
        for pair in pairs.sorted(by: { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }) {
            guard let i = aIndex[pair[0]], let vid = aToB[pair[0]], let j = bIndex[vid], let otherV = aToB[pair[1]] else { continue }
            if confirm {
                let beforeInA = Self.precedes(pair[0], pair[1], in: a), afterInA = Self.precedes(pair[1], pair[0], in: a)
                let beforeInB = Self.precedes(vid, otherV, in: b), afterInB = Self.precedes(otherV, vid, in: b)
                guard (beforeInA && afterInB) || (afterInA && beforeInB) else { continue }
            }
            let s = a.steps[i], v = b.steps[j]
            let firstInA = (orderA[pair[0]] ?? 0) < (orderA[pair[1]] ?? 0)
            let firstInB = (orderB[vid] ?? 0) < (orderB[otherV] ?? 0)
            add(.reordered, step: s, v, order: Double(i), aspect: "order",
                before: (firstInA ? "before " : "after ") + pair[1], after: (firstInB ? "before " : "after ") + otherV,
                at: s.location, v.location)
        }
    }

    /// Whether `x` comes before `y` in `p`: `y` can be reached from `x`, and `x` not from `y`.
    static func precedes(_ x: String, _ y: String, in p: Pathway) -> Bool {
        p.reachableSteps(from: x).contains(y) && !p.reachableSteps(from: y).contains(x)
    }

    // MARK: Targets, resources, pathway

    private mutating func compareTargets() {
        let base = Double(a.steps.count) + 1
        func change(_ t: Target?, _ u: Target?, aspect: String, before: String?, after: String?, key: String?) {
            guard before != after else { return }
            let c = PathwayChange(.targetChanged, subject: .target, standardID: t?.id, variantID: u?.id, name: (t ?? u).map { $0.title ?? $0.id } ?? "",
                                  aspect: aspect, before: before, after: after, weight: weights.weight(.targetChanged),
                                  standardLocation: key.flatMap { k in t?.fieldLocations[k] } ?? t?.location,
                                  variantLocation: key.flatMap { k in u?.fieldLocations[k] } ?? u?.location)
            changes.append((base, c))
        }
        for t in a.targets {
            guard let u = b.targets.first(where: { $0.id == t.id }) else {
                change(t, nil, aspect: "target", before: describe(t), after: nil, key: nil)
                continue
            }
            if toStandard(u.from) != t.from { change(t, u, aspect: "from", before: t.from, after: u.from, key: "from") }
            let toA = t.to.sorted(), toB = u.to.map(toStandard).sorted()
            if toA != toB { change(t, u, aspect: "to", before: t.to.joined(separator: ", "), after: u.to.joined(separator: ", "), key: "to") }
            change(t, u, aspect: "within", before: t.within.description, after: u.within.description, key: "within")
            change(t, u, aspect: "standard", before: percent(t.standard), after: percent(u.standard), key: "standard")
        }
        for u in b.targets where !a.targets.contains(where: { $0.id == u.id }) {
            change(nil, u, aspect: "target", before: nil, after: describe(u), key: nil)
        }
    }

    /// Capacity, hours and queue order of resources both pathways use under the same id.
    private mutating func compareResources() {
        let base = Double(a.steps.count) + 2
        let used = Set(a.steps.compactMap(\.resource)).intersection(Set(b.steps.compactMap(\.resource)))
        for r in a.resources where used.contains(r.id) {
            guard let q = b.resource(r.id) else { continue }
            func change(_ aspect: String, _ before: String, _ after: String, _ key: String) {
                guard before != after else { return }
                changes.append((base, PathwayChange(.resourceChanged, subject: .resource, standardID: r.id, variantID: q.id, name: r.name ?? r.id,
                                                    aspect: aspect, before: before, after: after, weight: weights.weight(.resourceChanged),
                                                    standardLocation: r.fieldLocations[key] ?? r.location,
                                                    variantLocation: q.fieldLocations[key] ?? q.location)))
            }
            change("capacity", String(r.capacity), String(q.capacity), "capacity")
            // Hours are compared by the minutes of the week they open, not by their spelling
            // (`weekdays` and `mon-fri`, `8:00` and `08:00`).
            if Self.openMinutes(r.calendar) != Self.openMinutes(q.calendar) {
                change("opening hours", r.calendar?.text ?? "always", q.calendar?.text ?? "always", "calendar")
            }
            change("queue", describe(r.queue), describe(q.queue), "priority")
            if Self.closesOnHolidays(r.calendar) != Self.closesOnHolidays(q.calendar) {
                change("bank holidays", Self.closesOnHolidays(r.calendar) ? "closed" : "open",
                       Self.closesOnHolidays(q.calendar) ? "closed" : "open", "calendar")
            }
            change("other work", r.background.map(describeBackground) ?? "none", q.background.map(describeBackground) ?? "none", "background")
            if !sameOrganisation(r.organisation, q.organisation) { change("organisation", r.organisation, q.organisation, "organisation") }
        }
    }

    /// The data items produced by `step` and every step that can come before it: what a handoff
    /// without a `sends` list passes on.
    static func knownItems(at step: String, in p: Pathway) -> Set<String> {
        var before: [String: [String]] = [:]
        for s in p.steps {
            for next in s.successors { before[next, default: []].append(s.id) }
            if s.kind == .parallel, let join = s.join { before[join, default: []].append(s.id) }
        }
        let index = p.stepIndex
        var seen: Set<String> = [], items: Set<String> = []
        var stack = [step]
        while let id = stack.popLast() {
            guard seen.insert(id).inserted, let i = index[id] else { continue }
            for item in p.steps[i].produces { items.insert(item.name) }
            stack.append(contentsOf: before[id] ?? [])
        }
        return items
    }

    private static func closesOnHolidays(_ calendar: OpeningCalendar?) -> Bool { calendar?.closedOnBankHolidays ?? false }

    private func describeBackground(_ b: BackgroundDemand) -> String {
        "\(NumberText.format3(b.perDay)) a day, \(describeTime(b.duration)) each"
    }

    private func nonZero(_ x: Double) -> Double? { x == 0 ? nil : x }

    private func percentText(_ x: Double) -> String { NumberText.format3(x * 100) + "%" }

    /// The minutes of the week (Monday 00:00 = 0) a calendar is open; no calendar is always open.
    private static func openMinutes(_ calendar: OpeningCalendar?) -> [Bool] {
        guard let calendar else { return [Bool](repeating: true, count: 7 * 1440) }
        var open = [Bool](repeating: false, count: 7 * 1440)
        for w in calendar.windows {
            for day in w.days {
                for m in max(0, w.opens)..<min(1440, max(w.opens, w.closes)) { open[day.rawValue * 1440 + m] = true }
            }
        }
        return open
    }

    private mutating func comparePathway() {
        let base = Double(a.steps.count) + 3
        func change(_ aspect: String, _ before: String?, _ after: String?, _ key: String) {
            guard before != after else { return }
            changes.append((base, PathwayChange(.detailChanged, subject: .pathway, standardID: a.id, variantID: b.id, name: a.title,
                                                aspect: aspect, before: before, after: after, weight: weights.weight(.detailChanged),
                                                standardLocation: a.fieldLocations[key] ?? a.location,
                                                variantLocation: b.fieldLocations[key] ?? b.location)))
        }
        change("arrivals", a.arrivals.map(describe), b.arrivals.map(describe), "arrivals")
        change("demand growth", a.arrivalGrowth.flatMap(nonZero).map { percentText($0) + " a year" },
               b.arrivalGrowth.flatMap(nonZero).map { percentText($0) + " a year" }, "arrivals")
        let backlogA = a.backlog.map(describe).joined(separator: "; "), backlogB = b.backlog.map(describe).joined(separator: "; ")
        change("backlog", backlogA.isEmpty ? nil : backlogA, backlogB.isEmpty ? nil : backlogB, "backlog")
        if toStandard(b.start) != a.start { change("start", a.start, b.start, "start") }
        for attr in a.attributes {
            let other = b.attribute(attr.id)
            var x = attr, y = other
            x.location = .unknown
            y?.location = .unknown
            if x != y { change("attribute \(attr.id)", describe(attr), other.map(describe), "attributes") }
        }
        for attr in b.attributes where a.attribute(attr.id) == nil { change("attribute \(attr.id)", nil, describe(attr), "attributes") }
    }

    // MARK: Describing values

    private func describe(_ entry: Backlog) -> String {
        "\(entry.patients) at \(entry.step)" + (entry.waited.map { ", waited \(describeTime($0))" } ?? "")
    }

    private func describe(_ s: Step) -> String {
        var text = "\(s.kind.rawValue)"
        if let org = (aOrgs[s.id] ?? bOrgs[s.id]) ?? s.organisation { text += " at \(org)" }
        return text
    }

    private func describe(_ code: ClinicalCode) -> String {
        let system = code.system == ClinicalCode.snomedSystem ? "SNOMED CT" : code.system
        return "\(system) \(code.code)" + (code.display.map { " \($0)" } ?? "")
    }

    private func describe(_ b: Branch) -> String { "to \(b.to)" + (describeRule(b).isEmpty ? "" : ", " + describeRule(b)) }

    /// When a branch is taken, without where it goes.
    private func describeRule(_ b: Branch) -> String {
        var parts: [String] = []
        if let w = b.when { parts.append("when \(w.text)") }
        if let p = b.probability { parts.append("probability \(NumberText.format3(p))") }
        if b.otherwise { parts.append("otherwise") }
        return parts.joined(separator: ", ")
    }

    private func describe(_ t: Target) -> String {
        "\(t.from) → \(t.to.joined(separator: "|")) within \(t.within), \(percent(t.standard))"
    }

    private func describe(_ q: QueueDiscipline) -> String {
        switch q {
        case .fifo: "first come, first served"
        case .priority(let attribute): "by \(attribute)"
        }
    }

    private func describe(_ arrivals: Arrivals) -> String {
        switch arrivals {
        case .poisson(let perDay): "\(NumberText.format3(perDay * 7)) per week"
        case .weekly(let days): "weekly " + days.map(NumberText.format3).joined(separator: "/") + " per day"
        case .cohort(let n): "cohort of \(n)"
        }
    }

    private func describe(_ attr: Attribute) -> String {
        switch attr.type {
        case .integer(let d, _, _), .number(let d, _, _): "\(attr.type.name) \(describeNumber(d))"
        case .boolean(let p): "boolean, probability \(NumberText.format3(p))"
        case .category(let values): "category " + values.map { "\($0.name) \(NumberText.format3($0.probability))" }.joined(separator: ", ")
        }
    }

    private func percent(_ p: Double) -> String { NumberText.format3(p * 100) + "%" }
}

/// A time distribution as a person writes it: `2 days`, `triangular(min: 1 day, mode: 2 days, max: 5 days)`.
func describeTime(_ d: Distribution) -> String {
    d.written(value: { TimeSpan(minutes: $0).description }, number: NumberText.format3)
}

/// A numeric attribute's distribution, in plain numbers.
func describeNumber(_ d: Distribution) -> String {
    d.written(value: NumberText.format3, number: NumberText.format3)
}
