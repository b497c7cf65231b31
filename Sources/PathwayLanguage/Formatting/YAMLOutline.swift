/// The shape of a YAML file line by line: for each line, the key path of the node it writes
/// (`steps.gp-assessment.handoff`, `steps.dvt-likely.branches.[1]`) and any comment on it.
///
/// This is not a YAML parser (Yams reads the values); it follows only what comments need to be
/// kept through formatting: block indentation, sequence items, block scalars (whose `#` is text),
/// quoted strings and flow collections that run over several lines (whose `#` may be text too).
/// The same outline is taken of the file as written and of the formatter's output, so a comment
/// can move with the node it annotates however the formatter reorders keys.
struct YAMLOutline {
    /// One line of the file.
    struct Line: Equatable {
        enum Kind: Equatable {
            /// Only whitespace.
            case blank
            /// A whole-line comment: the text after `#`, exactly as written.
            case comment(String)
            /// A line that starts a key or a sequence item.
            case content
            /// The rest of a node begun on an earlier line: a block scalar's text, a quoted string
            /// or flow collection still open, a plain scalar folded over lines.
            case continuation
        }
        var kind: Kind
        var indent: Int
        /// The node's key path; sequence items are `[0]`, `[1]`, … .
        var path: [String]
        /// An end-of-line comment: the text after `#`, exactly as written.
        var endComment: String?
        /// Where the end-of-line comment's `#` is, in characters, counting the whitespace before it.
        var contentEnd: Int
    }

    let lines: [Line]

    init(_ text: String) {
        var lines: [Line] = []
        var stack: [Frame] = []
        var itemCounts: [String: Int] = [:]
        var blockScalarIndent: Int? = nil
        var open = LexState()
        var lastPath: [String] = []

        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let chars = Array(raw.hasSuffix("\r") ? raw.dropLast() : raw)
            let indent = chars.prefix { $0 == " " }.count
            let isBlank = chars.allSatisfy { $0 == " " || $0 == "\t" }

            if let parent = blockScalarIndent {
                if isBlank || indent > parent {
                    lines.append(Line(kind: .continuation, indent: indent, path: lastPath, endComment: nil, contentEnd: chars.count))
                    continue
                }
                blockScalarIndent = nil
            }
            if open.isOpen {
                let comment = open.scan(chars, from: 0)
                lines.append(Self.line(.continuation, indent, lastPath, chars, comment))
                continue
            }
            if isBlank {
                lines.append(Line(kind: .blank, indent: indent, path: lastPath, endComment: nil, contentEnd: 0))
                continue
            }
            if chars[indent] == "#" {
                lines.append(Line(kind: .comment(String(chars[(indent + 1)...])), indent: indent, path: lastPath,
                                  endComment: nil, contentEnd: indent))
                continue
            }

            // Sequence markers, then perhaps a key.
            var column = indent
            var isItem = false
            while column < chars.count, chars[column] == "-",
                  column + 1 == chars.count || chars[column + 1] == " " {
                Self.pop(&stack, to: column, isItem: true)
                let parent = stack.map(\.component).joined(separator: "\u{1}")
                let index = itemCounts[parent, default: 0]
                itemCounts[parent] = index + 1
                stack.append(Frame(indent: column, component: "[\(index)]", isItem: true, opensBlock: true))
                column += 1
                while column < chars.count, chars[column] == " " { column += 1 }
                isItem = true
            }
            if !isItem { Self.pop(&stack, to: column, isItem: false) }

            if column < chars.count, let (key, valueStart) = Self.key(chars, at: column) {
                let value = String(chars[valueStart...]).trimmingCharacters(in: .whitespaces)
                let blockScalar = value.first.map { "|>".contains($0) } == true
                    && value.dropFirst().prefix { $0 != " " && $0 != "#" }.allSatisfy { "+-0123456789".contains($0) }
                let empty = value.isEmpty || value.hasPrefix("#") || blockScalar
                stack.append(Frame(indent: column, component: key, isItem: false, opensBlock: empty))
                if blockScalar { blockScalarIndent = column }
                let path = stack.map(\.component)
                let comment = open.scan(chars, from: valueStart)
                lines.append(Self.line(.content, indent, path, chars, comment))
                lastPath = path
            } else if isItem {
                let path = stack.map(\.component)
                let comment = open.scan(chars, from: column)
                lines.append(Self.line(.content, indent, path, chars, comment))
                lastPath = path
            } else {
                // A plain scalar folded onto this line, or text YAML would refuse: it belongs to
                // the node above.
                let comment = open.scan(chars, from: column)
                lines.append(Self.line(.continuation, indent, lastPath, chars, comment))
            }
        }
        self.lines = lines
    }

    private struct Frame {
        var indent: Int
        var component: String
        var isItem: Bool
        /// A key with nothing after its colon: its children may be a sequence at its own indent.
        var opensBlock: Bool
    }

    /// Leaves on the stack only the nodes that a line starting at `column` can be inside.
    private static func pop(_ stack: inout [Frame], to column: Int, isItem: Bool) {
        while let top = stack.last {
            if column > top.indent { break }
            if column == top.indent, isItem, !top.isItem, top.opensBlock { break }
            stack.removeLast()
        }
    }

    /// A mapping key starting at `start` (plain, or single- or double-quoted) and where its value
    /// starts, or nil when the line has no key there.
    private static func key(_ chars: [Character], at start: Int) -> (String, Int)? {
        let first = chars[start]
        if first == "\"" || first == "'" {
            var i = start + 1
            var key = ""
            while i < chars.count {
                let c = chars[i]
                if first == "\"", c == "\\", i + 1 < chars.count { key.append(chars[i + 1]); i += 2; continue }
                if c == first {
                    if first == "'", i + 1 < chars.count, chars[i + 1] == "'" { key.append("'"); i += 2; continue }
                    break
                }
                key.append(c)
                i += 1
            }
            var j = i + 1
            while j < chars.count, chars[j] == " " { j += 1 }
            guard j < chars.count, chars[j] == ":", j + 1 == chars.count || chars[j + 1] == " " else { return nil }
            return (key, j + 1)
        }
        if "{[#&*!|>%@`".contains(first) { return nil }
        var i = start
        while i < chars.count {
            if chars[i] == ":", i + 1 == chars.count || chars[i + 1] == " " || chars[i + 1] == "\t" {
                let key = String(chars[start..<i]).trimmingCharacters(in: .whitespaces)
                return key.isEmpty ? nil : (key, i + 1)
            }
            if chars[i] == "#", i > start, chars[i - 1] == " " { return nil }
            i += 1
        }
        return nil
    }

    private static func line(_ kind: Line.Kind, _ indent: Int, _ path: [String], _ chars: [Character], _ commentAt: Int?) -> Line {
        guard let at = commentAt else {
            return Line(kind: kind, indent: indent, path: path, endComment: nil, contentEnd: chars.count)
        }
        var end = at
        while end > 0, chars[end - 1] == " " || chars[end - 1] == "\t" { end -= 1 }
        return Line(kind: kind, indent: indent, path: path, endComment: String(chars[(at + 1)...]), contentEnd: end)
    }

    /// What is still open at the end of a line: a quoted string or flow collections.
    private struct LexState {
        var quote: Character? = nil
        var depth = 0
        var isOpen: Bool { quote != nil || depth > 0 }

        /// Reads a line's value from `start`, carrying quotes and brackets over lines; returns where
        /// an end-of-line comment's `#` is, if there is one.
        mutating func scan(_ chars: [Character], from start: Int) -> Int? {
            var i = start
            while i < chars.count {
                let c = chars[i]
                if let q = quote {
                    if q == "\"", c == "\\" { i += 2; continue }
                    if c == q {
                        if q == "'", i + 1 < chars.count, chars[i + 1] == "'" { i += 2; continue }
                        quote = nil
                    }
                    i += 1
                    continue
                }
                switch c {
                case "#" where i == 0 || chars[i - 1] == " " || chars[i - 1] == "\t":
                    return i
                case "\"", "'":
                    // A quote opens a string only where a scalar can start, not inside a plain
                    // word (`patient's`).
                    let before = i == start ? " " : chars[i - 1]
                    if " \t,[{:".contains(before) || i == start { quote = c }
                case "{", "[": depth += 1
                case "}", "]": depth = max(0, depth - 1)
                default: break
                }
                i += 1
            }
            return nil
        }
    }
}
