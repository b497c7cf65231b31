import PathwayModel

/// Which patients a condition holds for, worked out from the attributes' types: numeric ranges
/// (with open or closed ends, whole numbers for integer attributes, within `min`/`max`), yes/no,
/// and category values, combined with `and`, `or` and `not`.
///
/// Parts the analysis cannot follow (two attributes compared with each other, a unit that does
/// not convert, a value the attribute does not have) are not guessed at: the answer is then a
/// pair of bounds, the patients the condition *surely* holds for and those it *possibly* holds
/// for, and callers warn only about what the bounds prove.
struct ConditionAnalysis: Sendable {
    /// The bounds for one condition.
    struct Patients: Sendable {
        /// Patients for whom the condition certainly holds.
        var surely: PatientSet
        /// Patients for whom it may hold; everyone else certainly fails it.
        var possibly: PatientSet
        /// Some comparison in it is always or never true on its own (which CP327 or CP328
        /// already reports), so a finding about the whole adds nothing.
        var hasConstantPart: Bool
    }

    let algebra: PatientSetAlgebra
    let attributes: [Attribute]
    private let byID: [String: Attribute]

    init(attributes: [Attribute]) {
        self.attributes = attributes
        self.algebra = PatientSetAlgebra(attributes: attributes)
        var byID: [String: Attribute] = [:]
        for attribute in attributes where byID[attribute.id] == nil { byID[attribute.id] = attribute }
        self.byID = byID
    }

    /// The patients `condition` holds for.
    func patients(_ condition: Condition) -> Patients {
        let resolved = ConditionChecker.resolve(condition, attributes: attributes)
        return patients(resolved.expression)
    }

    private func exact(_ set: PatientSet) -> Patients {
        Patients(surely: set, possibly: set, hasConstantPart: set.isEmpty || set.boxes == [[:]])
    }

    private static let unknown = Patients(surely: .nobody, possibly: .everyone, hasConstantPart: false)

    private func patients(_ expression: Expression) -> Patients {
        switch expression {
        case .boolean(let value, _):
            var p = exact(value ? .everyone : .nobody)
            p.hasConstantPart = false
            return p
        case .not(let operand, _):
            let inner = patients(operand)
            return Patients(surely: algebra.complement(inner.possibly) ?? .nobody,
                            possibly: algebra.complement(inner.surely) ?? .everyone,
                            hasConstantPart: inner.hasConstantPart)
        case .logical(let op, let left, let right):
            let a = patients(left), b = patients(right)
            let surely: PatientSet?, possibly: PatientSet?
            switch op {
            case .and:
                surely = algebra.intersection(a.surely, b.surely)
                possibly = algebra.intersection(a.possibly, b.possibly)
            case .or:
                surely = algebra.union(a.surely, b.surely)
                possibly = algebra.union(a.possibly, b.possibly)
            }
            return Patients(surely: surely ?? .nobody, possibly: possibly ?? .everyone,
                            hasConstantPart: a.hasConstantPart || b.hasConstantPart)
        default:
            guard let (attribute, values) = atom(expression) else { return Self.unknown }
            return exact(algebra.patients(attribute, values))
        }
    }

    /// A test of one attribute against values written in the condition, as the values that pass.
    private func atom(_ expression: Expression) -> (String, AttributeValues)? {
        switch expression {
        case .attribute(let name, _):
            guard let attribute = byID[name], case .boolean = attribute.type else { return nil }
            return (name, .truth([true]))
        case .comparison(let op, .attribute(let name, _), let value):
            return comparison(op, name, value)
        case .comparison(let op, let value, .attribute(let name, _)):
            return comparison(op.flipped, name, value)
        case .membership(.attribute(let name, _), let items, let negated):
            guard let attribute = byID[name], let domain = algebra.domains[name] else { return nil }
            var values: AttributeValues?
            for item in items {
                guard let one = equalTo(item, attribute) else { return nil }
                values = values.map { $0.union(one) } ?? one
            }
            let chosen = values ?? domain.complement(within: domain)
            return (name, negated ? chosen.complement(within: domain) : chosen)
        default:
            return nil
        }
    }

    private func comparison(_ op: ComparisonOperator, _ name: String, _ value: Expression) -> (String, AttributeValues)? {
        guard let attribute = byID[name], let domain = algebra.domains[name] else { return nil }
        if op == .equal || op == .notEqual {
            guard let equal = equalTo(value, attribute) else { return nil }
            return (name, op == .equal ? equal : equal.complement(within: domain))
        }
        guard case .numbers(let d) = domain, let v = number(value, attribute) else { return nil }
        let range: NumberRanges.Range
        switch op {
        case .greater: range = .init(low: v, lowClosed: false, high: .infinity, highClosed: false)
        case .greaterOrEqual: range = .init(low: v, lowClosed: true, high: .infinity, highClosed: false)
        case .less: range = .init(low: -.infinity, lowClosed: false, high: v, highClosed: false)
        case .lessOrEqual: range = .init(low: -.infinity, lowClosed: false, high: v, highClosed: true)
        case .equal, .notEqual: return nil
        }
        return (name, .numbers(NumberRanges([range], integer: d.integer)))
    }

    /// The values of `attribute` equal to `value`, when `value` is a literal of its type.
    private func equalTo(_ value: Expression, _ attribute: Attribute) -> AttributeValues? {
        switch (attribute.type, value) {
        case (.integer, _), (.number, _):
            guard let v = number(value, attribute), case .numbers(let d)? = algebra.domains[attribute.id] else { return nil }
            return .numbers(NumberRanges([.init(low: v, lowClosed: true, high: v, highClosed: true)], integer: d.integer))
        case (.boolean, .boolean(let v, _)):
            return .truth([v])
        case (.category(let values), .text(let text, _)):
            // A value the attribute does not have is an error of its own (CP323).
            guard values.contains(where: { $0.name == text }) else { return nil }
            return .categories([text])
        default:
            return nil
        }
    }

    /// A number literal in the attribute's unit (the resolver has already converted units that
    /// convert; any other unit is left alone).
    private func number(_ value: Expression, _ attribute: Attribute) -> Double? {
        guard case .number(let v, let unit, _) = value, v.isFinite else { return nil }
        if let unit {
            guard let target = attribute.unit, UnitTable.factor(from: unit, to: target) == 1 else { return nil }
        }
        return v
    }

    /// "age = 40 and smoker = no": one patient of `set`, for a message.
    func describeExample(of set: PatientSet) -> String? {
        guard let values = algebra.example(of: set), !values.isEmpty else { return nil }
        return values.map { pair in
            let unit = byID[pair.attribute]?.unit.map { " \($0)" } ?? ""
            return "\(pair.attribute) = \(pair.value)\(unit)"
        }.joined(separator: " and ")
    }
}
