/// A mean across replications with its 95% confidence interval (Student's t).
public struct Estimate: Sendable, Hashable {
    /// The mean of the replications' values.
    public var mean: Double
    /// Half the width of the 95% interval; `nil` with fewer than two replications.
    public var halfWidth: Double?

    /// Lower end of the interval (the mean when there is no interval).
    public var low: Double { mean - (halfWidth ?? 0) }
    /// Upper end of the interval (the mean when there is no interval).
    public var high: Double { mean + (halfWidth ?? 0) }

    /// Creates an estimate from known parts.
    public init(mean: Double, halfWidth: Double?) {
        self.mean = mean
        self.halfWidth = halfWidth
    }

    /// The mean and 95% interval of `values`, one per replication. Non-finite values (a ratio
    /// with nothing to divide by in some replication) are left out.
    public init(_ values: [Double]) {
        let finite = values.filter(\.isFinite)
        let n = finite.count
        guard n > 0 else {
            self.init(mean: .nan, halfWidth: nil)
            return
        }
        let mean = finite.reduce(0, +) / Double(n)
        guard n > 1 else {
            self.init(mean: mean, halfWidth: nil)
            return
        }
        let variance = finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        self.init(mean: mean, halfWidth: Estimate.t975(degreesOfFreedom: n - 1) * (variance / Double(n)).squareRoot())
    }

    /// The 97.5th percentile of Student's t with `df` degrees of freedom: exact table to 30,
    /// then the Cornish–Fisher expansion (error under 1e-4).
    static func t975(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281,
                               2.2010, 2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860,
                               2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423]
        if df >= 1 && df <= table.count { return table[df - 1] }
        let v = Double(max(df, 1))
        return 1.959964 + 2.372271 / v + 2.822499 / (v * v) + 2.556 / (v * v * v)
    }
}
