/// JSON string literals, written one way for every JSON writer in carepath.
public enum JSONText {
    /// `s` as a JSON string literal. Escapes quotes, backslashes and control characters (and the
    /// line separators U+2028/U+2029, which break JavaScript); other text, such as µ or —, stays
    /// readable. With `escapingHTML`, `<`, `>` and `&` are escaped too, so the text stays inert if
    /// it is pasted into HTML or a script (the exporters' policy).
    public static func quoted(_ s: String, escapingHTML: Bool = false) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            case "<" where escapingHTML: out += "\\u003c"
            case ">" where escapingHTML: out += "\\u003e"
            case "&" where escapingHTML: out += "\\u0026"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
