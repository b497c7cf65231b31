import Foundation
import PathwayModel
import PathwaySimulation

/// A short simulation for the preview: one replication of a limited number of patients, enough
/// to see whether the targets are roughly met and where patients end up after an edit. It is a
/// quick look, not the library's standard run (`carepath simulate FILE --warmup 60
/// --replications 5`), and has no confidence intervals.
public struct QuickSimulation: Sendable {
    /// Patients counted (after the warm-up).
    public var patients: Int
    /// Days simulated before counting starts, so queues are not measured from empty.
    public var warmupDays: Double
    /// The random seed.
    public var seed: UInt64
    /// The most memory the run may hold.
    public var memoryLimitBytes: Int

    /// The most patients a quick look may count: more would not refresh within a second or two.
    public static let maxPatients = 20_000

    /// A quick look at `patients` patients after `warmupDays` days, seeded with `seed`.
    public init(patients: Int = 1_000, warmupDays: Double = 30, seed: UInt64 = 1, memoryLimitBytes: Int = 1 << 30) {
        self.patients = patients
        self.warmupDays = warmupDays
        self.seed = seed
        self.memoryLimitBytes = memoryLimitBytes
    }

    /// The options the run uses: one replication on one thread.
    public var options: SimulationOptions {
        SimulationOptions(length: .patients(patients), warmupDays: warmupDays, replications: 1, seed: seed,
                          jobs: 1, memoryLimitBytes: memoryLimitBytes)
    }

    /// Runs `pathway` (which must have no validation errors) and summarises the run, or says why
    /// it could not run.
    public func run(_ pathway: Pathway) -> QuickLook {
        let simulator: Simulator
        do {
            simulator = try Simulator(pathway: pathway)
        } catch let error as SimulationError {
            return .notRun(reason: "The pathway cannot be simulated: " + error.diagnostics.map(\.message).joined(separator: "; ") + ".")
        } catch {
            return .notRun(reason: "The pathway cannot be simulated: \(error).")
        }
        guard simulator.hasArrivals else {
            return .notRun(reason: pathway.arrivals == nil
                ? "The pathway says nothing about how patients arrive; add `arrivals:` (a rate, a weekly schedule or a cohort) to simulate it."
                : "The pathway's arrivals bring no patients (a rate of 0); give a rate above 0 to simulate it.")
        }
        var options = options
        if case .cohort(let size)? = pathway.arrivals {
            // A cohort arrives at once: a smaller one is run whole, with no warm-up to wait through.
            options.length = .patients(Swift.min(size, patients))
            options.warmupDays = 0
        }
        if let problem = simulator.memoryProblem(options) {
            return .notRun(reason: problem.diagnostics.map(\.message).joined(separator: "; "))
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let report = simulator.run(options)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        if let stop = simulator.memoryError(in: report) {
            return .notRun(reason: stop.diagnostics.map(\.message).joined(separator: "; "))
        }
        return .summary(SimulationSummary(report, pathway: pathway, seconds: seconds))
    }
}

/// What the preview shows of a simulation: a summary, or why there is none.
public enum QuickLook: Sendable, Hashable {
    /// The run's summary.
    case summary(SimulationSummary)
    /// The saved version is being simulated; the figures of the version before, if any, are
    /// shown meanwhile (marked as such).
    case running(previous: SimulationSummary?)
    /// Why the pathway was not simulated (errors to fix first, no arrivals).
    case notRun(reason: String)
}

/// The figures of one quick replication that a clinical lead looks at first.
public struct SimulationSummary: Sendable, Hashable {
    /// One target's result in the run.
    public struct TargetLine: Sendable, Hashable {
        /// The target's title.
        public var title: String
        /// The time allowed, in minutes.
        public var withinMinutes: Double
        /// The share of patients that should be within it (0...1).
        public var standard: Double
        /// The share that were (0...1); NaN when no patient's clock stopped.
        public var attainment: Double
        /// Patients whose clock was measured.
        public var measured: Int
        /// Whether the attainment reaches the standard.
        public var meetsStandard: Bool { attainment.isFinite && attainment >= standard }
    }

    /// One outcome and its share of patients.
    public struct OutcomeLine: Sendable, Hashable {
        /// The outcome's name (`discharged-to-gp`).
        public var name: String
        /// The share of patients (0...1).
        public var share: Double
    }

    /// One resource and how busy it was.
    public struct ResourceLine: Sendable, Hashable {
        /// The resource's name.
        public var name: String
        /// Busy time over open time (0...1).
        public var utilisation: Double
    }

    /// Patients counted.
    public var patients: Int
    /// Of those, patients still in the pathway when the run ended.
    public var unfinished: Int
    /// Days of warm-up before counting.
    public var warmupDays: Double
    /// The seed.
    public var seed: UInt64
    /// Each target's attainment, in the file's order.
    public var targets: [TargetLine]
    /// Journey time percentiles (minutes).
    public var journeyMedianMinutes: Double?
    public var journeyP90Minutes: Double?
    /// Outcomes, most common first.
    public var outcomes: [OutcomeLine]
    /// The busiest resources (at most three), busiest first.
    public var busiestResources: [ResourceLine]
    /// The run's warnings (unfinished patients, overloaded resources), as messages.
    public var warnings: [String]
    /// How long the run took, in seconds.
    public var seconds: Double

    /// A summary of the given figures.
    public init(patients: Int, unfinished: Int, warmupDays: Double, seed: UInt64, targets: [TargetLine],
                journeyMedianMinutes: Double?, journeyP90Minutes: Double?, outcomes: [OutcomeLine],
                busiestResources: [ResourceLine], warnings: [String], seconds: Double) {
        self.patients = patients
        self.unfinished = unfinished
        self.warmupDays = warmupDays
        self.seed = seed
        self.targets = targets
        self.journeyMedianMinutes = journeyMedianMinutes
        self.journeyP90Minutes = journeyP90Minutes
        self.outcomes = outcomes
        self.busiestResources = busiestResources
        self.warnings = warnings
        self.seconds = seconds
    }

    /// The summary of `report`, a run of `pathway` that took `seconds`.
    public init(_ report: SimulationReport, pathway: Pathway, seconds: Double) {
        patients = Int(report.patients.mean.rounded())
        unfinished = report.unfinished
        warmupDays = report.options.warmupDays
        seed = report.options.seed
        targets = report.targets.map {
            TargetLine(title: $0.title, withinMinutes: $0.withinMinutes, standard: $0.standard,
                       attainment: $0.attainment.mean, measured: $0.measured)
        }
        journeyMedianMinutes = report.journeyP50Minutes
        journeyP90Minutes = report.journeyP90Minutes
        outcomes = report.outcomes.map { OutcomeLine(name: $0.name, share: $0.share.mean) }
            .filter { $0.share > 0 }
            .sorted { $0.share > $1.share }
        let names = Dictionary(pathway.resources.map { ($0.id, $0.name ?? $0.id) }, uniquingKeysWith: { a, _ in a })
        busiestResources = report.resources
            .map { ResourceLine(name: names[$0.id] ?? $0.id, utilisation: $0.utilisation.mean) }
            .filter { $0.utilisation.isFinite }
            .sorted { $0.utilisation > $1.utilisation }
            .prefix(3).map { $0 }
        warnings = report.warnings.map(\.message)
        self.seconds = seconds
    }
}
