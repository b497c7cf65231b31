import Foundation
import PathwayModel

/// The distribution families calibration chooses among: every family of the language except
/// `empirical`, which lists values rather than fitting them.
public enum FitFamily: String, Sendable, Hashable, CaseIterable {
    /// Every value the same.
    case fixed
    /// Equally likely between a minimum and a maximum.
    case uniform
    /// Between a minimum and a maximum, most likely near a mode.
    case triangular
    /// Memoryless, with one parameter (the mean).
    case exponential
    /// Symmetric about the mean.
    case normal
    /// Skewed to the right: its logarithm is normal.
    case lognormal
    /// Skewed to the right, with a shape and a scale.
    case gamma
}

/// One family fitted to a sample by maximum likelihood.
public struct FittedFamily: Sendable, Hashable {
    /// The family.
    public var family: FitFamily
    /// The fitted distribution, in the sample's units, unrounded.
    public var distribution: Distribution
    /// The log-likelihood of the sample at the fitted parameters.
    public var logLikelihood: Double
    /// How many parameters were fitted.
    public var parameters: Int
    /// Akaike's information criterion, 2k − 2 ln L: lower is better. `nil` for `fixed`, which
    /// is chosen only when every value is the same.
    public var aic: Double?
}

/// The best of several families fitted to a sample by maximum likelihood, chosen by AIC, with
/// how far the sample lies from it (the Kolmogorov–Smirnov distance).
public struct DistributionFit: Sendable, Hashable {
    /// How many values were fitted.
    public var sampleSize: Int
    /// The sample's mean.
    public var mean: Double
    /// The chosen family: the lowest AIC, except that of families within 2 of it the one with
    /// fewest parameters is taken; `fixed` when every value is the same.
    public var best: FittedFamily
    /// Every family that could be fitted: the chosen one first, then by AIC.
    public var candidates: [FittedFamily]
    /// The Kolmogorov–Smirnov distance between the sample and the chosen distribution.
    public var ksDistance: Double

    /// The runner-up by AIC, if any.
    public var runnerUp: FittedFamily? { candidates.count > 1 ? candidates[1] : nil }

    /// Fits each family in `families` that can describe the sample and keeps the one with the
    /// lowest AIC (the simplest within 2 of it). With `nonNegative` (times) a fitted minimum is never below zero. Values all
    /// within `tolerance` of each other give `fixed`. `nil` for an empty sample, or one with a
    /// value that is not a finite number or so large that the mean or range overflows.
    public static func fit(_ sample: [Double], nonNegative: Bool, tolerance: Double = 0.002,
                           families: [FitFamily] = FitFamily.allCases,
                           integer: Bool = false) -> DistributionFit? {
        guard !sample.isEmpty, sample.allSatisfy(\.isFinite) else { return nil }
        let sorted = sample.sorted()
        let n = Double(sorted.count)
        let mean = sorted.reduce(0, +) / n
        // Values so large that their sum or spread overflows describe nothing a pathway can use.
        guard mean.isFinite, let first = sorted.first, let last = sorted.last, (last - first).isFinite else { return nil }
        let lower: Double? = nonNegative ? 0 : nil
        if last - first <= max(tolerance, abs(mean) * 1e-9) || sorted.count == 1 {
            let fixed = FittedFamily(family: .fixed, distribution: .fixed(mean), logLikelihood: 0, parameters: 1, aic: nil)
            return DistributionFit(sampleSize: sorted.count, mean: mean, best: fixed, candidates: [fixed],
                                   ksDistance: DistributionCDF(.fixed(mean), lower: lower, integer: integer).ksDistance(sorted: sorted))
        }
        var candidates: [FittedFamily] = []
        for family in families where family != .fixed {
            if let f = fitFamily(family, sorted, mean: mean, nonNegative: nonNegative), f.logLikelihood.isFinite {
                candidates.append(f)
            }
        }
        candidates.sort { ($0.aic ?? .infinity, $0.family.rawValue) < ($1.aic ?? .infinity, $1.family.rawValue) }
        guard let lowest = candidates.first?.aic else { return nil }
        // Parsimony: of the families within 2 AIC of the lowest (no real evidence between them),
        // the one with fewest parameters (an exponential rather than a gamma of shape 1.04).
        let close = candidates.filter { ($0.aic ?? .infinity) <= lowest + 2 }
        guard let best = close.min(by: { ($0.parameters, $0.aic ?? .infinity) < ($1.parameters, $1.aic ?? .infinity) }) else { return nil }
        candidates.removeAll { $0 == best }
        candidates.insert(best, at: 0)
        let ks = DistributionCDF(best.distribution, lower: lower, integer: integer).ksDistance(sorted: sorted)
        return DistributionFit(sampleSize: sorted.count, mean: mean, best: best, candidates: candidates, ksDistance: ks)
    }

    static func fitFamily(_ family: FitFamily, _ x: [Double], mean: Double, nonNegative: Bool) -> FittedFamily? {
        let n = Double(x.count)
        guard let lo = x.first, let hi = x.last else { return nil }
        func make(_ d: Distribution, _ ll: Double, _ k: Int) -> FittedFamily {
            FittedFamily(family: family, distribution: d, logLikelihood: ll, parameters: k, aic: 2 * Double(k) - 2 * ll)
        }
        switch family {
        case .fixed:
            return nil
        case .exponential:
            guard lo >= 0, mean > 0 else { return nil }
            return make(.exponential(mean: mean), -n * log(mean) - n, 1)
        case .normal:
            let variance = x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
            guard variance > 0 else { return nil }
            let ll = -n / 2 * log(2 * Double.pi * variance) - n / 2
            return make(.normal(mean: mean, sd: (variance * n / max(1, n - 1)).squareRoot()), ll, 2)
        case .lognormal:
            guard lo > 0 else { return nil }
            let logs = x.map { log($0) }
            let mu = logs.reduce(0, +) / n
            let s2 = logs.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / n
            guard s2 > 0 else { return nil }
            let ll = -logs.reduce(0, +) - n / 2 * log(2 * Double.pi * s2) - n / 2
            let m = exp(mu + s2 / 2)
            return make(.lognormal(mean: m, sd: m * (exp(s2) - 1).squareRoot()), ll, 2)
        case .gamma:
            guard lo > 0 else { return nil }
            let sumLog = x.reduce(0) { $0 + log($1) }
            let s = log(mean) - sumLog / n
            guard s > 0 else { return nil }
            var k = (3 - s + ((s - 3) * (s - 3) + 24 * s).squareRoot()) / (12 * s)
            for _ in 0..<50 {
                let step = (log(k) - Statistics.digamma(k) - s) / (1 / k - Statistics.trigamma(k))
                let next = k - step
                k = next > 0 ? next : k / 2
                if abs(step) < 1e-12 * k { break }
            }
            guard k > 0, k.isFinite else { return nil }
            let theta = mean / k
            let ll = (k - 1) * sumLog - n * mean / theta - n * k * log(theta) - n * Statistics.logGamma(k)
            return make(.gamma(shape: k, scale: theta), ll, 2)
        case .uniform:
            let range = hi - lo
            guard range > 0 else { return nil }
            // Maximum likelihood takes the sample's own extremes; the written bounds are widened
            // by range/(n−1), the unbiased estimate, so the next patient can fall outside them.
            let widen = x.count > 1 ? range / (n - 1) : 0
            let a = nonNegative ? max(0, lo - widen) : lo - widen
            return make(.uniform(min: a, max: hi + widen), -n * log(range), 2)
        case .triangular:
            return fitTriangular(x, nonNegative: nonNegative).map { make($0.distribution, $0.logLikelihood, 3) }
        }
    }

    /// Triangular maximum likelihood: the mode is at one of the sample values (given the
    /// bounds), found with prefix sums; the bounds are searched on a grid beyond the sample's
    /// extremes (at them the likelihood is zero).
    static func fitTriangular(_ x: [Double], nonNegative: Bool) -> (distribution: Distribution, logLikelihood: Double)? {
        guard let lo = x.first, let hi = x.last, hi > lo else { return nil }
        let n = x.count
        let range = hi - lo
        let fractions = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4]
        var best: (Distribution, Double)?
        var prefix = [Double](repeating: 0, count: n + 1)
        var suffix = [Double](repeating: 0, count: n + 1)
        var lowerBounds = fractions.map { lo - range * $0 }
        if nonNegative {
            lowerBounds = lowerBounds.filter { $0 >= 0 }
            if lo > 0 { lowerBounds.append(0) }
        }
        for a in lowerBounds where a < lo {
            for i in 0..<n { prefix[i + 1] = prefix[i] + log(x[i] - a) }
            for fb in fractions {
                let b = hi + range * fb
                suffix[n] = 0
                for i in stride(from: n - 1, through: 0, by: -1) { suffix[i] = suffix[i + 1] + log(b - x[i]) }
                let base = Double(n) * (log(2) - log(b - a))
                for k in 0..<n {
                    let c = x[k]
                    // Values before index k are below the mode (ties contribute zero either way).
                    let ll = base + prefix[k] - Double(k) * log(c - a) + suffix[k] - Double(n - k) * log(b - c)
                    if ll.isFinite, best.map({ ll > $0.1 }) ?? true {
                        best = (.triangular(min: a, mode: c, max: b), ll)
                    }
                }
            }
        }
        return best.map { (distribution: $0.0, logLikelihood: $0.1) }
    }
}
