import PathwayModel

/// Reads the condition of a decision branch (`when: "age >= 40 and smoker"`) into an
/// `Expression` tree.
///
/// The grammar, loosest binding first:
///
///     condition  := or
///     or         := and ("or" and)*
///     and        := not ("and" not)*
///     not        := "not" not | comparison
///     comparison := value [ ("==" | "!=" | "<" | "<=" | ">" | ">=") value
///                         | "in" list | "not" "in" list ]
///     value      := number [unit] | "text" | 'text' | true | false | name | "(" or ")"
///     list       := "[" [item ("," item)* [","]] "]"      item := number [unit] | text | true | false | name
///
/// Keywords are case-insensitive. Names are letters, digits, `_` and `-` (`very-high` is one
/// name; there is no minus operator), so a bare name is an attribute to the parser; the
/// `ConditionChecker` decides when it is a category value instead (`risk == high`).
///
/// The parser never executes anything and never crashes: text over
/// `LanguageLimits.maxExpressionLength` is refused before reading, nesting deeper than
/// `maxExpressionDepth` is counted while parsing and reported, and every other problem becomes
/// a diagnostic pointing at the offending token (codes CP020–CP029).
public enum ConditionParser {
    /// The deepest tree the parser builds whatever the limits say: nesting (brackets and `not`)
    /// beyond `min(limits.maxExpressionDepth, hardDepthLimit)`, or more than this many levels of
    /// `and`/`or`, is reported as CP029. Trees are walked recursively (checking, evaluating,
    /// hashing, encoding), and this keeps those walks well inside a secondary thread's stack.
    public static let hardDepthLimit = 256

    /// Parses `text`, whose first character is at `location` in the file.
    ///
    /// Returns the condition when the text parses, else `nil` and at least one error. Each
    /// diagnostic's location is `location.advanced(byColumns: offset)`, where `offset` is the
    /// bad token's position in the text counted in Unicode scalars.
    public static func parse(
        _ text: String, at location: SourceLocation, limits: LanguageLimits = LanguageLimits()
    ) -> (condition: Condition?, diagnostics: [Diagnostic]) {
        func diagnostic(_ error: ConditionSyntaxError) -> Diagnostic {
            .error(error.code, error.message, at: location.advanced(byColumns: error.offset),
                   suggestion: error.suggestion, help: error.help)
        }
        let scalars = Array(text.unicodeScalars)
        if scalars.count > limits.maxExpressionLength {
            return (nil, [.error(
                .cp028,
                "the condition is \(scalars.count) characters long; the most allowed is \(limits.maxExpressionLength)",
                at: location,
                help: "split the decision into several decisions, or capture the idea as its own attribute")])
        }
        if scalars.allSatisfy(\.properties.isWhitespace) {
            return (nil, [.error(
                .cp020, "the condition is empty", at: location,
                help: "write when the branch is taken, e.g. when: \"age >= 40 and smoker\", "
                    + "or use probability: or otherwise: true instead")])
        }
        let (tokens, lexicalErrors) = ConditionTokenizer.tokenize(scalars)
        if !lexicalErrors.isEmpty {
            return (nil, lexicalErrors.map(diagnostic))
        }
        var parser = ConditionTokenParser(
            tokens: tokens, maxDepth: min(limits.maxExpressionDepth, hardDepthLimit), maxHeight: hardDepthLimit)
        do {
            let expression = try parser.parseCondition()
            return (Condition(text: text, expression: expression, location: location), [])
        } catch {
            return (nil, [diagnostic(error)])
        }
    }
}

/// The recursive-descent parser over tokens. Stops at the first syntax error: after one,
/// later errors are mostly echoes of it.
struct ConditionTokenParser {
    private let tokens: [ConditionToken]
    private let maxDepth: Int
    /// Most levels of tree, counting each `and`/`or` of a chain: `a and b and c` is a left-leaning
    /// tree two levels high above its leaves.
    private let maxHeight: Int
    private var position = 0
    /// Current nesting of parentheses and `not`, checked against `maxDepth` so that crafted
    /// input gives a diagnostic instead of exhausting the stack.
    private var depth = 0

    init(tokens: [ConditionToken], maxDepth: Int, maxHeight: Int) {
        self.tokens = tokens
        self.maxDepth = maxDepth
        self.maxHeight = maxHeight
    }

    /// An expression with its height (a leaf is 1), so the tree's height is known without walking it.
    typealias Node = (expression: Expression, height: Int)

    private var current: ConditionToken {
        tokens[min(position, tokens.count - 1)]
    }

    private func peek(_ ahead: Int) -> ConditionToken {
        tokens[min(position + ahead, tokens.count - 1)]
    }

    private mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    mutating func parseCondition() throws(ConditionSyntaxError) -> Expression {
        let expression = try parseOr().expression
        let token = current
        switch token.kind {
        case .end:
            return expression
        case .closeParen:
            throw ConditionSyntaxError(
                code: .cp025, message: "this ')' has no matching '('", offset: token.offset,
                help: "remove it, or add the '(' it closes")
        case .closeBracket:
            throw ConditionSyntaxError(
                code: .cp025, message: "this ']' has no matching '['", offset: token.offset,
                help: "lists follow 'in': risk in [high, very-high]")
        case .identifier, .number, .text, .openParen, .keyword(.true), .keyword(.false):
            throw ConditionSyntaxError(
                code: .cp026,
                message: "expected 'and' or 'or' before \(Self.describe(token)); two conditions need a word to join them",
                offset: token.offset,
                help: "join them with 'and' (both must hold) or 'or' (either may hold)")
        default:
            throw ConditionSyntaxError(
                code: .cp024, message: "\(Self.describe(token)) cannot appear here", offset: token.offset)
        }
    }

    private mutating func parseOr() throws(ConditionSyntaxError) -> Node {
        var left = try parseAnd()
        while case .keyword(.or) = current.kind {
            let token = current
            advance()
            let right = try parseAnd()
            left = try join(.or, left, right, at: token)
        }
        return left
    }

    private mutating func parseAnd() throws(ConditionSyntaxError) -> Node {
        var left = try parseNot()
        while case .keyword(.and) = current.kind {
            let token = current
            advance()
            let right = try parseNot()
            left = try join(.and, left, right, at: token)
        }
        return left
    }

    private func join(_ op: LogicalOperator, _ left: Node, _ right: Node,
                      at token: ConditionToken) throws(ConditionSyntaxError) -> Node {
        let height = max(left.height, right.height) + 1
        if height > maxHeight {
            throw ConditionSyntaxError(
                code: .cp029,
                message: "the condition joins too many parts with 'and'/'or' (its tree is more than \(maxHeight) levels deep)",
                offset: token.offset, help: "simplify it, or split the decision into several decisions")
        }
        return (.logical(op, left.expression, right.expression), height)
    }

    private mutating func parseNot() throws(ConditionSyntaxError) -> Node {
        let token = current
        guard case .keyword(.not) = token.kind else { return try parseComparison() }
        advance()
        try enter(at: token)
        defer { depth -= 1 }
        let operand = try parseNot()
        return (.not(operand.expression, offset: token.offset), operand.height + 1)
    }

    private mutating func parseComparison() throws(ConditionSyntaxError) -> Node {
        let left = try parseValue()
        var result = left
        let token = current
        switch token.kind {
        case .comparison(let op):
            advance()
            let right = try parseValue(after: token)
            result = (.comparison(op, left.expression, right.expression), max(left.height, right.height) + 1)
        case .keyword(.in):
            advance()
            result = (.membership(left.expression, try parseList(after: token), negated: false), left.height + 1)
        case .keyword(.not):
            guard case .keyword(.in) = peek(1).kind else {
                throw ConditionSyntaxError(
                    code: .cp026,
                    message: "'not' after a value must be followed by 'in' (x not in [a, b]); "
                        + "to negate a condition put 'not' before it",
                    offset: token.offset, help: "write 'not smoker' rather than 'smoker not'")
            }
            let inToken = peek(1)
            advance()
            advance()
            result = (.membership(left.expression, try parseList(after: inToken), negated: true), left.height + 1)
        default:
            return left
        }
        // `a < b < c` reads naturally but is ambiguous, so it is refused with the fix spelt out.
        let after = current
        switch after.kind {
        case .comparison, .keyword(.in):
            throw ConditionSyntaxError(
                code: .cp027,
                message: "comparisons cannot be chained: \(Self.describe(after)) follows a complete comparison",
                offset: after.offset,
                help: "join two comparisons with 'and': 'age >= 40 and age < 75' rather than '40 <= age < 75'")
        case .keyword(.not) where peek(1).kind == .keyword(.in):
            throw ConditionSyntaxError(
                code: .cp027, message: "comparisons cannot be chained: 'not in' follows a complete comparison",
                offset: after.offset, help: "join two conditions with 'and' or 'or'")
        default:
            return result
        }
    }

    /// A single value: a literal, a name, or a parenthesised condition. `after` is the operator
    /// that needs it, for the message when it is missing.
    private mutating func parseValue(after op: ConditionToken? = nil) throws(ConditionSyntaxError) -> Node {
        let token = current
        switch token.kind {
        case .identifier(let name):
            advance()
            return (.attribute(name, offset: token.offset), 1)
        case .number(let value, let unit):
            advance()
            return (.number(value, unit: unit, offset: token.offset), 1)
        case .text(let text):
            advance()
            return (.text(text, offset: token.offset), 1)
        case .keyword(.true):
            advance()
            return (.boolean(true, offset: token.offset), 1)
        case .keyword(.false):
            advance()
            return (.boolean(false, offset: token.offset), 1)
        case .openParen:
            advance()
            try enter(at: token)
            defer { depth -= 1 }
            let inner = try parseOr()
            guard case .closeParen = current.kind else {
                if case .end = current.kind {
                    throw ConditionSyntaxError(
                        code: .cp025, message: "this '(' is never closed", offset: token.offset,
                        help: "add ')' where the bracketed part ends")
                }
                if case .closeBracket = current.kind {
                    throw ConditionSyntaxError(
                        code: .cp025, message: "']' closes a '(' ; brackets must match", offset: current.offset,
                        help: "close '(' with ')'")
                }
                throw ConditionSyntaxError(
                    code: .cp026,
                    message: "expected ')' or 'and'/'or' before \(Self.describe(current))",
                    offset: current.offset, help: "join conditions with 'and' or 'or'")
            }
            advance()
            return inner
        case .openBracket:
            throw ConditionSyntaxError(
                code: .cp024, message: "a list can only follow 'in': risk in [high, very-high]", offset: token.offset)
        default:
            throw ConditionSyntaxError(code: .cp024, message: Self.missingValue(at: token, after: op), offset: token.offset,
                                       help: "a value is an attribute name, a number (with unit), quoted text, true or false")
        }
    }

    private mutating func parseList(after inToken: ConditionToken) throws(ConditionSyntaxError) -> [Expression] {
        let open = current
        guard case .openBracket = open.kind else {
            throw ConditionSyntaxError(
                code: .cp024,
                message: "expected a list in square brackets after '\(inToken.spelling)', found \(Self.describe(open))",
                offset: open.offset, help: "write the values in square brackets: risk in [high, very-high]")
        }
        advance()
        var items: [Expression] = []
        while true {
            let token = current
            switch token.kind {
            case .closeBracket:
                advance()
                return items
            case .end:
                throw ConditionSyntaxError(
                    code: .cp025, message: "this '[' is never closed", offset: open.offset,
                    help: "add ']' after the last value")
            case .identifier, .number, .text, .keyword(.true), .keyword(.false):
                items.append(try parseValue().expression)
            default:
                throw ConditionSyntaxError(
                    code: .cp024,
                    message: "\(Self.describe(token)) cannot be in a list; a list holds values: [high, \"very-high\", 3]",
                    offset: token.offset)
            }
            switch current.kind {
            case .comma: advance()
            case .closeBracket: continue
            case .end:
                throw ConditionSyntaxError(
                    code: .cp025, message: "this '[' is never closed", offset: open.offset,
                    help: "add ']' after the last value")
            default:
                throw ConditionSyntaxError(
                    code: .cp024, message: "expected ',' or ']' before \(Self.describe(current))",
                    offset: current.offset, help: "separate list values with commas: [high, very-high]")
            }
        }
    }

    private mutating func enter(at token: ConditionToken) throws(ConditionSyntaxError) {
        depth += 1
        if depth > maxDepth {
            throw ConditionSyntaxError(
                code: .cp029,
                message: "the condition is nested more than \(maxDepth) levels deep (brackets and 'not')",
                offset: token.offset, help: "simplify it, or split the decision into several decisions")
        }
    }

    private static func missingValue(at token: ConditionToken, after op: ConditionToken?) -> String {
        if case .end = token.kind {
            if let op { return "the condition ends after '\(op.spelling)'; expected a value to compare with" }
            return "the condition ends where a value was expected"
        }
        if let op { return "expected a value after '\(op.spelling)', found \(describe(token))" }
        switch token.kind {
        case .comparison, .keyword(.in):
            return "expected a value before \(describe(token)); nothing is being compared"
        case .keyword(.and), .keyword(.or):
            return "expected a condition before \(describe(token))"
        default:
            return "expected a value, found \(describe(token))"
        }
    }

    /// A token as a reader would name it.
    static func describe(_ token: ConditionToken) -> String {
        switch token.kind {
        case .end: "the end of the condition"
        case .number: "the number '\(token.spelling)'"
        case .text: "the text \(token.spelling)"
        case .identifier: "'\(token.spelling)'"
        default: "'\(token.spelling)'"
        }
    }
}
