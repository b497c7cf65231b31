/// One key or scalar of a pathway file, with where it is and where it sits in the file's
/// structure: what the editor features (completion, references, rename, the outline) read.
public struct OutlineEntry: Hashable, Sendable {
    /// The keys above it, then its own key (for a key) or its place in a list (`[0]`).
    /// `steps.ct-scan.branches[1].to` is `["steps", "ct-scan", "branches", "[1]", "to"]`.
    public var path: [String]
    /// The key's text, for a key.
    public var key: String?
    /// Where the key is written.
    public var keyRange: TextRange?
    /// The scalar value's text, for `key: value` or a list item; `nil` for a block or a flow collection.
    public var value: String?
    /// Where the value's text is (inside its quotes).
    public var valueRange: TextRange?
    /// The last line of the entry's block (its own line for a one-line entry), for the outline.
    public var endLine: Int

    /// The path with list positions written `[]`, for matching against patterns.
    public var shape: [String] { path.map { $0.hasPrefix("[") ? "[]" : $0 } }
}

/// A tolerant reader of the YAML that pathway files are written in: block mappings and lists,
/// one-line and multi-line flow collections (`[a, b]`, `{ to: x, when: "..." }`), quoted and plain
/// scalars, comments and block scalars.
///
/// It is not a YAML parser: it never fails, so that completion and references keep working in a
/// half-typed file that the real loader rejects. Positions are in UTF-16 code units, as the
/// protocol counts them.
public struct PathwayOutline: Sendable {
    /// Every key and scalar, in file order.
    public private(set) var entries: [OutlineEntry] = []

    /// Reads the lines of a document.
    public init(lines: [String]) {
        var reader = Reader(lines: lines.map { Array($0.utf16) })
        reader.read()
        entries = reader.entries
    }

    /// The entries whose path begins with `prefix` (list positions matched as `[]` when the
    /// prefix says `[]`).
    public func entries(under prefix: [String]) -> [OutlineEntry] {
        entries.filter { $0.path.count >= prefix.count && zip($0.shape, prefix).allSatisfy { $1 == "*" || $0 == $1 } }
    }
}

private let space: UInt16 = 0x20, tab: UInt16 = 0x09, colon: UInt16 = 0x3A, hash: UInt16 = 0x23, dash: UInt16 = 0x2D
private let openBracket: UInt16 = 0x5B, closeBracket: UInt16 = 0x5D, openBrace: UInt16 = 0x7B, closeBrace: UInt16 = 0x7D
private let comma: UInt16 = 0x2C, doubleQuote: UInt16 = 0x22, singleQuote: UInt16 = 0x27, pipe: UInt16 = 0x7C, greater: UInt16 = 0x3E

private struct Reader {
    enum FrameKind { case key, list, item }
    struct Frame {
        var kind: FrameKind
        /// For a key: its column; for a list: the column of its `-`; for an item: its content's column.
        var indent: Int
        var path: [String]
        var entry: Int?
        var hasValue = false
        var count = 0
    }

    let lines: [[UInt16]]
    var entries: [OutlineEntry] = []
    var stack: [Frame] = []
    var lastContentLine = 0

    init(lines: [[UInt16]]) { self.lines = lines }

    mutating func read() {
        var lineIndex = 0
        while lineIndex < lines.count {
            lineIndex = readLine(lineIndex)
        }
        close(indent: -1, isDash: false)
    }

    /// Reads the line at `index`; returns the next line to read.
    mutating func readLine(_ index: Int) -> Int {
        let line = lines[index]
        var col = 0
        while col < line.count, line[col] == space { col += 1 }
        if col >= line.count || line[col] == hash { return index + 1 }
        if col == 0, line.count >= 3, line[0] == dash, line[1] == dash, line[2] == dash { return index + 1 }
        let isDash = line[col] == dash && isItemMarker(line, col)
        close(indent: col, isDash: isDash)
        defer { lastContentLine = index }
        var parent = stack.last?.path ?? []
        // List items: `- ` opens a list position, and the item's content sits after it.
        while col < line.count, line[col] == dash, isItemMarker(line, col) {
            if !(stack.last?.kind == .list && stack.last?.indent == col) {
                stack.append(Frame(kind: .list, indent: col, path: parent))
            }
            let n = stack[stack.count - 1].count
            stack[stack.count - 1].count += 1
            parent = stack[stack.count - 1].path + ["[\(n)]"]
            col += 1
            while col < line.count, line[col] == space { col += 1 }
            stack.append(Frame(kind: .item, indent: col, path: parent))
            if col >= line.count || line[col] == hash { return index + 1 }
        }
        if line[col] == openBracket || line[col] == openBrace {
            var flow = FlowCursor(line: index, col: col)
            readFlow(&flow, path: parent)
            return flow.line + 1
        }
        guard let (keyStart, keyEnd, keyText, valueStart) = key(in: line, from: col) else {
            // A scalar alone on its line: a list item's value, a continuation of text, or a key being typed.
            let (start, end, text) = scalar(in: line, from: col, flow: false)
            guard let top = stack.last else {
                entries.append(OutlineEntry(path: [text], key: text, keyRange: TextRange(line: index, from: start, to: end),
                                            value: nil, valueRange: nil, endLine: index))
                return index + 1
            }
            if top.kind == .item, top.indent == col, !itemHasKeys(parent) {
                entries.append(OutlineEntry(path: parent, key: nil, keyRange: nil, value: text,
                                            valueRange: TextRange(line: index, from: start, to: end), endLine: index))
            } else if (top.kind == .key && !top.hasValue) || top.kind == .item {
                entries.append(OutlineEntry(path: parent + [text], key: text, keyRange: TextRange(line: index, from: start, to: end),
                                            value: nil, valueRange: nil, endLine: index))
            }
            return index + 1
        }
        let path = parent + [keyText]
        var entry = OutlineEntry(path: path, key: keyText, keyRange: TextRange(line: index, from: keyStart, to: keyEnd),
                                 value: nil, valueRange: nil, endLine: index)
        var v = valueStart
        while v < line.count, line[v] == space || line[v] == tab { v += 1 }
        if v >= line.count || line[v] == hash {
            entries.append(entry)
            stack.append(Frame(kind: .key, indent: col, path: path, entry: entries.count - 1))
            return index + 1
        }
        if line[v] == openBracket || line[v] == openBrace {
            entries.append(entry)
            let at = entries.count - 1
            var flow = FlowCursor(line: index, col: v)
            readFlow(&flow, path: path)
            entries[at].endLine = flow.line
            return flow.line + 1
        }
        if line[v] == pipe || line[v] == greater {
            // A block scalar: its lines are text, up to the first line indented no further than the key.
            var next = index + 1
            while next < lines.count {
                let l = lines[next]
                var c = 0
                while c < l.count, l[c] == space { c += 1 }
                if c < l.count, c <= col { break }
                next += 1
            }
            entry.value = ""
            entry.endLine = next - 1
            entries.append(entry)
            return next
        }
        let (start, end, text) = scalar(in: line, from: v, flow: false)
        entry.value = text
        entry.valueRange = TextRange(line: index, from: start, to: end)
        entries.append(entry)
        // A plain scalar may go on over the following, further-indented lines.
        stack.append(Frame(kind: .key, indent: col, path: path, entry: entries.count - 1, hasValue: true))
        return index + 1
    }

    /// Whether the list item at `path` is a mapping (a key was read in it), so a word alone
    /// there is a key being typed rather than a value.
    func itemHasKeys(_ path: [String]) -> Bool {
        for e in entries.reversed() {
            guard e.path.count > path.count, Array(e.path.prefix(path.count)) == path else { return false }
            if e.key != nil, e.path.count == path.count + 1 { return true }
        }
        return false
    }

    /// Whether `-` at `col` starts a list item (`- ` or a lone `-`).
    func isItemMarker(_ line: [UInt16], _ col: Int) -> Bool {
        col + 1 >= line.count || line[col + 1] == space
    }

    /// Closes the blocks that a line starting at column `indent` ends.
    mutating func close(indent: Int, isDash: Bool) {
        while let top = stack.last {
            let keep: Bool
            switch top.kind {
            case .key: keep = indent > top.indent || (indent == top.indent && isDash && !top.hasValue)
            case .list: keep = indent > top.indent || (indent == top.indent && isDash)
            case .item: keep = indent >= top.indent
            }
            if keep { break }
            if let e = top.entry { entries[e].endLine = max(entries[e].endLine, lastContentLine) }
            stack.removeLast()
        }
    }

    /// A plain key (`name:` followed by a space or the line's end) starting at `col`.
    func key(in line: [UInt16], from col: Int) -> (Int, Int, String, Int)? {
        if line[col] == doubleQuote || line[col] == singleQuote {
            let quote = line[col]
            var end = col + 1
            while end < line.count, line[end] != quote { end += 1 }
            guard end < line.count, end + 1 < line.count, line[end + 1] == colon,
                  end + 2 >= line.count || line[end + 2] == space else { return nil }
            return (col + 1, end, String(decoding: line[(col + 1)..<end], as: UTF16.self), end + 2)
        }
        var i = col
        while i < line.count {
            let c = line[i]
            if c == colon, i + 1 >= line.count || line[i + 1] == space || line[i + 1] == tab {
                var end = i
                while end > col, line[end - 1] == space { end -= 1 }
                guard end > col else { return nil }
                return (col, end, String(decoding: line[col..<end], as: UTF16.self), i + 1)
            }
            if c == hash, i > col, line[i - 1] == space { return nil }
            i += 1
        }
        return nil
    }

    /// A scalar at `from`: quoted (the range inside the quotes) or plain (up to a comment, or in
    /// a flow collection up to `,`, `]` or `}`).
    func scalar(in line: [UInt16], from col: Int, flow: Bool) -> (Int, Int, String) {
        guard col < line.count else { return (col, col, "") }
        if line[col] == doubleQuote || line[col] == singleQuote {
            let quote = line[col]
            var end = col + 1
            while end < line.count {
                if line[end] == quote {
                    if quote == singleQuote, end + 1 < line.count, line[end + 1] == singleQuote { end += 2; continue }
                    break
                }
                if quote == doubleQuote, line[end] == 0x5C { end += 1 }
                end += 1
            }
            let stop = min(end, line.count)
            return (col + 1, stop, String(decoding: line[(col + 1)..<stop], as: UTF16.self))
        }
        var end = col
        while end < line.count {
            let c = line[end]
            if c == hash, end > col, line[end - 1] == space { break }
            if flow, c == comma || c == closeBracket || c == closeBrace { break }
            if flow, c == colon, end + 1 >= line.count || line[end + 1] == space { break }
            end += 1
        }
        while end > col, line[end - 1] == space || line[end - 1] == tab { end -= 1 }
        return (col, end, String(decoding: line[col..<end], as: UTF16.self))
    }

    // MARK: - Flow collections

    struct FlowCursor {
        var line: Int
        var col: Int
    }

    func current(_ c: FlowCursor) -> UInt16? {
        guard c.line < lines.count, c.col < lines[c.line].count else { return nil }
        return lines[c.line][c.col]
    }

    /// Moves past spaces, comments and line ends (a flow collection may span lines).
    func skipBlank(_ c: inout FlowCursor) {
        while c.line < lines.count {
            let line = lines[c.line]
            while c.col < line.count, line[c.col] == space || line[c.col] == tab { c.col += 1 }
            if c.col < line.count, line[c.col] != hash { return }
            c.line += 1
            c.col = 0
        }
        c.line = lines.count - 1
        c.col = lines.last?.count ?? 0
    }

    mutating func readFlow(_ c: inout FlowCursor, path: [String]) {
        guard let open = current(c) else { return }
        c.col += 1
        let close = open == openBracket ? closeBracket : closeBrace
        var item = 0
        while c.line < lines.count {
            skipBlank(&c)
            guard let ch = current(c) else { return }
            if ch == close { c.col += 1; return }
            if ch == comma { c.col += 1; continue }
            if ch == closeBracket || ch == closeBrace { c.col += 1; return }  // mismatched: stop here
            if open == openBracket {
                let itemPath = path + ["[\(item)]"]
                item += 1
                if ch == openBracket || ch == openBrace { readFlow(&c, path: itemPath); continue }
                let (start, end, text) = scalar(in: lines[c.line], from: c.col, flow: true)
                entries.append(OutlineEntry(path: itemPath, key: nil, keyRange: nil, value: text,
                                            valueRange: TextRange(line: c.line, from: start, to: end), endLine: c.line))
                c.col = max(end + (current(FlowCursor(line: c.line, col: end)) == doubleQuote || current(FlowCursor(line: c.line, col: end)) == singleQuote ? 1 : 0), c.col + 1)
            } else {
                let (ks, ke, keyText) = scalar(in: lines[c.line], from: c.col, flow: true)
                let keyLine = c.line
                c.col = max(ke, c.col + 1)
                if current(c) == doubleQuote || current(c) == singleQuote { c.col += 1 }
                skipBlank(&c)
                var entry = OutlineEntry(path: path + [keyText], key: keyText, keyRange: TextRange(line: keyLine, from: ks, to: ke),
                                         value: nil, valueRange: nil, endLine: keyLine)
                guard current(c) == colon else { entries.append(entry); continue }
                c.col += 1
                skipBlank(&c)
                guard let v = current(c) else { entries.append(entry); return }
                if v == comma || v == closeBrace { entry.value = ""; entry.valueRange = TextRange(line: c.line, from: c.col, to: c.col); entries.append(entry); continue }
                if v == openBracket || v == openBrace {
                    entries.append(entry)
                    let at = entries.count - 1
                    readFlow(&c, path: path + [keyText])
                    entries[at].endLine = c.line
                    continue
                }
                let (start, end, text) = scalar(in: lines[c.line], from: c.col, flow: true)
                entry.value = text
                entry.valueRange = TextRange(line: c.line, from: start, to: end)
                entry.endLine = c.line
                entries.append(entry)
                c.col = max(end, c.col + 1)
                if current(c) == doubleQuote || current(c) == singleQuote { c.col += 1 }
            }
        }
    }
}
