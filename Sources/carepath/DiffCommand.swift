import ArgumentParser
import Foundation
import PathwayDiff
import PathwayLanguage
import PathwayModel
import PathwaySimulation

/// `carepath diff STANDARD VARIANT`: the semantic difference between a standard pathway and a variant.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show how a variant pathway departs from a standard, step by step, with clinical weights.",
        discussion: """
        Steps are matched by id, then clinical code, then title and place in the graph. Each change has a class \
        (added, removed, renamed, moved-organisation, reordered, rewired, retimed, branch-changed, resource-changed, \
        data-lost, data-added, target-changed, detail-changed), a clinical weight and both source locations. See Docs/diff.md.
        Exit status, as diff(1): 0 when equivalent, 1 when different, 2 or more on error.
        """
    )

    @Argument(help: "The standard pathway file.", completion: .file(extensions: ["yaml", "yml"]))
    var standard: String

    @Argument(help: "The variant pathway file (a full file or an overlay with `extends`).", completion: .file(extensions: ["yaml", "yml"]))
    var variant: String

    @Option(help: "Output format: text, json or markdown.")
    var format: DiffFormat = .text

    @Option(help: "A YAML or JSON file overriding the clinical weights (sections classes, kinds, steps).",
            completion: .file(extensions: ["yaml", "yml", "json"]))
    var weights: String?

    @Option(help: "Colour: auto, always or never.")
    var color: ColourChoice = .auto

    @Flag(help: "Also simulate both under common random numbers and report the change in each target's attainment and in median journey time, with 95% intervals.")
    var impact = false

    @OptionGroup(title: "Simulation (with --impact)") var runOptions: RunOptions

    @Flag(help: "Exit 1 when a change of clinical weight 3 or more has no reason and evidence, even if nothing else would.")
    var requireJustification = false

    @Flag(help: "Print the time spent loading and comparing to standard error.")
    var timing = false

    @OptionGroup var limits: LimitOptions

    enum DiffFormat: String, ExpressibleByArgument, CaseIterable { case text, json, markdown }

    func validate() throws {
        if impact, let replications = runOptions.replications, replications < 2 {
            throw ValidationError("--impact needs at least 2 replications for confidence intervals")
        }
    }

    func run() throws {
        let clinicalWeights = try loadWeights(weights)
        let clock = ContinuousClock()
        let started = clock.now
        let both = try loadAllForComparison([standard, variant], limits: limits)
        let a = both[0], b = both[1]
        let loaded = clock.now
        let diff = PathwayDiff(standard: a, variant: b, weights: clinicalWeights)
        if diff.looksLikeAnotherPathway {
            printError("warning: these look like two different pathways ('\(a.id)' and '\(b.id)'): only \(diff.matches.count) of the standard's \(a.steps.count) steps have a partner in the variant, so most changes below are whole steps added and removed")
        }
        if timing { printError("loaded in \(milliseconds(loaded - started)) ms, compared in \(milliseconds(clock.now - loaded)) ms") }
        var report: ImpactReport?
        if impact {
            let options = runOptions.simulationOptions(replications: 20, warmup: 60)
            guard options.replications >= 2 else {
                printError("error: --impact needs at least 2 replications for confidence intervals")
                throw ExitCode(comparisonTrouble)
            }
            do {
                report = try ImpactAnalysis.run(standard: a, variant: b, options: options)
            } catch let error as SimulationError {
                printSimulationError(error, files: 2)
                throw ExitCode(comparisonTrouble)
            }
        }
        switch format {
        case .text: print(DiffRenderer.text(diff, impact: report, colour: color.enabled), terminator: "")
        case .json: print(DiffRenderer.json(diff, impact: report), terminator: "")
        case .markdown: print(DiffRenderer.markdown(diff, impact: report), terminator: "")
        }
        if let warnings = report?.warnings, !warnings.isEmpty {
            checkStandardOutput() // stdout before the messages on stderr (exit 74 if it failed)
            printSimulationError(SimulationError(warnings), files: 2)
        }
        if requireJustification, !diff.unjustified.isEmpty {
            printError("error: \(diff.unjustified.count) unjustified change\(diff.unjustified.count == 1 ? "" : "s") (clinical weight 3 or more, no reason and evidence)")
        }
        if !diff.isEquivalent { throw ExitCode(1) }
    }
}

/// A duration in whole milliseconds, for `--timing`.
func milliseconds(_ d: Duration) -> Int64 { d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000 }

/// Exit status for trouble in `diff` and `compare`: 2, as diff(1) uses.
let comparisonTrouble: Int32 = 2

/// Loads pathways for `diff` or `compare`, several at once (loading dominates the time of a
/// comparison): prints the errors of each file that has any, in order, and exits 2 if any did.
func loadAllForComparison(_ paths: [String], limits: LimitOptions) throws -> [Pathway] {
    for path in paths {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            printError("error: cannot find the pathway file '\(path)'")
            throw ExitCode(comparisonTrouble)
        }
    }
    let loader = limits.loader
    let results = LoadResults(count: paths.count)
    DispatchQueue.concurrentPerform(iterations: paths.count) { i in
        results.set(i, loader.load(file: paths[i]))
    }
    var pathways: [Pathway] = []
    var failed = false
    for result in results.all {
        let errors = result?.diagnostics.filter { $0.severity == .error } ?? []
        guard let result, let pathway = result.pathway, errors.isEmpty else {
            let formatter = DiagnosticFormatter(colour: isatty(STDERR_FILENO) != 0, sources: result?.sources ?? [:])
            printError(formatter.format(errors, files: 1))
            failed = true
            continue
        }
        pathways.append(pathway)
    }
    if failed { throw ExitCode(comparisonTrouble) }
    return pathways
}

/// Load results filled in from several threads, each slot written once.
private final class LoadResults: @unchecked Sendable {
    private var slots: [LoadResult?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ result: LoadResult) {
        lock.lock()
        slots[i] = result
        lock.unlock()
    }

    var all: [LoadResult?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}

/// The clinical weights: the defaults, or a weights file laid over them (exits 2 on a bad file).
func loadWeights(_ path: String?) throws -> ClinicalWeights {
    guard let path else { return .standard }
    let (table, diagnostics) = NumberTable.read(path: path, allowedSections: ClinicalWeights.fileSections)
    if diagnostics.hasErrors {
        printError(DiagnosticFormatter(colour: isatty(STDERR_FILENO) != 0, sources: [:]).format(diagnostics, files: 1))
        throw ExitCode(comparisonTrouble)
    }
    let (weights, problems) = ClinicalWeights.overriding(table)
    if !problems.isEmpty {
        for p in problems { printError("\(path): error: \(p)") }
        throw ExitCode(comparisonTrouble)
    }
    return weights
}
