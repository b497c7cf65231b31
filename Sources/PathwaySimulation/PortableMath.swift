/// Logarithm and exponential written with IEEE additions and multiplications only.
///
/// The C library's `log` and `exp` may differ in the last bit between platforms (glibc, Apple's
/// libm). Sampling with these instead keeps results byte-identical on any machine, which the
/// simulator promises. Accuracy is about 1e-14 relative, far below any modelling error.

/// Natural logarithm for finite positive `x` (returns -inf for 0, nan for negatives).
@inline(__always)
func portableLog(_ x: Double) -> Double {
    guard x > 0, x.isFinite else { return x == 0 ? -.infinity : (x.isNaN || x < 0 ? .nan : x) }
    // x = m * 2^e with m in [sqrt(1/2), sqrt(2)), then log m = 2 atanh((m - 1) / (m + 1)).
    // Read exponent and significand from the bits (the `exponent`/`significand` properties
    // are out-of-line calls); scale subnormals into the normal range first.
    var bits = x.bitPattern
    var e = -1023.0
    if bits >> 52 == 0 {
        bits = (x * 0x1.0p54).bitPattern
        e -= 54
    }
    e += Double(Int(bits >> 52))
    var m = Double(bitPattern: (bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000) // in [1, 2)
    if m > 1.4142135623730951 {
        m *= 0.5
        e += 1
    }
    let s = (m - 1) / (m + 1)
    let s2 = s * s
    // Series 2(s + s^3/3 + ... + s^19/19); |s| < 0.1716 so the tail is below 1e-16.
    var p = 1.0 / 19
    p = p * s2 + 1.0 / 17
    p = p * s2 + 1.0 / 15
    p = p * s2 + 1.0 / 13
    p = p * s2 + 1.0 / 11
    p = p * s2 + 1.0 / 9
    p = p * s2 + 1.0 / 7
    p = p * s2 + 1.0 / 5
    p = p * s2 + 1.0 / 3
    p = p * s2 + 1
    return 2 * s * p + e * 0.6931471805599453
}

/// e^x for finite `x` (saturates to 0 or +inf outside the double range).
@inline(__always)
func portableExp(_ x: Double) -> Double {
    if x.isNaN { return x }
    if x > 709.7 { return .infinity }
    if x < -745 { return 0 }
    // x = k ln 2 + r with |r| <= ln2 / 2, e^r by its Taylor series (degree 14).
    let k = (x * 1.4426950408889634).rounded()
    let r = (x - k * 0.6931471805599453) - k * 2.3190468138462996e-17
    var p = 1.0 / 87_178_291_200
    p = p * r + 1.0 / 6_227_020_800
    p = p * r + 1.0 / 479_001_600
    p = p * r + 1.0 / 39_916_800
    p = p * r + 1.0 / 3_628_800
    p = p * r + 1.0 / 362_880
    p = p * r + 1.0 / 40_320
    p = p * r + 1.0 / 5_040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let ki = Int(k)
    if ki < -1022 {
        return Double(sign: .plus, exponent: ki + 60, significand: p) * 0x1.0p-60
    }
    return Double(sign: .plus, exponent: ki, significand: p)
}
