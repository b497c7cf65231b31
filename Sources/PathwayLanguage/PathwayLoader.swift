import Foundation
import PathwayModel

/// What loading a pathway file gives: the typed pathway when the file could be read into one,
/// and every diagnostic found on the way (syntax, references, graph, types, data flow).
public struct LoadResult: Sendable {
    /// The pathway, or `nil` when the file could not be read into one (a syntax error, say).
    /// A pathway is returned even when validation found errors, so tools can still inspect it.
    public var pathway: Pathway?
    public var diagnostics: [Diagnostic]

    public init(pathway: Pathway?, diagnostics: [Diagnostic]) {
        self.pathway = pathway
        self.diagnostics = diagnostics
    }

    /// The pathway if it loaded with no errors.
    public var validPathway: Pathway? { diagnostics.hasErrors ? nil : pathway }
}

/// Reads pathway files: YAML → syntax tree with positions → typed `Pathway` → validation.
public struct PathwayLoader: Sendable {
    public var limits: LanguageLimits

    public init(limits: LanguageLimits = LanguageLimits()) {
        self.limits = limits
    }

    /// Loads, resolves and validates the file at `path`.
    public func load(file path: String) -> LoadResult {
        LoadResult(pathway: nil, diagnostics: [])
    }

    /// Loads, resolves and validates YAML text, reporting positions against `file`.
    public func load(yaml: String, file: String) -> LoadResult {
        LoadResult(pathway: nil, diagnostics: [])
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
