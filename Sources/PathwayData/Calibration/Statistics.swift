import Foundation

// The special functions and test statistics calibration needs: the digamma and trigamma
// functions (gamma maximum likelihood), the regularised incomplete gamma function (chi-square
// p-values and the gamma CDF), the normal CDF, and the Kolmogorov distribution (KS p-values).
// Written from the standard series and continued fractions (Abramowitz and Stegun 6.3, 6.4,
// 6.5; Numerical Recipes 6.2, 14.3), with no dependency.

enum Statistics {
    /// ψ(x), the derivative of ln Γ(x), for x > 0.
    static func digamma(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return .nan }
        var x = x, result = 0.0
        while x < 6 {
            result -= 1 / x
            x += 1
        }
        let f = 1 / (x * x)
        result += log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))))
        return result
    }

    /// ψ′(x), the derivative of the digamma function, for x > 0.
    static func trigamma(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return .nan }
        var x = x, result = 0.0
        while x < 6 {
            result += 1 / (x * x)
            x += 1
        }
        let f = 1 / (x * x)
        result += 1 / x + f / 2 + f / x * (1.0 / 6 - f * (1.0 / 30 - f * (1.0 / 42 - f / 30)))
        return result
    }

    /// ln Γ(x) for x > 0.
    static func logGamma(_ x: Double) -> Double { lgamma(x) }

    /// P(a, x), the regularised lower incomplete gamma function (the CDF of a gamma with shape
    /// `a` and scale 1 at `x`).
    static func gammaP(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x > 0 else { return 0 }
        guard x.isFinite else { return 1 }
        if x < a + 1 { return gammaSeries(a, x) }
        return 1 - gammaContinuedFraction(a, x)
    }

    /// Q(a, x) = 1 − P(a, x), computed without cancellation for large x.
    static func gammaQ(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x > 0 else { return 1 }
        guard x.isFinite else { return 0 }
        if x < a + 1 { return 1 - gammaSeries(a, x) }
        return gammaContinuedFraction(a, x)
    }

    private static func gammaSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1 / a, sum = term, n = a
        for _ in 0..<10_000 {
            n += 1
            term *= x / n
            sum += term
            if abs(term) < abs(sum) * 1e-15 { break }
        }
        return min(1, sum * exp(-x + a * log(x) - logGamma(a)))
    }

    private static func gammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return min(1, exp(-x + a * log(x) - logGamma(a)) * h)
    }

    /// The chance that a chi-square statistic with `degreesOfFreedom` is at least `statistic`.
    static func chiSquarePValue(_ statistic: Double, degreesOfFreedom: Int) -> Double {
        guard degreesOfFreedom > 0 else { return 1 }
        guard statistic.isFinite else { return 0 }
        return gammaQ(Double(degreesOfFreedom) / 2, max(0, statistic) / 2)
    }

    /// Φ(z), the standard normal CDF.
    static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// The chance that the Kolmogorov–Smirnov distance of `n` values drawn from the tested
    /// distribution is at least `d` (Stephens' approximation, good for n ≥ 5 or so).
    static func ksPValue(_ d: Double, n: Int) -> Double {
        guard n > 0 else { return 1 }
        let root = Double(n).squareRoot()
        let lambda = (root + 0.12 + 0.11 / root) * d
        return kolmogorovQ(lambda)
    }

    /// Q_KS(λ) = 2 Σ (−1)^(j−1) exp(−2 j² λ²).
    static func kolmogorovQ(_ lambda: Double) -> Double {
        guard lambda > 0.2 else { return 1 }
        var sum = 0.0, sign = 1.0
        for j in 1...200 {
            let term = sign * exp(-2 * Double(j * j) * lambda * lambda)
            sum += term
            if abs(term) < 1e-12 { break }
            sign = -sign
        }
        return min(1, max(0, 2 * sum))
    }

    /// Pearson's chi-square statistic and its p-value for observed counts against expected
    /// ones, over the cells whose expected count is above zero (a count where none was expected
    /// gives an infinite statistic and p = 0). The degrees of freedom are the cells less `lost`:
    /// 1 when the expected counts were scaled to the observed total, one more for each
    /// parameter estimated from the counts, 0 for independent Poisson counts.
    static func chiSquare(observed: [Double], expected: [Double], lost: Int = 1) -> (statistic: Double, degreesOfFreedom: Int, p: Double) {
        var statistic = 0.0, cells = 0
        for (o, e) in zip(observed, expected) {
            if e > 0 {
                statistic += (o - e) * (o - e) / e
                cells += 1
            } else if o > 0 {
                return (.infinity, max(1, cells - lost), 0)
            }
        }
        let df = max(1, cells - lost)
        return (statistic, df, chiSquarePValue(statistic, degreesOfFreedom: df))
    }
}
