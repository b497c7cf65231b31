import ArgumentParser
import Foundation
import PathwayLanguage
import PathwayModel
import PathwaySimulation

/// `carepath simulate FILE`: runs seeded replications of a pathway and prints target attainment,
/// journey times, waits, resource use, handoffs and outcomes.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate patient journeys through a pathway: target attainment, waits, bottlenecks, handoffs.",
        discussion: """
        Each replication runs the pathway with its own random streams derived from --seed, so the \
        same file, seed and options print the same bytes whatever --jobs is. Figures are means \
        across replications with 95% confidence intervals. See Docs/simulation.md.
        A run that would not fit in --max-memory stops with the reason (CP530, CP531); exit status 1.
        With -o PART (and --replication-range A..B) it writes a part file instead of the report; \
        'carepath merge' prints the whole run's report from the parts. See Docs/scale.md.
        With --vary PATH=VALUES it runs the pathway once for each value of a numeric field, all \
        with the same random numbers, and prints each target's attainment per value and the \
        smallest value that meets every standard (judged on the lower end of the 95% interval \
        unless --judge mean).
        """
    )

    @Argument(help: "The pathway file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @OptionGroup(title: "Run") var runOptions: RunOptions

    @Option(help: "Output: table, json or csv (default: table).")
    var format: Format?

    @Option(help: "Write replication 1's events to FILE (.csv, .xes or .jsonocel).")
    var eventLog: String?

    @Flag(help: "Print run time and patients per second to standard error.")
    var timing = false

    @Flag(help: "Treat the run's warnings as errors: patients still in the pathway at the end (CP540), a run too short for its journeys (CP541); exit 1.")
    var strict = false

    @OptionGroup(title: "Slices of a run, for carepath merge") var part: PartOptions

    @OptionGroup(title: "Capacity planning") var vary: VaryOptions

    @OptionGroup var limits: LimitOptions

    @OptionGroup var safety: OutputSafetyOptions

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    func validate() throws {
        if let eventLog, EventLogWriter.Format(fileName: eventLog) == nil {
            throw ValidationError("--event-log must end in .csv, .xes or .jsonocel")
        }
        try part.validate(replications: runOptions.replications ?? 10)
        if vary.isVarying {
            if part.writesPart { throw ValidationError("--vary cannot be combined with -o: it runs every value whole and prints one table") }
            if eventLog != nil { throw ValidationError("--event-log cannot be combined with --vary: simulate the one value whose events you want without --vary") }
        }
        if part.writesPart {
            if format != nil { throw ValidationError("-o writes a part file, not a report: give --format to 'carepath merge' instead") }
            if eventLog != nil { throw ValidationError("--event-log cannot be combined with -o: write replication 1's events with a whole run") }
            if strict { throw ValidationError("--strict cannot be combined with -o: the run's warnings are known only when the parts are merged; give --strict to 'carepath merge'") }
        }
    }

    func run() throws {
        var inputs: [String] = []
        let pathway = try loadValidPathway(file, limits: limits, inputs: &inputs)
        try safety.check(eventLog, inputs: inputs)
        let simulator = try Simulator.forCommand(
            pathway, noArrivals: "\(file) says nothing about how patients arrive; add `arrivals:` (a rate, a weekly schedule or a cohort)")
        let options = runOptions.simulationOptions()
        if vary.isVarying {
            let variations = try vary.variations()
            return try VaryRun(file: file, base: pathway, variations: variations, coordinates: try vary.grid(variations),
                               judge: vary.judge ?? .lowerBound, options: options, limits: limits)
                .run(format: format ?? .table, strict: strict, timing: timing)
        }
        if part.writesPart { return try writePart(simulator, options, inputs: inputs) }
        try simulator.checkFits(options)

        let progress = ProgressBar.makeIfUseful(expectedPatients: expectedPatients(simulator, options))
        let started = DispatchTime.now().uptimeNanoseconds
        let report: SimulationReport
        var logged = 0
        if let eventLog {
            // Written to a temporary file that replaces the old log only when the run finished
            // (a pipe or device is written into as it is): a failed run leaves the old log.
            guard let format = EventLogWriter.Format(fileName: eventLog) else {
                printError("error: cannot write the event log '\(eventLog)'")
                throw ExitCode(ExitStatus.cannotWrite)
            }
            let file = try OutputFile.open(eventLog)
            let handle = file.handle
            let failure = WriteFailure()
            var sink: EventLogWriter? = EventLogWriter(format: format, model: simulator.model) { bytes in
                guard failure.error == nil else { return }
                do { try handle.write(contentsOf: Data(bytes)) } catch { failure.error = error }
            }
            report = simulator.run(options, eventSink: &sink, progress: progress?.update)
            sink?.finish()
            if let error = failure.error {
                progress?.clear()
                file.abandon()
                printError("error: cannot write the event log '\(eventLog)': \(error.localizedDescription)")
                throw ExitCode(ExitStatus.cannotWrite)
            }
            logged = sink?.events ?? 0
            do {
                try simulator.checkFinished(report)
            } catch {
                progress?.clear()
                file.abandon()
                throw error
            }
            try file.commit()
        } else {
            report = simulator.run(options, progress: progress?.update)
        }
        progress?.clear()
        try simulator.checkFinished(report)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9

        Self.printReport(report, format: format ?? .table, strict: strict)
        if let eventLog { printError("event log: \(logged) events of replication 1 written to \(eventLog)") }
        if timing {
            let arrivals = report.tallies.reduce(0) { $0 + $1.arrivals }
            let rate = seconds > 0 ? Double(arrivals) / seconds : 0
            printError("timing: \(arrivals) patients, \(report.events) events in \(String(format: "%.3f", seconds)) s; "
                       + "\(Int(rate)) patients/s; jobs \(options.jobs); cpu \(String(format: "%.3f", cpuSeconds())) s")
        }
        if strict && !report.warnings.isEmpty { throw ExitCode(ExitStatus.problems) }
    }

    /// Prints a simulation result in `format` on standard output, then its warnings (as errors
    /// with `strict`) on standard error: what `simulate` and `merge` both print.
    static func printReport(_ report: SimulationReport, format: Format, strict: Bool) {
        switch format {
        case .table: print(ReportFormatter.table(report), terminator: "")
        case .json: print(ReportFormatter.json(report), terminator: "")
        case .csv: print(ReportFormatter.csv(report), terminator: "")
        }
        checkStandardOutput() // stdout before the messages on stderr (exit 74 if it failed)
        if !report.warnings.isEmpty {
            let shown = strict ? report.warnings.map { Diagnostic(.error, $0.code, $0.message, at: $0.location, notes: $0.notes, help: $0.help) } : report.warnings
            printSimulationError(SimulationError(shown))
        }
    }

    /// Runs the `--replication-range` slice (all replications without it) and writes it as a
    /// part file with the run's identity.
    private func writePart(_ simulator: Simulator, _ options: SimulationOptions, inputs: [String]) throws {
        let range = try part.range(replications: options.replications)
        var slice = options
        slice.replications = range.count // what this process keeps in memory
        try simulator.checkFits(slice)
        try safety.check(part.output, inputs: inputs)
        let started = DispatchTime.now().uptimeNanoseconds
        let tallies = simulator.runReplications(range, options)
        try simulator.checkFinished(simulator.report(options, tallies: tallies))
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let identity: RunIdentity
        do {
            identity = RunIdentity(command: .simulate, carepathVersion: carepathVersion,
                                   pathwayHashes: [try RunPart.pathwayHash(simulator.pathway)], seed: options.seed,
                                   replications: options.replications, length: simulator.resolvedLength(options),
                                   warmupDays: options.warmupDays, drainLimitDays: options.drainLimitDays)
        } catch {
            printError("error: cannot encode the pathway for the part file: \(error)")
            throw ExitCode(ExitStatus.problems)
        }
        let runPart = RunPart(identity: identity, first: range.lowerBound, last: range.upperBound,
                              pathways: [simulator.pathway], tallies: [tallies])
        try part.write(runPart, inputs: inputs, overwriteInput: safety.overwriteInput)
        if timing {
            let arrivals = tallies.reduce(0) { $0 + $1.arrivals }
            let events = tallies.reduce(0) { $0 + $1.events }
            let rate = seconds > 0 ? Double(arrivals) / seconds : 0
            printError("timing: replications \(range.lowerBound)..\(range.upperBound): \(arrivals) patients, \(events) events in \(String(format: "%.3f", seconds)) s; "
                       + "\(Int(rate)) patients/s; jobs \(min(options.jobs, range.count)); cpu \(String(format: "%.3f", cpuSeconds())) s")
        }
    }

    private func expectedPatients(_ simulator: Simulator, _ options: SimulationOptions) -> Double {
        switch simulator.resolvedLength(options) {
        case .patients(let n): return Double(n) * Double(options.replications) // no Int product: it can overflow
        case .days(let d): return d * 50 * Double(options.replications) // rough: only to decide on a bar
        }
    }
}

/// CPU time of this process so far, all threads: on a shared machine it shows the work done,
/// where wall time also counts waiting for a core.
private func cpuSeconds() -> Double {
    Double(clock()) / Double(CLOCKS_PER_SEC)
}

/// A progress bar on standard error, shown only when it is a terminal and the run is long.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var shown = -1

    static func makeIfUseful(expectedPatients: Double) -> ProgressBar? {
        guard isatty(STDERR_FILENO) != 0, expectedPatients >= 2_000_000 else { return nil }
        return ProgressBar()
    }

    var update: @Sendable (Double) -> Void { { [self] share in self.draw(share) } }

    private func draw(_ share: Double) {
        let percent = Int(share * 100)
        lock.lock()
        defer { lock.unlock() }
        guard percent != shown else { return }
        shown = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
        try? FileHandle.standardError.write(contentsOf: Data("\rsimulating [\(bar)] \(percent)%".utf8))
    }

    func clear() {
        lock.lock()
        defer { lock.unlock() }
        if shown >= 0 { try? FileHandle.standardError.write(contentsOf: Data("\r\u{1B}[K".utf8)) }
    }
}

/// The first error writing the event log, kept by the writer's callback (which cannot throw).
private final class WriteFailure: @unchecked Sendable {
    var error: Error?
}
