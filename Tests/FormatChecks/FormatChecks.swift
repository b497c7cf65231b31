import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Readers for each output format, written independently of the writers they check. Each
/// returns the problems it found (empty when the text is sound), so a test can both assert a
/// writer's output is clean and assert that a broken sample is caught.
public enum FormatChecks {
    // MARK: CSV

    /// Records of RFC 4180 CSV, read over Unicode scalars (as a spreadsheet reads bytes, so a
    /// quote followed by a combining mark is still a quote). Records end with CRLF or LF. A quote
    /// inside an unquoted field, text after a closing quote, or an unclosed quote is an error.
    public static func csvRecords(_ text: String) -> (records: [[String]], problems: [String]) {
        var records: [[String]] = [], record: [String] = [], field = String.UnicodeScalarView()
        var problems: [String] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        var fieldStarted = false
        func endField() { record.append(String(field)); field = .init(); fieldStarted = false }
        while i < scalars.count {
            let c = scalars[i]
            if c == "\"" && !fieldStarted && field.isEmpty {
                // A quoted field.
                fieldStarted = true
                i += 1
                var closed = false
                while i < scalars.count {
                    if scalars[i] == "\"" {
                        if i + 1 < scalars.count && scalars[i + 1] == "\"" { field.append("\""); i += 2; continue }
                        closed = true
                        i += 1
                        break
                    }
                    field.append(scalars[i])
                    i += 1
                }
                if !closed { problems.append("unclosed quoted field in record \(records.count + 1)") }
                if i < scalars.count && scalars[i] != "," && scalars[i] != "\r" && scalars[i] != "\n" {
                    problems.append("text after a closing quote in record \(records.count + 1)")
                }
                continue
            }
            switch c {
            case ",":
                endField()
            case "\r":
                if i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 } else {
                    problems.append("bare CR in record \(records.count + 1)")
                }
                endField(); records.append(record); record = []
            case "\n":
                endField(); records.append(record); record = []
            case "\"":
                problems.append("quote inside an unquoted field in record \(records.count + 1)")
                field.append(c)
            default:
                fieldStarted = true
                field.append(c)
            }
            i += 1
        }
        if fieldStarted || !field.isEmpty || !record.isEmpty { endField(); records.append(record) }
        return (records, problems)
    }

    /// The characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
    public static let formulaStarters: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// Whether a cell would run as a formula: it starts with a formula character and is not
    /// neutralised by the writers' documented leading apostrophe.
    public static func isLiveFormula(_ cell: String) -> Bool {
        guard let first = cell.unicodeScalars.first else { return false }
        return formulaStarters.contains(first)
    }

    /// A cell as the writers neutralise it: a leading apostrophe before a formula character.
    public static func neutralised(_ text: String) -> String {
        text.unicodeScalars.first.map { formulaStarters.contains($0) } == true ? "'" + text : text
    }

    /// Problems of a CSV document: parse errors, rows whose column count differs from the
    /// header's, and live formulas. `allowedFormulaColumns` lists columns that hold numbers the
    /// writer itself puts there (a negative mean is not an injection).
    public static func csvProblems(_ text: String, numericColumns: Set<Int> = []) -> [String] {
        let (records, problems) = csvRecords(text)
        var out = problems
        guard let header = records.first else { return out + ["no header row"] }
        for (n, record) in records.enumerated() {
            if record.count != header.count {
                out.append("record \(n + 1) has \(record.count) cells, the header has \(header.count)")
            }
            for (k, cell) in record.enumerated() where !numericColumns.contains(k) && isLiveFormula(cell) {
                out.append("record \(n + 1) cell \(k + 1) is a live formula: \(cell.debugDescription)")
            }
        }
        return out
    }

    // MARK: JSON

    /// Every string (keys and values) in a JSON document, or the parse error. The document must
    /// parse with `JSONSerialization`; the strings are read with `JSONDecoder`, because Linux's
    /// `JSONSerialization` drops a U+FEFF that starts a string value.
    public static func jsonStrings(_ text: String) -> (strings: [String], problem: String?) {
        do {
            _ = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            return (try JSONDecoder().decode(JSONStrings.self, from: Data(text.utf8)).strings, nil)
        } catch {
            return ([], "not JSON: \(error)")
        }
    }

    // MARK: XML

    /// Attribute values and text of an XML document, or why it is not well-formed.
    public static func xml(_ text: String) -> XMLCollector { XMLCollector.parse(text) }

    /// What XML 1.0 can carry of a string: characters outside its `Char` production (C0 controls
    /// other than tab, LF and CR; U+FFFE and U+FFFF) cannot appear even as character references,
    /// so the writers put U+FFFD in their place.
    public static func xmlCarried(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { s in
            let v = s.value
            let ok = v == 0x9 || v == 0xA || v == 0xD || (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || v >= 0x10000
            return ok ? s : "\u{FFFD}"
        }))
    }

    // MARK: Markdown

    /// Lines as CommonMark splits them: at LF, CRLF or a lone CR.
    public static func markdownLines(_ text: String) -> [String] {
        var lines: [String] = [], line = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "\n" || c == "\r" {
                if c == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
                lines.append(String(line)); line = .init()
            } else { line.append(c) }
            i += 1
        }
        if !line.isEmpty { lines.append(String(line)) }
        return lines
    }

    /// Cell separators in a GFM table row: pipes not escaped by a backslash (a backslash
    /// escapes the next character, itself included).
    public static func unescapedPipes(_ row: String) -> Int {
        var pipes = 0, escaped = false
        for c in row.unicodeScalars {
            if escaped { escaped = false; continue }
            if c == "\\" { escaped = true } else if c == "|" { pipes += 1 }
        }
        return pipes
    }

    /// Problems of the tables in a Markdown document: a row with a different number of cell
    /// separators from its table's header, or a table followed directly by a line of text (a
    /// cell's line break leaking out, which GFM would read as one more row).
    public static func markdownTableProblems(_ text: String) -> [String] {
        let lines = markdownLines(text)
        var out: [String] = []
        var i = 0
        while i < lines.count {
            guard lines[i].hasPrefix("|") else { i += 1; continue }
            let expected = unescapedPipes(lines[i])
            var j = i
            while j < lines.count && lines[j].hasPrefix("|") {
                let n = unescapedPipes(lines[j])
                if n != expected { out.append("table row has \(n) separators, its header \(expected): \(lines[j].debugDescription)") }
                j += 1
            }
            if j < lines.count && !lines[j].trimmingCharacters(in: .whitespaces).isEmpty {
                out.append("a table runs on into a line of text: \(lines[j].debugDescription)")
            }
            i = j
        }
        return out
    }

    /// Problems of Markdown text that a renderer would turn into live markup: raw HTML tags
    /// and links to `javascript:` (a `](` after an unescaped `]`).
    public static func markdownMarkupProblems(_ text: String) -> [String] {
        var out: [String] = []
        let scalars = Array(text.unicodeScalars)
        var escaped = false, inCode = false
        for (i, c) in scalars.enumerated() {
            if escaped { escaped = false; continue }
            if c == "\\" && !inCode { escaped = true; continue }
            if c == "`" { inCode.toggle(); continue }
            if inCode { continue }
            let rest = String(String.UnicodeScalarView(scalars[(i + 1)...].prefix(12)))
            if c == "<", let next = scalars[(i + 1)...].first, next.properties.isAlphabetic || next == "/" || next == "!" || next == "?",
               !rest.hasPrefix("br>") {
                out.append("raw HTML at scalar \(i): \(rest.debugDescription)")
            }
            // The writers link only plain web addresses.
            if c == "]", rest.hasPrefix("("), !(rest.hasPrefix("(https://") || rest.hasPrefix("(http://")) {
                out.append("link to something other than a web address at scalar \(i): \(rest.debugDescription)")
            }
        }
        return out
    }

    // MARK: HTML

    /// Every tag in a page (user text never holds a raw `<`, so each `<` starts one).
    public static func tags(_ html: String) -> [(name: String, text: String)] {
        var out: [(String, String)] = []
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let text = String(rest[open...close])
            let name = text.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "!" || $0 == "/" }.lowercased()
            out.append((name, text))
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    /// The attribute names of a tag, skipping quoted values.
    public static func attributeNames(_ tag: String) -> [String] {
        var names: [String] = []
        var i = tag.firstIndex(where: { $0 == " " || $0 == "\n" }) ?? tag.endIndex
        var current = ""
        while i < tag.endIndex {
            let c = tag[i]
            if c == "\"" || c == "'" {
                guard let end = tag[tag.index(after: i)...].firstIndex(of: c) else { break }
                i = end
            } else if c.isLetter || c == "-" || c == ":" || c == "_" {
                current.append(c)
            } else {
                if !current.isEmpty { names.append(current.lowercased()) }
                current = ""
            }
            i = tag.index(after: i)
        }
        if !current.isEmpty { names.append(current.lowercased()) }
        return names
    }

    /// The tags the report writes itself.
    public static let reportTags: Set<String> = [
        "!doctype", "html", "head", "meta", "title", "style", "body", "a", "header", "h1", "h2", "h3", "h4", "p", "nav", "ul", "li",
        "main", "section", "article", "dl", "dt", "dd", "code", "figure", "figcaption", "div", "svg", "g", "path", "polygon",
        "ellipse", "polyline", "text", "rect", "line", "defs", "pattern", "desc", "table", "caption", "thead", "tbody", "tr",
        "th", "td", "span", "br", "footer", "script", "strong", "em", "tspan",
    ]

    /// Problems of an HTML page: scripts beyond `expectedScripts`, tags the report never writes,
    /// event-handler attributes (an attribute breakout), and links that are not http(s) or in-page.
    public static func htmlProblems(_ html: String, expectedScripts: Int = 1) -> [String] {
        var out: [String] = []
        var scripts = 0
        for tag in tags(html) {
            let name = tag.name.hasPrefix("/") ? String(tag.name.dropFirst()) : tag.name
            if !reportTags.contains(name) { out.append("unexpected tag \(tag.text.prefix(80))") }
            if tag.name == "script" { scripts += 1 }
            for attribute in attributeNames(tag.text) where attribute.hasPrefix("on") {
                out.append("event-handler attribute \(attribute) in \(tag.text.prefix(80))")
            }
            if tag.name == "a", let href = tag.text.range(of: "href=\"") {
                let value = tag.text[href.upperBound...]
                if !(value.hasPrefix("http://") || value.hasPrefix("https://") || value.hasPrefix("#")) {
                    out.append("link to \(tag.text.prefix(80))")
                }
            }
        }
        if scripts != expectedScripts { out.append("\(scripts) scripts, expected \(expectedScripts)") }
        return out
    }

    // MARK: DOT

    /// The double-quoted strings of a DOT document, with problems: an unclosed string or a raw
    /// line break inside one.
    public static func dotStrings(_ text: String) -> (strings: [String], problems: [String]) {
        var inString = false, escaped = false, strings: [String] = [], current = String.UnicodeScalarView()
        var problems: [String] = []
        for c in text.unicodeScalars {
            if inString {
                if escaped { current.append(c); escaped = false; continue }
                if c == "\\" { escaped = true; current.append(c) } else if c == "\"" { inString = false; strings.append(String(current)) } else {
                    if c == "\n" || c == "\r" { problems.append("raw line break inside a DOT string") }
                    current.append(c)
                }
            } else if c == "\"" { inString = true; current = .init() }
        }
        if inString { problems.append("unclosed DOT string") }
        return (strings, problems)
    }

    /// Runs Graphviz on `dot`: its exit status, everything it printed on stderr (warnings), and
    /// the SVG.
    public static func graphviz(_ dot: String, executable: String) throws -> (status: Int32, stderr: String, svg: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("writer-safety-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in.dot")
        try Data(dot.utf8).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        let output = dir.appendingPathComponent("out.svg")
        process.arguments = ["-Tsvg", "-o", output.path, input.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let svg = (try? Data(contentsOf: output)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return (process.terminationStatus, String(decoding: message, as: UTF8.self), svg)
    }

    // MARK: Terminal text

    /// Problems of text meant for a terminal: control characters other than line feed and tab
    /// (an escape sequence can recolour, hide or rewrite what is shown) and bidirectional
    /// overrides (which make text read backwards).
    public static func terminalProblems(_ text: String) -> [String] {
        var out: [String] = []
        for s in text.unicodeScalars {
            let v = s.value
            if (v < 0x20 && s != "\n" && s != "\t") || (0x7F..<0xA0).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) {
                out.append("raw U+\(String(v, radix: 16, uppercase: true))")
            }
        }
        return out
    }
}

/// Every string of a JSON value, keys included.
public struct JSONStrings: Decodable {
    public var strings: [String] = []

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            for key in object.allKeys {
                strings.append(key.stringValue)
                strings += try object.decode(JSONStrings.self, forKey: key).strings
            }
        } else if var array = try? decoder.unkeyedContainer() {
            while !array.isAtEnd { strings += try array.decode(JSONStrings.self).strings }
        } else {
            let value = try decoder.singleValueContainer()
            if let s = try? value.decode(String.self) { strings = [s] }
        }
    }
}

/// Collects every element, attribute value and text node of an XML document, or the parse error.
public final class XMLCollector: NSObject, XMLParserDelegate {
    /// Every attribute value, in document order.
    public private(set) var attributeValues: [String] = []
    /// Attribute values by attribute name, in document order.
    public private(set) var attributesByName: [String: [String]] = [:]
    /// Every element's text, in the order elements close.
    public private(set) var texts: [String] = []
    /// Every element name, in document order.
    public private(set) var elements: [String] = []
    /// The parse error, or `nil` for a well-formed document.
    public private(set) var error: Error?
    private var current = ""

    /// Parses `text`; on Linux `parse()` can return true after a fatal error, so the parser's
    /// error is read as well.
    public static func parse(_ text: String) -> XMLCollector {
        let collector = XMLCollector()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = collector
        if !parser.parse() || parser.parserError != nil { collector.error = parser.parserError ?? NSError(domain: "xml", code: 1) }
        return collector
    }

    /// Every attribute value and text node.
    public var strings: [String] { attributeValues + texts }

    public func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                       attributes: [String: String] = [:]) {
        elements.append(name)
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
            attributeValues.append(value)
            attributesByName[key, default: []].append(value)
        }
        current = ""
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

    public func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        texts.append(current)
        current = ""
    }
}
