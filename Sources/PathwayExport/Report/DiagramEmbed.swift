import Foundation

/// Puts a Graphviz drawing into the page: runs `dot -Tsvg`, keeps only the `<svg>` element
/// (no XML declaration, doctype or comments), and labels it for screen readers. When Graphviz
/// is missing or fails, the page says so in place of the drawing rather than failing.
struct DiagramEmbed {
    /// The renderer, or nil to leave drawings out (the page says why).
    var renderer: SVGRenderer?

    /// The figure's inner HTML: the drawing, or a notice saying why there is none.
    func figure(dot: String, label: String) -> String {
        guard let renderer else {
            return notice("The diagram was left out of this report (drawing was turned off).")
        }
        do {
            let svg = try renderer.render(dot: dot)
            guard let clean = Self.inlineSVG(svg) else {
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

    /// The `<svg>` element of Graphviz's output with comments removed and the drawing hidden
    /// from screen readers (its wrapper carries the label), or nil when there is none.
    static func inlineSVG(_ svg: String) -> String? {
        guard let start = svg.range(of: "<svg") else { return nil }
        var body = String(svg[start.lowerBound...])
        while let open = body.range(of: "<!--") {
            guard let close = body.range(of: "-->", range: open.upperBound..<body.endIndex) else {
                body.removeSubrange(open.lowerBound...)
                break
            }
            body.removeSubrange(open.lowerBound..<close.upperBound)
        }
        guard let end = body.range(of: "</svg>", options: .backwards) else { return nil }
        body = String(body[..<end.upperBound])
        body = body.replacingOccurrences(of: "<svg", with: "<svg aria-hidden=\"true\" focusable=\"false\"", options: [], range: body.range(of: "<svg"))
        return body
    }
}
