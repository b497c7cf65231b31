import PathwayModel

/// A distribution flattened for the hot loop: a family code and up to three precomputed
/// parameters, with empirical tables held in the sampler's shared arrays.
struct CompiledDistribution: Sendable {
    enum Family: UInt8, Sendable {
        case fixed, uniform, triangular, exponential, normal, lognormal, gamma, empirical
    }
    var family: Family
    var a: Double = 0
    var b: Double = 0
    var c: Double = 0
    var d: Double = 0
    /// Empirical tables: first index and count in `Sampler.tableValues`.
    var tableStart: Int32 = 0
    var tableCount: Int32 = 0
}

/// Every distribution of a compiled pathway, sampled by index.
///
/// Parameters are precomputed once (`lognormal` keeps the log-scale mu and sigma, `gamma` the
/// Marsaglia–Tsang constants), so a draw is a switch on a small integer and a few arithmetic steps.
struct Sampler: Sendable {
    private(set) var distributions: ContiguousArray<CompiledDistribution> = []
    private var tableValues: ContiguousArray<Double> = []
    private var tableCumulative: ContiguousArray<Double> = []

    /// Adds `distribution` (after multiplying values by `scale`) and returns its index.
    mutating func add(_ distribution: Distribution, scale: Double = 1) -> Int32 {
        var compiled: CompiledDistribution
        switch distribution {
        case .fixed(let v):
            compiled = CompiledDistribution(family: .fixed, a: v * scale)
        case .uniform(let lo, let hi):
            compiled = CompiledDistribution(family: .uniform, a: lo * scale, b: (hi - lo) * scale)
        case .triangular(let lo, let mode, let hi):
            let a = lo * scale, c = mode * scale, b = hi * scale
            let split = b > a ? (c - a) / (b - a) : 0
            compiled = CompiledDistribution(family: .triangular, a: a, b: b, c: c, d: split)
        case .exponential(let mean):
            compiled = CompiledDistribution(family: .exponential, a: mean * scale)
        case .normal(let mean, let sd):
            compiled = CompiledDistribution(family: .normal, a: mean * scale, b: max(0, sd * scale))
        case .lognormal(let mean, let sd):
            // Mean and sd are of the value; convert to the underlying normal's mu and sigma.
            let m = mean * scale, s = max(0, sd * scale)
            if m <= 0 {
                compiled = CompiledDistribution(family: .fixed, a: 0)
            } else {
                let sigma2 = portableLog(1 + (s * s) / (m * m))
                compiled = CompiledDistribution(family: .lognormal, a: portableLog(m) - sigma2 / 2,
                                                b: sigma2.squareRoot())
            }
        case .gamma(let shape, let theta):
            // Marsaglia & Tsang (2000); shapes below 1 are boosted by U^(1/k).
            let k = max(shape, 1e-9)
            let boosted = k < 1 ? k + 1 : k
            let dConst = boosted - 1.0 / 3
            compiled = CompiledDistribution(family: .gamma, a: dConst, b: 1 / (9 * dConst).squareRoot(),
                                            c: theta * scale, d: k < 1 ? 1 / k : 0)
        case .empirical(let points):
            let total = points.reduce(0) { $0 + max(0, $1.weight) }
            compiled = CompiledDistribution(family: .empirical)
            compiled.tableStart = Int32(tableValues.count)
            var cumulative = 0.0
            for p in points {
                cumulative += total > 0 ? max(0, p.weight) / total : 1 / Double(points.count)
                tableValues.append(p.value * scale)
                tableCumulative.append(cumulative)
            }
            if let last = tableCumulative.indices.last, !points.isEmpty { tableCumulative[last] = 1 }
            compiled.tableCount = Int32(points.count)
            if points.isEmpty { compiled = CompiledDistribution(family: .fixed, a: 0) }
        }
        distributions.append(compiled)
        return Int32(distributions.count - 1)
    }

    /// A draw from distribution `index`, not truncated.
    @inline(__always)
    func sample(_ index: Int32, _ rng: inout RandomStream) -> Double {
        let d = distributions[Int(index)]
        switch d.family {
        case .fixed:
            return d.a
        case .uniform:
            return d.a + d.b * rng.uniform()
        case .triangular:
            let u = rng.uniform()
            if u < d.d {
                return d.a + ((d.b - d.a) * (d.c - d.a) * u).squareRoot()
            }
            return d.b - ((d.b - d.a) * (d.b - d.c) * (1 - u)).squareRoot()
        case .exponential:
            return d.a * rng.standardExponential()
        case .normal:
            return d.a + d.b * rng.standardNormal()
        case .lognormal:
            return portableExp(d.a + d.b * rng.standardNormal())
        case .gamma:
            return sampleGamma(d, &rng)
        case .empirical:
            let u = rng.uniform()
            let start = Int(d.tableStart), end = start + Int(d.tableCount)
            var i = start
            while i < end - 1 && tableCumulative[i] <= u { i += 1 }
            return tableValues[i]
        }
    }

    /// A duration in minutes from distribution `index`: a draw truncated at zero.
    @inline(__always)
    func duration(_ index: Int32, _ rng: inout RandomStream) -> Double {
        max(0, sample(index, &rng))
    }

    private func sampleGamma(_ d: CompiledDistribution, _ rng: inout RandomStream) -> Double {
        var value = 0.0
        while true {
            let x = rng.standardNormal()
            var v = 1 + d.b * x
            if v <= 0 { continue }
            v = v * v * v
            let u = rng.uniformPositive()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 || portableLog(u) < 0.5 * x2 + d.a * (1 - v + portableLog(v)) {
                value = d.a * v
                break
            }
        }
        if d.d > 0 {
            value *= portableExp(portableLog(rng.uniformPositive()) * d.d)
        }
        return value * d.c
    }
}
