import PathwayModel

/// Typed reads from YAML nodes that record a diagnostic, in plain words, when a value has the
/// wrong shape. Every read returns nil on failure so the builder can go on and find more problems.
struct NodeReader {
    var diagnostics: [Diagnostic] = []

    mutating func error(_ code: DiagnosticCode, _ message: String, at location: SourceLocation,
                        notes: [DiagnosticNote] = [], suggestion: String? = nil, help: String? = nil) {
        diagnostics.append(.error(code, message, at: location, notes: notes, suggestion: suggestion, help: help))
    }

    mutating func warning(_ code: DiagnosticCode, _ message: String, at location: SourceLocation,
                          notes: [DiagnosticNote] = [], suggestion: String? = nil, help: String? = nil) {
        diagnostics.append(.warning(code, message, at: location, notes: notes, suggestion: suggestion, help: help))
    }

    /// The entries of a mapping, checking that only `allowed` keys are used.
    mutating func mapping(_ node: YAMLNode, _ what: String, allowed: [String]? = nil) -> [YAMLEntry]? {
        guard case .mapping(let entries) = node.kind else {
            error(.cp013, "\(what) should be a set of keys (`key: value` lines), but it is \(node.description)", at: node.location)
            return nil
        }
        guard let allowed else { return entries }
        var hints: [Int: String] = [:]
        for (index, entry) in entries.enumerated() where !allowed.contains(entry.key) {
            // `{ label: images, inadequate }`: YAML ends plain text at a comma in braces, so the
            // rest became a key with no value. Say that, not "not a key".
            if index > 0, entry.value.isNull, case .scalar(let before, quoted: false) = entries[index - 1].value.kind,
               !entries[index - 1].value.isNull, entries[index - 1].value.location.line == entry.keyLocation.line {
                let previous = entries[index - 1].key
                let whole = "\(before), \(entry.key)"
                error(.cp011, "the comma in the \(previous) '\(whole)' ends it early: YAML reads '\(entry.key)' as a key of \(what)",
                      at: entry.keyLocation, suggestion: "\(previous): \"\(whole)\"",
                      help: "inside `{ ... }`, put text that contains a comma in quotes")
                continue
            }
            let hint = closestMatch(to: entry.key, in: allowed)
            error(.cp011, "'\(entry.key)' is not a key that \(what) can have" + (hint.map { " — did you mean '\($0)'?" } ?? ""),
                  at: entry.keyLocation, suggestion: hint,
                  help: hint == nil ? "the keys allowed here are: \(allowed.joined(separator: ", "))" : nil)
            if let hint { hints[index] = hint }
        }
        return Self.recovering(entries, hints: hints)
    }

    /// `entries` with each misspelt key read as the key it nearly is (`organizations` as
    /// `organisations`), when that key is not written as well and no other misspelling is read as
    /// it: the misspelling is still an error, but the rest of the file is checked as meant, so one
    /// mistake gives one message instead of a cascade ("no organisations", then every step's
    /// organisation unknown).
    static func recovering(_ entries: [YAMLEntry], hints: [Int: String]) -> [YAMLEntry] {
        guard !hints.isEmpty else { return entries }
        let written = Set(entries.map(\.key))
        var claims: [String: Int] = [:]
        for hint in hints.values { claims[hint, default: 0] += 1 }
        var result = entries
        for (index, hint) in hints where !written.contains(hint) && claims[hint] == 1 {
            result[index].key = hint
        }
        return result
    }

    mutating func sequence(_ node: YAMLNode, _ what: String) -> [YAMLNode]? {
        switch node.kind {
        case .sequence(let items): return items
        default:
            error(.cp013, "\(what) should be a list (`[a, b]` or lines starting with `- `), but it is \(node.description)", at: node.location)
            return nil
        }
    }

    /// A list, also accepting a single scalar as a one-item list.
    mutating func scalarList(_ node: YAMLNode, _ what: String) -> [(String, SourceLocation)]? {
        if case .scalar(let s, _) = node.kind, !node.isNull { return [(s, node.contentLocation)] }
        guard let items = sequence(node, what) else { return nil }
        var result: [(String, SourceLocation)] = []
        for item in items {
            if let s = text(item, "each item of \(what)") { result.append((s, item.contentLocation)) }
        }
        return result
    }

    mutating func text(_ node: YAMLNode, _ what: String) -> String? {
        guard case .scalar(let s, _) = node.kind, !node.isNull else {
            error(.cp013, "\(what) should be a text value, but it is \(node.description)", at: node.location)
            return nil
        }
        return s
    }

    /// An identifier: letters, digits, `-` and `_`, starting with a letter or digit.
    mutating func identifier(_ raw: String, _ what: String, at location: SourceLocation) -> Bool {
        let ok = !raw.isEmpty && raw.unicodeScalars.allSatisfy { ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
            && raw.first.map { $0.isLetter || $0.isNumber } == true
        if !ok {
            let cleaned = String(raw.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
            error(.cp015, "'\(raw)' cannot be used as \(what); ids use only letters, digits, '-' and '_'",
                  at: location, suggestion: cleaned.isEmpty ? nil : cleaned)
        }
        return ok
    }

    mutating func integer(_ node: YAMLNode, _ what: String) -> Int? {
        if groupedDigits(node, what) { return nil }
        if case .scalar(let s, false) = node.kind, let v = ValueSyntax.number(s), v == v.rounded(), abs(v) >= 1e12 {
            error(.cp013, "\(what) is \(s), too large: it must be less than 1,000,000,000,000", at: node.location)
            return nil
        }
        guard case .scalar(let s, let quoted) = node.kind, !quoted, let v = ValueSyntax.number(s), v == v.rounded(), abs(v) < 1e12 else {
            error(.cp013, "\(what) should be a whole number, but it is \(node.description)", at: node.location)
            return nil
        }
        return Int(v)
    }

    mutating func number(_ node: YAMLNode, _ what: String) -> Double? {
        if groupedDigits(node, what) { return nil }
        guard case .scalar(let s, let quoted) = node.kind, !quoted, let v = ValueSyntax.number(s) else {
            error(.cp013, "\(what) should be a number, but it is \(node.description)", at: node.location)
            return nil
        }
        return v
    }

    /// `true` or `false`, spelt as YAML 1.2 spells them (`true`, `True`, `TRUE`, and the same for
    /// false). YAML 1.1's `yes`/`no`/`on`/`off` are refused (CP010), because the YAML 1.2 tools
    /// editors use read them as text, so the editor's schema would underline what carepath took as
    /// true or false: a file must mean the same to both. Such a word is an error, but the value
    /// it meant is returned so that later checks do not report the same slip again.
    /// Whether `node` is a number with digits grouped by `_` (`1_000`), which is refused: YAML
    /// 1.1 read it as 1000, but the YAML 1.2 tools editors use read it as text, so the editor's
    /// schema would underline it. Inside quoted values (`"1_000 min"`) carepath's own syntax reads it.
    private mutating func groupedDigits(_ node: YAMLNode, _ what: String) -> Bool {
        guard case .scalar(let s, false) = node.kind, s.contains("_"), ValueSyntax.number(s) != nil else { return false }
        let plain = s.replacingOccurrences(of: "_", with: "")
        error(.cp013, "\(what) is written \(s); write \(plain) (YAML 1.2, which editors follow, reads \(s) as text, not as a number)",
              at: node.location, suggestion: plain)
        return true
    }

    mutating func boolean(_ node: YAMLNode, _ what: String) -> Bool? {
        if case .scalar(let s, false) = node.kind {
            switch s {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
            let meant: Bool? = switch s.lowercased() {
            case "true", "yes", "y", "on": true
            case "false", "no", "n", "off": false
            default: nil
            }
            if let meant {
                error(.cp010, "\(what) is '\(s)'; write \(meant) (YAML 1.2, which editors follow, reads '\(s)' as text, not as \(meant))",
                      at: node.location, suggestion: "\(meant)", help: "true and false are the only words for yes and no in a pathway file")
                // Read as meant, so the error is not followed by others that only repeat it.
                return meant
            }
        }
        error(.cp013, "\(what) should be true or false, but it is \(node.description)", at: node.location)
        return nil
    }

    /// A probability or share: `0.4` or `40%`, between 0 and 1.
    mutating func probability(_ node: YAMLNode, _ what: String) -> Double? {
        guard let s = text(node, what) else { return nil }
        guard let p = ValueSyntax.probability(s) else {
            error(.cp013, "\(what) should be a probability such as 0.4 or 40%, but it is '\(s)'", at: node.location)
            return nil
        }
        guard (0...1).contains(p) else {
            error(.cp302, "\(what) is \(s), which is impossible; a probability must be between 0 and 1 (0% and 100%)", at: node.location)
            return nil
        }
        return p
    }

    /// Where in a one-line value the part a message quotes first (`'minuets' is not a unit`)
    /// was written, so the caret points at it rather than at the start of the value; the
    /// value's start when the part cannot be found exactly once, or the value spans lines.
    static func location(of message: ValueSyntaxError, in text: String, _ node: YAMLNode) -> SourceLocation {
        let start = node.contentLocation
        let parts = message.message.split(separator: "'", omittingEmptySubsequences: false)
        guard parts.count >= 3, !text.contains("\n"), !text.contains("\\") else { return start }
        let quoted = String(parts[1])
        guard !quoted.isEmpty, let range = text.range(of: quoted),
              text.range(of: quoted, range: range.upperBound..<text.endIndex) == nil, quoted != text.trimmed else { return start }
        return start.advanced(byColumns: text.distance(from: text.startIndex, to: range.lowerBound))
    }

    mutating func timeSpan(_ node: YAMLNode, _ what: String) -> TimeSpan? {
        guard let s = text(node, what) else { return nil }
        switch ValueSyntax.timeSpan(s) {
        case .success(let t): return t
        case .failure(let message):
            error(.cp030, "\(what): \(message)", at: Self.location(of: message, in: s, node))
            return nil
        }
    }

    mutating func timeDistribution(_ node: YAMLNode, _ what: String) -> Distribution? {
        guard let s = text(node, what) else { return nil }
        switch ValueSyntax.timeDistribution(s) {
        case .success(let d): return d
        case .failure(let message):
            error(s.contains("(") ? .cp031 : .cp030, "\(what): \(message)", at: Self.location(of: message, in: s, node))
            return nil
        }
    }

    mutating func numberDistribution(_ node: YAMLNode, _ what: String) -> Distribution? {
        guard let s = text(node, what) else { return nil }
        switch ValueSyntax.numberDistribution(s) {
        case .success(let d): return d
        case .failure(let message):
            error(.cp031, "\(what): \(message)", at: Self.location(of: message, in: s, node))
            return nil
        }
    }
}

extension Array where Element == YAMLEntry {
    subscript(key: String) -> YAMLNode? { first { $0.key == key }?.value }
    func keyLocation(_ key: String) -> SourceLocation? { first { $0.key == key }?.keyLocation }

    /// Value locations by key, for diagnostics that point at a field.
    var fieldLocations: [String: SourceLocation] {
        var result: [String: SourceLocation] = [:]
        for entry in self { result[entry.key] = entry.value.contentLocation }
        return result
    }
}
