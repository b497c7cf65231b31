/// Numbers as text, written one way everywhere carepath prints them (beside `JSONText`,
/// `CSVText` and `XMLText`).
public enum NumberText {
    /// `value` with at most three decimals and no trailing zeros, independent of locale:
    /// `2`, `0.333`, `1500`; `nan`, `inf` and `-inf` for values that are not finite.
    public static func format3(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        let scaled = (value * 1000).rounded() / 1000
        if scaled == scaled.rounded(), abs(scaled) < 1e15 { return String(Int(scaled)) }
        var text = String(scaled)
        if text.contains("e") { return text }
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

extension NumberText {
    /// `value` with exactly `decimals` decimals, rounded half away from zero, without a minus
    /// sign on a value that rounds to zero; `-` for a value that is not finite.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int(scaled / scale)
        let frac = Int(scaled - Double(whole) * scale)
        var text = String(whole)
        if decimals > 0 {
            let f = String(frac)
            text += "." + String(repeating: "0", count: decimals - f.count) + f
        }
        return (value < 0 && scaled != 0 ? "-" : "") + text
    }
}
