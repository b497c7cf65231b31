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
        With --impact and -o PART (and --replication-range A..B) it writes a part file of the impact run \
        instead; 'carepath merge' prints the whole diff from the parts (exit 0 when the part is written). See Docs/scale.md.
        """
    )

    @Argument(help: "The standard pathway file.", completion: .file(extensions: ["yaml", "yml"]))
    var standard: String

    @Argument(help: "The variant pathway file (a full file or an overlay with `extends`).", completion: .file(extensions: ["yaml", "yml"]))
    var variant: String

    @Option(help: "Output format: text, json or markdown (default: text).")
    var format: DiffFormat?

    @Option(help: "A YAML or JSON file overriding the clinical weights (sections classes, kinds, steps).",
            completion: .file(extensions: ["yaml", "yml", "json"]))
    var weights: String?

    @Option(help: "Colour: auto, always or never.")
    var color: ColourChoice = .auto

    @Flag(help: "Also simulate both under common random numbers and report the change in each target's attainment and in median journey time, with 95% intervals.")
    var impact = false

    @OptionGroup(title: "Simulation (with --impact)") var runOptions: RunOptions

    @OptionGroup(title: "Slices of an impact run, for carepath merge") var part: PartOptions

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
        if part.writesPart || part.replicationRange != nil {
            guard impact else { throw ValidationError("-o and --replication-range write a part of an impact run: add --impact") }
            try part.validate(replications: runOptions.replications ?? 20)
            if format != nil { throw ValidationError("-o writes a part file, not a diff: give --format to 'carepath merge' instead") }
            if requireJustification { throw ValidationError("--require-justification cannot be combined with -o: the diff is printed by 'carepath merge'") }
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
            if part.writesPart { return try writePart(a, b, options, weights: clinicalWeights) }
            do {
                report = try ImpactAnalysis.run(standard: a, variant: b, options: options)
            } catch let error as SimulationError {
                printSimulationError(error, files: 2)
                throw ExitCode(comparisonTrouble)
            }
        }
        try Self.printDiff(diff, impact: report, format: format ?? .text, colour: color.enabled)
        if requireJustification, !diff.unjustified.isEmpty {
            printError("error: \(diff.unjustified.count) unjustified change\(diff.unjustified.count == 1 ? "" : "s") (clinical weight 3 or more, no reason and evidence)")
        }
        if !diff.isEquivalent { throw ExitCode(1) }
    }

    /// Prints the diff (with the impact report) in `format`, then the impact run's warnings on
    /// standard error: what `diff` prints, and what `merge` prints for an impact run's parts.
    static func printDiff(_ diff: PathwayDiff, impact report: ImpactReport?, format: DiffFormat, colour: Bool) throws {
        switch format {
        case .text: print(DiffRenderer.text(diff, impact: report, colour: colour), terminator: "")
        case .json: print(try jsonOutput { try DiffRenderer.json(diff, impact: report) }, terminator: "")
        case .markdown: print(DiffRenderer.markdown(diff, impact: report), terminator: "")
        }
        if let warnings = report?.warnings, !warnings.isEmpty {
            checkStandardOutput() // stdout before the messages on stderr (exit 74 if it failed)
            printSimulationError(SimulationError(warnings), files: 2)
        }
    }

    /// Runs the `--replication-range` slice of the impact run (all of it without one) and
    /// writes it as a part file: both pathways, both sides' tallies and the run's identity,
    /// with the clinical weights (the diff printed by `merge` depends on them).
    private func writePart(_ a: Pathway, _ b: Pathway, _ options: SimulationOptions, weights: ClinicalWeights) throws {
        let range = try part.range(replications: options.replications)
        let clock = ContinuousClock()
        let started = clock.now
        let tallies: (standard: [ReplicationTally], variant: [ReplicationTally])
        let shared: SimulationOptions
        do {
            shared = ImpactAnalysis.sharedOptions(standard: try Simulator(pathway: a), options)
            tallies = try ImpactAnalysis.runReplications(range, standard: a, variant: b, options: options)
        } catch let error as SimulationError {
            printSimulationError(error, files: 2)
            throw ExitCode(comparisonTrouble)
        }
        let identity: RunIdentity
        do {
            identity = RunIdentity(command: .impact, carepathVersion: carepathVersion,
                                   pathwayHashes: [try RunPart.pathwayHash(a), try RunPart.pathwayHash(b)],
                                   seed: shared.seed, replications: shared.replications,
                                   length: shared.length ?? .days(365), warmupDays: shared.warmupDays,
                                   drainLimitDays: shared.drainLimitDays,
                                   settings: [ImpactPart.weightsKey: try ImpactPart.encode(weights)])
        } catch {
            printError("error: cannot encode the pathways for the part file: \(error)")
            throw ExitCode(comparisonTrouble)
        }
        let runPart = RunPart(identity: identity, first: range.lowerBound, last: range.upperBound, pathways: [a, b],
                              tallies: [tallies.standard, tallies.variant])
        try part.write(runPart, inputs: [standard, variant], overwriteInput: false)
        if timing { printError("replications \(range.lowerBound)..\(range.upperBound) of both pathways simulated in \(milliseconds(clock.now - started)) ms") }
    }
}

/// How an impact part keeps the clinical weights (they change the diff that `merge` prints).
enum ImpactPart {
    /// The key of the weights in `RunIdentity.settings`.
    static let weightsKey = "clinicalWeights"

    /// The weights as JSON text with sorted keys: `{"classes":{…},"kinds":{…},"steps":{…}}`.
    static func encode(_ weights: ClinicalWeights) throws -> String {
        let table: [String: [String: Double]] = [
            "classes": Dictionary(uniqueKeysWithValues: weights.classes.map { ($0.key.rawValue, $0.value) }),
            "kinds": Dictionary(uniqueKeysWithValues: weights.kinds.map { ($0.key.rawValue, $0.value) }),
            "steps": weights.steps,
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(table), as: UTF8.self)
    }

    /// The weights back from `encode`'s text, or `nil` when it is not such a table.
    static func decode(_ text: String) -> ClinicalWeights? {
        guard let table = try? JSONDecoder().decode([String: [String: Double]].self, from: Data(text.utf8)) else { return nil }
        let (weights, problems) = ClinicalWeights.overriding(table)
        return problems.isEmpty ? weights : nil
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
    let results = ResultSlots<LoadResult>(count: paths.count)
    DispatchQueue.concurrentPerform(iterations: paths.count) { i in
        results.set(i, loader.load(file: paths[i]))
    }
    var pathways: [Pathway] = []
    var failed = false
    for result in results.all {
        let errors = result?.diagnostics.filter { $0.severity == .error } ?? []
        guard let result, let pathway = result.pathway, errors.isEmpty else {
            let formatter = DiagnosticFormatter(colour: ColourChoice.diagnostics, sources: result?.sources ?? [:])
            printError(formatter.format(errors, files: 1))
            failed = true
            continue
        }
        pathways.append(pathway)
    }
    if failed { throw ExitCode(comparisonTrouble) }
    return pathways
}

/// The clinical weights: the defaults, or a weights file laid over them (exits 2 on a bad file).
func loadWeights(_ path: String?) throws -> ClinicalWeights {
    guard let path else { return .standard }
    let (table, diagnostics) = NumberTable.read(path: path, allowedSections: ClinicalWeights.fileSections)
    if diagnostics.hasErrors {
        printError(DiagnosticFormatter(colour: ColourChoice.diagnostics, sources: [:]).format(diagnostics, files: 1))
        throw ExitCode(comparisonTrouble)
    }
    let (weights, problems) = ClinicalWeights.overriding(table)
    if !problems.isEmpty {
        for p in problems { printError("\(path): error: \(p)") }
        throw ExitCode(comparisonTrouble)
    }
    return weights
}
