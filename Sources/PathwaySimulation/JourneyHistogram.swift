/// A fixed log-scale histogram of times in minutes: bounded memory however many patients run,
/// with quantiles accurate to about 0.5% of the value.
///
/// Bin 0 holds times under 0.01 min; bin i >= 1 holds [0.01·e^((i-1)/200), 0.01·e^(i/200)),
/// up to about 190 years; longer times land in the last bin.
public struct JourneyHistogram: Sendable, Hashable {
    static let binsPerE = 200.0
    static let smallest = 0.01
    static let binCount = 4_800

    private(set) var counts: [UInt32]
    /// How many values were added.
    public private(set) var total: Int = 0

    public init() { counts = Array(repeating: 0, count: JourneyHistogram.binCount) }

    @inline(__always)
    mutating func add(_ minutes: Double) {
        total += 1
        guard minutes >= JourneyHistogram.smallest else {
            counts[0] &+= 1
            return
        }
        let position = portableLog(minutes / JourneyHistogram.smallest) * JourneyHistogram.binsPerE
        let bin = min(JourneyHistogram.binCount - 1, 1 + Int(position))
        counts[bin] &+= 1
    }

    /// Adds another histogram's counts to this one.
    mutating func merge(_ other: JourneyHistogram) {
        for i in counts.indices { counts[i] &+= other.counts[i] }
        total += other.total
    }

    /// The value below which a share `q` (0...1) of values fall: the geometric middle of its bin.
    public func quantile(_ q: Double) -> Double? {
        guard total > 0 else { return nil }
        let rank = max(1, Int((q * Double(total)).rounded(.up)))
        var running = 0
        for (i, c) in counts.enumerated() {
            running += Int(c)
            if running >= rank {
                if i == 0 { return 0 }
                return JourneyHistogram.smallest * portableExp((Double(i) - 0.5) / JourneyHistogram.binsPerE)
            }
        }
        return nil
    }
}
