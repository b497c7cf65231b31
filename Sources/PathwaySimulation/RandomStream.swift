/// A fast, splittable pseudo-random stream: xoshiro256** seeded through SplitMix64.
///
/// Every replication gets its own stream derived from `(seed, replication, purpose)` alone, so a
/// replication's numbers never depend on which thread ran it or what ran before it. That is what
/// makes `--jobs 1` and `--jobs 8` print the same bytes.
/// Reference: Blackman & Vigna, "Scrambled linear pseudorandom number generators" (2021).
public struct RandomStream: Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A stream for one replication and one purpose (arrivals, service times, ...).
    public init(seed: UInt64, replication: Int, purpose: UInt64 = 0) {
        // Mix the three coordinates with SplitMix64 so nearby seeds give unrelated streams.
        var mixer = SplitMix64(state: seed)
        var key = mixer.next()
        key ^= SplitMix64.mix(UInt64(truncatingIfNeeded: replication) &+ 0x6A09_E667_F3BC_C909)
        key ^= SplitMix64.mix(purpose &* 0xBB67_AE85_84CA_A73B &+ 0x3C6E_F372_FE94_F82B)
        var seeder = SplitMix64(state: key)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// A uniform number in [0, 1) with 53 random bits.
    @inline(__always)
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform number in (0, 1], safe to take the logarithm of.
    @inline(__always)
    public mutating func uniformPositive() -> Double {
        Double((next() >> 11) + 1) * 0x1.0p-53
    }

    /// An exponential variate with mean 1 (ziggurat method).
    @inline(__always)
    public mutating func standardExponential() -> Double {
        zigguratExponential(ExponentialZiggurat.shared)
    }

    /// A standard normal variate (ziggurat method).
    @inline(__always)
    public mutating func standardNormal() -> Double {
        zigguratNormal(NormalZiggurat.shared)
    }

    @inline(__always)
    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// SplitMix64 (Steele, Lea & Flood 2014): used only to turn seeds into well-mixed stream states.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
