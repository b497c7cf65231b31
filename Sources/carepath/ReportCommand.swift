import ArgumentParser
import Foundation
import PathwayExport
import PathwayLanguage
import PathwayModel
import PathwaySimulation

/// `carepath report PATH... -o OUT.html`: one self-contained HTML page with each pathway's
/// diagram and tables, and with `--simulate` its simulated target attainment, journey times,
/// waits, resource use and handoffs.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report: pathway diagrams and tables, simulation results.",
        discussion: """
        The page has no external links to load (inline CSS and SVG), so it works offline and when emailed. \
        Diagrams are drawn by Graphviz's 'dot' when it is installed; without it the page says so. \
        With --simulate each pathway is simulated (same options as 'carepath simulate'). See Docs/report.md.
        """
    )

    @Argument(help: "Pathway files or folders (searched for *.yaml and *.yml).", completion: .file(extensions: ["yaml", "yml"]))
    var paths: [String]

    @Option(name: [.short, .customLong("output")], help: "The HTML file to write ('-' for standard output).", completion: .file(extensions: ["html"]))
    var output: String

    @Option(help: "The page title (default: the pathway's title).")
    var title: String?

    @Flag(help: "Simulate each pathway and add the simulation view.")
    var simulate = false

    @Option(help: "With --simulate: patients to count per replication (after the warm-up).")
    var patients: Int?

    @Option(help: "With --simulate: days of arrivals per replication. Default: the cohort, else 365.")
    var days: Double?

    @Option(help: "With --simulate: days simulated before statistics start.")
    var warmup: Double = 0

    @Option(help: "With --simulate: independent replications.")
    var replications: Int = 10

    @Option(help: "With --simulate: random seed.")
    var seed: UInt64 = 1

    @Option(help: "With --simulate: threads running replications (default: all cores). Output does not depend on it.")
    var jobs: Int?

    @Flag(help: "Leave the diagrams out (no Graphviz needed).")
    var noDiagrams = false

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    func validate() throws {
        if patients != nil && days != nil { throw ValidationError("give --patients or --days, not both") }
        if let patients, patients < 1 { throw ValidationError("--patients must be at least 1") }
        if let days, !(days > 0) { throw ValidationError("--days must be more than 0") }
        if !(warmup >= 0) { throw ValidationError("--warmup must be 0 or more") }
        if replications < 1 { throw ValidationError("--replications must be at least 1") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let (files, missing) = PathwayFiles.find(paths)
        for path in missing { printError("error: cannot find '\(path)'") }
        if !missing.isEmpty { throw ExitCode(ExitStatus.noInput) }
        guard !files.isEmpty else {
            printError("error: no pathway files (*.yaml, *.yml) in \(paths.joined(separator: ", "))")
            throw ExitCode(ExitStatus.noInput)
        }
        var entries: [HTMLReport.Entry] = []
        for file in files {
            let pathway = try loadValidPathway(file, limits: limits)
            entries.append(HTMLReport.Entry(pathway: pathway, simulation: simulate ? try simulation(of: pathway, file: file) : nil))
        }
        let report = HTMLReport(title: title, entries: entries, renderer: noDiagrams ? nil : SVGRenderer())
        if !noDiagrams && SVGRenderer().dotExecutable == nil {
            printError("warning: Graphviz's 'dot' was not found; the report says so in place of each diagram")
        }
        try writeOutput(report.render(), to: output)
    }

    /// Simulates `pathway`, or explains on standard error why it cannot be and exits 1.
    private func simulation(of pathway: Pathway, file: String) throws -> SimulationReport {
        let simulator: Simulator
        do {
            simulator = try Simulator(pathway: pathway)
        } catch let error as SimulationError {
            printError(DiagnosticFormatter(colour: isatty(STDERR_FILENO) != 0, sources: [:]).format(error.diagnostics, files: 1))
            throw ExitCode(ExitStatus.problems)
        }
        guard simulator.hasArrivals else {
            printError("error: \(file) says nothing about how patients arrive; add `arrivals:` to simulate it, or leave out --simulate")
            throw ExitCode(ExitStatus.problems)
        }
        var options = SimulationOptions(warmupDays: warmup, replications: replications, seed: seed,
                                        jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        if let patients { options.length = .patients(patients) } else if let days { options.length = .days(days) }
        return simulator.run(options)
    }
}
