import Foundation
import Testing
import PathwayModel
@testable import PathwaySimulation

/// Validity tests: results that a wrong simulator would get wrong, each compared with a closed
/// form from queueing theory or probability, at a sample size where the tolerance is several
/// standard errors wide (so a pass means something and a fail is not bad luck).
///
/// Waits for the Erlang C distribution are measured from the event sink (arrival to work
/// starting), not from the simulator's own tallies. Sizes are chosen so the file stays fast in
/// a debug build; `CAREPATH_VALIDITY_FULL=1` runs the larger sizes (see `.ci/validity.sh`).
@Suite struct ValidityTests {
    /// Whether to run the full sizes (slow in a debug build).
    static let full = ProcessInfo.processInfo.environment["CAREPATH_VALIDITY_FULL"] == "1"
    /// Whether to print every figure against its closed form (`CAREPATH_VALIDITY_VERBOSE=1`),
    /// for a log of how close the simulator came, not only whether it passed.
    static let verbose = ProcessInfo.processInfo.environment["CAREPATH_VALIDITY_VERBOSE"] == "1"

    static func note(_ line: String) {
        if verbose { print("validity: \(line)") }
    }

    // MARK: - Erlang C: the whole waiting-time distribution of M/M/c

    /// P(W <= t) = 1 - C(c, a) e^{-(c mu - lambda) t} for M/M/c (Kleinrock, Queueing Systems
    /// Vol. 1, 1975, the M/M/m queue), checked at several t from each patient's arrival and start.
    @Test func mmcWaitingTimeDistributionMatchesErlangC() throws {
        // Examples/queueing/mmc.yaml: c = 10, lambda = 9/h, mean service 60 min, rho = 0.9.
        let pathway = try TestPathways.load("Examples/queueing/mmc.yaml")
        let servers = 10, lambda = 9.0 / 60, mu = 1.0 / 60 // per minute
        let thresholds = [0.0, 15, 60, 180] // minutes
        let warmupDays = 20.0
        // The sink sees replication 1 only, so each run is one replication with its own seed and
        // warm-up, and the counts are pooled. At rho = 0.9 neighbouring waits are strongly
        // correlated: over 120 seeds of 1,000,000 patients the standard deviation of P(W <= t)
        // was 0.39, 0.51, 0.58 and 0.33 percentage points for the four t. Six runs put 1 point at
        // 4.2 standard errors of the worst t; two runs (the debug default, 4 s a run) need 1.6.
        let runs = Self.full ? 6 : 2, patientsPerRun = 1_000_000
        let tolerance = Self.full ? 0.01 : 0.016
        let simulator = try Simulator(pathway: pathway)
        var measured = 0
        var atMost = Array(repeating: 0, count: thresholds.count)
        for run in 0..<runs {
            var sink: WaitDistributionSink? = WaitDistributionSink(warmupMinutes: warmupDays * 1440, thresholds: thresholds)
            _ = simulator.run(SimulationOptions(length: .patients(patientsPerRun), warmupDays: warmupDays, replications: 1,
                                                seed: 2024 + UInt64(run)),
                              eventSink: &sink)
            let counted = try #require(sink)
            #expect(counted.measured == patientsPerRun, "waits measured for \(counted.measured) of \(patientsPerRun) patients")
            measured += counted.measured
            for k in thresholds.indices { atMost[k] += counted.atMost[k] }
        }
        let c = Self.erlangC(servers: servers, offeredLoad: lambda / mu)
        for (k, t) in thresholds.enumerated() {
            let expected = 1 - c * exp(-(Double(servers) * mu - lambda) * t)
            let simulated = Double(atMost[k]) / Double(measured)
            Self.note("M/M/10 P(W <= \(t) min) simulated \(simulated), Erlang C \(expected) (\(measured) patients)")
            #expect(abs(simulated - expected) < tolerance,
                    "P(W <= \(t) min): simulated \(simulated), Erlang C \(expected)")
        }
    }

    /// The Erlang C probability that an arrival waits, C(c, a) with offered load a = lambda / mu.
    static func erlangC(servers c: Int, offeredLoad a: Double) -> Double {
        // Erlang B by its stable recurrence B(k) = a B(k-1) / (k + a B(k-1)), then
        // C = B / (1 - rho (1 - B)) (Cooper, Introduction to Queueing Theory, 2nd ed., 1981).
        var b = 1.0
        for k in 1...c { b = a * b / (Double(k) + a * b) }
        let rho = a / Double(c)
        return b / (1 - rho * (1 - b))
    }

    // MARK: - Pollaczek-Khinchine: M/G/1 mean wait

    /// Wq = lambda E[S^2] / (2 (1 - rho)) at rho = 0.8, for fixed and for lognormal service.
    @Test(arguments: [
        // Examples/queueing/md1.yaml: fixed 10 min, E[S^2] = 100.
        ("Examples/queueing/md1.yaml", 100.0),
        // Examples/queueing/mg1-lognormal.yaml: mean 10 min, sd 5 min, E[S^2] = 125. (Not sd = mean:
        // that lognormal has the exponential's first two moments, so M/M/1 would pass too.)
        ("Examples/queueing/mg1-lognormal.yaml", 125.0),
    ])
    func mg1MeanWaitMatchesPollaczekKhinchine(file: String, secondMoment: Double) throws {
        let lambda = 4.8 / 60, meanService = 10.0 // per minute, minutes
        let rho = lambda * meanService
        let expected = lambda * secondMoment / (2 * (1 - rho))
        // Standard errors of the mean wait, measured over 2 x 20 replications of 100,000 patients:
        // about 0.57% (fixed) and 0.67% (lognormal) at 2,000,000 patients, so 4,000,000 put 2% at
        // 4 to 5 standard errors (the full size, 16,000,000, at 8 to 10).
        let patients = Self.full ? 16_000_000 : 4_000_000
        let replications = 8
        let report = try Simulator(pathway: TestPathways.load(file))
            .run(SimulationOptions(length: .patients(patients / replications), warmupDays: 5,
                                   replications: replications, seed: 31, jobs: 2))
        let wait = try #require(report.steps.first { $0.id == "service" }).meanWaitMinutes.mean
        Self.note("\(file) Wq simulated \(wait) min, Pollaczek-Khinchine \(expected) min (\(patients) patients)")
        #expect(abs(wait - expected) / expected < 0.02, "\(file): mean wait \(wait) min, Pollaczek-Khinchine \(expected) min")
    }

    // MARK: - Cobham: non-preemptive priority

    /// Two classes sharing one clinician, urgent first: W_k = W0 / ((1 - sigma_{k-1})(1 - sigma_k)).
    @Test func priorityQueueWaitsMatchCobham() throws {
        // Examples/queueing/priority-mm1.yaml: lambda 2/h per class, urgent exponential(6 min),
        // routine exponential(12 min).
        let lambda = [2.0 / 60, 2.0 / 60]
        let meanService = [6.0, 12.0]
        let secondMoment = meanService.map { 2 * $0 * $0 } // exponential: E[S^2] = 2 E[S]^2
        let w0 = zip(lambda, secondMoment).map { $0 * $1 }.reduce(0, +) / 2
        let rho = zip(lambda, meanService).map { $0 * $1 }
        let expected = [w0 / (1 - rho[0]), w0 / ((1 - rho[0]) * (1 - rho[0] - rho[1]))] // 7.5 and 18.75 min
        // Standard errors measured over 20 replications at 2,000,000 patients: 0.32% (urgent)
        // and 0.64% (routine) of the mean; 3% is 4.7 standard errors of the larger.
        let patients = Self.full ? 8_000_000 : 2_000_000
        let replications = 8
        let report = try Simulator(pathway: TestPathways.load("Examples/queueing/priority-mm1.yaml"))
            .run(SimulationOptions(length: .patients(patients / replications), warmupDays: 5,
                                   replications: replications, seed: 47, jobs: 2))
        for (k, step) in ["urgent-visit", "routine-visit"].enumerated() {
            let wait = try #require(report.steps.first { $0.id == step }).meanWaitMinutes.mean
            Self.note("priority \(step) W simulated \(wait) min, Cobham \(expected[k]) min (\(patients) patients)")
            #expect(abs(wait - expected[k]) / expected[k] < 0.03, "\(step): mean wait \(wait) min, Cobham \(expected[k]) min")
        }
    }

    // MARK: - Little's law

    /// L = lambda W for a whole pathway (and Lq = lambda Wq for its busiest queue), within 0.1%.
    ///
    /// The window's ends do not bias it: patients still in the pathway when the window opens add
    /// area to L without adding to W, and patients still in it when the window closes add to W
    /// with area outside the window. In a steady state both are lambda E[W^2] / 2 on average and
    /// cancel, leaving a relative error of order E[W] / (sqrt(L) x window length), about 0.01%
    /// per replication here (measured: 0.002% in debug, 2,000 days; the same at 8,000).
    @Test func littlesLawHoldsOnAPathwayOfSeveralQueues() throws {
        // Examples/queueing/clinic-network.yaml: parallel tests, result delays, a handoff delay,
        // a decision; mean journey about 1.5 days, about 54 patients in the pathway.
        let report = try Simulator(pathway: TestPathways.load("Examples/queueing/clinic-network.yaml"))
            .run(SimulationOptions(length: .days(Self.full ? 8000 : 2000), warmupDays: 30, replications: 4, seed: 5, jobs: 2))
        let lambda = report.arrivalsPerDay.mean / 1440 // per minute
        let l = report.meanInPathway.mean
        let w = report.journeyMeanMinutes.mean
        Self.note("Little: L \(l), lambda W \(lambda * w)")
        #expect(abs(l - lambda * w) / l < 0.001, "L \(l) vs lambda W \(lambda * w)")
        let lq = try #require(report.resources.first { $0.id == "scanner" }).meanQueue.mean
        let wq = try #require(report.steps.first { $0.id == "scan" }).meanWaitMinutes.mean
        Self.note("Little: Lq \(lq), lambda Wq \(lambda * wq)")
        #expect(abs(lq - lambda * wq) / lq < 0.001, "Lq \(lq) vs lambda Wq \(lambda * wq)")
    }

    // MARK: - Every sampler against its CDF (one-sample Kolmogorov-Smirnov)

    /// A distribution to check: how to draw from it, and its exact CDF and left limit.
    struct SamplerCase: CustomTestStringConvertible, Sendable {
        var name: String
        var distribution: Distribution
        /// Draw with `Sampler.duration` (truncated at zero) instead of `Sampler.sample`.
        var truncated = false
        var cdf: @Sendable (Double) -> Double
        /// P(X < x); differs from `cdf` only at atoms (empirical values, zero for a truncated draw).
        var cdfBelow: (@Sendable (Double) -> Double)?
        var testDescription: String { name }
    }

    static let samplerCases: [SamplerCase] = [
        SamplerCase(name: "uniform(2, 7)", distribution: .uniform(min: 2, max: 7)) { x in
            min(1, max(0, (x - 2) / 5))
        },
        SamplerCase(name: "triangular(1, 2, 6)", distribution: .triangular(min: 1, mode: 2, max: 6)) { x in
            triangularCDF(x, a: 1, c: 2, b: 6)
        },
        SamplerCase(name: "triangular(0, 5, 5)", distribution: .triangular(min: 0, mode: 5, max: 5)) { x in
            triangularCDF(x, a: 0, c: 5, b: 5)
        },
        SamplerCase(name: "exponential(4)", distribution: .exponential(mean: 4)) { x in
            x <= 0 ? 0 : -expm1(-x / 4)
        },
        SamplerCase(name: "normal(10, 2)", distribution: .normal(mean: 10, sd: 2)) { x in
            normalCDF((x - 10) / 2)
        },
        // As a duration, normal(1, 1) is truncated at zero: an atom of Phi(-1) = 15.9% at 0.
        SamplerCase(name: "normal(1, 1) as a duration", distribution: .normal(mean: 1, sd: 1), truncated: true,
                    cdf: { x in x < 0 ? 0 : normalCDF(x - 1) }, cdfBelow: { x in x <= 0 ? 0 : normalCDF(x - 1) }),
        SamplerCase(name: "lognormal(20, 5)", distribution: .lognormal(mean: 20, sd: 5)) { x in
            lognormalCDF(x, mean: 20, sd: 5)
        },
        SamplerCase(name: "lognormal(10, 30)", distribution: .lognormal(mean: 10, sd: 30)) { x in
            lognormalCDF(x, mean: 10, sd: 30)
        },
        SamplerCase(name: "gamma(0.3, 2)", distribution: .gamma(shape: 0.3, scale: 2)) { x in
            regularisedLowerGamma(0.3, x / 2)
        },
        SamplerCase(name: "gamma(0.5, 2)", distribution: .gamma(shape: 0.5, scale: 2)) { x in
            regularisedLowerGamma(0.5, x / 2)
        },
        SamplerCase(name: "gamma(1, 3)", distribution: .gamma(shape: 1, scale: 3)) { x in
            regularisedLowerGamma(1, x / 3)
        },
        SamplerCase(name: "gamma(2.5, 3)", distribution: .gamma(shape: 2.5, scale: 3)) { x in
            regularisedLowerGamma(2.5, x / 3)
        },
        SamplerCase(name: "gamma(9, 0.5)", distribution: .gamma(shape: 9, scale: 0.5)) { x in
            regularisedLowerGamma(9, x / 0.5)
        },
        // Values out of order and weights not adding up to 1, as a file may give them.
        SamplerCase(name: "empirical(3: 1, 1: 4, 7: 2, 2: 3)",
                    distribution: .empirical([EmpiricalPoint(value: 3, weight: 1), EmpiricalPoint(value: 1, weight: 4),
                                              EmpiricalPoint(value: 7, weight: 2), EmpiricalPoint(value: 2, weight: 3)]),
                    cdf: { x in empiricalCDF(x, strictly: false) }, cdfBelow: { x in empiricalCDF(x, strictly: true) }),
    ]

    /// The Kolmogorov-Smirnov distance between 100,000 draws and the exact CDF stays below the
    /// critical value at alpha = 0.001, 1.95 / sqrt(n) (asymptotic; conservative for the
    /// distributions with atoms).
    @Test(arguments: samplerCases)
    func samplerMatchesItsDistributionFunction(_ c: SamplerCase) {
        let n = 100_000
        // Each case has its own stream, seeded from its name: with one seed for all, the uniform
        // and triangular cases would be one set of uniforms transformed (and give the same D).
        let seed = c.name.utf8.reduce(UInt64(0xCBF2_9CE4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 } // FNV-1a
        let d = Self.kolmogorovSmirnov(draw(c, n: n, seed: seed), cdf: c.cdf, cdfBelow: c.cdfBelow ?? c.cdf)
        let critical = 1.95 / Double(n).squareRoot()
        Self.note("KS \(c.name): D \(d), critical \(critical)")
        #expect(d < critical, "\(c.name): D = \(d), critical value \(critical)")
    }

    /// The check has the power it claims: draws from exponential(4) are told apart from
    /// exponential(4.2), and gamma(0.5) from gamma(0.55), at the same n and critical value.
    @Test func kolmogorovSmirnovSeesASmallError() {
        let n = 100_000
        let critical = 1.95 / Double(n).squareRoot()
        let exponential = SamplerCase(name: "", distribution: .exponential(mean: 4)) { x in x <= 0 ? 0 : -expm1(-x / 4.2) }
        let gamma = SamplerCase(name: "", distribution: .gamma(shape: 0.5, scale: 2)) { x in Self.regularisedLowerGamma(0.55, x / 2) }
        for c in [exponential, gamma] {
            let d = Self.kolmogorovSmirnov(draw(c, n: n, seed: 17), cdf: c.cdf, cdfBelow: c.cdf)
            Self.note("KS power: D \(d) against a wrong CDF, critical \(critical)")
            #expect(d > critical, "D = \(d) should exceed \(critical)")
        }
    }

    private func draw(_ c: SamplerCase, n: Int, seed: UInt64) -> [Double] {
        var sampler = Sampler()
        let index = sampler.add(c.distribution)
        var rng = RandomStream(seed: seed, replication: 0)
        return (0..<n).map { _ in c.truncated ? sampler.duration(index, &rng) : sampler.sample(index, &rng) }
    }

    /// sup |F_n(x) - F(x)|, taking both sides of every jump of F_n and of F.
    static func kolmogorovSmirnov(_ draws: [Double], cdf: (Double) -> Double, cdfBelow: (Double) -> Double) -> Double {
        let sorted = draws.sorted()
        let n = Double(sorted.count)
        var d = 0.0
        for (i, x) in sorted.enumerated() {
            d = max(d, Double(i + 1) / n - cdf(x), cdfBelow(x) - Double(i) / n)
        }
        return d
    }

    // MARK: - Distribution functions, written here independently of the simulator

    static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    static func triangularCDF(_ x: Double, a: Double, c: Double, b: Double) -> Double {
        if x <= a { return 0 }
        if x >= b { return 1 }
        if x <= c { return (x - a) * (x - a) / ((b - a) * (c - a)) }
        return 1 - (b - x) * (b - x) / ((b - a) * (b - c))
    }

    /// Lognormal with the given mean and sd of the value: sigma^2 = ln(1 + sd^2/mean^2),
    /// mu = ln(mean) - sigma^2 / 2.
    static func lognormalCDF(_ x: Double, mean: Double, sd: Double) -> Double {
        guard x > 0 else { return 0 }
        let sigma2 = log(1 + sd * sd / (mean * mean))
        return normalCDF((log(x) - (log(mean) - sigma2 / 2)) / sigma2.squareRoot())
    }

    /// The empirical case's CDF: P(X <= x), or P(X < x) when `strictly`.
    static func empiricalCDF(_ x: Double, strictly: Bool) -> Double {
        let points: [(value: Double, weight: Double)] = [(3, 1), (1, 4), (7, 2), (2, 3)]
        let total = points.reduce(0) { $0 + $1.weight }
        return points.filter { strictly ? $0.value < x : $0.value <= x }.reduce(0) { $0 + $1.weight } / total
    }

    /// P(a, x), the regularised lower incomplete gamma function: its series for x < a + 1, else
    /// one minus the continued fraction for Q(a, x) by modified Lentz (Numerical Recipes, 3rd
    /// ed., 6.2.5 and 6.2.7); both to about 1e-15.
    static func regularisedLowerGamma(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 0 }
        let front = exp(-x + a * log(x) - lgamma(a))
        if x < a + 1 {
            var term = 1 / a, sum = term, ap = a
            for _ in 0..<1000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return sum * front
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...1000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return 1 - front * h
    }
}

/// Counts, for each patient arriving after the warm-up, whether its wait (arrival to the start
/// of work at its first step with work) is at most each threshold. For a single-step queue that
/// is the wait in queue.
struct WaitDistributionSink: SimulationEventSink {
    let warmupMinutes: Double
    let thresholds: [Double]
    /// Arrival time by patient number; NaN once the patient's wait is counted.
    private var arrivals: [Double] = []
    /// Patients whose wait was measured, and how many of them waited at most each threshold.
    private(set) var measured = 0
    private(set) var atMost: [Int]

    init(warmupMinutes: Double, thresholds: [Double]) {
        self.warmupMinutes = warmupMinutes
        self.thresholds = thresholds
        atMost = Array(repeating: 0, count: thresholds.count)
    }

    var isRecording: Bool { true }

    mutating func patientArrived(_ patient: Int, at minutes: Double) {
        while patient >= arrivals.count { arrivals.append(.nan) }
        arrivals[patient] = minutes
    }

    mutating func step(_ step: Int, lifecycle: Lifecycle, patient: Int, at minutes: Double, organisation: Int, resource: Int) {
        guard lifecycle == .start, patient < arrivals.count else { return }
        let arrived = arrivals[patient]
        guard !arrived.isNaN else { return }
        arrivals[patient] = .nan
        guard arrived >= warmupMinutes else { return }
        measured += 1
        let wait = minutes - arrived
        for (k, t) in thresholds.enumerated() where wait <= t { atMost[k] += 1 }
    }

    mutating func patientFinished(_ patient: Int, at minutes: Double) {}
}
