import PathwayModel

/// One field varied by `carepath simulate --vary`: its overlay path, its values (smallest
/// first) and the unit written after each value, if any.
public struct VaryAxis: Sendable, Hashable {
    /// The field's overlay path, such as `resources.ct-scanner.capacity`.
    public var path: String
    /// The values tried, smallest first.
    public var values: [Double]
    /// The unit of every value (`days`, `per week`, `%`), or nil for plain numbers.
    public var unit: String?

    /// An axis of `values` (sorted here, smallest first) for the field at `path`.
    public init(path: String, values: [Double], unit: String? = nil) {
        self.path = path
        self.values = values.sorted()
        self.unit = unit
    }

    /// The value at `index` with its unit, as people read it: `10`, `14 days`, `80%`.
    public func label(_ index: Int) -> String {
        let number = VaryAxis.number(values[index])
        guard let unit else { return number }
        return unit == "%" ? number + "%" : number + " " + unit
    }

    /// A number without trailing zeros, independent of locale.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        let text = String(value)
        return text.contains("e") ? NumberText.format3(value) : text
    }
}

/// How a value is judged to meet a target's standard.
public enum VaryJudge: String, Sendable, Hashable, CaseIterable {
    /// The mean attainment across replications reaches the standard.
    case mean
    /// The lower end of the 95% confidence interval reaches it: the simulation is clear that
    /// the standard is met. With one replication there is no interval and the mean is used.
    case lowerBound = "lower-bound"

    /// Whether `attainment` meets `standard`; nil when the target measured nobody.
    public func meets(_ attainment: Estimate, standard: Double) -> Bool? {
        guard attainment.mean.isFinite else { return nil }
        switch self {
        case .mean: return attainment.mean >= standard
        case .lowerBound: return attainment.low >= standard
        }
    }

    /// The figure judged, in words for a reader.
    public var wording: String {
        switch self {
        case .mean: return "the mean attainment across replications"
        case .lowerBound: return "the lower end of each 95% confidence interval"
        }
    }
}

/// Target attainment at every value (or combination of values) of the varied fields, run with
/// common random numbers, and the smallest values at which every target's standard is met.
public struct VaryReport: Sendable {
    /// One target at one point.
    public struct TargetResult: Sendable, Hashable {
        /// The target's id.
        public var id: String
        /// The target's title (its id when it has none).
        public var title: String
        /// The share of patients the target asks for, 0...1.
        public var standard: Double
        /// Attainment (0...1) across replications with its 95% interval.
        public var attainment: Estimate
        /// Whether the standard is met under the report's judge; nil when nobody was measured.
        public var meetsStandard: Bool?
    }

    /// One value (or combination of values) and what the simulation found there.
    public struct Point: Sendable {
        /// The index of each axis's value, in axis order.
        public var coordinates: [Int]
        /// Each target's attainment and verdict, in the pathway's order.
        public var targets: [TargetResult]
        /// Every target measured somebody and met its standard.
        public var meetsEveryStandard: Bool
        /// Patients still in the pathway when the run ended, in all replications.
        public var unfinished: Int
        /// The run's warnings at this point (CP540, CP541, CP542).
        public var warnings: [Diagnostic]
    }

    /// The id of the pathway varied.
    public var pathwayId: String
    /// Its title.
    public var pathwayTitle: String
    /// The varied fields; several make a grid (every combination).
    public var axes: [VaryAxis]
    /// How each standard was judged met.
    public var judge: VaryJudge
    /// The run options every point shares (the same seed: common random numbers).
    public var options: SimulationOptions
    /// The run length every point had, or nil when they differ (a varied cohort size).
    public var length: RunLength?
    /// Every point of the grid, the first field varying slowest.
    public var points: [Point]

    /// The values of `point`, in axis order.
    public func values(_ point: Point) -> [Double] {
        point.coordinates.enumerated().map { axes[$0.offset].values[$0.element] }
    }

    /// The values of `point` with their units, in axis order.
    public func labels(_ point: Point) -> [String] {
        point.coordinates.enumerated().map { axes[$0.offset].label($0.element) }
    }

    /// The points (indices into `points`) that meet every standard and have no other such point
    /// at or below them in every field: for one field, the smallest value that meets every
    /// standard; for a grid, the set of smallest combinations.
    public var smallest: [Int] {
        VaryAnalysis.minimalPoints(points.map(\.coordinates), meeting: points.map(\.meetsEveryStandard))
    }

    /// For one field: values above the smallest that meets every standard which themselves do
    /// not (the result is noisy there, or the pathway gets worse with more).
    public var failingAboveSmallest: [Int] {
        guard axes.count == 1, let first = smallest.first else { return [] }
        let bound = points[first].coordinates[0]
        return points.indices.filter { points[$0].coordinates[0] > bound && !points[$0].meetsEveryStandard }
    }

    /// What each point ran, in words: "4 replications of 200000 patients after 5 days of
    /// warm-up, seed 1".
    public var runDescription: String {
        let replications = options.replications
        var text = "\(replications) replication\(replications == 1 ? "" : "s") of "
        switch length {
        case .patients(let n): text += "\(n) patients"
        case .days(let d): text += "\(NumberText.format3(d)) days of arrivals"
        case nil: text += "each value's cohort"
        }
        if options.warmupDays > 0 { text += " after \(NumberText.format3(options.warmupDays)) days of warm-up" }
        return text + ", seed \(options.seed)"
    }
}

/// A point that could not be simulated: which one, and why.
public struct VaryFailure: Error, Sendable {
    /// The index of the point in the grid.
    public var point: Int
    /// Why (a memory limit reached, CP531).
    public var error: SimulationError
}

/// Runs `carepath simulate --vary`: every point of a grid of field values, each with the same
/// options and seed, so replication k of every point draws from the same random streams
/// (common random numbers, as `diff --impact` compares a standard and its variant) and the
/// differences between values are the values' doing, not the dice's.
public enum VaryAnalysis {
    /// The most points (values, or combinations of values) one run may simulate.
    public static let maxPoints = 200

    /// The options every point runs with: `options` with the run length fixed by the first
    /// point when none is given, unless the points' own lengths differ (a varied cohort), when
    /// each keeps its own.
    public static func sharedOptions(_ simulators: [Simulator], _ options: SimulationOptions) -> SimulationOptions {
        guard options.length == nil, let first = simulators.first else { return options }
        let length = first.resolvedLength(options)
        guard simulators.allSatisfy({ $0.resolvedLength(options) == length }) else { return options }
        var shared = options
        shared.length = length
        return shared
    }

    /// Simulates `simulators[i]`, the pathway with the values at `coordinates[i]`, for every
    /// point in order, and judges each target with `judge`. `progress` gets the share of the
    /// whole run done (0...1). Throws `VaryFailure` when a point stopped for its memory limit.
    public static func run(_ simulators: [Simulator], axes: [VaryAxis], coordinates: [[Int]], judge: VaryJudge,
                           options: SimulationOptions, progress: (@Sendable (Double) -> Void)? = nil) throws -> VaryReport {
        let shared = sharedOptions(simulators, options)
        var points: [VaryReport.Point] = []
        let total = Double(max(1, simulators.count))
        for (i, simulator) in simulators.enumerated() {
            let done = Double(i)
            let report = simulator.run(shared, progress: progress.map { report in { @Sendable share in report((done + share) / total) } })
            if let stopped = simulator.memoryError(in: report) { throw VaryFailure(point: i, error: stopped) }
            points.append(point(report, coordinates: coordinates[i], judge: judge))
        }
        progress?(1)
        let lengths = simulators.map { $0.resolvedLength(shared) }
        let base = simulators.first?.pathway
        return VaryReport(pathwayId: base?.id ?? "", pathwayTitle: base?.title ?? "", axes: axes, judge: judge, options: shared,
                          length: lengths.allSatisfy { $0 == lengths.first } ? lengths.first : nil, points: points)
    }

    /// What one point's simulation says about each target, judged with `judge`.
    public static func point(_ report: SimulationReport, coordinates: [Int], judge: VaryJudge) -> VaryReport.Point {
        let targets = report.targets.map { t in
            VaryReport.TargetResult(id: t.id, title: t.title, standard: t.standard, attainment: t.attainment,
                                    meetsStandard: judge.meets(t.attainment, standard: t.standard))
        }
        return VaryReport.Point(coordinates: coordinates, targets: targets,
                                meetsEveryStandard: !targets.isEmpty && targets.allSatisfy { $0.meetsStandard == true },
                                unfinished: report.unfinished, warnings: report.warnings)
    }

    /// The indices of the points that meet (`meeting[i]`) and have no other meeting point at or
    /// below them in every coordinate: the minimal elements of the met set, in point order.
    public static func minimalPoints(_ coordinates: [[Int]], meeting: [Bool]) -> [Int] {
        let met = coordinates.indices.filter { meeting.indices.contains($0) && meeting[$0] }
        return met.filter { p in
            !met.contains { q in
                q != p && coordinates[q] != coordinates[p] && zip(coordinates[q], coordinates[p]).allSatisfy { $0 <= $1 }
            }
        }
    }
}
