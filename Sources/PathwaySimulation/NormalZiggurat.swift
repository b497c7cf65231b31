/// Tables for Marsaglia & Tsang's ziggurat method for the standard normal distribution
/// ("The Ziggurat Method for Generating Random Variables", J. Stat. Software 5(8), 2000),
/// 128 layers. Built once with the portable `log`/`exp`, so draws match on every machine.
///
/// Like `ExponentialZiggurat`, the value is two pointers into tables built once and never freed
/// or changed, kept by hot callers so a draw neither runs `swift_once` nor checks array bounds
/// (the layer index has 7 bits, so it is always within the 128 layers).
struct NormalZiggurat: @unchecked Sendable {
    /// The right-hand edge of the base layer and the area of each layer.
    static let edge = 3.442619855899
    static let area = 9.91256303526217e-3
    static let layerCount = 128

    /// Width and acceptance bound of each layer.
    let layers: UnsafePointer<ZigguratLayer>
    /// exp(-x²/2) at each layer's edge.
    let f: UnsafePointer<Double>

    static let shared = NormalZiggurat()

    private init() {
        var k = [UInt32](repeating: 0, count: 128)
        var w = [Double](repeating: 0, count: 128)
        var f = [Double](repeating: 0, count: 128)
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
        (layers, self.f) = ZigguratLayer.permanentTables(w: w, k: k, f: f)
    }
}

extension RandomStream {
    /// A standard normal variate by the ziggurat method: the layer from the low 7 bits, the
    /// signed position from the high 32, so the two are independent.
    @inline(__always)
    mutating func zigguratNormal(_ z: NormalZiggurat) -> Double {
        while true {
            let bits = next()
            let i = Int(bits & 0x7F) // < 128: within the tables
            let h = Int32(truncatingIfNeeded: bits >> 32)
            let layer = z.layers[i]
            let x = Double(h) * layer.w
            if h.magnitude < layer.k { return x }
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
