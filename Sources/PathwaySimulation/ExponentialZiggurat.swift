/// Tables for Marsaglia & Tsang's ziggurat method for the standard exponential distribution
/// ("The Ziggurat Method for Generating Random Variables", J. Stat. Software 5(8), 2000).
///
/// About 99% of draws take one random number, a table lookup, a comparison and a multiply, and
/// no logarithm. The tables are built once with the simulator's portable `log`/`exp`, so draws
/// are identical on every machine.
struct ExponentialZiggurat: Sendable {
    /// The right-hand edge of the base layer and the area of each of the 256 layers.
    static let edge = 7.697117470131487
    static let area = 3.949659822581572e-3

    private(set) var k = [UInt32](repeating: 0, count: 256)
    private(set) var w = [Double](repeating: 0, count: 256)
    private(set) var f = [Double](repeating: 0, count: 256)

    static let shared = ExponentialZiggurat()

    private init() {
        let m = 4_294_967_296.0 // 2^32
        var d = ExponentialZiggurat.edge
        var t = d
        let q = ExponentialZiggurat.area / portableExp(-d)
        k[0] = UInt32((d / q) * m)
        k[1] = 0
        w[0] = q / m
        w[255] = d / m
        f[0] = 1
        f[255] = portableExp(-d)
        for i in stride(from: 254, through: 1, by: -1) {
            d = -portableLog(ExponentialZiggurat.area / d + portableExp(-d))
            k[i + 1] = UInt32((d / t) * m)
            t = d
            f[i] = portableExp(-d)
            w[i] = d / m
        }
    }
}

extension RandomStream {
    /// An exponential variate with mean 1 by the ziggurat method.
    @inline(__always)
    mutating func zigguratExponential(_ z: ExponentialZiggurat) -> Double {
        while true {
            let bits = next()
            let i = Int(bits & 0xFF)
            let j = UInt32(truncatingIfNeeded: bits >> 32)
            let x = Double(j) * z.w[i]
            if j < z.k[i] { return x }
            if i == 0 {
                // The tail beyond the base layer is again exponential, shifted by the edge.
                return ExponentialZiggurat.edge - portableLog(uniformPositive())
            }
            if z.f[i] + uniform() * (z.f[i - 1] - z.f[i]) < portableExp(-x) { return x }
        }
    }
}
