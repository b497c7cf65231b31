import Foundation
import PathwayModel

/// What loading a pathway file gives: the typed pathway when the file could be read into one,
/// and every diagnostic found on the way (syntax, references, graph, types, data flow).
public struct LoadResult: Sendable {
    /// The pathway, or `nil` when the file could not be read into one (a syntax error, say).
    /// A pathway is returned even when validation found errors, so tools can still inspect it.
    public var pathway: Pathway?
    public var diagnostics: [Diagnostic]
    /// The text of every file read, by path, so a renderer can quote source lines.
    public var sources: [String: SourceText]

    public init(pathway: Pathway?, diagnostics: [Diagnostic], sources: [String: SourceText] = [:]) {
        self.pathway = pathway
        self.diagnostics = diagnostics
        self.sources = sources
    }

    /// The pathway if it loaded with no errors.
    public var validPathway: Pathway? { diagnostics.hasErrors ? nil : pathway }
}

/// Reads pathway files: YAML → syntax tree with positions → typed `Pathway` → validation.
public struct PathwayLoader: Sendable {
    public var limits: LanguageLimits
    /// The folder that `subpathway` files must stay inside; `nil` means the top file's folder.
    public var root: String?
    /// Let `subpathway` paths leave the root folder.
    public var allowOutsideRoot: Bool

    public init(limits: LanguageLimits = LanguageLimits(), root: String? = nil, allowOutsideRoot: Bool = false) {
        self.limits = limits
        self.root = root
        self.allowOutsideRoot = allowOutsideRoot
    }

    /// Loads, resolves and validates the file at `path`.
    public func load(file path: String) -> LoadResult {
        var state = LoadState()
        let rootFolder = root ?? (URL(fileURLWithPath: path).deletingLastPathComponent().standardizedFileURL.path)
        let pathway = loadFile(path, chain: [], rootFolder: rootFolder, state: &state)
        var diagnostics = state.diagnostics
        if let pathway { diagnostics += validate(pathway, skip: state.unvalidated[pathway.file]) }
        return LoadResult(pathway: pathway.map(Self.resolvingConditions), diagnostics: diagnostics.sortedBySource(), sources: state.sources)
    }

    /// Loads and validates YAML text, reporting positions against `file`. Subpathways are
    /// resolved relative to `file`'s folder.
    public func load(yaml: String, file: String) -> LoadResult {
        load(data: Data(yaml.utf8), file: file)
    }

    /// Loads and validates a file's raw bytes (checked for size, binary content and UTF-8),
    /// reporting positions against `file`.
    public func load(data: Data, file: String) -> LoadResult {
        var state = LoadState()
        let source: SourceText
        switch SourceReader.decode(data: data, file: file, limits: limits) {
        case .success(let s): source = s
        case .failure(let d): return LoadResult(pathway: nil, diagnostics: [d])
        }
        let rootFolder = root ?? (URL(fileURLWithPath: file).deletingLastPathComponent().standardizedFileURL.path)
        let pathway = build(source, chain: [canonical(file)], rootFolder: rootFolder, state: &state)
        var diagnostics = state.diagnostics
        if let pathway { diagnostics += validate(pathway, skip: state.unvalidated[pathway.file]) }
        return LoadResult(pathway: pathway.map(Self.resolvingConditions), diagnostics: diagnostics.sortedBySource(), sources: state.sources)
    }

    /// Bare category values become text and numbers take the attribute's unit, so the simulator
    /// compares like with like (`2 weeks` against days). Done after validation, which reports
    /// on the conditions as written.
    static func resolvingConditions(_ pathway: Pathway) -> Pathway {
        var p = pathway
        for s in p.steps.indices {
            for b in p.steps[s].branches.indices {
                if let condition = p.steps[s].branches[b].when {
                    p.steps[s].branches[b].when = ConditionChecker.resolve(condition, attributes: p.attributes)
                }
            }
        }
        p.subpathways = p.subpathways.mapValues(resolvingConditions)
        return p
    }

    private struct LoadState {
        var diagnostics: [Diagnostic] = []
        var sources: [String: SourceText] = [:]
        /// Subpathways already loaded, by canonical path.
        var loaded: [String: Pathway] = [:]
        /// What the builder could not read, by file, so validation does not report its consequences.
        var unvalidated: [String: Skip] = [:]
    }

    enum Skip { case all, except(Set<String>) }

    /// Validation, leaving out what follows from a step the builder could not read.
    private func validate(_ pathway: Pathway, skip: Skip?) -> [Diagnostic] {
        switch skip {
        case .all: return []
        case .except(let broken) where !broken.isEmpty:
            return Validator.validate(pathway).filter { d in !broken.contains { d.message.contains("'\($0)'") } }
        default: return Validator.validate(pathway)
        }
    }

    private func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    private func loadFile(_ path: String, chain: [String], rootFolder: String, state: inout LoadState) -> Pathway? {
        let source: SourceText
        switch SourceReader.read(path: path, limits: limits) {
        case .success(let s): source = s
        case .failure(let d): state.diagnostics.append(d); return nil
        }
        return build(source, chain: chain + [canonical(path)], rootFolder: rootFolder, state: &state)
    }

    private func build(_ source: SourceText, chain: [String], rootFolder: String, state: inout LoadState) -> Pathway? {
        state.sources[source.file] = source
        if let tab = SourceReader.misplacedTab(in: source) {
            state.diagnostics.append(tab)
            return nil
        }
        let (node, yamlDiagnostics) = YAMLReader.read(source, limits: limits)
        state.diagnostics += yamlDiagnostics
        guard var node else { return nil }
        var edits: [String: SourceLocation] = [:]
        if VariantResolver.isVariant(node) {
            // A variant: read its standard and apply its changes before building (Overlay/).
            var resolver = VariantResolver(limits: limits, allowOutsideRoot: allowOutsideRoot, rootFolder: rootFolder)
            defer { edits = resolver.edits }
            let merged = resolver.resolve(node, file: source.file, chain: chain)
            state.diagnostics += resolver.diagnostics
            state.sources.merge(resolver.sources) { a, _ in a }
            guard let merged else { return nil }
            node = merged
        }
        var builder = PathwayBuilder(file: source.file, limits: limits)
        guard var pathway = builder.build(node) else {
            state.diagnostics += builder.diagnostics
            return nil
        }
        state.diagnostics += builder.diagnostics
        pathway.editLocations = edits
        state.unvalidated[source.file] = builder.stepsUnreadable ? .all : .except(builder.brokenNames)

        // Subpathways: relative to this file, inside the root, no cycles, bounded depth.
        let folder = URL(fileURLWithPath: source.file).deletingLastPathComponent()
        for step in pathway.steps where step.kind == .subpathway {
            guard let relative = step.pathway, pathway.subpathways[relative] == nil else { continue }
            let at = step.location(of: "pathway")
            // Relative to this file's folder; an absolute path is taken as it is (it was joined
            // to the folder, so an existing file "could not be found"), and still has to be inside
            // the pathway folder unless --allow-outside-root.
            let target = (relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : folder.appendingPathComponent(relative)).standardizedFileURL
            let resolved = target.resolvingSymlinksInPath().path
            let rootResolved = URL(fileURLWithPath: rootFolder).resolvingSymlinksInPath().path
            if !allowOutsideRoot, !(resolved == rootResolved || resolved.hasPrefix(rootResolved.hasSuffix("/") ? rootResolved : rootResolved + "/")) {
                state.diagnostics.append(.error(.cp111, "the subpathway '\(relative)' is outside the pathway folder '\(rootFolder)'",
                                                at: at, help: "keep subpathway files inside the pathway folder, or allow it with --allow-outside-root"))
                continue
            }
            if chain.contains(resolved) {
                state.diagnostics.append(.error(.cp112, "the subpathway '\(relative)' leads back to a file that is already being read, which would never end",
                                                at: at, notes: chain.map { DiagnosticNote("included from \($0)") }))
                continue
            }
            if chain.count >= limits.maxIncludeDepth {
                state.diagnostics.append(.error(.cp502, "subpathways are nested more than \(limits.maxIncludeDepth) file\(limits.maxIncludeDepth == 1 ? "" : "s") deep", at: at,
                                                help: "raise the limit with --max-include-depth if this is intended"))
                continue
            }
            if let cached = state.loaded[resolved] { pathway.subpathways[relative] = cached; continue }
            if FileCheck.kind(of: target.path) == .symlinkLoop {
                state.diagnostics.append(.error(.cp110, "the subpathway file '\(relative)' is a symbolic link that leads back to itself (a symlink loop)", at: at,
                                                help: "point the link at the subpathway's file, or name the file itself"))
                continue
            }
            guard FileManager.default.fileExists(atPath: target.path) else {
                state.diagnostics.append(.error(.cp110, "cannot find the subpathway file '\(relative)'", at: at,
                                                help: "the path is relative to this file's folder"))
                continue
            }
            let displayPath = relative.hasPrefix("/") ? relative
                : source.file.contains("/") ? (URL(fileURLWithPath: source.file).deletingLastPathComponent().relativePath as NSString).appendingPathComponent(relative) : relative
            var subState = LoadState()
            subState.loaded = state.loaded
            if let sub = loadFile((displayPath as NSString).standardizingPath, chain: chain, rootFolder: rootFolder, state: &subState) {
                state.diagnostics += validate(sub, skip: subState.unvalidated[sub.file])
                pathway.subpathways[relative] = sub
                state.loaded[resolved] = sub
            }
            state.diagnostics += subState.diagnostics
            state.sources.merge(subState.sources) { a, _ in a }
            state.loaded.merge(subState.loaded) { a, _ in a }
        }
        return pathway
    }
}

/// Bounds on input size and shape, so a crafted file gives a diagnostic instead of a hang.
public struct LanguageLimits: Sendable, Hashable {
    /// Largest file read, in bytes.
    public var maxFileBytes: Int = 8 * 1024 * 1024
    /// Deepest YAML nesting.
    public var maxDepth: Int = 64
    /// Most YAML nodes visited (counting each alias expansion), which defuses alias bombs.
    public var maxNodes: Int = 1_000_000
    /// Most steps in one pathway.
    public var maxSteps: Int = 100_000
    /// Longest condition expression, in characters.
    public var maxExpressionLength: Int = 2_000
    /// Deepest condition expression nesting.
    public var maxExpressionDepth: Int = 64
    /// Deepest chain of `subpathway` (and `extends`) files.
    public var maxIncludeDepth: Int = 16

    public init() {}
}
