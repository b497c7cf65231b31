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
