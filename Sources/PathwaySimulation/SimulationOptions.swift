/// How long each replication runs: a number of patients, or a number of days of arrivals.
public enum RunLength: Sendable, Hashable {
    /// Count this many patients arriving after the warm-up, then stop arrivals and let them finish.
    case patients(Int)
    /// Let patients arrive for this many days after the warm-up, then let them finish.
    case days(Double)
}

/// What to simulate and how: run length, warm-up, replications, seed and threads.
public struct SimulationOptions: Sendable, Hashable {
    /// Run length; `nil` means the pathway's cohort, or 365 days of arrivals.
    public var length: RunLength?
    /// Days simulated before statistics start, so queues are not measured from empty.
    public var warmupDays: Double
    /// Independent replications; confidence intervals are taken across them.
    public var replications: Int
    /// The seed every replication's random streams are derived from.
    public var seed: UInt64
    /// Threads running replications at once. Output does not depend on it.
    public var jobs: Int
    /// How long patients may still take to finish after arrivals stop, in days, before the run
    /// gives up on them and reports them as still in the pathway.
    public var drainLimitDays: Double
    /// The most memory the run may use for patients in the pathway, all threads together; a
    /// replication that needs more stops and the report says so (`SimulationReport.memoryStop`).
    public var memoryLimitBytes: Int

    /// Creates options; defaults are 10 replications, seed 1, one thread, no warm-up, 8 GiB.
    public init(length: RunLength? = nil, warmupDays: Double = 0, replications: Int = 10, seed: UInt64 = 1,
                jobs: Int = 1, drainLimitDays: Double = 3650, memoryLimitBytes: Int = MemoryBudget.defaultLimitBytes) {
        self.memoryLimitBytes = memoryLimitBytes
        self.length = length
        self.warmupDays = warmupDays
        self.replications = replications
        self.seed = seed
        self.jobs = jobs
        self.drainLimitDays = drainLimitDays
    }
}

/// The raw tallies of one replication, in minutes, before averaging across replications.
public struct ReplicationTally: Sendable, Hashable {
    /// Patients who arrived in the observation window (after warm-up, within the run length).
    public var patients = 0
    /// Of those, how many finished their journey.
    public var finished = 0
    /// Observation window (minutes): from warm-up end to the end of arrivals.
    public var windowStart = 0.0
    public var windowEnd = 0.0
    /// Sum and sum of squares of finished patients' journey times (minutes).
    public var journeySum = 0.0
    public var journeySumOfSquares = 0.0
    public var journeyHistogram = JourneyHistogram()
    /// Per target: patients whose clock stopped, how many within time, and the summed clock time.
    public var targetMeasured: [Int] = []
    public var targetMet: [Int] = []
    public var targetMinutes: [Double] = []
    /// Per target: patients whose clock started but never stopped (they finished by a route
    /// that does not pass a `to` step).
    public var targetUnstopped: [Int] = []
    /// Per target: patients still in the pathway when the run ended whose clock was still
    /// running, past its limit (a breach) or within it (open).
    public var targetRunningLate: [Int] = []
    public var targetRunningOpen: [Int] = []
    /// Where the counted patients still in the pathway at the end were: per step, one count for
    /// each `UnfinishedPlace` (index `step * UnfinishedPlace.allCases.count + place`). A patient
    /// with parallel paths is counted once for each path.
    public var unfinishedPlaces: [Int] = []
    /// When the replication ended (minutes): its last event, or the drain limit.
    public var horizon = 0.0
    /// Finished patients' burden, per outcome: see `PatientBurden`.
    public var burden: [Int] = []
    /// Per step: visits, and the summed and counted waits before work started.
    public var stepVisits: [Int] = []
    public var stepWaitMinutes: [Double] = []
    public var stepWaits: [Int] = []
    /// Per resource, within the window: busy server-minutes, the area under the queue-length
    /// curve, and open minutes.
    /// Busy server-minutes within opening hours, by resource.
    public var resourceBusy: [Double] = []
    /// Busy server-minutes outside opening hours (work that ran on after closing), by resource.
    public var resourceOutsideHours: [Double] = []
    public var resourceQueueArea: [Double] = []
    public var resourceOpenMinutes: [Double] = []
    /// Per ordered pair of organisations (from × count + to): handoffs and summed delay minutes.
    public var handoffs: [Int] = []
    public var handoffMinutes: [Double] = []
    /// Per outcome: patients ending there.
    public var outcomes: [Int] = []
    /// Area under the patients-in-pathway curve within the window (for Little's law).
    public var inPathwayArea = 0.0
    /// Set when the replication stopped early because too many patients were in the pathway at
    /// once for the memory limit.
    public var memoryStop: MemoryStop?
    /// Events processed (for throughput figures).
    public var events = 0
    /// Patients created, including warm-up ones.
    public var arrivals = 0

    /// Window length in minutes.
    public var windowMinutes: Double { windowEnd - windowStart }

    /// Patients whose clock for target `k` was still running past its limit at the end.
    func runningLate(_ k: Int) -> Int { targetRunningLate.count > k ? targetRunningLate[k] : 0 }

    /// This replication's attainment of target `k`: clocks stopped in time, over clocks stopped
    /// and clocks still running past the limit at the end (NaN when there are none).
    public func attainment(ofTarget k: Int) -> Double {
        let denominator = targetMeasured[k] + runningLate(k)
        return denominator > 0 ? Double(targetMet[k]) / Double(denominator) : .nan
    }
}

/// Where a path of an unfinished journey was when the run ended.
/// How many steps one token may take in a row without time passing before the simulator stops it
/// as caught in a loop that takes no time (`UnfinishedPlace.timelessLoop`).
let timelessStepLimit = 1_000_000

public enum UnfinishedPlace: Int, CaseIterable, Sendable {
    /// Queueing for the step's resource.
    case resource
    /// At a join, waiting for a parallel path.
    case join
    /// In the step: its work, its result, the wait for a meeting's sitting, or a wait step.
    case inStep
    /// On the way to the step: the handoff delay from the previous organisation.
    case handoff
    /// Stopped going round a loop that takes no time (validation refuses these as CP219; this
    /// guards pathways built in code): the step is where the token was stopped.
    case timelessLoop
}
