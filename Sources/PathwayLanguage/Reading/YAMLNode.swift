import PathwayModel
import Yams

/// A YAML node with its position: the syntax tree the builder reads.
///
/// Built from Yams's tree with duplicate keys rejected, nesting bounded and every alias
/// expansion counted, so hostile files end in a diagnostic rather than a hang.
struct YAMLNode: Sendable {
    enum Kind: Sendable {
        /// A scalar's text; `quoted` when written in quotes (so `"40"` stays text).
        case scalar(String, quoted: Bool)
        case mapping([YAMLEntry])
        case sequence([YAMLNode])
    }

    var kind: Kind
    var location: SourceLocation

    /// The scalar's text, if this is a scalar.
    var scalar: String? {
        if case .scalar(let s, _) = kind { return s }
        return nil
    }

    var isNull: Bool {
        if case .scalar(let s, let quoted) = kind, !quoted { return s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL" }
        return false
    }

    /// What kind of value this is, in plain words, for "expected X, found Y" messages.
    var description: String {
        switch kind {
        case .mapping: "a set of keys"
        case .sequence: "a list"
        case .scalar(let s, let quoted):
            if isNull { "nothing" } else if quoted { "the text \"\(s)\"" } else { "'\(s)'" }
        }
    }

    /// For scalars: the column where the text itself starts (after an opening quote).
    var contentLocation: SourceLocation {
        if case .scalar(_, let quoted) = kind, quoted { return location.advanced(byColumns: 1) }
        return location
    }
}

/// A key and its value in a YAML mapping.
struct YAMLEntry: Sendable {
    var key: String
    var keyLocation: SourceLocation
    var value: YAMLNode
}

/// Reads YAML text into a `YAMLNode`, reporting syntax errors and limits as diagnostics.
enum YAMLReader {
    static func read(_ source: SourceText, limits: LanguageLimits) -> (YAMLNode?, [Diagnostic]) {
        if let complex = complexKey(in: source) { return (nil, [complex]) }
        let root: Node?
        do {
            let parser = try Parser(yaml: source.text, resolver: .basic, constructor: .default, encoding: .utf8)
            root = try parser.singleRoot()
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            return (nil, [duplicateKey(duplicates.first ?? "", first: context.mark, in: source)])
        } catch let error as YamlError {
            return (nil, [diagnostic(for: error, source: source)])
        } catch {
            return (nil, [.error(.cp006, "the file is not valid YAML: \(error)", at: SourceLocation(file: source.file, line: 1, column: 1))])
        }
        guard let root else {
            return (nil, [.error(.cp003, "the file is empty", at: SourceLocation(file: source.file, line: 1, column: 1))])
        }
        var converter = Converter(file: source.file, limits: limits)
        let node = converter.convert(root, depth: 0)
        return (converter.failed ? nil : node, converter.diagnostics)
    }

    private struct Converter {
        let file: String
        let limits: LanguageLimits
        var visited = 0
        var diagnostics: [Diagnostic] = []
        var failed = false

        init(file: String, limits: LanguageLimits) {
            self.file = file
            self.limits = limits
        }

        func location(_ mark: Mark?) -> SourceLocation {
            guard let mark else { return SourceLocation(file: file, line: 1, column: 1) }
            return SourceLocation(file: file, line: mark.line, column: mark.column)
        }

        mutating func convert(_ node: Node, depth: Int) -> YAMLNode {
            let here = location(node.mark)
            if failed { return YAMLNode(kind: .scalar("", quoted: false), location: here) }
            visited += 1
            if visited > limits.maxNodes {
                failed = true
                diagnostics.append(.error(.cp009, "the file expands to more than \(limits.maxNodes) values; repeated aliases (`*name`) can make a small file enormous",
                                          at: here, help: "remove the repeated aliases, or raise the limit with --max-nodes"))
                return YAMLNode(kind: .scalar("", quoted: false), location: here)
            }
            if depth > limits.maxDepth {
                failed = true
                diagnostics.append(.error(.cp008, "the file is nested more than \(limits.maxDepth) levels deep",
                                          at: here, help: "a pathway needs only a few levels; check the indentation, or raise the limit with --max-depth"))
                return YAMLNode(kind: .scalar("", quoted: false), location: here)
            }
            switch node {
            case .scalar(let scalar):
                // `!!str 2` is text, as a YAML tool reads it (the tag was dropped, so it read as 2).
                let quoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
                    || scalar.style == .literal || scalar.style == .folded || scalar.tag.description == "tag:yaml.org,2002:str"
                return YAMLNode(kind: .scalar(scalar.string, quoted: quoted), location: here)
            case .sequence(let sequence):
                var items: [YAMLNode] = []
                items.reserveCapacity(sequence.count)
                for item in sequence {
                    items.append(convert(item, depth: depth + 1))
                    if failed { break }
                }
                return YAMLNode(kind: .sequence(items), location: here)
            case .mapping(let mapping):
                var entries: [YAMLEntry] = []
                var seen: [String: SourceLocation] = [:]
                for (key, value) in mapping {
                    let keyLocation = location(key.mark)
                    guard case .scalar(let keyScalar) = key else {
                        diagnostics.append(.error(.cp013, "a key must be a plain name, not a list or a set of keys", at: keyLocation))
                        continue
                    }
                    let name = keyScalar.string
                    if name == "<<" {
                        diagnostics.append(.error(.cp006, "merge keys (`<<`) are not supported in pathway files",
                                                  at: keyLocation, help: "write the keys out in full"))
                        continue
                    }
                    if let first = seen[name] {
                        diagnostics.append(.error(.cp007, "the key '\(name)' appears twice here; YAML would silently keep only one of them",
                                                  at: keyLocation, notes: [DiagnosticNote("first written here", at: first)],
                                                  help: "remove one of them, or rename it if you meant two different entries"))
                        continue
                    }
                    seen[name] = keyLocation
                    let converted = convert(value, depth: depth + 1)
                    entries.append(YAMLEntry(key: name, keyLocation: keyLocation, value: converted))
                    if failed { break }
                }
                return YAMLNode(kind: .mapping(entries), location: here)
            case .alias:
                return YAMLNode(kind: .scalar("", quoted: false), location: here)
            }
        }
    }

    /// Keys that are not plain names (`? ` explicit keys, aliases or lists used as keys).
    ///
    /// Pathway files never need them, and they are dangerous: Yams compares keys by hashing
    /// whole nodes, so an alias key that expands to a huge structure would hang the parser.
    /// This scan runs on the text, before YAML parsing, skipping quoted text and comments.
    /// Inside `[ … ]` and `{ … }` YAML makes an alias a key in more ways than `*a: x`: an alias
    /// in a key place of `{ … }` (`{*a, x}`), and an alias followed by more text on its line
    /// (`[*a text: x]`, found by fuzzing); so there an alias must be followed by `,`, `]`, `}`,
    /// a comment or the end of the line, and may not stand where a `{ … }` key goes.
    static func complexKey(in source: SourceText) -> Diagnostic? {
        // Every character that matters here is ASCII, so the scan runs over UTF-8 bytes.
        let bytes = Array(source.text.utf8)
        let space: UInt8 = 0x20, tab: UInt8 = 0x09, newline: UInt8 = 0x0A
        let question = UInt8(ascii: "?"), star = UInt8(ascii: "*"), hash = UInt8(ascii: "#")
        let colon = UInt8(ascii: ":"), doubleQuote = UInt8(ascii: "\""), singleQuote = UInt8(ascii: "'")
        let closers: Set<UInt8> = [UInt8(ascii: "]"), UInt8(ascii: "}")]
        let tokenStarts: Set<UInt8> = [space, tab, UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ","), UInt8(ascii: "-"), colon]
        let aliasEnds: Set<UInt8> = [space, tab, newline, 0x0D, UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}")]
        func keyAfter(_ k: Int) -> Bool {
            // Spaces, then a ':' followed by a space or the end of the line.
            var j = k
            while j < bytes.count, bytes[j] == space { j += 1 }
            guard j < bytes.count, bytes[j] == colon else { return false }
            return j + 1 >= bytes.count || bytes[j + 1] == space || bytes[j + 1] == newline || bytes[j + 1] == 0x0D
        }
        var line = 1, lineStart = 0
        var i = 0
        var quote: UInt8 = 0
        var inComment = false
        var previous: UInt8 = newline
        // Open flow collections, innermost last: `[` or `{`; and for the innermost `{`, whether
        // the next value written goes in a key place (after `{` or `,`).
        var flow: [UInt8] = []
        var flowKeyPlace = false
        let openSequence = UInt8(ascii: "["), openMapping = UInt8(ascii: "{"), comma = UInt8(ascii: ",")
        func aliasEndsCleanly(_ k: Int) -> Bool {
            // Spaces, then `,`, a closer, a comment or the end of the line.
            var j = k
            while j < bytes.count, bytes[j] == space || bytes[j] == tab { j += 1 }
            guard j < bytes.count else { return true }
            let next = bytes[j]
            return next == comma || closers.contains(next) || next == hash || next == newline || next == 0x0D
        }
        while i < bytes.count {
            let c = bytes[i]
            if c == newline {
                line += 1; lineStart = i + 1; quote = 0; inComment = false; previous = newline; i += 1
                // A key at the start of a line ends any flow collection left open by mistake
                // (or by brackets in plain text), so the flow rules below cannot misfire later.
                if i < bytes.count, bytes[i] != space, bytes[i] != tab, bytes[i] != newline, bytes[i] != hash { flow.removeAll() }
                continue
            }
            if inComment { i += 1; continue }
            if quote != 0 {
                if c == quote { quote = 0 }
                previous = c; i += 1
                continue
            }
            let atTokenStart = previous == newline || tokenStarts.contains(previous)
            if c == hash && (previous == newline || previous == space || previous == tab) { inComment = true; i += 1; continue }
            if (c == doubleQuote || c == singleQuote) && atTokenStart { quote = c; previous = c; i += 1; continue }
            var problem: String?
            if c == question && atTokenStart && (i + 1 >= bytes.count || bytes[i + 1] == space || bytes[i + 1] == newline) {
                problem = "an explicit key (`? `)"
            } else if c == star && atTokenStart {
                var j = i + 1
                while j < bytes.count, !aliasEnds.contains(bytes[j]) { j += 1 }
                if j > i + 1 && keyAfter(j) {
                    problem = "an alias (`*name`) as a key"
                } else if j > i + 1, flow.last == openMapping && flowKeyPlace {
                    problem = "an alias (`*name`) where a key of `{ … }` goes"
                } else if j > i + 1, !flow.isEmpty && !aliasEndsCleanly(j) {
                    problem = "an alias (`*name`) followed by more text inside `[ … ]` or `{ … }`, which YAML reads as a key"
                }
            } else if closers.contains(c) && keyAfter(i + 1) {
                problem = "a list or a set of keys as a key"
            }
            if problem == nil && atTokenStart && (c == openSequence || c == openMapping) {
                flow.append(c)
            } else if problem == nil && closers.contains(c) && !flow.isEmpty {
                flow.removeLast()
            }
            if flow.last == openMapping {
                if c == openMapping || c == comma { flowKeyPlace = true } else if c != space && c != tab { flowKeyPlace = false }
            }
            if let problem {
                let column = String(decoding: bytes[lineStart..<i], as: UTF8.self).unicodeScalars.count + 1
                return .error(.cp013, "this file uses \(problem); keys in a pathway file must be plain names",
                              at: SourceLocation(file: source.file, line: line, column: column),
                              help: "write the key as a plain name such as `ct-scan:`")
            }
            previous = c
            i += 1
        }
        return nil
    }

    /// libyaml's composer reports only the first copy of a repeated key; find the second by
    /// looking for the same key at the same column further down.
    static func duplicateKey(_ key: String, first: Mark, in source: SourceText) -> Diagnostic {
        let firstLocation = SourceLocation(file: source.file, line: first.line, column: first.column)
        var second = firstLocation
        var line = first.line + 1
        while line <= source.lineCount, let text = source.line(line) {
            let scalars = Array(text.unicodeScalars)
            let col = first.column - 1
            if scalars.count > col, col >= 0 {
                let rest = String(String.UnicodeScalarView(scalars[col...]))
                let indentOK = scalars[..<col].allSatisfy { $0 == " " || $0 == "-" }
                if indentOK, rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":") || rest.hasPrefix("'\(key)':") {
                    second = SourceLocation(file: source.file, line: line, column: first.column)
                    break
                }
            }
            line += 1
        }
        return .error(.cp007, "the key '\(key)' appears twice in the same place; YAML would silently keep only one of them",
                      at: second, notes: second == firstLocation ? [] : [DiagnosticNote("first written here", at: firstLocation)],
                      help: "remove one of them, or rename it if you meant two different entries")
    }

    static func diagnostic(for error: YamlError, source: SourceText) -> Diagnostic {
        let file = source.file
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let at = SourceLocation(file: file, line: mark.line, column: mark.column)
            if problem.contains("Maximum nesting level reached") {
                // libyaml's own limit (1,000 levels), below which --max-depth applies.
                return .error(.cp008, "the file is nested more than 1,000 levels deep, the most the YAML reader accepts",
                              at: at, help: "a pathway needs only a few levels; check the indentation (--max-depth cannot raise this limit above 1,000)")
            }
            var notes: [DiagnosticNote] = []
            if let context {
                notes.append(DiagnosticNote(context.text, at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column)))
            }
            var hint = help(for: problem)
            if problem.contains("mapping values are not allowed"), source.line(mark.line)?.contains("(") == true {
                hint = "a value such as `lognormal(mean: 20 min, sd: 5 min)` must be put in quotes, because ': ' inside it looks like a new key; or write `lognormal(mean=20 min, sd=5 min)`"
            }
            if problem.contains("did not find expected ',' or '}'") || problem.contains("did not find expected ',' or ']'") {
                hint = "inside `{ … }` or `[ … ]` a comma ends the value; put a value that contains commas in quotes, such as `distribution: \"normal(mean: 71, sd: 9)\"`"
            }
            return .error(.cp006, "the file is not valid YAML: \(problem)", at: at, notes: notes, help: hint)
        case .composer(let context, let problem, let mark, _):
            let at = SourceLocation(file: file, line: mark.line, column: mark.column)
            var notes: [DiagnosticNote] = []
            if let context { notes.append(DiagnosticNote(context.text)) }
            return .error(.cp006, "the file is not valid YAML: \(problem)", at: at, notes: notes)
        case .reader(let problem, _, _, _):
            return .error(.cp004, "the file could not be read as text: \(problem)", at: SourceLocation(file: file, line: 1, column: 1))
        default:
            return .error(.cp006, "the file is not valid YAML: \(error)", at: SourceLocation(file: file, line: 1, column: 1))
        }
    }

    private static func help(for problem: String) -> String? {
        if problem.contains("mapping values are not allowed") {
            return "a value that contains ': ' must be put in quotes, or a key is indented wrongly"
        }
        if problem.contains("could not find expected ':'") {
            return "each line in a set of keys needs the form `key: value`; check the line before for a missing colon or quote"
        }
        if problem.contains("did not find expected key") || problem.contains("did not find expected '-' indicator") {
            return "check the indentation: items at the same level must start in the same column"
        }
        if problem.contains("found undefined alias") {
            return "an alias `*name` must refer to an anchor `&name` written earlier in the file"
        }
        if problem.contains("Maximum nesting level") {
            return "the file is nested far too deeply to be a pathway"
        }
        return nil
    }
}
