/// A condition on a decision branch (`when: "age >= 40 and smoker"`), parsed into a tree.
///
/// Conditions are data: they are type-checked against the pathway's declared attributes and
/// evaluated by walking this tree. They are never executed as code.
public struct Condition: Hashable, Sendable, Codable {
    /// The text as the author wrote it.
    public var text: String
    /// The parsed tree.
    public var expression: Expression
    /// Where the condition's text starts in the file.
    public var location: SourceLocation

    /// A condition written as `text`, parsed into `expression`, starting at `location`.
    public init(text: String, expression: Expression, location: SourceLocation) {
        self.text = text
        self.expression = expression
        self.location = location
    }
}

/// A node of a condition expression. `offset` is the 0-based character offset of the node's
/// first character within the condition text, so diagnostics can point inside the string.
public indirect enum Expression: Hashable, Sendable, Codable {
    /// A patient attribute by name: `age`, `smoker`.
    case attribute(String, offset: Int)
    /// A number, optionally with a unit: `40`, `2000 ng/L`, `14 days`.
    case number(Double, unit: String?, offset: Int)
    /// A quoted text or a bare category value: `"high"`.
    case text(String, offset: Int)
    /// `true` or `false`.
    case boolean(Bool, offset: Int)
    /// `not x`
    case not(Expression, offset: Int)
    /// `a and b`, `a or b`
    case logical(LogicalOperator, Expression, Expression)
    /// `a >= b`, `a == b`, ...
    case comparison(ComparisonOperator, Expression, Expression)
    /// `a in [x, y]`, `a not in [x, y]`
    case membership(Expression, [Expression], negated: Bool)

    /// The offset of the node's first character in the condition text.
    public var offset: Int {
        switch self {
        case .attribute(_, let o), .number(_, _, let o), .text(_, let o), .boolean(_, let o), .not(_, let o): o
        case .logical(_, let l, _), .comparison(_, let l, _), .membership(let l, _, _): l.offset
        }
    }

    /// Every attribute name the expression reads, in order of appearance.
    public var attributeNames: [String] {
        switch self {
        case .attribute(let name, _): [name]
        case .number, .text, .boolean: []
        case .not(let e, _): e.attributeNames
        case .logical(_, let l, let r), .comparison(_, let l, let r): l.attributeNames + r.attributeNames
        case .membership(let l, let items, _): l.attributeNames + items.flatMap(\.attributeNames)
        }
    }
}

/// How `and` and `or` join two conditions; the raw value is the word as written.
public enum LogicalOperator: String, Hashable, Sendable, Codable {
    /// Both hold.
    case and
    /// At least one holds.
    case or
}

/// A comparison between two values; the raw value is the operator as written.
public enum ComparisonOperator: String, Hashable, Sendable, Codable, CaseIterable {
    /// `==`
    case equal = "=="
    /// `!=`
    case notEqual = "!="
    /// `<`
    case less = "<"
    /// `<=`
    case lessOrEqual = "<="
    /// `>`
    case greater = ">"
    /// `>=`
    case greaterOrEqual = ">="
}
