/// An amount of time, held in minutes (the finest unit a pathway uses).
///
/// Named `TimeSpan` rather than `Duration` so as not to shadow the standard library's type.
public struct TimeSpan: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The amount, in minutes.
    public var minutes: Double

    /// This many minutes.
    public init(minutes: Double) { self.minutes = minutes }

    /// `value` minutes.
    public static func minutes(_ value: Double) -> TimeSpan { TimeSpan(minutes: value) }
    /// `value` hours.
    public static func hours(_ value: Double) -> TimeSpan { TimeSpan(minutes: value * 60) }
    /// `value` days.
    public static func days(_ value: Double) -> TimeSpan { TimeSpan(minutes: value * 1440) }
    /// `value` weeks.
    public static func weeks(_ value: Double) -> TimeSpan { TimeSpan(minutes: value * 10080) }
    /// No time.
    public static let zero = TimeSpan(minutes: 0)

    /// The amount in hours.
    public var hours: Double { minutes / 60 }
    /// The amount in days.
    public var days: Double { minutes / 1440 }

    /// Shorter first.
    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.minutes < rhs.minutes }
    /// The two amounts added.
    public static func + (lhs: TimeSpan, rhs: TimeSpan) -> TimeSpan { TimeSpan(minutes: lhs.minutes + rhs.minutes) }

    /// The way a person writes it: `20 min`, `36 hours`, `2 days`, `3 weeks`.
    /// Chooses the largest unit that divides the amount exactly, else the smallest that reads well.
    public var description: String {
        let m = minutes
        func fmt(_ v: Double, _ singular: String, _ plural: String) -> String {
            let text = v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(NumberText.format3(v))
            return "\(text) \(v == 1 ? singular : plural)"
        }
        if m == 0 { return "0 min" }
        if m.truncatingRemainder(dividingBy: 10080) == 0 { return fmt(m / 10080, "week", "weeks") }
        if m.truncatingRemainder(dividingBy: 1440) == 0 { return fmt(m / 1440, "day", "days") }
        if m.truncatingRemainder(dividingBy: 60) == 0 { return fmt(m / 60, "hour", "hours") }
        if m < 180 { return fmt(m, "min", "min") }
        if m < 2880 { return fmt(m / 60, "hour", "hours") }
        return fmt(m / 1440, "day", "days")
    }
}
