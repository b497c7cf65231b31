import Foundation
import PathwayLanguage
import PathwayModel

/// Everything the preview page shows for a pathway file at one moment: what the validator said,
/// the diagram, and the quick simulation. Made by `PreviewRefresher` after each save and drawn
/// by `PreviewPage`.
public struct PreviewSnapshot: Sendable {
    /// The pathway file, as named on the command line.
    public var file: String
    /// Counts up with each snapshot, so the page can ignore an older one that arrives late.
    public var version: Int
    /// When the snapshot was made.
    public var updated: Date
    /// Whether the file was there.
    public var fileFound: Bool
    /// The pathway's title, when the file could be read into a pathway.
    public var title: String?
    /// The pathway's version, when read.
    public var pathwayVersion: String?
    /// Every diagnostic of the file and its subpathways (the same as `carepath validate`).
    public var diagnostics: [Diagnostic]
    /// The text of each file read, to quote the line a diagnostic points at.
    public var sources: [String: SourceText]
    /// The diagram, or why there is none.
    public var diagram: PreviewDiagram
    /// The quick simulation, or why it was not run.
    public var simulation: QuickLook

    /// A snapshot of the given parts.
    public init(file: String, version: Int, updated: Date, fileFound: Bool, title: String? = nil, pathwayVersion: String? = nil,
                diagnostics: [Diagnostic] = [], sources: [String: SourceText] = [:],
                diagram: PreviewDiagram, simulation: QuickLook) {
        self.file = file
        self.version = version
        self.updated = updated
        self.fileFound = fileFound
        self.title = title
        self.pathwayVersion = pathwayVersion
        self.diagnostics = diagnostics
        self.sources = sources
        self.diagram = diagram
        self.simulation = simulation
    }

    /// Errors among the diagnostics.
    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
    /// Warnings among the diagnostics.
    public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }
}
