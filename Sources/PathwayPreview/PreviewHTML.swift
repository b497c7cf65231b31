import PathwayModel

/// HTML escaping and number wording for the preview page. Every string that comes from a pathway
/// file (titles, ids, messages quoting the file, source lines) reaches the page through `escape`.
public enum PreviewHTML {
    /// Text safe in element content and in quoted attribute values (``HTMLEscape/text(_:)``).
    public static func escape(_ text: String) -> String { HTMLEscape.text(text) }

    /// A number for people: at most `decimals` decimals, locale independent.
    public static func number(_ value: Double, decimals: Int = 1) -> String { NumberText.readable(value, decimals: decimals) }

    /// A share (0...1) as a percentage: `72.4%`.
    public static func percent(_ share: Double, decimals: Int = 1) -> String {
        share.isFinite ? number(share * 100, decimals: decimals) + "%" : "–"
    }

    /// A time in minutes in the unit that reads best: `45 min`, `6.5 hours`, `12.3 days`.
    public static func time(minutes m: Double) -> String { NumberText.readableTime(minutes: m) }

    /// `1 error`, `2 warnings`: a count with its noun, plural when it is not one.
    public static func count(_ n: Int, _ noun: String) -> String {
        "\(n) \(noun)\(n == 1 ? "" : "s")"
    }
}
