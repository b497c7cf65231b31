/// HTML escaping shared by the report and the live preview: every string that comes from a
/// pathway file reaches a page through it.
public enum HTMLEscape {
    /// Text safe in element content and in a double- or single-quoted attribute value: `& < > " '`
    /// become character references; control characters other than tab and line feed are dropped,
    /// and so are bidirectional overrides, which could make a line read backwards.
    public static func text(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\n", "\t": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || (v >= 0x7F && v < 0xA0) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
                    continue
                }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
