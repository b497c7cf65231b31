import Foundation
import Testing
import PathwayModel
@testable import PathwaySimulation

@Suite struct DistributionTests {
    private func moments(_ d: Distribution, draws: Int = 200_000) -> (mean: Double, sd: Double, min: Double) {
        var sampler = Sampler()
        let i = sampler.add(d)
        var rng = RandomStream(seed: 99, replication: 0)
        var sum = 0.0, sumSq = 0.0, lowest = Double.infinity
        for _ in 0..<draws {
            let x = sampler.sample(i, &rng)
            sum += x
            sumSq += x * x
            lowest = min(lowest, x)
        }
        let mean = sum / Double(draws)
        return (mean, (sumSq / Double(draws) - mean * mean).squareRoot(), lowest)
    }

    @Test func everyFamilyHasTheMeanItDeclares() {
        let cases: [Distribution] = [
            .fixed(5), .uniform(min: 1, max: 3), .triangular(min: 1, mode: 2, max: 6), .exponential(mean: 4),
            .normal(mean: 10, sd: 2), .lognormal(mean: 20, sd: 5), .gamma(shape: 2, scale: 3), .gamma(shape: 0.5, scale: 2),
            .empirical([EmpiricalPoint(value: 1, weight: 0.2), EmpiricalPoint(value: 2, weight: 0.5), EmpiricalPoint(value: 3, weight: 0.3)]),
        ]
        for d in cases {
            let m = moments(d)
            #expect(abs(m.mean - d.mean) / d.mean < 0.01, "\(d.name): mean \(m.mean), expected \(d.mean)")
        }
    }

    @Test func zigguratExponentialHasTheExponentialShape() {
        var rng = RandomStream(seed: 3, replication: 0)
        let n = 400_000
        var above = [0.1: 0, 1.0: 0, 3.0: 0, 8.0: 0]
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<n {
            let x = rng.standardExponential()
            sum += x
            sumSq += x * x
            for t in above.keys where x > t { above[t, default: 0] += 1 }
        }
        let mean = sum / Double(n)
        #expect(abs(mean - 1) < 0.01)
        #expect(abs(sumSq / Double(n) - mean * mean - 1) < 0.02)
        for (t, count) in above {
            let expected = Foundation.exp(-t)
            #expect(abs(Double(count) / Double(n) - expected) < 4 * (expected / Double(n)).squareRoot() + 1e-4,
                    "P(X > \(t)) = \(Double(count) / Double(n)), expected \(expected)")
        }
    }

    @Test func zigguratNormalHasTheNormalShape() {
        var rng = RandomStream(seed: 4, replication: 0)
        let n = 400_000
        var sum = 0.0, sumSq = 0.0
        var beyond = [0.5: 0, 1.0: 0, 2.0: 0, 3.0: 0, 3.6: 0]
        for _ in 0..<n {
            let x = rng.standardNormal()
            sum += x
            sumSq += x * x
            for t in beyond.keys where abs(x) > t { beyond[t, default: 0] += 1 }
        }
        #expect(abs(sum / Double(n)) < 0.01)
        #expect(abs(sumSq / Double(n) - 1) < 0.01)
        // P(|Z| > t) = erfc(t / sqrt 2).
        for (t, count) in beyond {
            let expected = Foundation.erfc(t / 2.0.squareRoot())
            #expect(abs(Double(count) / Double(n) - expected) < 4 * (expected / Double(n)).squareRoot() + 1e-5,
                    "P(|Z| > \(t)) = \(Double(count) / Double(n)), expected \(expected)")
        }
    }

    @Test func histogramQuantilesAreWithinHalfAPercent() {
        var h = JourneyHistogram()
        for i in 1...10_000 { h.add(Double(i)) }
        for q in [0.5, 0.9, 0.95] {
            let exact = q * 10_000
            let got = h.quantile(q) ?? 0
            #expect(abs(got - exact) / exact < 0.005, "q\(q): \(got) vs \(exact)")
        }
    }

    @Test func lognormalTakesTheMeanAndSdOfTheValue() {
        let m = moments(.lognormal(mean: 20, sd: 5))
        #expect(abs(m.sd - 5) < 0.1)
        #expect(m.min > 0)
    }

    @Test func durationsAreTruncatedAtZero() {
        var sampler = Sampler()
        let i = sampler.add(.normal(mean: 0, sd: 1))
        var rng = RandomStream(seed: 1, replication: 0)
        #expect((0..<10_000).allSatisfy { _ in sampler.duration(i, &rng) >= 0 })
    }

    @Test func portableLogAndExpAgreeWithTheCLibrary() {
        for x in [1e-310, 1e-300, 1e-9, 0.1, 0.5, 0.999, 1, 1.5, 2, 10, 12_345.678, 1e300] {
            #expect(abs(portableLog(x) - Foundation.log(x)) <= 1e-13 * max(1, abs(Foundation.log(x))))
        }
        for x in [-700.0, -20, -1, -1e-9, 0, 0.5, 1, 3.3, 50, 700] {
            #expect(abs(portableExp(x) - Foundation.exp(x)) <= 1e-13 * Foundation.exp(x))
        }
    }
}
