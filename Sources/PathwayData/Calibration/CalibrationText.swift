import Foundation
import PathwayLanguage
import PathwayModel

/// How calibration writes what it fitted: numbers to three significant figures (four for
/// arrival rates), times in the unit that reads best, distributions in the language's own
/// syntax, and YAML strings quoted. Every value written is read back with the language's own
/// parser, so what the overlay says is exactly what was reported.
enum CalibrationText {
    /// The unit a time distribution is written in, chosen from its typical size.
    enum TimeUnit: String {
        case min, hours, days
        var minutes: Double {
            switch self {
            case .min: 1
            case .hours: 60
            case .days: 1440
            }
        }
        /// The unit for times around `minutes`: minutes below 90, hours below 48, else days.
        init(typical minutes: Double) {
            if minutes < 90 { self = .min } else if minutes < 48 * 60 { self = .hours } else { self = .days }
        }
    }

    /// `x` to `digits` significant figures, in plain decimals (no exponent, no trailing zeros).
    static func significant(_ x: Double, _ digits: Int = 3) -> String {
        guard x.isFinite else { return "0" }
        if x == 0 { return "0" }
        let magnitude = Int(floor(log10(abs(x))))
        let decimals = min(12, max(0, digits - 1 - magnitude))
        let factor = pow(10, Double(digits - 1 - magnitude))
        let rounded = (x * factor).rounded() / factor
        var text = String(format: "%.\(decimals)f", rounded)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// A count with thousands separators: 4,012.
    static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A statistic for a reason: one decimal, with separators for large values.
    static func statistic(_ x: Double) -> String {
        guard x.isFinite else { return "∞" }
        if abs(x) >= 1000 { return count(Int(x.rounded())) }
        return String(format: "%.1f", x)
    }

    /// A p-value as people quote it.
    static func pValue(_ p: Double) -> String {
        if p < 0.001 { return "p < 0.001" }
        if p < 0.01 { return "p = " + String(format: "%.3f", p) }
        return "p = " + String(format: "%.2f", p)
    }

    /// A time in `unit`: `20.1 min`, `2.5 days`.
    static func time(_ minutes: Double, _ unit: TimeUnit) -> String {
        let value = significant(minutes / unit.minutes)
        if unit == .min { return value + " min" }
        if value == "1" { return unit == .hours ? "1 hour" : "1 day" }
        return value + " " + unit.rawValue
    }

    /// A time in the unit that suits it alone.
    static func time(_ minutes: Double) -> String { time(minutes, TimeUnit(typical: minutes)) }

    /// A time distribution in the language's syntax, rounded for people.
    static func timeDistribution(_ d: Distribution) -> String {
        if case .fixed(let v) = d { return time(v) }
        let unit = TimeUnit(typical: d.mean > 0 ? d.mean : d.minimum)
        return d.written(value: { time($0, unit) }, number: { significant($0) })
    }

    /// A distribution of plain numbers (an attribute) in the language's syntax, rounded.
    static func numberDistribution(_ d: Distribution) -> String {
        d.written(value: { significant($0) }, number: { significant($0) })
    }

    /// The time distribution as written and as read back; nil if it would not read back (a
    /// rounding that broke an ordering, say), which calibration then reports instead of writing.
    static func writtenTime(_ d: Distribution) -> (text: String, distribution: Distribution)? {
        let text = timeDistribution(d)
        guard case .success(let back) = ValueSyntax.timeDistribution(text) else { return nil }
        return (text, back)
    }

    /// The number distribution as written and as read back.
    static func writtenNumber(_ d: Distribution) -> (text: String, distribution: Distribution)? {
        let text = numberDistribution(d)
        guard case .success(let back) = ValueSyntax.numberDistribution(text) else { return nil }
        return (text, back)
    }

    /// Shares of `counts` in thousandths that add up to exactly 1000 (largest remainders get
    /// the odd thousandths), as decimal texts: `0.412`.
    static func shares(_ counts: [Int]) -> [Int] {
        let total = counts.reduce(0, +)
        guard total > 0 else { return counts.map { _ in 0 } }
        let exact = counts.map { Double($0) * 1000 / Double(total) }
        var floors = exact.map { Int($0.rounded(.down)) }
        var left = 1000 - floors.reduce(0, +)
        let order = exact.indices.sorted { (exact[$0] - Double(floors[$0]), -$0) > (exact[$1] - Double(floors[$1]), -$1) }
        for i in order where left > 0 {
            floors[i] += 1
            left -= 1
        }
        return floors
    }

    /// Thousandths as a decimal: 412 → `0.412`, 1000 → `1`, 0 → `0`.
    static func thousandths(_ t: Int) -> String {
        if t >= 1000 { return "1" }
        if t <= 0 { return "0" }
        var text = "0." + String(format: "%03d", t)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// A percentage for a reason: `41.2%`.
    static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }

    /// A YAML double-quoted string, safe in block and flow context.
    static func quoted(_ s: String) -> String { PathwayFormatter.quoted(s) }

    /// Text for a YAML comment: one line, no control characters.
    static func commentSafe(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || [0x2028, 0x2029, 0xFEFF].contains(scalar.value) ? " " : scalar
        }))
    }

    /// A date from minutes since 1970-01-01T00:00Z: `1 Jan 2024`.
    static func date(_ minutes: Double) -> String {
        guard minutes.isFinite, abs(minutes) < 1e12 else { return "?" }
        let days = Int((minutes / 1440).rounded(.down))
        let (y, m, d) = CivilDate.date(days: days)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(d) \(months[m - 1]) \(y)"
    }
}
