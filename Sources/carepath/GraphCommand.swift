import ArgumentParser
import PathwayExport

/// `carepath graph FILE --format dot|mermaid`: the pathway as a diagram, one cluster per organisation.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print a pathway as a Graphviz DOT or Mermaid diagram, one cluster per organisation.",
        discussion: "Render DOT with Graphviz (dot -Tsvg) or use 'carepath export svg'; paste Mermaid into Markdown.")

    /// The diagram languages `graph` writes.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case dot, mermaid
    }

    @Argument(help: "The pathway file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @Option(help: "dot or mermaid.")
    var format: Format = .dot

    @Option(name: [.short, .customLong("output")], help: "Write to this file instead of standard output.",
            completion: .file())
    var output: String?

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    @OptionGroup var safety: OutputSafetyOptions

    func run() throws {
        var inputs: [String] = []
        let pathway = try loadValidPathway(file, limits: limits, inputs: &inputs)
        let text = format == .dot ? DOTExporter().export(pathway) : MermaidExporter().export(pathway)
        try writeOutput(text, to: output, inputs: inputs, overwriteInput: safety.overwriteInput)
    }
}
