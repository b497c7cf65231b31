import PathwayModel

/// A decision step as the simulator runs it: a function from a patient's attributes to the
/// share of such patients that takes each way out.
///
/// Branches are tried in file order: a `when` branch takes every patient it matches (or, with a
/// `probability`, that share of them, the rest going on down the list); consecutive
/// probability-only branches share one draw; `otherwise` takes whoever is left. This is the
/// engine's own rule (the conditions are compiled by the engine's own compiler), so two decisions
/// with the same function route every patient the same in a simulation.
public struct DecisionFunction: Sendable {
    /// The attributes the function reads, in the order `routes(_:)` takes their values.
    public let attributeIDs: [String]
    private let branches: [CompiledBranch]
    private let destinations: [String]
    private let conditions: [CompiledCondition]
    private let maxDepth: Int

    /// Compiles the decision `step` over `attributes`. Returns nil when a condition cannot be
    /// compiled (validation reports why).
    public init?(_ step: Step, attributes: [Attribute]) {
        attributeIDs = attributes.map(\.id)
        let infos = attributes.map { a -> AttributeInfo in
            switch a.type {
            case .category(let values): AttributeInfo(id: a.id, categories: values.map(\.name), isBoolean: false)
            case .boolean: AttributeInfo(id: a.id, categories: nil, isBoolean: true)
            case .integer, .number: AttributeInfo(id: a.id, categories: nil, isBoolean: false)
            }
        }
        let indexOf = Dictionary(attributes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        var compiled: [CompiledCondition] = []
        var out: [CompiledBranch] = []
        for branch in step.branches {
            var b = CompiledBranch(to: Int32(out.count))
            b.probability = branch.probability ?? -1
            b.otherwise = branch.otherwise
            if let when = branch.when {
                guard let c = try? CompiledCondition(when.expression, attributes: infos, indexOf: indexOf) else { return nil }
                compiled.append(c)
                b.condition = Int32(compiled.count - 1)
            }
            out.append(b)
        }
        branches = out
        destinations = step.branches.map(\.to)
        conditions = compiled
        maxDepth = max(1, compiled.map(\.maxDepth).max() ?? 1)
    }

    /// How the engine routes a patient with these attribute `values` (booleans 0 or 1,
    /// categories their index), step by step: each element is a way out with the share of such
    /// patients it takes and the random draw that decides it (`nil`: none, the patient goes there;
    /// `shared`: a slice of the decision's one uniform draw, in order along it; `own`: the
    /// branch's own draw). Two decisions with equal routes send every simulated patient the same
    /// way with the same random numbers, not only the same shares: consecutive slices to the same
    /// place are merged, nothing else is.
    public func route(_ values: [Double]) -> [RouteSegment] {
        // The engine draws one uniform u for the whole decision: the k-th probability-only
        // branch takes u in [p1 + … + p(k-1), p1 + … + pk). A `when` branch with a probability
        // makes its own, independent draw. So a patient reaches a branch with the share
        // `independent` × P(u not yet used).
        var segments: [RouteSegment] = []
        func append(_ segment: RouteSegment) {
            if let last = segments.last, last.draw == .shared, segment.draw == .shared, last.to == segment.to {
                segments[segments.count - 1].share += segment.share
            } else if segment.share > 1e-12 || segment.draw == .own {
                // An own draw is taken even when it can send nobody: it uses a random number.
                segments.append(segment)
            }
        }
        var independent = 1.0
        var used = 0.0
        var fallback: Int?
        values.withUnsafeBufferPointer { v in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: maxDepth + 1) { stack in
                for (i, b) in branches.enumerated() where independent > 0 {
                    if b.otherwise {
                        fallback = i
                        continue
                    }
                    let reaching = independent * max(0, 1 - used)
                    if b.condition >= 0 {
                        guard conditions[Int(b.condition)].evaluate(v, base: 0, stack: stack) else { continue }
                        if b.probability < 0 {
                            append(RouteSegment(to: destinations[i], share: reaching, draw: nil))
                            independent = 0
                        } else {
                            append(RouteSegment(to: destinations[i], share: reaching * b.probability, draw: .own))
                            independent *= 1 - b.probability
                        }
                        continue
                    }
                    if b.probability >= 0 {
                        append(RouteSegment(to: destinations[i], share: independent * min(b.probability, max(0, 1 - used)), draw: .shared))
                        used += b.probability
                        continue
                    }
                    append(RouteSegment(to: destinations[i], share: reaching, draw: nil))
                    independent = 0
                }
            }
        }
        let remaining = independent * max(0, 1 - used)
        if remaining > 1e-12 {
            // The engine's last resort: the otherwise branch, else the last branch.
            if let fallback {
                append(RouteSegment(to: destinations[fallback], share: remaining, draw: nil))
            } else if let last = destinations.last {
                append(RouteSegment(to: last, share: remaining, draw: nil))
            }
        }
        return segments
    }

    /// The share of patients with these attribute `values` going to each destination step:
    /// `route(_:)` merged by destination. Shares add up to 1 unless the decision leaves some
    /// patients nowhere to go.
    public func routes(_ values: [Double]) -> [String: Double] {
        Dictionary(route(values).map { ($0.to, $0.share) }, uniquingKeysWith: +).filter { $0.value > 1e-12 }
    }
}

/// One way out of a decision for a patient: where, the share, and the draw deciding it.
public struct RouteSegment: Hashable, Sendable {
    /// Which random number decides this way out.
    public enum Draw: Hashable, Sendable {
        /// A slice of the decision's one uniform draw (probability-only branches).
        case shared
        /// The branch's own draw (a `when` branch with a probability).
        case own
    }
    public var to: String
    public var share: Double
    /// `nil` when no draw decides it: the patient goes there.
    public var draw: Draw?

    public init(to: String, share: Double, draw: Draw?) {
        self.to = to
        self.share = share
        self.draw = draw
    }
}
