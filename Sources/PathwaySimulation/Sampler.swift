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
    /// The ziggurat tables, fetched once when the sampler is made: a draw then reads them through
    /// plain pointers, not through the lazy globals (`swift_once` on every draw) and arrays
    /// (a bounds check on every read). Same tables, same arithmetic: the same draws.
    let exponential = ExponentialZiggurat.shared
    let normal = NormalZiggurat.shared

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
    func sample(_ index: Int32, _ rng: inout RandomStream) -> Double {
        distributions.withUnsafeBufferPointer { d in
            tableValues.withUnsafeBufferPointer { values in
                tableCumulative.withUnsafeBufferPointer { cumulative in
                    Sampler.draw(d.baseAddress! + Int(index), &rng, values: values.baseAddress,
                                 cumulative: cumulative.baseAddress, exponential: exponential, normal: normal)
                }
            }
        }
    }

    /// A duration in minutes from distribution `index`: a draw truncated at zero.
    func duration(_ index: Int32, _ rng: inout RandomStream) -> Double {
        max(0, sample(index, &rng))
    }

    /// A draw from the distribution at `d`: the one implementation behind `Sampler.sample` and
    /// `FlatSampler.sample`, so both give the same numbers. The distribution is read in place,
    /// field by field: copying the 48-byte value out first went through the stack, and reading its
    /// family back stalled on store forwarding (a fifth of `startWork` in the M/M/10 profile).
    @inline(__always)
    static func draw(_ d: UnsafePointer<CompiledDistribution>, _ rng: inout RandomStream,
                     values: UnsafePointer<Double>?, cumulative: UnsafePointer<Double>?,
                     exponential: ExponentialZiggurat, normal: NormalZiggurat) -> Double {
        switch d.pointee.family {
        case .fixed:
            return d.pointee.a
        case .uniform:
            return d.pointee.a + d.pointee.b * rng.uniform()
        case .triangular:
            let a = d.pointee.a, b = d.pointee.b, c = d.pointee.c
            let u = rng.uniform()
            if u < d.pointee.d {
                return a + ((b - a) * (c - a) * u).squareRoot()
            }
            return b - ((b - a) * (b - c) * (1 - u)).squareRoot()
        case .exponential:
            return d.pointee.a * rng.zigguratExponential(exponential)
        case .normal:
            return d.pointee.a + d.pointee.b * rng.zigguratNormal(normal)
        case .lognormal:
            return portableExp(d.pointee.a + d.pointee.b * rng.zigguratNormal(normal))
        case .gamma:
            return drawGamma(d, &rng, normal: normal)
        case .empirical:
            // Empirical distributions have at least one point, so the tables are not empty.
            let values = values!, cumulative = cumulative!
            let u = rng.uniform()
            let start = Int(d.pointee.tableStart), end = start + Int(d.pointee.tableCount)
            var i = start
            while i < end - 1 && cumulative[i] <= u { i += 1 }
            return values[i]
        }
    }

    private static func drawGamma(_ d: UnsafePointer<CompiledDistribution>, _ rng: inout RandomStream,
                                  normal: NormalZiggurat) -> Double {
        let a = d.pointee.a, b = d.pointee.b
        var value = 0.0
        while true {
            let x = rng.zigguratNormal(normal)
            var v = 1 + b * x
            if v <= 0 { continue }
            v = v * v * v
            let u = rng.uniformPositive()
            let x2 = x * x
            if u < 1 - 0.0331 * x2 * x2 || portableLog(u) < 0.5 * x2 + a * (1 - v + portableLog(v)) {
                value = a * v
                break
            }
        }
        if d.pointee.d > 0 {
            value *= portableExp(portableLog(rng.uniformPositive()) * d.pointee.d)
        }
        return value * d.pointee.c
    }

    fileprivate var tables: (values: ContiguousArray<Double>, cumulative: ContiguousArray<Double>) {
        (tableValues, tableCumulative)
    }
}

/// A sampler's tables in flat buffers, for one replication's hot loop: a draw reads its
/// distribution through a plain pointer (no array bounds check, no copy of the `Sampler` value
/// and its arrays onto the stack) and draws exactly as `Sampler.sample` does (`Sampler.draw`).
/// It cannot be copied: it owns its buffers.
struct FlatSampler: ~Copyable {
    private let distributions: FlatBuffer<CompiledDistribution>
    private let values: FlatBuffer<Double>
    private let cumulative: FlatBuffer<Double>
    let exponential: ExponentialZiggurat
    let normal: NormalZiggurat

    init(_ sampler: Sampler) {
        distributions = FlatBuffer(sampler.distributions)
        values = FlatBuffer(sampler.tables.values)
        cumulative = FlatBuffer(sampler.tables.cumulative)
        exponential = sampler.exponential
        normal = sampler.normal
    }

    /// A draw from distribution `index`, not truncated (as `Sampler.sample`).
    @inline(__always)
    func sample(_ index: Int32, _ rng: inout RandomStream) -> Double {
        Sampler.draw(distributions.pointer(Int(index)), &rng, values: UnsafePointer(values.base),
                     cumulative: UnsafePointer(cumulative.base), exponential: exponential, normal: normal)
    }

    /// A duration in minutes from distribution `index`: a draw truncated at zero.
    @inline(__always)
    func duration(_ index: Int32, _ rng: inout RandomStream) -> Double {
        max(0, sample(index, &rng))
    }
}

