import PathwayLanguage
import PathwayModel

/// Turns the validator's diagnostics into the protocol's: positions from 1-based lines and
/// Unicode-scalar columns to 0-based lines and UTF-16 offsets, each underlining the token it is
/// about; severity, code, help and notes as text, notes that point somewhere as
/// `relatedInformation`, and a one-word suggestion kept in `data` for the quick fix.
///
/// Diagnostics about another file (the standard an overlay extends, a subpathway) are shown
/// at the top of the document, with the other place as related information.
public struct DiagnosticMapper {
    /// The file the document was validated as.
    public var file: String
    /// The document's URI.
    public var uri: String
    /// The document's lines.
    public var lines: LineTable
    /// The text of the other files read (from `LoadResult.sources`).
    public var sources: [String: SourceText]

    /// A mapper for one document.
    public init(file: String, uri: String, lines: LineTable, sources: [String: SourceText] = [:]) {
        self.file = file
        self.uri = uri
        self.lines = lines
        self.sources = sources
    }

    /// The protocol's form of `diagnostics`.
    public func map(_ diagnostics: [Diagnostic]) -> [LSPDiagnostic] {
        var otherFiles: [String: LineTable] = [:]
        return diagnostics.map { d in map(d, otherFiles: &otherFiles) }
    }

    private func map(_ d: Diagnostic, otherFiles: inout [String: LineTable]) -> LSPDiagnostic {
        var message = d.message
        var related: [DiagnosticRelatedInformation] = []
        var range = TextRange(line: 0, from: 0, to: lines.endOfLine(0))
        var replacement: String?
        if let location = d.location, location.line > 0 {
            if location.file == file {
                range = Self.tokenRange(in: lines, line: location.line, column: location.column, naming: Self.quotedNames(in: d.message))
                if let s = d.suggestion, !s.isEmpty, !s.contains(where: \.isWhitespace) { replacement = s }
            } else {
                message = "\(location): \(message)"
                if let table = table(for: location.file, cache: &otherFiles) {
                    related.append(DiagnosticRelatedInformation(
                        location: Location(uri: DocumentURI.uri(location.file), range: Self.tokenRange(in: table, line: location.line, column: location.column, naming: [])),
                        message: "the problem is here"))
                }
            }
        }
        if let help = d.help { message += "\nhelp: \(help)" }
        if let s = d.suggestion, replacement == nil, !d.message.contains(s) { message += "\nsuggestion: \(s)" }
        for note in d.notes {
            if let at = note.location, at.line > 0, let table = at.file == file ? lines : table(for: at.file, cache: &otherFiles) {
                let target = at.file == file ? uri : DocumentURI.uri(at.file)
                related.append(DiagnosticRelatedInformation(location: Location(uri: target, range: Self.tokenRange(in: table, line: at.line, column: at.column, naming: [])),
                                                            message: note.message))
            } else {
                message += "\nnote: \(note.message)"
            }
        }
        return LSPDiagnostic(range: range, severity: Self.severity(d.severity), code: d.code,
                             codeDescription: nil, source: "carepath", message: message,
                             relatedInformation: related.isEmpty ? nil : related,
                             data: replacement.map(DiagnosticData.init(replacement:)))
    }

    private func table(for path: String, cache: inout [String: LineTable]) -> LineTable? {
        if let t = cache[path] { return t }
        guard let source = sources[path] else { return nil }
        let t = LineTable(source.text)
        cache[path] = t
        return t
    }

    /// LSP severities: 1 error, 2 warning, 3 information.
    static func severity(_ s: Severity) -> Int {
        switch s {
        case .error: 1
        case .warning: 2
        case .note: 3
        }
    }

    /// The names a message quotes ('clinc'), which the underline should cover if they are on the line.
    static func quotedNames(in message: String) -> [String] {
        let parts = message.split(separator: "'", omittingEmptySubsequences: false)
        return stride(from: 1, to: parts.count - 1, by: 2).map { String(parts[$0]) }.filter { !$0.isEmpty && !$0.contains(" ") }
    }

    /// The range of the token at a validator position (1-based line, column in Unicode scalars):
    /// one of `names` if the line names it at or after the column, else the word starting there
    /// (a quoted scalar up to its closing quote), else the rest of the line.
    public static func tokenRange(in lines: LineTable, line: Int, column: Int, naming names: [String]) -> TextRange {
        let start = lines.position(line: line, column: column)
        let units = Array(lines.line(start.line).utf16)
        for name in names {
            let needle = Array(name.utf16)
            guard !needle.isEmpty, needle.count <= units.count else { continue }
            var i = start.character
            while i + needle.count <= units.count {
                if Array(units[i..<(i + needle.count)]) == needle,
                   i == 0 || !isWordUnit(units[i - 1]), i + needle.count == units.count || !isWordUnit(units[i + needle.count]) {
                    return TextRange(line: start.line, from: i, to: i + needle.count)
                }
                i += 1
            }
        }
        var end = start.character
        if end < units.count, units[end] == 0x22 || units[end] == 0x27 {
            let quote = units[end]
            end += 1
            while end < units.count, units[end] != quote { end += 1 }
            return TextRange(line: start.line, from: start.character, to: min(end + 1, units.count))
        }
        while end < units.count, isWordUnit(units[end]) || units[end] == 0x2E || units[end] == 0x2F { end += 1 }
        if end == start.character {
            // Nothing word-like here (a mapping, a list): underline to the end of the line.
            return TextRange(line: start.line, from: start.character, to: max(units.count, start.character))
        }
        return TextRange(line: start.line, from: start.character, to: end)
    }

    static func isWordUnit(_ u: UInt16) -> Bool {
        (u >= 0x30 && u <= 0x39) || (u >= 0x41 && u <= 0x5A) || (u >= 0x61 && u <= 0x7A) || u == 0x2D || u == 0x5F || u >= 0x80
    }
}
