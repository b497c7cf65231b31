import Foundation
import PathwayModel

/// The text of one pathway file, kept so diagnostics can quote the offending line.
public struct SourceText: Sendable {
    /// The path as the user named it.
    public var file: String
    public var text: String
    /// UTF-8 offsets where each line starts.
    private var lineStarts: [Int]

    public init(file: String, text: String) {
        self.file = file
        self.text = text
        var starts = [0]
        var offset = 0
        for byte in text.utf8 {
            offset += 1
            if byte == 0x0A { starts.append(offset) }
        }
        lineStarts = starts
    }

    /// The 1-based line's text without its line break, or nil past the end.
    public func line(_ number: Int) -> String? {
        guard number >= 1, number <= lineStarts.count else { return nil }
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: lineStarts[number - 1])
        var end = number < lineStarts.count ? utf8.index(utf8.startIndex, offsetBy: lineStarts[number]) : utf8.endIndex
        while end > start, utf8[utf8.index(before: end)] == 0x0A || utf8[utf8.index(before: end)] == 0x0D {
            end = utf8.index(before: end)
        }
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }

    public var lineCount: Int { lineStarts.count }
}

/// Why a file's bytes could not become pathway text.
enum SourceReadFailure {
    case diagnostic(Diagnostic)
}

/// Turns raw bytes into text, refusing what is not a pathway file: too large, empty, binary,
/// not UTF-8, or indented with tabs.
enum SourceReader {
    static func read(path: String, limits: LanguageLimits) -> Result<SourceText, Diagnostic> {
        let start = SourceLocation(file: path, line: 1, column: 1)
        let size: Int
        switch FileCheck.kind(of: path) {
        case .regular(let bytes): size = bytes
        case .missing:
            return .failure(.error(.cp001, "cannot find the file '\(path)'", at: nil,
                                   help: "check the path; it is relative to the folder you ran carepath in"))
        case .symlinkLoop:
            return .failure(.error(.cp001, "'\(path)' is a symbolic link that leads back to itself (a symlink loop)", at: nil,
                                   help: "point the link at the pathway file, or remove it"))
        case let other:
            return .failure(.error(.cp001, FileCheck.unreadableReason(path, kind: other) ?? "cannot read '\(path)'", at: nil))
        }
        if size > limits.maxFileBytes {
            return .failure(.error(.cp002, "the file is \(size) bytes, more than the limit of \(limits.maxFileBytes) bytes",
                                   at: start, help: "split the pathway into subpathways, or raise the limit with --max-file-bytes"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(.error(.cp001, "cannot read the file '\(path)'", at: nil,
                                   help: "check that you have permission to read it"))
        }
        return decode(data: data, file: path, limits: limits)
    }

    static func decode(data: Data, file: String, limits: LanguageLimits) -> Result<SourceText, Diagnostic> {
        let start = SourceLocation(file: file, line: 1, column: 1)
        if data.count > limits.maxFileBytes {
            return .failure(.error(.cp002, "the file is \(data.count) bytes, more than the limit of \(limits.maxFileBytes) bytes",
                                   at: start, help: "split the pathway into subpathways, or raise the limit with --max-file-bytes"))
        }
        // UTF-16 (what some Windows editors save as "Unicode"): a byte-order mark, or ASCII text
        // with a zero byte beside every character. Said as such, not "a binary file".
        let head = Array(data.prefix(4))
        let bom16 = head.count >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF))
        let plain16 = head.count >= 4 && ((head[0] != 0 && head[1] == 0 && head[2] != 0 && head[3] == 0)
            || (head[0] == 0 && head[1] != 0 && head[2] == 0 && head[3] != 0))
        if bom16 || plain16 {
            return .failure(.error(.cp004, "the file is saved as UTF-16 text; carepath reads UTF-8",
                                   at: start, help: "save the file as UTF-8 (most editors offer this under 'Save with encoding'; in Notepad choose 'UTF-8')"))
        }
        if let nul = data.firstIndex(of: 0) {
            let offset = nul - data.startIndex
            return .failure(.error(.cp004, "this looks like a binary file (it contains a NUL byte at byte \(offset)), not a pathway written in YAML",
                                   at: start, help: "a pathway file is plain text; check you named the right file"))
        }
        guard var text = String(data: data, encoding: .utf8) else {
            let (line, column) = firstInvalidUTF8(in: data)
            return .failure(.error(.cp004, "the file is not valid UTF-8 text",
                                   at: SourceLocation(file: file, line: line, column: column),
                                   help: "save the file as UTF-8 (most editors offer this under 'Save with encoding')"))
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return .failure(.error(.cp003, "the file is empty", at: start,
                                   help: "a pathway needs at least `carepath: 1`, `id`, `title`, `start` and `steps`"))
        }
        return .success(SourceText(file: file, text: text))
    }

    /// A tab where YAML needs a space (CP005): indenting a line, or in block-style text outside
    /// quotes, comments and block scalars (`key:<tab>value`, `-<tab>item`, `value<tab># note`).
    ///
    /// YAML forbids tabs for indentation, and libyaml's own message for them is cryptic. libyaml
    /// (and VS Code's YAML reader) accept a tab after `key:`, but PyYAML and ruamel.yaml (behind
    /// check-jsonschema, the schema checker of pipelines and pre-commit hooks) refuse a tab
    /// anywhere in block-style text outside quotes; carepath refuses it too, so that a file is
    /// good for every tool or for none. Inside `{ … }` and `[ … ]` they all accept tabs, so
    /// they are left alone there.
    static func misplacedTab(in source: SourceText) -> Diagnostic? {
        // Byte scan: every character that matters here is ASCII.
        let tab: UInt8 = 0x09, space: UInt8 = 0x20, hash = UInt8(ascii: "#")
        let singleQuote = UInt8(ascii: "'"), doubleQuote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        let openers: Set<UInt8> = [UInt8(ascii: "["), UInt8(ascii: "{")], closers: Set<UInt8> = [UInt8(ascii: "]"), UInt8(ascii: "}")]
        let tokenStarts: Set<UInt8> = [space, tab, UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ",")]
        var quote: UInt8 = 0
        var flowDepth = 0
        // The indentation of the line that opened a block scalar (`|` or `>`); deeper lines are its text.
        var blockScalarParent: Int?
        for (index, line) in source.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let bytes = Array(line.utf8)
            let indent = bytes.prefix { $0 == space }.count
            let blank = bytes.allSatisfy { $0 == space || $0 == tab || $0 == 0x0D }
            func at(_ i: Int) -> SourceLocation {
                let column = String(decoding: bytes[..<i], as: UTF8.self).unicodeScalars.count + 1
                return SourceLocation(file: source.file, line: index + 1, column: column)
            }
            if indent < bytes.count, bytes[indent] == tab {
                return .error(.cp005, "this line is indented with a tab; YAML allows only spaces for indentation",
                              at: at(indent), help: "replace the tab with spaces (most editors can convert tabs to spaces)")
            }
            if let parent = blockScalarParent {
                if blank || indent > parent { continue }
                blockScalarParent = nil
            }
            // A key at the start of a line ends any quote or bracket left open by mistake (or by
            // an apostrophe or bracket in plain text), so one slip cannot hide the rest of the file.
            if indent == 0, !blank, bytes[0] != hash, quote == 0 || bytes[0] != quote { quote = 0; flowDepth = 0 }
            var previous: UInt8 = space
            var contentEnd = bytes.count
            var i = 0
            while i < bytes.count {
                let c = bytes[i]
                if quote != 0 {
                    if quote == doubleQuote && c == backslash { i += 2; continue }
                    if c == quote { quote = 0 }
                    previous = c; i += 1
                    continue
                }
                if c == hash && (previous == space || previous == tab) { contentEnd = i; break }
                if (c == singleQuote || c == doubleQuote) && tokenStarts.contains(previous) {
                    quote = c
                } else if openers.contains(c) && tokenStarts.contains(previous) {
                    flowDepth += 1
                } else if closers.contains(c) && flowDepth > 0 {
                    flowDepth -= 1
                } else if c == tab && flowDepth == 0 {
                    let before = bytes[..<i].last { $0 != space && $0 != tab }
                    let afterColon = before == UInt8(ascii: ":")
                    return .error(.cp005, afterColon
                                  ? "there is a tab after ':' on this line; many YAML tools (PyYAML, ruamel.yaml) refuse a tab there"
                                  : "there is a tab on this line outside quotes; many YAML tools (PyYAML, ruamel.yaml) refuse it",
                                  at: at(i),
                                  help: afterColon ? "replace the tab with a space"
                                      : "replace the tab with a space, or put the text in quotes if the tab belongs in it")
                }
                previous = c
                i += 1
            }
            // `key: |` or `- >-` opens a block scalar: its lines are text, where tabs are allowed.
            if quote == 0, flowDepth == 0 {
                let content = String(decoding: bytes[..<contentEnd], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                if let last = content.split(separator: " ").last, let first = last.first, first == "|" || first == ">",
                   last.dropFirst().allSatisfy({ $0 == "+" || $0 == "-" || $0.isNumber }) {
                    blockScalarParent = indent
                }
            }
        }
        return nil
    }

    private static func firstInvalidUTF8(in data: Data) -> (Int, Int) {
        var line = 1, column = 1
        var i = data.startIndex
        while i < data.endIndex {
            let b = data[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return (line, column)
            }
            if i + length > data.endIndex { return (line, column) }
            for k in 1..<length where data[i + k] & 0xC0 != 0x80 { return (line, column) }
            // The second byte's narrower ranges: no overlong forms, no UTF-16 surrogates
            // (ED A0–BF), nothing past U+10FFFF (F4 90–BF). These were reported at the end of file.
            if length > 2 {
                let second = data[i + 1]
                switch b {
                case 0xE0 where second < 0xA0, 0xED where second > 0x9F,
                     0xF0 where second < 0x90, 0xF4 where second > 0x8F:
                    return (line, column)
                default: break
                }
            }
            if b == 0x0A { line += 1; column = 1 } else { column += 1 }
            i += length
        }
        return (line, column)
    }
}
