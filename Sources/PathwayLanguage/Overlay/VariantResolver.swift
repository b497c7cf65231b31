import Foundation
import PathwayModel

/// Resolves `extends`: reads the standard a variant names (and the standard's own standard,
/// and so on), then lays the variant's changes over it, giving one syntax tree to build.
///
/// The standard must stay inside the pathway root unless `allowOutsideRoot`; a chain of
/// `extends` that comes back to a file already being read is an error, and so is a chain
/// deeper than `limits.maxIncludeDepth`.
struct VariantResolver {
    let limits: LanguageLimits
    let allowOutsideRoot: Bool
    let rootFolder: String
    var diagnostics: [Diagnostic] = []
    /// Where each change of the variant (and of any variant it extends) is written, by path;
    /// the variant's own changes win.
    var edits: [String: SourceLocation] = [:]
    /// The text of every standard read, for quoting in diagnostics.
    var sources: [String: SourceText] = [:]

    init(limits: LanguageLimits, allowOutsideRoot: Bool, rootFolder: String) {
        self.limits = limits
        self.allowOutsideRoot = allowOutsideRoot
        self.rootFolder = rootFolder
    }

    /// Whether the tree is a variant (it has `extends` or `changes` at the top).
    static func isVariant(_ node: YAMLNode) -> Bool {
        guard case .mapping(let entries) = node.kind else { return false }
        return entries.contains { $0.key == "extends" || $0.key == "changes" }
    }

    /// The variant `node` (read from `file`) resolved against its standard, or `nil` when the
    /// standard could not be read. `chain` holds the canonical paths of the files being read.
    mutating func resolve(_ node: YAMLNode, file: String, chain: [String]) -> YAMLNode? {
        guard case .mapping(let entries) = node.kind else { return node }
        guard let extendsNode = entries["extends"] else {
            diagnostics.append(.error(.cp605, "`changes` are made to a standard pathway, but this file does not say which one it `extends`",
                                      at: entries.keyLocation("changes"), help: "add `extends:` with the path of the standard pathway file"))
            return nil
        }
        guard case .scalar(let relative, _) = extendsNode.kind, !extendsNode.isNull, !relative.isEmpty else {
            diagnostics.append(.error(.cp612, "`extends` should be the path of the standard pathway file, but it is \(extendsNode.description)",
                                      at: extendsNode.location))
            return nil
        }
        let at = extendsNode.contentLocation
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        let target = folder.appendingPathComponent(relative).standardizedFileURL
        let resolved = target.resolvingSymlinksInPath().path
        let rootResolved = URL(fileURLWithPath: rootFolder).resolvingSymlinksInPath().path
        let rootPrefix = rootResolved.hasSuffix("/") ? rootResolved : rootResolved + "/"
        if !allowOutsideRoot, !(resolved == rootResolved || resolved.hasPrefix(rootPrefix)) {
            diagnostics.append(.error(.cp602, "the standard '\(relative)' is outside the pathway folder '\(rootFolder)'", at: at,
                                      help: "keep the standard and its variants in one folder, or allow it with --allow-outside-root"))
            return nil
        }
        if chain.contains(resolved) {
            diagnostics.append(.error(.cp603, "'\(relative)' extends a file that is already being read, so the chain of `extends` never ends",
                                      at: at, notes: chain.map { DiagnosticNote("extended from \($0)") }))
            return nil
        }
        if chain.count >= limits.maxIncludeDepth {
            diagnostics.append(.error(.cp604, "`extends` chains more than \(limits.maxIncludeDepth) files deep", at: at,
                                      help: "raise the limit with --max-include-depth if this is intended"))
            return nil
        }
        if FileCheck.kind(of: target.path) == .symlinkLoop {
            diagnostics.append(.error(.cp601, "the standard pathway '\(relative)' is a symbolic link that leads back to itself (a symlink loop)",
                                      at: at, help: "point the link at the standard's file, or name the file itself"))
            return nil
        }
        guard FileManager.default.fileExists(atPath: target.path) else {
            let siblings = (try? FileManager.default.contentsOfDirectory(atPath: target.deletingLastPathComponent().path)) ?? []
            let name = target.lastPathComponent
            let hint = closestMatch(to: name, in: siblings.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted())
            let suggestion = hint.map { (relative as NSString).deletingLastPathComponent.isEmpty ? $0 : ((relative as NSString).deletingLastPathComponent as NSString).appendingPathComponent($0) }
            diagnostics.append(.error(.cp601, "cannot find the standard pathway '\(relative)'" + (suggestion.map { " — did you mean '\($0)'?" } ?? ""),
                                      at: at, suggestion: suggestion, help: "the path is relative to this file's folder"))
            return nil
        }
        let displayPath = file.contains("/")
            ? ((folder.relativePath as NSString).appendingPathComponent(relative) as NSString).standardizingPath
            : (relative as NSString).standardizingPath

        let base: SourceText
        switch SourceReader.read(path: displayPath, limits: limits) {
        case .success(let s): base = s
        case .failure(let d):
            diagnostics.append(d)
            return nil
        }
        sources[base.file] = base
        if let tab = SourceReader.misplacedTab(in: base) {
            diagnostics.append(tab)
            return nil
        }
        let (baseNode, yamlDiagnostics) = YAMLReader.read(base, limits: limits)
        diagnostics += yamlDiagnostics
        guard var standard = baseNode, case .mapping = standard.kind else {
            diagnostics.append(.error(.cp613, baseNode == nil
                                      ? "the standard '\(relative)' could not be read, so this variant cannot be built"
                                      : "the standard '\(relative)' is not a pathway file (it is \(baseNode?.description ?? "empty")), so this variant cannot be built",
                                      at: at, help: "`extends` names the standard pathway's YAML file"))
            return nil
        }
        if Self.isVariant(standard) {
            guard let inner = resolve(standard, file: base.file, chain: chain + [resolved]) else { return nil }
            standard = inner
        }
        var overlay = PathwayOverlay(baseFile: base.file)
        let merged = overlay.apply(base: standard, variant: entries)
        diagnostics += overlay.diagnostics
        edits.merge(overlay.edits) { _, own in own }
        return merged
    }
}
