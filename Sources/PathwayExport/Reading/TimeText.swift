import PathwayModel

/// Durations and distributions as text: in the language's own words for people, as ISO 8601
/// for BPMN timers, and as UCUM quantities for FHIR.
enum TimeText {
    /// A distribution of times (minutes) as a pathway author writes it: `2 days`,
    /// `lognormal(mean: 20 min, sd: 5 min)`.
    static func words(_ distribution: Distribution) -> String {
        func t(_ minutes: Double) -> String { TimeSpan(minutes: minutes).description }
        switch distribution {
        case .fixed(let v): return t(v)
        case .uniform(let a, let b): return "uniform(min: \(t(a)), max: \(t(b)))"
        case .triangular(let a, let c, let b): return "triangular(min: \(t(a)), mode: \(t(c)), max: \(t(b)))"
        case .exponential(let m): return "exponential(mean: \(t(m)))"
        case .normal(let m, let s): return "normal(mean: \(t(m)), sd: \(t(s)))"
        case .lognormal(let m, let s): return "lognormal(mean: \(t(m)), sd: \(t(s)))"
        case .gamma(let k, let theta): return "gamma(shape: \(format3(k)), scale: \(t(theta)))"
        case .empirical(let points):
            return "empirical(" + points.map { "\(t($0.value)): \(format3($0.weight))" }.joined(separator: ", ") + ")"
        }
    }

    /// A short form for diagrams: the fixed value, or `~mean` for a distribution.
    static func short(_ distribution: Distribution) -> String {
        if case .fixed(let v) = distribution { return TimeSpan(minutes: v).description }
        return "~" + TimeSpan(minutes: distribution.mean).description
    }

    /// An ISO 8601 duration (`P2D`, `PT20M`, `P1DT12H`), rounded to whole seconds.
    static func iso8601(minutes: Double) -> String {
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
    static func ucum(minutes m: Double) -> (value: Double, unit: String, code: String) {
        if m != 0 && m.truncatingRemainder(dividingBy: 10080) == 0 { return (m / 10080, "weeks", "wk") }
        if m != 0 && m.truncatingRemainder(dividingBy: 1440) == 0 { return (m / 1440, "days", "d") }
        if m != 0 && m.truncatingRemainder(dividingBy: 60) == 0 { return (m / 60, "hours", "h") }
        if m < 180 { return (m, "minutes", "min") }
        if m < 2880 { return (m / 60, "hours", "h") }
        return (m / 1440, "days", "d")
    }
}

/// Line-wrapping of labels for diagrams, which do not wrap text themselves.
enum LabelText {
    /// `text` broken into lines of at most about `width` characters at spaces; existing line
    /// breaks are kept.
    static func wrap(_ text: String, width: Int = 28) -> String {
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
