import PathwayModel
import PathwaySimulation

/// One self-contained HTML page about one or more pathways: the pathway view (diagram, steps,
/// targets, sources), and when given, the simulation view. Inline CSS and SVG only, so the file
/// works offline and when emailed; every string from a pathway file is escaped, and a
/// Content-Security-Policy lets no script run but the page's own table sorter.
public struct HTMLReport: Sendable {
    /// A pathway to show, with its simulation results when it was simulated.
    public struct Entry: Sendable {
        /// The pathway.
        public var pathway: Pathway
        /// Its simulation report, or nil for no simulation view.
        public var simulation: SimulationReport?

        /// An entry.
        public init(pathway: Pathway, simulation: SimulationReport? = nil) {
            self.pathway = pathway
            self.simulation = simulation
        }
    }

    /// The page's title; by default the first pathway's title.
    public var title: String?
    /// The pathways shown, in page order.
    public var entries: [Entry]
    /// Draws the diagrams; nil leaves them out (the page says so). With Graphviz missing the page
    /// also says so in place of each drawing.
    public var renderer: SVGRenderer?

    /// A report of `entries`, drawing diagrams with `renderer`.
    public init(title: String? = nil, entries: [Entry], renderer: SVGRenderer? = SVGRenderer()) {
        self.title = title
        self.entries = entries
        self.renderer = renderer
    }

    /// The HTML page.
    public func render() -> String {
        var ids = ElementIDs()
        let diagrams = DiagramEmbed(renderer: renderer)
        var sections: [(id: String, heading: String, html: String)] = []
        var pathwayHTML = ""
        for entry in entries { pathwayHTML += PathwaySection(pathway: entry.pathway, diagrams: diagrams).html(ids: &ids) }
        sections.append(("pathway", entries.count == 1 ? "Pathway" : "Pathways", pathwayHTML))
        let simulated = entries.filter { $0.simulation != nil }
        if !simulated.isEmpty {
            var html = ""
            for entry in simulated {
                if let report = entry.simulation { html += SimulationSection(pathway: entry.pathway, report: report).html(ids: &ids) }
            }
            sections.append(("simulation", "Simulation", html))
        }
        let pageTitle = title ?? (entries.count == 1 ? entries[0].pathway.title : "\(entries.count) care pathways")
        let subtitle = entries.count == 1
            ? "Care pathway report: \(entries[0].pathway.id), version \(entries[0].pathway.version)"
            : "Care pathway report: " + entries.map(\.pathway.id).joined(separator: ", ")
        return ReportPage.document(title: "Care pathway report: " + pageTitle, subtitle: subtitle, sections: sections, script: true)
    }
}
