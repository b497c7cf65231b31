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

    /// Tabs used for indentation: YAML forbids them, and libyaml's own message is cryptic.
    static func tabIndentation(in source: SourceText) -> Diagnostic? {
        // Byte scan: only spaces and tabs at the start of a line matter, and both are ASCII.
        var line = 1, column = 1, atLineStart = true
        for byte in source.text.utf8 {
            if byte == 0x0A { line += 1; column = 1; atLineStart = true; continue }
            if atLineStart {
                if byte == 0x09 {
                    return .error(.cp005, "this line is indented with a tab; YAML allows only spaces for indentation",
                                  at: SourceLocation(file: source.file, line: line, column: column),
                                  help: "replace the tab with spaces (most editors can convert tabs to spaces)")
                }
                if byte != 0x20 { atLineStart = false }
            }
            column += 1
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
