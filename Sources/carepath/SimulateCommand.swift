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
        Each replication runs the pathway with its own random streams derived from --seed, so the
        same file, seed and options print the same bytes whatever --jobs is. Figures are means
        across replications with 95% confidence intervals. See Docs/simulation.md.
        """
    )

    @Argument(help: "The pathway file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @Option(help: "Patients to count per replication (after the warm-up).")
    var patients: Int?

    @Option(help: "Days of arrivals per replication (after the warm-up). Default: the cohort, else 365.")
    var days: Double?

    @Option(help: "Days simulated before statistics start.")
    var warmup: Double = 0

    @Option(help: "Independent replications (confidence intervals need at least 2).")
    var replications: Int = 10

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Threads running replications (default: all cores). Output does not depend on it.")
    var jobs: Int?

    @Option(help: "Output: table, json or csv.")
    var format: Format = .table

    @Option(help: "Write replication 1's events to FILE (.csv, .xes or .jsonocel).")
    var eventLog: String?

    @Flag(help: "Print run time and patients per second to standard error.")
    var timing = false

    @OptionGroup var limits: LimitOptions

    @OptionGroup var safety: OutputSafetyOptions

    @OptionGroup var memory: MemoryOptions

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, csv }

    func validate() throws {
        if patients != nil && days != nil { throw ValidationError("give --patients or --days, not both") }
        if let patients, patients < 1 { throw ValidationError("--patients must be at least 1") }
        if let days, !(days > 0) { throw ValidationError("--days must be more than 0") }
        if !(warmup >= 0) { throw ValidationError("--warmup must be 0 or more") }
        if replications < 1 { throw ValidationError("--replications must be at least 1") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if let eventLog, EventLogWriter.Format(fileName: eventLog) == nil {
            throw ValidationError("--event-log must end in .csv, .xes or .jsonocel")
        }
    }

    func run() throws {
        var inputs: [String] = []
        let pathway = try loadValidPathway(file, limits: limits, inputs: &inputs)
        try safety.check(eventLog, inputs: inputs)
        let simulator: Simulator
        do {
            simulator = try Simulator(pathway: pathway)
        } catch let error as SimulationError {
            printSimulationError(error)
            throw ExitCode(ExitStatus.problems)
        }
        guard simulator.hasArrivals else {
            printError("error: \(file) says nothing about how patients arrive; add `arrivals:` (a rate, a weekly schedule or a cohort)")
            throw ExitCode(ExitStatus.problems)
        }
        var options = SimulationOptions(warmupDays: warmup, replications: replications, seed: seed,
                                        jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                        memoryLimitBytes: memory.bytes)
        if let patients { options.length = .patients(patients) } else if let days { options.length = .days(days) }
        if let problem = simulator.memoryProblem(options) {
            printSimulationError(problem)
            throw ExitCode(ExitStatus.problems)
        }

        let progress = ProgressBar.makeIfUseful(expectedPatients: expectedPatients(simulator, options))
        let started = DispatchTime.now().uptimeNanoseconds
        let report: SimulationReport
        var logged = 0
        if let eventLog {
            // A pipe or device is written into as it is; a file is created or emptied first.
            let isSpecial = FileCheck.kind(of: eventLog) == .special
            guard let format = EventLogWriter.Format(fileName: eventLog),
                  isSpecial || FileManager.default.createFile(atPath: eventLog, contents: nil),
                  let handle = FileHandle(forWritingAtPath: eventLog) else {
                printError("error: cannot write the event log '\(eventLog)'")
                throw ExitCode(ExitStatus.cannotWrite)
            }
            var sink: EventLogWriter? = EventLogWriter(format: format, model: simulator.model) { bytes in
                handle.write(Data(bytes))
            }
            report = simulator.run(options, eventSink: &sink, progress: progress?.update)
            sink?.finish()
            logged = sink?.events ?? 0
            try? handle.close()
        } else {
            report = simulator.run(options, progress: progress?.update)
        }
        progress?.clear()
        if let stopped = simulator.memoryError(in: report) {
            printSimulationError(stopped)
            throw ExitCode(ExitStatus.problems)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9

        switch format {
        case .table: print(ReportFormatter.table(report), terminator: "")
        case .json: print(ReportFormatter.json(report), terminator: "")
        case .csv: print(ReportFormatter.csv(report), terminator: "")
        }
        fflush(nil) // stdout before the messages on stderr
        if let eventLog { printError("event log: \(logged) events of replication 1 written to \(eventLog)") }
        if timing {
            let arrivals = report.tallies.reduce(0) { $0 + $1.arrivals }
            let rate = seconds > 0 ? Double(arrivals) / seconds : 0
            printError("timing: \(arrivals) patients, \(report.events) events in \(String(format: "%.3f", seconds)) s; "
                       + "\(Int(rate)) patients/s; jobs \(options.jobs); cpu \(String(format: "%.3f", cpuSeconds())) s")
        }
    }

    private func expectedPatients(_ simulator: Simulator, _ options: SimulationOptions) -> Double {
        switch simulator.resolvedLength(options) {
        case .patients(let n): return Double(n * options.replications)
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
private final class ProgressBar: @unchecked Sendable {
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
        FileHandle.standardError.write(Data("\rsimulating [\(bar)] \(percent)%".utf8))
    }

    func clear() {
        lock.lock()
        defer { lock.unlock() }
        if shown >= 0 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
