import PathwayModel

/// A condition expression written out for a reader or another tool. Each dialect is built
/// from the parsed tree, never by pasting the author's text, so nothing the author wrote can
/// break out of a string literal.
enum ConditionText {
    enum Dialect {
        /// Plain English for build sheets and descriptions: `age is at least 40 and smoker`.
        case words
        /// Clinical Quality Language style, for FHIR `Expression` (`text/cql`).
        case cql
        /// A Python expression over process variables, for BPMN gateways (SpiffWorkflow evaluates
        /// conditions as Python). Units are dropped: carepath has already checked that each
        /// number is in its attribute's declared unit.
        case python
    }

    static func render(_ expression: Expression, _ dialect: Dialect) -> String {
        render(expression, dialect, parent: 0)
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
        let own = precedence(e)
        let text: String
        switch e {
        case .attribute(let name, _): text = identifier(name, d)
        case .number(let v, let unit, _):
            switch d {
            case .words: text = format3(v) + (unit.map { " \($0)" } ?? "")
            case .cql: text = format3(v) + (unit.map { " " + cqlString($0) } ?? "")
            case .python: text = format3(v)
            }
        case .text(let s, _):
            switch d {
            case .words: text = s
            case .cql: text = cqlString(s)
            case .python: text = pythonString(s)
            }
        case .boolean(let b, _):
            text = d == .python ? (b ? "True" : "False") : (b ? "true" : "false")
        case .not(let inner, _):
            text = "not " + render(inner, d, parent: 5)
        case .logical(let op, let l, let r):
            text = render(l, d, parent: own) + " \(op.rawValue) " + render(r, d, parent: own + 1)
        case .comparison(let op, let l, let r):
            text = render(l, d, parent: 5) + " " + comparison(op, d) + " " + render(r, d, parent: 5)
        case .membership(let l, let items, let negated):
            let list = items.map { render($0, d, parent: 5) }
            switch d {
            case .words:
                text = render(l, d, parent: 5) + (negated ? " is not one of " : " is one of ") + list.joined(separator: ", ")
            case .cql:
                let inner = render(l, d, parent: 5) + " in {" + list.joined(separator: ", ") + "}"
                text = negated ? "not (" + inner + ")" : inner
            case .python:
                text = render(l, d, parent: 5) + (negated ? " not in [" : " in [") + list.joined(separator: ", ") + "]"
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
        case .cql: op == .equal ? "=" : op.rawValue
        case .python: op.rawValue
        }
    }

    private static func identifier(_ name: String, _ d: Dialect) -> String {
        switch d {
        case .words: return name
        case .python: return pythonIdentifier(name)
        case .cql:
            let simple = name.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "_" }
                && !(name.unicodeScalars.first.map { $0.properties.numericType != nil } ?? true)
            if simple { return name }
            var out = "\""
            for s in name.unicodeScalars {
                switch s {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                default: out += s.value < 0x20 ? "" : String(s)
                }
            }
            return out + "\""
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

    /// A CQL string literal (single quotes, backslash escapes).
    static func cqlString(_ text: String) -> String {
        var out = "'"
        for s in text.unicodeScalars {
            switch s {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if s.value < 0x20 || s.value == 0x7F {
                    out += "\\u" + String(s.value, radix: 16).leftPadded(to: 4)
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out + "'"
    }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
    }
}
