import PathwayModel
import PathwaySimulation

/// A measure compared between standard and variant: each side's mean across replications and
/// the paired difference (variant − standard), all with 95% confidence intervals.
public struct PairedComparison: Sendable, Hashable, Codable {
    public var standard: Interval
    public var variant: Interval
    /// Mean of the per-replication differences, variant − standard.
    public var difference: Interval

    /// A mean and its 95% interval (`low == high == mean` with one replication).
    public struct Interval: Sendable, Hashable, Codable {
        public var mean: Double
        public var low: Double
        public var high: Double

        init(_ e: Estimate) {
            mean = e.mean
            low = e.low
            high = e.high
        }
    }

    /// Compares per-replication values paired by replication index (non-finite pairs left out).
    public init(standard: [Double], variant: [Double]) {
        let n = min(standard.count, variant.count)
        var a: [Double] = [], b: [Double] = [], d: [Double] = []
        for k in 0..<n where standard[k].isFinite && variant[k].isFinite {
            a.append(standard[k])
            b.append(variant[k])
            d.append(variant[k] - standard[k])
        }
        self.standard = Interval(Estimate(a))
        self.variant = Interval(Estimate(b))
        self.difference = Interval(Estimate(d))
    }
}

/// What a variant does to one target.
public struct TargetImpact: Sendable, Hashable, Codable {
    public var id: String
    public var title: String
    /// The share of patients the target asks for (from the standard's definition), 0...1.
    public var required: Double
    /// Attainment (share of measured patients within time, 0...1) on each side and the change.
    /// `nil` when the target exists on one side only.
    public var attainment: PairedComparison?
    /// Whether the target is defined in the standard and in the variant.
    public var inStandard: Bool
    public var inVariant: Bool
}

/// The change a variant makes to target attainment and journey time, simulated under common
/// random numbers: both pathways run with the same seed and the same replications, so
/// replication k of each draws from the same random streams and their difference is measured
/// with much less noise than two independent runs would give.
public struct ImpactReport: Sendable, Hashable, Codable {
    public var replications: Int
    public var seed: UInt64
    /// Days of arrivals per replication after the warm-up (`nil` for a cohort pathway).
    public var days: Double?
    public var warmupDays: Double
    public var targets: [TargetImpact]
    /// Median journey time (minutes, arrival to the end of the journey) per replication, compared.
    public var medianJourneyMinutes: PairedComparison
    /// Warnings about either side's run (patients unfinished, CP540; a run too short, CP541),
    /// each pointing at its own pathway file.
    public var warnings: [Diagnostic] = []
}

/// Runs the impact simulation.
public enum ImpactAnalysis {
    /// Simulates `standard` and `variant` with the same `options` (seed, replications, length)
    /// and compares them replication by replication. Throws `SimulationError` when either
    /// pathway cannot be simulated, or needs more than `options.memoryLimitBytes`.
    public static func run(standard: Pathway, variant: Pathway, options: SimulationOptions) throws -> ImpactReport {
        let a = try Simulator(pathway: standard), b = try Simulator(pathway: variant)
        let shared = sharedOptions(standard: a, options)
        for simulator in [a, b] {
            if let problem = simulator.memoryProblem(shared) { throw problem }
        }
        let ra = a.run(shared), rb = b.run(shared)
        if let stopped = a.memoryError(in: ra) ?? b.memoryError(in: rb) { throw stopped }
        return compare(standard: ra, variant: rb, standardPathway: standard, variantPathway: variant, options: options)
    }

    /// `options` with the run length both sides share: the standard decides it when none is given.
    public static func sharedOptions(standard: Simulator, _ options: SimulationOptions) -> SimulationOptions {
        var shared = options
        if shared.length == nil { shared.length = standard.resolvedLength(options) }
        return shared
    }

    /// Runs only replications `range` (counting from 1, both ends included) of the impact run
    /// `options` describes, on both sides, with the same random streams as the whole run
    /// (`Simulator.runReplications`). Throws `SimulationError` as `run` does; the memory check
    /// counts only the replications of the slice.
    public static func runReplications(_ range: ClosedRange<Int>, standard: Pathway, variant: Pathway,
                                       options: SimulationOptions) throws -> (standard: [ReplicationTally], variant: [ReplicationTally]) {
        let a = try Simulator(pathway: standard), b = try Simulator(pathway: variant)
        let shared = sharedOptions(standard: a, options)
        var slice = shared
        slice.replications = range.count
        for simulator in [a, b] {
            if let problem = simulator.memoryProblem(slice) { throw problem }
        }
        let ta = a.runReplications(range, shared), tb = b.runReplications(range, shared)
        if let stopped = a.memoryError(in: a.report(shared, tallies: ta)) ?? b.memoryError(in: b.report(shared, tallies: tb)) {
            throw stopped
        }
        return (ta, tb)
    }

    /// The impact report of the run `options` describes, from both sides' tallies of every
    /// replication in order (from `runReplications` slices put together): the same report as
    /// `run` gives. Throws `SimulationError` when either pathway cannot be simulated.
    public static func report(standard: Pathway, variant: Pathway, options: SimulationOptions,
                              standardTallies: [ReplicationTally], variantTallies: [ReplicationTally]) throws -> ImpactReport {
        let a = try Simulator(pathway: standard), b = try Simulator(pathway: variant)
        let shared = sharedOptions(standard: a, options)
        return compare(standard: a.report(shared, tallies: standardTallies), variant: b.report(shared, tallies: variantTallies),
                       standardPathway: standard, variantPathway: variant, options: options)
    }

    private static func compare(standard ra: SimulationReport, variant rb: SimulationReport, standardPathway standard: Pathway,
                                variantPathway variant: Pathway, options: SimulationOptions) -> ImpactReport {
        var targets: [TargetImpact] = []
        func perReplication(_ report: SimulationReport, _ id: String) -> [Double]? {
            guard let k = report.targets.firstIndex(where: { $0.id == id }) else { return nil }
            return report.tallies.map { $0.attainment(ofTarget: k) }
        }
        for t in standard.targets {
            let x = perReplication(ra, t.id), y = perReplication(rb, t.id)
            targets.append(TargetImpact(id: t.id, title: t.title ?? t.id, required: t.standard,
                                        attainment: x.flatMap { x in y.map { PairedComparison(standard: x, variant: $0) } },
                                        inStandard: true, inVariant: y != nil))
        }
        for t in variant.targets where !standard.targets.contains(where: { $0.id == t.id }) {
            targets.append(TargetImpact(id: t.id, title: t.title ?? t.id, required: t.standard, attainment: nil,
                                        inStandard: false, inVariant: true))
        }
        let medians = { (r: SimulationReport) in r.tallies.map { $0.journeyHistogram.quantile(0.5) ?? .nan } }
        var days: Double?
        if case .days(let d) = ra.length { days = d }
        var report = ImpactReport(replications: ra.replications, seed: options.seed, days: days, warmupDays: options.warmupDays,
                                  targets: targets, medianJourneyMinutes: PairedComparison(standard: medians(ra), variant: medians(rb)))
        report.warnings = ra.warnings + rb.warnings
        return report
    }
}
