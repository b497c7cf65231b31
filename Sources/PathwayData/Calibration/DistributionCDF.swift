import Foundation
import PathwayModel

/// The cumulative distribution of what a `Distribution` gives once the simulator has used it: a
/// time is never below zero (a draw below is taken as zero); an attribute is clamped to its
/// `min`/`max` and, for integers, rounded. Used to measure how far a sample lies from a
/// distribution (the Kolmogorov–Smirnov distance).
struct DistributionCDF: Sendable {
    var distribution: Distribution
    /// Values below this are raised to it (0 for times).
    var lower: Double?
    /// Values above this are lowered to it.
    var upper: Double?
    /// Values are rounded to whole numbers.
    var integer: Bool

    init(_ distribution: Distribution, lower: Double? = nil, upper: Double? = nil, integer: Bool = false) {
        self.distribution = distribution
        self.lower = lower
        self.upper = upper
        self.integer = integer
    }

    /// A time: never below zero.
    static func time(_ distribution: Distribution) -> DistributionCDF { DistributionCDF(distribution, lower: 0) }

    /// P(value ≤ x).
    func cdf(_ x: Double) -> Double {
        if let lower, x < lower { return 0 }
        if let upper, x >= upper { return 1 }
        // A whole number k stands for every value that rounds to it: below k + 0.5.
        return integer ? Self.raw(distribution, x.rounded(.down) + 0.5) : Self.raw(distribution, x)
    }

    /// P(value < x), the limit from the left.
    func cdfBelow(_ x: Double) -> Double { cdf(x.nextDown) }

    /// The Kolmogorov–Smirnov distance between the sample (sorted ascending) and this distribution.
    func ksDistance(sorted sample: [Double]) -> Double {
        let n = Double(sample.count)
        guard n > 0 else { return 0 }
        var d = 0.0, i = 0
        while i < sample.count {
            let v = sample[i]
            var j = i
            while j < sample.count, sample[j] == v { j += 1 }
            d = max(d, abs(Double(j) / n - cdf(v)), abs(Double(i) / n - cdfBelow(v)))
            i = j
        }
        return d
    }

    /// The plain CDF of the family at x (no clamping or rounding).
    static func raw(_ distribution: Distribution, _ x: Double) -> Double {
        switch distribution {
        case .fixed(let v):
            return x >= v ? 1 : 0
        case .uniform(let a, let b):
            if x < a { return 0 }
            if x >= b { return 1 }
            return (x - a) / (b - a)
        case .triangular(let a, let c, let b):
            if x < a { return 0 }
            if x >= b { return 1 }
            if x <= c { return c > a ? (x - a) * (x - a) / ((b - a) * (c - a)) : 0 }
            return b > c ? 1 - (b - x) * (b - x) / ((b - a) * (b - c)) : 1
        case .exponential(let m):
            return x <= 0 || m <= 0 ? (x >= 0 && m <= 0 ? 1 : 0) : 1 - exp(-x / m)
        case .normal(let m, let sd):
            return sd > 0 ? Statistics.normalCDF((x - m) / sd) : (x >= m ? 1 : 0)
        case .lognormal(let m, let sd):
            guard x > 0 else { return 0 }
            guard m > 0, sd > 0 else { return x >= m ? 1 : 0 }
            let sigma2 = log(1 + (sd / m) * (sd / m))
            let mu = log(m) - sigma2 / 2
            return Statistics.normalCDF((log(x) - mu) / sigma2.squareRoot())
        case .gamma(let k, let theta):
            guard x > 0 else { return 0 }
            return Statistics.gammaP(k, x / theta)
        case .empirical(let points):
            let total = points.reduce(0) { $0 + max(0, $1.weight) }
            guard total > 0 else { return 0 }
            return points.reduce(0) { $0 + ($1.value <= x ? max(0, $1.weight) : 0) } / total
        }
    }
}
