import Yams

/// Long free text written as a YAML folded block scalar (`description: >-` and the text on the
/// lines below, broken at spaces), used only when reading it back gives exactly the same text.
enum Folded {
    /// The block indicator (`>-` without a final line break, `>` with one) and the lines, each at
    /// most `width` characters where the words allow; nil when the text cannot be folded
    /// faithfully (line breaks inside it, runs of spaces, leading or trailing spaces, tabs, or
    /// characters YAML would not print as they are).
    static func lines(_ text: String, width: Int) -> (indicator: String, lines: [String])? {
        var body = Substring(text)
        var indicator = ">-"
        if body.hasSuffix("\n") {
            body = body.dropLast()
            indicator = ">"
        }
        guard !body.isEmpty, !body.contains("\n"), !body.contains("\r"), !body.contains("\t"),
              !body.contains("  "), body.first != " ", body.last != " ", body.first != "#",
              body.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value)
                  && !["\u{2028}", "\u{2029}", "\u{FEFF}", "\u{FFFE}", "\u{FFFF}"].contains($0) })
        else { return nil }
        var lines: [String] = []
        var current = ""
        for word in body.split(separator: " ", omittingEmptySubsequences: false) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        lines.append(current)
        // Reading the block back is the check: YAML's folding has corner cases (a line that
        // starts with a space is kept as it is), so trust only what reads back exactly.
        let yaml = "k: \(indicator)\n" + lines.map { "  " + $0 }.joined(separator: "\n") + "\n"
        guard let node = try? Yams.compose(yaml: yaml), let value = node["k"]?.string, value == text else { return nil }
        return (indicator, lines)
    }
}
