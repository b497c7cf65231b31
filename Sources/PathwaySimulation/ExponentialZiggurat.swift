/// One layer of a ziggurat as the fast path reads it: the layer's width per unit of the random
/// integer and its acceptance bound, side by side, so a draw's two table reads share a cache line.
struct ZigguratLayer {
    var w: Double
    var k: UInt32

    /// A ziggurat's tables as two pointers into memory built once per process and never freed
    /// (every copy of the tables' value points here): each layer's width and acceptance bound
    /// side by side, and the layer edges' densities.
    static func permanentTables(w: [Double], k: [UInt32], f: [Double]) -> (UnsafePointer<ZigguratLayer>, UnsafePointer<Double>) {
        let count = w.count
        let layers = UnsafeMutablePointer<ZigguratLayer>.allocate(capacity: count)
        for i in 0..<count { (layers + i).initialize(to: ZigguratLayer(w: w[i], k: k[i])) }
        let edges = UnsafeMutablePointer<Double>.allocate(capacity: count)
        edges.initialize(from: f, count: count)
        return (UnsafePointer(layers), UnsafePointer(edges))
    }
}

/// Tables for Marsaglia & Tsang's ziggurat method for the standard exponential distribution
/// ("The Ziggurat Method for Generating Random Variables", J. Stat. Software 5(8), 2000).
///
/// About 99% of draws take one random number, a table lookup, a comparison and a multiply, and
/// no logarithm. The tables are built once with the simulator's portable `log`/`exp`, so draws
/// are identical on every machine.
///
/// The value is two plain pointers into tables that are built once and never freed or changed
/// (so it is safe to share between threads, and copying it copies two words). A hot caller keeps
/// a copy (the sampler holds one, a replication another): reading `shared` itself goes through
/// the lazy global's `swift_once` on every draw, and reading an array checks its bounds, and the
/// layer index (8 bits) is always within the 256 layers.
struct ExponentialZiggurat: @unchecked Sendable {
    /// The right-hand edge of the base layer and the area of each of the 256 layers.
    static let edge = 7.697117470131487
    static let area = 3.949659822581572e-3
    static let layerCount = 256

    /// Width and acceptance bound of each layer.
    let layers: UnsafePointer<ZigguratLayer>
    /// exp(-x) at each layer's edge.
    let f: UnsafePointer<Double>

    static let shared = ExponentialZiggurat()

    private init() {
        var k = [UInt32](repeating: 0, count: 256)
        var w = [Double](repeating: 0, count: 256)
        var f = [Double](repeating: 0, count: 256)
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
        (layers, self.f) = ZigguratLayer.permanentTables(w: w, k: k, f: f)
    }
}

extension RandomStream {
    /// An exponential variate with mean 1 by the ziggurat method.
    @inline(__always)
    mutating func zigguratExponential(_ z: ExponentialZiggurat) -> Double {
        while true {
            let bits = next()
            let i = Int(bits & 0xFF) // < 256: within the tables
            let j = UInt32(truncatingIfNeeded: bits >> 32)
            let layer = z.layers[i]
            let x = Double(j) * layer.w
            if j < layer.k { return x }
            if i == 0 {
                // The tail beyond the base layer is again exponential, shifted by the edge.
                return ExponentialZiggurat.edge - portableLog(uniformPositive())
            }
            if z.f[i] + uniform() * (z.f[i - 1] - z.f[i]) < portableExp(-x) { return x }
        }
    }
}
