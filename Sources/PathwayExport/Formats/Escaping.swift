import PathwayModel

/// Escaping of user text for each output format. Every string that comes from a pathway file
/// (titles, ids, roles, codes, conditions, URLs) goes through one of these before it is written.
public enum Escaping {
    /// The inside of a double-quoted DOT string (Graphviz "escString"): backslashes and quotes
    /// escaped, line breaks as `\n`, other control characters dropped. `&` is written `&amp;`
    /// because Graphviz reads character entities in every label (`&#0;` would reach the SVG and
    /// break it; `&amp;` would show as `&`), and U+FFFE and U+FFFF, which Graphviz copies into
    /// the SVG where XML cannot hold them, become U+FFFD.
    public static func dot(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": continue
            case "&": out += "&amp;"
            case "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Text inside a quoted Mermaid label: characters with meaning to Mermaid or HTML become
    /// Mermaid entity codes (`#quot;`), line breaks become `<br/>`.
    public static func mermaid(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "#quot;"
            case "#": out += "#35;"
            case "<": out += "#lt;"
            case ">": out += "#gt;"
            case "&": out += "#amp;"
            case "`": out += "#96;"
            case "|": out += "#124;"
            case "\n": out += "<br/>"
            case "\r": continue
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Text for Markdown (including a table cell): HTML is neutralised as entities, Markdown
    /// punctuation is backslash-escaped, trailing white space is dropped, and line breaks become
    /// `<br>` (or stay line breaks when `keepLineBreaks`, for Markdown documents rather than cells).
    public static func markdown(_ text: String, keepLineBreaks: Bool = false) -> String {
        var out = ""
        var trimmed = Substring(text)
        while let last = trimmed.last, last.isWhitespace { trimmed.removeLast() }
        for scalar in trimmed.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            // Parentheses and `!` need no escape: with `[` and `]` escaped no link or image can form.
            case "\\", "`", "*", "_", "[", "]", "|", "~", "#":
                out += "\\"
                out.unicodeScalars.append(scalar)
            case "\n": out += keepLineBreaks ? "\n" : "<br>"
            case "\r": continue
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// One CSV field per RFC 4180, made safe for spreadsheets: see `CSVText.field`.
    public static func csvField(_ text: String) -> String { CSVText.field(text) }

    /// A string safe for FHIR's `string` and `markdown` types: control characters other than
    /// tab, line feed and carriage return are removed.
    static func fhirString(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r") || (0x7F...0x9F).contains(scalar.value) {
                continue
            }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// A value for FHIR's `code` type: no leading, trailing or repeated whitespace.
    static func fhirCode(_ text: String) -> String {
        fhirString(text).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// A value for FHIR's `uri` type: no whitespace (spaces become `%20`).
    static func fhirURI(_ text: String) -> String {
        var out = ""
        for scalar in fhirString(text).unicodeScalars {
            if scalar.properties.isWhitespace {
                out += "%" + String(scalar.value & 0xFF, radix: 16, uppercase: true).leftPadded(to: 2)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A URL path segment: every character outside the RFC 3986 unreserved set is percent-encoded.
    static func urlSegment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "." || c == "_" || c == "~") {
                out.append(c)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Whether `url` is a plain http(s) link that can be shown as a clickable Markdown link.
    static func isPlainWebLink(_ url: String) -> Bool {
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else { return false }
        return !url.unicodeScalars.contains { s in
            s.value <= 0x20 || s.value == 0x7F || "<>()[]\"'`\\|{}".unicodeScalars.contains(s)
        }
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
