import ArgumentParser
import Foundation
import PathwayModel
import PathwaySimulation

/// How long, how often and with how much memory to simulate: shared by `simulate`,
/// `report --simulate/--impact` and `diff --impact`, so they take the same options and check
/// them the same way. Replications and warm-up default per command (see `simulationOptions`).
struct RunOptions: ParsableArguments {
    @Option(help: "Patients to count per replication (after the warm-up).")
    var patients: Int?

    @Option(help: "Days of arrivals per replication (after the warm-up). Default: the cohort, else 365.")
    var days: Double?

    @Option(name: [.customLong("warmup"), .customLong("warmup-days")],
            help: "Days simulated before statistics start (default 0; 60 for diff --impact).")
    var warmup: Double?

    @Option(help: "Independent replications; confidence intervals need at least 2 (default 10; 20 for diff --impact).")
    var replications: Int?

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Threads running replications (default: all cores). Output does not depend on it.")
    var jobs: Int?

    @Option(help: ArgumentHelp("Most memory a simulation may hold, all threads together (e.g. 8GiB, 512MiB).", valueName: "size"))
    var maxMemory: String = "8GiB"

    func validate() throws {
        if patients != nil && days != nil { throw ValidationError("give --patients or --days, not both") }
        if let patients, patients < 1 { throw ValidationError("--patients must be at least 1") }
        // Past these a run would not end in any useful time (a billion patients take minutes).
        if let patients, patients > 1_000_000_000 { throw ValidationError("--patients must be at most 1,000,000,000 per replication") }
        if let days, !(days > 0) || !(days * 1440).isFinite { throw ValidationError("--days must be a number of days more than 0") }
        if let days, days > 36_525 { throw ValidationError("--days must be at most 36,525 (100 years)") }
        if let warmup, !(warmup >= 0) || !(warmup * 1440).isFinite { throw ValidationError("--warmup must be a number of days, 0 or more") }
        if let warmup, warmup > 36_525 { throw ValidationError("--warmup must be at most 36,525 days (100 years)") }
        if let replications, replications < 1 { throw ValidationError("--replications must be at least 1") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        guard MemoryBudget.parse(maxMemory) != nil else {
            throw ValidationError("--max-memory takes a size such as 8GiB, 512MiB or 2000000000 (bytes); got '\(maxMemory)'")
        }
    }

    /// The options for the simulator, with this command's defaults for what was not given.
    func simulationOptions(replications defaultReplications: Int = 10, warmup defaultWarmup: Double = 0) -> SimulationOptions {
        var options = SimulationOptions(warmupDays: warmup ?? defaultWarmup, replications: replications ?? defaultReplications,
                                        seed: seed, jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                                        memoryLimitBytes: MemoryBudget.parse(maxMemory) ?? MemoryBudget.defaultLimitBytes)
        if let patients { options.length = .patients(patients) } else if let days { options.length = .days(days) }
        return options
    }
}

extension Simulator {
    /// Compiles `pathway` for a command, or exits 1 saying why it cannot be simulated; a
    /// pathway without arrivals gets `noArrivals` as advice.
    static func forCommand(_ pathway: Pathway, noArrivals: String) throws -> Simulator {
        let simulator: Simulator
        do {
            simulator = try Simulator(pathway: pathway)
        } catch let error as SimulationError {
            printSimulationError(error)
            throw ExitCode(ExitStatus.problems)
        }
        guard simulator.hasArrivals else {
            if pathway.arrivals != nil {
                // Arrivals are there, but bring nobody: a rate of 0, a weekly schedule of zeros.
                printError("error: the arrivals of '\(pathway.id)' bring no patients (a rate of 0); give a rate above 0, such as `rate: 20 per week`, or a cohort")
            } else {
                printError("error: \(noArrivals)")
            }
            throw ExitCode(ExitStatus.problems)
        }
        return simulator
    }

    /// Exits 1 when a run with `options` cannot fit in its memory limit (CP530).
    func checkFits(_ options: SimulationOptions) throws {
        if let problem = memoryProblem(options) {
            printSimulationError(problem)
            throw ExitCode(ExitStatus.problems)
        }
    }

    /// Exits 1 when `report` stopped early for the memory limit (CP531).
    func checkFinished(_ report: SimulationReport) throws {
        if let stopped = memoryError(in: report) {
            printSimulationError(stopped)
            throw ExitCode(ExitStatus.problems)
        }
    }
}
