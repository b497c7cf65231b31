import PathwayModel

/// Type-checks parsed conditions against the pathway's declared patient attributes, and
/// resolves what the parser could not know on its own.
///
/// The checker reports (codes CP320–CP329): names that are not declared attributes (with a
/// "did you mean"), comparisons between values of different kinds (yes/no with a number),
/// "less than" on yes/no or category values, category values the attribute does not have,
/// units that differ from the attribute's declared unit, conditions that are not yes/no
/// (`when: "age"`), and conditions that can never (or always) hold.
///
/// A bare name beside a category attribute (`risk == high`, `risk in [high, very-high]`) is a
/// category value when it is one of the attribute's values; otherwise it is read as an
/// attribute, and if it is neither the checker reports it as an unknown value of that category.
public enum ConditionChecker {
    /// Every type problem in `condition`, given the pathway's `attributes`, in source order.
    public static func check(_ condition: Condition, attributes: [Attribute]) -> [Diagnostic] {
        check(condition, attributes: attributes, unreadable: [])
    }

    /// Every type problem in `condition`, staying silent about the attributes named in
    /// `unreadable`: ones the file declares but that could not be built (a bad probability, say),
    /// which have had their own error already and should not be reported again as unknown.
    public static func check(_ condition: Condition, attributes: [Attribute], unreadable: Set<String>) -> [Diagnostic] {
        var checker = ConditionTypeChecker(condition: condition, attributes: attributes, unreadable: unreadable)
        checker.checkTopLevel(condition.expression)
        return checker.diagnostics
    }

    /// The condition with its bare category values turned into text (`risk == high` holds
    /// `.text("high")` on the right) and every number compared with an attribute converted to
    /// that attribute's unit where the units convert (`wait > 2 weeks` with `wait` in days
    /// becomes `wait > 14 days`). Evaluators should walk the resolved tree, so they need not know
    /// about category scoping or unit conversion. Anything the checker would reject is left as
    /// written.
    public static func resolve(_ condition: Condition, attributes: [Attribute]) -> Condition {
        let checker = ConditionTypeChecker(condition: condition, attributes: attributes)
        var resolved = condition
        resolved.expression = checker.resolve(condition.expression)
        return resolved
    }

    /// How many of `unit` make one `target`, when the two measure the same thing: `2 weeks` in
    /// days is `2 * conversionFactor(from: "weeks", to: "days")` = 14. Time units (min, hour,
    /// day, week) convert among themselves, as do months and years; other units must be the
    /// same after folding case, `µg`/`μg`/`ug`/`mcg`, and plural spellings. `nil` when they differ.
    public static func conversionFactor(from unit: String, to target: String) -> Double? {
        UnitTable.factor(from: unit, to: target)
    }
}

/// Unit spellings and conversions for conditions.
enum UnitTable {
    /// Minutes in each time unit, as the language's durations spell them.
    private static let time: [String: Double] = [
        "min": 1, "mins": 1, "minute": 1, "minutes": 1,
        "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
        "d": 1440, "day": 1440, "days": 1440,
        "wk": 10080, "wks": 10080, "week": 10080, "weeks": 10080,
    ]
    /// Months in each calendar unit (ages and long intervals; these do not convert to days).
    private static let calendar: [String: Double] = [
        "mo": 1, "mth": 1, "mths": 1, "month": 1, "months": 1,
        "y": 12, "yr": 12, "yrs": 12, "year": 12, "years": 12,
    ]

    static func canonical(_ unit: String) -> String {
        var text = unit.lowercased()
        text = text.replacingOccurrences(of: "\u{00B5}", with: "u")
        text = text.replacingOccurrences(of: "\u{03BC}", with: "u")
        text = text.replacingOccurrences(of: "mcg", with: "ug")
        return text
    }

    static func factor(from unit: String, to target: String) -> Double? {
        let a = canonical(unit), b = canonical(target)
        if a == b { return 1 }
        if let x = time[a], let y = time[b] { return x / y }
        if let x = calendar[a], let y = calendar[b] { return x / y }
        return nil
    }
}

/// The walk behind `ConditionChecker`: infers each node's kind of value and collects diagnostics.
struct ConditionTypeChecker {
    /// What a node of a condition evaluates to.
    enum ValueKind {
        /// A number; `attribute` is set when the node reads one.
        case number(unit: String?, attribute: Attribute?)
        /// Yes/no; `literal` when written as `true`/`false`.
        case boolean(attribute: Attribute?, literal: Bool)
        /// A category attribute.
        case category(Attribute, values: [String])
        /// Text: quoted, or a bare name standing for a category value.
        case text(String, bare: Bool)
        /// Already reported, or unknowable: checks involving it are skipped.
        case unknown

        var isUnknown: Bool { if case .unknown = self { true } else { false } }
    }

    struct Operand {
        var kind: ValueKind
        var expression: Expression
    }

    let condition: Condition
    let attributes: [String: Attribute]
    let attributeIDs: [String]
    let unreadable: Set<String>
    private(set) var diagnostics: [Diagnostic] = []

    init(condition: Condition, attributes: [Attribute], unreadable: Set<String> = []) {
        self.condition = condition
        self.unreadable = unreadable
        var byID: [String: Attribute] = [:]
        var ids: [String] = []
        for attribute in attributes where byID[attribute.id] == nil {
            byID[attribute.id] = attribute
            ids.append(attribute.id)
        }
        self.attributes = byID
        self.attributeIDs = ids
    }

    // MARK: - Checking

    mutating func checkTopLevel(_ expression: Expression) {
        requireBoolean(expression, role: nil)
    }

    /// Checks a node that must be yes/no: the whole condition, or an operand of and/or/not.
    private mutating func requireBoolean(_ expression: Expression, role: String?) {
        let kind = self.kind(of: expression, context: nil)
        switch kind {
        case .boolean, .unknown:
            return
        default:
            let what = role.map { "the operand of '\($0)'" } ?? "the condition"
            var help: String?
            var suggestion: String?
            switch kind {
            case .number(_, let attribute?):
                help = "compare it with a number, e.g. '\(attribute.id) >= \(exampleNumber(attribute))'"
            case .category(let attribute, let values):
                help = "compare it with one of its values, e.g. '\(attribute.id) == \(values.first ?? "value")'"
            case .text(let text, _) where attributes[text] != nil:
                help = "drop the quotes to read the attribute '\(text)'"
                suggestion = text
            default:
                help = "a condition must be yes/no: a yes/no attribute, a comparison, or 'x in [...]'"
            }
            report(.error(
                .cp325, "\(what) is \(describe(kind, expression)), which is not yes/no, so it cannot decide a branch",
                at: at(expression), suggestion: suggestion, help: help))
        }
    }

    /// The kind of value `expression` gives, reporting problems inside it. `context` is the
    /// category attribute on the other side of a comparison, which makes bare names values.
    private mutating func kind(of expression: Expression, context: Attribute?) -> ValueKind {
        switch expression {
        case .attribute(let name, _):
            if let context, case .category(let values) = context.type {
                if values.contains(where: { $0.name == name }) {
                    if attributes[name] != nil {
                        report(.warning(
                            .cp329,
                            "'\(name)' is both a value of '\(context.id)' and the name of an attribute; here it is read as the value",
                            at: at(expression), suggestion: "\"\(name)\"",
                            help: "quote it to make that plain: \(context.id) == \"\(name)\""))
                    }
                    return .text(name, bare: true)
                }
                if attributes[name] == nil { return .text(name, bare: true) }
            }
            // `smoker == yes`: read `yes` as the word, so the message can suggest `smoker`.
            if let context, case .boolean = context.type, attributes[name] == nil,
               ["yes", "no", "y", "n"].contains(name.lowercased()) {
                return .text(name, bare: true)
            }
            guard let attribute = attributes[name] else {
                if !unreadable.contains(name) { reportUnknownAttribute(name, at: expression) }
                return .unknown
            }
            return kind(of: attribute)
        case .number(_, let unit, _):
            return .number(unit: unit, attribute: nil)
        case .text(let text, _):
            return .text(text, bare: false)
        case .boolean:
            return .boolean(attribute: nil, literal: true)
        case .not(let operand, _):
            requireBoolean(operand, role: "not")
            return .boolean(attribute: nil, literal: false)
        case .logical(let op, let left, let right):
            requireBoolean(left, role: op.rawValue)
            requireBoolean(right, role: op.rawValue)
            return .boolean(attribute: nil, literal: false)
        case .comparison(let op, let left, let right):
            checkComparison(op, left, right)
            return .boolean(attribute: nil, literal: false)
        case .membership(let left, let items, let negated):
            checkMembership(left, items, negated: negated)
            return .boolean(attribute: nil, literal: false)
        }
    }

    private func kind(of attribute: Attribute) -> ValueKind {
        switch attribute.type {
        case .integer, .number: .number(unit: attribute.unit, attribute: attribute)
        case .boolean: .boolean(attribute: attribute, literal: false)
        case .category(let values): .category(attribute, values: values.map(\.name))
        }
    }

    /// The category attribute an operand reads, if it is a bare name of one.
    private func categoryAttribute(_ expression: Expression) -> Attribute? {
        guard case .attribute(let name, _) = expression, let attribute = attributes[name],
              case .category = attribute.type else { return nil }
        return attribute
    }

    /// The category or yes/no attribute an operand reads: the context for a bare name beside it.
    private func contextAttribute(_ expression: Expression) -> Attribute? {
        guard case .attribute(let name, _) = expression, let attribute = attributes[name] else { return nil }
        switch attribute.type {
        case .category, .boolean: return attribute
        default: return nil
        }
    }

    private func isDeclaredAttribute(_ expression: Expression) -> Bool {
        if case .attribute(let name, _) = expression { return attributes[name] != nil }
        return false
    }

    private mutating func checkComparison(_ op: ComparisonOperator, _ left: Expression, _ right: Expression) {
        let leftContext = contextAttribute(left)
        let rightContext = contextAttribute(right)
        let leftKind = kind(of: left, context: isDeclaredAttribute(left) ? nil : rightContext)
        let rightKind = kind(of: right, context: leftContext)
        compare(op, Operand(kind: leftKind, expression: left), Operand(kind: rightKind, expression: right),
                inList: false)
    }

    private mutating func checkMembership(_ left: Expression, _ items: [Expression], negated: Bool) {
        let context = contextAttribute(left)
        let leftKind = kind(of: left, context: nil)
        if items.isEmpty {
            report(.warning(
                .cp328,
                "the list after '\(negated ? "not in" : "in")' is empty, so this part is \(negated ? "always" : "never") true",
                at: at(left), help: "list the values to match, e.g. [high, very-high]"))
            return
        }
        for item in items {
            let itemKind = kind(of: item, context: context)
            compare(.equal, Operand(kind: leftKind, expression: left), Operand(kind: itemKind, expression: item),
                    inList: true)
        }
    }

    /// Checks that two operands can be compared with `op`.
    private mutating func compare(_ op: ComparisonOperator, _ left: Operand, _ right: Operand, inList: Bool) {
        let ordering = op != .equal && op != .notEqual
        switch (left.kind, right.kind) {
        case (.unknown, _), (_, .unknown):
            return

        case (.number(let lu, let la), .number(let ru, let ra)):
            checkUnits(left: (lu, la, left.expression), right: (ru, ra, right.expression))
            if la == nil, ra == nil, !inList {
                reportConstant(left.expression)
            } else if let attribute = la, ra == nil, case .number(let value, let unit, _) = right.expression {
                checkRange(attribute, op, value: value, unit: unit, at: left.expression)
            } else if let attribute = ra, la == nil, case .number(let value, let unit, _) = left.expression {
                checkRange(attribute, op.flipped, value: value, unit: unit, at: right.expression)
            }

        case (.boolean(let la, let ll), .boolean(let ra, let rl)):
            if ordering {
                reportOrdering(op, left, right)
            } else if la == nil, ra == nil, ll, rl, !inList {
                reportConstant(left.expression)
            }

        case (.category(let attribute, let values), .text(let value, let bare)):
            if ordering { reportOrdering(op, left, right); return }
            checkCategoryValue(value, bare: bare, of: attribute, values: values, at: right.expression)
        case (.text(let value, let bare), .category(let attribute, let values)):
            if ordering { reportOrdering(op, left, right); return }
            checkCategoryValue(value, bare: bare, of: attribute, values: values, at: left.expression)

        case (.category(let a, let aValues), .category(let b, let bValues)):
            if ordering { reportOrdering(op, left, right); return }
            if Set(aValues).isDisjoint(with: bValues) {
                reportMismatch(left, right, inList: inList,
                               help: "'\(a.id)' and '\(b.id)' share no values, so they can never be equal")
            }

        case (.text, .text):
            if ordering {
                reportOrdering(op, left, right)
            } else if !inList {
                reportConstant(left.expression)
            }

        default:
            reportMismatch(left, right, inList: inList, help: mismatchHelp(left, right))
        }
    }

    // MARK: - Specific checks

    private mutating func checkCategoryValue(_ value: String, bare: Bool, of attribute: Attribute,
                                             values: [String], at expression: Expression) {
        guard !values.contains(value) else { return }
        let suggestion = closestMatch(to: value, in: values)
        let written = bare ? "'\(value)'" : "\"\(value)\""
        report(.error(
            .cp323, "\(written) is not one of the values of '\(attribute.id)' (\(list(values)))"
                + (suggestion.map { " — did you mean '\($0)'?" } ?? ""),
            at: at(expression),
            notes: declaredNote(attribute, "'\(attribute.id)' is declared here with values \(list(values))"),
            suggestion: suggestion,
            help: suggestion == nil ? "use one of \(list(values)), or add '\(value)' to the attribute's values" : nil))
    }

    private typealias NumberSide = (unit: String?, attribute: Attribute?, expression: Expression)

    private mutating func checkUnits(left: NumberSide, right: NumberSide) {
        // A unit word that is really an attribute name means a missing 'and'/'or': `age > 40 smoker`.
        for side in [left, right] {
            if side.attribute == nil, let unit = side.unit, attributes[unit] != nil,
               case .number(let value, _, _) = side.expression {
                report(.error(
                    .cp324,
                    "'\(unit)' right after \(NumberText.format3(value)) reads as a unit, but '\(unit)' is an attribute; "
                        + "is 'and' or 'or' missing?",
                    at: at(side.expression),
                    help: "join two conditions with a word: 'age > 40 and smoker'"))
                return
            }
        }
        guard let lu = left.unit, let ru = right.unit else {
            // One side has no unit: fine when the attribute carries it (`age >= 40`); a literal unit
            // against an attribute with none cannot be checked.
            let (attributeSide, literalSide) = left.attribute != nil ? (left, right) : (right, left)
            if let attribute = attributeSide.attribute, attribute.unit == nil, literalSide.attribute == nil,
               let unit = literalSide.unit {
                report(.warning(
                    .cp326,
                    "the condition gives '\(attribute.id)' in \(unit), but '\(attribute.id)' has no unit declared, so the unit cannot be checked",
                    at: at(literalSide.expression),
                    notes: declaredNote(attribute, "'\(attribute.id)' is declared here"),
                    help: "add 'unit: \(unit)' to the attribute '\(attribute.id)', or drop the unit here"))
            }
            return
        }
        guard UnitTable.factor(from: lu, to: ru) == nil else { return }
        let attribute = left.attribute ?? right.attribute
        let (literal, literalUnit, expected) = left.attribute != nil ? (right, ru, lu) : (left, lu, ru)
        var message = "the units differ: \(describeNumberSide(left)) is compared with \(describeNumberSide(right))"
        if let attribute, literal.attribute == nil {
            message = "'\(attribute.id)' is in \(expected), but the condition gives a value in \(literalUnit)"
        }
        report(.error(
            .cp324, message, at: at(literal.expression),
            notes: attribute.map { declaredNote($0, "'\($0.id)' is declared here with unit \(expected)") } ?? [],
            help: "write the number in \(expected), as the attribute is declared; carepath converts only between "
                + "time units (min, hours, days, weeks) and between months and years"))
    }

    /// Warns when a comparison of a bounded attribute with a number can never, or always, hold.
    private mutating func checkRange(_ attribute: Attribute, _ op: ComparisonOperator, value: Double,
                                     unit: String?, at expression: Expression) {
        let low: Double, high: Double, integer: Bool
        switch attribute.type {
        case .integer(_, let min, let max): low = min ?? -.infinity; high = max ?? .infinity; integer = true
        case .number(_, let min, let max): low = min ?? -.infinity; high = max ?? .infinity; integer = false
        default: return
        }
        // min above max has its own error; every comparison would look impossible.
        guard low <= high else { return }
        var v = value
        if let unit, let target = attribute.unit {
            guard let factor = UnitTable.factor(from: unit, to: target) else { return }
            v = value * factor
        }
        let never: Bool, always: Bool
        switch op {
        case .greater: never = v >= high; always = v < low
        case .greaterOrEqual: never = v > high; always = v <= low
        case .less: never = v <= low; always = v > high
        case .lessOrEqual: never = v < low; always = v >= high
        case .equal: never = v < low || v > high || (integer && v != v.rounded()); always = false
        case .notEqual: never = false; always = v < low || v > high || (integer && v != v.rounded())
        }
        guard never || always else { return }
        let range: String
        switch (low.isFinite, high.isFinite) {
        case (true, true): range = "between \(NumberText.format3(low)) and \(NumberText.format3(high))"
        case (true, false): range = "at least \(NumberText.format3(low))"
        case (false, true): range = "at most \(NumberText.format3(high))"
        case (false, false): range = "a whole number"
        }
        let why = integer && (op == .equal || op == .notEqual) && v != v.rounded() && low <= v && v <= high
            ? "'\(attribute.id)' is a whole number"
            : "'\(attribute.id)' is always \(range)"
        report(.warning(
            .cp327,
            "\(why), so '\(attribute.id) \(op.rawValue) \(NumberText.format3(v))\(attribute.unit.map { " \($0)" } ?? "")' is \(never ? "never" : "always") true",
            at: at(expression),
            notes: declaredNote(attribute, "'\(attribute.id)' is declared here"),
            help: never ? "the branch can never be taken this way; check the number or the attribute's min/max"
                : "the comparison decides nothing; check the number or the attribute's min/max"))
    }

    // MARK: - Reports

    private mutating func reportUnknownAttribute(_ name: String, at expression: Expression) {
        let suggestion = closestMatch(to: name, in: attributeIDs)
        var help: String?
        let owners = attributeIDs.filter { id in
            if case .category(let values)? = attributes[id]?.type { return values.contains { $0.name == name } }
            return false
        }
        if suggestion == nil, let owner = owners.first {
            help = "'\(name)' is a value of '\(owner)': write '\(owner) == \(name)'"
        } else if suggestion == nil, ["yes", "no", "y", "n"].contains(name.lowercased()) {
            help = "yes/no values are written true and false, or use the attribute alone: 'smoker', 'not smoker'"
        } else if suggestion == nil {
            help = attributeIDs.isEmpty
                ? "the pathway declares no attributes; declare '\(name)' under 'attributes:'"
                : "declare '\(name)' under 'attributes:', or use one of \(list(attributeIDs))"
        }
        report(.error(
            .cp320,
            "the condition reads '\(name)', which is not a declared attribute"
                + (suggestion.map { " — did you mean '\($0)'?" } ?? ""),
            at: at(expression), suggestion: suggestion, help: help))
    }

    private mutating func reportMismatch(_ left: Operand, _ right: Operand, inList: Bool, help: String?) {
        let suggestion = booleanRewrite(left, right)
        let message = inList
            ? "the condition looks for \(describe(left.kind, left.expression)) in a list holding \(describe(right.kind, right.expression))"
            : "the condition compares \(describe(left.kind, left.expression)) with \(describe(right.kind, right.expression))"
        let culprit = isLiteralOrValue(right.kind) || !isLiteralOrValue(left.kind) ? right.expression : left.expression
        report(.error(.cp321, message, at: at(culprit), suggestion: suggestion, help: help))
    }

    private mutating func reportOrdering(_ op: ComparisonOperator, _ left: Operand, _ right: Operand) {
        let subject = isLiteralOrValue(left.kind) ? right : left
        let help: String
        switch subject.kind {
        case .boolean(let attribute?, _):
            help = "'\(attribute.id)' is yes/no: write '\(attribute.id)' or 'not \(attribute.id)'"
        case .category(let attribute, let values):
            help = "compare with == or list the values that qualify: \(attribute.id) in [\(values.joined(separator: ", "))]"
        default:
            help = "only numbers can be less or greater than each other"
        }
        report(.error(
            .cp322,
            "'\(op.rawValue)' needs numbers, but \(describe(subject.kind, subject.expression)) is not a number",
            at: at(subject.expression), help: help))
    }

    private mutating func reportConstant(_ expression: Expression) {
        report(.warning(
            .cp327, "this comparison reads no attribute, so it is the same for every patient",
            at: at(expression), help: "compare an attribute with a value, e.g. 'age >= 40'"))
    }

    private func mismatchHelp(_ left: Operand, _ right: Operand) -> String? {
        for (subject, other) in [(left, right), (right, left)] {
            switch (subject.kind, other.kind) {
            case (.boolean(let attribute?, _), _):
                return "'\(attribute.id)' is yes/no: write '\(attribute.id)' or 'not \(attribute.id)'"
            case (.category(let attribute, let values), _):
                return "compare '\(attribute.id)' with one of its values: \(list(values))"
            case (.number(_, let attribute?), .text(let text, false)) where Double(text) != nil:
                return "drop the quotes to compare '\(attribute.id)' with the number \(text)"
            case (.number(_, let attribute?), _):
                return "compare '\(attribute.id)' with a number, e.g. '\(attribute.id) >= \(exampleNumber(attribute))'"
            default:
                continue
            }
        }
        return nil
    }

    /// `smoker == yes` → `smoker`; `smoker == "no"` → `not smoker`.
    private func booleanRewrite(_ left: Operand, _ right: Operand) -> String? {
        for (subject, other) in [(left, right), (right, left)] {
            guard case .boolean(let attribute?, _) = subject.kind else { continue }
            let word: String
            switch other.expression {
            case .text(let text, _): word = text.lowercased()
            case .attribute(let name, _): word = name.lowercased()
            case .number(let value, nil, _): word = value == 1 ? "yes" : value == 0 ? "no" : ""
            default: word = ""
            }
            if ["yes", "y", "true"].contains(word) { return attribute.id }
            if ["no", "n", "false"].contains(word) { return "not \(attribute.id)" }
        }
        return nil
    }

    // MARK: - Wording

    private func describe(_ kind: ValueKind, _ expression: Expression) -> String {
        switch kind {
        case .number(let unit, let attribute?):
            let whole: Bool
            if case .integer = attribute.type { whole = true } else { whole = false }
            return "'\(attribute.id)' (\(whole ? "a whole number" : "a number")\(unit.map { " in \($0)" } ?? ""))"
        case .number(let unit, nil):
            if case .number(let value, _, _) = expression {
                return "the number \(NumberText.format3(value))\(unit.map { " \($0)" } ?? "")"
            }
            return "a number"
        case .boolean(let attribute?, _):
            return "'\(attribute.id)' (yes/no)"
        case .boolean(nil, true):
            if case .boolean(let value, _) = expression { return "the value \(value)" }
            return "a yes/no value"
        case .boolean(nil, false):
            return "a yes/no condition"
        case .category(let attribute, let values):
            return "'\(attribute.id)' (one of \(list(values)))"
        case .text(let text, true):
            return "'\(text)'"
        case .text(let text, false):
            return "the text \"\(text)\""
        case .unknown:
            return "a value"
        }
    }

    private func describeNumberSide(_ side: NumberSide) -> String {
        describe(.number(unit: side.unit, attribute: side.attribute), side.expression)
    }

    private func isLiteralOrValue(_ kind: ValueKind) -> Bool {
        switch kind {
        case .number(_, nil), .boolean(nil, true), .text: true
        default: false
        }
    }

    private func list(_ values: [String]) -> String {
        let shown = values.prefix(6).joined(separator: ", ")
        return values.count > 6 ? shown + ", …" : shown
    }

    private func exampleNumber(_ attribute: Attribute) -> String {
        switch attribute.type {
        case .integer(let d, let min, let max), .number(let d, let min, let max):
            var value = d.mean
            if let min { value = Swift.max(value, min) }
            if let max { value = Swift.min(value, max) }
            return NumberText.format3(value.rounded())
        default:
            return "1"
        }
    }

    private func declaredNote(_ attribute: Attribute, _ message: String) -> [DiagnosticNote] {
        attribute.location == .unknown ? [] : [DiagnosticNote(message, at: attribute.location)]
    }

    private func at(_ expression: Expression) -> SourceLocation {
        condition.location.advanced(byColumns: expression.offset)
    }

    /// Most diagnostics one condition gives; past it the last one says how many more there are
    /// (a 10,000-value `in [...]` list of unknown values gave 10,000 errors).
    static let maxReported = 10
    private var hidden = 0

    private mutating func report(_ diagnostic: Diagnostic) {
        guard diagnostics.count >= Self.maxReported, var last = diagnostics.popLast() else {
            diagnostics.append(diagnostic)
            return
        }
        hidden += 1
        if hidden > 1 { last.notes.removeLast() }
        last.notes.append(DiagnosticNote("\(hidden) more problem\(hidden == 1 ? "" : "s") in this condition \(hidden == 1 ? "is" : "are") not shown"))
        diagnostics.append(last)
    }

    // MARK: - Resolving

    func resolve(_ expression: Expression) -> Expression {
        switch expression {
        case .attribute, .number, .text, .boolean:
            return expression
        case .not(let operand, let offset):
            return .not(resolve(operand), offset: offset)
        case .logical(let op, let left, let right):
            return .logical(op, resolve(left), resolve(right))
        case .comparison(let op, let left, let right):
            let leftContext = isDeclaredAttribute(left) ? nil : categoryAttribute(right)
            return .comparison(op,
                               resolveOperand(left, context: leftContext, partner: right),
                               resolveOperand(right, context: categoryAttribute(left), partner: left))
        case .membership(let left, let items, let negated):
            let context = categoryAttribute(left)
            return .membership(resolve(left), items.map { resolveOperand($0, context: context, partner: left) },
                               negated: negated)
        }
    }

    private func resolveOperand(_ expression: Expression, context: Attribute?, partner: Expression) -> Expression {
        switch expression {
        case .attribute(let name, let offset):
            if let context, case .category(let values) = context.type, values.contains(where: { $0.name == name }) {
                return .text(name, offset: offset)
            }
            return expression
        case .number(let value, let unit?, let offset):
            guard case .attribute(let name, _) = partner, let attribute = attributes[name],
                  let target = attribute.unit, let factor = UnitTable.factor(from: unit, to: target) else {
                return expression
            }
            switch attribute.type {
            case .integer, .number: return .number(value * factor, unit: target, offset: offset)
            default: return expression
            }
        default:
            return resolve(expression)
        }
    }
}

extension ComparisonOperator {
    /// The operator with its sides swapped: `40 < age` is `age > 40`.
    var flipped: ComparisonOperator {
        switch self {
        case .equal: .equal
        case .notEqual: .notEqual
        case .less: .greater
        case .lessOrEqual: .greaterOrEqual
        case .greater: .less
        case .greaterOrEqual: .lessOrEqual
        }
    }
}
