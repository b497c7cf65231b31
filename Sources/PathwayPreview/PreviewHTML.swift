import PathwayModel

/// HTML escaping and number wording for the preview page. Every string that comes from a pathway
/// file (titles, ids, messages quoting the file, source lines) reaches the page through `escape`.
public enum PreviewHTML {
    /// Text safe in element content and in quoted attribute values (``HTMLEscape/text(_:)``).
    public static func escape(_ text: String) -> String { HTMLEscape.text(text) }

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
