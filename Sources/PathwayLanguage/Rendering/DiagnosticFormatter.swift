import Foundation
import PathwayModel

/// Prints diagnostics the way a compiler does:
///
///     Pathways/lung.yaml:42:7: error[CP101]: step 'ct-result' branches to 'clinc', which is not a step — did you mean 'clinic'?
///        42 |       - { to: clinc, probability: 0.4 }
///           |               ^
///     help: ...
public struct DiagnosticFormatter: Sendable {
    /// Use ANSI colours (for a terminal).
    public var colour: Bool
    /// The text of each file, to quote the offending line; files not here are not quoted.
    public var sources: [String: SourceText]

    public init(colour: Bool = false, sources: [String: SourceText] = [:]) {
        self.colour = colour
        self.sources = sources
    }

    private func paint(_ text: String, _ code: String) -> String { TerminalStyle(enabled: colour).paint(text, code) }

    /// One diagnostic with its source line, caret, notes, suggestion and help.
    public func format(_ d: Diagnostic) -> String {
        var out = ""
        let severityColour: String
        switch d.severity {
        case .error: severityColour = "1;31"
        case .warning: severityColour = "1;33"
        case .note: severityColour = "1;36"
        }
        // File names come from folder walks and subpathway paths: escaped like the message, so a
        // name holding terminal escapes or line breaks cannot rewrite the screen.
        if let at = d.location { out += paint(TerminalText.safeLine("\(at)") + ":", "1") + " " }
        out += paint("\(d.severity.rawValue)[\(d.code)]:", severityColour) + " " + paint(TerminalText.safe(d.message), "1") + "\n"
        if let at = d.location { out += quote(at) }
        for note in d.notes {
            if let at = note.location, at != .unknown {
                out += paint(TerminalText.safeLine("\(at)") + ":", "1") + " " + paint("note:", "1;36") + " \(TerminalText.safe(note.message))\n"
                out += quote(at)
            } else {
                out += "  " + paint("note:", "1;36") + " \(TerminalText.safe(note.message))\n"
            }
        }
        if let suggestion = d.suggestion {
            let text = TerminalText.safe(suggestion.contains(" ") ? suggestion : "'\(suggestion)'")
            out += "  " + paint("suggestion:", "1;32") + " \(text)\n"
        }
        if let help = d.help { out += "  " + paint("help:", "1;32") + " \(TerminalText.safe(help))\n" }
        return out
    }

    /// Longest source line quoted whole; a longer one is shown as a window around the caret
    /// (with `…` where it was cut), so a 100,000-character line quoted by many diagnostics
    /// cannot make the output quadratic.
    static let quotedLineLimit = 160

    private func quote(_ at: SourceLocation) -> String {
        guard let source = sources[at.file], let line = source.line(at.line) else { return "" }
        let number = String(at.line)
        let gutter = String(repeating: " ", count: number.count)
        var scalars = Array(line.unicodeScalars)
        var caret = max(0, at.column - 1)
        if scalars.count > Self.quotedLineLimit {
            let start = max(0, min(caret - 60, scalars.count - Self.quotedLineLimit))
            let end = min(scalars.count, start + Self.quotedLineLimit)
            var window = Array(scalars[start..<end])
            if end < scalars.count { window.append("…") }
            if start > 0 { window.insert("…", at: 0); caret = caret - start + 1 }
            scalars = window
        }
        let shown = String(String.UnicodeScalarView(scalars))
        // Keep tabs in the caret line so it lines up under the same character.
        let before = TerminalText.safe(String(String.UnicodeScalarView(scalars.prefix(caret))))
        let prefix = before.unicodeScalars.map { $0 == "\t" ? "\t" : " " }.joined()
        return " \(number) | \(TerminalText.safe(shown))\n \(gutter) | \(prefix)" + paint("^", "1;32") + "\n"
    }

    /// Every diagnostic, then a summary line (`2 errors, 1 warning in 3 files`).
    public func format(_ diagnostics: [Diagnostic], files: Int) -> String {
        var out = diagnostics.map(format).joined(separator: "\n")
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        if !out.isEmpty { out += "\n" }
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        out += "\(plural(errors, "error")), \(plural(warnings, "warning")) in \(plural(files, "file"))\n"
        return out
    }

    /// `{"files": N, "errors": N, "warnings": N, "diagnostics": [...]}` with stable key order,
    /// for machines, written by carepath's one JSON writer (`JSONValue`).
    public static func json(_ diagnostics: [Diagnostic], files: Int) -> String {
        func place(_ at: SourceLocation) -> [JSONMember] {
            [JSONMember("file", .string(at.file)), JSONMember("line", .number(String(at.line))),
             JSONMember("column", .number(String(at.column)))]
        }
        let items: [JSONValue] = diagnostics.map { d in
            var fields = [JSONMember("severity", .string(d.severity.rawValue)), JSONMember("code", .string(d.code)),
                          JSONMember("message", .string(d.message))]
            if let at = d.location { fields += place(at) }
            if !d.notes.isEmpty {
                fields.append(JSONMember("notes", .array(d.notes.map { note in
                    var f = [JSONMember("message", .string(note.message))]
                    if let at = note.location, at != .unknown { f += place(at) }
                    return .object(f)
                })))
            }
            if let s = d.suggestion { fields.append(JSONMember("suggestion", .string(s))) }
            if let h = d.help { fields.append(JSONMember("help", .string(h))) }
            return .object(fields)
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        return JSONValue.object([
            JSONMember("files", .number(String(files))), JSONMember("errors", .number(String(errors))),
            JSONMember("warnings", .number(String(warnings))), JSONMember("diagnostics", .array(items)),
        ]).serialized(escapingHTML: false)
    }
}
