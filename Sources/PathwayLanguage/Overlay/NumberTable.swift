import Foundation
import PathwayModel

/// Reads a small settings file of named numbers in sections, written in YAML or JSON:
/// ```yaml
/// classes: { removed: 6, retimed: 1.5 }
/// kinds: { test: 1.5 }
/// ```
/// Used for the clinical weights that `carepath diff --weights FILE` overrides; the reading
/// lives here because this module owns the YAML reader and its diagnostics.
public enum NumberTable {
    /// The sections and their numbers, with a diagnostic for each problem (positions in `file`).
    /// Only the sections in `allowedSections` are accepted.
    public static func read(text: String, file: String, allowedSections: [String],
                            limits: LanguageLimits = LanguageLimits()) -> (table: [String: [String: Double]], diagnostics: [Diagnostic]) {
        let source = SourceText(file: file, text: text)
        let (node, yamlDiagnostics) = YAMLReader.read(source, limits: limits)
        guard let node else { return ([:], yamlDiagnostics) }
        var reader = NodeReader()
        reader.diagnostics = yamlDiagnostics
        var table: [String: [String: Double]] = [:]
        guard let sections = reader.mapping(node, "a weights file", allowed: allowedSections) else { return ([:], reader.diagnostics) }
        for section in sections where allowedSections.contains(section.key) {
            guard let entries = reader.mapping(section.value, "`\(section.key)`") else { continue }
            var numbers: [String: Double] = [:]
            for entry in entries {
                guard let value = reader.number(entry.value, "the weight of '\(entry.key)'") else { continue }
                if value < 0 || !value.isFinite {
                    reader.error(.cp617, "the weight of '\(entry.key)' is \(NumberText.format3(value)); weights are 0 or more", at: entry.value.location)
                    continue
                }
                numbers[entry.key] = value
            }
            table[section.key] = numbers
        }
        return (table, reader.diagnostics)
    }

    /// Reads the file at `path` (see `read(text:file:allowedSections:)`).
    public static func read(path: String, allowedSections: [String]) -> (table: [String: [String: Double]], diagnostics: [Diagnostic]) {
        switch SourceReader.read(path: path, limits: LanguageLimits()) {
        case .success(let source): return read(text: source.text, file: path, allowedSections: allowedSections)
        case .failure(let d): return ([:], [d])
        }
    }
}
