import ArgumentParser
import Foundation
import PathwayData
import PathwayDiff
import PathwayExport
import PathwayReport
import PathwayLanguage
import PathwayModel
import PathwaySimulation

/// `carepath report PATH... -o OUT.html`: one self-contained HTML page with each pathway's
/// diagram and tables, and with `--simulate` its simulated target attainment, journey times,
/// waits, resource use and handoffs. With `--compare STANDARD` the paths are variants of the
/// standard: the page shows the standard, the region matrix and scores, and each variant's diff.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report: pathway diagrams and tables, simulation results.",
        discussion: """
        The page loads nothing from outside the file (inline CSS and SVG), so it works offline and when emailed. \
        Diagrams are drawn by Graphviz's 'dot' when it is installed; without it the page says so. \
        With --simulate each pathway is simulated (same options as 'carepath simulate'). \
        With --compare STANDARD the paths are trusts' variants: the page adds the region matrix as a heat map, \
        each trust's conformance score, and each variant's diagram with its changes marked. See Docs/report.md.
        """
    )

    @Argument(help: "Pathway files or folders (searched for *.yaml and *.yml).", completion: .file(extensions: ["yaml", "yml"]))
    var paths: [String]

    @Option(name: [.short, .customLong("output")], help: "The HTML file to write ('-' for standard output).", completion: .file(extensions: ["html"]))
    var output: String

    @Option(help: "The page title (default: the pathway's title).")
    var title: String?

    @Option(help: "A standard pathway: compare every PATH with it (region matrix, conformance scores, diffs).",
            completion: .file(extensions: ["yaml", "yml"]))
    var compare: String?

    @Option(help: "With --compare: a YAML or JSON file overriding the clinical weights (sections classes, kinds, steps).",
            completion: .file(extensions: ["yaml", "yml", "json"]))
    var weights: String?

    @Flag(help: "With --compare: simulate each variant against the standard under common random numbers and show the change in target attainment.")
    var impact = false

    @Flag(help: "Simulate each pathway (with --compare: the standard) and add the simulation view.")
    var simulate = false

    @OptionGroup(title: "Simulation (with --simulate, --impact or --vary)") var runOptions: RunOptions

    @OptionGroup(title: "Capacity planning (one pathway)") var vary: VaryOptions

    @Option(name: .customLong("log"), help: ArgumentHelp(
        "An event log of real journeys (.csv, .xes, .jsonocel) to replay on the pathway, as 'carepath conform' does; give --log once per file (one per organisation, joined by NHS number). One pathway only.",
        valueName: "file"), completion: .file(extensions: ["csv", "xes", "jsonocel", "json"]))
    var logs: [String] = []

    @OptionGroup(title: "Reading the logs (with --log)") var logOptions: LogOptions

    @Flag(help: "Leave the diagrams out (no Graphviz needed).")
    var noDiagrams = false

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    @OptionGroup var safety: OutputSafetyOptions

    func validate() throws {
        if weights != nil && compare == nil { throw ValidationError("--weights needs --compare") }
        if impact && compare == nil { throw ValidationError("--impact needs --compare") }
        if impact && simulationOptions.replications < 2 { throw ValidationError("--impact needs at least 2 replications for confidence intervals") }
        if vary.isVarying && compare != nil { throw ValidationError("--vary cannot be combined with --compare: vary one pathway at a time") }
        if !logs.isEmpty && compare != nil { throw ValidationError("--log cannot be combined with --compare: replay the logs on one pathway") }
        if vary.judge != nil && !vary.isVarying { throw ValidationError("--judge needs --vary") }
    }

    func run() throws {
        let files = try findPathwayFiles(paths)
        // Refuse an output that would replace an input before any simulating; subpathways and
        // standards found while loading are checked again before writing.
        var inputs: [String] = files + (compare.map { [$0] } ?? [])
        try safety.check(output, inputs: inputs)
        var entries: [HTMLReport.Entry] = []
        var comparison: HTMLReport.Comparison?
        if let compare {
            let standard = try loadValidPathway(compare, limits: limits, inputs: &inputs)
            let standardPath = Self.canonical(compare)
            let variantFiles = files.filter { Self.canonical($0) != standardPath }
            guard !variantFiles.isEmpty else {
                printError("error: no variant files besides the standard in \(paths.joined(separator: ", "))")
                throw ExitCode(ExitStatus.noInput)
            }
            var variants: [HTMLReport.Comparison.Variant] = []
            for file in variantFiles {
                let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
                let variant = try loadValidPathway(file, limits: limits, inputs: &inputs)
                variants.append(.init(name: name, pathway: variant, impact: impact ? try impactOf(variant, against: standard) : nil))
            }
            entries.append(HTMLReport.Entry(pathway: standard, simulation: simulate ? try simulation(of: standard, file: compare) : nil))
            comparison = HTMLReport.Comparison(standard: standard, variants: variants, weights: try loadWeights(weights))
        } else {
            if (vary.isVarying || !logs.isEmpty) && files.count != 1 {
                printError("error: \(vary.isVarying ? "--vary" : "--log") needs exactly one pathway file; \(files.count) were given")
                throw ExitCode.validationFailure
            }
            for file in files {
                let pathway = try loadValidPathway(file, limits: limits, inputs: &inputs)
                var varied: VaryReport?
                if vary.isVarying {
                    let variations = try vary.variations()
                    varied = try VaryRun(file: file, base: pathway, variations: variations, coordinates: try vary.grid(variations),
                                         judge: vary.judge ?? .lowerBound, options: simulationOptions, limits: limits).analyse().report
                }
                var conformance: ConformanceReport?
                if !logs.isEmpty {
                    inputs += logs
                    let (log, mapping, problems) = try logOptions.read(paths: logs, pathway: pathway)
                    let checked = ConformanceChecker(pathway: pathway).check(log, mapping: mapping, problems: problems)
                    for warning in ConformanceRenderer.warnings(checked) { printError(warning) }
                    conformance = checked
                }
                entries.append(HTMLReport.Entry(pathway: pathway, simulation: simulate ? try simulation(of: pathway, file: file) : nil,
                                                vary: varied, conformance: conformance))
            }
        }
        let report = HTMLReport(title: title, entries: entries, comparison: comparison, renderer: noDiagrams ? nil : SVGRenderer())
        if !noDiagrams && SVGRenderer().dotExecutable == nil {
            printError("warning: Graphviz's 'dot' was not found; the report says so in place of each diagram")
        }
        try writeOutput(report.render(), to: output, inputs: inputs, overwriteInput: safety.overwriteInput)
    }

    /// The variant's impact on the standard's targets, or an explanation and exit 1.
    private func impactOf(_ variant: Pathway, against standard: Pathway) throws -> ImpactReport {
        do {
            return try ImpactAnalysis.run(standard: standard, variant: variant, options: simulationOptions)
        } catch let error as SimulationError {
            printSimulationError(error, files: 2)
            throw ExitCode(ExitStatus.problems)
        }
    }

    private var simulationOptions: SimulationOptions { runOptions.simulationOptions() }

    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Simulates `pathway`, or explains on standard error why it cannot be and exits 1.
    private func simulation(of pathway: Pathway, file: String) throws -> SimulationReport {
        let simulator = try Simulator.forCommand(
            pathway, noArrivals: "\(file) says nothing about how patients arrive; add `arrivals:` to simulate it, or leave out --simulate")
        let options = simulationOptions
        try simulator.checkFits(options)
        let report = simulator.run(options)
        try simulator.checkFinished(report)
        return report
    }
}
