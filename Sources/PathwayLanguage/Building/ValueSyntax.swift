import Foundation
import PathwayModel

/// Parsers for the small value languages inside pathway files: durations (`2 days`),
/// distributions (`lognormal(mean: 20 min, sd: 5 min)`), rates (`35 per week`), opening
/// calendars (`weekdays 08:00-18:00`) and shares (`75%`). Each returns a value or a message
/// in plain words; the builder attaches the position.
public enum ValueSyntax {
    /// Time units people write, in minutes.
    public static let timeUnits: [String: Double] = [
        "min": 1, "mins": 1, "minute": 1, "minutes": 1,
        "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
        "d": 1440, "day": 1440, "days": 1440,
        "w": 10080, "wk": 10080, "wks": 10080, "week": 10080, "weeks": 10080,
    ]

    /// A plain number: digits with an optional decimal part and sign (no hex, no exponent,
    /// no `inf`/`nan`, which YAML would otherwise accept). `_` may only group digits (`1_000`,
    /// not `_1` or `1__0`), and a whole part may not start with `0` followed by another digit
    /// (`010` is 8 to YAML 1.1 tools and 10 to YAML 1.2 ones).
    public static func number(_ text: String) -> Double? {
        let t = text.trimmed
        guard !t.isEmpty else { return nil }
        var digits = 0, dots = 0
        let chars = Array(t)
        var wholeStart = 0
        for (i, ch) in chars.enumerated() {
            if ch == "-" || ch == "+" { if i != 0 { return nil }; wholeStart = 1; continue }
            if ch == "." { dots += 1; if dots > 1 { return nil }; continue }
            if ch == "_" {
                // Only between two digits.
                guard i > 0, i + 1 < chars.count, chars[i - 1].isASCII, chars[i - 1].isNumber,
                      chars[i + 1].isASCII, chars[i + 1].isNumber else { return nil }
                continue
            }
            guard ch.isASCII, ch.isNumber else { return nil }
            digits += 1
        }
        guard digits > 0 else { return nil }
        if wholeStart + 1 < chars.count, chars[wholeStart] == "0", chars[wholeStart + 1].isNumber || chars[wholeStart + 1] == "_" {
            return nil
        }
        return Double(t.replacingOccurrences(of: "_", with: ""))
    }

    /// `20 min`, `2 days`, `1.5 hours`, `36h` → a time span.
    public static func timeSpan(_ text: String) -> Result<TimeSpan, ValueSyntaxError> {
        let t = text.trimmed
        guard !t.isEmpty else { return .failure("expected a time such as `2 days`, found nothing") }
        var numberPart = ""
        var rest = Substring(t)
        while let ch = rest.first, ch.isNumber || ch == "." || ch == "-" || ch == "+" {
            numberPart.append(ch)
            rest = rest.dropFirst()
        }
        let unit = rest.trimmed.lowercased()
        guard let value = number(numberPart) else {
            return .failure("'\(t)' is not a time; write a number and a unit, such as `20 min`, `36 hours`, `2 days` or `3 weeks`")
        }
        if unit.isEmpty {
            return .failure("'\(t)' has no unit; write it with one, such as `\(numberPart) days` or `\(numberPart) min`")
        }
        guard let factor = timeUnits[unit] else {
            if ["month", "months", "year", "years", "yr", "yrs"].contains(unit) {
                return .failure("'\(t)' uses \(unit), whose length varies; write it in weeks or days instead")
            }
            let suggestion = closestMatch(to: unit, in: ["min", "minutes", "hours", "days", "weeks"])
            return .failure(ValueSyntaxError("'\(unit)' is not a unit of time" + (suggestion.map { " — did you mean '\($0)'?" } ?? "; use min, hours, days or weeks")))
        }
        if value < 0 { return .failure("'\(t)' is negative; a time cannot be less than zero") }
        let minutes = value * factor
        guard minutes.isFinite, minutes <= longestTimeMinutes else {
            return .failure("'\(t)' is longer than 100 years, the longest time a pathway can hold; a care pathway's times are minutes to years")
        }
        return .success(TimeSpan(minutes: minutes))
    }

    /// The longest time a pathway may state: 100 years (of 365.25 days), in minutes. Longer ones
    /// are typing mistakes, and would overflow the clocks of exports and event logs.
    public static let longestTimeMinutes = 100 * 365.25 * 1440

    /// A duration or distribution of durations (in minutes): `2 days` or `lognormal(mean: 20 min, sd: 5 min)`.
    public static func timeDistribution(_ text: String) -> Result<Distribution, ValueSyntaxError> {
        distribution(text, value: { timeSpan($0).map(\.minutes) }, timed: true)
    }

    /// A distribution of plain numbers (for attributes): `normal(mean: 71, sd: 9)`.
    public static func numberDistribution(_ text: String) -> Result<Distribution, ValueSyntaxError> {
        distribution(text, value: { s in
            number(s).map { .success($0) } ?? .failure("'\(s)' is not a number")
        }, timed: false)
    }

    static let families: [String: [String]] = [
        "fixed": ["value"], "uniform": ["min", "max"], "triangular": ["min", "mode", "max"],
        "exponential": ["mean"], "normal": ["mean", "sd"], "lognormal": ["mean", "sd"],
        "gamma": ["shape", "scale"], "empirical": [],
    ]

    private static func distribution(_ text: String, value: (String) -> Result<Double, ValueSyntaxError>, timed: Bool) -> Result<Distribution, ValueSyntaxError> {
        let t = text.trimmed
        guard let open = t.firstIndex(of: "(") else {
            if !timed, let v = number(t) { return .success(.fixed(v)) }
            return value(t).map { .fixed($0) }
        }
        let name = t[..<open].trimmed.lowercased()
        guard t.hasSuffix(")") else { return .failure("'\(t)' is missing its closing bracket `)`") }
        guard let parameters = families[name] else {
            let hint = closestMatch(to: name, in: families.keys.sorted())
            return .failure(ValueSyntaxError("'\(name)' is not a distribution" + (hint.map { " — did you mean '\($0)'?" }
                            ?? "; use fixed, uniform, triangular, exponential, normal, lognormal, gamma or empirical")))
        }
        let inner = String(t[t.index(after: open)..<t.index(before: t.endIndex)])
        let parts = inner.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmed }
        if name == "empirical" {
            var points: [EmpiricalPoint] = []
            for part in parts where !part.isEmpty {
                guard let colon = part.lastIndex(of: ":") else {
                    return .failure("each value of an empirical distribution needs a weight, such as `2 days: 0.5`")
                }
                let valueText = String(part[..<colon]), weightText = String(part[part.index(after: colon)...])
                let v: Double
                switch value(valueText.trimmed) {
                case .success(let x): v = x
                case .failure(let message): return .failure(message)
                }
                guard let w = probability(weightText), w >= 0 else {
                    return .failure("'\(weightText.trimmed)' is not a weight; write a number such as 0.5 or 50%")
                }
                points.append(EmpiricalPoint(value: v, weight: w))
            }
            guard !points.isEmpty else { return .failure("an empirical distribution needs at least one value with a weight") }
            guard points.reduce(0, { $0 + $1.weight }) > 0 else { return .failure("the weights of an empirical distribution add up to zero") }
            return .success(.empirical(points))
        }
        var named: [String: Double] = [:]
        var positional: [Double] = []
        for part in parts {
            guard !part.isEmpty else { return .failure("'\(t)' has an empty parameter") }
            let key: String?, valueText: String
            if let colon = part.firstIndex(where: { $0 == ":" || $0 == "=" }) {
                key = part[..<colon].trimmed.lowercased()
                valueText = part[part.index(after: colon)...].trimmed
            } else {
                key = nil
                valueText = part
            }
            // The shape of a gamma distribution is a plain number even for times.
            let parsed: Result<Double, ValueSyntaxError> = (key == "shape" || (name == "gamma" && key == nil && positional.isEmpty))
                ? (number(valueText).map { .success($0) } ?? .failure("the shape '\(valueText)' must be a plain number"))
                : value(valueText)
            let v: Double
            switch parsed {
            case .success(let x): v = x
            case .failure(let message): return .failure(message)
            }
            if let key {
                let accepted = name == "fixed" ? ["value"] : parameters
                guard accepted.contains(key) else {
                    return .failure("\(name) takes \(parameters.map { "`\($0)`" }.joined(separator: ", ")), not `\(key)`")
                }
                if named[key] != nil { return .failure("`\(key)` is given twice") }
                named[key] = v
            } else {
                positional.append(v)
            }
        }
        var values: [Double] = []
        for (i, p) in parameters.enumerated() {
            if let v = named[p] { values.append(v) } else if i < positional.count { values.append(positional[i]) } else {
                return .failure("\(name) needs \(parameters.map { "`\($0)`" }.joined(separator: ", ")); `\(p)` is missing")
            }
        }
        if positional.count + named.count > parameters.count {
            return .failure("\(name) takes \(parameters.count) parameter\(parameters.count == 1 ? "" : "s"), but \(positional.count + named.count) were given")
        }
        switch name {
        case "fixed": return .success(.fixed(values[0]))
        case "uniform":
            guard values[0] <= values[1] else { return .failure("uniform's `min` is larger than its `max`") }
            return .success(.uniform(min: values[0], max: values[1]))
        case "triangular":
            guard values[0] <= values[1], values[1] <= values[2] else {
                return .failure("triangular needs min ≤ mode ≤ max")
            }
            return .success(.triangular(min: values[0], mode: values[1], max: values[2]))
        case "exponential":
            guard values[0] > 0 else { return .failure("exponential needs a mean greater than zero") }
            return .success(.exponential(mean: values[0]))
        case "normal":
            guard values[1] >= 0 else { return .failure("normal's `sd` cannot be negative") }
            return .success(.normal(mean: values[0], sd: values[1]))
        case "lognormal":
            guard values[0] > 0 else { return .failure("lognormal needs a mean greater than zero") }
            guard values[1] >= 0 else { return .failure("lognormal's `sd` cannot be negative") }
            return .success(.lognormal(mean: values[0], sd: values[1]))
        default:
            guard values[0] > 0, values[1] > 0 else { return .failure("gamma needs a shape and a scale greater than zero") }
            return .success(.gamma(shape: values[0], scale: values[1]))
        }
    }

    /// `0.4`, `40%` → 0.4. Nil when not a number; range is checked by the caller.
    public static func probability(_ text: String) -> Double? {
        let t = text.trimmed
        if t.hasSuffix("%") {
            return number(String(t.dropLast()).trimmed).map { $0 / 100 }
        }
        return number(t)
    }

    /// `35 per week`, `5 per day`, `2 per hour`, `35/week` → arrivals per day.
    public static func ratePerDay(_ text: String) -> Result<Double, ValueSyntaxError> {
        let t = text.trimmed.lowercased()
        let separators = [" per ", "/", " a ", " an "]
        for sep in separators {
            guard let range = t.range(of: sep) else { continue }
            let count = t[..<range.lowerBound].trimmed
            var unit = t[range.upperBound...].trimmed
            guard let n = number(count) else { return .failure("'\(count)' is not a number of patients") }
            guard n >= 0 else { return .failure("a rate cannot be negative") }
            var multiple = 1.0
            if let space = unit.firstIndex(of: " "), let k = number(String(unit[..<space])) {
                multiple = k
                unit = unit[unit.index(after: space)...].trimmed
            }
            guard let minutes = timeUnits[unit] else {
                let hint = closestMatch(to: unit, in: ["hour", "day", "week"])
                return .failure(ValueSyntaxError("'\(unit)' is not a unit of time" + (hint.map { " — did you mean '\($0)'?" } ?? "; use hour, day or week")))
            }
            guard multiple > 0 else { return .failure("a rate needs a time greater than zero") }
            return .success(n * 1440 / (minutes * multiple))
        }
        return .failure("'\(text)' is not a rate; write it like `35 per week` or `5 per day`")
    }

    private static let dayNames: [String: Weekday] = [
        "mon": .monday, "monday": .monday, "tue": .tuesday, "tues": .tuesday, "tuesday": .tuesday,
        "wed": .wednesday, "wednesday": .wednesday, "thu": .thursday, "thur": .thursday, "thurs": .thursday,
        "thursday": .thursday, "fri": .friday, "friday": .friday, "sat": .saturday, "saturday": .saturday,
        "sun": .sunday, "sunday": .sunday,
    ]

    /// `weekdays 08:00-18:00`, `mon,wed 09:00-13:00; sat 09:00-12:00`, `always`, `daily 00:00-24:00`.
    /// `... except bank holidays` closes it on England and Wales bank holidays.
    public static func calendar(_ text: String) -> Result<OpeningCalendar, ValueSyntaxError> {
        let written = text.trimmed
        var t = written
        var holidays = false
        let suffix = "except bank holidays"
        if t.lowercased().hasSuffix(suffix) {
            holidays = true
            t = String(t.dropLast(suffix.count)).trimmed
            while let last = t.last, last == ";" || last == "," { t = String(t.dropLast()).trimmed }
            if t.isEmpty { return .failure("'\(written)' says when it is closed but not when it is open; write the opening times first, such as `weekdays 08:00-18:00 except bank holidays`") }
        } else if t.lowercased().contains("bank holiday") {
            return .failure("'\(written)' mentions bank holidays but not as `except bank holidays` at the end; write it like `weekdays 08:00-18:00 except bank holidays`")
        }
        switch windows(t) {
        case .success(let w): return .success(OpeningCalendar(windows: w, text: written, closedOnBankHolidays: holidays))
        case .failure(let e): return .failure(e)
        }
    }

    private static func windows(_ t: String) -> Result<[OpeningWindow], ValueSyntaxError> {
        if t.lowercased() == "always" || t.lowercased() == "24/7" {
            return .success([OpeningWindow(days: Weekday.allCases, opens: 0, closes: 1440)])
        }
        var windows: [OpeningWindow] = []
        for part in t.split(separator: ";").map({ $0.trimmed }) where !part.isEmpty {
            let pieces = part.split(separator: " ", omittingEmptySubsequences: true)
            guard pieces.count == 2 else {
                return .failure("'\(part)' is not an opening time; write days then hours, such as `weekdays 08:00-18:00` or `mon,wed 09:00-13:00`")
            }
            var days: [Weekday] = []
            for item in pieces[0].lowercased().split(separator: ",") {
                let word = String(item)
                switch word {
                case "weekdays": days += [.monday, .tuesday, .wednesday, .thursday, .friday]
                case "weekends", "weekend": days += [.saturday, .sunday]
                case "daily", "everyday", "all": days += Weekday.allCases
                default:
                    if let dash = word.firstIndex(of: "-") {
                        let a = String(word[..<dash]), b = String(word[word.index(after: dash)...])
                        guard let from = dayNames[a], let to = dayNames[b], from <= to else {
                            return .failure("'\(word)' is not a range of days; write it like `mon-fri`")
                        }
                        days += Weekday.allCases.filter { $0 >= from && $0 <= to }
                    } else if let day = dayNames[word] {
                        days.append(day)
                    } else {
                        let hint = closestMatch(to: word, in: ["weekdays", "weekends", "daily", "mon", "tue", "wed", "thu", "fri", "sat", "sun"])
                        return .failure(ValueSyntaxError("'\(word)' is not a day" + (hint.map { " — did you mean '\($0)'?" } ?? "; use weekdays, weekends, daily or mon…sun")))
                    }
                }
            }
            guard !days.isEmpty else {
                return .failure("'\(part)' names no days, so the resource would never open; write the days before the hours, such as `weekdays 09:00-17:00`")
            }
            let hours = pieces[1].split(separator: "-")
            guard hours.count == 2, let opens = clock(String(hours[0])), let closes = clock(String(hours[1])) else {
                return .failure("'\(pieces[1])' is not a span of hours; write it like `08:00-18:00`")
            }
            guard opens < closes else {
                return .failure("'\(pieces[1])' closes before it opens; for overnight opening write two windows, such as `daily 20:00-24:00; daily 00:00-08:00`")
            }
            var unique: [Weekday] = []
            for d in days.sorted() where !unique.contains(d) { unique.append(d) }
            windows.append(OpeningWindow(days: unique, opens: opens, closes: closes))
        }
        guard !windows.isEmpty else { return .failure("an opening calendar needs at least one window, such as `weekdays 09:00-17:00`") }
        return .success(windows)
    }

    /// `08:00` → 480 minutes after midnight; `24:00` is allowed as the end of the day.
    static func clock(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m),
              h * 60 + m <= 1440 else { return nil }
        return h * 60 + m
    }
}

/// Why a value could not be read, in plain words.
public struct ValueSyntaxError: Error, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public var message: String
    public init(_ message: String) { self.message = message }
    public init(stringLiteral value: String) { message = value }
    public var description: String { message }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (cheaper than Foundation's trimming).
    var trimmed: String {
        let scalars = unicodeScalars
        if let first = scalars.first, let last = scalars.last,
           first != " ", first != "\t", last != " ", last != "\t" { return String(self) }
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, scalars[start] == " " || scalars[start] == "\t" { start = scalars.index(after: start) }
        while end > start {
            let before = scalars.index(before: end)
            guard scalars[before] == " " || scalars[before] == "\t" else { break }
            end = before
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return String(view)
    }
}
