/// A fixed log-scale histogram of times in minutes: bounded memory however many patients run,
/// with quantiles accurate to about 0.4% of the value.
///
/// Bins follow the bits of the double (as HDR histograms do): each power of two from 2^-7 min
/// (about half a second) to 2^28 min (about 500 years) is split into 128 equal bins, so a bin is
/// never wider than 1/128 of its values. No logarithm is taken per value.
public struct JourneyHistogram: Sendable, Hashable {
    static let subBits: UInt64 = 7
    static let lowestExponent = -7
    static let highestExponent = 28
    static let binCount = (highestExponent - lowestExponent) << 7 + 1

    private(set) var counts: [UInt32]
    /// How many values were added.
    public private(set) var total: Int = 0

    public init() { counts = Array(repeating: 0, count: JourneyHistogram.binCount) }

    /// A histogram from counts per bin (`binCount` of them, binned by `bin`) kept elsewhere: the
    /// engine counts into a flat buffer and builds the histogram once at the end of a run.
    /// `total` is the number of values added.
    init(counts: [UInt32], total: Int) {
        precondition(counts.count == JourneyHistogram.binCount)
        self.counts = counts
        self.total = total
    }

    /// The bin holding `minutes`: 0 for values below 2^-7, then by exponent and the top seven
    /// significand bits.
    @inline(__always)
    static func bin(_ minutes: Double) -> Int {
        guard minutes >= 0x1.0p-7 else { return 0 }
        let bits = minutes.bitPattern >> (52 - subBits) // exponent and top significand bits
        let first = UInt64(lowestExponent + 1023) << subBits
        return min(binCount - 1, 1 + Int(bits &- first))
    }

    @inline(__always)
    mutating func add(_ minutes: Double) {
        total += 1
        counts[JourneyHistogram.bin(minutes)] &+= 1
    }

    /// Adds another histogram's counts to this one.
    mutating func merge(_ other: JourneyHistogram) {
        for i in counts.indices { counts[i] &+= other.counts[i] }
        total += other.total
    }

    /// The value below which a share `q` (0...1) of values fall: the middle of its bin.
    public func quantile(_ q: Double) -> Double? {
        guard total > 0 else { return nil }
        let rank = max(1, Int((q * Double(total)).rounded(.up)))
        var running = 0
        for (i, c) in counts.enumerated() {
            running += Int(c)
            if running >= rank {
                if i == 0 { return 0 }
                let first = UInt64(JourneyHistogram.lowestExponent + 1023) << JourneyHistogram.subBits
                let shift = 52 - JourneyHistogram.subBits
                let low = Double(bitPattern: (first + UInt64(i - 1)) << shift)
                let high = Double(bitPattern: (first + UInt64(i)) << shift)
                return (low + high) / 2
            }
        }
        return nil
    }
}
