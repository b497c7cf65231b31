import ArgumentParser
import Foundation
import PathwayExport
import PathwayLanguage
import PathwayModel

extension ExportFormat: ExpressibleByArgument {}
extension BuildSheetExporter.Format: ExpressibleByArgument {}

/// `carepath export FORMAT FILE`: writes a pathway for EPR builders and other tools.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a pathway as FHIR R4, BPMN 2.0, DOT, Mermaid, SVG or a build sheet.",
        discussion: """
            fhir        FHIR R4 JSON Bundle: a PlanDefinition and an ActivityDefinition per coded step.
            bpmn        BPMN 2.0 XML: a pool per organisation, laid out for Camunda Modeler and bpmn.io.
            dot         Graphviz DOT, one cluster per organisation.
            mermaid     Mermaid flowchart, one subgraph per organisation.
            svg         SVG drawn by Graphviz (needs 'dot' on the PATH).
            buildsheet  One row per step for EPR configuration analysts (--format csv|markdown).
            The pathway must load without errors. See Docs/export.md.
            """)

    @Argument(help: "The export format.")
    var format: ExportFormat

    @Argument(help: "The pathway file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @Option(name: [.short, .customLong("output")], help: "Write to this file instead of standard output.",
            completion: .file())
    var output: String?

    @Option(name: .customLong("base-url"), help: "Base of FHIR canonical URLs.")
    var baseURL: String = FHIRExporter.defaultBaseURL

    @Option(name: .customLong("format"), help: "Build sheet format: csv or markdown.")
    var sheetFormat: BuildSheetExporter.Format = .csv

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    @OptionGroup var safety: OutputSafetyOptions

    func run() throws {
        var inputs: [String] = []
        let pathway = try loadValidPathway(file, limits: limits, inputs: &inputs)
        try safety.check(output, inputs: inputs)
        let text: String
        do {
            text = try format.export(pathway, options: .init(baseURL: baseURL, buildSheet: sheetFormat))
        } catch let failure as SVGRenderer.Failure {
            printError("error: \(failure)")
            throw ExitCode(1)
        }
        try writeOutput(text, to: output, inputs: inputs, overwriteInput: safety.overwriteInput)
    }
}
