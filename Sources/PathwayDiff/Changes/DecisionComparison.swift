import PathwayModel
import PathwaySimulation

/// Compares two decisions by what they do to patients, not by how they are written.
///
/// Conditions read typed attributes and compare them with constants, so the attribute space
/// falls into finitely many cells in which every condition is constant: for a number, each
/// constant the conditions mention and a value in each gap between them (and beyond the ends),
/// within the attribute's `min`/`max`; for a boolean, true and false; for a category, each value.
/// Both decisions are evaluated, with the simulator's own rules (`DecisionFunction`), on one
/// patient of every cell. Equal shares in every cell mean every patient is routed the same.
enum DecisionComparison {
    /// Most cells evaluated; past this the decisions are compared as written instead.
    static let cellLimit = 100_000

    /// The outcome: the same routing, or a patient routed differently (with both routings).
    enum Verdict {
        case same
        /// `patient` describes one patient routed differently ("" when no attribute matters).
        case different(patient: String, standard: String, variant: String)
    }

    /// A value of one attribute in a cell.
    private enum Value: Hashable {
        case number(Double)
        case category(String)
        case boolean(Bool)
    }

    /// Compares decision `s` of `standard` with decision `v` of `variant`; `toStandard` maps the
    /// variant's step ids to the standard's. Nil when the routing cannot be compared exactly (a
    /// condition that compares two attributes, an attribute typed differently on each side, a
    /// condition that does not compile, or more than `cellLimit` cells).
    static func compare(_ s: Step, _ v: Step, standard: Pathway, variant: Pathway,
                        toStandard: (String) -> String) -> Verdict? {
        let conditions = (s.branches + v.branches).compactMap(\.when?.expression)
        // Sorted, so the cells (and the example patient) are the same whichever side is which.
        let names = Set(conditions.flatMap(\.attributeNames)).sorted()
        let attributesA = standard.attributes, attributesB = variant.attributes
        var domains: [(id: String, values: [Value])] = []
        for name in names {
            let x = attributesA.first { $0.id == name }, y = attributesB.first { $0.id == name }
            // A bare name opposite a category attribute is one of its values, not an attribute.
            guard x != nil || y != nil else { continue }
            if let x, let y, x.type.name != y.type.name { return nil }
            guard let values = cellValues(name, [x, y].compactMap { $0 }, conditions) else { return nil }
            domains.append((name, values))
        }
        var cells = 1
        for d in domains {
            cells *= max(1, d.values.count)
            if cells > cellLimit { return nil }
        }
        guard let fa = DecisionFunction(s, attributes: attributesA),
              let fb = DecisionFunction(v, attributes: attributesB) else { return nil }
        var counters = [Int](repeating: 0, count: domains.count)
        for _ in 0..<cells {
            let cell = Dictionary(uniqueKeysWithValues: domains.indices.map { (domains[$0].id, domains[$0].values[counters[$0]]) })
            let va = vector(cell, attributesA), vb = vector(cell, attributesB)
            let sa = fa.route(va)
            let sb = fb.route(vb).map { RouteSegment(to: toStandard($0.to), share: $0.share, draw: $0.draw) }
            if !sameRoute(sa, sb) {
                let ra = fa.routes(va), own = fb.routes(vb)
                // Each side named with its own step ids, as the rest of the diff does.
                let patient = domains.map { "\($0.id) \(describe(cell[$0.id]))" }.joined(separator: ", ")
                var mapped: [String: Double] = [:]
                for (to, share) in own { mapped[toStandard(to), default: 0] += share }
                let sameShares = Set(ra.keys).union(mapped.keys).allSatisfy { abs((ra[$0] ?? 0) - (mapped[$0] ?? 0)) <= 1e-9 }
                // Equal shares drawn another way still send individual patients elsewhere.
                let note = sameShares ? " (the same shares, drawn in another order, so other patients go each way)" : ""
                return .different(patient: patient, standard: describe(ra), variant: describe(own) + note)
            }
            // Next cell: an odometer over the attributes' values.
            var k = 0
            while k < counters.count {
                counters[k] += 1
                if counters[k] < domains[k].values.count { break }
                counters[k] = 0
                k += 1
            }
        }
        return .same
    }

    /// The same ways out, in the same order along the same draws: every patient of the cell goes
    /// the same way with the same random numbers.
    private static func sameRoute(_ x: [RouteSegment], _ y: [RouteSegment]) -> Bool {
        guard x.count == y.count else { return false }
        return zip(x, y).allSatisfy { $0.to == $1.to && $0.draw == $1.draw && abs($0.share - $1.share) <= 1e-9 }
    }

    /// One patient of each cell of attribute `name`, possible under either side's declaration.
    private static func cellValues(_ name: String, _ declarations: [Attribute], _ conditions: [Expression]) -> [Value]? {
        guard let first = declarations.first else { return nil }
        switch first.type {
        case .boolean:
            var values: Set<Bool> = []
            for d in declarations {
                if case .boolean(let p) = d.type {
                    if p > 0 { values.insert(true) }
                    if p < 1 { values.insert(false) }
                }
            }
            return [false, true].filter(values.contains).map(Value.boolean)
        case .category:
            var values: [String] = []
            for d in declarations {
                if case .category(let list) = d.type {
                    for c in list where c.probability > 0 && !values.contains(c.name) { values.append(c.name) }
                }
            }
            return values.sorted().map(Value.category)
        case .integer, .number:
            var constants: Set<Double> = []
            for c in conditions {
                guard collectConstants(c, of: name, into: &constants) else { return nil }
            }
            var low = Double.infinity, high = -Double.infinity, integer = false
            for d in declarations {
                switch d.type {
                case .integer(_, let lo, let hi):
                    integer = true
                    low = min(low, lo ?? -.infinity); high = max(high, hi ?? .infinity)
                case .number(_, let lo, let hi):
                    low = min(low, lo ?? -.infinity); high = max(high, hi ?? .infinity)
                default: return nil
                }
            }
            if low.isFinite { constants.insert(low) }
            if high.isFinite { constants.insert(high) }
            let sorted = constants.filter(\.isFinite).sorted()
            var candidates: Set<Double> = []
            if sorted.isEmpty { candidates.insert(low.isFinite ? low : (high.isFinite ? high : 0)) }
            for (i, c) in sorted.enumerated() {
                if integer {
                    for x in [c.rounded(.down) - 1, c.rounded(.down), c.rounded(.up), c.rounded(.up) + 1] { candidates.insert(x) }
                } else {
                    candidates.insert(c)
                    if i + 1 < sorted.count { candidates.insert((c + sorted[i + 1]) / 2) }
                }
            }
            if !integer, let lowest = sorted.first, let highest = sorted.last {
                candidates.insert(lowest - max(1, abs(lowest)))
                candidates.insert(highest + max(1, abs(highest)))
            }
            return candidates.filter { $0 >= low && $0 <= high }.sorted().map(Value.number)
        }
    }

    /// Adds the numbers compared with attribute `name` in `e`; false when `name` is compared with
    /// another numeric attribute, which cells over constants cannot follow.
    private static func collectConstants(_ e: Expression, of name: String, into constants: inout Set<Double>) -> Bool {
        switch e {
        case .attribute, .number, .text, .boolean:
            return true
        case .not(let inner, _):
            return collectConstants(inner, of: name, into: &constants)
        case .logical(_, let l, let r):
            return collectConstants(l, of: name, into: &constants) && collectConstants(r, of: name, into: &constants)
        case .comparison(_, let l, let r):
            switch (l, r) {
            case (.attribute(let x, _), .number(let n, _, _)) where x == name, (.number(let n, _, _), .attribute(let x, _)) where x == name:
                constants.insert(n)
                return true
            case (.attribute(let x, _), .attribute(let y, _)) where x == name || y == name:
                return false
            default:
                return collectConstants(l, of: name, into: &constants) && collectConstants(r, of: name, into: &constants)
            }
        case .membership(let value, let items, _):
            guard case .attribute(let x, _) = value, x == name else { return true }
            for item in items {
                switch item {
                case .number(let n, _, _): constants.insert(n)
                case .attribute: return false
                default: break
                }
            }
            return true
        }
    }

    /// The attribute values of a cell as the simulator holds them, in `attributes` order.
    private static func vector(_ cell: [String: Value], _ attributes: [Attribute]) -> [Double] {
        attributes.map { a in
            switch cell[a.id] {
            case .number(let x)?: return x
            case .boolean(let b)?: return b ? 1 : 0
            case .category(let name)?:
                if case .category(let list) = a.type, let i = list.firstIndex(where: { $0.name == name }) { return Double(i) }
                return -1
            case nil: return 0
            }
        }
    }

    private static func describe(_ value: Value?) -> String {
        switch value {
        case .number(let x)?: x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : NumberText.format3(x)
        case .boolean(let b)?: b ? "true" : "false"
        case .category(let name)?: name
        case nil: "-"
        }
    }

    private static func describe(_ routes: [String: Double]) -> String {
        guard !routes.isEmpty else { return "nowhere" }
        if routes.count == 1, let only = routes.first, abs(only.value - 1) < 1e-9 { return only.key }
        return routes.sorted { $0.key < $1.key }.map { "\($0.key) \(NumberText.format3($0.value * 100))%" }.joined(separator: ", ")
    }
}
