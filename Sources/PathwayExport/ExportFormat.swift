import PathwayModel

/// Every format `carepath export` writes, and the one call that writes any of them.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// FHIR R4 JSON Bundle (`FHIRExporter`).
    case fhir
    /// BPMN 2.0 XML with diagram (`BPMNExporter`).
    case bpmn
    /// Graphviz DOT (`DOTExporter`).
    case dot
    /// Mermaid flowchart (`MermaidExporter`).
    case mermaid
    /// SVG drawn by Graphviz from the DOT export (`SVGRenderer`).
    case svg
    /// Build sheet, CSV or Markdown (`BuildSheetExporter`).
    case buildsheet

    /// The usual file extension for the format (for the build sheet, of its CSV form).
    public var fileExtension: String {
        switch self {
        case .fhir: "fhir.json"
        case .bpmn: "bpmn"
        case .dot: "dot"
        case .mermaid: "mmd"
        case .svg: "svg"
        case .buildsheet: "csv"
        }
    }

    /// Options that some formats take.
    public struct Options: Sendable {
        /// Base of FHIR canonical URLs.
        public var baseURL: String
        /// CSV or Markdown, for the build sheet.
        public var buildSheet: BuildSheetExporter.Format
        /// How SVG is drawn.
        public var svgRenderer: SVGRenderer

        /// Options with the defaults: the example base URL, CSV, `dot` from the PATH.
        public init(baseURL: String = FHIRExporter.defaultBaseURL, buildSheet: BuildSheetExporter.Format = .csv,
                    svgRenderer: SVGRenderer = SVGRenderer()) {
            self.baseURL = baseURL
            self.buildSheet = buildSheet
            self.svgRenderer = svgRenderer
        }
    }

    /// The pathway in this format. Only `svg` can fail (Graphviz missing or failing).
    public func export(_ pathway: Pathway, options: Options = Options()) throws -> String {
        switch self {
        case .fhir: FHIRExporter(baseURL: options.baseURL).export(pathway)
        case .bpmn: BPMNExporter().export(pathway)
        case .dot: DOTExporter().export(pathway)
        case .mermaid: MermaidExporter().export(pathway)
        case .svg: try options.svgRenderer.render(dot: DOTExporter().export(pathway))
        case .buildsheet: BuildSheetExporter(format: options.buildSheet).export(pathway)
        }
    }
}
