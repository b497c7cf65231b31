import PathwayDiff
import PathwayExport
import PathwayData
import PathwayModel
import PathwaySimulation

/// One self-contained HTML page about one or more pathways: the pathway view (diagram, steps,
/// targets, sources), and when given, the simulation view, and for variants compared with a
/// standard the region view (heat map and conformance scores) and a diff view per variant. Inline CSS and SVG only, so the file
/// works offline and when emailed; every string from a pathway file is escaped, and a
/// Content-Security-Policy lets no script run but the page's own table sorter.
public struct HTMLReport: Sendable {
    /// A pathway to show, with its simulation results when it was simulated.
    public struct Entry: Sendable {
        /// The pathway.
        public var pathway: Pathway
        /// Its simulation report, or nil for no simulation view.
        public var simulation: SimulationReport?
        /// Its runs with fields varied (`--vary`), or nil for no capacity-planning view.
        public var vary: VaryReport?
        /// Real journeys from event logs replayed on it (`--log`), or nil for no conformance view.
        public var conformance: ConformanceReport?

        /// An entry.
        public init(pathway: Pathway, simulation: SimulationReport? = nil, vary: VaryReport? = nil,
                    conformance: ConformanceReport? = nil) {
            self.pathway = pathway
            self.simulation = simulation
            self.vary = vary
            self.conformance = conformance
        }
    }

    /// Variants compared with a standard: the region matrix and each variant's diff.
    public struct Comparison: Sendable {
        /// One variant: its column name (the file name) and the pathway.
        public struct Variant: Sendable {
            /// The column heading.
            public var name: String
            /// The variant pathway.
            public var pathway: Pathway
            /// What the variant does to target attainment, simulated against the standard under
            /// common random numbers (`ImpactAnalysis`); nil for no impact table.
            public var impact: ImpactReport?

            /// A variant.
            public init(name: String, pathway: Pathway, impact: ImpactReport? = nil) {
                self.name = name
                self.pathway = pathway
                self.impact = impact
            }
        }

        /// The standard every variant is compared with.
        public var standard: Pathway
        /// The variants, in column order.
        public var variants: [Variant]
        /// The matrix and the per-variant diffs.
        public var region: RegionComparison

        /// Compares each variant with the standard using `weights`.
        public init(standard: Pathway, variants: [Variant], weights: ClinicalWeights = .standard) {
            self.standard = standard
            self.variants = variants
            self.region = RegionComparison(standard: standard, variants: variants.map { (name: $0.name, pathway: $0.pathway) },
                                           weights: weights)
        }
    }

    /// The page's title; by default the first pathway's title.
    public var title: String?
    /// The pathways shown, in page order.
    public var entries: [Entry]
    /// Draws the diagrams; nil leaves them out (the page says so). With Graphviz missing the page
    /// also says so in place of each drawing.
    public var renderer: SVGRenderer?
    /// Variants compared with a standard, or nil for no region and diff views.
    public var comparison: Comparison?

    /// A report of `entries` (and of `comparison`), drawing diagrams with `renderer`.
    public init(title: String? = nil, entries: [Entry], comparison: Comparison? = nil, renderer: SVGRenderer? = SVGRenderer()) {
        self.title = title
        self.entries = entries
        self.comparison = comparison
        self.renderer = renderer
    }

    /// The HTML page.
    public func render() -> String {
        var ids = ElementIDs()
        let diagrams = DiagramEmbed(renderer: renderer)
        var sections: [(id: String, heading: String, html: String)] = []
        var pathwayHTML = ""
        if entries.count > 1 {
            // The articles' ids are handed out in this order below: pathway-1, pathway-2...
            pathwayHTML += "<ul>" + entries.enumerated().map { i, e in
                "<li><a href=\"#pathway-\(i + 1)\">\(HTMLText.escape(e.pathway.title))</a></li>"
            }.joined() + "</ul>\n"
        }
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
        let conformed = entries.filter { $0.conformance != nil }
        if !conformed.isEmpty {
            var html = ""
            for entry in conformed {
                if let report = entry.conformance { html += ConformanceSection(pathway: entry.pathway, report: report).html(ids: &ids) }
            }
            sections.append(("conformance", "Real journeys: conformance to the pathway", html))
        }
        let varied = entries.compactMap(\.vary)
        if !varied.isEmpty {
            var html = ""
            for report in varied { html += VarySection(report: report).html(ids: &ids) }
            sections.append(("capacity", "Capacity planning", html))
        }
        if let comparison {
            sections.append(("region", "Region: conformance to the standard", RegionSection(region: comparison.region).html(ids: &ids)))
            var html = "<p>Each variant's diagram with its departures from the standard marked, then its changes.</p>\n"
            for (variant, trust) in zip(comparison.variants, comparison.region.trusts) {
                html += DiffSection(name: variant.name, standard: comparison.standard, variant: variant.pathway, diff: trust.diff,
                                    impact: variant.impact, diagrams: diagrams).html(ids: &ids)
            }
            sections.append(("diff", "Differences from the standard", html))
        }
        let pageTitle = title ?? (entries.count == 1 ? entries[0].pathway.title : "\(entries.count) care pathways")
        let subtitle = entries.count == 1
            ? "Pathway \(entries[0].pathway.id), version \(entries[0].pathway.version)"
            : "Pathways " + entries.map(\.pathway.id).joined(separator: ", ")
        return ReportPage.document(title: "Care pathway report: " + pageTitle, subtitle: subtitle, sections: sections, script: true)
    }
}
