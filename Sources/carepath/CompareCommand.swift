import ArgumentParser
import Foundation
import PathwayDiff
import PathwayLanguage
import PathwayModel

/// `carepath compare STANDARD VARIANT...|DIR`: the region matrix and a conformance score per trust.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare many trusts' variants with a regional standard: a matrix of steps × trusts and a conformance score per trust.",
        discussion: """
        Each VARIANT is a file or a folder (searched recursively for *.yaml and *.yml; the standard itself is skipped). \
        Columns are named after the variant files. Conformance is 0-100, weighted by clinical weight (Docs/diff.md).
        Exit status: 0 on success (1 with --min-score when a trust scores below it), 2 or more on error.
        """
    )

    @Argument(help: "The standard pathway file.", completion: .file(extensions: ["yaml", "yml"]))
    var standard: String

    @Argument(help: "Variant files or folders.", completion: .file(extensions: ["yaml", "yml"]))
    var variants: [String]

    @Option(help: "Output format: text, json, csv or markdown.")
    var format: CompareFormat = .text

    @Option(help: "A YAML or JSON file overriding the clinical weights (sections classes, kinds, steps).",
            completion: .file(extensions: ["yaml", "yml", "json"]))
    var weights: String?

    @Option(help: "Exit 1 when any trust's conformance score is below this (for CI).")
    var minScore: Double?

    @Flag(help: "Exit 1 when any trust has a change of clinical weight 3 or more without a reason and evidence.")
    var requireJustification = false

    @Option(help: "Colour: auto, always or never.")
    var color: ColourChoice = .auto

    @Flag(help: "Print the time spent loading and comparing to standard error.")
    var timing = false

    @OptionGroup var limits: LimitOptions

    enum CompareFormat: String, ExpressibleByArgument, CaseIterable { case text, json, csv, markdown }

    func validate() throws {
        if let minScore, !(0...100).contains(minScore) {
            throw ValidationError("--min-score must be a conformance score from 0 to 100 (got \(minScore))")
        }
    }

    func run() throws {
        let clinicalWeights = try loadWeights(weights)
        let files = try findPathwayFiles(variants, failure: comparisonTrouble)
        let standardPath = URL(fileURLWithPath: standard).standardizedFileURL.resolvingSymlinksInPath().path
        let variantFiles = files.filter { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path != standardPath }
        if variantFiles.isEmpty {
            printError("error: no variant files (*.yaml, *.yml) found in \(variants.joined(separator: ", "))")
            throw ExitCode(comparisonTrouble)
        }
        let clock = ContinuousClock()
        let started = clock.now
        let pathways = try loadAllForComparison([standard] + variantFiles, limits: limits)
        let loadedAt = clock.now
        let base = pathways[0]
        let names = RegionComparison.columnNames(for: variantFiles)
        let loaded = zip(names, pathways.dropFirst()).map { (name: $0, pathway: $1) }
        let region = RegionComparison(standard: base, variants: loaded, weights: clinicalWeights)
        for trust in region.trusts where trust.diff.looksLikeAnotherPathway {
            printError("warning: '\(trust.name)' looks like a different pathway from the standard ('\(trust.diff.variant.id)' against '\(base.id)'): only \(trust.diff.matches.count) of the standard's \(base.steps.count) steps have a partner in it")
        }
        if timing { printError("loaded \(pathways.count) files in \(milliseconds(loadedAt - started)) ms, compared in \(milliseconds(clock.now - loadedAt)) ms") }
        switch format {
        case .text: print(RegionRenderer.text(region, colour: color.enabled), terminator: "")
        case .json: print(try jsonOutput { try RegionRenderer.json(region) }, terminator: "")
        case .csv: print(RegionRenderer.csv(region), terminator: "")
        case .markdown: print(RegionRenderer.markdown(region), terminator: "")
        }
        if let minScore {
            let below = region.trusts.filter { $0.diff.conformance.score < minScore }
            if !below.isEmpty {
                printError("error: conformance below --min-score \(minScore): " + below.map { "\($0.name) (\(String(format: "%.1f", $0.diff.conformance.score)))" }.joined(separator: ", "))
                throw ExitCode(1)
            }
        }
        if requireJustification {
            let trusts = region.trusts.filter { !$0.diff.unjustified.isEmpty }
            if !trusts.isEmpty {
                printError("error: unjustified changes (clinical weight 3 or more, no reason and evidence) in " + trusts.map { "\($0.name) (\($0.diff.unjustified.count))" }.joined(separator: ", "))
                throw ExitCode(1)
            }
        }
    }
}
