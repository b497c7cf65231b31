/// XML 1.0 text for every writer that makes XML (BPMN, the XES event log).
public enum XMLText {
    /// Text for element content. `]]>` cannot survive because every `>` is escaped.
    public static func text(_ text: String) -> String {
        var out = ""
        for scalar in safeScalars(text) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Text for a double-quoted attribute value; line breaks and tabs are kept as character
    /// references so attribute normalisation does not turn them into spaces. Works on Unicode
    /// scalars: a `<` followed by a combining mark is one `Character` but still a `<`.
    public static func attribute(_ text: String) -> String {
        var out = ""
        for scalar in safeScalars(text) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The scalars of `text`, with U+FFFD in place of what XML 1.0 cannot hold even as a
    /// reference (most control characters, U+FFFE, U+FFFF, lone surrogates).
    public static func safeScalars(_ text: String) -> [Unicode.Scalar] {
        text.unicodeScalars.map { s in
            let v = s.value
            let allowed = v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF)
                || (v >= 0xE000 && v <= 0xFFFD) || v >= 0x10000
            return allowed ? s : "\u{FFFD}"
        }
    }
}
