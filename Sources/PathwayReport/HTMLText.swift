import PathwayExport
import PathwayModel

/// HTML escaping and small builders for the report. Every string that comes from a pathway file
/// (titles, ids, names, codes, URLs) reaches the page through `text` or `attribute`.
enum HTMLText {
    /// Text safe in element content and in quoted attribute values (``HTMLEscape/text(_:)``).
    static func escape(_ text: String) -> String { HTMLEscape.text(text) }

    /// An element with escaped text content and already-escaped attributes.
    static func element(_ name: String, _ text: String, attributes: String = "") -> String {
        "<\(name)\(attributes.isEmpty ? "" : " " + attributes)>\(escape(text))</\(name)>"
    }

    /// A link when `url` is a plain http(s) address, else the URL as text (never a `javascript:` link).
    static func link(_ label: String, url: String?) -> String {
        guard let url, isWebLink(url) else {
            return escape(label) + (url.map { " <span class=\"muted\">(\(escape($0)))</span>" } ?? "")
        }
        return "<a href=\"\(escape(url))\" rel=\"noopener noreferrer\">\(escape(label))</a>"
    }

    /// Whether `url` is an http(s) address with no spaces or characters that need quoting.
    static func isWebLink(_ url: String) -> Bool {
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return false }
        return !url.unicodeScalars.contains { s in s.value <= 0x20 || s.value >= 0x7F || "<>\"'`\\{}|^".unicodeScalars.contains(s) }
    }

    /// A number for people: at most `decimals` decimals, locale independent.
    static func number(_ value: Double, decimals: Int = 1) -> String { NumberText.readable(value, decimals: decimals) }

    /// A share (0...1) as a percentage: `72.4%`.
    static func percent(_ share: Double, decimals: Int = 1) -> String {
        share.isFinite ? number(share * 100, decimals: decimals) + "%" : "–"
    }

    /// A time in minutes in the unit that reads best: `45 min`, `6.5 hours`, `12.3 days`.
    static func time(minutes m: Double) -> String { NumberText.readableTime(minutes: m) }
}

/// Short, unique `id` attributes for sections and charts; never built from user text, so no
/// pathway id can clash with or break out of one.
struct ElementIDs {
    private var counts: [String: Int] = [:]
    /// The next id with this prefix: `chart-1`, `chart-2`...
    mutating func next(_ prefix: String) -> String {
        let n = (counts[prefix] ?? 0) + 1
        counts[prefix] = n
        return "\(prefix)-\(n)"
    }
}
