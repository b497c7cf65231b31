/// Tables for Marsaglia & Tsang's ziggurat method for the standard normal distribution
/// ("The Ziggurat Method for Generating Random Variables", J. Stat. Software 5(8), 2000),
/// 128 layers. Built once with the portable `log`/`exp`, so draws match on every machine.
struct NormalZiggurat: Sendable {
    /// The right-hand edge of the base layer and the area of each layer.
    static let edge = 3.442619855899
    static let area = 9.91256303526217e-3

    private(set) var k = [UInt32](repeating: 0, count: 128)
    private(set) var w = [Double](repeating: 0, count: 128)
    private(set) var f = [Double](repeating: 0, count: 128)

    static let shared = NormalZiggurat()

    private init() {
        let m = 2_147_483_648.0 // 2^31
        var d = NormalZiggurat.edge
        var t = d
        let q = NormalZiggurat.area / portableExp(-0.5 * d * d)
        k[0] = UInt32((d / q) * m)
        k[1] = 0
        w[0] = q / m
        w[127] = d / m
        f[0] = 1
        f[127] = portableExp(-0.5 * d * d)
        for i in stride(from: 126, through: 1, by: -1) {
            d = (-2 * portableLog(NormalZiggurat.area / d + portableExp(-0.5 * d * d))).squareRoot()
            k[i + 1] = UInt32((d / t) * m)
            t = d
            f[i] = portableExp(-0.5 * d * d)
            w[i] = d / m
        }
    }
}

extension RandomStream {
    /// A standard normal variate by the ziggurat method: the layer from the low 7 bits, the
    /// signed position from the high 32, so the two are independent.
    @inline(__always)
    mutating func zigguratNormal(_ z: NormalZiggurat) -> Double {
        while true {
            let bits = next()
            let i = Int(bits & 0x7F)
            let h = Int32(truncatingIfNeeded: bits >> 32)
            let x = Double(h) * z.w[i]
            if h.magnitude < z.k[i] { return x }
            if i == 0 {
                // The tail beyond the edge (Marsaglia's method for normal tails).
                var tail = 0.0, y = 0.0
                repeat {
                    tail = -portableLog(uniformPositive()) / NormalZiggurat.edge
                    y = -portableLog(uniformPositive())
                } while y + y < tail * tail
                return h > 0 ? NormalZiggurat.edge + tail : -NormalZiggurat.edge - tail
            }
            if z.f[i] + uniform() * (z.f[i - 1] - z.f[i]) < portableExp(-0.5 * x * x) { return x }
        }
    }
}
