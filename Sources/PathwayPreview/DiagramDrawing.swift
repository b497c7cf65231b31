import Foundation
import PathwayExport
import PathwayModel

/// Draws a pathway for the preview with the exporters `carepath graph` and `export svg` use: the
/// DOT export laid out by Graphviz's `dot` when it is installed, else the Mermaid export as text.
/// The last drawing is kept by its DOT text, so a save that changes no step (a comment, a
/// simulation figure) is not laid out again.
public struct DiagramDrawing: Sendable {
    /// Draws SVG; `nil` shows Mermaid text instead (drawing turned off).
    public var renderer: SVGRenderer?
    private var cache: (dot: String, diagram: PreviewDiagram)?

    /// Pathways with more steps than this are not drawn (as in the HTML report): Graphviz takes
    /// minutes over them and the drawing could not be read on a page anyway.
    public static let maxSteps = 400

    /// A drawer using `renderer` (by default `dot` on the PATH, stopped after 20 seconds).
    public init(renderer: SVGRenderer? = DiagramDrawing.defaultRenderer()) {
        self.renderer = renderer
    }

    /// Graphviz on the PATH with a time limit that suits a page refreshed on every save.
    public static func defaultRenderer() -> SVGRenderer {
        var renderer = SVGRenderer()
        renderer.timeLimit = 20
        return renderer
    }

    /// The diagram of `pathway`.
    public mutating func draw(_ pathway: Pathway) -> PreviewDiagram {
        let steps = pathway.steps.count + pathway.subpathways.values.reduce(0) { $0 + $1.steps.count }
        guard steps <= Self.maxSteps else {
            return .unavailable(reason: "The pathway has \(steps) steps, too many to draw legibly (the limit is \(Self.maxSteps)).")
        }
        let dot = DOTExporter().export(pathway)
        if let cache, cache.dot == dot { return cache.diagram }
        let diagram = render(dot: dot, pathway: pathway)
        cache = (dot, diagram)
        return diagram
    }

    private func render(dot: String, pathway: Pathway) -> PreviewDiagram {
        let mermaid = { (reason: String) in
            PreviewDiagram.text(language: "Mermaid", source: MermaidExporter().export(pathway), reason: reason)
        }
        guard let renderer else {
            return mermaid("Drawing is turned off, so the diagram is shown as Mermaid text.")
        }
        do {
            let svg = try renderer.render(dot: dot)
            guard let clean = SVGRenderer.inline(svg, idPrefix: "diagram") else {
                return mermaid("Graphviz produced no drawing, so the diagram is shown as Mermaid text.")
            }
            return .drawing(svg: clean)
        } catch SVGRenderer.Failure.graphvizMissing {
            return mermaid("Graphviz's 'dot' program was not found, so the diagram is shown as Mermaid text "
                           + "(paste it into a Markdown file or a Mermaid viewer to see it drawn). "
                           + "Install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz) "
                           + "and restart carepath preview to see the drawing here.")
        } catch {
            return mermaid("Graphviz could not draw this pathway (\(error)), so the diagram is shown as Mermaid text.")
        }
    }
}
