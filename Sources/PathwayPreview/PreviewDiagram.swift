import Foundation

/// What the page shows in place of the pathway's diagram.
public enum PreviewDiagram: Sendable, Hashable {
    /// Graphviz's drawing: an `<svg>` element ready to put in the page (comments removed, ids
    /// prefixed, hidden from screen readers; its wrapper carries the label).
    case drawing(svg: String)
    /// The diagram as text in a diagram language (`Mermaid`), with why it is not drawn.
    case text(language: String, source: String, reason: String)
    /// No diagram, and why (too many steps to draw, or the file could not be read).
    case unavailable(reason: String)
    /// The last diagram that could be made, from an earlier version of the file, and why the
    /// current version has none (its YAML cannot be read).
    indirect case earlier(PreviewDiagram, madeAt: Date, reason: String)
}
