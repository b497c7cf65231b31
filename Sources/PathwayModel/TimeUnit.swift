/// The unit a time is shown in: minutes under two hours, hours under two days, days beyond. One
/// rule for every table, page and summary, so a wait reads the same wherever it is printed.
public struct TimeUnit: Sendable, Equatable {
    /// The unit's name as printed: `min`, `hours`, `days`.
    public var name: String
    /// Minutes in one unit.
    public var minutes: Double

    public static let min = TimeUnit(name: "min", minutes: 1)
    public static let hours = TimeUnit(name: "hours", minutes: 60)
    public static let days = TimeUnit(name: "days", minutes: 1440)

    /// The unit a time of `minutes` reads best in (for a column or a chart, pass its largest).
    public static func reading(_ minutes: Double) -> TimeUnit {
        let m = abs(minutes)
        return m < 120 ? .min : m < 2880 ? .hours : .days
    }
}

extension NumberText {
    /// A number for people: at most `decimals` decimals, no trailing zeros, locale independent;
    /// `–` for a value that is not finite.
    public static func readable(_ value: Double, decimals: Int = 1) -> String {
        guard value.isFinite else { return "–" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int(rounded)) }
        return format3(rounded)
    }

    /// A time in minutes in the unit that reads best: `45 min`, `6.5 hours`, `12.3 days`.
    public static func readableTime(minutes m: Double) -> String {
        guard m.isFinite else { return "–" }
        let unit = TimeUnit.reading(m)
        let decimals = unit == .min ? (m < 10 ? 1 : 0) : 1
        return readable(m / unit.minutes, decimals: decimals) + " " + unit.name
    }
}
