import PathwayModel

/// HTML escaping and number wording for the preview page. Every string that comes from a pathway
/// file (titles, ids, messages quoting the file, source lines) reaches the page through `escape`.
public enum PreviewHTML {
    /// Text safe in element content and in a double- or single-quoted attribute value: `& < > " '`
    /// become character references; control characters other than tab and line feed are dropped,
    /// and so are bidirectional overrides, which could make a line read backwards.
    public static func escape(_ text: String) -> String {
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

    /// A number for people: at most `decimals` decimals, locale independent.
    public static func number(_ value: Double, decimals: Int = 1) -> String {
        guard value.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int(rounded)) }
        return NumberText.format3(rounded)
    }

    /// A share (0...1) as a percentage: `72.4%`.
    public static func percent(_ share: Double, decimals: Int = 1) -> String {
        share.isFinite ? number(share * 100, decimals: decimals) + "%" : "–"
    }

    /// A time in minutes in the unit that reads best: `45 min`, `6.5 hours`, `12.3 days`.
    public static func time(minutes m: Double) -> String {
        guard m.isFinite else { return "–" }
        if abs(m) < 120 { return number(m, decimals: m < 10 ? 1 : 0) + " min" }
        if abs(m) < 2880 { return number(m / 60, decimals: 1) + " hours" }
        return number(m / 1440, decimals: 1) + " days"
    }

    /// `1 error`, `2 warnings`: a count with its noun, plural when it is not one.
    public static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }
}
