import Foundation
import PathwayModel

/// Durations and distributions as text: in the language's own words for people, as ISO 8601
/// for BPMN timers, and as UCUM quantities for FHIR.
package enum TimeText {
    /// A distribution of times (minutes) as a pathway author writes it: `2 days`,
    /// `lognormal(mean: 20 min, sd: 5 min)`.
    package static func words(_ distribution: Distribution) -> String {
        distribution.written(value: { TimeSpan(minutes: $0).description }, number: NumberText.format3)
    }

    /// A short form for diagrams: the fixed value, or `~mean` for a distribution.
    package static func short(_ distribution: Distribution) -> String {
        if case .fixed(let v) = distribution { return TimeSpan(minutes: v).description }
        return "~" + TimeSpan(minutes: distribution.mean).description
    }

    /// A duration in plain words for people who build from it rather than simulate it: exact for
    /// a fixed time (`20 minutes`, `36 hours`); otherwise `about` its mean and a range in the same
    /// unit: the full range for bounded families (`about 45 minutes, 15–90`) and, marked
    /// `mostly`, the middle 95% for unbounded ones (`about 12 days, mostly 4.3–27`).
    package static func plain(_ distribution: Distribution) -> String {
        let z = 1.959964
        switch distribution {
        case .fixed(let v):
            return exact(minutes: v)
        case .uniform(let a, let b), .triangular(let a, _, let b):
            return about(distribution.mean, low: a, high: b, mostly: false)
        case .normal(let m, let s):
            return about(m, low: max(0, m - z * s), high: m + z * s, mostly: true)
        case .lognormal(let m, let s):
            guard m > 0, s >= 0 else { return exact(minutes: max(0, m)) }
            let sigma = (log(1 + (s * s) / (m * m))).squareRoot(), mu = log(m) - sigma * sigma / 2
            return about(m, low: exp(mu - z * sigma), high: exp(mu + z * sigma), mostly: true)
        case .exponential(let m):
            guard m > 0 else { return exact(minutes: 0) }
            // The 95th percentile of an exponential is the mean times ln 20.
            let u = unit(for: m)
            return "about \(amount(m, u)) on average, mostly under \(number(m * log(20.0) / u.minutes))"
        case .gamma(let k, let theta):
            guard k > 0, theta > 0 else { return exact(minutes: max(0, k * theta)) }
            // Wilson–Hilferty: a gamma variable's cube root is close to normal.
            let c = 1 / (9 * k)
            func quantile(_ q: Double) -> Double { k * theta * pow(max(0, 1 + q * c.squareRoot() - c), 3) }
            return about(k * theta, low: quantile(-z), high: quantile(z), mostly: true)
        case .empirical(let points):
            let values = points.map(\.value)
            guard let low = values.min(), let high = values.max() else { return exact(minutes: 0) }
            if low == high { return exact(minutes: low) }
            return about(distribution.mean, low: low, high: high, mostly: false)
        }
    }

    /// A time given exactly, in full words: the largest unit that divides it (`36 hours`,
    /// `2 days`, `1 week`), else the smallest that reads well (`90 minutes`, `1.5 days`).
    package static func exact(minutes m: Double) -> String {
        guard m.isFinite else { return TimeSpan(minutes: m).description }
        let u: (minutes: Double, singular: String, plural: String)
        if m == 0 { return "0 minutes" }
        if m.truncatingRemainder(dividingBy: 10080) == 0 { u = (10080, "week", "weeks") }
        else if m.truncatingRemainder(dividingBy: 1440) == 0 { u = (1440, "day", "days") }
        else if m.truncatingRemainder(dividingBy: 60) == 0 { u = (60, "hour", "hours") }
        else if m < 180 { u = (1, "minute", "minutes") }
        else if m < 2880 { u = (60, "hour", "hours") }
        else { u = (1440, "day", "days") }
        let v = m / u.minutes
        return "\(NumberText.format3(v)) \(v == 1 ? u.singular : u.plural)"
    }

    /// A short, rounded form for diagram labels: the fixed value (`20 min`), or `~` and the
    /// mean rounded to two significant figures in a unit that reads well (`~33 hours`, `~12 days`).
    package static func brief(_ distribution: Distribution) -> String {
        if case .fixed(let v) = distribution { return TimeSpan(minutes: v).description }
        let m = distribution.mean
        guard m.isFinite, m > 0 else { return "~" + TimeSpan(minutes: m).description }
        let u = unit(for: m)
        let text = number(m / u.minutes)
        return "~\(text) \(u.minutes == 1 ? "min" : text == "1" ? u.singular : u.plural)"
    }

    private typealias Unit = (minutes: Double, singular: String, plural: String)

    /// The unit a time of about `m` minutes reads best in.
    private static func unit(for m: Double) -> Unit {
        if m < 120 { return (1, "minute", "minutes") }
        if m < 4320 { return (60, "hour", "hours") }
        if m < 100_800 { return (1440, "day", "days") }
        return (10080, "week", "weeks")
    }

    /// `about MEAN, LOW–HIGH` (with `mostly` before a 95% range), all in the mean's unit.
    private static func about(_ mean: Double, low: Double, high: Double, mostly: Bool) -> String {
        guard mean.isFinite, low.isFinite, high.isFinite, mean > 0 else { return exact(minutes: max(0, mean.isFinite ? mean : 0)) }
        let u = unit(for: mean)
        let lowText = number(low / u.minutes), highText = number(high / u.minutes)
        if lowText == highText { return "about \(amount(mean, u))" }
        return "about \(amount(mean, u)), \(mostly ? "mostly " : "")\(lowText)–\(highText)"
    }

    /// `33 hours`, `1 hour`: an amount of minutes, rounded, in unit `u`.
    private static func amount(_ minutes: Double, _ u: Unit) -> String {
        let text = number(minutes / u.minutes)
        return "\(text) \(text == "1" ? u.singular : u.plural)"
    }

    /// A number rounded for reading: whole from 10 up, else two significant figures.
    private static func number(_ v: Double) -> String {
        if v >= 9.95 { return NumberText.format3(v.rounded()) }
        if v >= 0.995 { return NumberText.format3((v * 10).rounded() / 10) }
        if v <= 0 { return "0" }
        let digits = -Int(log10(v).rounded(.down))  // 0.17 → 1, 0.017 → 2
        let scale = pow(10, Double(digits + 1))
        return NumberText.format3((v * scale).rounded() / scale)
    }

    /// An ISO 8601 duration (`P2D`, `PT20M`, `P1DT12H`), rounded to whole seconds.
    package static func iso8601(minutes: Double) -> String {
        // Validation keeps times under 100 years; a pathway built in code may not, so clamp
        // rather than trap on a value no Int holds.
        let seconds = (minutes * 60).rounded()
        let total = seconds.isFinite ? Int(max(0, min(seconds, 1e15))) : (seconds > 0 ? Int(1e15) : 0)
        let days = total / 86_400, hours = total % 86_400 / 3600, mins = total % 3600 / 60, secs = total % 60
        var text = "P"
        if days > 0 { text += "\(days)D" }
        if hours > 0 || mins > 0 || secs > 0 {
            text += "T"
            if hours > 0 { text += "\(hours)H" }
            if mins > 0 { text += "\(mins)M" }
            if secs > 0 { text += "\(secs)S" }
        }
        return text == "P" ? "PT0S" : text
    }

    /// A time as a UCUM quantity in the largest unit that reads well: value, human unit, UCUM code.
    package static func ucum(minutes m: Double) -> (value: Double, unit: String, code: String) {
        if m != 0 && m.truncatingRemainder(dividingBy: 10080) == 0 { return (m / 10080, "weeks", "wk") }
        if m != 0 && m.truncatingRemainder(dividingBy: 1440) == 0 { return (m / 1440, "days", "d") }
        if m != 0 && m.truncatingRemainder(dividingBy: 60) == 0 { return (m / 60, "hours", "h") }
        if m < 180 { return (m, "minutes", "min") }
        if m < 2880 { return (m / 60, "hours", "h") }
        return (m / 1440, "days", "d")
    }
}

/// Line-wrapping of labels for diagrams, which do not wrap text themselves.
package enum LabelText {
    /// `text` broken into lines of at most about `width` characters at spaces; existing line
    /// breaks are kept.
    package static func wrap(_ text: String, width: Int = 28) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var lines: [String] = [], current = ""
            for word in line.split(separator: " ", omittingEmptySubsequences: false) {
                if !current.isEmpty && current.count + 1 + word.count > width {
                    lines.append(current)
                    current = String(word)
                } else {
                    current += current.isEmpty ? String(word) : " " + word
                }
            }
            lines.append(current)
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
