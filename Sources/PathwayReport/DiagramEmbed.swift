import PathwayExport
import Foundation

/// Puts a Graphviz drawing into the page: runs `dot -Tsvg`, keeps only the `<svg>` element
/// (no XML declaration, doctype or comments), and labels it for screen readers. When Graphviz
/// is missing or fails, the page says so in place of the drawing rather than failing.
struct DiagramEmbed {
    /// The renderer, or nil to leave drawings out (the page says why).
    var renderer: SVGRenderer?

    /// Pathways with more steps than this are not drawn: Graphviz takes minutes over them and
    /// the drawing could not be read on a page anyway; the step table still lists every step.
    static let maxSteps = 400

    /// The figure's inner HTML: the drawing of a pathway of `steps` steps, or a notice saying why
    /// there is none.
    /// `id` prefixes Graphviz's own element ids (`node1`, `clust1`), which would otherwise repeat
    /// in every diagram on the page.
    func figure(dot: String, label: String, steps: Int, id: String) -> String {
        guard let renderer else {
            return notice("The diagram was left out of this report (drawing was turned off).")
        }
        guard steps <= Self.maxSteps else {
            return notice("The pathway has \(steps) steps, too many to draw legibly (the limit is \(Self.maxSteps)); the step table below lists them all.")
        }
        do {
            let svg = try renderer.render(dot: dot)
            guard let clean = SVGRenderer.inline(svg, idPrefix: id) else {
                return notice("Graphviz produced no drawing for this pathway.")
            }
            return "<div class=\"diagram\" role=\"img\" aria-label=\"\(HTMLText.escape(label))\">\(clean)</div>"
        } catch SVGRenderer.Failure.graphvizMissing {
            return notice("The diagram is missing because Graphviz's 'dot' program was not found when this report was made. "
                          + "Install Graphviz (Debian/Ubuntu: apt-get install graphviz) and run carepath report again; "
                          + "the step table below has the same content.")
        } catch {
            return notice("Graphviz could not draw this pathway: \(error). The step table below has the same content.")
        }
    }

    private func notice(_ text: String) -> String {
        "<p class=\"notice\" role=\"note\">\(HTMLText.escape(text))</p>"
    }
}
