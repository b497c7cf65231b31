import ArgumentParser
import Foundation
import PathwayLanguage
import PathwayModel
import PathwaySimulation

/// `carepath simulate FILE --vary PATH=VALUES...`: builds the pathway once for every value (or
/// combination of values) through the overlay machinery, simulates each with the same options
/// and seed (common random numbers), and prints each target's attainment per value and the
/// smallest values that meet every standard.
struct VaryRun {
    var file: String
    var base: Pathway
    var variations: [FieldVariation]
    var coordinates: [[Int]]
    var judge: VaryJudge
    var options: SimulationOptions
    var limits: LimitOptions

    /// Builds, checks and simulates every point, then prints the result in `format` on standard
    /// output and each point's run warnings on standard error. Exits 1 (after printing why)
    /// when a value cannot be built or simulated, and with `strict` when any point warned.
    func run(format: SimulateCommand.Format, strict: Bool, timing: Bool) throws {
        let started = DispatchTime.now().uptimeNanoseconds
        let (report, jobs) = try analyse()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9

        switch format {
        case .table: print(VaryFormatter.table(report), terminator: "")
        case .json: print(VaryFormatter.json(report), terminator: "")
        case .csv: print(VaryFormatter.csv(report), terminator: "")
        }
        checkStandardOutput()
        printWarnings(report, strict: strict)
        if timing {
            printError("timing: \(report.points.count) \(report.axes.count == 1 ? "values" : "combinations") in \(String(format: "%.3f", seconds)) s; jobs \(jobs)")
        }
        if strict && report.points.contains(where: { !$0.warnings.isEmpty }) { throw ExitCode(ExitStatus.problems) }
    }

    /// Builds, checks and simulates every point (with a progress bar on a terminal), returning
    /// the report and the number of jobs used; exits 1 after printing why when a point cannot be
    /// built or simulated. `carepath report --vary` draws the same report as a chart.
    func analyse() throws -> (report: VaryReport, jobs: Int) {
        guard !base.targets.isEmpty else {
            printError("error: '\(TerminalText.safeLine(base.title))' states no targets, so --vary has nothing to judge its values by; add a target under `targets:` (see Docs/target-clocks.md)")
            throw ExitCode(ExitStatus.problems)
        }
        let simulators = try buildSimulators()
        let shared = VaryAnalysis.sharedOptions(simulators, options)
        for (i, simulator) in simulators.enumerated() {
            if let problem = simulator.memoryProblem(shared) {
                printPointError(problem, at: i)
                throw ExitCode(ExitStatus.problems)
            }
        }
        let perPoint = simulators.first.map { expectedPatients($0, shared) } ?? 0
        let progress = ProgressBar.makeIfUseful(expectedPatients: perPoint * Double(simulators.count))
        let report: VaryReport
        do {
            report = try VaryAnalysis.run(simulators, axes: axes, coordinates: coordinates, judge: judge,
                                          options: shared, progress: progress?.update)
        } catch let failure as VaryFailure {
            progress?.clear()
            printPointError(failure.error, at: failure.point)
            throw ExitCode(ExitStatus.problems)
        }
        progress?.clear()
        return (report, shared.jobs)
    }

    var axes: [VaryAxis] { variations.map { VaryAxis(path: $0.path, values: $0.values, unit: $0.unit) } }

    /// `PATH=value` for each field at point `i`: how a message names the point.
    func label(_ i: Int) -> String {
        coordinates[i].enumerated().map { "\(variations[$0.offset].path)=\(variations[$0.offset].valueText($0.element))" }
            .joined(separator: ", ")
    }

    /// The pathway of every point, compiled; exits 1 with the diagnostics of the first value that
    /// cannot be built (a path that names nothing, a value the field cannot take) or simulated.
    private func buildSimulators() throws -> [Simulator] {
        let loader = limits.loader
        var sources: [String: SourceText] = [FieldVariation.sourceName: FieldVariation.source(variations)]
        var firstFailure: (point: Int, errors: [Diagnostic])?
        var failures = 0
        var pathways: [Pathway] = []
        for (i, point) in coordinates.enumerated() {
            let settings = point.enumerated().map { variations[$0.offset].setting($0.element, line: $0.offset + 1) }
            let result = loader.load(file: file, setting: settings)
            let errors = result.diagnostics.filter { $0.severity == .error }
            if let pathway = result.pathway, errors.isEmpty {
                pathways.append(pathway)
                continue
            }
            failures += 1
            if firstFailure == nil {
                firstFailure = (i, errors)
                sources.merge(result.sources) { own, _ in own }
            }
        }
        if let (point, errors) = firstFailure {
            // A path that names nothing fails at every value; a value the field cannot take may fail at some.
            let pathProblem = errors.contains { $0.location?.file == FieldVariation.sourceName && $0.location?.column == 1 }
            let shown = pathProblem ? errors : errors.map { withNote($0, "when \(label(point))") }
            printError(DiagnosticFormatter(colour: ColourChoice.diagnostics, sources: sources).format(shown, files: 1))
            if !pathProblem && failures > 1 {
                printError("error: \(failures - 1) other \(variations.count == 1 ? "value" : "combination")\(failures == 2 ? "" : "s") of --vary cannot be built either")
            }
            throw ExitCode(ExitStatus.problems)
        }
        var simulators: [Simulator] = []
        for (i, pathway) in pathways.enumerated() {
            do {
                let simulator = try Simulator(pathway: pathway)
                guard simulator.hasArrivals else {
                    printError("error: with \(TerminalText.safeLine(label(i))) the pathway brings no patients (a rate of 0); vary it over values above 0")
                    throw ExitCode(ExitStatus.problems)
                }
                simulators.append(simulator)
            } catch let error as SimulationError {
                printPointError(error, at: i)
                throw ExitCode(ExitStatus.problems)
            }
        }
        return simulators
    }

    private func withNote(_ d: Diagnostic, _ note: String) -> Diagnostic {
        var d = d
        d.notes.append(DiagnosticNote(note))
        return d
    }

    private func printPointError(_ error: SimulationError, at point: Int) {
        printSimulationError(SimulationError(error.diagnostics.map { withNote($0, "when \(label(point))") }))
    }

    /// Each point's run warnings (as errors with `strict`), noting the values they came from.
    private func printWarnings(_ report: VaryReport, strict: Bool) {
        var shown: [Diagnostic] = []
        for (i, point) in report.points.enumerated() {
            for w in point.warnings {
                shown.append(Diagnostic(strict ? .error : w.severity, w.code, w.message, at: w.location,
                                        notes: w.notes + [DiagnosticNote("when \(label(i))")], help: w.help))
            }
        }
        if !shown.isEmpty { printSimulationError(SimulationError(shown)) }
    }

    private func expectedPatients(_ simulator: Simulator, _ options: SimulationOptions) -> Double {
        switch simulator.resolvedLength(options) {
        case .patients(let n): return Double(n) * Double(options.replications)
        case .days(let d): return d * 50 * Double(options.replications) // rough: only to decide on a bar
        }
    }
}
