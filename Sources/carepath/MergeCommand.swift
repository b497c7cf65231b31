import ArgumentParser
import Foundation
import PathwayDiff
import PathwayLanguage
import PathwayModel
import PathwaySimulation

/// `carepath merge PART...`: puts the part files of a run split with `--replication-range`
/// together and prints what the whole run prints, byte for byte.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the part files of a run split with --replication-range and print the whole run's report.",
        discussion: """
        Each part holds replications A..B of one run (from 'carepath simulate ... --replication-range A..B -o PART' \
        or 'carepath diff --impact ... --replication-range A..B -o PART'). Together the parts must cover \
        replications 1..N exactly once, and come from the same run: the same pathways, seed, replications, \
        options and carepath version. The output is byte for byte what the whole run prints with --format. \
        See Docs/scale.md.
        Exit status: as the whole run's command (simulate: 0, or 1 with --strict and warnings; diff --impact: \
        0 when equivalent, 1 when different); 2 when the parts cannot be merged (a part damaged or foreign, \
        parts of different runs, overlapping or missing replications); 66 when a part cannot be read.
        """
    )

    @Argument(help: "The part files, in any order.", completion: .file(extensions: ["json"]))
    var parts: [String]

    @Option(help: "Output: table, json or csv for a simulate run (default: table); text, json or markdown for an impact run (default: text).")
    var format: MergeFormat?

    @Flag(help: "Simulate runs: treat the run's warnings as errors (CP540, CP541), as simulate --strict does; exit 1.")
    var strict = false

    @Option(help: "Impact runs: colour, as diff --color (auto, always or never).")
    var color: ColourChoice = .auto

    /// Exit status when the parts cannot be merged: 2, apart from 1, which is the run's own
    /// verdict (warnings with --strict, a variant that differs).
    static let refused: Int32 = 2

    enum MergeFormat: String, ExpressibleByArgument, CaseIterable { case table, json, csv, text, markdown }

    func run() throws {
        var read: [RunPart] = []
        for path in parts {
            if let reason = FileCheck.unreadableReason(path) {
                printError("error: \(reason)")
                throw ExitCode(ExitStatus.noInput)
            }
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                printError("error: cannot read '\(path)': \(error.localizedDescription)")
                throw ExitCode(ExitStatus.noInput)
            }
            do {
                read.append(try RunPart.decode(data))
            } catch let error as RunPartError {
                printError("error: '\(path)' is not a part file carepath can merge: \(error.message)")
                throw ExitCode(Self.refused)
            }
        }
        let whole: RunPart
        do {
            whole = try RunPart.merge(read, names: parts)
        } catch let error as RunPartError {
            printError("error: cannot merge: \(error.message)")
            throw ExitCode(Self.refused)
        }
        if whole.identity.carepathVersion != carepathVersion {
            printError("error: the parts were written by carepath \(whole.identity.carepathVersion); this is carepath \(carepathVersion), whose figures may differ: merge them with the carepath that wrote them")
            throw ExitCode(Self.refused)
        }
        switch whole.identity.command {
        case .simulate: try printSimulation(whole)
        case .impact: try printImpact(whole)
        }
    }

    /// Prints what `carepath simulate` prints for the whole run.
    private func printSimulation(_ whole: RunPart) throws {
        let format: SimulateCommand.Format
        switch self.format ?? .table {
        case .table: format = .table
        case .json: format = .json
        case .csv: format = .csv
        case let other:
            throw ValidationError("these parts are of a simulate run, which prints table, json or csv, not \(other.rawValue)")
        }
        let simulator: Simulator
        do {
            simulator = try Simulator(pathway: whole.pathways[0])
        } catch let error as SimulationError {
            printSimulationError(error)
            throw ExitCode(Self.refused)
        }
        let report = simulator.report(whole.identity.options, tallies: whole.tallies[0])
        SimulateCommand.printReport(report, format: format, strict: strict)
        if strict && !report.warnings.isEmpty { throw ExitCode(ExitStatus.problems) }
    }

    /// Prints what `carepath diff --impact` prints for the whole run.
    private func printImpact(_ whole: RunPart) throws {
        let format: DiffCommand.DiffFormat
        switch self.format ?? .text {
        case .text: format = .text
        case .json: format = .json
        case .markdown: format = .markdown
        case let other:
            throw ValidationError("these parts are of a diff --impact run, which prints text, json or markdown, not \(other.rawValue)")
        }
        if strict { throw ValidationError("--strict is for simulate runs; these parts are of a diff --impact run") }
        guard let text = whole.identity.settings[ImpactPart.weightsKey], let weights = ImpactPart.decode(text) else {
            printError("error: the parts do not say which clinical weights the diff used")
            throw ExitCode(Self.refused)
        }
        let a = whole.pathways[0], b = whole.pathways[1]
        let diff = PathwayDiff(standard: a, variant: b, weights: weights)
        if diff.looksLikeAnotherPathway {
            printError("warning: these look like two different pathways ('\(a.id)' and '\(b.id)'): only \(diff.matches.count) of the standard's \(a.steps.count) steps have a partner in the variant, so most changes below are whole steps added and removed")
        }
        let report: ImpactReport
        do {
            report = try ImpactAnalysis.report(standard: a, variant: b, options: whole.identity.options,
                                               standardTallies: whole.tallies[0], variantTallies: whole.tallies[1])
        } catch let error as SimulationError {
            printSimulationError(error, files: 2)
            throw ExitCode(comparisonTrouble)
        }
        try DiffCommand.printDiff(diff, impact: report, format: format, colour: color.enabled)
        if !diff.isEquivalent { throw ExitCode(1) }
    }
}
