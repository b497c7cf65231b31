import PathwayModel

/// A condition expression written out for a reader or another tool. Each dialect is built
/// from the parsed tree, never by pasting the author's text, so nothing the author wrote can
/// break out of a string literal.
enum ConditionText {
    enum Dialect {
        /// Plain English for build sheets and descriptions: `age is at least 40 and smoker`.
        case words
        /// A Python expression over process variables, for BPMN gateways (SpiffWorkflow evaluates
        /// conditions as Python). Units are dropped: carepath has already checked that each
        /// number is in its attribute's declared unit.
        case python
        /// A FHIRPath expression (`text/fhirpath`) over environment variables, one per patient
        /// attribute (`%age`, `` %`nt-probnp` ``), for FHIR `Expression`. Units are dropped as
        /// for Python, and numbers are written in full (never rounded, never in exponent form).
        case fhirpath
    }

    static func render(_ expression: Expression, _ dialect: Dialect) -> String {
        render(expression, dialect, parent: 0)
    }

    /// The expression written to stand as an operand of `and` (parenthesised only if it is an `or`).
    static func renderConjunct(_ expression: Expression, _ dialect: Dialect) -> String {
        render(expression, dialect, parent: 2)
    }

    // Precedence: or 1, and 2, not 3, comparison and membership 4, atoms 5.
    private static func precedence(_ e: Expression) -> Int {
        switch e {
        case .logical(.or, _, _): 1
        case .logical(.and, _, _): 2
        case .not: 3
        case .comparison, .membership: 4
        default: 5
        }
    }

    private static func render(_ e: Expression, _ d: Dialect, parent: Int) -> String {
        // FHIRPath negates with a function on a parenthesised operand: `(x).not()` is an atom.
        let own: Int
        if d == .fhirpath, case .not = e { own = 5 } else { own = precedence(e) }
        let text: String
        switch e {
        case .attribute(let name, _): text = identifier(name, d)
        case .number(let v, let unit, _):
            switch d {
            case .words: text = NumberText.format3(v) + (unit.map { " \($0)" } ?? "")
            case .python: text = NumberText.format3(v)
            case .fhirpath: text = fhirpathNumber(v)
            }
        case .text(let s, _):
            switch d {
            case .words: text = s
            case .python: text = pythonString(s)
            case .fhirpath: text = fhirpathString(s)
            }
        case .boolean(let b, _):
            text = d == .python ? (b ? "True" : "False") : (b ? "true" : "false")
        case .not(let inner, _):
            text = d == .fhirpath ? "(" + render(inner, d, parent: 0) + ").not()" : "not " + render(inner, d, parent: 5)
        case .logical(let op, let l, let r):
            text = render(l, d, parent: own) + " \(op.rawValue) " + render(r, d, parent: own + 1)
        case .comparison(let op, let l, let r):
            text = render(l, d, parent: 5) + " " + comparison(op, d) + " " + render(r, d, parent: 5)
        case .membership(let l, let items, let negated):
            let list = items.map { render($0, d, parent: 5) }
            switch d {
            case .words:
                text = render(l, d, parent: 5) + (negated ? " is not one of " : " is one of ") + list.joined(separator: ", ")
            case .python:
                text = render(l, d, parent: 5) + (negated ? " not in [" : " in [") + list.joined(separator: ", ") + "]"
            case .fhirpath:
                let inner = render(l, d, parent: 5) + " in (" + list.joined(separator: " | ") + ")"
                text = negated ? "(" + inner + ").not()" : inner
            }
        }
        return own < parent ? "(" + text + ")" : text
    }

    private static func comparison(_ op: ComparisonOperator, _ d: Dialect) -> String {
        switch d {
        case .words:
            switch op {
            case .equal: "is"
            case .notEqual: "is not"
            case .less: "is less than"
            case .lessOrEqual: "is at most"
            case .greater: "is more than"
            case .greaterOrEqual: "is at least"
            }
        case .fhirpath: op == .equal ? "=" : op.rawValue
        case .python: op.rawValue
        }
    }

    private static func identifier(_ name: String, _ d: Dialect) -> String {
        switch d {
        case .words: return name
        case .python: return pythonIdentifier(name)
        case .fhirpath: return fhirpathVariable(name)
        }
    }

    /// A patient attribute's name as a Python identifier: anything but letters, digits and `_`
    /// becomes `_` (`nt-probnp` → `nt_probnp`); a leading digit gets a `_` in front.
    static func pythonIdentifier(_ name: String) -> String {
        var out = ""
        for s in name.unicodeScalars { out += s.isASCIIAlphanumeric || s == "_" ? String(s) : "_" }
        if out.isEmpty || out.unicodeScalars.first.map({ $0.properties.numericType != nil }) == true { out = "_" + out }
        return out
    }

    /// A FHIRPath environment variable: `%age`, or `` %`nt-probnp` `` when the name is not a plain
    /// identifier (backticks and backslashes inside are escaped). The name is first cleaned as a
    /// FHIR `code` (`Escaping.fhirCode`), as the input is named where it is declared.
    static func fhirpathVariable(_ raw: String) -> String {
        // The same spelling as the input's declared name (FHIR `code`: no stray whitespace).
        let name = Escaping.fhirCode(raw)
        let simple = !name.isEmpty && name.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "_" }
            && !(name.unicodeScalars.first.map { $0.properties.numericType != nil } ?? true)
        if simple { return "%" + name }
        var out = "%`"
        for s in name.unicodeScalars {
            switch s {
            case "`": out += "\\`"
            case "\\": out += "\\\\"
            default: out += s.value < 0x20 || s.value == 0x7F ? "" : String(s)
            }
        }
        return out + "`"
    }

    /// A FHIRPath string literal (single quotes) that evaluates to exactly `text` as a FHIR
    /// string can carry it: characters beyond ASCII are written as themselves (the JSON around
    /// it carries them), tab and line breaks use FHIRPath's escapes, and the control characters
    /// FHIR strings cannot hold are left out (as `Escaping.fhirString` leaves them out of values).
    static func fhirpathString(_ text: String) -> String {
        var out = "'"
        for s in text.unicodeScalars {
            switch s {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if s.value < 0x20 || (0x7F...0x9F).contains(s.value) { continue }
                out.unicodeScalars.append(s)
            }
        }
        return out + "'"
    }

    /// A number as a FHIRPath literal: in full, without an exponent (`0.00001`, not `1e-05`).
    static func fhirpathNumber(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        let text = String(value)
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else { return text }
        let negative = text.hasPrefix("-")
        let mantissa = text[text.index(text.startIndex, offsetBy: negative ? 1 : 0)..<e]
        let exponent = Int(text[text.index(after: e)...]) ?? 0
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(parts.first ?? "0")
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        var digits = whole + fraction
        var point = whole.count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        }
        if point >= digits.count { digits += String(repeating: "0", count: point - digits.count) }
        var intPart = String(digits.prefix(point))
        var fracPart = String(digits.dropFirst(point))
        while fracPart.hasSuffix("0") { fracPart.removeLast() }
        while intPart.count > 1 && intPart.hasPrefix("0") { intPart.removeFirst() }
        return (negative ? "-" : "") + intPart + (fracPart.isEmpty ? "" : "." + fracPart)
    }

    /// A Python string literal that evaluates to exactly `text`.
    static func pythonString(_ text: String) -> String {
        var out = "\""
        for s in text.unicodeScalars {
            switch s {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default:
                if s.value < 0x20 || s.value == 0x7F || !s.isASCII {
                    let hex = String(s.value, radix: 16)
                    out += s.value > 0xFFFF ? "\\U" + hex.leftPadded(to: 8) : "\\u" + hex.leftPadded(to: 4)
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out + "\""
    }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
    }
}
