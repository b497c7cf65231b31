import PathwayModel

/// One token of a condition, with its 0-based offset (in Unicode scalars) in the condition text.
struct ConditionToken: Hashable, Sendable {
    enum Kind: Hashable, Sendable {
        case identifier(String)
        case number(Double, unit: String?)
        case text(String)
        case keyword(ConditionKeyword)
        case comparison(ComparisonOperator)
        case openParen, closeParen, openBracket, closeBracket, comma
        case end
    }

    var kind: Kind
    var offset: Int
    /// The token as written, for messages.
    var spelling: String
}

/// The condition language's words. Matched case-insensitively, so `AND` and `Not` work too.
enum ConditionKeyword: String, Hashable, Sendable, CaseIterable {
    case and, or, not, `in`, `true`, `false`
}

/// A syntax problem found in a condition, before it is turned into a `Diagnostic`.
struct ConditionSyntaxError: Error, Hashable, Sendable {
    var code: DiagnosticCode
    var message: String
    var offset: Int
    var suggestion: String?
    var help: String?
}

/// Splits condition text into tokens.
///
/// Works on Unicode scalars because `SourceLocation` columns count scalars. Lexical problems
/// (an unknown character, an unterminated string, a C-style operator) are collected rather
/// than stopping at the first, up to `maxErrors`, so `a && b || c` reports both operators.
enum ConditionTokenizer {
    static let maxErrors = 10

    static func tokenize(_ s: [Unicode.Scalar]) -> (tokens: [ConditionToken], errors: [ConditionSyntaxError]) {
        var tokens: [ConditionToken] = []
        var errors: [ConditionSyntaxError] = []
        var i = 0
        let n = s.count

        func at(_ k: Int) -> Unicode.Scalar? { k < n ? s[k] : nil }
        func spelling(_ from: Int, _ to: Int) -> String {
            var text = String.UnicodeScalarView()
            text.append(contentsOf: s[from..<to])
            return String(text)
        }

        while i < n, errors.count < maxErrors {
            let c = s[i]
            if c.properties.isWhitespace { i += 1; continue }
            let start = i

            if isDigit(c) || (c == "-" && at(i + 1).map(isDigit) == true) {
                i = scanNumber(s, from: i, tokens: &tokens, errors: &errors)
                continue
            }
            if isIdentifierStart(c) {
                i += 1
                while let d = at(i) {
                    if isIdentifierBody(d) { i += 1; continue }
                    // A hyphen joins words (`very-high`) but never ends an identifier.
                    if d == "-", let e = at(i + 1), isIdentifierBody(e) { i += 1; continue }
                    break
                }
                let word = spelling(start, i)
                if let keyword = ConditionKeyword(rawValue: word.lowercased()) {
                    tokens.append(ConditionToken(kind: .keyword(keyword), offset: start, spelling: word))
                } else {
                    tokens.append(ConditionToken(kind: .identifier(word), offset: start, spelling: word))
                }
                continue
            }
            if c == "\"" || c == "'" {
                i = scanString(s, from: i, quote: c, tokens: &tokens, errors: &errors)
                continue
            }

            let next = at(i + 1)
            func add(_ kind: ConditionToken.Kind, length: Int) {
                tokens.append(ConditionToken(kind: kind, offset: start, spelling: spelling(start, start + length)))
                i += length
            }
            func misuse(_ written: String, _ meant: String, _ help: String) {
                errors.append(ConditionSyntaxError(
                    code: .cp023, message: "'\(written)' is not part of the condition language; write '\(meant)'",
                    offset: start, suggestion: meant, help: help))
                i += written.unicodeScalars.count
            }
            switch c {
            case "(": add(.openParen, length: 1)
            case ")": add(.closeParen, length: 1)
            case "[": add(.openBracket, length: 1)
            case "]": add(.closeBracket, length: 1)
            case ",": add(.comma, length: 1)
            case "=":
                if next == "=" { add(.comparison(.equal), length: 2) }
                else if next == ">" { misuse("=>", ">=", "'at least' is written '>='") }
                else if next == "<" { misuse("=<", "<=", "'at most' is written '<='") }
                else { misuse("=", "==", "a single '=' sets a value in many languages; conditions compare with '=='") }
            case "!":
                if next == "=" { add(.comparison(.notEqual), length: 2) }
                else { misuse("!", "not", "conditions use words: 'not smoker' rather than '!smoker'") }
            case "<":
                if next == "=" { add(.comparison(.lessOrEqual), length: 2) }
                else if next == ">" { misuse("<>", "!=", "'is not' is written '!='") }
                else { add(.comparison(.less), length: 1) }
            case ">":
                if next == "=" { add(.comparison(.greaterOrEqual), length: 2) }
                else { add(.comparison(.greater), length: 1) }
            case "&":
                misuse(next == "&" ? "&&" : "&", "and", "conditions use words: 'age >= 40 and smoker'")
            case "|":
                misuse(next == "|" ? "||" : "|", "or", "conditions use words: 'smoker or ex-smoker'")
            case "\u{2265}": misuse("\u{2265}", ">=", "type '>=' for 'at least'")
            case "\u{2264}": misuse("\u{2264}", "<=", "type '<=' for 'at most'")
            case "\u{2260}": misuse("\u{2260}", "!=", "type '!=' for 'is not'")
            case "\u{201C}", "\u{201D}", "\u{2018}", "\u{2019}":
                errors.append(ConditionSyntaxError(
                    code: .cp021, message: "\(describe(c)) is a typographic quote, which conditions do not use",
                    offset: start, help: "use straight quotes: \"high\" or 'high' (word processors often curl them)"))
                i += 1
            default:
                errors.append(ConditionSyntaxError(
                    code: .cp021, message: "\(describe(c)) cannot be used in a condition", offset: start,
                    help: "a condition uses attribute names, numbers with units, quoted text, "
                        + "'and', 'or', 'not', comparisons (== != < <= > >=), 'in [...]' and parentheses"))
                i += 1
            }
        }
        tokens.append(ConditionToken(kind: .end, offset: n, spelling: ""))
        return (tokens, errors)
    }

    /// Reads `-`? digits (`.` digits)? and an optional unit, returning the index after it.
    private static func scanNumber(
        _ s: [Unicode.Scalar], from start: Int, tokens: inout [ConditionToken], errors: inout [ConditionSyntaxError]
    ) -> Int {
        let n = s.count
        var i = start
        if s[i] == "-" { i += 1 }
        while i < n, isDigit(s[i]) { i += 1 }
        if i < n, s[i] == ".", i + 1 < n, isDigit(s[i + 1]) {
            i += 1
            while i < n, isDigit(s[i]) { i += 1 }
        }
        var digits = String.UnicodeScalarView()
        digits.append(contentsOf: s[start..<i])
        let numberText = String(digits)
        guard let value = Double(numberText), value.isFinite else {
            errors.append(ConditionSyntaxError(
                code: .cp021, message: "the number \(numberText.prefix(20))... is too large to use", offset: start))
            return i
        }
        let afterNumber = i

        // A unit follows the number, with or without a space: `2000 ng/L`, `10%`, `14 days`.
        var k = i
        while k < n, s[k] == " " || s[k] == "\t" { k += 1 }
        var unit: String?
        var end = afterNumber
        if k < n, isUnitStart(s[k]) {
            var m = k + 1
            while m < n {
                let d = s[m]
                if isUnitStart(d) || d == "/" || isDigit(d) { m += 1; continue }
                if d == ".", m + 1 < n, isDigit(s[m + 1]) { m += 1; continue }
                break
            }
            var word = String.UnicodeScalarView()
            word.append(contentsOf: s[k..<m])
            let text = String(word)
            // A keyword (`40 and smoker`) or an identifier that goes on (`3 high-risk`) is not a unit.
            let continuesAsIdentifier = m < n && (s[m] == "_" || (s[m] == "-" && m + 1 < n && isIdentifierBody(s[m + 1])))
            if ConditionKeyword(rawValue: text.lowercased()) == nil, !continuesAsIdentifier {
                unit = text
                end = m
            }
        }
        var spelling = String.UnicodeScalarView()
        spelling.append(contentsOf: s[start..<end])
        tokens.append(ConditionToken(kind: .number(value, unit: unit), offset: start, spelling: String(spelling)))
        return end
    }

    /// Reads a quoted string, with `\"`, `\'` and `\\` escapes, returning the index after it.
    private static func scanString(
        _ s: [Unicode.Scalar], from start: Int, quote: Unicode.Scalar,
        tokens: inout [ConditionToken], errors: inout [ConditionSyntaxError]
    ) -> Int {
        let n = s.count
        var i = start + 1
        var value = String.UnicodeScalarView()
        while i < n {
            let c = s[i]
            if c == quote {
                var spelling = String.UnicodeScalarView()
                spelling.append(contentsOf: s[start...i])
                tokens.append(ConditionToken(kind: .text(String(value)), offset: start, spelling: String(spelling)))
                return i + 1
            }
            if c == "\\", i + 1 < n, s[i + 1] == quote || s[i + 1] == "\\" {
                value.append(s[i + 1])
                i += 2
                continue
            }
            value.append(c)
            i += 1
        }
        errors.append(ConditionSyntaxError(
            code: .cp022, message: "the text starting here is never closed with \(quote == "\"" ? "a double quote (\")" : "a single quote (')")",
            offset: start, help: "end the text with the same quote it starts with: risk == \(quote)high\(quote)"))
        return n
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }

    static func isIdentifierBody(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || isDigit(c) }

    /// Units are letters (including the micro sign µ and Greek μ), `%`, and after the first
    /// character also `/`, digits and decimal points (`mL/min/1.73m2`).
    static func isUnitStart(_ c: Unicode.Scalar) -> Bool { c == "%" || c.properties.isAlphabetic }

    /// A character named so that the reader can see it, even when it is invisible.
    static func describe(_ c: Unicode.Scalar) -> String {
        let hex = String(c.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        switch c.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .unassigned,
             .privateUse, .surrogate, .nonspacingMark, .enclosingMark, .spacingMark:
            return "the invisible character \(code)"
        default:
            return c.isASCII ? "'\(c)'" : "'\(c)' (\(code))"
        }
    }
}
