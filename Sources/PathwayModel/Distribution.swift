/// A probability distribution over a non-negative quantity: a step's duration (in minutes),
/// a handoff delay, or a numeric patient attribute (in the attribute's own unit).
///
/// Parameters are given as people write them: `lognormal` and `normal` take the mean and
/// standard deviation of the value itself, not of its logarithm.
public enum Distribution: Hashable, Sendable, Codable {
    /// Always this value.
    case fixed(Double)
    /// Any value between `min` and `max`, equally likely.
    case uniform(min: Double, max: Double)
    /// Between `min` and `max`, most likely near `mode`.
    case triangular(min: Double, mode: Double, max: Double)
    /// Exponential with this mean.
    case exponential(mean: Double)
    /// Normal with this mean and standard deviation (never below zero as a time).
    case normal(mean: Double, sd: Double)
    /// Lognormal whose value (not its logarithm) has this mean and standard deviation.
    case lognormal(mean: Double, sd: Double)
    /// Gamma with this shape (a plain number) and scale.
    case gamma(shape: Double, scale: Double)
    /// A discrete distribution over observed values with relative weights (need not sum to 1).
    case empirical([EmpiricalPoint])

    /// The family's name as written in a pathway file.
    public var name: String {
        switch self {
        case .fixed: "fixed"
        case .uniform: "uniform"
        case .triangular: "triangular"
        case .exponential: "exponential"
        case .normal: "normal"
        case .lognormal: "lognormal"
        case .gamma: "gamma"
        case .empirical: "empirical"
        }
    }

    /// The expected value.
    public var mean: Double {
        switch self {
        case .fixed(let v): v
        case .uniform(let a, let b): (a + b) / 2
        case .triangular(let a, let c, let b): (a + b + c) / 3
        case .exponential(let m): m
        case .normal(let m, _): m
        case .lognormal(let m, _): m
        case .gamma(let k, let theta): k * theta
        case .empirical(let points):
            Distribution.weightedMean(points)
        }
    }

    /// The smallest value the distribution can take (0 for unbounded-below families, which are
    /// truncated at zero when sampled as times).
    public var minimum: Double {
        switch self {
        case .fixed(let v): v
        case .uniform(let a, _): a
        case .triangular(let a, _, _): a
        case .exponential, .lognormal, .gamma, .normal: 0
        case .empirical(let points): points.map(\.value).min() ?? 0
        }
    }

    private static func weightedMean(_ points: [EmpiricalPoint]) -> Double {
        let total = points.reduce(0) { $0 + $1.weight }
        guard total > 0 else { return 0 }
        return points.reduce(0) { $0 + $1.value * $1.weight } / total
    }
}

/// One value of an empirical distribution and its relative weight.
public struct EmpiricalPoint: Hashable, Sendable, Codable {
    /// The observed value.
    public var value: Double
    /// Its weight relative to the other points (need not sum to 1 across them).
    public var weight: Double
    /// A point at `value` with relative weight `weight`.
    public init(value: Double, weight: Double) {
        self.value = value
        self.weight = weight
    }
}

extension Distribution {
    /// The distribution in the language's syntax (`lognormal(mean: 20 min, sd: 5 min)`, or the
    /// value alone when fixed), with its values written by `value` (a time with its unit, or a
    /// plain number) and its shape numbers (a gamma's shape, empirical weights) by `number`.
    /// The one writer behind the formatter, diff, exports and calibration, which differ only in
    /// how they round.
    public func written(value: (Double) -> String, number: (Double) -> String) -> String {
        switch self {
        case .fixed(let x): return value(x)
        case .uniform(let a, let b): return "uniform(min: \(value(a)), max: \(value(b)))"
        case .triangular(let a, let c, let b): return "triangular(min: \(value(a)), mode: \(value(c)), max: \(value(b)))"
        case .exponential(let m): return "exponential(mean: \(value(m)))"
        case .normal(let m, let sd): return "normal(mean: \(value(m)), sd: \(value(sd)))"
        case .lognormal(let m, let sd): return "lognormal(mean: \(value(m)), sd: \(value(sd)))"
        case .gamma(let k, let theta): return "gamma(shape: \(number(k)), scale: \(value(theta)))"
        case .empirical(let points): return "empirical(" + points.map { "\(value($0.value)): \(number($0.weight))" }.joined(separator: ", ") + ")"
        }
    }
}
