import Foundation
import PathwayModel

/// Runs a pathway's replications (spread over threads) and gathers the report.
///
/// Each replication draws from its own random streams, derived from the seed and its index
/// alone, and the tallies are combined in replication order: the report is the same whatever
/// the number of threads.
public struct Simulator: Sendable {
    /// The compiled pathway every replication runs.
    public let model: CompiledPathway
    /// The source pathway, for names and locations in the report.
    public let pathway: Pathway

    /// Compiles `pathway` (throws `SimulationError` when it cannot be simulated).
    public init(pathway: Pathway) throws {
        self.pathway = pathway
        self.model = try CompiledPathway(pathway)
    }

    /// The run length used when none is given: the cohort, else 365 days of arrivals.
    public func resolvedLength(_ options: SimulationOptions) -> RunLength {
        if let length = options.length { return length }
        if let cohort = model.cohortSize { return .patients(cohort) }
        return .days(365)
    }

    /// Why the run cannot fit in `options.memoryLimitBytes`, found before it starts: so many
    /// replications that their results fill half the limit (CP532), or a cohort (everyone in the
    /// pathway at once) too large for the limit (CP530). `nil` when it may start; a run
    /// whose queues grow past the limit stops instead (see `SimulationReport.memoryStop`).
    public func memoryProblem(_ options: SimulationOptions) -> SimulationError? {
        let (results, tooMany) = max(1, options.replications).multipliedReportingOverflow(by: MemoryBudget.bytesPerReplication(model))
        if tooMany || results > options.memoryLimitBytes / 2 {
            let size = tooMany ? "more than \(MemoryBudget.describe(bytes: Int.max))" : "about \(MemoryBudget.describe(bytes: results))"
            return SimulationError([.error(
                .cp532,
                "\(MemoryBudget.grouped(options.replications)) replications keep \(size) of results, more than half the memory limit of \(MemoryBudget.describe(bytes: options.memoryLimitBytes))",
                at: pathway.location,
                help: "10 to 100 replications give narrow confidence intervals; for more precision raise --patients or --days instead, or raise the limit with --max-memory")])
        }
        if let tooMany = arrivalsProblem(options) { return tooMany }
        guard let cohort = model.cohortSize else { return nil }
        // A cohort is in the pathway all at once, whether the run is counted in patients or days.
        let patients: Int
        if case .patients(let n) = resolvedLength(options) { patients = n } else { patients = cohort }
        let threads = Self.threads(options)
        let perPatient = MemoryBudget.bytesPerPatient(model)
        guard patients > MemoryBudget.patientsAtOnce(limitBytes: options.memoryLimitBytes, threads: threads, model: model) else { return nil }
        let (needed, overflow) = patients.multipliedReportingOverflow(by: perPatient * threads)
        let size = overflow ? "more than \(MemoryBudget.describe(bytes: Int.max))" : "about \(MemoryBudget.describe(bytes: needed))"
        let where_ = threads > 1 ? " (\(threads) replications at once)" : ""
        return SimulationError([.error(
            .cp530,
            "a cohort of \(MemoryBudget.grouped(patients)) patients is in the pathway all at once and needs \(size)\(where_), more than the memory limit of \(MemoryBudget.describe(bytes: options.memoryLimitBytes))",
            at: pathway.fieldLocations["arrivals"] ?? pathway.location,
            help: "simulate fewer patients with --patients, run fewer replications at once with --jobs, or raise the limit with --max-memory")])
    }

    /// The most patients one replication may admit, whether counted by `--patients` or by
    /// arrival rates over `--days` (the same limit as `--patients`).
    public static let maxPatientsPerReplication = 1_000_000_000

    /// A run by days whose arrival rates would admit more than `maxPatientsPerReplication`
    /// patients in one replication (CP533): refused before it starts, since it would run for hours
    /// and write gigabytes of event log.
    func arrivalsProblem(_ options: SimulationOptions) -> SimulationError? {
        guard model.cohortSize == nil, case .days(let days) = resolvedLength(options) else { return nil }
        let perWeek = model.arrivalRatePerMinute.reduce(0, +) * 1440
        let expected = grown(perWeek / 7, days: days + max(0, options.warmupDays))
        guard !expected.isFinite || expected.rounded() > Double(Self.maxPatientsPerReplication) else { return nil }
        let perDay = perWeek / 7
        return SimulationError([.error(
            .cp533,
            "the arrivals (about \(Self.describeCount(perDay)) patients a day) would admit about \(Self.describeCount(expected)) patients in each replication, more than the \(MemoryBudget.grouped(Self.maxPatientsPerReplication)) a run may simulate",
            at: pathway.fieldLocations["arrivals"] ?? pathway.location,
            help: "check the arrival rate and its unit (per day, per week, per year), or shorten the run with --days")])
    }

    private static func describeCount(_ value: Double) -> String {
        guard value.isFinite else { return "infinitely many" }
        if value < 1e15 { return MemoryBudget.grouped(Int(value.rounded())) }
        return String(format: "%.1e", value)
    }

    /// The error to show when `report` stopped early for the memory limit, naming the longest
    /// waiting line (patients pile up where capacity cannot keep up with arrivals).
    public func memoryError(in report: SimulationReport) -> SimulationError? {
        guard let stop = report.memoryStop else { return nil }
        let limit = MemoryBudget.describe(bytes: report.options.memoryLimitBytes)
        var message = "replication \(stop.replication) stopped with \(MemoryBudget.grouped(stop.patientsAtOnce)) patients in the pathway at once, the most the memory limit of \(limit) holds"
        var location = pathway.fieldLocations["arrivals"] ?? pathway.location
        var help = "raise the limit with --max-memory, or shorten the run (--patients, --days)"
        if let queue = stop.longestQueue {
            let resource = pathway.resources.first { $0.id == queue.resource }
            let name = resource?.name ?? queue.resource
            message += "; \(MemoryBudget.grouped(queue.waiting)) of them were waiting for '\(name)', which cannot keep up with the arrivals"
            location = resource?.location ?? location
            help = "add capacity or opening hours to '\(name)', or lower the arrival rate; or " + help
        }
        return SimulationError([.error(.cp531, message, at: location, help: help)])
    }

    /// Whether the pathway says how patients arrive.
    public var hasArrivals: Bool { model.cohortSize != nil || model.arrivalRatePerMinute.contains { $0 > 0 } }

    /// Runs every replication and returns the report. `progress` is called now and then with the
    /// share of the run done (0...1), from any thread.
    public func run(_ options: SimulationOptions, progress: (@Sendable (Double) -> Void)? = nil) -> SimulationReport {
        var none: NoEventSink? = nil
        return run(options, eventSink: &none, progress: progress)
    }

    /// Runs every replication, sending replication 1's events to `eventSink` when given.
    public func run<Sink: SimulationEventSink>(_ options: SimulationOptions, eventSink: inout Sink?,
                                               progress: (@Sendable (Double) -> Void)? = nil) -> SimulationReport {
        let length = resolvedLength(options)
        let replications = max(1, options.replications)
        let tallies = runReplications(0..<replications, options, eventSink: &eventSink, progress: progress)
        return SimulationReport(pathway: pathway, model: model, options: options, length: length, tallies: tallies)
    }

    /// The report of the run `options` describes, from its replications' tallies in replication
    /// order (from `runReplications`, or read back from part files): the same report, to the
    /// byte when formatted, as `run(options)` gives when `tallies` are all of its replications.
    public func report(_ options: SimulationOptions, tallies: [ReplicationTally]) -> SimulationReport {
        SimulationReport(pathway: pathway, model: model, options: options, length: resolvedLength(options), tallies: tallies)
    }

    /// Runs only replications `range` (counting from 1, both ends included) of the run that
    /// `options` describes, and returns their tallies in replication order.
    ///
    /// Replication *k* draws from the streams derived from `options.seed` and *k* alone, so its
    /// tally is the same as in the whole run (`run(_:)`) whatever other replications are run
    /// with it and whatever `options.jobs` is: tallies of ranges that cover 1...N, put together
    /// in order, are exactly the whole run's (`report(_:tallies:)` gives its report).
    /// Indices outside 1...`options.replications` are left out.
    public func runReplications(_ range: ClosedRange<Int>, _ options: SimulationOptions,
                                progress: (@Sendable (Double) -> Void)? = nil) -> [ReplicationTally] {
        let all = 1...max(1, options.replications)
        guard range.overlaps(all) else { return [] }
        let clamped = range.clamped(to: all)
        var none: NoEventSink? = nil
        return runReplications((clamped.lowerBound - 1)..<clamped.upperBound, options, eventSink: &none, progress: progress)
    }

    /// Runs the replications with 0-based `indices`, sending the first index's events to
    /// `eventSink` when given; tallies come back in index order.
    private func runReplications<Sink: SimulationEventSink>(_ indices: Range<Int>, _ options: SimulationOptions,
                                                            eventSink: inout Sink?,
                                                            progress: (@Sendable (Double) -> Void)?) -> [ReplicationTally] {
        let length = resolvedLength(options)
        let first = indices.lowerBound
        let count = indices.count
        let expected = expectedArrivals(length, options) * Double(count)
        let counter = ProgressCounter(total: expected, report: progress)
        let results = ResultSlots<ReplicationTally>(count: count)
        let jobs = max(1, min(options.jobs, count))
        let maxPatients = MemoryBudget.patientsAtOnce(limitBytes: options.memoryLimitBytes, threads: jobs, model: model)
        var firstDone = false
        if var sink = eventSink {
            var replication = makeReplication(first, length, options, sink: sink, counter: counter, maxPatients: maxPatients)
            results.set(0, replication.run())
            sink = replication.sink
            eventSink = sink
            firstDone = true
        }
        let skipFirst = firstDone
        let work: @Sendable (Int) -> Void = { worker in
            var slot = worker
            while slot < count {
                if !(skipFirst && slot == 0) {
                    var replication = makeReplication(first + slot, length, options, sink: NoEventSink(), counter: counter,
                                                      maxPatients: maxPatients)
                    results.set(slot, replication.run())
                }
                slot += jobs
            }
        }
        if jobs == 1 {
            work(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: jobs, execute: work)
        }
        progress?(1)
        return results.filled
    }

    private func makeReplication<Sink: SimulationEventSink>(_ index: Int, _ length: RunLength, _ options: SimulationOptions,
                                                             sink: Sink, counter: ProgressCounter,
                                                             maxPatients: Int) -> Replication<Sink> {
        var replication = Replication(model: model, length: length, warmupMinutes: options.warmupDays * 1440,
                                      drainLimitMinutes: options.drainLimitDays * 1440, seed: options.seed,
                                      replication: index, sink: sink)
        replication.progress = counter.handler
        replication.maxPatientsAtOnce = maxPatients
        return replication
    }

    /// Replications run at once: `jobs`, but never more than there are replications.
    static func threads(_ options: SimulationOptions) -> Int {
        max(1, min(options.jobs, max(1, options.replications)))
    }

    private func expectedArrivals(_ length: RunLength, _ options: SimulationOptions) -> Double {
        let perDay = model.arrivalRatePerMinute.reduce(0, +) / 7 * 1440
        let backlog = Double(model.backlog.reduce(0) { $0 + $1.patients })
        switch length {
        case .patients(let n): return Double(n) + backlog + grown(perDay, days: options.warmupDays)
        case .days(let d): return backlog + grown(perDay, days: d + options.warmupDays)
        }
    }

    /// Arrivals expected over `days` from time 0 at `perDay`, with the pathway's demand growth.
    func grown(_ perDay: Double, days: Double) -> Double {
        let k = model.arrivalGrowth * 1440 // per day
        guard k != 0 else { return perDay * days }
        return perDay * Foundation.expm1(k * days) / k
    }
}

/// Sums arrivals across threads and reports the share done.
private final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0.0
    private let total: Double
    private let report: (@Sendable (Double) -> Void)?

    init(total: Double, report: (@Sendable (Double) -> Void)?) {
        self.total = total
        self.report = report
    }

    /// The per-replication hook, or nil when nobody listens (so the engine skips it).
    var handler: (@Sendable (Int) -> Void)? {
        guard report != nil else { return nil }
        return { [self] _ in self.add(65_536) }
    }

    private func add(_ arrivals: Int) {
        lock.lock()
        done += Double(arrivals)
        let share = total > 0 ? min(1, done / total) : 0
        lock.unlock()
        report?(share)
    }
}
