/// Text written by users (titles, names, ids), made safe to print on a terminal.
public enum TerminalText {
    /// `text` with control characters other than line feed and tab, and bidirectional overrides
    /// and isolates, shown as `\u{…}` escapes, so no escape sequence written in a pathway file
    /// (a colour change, a cursor move, a clipboard write) and no reordering trick reaches the
    /// terminal. Everything else is kept as it is.
    public static func safe(_ text: String) -> String { safe(text, keepingLines: true) }

    /// `safe`, with line feeds and tabs escaped too: for text that must stay on one line, such
    /// as a file name at the head of a diagnostic.
    public static func safeLine(_ text: String) -> String { safe(text, keepingLines: false) }

    private static func safe(_ text: String, keepingLines: Bool) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if (v < 0x20 && !(keepingLines && (scalar == "\n" || scalar == "\t"))) || (0x7F...0x9F).contains(v)
                || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
                out += "\\u{" + String(v, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// ANSI styling for terminal output, or plain text when disabled: the one place carepath writes
/// colour escape codes (whether to colour is decided once, by the command line's `--color` and
/// `NO_COLOR` rule).
public struct TerminalStyle: Sendable {
    /// Whether to write escape codes.
    public var enabled: Bool

    /// A style that colours when `enabled`.
    public init(enabled: Bool) { self.enabled = enabled }

    /// `text` in the SGR style `code` (`"1"` bold, `"31"` red, `"1;36"` bold cyan), then reset.
    public func paint(_ text: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    /// Bold.
    public func bold(_ t: String) -> String { paint(t, "1") }
    /// Dim.
    public func dim(_ t: String) -> String { paint(t, "2") }
    /// Red.
    public func red(_ t: String) -> String { paint(t, "31") }
    /// Green.
    public func green(_ t: String) -> String { paint(t, "32") }
    /// Yellow.
    public func yellow(_ t: String) -> String { paint(t, "33") }
    /// Cyan.
    public func cyan(_ t: String) -> String { paint(t, "36") }
}

extension TerminalText {
    /// Rows of cells as aligned text columns, two spaces apart, each line ending in a newline
    /// with no trailing spaces. Each cell is first made safe for a terminal by `safe`.
    public static func columns(_ rawRows: [[String]], safe: (String) -> String = TerminalText.safe) -> String {
        let rows = rawRows.map { $0.map(safe) }
        let count = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                line += cell
                if i < row.count - 1 { line += String(repeating: " ", count: widths[i] - cell.count + 2) }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}
