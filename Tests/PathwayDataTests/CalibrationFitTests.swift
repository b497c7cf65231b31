import Foundation
@testable import PathwayData
import PathwayModel
import Testing

/// A small seeded generator for test samples (SplitMix64), so every run draws the same values.
struct SeededGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform on (0, 1).
    mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }
    mutating func exponential(mean: Double) -> Double { -mean * log(uniform()) }
    mutating func standardNormal() -> Double {
        (-2 * log(uniform())).squareRoot() * cos(2 * Double.pi * uniform())
    }
    mutating func normal(mean: Double, sd: Double) -> Double { mean + sd * standardNormal() }
    /// Lognormal with this mean and sd of the value.
    mutating func lognormal(mean: Double, sd: Double) -> Double {
        let s2 = log(1 + sd * sd / (mean * mean))
        return exp(log(mean) - s2 / 2 + s2.squareRoot() * standardNormal())
    }
    /// Gamma (Marsaglia and Tsang), shape ≥ 1.
    mutating func gamma(shape: Double, scale: Double) -> Double {
        let d = shape - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            let x = standardNormal(), v = pow(1 + c * x, 3)
            if v > 0, log(uniform()) < 0.5 * x * x + d - d * v + d * log(v) { return d * v * scale }
        }
    }
    mutating func triangular(min a: Double, mode c: Double, max b: Double) -> Double {
        let u = uniform(), f = (c - a) / (b - a)
        return u < f ? a + ((b - a) * (c - a) * u).squareRoot() : b - ((b - a) * (b - c) * (1 - u)).squareRoot()
    }
}

/// Maximum-likelihood fitting recovers known parameters and picks the family the values came from.
@Suite struct CalibrationFitTests {
    func sample(_ n: Int, seed: UInt64, _ draw: (inout SeededGenerator) -> Double) -> [Double] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in draw(&g) }
    }

    func close(_ a: Double, _ b: Double, within share: Double) -> Bool { abs(a - b) <= share * abs(b) }

    @Test func exponentialMeanIsRecoveredAndChosen() throws {
        let x = sample(3000, seed: 1) { $0.exponential(mean: 120) }
        let fit = try #require(DistributionFit.fit(x, nonNegative: true))
        #expect(fit.best.family == .exponential)
        guard case .exponential(let mean) = fit.best.distribution else { Issue.record("not exponential"); return }
        #expect(close(mean, 120, within: 0.05), "mean \(mean)")
    }

    @Test func lognormalParametersAreRecoveredAndChosen() throws {
        let x = sample(3000, seed: 2) { $0.lognormal(mean: 20, sd: 20) }
        let fit = try #require(DistributionFit.fit(x, nonNegative: true))
        #expect(fit.best.family == .lognormal, "chose \(fit.best.family) over \(fit.candidates.map(\.family))")
        guard case .lognormal(let mean, let sd) = fit.best.distribution else { Issue.record("not lognormal"); return }
        #expect(close(mean, 20, within: 0.05), "mean \(mean)")
        #expect(close(sd, 20, within: 0.1), "sd \(sd)")
        // On the log scale: mu and sigma within a few per cent.
        let sigma = log(1 + sd * sd / (mean * mean)).squareRoot(), mu = log(mean) - sigma * sigma / 2
        #expect(close(sigma, log(2.0).squareRoot(), within: 0.03), "sigma \(sigma)")
        #expect(close(mu, log(20) - log(2.0) / 2, within: 0.03), "mu \(mu)")
    }

    @Test func gammaShapeAndScaleAreRecoveredAndChosen() throws {
        let x = sample(4000, seed: 3) { $0.gamma(shape: 3, scale: 2) }
        let fit = try #require(DistributionFit.fit(x, nonNegative: true))
        #expect(fit.best.family == .gamma, "chose \(fit.best.family)")
        guard case .gamma(let k, let theta) = fit.best.distribution else { Issue.record("not gamma"); return }
        #expect(close(k, 3, within: 0.08), "shape \(k)")
        #expect(close(theta, 2, within: 0.08), "scale \(theta)")
    }

    @Test func normalUniformAndTriangularAreTold() throws {
        let normal = try #require(DistributionFit.fit(sample(3000, seed: 4) { $0.normal(mean: 100, sd: 10) }, nonNegative: true))
        #expect(normal.best.family == .normal)
        let uniform = try #require(DistributionFit.fit(sample(2000, seed: 5) { 10 + 10 * $0.uniform() }, nonNegative: true))
        #expect(uniform.best.family == .uniform)
        if case .uniform(let a, let b) = uniform.best.distribution {
            #expect(abs(a - 10) < 0.05 && abs(b - 20) < 0.05, "\(a)...\(b)")
        } else { Issue.record("not uniform") }
        let tri = try #require(DistributionFit.fit(sample(3000, seed: 6) { $0.triangular(min: 60, mode: 120, max: 300) }, nonNegative: true))
        #expect(tri.best.family == .triangular, "chose \(tri.best.family)")
        if case .triangular(let a, let c, let b) = tri.best.distribution {
            #expect(abs(a - 60) < 5 && abs(c - 120) < 15 && abs(b - 300) < 10, "\(a), \(c), \(b)")
        } else { Issue.record("not triangular") }
    }

    @Test func equalValuesAreFixed() throws {
        let fit = try #require(DistributionFit.fit([15, 15, 15.0005, 15], nonNegative: true))
        #expect(fit.best.family == .fixed)
        #expect(fit.candidates.count == 1)
        #expect(DistributionFit.fit([], nonNegative: true) == nil)
        #expect(DistributionFit.fit([1, .nan], nonNegative: true) == nil)
        #expect(DistributionFit.fit([1e308, -1e308, 71], nonNegative: false) == nil)
    }

    @Test func theWrittenDistributionReadsBackRounded() throws {
        let written = try #require(CalibrationText.writtenTime(.lognormal(mean: 20.123456, sd: 5.0987)))
        #expect(written.text == "lognormal(mean: 20.1 min, sd: 5.1 min)")
        #expect(written.distribution == .lognormal(mean: 20.1, sd: 5.1))
        let days = try #require(CalibrationText.writtenTime(.triangular(min: 120, mode: 1440, max: 4320)))
        #expect(days.text == "triangular(min: 2 hours, mode: 24 hours, max: 72 hours)")
        let gamma = try #require(CalibrationText.writtenTime(.gamma(shape: 2.346, scale: 300)))
        #expect(gamma.text == "gamma(shape: 2.35, scale: 5 hours)")
        #expect(CalibrationText.writtenTime(.fixed(0))?.text == "0 min")
        #expect(CalibrationText.writtenTime(.exponential(mean: 4320))?.text == "exponential(mean: 3 days)")
        #expect(CalibrationText.significant(0.000012345) == "0.0000123")
        #expect(CalibrationText.significant(123456) == "123000")
    }

    @Test func sharesAddUpToExactlyOne() {
        let t = CalibrationText.shares([1, 1, 1])
        #expect(t.reduce(0, +) == 1000)
        #expect(t == [334, 333, 333])
        #expect(CalibrationText.shares([2, 0]) == [1000, 0])
        #expect(CalibrationText.thousandths(412) == "0.412")
        #expect(CalibrationText.thousandths(400) == "0.4")
        #expect(CalibrationText.thousandths(1000) == "1")
    }

    @Test func testStatisticsMatchTables() {
        // Chi-square 5% critical values: 3.841 (1 df), 12.592 (6 df).
        #expect(abs(Statistics.chiSquarePValue(3.841, degreesOfFreedom: 1) - 0.05) < 0.001)
        #expect(abs(Statistics.chiSquarePValue(12.592, degreesOfFreedom: 6) - 0.05) < 0.001)
        #expect(abs(Statistics.digamma(1) + 0.5772156649) < 1e-9)
        #expect(abs(Statistics.trigamma(1) - Double.pi * Double.pi / 6) < 1e-9)
        // Kolmogorov: Q(1.358) = 0.05.
        #expect(abs(Statistics.kolmogorovQ(1.358) - 0.05) < 0.001)
        // Gamma CDF with shape 1 is the exponential's.
        #expect(abs(Statistics.gammaP(1, 2) - (1 - exp(-2))) < 1e-12)
        #expect(abs(Statistics.gammaP(5, 30) - (1 - 3.6243e-9)) < 1e-12) // Q(5, 30) = e^-30 (1 + 30 + 30²/2 + 30³/6 + 30⁴/24)
    }

    @Test func ksDistanceSeesAShiftButNotNoise() {
        var g = SeededGenerator(seed: 9)
        let x = (0..<2000).map { _ in g.exponential(mean: 60) }.sorted()
        let same = DistributionCDF.time(.exponential(mean: 60)).ksDistance(sorted: x)
        let other = DistributionCDF.time(.exponential(mean: 75)).ksDistance(sorted: x)
        #expect(Statistics.ksPValue(same, n: x.count) > 0.01)
        #expect(Statistics.ksPValue(other, n: x.count) < 0.001)
        // Integer values against the rounded distribution are not rejected for their rounding.
        let ages = (0..<4000).map { _ in min(100, max(40, g.normal(mean: 71, sd: 10).rounded())) }.sorted()
        let d = DistributionCDF(.normal(mean: 71, sd: 10), lower: 40, upper: 100, integer: true).ksDistance(sorted: ages)
        #expect(Statistics.ksPValue(d, n: ages.count) > 0.01, "D \(d)")
    }
}
